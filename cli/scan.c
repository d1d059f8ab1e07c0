/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * `check` and `scan`: one run from options to exit code, in named steps
 * (cli_cmd_scan() at the end); the lists are chosen in cli/select.c, the run
 * is delivered in cli/delivery.c.
 *
 * A run wires the engine's two callbacks (list health, results) to every
 * consumer that wants them: the writer (stdout), the state store (--state or a
 * job file), and the tally behind --nagios and --prom. With a store, the run is
 * one transaction: the delta is computed against the last complete run only
 * after the engine finished, and the exit code then speaks of what is new.
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
#include "cli/rbl.h"
#include "cli/run.h"
#include "scanner/catalog/selectors.h"
#include "output/alert/alert.h"
#include "output/store/delta.h"
#include "output/writers/outpath.h"
#include "output/store/state.h"
#include "output/writers/writer.h"
#include "scanner/engine/engine.h"
#include "scanner/core/err.h"
#include "scanner/dns/resolver.h"
#include "scanner/targets/target.h"

#define PROG "dnsbl-scan"

struct run_ctx {
    struct out_writer *w;
    struct out_state *st;    /* NULL without a store */
    struct out_tally *tally; /* NULL without --nagios / --prom */
    struct out_report *rep;  /* NULL without --html */
    bool warn_health;        /* machine formats: also say it on stderr */
    bool progress;
    bool progress_shown;
    int write_err;
    int state_err;
    bool halt; /* the engine's halt: set with state_err (never cli_stop_flag) */
    int rep_err;
    struct cli_run_outcome ro; /* what decides the exit code (cli/exit.h) */
    /* job-file pools with their own lists: cli_list_groups() rows, by target spec */
    const bool *groups;
    size_t nsel;
    const size_t *target_group;
};

static bool list_wanted(void *arg, const struct scan_target *t, size_t list)
{
    const struct run_ctx *c = arg;
    return c->groups[c->target_group[t->source] * c->nsel + list];
}

/* check_rbl's -H NAME: only the name's addresses are asked of the lists, as
 * check_rbl asks only the address it resolved; the name itself is not a target. */
static bool addresses_only(void *arg, const struct scan_target *t, size_t list)
{
    (void)arg;
    (void)list;
    return t->type != SCAN_T_DOMAIN;
}

static void target_msg(void *arg, bool is_error, const char *msg)
{
    (void)arg;
    fprintf(stderr, PROG ": %s%s\n", is_error ? "" : "warning: ", msg);
}

/* A store that cannot record is fatal for the run: stop, and never let the run
 * become "complete" with results missing from it. The engine stops on
 * c->state_err (its halt), not on cli_stop_flag: that flag is the signal
 * handlers', and set here it would turn the user's first Ctrl-C into the
 * second one that leaves at once. */
static void state_failed(struct run_ctx *c, int err, const struct scan_diag *diag)
{
    if (!c->state_err) {
        c->state_err = err;
        c->halt = true;
        fprintf(stderr, PROG ": the state store failed: %s (%s); stopping\n", scan_strerror(err),
                diag->msg);
    }
}

static void on_result(void *arg, const struct scan_result *r)
{
    struct run_ctx *c = arg;
    struct scan_diag diag = {0};
    int ret;
    if (!c->write_err && out_emit(c->w, r) != 0)
        c->write_err = -EIO;
    if (c->st && !c->state_err && (ret = out_state_record(c->st, r, &diag)) != 0)
        state_failed(c, ret, &diag);
    if (c->tally)
        out_tally_result(c->tally, r);
    if (c->rep && !c->rep_err)
        c->rep_err = out_report_result(c->rep, r);
    cli_run_count(&c->ro, r);
}

