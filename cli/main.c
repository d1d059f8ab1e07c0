/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * dnsbl-scan's main: options and job file, signals, the catalog, and the
 * dispatch to the commands (cli/scan.c), plus the small `lists` command (every
 * list of the catalog, which out_catalog_lists() in output/writers prints).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/jobfile.h"
#include "cli/opts.h"
#include "cli/rbl.h"
#include "scanner/catalog/catalog.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"
#include "scanner/core/psl.h"

#define PROG "dnsbl-scan"

/* First SIGINT/SIGTERM: stop starting work, finish what is in flight, report it
 * as incomplete. A second one: leave at once. */
static void on_signal(int sig)
{
    (void)sig;
    if (cli_stop_flag)
        _exit(CLI_EXIT_INCOMPLETE);
    cli_stop_flag = 1;
}

/* The `lists` command: output/writers prints the catalog. A failed write is said
 * once, when standard output is closed (main()); anything else here. */
static int cmd_lists(const struct cli_opts *o, const struct list_catalog *cat)
{
    bool json = o->format && strcmp(o->format, "json") == 0;
    int r = out_catalog_lists(stdout, cat, json ? OUT_FMT_JSON : OUT_FMT_TEXT);

    if (r != 0 && r != -EIO)
        fprintf(stderr, PROG ": lists: %s\n", scan_strerror(r));
    return r == 0 ? CLI_EXIT_OK : CLI_EXIT_INCOMPLETE;
}

static int load_catalog(const struct cli_opts *o, struct list_catalog **cat)
{
    struct scan_diag err = {0};
    int ret;
    if (o->lists_path)
        ret = list_catalog_load(o->lists_path, cat, &err);
    else
        ret = list_catalog_load_buf("lists/default.yaml (built in)", list_default_yaml,
                                    list_default_yaml_len, cat, &err);
    if (ret != 0) {
        if (err.msg[0])
            fprintf(stderr, PROG ": %s\n", err.msg);
        else
            fprintf(stderr, PROG ": %s: %s\n", o->lists_path ? o->lists_path : "catalog",
                    scan_strerror(ret));
    }
    return ret;
}

/*
 * Every list named with --list (or -s, or a job file's lists:) that is not in the
 * catalog becomes a generic RFC 5782 list, said once per zone on stderr; each name
 * is then rewritten to its entry's id, so the selection finds it like any other.
 * @return 0, or CLI_EXIT_USAGE after a one-line error.
 */
static int add_generic_lists(struct cli_opts *o, struct list_catalog *cat)
{
    struct scan_diag err = {0};

    for (size_t g = 0; g <= o->npool_lists; g++) {
        struct cli_strv *names = g == 0 ? &o->lists : &o->pool_lists[g - 1];
        for (size_t i = 0; i < names->n; i++) {
            const struct list_entry *e = NULL;
            int r = list_catalog_add_generic(cat, names->v[i], &e, &err);
            if (r < 0) {
                fprintf(stderr, PROG ": %s %s\n", o->rbl ? "-s" : "--list",
                        r == SCAN_ECONFIG ? err.msg : scan_strerror(r));
                return CLI_EXIT_USAGE;
            }
            if (r == 0) {
                char kinds[LIST_KINDS_TEXT];
                fprintf(stderr,
                        PROG ": note: %s is not in the catalog: used as a generic RFC 5782 "
                             "list for %s targets (any 127.0.0.0/8 answer is a listing; "
                             "health from the RFC 5782 test points)\n",
                        e->zone, list_kinds_text(e->kinds, kinds));
            }
            names->v[i] = e->id; /* in the catalog's arena: stays valid as it grows */
        }
    }
    return 0;
}

/* Signals (the first stops the run, a second ends it), no SIGPIPE, one 64 KiB
 * buffer for standard output (results are many small writes), and the system's
 * Public Suffix List (read once, here). */
static void set_up_process(void)
{
    static char outbuf[1 << 16];
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
    scan_psl_use_system();
}

/* The job file (-c) under the command line, then the rule that every option
 * has an effect under the chosen checks. @return 0, or a negative code after a
 * message. */
static int apply_job(struct cli_opts *o, struct cli_job **job)
{
    struct scan_diag diag = {0};
    int ret = 0;

    if (o->job_path && ((ret = cli_job_load(o->job_path, job, &diag)) != 0 ||
                        (ret = cli_opts_apply_job(o, *job, &diag)) != 0))
        goto fail;
    if ((ret = cli_opts_check_effect(o, *job, &diag)) != 0)
        goto fail;
    return 0;
fail:
    fprintf(stderr, PROG ": %s\n", diag.msg);
    return ret;
}

int main(int argc, char **argv)
{
    struct cli_opts o;
    struct list_catalog *cat = NULL;
    struct cli_job *job = NULL;
    bool ran_scan = false;
    int code;

    int r = cli_opts_parse(argc, argv, &o);
    if (r != 0 || o.done) {
        code = cli_exit_after_options(&o, r);
        cli_opts_free(&o);
        return code;
    }
    /* A plugin's every failure is UNKNOWN with a line on standard output: keep the
     * last error said on standard error for it. */
    if (o.nagios && cli_nagios_capture_stderr() != 0) {
        cli_opts_free(&o);
        return CLI_EXIT_INCOMPLETE;
    }
    if (o.deadline_ms > 0 && cli_rbl_arm_deadline(o.deadline_ms, &cli_stop_flag) != 0) {
        fprintf(stderr, PROG ": -t: cannot set the deadline: %s\n", strerror(errno));
        cli_opts_free(&o);
        return cli_nagios_unknown();
    }
    set_up_process();
    if (apply_job(&o, &job) != 0) {
        code = CLI_EXIT_USAGE;
        goto out;
    }
    if (o.cmd == CLI_CMD_HISTORY) {
        code = cli_cmd_history(&o);
        goto out;
    }
    if (load_catalog(&o, &cat) != 0) {
        code = CLI_EXIT_USAGE;
        goto out;
    }
    if ((o.cmd == CLI_CMD_CHECK || o.cmd == CLI_CMD_SCAN) && add_generic_lists(&o, cat) != 0) {
        code = CLI_EXIT_USAGE;
        goto out;
    }
    switch (o.cmd) {
    case CLI_CMD_LISTS:
        code = cmd_lists(&o, cat);
        break;
    case CLI_CMD_REPORT:
        code = cli_cmd_report(&o, cat);
        break;
    default:
        code = cli_cmd_scan(&o, cat);
        ran_scan = true; /* it writes the status line, or UNKNOWN, itself */
        break;
    }
out:
    if (o.nagios && !ran_scan && code != CLI_EXIT_OK)
        code = cli_nagios_unknown();
    list_catalog_free(cat);
    cli_opts_free(&o);
    cli_job_free(job);
    /* Once more after a run closed it: the same answer, reported by the run. */
    bool ran = cli_stdout_closed();
    r = cli_stdout_close();
    if (r != 0 && !ran)
        fprintf(stderr, PROG ": writing to standard output failed: %s\n", strerror(-r));
    if (r != 0 && code != CLI_EXIT_USAGE)
        code = CLI_EXIT_INCOMPLETE;
    return code;
}
