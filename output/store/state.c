/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SQLite state store: lock, schema and migrations, run transactions, the
 * delta computed in SQL, and history. See output/store/state.h for the rules.
 */
#include "output/store/state.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/writers/outpath.h"
#include "output/writers/fmt.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* 'DBLS': set at creation, so a foreign SQLite file is refused, never migrated. */
#define STATE_APP_ID 0x44424c53

/* Observation states in the TEMP tables and dnsbl_state.listed. */
enum { OBS_CLEAN = 0, OBS_LISTED = 1, OBS_ERROR = 2 };

struct out_state {
    sqlite3 *db;
    int lock_fd;
    bool readonly;
    int version;
    char errmsg[256];

    /* The open run (run_id == 0: none). */
    int64_t run_id;
    int64_t started_ms;
    double anomaly_share;
    unsigned anomaly_min;
    uint64_t results, listed, errors;
    sqlite3_stmt *ins_dnsbl, *ins_rec, *ins_health;
};

/* --- SQLite boundary ---------------------------------------------------- */

/* Translate an SQLite result code (STYLE rule 7) and keep its message. */
static int db_fail(struct out_state *st, int rc, const char *what)
{
    if (st) {
        snprintf(st->errmsg, sizeof(st->errmsg), "%s: %s", what,
                 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    }
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return -ENOMEM;
    case SQLITE_FULL:
        return -ENOSPC;
    case SQLITE_IOERR:
        return SCAN_EIO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return SCAN_ELOCKED;
    case SQLITE_READONLY:
        return -EROFS;
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return -EACCES;
    case SQLITE_CANTOPEN:
        return -ENOENT;
    default:
        return SCAN_ESTATE;
    }
}

static int db_exec(struct out_state *st, const char *sql)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : db_fail(st, rc, "state store");
}

/* Named parameters of the run's SQL (bound by name where a statement uses them). */
struct run_params {
    int64_t run, now, ended, prev;
    double share;
    int64_t min, baseline, targets, results, listed, errors;
};

static void bind_params(sqlite3_stmt *s, const struct run_params *p)
{
    static const struct {
        const char *name;
        size_t off;
    } ints[] = {
        {":run", offsetof(struct run_params, run)},
        {":now", offsetof(struct run_params, now)},
        {":ended", offsetof(struct run_params, ended)},
        {":min", offsetof(struct run_params, min)},
        {":baseline", offsetof(struct run_params, baseline)},
        {":targets", offsetof(struct run_params, targets)},
        {":results", offsetof(struct run_params, results)},
        {":listed", offsetof(struct run_params, listed)},
        {":errors", offsetof(struct run_params, errors)},
    };
    int i;

    for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
        i = sqlite3_bind_parameter_index(s, ints[k].name);
        if (i > 0)
            sqlite3_bind_int64(s, i, *(const int64_t *)((const char *)p + ints[k].off));
    }
    i = sqlite3_bind_parameter_index(s, ":share");
    if (i > 0)
        sqlite3_bind_double(s, i, p->share);
}

/* Run every statement of @p sql with the run's parameters bound by name. */
static int db_exec_params(struct out_state *st, const char *sql, const struct run_params *p)
{
    const char *tail = sql;
    int ret = 0;

    while (tail && *tail) {
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(st->db, tail, -1, &s, &tail);
        if (rc != SQLITE_OK) {
            ret = db_fail(st, rc, "state store: prepare");
            goto out;
        }
        if (!s) /* trailing whitespace or comment */
            break;
        bind_params(s, p);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            ;
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) {
            ret = db_fail(st, rc, "state store");
            goto out;
        }
    }
out:
    return ret;
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- schema ------------------------------------------------------------- */

/*
 * Migrations, applied one by one, each in its own transaction with the new
 * user_version, so a crash during a migration leaves the previous version.
 * Append only: never edit a released step.
 */
