/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of cli/jobfile.c: a complete job file, path resolution, the
 * exact FILE:LINE:COLUMN message of each kind of mistake, and (with
 * cli_opts_apply_job()) that every pool is taken and that the command line wins
 * over the file for every key.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/jobfile.h"
#include "cli/opts.h"
#include "scanner/core/err.h"

static const char good[] = "# a scheduled scan\n"
                           "state: /var/lib/dnsbl-scan/state.db\n"
                           "wait: yes\n"
                           "pools:\n"
                           "  - {label: transactional, targets: [192.0.2.0/24, "
                           "\"@/etc/dnsbl-scan/extra.txt\"]}\n"
                           "  - label: marketing\n"
                           "    targets:\n"
                           "      - 198.51.100.0/25\n"
                           "      - \"@more.txt\"\n"
                           "domains: [example-esp.test]\n"
                           "spf_domains: [example-esp.test, mail.example-esp.test]\n"
                           "lists: [zen.spamhaus.org, bl.spamcop.net]\n"
                           "checks: [dnsbl, fcrdns, spf, dmarc, mx]\n"
                           "resolvers: [\"127.0.0.1:53\"]\n"
                           "catalog: lists.yaml\n"
                           "trust_anchor: anchors/root.key\n"
                           "expand: [mx, spf]\n"
                           "rate: 10\n"
                           "concurrency: 200\n"
                           "timeout: 2s\n"
                           "tries: 1\n"
                           "format: json\n"
                           "skip_invalid: true\n"
                           "anomaly_share: 0.2\n"
                           "anomaly_min: 5\n"
                           "alerts: {delta: /var/lib/dnsbl-scan/delta.json, prom: "
                           "/var/lib/node_exporter/dnsbl.prom, on_change: \"/usr/local/bin/"
                           "page-oncall --team mail\", nagios: false, warning: 1, critical: 3,"
                           " on_change_timeout: 500ms}\n";

static struct cli_job *parse_ok(const char *name, const char *text)
{
    struct cli_job *job = NULL;
    struct scan_diag err = {0};
    int ret = cli_job_parse(name, text, strlen(text), &job, &err);
    cr_assert_eq(ret, 0, "%s: %s", scan_strerror(ret), err.msg);
    return job;
}

Test(jobfile, complete_file)
{
    struct cli_job *job = parse_ok("/etc/dnsbl-scan/job.yaml", good);

    cr_assert_str_eq(job->file, "/etc/dnsbl-scan/job.yaml");
    cr_assert_str_eq(job->state.s, "/var/lib/dnsbl-scan/state.db");
    cr_assert_eq(job->state.line, 2);
    cr_assert_eq(job->state.col, 8);
    cr_assert_eq(job->wait, 1);
    cr_assert_eq(job->npools, 2);
    cr_assert_str_eq(job->pools[0].label.s, "transactional");
    cr_assert_eq(job->pools[0].targets.n, 2);
    cr_assert_str_eq(job->pools[0].targets.v[0].s, "192.0.2.0/24");
    cr_assert_str_eq(job->pools[0].targets.v[1].s, "@/etc/dnsbl-scan/extra.txt");
    cr_assert_str_eq(job->pools[1].label.s, "marketing");
    cr_assert_str_eq(job->pools[1].targets.v[0].s, "198.51.100.0/25");
    cr_assert_eq(job->pools[1].targets.v[0].line, 8);
    cr_assert_eq(job->pools[1].targets.v[0].col, 9);
    cr_assert_str_eq(job->pools[1].targets.v[1].s, "@/etc/dnsbl-scan/more.txt",
                     "relative @file against the job's directory");
    cr_assert_eq(job->domains.n, 1);
    cr_assert_str_eq(job->spf_domains.v[1].s, "mail.example-esp.test");
    cr_assert_eq(job->lists.n, 2);
    cr_assert_str_eq(job->lists.v[1].s, "bl.spamcop.net");
    cr_assert_eq(job->checks.n, 5);
    cr_assert_str_eq(job->resolvers.v[0].s, "127.0.0.1:53");
    cr_assert_str_eq(job->catalog.s, "/etc/dnsbl-scan/lists.yaml");
    cr_assert_str_eq(job->trust_anchor.s, "/etc/dnsbl-scan/anchors/root.key",
                     "relative to the job file");
    cr_assert_eq(job->expand.n, 2);
    cr_assert_str_eq(job->expand.v[1].s, "spf");
    cr_assert_float_eq(job->rate, 10, 1e-9);
    cr_assert_eq(job->concurrency, 200);
    cr_assert_eq(job->timeout_ms, 2000);
    cr_assert_eq(job->tries, 1);
    cr_assert_str_eq(job->format.s, "json");
    cr_assert_eq(job->skip_invalid, 1);
    cr_assert_float_eq(job->anomaly_share, 0.2, 1e-9);
    cr_assert_eq(job->anomaly_min, 5);
    cr_assert_str_eq(job->alerts.delta.s, "/var/lib/dnsbl-scan/delta.json");
    cr_assert_str_eq(job->alerts.prom.s, "/var/lib/node_exporter/dnsbl.prom");
    cr_assert_str_eq(job->alerts.on_change.s, "/usr/local/bin/page-oncall --team mail");
    cr_assert_eq(job->alerts.on_change_timeout_ms, 500);
    cr_assert_eq(job->alerts.nagios, 0);
    cr_assert_eq(job->alerts.warning, 1);
    cr_assert_eq(job->alerts.critical, 3);
    cli_job_free(job);
    cli_job_free(NULL);
}

