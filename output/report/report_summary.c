/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The top of the report: the header (tiles, what needs attention), the score
 * section and the lists section.
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

/* --- header ----------------------------------------------------------------------- */

static void count_listed_addrs(struct out_report *rep, struct totals *t)
{
    for (size_t i = 0; i < rep->nblocks; i++) {
        for (unsigned c = 0; c < 256; c++)
            t->listed_addrs += rep->blocks[i]->cell[c] == REP_LISTED;
    }
}

static bool list_unhealthy(const struct rep_list *l)
{
    for (int k = 0; k < REP_NKINDS; k++) {
        if (l->kinds[k].reported && l->kinds[k].health == OUT_LIST_UNHEALTHY)
            return true;
    }
    return false;
}

void rep_totals(struct html *h, struct totals *t)
{
    struct out_report *rep = h->rep;

    memset(t, 0, sizeof(*t));
    t->pool_score = out_score(OUT_SCORE_POOL, rep->pool);
    t->domains = (uint64_t)rep_count_sql(
        h, "SELECT count(DISTINCT target) FROM res WHERE blk IS NULL", 0, 0);
    t->lists = rep->nlists;
    for (size_t i = 0; i < rep->nlists; i++) {
        t->unhealthy_lists += list_unhealthy(&rep->lists[i]);
        t->listings += rep->lists[i].listed;
    }
    count_listed_addrs(rep, t);
    t->listed_addrs += (uint64_t)rep_count_sql(
        h, "SELECT count(DISTINCT target) FROM res WHERE blk IS NULL AND outcome = ?1",
        SCAN_OUT_LISTED, 0);
}

static void tile(struct html *h, const char *cls, uint64_t n, const char *label)
{
    rep_putf(h, "<div class=\"tile%s%s\"><b>", cls ? " " : "", cls ? cls : "");
    rep_put_num(h, n);
    rep_put(h, "</b><span>");
    rep_html(h, label);
    rep_put(h, "</span></div>\n");
}

static void score_tile(struct html *h, unsigned score, const char *label, const char *anchor)
{
    rep_putf(h, "<div class=\"tile score %s\"><b>%u<small>/100</small></b><span>",
             rep_score_band(score), score);
    if (anchor) {
        rep_put(h, "<a href=\"#");
        rep_html(h, anchor);
        rep_put(h, "\">");
    }
    rep_html(h, label);
    rep_put(h, anchor ? "</a></span></div>\n" : "</span></div>\n");
}

/* Lists in the order a reader should look at them: unhealthy ones and those with
 * the most listings first, the catalog's order otherwise. */
static int cmp_attention(const void *a, const void *b)
{
    const struct rep_list *x = *(const struct rep_list *const *)a;
    const struct rep_list *y = *(const struct rep_list *const *)b;
    bool ux = list_unhealthy(x), uy = list_unhealthy(y);

    if (x->listed != y->listed)
        return x->listed > y->listed ? -1 : 1;
    if (ux != uy)
        return ux ? -1 : 1;
    if (x->info != y->info)
        return x->info > y->info ? -1 : 1;
    return x < y ? -1 : x > y; /* stable: the catalog's order */
}

/* The lists in attention order (caller frees the array); NULL on ENOMEM. */
static const struct rep_list **sorted_lists(struct html *h)
{
    const struct rep_list **v = calloc(h->rep->nlists ? h->rep->nlists : 1, sizeof(*v));

    if (!v) {
        h->err = -ENOMEM;
        return NULL;
    }
    for (size_t i = 0; i < h->rep->nlists; i++)
        v[i] = &h->rep->lists[i];
    qsort(v, h->rep->nlists, sizeof(*v), cmp_attention);
    return v;
}

/* "<li><b>12 listings</b>" */
static void li_count(struct html *h, uint64_t n, const char *one, const char *many)
{
    rep_put(h, "<li><b>");
    rep_put_num(h, n);
    rep_put(h, n == 1 ? one : many);
    rep_put(h, "</b>");
}

/* The few sentences a reader needs first: what is listed where, which lists gave
 * no verdict, how FCrDNS fares, which domains have a broken record. */
