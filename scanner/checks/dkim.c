/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DKIM key discovery and key checks (RFC 6376, RFC 8301, RFC 8463) for one
 * domain, in the replay style of scanner/dns/view.h.
 *
 * Selectors and their sources, in the order results come out:
 * - given: --dkim-selector and the job file's dkim_selectors; always asked;
 * - inferred: the selectors of every provider (lists/dkim-selectors.yaml)
 *   whose SPF names the domain's SPF record includes or redirects to (top
 *   level only), or whose MX names the domain's MX hosts are (or sit under);
 * - common: every selector of that file, tried for every domain that has
 *   names under _domainkey unless a wildcard answers them (below).
 * A selector reached by several sources is asked once and says the first.
 *
 * Rounds: (1) TXT at _domainkey.<domain> (the existence test), the domain's
 * TXT (SPF) and MX, and the given selectors; (2) only when _domainkey.<domain>
 * is not NXDOMAIN (RFC 8020 says nothing exists below an NXDOMAIN name, so no
 * selector can; a failed existence lookup proves nothing): the inferred
 * selectors and the wildcard probe, TXT at DKIM_PROBE._domainkey.<domain>, a
 * fixed label nobody publishes; (3) the common selectors, unless the probe
 * has TXT records. Then a wildcard answers every name under _domainkey: a
 * guessed selector gets the wildcard's records (a key or not), so a guess
 * proves nothing, and guessing ~30 names per domain is what made a wildcard
 * zone ten times slower to scan. Under a wildcard only what the given and
 * inferred selectors find is reported, and the line (or the none line) says a
 * wildcard answered (a warning). When the wildcard sits above _domainkey
 * ("*.<domain>", bulk.test's shape) nothing is lost: an explicit name below
 * _domainkey.<domain> would make it an empty non-terminal, which no wildcard
 * answers (RFC 4592 section 2.2.2), so there is no key to find. The cost is
 * a "*._domainkey.<domain>" TXT wildcard beside explicit keys: one at a
 * common selector is not found unless inferred or given.
 * A probe answer without TXT (NODATA: a wildcard of other types, such as
 * "* A") or a failed probe keeps the common guesses. A domain without DKIM
 * costs one query (its _domainkey is NXDOMAIN); one under a TXT wildcard two,
 * plus its given and inferred selectors (the domain's TXT and MX are shared
 * with the spf and mx checks through the engine's cache).
 *
 * What is "found": a TXT answer at <selector>._domainkey.<domain> (CNAMEs
 * followed: "cname" names the end of the chain). For inferred and common
 * selectors only answers that look like a key record count (a v=DKIM… tag, or
 * no v= and a p= that is empty or long base64), so a wildcard TXT
 * (SPF, DMARC's p=reject) does not turn every guess into a finding; a given
 * selector is judged whatever it holds.
 *
 * Key record rules (status of the selector's line):
 * - more than one TXT record at the name: invalid (multiple-records; which
 *   one a verifier uses is unspecified);
 * - the rules of one key record: dkim_key.c (its header lists them).
 *
 * A failed lookup of a selector gives that selector an error line. When no
 * selector is found and none failed, one line says none, with the selectors
 * tried (and a warning when a wildcard answered the probe). Given selectors
 * that are not there get a none line each when some other selector was found
 * (the user named them; silence would hide them). A line whose records are
 * exactly the probe's says so in a warning.
 *
 * Fields of a selector's line: "selector", "source", "key_type" ("rsa",
 * "ed25519" or null), "key_bits" (int or null), "testing" (bool), "record"
 * (string or null), "cname" (string or null), "domainkey_exists" (null),
 * "selectors_tried" ([]), "problems" ([{severity, tag, message}]). The none
 * line: selector, source, key_type, key_bits, record, cname null, testing
 * false, then "domainkey_exists" (bool, or null when that lookup failed),
 * "selectors_tried" (array) and "problems".
 *
 * Files: this one discovers the selectors and renders their lines; it calls
 * dkim_key.c, the rules of one key record (which calls nothing here);
 * dkim_int.h is what they share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/dkim_int.h"
#include "scanner/checks/record.h"

#define DKIM_MAX_SELECTORS 128
#define DKIM_MAX_INCLUDES  32
/* The wildcard probe's selector: fixed (the check is replayed, so it must ask
 * the same name every time, and reports stay the same from run to run) and
 * unlike any selector a signer would choose. */
#define DKIM_PROBE "dnsbl-scan-probe-q7z3k9x2"

enum dk_source { DK_GIVEN, DK_INFERRED, DK_COMMON };

static const char *const source_words[] = {"given", "inferred", "common"};

struct dk_sel {
    const char *name; /**< borrowed: from the options or the provider data */
    enum dk_source src;
    const struct scan_answer *ans; /**< NULL when the name cannot be asked */
};

struct dk_state {
    struct dk_sel sel[DKIM_MAX_SELECTORS];
    size_t n;
    bool truncated;
    const struct scan_answer *probe; /**< DKIM_PROBE's answer, NULL when not asked */
};

static void add_selector(struct dk_state *st, const char *name, enum dk_source src)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcasecmp(st->sel[i].name, name) == 0)
            return;
    if (st->n == DKIM_MAX_SELECTORS) {
        st->truncated = true;
        return;
    }
    st->sel[st->n].name = name;
    st->sel[st->n].src = src;
    st->sel[st->n].ans = NULL;
    st->n++;
}

/* @p name is @p fp or a name under it (case-insensitive, labels intact). */
static bool under(const char *name, const char *fp)
{
    size_t n = strlen(name), k = strlen(fp);
    if (n == k)
        return strcasecmp(name, fp) == 0;
    return n > k && name[n - k - 1] == '.' && strcasecmp(name + n - k, fp) == 0;
}

/* The include: and redirect= targets of the domain's SPF record (top level). */
static size_t spf_targets(const struct scan_answer *txt, char out[][256], size_t max)
{
    const struct scan_rr *rec = NULL;
    size_t n = 0;
    for (size_t i = 0; scan_dns_failed(txt->status) == false && i < txt->n && !rec; i++) {
        const struct scan_rr *rr = &txt->rr[i];
        if (rr->type == SCAN_TYPE_TXT && rr->txt_len >= 6 &&
            strncasecmp((const char *)rr->txt, "v=spf1", 6) == 0 &&
            (rr->txt_len == 6 || rr->txt[6] == ' '))
            rec = rr;
    }
    if (!rec)
        return 0;
    const char *p = (const char *)rec->txt, *end = p + rec->txt_len;
    while (p < end && n < max) {
        while (p < end && *p == ' ')
            p++;
        const char *t = p;
        while (p < end && *p != ' ')
            p++;
        size_t len = (size_t)(p - t);
        if (len > 0 && strchr("+-~?", *t)) {
            t++;
            len--;
        }
        size_t skip = len > 8 && strncasecmp(t, "include:", 8) == 0    ? 8
                      : len > 9 && strncasecmp(t, "redirect=", 9) == 0 ? 9
                                                                       : 0;
        if (!skip || len - skip >= 256 || memchr(t, '%', len))
            continue;
        memcpy(out[n], t + skip, len - skip);
        out[n][len - skip] = '\0';
        n++;
    }
    return n;
}

/* Providers whose SPF names or MX hosts the domain uses: their selectors. */
static void infer(struct dk_state *st, const struct scan_dkim_selectors *o,
                  const struct scan_answer *txt, const struct scan_answer *mx)
{
    char inc[DKIM_MAX_INCLUDES][256];
    size_t ninc = spf_targets(txt, inc, DKIM_MAX_INCLUDES);
    for (size_t p = 0; p < o->nproviders; p++) {
        const struct scan_dkim_provider *pv = &o->providers[p];
        bool hit = false;
        for (size_t i = 0; i < ninc && !hit; i++)
            for (size_t k = 0; k < pv->nspf && !hit; k++)
                hit = under(inc[i], pv->spf[k]);
        for (size_t i = 0; mx->status == SCAN_DNS_OK && i < mx->n && !hit; i++)
            for (size_t k = 0; k < pv->nmx && !hit; k++)
                hit = mx->rr[i].type == SCAN_TYPE_MX && mx->rr[i].target &&
                      under(mx->rr[i].target, pv->mx[k]);
        for (size_t k = 0; hit && k < pv->nselectors; k++)
            add_selector(st, pv->selectors[k], DK_INFERRED);
    }
}

/*
 * Ask TXT at <selector>._domainkey.<dom> for selectors [from, n).
 * @return 0, -EAGAIN (some asked), -ENOMEM.
 */
static int ask_selectors(struct scan_view *v, struct dk_state *st, size_t from, const char *dom)
{
    char qname[600];
    bool missing = false;
    for (size_t i = from; i < st->n; i++) {
        st->sel[i].ans = NULL;
        if ((size_t)snprintf(qname, sizeof(qname), "%s._domainkey.%s", st->sel[i].name, dom) >=
            sizeof(qname))
            continue;
        int ret = scan_view_get(v, qname, SCAN_TYPE_TXT, &st->sel[i].ans);
        if (ret == -ENOMEM)
            return ret;
        if (ret == -EAGAIN)
            missing = true;
        if (ret < 0)
            st->sel[i].ans = NULL; /* -EINVAL: a name that cannot exist */
    }
    return missing ? -EAGAIN : 0;
}

/*
 * Does this TXT record look like a DKIM key record? A v= tag that says DKIM
 * (wherever it stands, whatever the version: the rules judge those); or no v=
 * and a p= that is empty (revoked) or long base64 (a key is 44 characters at
 * least). A wildcard's SPF or DMARC record ("v=DMARC1; p=reject") is not.
 */
static bool looks_like_key(const struct scan_rr *rr)
{
    struct scan_taglist tl;
    if (scan_txt_starts(rr, "v=DKIM1"))
        return true;
    if (scan_taglist_parse(&tl, rr->txt, rr->txt_len, false, NULL) != 0)
        return true; /* out of memory: let the caller judge it (and fail there) */
    struct scan_tag *v = scan_taglist_find(&tl, "v", false);
    struct scan_tag *p = scan_taglist_find(&tl, "p", false);
    size_t n = p ? strlen(p->value) : 0;
    bool key = (v && strncasecmp(v->value, "DKIM", 4) == 0) ||
               (!v && p &&
                (n == 0 || (n >= 40 && strspn(p->value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
                                                        "pqrstuvwxyz0123456789+/= \t") == n)));
    scan_taglist_deinit(&tl);
    return key;
}

/* @return whether @p a holds TXT records (an answer, not NODATA or a failure). */
static bool has_txt(const struct scan_answer *a)
{
    for (size_t i = 0; a && a->status == SCAN_DNS_OK && i < a->n; i++)
        if (a->rr[i].type == SCAN_TYPE_TXT)
            return true;
    return false;
}

/* A wildcard answers every name under _domainkey: the probe has TXT records. */
static bool wildcard(const struct dk_state *st)
{
    return has_txt(st->probe);
}

/* Is TXT record @p rr one of @p a's? */
static bool txt_in(const struct scan_rr *rr, const struct scan_answer *a)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->rr[i].type == SCAN_TYPE_TXT && a->rr[i].txt_len == rr->txt_len &&
            memcmp(a->rr[i].txt, rr->txt, rr->txt_len) == 0)
            return true;
    return false;
}

