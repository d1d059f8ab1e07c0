/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The delta document, human event lines, event counts, and the canonical JSON
 * form of a result used as before/after and as the record-check fingerprint.
 *
 * One file on purpose (over 600 lines): the delta between runs and its one serialization,
 * which the store fingerprints.
 */
#include "output/store/delta.h"

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

static int json_str(FILE *f, const char *s)
{
    return out_json_string(f, s, strlen(s));
}

/* A string member, or null for NULL. */
static int json_member_str(FILE *f, const char *name, const char *value)
{
    if (fprintf(f, ",\"%s\":", name) < 0)
        return -EIO;
    if (!value)
        return fputs("null", f) < 0 ? -EIO : 0;
    return json_str(f, value);
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
    if (json_str(f, r->status ? r->status : "unknown") != 0)
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
    if (json_member_str(f, "check", ev->check) != 0 || json_member_str(f, "target", ev->target))
        goto out;
    if (ev->list || ev->list_id) {
        if (json_member_str(f, "list", ev->list) != 0 ||
            json_member_str(f, "list_id", ev->list_id) != 0)
            goto out;
    }
    if (is_list_event(ev->type) && json_member_str(f, "kind", ev->kind) != 0)
        goto out;
    if (json_member_raw(f, "before", ev->before) != 0 ||
        json_member_raw(f, "after", ev->after) != 0)
        goto out;
    if (is_listing_event(ev->type)) {
        if (json_codes(f, "codes", ev->codes) != 0)
            goto out;
        if (ev->type == OUT_EV_CODE_CHANGED && json_codes(f, "codes_before", ev->codes_before))
            goto out;
        if (json_member_str(f, "meaning", ev->meaning) != 0 ||
            json_member_str(f, "txt", ev->txt) != 0 ||
            json_member_str(f, "delist_url", ev->delist_url) != 0)
            goto out;
    }
    if (ev->type == OUT_EV_LIST_UNHEALTHY) {
        if (json_member_str(f, "reason", ev->reason) != 0 ||
            json_member_str(f, "detail", ev->detail) != 0)
            goto out;
    }
    if (ev->type == OUT_EV_LIST_ANOMALY) {
        if (fprintf(f, ",\"new_listings\":%" PRIu64 ",\"scanned\":%" PRIu64 ",\"share\":%.4f",
                    ev->new_listings, ev->scanned,
                    ev->scanned ? (double)ev->new_listings / (double)ev->scanned : 0.0) < 0)
            goto out;
    }
    if (json_member_str(f, "pool", ev->pool) != 0)
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

/* --- canonical result JSON ---------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Which fields of an object to write: all of them (only == NULL), or those named
 * in @c only; objects inside arrays are filtered by @c members.
 */
struct field_filter {
    const char *const *only;
    const char *const *members;
    /** Leave out empty arrays: for a field that older versions wrote only when it
     *  had entries, so a stored fingerprint still matches the same record. */
    bool omit_empty;
};

static const struct field_filter all_fields = {NULL, NULL, false};

static bool wanted(const struct field_filter *flt, const char *name)
{
    if (!flt->only)
        return true;
    for (const char *const *p = flt->only; *p; p++) {
        if (strcmp(*p, name) == 0)
            return true;
    }
    return false;
}

static int write_fields(FILE *f, const struct scan_fields *fs, bool first,
                        const struct field_filter *flt);

/*
 * Arrays are sets for change detection: a resolver that returns the same PTR
 * names or MX hosts in another order has not changed anything. Each element is
 * rendered on its own (objects recursively canonical), then the renderings are
 * sorted bytewise and written.
 */
static int write_sorted_array(FILE *f, const struct scan_field *fl,
                              const struct field_filter *members)
{
    char **items = NULL;
    size_t *lens = NULL;
    size_t n = fl->n, done = 0;
    int ret = -ENOMEM;

    if (n == 0)
        return fputs("[]", f) < 0 ? -EIO : 0;
    items = calloc(n, sizeof(*items));
    lens = calloc(n, sizeof(*lens));
    if (!items || !lens)
        goto out;
    for (; done < n; done++) {
        FILE *m = open_memstream(&items[done], &lens[done]);
        if (!m)
            goto out;
        if (fl->type == SCAN_F_STRV) {
            const char *s = fl->strv[done] ? fl->strv[done] : "";
            ret = out_json_string(m, s, strlen(s));
        } else {
            ret = fputc('{', m) == EOF ? -EIO : write_fields(m, &fl->objv[done], true, members);
            if (ret == 0 && fputc('}', m) == EOF)
                ret = -EIO;
        }
        if (fclose(m) != 0 && ret == 0)
            ret = -ENOMEM;
        if (ret != 0) {
            done++;
            goto out;
        }
    }
    qsort(items, n, sizeof(*items), cmp_str);
    ret = -EIO;
    if (fputc('[', f) == EOF)
        goto out;
    for (size_t i = 0; i < n; i++) {
        if ((i && fputc(',', f) == EOF) || fputs(items[i], f) < 0)
            goto out;
    }
    if (fputc(']', f) == EOF)
        goto out;
    ret = 0;
out:
    for (size_t i = 0; items && i < done; i++)
        free(items[i]);
    free(items);
    free(lens);
    return ret;
}

static int write_fields(FILE *f, const struct scan_fields *fs, bool first,
                        const struct field_filter *flt)
{
    const struct field_filter members = {flt->members, NULL, false};
    int ret;

    for (size_t i = 0; i < fs->n; i++) {
        const struct scan_field *fl = &fs->f[i];
        if (!fl->name || !wanted(flt, fl->name))
            continue;
        if (flt->omit_empty && (fl->type == SCAN_F_STRV || fl->type == SCAN_F_OBJV) && fl->n == 0)
            continue;
        if ((!first && fputc(',', f) == EOF) || json_str(f, fl->name) != 0 || fputc(':', f) == EOF)
            return -EIO;
        first = false;
        switch (fl->type) {
        case SCAN_F_STR:
            ret = fl->str ? json_str(f, fl->str) : (fputs("null", f) < 0 ? -EIO : 0);
            break;
        case SCAN_F_INT:
            ret = fprintf(f, "%" PRId64, fl->i) < 0 ? -EIO : 0;
            break;
        case SCAN_F_BOOL:
            ret = fputs(fl->b ? "true" : "false", f) < 0 ? -EIO : 0;
            break;
        case SCAN_F_STRV:
        case SCAN_F_OBJV:
            ret = write_sorted_array(f, fl, &members);
            break;
        default:
            ret = fputs("null", f) < 0 ? -EIO : 0;
            break;
        }
        if (ret != 0)
            return ret;
    }
    return 0;
}

/*
 * Codes and their meanings as two parallel arrays, ordered by code: the order
 * the resolver returned the A records in is not part of the listing.
 */
static int cmp_code_idx(const void *a, const void *b, void *arg)
{
    const struct scan_result *r = arg;
    const char *x = r->codes[*(const size_t *)a], *y = r->codes[*(const size_t *)b];
    return strcmp(x ? x : "", y ? y : "");
}

static int write_codes(FILE *f, const struct scan_result *r)
{
    size_t *idx = NULL;
    int ret = -EIO;

    if (r->ncodes) {
        idx = malloc(r->ncodes * sizeof(*idx));
        if (!idx)
            return -ENOMEM;
        for (size_t i = 0; i < r->ncodes; i++)
            idx[i] = i;
        qsort_r(idx, r->ncodes, sizeof(*idx), cmp_code_idx, (void *)r);
    }
    if (fputs(",\"codes\":[", f) < 0)
        goto out;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *c = r->codes[idx[i]];
        if ((i && fputc(',', f) == EOF) || json_str(f, c ? c : "") != 0)
            goto out;
    }
    if (fputs("],\"meanings\":[", f) < 0)
        goto out;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *m = r->meanings ? r->meanings[idx[i]] : NULL;
        if ((i && fputc(',', f) == EOF) || json_str(f, m ? m : "") != 0)
            goto out;
    }
    if (fputc(']', f) == EOF)
        goto out;
    ret = 0;
