/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The key facts of a record check, in one line for a person: what `check`'s
 * text prints after the status and the check name. Each check names the one or
 * two things a reader acts on (the confirming PTR name, the SPF lookup count
 * against its limit, the DMARC policy, the MX hosts, ...) and then its first
 * problem in words: an error-severity entry of "problems" first, then any, then
 * "problem", an MX or NS host's "problem", FCrDNS "warnings" (the order the HTML
 * report uses). Everything else stays in JSON.
 *
 * Every value read from a result goes through @p put (the text sanitizer for
 * terminal output); only literals of this file are written raw.
 */
#include "output/writers/fmt.h"

#include <inttypes.h>
#include <string.h>

const struct scan_field *out_field(const struct scan_result *r, const char *name)
{
    for (size_t i = 0; r->extra.f && i < r->extra.n; i++)
        if (r->extra.f[i].name && strcmp(r->extra.f[i].name, name) == 0)
            return &r->extra.f[i];
    return NULL;
}

static const struct scan_field *field_in(const struct scan_fields *fs, const char *name)
{
    for (size_t i = 0; fs && fs->f && i < fs->n; i++)
        if (fs->f[i].name && strcmp(fs->f[i].name, name) == 0)
            return &fs->f[i];
    return NULL;
}

/* The string of a field, or NULL (absent, another type, null). */
static const char *str_of(const struct scan_field *f)
{
    return f && f->type == SCAN_F_STR ? f->str : NULL;
}

static const char *str(const struct scan_result *r, const char *name)
{
    return str_of(out_field(r, name));
}

/* The integer of a field; @return false when absent or not an integer. */
static bool int_of(const struct scan_result *r, const char *name, int64_t *v)
{
    const struct scan_field *f = out_field(r, name);

    if (!f || f->type != SCAN_F_INT)
        return false;
    *v = f->i;
    return true;
}

static size_t count_of(const struct scan_result *r, const char *name)
{
    const struct scan_field *f = out_field(r, name);

    return f && (f->type == SCAN_F_STRV || f->type == SCAN_F_OBJV) ? f->n : 0;
}

/* Separators between the parts of a line: "; " after the first part. */
struct facts {
    struct out_sink *s;
    out_put_fn *put;
    bool any;
};

static void part(struct facts *x)
{
    if (x->any)
        out_sink_puts(x->s, "; ");
    x->any = true;
}

static void lit(struct facts *x, const char *text)
{
    part(x);
    out_sink_puts(x->s, text);
}

/* "label value" with a sanitized value; nothing when @p value is NULL. */
static void labelled(struct facts *x, const char *label, const char *value)
{
    if (!value)
        return;
    part(x);
    out_sink_puts(x->s, label);
    out_put_cstr(x->s, value, x->put);
}

/* The strings of an array field joined by ", ", at most @p max, then "(N more)". */
static void strv(struct facts *x, const struct scan_field *f, size_t max)
{
    size_t n = f && f->type == SCAN_F_STRV ? f->n : 0;

    out_join_strv(x->s, f && f->strv ? f->strv : NULL, n < max ? n : max, ", ", x->put);
    if (n > max)
        out_sink_printf(x->s, " (%zu more)", n - max);
}

/* The first problem in words (see the file comment); "warning: " marks a warning. */
static void first_problem(struct facts *x, const struct scan_result *r)
{
    const struct scan_field *ps = out_field(r, "problems");
    const struct scan_fields *pick = NULL;
    const char *msg = NULL;
    bool warning = false;

    for (size_t i = 0; ps && ps->type == SCAN_F_OBJV && ps->objv && i < ps->n && !pick; i++)
        if (str_of(field_in(&ps->objv[i], "severity")) &&
            strcmp(str_of(field_in(&ps->objv[i], "severity")), "error") == 0)
            pick = &ps->objv[i];
    if (!pick && ps && ps->type == SCAN_F_OBJV && ps->objv && ps->n > 0)
        pick = &ps->objv[0];
    if (pick) {
        const char *sev = str_of(field_in(pick, "severity"));
        msg = str_of(field_in(pick, "message"));
        warning = sev && strcmp(sev, "warning") == 0;
    }
    if (!msg)
        msg = str(r, "problem");
    const struct scan_field *hosts = out_field(r, "hosts");
    for (size_t i = 0; !msg && hosts && hosts->type == SCAN_F_OBJV && hosts->objv && i < hosts->n;
         i++)
        msg = str_of(field_in(&hosts->objv[i], "problem"));
    const struct scan_field *w = out_field(r, "warnings");
    if (!msg && w && w->type == SCAN_F_STRV && w->n > 0 && w->strv) {
        msg = w->strv[0];
        warning = true;
    }
    labelled(x, warning ? "warning: " : "", msg);
}

