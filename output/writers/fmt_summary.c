/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The summary, for `dnsbl-scan scan` over large pools: what needs action is
 * printed the moment it arrives, everything else is only counted.
 *
 * @code
 *   UNHEALTHY  b.barracudacentral.org  ip4  b.barracudacentral.org refuses this resolver: ...
 *   LISTED  192.0.2.10  zen.spamhaus.org  127.0.0.2 SBL; 127.0.0.4 XBL  delist: https://...
 *   ERROR   192.0.2.10  b.barracudacentral.org  blocked
 *   INFO    192.0.2.11  dnsbl-2.uceprotect.net  127.0.0.2 network neighbourhood
 *   ... and 5 more errors for b.barracudacentral.org (blocked)
 *
 *   record checks  status   reason      targets  examples (all of them: --format json)
 *   fcrdns         fail     no-ptr          212  192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4,
 *                                                192.0.2.5, ...
 *   spf            invalid  too-many-lookups  1  example.test
 *
 *   list                    listed  informational  clean  errors  health
 *   zen.spamhaus.org             1              0      0       0  ok
 *   b.barracudacentral.org       0              0      0      16  ip4 blocked
 *   spf                     invalid 1
 *   3 targets, 19 results in 0.8 s (11 queries/s): 1 listed, 1 informational, 16 errors
 * @endcode
 *
 * Health is reported per (list, kind): the health column says "ok" when every
 * kind reported is healthy, else each unhealthy kind with its reason. A DNSBL
 * error of a target whose kind the list is unhealthy for gets no line of its
 * own: the UNHEALTHY line said why, and the table counts them.
 *
 * Errors are capped at OUT_ERROR_LINES lines per (list or check, reason): a
 * resolver that times out on one list would otherwise bury the listings. The
 * rest are counted and reported at out_finish(). Record checks print nothing as
 * they come: a finding shared by hundreds of targets (a pool without PTR names)
 * must not bury the listings. Every result whose outcome needs attention (a
 * problem: fail, invalid, none, null, ...; or an error) is counted per (check,
 * status, reason) with its first OUT_EXAMPLES targets, and out_finish() prints
 * one line per finding after the listings, pointing at --format json for the
 * rest.
 *
 * Memory is bounded by the number of lists and checks (times the distinct
 * status words and reasons, which come from the scanner's vocabulary, not from
 * DNS data, and OUT_EXAMPLES targets each), never by the number of results; the
 * listings by /24 and
 * by AS (fmt_networks.c) keep one small record per listing, up to
 * OUT_NET_MAX_LISTINGS.
 *
 * This file counts as results arrive (out_summary_new(), out_summary_health(),
 * out_summary_emit()); fmt_summary_print.c prints the findings and the table at
 * out_summary_finish(); their shared structs are in fmt_summary_int.h.
 */
#include "output/writers/fmt_summary_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

/** Width of the tag column: "LISTED" and shorter tags line up. */
#define TAG_W 6

int out_summary_new(struct out_summary **out)
{
    *out = calloc(1, sizeof(**out));
    if (!*out || out_networks_new(&(*out)->nets) != 0) {
        out_summary_free(*out);
        *out = NULL;
        return -ENOMEM;
    }
    return 0;
}

static void counts_free(struct sum_count *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(c[i].word);
    free(c);
}

void out_summary_free(struct out_summary *s)
{
    if (!s)
        return;
    out_networks_free(s->nets);
    for (size_t i = 0; i < s->n; i++) {
        free(s->g[i].key);
        free(s->g[i].label);
        for (size_t j = 0; j < s->g[i].nhealth; j++) {
            free(s->g[i].health[j].kind);
            free(s->g[i].health[j].reason);
        }
        free(s->g[i].health);
        counts_free(s->g[i].status, s->g[i].nstatus);
        counts_free(s->g[i].errs, s->g[i].nerrs);
        for (size_t j = 0; j < s->g[i].nfindings; j++) {
            struct sum_finding *f = &s->g[i].findings[j];
            free(f->status);
            free(f->reason);
            for (size_t k = 0; k < f->nexamples; k++)
                free(f->examples[k]);
        }
        free(s->g[i].findings);
    }
    free(s->g);
    free(s);
}

/* The group for (dnsbl, key), created on first sight with @p label. */
static struct sum_group *group_of(struct out_summary *s, bool dnsbl, const char *key,
                                  const char *label)
{
    struct sum_group *g = NULL;

    for (size_t i = 0; i < s->n; i++)
        if (s->g[i].dnsbl == dnsbl && strcmp(s->g[i].key, key) == 0)
            return &s->g[i];
    g = out_grow(s->g, &s->cap, s->n, sizeof(*g));
    if (!g)
        return NULL;
    s->g = g;
    g = &s->g[s->n];
    *g = (struct sum_group){.dnsbl = dnsbl, .key = strdup(key), .label = out_text_dup(label)};
    if (!g->key || !g->label) {
        free(g->key);
        free(g->label);
        return NULL;
    }
    s->n++;
    return g;
}

