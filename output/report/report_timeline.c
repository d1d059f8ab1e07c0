/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The timeline of listings over the store's window and the events section.
 */
#include "output/report/report_html_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/store/delta.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- timeline --------------------------------------------------------------------------- */

#define TL_MAX_IV 64

struct timeline {
    struct html *h;
    int64_t from, to;
    char *target, *list_key, *list;
    struct {
        int64_t first, last, cleared;
        char *codes;
    } iv[TL_MAX_IV];
    size_t niv;
    uint64_t rows, skipped, bars;
};

static double tl_x(const struct timeline *t, int64_t ms)
{
    if (ms < t->from)
        ms = t->from;
    if (ms > t->to)
        ms = t->to;
    return (double)(ms - t->from) * 1000.0 / (double)(t->to - t->from);
}

/* "127.0.0.2 (SBL: spam source), 127.0.0.4 (XBL...)" */
static void put_codes_meanings(struct timeline *t, const char *codes)
{
    struct html *h = t->h;
    const char *p = codes ? codes : "";

    while (*p) {
        size_t n = strcspn(p, ",");
        char code[64];
        const char *m;
        snprintf(code, sizeof(code), "%.*s", (int)(n < 63 ? n : 63), p);
        rep_html(h, code);
        m = h->rep->o.meaning ? h->rep->o.meaning(h->rep->o.meaning_arg, t->list_key, code) : NULL;
        if (m) {
            rep_put(h, " (");
            rep_html(h, m);
            rep_put(h, ")");
        }
        p += n;
        if (*p == ',') {
            rep_put(h, ", ");
            p++;
        }
    }
}

static void put_interval_text(struct timeline *t, size_t i)
{
    struct html *h = t->h;

    rep_put_time(h, t->iv[i].first);
    rep_put(h, " &rarr; ");
    if (t->iv[i].cleared)
        rep_put_time(h, t->iv[i].cleared);
    else
        rep_put(h, "still listed");
    rep_put(h, ": ");
    put_codes_meanings(t, t->iv[i].codes);
}

static void tl_clear(struct timeline *t)
{
    for (size_t i = 0; i < t->niv; i++)
        free(t->iv[i].codes);
    t->niv = 0;
    free(t->target);
    free(t->list_key);
    free(t->list);
    t->target = t->list_key = t->list = NULL;
}

static void tl_flush(struct timeline *t)
{
    struct html *h = t->h;

    if (!t->target)
        return;
    if (t->rows >= MAX_TIMELINE) {
        t->skipped++;
        tl_clear(t);
        return;
    }
    t->rows++;
    rep_put(h, "<tr><td class=\"addr\">");
    rep_html(h, t->target);
    rep_put(h, "</td><td>");
    rep_html(h, t->list);
    rep_put(h,
            "</td><td class=\"bars\"><svg viewBox=\"0 0 1000 10\" preserveAspectRatio=\"none\">");
    for (size_t i = 0; i < t->niv; i++) {
        double x0 = tl_x(t, t->iv[i].first);
        double x1 = tl_x(t, t->iv[i].cleared ? t->iv[i].cleared : t->to);
        rep_putf(h, "<rect class=\"bar%s\" x=\"%.1f\" y=\"1\" width=\"%.1f\" height=\"8\"><title>",
                 t->iv[i].cleared ? "" : " open", x0 > 992 ? 992 : x0, x1 - x0 < 8 ? 8 : x1 - x0);
        rep_html(h, t->list);
        rep_put(h, ": ");
        put_interval_text(t, i);
        rep_put(h, "</title></rect>");
        t->bars++;
    }
    rep_put(h, "</svg></td><td class=\"wrap\">");
    for (size_t i = 0; i < t->niv; i++) {
        rep_put(h, "<div class=\"why\">");
        put_interval_text(t, i);
        rep_put(h, "</div>");
    }
    rep_put(h, "</td></tr>\n");
    tl_clear(t);
}

static int tl_interval(void *arg, const struct out_interval *iv)
{
    struct timeline *t = arg;
    size_t i;

    if (!iv->target || !iv->list_key)
        return 0;
    if (t->target && (strcmp(t->target, iv->target) != 0 || strcmp(t->list_key, iv->list_key) != 0))
        tl_flush(t);
    if (!t->target) {
        t->target = strdup(iv->target);
        t->list_key = strdup(iv->list_key);
        t->list = strdup(iv->list ? iv->list : iv->list_key);
        if (!t->target || !t->list_key || !t->list)
            return -ENOMEM;
    }
    /* more intervals than a row can show: the oldest give way */
    if (t->niv == TL_MAX_IV) {
        free(t->iv[0].codes);
        memmove(&t->iv[0], &t->iv[1], (TL_MAX_IV - 1) * sizeof(t->iv[0]));
        t->niv--;
    }
    i = t->niv++;
    t->iv[i].first = iv->first_seen_ms;
    t->iv[i].last = iv->last_seen_ms;
    t->iv[i].cleared = iv->cleared_ms;
    t->iv[i].codes = strdup(iv->codes ? iv->codes : "");
    return t->iv[i].codes ? 0 : -ENOMEM;
}

