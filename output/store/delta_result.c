/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The canonical JSON form of a result: out_delta_result_json(), the before/after
 * of an event, and out_delta_result_fingerprint(), what the store compares to
 * decide a record check changed (only the fields that identify a finding, arrays
 * sorted as sets). Strings go through delta.c's JSON primitives (delta_int.h);
 * calls run one way, this file -> delta.c.
 */
#include "output/store/delta_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "output/writers/writer.h"

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
        if ((!first && fputc(',', f) == EOF) || delta_json_str(f, fl->name) != 0 ||
            fputc(':', f) == EOF)
            return -EIO;
        first = false;
        switch (fl->type) {
        case SCAN_F_STR:
            ret = fl->str ? delta_json_str(f, fl->str) : (fputs("null", f) < 0 ? -EIO : 0);
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
        if ((i && fputc(',', f) == EOF) || delta_json_str(f, c ? c : "") != 0)
            goto out;
    }
    if (fputs("],\"meanings\":[", f) < 0)
        goto out;
    for (size_t i = 0; i < r->ncodes; i++) {
        const char *m = r->meanings ? r->meanings[idx[i]] : NULL;
        if ((i && fputc(',', f) == EOF) || delta_json_str(f, m ? m : "") != 0)
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
        if (fputs("{\"status\":\"error\"", f) < 0 || delta_json_member_str(f, "reason", r->reason))
            return -EIO;
    } else if (r->outcome == SCAN_OUT_LISTED) {
        if (fputs("{\"status\":\"listed\"", f) < 0)
            return -EIO;
        if ((ret = write_codes(f, r)) != 0)
            return ret;
        if (delta_json_member_str(f, "txt", r->txt) != 0 ||
            delta_json_member_str(f, "delist_url", r->delist_url) != 0)
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

    if (fputs("{\"status\":", f) < 0 || delta_json_str(f, scan_status_word(r->st)) != 0)
        return -EIO;
    if (with_reason && r->reason && delta_json_member_str(f, "reason", r->reason) != 0)
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