static const char *const migrations[OUT_STATE_SCHEMA_VERSION] = {
    /* v0 -> v1: the base schema. */
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " status TEXT NOT NULL CHECK (status IN ('running','complete','incomplete','aborted')),"
    " started_ms INTEGER NOT NULL,"
    " ended_ms INTEGER,"
    " targets TEXT NOT NULL DEFAULT '[]',"
    " lists TEXT NOT NULL DEFAULT '[]',"
    " checks TEXT NOT NULL DEFAULT '[]',"
    " n_targets INTEGER NOT NULL DEFAULT 0,"
    " n_results INTEGER NOT NULL DEFAULT 0,"
    " n_listed INTEGER NOT NULL DEFAULT 0,"
    " n_errors INTEGER NOT NULL DEFAULT 0,"
    " n_events INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE dnsbl_state ("
    " target TEXT NOT NULL, list_key TEXT NOT NULL, list TEXT NOT NULL,"
    " listed INTEGER NOT NULL, codes TEXT NOT NULL, detail TEXT NOT NULL,"
    " since_ms INTEGER NOT NULL, run_id INTEGER NOT NULL,"
    " PRIMARY KEY (target, list_key)) WITHOUT ROWID;"
    "CREATE TABLE intervals ("
    " id INTEGER PRIMARY KEY,"
    " target TEXT NOT NULL, list_key TEXT NOT NULL, list TEXT NOT NULL, codes TEXT NOT NULL,"
    " first_seen_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL, cleared_ms INTEGER,"
    " first_run INTEGER NOT NULL, last_run INTEGER NOT NULL);"
    "CREATE UNIQUE INDEX intervals_open ON intervals (target, list_key)"
    " WHERE cleared_ms IS NULL;"
    "CREATE TABLE record_state ("
    " target TEXT NOT NULL, check_name TEXT NOT NULL, scope TEXT NOT NULL,"
    " status TEXT NOT NULL, fp TEXT NOT NULL, detail TEXT NOT NULL,"
    " since_ms INTEGER NOT NULL, run_id INTEGER NOT NULL,"
    " PRIMARY KEY (target, check_name, scope)) WITHOUT ROWID;"
    "CREATE TABLE list_state ("
    " list_key TEXT PRIMARY KEY, list TEXT NOT NULL, status TEXT NOT NULL, reason TEXT,"
    " since_ms INTEGER NOT NULL, run_id INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE events ("
    " id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs (id),"
    " type TEXT NOT NULL, check_name TEXT NOT NULL, target TEXT, list_key TEXT, list TEXT,"
    " before TEXT, after TEXT, reason TEXT, detail TEXT,"
    " new_listings INTEGER, scanned INTEGER);",

    /* v1 -> v2: each run records its anomaly settings; indexes for history and replay. */
    "ALTER TABLE runs ADD COLUMN anomaly_share REAL;"
    "ALTER TABLE runs ADD COLUMN anomaly_min INTEGER;"
    "CREATE INDEX events_run ON events (run_id);"
    "CREATE INDEX events_target ON events (target, run_id) WHERE target IS NOT NULL;"
    "CREATE INDEX intervals_target ON intervals (target, first_seen_ms);",

    /* v2 -> v3: list health is kept per (list, kind). A v2 row was about the whole
     * list: it becomes kind '' (every kind), the fallback for kinds not seen yet.
     * List events say which kind they are about. */
    "CREATE TABLE list_state_v3 ("
    " list_key TEXT NOT NULL, kind TEXT NOT NULL, list TEXT NOT NULL, status TEXT NOT NULL,"
    " reason TEXT, since_ms INTEGER NOT NULL, run_id INTEGER NOT NULL,"
    " PRIMARY KEY (list_key, kind)) WITHOUT ROWID;"
    "INSERT INTO list_state_v3 (list_key, kind, list, status, reason, since_ms, run_id)"
    " SELECT list_key, '', list, status, reason, since_ms, run_id FROM list_state;"
    "DROP TABLE list_state;"
    "ALTER TABLE list_state_v3 RENAME TO list_state;"
    "ALTER TABLE events ADD COLUMN kind TEXT;",

    /* v3 -> v4: at-least-once delivery. A complete run with events is 'pending'
     * until every output of some run took them ('delivered', by delivered_by);
     * delivery_error is what stopped a run's own delivery. Runs from before v4
     * keep NULL: their events went out the old way and are never sent again.
     * Events name the job-file pool of their target. */
    "ALTER TABLE runs ADD COLUMN delivery TEXT"
    " CHECK (delivery IS NULL OR delivery IN ('pending', 'delivered'));"
    "ALTER TABLE runs ADD COLUMN delivered_by INTEGER;"
    "ALTER TABLE runs ADD COLUMN delivery_error TEXT;"
    "CREATE INDEX runs_pending ON runs (id) WHERE delivery = 'pending';"
    "ALTER TABLE events ADD COLUMN pool TEXT;",
};

