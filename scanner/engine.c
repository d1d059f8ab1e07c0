/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scan engine (see engine.h).
 *
 * Flow control. Targets are pulled one at a time from the stream; each
 * target expands into a short plan of items (one per applicable list, then
 * one per applicable record check). A job is created for the next item only
 * while fewer than `concurrency` queries are in flight and fewer than twice
 * that many jobs are alive, so memory is bounded by the window, never by the
 * pool. A list with a rate limit stalls the plan until its token bucket has a
 * token: every target visits every list, so a faster list could not run
 * ahead without buffering targets.
 *
 * Callbacks from the resolver only store the answer and put the job on the
 * ready queue; jobs are advanced, emitted and freed by the loop, never inside
 * a c-ares callback (STYLE rule 11).
 *
 * Verdicts. A list's results are trusted only after its test points behave
 * (RFC 5782 section 5 plus the catalog's own points). An unhealthy or
 * blocked list is not queried at all; each of its (target, list) pairs gets
 * an `error` result with reason `unhealthy` or `blocked`. Per answer: NXDOMAIN
 * is clean; refusal codes are `error/blocked`; addresses outside 127/8 are
 * `error/invalid-answer`; timeouts, SERVFAIL and REFUSED are errors with that
 * reason. Nothing but a catalog listing code (or an unknown 127/8 code) is
 * ever `listed`, and nothing but NXDOMAIN or an allow code is ever `clean`.
 */
#include "scanner/engine.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/checks.h"
#include "scanner/err.h"
#include "scanner/qname.h"
#include "scanner/report.h"
#include "scanner/view.h"

#define CACHE_BUCKETS  65536
#define CACHE_MAX_KEPT 100000
#define PROGRESS_MS    200

/* Record-check slots after the lists in a target's plan. */
enum { SLOT_FCRDNS, SLOT_SPF, SLOT_DMARC, SLOT_MX, SLOT_SPF_AUTH0 };

struct eng;
struct job;

struct waiter {
    struct waiter *next;
    struct job *job;
};

/* A question asked by record checks: answered once per run, shared by every job
 * that asks it while it is in flight or (when kept) afterwards. */
struct centry {
    struct centry *hnext;
    struct eng *g;
    char *name;
    uint16_t type;
    size_t bucket;
    struct scan_answer *ans; /* NULL while in flight */
    struct waiter *waiters;
    bool kept;
};

struct elist {
    const struct list_entry *e;
    const char *zone;
    double rate, tokens;
    struct timespec last;
    bool healthy;
    bool blocked;
    size_t hpending; /* health queries not answered yet */
    char detail[600];
};

enum job_kind { JOB_DNSBL, JOB_CHECK, JOB_HEALTH };

struct job {
    struct eng *g;
    enum job_kind kind;
    size_t item;
    int pending;
    bool queued;
    struct job *next_ready;
    struct scan_target t;
    /* dnsbl and health */
    char qname[256];
    struct scan_answer *a, *txt;
    bool txt_asked;
    /* health */
    const char *tp;
    bool tp_listed;
    /* checks */
    struct scan_view *view;
    unsigned check;
    const char *domain;
};

struct eng {
    const struct scan_engine_opts *o;
    struct elist *lists;
    size_t nitems;
    struct job *ready_head, *ready_tail;
    size_t jobs;
    int fatal;
    /* generator */
    struct scan_targets *ts;
    struct scan_target cur;
    bool have_cur, targets_done;
    size_t cur_item;
    /* cache */
    struct centry **buckets;
    size_t kept;
    /* stats */
    struct scan_engine_stats *st;
    uint64_t total;
    struct timespec start, last_progress;
};

static double elapsed_s(const struct timespec *since)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* ---- jobs ---------------------------------------------------------------- */

static void ready_push(struct eng *g, struct job *j)
{
    if (j->queued)
        return;
    j->queued = true;
    j->next_ready = NULL;
    if (g->ready_tail)
        g->ready_tail->next_ready = j;
    else
        g->ready_head = j;
    g->ready_tail = j;
}

static struct job *job_new(struct eng *g, enum job_kind kind, size_t item)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        g->fatal = -ENOMEM;
        return NULL;
    }
    j->g = g;
    j->kind = kind;
    j->item = item;
    g->jobs++;
    return j;
}

