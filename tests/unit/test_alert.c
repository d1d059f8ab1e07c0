/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of output/alert/ (nagios.c, prom.c, spawn.c): the tally, the
 * Nagios line and exit codes for thresholds, the Prometheus exposition text and
 * its atomic write, and the on-change hook (stdin, exit status, missing command,
 * timeout).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/alert/alert.h"
#include "output/store/delta.h"
#include "scanner/core/err.h"
#include "tests/unit/result_fixture.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/dnsbl-alert-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(alert, .init = setup, .fini = teardown);

/* @p status "error" is an unhealthy list's result; "error:REASON" gives the reason. */
static void result(struct out_tally *t, const char *target, const char *list, const char *status)
{
    const char *codes[] = {"127.0.0.2"};
    struct scan_result r = {.target = target, .check = "dnsbl", .list = list, .status = status};
    if (strncmp(status, "error", 5) == 0) {
        r.status = "error";
        r.reason = status[5] == ':' ? status + 6 : "unhealthy";
    }
    if (strcmp(status, "listed") == 0) {
        r.klass = SCAN_CLASS_LISTING;
        r.ncodes = 1;
        r.codes = codes;
    }
    struct scan_result typed = rf_typed(&r);
    cr_assert_eq(out_tally_result(t, &typed), 0);
}

/* 4 targets on 3 lists: zen lists 2, spamcop lists 1, dead is unhealthy (errors). */
static struct out_tally *sample(void)
{
    struct out_tally *t = NULL;
    struct scan_health dead = {.list = "dead.example", .healthy = false, .reason = "unhealthy"};
    struct scan_result fcrdns =
        rf_typed(&(struct scan_result){.target = "192.0.2.1", .check = "fcrdns", .status = "fail"});
    const char *ips[] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"};

    cr_assert_eq(out_tally_new(&t), 0);
    cr_assert_eq(out_tally_health(t, &dead), 0);
    for (int i = 0; i < 4; i++) {
        result(t, ips[i], "zen.spamhaus.org", i < 2 ? "listed" : "clean");
        result(t, ips[i], "bl.spamcop.net", i == 3 ? "listed" : "clean");
        result(t, ips[i], "dead.example", "error");
    }
    cr_assert_eq(out_tally_result(t, &fcrdns), 0, "record checks are ignored");
    return t;
}

static char *nagios(const struct out_alert_run *run, long w, long c, enum out_nagios_status *status)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    struct out_nagios_opts o = {.warning = w, .critical = c};
    cr_assert_eq(out_nagios_write(m, run, &o, status), 0);
    fclose(m);
    return buf;
}

