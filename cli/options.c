/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one table of options (see options.h), the handlers of the few options no
 * kind describes, getopt_long()'s arrays made from the rows, and the checks of
 * values the command line and the job file share.
 */
#include "cli/options.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jobfile.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/* ---- handlers of the special options ------------------------------------------ */

/* --https-connect HOST:PORT */
static int take_https_connect(struct cli_opts *o, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    long port = 0;

    if (!colon || colon == arg || cli_parse_long(colon + 1, 1, 65535, &port) != 0)
        return SCAN_EPARSE;
    o->https_connect = arg;
    return 0;
}

/* --expand-cap V4[,V6]: the shortest prefixes --expand spf walks. */
static int take_expand_cap(struct cli_opts *o, const char *arg)
{
    long c4 = 0, c6 = 0;
    char v4[16];
    const char *comma = strchr(arg, ',');
    size_t n = comma ? (size_t)(comma - arg) : strlen(arg);

    if (n >= sizeof(v4))
        n = sizeof(v4) - 1;
    memcpy(v4, arg, n);
    v4[n] = '\0';
    if (cli_parse_long(v4, 16, 32, &c4) || (comma && cli_parse_long(comma + 1, 112, 128, &c6)))
        return SCAN_EPARSE;
    o->expand_cap4 = (unsigned)c4;
    o->expand_cap6 = (unsigned)c6;
    return 0;
}

/* -c: a number is the Nagios critical threshold (check_rbl compatibility), anything
 * else is a job file; --critical and --config are the unambiguous forms. */
static int take_c(struct cli_opts *o, const char *arg)
{
    long v;

    if (cli_parse_long(arg, CLI_LISTINGS_LO, CLI_LISTINGS_HI, &v) == 0) {
        o->crit = v;
        o->given |= cli_opt_bit(CLI_O_CRITICAL);
    } else {
        o->job_path = arg;
    }
    return 0;
}

/* report --since: a look-back window with its unit. */
static int take_since(struct cli_opts *o, const char *arg)
{
    o->since_ms = cli_parse_since(arg);
    return o->since_ms < 0 ? SCAN_EPARSE : 0;
}

/* ---- the table ------------------------------------------------------------------ */

/* The struct cli_opts field a row fills, with its type. */
#define OPT(m)                                                                                     \
    .off = offsetof(struct cli_opts, m), .type = CLI_FIELD_TYPE(((struct cli_opts *)0)->m)
/* The job-file key of a row, and the struct cli_job field that holds it, with its type. */
#define JOB(k, m)                                                                                  \
    .key = k, .job_off = offsetof(struct cli_job, m),                                              \
    .job_type = CLI_FIELD_TYPE(((struct cli_job *)0)->m)

/* Rows in the order of enum cli_opt_id; see options.h for what reads them. The
 * order is also the order the job file's values are taken (its first bad value is
 * the one reported) and options without effect are judged. Kept by hand as a grid:
 * one option per row, its flag first. */
