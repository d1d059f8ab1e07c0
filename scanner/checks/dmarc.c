/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DMARC policy discovery and validation (RFC 7489) for one domain, in the
 * replay style of scanner/dns/view.h.
 *
 * Discovery (RFC 7489 section 6.6.3): TXT at _dmarc.<domain>; when that set
 * holds no DMARC record, TXT at _dmarc.<organizational domain> (the
 * registrable domain from the Public Suffix List, scanner/core/psl.h). Then the
 * record's tag list is checked, and every report URI whose domain lies
 * outside the policy domain's organizational domain is checked for its
 * authorization record (RFC 7489 section 7.1).
 *
 * Decisions (the issue text left these open, or they follow from it):
 * - Status: "valid", "invalid", "none" (no DMARC record at either name) or
 *   "error" (a DNS failure that decides the outcome; never reported as
 *   none). The reason of "invalid" is the code of the first error problem:
 *   multiple-records, version-not-first, invalid-version, malformed-tag,
 *   duplicate-tag, missing-policy, invalid-value, bad-report-uri,
 *   bad-characters, unauthorized-external-report. The reason of "error" is
 *   scan_reason_of_dns() of the failed lookup.
 * - What counts as a DMARC record: a TXT record whose first tag is v with
 *   the value DMARC1 (case-insensitively; non-upper-case is a warning, the
 *   ABNF spells it %x44.4d.41.52.43.31). A TXT record that carries
 *   v=DMARC1 later in its tag list is counted too and reported invalid
 *   (version-not-first): a receiver would discard it and find no policy,
 *   but "invalid" points the owner at the fix where "none" would hide it.
 *   Such a record stops discovery at that name, like a proper one.
 * - More than one DMARC record at the name: invalid, multiple-records, no
 *   fallback to the organizational domain (section 6.6.3 step 5: DMARC is
 *   not applied). "record" is null then.
 * - A DNS failure (timeout, SERVFAIL, REFUSED, bad response, CNAME loop) on
 *   either discovery lookup is "error"; the fallback is not tried after a
 *   failure at the first name, since the first name might hold the policy.
 * - The record's grammar (tag rules, rua/ruf URIs, posture warnings) is
 *   dmarc_record.c's; its header lists those decisions.
 * - External destinations: a URI whose domain's registrable domain differs
 *   from the policy domain's needs a TXT record beginning "v=DMARC1" at
 *   <policy domain>._report._dmarc.<URI domain>, where the policy domain is
 *   the name the record was found under. All such lookups are asked in one
 *   round. Missing authorization makes the status invalid with the reason
 *   unauthorized-external-report and an error problem naming the URI: the
 *   receiver ignores that URI (section 7.1), so the record does not do what
 *   it says; "valid" with an error entry would be contradictory. A DNS
 *   failure on an authorization lookup makes the status "error" (reason =
 *   scan_reason_of_dns()) unless the record is invalid anyway, with a
 *   warning problem saying which URI could not be verified.
 * - TXT records at _dmarc beside the DMARC record that are not DMARC records:
 *   a warning.
 * - Fields, all of them on every line: "record" (string or null),
 *   "policy_domain" (string or null), "p" and "sp" (lower-case value, or null
 *   when absent or invalid), "pct" (the value; 100, the default, when absent
 *   or invalid; null when no single record was checked), "rua" and "ruf" (the
 *   URIs as written; [] when empty), "problems" (array of {severity: "error"|"warning",
 *   tag: string|null, message}; [] when empty).
 *
 * Files: this one discovers the record, asks for the report authorizations and
 * renders the line; dmarc_record.c holds the record grammar and its tag table
 * (it calls nothing here); dmarc_int.h is what they share.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/dmarc_int.h"
#include "scanner/checks/record.h"
#include "scanner/core/err.h"
#include "scanner/core/psl.h"

/*
 * Ask for the authorization record of every external destination.
 * @return 0, -EAGAIN (some still missing: all were asked), -ENOMEM.
 */