static void job_free(struct job *j)
{
    if (!j)
        return;
    j->g->jobs--;
    scan_answer_free(j->a);
    scan_answer_free(j->txt);
    scan_view_free(j->view);
    free(j);
}

static void on_dns_answer(void *arg, struct scan_answer *ans, int cancelled)
{
    struct job *j = arg;
    if (!ans) {
        j->g->fatal = -ENOMEM;
        ans = scan_answer_new_status(SCAN_DNS_TIMEOUT, 0);
    }
    if (j->txt_asked) {
        scan_answer_free(j->txt);
        j->txt = ans;
    } else {
        scan_answer_free(j->a);
        j->a = ans;
    }
    j->pending--;
    if (j->pending == 0)
        ready_push(j->g, j);
    (void)cancelled;
}

static int submit(struct job *j, const char *name, uint16_t type)
{
    /* Count first: c-ares may complete the query before ares_query() returns
     * (a send that fails at once), and the callback must see it pending. */
    j->pending++;
    int ret = scan_resolver_query(j->g->o->resolver, name, type, on_dns_answer, j);
    if (ret != 0)
        j->pending--;
    return ret;
}

/* ---- the run-wide cache for record checks --------------------------------- */

static size_t hash_q(const char *name, uint16_t type)
{
    uint64_t h = 1469598103934665603ull ^ type;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % CACHE_BUCKETS);
}

static void centry_unlink_free(struct centry *c)
{
    struct centry **pp = &c->g->buckets[c->bucket];
    while (*pp && *pp != c)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = c->hnext;
    free(c->name);
    scan_answer_free(c->ans);
    free(c);
}

static void on_cache_answer(void *arg, struct scan_answer *ans, int cancelled)
{
    struct centry *c = arg;
    struct eng *g = c->g;
    if (!ans) {
        g->fatal = -ENOMEM;
        ans = scan_answer_new_status(SCAN_DNS_TIMEOUT, c->type);
    }
    c->ans = ans;
    struct waiter *w = c->waiters;
    c->waiters = NULL;
    while (w) {
        struct waiter *next = w->next;
        struct job *j = w->job;
        if (ans && scan_view_put(j->view, c->name, c->type, scan_answer_dup(ans)) != 0)
            g->fatal = -ENOMEM;
        if (--j->pending == 0)
            ready_push(g, j);
        free(w);
        w = next;
    }
    /* Answers that are not worth keeping are dropped once delivered. A cancelled
     * answer (resolver teardown) is never kept. */
    if (!c->kept || cancelled) {
        if (c->kept)
            g->kept--;
        centry_unlink_free(c);
    }
}

/* Deliver (name, type) to the job's view: from the cache, by joining a query in
 * flight, or by asking. */
