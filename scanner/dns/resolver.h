/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The resolver core: the only place that talks to c-ares (STYLE rule 2).
 *
 * One thread, one epoll set, several c-ares channels (each channel sends
 * from one UDP source port, so several spread the load over server sockets
 * and kernel buffers). c-ares is driven with ARES_OPT_SOCK_STATE_CB and
 * ares_process_fd(); it falls back to TCP by itself when an answer is
 * truncated. Timeouts do not wake the socket-state callback, so
 * scan_resolver_poll() also processes timers itself on a short tick.
 *
 * Usage:
 * @code
 *   struct scan_resolver *r = NULL;
 *   struct scan_diag diag = {0};
 *   scan_resolver_new(&opts, &r, &diag);
 *   scan_resolver_query(r, "2.0.0.127.zen.spamhaus.org", SCAN_TYPE_A, on_answer, job);
 *   while (scan_resolver_inflight(r) > 0)
 *       scan_resolver_poll(r, 100);   // callbacks run from here
 *   scan_resolver_free(r);            // pending callbacks run with SCAN_DNS_TIMEOUT, cancelled=1
 * @endcode
 */
#ifndef SCANNER_RESOLVER_H
#define SCANNER_RESOLVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/core/err.h"
#include "scanner/dns/dnsmsg.h"

struct scan_resolver_opts {
    const char *const *servers; /**< "ADDR", "ADDR:PORT", "[V6]:PORT"; NULL/0 = /etc/resolv.conf */
    size_t nservers;
    int timeout_ms;    /**< first try; c-ares doubles it on each later round */
    int tries;         /**< tries per server */
    unsigned channels; /**< c-ares channels (source ports), >= 1 */
};

/**
 * Completion of one query; runs exactly once per submitted query, from inside
 * scan_resolver_poll() or scan_resolver_free().
 * @param[in] ans  the parsed answer, owned by the callee (free with scan_answer_free());
 *                 NULL only when parsing ran out of memory
 * @param[in] cancelled  1 when the resolver is being freed (the answer is a timeout)
 */
typedef void (*scan_query_cb)(void *arg, struct scan_answer *ans, int cancelled);

struct scan_resolver;

/**
 * Parse one --resolver value into c-ares' "host:port" CSV form.
 * @param[out] buf   "127.0.0.1:5353" or "[::1]:53"
 * @param[out] diag  on SCAN_EPARSE: "--resolver 'VALUE': why"; may be NULL
 * @return 0; SCAN_EPARSE for anything else.
 */
int scan_resolver_parse_addr(const char *s, char *buf, size_t len, struct scan_diag *diag);

/**
 * @param[out] out   caller frees with scan_resolver_free()
 * @param[out] diag  on failure, a sentence (bad server list, c-ares init error); left
 *                   as it was for -ENOMEM from an allocation; may be NULL
 * @return 0; SCAN_EPARSE / SCAN_ECONFIG (diag says why); -ENOMEM; -EIO.
 */
int scan_resolver_new(const struct scan_resolver_opts *o, struct scan_resolver **out,
                      struct scan_diag *diag);

/** Cancel everything in flight (each callback runs once with cancelled=1) and free.
 *  NULL is a no-op. Must not be called from inside a callback. */
void scan_resolver_free(struct scan_resolver *r);

/** Cancel everything in flight: each callback runs now, once, with cancelled=1.
 *  NULL is a no-op. Must not be called from inside a callback. */
void scan_resolver_cancel_all(struct scan_resolver *r);

/**
 * Submit a query (class IN, RD set) for @p name in presentation form (see
 * scan_query_encode(): "\\DDD" and "\\." are the bytes they stand for, so a name
 * read from a reply is asked under exactly its wire name). @p name is copied.
 * @return 0 (the callback will run exactly once); -EINVAL for a name that has no
 *         wire form (empty label, bad escape, too long): nothing was sent and the
 *         callback will not run; -ENOMEM (it will not either).
 */
int scan_resolver_query(struct scan_resolver *r, const char *name, uint16_t type, scan_query_cb cb,
                        void *arg);

/** One question, for scan_resolver_ask(). */
struct scan_question {
    const char *name; /**< presentation form, as scan_resolver_query() takes it (copied) */
    uint16_t type;
    unsigned flags; /**< enum scan_qflag bits: SCAN_Q_DNSSEC asks with EDNS0 DO and CD and
                         keeps the reply's bytes in the answer (scan_answer::raw) */
};

/**
 * scan_resolver_query() for a question with flags.
 * @param[in] q  borrowed for the call
 * @return as scan_resolver_query().
 */
int scan_resolver_ask(struct scan_resolver *r, const struct scan_question *q, scan_query_cb cb,
                      void *arg);

/**
 * Wait up to @p max_ms for socket events, process them and any expired timers.
 * @return 0, or a negative errno when epoll fails.
 */
int scan_resolver_poll(struct scan_resolver *r, int max_ms);

/** @return queries submitted and not yet completed. */
size_t scan_resolver_inflight(const struct scan_resolver *r);

/** @return queries submitted since creation. */
uint64_t scan_resolver_sent(const struct scan_resolver *r);

/**
 * The loop's clock: CLOCK_MONOTONIC, the time the engine measures every timeout,
 * rate and deadline in. It belongs to the resolver because answers and timeouts
 * arrive on it: a test resolver linked in place of this one (tests/unit/
 * fake_resolver.c, Unbound's fake_event.c pattern) answers from a table in
 * virtual time and moves this clock to its next event.
 */
void scan_resolver_now(const struct scan_resolver *r, struct timespec *now);

#endif