static int pragma_int(struct out_state *st, const char *sql, int64_t *v)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *v = sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : db_fail(st, rc, "state store");
}

static int migrate(struct out_state *st, int target, char *msg, size_t msglen)
{
    char sql[96];
    int ret = 0;

    for (int v = st->version; v < target; v++) {
        ret = db_exec(st, "BEGIN IMMEDIATE");
        if (ret != 0)
            goto out;
        ret = db_exec(st, migrations[v]);
        if (ret == 0 && v == 0) {
            snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STATE_APP_ID);
            ret = db_exec(st, sql);
        }
        if (ret == 0) {
            snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
            ret = db_exec(st, sql);
        }
        if (ret == 0)
            ret = db_exec(st, "COMMIT");
        if (ret != 0) {
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            if (msg)
                snprintf(msg, msglen, "cannot migrate the state store from schema v%d to v%d: %s",
                         v, v + 1, st->errmsg);
            goto out;
        }
        st->version = v + 1;
    }
out:
    return ret;
}

/* Refuse files that are not ours and schemas from a newer program. */
static int check_schema(struct out_state *st, const char *path, char *msg, size_t msglen)
{
    int64_t app = 0, ver = 0, tables = 0;
    int ret;

    ret = pragma_int(st, "PRAGMA application_id", &app);
    if (ret == 0)
        ret = pragma_int(st, "PRAGMA user_version", &ver);
    if (ret == 0)
        ret = pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables);
    if (ret != 0) {
        if (msg)
            snprintf(msg, msglen, "%s is not a usable state store: %s", path, st->errmsg);
        return ret;
    }
    if ((app != 0 && app != STATE_APP_ID) || (app == 0 && (ver != 0 || tables != 0))) {
        if (msg)
            snprintf(msg, msglen, "%s is an SQLite database but not a dnsbl-scan state store",
                     path);
        return SCAN_ESTATE;
    }
    if (ver > OUT_STATE_SCHEMA_VERSION) {
        if (msg)
            snprintf(msg, msglen,
                     "%s has state schema v%" PRId64 ", newer than this dnsbl-scan (v%d): "
                     "upgrade dnsbl-scan or use another --state",
                     path, ver, OUT_STATE_SCHEMA_VERSION);
        return SCAN_ESTATE;
    }
    st->version = (int)ver;
    return 0;
}

/* --- lock ---------------------------------------------------------------- */

static void lock_holder(int fd, char *buf, size_t len)
{
    char pid[32];
    ssize_t n = pread(fd, pid, sizeof(pid) - 1, 0);
    long v = 0;

    if (n > 0) {
        pid[n] = '\0';
        v = strtol(pid, NULL, 10);
    }
    if (v > 0)
        snprintf(buf, len, "pid %ld", v);
    else
        snprintf(buf, len, "another process");
}

/*
 * flock() rather than SQLite's own locking: a run holds its write transaction
 * for minutes, and we want the second run to fail at once with a name and a
 * PID rather than SQLITE_BUSY after a timeout. The kernel drops the lock when
 * the holder dies, kill -9 included, so there is no stale lock to clean up.
 */
