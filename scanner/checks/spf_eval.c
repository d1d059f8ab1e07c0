/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * RFC 7208 check_host() over a DNS view (replay style, see scanner/dns/view.h).
 *
 * The evaluation is sequential, exactly as section 4.6 describes it, and
 * every counter (DNS-querying terms, void lookups) starts from zero on each
 * call. When an answer is missing the evaluation stops with -EAGAIN; the
 * engine adds the answer and calls again, and the re-run walks the same path
 * (every earlier answer is served from the view) one step further. The only
 * fan-out is inside one mechanism: the address lookups of the MX hosts or
 * PTR names of a single mx/ptr term are asked together, then evaluated in
 * order, so a term costs one round trip instead of ten.
 *
 * Choices where RFC 7208 leaves room (each matches the conformance suite):
 * - void lookups are counted per term (the a/mx/ptr/exists query that found
 *   nothing), not per MX host address, so an IPv6 client checking "mx"
 *   against IPv4-only hosts does not hit the limit;
 * - a target name that cannot be asked (empty or over-long label) does not
 *   match and is not a void lookup (suite: invalid-domain-* accept fail);
 * - the ptr mechanism validates only the PTR names that lie under its target,
 *   which needs fewer lookups and gives the same answer;
 * - a CNAME loop is a DNS error (temperror), except while validating PTR
 *   names, where section 5.5 says to skip the name.
 *
 * One file on purpose (over 600 lines): RFC 7208's check_host() is one recursive walk whose
 * state (lookup and void counts, the macro context) every part shares.
 */
#include "scanner/checks/spf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "scanner/core/err.h"

#define SPF_MAX_LOOKUPS 10 /* section 4.6.4 */
#define SPF_MAX_VOIDS   2  /* section 4.6.4, the recommended default */
#define SPF_MAX_NAMES   10 /* MX hosts / PTR names per mechanism, section 4.6.4 */

/* Internal return code: the result is decided (permerror/temperror in e->stop_*). */
#define EVAL_STOP (-2000)

/* The text used for fail when no exp= gives one (a macro-string). */
static const char default_exp[] = "%{d} does not designate %{i} as permitted sender";

struct eval {
    struct scan_view *v;
    const struct spf_query *q;
    struct spf_ip ip;
    char *sender, *local, *sdomain;
    const char *helo, *receiver;
    char ip_i[80], ip_c[48], now[24], rev[80];
    const char *cur_domain; /* %{d} while expanding */
    unsigned lookups, voids;
    /* %{p}: validated names of the client, computed once */
    bool ptr_done;
    char *ptr_names[SPF_MAX_NAMES];
    size_t nptr;
    /* the decided error */
    enum spf_result stop_result;
    enum scan_reason stop_why;
    char *stop_msg;
};

static int stop(struct eval *e, enum spf_result r, enum scan_reason why, char *msg)
{
    if (!msg)
        return -ENOMEM;
    if (e->stop_msg) {
        free(msg);
        return EVAL_STOP;
    }
    e->stop_result = r;
    e->stop_why = why;
    e->stop_msg = msg;
    return EVAL_STOP;
}

/* A DNS failure seen by a term: temperror (section 5, paragraph 8). */
static int dns_fail(struct eval *e, const char *term, const char *name, const struct scan_answer *a)
{
    enum scan_reason why = scan_reason_of_dns(a->status);
    return stop(e, SPF_TEMPERROR, why,
                spf_fmt("'%s': the lookup of %s failed (%s); try again later", term, name,
                        scan_reason_word(why)));
}

static bool is_void(const struct scan_answer *a)
{
    return a->status == SCAN_DNS_NODATA || a->status == SCAN_DNS_NXDOMAIN;
}

static int count_lookup(struct eval *e, const char *term)
{
    if (++e->lookups <= SPF_MAX_LOOKUPS)
        return 0;
    return stop(e, SPF_PERMERROR, SCAN_R_TOO_MANY_LOOKUPS,
                spf_fmt("'%s': more than %d DNS-querying terms (include, a, mx, ptr, exists, "
                        "redirect) in total",
                        term, SPF_MAX_LOOKUPS));
}

static int count_void(struct eval *e, const char *term, const char *name)
{
    if (++e->voids <= SPF_MAX_VOIDS)
        return 0;
    return stop(e, SPF_PERMERROR, SCAN_R_TOO_MANY_VOID_LOOKUPS,
                spf_fmt("'%s': %s has no records; that is more than %d void lookups", term, name,
                        SPF_MAX_VOIDS));
}

