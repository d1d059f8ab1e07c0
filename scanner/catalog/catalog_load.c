/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The catalog loader: a YAML file, a buffer or a folder of files turned into
 * validated, read-only struct list_entry records (the entry schema is in
 * lists/README.md). The code rows and test points of an entry are in
 * catalog_rows.c, the node helpers in catalog_nodes.c.
 *
 * One file on purpose (just over 600 lines): the entry schema, its steps in
 * dependency order and the rules that tie fields together read as one text.
 */
#include "scanner/catalog/catalog_int.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "scanner/core/err.h"
#include "scanner/core/yamlload.h"

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
        if ((ret = scan_yaml_word(&ld->y, n, "kinds value", list_kind_names, 3, &k)) < 0)
            return ret;
        *kinds = 1u << k;
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "'kinds' must be a list such as [ip4, ip6]");
    for (size_t i = 0; i < scan_yaml_count(n); i++) {
        yaml_node_t *v;
        if ((ret = scan_yaml_item(&ld->y, n, i, &v)) < 0)
            return ret;
        if ((ret = scan_yaml_word(&ld->y, v, "kinds value", list_kind_names, 3, &k)) < 0)
            return ret;
        *kinds |= 1u << k;
    }
    if (*kinds == 0)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "'kinds' is empty");
    return 0;
}

/* A delist URL: http(s), and only the placeholders list_delist_url() fills. */
static int load_delist(struct loader *ld, yaml_node_t *n, const char **out)
{
    const char *s;
    char q[64];
    int ret = scan_yaml_text(&ld->y, n, "delist", true, &s);
    if (ret < 0)
        return ret;
    if (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "delist must be an http:// or https:// URL, not '%s'",
                              scan_yaml_shown(s, q, sizeof(q)));
    for (const char *p = s; *p; p++) {
        if (*p == ' ')
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "delist must not contain spaces");
        if (*p != '{')
            continue;
        const char *end = strchr(p, '}');
        size_t len = end ? (size_t)(end - p) + 1 : 0;
        if (!end)
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "unterminated '{' in delist");
        if (!((len == 4 && strncmp(p, "{ip}", 4) == 0) ||
              (len == 8 && strncmp(p, "{domain}", 8) == 0) ||
              (len == 8 && strncmp(p, "{target}", 8) == 0))) {
            char ph[64];
            snprintf(ph, sizeof(ph), "%.*s", (int)(len < 40 ? len : 40), p);
            return scan_yaml_fail(
                &ld->y, n, SCAN_ECONFIG,
                "unknown placeholder '%s' in delist (use {ip}, {domain} or {target})",
                scan_yaml_shown(ph, q, sizeof(q)));
        }
        p = end;
    }
    *out = list_cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

static int load_rate(struct loader *ld, yaml_node_t *n, double *out)
{
    const char *s;
    char q[64], *end;
    int ret = scan_yaml_text(&ld->y, n, "rate", true, &s);
    if (ret < 0)
        return ret;
    if (strspn(s, "0123456789.eE+-") != strlen(s))
        goto bad;
    errno = 0;
    *out = strtod(s, &end);
    if (*end || errno || !isfinite(*out))
        goto bad;
    if (*out < 0)
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "rate must not be negative (0 means no limit)");
    return 0;
bad:
    return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                          "bad rate '%s' (expected queries per second, 0 = no limit)",
                          scan_yaml_shown(s, q, sizeof(q)));
}

static int load_daily(struct loader *ld, yaml_node_t *n, uint64_t *out)
{
    const char *s;
    char q[64];
    int ret = scan_yaml_text(&ld->y, n, "daily_limit", true, &s);
    if (ret < 0)
        return ret;
    if (s[0] == '-')
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "daily_limit must not be negative (0 means no limit)");
    unsigned long long v = 0;
    errno = 0;
    if (list_all_digits(s, 20))
        v = strtoull(s, NULL, 10);
    if (!list_all_digits(s, 20) || errno == ERANGE)
        return scan_yaml_fail(
            &ld->y, n, SCAN_ECONFIG,
            "bad daily_limit '%s' (expected a whole number of queries, 0 = no limit)",
            scan_yaml_shown(s, q, sizeof(q)));
    *out = v;
    return 0;
}

