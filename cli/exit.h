/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The exit-code policy of `check` and `scan`: one pure function from what a
 * run produced (results counted by check and outcome, list health,
 * completeness, the store's delta, delivery of outputs, --nagios) to the process
 * exit code. cli/scan.c fills a struct cli_run_outcome as the run goes and
 * asks once at the end; tests/unit/test_exit.c pins the table. Before any run,
 * cli_exit_after_options() says what the options' outcome exits with.
 *
 * Usage:
 * @code
 *   struct cli_run_outcome ro = {0};
 *   cli_run_count(&ro, result);          // per result
 *   ro.unhealthy += !health->healthy;    // per (list, kind) health
 *   ro.complete = engine_finished && store_recorded;
 *   return cli_exit_code(&ro);
 * @endcode
 */
#ifndef CLI_EXIT_H
#define CLI_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/opts.h"
#include "output/alert/alert.h"
#include "scanner/core/result.h"

/** Checks counted: one row per enum scan_check bit (bit i is row i), up to
 *  SCAN_CHECK_EXPAND (1 << 13); rows of bits that name no check stay empty. */
#define CLI_NCHECKS 14
/** Outcomes counted: one column per enum scan_outcome. */
#define CLI_NOUTCOMES (SCAN_OUT_ERROR + 1)

/** What a run produced, as far as its exit code is concerned. Plain struct: the
 *  caller fills it. */
struct cli_run_outcome {
    uint64_t counts[CLI_NCHECKS][CLI_NOUTCOMES]; /**< results by check row, then outcome */
    uint64_t unhealthy;   /**< (list, kind) health reports that were unhealthy */
    bool complete;        /**< the engine finished and everything it found was recorded
                               (store, --delta file) */
    bool output_failed;   /**< writing the results to stdout failed */
    bool store;           /**< a state store: the code speaks of the delta, not the run */
    bool delta_problems;  /**< with a store: out_delta_has_problems() */
    bool delivery_failed; /**< an output could not take what the run had to deliver:
                               --delta, --prom, --on-change (with a store the events stay
                               pending for the next run) */
    bool nagios;          /**< --nagios: the plugin's status is the exit code */
    enum out_nagios_status nagios_status; /**< with nagios: what out_nagios_write() gave
                                               (OUT_NAGIOS_UNKNOWN when it failed) */
};

/**
 * Count one result under its check and outcome.
 * @param[in,out] o  the run (borrowed)
 * @param[in] r      borrowed during the call; a result of no known check is not counted
 */
void cli_run_count(struct cli_run_outcome *o, const struct scan_result *r);

/**
 * The exit code of a run. In this order:
 * - stdout could not be written: CLI_EXIT_INCOMPLETE (3);
 * - --nagios: the plugin status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN);
 * - with a store: 3 when incomplete, else 1 when the delta has new problems, else 0;
 * - without: 1 when any result is listed (class listing; this wins over open
 *   verdicts), else 3 when any result of any check is an error outcome (a DNS
 *   failure, an unhealthy or blocked list, an spf-auth temperror), a list's health
 *   failed for some kind, or the run is incomplete, else 0. Problems (an FCrDNS fail,
 *   an invalid SPF record) and informational listings do not change the code.
 * - Finally a failed delivery (--delta, --prom, --on-change) turns 0 and 1 into 3,
 *   with or without a store: the news of a 1 was not delivered (a store keeps it
 *   and the next run delivers it), and 3 says "look at this run", where 1 would
 *   say "the alert went out". Under --nagios the plugin's status stands.
 * @param[in] o  borrowed; NULL reads as an empty, incomplete run
 * @return an enum cli_exit value, or an enum out_nagios_status value with --nagios.
 */
int cli_exit_code(const struct cli_run_outcome *o);

/**
 * The exit code when the options end the process before any run: the one place
 * cli_opts_parse()'s outcome becomes an enum cli_exit value.
 * - as check_rbl (o->rbl): CLI_EXIT_INCOMPLETE (3, the plugin's UNKNOWN) for the
 *   help, the version and every error alike, as plugins do;
 * - otherwise CLI_EXIT_USAGE (2) for an error, CLI_EXIT_OK after --help or
 *   --version.
 * @param[in] o    as cli_opts_parse() left it (borrowed)
 * @param[in] ret  what cli_opts_parse() returned: 0 (with o->done) or negative
 */
int cli_exit_after_options(const struct cli_opts *o, int ret);

#endif