Test(jobfile, absent_keys_are_unset)
{
    struct cli_job *job = parse_ok("job.yaml", "lists: [a.example]\nstate: rel/state.db\n");

    cr_assert_null(job->pools);
    cr_assert_eq(job->npools, 0);
    cr_assert_not(job->domains.set);
    cr_assert(job->lists.set);
    cr_assert_str_eq(job->state.s, "rel/state.db", "no directory in the name: kept relative");
    cr_assert_eq(job->wait, -1);
    cr_assert_lt(job->rate, 0);
    cr_assert_lt(job->concurrency, 0);
    cr_assert_lt(job->timeout_ms, 0);
    cr_assert_lt(job->tries, 0);
    cr_assert_null(job->format.s);
    cr_assert_eq(job->skip_invalid, -1);
    cr_assert_lt(job->anomaly_share, 0);
    cr_assert_lt(job->anomaly_min, 0);
    cr_assert_null(job->alerts.delta.s);
    cr_assert_eq(job->alerts.nagios, -1);
    cr_assert_lt(job->alerts.warning, 0);
    cli_job_free(job);

    job = parse_ok("job.yaml", "domains: []\n");
    cr_assert(job->domains.set);
    cr_assert_eq(job->domains.n, 0);
    cli_job_free(job);
}

Test(jobfile, durations_and_booleans)
{
    static const struct {
        const char *text;
        int ms;
    } ok[] = {{"timeout: 500ms\n", 500}, {"timeout: 2\n", 2000},  {"timeout: 1.5s\n", 1500},
              {"timeout: 1m\n", 60000},  {"timeout: .5s\n", 500}, {"timeout: 10m\n", 600000}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct cli_job *job = parse_ok("j.yaml", ok[i].text);
        cr_assert_eq(job->timeout_ms, ok[i].ms, "%s", ok[i].text);
        cli_job_free(job);
    }
    struct cli_job *nolimit = parse_ok("j.yaml", "rate: 0\n");
    cr_assert_float_eq(nolimit->rate, 0, 1e-12, "0 = no limits, as --rate 0");
    cli_job_free(nolimit);
    const char *bools[] = {"wait: true\n", "wait: On\n", "wait: no\n", "wait: FALSE\n"};
    const int want[] = {1, 1, 0, 0};
    for (int i = 0; i < 4; i++) {
        struct cli_job *job = parse_ok("j.yaml", bools[i]);
        cr_assert_eq(job->wait, want[i], "%s", bools[i]);
        cli_job_free(job);
    }
}