static int load_date(struct loader *ld, yaml_node_t *n, const char **out)
{
    const char *s;
    char q[64];
    int ret = scan_yaml_text(&ld->y, n, "dead_since", true, &s);
    if (ret < 0)
        return ret;
    if (!list_date_ok(s))
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG,
                              "bad date '%s' (expected YYYY-MM-DD, or YYYY-MM / YYYY)",
                              scan_yaml_shown(s, q, sizeof(q)));
    *out = list_cat_strdup(ld->cat, s);
    return *out ? 0 : -ENOMEM;
}

/* The id, zone and key rules that need more than one field. */
static int check_key_rules(struct loader *ld, yaml_node_t **keys, yaml_node_t **vals,
                           const struct list_entry *e, bool has_key)
{
    if (e->access == LIST_ACCESS_KEY && !e->key_env)
        return scan_yaml_fail(&ld->y, vals[K_ACCESS], SCAN_ECONFIG,
                              "access: key needs key_env (the variable that holds the key)");
    if (e->access == LIST_ACCESS_KEY && !has_key)
        return scan_yaml_fail(
            &ld->y, vals[K_ZONE], SCAN_ECONFIG,
            "access: key needs {key} in the zone, e.g. \"{key}.zen.dq.spamhaus.net\"");
    if (has_key && e->access != LIST_ACCESS_KEY)
        return scan_yaml_fail(&ld->y, vals[K_ZONE], SCAN_ECONFIG,
                              "the zone has {key} but access is not key");
    if (e->key_env && e->access != LIST_ACCESS_KEY)
        return scan_yaml_fail(&ld->y, keys[K_KEY_ENV], SCAN_ECONFIG,
                              "key_env is only for access: key");
    return 0;
}

static int check_dead_rules(struct loader *ld, yaml_node_t **keys, yaml_node_t **vals,
                            const struct list_entry *e)
{
    if (e->dead && !e->dead_since)
        return scan_yaml_fail(&ld->y, vals[K_STATUS], SCAN_ECONFIG,
                              "status: dead needs dead_since (the date it stopped)");
    if (e->dead && !e->dead_reason)
        return scan_yaml_fail(&ld->y, vals[K_STATUS], SCAN_ECONFIG,
                              "status: dead needs dead_reason");
    if (!e->dead && keys[K_DEAD_SINCE])
        return scan_yaml_fail(&ld->y, keys[K_DEAD_SINCE], SCAN_ECONFIG,
                              "dead_since is only for status: dead");
    if (!e->dead && keys[K_DEAD_REASON])
        return scan_yaml_fail(&ld->y, keys[K_DEAD_REASON], SCAN_ECONFIG,
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
            return scan_yaml_fail(&ld->y, vals[K_ID], SCAN_ECONFIG,
                                  "duplicate id '%s' (first at %s:%d)",
                                  scan_yaml_shown(e->id, q, sizeof(q)), o->file, o->line);
        if (strcasecmp(o->zone, e->zone) == 0)
            return scan_yaml_fail(&ld->y, vals[K_ZONE], SCAN_ECONFIG,
                                  "duplicate zone '%s' (first at %s:%d, id %s)",
                                  scan_yaml_shown(e->zone, q, sizeof(q)), o->file, o->line, o->id);
    }
    return 0;
}

int list_catalog_append(struct list_catalog *c, const struct list_entry *e)
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

const char *list_access_word(enum list_access a)
{
    return a <= LIST_ACCESS_KEY ? access_words[a] : NULL;
}

const char *list_domain_mode_word(enum list_domain_mode m)
{
    return m <= LIST_DOMAIN_BOTH ? mode_words[m] : NULL;
}
static const char *const status_words[] = {"active", "dead"};

/* An entry's nodes by key (NULL where the key is absent): keys[] for messages
 * about a key, vals[] for its value. */
struct entry_nodes {
    yaml_node_t *keys[K_COUNT], *vals[K_COUNT];
};

