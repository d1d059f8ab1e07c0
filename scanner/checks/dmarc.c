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
 * - Tag names and keyword values are case-insensitive (ABNF literals);
 *   WSP around '=' and ';' is allowed; empty segments (";;", a trailing ';')
 *   are ignored. A segment without '=', a bad tag name, a duplicate tag
 *   (the DKIM tag-list rule, RFC 6376 section 3.2) and a bad value of a
 *   known tag are errors; unknown tags are ignored with a warning (section
 *   6.3). p is required in the record found (also when it was found at the
 *   organizational domain: that record is the policy record); p not
 *   directly after v is a warning (the RFC 7489 ABNF order).
 * - rua/ruf: comma-separated mailto: URIs, each with an optional "!size"
 *   (digits and an optional k, m, g or t). Any other scheme, a missing
 *   address, a domain that is not a host name or a bad size is an error.
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
 * - Posture warnings: p=none, sp=none under an enforcing p, pct below 100,
 *   no rua, fo without ruf; also leading whitespace and TXT records at
 *   _dmarc that are not DMARC records.
 * - Fields, all of them on every line: "record" (string or null),
 *   "policy_domain" (string or null), "p" and "sp" (lower-case value, or null
 *   when absent or invalid), "pct" (the value; 100, the default, when absent
 *   or invalid; null when no single record was checked), "rua" and "ruf" (the
 *   URIs as written; [] when empty), "problems" (array of {severity: "error"|"warning",
 *   tag: string|null, message}; [] when empty).
 *
 * One file on purpose (over 600 lines): RFC 7489's policy discovery, record grammar and
 * external report authorization are one check, in the RFC's order.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/core/err.h"
#include "scanner/core/psl.h"
#include "scanner/checks/record.h"

#define DMARC_MAX_URIS 32

enum dm_kind {
    DM_NOT_DMARC, /**< some other TXT record */
    DM_PROPER,    /**< first tag is v=DMARC1 */
    DM_MISPLACED, /**< v=DMARC1 appears, but not first */
};

enum dm_auth {
    DM_AUTH_NA,       /**< not a valid mailto: URI: nothing to check */
    DM_AUTH_INTERNAL, /**< same organizational domain: no record needed */
    DM_AUTH_OK,       /**< the destination published its authorization */
    DM_AUTH_MISSING,  /**< no authorization record (or it cannot exist) */
    DM_AUTH_TEMP,     /**< the lookup failed: unknown */
};

struct dm_uri {
    const char *text; /**< the URI as written, NUL-terminated inside dm_parse.copy */
    char domain[256]; /**< lower-case destination domain; "" when the URI is invalid */
    enum dm_auth auth;
    enum scan_dns_status temp; /**< DM_AUTH_TEMP: what the lookup said */
};

/** Everything learned from one record. Heap-allocated: it is large. */
struct dm_parse {
    struct scan_taglist tl; /**< the record's tags (cut in place) */
    struct scan_problems pbs;
    const char *p, *sp;
    bool have_p;  /**< a p tag was seen (valid or not) */
    size_t p_pos; /**< its place in the tag list */
    int pct;
    bool has_fo;
    struct dm_uri rua[DMARC_MAX_URIS], ruf[DMARC_MAX_URIS];
    size_t nrua, nruf;
};

/*
 * Is this TXT record a DMARC record, and is v first? Works on a copy.
 * @return the kind, or -ENOMEM.
 */
static int record_kind(const struct scan_rr *rr)
{
    struct scan_taglist tl;
    int kind = DM_NOT_DMARC;
    if (scan_taglist_parse(&tl, rr->txt, rr->txt_len, true, NULL) != 0)
        return -ENOMEM;
    for (size_t i = 0; i < tl.n; i++) {
        if (strcasecmp(tl.tag[i].name, "v") == 0 && strcasecmp(tl.tag[i].value, "DMARC1") == 0) {
            kind = tl.first == tl.tag[i].name ? DM_PROPER : DM_MISPLACED;
            break;
        }
    }
    scan_taglist_deinit(&tl);
    return kind;
}

static const char *policy_word(const char *v)
{
    static const char *const words[] = {"none", "quarantine", "reject"};
    for (size_t i = 0; i < 3; i++)
        if (strcasecmp(v, words[i]) == 0)
            return words[i];
    return NULL;
}

static bool all_digits(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A colon-separated keyword list (fo, rf), each element one of @p allowed. */
static bool keyword_list_ok(char *value, const char *const *allowed, size_t nallowed)
{
    char *cur = value;
    for (;;) {
        char *colon = strchr(cur, ':');
        if (colon)
            *colon = '\0';
        char *k = scan_trim_wsp(cur);
        bool ok = false;
        for (size_t i = 0; i < nallowed && !ok; i++)
            ok = strcasecmp(k, allowed[i]) == 0;
        if (!ok)
            return false;
        if (!colon)
            return true;
        cur = colon + 1;
    }
}

/* The size suffix after '!': 1*DIGIT [ "k" / "m" / "g" / "t" ]. */
static bool size_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > 0 && strchr("kmgtKMGT", s[n - 1]))
        n--;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* Parse one rua/ruf value (in place) into @p list. */
