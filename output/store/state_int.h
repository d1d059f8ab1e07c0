/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to output/store: what the state store's files share. The store is one
 * SQLite connection (struct out_state) seen from four files: state_open.c (the
 * SQLite boundary, schema, lock, open and close), state_run.c (a run's
 * transaction and the delta in SQL), state_read.c (runs, recorded deltas,
 * delivery, history) and state_report.c (what the report reads). Nothing outside
 * output/store includes this header; the public API is output/store/state.h.
 */
#ifndef OUTPUT_STORE_STATE_INT_H
#define OUTPUT_STORE_STATE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/store/state.h"
#include "scanner/core/err.h"

/* Observation states in the TEMP tables and dnsbl_state.listed. */
enum { OBS_CLEAN = 0, OBS_LISTED = 1, OBS_ERROR = 2 };

struct out_state {
    sqlite3 *db;
    int lock_fd;
    bool readonly;
    int version;
    /* The SQLite failure met in the public call under way ("what: SQLite's message"),
     * kept here because SQLite's own message is gone by the time the call unwinds
     * (a ROLLBACK replaces it). st_diag_take() hands it to the caller's diag and
     * clears it when the call returns: it never outlives the call. */
    struct scan_diag db_diag;

    /* The open run (run_id == 0: none). */
    int64_t run_id;
    int64_t started_ms;
    double anomaly_share;
    unsigned anomaly_min;
    uint64_t results, listed, errors;
    sqlite3_stmt *ins_dnsbl, *ins_rec, *ins_health;
};

/* Named parameters of the run's SQL (bound by name where a statement uses them). */
struct run_params {
    int64_t run, now, ended, prev;
    double share;
    int64_t min, baseline, targets, results, listed, errors;
};

/* The columns RUN_COLUMNS selects, in that order. */
#define RUN_COLUMNS                                                                                \
    "id, started_ms, coalesce(ended_ms, 0), status, n_targets, n_results, n_listed, n_errors"

/* state_open.c: the SQLite boundary. */

/* Translate an SQLite result code (STYLE rule 7) and keep its message in db_diag. */
int st_db_fail(struct out_state *st, int rc, const char *what);
/* The return of every public call that may meet SQLite: when @p ret is a failure,
 * hand the SQLite message it met (if any) to @p diag (may be NULL); then forget it.
 * @return @p ret. Internal callers call the static bodies, never a public call,
 * so a nested failure's message is not taken before the outer call returns. */
int st_diag_take(struct out_state *st, int ret, struct scan_diag *diag);
/* Run @p sql (no parameters); an error is translated by st_db_fail(). */
int st_db_exec(struct out_state *st, const char *sql);
/* Run every statement of @p sql with the run's parameters bound by name. */
int st_db_exec_params(struct out_state *st, const char *sql, const struct run_params *p);
/* The wall clock in milliseconds since the epoch. */
int64_t st_now_ms(void);
/* The integer in the first column of the first row @p sql returns, into @p v. */
int st_pragma_int(struct out_state *st, const char *sql, int64_t *v);

/* state_open.c: the open run's prepared statements and its abort. */

void st_finalize_run_stmts(struct out_state *st);
/* Roll the open run back and mark it aborted; returns its id. */
int64_t st_abort_run(struct out_state *st);

/* state_read.c: the previous complete run before @p run (0: none, this is the baseline). */
int st_prev_complete(struct out_state *st, int64_t run, int64_t *prev);

/* state_read.c: out_state_delta()'s body, for out_state_run_end(). */
int st_write_delta(struct out_state *st, int64_t run_id, struct out_delta *d);

/* state_read.c: one row of RUN_COLUMNS into @p info. */
void st_run_info_read(sqlite3_stmt *s, struct out_run_info *info);
/* Column @p i as text (NULL for SQL NULL). */
const char *st_col_text(sqlite3_stmt *s, int i);

#endif
