/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Forward-confirmed reverse DNS (RFC 8601 section 3 "iprev"; Gmail's "valid
 * forward and reverse DNS") for one IP target, in the replay style of
 * scanner/dns/view.h.
 *
 * The check asks PTR for the reverse name, then A (IPv4 target) or AAAA
 * (IPv6 target) for each PTR name, and passes when any name maps back to
 * the address (compared in binary form, never as text).
 *
 * Decisions (the issue text left these open, or they follow from it):
 * - Names: the PTR answer's names in answer order, duplicates (case-
 *   insensitive) dropped, at most FCRDNS_MAX_NAMES (10, the RFC 7208
 *   section 4.6.4 bound SPF uses for the same procedure). Names beyond the
 *   bound are neither listed in "ptr" nor looked up; a warning says so.
 *   All forward lookups are asked at once, so they are fetched in parallel.
 * - Status and reason:
 *   - pass: a name confirms ("confirmed" is the first such name in order);
 *   - error: the PTR lookup failed (timeout, SERVFAIL, REFUSED, bad
 *     response, CNAME loop), reason = scan_reason_of_dns(); or no name
 *     confirms and at least one forward lookup failed temporarily (timeout,
 *     SERVFAIL, REFUSED, bad response): the failed name might have
 *     confirmed, so "fail" would be a guess;
 *   - fail/no-ptr: NXDOMAIN or NODATA on the PTR lookup;
 *   - fail/ptr-does-not-resolve: no name has any address of the family;
 *   - fail/mismatch: some name has addresses, none is the target.
 *   A CNAME loop on a forward lookup is permanent, so that name simply does
 *   not resolve (the SPF suite's ptr-cname-loop case skips such a name). A
 *   PTR name the view refuses to ask (empty label, too long) also does not
 *   resolve, and gets a warning.
 * - RFC 2317 classless delegation: the resolver follows the CNAME; when the
 *   answer's canonical name differs from the reverse name, "cname" holds it
 *   (else null). Any non-numeric label there is fine.
 * - An IPv4-mapped IPv6 target (::ffff:a.b.c.d) is checked as IPv4, as
 *   RFC 7208 section 5 does (targets normally skip that range anyway).
 * - Fields, always in this order: "ptr" (array, [] when there is no
 *   name), "cname" (string or
 *   null), "confirmed" (string or null), "generic" (bool), "warnings"
 *   (array, [] when empty).
 * - "generic" is true when a checked PTR name looks like a mass-assigned
 *   name, which Yahoo and Microsoft penalize. A name is generic when it
 *   embeds the address, forward or reversed, with '.', '-' or '_' between
 *   octets, zero-padded ("192000002030", "192-000-002-030"), as the last
 *   three octets dashed, or as 8 hex digits (IPv6: the RFC 5952 text with
 *   '-' for ':', or the 32 hex digits); or when a label left of the
 *   registrable domain holds one of the tokens dynamic, dyn, dsl, adsl,
 *   pool, dhcp, cable, ppp, client, broadband, cust, host, ip (tokens are
 *   split at punctuation and at letter/digit changes: "ppp123" has "ppp",
 *   "mailhost" has none). Only labels left of the registrable domain count,
 *   so an ISP called cable-example.test does not make every name generic.
 *   "static" is deliberately not a token: alone it is ambiguous (web
 *   static hosts), and residential "static-192-0-2-30" names are caught by
 *   the embedded address.
 * - More than one PTR name gets a warning (RFC 1912 section 2.1 advises one;
 *   some receivers check only the first).
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/record.h"
#include "scanner/core/err.h"
#include "scanner/core/psl.h"
#include "scanner/dns/qname.h"

/** PTR names evaluated at most (RFC 7208 section 4.6.4). */
#define FCRDNS_MAX_NAMES 10

/** One PTR name and what its forward lookup said. */
struct fc_name {
    const char *name;              /**< borrowed from the PTR answer in the view */
    const struct scan_answer *fwd; /**< forward answer, or NULL when not askable */
};

/* The tokens that mark a mass-assigned host name. */
static const char *const generic_tokens[] = {
    "dynamic", "dyn",    "dsl",       "adsl", "pool", "dhcp", "cable",
    "ppp",     "client", "broadband", "cust", "host", "ip",
};

/*
 * Find @p needle in @p hay where the characters on both sides are not
 * digits (hex digits when @p hex), so "2-30" does not match inside "12-301".
 */
static bool contains_bounded(const char *hay, const char *needle, bool hex)
{
    size_t nl = strlen(needle);
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        unsigned char before = p > hay ? (unsigned char)p[-1] : '\0';
        unsigned char after = (unsigned char)p[nl];
        bool bad_before = hex ? isxdigit(before) : isdigit(before);
        bool bad_after = hex ? isxdigit(after) : isdigit(after);
        if (!bad_before && !bad_after)
            return true;
    }
    return false;
}