static int check_authorizations(struct scan_view *v, struct dm_parse *ps, const char *policy_domain)
{
    char pol_org[256], dest_org[256], qname[600];
    bool missing = false;
    int ret = scan_org_domain(policy_domain, pol_org, sizeof(pol_org));
    if (ret < 0)
        return ret;

    for (int which = 0; which < 2; which++) {
        struct dm_uri *list = which ? ps->ruf : ps->rua;
        size_t n = which ? ps->nruf : ps->nrua;
        for (size_t i = 0; i < n; i++) {
            struct dm_uri *u = &list[i];
            if (!u->domain[0])
                continue;
            ret = scan_org_domain(u->domain, dest_org, sizeof(dest_org));
            if (ret < 0)
                return ret;
            if (strcasecmp(dest_org, pol_org) == 0) {
                u->auth = DM_AUTH_INTERNAL;
                continue;
            }
            const struct scan_answer *a = NULL;
            snprintf(qname, sizeof(qname), "%s._report._dmarc.%s", policy_domain, u->domain);
            ret = scan_view_get(v, qname, SCAN_TYPE_TXT, &a);
            if (ret == -EAGAIN) {
                missing = true;
                continue;
            }
            if (ret == -EINVAL) {
                u->auth = DM_AUTH_MISSING; /* the name is too long to exist */
                continue;
            }
            if (ret < 0)
                return ret;
            if (scan_dns_temp_failed(a->status)) {
                u->auth = DM_AUTH_TEMP;
                u->temp = a->status;
                continue;
            }
            u->auth = DM_AUTH_MISSING;
            for (size_t k = 0; a->status == SCAN_DNS_OK && k < a->n; k++) {
                int kind = dmarc_record_kind(&a->rr[k]);
                if (kind < 0)
                    return kind;
                if (kind == DM_PROPER)
                    u->auth = DM_AUTH_OK;
            }
        }
    }
    return missing ? -EAGAIN : 0;
}

/* Turn the authorization results into problems. */
static void authorization_problems(struct dm_parse *ps, const char *policy_domain)
{
    for (int which = 0; which < 2; which++) {
        const char *tag = which ? "ruf" : "rua";
        struct dm_uri *list = which ? ps->ruf : ps->rua;
        size_t n = which ? ps->nruf : ps->nrua;
        for (size_t i = 0; i < n; i++) {
            const struct dm_uri *u = &list[i];
            if (u->auth == DM_AUTH_MISSING)
                scan_problem(
                    &ps->pbs, true, SCAN_R_UNAUTHORIZED_EXTERNAL_REPORT, tag,
                    "%.100s: %.100s has not authorized reports for %.100s (no v=DMARC1 TXT "
                    "at %.100s._report._dmarc.%.100s, RFC 7489 section 7.1); receivers "
                    "ignore this URI",
                    u->text, u->domain, policy_domain, policy_domain, u->domain);
            else if (u->auth == DM_AUTH_TEMP)
                scan_problem(&ps->pbs, false, SCAN_R_NONE, tag,
                             "%.100s: could not verify that %.100s accepts reports for %.100s (%s)",
                             u->text, u->domain, policy_domain,
                             scan_reason_word(scan_reason_of_dns(u->temp)));
        }
    }
}

/*
 * Look up TXT at _dmarc.<d>.
 * @param[out] ans  the answer, or NULL when the name cannot exist (too long)
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int lookup_policy(struct scan_view *v, const char *d, const struct scan_answer **ans)
{
    char qname[300];
    *ans = NULL;
    if ((size_t)snprintf(qname, sizeof(qname), "_dmarc.%s", d) >= sizeof(qname))
        return 0;
    int ret = scan_view_get(v, qname, SCAN_TYPE_TXT, ans);
    if (ret == -EINVAL) {
        *ans = NULL;
        return 0;
    }
    return ret;
}

/* Count DMARC records (proper or misplaced) in @p a; remember the first. */
static int count_records(const struct scan_answer *a, const struct scan_rr **first, size_t *nother)
{
    int n = 0;
    *first = NULL;
    *nother = 0;
    if (!a || a->status != SCAN_DNS_OK)
        return 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->rr[i].type != SCAN_TYPE_TXT)
            continue;
        int kind = dmarc_record_kind(&a->rr[i]);
        if (kind < 0)
            return kind;
        if (kind == DM_NOT_DMARC) {
            (*nother)++;
            continue;
        }
        if (!*first)
            *first = &a->rr[i];
        n++;
    }
    return n;
}

