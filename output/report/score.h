/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The health score of the HTML report: 0 to 100 for the pool (every IP target)
 * and for each domain target, so a reader sees at once how bad things are and
 * why. It is documented in the README and printed in every report.
 *
 * Every result whose outcome is not "ok" is one finding and falls in exactly
 * one category by its outcome (switch on enum scan_outcome, never on words):
 * listed, problem (a record check's certain problem), open (an error: no
 * verdict) and informational. A finding counts against the subject its target
 * is: an IP target's against the pool, a domain target's against that domain
 * (spf-auth results are about an IP, so they count for the pool). Each finding
 * costs the points of its category, and each category loses at most its cap:
 *
 * | category      | pool: per finding, cap | domain: per finding, cap |
 * |---------------|------------------------|--------------------------|
 * | listed        | 10, 50                 | 25, 50                   |
 * | problem       | 2, 30                  | 10, 30                   |
 * | open          | 1, 10                  | 5, 10                    |
 * | informational | 1, 10                  | 5, 10                    |
 *
 * score = 100 - sum over categories of min(findings x cost, cap). The caps add
 * up to 100, so the score is never negative. A pool has many addresses and a
 * domain one record of each kind, hence the smaller costs for the pool.
 */
#ifndef OUTPUT_SCORE_H
#define OUTPUT_SCORE_H

#include <stdint.h>

#include "scanner/core/result.h"

/** What a score is about. */
enum out_score_subject {
    OUT_SCORE_POOL,   /**< every IP target of the report */
    OUT_SCORE_DOMAIN, /**< one domain target */
};

/** The categories of findings, in the order the report shows them. */
enum out_score_cat {
    OUT_SCORE_LISTED,  /**< a DNSBL listing of class listing */
    OUT_SCORE_PROBLEM, /**< a record check's certain problem (fail, invalid, none, ...) */
    OUT_SCORE_OPEN,    /**< no verdict: a DNS failure, an unhealthy list, a temperror */
    OUT_SCORE_INFO,    /**< an informational listing */
    OUT_SCORE_NCATS
};

/** What one finding of a category costs, and the most the category can cost. */
struct out_score_rule {
    unsigned cost;
    unsigned cap;
};

/**
 * @param[out] cat  the category of a result with outcome @p o (untouched for "ok")
 * @return 0, or -ENOENT for SCAN_OUT_OK (not a finding: it costs nothing).
 */
int out_score_category(enum scan_outcome o, enum out_score_cat *cat);

/** @return the rule of @p c for @p s (static); NULL for an out-of-range argument. */
const struct out_score_rule *out_score_rule(enum out_score_subject s, enum out_score_cat c);

/** @return the category's name as the report shows it ("listed", "problem", "open",
 *  "informational"); "?" out of range. */
const char *out_score_cat_name(enum out_score_cat c);

/** @return the points @p count findings of @p c cost @p s: min(count x cost, cap). */
unsigned out_score_deduction(enum out_score_subject s, enum out_score_cat c, uint64_t count);

/**
 * @param[in] counts  findings per category (borrowed)
 * @return 100 minus the deductions of every category, 0 to 100.
 */
unsigned out_score(enum out_score_subject s, const uint64_t counts[OUT_SCORE_NCATS]);

#endif
