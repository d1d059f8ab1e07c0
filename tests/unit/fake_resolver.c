/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The fake resolver of fake_resolver.h: scanner/dns/resolver.h's functions over a
 * table and a virtual clock. It keeps the real resolver's contract, and aborts
 * when the engine breaks its side of it:
 * - every accepted query's callback runs exactly once, from scan_resolver_poll()
 *   or scan_resolver_cancel_all(), never from inside scan_resolver_query();
 * - scan_resolver_cancel_all() is not called from inside a callback;
 * - a run ends within FAKE_MAX_POLLS polls and FAKE_MAX_MS of virtual time.
 * Pending answers are a small array scanned for the earliest: tests ask hundreds
 * of questions, not millions.
 */
#include "tests/unit/fake_resolver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One send waiting for its callback. */
struct pending {
    int64_t due_ms;
    uint64_t seq; /* FIFO among sends due at the same time */
    scan_query_cb cb;
    void *arg;
    char name[256];
    uint16_t type;
    struct fake_reply reply;
    bool stale; /* another send of the same question was answered first */
};

struct scan_resolver {
    struct fake_opts o;
    int64_t now_ms;
    uint64_t seq;
    struct pending *p;
    size_t np, cp;
    struct fake_send *sends;
    size_t nsends, csends;
    size_t max_waiting, cancelled, callbacks;
    uint64_t polls;
    size_t submits, refused;
    bool poll_failed;
    size_t answered_after_failure;
    bool in_callback;
};

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "fake resolver: out of memory\n");
        abort();
    }
    return q;
}

static void contract(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fake resolver: contract broken: %s\n", what);
        abort();
    }
}

struct scan_resolver *fake_resolver_new(const struct fake_opts *o)
{
    struct scan_resolver *r = xrealloc(NULL, sizeof(*r));
    memset(r, 0, sizeof(*r));
    r->o = *o;
    r->now_ms = FAKE_T0_MS;
    return r;
}

void fake_resolver_free(struct scan_resolver *r)
{
    if (!r)
        return;
    free(r->p);
    free(r->sends);
    free(r);
}

/* Questions waiting: pending sends not stale, once per callback argument. */
static size_t waiting(const struct scan_resolver *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->np; i++) {
        if (r->p[i].stale)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !r->p[k].stale && r->p[k].arg == r->p[i].arg;
        n += !seen;
    }
    return n;
}

static const struct fake_reply *reply_for(const struct scan_resolver *r, const char *name,
                                          uint16_t type, size_t nth)
{
    for (const struct fake_entry *e = r->o.table; e && e->name; e++) {
        if (e->type != type || strcasecmp(e->name, name) != 0)
            continue;
        contract(e->nreplies >= 1 && e->nreplies <= FAKE_MAX_REPLIES, "table: nreplies");
        return &e->reply[nth < e->nreplies ? nth : e->nreplies - 1];
    }
    return NULL;
}

int scan_resolver_ask(struct scan_resolver *r, const struct scan_question *q, scan_query_cb cb,
                      void *arg)
{
    uint8_t wire[512];
    size_t len;
    if (scan_query_encode(q->name, q->type, wire, sizeof(wire), &len) != 0)
        return -EINVAL; /* as the real one: no wire form, no callback */
    r->submits++;
    if (r->o.submit_fails_at &&
        (r->submits == r->o.submit_fails_at ||
         (r->o.submit_keeps_failing && r->submits > r->o.submit_fails_at))) {
        r->refused++;
        return -ENOMEM; /* as the real one out of memory: nothing sent, no callback */
    }
    size_t nth = fake_sends_of(r, q->name, q->type);
    if (r->nsends == r->csends) {
        r->csends = r->csends ? r->csends * 2 : 64;
        r->sends = xrealloc(r->sends, r->csends * sizeof(*r->sends));
    }
    struct fake_send *s = &r->sends[r->nsends++];
    s->at_ms = r->now_ms - FAKE_T0_MS;
    snprintf(s->name, sizeof(s->name), "%s", q->name);
    s->type = q->type;

    const struct fake_reply *rp = reply_for(r, q->name, q->type, nth);
    struct fake_reply nx = {.delay_ms = r->o.default_delay_ms, .status = SCAN_DNS_NXDOMAIN};
    if (r->np == r->cp) {
        r->cp = r->cp ? r->cp * 2 : 64;
        r->p = xrealloc(r->p, r->cp * sizeof(*r->p));
    }
    struct pending *p = &r->p[r->np++];
    memset(p, 0, sizeof(*p));
    p->reply = rp ? *rp : nx;
    p->due_ms = r->now_ms + (p->reply.drop ? r->o.timeout_ms : p->reply.delay_ms);
    p->seq = r->seq++;
    p->cb = cb;
    p->arg = arg;
    snprintf(p->name, sizeof(p->name), "%s", q->name);
    p->type = q->type;
    size_t w = waiting(r);
    if (w > r->max_waiting)
        r->max_waiting = w;
    return 0;
}

int scan_resolver_query(struct scan_resolver *r, const char *name, uint16_t type, scan_query_cb cb,
                        void *arg)
{
    struct scan_question q = {.name = name, .type = type};
    return scan_resolver_ask(r, &q, cb, arg);
}