/* Each mistake, with its exact message and code. */
static void bad(const char *text, int code, const char *msg)
{
    struct cli_job *job = (struct cli_job *)1;
    struct scan_diag err = {0};
    int ret = cli_job_parse("job.yaml", text, strlen(text), &job, &err);
    cr_assert_eq(ret, code, "%s: got %s, want %s (%s)", text, scan_strerror(ret),
                 scan_strerror(code), err.msg);
    cr_assert_null(job);
    cr_assert_str_eq(err.msg, msg, "for: %s\ngot:  %s", text, err.msg);
}

Test(jobfile, unknown_and_duplicate_keys)
{
    bad("lists: [a]\nstat: /x\n", SCAN_EPARSE,
        "job.yaml:2:1: unknown key 'stat' in the job file (expected one of: state, wait, "
        "pools, domains, spf_domains, lists, checks, dkim_selectors, bimi_selector, fetch, "
        "ca_file, resolvers, catalog, trust_anchor, expand, resolve, format, skip_invalid, rate, "
        "concurrency, timeout, tries, anomaly_share, anomaly_min, alerts)");
    bad("alerts:\n  prom: /x\n  nagois: true\n", SCAN_EPARSE,
        "job.yaml:3:3: unknown key 'nagois' in alerts (expected one of: delta, prom, "
        "on_change, on_change_timeout, nagios, warning, critical)");
    bad("pools:\n  - {label: a, targets: [192.0.2.1], lable: b}\n", SCAN_EPARSE,
        "job.yaml:2:38: unknown key 'lable' in pool (expected one of: label, targets, lists)");
    bad("rate: 1\nlists: [a]\nrate: 2\n", SCAN_EPARSE,
        "job.yaml:3:1: duplicate key 'rate' (first at line 1)");
    bad("[a, b]: 1\n", SCAN_EPARSE,
        "job.yaml:1:1: a key in the job file must be a plain word, not a sequence");
}

Test(jobfile, wrong_types)
{
    bad("rate: fast\n", SCAN_EPARSE, "job.yaml:1:7: 'rate' must be a number, not a string");
    bad("rate: \"10\"\n", SCAN_EPARSE, "job.yaml:1:7: 'rate' must be a number, not a string");
    bad("lists: zen.spamhaus.org\n", SCAN_EPARSE,
        "job.yaml:1:8: 'lists' must be a sequence, not a scalar");
    bad("lists: [a, [b]]\n", SCAN_EPARSE,
        "job.yaml:1:12: 'lists' must be a string, not a sequence");
    bad("state: [a]\n", SCAN_EPARSE, "job.yaml:1:8: 'state' must be a string, not a sequence");
    bad("state:\n", SCAN_EPARSE, "job.yaml:1:7: 'state' must be a string, not empty");
    bad("wait: maybe\n", SCAN_EPARSE, "job.yaml:1:7: 'wait' must be true or false, not a string");
    bad("wait: \"true\"\n", SCAN_EPARSE,
        "job.yaml:1:7: 'wait' must be true or false, not a string");
    bad("concurrency: 2.5\n", SCAN_EPARSE, "job.yaml:1:14: 'concurrency' must be a whole number");
    bad("timeout: 2x\n", SCAN_EPARSE,
        "job.yaml:1:10: 'timeout' must be a duration from 1ms to 10m (500ms, 2s, 1m or seconds)");
    bad("timeout: {s: 1}\n", SCAN_EPARSE,
        "job.yaml:1:10: 'timeout' must be a duration from 1ms to 10m (500ms, 2s, 1m or seconds)");
    bad("alerts: {on_change_timeout: 1h}\n", SCAN_EPARSE,
        "job.yaml:1:29: 'on_change_timeout' must be a duration from 1ms to 10m (500ms, 2s, 1m "
        "or seconds)");
    bad("format: yaml\n", SCAN_ECONFIG,
        "job.yaml:1:9: unknown format 'yaml' (expected text, json, csv or summary)");
    bad("alerts: [prom]\n", SCAN_EPARSE,
        "job.yaml:1:9: 'alerts' must be a mapping, not a sequence");
    bad("pools: {label: a}\n", SCAN_EPARSE,
        "job.yaml:1:8: 'pools' must be a sequence, not a mapping");
    bad("pools:\n  - 192.0.2.0/24\n", SCAN_EPARSE,
        "job.yaml:2:5: a pool must be a mapping {label: ..., targets: [...], lists: [...]}, "
        "not a scalar");
    bad("pools:\n  - label: a\n", SCAN_EPARSE, "job.yaml:2:5: a pool needs 'targets'");
    bad("pools:\n  - {label: a, targets: []}\n", SCAN_EPARSE,
        "job.yaml:2:25: 'targets' must not be empty");
}

