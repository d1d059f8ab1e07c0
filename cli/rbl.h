/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * check_rbl, flag for flag: invoked as `check_rbl` (the link `meson install`
 * puts beside the program) or as `dnsbl-scan nagios`, the program takes
 * check_rbl 1.7's options with their meanings and runs `check --nagios
 * --checks dnsbl` with them (cli/scan.c, output/alert/nagios.c's Nagios line):
 *
 * - `-H HOST`: an address, or a host name whose A and AAAA addresses are each
 *   checked (the --expand a mechanism, scanner/checks/expand.c); `-U NAME` a domain
 *   (a URL's host), on domain lists; -H wins over -U, as in check_rbl;
 * - `-s ZONE` (repeatable; a zone the catalog lacks is a generic RFC 5782 list;
 *   none: the default set), `-w N`, `-c N` (default 1 each);
 * - `-t SECONDS`: a deadline for the whole run (default 15): past it the line is
 *   UNKNOWN with what was found (the engine is stopped 2 s before, or at
 *   three quarters of a shorter deadline; at the deadline itself a last-resort
 *   line is written and the process exits 3);
 * - `--query-timeout SECONDS` (--timeout), `-r N` (--tries), `-n ADDR[:PORT]`
 *   (--resolver), `--workers N` (--concurrency), `-a TEXT`, `-v`/`-d`;
 * - `-V`/`--version`, `-h`/`--help`, `-?`/`--usage` (each exits 3, as plugins
 *   do);
 * - `--extra-opts=[SECTION][@FILE]`: options read from a Monitoring Plugins ini
 *   file (cli/ini.h) before the command line's, each `key=value` as `--key=value`
 *   (SECTION defaults to check_rbl; FILE to the first of
 *   /etc/nagios/plugins.ini, /usr/local/nagios/etc/plugins.ini,
 *   /usr/local/etc/nagios/plugins.ini, /etc/opt/nagios/plugins.ini,
 *   /etc/nagios-plugins.ini, /usr/local/etc/nagios-plugins.ini,
 *   /etc/opt/nagios-plugins.ini that exists).
 *
 * A usage error prints `DNSBL UNKNOWN - what is wrong` on standard output and
 * exits 3; so does any failure before the status line (cli_nagios_unknown()).
 */
#ifndef CLI_RBL_H
#define CLI_RBL_H

#include <signal.h>
#include <stdbool.h>

#include "cli/opts.h"

/** Set when check_rbl's -t deadline stopped the run. */
extern volatile sig_atomic_t cli_deadline_hit;

/** @return whether argv asks for check_rbl: argv[0]'s base name is check_rbl, or the
 *  command is `nagios`. */
bool cli_rbl_wanted(int argc, char **argv);

/**
 * Parse check_rbl's options into @p o (initialised by the caller); o->rbl is set
 * first, so cli_exit_after_options() makes every outcome but a run UNKNOWN (3).
 * @return 0 (o->done after the help, the version or the usage); SCAN_EPARSE after
 *         a `DNSBL UNKNOWN - ...` line on standard output; -ENOMEM after one too.
 */
int cli_rbl_parse(int argc, char **argv, struct cli_opts *o);

/**
 * Arm the -t deadline: SIGALRM stops the run a little before @p ms (sets *@p stop,
 * the run's stop flag, and cli_deadline_hit), and at @p ms writes a last-resort
 * UNKNOWN line and exits 3.
 * @param[in] stop  borrowed for the life of the process
 * @return 0, or -errno from sigaction()/setitimer().
 */
int cli_rbl_arm_deadline(int ms, volatile sig_atomic_t *stop);

/**
 * Nagios mode: keep a copy of the last error line written to standard error (a
 * line that is not a warning or a note), for cli_nagios_unknown(). Standard
 * error still gets every byte. @return 0, or -ENOMEM.
 */
int cli_nagios_capture_stderr(void);

/** Write `DNSBL UNKNOWN - <the last error line>` to standard output.
 *  @return CLI_EXIT_INCOMPLETE (3, the plugin's UNKNOWN). */
int cli_nagios_unknown(void);

#endif
