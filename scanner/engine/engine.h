/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scan engine: streams targets into jobs, keeps the number of queries in
 * flight under the window, enforces per-list rates, checks each list's health
 * before trusting it, and turns answers into exactly one result per
 * (target, list) and per (target, check[, selector]): a record check yields one
 * result, except dkim, which yields one per selector found (scanner/checks/report.h).
 *
 * Jobs:
 * - health: the RFC 5782 and operator test points of every list, once per run,
 *   before the scan (a barrier: no result of a list is produced before its
 *   health is known);
 * - dnsbl: an A query for the RFC 5782 name, a TXT query when listed;
 * - record checks (scanner/checks/checks.h) in the replay style: the engine answers
 *   their missing questions from a run-wide cache or the resolver, and re-runs
 *   them until they finish.
 *
 * Usage:
 * @code
 *   struct scan_engine_opts o = {.resolver = r, .lists = lists, .nlists = n,
 *                                .checks = SCAN_CHECK_DNSBL, .concurrency = 500,
 *                                .on_result = emit, .arg = ctx};
 *   struct scan_engine_stats st;
 *   ret = scan_engine_run(&o, targets, total, &st);
 * @endcode
 */
#ifndef SCANNER_ENGINE_H
#define SCANNER_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/catalog/catalog.h"
#include "scanner/checks/checks.h"
#include "scanner/checks/dnssec.h"
#include "scanner/checks/expand.h"
#include "scanner/dns/resolver.h"
#include "scanner/core/result.h"
#include "scanner/targets/target.h"

struct scan_progress {
    uint64_t targets_done; /**< targets dispatched (all their jobs submitted) */
    uint64_t targets_total;
    uint64_t results;
    uint64_t errors;
    uint64_t queries;
    double seconds;
};

struct scan_engine_opts {
    struct scan_resolver *resolver;        /**< borrowed */
    const struct list_entry *const *lists; /**< borrowed: active lists to query */
    const char *const *zones;              /**< borrowed: zone to query per list (may hold keys) */
    size_t nlists;
    unsigned checks;                /**< enum scan_check_kind bits */
    const char *const *spf_domains; /**< borrowed: --spf-domain values */
    size_t nspf_domains;
    const char *bimi_selector;              /**< borrowed: --bimi-selector, NULL = "default" */
    const struct scan_dkim_selectors *dkim; /**< borrowed: selectors for dkim, or NULL */
    bool no_fetch;                          /**< mta-sts: judge the record only (--no-fetch) */
    const char *ca_file;                    /**< borrowed: --ca-file for the HTTPS fetch, or NULL */
    const char *https_connect;              /**< borrowed: --https-connect HOST:PORT, or NULL */
    struct scan_dnssec *dnssec;             /**< borrowed: trust anchors and memo; required with
                                                 SCAN_CHECK_DNSSEC (scanner/checks/dnssec.h) */
    struct scan_expand_opts expand;         /**< --expand: .what 0 for none. Before the scan every
                                                 domain target is expanded (an "expand" result
                                                 each); the addresses found are then checked like
                                                 IP targets, after the direct ones, each once,
                                                 with every via (scanner/checks/expand.h) */
    size_t concurrency;                     /**< queries in flight at most, >= 1 */
    int timeout_ms; /**< the resolver's first-try timeout: the most the engine waits
                         before it sends a question again (0: 2000) */
    double rate;    /**< < 0: catalog rates; 0: none; > 0: this qps for all */
    void (*on_result)(void *arg, const struct scan_result *r);
    void (*on_health)(void *arg, const struct scan_health *h);
    void (*on_progress)(void *arg, const struct scan_progress *p); /**< ~5 times a second */
    /** Optional: whether lists[@p list] is asked about @p t (a job file's pool with its
     *  own lists); NULL: every list that serves the target's kind. */
    bool (*list_wanted)(void *arg, const struct scan_target *t, size_t list);
    void *arg;
    volatile sig_atomic_t *stop; /**< set by a signal handler: finish in-flight, stop */
    /** Optional: set by the caller's own callbacks when the run cannot go on (a state
     *  store that cannot record); the engine then stops as for *stop. Separate from
     *  @p stop, which belongs to the signal handlers (where a second signal means
     *  "leave at once"), so a failure never looks like a first Ctrl-C. */
    const bool *halt;
};

struct scan_engine_stats {
    uint64_t targets;
    uint64_t results;
    uint64_t listed;   /**< DNSBL results with class listing */
    uint64_t info;     /**< DNSBL results with class informational */
    uint64_t errors;   /**< results with status error (any check) */
    uint64_t problems; /**< record-check results that are not fine (fail, invalid, none...) */
    uint64_t queries;
    size_t unhealthy_lists;
    bool complete; /**< false when stopped early */
    double seconds;
};

/**
 * Run a scan to the end (or until *stop or *halt).
 * @param[in] ts     prepared targets (scan_targets_prepare() done), borrowed
 * @param[in] total  the count prepare() gave, for progress
 * @return 0; -ENOMEM; a negative errno from the event loop; a target read error.
 */
int scan_engine_run(const struct scan_engine_opts *o, struct scan_targets *ts, uint64_t total,
                    struct scan_engine_stats *st);

#endif