struct run_ticks {
    struct timeline *t;
    uint64_t n;
};

static int tl_run(void *arg, const struct out_run_row *r)
{
    struct run_ticks *rt = arg;
    struct html *h = rt->t->h;
    double x = tl_x(rt->t, r->info.started_ms);

    if (x > 998)
        x = 998; /* the latest run stays visible at the right edge */

    rep_putf(h,
             "<line class=\"run\" x1=\"%.1f\" x2=\"%.1f\" y1=\"1\" y2=\"9\" "
             "vector-effect=\"non-scaling-stroke\"><title>run %" PRId64 " (%s), ",
             x, x, r->info.id, r->info.status);
    rep_put_time(h, r->info.started_ms);
    rep_put(h, "</title></line>");
    rt->n++;
    return 0;
}

void rep_timeline_section(struct html *h)
{
    struct out_report *rep = h->rep;
    struct timeline t = {.h = h, .from = rep->now_ms - rep->window_ms, .to = rep->now_ms};
    struct run_ticks rt = {.t = &t};
    int ret;

    rep_put(h, "<section id=\"timeline\">\n<h2>Timeline of listings</h2>\n");
    if (!h->st) {
        rep_put(h, "<p class=\"note\">No history: this report was made without a state store. Run "
                   "scans with <code>--state PATH</code> (or a job file) and each run adds to the "
                   "timeline.</p>\n</section>\n");
        return;
    }
    rep_put(h, "<p class=\"note\">One row per (target, list) listed at some time from ");
    rep_put_time(h, t.from);
    rep_put(h, " to ");
    rep_put_time(h, t.to);
    rep_put(h,
            ": a bar per listing interval, from the run that first saw it to the run that saw it "
            "cleared (light red: still listed). The first row marks the runs.</p>\n"
            "<input class=\"filter\" hidden placeholder=\"Filter the timeline\" "
            "data-for=\"timeline-table\">\n<table class=\"tl\" id=\"timeline-table\">\n<colgroup>"
            "<col class=\"c-target\"><col class=\"c-list\"><col class=\"c-bars\"><col>"
            "</colgroup>\n<thead><tr><th>target</th><th>list</th><th><div class=\"axis\">");
    for (int g = 0; g <= 6; g++) {
        char iso[32];
        rep_put(h, "<span>");
        if (out_iso8601(t.from + (t.to - t.from) * g / 6, iso, sizeof(iso)) == 0) {
            iso[10] = '\0';
            rep_put(h, iso + 5);
        }
        rep_put(h, "</span>");
    }
    rep_put(h, "</div></th><th>intervals</th></tr>\n<tr><td colspan=\"2\" class=\"why\">runs</td>"
               "<td class=\"bars\"><svg viewBox=\"0 0 1000 10\" preserveAspectRatio=\"none\">");
    ret = out_state_runs(h->st, t.from, tl_run, &rt, h->diag);
    rep_put(h, "</svg></td><td class=\"why\">");
    rep_put_num(h, rt.n);
    rep_put(h, " runs</td></tr></thead>\n<tbody>\n");
    if (ret == 0)
        ret = out_state_intervals(h->st, t.from, tl_interval, &t, h->diag);
    if (ret == 0)
        tl_flush(&t);
    tl_clear(&t);
    if (ret != 0 && !h->err)
        h->err = ret;
    rep_put(h, "</tbody>\n</table>\n");
    if (!t.rows)
        rep_put(h, "<p class=\"note\">Nothing was listed in this window.</p>\n");
    if (t.skipped) {
        rep_put(h, "<p class=\"note\">");
        rep_put_num(h, t.skipped);
        rep_put(h, " more (target, list) pairs were listed in the window; "
                   "<code>dnsbl-scan history</code> shows them all.</p>\n");
    }
    rep_put(h, "</section>\n");
}

/* --- events -------------------------------------------------------------------------- */

struct events {
    struct html *h;
    int64_t at; /* the run's start */
    uint64_t n;
};

static const char *event_class(enum out_event_type t)
{
    switch (t) {
    case OUT_EV_NEW_LISTING:
    case OUT_EV_CODE_CHANGED:
        return "o-listed";
    case OUT_EV_DELISTED:
    case OUT_EV_LIST_RECOVERED:
        return "o-ok";
    case OUT_EV_LIST_UNHEALTHY:
        return "o-error";
    case OUT_EV_LIST_ANOMALY:
        return "o-info";
    default:
        return "o-problem";
    }
}

