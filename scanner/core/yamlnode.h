/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Typed reads of a loaded YAML document (scanner/core/yamlload.h), shared by
 * every YAML file the program reads: the catalog, the job file and the DKIM
 * selector data. Every failure is one line `FILE:LINE:COLUMN: what` in a
 * struct scan_diag, at the node it is about.
 *
 * The catalog (read by list maintainers) and the job file (read by operators)
 * were written with their own words and a few rules of their own: a key of the
 * wrong type is "a map" to one and "a mapping" to the other; the job file takes
 * `on` as a boolean but only unquoted, the catalog takes a quoted "true" but not
 * `on`. Those differences are data, not code: each kind of file names its
 * struct scan_yaml_dialect, and the functions below read it. The mechanism
 * (what is a null, a NUL byte, a word of a set, a known key, a duplicate) is
 * written once, here.
 *
 * Usage:
 * @code
 *   static const struct scan_yaml_dialect words = {...};   // once per kind of file
 *   struct scan_yaml y = {.doc = &doc, .name = path, .diag = diag, .say = &words};
 *   static const char *const names[] = {"id", "zone"};
 *   yaml_node_t *keys[2], *vals[2];
 *   ret = scan_yaml_walk(&y, root, &(struct scan_yaml_keys){names, 2, "an entry"},
 *                        keys, vals, NULL, NULL);            // unknown or repeated key: fails
 *   if (ret == 0 && vals[1])
 *       ret = scan_yaml_text(&y, vals[1], "zone", true, &zone);
 * @endcode
 */
#ifndef SCANNER_CORE_YAMLNODE_H
#define SCANNER_CORE_YAMLNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "scanner/core/err.h"

/**
 * How one kind of file speaks to its reader. Plain struct: each loader defines one,
 * static const. Every message is a printf format whose arguments are named beside it;
 * each is written after "FILE:LINE:COLUMN: ".
 */
struct scan_yaml_dialect {
    /** A scalar, a sequence, a mapping, in the reader's words ("a map", "a mapping"). */
    const char *kind[3];
    /** The code of a value of the wrong type or form (SCAN_EPARSE or SCAN_ECONFIG). */
    int code;
    /** Quote values from the file message-safe (scan_yaml_shown()); false: as written. */
    bool show;
    /** A string: key, kind. "'%s' must be a string, not %s" */
    const char *not_scalar;
    /** NULL: a null (unquoted "", "~" or "null") reads as ""; else a null is refused
     *  with @ref not_scalar and this word as its kind ("empty"). */
    const char *null_kind;
    /** key. "'%s' holds a NUL byte" */
    const char *nul;
    /** key. "'%s' contains a control character"; NULL: control characters are taken. */
    const char *control;
    /** key. "'%s' must not be empty" */
    const char *empty;
    /** A word of a set: what, the value, the words ("a, b or c").
     *  "unknown %s '%s' (expected %s)" */
    const char *bad_word;
    /** An empty word is refused with @ref empty (else it is a bad word like any other). */
    bool word_nonempty;
    /** Booleans are unquoted only and take on/off as well as true/yes and false/no
     *  (YAML 1.1's words); false: any quoting, true/yes and false/no, after the checks
     *  of a string. */
    bool plain_bool;
    /** Not a boolean: key, then the value (@ref plain_bool false) or what was found
     *  ("a string", or the kind). "'%s' must be true or false, not %s" */
    const char *bad_bool;
    /** What a mapping key must be, after "a key in WHERE must be ": "a plain word". */
    const char *key_word;
};

/** One document being read. Plain struct: the loader fills it; everything is borrowed. */
struct scan_yaml {
    yaml_document_t *doc;
    const char *name;                    /**< the file name in messages */
    struct scan_diag *diag;              /**< where a failure is written; may be NULL */
    const struct scan_yaml_dialect *say; /**< the words: needed by scan_yaml_kind() and
                                              the reads (text, word, bool, real, number,
                                              walk); may be NULL for the rest */
};

/** The keys a mapping may hold (scan_yaml_walk()). Plain struct. */
struct scan_yaml_keys {
    const char *const *names; /**< each key once */
    size_t n;
    const char *where; /**< the mapping in messages: "a list entry", "the job file" */
    const char *hint;  /**< an unknown key says "(expected HINT)"; NULL: nothing */
    bool all;          /**< instead of @ref hint: "(expected one of: NAME, NAME, ...)" */
};

/**
 * Write "NAME:LINE:COLUMN: message" (1-based) to @p d (may be NULL).
 * @return @p code, so that `return scan_yaml_fail_at(...)` reads as one step.
 */