static int cache_fetch(struct job *j, const char *name, uint16_t type)
{
    struct eng *g = j->g;
    size_t b = hash_q(name, type);
    struct centry *c = g->buckets[b];
    while (c && !(c->type == type && strcmp(c->name, name) == 0))
        c = c->hnext;
    if (c && c->ans)
        return scan_view_put(j->view, name, type, scan_answer_dup(c->ans));
    struct waiter *w = malloc(sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->job = j;
    if (c) {
        w->next = c->waiters;
        c->waiters = w;
        j->pending++;
        return 0;
    }
    c = calloc(1, sizeof(*c));
    if (!c || !(c->name = strdup(name))) {
        free(c);
        free(w);
        return -ENOMEM;
    }
    c->g = g;
    c->type = type;
    c->bucket = b;
    /* Reverse lookups are per IP and never repeat; the rest (SPF includes, MX
     * hosts, report-authorization records) repeat across domains. */
    c->kept = type != SCAN_TYPE_PTR && j->check != SCAN_CHECK_FCRDNS && g->kept < CACHE_MAX_KEPT;
    if (c->kept)
        g->kept++;
    c->hnext = g->buckets[b];
    g->buckets[b] = c;
    w->next = NULL;
    c->waiters = w;
    j->pending++;
    int ret = scan_resolver_query(g->o->resolver, name, type, on_cache_answer, c);
    if (ret != 0) {
        j->pending--;
        c->waiters = NULL;
        free(w);
        if (c->kept)
            g->kept--;
        centry_unlink_free(c);
    }
    return ret;
}

static void cache_free_all(struct eng *g)
{
    if (!g->buckets)
        return;
    for (size_t b = 0; b < CACHE_BUCKETS; b++) {
        struct centry *c = g->buckets[b];
        while (c) {
            struct centry *next = c->hnext;
            free(c->name);
            scan_answer_free(c->ans);
            free(c);
            c = next;
        }
    }
    free(g->buckets);
}

/* ---- results ------------------------------------------------------------- */

static void count_result(struct eng *g, const struct scan_result *r)
{
    g->st->results++;
    switch (r->outcome) {
    case SCAN_OUT_ERROR:
        g->st->errors++;
        break;
    case SCAN_OUT_LISTED:
        g->st->listed++;
        break;
    case SCAN_OUT_INFO:
        g->st->info++;
        break;
    case SCAN_OUT_PROBLEM:
        g->st->problems++;
        break;
    case SCAN_OUT_OK:
        break;
    }
    if (g->o->on_result)
        g->o->on_result(g->o->arg, r);
}

static size_t answer_addrs(const struct scan_answer *a, uint32_t *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n && n < cap; i++)
        if (a->rr[i].type == SCAN_TYPE_A)
            out[n++] = ((uint32_t)a->rr[i].a4[0] << 24) | ((uint32_t)a->rr[i].a4[1] << 16) |
                       ((uint32_t)a->rr[i].a4[2] << 8) | a->rr[i].a4[3];
    return n;
}

/* Interpret an A answer; returns false when it has no usable addresses. */
static bool interpret(const struct list_entry *e, const struct scan_answer *a,
                      struct list_interp *in)
{
    uint32_t addrs[LIST_MAX_CODES];
    size_t n = answer_addrs(a, addrs, LIST_MAX_CODES);
    return n > 0 && list_interpret(e, addrs, n, in) == 0;
}

static void emit_dnsbl(struct eng *g, struct job *j)
{
    struct elist *l = &g->lists[j->item];
    struct scan_result r = {0};
    struct list_interp in;
    const char *codes[LIST_MAX_CODES];
    char txt[1024], delist[1024];

    memset(&in, 0, sizeof(in));
    enum scan_status st = SCAN_ST_ERROR;
    enum scan_reason why = SCAN_R_NONE;
    r.target = j->t.text;
    r.list = l->e->zone;
    r.list_id = l->e->id;
    if (!l->healthy) {
        why = l->blocked ? SCAN_R_BLOCKED : SCAN_R_UNHEALTHY;
        goto out;
    }
    switch (j->a->status) {
    case SCAN_DNS_NXDOMAIN:
    case SCAN_DNS_NODATA:
        st = SCAN_ST_CLEAN;
        goto out;
    case SCAN_DNS_OK:
        break;
    default:
        why = scan_reason_of_dns(j->a->status);
        goto out;
    }
    if (!interpret(l->e, j->a, &in)) {
        why = SCAN_R_INVALID_ANSWER;
        goto out;
    }
    for (size_t i = 0; i < in.ncodes; i++)
        codes[i] = in.codes[i];
    r.ncodes = in.ncodes;
    r.codes = codes;
    r.meanings = in.meanings;
    switch (in.verdict) {
    case LIST_V_LISTED:
    case LIST_V_INFO:
        st = SCAN_ST_LISTED;
        r.klass = in.verdict == LIST_V_LISTED ? SCAN_CLASS_LISTING : SCAN_CLASS_INFO;
        if (l->e->informational)
            r.klass = SCAN_CLASS_INFO;
        if (list_delist_url(l->e, j->t.text, delist, sizeof(delist)) == 0 && delist[0])
            r.delist_url = delist;
        if (j->txt && j->txt->status == SCAN_DNS_OK) {
            size_t o = 0;
            for (size_t i = 0; i < j->txt->n && o + 4 < sizeof(txt); i++) {
                const char *s = (const char *)j->txt->rr[i].txt;
                size_t len = strnlen(s, j->txt->rr[i].txt_len); /* untrusted: cut at NUL */
                if (i > 0) {
                    memcpy(txt + o, " / ", 3);
                    o += 3;
                }
                if (len > sizeof(txt) - o - 1)
                    len = sizeof(txt) - o - 1;
                memcpy(txt + o, s, len);
                o += len;
            }
            txt[o] = '\0';
            r.txt = txt;
        }
        break;
    case LIST_V_ALLOW:
        st = SCAN_ST_CLEAN;
        r.klass = SCAN_CLASS_ALLOW;
        break;
    case LIST_V_CLEAN:
        st = SCAN_ST_CLEAN;
        break;
    case LIST_V_REFUSAL:
        why = SCAN_R_BLOCKED;
        break;
    case LIST_V_INVALID:
        why = SCAN_R_INVALID_ANSWER;
        break;
    }
out:
    scan_result_set(&r, SCAN_CHECK_DNSBL, st, why);
    count_result(g, &r);
}