/** Where discovery ended. */
struct dm_found {
    const struct scan_answer *failed; /**< the lookup that failed, or NULL */
    const struct scan_rr *rec;        /**< the first DMARC record, or NULL */
    int nrec;                         /**< DMARC records at policy_domain */
    size_t nother;                    /**< other TXT records there */
    bool at_org;                      /**< found at the organizational domain */
};

/* Look for the policy record at @p name into @p f. @return 0 (f->failed or
 * f->nrec set), -EAGAIN, -ENOMEM. */
static int look_at(struct scan_view *v, const char *name, struct dm_found *f)
{
    const struct scan_answer *a = NULL;
    int ret = lookup_policy(v, name, &a);
    if (ret < 0)
        return ret;
    if (a && scan_dns_failed(a->status)) {
        f->failed = a;
        return 0;
    }
    f->nrec = count_records(a, &f->rec, &f->nother);
    return f->nrec < 0 ? f->nrec : 0;
}

/*
 * RFC 7489 section 6.6.3: _dmarc.<dom>, then _dmarc.<organizational domain>
 * when the first set holds no DMARC record. A failed lookup stops discovery:
 * the name that failed might hold the policy.
 * @param[out] org  the organizational domain (valid when f->at_org)
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int discover(struct scan_view *v, const char *dom, char *org, size_t orglen,
                    struct dm_found *f)
{
    memset(f, 0, sizeof(*f));
    int ret = look_at(v, dom, f);
    if (ret < 0 || f->failed || f->nrec != 0)
        return ret;
    ret = scan_registrable_domain(dom, org, orglen);
    if (ret == -ENOMEM)
        return ret;
    if (ret < 0 || strcasecmp(org, dom) == 0)
        return 0; /* no organizational domain above this one */
    ret = look_at(v, org, f);
    if (ret < 0 || f->failed)
        return ret;
    f->at_org = f->nrec > 0;
    return 0;
}

/* Status of a checked record: the first error decides, then a failed authorization lookup. */
static void record_status(struct scan_report *r, const struct dm_parse *ps)
{
    enum scan_reason why = scan_problems_error(&ps->pbs);
    if (why) {
        scan_report_status(r, SCAN_ST_INVALID, why);
        return;
    }
    for (int which = 0; which < 2; which++) {
        const struct dm_uri *list = which ? ps->ruf : ps->rua;
        size_t n = which ? ps->nruf : ps->nrua;
        for (size_t i = 0; i < n; i++) {
            if (list[i].auth == DM_AUTH_TEMP) {
                scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(list[i].temp));
                return;
            }
        }
    }
    scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
}

/* The policy fields of a line without a single record to read them from (none,
 * error, several records): present all the same, null or empty. */
static void report_no_policy(struct scan_report *r)
{
    scan_report_str(r, "p", NULL);
    scan_report_str(r, "sp", NULL);
    scan_report_str(r, "pct", NULL);
    scan_report_strv_init(r, "rua");
    scan_report_strv_init(r, "ruf");
}

/*
 * Judge the one record found: parse it first (the authorization lookups may
 * still send us back with -EAGAIN), then ask whether its report addresses
 * accept reports. @return 0, -EAGAIN, -ENOMEM.
 */
static int judge_record(struct scan_view *v, struct dm_parse *ps, const struct dm_found *f,
                        const char *policy_domain)
{
    if (f->nrec != 1)
        return 0;
    if (dmarc_parse_record(ps, f->rec) != 0)
        return -ENOMEM;
    if (f->nother > 0)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, NULL,
                     "%zu other TXT record(s) at _dmarc.%s are not DMARC records and are ignored",
                     f->nother, policy_domain);
    int ret = check_authorizations(v, ps, policy_domain);
    if (ret < 0)
        return ret;
    authorization_problems(ps, policy_domain);
    return 0;
}