static void attention(struct html *h, const struct totals *t)
{
    struct out_report *rep = h->rep;
    const struct rep_list **v = sorted_lists(h);
    uint64_t fcrdns = 0;
    size_t shown = 0;
    sqlite3_stmt *s;
    bool any = false;

    if (!v)
        return;
    rep_put(h, "<ul class=\"attn\">");
    if (t->listings) {
        any = true;
        li_count(h, t->listings, " listing", " listings");
        rep_put(h, " on ");
        rep_put_num(h, t->listed_addrs);
        rep_put(h, t->listed_addrs == 1 ? " target: " : " targets: ");
        for (size_t i = 0; i < rep->nlists && v[i]->listed; i++) {
            if (shown++ == 4) {
                rep_put(h, ", &hellip;");
                break;
            }
            rep_put(h, i ? ", " : "");
            rep_html(h, v[i]->zone);
            rep_put(h, " ");
            rep_put_num(h, v[i]->listed);
        }
        rep_put(h, "</li>");
    }
    if (t->unhealthy_lists) {
        any = true;
        li_count(h, t->unhealthy_lists, " list", " lists");
        rep_put(h, " gave no verdict (unhealthy or blocked): ");
        shown = 0;
        for (size_t i = 0; i < rep->nlists; i++) {
            if (!list_unhealthy(v[i]))
                continue;
            rep_put(h, shown++ ? ", " : "");
            rep_html(h, v[i]->zone);
        }
        rep_put(h, "</li>");
    }
    for (int o = 0; o <= SCAN_OUT_ERROR; o++)
        fcrdns += rep->fcrdns[o];
    if (fcrdns && rep->fcrdns[SCAN_OUT_OK] < fcrdns) {
        any = true;
        rep_put(h, "<li><b>FCrDNS</b> passes for ");
        rep_put_num(h, rep->fcrdns[SCAN_OUT_OK]);
        rep_put(h, " of ");
        rep_put_num(h, fcrdns);
        rep_put(h, " addresses</li>");
    }
    s = rep_prepare(h, "SELECT target, group_concat(src, ', ') FROM res WHERE blk IS NULL"
                       " AND outcome = ?1 AND kind != ?2 GROUP BY target ORDER BY target LIMIT 6");
    if (s) {
        sqlite3_bind_int(s, 1, SCAN_OUT_PROBLEM);
        sqlite3_bind_int(s, 2, SCAN_CHECK_DNSBL);
    }
    shown = 0;
    while (rep_row(h, &s)) {
        rep_put(h, shown++ ? "; " : "<li><b>Records</b> with a problem: ");
        rep_html(h, rep_col(s, 0));
        rep_put(h, " (");
        rep_html(h, rep_col(s, 1));
        rep_put(h, ")");
    }
    if (shown) {
        any = true;
        rep_put(h, "</li>");
    }
    if (!any)
        rep_put(h, "<li>Nothing needs attention: no listing, every list healthy, every record "
                   "check passed.</li>");
    rep_put(h, "</ul>\n");
    free(v);
}

