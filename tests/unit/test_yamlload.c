/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the bounded YAML loader (scanner/core/yamlload.h): the tree it builds
 * (positions, aliases, NUL bytes), each limit with its FILE:LINE:COLUMN message,
 * and the time the worst inputs take: depth 100,000 and an 8 MiB file are
 * rejected, and the largest documents within the limits load, each well under a
 * second (the catalog and job-file tests repeat the first two through their
 * own entry points).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scanner/core/yamlload.h"
#include "scanner/core/err.h"

/* Time bounds are for an optimised build; AddressSanitizer's allocator makes the
 * largest document about ten times slower (2.4 s instead of 0.2 s on two busy cores). */
#ifdef __SANITIZE_ADDRESS__
#define TIME_SCALE 10.0
#else
#define TIME_SCALE 1.0
#endif

/* CPU time, not wall time: the bounds catch exponential blow-ups (alias bombs,
 * deep nesting), which burn CPU; a machine busy with other builds stretches wall
 * time but not this process's CPU time. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int load(const char *text, size_t len, yaml_document_t *doc, struct scan_diag *diag)
{
    struct list_yaml_src src = {.name = "t.yaml", .buf = text, .len = len, .what = "a test file"};
    return list_yaml_load(&src, doc, diag);
}

/* Load @p text, expect @p ret and exactly @p msg, within @p seconds. */
static void refused(const char *text, size_t len, int ret, const char *msg, double seconds)
{
    yaml_document_t doc;
    struct scan_diag err = {0};
    double t0 = now_s();
    int got = load(text, len, &doc, &err);
    double dt = now_s() - t0;

    cr_assert_eq(got, ret, "%s (%s)", scan_strerror(got), err.msg);
    cr_assert_str_eq(err.msg, msg);
    cr_assert_lt(dt, seconds * TIME_SCALE, "took %.3f s", dt);
}

/* @p n copies of @p unit, then @p tail; caller frees. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail, size_t *len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    char *s = malloc(hl + ul * n + tl + 1), *p = s;

    cr_assert_not_null(s);
    memcpy(p, head, hl);
    p += hl;
    for (size_t i = 0; i < n; i++, p += ul)
        memcpy(p, unit, ul);
    memcpy(p, tail, tl + 1);
    *len = (size_t)(p - s) + tl;
    return s;
}

Test(yamlload, builds_the_document_with_positions)
{
    static const char text[] = "a: &x [1, \"two\\0x\"]\n"
                               "b:\n"
                               "  - *x\n"
                               "  - {k: v}\n";
    yaml_document_t doc;
    struct scan_diag err = {0};

    cr_assert_eq(load(text, sizeof(text) - 1, &doc, &err), 0, "%s", err.msg);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    cr_assert_eq(root->type, YAML_MAPPING_NODE);
    cr_assert_eq(root->start_mark.line, 0);
    yaml_node_pair_t *pr = root->data.mapping.pairs.start;
    cr_assert_eq(root->data.mapping.pairs.top - pr, 2);
    yaml_node_t *a = yaml_document_get_node(&doc, pr[0].value);
    cr_assert_eq(a->type, YAML_SEQUENCE_NODE);
    cr_assert_eq(a->start_mark.column, 3, "an anchored node starts at its anchor");
    yaml_node_t *two = yaml_document_get_node(&doc, a->data.sequence.items.start[1]);
    cr_assert_eq(two->data.scalar.length, 5, "a NUL byte keeps the length");
    cr_assert_eq(memcmp(two->data.scalar.value, "two\0x", 5), 0);
    cr_assert_eq(two->start_mark.line, 0);
    cr_assert_eq(two->start_mark.column, 10);
    yaml_node_t *b = yaml_document_get_node(&doc, pr[1].value);
    cr_assert_eq(b->data.sequence.items.start[0], pr[0].value, "an alias is the same node");
    yaml_node_t *m = yaml_document_get_node(&doc, b->data.sequence.items.start[1]);
    cr_assert_eq(m->type, YAML_MAPPING_NODE);
    cr_assert_eq(m->start_mark.line, 3);
    cr_assert_eq(m->start_mark.column, 4);
    yaml_document_delete(&doc);
}

Test(yamlload, empty_text_is_a_document_without_root)
{
    yaml_document_t doc;
    struct scan_diag err = {0};

    cr_assert_eq(load("", 0, &doc, &err), 0);
    cr_assert_null(yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    cr_assert_eq(load("# nothing\n", 10, &doc, &err), 0);
    cr_assert_null(yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
}

Test(yamlload, errors_have_positions)
{
    refused("a: [1,\n", 7, SCAN_EPARSE,
            "t.yaml:2:1: YAML syntax error: did not find expected node content while parsing a "
            "flow node",
            1);
    refused("a: 1\n---\nb: 2\n", 14, SCAN_EPARSE,
            "t.yaml:2:1: a second YAML document: a test file holds one", 1);
    refused("a: *nope\n", 9, SCAN_EPARSE, "t.yaml:1:4: alias *nope names no anchor before it", 1);
    refused("a: &me [1, *me]\n", 16, SCAN_EPARSE,
            "t.yaml:1:12: alias *me is inside the node it names (a cycle)", 1);
    refused("a: \"\xff\"\n", 7, SCAN_EPARSE,
            "t.yaml:1:5: YAML syntax error: invalid leading UTF-8 octet", 1);
}

Test(yamlload, nesting_limit)
{
    size_t len;
    char *s = repeat("a: ", "[", LIST_YAML_MAX_DEPTH - 1, "]", &len);

    /* 64 levels: the mapping and 63 sequences (unclosed, so a syntax error after them). */
    refused(s, len, SCAN_EPARSE,
            "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' while parsing a flow "
            "sequence (started at line 1, column 65)",
            1);
    free(s);
    s = repeat("a: ", "[", LIST_YAML_MAX_DEPTH, "", &len);
    refused(s, len, SCAN_EPARSE,
            "t.yaml:1:67: nesting deeper than 64 levels (the limit for YAML files)", 1);
    free(s);
}

