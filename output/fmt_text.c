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
 *   unhealthy: ip4: zen.spamhaus.org refuses this resolver (127.255.255.254): ...
 *
 *   192.0.2.10
 *     listed  zen.spamhaus.org  127.0.0.2 SBL; 127.0.0.4 XBL
 *             TXT: https://www.spamhaus.org/query/ip/192.0.2.10
 *     clean   bl.spamcop.net
 *     error   b.barracudacentral.org
 *             reason: timeout
 * @endcode
 *
 * Rows of a target are ordered by when their list (or check) was first seen,
 * which is catalog order since out_health() reports every list before its
 * results: the output does not depend on which DNS answer came first. Status
 * and name columns are aligned over the whole report.
 *
 * Each row is rendered (and sanitized) when it arrives and stored as text, so
 * nothing borrowed from the result is kept. Memory grows with the number of
 * results: this format is meant for a few targets; `scan` uses the summary.
 */
#include "output/fmt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/err.h"

struct text_row {
    size_t rank;       /**< first-seen position of the row's list or check */
    const char *color; /**< static SGR parameter, or NULL */
    char *status;      /**< sanitized, like every string below */
    char *name;        /**< list zone or check name */
    char *summary;     /**< codes and meanings; may be "" */
    char *details;     /**< "name: value\n" lines, unindented; may be "" */
};

struct text_group {
    char *target; /**< sanitized */
    char *pool;   /**< sanitized job-file pool label, or NULL */
    struct text_row *rows;
    size_t n;
    size_t cap;
};

struct out_text {
    struct text_group *groups;
    size_t ngroups;
    size_t capgroups;
    char **keys; /**< rank table: "L:<list id>" or "C:<check>", first-seen order */
    size_t nkeys;
    size_t capkeys;
    char **unhealthy; /**< sanitized lines, printed before the targets */
    size_t nunhealthy;
    size_t capunhealthy;
};

int out_text_new(struct out_text **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -ENOMEM;
}

static void row_deinit(struct text_row *r)
{
    free(r->status);
    free(r->name);
    free(r->summary);
    free(r->details);
}

void out_text_free(struct out_text *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ngroups; i++) {
        for (size_t j = 0; j < t->groups[i].n; j++)
            row_deinit(&t->groups[i].rows[j]);
        free(t->groups[i].rows);
        free(t->groups[i].target);
        free(t->groups[i].pool);
    }
    free(t->groups);
    for (size_t i = 0; i < t->nkeys; i++)
        free(t->keys[i]);
    free(t->keys);
    for (size_t i = 0; i < t->nunhealthy; i++)
        free(t->unhealthy[i]);
    free(t->unhealthy);
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

int out_text_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_text *t = w->text;
    struct out_sink s;
    size_t rank = 0;
    int ret = rank_of(t, 'L', out_list_key(h->list_id, h->list), &rank);

    if (ret < 0 || h->healthy)
        return ret;
    out_sink_init_mem(&s);
    if (h->kind) {
        out_put_cstr(&s, h->kind, out_sink_text);
        out_sink_puts(&s, ": ");
    }
    if (h->detail) {
        out_put_cstr(&s, h->detail, out_sink_text);
    } else {
        out_put_cstr(&s, out_list_key(h->list, h->list_id), out_sink_text);
        out_sink_puts(&s, " (");
        out_put_cstr(&s, out_health_reason(h), out_sink_text);
        out_sink_puts(&s, ")");
    }
    ret = push_str(&t->unhealthy, &t->nunhealthy, &t->capunhealthy, out_sink_take(&s));
    out_sink_deinit(&s);
    return ret;
}

/* "name: value" lines for the extra fields of a record check: arrays on one
 * line, objects one per line below their name. */
static void render_fields(struct out_sink *s, const struct scan_fields *fs)
{
    for (size_t i = 0; fs->f && i < fs->n; i++) {
        const struct scan_field *fl = &fs->f[i];

        out_put_cstr(s, fl->name, out_sink_text);
        out_sink_puts(s, ":");
        if ((fl->type == SCAN_F_STRV || fl->type == SCAN_F_OBJV) && fl->n == 0) {
            out_sink_puts(s, " (none)\n");
        } else if (fl->type == SCAN_F_STRV) {
            out_sink_puts(s, " ");
            out_join_strv(s, fl->strv, fl->n, ", ", out_sink_text);
            out_sink_puts(s, "\n");
        } else if (fl->type == SCAN_F_OBJV) {
            out_sink_puts(s, "\n");
            for (size_t j = 0; fl->objv && j < fl->n; j++) {
                out_sink_puts(s, "  ");
                out_fields_compact(s, &fl->objv[j], ", ", out_sink_text);
                out_sink_puts(s, "\n");
            }
        } else if (fl->type == SCAN_F_STR && !fl->str) {
            out_sink_puts(s, " -\n");
        } else {
            out_sink_puts(s, " ");
            out_field_value_compact(s, fl, out_sink_text);
            out_sink_puts(s, "\n");
        }
    }
}

static void render_line(struct out_sink *s, const char *label, const char *value)
{
    if (!value)
        return;
    out_sink_puts(s, label);
    out_put_cstr(s, value, out_sink_text);
    out_sink_puts(s, "\n");
}