Test(jobfile, values_out_of_range)
{
    bad("anomaly_share: 1.5\n", SCAN_ECONFIG,
        "job.yaml:1:16: 'anomaly_share' must be more than 0 and at most 1");
    bad("rate: -1\n", SCAN_ECONFIG, "job.yaml:1:7: 'rate' must be from 0 to 10000000");
    bad("concurrency: 0\n", SCAN_ECONFIG, "job.yaml:1:14: 'concurrency' must be from 1 to 100000");
    bad("tries: 11\n", SCAN_ECONFIG, "job.yaml:1:8: 'tries' must be from 1 to 10");
    bad("timeout: 0s\n", SCAN_EPARSE,
        "job.yaml:1:10: 'timeout' must be a duration from 1ms to 10m (500ms, 2s, 1m or seconds)");
    bad("checks: [dnsbl, spff]\n", SCAN_ECONFIG,
        "job.yaml:1:17: unknown check 'spff' (expected dnsbl, fcrdns, spf, spf-auth, dmarc, "
        "mx, dkim, mta-sts, tls-rpt, bimi, ns, dnssec or origin)");
    bad("lists: [a]\nalerts: {warning: 5, critical: 2}\n", SCAN_ECONFIG,
        "job.yaml:1:1: alerts: 'critical' (2) is below 'warning' (5)");
}

Test(jobfile, document_shape)
{
    bad("", SCAN_EPARSE, "job.yaml:1:1: the job file is empty");
    bad("# only a comment\n", SCAN_EPARSE, "job.yaml:1:1: the job file is empty");
    bad("- a\n- b\n", SCAN_EPARSE,
        "job.yaml:1:1: the job file must be a mapping of keys, not a "
        "sequence");
    bad("lists: [a]\n---\nlists: [b]\n", SCAN_EPARSE,
        "job.yaml:2:1: a second YAML document: a job file holds one");
}

Test(jobfile, yaml_syntax_errors_have_positions)
{
    bad("lists: [a, b\nrate: 1\n", SCAN_EPARSE,
        "job.yaml:2:5: YAML syntax error: did not find expected ',' or ']' while parsing a flow "
        "sequence (started at line 1, column 8)");
    bad("state: /x\n  rate: 1\n", SCAN_EPARSE,
        "job.yaml:2:7: YAML syntax error: mapping values are not allowed in this context");
    bad("lists:\n\t- a\n", SCAN_EPARSE,
        "job.yaml:2:1: YAML syntax error: found character that cannot start any token while "
        "scanning for the next token");
    bad("state: \"/x\n", SCAN_EPARSE,
        "job.yaml:2:1: YAML syntax error: found unexpected end of stream while scanning a quoted "
        "scalar (started at line 1, column 8)");
}

