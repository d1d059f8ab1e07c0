/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * What every section of the report writes with (report_html_int.h): text into the
 * one sink (raw only for the program's own words; rep_html() for everything from
 * DNS, the store or the command line), numbers, times, links, the words and
 * classes of outcomes and scores, and SQL over the report's database with its
 * errors translated (rep_db_fail()). It calls no section.
 */
#include "output/report/report_html_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/store/delta.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

int rep_db_fail(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return -ENOMEM;
    case SQLITE_FULL:
        return -ENOSPC;
    default:
        return -EIO;
    }
}

void rep_put(struct html *h, const char *str)
{
    out_sink_puts(&h->s, str);
}

/* Untrusted text: escaped; NULL writes nothing. */
void rep_html(struct html *h, const char *str)
{
    if (str)
        out_sink_html(&h->s, str, strlen(str));
}

void rep_putf(struct html *h, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    out_sink_vprintf(&h->s, fmt, ap);
    va_end(ap);
}

static void db_failed(struct html *h, int rc)
{
    if (!h->err)
        h->err = rep_db_fail(rc);
}

const char *rep_col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* "65,536" */
const char *rep_num(uint64_t n, char *buf, size_t len)
{
    char raw[32];
    int k = snprintf(raw, sizeof(raw), "%" PRIu64, n), o = 0;

    for (int i = 0; i < k && (size_t)o + 2 < len; i++) {
        if (i && (k - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = raw[i];
    }
    buf[o] = '\0';
    return buf;
}

void rep_put_num(struct html *h, uint64_t n)
{
    char buf[40];
    rep_put(h, rep_num(n, buf, sizeof(buf)));
}

/* "2026-01-02 03:04 UTC" */
void rep_put_time(struct html *h, int64_t ms)
{
    char iso[32];

    if (out_iso8601(ms, iso, sizeof(iso)) != 0) {
        rep_put(h, "?");
        return;
    }
    iso[10] = ' ';
    iso[16] = '\0';
    rep_put(h, iso);
    rep_put(h, " UTC");
}

/* A link only for http(s); anything else (javascript:, data:, a relative name) is
 * shown as text. */
static bool is_web_url(const char *url)
{
    return url && (strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0);
}

void rep_put_link(struct html *h, const char *url, const char *text)
{
    if (!is_web_url(url)) {
        rep_html(h, text);
        return;
    }
    rep_put(h, "<a href=\"");
    rep_html(h, url);
    rep_put(h, "\" rel=\"noreferrer noopener\">");
    rep_html(h, text);
    rep_put(h, "</a>");
}

/* The operator's delist page from a template: the part before the first
 * placeholder, cut at the query string or back to the last '/'. */
bool rep_delist_page(const char *tpl, char *buf, size_t len)
{
    size_t n;
    char *q, *slash;

    if (!is_web_url(tpl) || strlen(tpl) >= len)
        return false;
    n = strcspn(tpl, "{");
    memcpy(buf, tpl, n);
    buf[n] = '\0';
    if (tpl[n] == '\0')
        return true;
    if ((q = strchr(buf, '?')))
        *q = '\0';
    else if ((slash = strrchr(buf, '/')) && slash > strstr(buf, "//") + 1)
        slash[1] = '\0';
    return true;
}

/* --- words ------------------------------------------------------------------------ */

/* What an anomalous list did, in the words of list_anomaly. */
void rep_put_anomaly(struct html *h, uint64_t new_listings, uint64_t scanned)
{
    rep_put(h, "newly listed ");
    rep_put_num(h, new_listings);
    rep_put(h, " of the ");
    rep_put_num(h, scanned);
    rep_put(h, " targets it scanned: its listings are held back");
}

const char *rep_outcome_class(enum scan_outcome o)
{
    switch (o) {
    case SCAN_OUT_OK:
        return "o-ok";
    case SCAN_OUT_LISTED:
        return "o-listed";
    case SCAN_OUT_INFO:
        return "o-info";
    case SCAN_OUT_PROBLEM:
        return "o-problem";
    case SCAN_OUT_ERROR:
        break;
    }
    return "o-error";
}

const char *const rep_level_words[REP_NLEVELS] = {
    [REP_NONE] = "not scanned",
    [REP_NOVERDICT] = "no blocklist verdict",
    [REP_CLEAN] = "clean",
    [REP_INFO] = "informational listing",
    [REP_ERROR] = "query error (verdict open)",
    [REP_LISTED] = "listed",
};

/* How a check is named in a badge: "SPF", "FCrDNS", "MTA-STS"... */
void rep_put_check_name(struct html *h, const char *check)
{
    char buf[64];
    size_t i;

    if (!check) {
        rep_put(h, "?");
        return;
    }
    if (strcmp(check, "fcrdns") == 0) {
        rep_put(h, "FCrDNS");
        return;
    }
    if (strcmp(check, "spf-auth") == 0) {
        rep_put(h, "SPF authorization");
        return;
    }
    for (i = 0; check[i] && i + 1 < sizeof(buf); i++)
        buf[i] = check[i] >= 'a' && check[i] <= 'z' ? (char)(check[i] - 'a' + 'A') : check[i];
    buf[i] = '\0';
    rep_html(h, buf);
}

const char *rep_score_band(unsigned score)
{
    return score >= 90 ? "s-good" : score >= 70 ? "s-fair" : "s-poor";
}

/* The badge colour of a score: its band's. */
const char *rep_score_class(unsigned score)
{
    return score >= 90 ? "o-ok" : score >= 70 ? "o-error" : "o-listed";
}

/* --- SQL over the report's database ------------------------------------------------ */

sqlite3_stmt *rep_prepare(struct html *h, const char *sql)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h->rep->db, sql, -1, &s, NULL);

    if (rc != SQLITE_OK)
        db_failed(h, rc);
    return s;
}

/* Step @p s; on the end or a failure, finalize it (recording the failure). */
bool rep_row(struct html *h, sqlite3_stmt **s)
{
    int rc;

    if (!*s)
        return false;
    rc = sqlite3_step(*s);
    if (rc == SQLITE_ROW)
        return true;
    if (rc != SQLITE_DONE)
        db_failed(h, rc);
    sqlite3_finalize(*s);
    *s = NULL;
    return false;
}

static void finish(sqlite3_stmt **s)
{
    sqlite3_finalize(*s);
    *s = NULL;
}

/* The first column of the first row of @p sql, with ?1 and ?2 bound to @p a and @p b
 * where the statement has them. */
int64_t rep_count_sql(struct html *h, const char *sql, int a, int b)
{
    sqlite3_stmt *s = rep_prepare(h, sql);
    int64_t n = 0;

    if (s && sqlite3_bind_parameter_count(s) >= 1)
        sqlite3_bind_int(s, 1, a);
    if (s && sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int(s, 2, b);
    if (rep_row(h, &s))
        n = sqlite3_column_int64(s, 0);
    finish(&s);
    return n;
}
