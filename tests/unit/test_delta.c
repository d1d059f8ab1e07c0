/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of output/store/delta.c: the delta document, event lines, counts and the
 * canonical result JSON. JSON is checked with SQLite's JSON functions.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "output/store/delta.h"
#include "scanner/core/err.h"
#include "tests/unit/result_fixture.h"

/* Evaluate "SELECT <expr>" with ?1 bound to @p json; returns a malloc'd string or NULL. */
static char *jq(const char *json, const char *expr)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    char sql[512];
    char *out = NULL;

    cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
    snprintf(sql, sizeof(sql), "SELECT %s", expr);
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
        out = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

static void assert_jq(const char *json, const char *expr, const char *want)
{
    char *got = jq(json, expr);
    if (!want)
        cr_assert_null(got, "%s: got %s", expr, got);
    else
        cr_assert(got && strcmp(got, want) == 0, "%s: got '%s', want '%s'\n%s", expr,
                  got ? got : "(null)", want, json);
    free(got);
}

static const struct out_run_info run2 = {
    .id = 2,
    .started_ms = 1767225600000, /* 2026-01-01T00:00:00Z */
    .ended_ms = 1767225601500,
    .status = "complete",
    .targets = 4,
    .results = 10,
    .listed = 2,
    .errors = 1,
};
static const struct out_run_info run1 = {
    .id = 1, .started_ms = 1767222000000, .ended_ms = 1767222001000, .status = "complete"};

Test(delta, type_names_round_trip)
{
    for (int i = 0; i < OUT_EV_COUNT; i++) {
        enum out_event_type t;
        cr_assert_eq(out_event_type_parse(out_event_type_name(i), &t), 0);
        cr_assert_eq((int)t, i);
    }
    cr_assert_str_eq(out_event_type_name(OUT_EV_LIST_ANOMALY), "list_anomaly");
    cr_assert_str_eq(out_event_type_name(OUT_EV_COUNT), "unknown");
    enum out_event_type t;
    cr_assert_eq(out_event_type_parse("listed", &t), SCAN_ENOTFOUND);
}

Test(delta, iso8601)
{
    char buf[32];
    cr_assert_eq(out_iso8601(1767225601500, buf, sizeof(buf)), 0);
    cr_assert_str_eq(buf, "2026-01-01T00:00:01Z");
    cr_assert_eq(out_iso8601(0, buf, 5), -ERANGE);
}

Test(delta, baseline_document_exact)
{
    char *doc = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&doc, &len);
    struct out_delta_opts o = {.json = m};
    struct out_delta *d = NULL;

    cr_assert_eq(out_delta_new(&o, &d), 0);
    cr_assert_eq(out_delta_begin(d, &run1, NULL), 0);
    cr_assert_eq(out_delta_end(d), 0);
    fclose(m);
    cr_assert_str_eq(
        doc, "{\"run\":{\"id\":1,\"status\":\"complete\",\"complete\":true,"
             "\"started\":\"2025-12-31T23:00:00Z\",\"started_ms\":1767222000000,"
             "\"ended\":\"2025-12-31T23:00:01Z\",\"ended_ms\":1767222001000,\"duration_s\":1.000,"
             "\"targets\":0,\"results\":0,\"listed\":0,\"errors\":0},\"previous_run\":null,"
             "\"events\":[],\"counts\":{\"new_listing\":0,\"delisted\":0,\"code_changed\":0,"
             "\"list_unhealthy\":0,\"list_recovered\":0,\"list_anomaly\":0,"
             "\"fcrdns_changed\":0,\"spf_changed\":0,\"dmarc_changed\":0,\"mx_changed\":0},"
             "\"total\":0,\"redelivered\":0}\n");
    cr_assert_eq(out_delta_total(d), 0);
    cr_assert_not(out_delta_has_problems(d));
    out_delta_free(d);
    free(doc);
}

static int collect(void *arg, const struct out_event *ev)
{
    int *n = arg;
    (*n)++;
    cr_assert_not_null(ev->check);
    return 0;
}

