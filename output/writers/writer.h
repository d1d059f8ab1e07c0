/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Result writers: JSON Lines, CSV, text (per result, grouped by target for
 * `check`) and the scan summary. Everything DNS gives us is untrusted and is
 * sanitized here: text strips control and escape sequences, CSV follows RFC
 * 4180 and defuses spreadsheet formulas, JSON escapes everything and replaces
 * invalid UTF-8 with U+FFFD.
 *
 * Usage:
 * @code
 *   struct out_writer *w = NULL;
 *   out_writer_new(stdout, OUT_FMT_JSON, 0, &w);
 *   out_health(w, &h);      // per (list, kind), before the list's results of that kind
 *   out_emit(w, &res);      // per result, streamed
 *   out_finish(w, &stats);  // summary table, trailing lines
 *   out_writer_free(w);
 * @endcode
 */
#ifndef OUTPUT_WRITER_H
#define OUTPUT_WRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "scanner/core/result.h"

enum out_format {
    OUT_FMT_TEXT,    /**< one block per target: each verdict, meaning, TXT, delist URL */
    OUT_FMT_JSON,    /**< JSON Lines: one object per result (and per (list, kind) health) */
    OUT_FMT_CSV,     /**< RFC 4180 with a header row */
    OUT_FMT_SUMMARY, /**< listings and errors as they come, then counts per list */
};

enum out_flags {
    OUT_COLOR = 1 << 0, /**< text/summary: ANSI colour (only when stdout is a terminal) */
};

/** Run totals passed to out_finish(). */
struct out_stats {
    uint64_t targets;
    uint64_t results;
    uint64_t listed; /**< class listing */
    uint64_t info;   /**< informational listings */
    uint64_t errors;
    double seconds;
    uint64_t queries;
};

struct out_writer;

/**
 * A writer of @p fmt to @p f. Nothing is written yet (the CSV header goes out with
 * the first row or at out_finish()).
 * @param[in] f  borrowed until out_writer_free(); the writer never closes it
 * @param[in] flags  enum out_flags
 * @param[out] out  the writer (caller frees with out_writer_free()); NULL on failure
 * @return 0, -ENOMEM, or -EINVAL for a NULL @p f or an unknown format.
 */
int out_writer_new(FILE *f, enum out_format fmt, unsigned flags, struct out_writer **out);

/**
 * Report the health of one (list, kind): a JSON line or CSV row either way, with
 * its kind ("ip4", "ip6", "domain"; null / empty when the caller gave none); text
 * and summary show only unhealthy ones (text before the targets, summary at once)
 * and the summary's table folds the kinds of a list into its health column.
 * @param[in] h  borrowed during the call
 * @return 0, -EIO when a write failed (then and ever after), -ENOMEM, or -EINVAL
 *         for NULL arguments or a call after out_finish().
 */
int out_health(struct out_writer *w, const struct scan_health *h);

/**
 * Write one result: JSON and CSV at once, summary at once when it needs attention
 * (else only counted), text at out_finish().
 * @param[in] r  borrowed during the call; nothing it points to is kept
 * @return as out_health().
 */
int out_emit(struct out_writer *w, const struct scan_result *r);

/**
 * Print what was held back (text groups; summary trailers, table and totals), then
 * flush the file, so a full disk is reported here. Call once; afterwards only
 * out_writer_free() is allowed.
 * @param[in] st  run totals for the summary (borrowed; NULL reads as all zero)
 * @return 0, -EIO (a write or the flush failed, now or earlier), -ENOMEM, -EINVAL.
 */
int out_finish(struct out_writer *w, const struct out_stats *st);

/** Free the writer (not its FILE); NULL is a no-op. */
void out_writer_free(struct out_writer *w);

struct list_catalog;

/**
 * Write every list of @p cat for the `lists` command: for OUT_FMT_JSON one JSON
 * object per line (id, zone, kinds, access, key_env, domain_mode, test_points per
 * kind for an active list, status, dead_since, dead_reason), else a table (ID,
 * ZONE, KINDS, ACCESS, STATUS) with, under each active list, one line per kind
 * with its test points and the catalog's note. Does not flush @p f: the caller's
 * close of it reports what is still buffered.
 * @param[in] f    borrowed; never closed
 * @param[in] cat  borrowed for the call
 * @return 0, -EINVAL (NULL argument), -EIO (a write failed; nothing more is written),
 *         -ENOMEM.
 */
