/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Command-line parsing for dnsbl-scan: fills struct cli_opts and nothing else
 * (STYLE rule 15), from the command line (cli/opts.c) and a job file
 * (cli/apply.c), both through the one option table (cli/options.h). Exit codes
 * are defined here because usage errors are the first ones a user meets; the
 * functions return 0 or a negative code, which cli/exit.h maps to them.
 */
#ifndef CLI_OPTS_H
#define CLI_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Process exit codes (documented in the README; decided by cli_exit_code() in
 *  cli/exit.h; --nagios exits with enum out_nagios_status instead). */
enum cli_exit {
    CLI_EXIT_OK = 0,     /**< nothing listed, every verdict complete (with --state: nothing new) */
    CLI_EXIT_LISTED = 1, /**< something listed (with --state: new listings or new problems) */
    CLI_EXIT_USAGE = 2,  /**< usage, configuration or input error */
    CLI_EXIT_INCOMPLETE = 3, /**< nothing listed, but an error outcome of any check or an
                                  unhealthy list left verdicts open, or the run is
                                  incomplete; or an output failed to take what the run
                                  had to deliver (wins over 1) */
};

enum cli_cmd { CLI_CMD_CHECK, CLI_CMD_SCAN, CLI_CMD_LISTS, CLI_CMD_HISTORY, CLI_CMD_REPORT };

/** A growable array of borrowed strings (they point into argv). */
struct cli_strv {
    const char **v;
    size_t n, cap;
};

struct cli_opts {
    enum cli_cmd cmd;
    const char *format;     /**< "text", "json", "csv", "summary" or NULL (command default) */
    unsigned checks;        /**< enum scan_check_kind bits; 0 = all applicable */
    const char *lists_path; /**< --lists */
    struct cli_strv lists;  /**< --list */
    struct cli_strv resolvers;
    struct cli_strv spf_domains;
    const char *bimi_selector;      /**< --bimi-selector */
    struct cli_strv dkim_selectors; /**< --dkim-selector */
    bool no_fetch;                  /**< --no-fetch: no HTTPS fetch of MTA-STS policies */
    const char *ca_file;            /**< --ca-file */
    const char *https_connect;      /**< --https-connect HOST:PORT */
    const char *trust_anchor;       /**< --trust-anchor FILE, or NULL (the default anchor) */
    unsigned expand;                /**< --expand: enum scan_expand_what bits, 0 = none */
    unsigned expand_cap4;           /**< --expand-cap: the widest blocks walked (0 = default) */
    unsigned expand_cap6;
    int resolve; /**< --resolve / --no-resolve: -1 the command's default (cli_resolve()) */
    struct cli_strv targets;
    size_t concurrency;
    unsigned channels; /**< 0 = automatic */
    int timeout_ms;
    int tries;
    double rate; /**< < 0 = catalog rates */
    bool skip_invalid;
    int progress; /**< -1 auto (stderr is a terminal), 0 off, 1 on */
    int color;    /**< -1 auto, 0 never, 1 always */
    /* run history (issue 4) */
    const char *state_path;
    const char *delta_path;
    const char *prom_path;
    const char *on_change;
    const char *job_path;
    bool wait;
    bool nagios;
    /* check_rbl's options (invoked as check_rbl or `dnsbl-scan nagios`: cli/rbl.c) */
    bool rbl;
    const char *rbl_name;     /**< -H HOST when a host name: its addresses are checked */
    int deadline_ms;          /**< -t: the whole run's deadline, 0 = none */
    int verbose;              /**< -v: the per-list results on standard error */
    const char *append;       /**< -a: text added to the status line */
    struct cli_strv owned;    /**< strings cli_opts owns (options made from --extra-opts) */
    long warn, crit;          /**< --nagios thresholds, -1 = default */
    double anomaly_share;     /**< < 0 = default */
    long anomaly_min;         /**< < 0 = default */
    int on_change_timeout_ms; /**< < 0 = default */
    bool state_default;       /**< a job file without `state:`: use the default path */
    uint64_t given;           /**< one bit per option given on the command line (a row of
                                   the option table, cli/options.h): what a job file may
                                   not change */
    bool done;                /**< --help or --version was printed: nothing more to do */
    /* Targets from a job file: one entry per target spec (all empty otherwise). */
    struct cli_strv target_origins; /**< "FILE:LINE:COLUMN" where the spec is written (owned) */
    struct cli_strv target_pools;   /**< the label of the spec's pool, or NULL */
    size_t *target_group;           /**< 0: the run's lists apply; k: pool_lists[k - 1] */
    struct cli_strv *pool_lists;    /**< the lists of each pool that names its own */
    size_t npool_lists;
    /* the HTML report (issue 11) */
    const char *html_path;   /**< check/scan --html FILE */
    const char *output_path; /**< report -o FILE; NULL = standard output */
    long long since_ms;      /**< report --since; 0 = the default window */
};