/* monitoring-plugins perfdata: 'label'=value[UOM];[warn];[crit];[min];[max] */
static void assert_perfdata(const char *line)
{
    regex_t re;
    const char *bar = strchr(line, '|');
    char *copy, *save = NULL;

    cr_assert_not_null(bar, "no perfdata: %s", line);
    cr_assert_null(strchr(bar + 1, '|'), "a second '|': %s", line);
    cr_assert_eq(strchr(line, '\n'), line + strlen(line) - 1, "one line: %s", line);
    cr_assert_eq(regcomp(&re,
                         "^('[^'=]+'|[^' =]+)=-?[0-9]+(\\.[0-9]+)?(s|ms|us|%|B|KB|MB|TB|c)?"
                         "(;[-0-9.:~@]*){0,4}$",
                         REG_EXTENDED | REG_NOSUB),
                 0);
    copy = strdup(bar + 1);
    for (char *tok = strtok_r(copy, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
        cr_assert_eq(regexec(&re, tok, 0, NULL, 0), 0, "bad perfdata token '%s'", tok);
    free(copy);
    regfree(&re);
}

Test(alert, tally_counts)
{
    struct out_tally *t = sample();
    cr_assert_eq(out_tally_listed(t), 3);
    struct scan_result nolist =
        rf_typed(&(struct scan_result){.target = "x", .check = "dnsbl", .status = "clean"});
    cr_assert_eq(out_tally_result(t, &nolist), -EINVAL);
    out_tally_free(t);
    out_tally_free(NULL);
}

Test(alert, nagios_default_thresholds_are_check_rbl_s)
{
    struct out_tally *t = sample();
    struct out_alert_run run = {.tally = t, .targets = 4, .seconds = 1.234, .complete = true};
    enum out_nagios_status status;
    char *line = nagios(&run, -1, -1, &status);

    cr_assert_eq(status, OUT_NAGIOS_CRITICAL);
    cr_assert_str_eq(line, "DNSBL CRITICAL - 3 listings on 2 of 3 lists (bl.spamcop.net, "
                           "zen.spamhaus.org), 1 list unhealthy or blocked (dead.example), 4 "
                           "targets | servers=3;0;0 listed=3;0;0;0 errors=4;;;0 "
                           "unhealthy_lists=1;;;0;3 targets=4;;;0 time=1.234s;;;0\n");
    assert_perfdata(line);
    free(line);
    out_tally_free(t);
}

/* Health per (list, kind): Nagios names the kinds a list is unhealthy for, and
 * Prometheus has one sample per (list, kind) with a kind label. */
Test(alert, health_per_kind)
{
    struct out_tally *t = NULL;
    struct scan_health h4 = {.list = "zen.spamhaus.org", .kind = "ip4", .healthy = true};
    struct scan_health h6 = {
        .list = "zen.spamhaus.org", .kind = "ip6", .healthy = false, .reason = "blocked"};
    struct scan_health hd = {
        .list = "zen.spamhaus.org", .kind = "domain", .healthy = false, .reason = "unhealthy"};
    struct scan_health cop = {.list = "bl.spamcop.net", .kind = "ip4", .healthy = true};
    struct out_alert_run run = {.tally = NULL, .targets = 1, .seconds = 0.5, .complete = true};
    char *buf = NULL;
    size_t len = 0;
    enum out_nagios_status status;

    cr_assert_eq(out_tally_new(&t), 0);
    cr_assert_eq(out_tally_health(t, &h4), 0);
    cr_assert_eq(out_tally_health(t, &h6), 0);
    cr_assert_eq(out_tally_health(t, &hd), 0);
    cr_assert_eq(out_tally_health(t, &cop), 0);
    result(t, "192.0.2.1", "zen.spamhaus.org", "clean");
    result(t, "192.0.2.1", "bl.spamcop.net", "clean");
    run.tally = t;
    char *line = nagios(&run, -1, -1, &status);
    /* zen is unhealthy for ip6 and domain, but the run asked it about an IPv4
     * address only: it does not make the verdict open. */
    cr_assert_eq(status, OUT_NAGIOS_OK);
    cr_assert_str_eq(line, "DNSBL OK - 192.0.2.1: 0 listings on 0 of 2 lists, 1 target | "
                           "servers=0;0;0 listed=0;0;0;0 errors=0;;;0 unhealthy_lists=0;;;0;2 "
                           "targets=1;;;0 time=0.500s;;;0\n");
    assert_perfdata(line);
    free(line);

    FILE *m = open_memstream(&buf, &len);
    cr_assert_eq(out_prom_format(m, &run), 0);
    fclose(m);
    cr_assert_not_null(
        strstr(buf, "# TYPE dnsbl_scan_list_unhealthy gauge\n"
                    "dnsbl_scan_list_unhealthy{list=\"bl.spamcop.net\",kind=\"ip4\"} 0\n"
                    "dnsbl_scan_list_unhealthy{list=\"zen.spamhaus.org\",kind=\"ip4\"} 0\n"
                    "dnsbl_scan_list_unhealthy{list=\"zen.spamhaus.org\",kind=\"ip6\"} 1\n"
                    "dnsbl_scan_list_unhealthy{list=\"zen.spamhaus.org\",kind=\"domain\"} 1\n"
                    "# HELP dnsbl_scan_targets"),
        "%s", buf);
    free(buf);
    out_tally_free(t);
}

Test(alert, nagios_thresholds)
{
    struct out_tally *t = sample();
    struct out_alert_run run = {.tally = t, .targets = 4, .seconds = 1, .complete = true};
    enum out_nagios_status status;
    char *line;

    line = nagios(&run, 2, 5, &status); /* 3 listings: >= 2, < 5 */
    cr_assert_eq(status, OUT_NAGIOS_WARNING);
    cr_assert_not_null(strstr(line, "DNSBL WARNING - 3 listings"), "%s", line);
    cr_assert_not_null(strstr(line, "listed=3;1;4;0 "), "%s", line);
    assert_perfdata(line);
    free(line);

    line = nagios(&run, 3, 3, &status);
    cr_assert_eq(status, OUT_NAGIOS_CRITICAL);
    free(line);

    /* below -w, and dead.example applies but is unhealthy: the verdict is open */
    line = nagios(&run, 4, 10, &status);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_not_null(strstr(line, "DNSBL UNKNOWN - 3 listings"), "%s", line);
    free(line);

    line = nagios(&run, 0, 4, &status); /* -w 0: always at least WARNING */
    cr_assert_eq(status, OUT_NAGIOS_WARNING);
    cr_assert_not_null(strstr(line, "listed=3;@0:;3;0 "), "%s", line);
    assert_perfdata(line);
    free(line);

    struct out_nagios_opts bad = {.warning = 5, .critical = 2};
    cr_assert_eq(out_nagios_check_opts(&bad), SCAN_ECONFIG);
    cr_assert_eq(out_nagios_write(stdout, &run, &bad, &status), SCAN_ECONFIG);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    out_tally_free(t);
}

Test(alert, nagios_ok_and_unknown)
{
    struct out_tally *t = NULL;
    struct out_alert_run run = {.targets = 1, .seconds = 0.5, .complete = true};
    enum out_nagios_status status;
    char *line;

    cr_assert_eq(out_tally_new(&t), 0);
    run.tally = t;
    result(t, "192.0.2.1", "zen.spamhaus.org", "clean");
    line = nagios(&run, -1, -1, &status);
    cr_assert_eq(status, OUT_NAGIOS_OK);
    cr_assert_str_eq(line, "DNSBL OK - 192.0.2.1: 0 listings on 0 of 1 list, 1 target | "
                           "servers=0;0;0 listed=0;0;0;0 errors=0;;;0 unhealthy_lists=0;;;0;1 "
                           "targets=1;;;0 time=0.500s;;;0\n");
    free(line);

    run.complete = false;
    line = nagios(&run, -1, -1, &status);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_not_null(strstr(line, "DNSBL UNKNOWN - 192.0.2.1: run incomplete, 0 listings"), "%s",
                       line);
    free(line);

    /* an incomplete run that found a listing is CRITICAL: a listing is a fact */
    result(t, "192.0.2.1", "bl.spamcop.net", "listed");
    line = nagios(&run, -1, -1, &status);
    cr_assert_eq(status, OUT_NAGIOS_CRITICAL);
    free(line);
    out_tally_free(t);

    /* every query failed: UNKNOWN even though the run completed */
    cr_assert_eq(out_tally_new(&t), 0);
    run.tally = t;
    run.complete = true;
    result(t, "192.0.2.1", "zen.spamhaus.org", "error");
    line = nagios(&run, -1, -1, &status);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_not_null(strstr(line, "no list answered"), "%s", line);
    free(line);
    out_tally_free(t);
}

/* What check_rbl's options bring to the line: the host name after its addresses,
 * only the lists that apply, a query that failed, the deadline, the -a text. */
Test(alert, nagios_check_rbl_subject_applying_and_deadline)
{
    struct out_tally *t = NULL;
    struct out_alert_run run = {.targets = 3, .seconds = 0.25, .complete = true};
    struct out_nagios_opts o = {
        .warning = -1, .critical = -1, .name = "mta.example", .append = "ticket|42"};
    struct scan_health dbl = {
        .list = "dbl.example", .kind = "domain", .healthy = false, .reason = "blocked"};
    struct scan_result x = rf_typed(
        &(struct scan_result){.target = "mta.example", .check = "expand", .status = "valid"});
    enum out_nagios_status status;
    char *buf = NULL;
    size_t len = 0;

    cr_assert_eq(out_tally_new(&t), 0);
    run.tally = t;
    cr_assert_eq(out_tally_health(t, &dbl), 0); /* a domain list: no result for an IP */
    cr_assert_eq(out_tally_result(t, &x), 0);
    result(t, "192.0.2.10", "zen.spamhaus.org", "clean");
    result(t, "2001:db8::10", "zen.spamhaus.org", "clean");
    FILE *m = open_memstream(&buf, &len);
    cr_assert_eq(out_nagios_write(m, &run, &o, &status), 0);
    fclose(m);
    cr_assert_eq(status, OUT_NAGIOS_OK);
    cr_assert_str_eq(buf, "DNSBL OK - 192.0.2.10, 2001:db8::10 (mta.example): 0 listings on 0 "
                          "of 1 list, 3 targets ticket?42 | servers=0;0;0 listed=0;0;0;0 "
                          "errors=0;;;0 unhealthy_lists=0;;;0;1 targets=3;;;0 time=0.250s;;;0\n");
    free(buf);

    /* one query that timed out leaves the verdict open */
    result(t, "192.0.2.10", "bl.spamcop.net", "error:timeout");
    m = open_memstream(&buf, &len);
    cr_assert_eq(out_nagios_write(m, &run, &o, &status), 0);
    fclose(m);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_not_null(strstr(buf, "0 listings on 0 of 2 lists, 1 query failed, 3 targets"), "%s",
                       buf);
    free(buf);

    /* past the deadline: UNKNOWN with what was found, listings included */
    result(t, "192.0.2.10", "b.example", "listed");
    run.timed_out = true;
    run.complete = false;
    m = open_memstream(&buf, &len);
    cr_assert_eq(out_nagios_write(m, &run, &o, &status), 0);
    fclose(m);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_not_null(strstr(buf, "DNSBL UNKNOWN - 192.0.2.10, 2001:db8::10 (mta.example): timed "
                                   "out (-t), results so far: 1 listing on 1 of 3 lists "
                                   "(b.example)"),
                       "%s", buf);
    free(buf);
    out_tally_free(t);

    /* a name without an address */
    cr_assert_eq(out_tally_new(&t), 0);
    run = (struct out_alert_run){.tally = t, .targets = 1, .complete = true};
    x = rf_typed(&(struct scan_result){
        .target = "nx.example", .check = "expand", .status = "none", .reason = "nxdomain"});
    cr_assert_eq(out_tally_result(t, &x), 0);
    o.name = "nx.example";
    o.append = NULL;
    m = open_memstream(&buf, &len);
    cr_assert_eq(out_nagios_write(m, &run, &o, &status), 0);
    fclose(m);
    cr_assert_eq(status, OUT_NAGIOS_UNKNOWN);
    cr_assert_str_eq(buf, "DNSBL UNKNOWN - nx.example: has no address (nxdomain), 0 "
                          "listings on 0 of 0 lists, 1 target | servers=0;0;0 listed=0;0;0;0 "
                          "errors=0;;;0 unhealthy_lists=0;;;0;0 targets=1;;;0 time=0.000s;;;0\n");
    assert_perfdata(buf);
    free(buf);
    out_tally_free(t);
}

/* A plugin that could not run: one line, whatever the message holds. The text
 * rule of the status line (printable ASCII but '|') applies, stricter than
 * check_rbl's old UNKNOWN line, which let DEL and bytes above ASCII through. */
Test(alert, nagios_unknown_line_is_one_line_of_ascii)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);

    cr_assert_eq(out_nagios_unknown(m, "-w 'caf\xc3\xa9|x\x7f': expected\na number"), 0);
    cr_assert_eq(out_nagios_unknown(m, "plain: file.ini:3: unknown option 'servre'"), 0);
    fclose(m);
    cr_assert_str_eq(buf, "DNSBL UNKNOWN - -w 'caf???x?': expected?a number\n"
                          "DNSBL UNKNOWN - plain: file.ini:3: unknown option 'servre'\n");
    free(buf);
    cr_assert_eq(out_nagios_unknown(NULL, "x"), -EINVAL);
    cr_assert_eq(out_nagios_unknown(stdout, NULL), -EINVAL);
    m = fopen("/dev/full", "w");
    cr_assert_not_null(m);
    setvbuf(m, NULL, _IONBF, 0);
    cr_assert_eq(out_nagios_unknown(m, "x"), -EIO);
    fclose(m);
}

