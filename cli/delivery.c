/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The store's path and the delivery of a run: the store commits the run and
 * builds the delta document, then every output takes it (standard output,
 * --delta, --prom, --on-change last), and the store learns how that went, so
 * an event is delivered at least once (README "Delivery").
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/run.h"
#include "output/alert/alert.h"
#include "output/store/delta.h"
#include "output/store/state.h"
#include "output/writers/outpath.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

#define PROG "dnsbl-scan"

/* The store's path: --state, the job file's `state:`, or the default for job files. */
const char *cli_state_path(const struct cli_opts *o, char *buf, size_t len, bool *is_default)
{
    *is_default = false;
    if (o->state_path)
        return o->state_path;
    if (!o->state_default && o->cmd != CLI_CMD_HISTORY)
        return NULL;
    if (out_state_default_path(buf, len) != 0)
        return NULL;
    *is_default = true;
    return buf;
}

/* tmpfile() has no close-on-exec flag: set it, or the --on-change command inherits
 * the descriptor. We are single-threaded, so no fork() can come in between. */
static FILE *tmpfile_cloexec(void)
{
    FILE *f = tmpfile();
    if (f && fcntl(fileno(f), F_SETFD, FD_CLOEXEC) != 0) {
        int e = errno;
        fclose(f);
        errno = e;
        return NULL;
    }
    return f;
}

void cli_delivery_failed(struct delivery *dl, const char *why)
{
    if (!dl->why[0])
        snprintf(dl->why, sizeof(dl->why), "%s", why);
}

/*
 * Test-only fault injection (README "Tests"): DNSBL_SCAN_FAULT names a point of
 * the delivery where the process kills itself with SIGKILL, as a crash or
 * kill -9 would: "kill-before-delta-rename" (the run is committed, the delta is
 * in its temporary file) and "kill-before-delivered" (every output took the
 * events, the store does not know yet).
 */
static void fault_point(const char *point)
{
    const char *f = getenv("DNSBL_SCAN_FAULT");

    if (f && strcmp(f, point) == 0) {
        fflush(stderr);
        raise(SIGKILL);
    }
}

/* Before the scan: the folders of --delta and --prom exist (made when missing),
 * nothing that killed runs left there remains, and a file can be created. */
int cli_prepare_outputs(const struct cli_opts *o, struct scan_diag *diag)
{
    const char *paths[2] = {o->delta_path, o->prom_path};
    struct scan_diag why = {0};
    int ret;

    for (int i = 0; i < 2; i++) {
        if (paths[i] && (ret = out_path_prepare(paths[i], OUT_PATH_DIR_MODE, &why)) != 0)
            return scan_diag_fail(diag, ret, "%s %s", i == 0 ? "--delta" : "--prom", why.msg);
    }
    return 0;
}

/* Commit the run, then write what it must deliver (the human event lines go to
 * stdout with the summary and text formats, when there is no --delta file).
 * @return 0, or a negative code when the run could not be recorded (said on stderr). */
int cli_record_run(struct delivery *dl, bool complete, enum out_format fmt)
{
    const struct cli_opts *o = dl->o;
    struct out_run_end end = {.complete = complete};
    struct scan_diag diag = {0};
    char msg[1024];
    int ret;

    if (o->delta_path) {
        ret = out_file_begin(&dl->file, o->delta_path);
        if (ret != 0) {
            snprintf(msg, sizeof(msg), "--delta %s: %s", o->delta_path, strerror(-ret));
            cli_delivery_failed(dl, msg);
        }
        dl->doc = dl->file.f;
    } else if (o->on_change && !(dl->doc = tmpfile_cloexec())) {
        snprintf(msg, sizeof(msg), "--on-change: a temporary file: %s", strerror(errno));
        cli_delivery_failed(dl, msg);
    }
    bool human = (fmt == OUT_FMT_SUMMARY || fmt == OUT_FMT_TEXT) && !o->delta_path && !o->nagios;
    struct out_delta_opts dopts = {.json = dl->doc, .text = human ? stdout : NULL};
    ret = out_delta_new(&dopts, &dl->delta);
    if (ret == 0)
        ret = out_state_run_end(dl->st, &end, NULL, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": cannot record the run: %s (%s)\n", scan_strerror(ret), diag.msg);
        dl->run_id = 0; /* nothing to mark: the next run delivers what is pending */
        return ret;
    }
    errno = 0;
    ret = out_state_delivery(dl->st, dl->run_id, dl->delta, &diag);
    if (ret != 0) {
        int e = errno ? errno : EIO;
        if (human && ferror(stdout))
            snprintf(msg, sizeof(msg), "standard output: %s", strerror(e));
        else if (dl->doc && ferror(dl->doc))
            snprintf(msg, sizeof(msg), "the delta document: %s", strerror(e));
        else
            snprintf(msg, sizeof(msg), "the delta document: %s (%s)", scan_strerror(ret), diag.msg);
        cli_delivery_failed(dl, msg);
    }
    return 0;
}

