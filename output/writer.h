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
 *   out_health(w, &h);      // per list, before its results
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

#include "scanner/result.h"

enum out_format {
    OUT_FMT_TEXT,    /**< one block per target: each verdict, meaning, TXT, delist URL */
    OUT_FMT_JSON,    /**< JSON Lines: one object per result (and per list health) */
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
 * @param[in] f  borrowed; the writer never closes it
 * @param[out] out  caller frees with out_writer_free()
 * @return 0 or -ENOMEM.
 */
int out_writer_new(FILE *f, enum out_format fmt, unsigned flags, struct out_writer **out);

/** Report one list's health. @return 0 or SCAN_EIO when the write failed. */
int out_health(struct out_writer *w, const struct scan_health *h);

/** Write one result (borrowed during the call). @return 0 or SCAN_EIO. */
int out_emit(struct out_writer *w, const struct scan_result *r);

/** Flush groups and print the summary. @return 0 or SCAN_EIO. */
int out_finish(struct out_writer *w, const struct out_stats *st);

/** Free; NULL is a no-op. */
void out_writer_free(struct out_writer *w);

/* Sanitizers, exposed for tests and other writers (state, delta, nagios). */

/**
 * Append @p s (len bytes, any content) to @p buf as text safe for a terminal: control
 * bytes and ESC sequences removed, invalid UTF-8 replaced by '?', newlines folded to ' '.
 * Always NUL-terminates. @return the length written (truncated to fit @p cap - 1).
 */
size_t out_sanitize_text(const char *s, size_t len, char *buf, size_t cap);

/** Write @p s as a JSON string literal (with quotes) to @p f. @return 0 or SCAN_EIO. */
int out_json_string(FILE *f, const char *s, size_t len);

/** Write @p s as one CSV field (RFC 4180 quoting; a leading = + - @ TAB CR is prefixed
 *  with a single quote so spreadsheets do not evaluate it). @return 0 or SCAN_EIO. */
int out_csv_field(FILE *f, const char *s, size_t len);

#endif
