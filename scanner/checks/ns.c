/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Name servers and SOA of the zone a domain lives in, in the replay style of
 * scanner/dns/view.h.
 *
 * Rules:
 * - The zone: NS at the domain; when that is NODATA (the domain is not a
 *   zone apex), NS at each parent in turn, up to the domain's
 *   organizational domain (the registrable domain from the PSL) and no
 *   further: a TLD's servers say nothing about the domain. NXDOMAIN at the
 *   domain itself is "invalid" (nxdomain); no NS set up to the
 *   organizational domain is "none". A failed NS lookup is "error".
 * - At least two NS names (RFC 1034 section 4.1, RFC 2182 section 5):
 *   fewer is "invalid" (too-few-ns).
 * - Each NS name is judged like an MX exchange (scanner/checks/hosts.c): not an IP
 *   literal, not a CNAME (RFC 2181 section 10.3), has an A or AAAA record;
 *   else "invalid" with ip-literal, bad-name, cname, cname-loop or
 *   unresolvable (the first in name order). A failed A/AAAA lookup makes the
 *   status "error" when nothing is certain.
 * - All IPv4 addresses of the name servers in one /24 is a warning (one
 *   network failure takes the zone down; RFC 2182 section 3.1).
 * - The zone's SOA must exist ("invalid", no-soa; a failed lookup is
 *   "error"). Its timers get RFC 1912 section 2.2 advice as warnings:
 *   refresh 1200-43200 s, retry below refresh, expire 1209600-2419200 s,
 *   minimum (the negative-caching TTL, RFC 2308 section 4) 300-86400 s.
 *
 * Fields: "zone" (where the NS set was found, or null), "hosts" ([{host,
 * addresses, problem}] sorted by name), "soa" (the SOA in presentation form, or
 * null), "problems" ([{severity, field, message}]: too few names, the /24,
 * SOA advice).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/hosts.h"
#include "scanner/core/psl.h"
#include "scanner/checks/record.h"

#define NS_MAX_HOSTS 32

/** Where the walk up to the zone ended. */
struct ns_zone {
    const struct scan_answer *ns; /**< the NS answer that holds records, or NULL */
    const struct scan_answer *failed;
    bool nxdomain; /**< NXDOMAIN at the domain itself */
    char name[256];
};

/* Name servers in name order: answers rotate, output should not. */
static int host_cmp(const void *x, const void *y)
{
    return strcmp(((const struct scan_host *)x)->name, ((const struct scan_host *)y)->name);
}

/* @return 0, -EAGAIN, -ENOMEM. */
static int find_zone(struct scan_view *v, const char *dom, const char *org, struct ns_zone *z)
{
    const char *name = dom;
    memset(z, 0, sizeof(*z));
    for (;;) {
        const struct scan_answer *a = NULL;
        int ret = scan_view_get(v, name, SCAN_TYPE_NS, &a);
        if (ret < 0)
            return ret;
        if (scan_dns_failed(a->status)) {
            z->failed = a;
            return 0;
        }
        if (scan_has_records(a)) {
            z->ns = a;
            snprintf(z->name, sizeof(z->name), "%s", a->canon ? a->canon : name);
            return 0;
        }
        if (a->status == SCAN_DNS_NXDOMAIN && name == dom) {
            z->nxdomain = true;
            return 0;
        }
        const char *dot = strchr(name, '.');
        if (strcasecmp(name, org) == 0 || !dot)
            return 0;
        name = dot + 1;
    }
}

/* The SOA timers against RFC 1912 section 2.2 and RFC 2308 section 4. */
static void soa_advice(struct scan_problems *ps, const struct scan_rr *soa)
{
    if (soa->soa.refresh < 1200 || soa->soa.refresh > 43200)
        scan_problem(ps, false, SCAN_R_NONE, "refresh",
                     "SOA refresh %u s: RFC 1912 advises 1200 to 43200 (20 minutes to 12 hours)",
                     soa->soa.refresh);
    if (soa->soa.retry >= soa->soa.refresh)
        scan_problem(ps, false, SCAN_R_NONE, "retry",
                     "SOA retry %u s is not below refresh %u s (RFC 1912 section 2.2)",
                     soa->soa.retry, soa->soa.refresh);
    if (soa->soa.expire < 1209600 || soa->soa.expire > 2419200)
        scan_problem(ps, false, SCAN_R_NONE, "expire",
                     "SOA expire %u s: RFC 1912 advises 1209600 to 2419200 (2 to 4 weeks)",
                     soa->soa.expire);
    if (soa->soa.minimum < 300 || soa->soa.minimum > 86400)
        scan_problem(ps, false, SCAN_R_NONE, "minimum",
                     "SOA minimum (negative-caching TTL) %u s: advised 300 to 86400 (RFC 2308 "
                     "section 4 suggests 1 to 3 hours)",
                     soa->soa.minimum);
}

/* Every IPv4 address of every name server in one /24 (with two names or more). */
static bool one_slash24(const struct scan_host *hs, size_t n)
{
    const uint8_t *first = NULL;
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const struct scan_answer *a = hs[i].askable ? hs[i].a : NULL;
        for (size_t k = 0; scan_has_records(a) && k < a->n; k++) {
            if (a->rr[k].type != SCAN_TYPE_A)
                continue;
            if (!first)
                first = a->rr[k].a4;
            else if (memcmp(first, a->rr[k].a4, 3) != 0)
                return false;
            count++;
        }
    }
    return n >= 2 && count >= 2;
}

