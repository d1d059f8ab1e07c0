/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Result fixtures for the output tests. A fixture is written the way a reader
 * sees a result (check, status and reason words) because that is what the
 * expected output shows; rf_typed() gives it the typed head a producer would
 * have set with scan_result_set(), so the writers, the store, the tally and
 * the deltas are tested on what they switch on (kind, status, outcome).
 */
#ifndef TESTS_UNIT_RESULT_FIXTURE_H
#define TESTS_UNIT_RESULT_FIXTURE_H

#include <criterion/criterion.h>

#include "scanner/core/result.h"

/**
 * @param[in] words  a result with check, status and (optional) reason words and,
 *                   for a DNSBL listing, its class; borrowed
 * @return a copy with kind, st, why and outcome set (the words then point at the
 *         vocabulary's own strings). Fails the test on a word that is not one.
 */
static inline struct scan_result rf_typed(const struct scan_result *words)
{
    struct scan_result r = *words;
    enum scan_status st = SCAN_ST_ERROR;
    enum scan_reason why = SCAN_R_NONE;
    unsigned kind = scan_check_from_name(words->check);

    cr_assert_neq(kind, 0, "fixture check '%s' is not a check", words->check);
    cr_assert_eq(scan_status_from_word(words->status, &st), 0, "fixture status '%s'",
                 words->status);
    if (words->reason)
        cr_assert_eq(scan_reason_from_word(words->reason, &why), 0, "fixture reason '%s'",
                     words->reason);
    scan_result_set(&r, (enum scan_check)kind, st, why);
    return r;
}

#endif