/* clang-format off */
const struct cli_option cli_options[CLI_O_COUNT] = {
    [CLI_O_FORMAT] = {.flag = "format", JOB("format", format), .kind = CLI_K_FORMAT, OPT(format),
        .why = "expected text, json, csv or summary"},
    [CLI_O_CHECKS] = {.flag = "checks", JOB("checks", checks), .kind = CLI_K_CHECKS, OPT(checks),
        .why = "expected a comma-separated list of dnsbl, fcrdns, spf, spf-auth, dmarc, mx, "
               "dkim, mta-sts, tls-rpt, bimi, ns, dnssec, origin, all"},
    [CLI_O_LISTS] = {.flag = "lists", JOB("catalog", catalog), .kind = CLI_K_PATH,
        OPT(lists_path)},
    [CLI_O_RESOLVER] = {.flag = "resolver", JOB("resolvers", resolvers), .kind = CLI_K_LIST,
        OPT(resolvers)},
    [CLI_O_CONCURRENCY] = {.flag = "concurrency", JOB("concurrency", concurrency),
        .kind = CLI_K_INT, .lo = CLI_CONCURRENCY_LO, .hi = CLI_CONCURRENCY_HI, OPT(concurrency)},
    [CLI_O_CHANNELS] = {.flag = "channels", .kind = CLI_K_INT, .lo = 1, .hi = 16, OPT(channels)},
    [CLI_O_TIMEOUT] = {.flag = "timeout", JOB("timeout", timeout_ms), .kind = CLI_K_DURATION,
        OPT(timeout_ms), .why = "expected a duration such as 500ms or 2s"},
    [CLI_O_TRIES] = {.flag = "tries", JOB("tries", tries), .kind = CLI_K_INT,
        .lo = CLI_TRIES_LO, .hi = CLI_TRIES_HI, OPT(tries)},
    [CLI_O_RATE] = {.flag = "rate", JOB("rate", rate), .kind = CLI_K_REAL,
        .lo = 0, .hi = 1e7, OPT(rate),
        .why = "expected queries per second, 0 for no limit"},
    [CLI_O_SPF_DOMAIN] = {.flag = "spf-domain", JOB("spf_domains", spf_domains),
        .kind = CLI_K_LIST, OPT(spf_domains), .check = SCAN_CHECK_SPF_AUTH},
    [CLI_O_DKIM_SELECTOR] = {.flag = "dkim-selector", JOB("dkim_selectors", dkim_selectors),
        .kind = CLI_K_SELECTOR, OPT(dkim_selectors), .check = SCAN_CHECK_DKIM},
    [CLI_O_BIMI_SELECTOR] = {.flag = "bimi-selector", JOB("bimi_selector", bimi_selector),
        .kind = CLI_K_SELECTOR, OPT(bimi_selector), .check = SCAN_CHECK_BIMI},
    [CLI_O_NO_FETCH] = {.flag = "no-fetch", JOB("fetch", fetch), .kind = CLI_K_OFF,
        OPT(no_fetch), .check = SCAN_CHECK_MTA_STS},
    [CLI_O_CA_FILE] = {.flag = "ca-file", JOB("ca_file", ca_file), .kind = CLI_K_PATH,
        OPT(ca_file), .check = SCAN_CHECK_MTA_STS, .fetch = true},
    [CLI_O_HTTPS_CONNECT] = {.flag = "https-connect", .kind = CLI_K_SPECIAL,
        .take = take_https_connect, OPT(https_connect), .why = "expected HOST:PORT",
        .check = SCAN_CHECK_MTA_STS, .fetch = true},
    [CLI_O_TRUST_ANCHOR] = {.flag = "trust-anchor", JOB("trust_anchor", trust_anchor),
        .kind = CLI_K_PATH, OPT(trust_anchor), .why = "expected a file of DS or DNSKEY records",
        .check = SCAN_CHECK_DNSSEC},
    [CLI_O_LIST] = {.flag = "list", JOB("lists", lists), .kind = CLI_K_LIST, OPT(lists),
        .check = SCAN_CHECK_DNSBL},
    [CLI_O_ANOMALY_SHARE] = {.flag = "anomaly-share", JOB("anomaly_share", anomaly_share),
        .kind = CLI_K_SHARE, .lo = 0, .hi = 1, OPT(anomaly_share),
        .why = "expected a share above 0 and up to 1", .check = SCAN_CHECK_DNSBL},
    [CLI_O_ANOMALY_MIN] = {.flag = "anomaly-min", JOB("anomaly_min", anomaly_min),
        .kind = CLI_K_INT, .lo = 1, .hi = 1000000000, OPT(anomaly_min),
        .check = SCAN_CHECK_DNSBL},
    [CLI_O_EXPAND] = {.flag = "expand", JOB("expand", expand), .kind = CLI_K_EXPAND, OPT(expand),
        .why = "expected a comma-separated list of mx, spf, a"},
    [CLI_O_EXPAND_CAP] = {.flag = "expand-cap", .kind = CLI_K_SPECIAL, .take = take_expand_cap,
        OPT(expand_cap4), .why = "expected the shortest prefixes walked, IPv4 16..32 and "
                                 "optionally IPv6 112..128, such as 24,120",
        .expand = SCAN_EXPAND_SPF},
    [CLI_O_RESOLVE] = {.flag = "resolve", .no = "no-resolve", JOB("resolve", resolve),
        .kind = CLI_K_SWITCH, OPT(resolve)},
    [CLI_O_SKIP_INVALID] = {.flag = "skip-invalid", .no = "no-skip-invalid",
        JOB("skip_invalid", skip_invalid), .kind = CLI_K_SWITCH, OPT(skip_invalid)},
    [CLI_O_PROGRESS] = {.flag = "progress", .no = "no-progress", .kind = CLI_K_SWITCH,
        OPT(progress)},
    [CLI_O_COLOR] = {.flag = "color", .no = "no-color", .kind = CLI_K_SWITCH, OPT(color)},
    [CLI_O_STATE] = {.flag = "state", JOB("state", state), .kind = CLI_K_PATH, OPT(state_path)},
    [CLI_O_DELTA] = {.flag = "delta", JOB("alerts.delta", alerts.delta), .kind = CLI_K_PATH,
        OPT(delta_path)},
    [CLI_O_PROM] = {.flag = "prom", JOB("alerts.prom", alerts.prom), .kind = CLI_K_PATH,
        OPT(prom_path)},
    [CLI_O_ON_CHANGE] = {.flag = "on-change", JOB("alerts.on_change", alerts.on_change),
        .kind = CLI_K_STR, OPT(on_change)},
    [CLI_O_ON_CHANGE_TIMEOUT] = {.flag = "on-change-timeout",
        JOB("alerts.on_change_timeout", alerts.on_change_timeout_ms), .kind = CLI_K_DURATION,
        OPT(on_change_timeout_ms), .why = "expected a duration such as 500ms or 30s"},
    [CLI_O_WAIT] = {.flag = "wait", .no = "no-wait", JOB("wait", wait), .kind = CLI_K_SWITCH,
        OPT(wait)},
    [CLI_O_NAGIOS] = {.flag = "nagios", .no = "no-nagios", JOB("alerts.nagios", alerts.nagios),
        .kind = CLI_K_SWITCH, OPT(nagios)},
    [CLI_O_WARNING] = {.flag = "warning", .letter = 'w', JOB("alerts.warning", alerts.warning),
        .kind = CLI_K_INT, .lo = CLI_LISTINGS_LO, .hi = CLI_LISTINGS_HI, OPT(warn),
        .why = "expected a number of listings", .shown = "-w"},
    [CLI_O_CRITICAL] = {.flag = "critical", JOB("alerts.critical", alerts.critical),
        .kind = CLI_K_INT, .lo = CLI_LISTINGS_LO, .hi = CLI_LISTINGS_HI, OPT(crit),
        .why = "expected a number of listings"},
    [CLI_O_CONFIG] = {.flag = "config", .kind = CLI_K_PATH, OPT(job_path)},
    [CLI_O_C] = {.letter = 'c', .kind = CLI_K_SPECIAL, .take = take_c, OPT(job_path)},
    [CLI_O_HTML] = {.flag = "html", .kind = CLI_K_PATH, OPT(html_path)},
    [CLI_O_SINCE] = {.flag = "since", .kind = CLI_K_SPECIAL, .take = take_since, OPT(since_ms),
        .why = "expected a duration with its unit, such as 90m, 12h, 30d or 2w"},
    [CLI_O_OUTPUT] = {.flag = "output", .letter = 'o', .kind = CLI_K_PATH, OPT(output_path)},
    [CLI_O_HELP] = {.flag = "help", .letter = 'h', .kind = CLI_K_ACTION},
    [CLI_O_VERSION] = {.flag = "version", .kind = CLI_K_ACTION},
};
/* clang-format on */