static int take_lock(struct out_state *st, const char *path, int wait_ms, char *msg, size_t msglen)
{
    char lock_path[4096], holder[64], pid[32];
    struct timespec tick = {0, 50 * 1000 * 1000};
    int64_t deadline = now_ms() + (wait_ms > 0 ? wait_ms : 0);
    int ret, n;

    if (snprintf(lock_path, sizeof(lock_path), "%s.lock", path) >= (int)sizeof(lock_path))
        return -ENAMETOOLONG;
    st->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (st->lock_fd < 0) {
        ret = -errno;
        if (msg)
            snprintf(msg, msglen, "cannot open the state lock %s: %s", lock_path, strerror(-ret));
        return ret;
    }
    for (;;) {
        if (flock(st->lock_fd, wait_ms < 0 ? LOCK_EX : LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno == EINTR) {
            /* A signal (Ctrl-C, SIGTERM) while waiting for the lock: the user wants
             * out, not a run that starts once the other one is done. */
            if (msg)
                snprintf(msg, msglen, "interrupted while waiting for the state lock %s", lock_path);
            return SCAN_ELOCKED;
        }
        if (errno != EWOULDBLOCK) {
            ret = -errno;
            if (msg)
                snprintf(msg, msglen, "cannot lock %s: %s", lock_path, strerror(-ret));
            return ret;
        }
        if (wait_ms > 0 && now_ms() < deadline) {
            nanosleep(&tick, NULL);
            continue;
        }
        lock_holder(st->lock_fd, holder, sizeof(holder));
        if (msg)
            snprintf(msg, msglen,
                     "state store %s is in use by another run: lock %s is held by %s%s", path,
                     lock_path, holder,
                     wait_ms > 0 ? " (gave up waiting)" : " (use --wait to wait for it)");
        return SCAN_ELOCKED;
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(st->lock_fd, 0) != 0 || pwrite(st->lock_fd, pid, (size_t)n, 0) != n) {
        ret = -errno;
        if (msg)
            snprintf(msg, msglen, "cannot write the state lock %s: %s", lock_path, strerror(-ret));
        return ret;
    }
    return 0;
}

/* --- open / close ------------------------------------------------------- */

static void finalize_run_stmts(struct out_state *st)
{
    sqlite3_finalize(st->ins_dnsbl);
    sqlite3_finalize(st->ins_rec);
    sqlite3_finalize(st->ins_health);
    st->ins_dnsbl = st->ins_rec = st->ins_health = NULL;
}

/* Before opening: a reader needs the file; a writer makes its directory and takes the lock. */
static int reach_store(struct out_state *st, const struct out_state_opts *o, char *msg,
                       size_t msglen)
{
    int ret;
    if (o->readonly) {
        if (access(o->path, R_OK) == 0)
            return 0;
        ret = errno == ENOENT ? SCAN_ENOTFOUND : -errno;
        if (msg)
            snprintf(msg, msglen, "no state store at %s: %s", o->path,
                     ret == SCAN_ENOTFOUND ? "no scan has run with this --state yet"
                                           : strerror(-ret));
        return ret;
    }
    if (o->create_parent && (ret = out_path_mkparent(o->path, OUT_STATE_DIR_MODE)) != 0) {
        if (msg)
            snprintf(msg, msglen, "cannot create the directory of %s: %s", o->path, strerror(-ret));
        return ret;
    }
    return take_lock(st, o->path, o->wait_ms, msg, msglen);
}

/* Open the SQLite connection (a reader stays one through query_only). */
static int open_db(struct out_state *st, const struct out_state_opts *o, char *msg, size_t msglen)
{
    int flags, rc, ret;

    /* A reader opens read-write when it may (query_only keeps it a reader): after a killed
     * run, only a connection that can write may run WAL recovery, and a read-only one
     * would get SQLITE_READONLY_RECOVERY until the next scan. */
    if (!o->readonly)
        flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    else
        flags = access(o->path, W_OK) == 0 ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY;
    flags |= SQLITE_OPEN_NOMUTEX;
    rc = sqlite3_open_v2(o->path, &st->db, flags, NULL);
    if (rc != SQLITE_OK) {
        ret = db_fail(st, rc, "open");
        if (msg)
            snprintf(msg, msglen, "cannot open the state store %s: %s", o->path, st->errmsg);
        return ret;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 5000);
    if (o->readonly)
        return db_exec(st, "PRAGMA query_only = 1");
    return 0;
}

/*
 * A reader reads what it finds: history and the recorded deltas use only
 * what every schema since v1 has (events.kind reads as null before v3), so a
 * store from an older dnsbl-scan stays readable without being migrated.
 */
static int reader_ready(struct out_state *st, const char *path, char *msg, size_t msglen)
{
    if (st->version >= OUT_STATE_READ_MIN_VERSION)
        return 0;
    if (msg)
        snprintf(msg, msglen, "%s has state schema v%d; run a scan to migrate it to v%d", path,
                 st->version, OUT_STATE_SCHEMA_VERSION);
    return st->version == 0 ? SCAN_ENOTFOUND : SCAN_ESTATE;
}

/* A writer sets the pragmas, migrates to @p target and marks runs left running aborted. */
static int writer_ready(struct out_state *st, const char *path, int target, char *msg,
                        size_t msglen)
{
    /* WAL: history readers never block a run. synchronous=FULL: see state.h. TEMP
     * tables in a file: a /16 times 15 lists must not live in memory. */
    int ret = db_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;");
    if (ret == 0)
        ret = migrate(st, target, msg, msglen);
    if (ret == 0 && st->version >= 1)
        ret = db_exec(st, "UPDATE runs SET status = 'aborted' WHERE status = 'running'");
    if (ret != 0 && msg && !msg[0])
        snprintf(msg, msglen, "state store %s: %s", path, st->errmsg);
    return ret;
}

int out_state_open(const struct out_state_opts *o, struct out_state **out, char *msg, size_t msglen)
{
    struct out_state *st = NULL;
    int ret, target;

    if (msg && msglen)
        msg[0] = '\0';
    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!o || !o->path || !*o->path || o->schema_version < 0 ||
        o->schema_version > OUT_STATE_SCHEMA_VERSION)
        return -EINVAL;
    target = o->schema_version ? o->schema_version : OUT_STATE_SCHEMA_VERSION;

    st = calloc(1, sizeof(*st));
    if (!st)
        return -ENOMEM;
    st->lock_fd = -1;
    st->readonly = o->readonly;

    ret = reach_store(st, o, msg, msglen);
    if (ret == 0)
        ret = open_db(st, o, msg, msglen);
    if (ret == 0)
        ret = check_schema(st, o->path, msg, msglen);
    if (ret == 0)
        ret = o->readonly ? reader_ready(st, o->path, msg, msglen)
                          : writer_ready(st, o->path, target, msg, msglen);
    if (ret != 0) {
        out_state_free(st);
        return ret;
    }
    *out = st;
    return 0;
}

