/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The SQLite state store, opening side: the SQLite boundary, schema and
 * migrations, the lock, open and close, and the default path. See
 * output/store/state.h for the rules and state_int.h for what the store's files share.
 */
#include "output/store/state_int.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/writers/outpath.h"
#include "scanner/core/err.h"

/* 'DBLS': set at creation, so a foreign SQLite file is refused, never migrated. */
#define STATE_APP_ID 0x44424c53

/* --- SQLite boundary ---------------------------------------------------- */

/* Translate an SQLite result code (STYLE rule 7) and keep its message. */
int st_db_fail(struct out_state *st, int rc, const char *what)
{
    if (st) {
        scan_diag_fail(&st->db_diag, 0, "%s: %s", what,
                       st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    }
    switch (rc & 0xff) {
    case SQLITE_NOMEM:
        return -ENOMEM;
    case SQLITE_FULL:
        return -ENOSPC;
    case SQLITE_IOERR:
        return -EIO;
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

int st_diag_take(struct out_state *st, int ret, struct scan_diag *diag)
{
    if (!st)
        return ret;
    if (ret != 0 && st->db_diag.msg[0])
        scan_diag_fail(diag, ret, "%s", st->db_diag.msg);
    st->db_diag.msg[0] = '\0';
    return ret;
}

int st_db_exec(struct out_state *st, const char *sql)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return rc == SQLITE_OK ? 0 : st_db_fail(st, rc, "state store");
}

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
int st_db_exec_params(struct out_state *st, const char *sql, const struct run_params *p)
{
    const char *tail = sql;
    int ret = 0;

    while (tail && *tail) {
        sqlite3_stmt *s = NULL;
        int rc = sqlite3_prepare_v2(st->db, tail, -1, &s, &tail);
        if (rc != SQLITE_OK) {
            ret = st_db_fail(st, rc, "state store: prepare");
            goto out;
        }
        if (!s) /* trailing whitespace or comment */
            break;
        bind_params(s, p);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW)
            ;
        sqlite3_finalize(s);
        if (rc != SQLITE_DONE) {
            ret = st_db_fail(st, rc, "state store");
            goto out;
        }
    }
out:
    return ret;
}

int64_t st_now_ms(void)
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

int st_pragma_int(struct out_state *st, const char *sql, int64_t *v)
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
    return rc == SQLITE_OK ? 0 : st_db_fail(st, rc, "state store");
}

static int migrate(struct out_state *st, int target, struct scan_diag *diag)
{
    char sql[96];
    int ret = 0;

    for (int v = st->version; v < target; v++) {
        ret = st_db_exec(st, "BEGIN IMMEDIATE");
        if (ret != 0)
            goto out;
        ret = st_db_exec(st, migrations[v]);
        if (ret == 0 && v == 0) {
            snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", STATE_APP_ID);
            ret = st_db_exec(st, sql);
        }
        if (ret == 0) {
            snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
            ret = st_db_exec(st, sql);
        }
        if (ret == 0)
            ret = st_db_exec(st, "COMMIT");
        if (ret != 0) {
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            scan_diag_fail(diag, ret, "cannot migrate the state store from schema v%d to v%d: %s",
                           v, v + 1, st->db_diag.msg);
            goto out;
        }
        st->version = v + 1;
    }
out:
    return ret;
}

