/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The HTML report: one self-contained file (inline CSS, SVG and a little
 * JavaScript, no request to anywhere when it is opened) for people who will
 * not read JSON Lines. Top to bottom: a header with what was scanned, when,
 * the counts and the health scores (output/report/score.h, formula printed in the
 * report); the per-list status; the pool map (every scanned /24 or IPv6 /120
 * as a 16x16 grid of its addresses, and each /16 or /112 holding several of
 * them as a 16x16 grid of tiles linking to those grids); the current listings;
 * the timeline of listings from the store's intervals; the record checks per
 * domain; the last events of the store.
 *
 * Two ways in, one model: `scan --html` feeds the run's health reports and
 * results as they come (out_report_health(), out_report_result()); `report
 * --state` replays the store's last known state (out_report_load()). Memory
 * stays bounded: the model keeps one byte per scanned address (its worst
 * verdict) and puts every other finding, and every domain's result, in a
 * private temporary SQLite database on disk; the store's history is streamed
 * straight into the file.
 *
 * Everything that came from DNS (TXT reasons, records, problems quoting them)
 * is escaped for HTML (out_sink_html()); a URL becomes a link only when it is
 * http or https, and only a list's delist URL (from the catalog) becomes one.
 * A Content-Security-Policy in the file allows nothing but its own style and
 * script (by hash): a browser would refuse a request even if one slipped in.
 *
 * Usage:
 * @code
 *   struct out_report_opts o = { .version = DNSBL_SCAN_VERSION, .lists = l, .nlists = n };
 *   struct out_report *rep = NULL;
 *   out_report_new(&o, &rep);
 *   // scan --html: per (list, kind) and per result, as the engine reports them
 *   out_report_health(rep, &health);
 *   out_report_result(rep, &result);
 *   out_report_set_run(rep, &run);
 *   // report --state: instead of the three calls above
 *   out_report_load(rep, store, &diag);
 *   out_report_write(rep, file, store_or_NULL, &diag);
 *   out_report_free(rep);
 * @endcode
 */
#ifndef OUTPUT_REPORT_H
#define OUTPUT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/store/state.h"
#include "scanner/core/result.h"

/** Default reach of the timeline and the events: 30 days. */
#define OUT_REPORT_WINDOW_MS (30 * 24 * 3600 * 1000LL)

/** One list of the catalog, as the report describes it. Plain record, borrowed. */
struct out_report_list {
    const char *id;        /**< the catalog id: the key of results and of the store */
    const char *zone;      /**< the zone as shown (never a key) */
    const char *delist;    /**< the catalog's delist URL template, or NULL */
    uint64_t daily_limit;  /**< queries per day the operator allows; 0 = no limit */
    bool ip4, ip6, domain; /**< the kinds of targets it serves */
    bool txt;              /**< a TXT query follows each listing */
};

/**
 * The meaning of one return code of one list (for the timeline, whose intervals
 * keep only codes).
 * @return static or catalog-owned text, or NULL when unknown.
 */
typedef const char *out_code_meaning_fn(void *arg, const char *list_id, const char *code);

struct out_report_opts {
    const char *version; /**< the program's version, shown in the header */
    int64_t now_ms;      /**< the report's time (Unix ms); 0 = now */
    int64_t window_ms;   /**< how far back the timeline and events reach; 0 = 30 days */
    const struct out_report_list *lists; /**< the lists of the run, in catalog order */
    size_t nlists;
    out_code_meaning_fn *meaning; /**< may be NULL */
    void *meaning_arg;
};

/** The run a report shows (set by the caller for scan --html, by out_report_load()). */
struct out_report_run {
    const char *targets; /**< the target specs, blank-separated (borrowed during the call) */
    const char *checks;  /**< the check names, blank-separated (borrowed during the call) */
    int64_t started_ms;
    int64_t ended_ms;
    bool complete;
};

struct out_report;

/**
 * A report with nothing in it yet; it opens its temporary database.
 * @param[in] o     options; o->lists and the strings in it stay borrowed until
 *                  out_report_free()
 * @param[out] out  caller frees with out_report_free(); NULL on failure
 * @return 0, -EINVAL, -ENOMEM, -EIO (the temporary database could not be made).
 */
int out_report_new(const struct out_report_opts *o, struct out_report **out);

/** Free the report and its temporary database; NULL is a no-op. */
void out_report_free(struct out_report *rep);

/**
 * Take the health of one (list, kind) of this run (borrowed during the call).
 * @return 0, -EINVAL, -ENOMEM.
 */
int out_report_health(struct out_report *rep, const struct scan_health *h);

/**
 * Take one result of this run (borrowed during the call).
 * @return 0, -EINVAL (no target or check), -ENOMEM, -EIO (the temporary database).
 */
int out_report_result(struct out_report *rep, const struct scan_result *r);

/** Say which run the report shows (scan --html). @return 0 or -ENOMEM. */
int out_report_set_run(struct out_report *rep, const struct out_report_run *run);

/**
 * Fill the report from the store: the last complete run as the run shown, the
 * status of its lists and the last known results in its scope
 * (out_state_replay()). The store keeps listings of class listing only, so a
 * report from the store shows no informational listings, and errors only where
 * a (list, kind) is unhealthy now.
 * @param[in] st     borrowed during the call
 * @param[out] diag  the store's message when the store failed (output/store/state.h);
 *                   may be NULL
 * @return 0, SCAN_ENOTFOUND (no complete run yet: the report says so), -ENOMEM,
 *         -EIO, or a translated SQLite failure of the store.
 */
int out_report_load(struct out_report *rep, struct out_state *st, struct scan_diag *diag);

/**
 * Write the HTML document to @p f. With a store, the timeline, the events and
 * the runs per day (daily-limit use) come from it; without one those sections
 * say that a store keeps them. Afterwards the report takes no more results (it
 * may be written again).
 * @param[in] f      borrowed; flushed, never closed
 * @param[in] st     borrowed during the call; may be NULL
 * @param[out] diag  the store's message when the store failed; may be NULL
 * @return 0, -EIO (a write failed), -ENOMEM, or a translated SQLite failure.
 */
int out_report_write(struct out_report *rep, FILE *f, struct out_state *st, struct scan_diag *diag);

/**
 * Write a report to @p path atomically: PATH.tmp.PID, fsync, rename (so a web
 * server or a mail job never sees half a file).
 * @return as out_report_write(), or a negative errno from open/fsync/rename (the
 *         temporary file is removed and @p path is left as it was).
 */
int out_report_write_file(struct out_report *rep, const char *path, struct out_state *st,
                          struct scan_diag *diag);

#endif