static void fcrdns(struct facts *x, const struct scan_result *r)
{
    if (str(r, "confirmed")) {
        labelled(x, "confirmed by ", str(r, "confirmed"));
    } else if (count_of(r, "ptr") > 0) {
        part(x);
        out_sink_puts(x->s, "PTR ");
        strv(x, out_field(r, "ptr"), 3);
    }
}

static void spf(struct facts *x, const struct scan_result *r)
{
    int64_t n = 0, v = 0;

    if (!str(r, "record")) {
        if (r->st == SCAN_ST_NONE)
            lit(x, "no SPF record");
        return;
    }
    if (int_of(r, "lookups", &n)) {
        part(x);
        out_sink_printf(x->s, "%" PRId64 "/10 lookups", n);
        if (int_of(r, "void_lookups", &v) && v > 0)
            out_sink_printf(x->s, ", %" PRId64 "/2 void", v);
    }
}

static void spf_auth(struct facts *x, const struct scan_result *r)
{
    labelled(x, "for ", str(r, "domain"));
    labelled(x, "by ", str(r, "mechanism"));
}

static void dmarc(struct facts *x, const struct scan_result *r)
{
    int64_t pct = 100;

    if (!str(r, "record")) {
        if (r->st == SCAN_ST_NONE)
            lit(x, "no DMARC record");
        return;
    }
    labelled(x, "p=", str(r, "p"));
    if (str(r, "sp")) {
        out_sink_puts(x->s, " sp=");
        out_put_cstr(x->s, str(r, "sp"), x->put);
    }
    if (int_of(r, "pct", &pct) && pct != 100)
        out_sink_printf(x->s, " pct=%" PRId64, pct);
    const char *pd = str(r, "policy_domain");
    if (pd && r->target && strcmp(pd, r->target) != 0)
        labelled(x, "from ", pd);
}

/* "10 mx1.example.test, 20 mx2.example.test" (at most @p max hosts). */
static void mx(struct facts *x, const struct scan_result *r)
{
    const struct scan_field *h = out_field(r, "hosts");
    size_t n = h && h->type == SCAN_F_OBJV && h->objv ? h->n : 0;
    const size_t max = 5;

    if (r->st == SCAN_ST_NULL) {
        lit(x, "null MX: the domain accepts no mail");
        return;
    }
    if (n == 0) {
        if (r->st == SCAN_ST_NONE && count_of(r, "fallback") > 0) {
            lit(x, "no MX, mail goes to ");
            strv(x, out_field(r, "fallback"), 4);
        } else if (r->st == SCAN_ST_NONE) {
            lit(x, "no MX");
        }
        return;
    }
    part(x);
    for (size_t i = 0; i < n && i < max; i++) {
        const struct scan_field *pref = field_in(&h->objv[i], "pref");

        if (i > 0)
            out_sink_puts(x->s, ", ");
        if (pref && pref->type == SCAN_F_INT)
            out_sink_printf(x->s, "%" PRId64 " ", pref->i);
        out_put_cstr(x->s, str_of(field_in(&h->objv[i], "host")), x->put);
    }
    if (n > max)
        out_sink_printf(x->s, " (%zu more)", n - max);
}

static void dkim(struct facts *x, const struct scan_result *r)
{
    int64_t bits = 0;
    const struct scan_field *exists = out_field(r, "domainkey_exists");

    if (!str(r, "selector")) {
        part(x);
        out_sink_puts(x->s, "no selector found");
        if (count_of(r, "selectors_tried") > 0)
            out_sink_printf(x->s, " (%zu tried)", count_of(r, "selectors_tried"));
        if (exists && exists->type == SCAN_F_BOOL && !exists->b)
            out_sink_puts(x->s, ", no _domainkey");
        return;
    }
    labelled(x, "selector ", str(r, "selector"));
    if (str(r, "source")) {
        out_sink_puts(x->s, " (");
        out_put_cstr(x->s, str(r, "source"), x->put);
        out_sink_puts(x->s, ")");
    }
    if (str(r, "key_type")) {
        out_sink_puts(x->s, ": ");
        out_put_cstr(x->s, str(r, "key_type"), x->put);
        if (int_of(r, "key_bits", &bits))
            out_sink_printf(x->s, " %" PRId64 " bits", bits);
    }
    const struct scan_field *t = out_field(r, "testing");
    if (t && t->type == SCAN_F_BOOL && t->b)
        out_sink_puts(x->s, ", testing");
}

static void mta_sts(struct facts *x, const struct scan_result *r)
{
    int64_t age = 0;

    if (!str(r, "record")) {
        if (r->st == SCAN_ST_NONE)
            lit(x, "no MTA-STS record");
        return;
    }
    labelled(x, "mode ", str(r, "mode"));
    if (int_of(r, "max_age", &age)) {
        part(x);
        out_sink_printf(x->s, "max_age %" PRId64 " s", age);
    }
    const struct scan_field *f = out_field(r, "fetched");
    if (f && f->type == SCAN_F_BOOL && !f->b)
        lit(x, "policy not fetched");
}

