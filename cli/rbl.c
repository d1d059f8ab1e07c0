/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * check_rbl's command line (see rbl.h): --extra-opts files first, then the
 * command line, through one getopt_long() pass, into the same struct cli_opts
 * a `check --nagios --checks dnsbl` run takes. Options that came from a file
 * are reported with the FILE:LINE they were written at.
 */
#include "cli/rbl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli/ini.h"
#include "cli/options.h"
#include "output/alert/alert.h"
#include "scanner/checks/expand.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

volatile sig_atomic_t cli_deadline_hit;

#define RBL_MAX_EXTRA 8 /* --extra-opts given at most this often */

static const char rbl_usage[] =
    "Usage: check_rbl -H HOST|-U NAME [-s ZONE]... [-w N] [-c N] [-t SECONDS]\n"
    "       [--query-timeout SECONDS] [-r TRIES] [-n ADDR[:PORT]] [--workers N] [-a TEXT]\n"
    "       [-v] [--extra-opts=[SECTION][@FILE]]\n";

static const char rbl_help[] =
    "check_rbl (dnsbl-scan " DNSBL_SCAN_VERSION "): is a mail server on DNS blocklists?\n"
    "Takes check_rbl 1.7's options; see dnsbl-scan(1), \"check_rbl\".\n"
    "\n"
    "  -H, --host HOST        an address, or a host name: each of its A and AAAA\n"
    "                         addresses is checked\n"
    "  -U, --url NAME         a domain (or a URL's host), checked on domain lists;\n"
    "                         ignored when -H is given\n"
    "  -s, --server ZONE      a list (repeatable): a catalog id or zone, or any zone,\n"
    "                         used as a generic RFC 5782 list (ZONE:ip4, :ip6, :domain\n"
    "                         give its kind); none: the default set\n"
    "  -w, --warning N        WARNING at N listings or more (default 1)\n"
    "  -c, --critical N       CRITICAL at N listings or more (default 1)\n"
    "  -t, --timeout SECONDS  deadline for the whole check (default 15): past it,\n"
    "                         UNKNOWN with what was found\n"
    "  --query-timeout SECONDS  first-try timeout of each query (default 2)\n"
    "  -r, --retry N          tries per query (default 2)\n"
    "  -n, --nameserver ADDR[:PORT]  the resolver to ask (default /etc/resolv.conf)\n"
    "  --workers N            queries in flight at most (default 200)\n"
    "  -a, --append TEXT      add TEXT to the status line\n"
    "  -v, --verbose, -d, --debug  the per-list results on standard error\n"
    "  --extra-opts=[SECTION][@FILE]  read options from an ini file first\n"
    "                         (SECTION: check_rbl by default)\n"
    "  -V, --version, -h, --help, -?, --usage\n"
    "\n"
    "Exit: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (a list that applies could not\n"
    "answer, the deadline passed, or a usage error).\n";

enum {
    R_QUERY_TIMEOUT = 256,
    R_WORKERS,
    R_EXTRA_OPTS,
    R_WHITELIST,
    R_USAGE,
};

static const struct option rbl_opts[] = {
    {"host", required_argument, NULL, 'H'},
    {"url", required_argument, NULL, 'U'},
    {"server", required_argument, NULL, 's'},
    {"warning", required_argument, NULL, 'w'},
    {"critical", required_argument, NULL, 'c'},
    {"timeout", required_argument, NULL, 't'},
    {"query-timeout", required_argument, NULL, R_QUERY_TIMEOUT},
    {"retry", required_argument, NULL, 'r'},
    {"nameserver", required_argument, NULL, 'n'},
    {"workers", required_argument, NULL, R_WORKERS},
    {"append", required_argument, NULL, 'a'},
    {"verbose", no_argument, NULL, 'v'},
    {"debug", no_argument, NULL, 'd'},
    {"whitelistings", no_argument, NULL, R_WHITELIST},
    {"wl", no_argument, NULL, R_WHITELIST},
    {"extra-opts", optional_argument, NULL, R_EXTRA_OPTS},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {"usage", no_argument, NULL, R_USAGE},
    {NULL, 0, NULL, 0},
};

