/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SPF record lint: what check_host() would run into for *some* client,
 * found without knowing the client.
 *
 * The walk follows the record the way an evaluation that matches nothing
 * would: every DNS-querying term before the first "all" counts toward the
 * limit of 10 (section 4.6.4), include targets are fetched and walked in
 * place, and redirect= is followed when there is no "all". Terms whose
 * target depends on the client or sender (macros other than %{d} and %{o})
 * are counted but not followed. Void lookups are the names an a, mx or
 * exists term points at that have no records (an "a" name is void when it
 * has neither A nor AAAA, since the lint does not know the client's family).
 *
 * Replay: unlike check_host(), the walk does not stop at the first missing
 * answer. It skips the subtree, keeps walking its siblings and returns
 * -EAGAIN at the end, so all includes of one level are asked in one round.
 * The final run, with every answer present, is complete and deterministic.
 *
 * Problems found inside included records are attributed to the term of the
 * checked record that leads there ("include:_spf.x.test"), since that is the
 * term the publisher can change; warnings are only given for the checked
 * record itself, as a third party's record is not the publisher's to fix.
 *
 * One file on purpose (just over 600 lines): the SPF record walk and the findings it
 * collects.
 */
#include "scanner/checks/spf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"
#include "scanner/core/text.h"

#define LINT_MAX_LOOKUPS 10
#define LINT_MAX_VOIDS   2
#define LINT_MAX_MX      10
#define LINT_MAX_DEPTH   12 /* deeper is unreachable: each level costs a lookup */
#define LINT_MAX_RECORDS 40 /* records fetched in one lint, a bound on DNS work */

struct lint {
    struct scan_view *v;
    struct spf_lint *out;
    const char *top;
    bool missing; /* an answer is not in the view yet: -EAGAIN at the end */
    int oom;
    unsigned records;
    bool records_capped;
    const char *path[LINT_MAX_DEPTH + 1];
    size_t depth;
    /* where the limits were crossed (top-level term text and mechanism) */
    char *lookup_cross;
    enum spf_term_kind lookup_cross_kind;
    enum spf_mech lookup_cross_mech;
    char *void_cross;
    char *void_names; /* "a:x.test, mx:y.test" */
};

/* Record a finding; @p msg is taken (NULL means ENOMEM). An error gives the
 * status its reason, @p why; a warning has none. */
static void add(struct lint *L, enum scan_reason why, bool dns, const char *kw, const char *term,
                char *msg)
{
    struct spf_lint *o = L->out;
    for (size_t i = 0; msg && i < o->nproblems; i++)
        if (!strcmp(o->problems[i].msg, msg)) {
            free(msg); /* the same finding reached twice, e.g. through a duplicate include */
            return;
        }
    char *t = term ? strdup(term) : NULL;
    struct spf_lint_problem *p = NULL;
    if (msg && (!term || t))
        p = realloc(o->problems, (o->nproblems + 1) * sizeof(*p));
    if (!p) {
        free(msg);
        free(t);
        L->oom = -ENOMEM;
        return;
    }
    o->problems = p;
    p[o->nproblems++] = (struct spf_lint_problem){why != SCAN_R_NONE, dns, why, kw, t, msg};
}

static void add_error(struct lint *L, enum scan_reason why, const char *term, char *msg)
{
    add(L, why, false, scan_reason_word(why), term, msg);
}

static void add_warning(struct lint *L, const char *kw, const char *term, char *msg)
{
    add(L, SCAN_R_NONE, false, kw, term, msg);
}

static bool is_void(const struct scan_answer *a)
{
    return a->status == SCAN_DNS_NODATA || a->status == SCAN_DNS_NXDOMAIN;
}

/* Ask (name, type); NULL when not answered yet (noted) or not askable. */
static const struct scan_answer *ask(struct lint *L, const char *name, uint16_t type)
{
    const struct scan_answer *a = NULL;
    int ret = scan_view_get(L->v, name, type, &a);
    if (ret == -EAGAIN)
        L->missing = true;
    else if (ret == -ENOMEM)
        L->oom = ret;
    return ret == 0 ? a : NULL;
}

static void dns_failed(struct lint *L, const char *term, const char *name, const char *type,
                       const struct scan_answer *a)
{
    enum scan_reason why = scan_reason_of_dns(a->status);
    add(L, why, true, scan_reason_word(why), term,
        spf_fmt("%s: the %s lookup of %s failed (%s), so the record could not be checked "
                "completely: try again later",
                term, type, name, scan_reason_word(why)));
}

/* @p t is the term of the checked record the count is attributed to. */
static void count_lookup(struct lint *L, const struct spf_term *t)
{
    if (++L->out->lookups == LINT_MAX_LOOKUPS + 1 && !L->lookup_cross) {
        L->lookup_cross = strdup(t->text);
        L->lookup_cross_kind = t->kind;
        L->lookup_cross_mech = t->mech;
        if (!L->lookup_cross)
            L->oom = -ENOMEM;
    }
}

static void count_void(struct lint *L, const char *term, const struct spf_term *t, const char *name)
{
    if (++L->out->voids == LINT_MAX_VOIDS + 1 && !L->void_cross) {
        L->void_cross = strdup(term);
        if (!L->void_cross)
            L->oom = -ENOMEM;
    }
    const char *what = t->kind == SPF_TERM_MECH && t->mech == SPF_MECH_MX       ? "mx"
                       : t->kind == SPF_TERM_MECH && t->mech == SPF_MECH_EXISTS ? "exists"
                                                                                : "a";
    char *n = spf_fmt("%s%s%s:%s", L->void_names ? L->void_names : "", L->void_names ? ", " : "",
                      what, name);
    if (!n) {
        L->oom = -ENOMEM;
        return;
    }
    free(L->void_names);
    L->void_names = n;
}

/*
 * The name a term points at, when it does not depend on the client: the
 * current domain, or the domain-spec when its only macros are %{d} and %{o}
 * (%{o} is the checked domain, as for mail from postmaster@domain).
 * @return 0 with *out set, 0 with *out NULL for a client-dependent target, -ENOMEM.
 */
static int static_target(struct lint *L, const struct spf_term *t, const char *domain, char **out)
{
    *out = NULL;
    if (!t->arg) {
        *out = strdup(domain);
        return *out ? 0 : -ENOMEM;
    }
    unsigned letters = 0;
    const char *why;
    if (spf_macro_check(t->arg, strlen(t->arg), false, &letters, &why) != 0)
        return 0;
    if (letters & ~(SPF_MACRO_BIT('d') | SPF_MACRO_BIT('o')))
        return 0;
    struct spf_macro_env env = {.d = domain, .o = L->top};
    int ret = spf_macro_expand(&env, t->arg, strlen(t->arg), false, true, out);
    return ret == -ENOMEM ? ret : 0;
}

static void walk(struct lint *L, const char *domain, const struct spf_record *rec,
                 const struct spf_term *via);

/*
 * Fetch and walk the record an include or redirect points at.
 *
 * One piece on purpose (about 85 lines): the recursive step of the walk (walk
 * -> check_term -> follow -> walk), a chain of guards (loop, depth, record
 * cap, name, DNS answer, record count, syntax) each of which ends the step
 * with one problem, then the push of the path, the recursive call and the pop,
 * which must stay next to each other.
 */
static void follow(struct lint *L, const struct spf_term *via, const char *kind, const char *target)
{
    const char *term = via->text;
    for (size_t i = 0; i < L->depth; i++)
        if (strcasecmp(L->path[i], target) == 0) {
            char *chain = spf_fmt("%s", L->path[0]);
            for (size_t k = 1; chain && k < L->depth; k++) {
                char *c = spf_fmt("%s -> %s", chain, L->path[k]);
                free(chain);
                chain = c;
            }
            add_error(L, SCAN_R_LOOP, term,
                      chain ? spf_fmt("%s: loop %s -> %s; check_host() gives permerror once it has "
                                      "made 10 lookups: break the chain at the %s back to %s",
                                      term, chain, target, kind, target)
                            : NULL);
            free(chain);
            return;
        }
    if (L->depth >= LINT_MAX_DEPTH)
        return;
    if (L->records >= LINT_MAX_RECORDS) {
        if (!L->records_capped)
            add_warning(L, "incomplete", term,
                        spf_fmt("%s: stopped following include and redirect after %d records; the "
                                "lookup count is a lower bound",
                                term, LINT_MAX_RECORDS));
        L->records_capped = true;
        return;
    }
    L->records++;
    if (!spf_domain_valid(target)) {
        add_error(
            L, SCAN_R_SYNTAX, term,
            spf_fmt("%s: '%s' is not a domain name that can hold an SPF record", term, target));
        return;
    }
    const struct scan_answer *a = ask(L, target, SCAN_TYPE_TXT);
    if (!a)
        return;
    if (!is_void(a) && a->status != SCAN_DNS_OK) {
        dns_failed(L, term, target, "TXT", a);
        return;
    }
    size_t n = 0;
    const struct scan_rr *rr = a->status == SCAN_DNS_OK ? spf_select_record(a, &n) : NULL;
    enum scan_reason none = !strcmp(kind, "include") ? SCAN_R_INCLUDE_NONE : SCAN_R_REDIRECT_NONE;
    if (n == 0) {
        add_error(L, none, term,
                  spf_fmt("%s: %s %s, so check_host() gives permerror when it gets there: fix or "
                          "remove the %s",
                          term, target,
                          a->status == SCAN_DNS_NXDOMAIN ? "does not exist" : "has no SPF record",
                          kind));
        return;
    }
    if (n > 1) {
        add_error(
            L, SCAN_R_MULTIPLE_RECORDS, term,
            spf_fmt("%s: %s publishes %zu SPF records, so check_host() gives permerror when it "
                    "gets there",
                    term, target, n));
        return;
    }
    struct spf_record *rec = NULL;
    int ret = spf_record_parse(rr->txt, rr->txt_len, &rec);
    if (ret != 0) {
        L->oom = ret;
        return;
    }
    if (rec->nerrors) {
        for (size_t i = 0; i < rec->nproblems; i++)
            if (rec->problems[i].error)
                add_error(L, SCAN_R_SYNTAX, term,
                          spf_fmt("%s: the SPF record of %s is invalid, so check_host() gives "
                                  "permerror when it gets there: %s",
                                  term, target, rec->problems[i].msg));
        spf_record_free(rec);
        return;
    }
    L->path[L->depth++] = target;
    walk(L, target, rec, via);
    L->depth--;
    spf_record_free(rec);
}

/* Check term @p t of a record at @p domain, reached through @p via of the checked record. */
static void check_term(struct lint *L, const char *domain, const struct spf_term *t,
                       const struct spf_term *via)
{
    const char *term = via->text;
    char *name = NULL;
    if (static_target(L, t, domain, &name) != 0) {
        L->oom = -ENOMEM;
        return;
    }
    if (!name) {
        if (t->kind == SPF_TERM_REDIRECT || t->mech == SPF_MECH_INCLUDE)
            add_warning(
                L, "dynamic", term,
                spf_fmt("%s: the target depends on the sender or client, so its terms are not "
                        "counted here",
                        term));
        return;
    }
    if (!spf_name_askable(name)) {
        add_error(L, SCAN_R_SYNTAX, term,
                  spf_fmt("%s: '%s' cannot be looked up (an empty label or one over 63 characters)",
                          term, name));
        goto out;
    }
    const struct scan_answer *a, *b;
    if (t->kind == SPF_TERM_REDIRECT) {
        follow(L, via, "redirect", name);
        goto out;
    }
    switch (t->mech) {
    case SPF_MECH_INCLUDE:
        follow(L, via, "include", name);
        break;
    case SPF_MECH_A:
        a = ask(L, name, SCAN_TYPE_A);
        b = ask(L, name, SCAN_TYPE_AAAA);
        if (!a || !b)
            break;
        if (!is_void(a) && a->status != SCAN_DNS_OK)
            dns_failed(L, term, name, "A", a);
        else if (!is_void(b) && b->status != SCAN_DNS_OK)
            dns_failed(L, term, name, "AAAA", b);
        else if (is_void(a) && is_void(b))
            count_void(L, term, t, name);
        break;
    case SPF_MECH_MX:
        a = ask(L, name, SCAN_TYPE_MX);
        if (!a)
            break;
        if (is_void(a))
            count_void(L, term, t, name);
        else if (a->status != SCAN_DNS_OK)
            dns_failed(L, term, name, "MX", a);
        else if (a->n > LINT_MAX_MX)
            add_error(L, SCAN_R_TOO_MANY_MX, term,
                      spf_fmt("%s: %s has %zu MX records; check_host() gives permerror above %d: "
                              "list the mail servers with ip4:/ip6: instead",
                              term, name, a->n, LINT_MAX_MX));
        break;
    case SPF_MECH_EXISTS:
        a = ask(L, name, SCAN_TYPE_A);
        if (!a)
            break;
        if (is_void(a))
            count_void(L, term, t, name);
        else if (a->status != SCAN_DNS_OK)
            dns_failed(L, term, name, "A", a);
        break;
    default:
        break;
    }
out:
    free(name);
}

/* Warnings on legal but risky terms of the checked record itself. */
static void warn_term(struct lint *L, const struct spf_record *rec, size_t i)
{
    const struct spf_term *t = &rec->terms[i];
    if (t->kind == SPF_TERM_UNKNOWN) {
        add_warning(L, "unknown-modifier", t->text,
                    spf_fmt("%s: unknown modifier, ignored by check_host()", t->text));
        return;
    }
    if (t->kind == SPF_TERM_REDIRECT && rec->all >= 0) {
        add_warning(L, "redirect-ignored", t->text,
                    spf_fmt("%s: never used, because the record has an all mechanism (RFC 7208 "
                            "section 6.1): remove one of them",
                            t->text));
        return;
    }
    if (t->kind != SPF_TERM_MECH)
        return;
    bool first_after_all = rec->all >= 0 && (int)i > rec->all;
    for (size_t k = (size_t)rec->all + 1; first_after_all && k < i; k++)
        if (rec->terms[k].kind == SPF_TERM_MECH)
            first_after_all = false;
    if (first_after_all)
        add_warning(L, "after-all", t->text,
                    spf_fmt("%s: this and every later mechanism come after %s and are never "
                            "evaluated: move them before it",
                            t->text, rec->terms[rec->all].text));
    switch (t->mech) {
    case SPF_MECH_PTR:
        add_warning(
            L, "ptr", t->text,
            spf_fmt("%s: ptr is slow and unreliable and RFC 7208 section 5.5 says it SHOULD "
                    "NOT be used: list the servers with ip4:/ip6: or a instead",
                    t->text));
        break;
    case SPF_MECH_ALL:
        if ((int)i != rec->all)
            break;
        if (t->qual == '+')
            add_warning(L, "pass-all", t->text,
                        spf_fmt("%s: authorizes every host on the Internet to send mail as this "
                                "domain: use -all or ~all",
                                t->text));
        else if (t->qual == '?')
            add_warning(L, "neutral-all", t->text,
                        spf_fmt("%s: gives neutral for every other host, which protects nothing: "
                                "use -all or ~all",
                                t->text));
        break;
    case SPF_MECH_IP4:
        if (t->cidr4 >= 0 && t->cidr4 < 16)
            add_warning(L, "broad-range", t->text,
                        spf_fmt("%s: authorizes %llu addresses; is that intended?", t->text,
                                1ull << (32 - t->cidr4)));
        break;
    case SPF_MECH_IP6:
        if (t->cidr6 >= 0 && t->cidr6 < 32)
            add_warning(
                L, "broad-range", t->text,
                spf_fmt("%s: authorizes a range larger than a /32; is that intended?", t->text));
        break;
    case SPF_MECH_INCLUDE:
        for (size_t k = 0; k < i; k++)
            if (rec->terms[k].kind == SPF_TERM_MECH && rec->terms[k].mech == SPF_MECH_INCLUDE &&
                strcasecmp(rec->terms[k].arg, t->arg) == 0) {
                add_warning(
                    L, "duplicate-include", t->text,
                    spf_fmt("%s: included twice; every copy costs lookups: remove one", t->text));
                break;
            }
        break;
    default:
        break;
    }
}

/* Walk one record; @p via is the checked record's term leading here, NULL for the top. */
static void walk(struct lint *L, const char *domain, const struct spf_record *rec,
                 const struct spf_term *via)
{
    for (size_t i = 0; i < rec->nterms && !L->oom; i++) {
        const struct spf_term *t = &rec->terms[i];
        if (!via)
            warn_term(L, rec, i);
        if (t->kind != SPF_TERM_MECH || !t->dns)
            continue;
        if (rec->all >= 0 && (int)i > rec->all)
            continue; /* never evaluated */
        count_lookup(L, via ? via : t);
        check_term(L, domain, t, via ? via : t);
    }
    if (rec->redirect >= 0 && rec->all < 0 && !L->oom) {
        const struct spf_term *t = &rec->terms[rec->redirect];
        count_lookup(L, via ? via : t);
        check_term(L, domain, t, via ? via : t);
    }
}

/* Checks on the record as a whole (RFC 7208 sections 3.3, 3.4 and 4.7). */
static void record_checks(struct lint *L, const struct scan_rr *rr, const struct spf_record *rec)
{
    if (rr->txt_len > 450)
        add_warning(
            L, "size", NULL,
            spf_fmt("the record is %zu bytes; RFC 7208 section 3.4 advises at most 450 so the "
                    "answer fits a 512-byte UDP reply: shorten it or move terms into an include",
                    rr->txt_len));
    size_t ns = rr->nstrings ? rr->nstrings : 1;
    size_t longest = (rr->txt_len + ns - 1) / ns; /* a lower bound when ns > 1 */
    if (longest >= 240)
        add_warning(
            L, "string-size", NULL,
            spf_fmt("a character-string of the record is %s%zu bytes, close to the 255-byte "
                    "limit of one string: split the record into several strings",
                    ns > 1 ? "at least " : "", longest));
    if (rec->all < 0 && rec->redirect < 0)
        add_warning(L, "no-all", NULL,
                    spf_fmt("the record has no all mechanism and no redirect=, so every other host "
                            "gets neutral: end it with -all or ~all"));
}

static const char *advice(const struct lint *L)
{
    if (L->lookup_cross_kind == SPF_TERM_REDIRECT)
        return "flatten the redirect target or drop terms";
    switch (L->lookup_cross_mech) {
    case SPF_MECH_INCLUDE:
        return "flatten or drop an include";
    case SPF_MECH_A:
    case SPF_MECH_MX:
        return "replace a and mx terms with ip4:/ip6: ranges";
    case SPF_MECH_PTR:
        return "remove ptr";
    default:
        return "merge or drop DNS-querying terms";
    }
}

static void summarize(struct lint *L)
{
    struct spf_lint *o = L->out;
    if (L->lookup_cross)
        add_error(L, SCAN_R_TOO_MANY_LOOKUPS, L->lookup_cross,
                  spf_fmt("%s: %u DNS-querying terms in total, the limit is %d: %s",
                          L->lookup_cross, o->lookups, LINT_MAX_LOOKUPS, advice(L)));
    if (L->void_cross)
        add_error(L, SCAN_R_TOO_MANY_VOID_LOOKUPS, L->void_cross,
                  spf_fmt("%s: %u void lookups in total (%s), the limit is %d: remove terms that "
                          "point at names without records",
                          L->void_cross, o->voids, L->void_names, LINT_MAX_VOIDS));
    bool invalid = false, dns = false;
    for (size_t i = 0; i < o->nproblems; i++) {
        const struct spf_lint_problem *p = &o->problems[i];
        if (p->error && !p->dns && !invalid) {
            invalid = true;
            o->reason = p->why;
        }
        if (p->dns && !dns) {
            dns = true;
            if (!invalid)
                o->reason = p->why;
        }
    }
    o->status = invalid ? SCAN_ST_INVALID : dns ? SCAN_ST_ERROR : SCAN_ST_VALID;
}

int spf_lint(struct scan_view *v, const char *domain, struct spf_lint *out)
{
    struct lint L = {.v = v, .out = out, .top = domain};
    struct spf_record *rec = NULL;
    int ret = 0;
    memset(out, 0, sizeof(*out));
    if (!spf_domain_valid(domain))
        return -EINVAL;
    const struct scan_answer *a = ask(&L, domain, SCAN_TYPE_TXT);
    if (!a) {
        ret = L.oom ? L.oom : -EAGAIN;
        goto out;
    }
    if (is_void(a)) {
        out->status = SCAN_ST_NONE;
        out->reason = a->status == SCAN_DNS_NXDOMAIN ? SCAN_R_NXDOMAIN : SCAN_R_NONE;
        goto out;
    }
    if (a->status != SCAN_DNS_OK) {
        enum scan_reason why = scan_reason_of_dns(a->status);
        add(&L, why, true, scan_reason_word(why), NULL,
            spf_fmt("the TXT lookup of %s failed (%s), so the SPF record could not be "
                    "checked: try again later",
                    domain, scan_reason_word(why)));
        out->status = SCAN_ST_ERROR;
        out->reason = why;
        goto out;
    }
    size_t n;
    const struct scan_rr *rr = spf_select_record(a, &n);
    if (n == 0) {
        out->status = SCAN_ST_NONE;
        goto out;
    }
    out->record = scan_text_escape_dup((const char *)rr->txt, rr->txt_len, SCAN_TEXT_HEX);
    if (!out->record) {
        ret = -ENOMEM;
        goto out;
    }
    if (n > 1) {
        add_error(&L, SCAN_R_MULTIPLE_RECORDS, NULL,
                  spf_fmt("%s publishes %zu TXT records starting with v=spf1; check_host() gives "
                          "permerror: merge them into one",
                          domain, n));
        out->status = SCAN_ST_INVALID;
        out->reason = SCAN_R_MULTIPLE_RECORDS;
        goto out;
    }
    ret = spf_record_parse(rr->txt, rr->txt_len, &rec);
    if (ret != 0)
        goto out;
    for (size_t i = 0; i < rec->nproblems; i++) {
        const struct spf_problem *p = &rec->problems[i];
        char *msg = strdup(p->msg);
        const char *term = p->term >= 0 ? rec->terms[p->term].text : NULL;
        if (p->error)
            add_error(&L, SCAN_R_SYNTAX, term, msg); /* the parser's errors are syntax */
        else
            add_warning(&L, p->kw, term, msg);
    }
    record_checks(&L, rr, rec);
    L.path[L.depth++] = domain;
    walk(&L, domain, rec, NULL);
    summarize(&L);
out:
    if (ret == 0 && L.oom)
        ret = L.oom;
    if (ret == 0 && L.missing)
        ret = -EAGAIN;
    spf_record_free(rec);
    free(L.lookup_cross);
    free(L.void_cross);
    free(L.void_names);
    if (ret != 0)
        spf_lint_deinit(out);
    return ret;
}

void spf_lint_deinit(struct spf_lint *l)
{
    free(l->record);
    for (size_t i = 0; i < l->nproblems; i++) {
        free(l->problems[i].term);
        free(l->problems[i].msg);
    }
    free(l->problems);
    memset(l, 0, sizeof(*l));
}
