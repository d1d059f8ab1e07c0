/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Targets: parsing target lines and streaming the targets they name.
 *
 * A target spec is a positional argument, "@FILE" (one spec per line, '#'
 * comments, blank lines) or "-" (standard input; spooled to an unlinked
 * temporary file so it can be validated and counted before the scan, like a
 * file). A spec is an IPv4 address, an IPv4 CIDR range (/8 to /32), an IPv6
 * address, an IPv6 range (/112 to /128) or a domain name (A-labels).
 *
 * Ranges are never materialized: scan_targets_next() walks them with a
 * counter, so a /8 costs the same memory as a /24. Duplicates are emitted
 * once: single targets are remembered in a hash set (memory grows with the
 * number of input LINES, never with range sizes) and an address inside an
 * earlier range, or inside a single seen earlier, is skipped.
 *
 * Addresses no list can hold (RFC 1918, loopback, link-local, 0/8, CGNAT
 * 100.64/10, multicast, 240/4 and the IPv6 counterparts: ::/128, ::1, fe80::/10,
 * fc00::/7, ff00::/8, ::ffff:0:0/96 mapped) are skipped with one warning per
 * input line. Documentation ranges are scanned like any other.
 *
 * "@FILE" naming something other than a regular file (a pipe, /dev/stdin,
 * a shell process substitution) is spooled like "-", since it cannot be read twice.
 *
 * Messages (through scan_target_opts::msg) have the form
 * "FILE:LINE: 'TEXT': WHY", "<stdin>:LINE: 'TEXT': WHY" or
 * "argument N: 'TEXT': WHY" (or, for a spec with an origin, "ORIGIN: 'TEXT': WHY",
 * e.g. "job.yaml:4:31: '192.0.2.0/33': ..."), TEXT being the offending spec with control
 * characters shown as '?' and cut to 80 bytes (then "..."). At most 100 bad
 * lines and 100 reserved-address warnings are reported; the rest are summed up
 * in one "... and N more" message per kind.
 *
 * Usage:
 * @code
 *   struct scan_targets *ts = NULL;
 *   ret = scan_targets_new(specs, nspecs, &opts, &ts);   // reads nothing yet
 *   ret = scan_targets_prepare(ts, &total);                // validates every line, counts
 *   while ((ret = scan_targets_next(ts, &t)) == 0) use(&t);
 *   scan_targets_free(ts);
 * @endcode
 */
#ifndef SCANNER_TARGET_H
#define SCANNER_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/err.h"

enum scan_target_type { SCAN_T_IP4, SCAN_T_IP6, SCAN_T_DOMAIN };

/** One target to check. Plain record, filled by scan_targets_next(). */
struct scan_target {
    enum scan_target_type type;
    uint8_t addr[16]; /**< IP4: first 4 bytes; IP6: 16 bytes; network order */
    char text[256];   /**< canonical text: "192.0.2.1", "2001:db8::1" (RFC 5952), "example.test"
                           (lower-case, no trailing dot) */
    size_t source;    /**< index of the spec it was first named in (a target named by
                           several specs is returned once, for the first) */
    const char *pool; /**< scan_target_opts::pools[source], or NULL (borrowed) */
};

/** What a spec is, after parsing (no expansion). */
struct scan_spec {
    enum scan_target_type type;
    uint8_t addr[16]; /**< first address of the range, network order */
    unsigned prefix;  /**< 32 / 128 for single addresses; 0 for domains */
    char domain[254]; /**< domains: canonical name */
};

/**
 * Parse one spec (an argument or a file line with comments and surrounding blanks
 * already removed). IPv4 octets must be plain decimal: "010.1.1.1" is rejected
 * (octal or decimal is ambiguous), as inet_pton() does. A single address may be
 * written with /32 or /128.
 * @param[in]  s     NUL-terminated spec; borrowed for the call
 * @param[out] out   the parsed spec; zeroed on error
 * @param[out] diag  on error: what is wrong, e.g. "IPv4 prefix shorter than /8" or
 *                   "host bits set, did you mean 192.0.2.0/24" (the caller names the
 *                   spec and where it was written); may be NULL
 * @return 0 or SCAN_EPARSE.
 */
int scan_spec_parse(const char *s, struct scan_spec *out, struct scan_diag *diag);

/** @return the number of addresses @p sp spans, reserved ones included (1 for singles
 *  and domains). */
uint64_t scan_spec_count(const struct scan_spec *sp);

