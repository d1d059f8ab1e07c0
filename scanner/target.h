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

enum scan_target_type { SCAN_T_IP4, SCAN_T_IP6, SCAN_T_DOMAIN };

/** One target to check. Plain record, filled by scan_targets_next(). */
struct scan_target {
    enum scan_target_type type;
    uint8_t addr[16]; /**< IP4: first 4 bytes; IP6: 16 bytes; network order */
    char text[256];   /**< canonical text: "192.0.2.1", "2001:db8::1" (RFC 5952), "example.test"
                           (lower-case, no trailing dot) */
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
 * already removed).
 * @param[out] why  on error: a static phrase saying what is wrong, e.g.
 *                  "IPv4 prefix shorter than /8", "not an IP address, range or domain name"
 * @return 0 or SCAN_EPARSE.
 */
int scan_spec_parse(const char *s, struct scan_spec *out, const char **why);

/** @return the number of targets @p sp stands for (1 for singles and domains). */
uint64_t scan_spec_count(const struct scan_spec *sp);

/** @return a static reason when @p sp lies in (or overlaps) a range no list can hold,
 *  e.g. "RFC 1918 private address"; NULL when it is scannable. A range that only
 *  partly overlaps is scanned except the reserved addresses (and warned once). */
const char *scan_spec_reserved(const struct scan_spec *sp);

/** @return true when the single address (IP4 or IP6, network order) is reserved. */
bool scan_addr_reserved(enum scan_target_type type, const uint8_t *addr);

/** Messages from preparing targets; one call per message, no newline. */
typedef void (*scan_target_msg_fn)(void *arg, bool is_error, const char *msg);

struct scan_target_opts {
    bool skip_invalid;      /**< scan the valid lines, report each bad one as a warning */
    scan_target_msg_fn msg; /**< receives "FILE:LINE: 'text': why" errors and warnings */
    void *msg_arg;
};

struct scan_targets;

/**
 * @param[in] specs  borrowed; must stay valid until scan_targets_free()
 * @param[out] out   caller frees with scan_targets_free()
 * @return 0, -ENOMEM.
 */
int scan_targets_new(char *const *specs, size_t n, const struct scan_target_opts *opts,
                     struct scan_targets **out);

/**
 * Read every spec once: validate, report errors and reserved-range warnings, count.
 * @param[out] total  the number of targets the scan will visit (after dedup of
 *                    identical spec lines; overlaps between ranges are not subtracted)
 * @return 0; SCAN_EPARSE when a line is bad and skip_invalid is off (every bad line
 *         was reported); -ENOENT/-EACCES/-EIO for unreadable files (reported); -ENOMEM.
 */
int scan_targets_prepare(struct scan_targets *ts, uint64_t *total);

/**
 * Next target, in input order.
 * @return 0 (filled @p t); 1 at the end; negative on a read error.
 */
int scan_targets_next(struct scan_targets *ts, struct scan_target *t);

/** Free; NULL is a no-op. */
void scan_targets_free(struct scan_targets *ts);

#endif
