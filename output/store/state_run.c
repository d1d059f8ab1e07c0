/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SQLite state store, writing side: one transaction per run, recording
 * results and health, and the delta computed in SQL at the end of a run.
 */
#include "output/store/state_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/fmt.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- a run --------------------------------------------------------------- */

static const char run_tables_sql[] =
    "CREATE TEMP TABLE IF NOT EXISTS cur_dnsbl ("
    " target TEXT NOT NULL, list_key TEXT NOT NULL, kind TEXT NOT NULL, list TEXT NOT NULL,"
    " state INTEGER NOT NULL, codes TEXT NOT NULL, detail TEXT NOT NULL, pool TEXT,"
    " PRIMARY KEY (target, list_key)) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS cur_rec ("
    " target TEXT NOT NULL, check_name TEXT NOT NULL, scope TEXT NOT NULL,"
    " error INTEGER NOT NULL, status TEXT NOT NULL, fp TEXT NOT NULL, detail TEXT NOT NULL,"
    " pool TEXT, PRIMARY KEY (target, check_name, scope)) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS cur_health ("
    " list_key TEXT NOT NULL, kind TEXT NOT NULL, list TEXT NOT NULL, healthy INTEGER NOT NULL,"
    " reason TEXT, detail TEXT, PRIMARY KEY (list_key, kind)) WITHOUT ROWID;"
    "CREATE TEMP TABLE IF NOT EXISTS cur_list ("
    " list_key TEXT NOT NULL, kind TEXT NOT NULL, list TEXT NOT NULL, status TEXT NOT NULL,"
    " reason TEXT, detail TEXT, scanned INTEGER NOT NULL, new_listings INTEGER NOT NULL,"
    " PRIMARY KEY (list_key, kind)) WITHOUT ROWID;";

static const char clear_run_tables_sql[] =
    "DELETE FROM temp.cur_dnsbl; DELETE FROM temp.cur_rec;"
    "DELETE FROM temp.cur_health; DELETE FROM temp.cur_list;";

/* A JSON array of strings (a memstream only fails to allocate). Caller frees. */
static int json_array(const char *const *v, size_t n, char **out)
{
    size_t len = 0;
    FILE *m = open_memstream(out, &len);
    int ret = 0;

    if (!m)
        return -ENOMEM;
    if (fputc('[', m) == EOF)
        ret = -ENOMEM;
    for (size_t i = 0; ret == 0 && i < n; i++) {
        const char *x = v[i] ? v[i] : "";
        if ((i && fputc(',', m) == EOF) || out_json_string(m, x, strlen(x)) != 0)
            ret = -ENOMEM;
    }
    if (ret == 0 && fputc(']', m) == EOF)
        ret = -ENOMEM;
    if (fclose(m) != 0 && ret == 0)
        ret = -ENOMEM;
    if (ret != 0) {
        free(*out);
        *out = NULL;
    }
    return ret;
}

static int prepare(struct out_state *st, const char *sql, sqlite3_stmt **s)
{
    int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL);
    return rc == SQLITE_OK ? 0 : st_db_fail(st, rc, "state store: prepare");
}

/* Put the run on record before anything else happens: a killed run shows as aborted. */
static int insert_run(struct out_state *st, const char *targets, const char *lists,
                      const char *checks)
{
    sqlite3_stmt *s = NULL;
    int rc, ret = st_db_exec(st, "BEGIN IMMEDIATE");

    if (ret != 0)
        return ret;
    rc = sqlite3_prepare_v2(st->db,
                            "INSERT INTO runs (status, started_ms, targets, lists, checks,"
                            " anomaly_share, anomaly_min) VALUES ('running', ?, ?, ?, ?, ?, ?)",
                            -1, &s, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, st->started_ms);
        sqlite3_bind_text(s, 2, targets, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, lists, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, checks, -1, SQLITE_STATIC);
        sqlite3_bind_double(s, 5, st->anomaly_share);
        sqlite3_bind_int64(s, 6, st->anomaly_min);
        rc = sqlite3_step(s);
        rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
    }
    if (rc != SQLITE_OK || (ret = st_db_exec(st, "COMMIT")) != 0) {
        if (rc != SQLITE_OK)
            ret = st_db_fail(st, rc, "state store: new run");
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    } else {
        st->run_id = sqlite3_last_insert_rowid(st->db);
    }
    sqlite3_finalize(s);
    return ret;
}