static struct scan_answer *make_answer(const struct pending *p)
{
    const struct fake_reply *rp = &p->reply;
    struct scan_answer *a;
    if (rp->drop) {
        a = scan_answer_new_status(SCAN_DNS_TIMEOUT, p->type);
    } else if (rp->status == SCAN_DNS_OK && rp->data) {
        struct scan_rr rr = {.type = p->type, .ttl = 300, .owner = p->name};
        if (p->type == SCAN_TYPE_A) {
            contract(inet_pton(AF_INET, rp->data, rr.a4) == 1, "table: bad A data");
        } else {
            rr.txt = (const uint8_t *)rp->data;
            rr.txt_len = strlen(rp->data);
            rr.nstrings = 1;
        }
        a = scan_answer_build(SCAN_DNS_OK, p->type, &rr, 1);
    } else {
        a = scan_answer_new_status(rp->status == SCAN_DNS_OK ? SCAN_DNS_NODATA : rp->status,
                                   p->type);
    }
    contract(a != NULL, "out of memory");
    return a;
}

/* Take pending[i] out and run its callback. */
static void complete(struct scan_resolver *r, size_t i, int cancelled)
{
    struct pending p = r->p[i];
    r->p[i] = r->p[--r->np];
    struct scan_answer *a =
        cancelled ? scan_answer_new_status(SCAN_DNS_TIMEOUT, p.type) : make_answer(&p);
    contract(a != NULL, "out of memory");
    if (!cancelled && a->status != SCAN_DNS_TIMEOUT)
        for (size_t k = 0; k < r->np; k++)
            if (r->p[k].arg == p.arg)
                r->p[k].stale = true; /* the engine decides on the first answer */
    r->cancelled += cancelled != 0;
    r->callbacks++;
    r->answered_after_failure += r->poll_failed && !cancelled;
    r->in_callback = true;
    p.cb(p.arg, a, cancelled);
    r->in_callback = false;
}

/* The pending send due first (FIFO among equals), or SIZE_MAX. */
static size_t earliest(const struct scan_resolver *r)
{
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < r->np; i++)
        if (best == SIZE_MAX || r->p[i].due_ms < r->p[best].due_ms ||
            (r->p[i].due_ms == r->p[best].due_ms && r->p[i].seq < r->p[best].seq))
            best = i;
    return best;
}

int scan_resolver_poll(struct scan_resolver *r, int max_ms)
{
    contract(!r->in_callback, "poll from inside a callback");
    contract(max_ms >= 0, "poll with a negative wait");
    /* A broken engine fails here rather than spinning: bounded in count and time. */
    contract(++r->polls <= FAKE_MAX_POLLS, "more than FAKE_MAX_POLLS polls");
    contract(r->now_ms - FAKE_T0_MS <= FAKE_MAX_MS, "more than FAKE_MAX_MS of virtual time");
    if (r->o.poll_fails_at && r->polls >= r->o.poll_fails_at) {
        r->poll_failed = true;
        return -EIO; /* as epoll_wait() failing: nothing completes, time does not move */
    }
    size_t i = earliest(r);
    if (i == SIZE_MAX || r->p[i].due_ms > r->now_ms + max_ms) {
        r->now_ms += max_ms; /* nothing due within the wait: it passes */
        return 0;
    }
    r->now_ms = r->p[i].due_ms;
    /* Everything due by now, in order; callbacks do not send (the engine's only queue). */
    while ((i = earliest(r)) != SIZE_MAX && r->p[i].due_ms <= r->now_ms)
        complete(r, i, 0);
    return 0;
}

void scan_resolver_cancel_all(struct scan_resolver *r)
{
    if (!r)
        return;
    contract(!r->in_callback, "cancel_all from inside a callback");
    size_t i;
    while ((i = earliest(r)) != SIZE_MAX)
        complete(r, i, 1);
}

size_t scan_resolver_inflight(const struct scan_resolver *r)
{
    return r->np;
}

uint64_t scan_resolver_sent(const struct scan_resolver *r)
{
    return r->nsends;
}

void scan_resolver_now(const struct scan_resolver *r, struct timespec *now)
{
    now->tv_sec = r->now_ms / 1000;
    now->tv_nsec = (long)(r->now_ms % 1000) * 1000000;
}

int64_t fake_elapsed_ms(const struct scan_resolver *r)
{
    return r->now_ms - FAKE_T0_MS;
}

size_t fake_max_waiting(const struct scan_resolver *r)
{
    return r->max_waiting;
}

size_t fake_send_count(const struct scan_resolver *r)
{
    return r->nsends;
}

const struct fake_send *fake_send_at(const struct scan_resolver *r, size_t i)
{
    return i < r->nsends ? &r->sends[i] : NULL;
}

size_t fake_sends_of(const struct scan_resolver *r, const char *name, uint16_t type)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nsends; i++)
        n += r->sends[i].type == type && strcasecmp(r->sends[i].name, name) == 0;
    return n;
}

size_t fake_cancelled(const struct scan_resolver *r)
{
    return r->cancelled;
}

size_t fake_callbacks(const struct scan_resolver *r)
{
    return r->callbacks;
}

size_t fake_polls(const struct scan_resolver *r)
{
    return (size_t)r->polls;
}

size_t fake_refused(const struct scan_resolver *r)
{
    return r->refused;
}

size_t fake_answered_after_failure(const struct scan_resolver *r)
{
    return r->answered_after_failure;
}
