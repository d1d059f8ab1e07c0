/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Deltas: what changed since the last complete run, as a stream of events.
 *
 * The state store (output/store/state.h) decides *which* events a run produces and
 * records them; this module only carries and renders them:
 * - the `--delta FILE` document, one JSON object streamed event by event:
 *   `{"run": {...}, "previous_run": {...} | null, "events": [...], "counts": {...},
 *   "total": N, "redelivered": N}`; each event ends with `"pool"`, `"run_id"` and
 *   `"redelivered"` (true for an event an earlier run could not deliver);
 * - one human line per event (the summary prints these first);
 * - an optional callback per event (tests, and anything else that wants structs);
 * - counts by type, for the exit code and the Prometheus file.
 *
 * It also owns the JSON form of a result as it appears in an event's
 * `before` / `after` (out_delta_result_json()) and the fingerprint the store
 * compares for record checks (out_delta_result_fingerprint(): canonical, arrays
 * sorted, only the fields that identify a finding), so a reordered answer or a
 * rotated MX address is not a change.
 *
 * Usage (out_state_run_end() makes the begin/event/end calls itself):
 * @code
 *   struct out_delta_opts o = { .json = delta_file, .text = NULL };
 *   struct out_delta *d = NULL;
 *   out_delta_new(&o, &d);
 *   out_delta_begin(d, &run, prev_or_NULL);
 *   out_delta_event(d, &ev);          // zero or more
 *   out_delta_end(d);
 *   if (out_delta_has_problems(d)) ...
 *   out_delta_free(d);
 * @endcode
 */
#ifndef OUTPUT_DELTA_H
#define OUTPUT_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "scanner/core/result.h"

/** Event types, in the order of the issue. The names are the JSON `type` words. */
enum out_event_type {
    OUT_EV_NEW_LISTING,    /**< (target, list) clean -> listed */
    OUT_EV_DELISTED,       /**< (target, list) listed -> clean */
    OUT_EV_CODE_CHANGED,   /**< listed -> listed with a different set of codes */
    OUT_EV_LIST_UNHEALTHY, /**< a list became unhealthy (its delistings are held back) */
    OUT_EV_LIST_RECOVERED, /**< a list is healthy again (after unhealthy or anomalous) */
    OUT_EV_LIST_ANOMALY,   /**< a list newly listed too much of the pool: one event, no listings */
    OUT_EV_FCRDNS_CHANGED, /**< FCrDNS status or PTR names changed */
    OUT_EV_SPF_CHANGED,    /**< SPF record or status changed (checks "spf" and "spf-auth") */
    OUT_EV_DMARC_CHANGED,  /**< DMARC record or status changed */
    OUT_EV_MX_CHANGED,     /**< MX set or status changed */
    OUT_EV_COUNT
};

/** @return the JSON `type` word of @p t ("new_listing", ...); "unknown" when out of range. */
const char *out_event_type_name(enum out_event_type t);

/**
 * Parse a type word back.
 * @param[in] name  e.g. "delisted"
 * @param[out] t    the type
 * @return 0 or SCAN_ENOTFOUND.
 */
int out_event_type_parse(const char *name, enum out_event_type *t);

/**
 * One event. Every pointer is borrowed for the duration of out_delta_event();
 * NULL means "absent" (rendered as JSON null or left out, see below).
 */
struct out_event {
    enum out_event_type type;
    const char *check;   /**< "dnsbl" for listing and list events; else the record check */
    const char *target;  /**< NULL for list events */
    const char *list;    /**< zone as shown; NULL for record-check events */
    const char *list_id; /**< catalog id, when known */
    /** Observations as JSON object text, always `{"status": ..., ...}` (produced by
     *  out_delta_result_json() or the store; embedded verbatim), or NULL for null. */
    const char *before;
    const char *after;
    const char *before_status; /**< the "status" of @c before, for text; may be NULL */
    const char *after_status;  /**< the "status" of @c after, for text; may be NULL */
    /* Listing events: taken from the listing side (after; before for delisted). */
    const char *codes;        /**< comma-separated, sorted ("127.0.0.2,127.0.0.4") */
    const char *codes_before; /**< code_changed: the codes before */
    const char *meaning;      /**< meanings joined with "; " */
    const char *txt;          /**< TXT reason: untrusted DNS data (escaped on output) */
    const char *delist_url;   /**< delist URL */
    /* List events. */
    const char *kind;      /**< the kind of targets ("ip4", "ip6", "domain"); NULL: every
                                kind (health reported without one, or a store before v3) */
    const char *reason;    /**< list_unhealthy: "blocked", "unhealthy" */
    const char *detail;    /**< list_unhealthy: a sentence from the health check */
    uint64_t new_listings; /**< list_anomaly: new listings withheld */
    uint64_t scanned;      /**< list_anomaly: targets scanned on that list */
    /* Delivery. */
    const char *pool; /**< the job-file pool of the target, or NULL */
    int64_t run_id;   /**< the run that found the event; 0: unknown (not written) */
    bool redelivered; /**< an earlier run found it and could not deliver it */
};

