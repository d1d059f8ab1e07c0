/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Internals shared by the output formats (only output/ includes this).
 *
 * Every byte a writer produces goes through a struct out_sink: either the
 * caller's FILE or a growing memory buffer, with a sticky error so a format
 * can write a whole record and check once at the end (STYLE rule 15: every
 * write is checked, the first failure is kept). The sanitizing encoders of
 * sanitize.c write into sinks; writer.c owns struct out_writer and dispatches
 * to one set of out_<fmt>_* functions per format:
 *
 * - fmt_json.c, fmt_csv.c: stateless, one line per call;
 * - fmt_text.c: buffers rendered rows; fmt_text_print.c prints them grouped per
 *   target at finish;
 * - fmt_summary.c: prints listings and DNSBL errors as they come, keeps only
 *   counters per list and check and per record-check finding (with a few
 *   example targets); fmt_summary_print.c prints the findings and the table at
 *   finish;
 * - facts.c: the key facts of a record check in one line, for text;
 * - wrap.c: word wrapping for text and the summary's findings.
 */
#ifndef OUTPUT_FMT_H
#define OUTPUT_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "output/writers/writer.h"
#include "scanner/core/result.h"

/** Lines printed per (list or check, error reason) by the summary before it only counts. */
#define OUT_ERROR_LINES 10

/** Where bytes go: a borrowed FILE or an owned memory buffer. */
struct out_sink {
    FILE *f;    /**< borrowed; NULL for a memory sink */
    char *mem;  /**< memory sink: owned, NUL-terminated whenever non-NULL */
    size_t len; /**< memory sink: bytes in mem (not counting the NUL) */
    size_t cap;
    int err; /**< first failure (-EIO, -ENOMEM); every later write is a no-op */
};

/** Writes to @p f (borrowed, never closed). */
void out_sink_init_file(struct out_sink *s, FILE *f);
/** Writes to memory; release with out_sink_deinit(). */
void out_sink_init_mem(struct out_sink *s);
/** Frees a memory sink's buffer; a file sink is left alone. */
void out_sink_deinit(struct out_sink *s);
/** Memory sink: empty it (keeping the buffer) and clear its error. */
void out_sink_clear(struct out_sink *s);
/** @return the memory sink's text, borrowed until the next write; "" when empty. */
const char *out_sink_str(const struct out_sink *s);
/**
 * Hand over a memory sink's text and empty the sink.
 * @return the text (caller frees with free()), or NULL when the sink failed (its
 *         error stays set) or on ENOMEM.
 */
char *out_sink_take(struct out_sink *s);

