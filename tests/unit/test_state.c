/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of output/store/state_*.c with a temporary store: the silent baseline,
 * every event type from synthetic runs, carry-forward of errors and unhealthy
 * lists, the anomaly collapse, incomplete and killed runs, the lock, schema
 * versions and migration, history.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/store/delta.h"
#include "output/store/state.h"
#include "scanner/core/err.h"
#include "tests/unit/result_fixture.h"

/* --- fixture -------------------------------------------------------------- */

static char dir[64];
static char path[128];
/* The store's message of the last failed call, for assertion messages (Criterion
 * runs each test in its own process). */
static struct scan_diag last;

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/dnsbl-state-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/state.db", dir);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(state, .init = setup, .fini = teardown);

static struct out_state *open_store(void)
{
    struct out_state_opts o = {.path = path};
    struct out_state *st = NULL;
    struct scan_diag diag = {0};
    int ret = out_state_open(&o, &st, &diag);
    cr_assert_eq(ret, 0, "open: %s (%s)", scan_strerror(ret), diag.msg);
    return st;
}

/* --- feeding results by hand ------------------------------------------- */

/* A DNSBL result: code NULL = clean, "error" = error; else listed with that code
 * (two codes when given as "a+b"). */
static void dnsbl(struct out_state *st, const char *target, const char *list, const char *code)
{
    char buf[64];
    const char *codes[2] = {0}, *meanings[2] = {"meaning one", "meaning two"};
    struct scan_result r = {.target = target, .check = "dnsbl", .list = list, .list_id = list};

    if (!code) {
        r.status = "clean";
    } else if (strcmp(code, "error") == 0) {
        r.status = "error";
        r.reason = "timeout";
    } else {
        char *plus;
        snprintf(buf, sizeof(buf), "%s", code);
        r.status = "listed";
        r.klass = SCAN_CLASS_LISTING;
        codes[0] = buf;
        r.ncodes = 1;
        if ((plus = strchr(buf, '+'))) {
            *plus = '\0';
            codes[1] = plus + 1;
            r.ncodes = 2;
        }
        r.codes = codes;
        r.meanings = meanings;
        r.txt = "listed for spam";
        r.delist_url = "https://delist.example/";
    }
    struct scan_result t = rf_typed(&r);
    cr_assert_eq(out_state_record(st, &t, &last), 0, "%s", last.msg);
}

/*
 * A record-check result: @p value is the identifying field of the check ("record"
 * for spf and dmarc, "domain" for spf-auth, the one PTR name for fcrdns). Every
 * call also carries a counter that changes every time: volatile detail that must
 * never make an event.
 */
static void rec(struct out_state *st, const char *target, const char *check, const char *status,
                const char *value)
{
    static int64_t volatile_counter;
    const char *names[] = {value ? value : "none."};
    const char *field = strcmp(check, "spf") == 0 || strcmp(check, "dmarc") == 0 ? "record"
                        : strcmp(check, "spf-auth") == 0                         ? "domain"
                                                                                 : "note";
    struct scan_field f[] = {
        {.name = field, .type = SCAN_F_STR, .str = value},
        {.name = "ptr", .type = SCAN_F_STRV, .n = 1, .strv = names},
        {.name = "lookups", .type = SCAN_F_INT, .i = ++volatile_counter},
    };
    struct scan_result r = {.target = target, .check = check, .status = status, .extra = {3, f}};
    struct scan_result t = rf_typed(&r);
    cr_assert_eq(out_state_record(st, &t, &last), 0, "%s", last.msg);
}

/* The health of (list, kind). */
static void health_kind(struct out_state *st, const char *list, const char *kind, bool healthy)
{
    struct scan_health h = {.list = list,
                            .list_id = list,
                            .kind = kind,
                            .healthy = healthy,
                            .reason = healthy ? NULL : "blocked",
                            .detail = healthy ? NULL : "refuses this resolver"};
    cr_assert_eq(out_state_health(st, &h, NULL), 0);
}

/* The health of a list as a whole (no kind). */
static void health(struct out_state *st, const char *list, bool healthy)
{
    struct scan_health h = {.list = list,
                            .list_id = list,
                            .healthy = healthy,
                            .reason = healthy ? NULL : "unhealthy",
                            .detail = healthy ? NULL : "every query timed out"};
    cr_assert_eq(out_state_health(st, &h, NULL), 0);
}

/* --- collecting events ---------------------------------------------------- */

struct events {
    char lines[64][160];
    int n;
};

static int collect(void *arg, const struct out_event *ev)
{
    struct events *e = arg;
    cr_assert_lt(e->n, 64);
    snprintf(e->lines[e->n++], sizeof(e->lines[0]), "%s %s %s%s%s%s%s",
             out_event_type_name(ev->type), ev->target ? ev->target : "-",
             ev->list ? ev->list : ev->check, ev->kind ? "/" : "", ev->kind ? ev->kind : "",
             ev->type == OUT_EV_CODE_CHANGED ? " " : "",
             ev->type == OUT_EV_CODE_CHANGED ? ev->codes : "");
    return 0;
}

static int64_t run_id;

static void begin(struct out_state *st)
{
    struct out_run_desc d = {.ntargets = 0};
    cr_assert_eq(out_state_run_begin(st, &d, &run_id, &last), 0, "%s", last.msg);
}

enum delta_of { RUN_END_COMPLETE, RUN_END_INCOMPLETE, DELIVERY };

/* The events (and, when @p doc is not NULL, the document) that ending the run, or
 * the delivery of run @p id, writes to a new delta. */
static void capture_delta(struct out_state *st, enum delta_of what, int64_t id, struct events *e,
                          char **doc)
{
    size_t len = 0;
    FILE *m = doc ? open_memstream(doc, &len) : NULL;
    struct out_delta_opts o = {.json = m, .on_event = collect, .arg = e};
    struct out_delta *d = NULL;
    struct out_run_end re = {.complete = what == RUN_END_COMPLETE};

    memset(e, 0, sizeof(*e));
    cr_assert_eq(out_delta_new(&o, &d), 0);
    if (what == DELIVERY)
        cr_assert_eq(out_state_delivery(st, id, d, &last), 0, "%s", last.msg);
    else
        cr_assert_eq(out_state_run_end(st, &re, d, &last), 0, "%s", last.msg);
    out_delta_free(d);
    if (m)
        fclose(m);
}

/* End the run and return its events; @p doc gets the delta document when not NULL. */
static void end(struct out_state *st, bool complete, struct events *e, char **doc)
{
    capture_delta(st, complete ? RUN_END_COMPLETE : RUN_END_INCOMPLETE, 0, e, doc);
}

/* What run @p id delivers (out_state_delivery()). */
static void delivery(struct out_state *st, int64_t id, struct events *e, char **doc)
{
    capture_delta(st, DELIVERY, id, e, doc);
}

static void assert_events(const struct events *e, const char *const *want, int n)
{
    for (int i = 0; i < e->n; i++)
        fprintf(stderr, "  got: %s\n", e->lines[i]);
    cr_assert_eq(e->n, n, "event count %d, want %d", e->n, n);
    for (int i = 0; i < n; i++)
        cr_assert_str_eq(e->lines[i], want[i]);
}

/* The first column of the first row of @p sql against the store file (a separate
 * connection), as text; NULL for no row or SQL NULL. Caller frees. */
