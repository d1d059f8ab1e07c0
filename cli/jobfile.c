/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Job file parser: the bounded YAML loader (scanner/core/yamlload.h: size, nesting and
 * alias limits, one document, `FILE:LINE:COLUMN:` syntax errors), then a
 * table-driven walk of the mappings (scanner/core/yamlnode.h, in the job file's
 * words) that checks every key and type and keeps each value's position. The keys
 * that set an option are the option table's (cli/options.h: each row's key, kind,
 * range and struct cli_job field); only the keys no option has are written here.
 *
 * One file on purpose (just over 600 lines): the job file's schema, its walk and
 * the life of a struct cli_job read the same key rows, and splitting them would put
 * a private header between a table and its only readers.
 */
#include "cli/jobfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "cli/options.h"
#include "cli/opts.h"
#include "scanner/core/yamlload.h"
#include "scanner/core/yamlnode.h"
#include "scanner/core/err.h"
#include "scanner/core/result.h"

/*
 * The keys. An option's key is read by its row of the option table (cli/options.c),
 * which names the key, its kind, its range and its struct cli_job field once. The
 * keys only the job file has (pools, domains, the alerts mapping, a pool's keys) are
 * rows of their own here, in the same walk.
 */

/* How a key only the job file has is read. */
enum only_kind {
    J_OPTION,  /* not job-only: option opt's key, read by its row */
    J_STR,     /* any scalar, kept verbatim */
    J_LIST,    /* a sequence of scalars */
    J_TARGETS, /* a non-empty sequence of scalars; "@file" resolved against the folder */
    J_POOLS,   /* a sequence of mappings of pool_keys */
    J_MAPPING, /* a mapping of the options' keys "NAME.KEY" (alerts) */
};

