/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * MTA-STS (RFC 8461) of one domain, in the replay style of scanner/dns/view.h:
 * the TXT record at _mta-sts.<domain>, and, unless fetching is off, the
 * policy at https://mta-sts.<domain>/.well-known/mta-sts.txt, which the
 * check reads through the view like a DNS answer (the pseudo-type
 * SCAN_TYPE_MTA_STS_POLICY; the engine fetches it, scanner/dns/fetch.h).
 *
 * Rules:
 * - Record (section 3.1): TXT records that do not begin "v=STSv1" are
 *   discarded; none is "none", more than one "invalid" (multiple-records).
 *   Tag-list errors (record.h) are errors; id= is required (missing-tag) and
 *   is 1 to 32 letters and digits (invalid-value); other tags are extensions.
 * - Policy host (section 3.3): mta-sts.<domain> must have an address
 *   (no-policy-host); a failed lookup is "error".
 * - Fetch (section 3.3): only HTTP 200 counts (policy-http-status; 3xx
 *   redirects are not followed); a certificate that does not validate for
 *   the host is policy-certificate; a body over 64 KiB policy-too-large; no
 *   connection or a failed handshake is "error" (fetch-failed), a timeout
 *   "error" (timeout). A Content-Type other than text/plain is a warning.
 * - Policy (section 3.2): "key: value" lines ending in LF or CRLF; version
 *   STSv1, mode enforce|testing|none and max_age (digits, at most 31557600)
 *   are required; mx patterns are host names or "*." and a host name, at
 *   least one unless mode is none. Breaking any of these is policy-syntax.
 *   Unknown keys are ignored; a repeated key other than mx is a warning (the
 *   first counts). max_age under a day, mode testing and mode none are
 *   warnings.
 * - MX coverage (section 4.1): with mode enforce or testing, every MX host of
 *   the domain must match a pattern (a wildcard matches exactly one leftmost
 *   label); else "invalid" (mx-not-covered). A failed MX lookup is "error".
 * - With fetching off (--no-fetch) only the record is judged; "fetched" is
 *   false and the policy fields are null.
 *
 * Fields: "record", "id", "policy_host", "fetched" (bool), "mode", "max_age"
 * (int or null), "mx" (the patterns), "uncovered" (MX hosts no pattern
 * matches), "problems" ([{severity, field, message}]).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/dns/fetch.h"
#include "scanner/checks/hosts.h"
#include "scanner/checks/record.h"

#define STS_VERSION    "v=STSv1"
#define STS_MAX_AGE    31557600L
#define STS_MAX_MX     64
#define STS_POLICY_MAX 65536

/** What the policy says. */
struct sts_policy {
    char mode[16];
    long max_age; /**< -1 when absent or invalid */
    char mx[STS_MAX_MX][256];
    size_t nmx;
};

/* An mx pattern: a host name, or "*." and a host name. */
static bool pattern_ok(const char *p)
{
    if (strncmp(p, "*.", 2) == 0)
        p += 2;
    return scan_host_name_ok(p, strlen(p));
}

/* RFC 8461 section 4.1: the wildcard matches exactly one leftmost label. */
static bool pattern_matches(const char *pattern, const char *host)
{
    if (strncmp(pattern, "*.", 2) != 0)
        return strcasecmp(pattern, host) == 0;
    const char *dot = strchr(host, '.');
    return dot && dot != host && strcasecmp(dot + 1, pattern + 2) == 0;
}