/* Add one to the count of @p word. @return the count after, or 0 on ENOMEM. */
static uint64_t count(struct sum_count **c, size_t *n, size_t *cap, const char *word)
{
    struct sum_count *a = NULL;
    char *copy = NULL;

    for (size_t i = 0; i < *n; i++)
        if (strcmp((*c)[i].word, word) == 0)
            return ++(*c)[i].n;
    copy = strdup(word);
    a = copy ? out_grow(*c, cap, *n, sizeof(*a)) : NULL;
    if (!a) {
        free(copy);
        return 0;
    }
    *c = a;
    a[(*n)++] = (struct sum_count){.word = copy, .n = 1};
    return 1;
}

static void tag(struct out_writer *w, const char *color, const char *word)
{
    out_colored(w, color, word);
    out_sink_pad(&w->out, strlen(word) < TAG_W ? TAG_W - strlen(word) : 0);
}

/* The health entry of @p kind ("" for none) in @p g, created when new. */
static struct sum_health *health_of(struct sum_group *g, const char *kind)
{
    struct sum_health *a = NULL;
    char *k = out_text_dup(kind);

    if (!k)
        return NULL;
    for (size_t i = 0; i < g->nhealth; i++) {
        if (strcmp(g->health[i].kind, k) == 0) {
            free(k);
            return &g->health[i];
        }
    }
    a = out_grow(g->health, &g->caphealth, g->nhealth, sizeof(*a));
    if (!a) {
        free(k);
        return NULL;
    }
    g->health = a;
    a = &g->health[g->nhealth++];
    *a = (struct sum_health){.kind = k};
    return a;
}

int out_summary_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_sink *s = &w->out;
    struct sum_group *g = group_of(w->sum, true, out_list_key(h->list_id, h->list),
                                   out_list_key(h->list, h->list_id));
    struct sum_health *e = g ? health_of(g, h->kind ? h->kind : "") : NULL;

    if (!e)
        return -ENOMEM;
    free(e->reason);
    e->reason = NULL;
    if (h->healthy)
        return 0;
    e->reason = out_text_dup(out_health_reason(h));
    if (!e->reason)
        return -ENOMEM;
    tag(w, "33", "UNHEALTHY");
    out_sink_printf(s, "  %s  ", g->label);
    if (*e->kind)
        out_sink_printf(s, "%s  ", e->kind);
    if (h->detail)
        out_put_cstr(s, h->detail, out_sink_text);
    else
        out_sink_puts(s, e->reason);
    out_sink_puts(s, "\n");
    w->sum->printed = true;
    return s->err;
}

/* One streamed line: TAG  target  name  [rest]. */
static void line_head(struct out_writer *w, const struct scan_result *r, const char *color,
                      const char *tagword, const char *name)
{
    tag(w, color, tagword);
    out_sink_puts(&w->out, "  ");
    out_put_cstr(&w->out, r->target, out_sink_text);
    if (r->pool) {
        out_sink_puts(&w->out, " (pool ");
        out_put_cstr(&w->out, r->pool, out_sink_text);
        out_sink_puts(&w->out, ")");
    }
    out_sink_puts(&w->out, "  ");
    out_sink_puts(&w->out, name);
}

/* Count an error under its reason; @return whether it still gets a line, or
 * -ENOMEM. */
static int error_line_due(struct sum_group *g, const char *reason)
{
    uint64_t n = count(&g->errs, &g->nerrs, &g->caperrs, reason ? reason : "-");

    if (n == 0)
        return -ENOMEM;
    return n <= OUT_ERROR_LINES;
}

/* "  via: first (and N more)" for an address found by --expand. */
static void put_via(struct out_sink *s, const struct scan_result *r)
{
    if (r->nvia == 0)
        return;
    out_sink_puts(s, "  via: ");
    out_put_cstr(s, r->via[0], out_sink_text);
    if (r->nvia > 1)
        out_sink_printf(s, " (and %zu more)", r->nvia - 1);
}

/* Is the list of @p g unhealthy for the kind of @p target (or for every kind)? */
static bool unhealthy_for(const struct sum_group *g, const char *target)
{
    const char *kind = out_target_kind(target);

    for (size_t i = 0; i < g->nhealth; i++)
        if (g->health[i].reason && (!*g->health[i].kind || strcmp(g->health[i].kind, kind) == 0))
            return true;
    return false;
}