static int event_row(void *arg, const struct out_event *ev)
{
    struct events *e = arg;
    struct html *h = e->h;

    if (e->n >= MAX_EVENTS)
        return 1; /* enough: stop this run's walk */
    e->n++;
    rep_putf(h, "<tr><td data-v=\"%lld\">", (long long)e->at);
    rep_put_time(h, e->at);
    rep_putf(h, "</td><td><span class=\"badge %s\">%s</span></td><td class=\"addr\">",
             event_class(ev->type), out_event_type_name(ev->type));
    rep_html(h, ev->target ? ev->target : "");
    rep_put(h, "</td><td>");
    rep_html(h, ev->list ? ev->list : ev->check);
    if (ev->kind) {
        rep_put(h, " <span class=\"why\">(");
        rep_html(h, ev->kind);
        rep_put(h, ")</span>");
    }
    rep_put(h, "</td><td class=\"wrap\">");
    switch (ev->type) {
    case OUT_EV_NEW_LISTING:
    case OUT_EV_DELISTED:
    case OUT_EV_CODE_CHANGED:
        if (ev->codes_before && ev->type == OUT_EV_CODE_CHANGED) {
            rep_html(h, ev->codes_before);
            rep_put(h, " &rarr; ");
        }
        rep_put(h, "<b>");
        rep_html(h, ev->codes);
        rep_put(h, "</b> ");
        rep_html(h, ev->meaning);
        if (ev->txt) {
            rep_put(h, "<div class=\"why\">TXT: ");
            rep_html(h, ev->txt);
            rep_put(h, "</div>");
        }
        break;
    case OUT_EV_LIST_UNHEALTHY:
        rep_html(h, ev->reason);
        rep_put(h, ": ");
        rep_html(h, ev->detail);
        break;
    case OUT_EV_LIST_ANOMALY:
        rep_put_anomaly(h, ev->new_listings, ev->scanned);
        break;
    default:
        rep_html(h, ev->before_status ? ev->before_status : "?");
        rep_put(h, " &rarr; ");
        rep_html(h, ev->after_status ? ev->after_status : "?");
        if (ev->before_status && ev->after_status &&
            strcmp(ev->before_status, ev->after_status) == 0)
            rep_put(h, " (the record changed)");
        break;
    }
    rep_put(h, "</td><td class=\"act\">");
    if (ev->delist_url && ev->type != OUT_EV_DELISTED)
        rep_put_link(h, ev->delist_url, "request removal");
    rep_put(h, "</td></tr>\n");
    return 0;
}

struct run_ids {
    int64_t id[MAX_EVENTS];
    int64_t at[MAX_EVENTS];
    size_t n;
};

static int take_run(void *arg, const struct out_run_row *r)
{
    struct run_ids *ids = arg;

    if (strcmp(r->info.status, "complete") != 0)
        return 0;
    ids->id[ids->n] = r->info.id;
    ids->at[ids->n] = r->info.started_ms;
    return ++ids->n == MAX_EVENTS ? 1 : 0;
}

void rep_events_section(struct html *h)
{
    struct out_report *rep = h->rep;
    struct events e = {.h = h};
    struct run_ids *ids = NULL;
    struct out_delta *d = NULL;
    struct out_delta_opts dopts = {.on_event = event_row, .arg = &e};
    int ret;

    rep_put(h, "<section id=\"events\">\n<h2>Last events</h2>\n");
    if (!h->st) {
        rep_put(h, "<p class=\"note\">Events (new listings, delistings, list health changes, "
                   "changed records) are what a state store records between runs; this report was "
                   "made without one.</p>\n</section>\n");
        return;
    }
    ids = calloc(1, sizeof(*ids));
    if (!ids) {
        h->err = -ENOMEM;
        rep_put(h, "</section>\n");
        return;
    }
    ret = out_state_runs(h->st, rep->now_ms - rep->window_ms, take_run, ids, h->diag);
    rep_put(h, "<p class=\"note\">The newest events of the complete runs in the window, newest run "
               "first (at most ");
    rep_put_num(h, MAX_EVENTS);
    rep_put(h, "; <code>dnsbl-scan history</code> has every change), with the delisting link of "
               "each new listing.</p>\n<table class=\"sort\" id=\"event-table\">\n<thead><tr>"
               "<th>run</th><th>event</th><th>target</th><th>list or check</th><th>what</th>"
               "<th>delist</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; ret >= 0 && i < ids->n && e.n < MAX_EVENTS; i++) {
        e.at = ids->at[i];
        ret = out_delta_new(&dopts, &d);
        if (ret == 0)
            ret = out_state_delta(h->st, ids->id[i], d, h->diag);
        out_delta_free(d);
        d = NULL;
    }
    if (ret < 0 && !h->err)
        h->err = ret;
    rep_put(h, "</tbody>\n</table>\n");
    if (!e.n)
        rep_put(h, "<p class=\"note\">No event in this window.</p>\n");
    rep_put(h, "</section>\n");
    free(ids);
}
