/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the one option table (cli/options.h): getopt's arrays are made
 * from its rows; every flag is read by its row's kind into its row's field; each
 * range holds the same on the command line and in the job file; a number field is
 * written and read in its type; the job file reads every row's key by the row (its
 * kind, range and typed field); paths are resolved against the job file's folder,
 * strings are not.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/jobfile.h"
#include "cli/options.h"
#include "cli/opts.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/* ---- helpers ---------------------------------------------------------------------- */

/* cli_opts_parse() of "dnsbl-scan ARGS..." (NULL-terminated) with standard output and
 * error caught: @p err gets what was said on standard error. */
static int parse(const char *const *args, struct cli_opts *o, char *err, size_t len)
{
    char *argv[16] = {"dnsbl-scan"};
    int argc = 1, fds[2] = {dup(STDOUT_FILENO), dup(STDERR_FILENO)};
    FILE *out = tmpfile(), *errf = tmpfile();

    cr_assert(out && errf && fds[0] >= 0 && fds[1] >= 0);
    for (size_t i = 0; args[i]; i++)
        argv[argc++] = (char *)args[i];
    fflush(stdout);
    fflush(stderr);
    dup2(fileno(out), STDOUT_FILENO);
    dup2(fileno(errf), STDERR_FILENO);
    int ret = cli_opts_parse(argc, argv, o);
    fflush(stdout);
    fflush(stderr);
    dup2(fds[0], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    rewind(errf);
    size_t n = fread(err, 1, len - 1, errf);
    err[n] = '\0';
    fclose(out);
    fclose(errf);
    return ret;
}

/* The number in @p row's field of @p o. */
static double number_of(const struct cli_opts *o, const struct cli_option *row)
{
    return cli_field_number((const char *)o + row->off, row->type);
}

/* The (last) string in @p row's field of @p o, or NULL. */
static const char *string_of(const struct cli_opts *o, const struct cli_option *row)
{
    const void *f = (const char *)o + row->off;

    if (row->type == CLI_T_STRV) {
        const struct cli_strv *v = f;
        return v->n ? v->v[v->n - 1] : NULL;
    }
    cr_assert_eq(row->type, CLI_T_STR, "row --%s", row->flag);
    return *(const char *const *)f;
}

static bool is_number(enum cli_opt_kind k)
{
    return k == CLI_K_INT || k == CLI_K_REAL || k == CLI_K_SHARE;
}

/* "%.15g", as the messages write a bound. */
static const char *g(double v, char *buf)
{
    snprintf(buf, 32, "%.15g", v);
    return buf;
}

/* ---- fields ------------------------------------------------------------------------ */

/* A number is written in its field's width, no byte more, and read back as written. */
Test(options, a_number_field_is_written_and_read_in_its_type)
{
    static const struct {
        enum cli_field_type type;
        size_t size;
        double v, back;
    } cases[] = {
        {CLI_T_BOOL, sizeof(bool), 5, 1},           {CLI_T_INT, sizeof(int), -1, -1},
        {CLI_T_UNSIGNED, sizeof(unsigned), 7.9, 7}, {CLI_T_LONG, sizeof(long), -1, -1},
        {CLI_T_SIZE, sizeof(size_t), 1e9, 1e9},     {CLI_T_LLONG, sizeof(long long), -3e12, -3e12},
        {CLI_T_DOUBLE, sizeof(double), 0.25, 0.25},
    };
    struct {
        unsigned char before[8];
        union {
            bool b;
            int i;
            unsigned u;
            long l;
            size_t z;
            long long ll;
            double d;
            unsigned char bytes[16];
        } f;
        unsigned char after[8];
    } box;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memset(&box, 0xAA, sizeof(box));
        cli_field_set_number(&box.f, cases[i].type, cases[i].v);
        cr_expect_eq(cli_field_number(&box.f, cases[i].type), cases[i].back, "type %d",
                     (int)cases[i].type);
        for (size_t k = cases[i].size; k < sizeof(box.f.bytes); k++)
            cr_expect_eq(box.f.bytes[k], 0xAA, "type %d wrote byte %zu", (int)cases[i].type, k);
        for (size_t k = 0; k < sizeof(box.before); k++)
            cr_expect(box.before[k] == 0xAA && box.after[k] == 0xAA, "type %d", (int)cases[i].type);
    }
}