/* Fill @p row from @p r; on failure the row's strings are freed by the caller. */
static int render_row(struct out_writer *w, const struct scan_result *r, struct text_row *row)
{
    struct out_sink *s = &w->scratch;
    bool dnsbl = out_is_dnsbl(r);
    bool info = r->outcome == SCAN_OUT_INFO;

    row->color = out_status_color(r);
    row->status = out_text_dup(info ? "info" : r->status);
    row->name = out_text_dup(out_result_label(r));
    out_sink_clear(s);
    if (dnsbl)
        out_codes_meanings(s, r, out_sink_text);
    row->summary = out_sink_take(s);
    out_sink_clear(s);
    render_line(s, "reason: ", r->reason);
    if (dnsbl) {
        render_line(s, "detail: ", r->detail);
        render_line(s, "matched: ", r->matched);
        render_line(s, "scope: ", out_scope_phrase(r->scope));
        render_line(s, "TXT: ", r->txt);
        render_line(s, "delist: ", r->delist_url);
    }
    render_fields(s, &r->extra);
    if (r->nvia > 0) {
        out_sink_puts(s, "via: ");
        out_join_strv(s, r->via, r->nvia, "; ", out_sink_text);
        out_sink_puts(s, "\n");
    }
    row->details = out_sink_take(s);
    if (!row->status || !row->name || !row->summary || !row->details)
        return -ENOMEM;
    return 0;
}

/* The group of @p target (of @p pool, or NULL), created at the end when new.
 * Results of one target usually come together, so the last group is tried first. */
static struct text_group *group_of(struct out_text *t, const char *target, const char *pool)
{
    struct text_group *g = NULL;
    char *name = out_text_dup(target), *label = pool ? out_text_dup(pool) : NULL;

    if (!name || (pool && !label)) {
        free(name);
        free(label);
        return NULL;
    }
    for (size_t i = t->ngroups; i-- > 0;) {
        if (strcmp(t->groups[i].target, name) == 0) {
            free(name);
            free(label);
            return &t->groups[i];
        }
    }
    g = out_grow(t->groups, &t->capgroups, t->ngroups, sizeof(*g));
    if (!g) {
        free(name);
        free(label);
        return NULL;
    }
    t->groups = g;
    g = &t->groups[t->ngroups++];
    *g = (struct text_group){.target = name, .pool = label};
    return g;
}

int out_text_emit(struct out_writer *w, const struct scan_result *r)
{
    struct out_text *t = w->text;
    struct text_group *g = NULL;
    struct text_row row = {0};
    struct text_row *rows = NULL;
    bool dnsbl = out_is_dnsbl(r);
    int ret = rank_of(t, dnsbl ? 'L' : 'C', out_result_key(r), &row.rank);

    if (ret < 0)
        goto out;
    ret = render_row(w, r, &row);
    if (ret < 0)
        goto out;
    g = group_of(t, r->target, r->pool);
    if (!g) {
        ret = -ENOMEM;
        goto out;
    }
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

/* Stable by rank: rows of one list keep their arrival order. Groups are
 * small (one row per list and check), so insertion sort is enough. */
static void sort_rows(struct text_group *g)
{
    for (size_t i = 1; i < g->n; i++) {
        struct text_row row = g->rows[i];
        size_t j = i;

        for (; j > 0 && g->rows[j - 1].rank > row.rank; j--)
            g->rows[j] = g->rows[j - 1];
        g->rows[j] = row;
    }
}

static void print_details(struct out_sink *s, const char *details, size_t indent)
{
    while (*details) {
        const char *nl = strchr(details, '\n');
        size_t len = nl ? (size_t)(nl - details) + 1 : strlen(details);

        out_sink_pad(s, indent);
        out_sink_write(s, details, len);
        details += len;
    }
}

int out_text_finish(struct out_writer *w)
{
    struct out_text *t = w->text;
    struct out_sink *s = &w->out;
    size_t status_w = 0;
    size_t name_w = 0;

    for (size_t i = 0; i < t->nunhealthy; i++) {
        out_colored(w, "33", "unhealthy:");
        out_sink_printf(s, " %s\n", t->unhealthy[i]);
    }
    for (size_t i = 0; i < t->ngroups; i++) {
        for (size_t j = 0; j < t->groups[i].n; j++) {
            const struct text_row *row = &t->groups[i].rows[j];
            size_t sw = out_text_width(row->status);
            size_t nw = out_text_width(row->name);

            status_w = sw > status_w ? sw : status_w;
            name_w = nw > name_w ? nw : name_w;
        }
        sort_rows(&t->groups[i]);
    }
    for (size_t i = 0; i < t->ngroups; i++) {
        const struct text_group *g = &t->groups[i];

        if (i > 0 || t->nunhealthy > 0)
            out_sink_puts(s, "\n");
        out_colored(w, "1", g->target);
        if (g->pool) {
            out_sink_puts(s, " (pool ");
            out_sink_puts(s, g->pool);
            out_sink_puts(s, ")");
        }
        out_sink_puts(s, "\n");
        for (size_t j = 0; j < g->n; j++) {
            const struct text_row *row = &g->rows[j];

            out_sink_puts(s, "  ");
            out_colored(w, row->color, row->status);
            out_sink_pad(s, status_w - out_text_width(row->status) + 2);
            out_sink_puts(s, row->name);
            if (*row->summary) {
                out_sink_pad(s, name_w - out_text_width(row->name) + 2);
                out_sink_puts(s, row->summary);
            }
            out_sink_puts(s, "\n");
            print_details(s, row->details, 2 + status_w + 2);
        }
    }
    return s->err;
}