/* Judge the hosts and add them to the report. @return the first certain problem. */
static enum scan_reason report_hosts(struct scan_report *r, const struct scan_host *hs, size_t n,
                                     bool *has_temp, enum scan_dns_status *temp)
{
    enum scan_reason reason = SCAN_R_NONE;
    char problem[1024];
    scan_report_objv_init(r, "hosts");
    for (size_t i = 0; i < n; i++) {
        bool ht;
        enum scan_dns_status t = SCAN_DNS_OK;
        enum scan_reason code =
            scan_host_judge(&hs[i], &scan_host_words_ns, problem, sizeof(problem), &ht, &t);
        if (code && !reason)
            reason = code;
        if (ht && !*has_temp) {
            *has_temp = true;
            *temp = t;
        }
        struct scan_report_obj *o = scan_report_obj_add(r, "hosts");
        scan_report_obj_str(o, "host", hs[i].name);
        scan_report_obj_strv_init(o, "addresses");
        if (hs[i].askable) {
            scan_host_add_addresses(r, o, "addresses", hs[i].a);
            scan_host_add_addresses(r, o, "addresses", hs[i].aaaa);
        }
        scan_report_obj_str(o, "problem", problem[0] ? problem : NULL);
    }
    return reason;
}

/* The verdict on a zone with name servers. */
static void judge_zone(struct scan_report *r, struct scan_problems *ps, const struct scan_host *hs,
                       size_t n, const struct scan_answer *soa)
{
    bool has_temp = false;
    enum scan_dns_status temp = SCAN_DNS_OK;
    enum scan_reason why = SCAN_R_NONE;
    char text[600];

    if (n < 2) {
        scan_problem(ps, true, SCAN_R_TOO_FEW_NS, NULL,
                     "%zu NS name(s): a zone needs at least two (RFC 1034 section 4.1, RFC 2182 "
                     "section 5)",
                     n);
        why = SCAN_R_TOO_FEW_NS;
    }
    enum scan_reason hw = report_hosts(r, hs, n, &has_temp, &temp);
    if (!why)
        why = hw;
    if (one_slash24(hs, n))
        scan_problem(ps, false, SCAN_R_NONE, NULL,
                     "every name server's IPv4 address is in one /24: one network outage takes "
                     "the zone down (RFC 2182 section 3.1)");
    const struct scan_rr *s = scan_has_records(soa) ? &soa->rr[0] : NULL;
    if (s) {
        snprintf(text, sizeof(text), "%s. %s. %u %u %u %u %u", s->soa.mname, s->soa.rname,
                 s->soa.serial, s->soa.refresh, s->soa.retry, s->soa.expire, s->soa.minimum);
        scan_report_str(r, "soa", text);
        soa_advice(ps, s);
    } else {
        scan_report_str(r, "soa", NULL);
        if (scan_dns_failed(soa->status) && !has_temp) {
            has_temp = true;
            temp = soa->status;
        } else if (!scan_dns_failed(soa->status)) {
            scan_problem(ps, true, SCAN_R_NO_SOA, "soa", "the zone has no SOA record");
            if (!why)
                why = SCAN_R_NO_SOA;
        }
    }
    scan_hosts_status(r, why, has_temp, temp);
}

int scan_ns_check(struct scan_view *v, const char *domain, struct scan_report **out)
{
    struct scan_report *r = NULL;
    struct scan_problems *ps = NULL;
    struct scan_host hs[NS_MAX_HOSTS];
    const struct scan_answer *soa = NULL;
    struct ns_zone z;
    char dom[256], org[256];
    size_t n = 0;
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;
    ret = scan_org_domain(dom, org, sizeof(org));
    if (ret < 0)
        return ret;
    ret = find_zone(v, dom, org, &z);
    if (ret < 0)
        return ret;
    if (z.ns) {
        /* The SOA and every name server's addresses in one round. */
        bool missing = false;
        memset(hs, 0, sizeof(hs));
        for (size_t i = 0; i < z.ns->n && n < NS_MAX_HOSTS; i++)
            if (z.ns->rr[i].type == SCAN_TYPE_NS && z.ns->rr[i].target)
                hs[n++].name = z.ns->rr[i].target;
        ret = scan_view_get(v, z.name, SCAN_TYPE_SOA, &soa);
        if (ret == -ENOMEM)
            return ret;
        missing = ret == -EAGAIN;
        for (size_t i = 0; i < n; i++) {
            ret = scan_host_lookup(v, &hs[i]);
            if (ret == -ENOMEM)
                return ret;
            missing |= ret == -EAGAIN;
        }
        if (missing)
            return -EAGAIN;
        qsort(hs, n, sizeof(hs[0]), host_cmp);
    }

    ret = -ENOMEM;
    if (scan_report_begin(dom, SCAN_CHECK_NS, &r, &ps) < 0)
        goto out;
    scan_report_str(r, "zone", z.ns ? z.name : NULL);
    if (z.failed) {
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(z.failed->status));
    } else if (z.nxdomain) {
        scan_report_status(r, SCAN_ST_INVALID, SCAN_R_NXDOMAIN);
    } else if (!z.ns) {
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    } else {
        judge_zone(r, ps, hs, n, soa);
    }
    if (!z.ns) {
        scan_report_objv_init(r, "hosts");
        scan_report_str(r, "soa", NULL);
    }
    ret = scan_report_end(&r, ps, "field", out);
out:
    scan_report_free(r);
    free(ps);
    return ret;
}