/* One "key: value" line of the policy. */
static void policy_line(struct scan_problems *ps, struct sts_policy *pol, char *line, bool seen[3],
                        bool *version_ok)
{
    static const char *const once[] = {"version", "mode", "max_age"};
    char *colon = strchr(line, ':');
    if (!colon) {
        scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, NULL,
                     "policy line '%.64s' is not 'key: value' (RFC 8461 section 3.2)", line);
        return;
    }
    *colon = '\0';
    char *key = line, *value = scan_trim_wsp(colon + 1);
    if (strcmp(key, "mx") == 0) {
        if (!pattern_ok(value))
            scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, "mx",
                         "mx: '%.100s' is not a host name or *. and a host name", value);
        else if (pol->nmx < STS_MAX_MX)
            snprintf(pol->mx[pol->nmx++], sizeof(pol->mx[0]), "%s", value);
        return;
    }
    size_t k = 0;
    while (k < 3 && strcmp(key, once[k]) != 0)
        k++;
    if (k == 3)
        return; /* an extension: ignored */
    if (seen[k]) {
        scan_problem(ps, false, SCAN_R_NONE, key, "%s appears more than once; the first counts",
                     key);
        return;
    }
    seen[k] = true;
    if (k == 0) {
        *version_ok = strcmp(value, "STSv1") == 0;
        if (!*version_ok)
            scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, "version",
                         "version: '%.32s': the policy version must be STSv1", value);
    } else if (k == 1) {
        if (strcmp(value, "enforce") && strcmp(value, "testing") && strcmp(value, "none"))
            scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, "mode",
                         "mode: '%.32s': must be enforce, testing or none", value);
        else
            snprintf(pol->mode, sizeof(pol->mode), "%s", value);
    } else {
        size_t n = strlen(value);
        if (n == 0 || n > 10 || strspn(value, "0123456789") != n ||
            strtol(value, NULL, 10) > STS_MAX_AGE)
            scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, "max_age",
                         "max_age: '%.32s': must be seconds from 0 to %ld", value, STS_MAX_AGE);
        else
            pol->max_age = strtol(value, NULL, 10);
    }
}

/* The policy body. @return 0 or -ENOMEM. */
static int parse_policy(struct scan_problems *ps, struct sts_policy *pol,
                        const struct scan_rr *body)
{
    bool seen[3] = {false, false, false}, version_ok = false;
    char *text = strndup((const char *)body->txt, body->txt_len), *cur = text;
    if (!text)
        return -ENOMEM;
    pol->max_age = -1;
    if (strlen(text) != body->txt_len)
        scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, NULL, "the policy holds a NUL byte");
    while (cur && *cur) {
        char *nl = strchr(cur, '\n');
        if (nl)
            *nl = '\0';
        size_t n = strlen(cur);
        if (n > 0 && cur[n - 1] == '\r')
            cur[--n] = '\0';
        if (n > 0)
            policy_line(ps, pol, cur, seen, &version_ok);
        cur = nl ? nl + 1 : NULL;
    }
    free(text);
    static const char *const need[] = {"version", "mode", "max_age"};
    for (size_t k = 0; k < 3; k++)
        if (!seen[k])
            scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, need[k],
                         "the policy has no %s (RFC 8461 section 3.2)", need[k]);
    if (pol->mode[0] && strcmp(pol->mode, "none") != 0 && pol->nmx == 0)
        scan_problem(ps, true, SCAN_R_POLICY_SYNTAX, "mx",
                     "mode %s without any mx pattern covers no host", pol->mode);
    if (strcmp(pol->mode, "testing") == 0)
        scan_problem(ps, false, SCAN_R_NONE, "mode",
                     "mode testing: failures are reported (TLS-RPT), not enforced");
    if (strcmp(pol->mode, "none") == 0)
        scan_problem(ps, false, SCAN_R_NONE, "mode", "mode none: the policy is switched off");
    if (pol->max_age >= 0 && pol->max_age < 86400)
        scan_problem(ps, false, SCAN_R_NONE, "max_age",
                     "max_age %ld s is under a day; RFC 8461 expects weeks or more", pol->max_age);
    return 0;
}

/* The fetch's outcome. @return the body record when it is a policy to parse. */
static const struct scan_rr *judge_fetch(struct scan_problems *ps, const struct scan_answer *a,
                                         enum scan_reason *err_why)
{
    const char *msg = a->n > 0 ? (const char *)a->rr[0].txt : "";
    if (a->status == SCAN_DNS_TIMEOUT) {
        *err_why = SCAN_R_TIMEOUT;
        scan_problem(ps, false, SCAN_R_NONE, "policy", "the policy fetch timed out: %.200s", msg);
        return NULL;
    }
    if (a->status != SCAN_DNS_OK) {
        if (a->rcode == SCAN_FETCH_CERT)
            scan_problem(ps, true, SCAN_R_POLICY_CERTIFICATE, "policy",
                         "the policy host's certificate does not validate: %.200s", msg);
        else if (a->rcode == SCAN_FETCH_TOO_LARGE)
            scan_problem(ps, true, SCAN_R_POLICY_TOO_LARGE, "policy", "%.200s", msg);
        else {
            *err_why = SCAN_R_FETCH_FAILED;
            scan_problem(ps, false, SCAN_R_NONE, "policy", "the policy fetch failed: %.200s", msg);
        }
        return NULL;
    }
    if (a->rcode != 200) {
        scan_problem(ps, true, SCAN_R_POLICY_HTTP_STATUS, "policy",
                     "the policy URL answered HTTP %d, not 200%s", a->rcode,
                     a->rcode >= 300 && a->rcode < 400 ? " (redirects are not followed)" : "");
        return NULL;
    }
    if (a->n > 1 && strncasecmp((const char *)a->rr[1].txt, "text/plain", 10) != 0)
        scan_problem(ps, false, SCAN_R_NONE, "policy",
                     "the policy is served as '%.64s', not text/plain (RFC 8461 section 3.3)",
                     a->rr[1].txt_len ? (const char *)a->rr[1].txt : "no Content-Type");
    return &a->rr[0];
}

