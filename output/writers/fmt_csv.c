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

/* One field of a result row, then its comma. */
static void csv_cell(struct out_sink *s, const char *str)
{
    csv_cstr(s, str);
    out_sink_puts(s, ",");
}

/* A list column (codes, meanings): @p v joined by @p sep when @p on, then its comma. */
static int csv_list_cell(struct out_writer *w, bool on, const char *const *v, size_t n,
                         const char *sep)
{
    out_sink_clear(&w->scratch);
    if (on)
        out_join_strv(&w->scratch, v, n, sep, out_sink_write);
    int ret = csv_scratch_field(w);
    if (ret < 0)
        return ret;
    out_sink_puts(&w->out, ",");
    return 0;
}

/* "name=value" in the details column, after *sep (which becomes "; "). */
static void detail_pair(struct out_sink *t, const char **sep, const char *name, const char *value)
{
    out_sink_puts(t, *sep);
    out_sink_puts(t, name);
    out_sink_puts(t, "=");
    out_sink_puts(t, value);
    *sep = "; ";
}

/*
 * Compose the details column in the scratch sink: the pool, a DNSBL result's
 * few extras, the check's fields, and how an --expand address was found.
 */
static void csv_details(struct out_sink *t, const struct scan_result *r, bool dnsbl)
{
    const char *sep = "";
    out_sink_clear(t);
    if (r->pool)
        detail_pair(t, &sep, "pool", r->pool);
    if (dnsbl) {
        /* DNSBL results keep their few extras in the details column too. */
        if (r->matched)
            detail_pair(t, &sep, "matched", r->matched);
        if (r->detail)
            detail_pair(t, &sep, "detail", r->detail);
        if (r->scope)
            detail_pair(t, &sep, "scope", r->scope);
    }
    if (r->extra.n)
        out_sink_puts(t, sep);
    out_fields_compact(t, &r->extra, "; ", out_sink_write);
    if (r->nvia > 0) {
        out_sink_puts(t, t->len ? "; via=[" : "via=[");
        out_join_strv(t, r->via, r->nvia, ", ", out_sink_write);
        out_sink_puts(t, "]");
    }
}

int out_csv_emit(struct out_writer *w, const struct scan_result *r)
{
    struct out_sink *s = &w->out;
    bool dnsbl = out_is_dnsbl(r);
    int ret = csv_header(w);

    if (ret < 0)
        return ret;
    csv_cell(s, r->target);
    csv_cell(s, r->check);
    csv_cell(s, r->list);
    csv_cell(s, r->status);
    csv_cell(s, r->reason);
    csv_cell(s, dnsbl ? scan_class_word(r->klass) : NULL);
    ret = csv_list_cell(w, dnsbl, r->codes, r->ncodes, " ");
    if (ret == 0)
        ret = csv_list_cell(w, dnsbl, r->meanings, r->ncodes, "; ");
    if (ret < 0)
        return ret;
    csv_cell(s, dnsbl ? r->txt : NULL);
    csv_cell(s, dnsbl ? r->delist_url : NULL);
    csv_details(&w->scratch, r, dnsbl);
    ret = csv_scratch_field(w);
    if (ret < 0)
        return ret;
    out_sink_puts(s, "\r\n");
    return s->err;
}

int out_csv_health(struct out_writer *w, const struct scan_health *h)
{
    struct out_sink *s = &w->out;
    struct out_sink *t = &w->scratch;
    const char *sep = "";
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
    if (h->kind)
        detail_pair(t, &sep, "kind", h->kind);
    if (!h->healthy && h->detail)
        detail_pair(t, &sep, "detail", h->detail);
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
