/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check's run state (see dnssec.h; dnssec_int.h lists the check's
 * files): the trust anchors, read from their file once at set-up (the only file
 * scanner/checks reads), the memo of what the run concluded about each zone of a
 * chain, and the conclusions written into it.
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

static size_t memo_hash(const char *zone)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)zone; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % MEMO_BUCKETS);
}

struct zmemo *dnssec_memo_find(const struct scan_dnssec *d, const char *zone)
{
    for (struct zmemo *m = d->buckets[memo_hash(zone)]; m; m = m->next)
        if (strcmp(m->zone, zone) == 0)
            return m;
    return NULL;
}

void dnssec_memo_free(struct zmemo *m)
{
    if (!m)
        return;
    free(m->zone);
    free(m->insecure_at);
    free(m->record);
    free(m->problem);
    free(m->soa_record);
    ldns_rr_list_deep_free(m->keys);
    for (size_t i = 0; i < m->nchain; i++)
        free(m->chain[i]);
    free(m->chain);
    free(m);
}

static void memo_clear(struct scan_dnssec *d)
{
    for (size_t b = 0; b < MEMO_BUCKETS; b++) {
        while (d->buckets[b]) {
            struct zmemo *m = d->buckets[b];
            d->buckets[b] = m->next;
            dnssec_memo_free(m);
        }
    }
}

void dnssec_memo_add(struct scan_dnssec *d, struct zmemo *m)
{
    size_t b = memo_hash(m->zone);
    m->next = d->buckets[b];
    d->buckets[b] = m;
}

/* ---- trust anchors -------------------------------------------------------- */

static int load_anchors(struct scan_dnssec *d, const char *name, FILE *f, struct scan_diag *diag)
{
    int line = 0;
    while (!feof(f)) {
        ldns_rr *rr = NULL;
        ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, NULL, NULL, NULL, &line);
        if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
            st == LDNS_STATUS_SYNTAX_ORIGIN)
            continue; /* blank, comment or directive (also the end of the file) */
        if (st != LDNS_STATUS_OK)
            return scan_diag_fail(diag, SCAN_ECONFIG, "%s:%d: not a DS or DNSKEY record (%s)", name,
                                  line, ldns_get_errorstr_by_id(st));
        ldns_rr_type t = ldns_rr_get_type(rr);
        if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY) {
            ldns_rr_free(rr);
            return scan_diag_fail(diag, SCAN_ECONFIG,
                                  "%s:%d: a trust anchor is a DS or DNSKEY record", name, line);
        }
        if (!ldns_rr_list_push_rr(d->anchors, rr)) {
            ldns_rr_free(rr);
            return -ENOMEM;
        }
    }
    if (ldns_rr_list_rr_count(d->anchors) == 0)
        return scan_diag_fail(diag, SCAN_ECONFIG,
                              "%s: no DS or DNSKEY record (a trust anchor file lists them)", name);
    return 0;
}

static int dnssec_new_from(const char *name, FILE *f, struct scan_dnssec **out,
                           struct scan_diag *diag)
{
    struct scan_dnssec *d = calloc(1, sizeof(*d));
    int ret = -ENOMEM;
    if (!d || !(d->anchors = ldns_rr_list_new()))
        goto fail;
    ret = load_anchors(d, name, f, diag);
    if (ret != 0)
        goto fail;
    *out = d;
    return 0;
fail:
    scan_dnssec_free(d);
    return ret;
}

int scan_dnssec_new(const char *path, struct scan_dnssec **out, struct scan_diag *diag)
{
    *out = NULL;
    FILE *f = fopen(path, "re");
    if (!f) {
        int e = errno;
        return scan_diag_fail(diag, -e, "%s: %s", path, strerror(e));
    }
    int ret = dnssec_new_from(path, f, out, diag);
    fclose(f);
    return ret;
}

int scan_dnssec_new_from_text(const char *name, const char *text, struct scan_dnssec **out,
                              struct scan_diag *diag)
{
    *out = NULL;
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f)
        return -ENOMEM;
    int ret = dnssec_new_from(name, f, out, diag);
    fclose(f);
    return ret;
}

void scan_dnssec_free(struct scan_dnssec *d)
{
    if (!d)
        return;
    memo_clear(d);
    ldns_rr_list_deep_free(d->anchors);
    free(d);
}

void scan_dnssec_set_time(struct scan_dnssec *d, int64_t now)
{
    d->now = now;
    memo_clear(d);
}

/* ---- conclusions ------------------------------------------------------------- */

struct zmemo *dnssec_zmemo_new(const char *zone, const struct zmemo *parent)
{
    struct zmemo *m = calloc(1, sizeof(*m));
    if (!m || !(m->zone = strdup(zone)))
        goto fail;
    size_t n = parent ? parent->nchain : 0;
    m->chain = calloc(n + 1, sizeof(*m->chain));
    if (!m->chain)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        if (!(m->chain[i] = strdup(parent->chain[i])))
            goto fail;
        m->nchain++;
    }
    return m;
fail:
    dnssec_memo_free(m);
    return NULL;
}

int dnssec_memo_chain_add(struct zmemo *m)
{
    if (!(m->chain[m->nchain] = strdup(m->zone)))
        return -ENOMEM;
    m->nchain++;
    return 0;
}

/* Set an insecure or bogus conclusion. @return 0 or -ENOMEM. */
int dnssec_conclude(struct zmemo *m, enum zverdict v, enum scan_reason why, const char *at,
                    const ldns_rr *rr, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    m->v = v;
    m->why = why;
    if (at && !(m->insecure_at = strdup(at)))
        return -ENOMEM;
    if (rr && !(m->record = dnssec_rr_text(rr)))
        return -ENOMEM;
    return (m->problem = strdup(buf)) ? 0 : -ENOMEM;
}
