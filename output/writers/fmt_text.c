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
 * One file on purpose (over 600 lines): one output format, its layout rules (columns,
 * wrapping, grouping per target) kept together.
 */
#include "output/writers/fmt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

/** Column of continuation lines for a word too long for the facts column. */
#define WRAP_DEEP 4
/** The name column is at most this wide; a longer name pushes its facts right. */
#define NAME_MAX_W 34

/** Joins a label to its value ("delist:" and the URL) so a line never breaks
 *  between them; written as a space. Sanitized text never holds it (a control). */
#define NBSP     '\x01'
#define NBSP_STR "\x01"

/** Order of rows within a target. */
enum text_band { BAND_LISTED, BAND_INFO, BAND_ERROR, BAND_CLEAN, BAND_CHECK };

struct text_row {
    size_t rank;         /**< first-seen position of the row's list or check */
    enum text_band band; /**< DNSBL outcome band, or BAND_CHECK */
    enum scan_outcome outcome;
    const char *color; /**< static SGR parameter, or NULL */
    char *status;      /**< sanitized, like every string below */
    char *name;        /**< list zone or check name */
    char *facts;       /**< the rest of the line; may be "" */
};

/** Lists a target was not checked on, for one reason (blocked, unhealthy). */
struct text_skip {
    char *reason; /**< sanitized */
    char *names;  /**< sanitized, ", "-separated */
    size_t n;
};

struct text_group {
    char *target; /**< sanitized */
    char *pool;   /**< sanitized job-file pool label, or NULL */
    char *via;    /**< sanitized "; "-joined --expand vias of the first result, or NULL */
    struct text_row *rows;
    size_t n;
    size_t cap;
    struct text_skip *skips;
    size_t nskips;
    size_t capskips;
};

/** Why lists were not checked: one per (reason, finding), with every list it names. */
struct text_note {
    char *reason; /**< sanitized */
    char *text;   /**< the health detail without its leading zone, sanitized; may be "" */
    char *names;  /**< "zone (kind), zone (kind)" */
};

struct out_text {
    struct text_group *groups;
    size_t ngroups;
    size_t capgroups;
    char **keys; /**< rank table of lists: "L:<list id>", first-seen order */
    size_t nkeys;
    size_t capkeys;
    struct text_note *notes;
    size_t nnotes;
    size_t capnotes;
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
        out_sink_puts(s, NBSP_STR);
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

/* Stable by (band, rank): rows of one list keep their arrival order. Groups are
 * small (one row per list and check), so insertion sort is enough. */
static bool row_before(const struct text_row *a, const struct text_row *b)
{
    return a->band != b->band ? a->band < b->band : a->rank < b->rank;
}

static void sort_rows(struct text_group *g)
{
    for (size_t i = 1; i < g->n; i++) {
        struct text_row row = g->rows[i];
        size_t j = i;

        for (; j > 0 && row_before(&row, &g->rows[j - 1]); j--)
            g->rows[j] = g->rows[j - 1];
        g->rows[j] = row;
    }
}

/* Terminal columns of @p n bytes of sanitized UTF-8 (one per code point). */
static size_t width_of(const char *p, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)p[i] & 0xc0) != 0x80;
    return w;
}

