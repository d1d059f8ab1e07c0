/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Text for a person at a terminal (`dnsbl-scan check`): results are kept
 * until out_finish() and printed as one block per target, targets in the
 * order they were first seen, so answers that arrive interleaved read as a
 * report:
 *
 * @code
 *   192.0.2.10
 *     listed     zen.spamhaus.org         127.0.0.2 SBL: Spamhaus Block List; delist:
 *                                         https://check.spamhaus.org/results/?query=192.0.2.10
 *     clean      bl.spamcop.net
 *     error      b.barracudacentral.org   timeout
 *     unhealthy  psbl.surriel.com: not checked (see below)
 *     pass       fcrdns                   confirmed by mta10.example-esp.test
 *     LISTED on 1 of 2 lists, 2 not checked
 *
 *   not checked
 *     unhealthy  psbl.surriel.com (ip4): test point 127.0.0.1: ...; do not use it
 * @endcode
 *
 * One line per list or record check: status, name, and its facts (a listing's
 * codes with their meanings, scope, TXT and delist link; a record check's key
 * facts from out_check_facts()), wrapped on word boundaries to fit
 * OUT_TEXT_WIDTH columns with continuation lines under the facts column.
 * Listings come first, then informational listings, errors, clean lists and
 * the record checks; within each band rows keep the order in which their list
 * or check was first seen, which is catalog order since out_health() reports
 * every list before its results: the output does not depend on which DNS answer
 * came first. Lists that were not checked because they are unhealthy or block
 * this resolver get one line per reason in each target's block, and the why and
 * what to do once, after the last target, one line per distinct finding. Each
 * block ends with its verdict line.
 *
 * Each row is rendered (and sanitized) when it arrives and stored as text, so
 * nothing borrowed from the result is kept. Memory grows with the number of
 * results: this format is meant for a few targets; `scan` uses the summary.
 *
 * This file collects (out_text_new(), out_text_health(), out_text_emit());
 * fmt_text_print.c lays the blocks out at out_text_finish(); their shared structs
 * are in fmt_text_int.h.
 */
#include "output/writers/fmt_text_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

int out_text_new(struct out_text **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -ENOMEM;
}

static void row_deinit(struct text_row *r)
{
    free(r->status);
    free(r->name);
    free(r->facts);
}

static void group_deinit(struct text_group *g)
{
    for (size_t j = 0; j < g->n; j++)
        row_deinit(&g->rows[j]);
    free(g->rows);
    for (size_t j = 0; j < g->nskips; j++) {
        free(g->skips[j].reason);
        free(g->skips[j].names);
    }
    free(g->skips);
    free(g->target);
    free(g->pool);
    free(g->via);
}

void out_text_free(struct out_text *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ngroups; i++)
        group_deinit(&t->groups[i]);
    free(t->groups);
    for (size_t i = 0; i < t->nkeys; i++)
        free(t->keys[i]);
    free(t->keys);
    for (size_t i = 0; i < t->nnotes; i++) {
        free(t->notes[i].reason);
        free(t->notes[i].text);
        free(t->notes[i].names);
    }
    free(t->notes);
    free(t);
}

/* Append @p str (taken) to a string array. On failure @p str is freed. */
static int push_str(char ***arr, size_t *n, size_t *cap, char *str)
{
    char **a = NULL;

    if (!str)
        return -ENOMEM;
    a = out_grow(*arr, cap, *n, sizeof(*a));
    if (!a) {
        free(str);
        return -ENOMEM;
    }
    a[(*n)++] = str;
    *arr = a;
    return 0;
}

/* The rank of a list or check: its position in first-seen order. */
static int rank_of(struct out_text *t, char kind, const char *name, size_t *rank)
{
    size_t len = strlen(name);
    char *key = NULL;

    for (size_t i = 0; i < t->nkeys; i++) {
        if (t->keys[i][0] == kind && strcmp(t->keys[i] + 2, name) == 0) {
            *rank = i;
            return 0;
        }
    }
    key = malloc(len + 3);
    if (!key)
        return -ENOMEM;
    key[0] = kind;
    key[1] = ':';
    memcpy(key + 2, name, len + 1);
    *rank = t->nkeys;
    return push_str(&t->keys, &t->nkeys, &t->capkeys, key);
}

