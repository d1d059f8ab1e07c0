/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/* Unit tests of lists/verdict.c: canned answers through list_dnsbl_verdict()
 * and list_probe_judge(). */
#include <criterion/criterion.h>

#include "lists/verdict.h"

Test(verdict, placeholder_nxdomain_is_clean)
{
    struct list_entry e = {.id = "t", .zone = "t.test", .kinds = LIST_KIND_IP4};
    struct scan_answer *a = scan_answer_new_status(SCAN_DNS_NXDOMAIN, SCAN_TYPE_A);
    struct list_finding v;
    cr_assert_eq(list_dnsbl_verdict(&e, a, &v), 0);
    cr_expect_eq(v.st, SCAN_ST_CLEAN);
    scan_answer_free(a);
}
