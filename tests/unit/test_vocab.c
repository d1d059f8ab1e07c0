/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the one vocabulary of results (scanner/vocab.c): every reason
 * has one word and one meaning, words are unique and read back, every status
 * has one outcome, and a DNS failure gives the same reason for every check.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "scanner/dnsmsg.h"
#include "scanner/result.h"

Test(vocab, every_reason_has_one_word_and_a_meaning)
{
    cr_assert_null(scan_reason_word(SCAN_R_NONE));
    cr_assert_null(scan_reason_meaning(SCAN_R_NONE));
    cr_assert_null(scan_reason_word(SCAN_R_COUNT));
    for (unsigned i = 1; i < SCAN_R_COUNT; i++) {
        const char *w = scan_reason_word(i);
        const char *m = scan_reason_meaning(i);
        enum scan_reason back = SCAN_R_NONE;
        cr_assert_not_null(w, "reason %u has no word", i);
        cr_assert_not_null(m, "reason %s has no meaning", w);
        cr_assert_gt(strlen(m), 10, "reason %s: meaning too short", w);
        cr_assert_eq(strcspn(m, "\n|"), strlen(m), "reason %s: meaning breaks a table row", w);
        for (const char *c = w; *c; c++)
            cr_assert((*c >= 'a' && *c <= 'z') || *c == '-', "reason word '%s'", w);
        cr_assert_eq(scan_reason_from_word(w, &back), 0);
        cr_assert_eq(back, i, "word %s is not unique", w);
    }
    enum scan_reason r;
    cr_assert_eq(scan_reason_from_word("bad-response", &r), -EINVAL);
    cr_assert_eq(scan_reason_from_word(NULL, &r), -EINVAL);
}

Test(vocab, status_words_and_outcomes)
{
    for (unsigned i = 0; i < SCAN_ST_COUNT; i++) {
        enum scan_status back;
        cr_assert_eq(scan_status_from_word(scan_status_word(i), &back), 0);
        cr_assert_eq(back, i);
    }
    struct scan_result r = {0};
    scan_result_set(&r, SCAN_CHECK_SPF_AUTH, SCAN_ST_TEMPERROR, SCAN_R_SERVFAIL);
    cr_assert_eq(r.outcome, SCAN_OUT_ERROR, "a temperror is no verdict");
    cr_assert_str_eq(r.check, "spf-auth");
    cr_assert_str_eq(r.status, "temperror");
    cr_assert_str_eq(r.reason, "servfail");
    scan_result_set(&r, SCAN_CHECK_SPF_AUTH, SCAN_ST_PERMERROR, SCAN_R_SYNTAX);
    cr_assert_eq(r.outcome, SCAN_OUT_PROBLEM);
    r.klass = SCAN_CLASS_INFO;
    scan_result_set(&r, SCAN_CHECK_DNSBL, SCAN_ST_LISTED, SCAN_R_NONE);
    cr_assert_eq(r.outcome, SCAN_OUT_INFO);
    cr_assert_null(r.reason);
}

Test(vocab, dns_failures_are_one_word)
{
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_BADRESP), SCAN_R_INVALID_ANSWER);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_CNAMELOOP), SCAN_R_CNAME_LOOP);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_TIMEOUT), SCAN_R_TIMEOUT);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_SERVFAIL), SCAN_R_SERVFAIL);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_REFUSED), SCAN_R_REFUSED);
    cr_assert_eq(scan_reason_of_dns(SCAN_DNS_NXDOMAIN), SCAN_R_NONE);
}