/* Is one of the wildcard's records a DKIM key record? */
static bool from_wildcard_key(const struct dk_state *st)
{
    for (size_t i = 0; wildcard(st) && i < st->probe->n; i++)
        if (st->probe->rr[i].type == SCAN_TYPE_TXT && looks_like_key(&st->probe->rr[i]))
            return true;
    return false;
}

/* Does selector @p s hold the wildcard's records (each of its TXT records is one of
 * the probe's, and the other way round)? */
static bool from_wildcard(const struct dk_state *st, const struct dk_sel *s)
{
    if (!wildcard(st) || !has_txt(s->ans))
        return false;
    for (size_t i = 0; i < s->ans->n; i++)
        if (s->ans->rr[i].type == SCAN_TYPE_TXT && !txt_in(&s->ans->rr[i], st->probe))
            return false;
    for (size_t i = 0; i < st->probe->n; i++)
        if (st->probe->rr[i].type == SCAN_TYPE_TXT && !txt_in(&st->probe->rr[i], s->ans))
            return false;
    return true;
}

/* Fill one selector's result; @p wild: its records are the wildcard's. @return 0 or
 * -ENOMEM. */
static int report_selector(struct scan_report *r, const struct dk_sel *s, size_t nfound, bool wild)
{
    struct scan_problems *ps = calloc(1, sizeof(*ps));
    struct dk_key key = {0};
    const struct scan_rr *rec = NULL;
    int ret = 0;
    if (!ps)
        return -ENOMEM;
    if (wild)
        scan_problem(ps, false, SCAN_R_NONE, NULL,
                     "a wildcard publishes this record: a random selector (" DKIM_PROBE
                     ") gets it too, so every selector has it");
    const struct scan_answer *a = s->ans;
    if (a && scan_dns_failed(a->status)) {
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(a->status));
    } else if (nfound == 0) {
        scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    } else if (nfound > 1) {
        scan_problem(ps, true, SCAN_R_MULTIPLE_RECORDS, NULL,
                     "%zu TXT records at %s._domainkey: which one a verifier uses is "
                     "unspecified",
                     nfound, s->name);
        scan_report_status(r, SCAN_ST_INVALID, SCAN_R_MULTIPLE_RECORDS);
    } else {
        for (size_t i = 0; i < a->n && !rec; i++)
            if (a->rr[i].type == SCAN_TYPE_TXT)
                rec = &a->rr[i];
        ret = dkim_check_record(ps, &key, rec);
        enum scan_reason why = scan_problems_error(ps);
        scan_report_status(r,
                           why           ? SCAN_ST_INVALID
                           : key.revoked ? SCAN_ST_REVOKED
                                         : SCAN_ST_VALID,
                           why);
    }
    scan_report_str(r, "selector", s->name);
    scan_report_str(r, "source", source_words[s->src]);
    scan_report_str(r, "key_type", rec ? key.type : NULL);
    if (key.bits > 0)
        scan_report_int(r, "key_bits", key.bits);
    else
        scan_report_str(r, "key_bits", NULL);
    scan_report_bool(r, "testing", key.testing);
    scan_report_strn(r, "record", rec ? (const char *)rec->txt : NULL, rec ? rec->txt_len : 0);
    scan_report_str(r, "cname", a && a->ncname > 0 && a->canon ? a->canon : NULL);
    /* Every line carries every field (README): the none line's own are empty here. */
    scan_report_str(r, "domainkey_exists", NULL);
    scan_report_strv_init(r, "selectors_tried");
    scan_problems_report(r, ps, "tag");
    free(ps);
    return ret;
}

