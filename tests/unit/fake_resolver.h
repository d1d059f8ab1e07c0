/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A resolver that answers from a table in virtual time, for running the real
 * engine (scanner/engine/) without sockets: the pattern of Unbound's
 * testcode/fake_event.c. fake_resolver.c defines every scan_resolver_*
 * function the engine calls (scanner/dns/resolver.h), so a test that links it
 * never links scanner/dns/resolver.c or c-ares' sockets (STYLE rule 2: a link seam).
 *
 * Time is virtual: it starts at FAKE_T0_MS and moves only inside
 * scan_resolver_poll(), straight to the next answer due (or by the poll's wait
 * when none is due sooner). scan_resolver_now() reads it, so the engine's
 * retries, rate limits and health deadline all run on it: a 60 s scan takes
 * milliseconds, and the same every time.
 *
 * Each question (name, type) is answered by its table entry, send by send: the
 * k-th send of it gets reply[k] (the last reply for every later send). A reply
 * comes after delay_ms, or never (drop: the resolver reports a timeout after
 * timeout_ms, as c-ares does once its tries are spent). A question not in the
 * table is NXDOMAIN after default_delay_ms.
 *
 * Faults (fake_opts::poll_fails_at, submit_fails_at) make a poll fail with
 * -EIO or a submit fail with -ENOMEM, for the engine's fatal paths.
 *
 * Usage:
 * @code
 *   static const struct fake_entry table[] = {
 *       {"2.0.0.127.bl.test", SCAN_TYPE_A, 1, {{.delay_ms = 20, .data = "127.0.0.2"}}},
 *       {"1.2.18.198.bl.test", SCAN_TYPE_A, 2, {{.drop = true}, {.delay_ms = 5, .data =
 * "127.0.0.2"}}}, {NULL},
 *   };
 *   struct fake_opts fo = {.table = table, .default_delay_ms = 10, .timeout_ms = 2000};
 *   struct scan_resolver *r = fake_resolver_new(&fo);
 *   ... scan_engine_run() with .resolver = r ...
 *   cr_assert_eq(scan_resolver_inflight(r), 0);
 *   fake_resolver_free(r);
 * @endcode
 */
#ifndef TESTS_UNIT_FAKE_RESOLVER_H
#define TESTS_UNIT_FAKE_RESOLVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/resolver.h"

/** Virtual time at creation: far from 0, which the engine reads as "no time set". */
#define FAKE_T0_MS 1000000

#define FAKE_MAX_REPLIES 4

/** Bounds of one run: past either, the fake aborts (a spinning or stuck engine). */
#define FAKE_MAX_POLLS 1000000
#define FAKE_MAX_MS    (3600 * 1000)

/** What one send of a question gets. */
struct fake_reply {
    int delay_ms;                /**< after this long (virtual) */
    bool drop;                   /**< no reply: a timeout after fake_opts::timeout_ms */
    enum scan_dns_status status; /**< SCAN_DNS_OK with data: one record; OK without: NODATA */
    const char *data;            /**< A: address text; TXT: the text */
};

struct fake_entry {
    const char *name; /**< NULL ends the table */
    uint16_t type;
    size_t nreplies; /**< 1..FAKE_MAX_REPLIES */
    struct fake_reply reply[FAKE_MAX_REPLIES];
};

struct fake_opts {
    const struct fake_entry *table; /**< borrowed until fake_resolver_free() */
    int default_delay_ms;           /**< NXDOMAIN for names not in the table, after this */
    int timeout_ms;                 /**< when a dropped send is reported a timeout */
    /** Faults, for the engine's fatal paths (0: none). From the poll_fails_at-th
     *  scan_resolver_poll() on, every poll fails with -EIO (as epoll_wait() can),
     *  completing nothing. The submit_fails_at-th query submitted is refused with
     *  -ENOMEM (that one only, or every one from it on with submit_keeps_failing):
     *  nothing is sent and its callback never runs. */
    size_t poll_fails_at;
    size_t submit_fails_at;
    bool submit_keeps_failing;
};

/** One send, as the engine made it. */
struct fake_send {
    int64_t at_ms; /**< virtual ms since creation */
    char name[256];
    uint16_t type;
};

/** @return a fake resolver (free with fake_resolver_free()); aborts on ENOMEM. */
struct scan_resolver *fake_resolver_new(const struct fake_opts *o);

/** Free: callbacks still pending are NOT run (the test asserts there are none). */
void fake_resolver_free(struct scan_resolver *r);

/** @return virtual ms since creation. */
int64_t fake_elapsed_ms(const struct scan_resolver *r);

/** @return the most questions that were waiting at once: sends not yet completed,
 *  counted once per question (callback argument), leaving out a send whose question
 *  another send already answered. */
size_t fake_max_waiting(const struct scan_resolver *r);

/** @return sends made so far; the i-th of them (borrowed until free). */
size_t fake_send_count(const struct scan_resolver *r);
const struct fake_send *fake_send_at(const struct scan_resolver *r, size_t i);

/** @return sends of (name, type). */
size_t fake_sends_of(const struct scan_resolver *r, const char *name, uint16_t type);

/** @return callbacks run with cancelled=1 (by scan_resolver_cancel_all()). */
size_t fake_cancelled(const struct scan_resolver *r);

/** @return callbacks run, cancelled or not: with nothing in flight, one per send
 *  (fake_send_count()), as each runs once at most. */
size_t fake_callbacks(const struct scan_resolver *r);

/** @return polls so far, failed ones included. */
size_t fake_polls(const struct scan_resolver *r);

/** @return submits refused by fake_opts::submit_fails_at. */
size_t fake_refused(const struct scan_resolver *r);

/** @return callbacks run with an answer (not cancelled) after the first failed poll:
 *  0 when the engine stopped polling at its fatal error. */
size_t fake_answered_after_failure(const struct scan_resolver *r);

#endif