out:
    free(idx);
    return ret;
}

static int write_dnsbl(FILE *f, const struct scan_result *r)
{
    int ret;

    if (r->outcome == SCAN_OUT_ERROR) {
        if (fputs("{\"status\":\"error\"", f) < 0 || json_member_str(f, "reason", r->reason))
            return -EIO;
    } else if (r->outcome == SCAN_OUT_LISTED) {
        if (fputs("{\"status\":\"listed\"", f) < 0)
            return -EIO;
        if ((ret = write_codes(f, r)) != 0)
            return ret;
        if (json_member_str(f, "txt", r->txt) != 0 ||
            json_member_str(f, "delist_url", r->delist_url) != 0)
            return -EIO;
    } else if (fputs("{\"status\":\"clean\"", f) < 0) {
        return -EIO;
    }
    return fputc('}', f) == EOF ? -EIO : 0;
}

static int write_record(FILE *f, const struct scan_result *r, bool with_reason,
                        const struct field_filter *flt)
{
    int ret;

    if (fputs("{\"status\":", f) < 0 || json_str(f, scan_status_word(r->st)) != 0)
        return -EIO;
    if (with_reason && r->reason && json_member_str(f, "reason", r->reason) != 0)
        return -EIO;
    ret = write_fields(f, &r->extra, false, flt);
    if (ret != 0)
        return ret;
    return fputc('}', f) == EOF ? -EIO : 0;
}

