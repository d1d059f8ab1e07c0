/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The delta document, human event lines and event counts. The canonical JSON
 * form of a result, used as before/after and as the record-check fingerprint,
 * is in delta_result.c, which writes through this file's JSON primitives
 * (delta_int.h); nothing here calls it.
 */
#include "output/store/delta_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/writers/writer.h"
#include "scanner/core/err.h"

struct out_delta {
    struct out_delta_opts o;
    bool begun;
    bool ended;
    uint64_t counts[OUT_EV_COUNT];
    uint64_t redelivered;
};

static const char *const event_names[OUT_EV_COUNT] = {
    [OUT_EV_NEW_LISTING] = "new_listing",       [OUT_EV_DELISTED] = "delisted",
    [OUT_EV_CODE_CHANGED] = "code_changed",     [OUT_EV_LIST_UNHEALTHY] = "list_unhealthy",
    [OUT_EV_LIST_RECOVERED] = "list_recovered", [OUT_EV_LIST_ANOMALY] = "list_anomaly",
    [OUT_EV_FCRDNS_CHANGED] = "fcrdns_changed", [OUT_EV_SPF_CHANGED] = "spf_changed",
    [OUT_EV_DMARC_CHANGED] = "dmarc_changed",   [OUT_EV_MX_CHANGED] = "mx_changed",
};

const char *out_event_type_name(enum out_event_type t)
{
    if ((unsigned)t >= OUT_EV_COUNT)
        return "unknown";
    return event_names[t];
}

int out_event_type_parse(const char *name, enum out_event_type *t)
{
    for (unsigned i = 0; name && i < OUT_EV_COUNT; i++) {
        if (strcmp(name, event_names[i]) == 0) {
            *t = (enum out_event_type)i;
            return 0;
        }
    }
    return SCAN_ENOTFOUND;
}

int out_iso8601(int64_t ms, char *buf, size_t len)
{
    struct tm tm;
    time_t t = (time_t)(ms / 1000);

    if (len > 0)
        buf[0] = '\0';
    if (!gmtime_r(&t, &tm))
        return -ERANGE;
    if (strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return -ERANGE;
    return 0;
}

/* --- JSON primitives ---------------------------------------------------- */

/* delta_json_str() and delta_json_member_str() are shared with delta_result.c
 * (delta_int.h); the rest are the document's own. */

int delta_json_str(FILE *f, const char *s)
{
    return out_json_string(f, s, strlen(s));
}

/* A string member, or null for NULL. */
int delta_json_member_str(FILE *f, const char *name, const char *value)
{
    if (fprintf(f, ",\"%s\":", name) < 0)
        return -EIO;
    if (!value)
        return fputs("null", f) < 0 ? -EIO : 0;
    return delta_json_str(f, value);
}

/* A member whose value is already JSON text we produced; null for NULL. */
static int json_member_raw(FILE *f, const char *name, const char *json)
{
    if (fprintf(f, ",\"%s\":%s", name, json ? json : "null") < 0)
        return -EIO;
    return 0;
}

/* A comma-separated code list as a JSON array of strings. */
static int json_codes(FILE *f, const char *name, const char *codes)
{
    const char *p = codes;

    if (fprintf(f, ",\"%s\":[", name) < 0)
        return -EIO;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (p != codes && fputc(',', f) == EOF)
            return -EIO;
        if (out_json_string(f, p, n) != 0)
            return -EIO;
        p = end ? end + 1 : NULL;
    }
    return fputc(']', f) == EOF ? -EIO : 0;
}