Test(delta, document_events_and_escaping)
{
    char *doc = NULL, *text = NULL;
    size_t len = 0, tlen = 0;
    FILE *m = open_memstream(&doc, &len), *t = open_memstream(&text, &tlen);
    int seen = 0;
    struct out_delta_opts o = {.json = m, .text = t, .on_event = collect, .arg = &seen};
    struct out_delta *d = NULL;
    struct out_event nl = {
        .type = OUT_EV_NEW_LISTING,
        .check = "dnsbl",
        .target = "192.0.2.1",
        .list = "zen.example",
        .list_id = "zen",
        .before = "{\"status\":\"clean\"}",
        .after = "{\"status\":\"listed\",\"codes\":[\"127.0.0.2\"]}",
        .codes = "127.0.0.2,127.0.0.4",
        .meaning = "SBL; XBL",
        .txt = "evil \"quote\" \x1b[31mred\n\xff",
        .delist_url = "https://example.test/?ip=192.0.2.1",
    };
    struct out_event an = {
        .type = OUT_EV_LIST_ANOMALY,
        .check = "dnsbl",
        .list = "world.example",
        .kind = "ip4",
        .before = "{\"status\":\"healthy\"}",
        .after = "{\"status\":\"anomalous\"}",
        .new_listings = 3,
        .scanned = 4,
    };
    struct out_event sp = {
        .type = OUT_EV_SPF_CHANGED,
        .check = "spf",
        .target = "example.test",
        .before = "{\"status\":\"valid\"}",
        .after = "{\"status\":\"invalid\"}",
        .before_status = "valid",
        .after_status = "invalid",
    };

    cr_assert_eq(out_delta_new(&o, &d), 0);
    cr_assert_eq(out_delta_event(d, &nl), -EINVAL, "event before begin");
    cr_assert_eq(out_delta_begin(d, &run2, &run1), 0);
    cr_assert_eq(out_delta_begin(d, &run2, &run1), -EINVAL);
    cr_assert_eq(out_delta_event(d, &nl), 0);
    cr_assert_eq(out_delta_event(d, &an), 0);
    cr_assert_eq(out_delta_event(d, &sp), 0);
    cr_assert_eq(out_delta_end(d), 0);
    fclose(m);
    fclose(t);

    assert_jq(doc, "json_valid(?1)", "1");
    assert_jq(doc, "json_extract(?1, '$.run.id')", "2");
    assert_jq(doc, "json_extract(?1, '$.previous_run.id')", "1");
    assert_jq(doc, "json_array_length(?1, '$.events')", "3");
    assert_jq(doc, "json_extract(?1, '$.events[0].type')", "new_listing");
    assert_jq(doc, "json_extract(?1, '$.events[0].check')", "dnsbl");
    assert_jq(doc, "json_extract(?1, '$.events[0].target')", "192.0.2.1");
    assert_jq(doc, "json_extract(?1, '$.events[0].list')", "zen.example");
    assert_jq(doc, "json_extract(?1, '$.events[0].before.status')", "clean");
    assert_jq(doc, "json_extract(?1, '$.events[0].after.status')", "listed");
    assert_jq(doc, "json_extract(?1, '$.events[0].codes')", "[\"127.0.0.2\",\"127.0.0.4\"]");
    assert_jq(doc, "json_extract(?1, '$.events[0].meaning')", "SBL; XBL");
    assert_jq(doc, "json_extract(?1, '$.events[0].txt')",
              "evil \"quote\" \x1b[31mred\n\xef\xbf\xbd");
    assert_jq(doc, "json_extract(?1, '$.events[0].delist_url')",
              "https://example.test/?ip=192.0.2.1");
    assert_jq(doc, "json_extract(?1, '$.events[1].type')", "list_anomaly");
    assert_jq(doc, "json_extract(?1, '$.events[1].target')", NULL);
    assert_jq(doc, "json_extract(?1, '$.events[1].new_listings')", "3");
    assert_jq(doc, "json_extract(?1, '$.events[1].scanned')", "4");
    assert_jq(doc, "json_extract(?1, '$.events[1].share')", "0.75");
    assert_jq(doc, "json_extract(?1, '$.events[1].kind')", "ip4");
    assert_jq(doc, "json_type(?1, '$.events[0].kind')", NULL); /* list events only */
    assert_jq(doc, "json_extract(?1, '$.events[2].list')", NULL);
    assert_jq(doc, "json_extract(?1, '$.events[2].after.status')", "invalid");
    assert_jq(doc, "json_extract(?1, '$.counts.new_listing')", "1");
    assert_jq(doc, "json_extract(?1, '$.counts.list_anomaly')", "1");
    assert_jq(doc, "json_extract(?1, '$.total')", "3");
    /* The document never carries a raw control byte. */
    for (const char *p = doc; *p; p++)
        cr_assert(*p == '\n' || (unsigned char)*p >= 0x20, "control byte in document");

    cr_assert_eq(seen, 3);
    cr_assert_eq(out_delta_count(d, OUT_EV_NEW_LISTING), 1);
    cr_assert_eq(out_delta_count(d, OUT_EV_DELISTED), 0);
    cr_assert_eq(out_delta_total(d), 3);
    cr_assert(out_delta_has_problems(d));

    cr_assert_str_eq(
        text, "new_listing 192.0.2.1 zen.example: 127.0.0.2,127.0.0.4 (SBL; XBL); TXT "
              "\"evil \"quote\" red ?\"; delist: https://example.test/?ip=192.0.2.1\n"
              "list_anomaly world.example (ip4): 3 new listings of 4 targets scanned; treated "
              "as a list fault, listings not recorded\n"
              "spf_changed example.test spf: valid -> invalid\n");
    out_delta_free(d);
    free(doc);
    free(text);
}

