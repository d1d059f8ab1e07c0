/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one table of options (private to cli/): one row per command-line option,
 * naming its long flag (and short letter), the job-file key that sets the same
 * thing, the kind of value, its range, the wording of its error, the struct
 * cli_opts field it fills, and what it needs to have an effect. Everything else
 * reads the rows:
 *
 * - cli/opts.c builds getopt_long()'s arrays from them and checks each value by
 *   its kind (cli_opts_parse());
 * - cli/apply.c takes each job-file key the command line left alone, by the same
 *   kinds (cli_opts_apply_job());
 * - cli/jobfile.c reads each row's job-file key in a job file by the same kind,
 *   range and wording, into the row's struct cli_job field (cli_job_parse());
 * - cli/effect.c refuses an option that would do nothing under the chosen checks
 *   (cli_opts_check_effect()).
 *
 * Adding an option: a CLI_O_* id here, a row in cli/options.c, its line in the
 * usage text (cli/opts.c); with a job-file key, JOB(key, field) in that row and
 * the field in struct cli_job: a struct cli_job_str or cli_job_list for a string
 * or a list, else a signed number (< 0 while the file does not set it).
 */
#ifndef CLI_OPTIONS_H
#define CLI_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/jobfile.h"
#include "cli/opts.h"

/* ---- ranges the table shares with check_rbl's options (cli/rbl.c) and -c ----- */

#define CLI_CONCURRENCY_LO 1 /**< --concurrency, concurrency:, check_rbl's --workers */
#define CLI_CONCURRENCY_HI 100000
#define CLI_TRIES_LO       1 /**< --tries, tries:, check_rbl's -r */
#define CLI_TRIES_HI       10
#define CLI_LISTINGS_LO    0 /**< -w/-c and alerts' warning:/critical: (also check_rbl's) */
#define CLI_LISTINGS_HI    1000000000
#define CLI_DEADLINE_S_LO  1 /**< check_rbl's -t: the whole run, in seconds */
#define CLI_DEADLINE_S_HI  3600
#define CLI_QTIMEOUT_S_LO  1 /**< check_rbl's --query-timeout (our --timeout), in seconds */
#define CLI_QTIMEOUT_S_HI  (CLI_DURATION_MS_HI / 1000)

/** The output formats, for --format and the job file's format: */
#define CLI_FORMAT_WORDS "text", "json", "csv", "summary"

/* ---- the rows ---------------------------------------------------------------- */

/** One id per row of cli_options[], in the table's order (which is also the order
 *  the job file's values are taken and options without effect are judged). */
enum cli_opt_id {
    CLI_O_FORMAT,
    CLI_O_CHECKS,
    CLI_O_LISTS,
    CLI_O_RESOLVER,
    CLI_O_CONCURRENCY,
    CLI_O_CHANNELS,
    CLI_O_TIMEOUT,
    CLI_O_TRIES,
    CLI_O_RATE,
    CLI_O_SPF_DOMAIN,
    CLI_O_DKIM_SELECTOR,
    CLI_O_BIMI_SELECTOR,
    CLI_O_NO_FETCH,
    CLI_O_CA_FILE,
    CLI_O_HTTPS_CONNECT,
    CLI_O_TRUST_ANCHOR,
    CLI_O_LIST,
    CLI_O_ANOMALY_SHARE,
    CLI_O_ANOMALY_MIN,
    CLI_O_EXPAND,
    CLI_O_EXPAND_CAP,
    CLI_O_RESOLVE,
    CLI_O_SKIP_INVALID,
    CLI_O_PROGRESS,
    CLI_O_COLOR,
    CLI_O_STATE,
    CLI_O_DELTA,
    CLI_O_PROM,
    CLI_O_ON_CHANGE,
    CLI_O_ON_CHANGE_TIMEOUT,
    CLI_O_WAIT,
    CLI_O_NAGIOS,
    CLI_O_WARNING,
    CLI_O_CRITICAL,
    CLI_O_CONFIG,
    CLI_O_C, /* -c: a number is --critical, anything else --config */
    CLI_O_HTML,
    CLI_O_SINCE,
    CLI_O_OUTPUT,
    CLI_O_HELP,
    CLI_O_VERSION,
    CLI_O_COUNT
};
_Static_assert(CLI_O_COUNT <= 64, "cli_opts::given has a bit per row");