/* The shapes: depth 100,000 in flow and in block style. */
Test(yamlload, depth_100000_is_rejected_quickly)
{
    size_t len;
    char *s = repeat("lists: ", "[", 100000, "", &len);
    refused(s, len, SCAN_EPARSE,
            "t.yaml:1:71: nesting deeper than 64 levels (the limit for YAML files)", 0.5);
    free(s);
    s = repeat("", "- ", 100000, "x\n", &len);
    refused(s, len, SCAN_EPARSE,
            "t.yaml:1:129: nesting deeper than 64 levels (the limit for YAML files)", 0.5);
    free(s);
    s = repeat("", "{a: ", 100000, "", &len);
    refused(s, len, SCAN_EPARSE,
            "t.yaml:1:257: nesting deeper than 64 levels (the limit for YAML files)", 0.5);
    free(s);
}

Test(yamlload, eight_mib_is_rejected_quickly)
{
    size_t len;
    char *s = repeat("lists:\n", "  - 192.0.2.1\n", (8u << 20) / 14, "", &len);
    refused(s, len, -EFBIG,
            "t.yaml:74899:12: the file is larger than 1 MiB (1048576 bytes), the limit for YAML "
            "files",
            0.5);

    /* From disk only the limit and one byte are read. */
    char path[] = "/tmp/dnsbl-yaml-XXXXXX", *buf = NULL;
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, s, len), (ssize_t)len);
    close(fd);
    size_t got = 0;
    cr_assert_eq(list_yaml_read_file(path, &buf, &got), 0);
    cr_assert_eq(got, LIST_YAML_MAX_BYTES + 1);
    refused(buf, got, -EFBIG,
            "t.yaml:74899:12: the file is larger than 1 MiB (1048576 bytes), the limit for YAML "
            "files",
            0.5);
    free(buf);
    unlink(path);
    free(s);
}

/* The largest and widest documents the limits let through, and aliases. */
Test(yamlload, worst_inputs_within_the_limits_are_fast)
{
    yaml_document_t doc;
    struct scan_diag err = {0};
    size_t len;
    double t0;

    /* Just under 1 MiB of one-character items: the node limit stops it first. */
    char *s = repeat("a: [", "x,", (LIST_YAML_MAX_BYTES - 8) / 2, "]\n", &len);
    refused(s, len, SCAN_EPARSE,
            "t.yaml:1:524287: more than 262144 nodes, aliases counted each time they are used "
            "(the limit for YAML files)",
            1);
    free(s);

    /* Just under the node limit, in block style: loads. */
    s = repeat("", "- x\n", LIST_YAML_MAX_EXPANDED - 2, "", &len);
    t0 = now_s();
    cr_assert_eq(load(s, len, &doc, &err), 0, "%s", err.msg);
    yaml_document_delete(&doc);
    cr_assert_lt(now_s() - t0, 1.0 * TIME_SCALE);
    free(s);

    /* Billion laughs: ten aliases to a node of ten aliases to ... */
    static const char laughs[] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                                 "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                 "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                                 "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                 "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                                 "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    refused(laughs, sizeof(laughs) - 1, SCAN_EPARSE,
            "t.yaml:6:12: more than 262144 nodes, aliases counted each time they are used (the "
            "limit for YAML files)",
            1);
}
