/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The catalog loader: YAML (libyaml's document API) turned into validated,
 * read-only struct list_entry records, plus the lookups that go with them:
 * find, the zone to query (with the key) and the delist URL.
 *
 * Everything a catalog hands out lives in one arena owned by the catalog and
 * released by list_catalog_free(); the entries array is the only other
 * allocation. A failed load frees the half-built catalog, so no error path
 * has to undo single fields.
 */
#include "scanner/catalog/catalog.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "scanner/core/yamlload.h"
#include "scanner/core/err.h"
#include "scanner/core/text.h"

/* Limits on untrusted input: a catalog is a few dozen lists; these are far above
 * any real one and keep a hostile file (aliases repeating one big node) cheap. */
#define CAT_MAX_FILE        LIST_YAML_MAX_BYTES
#define CAT_MAX_ENTRIES     4096
#define CAT_MAX_CODES       1024
#define CAT_MAX_TOTAL_CODES 65536
#define CAT_MAX_POINTS      64
#define CAT_CHUNK           16384

struct cat_chunk {
    struct cat_chunk *next;
    size_t used, cap;
    max_align_t data[];
};

struct list_catalog {
    struct list_entry *entries;
    size_t n, cap;
    size_t total_codes;
    struct cat_chunk *chunks;
};

/* ------------------------------------------------------------------------ */
/* Arena                                                                    */

/* Zeroed memory that lives as long as the catalog. */
static void *cat_alloc(struct list_catalog *c, size_t size)
{
    const size_t a = alignof(max_align_t);
    if (size > CAT_MAX_FILE * 4u)
        return NULL;
    size = (size + a - 1) / a * a;
    struct cat_chunk *ch = c->chunks;
    if (!ch || ch->cap - ch->used < size) {
        size_t cap = size > CAT_CHUNK ? size : CAT_CHUNK;
        ch = malloc(sizeof(*ch) + cap);
        if (!ch)
            return NULL;
        ch->next = c->chunks;
        ch->used = 0;
        ch->cap = cap;
        c->chunks = ch;
    }
    void *p = (char *)ch->data + ch->used;
    ch->used += size;
    memset(p, 0, size);
    return p;
}

static char *cat_strdup(struct list_catalog *c, const char *s)
{
    size_t n = strlen(s);
    char *d = cat_alloc(c, n + 1);
    if (d)
        memcpy(d, s, n + 1);
    return d;
}

void list_catalog_free(struct list_catalog *c)
{
    if (!c)
        return;
    struct cat_chunk *ch = c->chunks;
    while (ch) {
        struct cat_chunk *next = ch->next;
        free(ch);
        ch = next;
    }
    free(c->entries);
    free(c);
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                 */

/* One load: the document being read and where its messages go. */
struct loader {
    struct list_catalog *cat;
    struct list_error *err;
    const char *name; /* arena copy: also list_entry::file */
    yaml_document_t doc;
};

/* A message-safe copy of text from the file (scanner/core/text.h): at most 60
 * bytes, control bytes (C0 and C1) as '?', never cut inside a UTF-8 character,
 * as target lines are shown; @p buf holds SCAN_TEXT_ROOM(60). */
static const char *shown(const char *s, char *buf, size_t len)
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
__attribute__((format(printf, 4, 5))) static int fail(struct loader *ld, int ret, yaml_mark_t m,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(ld, ret, m.line + 1, m.column + 1, fmt, ap);
    va_end(ap);
    return ret;
}

__attribute__((format(printf, 5, 6))) static int fail_lc(struct loader *ld, int ret, size_t line,
                                                         size_t col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    failv(ld, ret, line, col, fmt, ap);
    va_end(ap);
    return ret;
}

static void errno_msg(struct list_error *err, const char *path, int ret)
{
    if (err)
        snprintf(err->msg, sizeof(err->msg), "%s: %s", path, scan_strerror(ret));
}

/* ------------------------------------------------------------------------ */
/* Nodes                                                                    */

static yaml_node_t *node_at(struct loader *ld, int i)
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
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' must be a single value, not %s", key,
                    node_kind(n));
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' contains a NUL character", key);
        if (c < 0x20 || c == 0x7f)
            return fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' contains a control character", key);
    }
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (len == 0 || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0))
        s = "";
    *out = s;
    return 0;
}

/* A scalar that must not be empty. */
static int nonempty(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    int ret = scalar(ld, n, key, out);
    if (ret < 0)
        return ret;
    if (**out == '\0')
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' is empty", key);
    return 0;
}

/* Copy a checked scalar into the catalog. */
static int text(struct loader *ld, yaml_node_t *n, const char *key, const char **out)
{
    const char *s;
    int ret = nonempty(ld, n, key, &s);
    if (ret < 0)
        return ret;
    *out = cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

/* One of a fixed set of words; @p expected lists them for the message. */
static int word(struct loader *ld, yaml_node_t *n, const char *what, const char *const *words,
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
    return fail(ld, SCAN_ECONFIG, n->start_mark, "bad %s '%s' (expected %s)", what,
                shown(s, q, sizeof(q)), expected);
}

static int boolean(struct loader *ld, yaml_node_t *n, const char *key, bool *out)
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
    return fail(ld, SCAN_ECONFIG, n->start_mark, "bad %s '%s' (expected true or false)", key,
                shown(s, q, sizeof(q)));
}

/*
 * Pass one over a map: each key must be one of @p names and appear once. The
 * value nodes land in @p vals (key nodes in @p keys) so that pass two can read
 * the fields in a fixed order whatever order the file uses (kinds before test
 * points, zone before the key checks).
 */
static int collect(struct loader *ld, yaml_node_t *map, const char *const *names, size_t nnames,
                   const char *where, const char *hint, yaml_node_t **keys, yaml_node_t **vals)
{
    char q[64];
    for (size_t i = 0; i < nnames; i++)
        keys[i] = vals[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = node_at(ld, p->key);
        yaml_node_t *v = node_at(ld, p->value);
        if (!k || !v)
            return fail(ld, SCAN_EPARSE, map->start_mark, "malformed YAML: dangling node");
        if (k->type != YAML_SCALAR_NODE)
            return fail(ld, SCAN_ECONFIG, k->start_mark, "a key in %s must be a word, not %s",
                        where, node_kind(k));
        const char *name = (const char *)k->data.scalar.value;
        size_t i = 0;
        while (i < nnames && strcmp(name, names[i]) != 0)
            i++;
        if (i == nnames)
            return fail(ld, SCAN_ECONFIG, k->start_mark, "unknown key '%s' in %s%s%s%s",
                        shown(name, q, sizeof(q)), where, hint ? " (expected " : "",
                        hint ? hint : "", hint ? ")" : "");
        if (keys[i])
            return fail(ld, SCAN_ECONFIG, k->start_mark, "duplicate key '%s' (first at line %zu)",
                        names[i], keys[i]->start_mark.line + 1);
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

static bool is_label_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static bool id_ok(const char *s)
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
static const char *name_problem(const char *s, bool allow_key, bool *has_key)
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
        if (!is_label_char(s[i]))
            return "it has a character other than letters, digits, '-', '_' and '.'";
        if (++label > 63)
            return "it has a label over 63 characters";
    }
    return NULL;
}

static bool env_name_ok(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
        return false;
    for (; *s; s++)
        if (!is_label_char(*s) || *s == '-')
            return false;
    return true;
}

static int ip4_parse(const char *s, uint32_t *out)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1)
        return -EINVAL;
    *out = ntohl(a.s_addr);
    return 0;
}

static bool all_digits(const char *s, size_t max)
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
static bool date_ok(const char *s)
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

/* ------------------------------------------------------------------------ */
/* Code rows                                                                */

enum { C_CODE, C_NET, C_MASK, C_MEANING, C_CLASS, C_SCOPE, C_COUNT };
static const char *const code_keys[C_COUNT] = {"code", "net", "mask", "meaning", "class", "scope"};
static const char *const class_words[] = {"listing", "allow", "informational", "refusal"};
/* In enum list_scope order from LIST_SCOPE_IP. */
static const char *const scope_words[] = {"ip", "range", "asn"};

const char *list_scope_word(enum list_scope s)
{
    return s >= LIST_SCOPE_IP && s <= LIST_SCOPE_ASN ? scope_words[s - LIST_SCOPE_IP] : NULL;
}