/* Where --extra-opts files look when no @FILE is given (Monitoring Plugins' list). */
static const char *const default_ini[] = {
    "/etc/nagios/plugins.ini",           "/usr/local/nagios/etc/plugins.ini",
    "/usr/local/etc/nagios/plugins.ini", "/etc/opt/nagios/plugins.ini",
    "/etc/nagios-plugins.ini",           "/usr/local/etc/nagios-plugins.ini",
    "/etc/opt/nagios-plugins.ini",
};

bool cli_rbl_wanted(int argc, char **argv)
{
    if (argc < 1 || !argv[0])
        return false;
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    return strcmp(base, "check_rbl") == 0 || (argc >= 2 && strcmp(argv[1], "nagios") == 0);
}

/* A usage error: the plugin's UNKNOWN line, on standard output, through
 * out_nagios_unknown(), which filters what the user wrote like any text on that
 * line (a failed write shows when standard output is closed). @return SCAN_EPARSE. */
__attribute__((format(printf, 1, 2))) static int unknown(const char *fmt, ...)
{
    va_list ap;
    char *why = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&why, fmt, ap);
    va_end(ap);
    (void)out_nagios_unknown(stdout, n < 0 ? "out of memory" : why);
    if (n >= 0)
        free(why);
    return SCAN_EPARSE;
}

/* The arguments to parse: argv[0], the options of every --extra-opts file, then the
 * command line (without `nagios`). @p origin[i] says where argument i was written
 * (NULL: the command line). */
struct rbl_args {
    struct cli_strv v;
    struct cli_strv origin;
};

static int push_arg(struct rbl_args *a, const char *arg, const char *origin)
{
    return cli_strv_push(&a->v, arg) || cli_strv_push(&a->origin, origin) ? -ENOMEM : 0;
}

/* Own a formatted string in @p o. @return it, or NULL for ENOMEM. */
__attribute__((format(printf, 2, 3))) static char *owned(struct cli_opts *o, const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int r = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (r < 0)
        return NULL;
    if (cli_strv_push(&o->owned, s) != 0) {
        free(s);
        return NULL;
    }
    return s;
}

static bool known_long(const char *key)
{
    for (const struct option *p = rbl_opts; p->name; p++)
        if (strcmp(p->name, key) == 0 && p->val != R_EXTRA_OPTS)
            return true;
    return false;
}

/*
 * One --extra-opts value, [SECTION][@FILE]: each key=value of the section becomes
 * --key=value (a bare key --key), with FILE:LINE as its origin.
 * @return 0, SCAN_EPARSE after an UNKNOWN line, -ENOMEM.
 */
static int extra_opts(struct cli_opts *o, const char *spec, struct rbl_args *a)
{
    const char *at = spec ? strchr(spec, '@') : NULL;
    char section[128] = "check_rbl";
    struct scan_diag diag;
    const char *file = at ? at + 1 : NULL;
    size_t slen = spec ? (at ? (size_t)(at - spec) : strlen(spec)) : 0;
    struct cli_ini ini;
    int ret;

    if (slen >= sizeof(section))
        return unknown("--extra-opts: the section name is over 127 characters");
    if (slen > 0) {
        memcpy(section, spec, slen);
        section[slen] = '\0';
    }
    if (at && !*file)
        return unknown("--extra-opts=%s: no file after '@'", spec);
    for (size_t i = 0; !file && i < sizeof(default_ini) / sizeof(default_ini[0]); i++)
        if (access(default_ini[i], F_OK) == 0)
            file = default_ini[i];
    if (!file)
        return unknown("--extra-opts: no FILE given and no plugins.ini in the usual places "
                       "(give --extra-opts=%s@FILE)",
                       section);
    ret = cli_ini_read(file, section, &ini, &diag);
    if (ret == -ENOMEM)
        return -ENOMEM;
    if (ret != 0)
        return unknown("--extra-opts: %s", diag.msg);
    ret = 0;
    for (size_t i = 0; ret == 0 && i < ini.n; i++) {
        const struct cli_ini_opt *p = &ini.v[i];
        const char *where = owned(o, "%s:%u", file, p->line);
        const char *arg;
        if (!where) {
            ret = -ENOMEM;
            break;
        }
        if (!known_long(p->key)) {
            ret = unknown("%s: unknown option '%s' (check_rbl's long options: server, host, "
                          "warning, critical, timeout, query-timeout, retry, nameserver, ...)",
                          where, p->key);
            break;
        }
        arg = p->value ? owned(o, "--%s=%s", p->key, p->value) : owned(o, "--%s", p->key);
        ret = arg ? push_arg(a, arg, where) : -ENOMEM;
    }
    cli_ini_free(&ini);
    return ret;
}