static char *sql_text(const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    char *v = NULL;
    int rc;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

/* The same as an integer; -1 for no row. */
static int64_t sql_int(const char *sql)
{
    char *v = sql_text(sql);
    int64_t n = v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return n;
}

/* --- the issue's scenario -------------------------------------------------- */

static const char *const T[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
                                "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"};

/*
 * World of run 1: list a lists .2 (127.0.0.2) and .3 (127.0.0.2); b lists .4;
 * c lists nothing; d lists .5. .1 has FCrDNS pass, example.test has an SPF record.
 * World of run 2: a lists .1 (new), not .2 (delisted), .3 with 127.0.0.3 (code);
 * b unchanged; c lists the world; d stops answering (unhealthy, errors);
 * .1's PTR stops confirming; the SPF record changes; the MX answer is reordered.
 */
static void world(struct out_state *st, int version)
{
    health(st, "a.example", true);
    health(st, "b.example", true);
    health(st, "c.example", true);
    health(st, "d.example", version == 1);
    for (int i = 0; i < 8; i++) {
        const char *a = NULL;
        if (version == 1 && (i == 1 || i == 2))
            a = "127.0.0.2";
        if (version == 2 && i == 0)
            a = "127.0.0.2";
        if (version == 2 && i == 2)
            a = "127.0.0.3";
        dnsbl(st, T[i], "a.example", a);
        dnsbl(st, T[i], "b.example", i == 3 ? "127.0.0.2" : NULL);
        dnsbl(st, T[i], "c.example", version == 2 ? "127.0.0.2" : NULL);
        if (version == 2)
            dnsbl(st, T[i], "d.example", "error");
        else
            dnsbl(st, T[i], "d.example", i == 4 ? "127.0.0.2" : NULL);
    }
    rec(st, T[0], "fcrdns", version == 1 ? "pass" : "fail", "mail.example.");
    rec(st, T[1], "fcrdns", "pass", "mail2.example.");
    rec(st, "example.test", "spf", "valid",
        version == 1 ? "v=spf1 -all" : "v=spf1 ip4:192.0.2.0/24 -all");
    rec(st, "example.test", "dmarc", "valid", "v=DMARC1; p=reject");
    rec(st, "example.test", "mx", "valid", NULL);
}

Test(state, issue_scenario_exact_events)
{
    struct out_state *st = open_store();
    struct events e;
    char *doc = NULL;

    begin(st);
    world(st, 1);
    end(st, true, &e, &doc);
    assert_events(&e, NULL, 0); /* the baseline is silent */
    cr_assert_not_null(strstr(doc, "\"previous_run\":null"));
    free(doc);

    begin(st);
    world(st, 2);
    end(st, true, &e, &doc);
    const char *want[] = {
        "list_anomaly - c.example",
        "list_unhealthy - d.example",
        "new_listing 192.0.2.1 a.example",
        "delisted 192.0.2.2 a.example",
        "code_changed 192.0.2.3 a.example 127.0.0.3",
        "fcrdns_changed 192.0.2.1 fcrdns",
        "spf_changed example.test spf",
    };
    assert_events(&e, want, 7);
    cr_assert_not_null(strstr(doc, "\"previous_run\":{\"id\":1,"), "%s", doc);
    cr_assert_not_null(strstr(doc, "\"new_listings\":8,\"scanned\":8"), "%s", doc);
    free(doc);

    /* A third, unchanged run: nothing. */
    begin(st);
    world(st, 2);
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);

    /* Back to the first world: the faulty lists recover with one event each and no
     * flood for c's targets (never recorded) or d's (carried forward, still listed). */
    begin(st);
    world(st, 1);
    end(st, true, &e, NULL);
    const char *want4[] = {
        "list_recovered - c.example",
        "list_recovered - d.example",
        "delisted 192.0.2.1 a.example",
        "new_listing 192.0.2.2 a.example",
        "code_changed 192.0.2.3 a.example 127.0.0.2",
        "fcrdns_changed 192.0.2.1 fcrdns",
        "spf_changed example.test spf",
    };
    assert_events(&e, want4, 7);
    out_state_free(st);
}

Test(state, delta_document_fields)
{
    struct out_state *st = open_store();
    struct events e;
    char *doc = NULL;

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    dnsbl(st, T[1], "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.4+127.0.0.2");
    dnsbl(st, T[1], "a.example", NULL);
    end(st, true, &e, &doc);
    cr_assert_eq(e.n, 2);
    cr_assert_not_null(
        strstr(doc, "{\"type\":\"new_listing\",\"check\":\"dnsbl\",\"target\":\"192.0.2.1\","
                    "\"list\":\"a.example\",\"list_id\":\"a.example\","
                    "\"before\":{\"status\":\"clean\"},\"after\":{\"status\":\"listed\","
                    "\"codes\":[\"127.0.0.2\",\"127.0.0.4\"],\"meanings\":[\"meaning two\","
                    "\"meaning one\"],\"txt\":\"listed for spam\",\"delist_url\":"
                    "\"https://delist.example/\"},\"codes\":[\"127.0.0.2\",\"127.0.0.4\"],"
                    "\"meaning\":\"meaning two; meaning one\",\"txt\":\"listed for spam\","
                    "\"delist_url\":\"https://delist.example/\",\"pool\":null,\"run_id\":2,"
                    "\"redelivered\":false}"),
        "%s", doc);
    /* delisted carries the listing that ended */
    cr_assert_not_null(strstr(doc, "{\"type\":\"delisted\",\"check\":\"dnsbl\",\"target\":"
                                   "\"192.0.2.2\",\"list\":\"a.example\",\"list_id\":"
                                   "\"a.example\",\"before\":{\"status\":\"listed\""),
                       "%s", doc);
    cr_assert_not_null(strstr(doc, "\"after\":{\"status\":\"clean\"},\"codes\":[\"127.0.0.2\"],"
                                   "\"meaning\":\"meaning one\""),
                       "%s", doc);
    cr_assert_not_null(strstr(doc, "\"counts\":{\"new_listing\":1,\"delisted\":1,"), "%s", doc);
    free(doc);
    out_state_free(st);
}

/* --- carry-forward -------------------------------------------------------- */

Test(state, error_carries_state_forward)
{
    struct out_state *st = open_store();
    struct events e;

    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    rec(st, T[0], "fcrdns", "pass", "x.");
    rec(st, "example.test", "spf-auth", "pass", NULL);
    end(st, true, &e, NULL);

    begin(st); /* errors: no delisted, no fcrdns_changed, no spf_changed */
    dnsbl(st, T[0], "a.example", "error");
    rec(st, T[0], "fcrdns", "error", NULL);
    rec(st, "example.test", "spf-auth", "temperror", NULL);
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);

    begin(st); /* still listed: nothing new, the interval goes on */
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    rec(st, T[0], "fcrdns", "pass", "x.");
    rec(st, "example.test", "spf-auth", "pass", NULL);
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM intervals"), 1);

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    rec(st, "example.test", "spf-auth", "fail", NULL);
    end(st, true, &e, NULL);
    const char *want[] = {"delisted 192.0.2.1 a.example", "spf_changed example.test spf-auth"};
    assert_events(&e, want, 2);
    out_state_free(st);
}

Test(state, unhealthy_list_holds_delistings)
{
    struct out_state *st = open_store();
    struct events e;

    begin(st);
    health(st, "a.example", true);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    dnsbl(st, T[1], "a.example", NULL);
    end(st, true, &e, NULL);

    /* Unhealthy, yet some answers look clean or listed: none of it is applied. */
    begin(st);
    health(st, "a.example", false);
    dnsbl(st, T[0], "a.example", NULL);
    dnsbl(st, T[1], "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    const char *want[] = {"list_unhealthy - a.example"};
    assert_events(&e, want, 1);

    begin(st); /* still unhealthy: silent */
    health(st, "a.example", false);
    dnsbl(st, T[0], "a.example", "error");
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);

    begin(st); /* recovered, and .1 really was delisted meanwhile */
    health(st, "a.example", true);
    dnsbl(st, T[0], "a.example", NULL);
    dnsbl(st, T[1], "a.example", NULL);
    end(st, true, &e, NULL);
    const char *want2[] = {"list_recovered - a.example", "delisted 192.0.2.1 a.example"};
    assert_events(&e, want2, 2);
    out_state_free(st);
}

Test(state, a_list_without_results_can_be_unhealthy)
{
    struct out_state *st = open_store();
    struct events e;

    begin(st);
    health(st, "a.example", true);
    end(st, true, &e, NULL);
    begin(st);
    health(st, "a.example", false);
    health(st, "a.example", true); /* unhealthy wins within a run */
    end(st, true, &e, NULL);
    const char *want[] = {"list_unhealthy - a.example"};
    assert_events(&e, want, 1);
    out_state_free(st);
}

