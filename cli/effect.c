/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Options that have no effect under the chosen checks (cli_opts_check_effect(),
 * see opts.h). What each option needs, a check, a source of --expand or the
 * HTTPS fetch of mta-sts, is a column of the option table (cli/options.h); the
 * rows are judged in the table's order and the first that does nothing is
 * refused with a message naming both the option and what it needs.
 */
#include "cli/opts.h"

#include <stdio.h>

#include "cli/jobfile.h"
#include "cli/options.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/* "--checks dnsbl,fcrdns" or "checks: [dnsbl, fcrdns] (job.yaml:3:1)": the words of
 * @p bits as the user chose them with @p row (--checks or --expand). */
static void chosen(char *buf, size_t len, bool from_job, const struct cli_job *job,
                   const struct cli_option *row, unsigned bits)
{
    bool expand = row->kind == CLI_K_EXPAND;
    static const struct {
        unsigned bit;
        const char *word;
    } xwords[] = {{SCAN_EXPAND_MX, "mx"}, {SCAN_EXPAND_SPF, "spf"}, {SCAN_EXPAND_A, "a"}};
    size_t n =
        (size_t)snprintf(buf, len, from_job ? "%s: [" : "--%s ", from_job ? row->key : row->flag);
    bool first = true;
    for (unsigned bit = 1; bit != 0 && n < len; bit <<= 1) {
        const char *w = NULL;
        if (!(bits & bit))
            continue;
        if (!expand)
            w = scan_check_name(bit);
        for (size_t i = 0; expand && i < sizeof(xwords) / sizeof(xwords[0]); i++)
            if (xwords[i].bit == bit)
                w = xwords[i].word;
        if (!w)
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", first ? "" : from_job ? ", " : ",", w);
        first = false;
    }
    unsigned line = 0, col = 0;
    if (from_job && n < len && cli_job_key_where(job, row->key, &line, &col))
        snprintf(buf + n, len - n, "] (%s:%u:%u)", job->file, line, col);
    else if (from_job && n < len)
        snprintf(buf + n, len - n, "]");
}

/* Where the option of @p row was set and how it is named: "--flag" or
 * "FILE:LINE:COLUMN: key". @return false when it was not set. */
static bool where_set(const struct cli_opts *o, const struct cli_job *job,
                      const struct cli_option *row, char *where, size_t len, bool *from_flag)
{
    unsigned line = 0, col = 0;

    *from_flag = cli_given(o, cli_option_id(row));
    if (*from_flag) {
        snprintf(where, len, "--%s", row->flag);
        return true;
    }
    if (!job || !row->key || !cli_job_key_where(job, row->key, &line, &col))
        return false;
    snprintf(where, len, "%s:%u:%u: %s", job->file, line, col, row->key);
    return true;
}

/* A row tied to a check: refused when the checks were chosen (on the command line,
 * or by the job file for one of its own keys) and leave that check out. */
static int judge_check(const struct cli_opts *o, const struct cli_job *job,
                       const struct cli_option *row, const char *where, bool from_flag,
                       struct scan_diag *d)
{
    char what[400];
    bool cli = cli_given(o, CLI_O_CHECKS), in_job = !cli && job && job->checks.set;

    if ((!cli && !in_job) || (o->checks & row->check) || (!from_flag && cli))
        return 0; /* the default set; the check is there; the command line narrows */
    chosen(what, sizeof(what), in_job, job, &cli_options[CLI_O_CHECKS], o->checks);
    return scan_diag_fail(d, SCAN_ECONFIG,
                          "%s has no effect under %s: it is for the %s check (add %s to the "
                          "checks, or leave %s%s out)",
                          where, what, scan_check_name(row->check), scan_check_name(row->check),
                          from_flag ? "--" : "", from_flag ? row->flag : row->key);
}

/* A row tied to a source of --expand. */
static int judge_expand(const struct cli_opts *o, const struct cli_job *job,
                        const struct cli_option *row, const char *where, bool from_flag,
                        struct scan_diag *d)
{
    char what[400];
    bool cli = cli_given(o, CLI_O_EXPAND), in_job = !cli && job && job->expand.set;

    if ((o->expand & row->expand) || (!from_flag && cli))
        return 0;
    if (!cli && !in_job)
        return scan_diag_fail(d, SCAN_ECONFIG,
                              "%s has no effect without --expand spf: it caps the SPF blocks "
                              "that --expand spf walks",
                              where);
    chosen(what, sizeof(what), in_job, job, &cli_options[CLI_O_EXPAND], o->expand);
    return scan_diag_fail(d, SCAN_ECONFIG,
                          "%s has no effect under %s: it caps the SPF blocks that --expand spf "
                          "walks",
                          where, what);
}

/* A row that works only when mta-sts fetches its policies. */
static int judge_fetch(const struct cli_opts *o, const struct cli_job *job, const char *where,
                       bool from_flag, struct scan_diag *d)
{
    const struct cli_option *no_fetch = &cli_options[CLI_O_NO_FETCH];
    char what[400];
    unsigned line = 0, col = 0;
    bool flag = cli_given(o, CLI_O_NO_FETCH);

    if (!o->no_fetch || (!from_flag && flag))
        return 0;
    if (flag)
        snprintf(what, sizeof(what), "--%s", no_fetch->flag);
    else if (cli_job_key_where(job, no_fetch->key, &line, &col))
        snprintf(what, sizeof(what), "%s: false (%s:%u:%u)", no_fetch->key, job->file, line, col);
    else
        snprintf(what, sizeof(what), "%s: false", no_fetch->key);
    return scan_diag_fail(d, SCAN_ECONFIG,
                          "%s has no effect with %s: it is for the HTTPS fetch of MTA-STS "
                          "policies",
                          where, what);
}

int cli_opts_check_effect(const struct cli_opts *o, const struct cli_job *job,
                          struct scan_diag *diag)
{
    char where[600];
    bool from_flag;
    int ret = 0;

    if (o->cmd != CLI_CMD_CHECK && o->cmd != CLI_CMD_SCAN)
        return 0;
    for (size_t i = 0; ret == 0 && i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        if (!(row->check || row->expand || row->fetch) ||
            !where_set(o, job, row, where, sizeof(where), &from_flag))
            continue;
        if (row->check)
            ret = judge_check(o, job, row, where, from_flag, diag);
        if (ret == 0 && row->expand)
            ret = judge_expand(o, job, row, where, from_flag, diag);
        if (ret == 0 && row->fetch)
            ret = judge_fetch(o, job, where, from_flag, diag);
    }
    return ret;
}