/* A `scope:` value. @return 0 (@p out set) or a load error. */
static int load_scope(struct loader *ld, yaml_node_t *n, enum list_scope *out)
{
    int w = 0, ret = word(ld, n, "scope", scope_words, 3, "ip, range or asn", &w);
    if (ret < 0)
        return ret;
    *out = (enum list_scope)(LIST_SCOPE_IP + w);
    return 0;
}

static int code_value(struct loader *ld, yaml_node_t **vals, struct list_code *c)
{
    const char *s;
    char q[64];
    int ret;
    if (vals[C_CODE]) {
        if ((ret = nonempty(ld, vals[C_CODE], "code", &s)) < 0)
            return ret;
        if (ip4_parse(s, &c->value) < 0)
            return fail(ld, SCAN_ECONFIG, vals[C_CODE]->start_mark,
                        "bad code address '%s' (expected an IPv4 address such as 127.0.0.2)",
                        shown(s, q, sizeof(q)));
        c->prefix = 32;
        return 0;
    }
    if (vals[C_NET]) {
        char addr[16];
        if ((ret = nonempty(ld, vals[C_NET], "net", &s)) < 0)
            return ret;
        const char *slash = strchr(s, '/');
        if (!slash || (size_t)(slash - s) >= sizeof(addr) || !all_digits(slash + 1, 2) ||
            atoi(slash + 1) > 32)
            goto bad_net;
        memcpy(addr, s, (size_t)(slash - s));
        addr[slash - s] = '\0';
        if (ip4_parse(addr, &c->value) < 0)
            goto bad_net;
        c->prefix = (unsigned)atoi(slash + 1);
        uint32_t host = c->prefix == 0 ? 0xffffffffu : ~(0xffffffffu << (32 - c->prefix));
        if (c->prefix < 32 && (c->value & host) != 0)
            return fail(ld, SCAN_ECONFIG, vals[C_NET]->start_mark,
                        "net '%s' has host bits set after the prefix", shown(s, q, sizeof(q)));
        return 0;
    bad_net:
        return fail(ld, SCAN_ECONFIG, vals[C_NET]->start_mark,
                    "bad net '%s' (expected address/prefix such as 127.0.3.0/24)",
                    shown(s, q, sizeof(q)));
    }
    if ((ret = nonempty(ld, vals[C_MASK], "mask", &s)) < 0)
        return ret;
    if (!all_digits(s, 3) || atoi(s) < 1 || atoi(s) > 255)
        return fail(ld, SCAN_ECONFIG, vals[C_MASK]->start_mark,
                    "mask '%s' is out of range (expected 1..255)", shown(s, q, sizeof(q)));
    c->is_mask = true;
    c->value = (uint32_t)atoi(s);
    c->prefix = 0;
    return 0;
}

static int load_code(struct loader *ld, yaml_node_t *n, enum list_scope scope, struct list_code *c)
{
    yaml_node_t *keys[C_COUNT], *vals[C_COUNT];
    int ret, klass = LIST_CODE_LISTING;
    if (n->type != YAML_MAPPING_NODE)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "a code row must be a map such as {code: 127.0.0.2, meaning: ...}");
    if ((ret = collect(ld, n, code_keys, C_COUNT, "a code row",
                       "code, net, mask, meaning, class or scope", keys, vals)) < 0)
        return ret;
    if (!!vals[C_CODE] + !!vals[C_NET] + !!vals[C_MASK] != 1)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "a code row needs exactly one of code, net or mask");
    if ((ret = code_value(ld, vals, c)) < 0)
        return ret;
    if (!vals[C_MEANING])
        return fail(ld, SCAN_ECONFIG, n->start_mark, "a code row needs a meaning");
    if ((ret = text(ld, vals[C_MEANING], "meaning", &c->meaning)) < 0)
        return ret;
    if (vals[C_CLASS] && (ret = word(ld, vals[C_CLASS], "class", class_words, 4,
                                     "listing, allow, informational or refusal", &klass)) < 0)
        return ret;
    c->klass = (enum list_code_class)klass;
    c->scope = scope;
    if (vals[C_SCOPE] && (ret = load_scope(ld, vals[C_SCOPE], &c->scope)) < 0)
        return ret;
    return 0;
}

static int load_codes(struct loader *ld, yaml_node_t *n, struct list_entry *e)
{
    int ret;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'codes' must be a list of code rows");
    yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    if (count == 0)
        return 0;
    if (count > CAT_MAX_CODES || ld->cat->total_codes + count > CAT_MAX_TOTAL_CODES)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "too many code rows (the limit is %d a list)",
                    CAT_MAX_CODES);
    struct list_code *codes = cat_alloc(ld->cat, count * sizeof(*codes));
    if (!codes)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *row = node_at(ld, items[i]);
        if (!row)
            return fail(ld, SCAN_EPARSE, n->start_mark, "malformed YAML: dangling node");
        if ((ret = load_code(ld, row, e->scope, &codes[i])) < 0)
            return ret;
        for (size_t j = 0; j < i; j++) {
            if (codes[j].is_mask == codes[i].is_mask && codes[j].value == codes[i].value &&
                codes[j].prefix == codes[i].prefix)
                return fail(ld, SCAN_ECONFIG, row->start_mark,
                            "duplicate code row (same value as line %zu)",
                            node_at(ld, items[j])->start_mark.line + 1);
        }
    }
    ld->cat->total_codes += count;
    e->codes = codes;
    e->ncodes = count;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Test points                                                              */

static const char *const default_listed[3] = {"127.0.0.2", "::FFFF:7F00:2", "TEST"};
static const char *const default_unlisted[3] = {"127.0.0.1", "::FFFF:7F00:1", "INVALID"};
static const char *const kind_names[3] = {"ip4", "ip6", "domain"};
static const char *const kind_forms[3] = {"an IPv4 address", "an IPv6 address", "a domain"};

/*
 * Test points are gathered in a scratch list first, each with the place it was
 * written (defaults have none), so that the checks that need the whole kind --
 * a point given twice, a kind left without any point -- can name a line. Only
 * the final, checked points are copied into the catalog.
 */
struct tp_item {
    struct list_test_point tp;
    yaml_mark_t mark;
    bool is_default;
    uint8_t addr[16]; /* ip4 / ip6 points: the address, parsed once for comparing */
};

struct tp_list {
    struct tp_item *v;
    size_t n, cap;
};

static int tp_push(struct tp_list *l, const struct tp_item *it)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct tp_item *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    struct tp_item *d = &l->v[l->n++];
    *d = *it;
    memset(d->addr, 0, sizeof(d->addr));
    if (d->tp.kind == LIST_KIND_IP4)
        inet_pton(AF_INET, d->tp.point, d->addr);
    else if (d->tp.kind == LIST_KIND_IP6)
        inet_pton(AF_INET6, d->tp.point, d->addr);
    return 0;
}

static int tp_push_default(struct tp_list *l, int k, bool listed)
{
    struct tp_item it = {.tp = {.point = listed ? default_listed[k] : default_unlisted[k],
                                .kind = 1u << k,
                                .listed = listed},
                         .is_default = true};
    return tp_push(l, &it);
}

/* Which kind the flat form gives a point, from its form alone: 0 ip4, 1 ip6,
 * 2 domain, -1 none of them. */
static int point_kind(const char *s)
{
    struct in_addr a4;
    struct in6_addr a6;
    bool has_key;
    if (inet_pton(AF_INET, s, &a4) == 1)
        return 0;
    if (strchr(s, ':'))
        return inet_pton(AF_INET6, s, &a6) == 1 ? 1 : -1;
    if (name_problem(s, false, &has_key))
        return -1;
    /* A numeric last label is a mistyped address (127.0.0), not a domain. */
    const char *last = strrchr(s, '.');
    return all_digits(last ? last + 1 : s, 253) ? -1 : 2;
}

/* A point written under ip4:, ip6: or domain: must have that kind's form. A
 * domain point is any name, "2.0.0.127" included: it is queried as written. */