/* MX coverage (section 4.1). */
static void check_coverage(struct scan_report *r, struct scan_problems *ps,
                           const struct sts_policy *pol, const struct scan_answer *mx)
{
    for (size_t i = 0; scan_has_records(mx) && i < mx->n; i++) {
        const char *host = mx->rr[i].target;
        if (mx->rr[i].type != SCAN_TYPE_MX || !host || !host[0])
            continue;
        bool hit = false;
        for (size_t k = 0; k < pol->nmx && !hit; k++)
            hit = pattern_matches(pol->mx[k], host);
        if (!hit) {
            scan_report_strv_add(r, "uncovered", host);
            scan_problem(ps, true, SCAN_R_MX_NOT_COVERED, "mx",
                         "MX host %.200s matches no mx pattern: senders refuse to deliver to "
                         "it in enforce mode",
                         host);
        }
    }
}

/** The lookups, as far as they got. */
struct sts_seen {
    struct scan_found f;
    char host[300];
    const struct scan_answer *a, *aaaa, *policy, *mx;
};

/* @return 0, -EAGAIN, -ENOMEM. */
static int lookups(struct scan_view *v, const char *dom, bool fetch, struct sts_seen *s)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->host, sizeof(s->host), "mta-sts.%s", dom);
    int ret = scan_find_record(v, "_mta-sts", dom, STS_VERSION, &s->f);
    if (ret < 0 || s->f.failed || s->f.n != 1 || !fetch)
        return ret;
    /* The policy host's addresses and the MX set in one round, then the policy. */
    int ra = scan_view_get(v, s->host, SCAN_TYPE_A, &s->a);
    int r6 = scan_view_get(v, s->host, SCAN_TYPE_AAAA, &s->aaaa);
    int rm = scan_view_get(v, dom, SCAN_TYPE_MX, &s->mx);
    if (ra == -ENOMEM || r6 == -ENOMEM || rm == -ENOMEM)
        return -ENOMEM;
    if (ra == -EAGAIN || r6 == -EAGAIN || rm == -EAGAIN)
        return -EAGAIN;
    if (ra < 0 || r6 < 0) {
        s->a = s->aaaa = NULL; /* the host name cannot exist */
        return 0;
    }
    if (!scan_has_records(s->a) && !scan_has_records(s->aaaa))
        return 0;
    return scan_view_get(v, s->host, SCAN_TYPE_MTA_STS_POLICY, &s->policy);
}

/* The record's tags. */
static void check_record(struct scan_report *r, struct scan_problems *ps, struct scan_taglist *tl)
{
    struct scan_tag *id = scan_taglist_find(tl, "id", false);
    scan_report_str(r, "id", id ? id->value : NULL);
    if (!id) {
        scan_problem(ps, true, SCAN_R_MISSING_TAG, "id",
                     "id= is required: senders refetch the policy when it changes");
        return;
    }
    size_t n = strlen(id->value), alnum = 0;
    while (alnum < n && isalnum((unsigned char)id->value[alnum]))
        alnum++;
    if (n == 0 || n > 32 || alnum != n)
        scan_problem(ps, true, SCAN_R_INVALID_VALUE, "id",
                     "id=%.40s: must be 1 to 32 letters and digits (RFC 8461 section 3.1)",
                     id->value);
}