int out_delta_result_json(FILE *f, const struct scan_result *r)
{
    if (!f || !r || !r->kind)
        return -EINVAL;
    if (r->kind == SCAN_CHECK_DNSBL)
        return write_dnsbl(f, r);
    return write_record(f, r, true, &all_fields);
}

/*
 * What identifies a record check's finding, per the issue: FCrDNS status and PTR
 * names, SPF record and status, DMARC record (and the domain it came from) and
 * status, the MX set (preference and host, not the addresses: large providers
 * rotate them on every query); the DKIM selector's key record, the MTA-STS
 * record with the policy's mode and mx patterns, the TLS-RPT record, the BIMI
 * record with the DMARC policy it relies on, the NS names. Diagnostics, lookup counts and reasons
 * are left out: they change without anything the operator did.
 */
static const char *const fp_fcrdns[] = {"ptr", NULL};
static const char *const fp_spf[] = {"record", NULL};
static const char *const fp_spf_auth[] = {"domain", NULL};
static const char *const fp_dmarc[] = {"record", "policy_domain", NULL};
static const char *const fp_mx[] = {"hosts", NULL};
static const char *const fp_mx_host[] = {"pref", "host", NULL};
static const char *const fp_dkim[] = {"selector", "record", NULL};
static const char *const fp_mtasts[] = {"record", "mode", "mx", NULL};
static const char *const fp_record[] = {"record", NULL};
static const char *const fp_bimi[] = {"record", "dmarc_policy", NULL};
static const char *const fp_ns[] = {"hosts", NULL};
static const char *const fp_ns_host[] = {"host", NULL};

static const struct {
    enum scan_check check;
    struct field_filter filter;
} identities[] = {
    {SCAN_CHECK_FCRDNS, {fp_fcrdns, NULL, false}},
    {SCAN_CHECK_SPF, {fp_spf, NULL, false}},
    {SCAN_CHECK_SPF_AUTH, {fp_spf_auth, NULL, false}},
    {SCAN_CHECK_DMARC, {fp_dmarc, NULL, false}},
    /* mx lines without an MX set carry "hosts": [] since every line has every
     * field; before, they had none, and stored fingerprints say so. */
    {SCAN_CHECK_MX, {fp_mx, fp_mx_host, true}},
    {SCAN_CHECK_DKIM, {fp_dkim, NULL, false}},
    {SCAN_CHECK_MTA_STS, {fp_mtasts, NULL, false}},
    {SCAN_CHECK_TLS_RPT, {fp_record, NULL, false}},
    {SCAN_CHECK_BIMI, {fp_bimi, NULL, false}},
    {SCAN_CHECK_NS, {fp_ns, fp_ns_host, false}},
};

int out_delta_result_fingerprint(FILE *f, const struct scan_result *r)
{
    if (!f || !r || !r->kind)
        return -EINVAL;
    if (r->kind == SCAN_CHECK_DNSBL)
        return write_dnsbl(f, r);
    for (size_t i = 0; i < sizeof(identities) / sizeof(identities[0]); i++) {
        if (r->kind == identities[i].check)
            return write_record(f, r, false, &identities[i].filter);
    }
    return write_record(f, r, true, &all_fields);
}
