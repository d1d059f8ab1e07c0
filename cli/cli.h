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

#include "cli/opts.h"
#include "lists/catalog.h"

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
 * @return 0, or the positive errno of the first failure (every later call returns
 *         the same).
 */
int cli_stdout_close(void);

#endif