struct key {
    enum only_kind kind;
    enum cli_opt_id opt; /* J_OPTION: its row */
    const char *name;    /* the others: the key */
    size_t off;          /* J_STR, J_LIST, J_TARGETS: the field, in the mapping's struct */
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_KEYS 32 /* in one mapping */

/* The top-level keys in the order an unknown key's message lists them (that of
 * jobfile.h's example): the options' by their id, the job-only ones whole. An
 * option's key may be left out: the keys of rows not named here follow, in the
 * table's order (collect()). */
/* clang-format off */
#define OPTION(id)               {J_OPTION, id, NULL, 0}
#define ONLY(name, kind, s, fld) {kind, CLI_O_COUNT, name, offsetof(s, fld)}
static const struct key top_keys[] = {
    OPTION(CLI_O_STATE), OPTION(CLI_O_WAIT),
    ONLY("pools", J_POOLS, struct cli_job, pools),
    ONLY("domains", J_LIST, struct cli_job, domains),
    OPTION(CLI_O_SPF_DOMAIN), OPTION(CLI_O_LIST), OPTION(CLI_O_CHECKS),
    OPTION(CLI_O_DKIM_SELECTOR), OPTION(CLI_O_BIMI_SELECTOR), OPTION(CLI_O_NO_FETCH),
    OPTION(CLI_O_CA_FILE), OPTION(CLI_O_RESOLVER), OPTION(CLI_O_LISTS),
    OPTION(CLI_O_TRUST_ANCHOR), OPTION(CLI_O_EXPAND), OPTION(CLI_O_RESOLVE),
    OPTION(CLI_O_FORMAT), OPTION(CLI_O_SKIP_INVALID), OPTION(CLI_O_RATE),
    OPTION(CLI_O_CONCURRENCY), OPTION(CLI_O_TIMEOUT), OPTION(CLI_O_TRIES),
    OPTION(CLI_O_ANOMALY_SHARE), OPTION(CLI_O_ANOMALY_MIN),
    ONLY("alerts", J_MAPPING, struct cli_job, alerts),
};

static const struct key pool_keys[] = {
    ONLY("label", J_STR, struct cli_job_pool, label),
    ONLY("targets", J_TARGETS, struct cli_job_pool, targets),
    ONLY("lists", J_LIST, struct cli_job_pool, lists),
};
/* clang-format on */

#define POOL_PREFIX "pools[]." /* a pool's keys in cli_job_keys() */

static const char *const format_names[] = {CLI_FORMAT_WORDS};

/*
 * The job file's words for scanner/core/yamlnode.h. A job file is written by an
 * operator who knows YAML: a mapping is "a mapping"; a null is not a string; control
 * characters are taken (a command line may hold a tab); booleans are YAML 1.1's
 * unquoted true/yes/on and false/no/off; a value of the wrong type is SCAN_EPARSE.
 */
static const struct scan_yaml_dialect job_words = {
    .kind = {"a scalar", "a sequence", "a mapping"},
    .code = SCAN_EPARSE,
    .show = false,
    .not_scalar = "'%s' must be a string, not %s",
    .null_kind = "empty",
    .nul = "'%s' holds a NUL byte",
    .control = NULL,
    .empty = "'%s' must not be empty",
    .bad_word = "unknown %s '%s' (expected %s)",
    .word_nonempty = true,
    .plain_bool = true,
    .bad_bool = "'%s' must be true or false, not %s",
    .key_word = "a plain word",
};

struct parse {
    struct scan_yaml y; /* the document, the file name, the message */
    struct cli_job *job;
    char *dir; /* the job file's directory with a trailing '/', or NULL */
};

/* --- values ----------------------------------------------------------------- */

/* Keep @p s (a path resolved against the job file's directory) and where @p n is. */
static int keep(struct parse *p, const yaml_node_t *n, const char *s, bool path,
                struct cli_job_str *out)
{
    if (path && p->dir && s[0] != '/') {
        if (asprintf(&out->s, "%s%s", p->dir, s) < 0)
            out->s = NULL;
    } else {
        out->s = strdup(s);
    }
    if (!out->s)
        return -ENOMEM;
    out->line = (unsigned)n->start_mark.line + 1;
    out->col = (unsigned)n->start_mark.column + 1;
    return 0;
}

static int take_string(struct parse *p, const yaml_node_t *n, const char *key, bool path,
                       struct cli_job_str *out)
{
    const char *s;
    int ret = scan_yaml_text(&p->y, n, key, true, &s);

    return ret != 0 ? ret : keep(p, n, s, path, out);
}

/* A string that must be one of @p nwords @p words. */
static int take_word(struct parse *p, const yaml_node_t *n, const char *key,
                     const char *const *words, size_t nwords, struct cli_job_str *out)
{
    int i, ret = scan_yaml_word(&p->y, n, key, words, nwords, &i);

    return ret != 0 ? ret : keep(p, n, words[i], false, out);
}

/* The items of sequence @p n (named @p key in messages). */
static int sequence(struct parse *p, const yaml_node_t *n, const char *key, size_t *count)
{
    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&p->y, n, SCAN_EPARSE, "'%s' must be a sequence, not %s", key,
                              scan_yaml_kind(&p->y, n));
    *count = scan_yaml_count(n);
    return 0;
}

/* What a sequence holds. */
enum items {
    I_STRINGS, /* scalars */
    I_TARGETS, /* at least one; "@file" resolved against the job file's directory */
    I_CHECKS,  /* check names */
};

static int take_list(struct parse *p, const yaml_node_t *n, const char *key, enum items items,
                     struct cli_job_list *out)
{
    size_t count = 0;
    int ret;

    if ((ret = sequence(p, n, key, &count)) != 0)
        return ret;
    if (count == 0 && items == I_TARGETS)
        return scan_yaml_fail(&p->y, n, SCAN_EPARSE, "'%s' must not be empty", key);
    out->set = true;
    out->v = calloc(count ? count : 1, sizeof(*out->v));
    if (!out->v)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        struct cli_job_str *s = &out->v[out->n];
        yaml_node_t *item;

