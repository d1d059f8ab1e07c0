/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for job files (cli/jobfile.h): the input is a job file's
 * YAML, parsed with cli_job_parse() under an absolute and a relative name
 * (relative paths in the file are resolved against the name's directory, a
 * string operation: nothing is opened). A parsed job must hold only values
 * in the documented ranges; every string is read, and the job is mapped onto
 * empty command-line options with cli_opts_apply_job() as main does; when it
 * refuses the job, it must say why in its struct scan_diag.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jobfile.h"
#include "cli/opts.h"
#include "scanner/core/err.h"

static volatile size_t sink;

static void str(const struct cli_job_str *s)
{
    if (!s->s)
        return;
    if (s->line == 0 || s->col == 0)
        abort(); /* documented: 1-based */
    sink += strlen(s->s);
}

static void list(const struct cli_job_list *l)
{
    if (!l->set && l->n != 0)
        abort();
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i].s)
            abort();
        str(&l->v[i]);
    }
}

static void in_range(double v, double lo, double hi)
{
    if (v >= 0 && (v < lo || v > hi))
        abort();
}

static void check(const struct cli_job *job)
{
    sink += strlen(job->file);
    str(&job->state);
    str(&job->catalog);
    str(&job->format);
    for (size_t i = 0; i < job->npools; i++) {
        str(&job->pools[i].label);
        list(&job->pools[i].targets);
        if (job->pools[i].targets.n == 0)
            abort(); /* documented: at least one target per pool */
    }
    list(&job->domains);
    list(&job->spf_domains);
    list(&job->lists);
    list(&job->checks);
    list(&job->resolvers);
    str(&job->alerts.delta);
    str(&job->alerts.prom);
    str(&job->alerts.on_change);

    if (job->wait < -1 || job->wait > 1 || job->skip_invalid < -1 || job->skip_invalid > 1 ||
        job->alerts.nagios < -1 || job->alerts.nagios > 1)
        abort();
    in_range(job->rate, 0, 1e7);
    in_range((double)job->concurrency, 1, 100000);
    in_range((double)job->tries, 1, 10);
    in_range((double)job->anomaly_min, 1, 1e9);
    in_range(job->timeout_ms, 1, 600000);
    in_range(job->alerts.on_change_timeout_ms, 1, 600000);
    in_range((double)job->alerts.warning, 0, 1e9);
    in_range((double)job->alerts.critical, 0, 1e9);
    if (job->anomaly_share > 1 || job->anomaly_share == 0)
        abort(); /* (0, 1], or negative when not set */
    if (job->alerts.warning >= 0 && job->alerts.critical >= 0 &&
        job->alerts.critical < job->alerts.warning)
        abort(); /* documented: critical not below warning */
}

static void apply(const struct cli_job *job)
{
    struct cli_opts o;
    cli_opts_init(&o);
    o.cmd = CLI_CMD_SCAN;
    struct scan_diag diag = {{0}};
    if (cli_opts_apply_job(&o, job, &diag) == 0)
        for (size_t i = 0; i < o.targets.n; i++)
            sink += strlen(o.targets.v[i]);
    else if (!diag.msg[0])
        abort(); /* documented: a one-line message */
    cli_opts_free(&o);
}

static void parse(const char *name, const uint8_t *data, size_t size)
{
    struct cli_job *job = NULL;
    struct scan_diag diag;
    memset(diag.msg, 'x', sizeof(diag.msg));
    int ret = cli_job_parse(name, (const char *)data, size, &job, &diag);
    if (ret != 0) {
        if (job || !memchr(diag.msg, '\0', sizeof(diag.msg)) || diag.msg[0] == '\0')
            abort(); /* documented: NULL job and a one-line message */
        sink += strlen(diag.msg);
        return;
    }
    if (!job)
        abort();
    check(job);
    apply(job);
    cli_job_free(job);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse("/etc/dnsbl-scan/job.yaml", data, size);
    parse("job.yaml", data, size);
    return 0;
}