Test(delta, good_news_is_not_a_problem)
{
    struct out_delta_opts o = {0};
    struct out_delta *d = NULL;
    struct out_event del = {
        .type = OUT_EV_DELISTED, .check = "dnsbl", .target = "192.0.2.1", .list = "a.example"};
    struct out_event rec = {.type = OUT_EV_LIST_RECOVERED, .check = "dnsbl", .list = "a.example"};

    cr_assert_eq(out_delta_new(&o, &d), 0);
    cr_assert_eq(out_delta_begin(d, &run2, &run1), 0);
    cr_assert_eq(out_delta_event(d, &del), 0);
    cr_assert_eq(out_delta_event(d, &rec), 0);
    cr_assert_eq(out_delta_end(d), 0);
    cr_assert_eq(out_delta_total(d), 2);
    cr_assert_not(out_delta_has_problems(d));
    out_delta_free(d);
    out_delta_free(NULL);
}

Test(delta, invalid_events_rejected)
{
    struct out_delta_opts o = {0};
    struct out_delta *d = NULL;
    struct out_event nolist = {.type = OUT_EV_LIST_UNHEALTHY, .check = "dnsbl"};
    struct out_event notarget = {.type = OUT_EV_MX_CHANGED, .check = "mx"};
    struct out_event bad = {.type = OUT_EV_COUNT, .check = "mx", .target = "x"};

    cr_assert_eq(out_delta_new(&o, &d), 0);
    cr_assert_eq(out_delta_end(d), -EINVAL);
    cr_assert_eq(out_delta_begin(d, &run2, NULL), 0);
    cr_assert_eq(out_delta_event(d, &nolist), -EINVAL);
    cr_assert_eq(out_delta_event(d, &notarget), -EINVAL);
    cr_assert_eq(out_delta_event(d, &bad), -EINVAL);
    cr_assert_eq(out_delta_end(d), 0);
    cr_assert_eq(out_delta_total(d), 0);
    out_delta_free(d);
}

/* Render @p r with @p write (out_delta_result_json or _fingerprint) into a new string. */
static char *render(int (*write)(FILE *, const struct scan_result *), const struct scan_result *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct scan_result t = rf_typed(r);
    cr_assert_eq(write(m, &t), 0);
    fclose(m);
    return buf;
}

static char *result_json(const struct scan_result *r)
{
    return render(out_delta_result_json, r);
}

static char *fingerprint(const struct scan_result *r)
{
    return render(out_delta_result_fingerprint, r);
}