/* -H HOST: an address as it is; a name (one trailing dot dropped) is resolved to its
 * A and AAAA addresses by --expand a, and only those are asked of the lists. */
static int take_host(struct cli_opts *o, const char *host)
{
    unsigned char a[16];
    size_t n = strlen(host);
    char *h = owned(o, "%.*s", (int)(n > 1 && host[n - 1] == '.' ? n - 1 : n), host);
    if (!h)
        return -ENOMEM;
    if (cli_strv_push(&o->targets, h))
        return -ENOMEM;
    if (inet_pton(AF_INET, h, a) != 1 && inet_pton(AF_INET6, h, a) != 1) {
        o->rbl_name = h;
        o->expand = SCAN_EXPAND_A;
    }
    return 0;
}

/* -U: check_rbl puts it in front of each zone as it is; a URL gives its host. */
static int take_url(struct cli_opts *o, const char *url)
{
    const char *s = strstr(url, "://");
    s = s ? s + 3 : url;
    size_t n = strcspn(s, "/:?#");
    if (n > 0 && s[n - 1] == '.')
        n--;
    char *h = owned(o, "%.*s", (int)n, s);
    if (!h)
        return -ENOMEM;
    return cli_strv_push(&o->targets, h) ? -ENOMEM : 0;
}

/* The target options, taken after the pass: -H wins over -U whatever the order. */
struct rbl_target {
    const char *host, *url;
};

/* One option, @p name as written, from @p where (FILE:LINE, or NULL for the command
 * line). @return 0 (o->done after the help or the version), SCAN_EPARSE after an
 * UNKNOWN line, -ENOMEM. */
static int rbl_option(struct cli_opts *o, int c, const char *name, const char *where,
                      struct rbl_target *t)
{
    long v;
    char at[1100] = "";

    if (where)
        snprintf(at, sizeof(at), "%s: ", where);
    switch (c) {
    case 'H':
        t->host = optarg;
        return 0;
    case 'U':
        t->url = optarg;
        return 0;
    case 's':
        return cli_strv_push(&o->lists, optarg) ? -ENOMEM : 0;
    case 'w':
    case 'c':
        if (cli_parse_long(optarg, CLI_LISTINGS_LO, CLI_LISTINGS_HI, &v))
            return unknown("%s%s '%s': expected a number of listing servers", at, name, optarg);
        *(c == 'w' ? &o->warn : &o->crit) = v;
        return 0;
    case 't':
        if (cli_parse_long(optarg, CLI_DEADLINE_S_LO, CLI_DEADLINE_S_HI, &v))
            return unknown("%s%s '%s': expected seconds, %d to %d", at, name, optarg,
                           CLI_DEADLINE_S_LO, CLI_DEADLINE_S_HI);
        o->deadline_ms = (int)v * 1000;
        return 0;
    case R_QUERY_TIMEOUT:
        if (cli_parse_long(optarg, CLI_QTIMEOUT_S_LO, CLI_QTIMEOUT_S_HI, &v))
            return unknown("%s%s '%s': expected seconds, %d to %d", at, name, optarg,
                           CLI_QTIMEOUT_S_LO, CLI_QTIMEOUT_S_HI);
        o->timeout_ms = (int)v * 1000;
        return 0;
    case 'r':
        if (cli_parse_long(optarg, CLI_TRIES_LO, CLI_TRIES_HI, &v))
            return unknown("%s%s '%s': expected a number of tries, %d to %d", at, name, optarg,
                           CLI_TRIES_LO, CLI_TRIES_HI);
        o->tries = (int)v;
        return 0;
    case 'n':
        o->resolvers.n = 0; /* check_rbl takes one name server: the last one given */
        return cli_strv_push(&o->resolvers, optarg) ? -ENOMEM : 0;
    case R_WORKERS:
        if (cli_parse_long(optarg, CLI_CONCURRENCY_LO, CLI_CONCURRENCY_HI, &v))
            return unknown("%s%s '%s': expected a number from %d to %d", at, name, optarg,
                           CLI_CONCURRENCY_LO, CLI_CONCURRENCY_HI);
        o->concurrency = (size_t)v;
        return 0;
    case 'a':
        o->append = optarg;
        return 0;
    case 'v':
    case 'd':
        o->verbose++;
        return 0;
    case R_EXTRA_OPTS:
        return 0; /* read before the pass */
    case R_WHITELIST:
        return unknown("%s%s is not supported: allowlists are judged by their codes from the "
                       "catalog (class allow), never counted as listings",
                       at, name);
    case 'V':
        printf("check_rbl (dnsbl-scan " DNSBL_SCAN_VERSION ")\n");
        o->done = true;
        return 0;
    case 'h':
        fputs(rbl_help, stdout);
        o->done = true;
        return 0;
    case R_USAGE:
        fputs(rbl_usage, stdout);
        o->done = true;
        return 0;
    case ':':
        return unknown("%soption '%s' needs a value", at, name);
    default:
        return unknown("%sunknown option '%s' (see check_rbl --help)", at, name);
    }
}

