/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SQLite state store, reading side: runs, the recorded deltas, delivery
 * bookkeeping (built on those deltas) and history.
 */
#include "output/store/state_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/fmt.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- reading ------------------------------------------------------------- */

static const char *status_word(const unsigned char *s)
{
    static const char *const words[] = {"running", "complete", "incomplete", "aborted"};

    for (size_t i = 0; s && i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp((const char *)s, words[i]) == 0)
            return words[i];
    }
    return "unknown";
}

void st_run_info_read(sqlite3_stmt *s, struct out_run_info *info)
{
    info->id = sqlite3_column_int64(s, 0);
    info->started_ms = sqlite3_column_int64(s, 1);
    info->ended_ms = sqlite3_column_int64(s, 2);
    info->status = status_word(sqlite3_column_text(s, 3));
    info->targets = (uint64_t)sqlite3_column_int64(s, 4);
    info->results = (uint64_t)sqlite3_column_int64(s, 5);
    info->listed = (uint64_t)sqlite3_column_int64(s, 6);
    info->errors = (uint64_t)sqlite3_column_int64(s, 7);
}

static int read_run(struct out_state *st, const char *where, int64_t arg, struct out_run_info *info)
{
    char sql[256];
    sqlite3_stmt *s = NULL;
    int rc, ret;

    memset(info, 0, sizeof(*info));
    snprintf(sql, sizeof(sql), "SELECT " RUN_COLUMNS " FROM runs %s", where);
    rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = st_db_fail(st, rc, "state store");
        goto out;
    }
    if (sqlite3_bind_parameter_count(s) > 0)
        sqlite3_bind_int64(s, 1, arg);
    rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        ret = SCAN_ENOTFOUND;
        goto out;
    }
    if (rc != SQLITE_ROW) {
        ret = st_db_fail(st, rc, "state store");
        goto out;
    }
    st_run_info_read(s, info);
    ret = 0;
out:
    sqlite3_finalize(s);
    return ret;
}

int out_state_run_get(struct out_state *st, int64_t run_id, struct out_run_info *info,
                      struct scan_diag *diag)
{
    if (!st || !info)
        return -EINVAL;
    return st_diag_take(st, read_run(st, "WHERE id = ?", run_id, info), diag);
}

/* The previous complete run before @p run (0: none, this is the baseline). */
int st_prev_complete(struct out_state *st, int64_t run, int64_t *prev)
{
    sqlite3_stmt *s = NULL;
    int rc;

    *prev = 0;
    rc = sqlite3_prepare_v2(st->db, "SELECT max(id) FROM runs WHERE status = 'complete' AND id < ?",
                            -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run);
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *prev = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : st_db_fail(st, rc, "state store");
}

int out_state_last_complete(struct out_state *st, struct out_run_info *info, struct scan_diag *diag)
{
    if (!st || !info)
        return -EINVAL;
    return st_diag_take(
        st, read_run(st, "WHERE status = 'complete' ORDER BY id DESC LIMIT 1", 0, info), diag);
}

/* The events of a run; @p kind and @p pool are the columns holding an event's kind
 * and pool ("NULL" in schemas before they existed: v3 and v4). */
#define EVENTS_SQL(kind, pool)                                                                     \
    "WITH ev AS (SELECT *,"                                                                        \
    "  CASE WHEN json_valid(before) THEN before END AS b,"                                         \
    "  CASE WHEN json_valid(after) THEN after END AS a"                                            \
    " FROM events WHERE run_id = ?),"                                                              \
    " side AS (SELECT *, CASE type WHEN 'delisted' THEN b ELSE a END AS l FROM ev)"                \
    " SELECT type, check_name, target, list_key, list, b, a,"                                      \
    "  json_extract(b, '$.status'), json_extract(a, '$.status'),"                                  \
    "  (SELECT group_concat(value, ',') FROM json_each(l, '$.codes')),"                            \
    "  (SELECT group_concat(value, ',') FROM json_each(b, '$.codes')),"                            \
    "  (SELECT group_concat(value, '; ') FROM json_each(l, '$.meanings')),"                        \
    "  json_extract(l, '$.txt'), json_extract(l, '$.delist_url'),"                                 \
    "  reason, detail, coalesce(new_listings, 0), coalesce(scanned, 0), " kind ", " pool           \
    " FROM side ORDER BY id"

static const char events_sql[] = EVENTS_SQL("kind", "pool");
static const char events_sql_v3[] = EVENTS_SQL("kind", "NULL");
static const char events_sql_v2[] = EVENTS_SQL("NULL", "NULL");

