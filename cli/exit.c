/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The exit-code policy (see exit.h). It reads only the outcome of each result,
 * never a status word: an error from any check, spf-auth's temperror included,
 * leaves a verdict open, and that is what exit code 3 says.
 */
#include "cli/exit.h"

#include <stddef.h>

void cli_run_count(struct cli_run_outcome *o, const struct scan_result *r)
{
    if (!o || !r || (unsigned)r->outcome >= CLI_NOUTCOMES)
        return;
    for (unsigned i = 0; i < CLI_NCHECKS; i++)
        if (r->kind == (1u << i)) {
            o->counts[i][r->outcome]++;
            return;
        }
}

static uint64_t total(const struct cli_run_outcome *o, enum scan_outcome out)
{
    uint64_t n = 0;

    for (size_t i = 0; i < CLI_NCHECKS; i++)
        n += o->counts[i][out];
    return n;
}

/* The code before delivery is taken into account. */
static int run_code(const struct cli_run_outcome *o)
{
    if (o->store) {
        /* Scheduled runs speak of what is new; errors carry the last state forward. */
        if (!o->complete)
            return CLI_EXIT_INCOMPLETE;
        return o->delta_problems ? CLI_EXIT_LISTED : CLI_EXIT_OK;
    }
    if (total(o, SCAN_OUT_LISTED) > 0)
        return CLI_EXIT_LISTED;
    if (total(o, SCAN_OUT_ERROR) > 0 || o->unhealthy > 0 || !o->complete)
        return CLI_EXIT_INCOMPLETE;
    return CLI_EXIT_OK;
}

int cli_exit_code(const struct cli_run_outcome *o)
{
    int code;

    if (!o || o->output_failed)
        return CLI_EXIT_INCOMPLETE;
    if (o->nagios)
        return (int)o->nagios_status;
    code = run_code(o);
    /* Undelivered news must not pass for delivered news: 3 wins over 1. */
    if (o->delivery_failed)
        code = CLI_EXIT_INCOMPLETE;
    return code;
}

int cli_exit_after_options(const struct cli_opts *o, int ret)
{
    if (o->rbl)
        return CLI_EXIT_INCOMPLETE;
    return ret < 0 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
}
