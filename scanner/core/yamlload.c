/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Bounded YAML loading (see yamlload.h): libyaml events in, a yaml_document_t
 * out, limits checked on every event. libyaml's status is translated here
 * (STYLE rule 7) and never leaves this file.
 */
#include "scanner/core/yamlload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/core/err.h"
#include "scanner/core/yamlnode.h"

/* A collection being built: its node, the key waiting for its value (mappings), and
 * the size of its subtree with aliases expanded so far. */
struct frame {
    int node;
    int key; /* 0: the next child is a key */
    bool mapping;
    size_t weight;
    const char *anchor; /* borrowed from the start event's copy below, or NULL */
    char *anchor_own;
};

struct anchor {
    char *name;
    int node;
    size_t weight;
};

struct build {
    const struct list_yaml_src *src;
    yaml_document_t *doc;
    struct scan_diag *diag;
    struct frame stack[LIST_YAML_MAX_DEPTH];
    size_t depth;
    struct anchor *anchors;
    size_t nanchors, capanchors;
    size_t expanded; /* nodes of the tree with every alias expanded */
    int root;
};

/* "FILE:LINE:COLUMN: what" (scanner/core/yamlnode.h). */
#define fail_at(b, ret, line, col, ...)                                                            \
    scan_yaml_fail_at((b)->diag, (b)->src->name, line, col, ret, __VA_ARGS__)