static int check_form(struct loader *ld, yaml_node_t *n, int k, const char *s)
{
    uint8_t a[16];
    bool has_key;
    char q[64];
    const char *why;
    switch (k) {
    case 0:
        if (inet_pton(AF_INET, s, a) != 1)
            return fail(ld, SCAN_ECONFIG, n->start_mark,
                        "bad ip4 test point '%s' (expected an IPv4 address such as 127.0.0.2)",
                        shown(s, q, sizeof(q)));
        return 0;
    case 1:
        if (inet_pton(AF_INET6, s, a) != 1)
            return fail(ld, SCAN_ECONFIG, n->start_mark,
                        "bad ip6 test point '%s' (expected an IPv6 address such as ::FFFF:7F00:2)",
                        shown(s, q, sizeof(q)));
        return 0;
    default:
        if ((why = name_problem(s, false, &has_key)))
            return fail(ld, SCAN_ECONFIG, n->start_mark, "bad domain test point '%s': %s",
                        shown(s, q, sizeof(q)), why);
        return 0;
    }
}

/* The flat form: the kind follows the form. An IPv4 address on a list without
 * ip4 is a domain point (the reversed "2.0.0.127" some domain lists document). */
static int flat_kind(struct loader *ld, yaml_node_t *n, unsigned kinds, const char *s, int *out)
{
    char q[64];
    int k = point_kind(s);
    if (k < 0)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "bad test point '%s' (expected an IPv4 or IPv6 address or a domain)",
                    shown(s, q, sizeof(q)));
    if (k == 0 && !(kinds & LIST_KIND_IP4) && (kinds & LIST_KIND_DOMAIN))
        k = 2;
    if (!(kinds & (1u << k)))
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "test point '%s' is %s, but the list's kinds have no %s",
                    shown(s, q, sizeof(q)), kind_forms[k], kind_names[k]);
    *out = k;
    return 0;
}

/*
 * One item of a listed / unlisted sequence: a point, or {point: P, code: C}
 * for a listed point whose answer must include code C. @p k is the kind the
 * item is written under, or -1 in the flat form (the kind follows the form).
 */
static int load_point(struct loader *ld, yaml_node_t *n, int k, unsigned kinds, bool listed,
                      struct tp_list *out)
{
    static const char *const names[2] = {"point", "code"};
    yaml_node_t *keys[2], *vals[2];
    yaml_node_t *pn = n;
    struct tp_item it = {.tp = {.listed = listed}, .mark = n->start_mark};
    const char *s;
    char q[64];
    int ret;
    if (n->type == YAML_SEQUENCE_NODE)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "a test point must be a single value or a map such as "
                    "{point: \"::2\", code: 127.0.10.0}, not a list");
    if (n->type == YAML_MAPPING_NODE) {
        if ((ret = collect(ld, n, names, 2, "a test point", "point or code", keys, vals)) < 0)
            return ret;
        if (!vals[0])
            return fail(ld, SCAN_ECONFIG, n->start_mark, "a test point map needs 'point'");
        pn = vals[0];
        if (vals[1]) {
            if (!listed)
                return fail(ld, SCAN_ECONFIG, keys[1]->start_mark,
                            "'code' is only for listed points (an unlisted point must not "
                            "answer at all)");
            if ((ret = nonempty(ld, vals[1], "code", &s)) < 0)
                return ret;
            if (ip4_parse(s, &it.tp.code) < 0)
                return fail(ld, SCAN_ECONFIG, vals[1]->start_mark,
                            "bad code address '%s' (expected an IPv4 address such as 127.0.0.2)",
                            shown(s, q, sizeof(q)));
            it.tp.has_code = true;
        }
    }
    if ((ret = nonempty(ld, pn, "test point", &s)) < 0)
        return ret;
    if (k < 0)
        ret = flat_kind(ld, pn, kinds, s, &k);
    else
        ret = check_form(ld, pn, k, s);
    if (ret < 0)
        return ret;
    it.tp.kind = 1u << k;
    it.mark = pn->start_mark;
    if (!(it.tp.point = cat_strdup(ld->cat, s)))
        return -ENOMEM;
    return tp_push(out, &it);
}

static int load_point_seq(struct loader *ld, yaml_node_t *n, const char *key, int k, unsigned kinds,
                          bool listed, struct tp_list *out)
{
    int ret;
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'%s' must be a list of test points", key);
    yaml_node_item_t *items = n->data.sequence.items.start;
    size_t count = (size_t)(n->data.sequence.items.top - items);
    if (count > CAT_MAX_POINTS)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "too many test points (the limit is %d)",
                    CAT_MAX_POINTS);
    for (size_t i = 0; i < count; i++) {
        yaml_node_t *p = node_at(ld, items[i]);
        if (!p)
            return fail(ld, SCAN_EPARSE, n->start_mark, "malformed YAML: dangling node");
        if ((ret = load_point(ld, p, k, kinds, listed, out)) < 0)
            return ret;
    }
    return 0;
}

/* Two points name the same entry: the same address (whatever its spelling), or
 * the same name (DNS names are case-insensitive). */
static bool same_point(const struct tp_item *a, const struct tp_item *b)
{
    if (a->tp.kind != b->tp.kind)
        return false;
    if (a->tp.kind == LIST_KIND_DOMAIN)
        return strcasecmp(a->tp.point, b->tp.point) == 0;
    return memcmp(a->addr, b->addr, sizeof(a->addr)) == 0;
}

/*
 * A point asked twice for one kind is a mistake, and a point that must be both
 * listed and unlisted can never pass (Hostkarma lists 127.0.0.1: a catalog that
 * gives only `listed: [127.0.0.1]` would keep the default unlisted 127.0.0.1).
 */
static int check_duplicates(struct loader *ld, const struct tp_list *l)
{
    char q[64];
    for (size_t i = 1; i < l->n; i++) {
        for (size_t j = 0; j < i; j++) {
            const struct tp_item *a = &l->v[j], *b = &l->v[i];
            if (!same_point(a, b))
                continue;
            const char *word = list_kind_word(a->tp.kind);
            if (a->is_default || b->is_default) {
                const struct tp_item *given = a->is_default ? b : a;
                const struct tp_item *dflt = a->is_default ? a : b;
                const char *half = dflt->tp.listed ? "listed" : "unlisted";
                return fail(ld, SCAN_ECONFIG, given->mark,
                            "test point '%s' is also the RFC 5782 default %s %s point: give "
                            "%s for %s too",
                            shown(given->tp.point, q, sizeof(q)), half, word, half, word);
            }
            return fail(ld, SCAN_ECONFIG, b->mark,
                        "test point '%s' is given twice for %s (first at line %zu)",
                        shown(b->tp.point, q, sizeof(q)), word, a->mark.line + 1);
        }
    }
    return 0;
}

/* The points of one kind from the flat form, or that half's defaults. */
static int flat_half(const struct tp_list *given, bool have, int k, bool listed,
                     struct tp_list *out)
{
    int ret;
    if (!have)
        return tp_push_default(out, k, listed);
    for (size_t i = 0; i < given->n; i++)
        if (given->v[i].tp.kind == 1u << k && (ret = tp_push(out, &given->v[i])) < 0)
            return ret;
    return 0;
}

/*
 * The older flat form: `listed:` / `unlisted:` straight under test_points. A
 * half that is given replaces that half's defaults for every kind, as it
 * always did; each point goes to the kind its form names.
 */
static int load_flat(struct loader *ld, yaml_node_t *map, yaml_node_t **vals,
                     const struct list_entry *e, struct tp_list *out)
{
    struct tp_list l = {0}, u = {0};
    int ret = 0;
    if (vals[0] && (ret = load_point_seq(ld, vals[0], "listed", -1, e->kinds, true, &l)) < 0)
        goto out;
    if (vals[1] && (ret = load_point_seq(ld, vals[1], "unlisted", -1, e->kinds, false, &u)) < 0)
        goto out;
    for (int k = 0; k < 3; k++) {
        if (!(e->kinds & (1u << k)))
            continue;
        size_t before = out->n;
        if ((ret = flat_half(&l, vals[0] != NULL, k, true, out)) < 0 ||
            (ret = flat_half(&u, vals[1] != NULL, k, false, out)) < 0)
            goto out;
        if (out->n == before) {
            ret = fail(ld, SCAN_ECONFIG, map->start_mark,
                       "test_points leaves %s without any test point (a flat listed: / "
                       "unlisted: replaces the defaults of every kind): give one, or use "
                       "%s: {listed: [], unlisted: [], note: \"why\"}",
                       kind_names[k], kind_names[k]);
            goto out;
        }
    }
out:
    free(l.v);
    free(u.v);
    return ret;
}

