/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the exit-code policy (cli/exit.h), as tables: every (check,
 * outcome) pair alone in a run, with and without a store and under --nagios,
 * then the other inputs (health, completeness, the delta, alerts, stdout), and
 * the code when the options end the process before any run.
 */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "cli/exit.h"
#include "scanner/core/err.h"

/* A run with @p n results of @p outcome from check row @p check, complete. */
static struct cli_run_outcome one(unsigned check, enum scan_outcome outcome, uint64_t n)
{
    struct cli_run_outcome o = {.complete = true};
    o.counts[check][outcome] = n;
    return o;
}

/* What one result of each outcome means without a store, whatever the check. */
static const int plain_code[CLI_NOUTCOMES] = {
    [SCAN_OUT_OK] = CLI_EXIT_OK,
    [SCAN_OUT_LISTED] = CLI_EXIT_LISTED,
    [SCAN_OUT_INFO] = CLI_EXIT_OK,
    [SCAN_OUT_PROBLEM] = CLI_EXIT_OK,
    [SCAN_OUT_ERROR] = CLI_EXIT_INCOMPLETE,
};

Test(exit, every_check_and_outcome_without_a_store)
{
    for (unsigned c = 0; c < CLI_NCHECKS; c++) {
        for (unsigned out = 0; out < CLI_NOUTCOMES; out++) {
            struct cli_run_outcome o = one(c, out, 1);
            cr_assert_eq(cli_exit_code(&o), plain_code[out], "check %s, outcome %s",
                         scan_check_name(1u << c), scan_outcome_word(out));
        }
    }
}

Test(exit, every_check_is_counted_from_its_result)
{
    /* Through cli_run_count(), as the run counts: no check's error may be lost. */
    for (unsigned bit = 1; bit & SCAN_CHECK_ALL; bit <<= 1) {
        struct cli_run_outcome o = {.complete = true};
        struct scan_result r = {0};
        scan_result_set(&r, bit, SCAN_ST_ERROR, SCAN_R_TIMEOUT);
        cli_run_count(&o, &r);
        cr_assert_eq(cli_exit_code(&o), CLI_EXIT_INCOMPLETE, "check %s", scan_check_name(bit));
    }
}

Test(exit, every_check_and_outcome_with_a_store)
{
    /* A store speaks of the delta: a result alone never sets the code. */
    for (unsigned c = 0; c < CLI_NCHECKS; c++) {
        for (unsigned out = 0; out < CLI_NOUTCOMES; out++) {
            struct cli_run_outcome o = one(c, out, 1);
            o.store = true;
            cr_assert_eq(cli_exit_code(&o), CLI_EXIT_OK, "check %s, outcome %s",
                         scan_check_name(1u << c), scan_outcome_word(out));
            o.delta_problems = true;
            cr_assert_eq(cli_exit_code(&o), CLI_EXIT_LISTED, "check %s, outcome %s",
                         scan_check_name(1u << c), scan_outcome_word(out));
        }
    }
}

Test(exit, every_check_and_outcome_under_nagios)
{
    static const enum out_nagios_status st[] = {OUT_NAGIOS_OK, OUT_NAGIOS_WARNING,
                                                OUT_NAGIOS_CRITICAL, OUT_NAGIOS_UNKNOWN};
    for (unsigned c = 0; c < CLI_NCHECKS; c++)
        for (unsigned out = 0; out < CLI_NOUTCOMES; out++)
            for (size_t k = 0; k < sizeof(st) / sizeof(st[0]); k++) {
                struct cli_run_outcome o = one(c, out, 1);
                o.nagios = true;
                o.nagios_status = st[k];
                o.delivery_failed = true; /* the plugin's status stands */
                cr_assert_eq(cli_exit_code(&o), (int)st[k], "check %s, outcome %s",
                             scan_check_name(1u << c), scan_outcome_word(out));
            }
}

/* The bug this policy replaced: the same SERVFAIL exited 3 under --checks spf and
 * 0 under --checks spf-auth (temperror counted as a problem). */
Test(exit, spf_auth_temperror_is_an_open_verdict)
{
    struct cli_run_outcome o = {.complete = true};
    struct scan_result r = {.target = "192.0.2.1"};

    scan_result_set(&r, SCAN_CHECK_SPF_AUTH, SCAN_ST_TEMPERROR, SCAN_R_SERVFAIL);
    cli_run_count(&o, &r);
    cr_assert_eq(o.counts[3][SCAN_OUT_ERROR], 1);
    cr_assert_eq(cli_exit_code(&o), CLI_EXIT_INCOMPLETE);

    struct cli_run_outcome p = {.complete = true};
    scan_result_set(&r, SCAN_CHECK_SPF, SCAN_ST_ERROR, SCAN_R_SERVFAIL);
    cli_run_count(&p, &r);
    cr_assert_eq(cli_exit_code(&p), cli_exit_code(&o), "the same SERVFAIL, the same code");
}