        if ((ret = scan_yaml_item(&p->y, n, i, &item)) != 0)
            return ret;
        if (items == I_CHECKS) {
            /* The check names are the vocabulary's (scanner/core/vocab.c), in bit order. */
            const char *names[32];
            size_t nnames = 0;
            for (unsigned bit = 1; bit & SCAN_CHECK_ALL; bit <<= 1)
                names[nnames++] = scan_check_name(bit);
            ret = take_word(p, item, "check", names, nnames, s);
        } else {
            ret = take_string(p, item, key, false, s);
        }
        if (s->s)
            out->n++; /* owned by the list from here on */
        if (ret != 0)
            return ret;
        if (items == I_TARGETS && s->s[0] == '@' && s->s[1] != '/' && p->dir) {
            char *abs = NULL;
            if (asprintf(&abs, "@%s%s", p->dir, s->s + 1) < 0)
                return -ENOMEM;
            free(s->s);
            s->s = abs;
        }
    }
    return 0;
}

/* A number, a duration or a boolean of option @p row, checked as its row says. */
static int take_number(struct parse *p, const yaml_node_t *n, const char *key,
                       const struct cli_option *row)
{
    bool b;
    double v;
    int ret;

    switch (row->kind) {
    case CLI_K_SWITCH:
    case CLI_K_OFF:
        if ((ret = scan_yaml_bool(&p->y, n, key, &b)) != 0)
            return ret;
        v = b;
        break;
    case CLI_K_DURATION:
        v = scan_yaml_is_plain(n) ? cli_parse_duration(scan_yaml_scalar(n)) : -1;
        if (v < 0)
            return scan_yaml_fail(&p->y, n, SCAN_EPARSE,
                                  "'%s' must be a duration from " CLI_DURATION_RANGE
                                  " (500ms, 2s, 1m or seconds)",
                                  key);
        break;
    case CLI_K_SHARE: /* above lo, up to hi */
        if ((ret = scan_yaml_real(&p->y, n, key, &v)) != 0)
            return ret;
        if (!(v > row->lo && v <= row->hi))
            return scan_yaml_fail(&p->y, n, SCAN_ECONFIG,
                                  "'%s' must be more than %.15g and at most %.15g", key, row->lo,
                                  row->hi);
        break;
    default: /* CLI_K_INT, CLI_K_REAL */
        ret = scan_yaml_number(&p->y, n, key, row->lo, row->hi, row->kind == CLI_K_INT, &v);
        if (ret != 0)
            return ret;
        break;
    }
    cli_field_set_number((char *)p->job + row->job_off, row->job_type, v);
    return 0;
}

/* The value of option @p row's key (@p key in its mapping), read by the row's kind. */
static int take_option(struct parse *p, const yaml_node_t *n, const char *key,
                       const struct cli_option *row)
{
    void *field = (char *)p->job + row->job_off;

    SCAN_REQUIRE(row->kind != CLI_K_SPECIAL && row->kind != CLI_K_ACTION);
    switch (row->job_type) {
    case CLI_T_JOB_STR:
        if (row->kind == CLI_K_FORMAT)
            return take_word(p, n, key, format_names, COUNT(format_names), field);
        return take_string(p, n, key, row->kind == CLI_K_PATH, field);
    case CLI_T_JOB_LIST:
        return take_list(p, n, key, row->kind == CLI_K_CHECKS ? I_CHECKS : I_STRINGS, field);
    default:
        return take_number(p, n, key, row);
    }
}

/* --- mappings ----------------------------------------------------------------- */

/* One mapping being walked: its keys (names[i] is an option's row[i], or only[i]) and
 * the struct its job-only keys fill. */
struct walk {
    struct parse *p;
    void *base;
    bool top; /* the top level, whose keys' places are kept (cli_job_key_where()) */
    size_t n;
    const char *names[MAX_KEYS];
    const struct cli_option *row[MAX_KEYS];
    const struct key *only[MAX_KEYS];
};

