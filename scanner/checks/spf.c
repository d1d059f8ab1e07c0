/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The two SPF checks of checks.h, as reports: "spf" (the record lint, see
 * spf_lint.c) and "spf-auth" (RFC 7208 check_host() for one IP, see
 * spf_eval.c). Both only translate their engine's findings into fields.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/checks.h"
#include "scanner/core/err.h"
#include "scanner/checks/spf.h"

/* A finished report, or -ENOMEM after a sticky allocation failure. */
static int finish(struct scan_report *r, struct scan_report **out)
{
    if (!scan_report_result(r)) {
        scan_report_free(r);
        return -ENOMEM;
    }
    *out = r;
    return 0;
}

int scan_spf_check(struct scan_view *v, const char *domain, struct scan_report **out)
{
    struct spf_lint l;
    *out = NULL;
    int ret = spf_lint(v, domain, &l);
    if (ret != 0)
        return ret;
    struct scan_report *r = scan_report_new(domain, SCAN_CHECK_SPF);
    if (!r) {
        spf_lint_deinit(&l);
        return -ENOMEM;
    }
    scan_report_status(r, l.status, l.reason);
    scan_report_str(r, "record", l.record);
    scan_report_int(r, "lookups", l.lookups);
    scan_report_int(r, "void_lookups", l.voids);
    scan_report_objv_init(r, "problems");
    for (size_t i = 0; i < l.nproblems; i++) {
        struct scan_report_obj *o = scan_report_obj_add(r, "problems");
        scan_report_obj_str(o, "severity", l.problems[i].error ? "error" : "warning");
        scan_report_obj_str(o, "term", l.problems[i].term);
        scan_report_obj_str(o, "message", l.problems[i].msg);
    }
    spf_lint_deinit(&l);
    return finish(r, out);
}

/* The RFC 7208 result is the status of an spf-auth result, word for word. */
static enum scan_status auth_status(enum spf_result r)
{
    switch (r) {
    case SPF_PASS:
        return SCAN_ST_PASS;
    case SPF_FAIL:
        return SCAN_ST_FAIL;
    case SPF_SOFTFAIL:
        return SCAN_ST_SOFTFAIL;
    case SPF_NEUTRAL:
        return SCAN_ST_NEUTRAL;
    case SPF_PERMERROR:
        return SCAN_ST_PERMERROR;
    case SPF_TEMPERROR:
        return SCAN_ST_TEMPERROR;
    case SPF_NONE:
        break;
    }
    return SCAN_ST_NONE;
}

int scan_spf_auth_check(struct scan_view *v, const struct scan_target *ip, const char *domain,
                        struct scan_report **out)
{
    struct spf_query q = {.domain = domain};
    struct spf_outcome o;
    *out = NULL;
    if (!ip || (ip->type != SCAN_T_IP4 && ip->type != SCAN_T_IP6) || !domain)
        return -EINVAL;
    q.ip.v6 = ip->type == SCAN_T_IP6;
    memcpy(q.ip.addr, ip->addr, q.ip.v6 ? 16 : 4);
    if (q.ip.v6) {
        /* an IPv4-mapped target is checked as IPv4 (RFC 7208 section 5) */
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(q.ip.addr, mapped, sizeof(mapped)) == 0) {
            memmove(q.ip.addr, q.ip.addr + 12, 4);
            memset(q.ip.addr + 4, 0, 12);
            q.ip.v6 = false;
        }
    }
    int ret = spf_check_host(v, &q, &o);
    if (ret != 0)
        return ret;
    struct scan_report *r = scan_report_new(ip->text, SCAN_CHECK_SPF_AUTH);
    if (!r) {
        spf_outcome_deinit(&o);
        return -ENOMEM;
    }
    scan_report_status(r, auth_status(o.result), o.reason);
    scan_report_str(r, "domain", domain);
    scan_report_str(r, "result", spf_result_word(o.result));
    scan_report_str(r, "mechanism", o.mechanism);
    scan_report_int(r, "lookups", o.lookups);
    scan_report_str(r, "explanation", o.explanation);
    scan_report_str(r, "problem", o.problem);
    spf_outcome_deinit(&o);
    return finish(r, out);
}