/* Does @p name (lower-case) embed the IPv4 address @p a in a common form? */
static bool embeds_ip4(const char *name, const uint8_t *a)
{
    static const char seps[] = ".-_";
    char buf[64];
    for (int rev = 0; rev < 2; rev++) {
        unsigned o[4];
        for (int i = 0; i < 4; i++)
            o[i] = rev ? a[3 - i] : a[i];
        for (size_t s = 0; s < sizeof(seps) - 1; s++) {
            char c = seps[s];
            snprintf(buf, sizeof(buf), "%u%c%u%c%u%c%u", o[0], c, o[1], c, o[2], c, o[3]);
            if (contains_bounded(name, buf, false))
                return true;
            snprintf(buf, sizeof(buf), "%03u%c%03u%c%03u%c%03u", o[0], c, o[1], c, o[2], c, o[3]);
            if (contains_bounded(name, buf, false))
                return true;
        }
        snprintf(buf, sizeof(buf), "%03u%03u%03u%03u", o[0], o[1], o[2], o[3]);
        if (contains_bounded(name, buf, false))
            return true;
        snprintf(buf, sizeof(buf), "%02x%02x%02x%02x", o[0], o[1], o[2], o[3]);
        if (contains_bounded(name, buf, true))
            return true;
    }
    /* The host part alone, dashed: "dsl-0-2-30.isp.test", "30-2-0.isp.test". */
    snprintf(buf, sizeof(buf), "%u-%u-%u", a[1], a[2], a[3]);
    if (contains_bounded(name, buf, false))
        return true;
    snprintf(buf, sizeof(buf), "%u-%u-%u", a[3], a[2], a[1]);
    return contains_bounded(name, buf, false);
}

/* Does @p name embed the IPv6 target (text form with '-' for ':', or 32 hex digits)? */
static bool embeds_ip6(const char *name, const struct scan_target *t)
{
    char buf[64];
    size_t i;
    for (i = 0; t->text[i] && i < sizeof(buf) - 1; i++)
        buf[i] = t->text[i] == ':' ? '-' : (char)tolower((unsigned char)t->text[i]);
    buf[i] = '\0';
    if (contains_bounded(name, buf, true))
        return true;
    for (i = 0; i < 16; i++)
        snprintf(buf + 2 * i, 3, "%02x", t->addr[i]);
    return contains_bounded(name, buf, true);
}

/*
 * Find a generic token in the labels of @p name left of its registrable
 * domain. Without a registrable domain (a public suffix, a single label),
 * every label but the last two counts.
 * @return the token (static), or NULL.
 */
static const char *generic_token(const char *name)
{
    char reg[256];
    size_t nl = strlen(name);
    size_t host_len = 0;
    int ret = scan_registrable_domain(name, reg, sizeof(reg));
    if (ret == 0) {
        size_t rl = strlen(reg);
        if (nl > rl + 1)
            host_len = nl - rl - 1;
    } else {
        /* Cut the last two labels. */
        const char *last = strrchr(name, '.');
        if (last) {
            const char *p = last;
            while (p > name && p[-1] != '.')
                p--;
            if (p > name)
                host_len = (size_t)(p - name) - 1;
        }
    }

    size_t i = 0;
    while (i < host_len) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c)) {
            i++;
            continue;
        }
        bool digit = isdigit(c);
        size_t start = i;
        while (i < host_len && isalnum((unsigned char)name[i]) &&
               !!isdigit((unsigned char)name[i]) == digit)
            i++;
        if (digit)
            continue;
        for (size_t k = 0; k < sizeof(generic_tokens) / sizeof(generic_tokens[0]); k++) {
            size_t tl = strlen(generic_tokens[k]);
            if (tl == i - start && strncasecmp(name + start, generic_tokens[k], tl) == 0)
                return generic_tokens[k];
        }
    }
    return NULL;
}

/*
 * Classify one PTR name. On true, @p why (size @p len) says what made it
 * generic, for the warning.
 */
static bool name_is_generic(const char *name, const struct scan_target *t, char *why, size_t len)
{
    char lower[256];
    size_t i;
    for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[i] = '\0';

    bool embeds = t->type == SCAN_T_IP4 ? embeds_ip4(lower, t->addr) : embeds_ip6(lower, t);
    if (embeds) {
        snprintf(why, len, "embeds the address");
        return true;
    }
    const char *tok = generic_token(lower);
    if (tok) {
        snprintf(why, len, "has the token '%s'", tok);
        return true;
    }
    return false;
}