/* Render the one record: its status, its policy, its report addresses, its problems. */
static void render_record(struct scan_report *r, struct dm_parse *ps, const struct dm_found *f,
                          const char *policy_domain)
{
    record_status(r, ps);
    scan_report_strn(r, "record", (const char *)f->rec->txt, f->rec->txt_len);
    scan_report_str(r, "policy_domain", policy_domain);
    scan_report_str(r, "p", ps->p);
    scan_report_str(r, "sp", ps->sp);
    scan_report_int(r, "pct", ps->pct);
    scan_report_strv_init(r, "rua");
    scan_report_strv_init(r, "ruf");
    for (size_t i = 0; i < ps->nrua; i++)
        scan_report_strv_add(r, "rua", ps->rua[i].text);
    for (size_t i = 0; i < ps->nruf; i++)
        scan_report_strv_add(r, "ruf", ps->ruf[i].text);
    scan_problems_report(r, &ps->pbs, "tag");
}

/* Render the report: a failed lookup or no record, several records, or the one record. */
static void render(struct scan_report *r, struct dm_parse *ps, const struct dm_found *f,
                   const char *policy_domain)
{
    if (f->failed || f->nrec == 0) {
        if (f->failed)
            scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(f->failed->status));
        else
            scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
        scan_report_str(r, "record", NULL);
        scan_report_str(r, "policy_domain", NULL);
        report_no_policy(r);
        scan_report_objv_init(r, "problems");
    } else if (f->nrec > 1) {
        scan_problem(&ps->pbs, true, SCAN_R_MULTIPLE_RECORDS, NULL,
                     "%d DMARC records at _dmarc.%s: receivers apply none (RFC 7489 section 6.6.3)",
                     f->nrec, policy_domain);
        scan_report_status(r, SCAN_ST_INVALID, SCAN_R_MULTIPLE_RECORDS);
        scan_report_str(r, "record", NULL);
        scan_report_str(r, "policy_domain", policy_domain);
        report_no_policy(r);
        scan_problems_report(r, &ps->pbs, "tag");
    } else {
        render_record(r, ps, f, policy_domain);
    }
}

/* Three steps: discover the record, judge it, render the report. */
int scan_dmarc_check(struct scan_view *v, const char *domain, struct scan_report **out)
{
    struct scan_report *r = NULL;
    struct dm_parse *ps = NULL;
    struct dm_found f;
    char dom[256], org[256];
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;
    ret = discover(v, dom, org, sizeof(org), &f);
    if (ret < 0)
        return ret;
    const char *policy_domain = f.at_org ? org : dom;

    ps = calloc(1, sizeof(*ps));
    ret = ps ? judge_record(v, ps, &f, policy_domain) : -ENOMEM;
    if (ret == 0 && !(r = scan_report_new(dom, SCAN_CHECK_DMARC)))
        ret = -ENOMEM;
    if (ret == 0) {
        render(r, ps, &f, policy_domain);
        ret = scan_report_hand_over(&r, out);
    }
    scan_report_free(r);
    if (ps)
        scan_taglist_deinit(&ps->tl);
    free(ps);
    return ret;
}

int scan_dmarc_policy(struct scan_view *v, const char *domain, struct scan_dmarc_policy *out)
{
    struct dm_parse *ps = NULL;
    struct dm_found f;
    char dom[256], org[256];
    int ret;

    if (!v || !out || scan_domain_arg(domain, dom, sizeof(dom)) != 0)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    ret = discover(v, dom, org, sizeof(org), &f);
    if (ret < 0)
        return ret;
    out->pct = 100;
    out->at_org = f.at_org;
    snprintf(out->policy_domain, sizeof(out->policy_domain), "%s", f.at_org ? org : dom);
    if (f.failed) {
        out->st = SCAN_ST_ERROR;
        out->dns = f.failed->status;
        return 0;
    }
    if (f.nrec != 1) {
        out->st = f.nrec == 0 ? SCAN_ST_NONE : SCAN_ST_INVALID;
        return 0;
    }
    ps = calloc(1, sizeof(*ps));
    if (!ps)
        return -ENOMEM;
    ret = dmarc_parse_record(ps, f.rec);
    if (ret == 0) {
        out->st = scan_problems_error(&ps->pbs) ? SCAN_ST_INVALID : SCAN_ST_VALID;
        snprintf(out->p, sizeof(out->p), "%s", ps->p ? ps->p : "");
        snprintf(out->sp, sizeof(out->sp), "%s", ps->sp ? ps->sp : "");
        out->pct = ps->pct;
    }
    scan_taglist_deinit(&ps->tl);
    free(ps);
    return ret;
}