/* --- anomaly ---------------------------------------------------------------- */

Test(state, anomaly_collapses_and_never_cries_wolf)
{
    struct out_state *st = open_store();
    struct events e;
    char targets[40][16];

    begin(st);
    for (int i = 0; i < 40; i++) {
        snprintf(targets[i], sizeof(targets[i]), "198.51.100.%d", i + 1);
        dnsbl(st, targets[i], "w.example", NULL);
    }
    end(st, true, &e, NULL);

    /* 9 of 40 newly listed = 22.5% > 20%, and >= 5: one anomaly event, about the
     * kind of the targets (no health was reported, so the kind is the targets'). */
    begin(st);
    for (int i = 0; i < 40; i++)
        dnsbl(st, targets[i], "w.example", i < 9 ? "127.0.0.2" : NULL);
    end(st, true, &e, NULL);
    const char *want[] = {"list_anomaly - w.example/ip4"};
    assert_events(&e, want, 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM intervals"), 0, "anomalous listings not recorded");
    cr_assert_eq(sql_int("SELECT new_listings FROM events WHERE type = 'list_anomaly'"), 9);

    /* Same again: no new event. */
    begin(st);
    for (int i = 0; i < 40; i++)
        dnsbl(st, targets[i], "w.example", i < 9 ? "127.0.0.2" : NULL);
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);

    /* Back to sane, with 2 real new listings (5%): recovered, and those two. */
    begin(st);
    for (int i = 0; i < 40; i++)
        dnsbl(st, targets[i], "w.example", i >= 38 ? "127.0.0.2" : NULL);
    end(st, true, &e, NULL);
    const char *want2[] = {"list_recovered - w.example/ip4", "new_listing 198.51.100.39 w.example",
                           "new_listing 198.51.100.40 w.example"};
    assert_events(&e, want2, 3);
    out_state_free(st);
}

Test(state, anomaly_threshold_share_and_minimum)
{
    struct out_state *st = open_store();
    struct events e;
    struct out_run_desc d = {.anomaly_share = 0.5, .anomaly_min = 2};

    /* A small pool: 2 of 3 new is 66% but the default minimum (5) keeps them listings. */
    begin(st);
    for (int i = 0; i < 3; i++)
        dnsbl(st, T[i], "s.example", NULL);
    end(st, true, &e, NULL);
    begin(st);
    for (int i = 0; i < 3; i++)
        dnsbl(st, T[i], "s.example", i < 2 ? "127.0.0.2" : NULL);
    end(st, true, &e, NULL);
    cr_assert_eq(e.n, 2);
    cr_assert_str_eq(e.lines[0], "new_listing 192.0.2.1 s.example");

    /* Configured: share 0.5, minimum 2; 2 of 4 is not more than half, 3 of 4 is. */
    for (int round = 0; round < 2; round++) {
        const char *list = round == 0 ? "t.example" : "u.example";
        int listed = round == 0 ? 2 : 3;
        cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
        for (int i = 0; i < 4; i++)
            dnsbl(st, T[i], list, NULL);
        end(st, true, &e, NULL);
        cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
        for (int i = 0; i < 4; i++)
            dnsbl(st, T[i], list, i < listed ? "127.0.0.2" : NULL);
        end(st, true, &e, NULL);
        if (round == 0) {
            cr_assert_eq(e.n, 2);
        } else {
            const char *want[] = {"list_anomaly - u.example/ip4"};
            assert_events(&e, want, 1);
        }
    }
    struct out_run_desc bad = {.anomaly_share = 1.5};
    cr_assert_eq(out_state_run_begin(st, &bad, NULL, NULL), -EINVAL);
    out_state_free(st);
}

/* --- incomplete, aborted and killed runs ------------------------------------ */

Test(state, incomplete_run_never_becomes_previous)
{
    struct out_state *st = open_store();
    struct events e;
    struct out_run_info info;
    char *doc = NULL;

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    end(st, true, &e, NULL);

    begin(st);
    int64_t incomplete = run_id;
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    end(st, false, &e, &doc);
    assert_events(&e, NULL, 0);
    cr_assert_not_null(strstr(doc, "\"status\":\"incomplete\",\"complete\":false"), "%s", doc);
    free(doc);
    cr_assert_eq(out_state_run_get(st, incomplete, &info, NULL), 0);
    cr_assert_str_eq(info.status, "incomplete");
    cr_assert_eq(info.results, 1);
    cr_assert_eq(info.listed, 1);
    cr_assert_eq(info.targets, 1);
    cr_assert_eq(out_state_last_complete(st, &info, NULL), 0);
    cr_assert_eq(info.id, 1);

    /* begin, record, close without end: aborted */
    begin(st);
    int64_t aborted = run_id;
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    out_state_free(st);
    st = open_store();
    cr_assert_eq(out_state_run_get(st, aborted, &info, NULL), 0);
    cr_assert_str_eq(info.status, "aborted");

    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    end(st, true, &e, &doc);
    const char *want[] = {"new_listing 192.0.2.1 a.example"};
    assert_events(&e, want, 1);
    cr_assert_not_null(strstr(doc, "\"previous_run\":{\"id\":1,"), "%s", doc);
    free(doc);
    out_state_free(st);
}

Test(state, kill_9_mid_run_leaves_last_complete_run)
{
    struct out_state *st = open_store();
    struct events e;
    pid_t pid;
    int status;

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    dnsbl(st, T[1], "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    out_state_free(st);

    pid = fork();
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        struct out_state_opts o = {.path = path};
        struct out_state *c = NULL;
        struct out_run_desc d = {0};
        if (out_state_open(&o, &c, NULL) != 0 || out_state_run_begin(c, &d, NULL, NULL) != 0)
            _exit(1);
        for (int i = 0; i < 2000; i++) {
            char t[32];
            snprintf(t, sizeof(t), "10.0.%d.%d", i / 256, i % 256);
            dnsbl(c, t, "a.example", "127.0.0.2");
        }
        dnsbl(c, T[0], "a.example", "127.0.0.2");
        dnsbl(c, T[1], "a.example", NULL);
        raise(SIGKILL);
        _exit(2);
    }
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

    /* history right after the crash (WAL recovery by a reader) */
    struct out_state_opts ro = {.path = path, .readonly = true};
    struct scan_diag diag = {0};
    char *hist = NULL;
    size_t hlen = 0;
    FILE *m = open_memstream(&hist, &hlen);
    cr_assert_eq(out_state_open(&ro, &st, &diag), 0, "%s", diag.msg);
    cr_assert_eq(out_state_history(st, NULL, m, false, &last), 0, "%s", last.msg);
    out_state_free(st);
    fclose(m);
    cr_assert_not_null(strstr(hist, "192.0.2.2 a.example listed"), "%s", hist);
    free(hist);

    st = open_store(); /* the kernel dropped the lock with the process */
    cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE status = 'aborted'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM dnsbl_state"), 2);
    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    dnsbl(st, T[1], "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    const char *want[] = {"new_listing 192.0.2.1 a.example"};
    assert_events(&e, want, 1);
    out_state_free(st);
    char *ok = sql_text("PRAGMA integrity_check");
    cr_assert_str_eq(ok, "ok");
    free(ok);
}

/*
 * A writer that completes run after run (run k lists target i iff (i + k) is
 * even, with started_ms = k) is killed at random moments, including during
 * commits (anomaly detection off: every run flips half the pool). After each
 * kill the store must be intact and hold exactly the
 * state of its last complete run.
 */
Test(state, kill_9_at_random_moments, .timeout = 60)
{
    srand((unsigned)time(NULL));
    for (int round = 0; round < 6; round++) {
        pid_t pid = fork();
        int status;
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            struct out_state_opts o = {.path = path, .wait_ms = 5000};
            struct out_state *c = NULL;
            if (out_state_open(&o, &c, NULL) != 0)
                _exit(1);
            for (int64_t k = 1000 * (round + 1);; k++) {
                struct out_run_desc d = {.started_ms = k, .anomaly_share = 1};
                struct out_run_end re = {.complete = true};
                if (out_state_run_begin(c, &d, NULL, NULL) != 0)
                    _exit(1);
                for (int i = 0; i < 300; i++) {
                    char t[32];
                    snprintf(t, sizeof(t), "10.1.%d.%d", i / 256, i % 256);
                    dnsbl(c, t, "a.example", (i + k) % 2 == 0 ? "127.0.0.2" : NULL);
                }
                if (out_state_run_end(c, &re, NULL, NULL) != 0)
                    _exit(1);
            }
        }
        struct timespec ts = {0, (long)(50 + rand() % 200) * 1000 * 1000};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        cr_assert_eq(waitpid(pid, &status, 0), pid);
        cr_assert(WIFSIGNALED(status), "writer failed on its own: %d", WEXITSTATUS(status));

        /* a reader first: it may have to run WAL recovery */
        struct out_state_opts ro = {.path = path, .readonly = true};
        struct out_state *r = NULL;
        struct scan_diag diag = {0};
        int ret = out_state_open(&ro, &r, &diag);
        /* killed before or between the migrations: no store yet, or an older schema */
        cr_assert(
            ret == 0 || ret == SCAN_ENOTFOUND ||
                (ret == SCAN_ESTATE && sql_int("PRAGMA user_version") < OUT_STATE_SCHEMA_VERSION),
            "%s", diag.msg);
        FILE *null = fopen("/dev/null", "w");
        cr_assert(!r || out_state_history(r, NULL, null, true, &last) == 0, "%s", last.msg);
        fclose(null);
        out_state_free(r);

        if (access(path, F_OK) != 0)
            continue; /* killed before SQLite created the file */
        char *ok = sql_text("PRAGMA integrity_check");
        cr_assert_str_eq(ok, "ok");
        free(ok);
        if (sql_int("SELECT count(*) FROM sqlite_schema WHERE name = 'runs'") != 1)
            continue; /* killed before the schema was created */
        int64_t k = sql_int("SELECT started_ms FROM runs WHERE status = 'complete'"
                            " ORDER BY id DESC LIMIT 1");
        if (k < 0)
            continue; /* killed before the first commit */
        int64_t listed = sql_int("SELECT count(*) FROM dnsbl_state WHERE listed = 1");
        cr_assert_eq(listed, 150);
        /* the listed targets are exactly those of run k */
        char q[256];
        snprintf(q, sizeof(q),
                 "SELECT count(*) FROM dnsbl_state WHERE listed = 1 AND"
                 " (CAST(substr(target, 8) AS INTEGER) + %" PRId64 ") %% 2 != 0",
                 k);
        cr_assert_eq(sql_int(q), 0, "state is not that of run %" PRId64, k);
        /* a new run opens fine and marks the killed one aborted */
        struct out_state *st = open_store();
        cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE status = 'running'"), 0);
        out_state_free(st);
    }
}