static int write_run(FILE *f, const char *name, const struct out_run_info *r)
{
    char started[32], ended[32];

    if (!r)
        return fprintf(f, "\"%s\":null", name) < 0 ? -EIO : 0;
    out_iso8601(r->started_ms, started, sizeof(started));
    out_iso8601(r->ended_ms, ended, sizeof(ended));
    if (fprintf(f, "\"%s\":{\"id\":%" PRId64 ",\"status\":", name, r->id) < 0)
        return -EIO;
    if (delta_json_str(f, r->status ? r->status : "unknown") != 0)
        return -EIO;
    if (fprintf(f, ",\"complete\":%s,\"started\":\"%s\",\"started_ms\":%" PRId64,
                r->status && strcmp(r->status, "complete") == 0 ? "true" : "false", started,
                r->started_ms) < 0)
        return -EIO;
    if (r->ended_ms > 0) {
        if (fprintf(f, ",\"ended\":\"%s\",\"ended_ms\":%" PRId64 ",\"duration_s\":%.3f", ended,
                    r->ended_ms, (double)(r->ended_ms - r->started_ms) / 1000.0) < 0)
            return -EIO;
    } else if (fputs(",\"ended\":null,\"ended_ms\":null,\"duration_s\":null", f) < 0) {
        return -EIO;
    }
    if (fprintf(f,
                ",\"targets\":%" PRIu64 ",\"results\":%" PRIu64 ",\"listed\":%" PRIu64
                ",\"errors\":%" PRIu64 "}",
                r->targets, r->results, r->listed, r->errors) < 0)
        return -EIO;
    return 0;
}

/* --- the document --------------------------------------------------------- */

int out_delta_new(const struct out_delta_opts *o, struct out_delta **out)
{
    struct out_delta *d;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!o)
        return -EINVAL;
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->o = *o;
    *out = d;
    return 0;
}

void out_delta_free(struct out_delta *d)
{
    free(d);
}

int out_delta_begin(struct out_delta *d, const struct out_run_info *run,
                    const struct out_run_info *prev)
{
    FILE *f;

    if (!d || !run || d->begun)
        return -EINVAL;
    d->begun = true;
    f = d->o.json;
    if (!f)
        return 0;
    if (fputc('{', f) == EOF || write_run(f, "run", run) != 0 || fputc(',', f) == EOF ||
        write_run(f, "previous_run", prev) != 0 || fputs(",\"events\":[", f) < 0)
        return -EIO;
    return 0;
}

static bool is_listing_event(enum out_event_type t)
{
    return t == OUT_EV_NEW_LISTING || t == OUT_EV_DELISTED || t == OUT_EV_CODE_CHANGED;
}

static bool is_list_event(enum out_event_type t)
{
    return t == OUT_EV_LIST_UNHEALTHY || t == OUT_EV_LIST_RECOVERED || t == OUT_EV_LIST_ANOMALY;
}

static int write_event_json(struct out_delta *d, const struct out_event *ev)
{
    FILE *f = d->o.json;
    int ret = -EIO;

    if (out_delta_total(d) > 0 && fputc(',', f) == EOF)
        goto out;
    if (fprintf(f, "\n{\"type\":\"%s\"", out_event_type_name(ev->type)) < 0)
        goto out;
    if (delta_json_member_str(f, "check", ev->check) != 0 ||
        delta_json_member_str(f, "target", ev->target))
        goto out;
    if (ev->list || ev->list_id) {
        if (delta_json_member_str(f, "list", ev->list) != 0 ||
            delta_json_member_str(f, "list_id", ev->list_id) != 0)
            goto out;
    }
    if (is_list_event(ev->type) && delta_json_member_str(f, "kind", ev->kind) != 0)
        goto out;
    if (json_member_raw(f, "before", ev->before) != 0 ||
        json_member_raw(f, "after", ev->after) != 0)
        goto out;
    if (is_listing_event(ev->type)) {
        if (json_codes(f, "codes", ev->codes) != 0)
            goto out;
        if (ev->type == OUT_EV_CODE_CHANGED && json_codes(f, "codes_before", ev->codes_before))
            goto out;
        if (delta_json_member_str(f, "meaning", ev->meaning) != 0 ||
            delta_json_member_str(f, "txt", ev->txt) != 0 ||
            delta_json_member_str(f, "delist_url", ev->delist_url) != 0)
            goto out;
    }
    if (ev->type == OUT_EV_LIST_UNHEALTHY) {
        if (delta_json_member_str(f, "reason", ev->reason) != 0 ||
            delta_json_member_str(f, "detail", ev->detail) != 0)
            goto out;
    }
    if (ev->type == OUT_EV_LIST_ANOMALY) {
        if (fprintf(f, ",\"new_listings\":%" PRIu64 ",\"scanned\":%" PRIu64 ",\"share\":%.4f",
                    ev->new_listings, ev->scanned,
                    ev->scanned ? (double)ev->new_listings / (double)ev->scanned : 0.0) < 0)
            goto out;
    }
    if (delta_json_member_str(f, "pool", ev->pool) != 0)
        goto out;
    if (ev->run_id > 0 && fprintf(f, ",\"run_id\":%" PRId64, ev->run_id) < 0)
        goto out;
    if (fprintf(f, ",\"redelivered\":%s}", ev->redelivered ? "true" : "false") < 0)
        goto out;
    ret = 0;
out:
    return ret;
}