void rep_header(struct html *h, const struct totals *t)
{
    struct out_report *rep = h->rep;
    char label[96];
    sqlite3_stmt *s;

    rep_put(h, "<header>\n<h1>DNSBL and DNS health report</h1>\n<p class=\"sub\">Targets: <b>");
    if (rep->targets && *rep->targets)
        rep_html(h, rep->targets);
    else
        rep_put(h, "none on record");
    rep_put(h, "</b></p>\n<p class=\"sub\">");
    if (!rep->has_run) {
        rep_put(h, "No complete run in the state store yet.");
    } else {
        rep_put(h, rep->from_store ? "Last complete run in the state store: started "
                                   : "Scan started ");
        rep_put_time(h, rep->started_ms);
        if (rep->ended_ms) {
            rep_put(h, ", ended ");
            rep_put_time(h, rep->ended_ms);
        }
        rep_put(h, rep->complete ? " (complete)" : " (<b>incomplete</b>: interrupted or failed)");
        rep_put(h, ". Checks: ");
        rep_html(h, rep->checks && *rep->checks ? rep->checks : "none");
        rep_put(h, ".");
    }
    rep_put(h, " Written ");
    rep_put_time(h, rep->now_ms);
    rep_put(h, " by dnsbl-scan ");
    rep_html(h, rep->o.version ? rep->o.version : "?");
    rep_put(h, ".</p>\n<div class=\"tiles\">\n");
    score_tile(h, t->pool_score, "pool health", "score");
    s = rep_prepare(h, "SELECT target, dscore(outcome) AS sc FROM res WHERE blk IS NULL"
                       " GROUP BY target ORDER BY sc, target LIMIT " STRINGIFY(MAX_DOMAIN_TILES));
    while (rep_row(h, &s))
        score_tile(h, (unsigned)sqlite3_column_int(s, 1), rep_col(s, 0), "records");
    tile(h, NULL, rep->addrs[0] + rep->addrs[1], "IP addresses");
    tile(h, NULL, t->domains, "domains");
    snprintf(label, sizeof(label), "lists (%" PRIu64 " unhealthy)", t->unhealthy_lists);
    tile(h, t->unhealthy_lists ? "s-fair" : NULL, t->lists, label);
    snprintf(label, sizeof(label), "listings, on %" PRIu64 " targets", t->listed_addrs);
    tile(h, t->listings ? "s-poor" : NULL, t->listings, label);
    rep_put(h, "</div>\n");
    attention(h, t);
    rep_put(h, "</header>\n<nav><a href=\"#score\">Score</a><a href=\"#lists\">Lists</a>"
               "<a href=\"#map\">Pool map</a><a href=\"#listings\">Listings</a>"
               "<a href=\"#timeline\">Timeline</a><a href=\"#records\">Record checks</a>"
               "<a href=\"#events\">Events</a></nav>\n<main>\n");
}

/* --- the score ---------------------------------------------------------------------- */

static const char *const cat_what[OUT_SCORE_NCATS] = {
    [OUT_SCORE_LISTED] = "a listing (class listing) of a target on one list",
    [OUT_SCORE_PROBLEM] = "a record check with a certain problem (FCrDNS fail, SPF or DMARC "
                          "invalid or none, MX invalid, SPF authorization not pass, ...)",
    [OUT_SCORE_OPEN] = "a result without a verdict: a DNS failure, an unhealthy or blocked "
                       "list, a temperror",
    [OUT_SCORE_INFO] = "an informational listing (UCEPROTECT levels 2 and 3, reputation lists)",
};

void rep_score_section(struct html *h, const struct totals *t)
{
    struct out_report *rep = h->rep;

    rep_put(h,
            "<section id=\"score\">\n<h2>Health score</h2>\n<p class=\"note\">Each result "
            "that is not OK is one finding. A finding about an IP address counts against the "
            "pool, one about a domain against that domain. Each finding costs the points of its "
            "category, and a category never costs more than its cap: score = 100 &minus; the sum "
            "over categories of min(findings &times; cost, cap). 90 and above is good, 70 and "
            "above fair, below 70 poor.</p>\n<table>\n<thead><tr><th>category</th>"
            "<th>one finding is</th><th class=\"n\">pool: cost</th><th class=\"n\">cap</th>"
            "<th class=\"n\">this pool</th><th class=\"n\">points lost</th>"
            "<th class=\"n\">domain: cost</th><th class=\"n\">cap</th></tr></thead>\n<tbody>\n");
    for (int c = 0; c < OUT_SCORE_NCATS; c++) {
        const struct out_score_rule *p = out_score_rule(OUT_SCORE_POOL, c);
        const struct out_score_rule *d = out_score_rule(OUT_SCORE_DOMAIN, c);
        rep_putf(h, "<tr><td>%s</td><td>%s</td><td class=\"n\">%u</td><td class=\"n\">%u</td>",
                 out_score_cat_name(c), cat_what[c], p->cost, p->cap);
        rep_put(h, "<td class=\"n\">");
        rep_put_num(h, rep->pool[c]);
        rep_putf(h,
                 "</td><td class=\"n\">&minus;%u</td><td class=\"n\">%u</td><td class=\"n\">%u"
                 "</td></tr>\n",
                 out_score_deduction(OUT_SCORE_POOL, c, rep->pool[c]), d->cost, d->cap);
    }
    rep_putf(h,
             "</tbody>\n<tfoot><tr><th colspan=\"5\">pool score</th><th class=\"n\">%u</th>"
             "<th colspan=\"2\"></th></tr></tfoot>\n</table>\n<p class=\"note\">Example: one "
             "listed address on one list costs the pool %u points; a domain whose DMARC record "
             "is invalid loses %u. Domain scores are in <a href=\"#records\">Record checks</a>.",
             t->pool_score, out_score_rule(OUT_SCORE_POOL, OUT_SCORE_LISTED)->cost,
             out_score_rule(OUT_SCORE_DOMAIN, OUT_SCORE_PROBLEM)->cost);
    if (rep->from_store)
        rep_put(h,
                " From the state store: it keeps listings (class listing) and the last result of "
                "each record check, not informational answers or single errors, so those count "
                "only where a list is unhealthy now.");
    rep_put(h, "</p>\n</section>\n");
}