const char *st_col_text(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* Add the events of run @p run_id to @p d (between its begin and end). */
static int write_events(struct out_state *st, int64_t run_id, bool redelivered, struct out_delta *d)
{
    const char *sql = st->version >= 4   ? events_sql
                      : st->version == 3 ? events_sql_v3
                                         : events_sql_v2;
    sqlite3_stmt *s = NULL;
    int rc, ret = 0;

    rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = st_db_fail(st, rc, "state store: events");
        goto out;
    }
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct out_event ev = {
            .check = st_col_text(s, 1),
            .target = st_col_text(s, 2),
            .list_id = st_col_text(s, 3),
            .list = st_col_text(s, 4),
            .before = st_col_text(s, 5),
            .after = st_col_text(s, 6),
            .before_status = st_col_text(s, 7),
            .after_status = st_col_text(s, 8),
            .codes = st_col_text(s, 9),
            .codes_before = st_col_text(s, 10),
            .meaning = st_col_text(s, 11),
            .txt = st_col_text(s, 12),
            .delist_url = st_col_text(s, 13),
            .reason = st_col_text(s, 14),
            .detail = st_col_text(s, 15),
            .new_listings = (uint64_t)sqlite3_column_int64(s, 16),
            .scanned = (uint64_t)sqlite3_column_int64(s, 17),
            .kind = st_col_text(s, 18),
            .pool = st_col_text(s, 19),
            .run_id = run_id,
            .redelivered = redelivered,
        };
        if (out_event_type_parse(st_col_text(s, 0), &ev.type) != 0)
            continue; /* a type from a newer program: not ours to render */
        ret = out_delta_event(d, &ev);
        if (ret != 0)
            goto out;
    }
    if (rc != SQLITE_DONE)
        ret = st_db_fail(st, rc, "state store: events");
out:
    sqlite3_finalize(s);
    return ret;
}

/* out_delta_begin() with run @p run_id and the complete run before it. */
static int begin_delta(struct out_state *st, int64_t run_id, struct out_delta *d, bool *complete)
{
    struct out_run_info run, prev;
    int64_t prev_id = 0;
    int ret;

    ret = read_run(st, "WHERE id = ?", run_id, &run);
    if (ret == 0)
        ret = st_prev_complete(st, run_id, &prev_id);
    if (ret == 0 && prev_id)
        ret = read_run(st, "WHERE id = ?", prev_id, &prev);
    if (ret != 0)
        return ret;
    *complete = strcmp(run.status, "complete") == 0;
    return out_delta_begin(d, &run, prev_id ? &prev : NULL);
}

int st_write_delta(struct out_state *st, int64_t run_id, struct out_delta *d)
{
    bool complete;
    int ret;

    if (!st || !d)
        return -EINVAL;
    ret = begin_delta(st, run_id, d, &complete);
    if (ret == 0 && complete)
        ret = write_events(st, run_id, false, d);
    if (ret == 0)
        ret = out_delta_end(d);
    return ret;
}

int out_state_delta(struct out_state *st, int64_t run_id, struct out_delta *d,
                    struct scan_diag *diag)
{
    return st_diag_take(st, st_write_delta(st, run_id, d), diag);
}

/* --- delivery ------------------------------------------------------------ */

/* The pending runs before @p run_id, oldest first, into a heap array. */
static int pending_runs(struct out_state *st, int64_t run_id, int64_t **ids, size_t *n)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc, ret = 0;

    *ids = NULL;
    *n = 0;
    if (st->version < 4)
        return 0;
    rc = sqlite3_prepare_v2(st->db,
                            "SELECT id FROM runs WHERE delivery = 'pending' AND id < ? ORDER BY id",
                            -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = st_db_fail(st, rc, "state store: pending deliveries");
        goto out;
    }
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            int64_t *v = realloc(*ids, (cap = cap ? cap * 2 : 8) * sizeof(*v));
            if (!v) {
                ret = -ENOMEM;
                goto out;
            }
            *ids = v;
        }
        (*ids)[(*n)++] = sqlite3_column_int64(s, 0);
    }
    if (rc != SQLITE_DONE)
        ret = st_db_fail(st, rc, "state store: pending deliveries");
out:
    sqlite3_finalize(s);
    if (ret != 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return ret;
}

static int write_delivery(struct out_state *st, int64_t run_id, struct out_delta *d)
{
    int64_t *ids = NULL;
    size_t n = 0;
    bool complete;
    int ret;

    if (!st || !d)
        return -EINVAL;
    ret = pending_runs(st, run_id, &ids, &n);
    if (ret == 0)
        ret = begin_delta(st, run_id, d, &complete);
    for (size_t i = 0; ret == 0 && i < n; i++)
        ret = write_events(st, ids[i], true, d);
    if (ret == 0 && complete)
        ret = write_events(st, run_id, false, d);
    if (ret == 0)
        ret = out_delta_end(d);
    free(ids);
    return ret;
}

