/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DMARC record's grammar (RFC 7489 section 6.3 and 6.4): which TXT records
 * are DMARC records, and the tag table that checks one record, tag by tag, into
 * a struct dm_parse (dmarc_int.h). Pure: no DNS, no report; the check that
 * discovers the record and renders its line is dmarc.c, which calls this file
 * and is never called by it.
 *
 * Decisions (the rest are in dmarc.c's header):
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
 * - Posture warnings: p=none, sp=none under an enforcing p, pct below 100,
 *   no rua, fo without ruf; also leading whitespace.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/dmarc_int.h"
#include "scanner/checks/record.h"

/*
 * Is this TXT record a DMARC record, and is v first? Works on a copy.
 * @return the kind, or -ENOMEM.
 */
int dmarc_record_kind(const struct scan_rr *rr)
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
int dmarc_parse_record(struct dm_parse *ps, const struct scan_rr *rr)
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