#undef OPT
#undef JOB

/* ---- getopt_long() -------------------------------------------------------------- */

static bool takes_value(const struct cli_option *row)
{
    return row->kind != CLI_K_SWITCH && row->kind != CLI_K_OFF && row->kind != CLI_K_ACTION;
}

void cli_options_getopt(struct option *longs, char *shorts)
{
    size_t nl = 0, ns = 0;

    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        int arg = takes_value(row) ? required_argument : no_argument;
        if (row->flag)
            longs[nl++] = (struct option){row->flag, arg, NULL, CLI_GETOPT_BASE + (int)i};
        if (row->no)
            longs[nl++] = (struct option){row->no, no_argument, NULL, CLI_GETOPT_NO + (int)i};
        if (row->letter) {
            shorts[ns++] = row->letter;
            if (arg == required_argument)
                shorts[ns++] = ':';
        }
    }
    SCAN_REQUIRE(nl < CLI_GETOPT_LONGS && ns < CLI_GETOPT_SHORTS);
    longs[nl] = (struct option){NULL, 0, NULL, 0};
    shorts[ns] = '\0';
}

const struct cli_option *cli_option_of(int c, bool *off)
{
    *off = false;
    if (c >= CLI_GETOPT_BASE && c < CLI_GETOPT_BASE + CLI_O_COUNT)
        return &cli_options[c - CLI_GETOPT_BASE];
    if (c >= CLI_GETOPT_NO && c < CLI_GETOPT_NO + CLI_O_COUNT) {
        *off = true;
        return &cli_options[c - CLI_GETOPT_NO];
    }
    for (size_t i = 0; c > 0 && c < 128 && i < CLI_O_COUNT; i++)
        if (cli_options[i].letter == c)
            return &cli_options[i];
    return NULL;
}

