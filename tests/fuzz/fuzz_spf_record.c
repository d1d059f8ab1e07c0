/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for SPF records (scanner/checks/spf.h). The input is an SPF
 * record's text, taken three ways:
 * - spf_record_parse() directly (prefixed with "v=spf1 " when the input is
 *   not a version 1 record, so the term parser always runs);
 * - the record lint, scan_spf_check(), with the TXT answer of example.test
 *   being the input (one record per line) and every other question answered
 *   NXDOMAIN;
 * - check_host(), spf_check_host(), for an IPv4 and an IPv6 client against
 *   the same view, which runs macro expansion over the input's terms.
 * Both checks are driven for at most 50 rounds (tests/fuzz/fuzz_view.h), then
 * again in the "zone" pass of fuzz_view.h: every TXT question answered with
 * the input, so include: and redirect= find the record again (recursion,
 * loops, the lookup limit), and a, mx, ptr and exists: finding records.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/spf.h"
#include "tests/fuzz/fuzz_view.h"

#define DOMAIN "example.test"

static void parse(const uint8_t *data, size_t size)
{
    static const char prefix[] = "v=spf1 ";
    const size_t plen = sizeof(prefix) - 1;
    uint8_t *buf = NULL;
    const uint8_t *txt = data;
    size_t len = size;

    if (!spf_is_record(data, size)) {
        buf = malloc(plen + size);
        if (!buf)
            return;
        memcpy(buf, prefix, plen);
        memcpy(buf + plen, data, size);
        txt = buf;
        len = plen + size;
        if (!spf_is_record(txt, len))
            abort(); /* "v=spf1 " followed by anything is a record */
    }
    struct spf_record *r = NULL;
    if (spf_is_record(txt, len) && spf_record_parse(txt, len, &r) == 0) {
        size_t nerr = 0;
        for (size_t i = 0; i < r->nterms; i++) {
            const struct spf_term *t = &r->terms[i];
            fuzz_sink += strlen(t->text) + (t->arg ? strlen(t->arg) : 0);
        }
        for (size_t i = 0; i < r->nproblems; i++) {
            const struct spf_problem *p = &r->problems[i];
            if (p->term < -1 || (p->term >= 0 && (size_t)p->term >= r->nterms))
                abort();
            fuzz_sink += strlen(p->kw) + strlen(p->msg);
            nerr += p->error;
        }
        if (nerr != r->nerrors || (r->redirect >= 0 && (size_t)r->redirect >= r->nterms) ||
            (r->exp >= 0 && (size_t)r->exp >= r->nterms) ||
            (r->all >= 0 && (size_t)r->all >= r->nterms))
            abort();
        spf_record_free(r);
    }
    free(buf);
}

static int run_lint(struct scan_view *v, const void *arg, struct scan_report **out)
{
    return scan_spf_check(v, arg, out);
}

struct host_arg {
    const struct spf_query *q;
    struct spf_outcome *o;
};

/* check_host() in the shape fuzz_drive() takes; the outcome goes to a->o. */
static int run_host(struct scan_view *v, const void *arg, struct scan_report **out)
{
    const struct host_arg *a = arg;
    return spf_check_host(v, a->q, a->o);
}

static struct scan_view *view(const uint8_t *data, size_t size)
{
    struct scan_view *v = scan_view_new();
    if (v && scan_view_put(v, DOMAIN, SCAN_TYPE_TXT, fuzz_txt_answer(DOMAIN, data, size)) != 0) {
        scan_view_free(v);
        return NULL;
    }
    return v;
}

static void lint(const uint8_t *data, size_t size, bool zone)
{
    struct scan_view *v = view(data, size);
    struct scan_report *r = NULL;
    if (!v)
        return;
    int ret = fuzz_drive(v, run_lint, DOMAIN, &r, zone ? data : NULL, size);
    fuzz_finish(ret, r);
    scan_view_free(v);
}

static void host(const uint8_t *data, size_t size, const char *ip, bool zone)
{
    struct spf_query q = {.domain = DOMAIN,
                          .sender = "postmaster@" DOMAIN,
                          .helo = "mta." DOMAIN,
                          .receiver = "mx.receiver.test",
                          .now = 1700000000};
    struct spf_outcome o;
    struct host_arg a = {&q, &o};
    struct scan_report *unused = NULL;
    struct scan_view *v = view(data, size);
    if (!v)
        return;
    if (spf_ip_parse(ip, &q.ip) != 0)
        abort();
    int ret = fuzz_drive(v, run_host, &a, &unused, zone ? data : NULL, size);
    if (ret == 0) {
        fuzz_sink += strlen(spf_result_word(o.result)) + o.lookups + o.voids;
        if (o.mechanism)
            fuzz_sink += strlen(o.mechanism);
        if (o.explanation)
            fuzz_sink += strlen(o.explanation);
        if (o.problem)
            fuzz_sink += strlen(o.problem);
        if (scan_reason_word(o.reason))
            fuzz_sink += strlen(scan_reason_word(o.reason));
        spf_outcome_deinit(&o);
    } else if (ret != -ENOMEM) {
        abort();
    }
    scan_view_free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size);
    for (int zone = 0; zone <= 1; zone++) {
        lint(data, size, zone);
        host(data, size, "192.0.2.1", zone);
        host(data, size, "2001:db8::25", zone);
    }
    return 0;
}