static void emit_check_error(struct eng *g, struct job *j, enum scan_check check,
                             enum scan_reason why)
{
    struct scan_result r = {0};
    r.target = j->t.text;
    scan_result_set(&r, check, SCAN_ST_ERROR, why);
    count_result(g, &r);
}

/* ---- advancing jobs ------------------------------------------------------- */

static int run_check(struct job *j, struct scan_report **rep)
{
    switch (j->check) {
    case SCAN_CHECK_FCRDNS:
        return scan_fcrdns_check(j->view, &j->t, rep);
    case SCAN_CHECK_SPF:
        return scan_spf_check(j->view, j->t.text, rep);
    case SCAN_CHECK_SPF_AUTH:
        return scan_spf_auth_check(j->view, &j->t, j->domain, rep);
    case SCAN_CHECK_DMARC:
        return scan_dmarc_check(j->view, j->t.text, rep);
    default:
        return scan_mx_check(j->view, j->t.text, rep);
    }
}

/* Run a record check until it finishes or waits for answers. @return true when
 * the job is finished (and may be freed). */
static bool advance_check(struct eng *g, struct job *j)
{
    for (int round = 0; round < 64; round++) {
        struct scan_report *rep = NULL;
        int ret = run_check(j, &rep);
        if (ret == 0) {
            const struct scan_result *r = scan_report_result(rep);
            if (r)
                count_result(g, r);
            else
                g->fatal = -ENOMEM;
            scan_report_free(rep);
            return true;
        }
        if (ret == -EINVAL)
            return true; /* not applicable to this target */
        if (ret != -EAGAIN) {
            if (ret == -ENOMEM)
                g->fatal = ret;
            emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
            return true;
        }
        size_t n = scan_view_missing_count(j->view);
        if (n == 0) {
            emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
            return true;
        }
        for (size_t i = 0; i < n; i++) {
            const char *name;
            uint16_t type;
            scan_view_missing_get(j->view, i, &name, &type);
            if (cache_fetch(j, name, type) != 0) {
                g->fatal = -ENOMEM;
                break;
            }
        }
        scan_view_missing_clear(j->view);
        /* A synchronous completion inside the resolver may already have queued
         * the job again: let the queue run it, never free a queued job. */
        if (j->pending > 0 || j->queued)
            return false;
        /* Everything came from the cache: run again at once. */
    }
    emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
    return true;
}

