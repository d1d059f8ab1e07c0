/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Typed reads of YAML nodes (see yamlnode.h): one mechanism, the words and the
 * few rules that differ between kinds of file taken from a dialect.
 */
#include "scanner/core/yamlnode.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/text.h"

_Static_assert(SCAN_YAML_SHOWN == SCAN_TEXT_ROOM(60), "room for a shown value");

__attribute__((format(printf, 6, 0))) static int vfail_at(struct scan_diag *d, const char *name,
                                                          size_t line, size_t col, int code,
                                                          const char *fmt, va_list ap)
{
    int k;

    if (!d)
        return code;
    k = snprintf(d->msg, sizeof(d->msg), "%s:%zu:%zu: ", name, line, col);
    if (k >= 0 && (size_t)k < sizeof(d->msg))
        vsnprintf(d->msg + k, sizeof(d->msg) - (size_t)k, fmt, ap);
    return code;
}

int scan_yaml_fail_at(struct scan_diag *d, const char *name, size_t line, size_t col, int code,
                      const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail_at(d, name, line, col, code, fmt, ap);
    va_end(ap);
    return code;
}

int scan_yaml_fail(const struct scan_yaml *y, const yaml_node_t *at, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail_at(y->diag, y->name, at ? at->start_mark.line + 1 : 1, at ? at->start_mark.column + 1 : 1,
             code, fmt, ap);
    va_end(ap);
    return code;
}

const char *scan_yaml_kind(const struct scan_yaml *y, const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return y->say->kind[0];
    case YAML_SEQUENCE_NODE:
        return y->say->kind[1];
    case YAML_MAPPING_NODE:
        return y->say->kind[2];
    default:
        return "nothing";
    }
}

const char *scan_yaml_scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool scan_yaml_is_plain(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

bool scan_yaml_is_null(const yaml_node_t *n)
{
    const char *s = scan_yaml_scalar(n);

    return scan_yaml_is_plain(n) && (!*s || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0);
}

size_t scan_yaml_count(const yaml_node_t *n)
{
    if (n->type == YAML_SEQUENCE_NODE)
        return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    if (n->type == YAML_MAPPING_NODE)
        return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    return 0;
}

int scan_yaml_item(const struct scan_yaml *y, const yaml_node_t *seq, size_t i, yaml_node_t **out)
{
    *out = yaml_document_get_node(y->doc, seq->data.sequence.items.start[i]);
    if (!*out)
        return scan_yaml_fail(y, seq, SCAN_EPARSE, "malformed YAML: dangling node");
    return 0;
}

const char *scan_yaml_shown(const char *s, char *buf, size_t len)
{
    SCAN_REQUIRE(len >= SCAN_YAML_SHOWN);
    scan_text_escape(buf, 60, s, strlen(s), SCAN_TEXT_C1 | SCAN_TEXT_WHOLE_CHARS);
    return buf;
}

/* A value quoted in a message, as the dialect shows values. */
static const char *quoted(const struct scan_yaml *y, const char *s, char *buf, size_t len)
{
    return y->say->show ? scan_yaml_shown(s, buf, len) : s;
}

const char *scan_yaml_join(char *buf, size_t len, const char *const *words, size_t n,
                           const char *last)
{
    size_t o = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++) {
        int k = snprintf(buf + o, len - o, "%s%s",
                         i == 0       ? ""
                         : i + 1 == n ? last
                                      : ", ",
                         words[i]);
        if (k < 0)
            break;
        o += (size_t)k;
    }
    return buf;
}

/*
 * The checks every string gets. The NUL and control-character test is one scan in
 * which the first bad byte decides the message; a null never holds either, so
 * testing it first or last gives the same answer.
 */
int scan_yaml_text(const struct scan_yaml *y, const yaml_node_t *n, const char *key, bool nonempty,
                   const char **out)
{
    const struct scan_yaml_dialect *say = y->say;
    const char *s = scan_yaml_scalar(n);

    *out = NULL;
    if (!s)
        return scan_yaml_fail(y, n, say->code, say->not_scalar, key, scan_yaml_kind(y, n));
    if (say->null_kind && scan_yaml_is_null(n))
        return scan_yaml_fail(y, n, say->code, say->not_scalar, key, say->null_kind);
    for (size_t i = 0; i < n->data.scalar.length; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return scan_yaml_fail(y, n, say->code, say->nul, key);
        if (say->control && (c < 0x20 || c == 0x7f))
            return scan_yaml_fail(y, n, say->code, say->control, key);
    }
    if (scan_yaml_is_null(n))
        s = "";
    if (nonempty && !*s)
        return scan_yaml_fail(y, n, say->code, say->empty, key);
    *out = s;
    return 0;
}

