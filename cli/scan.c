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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/rbl.h"
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
    int rep_err;
    struct cli_run_outcome ro; /* what decides the exit code (cli/exit.h) */
    /* job-file pools with their own lists: list_groups() rows, by target spec */
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
    if (c->rep && !c->rep_err)
        c->rep_err = out_report_result(c->rep, r);
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

/* Mark the lists @p names names in @p picked (catalog order). */
static int pick_named(const struct list_catalog *cat, const struct cli_strv *names, bool *picked)
{
    for (size_t i = 0; i < names->n; i++) {
        const struct list_entry *e = list_catalog_find(cat, names->v[i]);
        if (!e) {
            fprintf(stderr,
                    PROG ": --list '%s': no such list id or zone in the catalog "
                         "(see dnsbl-scan lists)\n",
                    names->v[i]);
            return SCAN_ENOTFOUND;
        }
        for (size_t j = 0; j < list_catalog_count(cat); j++)
            if (list_catalog_get(cat, j) == e)
                picked[j] = true;
    }
    return 0;
}

/* Whether some target spec uses the run's own lists (group 0) rather than its pool's. */
static bool run_lists_used(const struct cli_opts *o)
{
    if (!o->target_group)
        return true;
    for (size_t i = 0; i < o->targets.n; i++)
        if (o->target_group[i] == 0)
            return true;
    return false;
}

/*
 * Choose the lists to query: the run's (--list, a job file's `lists:`, or the
 * default set) for targets that use them, plus the lists each job-file pool names
 * for itself. Fills @p sel/@p zones (zones are heap strings that may hold keys:
 * never printed). Afterwards, whatever the outcome, the key variables are gone
 * from the environment (drop_key_variables()).
 */
static int select_lists(const struct cli_opts *o, const struct list_catalog *cat,
                        const struct list_entry ***sel, char ***zones, size_t *n)
{
    size_t total = list_catalog_count(cat), k = 0;
    bool *picked = NULL, *named = NULL;
    int ret = 0;
    *sel = calloc(total ? total : 1, sizeof(**sel));
    *zones = calloc(total ? total : 1, sizeof(**zones));
    picked = calloc(total ? total : 1, sizeof(bool));
    named = calloc(total ? total : 1, sizeof(bool));
    if (!*sel || !*zones || !picked || !named) {
        ret = -ENOMEM;
        goto out;
    }
    bool run_lists = run_lists_used(o);
    if (run_lists && o->lists.n > 0)
        ret = pick_named(cat, &o->lists, named);
    for (size_t g = 0; ret == 0 && g < o->npool_lists; g++)
        ret = pick_named(cat, &o->pool_lists[g], named);
    if (ret != 0)
        goto out;
    for (size_t j = 0; j < total; j++)
        picked[j] = named[j] || (run_lists && o->lists.n == 0 && !list_catalog_get(cat, j)->dead);
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
        int r = resolve_zone(e, named[j], zone, sizeof(zone));
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
    free(named);
    return ret;
}

/*
 * Which selected lists each list group asks: group 0 the run's lists (every
 * selected list when none were named: the default set), group g the lists pool
 * g - 1 named. One row of @p nsel flags per group; NULL when there are no pool
 * groups (then every list is asked of every target).
 */
