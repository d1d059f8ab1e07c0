/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for cli/effect.c and cli/opts.c: an option that has no effect under
 * the chosen checks is a usage error naming both (cli_opts_check_effect(), one row
 * per option the option table ties to a check), the job-file side of that rule,
 * and when --resolve is on.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cli/jobfile.h"
#include "cli/opts.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/* Parse @p args (NULL-terminated, after "dnsbl-scan"), apply @p yaml as job.yaml when
 * given, and judge. @return the code; @p msg gets the message. */
static int judge(const char *const *args, const char *yaml, char *msg, size_t len)
{
    char *argv[24] = {"dnsbl-scan"};
    int argc = 1;
    struct cli_opts o;
    struct cli_job *job = NULL;
    struct scan_diag diag = {0};

    for (size_t i = 0; args[i]; i++)
        argv[argc++] = (char *)args[i];
    if (yaml) {
        argv[argc++] = "-c";
        argv[argc++] = "job.yaml";
    }
    cr_assert_eq(cli_opts_parse(argc, argv, &o), 0, "%s", args[1]);
    if (yaml) {
        cr_assert_eq(cli_job_parse("job.yaml", yaml, strlen(yaml), &job, &diag), 0, "%s", diag.msg);
        cr_assert_eq(cli_opts_apply_job(&o, job, NULL), 0);
    }
    int code = cli_opts_check_effect(&o, job, &diag);
    snprintf(msg, len, "%s", diag.msg);
    cli_opts_free(&o);
    cli_job_free(job);
    return code;
}

/* One row per option the table ties to a check, a source of --expand or the fetch:
 * a command line where it works, and one where it has no effect, with the message. */
static const struct row {
    const char *works[8];
    const char *idle[8];
    const char *msg;
} rows[] = {
    {{"check", "--checks", "spf-auth", "--spf-domain", "a.test", "192.0.2.1"},
     {"check", "--checks", "dnsbl", "--spf-domain", "a.test", "192.0.2.1"},
     "--spf-domain has no effect under --checks dnsbl: it is for the spf-auth check (add "
     "spf-auth to the checks, or leave --spf-domain out)"},
    {{"check", "--checks", "dkim", "--dkim-selector", "s1", "a.test"},
     {"check", "--checks", "spf,dmarc", "--dkim-selector", "s1", "a.test"},
     "--dkim-selector has no effect under --checks spf,dmarc: it is for the dkim check (add "
     "dkim to the checks, or leave --dkim-selector out)"},
    {{"check", "--checks", "bimi", "--bimi-selector", "brand", "a.test"},
     {"check", "--checks", "dmarc", "--bimi-selector", "brand", "a.test"},
     "--bimi-selector has no effect under --checks dmarc: it is for the bimi check (add bimi to "
     "the checks, or leave --bimi-selector out)"},
    {{"check", "--checks", "mta-sts", "--no-fetch", "a.test"},
     {"check", "--checks", "tls-rpt", "--no-fetch", "a.test"},
     "--no-fetch has no effect under --checks tls-rpt: it is for the mta-sts check (add mta-sts "
     "to the checks, or leave --no-fetch out)"},
    {{"check", "--checks", "mta-sts", "--ca-file", "/ca.pem", "a.test"},
     {"check", "--checks", "mx", "--ca-file", "/ca.pem", "a.test"},
     "--ca-file has no effect under --checks mx: it is for the mta-sts check (add mta-sts to "
     "the checks, or leave --ca-file out)"},
    {{"check", "--ca-file", "/ca.pem", "a.test"},
     {"check", "--no-fetch", "--ca-file", "/ca.pem", "a.test"},
     "--ca-file has no effect with --no-fetch: it is for the HTTPS fetch of MTA-STS policies"},
    {{"check", "--checks", "mta-sts", "--https-connect", "127.0.0.1:8443", "a.test"},
     {"check", "--checks", "dnsbl", "--https-connect", "127.0.0.1:8443", "a.test"},
     "--https-connect has no effect under --checks dnsbl: it is for the mta-sts check (add "
     "mta-sts to the checks, or leave --https-connect out)"},
    {{"check", "--https-connect", "127.0.0.1:8443", "a.test"},
     {"check", "--https-connect", "127.0.0.1:8443", "--no-fetch", "a.test"},
     "--https-connect has no effect with --no-fetch: it is for the HTTPS fetch of MTA-STS "
     "policies"},
    {{"check", "--checks", "dnssec", "--trust-anchor", "/k", "a.test"},
     {"check", "--checks", "spf", "--trust-anchor", "/k", "a.test"},
     "--trust-anchor has no effect under --checks spf: it is for the dnssec check (add dnssec "
     "to the checks, or leave --trust-anchor out)"},
    {{"check", "--checks", "dnsbl", "--list", "zen.spamhaus.org", "a.test"},
     {"check", "--checks", "fcrdns", "--list", "zen.spamhaus.org", "192.0.2.1"},
     "--list has no effect under --checks fcrdns: it is for the dnsbl check (add dnsbl to the "
     "checks, or leave --list out)"},
    {{"scan", "--checks", "dnsbl", "--anomaly-share", "0.5", "192.0.2.1"},
     {"scan", "--checks", "fcrdns", "--anomaly-share", "0.5", "192.0.2.1"},
     "--anomaly-share has no effect under --checks fcrdns: it is for the dnsbl check (add dnsbl "
     "to the checks, or leave --anomaly-share out)"},
    {{"scan", "--checks", "all", "--anomaly-min", "3", "192.0.2.1"},
     {"scan", "--checks", "origin", "--anomaly-min", "3", "192.0.2.1"},
     "--anomaly-min has no effect under --checks origin: it is for the dnsbl check (add dnsbl "
     "to the checks, or leave --anomaly-min out)"},
    {{"check", "--expand", "spf,mx", "--expand-cap", "20", "a.test"},
     {"check", "--expand", "mx,a", "--expand-cap", "20", "a.test"},
     "--expand-cap has no effect under --expand mx,a: it caps the SPF blocks that --expand spf "
     "walks"},
    {{"check", "--expand", "spf", "--expand-cap", "20,120", "a.test"},
     {"check", "--expand-cap", "20", "a.test"},
     "--expand-cap has no effect without --expand spf: it caps the SPF blocks that --expand spf "
     "walks"},
};

