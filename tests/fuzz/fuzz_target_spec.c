/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for target specs (scanner/targets/target.h). The input is parsed
 * with scan_spec_parse() as one line (a NUL-terminated copy), then split on
 * newlines with each line parsed alone, as a target file's lines are. Each
 * parsed spec is checked for the documented shape (prefix bounds, reserved
 * counts within the span, canonical domain) and printed back and parsed
 * again, which must give the same spec.
 *
 * The lines are then handed to scan_targets_new() as command-line specs
 * (never "@FILE" or "-", so nothing is read) and streamed with
 * scan_targets_next(): when the promised total is small, exactly that many
 * distinct targets must come out.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/targets/target.h"

#define MAX_LINES    64
#define MAX_STREAMED 4096

static volatile size_t sink;

/* A failed parse leaves one NUL-terminated, non-empty sentence. */
static void check_why(const struct scan_diag *d)
{
    if (!memchr(d->msg, '\0', sizeof(d->msg)) || d->msg[0] == '\0')
        abort();
    sink += strlen(d->msg);
}

static void same_spec(const struct scan_spec *a, const struct scan_spec *b)
{
    if (a->type != b->type || a->prefix != b->prefix || memcmp(a->addr, b->addr, 16) != 0 ||
        strcmp(a->domain, b->domain) != 0)
        abort();
}

static void parse_one(const char *s)
{
    struct scan_spec sp;
    struct scan_diag why;

    memset(&why, 'x', sizeof(why));
    if (scan_spec_parse(s, &sp, &why) != 0) {
        check_why(&why);
        scan_spec_parse(s, &sp, NULL);
        return;
    }
    if (!memchr(sp.domain, '\0', sizeof(sp.domain)))
        abort();

    uint64_t count = scan_spec_count(&sp), nres = scan_spec_reserved_count(&sp);
    const char *res = scan_spec_reserved(&sp);
    if (nres > count || (nres > 0) != (res != NULL))
        abort();

    char text[INET6_ADDRSTRLEN + 8];
    switch (sp.type) {
    case SCAN_T_IP4:
        if (sp.prefix < 8 || sp.prefix > 32 || count != (1ull << (32 - sp.prefix)))
            abort();
        inet_ntop(AF_INET, sp.addr, text, sizeof(text));
        break;
    case SCAN_T_IP6:
        if (sp.prefix < 112 || sp.prefix > 128 || count != (1ull << (128 - sp.prefix)))
            abort();
        inet_ntop(AF_INET6, sp.addr, text, sizeof(text));
        break;
    case SCAN_T_DOMAIN:
        if (sp.prefix != 0 || count != 1 || strlen(sp.domain) == 0 || strlen(sp.domain) > 253)
            abort();
        break;
    default:
        abort();
    }

    /* Canonical form in, same spec out. */
    struct scan_spec again;
    if (sp.type == SCAN_T_DOMAIN) {
        if (scan_spec_parse(sp.domain, &again, NULL) != 0)
            abort();
    } else {
        size_t l = strlen(text);
        snprintf(text + l, sizeof(text) - l, "/%u", sp.prefix);
        if (scan_spec_parse(text, &again, NULL) != 0)
            abort();
    }
    same_spec(&sp, &again);
}

static void stream(char **lines, size_t n)
{
    struct scan_targets *ts = NULL;
    struct scan_target_opts opts = {.skip_invalid = true};
    uint64_t total = 0;

    if (scan_targets_new(lines, n, &opts, &ts) != 0)
        return;
    if (scan_targets_prepare(ts, &total) == 0 && total <= MAX_STREAMED) {
        struct scan_target t;
        uint64_t got = 0;
        int ret;
        while ((ret = scan_targets_next(ts, &t)) == 0) {
            if (!memchr(t.text, '\0', sizeof(t.text)) || ++got > total)
                abort();
            sink += strlen(t.text);
        }
        if (ret != 1 || got != total)
            abort();
    }
    scan_targets_free(ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 1);
    char *lines[MAX_LINES];
    size_t nlines = 0;

    if (!copy)
        return 0;
    memcpy(copy, data, size);
    copy[size] = '\0';
    parse_one(copy);

    for (char *p = copy, *nl; p; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        parse_one(p);
        /* "@FILE" and "-" would read files or standard input. */
        if (nlines < MAX_LINES && p[0] != '@' && strcmp(p, "-") != 0)
            lines[nlines++] = p;
    }
    stream(lines, nlines);
    free(copy);
    return 0;
}
