/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The commands behind main(): each takes the parsed options and returns the
 * process exit code (enum cli_exit).
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

#include <signal.h>
#include <stdbool.h>

#include "cli/opts.h"
#include "scanner/catalog/catalog.h"
#include "output/report/report.h"

/** Set by SIGINT/SIGTERM: finish what is in flight, report the run as incomplete. */
extern volatile sig_atomic_t cli_stop_flag;

/** `check` and `scan` (with --state, deltas and alerts). @p cat is borrowed. */
int cli_cmd_scan(const struct cli_opts *o, const struct list_catalog *cat);

/** `history [TARGET]`. */
int cli_cmd_history(const struct cli_opts *o);

/**
 * Flush and close standard output, once: a run calls it before it counts its
 * results as delivered, main() at the end. Standard output then stays open on
 * /dev/null, so no file descriptor opened later becomes descriptor 1.
 * @return 0, or the negative errno of the first failure (every later call returns
 *         the same).
 */
int cli_stdout_close(void);

/** Whether cli_stdout_close() ran (a run reported its result itself). */
bool cli_stdout_closed(void);
/** `report`: the HTML report of the state store. @p cat is borrowed. */
int cli_cmd_report(const struct cli_opts *o, const struct list_catalog *cat);

/** An HTML report and the list descriptions it borrows (cli/report.c). */
struct cli_report {
    struct out_report *rep;
    struct out_report_list *lists;
};

/**
 * A report of the catalog's lists (--since from @p o), empty until fed.
 * @param[in] cat   borrowed until cli_report_free()
 * @param[out] out  free with cli_report_free() (also after a failure)
 * @return 0, -ENOMEM, or out_report_new()'s failures.
 */
int cli_report_new(const struct cli_opts *o, const struct list_catalog *cat,
                   struct cli_report *out);

/** Free the report and its lists; a zeroed struct is a no-op. */
void cli_report_free(struct cli_report *r);

/**
 * --html: say which run the report shows (@p o's targets, @p checks, ended now,
 * @p seconds long) and write it to o->html_path atomically, with the store's
 * history when @p st is not NULL. Prints why on failure.
 * @param[in] feed_err  the first failure of out_report_result()/out_report_health()
 *                      during the run (0: none): the report is then not written
 * @return 0 or the failure.
 */
int cli_report_write_run(struct cli_report *r, const struct cli_opts *o, struct out_state *st,
                         const char *const *checks, size_t nchecks, int feed_err, double seconds,
                         bool complete);

#endif