/* ---- values ----------------------------------------------------------------------- */

enum cli_opt_id cli_option_id(const struct cli_option *row)
{
    SCAN_REQUIRE(row >= cli_options && row < cli_options + CLI_O_COUNT);
    return (enum cli_opt_id)(row - cli_options);
}

void cli_option_set_number(struct cli_opts *o, const struct cli_option *row, double v)
{
    cli_field_set_number((char *)o + row->off, row->type, v);
}

void cli_field_set_number(void *field, enum cli_field_type type, double v)
{
    switch (type) {
    case CLI_T_BOOL:
        *(bool *)field = v != 0;
        break;
    case CLI_T_INT:
        *(int *)field = (int)v;
        break;
    case CLI_T_UNSIGNED:
        *(unsigned *)field = (unsigned)v;
        break;
    case CLI_T_LONG:
        *(long *)field = (long)v;
        break;
    case CLI_T_SIZE:
        *(size_t *)field = (size_t)v;
        break;
    case CLI_T_LLONG:
        *(long long *)field = (long long)v;
        break;
    case CLI_T_DOUBLE:
        *(double *)field = v;
        break;
    case CLI_T_STR:
    case CLI_T_STRV:
    case CLI_T_JOB_STR:
    case CLI_T_JOB_LIST:
        SCAN_REQUIRE(!"a number for a string field");
    }
}

double cli_field_number(const void *field, enum cli_field_type type)
{
    switch (type) {
    case CLI_T_BOOL:
        return *(const bool *)field;
    case CLI_T_INT:
        return *(const int *)field;
    case CLI_T_UNSIGNED:
        return *(const unsigned *)field;
    case CLI_T_LONG:
        return (double)*(const long *)field;
    case CLI_T_SIZE:
        return (double)*(const size_t *)field;
    case CLI_T_LLONG:
        return (double)*(const long long *)field;
    case CLI_T_DOUBLE:
        return *(const double *)field;
    case CLI_T_STR:
    case CLI_T_STRV:
    case CLI_T_JOB_STR:
    case CLI_T_JOB_LIST:
        break;
    }
    SCAN_REQUIRE(!"the number of a string field");
    return 0;
}

int cli_option_set_string(struct cli_opts *o, const struct cli_option *row, const char *s)
{
    void *field = (char *)o + row->off;

    if (row->type == CLI_T_STRV)
        return cli_strv_push(field, s);
    SCAN_REQUIRE(row->type == CLI_T_STR);
    *(const char **)field = s;
    return 0;
}

/* A selector goes in front of "._bimi." or "._domainkey.": dot-separated labels of
 * letters, digits, '-' and '_', each 1 to 63 characters, at most 200 in all. */
bool cli_selector_ok(const char *s)
{
    size_t n = strlen(s), label = 0;

    if (n == 0 || n > 200 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_') {
            return false;
        } else if (++label > 63) {
            return false;
        }
    }
    return true;
}

unsigned cli_checks_parse(const char *s)
{
    char buf[256];
    unsigned bits = 0;

    if (strlen(s) >= sizeof(buf))
        return 0;
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        unsigned b =
            strcmp(tok, "all") == 0 ? SCAN_CHECK_ALL : scan_check_from_name(tok) & SCAN_CHECK_ALL;
        if (!b)
            return 0; /* not a check ("expand" is --expand) */
        bits |= b;
    }
    return bits;
}

bool cli_format_ok(const char *s)
{
    static const char *const words[] = {CLI_FORMAT_WORDS};

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(s, words[i]) == 0)
            return true;
    return false;
}