int out_state_delivery(struct out_state *st, int64_t run_id, struct out_delta *d,
                       struct scan_diag *diag)
{
    return st_diag_take(st, write_delivery(st, run_id, d), diag);
}

/* One UPDATE with the run's id and an optional text. */
static int update_run(struct out_state *st, const char *sql, int64_t run_id, const char *text)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (!st || st->readonly || st->run_id)
        return -EINVAL;
    if (st->version < 4)
        return 0;
    rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, run_id);
        if (sqlite3_bind_parameter_count(s) > 1)
            sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(s);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : st_db_fail(st, rc, "state store: delivery");
}

int out_state_delivered(struct out_state *st, int64_t run_id, struct scan_diag *diag)
{
    return st_diag_take(st,
                        update_run(st,
                                   "UPDATE runs SET delivery = 'delivered', delivered_by = ?1"
                                   " WHERE delivery = 'pending' AND id <= ?1",
                                   run_id, NULL),
                        diag);
}

int out_state_delivery_failed(struct out_state *st, int64_t run_id, const char *reason,
                              struct scan_diag *diag)
{
    return st_diag_take(st,
                        update_run(st, "UPDATE runs SET delivery_error = ?2 WHERE id = ?1", run_id,
                                   reason && *reason ? reason : "unknown"),
                        diag);
}

/* --- history ------------------------------------------------------------- */

/*
 * Listing intervals and record-check changes merged into one time line per
 * target. JSON lines are built by SQLite's json_object(), which escapes.
 */
static const char history_sql[] =
    "SELECT target, t, kind, name, codes, first_ms, last_ms, cleared_ms, b, a, j FROM ("
    " SELECT target, first_seen_ms AS t, 0 AS kind, list AS name, codes,"
    "  first_seen_ms AS first_ms, last_seen_ms AS last_ms, cleared_ms, NULL AS b, NULL AS a,"
    "  json_object('kind', 'listing', 'target', target, 'list', list, 'list_id', list_key,"
    "   'codes', CASE WHEN codes = '' THEN json_array()"
    "    WHEN json_valid('[\"' || replace(codes, ',', '\",\"') || '\"]')"
    "    THEN json('[\"' || replace(codes, ',', '\",\"') || '\"]') ELSE json_array(codes) END,"
    "   'first_seen', strftime('%Y-%m-%dT%H:%M:%SZ', first_seen_ms / 1000, 'unixepoch'),"
    "   'last_seen', strftime('%Y-%m-%dT%H:%M:%SZ', last_seen_ms / 1000, 'unixepoch'),"
    "   'cleared', strftime('%Y-%m-%dT%H:%M:%SZ', cleared_ms / 1000, 'unixepoch')) AS j"
    " FROM intervals WHERE ?1 IS NULL OR target = ?1"
    " UNION ALL"
    " SELECT e.target, r.started_ms, 1, e.check_name, NULL, r.started_ms, NULL, NULL,"
    "  json_extract(e.before, '$.status'), json_extract(e.after, '$.status'),"
    "  json_object('kind', 'change', 'target', e.target, 'check', e.check_name,"
    "   'type', e.type, 'at', strftime('%Y-%m-%dT%H:%M:%SZ', r.started_ms / 1000, 'unixepoch'),"
    "   'before', json(e.before), 'after', json(e.after))"
    " FROM events AS e JOIN runs AS r ON r.id = e.run_id"
    " WHERE e.check_name != 'dnsbl' AND e.target IS NOT NULL"
    "  AND json_valid(e.before) AND json_valid(e.after)"
    "  AND (?1 IS NULL OR e.target = ?1))"
    " ORDER BY target, t, kind, name";

/*
 * Delivery, run by run (schema v4): a run whose outputs failed, a run whose events
 * are still pending, and a run whose events a later run delivered. With a target,
 * only runs that found events for it.
 */
static const char history_delivery_sql[] =
    "SELECT r.id, r.started_ms, r.delivery, r.delivered_by, r.delivery_error,"
    " json_object('kind', 'delivery', 'run', r.id,"
    "  'at', strftime('%Y-%m-%dT%H:%M:%SZ', r.started_ms / 1000, 'unixepoch'),"
    "  'events', r.n_events, 'delivery', r.delivery, 'delivered_by', r.delivered_by,"
    "  'error', r.delivery_error)"
    " FROM runs AS r"
    " WHERE (r.delivery_error IS NOT NULL OR r.delivery = 'pending'"
    "  OR (r.delivery = 'delivered' AND r.delivered_by != r.id))"
    " AND (?1 IS NULL OR EXISTS (SELECT 1 FROM events AS e WHERE e.run_id = r.id"
    "  AND e.target = ?1))"
    " ORDER BY r.id";