static void health_eval(struct eng *g, struct job *j)
{
    struct elist *l = &g->lists[j->item];
    struct list_interp in;
    const struct scan_answer *a = j->a;
    const char *zone = l->e->zone;
    char problem[400] = "";

    memset(&in, 0, sizeof(in));
    if (a->status == SCAN_DNS_OK && interpret(l->e, a, &in) && in.verdict == LIST_V_REFUSAL) {
        const char *advice;
        if (l->e->access == LIST_ACCESS_KEY)
            advice = "check that the key is valid and its service is active";
        else if (l->e->access == LIST_ACCESS_REGISTRATION)
            advice = "register your resolver's public IP address with the list operator";
        else if (strstr(zone, "spamhaus"))
            advice = "query through your own recursive resolver or use a DQS key";
        else
            advice = "query through your own recursive resolver, not a public or ISP one";
        if (!l->blocked)
            snprintf(l->detail, sizeof(l->detail), "%s refuses this resolver (%s%s%s): %s", zone,
                     in.codes[0], in.meanings[0] ? ", " : "", in.meanings[0] ? in.meanings[0] : "",
                     advice);
        l->healthy = false;
        l->blocked = true;
        return;
    }
    switch (a->status) {
    case SCAN_DNS_OK:
        if (!interpret(l->e, a, &in) || in.verdict == LIST_V_INVALID) {
            char ip[INET_ADDRSTRLEN] = "?";
            for (size_t i = 0; i < a->n; i++)
                if (a->rr[i].type == SCAN_TYPE_A)
                    inet_ntop(AF_INET, a->rr[i].a4, ip, sizeof(ip));
            snprintf(problem, sizeof(problem),
                     "answers %s (outside 127.0.0.0/8) for test point %s: the zone looks parked "
                     "or hijacked; do not use it",
                     ip, j->tp);
        } else if (!j->tp_listed) {
            snprintf(problem, sizeof(problem),
                     "lists its negative test point %s (%s): it lists the world (a dead list or "
                     "a wildcard); do not use it",
                     j->tp, in.codes[0]);
        }
        break;
    case SCAN_DNS_NXDOMAIN:
    case SCAN_DNS_NODATA:
        if (j->tp_listed)
            snprintf(problem, sizeof(problem),
                     "does not list its test point %s (RFC 5782): the list may be dead or "
                     "empty, or it silently refuses this resolver",
                     j->tp);
        break;
    default:
        snprintf(problem, sizeof(problem),
                 "test point %s: %s: the list or the resolver is not "
                 "answering",
                 j->tp, scan_dns_status_word(a->status));
        break;
    }
    if (problem[0]) {
        if (l->healthy || (!l->blocked && !l->detail[0]))
            snprintf(l->detail, sizeof(l->detail), "%s %s", zone, problem);
        l->healthy = false;
    }
}

/* @return true when the job is finished. */
static bool advance(struct eng *g, struct job *j)
{
    switch (j->kind) {
    case JOB_HEALTH:
        g->lists[j->item].hpending--;
        health_eval(g, j);
        return true;
    case JOB_CHECK:
        return advance_check(g, j);
    case JOB_DNSBL:
        break;
    }
    struct elist *l = &g->lists[j->item];
    if (!j->txt_asked && l->e->txt && j->a && j->a->status == SCAN_DNS_OK) {
        struct list_interp in;
        if (interpret(l->e, j->a, &in) &&
            (in.verdict == LIST_V_LISTED || in.verdict == LIST_V_INFO)) {
            j->txt_asked = true;
            if (submit(j, j->qname, SCAN_TYPE_TXT) == 0)
                return false;
        }
    }
    emit_dnsbl(g, j);
    return true;
}

static void drain_ready(struct eng *g)
{
    while (g->ready_head) {
        struct job *j = g->ready_head;
        g->ready_head = j->next_ready;
        if (!g->ready_head)
            g->ready_tail = NULL;
        j->queued = false;
        if (advance(g, j))
            job_free(j);
    }
}

/* ---- the generator --------------------------------------------------------- */

static bool list_applies(const struct list_entry *e, const struct scan_target *t)
{
    switch (t->type) {
    case SCAN_T_IP4:
        return e->kinds & LIST_KIND_IP4;
    case SCAN_T_IP6:
        return e->kinds & LIST_KIND_IP6;
    default:
        return e->kinds & LIST_KIND_DOMAIN;
    }
}

/* The check of a plan slot for this target, or 0 when it does not apply. */
static unsigned slot_check(const struct eng *g, size_t slot, const struct scan_target *t)
{
    bool ip = t->type != SCAN_T_DOMAIN;
    unsigned c = g->o->checks;
    switch (slot) {
    case SLOT_FCRDNS:
        return ip && (c & SCAN_CHECK_FCRDNS) ? SCAN_CHECK_FCRDNS : 0;
    case SLOT_SPF:
        return !ip && (c & SCAN_CHECK_SPF) ? SCAN_CHECK_SPF : 0;
    case SLOT_DMARC:
        return !ip && (c & SCAN_CHECK_DMARC) ? SCAN_CHECK_DMARC : 0;
    case SLOT_MX:
        return !ip && (c & SCAN_CHECK_MX) ? SCAN_CHECK_MX : 0;
    default:
        return ip && (c & SCAN_CHECK_SPF_AUTH) ? SCAN_CHECK_SPF_AUTH : 0;
    }
}