/* --- the lock --------------------------------------------------------------- */

Test(state, second_writer_is_refused_with_the_lock_named)
{
    struct out_state *st = open_store();
    struct out_state_opts o = {.path = path};
    struct out_state *b = NULL;
    struct scan_diag diag = {0};
    char want[256];

    cr_assert_eq(out_state_open(&o, &b, &diag), SCAN_ELOCKED);
    cr_assert_null(b);
    snprintf(want, sizeof(want), "lock %s.lock is held by pid %ld", path, (long)getpid());
    cr_assert_not_null(strstr(diag.msg, want), "%s", diag.msg);
    cr_assert_not_null(strstr(diag.msg, "--wait"), "%s", diag.msg);

    o.wait_ms = 150;
    cr_assert_eq(out_state_open(&o, &b, &diag), SCAN_ELOCKED);
    cr_assert_not_null(strstr(diag.msg, "gave up waiting"), "%s", diag.msg);

    /* readers take no lock */
    struct out_state_opts ro = {.path = path, .readonly = true};
    cr_assert_eq(out_state_open(&ro, &b, &diag), 0, "%s", diag.msg);
    out_state_free(b);
    out_state_free(st);

    o.wait_ms = 0;
    cr_assert_eq(out_state_open(&o, &b, &diag), 0, "released on free: %s", diag.msg);
    out_state_free(b);
}

Test(state, wait_gets_the_lock_when_released)
{
    int ready[2];
    char c;
    pid_t pid;

    cr_assert_eq(pipe(ready), 0);
    pid = fork();
    if (pid == 0) {
        struct out_state_opts o = {.path = path};
        struct out_state *st = NULL;
        if (out_state_open(&o, &st, NULL) != 0)
            _exit(1);
        if (write(ready[1], "x", 1) != 1)
            _exit(1);
        usleep(300 * 1000);
        out_state_free(st);
        _exit(0);
    }
    cr_assert_eq(read(ready[0], &c, 1), 1);

    struct out_state_opts o = {.path = path, .wait_ms = 0};
    struct out_state *st = NULL;
    struct scan_diag diag = {0};
    cr_assert_eq(out_state_open(&o, &st, &diag), SCAN_ELOCKED);
    char want[64];
    snprintf(want, sizeof(want), "held by pid %ld", (long)pid);
    cr_assert_not_null(strstr(diag.msg, want), "%s", diag.msg);

    o.wait_ms = -1;
    cr_assert_eq(out_state_open(&o, &st, &diag), 0, "%s", diag.msg);
    out_state_free(st);
    int status;
    waitpid(pid, &status, 0);
    cr_assert_eq(WEXITSTATUS(status), 0);
}

/* --- schema ----------------------------------------------------------------- */

Test(state, schema_version_and_migration_v1_to_v2)
{
    struct out_state_opts o = {.path = path, .schema_version = 1};
    struct out_state *st = NULL;
    struct events e;
    struct scan_diag diag = {0};

    cr_assert_eq(out_state_open(&o, &st, &diag), 0, "%s", diag.msg);
    cr_assert_eq(out_state_schema_version(st), 1);
    out_state_free(st);
    cr_assert_eq(sql_int("PRAGMA user_version"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM pragma_table_info('runs')"
                         " WHERE name = 'anomaly_share'"),
                 0);
    cr_assert_eq(sql_int("PRAGMA application_id"), 0x44424c53);

    /* A v1 store with a run in it (written as v1 would have). */
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO runs (status, started_ms, ended_ms)"
                              " VALUES ('complete', 1000, 2000);"
                              "INSERT INTO dnsbl_state VALUES ('192.0.2.1', 'a.example',"
                              " 'a.example', 1, '127.0.0.2', '{\"status\":\"listed\","
                              "\"codes\":[\"127.0.0.2\"]}', 1000, 1);",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);

    st = open_store();
    cr_assert_eq(out_state_schema_version(st), OUT_STATE_SCHEMA_VERSION);
    cr_assert_eq(sql_int("PRAGMA user_version"), OUT_STATE_SCHEMA_VERSION);
    cr_assert_eq(sql_int("SELECT count(*) FROM pragma_table_info('runs')"
                         " WHERE name = 'anomaly_share'"),
                 1);
    /* the migrated state is the baseline of the next run */
    begin(st);
    dnsbl(st, "192.0.2.1", "a.example", NULL);
    end(st, true, &e, NULL);
    const char *want[] = {"delisted 192.0.2.1 a.example"};
    assert_events(&e, want, 1);
    out_state_free(st);
}

/* A store created at schema @p version, then @p sql run on it by hand (what an
 * older dnsbl-scan would have written). */
