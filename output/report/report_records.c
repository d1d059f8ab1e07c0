/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The record checks: a badge per check and per address or domain.
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

/* --- record checks ----------------------------------------------------------------- */

static void badge_open(struct html *h, enum scan_outcome o)
{
    rep_putf(h, "<div><span class=\"badge %s\">", rep_outcome_class(o));
}

/* A record check: "SPF invalid" and its first problem in words. */
static void record_badge(struct html *h, sqlite3_stmt *s)
{
    enum scan_outcome o = (enum scan_outcome)sqlite3_column_int(s, 3);
    enum scan_reason why = SCAN_R_NONE;
    const char *problem = rep_col(s, 6), *reason = rep_col(s, 5);

    badge_open(h, o);
    rep_put_check_name(h, rep_col(s, 2));
    rep_put(h, " ");
    rep_html(h, rep_col(s, 4));
    rep_put(h, "</span>");
    if (rep_col(s, 7)) {
        rep_put(h, " <span class=\"why\">for ");
        rep_html(h, rep_col(s, 7));
        rep_put(h, "</span>");
    }
    if (reason && scan_reason_from_word(reason, &why) != 0)
        why = SCAN_R_NONE;
    if (problem || (o != SCAN_OUT_OK && why)) {
        rep_putf(h, "<div class=\"why%s\">", o == SCAN_OUT_OK ? "" : " bad");
        if (problem) {
            rep_html(h, problem);
        } else {
            rep_html(h, reason);
            rep_put(h, ": ");
            rep_html(h, scan_reason_meaning(why));
        }
        rep_put(h, "</div>");
    }
    rep_put(h, "</div>");
}

/* The blocklist results of a domain, summed up in one badge. */
struct dnsbl_sum {
    uint64_t n[SCAN_OUT_ERROR + 1];
    uint64_t unasked;       /* errors of lists unhealthy or blocked for the kind */
    struct out_sink listed; /* "zone codes; zone codes" */
};

static void dnsbl_add(struct dnsbl_sum *d, sqlite3_stmt *s)
{
    enum scan_outcome o = (enum scan_outcome)sqlite3_column_int(s, 3);
    enum scan_reason why = SCAN_R_NONE;

    if (o > SCAN_OUT_ERROR)
        o = SCAN_OUT_ERROR;
    if (o == SCAN_OUT_ERROR && scan_reason_from_word(rep_col(s, 5), &why) == 0 &&
        (why == SCAN_R_UNHEALTHY || why == SCAN_R_BLOCKED))
        d->unasked++;
    else
        d->n[o]++;
    if (o == SCAN_OUT_LISTED || o == SCAN_OUT_INFO) {
        out_sink_puts(&d->listed, d->listed.len ? "; " : "");
        out_sink_puts(&d->listed, rep_col(s, 2) ? rep_col(s, 2) : "?");
        out_sink_puts(&d->listed, " ");
        out_sink_puts(&d->listed, rep_col(s, 9) ? rep_col(s, 9) : "");
    }
}

/* A domain's blocklist results in one badge, coloured like its map cell would be. */
static void dnsbl_badge(struct html *h, struct dnsbl_sum *d)
{
    uint64_t total = d->unasked;
    enum scan_outcome worst;
    const char *sep = "";

    for (int o = 0; o <= SCAN_OUT_ERROR; o++)
        total += d->n[o];
    if (!total)
        return;
    worst = d->n[SCAN_OUT_LISTED]  ? SCAN_OUT_LISTED
            : d->n[SCAN_OUT_ERROR] ? SCAN_OUT_ERROR
            : d->n[SCAN_OUT_INFO]  ? SCAN_OUT_INFO
            : d->n[SCAN_OUT_OK]    ? SCAN_OUT_OK
                                   : SCAN_OUT_ERROR;
    badge_open(h, worst);
    if (d->n[SCAN_OUT_LISTED])
        rep_putf(h, "listed on %" PRIu64 " of %" PRIu64 " lists", d->n[SCAN_OUT_LISTED], total);
    else
        rep_putf(h, "clean on %" PRIu64 " of %" PRIu64 " lists", d->n[SCAN_OUT_OK], total);
    rep_put(h, "</span>");
    if (d->listed.len || d->n[SCAN_OUT_ERROR] || d->unasked) {
        rep_putf(h, "<div class=\"why%s\">", d->n[SCAN_OUT_LISTED] ? " bad" : "");
        if (d->listed.len) {
            out_sink_html(&h->s, out_sink_str(&d->listed), d->listed.len);
            sep = "; ";
        }
        if (d->n[SCAN_OUT_ERROR]) {
            rep_putf(h, "%s%" PRIu64 " query errors", sep, d->n[SCAN_OUT_ERROR]);
            sep = "; ";
        }
        if (d->unasked)
            rep_putf(h, "%s%" PRIu64 " not asked (list unhealthy or blocked)", sep, d->unasked);
        rep_put(h, "</div>");
    }
    rep_put(h, "</div>");
    memset(d->n, 0, sizeof(d->n));
    d->unasked = 0;
    out_sink_clear(&d->listed);
}

