/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * MX inventory of one domain, in the replay style of scanner/dns/view.h: the
 * MX set sorted by preference, each exchange with its addresses and what is
 * wrong with it, the RFC 7505 null MX, and the implicit MX (RFC 5321
 * section 5.1) when there is no MX at all.
 *
 * Decisions (the issue text left these open, or they follow from it):
 * - Status and reason:
 *   - error: the MX lookup failed (timeout, SERVFAIL, REFUSED, bad
 *     response, CNAME loop), or an A/AAAA lookup failed temporarily and
 *     nothing else makes the set invalid; reason = scan_reason_of_dns();
 *   - null: exactly one MX and its exchange is "." (RFC 7505), whatever
 *     its preference (the RFC says 0; any other value is still a null MX);
 *     no further lookups;
 *   - none: NODATA for MX. Mail falls back to the domain's A/AAAA, listed
 *     in "fallback" (A first, then AAAA). When the domain has no address
 *     either, mail cannot be delivered: still none, reason "no-address".
 *   - invalid: NXDOMAIN for MX (reason "nxdomain": the domain does not
 *     exist, so there is no implicit MX either), or some exchange has a
 *     problem that a later lookup cannot cure; reason = the first of
 *     null-mx-mixed (a "." exchange next to others, RFC 7505 section 3),
 *     else the code of the first bad host in sorted order: ip-literal (the
 *     exchange parses as an IPv4/IPv6 address, or is bracketed), bad-name
 *     (cannot be asked: empty label, too long), cname (an A or AAAA answer
 *     followed a CNAME: RFC 2181 section 10.3, RFC 5321 section 5.1),
 *     cname-loop, unresolvable (no address: NXDOMAIN on both, or NODATA).
 *   - valid: otherwise.
 *   "invalid" wins over "error": a certain problem stays certain whatever
 *   a failed lookup elsewhere would have said.
 * - A and AAAA are both asked for every exchange, all in one round.
 * - Fields: "hosts" (MX records sorted by preference, ties by name; each
 *   {pref, host ("." for the null MX), addresses (array, [] when
 *   empty), problem (string or null;
 *   several problems are joined with "; ")}), [] unless the status comes
 *   from an MX set; "fallback" (array of the domain's addresses), [] unless
 *   the status is none. Both are on every line, in that order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/core/err.h"
#include "scanner/checks/hosts.h"
#include "scanner/checks/record.h"

/** One MX record and what its lookups said. */
struct mx_host {
    uint16_t pref;
    struct scan_host h; /**< h.name "" = null MX */
};

static int host_cmp(const void *x, const void *y)
{
    const struct mx_host *a = x, *b = y;
    if (a->pref != b->pref)
        return a->pref < b->pref ? -1 : 1;
    return strcmp(a->h.name, b->h.name);
}

/*
 * Judge one exchange: the null MX here, the rest in scanner/checks/hosts.c.
 * @param[out] problem  "" when fine; else a sentence (or several)
 * @param[out] temp     the first temporary failure, when @p *has_temp
 * @return the reason of a certain problem, or SCAN_R_NONE.
 */
static enum scan_reason judge_host(const struct mx_host *m, bool mixed_null, char *problem,
                                   size_t len, bool *has_temp, enum scan_dns_status *temp)
{
    if (m->h.name[0])
        return scan_host_judge(&m->h, &scan_host_words_mx, problem, len, has_temp, temp);
    problem[0] = '\0';
    *has_temp = false;
    if (!mixed_null)
        return SCAN_R_NONE;
    scan_problem_append(problem, len,
                        "null MX (\".\") next to other MX records (RFC 7505 section 3)");
    return SCAN_R_NULL_MX_MIXED;
}

/*
 * No MX: the implicit MX is the domain itself. Ask A and AAAA together.
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int fallback_lookups(struct scan_view *v, const char *dom, const struct scan_answer **a,
                            const struct scan_answer **aaaa)
{
    int ra = scan_view_get(v, dom, SCAN_TYPE_A, a);
    int r6 = scan_view_get(v, dom, SCAN_TYPE_AAAA, aaaa);
    if (ra == -ENOMEM || r6 == -ENOMEM)
        return -ENOMEM;
    return ra < 0 ? ra : r6;
}

static void report_fallback(struct scan_report *r, const struct scan_answer *a,
                            const struct scan_answer *aaaa)
{
    if (scan_dns_failed(a->status))
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(a->status));
    else if (scan_dns_failed(aaaa->status))
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(aaaa->status));
    else if (!scan_has_records(a) && !scan_has_records(aaaa))
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NO_ADDRESS);
    else
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    scan_report_objv_init(r, "hosts");
    scan_report_strv_init(r, "fallback");
    scan_host_add_addresses(r, NULL, "fallback", a);
    scan_host_add_addresses(r, NULL, "fallback", aaaa);
}

/*
 * The MX set, sorted, with A and AAAA asked for every exchange in one round
 * (not for the null MX, IP literals or a lone null MX).
 * @param[out] hosts  caller frees with free(), also on -EAGAIN
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int collect_hosts(struct scan_view *v, const struct scan_answer *ma, struct mx_host **hosts,
                         size_t *nhosts, size_t *nnull)
{
    struct mx_host *hs = calloc(ma->n, sizeof(*hs));
    size_t n = 0;
    bool missing = false;
    *hosts = hs;
    *nhosts = *nnull = 0;
    if (!hs)
        return -ENOMEM;
    for (size_t i = 0; i < ma->n; i++) {
        const struct scan_rr *rr = &ma->rr[i];
        if (rr->type != SCAN_TYPE_MX)
            continue;
        hs[n].pref = rr->pref;
        hs[n].h.name = rr->target ? rr->target : "";
        if (!hs[n].h.name[0])
            (*nnull)++;
        n++;
    }
    qsort(hs, n, sizeof(*hs), host_cmp);
    *nhosts = n;
    if (n == 1 && *nnull == 1)
        return 0;

    for (size_t i = 0; i < n; i++) {
        if (!hs[i].h.name[0])
            continue;
        int ret = scan_host_lookup(v, &hs[i].h);
        if (ret == -ENOMEM)
            return ret;
        missing |= ret == -EAGAIN;
    }
    return missing ? -EAGAIN : 0;
}

static void report_hosts(struct scan_report *r, const struct mx_host *hosts, size_t nhosts,
                         size_t nnull)
{
    char problem[1024];
    if (nhosts == 1 && nnull == 1) {
        scan_report_status(r, SCAN_ST_NULL, SCAN_R_NONE);
        struct scan_report_obj *o = scan_report_obj_add(r, "hosts");
        scan_report_obj_int(o, "pref", hosts[0].pref);
        scan_report_obj_str(o, "host", ".");
        scan_report_obj_strv_init(o, "addresses");
        scan_report_obj_str(o, "problem", NULL);
        return;
    }

    enum scan_reason reason = nnull > 0 ? SCAN_R_NULL_MX_MIXED : SCAN_R_NONE;
    bool has_temp = false;
    enum scan_dns_status temp = SCAN_DNS_OK;
    for (size_t i = 0; i < nhosts; i++) {
        const struct mx_host *m = &hosts[i];
        const struct scan_host *h = &m->h;
        bool ht;
        enum scan_dns_status t = SCAN_DNS_OK;
        enum scan_reason code = judge_host(m, nnull > 0, problem, sizeof(problem), &ht, &t);
        if (code && !reason)
            reason = code;
        if (ht && !has_temp) {
            has_temp = true;
            temp = t;
        }
        struct scan_report_obj *o = scan_report_obj_add(r, "hosts");
        scan_report_obj_int(o, "pref", m->pref);
        scan_report_obj_str(o, "host", h->name[0] ? h->name : ".");
        scan_report_obj_strv_init(o, "addresses");
        if (h->askable) {
            scan_host_add_addresses(r, o, "addresses", h->a);
            scan_host_add_addresses(r, o, "addresses", h->aaaa);
        }
        scan_report_obj_str(o, "problem", problem[0] ? problem : NULL);
    }
    scan_hosts_status(r, reason, has_temp, temp);
}

int scan_mx_check(struct scan_view *v, const char *domain, struct scan_report **out)
{
    struct scan_report *r = NULL;
    struct mx_host *hosts = NULL;
    const struct scan_answer *ma = NULL, *a = NULL, *aaaa = NULL;
    char dom[256];
    size_t nhosts = 0, nnull = 0;
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;

    ret = scan_view_get(v, dom, SCAN_TYPE_MX, &ma);
    if (ret < 0)
        return ret;
    bool no_mx = ma->status == SCAN_DNS_NODATA || (ma->status == SCAN_DNS_OK && ma->n == 0);
    if (no_mx)
        ret = fallback_lookups(v, dom, &a, &aaaa);
    else if (ma->status == SCAN_DNS_OK)
        ret = collect_hosts(v, ma, &hosts, &nhosts, &nnull);
    if (ret < 0)
        goto out;

    ret = -ENOMEM;
    r = scan_report_new(dom, SCAN_CHECK_MX);
    if (!r)
        goto out;
    if (no_mx)
        report_fallback(r, a, aaaa);
    else if (ma->status == SCAN_DNS_OK)
        report_hosts(r, hosts, nhosts, nnull);
    else if (ma->status == SCAN_DNS_NXDOMAIN)
        scan_report_status(r, SCAN_ST_INVALID, SCAN_R_NXDOMAIN);
    else
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(ma->status));
    /* Every line has both fields, in this order (README: empty lists are []). */
    if (!no_mx) {
        if (ma->status != SCAN_DNS_OK)
            scan_report_objv_init(r, "hosts");
        scan_report_strv_init(r, "fallback");
    }
    ret = scan_report_hand_over(&r, out);
out:
    scan_report_free(r);
    free(hosts);
    return ret;
}
