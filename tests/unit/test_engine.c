/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The real engine (scanner/engine/) against a fake resolver that answers from
 * a table in virtual time (fake_resolver.h): the window, rate limits, the
 * health barrier, asking again, stop and cancellation, and the fatal paths (a
 * poll or a send that fails), without a socket. Every run ends with the
 * resolver's contract checked: nothing in flight, and exactly one callback per
 * send.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/catalog/catalog.h"
#include "scanner/engine/engine.h"
#include "scanner/targets/target.h"
#include "tests/unit/fake_resolver.h"

/* bl.test: healthy (its RFC 5782 test points answer as documented). bad.test: its
 * listed test point is NXDOMAIN, as every name outside the table. slow.test: healthy
 * with rate 10/s. txt.test: healthy, and a listing asks for its TXT reason. */
static const char catalog_yaml[] =
    "lists:\n"
    "  - {id: bl, zone: bl.test, kinds: [ip4], access: free, txt: false, rate: 0,\n"
    "     codes: [{code: 127.0.0.2, meaning: listed, class: listing}]}\n"
    "  - {id: bad, zone: bad.test, kinds: [ip4], access: free, txt: false, rate: 0,\n"
    "     codes: [{code: 127.0.0.2, meaning: listed, class: listing}]}\n"
    "  - {id: slow, zone: slow.test, kinds: [ip4], access: free, txt: false, rate: 10,\n"
    "     codes: [{code: 127.0.0.2, meaning: listed, class: listing}]}\n"
    "  - {id: txt, zone: txt.test, kinds: [ip4], access: free, txt: true, rate: 0,\n"
    "     codes: [{code: 127.0.0.2, meaning: listed, class: listing}]}\n";

#define MAX_EVENTS 512

/* What the engine handed out, in order, with the virtual time. */
struct event {
    int64_t at_ms;
    bool health;
    char list[64], target[64], check[16], status[16], reason[32];
    bool healthy;
};

struct run {
    struct scan_resolver *r;
    struct event ev[MAX_EVENTS];
    size_t nev;
    size_t stop_after; /* set *stop once this many results are out (0: never) */
    size_t halt_after; /* set *halt once this many results are out (0: never) */
    volatile sig_atomic_t stop;
    bool halt;
    struct scan_engine_stats st;
};

static void on_result(void *arg, const struct scan_result *res)
{
    struct run *run = arg;
    cr_assert_lt(run->nev, MAX_EVENTS);
    struct event *e = &run->ev[run->nev++];
    e->at_ms = fake_elapsed_ms(run->r);
    snprintf(e->list, sizeof(e->list), "%s", res->list ? res->list : "");
    snprintf(e->target, sizeof(e->target), "%s", res->target);
    snprintf(e->check, sizeof(e->check), "%s", res->check);
    snprintf(e->status, sizeof(e->status), "%s", res->status);
    snprintf(e->reason, sizeof(e->reason), "%s", res->reason ? res->reason : "");
    if (run->stop_after && run->st.results + 1 >= run->stop_after)
        run->stop = 1; /* as the SIGINT handler does */
    if (run->halt_after && run->st.results + 1 >= run->halt_after)
        run->halt = true; /* as the command line does when the store fails */
}

static void on_health(void *arg, const struct scan_health *h)
{
    struct run *run = arg;
    cr_assert_lt(run->nev, MAX_EVENTS);
    struct event *e = &run->ev[run->nev++];
    e->at_ms = fake_elapsed_ms(run->r);
    e->health = true;
    e->healthy = h->healthy;
    snprintf(e->list, sizeof(e->list), "%s", h->list);
}

/* The healthy test points of @p zone: 127.0.0.2 listed, 127.0.0.1 not. */
#define HEALTHY(zone)                                                                              \
    {"2.0.0.127." zone, SCAN_TYPE_A, 1, {{.delay_ms = 5, .data = "127.0.0.2"}}},                   \
    {                                                                                              \
        "1.0.0.127." zone, SCAN_TYPE_A, 1,                                                         \
        {                                                                                          \
            {                                                                                      \
                .delay_ms = 5, .status = SCAN_DNS_NXDOMAIN                                         \
            }                                                                                      \
        }                                                                                          \
    }