Test(exit, counting)
{
    struct cli_run_outcome o = {0};
    struct scan_result r = {.target = "192.0.2.1", .klass = SCAN_CLASS_INFO};

    scan_result_set(&r, SCAN_CHECK_DNSBL, SCAN_ST_LISTED, SCAN_R_NONE);
    cli_run_count(&o, &r);
    cr_assert_eq(o.counts[0][SCAN_OUT_INFO], 1);
    scan_result_set(&r, SCAN_CHECK_MX, SCAN_ST_NULL, SCAN_R_NONE);
    cli_run_count(&o, &r);
    cr_assert_eq(o.counts[5][SCAN_OUT_PROBLEM], 1);
    r.kind = 0; /* no check: not counted */
    cli_run_count(&o, &r);
    cli_run_count(&o, NULL);
    cli_run_count(NULL, &r);
    uint64_t n = 0;
    for (unsigned c = 0; c < CLI_NCHECKS; c++)
        for (unsigned out = 0; out < CLI_NOUTCOMES; out++)
            n += o.counts[c][out];
    cr_assert_eq(n, 2);
}

/* The other inputs, one row each: listed/error/info/problem counts (any check),
 * unhealthy (list, kind) reports, then the flags. */
struct row {
    const char *what;
    uint64_t listed, errors, info, problems, unhealthy;
    bool complete, output_failed, store, delta_problems, delivery_failed, nagios;
    enum out_nagios_status nagios_status;
    int want;
};

static const struct row rows[] = {
    {"nothing at all", .complete = true, .want = CLI_EXIT_OK},
    {"clean run", .info = 2, .problems = 3, .complete = true, .want = CLI_EXIT_OK},
    {"interrupted", .complete = false, .want = CLI_EXIT_INCOMPLETE},
    {"unhealthy list", .unhealthy = 1, .complete = true, .want = CLI_EXIT_INCOMPLETE},
    {"error", .errors = 1, .complete = true, .want = CLI_EXIT_INCOMPLETE},
    {"listed wins over errors", .listed = 1, .errors = 5, .unhealthy = 2, .complete = true,
     .want = CLI_EXIT_LISTED},
    {"listed wins over interrupted", .listed = 1, .complete = false, .want = CLI_EXIT_LISTED},
    {"delivery failed, nothing else", .complete = true, .delivery_failed = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"delivery failed wins over listed", .listed = 1, .complete = true, .delivery_failed = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"delivery failed, interrupted", .complete = false, .delivery_failed = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"stdout failed", .complete = true, .output_failed = true, .want = CLI_EXIT_INCOMPLETE},
    {"stdout failed, listed", .listed = 1, .complete = true, .output_failed = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"stdout failed, nagios", .complete = true, .output_failed = true, .nagios = true,
     .nagios_status = OUT_NAGIOS_OK, .want = CLI_EXIT_INCOMPLETE},
    {"store, nothing new", .listed = 4, .errors = 9, .unhealthy = 1, .complete = true,
     .store = true, .want = CLI_EXIT_OK},
    {"store, new problems", .complete = true, .store = true, .delta_problems = true,
     .want = CLI_EXIT_LISTED},
    {"store, incomplete", .complete = false, .store = true, .delta_problems = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"store, delivery failed", .complete = true, .store = true, .delivery_failed = true,
     .want = CLI_EXIT_INCOMPLETE},
    {"store, delivery failed wins over new problems", .complete = true, .store = true,
     .delta_problems = true, .delivery_failed = true, .want = CLI_EXIT_INCOMPLETE},
    {"store, redelivered news delivered now", .complete = true, .store = true,
     .delta_problems = true, .want = CLI_EXIT_LISTED},
    {"store, delivery failed, incomplete", .complete = false, .store = true, .delta_problems = true,
     .delivery_failed = true, .want = CLI_EXIT_INCOMPLETE},
    {"nagios, delivery failed: the plugin status stands", .listed = 1, .complete = true,
     .store = true, .delivery_failed = true, .nagios = true, .nagios_status = OUT_NAGIOS_CRITICAL,
     .want = OUT_NAGIOS_CRITICAL},
    {"nagios ok despite errors", .errors = 3, .complete = true, .nagios = true,
     .nagios_status = OUT_NAGIOS_OK, .want = OUT_NAGIOS_OK},
    {"nagios critical", .listed = 1, .complete = true, .nagios = true,
     .nagios_status = OUT_NAGIOS_CRITICAL, .want = OUT_NAGIOS_CRITICAL},
    {"nagios unknown when interrupted", .complete = false, .nagios = true,
     .nagios_status = OUT_NAGIOS_UNKNOWN, .want = OUT_NAGIOS_UNKNOWN},
    {"nagios with a store", .complete = true, .store = true, .delta_problems = true, .nagios = true,
     .nagios_status = OUT_NAGIOS_WARNING, .want = OUT_NAGIOS_WARNING},
};

