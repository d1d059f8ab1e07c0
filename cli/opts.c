/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Command-line parsing (see opts.h): the command word, then one getopt_long() pass
 * whose arrays and value checks come from the option table (cli/options.h), then
 * the rules between options. The job file is applied in cli/apply.c, options
 * without effect are refused in cli/effect.c.
 */
#include "cli/opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "cli/rbl.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

#define PROG "dnsbl-scan"

static const char usage_text[] =
    "usage: dnsbl-scan check [OPTIONS] TARGET...      one-off lookup, readable at a glance\n"
    "       dnsbl-scan scan  [OPTIONS] TARGETS...     pools: streamed, summary by default\n"
    "       dnsbl-scan lists [--lists PATH] [--format text|json]\n"
    "       dnsbl-scan history [--state PATH] [TARGET]\n"
    "       dnsbl-scan report [--state PATH] [--since DURATION] [-o FILE]\n"
    "\n"
    "Targets: IPv4 / IPv6 addresses, IPv4 ranges /8../32, IPv6 ranges /112../128,\n"
    "domain names (A-labels), @FILE (one per line, # comments), - (stdin).\n"
    "\n"
    "Options:\n"
    "  --format text|json|csv|summary   output format (check: text, scan: summary)\n"
    "  --checks LIST           dnsbl,fcrdns,spf,spf-auth,dmarc,mx,dkim,mta-sts,tls-rpt,\n"
    "                          bimi,ns,dnssec,origin or all (default: all)\n"
    "  --lists PATH            catalog file or folder instead of the built-in one\n"
    "  --list ID_OR_ZONE       use only these lists (repeatable)\n"
    "  --resolver ADDR[:PORT]  resolver to ask, [IPv6]:PORT too (repeatable; default\n"
    "                          /etc/resolv.conf)\n"
    "  --concurrency N         queries in flight at most (default 200)\n"
    "  --timeout DURATION      first-try timeout, e.g. 500ms, 2s (default 2s)\n"
    "  --tries N               tries per resolver (default 2)\n"
    "  --rate QPS              one rate limit for every list; 0 = no limits\n"
    "                          (default: each list's own limit from the catalog)\n"
    "  --spf-domain DOMAIN     check that each IP target is authorized by DOMAIN's SPF\n"
    "  --dkim-selector SEL     a DKIM selector to check for every domain (repeatable), on\n"
    "                          top of the common and inferred ones\n"
    "  --bimi-selector SEL     the BIMI selector to check (default: default)\n"
    "  --no-fetch              mta-sts: judge the DNS record only, fetch no HTTPS policy\n"
    "  --ca-file FILE          CA certificates for the MTA-STS policy fetch instead of the\n"
    "                          system's\n"
    "  --https-connect HOST:PORT  connect every MTA-STS policy fetch there (testing), the\n"
    "                          certificate is still checked for the policy host's name\n"
    "  --expand mx,spf,a       also check the addresses that send for each domain: its MX\n"
    "                          hosts, what its SPF authorizes, its own A/AAAA\n"
    "  --expand-cap V4,V6      widest SPF blocks --expand spf walks (default 24,120)\n"
    "  --resolve, --no-resolve  check each host name's A/AAAA addresses on IP lists too\n"
    "                          (as --expand a; default: on for check and --nagios, off\n"
    "                          for scan)\n"
    "  --trust-anchor FILE     DNSSEC trust anchors, DS or DNSKEY records (default\n"
    "                          /usr/share/dns/root.key, from dns-root-data)\n"
    "  --skip-invalid          scan the valid targets, report the bad lines (--no-skip-invalid)\n"
    "  --progress / --no-progress   progress line on stderr (default: when a terminal)\n"
    "  --color / --no-color    colour in text output (default: when a terminal)\n"
    "Run history and alerts:\n"
    "  --state PATH            record the run, compare with the previous complete run\n"
    "  --delta FILE            write the delta as one JSON document\n"
    "  --wait, --no-wait       wait for another run on the same state instead of failing\n"
    "  --nagios [-w N] [-c N]  one Nagios/Icinga status line, exit 0/1/2/3 (--no-nagios)\n"
    "  --prom FILE             Prometheus textfile-collector output\n"
    "  --on-change CMD         run CMD (no shell) with the delta on stdin when it has events\n"
    "  --on-change-timeout DURATION   kill CMD after this long (default 60s)\n"
    "  --anomaly-share F       a list newly listing more than F of the pool is an anomaly\n"
    "  --anomaly-min N         ... and at least N targets (default 5)\n"
    "  -c, --config JOB.yaml   read a job file (flags given on the command line win, key by key)\n"
    "Reports:\n"
    "  --html FILE             also write a self-contained HTML report of the run\n"
    "  report: --since DURATION  timeline and events reach back this far (default 30d)\n"
    "          -o FILE         write the HTML report to FILE (default or -: standard output)\n"
    "\n"
    "Exit: 0 nothing listed and complete; 1 something listed (with --state: something new);\n"
    "      2 usage, configuration or input error; 3 nothing listed but verdicts left open,\n"
    "      or an output could not be delivered (this wins over 1: the news is kept).\n";