Test(jobfile, load_from_disk)
{
    char dir[] = "/tmp/dnsbl-job-XXXXXX", path[128];
    struct scan_diag err = {0};
    struct cli_job *job = NULL;
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/job.yaml", dir);
    cr_assert_eq(cli_job_load(path, &job, &err), -ENOENT);
    char want[256];
    snprintf(want, sizeof(want), "%s: No such file or directory", path);
    cr_assert_str_eq(err.msg, want);

    f = fopen(path, "w");
    fputs("state: state.db\npools: [{targets: [\"@extra.txt\"]}]\nalerts: {prom: ../x.prom}\n", f);
    fclose(f);
    cr_assert_eq(cli_job_load(path, &job, &err), 0, "%s", err.msg);
    snprintf(want, sizeof(want), "%s/state.db", dir);
    cr_assert_str_eq(job->state.s, want);
    snprintf(want, sizeof(want), "@%s/extra.txt", dir);
    cr_assert_str_eq(job->pools[0].targets.v[0].s, want);
    cr_assert_null(job->pools[0].label.s);
    snprintf(want, sizeof(want), "%s/../x.prom", dir);
    cr_assert_str_eq(job->alerts.prom.s, want);
    cli_job_free(job);

    f = fopen(path, "w");
    fputs("lists: [a]\nrate: [1]\n", f);
    fclose(f);
    cr_assert_eq(cli_job_load(path, &job, &err), SCAN_EPARSE);
    snprintf(want, sizeof(want), "%s:2:7: 'rate' must be a number, not a sequence", path);
    cr_assert_str_eq(err.msg, want);
    unlink(path);
    rmdir(dir);
}