/* Each key's struct cli_job field is of the row's kind: a string or a list where the
 * kind reads one, else a signed number that a file without the key leaves < 0. */
Test(options, each_key_is_held_in_a_field_of_its_kind)
{
    static const char yaml[] = "domains: [a.test]\n";
    struct cli_job *job = NULL;
    struct scan_diag diag = {0};

    cr_assert_eq(cli_job_parse("job.yaml", yaml, strlen(yaml), &job, &diag), 0, "%s", diag.msg);
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        enum cli_field_type t = row->job_type;
        if (!row->key)
            continue;
        switch (row->kind) {
        case CLI_K_STR:
        case CLI_K_PATH:
        case CLI_K_FORMAT:
            cr_expect_eq(t, CLI_T_JOB_STR, "%s", row->key);
            break;
        case CLI_K_LIST:
        case CLI_K_CHECKS:
        case CLI_K_EXPAND:
            cr_expect_eq(t, CLI_T_JOB_LIST, "%s", row->key);
            break;
        case CLI_K_SELECTOR:
            cr_expect_eq(t, row->type == CLI_T_STRV ? CLI_T_JOB_LIST : CLI_T_JOB_STR, "%s",
                         row->key);
            break;
        default:
            cr_expect(t == CLI_T_INT || t == CLI_T_LONG || t == CLI_T_LLONG || t == CLI_T_DOUBLE,
                      "%s is a signed number", row->key);
            cr_expect_lt(cli_field_number((const char *)job + row->job_off, t), 0, "%s is not set",
                         row->key);
            break;
        }
    }
    cli_job_free(job);
}

/* ---- getopt ----------------------------------------------------------------------- */

Test(options, getopt_arrays_come_from_the_rows)
{
    struct option longs[CLI_GETOPT_LONGS];
    char shorts[CLI_GETOPT_SHORTS];
    size_t nflags = 0, nlongs = 0;
    bool off;

    cli_options_getopt(longs, shorts);
    for (size_t i = 0; i < CLI_O_COUNT; i++)
        nflags += (cli_options[i].flag != NULL) + (cli_options[i].no != NULL);
    for (; longs[nlongs].name; nlongs++) {
        const struct cli_option *row = cli_option_of(longs[nlongs].val, &off);
        cr_assert_not_null(row, "--%s", longs[nlongs].name);
        cr_assert_str_eq(longs[nlongs].name, off ? row->no : row->flag);
        cr_assert_eq(longs[nlongs].has_arg,
                     off || row->kind == CLI_K_SWITCH || row->kind == CLI_K_OFF ||
                             row->kind == CLI_K_ACTION
                         ? no_argument
                         : required_argument,
                     "--%s", longs[nlongs].name);
    }
    cr_assert_eq(nlongs, nflags);
    cr_assert_str_eq(shorts, "w:c:o:h", "-w N, -c N|FILE, -o FILE, -h");
    cr_assert_eq(cli_option_of('w', &off), &cli_options[CLI_O_WARNING]);
    cr_assert_eq(cli_option_of('c', &off), &cli_options[CLI_O_C]);
    cr_assert_null(cli_option_of('?', &off), "getopt's unknown option has no row");
    cr_assert_null(cli_option_of(CLI_GETOPT_NO + CLI_O_COUNT, &off));
}

/* ---- every flag ------------------------------------------------------------------- */