static void tls_rpt(struct facts *x, const struct scan_result *r)
{
    if (!str(r, "record")) {
        if (r->st == SCAN_ST_NONE)
            lit(x, "no TLS-RPT record");
        return;
    }
    if (count_of(r, "rua") > 0) {
        part(x);
        out_sink_puts(x->s, "rua ");
        strv(x, out_field(r, "rua"), 3);
    }
}

static void bimi(struct facts *x, const struct scan_result *r)
{
    const struct scan_field *d = out_field(r, "declined");

    if (!str(r, "record")) {
        if (r->st == SCAN_ST_NONE)
            lit(x, "no BIMI record");
        return;
    }
    if (d && d->type == SCAN_F_BOOL && d->b)
        lit(x, "declined (no logo)");
    else
        labelled(x, "logo ", str(r, "l"));
    const char *rd = str(r, "record_domain");
    if (rd && r->target && strcmp(rd, r->target) != 0)
        labelled(x, "from ", rd);
}

static void ns(struct facts *x, const struct scan_result *r)
{
    const struct scan_field *h = out_field(r, "hosts");
    size_t n = h && h->type == SCAN_F_OBJV && h->objv ? h->n : 0;

    labelled(x, "zone ", str(r, "zone"));
    if (n > 0)
        out_sink_puts(x->s, ": ");
    for (size_t i = 0; i < n && i < 4; i++) {
        if (i > 0)
            out_sink_puts(x->s, ", ");
        out_put_cstr(x->s, str_of(field_in(&h->objv[i], "host")), x->put);
    }
    if (n > 4)
        out_sink_printf(x->s, " (%zu more)", n - 4);
}

static void dnssec(struct facts *x, const struct scan_result *r)
{
    const struct scan_field *chain = out_field(r, "chain");

    labelled(x, "zone ", str(r, "zone"));
    if (r->st == SCAN_ST_SECURE && chain && chain->type == SCAN_F_STRV && chain->n > 0) {
        part(x);
        out_sink_puts(x->s, "chain ");
        out_join_strv(x->s, chain->strv, chain->n, " > ", x->put);
    }
    labelled(x, "insecure at ", str(r, "insecure_at"));
    if (count_of(r, "algorithms") > 0) {
        part(x);
        strv(x, out_field(r, "algorithms"), 3);
    }
}

static void origin(struct facts *x, const struct scan_result *r)
{
    int64_t asn = 0;

    if (int_of(r, "asn", &asn)) {
        part(x);
        out_sink_printf(x->s, "AS%" PRId64, asn);
        if (str(r, "as_name")) {
            out_sink_puts(x->s, " ");
            out_put_cstr(x->s, str(r, "as_name"), x->put);
        }
    }
    labelled(x, "", str(r, "prefix"));
    labelled(x, "", str(r, "country"));
}

static void expand(struct facts *x, const struct scan_result *r)
{
    int64_t n = 0;

    if (int_of(r, "addresses", &n)) {
        part(x);
        out_sink_printf(x->s, "%" PRId64 " address%s from %zu source%s", n, n == 1 ? "" : "es",
                        count_of(r, "sources"), count_of(r, "sources") == 1 ? "" : "s");
    }
    const struct scan_field *sk = out_field(r, "skipped");
    if (sk && sk->type == SCAN_F_STRV && sk->n > 0 && sk->strv) {
        part(x);
        out_sink_printf(x->s, "%zu skipped: ", sk->n);
        out_put_cstr(x->s, sk->strv[0], x->put);
    }
}

static const struct {
    enum scan_check check;
    void (*facts)(struct facts *x, const struct scan_result *r);
} checks[] = {
    {SCAN_CHECK_FCRDNS, fcrdns},   {SCAN_CHECK_SPF, spf},         {SCAN_CHECK_SPF_AUTH, spf_auth},
    {SCAN_CHECK_DMARC, dmarc},     {SCAN_CHECK_MX, mx},           {SCAN_CHECK_DKIM, dkim},
    {SCAN_CHECK_MTA_STS, mta_sts}, {SCAN_CHECK_TLS_RPT, tls_rpt}, {SCAN_CHECK_BIMI, bimi},
    {SCAN_CHECK_NS, ns},           {SCAN_CHECK_DNSSEC, dnssec},   {SCAN_CHECK_ORIGIN, origin},
    {SCAN_CHECK_EXPAND, expand},
};

void out_check_facts(struct out_sink *s, const struct scan_result *r, out_put_fn *put)
{
    struct facts x = {.s = s, .put = put};

    if (r->reason)
        labelled(&x, "", r->reason);
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        if (checks[i].check == r->kind) {
            checks[i].facts(&x, r);
            first_problem(&x, r);
            return;
        }
    }
    /* A check this file does not know yet: every field, compactly. */
    if (r->extra.n > 0) {
        part(&x);
        out_fields_compact(s, &r->extra, "; ", put);
    }
}
