/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check (see dnssec.h): four steps over the replay view, each of
 * which may settle the verdict early (the zone cuts, the chain of trust, the
 * zone's own answers, the judgement), and the report. The steps it calls live in
 * the other dnssec_*.c files (dnssec_int.h lists them).
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/checks/record.h"

static int norm_domain(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (n > 0 && in[n - 1] == '.')
        n--;
    if (n == 0 || n >= cap)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
    out[n] = '\0';
    return 0;
}

/* What the report says, for every status. */
struct verdict {
    enum scan_status st;
    enum scan_reason why;
    const char *zone;
    const struct zmemo *m; /* chain, facts */
    const char *record, *problem;
};

static struct scan_report *make_report(const char *domain, const struct verdict *vd)
{
    struct scan_report *r = scan_report_new(domain, SCAN_CHECK_DNSSEC);
    const struct zmemo *m = vd->m;
    if (!r)
        return NULL;
    scan_report_status(r, vd->st, vd->why);
    scan_report_str(r, "zone", vd->zone);
    if (m && m->facts) {
        scan_report_bool(r, "signed", m->is_signed);
        scan_report_bool(r, "ds", m->has_ds);
    } else {
        scan_report_str(r, "signed", NULL);
        scan_report_str(r, "ds", NULL);
    }
    scan_report_strv_init(r, "chain");
    for (size_t i = 0; m && i < m->nchain; i++)
        scan_report_strv_add(r, "chain", m->chain[i]);
    scan_report_str(r, "insecure_at",
                    m && m->v == ZV_INSECURE && vd->st == SCAN_ST_INSECURE ? m->insecure_at : NULL);
    scan_report_strv_init(r, "algorithms");
    char algs[sizeof(m->algs)];
    snprintf(algs, sizeof(algs), "%s", m && m->facts ? m->algs : "");
    for (char *save = NULL, *w = strtok_r(algs, " ", &save); w; w = strtok_r(NULL, " ", &save))
        scan_report_strv_add(r, "algorithms", w);
    scan_report_str(r, "record", vd->record);
    scan_report_str(r, "problem", vd->problem);
    return r;
}

/* One run of the check: the names asked, the zone cuts found, the verdict so far. */
struct walk {
    struct ctx c;
    char dom[256];
    char (*names)[256]; /* the domain and its ancestors (then "." when it is the zone) */
    const struct scan_answer *soa[MAX_LABELS];
    size_t nn;
    char (*cuts)[256]; /* "." then each zone apex down to the domain's zone */
    size_t ncuts, zi;  /* zi: the domain's zone is cuts[zi] */
    size_t zsoa;       /* index in names[] of the zone's SOA answer (nn: none) */
    struct zmemo *m;   /* the chain down to the zone */
    const struct scan_answer *ka, *dsa, *mx;
    struct verdict vd;
    bool decided; /* vd is final: report it */
    char problem[600];
    char *bad; /* the failing MX-answer record (freed at the end) */
};

/* -EAGAIN while an answer is missing, the first error, or 0. */
static int asked(const struct ctx *c)
{
    if (c->err)
        return c->err;
    return c->missing ? -EAGAIN : 0;
}

/* Settle on an error: the lookup "@p what @p name" failed with @p why. */
static void lookup_failed(struct walk *w, enum scan_reason why, const char *what, const char *name)
{
    w->vd.st = SCAN_ST_ERROR;
    w->vd.why = why;
    snprintf(w->problem, sizeof(w->problem), "%s%s failed: %s", what, name, scan_reason_word(why));
    w->vd.problem = w->problem;
    w->decided = true;
}

/*
 * When no zone below the root holds the name (it does not exist), the root is
 * its zone, and the root's SOA is what the zone's facts are read from.
 */
static int root_zone(struct walk *w)
{
    if (w->nn >= MAX_LABELS)
        return -EINVAL; /* no room for the root: longer than any DNS name */
    snprintf(w->names[w->nn], sizeof(w->names[0]), ".");
    if ((w->soa[w->nn] = dnssec_need(&w->c, ".", SCAN_TYPE_SOA)))
        w->zsoa = w->nn++;
    int ret = asked(&w->c);
    if (ret)
        return ret;
    if (dnssec_dns_failed(w->soa[w->zsoa]))
        lookup_failed(w, dnssec_dns_reason(w->soa[w->zsoa]), "the SOA lookup of ", ".");
    return 0;
}

/* Step 1: the SOA of the domain and of every ancestor: which are zone apexes. */
static int find_cuts(struct walk *w)
{
    for (const char *p = w->dom; p && w->nn < MAX_LABELS; p = strchr(p, '.'), p = p ? p + 1 : NULL)
        snprintf(w->names[w->nn++], sizeof(w->names[0]), "%s", p);
    for (size_t i = 0; i < w->nn; i++)
        w->soa[i] = dnssec_need(&w->c, w->names[i], SCAN_TYPE_SOA);
    int ret = asked(&w->c);
    if (ret)
        return ret;
    snprintf(w->cuts[w->ncuts++], sizeof(w->cuts[0]), ".");
    w->zsoa = w->nn;
    for (size_t i = w->nn; i-- > 0;) {
        const struct scan_answer *a = w->soa[i];
        if (dnssec_dns_failed(a)) {
            lookup_failed(w, dnssec_dns_reason(a), "the SOA lookup of ", w->names[i]);
            return 0;
        }
        if (a->status == SCAN_DNS_OK && a->n > 0 && a->ncname == 0 && a->canon &&
            strcmp(a->canon, w->names[i]) == 0) {
            snprintf(w->cuts[w->ncuts++], sizeof(w->cuts[0]), "%s", w->names[i]);
            w->zsoa = i;
        }
    }
    w->zi = w->ncuts - 1;
    w->vd.zone = w->cuts[w->zi];
    return w->zi == 0 ? root_zone(w) : 0;
}

/* Step 2: the chain of trust down to the zone. */
static int walk_chain(struct walk *w)
{
    w->m = dnssec_chain_state(&w->c, w->cuts, w->ncuts, w->zi);
    int ret = asked(&w->c);
    if (ret)
        return ret;
    if (!w->m) {
        const struct scan_answer *f = dnssec_chain_failure(&w->c, w->cuts, w->zi);
        lookup_failed(w, f ? dnssec_dns_reason(f) : SCAN_R_INTERNAL,
                      "a DS or DNSKEY lookup on the way to ", w->vd.zone);
        return 0;
    }
    w->vd.m = w->m;
    return 0;
}

/* Step 3: facts of the zone, and in a secure zone the domain's MX answer. */
static int read_zone(struct walk *w)
{
    struct ctx *c = &w->c;
    w->ka = dnssec_need(c, w->vd.zone, SCAN_TYPE_DNSKEY);
    w->dsa = w->zi > 0 ? dnssec_need(c, w->vd.zone, SCAN_TYPE_DS) : NULL;
    w->mx = w->m->v == ZV_SECURE ? dnssec_need(c, w->dom, SCAN_TYPE_MX) : NULL;
    int ret = asked(c);
    if (ret)
        return ret;
    const struct scan_answer *failed = dnssec_dns_failed(w->ka)              ? w->ka
                                       : w->dsa && dnssec_dns_failed(w->dsa) ? w->dsa
                                       : w->mx && dnssec_dns_failed(w->mx)   ? w->mx
                                                                             : NULL;
    if (failed) {
        lookup_failed(w, dnssec_dns_reason(failed), "a lookup for ", w->vd.zone);
        return 0;
    }
    if (w->m->facts)
        return 0;
    return dnssec_zone_facts(c, w->m, w->zsoa < w->nn ? w->soa[w->zsoa] : NULL, w->ka, w->dsa);
}

/* Settle on the chain's verdict; a secure zone's SOA and MX answer must verify too. */
static int judge(struct walk *w)
{
    struct zmemo *m = w->m;
    struct verdict *vd = &w->vd;
    static const enum scan_status status_of[] = {
        [ZV_SECURE] = SCAN_ST_SECURE,
        [ZV_INSECURE] = SCAN_ST_INSECURE,
        [ZV_BOGUS] = SCAN_ST_BOGUS,
        [ZV_ERROR] = SCAN_ST_ERROR,
    };

    w->decided = true;
    vd->problem = m->problem;
    vd->record = m->record;
    if (m->v != ZV_SECURE) {
        vd->st = status_of[m->v];
        vd->why = m->why;
        return 0;
    }
    if (m->soa_why != SCAN_R_NONE) {
        vd->st = SCAN_ST_BOGUS;
        vd->why = m->soa_why == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : m->soa_why;
        vd->record = m->soa_record;
        snprintf(w->problem, sizeof(w->problem), "the SOA set of %s %s", vd->zone,
                 dnssec_reason_sentence(m->soa_why));
        vd->problem = w->problem;
        return 0;
    }
    enum scan_reason why;
    int ret = dnssec_check_mx(&w->c, m, w->mx, &why, &w->bad);
    if (ret)
        return ret;
    if (why != SCAN_R_NONE) {
        vd->st = SCAN_ST_BOGUS;
        vd->why = why;
        vd->record = w->bad;
        snprintf(w->problem, sizeof(w->problem), "the MX answer of %s: %s %s", w->dom,
                 w->bad ? "a record" : "an RRset", dnssec_reason_sentence(why));
        vd->problem = w->problem;
        return 0;
    }
    vd->st = SCAN_ST_SECURE;
    vd->why = SCAN_R_NONE;
    vd->problem = NULL;
    vd->record = NULL;
    return 0;
}

/*
 * Four steps, each of which may settle the verdict early: the zone cuts, the
 * chain of trust, the zone's own answers, the judgement.
 */
int scan_dnssec_check(struct scan_view *v, struct scan_dnssec *d, const char *domain,
                      struct scan_report **out)
{
    static int (*const steps[])(struct walk *) = {find_cuts, walk_chain, read_zone, judge};
    char names[MAX_LABELS][256], cuts[MAX_LABELS][256];
    struct walk w = {.c = {.v = v, .d = d}, .names = names, .cuts = cuts};
    int ret = 0;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!v || !d || !domain || norm_domain(domain, w.dom, sizeof(w.dom)) != 0)
        return -EINVAL;
    w.c.now = d->now ? (time_t)d->now : time(NULL);
    w.vd.st = SCAN_ST_ERROR;

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !w.decided && ret == 0; i++)
        ret = steps[i](&w);
    if (ret) {
        free(w.bad);
        return ret;
    }
    struct scan_report *r = make_report(w.dom, &w.vd);
    free(w.bad);
    ret = r ? scan_report_hand_over(&r, out) : -ENOMEM;
    scan_report_free(r);
    return ret;
}

int scan_dnssec_check_args(struct scan_view *v, const void *args, struct scan_report **out)
{
    const struct scan_dnssec_args *a = args;
    return scan_dnssec_check(v, a->d, a->domain, out);
}