/* A good value for each kind of flag; what the special ones take is in specials[]. */
static const char *sample(enum cli_opt_kind kind, double lo, double hi, char *buf)
{
    switch (kind) {
    case CLI_K_INT:
        return g(lo, buf);
    case CLI_K_REAL:
    case CLI_K_SHARE:
        return g(hi, buf);
    case CLI_K_DURATION:
        return "1500ms";
    case CLI_K_CHECKS:
        return "dnsbl,mx";
    case CLI_K_EXPAND:
        return "mx,a";
    case CLI_K_FORMAT:
        return "csv";
    case CLI_K_SELECTOR:
        return "s2024";
    default:
        return "/some/where";
    }
}

/* @p row's field of @p o holds what sample() (or job_sample()) gave: @p value, read as
 * the kind reads it; @p on for a switch. */
static void expect_sample(const struct cli_opts *o, const struct cli_option *row, const char *value,
                          bool on, const char *what)
{
    switch (row->kind) {
    case CLI_K_SWITCH:
    case CLI_K_OFF:
        cr_expect_eq(number_of(o, row), on, "%s", what);
        break;
    case CLI_K_DURATION:
        cr_expect_eq(number_of(o, row), 1500, "%s", what);
        break;
    case CLI_K_CHECKS:
        cr_expect_eq(o->checks, SCAN_CHECK_DNSBL | SCAN_CHECK_MX, "%s", what);
        break;
    case CLI_K_EXPAND:
        cr_expect_eq(o->expand, SCAN_EXPAND_MX | SCAN_EXPAND_A, "%s", what);
        break;
    case CLI_K_INT:
    case CLI_K_REAL:
    case CLI_K_SHARE:
        cr_expect_eq(number_of(o, row), atof(value), "%s", what);
        break;
    default:
        cr_expect_str_eq(string_of(o, row), value, "%s", what);
        break;
    }
}

Test(options, every_flag_fills_its_rows_field)
{
    char err[1024], buf[32], flag[64];

    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        if (!row->flag || row->kind == CLI_K_SPECIAL || row->kind == CLI_K_ACTION)
            continue; /* the special ones: specials_are_read_by_their_handlers */
        bool report = i == CLI_O_OUTPUT;
        const char *value = sample(row->kind, row->lo, row->hi, buf);
        for (int no = 0; no <= (row->no != NULL); no++) {
            const char *args[8] = {report ? "report" : "check"};
            size_t n = 1;
            struct cli_opts o;
            snprintf(flag, sizeof(flag), "--%s", no ? row->no : row->flag);
            args[n++] = flag;
            bool valued = row->kind != CLI_K_SWITCH && row->kind != CLI_K_OFF;
            if (valued)
                args[n++] = value;
            if (!report)
                args[n++] = "a.test";
            cr_assert_eq(parse(args, &o, err, sizeof(err)), 0, "%s: %s", flag, err);
            cr_expect(cli_given(&o, (enum cli_opt_id)i), "%s is marked given", flag);
            expect_sample(&o, row, value, !no, flag);
            if (valued && !is_number(row->kind) && row->kind != CLI_K_DURATION &&
                row->kind != CLI_K_CHECKS && row->kind != CLI_K_EXPAND)
                cr_expect_eq(string_of(&o, row), value, "%s keeps argv's string", flag);
            cli_opts_free(&o);
        }
    }
}