/* The verdict when the policy host or the fetch is where it ends. */
static void judge_policy(struct scan_report *r, struct scan_problems *ps, const struct sts_seen *s,
                         enum scan_reason *err_why)
{
    struct sts_policy *pol = calloc(1, sizeof(*pol));
    const struct scan_rr *body = NULL;
    if (!pol) {
        *err_why = SCAN_R_INTERNAL;
        return;
    }
    pol->max_age = -1;
    if (!s->a || (!scan_has_records(s->a) && !scan_has_records(s->aaaa))) {
        if (s->a && (scan_dns_failed(s->a->status) || scan_dns_failed(s->aaaa->status)))
            *err_why =
                scan_reason_of_dns(scan_dns_failed(s->a->status) ? s->a->status : s->aaaa->status);
        else
            scan_problem(ps, true, SCAN_R_NO_POLICY_HOST, "policy",
                         "%s has no address: the policy cannot be fetched", s->host);
    } else {
        body = judge_fetch(ps, s->policy, err_why);
    }
    scan_report_bool(r, "fetched", body != NULL);
    if (body && parse_policy(ps, pol, body) != 0)
        *err_why = SCAN_R_INTERNAL;
    scan_report_str(r, "mode", pol->mode[0] ? pol->mode : NULL);
    if (pol->max_age >= 0)
        scan_report_int(r, "max_age", pol->max_age);
    else
        scan_report_str(r, "max_age", NULL);
    scan_report_strv_init(r, "mx");
    for (size_t i = 0; i < pol->nmx; i++)
        scan_report_strv_add(r, "mx", pol->mx[i]);
    scan_report_strv_init(r, "uncovered");
    if (body && (!strcmp(pol->mode, "enforce") || !strcmp(pol->mode, "testing"))) {
        if (scan_dns_failed(s->mx->status) && !*err_why)
            *err_why = scan_reason_of_dns(s->mx->status);
        else
            check_coverage(r, ps, pol, s->mx);
    }
    free(pol);
}

int scan_mtasts_check(struct scan_view *v, const char *domain, bool fetch, struct scan_report **out)
{
    struct scan_report *r = NULL;
    struct scan_problems *ps = NULL;
    struct scan_taglist tl = {0};
    struct sts_seen s;
    enum scan_reason err_why = SCAN_R_NONE;
    char dom[256];
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;
    ret = lookups(v, dom, fetch, &s);
    if (ret < 0)
        return ret;

    ret = -ENOMEM;
    if (scan_report_begin(dom, SCAN_CHECK_MTA_STS, &r, &ps) < 0)
        goto out;
    bool one = !s.f.failed && s.f.n == 1;
    scan_report_strn(r, "record", one ? (const char *)s.f.rec->txt : NULL,
                     one ? s.f.rec->txt_len : 0);
    if (one) {
        if (scan_taglist_parse(&tl, s.f.rec->txt, s.f.rec->txt_len, false, ps) != 0)
            goto out;
        check_record(r, ps, &tl);
    } else {
        scan_report_str(r, "id", NULL);
    }
    scan_report_str(r, "policy_host", s.host);
    if (one && fetch) {
        judge_policy(r, ps, &s, &err_why);
        if (err_why == SCAN_R_INTERNAL)
            goto out; /* ret is -ENOMEM */
    } else {
        scan_report_bool(r, "fetched", 0);
        scan_report_str(r, "mode", NULL);
        scan_report_str(r, "max_age", NULL);
        scan_report_strv_init(r, "mx");
        scan_report_strv_init(r, "uncovered");
    }
    if (s.f.n > 1 && !s.f.failed)
        scan_problem(ps, true, SCAN_R_MULTIPLE_RECORDS, NULL,
                     "%zu MTA-STS records at _mta-sts.%s: senders use none (RFC 8461 section "
                     "3.1)",
                     s.f.n, dom);
    if (s.f.failed)
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(s.f.failed->status));
    else if (s.f.n == 0)
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    else if (scan_problems_error(ps))
        scan_report_status(r, SCAN_ST_INVALID, scan_problems_error(ps));
    else if (err_why)
        scan_report_status(r, SCAN_ST_ERROR, err_why);
    else
        scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
    ret = scan_report_end(&r, ps, "field", out);
out:
    scan_taglist_deinit(&tl);
    scan_report_free(r);
    free(ps);
    return ret;
}