/*
 * One kind's map: `listed`, `unlisted` (each replacing that half of the
 * defaults; [] means none) and `note`. A kind with no point at all cannot be
 * checked, so it must say why in its note.
 */
static int load_kind_map(struct loader *ld, yaml_node_t *key, yaml_node_t *map, int k,
                         struct list_entry *e, struct tp_list *out)
{
    static const char *const names[3] = {"listed", "unlisted", "note"};
    yaml_node_t *keys[3], *vals[3];
    char where[32];
    int ret;
    if (!(e->kinds & (1u << k)))
        return fail(ld, SCAN_ECONFIG, key->start_mark,
                    "test_points has %s, but the list's kinds have no %s", kind_names[k],
                    kind_names[k]);
    if (map->type != YAML_MAPPING_NODE)
        return fail(
            ld, SCAN_ECONFIG, map->start_mark,
            "'%s' in test_points must be a map with listed:, unlisted: and note:", kind_names[k]);
    snprintf(where, sizeof(where), "test_points %s", kind_names[k]);
    if ((ret = collect(ld, map, names, 3, where, "listed, unlisted or note", keys, vals)) < 0)
        return ret;
    if (vals[2] && (ret = text(ld, vals[2], "note", &e->tp_note[k])) < 0)
        return ret;
    size_t before = out->n;
    for (int h = 0; h < 2; h++) {
        bool listed = h == 0;
        if (vals[h])
            ret = load_point_seq(ld, vals[h], names[h], k, e->kinds, listed, out);
        else
            ret = tp_push_default(out, k, listed);
        if (ret < 0)
            return ret;
    }
    if (out->n == before && !e->tp_note[k])
        return fail(ld, SCAN_ECONFIG, key->start_mark,
                    "%s has no test point (listed and unlisted are both empty): add a note "
                    "saying why, e.g. note: \"no documented test entry\"",
                    kind_names[k]);
    return 0;
}

/*
 * test_points, in either form, into e->tps: kind by kind (ip4, ip6, domain),
 * listed points before unlisted ones, each in the order written. A kind the
 * catalog says nothing about gets the RFC 5782 section 5 points.
 */
static int load_test_points(struct loader *ld, yaml_node_t *n, struct list_entry *e)
{
    enum { T_LISTED, T_UNLISTED, T_IP4, T_IP6, T_DOMAIN, T_COUNT };
    static const char *const names[T_COUNT] = {"listed", "unlisted", "ip4", "ip6", "domain"};
    yaml_node_t *keys[T_COUNT], *vals[T_COUNT];
    struct tp_list l = {0};
    int ret = 0;
    for (int i = 0; i < T_COUNT; i++)
        keys[i] = vals[i] = NULL;
    if (n) {
        if (n->type != YAML_MAPPING_NODE) {
            ret = fail(ld, SCAN_ECONFIG, n->start_mark,
                       "'test_points' must be a map with ip4:, ip6: or domain: (or the older "
                       "listed: and unlisted:)");
            goto out;
        }
        if ((ret = collect(ld, n, names, T_COUNT, "test_points",
                           "ip4, ip6, domain, or the older listed and unlisted", keys, vals)) < 0)
            goto out;
    }
    bool flat = vals[T_LISTED] || vals[T_UNLISTED];
    if (flat) {
        for (int k = 0; k < 3; k++) {
            if (keys[T_IP4 + k]) {
                ret = fail(ld, SCAN_ECONFIG, keys[T_IP4 + k]->start_mark,
                           "test_points mixes the older flat listed: / unlisted: with %s:; "
                           "write every point under its kind",
                           kind_names[k]);
                goto out;
            }
        }
        if ((ret = load_flat(ld, n, vals, e, &l)) < 0)
            goto out;
    } else {
        for (int k = 0; k < 3; k++) {
            if (vals[T_IP4 + k])
                ret = load_kind_map(ld, keys[T_IP4 + k], vals[T_IP4 + k], k, e, &l);
            else if (e->kinds & (1u << k) && (ret = tp_push_default(&l, k, true)) == 0)
                ret = tp_push_default(&l, k, false);
            if (ret < 0)
                goto out;
        }
    }
    if ((ret = check_duplicates(ld, &l)) < 0)
        goto out;
    struct list_test_point *tps = cat_alloc(ld->cat, (l.n ? l.n : 1) * sizeof(*tps));
    if (!tps) {
        ret = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < l.n; i++)
        tps[i] = l.v[i].tp;
    e->tps = tps;
    e->ntps = l.n;
out:
    free(l.v);
    return ret;
}

int list_kind_index(unsigned kind)
{
    switch (kind) {
    case LIST_KIND_IP4:
        return 0;
    case LIST_KIND_IP6:
        return 1;
    case LIST_KIND_DOMAIN:
        return 2;
    default:
        return -1;
    }
}

const char *list_kind_word(unsigned kind)
{
    int k = list_kind_index(kind);
    return k < 0 ? NULL : kind_names[k];
}

int list_test_point_qname(const struct list_test_point *tp, const char *zone, char *buf, size_t len)
{
    uint8_t a[16];
    size_t o = 0;
    int n;
    if (!tp || !zone || !buf || len == 0)
        return -EINVAL;
    buf[0] = '\0';
    switch (tp->kind) {
    case LIST_KIND_IP4:
        if (inet_pton(AF_INET, tp->point, a) != 1)
            return -EINVAL;
        n = snprintf(buf, len, "%u.%u.%u.%u.%s", a[3], a[2], a[1], a[0], zone);
        break;
    case LIST_KIND_IP6:
        if (inet_pton(AF_INET6, tp->point, a) != 1)
            return -EINVAL;
        for (int i = 15; i >= 0; i--) {
            static const char hex[] = "0123456789abcdef";
            if (o + 4 >= len)
                return -ENAMETOOLONG;
            buf[o++] = hex[a[i] & 0xf];
            buf[o++] = '.';
            buf[o++] = hex[a[i] >> 4];
            buf[o++] = '.';
        }
        n = snprintf(buf + o, len - o, "%s", zone);
        if (n >= 0)
            n += (int)o;
        break;
    case LIST_KIND_DOMAIN:
        n = snprintf(buf, len, "%s.%s", tp->point, zone);
        break;
    default:
        return -EINVAL;
    }
    if (n < 0 || (size_t)n >= len || n > 253) {
        buf[0] = '\0';
        return -ENAMETOOLONG;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Entries                                                                  */

enum {
    K_ID,
    K_ZONE,
    K_KINDS,
    K_ACCESS,
    K_KEY_ENV,
    K_DOMAIN_MODE,
    K_TXT,
    K_DELIST,
    K_RATE,
    K_DAILY,
    K_INFORMATIONAL,
    K_SCOPE,
    K_CODES,
    K_TEST_POINTS,
    K_STATUS,
    K_DEAD_SINCE,
    K_DEAD_REASON,
    K_COUNT
};
static const char *const entry_keys[K_COUNT] = {
    "id",    "zone",        "kinds",  "access",      "key_env",       "domain_mode",
    "txt",   "delist",      "rate",   "daily_limit", "informational", "scope",
    "codes", "test_points", "status", "dead_since",  "dead_reason"};

static int load_kinds(struct loader *ld, yaml_node_t *n, unsigned *kinds)
{
    int ret, k = 0;
    *kinds = 0;
    if (n->type == YAML_SCALAR_NODE) {
        if ((ret = word(ld, n, "kinds value", kind_names, 3, "ip4, ip6 or domain", &k)) < 0)
            return ret;
        *kinds = 1u << k;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'kinds' must be a list such as [ip4, ip6]");
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        yaml_node_t *v = node_at(ld, *i);
        if (!v)
            return fail(ld, SCAN_EPARSE, n->start_mark, "malformed YAML: dangling node");
        if ((ret = word(ld, v, "kinds value", kind_names, 3, "ip4, ip6 or domain", &k)) < 0)
            return ret;
        *kinds |= 1u << k;
    }
    if (*kinds == 0)
        return fail(ld, SCAN_ECONFIG, n->start_mark, "'kinds' is empty");
    return 0;
}

/* A delist URL: http(s), and only the placeholders list_delist_url() fills. */
static int load_delist(struct loader *ld, yaml_node_t *n, const char **out)
{
    const char *s;
    char q[64];
    int ret = nonempty(ld, n, "delist", &s);
    if (ret < 0)
        return ret;
    if (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "delist must be an http:// or https:// URL, not '%s'", shown(s, q, sizeof(q)));
    for (const char *p = s; *p; p++) {
        if (*p == ' ')
            return fail(ld, SCAN_ECONFIG, n->start_mark, "delist must not contain spaces");
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        size_t len = end ? (size_t)(end - p) + 1 : 0;
        if (!end)
            return fail(ld, SCAN_ECONFIG, n->start_mark, "unterminated '{' in delist");
        if (!((len == 4 && strncmp(p, "{ip}", 4) == 0) ||
              (len == 8 && strncmp(p, "{domain}", 8) == 0) ||
              (len == 8 && strncmp(p, "{target}", 8) == 0))) {
            char ph[64];
            snprintf(ph, sizeof(ph), "%.*s", (int)(len < 40 ? len : 40), p);
            return fail(ld, SCAN_ECONFIG, n->start_mark,
                        "unknown placeholder '%s' in delist (use {ip}, {domain} or {target})",
                        shown(ph, q, sizeof(q)));
        }
        p = end;
    }
    *out = cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

static int load_rate(struct loader *ld, yaml_node_t *n, double *out)
{
    const char *s;
    char q[64], *end;
    int ret = nonempty(ld, n, "rate", &s);
    if (ret < 0)
        return ret;
    if (strspn(s, "0123456789.eE+-") != strlen(s))
        goto bad;
    errno = 0;
    *out = strtod(s, &end);
    if (*end || errno || !isfinite(*out))
        goto bad;
    if (*out < 0)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "rate must not be negative (0 means no limit)");
    return 0;
bad:
    return fail(ld, SCAN_ECONFIG, n->start_mark,
                "bad rate '%s' (expected queries per second, 0 = no limit)",
                shown(s, q, sizeof(q)));
}

static int load_daily(struct loader *ld, yaml_node_t *n, uint64_t *out)
{
    const char *s;
    char q[64];
    int ret = nonempty(ld, n, "daily_limit", &s);
    if (ret < 0)
        return ret;
    if (s[0] == '-')
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "daily_limit must not be negative (0 means no limit)");
    unsigned long long v = 0;
    errno = 0;
    if (all_digits(s, 20))
        v = strtoull(s, NULL, 10);
    if (!all_digits(s, 20) || errno == ERANGE)
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "bad daily_limit '%s' (expected a whole number of queries, 0 = no limit)",
                    shown(s, q, sizeof(q)));
    *out = v;
    return 0;
}

