/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * BIMI assertion record of one domain (draft-brand-indicators-for-message-
 * identification), in the replay style of scanner/dns/view.h. Nothing is fetched:
 * the logo and the certificate are named, not checked.
 *
 * Rules:
 * - Discovery: TXT at <selector>._bimi.<domain>; when that holds no BIMI
 *   record, <selector>._bimi.<organizational domain> (the draft's fallback,
 *   as DMARC does). Only TXT records beginning "v=BIMI1" count; none is
 *   "none", more than one is "invalid" (multiple-records). A failed lookup
 *   is "error" and stops discovery.
 * - The record is a tag-list (record.h; tag names case-sensitive). l= is
 *   required (missing-tag); its value is one or more https: URIs separated
 *   by ',' (bad-uri otherwise; a path not ending in .svg is a warning). a= is
 *   optional; when not empty it is one https: URI (bad-uri; a path not
 *   ending in .pem is a warning). Other tags are ignored with a warning.
 * - A declination record (l empty and a absent or empty) is "valid" with
 *   "declined": true; it shows no logo, so DMARC is not required.
 * - Otherwise BIMI requires DMARC at enforcement: the policy that applies to
 *   the domain (p of its own record, or sp, else p, of its organizational
 *   domain's record) is quarantine or reject with pct=100, and when the
 *   domain is not its own organizational domain, the organizational
 *   domain's p is quarantine or reject with pct=100 too. Anything else (no
 *   DMARC record, an invalid one, p=none, pct<100) is "invalid" with
 *   dmarc-not-enforced. A DNS failure of a DMARC lookup is "error" unless
 *   the BIMI record is invalid anyway.
 *
 * Fields: "selector", "record" (string or null), "record_domain" (where the
 * record was found, or null), "l" and "a" (as written, or null), "declined"
 * (bool), "dmarc_policy" (the policy word that applies to the domain, or
 * null), "problems" ([{severity, tag, message}]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/core/psl.h"
#include "scanner/checks/record.h"

#define BIMI_VERSION "v=BIMI1"

static bool ends_with(const char *u, const char *suffix)
{
    size_t n = strcspn(u, "?#"), k = strlen(suffix);
    return n >= k && strncasecmp(u + n - k, suffix, k) == 0;
}

/* l=: one or more https: URIs of SVG files. @return 0 or -ENOMEM. */
static int check_logo(struct scan_problems *ps, const char *value)
{
    char *copy = strdup(value), *cur = copy;
    if (!copy)
        return -ENOMEM;
    for (;;) {
        char *comma = strchr(cur, ',');
        if (comma)
            *comma = '\0';
        char *u = scan_trim_wsp(cur);
        if (!scan_https_uri_ok(u, NULL, 0))
            scan_problem(ps, true, SCAN_R_BAD_URI, "l",
                         "l: '%.100s' is not an https: URL with a host name", u);
        else if (!ends_with(u, ".svg"))
            scan_problem(ps, false, SCAN_R_NONE, "l",
                         "l: '%.100s' does not name an .svg file (BIMI logos are SVG Tiny PS)", u);
        if (!comma)
            break;
        cur = comma + 1;
    }
    free(copy);
    return 0;
}

static bool enforcing(const char *policy)
{
    return strcmp(policy, "quarantine") == 0 || strcmp(policy, "reject") == 0;
}

/*
 * The DMARC requirement. @p own is the domain's policy, @p org the organizational
 * domain's (NULL when the domain is its own organizational domain).
 * @return the word of the policy that applies to the domain ("" when none).
 */
static const char *check_dmarc(struct scan_problems *ps, const char *dom,
                               const struct scan_dmarc_policy *own,
                               const struct scan_dmarc_policy *org)
{
    const char *applies = own->at_org && own->sp[0] ? own->sp : own->p;
    if (own->st == SCAN_ST_ERROR)
        ; /* no verdict on the domain's own policy */
    else if (own->st != SCAN_ST_VALID)
        scan_problem(ps, true, SCAN_R_DMARC_NOT_ENFORCED, NULL,
                     "BIMI requires DMARC at enforcement, and %s has %s DMARC record", dom,
                     own->st == SCAN_ST_NONE ? "no" : "an invalid");
    else if (!enforcing(applies) || own->pct < 100)
        scan_problem(ps, true, SCAN_R_DMARC_NOT_ENFORCED, NULL,
                     "BIMI requires DMARC at enforcement (quarantine or reject, pct=100); the "
                     "policy for %s is %s%s with pct=%d (from _dmarc.%s)",
                     dom, own->at_org && own->sp[0] ? "sp=" : "p=", applies, own->pct,
                     own->policy_domain);
    if (org && org->st == SCAN_ST_VALID && (!enforcing(org->p) || org->pct < 100))
        scan_problem(ps, true, SCAN_R_DMARC_NOT_ENFORCED, NULL,
                     "BIMI requires the organizational domain %s at enforcement too; its "
                     "policy is p=%s with pct=%d",
                     org->policy_domain, org->p, org->pct);
    else if (org && org->st != SCAN_ST_VALID && org->st != SCAN_ST_ERROR)
        scan_problem(ps, true, SCAN_R_DMARC_NOT_ENFORCED, NULL,
                     "BIMI requires the organizational domain %s at enforcement too; it has %s "
                     "DMARC record",
                     org->policy_domain, org->st == SCAN_ST_NONE ? "no" : "an invalid");
    return applies;
}

/* The tags of one record. @return 1 for a declination, 0, or -ENOMEM. */
static int check_tags(struct scan_problems *ps, struct scan_taglist *tl)
{
    struct scan_tag *l = scan_taglist_find(tl, "l", false);
    struct scan_tag *a = scan_taglist_find(tl, "a", false);
    for (size_t i = 0; i < tl->n; i++) {
        const char *n = tl->tag[i].name;
        if (strcmp(n, "v") != 0 && strcmp(n, "l") != 0 && strcmp(n, "a") != 0 &&
            strcmp(n, "avp") != 0)
            scan_problem(ps, false, SCAN_R_NONE, n, "unknown tag %.32s is ignored", n);
    }
    if (!l) {
        scan_problem(ps, true, SCAN_R_MISSING_TAG, "l",
                     "l= is required (empty only in a declination record)");
        return 0;
    }
    bool declined = !l->value[0] && (!a || !a->value[0]);
    if (l->value[0] && check_logo(ps, l->value) != 0)
        return -ENOMEM;
    if (a && a->value[0] && !scan_https_uri_ok(a->value, NULL, 0))
        scan_problem(ps, true, SCAN_R_BAD_URI, "a",
                     "a: '%.100s' is not an https: URL with a host name", a->value);
    else if (a && a->value[0] && !ends_with(a->value, ".pem"))
        scan_problem(ps, false, SCAN_R_NONE, "a",
                     "a: '%.100s' does not name a .pem file (the mark certificate)", a->value);
    else if (!declined && (!a || !a->value[0]))
        scan_problem(ps, false, SCAN_R_NONE, "a",
                     "no mark certificate (a=): most mailbox providers show no logo without one");
    if (!l->value[0] && !declined)
        scan_problem(ps, false, SCAN_R_NONE, "l", "a= without a logo (l=) shows nothing");
    return declined ? 1 : 0;
}

/*
 * Find the record: the domain, then its organizational domain.
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int discover(struct scan_view *v, const char *prefix, const char *dom, const char *org,
                    struct scan_found *f, const char **where)
{
    *where = dom;
    int ret = scan_find_record(v, prefix, dom, BIMI_VERSION, f);
    if (ret < 0 || f->failed || f->n > 0 || strcasecmp(org, dom) == 0)
        return ret;
    *where = org;
    return scan_find_record(v, prefix, org, BIMI_VERSION, f);
}

/* One run of the check: where the record was found, its tags, the DMARC policies. */
struct bimi_run {
    const char *selector;
    char dom[256], org[256], prefix[128];
    const char *where;   /* the domain the record was looked up at */
    const char *applies; /* the DMARC policy that applies (check_dmarc()) */
    struct scan_found f;
    struct scan_taglist tl;
    struct scan_problems *ps;
    struct scan_dmarc_policy own, org_pol;
    bool declined;
};

/* Judge the one record found: its tags, then (unless it declines) both DMARC policies. */
static int judge_record(struct scan_view *v, struct bimi_run *b)
{
    if (b->f.failed || b->f.n != 1)
        return 0;
    if (scan_taglist_parse(&b->tl, b->f.rec->txt, b->f.rec->txt_len, false, b->ps) != 0)
        return -ENOMEM;
    int d = check_tags(b->ps, &b->tl);
    if (d < 0)
        return -ENOMEM;
    b->declined = d == 1;
    if (b->declined)
        return 0;
    bool has_org = strcasecmp(b->org, b->dom) != 0;
    /* Both DMARC policies in one round. */
    int r1 = scan_dmarc_policy(v, b->dom, &b->own);
    int r2 = has_org ? scan_dmarc_policy(v, b->org, &b->org_pol) : 0;
    int ret = r1 == -ENOMEM || r2 == -ENOMEM ? -ENOMEM : r1 < 0 ? r1 : r2;
    if (ret < 0)
        return ret;
    b->applies = check_dmarc(b->ps, b->dom, &b->own, has_org ? &b->org_pol : NULL);
    return 0;
}

/* Decide the status: a DNS error, none, several records, invalid, a DMARC error or valid. */
static void decide(struct scan_report *r, struct bimi_run *b)
{
    const struct scan_found *f = &b->f;
    if (f->failed) {
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(f->failed->status));
    } else if (f->n == 0) {
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    } else if (f->n > 1) {
        scan_problem(b->ps, true, SCAN_R_MULTIPLE_RECORDS, NULL,
                     "%zu BIMI records at %s.%s: receivers use none", f->n, b->prefix, b->where);
        scan_report_status(r, SCAN_ST_INVALID, SCAN_R_MULTIPLE_RECORDS);
    } else if (scan_problems_error(b->ps)) {
        scan_report_status(r, SCAN_ST_INVALID, scan_problems_error(b->ps));
    } else if (!b->declined && (b->own.st == SCAN_ST_ERROR || b->org_pol.st == SCAN_ST_ERROR)) {
        /* org_pol is only read when it was filled: own.st decides first. */
        scan_report_status(
            r, SCAN_ST_ERROR,
            scan_reason_of_dns(b->own.st == SCAN_ST_ERROR ? b->own.dns : b->org_pol.dns));
    } else {
        scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
    }
}