Test(alert, nagios_text_is_one_safe_line)
{
    struct out_tally *t = NULL;
    struct out_alert_run run = {.targets = 1, .complete = true};
    struct out_delta_opts dopt = {0};
    struct out_delta *d = NULL;
    struct out_run_info ri = {.id = 2, .status = "complete"};
    struct out_event ev = {
        .type = OUT_EV_NEW_LISTING, .check = "dnsbl", .target = "192.0.2.1", .list = "a.example"};
    char name[32];
    enum out_nagios_status status;

    cr_assert_eq(out_tally_new(&t), 0);
    run.tally = t;
    result(t, "192.0.2.1", "evil|zone\nx", "listed");
    for (int i = 0; i < 6; i++) {
        snprintf(name, sizeof(name), "l%d.example", i);
        result(t, "192.0.2.1", name, "listed");
    }
    cr_assert_eq(out_delta_new(&dopt, &d), 0);
    cr_assert_eq(out_delta_begin(d, &ri, NULL), 0);
    cr_assert_eq(out_delta_event(d, &ev), 0);
    cr_assert_eq(out_delta_end(d), 0);
    run.delta = d;
    char *line = nagios(&run, -1, -1, &status);
    cr_assert_str_eq(line, "DNSBL CRITICAL - 192.0.2.1: 7 listings on 7 of 7 lists (evil?zone?x, "
                           "l0.example, l1.example, l2.example, l3.example, +2 more), 1 target, "
                           "1 new event since the last run | servers=7;0;0 listed=7;0;0;0 "
                           "errors=0;;;0 unhealthy_lists=0;;;0;7 targets=1;;;0 time=0.000s;;;0 "
                           "events=1;;;0\n");
    assert_perfdata(line);
    free(line);
    out_delta_free(d);
    out_tally_free(t);
}