/* Gather the arguments: every --extra-opts file's options, then the command line. */
static int gather(int argc, char **argv, struct cli_opts *o, struct rbl_args *a)
{
    const char *base = strrchr(argv[0], '/');
    int first = strcmp(base ? base + 1 : argv[0], "check_rbl") == 0 ? 1 : 2; /* `nagios` */
    int ret = push_arg(a, argv[0], NULL);
    size_t nextra = 0;
    for (int i = first; ret == 0 && i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-?") == 0) {
            fputs(rbl_usage, stdout);
            o->done = true;
            return 0;
        }
        if (strcmp(argv[i], "--extra-opts") == 0 || strncmp(argv[i], "--extra-opts=", 13) == 0) {
            if (++nextra > RBL_MAX_EXTRA)
                return unknown("--extra-opts given more than %d times", RBL_MAX_EXTRA);
            ret = extra_opts(o, argv[i][12] == '=' ? argv[i] + 13 : NULL, a);
        }
    }
    for (int i = first; ret == 0 && i < argc; i++)
        ret = push_arg(a, argv[i], NULL);
    return ret;
}

int cli_rbl_parse(int argc, char **argv, struct cli_opts *o)
{
    struct rbl_args a = {0};
    struct rbl_target t = {0};
    int ret, c;

    o->rbl = o->nagios = true;
    o->cmd = CLI_CMD_CHECK;
    o->checks = SCAN_CHECK_DNSBL;
    o->deadline_ms = 15000; /* check_rbl's (Monitoring::Plugin's) default */
    ret = gather(argc, argv, o, &a);
    if (ret != 0 || o->done)
        goto out;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long((int)a.v.n, (char *const *)a.v.v, ":H:U:s:w:c:t:r:n:a:vdVh", rbl_opts,
                            NULL)) != -1) {
        int at = optind > 0 && (size_t)optind <= a.v.n ? optind - 1 : 0;
        const char *name = a.v.v[at];
        char shortname[3] = "-?";
        int letter = c == '?' || c == ':' ? optopt : c;
        if (letter > 0 && letter < 256 && strncmp(name, "--", 2) != 0) {
            shortname[1] = (char)letter; /* "-t" even when its value was the next word */
            name = shortname;
        }
        char shown[64];
        const char *eq = strncmp(name, "--", 2) == 0 ? strchr(name, '=') : NULL;
        if (eq) { /* --warning=x: name the option, the value is shown on its own */
            snprintf(shown, sizeof(shown), "%.*s", (int)(eq - name), name);
            name = shown;
        }
        ret = rbl_option(o, c, name, a.origin.v[at], &t);
        if (ret != 0 || o->done)
            goto out;
    }
    if ((size_t)optind < a.v.n) {
        ret = unknown("unexpected argument '%s' (give the host with -H)", a.v.v[optind]);
        goto out;
    }
    if (t.host && *t.host)
        ret = take_host(o, t.host);
    else if (t.url && *t.url)
        ret = take_url(o, t.url);
    else
        ret = unknown("host or url has to be set (-H HOST or -U NAME)");
    if (ret == 0 && o->warn >= 0 && o->crit >= 0 && o->crit < o->warn)
        ret = unknown("critical has to be greater or equal warning (-c %ld, -w %ld)", o->crit,
                      o->warn);
