/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scan engine (see engine.h): it schedules, it does not judge. What an
 * answer means is decided by scanner/catalog/verdict.c; the engine asks the questions,
 * keeps the window, the rates and the health barrier, and hands answers over.
 *
 * Flow control. Targets are pulled one at a time from the stream; each
 * target expands into a short plan of items (one per applicable list, then
 * one per applicable record check). A job is created for the next item only
 * while fewer than `concurrency` queries are in flight and fewer than twice
 * that many jobs are alive, so memory is bounded by the window, never by the
 * pool. A list with a rate limit stalls the plan until its token bucket has a
 * token: every target visits every list, so a faster list could not run
 * ahead without buffering targets.
 *
 * Asking again. c-ares 1.18 retries on a fixed timer (the --timeout, doubled
 * each round), which is slow on a lossy path and useless when the first
 * packet was lost early. So each DNSBL and health question ("ask") is sent
 * again by the engine when no answer came within an adaptive timeout,
 * srtt + 4 * rttvar from the answers measured so far (RFC 6298, Karn's rule:
 * only first sends are timed), at least ASK_RTO_MIN_MS and at most the
 * first-try timeout, doubling for each further send, up to ASK_MAX_SENDS
 * (PROBE_MAX_SENDS for test points)
 * sends. The first real answer decides; the later ones are dropped. Only
 * when every send timed out is the answer a timeout.
 *
 * Health, per (list, kind). A list's answers of one kind (ip4, ip6, domain)
 * are trusted only after that kind's test points behave (catalog points, or
 * RFC 5782's where the catalog gives none). Only the kinds the run will query
 * are probed. A probe without a usable answer (timeout, SERVFAIL, garbage) is
 * asked again with backoff until the health deadline (4 x the first-try
 * timeout, at least 2 s: 8 s by default) has passed since the check began; a kind whose probes
 * never answered is not established, and its results are `error/unhealthy` with a detail that says
 * so: health never fails open, and one lost packet never costs a list.
 *
 * Callbacks from the resolver only store the answer and put the job on the
 * ready queue; jobs are advanced, emitted and freed by the loop, never inside
 * a c-ares callback (STYLE rule 11). A job lives until every send it made has
 * completed, even after its result is out.
 *
 * Files: this one is the driver (the plan of each target, the main loop,
 * --expand, the run's set-up and end). A job's questions, asking again, rate
 * tokens and handing results out are in job.c; DNSBL jobs and their results in
 * dnsbl.c; record-check jobs in check.c; the run-wide answer cache of record
 * checks in cache.c; list health (probes, deadline, health lines) in health.c.
 * engine_int.h holds the run state and jobs they share, and says who calls whom.
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/core/err.h"
#include "scanner/dns/fetch.h"
#include "scanner/dns/view.h"

#define PROGRESS_MS   200
#define FETCH_POLL_MS 5 /* the longest wait while an HTTPS fetch is in flight */

/* Record-check slots after the lists in a target's plan: each check, for IP or
 * domain targets, in the order its result comes out; then one spf-auth slot per
 * --spf-domain (from SLOT_SPF_AUTH0 on). */
static const struct {
    unsigned check;
    bool ip;
} slots[] = {
    {SCAN_CHECK_FCRDNS, true},   {SCAN_CHECK_SPF, false},   {SCAN_CHECK_DMARC, false},
    {SCAN_CHECK_MX, false},      {SCAN_CHECK_DKIM, false},  {SCAN_CHECK_MTA_STS, false},
    {SCAN_CHECK_TLS_RPT, false}, {SCAN_CHECK_BIMI, false},  {SCAN_CHECK_NS, false},
    {SCAN_CHECK_DNSSEC, false},  {SCAN_CHECK_ORIGIN, true},
};
#define SLOT_SPF_AUTH0 (sizeof(slots) / sizeof(slots[0]))

static double elapsed_s(const struct eng *g, const struct timespec *since)
{
    struct timespec now;
    clock_now(g, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

/* @return true when the job is finished. */
static bool advance(struct eng *g, struct job *j)
{
    switch (j->kind) {
    case JOB_HEALTH:
        return eng_health_step(g, j);
    case JOB_CHECK:
        return eng_check_step(g, j);
    case JOB_DNSBL:
        break;
    }
    return eng_dnsbl_step(g, j);
}

void eng_drain_ready(struct eng *g)
{
    for (;;) {
        if (!g->ready_head)
            eng_wake_deferred(g);
        if (!g->ready_head)
            break;
        struct job *j = g->ready_head;
        g->ready_head = j->next_ready;
        if (!g->ready_head)
            g->ready_tail = NULL;
        j->queued = false;
        if (!j->finished && g->aborting) {
            eng_job_finish(g, j); /* no result after a fatal error */
        } else if (!j->finished) {
            if (j->kind != JOB_CHECK && j->undecided > 0)
                continue; /* woken by a late send; still waiting */
            if (!advance(g, j))
                continue;
            eng_job_finish(g, j);
        }
        if (eng_job_outstanding(j) == 0 && j->pending == 0 && !j->queued && !j->deferred)
            eng_job_free(j);
    }
}

/* ---- the generator --------------------------------------------------------- */

/* The check of a plan slot for this target, or 0 when it does not apply. */
static unsigned slot_check(const struct eng *g, size_t slot, const struct scan_target *t)
{
    bool ip = t->type != SCAN_T_DOMAIN;
    unsigned c = g->o->checks;
    if (slot >= SLOT_SPF_AUTH0)
        return ip && (c & SCAN_CHECK_SPF_AUTH) ? SCAN_CHECK_SPF_AUTH : 0;
    if (slots[slot].check == SCAN_CHECK_DNSSEC && !g->o->dnssec)
        return 0; /* no trust anchor: left out with a warning (cli/scan.c) */
    return ip == slots[slot].ip && (c & slots[slot].check) ? slots[slot].check : 0;
}

/*
 * The next target: the ones given directly, in input order, then the addresses
 * --expand found that were not among them. A direct IP target that an
 * expansion found too carries its vias, and is not checked again.
 * @return 0 (g->cur, g->cur_via set), 1 at the end, or a target read error.
 */
static int next_target(struct eng *g)
{
    g->cur_via = NULL;
    g->cur_nvia = 0;
    if (!g->direct_done) {
        int ret = scan_targets_next(g->ts, &g->cur);
        if (ret < 0)
            return ret;
        if (ret == 0) {
            long i = scan_expand_set_find(g->xset, &g->cur);
            if (i >= 0) {
                scan_expand_set_take(g->xset, (size_t)i);
                if (scan_expand_set_get(g->xset, (size_t)i, &g->cur, &g->cur_via, &g->cur_nvia) !=
                    0)
                    return -ENOMEM;
            }
            return 0;
        }
        g->direct_done = true;
    }
    while (g->xset && g->xnext < scan_expand_set_count(g->xset, NULL)) {
        size_t i = g->xnext++;
        if (scan_expand_set_take(g->xset, i))
            continue;
        return scan_expand_set_get(g->xset, i, &g->cur, &g->cur_via, &g->cur_nvia) ? -ENOMEM : 0;
    }
    return 1;
}

/*
 * The current target, pulling the next one when the last one's plan is done.
 * @return false at the end of the targets or on a read error (g->fatal set).
 */
static bool have_target(struct eng *g)
{
    if (g->have_cur)
        return true;
    if (g->targets_done)
        return false;
    int ret = next_target(g);
    if (ret != 0) {
        g->targets_done = true;
        if (ret < 0)
            g->fatal = ret;
        return false;
    }
    g->have_cur = true;
    g->cur_item = 0;
    return true;
}

/*
 * Start the record-check job of the current plan item, when its check applies;
 * its first run happens in eng_drain_ready(). @return as eng_start_list_job().
 */
static bool start_check_job(struct eng *g, int *wait)
{
    const struct scan_engine_opts *o = g->o;
    size_t item = g->cur_item;
    size_t slot = item - o->nlists;
    unsigned check = slot_check(g, slot, &g->cur);
    g->cur_item++;
    if (!check)
        return false;
    struct job *j = eng_job_for_target(g, JOB_CHECK, item);
    *wait = -1;
    if (!j)
        return true;
    j->check = check;
    if (check == SCAN_CHECK_SPF_AUTH)
        j->domain = o->spf_domains[slot - SLOT_SPF_AUTH0];
    j->view = scan_view_new();
    if (!j->view) {
        g->fatal = -ENOMEM;
        eng_job_free(j);
        return true;
    }
    eng_ready_push(g, j);
    return false;
}

/* Start jobs until the window is full. @return ms to wait for a rate token, or -1. */
static int fill_window(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    /* Jobs whose result is out may wait for sends still in c-ares: room for them. */
    size_t max_jobs = o->concurrency * 8 + 16;
    int wait = -1;

    while (!g->fatal && !stopping(g)) {
        if (g->asking >= o->concurrency || g->jobs >= max_jobs)
            return -1;
        if (!have_target(g))
            return -1;
        if (g->cur_item >= g->nitems) {
            g->have_cur = false;
            g->st->targets++;
            continue;
        }
        bool stop =
            g->cur_item < o->nlists ? eng_start_list_job(g, &wait) : start_check_job(g, &wait);
        if (stop)
            return wait;
    }
    return -1;
}

/* ---- --expand ------------------------------------------------------------------ */

/*
 * Before the scan, every domain target is expanded, one job each, in the same
 * loop and window as everything else: every address and all of its vias are
 * known before any address is checked (an address is checked once, carrying
 * every way it was found), and the health barrier probes the kinds of target
 * the expansion adds.
 */
static int run_expansion(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    const char **names = NULL;
    size_t n = 0, next = 0;
    uint64_t by_type[3];
    int ret = scan_expand_set_new(&g->xset);

    if (ret == 0)
        ret = scan_targets_domains(g->ts, &names, &n);
    if (ret == 0 && !(g->xparts = calloc(n ? n : 1, sizeof(*g->xparts))))
        ret = -ENOMEM;
    while (ret == 0 && !g->fatal && !stopping(g)) {
        while (next < n && scan_resolver_inflight(o->resolver) < o->concurrency &&
               g->jobs < o->concurrency * 8 + 16) {
            struct job *j = eng_job_new(g, JOB_CHECK, next);
            if (!j)
                break;
            j->check = SCAN_CHECK_EXPAND;
            j->t.type = SCAN_T_DOMAIN;
            snprintf(j->t.text, sizeof(j->t.text), "%s", names[next++]);
            if (!(j->view = scan_view_new())) {
                g->fatal = -ENOMEM;
                eng_job_free(j);
                break;
            }
            eng_ready_push(g, j); /* first run happens in eng_drain_ready() */
        }
        eng_drain_ready(g);
        if (next == n && g->jobs == 0)
            break;
        int wait = eng_timer_wait(g);
        ret = scan_resolver_poll(o->resolver, wait >= 0 && wait < 100 ? wait : 100);
        eng_fire_timers(g);
    }
    for (size_t i = 0; ret == 0 && !g->fatal && g->xparts && i < n; i++)
        if (scan_expand_set_add(g->xset, g->xparts[i]) != 0)
            g->fatal = -ENOMEM;
    for (size_t i = 0; g->xparts && i < n; i++)
        scan_expansion_free(g->xparts[i]);
    free(g->xparts);
    g->xparts = NULL;
    free(names);
    if (ret < 0 || g->fatal)
        return ret < 0 ? ret : g->fatal;
    g->total += scan_expand_set_count(g->xset, by_type);
    g->kinds_present[SCAN_T_IP4] += by_type[SCAN_T_IP4];
    g->kinds_present[SCAN_T_IP6] += by_type[SCAN_T_IP6];
    return 0;
}

/* ---- the run ---------------------------------------------------------------- */

static void progress(struct eng *g, bool force)
{
    if (!g->o->on_progress)
        return;
    struct timespec now;
    clock_now(g, &now);
    int64_t ms = (int64_t)(now.tv_sec - g->last_progress.tv_sec) * 1000 +
                 (now.tv_nsec - g->last_progress.tv_nsec) / 1000000;
    if (!force && ms < PROGRESS_MS)
        return;
    g->last_progress = now;
    struct scan_progress p = {.targets_done = g->st->targets,
                              .targets_total = g->total,
                              .results = g->st->results,
                              .errors = g->st->errors,
                              .queries = scan_resolver_sent(g->o->resolver),
                              .seconds = elapsed_s(g, &g->start)};
    g->o->on_progress(g->o->arg, &p);
}

/* Set up the run's state: the clock, the lists with their rates, the cache. */
static int eng_init(struct eng *g, const struct scan_engine_opts *o, struct scan_targets *ts,
                    uint64_t total, struct scan_engine_stats *st)
{
    memset(g, 0, sizeof(*g));
    memset(st, 0, sizeof(*st));
    g->o = o;
    g->ts = ts;
    g->st = st;
    g->total = total;
    g->srtt = -1;
    g->nitems = o->nlists + SLOT_SPF_AUTH0 + o->nspf_domains;
    clock_now(g, &g->start);
    g->last_progress = g->start;
    g->sent0 = scan_resolver_sent(o->resolver);
    scan_targets_count_by_type(ts, g->kinds_present);

    g->lists = calloc(o->nlists ? o->nlists : 1, sizeof(*g->lists));
    eng_cache_init(g);
    if (!g->lists)
        return -ENOMEM;
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        l->e = o->lists[i];
        l->zone = o->zones[i];
        l->rate = o->rate < 0 ? l->e->rate : o->rate;
        l->tokens = 1;
        clock_now(g, &l->last);
    }
    return 0;
}

/* The health barrier (health.c): probe every (list, kind) the run queries until
 * each is judged or the health deadline passes, then report each kind's health.
 * @return 0 or a negative errno. */
static int run_health(struct eng *g)
{
    int ret = eng_health_begin(g);

    while (ret == 0 && !eng_health_done(g) && !g->fatal && !stopping(g) &&
           now_ms(g) < g->health_deadline) {
        eng_drain_ready(g);
        if (eng_health_done(g))
            break;
        int wait = eng_timer_wait(g);
        ret = scan_resolver_poll(g->o->resolver, wait >= 0 && wait < 100 ? wait : 100);
        eng_fire_timers(g);
        eng_drain_ready(g);
    }
    bool interrupted = stopping(g) || g->fatal || ret < 0;
    g->in_health = false;
    g->next_due = 1; /* walk once: abandon probes waiting to be asked again */
    eng_fire_timers(g);
    eng_drain_ready(g);
    eng_health_conclude(g, interrupted);
    return ret < 0 ? ret : g->fatal;
}

/* Before any target: expand the domains (--expand), then the health barrier. */
static int run_before_targets(struct eng *g)
{
    int ret = 0;
    if (g->o->expand.what) {
        ret = run_expansion(g);
        if (ret < 0)
            return ret;
    }
    if (g->o->checks & SCAN_CHECK_DNSBL)
        ret = run_health(g);
    return ret;
}

/* How long the loop may wait: for a rate token (@p wait), a timer, or a fetch. */
static int loop_wait(struct eng *g, int wait)
{
    int tw = eng_timer_wait(g);
    if (tw >= 0 && (wait < 0 || tw < wait))
        wait = tw;
    /* HTTPS fetches move on between short waits (scanner/dns/fetch.c says why). */
    if (scan_fetch_active(g->fetch) > 0 && (wait < 0 || wait > FETCH_POLL_MS))
        wait = FETCH_POLL_MS;
    return wait;
}

/* The main loop: fill the window, wait for answers and timers, until every target is out. */
static int run_targets(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    int ret = 0;

    for (;;) {
        eng_drain_ready(g);
        int wait = fill_window(g);
        eng_drain_ready(g);
        if (g->fatal) {
            ret = g->fatal;
            break;
        }
        bool ending = g->targets_done || stopping(g);
        if (ending && g->jobs == 0)
            break;
        if (ending && g->jobs == g->finished) {
            /* Every result is out; what is left are late sends of questions
             * another send answered. Nothing waits for them. */
            scan_resolver_cancel_all(o->resolver);
            continue;
        }
        wait = loop_wait(g, wait);
        int r = scan_resolver_poll(o->resolver, wait >= 0 ? wait : 100);
        if (r < 0) {
            ret = r;
            break;
        }
        scan_fetch_poll(g->fetch);
        eng_fire_timers(g);
        progress(g, false);
    }
    progress(g, true);
    g->st->complete = ret == 0 && g->targets_done && !stopping(g);
    return ret;
}

/*
 * End the run whatever state it is in. Jobs still alive after a fatal error hold
 * sends whose callbacks point at them and at the run's state: give no more
 * results, cancel every send (each callback runs now, once) and release every
 * job before the state goes; then the figures, and the state is freed.
 *
 * The in-flight invariant: after the cancels and one drain, no job is alive and
 * nothing is in flight in the resolver or the fetcher. A job or a send left then
 * would point at the state freed below (a use after free once its callback
 * runs), so breaking it aborts (SCAN_REQUIRE) rather than carry on.
 */
static void eng_finish(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    g->in_health = false;
    if (g->jobs > 0 && g->jobs != g->finished)
        g->aborting = true;
    g->next_due = 1;
    eng_fire_timers(g); /* aborting or after the barrier: finishes every armed ask's job */
    scan_resolver_cancel_all(o->resolver);
    scan_fetch_cancel_all(g->fetch); /* each callback runs now, cancelled */
    eng_drain_ready(g);
    SCAN_REQUIRE(g->jobs == 0);
    SCAN_REQUIRE(g->asking == 0 && g->finished == 0);
    SCAN_REQUIRE(scan_resolver_inflight(o->resolver) == 0);
    SCAN_REQUIRE(scan_fetch_active(g->fetch) == 0);
    g->st->queries = scan_resolver_sent(o->resolver) - g->sent0;
    g->st->seconds = elapsed_s(g, &g->start);
    scan_fetch_free(g->fetch);
    eng_cache_free_all(g);
    scan_expand_set_free(g->xset);
    free(g->armed);
    free(g->lists);
}

int scan_engine_run(const struct scan_engine_opts *o, struct scan_targets *ts, uint64_t total,
                    struct scan_engine_stats *st)
{
    struct eng g;
    int ret = eng_init(&g, o, ts, total, st);
    if (ret == 0)
        ret = run_before_targets(&g);
    if (ret == 0)
        ret = run_targets(&g);
    eng_finish(&g);
    return ret;
}