Test(options, specials_are_read_by_their_handlers)
{
    char err[1024];
    struct cli_opts o;

    static const char *const https[] = {"check", "--https-connect", "127.0.0.1:8443", "a", NULL};
    cr_assert_eq(parse(https, &o, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(o.https_connect, "127.0.0.1:8443");
    cli_opts_free(&o);
    static const char *const cap[] = {"check", "--expand-cap", "20,120", "a", NULL};
    cr_assert_eq(parse(cap, &o, err, sizeof(err)), 0, "%s", err);
    cr_expect_eq(o.expand_cap4, 20);
    cr_expect_eq(o.expand_cap6, 120);
    cli_opts_free(&o);
    static const char *const since[] = {"report", "--since", "2w", NULL};
    cr_assert_eq(parse(since, &o, err, sizeof(err)), 0, "%s", err);
    cr_expect_eq(o.since_ms, 14LL * 86400 * 1000);
    cli_opts_free(&o);
    static const char *const c_number[] = {"check", "-c", "3", "a", NULL};
    cr_assert_eq(parse(c_number, &o, err, sizeof(err)), 0, "%s", err);
    cr_expect_eq(o.crit, 3);
    cr_expect(cli_given(&o, CLI_O_CRITICAL), "-c 3 is --critical 3");
    cr_expect_null(o.job_path);
    cli_opts_free(&o);
    static const char *const c_file[] = {"check", "-c", "job.yaml", NULL};
    cr_assert_eq(parse(c_file, &o, err, sizeof(err)), 0, "%s", err);
    cr_expect_str_eq(o.job_path, "job.yaml");
    cr_expect_not(cli_given(&o, CLI_O_CRITICAL));
    cli_opts_free(&o);
    static const char *const bad_cap[] = {"check", "--expand-cap", "15", "a", NULL};
    cr_assert_eq(parse(bad_cap, &o, err, sizeof(err)), SCAN_EPARSE);
    cr_expect_str_eq(err, "dnsbl-scan: --expand-cap '15': expected the shortest prefixes walked, "
                          "IPv4 16..32 and optionally IPv6 112..128, such as 24,120 (see "
                          "dnsbl-scan --help)\n");
    cli_opts_free(&o);
}

/* --help and --version end the parse with o->done, not a code; errors are negative. */
Test(options, help_and_version_are_done_not_codes)
{
    char err[1024];
    struct cli_opts o;
    static const char *const unknown[] = {"check", "--verbose-not", NULL};
    const char *const *const done[] = {
        (const char *const[]){"--help", NULL},
        (const char *const[]){"check", "-h", NULL},
        (const char *const[]){"scan", "--version", NULL},
    };

    for (size_t i = 0; i < sizeof(done) / sizeof(done[0]); i++) {
        cr_assert_eq(parse(done[i], &o, err, sizeof(err)), 0);
        cr_expect(o.done, "%s", done[i][0]);
        cli_opts_free(&o);
    }
    cr_assert_eq(parse(unknown, &o, err, sizeof(err)), SCAN_EPARSE);
    cr_expect_not(o.done);
    cr_expect_str_eq(err, "dnsbl-scan: unknown option '--verbose-not' (see dnsbl-scan --help)\n");
    cli_opts_free(&o);
    static const char *const lists[] = {"lists", "x", NULL};
    cr_assert_eq(parse(lists, &o, err, sizeof(err)), SCAN_ECONFIG);
    cli_opts_free(&o);
}

/* ---- ranges: the command line and the job file ------------------------------------ */

/* The job file "job.yaml" setting @p key to @p value, with a domain. */
static int job_with(const char *key, const char *value, struct cli_job **job, char *err, size_t len)
{
    char yaml[256];
    const char *dot = strchr(key, '.');

    if (dot)
        snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%.*s: {%s: %s}\n", (int)(dot - key), key,
                 dot + 1, value);
    else
        snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%s: %s\n", key, value);
    struct scan_diag diag = {0};
    *job = NULL;
    int ret = cli_job_parse("job.yaml", yaml, strlen(yaml), job, &diag);
    snprintf(err, len, "%s", diag.msg);
    return ret;
}

/* @p row's flag and key with @p value: both take it (and give the same number), or
 * both refuse it naming the row's range. */
static void agree(const struct cli_option *row, double value, bool good)
{
    char v[32], lo[32], hi[32], flag[64], err[1024], want[256];
    struct cli_opts o;
    struct cli_job *job = NULL;

    g(value, v);
    snprintf(flag, sizeof(flag), "--%s", row->flag);
    const char *args[] = {"scan", flag, v, "a.test", NULL};
    int ret = parse(args, &o, err, sizeof(err));
    if (good) {
        cr_expect_eq(ret, 0, "%s %s: %s", flag, v, err);
        cr_expect_eq(number_of(&o, row), value, "%s %s", flag, v);
    } else {
        cr_expect_eq(ret, SCAN_EPARSE, "%s %s", flag, v);
        if (!row->why) {
            snprintf(want, sizeof(want), "expected a number from %s to %s", g(row->lo, lo),
                     g(row->hi, hi));
            cr_expect(strstr(err, want), "%s %s: %s", flag, v, err);
        }
    }
    cli_opts_free(&o);
    if (!row->key)
        return;
    ret = job_with(row->key, v, &job, err, sizeof(err));
    if (good) {
        cr_assert_eq(ret, 0, "%s: %s: %s", row->key, v, err);
        static const char *const none[] = {"scan", "-c", "job.yaml", NULL};
        cr_assert_eq(parse(none, &o, err, sizeof(err)), 0);
        cr_assert_eq(cli_opts_apply_job(&o, job, NULL), 0);
        cr_expect_eq(number_of(&o, row), value, "%s: %s", row->key, v);
        cli_opts_free(&o);
    } else {
        const char *name = strchr(row->key, '.') ? strchr(row->key, '.') + 1 : row->key;
        if (row->kind == CLI_K_SHARE)
            snprintf(want, sizeof(want), "'%s' must be more than %s and at most %s", name,
                     g(row->lo, lo), g(row->hi, hi));
        else
            snprintf(want, sizeof(want), "'%s' must be from %s to %s", name, g(row->lo, lo),
                     g(row->hi, hi));
        cr_expect_neq(ret, 0, "%s: %s", row->key, v);
        cr_expect(strstr(err, want), "%s: %s: %s (want %s)", row->key, v, err, want);
    }
    cli_job_free(job);
}

Test(options, each_range_holds_on_the_command_line_and_in_the_job_file)
{
    size_t checked = 0;

    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        if (!is_number(row->kind))
            continue;
        double step = row->kind == CLI_K_INT ? 1 : row->hi / 1000;
        if (row->kind != CLI_K_SHARE)
            agree(row, row->lo, true);
        else
            agree(row, row->lo, false); /* above lo only */
        agree(row, row->hi, true);
        agree(row, row->lo - step, false);
        agree(row, row->hi + step, false);
        checked++;
    }
    cr_assert_geq(checked, 8, "concurrency, channels, tries, rate, anomaly share and min, -w, -c");
}

