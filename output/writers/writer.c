/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The writer handle: argument checks, dispatch to the format chosen at
 * out_writer_new(), and the renderers several formats share (status colours,
 * "code meaning" lists, the compact "name=value; ..." form of extra fields).
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

void out_field_value_compact(struct out_sink *s, const struct scan_field *fl, out_put_fn *put)
{
    switch (fl->type) {
    case SCAN_F_STR:
        out_put_cstr(s, fl->str, put);
        break;
    case SCAN_F_INT:
        out_sink_printf(s, "%" PRId64, fl->i);
        break;
    case SCAN_F_BOOL:
        out_sink_puts(s, fl->b ? "true" : "false");
        break;
    case SCAN_F_STRV:
        out_sink_puts(s, "[");
        out_join_strv(s, fl->strv, fl->n, ", ", put);
        out_sink_puts(s, "]");
        break;
    case SCAN_F_OBJV:
        out_sink_puts(s, "[");
        for (size_t i = 0; fl->objv && i < fl->n; i++) {
            if (i > 0)
                out_sink_puts(s, ", ");
            out_sink_puts(s, "{");
            out_fields_compact(s, &fl->objv[i], ", ", put);
            out_sink_puts(s, "}");
        }
        out_sink_puts(s, "]");
        break;
    }
}

void out_fields_compact(struct out_sink *s, const struct scan_fields *fs, const char *sep,
                        out_put_fn *put)
{
    for (size_t i = 0; fs->f && i < fs->n; i++) {
        if (i > 0)
            out_sink_puts(s, sep);
        out_put_cstr(s, fs->f[i].name, put);
        out_sink_puts(s, "=");
        out_field_value_compact(s, &fs->f[i], put);
    }
}

int out_writer_new(FILE *f, enum out_format fmt, unsigned flags, struct out_writer **out)
{
    struct out_writer *w = NULL;
    int ret = 0;

    *out = NULL;
    if (scan_fails_assert(f) || scan_fails_assert(fmt >= OUT_FMT_TEXT && fmt <= OUT_FMT_SUMMARY)) {
        ret = -EINVAL;
        goto out;
    }
    w = calloc(1, sizeof(*w));
    if (!w) {
        ret = -ENOMEM;
        goto out;
    }
    out_sink_init_file(&w->out, f);
    out_sink_init_mem(&w->scratch);
    w->fmt = fmt;
    w->flags = flags;
    if (fmt == OUT_FMT_TEXT)
        ret = out_text_new(&w->text);
    else if (fmt == OUT_FMT_SUMMARY)
        ret = out_summary_new(&w->sum);
    if (ret < 0)
        goto out;
    *out = w;
    w = NULL;
out:
    out_writer_free(w);
    return ret;
}

void out_writer_free(struct out_writer *w)
{
    if (!w)
        return;
    out_text_free(w->text);
    out_summary_free(w->sum);
    out_sink_deinit(&w->scratch);
    free(w);
}

/* A failed write is sticky: after it every call reports the same error. */
static int writer_ready(struct out_writer *w, const void *arg)
{
    if (scan_fails_assert(w) || scan_fails_assert(arg) || scan_fails_assert(!w->finished))
        return -EINVAL;
    return w->out.err;
}

int out_health(struct out_writer *w, const struct scan_health *h)
{
    int ret = writer_ready(w, h);

    if (ret < 0)
        return ret;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        return out_json_health(w, h);
    case OUT_FMT_CSV:
        return out_csv_health(w, h);
    case OUT_FMT_TEXT:
        return out_text_health(w, h);
    case OUT_FMT_SUMMARY:
        return out_summary_health(w, h);
    }
    return -EINVAL;
}

int out_emit(struct out_writer *w, const struct scan_result *r)
{
    int ret = writer_ready(w, r);

    if (ret < 0)
        return ret;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        return out_json_emit(w, r);
    case OUT_FMT_CSV:
        return out_csv_emit(w, r);
    case OUT_FMT_TEXT:
        return out_text_emit(w, r);
    case OUT_FMT_SUMMARY:
        return out_summary_emit(w, r);
    }
    return -EINVAL;
}

/* Buffered bytes reach the file here, so a full disk shows up in the return
 * value and not only in main's final ferror(stdout). */
int out_finish(struct out_writer *w, const struct out_stats *st)
{
    static const struct out_stats none = {0};
    int ret = writer_ready(w, w);

    if (ret < 0)
        return ret;
    if (!st)
        st = &none;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        break;
    case OUT_FMT_CSV:
        ret = out_csv_finish(w);
        break;
    case OUT_FMT_TEXT:
        ret = out_text_finish(w);
        break;
    case OUT_FMT_SUMMARY:
        ret = out_summary_finish(w, st);
        break;
    }
    w->finished = true;
    if (ret < 0)
        return ret;
    if (fflush(w->out.f) != 0 || ferror(w->out.f))
        w->out.err = SCAN_EIO;
    return w->out.err;
}