/* Text lines carry untrusted DNS data (TXT) to a terminal: sanitize every string. */
static const char *clean(const char *s, char *buf, size_t cap)
{
    if (!s)
        return "-";
    out_sanitize_text(s, strlen(s), buf, cap);
    return buf;
}

/* "zen.example" or, with a kind, "zen.example (ip6)", sanitized into @p buf. */
static const char *list_kind(const struct out_event *ev, char *buf, size_t cap)
{
    char l[256], k[32];

    clean(ev->list, l, sizeof(l));
    if (!ev->kind)
        snprintf(buf, cap, "%s", l);
    else
        snprintf(buf, cap, "%s (%s)", l, clean(ev->kind, k, sizeof(k)));
    return buf;
}

/* " (pool LABEL)", sanitized into @p buf, or "" without a pool. */
static const char *pool_of(const struct out_event *ev, char *buf, size_t cap)
{
    char p[256];

    if (!ev->pool)
        return "";
    snprintf(buf, cap, " (pool %s)", clean(ev->pool, p, sizeof(p)));
    return buf;
}

static int write_event_text(struct out_delta *d, const struct out_event *ev)
{
    FILE *f = d->o.text;
    char a[256], b[320], c[512], e[512];
    const char *name = out_event_type_name(ev->type);
    int n;

    if (ev->redelivered && fprintf(f, "redelivered (run %" PRId64 "): ", ev->run_id) < 0)
        return -EIO;
    if (is_listing_event(ev->type)) {
        n = fprintf(f, "%s %s%s %s:", name, clean(ev->target, a, sizeof(a)),
                    pool_of(ev, c, sizeof(c)), clean(ev->list, b, sizeof(b)));
        if (n >= 0 && ev->type == OUT_EV_CODE_CHANGED)
            n = fprintf(f, " %s ->", clean(ev->codes_before, a, sizeof(a)));
        else if (n >= 0 && ev->type == OUT_EV_DELISTED)
            n = fprintf(f, " was");
        if (n >= 0)
            n = fprintf(f, " %s", clean(ev->codes, a, sizeof(a)));
        if (n >= 0 && ev->meaning)
            n = fprintf(f, " (%s)", clean(ev->meaning, c, sizeof(c)));
        if (n >= 0 && ev->type != OUT_EV_DELISTED && ev->txt)
            n = fprintf(f, "; TXT \"%s\"", clean(ev->txt, e, sizeof(e)));
        if (n >= 0 && ev->type != OUT_EV_DELISTED && ev->delist_url)
            n = fprintf(f, "; delist: %s", clean(ev->delist_url, e, sizeof(e)));
    } else if (ev->type == OUT_EV_LIST_UNHEALTHY) {
        n = fprintf(f, "%s %s: %s", name, list_kind(ev, b, sizeof(b)),
                    clean(ev->reason ? ev->reason : "unhealthy", a, sizeof(a)));
        if (n >= 0 && ev->detail)
            n = fprintf(f, " - %s", clean(ev->detail, e, sizeof(e)));
        if (n >= 0)
            n = fputs("; its delistings are held back until it recovers", f);
    } else if (ev->type == OUT_EV_LIST_RECOVERED) {
        n = fprintf(f, "%s %s: was %s", name, list_kind(ev, b, sizeof(b)),
                    clean(ev->before_status, a, sizeof(a)));
    } else if (ev->type == OUT_EV_LIST_ANOMALY) {
        n = fprintf(f,
                    "%s %s: %" PRIu64 " new listings of %" PRIu64
                    " targets scanned; treated as a list fault, listings not recorded",
                    name, list_kind(ev, b, sizeof(b)), ev->new_listings, ev->scanned);
    } else {
        char p[300];
        n = fprintf(f, "%s %s%s %s: %s -> %s", name, clean(ev->target, a, sizeof(a)),
                    pool_of(ev, p, sizeof(p)), clean(ev->check, b, sizeof(b)),
                    clean(ev->before_status, c, sizeof(c)), clean(ev->after_status, e, sizeof(e)));
    }
    if (n < 0 || fputc('\n', f) == EOF)
        return -EIO;
    return 0;
}

