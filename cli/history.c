/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * `history [TARGET]`: the runs and changes the state store holds.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/run.h"
#include "output/store/state.h"
#include "scanner/core/err.h"

#define PROG "dnsbl-scan"

int cli_cmd_history(const struct cli_opts *o)
{
    char pathbuf[4096];
    struct scan_diag diag = {0};
    bool is_default;
    struct out_state *st = NULL;
    const char *path = cli_state_path(o, pathbuf, sizeof(pathbuf), &is_default);
    if (!path) {
        fprintf(stderr, PROG ": history: no state store (give --state PATH)\n");
        return CLI_EXIT_USAGE;
    }
    struct out_state_opts so = {.path = path, .readonly = true};
    int ret = out_state_open(&so, &st, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", diag.msg);
        return CLI_EXIT_USAGE;
    }
    bool json = o->format && strcmp(o->format, "json") == 0;
    ret = out_state_history(st, o->targets.n ? o->targets.v[0] : NULL, stdout, json, NULL);
    out_state_free(st);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, scan_strerror(ret));
        return CLI_EXIT_INCOMPLETE;
    }
    return CLI_EXIT_OK;
}