static int64_t abort_run(struct out_state *st)
{
    int64_t id = st->run_id;
    sqlite3_stmt *s = NULL;

    finalize_run_stmts(st);
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE runs SET status = 'aborted', ended_ms = ?2 WHERE id = ?1"
                           " AND status = 'running'",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, now_ms());
        sqlite3_step(s);
    }
    sqlite3_finalize(s);
    st->run_id = 0;
    return id;
}

void out_state_free(struct out_state *st)
{
    if (!st)
        return;
    if (st->db && st->run_id)
        abort_run(st);
    finalize_run_stmts(st);
    if (st->db)
        sqlite3_close_v2(st->db);
    if (st->lock_fd >= 0)
        close(st->lock_fd); /* releases the flock */
    free(st);
}

int out_state_schema_version(const struct out_state *st)
{
    return st ? st->version : 0;
}

const char *out_state_errmsg(const struct out_state *st)
{
    return st ? st->errmsg : "";
}

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
    return rc == SQLITE_OK ? 0 : db_fail(st, rc, "state store: prepare");
}

/* Put the run on record before anything else happens: a killed run shows as aborted. */
static int insert_run(struct out_state *st, const char *targets, const char *lists,
                      const char *checks)
{
    sqlite3_stmt *s = NULL;
    int rc, ret = db_exec(st, "BEGIN IMMEDIATE");

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
    if (rc != SQLITE_OK || (ret = db_exec(st, "COMMIT")) != 0) {
        if (rc != SQLITE_OK)
            ret = db_fail(st, rc, "state store: new run");
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
    int ret = db_exec(st, run_tables_sql);
    if (ret == 0)
        ret = db_exec(st, clear_run_tables_sql);
    if (ret == 0)
        ret = db_exec(st, "BEGIN IMMEDIATE");
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
        abort_run(st);
    return ret;
}

int out_state_run_begin(struct out_state *st, const struct out_run_desc *desc, int64_t *run_id)
{
    char *targets = NULL, *lists = NULL, *checks = NULL;
    int ret;

    if (run_id)
        *run_id = 0;
    if (!st || !desc || st->readonly || st->run_id)
        return -EINVAL;
    if (desc->anomaly_share < 0 || desc->anomaly_share > 1)
        return -EINVAL;
    st->started_ms = desc->started_ms ? desc->started_ms : now_ms();
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

static int step_done(struct out_state *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);

    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : db_fail(st, rc, "state store: record");
}

int out_state_health(struct out_state *st, const struct scan_health *h)
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
    return step_done(st, s);
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
    return ret == SCAN_EIO ? -ENOMEM : ret; /* a memstream only fails to allocate */
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

int out_state_record(struct out_state *st, const struct scan_result *r)
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

/* The previous complete run before @p run (0: none, this is the baseline). */
static int prev_complete(struct out_state *st, int64_t run, int64_t *prev)
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
    return rc == SQLITE_OK ? 0 : db_fail(st, rc, "state store");
}