/*
 * Open the run's transaction over fresh TEMP tables, with its insert statements
 * prepared. On failure the open run is aborted.
 */
static int prepare_run(struct out_state *st)
{
    int ret = st_db_exec(st, run_tables_sql);
    if (ret == 0)
        ret = st_db_exec(st, clear_run_tables_sql);
    if (ret == 0)
        ret = st_db_exec(st, "BEGIN IMMEDIATE");
    if (ret == 0)
        ret = prepare(st,
                      "INSERT INTO temp.cur_dnsbl (target, list_key, list, state, codes, detail,"
                      " kind, pool) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (target, list_key) "
                      "DO UPDATE SET"
                      " list = excluded.list, state = excluded.state, codes = excluded.codes,"
                      " detail = excluded.detail WHERE cur_dnsbl.state = 2",
                      &st->ins_dnsbl);
    if (ret == 0)
        ret = prepare(st,
                      "INSERT INTO temp.cur_rec (target, check_name, scope, error, status, fp,"
                      " detail, pool) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (target, check_name, scope) DO UPDATE SET"
                      " error = excluded.error, status = excluded.status, fp = excluded.fp,"
                      " detail = excluded.detail WHERE cur_rec.error = 1",
                      &st->ins_rec);
    if (ret == 0)
        ret = prepare(st,
                      "INSERT INTO temp.cur_health (list_key, list, healthy, reason, detail, kind)"
                      " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (list_key, kind) DO UPDATE SET"
                      " list = excluded.list, healthy = excluded.healthy,"
                      " reason = excluded.reason, detail = excluded.detail"
                      " WHERE excluded.healthy = 0",
                      &st->ins_health);
    if (ret != 0)
        st_abort_run(st);
    return ret;
}

static int run_begin(struct out_state *st, const struct out_run_desc *desc, int64_t *run_id)
{
    char *targets = NULL, *lists = NULL, *checks = NULL;
    int ret;

    if (run_id)
        *run_id = 0;
    if (!st || !desc || st->readonly || st->run_id)
        return -EINVAL;
    if (desc->anomaly_share < 0 || desc->anomaly_share > 1)
        return -EINVAL;
    st->started_ms = desc->started_ms ? desc->started_ms : st_now_ms();
    st->anomaly_share = desc->anomaly_share > 0 ? desc->anomaly_share : OUT_STATE_ANOMALY_SHARE;
    st->anomaly_min = desc->anomaly_min ? desc->anomaly_min : OUT_STATE_ANOMALY_MIN;
    st->results = st->listed = st->errors = 0;

    ret = json_array(desc->targets, desc->ntargets, &targets);
    if (ret == 0)
        ret = json_array(desc->lists, desc->nlists, &lists);
    if (ret == 0)
        ret = json_array(desc->checks, desc->nchecks, &checks);
    if (ret == 0)
        ret = insert_run(st, targets, lists, checks);
    if (ret == 0)
        ret = prepare_run(st);
    if (ret == 0 && run_id)
        *run_id = st->run_id;
    free(targets);
    free(lists);
    free(checks);
    return ret;
}

int out_state_run_begin(struct out_state *st, const struct out_run_desc *desc, int64_t *run_id,
                        struct scan_diag *diag)
{
    return st_diag_take(st, run_begin(st, desc, run_id), diag);
}

static int step_done(struct out_state *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : st_db_fail(st, rc, "state store: record");
}

