/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Job file parser: the bounded YAML loader (scanner/core/yamlload.h: size, nesting and
 * alias limits, one document, `FILE:LINE:COLUMN:` syntax errors), then a
 * table-driven walk of the mappings (scanner/core/yamlnode.h, in the job file's
 * words) that checks every key and type and keeps each value's position.
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

enum kind {
    K_STR,      /* any scalar, kept verbatim */
    K_PATH,     /* a scalar, resolved against the job file's directory */
    K_LIST,     /* a sequence of scalars */
    K_TARGETS,  /* a non-empty sequence of scalars; "@file" resolved like K_PATH */
    K_CHECKS,   /* a sequence of check names */
    K_FORMAT,   /* an output format word */
    K_BOOL,     /* int: -1 / 0 / 1 */
    K_INT,      /* long, a whole number in [lo, hi] */
    K_REAL,     /* double in [lo, hi] */
    K_SHARE,    /* double in (0, 1] */
    K_DURATION, /* int milliseconds, as cli_parse_duration() reads --timeout */
    K_POOLS,    /* the pools sequence */
    K_ALERTS,   /* the alerts mapping */
};

struct key {
    const char *name;
    enum kind kind;
    size_t off;
    double lo, hi; /* K_INT, K_REAL: the range the command-line flag accepts (its
                      CLI_*_LO/_HI in cli/options.h, which the option table reads too) */
};

#define JOB(field)   offsetof(struct cli_job, field)
#define ALERT(field) offsetof(struct cli_job_alerts, field)
#define POOL(field)  offsetof(struct cli_job_pool, field)

static const struct key top_keys[] = {
    {"state", K_PATH, JOB(state), 0, 0},
    {"wait", K_BOOL, JOB(wait), 0, 0},
    {"pools", K_POOLS, JOB(pools), 0, 0},
    {"domains", K_LIST, JOB(domains), 0, 0},
    {"spf_domains", K_LIST, JOB(spf_domains), 0, 0},
    {"lists", K_LIST, JOB(lists), 0, 0},
    {"checks", K_CHECKS, JOB(checks), 0, 0},
    {"dkim_selectors", K_LIST, JOB(dkim_selectors), 0, 0},
    {"bimi_selector", K_STR, JOB(bimi_selector), 0, 0},
    {"fetch", K_BOOL, JOB(fetch), 0, 0},
    {"ca_file", K_PATH, JOB(ca_file), 0, 0},
    {"resolvers", K_LIST, JOB(resolvers), 0, 0},
    {"catalog", K_PATH, JOB(catalog), 0, 0},
    {"trust_anchor", K_PATH, JOB(trust_anchor), 0, 0},
    {"expand", K_LIST, JOB(expand), 0, 0},
    {"resolve", K_BOOL, JOB(resolve), 0, 0},
    {"format", K_FORMAT, JOB(format), 0, 0},
    {"skip_invalid", K_BOOL, JOB(skip_invalid), 0, 0},
    {"rate", K_REAL, JOB(rate), CLI_RATE_LO, CLI_RATE_HI},
    {"concurrency", K_INT, JOB(concurrency), CLI_CONCURRENCY_LO, CLI_CONCURRENCY_HI},
    {"timeout", K_DURATION, JOB(timeout_ms), 0, 0},
    {"tries", K_INT, JOB(tries), CLI_TRIES_LO, CLI_TRIES_HI},
    {"anomaly_share", K_SHARE, JOB(anomaly_share), CLI_SHARE_LO, CLI_SHARE_HI},
    {"anomaly_min", K_INT, JOB(anomaly_min), CLI_ANOMALY_MIN_LO, CLI_ANOMALY_MIN_HI},
    {"alerts", K_ALERTS, JOB(alerts), 0, 0},
};

static const struct key alert_keys[] = {
    {"delta", K_PATH, ALERT(delta), 0, 0},
    {"prom", K_PATH, ALERT(prom), 0, 0},
    {"on_change", K_STR, ALERT(on_change), 0, 0},
    {"on_change_timeout", K_DURATION, ALERT(on_change_timeout_ms), 0, 0},
    {"nagios", K_BOOL, ALERT(nagios), 0, 0},
    {"warning", K_INT, ALERT(warning), CLI_LISTINGS_LO, CLI_LISTINGS_HI},
    {"critical", K_INT, ALERT(critical), CLI_LISTINGS_LO, CLI_LISTINGS_HI},
};