static int list_groups(const struct cli_opts *o, const struct list_catalog *cat,
                       const struct list_entry *const *sel, size_t nsel, bool **out)
{
    size_t ng = o->npool_lists + 1;
    const struct cli_strv *names;
    bool *w;

    *out = NULL;
    if (o->npool_lists == 0)
        return 0;
    w = calloc(ng * (nsel ? nsel : 1), sizeof(*w));
    if (!w)
        return -ENOMEM;
    for (size_t g = 0; g < ng; g++) {
        names = g == 0 ? &o->lists : &o->pool_lists[g - 1];
        for (size_t i = 0; i < nsel; i++) {
            bool in = g == 0 && names->n == 0;
            for (size_t k = 0; !in && k < names->n; k++)
                in = list_catalog_find(cat, names->v[k]) == sel[i];
            w[g * nsel + i] = in;
        }
    }
    *out = w;
    return 0;
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

/* --- delivery ---------------------------------------------------------------- */

/*
 * What a run hands to its outputs and how that went. With a store, the
 * document holds the events earlier runs could not deliver, then the run's own;
 * they stay pending in the store until every output took them (README
 * "Delivery"). Without a store there are no events, but a --prom file that
 * cannot be written is still a failed delivery.
 */
struct delivery {
    const struct cli_opts *o;
    struct out_state *st; /* NULL without a store */
    int64_t run_id;
    struct out_delta *delta; /* the document (NULL without a store) */
    FILE *doc;               /* its JSON: file.f (--delta), or an anonymous file */
    struct out_file file;    /* --delta, written atomically; file.f NULL without it */
    char why[1200];          /* the first failure, one line */
};

static void failed(struct delivery *dl, const char *why)
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
static int prepare_outputs(const struct cli_opts *o)
{
    const char *paths[2] = {o->delta_path, o->prom_path};
    char msg[1024];

    for (int i = 0; i < 2; i++) {
        if (paths[i] && out_path_prepare(paths[i], OUT_PATH_DIR_MODE, msg, sizeof(msg)) != 0) {
            fprintf(stderr, PROG ": %s %s\n", i == 0 ? "--delta" : "--prom", msg);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}

/* Commit the run, then write what it must deliver (the human event lines go to
 * stdout with the summary and text formats, when there is no --delta file).
 * @return 0, or nonzero when the run could not be recorded. */
static int record_run(struct delivery *dl, bool complete, enum out_format fmt)
{
    const struct cli_opts *o = dl->o;
    struct out_run_end end = {.complete = complete};
    char msg[1024];
    int ret;

    if (o->delta_path) {
        ret = out_file_begin(&dl->file, o->delta_path);
        if (ret != 0) {
            snprintf(msg, sizeof(msg), "--delta %s: %s", o->delta_path, strerror(-ret));
            failed(dl, msg);
        }
        dl->doc = dl->file.f;
    } else if (o->on_change && !(dl->doc = tmpfile_cloexec())) {
        snprintf(msg, sizeof(msg), "--on-change: a temporary file: %s", strerror(errno));
        failed(dl, msg);
    }
    bool human = (fmt == OUT_FMT_SUMMARY || fmt == OUT_FMT_TEXT) && !o->delta_path && !o->nagios;
    struct out_delta_opts dopts = {.json = dl->doc, .text = human ? stdout : NULL};
    ret = out_delta_new(&dopts, &dl->delta);
    if (ret == 0)
        ret = out_state_run_end(dl->st, &end, NULL);
    if (ret != 0) {
        fprintf(stderr, PROG ": cannot record the run: %s (%s)\n", scan_strerror(ret),
                out_state_errmsg(dl->st));
        dl->run_id = 0; /* nothing to mark: the next run delivers what is pending */
        return ret;
    }
    errno = 0;
    ret = out_state_delivery(dl->st, dl->run_id, dl->delta);
    if (ret != 0) {
        int e = errno ? errno : EIO;
        if (human && ferror(stdout))
            snprintf(msg, sizeof(msg), "standard output: %s", strerror(e));
        else if (dl->doc && ferror(dl->doc))
            snprintf(msg, sizeof(msg), "the delta document: %s", strerror(e));
        else
            snprintf(msg, sizeof(msg), "the delta document: %s (%s)", scan_strerror(ret),
                     out_state_errmsg(dl->st));
        failed(dl, msg);
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
        failed(dl, msg); /* the temporary file goes at the end */
    }
}

static void run_on_change(struct delivery *dl)
{
    const struct cli_opts *o = dl->o;
    char msg[1024], why[1100];
    int status = 0;

    if (!dl->doc || fflush(dl->doc) != 0) {
        failed(dl, "--on-change: the delta document could not be written");
        return;
    }
    struct out_on_change_opts co = {.cmd = o->on_change,
                                    .timeout_ms =
                                        o->on_change_timeout_ms > 0 ? o->on_change_timeout_ms : 0};
    int ret = out_on_change_run(&co, fileno(dl->doc), &status, msg, sizeof(msg));
    if (ret != 0 || status != 0) {
        snprintf(why, sizeof(why), "--on-change: %s", msg);
        failed(dl, why);
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
static void deliver(struct delivery *dl, const struct out_alert_run *arun,
                    const struct out_tally *tally, struct cli_run_outcome *ro)
{
    const struct cli_opts *o = dl->o;
    char msg[1024];
    int ret;

    ret = cli_stdout_close();
    if (ret != 0) {
        ro->output_failed = true;
        snprintf(msg, sizeof(msg), "standard output: %s", strerror(ret));
        failed(dl, msg);
    }
    if (!dl->why[0])
        rename_delta(dl);
    if (o->prom_path && tally) {
        ret = out_prom_write(o->prom_path, arun);
        if (ret != 0) {
            snprintf(msg, sizeof(msg), "--prom %s: %s", o->prom_path, scan_strerror(ret));
            failed(dl, msg);
        }
    }
    if (o->on_change && dl->st && !dl->why[0] && out_delta_total(dl->delta) > 0)
        run_on_change(dl);
    if (!dl->why[0] && dl->st && dl->run_id) {
        fault_point("kill-before-delivered");
        ret = out_state_delivered(dl->st, dl->run_id);
        if (ret != 0) {
            snprintf(msg, sizeof(msg),
                     "the store could not record the delivery: %s (%s); the next run delivers "
                     "these events again",
                     scan_strerror(ret), out_state_errmsg(dl->st));
            failed(dl, msg);
        }
    } else if (dl->why[0] && dl->st && dl->run_id) {
        out_state_delivery_failed(dl->st, dl->run_id, dl->why);
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
    bool *groups; /* job-file pools with their own lists (list_groups()) */
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
    char msg[1024];

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
    int ret = select_lists(o, r->cat, &r->sel, &r->zones, &r->nsel);
    if (ret == 0)
        ret = list_groups(o, r->cat, r->sel, r->nsel, &r->groups);
    if (ret != 0)
        return CLI_EXIT_USAGE;
    if (r->checks & SCAN_CHECK_DKIM) {
        /* The built-in selector data (lists/dkim-selectors.yaml) plus --dkim-selector. */
        ret = list_selectors_load_default(&r->dkim_data, msg, sizeof(msg));
        if (ret != 0) {
            fprintf(stderr, PROG ": the built-in DKIM selector data: %s\n",
                    ret == -ENOMEM ? scan_strerror(ret) : msg);
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
        warn_daily_limits(r->sel, r->nsel, by_type);
    }
    return 0;
}

static int run_resolver(struct run *r)
{
    const struct cli_opts *o = r->o;
    char errbuf[256];
    unsigned channels = o->channels;
    if (!channels)
        channels = o->concurrency > 1024 ? 8 : o->concurrency > 256 ? 4 : 1;
    struct scan_resolver_opts ropts = {.servers = o->resolvers.v,
                                       .nservers = o->resolvers.n,
                                       .timeout_ms = o->timeout_ms,
                                       .tries = o->tries,
                                       .channels = channels};
    int ret = scan_resolver_new(&ropts, &r->res, errbuf, sizeof(errbuf));
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", errbuf[0] ? errbuf : scan_strerror(ret));
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
    char pathbuf[4096], msg[1024];
    bool is_default;
    const char *spath = state_path(o, pathbuf, sizeof(pathbuf), &is_default);
    if (!spath && (o->delta_path || o->on_change)) {
        fprintf(stderr, PROG ": %s needs a state store: give --state PATH (or use a job file)\n",
                o->delta_path ? "--delta" : "--on-change");
        return CLI_EXIT_USAGE;
    }
    if (prepare_outputs(o) != 0)
        return CLI_EXIT_USAGE;
    if (!spath)
        return 0;
    struct out_state_opts so = {.path = spath, .wait_ms = o->wait ? -1 : 0, .create_parent = true};
    int ret = out_state_open(&so, &r->st, msg, sizeof(msg));
    if (ret != 0) {
        fprintf(stderr, PROG ": %s\n", msg);
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
    ret = out_state_run_begin(r->st, &desc, &r->dl.run_id);
    if (ret != 0) {
        fprintf(stderr, PROG ": %s: cannot start a run: %s (%s)\n", spath, scan_strerror(ret),
                out_state_errmsg(r->st));
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
                                  .stop = &cli_stop_flag};
    int ret = scan_engine_run(&eo, r->ts, r->total, &r->stats);
    if (r->ctx.progress_shown)
        fputs("\r\033[K", stderr);
    if (ret != 0) {
        fprintf(stderr, PROG ": scan failed: %s\n", scan_strerror(ret));
        r->stats.complete = false;
    }
    r->complete = r->stats.complete && !r->ctx.state_err && ret == 0;
    /* The store commits the run; then its outputs take what it must deliver. */
    if (r->st && record_run(&r->dl, r->complete, r->fmt) != 0)
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
        failed(&r->dl, "standard output: writing results failed");
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
    if (r->st && out_state_last_complete(r->st, &ri) == 0)
        arun.last_success_ms = ri.ended_ms;
    if (r->html.rep) {
        /* after the store recorded the run: the report's timeline and events include it */
        const char *cnames[32];
        size_t nc = check_names(r->checks, cnames);
        if (cli_report_write_run(&r->html, o, r->st, cnames, nc, ctx->rep_err, s->seconds,
                                 r->complete) != 0)
            failed(&r->dl, "--html: the report could not be written");
    }
    if (o->nagios) {
        ctx->ro.nagios = true;
        r->nagios_written = true;
        if (out_nagios_write(stdout, &arun, &r->nopts, &ctx->ro.nagios_status) != 0)
            ctx->ro.nagios_status = OUT_NAGIOS_UNKNOWN;
    }
    deliver(&r->dl, &arun, r->tally, &ctx->ro);
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