static void parse_uris(struct dm_parse *ps, const char *tag, char *value, struct dm_uri *list,
                       size_t *n)
{
    char *cur = value;
    if (!*value) {
        scan_problem(&ps->pbs, true, SCAN_R_BAD_REPORT_URI, tag, "%s is empty", tag);
        return;
    }
    for (;;) {
        char *comma = strchr(cur, ',');
        if (comma)
            *comma = '\0';
        char *u = scan_trim_wsp(cur);
        if (!*u) {
            scan_problem(&ps->pbs, true, SCAN_R_BAD_REPORT_URI, tag, "%s has an empty URI", tag);
        } else if (*n == DMARC_MAX_URIS) {
            scan_problem(&ps->pbs, false, SCAN_R_NONE, tag,
                         "more than %d URIs in %s; the rest are not checked", DMARC_MAX_URIS, tag);
            return;
        } else {
            struct dm_uri *d = &list[(*n)++];
            d->text = u;
            d->domain[0] = '\0';
            d->auth = DM_AUTH_NA;
            if (strncasecmp(u, "mailto:", 7) != 0) {
                scan_problem(&ps->pbs, true, SCAN_R_BAD_REPORT_URI, tag,
                             "'%.100s' is not a mailto: URI (RFC 7489 section 6.2)", u);
            } else {
                const char *addr = u + 7;
                const char *bang = strchr(addr, '!');
                size_t alen = bang ? (size_t)(bang - addr) : strlen(addr);
                const char *at = memrchr(addr, '@', alen);
                if (bang && !size_ok(bang + 1)) {
                    scan_problem(&ps->pbs, true, SCAN_R_BAD_REPORT_URI, tag,
                                 "'%.100s': the size limit must be digits with an optional k, m, "
                                 "g or t",
                                 u);
                } else if (!at || at == addr ||
                           !scan_host_name_ok(at + 1, alen - (size_t)(at + 1 - addr))) {
                    scan_problem(&ps->pbs, true, SCAN_R_BAD_REPORT_URI, tag,
                                 "'%.100s' does not hold a valid e-mail address", u);
                } else {
                    size_t dl = alen - (size_t)(at + 1 - addr);
                    for (size_t i = 0; i < dl; i++)
                        d->domain[i] = (char)tolower((unsigned char)at[1 + i]);
                    d->domain[dl] = '\0';
                }
            }
        }
        if (!comma)
            return;
        cur = comma + 1;
    }
}

/* An error on the value of a known tag: "TAG=VALUE: why" (the value cut at 32 bytes). */
static void bad_value(struct dm_parse *ps, const char *tag, const char *value, const char *why)
{
    scan_problem(&ps->pbs, true, SCAN_R_INVALID_VALUE, tag, "%s=%.32s: %s", tag, value, why);
}

/* A colon-separated keyword list (fo, rf), checked against @p allowed; the value is cut
 * in place, so the message shows a copy. */
static void keyword_tag(struct dm_parse *ps, const char *tag, char *value,
                        const char *const *allowed, size_t nallowed, const char *why)
{
    char shown[48];
    snprintf(shown, sizeof(shown), "%s", value);
    if (!keyword_list_ok(value, allowed, nallowed))
        bad_value(ps, tag, shown, why);
}

/* The checks of the known tags (dm_tags[]): @p tag is the name as the table spells
 * it, @p value its value (may be cut in place), @p idx its place in the tag list. */
typedef void dm_tag_fn(struct dm_parse *ps, const char *tag, char *value, size_t idx);

static void tag_v(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    if (strcmp(value, "DMARC1") == 0)
        return;
    if (strcasecmp(value, "DMARC1") == 0)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, tag,
                     "the version is spelled DMARC1 (upper case)");
    else
        scan_problem(&ps->pbs, true, SCAN_R_INVALID_VERSION, tag,
                     "v=%.32s: the version must be DMARC1", value);
}

/* p and sp: @return the policy word, NULL (and an error) when it is none of them. */
static const char *policy_value(struct dm_parse *ps, const char *tag, const char *value)
{
    const char *w = policy_word(value);
    if (!w)
        bad_value(ps, tag, value, "must be none, quarantine or reject");
    return w;
}

static void tag_p(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    ps->p = policy_value(ps, tag, value);
    ps->have_p = true;
    ps->p_pos = idx;
}

static void tag_sp(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    ps->sp = policy_value(ps, tag, value);
}

static void tag_align(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    if (strcasecmp(value, "r") != 0 && strcasecmp(value, "s") != 0)
        bad_value(ps, tag, value, "must be r or s");
}

static void tag_pct(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    if (all_digits(value, 3) && atoi(value) <= 100)
        ps->pct = atoi(value);
    else
        bad_value(ps, tag, value, "must be an integer from 0 to 100");
}