/* Append ", " and @p add (sanitized) to *@p names. @return 0 or -ENOMEM. */
static int append_name(char **names, const char *add)
{
    size_t old = *names ? strlen(*names) : 0;
    size_t len = strlen(add);
    char *p = realloc(*names, old + 2 + len + 1);

    if (!p)
        return -ENOMEM;
    if (old > 0)
        memcpy(p + old, ", ", 2), old += 2;
    memcpy(p + old, add, len + 1);
    *names = p;
    return 0;
}

/* A health detail names its zone first ("zen.spamhaus.org refuses ...",
 * "x.test: health not established ..."): without it, lists that failed the same
 * way read the same and share one note. */
static const char *detail_without_zone(const char *detail, const char *zone)
{
    size_t n = zone ? strlen(zone) : 0;

    if (!detail)
        return "";
    if (n == 0 || strncmp(detail, zone, n) != 0 || (detail[n] != ' ' && detail[n] != ':'))
        return detail;
    detail += n;
    if (*detail == ':')
        detail++;
    while (*detail == ' ')
        detail++;
    return detail;
}

int out_text_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_text *t = w->text;
    struct text_note *note = NULL;
    struct out_sink s;
    char *reason = NULL, *text = NULL, *label = NULL;
    size_t rank = 0;
    int ret = rank_of(t, 'L', out_list_key(h->list_id, h->list), &rank);

    if (ret < 0 || h->healthy)
        return ret;
    out_sink_init_mem(&s);
    out_put_cstr(&s, out_list_key(h->list, h->list_id), out_sink_text);
    if (h->kind) {
        out_sink_puts(&s, " (");
        out_put_cstr(&s, h->kind, out_sink_text);
        out_sink_puts(&s, ")");
    }
    label = out_sink_take(&s);
    out_sink_deinit(&s);
    reason = out_text_dup(out_health_reason(h));
    text = out_text_dup(detail_without_zone(h->detail, h->list));
    ret = -ENOMEM;
    if (!label || !reason || !text)
        goto out;
    for (size_t i = 0; i < t->nnotes && !note; i++)
        if (strcmp(t->notes[i].reason, reason) == 0 && strcmp(t->notes[i].text, text) == 0)
            note = &t->notes[i];
    if (!note) {
        note = out_grow(t->notes, &t->capnotes, t->nnotes, sizeof(*note));
        if (!note)
            goto out;
        t->notes = note;
        note = &t->notes[t->nnotes++];
        *note = (struct text_note){.reason = reason, .text = text};
        reason = text = NULL;
    }
    ret = append_name(&note->names, label);
out:
    free(label);
    free(reason);
    free(text);
    return ret;
}

static enum text_band band_of(const struct scan_result *r)
{
    if (!out_is_dnsbl(r))
        return BAND_CHECK;
    switch (r->outcome) {
    case SCAN_OUT_LISTED:
        return BAND_LISTED;
    case SCAN_OUT_INFO:
        return BAND_INFO;
    case SCAN_OUT_ERROR:
        return BAND_ERROR;
    case SCAN_OUT_OK:
    case SCAN_OUT_PROBLEM:
        break;
    }
    return BAND_CLEAN;
}

/* Write " <label><value>" parts of a DNSBL row, separated by "; ". */
static void dnsbl_part(struct out_sink *s, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    if (s->len > 0)
        out_sink_puts(s, "; ");
    if (*label) {
        out_sink_puts(s, label);
        out_sink_puts(s, OUT_NBSP_STR);
    }
    out_put_cstr(s, value, out_sink_text);
}

/* The facts of a DNSBL row: codes and meanings, scope, matched name, TXT (unless it
 * is the delist link again), delist link; for an error its reason and detail. */
static void dnsbl_facts(struct out_sink *s, const struct scan_result *r)
{
    if (r->outcome == SCAN_OUT_ERROR) {
        dnsbl_part(s, "", r->reason);
        dnsbl_part(s, "", r->detail);
        return;
    }
    if (r->klass == SCAN_CLASS_ALLOW)
        dnsbl_part(s, "", "allowlisted:");
    out_codes_meanings(s, r, out_sink_text);
    dnsbl_part(s, "", out_scope_phrase(r->scope));
    dnsbl_part(s, "matched", r->matched);
    if (r->txt && (!r->delist_url || strcmp(r->txt, r->delist_url) != 0))
        dnsbl_part(s, "TXT:", r->txt);
    dnsbl_part(s, "delist:", r->delist_url);
}