void cli_opts_init(struct cli_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->concurrency = 200;
    o->timeout_ms = 2000;
    o->tries = 2;
    o->rate = -1;
    o->progress = -1;
    o->color = -1;
    o->resolve = -1;
    o->warn = o->crit = -1;
    o->anomaly_share = -1;
    o->anomaly_min = -1;
    o->on_change_timeout_ms = -1;
}

void cli_opts_free(struct cli_opts *o)
{
    free(o->lists.v);
    free(o->resolvers.v);
    free(o->spf_domains.v);
    free(o->dkim_selectors.v);
    free(o->targets.v);
    for (size_t i = 0; i < o->target_origins.n; i++)
        free((char *)o->target_origins.v[i]); /* strings cli_opts owns */
    free(o->target_origins.v);
    for (size_t i = 0; i < o->owned.n; i++)
        free((char *)o->owned.v[i]);
    free(o->owned.v);
    free(o->target_pools.v);
    free(o->target_group);
    for (size_t i = 0; i < o->npool_lists; i++)
        free(o->pool_lists[i].v);
    free(o->pool_lists);
    memset(o, 0, sizeof(*o));
}

/* "--flag 'value': why (see dnsbl-scan --help)" on standard error. */
static int bad(const struct cli_option *row, const char *val, const char *why)
{
    char name[64];

    if (row->shown)
        snprintf(name, sizeof(name), "%s", row->shown);
    else
        snprintf(name, sizeof(name), "--%s", row->flag);
    fprintf(stderr, PROG ": %s '%s': %s (see dnsbl-scan --help)\n", name, val, why);
    return SCAN_EPARSE;
}

/* A number of a CLI_K_INT, _REAL, _SHARE or _DURATION row, in its range. */
static int take_number(struct cli_opts *o, const struct cli_option *row, const char *arg)
{
    char why[128], *end = NULL;
    long lv = 0;
    double v;

    switch (row->kind) {
    case CLI_K_INT:
        if (cli_parse_long(arg, (long)row->lo, (long)row->hi, &lv) != 0) {
            if (!row->why)
                snprintf(why, sizeof(why), "expected a number from %.15g to %.15g", row->lo,
                         row->hi);
            return bad(row, arg, row->why ? row->why : why);
        }
        v = (double)lv;
        break;
    case CLI_K_DURATION:
        v = cli_parse_duration(arg);
        if (v < 0) {
            snprintf(why, sizeof(why), "%s (" CLI_DURATION_RANGE ")", row->why);
            return bad(row, arg, why);
        }
        break;
    case CLI_K_REAL:
        errno = 0;
        v = strtod(arg, &end);
        if (end == arg || *end || errno || !isfinite(v) || v < row->lo || v > row->hi)
            return bad(row, arg, row->why);
        break;
    default: /* CLI_K_SHARE: above lo, up to hi */
        v = strtod(arg, &end);
        if (end == arg || *end || !(v > row->lo && v <= row->hi))
            return bad(row, arg, row->why);
        break;
    }
    cli_option_set_number(o, row, v);
    return 0;
}

/* The value of @p row given on the command line (NULL for a flag without one),
 * checked by the row's kind; @p off for a --no- form. */
static int take_value(struct cli_opts *o, const struct cli_option *row, const char *arg, bool off)
{
    unsigned bits;
    int ret;

    switch (row->kind) {
    case CLI_K_STR:
    case CLI_K_PATH:
        if (row->why && !*arg)
            return bad(row, arg, row->why);
        return cli_option_set_string(o, row, arg);
    case CLI_K_LIST:
        return cli_option_set_string(o, row, arg);
    case CLI_K_FORMAT:
        return cli_format_ok(arg) ? cli_option_set_string(o, row, arg) : bad(row, arg, row->why);
    case CLI_K_SELECTOR:
        if (!cli_selector_ok(arg))
            return bad(row, arg,
                       "expected a DNS label (or labels): letters, digits, '-', '_', '.'");
        return cli_option_set_string(o, row, arg);
    case CLI_K_SWITCH:
    case CLI_K_OFF:
        cli_option_set_number(o, row, !off);
        return 0;
    case CLI_K_CHECKS:
    case CLI_K_EXPAND:
        bits = row->kind == CLI_K_CHECKS ? cli_checks_parse(arg) : scan_expand_parse(arg);
        if (!bits)
            return bad(row, arg, row->why);
        cli_option_set_number(o, row, bits);
        return 0;
    case CLI_K_SPECIAL:
        ret = row->take(o, arg);
        return ret == SCAN_EPARSE ? bad(row, arg, row->why) : ret;
    case CLI_K_ACTION:
        if (cli_option_id(row) == CLI_O_HELP)
            fputs(usage_text, stdout);
        else
            puts("dnsbl-scan " DNSBL_SCAN_VERSION);
        o->done = true;
        return 0;
    default:
        return take_number(o, row, arg);
    }
}