Test(delta, result_json_dnsbl)
{
    const char *codes[] = {"127.0.0.4", "127.0.0.2"};
    const char *meanings[] = {"XBL", "SBL"};
    struct scan_result listed = {.target = "192.0.2.1",
                                 .check = "dnsbl",
                                 .list = "zen.example",
                                 .status = "listed",
                                 .klass = SCAN_CLASS_LISTING,
                                 .ncodes = 2,
                                 .codes = codes,
                                 .meanings = meanings,
                                 .txt = "see \"url\"",
                                 .delist_url = NULL};
    struct scan_result info = listed;
    struct scan_result err = {.target = "192.0.2.1",
                              .check = "dnsbl",
                              .list = "zen.example",
                              .status = "error",
                              .reason = "timeout"};
    char *j;

    j = result_json(&listed);
    cr_assert_str_eq(j, "{\"status\":\"listed\",\"codes\":[\"127.0.0.2\",\"127.0.0.4\"],"
                        "\"meanings\":[\"SBL\",\"XBL\"],\"txt\":\"see \\\"url\\\"\","
                        "\"delist_url\":null}");
    free(j);
    info.klass = SCAN_CLASS_INFO;
    j = result_json(&info);
    cr_assert_str_eq(j, "{\"status\":\"clean\"}");
    free(j);
    j = result_json(&err);
    cr_assert_str_eq(j, "{\"status\":\"error\",\"reason\":\"timeout\"}");
    free(j);
}

Test(delta, result_json_record_is_canonical)
{
    const char *ptr_a[] = {"b.example.", "a.example."};
    const char *ptr_b[] = {"a.example.", "b.example."};
    struct scan_field mx1[] = {{.name = "host", .type = SCAN_F_STR, .str = "mx2.example."},
                               {.name = "pref", .type = SCAN_F_INT, .i = 20}};
    struct scan_field mx2[] = {{.name = "host", .type = SCAN_F_STR, .str = "mx1.example."},
                               {.name = "pref", .type = SCAN_F_INT, .i = 10}};
    struct scan_fields hosts_a[] = {{2, mx1}, {2, mx2}};
    struct scan_fields hosts_b[] = {{2, mx2}, {2, mx1}};
    struct scan_field fa[] = {{.name = "ptr", .type = SCAN_F_STRV, .n = 2, .strv = ptr_a},
                              {.name = "confirmed", .type = SCAN_F_BOOL, .b = true},
                              {.name = "hosts", .type = SCAN_F_OBJV, .n = 2, .objv = hosts_a},
                              {.name = "note", .type = SCAN_F_STR, .str = NULL}};
    struct scan_field fb[] = {{.name = "ptr", .type = SCAN_F_STRV, .n = 2, .strv = ptr_b},
                              {.name = "confirmed", .type = SCAN_F_BOOL, .b = true},
                              {.name = "hosts", .type = SCAN_F_OBJV, .n = 2, .objv = hosts_b},
                              {.name = "note", .type = SCAN_F_STR, .str = NULL}};
    struct scan_result a = {
        .target = "192.0.2.1", .check = "fcrdns", .status = "pass", .extra = {4, fa}};
    struct scan_result b = a;
    char *ja, *jb;

    b.extra.f = fb;
    ja = result_json(&a);
    jb = result_json(&b);
    cr_assert_str_eq(ja, jb, "order of answers is not a change");
    cr_assert_str_eq(ja, "{\"status\":\"pass\",\"ptr\":[\"a.example.\",\"b.example.\"],"
                         "\"confirmed\":true,\"hosts\":[{\"host\":\"mx1.example.\",\"pref\":10},"
                         "{\"host\":\"mx2.example.\",\"pref\":20}],\"note\":null}");
    free(ja);
    free(jb);

    b.status = "fail";
    b.reason = "mismatch";
    jb = result_json(&b);
    cr_assert_str_eq(jb, "{\"status\":\"fail\",\"reason\":\"mismatch\",\"ptr\":[\"a.example.\","
                         "\"b.example.\"],\"confirmed\":true,\"hosts\":[{\"host\":"
                         "\"mx1.example.\",\"pref\":10},{\"host\":\"mx2.example.\",\"pref\":20}],"
                         "\"note\":null}");
    free(jb);
}

