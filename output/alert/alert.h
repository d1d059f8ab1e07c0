/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Alerting outputs of a scheduled run: the Nagios/Icinga status line
 * (`--nagios`, a drop-in for check_rbl), the Prometheus textfile-collector file
 * (`--prom FILE`) and the on-change hook (`--on-change CMD`).
 *
 * The Nagios line and the Prometheus file describe *this run* (what is listed
 * now), from a tally of its results, and work without a state store; the hook
 * is about the *delta* (what changed) and needs one.
 *
 * Nagios (monitoring-plugins guidelines): one line
 * `DNSBL <STATUS> - [<targets>: ]<text> | <perfdata>` and exit 0 OK, 1 WARNING,
 * 2 CRITICAL, 3 UNKNOWN. `-w N` / `-c N` keep check_rbl's meaning and defaults
 * (both 1): WARNING when listings >= N, CRITICAL when listings >= N, counting
 * DNSBL listings of class listing, i.e. (target, list) pairs; for one target
 * that is the number of lists listing it, exactly check_rbl's count. Perfdata
 * starts with check_rbl's `servers=N;W;C` (the same count) and shows the
 * thresholds in the guidelines' range form (N-1: alert above it), as check_rbl
 * does ("@0:" for a threshold of 0, which always alerts).
 *
 * Only lists that apply count: a list applies when it gave a result for some
 * target, i.e. it serves the target's kind ("of N lists"). UNKNOWN when the
 * listings found do not reach -w and some verdict is open: the run is
 * incomplete, no list applies or answered, a list that applies is unhealthy or
 * blocked for the target's kind, a DNSBL query failed, or a host name could not
 * be resolved; listings found always count, except past check_rbl's deadline
 * (-t), which is UNKNOWN with what was found. An unhealthy list is named with
 * the kinds it failed for ("zone/ip6+domain"), and counts once however many
 * kinds failed. The line names its targets when there are at most 3.
 *
 * Prometheus: all gauges, written to PATH.tmp.PID, fsync'ed and renamed over
 * PATH, so the collector never reads half a file.
 *
 * On-change: CMD is split on blanks (no quoting, no shell, no expansion: a
 * command that needs more is a script) and run with fork() and execvp(); its
 * standard input is the delta document (a file descriptor, read from offset
 * 0), its standard output goes to our standard error (stdout carries only
 * results), and it runs in its own process group, which gets SIGTERM at the
 * timeout and SIGKILL 2 s later. DNS data never reaches its command line. The
 * caller must not ignore SIGCHLD (waitpid() needs the child).
 *
 * Usage:
 * @code
 *   struct out_tally *t = NULL;
 *   out_tally_new(&t);
 *   out_tally_health(t, &h);   // per (list, kind)
 *   out_tally_result(t, &r);   // per result
 *   struct out_alert_run run = { .tally = t, .targets = n, .seconds = s, .complete = ok,
 *                                .last_success_ms = ..., .delta = d };
 *   out_nagios_write(stdout, &run, &(struct out_nagios_opts){ .warning = -1, .critical = -1 },
 *                    &exit_code);
 *   out_prom_write("/var/lib/node_exporter/dnsbl.prom", &run);
 *   out_on_change_run(&(struct out_on_change_opts){ .cmd = cmd }, delta_fd, &status, &diag);
 *   out_tally_free(t);
 * @endcode
 */
#ifndef OUTPUT_ALERT_H
#define OUTPUT_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/store/delta.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/* --- tally ---------------------------------------------------------------- */

/** Per-list counts of one run; memory grows with the number of lists only. */
struct out_tally;

/** @param[out] out  caller frees with out_tally_free() @return 0, -EINVAL or -ENOMEM. */
int out_tally_new(struct out_tally **out);

/** Free; NULL is a no-op. */
void out_tally_free(struct out_tally *t);

/** Count the health of a (list, kind) (borrowed during the call; unhealthy wins; a
 *  NULL or unknown kind is the whole list). @return 0, -EINVAL (no list), -ENOMEM. */
int out_tally_health(struct out_tally *t, const struct scan_health *h);

/** Count a result (borrowed during the call). Only DNSBL results count; record
 *  checks are ignored. @return 0, -EINVAL, -ENOMEM. */
int out_tally_result(struct out_tally *t, const struct scan_result *r);

/** @return the DNSBL listings (class listing) counted so far. */
uint64_t out_tally_listed(const struct out_tally *t);

/* --- the run the alerts describe -------------------------------------------- */

struct out_alert_run {
    const struct out_tally *tally; /**< borrowed; required */
    uint64_t targets;              /**< targets scanned */
    double seconds;                /**< run duration */
    bool complete;                 /**< false: interrupted */
    int64_t ended_ms;              /**< end of this run, Unix ms; 0 = now */
    /** End of the last complete run, Unix ms: this run's end when @c complete,
     *  else from out_state_last_complete(); 0 = unknown (the sample is left out). */
    int64_t last_success_ms;
    const struct out_delta *delta; /**< this run's events, or NULL (no --state) */
    bool timed_out;                /**< stopped at the plugin's deadline (check_rbl's -t):
                                        UNKNOWN whatever was found */
};

