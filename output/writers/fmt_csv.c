/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * CSV (RFC 4180): a header row, then one row per result and per (list, kind)
 * health (check "list-health", the kind and the detail in the details column),
 * CRLF line ends. Fields are quoted only when they hold a comma, a quote or a
 * line break; a field that would start with = + - @ TAB or CR gets a leading
 * single quote so a spreadsheet shows it instead of evaluating it (always,
 * even for something that reads like a negative number: no result field is
 * numeric, and one rule is easier to trust than a heuristic).
 *
 * Multi-valued columns are flattened: codes joined by spaces, meanings by
 * "; ", extra fields as "name=value; name=[a, b]; name=[{k=v, k=v}]".
 */
#include "output/writers/fmt.h"

#include <string.h>

static const char header[] =
    "target,check,list,status,reason,class,codes,meanings,txt,delist_url,details\r\n";

/* The header goes out with the first row (or at finish when there is none),
 * so out_writer_new() never writes. */
static int csv_header(struct out_writer *w)
{
    if (!w->csv_header_done) {
        out_sink_puts(&w->out, header);
        w->csv_header_done = true;
    }
    return w->out.err;
}

static void csv_cstr(struct out_sink *s, const char *str)
{
    if (str)
        out_sink_csv(s, str, strlen(str));
}

/* One field composed in the scratch sink, then encoded as a whole. */
static int csv_scratch_field(struct out_writer *w)
{
    out_sink_csv(&w->out, out_sink_str(&w->scratch), w->scratch.len);
    return w->scratch.err ? w->scratch.err : w->out.err;
}

int out_csv_emit(struct out_writer *w, const struct scan_result *r)
{
    struct out_sink *s = &w->out;
    struct out_sink *t = &w->scratch;
    bool dnsbl = out_is_dnsbl(r);
    int ret = csv_header(w);

    if (ret < 0)
        goto out;
    csv_cstr(s, r->target);
    out_sink_puts(s, ",");
    csv_cstr(s, r->check);
    out_sink_puts(s, ",");
    csv_cstr(s, r->list);
    out_sink_puts(s, ",");
    csv_cstr(s, r->status);
    out_sink_puts(s, ",");
    csv_cstr(s, r->reason);
    out_sink_puts(s, ",");
    if (dnsbl)
        csv_cstr(s, scan_class_word(r->klass));
    out_sink_puts(s, ",");

    out_sink_clear(t);
    if (dnsbl)
        out_join_strv(t, r->codes, r->ncodes, " ", out_sink_write);
    ret = csv_scratch_field(w);
    if (ret < 0)
        goto out;
    out_sink_puts(s, ",");

    out_sink_clear(t);
    if (dnsbl)
        out_join_strv(t, r->meanings, r->ncodes, "; ", out_sink_write);
    ret = csv_scratch_field(w);
    if (ret < 0)
        goto out;
    out_sink_puts(s, ",");

    csv_cstr(s, dnsbl ? r->txt : NULL);
    out_sink_puts(s, ",");
    csv_cstr(s, dnsbl ? r->delist_url : NULL);
    out_sink_puts(s, ",");

    out_sink_clear(t);
    const char *sep = "";
    if (r->pool) {
        out_sink_puts(t, "pool=");
        out_sink_write(t, r->pool, strlen(r->pool));
        sep = "; ";
    }
    if (dnsbl) {
        /* DNSBL results keep their few extras in the details column too. */
        if (r->matched) {
            out_sink_puts(t, sep);
            out_sink_puts(t, "matched=");
            out_sink_write(t, r->matched, strlen(r->matched));
            sep = "; ";
        }
        if (r->detail) {
            out_sink_puts(t, sep);
            out_sink_puts(t, "detail=");
            out_sink_write(t, r->detail, strlen(r->detail));
            sep = "; ";
        }
        if (r->scope) {
            out_sink_puts(t, sep);
            out_sink_puts(t, "scope=");
            out_sink_puts(t, r->scope);
            sep = "; ";
        }
    }
    if (r->extra.n)
        out_sink_puts(t, sep);
    out_fields_compact(t, &r->extra, "; ", out_sink_write);
    if (r->nvia > 0) {
        out_sink_puts(t, t->len ? "; via=[" : "via=[");
        out_join_strv(t, r->via, r->nvia, ", ", out_sink_write);
        out_sink_puts(t, "]");
    }
    ret = csv_scratch_field(w);
    if (ret < 0)
        goto out;
    out_sink_puts(s, "\r\n");
    ret = s->err;
out:
    return ret;
}

int out_csv_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_sink *s = &w->out;
    struct out_sink *t = &w->scratch;
    int ret = csv_header(w);

    if (ret < 0)
        return ret;
    out_sink_puts(s, ",list-health,");
    csv_cstr(s, h->list);
    out_sink_puts(s, h->healthy ? ",healthy," : ",unhealthy,");
    csv_cstr(s, out_health_reason(h));
    out_sink_puts(s, ",,,,,,");
    /* The details column in the "name=value; ..." form of result fields. */
    out_sink_clear(t);
    if (h->kind) {
        out_sink_puts(t, "kind=");
        out_sink_write(t, h->kind, strlen(h->kind));
    }
    if (!h->healthy && h->detail) {
        out_sink_puts(t, h->kind ? "; detail=" : "detail=");
        out_sink_write(t, h->detail, strlen(h->detail));
    }
    ret = csv_scratch_field(w);
    if (ret < 0)
        return ret;
    out_sink_puts(s, "\r\n");
    return s->err;
}

int out_csv_finish(struct out_writer *w)
{
    return csv_header(w);
}
