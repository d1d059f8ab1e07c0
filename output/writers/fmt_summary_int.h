/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to the summary format: what fmt_summary.c (counting as results
 * arrive, streaming listings and errors) and fmt_summary_print.c (the findings
 * and the table at out_summary_finish()) share. Only those two include it;
 * calls run one way, writer.c -> both, and neither calls the other.
 */
#ifndef OUTPUT_WRITERS_FMT_SUMMARY_INT_H
#define OUTPUT_WRITERS_FMT_SUMMARY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/writers/fmt.h"

struct sum_count {
    char *word; /**< status word or error reason, as given (printed sanitized) */
    uint64_t n;
};

/** The health of one (list, kind). */
struct sum_health {
    char *kind;   /**< sanitized kind word; "" when the report named none (all kinds) */
    char *reason; /**< sanitized unhealthy reason; NULL when healthy */
};

/** Targets a record-check finding names at most; the rest are counted. */
#define OUT_EXAMPLES 5

/** One record-check finding: a (status, reason) of one check, and who has it. */
struct sum_finding {
    char *status; /**< sanitized */
    char *reason; /**< sanitized; "-" when none */
    uint64_t n;
    char *examples[OUT_EXAMPLES]; /**< sanitized targets, the first seen */
    size_t nexamples;
};

/** One list (dnsbl) or one record check. */
struct sum_group {
    bool dnsbl;
    char *key;                 /**< list id (else zone) or check name, for lookup */
    char *label;               /**< sanitized: zone or check name */
    struct sum_health *health; /**< per kind reported, in report order */
    size_t nhealth;
    size_t caphealth;
    struct sum_count *status; /**< per status word (dnsbl: listed, informational, ...) */
    size_t nstatus;
    size_t capstatus;
    struct sum_count *errs; /**< per error reason: how many errors */
    size_t nerrs;
    size_t caperrs;
    struct sum_finding *findings; /**< record checks: per (status, reason) needing attention */
    size_t nfindings;
    size_t capfindings;
};

struct out_summary {
    struct sum_group *g;
    size_t n;
    size_t cap;
    bool printed;              /**< a line was streamed: the table needs a blank line first */
    uint64_t findings;         /**< record-check results counted as findings */
    struct out_networks *nets; /**< listings by /24 and by AS */
};

#endif
