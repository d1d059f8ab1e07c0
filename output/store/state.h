/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The state store: an SQLite database that remembers every run and the
 * history of every finding, so that a scheduled scan reports only what changed
 * (output/store/delta.h) and `dnsbl-scan history` can show when listings started and
 * ended.
 *
 * What it keeps (schema version OUT_STATE_SCHEMA_VERSION, migrated in place):
 * - `runs`: every run: start, end, target specs, lists, checks, status
 *   (running | complete | incomplete | aborted) and counts;
 * - `dnsbl_state`: the last known state of each (target, list): listed (with
 *   its codes, meanings, TXT, delist URL) or clean;
 * - `intervals`: listing intervals per (target, list): first seen, last seen,
 *   cleared (NULL while open), codes. A code change closes one interval and
 *   opens the next;
 * - `record_state`: the last known result of each (target, record check)
 *   (FCrDNS, SPF, DMARC, MX; spf-auth per sending domain): its fingerprint and
 *   its full JSON;
 * - `list_state`: the last known health of each (list, kind) (healthy | unhealthy |
 *   anomalous); kind "" stands for every kind (a store from before v3, or health
 *   reported without a kind) and is the fallback for a kind not seen yet;
 * - `events`: the events of every complete run (the delta, replayable), each
 *   with the job-file pool of its target;
 * - per run, whether its events were delivered (v4): `delivery` is 'pending'
 *   from the commit of a complete run with events until every output of some
 *   run took them ('delivered', `delivered_by` that run); `delivery_error` is
 *   the one-line reason a run could not deliver.
 *
 * Transactions and crashes: a run opens ONE write transaction at
 * out_state_run_begin() and every observation goes into connection-private
 * TEMP tables inside it (bounded memory: SQLite spills them to a temporary
 * file). out_state_run_end() computes the events with SQL against the state of
 * the last complete run, applies the new state and marks the run complete in
 * that same transaction, then commits. A run that is killed (kill -9) or ends
 * incomplete never touches the state: its row stays "running" until the next
 * open marks it "aborted", and it never becomes the previous run. The database
 * runs in WAL mode with synchronous=FULL: a run commits only three times, so
 * the extra fsync per commit costs nothing, and it means a committed run
 * survives a power loss too (NORMAL could roll the last run back, which would
 * re-announce its events).
 *
 * Locking: a writer holds flock(LOCK_EX) on PATH.lock (the file holds the
 * writer's PID, and is never removed: removing a lock file races) for as long
 * as the store is open. A second writer gets SCAN_ELOCKED at once with a
 * message naming the lock file and that PID, or waits (wait_ms). Read-only
 * opens (history) take no lock: WAL gives them the last committed state.
 *
 * Delta rules (the issue's, made precise):
 * - A DNSBL result is "listed" when its class is SCAN_CLASS_LISTING, "error"
 *   when its status is "error" (or NULL), and "clean" otherwise (clean,
 *   informational and allowlist answers are not actionable). A record check
 *   is "error" when its status is "error" or "temperror".
 * - An error never changes state: the previous state carries forward.
 * - A (target, list) or (target, check) seen for the first time is a silent
 *   baseline; the first run of a store is entirely silent.
 * - Per (list, kind) and run: health from out_state_health() (unhealthy wins
 *   when a (list, kind) reports twice); a target's kind is read off its
 *   canonical text (out_target_kind()). A list whose health came without a kind
 *   is judged as a whole, as before v3. A (list, kind) that is not unhealthy and
 *   newly lists at least anomaly_min targets AND more than anomaly_share of the
 *   targets of that kind it scanned is "anomalous". For an unhealthy or anomalous
 *   (list, kind) nothing of this run is applied to its targets (no new_listing,
 *   delisted or code_changed; state carries forward), so nothing is announced
 *   twice and nothing flaps back when the list recovers. Events fire on a change
 *   of status only: list_unhealthy, list_anomaly, list_recovered (one each per
 *   kind, however long the fault lasts), each carrying its kind.
 * - Record checks fcrdns, spf, spf-auth, dmarc and mx produce <check>_changed
 *   (spf-auth as spf_changed) when their fingerprint differs
 *   (out_delta_result_fingerprint(): status and the identifying fields, arrays as
 *   sets). The event's before/after are the full results. Other checks are stored
 *   but produce no events.
 *
 * Usage (one scan):
 * @code
 *   struct scan_diag diag = {0};
 *   struct out_state_opts so = { .path = path, .wait_ms = wait ? -1 : 0 };
 *   struct out_state *st = NULL;
 *   int ret = out_state_open(&so, &st, &diag);  // SCAN_ELOCKED: print diag.msg
 *   struct out_run_desc rd = { .targets = specs, .ntargets = n, ... };
 *   out_state_run_begin(st, &rd, &run_id, &diag);
 *   out_state_health(st, &health, &diag);     // per (list, kind), as the engine reports it
 *   out_state_record(st, &result, &diag);     // per result, streamed
 *   struct out_run_end re = { .complete = engine_finished };
 *   out_state_run_end(st, &re, NULL, &diag);  // commit: the run's events are 'pending'
 *   out_state_delivery(st, run_id, d, &diag); // earlier pending events, then the run's
 *   ... every output took the document:
 *   out_state_delivered(st, run_id, &diag);   // or out_state_delivery_failed(st, run_id, why,
 * &diag) out_state_free(st);
 * @endcode
 *
 * Messages: every call that can fail inside SQLite takes struct scan_diag *diag
 * last (may be NULL). When SQLite failed, it holds SQLite's message after what
 * failed, e.g. "state store: record: disk I/O error" (the code is translated:
 * STYLE rule 7); on any other failure (-EINVAL, -ENOMEM, SCAN_ENOTFOUND, a
 * callback's return) it is left as it was.
 *
 * Delivery is at least once: an event stays pending until a run's outputs all
 * took it, and every later run writes the pending events first (marked
 * redelivered, with their run id). A run killed between its outputs and
 * out_state_delivered() delivers them again next time: the one duplicate.
 */
#ifndef OUTPUT_STATE_H
#define OUTPUT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/store/delta.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/** The schema version this build writes (PRAGMA user_version). */
#define OUT_STATE_SCHEMA_VERSION 4
/** The oldest schema a read-only open (history) accepts: every one this program wrote. */
#define OUT_STATE_READ_MIN_VERSION 1
/** Default share of a list's scanned targets that makes a run's new listings an anomaly. */
#define OUT_STATE_ANOMALY_SHARE 0.2
/** Default minimum of new listings for an anomaly (small pools never trip it by one IP). */
#define OUT_STATE_ANOMALY_MIN 5

struct out_state_opts {
    const char *path; /**< the database file; the lock is path + ".lock" */
    /** 0: fail at once with SCAN_ELOCKED when another run holds the lock;
     *  < 0: wait as long as it takes; > 0: wait up to this many milliseconds. */
    int wait_ms;
    bool readonly;      /**< for `history`: no lock, no writes; the file must exist */
    bool create_parent; /**< create the parent directory (OUT_STATE_DIR_MODE, 0750) and
                             the ones above it when missing */
    int schema_version; /**< tests only: migrate up to this version; 0 = latest */
};

struct out_state;

/**
 * Open (creating, migrating and recovering as needed) the state store.
 * Runs left "running" by a killed process are marked "aborted".
 * @param[in] o        options (borrowed during the call)
 * @param[out] out     caller frees with out_state_free(); NULL on failure
 * @param[out] diag    on failure, a sentence for the user (names the lock file and
 *                     the PID holding it for SCAN_ELOCKED); left as it was for -EINVAL
 *                     and -ENOMEM before the file is reached; may be NULL
 * @return 0; SCAN_ELOCKED; SCAN_ESTATE (not a dnsbl-scan store, corrupt, schema newer
 *         than this program); SCAN_ENOTFOUND (readonly and no store); -EINVAL; -ENOMEM;
 *         a negative errno from the lock file; -EIO.
 */
int out_state_open(const struct out_state_opts *o, struct out_state **out, struct scan_diag *diag);

/** Close. A run still open is rolled back and marked "aborted". NULL is a no-op. */
void out_state_free(struct out_state *st);

/** @return the schema version of the open store. */
int out_state_schema_version(const struct out_state *st);

/** What a run covers, recorded in `runs` (arrays borrowed during the call). */
struct out_run_desc {
    const char *const *targets; /**< target specs as given: CIDRs, names, "@file" */
    size_t ntargets;
    const char *const *lists; /**< list ids or zones */
    size_t nlists;
    const char *const *checks; /**< "dnsbl", "fcrdns", ... */
    size_t nchecks;
    int64_t started_ms;   /**< Unix ms; 0 = now. All observations of the run carry it. */
    double anomaly_share; /**< 0 = OUT_STATE_ANOMALY_SHARE; else in (0, 1] */
    unsigned anomaly_min; /**< 0 = OUT_STATE_ANOMALY_MIN */
};

/**
 * Record the run as "running" (committed at once, so even a killed run is on
 * record) and open its transaction.
 * @param[out] run_id  the new run's id; may be NULL
 * @return 0; -EINVAL (readonly store, a run already open, bad share); SQLite failures
 *         as -ENOMEM, -ENOSPC, -EIO or SCAN_ESTATE.
 */
int out_state_run_begin(struct out_state *st, const struct out_run_desc *desc, int64_t *run_id,
                        struct scan_diag *diag);

/** Record the health of a (list, kind) for this run (borrowed during the call; a NULL
 *  kind means every kind).
 *  @return 0, -EINVAL (no run open, no list), or a translated SQLite failure. */
int out_state_health(struct out_state *st, const struct scan_health *h, struct scan_diag *diag);

/**
 * Record one result (borrowed during the call). The same (target, list) or
 * (target, check) twice in a run keeps the first non-error observation.
 * @return 0, -EINVAL (no run open; no target or check; a DNSBL result without a
 *         list), or a translated SQLite failure.
 */
int out_state_record(struct out_state *st, const struct scan_result *r, struct scan_diag *diag);

struct out_run_end {
    bool complete;    /**< false: interrupted; nothing of the run is applied, no events */
    int64_t ended_ms; /**< Unix ms; 0 = now */
};

/**
 * Finish the run. Complete: compute and store its events, apply the new state,
 * mark it complete (and, when it has events, pending delivery), commit; then, when
 * @p d is not NULL, write its own delta to it
 * (out_delta_begin/event/end: the document, text lines, callbacks). Incomplete:
 * roll back its observations, mark it "incomplete" with its counts, and give
 * @p d an empty delta.
 * The delta is written after the commit, so it shows exactly what the store
 * recorded; out_state_delta() can write it again.
 * @param[in,out] d  borrowed; may be NULL
 * @return 0; -EINVAL (no run open); a translated SQLite failure (the run is then rolled
 *         back and marked aborted); a delta write failure (-EIO: the run IS committed).
 */
int out_state_run_end(struct out_state *st, const struct out_run_end *end, struct out_delta *d,
                      struct scan_diag *diag);

/**
 * Read a run. @p info->status points to a static string.
 * @return 0, SCAN_ENOTFOUND, or a translated SQLite failure.
 */
int out_state_run_get(struct out_state *st, int64_t run_id, struct out_run_info *info,
                      struct scan_diag *diag);

/** The last complete run (for the Prometheus "last success" time when this run is
 *  incomplete). @return 0, SCAN_ENOTFOUND (none yet), or a translated SQLite failure. */
int out_state_last_complete(struct out_state *st, struct out_run_info *info,
                            struct scan_diag *diag);

/** Write the recorded delta of run @p run_id to @p d (begin, events, end).
 *  @return 0, SCAN_ENOTFOUND, -EIO, or a translated SQLite failure. */
int out_state_delta(struct out_state *st, int64_t run_id, struct out_delta *d,
                    struct scan_diag *diag);

/**
 * Write what run @p run_id must deliver to @p d: begin with the run and the
 * complete run before it, the events of every earlier run still pending (oldest
 * first, each with redelivered set and its own run id), then the run's own events
 * (none when it is incomplete), end. Call after out_state_run_end().
 * @return 0, -EINVAL, SCAN_ENOTFOUND, -EIO (from @p d), -ENOMEM, or a translated
 *         SQLite failure.
 */
int out_state_delivery(struct out_state *st, int64_t run_id, struct out_delta *d,
                       struct scan_diag *diag);

/**
 * Every output of run @p run_id took its delivery document: the runs it held
 * (pending, up to @p run_id) become delivered, by @p run_id, and are never sent
 * again. Committed at once (synchronous=FULL).
 * @return 0, -EINVAL (readonly, or a run still open), or a translated SQLite failure.
 *         A store older than v4 (read-only use only) has nothing to mark: 0.
 */
int out_state_delivered(struct out_state *st, int64_t run_id, struct scan_diag *diag);

/**
 * Run @p run_id could not deliver: record @p reason (one line, borrowed) as its
 * delivery_error, for `history`. Pending runs stay pending.
 * @return as out_state_delivered().
 */
int out_state_delivery_failed(struct out_state *st, int64_t run_id, const char *reason,
                              struct scan_diag *diag);

/**
 * `dnsbl-scan history [TARGET]`: listing intervals and record-check changes,
 * ordered by target then time.
 * Text, one line each:
 *   `192.0.2.1 zen.spamhaus.org listed 2026-01-01T10:00:00Z .. 2026-01-02T10:15:00Z codes
 * 127.0.0.2` `192.0.2.1 zen.spamhaus.org listed 2026-01-03T10:00:00Z .. now codes 127.0.0.2 (last
 * seen ...)` `example.test spf changed 2026-01-02T10:00:00Z valid -> invalid` JSON Lines:
 * `{"kind":"listing",...}` / `{"kind":"change",...}`.
 * Then, from schema v4, one line per run whose delivery was not plain (with a
 * target: per run that found events for it):
 * `run 5 2026-01-02T10:00:00Z delivery failed: --on-change: ...; its events were
 * delivered by run 6` / `{"kind":"delivery","run":5,"at":...,"events":1,
 * "delivery":"delivered","delivered_by":6,"error":"..."}`.
 * @param[in] target  one target, or NULL for all
 * @param[in] f       borrowed
 * @return 0, -EIO, or a translated SQLite failure.
 */
int out_state_history(struct out_state *st, const char *target, FILE *f, bool json,
                      struct scan_diag *diag);

/* --- reading for reports (output/report/report.h) ------------------------------ */

/** A run as a report lists it: its record and what it covered. Strings are
 *  borrowed for the callback only. */
struct out_run_row {
    struct out_run_info info;
    const char *targets; /**< the target specs as given, blank-separated ("" for none) */
    const char *lists;   /**< the list ids, blank-separated */
    const char *checks;  /**< the check names, blank-separated */
};

/** Called once per row; a nonzero return stops the walk and is passed on. */
typedef int out_run_fn(void *arg, const struct out_run_row *r);

/**
 * Walk the runs that started at or after @p since_ms, newest first, whatever their
 * status (aborted and incomplete runs included: a report shows them).
 * @return 0, the callback's nonzero return, or a translated SQLite failure.
 */
int out_state_runs(struct out_state *st, int64_t since_ms, out_run_fn *fn, void *arg,
                   struct scan_diag *diag);

/** One listing interval of a (target, list); strings borrowed for the callback. */
struct out_interval {
    const char *target;
    const char *list_key; /**< the list id */
    const char *list;     /**< the zone as shown */
    const char *codes;    /**< comma-separated, sorted ("127.0.0.2,127.0.0.4") */
    int64_t first_seen_ms;
    int64_t last_seen_ms;
    int64_t cleared_ms; /**< 0 while the listing is open */
};

/** Called once per interval; a nonzero return stops the walk and is passed on. */
typedef int out_interval_fn(void *arg, const struct out_interval *iv);

/**
 * Walk the listing intervals that reach into [@p since_ms, now]: open ones, and
 * those cleared at or after @p since_ms; ordered by target, list id, first seen.
 * @return 0, the callback's nonzero return, or a translated SQLite failure.
 */
int out_state_intervals(struct out_state *st, int64_t since_ms, out_interval_fn *fn, void *arg,
                        struct scan_diag *diag);

/** The last known status of a (list, kind) (the store's list_state). */
enum out_list_health {
    OUT_LIST_HEALTHY,
    OUT_LIST_UNHEALTHY, /**< failed its health check: its results carry forward */
    OUT_LIST_ANOMALOUS, /**< newly listed too much of the pool: its listings are held back */
};

/** One (list, kind) as out_state_replay() gives it; strings borrowed for the callback. */
struct out_list_status {
    const char *list_key; /**< the list id */
    const char *list;     /**< the zone as shown */
    const char *kind;     /**< "ip4", "ip6", "domain", or NULL for the list as a whole */
    enum out_list_health health;
    enum scan_reason why;  /**< unhealthy: SCAN_R_BLOCKED or SCAN_R_UNHEALTHY; else SCAN_R_NONE */
    const char *detail;    /**< unhealthy: the sentence of its last list_unhealthy event, or NULL */
    uint64_t new_listings; /**< anomalous: new listings held back by its last list_anomaly event */
    uint64_t scanned;      /**< anomalous: targets of the kind it scanned then */
    int64_t since_ms;      /**< when it got this status */
};

/** One last known result as out_state_replay() gives it; strings borrowed for the callback. */
struct out_stored_result {
    const char *target;
    const char *check;    /**< "dnsbl" or a record check's name, as stored */
    enum scan_check kind; /**< 0 for a check name this program does not know */
    const char *list_key; /**< DNSBL: the list id; else NULL */
    const char *list;     /**< DNSBL: the zone as shown; else NULL */
    const char *scope;    /**< spf-auth: the sending domain; else NULL */
    enum scan_status st;
    enum scan_reason why;
    enum scan_outcome outcome;
    const char *json; /**< the stored observation (out_delta_result_json() form), or NULL */
    int64_t since_ms; /**< when the (target, list or check) last changed */
};

/** The callbacks of out_state_replay(); a nonzero return stops it and is passed on. */
struct out_replay {
    int (*list)(void *arg, const struct out_list_status *ls);
    int (*result)(void *arg, const struct out_stored_result *r);
    void *arg;
};

/**
 * Replay the store's last known state in the scope of the last complete run (its
 * lists and its checks): first the status of each (list, kind) of those lists, then
 * the DNSBL results by target and list id, then the record checks by target, check
 * and scope. A DNSBL result is listed (class listing) or clean, as the store keeps
 * it (informational and allowlist answers are clean there), except that a clean one
 * whose (list, kind) is unhealthy now is an error with that reason: its verdict is
 * open (a listing carries forward and stays listed). Record checks keep the status
 * and reason they had at their last non-error observation. Nothing is replayed
 * before the first complete run. Reads stores of every schema version.
 * @param[in] cb  borrowed during the call; either callback may be NULL
 * @return 0, the callbacks' nonzero return, -EINVAL, -ENOMEM, or a translated SQLite
 *         failure.
 */
int out_state_replay(struct out_state *st, const struct out_replay *cb, struct scan_diag *diag);

/**
 * The default store path, for when neither --state nor the job file names one:
 * $STATE_DIRECTORY/state.db (systemd StateDirectory=dnsbl-scan), else
 * /var/lib/dnsbl-scan/state.db for root, else
 * ${XDG_STATE_HOME:-$HOME/.local/state}/dnsbl-scan/state.db.
 * @return 0, -ENAMETOOLONG, SCAN_ENOTFOUND (no HOME for a non-root user).
 */
int out_state_default_path(char *buf, size_t len);

#endif