/** What a value is, which decides how the command line and the job file read it. */
enum cli_opt_kind {
    CLI_K_STR,      /**< a string, kept as given; with a why it must not be empty */
    CLI_K_PATH,     /**< the same; the job file resolves it against its own folder */
    CLI_K_LIST,     /**< repeatable; the job file's sequence, unless the flag is given */
    CLI_K_SWITCH,   /**< --flag and its --no- form; the job file's true/false */
    CLI_K_OFF,      /**< a --no- flag alone; the job file's `key: false` is the flag */
    CLI_K_INT,      /**< a whole number from lo to hi */
    CLI_K_REAL,     /**< a finite number from lo to hi */
    CLI_K_SHARE,    /**< a number above lo, up to hi */
    CLI_K_DURATION, /**< 500ms, 2s, 1m or seconds (cli_parse_duration()) */
    CLI_K_CHECKS,   /**< check names, comma-separated or `all`: enum scan_check bits */
    CLI_K_EXPAND,   /**< --expand sources mx, spf, a: enum scan_expand_what bits */
    CLI_K_FORMAT,   /**< one of CLI_FORMAT_WORDS */
    CLI_K_SELECTOR, /**< DNS labels in front of ._domainkey. or ._bimi. (a list when the
                         field is one) */
    CLI_K_SPECIAL,  /**< read by its own handler, take */
    CLI_K_ACTION,   /**< no value, and nothing after it: --help, --version */
};

/** The C type of the struct cli_opts or struct cli_job field a row fills
 *  (CLI_FIELD_TYPE()). */
enum cli_field_type {
    CLI_T_STR,      /**< const char *, borrowed from argv or the job */
    CLI_T_STRV,     /**< struct cli_strv */
    CLI_T_BOOL,     /**< bool */
    CLI_T_INT,      /**< int */
    CLI_T_UNSIGNED, /**< unsigned */
    CLI_T_LONG,     /**< long */
    CLI_T_SIZE,     /**< size_t */
    CLI_T_LLONG,    /**< long long */
    CLI_T_DOUBLE,   /**< double */
    CLI_T_JOB_STR,  /**< struct cli_job_str: a job file's string, with its place */
    CLI_T_JOB_LIST, /**< struct cli_job_list: a job file's sequence */
};

/** The enum cli_field_type of an expression (never evaluated): the table names a
 *  field once and its type follows, so a row cannot store the wrong width. */
#define CLI_FIELD_TYPE(x)                                                                          \
    _Generic((x),                                                                                  \
        const char *: CLI_T_STR,                                                                   \
        struct cli_strv: CLI_T_STRV,                                                               \
        bool: CLI_T_BOOL,                                                                          \
        int: CLI_T_INT,                                                                            \
        unsigned: CLI_T_UNSIGNED,                                                                  \
        long: CLI_T_LONG,                                                                          \
        size_t: CLI_T_SIZE,                                                                        \
        long long: CLI_T_LLONG,                                                                    \
        double: CLI_T_DOUBLE,                                                                      \
        struct cli_job_str: CLI_T_JOB_STR,                                                         \
        struct cli_job_list: CLI_T_JOB_LIST)