int scan_yaml_fail_at(struct scan_diag *d, const char *name, size_t line, size_t col, int code,
                      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/** As scan_yaml_fail_at(), at the start of node @p at (NULL: line 1, column 1). */
int scan_yaml_fail(const struct scan_yaml *y, const yaml_node_t *at, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** @return the kind of @p n in the dialect's words; "nothing" for an empty node. Static. */
const char *scan_yaml_kind(const struct scan_yaml *y, const yaml_node_t *n);

/** @return the text of a scalar (borrowed from the document), or NULL when @p n is
 *  NULL or not a scalar. The text ends at its first NUL; its length is the node's. */
const char *scan_yaml_scalar(const yaml_node_t *n);

/** @return whether @p n is an unquoted scalar (YAML's plain style). */
bool scan_yaml_is_plain(const yaml_node_t *n);

/** @return whether @p n is YAML's null: an unquoted "", "~" or "null" (any case). */
bool scan_yaml_is_null(const yaml_node_t *n);

/** @return the items of a sequence or the pairs of a mapping; 0 for a scalar. */
size_t scan_yaml_count(const yaml_node_t *n);

/**
 * Item @p i (< scan_yaml_count()) of sequence @p seq.
 * @param[out] out  borrowed from the document
 * @return 0, or SCAN_EPARSE ("malformed YAML: dangling node") when the document names a
 *         node it does not hold.
 */
int scan_yaml_item(const struct scan_yaml *y, const yaml_node_t *seq, size_t i, yaml_node_t **out);

/**
 * Make a value from the file safe to quote in a message: at most 60 bytes, control bytes
 * (C0 and C1) as '?', never cut inside a UTF-8 character (scanner/core/text.h).
 * @param[out] buf  at least SCAN_YAML_SHOWN bytes
 * @return @p buf.
 */
const char *scan_yaml_shown(const char *s, char *buf, size_t len);
#define SCAN_YAML_SHOWN 64

/**
 * Join @p words as "a, b or c" (@p last " or ") or "a, b, c" (@p last ", ") into @p buf,
 * cut to fit.
 * @return @p buf.
 */
const char *scan_yaml_join(char *buf, size_t len, const char *const *words, size_t n,
                           const char *last);

/**
 * The text of a scalar, checked: it must be a scalar, hold no NUL byte (nor a control
 * character, if the dialect says so), and with @p nonempty not be empty. A null is ""
 * or refused, as the dialect says.
 * @param[in]  key  the name of the value in messages
 * @param[out] out  borrowed from the document; NULL on failure
 * @return 0 or the dialect's code.
 */
int scan_yaml_text(const struct scan_yaml *y, const yaml_node_t *n, const char *key, bool nonempty,
                   const char **out);

/**
 * One of @p nwords @p words, compared exactly.
 * @param[in]  what  the name of the value in messages ("format", "kinds value")
 * @param[out] out   the index of the word
 * @return 0, the dialect's code (not a string), SCAN_ECONFIG (not one of the words: the
 *         message lists them).
 */
int scan_yaml_word(const struct scan_yaml *y, const yaml_node_t *n, const char *what,
                   const char *const *words, size_t nwords, int *out);

/** A boolean in the dialect's spelling. @return 0 or the dialect's code. */
int scan_yaml_bool(const struct scan_yaml *y, const yaml_node_t *n, const char *key, bool *out);

/**
 * A number: an unquoted scalar that is all of one finite strtod() number (no leading
 * space). Message: "'KEY' must be a number, not a string" (or not KIND).
 * @return 0 or the dialect's code.
 */
int scan_yaml_real(const struct scan_yaml *y, const yaml_node_t *n, const char *key, double *out);

/**
 * A number from @p lo to @p hi, a whole one with @p whole ("'KEY' must be a whole
 * number", "'KEY' must be from LO to HI").
 * @return 0, the dialect's code (not a number, not whole), SCAN_ECONFIG (out of range).
 */
int scan_yaml_number(const struct scan_yaml *y, const yaml_node_t *n, const char *key, double lo,
                     double hi, bool whole, double *out);

/** What scan_yaml_walk() calls for each key: @p i is its index in the names.
 *  @return 0 to go on, else the code scan_yaml_walk() returns. */
typedef int (*scan_yaml_each_fn)(void *arg, size_t i, yaml_node_t *key, yaml_node_t *value);

/**
 * Walk mapping @p map in the order written. Each key must be a scalar, one of
 * @p spec's names, and appear once; it is kept in @p keys (its value in @p vals) at the
 * index of its name, and passed to @p each (may be NULL) before the next key is read.
 * With @p each NULL the walk collects the mapping, so that the caller can read the
 * values in an order of its own.
 * @param[out] keys, vals  @p spec->n each; NULL where a key is absent (borrowed)
 * @return 0, the dialect's code (a key that is not a scalar, unknown or repeated),
 *         SCAN_EPARSE (dangling node), or what @p each returned.
 */
int scan_yaml_walk(const struct scan_yaml *y, const yaml_node_t *map,
                   const struct scan_yaml_keys *spec, yaml_node_t **keys, yaml_node_t **vals,
                   scan_yaml_each_fn each, void *arg);

#endif