/* TXT records at a selector that count as found (see the file comment). */
static size_t count_found(const struct dk_sel *s)
{
    size_t n = 0, keys = 0;
    if (!s->ans || s->ans->status != SCAN_DNS_OK)
        return 0;
    for (size_t i = 0; i < s->ans->n; i++) {
        if (s->ans->rr[i].type != SCAN_TYPE_TXT)
            continue;
        n++;
        keys += looks_like_key(&s->ans->rr[i]);
    }
    return s->src == DK_GIVEN || keys > 0 ? n : 0;
}

/* The line when nothing was found. @return 0 or -ENOMEM. */
static int report_none(struct scan_report *r, const struct dk_state *st,
                       const struct scan_answer *exist)
{
    struct scan_problems *ps = calloc(1, sizeof(*ps));
    if (!ps)
        return -ENOMEM;
    scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
    scan_report_str(r, "selector", NULL);
    scan_report_str(r, "source", NULL);
    scan_report_str(r, "key_type", NULL);
    scan_report_str(r, "key_bits", NULL);
    scan_report_bool(r, "testing", 0);
    scan_report_str(r, "record", NULL);
    scan_report_str(r, "cname", NULL);
    if (!exist || scan_dns_failed(exist->status))
        scan_report_str(r, "domainkey_exists", NULL);
    else
        scan_report_bool(r, "domainkey_exists", exist->status != SCAN_DNS_NXDOMAIN);
    scan_report_strv_init(r, "selectors_tried");
    for (size_t i = 0; i < st->n; i++)
        scan_report_strv_add(r, "selectors_tried", st->sel[i].name);
    if (st->truncated)
        scan_problem(ps, false, SCAN_R_NONE, NULL,
                     "more selectors than the check tries; the rest were not asked");
    if (wildcard(st))
        scan_problem(ps, false, SCAN_R_NONE, NULL,
                     "a wildcard answers every selector under _domainkey (a random one, " DKIM_PROBE
                     ", has %s), so guessing proves nothing and the common selectors were not "
                     "asked: name the domain's selectors with --dkim-selector",
                     from_wildcard_key(st) ? "a DKIM key record" : "TXT records");
    scan_problems_report(r, ps, "tag");
    free(ps);
    return 0;
}

