/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for DMARC records: scan_dmarc_check() (scanner/checks/checks.h)
 * on mail.example.test and on example.test, with the TXT answer of
 * _dmarc.example.test being the input (one record per line) and every other
 * question (the organizational-domain fallback, external report
 * authorizations) answered NXDOMAIN, for at most 50 rounds
 * (tests/fuzz/fuzz_view.h); then again in the "zone" pass of fuzz_view.h,
 * every TXT question answered with the input, which reaches the fallback's
 * record handling and the external report authorization records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "scanner/checks/checks.h"
#include "tests/fuzz/fuzz_view.h"

#define POLICY "_dmarc.example.test"

static int run_dmarc(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_dmarc_check(v, arg, out);
}

static void check(const uint8_t *data, size_t size, const char *domain, bool zone)
{
    struct scan_view *v = scan_view_new();
    struct scan_report *r = NULL;
    if (!v)
        return;
    if (scan_view_put(v, POLICY, SCAN_TYPE_TXT, fuzz_txt_answer(POLICY, data, size)) != 0) {
        scan_view_free(v);
        return;
    }
    int ret = fuzz_drive(v, run_dmarc, domain, &r, zone ? data : NULL, size);
    fuzz_finish(ret, r);
    scan_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    for (int zone = 0; zone <= 1; zone++) {
        check(data, size, "example.test", zone);
        check(data, size, "mail.example.test", zone);
    }
    return 0;
}
