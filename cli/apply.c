/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A job file under the command line (cli_opts_apply_job(), see opts.h): every
 * pool's targets and the domains, each with where it was written, then one pass
 * over the option table (cli/options.h) that takes each key the command line left
 * alone, read by its row's kind.
 */
#include "cli/opts.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/jobfile.h"
#include "cli/options.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"

/* "FILE:LINE:COLUMN: what" at a value of the job file. @return @p code. */
__attribute__((format(printf, 5, 6))) static int fail_at(struct scan_diag *d, int code,
                                                         const struct cli_job *job,
                                                         const struct cli_job_str *at,
                                                         const char *fmt, ...)
{
    char what[400];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    return scan_diag_fail(d, code, "%s:%u:%u: %s", job->file, at->line, at->col, what);
}

/* One target spec of the job file, with where it was written, its pool's label and
 * which lists apply to it (0: the run's; k: pool_lists[k - 1]). */
static int push_target(struct cli_opts *o, const char *file, const struct cli_job_str *t,
                       const char *pool, size_t group)
{
    char *where = NULL;

    if (asprintf(&where, "%s:%u:%u", file, t->line, t->col) < 0)
        return -ENOMEM;
    if (cli_strv_push(&o->target_origins, where) != 0) {
        free(where);
        return -ENOMEM;
    }
    o->target_group[o->targets.n] = group; /* sized for every spec by take_targets() */
    if (cli_strv_push(&o->target_pools, pool) != 0 || cli_strv_push(&o->targets, t->s) != 0)
        return -ENOMEM;
    return 0;
}

/*
 * Every pool's targets, in order, then the domains, unless the command line gave
 * targets (they replace the file's). A pool with its own `lists:` gets a
 * list group of its own, unless --list was given (the command line wins over
 * every list selection of the file).
 */
