/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SQLite state store, reading for reports: the walks over runs and
 * intervals, and the replay of the last complete run.
 */
#include "output/store/state_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/fmt.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- reading for reports -------------------------------------------------- */

/* A JSON array of strings in column @p col, blank-joined ("" for none or garbage). */
#define JOINED(col)                                                                                \
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(CASE WHEN json_valid(" col           \
    ") THEN " col " ELSE '[]' END)), '')"

/*
 * Step @p sql (its parameter, when it has one, bound to @p since) and hand each
 * row to @p row; the first nonzero return stops the walk and is passed on.
 */
static int walk(struct out_state *st, const char *sql, int64_t since,
                int (*row)(sqlite3_stmt *s, void *arg), void *arg, const char *what)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL), ret = 0;

    if (rc != SQLITE_OK)
        return st_db_fail(st, rc, what);
    if (sqlite3_bind_parameter_count(s) > 0)
        sqlite3_bind_int64(s, 1, since);
    while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
        ret = row(s, arg);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = st_db_fail(st, rc, what);
    sqlite3_finalize(s);
    return ret;
}

/* A public walk's callback and its argument. */
struct run_walk {
    out_run_fn *fn;
    void *arg;
};

struct interval_walk {
    out_interval_fn *fn;
    void *arg;
};

static int run_row(sqlite3_stmt *s, void *arg)
{
    const struct run_walk *w = arg;
    struct out_run_row row = {
        .targets = st_col_text(s, 8), .lists = st_col_text(s, 9), .checks = st_col_text(s, 10)};

    st_run_info_read(s, &row.info);
    return w->fn(w->arg, &row);
}

int out_state_runs(struct out_state *st, int64_t since_ms, out_run_fn *fn, void *arg,
                   struct scan_diag *diag)
{
    static const char sql[] = "SELECT " RUN_COLUMNS ", " JOINED("targets") ", " JOINED(
        "lists") ", " JOINED("checks") " FROM runs WHERE started_ms >= ? ORDER BY id DESC";
    struct run_walk w = {fn, arg};

    if (!st || !fn)
        return -EINVAL;
    return st_diag_take(st, walk(st, sql, since_ms, run_row, &w, "state store: runs"), diag);
}

static int interval_row(sqlite3_stmt *s, void *arg)
{
    const struct interval_walk *w = arg;
    struct out_interval iv = {.target = st_col_text(s, 0),
                              .list_key = st_col_text(s, 1),
                              .list = st_col_text(s, 2),
                              .codes = st_col_text(s, 3),
                              .first_seen_ms = sqlite3_column_int64(s, 4),
                              .last_seen_ms = sqlite3_column_int64(s, 5),
                              .cleared_ms = sqlite3_column_int64(s, 6)};

    return w->fn(w->arg, &iv);
}

int out_state_intervals(struct out_state *st, int64_t since_ms, out_interval_fn *fn, void *arg,
                        struct scan_diag *diag)
{
    static const char sql[] =
        "SELECT target, list_key, list, codes, first_seen_ms, last_seen_ms,"
        " coalesce(cleared_ms, 0) FROM intervals WHERE cleared_ms IS NULL OR cleared_ms >= ?"
        " ORDER BY target, list_key, first_seen_ms";
    struct interval_walk w = {fn, arg};

    if (!st || !fn)
        return -EINVAL;
    return st_diag_take(st, walk(st, sql, since_ms, interval_row, &w, "state store: intervals"),
                        diag);
}

/* The scope of a replay: the lists and checks of the last complete run. */
#define LAST_RUN_SCOPE                                                                             \
    "WITH last AS (SELECT lists, checks FROM runs WHERE status = 'complete'"                       \
    "  ORDER BY id DESC LIMIT 1),"                                                                 \
    " keys AS (SELECT DISTINCT value AS k FROM last,"                                              \
    "  json_each(CASE WHEN json_valid(last.lists) THEN last.lists ELSE '[]' END)),"                \
    " checks AS (SELECT DISTINCT value AS c FROM last,"                                            \
    "  json_each(CASE WHEN json_valid(last.checks) THEN last.checks ELSE '[]' END)) "