static void pool_row(struct html *h)
{
    struct out_report *rep = h->rep;
    uint64_t total = 0, best = 0;
    int top = SCAN_R_NONE;

    rep_put(h, "<tr><td><b>the pool</b><div class=\"why\">");
    rep_put_num(h, rep->addrs[0] + rep->addrs[1]);
    rep_putf(h,
             " addresses</div></td><td class=\"n\" data-v=\"%u\"><span class=\"badge %s\">%u"
             "</span></td><td><div class=\"cell-badges\">",
             out_score(OUT_SCORE_POOL, rep->pool),
             rep_score_class(out_score(OUT_SCORE_POOL, rep->pool)),
             out_score(OUT_SCORE_POOL, rep->pool));
    for (int o = 0; o <= SCAN_OUT_ERROR; o++)
        total += rep->fcrdns[o];
    if (total) {
        enum scan_outcome worst = rep->fcrdns[SCAN_OUT_PROBLEM] ? SCAN_OUT_PROBLEM
                                  : rep->fcrdns[SCAN_OUT_ERROR] ? SCAN_OUT_ERROR
                                                                : SCAN_OUT_OK;
        badge_open(h, worst);
        rep_putf(h, "FCrDNS %" PRIu64 " of %" PRIu64 " pass (%.0f%%)</span>",
                 rep->fcrdns[SCAN_OUT_OK], total,
                 100.0 * (double)rep->fcrdns[SCAN_OUT_OK] / (double)total);
        for (int r = 1; r < SCAN_R_COUNT; r++) {
            if (rep->fcrdns_why[r] > best) {
                best = rep->fcrdns_why[r];
                top = r;
            }
        }
        if (best) {
            rep_put(h, "<div class=\"why bad\">");
            rep_put_num(h, best);
            rep_put(h, " ");
            rep_html(h, scan_reason_word(top));
            rep_put(h, ": ");
            rep_html(h, scan_reason_meaning(top));
            rep_put(h, "</div>");
        }
        rep_put(h, "</div>");
    }
    for (size_t i = 0; i < rep->nauth; i++) {
        const struct rep_auth *a = &rep->auth[i];
        badge_open(h, a->pass == a->total ? SCAN_OUT_OK : SCAN_OUT_PROBLEM);
        rep_putf(h, "SPF authorizes %" PRIu64 " of %" PRIu64 "</span><div class=\"why\">", a->pass,
                 a->total);
        rep_put(h, "addresses, by the SPF record of ");
        rep_html(h, a->domain);
        rep_put(h, "</div></div>");
    }
    if (!total && !rep->nauth)
        rep_put(h, "<span class=\"why\">no record check of the addresses</span>");
    rep_put(h, "</div></td></tr>\n");
}

void rep_records_section(struct html *h)
{
    struct out_report *rep = h->rep;
    struct dnsbl_sum d = {0};
    sqlite3_stmt *s;
    char *cur = NULL;

    rep_put(h,
            "<section id=\"records\">\n<h2>Record checks</h2>\n<p class=\"note\">The pool's "
            "FCrDNS (each address's PTR name must resolve back to it) and SPF authorization, "
            "then each domain: its blocklist results and every record check, each badge with its "
            "first problem in words, and the domain's health score.</p>\n<input class=\"filter\" "
            "hidden placeholder=\"Filter domains\" data-for=\"record-table\">\n<table "
            "class=\"sort\" id=\"record-table\">\n<thead><tr><th>target</th><th class=\"n\">score"
            "</th><th>checks</th></tr></thead>\n<tbody>\n");
    if (rep->nblocks)
        pool_row(h);
    out_sink_init_mem(&d.listed);
    s = rep_prepare(h, "WITH sc AS (SELECT target, dscore(outcome) AS score FROM res"
                       "  WHERE blk IS NULL GROUP BY target)"
                       " SELECT r.target, sc.score, r.src, r.outcome, r.status, r.reason,"
                       " " PROBLEM_SQL ", r.scope, r.kind, " CODES_SQL
                       " FROM res AS r JOIN sc ON sc.target = r.target WHERE r.blk IS NULL"
                       " ORDER BY r.target, r.kind != ?, r.kind, r.src, r.scope");
    if (s)
        sqlite3_bind_int(s, 1, SCAN_CHECK_DNSBL);
    while (rep_row(h, &s)) {
        const char *target = rep_col(s, 0);
        if (!target)
            continue;
        if (!cur || strcmp(cur, target) != 0) {
            if (cur) {
                dnsbl_badge(h, &d);
                rep_put(h, "</div></td></tr>\n");
            }
            free(cur);
            cur = strdup(target);
            if (!cur) {
                h->err = -ENOMEM;
                break;
            }
            rep_put(h, "<tr><td class=\"addr\">");
            rep_html(h, target);
            rep_putf(h,
                     "</td><td class=\"n\" data-v=\"%d\"><span class=\"badge %s\">%d</span></td>"
                     "<td><div class=\"cell-badges\">",
                     sqlite3_column_int(s, 1), rep_score_class((unsigned)sqlite3_column_int(s, 1)),
                     sqlite3_column_int(s, 1));
        }
        if (sqlite3_column_int(s, 8) == SCAN_CHECK_DNSBL) {
            dnsbl_add(&d, s);
            continue;
        }
        dnsbl_badge(h, &d);
        record_badge(h, s);
    }
    if (cur) {
        dnsbl_badge(h, &d);
        rep_put(h, "</div></td></tr>\n");
    }
    free(cur);
    out_sink_deinit(&d.listed);
    rep_put(h, "</tbody>\n</table>\n");
    if (!rep->nblocks && !rep_count_sql(h, "SELECT count(*) FROM res WHERE blk IS NULL", 0, 0))
        rep_put(h, "<p class=\"note\">No record check was made.</p>\n");
    rep_put(h, "</section>\n");
}
