/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Option parsing (see opts.h). `-c` is shared by two documented meanings: a
 * number is the Nagios critical threshold (check_rbl compatibility), anything
 * else is a job file; `--config` and `--critical` are the unambiguous forms.
 */
#include "cli/opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jobfile.h"
#include "scanner/engine.h"
#include "scanner/expand.h"

#define PROG "dnsbl-scan"

static const char usage_text[] =
    "usage: dnsbl-scan check [OPTIONS] TARGET...      one-off lookup, readable at a glance\n"
    "       dnsbl-scan scan  [OPTIONS] TARGETS...     pools: streamed, summary by default\n"
    "       dnsbl-scan lists [--lists PATH] [--format text|json]\n"
    "       dnsbl-scan history [--state PATH] [TARGET]\n"
    "\n"
    "Targets: IPv4 / IPv6 addresses, IPv4 ranges /8../32, IPv6 ranges /112../128,\n"
    "domain names (A-labels), @FILE (one per line, # comments), - (stdin).\n"
    "\n"
    "Options:\n"
    "  --format text|json|csv|summary   output format (check: text, scan: summary)\n"
    "  --checks LIST           dnsbl,fcrdns,spf,spf-auth,dmarc,mx,dnssec,origin or all\n"
    "                          (default: all)\n"
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
    "  --expand mx,spf,a       also check the addresses that send for each domain: its MX\n"
    "                          hosts, what its SPF authorizes, its own A/AAAA\n"
    "  --expand-cap V4,V6      widest SPF blocks --expand walks (default 24,120)\n"
    "  --trust-anchor FILE     DNSSEC trust anchors, DS or DNSKEY records (default\n"
    "                          /usr/share/dns/root.key, from dns-root-data)\n"
    "  --skip-invalid          scan the valid targets, report the bad lines\n"
    "  --progress / --no-progress   progress line on stderr (default: when a terminal)\n"
    "  --color / --no-color    colour in text output (default: when a terminal)\n"
    "Run history and alerts:\n"
    "  --state PATH            record the run, compare with the previous complete run\n"
    "  --delta FILE            write the delta as one JSON document\n"
    "  --wait                  wait for another run on the same state instead of failing\n"
    "  --nagios [-w N] [-c N]  one Nagios/Icinga status line, exit 0/1/2/3\n"
    "  --prom FILE             Prometheus textfile-collector output\n"
    "  --on-change CMD         run CMD (no shell) with the delta on stdin when it has events\n"
    "  --anomaly-share F       a list newly listing more than F of the pool is an anomaly\n"
    "  -c, --config JOB.yaml   read a job file (flags given on the command line win)\n"
    "\n"
    "Exit: 0 nothing listed and complete; 1 something listed (with --state: something new);\n"
    "      2 usage, configuration or input error; 3 nothing listed but verdicts left open.\n";

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
    OPT_VERSION,
};

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
    {"trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR},
    {"expand", required_argument, NULL, OPT_EXPAND},
    {"expand-cap", required_argument, NULL, OPT_EXPAND_CAP},
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
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0},
};

int cli_strv_push(struct cli_strv *a, const char *s)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        const char **v = realloc(a->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    return 0;
}

void cli_opts_free(struct cli_opts *o)
{
    free(o->lists.v);
    free(o->resolvers.v);
    free(o->spf_domains.v);
    free(o->targets.v);
    memset(o, 0, sizeof(*o));
}

int cli_parse_duration(const char *s)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return -1;
    double ms;
    if (strcmp(end, "ms") == 0)
        ms = v;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        ms = v * 1000;
    else if (strcmp(end, "m") == 0)
        ms = v * 60000;
    else
        return -1;
    if (ms < 1 || ms > 600000)
        return -1;
    return (int)ms;
}

static int bad(const char *opt, const char *val, const char *why)
{
    fprintf(stderr, PROG ": %s '%s': %s (see dnsbl-scan --help)\n", opt, val, why);
    return CLI_EXIT_USAGE;
}

static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
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