/** @return a static reason when @p sp lies in (or overlaps) a range no list can hold,
 *  e.g. "RFC 1918 private address"; NULL when it is scannable. A range that only
 *  partly overlaps is scanned except the reserved addresses (and warned once).
 *  When it overlaps several reserved ranges, the first one's reason. */
const char *scan_spec_reserved(const struct scan_spec *sp);

/** @return how many of the scan_spec_count() addresses of @p sp are reserved
 *  (0 for domains; scan_spec_count() when it is fully reserved). */
uint64_t scan_spec_reserved_count(const struct scan_spec *sp);

/** @return true when the single address (IP4 or IP6, network order) is reserved. */
bool scan_addr_reserved(enum scan_target_type type, const uint8_t *addr);

/**
 * Messages from preparing targets; one call per message, no newline. This is a
 * stream, not an error return, so it is a callback and not a struct scan_diag:
 * one input can hold any number of bad lines (each reported, up to 100, with
 * where it was written) and reserved addresses (warnings), and the walk goes on
 * after each; the calls' own failures are their int returns.
 */
typedef void (*scan_target_msg_fn)(void *arg, bool is_error, const char *msg);

struct scan_target_opts {
    bool skip_invalid;      /**< scan the valid lines, report each bad one as a warning */
    scan_target_msg_fn msg; /**< receives "FILE:LINE: 'text': why" errors and warnings;
                                 may be NULL (silent) */
    void *msg_arg;
    /** Optional, one per spec: where the spec was written (a job file's
     *  "FILE:LINE:COLUMN"), named in messages instead of "argument N" (a NULL entry
     *  keeps "argument N"). Borrowed until scan_targets_free(). */
    const char *const *origins;
    /** Optional, one per spec: the label of the pool (a job file's) the spec belongs
     *  to, handed out as scan_target::pool. Borrowed until scan_targets_free(). */
    const char *const *pools;
};

struct scan_targets;

/**
 * @param[in] specs  borrowed; must stay valid until scan_targets_free()
 * @param[in] opts   copied; may be NULL (no messages, bad lines are errors)
 * @param[out] out   caller frees with scan_targets_free(); NULL on error
 * @return 0, -ENOMEM.
 */
int scan_targets_new(char *const *specs, size_t n, const struct scan_target_opts *opts,
                     struct scan_targets **out);

/**
 * Read every spec once: validate, report errors and reserved-range warnings, count.
 * Call once. Memory grows with the number of distinct single targets and ranges
 * (input lines), never with range sizes.
 * @param[out] total  the number of targets scan_targets_next() will return: every
 *                    address and domain once, reserved addresses left out, overlaps
 *                    (identical lines, a single inside a range, nested ranges) counted
 *                    once. 0 on error.
 * @return 0; SCAN_EPARSE when a line is bad and skip_invalid is off (every bad line
 *         was reported); for an unreadable file or a failed spool of standard input
 *         its negative errno (-ENOENT, -EACCES, -EISDIR, -EIO, ...; reported, and the
 *         other sources are still checked); -E2BIG past 2^31 - 2 valid lines;
 *         -EINVAL when called twice; -ENOMEM.
 */
int scan_targets_prepare(struct scan_targets *ts, uint64_t *total);

/**
 * Next target, in input order: a target is returned where it first appears, ranges
 * are walked in address order. Files are read again (spooled input from the copy).
 * @param[out] t  filled on 0
 * @return 0 (filled @p t); 1 at the end (and on every later call); -EINVAL unless
 *         scan_targets_prepare() succeeded; a negative errno when a file cannot be
 *         read again, -EIO when it changed since scan_targets_prepare() (both
 *         reported through the message callback; later calls return the same code).
 */
int scan_targets_next(struct scan_targets *ts, struct scan_target *t);

/** After a successful scan_targets_prepare(): how many of the targets are IPv4
 *  addresses, IPv6 addresses and domains (indexed by enum scan_target_type). */
void scan_targets_count_by_type(const struct scan_targets *ts, uint64_t counts[3]);

/**
 * The domain targets, each once, in the order scan_targets_next() will return them,
 * without reading any file again (--expand looks at every domain before the scan).
 * After a successful scan_targets_prepare().
 * @param[out] names  an array of *n names, borrowed until scan_targets_free(); the
 *                    array itself: caller frees with free(). NULL when *n is 0.
 * @return 0, -EINVAL before prepare, -ENOMEM.
 */
int scan_targets_domains(const struct scan_targets *ts, const char ***names, size_t *n);

/** Free; NULL is a no-op. */
void scan_targets_free(struct scan_targets *ts);

#endif