struct scenario {
    const struct fake_entry *table;
    const char *lists[3]; /* catalog ids, NULL-terminated */
    const char *target;   /* one spec, e.g. "198.18.0.0/26" */
    size_t concurrency;
    int default_delay_ms;
    size_t stop_after;
    size_t halt_after;
    unsigned checks;                /* 0: SCAN_CHECK_DNSBL */
    const char *const *spf_domains; /* --spf-domain */
    size_t nspf_domains;
    size_t poll_fails_at; /* fake_opts faults */
    size_t submit_fails_at;
    bool submit_keeps_failing;
    int want; /* what scan_engine_run() must return */
};

/* Run the engine once; the resolver's contract is checked before returning. */
static void run_engine(const struct scenario *sc, struct run *run)
{
    struct list_catalog *cat = NULL;
    struct scan_diag err = {0};
    cr_assert_eq(list_catalog_load_buf("t.yaml", catalog_yaml, strlen(catalog_yaml), &cat, &err), 0,
                 "%s", err.msg);
    const struct list_entry *lists[3];
    char zbuf[3][256];
    const char *zones[3];
    size_t n = 0;
    for (; n < 3 && sc->lists[n]; n++) {
        lists[n] = list_catalog_find(cat, sc->lists[n]);
        cr_assert_not_null(lists[n]);
        cr_assert_eq(list_query_zone(lists[n], zbuf[n], sizeof(zbuf[n])), 0);
        zones[n] = zbuf[n];
    }
    char *specs[] = {(char *)sc->target};
    struct scan_targets *ts = NULL;
    uint64_t total = 0;
    cr_assert_eq(scan_targets_new(specs, 1, NULL, &ts), 0);
    cr_assert_eq(scan_targets_prepare(ts, &total), 0);

    struct fake_opts fo = {.table = sc->table,
                           .default_delay_ms = sc->default_delay_ms,
                           .timeout_ms = 2000,
                           .poll_fails_at = sc->poll_fails_at,
                           .submit_fails_at = sc->submit_fails_at,
                           .submit_keeps_failing = sc->submit_keeps_failing};
    memset(run, 0, sizeof(*run));
    run->r = fake_resolver_new(&fo);
    run->stop_after = sc->stop_after;
    run->halt_after = sc->halt_after;
    struct scan_engine_opts o = {.resolver = run->r,
                                 .lists = lists,
                                 .zones = zones,
                                 .nlists = n,
                                 .checks = sc->checks ? sc->checks : SCAN_CHECK_DNSBL,
                                 .spf_domains = sc->spf_domains,
                                 .nspf_domains = sc->nspf_domains,
                                 .concurrency = sc->concurrency,
                                 .timeout_ms = 2000,
                                 .rate = -1, /* the catalog's */
                                 .on_result = on_result,
                                 .on_health = on_health,
                                 .arg = run,
                                 .stop = &run->stop,
                                 .halt = &run->halt};
    int ret = scan_engine_run(&o, ts, total, &run->st);
    cr_assert_eq(ret, sc->want, "scan_engine_run: %d, want %d (poll fails at %zu, submit at %zu)",
                 ret, sc->want, sc->poll_fails_at, sc->submit_fails_at);

    /* Nothing left in flight: no callback can come after the engine's state is gone.
     * Every send got exactly one callback (the fake aborts on a second). */
    cr_assert_eq(scan_resolver_inflight(run->r), 0, "%zu sends still in flight",
                 scan_resolver_inflight(run->r));
    cr_assert_eq(fake_callbacks(run->r), fake_send_count(run->r), "%zu callbacks for %zu sends",
                 fake_callbacks(run->r), fake_send_count(run->r));
    scan_targets_free(ts);
    list_catalog_free(cat);
}

static const struct event *result_for(const struct run *run, const char *target, const char *list)
{
    for (size_t i = 0; i < run->nev; i++)
        if (!run->ev[i].health && strcmp(run->ev[i].target, target) == 0 &&
            strcmp(run->ev[i].list, list) == 0)
            return &run->ev[i];
    return NULL;
}

static size_t results_of(const struct run *run, const char *list)
{
    size_t n = 0;
    for (size_t i = 0; i < run->nev; i++)
        n += !run->ev[i].health && strcmp(run->ev[i].list, list) == 0;
    return n;
}