/* --- Prometheus ----------------------------------------------------------------- */

static char *prom(const struct out_alert_run *run)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    cr_assert_eq(out_prom_format(m, run), 0);
    fclose(m);
    return buf;
}

/* Every sample follows a HELP and TYPE of its own metric; names, labels and values
 * follow the text exposition format. */
static void assert_exposition(const char *text)
{
    regex_t sample, help, type;
    char *copy = strdup(text), *save = NULL;
    char current[128] = "";

    cr_assert_eq(regcomp(&sample,
                         "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\"
                         "[\\\\\"n])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\[\\\\\"n])*\")*"
                         "\\})? -?[0-9]+(\\.[0-9]+)?$",
                         REG_EXTENDED),
                 0);
    cr_assert_eq(regcomp(&help, "^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$", REG_EXTENDED | REG_NOSUB),
                 0);
    cr_assert_eq(regcomp(&type, "^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) gauge$", REG_EXTENDED), 0);
    cr_assert_eq(text[strlen(text) - 1], '\n');
    for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        regmatch_t m[2];
        if (strncmp(l, "# HELP", 6) == 0) {
            cr_assert_eq(regexec(&help, l, 0, NULL, 0), 0, "bad HELP: %s", l);
        } else if (regexec(&type, l, 2, m, 0) == 0) {
            snprintf(current, sizeof(current), "%.*s", (int)(m[1].rm_eo - m[1].rm_so),
                     l + m[1].rm_so);
        } else {
            cr_assert_eq(regexec(&sample, l, 2, m, 0), 0, "bad sample: %s", l);
            cr_assert_eq(strncmp(l, current, strlen(current)), 0, "no TYPE for: %s", l);
            cr_assert_eq((size_t)(m[1].rm_eo - m[1].rm_so), strlen(current));
        }
    }
    free(copy);
    regfree(&sample);
    regfree(&help);
    regfree(&type);
}