static void old_store(int version, const char *sql)
{
    struct out_state_opts o = {.path = path, .schema_version = version};
    struct out_state *st = NULL;
    sqlite3 *db = NULL;
    struct scan_diag diag = {0};

    cr_assert_eq(out_state_open(&o, &st, &diag), 0, "%s", diag.msg);
    out_state_free(st);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* The store opened read-only, as `history` does: never migrated. */
static struct out_state *open_reader(void)
{
    struct out_state_opts ro = {.path = path, .readonly = true};
    struct out_state *st = NULL;
    struct scan_diag diag = {0};

    cr_assert_eq(out_state_open(&ro, &st, &diag), 0, "%s", diag.msg);
    return st;
}

/* v2 kept one health per list; v3 keeps one per (list, kind). The v2 row becomes
 * the list's row for every kind (kind ''), the previous status of each kind until
 * that kind has its own; an old store stays readable without a migration. */
Test(state, migration_v2_to_v3_health_per_kind)
{
    struct out_state *st = NULL;
    struct events e;

    old_store(2, "INSERT INTO runs (status, started_ms, ended_ms)"
                 " VALUES ('complete', 1000, 2000);"
                 "INSERT INTO list_state VALUES ('a.example', 'a.example',"
                 " 'unhealthy', 'blocked', 1000, 1);"
                 "INSERT INTO events (run_id, type, check_name, list_key, list,"
                 " before, after, reason) VALUES (1, 'list_unhealthy', 'dnsbl',"
                 " 'a.example', 'a.example', '{\"status\":\"healthy\"}',"
                 " '{\"status\":\"unhealthy\"}', 'blocked');");

    /* a reader takes the v2 store as it is */
    st = open_reader();
    cr_assert_eq(out_state_schema_version(st), 2);
    struct out_delta *d = NULL;
    struct out_delta_opts dop = {.on_event = collect, .arg = &e};
    memset(&e, 0, sizeof(e));
    cr_assert_eq(out_delta_new(&dop, &d), 0);
    cr_assert_eq(out_state_delta(st, 1, d, &last), 0, "%s", last.msg);
    out_delta_free(d);
    const char *old[] = {"list_unhealthy - a.example"};
    assert_events(&e, old, 1);
    out_state_free(st);
    cr_assert_eq(sql_int("PRAGMA user_version"), 2, "a reader never migrates");

    st = open_store();
    cr_assert_eq(sql_int("PRAGMA user_version"), OUT_STATE_SCHEMA_VERSION);
    cr_assert_eq(sql_int("SELECT count(*) FROM list_state WHERE list_key = 'a.example'"
                         " AND kind = '' AND status = 'unhealthy'"),
                 1);
    /* ip4 recovers (its previous status is the list's), ip6 is still blocked: no
     * event for it, its state carries forward */
    begin(st);
    health_kind(st, "a.example", "ip4", true);
    health_kind(st, "a.example", "ip6", false);
    dnsbl(st, "192.0.2.1", "a.example", "127.0.0.2");
    dnsbl(st, "2001:db8::1", "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    const char *want[] = {"list_recovered - a.example/ip4"};
    assert_events(&e, want, 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM dnsbl_state WHERE target = '2001:db8::1'"), 0,
                 "nothing of a kind the list is unhealthy for is applied");
    cr_assert_eq(sql_int("SELECT count(*) FROM dnsbl_state WHERE target = '192.0.2.1'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM list_state WHERE list_key = 'a.example'"), 3);
    out_state_free(st);
}

/* One list, two kinds: a fault for IPv6 holds back IPv6 changes only, and its
 * events say which kind they are about. */
Test(state, health_per_kind_gates_only_that_kind)
{
    struct out_state *st = open_store();
    struct events e;
    char *doc = NULL;

    begin(st);
    health_kind(st, "a.example", "ip4", true);
    health_kind(st, "a.example", "ip6", true);
    dnsbl(st, "192.0.2.1", "a.example", "127.0.0.2");
    dnsbl(st, "2001:db8::1", "a.example", NULL);
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);

    begin(st);
    health_kind(st, "a.example", "ip4", true);
    health_kind(st, "a.example", "ip6", false);
    dnsbl(st, "192.0.2.1", "a.example", NULL);
    dnsbl(st, "2001:db8::1", "a.example", "127.0.0.2");
    end(st, true, &e, &doc);
    const char *want[] = {"list_unhealthy - a.example/ip6", "delisted 192.0.2.1 a.example"};
    assert_events(&e, want, 2);
    cr_assert_not_null(strstr(doc, "\"type\":\"list_unhealthy\",\"check\":\"dnsbl\","
                                   "\"target\":null,\"list\":\"a.example\",\"list_id\":"
                                   "\"a.example\",\"kind\":\"ip6\""),
                       "%s", doc);
    free(doc);

    begin(st);
    health_kind(st, "a.example", "ip4", true);
    health_kind(st, "a.example", "ip6", true);
    dnsbl(st, "192.0.2.1", "a.example", NULL);
    dnsbl(st, "2001:db8::1", "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    const char *want3[] = {"list_recovered - a.example/ip6", "new_listing 2001:db8::1 a.example"};
    assert_events(&e, want3, 2);
    out_state_free(st);
}

Test(state, refuses_newer_foreign_and_garbage)
{
    struct out_state_opts o = {.path = path};
    struct out_state *st = NULL;
    sqlite3 *db = NULL;
    struct scan_diag diag = {0};

    st = open_store();
    out_state_free(st);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL);
    sqlite3_close(db);
    cr_assert_eq(out_state_open(&o, &st, &diag), SCAN_ESTATE);
    char want[64];
    snprintf(want, sizeof(want), "schema v99, newer than this dnsbl-scan (v%d)",
             OUT_STATE_SCHEMA_VERSION);
    cr_assert_not_null(strstr(diag.msg, want), "%s", diag.msg);

    unlink(path);
    char wal[160];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    unlink(wal);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE mail (id INTEGER)", NULL, NULL, NULL);
    sqlite3_close(db);
    cr_assert_eq(out_state_open(&o, &st, &diag), SCAN_ESTATE);
    cr_assert_not_null(strstr(diag.msg, "not a dnsbl-scan state store"), "%s", diag.msg);

    unlink(path);
    FILE *f = fopen(path, "w");
    fputs("this is not a database, just some text that is long enough to have a header....\n", f);
    fclose(f);
    cr_assert_eq(out_state_open(&o, &st, &diag), SCAN_ESTATE);
    cr_assert_not_null(strstr(diag.msg, "not a usable state store"), "%s", diag.msg);
    cr_assert_null(st);
}

Test(state, readonly_needs_a_store)
{
    struct out_state_opts o = {.path = path, .readonly = true};
    struct out_state *st = NULL;
    struct scan_diag diag = {0};

    cr_assert_eq(out_state_open(&o, &st, &diag), SCAN_ENOTFOUND);
    cr_assert_not_null(strstr(diag.msg, "no state store at"), "%s", diag.msg);
    struct out_run_desc d = {0};
    st = open_store();
    out_state_free(st);
    cr_assert_eq(out_state_open(&o, &st, &diag), 0, "%s", diag.msg);
    cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), -EINVAL);
    out_state_free(st);
}

