/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNS view of one check job (see view.h for the replay model).
 *
 * A job sees a few dozen answers at most (SPF is capped at 10 lookups plus
 * void lookups and MX/PTR fan-out of 10), so entries live in a flat array
 * searched linearly: no hashing, no tuning, and a re-run costs microseconds.
 */
#include "scanner/dns/view.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"

struct view_entry {
    char *name;
    uint16_t type;
    unsigned flags;
    struct scan_answer *ans;
};

struct view_missing {
    char *name;
    uint16_t type;
    unsigned flags;
};

struct scan_view {
    struct view_entry *e;
    size_t n, cap;
    struct view_missing *m;
    size_t nm, capm;
};

struct scan_view *scan_view_new(void)
{
    return calloc(1, sizeof(struct scan_view));
}

void scan_view_free(struct scan_view *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        free(v->e[i].name);
        scan_answer_free(v->e[i].ans);
    }
    free(v->e);
    scan_view_missing_clear(v);
    free(v->m);
    free(v);
}

/* Copy @p name lower-cased without a trailing dot; validate label lengths. The
 * root is kept as ".". */
static int norm_name(const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    if (n == 1 && name[0] == '.' && cap >= 2) {
        memcpy(out, ".", 2);
        return 0;
    }
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > 253 || n >= cap)
        return -EINVAL;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c == '.') {
            if (label == 0)
                return -EINVAL;
            label = 0;
        } else if (++label > 63) {
            return -EINVAL;
        }
        out[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    if (label == 0)
        return -EINVAL;
    out[n] = '\0';
    return 0;
}

static struct view_entry *find(const struct scan_view *v, const char *name, uint16_t type,
                               unsigned flags)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->e[i].type == type && v->e[i].flags == flags && strcmp(v->e[i].name, name) == 0)
            return &v->e[i];
    return NULL;
}

int scan_view_get(struct scan_view *v, const char *name, uint16_t type,
                  const struct scan_answer **ans)
{
    return scan_view_get_flags(v, name, type, 0, ans);
}

int scan_view_get_flags(struct scan_view *v, const char *name, uint16_t type, unsigned flags,
                        const struct scan_answer **ans)
{
    char key[256];
    *ans = NULL;
    int ret = norm_name(name, key, sizeof(key));
    if (ret != 0)
        return ret;
    struct view_entry *e = find(v, key, type, flags);
    if (e) {
        *ans = e->ans;
        return 0;
    }
    for (size_t i = 0; i < v->nm; i++)
        if (v->m[i].type == type && v->m[i].flags == flags && strcmp(v->m[i].name, key) == 0)
            return -EAGAIN;
    if (v->nm == v->capm) {
        size_t cap = v->capm ? v->capm * 2 : 8;
        struct view_missing *m = realloc(v->m, cap * sizeof(*m));
        if (!m)
            return -ENOMEM;
        v->m = m;
        v->capm = cap;
    }
    char *dup = strdup(key);
    if (!dup)
        return -ENOMEM;
    v->m[v->nm].name = dup;
    v->m[v->nm].type = type;
    v->m[v->nm].flags = flags;
    v->nm++;
    return -EAGAIN;
}

int scan_view_put(struct scan_view *v, const char *name, uint16_t type, struct scan_answer *ans)
{
    return scan_view_put_flags(v, name, type, 0, ans);
}

int scan_view_put_flags(struct scan_view *v, const char *name, uint16_t type, unsigned flags,
                        struct scan_answer *ans)
{
    char key[256];
    if (!ans)
        return -ENOMEM; /* the caller's allocation of the answer failed */
    int ret = norm_name(name, key, sizeof(key));
    if (ret != 0 || find(v, key, type, flags)) {
        scan_answer_free(ans);
        return ret;
    }
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        struct view_entry *e = realloc(v->e, cap * sizeof(*e));
        if (!e) {
            scan_answer_free(ans);
            return -ENOMEM;
        }
        v->e = e;
        v->cap = cap;
    }
    char *dup = strdup(key);
    if (!dup) {
        scan_answer_free(ans);
        return -ENOMEM;
    }
    v->e[v->n].name = dup;
    v->e[v->n].type = type;
    v->e[v->n].flags = flags;
    v->e[v->n].ans = ans;
    v->n++;
    return 0;
}

size_t scan_view_missing_count(const struct scan_view *v)
{
    return v->nm;
}

void scan_view_missing_get(const struct scan_view *v, size_t i, const char **name, uint16_t *type)
{
    SCAN_REQUIRE(i < v->nm);
    *name = v->m[i].name;
    *type = v->m[i].type;
}

unsigned scan_view_missing_flags(const struct scan_view *v, size_t i)
{
    SCAN_REQUIRE(i < v->nm);
    return v->m[i].flags;
}

void scan_view_missing_clear(struct scan_view *v)
{
    for (size_t i = 0; i < v->nm; i++)
        free(v->m[i].name);
    v->nm = 0;
}

/* The step between two rounds of scan_view_drive(): every missing question
 * answered by @p fn, then the missing list cleared. @return 0, or the first
 * scan_view_put_flags() error (the rest still answered). */
static int answer_missing(struct scan_view *v, scan_view_answer_fn *fn, void *arg)
{
    int first = 0;
    for (size_t i = 0; i < v->nm; i++) {
        unsigned flags = v->m[i].flags;
        int ret = scan_view_put_flags(v, v->m[i].name, v->m[i].type, flags,
                                      fn(arg, v->m[i].name, v->m[i].type, flags));
        if (ret != 0 && first == 0)
            first = ret;
    }
    scan_view_missing_clear(v);
    return first;
}

/*
 * The contract is checked here, once, rather than in each driver: a check that
 * says -EAGAIN without recording a question would make any driver spin, and one
 * that hands back a result with -EAGAIN would leak it on the next round.
 */
int scan_view_run(struct scan_view *v, scan_view_run_fn *run, void *arg, void **out)
{
    *out = NULL;
    scan_view_missing_clear(v);
    int ret = run(v, arg, out);
    if (ret == -EAGAIN && (*out || v->nm == 0))
        return -EPROTO;
    return ret;
}

int scan_view_drive(struct scan_view *v, const struct scan_view_driver *d, void **out)
{
    *out = NULL;
    if (d->max_rounds == 0)
        return -EINVAL;
    for (unsigned round = 0; round < d->max_rounds; round++) {
        int ret = scan_view_run(v, d->run, d->run_arg, out);
        if (ret != -EAGAIN)
            return ret;
        ret = answer_missing(v, d->answer, d->answer_arg);
        if (ret != 0)
            return ret;
    }
    return -ELOOP;
}

size_t scan_view_size(const struct scan_view *v)
{
    return v->n;
}