Test(exit, other_inputs)
{
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *w = &rows[i];
        /* spread the counts over different checks: the policy sums them */
        struct cli_run_outcome o = {.unhealthy = w->unhealthy,
                                    .complete = w->complete,
                                    .output_failed = w->output_failed,
                                    .store = w->store,
                                    .delta_problems = w->delta_problems,
                                    .delivery_failed = w->delivery_failed,
                                    .nagios = w->nagios,
                                    .nagios_status = w->nagios_status};
        o.counts[0][SCAN_OUT_LISTED] = w->listed;
        o.counts[2][SCAN_OUT_ERROR] = w->errors;
        o.counts[0][SCAN_OUT_INFO] = w->info;
        o.counts[1][SCAN_OUT_PROBLEM] = w->problems;
        cr_assert_eq(cli_exit_code(&o), w->want, "%s", w->what);
    }
    cr_assert_eq(cli_exit_code(NULL), CLI_EXIT_INCOMPLETE);
}

/* Every check the vocabulary names is counted: a dnssec or origin error leaves a
 * verdict open as much as a DNSBL timeout does, and a bogus zone is a problem. */
Test(exit, new_checks_are_counted)
{
    static const unsigned checks[] = {SCAN_CHECK_DNSSEC, SCAN_CHECK_ORIGIN, SCAN_CHECK_EXPAND};
    for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        struct cli_run_outcome o = {.complete = true};
        struct scan_result r = {.target = "example.test"};
        scan_result_set(&r, checks[i], SCAN_ST_ERROR, SCAN_R_TIMEOUT);
        cli_run_count(&o, &r);
        cr_assert_eq(cli_exit_code(&o), CLI_EXIT_INCOMPLETE, "%s", scan_check_name(checks[i]));
    }
    struct cli_run_outcome p = {.complete = true};
    struct scan_result r = {.target = "example.test"};
    scan_result_set(&r, SCAN_CHECK_DNSSEC, SCAN_ST_BOGUS, SCAN_R_BAD_SIGNATURE);
    cr_assert_eq(r.outcome, SCAN_OUT_PROBLEM);
    cli_run_count(&p, &r);
    cr_assert_eq(cli_exit_code(&p), CLI_EXIT_OK);
    scan_result_set(&r, SCAN_CHECK_DNSSEC, SCAN_ST_SECURE, SCAN_R_NONE);
    cr_assert_eq(r.outcome, SCAN_OUT_OK);
    cr_assert_str_eq(r.status, "secure");
}

static void quiet(void)
{
    cr_redirect_stdout();
    cr_redirect_stderr();
}

/* When the options end the process: 0 after --help or --version, 2 for a usage
 * error; as check_rbl, 3 (the plugin's UNKNOWN) for the help, the version and every
 * error alike. cli_opts_parse() says which with its code and o->done. */
Test(exit, after_the_options, .init = quiet)
{
    static const struct {
        const char *argv[5];
        int ret; /* what cli_opts_parse() returns */
        int code;
    } rows[] = {
        {{"dnsbl-scan", "--help"}, 0, CLI_EXIT_OK},
        {{"dnsbl-scan", "check", "--version"}, 0, CLI_EXIT_OK},
        {{"dnsbl-scan"}, SCAN_EPARSE, CLI_EXIT_USAGE},
        {{"dnsbl-scan", "check", "--tries", "0", "a.test"}, SCAN_EPARSE, CLI_EXIT_USAGE},
        {{"dnsbl-scan", "lists", "a.test"}, SCAN_ECONFIG, CLI_EXIT_USAGE},
        {{"check_rbl", "-h"}, 0, CLI_EXIT_INCOMPLETE},
        {{"check_rbl", "-V"}, 0, CLI_EXIT_INCOMPLETE},
        {{"dnsbl-scan", "nagios", "-?"}, 0, CLI_EXIT_INCOMPLETE},
        {{"check_rbl", "-H", "192.0.2.1", "-r", "0"}, SCAN_EPARSE, CLI_EXIT_INCOMPLETE},
        {{"check_rbl"}, SCAN_EPARSE, CLI_EXIT_INCOMPLETE},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct cli_opts o;
        int argc = 0;
        while (argc < 5 && rows[i].argv[argc])
            argc++;
        int ret = cli_opts_parse(argc, (char **)rows[i].argv, &o);
        cr_expect_eq(ret, rows[i].ret, "row %zu", i);
        cr_expect(ret != 0 || o.done, "row %zu ends the process", i);
        cr_expect_eq(cli_exit_after_options(&o, ret), rows[i].code, "row %zu", i);
        cli_opts_free(&o);
    }
}
