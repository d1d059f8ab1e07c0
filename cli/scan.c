/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * `check`, `scan` and `history`: one run from options to exit code.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "output/alert.h"
#include "output/delta.h"
#include "output/state.h"
#include "output/writer.h"
#include "scanner/engine.h"
#include "scanner/err.h"
#include "scanner/resolver.h"
#include "scanner/target.h"

#define PROG "dnsbl-scan"

struct run_ctx {
    struct out_writer *w;
    struct out_state *st;    /* NULL without a store */
    struct out_tally *tally; /* NULL without --nagios / --prom */
    bool warn_health;        /* machine formats: also say it on stderr */
    bool progress;
    bool progress_shown;
    int write_err;
    int state_err;
    struct cli_run_outcome ro; /* what decides the exit code (cli/exit.h) */
};

static void target_msg(void *arg, bool is_error, const char *msg)
{
    (void)arg;
    fprintf(stderr, PROG ": %s%s\n", is_error ? "" : "warning: ", msg);
}

/* A store that cannot record is fatal for the run: stop, and never let the run
 * become "complete" with results missing from it. */
static void state_failed(struct run_ctx *c, int err)
{
    if (!c->state_err) {
        c->state_err = err;
        fprintf(stderr, PROG ": the state store failed: %s (%s); stopping\n", scan_strerror(err),
                out_state_errmsg(c->st));
    }
    cli_stop_flag = 1;
}

static void on_result(void *arg, const struct scan_result *r)
{
    struct run_ctx *c = arg;
    int ret;
    if (!c->write_err && out_emit(c->w, r) != 0)
        c->write_err = SCAN_EIO;
    if (c->st && !c->state_err && (ret = out_state_record(c->st, r)) != 0)
        state_failed(c, ret);
    if (c->tally)
        out_tally_result(c->tally, r);
    cli_run_count(&c->ro, r);
}

static void on_health(void *arg, const struct scan_health *h)
{
    struct run_ctx *c = arg;
    int ret;
    /* One health per (list, kind): say which kind, and never print a NULL detail. */
    if (!h->healthy && c->warn_health && h->detail)
        fprintf(stderr, PROG ": warning: %s%s%s\n", h->kind ? h->kind : "", h->kind ? ": " : "",
                h->detail);
    else if (!h->healthy && c->warn_health)
        fprintf(stderr, PROG ": warning: %s%s%s is unhealthy (%s)\n", h->kind ? h->kind : "",
                h->kind ? ": " : "", h->list ? h->list : "?", h->reason ? h->reason : "unhealthy");
    if (!c->write_err && out_health(c->w, h) != 0)
        c->write_err = SCAN_EIO;
    if (c->st && !c->state_err && (ret = out_state_health(c->st, h)) != 0)
        state_failed(c, ret);
    if (c->tally)
        out_tally_health(c->tally, h);
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

/* Every key variable the catalog names leaves the environment, so nothing this
 * process starts (the --on-change command) inherits a key. */
static void drop_key_variables(const struct list_catalog *cat)
{
    for (size_t j = 0; j < list_catalog_count(cat); j++) {
        const struct list_entry *e = list_catalog_get(cat, j);
        if (e->key_env)
            unsetenv(e->key_env);
    }
}

/*
 * The zone to query for one chosen list, or why not. A keyed list that was asked
 * for by name (--list or a job file's lists:) and has no key is an error: the run
 * would otherwise check fewer lists than asked and look complete. Keyed lists that
 * are only in the default set are skipped without a word, as they always were. A
 * key that cannot be a DNS label is refused either way: it is set, so the user
 * meant to use it. Messages name the list and the variable, never the key.
 * @return 0 (zone in @p zone), 1 (skip this list), or SCAN_ECONFIG (reported).
 */
static int resolve_zone(const struct list_entry *e, bool named, char *zone, size_t len)
{
    int r = list_query_zone(e, zone, len);
    const char *var = e->key_env ? e->key_env : "?";
    if (r == -ENOKEY) {
        if (!named)
            return 1;
        fprintf(stderr,
                PROG ": %s (%s) needs its key in the environment variable %s, which is unset "
                     "or empty\n",
                e->id, e->zone, var);
        return SCAN_ECONFIG;
    }
    if (r == -EINVAL) {
        const char *key = e->key_env ? getenv(e->key_env) : NULL;
        fprintf(stderr, PROG ": %s (%s): the key in %s cannot go into a DNS name: %s\n", e->id,
                e->zone, var,
                key && strlen(key) > 63
                    ? "it is longer than 63 characters"
                    : "it holds a character other than letters, digits and '-'");
        return SCAN_ECONFIG;
    }
    if (r != 0) {
        fprintf(stderr, PROG ": warning: %s: the zone to query is too long; not queried\n",
                e->zone);
        return 1;
    }
    return 0;
}

/* Choose the lists to query. Fills @p sel/@p zones (zones are heap strings that
 * may hold keys: never printed). Afterwards, whatever the outcome, the key
 * variables are gone from the environment (drop_key_variables()). */
static int select_lists(const struct cli_opts *o, const struct list_catalog *cat,
                        const struct list_entry ***sel, char ***zones, size_t *n)
{
    size_t total = list_catalog_count(cat), k = 0;
    bool *picked = NULL;
    int ret = 0;
    *sel = calloc(total ? total : 1, sizeof(**sel));
    *zones = calloc(total ? total : 1, sizeof(**zones));
    picked = calloc(total ? total : 1, sizeof(bool));
    if (!*sel || !*zones || !picked) {
        ret = -ENOMEM;
        goto out;
    }
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
        int r = resolve_zone(e, o->lists.n > 0, zone, sizeof(zone));
        if (r < 0) {
            ret = r;
            goto out;
        }
        if (r > 0)
            continue;
        (*zones)[k] = strdup(zone);
        explicit_bzero(zone, sizeof(zone));
        if (!(*zones)[k]) {
            ret = -ENOMEM;
            goto out;
        }
        (*sel)[k++] = e;
    }
    *n = k;
out:
    if (ret != 0 && *zones)
        for (size_t i = 0; i < k; i++)
            free((*zones)[i]); /* the caller frees only the *n it was told about */
    drop_key_variables(cat);
    free(picked);
    return ret;
}