Test(alert, prom_exact_text)
{
    struct out_tally *t = sample();
    struct out_alert_run run = {.tally = t,
                                .targets = 4,
                                .seconds = 2.5,
                                .complete = true,
                                .ended_ms = 1767225601500,
                                .last_success_ms = 1767225601500};
    char *text = prom(&run);

    cr_assert_str_eq(
        text,
        "# HELP dnsbl_scan_listed DNSBL listings (class listing) found by the last run, per "
        "list.\n"
        "# TYPE dnsbl_scan_listed gauge\n"
        "dnsbl_scan_listed{list=\"bl.spamcop.net\"} 1\n"
        "dnsbl_scan_listed{list=\"dead.example\"} 0\n"
        "dnsbl_scan_listed{list=\"zen.spamhaus.org\"} 2\n"
        "# HELP dnsbl_scan_errors DNSBL queries of the last run that ended in an error, per "
        "list.\n"
        "# TYPE dnsbl_scan_errors gauge\n"
        "dnsbl_scan_errors{list=\"bl.spamcop.net\"} 0\n"
        "dnsbl_scan_errors{list=\"dead.example\"} 4\n"
        "dnsbl_scan_errors{list=\"zen.spamhaus.org\"} 0\n"
        "# HELP dnsbl_scan_list_unhealthy 1 when the list was unhealthy (blocked, not answering) "
        "in the last run, per kind of target.\n"
        "# TYPE dnsbl_scan_list_unhealthy gauge\n"
        "dnsbl_scan_list_unhealthy{list=\"bl.spamcop.net\"} 0\n"
        "dnsbl_scan_list_unhealthy{list=\"dead.example\"} 1\n"
        "dnsbl_scan_list_unhealthy{list=\"zen.spamhaus.org\"} 0\n"
        "# HELP dnsbl_scan_targets Targets scanned by the last run.\n"
        "# TYPE dnsbl_scan_targets gauge\n"
        "dnsbl_scan_targets 4\n"
        "# HELP dnsbl_scan_run_complete 1 when the last run completed, 0 when it was "
        "interrupted.\n"
        "# TYPE dnsbl_scan_run_complete gauge\n"
        "dnsbl_scan_run_complete 1\n"
        "# HELP dnsbl_scan_run_duration_seconds Duration of the last run.\n"
        "# TYPE dnsbl_scan_run_duration_seconds gauge\n"
        "dnsbl_scan_run_duration_seconds 2.500\n"
        "# HELP dnsbl_scan_last_run_timestamp_seconds Unix time the last run ended, complete or "
        "not.\n"
        "# TYPE dnsbl_scan_last_run_timestamp_seconds gauge\n"
        "dnsbl_scan_last_run_timestamp_seconds 1767225601.500\n"
        "# HELP dnsbl_scan_last_success_timestamp_seconds Unix time the last complete run "
        "ended.\n"
        "# TYPE dnsbl_scan_last_success_timestamp_seconds gauge\n"
        "dnsbl_scan_last_success_timestamp_seconds 1767225601.500\n");
    assert_exposition(text);
    free(text);
    out_tally_free(t);
}

