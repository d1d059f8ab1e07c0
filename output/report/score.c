/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The report's health score (see output/report/score.h for the formula). Pure: a
 * table of costs and caps, and the arithmetic.
 */
#include "output/report/score.h"

#include <errno.h>
#include <stddef.h>

/* Pool costs are small because a pool has many addresses; a domain has one record
 * of each kind. The caps of each subject add up to 100. */
static const struct out_score_rule rules[2][OUT_SCORE_NCATS] = {
    [OUT_SCORE_POOL] =
        {
            [OUT_SCORE_LISTED] = {10, 50},
            [OUT_SCORE_PROBLEM] = {2, 30},
            [OUT_SCORE_OPEN] = {1, 10},
            [OUT_SCORE_INFO] = {1, 10},
        },
    [OUT_SCORE_DOMAIN] =
        {
            [OUT_SCORE_LISTED] = {25, 50},
            [OUT_SCORE_PROBLEM] = {10, 30},
            [OUT_SCORE_OPEN] = {5, 10},
            [OUT_SCORE_INFO] = {5, 10},
        },
};

int out_score_category(enum scan_outcome o, enum out_score_cat *cat)
{
    switch (o) {
    case SCAN_OUT_OK:
        return -ENOENT;
    case SCAN_OUT_LISTED:
        *cat = OUT_SCORE_LISTED;
        return 0;
    case SCAN_OUT_PROBLEM:
        *cat = OUT_SCORE_PROBLEM;
        return 0;
    case SCAN_OUT_INFO:
        *cat = OUT_SCORE_INFO;
        return 0;
    case SCAN_OUT_ERROR:
        break;
    }
    *cat = OUT_SCORE_OPEN;
    return 0;
}

const struct out_score_rule *out_score_rule(enum out_score_subject s, enum out_score_cat c)
{
    if ((unsigned)s > OUT_SCORE_DOMAIN || (unsigned)c >= OUT_SCORE_NCATS)
        return NULL;
    return &rules[s][c];
}

const char *out_score_cat_name(enum out_score_cat c)
{
    static const char *const names[OUT_SCORE_NCATS] = {
        [OUT_SCORE_LISTED] = "listed",
        [OUT_SCORE_PROBLEM] = "problem",
        [OUT_SCORE_OPEN] = "open",
        [OUT_SCORE_INFO] = "informational",
    };
    return (unsigned)c < OUT_SCORE_NCATS ? names[c] : "?";
}

unsigned out_score_deduction(enum out_score_subject s, enum out_score_cat c, uint64_t count)
{
    const struct out_score_rule *r = out_score_rule(s, c);

    if (!r)
        return 0;
    /* compare before multiplying: a huge count must not wrap under the cap */
    if (r->cost && count > r->cap / r->cost)
        return r->cap;
    return (unsigned)count * r->cost;
}

unsigned out_score(enum out_score_subject s, const uint64_t counts[OUT_SCORE_NCATS])
{
    unsigned lost = 0;

    for (int c = 0; c < OUT_SCORE_NCATS; c++)
        lost += out_score_deduction(s, (enum out_score_cat)c, counts[c]);
    return lost >= 100 ? 0 : 100 - lost;
}