static int history_deliveries(struct out_state *st, const char *target, FILE *f, bool json)
{
    sqlite3_stmt *s = NULL;
    char at[32], err[256];
    int rc, ret = 0, n;

    if (st->version < 4)
        return 0;
    rc = sqlite3_prepare_v2(st->db, history_delivery_sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = st_db_fail(st, rc, "state store: history");
        goto out;
    }
    sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *delivery = st_col_text(s, 2), *e = st_col_text(s, 4);
        if (json) {
            n = fprintf(f, "%s\n", st_col_text(s, 5));
        } else {
            out_iso8601(sqlite3_column_int64(s, 1), at, sizeof(at));
            n = fprintf(f, "run %" PRId64 " %s", (int64_t)sqlite3_column_int64(s, 0), at);
            if (n >= 0 && e) {
                out_sanitize_text(e, strlen(e), err, sizeof(err));
                n = fprintf(f, " delivery failed: %s;", err);
            }
            if (n >= 0 && delivery && strcmp(delivery, "pending") == 0)
                n = fprintf(f, " its events are pending delivery (the next run sends them)");
            else if (n >= 0 && delivery && strcmp(delivery, "delivered") == 0)
                n = fprintf(f, " its events were delivered by run %" PRId64,
                            (int64_t)sqlite3_column_int64(s, 3));
            else if (n >= 0)
                n = fprintf(f, " earlier runs' events stayed pending");
            if (n >= 0)
                n = fputc('\n', f) == EOF ? -1 : 0;
        }
        if (n < 0) {
            ret = -EIO;
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        ret = st_db_fail(st, rc, "state store: history");
out:
    sqlite3_finalize(s);
    return ret;
}

static int write_history(struct out_state *st, const char *target, FILE *f, bool json)
{
    sqlite3_stmt *s = NULL;
    char t1[32], t2[32];
    int rc, ret = 0, n;

    if (!st || !f)
        return -EINVAL;
    rc = sqlite3_prepare_v2(st->db, history_sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = st_db_fail(st, rc, "state store: history");
        goto out;
    }
    sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        /* target, list or check, codes, status before, status after: stored strings
         * that reach a terminal, so sanitized like every other text output */
        static const int cols[5] = {0, 3, 4, 8, 9};
        char txt[5][256];
        for (int i = 0; i < 5; i++) {
            const char *v = st_col_text(s, cols[i]);
            out_sanitize_text(v ? v : "?", v ? strlen(v) : 1, txt[i], sizeof(txt[i]));
        }
        if (json) {
            n = fprintf(f, "%s\n", st_col_text(s, 10));
        } else if (sqlite3_column_int(s, 2) == 0) {
            out_iso8601(sqlite3_column_int64(s, 5), t1, sizeof(t1));
            n = fprintf(f, "%s %s listed %s .. ", txt[0], txt[1], t1);
            if (n >= 0 && sqlite3_column_type(s, 7) != SQLITE_NULL) {
                out_iso8601(sqlite3_column_int64(s, 7), t2, sizeof(t2));
                n = fprintf(f, "%s codes %s", t2, txt[2]);
            } else if (n >= 0) {
                out_iso8601(sqlite3_column_int64(s, 6), t2, sizeof(t2));
                n = fprintf(f, "now codes %s (last seen %s)", txt[2], t2);
            }
            if (n >= 0)
                n = fputc('\n', f) == EOF ? -1 : 0;
        } else {
            out_iso8601(sqlite3_column_int64(s, 5), t1, sizeof(t1));
            n = fprintf(f, "%s %s changed %s %s -> %s\n", txt[0], txt[1], t1, txt[3], txt[4]);
        }
        if (n < 0) {
            ret = -EIO;
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        ret = st_db_fail(st, rc, "state store: history");
        goto out;
    }
    ret = history_deliveries(st, target, f, json);
    if (ret == 0 && (fflush(f) == EOF || ferror(f)))
        ret = -EIO;
out:
    sqlite3_finalize(s);
    return ret;
}

int out_state_history(struct out_state *st, const char *target, FILE *f, bool json,
                      struct scan_diag *diag)
{
    return st_diag_take(st, write_history(st, target, f, json), diag);
}