static void add_key(struct walk *w, const char *name, const struct cli_option *row,
                    const struct key *only)
{
    SCAN_REQUIRE(w->n < COUNT(w->names));
    w->names[w->n] = name;
    w->row[w->n] = row;
    w->only[w->n++] = only;
}

/* The keys of the mapping @p prefix names ("" at the top level, "alerts.", ...): @p keys
 * in their order, then each option row whose key is PREFIX + a name that @p keys leave
 * out, in the table's order. */
static void collect(struct walk *w, const struct key *keys, size_t nkeys, const char *prefix)
{
    size_t len = strlen(prefix);

    for (size_t i = 0; i < nkeys; i++) {
        if (keys[i].kind != J_OPTION) {
            add_key(w, keys[i].name, NULL, &keys[i]);
            continue;
        }
        const struct cli_option *row = &cli_options[keys[i].opt];
        SCAN_REQUIRE(row->key && strncmp(row->key, prefix, len) == 0);
        add_key(w, row->key + len, row, NULL);
    }
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        bool named = false;
        if (!row->key || strncmp(row->key, prefix, len) != 0 || strchr(row->key + len, '.'))
            continue; /* no key, or one of another mapping */
        for (size_t k = 0; k < w->n; k++)
            named |= w->row[k] == row;
        if (!named)
            add_key(w, row->key + len, row, NULL);
    }
}

static int walk_mapping(struct parse *p, const yaml_node_t *n, const char *what,
                        const struct key *keys, size_t nkeys, const char *prefix, void *base);

static int take_pools(struct parse *p, const yaml_node_t *n, const char *key)
{
    struct cli_job *job = p->job;
    size_t count = 0;
    int ret;

    if ((ret = sequence(p, n, key, &count)) != 0)
        return ret;
    job->pools = calloc(count ? count : 1, sizeof(*job->pools));
    if (!job->pools)
        return -ENOMEM;
    for (size_t i = 0; i < count; i++) {
        struct cli_job_pool *pool = &job->pools[job->npools++];
        yaml_node_t *item;

        if ((ret = scan_yaml_item(&p->y, n, i, &item)) != 0)
            return ret;
        if (item->type != YAML_MAPPING_NODE)
            return scan_yaml_fail(
                &p->y, item, SCAN_EPARSE,
                "a pool must be a mapping {label: ..., targets: [...], lists: [...]}, not %s",
                scan_yaml_kind(&p->y, item));
        ret = walk_mapping(p, item, "pool", pool_keys, COUNT(pool_keys), POOL_PREFIX, pool);
        if (ret != 0)
            return ret;
        if (!pool->targets.set)
            return scan_yaml_fail(&p->y, item, SCAN_EPARSE, "a pool needs 'targets'");
    }
    return 0;
}

/* A job-only key's value, into its field of @p base. */
static int take_only(struct parse *p, const yaml_node_t *n, const struct key *key, void *base)
{
    void *field = (char *)base + key->off;
    char prefix[32];

    switch (key->kind) {
    case J_STR:
        return take_string(p, n, key->name, false, field);
    case J_LIST:
    case J_TARGETS:
        return take_list(p, n, key->name, key->kind == J_TARGETS ? I_TARGETS : I_STRINGS, field);
    case J_POOLS:
        return take_pools(p, n, key->name);
    case J_MAPPING:
        if (n->type != YAML_MAPPING_NODE)
            return scan_yaml_fail(&p->y, n, SCAN_EPARSE, "'%s' must be a mapping, not %s",
                                  key->name, scan_yaml_kind(&p->y, n));
        snprintf(prefix, sizeof(prefix), "%s.", key->name);
        return walk_mapping(p, n, key->name, NULL, 0, prefix, base);
    case J_OPTION:
        break;
    }
    SCAN_REQUIRE(!"an option's key is read by its row");
    return -EINVAL;
}