int scan_yaml_word(const struct scan_yaml *y, const yaml_node_t *n, const char *what,
                   const char *const *words, size_t nwords, int *out)
{
    char expected[256], q[SCAN_YAML_SHOWN];
    const char *s;
    int ret = scan_yaml_text(y, n, what, y->say->word_nonempty, &s);

    if (ret != 0)
        return ret;
    for (size_t i = 0; i < nwords; i++) {
        if (strcmp(s, words[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return scan_yaml_fail(y, n, SCAN_ECONFIG, y->say->bad_word, what, quoted(y, s, q, sizeof(q)),
                          scan_yaml_join(expected, sizeof(expected), words, nwords, " or "));
}

/* The boolean @p s spells: 1, 0, or -1 for neither. YAML 1.1's on/off with @p on_off. */
static int bool_word(const char *s, bool on_off)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};

    for (size_t i = 0; i < (on_off ? 3u : 2u); i++) {
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    }
    return -1;
}

/* What a value of the wrong form was, for "must be ..., not %s". */
static const char *found(const struct scan_yaml *y, const yaml_node_t *n)
{
    return n->type == YAML_SCALAR_NODE ? "a string" : scan_yaml_kind(y, n);
}

int scan_yaml_bool(const struct scan_yaml *y, const yaml_node_t *n, const char *key, bool *out)
{
    char q[SCAN_YAML_SHOWN];
    const char *s;
    int b, ret;

    if (y->say->plain_bool) {
        b = scan_yaml_is_plain(n) ? bool_word(scan_yaml_scalar(n), true) : -1;
        if (b < 0)
            return scan_yaml_fail(y, n, y->say->code, y->say->bad_bool, key, found(y, n));
    } else {
        if ((ret = scan_yaml_text(y, n, key, false, &s)) != 0)
            return ret;
        if ((b = bool_word(s, false)) < 0)
            return scan_yaml_fail(y, n, y->say->code, y->say->bad_bool, key,
                                  quoted(y, s, q, sizeof(q)));
    }
    *out = b == 1;
    return 0;
}

int scan_yaml_real(const struct scan_yaml *y, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = scan_yaml_scalar(n);
    char *end;

    if (scan_yaml_is_plain(n) && *s && !isspace((unsigned char)*s)) {
        errno = 0;
        *out = strtod(s, &end);
        if (!*end && errno == 0 && isfinite(*out))
            return 0;
    }
    return scan_yaml_fail(y, n, y->say->code, "'%s' must be a number, not %s", key, found(y, n));
}

int scan_yaml_number(const struct scan_yaml *y, const yaml_node_t *n, const char *key, double lo,
                     double hi, bool whole, double *out)
{
    double v;
    int ret = scan_yaml_real(y, n, key, &v);

    if (ret != 0)
        return ret;
    if (whole && v != floor(v))
        return scan_yaml_fail(y, n, y->say->code, "'%s' must be a whole number", key);
    if (v < lo || v > hi)
        return scan_yaml_fail(y, n, SCAN_ECONFIG, "'%s' must be from %.15g to %.15g", key, lo, hi);
    *out = v;
    return 0;
}

/* "unknown key 'K' in WHERE", with what was expected when @p spec says. */
static int unknown_key(const struct scan_yaml *y, const yaml_node_t *k,
                       const struct scan_yaml_keys *spec)
{
    char names[512] = "one of: ", q[SCAN_YAML_SHOWN];
    const char *hint = spec->hint;

    if (spec->all) {
        size_t o = strlen(names);
        hint = names;
        scan_yaml_join(names + o, sizeof(names) - o, spec->names, spec->n, ", ");
    }
    return scan_yaml_fail(y, k, y->say->code, "unknown key '%s' in %s%s%s%s",
                          quoted(y, scan_yaml_scalar(k), q, sizeof(q)), spec->where,
                          hint ? " (expected " : "", hint ? hint : "", hint ? ")" : "");
}

int scan_yaml_walk(const struct scan_yaml *y, const yaml_node_t *map,
                   const struct scan_yaml_keys *spec, yaml_node_t **keys, yaml_node_t **vals,
                   scan_yaml_each_fn each, void *arg)
{
    for (size_t i = 0; i < spec->n; i++)
        keys[i] = vals[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(y->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(y->doc, p->value);
        size_t i = 0;
        int ret;

        if (!k || !v)
            return scan_yaml_fail(y, map, SCAN_EPARSE, "malformed YAML: dangling node");
        if (k->type != YAML_SCALAR_NODE)
            return scan_yaml_fail(y, k, y->say->code, "a key in %s must be %s, not %s", spec->where,
                                  y->say->key_word, scan_yaml_kind(y, k));
        while (i < spec->n && strcmp(scan_yaml_scalar(k), spec->names[i]) != 0)
            i++;
        if (i == spec->n)
            return unknown_key(y, k, spec);
        if (keys[i])
            return scan_yaml_fail(y, k, y->say->code, "duplicate key '%s' (first at line %zu)",
                                  spec->names[i], keys[i]->start_mark.line + 1);
        keys[i] = k;
        vals[i] = v;
        if (each && (ret = each(arg, i, k, v)) != 0)
            return ret;
    }
    return 0;
}