static const struct key pool_keys[] = {
    {"label", K_STR, POOL(label), 0, 0},
    {"targets", K_TARGETS, POOL(targets), 0, 0},
    {"lists", K_LIST, POOL(lists), 0, 0},
};

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

static int take_list(struct parse *p, const yaml_node_t *n, const char *key, enum kind kind,
                     struct cli_job_list *out)
{
    size_t count;
    int ret;

    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&p->y, n, SCAN_EPARSE, "'%s' must be a sequence, not %s", key,
                              scan_yaml_kind(&p->y, n));
    count = scan_yaml_count(n);
    if (count == 0 && kind == K_TARGETS)
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
        if (kind == K_CHECKS) {
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
        if (kind == K_TARGETS && s->s[0] == '@' && s->s[1] != '/' && p->dir) {
            char *abs = NULL;
            if (asprintf(&abs, "@%s%s", p->dir, s->s + 1) < 0)
                return -ENOMEM;
            free(s->s);
            s->s = abs;
        }
    }
    return 0;
}

static int take_bool(struct parse *p, const yaml_node_t *n, const char *key, int *out)
{
    bool b;
    int ret = scan_yaml_bool(&p->y, n, key, &b);

    if (ret == 0)
        *out = b;
    return ret;
}

static int take_number(struct parse *p, const yaml_node_t *n, const struct key *key, void *out)
{
    double v;
    int ret;

    if (key->kind == K_DURATION) {
        int ms = scan_yaml_is_plain(n) ? cli_parse_duration(scan_yaml_scalar(n)) : -1;
        if (ms < 0)
            return scan_yaml_fail(
                &p->y, n, SCAN_EPARSE,
                "'%s' must be a duration from 1ms to 10m (500ms, 2s, 1m or seconds)", key->name);
        *(int *)out = ms;
        return 0;
    }
    if (key->kind == K_SHARE) {
        if ((ret = scan_yaml_real(&p->y, n, key->name, &v)) != 0)
            return ret;
        if (v <= 0 || v > 1)
            return scan_yaml_fail(&p->y, n, SCAN_ECONFIG, "'%s' must be more than 0 and at most 1",
                                  key->name);
        *(double *)out = v;
        return 0;
    }
    ret = scan_yaml_number(&p->y, n, key->name, key->lo, key->hi, key->kind == K_INT, &v);
    if (ret != 0)
        return ret;
    if (key->kind == K_INT)
        *(long *)out = (long)v;
    else
        *(double *)out = v;
    return 0;
}

/* --- mappings ----------------------------------------------------------------- */

static int walk_mapping(struct parse *p, const yaml_node_t *n, const char *what,
                        const struct key *keys, size_t nkeys, void *base);

static int take_pools(struct parse *p, const yaml_node_t *n)
{
    struct cli_job *job = p->job;
    size_t count;
    int ret;

    if (n->type != YAML_SEQUENCE_NODE)
        return scan_yaml_fail(&p->y, n, SCAN_EPARSE, "'pools' must be a sequence, not %s",
                              scan_yaml_kind(&p->y, n));
    count = scan_yaml_count(n);
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
        ret = walk_mapping(p, item, "pool", pool_keys, sizeof(pool_keys) / sizeof(pool_keys[0]),
                           pool);
        if (ret != 0)
            return ret;
        if (!pool->targets.set)
            return scan_yaml_fail(&p->y, item, SCAN_EPARSE, "a pool needs 'targets'");
    }
    return 0;
}

/* One mapping being walked: its key table and the struct its values go to. */
struct walk {
    struct parse *p;
    const struct key *keys;
    void *base;
};