static void refill_tokens(struct elist *l)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double dt =
        (double)(now.tv_sec - l->last.tv_sec) + (double)(now.tv_nsec - l->last.tv_nsec) / 1e9;
    l->last = now;
    double burst = l->rate / 10 > 1 ? l->rate / 10 : 1;
    l->tokens += dt * l->rate;
    if (l->tokens > burst)
        l->tokens = burst;
}

/* Start jobs until the window is full. @return ms to wait for a rate token, or -1. */
static int fill_window(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    size_t max_jobs = o->concurrency * 2 + 16;

    while (!g->fatal && !(o->stop && *o->stop)) {
        if (scan_resolver_inflight(o->resolver) >= o->concurrency || g->jobs >= max_jobs)
            return -1;
        if (!g->have_cur) {
            if (g->targets_done)
                return -1;
            int ret = scan_targets_next(g->ts, &g->cur);
            if (ret != 0) {
                g->targets_done = true;
                if (ret < 0)
                    g->fatal = ret;
                return -1;
            }
            g->have_cur = true;
            g->cur_item = 0;
        }
        if (g->cur_item >= g->nitems) {
            g->have_cur = false;
            g->st->targets++;
            continue;
        }
        size_t item = g->cur_item;
        struct job *j = NULL;
        if (item < o->nlists) {
            struct elist *l = &g->lists[item];
            if (!(o->checks & SCAN_CHECK_DNSBL) || !list_applies(l->e, &g->cur)) {
                g->cur_item++;
                continue;
            }
            if (l->healthy && l->rate > 0) {
                refill_tokens(l);
                if (l->tokens < 1) {
                    int ms = (int)((1 - l->tokens) * 1000 / l->rate) + 1;
                    return ms;
                }
                l->tokens -= 1;
            }
            j = job_new(g, JOB_DNSBL, item);
            if (!j)
                return -1;
            j->t = g->cur;
            g->cur_item++;
            if (!l->healthy) {
                emit_dnsbl(g, j);
                job_free(j);
                continue;
            }
            int r = scan_qname(&j->t, l->zone, l->e->domain_mode == LIST_DOMAIN_REGISTRABLE,
                               j->qname, sizeof(j->qname));
            if (r != 0) {
                /* A name too long for this zone cannot be listed there. */
                j->a = scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_A);
                ready_push(g, j);
                continue;
            }
            if (submit(j, j->qname, SCAN_TYPE_A) != 0) {
                g->fatal = -ENOMEM;
                job_free(j);
                return -1;
            }
            continue;
        }
        size_t slot = item - o->nlists;
        unsigned check = slot_check(g, slot < SLOT_SPF_AUTH0 ? slot : SLOT_SPF_AUTH0, &g->cur);
        g->cur_item++;
        if (!check)
            continue;
        j = job_new(g, JOB_CHECK, item);
        if (!j)
            return -1;
        j->t = g->cur;
        j->check = check;
        if (check == SCAN_CHECK_SPF_AUTH)
            j->domain = o->spf_domains[slot - SLOT_SPF_AUTH0];
        j->view = scan_view_new();
        if (!j->view) {
            g->fatal = -ENOMEM;
            job_free(j);
            return -1;
        }
        ready_push(g, j); /* first run happens in drain_ready() */
    }
    return -1;
}

/* ---- health --------------------------------------------------------------- */