static int load_date(struct loader *ld, yaml_node_t *n, const char **out)
{
    const char *s;
    char q[64];
    int ret = nonempty(ld, n, "dead_since", &s);
    if (ret < 0)
        return ret;
    if (!date_ok(s))
        return fail(ld, SCAN_ECONFIG, n->start_mark,
                    "bad date '%s' (expected YYYY-MM-DD, or YYYY-MM / YYYY)",
                    shown(s, q, sizeof(q)));
    *out = cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

/* The id, zone and key rules that need more than one field. */
static int check_key_rules(struct loader *ld, yaml_node_t **keys, yaml_node_t **vals,
                           const struct list_entry *e, bool has_key)
{
    if (e->access == LIST_ACCESS_KEY && !e->key_env)
        return fail(ld, SCAN_ECONFIG, vals[K_ACCESS]->start_mark,
                    "access: key needs key_env (the variable that holds the key)");
    if (e->access == LIST_ACCESS_KEY && !has_key)
        return fail(ld, SCAN_ECONFIG, vals[K_ZONE]->start_mark,
                    "access: key needs {key} in the zone, e.g. \"{key}.zen.dq.spamhaus.net\"");
    if (has_key && e->access != LIST_ACCESS_KEY)
        return fail(ld, SCAN_ECONFIG, vals[K_ZONE]->start_mark,
                    "the zone has {key} but access is not key");
    if (e->key_env && e->access != LIST_ACCESS_KEY)
        return fail(ld, SCAN_ECONFIG, keys[K_KEY_ENV]->start_mark,
                    "key_env is only for access: key");
    return 0;
}

static int check_dead_rules(struct loader *ld, yaml_node_t **keys, yaml_node_t **vals,
                            const struct list_entry *e)
{
    if (e->dead && !e->dead_since)
        return fail(ld, SCAN_ECONFIG, vals[K_STATUS]->start_mark,
                    "status: dead needs dead_since (the date it stopped)");
    if (e->dead && !e->dead_reason)
        return fail(ld, SCAN_ECONFIG, vals[K_STATUS]->start_mark, "status: dead needs dead_reason");
    if (!e->dead && keys[K_DEAD_SINCE])
        return fail(ld, SCAN_ECONFIG, keys[K_DEAD_SINCE]->start_mark,
                    "dead_since is only for status: dead");
    if (!e->dead && keys[K_DEAD_REASON])
        return fail(ld, SCAN_ECONFIG, keys[K_DEAD_REASON]->start_mark,
                    "dead_reason is only for status: dead");
    return 0;
}

/* Ids and zones are unique across the whole catalog, every file of a folder included. */
static int check_unique(struct loader *ld, yaml_node_t **vals, const struct list_entry *e)
{
    char q[64];
    for (size_t i = 0; i < ld->cat->n; i++) {
        const struct list_entry *o = &ld->cat->entries[i];
        if (strcmp(o->id, e->id) == 0)
            return fail(ld, SCAN_ECONFIG, vals[K_ID]->start_mark,
                        "duplicate id '%s' (first at %s:%d)", shown(e->id, q, sizeof(q)), o->file,
                        o->line);
        if (strcasecmp(o->zone, e->zone) == 0)
            return fail(ld, SCAN_ECONFIG, vals[K_ZONE]->start_mark,
                        "duplicate zone '%s' (first at %s:%d, id %s)", shown(e->zone, q, sizeof(q)),
                        o->file, o->line, o->id);
    }
    return 0;
}

static int append(struct list_catalog *c, const struct list_entry *e)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct list_entry *v = realloc(c->entries, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        c->entries = v;
        c->cap = cap;
    }
    c->entries[c->n++] = *e;
    return 0;
}

static const char *const access_words[] = {"free", "registration", "key"};
static const char *const mode_words[] = {"as-is", "registrable", "both"};
static const char *const status_words[] = {"active", "dead"};

/*
 * One list entry. Pass one (collect) rejects unknown and repeated keys; pass
 * two reads the fields in dependency order; then the rules that tie fields
 * together, then uniqueness. Every failure names the node it is about. One
 * piece on purpose: it is the entry schema, one short block per key.
 */
