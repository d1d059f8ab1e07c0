/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The text format's layout, at out_text_finish(): the rows fmt_text.c collected,
 * sorted by band and first-seen rank, printed as one block per target ("  status
 * name  facts" in measured columns, the facts wrapped by out_wrap()), each block
 * with its lists not checked and its verdict line; then why lists were not
 * checked, once for the whole report. The layout is described in fmt_text.c.
 */
#include "output/writers/fmt_text_int.h"

#include <string.h>

/** The name column is at most this wide; a longer name pushes its facts right. */
#define NAME_MAX_W 34

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