/* One key of a mapping, known and not repeated (scan_yaml_walk()): its value into its field. */
static int take_value(void *arg, size_t i, yaml_node_t *k, yaml_node_t *v)
{
    struct walk *w = arg;
    struct parse *p = w->p;
    const struct key *key = &w->keys[i];
    void *field = (char *)w->base + key->off;

    if (w->keys == top_keys && p->job->nmarks < sizeof(p->job->marks) / sizeof(p->job->marks[0]))
        p->job->marks[p->job->nmarks++] = (struct cli_job_mark){
            key->name, (unsigned)k->start_mark.line + 1, (unsigned)k->start_mark.column + 1};
    switch (key->kind) {
    case K_STR:
    case K_PATH:
        return take_string(p, v, key->name, key->kind == K_PATH, field);
    case K_LIST:
    case K_TARGETS:
    case K_CHECKS:
        return take_list(p, v, key->name, key->kind, field);
    case K_BOOL:
        return take_bool(p, v, key->name, field);
    case K_FORMAT:
        return take_word(p, v, key->name, format_names,
                         sizeof(format_names) / sizeof(format_names[0]), field);
    case K_POOLS:
        return take_pools(p, v);
    case K_ALERTS:
        if (v->type != YAML_MAPPING_NODE)
            return scan_yaml_fail(&p->y, v, SCAN_EPARSE, "'alerts' must be a mapping, not %s",
                                  scan_yaml_kind(&p->y, v));
        return walk_mapping(p, v, "alerts", alert_keys, sizeof(alert_keys) / sizeof(alert_keys[0]),
                            field);
    default:
        return take_number(p, v, key, field);
    }
}

/* Each key of mapping @p n, in the order written, against the table @p keys. */
static int walk_mapping(struct parse *p, const yaml_node_t *n, const char *what,
                        const struct key *keys, size_t nkeys, void *base)
{
    const char *names[32];
    yaml_node_t *knodes[32], *vnodes[32];
    struct walk w = {p, keys, base};

    SCAN_REQUIRE(nkeys <= sizeof(names) / sizeof(names[0]));
    for (size_t i = 0; i < nkeys; i++)
        names[i] = keys[i].name;
    return scan_yaml_walk(&p->y, n, &(struct scan_yaml_keys){names, nkeys, what, NULL, true},
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
    job->wait = job->skip_invalid = job->fetch = job->resolve = -1;
    job->rate = job->anomaly_share = -1;
    job->timeout_ms = -1;
    job->concurrency = job->tries = job->anomaly_min = -1;
    job->alerts.on_change_timeout_ms = -1;
    job->alerts.nagios = -1;
    job->alerts.warning = job->alerts.critical = -1;
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
    ret = walk_mapping(p, root, "the job file", top_keys, sizeof(top_keys) / sizeof(top_keys[0]),
                       p->job);
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

size_t cli_job_keys(const char **names, size_t max)
{
    static const struct {
        const struct key *keys;
        size_t n;
        const char *prefix;
    } tables[] = {
        {top_keys, sizeof(top_keys) / sizeof(top_keys[0]), ""},
        {pool_keys, sizeof(pool_keys) / sizeof(pool_keys[0]), "pools[]."},
        {alert_keys, sizeof(alert_keys) / sizeof(alert_keys[0]), "alerts."},
    };
    static char buf[64][32];
    size_t n = 0;

    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        for (size_t i = 0; i < tables[t].n; i++) {
            if (tables[t].keys[i].kind == K_ALERTS)
                continue; /* a mapping of keys, listed one by one */
            SCAN_REQUIRE(n < sizeof(buf) / sizeof(buf[0]));
            snprintf(buf[n], sizeof(buf[n]), "%s%s", tables[t].prefix, tables[t].keys[i].name);
            if (n < max)
                names[n] = buf[n];
            n++;
        }
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

void cli_job_free(struct cli_job *job)
{
    if (!job)
        return;
    for (size_t i = 0; i < job->npools; i++) {
        free_str(&job->pools[i].label);
        free_list(&job->pools[i].targets);
        free_list(&job->pools[i].lists);
    }
    free(job->pools);
    free_str(&job->state);
    free_str(&job->catalog);
    free_str(&job->trust_anchor);
    free_list(&job->expand);
    free_str(&job->format);
    free_list(&job->domains);
    free_list(&job->spf_domains);
    free_list(&job->dkim_selectors);
    free_str(&job->bimi_selector);
    free_str(&job->ca_file);
    free_list(&job->lists);
    free_list(&job->checks);
    free_list(&job->resolvers);
    free_str(&job->alerts.delta);
    free_str(&job->alerts.prom);
    free_str(&job->alerts.on_change);
    free(job->file);
    free(job);
}