/* Bytes of the first @p cols code points of @p p (n bytes). */
static size_t bytes_of_cols(const char *p, size_t n, size_t cols)
{
    size_t i = 0;

    for (size_t c = 0; i < n; c++) {
        if (c == cols)
            break;
        i++;
        while (i < n && ((unsigned char)p[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

/* Write @p n bytes of a word, NBSP as a space. */
static void put_word(struct out_sink *s, const char *p, size_t n)
{
    while (n > 0) {
        const char *nb = memchr(p, NBSP, n);
        size_t k = nb ? (size_t)(nb - p) : n;

        out_sink_write(s, p, k);
        if (!nb)
            break;
        out_sink_puts(s, " ");
        p += k + 1;
        n -= k + 1;
    }
}

static void new_line(struct out_sink *s, size_t indent, size_t *col)
{
    out_sink_puts(s, "\n");
    out_sink_pad(s, indent);
    *col = indent;
}

/* A word wider than the room at the indent (a long URL) gets a line of its own
 * from column WRAP_DEEP, and only a word wider than that line is cut. */
void out_wrap(struct out_sink *s, const char *text, size_t col, size_t indent)
{
    const char *p = text;
    bool fresh = false; /* nothing written on this line after its indent */
    bool deep = false;  /* the line holds a word at WRAP_DEEP: nothing may follow it */

    while (*p) {
        size_t gap = 0;
        while (*p == ' ') {
            gap++;
            p++;
        }
        const char *word = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - word), ww = width_of(word, len);
        if (len == 0)
            break;
        if (fresh)
            gap = 0;
        if (deep || col + gap + ww > OUT_TEXT_WIDTH) {
            size_t start = ww <= OUT_TEXT_WIDTH - indent ? indent : WRAP_DEEP;
            if (!fresh || col != start)
                new_line(s, start, &col);
            deep = start != indent;
            gap = 0;
        }
        out_sink_pad(s, gap);
        col += gap;
        while (col + width_of(word, len) > OUT_TEXT_WIDTH && col < OUT_TEXT_WIDTH) {
            size_t cut = bytes_of_cols(word, len, OUT_TEXT_WIDTH - col);
            put_word(s, word, cut);
            word += cut;
            len -= cut;
            new_line(s, WRAP_DEEP, &col);
        }
        put_word(s, word, len);
        col += width_of(word, len);
        fresh = false;
    }
    out_sink_puts(s, "\n");
}

struct columns {
    size_t status; /**< width of the status column */
    size_t name;   /**< width of the name column */
};

/* One row: "  status  name  facts", the facts wrapped under their column. */
static void print_row(struct out_writer *w, const struct columns *c, const char *color,
                      const char *status, const char *name, const char *facts)
{
    struct out_sink *s = &w->out;
    size_t col = 2 + c->status + 2;

    out_sink_puts(s, "  ");
    out_colored(w, color, status);
    out_sink_pad(s, c->status - out_text_width(status) + 2);
    if (!*facts) {
        out_sink_puts(s, name);
        out_sink_puts(s, "\n");
        return;
    }
    out_sink_puts(s, name);
    col += out_text_width(name);
    if (out_text_width(name) < c->name) {
        out_sink_pad(s, c->name - out_text_width(name));
        col = 2 + c->status + 2 + c->name;
    }
    out_sink_puts(s, "  ");
    col += 2;
    out_wrap(s, facts, col, 2 + c->status + 2 + c->name + 2);
}

/* The lists a target was not checked on, one line per reason. */
static void print_skips(struct out_writer *w, const struct columns *c, const struct text_group *g)
{
    struct out_sink *s = &w->out;

    for (size_t i = 0; i < g->nskips; i++) {
        const struct text_skip *k = &g->skips[i];

        out_sink_puts(s, "  ");
        out_colored(w, "33", k->reason);
        out_sink_pad(s, c->status - out_text_width(k->reason) + 2);
        out_sink_clear(&w->scratch);
        out_sink_puts(&w->scratch, k->names);
        out_sink_puts(&w->scratch, ": not checked, see below");
        out_wrap(s, out_sink_str(&w->scratch), 2 + c->status + 2, 2 + c->status + 2);
    }
}

/*
 * The verdict of one target: "LISTED on 2 of 14 lists", "clean on 14 lists, 2 not
 * checked", then the record checks that found a problem or could not finish. The
 * lists counted are those that gave a verdict (listed, informational, clean); the
 * ones not checked are errors and unhealthy or blocked lists.
 */
static void print_verdict(struct out_writer *w, const struct text_group *g)
{
    struct out_sink *s = &w->out;
    struct out_sink *v = &w->scratch;
    size_t listed = 0, info = 0, clean = 0, open = 0, problems = 0, errors = 0;
    bool lists = g->nskips > 0;
    const char *word = NULL;

    for (size_t i = 0; i < g->nskips; i++)
        open += g->skips[i].n;
    for (size_t i = 0; i < g->n; i++) {
        const struct text_row *r = &g->rows[i];

        lists |= r->band != BAND_CHECK;
        listed += r->band == BAND_LISTED;
        info += r->band == BAND_INFO;
        clean += r->band == BAND_CLEAN;
        open += r->band == BAND_ERROR;
        problems += r->band == BAND_CHECK && r->outcome == SCAN_OUT_PROBLEM;
        errors += r->band == BAND_CHECK && r->outcome == SCAN_OUT_ERROR;
    }
    out_sink_clear(v);
    out_sink_puts(s, "  ");
    if (lists) {
        size_t answered = listed + info + clean;
        if (listed > 0) {
            out_colored(w, "1;31", word = "LISTED");
            out_sink_printf(v, " on %zu of %zu list%s", listed, answered, answered == 1 ? "" : "s");
        } else if (answered > 0) {
            out_colored(w, "32", word = "clean");
            out_sink_printf(v, " on %zu list%s", answered, answered == 1 ? "" : "s");
        } else {
            out_colored(w, "33", word = "no verdict");
            out_sink_puts(v, ": no list answered");
        }
        if (info > 0)
            out_sink_printf(v, ", %zu informational", info);
        if (open > 0 && answered > 0)
            out_sink_printf(v, ", %zu not checked", open);
    } else {
        out_colored(w, problems || errors ? "33" : "32", word = "records");
    }
    for (int pass = 0; pass < 2; pass++) {
        enum scan_outcome want = pass == 0 ? SCAN_OUT_PROBLEM : SCAN_OUT_ERROR;
        size_t n = pass == 0 ? problems : errors;
        bool first = true;
        if (n == 0)
            continue;
        out_sink_printf(v, "%s%zu record %s", lists || pass == 1 ? "; " : ": ", n,
                        pass == 0
                            ? (n == 1 ? "problem" : "problems")
                            : (n == 1 ? "check without a verdict" : "checks without a verdict"));
        for (size_t i = 0; i < g->n; i++) {
            const struct text_row *r = &g->rows[i];
            if (r->band != BAND_CHECK || r->outcome != want)
                continue;
            out_sink_puts(v, first ? " (" : ", ");
            out_sink_puts(v, r->name);
            first = false;
        }
        out_sink_puts(v, ")");
    }
    if (!lists && !problems && !errors)
        out_sink_puts(v, ": no problem found");
    out_wrap(s, out_sink_str(v), 2 + strlen(word), 4);
}

/* Why lists were not checked and what to do, once for the whole report. */
static void print_notes(struct out_writer *w, const struct columns *c)
{
    struct out_text *t = w->text;
    struct out_sink *s = &w->out;
    struct out_sink *v = &w->scratch;

    if (t->nnotes == 0)
        return;
    out_sink_puts(s, "\nnot checked\n");
    for (size_t i = 0; i < t->nnotes; i++) {
        const struct text_note *n = &t->notes[i];

        out_sink_clear(v);
        out_sink_puts(v, n->names);
        out_sink_puts(v, ": ");
        out_sink_puts(v, *n->text ? n->text : n->reason);
        out_sink_puts(s, "  ");
        out_colored(w, "33", n->reason);
        out_sink_pad(s, c->status - out_text_width(n->reason) + 2);
        out_wrap(s, out_sink_str(v), 2 + c->status + 2, 2 + c->status + 2);
    }
}

static size_t max_sz(size_t a, size_t b)
{
    return a > b ? a : b;
}

static struct columns measure(const struct out_text *t)
{
    struct columns c = {0, 0};

    for (size_t i = 0; i < t->nnotes; i++)
        c.status = max_sz(c.status, out_text_width(t->notes[i].reason));
    for (size_t i = 0; i < t->ngroups; i++) {
        const struct text_group *g = &t->groups[i];
        for (size_t j = 0; j < g->nskips; j++)
            c.status = max_sz(c.status, out_text_width(g->skips[j].reason));
        for (size_t j = 0; j < g->n; j++) {
            c.status = max_sz(c.status, out_text_width(g->rows[j].status));
            if (*g->rows[j].facts)
                c.name = max_sz(c.name, out_text_width(g->rows[j].name));
        }
    }
    c.name = c.name < NAME_MAX_W ? c.name : NAME_MAX_W;
    return c;
}

int out_text_finish(struct out_writer *w)
{
    struct out_text *t = w->text;
    struct out_sink *s = &w->out;
    struct columns c = measure(t);

    for (size_t i = 0; i < t->ngroups; i++) {
        struct text_group *g = &t->groups[i];

        sort_rows(g);
        if (i > 0)
            out_sink_puts(s, "\n");
        out_colored(w, "1", g->target);
        size_t col = out_text_width(g->target);
        out_sink_clear(&w->scratch);
        if (g->pool) {
            out_sink_puts(&w->scratch, "(pool ");
            out_sink_puts(&w->scratch, g->pool);
            out_sink_puts(&w->scratch, ")");
        }
        if (g->via) {
            out_sink_puts(&w->scratch, g->pool ? " via " : "via ");
            out_sink_puts(&w->scratch, g->via);
        }
        if (g->pool || g->via) {
            out_sink_puts(s, " ");
            out_wrap(s, out_sink_str(&w->scratch), col + 1, 4);
        } else {
            out_sink_puts(s, "\n");
        }
        for (size_t j = 0; j < g->n; j++) {
            const struct text_row *row = &g->rows[j];
            print_row(w, &c, row->color, row->status, row->name, row->facts);
        }
        print_skips(w, &c, g);
        print_verdict(w, g);
    }
    print_notes(w, &c);
    return s->err;
}