static int load_entry(struct loader *ld, yaml_node_t *n)
{
    yaml_node_t *keys[K_COUNT], *vals[K_COUNT];
    struct list_entry e = {0};
    const char *s;
    char q[64];
    bool has_key = false;
    int ret, w = 0;

    if ((ret = collect(ld, n, entry_keys, K_COUNT, "a list entry", NULL, keys, vals)) < 0)
        return ret;
    if (!vals[K_ID])
        return fail(ld, SCAN_ECONFIG, n->start_mark, "list entry has no 'id'");
    if (!vals[K_ZONE])
        return fail(ld, SCAN_ECONFIG, n->start_mark, "list entry has no 'zone'");
    e.file = ld->name;
    e.line = (int)n->start_mark.line + 1;

    if ((ret = nonempty(ld, vals[K_ID], "id", &s)) < 0)
        return ret;
    if (!id_ok(s))
        return fail(ld, SCAN_ECONFIG, vals[K_ID]->start_mark,
                    "bad id '%s' (use a-z, 0-9 and '-', starting with a letter or digit, "
                    "at most 63)",
                    shown(s, q, sizeof(q)));
    if (!(e.id = cat_strdup(ld->cat, s)))
        return -ENOMEM;

    if ((ret = nonempty(ld, vals[K_ZONE], "zone", &s)) < 0)
        return ret;
    const char *why = name_problem(s, true, &has_key);
    if (why)
        return fail(ld, SCAN_ECONFIG, vals[K_ZONE]->start_mark, "bad zone '%s': %s",
                    shown(s, q, sizeof(q)), why);
    if (!(e.zone_template = cat_strdup(ld->cat, s)))
        return -ENOMEM;
    e.zone = e.zone_template; /* shown as written: "{key}" stays literal */

    e.kinds = LIST_KIND_IP4;
    if (vals[K_KINDS] && (ret = load_kinds(ld, vals[K_KINDS], &e.kinds)) < 0)
        return ret;
    if (vals[K_ACCESS]) {
        if ((ret = word(ld, vals[K_ACCESS], "access", access_words, 3, "free, registration or key",
                        &w)) < 0)
            return ret;
        e.access = (enum list_access)w;
    }
    if (vals[K_KEY_ENV]) {
        if ((ret = nonempty(ld, vals[K_KEY_ENV], "key_env", &s)) < 0)
            return ret;
        if (!env_name_ok(s))
            return fail(ld, SCAN_ECONFIG, vals[K_KEY_ENV]->start_mark,
                        "bad key_env '%s' (expected an environment variable name)",
                        shown(s, q, sizeof(q)));
        if (!(e.key_env = cat_strdup(ld->cat, s)))
            return -ENOMEM;
    }
    if ((ret = check_key_rules(ld, keys, vals, &e, has_key)) < 0)
        return ret;
    if (vals[K_DOMAIN_MODE]) {
        if ((ret = word(ld, vals[K_DOMAIN_MODE], "domain_mode", mode_words, 3,
                        "as-is, registrable or both", &w)) < 0)
            return ret;
        if (!(e.kinds & LIST_KIND_DOMAIN))
            return fail(ld, SCAN_ECONFIG, keys[K_DOMAIN_MODE]->start_mark,
                        "domain_mode is only for lists whose kinds include domain");
        e.domain_mode = (enum list_domain_mode)w;
    }
    if (vals[K_TXT] && (ret = boolean(ld, vals[K_TXT], "txt", &e.txt)) < 0)
        return ret;
    if (vals[K_INFORMATIONAL] &&
        (ret = boolean(ld, vals[K_INFORMATIONAL], "informational", &e.informational)) < 0)
        return ret;
    e.scope = LIST_SCOPE_IP;
    if (vals[K_SCOPE] && (ret = load_scope(ld, vals[K_SCOPE], &e.scope)) < 0)
        return ret;
    if (vals[K_DELIST] && (ret = load_delist(ld, vals[K_DELIST], &e.delist)) < 0)
        return ret;
    if (vals[K_RATE] && (ret = load_rate(ld, vals[K_RATE], &e.rate)) < 0)
        return ret;
    if (vals[K_DAILY] && (ret = load_daily(ld, vals[K_DAILY], &e.daily_limit)) < 0)
        return ret;
    if (vals[K_STATUS]) {
        if ((ret = word(ld, vals[K_STATUS], "status", status_words, 2, "active or dead", &w)) < 0)
            return ret;
        e.dead = w == 1;
    }
    if (vals[K_DEAD_SINCE] && (ret = load_date(ld, vals[K_DEAD_SINCE], &e.dead_since)) < 0)
        return ret;
    if (vals[K_DEAD_REASON] &&
        (ret = text(ld, vals[K_DEAD_REASON], "dead_reason", &e.dead_reason)) < 0)
        return ret;
    if ((ret = check_dead_rules(ld, keys, vals, &e)) < 0)
        return ret;
    if (vals[K_CODES] && (ret = load_codes(ld, vals[K_CODES], &e)) < 0)
        return ret;
    if ((ret = load_test_points(ld, vals[K_TEST_POINTS], &e)) < 0)
        return ret;
    if ((ret = check_unique(ld, vals, &e)) < 0)
        return ret;
    return append(ld->cat, &e);
}