/* id and zone: what the list is called and where it is asked. */
static int load_names(struct loader *ld, struct entry_nodes *en, struct list_entry *e,
                      bool *has_key)
{
    yaml_node_t **vals = en->vals;
    const char *s;
    char q[64];
    int ret;

    if ((ret = scan_yaml_text(&ld->y, vals[K_ID], "id", true, &s)) < 0)
        return ret;
    if (!list_id_ok(s))
        return scan_yaml_fail(&ld->y, vals[K_ID], SCAN_ECONFIG,
                              "bad id '%s' (use a-z, 0-9 and '-', starting with a letter or digit, "
                              "at most 63)",
                              scan_yaml_shown(s, q, sizeof(q)));
    if (!(e->id = list_cat_strdup(ld->cat, s)))
        return -ENOMEM;

    if ((ret = scan_yaml_text(&ld->y, vals[K_ZONE], "zone", true, &s)) < 0)
        return ret;
    const char *why = list_name_problem(s, true, has_key);
    if (why)
        return scan_yaml_fail(&ld->y, vals[K_ZONE], SCAN_ECONFIG, "bad zone '%s': %s",
                              scan_yaml_shown(s, q, sizeof(q)), why);
    if (!(e->zone_template = list_cat_strdup(ld->cat, s)))
        return -ENOMEM;
    e->zone = e->zone_template; /* shown as written: "{key}" stays literal */
    return 0;
}

/* kinds, access, key_env (with the rules that tie a key to the zone) and domain_mode:
 * what the list takes and who may ask it. */
static int load_access(struct loader *ld, struct entry_nodes *en, struct list_entry *e,
                       bool has_key)
{
    yaml_node_t **vals = en->vals;
    const char *s;
    char q[64];
    int ret, w = 0;

    e->kinds = LIST_KIND_IP4;
    if (vals[K_KINDS] && (ret = load_kinds(ld, vals[K_KINDS], &e->kinds)) < 0)
        return ret;
    if (vals[K_ACCESS]) {
        if ((ret = scan_yaml_word(&ld->y, vals[K_ACCESS], "access", access_words, 3, &w)) < 0)
            return ret;
        e->access = (enum list_access)w;
    }
    if (vals[K_KEY_ENV]) {
        if ((ret = scan_yaml_text(&ld->y, vals[K_KEY_ENV], "key_env", true, &s)) < 0)
            return ret;
        if (!list_env_name_ok(s))
            return scan_yaml_fail(&ld->y, vals[K_KEY_ENV], SCAN_ECONFIG,
                                  "bad key_env '%s' (expected an environment variable name)",
                                  scan_yaml_shown(s, q, sizeof(q)));
        if (!(e->key_env = list_cat_strdup(ld->cat, s)))
            return -ENOMEM;
    }
    if ((ret = check_key_rules(ld, en->keys, en->vals, e, has_key)) < 0)
        return ret;
    if (vals[K_DOMAIN_MODE]) {
        if ((ret = scan_yaml_word(&ld->y, vals[K_DOMAIN_MODE], "domain_mode", mode_words, 3, &w)) <
            0)
            return ret;
        if (!(e->kinds & LIST_KIND_DOMAIN))
            return scan_yaml_fail(&ld->y, en->keys[K_DOMAIN_MODE], SCAN_ECONFIG,
                                  "domain_mode is only for lists whose kinds include domain");
        e->domain_mode = (enum list_domain_mode)w;
    }
    return 0;
}

/* txt, informational, scope, delist, rate, daily: how the list is read and used. */
static int load_use(struct loader *ld, struct entry_nodes *en, struct list_entry *e)
{
    yaml_node_t **vals = en->vals;
    int ret;

    if (vals[K_TXT] && (ret = scan_yaml_bool(&ld->y, vals[K_TXT], "txt", &e->txt)) < 0)
        return ret;
    if (vals[K_INFORMATIONAL] && (ret = scan_yaml_bool(&ld->y, vals[K_INFORMATIONAL],
                                                       "informational", &e->informational)) < 0)
        return ret;
    e->scope = LIST_SCOPE_IP;
    if (vals[K_SCOPE] && (ret = list_load_scope(ld, vals[K_SCOPE], &e->scope)) < 0)
        return ret;
    if (vals[K_DELIST] && (ret = load_delist(ld, vals[K_DELIST], &e->delist)) < 0)
        return ret;
    if (vals[K_RATE] && (ret = load_rate(ld, vals[K_RATE], &e->rate)) < 0)
        return ret;
    if (vals[K_DAILY] && (ret = load_daily(ld, vals[K_DAILY], &e->daily_limit)) < 0)
        return ret;
    return 0;
}