static bool is_probe(const char *name)
{
    return strncmp(name, "2.0.0.127.", 10) == 0 || strncmp(name, "1.0.0.127.", 10) == 0;
}

/* ---- the window ------------------------------------------------------------ */

Test(engine, window_never_exceeds_concurrency, .timeout = 20)
{
    /* Slow answers and lost packets: the engine keeps the window full, never fuller. */
    static const struct fake_entry table[] = {
        HEALTHY("bl.test"),
        {"3.0.18.198.bl.test", SCAN_TYPE_A, 2, {{.drop = true}, {.delay_ms = 40}}},
        {"9.0.18.198.bl.test", SCAN_TYPE_A, 3, {{.drop = true}, {.drop = true}, {.delay_ms = 5}}},
        {"20.0.18.198.bl.test", SCAN_TYPE_A, 1, {{.delay_ms = 900, .data = "127.0.0.2"}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"bl"},
                          .target = "198.18.0.0/26",
                          .concurrency = 5,
                          .default_delay_ms = 60};
    struct run run;
    run_engine(&sc, &run);
    cr_assert_eq(run.st.results, 64);
    cr_assert_eq(run.st.listed, 1);
    cr_assert(run.st.complete);
    cr_assert_eq(fake_max_waiting(run.r), 5, "at most %zu questions waited at once, window 5",
                 fake_max_waiting(run.r));
    fake_resolver_free(run.r);
}

/* ---- rate limits ------------------------------------------------------------- */

Test(engine, rate_limit_holds_in_virtual_time, .timeout = 20)
{
    /* slow.test allows 10 queries a second (burst 1): over any stretch of time,
     * resends included, at most 1 + 10 * seconds sends. */
    static const struct fake_entry table[] = {
        HEALTHY("slow.test"),
        {"4.0.18.198.slow.test", SCAN_TYPE_A, 2, {{.drop = true}, {.delay_ms = 5}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"slow"},
                          .target = "198.18.0.0/27",
                          .concurrency = 50,
                          .default_delay_ms = 5};
    struct run run;
    run_engine(&sc, &run);
    cr_assert_eq(run.st.results, 32);
    int64_t t[64];
    size_t n = 0;
    for (size_t i = 0; i < fake_send_count(run.r); i++) {
        const struct fake_send *s = fake_send_at(run.r, i);
        if (!is_probe(s->name)) {
            cr_assert_lt(n, 64);
            t[n++] = s->at_ms;
        }
    }
    cr_assert_eq(n, 33, "32 targets and one resend: %zu sends", n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            cr_assert_leq((double)(k - i + 1), 1 + 10 * (double)(t[k] - t[i]) / 1000 + 1e-9,
                          "%zu sends between %lld and %lld ms", k - i + 1, (long long)t[i],
                          (long long)t[k]);
    /* 33 sends at 10/s take 3.2 s at least. */
    cr_assert_geq(t[n - 1] - t[0], 3200);
    fake_resolver_free(run.r);
}

/* ---- the health barrier -------------------------------------------------------- */

Test(engine, no_result_before_health_is_settled, .timeout = 20)
{
    /* bl.test's listed test point answers late, after one lost send; bad.test's never
     * answers as documented. */
    static const struct fake_entry table[] = {
        {"2.0.0.127.bl.test",
         SCAN_TYPE_A,
         2,
         {{.drop = true}, {.delay_ms = 1500, .data = "127.0.0.2"}}},
        {"1.0.0.127.bl.test", SCAN_TYPE_A, 1, {{.delay_ms = 5, .status = SCAN_DNS_NXDOMAIN}}},
        {"5.0.18.198.bl.test", SCAN_TYPE_A, 1, {{.delay_ms = 1, .data = "127.0.0.2"}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"bl", "bad"},
                          .target = "198.18.0.0/28",
                          .concurrency = 10,
                          .default_delay_ms = 1};
    struct run run;
    run_engine(&sc, &run);
    size_t health_seen = 0;
    for (size_t i = 0; i < run.nev; i++) {
        if (run.ev[i].health) {
            health_seen++;
            cr_assert_eq(run.ev[i].healthy, strcmp(run.ev[i].list, "bl.test") == 0);
            continue;
        }
        cr_assert_eq(health_seen, 2, "a result of %s came before both lists' health",
                     run.ev[i].list);
        cr_assert_geq(run.ev[i].at_ms, 1500);
    }
    cr_assert_eq(results_of(&run, "bl.test"), 16);
    cr_assert_eq(results_of(&run, "bad.test"), 16);
    cr_assert_str_eq(result_for(&run, "198.18.0.5", "bl.test")->status, "listed");
    const struct event *e = result_for(&run, "198.18.0.5", "bad.test");
    cr_assert_str_eq(e->status, "error");
    cr_assert_str_eq(e->reason, "unhealthy");
    /* An unhealthy list is never asked about a target. */
    for (size_t i = 0; i < fake_send_count(run.r); i++) {
        const struct fake_send *s = fake_send_at(run.r, i);
        cr_assert(is_probe(s->name) || strstr(s->name, ".bad.test") == NULL, "%s was asked",
                  s->name);
    }
    fake_resolver_free(run.r);
}

/* ---- asking again ------------------------------------------------------------------- */

Test(engine, lost_send_is_resent_and_first_answer_decides, .timeout = 20)
{
    static const struct fake_entry table[] = {
        HEALTHY("bl.test"),
        /* .1: the first send is lost; the second is answered. */
        {"1.0.18.198.bl.test",
         SCAN_TYPE_A,
         2,
         {{.drop = true}, {.delay_ms = 5, .data = "127.0.0.2"}}},
        /* .2: the first send's answer (listed) comes after the second's (not listed). */
        {"2.0.18.198.bl.test",
         SCAN_TYPE_A,
         2,
         {{.delay_ms = 1800, .data = "127.0.0.2"}, {.delay_ms = 5, .status = SCAN_DNS_NXDOMAIN}}},
        /* .3: every send is lost: a timeout, after the most sends a question gets. */
        {"3.0.18.198.bl.test", SCAN_TYPE_A, 1, {{.drop = true}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"bl"},
                          .target = "198.18.0.0/30",
                          .concurrency = 10,
                          .default_delay_ms = 5};
    struct run run;
    run_engine(&sc, &run);
    cr_assert_eq(run.st.results, 4);
    cr_assert_str_eq(result_for(&run, "198.18.0.1", "bl.test")->status, "listed");
    cr_assert_eq(fake_sends_of(run.r, "1.0.18.198.bl.test", SCAN_TYPE_A), 2);
    const struct event *e = result_for(&run, "198.18.0.2", "bl.test");
    cr_assert_str_eq(e->status, "clean", "the later answer decided: %s", e->status);
    cr_assert_lt(e->at_ms, 1800);
    cr_assert_eq(fake_sends_of(run.r, "2.0.18.198.bl.test", SCAN_TYPE_A), 2);
    e = result_for(&run, "198.18.0.3", "bl.test");
    cr_assert_str_eq(e->status, "error");
    cr_assert_str_eq(e->reason, "timeout");
    cr_assert_eq(fake_sends_of(run.r, "3.0.18.198.bl.test", SCAN_TYPE_A), 4);
    cr_assert_str_eq(result_for(&run, "198.18.0.0", "bl.test")->status, "clean");
    fake_resolver_free(run.r);
}

Test(engine, late_answer_never_overrides_the_first, .timeout = 20)
{
    /* .2's second send answers "listed" first; while the job waits for the TXT
     * reason, the first send's "not listed" arrives: the first answer stays. */
    static const struct fake_entry table[] = {
        HEALTHY("txt.test"),
        {"2.0.18.198.txt.test",
         SCAN_TYPE_A,
         2,
         {{.delay_ms = 1800, .status = SCAN_DNS_NXDOMAIN}, {.delay_ms = 5, .data = "127.0.0.2"}}},
        {"2.0.18.198.txt.test", SCAN_TYPE_TXT, 1, {{.delay_ms = 3000, .data = "spam source"}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"txt"},
                          .target = "198.18.0.2",
                          .concurrency = 10,
                          .default_delay_ms = 5};
    struct run run;
    run_engine(&sc, &run);
    cr_assert_eq(run.st.results, 1);
    const struct event *e = result_for(&run, "198.18.0.2", "txt.test");
    cr_assert_str_eq(e->status, "listed");
    cr_assert_gt(e->at_ms, 1800, "the late answer came while the job was alive");
    fake_resolver_free(run.r);
}

/* ---- stop and cancel ------------------------------------------------------------------ */

Test(engine, late_sends_are_cancelled_when_every_result_is_out, .timeout = 20)
{
    /* The first send of .2 answers only after 60 s: nothing waits for it. */
    static const struct fake_entry table[] = {
        HEALTHY("bl.test"),
        {"2.0.18.198.bl.test",
         SCAN_TYPE_A,
         2,
         {{.delay_ms = 60000, .status = SCAN_DNS_NXDOMAIN}, {.delay_ms = 5}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"bl"},
                          .target = "198.18.0.0/30",
                          .concurrency = 10,
                          .default_delay_ms = 5};
    struct run run;
    run_engine(&sc, &run);
    cr_assert_eq(run.st.results, 4);
    cr_assert(run.st.complete);
    cr_assert_geq(fake_cancelled(run.r), 1);
    cr_assert_lt(fake_elapsed_ms(run.r), 60000, "the run waited for a late send");
    fake_resolver_free(run.r);
}

/* Stop (or halt) after the third result, with slow and lost sends in flight: the run
 * ends incomplete, and nothing was asked after it but what was in flight. */
static void stopped_early(struct run *run, size_t stop_after, size_t halt_after)
{
    static const struct fake_entry table[] = {
        HEALTHY("bl.test"),
        {"6.0.18.198.bl.test", SCAN_TYPE_A, 1, {{.drop = true}}},
        {"7.0.18.198.bl.test", SCAN_TYPE_A, 1, {{.delay_ms = 30000}}},
        {NULL},
    };
    struct scenario sc = {.table = table,
                          .lists = {"bl"},
                          .target = "198.18.0.0/24",
                          .concurrency = 8,
                          .default_delay_ms = 20,
                          .stop_after = stop_after,
                          .halt_after = halt_after};
    run_engine(&sc, run);
    cr_assert(!run->st.complete);
    cr_assert_lt(run->st.results, 256);
    cr_assert_geq(run->st.results, 3);
    cr_assert_leq(fake_send_count(run->r), 2 + 3 + 8 + 8, "%zu sends", fake_send_count(run->r));
}

Test(engine, stop_finishes_in_flight_and_leaves_nothing_behind, .timeout = 20)
{
    struct run run;
    stopped_early(&run, 3, 0);
    fake_resolver_free(run.r);
}

/* A callback's halt (the store failed) ends the run as a stop does, without
 * touching the signal flag: a later Ctrl-C is still a first one. */
Test(engine, halt_from_a_callback_stops_without_the_signal_flag, .timeout = 20)
{
    struct run run;
    stopped_early(&run, 0, 3);
    cr_assert(run.halt);
    cr_assert_eq(run.stop, 0, "the signal flag is the handlers' alone");
    fake_resolver_free(run.r);
}

/* ---- the run-wide answer cache ---------------------------------------------- */

/*
 * Every address of the range asks the SPF record of corp.test (--spf-domain): one
 * question for the whole run, whether the jobs join it in flight (a wide window)
 * or find the kept answer (a window of one). Reverse lookups are never kept: each
 * address's PTR is asked once and dropped after delivery.
 */
Test(engine, record_questions_asked_once_per_run, .timeout = 20)
{
    static const struct fake_entry table[] = {
        {"corp.test",
         SCAN_TYPE_TXT,
         1,
         {{.delay_ms = 30, .data = "v=spf1 ip4:198.18.0.0/31 -all"}}},
        {NULL},
    };
    static const char *const domains[] = {"corp.test"};
    static const char *const ptrs[] = {"0.0.18.198.in-addr.arpa", "1.0.18.198.in-addr.arpa",
                                       "2.0.18.198.in-addr.arpa", "3.0.18.198.in-addr.arpa"};

    for (size_t window = 1; window <= 16; window += 15) {
        struct scenario sc = {.table = table,
                              .target = "198.18.0.0/30",
                              .concurrency = window,
                              .default_delay_ms = 10,
                              .checks = SCAN_CHECK_SPF_AUTH | SCAN_CHECK_FCRDNS,
                              .spf_domains = domains,
                              .nspf_domains = 1};
        struct run run;
        run_engine(&sc, &run);
        cr_assert_eq(run.st.results, 8, "window %zu: %llu results", window,
                     (unsigned long long)run.st.results);
        cr_expect_eq(fake_sends_of(run.r, "corp.test", SCAN_TYPE_TXT), 1,
                     "window %zu: the SPF record asked %zu times", window,
                     fake_sends_of(run.r, "corp.test", SCAN_TYPE_TXT));
        for (size_t i = 0; i < 4; i++)
            cr_expect_eq(fake_sends_of(run.r, ptrs[i], SCAN_TYPE_PTR), 1, "window %zu: %s", window,
                         ptrs[i]);
        size_t pass = 0, fail = 0, noptr = 0;
        for (size_t i = 0; i < run.nev; i++) {
            noptr += strcmp(run.ev[i].reason, "no-ptr") == 0;
            pass += strcmp(run.ev[i].status, "pass") == 0;
            fail += strcmp(run.ev[i].status, "fail") == 0 && !run.ev[i].reason[0];
        }
        cr_expect_eq(pass, 2, "window %zu: spf-auth: .0 and .1 are authorized", window);
        cr_expect_eq(fail, 2, "window %zu: spf-auth: .2 and .3 are not", window);
        cr_expect_eq(noptr, 4, "window %zu: fcrdns: no PTR for any", window);
        fake_resolver_free(run.r);
    }
}

/* ---- fatal errors ------------------------------------------------------------ */

/*
 * A run with every kind of send: health probes, DNSBL questions (.3's first send
 * lost, asked again while it is still out; .5's reported a timeout, asked again
 * with nothing out), a TXT reason, and record-check questions through the cache
 * (spf-auth's record, fcrdns' PTRs). The fatal-path tests below break it at each
 * point in turn.
 */
static const struct fake_entry fatal_table[] = {
    HEALTHY("bl.test"),
    HEALTHY("txt.test"),
    {"3.0.18.198.bl.test", SCAN_TYPE_A, 2, {{.drop = true}, {.delay_ms = 5, .data = "127.0.0.2"}}},
    {"5.0.18.198.bl.test",
     SCAN_TYPE_A,
     2,
     {{.delay_ms = 20, .status = SCAN_DNS_TIMEOUT}, {.delay_ms = 5, .data = "127.0.0.2"}}},
    {"2.0.18.198.txt.test", SCAN_TYPE_A, 1, {{.delay_ms = 5, .data = "127.0.0.2"}}},
    {"2.0.18.198.txt.test", SCAN_TYPE_TXT, 1, {{.delay_ms = 40, .data = "spam source"}}},
    {"corp.test", SCAN_TYPE_TXT, 1, {{.delay_ms = 30, .data = "v=spf1 ip4:198.18.0.0/31 -all"}}},
    {NULL},
};

static const char *const fatal_domains[] = {"corp.test"};

static struct scenario fatal_scenario(size_t poll_fails_at, size_t submit_fails_at, int want)
{
    struct scenario sc = {.table = fatal_table,
                          .lists = {"bl", "txt"},
                          .target = "198.18.0.0/29",
                          .concurrency = 4,
                          .default_delay_ms = 10,
                          .checks = SCAN_CHECK_DNSBL | SCAN_CHECK_SPF_AUTH | SCAN_CHECK_FCRDNS,
                          .spf_domains = fatal_domains,
                          .nspf_domains = 1,
                          .poll_fails_at = poll_fails_at,
                          .submit_fails_at = submit_fails_at,
                          .want = want};
    return sc;
}

static bool same_result(const struct event *a, const struct event *b)
{
    return !a->health && !b->health && !strcmp(a->target, b->target) && !strcmp(a->list, b->list) &&
           !strcmp(a->check, b->check);
}

/* What did finish in @p run is what the full run @p ref gave, once each, and counted:
 * nothing duplicated, nothing changed, nothing handed out and left uncounted. */
static void finished_as_in_full_run(const struct run *ref, const struct run *run)
{
    size_t results = 0;
    for (size_t i = 0; i < run->nev; i++) {
        const struct event *e = &run->ev[i];
        if (e->health)
            continue;
        results++;
        for (size_t k = i + 1; k < run->nev; k++)
            cr_assert(!same_result(e, &run->ev[k]), "%s %s %s handed out twice", e->target,
                      e->check, e->list);
        const struct event *want = NULL;
        for (size_t k = 0; k < ref->nev && !want; k++)
            if (same_result(e, &ref->ev[k]))
                want = &ref->ev[k];
        cr_assert_not_null(want, "%s %s %s: not in the full run", e->target, e->check, e->list);
        cr_assert_str_eq(e->status, want->status, "%s %s %s", e->target, e->check, e->list);
        cr_assert_str_eq(e->reason, want->reason, "%s %s %s", e->target, e->check, e->list);
    }
    cr_assert_eq(run->st.results, results, "%llu results counted, %zu handed out",
                 (unsigned long long)run->st.results, results);
    cr_assert(!run->st.complete);
}

/*
 * The resolver's poll fails (-EIO) at each poll of the run in turn: the engine
 * returns that error, asks nothing and reads no answer after it, cancels what is
 * in flight (each callback once: run_engine() checks), and what finished before
 * the failure is out once, as in a full run.
 */
Test(engine, poll_failure_is_fatal_and_cancels_what_is_in_flight, .timeout = 20)
{
    struct scenario sc = fatal_scenario(0, 0, 0);
    struct run ref;
    run_engine(&sc, &ref);
    cr_assert_eq(ref.st.results, 8 * 2 + 8 * 2, "2 lists and 2 checks for 8 addresses");
    cr_assert(ref.st.complete);
    size_t polls = fake_polls(ref.r);
    fake_resolver_free(ref.r);

    size_t cancelled = 0, partial = 0;
    for (size_t n = 1; n <= polls; n++) {
        struct scenario f = fatal_scenario(n, 0, -EIO);
        struct run run;
        run_engine(&f, &run);
        cr_assert_eq(fake_polls(run.r), n, "poll %zu failed, yet the engine polled %zu times", n,
                     fake_polls(run.r));
        cr_assert_eq(fake_answered_after_failure(run.r), 0);
        finished_as_in_full_run(&ref, &run);
        cancelled += fake_cancelled(run.r);
        partial += run.st.results > 0 && run.st.results < ref.st.results;
        fake_resolver_free(run.r);
    }
    cr_assert_gt(cancelled, 0, "no failure found a send in flight to cancel");
    cr_assert_gt(partial, 0, "no failure came between the first result and the last");
}

/*
 * A query submit fails with ENOMEM, at each submit of the run in turn (health
 * probes, DNSBL questions and their resends, the TXT reason, record-check
 * questions), once or from then on: the run ends with -ENOMEM, nothing is left
 * in flight or alive (the engine's own invariant), and what finished is out
 * once, as in a full run (no result made up after the error either).
 */
Test(engine, submit_out_of_memory_is_fatal_at_every_send, .timeout = 20)
{
    struct scenario sc = fatal_scenario(0, 0, 0);
    struct run ref;
    run_engine(&sc, &ref);
    size_t sends = fake_send_count(ref.r);
    cr_assert_eq(fake_sends_of(ref.r, "5.0.18.198.bl.test", SCAN_TYPE_A), 2);
    cr_assert_eq(fake_sends_of(ref.r, "3.0.18.198.bl.test", SCAN_TYPE_A), 2);
    cr_assert_eq(fake_sends_of(ref.r, "2.0.18.198.txt.test", SCAN_TYPE_TXT), 1);
    fake_resolver_free(ref.r);

    for (int keeps = 0; keeps < 2; keeps++) {
        for (size_t n = 1; n <= sends; n++) {
            struct scenario f = fatal_scenario(0, n, -ENOMEM);
            f.submit_keeps_failing = keeps;
            struct run run;
            run_engine(&f, &run);
            cr_assert_geq(fake_refused(run.r), 1, "submit %zu was never made", n);
            finished_as_in_full_run(&ref, &run);
            fake_resolver_free(run.r);
        }
    }
}