static uint16_t addr_type(const struct eval *e)
{
    return e->ip.v6 ? SCAN_TYPE_AAAA : SCAN_TYPE_A;
}

static bool prefix_match(const uint8_t *a, const uint8_t *b, int bits)
{
    int full = bits / 8, rest = bits % 8;
    if (memcmp(a, b, (size_t)full) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (b[full] & mask);
}

/* Does an A/AAAA answer hold the client within the prefix? */
static bool answer_has_ip(const struct eval *e, const struct scan_answer *a, int cidr4, int cidr6)
{
    for (size_t i = 0; i < a->n; i++) {
        const struct scan_rr *rr = &a->rr[i];
        if (!e->ip.v6 && rr->type == SCAN_TYPE_A &&
            prefix_match(rr->a4, e->ip.addr, cidr4 < 0 ? 32 : cidr4))
            return true;
        if (e->ip.v6 && rr->type == SCAN_TYPE_AAAA &&
            prefix_match(rr->a6, e->ip.addr, cidr6 < 0 ? 128 : cidr6))
            return true;
    }
    return false;
}

/* name equals domain, or is a subdomain of it; case-insensitive, trailing dots ignored */
static bool name_under(const char *name, const char *domain)
{
    size_t n = strlen(name), d = strlen(domain);
    if (n && name[n - 1] == '.')
        n--;
    if (d && domain[d - 1] == '.')
        d--;
    if (n < d || strncasecmp(name + n - d, domain, d) != 0)
        return false;
    return n == d || name[n - d - 1] == '.';
}

/*
 * Address lookups for a list of names (MX hosts, PTR names), all asked in one
 * round. ans[i] is NULL for a name that cannot be asked.
 * @return 0 when every answer is there, -EAGAIN, -ENOMEM.
 */
static int get_many(struct eval *e, const char *const *names, size_t n, uint16_t type,
                    const struct scan_answer **ans)
{
    bool missing = false;
    for (size_t i = 0; i < n; i++) {
        ans[i] = NULL;
        if (!spf_name_askable(names[i]))
            continue;
        int ret = scan_view_get(e->v, names[i], type, &ans[i]);
        if (ret == -EAGAIN)
            missing = true;
        else if (ret == -ENOMEM)
            return ret;
    }
    return missing ? -EAGAIN : 0;
}

/* ---- %{p} ---------------------------------------------------------------- */

/*
 * Section 5.5's validated names: the first 10 PTR names whose address records
 * include the client. DNS errors on either step only remove names.
 */
static int compute_ptr_names(struct eval *e)
{
    const struct scan_answer *pa;
    int ret = scan_view_get(e->v, e->rev, SCAN_TYPE_PTR, &pa);
    if (ret != 0)
        return ret == -EINVAL ? 0 : ret;
    if (pa->status != SCAN_DNS_OK)
        return 0;
    const char *names[SPF_MAX_NAMES];
    const struct scan_answer *aa[SPF_MAX_NAMES];
    size_t n = 0;
    for (size_t i = 0; i < pa->n && n < SPF_MAX_NAMES; i++)
        if (pa->rr[i].type == SCAN_TYPE_PTR)
            names[n++] = pa->rr[i].target;
    ret = get_many(e, names, n, addr_type(e), aa);
    if (ret != 0)
        return ret;
    for (size_t i = 0; i < n; i++) {
        if (!aa[i] || aa[i]->status != SCAN_DNS_OK || !answer_has_ip(e, aa[i], -1, -1))
            continue;
        char *dup = strdup(names[i]);
        if (!dup)
            return -ENOMEM;
        size_t l = strlen(dup);
        if (l && dup[l - 1] == '.')
            dup[l - 1] = '\0';
        e->ptr_names[e->nptr++] = dup;
    }
    return 0;
}

/* %{p}: the validated name equal to, else under, the current domain, else the first. */
static int eval_get_p(void *arg, const char **p)
{
    struct eval *e = arg;
    if (!e->ptr_done) {
        int ret = compute_ptr_names(e);
        if (ret != 0) {
            for (size_t i = 0; i < e->nptr; i++)
                free(e->ptr_names[i]);
            e->nptr = 0;
            return ret;
        }
        e->ptr_done = true;
    }
    *p = "unknown";
    if (e->nptr == 0)
        return 0;
    *p = e->ptr_names[0];
    for (size_t i = 0; i < e->nptr; i++)
        if (strcasecmp(e->ptr_names[i], e->cur_domain) == 0) {
            *p = e->ptr_names[i];
            return 0;
        }
    for (size_t i = 0; i < e->nptr; i++)
        if (name_under(e->ptr_names[i], e->cur_domain)) {
            *p = e->ptr_names[i];
            return 0;
        }
    return 0;
}

static int expand_n(struct eval *e, const char *domain, const char *s, size_t len, bool exp_text,
                    bool as_domain, char **out)
{
    struct spf_macro_env env = {
        .s = e->sender,
        .l = e->local,
        .o = e->sdomain,
        .d = domain,
        .i = e->ip_i,
        .c = e->ip_c,
        .v = e->ip.v6 ? "ip6" : "in-addr",
        .h = e->helo,
        .r = e->receiver,
        .t = e->now,
        .get_p = eval_get_p,
        .get_p_arg = e,
    };
    e->cur_domain = domain;
    return spf_macro_expand(&env, s, len, exp_text, as_domain, out);
}

static int expand(struct eval *e, const char *domain, const char *s, bool exp_text, bool as_domain,
                  char **out)
{
    return expand_n(e, domain, s, strlen(s), exp_text, as_domain, out);
}

/* The name a mechanism looks at: its domain-spec expanded, or the current domain. */
static int target_of(struct eval *e, const struct spf_term *t, const char *domain, char **out)
{
    if (!t->arg) {
        *out = strdup(domain);
        return *out ? 0 : -ENOMEM;
    }
    return expand(e, domain, t->arg, false, true, out);
}

/* ---- mechanisms ------------------------------------------------------------ */

static int check_host(struct eval *e, const char *domain, bool want_exp, enum spf_result *res,
                      char **mech, char **exp);

static int mech_a(struct eval *e, const struct spf_term *t, const char *name)
{
    const struct scan_answer *a;
    int ret = scan_view_get(e->v, name, addr_type(e), &a);
    if (ret != 0)
        return ret;
    if (a->status == SCAN_DNS_OK)
        return answer_has_ip(e, a, t->cidr4, t->cidr6);
    if (is_void(a))
        return count_void(e, t->text, name);
    return dns_fail(e, t->text, name, a);
}

static int mech_mx(struct eval *e, const struct spf_term *t, const char *name)
{
    const struct scan_answer *mx;
    int ret = scan_view_get(e->v, name, SCAN_TYPE_MX, &mx);
    if (ret != 0)
        return ret;
    if (is_void(mx))
        return count_void(e, t->text, name);
    if (mx->status != SCAN_DNS_OK)
        return dns_fail(e, t->text, name, mx);
    if (mx->n > SPF_MAX_NAMES)
        return stop(e, SPF_PERMERROR, SCAN_R_TOO_MANY_MX,
                    spf_fmt("'%s': %s has %zu MX records; at most %d may be looked up", t->text,
                            name, mx->n, SPF_MAX_NAMES));
    const char *hosts[SPF_MAX_NAMES];
    const struct scan_answer *aa[SPF_MAX_NAMES];
    size_t n = 0;
    for (size_t i = 0; i < mx->n; i++)
        if (mx->rr[i].type == SCAN_TYPE_MX)
            hosts[n++] = mx->rr[i].target; /* "" (null MX) is not askable: skipped */
    ret = get_many(e, hosts, n, addr_type(e), aa);
    if (ret != 0)
        return ret;
    for (size_t i = 0; i < n; i++) {
        if (!aa[i] || is_void(aa[i]))
            continue;
        if (aa[i]->status != SCAN_DNS_OK)
            return dns_fail(e, t->text, hosts[i], aa[i]);
        if (answer_has_ip(e, aa[i], t->cidr4, t->cidr6))
            return 1;
    }
    return 0;
}

static int mech_ptr(struct eval *e, const struct spf_term *t, const char *target)
{
    const struct scan_answer *pa;
    int ret = scan_view_get(e->v, e->rev, SCAN_TYPE_PTR, &pa);
    if (ret != 0)
        return ret;
    if (is_void(pa))
        return count_void(e, t->text, e->rev);
    if (pa->status != SCAN_DNS_OK)
        return 0; /* section 5.5: a DNS error on the PTR lookup is no match */
    const char *names[SPF_MAX_NAMES];
    const struct scan_answer *aa[SPF_MAX_NAMES];
    size_t n = 0;
    for (size_t i = 0, seen = 0; i < pa->n && seen < SPF_MAX_NAMES; i++) {
        if (pa->rr[i].type != SCAN_TYPE_PTR)
            continue;
        seen++; /* names past the 10th are ignored (section 4.6.4) */
        if (name_under(pa->rr[i].target, target))
            names[n++] = pa->rr[i].target;
    }
    ret = get_many(e, names, n, addr_type(e), aa);
    if (ret != 0)
        return ret;
    for (size_t i = 0; i < n; i++)
        if (aa[i] && aa[i]->status == SCAN_DNS_OK && answer_has_ip(e, aa[i], -1, -1))
            return 1;
    return 0;
}

static int mech_exists(struct eval *e, const struct spf_term *t, const char *name)
{
    const struct scan_answer *a;
    int ret = scan_view_get(e->v, name, SCAN_TYPE_A, &a);
    if (ret != 0)
        return ret;
    if (a->status == SCAN_DNS_OK)
        return 1;
    if (is_void(a))
        return count_void(e, t->text, name);
    return dns_fail(e, t->text, name, a);
}

static int mech_include(struct eval *e, const struct spf_term *t, const char *name)
{
    enum spf_result r;
    char *mech = NULL;
    int ret = check_host(e, name, false, &r, &mech, NULL);
    free(mech);
    if (ret != 0)
        return ret;
    switch (r) {
    case SPF_PASS:
        return 1;
    case SPF_NONE:
        return stop(e, SPF_PERMERROR, SCAN_R_INCLUDE_NONE,
                    spf_fmt("'%s': %s has no SPF record", t->text, name));
    default:
        return 0;
    }
}

/* @return 1 match, 0 no match, or a negative code. */
static int eval_mech(struct eval *e, const struct spf_term *t, const char *domain)
{
    switch (t->mech) {
    case SPF_MECH_ALL:
        return 1;
    case SPF_MECH_IP4:
        return !e->ip.v6 && prefix_match(t->addr, e->ip.addr, t->cidr4 < 0 ? 32 : t->cidr4);
    case SPF_MECH_IP6:
        return e->ip.v6 && prefix_match(t->addr, e->ip.addr, t->cidr6 < 0 ? 128 : t->cidr6);
    default:
        break;
    }
    int ret = count_lookup(e, t->text);
    if (ret != 0)
        return ret;
    char *name = NULL;
    ret = target_of(e, t, domain, &name);
    if (ret != 0)
        return ret;
    if (!spf_name_askable(name)) {
        free(name);
        return 0;
    }
    switch (t->mech) {
    case SPF_MECH_A:
        ret = mech_a(e, t, name);
        break;
    case SPF_MECH_MX:
        ret = mech_mx(e, t, name);
        break;
    case SPF_MECH_PTR:
        ret = mech_ptr(e, t, name);
        break;
    case SPF_MECH_EXISTS:
        ret = mech_exists(e, t, name);
        break;
    case SPF_MECH_INCLUDE:
        ret = mech_include(e, t, name);
        break;
    default:
        ret = 0;
        break;
    }
    free(name);
    return ret;
}

/* ---- explanation ------------------------------------------------------------ */

/*
 * Section 6.2: the exp= text, or the default when anything about it is
 * unusable (expansion, DNS error, not exactly one TXT record, non-ASCII,
 * macro syntax). Only -EAGAIN and -ENOMEM escape.
 */
static int explain(struct eval *e, const struct spf_record *rec, const char *domain, char **out)
{
    const char *fallback = e->q->default_exp ? e->q->default_exp : default_exp;
    char *name = NULL;
    int ret = 0;
    *out = NULL;
    if (rec->exp >= 0) {
        ret = expand(e, domain, rec->terms[rec->exp].arg, false, true, &name);
        if (ret == -EAGAIN || ret == -ENOMEM)
            goto out;
        const struct scan_answer *a = NULL;
        if (ret == 0 && spf_name_askable(name)) {
            ret = scan_view_get(e->v, name, SCAN_TYPE_TXT, &a);
            if (ret == -EAGAIN || ret == -ENOMEM)
                goto out;
        }
        const char *why;
        if (a && a->status == SCAN_DNS_OK && a->n == 1 && a->rr[0].type == SCAN_TYPE_TXT &&
            spf_macro_check((const char *)a->rr[0].txt, a->rr[0].txt_len, true, NULL, &why) == 0) {
            ret =
                expand_n(e, domain, (const char *)a->rr[0].txt, a->rr[0].txt_len, true, false, out);
            if (ret == 0 || ret == -EAGAIN || ret == -ENOMEM)
                goto out;
        }
    }
    ret = expand(e, domain, fallback, true, false, out);
    if (ret == SCAN_EPARSE) {
        *out = strdup(fallback);
        ret = *out ? 0 : -ENOMEM;
    }
out:
    free(name);
    return ret;
}

/* ---- check_host ------------------------------------------------------------ */

/* Section 4.4 and 4.5: the one v=spf1 TXT record of @p domain. */
static int find_record(struct eval *e, const char *domain, enum spf_result *res,
                       struct spf_record **rec)
{
    const struct scan_answer *a;
    *rec = NULL;
    int ret = scan_view_get(e->v, domain, SCAN_TYPE_TXT, &a);
    if (ret == -EINVAL) {
        *res = SPF_NONE;
        return 0;
    }
    if (ret != 0)
        return ret;
    if (is_void(a)) {
        *res = SPF_NONE;
        return 0;
    }
    if (a->status != SCAN_DNS_OK) {
        enum scan_reason why = scan_reason_of_dns(a->status);
        return stop(e, SPF_TEMPERROR, why,
                    spf_fmt("the TXT lookup of %s failed (%s); try again later", domain,
                            scan_reason_word(why)));
    }
    size_t n = 0;
    const struct scan_rr *found = spf_select_record(a, &n);
    if (n == 0) {
        *res = SPF_NONE;
        return 0;
    }
    if (n > 1)
        return stop(e, SPF_PERMERROR, SCAN_R_MULTIPLE_RECORDS,
                    spf_fmt("%s has %zu SPF records; there must be exactly one", domain, n));
    ret = spf_record_parse(found->txt, found->txt_len, rec);
    if (ret != 0)
        return ret;
    if ((*rec)->nerrors) {
        char *msg = NULL;
        for (size_t i = 0; i < (*rec)->nproblems; i++)
            if ((*rec)->problems[i].error) {
                msg = spf_fmt("the SPF record of %s: %s", domain, (*rec)->problems[i].msg);
                break;
            }
        spf_record_free(*rec);
        *rec = NULL;
        return stop(e, SPF_PERMERROR, SCAN_R_SYNTAX, msg);
    }
    return 0;
}

static enum spf_result qual_result(char q)
{
    switch (q) {
    case '-':
        return SPF_FAIL;
    case '~':
        return SPF_SOFTFAIL;
    case '?':
        return SPF_NEUTRAL;
    default:
        return SPF_PASS;
    }
}

/*
 * check_host(<ip>, domain, <sender>). want_exp is false inside include (its
 * explanation is never used, section 6.2), so no exp= lookup is made there.
 */
static int check_host(struct eval *e, const char *domain, bool want_exp, enum spf_result *res,
                      char **mech, char **exp)
{
    struct spf_record *rec = NULL;
    char *target = NULL;
    *res = SPF_NONE;
    if (!spf_domain_valid(domain))
        return 0; /* section 4.3 */
    int ret = find_record(e, domain, res, &rec);
    if (ret != 0 || !rec)
        return ret;
    for (size_t i = 0; i < rec->nterms; i++) {
        const struct spf_term *t = &rec->terms[i];
        if (t->kind != SPF_TERM_MECH)
            continue;
        ret = eval_mech(e, t, domain);
        if (ret < 0)
            goto out;
        if (ret == 1) {
            ret = 0;
            *res = qual_result(t->qual);
            *mech = strdup(t->text);
            if (!*mech) {
                ret = -ENOMEM;
                goto out;
            }
            if (*res == SPF_FAIL && want_exp)
                ret = explain(e, rec, domain, exp);
            goto out;
        }
    }
    if (rec->redirect >= 0) {
        /* reached only without "all" (which always matches), section 6.1 */
        const struct spf_term *t = &rec->terms[rec->redirect];
        ret = count_lookup(e, t->text);
        if (ret != 0)
            goto out;
        ret = expand(e, domain, t->arg, false, true, &target);
        if (ret != 0)
            goto out;
        ret = check_host(e, target, want_exp, res, mech, exp);
        if (ret == 0 && *res == SPF_NONE)
            ret = stop(e, SPF_PERMERROR, SCAN_R_REDIRECT_NONE,
                       spf_fmt("'%s': %s has no SPF record", t->text, target));
        goto out;
    }
    *res = SPF_NEUTRAL;
    ret = 0;
out:
    free(target);
    spf_record_free(rec);
    return ret;
}

/* ---- entry point ------------------------------------------------------------ */

static void eval_deinit(struct eval *e)
{
    free(e->sender);
    free(e->local);
    free(e->sdomain);
    for (size_t i = 0; i < e->nptr; i++)
        free(e->ptr_names[i]);
    free(e->stop_msg);
}

/* Section 4.3 and 7.3: sender parts, address texts and the reverse name. */
static int eval_init(struct eval *e, struct scan_view *v, const struct spf_query *q,
                     const char **domain)
{
    memset(e, 0, sizeof(*e));
    e->v = v;
    e->q = q;
    e->ip = q->ip;
    if (!q->sender && !q->domain)
        return -EINVAL;
    const char *sender = q->sender;
    char *tmp = NULL;
    if (!sender) {
        tmp = spf_fmt("postmaster@%s", q->domain);
        if (!tmp)
            return -ENOMEM;
        sender = tmp;
    }
    const char *at = strrchr(sender, '@');
    if (at) {
        e->local = at == sender ? strdup("postmaster") : strndup(sender, (size_t)(at - sender));
        e->sdomain = strdup(at + 1);
    } else {
        e->local = strdup("postmaster");
        e->sdomain = strdup(sender);
    }
    free(tmp);
    if (!e->local || !e->sdomain)
        return -ENOMEM;
    e->sender = spf_fmt("%s@%s", e->local, e->sdomain);
    if (!e->sender)
        return -ENOMEM;
    *domain = q->domain ? q->domain : e->sdomain;
    e->helo = q->helo ? q->helo : *domain;
    e->receiver = q->receiver ? q->receiver : "unknown";
    snprintf(e->now, sizeof(e->now), "%lld", (long long)(q->now ? q->now : (int64_t)time(NULL)));
    const uint8_t *a = e->ip.addr;
    if (!e->ip.v6) {
        snprintf(e->ip_i, sizeof(e->ip_i), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        snprintf(e->ip_c, sizeof(e->ip_c), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        snprintf(e->rev, sizeof(e->rev), "%u.%u.%u.%u.in-addr.arpa", a[3], a[2], a[1], a[0]);
    } else {
        static const char hex[] = "0123456789ABCDEF";
        static const char lhex[] = "0123456789abcdef";
        char *p = e->ip_i, *r = e->rev;
        for (int i = 0; i < 32; i++) {
            unsigned nib = i % 2 ? a[i / 2] & 15u : a[i / 2] >> 4;
            *p++ = hex[nib];
            *p++ = i < 31 ? '.' : '\0';
            unsigned rnib = (31 - i) % 2 ? a[(31 - i) / 2] & 15u : a[(31 - i) / 2] >> 4;
            *r++ = lhex[rnib];
            *r++ = '.';
        }
        strcpy(r, "ip6.arpa");
        inet_ntop(AF_INET6, a, e->ip_c, sizeof(e->ip_c));
    }
    return 0;
}

int spf_check_host(struct scan_view *v, const struct spf_query *q, struct spf_outcome *out)
{
    struct eval e;
    const char *domain = NULL;
    enum spf_result res = SPF_NONE;
    char *mech = NULL, *exp = NULL;
    memset(out, 0, sizeof(*out));
    int ret = eval_init(&e, v, q, &domain);
    if (ret != 0)
        goto out;
    ret = check_host(&e, domain, true, &res, &mech, &exp);
    if (ret == EVAL_STOP) {
        out->result = e.stop_result;
        out->reason = e.stop_why;
        out->problem = e.stop_msg;
        e.stop_msg = NULL;
        free(mech);
        free(exp);
        mech = exp = NULL;
        ret = 0;
    } else if (ret == 0) {
        out->result = res;
        out->mechanism = mech;
        out->explanation = exp;
        mech = exp = NULL;
    }
    if (ret == 0) {
        out->lookups = e.lookups;
        out->voids = e.voids;
    }
out:
    free(mech);
    free(exp);
    eval_deinit(&e);
    return ret;
}

void spf_outcome_deinit(struct spf_outcome *o)
{
    free(o->mechanism);
    free(o->explanation);
    free(o->problem);
    memset(o, 0, sizeof(*o));
}

int spf_check_host_run(struct scan_view *v, void *call, void **out)
{
    const struct spf_host_call *c = call;
    const struct spf_outcome *o = c->out;
    int ret = spf_check_host(v, c->q, c->out);
    *out = ret == 0 || o->mechanism || o->explanation || o->problem ? c->out : NULL;
    return ret;
}