/* The --delta file into place: flushed, synced, renamed. */
static void rename_delta(struct delivery *dl)
{
    char msg[1024];
    int ret;

    if (!dl->file.f)
        return;
    fault_point("kill-before-delta-rename");
    ret = out_file_commit(&dl->file);
    if (ret != 0) {
        snprintf(msg, sizeof(msg), "--delta %s: %s", dl->o->delta_path, strerror(-ret));
        cli_delivery_failed(dl, msg); /* the temporary file goes at the end */
    }
}

static void run_on_change(struct delivery *dl)
{
    const struct cli_opts *o = dl->o;
    struct scan_diag diag = {0};
    char why[1100];
    int status = 0;

    if (!dl->doc || fflush(dl->doc) != 0) {
        cli_delivery_failed(dl, "--on-change: the delta document could not be written");
        return;
    }
    struct out_on_change_opts co = {.cmd = o->on_change,
                                    .timeout_ms =
                                        o->on_change_timeout_ms > 0 ? o->on_change_timeout_ms : 0};
    int ret = out_on_change_run(&co, fileno(dl->doc), &status, &diag);
    if (ret != 0 || status != 0) {
        snprintf(why, sizeof(why), "--on-change: %s", diag.msg);
        cli_delivery_failed(dl, why);
    }
}

/*
 * Hand the run's results and document to every output, in an order that keeps
 * duplicates rare: standard output (closed, so a full disk shows), the --delta
 * rename, the --prom file, and the --on-change command last, only when all the
 * others succeeded, so a hook (a pager) sees an event again only when the run
 * died between its exit and the store's record of the delivery. Then the store
 * learns the outcome.
 */
void cli_deliver(struct delivery *dl, const struct out_alert_run *arun,
                 const struct out_tally *tally, struct cli_run_outcome *ro)
{
    const struct cli_opts *o = dl->o;
    char msg[1024];
    int ret;

    ret = cli_stdout_close();
    if (ret != 0) {
        ro->output_failed = true;
        snprintf(msg, sizeof(msg), "standard output: %s", strerror(-ret));
        cli_delivery_failed(dl, msg);
    }
    if (!dl->why[0])
        rename_delta(dl);
    if (o->prom_path && tally) {
        ret = out_prom_write(o->prom_path, arun);
        if (ret != 0) {
            snprintf(msg, sizeof(msg), "--prom %s: %s", o->prom_path, scan_strerror(ret));
            cli_delivery_failed(dl, msg);
        }
    }
    if (o->on_change && dl->st && !dl->why[0] && out_delta_total(dl->delta) > 0)
        run_on_change(dl);
    if (!dl->why[0] && dl->st && dl->run_id) {
        struct scan_diag diag = {0};
        fault_point("kill-before-delivered");
        ret = out_state_delivered(dl->st, dl->run_id, &diag);
        if (ret != 0) {
            snprintf(msg, sizeof(msg),
                     "the store could not record the delivery: %s (%s); the next run delivers "
                     "these events again",
                     scan_strerror(ret), diag.msg);
            cli_delivery_failed(dl, msg);
        }
    } else if (dl->why[0] && dl->st && dl->run_id) {
        out_state_delivery_failed(dl->st, dl->run_id, dl->why, NULL); /* best effort: said */
    }
    if (dl->why[0]) {
        ro->delivery_failed = true;
        if (dl->st && out_delta_total(dl->delta) > 0)
            fprintf(stderr,
                    PROG ": not delivered: %s; %llu event%s kept in the store for the next run\n",
                    dl->why, (unsigned long long)out_delta_total(dl->delta),
                    out_delta_total(dl->delta) == 1 ? "" : "s");
        else
            fprintf(stderr, PROG ": not delivered: %s\n", dl->why);
    }
}