Test(state, create_parent_and_default_path)
{
    char nested[200], buf[256];
    struct out_state_opts o = {.path = nested, .create_parent = true};
    struct out_state *st = NULL;

    snprintf(nested, sizeof(nested), "%s/a/b/state.db", dir);
    cr_assert_eq(out_state_open(&o, &st, NULL), 0);
    out_state_free(st);
    cr_assert_eq(access(nested, F_OK), 0);

    setenv("STATE_DIRECTORY", "/var/lib/dnsbl-scan:/other", 1);
    cr_assert_eq(out_state_default_path(buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "/var/lib/dnsbl-scan/state.db");
    unsetenv("STATE_DIRECTORY");
    if (geteuid() != 0) {
        setenv("XDG_STATE_HOME", "/home/u/.state", 1);
        cr_assert_eq(out_state_default_path(buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "/home/u/.state/dnsbl-scan/state.db");
        unsetenv("XDG_STATE_HOME");
        setenv("HOME", "/home/u", 1);
        cr_assert_eq(out_state_default_path(buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "/home/u/.local/state/dnsbl-scan/state.db");
    } else {
        cr_assert_eq(out_state_default_path(buf, sizeof(buf)), 0);
        cr_assert_str_eq(buf, "/var/lib/dnsbl-scan/state.db");
    }
    cr_assert_eq(out_state_default_path(buf, 8), -ENAMETOOLONG);
}

/* --- history ----------------------------------------------------------------- */

Test(state, history_intervals_and_changes)
{
    struct out_state *st = open_store();
    struct events e;
    struct out_run_desc d = {0};
    char *text = NULL;
    size_t len = 0;
    const int64_t hour = 3600 * 1000, t0 = 1767225600000; /* 2026-01-01T00:00:00Z */
    const char *listing[] = {"127.0.0.2", "127.0.0.2", NULL, "127.0.0.2", "127.0.0.3"};

    for (int k = 0; k < 5; k++) {
        d.started_ms = t0 + k * hour;
        cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
        dnsbl(st, T[0], "a.example", listing[k]);
        dnsbl(st, T[1], "a.example", NULL);
        rec(st, T[0], "fcrdns", k < 2 ? "pass" : "fail", "mail.example.");
        end(st, true, &e, NULL);
        cr_assert_eq(out_state_delivered(st, k + 1, NULL), 0,
                     "delivered at once: no delivery lines");
    }
    out_state_free(st);

    struct out_state_opts ro = {.path = path, .readonly = true};
    cr_assert_eq(out_state_open(&ro, &st, NULL), 0);
    FILE *m = open_memstream(&text, &len);
    cr_assert_eq(out_state_history(st, T[0], m, false, NULL), 0);
    fclose(m);
    cr_assert_str_eq(text, "192.0.2.1 a.example listed 2026-01-01T00:00:00Z .. "
                           "2026-01-01T02:00:00Z codes 127.0.0.2\n"
                           "192.0.2.1 fcrdns changed 2026-01-01T02:00:00Z pass -> fail\n"
                           "192.0.2.1 a.example listed 2026-01-01T03:00:00Z .. "
                           "2026-01-01T04:00:00Z codes 127.0.0.2\n"
                           "192.0.2.1 a.example listed 2026-01-01T04:00:00Z .. now codes "
                           "127.0.0.3 (last seen 2026-01-01T04:00:00Z)\n");
    free(text);

    text = NULL;
    m = open_memstream(&text, &len);
    cr_assert_eq(out_state_history(st, NULL, m, true, NULL), 0);
    fclose(m);
    cr_assert_not_null(strstr(text, "{\"kind\":\"listing\",\"target\":\"192.0.2.1\",\"list\":"
                                    "\"a.example\",\"list_id\":\"a.example\",\"codes\":"
                                    "[\"127.0.0.2\"],\"first_seen\":\"2026-01-01T00:00:00Z\","
                                    "\"last_seen\":\"2026-01-01T01:00:00Z\",\"cleared\":"
                                    "\"2026-01-01T02:00:00Z\"}\n"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "\"kind\":\"change\",\"target\":\"192.0.2.1\",\"check\":"
                                    "\"fcrdns\",\"type\":\"fcrdns_changed\""),
                       "%s", text);
    free(text);

    text = NULL;
    m = open_memstream(&text, &len);
    cr_assert_eq(out_state_history(st, "203.0.113.9", m, false, NULL), 0);
    fclose(m);
    cr_assert_str_eq(text, "");
    free(text);
    out_state_free(st);
}

Test(state, replay_delta_and_counts)
{
    struct out_state *st = open_store();
    struct events e;
    struct out_run_info info;
    char *doc = NULL;
    size_t len = 0;

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    rec(st, T[0], "fcrdns", "error", NULL);
    end(st, true, &e, NULL);
    begin(st);
    int64_t second = run_id;
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    dnsbl(st, T[1], "a.example", "error");
    dnsbl(st, T[0], "a.example", NULL); /* duplicate: the first non-error one stays */
    end(st, true, &e, NULL);
    cr_assert_eq(e.n, 1);

    cr_assert_eq(out_state_run_get(st, second, &info, NULL), 0);
    cr_assert_str_eq(info.status, "complete");
    cr_assert_eq(info.targets, 2);
    cr_assert_eq(info.results, 3);
    cr_assert_eq(info.errors, 1);
    cr_assert_eq(info.listed, 1);
    cr_assert_eq(sql_int("SELECT n_events FROM runs WHERE id = 2"), 1);

    FILE *m = open_memstream(&doc, &len);
    struct out_delta_opts o = {.json = m};
    struct out_delta *d = NULL;
    cr_assert_eq(out_delta_new(&o, &d), 0);
    cr_assert_eq(out_state_delta(st, second, d, NULL), 0);
    cr_assert_eq(out_delta_count(d, OUT_EV_NEW_LISTING), 1);
    out_delta_free(d);
    fclose(m);
    cr_assert_not_null(strstr(doc, "\"type\":\"new_listing\""));
    free(doc);
    cr_assert_eq(out_state_run_get(st, 99, &info, NULL), SCAN_ENOTFOUND);
    out_state_free(st);
    out_state_free(NULL);
}

Test(state, bad_calls)
{
    struct out_state *st = open_store();
    struct scan_result r =
        rf_typed(&(struct scan_result){.target = "x", .check = "dnsbl", .status = "clean"});
    struct out_run_end re = {.complete = true};
    struct out_run_desc d = {0};

    cr_assert_eq(out_state_record(st, &r, NULL), -EINVAL, "no run open");
    cr_assert_eq(out_state_run_end(st, &re, NULL, NULL), -EINVAL);
    cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
    cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), -EINVAL, "one run at a time");
    cr_assert_eq(out_state_record(st, &r, NULL), -EINVAL, "DNSBL result without a list");
    cr_assert_eq(out_state_run_end(st, &re, NULL, NULL), 0);
    out_state_free(st);

    struct out_state_opts o = {0};
    cr_assert_eq(out_state_open(&o, &st, NULL), -EINVAL);
}

/* A call that fails inside SQLite says what failed in its diag, and the message
 * belongs to that call only: the next failure that is not SQLite's leaves the
 * caller's diag as it was. */
Test(state, sqlite_failures_fill_the_diag)
{
    struct out_state *st = open_store();
    struct out_run_desc d = {0};
    struct out_run_end re = {.complete = true};
    struct scan_diag diag = {0};
    sqlite3 *db = NULL;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "ALTER TABLE runs RENAME TO gone", NULL, NULL, NULL), SQLITE_OK,
                 "%s", sqlite3_errmsg(db));
    sqlite3_close(db);

    int ret = out_state_run_begin(st, &d, NULL, &diag);
    cr_assert_eq(ret, SCAN_ESTATE, "%s", scan_strerror(ret));
    cr_assert_eq(strncmp(diag.msg, "state store: new run: ", 22), 0, "%s", diag.msg);
    cr_assert_not_null(strstr(diag.msg, "no such table"), "%s", diag.msg);
    cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), SCAN_ESTATE, "NULL: no message");

    strcpy(diag.msg, "untouched");
    cr_assert_eq(out_state_run_end(st, &re, NULL, &diag), -EINVAL, "no run open");
    cr_assert_str_eq(diag.msg, "untouched");

    FILE *null = fopen("/dev/null", "w");
    cr_assert_not_null(null);
    cr_assert_neq(out_state_history(st, NULL, null, false, &diag), 0);
    cr_assert_eq(strncmp(diag.msg, "state store: history: ", 22), 0, "%s", diag.msg);
    fclose(null);
    out_state_free(st);
}

Test(state, record_identity_scope_and_volatile_detail)
{
    struct out_state *st = open_store();
    struct events e;

    begin(st);
    rec(st, T[0], "spf-auth", "pass", "a.example");
    rec(st, T[0], "spf-auth", "fail", "b.example");
    rec(st, "example.test", "spf", "valid", "v=spf1 -all");
    end(st, true, &e, NULL);

    /* Same findings, other counters, the two domains reported in the other order:
     * nothing changed, but the stored detail follows the latest result. */
    begin(st);
    rec(st, T[0], "spf-auth", "fail", "b.example");
    rec(st, T[0], "spf-auth", "pass", "a.example");
    rec(st, "example.test", "spf", "valid", "v=spf1 -all");
    end(st, true, &e, NULL);
    assert_events(&e, NULL, 0);
    cr_assert_eq(sql_int("SELECT count(*) FROM record_state WHERE check_name = 'spf-auth'"), 2);
    cr_assert_eq(sql_int("SELECT json_extract(detail, '$.lookups') FROM record_state"
                         " WHERE check_name = 'spf'"),
                 6);

    begin(st);
    rec(st, T[0], "spf-auth", "pass", "a.example");
    rec(st, T[0], "spf-auth", "pass", "b.example");
    rec(st, "example.test", "spf", "valid", "v=spf1 -all");
    end(st, true, &e, NULL);
    const char *want[] = {"spf_changed 192.0.2.1 spf-auth"};
    assert_events(&e, want, 1);
    out_state_free(st);
}