/* status, dead_since, dead_reason and the rules between them. */
static int load_status(struct loader *ld, struct entry_nodes *en, struct list_entry *e)
{
    yaml_node_t **vals = en->vals;
    int ret, w = 0;

    if (vals[K_STATUS]) {
        if ((ret = scan_yaml_word(&ld->y, vals[K_STATUS], "status", status_words, 2, &w)) < 0)
            return ret;
        e->dead = w == 1;
    }
    if (vals[K_DEAD_SINCE] && (ret = load_date(ld, vals[K_DEAD_SINCE], &e->dead_since)) < 0)
        return ret;
    if (vals[K_DEAD_REASON] &&
        (ret = list_text(ld, vals[K_DEAD_REASON], "dead_reason", &e->dead_reason)) < 0)
        return ret;
    return check_dead_rules(ld, en->keys, en->vals, e);
}

/*
 * One list entry. Pass one (the walk) rejects unknown and repeated keys; pass
 * two reads the fields in dependency order, each step with the rules that tie
 * its fields together; then codes, test points and uniqueness. Every failure
 * names the node it is about.
 */
static int load_entry(struct loader *ld, yaml_node_t *n)
{
    struct entry_nodes en;
    struct list_entry e = {0};
    bool has_key = false;
    int ret;

    static const struct scan_yaml_keys spec = {entry_keys, K_COUNT, "a list entry", NULL, false};
    if ((ret = scan_yaml_walk(&ld->y, n, &spec, en.keys, en.vals, NULL, NULL)) < 0)
        return ret;
    if (!en.vals[K_ID])
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "list entry has no 'id'");
    if (!en.vals[K_ZONE])
        return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "list entry has no 'zone'");
    e.file = ld->y.name;
    e.line = (int)n->start_mark.line + 1;
    if ((ret = load_names(ld, &en, &e, &has_key)) < 0 ||
        (ret = load_access(ld, &en, &e, has_key)) < 0 || (ret = load_use(ld, &en, &e)) < 0 ||
        (ret = load_status(ld, &en, &e)) < 0)
        return ret;
    if (en.vals[K_CODES] && (ret = list_load_codes(ld, en.vals[K_CODES], &e)) < 0)
        return ret;
    if ((ret = list_load_test_points(ld, en.vals[K_TEST_POINTS], &e)) < 0)
        return ret;
    if ((ret = check_unique(ld, en.vals, &e)) < 0)
        return ret;
    return list_catalog_append(ld->cat, &e);
}