out:
    /* the strings stay: argv's, or owned by @p o */
    free(a.v.v);
    free(a.origin.v);
    if (ret == -ENOMEM)
        unknown("out of memory");
    return ret;
}

/* --- the deadline ----------------------------------------------------------------- */

static char last_resort[160];
static size_t last_resort_len;
static volatile sig_atomic_t *deadline_stop;

/* First SIGALRM: stop the run (it prints what it found); the second, at the deadline:
 * the last-resort line, and leave. */
static void on_alarm(int sig)
{
    (void)sig;
    if (!cli_deadline_hit) {
        cli_deadline_hit = 1;
        *deadline_stop = 1;
        return;
    }
    ssize_t r = write(STDOUT_FILENO, last_resort, last_resort_len);
    (void)r;
    _exit(CLI_EXIT_INCOMPLETE);
}

int cli_rbl_arm_deadline(int ms, volatile sig_atomic_t *stop)
{
    struct sigaction sa;
    int grace = ms / 4 < 2000 ? ms / 4 : 2000;
    int soft = ms - grace;

    int n = snprintf(last_resort, sizeof(last_resort),
                     "DNSBL UNKNOWN - timed out after %d s (-t) before the results were in\n",
                     ms / 1000);
    last_resort_len = n > 0 && (size_t)n < sizeof(last_resort) ? (size_t)n : 0;
    deadline_stop = stop;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_alarm;
    if (sigaction(SIGALRM, &sa, NULL) != 0)
        return -errno;
    struct itimerval it = {
        .it_value = {.tv_sec = soft / 1000, .tv_usec = (soft % 1000) * 1000},
        .it_interval = {.tv_sec = grace / 1000, .tv_usec = (grace % 1000) * 1000}};
    return setitimer(ITIMER_REAL, &it, NULL) == 0 ? 0 : -errno;
}

/* --- UNKNOWN for a run that could not start --------------------------------------- */

static FILE *real_stderr;
static char err_last[512], err_cur[512];
static size_t err_cur_len;

/* Keep the line just finished when it is an error (not a warning or a note). */
static void end_line(void)
{
    static const char prefix[] = "dnsbl-scan: ";
    const char *s = err_cur;
    err_cur[err_cur_len] = '\0';
    err_cur_len = 0;
    if (strncmp(s, prefix, sizeof(prefix) - 1) == 0)
        s += sizeof(prefix) - 1;
    if (!*s || strncmp(s, "warning:", 8) == 0 || strncmp(s, "note:", 5) == 0)
        return;
    snprintf(err_last, sizeof(err_last), "%s", s);
}

static ssize_t tee_write(void *cookie, const char *buf, size_t n)
{
    (void)cookie;
    size_t w = fwrite(buf, 1, n, real_stderr);
    fflush(real_stderr);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n')
            end_line();
        else if (err_cur_len + 1 < sizeof(err_cur))
            err_cur[err_cur_len++] = buf[i];
    }
    return w == n ? (ssize_t)n : -1;
}

int cli_nagios_capture_stderr(void)
{
    cookie_io_functions_t io = {.write = tee_write};
    FILE *f;

    if (real_stderr)
        return 0;
    f = fopencookie(NULL, "w", io);
    if (!f)
        return -ENOMEM;
    setvbuf(f, NULL, _IOLBF, 0);
    real_stderr = stderr;
    stderr = f;
    return 0;
}

int cli_nagios_unknown(void)
{
    if (stderr)
        fflush(stderr);
    (void)out_nagios_unknown(stdout, err_last[0] ? err_last
                                                 : "the check could not run (see standard error)");
    return CLI_EXIT_INCOMPLETE;
}
