/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Option parsing (see opts.h). `-c` is shared by two documented meanings: a
 * number is the Nagios critical threshold (check_rbl compatibility), anything
 * else is a job file; `--config` and `--critical` are the unambiguous forms.
 *
 * One file on purpose (over 600 lines): every command-line option with its check, the job
 * file's application under the command line, and the table of options without effect; one
 * option table shared with the job file is the refactor that would shorten it.
 */
#include "cli/opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jobfile.h"
#include "cli/rbl.h"
#include "scanner/engine/engine.h"
#include "scanner/checks/expand.h"

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

enum {
    OPT_FORMAT = 256,
    OPT_CHECKS,
    OPT_LISTS,
    OPT_LIST,
    OPT_RESOLVER,
    OPT_CONCURRENCY,
    OPT_CHANNELS,
    OPT_TIMEOUT,
    OPT_TRIES,
    OPT_RATE,
    OPT_SPF_DOMAIN,
    OPT_BIMI_SELECTOR,
    OPT_DKIM_SELECTOR,
    OPT_NO_FETCH,
    OPT_CA_FILE,
    OPT_HTTPS_CONNECT,
    OPT_TRUST_ANCHOR,
    OPT_EXPAND,
    OPT_EXPAND_CAP,
    OPT_SKIP_INVALID,
    OPT_PROGRESS,
    OPT_NO_PROGRESS,
    OPT_COLOR,
    OPT_NO_COLOR,
    OPT_STATE,
    OPT_DELTA,
    OPT_PROM,
    OPT_ON_CHANGE,
    OPT_WAIT,
    OPT_NAGIOS,
    OPT_WARNING,
    OPT_CRITICAL,
    OPT_CONFIG,
    OPT_ANOMALY,
    OPT_ANOMALY_MIN,
    OPT_ON_CHANGE_TIMEOUT,
    OPT_NO_WAIT,
    OPT_NO_SKIP_INVALID,
    OPT_NO_NAGIOS,
    OPT_VERSION,
    OPT_HTML,
    OPT_SINCE,
    OPT_RESOLVE,
    OPT_NO_RESOLVE,
    OPT_END
};

/* One bit per option in cli_opts::given ('w' and 'c' count as --warning and --critical). */
#define GIVEN(opt) ((uint64_t)1 << ((opt)-OPT_FORMAT))
_Static_assert(OPT_END - OPT_FORMAT <= 64, "cli_opts::given has a bit per option");

static const struct option long_opts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"lists", required_argument, NULL, OPT_LISTS},
    {"list", required_argument, NULL, OPT_LIST},
    {"resolver", required_argument, NULL, OPT_RESOLVER},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"channels", required_argument, NULL, OPT_CHANNELS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"tries", required_argument, NULL, OPT_TRIES},
    {"rate", required_argument, NULL, OPT_RATE},
    {"spf-domain", required_argument, NULL, OPT_SPF_DOMAIN},
    {"bimi-selector", required_argument, NULL, OPT_BIMI_SELECTOR},
    {"dkim-selector", required_argument, NULL, OPT_DKIM_SELECTOR},
    {"no-fetch", no_argument, NULL, OPT_NO_FETCH},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"https-connect", required_argument, NULL, OPT_HTTPS_CONNECT},
    {"trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR},
    {"expand", required_argument, NULL, OPT_EXPAND},
    {"expand-cap", required_argument, NULL, OPT_EXPAND_CAP},
    {"resolve", no_argument, NULL, OPT_RESOLVE},
    {"no-resolve", no_argument, NULL, OPT_NO_RESOLVE},
    {"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"color", no_argument, NULL, OPT_COLOR},
    {"no-color", no_argument, NULL, OPT_NO_COLOR},
    {"state", required_argument, NULL, OPT_STATE},
    {"delta", required_argument, NULL, OPT_DELTA},
    {"prom", required_argument, NULL, OPT_PROM},
    {"on-change", required_argument, NULL, OPT_ON_CHANGE},
    {"wait", no_argument, NULL, OPT_WAIT},
    {"nagios", no_argument, NULL, OPT_NAGIOS},
    {"warning", required_argument, NULL, OPT_WARNING},
    {"critical", required_argument, NULL, OPT_CRITICAL},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"anomaly-share", required_argument, NULL, OPT_ANOMALY},
    {"anomaly-min", required_argument, NULL, OPT_ANOMALY_MIN},
    {"on-change-timeout", required_argument, NULL, OPT_ON_CHANGE_TIMEOUT},
    {"no-wait", no_argument, NULL, OPT_NO_WAIT},
    {"no-skip-invalid", no_argument, NULL, OPT_NO_SKIP_INVALID},
    {"no-nagios", no_argument, NULL, OPT_NO_NAGIOS},
    {"html", required_argument, NULL, OPT_HTML},
    {"since", required_argument, NULL, OPT_SINCE},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

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

long long cli_parse_since(const char *s)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}, {"w", 7 * 86400e3}};
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v <= 0)
        return -1;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit) == 0) {
            double ms = v * units[i].ms;
            return ms < 60e3 || ms > 3650 * 86400e3 ? -1 : (long long)ms;
        }
    }
    return -1;
}

