/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Helpers shared by the fuzz targets of the record checks (SPF, DMARC): a
 * TXT answer made from the fuzz input, and a synchronous replay driver that
 * plays the engine's part of scanner/dns/view.h with every question it was not
 * given answered NXDOMAIN.
 *
 * The input is split on newlines, each line one TXT record, so several
 * records at one name (an error for SPF and DMARC) are reachable too.
 *
 * Every other question is answered NXDOMAIN. A second, "zone" pass answers
 * every TXT question with the input as well and the address questions with
 * records that match the client (fuzz_zone_answer()), which reaches the code
 * that walks included records, matches a/mx/ptr, and authorizes external
 * report domains.
 *
 * The driver enforces the replay contract: -EAGAIN must leave *out NULL and
 * record at least one question (else the engine would spin), and a check must
 * finish within FUZZ_MAX_ROUNDS rounds (else it asks DNS without bound).
 * Breaking either aborts, which libFuzzer reports as a crash.
 */
#ifndef TESTS_FUZZ_FUZZ_VIEW_H
#define TESTS_FUZZ_FUZZ_VIEW_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/dns/dnsmsg.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

#define FUZZ_MAX_ROUNDS  50
#define FUZZ_MAX_RECORDS 16

static volatile size_t fuzz_sink;

/* @return the TXT answer for @p name: one record per input line; NULL on ENOMEM. */
static inline struct scan_answer *fuzz_txt_answer(const char *name, const uint8_t *data,
                                                  size_t size)
{
    struct scan_rr rr[FUZZ_MAX_RECORDS];
    size_t n = 0;
    const uint8_t *p = data, *end = data + size;

    memset(rr, 0, sizeof(rr));
    while (n < FUZZ_MAX_RECORDS) {
        const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        rr[n].type = SCAN_TYPE_TXT;
        rr[n].ttl = 300;
        rr[n].owner = name;
        rr[n].txt = p;
        rr[n].txt_len = len;
        rr[n].nstrings = len / 255 + 1; /* as character-strings of at most 255 bytes */
        n++;
        if (!nl)
            break;
        p = nl + 1;
    }
    return scan_answer_build(SCAN_DNS_OK, SCAN_TYPE_TXT, rr, n);
}

/* Read every field of a finished report, so ASan sees a bad string. */
static inline void fuzz_touch_fields(const struct scan_fields *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        const struct scan_field *f = &fs->f[i];
        fuzz_sink += strlen(f->name);
        switch (f->type) {
        case SCAN_F_STR:
            if (f->str)
                fuzz_sink += strlen(f->str);
            break;
        case SCAN_F_STRV:
            for (size_t k = 0; k < f->n; k++)
                fuzz_sink += strlen(f->strv[k]);
            break;
        case SCAN_F_OBJV:
            for (size_t k = 0; k < f->n; k++)
                fuzz_touch_fields(&f->objv[k]);
            break;
        default:
            break;
        }
    }
}

static inline void fuzz_touch_report(struct scan_report *r)
{
    const struct scan_result *res = scan_report_result(r);
    if (!res)
        return; /* ENOMEM while building */
    fuzz_sink += strlen(res->target) + strlen(res->check) + strlen(res->status);
    if (res->reason)
        fuzz_sink += strlen(res->reason);
    fuzz_touch_fields(&res->extra);
}

typedef scan_check_fn *fuzz_check_fn;

/*
 * The answer to a question the check asked, in the "zone" pass: TXT is the
 * input; A, AAAA and PTR point back at the client and its name (so a, mx, ptr
 * and %{p} can match); MX names two exchanges; names whose first label is
 * "servfail" or "timeout" fail that way, for the DNS-error paths.
 * @return the answer, or NULL on ENOMEM.
 */