/* Render the report: selector, status, record, tags, declination, policy, problems. */
static int render(struct bimi_run *b, struct scan_report **out)
{
    const struct scan_found *f = &b->f;
    struct scan_report *r = scan_report_new(b->dom, SCAN_CHECK_BIMI);
    if (!r)
        return -ENOMEM;
    struct scan_tag *l = b->tl.copy ? scan_taglist_find(&b->tl, "l", false) : NULL;
    struct scan_tag *a = b->tl.copy ? scan_taglist_find(&b->tl, "a", false) : NULL;
    scan_report_str(r, "selector", b->selector);
    decide(r, b);
    scan_report_strn(r, "record", f->n == 1 ? (const char *)f->rec->txt : NULL,
                     f->n == 1 ? f->rec->txt_len : 0);
    scan_report_str(r, "record_domain", f->n > 0 ? b->where : NULL);
    scan_report_str(r, "l", l ? l->value : NULL);
    scan_report_str(r, "a", a ? a->value : NULL);
    scan_report_bool(r, "declined", b->declined);
    scan_report_str(r, "dmarc_policy", b->applies && b->applies[0] ? b->applies : NULL);
    int ret = scan_report_end(&r, b->ps, "tag", out);
    scan_report_free(r);
    return ret;
}

/* Three steps: find the record, judge it (tags, DMARC), render the report. */
int scan_bimi_check(struct scan_view *v, const char *domain, const char *selector,
                    struct scan_report **out)
{
    struct bimi_run b = {.selector = selector && *selector ? selector : "default"};
    int ret;

    if (scan_check_args(v, domain, b.dom, sizeof(b.dom), out) != 0 ||
        (size_t)snprintf(b.prefix, sizeof(b.prefix), "%s._bimi", b.selector) >= sizeof(b.prefix))
        return -EINVAL;
    ret = scan_org_domain(b.dom, b.org, sizeof(b.org));
    if (ret < 0)
        return ret;
    ret = discover(v, b.prefix, b.dom, b.org, &b.f, &b.where);
    if (ret < 0)
        return ret;

    b.ps = calloc(1, sizeof(*b.ps));
    ret = b.ps ? judge_record(v, &b) : -ENOMEM;
    if (ret == 0)
        ret = render(&b, out);
    scan_taglist_deinit(&b.tl);
    free(b.ps);
    return ret;
}