static bool addr_matches(const struct scan_answer *a, const struct scan_target *t)
{
    if (a->status != SCAN_DNS_OK)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct scan_rr *rr = &a->rr[i];
        if (t->type == SCAN_T_IP4 && rr->type == SCAN_TYPE_A && memcmp(rr->a4, t->addr, 4) == 0)
            return true;
        if (t->type == SCAN_T_IP6 && rr->type == SCAN_TYPE_AAAA && memcmp(rr->a6, t->addr, 16) == 0)
            return true;
    }
    return false;
}

static bool is_v4mapped(const uint8_t *a)
{
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return memcmp(a, prefix, sizeof(prefix)) == 0;
}

/*
 * Build the reverse name ("30.2.0.192.in-addr.arpa", 32 nibbles + ".ip6.arpa").
 */
static int reverse_name(const struct scan_target *t, char *buf, size_t len)
{
    const char *zone = t->type == SCAN_T_IP4 ? ".in-addr.arpa" : ".ip6.arpa";
    size_t zl = strlen(zone);
    if (len <= zl)
        return -ENAMETOOLONG;
    int ret = scan_reverse_name(t, buf, len - zl);
    if (ret < 0)
        return ret;
    memcpy(buf + strlen(buf), zone, zl + 1);
    return 0;
}

/* The PTR names under check, and how many distinct ones the answer held. */
struct fc_names {
    struct fc_name name[FCRDNS_MAX_NAMES];
    size_t n;         /**< names kept, at most FCRDNS_MAX_NAMES */
    size_t ndistinct; /**< distinct names in the answer, kept or not */
};

/* The outcome: status, reason and the confirming name (-1 for none). */
struct fc_verdict {
    enum scan_status st;
    enum scan_reason why;
    int confirmed;
};

/* The address checked: an IPv4-mapped IPv6 target becomes IPv4 in @p t4. */
static const struct scan_target *checked_target(const struct scan_target *ip,
                                                struct scan_target *t4)
{
    if (ip->type != SCAN_T_IP6 || !is_v4mapped(ip->addr))
        return ip;
    memset(t4, 0, sizeof(*t4));
    t4->type = SCAN_T_IP4;
    memcpy(t4->addr, ip->addr + 12, 4);
    snprintf(t4->text, sizeof(t4->text), "%u.%u.%u.%u", t4->addr[0], t4->addr[1], t4->addr[2],
             t4->addr[3]);
    return t4;
}

/* Gather the PTR names of @p pa in answer order, deduplicated, bounded. */
static void gather_names(const struct scan_answer *pa, struct fc_names *ns)
{
    ns->n = ns->ndistinct = 0;
    if (pa->status != SCAN_DNS_OK)
        return;
    for (size_t i = 0; i < pa->n; i++) {
        const struct scan_rr *rr = &pa->rr[i];
        if (rr->type != SCAN_TYPE_PTR || !rr->target)
            continue;
        bool dup = false;
        for (size_t k = 0; k < ns->n && !dup; k++)
            dup = strcasecmp(ns->name[k].name, rr->target) == 0;
        /* Names past the bound are only counted (duplicates among them included). */
        if (dup)
            continue;
        ns->ndistinct++;
        if (ns->n < FCRDNS_MAX_NAMES) {
            ns->name[ns->n].name = rr->target;
            ns->name[ns->n].fwd = NULL;
            ns->n++;
        }
    }
}

/* Ask every forward question before giving up, so they run in parallel. */
static int ask_forward(struct scan_view *v, struct fc_names *ns, const struct scan_target *t)
{
    uint16_t ftype = t->type == SCAN_T_IP4 ? SCAN_TYPE_A : SCAN_TYPE_AAAA;
    bool missing = false;
    for (size_t i = 0; i < ns->n; i++) {
        int ret = scan_view_get(v, ns->name[i].name, ftype, &ns->name[i].fwd);
        if (ret == -EAGAIN)
            missing = true;
        else if (ret == -EINVAL)
            ns->name[i].fwd = NULL; /* not a name that can be asked: does not resolve */
        else if (ret < 0)
            return ret;
    }
    return missing ? -EAGAIN : 0;
}