/* Fill @p row from @p r; on failure the row's strings are freed by the caller. */
static int render_row(struct out_writer *w, const struct scan_result *r, struct text_row *row)
{
    struct out_sink *s = &w->scratch;
    bool info = r->outcome == SCAN_OUT_INFO;

    row->band = band_of(r);
    row->outcome = r->outcome;
    row->color = out_status_color(r);
    row->status = out_text_dup(info ? "info" : r->status);
    row->name = out_text_dup(out_result_label(r));
    out_sink_clear(s);
    if (out_is_dnsbl(r))
        dnsbl_facts(s, r);
    else
        out_check_facts(s, r, out_sink_text);
    row->facts = out_sink_take(s);
    if (!row->status || !row->name || !row->facts)
        return -ENOMEM;
    return 0;
}

/* The group of @p r's target (and pool), created at the end when new. Results
 * of one target usually come together, so the last group is tried first. */
static struct text_group *group_of(struct out_text *t, const struct scan_result *r)
{
    struct text_group *g = NULL;
    struct out_sink s;
    char *name = out_text_dup(r->target), *label = r->pool ? out_text_dup(r->pool) : NULL;
    char *via = NULL;

    if (!name || (r->pool && !label))
        goto fail;
    for (size_t i = t->ngroups; i-- > 0;) {
        if (strcmp(t->groups[i].target, name) == 0) {
            free(name);
            free(label);
            return &t->groups[i];
        }
    }
    if (r->nvia > 0) {
        out_sink_init_mem(&s);
        out_join_strv(&s, r->via, r->nvia, "; ", out_sink_text);
        via = out_sink_take(&s);
        out_sink_deinit(&s);
        if (!via)
            goto fail;
    }
    g = out_grow(t->groups, &t->capgroups, t->ngroups, sizeof(*g));
    if (!g)
        goto fail;
    t->groups = g;
    g = &t->groups[t->ngroups++];
    *g = (struct text_group){.target = name, .pool = label, .via = via};
    return g;
fail:
    free(name);
    free(label);
    free(via);
    return NULL;
}

/* A DNSBL result of a list that is unhealthy or blocked for the target's kind: the
 * list was not checked. @return whether @p r is one. */
static bool not_checked(const struct scan_result *r)
{
    return out_is_dnsbl(r) && (r->why == SCAN_R_BLOCKED || r->why == SCAN_R_UNHEALTHY);
}

static int add_skip(struct text_group *g, const struct scan_result *r)
{
    struct text_skip *k = NULL;
    char *reason = out_text_dup(r->reason), *name = out_text_dup(out_result_label(r));
    int ret = -ENOMEM;

    if (!reason || !name)
        goto out;
    for (size_t i = 0; i < g->nskips && !k; i++)
        if (strcmp(g->skips[i].reason, reason) == 0)
            k = &g->skips[i];
    if (!k) {
        k = out_grow(g->skips, &g->capskips, g->nskips, sizeof(*k));
        if (!k)
            goto out;
        g->skips = k;
        k = &g->skips[g->nskips++];
        *k = (struct text_skip){.reason = reason};
        reason = NULL;
    }
    ret = append_name(&k->names, name);
    k->n++;
out:
    free(reason);
    free(name);
    return ret;
}

int out_text_emit(struct out_writer *w, const struct scan_result *r)
{
    struct out_text *t = w->text;
    struct text_group *g = NULL;
    struct text_row row = {0};
    struct text_row *rows = NULL;
    int ret = 0;

    /* Lists in catalog order, record checks in the order of their bits (vocab.c). */
    if (out_is_dnsbl(r))
        ret = rank_of(t, 'L', out_result_key(r), &row.rank);
    else
        row.rank = (size_t)r->kind;
    if (ret < 0)
        goto out;
    g = group_of(t, r);
    if (!g) {
        ret = -ENOMEM;
        goto out;
    }
    if (not_checked(r)) {
        ret = add_skip(g, r);
        goto out;
    }
    ret = render_row(w, r, &row);
    if (ret < 0)
        goto out;
    rows = out_grow(g->rows, &g->cap, g->n, sizeof(*rows));
    if (!rows) {
        ret = -ENOMEM;
        goto out;
    }
    g->rows = rows;
    g->rows[g->n++] = row;
    row = (struct text_row){0};
out:
    row_deinit(&row);
    return ret;
}