/* cli_job_load() of @p path, expecting @p ret: the seconds it took. */
static double load_timed(const char *path, int ret, struct scan_diag *err)
{
    struct cli_job *job = NULL;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    cr_assert_eq(cli_job_load(path, &job, err), ret, "%s", err->msg);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    cr_assert_null(job);
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The shapes that took 18 s and more before the bounded loader (scanner/core/yamlload.h):
 * refused at the limit, with a position, in well under a second. */
Test(jobfile, hostile_files_are_refused_quickly)
{
    char dir[] = "/tmp/dnsbl-job-XXXXXX", path[128], want[256];
    struct scan_diag err = {0};
    FILE *f;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/job.yaml", dir);
    f = fopen(path, "w");
    fputs("pools: ", f);
    for (int i = 0; i < 100000; i++)
        fputc('[', f);
    fclose(f);
    cr_assert_lt(load_timed(path, SCAN_EPARSE, &err), 0.5);
    snprintf(want, sizeof(want),
             "%s:1:71: nesting deeper than 64 levels (the limit for YAML files)", path);
    cr_assert_str_eq(err.msg, want);

    f = fopen(path, "w");
    fputs("pools:\n  - targets:\n", f);
    for (int i = 0; i < (8 << 20) / 20; i++)
        fputs("      - 192.0.2.1\n", f);
    fclose(f);
    cr_assert_lt(load_timed(path, -EFBIG, &err), 0.5);
    snprintf(want, sizeof(want),
             "%s:58256:3: the file is larger than 1 MiB (1048576 bytes), the limit for YAML files",
             path);
    cr_assert_str_eq(err.msg, want);
    unlink(path);
    rmdir(dir);
}

/* ------------------------------------------------- the command line wins */

/* The option behind a job-file key, as text: what the table below compares. */
static void show(const struct cli_opts *o, const char *key, char *buf, size_t len)
{
    const struct cli_strv *v = NULL;
    size_t n = 0;

    buf[0] = '\0';
#define STR(k, x)                                                                                  \
    if (strcmp(key, k) == 0) {                                                                     \
        snprintf(buf, len, "%s", (x) ? (x) : "-");                                                 \
        return;                                                                                    \
    }
#define NUM(k, fmt, x)                                                                             \
    if (strcmp(key, k) == 0) {                                                                     \
        snprintf(buf, len, fmt, x);                                                                \
        return;                                                                                    \
    }
    STR("state", o->state_path);
    STR("wait", o->wait ? "true" : "false");
    STR("catalog", o->lists_path);
    STR("format", o->format);
    STR("skip_invalid", o->skip_invalid ? "true" : "false");
    STR("alerts.delta", o->delta_path);
    STR("alerts.prom", o->prom_path);
    STR("alerts.on_change", o->on_change);
    STR("alerts.nagios", o->nagios ? "true" : "false");
    STR("bimi_selector", o->bimi_selector);
    STR("fetch", o->no_fetch ? "false" : "true");
    STR("ca_file", o->ca_file);
    STR("trust_anchor", o->trust_anchor);
    NUM("expand", "%u", o->expand);
    NUM("resolve", "%d", o->resolve);
    NUM("checks", "%u", o->checks);
    NUM("rate", "%g", o->rate);
    NUM("concurrency", "%zu", o->concurrency);
    NUM("timeout", "%d", o->timeout_ms);
    NUM("tries", "%d", o->tries);
    NUM("anomaly_share", "%g", o->anomaly_share);
    NUM("anomaly_min", "%ld", o->anomaly_min);
    NUM("alerts.on_change_timeout", "%d", o->on_change_timeout_ms);
    NUM("alerts.warning", "%ld", o->warn);
    NUM("alerts.critical", "%ld", o->crit);
#undef STR
#undef NUM
    if (!strcmp(key, "pools") || !strcmp(key, "pools[].targets") || !strcmp(key, "domains"))
        v = &o->targets;
    else if (!strcmp(key, "pools[].label"))
        v = &o->target_pools;
    else if (!strcmp(key, "spf_domains"))
        v = &o->spf_domains;
    else if (!strcmp(key, "dkim_selectors"))
        v = &o->dkim_selectors;
    else if (!strcmp(key, "lists"))
        v = &o->lists;
    else if (!strcmp(key, "resolvers"))
        v = &o->resolvers;
    else if (!strcmp(key, "pools[].lists"))
        n = (size_t)snprintf(buf, len, "%zu pool lists; ", o->npool_lists);
    else
        cr_assert_fail("no way to show key %s", key);
    if (!v)
        v = &o->lists;
    for (size_t i = 0; i < v->n && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "", v->v[i] ? v->v[i] : "-");
}

/* One row per key: a job file that sets it, the value it gives, and a command line
 * that sets the same option another way, with the value that must win. */
struct win {
    const char *key;
    const char *yaml;
    const char *from_file;
    const char *flags[3];
    const char *from_flags;
};

static const struct win wins[] = {
    {"state", "state: /job.db\n", "/job.db", {"--state", "/cli.db"}, "/cli.db"},
    {"wait", "wait: true\n", "true", {"--no-wait"}, "false"},
    {"pools",
     "pools: [{targets: [192.0.2.1, 192.0.2.2]}, {targets: [192.0.2.3]}]\n",
     "192.0.2.1,192.0.2.2,192.0.2.3,base.test",
     {"192.0.2.99"},
     "192.0.2.99"},
    {"pools[].label",
     "pools: [{label: a, targets: [192.0.2.1]}, {targets: [192.0.2.3]}]\n",
     "a,-,-",
     {"192.0.2.99"},
     ""},
    {"pools[].targets",
     "pools: [{label: a, targets: [\"@/x.txt\"]}]\n",
     "@/x.txt,base.test",
     {"-"},
     "-"},
    {"pools[].lists",
     "lists: [l1]\npools: [{targets: [192.0.2.1], lists: [l2, l3]}]\n",
     "1 pool lists; l1",
     {"--list", "l4"},
     "0 pool lists; l4"},
    {"domains", "domains: [a.test, b.test]\n", "base.test,a.test,b.test", {"c.test"}, "c.test"},
    {"spf_domains",
     "spf_domains: [a.test, b.test]\n",
     "a.test,b.test",
     {"--spf-domain", "c.test"},
     "c.test"},
    {"lists", "lists: [l1, l2]\n", "l1,l2", {"--list", "l3"}, "l3"},
    {"dkim_selectors", "dkim_selectors: [s1, s2]\n", "s1,s2", {"--dkim-selector", "s3"}, "s3"},
    {"bimi_selector", "bimi_selector: brand\n", "brand", {"--bimi-selector", "mark"}, "mark"},
    {"fetch", "fetch: true\n", "true", {"--no-fetch"}, "false"},
    {"ca_file", "ca_file: /job.pem\n", "/job.pem", {"--ca-file", "/cli.pem"}, "/cli.pem"},
    {"trust_anchor",
     "trust_anchor: /job.key\n",
     "/job.key",
     {"--trust-anchor", "/cli.key"},
     "/cli.key"},
    {"expand", "expand: [mx, spf]\n", "3", {"--expand", "a"}, "4"},
    {"resolve", "resolve: true\n", "1", {"--no-resolve"}, "0"},
    {"checks", "checks: [dnsbl, mx]\n", "33", {"--checks", "spf"}, "4"},
    {"resolvers",
     "resolvers: [\"127.0.0.1:53\"]\n",
     "127.0.0.1:53",
     {"--resolver", "127.0.0.2"},
     "127.0.0.2"},
    {"catalog",
     "catalog: /job/lists.yaml\n",
     "/job/lists.yaml",
     {"--lists", "/cli.yaml"},
     "/cli.yaml"},
    {"format", "format: json\n", "json", {"--format", "csv"}, "csv"},
    {"skip_invalid", "skip_invalid: true\n", "true", {"--no-skip-invalid"}, "false"},
    {"rate", "rate: 10\n", "10", {"--rate", "0"}, "0"},
    {"concurrency", "concurrency: 50\n", "50", {"--concurrency", "7"}, "7"},
    {"timeout", "timeout: 5s\n", "5000", {"--timeout", "300ms"}, "300"},
    {"tries", "tries: 3\n", "3", {"--tries", "1"}, "1"},
    {"anomaly_share", "anomaly_share: 0.5\n", "0.5", {"--anomaly-share", "0.1"}, "0.1"},
    {"anomaly_min", "anomaly_min: 9\n", "9", {"--anomaly-min", "2"}, "2"},
    {"alerts.delta",
     "alerts: {delta: /job.json}\n",
     "/job.json",
     {"--delta", "/cli.json"},
     "/cli.json"},
    {"alerts.prom",
     "alerts: {prom: /job.prom}\n",
     "/job.prom",
     {"--prom", "/cli.prom"},
     "/cli.prom"},
    {"alerts.on_change",
     "alerts: {on_change: /bin/job}\n",
     "/bin/job",
     {"--on-change", "/bin/cli"},
     "/bin/cli"},
    {"alerts.on_change_timeout",
     "alerts: {on_change_timeout: 5s}\n",
     "5000",
     {"--on-change-timeout", "1s"},
     "1000"},
    {"alerts.nagios", "alerts: {nagios: true}\n", "true", {"--no-nagios"}, "false"},
    {"alerts.warning", "alerts: {warning: 3}\n", "3", {"-w", "0"}, "0"},
    {"alerts.critical", "alerts: {critical: 5}\n", "5", {"-c", "2"}, "2"},
};

/* cli_opts_parse() of "scan -c job.yaml FLAGS...", then the job applied. */
static void apply(const struct win *w, bool with_flags, struct cli_opts *o, struct cli_job **job)
{
    char *argv[8] = {"dnsbl-scan", "scan", "-c", "/etc/job.yaml"};
    char yaml[512];
    int argc = 4;

    for (size_t i = 0; with_flags && i < 3 && w->flags[i]; i++)
        argv[argc++] = (char *)w->flags[i];
    cr_assert_eq(cli_opts_parse(argc, argv, o), 0, "%s", w->key);
    snprintf(yaml, sizeof(yaml), "%sdomains: [base.test]\n", w->yaml);
    if (strstr(w->yaml, "domains:"))
        snprintf(yaml, sizeof(yaml), "domains: [base.test]\n%s", w->yaml);
    if (!strcmp(w->key, "domains"))
        snprintf(yaml, sizeof(yaml), "domains: [base.test, a.test, b.test]\n");
    *job = parse_ok("/etc/job.yaml", yaml);
    cr_assert_eq(cli_opts_apply_job(o, *job, NULL), 0, "%s", w->key);
}

Test(jobfile, the_command_line_wins_for_every_key)
{
    const char *keys[64];
    size_t nkeys = cli_job_keys(keys, 64);
    char got[256];

    cr_assert_leq(nkeys, 64);
    for (size_t k = 0; k < nkeys; k++) {
        const struct win *w = NULL;
        for (size_t i = 0; i < sizeof(wins) / sizeof(wins[0]); i++)
            if (strcmp(wins[i].key, keys[k]) == 0)
                w = &wins[i];
        cr_assert_not_null(w, "job-file key '%s' has no row in wins[]", keys[k]);
        for (int with_flags = 0; with_flags < 2; with_flags++) {
            struct cli_opts o;
            struct cli_job *job = NULL;
            apply(w, with_flags, &o, &job);
            show(&o, w->key, got, sizeof(got));
            cr_expect_str_eq(got, with_flags ? w->from_flags : w->from_file, "%s%s", w->key,
                             with_flags ? " (flag given)" : " (file only)");
            cli_opts_free(&o);
            cli_job_free(job);
        }
    }
    cr_assert_eq(nkeys, sizeof(wins) / sizeof(wins[0]), "a row for a key that does not exist");
}

/* Every pool is scanned: the audit's job file lost every pool after the first. */
Test(jobfile, every_pool_and_domain_becomes_targets_with_positions)
{
    static const char text[] =
        "pools:\n"
        "  - {label: transactional, targets: [192.0.2.0/28, \"@extra.txt\"]}\n"
        "  - label: marketing\n"
        "    targets: [198.51.100.0/29]\n"
        "    lists: [bl.spamcop.net]\n"
        "  - {targets: [203.0.113.5]}\n"
        "domains: [example-esp.test]\n";
    char *argv[] = {"dnsbl-scan", "scan", "-c", "/etc/dnsbl-scan/job.yaml"};
    struct cli_opts o;
    struct cli_job *job = parse_ok("/etc/dnsbl-scan/job.yaml", text);

    cr_assert_eq(cli_opts_parse(4, argv, &o), 0);
    cr_assert_eq(cli_opts_apply_job(&o, job, NULL), 0);
    cr_assert_eq(o.targets.n, 5);
    static const char *const want[][3] = {
        {"192.0.2.0/28", "/etc/dnsbl-scan/job.yaml:2:38", "transactional"},
        {"@/etc/dnsbl-scan/extra.txt", "/etc/dnsbl-scan/job.yaml:2:52", "transactional"},
        {"198.51.100.0/29", "/etc/dnsbl-scan/job.yaml:4:15", "marketing"},
        {"203.0.113.5", "/etc/dnsbl-scan/job.yaml:6:16", NULL},
        {"example-esp.test", "/etc/dnsbl-scan/job.yaml:7:11", NULL},
    };
    static const size_t groups[] = {0, 0, 1, 0, 0};
    for (size_t i = 0; i < 5; i++) {
        cr_expect_str_eq(o.targets.v[i], want[i][0]);
        cr_expect_str_eq(o.target_origins.v[i], want[i][1]);
        if (want[i][2])
            cr_expect_str_eq(o.target_pools.v[i], want[i][2]);
        else
            cr_expect_null(o.target_pools.v[i]);
        cr_expect_eq(o.target_group[i], groups[i], "target %zu", i);
    }
    cr_assert_eq(o.npool_lists, 1);
    cr_assert_str_eq(o.pool_lists[0].v[0], "bl.spamcop.net");
    cli_opts_free(&o);
    cli_job_free(job);
}