struct cli_job;
struct scan_diag;

/**
 * Fill what the command line left unset from a parsed job file: an option given on
 * the command line wins over its key, key by key (a list given on the command line
 * replaces the job's list; targets on the command line replace every pool and
 * domain; --list replaces the job's `lists:` and every pool's own). Every pool's
 * targets are taken, in order, then the domains, each with where it was written
 * and its pool's label (target_origins, target_pools, target_group). Strings stay
 * owned by @p job, which must outlive @p o.
 * @param[out] diag  on failure one line, `FILE:LINE:COLUMN: what` at the bad value
 *                   (no program name); may be NULL
 * @return 0; SCAN_EPARSE (a selector that is not DNS labels); SCAN_ECONFIG (an
 *         unknown expand source, no targets at all); -ENOMEM.
 */
int cli_opts_apply_job(struct cli_opts *o, const struct cli_job *job, struct scan_diag *diag);

/**
 * Parse argv; as check_rbl (argv[0] named check_rbl, or the command `nagios`) with
 * cli_rbl_parse(). Errors are said where the user looks: one line on standard error
 * (as check_rbl, a `DNSBL UNKNOWN - ...` line on standard output).
 * cli_exit_after_options() (cli/exit.h) turns the outcome into the exit code.
 * @param[out] o  filled; its arrays are freed with cli_opts_free(); o->done is set
 *                when --help or --version was printed (nothing more to do)
 * @return 0; SCAN_EPARSE (an unknown command or option, a bad value); SCAN_ECONFIG
 *         (options that do not go together, no targets); -ENOMEM.
 */
int cli_opts_parse(int argc, char **argv, struct cli_opts *o);

/** The defaults, before any option: what cli_opts_parse() starts from. */
void cli_opts_init(struct cli_opts *o);

/**
 * Options that have no effect under the chosen checks are usage errors (issue 9),
 * decided by the option table (cli/options.h), which ties each such option (and
 * its job-file key) to the check, the --expand source or the HTTPS fetch it works
 * for. Only
 * `check` and `scan` are judged, and only when the checks (or --expand) were chosen:
 * the default set lets every option work. A job-file key is judged against the
 * job file's own `checks:`/`expand:`; when the command line's --checks or --expand
 * replaces those, the file's keys stand aside (a job file serves the scheduled run
 * and one-off runs alike), while a flag is always judged.
 * @param[in] o     after cli_opts_apply_job()
 * @param[in] job   the job file it was applied from, or NULL
 * @param[out] diag one line naming both the option and what it needs (no program
 *                  name), when the result is SCAN_ECONFIG; may be NULL
 * @return 0 or SCAN_ECONFIG.
 */
int cli_opts_check_effect(const struct cli_opts *o, const struct cli_job *job,
                          struct scan_diag *diag);

/**
 * Whether host names are resolved (--resolve): the address of every domain target
 * checked on IP lists and by the IP checks, as --expand a does. --resolve and
 * --no-resolve decide; by default it is on for `check` and with --nagios, off for
 * `scan`, and only when one of @p checks is a check of IP targets (an address
 * found would otherwise be checked by nothing).
 * @param[in] checks  the run's checks (enum scan_check bits)
 */
bool cli_resolve(const struct cli_opts *o, unsigned checks);

/** Free what @p o owns and zero it. */
void cli_opts_free(struct cli_opts *o);

/** Append to a string array. @return 0 or -ENOMEM. */
int cli_strv_push(struct cli_strv *a, const char *s);

/** Parse "500ms", "2s", "1.5s", "1m" or a bare number of seconds, from
 *  CLI_DURATION_RANGE. @return ms, or SCAN_EPARSE. */
int cli_parse_duration(const char *s);
/** What cli_parse_duration() takes, in the words of its messages. */
#define CLI_DURATION_RANGE "1ms to 10m"
/** The longest duration cli_parse_duration() takes (10m), in ms. */
#define CLI_DURATION_MS_HI 600000

/** A whole decimal number in [@p lo, @p hi] (the whole string). @return 0 (*out set) or
 *  SCAN_EPARSE. */
int cli_parse_long(const char *s, long lo, long hi, long *out);

/** Parse a look-back window with its unit: "90m", "12h", "30d", "2w" (one minute to ten
 *  years). @return ms, or SCAN_EPARSE. */
long long cli_parse_since(const char *s);

#endif