/* ---- the job file's keys: the rows' ------------------------------------------------ */

/* The job file "job.yaml" setting @p key ("name" or "mapping.name") to @p value, with
 * a domain: the value starts at line 2, column *col. */
static int job_key(const char *key, const char *value, struct cli_job **job, unsigned *col,
                   struct scan_diag *diag)
{
    char yaml[256];
    const char *dot = strchr(key, '.');

    if (dot) {
        snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%.*s: {%s: %s}\n", (int)(dot - key), key,
                 dot + 1, value);
        *col = (unsigned)(strlen(key) + 5); /* after "mapping: {name: " */
    } else {
        snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%s: %s\n", key, value);
        *col = (unsigned)(strlen(key) + 3); /* after "name: " */
    }
    *job = NULL;
    return cli_job_parse("job.yaml", yaml, strlen(yaml), job, diag);
}

/* A good value of @p row's key in a job file (for an int the least, for a real the
 * most of its range). */
static const char *job_sample(const struct cli_option *row, char *buf)
{
    switch (row->kind) {
    case CLI_K_INT:
        return g(row->lo, buf);
    case CLI_K_REAL:
    case CLI_K_SHARE:
        return g(row->hi, buf);
    case CLI_K_DURATION:
        return "1500ms";
    case CLI_K_SWITCH:
        return "true";
    case CLI_K_OFF:
        return "false"; /* fetch: false is --no-fetch */
    case CLI_K_CHECKS:
        return "[dnsbl, mx]";
    case CLI_K_EXPAND:
        return "[mx, a]";
    case CLI_K_FORMAT:
        return "csv";
    case CLI_K_LIST:
        return "[x.test]";
    case CLI_K_SELECTOR:
        return row->type == CLI_T_STRV ? "[s2024]" : "s2024";
    default:
        return "/some/where";
    }
}

