/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A DNS view: the answers one check job has seen so far.
 *
 * Record checks (FCrDNS, SPF, DMARC, MX) are pure functions written in a
 * "replay" style: they read DNS data only through scan_view_get(). When an
 * answer is not in the view yet, scan_view_get() records the question as
 * missing and returns -EAGAIN; the check stops and returns -EAGAIN too. The
 * engine then asks the missing questions (through its run-wide cache and
 * the resolver core), puts the answers into the view and calls the check
 * again from the start. Because every answer already seen is served from
 * the view, a re-run is cheap and deterministic, and the check needs no
 * callbacks, no state machine and no sockets, so unit tests and the SPF
 * conformance driver feed it answers directly.
 *
 * Names are compared case-insensitively, with or without a trailing dot.
 *
 * The replay contract, which scan_view_run() enforces for every driver: a run
 * returns 0 (or an error) with its result, or -EAGAIN with no result and at
 * least one question recorded as missing (else the driver would spin).
 *
 * Usage (the synchronous driver of tests, fuzz targets and the conformance
 * suite; the engine asks asynchronously, scan_view_run() at each round):
 * @code
 *   static int run_mine(struct scan_view *v, void *arg, void **out)
 *   {
 *       struct scan_report *r = NULL;
 *       int ret = my_check(v, arg, &r);
 *       *out = r;
 *       return ret;
 *   }
 *   struct scan_view *v = scan_view_new();
 *   struct scan_view_driver d = {run_mine, &args, lookup_somehow, zone, 10};
 *   void *out = NULL;
 *   ret = scan_view_drive(v, &d, &out);   // 0: out is the report
 *   scan_view_free(v);
 * @endcode
 */
#ifndef SCANNER_VIEW_H
#define SCANNER_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnsmsg.h"

struct scan_view;

/** @return a new empty view (caller frees with scan_view_free()), or NULL on ENOMEM. */
struct scan_view *scan_view_new(void);

/** Free the view and every answer it holds; NULL is a no-op. */
void scan_view_free(struct scan_view *v);

/**
 * Look up (name, type).
 * @param[out] ans  on 0: the answer, borrowed until scan_view_free(); else NULL
 * @return 0 when present; -EAGAIN when not yet known (the question is recorded as
 *         missing, once); -EINVAL for a name that cannot be asked (empty label,
 *         over 253 characters, label over 63); -ENOMEM.
 */
int scan_view_get(struct scan_view *v, const char *name, uint16_t type,
                  const struct scan_answer **ans);

/**
 * Store an answer for (name, type); replaces nothing (a second put for the same
 * question frees @p ans and keeps the first).
 * @param[in] ans  takes ownership, even on error
 * @return 0 or -ENOMEM.
 */
int scan_view_put(struct scan_view *v, const char *name, uint16_t type, struct scan_answer *ans);

/**
 * scan_view_get() for a question asked with flags (enum scan_qflag): the DNSSEC
 * check asks with SCAN_Q_DNSSEC. A question with other flags is another question.
 * The root is the name ".".
 * @return as scan_view_get().
 */
int scan_view_get_flags(struct scan_view *v, const char *name, uint16_t type, unsigned flags,
                        const struct scan_answer **ans);

/** scan_view_put() for a question asked with flags. @return as scan_view_put(). */
int scan_view_put_flags(struct scan_view *v, const char *name, uint16_t type, unsigned flags,
                        struct scan_answer *ans);

/** @return the flags of missing question @p i (< count). */
unsigned scan_view_missing_flags(const struct scan_view *v, size_t i);

/** @return how many questions are recorded as missing. */
size_t scan_view_missing_count(const struct scan_view *v);

/** Read missing question @p i (< count). @p name is borrowed until the next clear. */
void scan_view_missing_get(const struct scan_view *v, size_t i, const char **name, uint16_t *type);

/** Forget the missing list (after the engine has taken the questions). */
void scan_view_missing_clear(struct scan_view *v);

/** What scan_view_drive() answers for one missing question; the view takes the
 *  answer (NULL means out of memory: the drive stops with -ENOMEM after the round). */
typedef struct scan_answer *scan_view_answer_fn(void *arg, const char *name, uint16_t type,
                                                unsigned flags);

/**
 * One run of a replay check, for scan_view_run() and scan_view_drive(): call the
 * check over @p v from the start.
 * @param[in] arg   the caller's (the check's arguments and wherever it puts results)
 * @param[out] out  what the run produced and the caller must release (a report, an
 *                  outcome holding memory), else NULL; the driver only looks at it
 * @return the check's code: 0, -EAGAIN, or its error.
 */
typedef int scan_view_run_fn(struct scan_view *v, void *arg, void **out);

/**
 * Run a replay check once and hold it to the replay contract: the step every
 * driver shares, the engine's (scanner/engine/check.c) and scan_view_drive().
 * Questions left missing by an earlier run are forgotten first, so the missing
 * list afterwards is this run's own (a run from the start asks them again).
 * @param[out] out  set by @p run (NULL before it); the caller releases it, on
 *                  -EPROTO too
 * @return @p run's code; -EAGAIN only with *out NULL and at least one question
 *         missing; -EPROTO when the run broke the contract (-EAGAIN with a result,
 *         or with nothing missing).
 */
int scan_view_run(struct scan_view *v, scan_view_run_fn *run, void *arg, void **out);

/** A synchronous replay driver: the check, who answers, and how many rounds. */
struct scan_view_driver {
    scan_view_run_fn *run;
    void *run_arg;
    scan_view_answer_fn *answer; /**< answers every missing question between rounds */
    void *answer_arg;
    unsigned max_rounds; /**< runs at most (>= 1); a check that needs more is broken */
};

/**
 * Play the engine's part synchronously: scan_view_run(), and after each -EAGAIN
 * every missing question answered by d->answer, until the check finishes. For
 * tests, fuzz targets and the conformance suite.
 * @param[in] d     borrowed for the call
 * @param[out] out  the last run's result (see scan_view_run()); caller releases it
 * @return the check's final code (0 or its error); -EPROTO on a contract breach
 *         (scan_view_run()); -ELOOP when not finished in d->max_rounds runs;
 *         -ENOMEM when an answer could not be stored (the rest of that round is
 *         still answered); -EINVAL when d->max_rounds is 0.
 */
int scan_view_drive(struct scan_view *v, const struct scan_view_driver *d, void **out);

/** @return how many answers the view holds (a check's DNS cost, for reports). */
size_t scan_view_size(const struct scan_view *v);

#endif