/* --- lists ------------------------------------------------------------------------- */

static const char *const kind_words[REP_NKINDS] = {"ip4", "ip6", "domain", "all kinds"};

static void list_health(struct html *h, const struct rep_list *l)
{
    bool any = false;

    for (int k = 0; k < REP_NKINDS; k++) {
        const struct rep_health *kh = &l->kinds[k];
        if (!kh->reported)
            continue;
        any = true;
        rep_put(h, "<div>");
        switch (kh->health) {
        case OUT_LIST_HEALTHY:
            rep_putf(h, "<span class=\"badge o-ok\">%s healthy</span>", kind_words[k]);
            break;
        case OUT_LIST_UNHEALTHY:
            rep_putf(h, "<span class=\"badge o-error\">%s %s</span>", kind_words[k],
                     kh->why == SCAN_R_BLOCKED ? "blocked" : "unhealthy");
            rep_put(h, "<div class=\"why bad\">");
            rep_html(h, kh->detail ? kh->detail : scan_reason_meaning(kh->why));
            rep_put(h, "</div>");
            break;
        case OUT_LIST_ANOMALOUS:
            rep_putf(h, "<span class=\"badge o-info\">%s anomalous</span>", kind_words[k]);
            rep_put(h, "<div class=\"why\">");
            rep_put_anomaly(h, kh->new_listings, kh->scanned);
            rep_put(h, "</div>");
            break;
        }
        if (kh->since_ms && kh->health != OUT_LIST_HEALTHY) {
            rep_put(h, "<div class=\"why\">since ");
            rep_put_time(h, kh->since_ms);
            rep_put(h, "</div>");
        }
        rep_put(h, "</div>");
    }
    if (!any)
        rep_put(h, "<span class=\"why\">no health report</span>");
}

static void list_errors(struct html *h, const struct rep_list *l)
{
    bool first = true;

    rep_putf(h, "<td class=\"n\" data-v=\"%" PRIu64 "\">", l->errors);
    rep_put_num(h, l->errors);
    for (int r = 0; r < SCAN_R_COUNT; r++) {
        if (!l->by_reason[r])
            continue;
        rep_put(h, first ? "<div class=\"why\">" : ", ");
        first = false;
        rep_put_num(h, l->by_reason[r]);
        rep_put(h, " ");
        rep_html(h, r ? scan_reason_word(r) : "error");
    }
    rep_put(h, first ? "</td>" : "</div></td>");
}

/* Runs per day for the daily limit: the runs of the store in the 24 hours up to the
 * run shown (at least this one). */
struct day_runs {
    int64_t from, to;
    uint64_t n;
};

static int count_day_run(void *arg, const struct out_run_row *r)
{
    struct day_runs *d = arg;

    if (r->info.started_ms <= d->to && strcmp(r->info.status, "aborted") != 0)
        d->n++;
    return 0;
}

