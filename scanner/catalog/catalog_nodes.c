/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The loader's tools: messages that name FILE:LINE:COLUMN, typed reads of
 * YAML nodes (libyaml's document API) and the syntax checks of names, ids,
 * addresses and dates.
 */
#include "scanner/catalog/catalog_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/core/text.h"

/* ------------------------------------------------------------------------ */
/* Messages                                                                 */

/* A message-safe copy of text from the file (scanner/core/text.h): at most 60
 * bytes, control bytes (C0 and C1) as '?', never cut inside a UTF-8 character,
 * as target lines are shown; @p buf holds SCAN_TEXT_ROOM(60). */
const char *list_shown(const char *s, char *buf, size_t len)
{
    SCAN_REQUIRE(len >= SCAN_TEXT_ROOM(60));
    scan_text_escape(buf, 60, s, strlen(s), SCAN_TEXT_C1 | SCAN_TEXT_WHOLE_CHARS);
    return buf;
}

__attribute__((format(printf, 5, 0))) static int failv(struct loader *ld, int ret, size_t line,
                                                       size_t col, const char *fmt, va_list ap)
{
    if (!ld->err)
        return ret;
    int k = snprintf(ld->err->msg, sizeof(ld->err->msg), "%s:%zu:%zu: ", ld->name, line, col);
    if (k >= 0 && (size_t)k < sizeof(ld->err->msg))
        vsnprintf(ld->err->msg + k, sizeof(ld->err->msg) - (size_t)k, fmt, ap);
    return ret;
}

/* Record "FILE:LINE:COLUMN: message" at a libyaml mark (0-based) and return @p ret. */
__attribute__((format(printf, 4, 5))) int list_fail(struct loader *ld, int ret, yaml_mark_t m,
                                                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(ld, ret, m.line + 1, m.column + 1, fmt, ap);
    va_end(ap);
    return ret;
}

__attribute__((format(printf, 5, 6))) int list_fail_lc(struct loader *ld, int ret, size_t line,
                                                       size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(ld, ret, line, col, fmt, ap);
    va_end(ap);
    return ret;
}

void list_errno_msg(struct list_error *err, const char *path, int ret)
{
    if (err)
        snprintf(err->msg, sizeof(err->msg), "%s: %s", path, scan_strerror(ret));
}

/* ------------------------------------------------------------------------ */
/* Nodes                                                                    */

yaml_node_t *list_node_at(struct loader *ld, int i)
{
    return yaml_document_get_node(&ld->doc, i);
}

static const char *node_kind(const yaml_node_t *n)
{
    return n->type == YAML_MAPPING_NODE ? "a map" : "a list";
}

/*
 * The text of a scalar, checked: a value shown to users or put in a DNS name
 * must not hide a NUL or a terminal escape. An empty or null plain scalar
 * ("", "~", "null") reads as "".
 */
static int scalar(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    *out = NULL;
    if (n->type != YAML_SCALAR_NODE)
        return list_fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' must be a single value, not %s",
                         key, node_kind(n));
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return list_fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' contains a NUL character", key);
        if (c < 0x20 || c == 0x7f)
            return list_fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' contains a control character",
                             key);
    }
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (len == 0 || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0))
        s = "";
    *out = s;
    return 0;
}

/* A scalar that must not be empty. */
int list_nonempty(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    int ret = scalar(ld, n, key, out);
    if (ret < 0)
        return ret;
    if (**out == '\0')
        return list_fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' is empty", key);
    return 0;
}

