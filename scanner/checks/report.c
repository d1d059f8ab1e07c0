/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The report builder (see report.h).
 *
 * Fields are collected in growable buffers that own copies of every string.
 * scan_report_result() assembles the read-only struct scan_result view over
 * them; the assembled arrays are rebuilt on every call, because any append
 * may move the buffers. Allocation failures are sticky (r->oom) so checks
 * can build a report without testing every call.
 */
#include "scanner/checks/report.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/text.h"

struct rfield {
    char *name;
    enum scan_field_type type;
    char *str;
    int64_t i;
    bool b;
    char **strv;
    size_t nv, capv;
    struct scan_report_obj **objv;
};

struct fbuf {
    struct rfield *f;
    size_t n, cap;
};

struct scan_report_obj {
    struct scan_report *owner;
    struct fbuf fb;
};

struct scan_report {
    char *target;
    enum scan_check check;
    enum scan_status st;
    enum scan_reason why;
    struct fbuf fb;
    bool oom;
    struct scan_result res;
    void **built; /* allocations of the last assembly */
    size_t nbuilt, capbuilt;
    struct scan_report *next; /* further results (scan_report_add()), owned by the head */
    struct scan_report *head; /* the first result; NULL in the head itself */
};

static char *xstrdup(struct scan_report *r, const char *s)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        r->oom = true;
    return d;
}

static void fbuf_free(struct fbuf *fb);

static void obj_free(struct scan_report_obj *o)
{
    if (!o)
        return;
    fbuf_free(&o->fb);
    free(o);
}

static void fbuf_free(struct fbuf *fb)
{
    for (size_t i = 0; i < fb->n; i++) {
        struct rfield *f = &fb->f[i];
        free(f->name);
        free(f->str);
        for (size_t k = 0; k < f->nv; k++) {
            if (f->type == SCAN_F_STRV)
                free(f->strv[k]);
            else
                obj_free(f->objv[k]);
        }
        free(f->strv);
        free(f->objv);
    }
    free(fb->f);
    fb->f = NULL;
    fb->n = fb->cap = 0;
}

static void built_free(struct scan_report *r)
{
    for (size_t i = 0; i < r->nbuilt; i++)
        free(r->built[i]);
    r->nbuilt = 0;
}

struct scan_report *scan_report_new(const char *target, enum scan_check check)
{
    struct scan_report *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->target = xstrdup(r, target);
    r->check = check;
    r->st = SCAN_ST_ERROR;
    r->why = SCAN_R_INTERNAL;
    if (r->oom) {
        scan_report_free(r);
        return NULL;
    }
    return r;
}

void scan_report_free(struct scan_report *r)
{
    if (!r)
        return;
    scan_report_free(r->next);
    free(r->target);
    fbuf_free(&r->fb);
    built_free(r);
    free(r->built);
    free(r);
}

void scan_report_status(struct scan_report *r, enum scan_status st, enum scan_reason why)
{
    if (!r)
        return;
    r->st = st;
    r->why = why;
}

static struct rfield *fbuf_add(struct scan_report *r, struct fbuf *fb, const char *name,
                               enum scan_field_type type)
{
    if (r->oom)
        return NULL;
    if (fb->n == fb->cap) {
        size_t cap = fb->cap ? fb->cap * 2 : 8;
        struct rfield *f = realloc(fb->f, cap * sizeof(*f));
        if (!f) {
            r->oom = true;
            return NULL;
        }
        fb->f = f;
        fb->cap = cap;
    }
    struct rfield *f = &fb->f[fb->n];
    memset(f, 0, sizeof(*f));
    f->type = type;
    f->name = xstrdup(r, name);
    if (r->oom)
        return NULL;
    fb->n++;
    return f;
}

static struct rfield *fbuf_find(struct fbuf *fb, const char *name, enum scan_field_type type)
{
    for (size_t i = 0; i < fb->n; i++)
        if (fb->f[i].type == type && strcmp(fb->f[i].name, name) == 0)
            return &fb->f[i];
    return NULL;
}

