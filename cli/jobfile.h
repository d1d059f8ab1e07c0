/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Job files (`dnsbl-scan scan -c JOB.yaml`): everything a scheduled scan needs
 * in one YAML file, so cron or a systemd timer runs one short command. The
 * file is parsed into a plain struct that main maps onto its options;
 * command-line flags override the job file.
 *
 * @code{.yaml}
 *   state: /var/lib/dnsbl-scan/state.db
 *   wait: false
 *   pools:
 *     - {label: transactional, targets: [192.0.2.0/24, "@/etc/dnsbl-scan/extra.txt"]}
 *     - {label: marketing, targets: [198.51.100.0/25], lists: [bl.spamcop.net]}
 *   domains: [example-esp.test]
 *   spf_domains: [example-esp.test]
 *   lists: [zen.spamhaus.org, bl.spamcop.net]
 *   checks: [dnsbl, fcrdns, spf, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns]
 *   dkim_selectors: [mail, s2024]   # --dkim-selector, for every domain
 *   bimi_selector: brand  # --bimi-selector
 *   fetch: true           # false = --no-fetch (no HTTPS fetch of MTA-STS policies)
 *   ca_file: /etc/ssl/certs/ca-certificates.crt   # --ca-file
 *   resolvers: ["127.0.0.1:53"]
 *   catalog: /etc/dnsbl-scan/lists.yaml   # --lists PATH
 *   trust_anchor: /usr/share/dns/root.key # --trust-anchor FILE
 *   expand: [mx, spf, a]  # --expand
 *   resolve: true         # --resolve / --no-resolve: host names' A/AAAA on IP lists
 *   format: summary       # --format: text, json, csv or summary
 *   skip_invalid: false   # --skip-invalid
 *   rate: 10              # --rate: queries per second, 0 = no limits (0 to 1e7)
 *   concurrency: 200      # --concurrency (1 to 100000)
 *   timeout: 2s           # --timeout: 500ms, 2s, 1.5s, 1m or seconds (1ms to 10m)
 *   tries: 2              # --tries (1 to 10)
 *   anomaly_share: 0.2    # --anomaly-share: (0, 1]
 *   anomaly_min: 5        # at least this many new listings for an anomaly (1 to 1e9)
 *   alerts:
 *     delta: /var/lib/dnsbl-scan/delta.json
 *     prom: /var/lib/node_exporter/dnsbl.prom
 *     on_change: /usr/local/bin/page-oncall --team mail
 *     on_change_timeout: 60s   # 1ms to 10m
 *     nagios: false
 *     warning: 1               # -w (0 to 1e9)
 *     critical: 1              # -c (0 to 1e9, not below warning)
 * @endcode
 *
 * Rules: the top level is a mapping; every key is optional, unknown and
 * duplicate keys are errors, and so is a value of the wrong type. Numbers
 * and durations accept what the matching command-line flag accepts
 * (durations through cli_parse_duration()). Booleans are plain
 * true/false/yes/no/on/off. Checks are the words of --checks (dnsbl, fcrdns,
 * spf, spf-auth, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns, dnssec, origin).
 * Relative paths (state, catalog, trust_anchor, alerts.delta,
 * alerts.prom and "@file" targets) are resolved against the job file's
 * directory, so the file means the same from cron (cwd /) and from a shell.
 * Every error is one line `FILE:LINE:COLUMN: what is wrong` (1-based), also
 * for YAML syntax errors and the limits every YAML file has (scanner/core/yamlload.h:
 * 1 MiB, 64 levels of nesting, 262,144 nodes with aliases expanded, one
 * document), which are checked as the parser reads.
 *
 * Usage:
 * @code
 *   struct cli_job *job = NULL;
 *   struct scan_diag diag = {0};
 *   int ret = cli_job_load("/etc/dnsbl-scan/job.yaml", &job, &diag);
 *   if (ret != 0) { fprintf(stderr, "dnsbl-scan: %s\n", diag.msg); return EXIT_USAGE; }
 *   if (job->state.s && !opts.state) opts.state = job->state.s;   // flags win
 *   ...
 *   cli_job_free(job);
 * @endcode
 */
#ifndef CLI_JOBFILE_H
#define CLI_JOBFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/core/err.h"

/** A string value with where it was written (for the caller's own errors, e.g. a
 *  target that does not parse: "FILE:LINE:COLUMN: ..."). s == NULL: not set. */
struct cli_job_str {
    char *s;
    unsigned line; /**< 1-based */
    unsigned col;  /**< 1-based */
};