static void tag_fo(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    static const char *const words[] = {"0", "1", "d", "s"};
    ps->has_fo = true;
    keyword_tag(ps, tag, value, words, 4, "must be a colon-separated list of 0, 1, d and s");
}

static void tag_rf(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    static const char *const words[] = {"afrf"};
    keyword_tag(ps, tag, value, words, 1, "the only report format is afrf");
}

static void tag_ri(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    if (!all_digits(value, 32))
        bad_value(ps, tag, value, "must be a number of seconds");
}

static void tag_rua(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    parse_uris(ps, tag, value, ps->rua, &ps->nrua);
}

static void tag_ruf(struct dm_parse *ps, const char *tag, char *value, size_t idx)
{
    parse_uris(ps, tag, value, ps->ruf, &ps->nruf);
}

/* The tags of RFC 7489 section 6.3, one row each; any other is ignored with a warning. */
static const struct dm_tag {
    const char *name;
    dm_tag_fn *check;
} dm_tags[] = {
    {"v", tag_v},     {"p", tag_p},         {"sp", tag_sp},      {"rua", tag_rua},
    {"ruf", tag_ruf}, {"adkim", tag_align}, {"aspf", tag_align}, {"pct", tag_pct},
    {"fo", tag_fo},   {"rf", tag_rf},       {"ri", tag_ri},
};

static const struct dm_tag *find_tag(const char *name)
{
    for (size_t k = 0; k < sizeof(dm_tags) / sizeof(dm_tags[0]); k++)
        if (strcasecmp(name, dm_tags[k].name) == 0)
            return &dm_tags[k];
    return NULL;
}

/* The version rule comes first in the report: it is why receivers discard the record. */
static void version_first(struct dm_parse *ps)
{
    if (!ps->tl.first || strcasecmp(ps->tl.first, "v") == 0)
        return;
    scan_problem(&ps->pbs, true, SCAN_R_VERSION_NOT_FIRST, NULL,
                 "the record must start with v=DMARC1 (RFC 7489 section 6.4); receivers "
                 "discard it");
    struct scan_problem last = ps->pbs.pb[ps->pbs.n - 1];
    memmove(&ps->pbs.pb[1], &ps->pbs.pb[0], (ps->pbs.n - 1) * sizeof(last));
    ps->pbs.pb[0] = last;
}

/* After the tags: p's presence and place, then what the policy does in practice. */
static void policy_notes(struct dm_parse *ps)
{
    if (!ps->have_p)
        scan_problem(&ps->pbs, true, SCAN_R_MISSING_POLICY, "p",
                     "p is required (RFC 7489 section 6.3)");
    else if (ps->p_pos != 1)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, "p",
                     "p should directly follow v (RFC 7489 section 6.4)");

    if (ps->p && strcmp(ps->p, "none") == 0)
        scan_problem(
            &ps->pbs, false, SCAN_R_NONE, "p",
            "p=none only monitors: mail failing DMARC is neither quarantined nor rejected");
    if (ps->p && strcmp(ps->p, "none") != 0 && ps->sp && strcmp(ps->sp, "none") == 0)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, "sp",
                     "sp=none leaves subdomains unprotected under p=%s", ps->p);
    if (ps->pct < 100)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, "pct",
                     "pct=%d: the policy applies to %d%% of failing mail only", ps->pct, ps->pct);
    if (ps->nrua == 0)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, "rua",
                     "no rua: the domain receives no aggregate reports");
    if (ps->has_fo && ps->nruf == 0)
        scan_problem(&ps->pbs, false, SCAN_R_NONE, "fo", "fo has no effect without ruf");
}

/*
 * Check one record's tag list. Fills @p ps (problems, p, sp, pct, URIs), adding
 * problems in the order the report shows them: the version rule, each tag in
 * the record's order, then the notes on p and the posture.
 * @return 0 or -ENOMEM.
 */
static int parse_record(struct dm_parse *ps, const struct scan_rr *rr)
{
    ps->pct = 100;
    if (rr->txt_len > 0 && (rr->txt[0] == ' ' || rr->txt[0] == '\t'))
        scan_problem(&ps->pbs, false, SCAN_R_NONE, NULL, "the record starts with whitespace");
    if (scan_taglist_parse(&ps->tl, rr->txt, rr->txt_len, true, &ps->pbs) != 0)
        return -ENOMEM;
    version_first(ps);
    for (size_t idx = 0; idx < ps->tl.n; idx++) {
        const char *name = ps->tl.tag[idx].name;
        const struct dm_tag *t = find_tag(name);
        if (t)
            t->check(ps, t->name, ps->tl.tag[idx].value, idx);
        else
            scan_problem(&ps->pbs, false, SCAN_R_NONE, name, "unknown tag %.32s is ignored", name);
    }
    policy_notes(ps);
    return 0;
}

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
                int kind = record_kind(&a->rr[k]);
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
        int kind = record_kind(&a->rr[i]);
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
    if (parse_record(ps, f->rec) != 0)
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
    ret = parse_record(ps, f.rec);
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