/* --- Nagios ------------------------------------------------------------------ */

/** The plugin exit codes of the monitoring-plugins guidelines (`--nagios` exits with
 *  these instead of enum cli_exit). */
enum out_nagios_status {
    OUT_NAGIOS_OK = 0,
    OUT_NAGIOS_WARNING = 1,
    OUT_NAGIOS_CRITICAL = 2,
    OUT_NAGIOS_UNKNOWN = 3,
};

struct out_nagios_opts {
    long warning;       /**< -w: listings that make WARNING (0 = always); < 0: 1 (check_rbl) */
    long critical;      /**< -c: listings that make CRITICAL (0 = always); < 0: 1 (check_rbl) */
    const char *name;   /**< the host name check_rbl's -H gave, shown after its addresses
                             ("192.0.2.10 (mail.example)"), or NULL; borrowed */
    const char *append; /**< check_rbl's -a: text added to the status text, or NULL */
};

/** Validate -w/-c as check_rbl does. @return 0, or SCAN_ECONFIG when critical < warning. */
int out_nagios_check_opts(const struct out_nagios_opts *o);

/**
 * Write the status line (and a newline) to @p f.
 * @param[in] f        borrowed (stdout for a plugin)
 * @param[out] status  the plugin exit code (enum out_nagios_status)
 * @return 0, -EINVAL, SCAN_ECONFIG (thresholds), -EIO (*status is then UNKNOWN).
 */
int out_nagios_write(FILE *f, const struct out_alert_run *run, const struct out_nagios_opts *o,
                     enum out_nagios_status *status);

/**
 * Write `DNSBL UNKNOWN - <why>` and a newline to @p f: the line of a plugin that
 * could not run (a usage error, a failure before the status line), @p why through
 * out_nagios_text() (output/writers/writer.h) like any text on a Nagios line.
 * @param[in] f    borrowed (stdout for a plugin)
 * @param[in] why  borrowed for the call
 * @return 0, -EINVAL (NULL argument) or -EIO.
 */
int out_nagios_unknown(FILE *f, const char *why);

/* --- Prometheus --------------------------------------------------------------- */

/**
 * Write the textfile-collector file atomically (PATH.tmp.PID, fsync, rename).
 * Metrics (gauges): dnsbl_scan_listed{list}, dnsbl_scan_errors{list},
 * dnsbl_scan_list_unhealthy{list,kind} (one sample per kind reported; no kind label
 * for health reported without one, or for a list with no health report),
 * dnsbl_scan_targets, dnsbl_scan_run_complete,
 * dnsbl_scan_run_duration_seconds, dnsbl_scan_last_run_timestamp_seconds,
 * dnsbl_scan_last_success_timestamp_seconds (when known), and
 * dnsbl_scan_events{type} when the run has a delta.
 * @return 0, -EINVAL, a negative errno from open/write/fsync/rename (the temporary
 *         file is removed and PATH is left as it was).
 */
int out_prom_write(const char *path, const struct out_alert_run *run);

/** Write the same exposition text to a stream (tests, `--prom -`). @return 0, -EIO. */
int out_prom_format(FILE *f, const struct out_alert_run *run);

/* --- on-change ---------------------------------------------------------------- */

/**
 * Split a user's command on blanks (space, tab, newline). No quoting, no escapes.
 * @param[out] argv  NULL-terminated; caller frees with out_cmd_free(); NULL on failure
 * @return 0, -EINVAL (empty command), -ENOMEM.
 */
int out_cmd_split(const char *cmd, char ***argv);

/** Free an argv from out_cmd_split(); NULL is a no-op. */
void out_cmd_free(char **argv);

struct out_on_change_opts {
    const char *cmd; /**< the --on-change value */
    int timeout_ms;  /**< 0 = 60000 */
};

/**
 * Run the command with @p stdin_fd (the delta document) as its standard input,
 * and wait for it.
 * @param[in] stdin_fd     borrowed; rewound to offset 0 when seekable
 * @param[out] exit_status its exit status, or 128 + signal number when killed
 * @param[out] diag        a sentence for the user when the command is empty, cannot be run
 *                         or was killed at the timeout, and also when it ran and exited
 *                         nonzero (0 is returned then); left as it was for the other
 *                         errors and on success; may be NULL
 * @return 0 (it ran; see @p exit_status); -EINVAL; SCAN_ENOTFOUND (no such command);
 *         -EACCES and other exec, pipe or fork errors; -ETIMEDOUT (killed at the timeout; its
 *         status is still stored).
 */
int out_on_change_run(const struct out_on_change_opts *o, int stdin_fd, int *exit_status,
                      struct scan_diag *diag);

#endif
