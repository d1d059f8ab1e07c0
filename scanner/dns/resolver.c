/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * c-ares 1.18 behind scan_resolver (see resolver.h).
 *
 * Choices, each measured or forced by 1.18:
 * - ARES_FLAG_STAYOPEN keeps the UDP sockets between bursts.
 * - ARES_FLAG_NOCHECKRESP hands SERVFAIL and REFUSED replies to us: without it
 *   1.18 silently retries them and finally reports ECONNREFUSED, which would
 *   turn a list's "refused" into an indistinct failure.
 * - ARES_OPT_SOCK_RCVBUF asks for 4 MiB: with a few hundred queries in flight the
 *   default ~208 KiB receive buffer overflows on loopback and every dropped answer
 *   then costs a full retry timeout.
 * - Several channels: 1.18 sends everything for one server from one socket; more
 *   sockets spread answers over more buffers (and over NSD/Knot worker sockets).
 * - ares_timeout() walks every query in flight, so it is never called; instead
 *   poll() runs ares_process_fd(BAD, BAD) on a short tick, which processes only
 *   the current second's timeout bucket in 1.18.
 */
#include "scanner/dns/resolver.h"

#include <arpa/inet.h>
#include <ares.h>
#include <errno.h>
#include <sys/random.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "scanner/core/err.h"

#define RCVBUF_BYTES (4 * 1024 * 1024)
#define MAX_CHANNELS 16
#define TICK_MS      20

struct pending {
    struct scan_resolver *r;
    struct chan *c;
    scan_query_cb cb;
    void *arg;
    uint16_t type;
    uint16_t id;
    unsigned flags;
};

struct chan {
    struct scan_resolver *r;
    uint8_t ids[65536 / 8]; /* query IDs in flight on this channel */
    unsigned idx;
    ares_channel ch;
};

struct scan_resolver {
    int epfd;
    struct chan chans[MAX_CHANNELS];
    unsigned nchans, next;
    size_t inflight;
    uint64_t sent;
    bool freeing;
    struct timespec last_tick;
    uint8_t rnd[4096]; /* random bytes for query IDs, refilled by getrandom() */
    size_t rnd_off;
};

static int64_t ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

int scan_resolver_parse_addr(const char *s, char *buf, size_t len, struct scan_diag *diag)
{
    char host[INET6_ADDRSTRLEN + 1];
    const char *port = NULL;
    const char *why = NULL;
    unsigned char tmp[16];

    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || (size_t)(end - s - 1) >= sizeof(host)) {
            why = "unterminated '[' in IPv6 address";
            goto bad;
        }
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = '\0';
        if (end[1] == ':')
            port = end + 2;
        else if (end[1] != '\0') {
            why = "expected ':PORT' after ']'";
            goto bad;
        }
        if (inet_pton(AF_INET6, host, tmp) != 1) {
            why = "not an IPv6 address";
            goto bad;
        }
    } else {
        const char *colon = strchr(s, ':');
        if (colon && strchr(colon + 1, ':')) {
            /* A bare IPv6 address without a port. */
            if (strlen(s) >= sizeof(host) || inet_pton(AF_INET6, s, tmp) != 1) {
                why = "not an IPv6 address (write [ADDR]:PORT for a port)";
                goto bad;
            }
            snprintf(host, sizeof(host), "%s", s);
        } else {
            size_t hl = colon ? (size_t)(colon - s) : strlen(s);
            if (hl == 0 || hl >= sizeof(host)) {
                why = "empty or overlong address";
                goto bad;
            }
            memcpy(host, s, hl);
            host[hl] = '\0';
            if (inet_pton(AF_INET, host, tmp) != 1) {
                why = "not an IPv4 address (resolver names are not looked up)";
                goto bad;
            }
            if (colon)
                port = colon + 1;
        }
    }
    unsigned long p = 53;
    if (port) {
        char *end = NULL;
        errno = 0;
        p = strtoul(port, &end, 10);
        if (!*port || *end || errno || p == 0 || p > 65535) {
            why = "port must be 1-65535";
            goto bad;
        }
    }
    int n = strchr(host, ':') ? snprintf(buf, len, "[%s]:%lu", host, p)
                              : snprintf(buf, len, "%s:%lu", host, p);
    if (n < 0 || (size_t)n >= len) {
        why = "address too long";
        goto bad;
    }
    return 0;