static int count_targets(struct out_state *st, int64_t *n)
{
    return pragma_int(st,
                      "SELECT count(*) FROM (SELECT target FROM temp.cur_dnsbl"
                      " UNION SELECT target FROM temp.cur_rec)",
                      n);
}

int out_state_run_end(struct out_state *st, const struct out_run_end *end, struct out_delta *d)
{
    struct run_params p = {0};
    int64_t run;
    int ret;

    if (!st || !end || !st->run_id)
        return -EINVAL;
    run = st->run_id;
    p.run = run;
    p.now = st->started_ms;
    p.ended = end->ended_ms ? end->ended_ms : now_ms();
    p.share = st->anomaly_share;
    p.min = st->anomaly_min;
    p.results = (int64_t)st->results;
    p.listed = (int64_t)st->listed;
    p.errors = (int64_t)st->errors;
    finalize_run_stmts(st);

    if (!end->complete) {
        /* Nothing of an incomplete run is applied: it never becomes the previous run. */
        ret = count_targets(st, &p.targets);
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        if (ret == 0)
            ret = db_exec_params(st, incomplete_run_sql, &p);
        if (ret != 0) {
            abort_run(st);
            return ret;
        }
        st->run_id = 0;
        goto delta;
    }

    ret = prev_complete(st, run, &p.prev);
    p.baseline = p.prev == 0;
    if (ret == 0)
        ret = db_exec_params(st, end_run_sql, &p);
    if (ret == 0)
        ret = db_exec(st, "COMMIT");
    if (ret != 0) {
        abort_run(st);
        return ret;
    }
    st->run_id = 0;
delta:
    db_exec(st, clear_run_tables_sql); /* only space to give back: a failure changes nothing */
    if (!d)
        return 0;
    return out_state_delta(st, run, d);
}

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

/* The columns RUN_COLUMNS selects, in that order. */
#define RUN_COLUMNS                                                                                \
    "id, started_ms, coalesce(ended_ms, 0), status, n_targets, n_results, n_listed, n_errors"

static void run_info_read(sqlite3_stmt *s, struct out_run_info *info)
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
        ret = db_fail(st, rc, "state store");
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
        ret = db_fail(st, rc, "state store");
        goto out;
    }
    run_info_read(s, info);
    ret = 0;
out:
    sqlite3_finalize(s);
    return ret;
}

int out_state_run_get(struct out_state *st, int64_t run_id, struct out_run_info *info)
{
    if (!st || !info)
        return -EINVAL;
    return read_run(st, "WHERE id = ?", run_id, info);
}

int out_state_last_complete(struct out_state *st, struct out_run_info *info)
{
    if (!st || !info)
        return -EINVAL;
    return read_run(st, "WHERE status = 'complete' ORDER BY id DESC LIMIT 1", 0, info);
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

static const char *col_text(sqlite3_stmt *s, int i)
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
        ret = db_fail(st, rc, "state store: events");
        goto out;
    }
    sqlite3_bind_int64(s, 1, run_id);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct out_event ev = {
            .check = col_text(s, 1),
            .target = col_text(s, 2),
            .list_id = col_text(s, 3),
            .list = col_text(s, 4),
            .before = col_text(s, 5),
            .after = col_text(s, 6),
            .before_status = col_text(s, 7),
            .after_status = col_text(s, 8),
            .codes = col_text(s, 9),
            .codes_before = col_text(s, 10),
            .meaning = col_text(s, 11),
            .txt = col_text(s, 12),
            .delist_url = col_text(s, 13),
            .reason = col_text(s, 14),
            .detail = col_text(s, 15),
            .new_listings = (uint64_t)sqlite3_column_int64(s, 16),
            .scanned = (uint64_t)sqlite3_column_int64(s, 17),
            .kind = col_text(s, 18),
            .pool = col_text(s, 19),
            .run_id = run_id,
            .redelivered = redelivered,
        };
        if (out_event_type_parse(col_text(s, 0), &ev.type) != 0)
            continue; /* a type from a newer program: not ours to render */
        ret = out_delta_event(d, &ev);
        if (ret != 0)
            goto out;
    }
    if (rc != SQLITE_DONE)
        ret = db_fail(st, rc, "state store: events");
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

    ret = out_state_run_get(st, run_id, &run);
    if (ret == 0)
        ret = prev_complete(st, run_id, &prev_id);
    if (ret == 0 && prev_id)
        ret = out_state_run_get(st, prev_id, &prev);
    if (ret != 0)
        return ret;
    *complete = strcmp(run.status, "complete") == 0;
    return out_delta_begin(d, &run, prev_id ? &prev : NULL);
}