/** One option. Strings are static. */
struct cli_option {
    const char *flag; /**< long flag without "--" ("skip-invalid"), or NULL */
    const char *no;   /**< CLI_K_SWITCH: the flag that turns it off ("no-skip-invalid") */
    char letter;      /**< its short option ('w'), or 0 */
    const char *key;  /**< the job-file key ("skip_invalid"; "alerts.delta" inside
                           alerts:), or NULL */
    enum cli_opt_kind kind;
    double lo, hi;                /**< CLI_K_INT, CLI_K_REAL, CLI_K_SHARE: the range */
    size_t off;                   /**< the struct cli_opts field it fills */
    enum cli_field_type type;     /**< that field's type */
    size_t job_off;               /**< with a key: the struct cli_job field that holds it */
    enum cli_field_type job_type; /**< that field's type; a number there is < 0 while
                                       the job file does not set it, so it is signed */
    const char *why;              /**< what a bad value should have been: "--flag 'value': why"
                                       (NULL: the kind's own wording; a duration gets its
                                       range added) */
    const char *shown;            /**< the option in that message when not "--flag" ("-w") */
    unsigned check;               /**< has an effect only under this check (enum scan_check) */
    unsigned expand;              /**< ... only with this --expand source (enum scan_expand_what) */
    bool fetch;                   /**< ... only when mta-sts fetches its policies (no --no-fetch) */
    /** CLI_K_SPECIAL: check @p arg and fill @p o. @return 0, SCAN_EPARSE for a bad
     *  value (the caller says why), or -ENOMEM. */
    int (*take)(struct cli_opts *o, const char *arg);
};

/** The table: row i is enum cli_opt_id i. */
extern const struct cli_option cli_options[CLI_O_COUNT];

/** The bit of cli_opts::given for row @p id. */
static inline uint64_t cli_opt_bit(enum cli_opt_id id)
{
    return (uint64_t)1 << id;
}

/** @return whether option @p id was given on the command line (so a job file may not
 *  change it). */
static inline bool cli_given(const struct cli_opts *o, enum cli_opt_id id)
{
    return (o->given & cli_opt_bit(id)) != 0;
}

/* ---- getopt_long() ------------------------------------------------------------ */

#define CLI_GETOPT_BASE   256 /**< getopt's value of a row's long flag: BASE + id */
#define CLI_GETOPT_NO     (CLI_GETOPT_BASE + CLI_O_COUNT) /**< ... of its --no- form: NO + id */
#define CLI_GETOPT_LONGS  (2 * CLI_O_COUNT + 1)           /**< size of the long-option array */
#define CLI_GETOPT_SHORTS (2 * CLI_O_COUNT + 1)           /**< size of the short-option string */

/**
 * getopt_long()'s arrays, made from the table: each long flag (and --no- form),
 * and each letter ("w:" when it takes a value).
 * @param[out] longs   CLI_GETOPT_LONGS entries, the last all zero
 * @param[out] shorts  CLI_GETOPT_SHORTS bytes, NUL-terminated
 */
void cli_options_getopt(struct option *longs, char *shorts);

/**
 * The row getopt_long()'s return value @p c stands for.
 * @param[out] off  set when @p c is a --no- form
 * @return the row (static), or NULL for an option the table does not have.
 */
const struct cli_option *cli_option_of(int c, bool *off);

/* ---- values --------------------------------------------------------------------- */

/** @return the enum cli_opt_id of @p row. */
enum cli_opt_id cli_option_id(const struct cli_option *row);

/** Set @p row's field of @p o (a number field) to @p v, in that field's type. */
void cli_option_set_number(struct cli_opts *o, const struct cli_option *row, double v);

/** Set the number at @p field, of type @p type (bool to double), to @p v, converted. */
void cli_field_set_number(void *field, enum cli_field_type type, double v);

/** @return the number at @p field, of type @p type (bool to double). */
double cli_field_number(const void *field, enum cli_field_type type);

/** Set @p row's field of @p o (a string, or a list: @p s appended) to @p s, borrowed.
 *  @return 0 or -ENOMEM. */
int cli_option_set_string(struct cli_opts *o, const struct cli_option *row, const char *s);

/** A DNS label or labels of letters, digits, '-' and '_' (a DKIM or BIMI selector).
 *  @param[in] s  not NULL */
bool cli_selector_ok(const char *s);

/** Check names separated by commas, or `all`. @return enum scan_check bits, 0 when a
 *  word is not a check (or there is none). */
unsigned cli_checks_parse(const char *s);

/** @return whether @p s is one of CLI_FORMAT_WORDS. */
bool cli_format_ok(const char *s);

#endif