/** A run as shown in the delta document (`run` and `previous_run`). */
struct out_run_info {
    int64_t id;
    int64_t started_ms; /**< Unix time in milliseconds */
    int64_t ended_ms;   /**< 0 while running */
    const char *status; /**< "running", "complete", "incomplete" or "aborted" */
    uint64_t targets;   /**< distinct targets with at least one result */
    uint64_t results;
    uint64_t listed; /**< DNSBL results of class listing */
    uint64_t errors; /**< results with status error (DNSBL and record checks) */
};

struct out_delta_opts {
    FILE *json; /**< the delta document, or NULL; borrowed, never closed */
    FILE *text; /**< one human line per event, or NULL; borrowed, never closed */
    /** Called for each event after it was written; a nonzero return aborts the
     *  delta with that code. May be NULL. */
    int (*on_event)(void *arg, const struct out_event *ev);
    void *arg;
};

struct out_delta;

/**
 * @param[in] o     sinks (copied; the FILEs stay borrowed until out_delta_free())
 * @param[out] out  caller frees with out_delta_free(); NULL on failure
 * @return 0, -EINVAL or -ENOMEM.
 */
int out_delta_new(const struct out_delta_opts *o, struct out_delta **out);

/**
 * Start the document: writes `{"run": ..., "previous_run": ..., "events": [`.
 * @param[in] run   this run (borrowed during the call)
 * @param[in] prev  the run it is compared with, or NULL for the baseline run
 * @return 0, -EINVAL when called twice, -EIO when a write failed.
 */
int out_delta_begin(struct out_delta *d, const struct out_run_info *run,
                    const struct out_run_info *prev);

/** Add one event (borrowed during the call). @return 0, -EINVAL (before begin, after end,
 *  bad type), -EIO, or the callback's nonzero return. */
int out_delta_event(struct out_delta *d, const struct out_event *ev);

/** Close the document (`], "counts": {...}}` and a newline) and flush the sinks.
 *  @return 0, -EINVAL (not begun), -EIO. */
int out_delta_end(struct out_delta *d);

/** @return the number of events of type @p t added so far. */
uint64_t out_delta_count(const struct out_delta *d, enum out_event_type t);

/** @return the number of events added so far. */
uint64_t out_delta_total(const struct out_delta *d);

/** @return the number of those events that were redelivered. */
uint64_t out_delta_redelivered(const struct out_delta *d);

/**
 * @return true when the delta holds a "new problem": any event other than
 *         delisted and list_recovered (a changed record is reported as a problem
 *         even when the new record is valid: someone changed DNS).
 */
bool out_delta_has_problems(const struct out_delta *d);

/** Free; NULL is a no-op. The sinks are not closed. */
void out_delta_free(struct out_delta *d);

/**
 * Format Unix time in milliseconds as ISO 8601 UTC with seconds ("2026-01-02T03:04:05Z").
 * @param[out] buf  at least 21 bytes; always NUL-terminated when @p len > 0
 * @return 0, or -ERANGE when @p buf is too small or the time cannot be represented.
 */
int out_iso8601(int64_t ms, char *buf, size_t len);

/**
 * Write the `before`/`after` JSON object of a result:
 * - DNSBL: `{"status":"listed","codes":[...],"meanings":[...],"txt":...,"delist_url":...}`
 *   (codes with their meanings ordered by code) for class listing,
 *   `{"status":"clean"}` for anything else that is not an error,
 *   `{"status":"error","reason":...}` for errors;
 * - record checks: `{"status":...,"reason":...,<every extra field>}`, arrays sorted.
 * Strings are escaped and invalid UTF-8 is replaced (out_json_string()).
 * @param[in] f  borrowed
 * @param[in] r  borrowed during the call
 * @return 0, -EINVAL, -ENOMEM, -EIO.
 */
int out_delta_result_json(FILE *f, const struct scan_result *r);

/**
 * Write the fingerprint of a record-check result: what the store compares to
 * decide `<check>_changed`. Canonical JSON (arrays are sets, sorted) of the
 * status and the fields that identify the finding, per the issue:
 * - fcrdns: "ptr"; spf: "record"; spf-auth: "domain"; dmarc: "record" and
 *   "policy_domain"; mx: "hosts" with only "pref" and "host" of each (providers
 *   rotate MX addresses per query, which is not a change);
 * - another check: the whole out_delta_result_json() form.
 * Reasons, counters and diagnostics are left out. For DNSBL results the same as
 * out_delta_result_json() (the store compares DNSBL results by their code set).
 * @return 0, -EINVAL, -ENOMEM, -EIO.
 */
int out_delta_result_fingerprint(FILE *f, const struct scan_result *r);

#endif