/* The table column a DNSBL result is counted in (the columns[] words of
 * fmt_summary_print.c). */
static const char *dnsbl_bucket(enum scan_outcome o)
{
    switch (o) {
    case SCAN_OUT_ERROR:
        return "error";
    case SCAN_OUT_LISTED:
        return "listed";
    case SCAN_OUT_INFO:
        return "informational";
    case SCAN_OUT_OK:
    case SCAN_OUT_PROBLEM: /* not a DNSBL outcome */
        break;
    }
    return "clean";
}

static int emit_dnsbl(struct out_writer *w, const struct scan_result *r, struct sum_group *g)
{
    struct out_sink *s = &w->out;
    int due = 0;

    if (!count(&g->status, &g->nstatus, &g->capstatus, dnsbl_bucket(r->outcome)))
        return -ENOMEM;
    if (r->outcome == SCAN_OUT_ERROR && unhealthy_for(g, r->target)) {
        /* The list's UNHEALTHY line already said why every one of its results of
         * that kind is open; the table counts them. One line per target would only
         * be noise. */
        return 0;
    }
    if (r->outcome == SCAN_OUT_ERROR) {
        due = error_line_due(g, r->reason);
        if (due <= 0)
            return due;
        line_head(w, r, "33", "ERROR", g->label);
        out_sink_puts(s, "  ");
        out_put_cstr(s, r->reason ? r->reason : "-", out_sink_text);
    } else if (r->outcome == SCAN_OUT_LISTED || r->outcome == SCAN_OUT_INFO) {
        bool info = r->outcome == SCAN_OUT_INFO;

        line_head(w, r, info ? "36" : "31", info ? "INFO" : "LISTED", g->label);
        if (r->ncodes > 0) {
            out_sink_puts(s, "  ");
            out_codes_meanings(s, r, out_sink_text);
        }
        if (r->scope && strcmp(r->scope, "ip") != 0) {
            out_sink_puts(s, "  scope: ");
            out_sink_puts(s, r->scope);
        }
        if (r->delist_url) {
            out_sink_puts(s, "  delist: ");
            out_put_cstr(s, r->delist_url, out_sink_text);
        }
    } else {
        return 0;
    }
    put_via(s, r);
    out_sink_puts(s, "\n");
    w->sum->printed = true;
    return s->err;
}

/* The finding of @p g for (@p status, @p reason), created when new; NULL on ENOMEM. */
static struct sum_finding *finding_of(struct sum_group *g, const char *status, const char *reason)
{
    struct sum_finding *f = NULL;
    char *st = out_text_dup(status), *why = out_text_dup(reason ? reason : "-");

    if (!st || !why)
        goto fail;
    for (size_t i = 0; i < g->nfindings; i++) {
        if (strcmp(g->findings[i].status, st) == 0 && strcmp(g->findings[i].reason, why) == 0) {
            free(st);
            free(why);
            return &g->findings[i];
        }
    }
    f = out_grow(g->findings, &g->capfindings, g->nfindings, sizeof(*f));
    if (!f)
        goto fail;
    g->findings = f;
    f = &g->findings[g->nfindings++];
    *f = (struct sum_finding){.status = st, .reason = why};
    return f;
fail:
    free(st);
    free(why);
    return NULL;
}

/* A record check: counted; a problem or an error is also counted as a finding with
 * its first targets, printed at out_finish(). */
static int emit_check(struct out_summary *sum, const struct scan_result *r, struct sum_group *g)
{
    const char *status = r->status ? r->status : "";
    struct sum_finding *f = NULL;

    if (!count(&g->status, &g->nstatus, &g->capstatus, status))
        return -ENOMEM;
    if (r->outcome != SCAN_OUT_PROBLEM && r->outcome != SCAN_OUT_ERROR)
        return 0;
    f = finding_of(g, status, r->reason);
    if (!f)
        return -ENOMEM;
    f->n++;
    sum->findings++;
    if (f->nexamples < OUT_EXAMPLES) {
        f->examples[f->nexamples] = out_text_dup(r->target);
        if (!f->examples[f->nexamples])
            return -ENOMEM;
        f->nexamples++;
    }
    return 0;
}

int out_summary_emit(struct out_writer *w, const struct scan_result *r)
{
    bool dnsbl = out_is_dnsbl(r);
    struct sum_group *g = group_of(w->sum, dnsbl, out_result_key(r), out_result_label(r));

    if (!g || out_networks_result(w->sum->nets, r) != 0)
        return -ENOMEM;
    return dnsbl ? emit_dnsbl(w, r, g) : emit_check(w->sum, r, g);
}