static void add_str(struct scan_report *r, struct fbuf *fb, const char *name, const char *value)
{
    struct rfield *f = fbuf_add(r, fb, name, SCAN_F_STR);
    if (f)
        f->str = xstrdup(r, value);
}

static void add_int(struct scan_report *r, struct fbuf *fb, const char *name, int64_t value)
{
    struct rfield *f = fbuf_add(r, fb, name, SCAN_F_INT);
    if (f)
        f->i = value;
}

static void add_bool(struct scan_report *r, struct fbuf *fb, const char *name, int value)
{
    struct rfield *f = fbuf_add(r, fb, name, SCAN_F_BOOL);
    if (f)
        f->b = value != 0;
}

/* Grow the vector of an array field by one slot. */
static bool vec_grow(struct scan_report *r, struct rfield *f)
{
    if (f->nv < f->capv)
        return true;
    size_t cap = f->capv ? f->capv * 2 : 4;
    void *p = f->type == SCAN_F_STRV ? realloc(f->strv, cap * sizeof(char *))
                                     : realloc(f->objv, cap * sizeof(*f->objv));
    if (!p) {
        r->oom = true;
        return false;
    }
    if (f->type == SCAN_F_STRV)
        f->strv = p;
    else
        f->objv = p;
    f->capv = cap;
    return true;
}

static void add_strv(struct scan_report *r, struct fbuf *fb, const char *name, const char *value)
{
    if (r->oom)
        return;
    struct rfield *f = fbuf_find(fb, name, SCAN_F_STRV);
    if (!f)
        f = fbuf_add(r, fb, name, SCAN_F_STRV);
    if (!f || !vec_grow(r, f))
        return;
    char *d = xstrdup(r, value ? value : "");
    if (d)
        f->strv[f->nv++] = d;
}

void scan_report_str(struct scan_report *r, const char *name, const char *value)
{
    if (r)
        add_str(r, &r->fb, name, value);
}

void scan_report_strn(struct scan_report *r, const char *name, const char *value, size_t len)
{
    if (!r || r->oom)
        return;
    if (!value) {
        add_str(r, &r->fb, name, NULL);
        return;
    }
    char *tmp = scan_text_escape_dup(value, len, SCAN_TEXT_HEX);
    if (!tmp) {
        r->oom = true;
        return;
    }
    add_str(r, &r->fb, name, tmp);
    free(tmp);
}

void scan_report_int(struct scan_report *r, const char *name, int64_t value)
{
    if (r)
        add_int(r, &r->fb, name, value);
}

void scan_report_bool(struct scan_report *r, const char *name, int value)
{
    if (r)
        add_bool(r, &r->fb, name, value);
}

void scan_report_strv_add(struct scan_report *r, const char *name, const char *value)
{
    if (r)
        add_strv(r, &r->fb, name, value);
}

static void array_init(struct scan_report *r, struct fbuf *fb, const char *name,
                       enum scan_field_type type)
{
    if (r->oom || fbuf_find(fb, name, type))
        return;
    fbuf_add(r, fb, name, type);
}

void scan_report_strv_init(struct scan_report *r, const char *name)
{
    if (r)
        array_init(r, &r->fb, name, SCAN_F_STRV);
}

void scan_report_objv_init(struct scan_report *r, const char *name)
{
    if (r)
        array_init(r, &r->fb, name, SCAN_F_OBJV);
}

void scan_report_obj_strv_init(struct scan_report_obj *o, const char *name)
{
    if (o)
        array_init(o->owner, &o->fb, name, SCAN_F_STRV);
}

struct scan_report_obj *scan_report_obj_add(struct scan_report *r, const char *name)
{
    if (!r || r->oom)
        return NULL;
    struct rfield *f = fbuf_find(&r->fb, name, SCAN_F_OBJV);
    if (!f)
        f = fbuf_add(r, &r->fb, name, SCAN_F_OBJV);
    if (!f || !vec_grow(r, f))
        return NULL;
    struct scan_report_obj *o = calloc(1, sizeof(*o));
    if (!o) {
        r->oom = true;
        return NULL;
    }
    o->owner = r;
    f->objv[f->nv++] = o;
    return o;
}