/* Copy a checked scalar into the catalog. */
int list_text(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    const char *s;
    int ret = list_nonempty(ld, n, key, &s);
    if (ret < 0)
        return ret;
    *out = list_cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

/* One of a fixed set of words; @p expected lists them for the message. */
int list_word(struct loader *ld, yaml_node_t *n, const char *what, const char *const *words,
              size_t nwords, const char *expected, int *out)
{
    const char *s;
    char q[64];
    int ret = scalar(ld, n, what, &s);
    if (ret < 0)
        return ret;
    for (size_t i = 0; i < nwords; i++) {
        if (strcmp(s, words[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    return list_fail(ld, SCAN_ECONFIG, n->start_mark, "bad %s '%s' (expected %s)", what,
                     list_shown(s, q, sizeof(q)), expected);
}

int list_boolean(struct loader *ld, yaml_node_t *n, const char *key, bool *out)
{
    const char *s;
    char q[64];
    int ret = scalar(ld, n, key, &s);
    if (ret < 0)
        return ret;
    if (strcasecmp(s, "true") == 0 || strcasecmp(s, "yes") == 0) {
        *out = true;
        return 0;
    }
    if (strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0) {
        *out = false;
        return 0;
    }
    return list_fail(ld, SCAN_ECONFIG, n->start_mark, "bad %s '%s' (expected true or false)", key,
                     list_shown(s, q, sizeof(q)));
}

/*
 * Pass one over a map: each key must be one of @p names and appear once. The
 * value nodes land in @p vals (key nodes in @p keys) so that pass two can read
 * the fields in a fixed order whatever order the file uses (kinds before test
 * points, zone before the key checks).
 */
int list_collect(struct loader *ld, yaml_node_t *map, const char *const *names, size_t nnames,
                 const char *where, const char *hint, yaml_node_t **keys, yaml_node_t **vals)
{
    char q[64];
    for (size_t i = 0; i < nnames; i++)
        keys[i] = vals[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = list_node_at(ld, p->key);
        yaml_node_t *v = list_node_at(ld, p->value);
        if (!k || !v)
            return list_fail(ld, SCAN_EPARSE, map->start_mark, "malformed YAML: dangling node");
        if (k->type != YAML_SCALAR_NODE)
            return list_fail(ld, SCAN_ECONFIG, k->start_mark, "a key in %s must be a word, not %s",
                             where, node_kind(k));
        const char *name = (const char *)k->data.scalar.value;
        size_t i = 0;
        while (i < nnames && strcmp(name, names[i]) != 0)
            i++;
        if (i == nnames)
            return list_fail(ld, SCAN_ECONFIG, k->start_mark, "unknown key '%s' in %s%s%s%s",
                             list_shown(name, q, sizeof(q)), where, hint ? " (expected " : "",
                             hint ? hint : "", hint ? ")" : "");
        if (keys[i])
            return list_fail(ld, SCAN_ECONFIG, k->start_mark,
                             "duplicate key '%s' (first at line %zu)", names[i],
                             keys[i]->start_mark.line + 1);
        keys[i] = k;
        vals[i] = v;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Syntax checks                                                            */

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool list_is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

bool list_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 63 || !is_lower_alnum(s[0]))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!is_lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/*
 * A domain name as a zone or a test point: labels of letters, digits, '-' and
 * '_' (SEM's test point is _DNSBL_.test), 1..63 each, 253 in all, no leading,
 * trailing or double dot. With @p allow_key, one label may be exactly "{key}".
 * @return NULL when fine, else what is wrong.
 */
const char *list_name_problem(const char *s, bool allow_key, bool *has_key)
{
    size_t n = strlen(s), label = 0;
    *has_key = false;
    if (n == 0)
        return "it is empty";
    if (n > 253)
        return "it is over 253 characters";
    for (size_t i = 0; i <= n; i++) {
        if (s[i] == '.' || s[i] == '\0') {
            if (label == 0)
                return "it has an empty label (a leading, trailing or double dot)";
            label = 0;
            continue;
        }
        if (s[i] == '{') {
            if (!allow_key)
                return "it has a '{'";
            if (strncmp(s + i, "{key}", 5) != 0 || label != 0 ||
                (s[i + 5] != '.' && s[i + 5] != '\0'))
                return "{key} must be a whole label";
            if (*has_key)
                return "it has {key} twice";
            *has_key = true;
            i += 4;
            label = 5;
            continue;
        }
        if (!list_is_label_char(s[i]))
            return "it has a character other than letters, digits, '-', '_' and '.'";
        if (++label > 63)
            return "it has a label over 63 characters";
    }
    return NULL;
}

bool list_env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!list_is_label_char(*s) || *s == '-')
            return false;
    return true;
}

int list_ip4_parse(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return -EINVAL;
    *out = ntohl(a.s_addr);
    return 0;
}

bool list_all_digits(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool leap(unsigned y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* YYYY-MM-DD, or YYYY-MM / YYYY when a source gives no day (ISO 8601 reduced precision). */
bool list_date_ok(const char *s)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return false;
    }
    unsigned y = (unsigned)atoi(s);
    if (y < 1970)
        return false;
    if (n == 4)
        return true;
    unsigned m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
    if (m < 1 || m > 12)
        return false;
    if (n == 7)
        return true;
    unsigned d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
    if (d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap(y)))
        return false;
    return true;
}