int out_state_health(struct out_state *st, const struct scan_health *h, struct scan_diag *diag)
{
    const char *key;
    sqlite3_stmt *s;

    if (!st || !h || !st->run_id || (!h->list && !h->list_id))
        return -EINVAL;
    key = h->list_id ? h->list_id : h->list;
    s = st->ins_health;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, h->list ? h->list : key, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, h->healthy ? 1 : 0);
    sqlite3_bind_text(s, 4, h->healthy ? NULL : (h->reason ? h->reason : "unhealthy"), -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(s, 5, h->healthy ? NULL : h->detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, h->kind ? h->kind : "", -1, SQLITE_STATIC);
    return st_diag_take(st, step_done(st, s), diag);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The comparison key of a listing: its codes sorted, unique, comma-joined. */
static int codes_key(const struct scan_result *r, char **out)
{
    const char **v = NULL;
    size_t len = 1, n = 0;
    char *key, *p;

    *out = NULL;
    if (r->ncodes) {
        v = malloc(r->ncodes * sizeof(*v));
        if (!v)
            return -ENOMEM;
    }
    for (size_t i = 0; i < r->ncodes; i++) {
        if (r->codes && r->codes[i]) {
            v[n++] = r->codes[i];
            len += strlen(r->codes[i]) + 1;
        }
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_cstr);
    key = p = malloc(len);
    if (!key) {
        free(v);
        return -ENOMEM;
    }
    *p = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(v[i], v[i - 1]) == 0)
            continue;
        p += sprintf(p, "%s%s", p == key ? "" : ",", v[i]);
    }
    free(v);
    *out = key;
    return 0;
}

/* Render @p r with @p write (out_delta_result_json or _fingerprint) into a new string. */
static int result_json(const struct scan_result *r,
                       int (*write)(FILE *, const struct scan_result *), char **out)
{
    size_t len = 0;
    FILE *m = open_memstream(out, &len);
    int ret;

    if (!m)
        return -ENOMEM;
    ret = write(m, r);
    if (fclose(m) != 0 && ret == 0)
        ret = -ENOMEM;
    if (ret != 0) {
        free(*out);
        *out = NULL;
    }
    return ret == -EIO ? -ENOMEM : ret; /* a memstream only fails to allocate */
}

/*
 * What else keys a record check besides (target, check): spf-auth evaluates one
 * IP against each sending domain, and dkim reports each selector on a line of its
 * own; each pair has its own history ("" for dkim's none line).
 */
static const char *record_scope(const struct scan_result *r)
{
    const char *key = r->kind == SCAN_CHECK_SPF_AUTH ? "domain"
                      : r->kind == SCAN_CHECK_DKIM   ? "selector"
                                                     : NULL;
    for (size_t i = 0; key && i < r->extra.n; i++) {
        const struct scan_field *f = &r->extra.f[i];
        if (f->type == SCAN_F_STR && f->name && f->str && strcmp(f->name, key) == 0)
            return f->str;
    }
    return "";
}

static int record_result(struct out_state *st, const struct scan_result *r)
{
    char *detail = NULL, *codes = NULL, *fp = NULL;
    sqlite3_stmt *s;
    int ret, state;

    if (!st || !r || !st->run_id || !r->target || !r->check)
        return -EINVAL;
    if (r->kind == SCAN_CHECK_DNSBL) {
        if (!r->list && !r->list_id)
            return -EINVAL;
        /* Informational listings and allowlist answers are not actionable: clean. */
        state = r->outcome == SCAN_OUT_ERROR    ? OBS_ERROR
                : r->outcome == SCAN_OUT_LISTED ? OBS_LISTED
                                                : OBS_CLEAN;
        ret = result_json(r, out_delta_result_json, &detail);
        if (ret == 0 && state == OBS_LISTED)
            ret = codes_key(r, &codes);
        if (ret != 0)
            goto out;
        s = st->ins_dnsbl;
        sqlite3_bind_text(s, 1, r->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, r->list_id ? r->list_id : r->list, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, r->list ? r->list : r->list_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, state);
        sqlite3_bind_text(s, 5, codes ? codes : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, detail, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, out_target_kind(r->target), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 8, r->pool, -1, SQLITE_STATIC);
        st->listed += state == OBS_LISTED;
    } else {
        state = r->outcome == SCAN_OUT_ERROR ? OBS_ERROR : OBS_CLEAN;
        ret = result_json(r, out_delta_result_json, &detail);
        if (ret == 0)
            ret = result_json(r, out_delta_result_fingerprint, &fp);
        if (ret != 0)
            goto out;
        s = st->ins_rec;
        sqlite3_bind_text(s, 1, r->target, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, r->check, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, record_scope(r), -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, state == OBS_ERROR);
        sqlite3_bind_text(s, 5, scan_status_word(r->st), -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, fp, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, detail, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 8, r->pool, -1, SQLITE_STATIC);
    }
    st->results++;
    st->errors += state == OBS_ERROR;
    ret = step_done(st, s);
out:
    free(detail);
    free(codes);
    free(fp);
    return ret;
}