void scan_report_obj_str(struct scan_report_obj *o, const char *name, const char *value)
{
    if (o)
        add_str(o->owner, &o->fb, name, value);
}

void scan_report_obj_int(struct scan_report_obj *o, const char *name, int64_t value)
{
    if (o)
        add_int(o->owner, &o->fb, name, value);
}

void scan_report_obj_bool(struct scan_report_obj *o, const char *name, int value)
{
    if (o)
        add_bool(o->owner, &o->fb, name, value);
}

void scan_report_obj_strv_add(struct scan_report_obj *o, const char *name, const char *value)
{
    if (o)
        add_strv(o->owner, &o->fb, name, value);
}

static void *track(struct scan_report *r, size_t size)
{
    if (r->nbuilt == r->capbuilt) {
        size_t cap = r->capbuilt ? r->capbuilt * 2 : 8;
        void **b = realloc(r->built, cap * sizeof(*b));
        if (!b)
            return NULL;
        r->built = b;
        r->capbuilt = cap;
    }
    void *p = calloc(1, size ? size : 1);
    if (p)
        r->built[r->nbuilt++] = p;
    return p;
}

static bool assemble(struct scan_report *r, const struct fbuf *fb, struct scan_fields *out)
{
    struct scan_field *f = track(r, fb->n * sizeof(*f));
    if (!f)
        return false;
    for (size_t i = 0; i < fb->n; i++) {
        const struct rfield *s = &fb->f[i];
        f[i].name = s->name;
        f[i].type = s->type;
        switch (s->type) {
        case SCAN_F_STR:
            f[i].str = s->str;
            break;
        case SCAN_F_INT:
            f[i].i = s->i;
            break;
        case SCAN_F_BOOL:
            f[i].b = s->b;
            break;
        case SCAN_F_STRV:
            f[i].n = s->nv;
            f[i].strv = (const char *const *)s->strv;
            break;
        case SCAN_F_OBJV: {
            struct scan_fields *objs = track(r, s->nv * sizeof(*objs));
            if (!objs)
                return false;
            for (size_t k = 0; k < s->nv; k++)
                if (!assemble(r, &s->objv[k]->fb, &objs[k]))
                    return false;
            f[i].n = s->nv;
            f[i].objv = objs;
            break;
        }
        }
    }
    out->n = fb->n;
    out->f = f;
    return true;
}

const struct scan_result *scan_report_result(struct scan_report *r)
{
    if (!r || r->oom)
        return NULL;
    built_free(r);
    memset(&r->res, 0, sizeof(r->res));
    r->res.target = r->target;
    scan_result_set(&r->res, r->check, r->st, r->why);
    if (!assemble(r, &r->fb, &r->res.extra)) {
        r->oom = true;
        return NULL;
    }
    return &r->res;
}

struct scan_report *scan_report_add(struct scan_report *r)
{
    if (!r || r->head || r->oom)
        return NULL;
    struct scan_report *last = r;
    while (last->next)
        last = last->next;
    struct scan_report *n = scan_report_new(r->target, r->check);
    if (!n) {
        r->oom = true;
        return NULL;
    }
    n->head = r;
    last->next = n;
    return n;
}

size_t scan_report_count(const struct scan_report *r)
{
    size_t n = 0;
    for (; r; r = r->next)
        n++;
    return n;
}

const struct scan_result *scan_report_result_at(struct scan_report *r, size_t i)
{
    for (struct scan_report *p = r; p; p = p->next)
        if (p->oom)
            return NULL;
    for (; r && i > 0; i--)
        r = r->next;
    return scan_report_result(r);
}

int scan_check_call_run(struct scan_view *v, void *call, void **out)
{
    const struct scan_check_call *c = call;
    struct scan_report *r = NULL;
    int ret = c->fn(v, c->arg, &r);
    *out = r;
    return ret;
}