Test(opts, every_option_tied_to_a_check_is_refused_where_it_does_nothing)
{
    char msg[1024];
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        cr_expect_eq(judge(rows[i].works, NULL, msg, sizeof(msg)), 0, "row %zu: %s", i, msg);
        cr_expect_eq(judge(rows[i].idle, NULL, msg, sizeof(msg)), SCAN_ECONFIG, "row %zu", i);
        cr_expect_str_eq(msg, rows[i].msg, "row %zu", i);
    }
}

/* Without --checks every applicable check runs, so every option has its effect. */
Test(opts, the_default_checks_let_every_option_work)
{
    static const char *const all[] = {"scan",
                                      "--spf-domain",
                                      "a.test",
                                      "--dkim-selector",
                                      "s1",
                                      "--bimi-selector",
                                      "brand",
                                      "--ca-file",
                                      "/ca.pem",
                                      "--trust-anchor",
                                      "/k",
                                      "--list",
                                      "zen.spamhaus.org",
                                      "--anomaly-min",
                                      "3",
                                      "a.test",
                                      NULL};
    char msg[1024];
    cr_assert_eq(judge(all, NULL, msg, sizeof(msg)), 0, "%s", msg);
    static const char *const lists[] = {"lists", "--lists", "/x.yaml", NULL};
    cr_assert_eq(judge(lists, NULL, msg, sizeof(msg)), 0, "only check and scan are judged");
}

/* A job file that contradicts itself is refused at the key; a flag under the file's
 * checks is refused naming where those are; the command line's --checks makes the
 * file's keys stand aside (one file serves the timer and one-off runs). */
