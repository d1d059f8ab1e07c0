/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * JSON Lines: one object per result and one per (list, kind) health, each
 * on its own line, keys in a fixed order so consumers (and diffs) can rely
 * on it.
 * Absent strings are null, never "" or missing.
 */
#include "output/writers/fmt.h"

#include <inttypes.h>

static void json_key(struct out_sink *s, const char *key, bool first)
{
    if (!first)
        out_sink_puts(s, ",");
    out_sink_json_cstr(s, key ? key : "");
    out_sink_puts(s, ":");
}

static void json_strv(struct out_sink *s, const char *const *v, size_t n)
{
    out_sink_puts(s, "[");
    for (size_t i = 0; v && i < n; i++) {
        if (i > 0)
            out_sink_puts(s, ",");
        out_sink_json_cstr(s, v[i]);
    }
    out_sink_puts(s, "]");
}

static void json_text(struct out_sink *s, const char *str, out_put_fn *put)
{
    (void)put;
    out_sink_json_cstr(s, str);
}

static const struct out_field_style json_style = {
    .text = json_text, .kv = ":", .sep = ",", .inner = ","};

static void json_member(struct out_sink *s, const char *key, const char *value)
{
    json_key(s, key, false);
    out_sink_json_cstr(s, value);
}

void out_json_result(struct out_sink *s, const struct scan_result *r)
{
    out_sink_puts(s, "{");
    json_key(s, "target", true);
    out_sink_json_cstr(s, r->target);
    json_member(s, "check", r->check);
    if (out_is_dnsbl(r)) {
        json_member(s, "list", r->list);
        json_member(s, "list_id", r->list_id);
        json_key(s, "catalog", false);
        out_sink_puts(s, r->generic_list ? "false" : "true");
        json_member(s, "status", r->status);
        json_member(s, "reason", r->reason);
        json_member(s, "class", scan_class_word(r->klass));
        json_key(s, "codes", false);
        json_strv(s, r->codes, r->ncodes);
        json_key(s, "meanings", false);
        json_strv(s, r->meanings, r->meanings ? r->ncodes : 0);
        json_member(s, "txt", r->txt);
        json_member(s, "delist_url", r->delist_url);
        json_member(s, "matched", r->matched);
        json_member(s, "detail", r->detail);
        json_member(s, "scope", r->scope);
    } else {
        json_member(s, "status", r->status);
        json_member(s, "reason", r->reason);
    }
    out_fields_write(s, &r->extra, &json_style, true);
    if (scan_result_has_via(r)) {
        json_key(s, "via", false);
        json_strv(s, r->via, r->nvia);
    }
    json_member(s, "pool", r->pool);
    out_sink_puts(s, "}");
}

int out_json_emit(struct out_writer *w, const struct scan_result *r)
{
    out_json_result(&w->out, r);
    out_sink_puts(&w->out, "\n");
    return w->out.err;
}

int out_json_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_sink *s = &w->out;

    out_sink_puts(s, "{");
    json_key(s, "check", true);
    out_sink_json_cstr(s, "list-health");
    json_member(s, "list", h->list);
    json_member(s, "list_id", h->list_id);
    json_member(s, "kind", h->kind);
    json_member(s, "status", h->healthy ? "healthy" : "unhealthy");
    json_member(s, "reason", out_health_reason(h));
    json_member(s, "detail", h->healthy ? NULL : h->detail);
    out_sink_puts(s, "}\n");
    return s->err;
}