Test(alert, prom_escapes_labels_and_carries_last_success)
{
    struct out_tally *t = NULL;
    struct out_delta_opts dopt = {0};
    struct out_delta *d = NULL;
    struct out_run_info ri = {.id = 2, .status = "incomplete"};
    struct out_alert_run run = {
        .targets = 1, .complete = false, .ended_ms = 2000, .last_success_ms = 1000};
    char *text;

    cr_assert_eq(out_tally_new(&t), 0);
    run.tally = t;
    result(t, "192.0.2.1", "we\"ird\\zone\nname", "listed");
    cr_assert_eq(out_delta_new(&dopt, &d), 0);
    cr_assert_eq(out_delta_begin(d, &ri, NULL), 0);
    cr_assert_eq(out_delta_end(d), 0);
    run.delta = d;
    text = prom(&run);
    cr_assert_not_null(strstr(text, "dnsbl_scan_listed{list=\"we\\\"ird\\\\zone\\nname\"} 1\n"),
                       "%s", text);
    cr_assert_not_null(strstr(text, "dnsbl_scan_run_complete 0\n"));
    cr_assert_not_null(strstr(text, "dnsbl_scan_last_run_timestamp_seconds 2.000\n"));
    cr_assert_not_null(strstr(text, "dnsbl_scan_last_success_timestamp_seconds 1.000\n"));
    cr_assert_not_null(strstr(text, "dnsbl_scan_events{type=\"new_listing\"} 0\n"));
    cr_assert_not_null(strstr(text, "dnsbl_scan_events{type=\"mx_changed\"} 0\n"));
    assert_exposition(text);
    free(text);

    run.last_success_ms = 0; /* never succeeded: the sample is absent, not 0 */
    text = prom(&run);
    cr_assert_null(strstr(text, "last_success"));
    free(text);
    out_delta_free(d);
    out_tally_free(t);
}