int out_state_record(struct out_state *st, const struct scan_result *r, struct scan_diag *diag)
{
    return st_diag_take(st, record_result(st, r), diag);
}

/*
 * The end of a complete run, in SQL, inside the run's transaction. Parameters:
 * :run, :now (the run's start: every observation of the run carries it),
 * :share, :min, :baseline (1 when there is no previous complete run).
 *
 * 0. A list whose health was reported without a kind (kind '') is judged as a
 *    whole: its observations move to kind '' too.
 * 1. cur_list: one row per (list, kind) of this run with its verdict for this
 *    run (healthy | unhealthy | anomalous), how many targets of that kind it
 *    scanned and how many it newly listed (previous state clean, now listed).
 * 2. events: status changes of (list, kind), then DNSBL changes of targets whose
 *    (list, kind) is healthy, then record-check changes. Errors never produce
 *    events.
 * 3. apply: intervals (close on delisting or code change, extend, open), the
 *    last known states (healthy lists and non-error records only), list status.
 * Statements that change nothing skip their rows (WHERE on DO UPDATE), so an
 * unchanged /16 writes next to nothing to the database.
 */
static const char end_run_sql[] =
    /* 0: a list whose health came without a kind is judged as a whole */
    "UPDATE temp.cur_dnsbl SET kind = ''"
    " WHERE list_key IN (SELECT list_key FROM temp.cur_health WHERE kind = '');"
    /* 1 */
    "INSERT INTO temp.cur_list (list_key, kind, list, status, scanned, new_listings)"
    " SELECT c.list_key, c.kind, max(c.list), 'healthy', count(*),"
    "  count(CASE WHEN c.state = 1 AND s.listed = 0 THEN 1 END)"
    " FROM temp.cur_dnsbl AS c LEFT JOIN dnsbl_state AS s"
    "  ON s.target = c.target AND s.list_key = c.list_key"
    " GROUP BY c.list_key, c.kind;"
    "INSERT INTO temp.cur_list (list_key, kind, list, status, scanned, new_listings)"
    " SELECT list_key, kind, list, 'healthy', 0, 0 FROM temp.cur_health WHERE true"
    " ON CONFLICT (list_key, kind) DO NOTHING;"
    "UPDATE temp.cur_list SET status = 'unhealthy', reason = h.reason, detail = h.detail,"
    "  list = h.list"
    " FROM temp.cur_health AS h"
    " WHERE h.list_key = cur_list.list_key AND h.kind = cur_list.kind AND h.healthy = 0;"
    "UPDATE temp.cur_list SET status = 'anomalous'"
    " WHERE status = 'healthy' AND new_listings >= :min AND new_listings > :share * scanned;"
    /* 2: the previous status of a (list, kind) is its own row, else the list's row
     *    without a kind (from before v3), else healthy */
    "INSERT INTO events (run_id, type, check_name, list_key, list, kind, before, after, reason,"
    "  detail, new_listings, scanned)"
    " SELECT :run, CASE c.status WHEN 'unhealthy' THEN 'list_unhealthy'"
    "  WHEN 'anomalous' THEN 'list_anomaly' ELSE 'list_recovered' END,"
    "  'dnsbl', c.list_key, c.list, nullif(c.kind, ''),"
    "  json_object('status', coalesce(p.status, q.status, 'healthy')),"
    "  json_object('status', c.status), c.reason, c.detail, c.new_listings, c.scanned"
    " FROM temp.cur_list AS c"
    " LEFT JOIN list_state AS p ON p.list_key = c.list_key AND p.kind = c.kind"
    " LEFT JOIN list_state AS q ON q.list_key = c.list_key AND q.kind = '' AND c.kind != ''"
    " WHERE :baseline = 0 AND c.status != coalesce(p.status, q.status, 'healthy')"
    " ORDER BY c.list_key, c.kind;"
    "INSERT INTO events (run_id, type, check_name, target, list_key, list, before, after, pool)"
    " SELECT :run, CASE WHEN s.listed = 0 THEN 'new_listing' WHEN c.state = 0 THEN 'delisted'"
    "  ELSE 'code_changed' END, 'dnsbl', c.target, c.list_key, c.list, s.detail, c.detail,"
    "  c.pool"
    " FROM temp.cur_dnsbl AS c"
    " JOIN temp.cur_list AS l"
    "  ON l.list_key = c.list_key AND l.kind = c.kind AND l.status = 'healthy'"
    " JOIN dnsbl_state AS s ON s.target = c.target AND s.list_key = c.list_key"
    " WHERE :baseline = 0 AND c.state != 2"
    "  AND (c.state != s.listed OR (c.state = 1 AND c.codes != s.codes))"
    " ORDER BY c.target, c.list_key;"
    "INSERT INTO events (run_id, type, check_name, target, before, after, pool)"
    " SELECT :run, CASE c.check_name WHEN 'fcrdns' THEN 'fcrdns_changed'"
    "  WHEN 'dmarc' THEN 'dmarc_changed' WHEN 'mx' THEN 'mx_changed' ELSE 'spf_changed' END,"
    "  c.check_name, c.target, s.detail, c.detail, c.pool"
    " FROM temp.cur_rec AS c JOIN record_state AS s"
    "  ON s.target = c.target AND s.check_name = c.check_name AND s.scope = c.scope"
    " WHERE :baseline = 0 AND c.error = 0 AND c.fp != s.fp"
    "  AND c.check_name IN ('fcrdns', 'spf', 'spf-auth', 'dmarc', 'mx')"
    " ORDER BY c.target, c.check_name, c.scope;"
    /* 3 */
    "UPDATE intervals SET cleared_ms = :now"
    " FROM temp.cur_dnsbl AS c"
    " JOIN temp.cur_list AS l"
    "  ON l.list_key = c.list_key AND l.kind = c.kind AND l.status = 'healthy'"
    " WHERE intervals.cleared_ms IS NULL AND intervals.target = c.target"
    "  AND intervals.list_key = c.list_key AND c.state != 2"
    "  AND (c.state = 0 OR c.codes != intervals.codes);"
    "UPDATE intervals SET last_seen_ms = :now, last_run = :run"
    " FROM temp.cur_dnsbl AS c"
    " JOIN temp.cur_list AS l"
    "  ON l.list_key = c.list_key AND l.kind = c.kind AND l.status = 'healthy'"
    " WHERE intervals.cleared_ms IS NULL AND intervals.target = c.target"
    "  AND intervals.list_key = c.list_key AND c.state = 1;"
    "INSERT INTO intervals (target, list_key, list, codes, first_seen_ms, last_seen_ms,"
    "  first_run, last_run)"
    " SELECT c.target, c.list_key, c.list, c.codes, :now, :now, :run, :run"
    " FROM temp.cur_dnsbl AS c"
    " JOIN temp.cur_list AS l"
    "  ON l.list_key = c.list_key AND l.kind = c.kind AND l.status = 'healthy'"
    " WHERE c.state = 1 AND NOT EXISTS (SELECT 1 FROM intervals AS i"
    "  WHERE i.cleared_ms IS NULL AND i.target = c.target AND i.list_key = c.list_key);"
    "INSERT INTO dnsbl_state (target, list_key, list, listed, codes, detail, since_ms, run_id)"
    " SELECT c.target, c.list_key, c.list, c.state, c.codes, c.detail, :now, :run"
    " FROM temp.cur_dnsbl AS c"
    " JOIN temp.cur_list AS l"
    "  ON l.list_key = c.list_key AND l.kind = c.kind AND l.status = 'healthy'"
    " WHERE c.state != 2"
    " ON CONFLICT (target, list_key) DO UPDATE SET"
    "  since_ms = CASE WHEN excluded.listed != listed OR excluded.codes != codes"
    "   THEN excluded.since_ms ELSE since_ms END,"
    "  run_id = excluded.run_id, list = excluded.list, listed = excluded.listed,"
    "  codes = excluded.codes, detail = excluded.detail"
    " WHERE excluded.listed != dnsbl_state.listed OR excluded.codes != dnsbl_state.codes"
    "  OR excluded.detail != dnsbl_state.detail OR excluded.list != dnsbl_state.list;"
    "INSERT INTO record_state (target, check_name, scope, status, fp, detail, since_ms,"
    "  run_id)"
    " SELECT target, check_name, scope, status, fp, detail, :now, :run FROM temp.cur_rec"
    " WHERE error = 0"
    " ON CONFLICT (target, check_name, scope) DO UPDATE SET"
    "  since_ms = CASE WHEN excluded.fp != fp THEN excluded.since_ms ELSE since_ms END,"
    "  run_id = CASE WHEN excluded.fp != fp THEN excluded.run_id ELSE run_id END,"
    "  status = excluded.status, fp = excluded.fp, detail = excluded.detail"
    " WHERE excluded.fp != record_state.fp OR excluded.detail != record_state.detail;"
    "INSERT INTO list_state (list_key, kind, list, status, reason, since_ms, run_id)"
    " SELECT list_key, kind, list, status, reason, :now, :run FROM temp.cur_list WHERE true"
    " ON CONFLICT (list_key, kind) DO UPDATE SET"
    "  since_ms = CASE WHEN excluded.status != status THEN excluded.since_ms ELSE since_ms END,"
    "  list = excluded.list, status = excluded.status, reason = excluded.reason,"
    "  run_id = excluded.run_id;"
    /* the run itself */
    "UPDATE runs SET status = 'complete', ended_ms = :ended,"
    " n_targets = (SELECT count(*) FROM (SELECT target FROM temp.cur_dnsbl"
    "  UNION SELECT target FROM temp.cur_rec)),"
    " n_results = :results, n_listed = :listed, n_errors = :errors,"
    " n_events = (SELECT count(*) FROM events WHERE run_id = :run),"
    " delivery = CASE WHEN EXISTS (SELECT 1 FROM events WHERE run_id = :run)"
    "  THEN 'pending' END"
    " WHERE id = :run;";