/* Warn before the scan when it plans more queries than a list allows a day: one
 * query per target of a kind the list holds (TXT lookups for listings come on top). */
static void warn_daily_limits(const struct list_entry *const *lists, size_t n,
                              const uint64_t by_type[3])
{
    for (size_t i = 0; i < n; i++) {
        const struct list_entry *e = lists[i];
        uint64_t planned = 0;
        if (e->kinds & LIST_KIND_IP4)
            planned += by_type[SCAN_T_IP4];
        if (e->kinds & LIST_KIND_IP6)
            planned += by_type[SCAN_T_IP6];
        if (e->kinds & LIST_KIND_DOMAIN)
            planned += by_type[SCAN_T_DOMAIN];
        if (e->daily_limit > 0 && planned > e->daily_limit)
            fprintf(stderr,
                    PROG ": warning: this scan plans %llu queries to %s, over its daily limit "
                         "of %llu: expect to be refused or cut off; use a mirror, a key or "
                         "fewer targets\n",
                    (unsigned long long)planned, e->zone, (unsigned long long)e->daily_limit);
    }
}

/* The store's path: --state, the job file's `state:`, or the default for job files. */
static const char *state_path(const struct cli_opts *o, char *buf, size_t len, bool *is_default)
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

/* Open --delta FILE as FILE.tmp; renamed into place once complete, so a reader
 * never sees half a document. */
static FILE *open_delta(const char *path, char *tmp, size_t len)
{
    int n = snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= len)
        return NULL;
    return fopen(tmp, "we");
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

/*
 * The DNSSEC trust anchors: --trust-anchor, else Debian's root key. When the
 * check was not asked for by name (the default set) and the default file is
 * missing, the check is left out with a warning rather than failing the run:
 * the other checks do not need it. @return 0, or -1 after a message (exit 2).
 */