static int run_health(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        for (size_t k = 0; k < l->e->ntps; k++) {
            const struct list_test_point *tp = &l->e->tps[k];
            struct job *j = job_new(g, JOB_HEALTH, i);
            if (!j)
                return -ENOMEM;
            j->tp = tp->point;
            j->tp_listed = tp->listed;
            l->hpending++;
            if (list_test_point_qname(tp, l->zone, j->qname, sizeof(j->qname)) != 0 ||
                submit(j, j->qname, SCAN_TYPE_A) != 0) {
                l->hpending--;
                job_free(j);
                continue;
            }
        }
    }
    while (g->jobs > 0 && !g->fatal && !(o->stop && *o->stop)) {
        int ret = scan_resolver_poll(o->resolver, 100);
        if (ret < 0)
            return ret;
        drain_ready(g);
    }
    /* Stopped (or failed) before every test point answered: those lists were not
     * shown to be healthy, so they are not reported as such. */
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        if (l->hpending > 0 && l->healthy) {
            l->healthy = false;
            snprintf(l->detail, sizeof(l->detail),
                     "%s: the health check did not finish (the run was interrupted)", l->e->zone);
        }
    }
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        struct scan_health h = {.list = l->e->zone, .list_id = l->e->id, .healthy = l->healthy};
        if (!l->healthy) {
            h.reason = l->blocked ? "blocked" : "unhealthy";
            h.detail = l->detail;
            g->st->unhealthy_lists++;
        }
        if (o->on_health)
            o->on_health(o->arg, &h);
    }
    return g->fatal;
}

/* ---- the run ---------------------------------------------------------------- */

static void progress(struct eng *g, bool force)
{
    if (!g->o->on_progress)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int64_t ms = (int64_t)(now.tv_sec - g->last_progress.tv_sec) * 1000 +
                 (now.tv_nsec - g->last_progress.tv_nsec) / 1000000;
    if (!force && ms < PROGRESS_MS)
        return;
    g->last_progress = now;
    struct scan_progress p = {.targets_done = g->st->targets,
                              .targets_total = g->total,
                              .results = g->st->results,
                              .errors = g->st->errors,
                              .queries = scan_resolver_sent(g->o->resolver),
                              .seconds = elapsed_s(&g->start)};
    g->o->on_progress(g->o->arg, &p);
}

int scan_engine_run(const struct scan_engine_opts *o, struct scan_targets *ts, uint64_t total,
                    struct scan_engine_stats *st)
{
    struct eng g;
    int ret = 0;

    memset(&g, 0, sizeof(g));
    memset(st, 0, sizeof(*st));
    g.o = o;
    g.ts = ts;
    g.st = st;
    g.total = total;
    g.nitems = o->nlists + SLOT_SPF_AUTH0 + o->nspf_domains;
    clock_gettime(CLOCK_MONOTONIC, &g.start);
    g.last_progress = g.start;
    uint64_t sent0 = scan_resolver_sent(o->resolver);

    g.lists = calloc(o->nlists ? o->nlists : 1, sizeof(*g.lists));
    g.buckets = calloc(CACHE_BUCKETS, sizeof(*g.buckets));
    if (!g.lists || !g.buckets) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g.lists[i];
        l->e = o->lists[i];
        l->zone = o->zones[i];
        l->healthy = true;
        l->rate = o->rate < 0 ? l->e->rate : o->rate;
        l->tokens = 1;
        clock_gettime(CLOCK_MONOTONIC, &l->last);
    }

    if (o->checks & SCAN_CHECK_DNSBL) {
        ret = run_health(&g);
        if (ret < 0)
            goto out;
    }

    for (;;) {
        drain_ready(&g);
        int wait = fill_window(&g);
        drain_ready(&g);
        if (g.fatal) {
            ret = g.fatal;
            break;
        }
        bool stopping = o->stop && *o->stop;
        if ((g.targets_done || stopping) && g.jobs == 0)
            break;
        int r = scan_resolver_poll(o->resolver, wait >= 0 ? wait : 100);
        if (r < 0) {
            ret = r;
            break;
        }
        progress(&g, false);
    }
    progress(&g, true);
    st->complete = ret == 0 && g.targets_done && !(o->stop && *o->stop);
out:
    /* Jobs still alive (fatal error) are released when the resolver is freed by
     * the caller: their callbacks would touch freed jobs, so drain them here. */
    while (g.jobs > 0 && scan_resolver_inflight(o->resolver) > 0) {
        if (scan_resolver_poll(o->resolver, 100) < 0)
            break;
        drain_ready(&g);
    }
    st->queries = scan_resolver_sent(o->resolver) - sent0;
    st->seconds = elapsed_s(&g.start);
    cache_free_all(&g);
    free(g.lists);
    return ret;
}