/* Refuse files that are not ours and schemas from a newer program. */
static int check_schema(struct out_state *st, const char *path, struct scan_diag *diag)
{
    int64_t app = 0, ver = 0, tables = 0;
    int ret;

    ret = st_pragma_int(st, "PRAGMA application_id", &app);
    if (ret == 0)
        ret = st_pragma_int(st, "PRAGMA user_version", &ver);
    if (ret == 0)
        ret = st_pragma_int(st, "SELECT count(*) FROM sqlite_schema", &tables);
    if (ret != 0)
        return scan_diag_fail(diag, ret, "%s is not a usable state store: %s", path,
                              st->db_diag.msg);
    if ((app != 0 && app != STATE_APP_ID) || (app == 0 && (ver != 0 || tables != 0)))
        return scan_diag_fail(diag, SCAN_ESTATE,
                              "%s is an SQLite database but not a dnsbl-scan state store", path);
    if (ver > OUT_STATE_SCHEMA_VERSION)
        return scan_diag_fail(diag, SCAN_ESTATE,
                              "%s has state schema v%" PRId64 ", newer than this dnsbl-scan (v%d): "
                              "upgrade dnsbl-scan or use another --state",
                              path, ver, OUT_STATE_SCHEMA_VERSION);
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
static int take_lock(struct out_state *st, const char *path, int wait_ms, struct scan_diag *diag)
{
    char lock_path[4096], holder[64], pid[32];
    struct timespec tick = {0, 50 * 1000 * 1000};
    int64_t deadline = st_now_ms() + (wait_ms > 0 ? wait_ms : 0);
    int ret, n;

    if (snprintf(lock_path, sizeof(lock_path), "%s.lock", path) >= (int)sizeof(lock_path))
        return -ENAMETOOLONG;
    st->lock_fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (st->lock_fd < 0) {
        ret = -errno;
        return scan_diag_fail(diag, ret, "cannot open the state lock %s: %s", lock_path,
                              strerror(-ret));
    }
    for (;;) {
        if (flock(st->lock_fd, wait_ms < 0 ? LOCK_EX : LOCK_EX | LOCK_NB) == 0)
            break;
        if (errno == EINTR) {
            /* A signal (Ctrl-C, SIGTERM) while waiting for the lock: the user wants
             * out, not a run that starts once the other one is done. */
            return scan_diag_fail(diag, SCAN_ELOCKED,
                                  "interrupted while waiting for the state lock %s", lock_path);
        }
        if (errno != EWOULDBLOCK) {
            ret = -errno;
            return scan_diag_fail(diag, ret, "cannot lock %s: %s", lock_path, strerror(-ret));
        }
        if (wait_ms > 0 && st_now_ms() < deadline) {
            nanosleep(&tick, NULL);
            continue;
        }
        lock_holder(st->lock_fd, holder, sizeof(holder));
        return scan_diag_fail(diag, SCAN_ELOCKED,
                              "state store %s is in use by another run: lock %s is held by %s%s",
                              path, lock_path, holder,
                              wait_ms > 0 ? " (gave up waiting)" : " (use --wait to wait for it)");
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(st->lock_fd, 0) != 0 || pwrite(st->lock_fd, pid, (size_t)n, 0) != n) {
        ret = -errno;
        return scan_diag_fail(diag, ret, "cannot write the state lock %s: %s", lock_path,
                              strerror(-ret));
    }
    return 0;
}

/* --- open / close ------------------------------------------------------- */

void st_finalize_run_stmts(struct out_state *st)
{
    sqlite3_finalize(st->ins_dnsbl);
    sqlite3_finalize(st->ins_rec);
    sqlite3_finalize(st->ins_health);
    st->ins_dnsbl = st->ins_rec = st->ins_health = NULL;
}

/* Before opening: a reader needs the file; a writer makes its directory and takes the lock. */
static int reach_store(struct out_state *st, const struct out_state_opts *o, struct scan_diag *diag)
{
    int ret;
    if (o->readonly) {
        if (access(o->path, R_OK) == 0)
            return 0;
        ret = errno == ENOENT ? SCAN_ENOTFOUND : -errno;
        return scan_diag_fail(diag, ret, "no state store at %s: %s", o->path,
                              ret == SCAN_ENOTFOUND ? "no scan has run with this --state yet"
                                                    : strerror(-ret));
    }
    if (o->create_parent && (ret = out_path_mkparent(o->path, OUT_STATE_DIR_MODE)) != 0)
        return scan_diag_fail(diag, ret, "cannot create the directory of %s: %s", o->path,
                              strerror(-ret));
    return take_lock(st, o->path, o->wait_ms, diag);
}

/* Open the SQLite connection (a reader stays one through query_only). */
static int open_db(struct out_state *st, const struct out_state_opts *o, struct scan_diag *diag)
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
        ret = st_db_fail(st, rc, "open");
        return scan_diag_fail(diag, ret, "cannot open the state store %s: %s", o->path,
                              st->db_diag.msg);
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 5000);
    if (o->readonly)
        return st_db_exec(st, "PRAGMA query_only = 1");
    return 0;
}

/*
 * A reader reads what it finds: history and the recorded deltas use only
 * what every schema since v1 has (events.kind reads as null before v3), so a
 * store from an older dnsbl-scan stays readable without being migrated.
 */
static int reader_ready(struct out_state *st, const char *path, struct scan_diag *diag)
{
    if (st->version >= OUT_STATE_READ_MIN_VERSION)
        return 0;
    return scan_diag_fail(diag, st->version == 0 ? SCAN_ENOTFOUND : SCAN_ESTATE,
                          "%s has state schema v%d; run a scan to migrate it to v%d", path,
                          st->version, OUT_STATE_SCHEMA_VERSION);
}

/* A writer sets the pragmas, migrates to @p target and marks runs left running aborted. */
static int writer_ready(struct out_state *st, const char *path, int target, struct scan_diag *diag)
{
    /* WAL: history readers never block a run. synchronous=FULL: see state.h. TEMP
     * tables in a file: a /16 times 15 lists must not live in memory. */
    int ret = st_db_exec(st, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                             "PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;");
    if (ret == 0 && (ret = migrate(st, target, diag)) != 0)
        return ret; /* migrate() said which step */
    if (ret == 0 && st->version >= 1)
        ret = st_db_exec(st, "UPDATE runs SET status = 'aborted' WHERE status = 'running'");
    if (ret != 0)
        scan_diag_fail(diag, ret, "state store %s: %s", path, st->db_diag.msg);
    return ret;
}

int out_state_open(const struct out_state_opts *o, struct out_state **out, struct scan_diag *diag)
{
    struct out_state *st = NULL;
    int ret, target;

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

    ret = reach_store(st, o, diag);
    if (ret == 0)
        ret = open_db(st, o, diag);
    if (ret == 0)
        ret = check_schema(st, o->path, diag);
    if (ret == 0)
        ret =
            o->readonly ? reader_ready(st, o->path, diag) : writer_ready(st, o->path, target, diag);
    if (ret != 0) {
        out_state_free(st);
        return ret;
    }
    st->db_diag.msg[0] = '\0';
    *out = st;
    return 0;
}

int64_t st_abort_run(struct out_state *st)
{
    int64_t id = st->run_id;
    sqlite3_stmt *s = NULL;

    st_finalize_run_stmts(st);
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    if (sqlite3_prepare_v2(st->db,
                           "UPDATE runs SET status = 'aborted', ended_ms = ?2 WHERE id = ?1"
                           " AND status = 'running'",
                           -1, &s, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, st_now_ms());
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
        st_abort_run(st);
    st_finalize_run_stmts(st);
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