static uint64_t runs_per_day(struct html *h)
{
    struct out_report *rep = h->rep;
    int64_t to = rep->started_ms ? rep->started_ms : rep->now_ms;
    struct day_runs d = {.from = to - 24 * 3600 * 1000LL, .to = to};
    int ret;

    if (!h->st)
        return 1;
    ret = out_state_runs(h->st, d.from, count_day_run, &d, h->diag);
    if (ret != 0 && !h->err)
        h->err = ret;
    return d.n ? d.n : 1;
}

static void list_daily(struct html *h, const struct rep_list *l, uint64_t domains, uint64_t runs)
{
    const struct out_report_list *m = l->meta;
    struct out_report *rep = h->rep;
    uint64_t per_run = 0;
    double share;

    if (!m || !m->daily_limit) {
        rep_put(h, "<td data-v=\"-1\"><span class=\"why\">no limit</span></td>");
        return;
    }
    per_run += m->ip4 ? rep->addrs[0] : 0;
    per_run += m->ip6 ? rep->addrs[1] : 0;
    per_run += m->domain ? domains : 0;
    per_run += m->txt ? l->listed + l->info : 0;
    share = (double)(per_run * runs) / (double)m->daily_limit;
    rep_putf(h,
             "<td data-v=\"%.4f\"><meter min=\"0\" max=\"1\" low=\"0.5\" high=\"0.8\" "
             "optimum=\"0\" value=\"%.4f\"></meter>%.0f%%<div class=\"why\">",
             share, share > 1 ? 1.0 : share, share * 100);
    rep_put_num(h, per_run);
    rep_put(h, " queries a run &times; ");
    rep_put_num(h, runs);
    rep_put(h, runs == 1 ? " run a day, of " : " runs a day, of ");
    rep_put_num(h, m->daily_limit);
    rep_put(h, "</div></td>");
}

void rep_lists_section(struct html *h, uint64_t domains)
{
    struct out_report *rep = h->rep;
    uint64_t runs = runs_per_day(h);
    const struct rep_list **v = NULL;
    char page[1024];

    rep_put(h, "<section id=\"lists\">\n<h2>Lists</h2>\n");
    if (!rep->nlists) {
        rep_put(h, "<p class=\"note\">No blocklist was queried.</p>\n</section>\n");
        return;
    }
    rep_put(h, "<p class=\"note\">Health is checked per kind of target with each list's test "
               "points before any of its answers is trusted; a list that is not healthy for a kind "
               "gives no verdict for it. Daily-limit use: one query per target of a kind the list "
               "serves (and one TXT query per listing where the catalog fetches TXT), times the "
               "runs of the last 24 hours.</p>\n<input class=\"filter\" hidden "
               "placeholder=\"Filter lists\" data-for=\"list-table\">\n<table class=\"sort\" "
               "id=\"list-table\">\n<thead><tr><th>list</th>");
    rep_put(h, rep->from_store ? "<th>last known health</th>" : "<th>health this run</th>");
    rep_put(h, "<th class=\"n\">listed</th><th class=\"n\">informational</th>"
               "<th class=\"n\">errors</th><th>daily-limit use</th><th>delist</th></tr></thead>\n"
               "<tbody>\n");
    v = sorted_lists(h);
    for (size_t i = 0; v && i < rep->nlists; i++) {
        const struct rep_list *l = v[i];
        rep_put(h, "<tr><td><b>");
        rep_html(h, l->zone);
        rep_put(h, "</b><div class=\"why\">");
        rep_html(h, l->key);
        rep_put(h, "</div></td><td>");
        list_health(h, l);
        rep_putf(h, "</td><td class=\"n\" data-v=\"%" PRIu64 "\">", l->listed);
        rep_put_num(h, l->listed);
        rep_putf(h, "</td><td class=\"n\" data-v=\"%" PRIu64 "\">", l->info);
        rep_put_num(h, l->info);
        rep_put(h, "</td>");
        list_errors(h, l);
        list_daily(h, l, domains, runs);
        rep_put(h, "<td>");
        if (l->meta && rep_delist_page(l->meta->delist, page, sizeof(page)))
            rep_put_link(h, page, "delisting page");
        else
            rep_put(h, "<span class=\"why\">none known</span>");
        rep_put(h, "</td></tr>\n");
    }
    rep_put(h, "</tbody>\n</table>\n</section>\n");
    free(v);
}