static int load_root(struct loader *ld, yaml_node_t *root)
{
    static const char *const names[1] = {"lists"};
    yaml_node_t *keys[1], *vals[1];
    int ret;
    if (root->type != YAML_MAPPING_NODE)
        return fail(ld, SCAN_ECONFIG, root->start_mark,
                    "the top level must be a map with 'lists:'");
    if ((ret = collect(ld, root, names, 1, "the top level", "lists", keys, vals)) < 0)
        return ret;
    if (!vals[0])
        return fail(ld, SCAN_ECONFIG, root->start_mark,
                    "the top level must be a map with 'lists:'");
    yaml_node_t *seq = vals[0];
    if (seq->type != YAML_SEQUENCE_NODE)
        return fail(ld, SCAN_ECONFIG, seq->start_mark, "'lists' must be a list of entries");
    for (yaml_node_item_t *i = seq->data.sequence.items.start; i < seq->data.sequence.items.top;
         i++) {
        yaml_node_t *n = node_at(ld, *i);
        if (!n)
            return fail(ld, SCAN_EPARSE, seq->start_mark, "malformed YAML: dangling node");
        if (n->type != YAML_MAPPING_NODE)
            return fail(ld, SCAN_ECONFIG, n->start_mark, "a list entry must be a map, not %s",
                        n->type == YAML_SCALAR_NODE ? "a single value" : "a list");
        if (ld->cat->n >= CAT_MAX_ENTRIES)
            return fail(ld, SCAN_ECONFIG, n->start_mark, "too many lists (the limit is %d)",
                        CAT_MAX_ENTRIES);
        if ((ret = load_entry(ld, n)) < 0)
            return ret;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Loading                                                                  */

/*
 * One YAML text into @p cat, parsed within the limits every YAML file of the
 * program has (scanner/core/yamlload.h: size, nesting, aliases, one document).
 */
static int load_text(struct list_catalog *cat, const char *name, const char *buf, size_t len,
                     struct list_error *err)
{
    struct loader ld = {.cat = cat, .err = err};
    struct list_yaml_src src = {.name = name, .buf = buf, .len = len, .what = "a catalog file"};
    struct list_error scratch;
    int ret;

    if (!(ld.name = cat_strdup(cat, name))) {
        errno_msg(err, name, -ENOMEM);
        return -ENOMEM;
    }
    if (!err)
        err = &scratch;
    ret = list_yaml_load(&src, &ld.doc, err->msg, sizeof(err->msg));
    if (ret != 0)
        return ret;
    yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
    if (!root)
        ret = fail_lc(&ld, SCAN_ECONFIG, 1, 1, "empty catalog: expected a map with 'lists:'");
    else
        ret = load_root(&ld, root);
    if (ret == -ENOMEM)
        errno_msg(ld.err, name, ret);
    yaml_document_delete(&ld.doc);
    return ret;
}

static int load_file(struct list_catalog *cat, const char *path, struct list_error *err)
{
    char *buf;
    size_t len = 0;
    int ret = list_yaml_read_file(path, &buf, &len);
    if (ret < 0) {
        errno_msg(err, path, ret);
        return ret;
    }
    ret = load_text(cat, path, buf, len, err);
    free(buf);
    return ret;
}

static bool catalog_name(const char *s)
{
    size_t n = strlen(s);
    if (s[0] == '.')
        return false;
    return (n > 5 && strcmp(s + n - 5, ".yaml") == 0) || (n > 4 && strcmp(s + n - 4, ".yml") == 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every *.yaml / *.yml in @p dir, in strcmp() order, into one catalog. */
static int load_dir(struct list_catalog *cat, const char *dir, struct list_error *err)
{
    char **names = NULL, *path = NULL;
    size_t n = 0, cap = 0, dlen = strlen(dir);
    struct dirent *de;
    int ret = 0;
    DIR *d = opendir(dir);
    if (!d) {
        ret = -errno;
        errno_msg(err, dir, ret);
        return ret;
    }
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--;
    for (;;) {
        errno = 0;
        if (!(de = readdir(d))) {
            ret = -errno;
            break;
        }
        if (!catalog_name(de->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **nv = realloc(names, ncap * sizeof(*nv));
            if (!nv) {
                ret = -ENOMEM;
                break;
            }
            names = nv;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name))) {
            ret = -ENOMEM;
            break;
        }
        n++;
    }
    if (ret < 0) {
        errno_msg(err, dir, ret);
        goto out;
    }
    if (n == 0) {
        if (err)
            snprintf(err->msg, sizeof(err->msg), "%s: no *.yaml or *.yml files in this folder",
                     dir);
        ret = SCAN_ECONFIG;
        goto out;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n && ret == 0; i++) {
        size_t plen = dlen + 1 + strlen(names[i]) + 1;
        free(path);
        if (!(path = malloc(plen))) {
            ret = -ENOMEM;
            errno_msg(err, dir, ret);
            break;
        }
        snprintf(path, plen, "%.*s/%s", (int)dlen, dir, names[i]);
        ret = load_file(cat, path, err);
    }
out:
    free(path);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return ret;
}

int list_catalog_load(const char *path, struct list_catalog **out, struct list_error *err)
{
    struct stat st;
    struct list_catalog *cat = NULL;
    int ret;
    if (err)
        err->msg[0] = '\0';
    if (scan_fails_assert(path && out))
        return -EINVAL;
    *out = NULL;
    if (!(cat = calloc(1, sizeof(*cat)))) {
        ret = -ENOMEM;
        errno_msg(err, path, ret);
        goto fail;
    }
    if (stat(path, &st) < 0) {
        ret = -errno;
        errno_msg(err, path, ret);
        goto fail;
    }
    ret = S_ISDIR(st.st_mode) ? load_dir(cat, path, err) : load_file(cat, path, err);
    if (ret < 0)
        goto fail;
    *out = cat;
    return 0;
fail:
    list_catalog_free(cat);
    return ret;
}

int list_catalog_load_buf(const char *name, const char *buf, size_t len, struct list_catalog **out,
                          struct list_error *err)
{
    struct list_catalog *cat = NULL;
    int ret;
    if (err)
        err->msg[0] = '\0';
    if (scan_fails_assert(out && (buf || len == 0)))
        return -EINVAL;
    *out = NULL;
    if (!name)
        name = "<buffer>";
    if (!(cat = calloc(1, sizeof(*cat)))) {
        errno_msg(err, name, -ENOMEM);
        return -ENOMEM;
    }
    ret = load_text(cat, name, buf ? buf : "", len, err);
    if (ret < 0) {
        list_catalog_free(cat);
        return ret;
    }
    *out = cat;
    return 0;
}

/* ------------------------------------------------------------------------ */
/* Lookups                                                                  */

size_t list_catalog_count(const struct list_catalog *c)
{
    return c ? c->n : 0;
}

const struct list_entry *list_catalog_get(const struct list_catalog *c, size_t i)
{
    return c && i < c->n ? &c->entries[i] : NULL;
}

static bool same_name(const char *name, const char *q, size_t qlen)
{
    return strlen(name) == qlen && strncasecmp(name, q, qlen) == 0;
}

const struct list_entry *list_catalog_find(const struct list_catalog *c, const char *id_or_zone)
{
    if (!c || !id_or_zone)
        return NULL;
    size_t n = strlen(id_or_zone);
    if (n > 0 && id_or_zone[n - 1] == '.')
        n--;
    if (n == 0)
        return NULL;
    for (size_t i = 0; i < c->n; i++)
        if (same_name(c->entries[i].id, id_or_zone, n) ||
            same_name(c->entries[i].zone, id_or_zone, n))
            return &c->entries[i];
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Generic lists: zones the catalog does not know                          */

/* Whether a label (of @p len bytes) contains @p word, case-insensitively. */
static bool label_has(const char *label, size_t len, const char *word)
{
    size_t w = strlen(word);
    for (size_t i = 0; i + w <= len; i++)
        if (strncasecmp(label + i, word, w) == 0)
            return true;
    return false;
}

static bool label_is(const char *label, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(label, word, len) == 0;
}

unsigned list_generic_kinds(const char *zone)
{
    static const char *const domain_parts[] = {"dbl", "rhsbl", "uribl", "surbl", "url"};
    bool v6 = false;
    for (const char *l = zone; l && *l;) {
        const char *dot = strchr(l, '.');
        size_t len = dot ? (size_t)(dot - l) : strlen(l);
        for (size_t i = 0; i < sizeof(domain_parts) / sizeof(domain_parts[0]); i++)
            if (label_has(l, len, domain_parts[i]))
                return LIST_KIND_DOMAIN;
        if (label_is(l, len, "uri") || label_is(l, len, "rhs"))
            return LIST_KIND_DOMAIN;
        v6 |= label_has(l, len, "ipv6") || label_is(l, len, "ip6") || label_is(l, len, "v6");
        l = dot ? dot + 1 : NULL;
    }
    return v6 ? LIST_KIND_IP6 : LIST_KIND_IP4;
}

static int generic_fail(struct list_error *err, const char *spec, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int generic_fail(struct list_error *err, const char *spec, const char *fmt, ...)
{
    char q[64];
    va_list ap;
    if (!err)
        return SCAN_ECONFIG;
    int k = snprintf(err->msg, sizeof(err->msg), "'%s': ", shown(spec, q, sizeof(q)));
    va_start(ap, fmt);
    if (k >= 0 && (size_t)k < sizeof(err->msg))
        vsnprintf(err->msg + k, sizeof(err->msg) - (size_t)k, fmt, ap);
    va_end(ap);
    return SCAN_ECONFIG;
}

/* "ip4,domain" into kind bits. @return 0, or -1 for an empty or unknown word. */
static int parse_generic_kinds(const char *s, unsigned *out)
{
    unsigned kinds = 0;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        int k = -1;
        for (int i = 0; i < 3; i++)
            if (strlen(kind_names[i]) == len && strncmp(s, kind_names[i], len) == 0)
                k = i;
        if (k < 0)
            return -1;
        kinds |= 1u << k;
        s += len + (comma ? 1 : 0);
        if (comma && !*s)
            return -1;
    }
    *out = kinds;
    return kinds ? 0 : -1;
}

/* The code table of every generic list: 127/8 lists, the RFC 5782 error range
 * refuses, and so does 127.0.0.1 on a list that serves domains (URIBL's and
 * SURBL's "your resolver is blocked" code, and never a listing in RFC 5782). */
static int generic_codes(struct list_catalog *c, struct list_entry *e)
{
    struct list_code *codes = cat_alloc(c, 3 * sizeof(*codes));
    size_t n = 0;
    if (!codes)
        return -ENOMEM;
    codes[n++] = (struct list_code){.value = 0x7f000000,
                                    .prefix = 8,
                                    .meaning = "listed (a list not in the catalog: its codes "
                                               "are not known)",
                                    .klass = LIST_CODE_LISTING,
                                    .scope = LIST_SCOPE_IP};
    codes[n++] = (struct list_code){.value = 0x7fffff00,
                                    .prefix = 24,
                                    .meaning = "an error or refusal code (127.255.255.0/24)",
                                    .klass = LIST_CODE_REFUSAL};
    if (e->kinds & LIST_KIND_DOMAIN)
        codes[n++] = (struct list_code){.value = 0x7f000001,
                                        .prefix = 32,
                                        .meaning = "a refusal code (127.0.0.1 on a domain list)",
                                        .klass = LIST_CODE_REFUSAL};
    e->codes = codes;
    e->ncodes = n;
    c->total_codes += n;
    return 0;
}

/* RFC 5782's test points for each kind the list serves: listed, then unlisted. */
static int generic_points(struct list_catalog *c, struct list_entry *e)
{
    struct list_test_point *tps = cat_alloc(c, 6 * sizeof(*tps));
    size_t n = 0;
    if (!tps)
        return -ENOMEM;
    for (int k = 0; k < 3; k++) {
        if (!(e->kinds & (1u << k)))
            continue;
        tps[n++] =
            (struct list_test_point){.point = default_listed[k], .kind = 1u << k, .listed = true};
        tps[n++] = (struct list_test_point){.point = default_unlisted[k], .kind = 1u << k};
    }
    e->tps = tps;
    e->ntps = n;
    return 0;
}

int list_catalog_add_generic(struct list_catalog *c, const char *spec,
                             const struct list_entry **out, struct list_error *err)
{
    char zone[256], q[64];
    unsigned kinds = 0;
    bool has_key;

    if (err)
        err->msg[0] = '\0';
    if (scan_fails_assert(c && spec && out))
        return -EINVAL;
    *out = NULL;
    const char *colon = strchr(spec, ':');
    size_t zlen = colon ? (size_t)(colon - spec) : strlen(spec);
    if (zlen > 0 && spec[zlen - 1] == '.')
        zlen--; /* one trailing dot: the same zone */
    if (zlen == 0 || zlen >= sizeof(zone))
        return generic_fail(err, spec, "not a list id or a zone name");
    memcpy(zone, spec, zlen);
    zone[zlen] = '\0';
    if (colon && parse_generic_kinds(colon + 1, &kinds) != 0)
        return generic_fail(err, spec,
                            "unknown kind '%s' (expected ip4, ip6 or domain, comma-separated)",
                            shown(colon + 1, q, sizeof(q)));
    const struct list_entry *known = list_catalog_find(c, zone);
    if (known && !known->generic && colon)
        return generic_fail(err, spec,
                            "%s is in the catalog (id %s): its kinds come from there; drop "
                            "the ':%s'",
                            known->zone, known->id, colon + 1);
    if (known && known->generic && colon && known->kinds != kinds)
        return generic_fail(err, spec, "%s is given twice with different kinds", known->zone);
    if (known) {
        *out = known;
        return 1;
    }
    const char *why = name_problem(zone, false, &has_key);
    const char *last = strrchr(zone, '.');
    if (!why && !last)
        why = "a zone has at least two labels (and a list id is one of the catalog's: see "
              "dnsbl-scan lists)";
    if (!why && all_digits(last + 1, 253))
        why = "its last label is a number: an address, not a zone";
    if (why)
        return generic_fail(err, spec, "not a list id of the catalog, nor a zone name: %s", why);
    if (c->n >= CAT_MAX_ENTRIES)
        return generic_fail(err, spec, "too many lists (the limit is %d)", CAT_MAX_ENTRIES);
    for (char *p = zone; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');

    struct list_entry e = {.kinds = kinds ? kinds : list_generic_kinds(zone),
                           .access = LIST_ACCESS_FREE,
                           .txt = true,
                           .scope = LIST_SCOPE_IP,
                           .file = "(not in the catalog)",
                           .generic = true};
    if (!(e.id = cat_strdup(c, zone)) || generic_codes(c, &e) != 0 || generic_points(c, &e) != 0)
        return -ENOMEM;
    e.zone = e.zone_template = e.id;
    int ret = append(c, &e);
    if (ret != 0)
        return ret;
    *out = &c->entries[c->n - 1];
    return 0;
}

/*
 * The key goes into a DNS name, so it must be one plain label: a dot or a
 * stray character would silently send the query (and the key) elsewhere.
 */
int list_query_zone(const struct list_entry *e, char *buf, size_t len)
{
    if (scan_fails_assert(e && buf))
        return -EINVAL;
    if (len == 0)
        return -ENAMETOOLONG;
    buf[0] = '\0';
    const char *t = e->zone_template;
    const char *k = strstr(t, "{key}");
    const char *key = "";
    size_t klen = 0;
    if (k) {
        if (!e->key_env)
            return -ENOKEY;
        key = getenv(e->key_env);
        if (!key || !*key)
            return -ENOKEY;
        klen = strlen(key);
        if (klen > 63)
            return -EINVAL;
        for (size_t i = 0; i < klen; i++)
            if (!is_label_char(key[i]) || key[i] == '_')
                return -EINVAL;
    }
    size_t tlen = strlen(t);
    size_t total = tlen - (k ? 5 : 0) + klen;
    if (total > 253 || total + 1 > len)
        return -ENAMETOOLONG;
    if (!k) {
        memcpy(buf, t, tlen + 1);
        return 0;
    }
    size_t pre = (size_t)(k - t);
    memcpy(buf, t, pre);
    memcpy(buf + pre, key, klen);
    memcpy(buf + pre + klen, k + 5, tlen - pre - 5 + 1);
    return 0;
}

/* A text cut short by an earlier truncation may end in the first part of the key;
 * a tail this long that starts the key is redacted too. Shorter tails are too
 * likely to be ordinary text. */
#define REDACT_MIN_PARTIAL 8

static bool key_at(const char *s, const char *key, size_t klen)
{
    return strncasecmp(s, key, klen) == 0;
}

/*
 * The key is recovered from the zone actually queried rather than read from
 * the environment again: the CLI unsets key variables once the zones are
 * resolved, and the zone is what a server could echo back. Texts come from
 * DNS answers (TXT) and error strings; a list may echo the query name, key
 * included.
 *
 * A key of 5 characters or more never makes the text longer, so one pass from
 * the left rewrites it in place. A shorter key grows it ("{key}" is longer):
 * then the occurrences are counted first and the text is rebuilt from the
 * right, where the write position never falls behind the read position, and
 * whatever no longer fits in @p cap is cut off. Both passes match from the
 * same side, so they agree on which occurrences they replace.
 */
int list_redact_key(const struct list_entry *e, const char *query_zone, char *text, size_t cap)
{
    static const char holder[] = "{key}";
    const size_t hlen = sizeof(holder) - 1;
    if (scan_fails_assert(e && text && cap > 0))
        return -EINVAL;
    size_t len = strnlen(text, cap);
    if (len == cap) {
        text[0] = '\0';
        return -EINVAL;
    }
    const char *t = e->zone_template;
    const char *k = t ? strstr(t, holder) : NULL;
    if (!k)
        return 0;
    size_t pre = (size_t)(k - t), post = strlen(k + hlen);
    size_t qlen = query_zone ? strlen(query_zone) : 0;
    if (!query_zone || qlen <= pre + post || strncasecmp(query_zone, t, pre) != 0 ||
        strcasecmp(query_zone + qlen - post, k + hlen) != 0) {
        text[0] = '\0'; /* it may hold a key we cannot find: show nothing */
        return -EINVAL;
    }
    const char *key = query_zone + pre;
    size_t klen = qlen - pre - post;

    /* A cut-off key at the very end. */
    if (!(len >= klen && key_at(text + len - klen, key, klen))) {
        for (size_t p = klen - 1; p >= REDACT_MIN_PARTIAL; p--) {
            if (p <= len && key_at(text + len - p, key, p)) {
                memcpy(text + len - p, holder, hlen);
                len = len - p + hlen;
                text[len] = '\0';
                break;
            }
        }
    }

    if (klen >= hlen) {
        size_t r = 0, w = 0;
        while (r < len) {
            if (len - r >= klen && key_at(text + r, key, klen)) {
                memcpy(text + w, holder, hlen);
                w += hlen;
                r += klen;
            } else {
                text[w++] = text[r++];
            }
        }
        text[w] = '\0';
        return 0;
    }

    size_t count = 0;
    for (size_t i = len; i >= klen;) {
        if (key_at(text + i - klen, key, klen)) {
            count++;
            i -= klen;
        } else {
            i--;
        }
    }
    size_t total = len + count * (hlen - klen);
    size_t keep = total < cap - 1 ? total : cap - 1;
    size_t i = len, d = total;
    while (i > 0) {
        if (i >= klen && key_at(text + i - klen, key, klen)) {
            d -= hlen;
            i -= klen;
            for (size_t j = 0; j < hlen; j++)
                if (d + j < keep)
                    text[d + j] = holder[j];
        } else {
            d--;
            i--;
            if (d < keep)
                text[d] = text[i];
        }
    }
    text[keep] = '\0';
    return 0;
}

static bool put(char *buf, size_t len, size_t *o, char c)
{
    if (*o + 1 >= len)
        return false;
    buf[(*o)++] = c;
    return true;
}

/* Targets are IPs and domain names; anything else is escaped, so a URL can only
 * ever carry the target, never a second query parameter or a fragment. */
static bool put_target(char *buf, size_t len, size_t *o, const char *target)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)target; *p; p++) {
        unsigned char c = *p;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '~' || c == ':' || c == '-';
        if (plain) {
            if (!put(buf, len, o, (char)c))
                return false;
        } else if (!put(buf, len, o, '%') || !put(buf, len, o, hex[c >> 4]) ||
                   !put(buf, len, o, hex[c & 15])) {
            return false;
        }
    }
    return true;
}

int list_delist_url(const struct list_entry *e, const char *target, char *buf, size_t len)
{
    static const char *const holders[3] = {"{ip}", "{domain}", "{target}"};
    size_t o = 0;
    if (scan_fails_assert(e && target && buf))
        return -EINVAL;
    if (len == 0)
        return -ENAMETOOLONG;
    buf[0] = '\0';
    if (!e->delist)
        return 0;
    for (const char *p = e->delist; *p;) {
        size_t h = 0;
        while (h < 3 && strncmp(p, holders[h], strlen(holders[h])) != 0)
            h++;
        if (h < 3) {
            if (!put_target(buf, len, &o, target))
                goto too_long;
            p += strlen(holders[h]);
            continue;
        }
        if (!put(buf, len, &o, *p++))
            goto too_long;
    }
    buf[o] = '\0';
    return 0;
too_long:
    buf[0] = '\0';
    return -ENAMETOOLONG;
}