static char *slurp(const char *p)
{
    FILE *f = fopen(p, "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *m;
    int c;

    cr_assert_not_null(f, "%s: %s", p, strerror(errno));
    m = open_memstream(&buf, &len);
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(f);
    fclose(m);
    return buf;
}

Test(alert, prom_write_is_atomic)
{
    struct out_tally *t = sample();
    struct out_alert_run run = {.tally = t, .targets = 4, .complete = true, .ended_ms = 1000};
    char path[128], old[128], tmp[160], bad[160];
    char *text, *want;
    struct stat sb;

    snprintf(path, sizeof(path), "%s/dnsbl.prom", dir);
    snprintf(old, sizeof(old), "%s/old-inode", dir);
    FILE *f = fopen(path, "w");
    fputs("old content\n", f);
    fclose(f);
    cr_assert_eq(link(path, old), 0);

    cr_assert_eq(out_prom_write(path, &run), 0);
    want = prom(&run);
    text = slurp(path);
    cr_assert_str_eq(text, want);
    free(text);
    /* replaced by rename, not rewritten in place: the old inode still holds the old text */
    text = slurp(old);
    cr_assert_str_eq(text, "old content\n");
    free(text);
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    cr_assert_neq(stat(tmp, &sb), 0, "temporary file left behind");
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0644, 0644);

    /* a missing directory: an error, nothing written */
    snprintf(bad, sizeof(bad), "%s/missing/dnsbl.prom", dir);
    cr_assert_eq(out_prom_write(bad, &run), -ENOENT);

    /* a symlink planted at the temporary name is not followed */
    char target[160];
    snprintf(target, sizeof(target), "%s/victim", dir);
    cr_assert_eq(symlink(target, tmp), 0);
    cr_assert_eq(out_prom_write(path, &run), -ELOOP);
    cr_assert_neq(stat(target, &sb), 0, "wrote through the symlink");
    text = slurp(path);
    cr_assert_str_eq(text, want, "the previous file stays");
    free(text);
    free(want);
    out_tally_free(t);
}

/* --- on-change ------------------------------------------------------------------- */

Test(alert, cmd_split_is_blank_only)
{
    char **v = NULL;

    cr_assert_eq(out_cmd_split("  /usr/local/bin/page-oncall --team\tmail \n", &v), 0);
    cr_assert_str_eq(v[0], "/usr/local/bin/page-oncall");
    cr_assert_str_eq(v[1], "--team");
    cr_assert_str_eq(v[2], "mail");
    cr_assert_null(v[3]);
    out_cmd_free(v);

    cr_assert_eq(out_cmd_split("echo \"$(id)\" 'a b' ;rm", &v), 0);
    cr_assert_str_eq(v[0], "echo");
    cr_assert_str_eq(v[1], "\"$(id)\"");
    cr_assert_str_eq(v[2], "'a");
    cr_assert_str_eq(v[3], "b'");
    cr_assert_str_eq(v[4], ";rm");
    cr_assert_null(v[5]);
    out_cmd_free(v);

    cr_assert_eq(out_cmd_split(" \t ", &v), -EINVAL);
    cr_assert_null(v);
    out_cmd_free(NULL);
}