/* 1-based line and column of byte @p off of the text. */
static void position(const struct list_yaml_src *src, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < src->len; i++) {
        if (src->buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int nomem(struct build *b)
{
    return scan_diag_fail(b->diag, -ENOMEM, "%s: out of memory", b->src->name);
}

/*
 * Scanner and parser errors carry a mark; reader errors (bad encoding) a byte
 * offset. Both become FILE:LINE:COLUMN.
 */
static int syntax_error(struct build *b, const yaml_parser_t *y)
{
    const yaml_mark_t *m = y->problem ? &y->problem_mark : &y->context_mark;
    char ctx[160] = "";
    size_t line, col;

    if (y->error == YAML_MEMORY_ERROR)
        return nomem(b);
    if (y->error == YAML_READER_ERROR) {
        position(b->src, y->problem_offset, &line, &col);
    } else {
        line = m->line + 1;
        col = m->column + 1;
    }
    if (y->context && y->error != YAML_READER_ERROR &&
        (y->context_mark.line != m->line || y->context_mark.column != m->column))
        snprintf(ctx, sizeof(ctx), " %s (started at line %zu, column %zu)", y->context,
                 y->context_mark.line + 1, y->context_mark.column + 1);
    else if (y->context)
        snprintf(ctx, sizeof(ctx), " %s", y->context);
    return fail_at(b, SCAN_EPARSE, line, col, "YAML syntax error: %s%s",
                   y->problem ? y->problem : "malformed", ctx);
}

#define fail_mark(b, ret, m, ...) fail_at(b, ret, (m).line + 1, (m).column + 1, __VA_ARGS__)

/* Give the node the event's position: yaml_document_add_*() leaves it zero. */
static void mark_node(struct build *b, int id, const yaml_event_t *ev)
{
    yaml_node_t *n = yaml_document_get_node(b->doc, id);

    n->start_mark = ev->start_mark;
    n->end_mark = ev->end_mark;
}

static int add_anchor(struct build *b, const char *name, int node, size_t weight)
{
    if (b->nanchors == b->capanchors) {
        size_t cap = b->capanchors ? b->capanchors * 2 : 8;
        struct anchor *na = realloc(b->anchors, cap * sizeof(*na));
        if (!na)
            return -ENOMEM;
        b->anchors = na;
        b->capanchors = cap;
    }
    b->anchors[b->nanchors].name = strdup(name);
    if (!b->anchors[b->nanchors].name)
        return -ENOMEM;
    b->anchors[b->nanchors].node = node;
    b->anchors[b->nanchors].weight = weight;
    b->nanchors++;
    return 0;
}

/* Attach a finished node (new, or named by an alias) to the open collection. */
static int attach(struct build *b, int node, size_t weight)
{
    struct frame *f;

    if (b->depth == 0) {
        b->root = node;
        return 0;
    }
    f = &b->stack[b->depth - 1];
    f->weight += weight;
    if (!f->mapping)
        return yaml_document_append_sequence_item(b->doc, f->node, node) ? 0 : -ENOMEM;
    if (!f->key) {
        f->key = node;
        return 0;
    }
    if (!yaml_document_append_mapping_pair(b->doc, f->node, f->key, node))
        return -ENOMEM;
    f->key = 0;
    return 0;
}

/* Count @p weight more nodes of the expanded tree. */
static int spend(struct build *b, size_t weight, const yaml_event_t *ev)
{
    b->expanded += weight;
    if (b->expanded > LIST_YAML_MAX_EXPANDED)
        return fail_mark(b, SCAN_EPARSE, ev->start_mark,
                         "more than %u nodes, aliases counted each time they are used (the "
                         "limit for YAML files)",
                         LIST_YAML_MAX_EXPANDED);
    return 0;
}

static int on_alias(struct build *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    int ret;

    for (size_t i = b->nanchors; i-- > 0;) {
        if (strcmp(b->anchors[i].name, name) != 0)
            continue;
        ret = spend(b, b->anchors[i].weight, ev);
        if (ret == 0)
            ret = attach(b, b->anchors[i].node, b->anchors[i].weight);
        return ret;
    }
    for (size_t i = 0; i < b->depth; i++) {
        if (b->stack[i].anchor && strcmp(b->stack[i].anchor, name) == 0)
            return fail_mark(b, SCAN_EPARSE, ev->start_mark,
                             "alias *%s is inside the node it names (a cycle)", name);
    }
    return fail_mark(b, SCAN_EPARSE, ev->start_mark, "alias *%s names no anchor before it", name);
}

/*
 * Scalars are most of a large file: the node takes the event's value and tag
 * (the event no longer owns them), where yaml_document_add_scalar() would copy
 * both and add a default tag nobody reads. yaml_document_delete() frees them.
 */
static int on_scalar(struct build *b, yaml_event_t *ev)
{
    yaml_document_t *d = b->doc;
    yaml_node_t *n;
    int ret;

    ret = spend(b, 1, ev);
    if (ret != 0)
        return ret;
    if (d->nodes.top == d->nodes.end) {
        size_t cap = (size_t)(d->nodes.end - d->nodes.start) * 2 + 16;
        size_t used = (size_t)(d->nodes.top - d->nodes.start);
        yaml_node_t *nn = realloc(d->nodes.start, cap * sizeof(*nn));
        if (!nn)
            return -ENOMEM;
        d->nodes.start = nn;
        d->nodes.top = nn + used;
        d->nodes.end = nn + cap;
    }
    n = d->nodes.top++;
    memset(n, 0, sizeof(*n));
    n->type = YAML_SCALAR_NODE;
    n->tag = ev->data.scalar.tag;
    n->data.scalar.value = ev->data.scalar.value;
    n->data.scalar.length = ev->data.scalar.length;
    n->data.scalar.style = ev->data.scalar.style;
    n->start_mark = ev->start_mark;
    n->end_mark = ev->end_mark;
    ev->data.scalar.tag = ev->data.scalar.value = NULL;
    int id = (int)(d->nodes.top - d->nodes.start);
    if (ev->data.scalar.anchor && add_anchor(b, (const char *)ev->data.scalar.anchor, id, 1) != 0)
        return -ENOMEM;
    return attach(b, id, 1);
}

static int on_start(struct build *b, const yaml_event_t *ev, bool mapping)
{
    const yaml_char_t *anchor;
    struct frame *f;
    int id, ret;

    if (b->depth == LIST_YAML_MAX_DEPTH)
        return fail_mark(b, SCAN_EPARSE, ev->start_mark,
                         "nesting deeper than %d levels (the limit for YAML files)",
                         LIST_YAML_MAX_DEPTH);
    ret = spend(b, 1, ev);
    if (ret != 0)
        return ret;
    if (mapping) {
        id = yaml_document_add_mapping(b->doc, ev->data.mapping_start.tag,
                                       ev->data.mapping_start.style);
        anchor = ev->data.mapping_start.anchor;
    } else {
        id = yaml_document_add_sequence(b->doc, ev->data.sequence_start.tag,
                                        ev->data.sequence_start.style);
        anchor = ev->data.sequence_start.anchor;
    }
    if (!id)
        return -ENOMEM;
    mark_node(b, id, ev);
    f = &b->stack[b->depth++];
    memset(f, 0, sizeof(*f));
    f->node = id;
    f->mapping = mapping;
    f->weight = 1;
    if (anchor) {
        f->anchor_own = strdup((const char *)anchor);
        if (!f->anchor_own)
            return -ENOMEM;
        f->anchor = f->anchor_own;
    }
    return 0;
}

static int on_end(struct build *b, const yaml_event_t *ev)
{
    struct frame f;
    yaml_node_t *n;
    int ret = 0;

    if (scan_fails_assert(b->depth > 0))
        return -EINVAL;
    f = b->stack[--b->depth];
    n = yaml_document_get_node(b->doc, f.node);
    n->end_mark = ev->end_mark;
    if (f.anchor)
        ret = add_anchor(b, f.anchor, f.node, f.weight);
    free(f.anchor_own);
    if (ret != 0)
        return ret;
    return attach(b, f.node, f.weight);
}

/* One event of the first document. @return 0, 1 at its end, or an error. */
static int on_event(struct build *b, yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return on_scalar(b, ev);
    case YAML_ALIAS_EVENT:
        return on_alias(b, ev);
    case YAML_SEQUENCE_START_EVENT:
        return on_start(b, ev, false);
    case YAML_MAPPING_START_EVENT:
        return on_start(b, ev, true);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return on_end(b, ev);
    case YAML_DOCUMENT_END_EVENT:
        b->doc->end_mark = ev->end_mark;
        return 1;
    default:
        return 0;
    }
}

/*
 * The event loop. The document is initialised at DOCUMENT-START (or at
 * STREAM-END for an empty text); until then nothing needs deleting.
 */
static int run(struct build *b, yaml_parser_t *y, bool *have_doc)
{
    bool in_doc = false, done = false;
    yaml_event_t ev;
    int ret = 0;

    for (;;) {
        if (!yaml_parser_parse(y, &ev))
            return syntax_error(b, y);
        if (ev.type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT) {
            if (done) {
                ret =
                    fail_mark(b, SCAN_EPARSE, ev.start_mark, "a second YAML document: %s holds one",
                              b->src->what ? b->src->what : "the file");
            } else if (!yaml_document_initialize(b->doc, NULL, NULL, NULL, 1, 1)) {
                ret = -ENOMEM;
            } else {
                *have_doc = in_doc = true;
                b->doc->start_mark = ev.start_mark;
            }
        } else if (in_doc) {
            ret = on_event(b, &ev);
            if (ret == 1) {
                in_doc = false;
                done = true;
                ret = 0;
            }
        }
        yaml_event_delete(&ev);
        if (ret != 0)
            return ret;
    }
    if (!*have_doc) {
        if (!yaml_document_initialize(b->doc, NULL, NULL, NULL, 1, 1))
            return -ENOMEM;
        *have_doc = true;
    }
    return 0;
}

int list_yaml_load(const struct list_yaml_src *src, yaml_document_t *doc, struct scan_diag *diag)
{
    struct build b = {.src = src, .doc = doc, .diag = diag};
    bool have_doc = false, have_parser = false;
    yaml_parser_t y;
    size_t line, col;
    int ret;

    if (!src || !doc || !src->name || (!src->buf && src->len))
        return -EINVAL;
    memset(doc, 0, sizeof(*doc));
    if (src->len > LIST_YAML_MAX_BYTES) {
        position(src, LIST_YAML_MAX_BYTES, &line, &col);
        return fail_at(&b, -EFBIG, line, col,
                       "the file is larger than 1 MiB (%u bytes), the limit for YAML files",
                       LIST_YAML_MAX_BYTES);
    }
    if (!yaml_parser_initialize(&y)) {
        ret = -ENOMEM;
        goto out;
    }
    have_parser = true;
    yaml_parser_set_input_string(&y, (const unsigned char *)(src->buf ? src->buf : ""), src->len);
    ret = run(&b, &y, &have_doc);
out:
    if (ret == -ENOMEM)
        nomem(&b);
    while (b.depth > 0)
        free(b.stack[--b.depth].anchor_own);
    for (size_t i = 0; i < b.nanchors; i++)
        free(b.anchors[i].name);
    free(b.anchors);
    if (have_parser)
        yaml_parser_delete(&y);
    if (ret != 0 && have_doc) {
        yaml_document_delete(doc);
        memset(doc, 0, sizeof(*doc));
    }
    return ret;
}

int list_yaml_read_file(const char *path, char **out, size_t *len)
{
    const size_t cap = LIST_YAML_MAX_BYTES + 1;
    char *buf = NULL;
    size_t n = 0;
    int fd, ret = 0;

    *out = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    /* Grow as the file does: a small job file costs a small buffer. */
    size_t have = 0;
    while (n < cap) {
        if (n == have) {
            size_t want = have ? have * 4 : 16384;
            char *nb = realloc(buf, (want < cap ? want : cap) + 1);
            if (!nb) {
                ret = -ENOMEM;
                goto out;
            }
            buf = nb;
            have = want < cap ? want : cap;
        }
        ssize_t r = read(fd, buf + n, have - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ret = -errno;
            goto out;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (!buf && !(buf = malloc(1))) {
        ret = -ENOMEM;
        goto out;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    buf = NULL;
out:
    free(buf);
    close(fd);
    return ret;
}
