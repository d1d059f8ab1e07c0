/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for the DNSSEC validator's reading of replies:
 * scan_dnssec_check() (scanner/checks/dnssec.h) for two domains, every question
 * answered with the input as the reply's bytes (decoded by scan_answer_parse()
 * and kept raw, as the resolver core does for a DNSSEC question), so ldns
 * decodes hostile replies in every role: SOA probes, DNSKEY, DS, NSEC/NSEC3
 * proofs, the MX answer. The replay contract is enforced as in
 * tests/fuzz/fuzz_view.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scanner/checks/dnssec.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

#define MAX_ROUNDS 50

static const char anchor[] =
    ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D\n";

/* The fuzz input, the reply to every question. */
struct reply {
    const uint8_t *data;
    size_t size;
};

/* scan_view_answer_fn: the input parsed as the answer, its bytes kept as DO replies keep them. */
static struct scan_answer *answer_with_input(void *arg, const char *name, uint16_t type,
                                             unsigned flags)
{
    const struct reply *rp = arg;
    struct scan_answer *a = NULL;
    (void)name, (void)flags;
    if (scan_answer_parse(rp->data, rp->size, type, &a) == 0 &&
        scan_answer_set_raw(a, rp->data, rp->size) != 0) {
        scan_answer_free(a);
        a = NULL;
    }
    return a;
}

static void check(struct scan_dnssec *d, const uint8_t *data, size_t size, const char *domain)
{
    struct scan_view *v = scan_view_new();
    struct scan_dnssec_args da = {d, domain};
    struct scan_check_call call = {scan_dnssec_check_args, &da};
    struct reply rp = {data, size};
    struct scan_view_driver drv = {scan_check_call_run, &call, answer_with_input, &rp, MAX_ROUNDS};
    void *out = NULL;
    if (!v)
        return;
    /* -EPROTO (a broken replay contract) and -ELOOP (unfinished) abort here too. */
    int ret = scan_view_drive(v, &drv, &out);
    struct scan_report *r = out;
    if ((ret == 0) != (r != NULL) || (ret != 0 && ret != -ENOMEM))
        abort();
    scan_report_free(r);
    scan_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct scan_dnssec *d = NULL;
    if (scan_dnssec_new_from_text("anchor", anchor, &d, NULL) != 0)
        return 0;
    check(d, data, size, "example.test");
    check(d, data, size, "www.example.test");
    scan_dnssec_free(d);
    return 0;
}