/*
 * The status of each (list, kind), with the detail of its last list_unhealthy
 * event and the counts of its last list_anomaly event. @p lkind and @p ekind are
 * the kind columns of list_state and events: '' and NULL before schema v3.
 */
#define LIST_STATUS_SQL(lkind, ekind)                                                              \
    LAST_RUN_SCOPE                                                                                 \
    ", latest AS (SELECT type, list_key, coalesce(" ekind ", '') AS kind, max(id) AS id"           \
    "  FROM events WHERE type IN ('list_unhealthy', 'list_anomaly')"                               \
    "  GROUP BY type, list_key, coalesce(" ekind ", ''))"                                          \
    " SELECT l.list_key, l.list, " lkind ", l.status, l.reason, l.since_ms, u.detail,"             \
    "  coalesce(a.new_listings, 0), coalesce(a.scanned, 0)"                                        \
    " FROM list_state AS l JOIN keys ON keys.k = l.list_key"                                       \
    " LEFT JOIN latest AS lu ON lu.type = 'list_unhealthy' AND lu.list_key = l.list_key"           \
    "  AND lu.kind = " lkind " LEFT JOIN events AS u ON u.id = lu.id"                              \
    " LEFT JOIN latest AS la ON la.type = 'list_anomaly' AND la.list_key = l.list_key"             \
    "  AND la.kind = " lkind " LEFT JOIN events AS a ON a.id = la.id"                              \
    " ORDER BY l.list_key, " lkind

static const char list_status_sql[] = LIST_STATUS_SQL("l.kind", "kind");
static const char list_status_sql_v2[] = LIST_STATUS_SQL("''", "NULL");

static const char replay_dnsbl_sql[] =
    LAST_RUN_SCOPE "SELECT target, list_key, list, listed, detail, since_ms FROM dnsbl_state"
                   " WHERE list_key IN (SELECT k FROM keys) ORDER BY target, list_key";

static const char replay_records_sql[] =
    LAST_RUN_SCOPE "SELECT target, check_name, scope, status, detail, since_ms,"
                   " json_extract(CASE WHEN json_valid(detail) THEN detail END, '$.reason')"
                   " FROM record_state WHERE check_name IN (SELECT c FROM checks)"
                   " ORDER BY target, check_name, scope";

/* What the replay needs of a (list, kind) to judge a stored clean result. */
struct replay_list {
    char *key;
    char *kind; /* "" = the list as a whole */
    bool unhealthy;
    enum scan_reason why;
};

struct replay {
    const struct out_replay *cb;
    struct replay_list *v;
    size_t n, cap;
};

static void replay_deinit(struct replay *rp)
{
    for (size_t i = 0; i < rp->n; i++) {
        free(rp->v[i].key);
        free(rp->v[i].kind);
    }
    free(rp->v);
}

/* The status a stored clean result of @p key for a target of @p kind falls under:
 * its own kind's, else the list's as a whole (a store from before v3). */
static const struct replay_list *replay_find(const struct replay *rp, const char *key,
                                             const char *kind)
{
    const struct replay_list *whole = NULL;

    for (size_t i = 0; i < rp->n; i++) {
        if (strcmp(rp->v[i].key, key) != 0)
            continue;
        if (strcmp(rp->v[i].kind, kind) == 0)
            return &rp->v[i];
        if (!rp->v[i].kind[0])
            whole = &rp->v[i];
    }
    return whole;
}