static int bad(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, PROG ": %s '%s': %s (see dnsbl-scan --help)\n", opt, val, why);
    return CLI_EXIT_USAGE;
}

/* A selector goes in front of "._bimi." or "._domainkey.": dot-separated labels of
 * letters, digits, '-' and '_', each 1 to 63 characters, at most 200 in all. */
static bool selector_ok(const char *s)
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

static int parse_checks(const char *s, unsigned *out)
{
    char buf[256];
    unsigned bits = 0;
    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "all") == 0) {
            bits |= SCAN_CHECK_ALL;
            continue;
        }
        unsigned b = scan_check_from_name(tok) & SCAN_CHECK_ALL; /* "expand" is --expand */
        if (!b)
            return -1;
        bits |= b;
    }
    if (!bits)
        return -1;
    *out = bits;
    return 0;
}

/* One piece on purpose: the getopt loop is a dispatch table written as a switch,
 * one short case per option (its value checked, its field set), which reads best
 * in the order of long_opts[]. Sharing one declarative table with the job file
 * (cli/jobfile.c) is the refactor that would shorten it; see CONTRIBUTING.md. */
int cli_opts_parse(int argc, char **argv, struct cli_opts *o)
{
    cli_opts_init(o);
    if (cli_rbl_wanted(argc, argv))
        return cli_rbl_parse(argc, argv, o);

    if (argc < 2) {
        fputs(usage_text, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 1;
    }
    if (strcmp(cmd, "--version") == 0) {
        puts("dnsbl-scan " DNSBL_SCAN_VERSION);
        return 1;
    }
    if (strcmp(cmd, "check") == 0)
        o->cmd = CLI_CMD_CHECK;
    else if (strcmp(cmd, "scan") == 0)
        o->cmd = CLI_CMD_SCAN;
    else if (strcmp(cmd, "lists") == 0)
        o->cmd = CLI_CMD_LISTS;
    else if (strcmp(cmd, "history") == 0)
        o->cmd = CLI_CMD_HISTORY;
    else if (strcmp(cmd, "report") == 0)
        o->cmd = CLI_CMD_REPORT;
    else {
        fprintf(stderr,
                PROG ": unknown command '%s': use check, scan, lists, history or report "
                     "(see dnsbl-scan --help)\n",
                cmd);
        return CLI_EXIT_USAGE;
    }

    optind = 2;
    opterr = 0;
    int c;
    long lv;
    while ((c = getopt_long(argc, argv, "hw:c:o:", long_opts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
        if (c >= OPT_FORMAT && c < OPT_END)
            o->given |= GIVEN(c);
        else if (c == 'w')
            o->given |= GIVEN(OPT_WARNING);
        switch (c) {
        case 'h':
            fputs(usage_text, stdout);
            return 1;
        case OPT_VERSION:
            puts("dnsbl-scan " DNSBL_SCAN_VERSION);
            return 1;
        case OPT_FORMAT:
            if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv") &&
                strcmp(optarg, "summary"))
                return bad("--format", optarg, "expected text, json, csv or summary");
            o->format = optarg;
            break;
        case OPT_CHECKS:
            if (parse_checks(optarg, &o->checks) != 0)
                return bad("--checks", optarg,
                           "expected a comma-separated list of dnsbl, fcrdns, spf, spf-auth, "
                           "dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns, dnssec, origin, all");
            break;
        case OPT_LISTS:
            o->lists_path = optarg;
            break;
        case OPT_LIST:
            if (cli_strv_push(&o->lists, optarg))
                return CLI_EXIT_USAGE;
            break;
        case OPT_RESOLVER:
            if (cli_strv_push(&o->resolvers, optarg))
                return CLI_EXIT_USAGE;
            break;
        case OPT_SPF_DOMAIN:
            if (cli_strv_push(&o->spf_domains, optarg))
                return CLI_EXIT_USAGE;
            break;
        case OPT_BIMI_SELECTOR:
            if (!selector_ok(optarg))
                return bad("--bimi-selector", optarg,
                           "expected a DNS label (or labels): letters, digits, '-', '_', '.'");
            o->bimi_selector = optarg;
            break;
        case OPT_NO_FETCH:
            o->no_fetch = true;
            break;
        case OPT_CA_FILE:
            o->ca_file = optarg;
            break;
        case OPT_HTTPS_CONNECT: {
            const char *colon = strrchr(optarg, ':');
            long port = 0;
            if (!colon || colon == optarg || cli_parse_long(colon + 1, 1, 65535, &port) != 0)
                return bad("--https-connect", optarg, "expected HOST:PORT");
            o->https_connect = optarg;
            break;
        }
        case OPT_DKIM_SELECTOR:
            if (!selector_ok(optarg))
                return bad("--dkim-selector", optarg,
                           "expected a DNS label (or labels): letters, digits, '-', '_', '.'");
            if (cli_strv_push(&o->dkim_selectors, optarg))
                return CLI_EXIT_USAGE;
            break;
        case OPT_TRUST_ANCHOR:
            if (!*optarg)
                return bad("--trust-anchor", optarg, "expected a file of DS or DNSKEY records");
            o->trust_anchor = optarg;
            break;
        case OPT_EXPAND:
            if (!(o->expand = scan_expand_parse(optarg)))
                return bad("--expand", optarg, "expected a comma-separated list of mx, spf, a");
            break;
        case OPT_EXPAND_CAP: {
            long c4 = 0, c6 = 0;
            char v4[16];
            const char *comma = strchr(optarg, ',');
            size_t n = comma ? (size_t)(comma - optarg) : strlen(optarg);
            if (n >= sizeof(v4))
                n = sizeof(v4) - 1;
            memcpy(v4, optarg, n);
            v4[n] = '\0';
            if (cli_parse_long(v4, 16, 32, &c4) ||
                (comma && cli_parse_long(comma + 1, 112, 128, &c6)))
                return bad("--expand-cap", optarg,
                           "expected the shortest prefixes walked, IPv4 16..32 and optionally "
                           "IPv6 112..128, such as 24,120");
            o->expand_cap4 = (unsigned)c4;
            o->expand_cap6 = (unsigned)c6;
            break;
        }
        case OPT_RESOLVE:
        case OPT_NO_RESOLVE:
            o->resolve = c == OPT_RESOLVE;
            o->given |= GIVEN(OPT_RESOLVE);
            break;
        case OPT_CONCURRENCY:
            if (cli_parse_long(optarg, 1, 100000, &lv))
                return bad("--concurrency", optarg, "expected a number from 1 to 100000");
            o->concurrency = (size_t)lv;
            break;
        case OPT_CHANNELS:
            if (cli_parse_long(optarg, 1, 16, &lv))
                return bad("--channels", optarg, "expected a number from 1 to 16");
            o->channels = (unsigned)lv;
            break;
        case OPT_TIMEOUT:
            if ((o->timeout_ms = cli_parse_duration(optarg)) < 0)
                return bad("--timeout", optarg,
                           "expected a duration such as 500ms or 2s "
                           "(1ms to 10m)");
            break;
        case OPT_TRIES:
            if (cli_parse_long(optarg, 1, 10, &lv))
                return bad("--tries", optarg, "expected a number from 1 to 10");
            o->tries = (int)lv;
            break;
        case OPT_RATE: {
            char *end = NULL;
            errno = 0;
            o->rate = strtod(optarg, &end);
            if (end == optarg || *end || errno || !isfinite(o->rate) || o->rate < 0 ||
                o->rate > 1e7)
                return bad("--rate", optarg, "expected queries per second, 0 for no limit");
            break;
        }
        case OPT_SKIP_INVALID:
        case OPT_NO_SKIP_INVALID:
            o->skip_invalid = c == OPT_SKIP_INVALID;
            o->given |= GIVEN(OPT_SKIP_INVALID);
            break;
        case OPT_PROGRESS:
            o->progress = 1;
            break;
        case OPT_NO_PROGRESS:
            o->progress = 0;
            break;
        case OPT_COLOR:
            o->color = 1;
            break;
        case OPT_NO_COLOR:
            o->color = 0;
            break;
        case OPT_STATE:
            o->state_path = optarg;
            break;
        case OPT_DELTA:
            o->delta_path = optarg;
            break;
        case OPT_PROM:
            o->prom_path = optarg;
            break;
        case OPT_ON_CHANGE:
            o->on_change = optarg;
            break;
        case OPT_WAIT:
        case OPT_NO_WAIT:
            o->wait = c == OPT_WAIT;
            o->given |= GIVEN(OPT_WAIT);
            break;
        case OPT_NAGIOS:
        case OPT_NO_NAGIOS:
            o->nagios = c == OPT_NAGIOS;
            o->given |= GIVEN(OPT_NAGIOS);
            break;
        case 'w':
        case OPT_WARNING:
            if (cli_parse_long(optarg, 0, 1000000000, &o->warn))
                return bad("-w", optarg, "expected a number of listings");
            break;
        case 'c':
            if (cli_parse_long(optarg, 0, 1000000000, &lv) == 0) {
                o->crit = lv;
                o->given |= GIVEN(OPT_CRITICAL);
            } else {
                o->job_path = optarg;
            }
            break;
        case OPT_CRITICAL:
            if (cli_parse_long(optarg, 0, 1000000000, &o->crit))
                return bad("--critical", optarg, "expected a number of listings");
            break;
        case OPT_CONFIG:
            o->job_path = optarg;
            break;
        case OPT_ANOMALY: {
            char *end = NULL;
            o->anomaly_share = strtod(optarg, &end);
            if (end == optarg || *end || !(o->anomaly_share > 0 && o->anomaly_share <= 1))
                return bad("--anomaly-share", optarg, "expected a share above 0 and up to 1");
            break;
        }
        case OPT_ANOMALY_MIN:
            if (cli_parse_long(optarg, 1, 1000000000, &o->anomaly_min))
                return bad("--anomaly-min", optarg, "expected a number from 1 to 1000000000");
            break;
        case OPT_ON_CHANGE_TIMEOUT:
            if ((o->on_change_timeout_ms = cli_parse_duration(optarg)) < 0)
                return bad("--on-change-timeout", optarg,
                           "expected a duration such as 500ms or 30s (1ms to 10m)");
            break;
        case OPT_HTML:
            o->html_path = optarg;
            break;
        case OPT_SINCE:
            if ((o->since_ms = cli_parse_since(optarg)) < 0)
                return bad("--since", optarg,
                           "expected a duration with its unit, such as 90m, 12h, 30d or 2w");
            break;
        case 'o':
            o->output_path = optarg;
            break;
        case ':':
            fprintf(stderr, PROG ": option '%s' needs a value (see dnsbl-scan --help)\n", name);
            return CLI_EXIT_USAGE;
        default:
            fprintf(stderr, PROG ": unknown option '%s' (see dnsbl-scan --help)\n", name);
            return CLI_EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++)
        if (cli_strv_push(&o->targets, argv[i]))
            return CLI_EXIT_USAGE;
    if ((o->cmd == CLI_CMD_CHECK || o->cmd == CLI_CMD_SCAN) && o->targets.n == 0 && !o->job_path) {
        fprintf(stderr, PROG ": no targets: give addresses, ranges, domains, @FILE or - "
                             "(see dnsbl-scan --help)\n");
        return CLI_EXIT_USAGE;
    }
    if (o->cmd == CLI_CMD_LISTS && o->targets.n > 0) {
        fprintf(stderr, PROG ": 'lists' takes no targets\n");
        return CLI_EXIT_USAGE;
    }
    if (o->cmd == CLI_CMD_REPORT && o->targets.n > 0) {
        fprintf(stderr, PROG ": 'report' takes no targets (it reads the state store)\n");
        return CLI_EXIT_USAGE;
    }
    if (o->cmd != CLI_CMD_REPORT && (o->output_path || o->since_ms)) {
        fprintf(stderr,
                PROG ": %s is for 'report'; check and scan write their HTML report "
                     "with --html FILE\n",
                o->output_path ? "-o" : "--since");
        return CLI_EXIT_USAGE;
    }
    if (o->html_path && o->cmd != CLI_CMD_CHECK && o->cmd != CLI_CMD_SCAN) {
        fprintf(stderr, PROG ": --html is for check and scan; 'report' writes with -o FILE\n");
        return CLI_EXIT_USAGE;
    }
    if (o->cmd == CLI_CMD_HISTORY && o->targets.n > 1) {
        fprintf(stderr, PROG ": 'history' takes at most one target\n");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* @return true when the option was given on the command line. */
static bool given(const struct cli_opts *o, int opt)
{
    return (o->given & GIVEN(opt)) != 0;
}

/* A job list, unless the command line gave the option (or the job says nothing). */
static int take_list(struct cli_opts *o, int opt, struct cli_strv *dst,
                     const struct cli_job_list *src)
{
    if (given(o, opt) || !src->set)
        return 0;
    for (size_t i = 0; i < src->n; i++)
        if (cli_strv_push(dst, src->v[i].s))
            return -ENOMEM;
    return 0;
}

static void take_str(const struct cli_opts *o, int opt, const char **dst,
                     const struct cli_job_str *src)
{
    if (!given(o, opt) && src->s)
        *dst = src->s;
}

/* One target spec of the job file, with where it was written, its pool's label and
 * which lists apply to it (0: the run's; k: pool_lists[k - 1]). */
static int push_target(struct cli_opts *o, const char *file, const struct cli_job_str *t,
                       const char *pool, size_t group)
{
    char *where = NULL;

    if (asprintf(&where, "%s:%u:%u", file, t->line, t->col) < 0)
        return -ENOMEM;
    if (cli_strv_push(&o->target_origins, where) != 0) {
        free(where);
        return -ENOMEM;
    }
    o->target_group[o->targets.n] = group; /* sized for every spec by take_targets() */
    if (cli_strv_push(&o->target_pools, pool) != 0 || cli_strv_push(&o->targets, t->s) != 0)
        return -ENOMEM;
    return 0;
}

/*
 * Every pool's targets, then the domains. A pool with its own `lists:` gets a
 * list group of its own, unless --list was given (the command line wins over
 * every list selection of the file).
 */
static int take_targets(struct cli_opts *o, const struct cli_job *job)
{
    int ret;

    size_t n = job->domains.n;

    if (o->targets.n > 0)
        return 0; /* targets on the command line replace the file's */
    for (size_t i = 0; i < job->npools; i++)
        n += job->pools[i].targets.n;
    o->target_group = calloc(n ? n : 1, sizeof(*o->target_group));
    o->pool_lists = calloc(job->npools ? job->npools : 1, sizeof(*o->pool_lists));
    if (!o->target_group || !o->pool_lists)
        return -ENOMEM;
    for (size_t i = 0; i < job->npools; i++) {
        const struct cli_job_pool *p = &job->pools[i];
        size_t group = 0;
        if (p->lists.set && !given(o, OPT_LIST)) {
            struct cli_strv *l = &o->pool_lists[o->npool_lists++];
            for (size_t k = 0; k < p->lists.n; k++)
                if (cli_strv_push(l, p->lists.v[k].s))
                    return -ENOMEM;
            group = o->npool_lists;
        }
        for (size_t k = 0; k < p->targets.n; k++) {
            ret = push_target(o, job->file, &p->targets.v[k], p->label.s, group);
            if (ret != 0)
                return ret;
        }
    }
    for (size_t i = 0; i < job->domains.n; i++) {
        ret = push_target(o, job->file, &job->domains.v[i], NULL, 0);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* One piece on purpose: one short block per job-file key, in the file's key
 * order, each "the command line wins when it gave this option". */
int cli_opts_apply_job(struct cli_opts *o, const struct cli_job *job)
{
    if (take_targets(o, job) || take_list(o, OPT_SPF_DOMAIN, &o->spf_domains, &job->spf_domains) ||
        take_list(o, OPT_LIST, &o->lists, &job->lists) ||
        take_list(o, OPT_RESOLVER, &o->resolvers, &job->resolvers))
        return -ENOMEM;
    if (!given(o, OPT_CHECKS) && job->checks.set) {
        for (size_t i = 0; i < job->checks.n; i++) {
            unsigned b = strcmp(job->checks.v[i].s, "all") == 0
                             ? SCAN_CHECK_ALL
                             : scan_check_from_name(job->checks.v[i].s);
            if (!b) {
                fprintf(
                    stderr,
                    PROG
                    ": %s:%u:%u: unknown check '%s' (dnsbl, fcrdns, spf, "
                    "spf-auth, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns, dnssec, origin, all)\n",
                    job->file, job->checks.v[i].line, job->checks.v[i].col, job->checks.v[i].s);
                return CLI_EXIT_USAGE;
            }
            o->checks |= b;
        }
    }
    for (size_t i = 0; i < job->dkim_selectors.n; i++) {
        const struct cli_job_str *d = &job->dkim_selectors.v[i];
        if (!selector_ok(d->s)) {
            fprintf(stderr, PROG ": %s:%u:%u: dkim_selectors '%s': expected a DNS label\n",
                    job->file, d->line, d->col, d->s);
            return CLI_EXIT_USAGE;
        }
    }
    if (take_list(o, OPT_DKIM_SELECTOR, &o->dkim_selectors, &job->dkim_selectors))
        return -ENOMEM;
    if (!given(o, OPT_NO_FETCH) && job->fetch == 0)
        o->no_fetch = true;
    take_str(o, OPT_CA_FILE, &o->ca_file, &job->ca_file);
    if (!given(o, OPT_BIMI_SELECTOR) && job->bimi_selector.s) {
        if (!selector_ok(job->bimi_selector.s)) {
            fprintf(stderr, PROG ": %s:%u:%u: bimi_selector '%s': expected a DNS label\n",
                    job->file, job->bimi_selector.line, job->bimi_selector.col,
                    job->bimi_selector.s);
            return CLI_EXIT_USAGE;
        }
        o->bimi_selector = job->bimi_selector.s;
    }
    take_str(o, OPT_STATE, &o->state_path, &job->state);
    if (!o->state_path)
        o->state_default = true; /* scheduled jobs keep history by default */
    take_str(o, OPT_LISTS, &o->lists_path, &job->catalog);
    take_str(o, OPT_TRUST_ANCHOR, &o->trust_anchor, &job->trust_anchor);
    if (!given(o, OPT_EXPAND)) { /* the command line's --expand wins as a whole */
        unsigned expand = 0;
        for (size_t i = 0; i < job->expand.n; i++) {
            unsigned b = scan_expand_parse(job->expand.v[i].s);
            if (!b) {
                fprintf(stderr, PROG ": %s:%u:%u: unknown expand source '%s' (mx, spf, a)\n",
                        job->file, job->expand.v[i].line, job->expand.v[i].col, job->expand.v[i].s);
                return CLI_EXIT_USAGE;
            }
            expand |= b;
        }
        o->expand = expand;
    }
    take_str(o, OPT_FORMAT, &o->format, &job->format);
    take_str(o, OPT_DELTA, &o->delta_path, &job->alerts.delta);
    take_str(o, OPT_PROM, &o->prom_path, &job->alerts.prom);
    take_str(o, OPT_ON_CHANGE, &o->on_change, &job->alerts.on_change);
    if (!given(o, OPT_WAIT) && job->wait >= 0)
        o->wait = job->wait == 1;
    if (!given(o, OPT_RESOLVE) && job->resolve >= 0)
        o->resolve = job->resolve == 1;
    if (!given(o, OPT_SKIP_INVALID) && job->skip_invalid >= 0)
        o->skip_invalid = job->skip_invalid == 1;
    if (!given(o, OPT_NAGIOS) && job->alerts.nagios >= 0)
        o->nagios = job->alerts.nagios == 1;
    if (!given(o, OPT_WARNING) && job->alerts.warning >= 0)
        o->warn = job->alerts.warning;
    if (!given(o, OPT_CRITICAL) && job->alerts.critical >= 0)
        o->crit = job->alerts.critical;
    if (!given(o, OPT_ON_CHANGE_TIMEOUT) && job->alerts.on_change_timeout_ms > 0)
        o->on_change_timeout_ms = job->alerts.on_change_timeout_ms;
    if (!given(o, OPT_RATE) && job->rate >= 0)
        o->rate = job->rate;
    if (!given(o, OPT_CONCURRENCY) && job->concurrency > 0)
        o->concurrency = (size_t)job->concurrency;
    if (!given(o, OPT_TIMEOUT) && job->timeout_ms > 0)
        o->timeout_ms = job->timeout_ms;
    if (!given(o, OPT_TRIES) && job->tries > 0)
        o->tries = (int)job->tries;
    if (!given(o, OPT_ANOMALY) && job->anomaly_share > 0)
        o->anomaly_share = job->anomaly_share;
    if (!given(o, OPT_ANOMALY_MIN) && job->anomaly_min >= 0)
        o->anomaly_min = job->anomaly_min;
    if (o->format && strcmp(o->format, "text") && strcmp(o->format, "json") &&
        strcmp(o->format, "csv") && strcmp(o->format, "summary")) {
        fprintf(stderr, PROG ": %s:%u:%u: format '%s': expected text, json, csv or summary\n",
                job->file, job->format.line, job->format.col, o->format);
        return CLI_EXIT_USAGE;
    }
    if (o->targets.n == 0) {
        fprintf(stderr, PROG ": %s: no targets: give pools or domains (see the README)\n",
                job->file);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

bool cli_resolve(const struct cli_opts *o, unsigned checks)
{
    if (o->resolve >= 0)
        return o->resolve == 1;
    return (o->cmd == CLI_CMD_CHECK || o->nagios) && (checks & SCAN_EXPAND_CHECKS);
}

/* ---- options that have no effect under the chosen checks --------------------- */

/*
 * The one table of options tied to something the run may leave out: a check, a
 * source of --expand, or the HTTPS fetch of mta-sts. Each row says what the option
 * needs; cli_opts_check_effect() refuses it (exit 2) when the run does not have it.
 */
static const struct effect {
    int opt;          /* OPT_*, as given on the command line */
    const char *flag; /* as the user writes it */
    const char *key;  /* its job-file key, or NULL */
    unsigned check;   /* enum scan_check: works only for this check */
    unsigned expand;  /* enum scan_expand_what: works only for this --expand source */
    bool fetch;       /* works only when mta-sts fetches policies (no --no-fetch) */
} effects[] = {
    {OPT_SPF_DOMAIN, "--spf-domain", "spf_domains", SCAN_CHECK_SPF_AUTH, 0, false},
    {OPT_DKIM_SELECTOR, "--dkim-selector", "dkim_selectors", SCAN_CHECK_DKIM, 0, false},
    {OPT_BIMI_SELECTOR, "--bimi-selector", "bimi_selector", SCAN_CHECK_BIMI, 0, false},
    {OPT_NO_FETCH, "--no-fetch", "fetch", SCAN_CHECK_MTA_STS, 0, false},
    {OPT_CA_FILE, "--ca-file", "ca_file", SCAN_CHECK_MTA_STS, 0, false},
    {OPT_CA_FILE, "--ca-file", "ca_file", 0, 0, true},
    {OPT_HTTPS_CONNECT, "--https-connect", NULL, SCAN_CHECK_MTA_STS, 0, false},
    {OPT_HTTPS_CONNECT, "--https-connect", NULL, 0, 0, true},
    {OPT_TRUST_ANCHOR, "--trust-anchor", "trust_anchor", SCAN_CHECK_DNSSEC, 0, false},
    {OPT_LIST, "--list", "lists", SCAN_CHECK_DNSBL, 0, false},
    {OPT_ANOMALY, "--anomaly-share", "anomaly_share", SCAN_CHECK_DNSBL, 0, false},
    {OPT_ANOMALY_MIN, "--anomaly-min", "anomaly_min", SCAN_CHECK_DNSBL, 0, false},
    {OPT_EXPAND_CAP, "--expand-cap", NULL, 0, SCAN_EXPAND_SPF, false},
};

/* "--checks dnsbl,fcrdns" or "checks: [dnsbl, fcrdns] (job.yaml:3:1)": the words of
 * @p bits as the user chose them. */
static void chosen(char *buf, size_t len, bool from_job, const struct cli_job *job, const char *key,
                   unsigned bits, bool expand)
{
    static const struct {
        unsigned bit;
        const char *word;
    } xwords[] = {{SCAN_EXPAND_MX, "mx"}, {SCAN_EXPAND_SPF, "spf"}, {SCAN_EXPAND_A, "a"}};
    size_t n = (size_t)snprintf(buf, len, from_job ? "%s: [" : "--%s ", key);
    bool first = true;
    for (unsigned bit = 1; bit != 0 && n < len; bit <<= 1) {
        const char *w = NULL;
        if (!(bits & bit))
            continue;
        if (!expand)
            w = scan_check_name(bit);
        for (size_t i = 0; expand && i < sizeof(xwords) / sizeof(xwords[0]); i++)
            if (xwords[i].bit == bit)
                w = xwords[i].word;
        if (!w)
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", first ? "" : from_job ? ", " : ",", w);
        first = false;
    }
    unsigned line = 0, col = 0;
    if (from_job && n < len && cli_job_key_where(job, key, &line, &col))
        snprintf(buf + n, len - n, "] (%s:%u:%u)", job->file, line, col);
    else if (from_job && n < len)
        snprintf(buf + n, len - n, "]");
}

int cli_opts_check_effect(const struct cli_opts *o, const struct cli_job *job, char *msg,
                          size_t len)
{
    char where[600], what[400];
    unsigned line = 0, col = 0;

    if (o->cmd != CLI_CMD_CHECK && o->cmd != CLI_CMD_SCAN)
        return 0;
    for (size_t i = 0; i < sizeof(effects) / sizeof(effects[0]); i++) {
        const struct effect *e = &effects[i];
        bool from_flag = given(o, e->opt);
        bool from_job = !from_flag && job && e->key && cli_job_key_where(job, e->key, &line, &col);
        if (!from_flag && !from_job)
            continue;
        if (from_flag)
            snprintf(where, sizeof(where), "%s", e->flag);
        else
            snprintf(where, sizeof(where), "%s:%u:%u: %s", job->file, line, col, e->key);
        if (e->check) {
            bool cli = given(o, OPT_CHECKS), in_job = !cli && job && job->checks.set;
            if ((!cli && !in_job) || (o->checks & e->check) || (from_job && cli))
                continue; /* the default set; the check is there; the command line narrows */
            chosen(what, sizeof(what), in_job, job, "checks", o->checks, false);
            snprintf(msg, len,
                     "%s has no effect under %s: it is for the %s check (add %s to the "
                     "checks, or leave %s out)",
                     where, what, scan_check_name(e->check), scan_check_name(e->check),
                     from_flag ? e->flag : e->key);
            return CLI_EXIT_USAGE;
        }
        if (e->expand) {
            bool cli = given(o, OPT_EXPAND), in_job = !cli && job && job->expand.set;
            if ((o->expand & e->expand) || (from_job && cli))
                continue;
            if (!cli && !in_job) {
                snprintf(msg, len,
                         "%s has no effect without --expand spf: it caps the SPF "
                         "blocks that --expand spf walks",
                         where);
                return CLI_EXIT_USAGE;
            }
            chosen(what, sizeof(what), in_job, job, "expand", o->expand, true);
            snprintf(msg, len,
                     "%s has no effect under %s: it caps the SPF blocks that --expand "
                     "spf walks",
                     where, what);
            return CLI_EXIT_USAGE;
        }
        if (e->fetch && o->no_fetch && !(from_job && given(o, OPT_NO_FETCH))) {
            if (given(o, OPT_NO_FETCH))
                snprintf(what, sizeof(what), "--no-fetch");
            else if (cli_job_key_where(job, "fetch", &line, &col))
                snprintf(what, sizeof(what), "fetch: false (%s:%u:%u)", job->file, line, col);
            else
                snprintf(what, sizeof(what), "fetch: false");
            snprintf(msg, len,
                     "%s has no effect with %s: it is for the HTTPS fetch of MTA-STS "
                     "policies",
                     where, what);
            return CLI_EXIT_USAGE;
        }
    }
    return 0;
}