int out_state_delta(struct out_state *st, int64_t run_id, struct out_delta *d)
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
        ret = db_fail(st, rc, "state store: pending deliveries");
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
        ret = db_fail(st, rc, "state store: pending deliveries");
out:
    sqlite3_finalize(s);
    if (ret != 0) {
        free(*ids);
        *ids = NULL;
        *n = 0;
    }
    return ret;
}

int out_state_delivery(struct out_state *st, int64_t run_id, struct out_delta *d)
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
    return rc == SQLITE_OK ? 0 : db_fail(st, rc, "state store: delivery");
}

int out_state_delivered(struct out_state *st, int64_t run_id)
{
    return update_run(st,
                      "UPDATE runs SET delivery = 'delivered', delivered_by = ?1"
                      " WHERE delivery = 'pending' AND id <= ?1",
                      run_id, NULL);
}

int out_state_delivery_failed(struct out_state *st, int64_t run_id, const char *reason)
{
    return update_run(st, "UPDATE runs SET delivery_error = ?2 WHERE id = ?1", run_id,
                      reason && *reason ? reason : "unknown");
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
        ret = db_fail(st, rc, "state store: history");
        goto out;
    }
    sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *delivery = col_text(s, 2), *e = col_text(s, 4);
        if (json) {
            n = fprintf(f, "%s\n", col_text(s, 5));
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
            ret = SCAN_EIO;
            goto out;
        }
    }
    if (rc != SQLITE_DONE)
        ret = db_fail(st, rc, "state store: history");
out:
    sqlite3_finalize(s);
    return ret;
}

int out_state_history(struct out_state *st, const char *target, FILE *f, bool json)
{
    sqlite3_stmt *s = NULL;
    char t1[32], t2[32];
    int rc, ret = 0, n;

    if (!st || !f)
        return -EINVAL;
    rc = sqlite3_prepare_v2(st->db, history_sql, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        ret = db_fail(st, rc, "state store: history");
        goto out;
    }
    sqlite3_bind_text(s, 1, target, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        /* target, list or check, codes, status before, status after: stored strings
         * that reach a terminal, so sanitized like every other text output */
        static const int cols[5] = {0, 3, 4, 8, 9};
        char txt[5][256];
        for (int i = 0; i < 5; i++) {
            const char *v = col_text(s, cols[i]);
            out_sanitize_text(v ? v : "?", v ? strlen(v) : 1, txt[i], sizeof(txt[i]));
        }
        if (json) {
            n = fprintf(f, "%s\n", col_text(s, 10));
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
            ret = SCAN_EIO;
            goto out;
        }
    }
    if (rc != SQLITE_DONE) {
        ret = db_fail(st, rc, "state store: history");
        goto out;
    }
    ret = history_deliveries(st, target, f, json);
    if (ret == 0 && (fflush(f) == EOF || ferror(f)))
        ret = SCAN_EIO;
out:
    sqlite3_finalize(s);
    return ret;
}

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
        return db_fail(st, rc, what);
    if (sqlite3_bind_parameter_count(s) > 0)
        sqlite3_bind_int64(s, 1, since);
    while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
        ret = row(s, arg);
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, what);
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
        .targets = col_text(s, 8), .lists = col_text(s, 9), .checks = col_text(s, 10)};

    run_info_read(s, &row.info);
    return w->fn(w->arg, &row);
}