bad:
    return scan_diag_fail(diag, SCAN_EPARSE, "--resolver '%s': %s", s, why);
}

/* c-ares tells us which sockets to watch; mirror that into epoll. */
static void sock_state_cb(void *data, ares_socket_t fd, int readable, int writable)
{
    struct chan *c = data;
    struct epoll_event ev = {0};
    ev.data.u64 = ((uint64_t)c->idx << 32) | (uint32_t)fd;
    ev.events = (readable ? EPOLLIN : 0) | (writable ? EPOLLOUT : 0);
    if (!readable && !writable) {
        epoll_ctl(c->r->epfd, EPOLL_CTL_DEL, fd, NULL);
        return;
    }
    if (epoll_ctl(c->r->epfd, EPOLL_CTL_MOD, fd, &ev) != 0)
        epoll_ctl(c->r->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* The --resolver addresses as c-ares' comma-separated list (*csv NULL when none given). */
static int servers_csv(const struct scan_resolver_opts *o, char **csv, struct scan_diag *diag)
{
    *csv = NULL;
    if (o->nservers == 0)
        return 0;
    size_t cap = o->nservers * 64 + 1, used = 0;
    char *list = calloc(1, cap);
    if (!list)
        return -ENOMEM;
    for (size_t i = 0; i < o->nservers; i++) {
        char one[64];
        int ret = scan_resolver_parse_addr(o->servers[i], one, sizeof(one), diag);
        if (ret != 0) {
            free(list);
            return ret;
        }
        used += (size_t)snprintf(list + used, cap - used, "%s%s", i ? "," : "", one);
    }
    *csv = list;
    return 0;
}

/* c-ares' process-wide state, initialised on the first resolver. */
static int library_init(struct scan_diag *diag)
{
    static bool library_ready;
    if (library_ready)
        return 0;
    if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS)
        return scan_diag_fail(diag, -EIO, "c-ares library initialisation failed");
    library_ready = true;
    return 0;
}

/* Channel @p i of @p r with the run's timeout and tries, on the servers of @p csv if any. */
static int chan_init(struct scan_resolver *r, unsigned i, const struct scan_resolver_opts *o,
                     const char *csv, struct scan_diag *diag)
{
    struct chan *c = &r->chans[i];
    struct ares_options ao;
    memset(&ao, 0, sizeof(ao));
    c->r = r;
    c->idx = i;
    ao.flags = ARES_FLAG_STAYOPEN | ARES_FLAG_NOCHECKRESP;
    ao.timeout = o->timeout_ms > 0 ? o->timeout_ms : 2000;
    ao.tries = o->tries > 0 ? o->tries : 2;
    ao.sock_state_cb = sock_state_cb;
    ao.sock_state_cb_data = c;
    ao.socket_receive_buffer_size = RCVBUF_BYTES;
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
               ARES_OPT_SOCK_RCVBUF;
    int st = ares_init_options(&c->ch, &ao, mask);
    if (st != ARES_SUCCESS)
        return scan_diag_fail(diag, st == ARES_ENOMEM ? -ENOMEM : SCAN_ECONFIG, "c-ares: %s",
                              ares_strerror(st));
    r->nchans = i + 1;
    if (csv) {
        st = ares_set_servers_ports_csv(c->ch, csv);
        if (st != ARES_SUCCESS)
            return scan_diag_fail(diag, SCAN_ECONFIG, "c-ares rejected the resolver list: %s",
                                  ares_strerror(st));
    }
    return 0;
}

int scan_resolver_new(const struct scan_resolver_opts *o, struct scan_resolver **out,
                      struct scan_diag *diag)
{
    struct scan_resolver *r = NULL;
    char *csv = NULL;
    int ret;

    *out = NULL;
    ret = servers_csv(o, &csv, diag);
    if (ret == 0)
        ret = library_init(diag);
    if (ret != 0)
        goto fail;

    r = calloc(1, sizeof(*r));
    if (!r) {
        ret = -ENOMEM;
        goto fail;
    }
    r->rnd_off = sizeof(r->rnd); /* draw random bytes on first use */
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r->epfd < 0) {
        int e = errno;
        ret = scan_diag_fail(diag, -e, "epoll_create1: %s", strerror(e));
        goto fail;
    }
    unsigned n = o->channels ? o->channels : 1;
    if (n > MAX_CHANNELS)
        n = MAX_CHANNELS;
    for (unsigned i = 0; i < n; i++) {
        ret = chan_init(r, i, o, csv, diag);
        if (ret != 0)
            goto fail;
    }
    clock_gettime(CLOCK_MONOTONIC, &r->last_tick);
    free(csv);
    *out = r;
    return 0;
fail:
    free(csv);
    scan_resolver_free(r);
    return ret;
}