/* A value @p row's key refuses (out of its range, or not of its kind), the code and
 * the message after "job.yaml:LINE:COLUMN: " (@p name: the key in its mapping); the
 * message's column is @p shift past the value's. */
static const char *job_refused(const struct cli_option *row, const char *name, int *code,
                               char *want, size_t len, unsigned *shift)
{
    static char value[32];
    char lo[32], hi[32];
    bool list = row->kind == CLI_K_LIST || row->kind == CLI_K_EXPAND ||
                (row->kind == CLI_K_SELECTOR && row->type == CLI_T_STRV);

    *code = SCAN_EPARSE;
    *shift = 0;
    g(row->lo, lo);
    g(row->hi, hi);
    switch (row->kind) {
    case CLI_K_INT:
    case CLI_K_REAL:
        *code = SCAN_ECONFIG;
        snprintf(want, len, "'%s' must be from %s to %s", name, lo, hi);
        return g(row->hi + 1, value);
    case CLI_K_SHARE:
        *code = SCAN_ECONFIG;
        snprintf(want, len, "'%s' must be more than %s and at most %s", name, lo, hi);
        return g(row->lo, value);
    case CLI_K_DURATION:
        snprintf(want, len, "'%s' must be a duration from 1ms to 10m (500ms, 2s, 1m or seconds)",
                 name);
        return "11m";
    case CLI_K_SWITCH:
    case CLI_K_OFF:
        snprintf(want, len, "'%s' must be true or false, not a string", name);
        return "maybe";
    case CLI_K_CHECKS:
        *code = SCAN_ECONFIG;
        *shift = 1;
        snprintf(want, len,
                 "unknown check 'nope' (expected dnsbl, fcrdns, spf, spf-auth, dmarc, mx, dkim, "
                 "mta-sts, tls-rpt, bimi, ns, dnssec or origin)");
        return "[nope]";
    case CLI_K_FORMAT:
        *code = SCAN_ECONFIG;
        snprintf(want, len, "unknown format 'pdf' (expected text, json, csv or summary)");
        return "pdf";
    default:
        snprintf(want, len,
                 list ? "'%s' must be a sequence, not a scalar"
                      : "'%s' must be a string, not a sequence",
                 name);
        return list ? "x" : "[x]";
    }
}

/* Every key of the job file that sets an option is the row's: the job file takes it
 * with a good value into the row's field and refuses a bad one, naming it where it
 * stands. The option table is the only place the key is written. */
Test(options, the_job_file_takes_every_rows_key_as_the_row_says)
{
    const char *keys[64];
    size_t nkeys = cli_job_keys(keys, 64), rows = 0;
    char buf[32], want[256], msg[300], err[1024];

    cr_assert_leq(nkeys, 64);
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        const char *name = strchr(row->key ? row->key : "", '.');
        struct cli_job *job = NULL;
        struct scan_diag diag = {0};
        struct cli_opts o;
        unsigned col, shift;
        int code;
        if (!row->key)
            continue;
        name = name ? name + 1 : row->key;
        size_t listed = 0;
        for (size_t k = 0; k < nkeys; k++)
            listed += strcmp(keys[k], row->key) == 0;
        cr_expect_eq(listed, 1, "%s is listed once by cli_job_keys()", row->key);

        /* a good value, applied to the row's field */
        const char *value = job_sample(row, buf);
        cr_assert_eq(job_key(row->key, value, &job, &col, &diag), 0, "%s: %s: %s", row->key, value,
                     diag.msg);
        static const char *const args[] = {"scan", "-c", "job.yaml", NULL};
        cr_assert_eq(parse(args, &o, err, sizeof(err)), 0);
        cr_assert_eq(cli_opts_apply_job(&o, job, &diag), 0, "%s: %s", row->key, diag.msg);
        expect_sample(&o, row,
                      row->kind == CLI_K_LIST       ? "x.test"
                      : row->kind == CLI_K_SELECTOR ? "s2024"
                                                    : value,
                      true, row->key);
        cli_opts_free(&o);
        cli_job_free(job);

        /* a bad one, refused where it stands */
        value = job_refused(row, name, &code, want, sizeof(want), &shift);
        cr_expect_eq(job_key(row->key, value, &job, &col, &diag), code, "%s: %s", row->key, value);
        cr_expect_null(job);
        snprintf(msg, sizeof(msg), "job.yaml:2:%u: %s", col + shift, want);
        cr_expect_str_eq(diag.msg, msg, "%s: %s", row->key, value);
        rows++;
    }
    cr_assert_geq(rows, 27, "every option with a job-file key");
}