int cli_opts_parse(int argc, char **argv, struct cli_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->concurrency = 200;
    o->timeout_ms = 2000;
    o->tries = 2;
    o->rate = -1;
    o->progress = -1;
    o->color = -1;
    o->warn = o->crit = -1;
    o->anomaly_share = -1;
    o->anomaly_min = -1;
    o->on_change_timeout_ms = -1;

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
    else {
        fprintf(stderr,
                PROG ": unknown command '%s': use check, scan, lists or history "
                     "(see dnsbl-scan --help)\n",
                cmd);
        return CLI_EXIT_USAGE;
    }

    optind = 2;
    opterr = 0;
    int c;
    long lv;
    while ((c = getopt_long(argc, argv, "hw:c:", long_opts, NULL)) != -1) {
        const char *name = optind > 0 && optind <= argc ? argv[optind - 1] : "?";
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
                           "dmarc, mx, dnssec, origin, all");
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
            if (parse_long(v4, 16, 32, &c4) || (comma && parse_long(comma + 1, 112, 128, &c6)))
                return bad("--expand-cap", optarg,
                           "expected the shortest prefixes walked, IPv4 16..32 and optionally "
                           "IPv6 112..128, such as 24,120");
            o->expand_cap4 = (unsigned)c4;
            o->expand_cap6 = (unsigned)c6;
            break;
        }
        case OPT_CONCURRENCY:
            if (parse_long(optarg, 1, 100000, &lv))
                return bad("--concurrency", optarg, "expected a number from 1 to 100000");
            o->concurrency = (size_t)lv;
            o->set_concurrency = true;
            break;
        case OPT_CHANNELS:
            if (parse_long(optarg, 1, 16, &lv))
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
            if (parse_long(optarg, 1, 10, &lv))
                return bad("--tries", optarg, "expected a number from 1 to 10");
            o->tries = (int)lv;
            o->set_tries = true;
            break;
        case OPT_RATE: {
            char *end = NULL;
            errno = 0;
            o->rate = strtod(optarg, &end);
            if (end == optarg || *end || errno || !isfinite(o->rate) || o->rate < 0 ||
                o->rate > 1e7)
                return bad("--rate", optarg, "expected queries per second, 0 for no limit");
            o->set_rate = true;
            break;
        }
        case OPT_SKIP_INVALID:
            o->skip_invalid = true;
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
            o->wait = true;
            break;
        case OPT_NAGIOS:
            o->nagios = true;
            break;
        case 'w':
        case OPT_WARNING:
            if (parse_long(optarg, 0, 1000000000, &o->warn))
                return bad("-w", optarg, "expected a number of listings");
            break;
        case 'c':
            if (parse_long(optarg, 0, 1000000000, &lv) == 0)
                o->crit = lv;
            else
                o->job_path = optarg;
            break;
        case OPT_CRITICAL:
            if (parse_long(optarg, 0, 1000000000, &o->crit))
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
    if (o->cmd == CLI_CMD_HISTORY && o->targets.n > 1) {
        fprintf(stderr, PROG ": 'history' takes at most one target\n");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

static int take_list(struct cli_strv *dst, const struct cli_job_list *src)
{
    if (dst->n > 0 || !src->set)
        return 0; /* the command line wins, or the job says nothing */
    for (size_t i = 0; i < src->n; i++)
        if (cli_strv_push(dst, src->v[i].s))
            return -ENOMEM;
    return 0;
}

static void take_str(const char **dst, const struct cli_job_str *src)
{
    if (!*dst && src->s)
        *dst = src->s;
}

int cli_opts_apply_job(struct cli_opts *o, const struct cli_job *job)
{
    if (o->targets.n == 0) {
        for (size_t i = 0; i < job->npools; i++)
            if (take_list(&o->targets, &job->pools[i].targets))
                return -ENOMEM;
        for (size_t i = 0; i < job->domains.n; i++)
            if (cli_strv_push(&o->targets, job->domains.v[i].s))
                return -ENOMEM;
    }
    if (take_list(&o->spf_domains, &job->spf_domains) || take_list(&o->lists, &job->lists) ||
        take_list(&o->resolvers, &job->resolvers))
        return -ENOMEM;
    if (!o->checks && job->checks.set) {
        for (size_t i = 0; i < job->checks.n; i++) {
            unsigned b = strcmp(job->checks.v[i].s, "all") == 0
                             ? SCAN_CHECK_ALL
                             : scan_check_from_name(job->checks.v[i].s);
            if (!b) {
                fprintf(stderr,
                        PROG ": %s:%u:%u: unknown check '%s' (dnsbl, fcrdns, spf, "
                             "spf-auth, dmarc, mx, dnssec, origin, all)\n",
                        job->file, job->checks.v[i].line, job->checks.v[i].col, job->checks.v[i].s);
                return CLI_EXIT_USAGE;
            }
            o->checks |= b;
        }
    }
    take_str(&o->state_path, &job->state);
    if (!o->state_path)
        o->state_default = true; /* scheduled jobs keep history by default */
    take_str(&o->lists_path, &job->catalog);
    take_str(&o->trust_anchor, &job->trust_anchor);
    unsigned expand = 0; /* the command line's --expand wins as a whole */
    for (size_t i = 0; !o->expand && i < job->expand.n; i++) {
        unsigned b = scan_expand_parse(job->expand.v[i].s);
        if (!b) {
            fprintf(stderr, PROG ": %s:%u:%u: unknown expand source '%s' (mx, spf, a)\n", job->file,
                    job->expand.v[i].line, job->expand.v[i].col, job->expand.v[i].s);
            return CLI_EXIT_USAGE;
        }
        expand |= b;
    }
    if (!o->expand)
        o->expand = expand;
    take_str(&o->format, &job->format);
    take_str(&o->delta_path, &job->alerts.delta);
    take_str(&o->prom_path, &job->alerts.prom);
    take_str(&o->on_change, &job->alerts.on_change);
    if (!o->wait && job->wait == 1)
        o->wait = true;
    if (!o->skip_invalid && job->skip_invalid == 1)
        o->skip_invalid = true;
    if (!o->nagios && job->alerts.nagios == 1)
        o->nagios = true;
    if (o->warn < 0 && job->alerts.warning >= 0)
        o->warn = job->alerts.warning;
    if (o->crit < 0 && job->alerts.critical >= 0)
        o->crit = job->alerts.critical;
    if (o->on_change_timeout_ms < 0)
        o->on_change_timeout_ms = job->alerts.on_change_timeout_ms;
    if (!o->set_rate && job->rate >= 0)
        o->rate = job->rate;
    if (!o->set_concurrency && job->concurrency > 0)
        o->concurrency = (size_t)job->concurrency;
    if (!o->set_timeout && job->timeout_ms > 0)
        o->timeout_ms = job->timeout_ms;
    if (!o->set_tries && job->tries > 0)
        o->tries = (int)job->tries;
    if (o->anomaly_share < 0 && job->anomaly_share > 0)
        o->anomaly_share = job->anomaly_share;
    if (o->anomaly_min < 0 && job->anomaly_min >= 0)
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