static int load_root(struct loader *ld, yaml_node_t *root)
{
    static const char *const names[1] = {"lists"};
    static const struct scan_yaml_keys spec = {names, 1, "the top level", "lists", false};
    yaml_node_t *keys[1], *vals[1];
    int ret;
    if (root->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&ld->y, root, SCAN_ECONFIG,
                              "the top level must be a map with 'lists:'");
    if ((ret = scan_yaml_walk(&ld->y, root, &spec, keys, vals, NULL, NULL)) < 0)
        return ret;
    if (!vals[0])
        return scan_yaml_fail(&ld->y, root, SCAN_ECONFIG,
                              "the top level must be a map with 'lists:'");
    yaml_node_t *seq = vals[0];
    if (seq->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&ld->y, seq, SCAN_ECONFIG, "'lists' must be a list of entries");
    for (size_t i = 0; i < scan_yaml_count(seq); i++) {
        yaml_node_t *n;
        if ((ret = scan_yaml_item(&ld->y, seq, i, &n)) < 0)
            return ret;
        if (n->type != YAML_MAPPING_NODE)
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "a list entry must be a map, not %s",
                                  scan_yaml_kind(&ld->y, n));
        if (ld->cat->n >= CAT_MAX_ENTRIES)
            return scan_yaml_fail(&ld->y, n, SCAN_ECONFIG, "too many lists (the limit is %d)",
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
                     struct scan_diag *diag)
{
    struct loader ld = {.cat = cat, .y = {.doc = &ld.doc, .diag = diag, .say = &list_yaml_words}};
    struct list_yaml_src src = {.name = name, .buf = buf, .len = len, .what = "a catalog file"};
    int ret;

    if (!(ld.y.name = list_cat_strdup(cat, name))) {
        list_errno_msg(diag, name, -ENOMEM);
        return -ENOMEM;
    }
    ret = list_yaml_load(&src, &ld.doc, diag);
    if (ret != 0)
        return ret;
    yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
    if (!root)
        ret = scan_yaml_fail(&ld.y, NULL, SCAN_ECONFIG,
                             "empty catalog: expected a map with 'lists:'");
    else
        ret = load_root(&ld, root);
    if (ret == -ENOMEM)
        list_errno_msg(diag, name, ret);
    yaml_document_delete(&ld.doc);
    return ret;
}

static int load_file(struct list_catalog *cat, const char *path, struct scan_diag *diag)
{
    char *buf;
    size_t len = 0;
    int ret = list_yaml_read_file(path, &buf, &len);
    if (ret < 0) {
        list_errno_msg(diag, path, ret);
        return ret;
    }
    ret = load_text(cat, path, buf, len, diag);
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
static int load_dir(struct list_catalog *cat, const char *dir, struct scan_diag *diag)
{
    char **names = NULL, *path = NULL;
    size_t n = 0, cap = 0, dlen = strlen(dir);
    struct dirent *de;
    int ret = 0;
    DIR *d = opendir(dir);
    if (!d) {
        ret = -errno;
        list_errno_msg(diag, dir, ret);
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
        list_errno_msg(diag, dir, ret);
        goto out;
    }
    if (n == 0) {
        ret =
            scan_diag_fail(diag, SCAN_ECONFIG, "%s: no *.yaml or *.yml files in this folder", dir);
        goto out;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n && ret == 0; i++) {
        size_t plen = dlen + 1 + strlen(names[i]) + 1;
        free(path);
        if (!(path = malloc(plen))) {
            ret = -ENOMEM;
            list_errno_msg(diag, dir, ret);
            break;
        }
        snprintf(path, plen, "%.*s/%s", (int)dlen, dir, names[i]);
        ret = load_file(cat, path, diag);
    }
out:
    free(path);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return ret;
}

int list_catalog_load(const char *path, struct list_catalog **out, struct scan_diag *diag)
{
    struct stat st;
    struct list_catalog *cat = NULL;
    int ret;
    if (scan_fails_assert(path && out))
        return -EINVAL;
    *out = NULL;
    if (!(cat = calloc(1, sizeof(*cat)))) {
        ret = -ENOMEM;
        list_errno_msg(diag, path, ret);
        goto fail;
    }
    if (stat(path, &st) < 0) {
        ret = -errno;
        list_errno_msg(diag, path, ret);
        goto fail;
    }
    ret = S_ISDIR(st.st_mode) ? load_dir(cat, path, diag) : load_file(cat, path, diag);
    if (ret < 0)
        goto fail;
    *out = cat;
    return 0;
fail:
    list_catalog_free(cat);
    return ret;
}

int list_catalog_load_buf(const char *name, const char *buf, size_t len, struct list_catalog **out,
                          struct scan_diag *diag)
{
    struct list_catalog *cat = NULL;
    int ret;
    if (scan_fails_assert(out && (buf || len == 0)))
        return -EINVAL;
    *out = NULL;
    if (!name)
        name = "<buffer>";
    if (!(cat = calloc(1, sizeof(*cat)))) {
        list_errno_msg(diag, name, -ENOMEM);
        return -ENOMEM;
    }
    ret = load_text(cat, name, buf ? buf : "", len, diag);
    if (ret < 0) {
        list_catalog_free(cat);
        return ret;
    }
    *out = cat;
    return 0;
}