/** A sequence of strings. set is false when the key is absent (n is then 0). */
struct cli_job_list {
    struct cli_job_str *v;
    size_t n;
    bool set;
};

struct cli_job_pool {
    struct cli_job_str label;    /**< may be unset */
    struct cli_job_list targets; /**< at least one: CIDRs, addresses, names, "@file" */
    struct cli_job_list lists;   /**< the lists this pool is checked against (set: instead of
                                      the file's `lists:`) */
};

struct cli_job_alerts {
    struct cli_job_str delta;     /**< path of the --delta document */
    struct cli_job_str prom;      /**< path of the Prometheus textfile */
    struct cli_job_str on_change; /**< the command, verbatim (split on blanks when run) */
    int on_change_timeout_ms;     /**< < 0: not set */
    int nagios;                   /**< -1 not set, 0, 1 */
    long warning;                 /**< -w; < 0: not set */
    long critical;                /**< -c; < 0: not set */
};

/** A parsed job file. Numbers < 0, strings with s == NULL and lists with set == false
 *  were not in the file. */
struct cli_job {
    char *file; /**< the path it was read from (or the name given to cli_job_parse()) */
    struct cli_job_str state;
    int wait; /**< -1 not set, 0, 1 */
    struct cli_job_pool *pools;
    size_t npools;
    struct cli_job_list domains;
    struct cli_job_list spf_domains;
    struct cli_job_list lists;
    struct cli_job_list checks;
    struct cli_job_list dkim_selectors; /**< --dkim-selector */
    struct cli_job_str bimi_selector;   /**< --bimi-selector */
    int fetch;                          /**< -1 not set, 0 (= --no-fetch), 1 */
    struct cli_job_str ca_file;         /**< --ca-file */
    struct cli_job_list resolvers;
    struct cli_job_str catalog;      /**< --lists PATH */
    struct cli_job_str trust_anchor; /**< --trust-anchor FILE */
    struct cli_job_list expand;      /**< --expand: mx, spf, a (checked by the caller) */
    struct cli_job_str format;       /**< --format */
    int skip_invalid;                /**< -1 not set, 0, 1 */
    double rate;                     /**< --rate: queries per second, 0 = no limits */
    long concurrency;                /**< --concurrency */
    int timeout_ms;                  /**< --timeout */
    long tries;                      /**< --tries */
    double anomaly_share;            /**< --anomaly-share; see output/store/state.h */
    long anomaly_min;                /**< see output/store/state.h */
    int resolve;                     /**< --resolve: -1 not set, 0, 1 */
    struct cli_job_alerts alerts;
    /** Where each top-level key is written (cli_job_key_where()). */
    struct cli_job_mark {
        const char *key; /**< static: the key's name */
        unsigned line, col;
    } marks[32];
    size_t nmarks;
};

/**
 * Read and parse a job file.
 * @param[in] path  the file
 * @param[out] out  caller frees with cli_job_free(); NULL on failure
 * @param[out] diag on failure one line (`FILE:LINE:COLUMN: what`, or `FILE: what` when
 *                  the file cannot be read); may be NULL; left as it was on success
 * @return 0; SCAN_EPARSE (YAML syntax, a limit of scanner/core/yamlload.h, unknown or
 *         duplicate key, wrong type); SCAN_ECONFIG (a value out of range); -EFBIG (over
 *         1 MiB); a negative errno (cannot read); -ENOMEM.
 */
int cli_job_load(const char *path, struct cli_job **out, struct scan_diag *diag);

/** Parse a job file held in memory; @p name is used in messages and to resolve
 *  relative paths. Same contract as cli_job_load(). */
int cli_job_parse(const char *name, const char *buf, size_t len, struct cli_job **out,
                  struct scan_diag *diag);

/** Free; NULL is a no-op. */
void cli_job_free(struct cli_job *job);

/**
 * Where a top-level key is written.
 * @param[in] key  a top-level key ("spf_domains", "fetch", ...)
 * @param[out] line, col  1-based, when found
 * @return whether the file holds the key.
 */
bool cli_job_key_where(const struct cli_job *job, const char *key, unsigned *line, unsigned *col);

/**
 * Every key a job file may hold, as "state", "pools[].label", "alerts.delta", ...
 * (for tests that must cover each one).
 * @param[out] names  up to @p max static strings
 * @return the number of keys (may exceed @p max).
 */
size_t cli_job_keys(const char **names, size_t max);

#endif
