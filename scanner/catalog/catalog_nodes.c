/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The loader's tools: the catalog's memory (its arena), the catalog's words for
 * the shared YAML node reads (scanner/core/yamlnode.h), and the syntax checks of
 * names, ids, addresses and dates. It calls no other file of the room.
 */
#include "scanner/catalog/catalog_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

/* ------------------------------------------------------------------------ */
/* Arena                                                                    */

/* Zeroed memory that lives as long as the catalog. No request near the bound
 * comes from a valid file; a hostile one gets ENOMEM before any malloc. */
void *list_cat_alloc(struct list_catalog *c, size_t size)
{
    if (size > CAT_MAX_FILE * 4u)
        return NULL;
    return scan_arena_calloc(&c->arena, 1, size);
}

char *list_cat_strdup(struct list_catalog *c, const char *s)
{
    return scan_arena_strdup(&c->arena, s);
}

/* ------------------------------------------------------------------------ */
/* Messages and nodes                                                       */

/*
 * The catalog's words for scanner/core/yamlnode.h. A catalog is written by list
 * maintainers: a mapping is "a map", a scalar "a single value"; a value must not hide
 * a NUL or a terminal escape (it may end up in a DNS name or a message); an empty or
 * null scalar ("", "~", "null") reads as ""; a boolean is true/yes or false/no in any
 * quoting; values are quoted in messages as target lines are (scan_yaml_shown(): 60
 * bytes, controls as '?'); every mistake is SCAN_ECONFIG.
 */
const struct scan_yaml_dialect list_yaml_words = {
    .kind = {"a single value", "a list", "a map"},
    .code = SCAN_ECONFIG,
    .show = true,
    .not_scalar = "'%s' must be a single value, not %s",
    .null_kind = NULL,
    .nul = "'%s' contains a NUL character",
    .control = "'%s' contains a control character",
    .empty = "'%s' is empty",
    .bad_word = "bad %s '%s' (expected %s)",
    .word_nonempty = false,
    .plain_bool = false,
    .bad_bool = "bad %s '%s' (expected true or false)",
    .key_word = "a word",
};

void list_errno_msg(struct scan_diag *diag, const char *path, int ret)
{
    scan_diag_fail(diag, ret, "%s: %s", path, scan_strerror(ret));
}

/* Copy a checked, non-empty scalar into the catalog. */
int list_text(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    const char *s;
    int ret = scan_yaml_text(&ld->y, n, key, true, &s);
    if (ret < 0)
        return ret;
    *out = list_cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
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
