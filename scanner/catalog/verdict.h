/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSBL verdict: what one answer of a list means, and whether a list's
 * test points behave. Pure functions (no I/O, no allocation): the engine only
 * schedules questions and hands the answers here, and the unit tests call
 * them with canned answers (tests/unit/test_verdict.c).
 *
 * The rule is "never a wrong verdict": an answer is `clean` only when it is
 * NXDOMAIN, or NOERROR with an empty answer section for the question name
 * itself (a proper NODATA); it is `listed` only when every record is a
 * well-formed A record of the name asked, in class IN, inside 127.0.0.0/8,
 * and no code is a refusal. Everything else is an `error` whose reason says
 * why (invalid-answer, blocked, or the DNS failure).
 *
 * Usage:
 * @code
 *   struct list_finding v;
 *   list_dnsbl_verdict(entry, answer, &v);
 *   if (v.st == SCAN_ST_LISTED) report(v.in.codes, v.in.meanings, v.klass);
 *
 *   char why[300];
 *   enum list_probe p = list_probe_judge(entry, tp, answer, why, sizeof(why));
 * @endcode
 */
#ifndef SCANNER_VERDICT_H
#define SCANNER_VERDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/catalog/catalog.h"
#include "scanner/dns/dnsmsg.h"
#include "scanner/core/result.h"

/** The finding of one A answer of one list: its verdict, reason, class and codes. */
struct list_finding {
    enum scan_status st;   /**< SCAN_ST_LISTED, SCAN_ST_CLEAN or SCAN_ST_ERROR */
    enum scan_reason why;  /**< SCAN_R_NONE unless st is SCAN_ST_ERROR */
    enum scan_class klass; /**< LISTING or INFO when listed; ALLOW for an allow code */
    const char *detail;    /**< static sentence: why an answer is invalid, or NULL */
    struct list_interp in; /**< the codes and their meanings (listed, blocked, allow) */
};

/**
 * Decide what the A answer @p a to a question under the zone of @p e means.
 * Rules, first that applies:
 * 1. a DNS failure (timeout, SERVFAIL, REFUSED, garbage, CNAME loop) -> error with
 *    scan_reason_of_dns();
 * 2. TC set on the final reply -> error/invalid-answer (a truncated answer may hide codes);
 * 3. NXDOMAIN -> clean;
 * 4. records for another name, class or type in the answer section -> error/invalid-answer;
 * 5. NODATA: at the end of a CNAME chain -> error/invalid-answer (a chain that ends
 *    without an address); for the question name itself -> clean;
 * 6. every A record is read (no cap): any address outside 127/8 -> error/invalid-answer;
 *    any refusal code -> error/blocked (even beside listing codes); listing codes ->
 *    listed (class listing, or informational when every code is); allow codes -> clean
 *    with class allow.
 * @param[in]  e    the list (borrowed for the call)
 * @param[in]  a    the answer (borrowed for the call)
 * @param[out] out  the verdict; meanings borrowed from @p e's catalog or static
 * @return 0; -EINVAL for a NULL argument.
 */
int list_dnsbl_verdict(const struct list_entry *e, const struct scan_answer *a,
                       struct list_finding *out);

/**
 * Combine the verdicts of the names asked for one target (domain_mode both:
 * the exact name and its registrable domain): listed when either is listed
 * (the first listed one wins), else error when either is an error (blocked
 * first), else clean (allow when either is allow).
 * @return the index (0 or 1) of the verdict that decides.
 */
size_t list_verdict_combine(const struct list_finding *v, size_t n);

/** What one test point's answer says about a list's health for one kind. */
enum list_probe {
    LIST_PROBE_GOOD,     /**< the point answered as documented */
    LIST_PROBE_BAD,      /**< it answered, wrongly: the list is not usable for this kind */
    LIST_PROBE_BLOCKED,  /**< a refusal code: the list refuses this resolver */
    LIST_PROBE_NOANSWER, /**< no usable answer (timeout, SERVFAIL, REFUSED, garbage): ask
                              again; health is not established until it answers */
};

/**
 * Judge the answer @p a to the test point @p tp of list @p e.
 * A listed point is good when the answer is a listing, informational or allow code
 * (and includes tp->code when the catalog gives one); an unlisted point is good on
 * NXDOMAIN or NODATA. A refusal code is BLOCKED whatever the point.
 * @param[out] why  a sentence for the person reading the health line (what was seen and
 *                  what to do), without the zone; "" when GOOD. It is part of the result
 *                  (the engine puts it in the list's health detail, which the writers and
 *                  the store keep), not an error message: the call itself cannot fail, so
 *                  this is not a struct scan_diag
 * @return the judgement.
 */
enum list_probe list_probe_judge(const struct list_entry *e, const struct list_test_point *tp,
                                 const struct scan_answer *a, char *why, size_t len);

#endif