static int take_targets(struct cli_opts *o, const struct cli_job *job)
{
    int ret;

    size_t n = job->domains.n;

    if (o->targets.n > 0)
        return 0; /* targets on the command line replace the file's */
    for (size_t i = 0; i < job->npools; i++)
        n += job->pools[i].targets.n;
    o->target_group = calloc(n ? n : 1, sizeof(*o->target_group));
    o->pool_lists = calloc(job->npools ? job->npools : 1, sizeof(*o->pool_lists));
    if (!o->target_group || !o->pool_lists)
        return -ENOMEM;
    for (size_t i = 0; i < job->npools; i++) {
        const struct cli_job_pool *p = &job->pools[i];
        size_t group = 0;
        if (p->lists.set && !cli_given(o, CLI_O_LIST)) {
            struct cli_strv *l = &o->pool_lists[o->npool_lists++];
            for (size_t k = 0; k < p->lists.n; k++)
                if (cli_strv_push(l, p->lists.v[k].s))
                    return -ENOMEM;
            group = o->npool_lists;
        }
        for (size_t k = 0; k < p->targets.n; k++) {
            ret = push_target(o, job->file, &p->targets.v[k], p->label.s, group);
            if (ret != 0)
                return ret;
        }
    }
    for (size_t i = 0; i < job->domains.n; i++) {
        ret = push_target(o, job->file, &job->domains.v[i], NULL, 0);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* Each string of a job list, appended to @p row's field. */
static int take_list(struct cli_opts *o, const struct cli_option *row,
                     const struct cli_job_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        if (cli_option_set_string(o, row, list->v[i].s) != 0)
            return -ENOMEM;
    return 0;
}

/* A selector of the job file, as --bimi-selector and --dkim-selector check theirs. */
static int check_selector(const struct cli_option *row, const struct cli_job *job,
                          const struct cli_job_str *s, struct scan_diag *d)
{
    if (cli_selector_ok(s->s))
        return 0;
    return fail_at(d, SCAN_EPARSE, job, s, "%s '%s': expected a DNS label", row->key, s->s);
}

/* bimi_selector or dkim_selectors. Every selector of a list is checked, even when
 * the command line replaces them; a single one when it is taken. */
static int take_selectors(struct cli_opts *o, const struct cli_option *row,
                          const struct cli_job *job, const void *value, struct scan_diag *d)
{
    const struct cli_job_list *list = value;
    const struct cli_job_str *one = value;
    bool given = cli_given(o, cli_option_id(row));
    int ret;

    if (row->job_type == CLI_T_JOB_LIST) {
        for (size_t i = 0; i < list->n; i++)
            if ((ret = check_selector(row, job, &list->v[i], d)) != 0)
                return ret;
        return given || !list->set ? 0 : take_list(o, row, list);
    }
    if (given || !one->s)
        return 0;
    if ((ret = check_selector(row, job, one, d)) != 0)
        return ret;
    return cli_option_set_string(o, row, one->s);
}

/* checks: or expand:, a list of words, as the bits of their flag. */
static int take_words(struct cli_opts *o, const struct cli_option *row, const struct cli_job *job,
                      const struct cli_job_list *list, struct scan_diag *d)
{
    unsigned bits = 0;

    for (size_t i = 0; i < list->n; i++) {
        const struct cli_job_str *w = &list->v[i];
        unsigned b = row->kind == CLI_K_CHECKS ? cli_checks_parse(w->s) : scan_expand_parse(w->s);
        if (b == 0 && row->kind == CLI_K_CHECKS)
            return fail_at(d, SCAN_ECONFIG, job, w,
                           "unknown check '%s' (dnsbl, fcrdns, spf, spf-auth, dmarc, mx, dkim, "
                           "mta-sts, tls-rpt, bimi, ns, dnssec, origin, all)",
                           w->s);
        if (b == 0)
            return fail_at(d, SCAN_ECONFIG, job, w, "unknown expand source '%s' (mx, spf, a)",
                           w->s);
        bits |= b;
    }
    cli_option_set_number(o, row, bits);
    return 0;
}

/* The job file's value of @p row (a row with a key), unless the command line gave
 * the option: a string or a list as the row's kind reads it, a number in its
 * field's type (job_type). */
static int take_key(struct cli_opts *o, const struct cli_option *row, const struct cli_job *job,
                    struct scan_diag *d)
{
    const void *value = (const char *)job + row->job_off;
    const struct cli_job_str *str = value;
    const struct cli_job_list *list = value;
    bool given = cli_given(o, cli_option_id(row));
    double n;

    switch (row->kind) {
    case CLI_K_SELECTOR:
        return take_selectors(o, row, job, value, d);
    case CLI_K_STR:
    case CLI_K_PATH:
    case CLI_K_FORMAT: /* the job file checked the word */
        return given || !str->s ? 0 : cli_option_set_string(o, row, str->s);
    case CLI_K_LIST:
        return given || !list->set ? 0 : take_list(o, row, list);
    case CLI_K_CHECKS:
    case CLI_K_EXPAND:
        return given || !list->set ? 0 : take_words(o, row, job, list, d);
    case CLI_K_SPECIAL:
    case CLI_K_ACTION:
        return 0; /* command line only */
    default:
        n = cli_field_number(value, row->job_type);
        if (given || n < 0)
            return 0;
        if (row->kind == CLI_K_SWITCH || row->kind == CLI_K_OFF)
            n = row->kind == CLI_K_SWITCH ? n == 1 : n == 0; /* fetch: false is --no-fetch */
        cli_option_set_number(o, row, n);
        return 0;
    }
}

int cli_opts_apply_job(struct cli_opts *o, const struct cli_job *job, struct scan_diag *diag)
{
    int ret = take_targets(o, job);

    for (size_t i = 0; ret == 0 && i < CLI_O_COUNT; i++)
        if (cli_options[i].key)
            ret = take_key(o, &cli_options[i], job, diag);
    if (ret == -ENOMEM)
        return scan_diag_fail(diag, ret, "%s: %s", job->file, scan_strerror(ret));
    if (ret != 0)
        return ret;
    if (!o->state_path)
        o->state_default = true; /* scheduled jobs keep history by default */
    if (o->targets.n == 0)
        return scan_diag_fail(diag, SCAN_ECONFIG,
                              "%s: no targets: give pools or domains (see the README)", job->file);
    return 0;
}