static int load_anchors(const struct cli_opts *o, unsigned *checks, struct scan_dnssec **out)
{
    char err[600];
    const char *path = o->trust_anchor ? o->trust_anchor : SCAN_DNSSEC_DEFAULT_ANCHOR;
    int ret = scan_dnssec_new(path, out, err, sizeof(err));
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
    fprintf(stderr, PROG ": --trust-anchor: %s\n", err);
    return -1;
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

int cli_cmd_scan(const struct cli_opts *o, const struct list_catalog *cat)
{
    const struct list_entry **sel = NULL;
    char **zones = NULL;
    size_t nsel = 0;
    struct scan_targets *ts = NULL;
    struct scan_resolver *res = NULL;
    struct out_writer *w = NULL;
    struct out_state *st = NULL;
    struct out_tally *tally = NULL;
    struct out_delta *delta = NULL;
    struct scan_dnssec *dnssec = NULL;
    FILE *delta_file = NULL, *sink = NULL;
    char delta_tmp[4096] = "", pathbuf[4096], msg[1024];
    const char **list_ids = NULL;
    struct scan_engine_stats stats;
    int code = CLI_EXIT_USAGE;
    int ret;

    memset(&stats, 0, sizeof(stats));
    unsigned checks = o->checks ? o->checks : SCAN_CHECK_ALL;
    if (!o->spf_domains.n)
        checks &= ~(unsigned)SCAN_CHECK_SPF_AUTH;
    else if (!o->checks)
        checks |= SCAN_CHECK_SPF_AUTH;

    struct out_nagios_opts nopts = {.warning = o->warn, .critical = o->crit};
    if (o->nagios && out_nagios_check_opts(&nopts) != 0) {
        fprintf(stderr,
                PROG ": -c %ld is below -w %ld: the critical threshold must be at "
                     "least the warning one\n",
                o->crit, o->warn);
        goto out;
    }

    if ((checks & SCAN_CHECK_DNSSEC) && load_anchors(o, &checks, &dnssec) != 0)
        goto out;
    ret = select_lists(o, cat, &sel, &zones, &nsel);
    if (ret != 0)
        goto out;
    if (nsel == 0 && checks == SCAN_CHECK_DNSBL) {
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
    if (checks & SCAN_CHECK_DNSBL) {
        uint64_t by_type[3];
        scan_targets_count_by_type(ts, by_type);
        warn_daily_limits(sel, nsel, by_type);
    }

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

    /* The store comes last among the checks of the set-up: nothing above may
     * leave a "running" run behind. */
    bool is_default;
    const char *spath = state_path(o, pathbuf, sizeof(pathbuf), &is_default);
    if (spath) {
        struct out_state_opts so = {
            .path = spath, .wait_ms = o->wait ? -1 : 0, .create_parent = is_default};
        ret = out_state_open(&so, &st, msg, sizeof(msg));
        if (ret != 0) {
            fprintf(stderr, PROG ": %s\n", msg);
            code = ret == SCAN_ELOCKED ? CLI_EXIT_INCOMPLETE : CLI_EXIT_USAGE;
            goto out;
        }
        const char *cnames[32]; /* one per enum scan_check bit */
        list_ids = calloc(nsel ? nsel : 1, sizeof(*list_ids));
        if (!list_ids) {
            code = CLI_EXIT_INCOMPLETE;
            goto out;
        }
        for (size_t i = 0; i < nsel; i++)
            list_ids[i] = sel[i]->id;
        struct out_run_desc desc = {.targets = o->targets.v,
                                    .ntargets = o->targets.n,
                                    .lists = list_ids,
                                    .nlists = nsel,
                                    .checks = cnames,
                                    .nchecks = check_names(checks, cnames),
                                    .anomaly_share = o->anomaly_share > 0 ? o->anomaly_share : 0,
                                    .anomaly_min =
                                        o->anomaly_min > 0 ? (unsigned)o->anomaly_min : 0};
        ret = out_state_run_begin(st, &desc, NULL);
        if (ret != 0) {
            fprintf(stderr, PROG ": %s: cannot start a run: %s (%s)\n", spath, scan_strerror(ret),
                    out_state_errmsg(st));
            code = CLI_EXIT_INCOMPLETE;
            goto out;
        }
    }
    if ((o->nagios || o->prom_path) && out_tally_new(&tally) != 0) {
        code = CLI_EXIT_INCOMPLETE;
        goto out;
    }

    /* With --nagios, stdout carries exactly one status line: results go nowhere. */
    enum out_format fmt = pick_format(o);
    if (fmt == OUT_FMT_TEXT && total > 10000 && !o->nagios)
        fprintf(stderr,
                PROG ": warning: --format text groups results by target and holds "
                     "them until the end; for %llu targets use summary, json or csv\n",
                (unsigned long long)total);
    FILE *out_file = stdout;
    if (o->nagios) {
        sink = fopen("/dev/null", "we");
        if (!sink) {
            fprintf(stderr, PROG ": /dev/null: %s\n", strerror(errno));
            code = CLI_EXIT_INCOMPLETE;
            goto out;
        }
        out_file = sink;
    }
    unsigned flags = 0;
    if (o->color == 1 || (o->color < 0 && isatty(STDOUT_FILENO) && !getenv("NO_COLOR")))
        flags |= OUT_COLOR;
    ret = out_writer_new(out_file, fmt, flags, &w);
    if (ret != 0)
        goto out;

    struct run_ctx ctx = {.w = w,
                          .st = st,
                          .tally = tally,
                          .warn_health = fmt == OUT_FMT_JSON || fmt == OUT_FMT_CSV,
                          .progress =
                              o->progress == 1 ||
                              (o->progress < 0 && o->cmd == CLI_CMD_SCAN && isatty(STDERR_FILENO))};
    struct scan_engine_opts eo = {
        .resolver = res,
        .lists = sel,
        .zones = (const char *const *)zones,
        .nlists = nsel,
        .checks = checks,
        .spf_domains = o->spf_domains.v,
        .nspf_domains = o->spf_domains.n,
        .dnssec = dnssec,
        .expand = {.what = o->expand, .cap4 = o->expand_cap4, .cap6 = o->expand_cap6},
        .concurrency = o->concurrency,
        .timeout_ms = o->timeout_ms,
        .rate = o->rate,
        .on_result = on_result,
        .on_health = on_health,
        .on_progress = on_progress,
        .arg = &ctx,
        .stop = &cli_stop_flag};
    ret = scan_engine_run(&eo, ts, total, &stats);
    if (ctx.progress_shown)
        fputs("\r\033[K", stderr);
    if (ret != 0) {
        fprintf(stderr, PROG ": scan failed: %s\n", scan_strerror(ret));
        stats.complete = false;
    }
    bool complete = stats.complete && !ctx.state_err && ret == 0;

    /* The delta: computed and committed by the store, then written out. */
    if (st) {
        if (o->delta_path) {
            delta_file = open_delta(o->delta_path, delta_tmp, sizeof(delta_tmp));
            if (!delta_file)
                fprintf(stderr, PROG ": %s: cannot write the delta: %s\n", o->delta_path,
                        strerror(errno));
        } else if (o->on_change) {
            delta_file = tmpfile_cloexec();
        }
        bool human =
            (fmt == OUT_FMT_SUMMARY || fmt == OUT_FMT_TEXT) && !o->delta_path && !o->nagios;
        struct out_delta_opts dopts = {.json = delta_file, .text = human ? stdout : NULL};
        if (out_delta_new(&dopts, &delta) != 0) {
            code = CLI_EXIT_INCOMPLETE;
            goto out;
        }
        struct out_run_end end = {.complete = complete};
        ret = out_state_run_end(st, &end, delta);
        if (ret != 0) {
            fprintf(stderr, PROG ": %s: cannot record the run: %s (%s)\n", spath,
                    scan_strerror(ret), out_state_errmsg(st));
            complete = false;
        }
        if (o->delta_path && delta_file) {
            if (fflush(delta_file) != 0 || ferror(delta_file) || fsync(fileno(delta_file)) != 0 ||
                rename(delta_tmp, o->delta_path) != 0) {
                fprintf(stderr, PROG ": %s: cannot write the delta: %s\n", o->delta_path,
                        strerror(errno));
                unlink(delta_tmp);
                complete = false;
            }
            delta_tmp[0] = '\0';
        }
    }

    struct out_stats os = {.targets = stats.targets,
                           .results = stats.results,
                           .listed = stats.listed,
                           .info = stats.info,
                           .errors = stats.errors,
                           .seconds = stats.seconds,
                           .queries = stats.queries};
    ctx.ro.complete = complete;
    ctx.ro.store = st != NULL;
    ctx.ro.delta_problems = out_delta_has_problems(delta);
    if (out_finish(w, &os) != 0 || ctx.write_err) {
        fprintf(stderr, PROG ": writing results failed: %s\n", strerror(errno));
        ctx.ro.output_failed = true;
        code = cli_exit_code(&ctx.ro);
        goto out;
    }
    if (!stats.complete)
        fprintf(stderr, PROG ": interrupted: %llu targets checked, results are incomplete\n",
                (unsigned long long)stats.targets);

    /* Alerts. */
    struct out_alert_run arun = {.tally = tally,
                                 .targets = stats.targets,
                                 .seconds = stats.seconds,
                                 .complete = complete,
                                 .delta = delta};
    if (st) {
        struct out_run_info ri;
        if (out_state_last_complete(st, &ri) == 0)
            arun.last_success_ms = ri.ended_ms;
    }
    bool alert_failed = false;
    if (o->prom_path && tally) {
        ret = out_prom_write(o->prom_path, &arun);
        if (ret != 0) {
            fprintf(stderr, PROG ": %s: cannot write the Prometheus file: %s\n", o->prom_path,
                    scan_strerror(ret));
            alert_failed = true;
        }
    }
    if (o->on_change && delta && delta_file && out_delta_total(delta) > 0) {
        int status = 0;
        fflush(delta_file);
        struct out_on_change_opts co = {
            .cmd = o->on_change,
            .timeout_ms = o->on_change_timeout_ms > 0 ? o->on_change_timeout_ms : 0};
        FILE *in = o->delta_path ? fopen(o->delta_path, "re") : delta_file;
        if (in) {
            rewind(in);
            ret = out_on_change_run(&co, fileno(in), &status, msg, sizeof(msg));
            if (ret != 0 || status != 0) {
                fprintf(stderr, PROG ": --on-change: %s\n", msg);
                alert_failed = true;
            }
            if (in != delta_file)
                fclose(in);
        }
    }
    if (o->nagios) {
        ctx.ro.nagios = true;
        if (out_nagios_write(stdout, &arun, &nopts, &ctx.ro.nagios_status) != 0)
            ctx.ro.nagios_status = OUT_NAGIOS_UNKNOWN;
    }
    ctx.ro.alert_failed = alert_failed;
    code = cli_exit_code(&ctx.ro);
out:
    out_writer_free(w);
    if (sink)
        fclose(sink);
    if (delta_file)
        fclose(delta_file);
    if (delta_tmp[0])
        unlink(delta_tmp);
    out_delta_free(delta);
    out_tally_free(tally);
    scan_dnssec_free(dnssec);
    out_state_free(st); /* an open run is rolled back and marked aborted */
    free(list_ids);
    scan_resolver_free(res);
    scan_targets_free(ts);
    for (size_t i = 0; zones && i < nsel; i++)
        free(zones[i]);
    free(zones);
    free(sel);
    return code;
}

int cli_cmd_history(const struct cli_opts *o)
{
    char pathbuf[4096], msg[1024];
    bool is_default;
    struct out_state *st = NULL;
    const char *path = state_path(o, pathbuf, sizeof(pathbuf), &is_default);
    if (!path) {
        fprintf(stderr, PROG ": history: no state store (give --state PATH)\n");
        return CLI_EXIT_USAGE;
    }
    struct out_state_opts so = {.path = path, .readonly = true};
    int ret = out_state_open(&so, &st, msg, sizeof(msg));
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", msg);
        return CLI_EXIT_USAGE;
    }
    bool json = o->format && strcmp(o->format, "json") == 0;
    ret = out_state_history(st, o->targets.n ? o->targets.v[0] : NULL, stdout, json);
    out_state_free(st);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s: %s\n", path, scan_strerror(ret));
        return CLI_EXIT_INCOMPLETE;
    }
    return CLI_EXIT_OK;
}