static void on_health(void *arg, const struct scan_health *h)
{
    struct run_ctx *c = arg;
    struct scan_diag diag = {0};
    int ret;
    /* One health per (list, kind): say which kind, and never print a NULL detail. */
    if (!h->healthy && c->warn_health && h->detail)
        fprintf(stderr, PROG ": warning: %s%s%s\n", h->kind ? h->kind : "", h->kind ? ": " : "",
                h->detail);
    else if (!h->healthy && c->warn_health)
        fprintf(stderr, PROG ": warning: %s%s%s is unhealthy (%s)\n", h->kind ? h->kind : "",
                h->kind ? ": " : "", h->list ? h->list : "?", h->reason ? h->reason : "unhealthy");
    if (!c->write_err && out_health(c->w, h) != 0)
        c->write_err = -EIO;
    if (c->st && !c->state_err && (ret = out_state_health(c->st, h, &diag)) != 0)
        state_failed(c, ret, &diag);
    if (c->tally)
        out_tally_health(c->tally, h);
    if (c->rep && !c->rep_err)
        c->rep_err = out_report_health(c->rep, h);
    c->ro.unhealthy += !h->healthy;
}
static void on_progress(void *arg, const struct scan_progress *p)
{
    struct run_ctx *c = arg;
    if (!c->progress)
        return;
    double qps = p->seconds > 0 ? (double)p->queries / p->seconds : 0;
    double tps = p->seconds > 0 ? (double)p->targets_done / p->seconds : 0;
    double left = tps > 0 && p->targets_total > p->targets_done
                      ? (double)(p->targets_total - p->targets_done) / tps
                      : 0;
    fprintf(stderr, "\r\033[K%llu/%llu targets  %.0f q/s  %llu errors  %.0fs left",
            (unsigned long long)p->targets_done, (unsigned long long)p->targets_total, qps,
            (unsigned long long)p->errors, left);
    c->progress_shown = true;
}

/*
 * The DNSSEC trust anchors: --trust-anchor, else Debian's root key. When the
 * check was not asked for by name (the default set) and the default file is
 * missing, the check is left out with a warning rather than failing the run:
 * the other checks do not need it. @return 0, or a negative code after a message (exit 2).
 */
static int load_anchors(const struct cli_opts *o, unsigned *checks, struct scan_dnssec **out)
{
    struct scan_diag diag = {0};
    const char *path = o->trust_anchor ? o->trust_anchor : SCAN_DNSSEC_DEFAULT_ANCHOR;
    int ret = scan_dnssec_new(path, out, &diag);
    if (ret == 0)
        return 0;
    if (!o->trust_anchor && !(o->checks & SCAN_CHECK_DNSSEC) && ret == -ENOENT) {
        fprintf(stderr,
                PROG ": warning: %s: no DNSSEC trust anchor (install dns-root-data or give "
                     "--trust-anchor FILE); the dnssec check is left out\n",
                path);
        *checks &= ~(unsigned)SCAN_CHECK_DNSSEC;
        return 0;
    }
    fprintf(stderr, PROG ": --trust-anchor: %s\n", diag.msg);
    return ret;
}

static enum out_format pick_format(const struct cli_opts *o)
{
    if (!o->format)
        return o->cmd == CLI_CMD_CHECK ? OUT_FMT_TEXT : OUT_FMT_SUMMARY;
    if (strcmp(o->format, "json") == 0)
        return OUT_FMT_JSON;
    if (strcmp(o->format, "csv") == 0)
        return OUT_FMT_CSV;
    if (strcmp(o->format, "text") == 0)
        return OUT_FMT_TEXT;
    return OUT_FMT_SUMMARY;
}

static size_t check_names(unsigned checks, const char **names)
{
    size_t n = 0;
    for (unsigned bit = 1; bit != 0; bit <<= 1)
        if ((checks & bit) && scan_check_name(bit))
            names[n++] = scan_check_name(bit);
    return n;
}

/* Everything one `check` or `scan` run holds; run_free() releases it. The steps
 * of cli_cmd_scan() fill it in order; each returns 0 to go on, or the exit code
 * to stop with (after saying why on stderr). */