void scan_resolver_free(struct scan_resolver *r)
{
    if (!r)
        return;
    r->freeing = true;
    for (unsigned i = 0; i < r->nchans; i++)
        ares_destroy(r->chans[i].ch); /* runs pending callbacks with ARES_EDESTRUCTION */
    if (r->epfd >= 0)
        close(r->epfd);
    free(r);
}

void scan_resolver_cancel_all(struct scan_resolver *r)
{
    for (unsigned i = 0; r && i < r->nchans; i++)
        ares_cancel(r->chans[i].ch); /* runs pending callbacks with ARES_ECANCELLED */
}

static enum scan_dns_status map_status(int st)
{
    switch (st) {
    case ARES_ESERVFAIL:
        return SCAN_DNS_SERVFAIL;
    case ARES_EREFUSED:
        return SCAN_DNS_REFUSED;
    case ARES_EBADRESP:
    case ARES_EFORMERR:
    case ARES_ENOTIMP:
    case ARES_EBADNAME:
        return SCAN_DNS_BADRESP;
    default:
        /* ETIMEOUT, ECONNREFUSED (nothing listening), EDESTRUCTION, ECANCELLED:
         * no answer from any server. */
        return SCAN_DNS_TIMEOUT;
    }
}

static void id_set(struct chan *c, uint16_t id, bool used);

static void query_cb(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
    struct pending *p = arg;
    struct scan_resolver *r = p->r;
    struct scan_answer *ans = NULL;
    int cancelled = status == ARES_EDESTRUCTION || status == ARES_ECANCELLED;

    if (abuf && alen > 0 && !cancelled &&
        (status == ARES_SUCCESS || status == ARES_ENOTFOUND || status == ARES_ENODATA ||
         status == ARES_ESERVFAIL || status == ARES_EREFUSED || status == ARES_EBADRESP)) {
        if (scan_answer_parse(abuf, (size_t)alen, p->type, &ans) != 0)
            ans = NULL;
        /* A DNSSEC question keeps the reply whole for the validator. Out of memory
         * here is out of memory for the parse too: the callee sees NULL. */
        if (ans && (p->flags & SCAN_Q_DNSSEC) &&
            scan_answer_set_raw(ans, abuf, (size_t)alen) != 0) {
            scan_answer_free(ans);
            ans = NULL;
        }
    } else {
        ans = scan_answer_new_status(map_status(status), p->type);
    }
    r->inflight--;
    id_set(p->c, p->id, false);
    scan_query_cb cb = p->cb;
    void *cbarg = p->arg;
    free(p);
    cb(cbarg, ans, cancelled);
}

/*
 * Query IDs. c-ares 1.18's ares_send() keeps the ID of the message it is given,
 * so we choose it: random (an off-path forger must guess it as well as the
 * source port) and unique among the channel's queries in flight, so a reply is
 * never matched against another question.
 */
static uint16_t rnd16(struct scan_resolver *r)
{
    if (r->rnd_off + 2 > sizeof(r->rnd)) {
        size_t got = 0;
        while (got < sizeof(r->rnd)) {
            ssize_t n = getrandom(r->rnd + got, sizeof(r->rnd) - got, 0);
            if (n <= 0) {
                if (n < 0 && errno == EINTR)
                    continue;
                /* No kernel entropy interface: fall back to the clock (not expected on
                 * Linux >= 3.17). */
                struct timespec t;
                clock_gettime(CLOCK_MONOTONIC, &t);
                for (size_t i = got; i < sizeof(r->rnd); i++)
                    r->rnd[i] = (uint8_t)((uint64_t)t.tv_nsec * 2654435761u >> (i % 24));
                break;
            }
            got += (size_t)n;
        }
        r->rnd_off = 0;
    }
    uint16_t v = (uint16_t)(r->rnd[r->rnd_off] << 8 | r->rnd[r->rnd_off + 1]);
    r->rnd_off += 2;
    return v;
}