Test(state, run_records_what_it_covers)
{
    struct out_state *st = open_store();
    const char *targets[] = {"192.0.2.0/24", "@/etc/x \"y\".txt"};
    const char *lists[] = {"spamhaus-zen", "bl.spamcop.net"};
    const char *checks[] = {"dnsbl", "fcrdns"};
    struct out_run_desc d = {.targets = targets,
                             .ntargets = 2,
                             .lists = lists,
                             .nlists = 2,
                             .checks = checks,
                             .nchecks = 2,
                             .started_ms = 1000,
                             .anomaly_share = 0.5,
                             .anomaly_min = 3};
    struct out_run_end re = {.complete = true, .ended_ms = 4000};
    struct out_run_info info;
    char *v;

    cr_assert_eq(out_state_run_begin(st, &d, &run_id, NULL), 0);
    cr_assert_eq(out_state_run_end(st, &re, NULL, NULL), 0);
    v = sql_text("SELECT targets || lists || checks FROM runs WHERE id = 1");
    cr_assert_str_eq(v, "[\"192.0.2.0/24\",\"@/etc/x \\\"y\\\".txt\"]"
                        "[\"spamhaus-zen\",\"bl.spamcop.net\"][\"dnsbl\",\"fcrdns\"]");
    free(v);
    cr_assert_eq(sql_int("SELECT anomaly_min FROM runs WHERE id = 1"), 3);
    cr_assert_eq(out_state_last_complete(st, &info, NULL), 0);
    cr_assert_eq(info.started_ms, 1000);
    cr_assert_eq(info.ended_ms, 4000);
    out_state_free(st);
}

/* --- delivery (schema v4) ------------------------------------------------- */

/*
 * Run 2 finds a listing and cannot deliver it; run 3 finds nothing new and
 * delivers run 2's event first, marked redelivered with run 2's id; run 4 has
 * nothing to deliver. An incomplete run delivers what is pending too.
 */
Test(state, undelivered_events_are_delivered_by_the_next_run_once)
{
    struct out_state *st = open_store();
    struct events e;
    char *doc = NULL;

    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    end(st, true, &e, NULL);
    cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE delivery IS NOT NULL"), 0,
                 "a run without events has nothing to deliver");

    begin(st);
    struct scan_result r = {.target = T[0],
                            .check = "dnsbl",
                            .list = "a.example",
                            .list_id = "a.example",
                            .status = "listed",
                            .klass = SCAN_CLASS_LISTING,
                            .pool = "marketing"};
    struct scan_result t = rf_typed(&r);
    cr_assert_eq(out_state_record(st, &t, NULL), 0);
    end(st, true, &e, NULL);
    int64_t r2 = run_id;
    cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE delivery = 'pending'"), 1);
    cr_assert_eq(sql_int("SELECT count(*) FROM events WHERE pool = 'marketing'"), 1);
    delivery(st, r2, &e, NULL);
    const char *own[] = {"new_listing 192.0.2.1 a.example"};
    assert_events(&e, own, 1);
    cr_assert_eq(out_state_delivery_failed(st, r2, "--on-change: exited with status 1", NULL), 0);

    begin(st);
    cr_assert_eq(out_state_record(st, &t, NULL), 0);
    end(st, true, &e, NULL);
    cr_assert_eq(e.n, 0, "run 3 finds nothing new");
    int64_t r3 = run_id;
    delivery(st, r3, &e, &doc);
    assert_events(&e, own, 1);
    cr_assert(strstr(doc, "\"pool\":\"marketing\",\"run_id\":2,\"redelivered\":true}"), "%s", doc);
    cr_assert(strstr(doc, "\"total\":1,\"redelivered\":1}"), "%s", doc);
    cr_assert(strstr(doc, "{\"run\":{\"id\":3,"), "the document is run 3's: %s", doc);
    free(doc);
    cr_assert_eq(out_state_delivered(st, r3, NULL), 0);
    cr_assert_eq(sql_int("SELECT delivered_by FROM runs WHERE id = 2"), r3);
    cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE delivery = 'pending'"), 0);
    char *err = sql_text("SELECT delivery_error FROM runs WHERE id = 2");
    cr_assert_str_eq(err, "--on-change: exited with status 1", "history keeps why");
    free(err);
    size_t hlen = 0;
    char *hist = NULL;
    FILE *h = open_memstream(&hist, &hlen);
    cr_assert_eq(out_state_history(st, NULL, h, false, NULL), 0);
    fclose(h);
    cr_assert(strstr(hist, " delivery failed: --on-change: exited with status 1; its events "
                           "were delivered by run 3\n"),
              "%s", hist);
    cr_assert(strstr(hist, "run 2 "), "%s", hist);
    free(hist);

    /* delivered is delivered: neither a complete nor an incomplete run sends it again */
    begin(st);
    cr_assert_eq(out_state_record(st, &t, NULL), 0);
    end(st, true, &e, NULL);
    delivery(st, run_id, &e, NULL);
    cr_assert_eq(e.n, 0);

    /* an incomplete run (interrupted) still delivers what an earlier run could not */
    begin(st);
    dnsbl(st, T[0], "a.example", NULL);
    end(st, true, &e, NULL);
    int64_t r5 = run_id;
    cr_assert_eq(e.n, 1, "delisted");
    begin(st);
    end(st, false, &e, NULL);
    delivery(st, run_id, &e, NULL);
    const char *again[] = {"delisted 192.0.2.1 a.example"};
    assert_events(&e, again, 1);
    cr_assert_eq(out_state_delivered(st, run_id, NULL), 0);
    char *state = sql_text("SELECT delivery FROM runs WHERE id = 5");
    cr_assert_str_eq(state, "delivered");
    free(state);
    cr_assert_eq(r5, 5);
    out_state_free(st);
}

/* A v3 store migrates to v4 without re-sending anything it sent the old way. */
Test(state, migration_v3_to_v4_sends_nothing_old)
{
    struct out_state *st = NULL;
    struct events e;

    old_store(3, "INSERT INTO runs (status, started_ms, ended_ms, n_events)"
                 " VALUES ('complete', 1000, 2000, 0), ('complete', 3000, 4000, 1);"
                 "INSERT INTO events (run_id, type, check_name, target, list_key,"
                 " list, before, after) VALUES (2, 'new_listing', 'dnsbl',"
                 " '192.0.2.1', 'a.example', 'a.example', '{\"status\":\"clean\"}',"
                 " '{\"status\":\"listed\"}');");

    /* a reader reads the v3 events, without a pool */
    st = open_reader();
    delivery(st, 2, &e, NULL);
    const char *old[] = {"new_listing 192.0.2.1 a.example"};
    assert_events(&e, old, 1);
    out_state_free(st);
    cr_assert_eq(sql_int("PRAGMA user_version"), 3);

    st = open_store();
    cr_assert_eq(sql_int("PRAGMA user_version"), 4);
    cr_assert_eq(sql_int("SELECT count(*) FROM runs WHERE delivery IS NULL"), 2);
    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    end(st, true, &e, NULL);
    delivery(st, run_id, &e, NULL);
    cr_assert_eq(e.n, 0, "events of a v3 run went out then");
    out_state_free(st);
}

/* --- reading for reports ---------------------------------------------------- */

static int note_run(void *arg, const struct out_run_row *r)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 512 - len, "%" PRId64 " %s [%s] [%s] [%s]\n", r->info.id, r->info.status,
             r->targets, r->lists, r->checks);
    return 0;
}