/* The command word (argv[1]), or --help / --version in its place. */
static int parse_command(int argc, char **argv, struct cli_opts *o)
{
    static const struct {
        const char *word;
        enum cli_cmd cmd;
    } cmds[] = {{"check", CLI_CMD_CHECK},
                {"scan", CLI_CMD_SCAN},
                {"lists", CLI_CMD_LISTS},
                {"history", CLI_CMD_HISTORY},
                {"report", CLI_CMD_REPORT}};

    if (argc < 2) {
        fputs(usage_text, stderr);
        return SCAN_EPARSE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
        return take_value(o, &cli_options[CLI_O_HELP], NULL, false);
    if (strcmp(cmd, "--version") == 0)
        return take_value(o, &cli_options[CLI_O_VERSION], NULL, false);
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        if (strcmp(cmd, cmds[i].word) == 0) {
            o->cmd = cmds[i].cmd;
            return 0;
        }
    }
    fprintf(stderr,
            PROG ": unknown command '%s': use check, scan, lists, history or report "
                 "(see dnsbl-scan --help)\n",
            cmd);
    return SCAN_EPARSE;
}

/* The options after the command word, then the targets. A missing value is
 * reported as an unknown option: getopt_long() says '?' for both (the short
 * options do not start with ':'). */
static int parse_options(int argc, char **argv, struct cli_opts *o)
{
    struct option longs[CLI_GETOPT_LONGS];
    char shorts[CLI_GETOPT_SHORTS];
    int c, ret;

    cli_options_getopt(longs, shorts);
    optind = 2;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        bool off;
        const struct cli_option *row = cli_option_of(c, &off);
        if (!row) {
            fprintf(stderr, PROG ": unknown option '%s' (see dnsbl-scan --help)\n",
                    optind > 0 && optind <= argc ? argv[optind - 1] : "?");
            return SCAN_EPARSE;
        }
        o->given |= cli_opt_bit(cli_option_id(row));
        ret = take_value(o, row, optarg, off);
        if (ret != 0 || o->done)
            return ret;
    }
    for (int i = optind; i < argc; i++)
        if (cli_strv_push(&o->targets, argv[i]))
            return -ENOMEM;
    return 0;
}

/* What each command takes: targets, -o and --since, --html. */
static int check_command(const struct cli_opts *o)
{
    const char *why = NULL;

    if ((o->cmd == CLI_CMD_CHECK || o->cmd == CLI_CMD_SCAN) && o->targets.n == 0 && !o->job_path)
        why = "no targets: give addresses, ranges, domains, @FILE or - (see dnsbl-scan --help)";
    else if (o->cmd == CLI_CMD_LISTS && o->targets.n > 0)
        why = "'lists' takes no targets";
    else if (o->cmd == CLI_CMD_REPORT && o->targets.n > 0)
        why = "'report' takes no targets (it reads the state store)";
    else if (o->cmd != CLI_CMD_REPORT && o->output_path)
        why = "-o is for 'report'; check and scan write their HTML report with --html FILE";
    else if (o->cmd != CLI_CMD_REPORT && o->since_ms)
        why = "--since is for 'report'; check and scan write their HTML report with --html FILE";
    else if (o->html_path && o->cmd != CLI_CMD_CHECK && o->cmd != CLI_CMD_SCAN)
        why = "--html is for check and scan; 'report' writes with -o FILE";
    else if (o->cmd == CLI_CMD_HISTORY && o->targets.n > 1)
        why = "'history' takes at most one target";
    if (!why)
        return 0;
    fprintf(stderr, PROG ": %s\n", why);
    return SCAN_ECONFIG;
}

int cli_opts_parse(int argc, char **argv, struct cli_opts *o)
{
    int ret;

    cli_opts_init(o);
    if (cli_rbl_wanted(argc, argv))
        return cli_rbl_parse(argc, argv, o);
    ret = parse_command(argc, argv, o);
    if (ret == 0 && !o->done)
        ret = parse_options(argc, argv, o);
    if (ret == 0 && !o->done)
        ret = check_command(o);
    return ret;
}

bool cli_resolve(const struct cli_opts *o, unsigned checks)
{
    if (o->resolve >= 0)
        return o->resolve == 1;
    return (o->cmd == CLI_CMD_CHECK || o->nagios) && (checks & SCAN_EXPAND_CHECKS);
}