static bool id_used(const struct chan *c, uint16_t id)
{
    return c->ids[id >> 3] & (1u << (id & 7));
}

static void id_set(struct chan *c, uint16_t id, bool used)
{
    if (used)
        c->ids[id >> 3] |= (uint8_t)(1u << (id & 7));
    else
        c->ids[id >> 3] &= (uint8_t) ~(1u << (id & 7));
}

static uint16_t id_pick(struct scan_resolver *r, struct chan *c)
{
    uint16_t id = rnd16(r);
    /* At most a few thousand of 65,536 are in use: a free one is a few tries away. */
    for (int i = 0; i < 64 && id_used(c, id); i++)
        id = rnd16(r);
    while (id_used(c, id))
        id++;
    return id;
}

int scan_resolver_query(struct scan_resolver *r, const char *name, uint16_t type, scan_query_cb cb,
                        void *arg)
{
    struct scan_question q = {.name = name, .type = type};
    return scan_resolver_ask(r, &q, cb, arg);
}

int scan_resolver_ask(struct scan_resolver *r, const struct scan_question *question,
                      scan_query_cb cb, void *arg)
{
    uint8_t q[12 + 255 + 4 + 11];
    size_t qlen;
    uint16_t type = question->type;
    int ret = scan_query_encode(question->name, type, q, sizeof(q), &qlen);
    if (ret == 0)
        ret = scan_query_add_edns(q, sizeof(q), &qlen, question->flags);
    if (ret != 0)
        return ret == -ENOSPC ? -EINVAL : ret;
    struct pending *p = malloc(sizeof(*p));
    if (!p)
        return -ENOMEM;
    p->r = r;
    p->cb = cb;
    p->arg = arg;
    p->type = type;
    p->flags = question->flags;
    r->inflight++;
    r->sent++;
    struct chan *c = &r->chans[r->next++ % r->nchans];
    p->c = c;
    p->id = id_pick(r, c);
    id_set(c, p->id, true);
    q[0] = (uint8_t)(p->id >> 8);
    q[1] = (uint8_t)p->id;
    /* Our own encoding, sent as it is: ares_query() would re-parse the name and
     * turn "\\DDD" escapes into other bytes. The ID is ours (above). May call
     * query_cb synchronously (e.g. ENOMEM): the contract is "exactly once". */
    ares_send(c->ch, q, (int)qlen, query_cb, p);
    return 0;
}

int scan_resolver_poll(struct scan_resolver *r, int max_ms)
{
    struct epoll_event evs[64];
    int wait = max_ms;
    if (r->inflight > 0 && (wait < 0 || wait > TICK_MS))
        wait = TICK_MS;
    int n = epoll_wait(r->epfd, evs, 64, wait);
    if (n < 0) {
        if (errno == EINTR)
            return 0;
        return -errno;
    }
    for (int i = 0; i < n; i++) {
        struct chan *c = &r->chans[evs[i].data.u64 >> 32];
        ares_socket_t fd = (ares_socket_t)(evs[i].data.u64 & 0xffffffffu);
        ares_socket_t rfd =
            (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) ? fd : ARES_SOCKET_BAD;
        ares_socket_t wfd = (evs[i].events & EPOLLOUT) ? fd : ARES_SOCKET_BAD;
        ares_process_fd(c->ch, rfd, wfd);
    }
    /* Timers: every ares_process_fd() call above already checked them for its
     * channel; channels without events get an explicit tick. */
    if (n == 0 || ms_since(&r->last_tick) >= TICK_MS) {
        for (unsigned i = 0; i < r->nchans; i++)
            ares_process_fd(r->chans[i].ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
        clock_gettime(CLOCK_MONOTONIC, &r->last_tick);
    }
    return 0;
}

size_t scan_resolver_inflight(const struct scan_resolver *r)
{
    return r->inflight;
}

uint64_t scan_resolver_sent(const struct scan_resolver *r)
{
    return r->sent;
}

void scan_resolver_now(const struct scan_resolver *r, struct timespec *now)
{
    clock_gettime(CLOCK_MONOTONIC, now);
}