/* A CLI_K_PATH key is resolved against the job file's folder; a string is kept. */
Test(options, the_job_file_resolves_paths_and_keeps_strings)
{
    char err[1024];

    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        bool path = row->kind == CLI_K_PATH;
        if (!row->key || (!path && row->kind != CLI_K_STR && row->kind != CLI_K_SELECTOR) ||
            row->type != CLI_T_STR)
            continue;
        char yaml[256];
        const char *dot = strchr(row->key, '.');
        if (dot)
            snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%.*s: {%s: rel}\n",
                     (int)(dot - row->key), row->key, dot + 1);
        else
            snprintf(yaml, sizeof(yaml), "domains: [a.test]\n%s: rel\n", row->key);
        struct cli_job *job = NULL;
        struct cli_opts o;
        static const char *const args[] = {"scan", "-c", "/etc/d/job.yaml", NULL};
        struct scan_diag jd = {0};
        cr_assert_eq(cli_job_parse("/etc/d/job.yaml", yaml, strlen(yaml), &job, &jd), 0, "%s: %s",
                     row->key, jd.msg);
        cr_assert_eq(parse(args, &o, err, sizeof(err)), 0);
        cr_assert_eq(cli_opts_apply_job(&o, job, NULL), 0, "%s", row->key);
        cr_expect_str_eq(string_of(&o, row), path ? "/etc/d/rel" : "rel", "%s", row->key);
        cli_opts_free(&o);
        cli_job_free(job);
    }
}

/* A bad value in the job file is named where it is written, in the diag. */
Test(options, job_values_the_job_file_does_not_check_are_checked_with_their_place)
{
    static const struct {
        const char *yaml, *msg;
        int code;
    } rows[] = {
        {"domains: [a.test]\nbimi_selector: \"a b\"\n",
         "job.yaml:2:16: bimi_selector 'a b': expected a DNS label", SCAN_EPARSE},
        {"domains: [a.test]\ndkim_selectors: [ok, \"-\", \".x\"]\n",
         "job.yaml:2:27: dkim_selectors '.x': expected a DNS label", SCAN_EPARSE},
        {"domains: [a.test]\nexpand: [mx, ns]\n",
         "job.yaml:2:14: unknown expand source 'ns' (mx, spf, a)", SCAN_ECONFIG},
        {"state: /x.db\n", "job.yaml: no targets: give pools or domains (see the README)",
         SCAN_ECONFIG},
    };
    char err[1024];

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct cli_job *job = NULL;
        struct cli_opts o;
        struct scan_diag diag = {0};
        static const char *const args[] = {"scan", "-c", "job.yaml", NULL};
        cr_assert_eq(cli_job_parse("job.yaml", rows[i].yaml, strlen(rows[i].yaml), &job, &diag), 0,
                     "%s", diag.msg);
        cr_assert_eq(parse(args, &o, err, sizeof(err)), 0);
        cr_expect_eq(cli_opts_apply_job(&o, job, &diag), rows[i].code, "row %zu", i);
        cr_expect_str_eq(diag.msg, rows[i].msg, "row %zu", i);
        cli_opts_free(&o);
        cli_job_free(job);
    }
}