static int list_row(sqlite3_stmt *s, void *arg)
{
    struct replay *rp = arg;
    const char *status = st_col_text(s, 3), *kind = st_col_text(s, 2);
    struct out_list_status ls = {.list_key = st_col_text(s, 0),
                                 .list = st_col_text(s, 1),
                                 .kind = kind && *kind ? kind : NULL,
                                 .health = OUT_LIST_HEALTHY,
                                 .since_ms = sqlite3_column_int64(s, 5),
                                 .new_listings = (uint64_t)sqlite3_column_int64(s, 7),
                                 .scanned = (uint64_t)sqlite3_column_int64(s, 8)};
    struct replay_list *rl;

    if (!ls.list_key || !ls.list || !status)
        return 0;
    if (strcmp(status, "unhealthy") == 0) {
        ls.health = OUT_LIST_UNHEALTHY;
        if (scan_reason_from_word(st_col_text(s, 4), &ls.why) != 0)
            ls.why = SCAN_R_UNHEALTHY;
        ls.detail = st_col_text(s, 6);
    } else if (strcmp(status, "anomalous") == 0) {
        ls.health = OUT_LIST_ANOMALOUS;
    }
    rl = out_grow(rp->v, &rp->cap, rp->n, sizeof(*rp->v));
    if (!rl)
        return -ENOMEM;
    rp->v = rl;
    rl = &rp->v[rp->n];
    *rl = (struct replay_list){.key = strdup(ls.list_key),
                               .kind = strdup(kind ? kind : ""),
                               .unhealthy = ls.health == OUT_LIST_UNHEALTHY,
                               .why = ls.why};
    rp->n++;
    if (!rl->key || !rl->kind)
        return -ENOMEM;
    return rp->cb->list ? rp->cb->list(rp->cb->arg, &ls) : 0;
}

static int dnsbl_row(sqlite3_stmt *s, void *arg)
{
    struct replay *rp = arg;
    struct out_stored_result r = {.target = st_col_text(s, 0),
                                  .check = "dnsbl",
                                  .kind = SCAN_CHECK_DNSBL,
                                  .list_key = st_col_text(s, 1),
                                  .list = st_col_text(s, 2),
                                  .st = SCAN_ST_CLEAN,
                                  .outcome = SCAN_OUT_OK,
                                  .json = st_col_text(s, 4),
                                  .since_ms = sqlite3_column_int64(s, 5)};
    const struct replay_list *rl;

    if (!r.target || !r.list_key)
        return 0;
    rl = replay_find(rp, r.list_key, out_target_kind(r.target));
    if (sqlite3_column_int(s, 3) == OBS_LISTED) {
        r.st = SCAN_ST_LISTED;
        r.outcome = SCAN_OUT_LISTED;
    } else if (rl && rl->unhealthy) {
        r.st = SCAN_ST_ERROR;
        r.why = rl->why;
        r.outcome = SCAN_OUT_ERROR;
        r.json = NULL;
    }
    return rp->cb->result(rp->cb->arg, &r);
}

static int record_row(sqlite3_stmt *s, void *arg)
{
    struct replay *rp = arg;
    const char *scope = st_col_text(s, 2);
    struct out_stored_result r = {.target = st_col_text(s, 0),
                                  .check = st_col_text(s, 1),
                                  .scope = scope && *scope ? scope : NULL,
                                  .json = st_col_text(s, 4),
                                  .since_ms = sqlite3_column_int64(s, 5)};
    struct scan_result head = {0};

    if (!r.target || !r.check || scan_status_from_word(st_col_text(s, 3), &r.st) != 0)
        return 0; /* a status from a newer program: not ours to judge */
    if (scan_reason_from_word(st_col_text(s, 6), &r.why) != 0)
        r.why = SCAN_R_NONE;
    r.kind = (enum scan_check)scan_check_from_name(r.check);
    scan_result_set(&head, r.kind, r.st, r.why); /* the outcome the status means */
    r.outcome = head.outcome;
    return rp->cb->result(rp->cb->arg, &r);
}

int out_state_replay(struct out_state *st, const struct out_replay *cb, struct scan_diag *diag)
{
    struct replay rp = {.cb = cb};
    int ret;

    if (!st || !cb)
        return -EINVAL;
    ret = walk(st, st->version >= 3 ? list_status_sql : list_status_sql_v2, 0, list_row, &rp,
               "state store: list status");
    if (ret == 0 && cb->result)
        ret = walk(st, replay_dnsbl_sql, 0, dnsbl_row, &rp, "state store: replay");
    if (ret == 0 && cb->result)
        ret = walk(st, replay_records_sql, 0, record_row, &rp, "state store: replay");
    replay_deinit(&rp);
    return st_diag_take(st, ret, diag);
}