static int note_interval(void *arg, const struct out_interval *iv)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 1024 - len, "%s %s %s %" PRId64 "..%" PRId64 "\n", iv->target, iv->list_key,
             iv->codes, iv->first_seen_ms, iv->cleared_ms);
    return 0;
}

static int note_list(void *arg, const struct out_list_status *ls)
{
    static const char *const words[] = {"healthy", "unhealthy", "anomalous"};
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 4096 - len, "list %s/%s %s %s %s %" PRIu64 "/%" PRIu64 "\n", ls->list_key,
             ls->kind ? ls->kind : "*", words[ls->health],
             ls->why ? scan_reason_word(ls->why) : "-", ls->detail ? ls->detail : "-",
             ls->new_listings, ls->scanned);
    return 0;
}

static int note_result(void *arg, const struct out_stored_result *r)
{
    char *buf = arg;
    size_t len = strlen(buf);
    snprintf(buf + len, 4096 - len, "%s %s %s %s%s%s\n", r->target,
             r->list_key ? r->list_key : r->check, scan_outcome_word(r->outcome),
             scan_status_word(r->st), r->why ? " " : "", r->why ? scan_reason_word(r->why) : "");
    return 0;
}

/* The issue's two runs, with the lists and checks on record: what a report reads. */
Test(state, report_reads_runs_intervals_and_last_known_state)
{
    struct out_state *st = open_store();
    const char *targets[] = {"192.0.2.0/29", "example.test"};
    const char *lists[] = {"a.example", "b.example", "c.example", "d.example"};
    const char *checks[] = {"dnsbl", "fcrdns", "spf", "dmarc"};
    struct out_run_desc d = {.targets = targets,
                             .ntargets = 2,
                             .lists = lists,
                             .nlists = 4,
                             .checks = checks,
                             .nchecks = 4};
    struct events e;
    char runs[512] = "", ivs[1024] = "", state[4096] = "";

    for (int v = 1; v <= 2; v++) {
        d.started_ms = v * 1000000;
        cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
        world(st, v);
        end(st, true, &e, NULL);
    }
    /* an interrupted run is listed, and changes nothing */
    d.started_ms = 3000000;
    cr_assert_eq(out_state_run_begin(st, &d, NULL, NULL), 0);
    dnsbl(st, T[7], "a.example", "127.0.0.2");
    end(st, false, &e, NULL);
    out_state_free(st);

    struct out_state_opts ro = {.path = path, .readonly = true};
    cr_assert_eq(out_state_open(&ro, &st, NULL), 0);
    cr_assert_eq(out_state_runs(st, 1500000, note_run, runs, NULL), 0);
    cr_assert_str_eq(runs, "3 incomplete [192.0.2.0/29 example.test] [a.example b.example "
                           "c.example d.example] [dnsbl fcrdns spf dmarc]\n"
                           "2 complete [192.0.2.0/29 example.test] [a.example b.example "
                           "c.example d.example] [dnsbl fcrdns spf dmarc]\n");

    /* run 2 cleared a's .2 and .3 (code change): both reach into the window */
    cr_assert_eq(out_state_intervals(st, 2000000, note_interval, ivs, NULL), 0);
    cr_assert_str_eq(ivs, "192.0.2.1 a.example 127.0.0.2 2000000..0\n"
                          "192.0.2.2 a.example 127.0.0.2 1000000..2000000\n"
                          "192.0.2.3 a.example 127.0.0.2 1000000..2000000\n"
                          "192.0.2.3 a.example 127.0.0.3 2000000..0\n"
                          "192.0.2.4 b.example 127.0.0.2 1000000..0\n"
                          "192.0.2.5 d.example 127.0.0.2 1000000..0\n");
    ivs[0] = '\0';
    cr_assert_eq(out_state_intervals(st, 2000001, note_interval, ivs, NULL), 0);
    cr_assert_null(strstr(ivs, "..2000000"), "%s", ivs);

    struct out_replay cb = {.list = note_list, .result = note_result, .arg = state};
    cr_assert_eq(out_state_replay(st, &cb, NULL), 0);
    /* lists: c newly listed all 8 (anomalous), d stopped answering (unhealthy) */
    cr_assert_not_null(strstr(state, "list a.example/* healthy - - 0/0\n"), "%s", state);
    cr_assert_not_null(strstr(state, "list c.example/* anomalous - - 8/8\n"), "%s", state);
    cr_assert_not_null(
        strstr(state, "list d.example/* unhealthy unhealthy every query timed out 0/0\n"), "%s",
        state);
    /* a listing carries forward through an unhealthy list; a clean result is open */
    cr_assert_not_null(strstr(state, "192.0.2.5 d.example listed listed\n"), "%s", state);
    cr_assert_not_null(strstr(state, "192.0.2.6 d.example error error unhealthy\n"), "%s", state);
    /* the anomalous list's listings are held back: the last known state is clean */
    cr_assert_not_null(strstr(state, "192.0.2.6 c.example ok clean\n"), "%s", state);
    cr_assert_not_null(strstr(state, "192.0.2.3 a.example listed listed\n"), "%s", state);
    cr_assert_not_null(strstr(state, "192.0.2.2 a.example ok clean\n"), "%s", state);
    /* record checks of the run's checks only (mx was recorded but is not in its scope) */
    cr_assert_not_null(strstr(state, "192.0.2.1 fcrdns problem fail\n"), "%s", state);
    cr_assert_not_null(strstr(state, "example.test spf ok valid\n"), "%s", state);
    cr_assert_null(strstr(state, "example.test mx"), "%s", state);
    /* DNSBL results come by target, then list */
    cr_assert_lt(strstr(state, "192.0.2.1 a.example"), strstr(state, "192.0.2.1 b.example"));
    out_state_free(st);
}

Test(state, report_replays_nothing_before_a_complete_run)
{
    struct out_state *st = open_store();
    char state[4096] = "";
    struct out_replay cb = {.list = note_list, .result = note_result, .arg = state};
    struct events e;

    begin(st);
    dnsbl(st, T[0], "a.example", "127.0.0.2");
    end(st, false, &e, NULL);
    cr_assert_eq(out_state_replay(st, &cb, NULL), 0);
    cr_assert_str_eq(state, "");
    out_state_free(st);
}

/* A v2 store (list health without a kind, events without one) reads too. */
Test(state, report_reads_a_v2_store)
{
    struct out_state_opts o = {.path = path, .schema_version = 2};
    struct out_state *st = NULL;
    char state[4096] = "";
    struct out_replay cb = {.list = note_list, .result = note_result, .arg = state};
    sqlite3 *db = NULL;

    cr_assert_eq(out_state_open(&o, &st, NULL), 0);
    out_state_free(st);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db,
                              "INSERT INTO runs (status, started_ms, ended_ms, lists, checks)"
                              " VALUES ('complete', 1000, 2000, '[\"a.example\"]', '[\"dnsbl\"]');"
                              "INSERT INTO list_state VALUES ('a.example', 'a.example',"
                              " 'unhealthy', 'blocked', 1000, 1);"
                              "INSERT INTO dnsbl_state VALUES ('192.0.2.1', 'a.example',"
                              " 'a.example', 0, '', '{\"status\":\"clean\"}', 1000, 1);"
                              "INSERT INTO events (run_id, type, check_name, list_key, list,"
                              " before, after, reason, detail) VALUES (1, 'list_unhealthy',"
                              " 'dnsbl', 'a.example', 'a.example', '{\"status\":\"healthy\"}',"
                              " '{\"status\":\"unhealthy\"}', 'blocked', 'refuses us');",
                              NULL, NULL, NULL),
                 SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);

    struct out_state_opts ro = {.path = path, .readonly = true};
    cr_assert_eq(out_state_open(&ro, &st, NULL), 0);
    cr_assert_eq(out_state_schema_version(st), 2);
    cr_assert_eq(out_state_replay(st, &cb, &last), 0, "%s", last.msg);
    cr_assert_str_eq(state, "list a.example/* unhealthy blocked refuses us 0/0\n"
                            "192.0.2.1 a.example error error blocked\n");
    out_state_free(st);
}