int out_delta_event(struct out_delta *d, const struct out_event *ev)
{
    int ret;

    if (!d || !ev || !d->begun || d->ended || (unsigned)ev->type >= OUT_EV_COUNT)
        return -EINVAL;
    if (is_list_event(ev->type) && !ev->list)
        return -EINVAL;
    if (!is_list_event(ev->type) && !ev->target)
        return -EINVAL;
    if (d->o.json && (ret = write_event_json(d, ev)) != 0)
        return ret;
    if (d->o.text && (ret = write_event_text(d, ev)) != 0)
        return ret;
    d->counts[ev->type]++;
    d->redelivered += ev->redelivered;
    if (d->o.on_event && (ret = d->o.on_event(d->o.arg, ev)) != 0)
        return ret;
    return 0;
}

int out_delta_end(struct out_delta *d)
{
    FILE *f;
    uint64_t total;

    if (!d || !d->begun || d->ended)
        return -EINVAL;
    d->ended = true;
    total = out_delta_total(d);
    f = d->o.json;
    if (f) {
        if (fputs(total ? "\n],\"counts\":{" : "],\"counts\":{", f) < 0)
            return -EIO;
        for (unsigned i = 0; i < OUT_EV_COUNT; i++) {
            if (fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", event_names[i], d->counts[i]) < 0)
                return -EIO;
        }
        if (fprintf(f, "},\"total\":%" PRIu64 ",\"redelivered\":%" PRIu64 "}\n", total,
                    d->redelivered) < 0 ||
            fflush(f) == EOF || ferror(f))
            return -EIO;
    }
    if (d->o.text && (fflush(d->o.text) == EOF || ferror(d->o.text)))
        return -EIO;
    return 0;
}

uint64_t out_delta_count(const struct out_delta *d, enum out_event_type t)
{
    if (!d || (unsigned)t >= OUT_EV_COUNT)
        return 0;
    return d->counts[t];
}

uint64_t out_delta_total(const struct out_delta *d)
{
    uint64_t n = 0;

    for (unsigned i = 0; d && i < OUT_EV_COUNT; i++)
        n += d->counts[i];
    return n;
}

uint64_t out_delta_redelivered(const struct out_delta *d)
{
    return d ? d->redelivered : 0;
}

bool out_delta_has_problems(const struct out_delta *d)
{
    for (unsigned i = 0; d && i < OUT_EV_COUNT; i++) {
        if (i != OUT_EV_DELISTED && i != OUT_EV_LIST_RECOVERED && d->counts[i] > 0)
            return true;
    }
    return false;
}