Test(delta, fingerprint_keeps_what_identifies_a_finding)
{
    const char *ptr[] = {"b.example.", "a.example."};
    const char *warn[] = {"PTR looks generic"};
    struct scan_field ff[] = {{.name = "ptr", .type = SCAN_F_STRV, .n = 2, .strv = ptr},
                              {.name = "cname", .type = SCAN_F_STR, .str = NULL},
                              {.name = "generic", .type = SCAN_F_BOOL, .b = true},
                              {.name = "warnings", .type = SCAN_F_STRV, .n = 1, .strv = warn}};
    struct scan_result fcrdns = {.target = "192.0.2.1",
                                 .check = "fcrdns",
                                 .status = "fail",
                                 .reason = "mismatch",
                                 .extra = {4, ff}};
    char *j = fingerprint(&fcrdns);
    cr_assert_str_eq(j, "{\"status\":\"fail\",\"ptr\":[\"a.example.\",\"b.example.\"]}");
    free(j);

    /* MX: the set of (pref, host); rotating addresses are not a change */
    const char *addr1[] = {"192.0.2.25", "192.0.2.26"}, *addr2[] = {"198.51.100.7"};
    struct scan_field h1[] = {{.name = "pref", .type = SCAN_F_INT, .i = 10},
                              {.name = "host", .type = SCAN_F_STR, .str = "mx.example."},
                              {.name = "addresses", .type = SCAN_F_STRV, .n = 2, .strv = addr1},
                              {.name = "problem", .type = SCAN_F_STR, .str = NULL}};
    struct scan_field h2[] = {{.name = "pref", .type = SCAN_F_INT, .i = 10},
                              {.name = "host", .type = SCAN_F_STR, .str = "mx.example."},
                              {.name = "addresses", .type = SCAN_F_STRV, .n = 1, .strv = addr2},
                              {.name = "problem", .type = SCAN_F_STR, .str = NULL}};
    struct scan_fields o1[] = {{4, h1}}, o2[] = {{4, h2}};
    struct scan_field m1[] = {{.name = "hosts", .type = SCAN_F_OBJV, .n = 1, .objv = o1}};
    struct scan_field m2[] = {{.name = "hosts", .type = SCAN_F_OBJV, .n = 1, .objv = o2}};
    struct scan_result mx1 = {
        .target = "example.test", .check = "mx", .status = "valid", .extra = {1, m1}};
    struct scan_result mx2 = mx1;
    mx2.extra.f = m2;
    char *a = fingerprint(&mx1), *b = fingerprint(&mx2);
    cr_assert_str_eq(a, b);
    cr_assert_str_eq(a, "{\"status\":\"valid\",\"hosts\":[{\"pref\":10,\"host\":"
                        "\"mx.example.\"}]}");
    free(a);
    free(b);
    a = result_json(&mx1);
    b = result_json(&mx2);
    cr_assert_str_neq(a, b, "the full form keeps the addresses");
    free(a);
    free(b);

    /* SPF: record and status, not the lookup count */
    struct scan_field sf[] = {{.name = "record", .type = SCAN_F_STR, .str = "v=spf1 -all"},
                              {.name = "lookups", .type = SCAN_F_INT, .i = 3}};
    struct scan_result spf = {
        .target = "example.test", .check = "spf", .status = "valid", .extra = {2, sf}};
    j = fingerprint(&spf);
    cr_assert_str_eq(j, "{\"status\":\"valid\",\"record\":\"v=spf1 -all\"}");
    free(j);
}

/* An mx line without an MX set now carries "hosts": [] (every line has every field);
 * stores written before it have the fingerprint without hosts, and it must still
 * match, or every such domain would report mx_changed once after an upgrade. */
Test(delta, mx_fingerprint_ignores_an_empty_hosts_list)
{
    const char *fallback[] = {"192.0.2.80"};
    struct scan_field now[] = {{.name = "hosts", .type = SCAN_F_OBJV, .n = 0},
                               {.name = "fallback", .type = SCAN_F_STRV, .n = 1, .strv = fallback}};
    struct scan_field before[] = {
        {.name = "fallback", .type = SCAN_F_STRV, .n = 1, .strv = fallback}};
    struct scan_result a = {
        .target = "example.test", .check = "mx", .status = "none", .extra = {2, now}};
    struct scan_result b = {
        .target = "example.test", .check = "mx", .status = "none", .extra = {1, before}};
    char *fa = fingerprint(&a), *fb = fingerprint(&b);

    cr_assert_str_eq(fa, fb);
    cr_assert_str_eq(fa, "{\"status\":\"none\"}");
    free(fa);
    free(fb);
}