static const char incomplete_run_sql[] =
    "UPDATE runs SET status = 'incomplete', ended_ms = :ended, n_targets = :targets,"
    " n_results = :results, n_listed = :listed, n_errors = :errors, n_events = 0"
    " WHERE id = :run;";

static int count_targets(struct out_state *st, int64_t *n)
{
    return st_pragma_int(st,
                         "SELECT count(*) FROM (SELECT target FROM temp.cur_dnsbl"
                         " UNION SELECT target FROM temp.cur_rec)",
                         n);
}

static int run_end(struct out_state *st, const struct out_run_end *end, struct out_delta *d)
{
    struct run_params p = {0};
    int64_t run;
    int ret;

    if (!st || !end || !st->run_id)
        return -EINVAL;
    run = st->run_id;
    p.run = run;
    p.now = st->started_ms;
    p.ended = end->ended_ms ? end->ended_ms : st_now_ms();
    p.share = st->anomaly_share;
    p.min = st->anomaly_min;
    p.results = (int64_t)st->results;
    p.listed = (int64_t)st->listed;
    p.errors = (int64_t)st->errors;
    st_finalize_run_stmts(st);

    if (!end->complete) {
        /* Nothing of an incomplete run is applied: it never becomes the previous run. */
        ret = count_targets(st, &p.targets);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        if (ret == 0)
            ret = st_db_exec_params(st, incomplete_run_sql, &p);
        if (ret != 0) {
            st_abort_run(st);
            return ret;
        }
        st->run_id = 0;
        goto delta;
    }

    ret = st_prev_complete(st, run, &p.prev);
    p.baseline = p.prev == 0;
    if (ret == 0)
        ret = st_db_exec_params(st, end_run_sql, &p);
    if (ret == 0)
        ret = st_db_exec(st, "COMMIT");
    if (ret != 0) {
        st_abort_run(st);
        return ret;
    }
    st->run_id = 0;
delta:
    st_db_exec(st, clear_run_tables_sql); /* only space to give back: a failure changes nothing */
    st->db_diag.msg[0] = '\0';            /* and is not this call's failure */
    if (!d)
        return 0;
    return st_write_delta(st, run, d);
}

int out_state_run_end(struct out_state *st, const struct out_run_end *end, struct out_delta *d,
                      struct scan_diag *diag)
{
    return st_diag_take(st, run_end(st, end, d), diag);
}