static const char doc[] = "{\"run\":{\"id\":2},\"previous_run\":null,\"events\":[{\"type\":"
                          "\"new_listing\",\"txt\":\"$(touch /tmp/pwned) `id` ; rm -rf /\"}]}\n";

static int doc_fd(void)
{
    char p[128];
    int fd;

    snprintf(p, sizeof(p), "%s/delta.json", dir);
    fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, doc, sizeof(doc) - 1), (ssize_t)sizeof(doc) - 1);
    return fd; /* left at the end: the hook must rewind it */
}

Test(alert, on_change_gets_the_delta_on_stdin)
{
    char out[128], cmd[256];
    struct scan_diag diag = {0};
    struct out_on_change_opts o = {.cmd = cmd};
    int fd = doc_fd(), status;

    snprintf(out, sizeof(out), "%s/received.json", dir);
    snprintf(cmd, sizeof(cmd), "tee %s", out);
    cr_assert_eq(out_on_change_run(&o, fd, &status, &diag), 0, "%s", diag.msg);
    cr_assert_eq(status, 0);
    cr_assert_str_eq(diag.msg, "");
    char *got = slurp(out);
    cr_assert_str_eq(got, doc);
    free(got);

    /* a pipe (not seekable) works as well */
    int p[2];
    cr_assert_eq(pipe(p), 0);
    cr_assert_eq(write(p[1], "{}\n", 3), 3);
    close(p[1]);
    snprintf(cmd, sizeof(cmd), "/bin/cp /dev/stdin %s", out);
    cr_assert_eq(out_on_change_run(&o, p[0], &status, &diag), 0, "%s", diag.msg);
    close(p[0]);
    got = slurp(out);
    cr_assert_str_eq(got, "{}\n");
    free(got);

    /* the delta already on our stdin, even marked close-on-exec */
    cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    cr_assert_eq(fcntl(STDIN_FILENO, F_SETFD, FD_CLOEXEC), 0);
    snprintf(cmd, sizeof(cmd), "tee %s", out);
    cr_assert_eq(out_on_change_run(&o, STDIN_FILENO, &status, NULL), 0);
    got = slurp(out);
    cr_assert_str_eq(got, doc);
    free(got);
    close(fd);
}

Test(alert, on_change_exit_status_and_missing_command)
{
    struct out_on_change_opts o = {.cmd = "false"};
    struct scan_diag diag = {0};
    int fd = doc_fd(), status;

    cr_assert_eq(out_on_change_run(&o, fd, &status, &diag), 0);
    cr_assert_eq(status, 1);
    cr_assert_str_eq(diag.msg, "on-change command false exited with status 1");
    cr_assert_eq(out_on_change_run(&o, fd, &status, NULL), 0);
    cr_assert_eq(status, 1);

    o.cmd = "/nonexistent/page-oncall --team mail";
    cr_assert_eq(out_on_change_run(&o, fd, &status, &diag), SCAN_ENOTFOUND);
    cr_assert_str_eq(diag.msg, "cannot run on-change command /nonexistent/page-oncall: No such "
                               "file or directory");
    o.cmd = "no-such-command-dnsbl-scan";
    cr_assert_eq(out_on_change_run(&o, fd, &status, NULL), SCAN_ENOTFOUND);

    o.cmd = "";
    cr_assert_eq(out_on_change_run(&o, fd, &status, &diag), -EINVAL);
    cr_assert_str_eq(diag.msg, "on-change command is empty");
    close(fd);
}

Test(alert, on_change_timeout_kills, .timeout = 20)
{
    struct out_on_change_opts o = {.cmd = "sleep 30", .timeout_ms = 200};
    struct scan_diag diag = {0};
    int fd = doc_fd(), status;

    cr_assert_eq(out_on_change_run(&o, fd, &status, &diag), -ETIMEDOUT);
    cr_assert_eq(status, 128 + 15, "SIGTERM first: %d", status);
    cr_assert_str_eq(diag.msg, "on-change command sleep did not finish within 200 ms: killed");
    close(fd);
}