/* Decide pass, fail or error from the PTR answer and the forward answers. */
static struct fc_verdict decide(const struct scan_answer *pa, const struct fc_names *ns,
                                const struct scan_target *t)
{
    struct fc_verdict d = {SCAN_ST_FAIL, SCAN_R_NO_PTR, -1};
    if (pa->status != SCAN_DNS_OK || ns->n == 0) {
        if (pa->status != SCAN_DNS_OK && pa->status != SCAN_DNS_NODATA &&
            pa->status != SCAN_DNS_NXDOMAIN) {
            d.st = SCAN_ST_ERROR;
            d.why = scan_reason_of_dns(pa->status);
        }
        return d;
    }

    bool any_resolved = false;
    bool have_temp = false;
    enum scan_dns_status temp = SCAN_DNS_OK;
    for (size_t i = 0; i < ns->n; i++) {
        const struct scan_answer *fa = ns->name[i].fwd;
        if (!fa)
            continue;
        if (fa->status == SCAN_DNS_OK && fa->n > 0)
            any_resolved = true;
        if (d.confirmed < 0 && addr_matches(fa, t))
            d.confirmed = (int)i;
        if (scan_dns_temp_failed(fa->status) && !have_temp) {
            have_temp = true;
            temp = fa->status;
        }
    }

    if (d.confirmed >= 0) {
        d.st = SCAN_ST_PASS;
        d.why = SCAN_R_NONE;
    } else if (have_temp) {
        d.st = SCAN_ST_ERROR;
        d.why = scan_reason_of_dns(temp);
    } else if (any_resolved) {
        d.why = SCAN_R_MISMATCH;
    } else {
        d.why = SCAN_R_PTR_DOES_NOT_RESOLVE;
    }
    return d;
}

/* Render the warnings: several names, names past the bound, generic or invalid names. */
static void render_warnings(struct scan_report *r, const struct fc_names *ns,
                            const struct scan_target *t)
{
    char msg[512];
    char why[64];

    scan_report_strv_init(r, "warnings");
    if (ns->ndistinct > 1) {
        snprintf(msg, sizeof(msg),
                 "%zu PTR names; RFC 1912 advises one, and some receivers check only the first",
                 ns->ndistinct);
        scan_report_strv_add(r, "warnings", msg);
    }
    if (ns->ndistinct > ns->n) {
        snprintf(msg, sizeof(msg), "only the first %d PTR names were checked", FCRDNS_MAX_NAMES);
        scan_report_strv_add(r, "warnings", msg);
    }
    for (size_t i = 0; i < ns->n; i++) {
        const char *name = ns->name[i].name;
        if (name_is_generic(name, t, why, sizeof(why))) {
            snprintf(msg, sizeof(msg),
                     "PTR name '%s' looks generic (%s); large mailbox providers penalize "
                     "generic reverse DNS",
                     name, why);
            scan_report_strv_add(r, "warnings", msg);
        }
        if (!ns->name[i].fwd) {
            snprintf(msg, sizeof(msg), "PTR name '%s' is not a valid host name", name);
            scan_report_strv_add(r, "warnings", msg);
        }
    }
}

/*
 * Render the verdict and the fields, always in the order of the file comment
 * (no names gives "ptr" [], "confirmed" null, "generic" false, "warnings" []).
 */
static void render(struct scan_report *r, const struct fc_verdict *d, const struct fc_names *ns,
                   const char *cname, const struct scan_target *t)
{
    char why[64];
    bool generic = false;

    scan_report_status(r, d->st, d->why);
    scan_report_strv_init(r, "ptr");
    for (size_t i = 0; i < ns->n; i++)
        scan_report_strv_add(r, "ptr", ns->name[i].name);
    scan_report_str(r, "cname", cname);
    scan_report_str(r, "confirmed", d->confirmed >= 0 ? ns->name[d->confirmed].name : NULL);
    for (size_t i = 0; i < ns->n; i++)
        if (name_is_generic(ns->name[i].name, t, why, sizeof(why)))
            generic = true;
    scan_report_bool(r, "generic", generic);
    render_warnings(r, ns, t);
}

/*
 * Four steps: gather the PTR names, ask their forward lookups, decide, render.
 */
int scan_fcrdns_check(struct scan_view *v, const struct scan_target *ip, struct scan_report **out)
{
    struct scan_target t4;
    struct fc_names ns;
    char rev[128];
    const struct scan_answer *pa = NULL;
    int ret;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!v || !ip || (ip->type != SCAN_T_IP4 && ip->type != SCAN_T_IP6))
        return -EINVAL;
    const struct scan_target *t = checked_target(ip, &t4);

    ret = reverse_name(t, rev, sizeof(rev));
    if (ret < 0)
        return ret;
    ret = scan_view_get(v, rev, SCAN_TYPE_PTR, &pa);
    if (ret < 0)
        return ret;
    gather_names(pa, &ns);
    ret = ask_forward(v, &ns, t);
    if (ret < 0)
        return ret;

    struct scan_report *r = scan_report_new(ip->text, SCAN_CHECK_FCRDNS);
    if (!r)
        return -ENOMEM;
    /* RFC 2317: the CNAME the resolver followed, when the answer's name differs. */
    const char *cname = pa->canon && strcasecmp(pa->canon, rev) != 0 ? pa->canon : NULL;
    struct fc_verdict d = decide(pa, &ns, t);
    render(r, &d, &ns, cname, t);
    ret = scan_report_hand_over(&r, out);
    scan_report_free(r);
    return ret;
}