static inline struct scan_answer *fuzz_zone_answer(const char *name, uint16_t type,
                                                   const uint8_t *data, size_t size)
{
    struct scan_rr rr[2];
    memset(rr, 0, sizeof(rr));
    rr[0].type = rr[1].type = type;
    rr[0].ttl = rr[1].ttl = 300;
    rr[0].owner = rr[1].owner = name;
    if (strncasecmp(name, "servfail.", 9) == 0)
        return scan_answer_new_status(SCAN_DNS_SERVFAIL, type);
    if (strncasecmp(name, "timeout.", 8) == 0)
        return scan_answer_new_status(SCAN_DNS_TIMEOUT, type);
    switch (type) {
    case SCAN_TYPE_TXT:
        return fuzz_txt_answer(name, data, size);
    case SCAN_TYPE_A:
        memcpy(rr[0].a4, (const uint8_t[]){192, 0, 2, 1}, 4);
        return scan_answer_build(SCAN_DNS_OK, type, rr, 1);
    case SCAN_TYPE_AAAA:
        memcpy(rr[0].a6, (const uint8_t[]){0x20, 0x01, 0x0d, 0xb8, [15] = 0x25}, 16);
        return scan_answer_build(SCAN_DNS_OK, type, rr, 1);
    case SCAN_TYPE_PTR:
        rr[0].target = "mail.example.test";
        return scan_answer_build(SCAN_DNS_OK, type, rr, 1);
    case SCAN_TYPE_MX:
        rr[0].pref = 10;
        rr[0].target = "mail.example.test";
        rr[1].pref = 20;
        rr[1].target = name;
        return scan_answer_build(SCAN_DNS_OK, type, rr, 2);
    default:
        return scan_answer_new_status(SCAN_DNS_NXDOMAIN, type);
    }
}

/* The fuzz input as a zone, for fuzz_answer(). */
struct fuzz_zone {
    const uint8_t *data; /* NULL: every question is NXDOMAIN */
    size_t len;
};

/* scan_view_answer_fn for fuzz_drive(). */
static inline struct scan_answer *fuzz_answer(void *arg, const char *name, uint16_t type,
                                              unsigned flags)
{
    const struct fuzz_zone *z = arg;
    (void)flags;
    fuzz_sink += strlen(name);
    return z->data ? fuzz_zone_answer(name, type, z->data, z->len)
                   : scan_answer_new_status(SCAN_DNS_NXDOMAIN, type);
}

/*
 * Run @p fn to completion over @p v (scan_view_drive()), answering every
 * missing question NXDOMAIN, or from fuzz_zone_answer() when @p zone is given
 * (the fuzz input again for TXT, so an include, a redirect or a report
 * authorization finds the fuzzed record again, loops included). A broken
 * replay contract or a check unfinished after FUZZ_MAX_ROUNDS aborts.
 * @return the check's final return code; *out as the check left it.
 */
static inline int fuzz_drive(struct scan_view *v, fuzz_check_fn fn, const void *arg,
                             struct scan_report **out, const uint8_t *zone, size_t zone_len)
{
    struct fuzz_zone fz = {zone, zone_len};
    struct scan_check_call call = {fn, arg};
    struct scan_view_driver d = {scan_check_call_run, &call, fuzz_answer, &fz, FUZZ_MAX_ROUNDS};
    void *res = NULL;
    int ret = scan_view_drive(v, &d, &res);
    *out = res;
    if (ret == -EPROTO || ret == -ELOOP) {
        fprintf(stderr, "fuzz: %s\n",
                ret == -ELOOP ? "check not finished after FUZZ_MAX_ROUNDS rounds"
                              : "-EAGAIN with a report or with nothing missing");
        abort();
    }
    return ret;
}

/*
 * The end of one fuzzed check: 0 with a report (its fields are all read) or
 * -ENOMEM without one; anything else breaks the check's contract and aborts.
 * Frees @p r.
 */
static inline void fuzz_finish(int ret, struct scan_report *r)
{
    if (ret == 0) {
        if (!r)
            abort();
        fuzz_touch_report(r);
    } else if (ret != -ENOMEM || r) {
        abort();
    }
    scan_report_free(r);
}

#endif
