/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The HTML report from the command line: `report` (from the state store) and
 * the pieces `check`/`scan --html` need (a report fed by the run, written once
 * the store has recorded it). The catalog tells the report each list's zone,
 * delist template, daily limit and the meaning of a code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "scanner/catalog/catalog.h"
#include "output/report/report.h"
#include "scanner/core/err.h"

#define PROG "dnsbl-scan"

/* A code's meaning from the catalog, as list_interpret() reads it. */
static const char *code_meaning(void *arg, const char *list_id, const char *code)
{
    const struct list_entry *e = list_catalog_find(arg, list_id);
    struct list_interp li;
    struct in_addr a;
    uint32_t v;

    if (!e || inet_pton(AF_INET, code, &a) != 1)
        return NULL;
    v = ntohl(a.s_addr);
    if (list_interpret(e, &v, 1, &li) != 0 || li.ncodes == 0)
        return NULL;
    return li.meanings[0];
}

int cli_report_new(const struct cli_opts *o, const struct list_catalog *cat, struct cli_report *out)
{
    size_t n = list_catalog_count(cat), k = 0;
    struct out_report_list *lists = calloc(n ? n : 1, sizeof(*lists));
    int ret;

    memset(out, 0, sizeof(*out));
    if (!lists)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const struct list_entry *e = list_catalog_get(cat, i);
        if (e->dead)
            continue;
        lists[k++] = (struct out_report_list){.id = e->id,
                                              .zone = e->zone,
                                              .delist = e->delist,
                                              .daily_limit = e->daily_limit,
                                              .ip4 = e->kinds & LIST_KIND_IP4,
                                              .ip6 = e->kinds & LIST_KIND_IP6,
                                              .domain = e->kinds & LIST_KIND_DOMAIN,
                                              .txt = e->txt};
    }
    struct out_report_opts ro = {.version = DNSBL_SCAN_VERSION,
                                 .window_ms = o->since_ms,
                                 .lists = lists,
                                 .nlists = k,
                                 .meaning = code_meaning,
                                 .meaning_arg = (void *)cat};
    ret = out_report_new(&ro, &out->rep);
    if (ret != 0) {
        free(lists);
        return ret;
    }
    out->lists = lists;
    return 0;
}

void cli_report_free(struct cli_report *r)
{
    out_report_free(r->rep);
    free(r->lists);
    memset(r, 0, sizeof(*r));
}

/* "a b c" from a list of strings (the header's "what was scanned"). */
static char *joined(const char *const *v, size_t n)
{
    size_t len = 1;
    char *s, *p;

    for (size_t i = 0; i < n; i++)
        len += strlen(v[i]) + 1;
    s = p = malloc(len);
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "%s%s", i ? " " : "", v[i]);
    return s;
}

int cli_report_write_run(struct cli_report *r, const struct cli_opts *o, struct out_state *st,
                         const char *const *checks, size_t nchecks, int feed_err, double seconds,
                         bool complete)
{
    char *targets = joined(o->targets.v, o->targets.n), *names = joined(checks, nchecks);
    struct timespec now;
    int ret = -ENOMEM;

    clock_gettime(CLOCK_REALTIME, &now);
    struct out_report_run run = {.targets = targets,
                                 .checks = names,
                                 .ended_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000,
                                 .complete = complete};
    run.started_ms = run.ended_ms - (int64_t)(seconds * 1000);
    if (feed_err) {
        ret = feed_err;
        fprintf(stderr, PROG ": %s: the HTML report could not take every result: %s\n",
                o->html_path, scan_strerror(ret));
        goto out;
    }
    if (targets && names)
        ret = out_report_set_run(r->rep, &run);
    if (ret == 0)
        ret = out_report_write_file(r->rep, o->html_path, st, NULL);
    if (ret != 0)
        fprintf(stderr, PROG ": %s: cannot write the HTML report: %s\n", o->html_path,
                scan_strerror(ret));
out:
    free(targets);
    free(names);
    return ret;
}

int cli_cmd_report(const struct cli_opts *o, const struct list_catalog *cat)
{
    char pathbuf[4096];
    struct scan_diag diag = {0};
    const char *path = o->state_path;
    struct out_state *st = NULL;
    struct cli_report r;
    int ret, code = CLI_EXIT_OK;

    if (!path && out_state_default_path(pathbuf, sizeof(pathbuf)) == 0)
        path = pathbuf;
    if (!path) {
        fprintf(stderr, PROG ": report: no state store (give --state PATH)\n");
        return CLI_EXIT_USAGE;
    }
    struct out_state_opts so = {.path = path, .readonly = true};
    ret = out_state_open(&so, &st, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", diag.msg);
        return CLI_EXIT_USAGE;
    }
    ret = cli_report_new(o, cat, &r);
    if (ret == 0) {
        ret = out_report_load(r.rep, st, &diag);
        if (ret == SCAN_ENOTFOUND) {
            fprintf(stderr, PROG ": warning: %s has no complete run yet: the report is empty\n",
                    path);
            ret = 0;
        }
    }
    bool to_stdout = !o->output_path || strcmp(o->output_path, "-") == 0;
    if (ret == 0)
        ret = to_stdout ? out_report_write(r.rep, stdout, st, &diag)
                        : out_report_write_file(r.rep, o->output_path, st, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s: cannot write the report: %s%s%s\n",
                to_stdout ? "standard output" : o->output_path, scan_strerror(ret),
                diag.msg[0] ? "; " : "", diag.msg);
        code = CLI_EXIT_INCOMPLETE;
    }
    cli_report_free(&r);
    out_state_free(st);
    return code;
}