/* Round 1: existence, SPF, MX and the given selectors. @return 0, -EAGAIN, -ENOMEM;
 * *skip is set when nothing below _domainkey can exist (or be asked). */
static int round_exist(struct scan_view *v, const char *dom, struct dk_state *st,
                       const struct scan_answer **exist, bool *skip)
{
    const struct scan_answer *ignored;
    char qname[300];
    bool missing = false;

    snprintf(qname, sizeof(qname), "_domainkey.%s", dom);
    int r1 = scan_view_get(v, qname, SCAN_TYPE_TXT, exist);
    int rs[] = {r1, scan_view_get(v, dom, SCAN_TYPE_TXT, &ignored),
                scan_view_get(v, dom, SCAN_TYPE_MX, &ignored), ask_selectors(v, st, 0, dom)};
    for (size_t i = 0; i < sizeof(rs) / sizeof(rs[0]); i++) {
        if (rs[i] == -ENOMEM)
            return rs[i];
        missing |= rs[i] == -EAGAIN;
    }
    if (missing)
        return -EAGAIN;
    if (r1 < 0)
        *exist = NULL; /* _domainkey.<dom> cannot be asked: neither can a selector */
    *skip = r1 < 0 || (*exist)->status == SCAN_DNS_NXDOMAIN;
    return 0;
}

