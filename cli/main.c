/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * dnsbl-scan's main: wires options, catalog, targets, resolver, engine and
 * writers together, and turns the run's outcome into an exit code.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/opts.h"
#include "lists/catalog.h"
#include "output/writer.h"
#include "scanner/engine.h"
#include "scanner/err.h"
#include "scanner/resolver.h"
#include "scanner/target.h"

#define PROG "dnsbl-scan"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

struct run_ctx {
    struct out_writer *w;
    bool warn_health; /* machine formats: also say it on stderr */
    bool progress;
    bool progress_shown;
    int write_err;
};

static void target_msg(void *arg, bool is_error, const char *msg)
{
    (void)arg;
    fprintf(stderr, PROG ": %s%s\n", is_error ? "" : "warning: ", msg);
}

static void on_result(void *arg, const struct scan_result *r)
{
    struct run_ctx *c = arg;
    if (!c->write_err && out_emit(c->w, r) != 0)
        c->write_err = SCAN_EIO;
}

static void on_health(void *arg, const struct scan_health *h)
{
    struct run_ctx *c = arg;
    if (!h->healthy && c->warn_health)
        fprintf(stderr, PROG ": warning: %s\n", h->detail);
    if (!c->write_err && out_health(c->w, h) != 0)
        c->write_err = SCAN_EIO;
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

/* Choose the lists to query. Fills @p sel/@p zones (zones are heap strings that
 * may hold keys: never printed). */
static int select_lists(const struct cli_opts *o, const struct list_catalog *cat,
                        const struct list_entry ***sel, char ***zones, size_t *n)
{
    size_t total = list_catalog_count(cat), k = 0;
    *sel = calloc(total ? total : 1, sizeof(**sel));
    *zones = calloc(total ? total : 1, sizeof(**zones));
    if (!*sel || !*zones)
        return -ENOMEM;
    bool *picked = calloc(total ? total : 1, sizeof(bool));
    if (!picked)
        return -ENOMEM;
    int ret = 0;
    if (o->lists.n > 0) {
        for (size_t i = 0; i < o->lists.n; i++) {
            const struct list_entry *e = list_catalog_find(cat, o->lists.v[i]);
            if (!e) {
                fprintf(stderr,
                        PROG ": --list '%s': no such list id or zone in the catalog "
                             "(see dnsbl-scan lists)\n",
                        o->lists.v[i]);
                ret = SCAN_ENOTFOUND;
                goto out;
            }
            for (size_t j = 0; j < total; j++)
                if (list_catalog_get(cat, j) == e)
                    picked[j] = true;
        }
    } else {
        for (size_t j = 0; j < total; j++)
            picked[j] = !list_catalog_get(cat, j)->dead;
    }
    for (size_t j = 0; j < total; j++) {
        if (!picked[j])
            continue;
        const struct list_entry *e = list_catalog_get(cat, j);
        if (e->dead) {
            fprintf(stderr, PROG ": warning: %s is dead since %s (%s); not queried\n", e->zone,
                    e->dead_since ? e->dead_since : "an unknown date",
                    e->dead_reason ? e->dead_reason : "no reason recorded");
            continue;
        }
        char zone[256];
        int r = list_query_zone(e, zone, sizeof(zone));
        if (r == -ENOKEY) {
            if (o->lists.n > 0)
                fprintf(stderr, PROG ": warning: %s needs a key in $%s; not queried\n", e->zone,
                        e->key_env ? e->key_env : "?");
            continue;
        }
        if (r != 0) {
            fprintf(stderr, PROG ": warning: %s: the zone to query is too long; not queried\n",
                    e->zone);
            continue;
        }
        (*zones)[k] = strdup(zone);
        if (!(*zones)[k]) {
            ret = -ENOMEM;
            goto out;
        }
        (*sel)[k++] = e;
    }
    *n = k;
out:
    free(picked);
    return ret;
}

static int cmd_lists(const struct cli_opts *o, const struct list_catalog *cat)
{
    bool json = o->format && strcmp(o->format, "json") == 0;
    for (size_t i = 0; i < list_catalog_count(cat); i++) {
        const struct list_entry *e = list_catalog_get(cat, i);
        char kinds[32] = "";
        if (e->kinds & LIST_KIND_IP4)
            strcat(kinds, "ip4,");
        if (e->kinds & LIST_KIND_IP6)
            strcat(kinds, "ip6,");
        if (e->kinds & LIST_KIND_DOMAIN)
            strcat(kinds, "domain,");
        if (kinds[0])
            kinds[strlen(kinds) - 1] = '\0';
        const char *access = e->access == LIST_ACCESS_KEY            ? "key"
                             : e->access == LIST_ACCESS_REGISTRATION ? "registration"
                                                                     : "free";
        char status[128];
        if (e->dead)
            snprintf(status, sizeof(status), "dead since %s", e->dead_since ? e->dead_since : "?");
        else
            snprintf(status, sizeof(status), "active");
        if (json) {
            printf("{\"id\":");
            out_json_string(stdout, e->id, strlen(e->id));
            printf(",\"zone\":");
            out_json_string(stdout, e->zone, strlen(e->zone));
            printf(",\"kinds\":\"%s\",\"access\":\"%s\"", kinds, access);
            if (e->key_env)
                printf(",\"key_env\":\"%s\"", e->key_env);
            printf(",\"status\":\"%s\"", e->dead ? "dead" : "active");
            if (e->dead) {
                printf(",\"dead_since\":");
                out_json_string(stdout, e->dead_since ? e->dead_since : "",
                                e->dead_since ? strlen(e->dead_since) : 0);
                printf(",\"dead_reason\":");
                out_json_string(stdout, e->dead_reason ? e->dead_reason : "",
                                e->dead_reason ? strlen(e->dead_reason) : 0);
            }
            printf("}\n");
        } else {
            if (i == 0)
                printf("%-28s %-34s %-16s %-13s %s\n", "ID", "ZONE", "KINDS", "ACCESS", "STATUS");
            char acc[64];
            if (e->access == LIST_ACCESS_KEY)
                snprintf(acc, sizeof(acc), "key $%s", e->key_env ? e->key_env : "?");
            else
                snprintf(acc, sizeof(acc), "%s", access);
            printf("%-28s %-34s %-16s %-13s %s%s%s\n", e->id, e->zone, kinds, acc, status,
                   e->dead && e->dead_reason ? ": " : "",
                   e->dead && e->dead_reason ? e->dead_reason : "");
        }
    }
    return CLI_EXIT_OK;
}

static int load_catalog(const struct cli_opts *o, struct list_catalog **cat)
{
    struct list_error err;
    int ret;
    memset(&err, 0, sizeof(err));
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

/* Warn before the scan when it plans more queries than a list allows a day. */
static void warn_daily_limits(const struct list_entry *const *lists, size_t n, uint64_t total,
                              double rate)
{
    for (size_t i = 0; i < n; i++) {
        const struct list_entry *e = lists[i];
        if (e->daily_limit > 0 && total > e->daily_limit)
            fprintf(stderr,
                    PROG ": warning: this scan plans up to %llu queries to %s, over its daily "
                         "limit of %llu: expect to be refused, or use a mirror or key%s\n",
                    (unsigned long long)total, e->zone, (unsigned long long)e->daily_limit,
                    rate == 0 ? "" : "");
    }
}

static int cmd_scan(const struct cli_opts *o, struct list_catalog *cat)
{
    const struct list_entry **sel = NULL;
    char **zones = NULL;
    size_t nsel = 0;
    struct scan_targets *ts = NULL;
    struct scan_resolver *res = NULL;
    struct out_writer *w = NULL;
    struct scan_engine_stats st;
    int code = CLI_EXIT_USAGE;
    int ret;

    memset(&st, 0, sizeof(st));
    unsigned checks = o->checks ? o->checks : SCAN_CHECK_ALL;
    if (!o->spf_domains.n)
        checks &= ~(unsigned)SCAN_CHECK_SPF_AUTH;
    else if (!o->checks)
        checks |= SCAN_CHECK_SPF_AUTH;

    ret = select_lists(o, cat, &sel, &zones, &nsel);
    if (ret != 0)
        goto out;
    if (nsel == 0 && (checks & SCAN_CHECK_DNSBL) && (checks == SCAN_CHECK_DNSBL)) {
        fprintf(stderr, PROG ": no usable list selected (see dnsbl-scan lists)\n");
        goto out;
    }

    struct scan_target_opts topts = {.skip_invalid = o->skip_invalid, .msg = target_msg};
    ret = scan_targets_new((char *const *)o->targets.v, o->targets.n, &topts, &ts);
    if (ret != 0)
        goto out;
    uint64_t total = 0;
    ret = scan_targets_prepare(ts, &total);
    if (ret != 0)
        goto out; /* every problem was reported by target_msg */
    if (checks & SCAN_CHECK_DNSBL)
        warn_daily_limits(sel, nsel, total, o->rate);

    char errbuf[256];
    unsigned channels = o->channels;
    if (!channels)
        channels = o->concurrency > 1024 ? 8 : o->concurrency > 256 ? 4 : 1;
    struct scan_resolver_opts ropts = {.servers = o->resolvers.v,
                                       .nservers = o->resolvers.n,
                                       .timeout_ms = o->timeout_ms,
                                       .tries = o->tries,
                                       .channels = channels};
    ret = scan_resolver_new(&ropts, &res, errbuf, sizeof(errbuf));
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", errbuf[0] ? errbuf : scan_strerror(ret));
        goto out;
    }

    enum out_format fmt = o->cmd == CLI_CMD_CHECK ? OUT_FMT_TEXT : OUT_FMT_SUMMARY;
    if (o->format) {
        if (strcmp(o->format, "json") == 0)
            fmt = OUT_FMT_JSON;
        else if (strcmp(o->format, "csv") == 0)
            fmt = OUT_FMT_CSV;
        else if (strcmp(o->format, "text") == 0)
            fmt = OUT_FMT_TEXT;
        else
            fmt = OUT_FMT_SUMMARY;
    }
    unsigned flags = 0;
    if (o->color == 1 || (o->color < 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")))
        flags |= OUT_COLOR;
    ret = out_writer_new(stdout, fmt, flags, &w);
    if (ret != 0)
        goto out;

    struct run_ctx ctx = {.w = w,
                          .warn_health = fmt == OUT_FMT_JSON || fmt == OUT_FMT_CSV,
                          .progress =
                              o->progress == 1 ||
                              (o->progress < 0 && o->cmd == CLI_CMD_SCAN && isatty(STDERR_FILENO))};
    struct scan_engine_opts eo = {.resolver = res,
                                  .lists = sel,
                                  .zones = (const char *const *)zones,
                                  .nlists = nsel,
                                  .checks = checks,
                                  .spf_domains = o->spf_domains.v,
                                  .nspf_domains = o->spf_domains.n,
                                  .concurrency = o->concurrency,
                                  .rate = o->rate,
                                  .on_result = on_result,
                                  .on_health = on_health,
                                  .on_progress = on_progress,
                                  .arg = &ctx,
                                  .stop = &stop_flag};
    ret = scan_engine_run(&eo, ts, total, &st);
    if (ctx.progress_shown)
        fputs("\r\033[K", stderr);
    if (ret != 0) {
        fprintf(stderr, PROG ": scan failed: %s\n", scan_strerror(ret));
        code = CLI_EXIT_INCOMPLETE;
        goto out;
    }
    struct out_stats os = {.targets = st.targets,
                           .results = st.results,
                           .listed = st.listed,
                           .info = st.info,
                           .errors = st.errors,
                           .seconds = st.seconds,
                           .queries = st.queries};
    if (out_finish(w, &os) != 0 || ctx.write_err) {
        fprintf(stderr, PROG ": writing results failed: %s\n", strerror(errno));
        code = CLI_EXIT_INCOMPLETE;
        goto out;
    }
    if (!st.complete)
        fprintf(stderr, PROG ": interrupted: %llu targets checked, results are incomplete\n",
                (unsigned long long)st.targets);
    if (st.listed > 0)
        code = CLI_EXIT_LISTED;
    else if (st.errors > 0 || st.unhealthy_lists > 0 || !st.complete)
        code = CLI_EXIT_INCOMPLETE;
    else
        code = CLI_EXIT_OK;
out:
    out_writer_free(w);
    scan_resolver_free(res);
    scan_targets_free(ts);
    for (size_t i = 0; zones && i < nsel; i++)
        free(zones[i]);
    free(zones);
    free(sel);
    return code;
}

int main(int argc, char **argv)
{
    struct cli_opts o;
    struct list_catalog *cat = NULL;
    int code;

    int r = cli_opts_parse(argc, argv, &o);
    if (r != 0) {
        cli_opts_free(&o);
        return r == 1 ? CLI_EXIT_OK : CLI_EXIT_USAGE;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    /* Results are many small writes: one 64 KiB buffer instead of line buffering. */
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

    if (load_catalog(&o, &cat) != 0) {
        code = CLI_EXIT_USAGE;
        goto out;
    }
    switch (o.cmd) {
    case CLI_CMD_LISTS:
        code = cmd_lists(&o, cat);
        break;
    case CLI_CMD_HISTORY:
        fprintf(stderr, PROG ": history needs --state (not built yet)\n");
        code = CLI_EXIT_USAGE;
        break;
    default:
        code = cmd_scan(&o, cat);
        break;
    }
out:
    list_catalog_free(cat);
    cli_opts_free(&o);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": writing to standard output failed: %s\n", strerror(errno));
        code = code == CLI_EXIT_USAGE ? code : CLI_EXIT_INCOMPLETE;
    }
    if (fclose(stdout) != 0 && code != CLI_EXIT_USAGE)
        code = CLI_EXIT_INCOMPLETE;
    return code;
}