struct run {
    const struct cli_opts *o;
    const struct list_catalog *cat;
    unsigned checks; /* the checks that run: --checks, or every one that applies */
    bool resolve;    /* --resolve: --expand a under another spelling */
    struct out_nagios_opts nopts;
    bool nagios_written;
    const struct list_entry **sel; /* the lists, and their query zones */
    char **zones;
    size_t nsel;
    bool *groups; /* job-file pools with their own lists (cli_list_groups()) */
    struct list_selectors *dkim_data;
    struct scan_dkim_selectors dkim;
    struct scan_dnssec *dnssec;
    struct scan_targets *ts;
    uint64_t total;
    struct scan_resolver *res;
    struct out_state *st;
    const char **list_ids;
    struct out_tally *tally;
    enum out_format fmt;
    FILE *sink; /* /dev/null: --nagios keeps stdout for its one line */
    struct out_writer *w;
    struct cli_report html;
    struct delivery dl;
    struct run_ctx ctx; /* the engine's callbacks point here: it lives as long as the run */
    struct scan_engine_stats stats;
    bool complete;
};

/* Which checks run, the Nagios thresholds, the trust anchors, the lists and the
 * DKIM selector data. */
static int run_plan(struct run *r)
{
    const struct cli_opts *o = r->o;
    struct scan_diag diag = {0};

    r->checks = o->checks ? o->checks : SCAN_CHECK_ALL;
    if (!o->spf_domains.n)
        r->checks &= ~(unsigned)SCAN_CHECK_SPF_AUTH;
    else if (!o->checks)
        r->checks |= SCAN_CHECK_SPF_AUTH;
    r->nopts = (struct out_nagios_opts){
        .warning = o->warn, .critical = o->crit, .name = o->rbl_name, .append = o->append};
    if (o->nagios && out_nagios_check_opts(&r->nopts) != 0) {
        fprintf(stderr,
                PROG ": -c %ld is below -w %ld: the critical threshold must be at "
                     "least the warning one\n",
                o->crit, o->warn);
        return CLI_EXIT_USAGE;
    }
    /* --resolve is --expand a under another spelling (scanner/checks/expand.h). */
    r->resolve = cli_resolve(o, r->checks);
    if ((r->checks & SCAN_CHECK_DNSSEC) && load_anchors(o, &r->checks, &r->dnssec) != 0)
        return CLI_EXIT_USAGE;
    int ret = cli_select_lists(o, r->cat, &r->sel, &r->zones, &r->nsel);
    if (ret == 0)
        ret = cli_list_groups(o, r->cat, r->sel, r->nsel, &r->groups);
    if (ret != 0)
        return CLI_EXIT_USAGE;
    if (r->checks & SCAN_CHECK_DKIM) {
        /* The built-in selector data (lists/dkim-selectors.yaml) plus --dkim-selector. */
        ret = list_selectors_load_default(&r->dkim_data, &diag);
        if (ret != 0) {
            fprintf(stderr, PROG ": the built-in DKIM selector data: %s\n",
                    ret == -ENOMEM ? scan_strerror(ret) : diag.msg);
            return CLI_EXIT_INCOMPLETE;
        }
        r->dkim = *list_selectors_get(r->dkim_data);
        r->dkim.given = o->dkim_selectors.v;
        r->dkim.ngiven = o->dkim_selectors.n;
    }
    if (r->nsel == 0 && r->checks == SCAN_CHECK_DNSBL) {
        fprintf(stderr, PROG ": no usable list selected (see dnsbl-scan lists)\n");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* Read and count the targets (every bad line is reported by target_msg). */
static int run_targets(struct run *r)
{
    const struct cli_opts *o = r->o;
    struct scan_target_opts topts = {
        .skip_invalid = o->skip_invalid,
        .msg = target_msg,
        .origins = o->target_origins.n ? o->target_origins.v : NULL,
        .pools = o->target_pools.n ? o->target_pools.v : NULL,
    };
    if (scan_targets_new((char *const *)o->targets.v, o->targets.n, &topts, &r->ts) != 0 ||
        scan_targets_prepare(r->ts, &r->total) != 0)
        return CLI_EXIT_USAGE;
    if (r->checks & SCAN_CHECK_DNSBL) {
        uint64_t by_type[3];
        scan_targets_count_by_type(r->ts, by_type);
        cli_warn_daily_limits(r->sel, r->nsel, by_type);
    }
    return 0;
}

static int run_resolver(struct run *r)
{
    const struct cli_opts *o = r->o;
    struct scan_diag diag = {0};
    unsigned channels = o->channels;
    if (!channels)
        channels = o->concurrency > 1024 ? 8 : o->concurrency > 256 ? 4 : 1;
    struct scan_resolver_opts ropts = {.servers = o->resolvers.v,
                                       .nservers = o->resolvers.n,
                                       .timeout_ms = o->timeout_ms,
                                       .tries = o->tries,
                                       .channels = channels};
    int ret = scan_resolver_new(&ropts, &r->res, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", diag.msg[0] ? diag.msg : scan_strerror(ret));
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* The output paths and then the store come last among the checks of the set-up:
 * nothing before may leave a "running" run behind, and a path that cannot be
 * written stops the run before it scans. */
static int run_open_store(struct run *r)
{
    const struct cli_opts *o = r->o;
    char pathbuf[4096];
    struct scan_diag diag = {0};
    bool is_default;
    const char *spath = cli_state_path(o, pathbuf, sizeof(pathbuf), &is_default);
    if (!spath && (o->delta_path || o->on_change)) {
        fprintf(stderr, PROG ": %s needs a state store: give --state PATH (or use a job file)\n",
                o->delta_path ? "--delta" : "--on-change");
        return CLI_EXIT_USAGE;
    }
    if (cli_prepare_outputs(o, &diag) != 0) {
        fprintf(stderr, PROG ": %s\n", diag.msg);
        return CLI_EXIT_USAGE;
    }
    if (!spath)
        return 0;
    struct out_state_opts so = {.path = spath, .wait_ms = o->wait ? -1 : 0, .create_parent = true};
    int ret = out_state_open(&so, &r->st, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", diag.msg);
        return ret == SCAN_ELOCKED ? CLI_EXIT_INCOMPLETE : CLI_EXIT_USAGE;
    }
    const char *cnames[32]; /* one per enum scan_check bit */
    r->list_ids = calloc(r->nsel ? r->nsel : 1, sizeof(*r->list_ids));
    if (!r->list_ids)
        return CLI_EXIT_INCOMPLETE;
    for (size_t i = 0; i < r->nsel; i++)
        r->list_ids[i] = r->sel[i]->id;
    struct out_run_desc desc = {.targets = o->targets.v,
                                .ntargets = o->targets.n,
                                .lists = r->list_ids,
                                .nlists = r->nsel,
                                .checks = cnames,
                                .nchecks = check_names(r->checks, cnames),
                                .anomaly_share = o->anomaly_share > 0 ? o->anomaly_share : 0,
                                .anomaly_min = o->anomaly_min > 0 ? (unsigned)o->anomaly_min : 0};
    ret = out_state_run_begin(r->st, &desc, &r->dl.run_id, &diag);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s: cannot start a run: %s (%s)\n", spath, scan_strerror(ret),
                diag.msg);
        return CLI_EXIT_INCOMPLETE;
    }
    r->dl.st = r->st;
    return 0;
}

/* The tally for --nagios/--prom, the writer of the chosen format, the --html report. */
static int run_open_writer(struct run *r)
{
    const struct cli_opts *o = r->o;
    if ((o->nagios || o->prom_path) && out_tally_new(&r->tally) != 0)
        return CLI_EXIT_INCOMPLETE;
    /* With --nagios, stdout carries exactly one status line: results go nowhere. */
    r->fmt = pick_format(o);
    if (r->fmt == OUT_FMT_TEXT && r->total > 10000 && !o->nagios)
        fprintf(stderr,
                PROG ": warning: --format text groups results by target and holds "
                     "them until the end; for %llu targets use summary, json or csv\n",
                (unsigned long long)r->total);
    FILE *out_file = stdout;
    if (o->nagios && o->verbose) {
        out_file = stderr; /* check_rbl's -v: the results, for a person */
        r->fmt = OUT_FMT_TEXT;
    } else if (o->nagios) {
        r->sink = fopen("/dev/null", "we");
        if (!r->sink) {
            fprintf(stderr, PROG ": /dev/null: %s\n", strerror(errno));
            return CLI_EXIT_INCOMPLETE;
        }
        out_file = r->sink;
    }
    unsigned flags = 0;
    if (o->color == 1 || (o->color < 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")))
        flags |= OUT_COLOR;
    if (out_writer_new(out_file, r->fmt, flags, &r->w) != 0)
        return CLI_EXIT_USAGE;
    int ret;
    if (o->html_path && (ret = cli_report_new(o, r->cat, &r->html)) != 0) {
        fprintf(stderr, PROG ": --html: %s\n", scan_strerror(ret));
        return CLI_EXIT_INCOMPLETE;
    }
    return 0;
}

/* Every target through the engine; then the store commits the run. */
static void run_scan(struct run *r)
{
    const struct cli_opts *o = r->o;
    r->ctx = (struct run_ctx){
        .w = r->w,
        .st = r->st,
        .tally = r->tally,
        .rep = r->html.rep,
        .warn_health = r->fmt == OUT_FMT_JSON || r->fmt == OUT_FMT_CSV,
        .progress = o->progress == 1 ||
                    (o->progress < 0 && o->cmd == CLI_CMD_SCAN && isatty(STDERR_FILENO)),
        .groups = r->groups,
        .nsel = r->nsel,
        .target_group = o->target_group};
    struct scan_engine_opts eo = {.resolver = r->res,
                                  .lists = r->sel,
                                  .zones = (const char *const *)r->zones,
                                  .nlists = r->nsel,
                                  .checks = r->checks,
                                  .spf_domains = o->spf_domains.v,
                                  .nspf_domains = o->spf_domains.n,
                                  .bimi_selector = o->bimi_selector,
                                  .dkim = &r->dkim,
                                  .no_fetch = o->no_fetch,
                                  .ca_file = o->ca_file,
                                  .https_connect = o->https_connect,
                                  .dnssec = r->dnssec,
                                  .expand = {.what = o->expand | (r->resolve ? SCAN_EXPAND_A : 0u),
                                             .cap4 = o->expand_cap4,
                                             .cap6 = o->expand_cap6,
                                             .resolve = r->resolve},
                                  .concurrency = o->concurrency,
                                  .timeout_ms = o->timeout_ms,
                                  .rate = o->rate,
                                  .on_result = on_result,
                                  .on_health = on_health,
                                  .on_progress = on_progress,
                                  .list_wanted = r->groups     ? list_wanted
                                                 : o->rbl_name ? addresses_only
                                                               : NULL,
                                  .arg = &r->ctx,
                                  .stop = &cli_stop_flag,
                                  .halt = &r->ctx.halt};
    int ret = scan_engine_run(&eo, r->ts, r->total, &r->stats);
    if (r->ctx.progress_shown)
        fputs("\r\033[K", stderr);
    if (ret != 0) {
        fprintf(stderr, PROG ": scan failed: %s\n", scan_strerror(ret));
        r->stats.complete = false;
    }
    r->complete = r->stats.complete && !r->ctx.state_err && ret == 0;
    /* The store commits the run; then its outputs take what it must deliver. */
    if (r->st && cli_record_run(&r->dl, r->complete, r->fmt) != 0)
        r->complete = false;
}

/* Close the writer, write the report and the Nagios line, deliver the alerts:
 * @return the exit code. */
static int run_finish(struct run *r)
{
    const struct cli_opts *o = r->o;
    struct run_ctx *ctx = &r->ctx;
    const struct scan_engine_stats *s = &r->stats;
    struct out_stats os = {.targets = s->targets,
                           .results = s->results,
                           .listed = s->listed,
                           .info = s->info,
                           .errors = s->errors,
                           .seconds = s->seconds,
                           .queries = s->queries};
    ctx->ro.complete = r->complete;
    ctx->ro.store = r->st != NULL;
    ctx->ro.delta_problems = out_delta_has_problems(r->dl.delta);
    if (out_finish(r->w, &os) != 0 || ctx->write_err) {
        fprintf(stderr, PROG ": writing results failed: %s\n", strerror(errno));
        ctx->ro.output_failed = true;
        cli_delivery_failed(&r->dl, "standard output: writing results failed");
    }
    if (!s->complete)
        fprintf(stderr, PROG ": interrupted: %llu targets checked, results are incomplete\n",
                (unsigned long long)s->targets);

    struct out_alert_run arun = {.tally = r->tally,
                                 .targets = s->targets,
                                 .seconds = s->seconds,
                                 .complete = r->complete,
                                 .delta = r->dl.delta,
                                 .timed_out = cli_deadline_hit != 0};
    struct out_run_info ri;
    if (r->st && out_state_last_complete(r->st, &ri, NULL) == 0)
        arun.last_success_ms = ri.ended_ms;
    if (r->html.rep) {
        /* after the store recorded the run: the report's timeline and events include it */
        const char *cnames[32];
        size_t nc = check_names(r->checks, cnames);
        if (cli_report_write_run(&r->html, o, r->st, cnames, nc, ctx->rep_err, s->seconds,
                                 r->complete) != 0)
            cli_delivery_failed(&r->dl, "--html: the report could not be written");
    }
    if (o->nagios) {
        ctx->ro.nagios = true;
        r->nagios_written = true;
        if (out_nagios_write(stdout, &arun, &r->nopts, &ctx->ro.nagios_status) != 0)
            ctx->ro.nagios_status = OUT_NAGIOS_UNKNOWN;
    }
    cli_deliver(&r->dl, &arun, r->tally, &ctx->ro);
    return cli_exit_code(&ctx->ro);
}

static void run_free(struct run *r)
{
    out_writer_free(r->w);
    if (r->sink)
        fclose(r->sink);
    if (r->dl.doc && r->dl.doc != r->dl.file.f)
        fclose(r->dl.doc); /* the anonymous document of --on-change */
    out_file_deinit(&r->dl.file);
    out_delta_free(r->dl.delta);
    out_tally_free(r->tally);
    cli_report_free(&r->html);
    scan_dnssec_free(r->dnssec);
    out_state_free(r->st); /* an open run is rolled back and marked aborted */
    free(r->list_ids);
    free(r->groups);
    list_selectors_free(r->dkim_data);
    scan_resolver_free(r->res);
    scan_targets_free(r->ts);
    for (size_t i = 0; r->zones && i < r->nsel; i++)
        free(r->zones[i]);
    free(r->zones);
    free(r->sel);
}

/* `check` and `scan`: set up, scan, finish; a step that fails ends the run with
 * its exit code (a Nagios run that could not run says UNKNOWN). */
int cli_cmd_scan(const struct cli_opts *o, const struct list_catalog *cat)
{
    struct run r = {.o = o, .cat = cat, .dl = {.o = o}};
    int code = run_plan(&r);
    if (!code)
        code = run_targets(&r);
    if (!code)
        code = run_resolver(&r);
    if (!code)
        code = run_open_store(&r);
    if (!code)
        code = run_open_writer(&r);
    if (!code) {
        run_scan(&r);
        code = run_finish(&r);
    }
    if (o->nagios && !r.nagios_written && code != CLI_EXIT_OK)
        code = cli_nagios_unknown(); /* a plugin that could not run is UNKNOWN */
    run_free(&r);
    return code;
}
