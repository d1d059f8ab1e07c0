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
 * Usage (a synchronous driver, as in tests):
 * @code
 *   struct scan_view *v = scan_view_new();
 *   for (;;) {
 *       ret = my_check(v, &args, &res);
 *       if (ret != -EAGAIN) break;
 *       scan_view_answer_missing(v, lookup_somehow, zone); // every driver's step
 *   }
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

/** What a synchronous replay driver answers for one missing question; the view
 *  takes the answer (NULL is put as is: -ENOMEM from scan_view_put_flags()). */
typedef struct scan_answer *scan_view_answer_fn(void *arg, const char *name, uint16_t type,
                                                unsigned flags);

/**
 * The step between two rounds of a synchronous replay driver (tests, fuzz
 * targets, the conformance suite; the engine asks asynchronously instead):
 * every missing question answered by @p fn, then the missing list cleared.
 * @return 0, or the first scan_view_put_flags() error (the rest still answered).
 */
int scan_view_answer_missing(struct scan_view *v, scan_view_answer_fn *fn, void *arg);

/** @return how many answers the view holds (a check's DNS cost, for reports). */
size_t scan_view_size(const struct scan_view *v);

#endif