int out_state_runs(struct out_state *st, int64_t since_ms, out_run_fn *fn, void *arg)
{
    static const char sql[] = "SELECT " RUN_COLUMNS ", " JOINED("targets") ", " JOINED(
        "lists") ", " JOINED("checks") " FROM runs WHERE started_ms >= ? ORDER BY id DESC";
    struct run_walk w = {fn, arg};

    if (!st || !fn)
        return -EINVAL;
    return walk(st, sql, since_ms, run_row, &w, "state store: runs");
}

static int interval_row(sqlite3_stmt *s, void *arg)
{
    const struct interval_walk *w = arg;
    struct out_interval iv = {.target = col_text(s, 0),
                              .list_key = col_text(s, 1),
                              .list = col_text(s, 2),
                              .codes = col_text(s, 3),
                              .first_seen_ms = sqlite3_column_int64(s, 4),
                              .last_seen_ms = sqlite3_column_int64(s, 5),
                              .cleared_ms = sqlite3_column_int64(s, 6)};

    return w->fn(w->arg, &iv);
}

int out_state_intervals(struct out_state *st, int64_t since_ms, out_interval_fn *fn, void *arg)
{
    static const char sql[] =
        "SELECT target, list_key, list, codes, first_seen_ms, last_seen_ms,"
        " coalesce(cleared_ms, 0) FROM intervals WHERE cleared_ms IS NULL OR cleared_ms >= ?"
        " ORDER BY target, list_key, first_seen_ms";
    struct interval_walk w = {fn, arg};

    if (!st || !fn)
        return -EINVAL;
    return walk(st, sql, since_ms, interval_row, &w, "state store: intervals");
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
    const char *status = col_text(s, 3), *kind = col_text(s, 2);
    struct out_list_status ls = {.list_key = col_text(s, 0),
                                 .list = col_text(s, 1),
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
        if (scan_reason_from_word(col_text(s, 4), &ls.why) != 0)
            ls.why = SCAN_R_UNHEALTHY;
        ls.detail = col_text(s, 6);
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
    struct out_stored_result r = {.target = col_text(s, 0),
                                  .check = "dnsbl",
                                  .kind = SCAN_CHECK_DNSBL,
                                  .list_key = col_text(s, 1),
                                  .list = col_text(s, 2),
                                  .st = SCAN_ST_CLEAN,
                                  .outcome = SCAN_OUT_OK,
                                  .json = col_text(s, 4),
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
    const char *scope = col_text(s, 2);
    struct out_stored_result r = {.target = col_text(s, 0),
                                  .check = col_text(s, 1),
                                  .scope = scope && *scope ? scope : NULL,
                                  .json = col_text(s, 4),
                                  .since_ms = sqlite3_column_int64(s, 5)};
    struct scan_result head = {0};

    if (!r.target || !r.check || scan_status_from_word(col_text(s, 3), &r.st) != 0)
        return 0; /* a status from a newer program: not ours to judge */
    if (scan_reason_from_word(col_text(s, 6), &r.why) != 0)
        r.why = SCAN_R_NONE;
    r.kind = (enum scan_check)scan_check_from_name(r.check);
    scan_result_set(&head, r.kind, r.st, r.why); /* the outcome the status means */
    r.outcome = head.outcome;
    return rp->cb->result(rp->cb->arg, &r);
}

int out_state_replay(struct out_state *st, const struct out_replay *cb)
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
    return ret;
}

int out_state_default_path(char *buf, size_t len)
{
    const char *dir = getenv("STATE_DIRECTORY");
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    int n;

    if (dir && *dir) {
        /* systemd passes a colon-separated list when several are configured */
        size_t first = strcspn(dir, ":");
        n = snprintf(buf, len, "%.*s/state.db", (int)first, dir);
    } else if (geteuid() == 0) {
        n = snprintf(buf, len, "/var/lib/dnsbl-scan/state.db");
    } else if (xdg && *xdg == '/') {
        n = snprintf(buf, len, "%s/dnsbl-scan/state.db", xdg);
    } else if (home && *home) {
        n = snprintf(buf, len, "%s/.local/state/dnsbl-scan/state.db", home);
    } else {
        return SCAN_ENOTFOUND;
    }
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
