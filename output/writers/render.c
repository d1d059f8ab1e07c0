/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The renderers several formats share: status colours and labels, "code
 * meaning" lists, the compact "name=value; ..." form of extra fields, growing
 * arrays. The formats (fmt_*.c) call these; writer.c only dispatches to the
 * formats, so the calls run one way: writer.c -> fmt_*.c -> render.c.
 */
#include "output/writers/fmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

const char *out_health_reason(const struct scan_health *h)
{
    if (h->healthy)
        return NULL;
    return h->reason ? h->reason : "unhealthy";
}

/* Targets reach the writers in canonical text (scanner/targets/target.h), so the text
 * alone tells the kind: only IPv6 has a ':', and a dotted quad is IPv4. */
const char *out_target_kind(const char *target)
{
    struct in_addr a4;

    if (!target)
        return "domain";
    if (strchr(target, ':'))
        return "ip6";
    return inet_pton(AF_INET, target, &a4) == 1 ? "ip4" : "domain";
}

const char *out_list_key(const char *list_id, const char *list)
{
    return list_id ? list_id : list ? list : "";
}

void out_colored(struct out_writer *w, const char *color, const char *str)
{
    if ((w->flags & OUT_COLOR) && color)
        out_sink_printf(&w->out, "\x1b[%sm%s\x1b[0m", color, str);
    else
        out_sink_puts(&w->out, str);
}

bool out_is_dnsbl(const struct scan_result *r)
{
    return r->kind == SCAN_CHECK_DNSBL;
}

const char *out_result_key(const struct scan_result *r)
{
    if (out_is_dnsbl(r))
        return out_list_key(r->list_id, r->list);
    return r->check ? r->check : "";
}

const char *out_result_label(const struct scan_result *r)
{
    if (out_is_dnsbl(r))
        return out_list_key(r->list, r->list_id);
    return r->check ? r->check : "";
}

/* Listed red, errors yellow, ok green, informational cyan: by outcome. A
 * record-check problem is red when the record is broken or the address is
 * refused (fail, invalid, permerror) and cyan when it is a weaker finding
 * (none, softfail, neutral, null MX). */
const char *out_status_color(const struct scan_result *r)
{
    switch (r->outcome) {
    case SCAN_OUT_OK:
        return "32";
    case SCAN_OUT_LISTED:
        return "31";
    case SCAN_OUT_INFO:
        return "36";
    case SCAN_OUT_ERROR:
        return "33";
    case SCAN_OUT_PROBLEM:
        break;
    }
    switch (r->st) {
    case SCAN_ST_FAIL:
    case SCAN_ST_INVALID:
    case SCAN_ST_PERMERROR:
        return "31";
    default:
        return "36";
    }
}

const char *out_scope_phrase(const char *scope)
{
    if (!scope || strcmp(scope, "ip") == 0)
        return NULL;
    if (strcmp(scope, "asn") == 0)
        return "asn: the whole AS (network) is listed, not necessarily this address";
    return "range: the surrounding range is listed, not necessarily this address";
}

void out_put_cstr(struct out_sink *s, const char *str, out_put_fn *put)
{
    if (str)
        put(s, str, strlen(str));
}

void out_join_strv(struct out_sink *s, const char *const *v, size_t n, const char *sep,
                   out_put_fn *put)
{
    for (size_t i = 0; v && i < n; i++) {
        if (i > 0)
            out_sink_puts(s, sep);
        out_put_cstr(s, v[i], put);
    }
}

void *out_grow(void *arr, size_t *cap, size_t n, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = NULL;

    if (n < *cap)
        return arr;
    if (ncap > SIZE_MAX / size)
        return NULL;
    p = realloc(arr, ncap * size);
    if (!p)
        return NULL;
    *cap = ncap;
    return p;
}

void out_codes_meanings(struct out_sink *s, const struct scan_result *r, out_put_fn *put)
{
    for (size_t i = 0; r->codes && i < r->ncodes; i++) {
        const char *m = r->meanings ? r->meanings[i] : NULL;

        if (i > 0)
            out_sink_puts(s, "; ");
        out_put_cstr(s, r->codes[i], put);
        if (m && *m) {
            out_sink_puts(s, " ");
            out_put_cstr(s, m, put);
        }
    }
}

static void put_members(struct out_sink *s, const struct scan_fields *fs,
                        const struct out_field_style *st, const char *sep, bool lead);

static void put_value(struct out_sink *s, const struct scan_field *fl,
                      const struct out_field_style *st)
{
    switch (fl->type) {
    case SCAN_F_STR:
        st->text(s, fl->str, st->put);
        break;
    case SCAN_F_INT:
        out_sink_printf(s, "%" PRId64, fl->i);
        break;
    case SCAN_F_BOOL:
        out_sink_puts(s, fl->b ? "true" : "false");
        break;
    case SCAN_F_STRV:
        out_sink_puts(s, "[");
        for (size_t i = 0; fl->strv && i < fl->n; i++) {
            if (i > 0)
                out_sink_puts(s, st->inner);
            st->text(s, fl->strv[i], st->put);
        }
        out_sink_puts(s, "]");
        break;
    case SCAN_F_OBJV:
        out_sink_puts(s, "[");
        for (size_t i = 0; fl->objv && i < fl->n; i++) {
            if (i > 0)
                out_sink_puts(s, st->inner);
            out_sink_puts(s, "{");
            put_members(s, &fl->objv[i], st, st->inner, false);
            out_sink_puts(s, "}");
        }
        out_sink_puts(s, "]");
        break;
    }
}

static void put_members(struct out_sink *s, const struct scan_fields *fs,
                        const struct out_field_style *st, const char *sep, bool lead)
{
    for (size_t i = 0; fs->f && i < fs->n; i++) {
        if (i > 0 || lead)
            out_sink_puts(s, sep);
        st->text(s, fs->f[i].name ? fs->f[i].name : "", st->put);
        out_sink_puts(s, st->kv);
        put_value(s, &fs->f[i], st);
    }
}

void out_fields_write(struct out_sink *s, const struct scan_fields *fs,
                      const struct out_field_style *st, bool lead)
{
    put_members(s, fs, st, st->sep, lead);
}

void out_fields_compact(struct out_sink *s, const struct scan_fields *fs, const char *sep,
                        out_put_fn *put)
{
    const struct out_field_style st = {
        .text = out_put_cstr, .put = put, .kv = "=", .sep = sep, .inner = ", "};
    out_fields_write(s, fs, &st, false);
}