/*
 * Round 1: existence, SPF, MX and the given selectors. Round 2: the inferred
 * selectors and the wildcard probe. Round 3: the common selectors, unless a
 * wildcard answers (see the file comment).
 * @param[out] exist  the existence answer (or NULL when it cannot be asked)
 * @return 0, -EAGAIN, -ENOMEM.
 */
static int discover(struct scan_view *v, const char *dom, const struct scan_dkim_selectors *o,
                    struct dk_state *st, const struct scan_answer **exist)
{
    const struct scan_answer *txt = NULL, *mx = NULL;
    char qname[600];
    bool skip = false;

    *exist = NULL;
    for (size_t i = 0; o && i < o->ngiven; i++)
        add_selector(st, o->given[i], DK_GIVEN);
    size_t ngiven = st->n;
    int ret = round_exist(v, dom, st, exist, &skip);
    if (ret < 0 || skip || !o)
        return ret;
    if (scan_view_get(v, dom, SCAN_TYPE_TXT, &txt) == 0 &&
        scan_view_get(v, dom, SCAN_TYPE_MX, &mx) == 0)
        infer(st, o, txt, mx);
    snprintf(qname, sizeof(qname), DKIM_PROBE "._domainkey.%s", dom); /* fits: dom < 256 */
    int rp = scan_view_get(v, qname, SCAN_TYPE_TXT, &st->probe);
    if (rp < 0)
        st->probe = NULL;
    ret = ask_selectors(v, st, ngiven, dom);
    if (rp == -ENOMEM || ret == -ENOMEM)
        return -ENOMEM;
    if (rp == -EAGAIN || ret == -EAGAIN)
        return -EAGAIN;
    if (wildcard(st))
        return 0;
    size_t nbefore = st->n;
    for (size_t i = 0; i < o->ncommon; i++)
        add_selector(st, o->common[i], DK_COMMON);
    return ask_selectors(v, st, nbefore, dom);
}

int scan_dkim_check(struct scan_view *v, const char *domain, const struct scan_dkim_selectors *sel,
                    struct scan_report **out)
{
    struct scan_report *head = NULL;
    struct dk_state *st = NULL;
    const struct scan_answer *exist = NULL;
    char dom[256];
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;
    st = calloc(1, sizeof(*st));
    if (!st)
        return -ENOMEM;
    ret = discover(v, dom, sel, st, &exist);
    if (ret < 0)
        goto out;

    /* Which selectors get a line: found, failed, and (when something was found)
     * given ones that are not there. */
    size_t found = 0, failed = 0;
    for (size_t i = 0; i < st->n; i++) {
        found += count_found(&st->sel[i]) > 0;
        failed += st->sel[i].ans && scan_dns_failed(st->sel[i].ans->status);
    }
    ret = -ENOMEM;
    head = scan_report_new(dom, SCAN_CHECK_DKIM);
    if (!head)
        goto out;
    if (found == 0 && failed == 0) {
        if (report_none(head, st, exist) != 0)
            goto out; /* ret is -ENOMEM */
    } else {
        struct scan_report *r = head;
        for (size_t i = 0; i < st->n; i++) {
            const struct dk_sel *s = &st->sel[i];
            size_t nf = count_found(s);
            bool fail = s->ans && scan_dns_failed(s->ans->status);
            if (!nf && !fail && !(s->src == DK_GIVEN && found > 0))
                continue;
            if (!r && !(r = scan_report_add(head)))
                goto out; /* ret is -ENOMEM */
            if (report_selector(r, s, nf, from_wildcard(st, s)) != 0)
                goto out;
            r = NULL;
        }
    }
    ret = scan_report_hand_over(&head, out);
out:
    scan_report_free(head);
    free(st);
    return ret;
}
