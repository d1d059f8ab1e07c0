/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The summary's end, at out_summary_finish(): the errors beyond OUT_ERROR_LINES
 * counted per list and reason, the record-check findings (one line each, with
 * their first targets), the table of lists and record checks, the listings by
 * network (fmt_networks.c) and the closing totals, from what fmt_summary.c
 * counted. The layout is shown in fmt_summary.c.
 */
#include "output/writers/fmt_summary_int.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static uint64_t count_of(const struct sum_group *g, const char *word)
{
    for (size_t i = 0; i < g->nstatus; i++)
        if (strcmp(g->status[i].word, word) == 0)
            return g->status[i].n;
    return 0;
}

static size_t digits(uint64_t v)
{
    size_t n = 1;

    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

static const char *const columns[] = {"listed", "informational", "clean", "error"};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* A list's health column: "-" when never reported, "ok" when every kind reported
 * is healthy, else "ip6 blocked, domain unhealthy" (the reason alone for a
 * report without a kind). */
static void print_health(struct out_sink *s, const struct sum_group *g)
{
    bool any = false;

    if (g->nhealth == 0) {
        out_sink_puts(s, "-");
        return;
    }
    for (size_t i = 0; i < g->nhealth; i++) {
        const struct sum_health *e = &g->health[i];

        if (!e->reason)
            continue;
        out_sink_printf(s, "%s%s%s%s", any ? ", " : "", e->kind, *e->kind ? " " : "", e->reason);
        any = true;
    }
    if (!any)
        out_sink_puts(s, "ok");
}

/* One row per list, numbers right-aligned under their heading, then one row
 * per record check listing its status words in first-seen order. */
static void print_table(struct out_writer *w)
{
    static const char *const headings[NCOLUMNS] = {"listed", "informational", "clean", "errors"};
    struct out_summary *sum = w->sum;
    struct out_sink *s = &w->out;
    size_t label_w = strlen("list");
    size_t col_w[NCOLUMNS];
    bool lists = false;

    for (size_t c = 0; c < NCOLUMNS; c++)
        col_w[c] = strlen(headings[c]);
    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];
        size_t lw = out_text_width(g->label);

        label_w = lw > label_w ? lw : label_w;
        if (!g->dnsbl)
            continue;
        lists = true;
        for (size_t c = 0; c < NCOLUMNS; c++) {
            size_t d = digits(count_of(g, columns[c]));
            col_w[c] = d > col_w[c] ? d : col_w[c];
        }
    }
    if (lists) {
        out_sink_puts(s, "list");
        out_sink_pad(s, label_w - strlen("list"));
        for (size_t c = 0; c < NCOLUMNS; c++)
            out_sink_printf(s, "  %*s", (int)col_w[c], headings[c]);
        out_sink_puts(s, "  health\n");
    }
    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];

        if (!g->dnsbl)
            continue;
        out_sink_puts(s, g->label);
        out_sink_pad(s, label_w - out_text_width(g->label));
        for (size_t c = 0; c < NCOLUMNS; c++)
            out_sink_printf(s, "  %*" PRIu64, (int)col_w[c], count_of(g, columns[c]));
        out_sink_puts(s, "  ");
        print_health(s, g);
        out_sink_puts(s, "\n");
    }
    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];

        if (g->dnsbl)
            continue;
        out_sink_puts(s, g->label);
        out_sink_pad(s, label_w - out_text_width(g->label));
        for (size_t j = 0; j < g->nstatus; j++) {
            out_sink_puts(s, "  ");
            out_put_cstr(s, g->status[j].word, out_sink_text);
            out_sink_printf(s, " %" PRIu64, g->status[j].n);
        }
        out_sink_puts(s, "\n");
    }
}

/* Record-check findings, one line each: check, status, reason, how many targets,
 * the first few of them (wrapped under their column), and where the rest are. */
static void print_findings(struct out_writer *w)
{
    static const char *const head[] = {"record checks", "status", "reason", "targets"};
    struct out_summary *sum = w->sum;
    struct out_sink *s = &w->out;
    size_t wd[4];

    for (size_t c = 0; c < 4; c++)
        wd[c] = strlen(head[c]);
    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];
        for (size_t j = 0; j < g->nfindings; j++) {
            const struct sum_finding *f = &g->findings[j];
            size_t v[4] = {out_text_width(g->label), out_text_width(f->status),
                           out_text_width(f->reason), digits(f->n)};
            for (size_t c = 0; c < 4; c++)
                wd[c] = v[c] > wd[c] ? v[c] : wd[c];
        }
    }
    for (size_t c = 0; c < 3; c++) {
        out_sink_puts(s, head[c]);
        out_sink_pad(s, wd[c] - strlen(head[c]) + 2);
    }
    out_sink_printf(s, "%*s  examples (every target: --format json)\n", (int)wd[3], head[3]);
    size_t col = wd[0] + wd[1] + wd[2] + wd[3] + 8;
    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];
        for (size_t j = 0; j < g->nfindings; j++) {
            const struct sum_finding *f = &g->findings[j];
            const char *cell[3] = {g->label, f->status, f->reason};
            for (size_t c = 0; c < 3; c++) {
                out_sink_puts(s, cell[c]);
                out_sink_pad(s, wd[c] - out_text_width(cell[c]) + 2);
            }
            out_sink_printf(s, "%*" PRIu64 "  ", (int)wd[3], f->n);
            out_sink_clear(&w->scratch);
            for (size_t k = 0; k < f->nexamples; k++) {
                out_sink_puts(&w->scratch, k > 0 ? ", " : "");
                out_sink_puts(&w->scratch, f->examples[k]);
            }
            if (f->n > f->nexamples)
                out_sink_puts(&w->scratch, ", ...");
            out_wrap(s, out_sink_str(&w->scratch), col, col);
        }
    }
}

int out_summary_finish(struct out_writer *w, const struct out_stats *st)
{
    struct out_summary *sum = w->sum;
    struct out_sink *s = &w->out;

    for (size_t i = 0; i < sum->n; i++) {
        const struct sum_group *g = &sum->g[i];

        for (size_t j = 0; j < g->nerrs; j++) {
            if (g->errs[j].n <= OUT_ERROR_LINES)
                continue;
            out_sink_printf(s, "... and %" PRIu64 " more errors for %s (",
                            g->errs[j].n - OUT_ERROR_LINES, g->label);
            out_put_cstr(s, g->errs[j].word, out_sink_text);
            out_sink_puts(s, ")\n");
            sum->printed = true;
        }
    }
    if (sum->printed)
        out_sink_puts(s, "\n");
    if (sum->findings > 0) {
        print_findings(w);
        out_sink_puts(s, "\n");
    }
    print_table(w);
    if (out_networks_print(sum->nets, s) == -ENOMEM)
        return -ENOMEM;
    out_sink_printf(s, "%" PRIu64 " targets, %" PRIu64 " results in %.1f s", st->targets,
                    st->results, st->seconds);
    if (st->seconds > 0)
        out_sink_printf(s, " (%.0f queries/s)", (double)st->queries / st->seconds);
    out_sink_printf(s, ": %" PRIu64 " listed, %" PRIu64 " informational, %" PRIu64 " errors\n",
                    st->listed, st->info, st->errors);
    return s->err;
}
