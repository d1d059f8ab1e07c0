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

/* A memo slot (scan_hashset_str_ops: the zone's name first). */
struct memo_ent {
    const char *zone; /* m->zone */
    struct zmemo *m;
};

struct zmemo *dnssec_memo_find(const struct scan_dnssec *d, const char *zone)
{
    const struct memo_ent *e = scan_hashset_find(&d->memo, zone);
    return e ? e->m : NULL;
}

/* What an entry owns outside the arena: its key set. NULL is a no-op. */
static void memo_drop(struct zmemo *m)
{
    if (m)
        ldns_rr_list_deep_free(m->keys);
}

/* Entries are made once per zone, top-down (dnssec_chain_state() looks each one
 * up first): a zone already there is a bug (-EINVAL), not a second opinion. */
struct zmemo *dnssec_memo_keep(struct ctx *c, struct zmemo *m, int ret)
{
    void *slot;
    if (ret == 0 && (ret = scan_hashset_insert(&c->d->memo, m->zone, &slot)) == 0) {
        struct memo_ent e = {m->zone, m};
        memcpy(slot, &e, sizeof(e));
        return m;
    }
    if (ret == 1 && scan_fails_assert(ret == 0))
        ret = -EINVAL;
    memo_drop(m);
    c->err = ret;
    return NULL;
}

static void memo_clear(struct scan_dnssec *d)
{
    const struct memo_ent *e;
    size_t pos = 0;
    while ((e = scan_hashset_next(&d->memo, &pos)))
        memo_drop(e->m);
    scan_hashset_deinit(&d->memo);
    scan_arena_deinit(&d->mem);
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
    if (!d)
        return -ENOMEM;
    scan_hashset_init(&d->memo, sizeof(struct memo_ent), 0, &scan_hashset_str_ops);
    if (!(d->anchors = ldns_rr_list_new()))
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

struct zmemo *dnssec_zmemo_new(struct scan_dnssec *d, const char *zone, const struct zmemo *parent)
{
    size_t n = parent ? parent->nchain : 0;
    struct zmemo *m = scan_arena_calloc(&d->mem, 1, sizeof(*m));
    if (!m || !(m->zone = scan_arena_strdup(&d->mem, zone)) ||
        !(m->chain = scan_arena_calloc(&d->mem, n + 1, sizeof(*m->chain))))
        return NULL;
    /* The parent's names are the same arena's: shared, not copied. One more slot
     * for this zone, once its keys are validated. */
    for (size_t i = 0; i < n; i++)
        m->chain[i] = parent->chain[i];
    m->nchain = n;
    return m;
}

char *dnssec_memo_rr_text(struct scan_dnssec *d, const ldns_rr *rr)
{
    char *t = dnssec_rr_text(rr), *s = t ? scan_arena_strdup(&d->mem, t) : NULL;
    free(t);
    return s;
}

/* Set an insecure or bogus conclusion. @return 0 or -ENOMEM. */
int dnssec_conclude(struct ctx *c, struct zmemo *m, enum zverdict v, enum scan_reason why,
                    const char *at, const ldns_rr *rr, const char *fmt, ...)
{
    struct scan_arena *mem = &c->d->mem;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    m->v = v;
    m->why = why;
    if (at && !(m->insecure_at = scan_arena_strdup(mem, at)))
        return -ENOMEM;
    if (rr && !(m->record = dnssec_memo_rr_text(c->d, rr)))
        return -ENOMEM;
    return (m->problem = scan_arena_strdup(mem, buf)) ? 0 : -ENOMEM;
}