int out_catalog_lists(FILE *f, const struct list_catalog *cat, enum out_format fmt);

/** @return the kind of a canonical target text: "ip6" (has a ':'), "ip4" (a dotted
 *  quad), else (NULL included) "domain"; static, never NULL. */
const char *out_target_kind(const char *target);

/* Sanitizers (sanitize.c), exposed for tests and the other output rooms (store,
 * report, alert) and cli: each one's rules are written here, once. */

/**
 * Copy @p s (len bytes, any content, NULL when len is 0) into @p buf as text safe for
 * a terminal: whole escape sequences removed (CSI, OSC/DCS/APC/PM/SOS up to their
 * terminator, nF and two-byte escapes, and their 8-bit C1 forms), other control bytes
 * (NUL included) and bidirectional overrides dropped, tab/CR/LF/VT/FF/NEL/U+2028/
 * U+2029 folded to ' ', each byte of invalid UTF-8 replaced by '?'.
 * @param[out] buf  @p cap bytes; NUL-terminated when cap > 0
 * @return the length written, truncated to fit @p cap - 1 without cutting a character.
 */
size_t out_sanitize_text(const char *s, size_t len, char *buf, size_t cap);

/**
 * Write @p s (len bytes) as a JSON string literal, quotes included: '"' and '\'
 * escaped, C0, DEL, C1, U+2028 and U+2029 as \uXXXX, invalid UTF-8 as U+FFFD.
 * @p s NULL writes null.
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_json_string(FILE *f, const char *s, size_t len);

/**
 * Write @p s (len bytes) as HTML element text or a double- or single-quoted
 * attribute value: & < > " ' as entities; escape sequences, control bytes (NUL
 * included) and bidirectional overrides removed whole, as for text; tab, CR, LF,
 * VT, FF, NEL, U+2028 and U+2029 folded to ' '; invalid UTF-8 as U+FFFD. @p s NULL
 * writes nothing. (Never for an unquoted attribute or inside <script>/<style>.)
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_html_text(FILE *f, const char *s, size_t len);

/**
 * Write @p s (len bytes) as one CSV field (RFC 4180): quoted when it holds a comma, a
 * quote, CR or LF, quotes doubled. A field that starts with = + - @ TAB or CR (after
 * sanitizing) gets a leading single quote so spreadsheets do not evaluate it. Escape
 * sequences and control bytes other than TAB, CR, LF are removed, invalid UTF-8 becomes
 * U+FFFD. @p s NULL writes an empty field.
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_csv_field(FILE *f, const char *s, size_t len);

/**
 * Write @p s (len bytes) as free text on a Nagios plugin line (check_rbl's -a text,
 * an error message): printable ASCII (0x20-0x7E) except '|' is kept, every other
 * byte becomes '?' (controls, DEL, '|' which would start the perfdata, and each
 * byte of anything above ASCII, valid UTF-8 or not), so the line stays one line
 * of ASCII. @p s NULL writes nothing.
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_nagios_text(FILE *f, const char *s, size_t len);

/**
 * Write @p s (len bytes) as a name on a Nagios plugin line (a zone, a target, a
 * host name, a lookup's reason word): A-Z a-z 0-9 . - _ : are kept, every other
 * byte becomes '?' (the rule of out_nagios_text() narrowed to the host name
 * alphabet, ':' for IPv6). @p s NULL writes nothing.
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_nagios_name(FILE *f, const char *s, size_t len);

/**
 * Write @p s (len bytes) as a Prometheus label value, without its quotes (text
 * exposition format): backslash and double quote get a backslash before them, a
 * line feed becomes a backslash and 'n'; every other byte is kept as it is. @p s
 * NULL writes nothing.
 * @param[in] f  borrowed
 * @return 0 or -EIO.
 */
int out_prom_label(FILE *f, const char *s, size_t len);

#endif