Test(opts, job_file_keys_are_judged_against_the_files_own_checks)
{
    char msg[1024];
    static const char *const plain[] = {"scan", NULL};
    cr_assert_eq(judge(plain, "checks: [dnsbl, fcrdns]\ndomains: [a.test]\nspf_domains: [a.test]\n",
                       msg, sizeof(msg)),
                 SCAN_ECONFIG);
    cr_assert_str_eq(msg, "job.yaml:3:1: spf_domains has no effect under checks: [dnsbl, fcrdns] "
                          "(job.yaml:1:1): it is for the spf-auth check (add spf-auth to the "
                          "checks, or leave spf_domains out)");
    cr_assert_eq(judge(plain, "domains: [a.test]\nchecks: [spf]\nfetch: false\n", msg, sizeof(msg)),
                 SCAN_ECONFIG);
    cr_assert_str_eq(msg, "job.yaml:3:1: fetch has no effect under checks: [spf] (job.yaml:2:1): "
                          "it is for the mta-sts check (add mta-sts to the checks, or leave "
                          "fetch out)");
    cr_assert_eq(
        judge(plain, "domains: [a.test]\nfetch: false\nca_file: /ca.pem\n", msg, sizeof(msg)),
        SCAN_ECONFIG);
    cr_assert_str_eq(msg, "job.yaml:3:1: ca_file has no effect with fetch: false (job.yaml:2:1): "
                          "it is for the HTTPS fetch of MTA-STS policies");

    static const char *const flag[] = {"scan", "--dkim-selector", "s1", NULL};
    cr_assert_eq(judge(flag, "domains: [a.test]\nchecks: [spf, dmarc]\n", msg, sizeof(msg)),
                 SCAN_ECONFIG);
    cr_assert_str_eq(msg, "--dkim-selector has no effect under checks: [spf, dmarc] "
                          "(job.yaml:2:1): it is for the dkim check (add dkim to the checks, or "
                          "leave --dkim-selector out)");

    static const char *const narrow[] = {"scan", "--checks", "dnsbl", NULL};
    cr_assert_eq(judge(narrow,
                       "domains: [a.test]\nspf_domains: [a.test]\ntrust_anchor: /k\n"
                       "dkim_selectors: [s1]\nfetch: false\n",
                       msg, sizeof(msg)),
                 0, "%s", msg);
    static const char *const flag_wins[] = {"scan", "--spf-domain", "b.test", NULL};
    cr_assert_eq(judge(flag_wins, "domains: [a.test]\nchecks: [spf-auth]\nspf_domains: [a.test]\n",
                       msg, sizeof(msg)),
                 0, "%s", msg);
}

static bool resolve_of(const char *const *args, unsigned checks)
{
    char *argv[12] = {"dnsbl-scan"};
    int argc = 1;
    struct cli_opts o;
    for (size_t i = 0; args[i]; i++)
        argv[argc++] = (char *)args[i];
    cr_assert_eq(cli_opts_parse(argc, argv, &o), 0);
    bool on = cli_resolve(&o, checks);
    cli_opts_free(&o);
    return on;
}

/* --resolve: on for check and --nagios, off for scan, when an IP check would see the
 * addresses; the flags decide over the default. */
Test(opts, resolve_defaults)
{
    static const char *const check[] = {"check", "a.test", NULL};
    static const char *const scan[] = {"scan", "a.test", NULL};
    static const char *const nagios[] = {"scan", "--nagios", "a.test", NULL};
    static const char *const scan_on[] = {"scan", "--resolve", "a.test", NULL};
    static const char *const check_off[] = {"check", "--no-resolve", "a.test", NULL};
    static const char *const check_on[] = {"check", "--resolve", "a.test", NULL};
    cr_assert(resolve_of(check, SCAN_CHECK_ALL));
    cr_assert(resolve_of(check, SCAN_CHECK_FCRDNS));
    cr_assert_not(resolve_of(check, SCAN_CHECK_SPF | SCAN_CHECK_DMARC),
                  "no check of IP targets would see the addresses");
    cr_assert_not(resolve_of(scan, SCAN_CHECK_ALL));
    cr_assert(resolve_of(nagios, SCAN_CHECK_DNSBL));
    cr_assert(resolve_of(scan_on, SCAN_CHECK_ALL));
    cr_assert_not(resolve_of(check_off, SCAN_CHECK_ALL));
    cr_assert(resolve_of(check_on, SCAN_CHECK_SPF), "given: as --expand a would");
}