/* One key of a mapping, known and not repeated (scan_yaml_walk()): its value into its field. */
static int take_value(void *arg, size_t i, yaml_node_t *k, yaml_node_t *v)
{
    struct walk *w = arg;
    struct cli_job *job = w->p->job;

    if (w->top && job->nmarks < COUNT(job->marks))
        job->marks[job->nmarks++] = (struct cli_job_mark){
            w->names[i], (unsigned)k->start_mark.line + 1, (unsigned)k->start_mark.column + 1};
    if (w->row[i])
        return take_option(w->p, v, w->names[i], w->row[i]);
    return take_only(w->p, v, w->only[i], w->base);
}

/* Each key of mapping @p n, in the order written, against its keys (collect()). */
static int walk_mapping(struct parse *p, const yaml_node_t *n, const char *what,
                        const struct key *keys, size_t nkeys, const char *prefix, void *base)
{
    yaml_node_t *knodes[MAX_KEYS], *vnodes[MAX_KEYS];
    struct walk w = {.p = p, .base = base, .top = *prefix == '\0'};

    collect(&w, keys, nkeys, prefix);
    return scan_yaml_walk(&p->y, n, &(struct scan_yaml_keys){w.names, w.n, what, NULL, true},
                          knodes, vnodes, take_value, &w);
}

/* --- entry points ----------------------------------------------------------------- */

static struct cli_job *job_new(const char *name)
{
    struct cli_job *job = calloc(1, sizeof(*job));

    if (!job)
        return NULL;
    job->file = strdup(name);
    if (!job->file) {
        free(job);
        return NULL;
    }
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        if (row->key && row->job_type != CLI_T_JOB_STR && row->job_type != CLI_T_JOB_LIST)
            cli_field_set_number((char *)job + row->job_off, row->job_type, -1); /* not set */
    }
    return job;
}

/* Walk a loaded document. */
static int parse(struct parse *p, yaml_document_t *doc)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    int ret;

    p->y.doc = doc;
    if (!root)
        return scan_yaml_fail(&p->y, NULL, SCAN_EPARSE, "the job file is empty");
    if (root->type != YAML_MAPPING_NODE)
        return scan_yaml_fail(&p->y, root, SCAN_EPARSE,
                              "the job file must be a mapping of keys, not %s",
                              scan_yaml_kind(&p->y, root));
    ret = walk_mapping(p, root, "the job file", top_keys, COUNT(top_keys), "", p->job);
    if (ret == 0 && p->job->alerts.warning >= 0 && p->job->alerts.critical >= 0 &&
        p->job->alerts.critical < p->job->alerts.warning)
        ret = scan_yaml_fail(&p->y, root, SCAN_ECONFIG,
                             "alerts: 'critical' (%ld) is below 'warning' (%ld)",
                             p->job->alerts.critical, p->job->alerts.warning);
    return ret;
}

/* The directory part of @p name with a trailing '/', or NULL when it has none. */
static int dir_of(const char *name, char **dir)
{
    const char *slash = strrchr(name, '/');

    *dir = NULL;
    if (!slash)
        return 0;
    *dir = strndup(name, (size_t)(slash - name) + 1);
    return *dir ? 0 : -ENOMEM;
}

/* Parse @p len bytes within the limits of every YAML file (scanner/core/yamlload.h). */
static int run(const char *name, const char *buf, size_t len, struct cli_job **out,
               struct scan_diag *diag)
{
    struct parse p = {.y = {.name = name, .diag = diag, .say = &job_words}};
    struct list_yaml_src src = {.name = name, .buf = buf, .len = len, .what = "a job file"};
    yaml_document_t doc;
    int ret;

    p.job = job_new(name);
    if (!p.job)
        return -ENOMEM;
    ret = dir_of(name, &p.dir);
    if (ret != 0)
        goto out;
    ret = list_yaml_load(&src, &doc, diag);
    if (ret != 0)
        goto out;
    ret = parse(&p, &doc);
    yaml_document_delete(&doc);
out:
    free(p.dir);
    if (ret != 0) {
        cli_job_free(p.job);
        if (ret == -ENOMEM)
            scan_diag_fail(diag, ret, "%s: out of memory", name);
        return ret;
    }
    *out = p.job;
    return 0;
}

