/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Internals of the report's HTML renderer, shared by its files: report_html.c (the
 * writing helpers, the words, the SQL helpers and the page itself, rep_render()),
 * report_summary.c (header, score, lists), report_grid.c (pool map, listings),
 * report_timeline.c (timeline, events) and report_records.c (record checks). Only
 * those include it.
 */
#ifndef OUTPUT_REPORT_HTML_INT_H
#define OUTPUT_REPORT_HTML_INT_H

#include <stdio.h>

#include "output/report/report_model.h"

#define STR_(x)      #x
#define STRINGIFY(x) STR_(x)

/** Rows at most in the listings table, the timeline and the events. */
#define MAX_LISTINGS 500
#define MAX_TIMELINE 300
#define MAX_EVENTS   100
/** Blocks drawn cell by cell at most; beyond, only blocks with a finding are drawn. */
#define MAX_GRIDS 1024
/** Domain scores in the header at most (the lowest first). */
#define MAX_DOMAIN_TILES 11

struct html {
    struct out_sink s;
    struct out_report *rep;
    struct out_state *st;
    struct scan_diag *diag; /* the caller's, for the store's message (may be NULL) */
    int err;                /* a failure other than a write (SQLite, memory) */
};

/* The first problem of a record check, in words, from its JSON: an error-severity
 * entry of "problems" first, then any, then "problem", an MX host's "problem",
 * FCrDNS "warnings". */
#define PROBLEM_SQL                                                                                \
    "coalesce("                                                                                    \
    " (SELECT json_extract(value, '$.message') FROM json_each(j, '$.problems')"                    \
    "  WHERE json_type(value, '$.message') = 'text'"                                               \
    "  ORDER BY json_extract(value, '$.severity') = 'error' DESC LIMIT 1),"                        \
    " (SELECT value FROM json_each(j, '$.problems') WHERE type = 'text' LIMIT 1),"                 \
    " CASE WHEN json_type(j, '$.problem') = 'text' THEN json_extract(j, '$.problem') END,"         \
    " (SELECT json_extract(value, '$.problem') FROM json_each(j, '$.hosts')"                       \
    "  WHERE json_type(value, '$.problem') = 'text' LIMIT 1),"                                     \
    " (SELECT value FROM json_each(j, '$.warnings') WHERE type = 'text' LIMIT 1))"

#define CODES_SQL                                                                                  \
    "(SELECT replace(group_concat(DISTINCT value), ',', ' ') FROM json_each(j, '$.codes'))"
#define MEANINGS_SQL "(SELECT group_concat(value, '; ') FROM json_each(j, '$.meanings'))"

/** The header's figures (report_summary.c), computed before the page starts. */
struct totals {
    unsigned pool_score;
    uint64_t domains, lists, unhealthy_lists, listings, listed_addrs;
};

/* Writing (report_html.c): raw program text, escaped untrusted text, numbers, times,
 * links. */
void rep_put(struct html *h, const char *str);
void rep_html(struct html *h, const char *str);
void rep_putf(struct html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *rep_col(sqlite3_stmt *s, int i);
const char *rep_num(uint64_t n, char *buf, size_t len);
void rep_put_num(struct html *h, uint64_t n);
void rep_put_time(struct html *h, int64_t ms);
void rep_put_link(struct html *h, const char *url, const char *text);
bool rep_delist_page(const char *tpl, char *buf, size_t len);

/* Words (report_html.c). */
void rep_put_anomaly(struct html *h, uint64_t new_listings, uint64_t scanned);
const char *rep_outcome_class(enum scan_outcome o);
extern const char *const rep_level_words[REP_NLEVELS];
void rep_put_check_name(struct html *h, const char *check);
const char *rep_score_band(unsigned score);
const char *rep_score_class(unsigned score);

/* SQL over the report's database (report_html.c). */
sqlite3_stmt *rep_prepare(struct html *h, const char *sql);
bool rep_row(struct html *h, sqlite3_stmt **s);
int64_t rep_count_sql(struct html *h, const char *sql, int a, int b);

/* The sections, in the page's order. */
void rep_totals(struct html *h, struct totals *t);              /* report_summary.c */
void rep_header(struct html *h, const struct totals *t);        /* report_summary.c */
void rep_score_section(struct html *h, const struct totals *t); /* report_summary.c */
void rep_lists_section(struct html *h, uint64_t domains);       /* report_summary.c */
void rep_map_section(struct html *h);                           /* report_grid.c */
void rep_listings_section(struct html *h);                      /* report_grid.c */
void rep_timeline_section(struct html *h);                      /* report_timeline.c */
void rep_records_section(struct html *h);                       /* report_records.c */
void rep_events_section(struct html *h);                        /* report_timeline.c */

#endif