void out_sink_write(struct out_sink *s, const char *p, size_t n);
void out_sink_puts(struct out_sink *s, const char *p);
void out_sink_printf(struct out_sink *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** out_sink_printf() with a va_list (the caller va_end()s it). */
void out_sink_vprintf(struct out_sink *s, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/** Write @p n spaces. */
void out_sink_pad(struct out_sink *s, size_t n);

/** How a composed line writes an untrusted string: raw (out_sink_write) or sanitized. */
typedef void out_put_fn(struct out_sink *s, const char *p, size_t n);

/** Terminal-safe text (the rules of out_sanitize_text(), without the length cap). */
void out_sink_text(struct out_sink *s, const char *p, size_t n);
/** HTML text or a quoted attribute value (the rules of out_html_text()). */
void out_sink_html(struct out_sink *s, const char *p, size_t n);
/** A JSON string literal, quotes included. */
void out_sink_json(struct out_sink *s, const char *p, size_t n);
/** A JSON string literal, or null when @p str is NULL. */
void out_sink_json_cstr(struct out_sink *s, const char *str);
/** One CSV field (RFC 4180 quoting, formula prefix). */
void out_sink_csv(struct out_sink *s, const char *p, size_t n);

/** @return a sanitized copy of @p str (NULL reads as ""); caller frees with free();
 *  NULL on ENOMEM. */
char *out_text_dup(const char *str);

/** @return the number of terminal columns of sanitized UTF-8 (one per code point). */
size_t out_text_width(const char *s);

/** The writer behind the opaque handle of writer.h. */
struct out_writer {
    struct out_sink out;     /**< the caller's FILE */
    struct out_sink scratch; /**< memory, reused to compose one field at a time */
    enum out_format fmt;
    unsigned flags;
    bool csv_header_done;
    bool finished;
    struct out_text *text;   /**< OUT_FMT_TEXT state */
    struct out_summary *sum; /**< OUT_FMT_SUMMARY state */
};

/* Shared renderers (writer.c). */

/** @return NULL for a healthy list; else its reason, "unhealthy" when none was given. */
const char *out_health_reason(const struct scan_health *h);
/** @return the key a list is counted and ordered under: its id, else its zone, else "". */
const char *out_list_key(const char *list_id, const char *list);
/** Write @p str (already sanitized) to the writer's file, in colour @p color (an SGR
 *  parameter, or NULL) when the writer has OUT_COLOR. */
void out_colored(struct out_writer *w, const char *color, const char *str);
/** @return whether @p r is a DNSBL result (kind SCAN_CHECK_DNSBL). */
bool out_is_dnsbl(const struct scan_result *r);
/** @return what @p r is counted and ordered under: out_list_key() for a DNSBL
 *  result, else its check name (never NULL). */
const char *out_result_key(const struct scan_result *r);
/** @return how @p r's list or check is shown: the zone (else the list id) for a
 *  DNSBL result, else the check name (never NULL; not sanitized). */
const char *out_result_label(const struct scan_result *r);
/** @return the ANSI SGR parameter for @p r's outcome ("31" red, ...); never NULL. */
const char *out_status_color(const struct scan_result *r);
/** @return how a listing's scope reads to a person: NULL for "ip" and NULL (the address
 *  itself), "range: the listing covers the neighbourhood, not necessarily this
 *  address" and the like for the wider ones. */
const char *out_scope_phrase(const char *scope);
/** Write "code meaning; code meaning" through @p put. */
void out_codes_meanings(struct out_sink *s, const struct scan_result *r, out_put_fn *put);
/** Write fields as "name=value<sep>name=[a, b]<sep>name=[{k=v, k=v}]" through @p put. */
void out_fields_compact(struct out_sink *s, const struct scan_fields *fs, const char *sep,
                        out_put_fn *put);
/** How out_fields_write() writes a field list: the one walk over names, numbers,
 *  booleans, lists and lists of objects, for JSON and for the compact text alike. */
struct out_field_style {
    /** a string value or a name (NULL: JSON null, text nothing), through @p put */
    void (*text)(struct out_sink *s, const char *str, out_put_fn *put);
    out_put_fn *put;   /**< passed to text */
    const char *kv;    /**< between a name and its value: ":" or "=" */
    const char *sep;   /**< between the members of the list written */
    const char *inner; /**< between list items, and between members inside {} */
};
/** Write @p fs's members in style @p st; @p lead: a separator before the first too. */
void out_fields_write(struct out_sink *s, const struct scan_fields *fs,
                      const struct out_field_style *st, bool lead);
/** Write the strings of @p v joined by @p sep through @p put (NULL entries are empty). */
void out_join_strv(struct out_sink *s, const char *const *v, size_t n, const char *sep,
                   out_put_fn *put);
/**
 * Room for element @p n of an array of @p cap elements of @p size bytes (doubling).
 * @return the array, moved or not, with *cap updated; NULL on ENOMEM (@p arr untouched).
 */
void *out_grow(void *arr, size_t *cap, size_t n, size_t size);
/** out_sink_write/out_sink_text on a C string; NULL writes nothing. */
void out_put_cstr(struct out_sink *s, const char *str, out_put_fn *put);

/** @return the extra field @p name of @p r, or NULL (borrowed from @p r). */
const struct scan_field *out_field(const struct scan_result *r, const char *name);
/** Write the key facts of a record check @p r in one line (facts.c): reason, what a
 *  reader acts on, the first problem; values through @p put. Nothing for DNSBL. */
void out_check_facts(struct out_sink *s, const struct scan_result *r, out_put_fn *put);

/** Columns text output fits in; longer lines wrap on word boundaries (wrap.c). */
#define OUT_TEXT_WIDTH 100

/** Joins a label to its value ("delist:" and the URL) so a line never breaks
 *  between them; written as a space. Sanitized text never holds it (a control). */
#define OUT_NBSP     '\x01'
#define OUT_NBSP_STR "\x01"

/** Write @p text (sanitized) from column @p col, wrapped on spaces so no line passes
 *  OUT_TEXT_WIDTH, continuation lines from column @p indent; then a newline (wrap.c).
 *  OUT_NBSP is written as a space the line never breaks at. */
void out_wrap(struct out_sink *s, const char *text, size_t col, size_t indent);

/** Write @p r as one JSON object (the JSON Lines form, without the newline). */
void out_json_result(struct out_sink *s, const struct scan_result *r);

/* Per-format entry points: each returns 0, -EIO or -ENOMEM. */

int out_json_health(struct out_writer *w, const struct scan_health *h);
int out_json_emit(struct out_writer *w, const struct scan_result *r);

int out_csv_health(struct out_writer *w, const struct scan_health *h);
int out_csv_emit(struct out_writer *w, const struct scan_result *r);
int out_csv_finish(struct out_writer *w);

struct out_text;
int out_text_new(struct out_text **out);
void out_text_free(struct out_text *t);
int out_text_health(struct out_writer *w, const struct scan_health *h);
int out_text_emit(struct out_writer *w, const struct scan_result *r);
int out_text_finish(struct out_writer *w);

/** Listings the summary groups by network at most (the rest are only counted). */
#define OUT_NET_MAX_LISTINGS 100000

/* The summary's listings by /24 and by AS (fmt_networks.c): fed every result,
 * printed at the end. Each returns 0 or -ENOMEM (print: also -EIO). */
struct out_networks;
int out_networks_new(struct out_networks **out);
void out_networks_free(struct out_networks *n);
int out_networks_result(struct out_networks *n, const struct scan_result *r);
int out_networks_print(struct out_networks *n, struct out_sink *s);

struct out_summary;
int out_summary_new(struct out_summary **out);
void out_summary_free(struct out_summary *s);
int out_summary_health(struct out_writer *w, const struct scan_health *h);
int out_summary_emit(struct out_writer *w, const struct scan_result *r);
int out_summary_finish(struct out_writer *w, const struct out_stats *st);

#endif