int cli_job_parse(const char *name, const char *buf, size_t len, struct cli_job **out,
                  struct scan_diag *diag)
{
    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!name || (!buf && len))
        return -EINVAL;
    return run(name, buf ? buf : "", len, out, diag);
}

int cli_job_load(const char *path, struct cli_job **out, struct scan_diag *diag)
{
    char *buf = NULL;
    size_t len = 0;
    int ret;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!path)
        return -EINVAL;
    ret = list_yaml_read_file(path, &buf, &len);
    if (ret != 0)
        return scan_diag_fail(diag, ret, "%s: %s", path, scan_strerror(ret));
    ret = run(path, buf, len, out, diag);
    free(buf);
    return ret;
}

/* The keys of walk @p w as PREFIX + name into @p names from @p n on, but for the
 * mappings (their keys are listed one by one). @return the new count. */
static size_t list_keys(const struct walk *w, const char *prefix, const char **names, size_t max,
                        size_t n)
{
    static char buf[64][32];

    for (size_t i = 0; i < w->n; i++) {
        if (w->only[i] && w->only[i]->kind == J_MAPPING)
            continue;
        SCAN_REQUIRE(n < COUNT(buf));
        snprintf(buf[n], sizeof(buf[n]), "%s%s", prefix, w->names[i]);
        if (n < max)
            names[n] = buf[n];
        n++;
    }
    return n;
}

size_t cli_job_keys(const char **names, size_t max)
{
    struct walk top = {0}, pool = {0};
    size_t n;

    collect(&top, top_keys, COUNT(top_keys), "");
    collect(&pool, pool_keys, COUNT(pool_keys), POOL_PREFIX);
    n = list_keys(&top, "", names, max, 0);
    n = list_keys(&pool, POOL_PREFIX, names, max, n);
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const char *key = cli_options[i].key;
        if (!key || !strchr(key, '.'))
            continue; /* listed above, unless it is inside a mapping ("alerts.delta") */
        if (n < max)
            names[n] = key;
        n++;
    }
    return n;
}

bool cli_job_key_where(const struct cli_job *job, const char *key, unsigned *line, unsigned *col)
{
    for (size_t i = 0; job && i < job->nmarks; i++)
        if (strcmp(job->marks[i].key, key) == 0) {
            *line = job->marks[i].line;
            *col = job->marks[i].col;
            return true;
        }
    return false;
}

static void free_str(struct cli_job_str *s)
{
    free(s->s);
}

static void free_list(struct cli_job_list *l)
{
    for (size_t i = 0; l->v && i < l->n; i++)
        free_str(&l->v[i]);
    free(l->v);
}

/* The strings and lists of the job-only @p keys, in their struct @p base. */
static void free_only(const struct key *keys, size_t nkeys, void *base)
{
    for (size_t i = 0; i < nkeys; i++) {
        void *field = (char *)base + keys[i].off;
        if (keys[i].kind == J_STR)
            free_str(field);
        else if (keys[i].kind == J_LIST || keys[i].kind == J_TARGETS)
            free_list(field);
    }
}

void cli_job_free(struct cli_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->npools; i++)
        free_only(pool_keys, COUNT(pool_keys), &job->pools[i]);
    free(job->pools);
    free_only(top_keys, COUNT(top_keys), job);
    for (size_t i = 0; i < CLI_O_COUNT; i++) {
        const struct cli_option *row = &cli_options[i];
        void *field = (char *)job + row->job_off;
        if (row->key && row->job_type == CLI_T_JOB_STR)
            free_str(field);
        else if (row->key && row->job_type == CLI_T_JOB_LIST)
            free_list(field);
    }
    free(job->file);
    free(job);
}
