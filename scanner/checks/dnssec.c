/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check (see dnssec.h): the chain of trust of a domain's zone,
 * validated with ldns over replies fetched with the DO bit. The only file of
 * the scanner that includes ldns: every ldns object lives inside one call, or
 * in the memo of struct scan_dnssec, and every ldns status is translated here.
 *
 * Ownership of ldns objects, one rule for the whole file: a packet from
 * ldns_wire2pkt() owns its records (ldns_pkt_free()); the lists this file
 * builds from a packet hold pointers into it and are freed with
 * ldns_rr_list_free(), never deep-freed; the memo's key sets and the anchors are
 * clones, freed with ldns_rr_list_deep_free().
 *
 * One file on purpose (over 600 lines): the chain of trust is one algorithm over one memo
 * of validated zones (RFC 4035 section 5), cut into named steps inside.
 */
#include "scanner/checks/dnssec.h"

#include <errno.h>
#include <ldns/ldns.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/checks/record.h"
#include "scanner/core/err.h"

#define MAX_LABELS   128
#define MEMO_BUCKETS 4096

/* ---- the run's state ------------------------------------------------------ */

/* ZV_ERROR: no verdict can be drawn from what the resolver sends (it strips the
 * DNSSEC records): an error, not a bogus zone. */
enum zverdict { ZV_SECURE, ZV_INSECURE, ZV_BOGUS, ZV_ERROR };

/* What the run concluded about the chain down to one zone. */
struct zmemo {
    struct zmemo *next;
    char *zone; /* "." or "a.b", lower-case */
    enum zverdict v;
    enum scan_reason why; /* insecure, bogus */
    char *insecure_at;    /* insecure: the cut without DS (NULL: no anchor) */
    char *record;         /* bogus: the failing record */
    char *problem;        /* insecure, bogus: a sentence */
    ldns_rr_list *keys;   /* secure: the zone's validated DNSKEY set (deep) */
    char **chain;         /* the zones validated from the anchor down to here */
    size_t nchain;
    /* Facts of the zone itself, filled once it is some domain's zone. */
    bool facts;
    bool is_signed, has_ds, soa_ok;
    enum scan_reason soa_why; /* secure zone: SCAN_R_NONE when its SOA verifies */
    char *soa_record;
    char algs[128]; /* "ECDSAP256SHA256 RSASHA256" */
};

struct scan_dnssec {
    ldns_rr_list *anchors; /* DS and DNSKEY records (deep) */
    int64_t now;           /* 0: the clock */
    struct zmemo *buckets[MEMO_BUCKETS];
};

static size_t memo_hash(const char *zone)
{
    uint64_t h = 1469598103934665603ull;
    for (const unsigned char *p = (const unsigned char *)zone; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (size_t)(h % MEMO_BUCKETS);
}

static struct zmemo *memo_find(const struct scan_dnssec *d, const char *zone)
{
    for (struct zmemo *m = d->buckets[memo_hash(zone)]; m; m = m->next)
        if (strcmp(m->zone, zone) == 0)
            return m;
    return NULL;
}

static void memo_free(struct zmemo *m)
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
            memo_free(m);
        }
    }
}

static void memo_add(struct scan_dnssec *d, struct zmemo *m)
{
    size_t b = memo_hash(m->zone);
    m->next = d->buckets[b];
    d->buckets[b] = m;
}

/* ---- trust anchors -------------------------------------------------------- */

static int load_anchors(struct scan_dnssec *d, const char *name, FILE *f, char *err, size_t errlen)
{
    int line = 0;
    while (!feof(f)) {
        ldns_rr *rr = NULL;
        ldns_status st = ldns_rr_new_frm_fp_l(&rr, f, NULL, NULL, NULL, &line);
        if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
            st == LDNS_STATUS_SYNTAX_ORIGIN)
            continue; /* blank, comment or directive (also the end of the file) */
        if (st != LDNS_STATUS_OK) {
            snprintf(err, errlen, "%s:%d: not a DS or DNSKEY record (%s)", name, line,
                     ldns_get_errorstr_by_id(st));
            return SCAN_ECONFIG;
        }
        ldns_rr_type t = ldns_rr_get_type(rr);
        if (t != LDNS_RR_TYPE_DS && t != LDNS_RR_TYPE_DNSKEY) {
            ldns_rr_free(rr);
            snprintf(err, errlen, "%s:%d: a trust anchor is a DS or DNSKEY record", name, line);
            return SCAN_ECONFIG;
        }
        if (!ldns_rr_list_push_rr(d->anchors, rr)) {
            ldns_rr_free(rr);
            return -ENOMEM;
        }
    }
    if (ldns_rr_list_rr_count(d->anchors) == 0) {
        snprintf(err, errlen, "%s: no DS or DNSKEY record (a trust anchor file lists them)", name);
        return SCAN_ECONFIG;
    }
    return 0;
}

static int dnssec_new_from(const char *name, FILE *f, struct scan_dnssec **out, char *err,
                           size_t errlen)
{
    struct scan_dnssec *d = calloc(1, sizeof(*d));
    int ret = -ENOMEM;
    if (!d || !(d->anchors = ldns_rr_list_new()))
        goto fail;
    ret = load_anchors(d, name, f, err, errlen);
    if (ret != 0)
        goto fail;
    *out = d;
    return 0;
fail:
    scan_dnssec_free(d);
    return ret;
}

int scan_dnssec_new(const char *path, struct scan_dnssec **out, char *errbuf, size_t errlen)
{
    *out = NULL;
    errbuf[0] = '\0';
    FILE *f = fopen(path, "re");
    if (!f) {
        int e = errno;
        snprintf(errbuf, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    int ret = dnssec_new_from(path, f, out, errbuf, errlen);
    fclose(f);
    return ret;
}

int scan_dnssec_new_from_text(const char *name, const char *text, struct scan_dnssec **out,
                              char *errbuf, size_t errlen)
{
    *out = NULL;
    errbuf[0] = '\0';
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f)
        return -ENOMEM;
    int ret = dnssec_new_from(name, f, out, errbuf, errlen);
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

/* ---- reading replies ------------------------------------------------------ */

/* One check's run. */
struct ctx {
    struct scan_view *v;
    struct scan_dnssec *d;
    time_t now;
    bool missing; /* some answer is not in the view yet */
    int err;      /* -ENOMEM, -EINVAL */
};

/* (name, type) asked with DO, or NULL with c->missing set (or c->err). */
static const struct scan_answer *need(struct ctx *c, const char *name, uint16_t type)
{
    const struct scan_answer *a = NULL;
    int ret = scan_view_get_flags(c->v, name, type, SCAN_Q_DNSSEC, &a);
    if (ret == -EAGAIN)
        c->missing = true;
    else if (ret != 0 && !c->err)
        c->err = ret;
    return ret == 0 ? a : NULL;
}

static bool dns_failed(const struct scan_answer *a)
{
    return scan_reason_of_dns(a->status) != SCAN_R_NONE || a->tc;
}

static enum scan_reason dns_reason(const struct scan_answer *a)
{
    enum scan_reason r = scan_reason_of_dns(a->status);
    return r != SCAN_R_NONE ? r : SCAN_R_INVALID_ANSWER; /* still truncated */
}

/* The reply of @p a as an ldns packet (caller frees with ldns_pkt_free()), or NULL
 * when it has no usable bytes. */
static ldns_pkt *packet_of(const struct scan_answer *a)
{
    ldns_pkt *p = NULL;
    if (!a || !a->raw || ldns_wire2pkt(&p, a->raw, a->raw_len) != LDNS_STATUS_OK)
        return NULL;
    return p;
}

static ldns_rr_list *section(const ldns_pkt *p, bool authority)
{
    return authority ? ldns_pkt_authority(p) : ldns_pkt_answer(p);
}

/* The rdata fields a record of @p type must have before this file reads it: ldns
 * keeps a record with short rdata, and its accessors assert on what is missing. */
static size_t min_rdfs(ldns_rr_type type)
{
    switch (type) {
    case LDNS_RR_TYPE_DNSKEY:
    case LDNS_RR_TYPE_DS:
        return 4;
    case LDNS_RR_TYPE_RRSIG:
        return 9;
    case LDNS_RR_TYPE_NSEC:
        return 2;
    case LDNS_RR_TYPE_NSEC3:
        return 6;
    case LDNS_RR_TYPE_SOA:
        return 7;
    case LDNS_RR_TYPE_MX:
        return 2;
    default:
        return 1;
    }
}

/*
 * Records of @p type owned by @p owner (any owner when NULL) in one section, well
 * formed (min_rdfs()); for LDNS_RR_TYPE_RRSIG, those covering @p covered. The list holds pointers
 * into
 * @p p: free it with ldns_rr_list_free(). NULL on ENOMEM.
 */
static ldns_rr_list *pick(const ldns_pkt *p, bool authority, const ldns_rdf *owner,
                          ldns_rr_type type, ldns_rr_type covered)
{
    ldns_rr_list *sec = section(p, authority), *out = ldns_rr_list_new();
    for (size_t i = 0; out && i < ldns_rr_list_rr_count(sec); i++) {
        ldns_rr *rr = ldns_rr_list_rr(sec, i);
        if (ldns_rr_get_type(rr) != type || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
            ldns_rr_rd_count(rr) < min_rdfs(type))
            continue; /* another record, or a malformed one: not there */
        if (owner && ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
            continue;
        if (type == LDNS_RR_TYPE_RRSIG &&
            ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != covered)
            continue;
        if (!ldns_rr_list_push_rr(out, rr)) {
            ldns_rr_list_free(out);
            return NULL;
        }
    }
    return out;
}

/* A record in presentation format on one line, for the report (caller frees). */
static char *rr_text(const ldns_rr *rr)
{
    char *s = rr ? ldns_rr2str_fmt(ldns_output_format_nocomments, rr) : NULL;
    if (!s)
        return NULL;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\t')
            *p = ' ';
    return s;
}

/* ---- verification ----------------------------------------------------------- */

static bool algorithm_supported(uint8_t alg)
{
    switch (alg) {
    case LDNS_RSASHA1:
    case LDNS_RSASHA1_NSEC3:
    case LDNS_RSASHA256:
    case LDNS_RSASHA512:
    case LDNS_ECDSAP256SHA256:
    case LDNS_ECDSAP384SHA384:
    case LDNS_ED25519:
    case LDNS_ED448:
        return true;
    default:
        return false;
    }
}

static bool digest_supported(uint8_t digest)
{
    return digest == LDNS_SHA1 || digest == LDNS_SHA256 || digest == LDNS_SHA384;
}

/*
 * Verify @p set with the RRSIGs of @p sigs made by zone @p signer, with @p keys.
 * @return SCAN_R_NONE when one verifies; SCAN_R_NO_SIGNATURE when @p signer made
 * none; SCAN_R_UNSUPPORTED_ALGORITHM when every one uses an algorithm the program
 * cannot check; SCAN_R_EXPIRED_SIGNATURE when every failure was only the validity
 * period; else SCAN_R_BAD_SIGNATURE.
 */
static enum scan_reason verify(const ldns_rr_list *set, const ldns_rr_list *sigs,
                               const ldns_rr_list *keys, const ldns_rdf *signer, time_t now)
{
    size_t tried = 0, expired = 0, unsupported = 0;
    for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
        const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
        if (ldns_dname_compare(ldns_rr_rrsig_signame(sig), signer) != 0)
            continue;
        tried++;
        if (!algorithm_supported(ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)))) {
            unsupported++;
            continue;
        }
        ldns_status st = ldns_verify_rrsig_keylist_time(set, sig, keys, now, NULL);
        if (st == LDNS_STATUS_OK)
            return SCAN_R_NONE;
        if (st == LDNS_STATUS_CRYPTO_SIG_EXPIRED || st == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED)
            expired++;
        else if (st == LDNS_STATUS_CRYPTO_UNKNOWN_ALGO || st == LDNS_STATUS_CRYPTO_ALGO_NOT_IMPL)
            unsupported++;
    }
    if (tried == 0)
        return SCAN_R_NO_SIGNATURE;
    if (unsupported == tried)
        return SCAN_R_UNSUPPORTED_ALGORITHM;
    if (expired > 0 && expired + unsupported == tried)
        return SCAN_R_EXPIRED_SIGNATURE;
    return SCAN_R_BAD_SIGNATURE;
}

static const char *reason_sentence(enum scan_reason r)
{
    switch (r) {
    case SCAN_R_NO_SIGNATURE:
        return "has no RRSIG from the zone";
    case SCAN_R_EXPIRED_SIGNATURE:
        return "has RRSIGs that are expired or not yet valid";
    case SCAN_R_UNSUPPORTED_ALGORITHM:
        return "is signed only with algorithms the program cannot check";
    default:
        return "has no RRSIG that verifies with the zone's keys";
    }
}

/* ---- the chain ---------------------------------------------------------------- */

static struct zmemo *zmemo_new(const char *zone, const struct zmemo *parent)
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
    memo_free(m);
    return NULL;
}

static int memo_chain_add(struct zmemo *m)
{
    if (!(m->chain[m->nchain] = strdup(m->zone)))
        return -ENOMEM;
    m->nchain++;
    return 0;
}

/* Set an insecure or bogus conclusion. @return 0 or -ENOMEM. */
static int conclude(struct zmemo *m, enum zverdict v, enum scan_reason why, const char *at,
                    const ldns_rr *rr, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static int conclude(struct zmemo *m, enum zverdict v, enum scan_reason why, const char *at,
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
    if (rr && !(m->record = rr_text(rr)))
        return -ENOMEM;
    return (m->problem = strdup(buf)) ? 0 : -ENOMEM;
}

static ldns_rdf *dname(const char *zone)
{
    return ldns_dname_new_frm_str(zone);
}

/* Is @p key one of the anchors (the same DNSKEY, or a DS of it)? */
static bool anchored(const struct scan_dnssec *d, const ldns_rr *key)
{
    for (size_t i = 0; i < ldns_rr_list_rr_count(d->anchors); i++) {
        const ldns_rr *a = ldns_rr_list_rr(d->anchors, i);
        if (ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(key)) != 0)
            continue;
        if (ldns_rr_get_type(a) == LDNS_RR_TYPE_DS) {
            if (ldns_rr_compare_ds(a, key))
                return true;
            continue;
        }
        bool same = ldns_rr_rd_count(a) == ldns_rr_rd_count(key);
        for (size_t k = 0; same && k < ldns_rr_rd_count(a); k++)
            same = ldns_rdf_compare(ldns_rr_rdf(a, k), ldns_rr_rdf(key, k)) == 0;
        if (same)
            return true;
    }
    return false;
}

static bool has_anchor(const struct scan_dnssec *d, const char *zone)
{
    ldns_rdf *z = dname(zone);
    bool found = false;
    for (size_t i = 0; z && !found && i < ldns_rr_list_rr_count(d->anchors); i++)
        found = ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(d->anchors, i)), z) == 0;
    ldns_rdf_deep_free(z);
    return found;
}

/* The DNSKEY set of @p zone from its answer, validated by @p trusted (keys that
 * matched a DS or an anchor): fills m->keys or concludes bogus/insecure. */
static int take_keys(struct zmemo *m, const ldns_pkt *p, const ldns_rdf *z,
                     const ldns_rr_list *trusted, time_t now)
{
    int ret = -ENOMEM;
    ldns_rr_list *keys = pick(p, false, z, LDNS_RR_TYPE_DNSKEY, 0);
    ldns_rr_list *sigs = pick(p, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DNSKEY);
    if (!keys || !sigs)
        goto out;
    enum scan_reason why = verify(keys, sigs, trusted, z, now);
    if (why == SCAN_R_UNSUPPORTED_ALGORITHM) {
        ret = conclude(m, ZV_INSECURE, why, m->zone, NULL,
                       "the DNSKEY set of %s is signed only with algorithms the program "
                       "cannot check",
                       m->zone);
    } else if (why != SCAN_R_NONE) {
        ret = conclude(m, ZV_BOGUS, why, NULL, ldns_rr_list_rr(keys, 0),
                       "the DNSKEY set of %s %s (with a key the %s vouches for)", m->zone,
                       reason_sentence(why), m->nchain ? "parent's DS" : "trust anchor");
    } else {
        m->keys = ldns_rr_list_clone(keys);
        ret = m->keys ? memo_chain_add(m) : -ENOMEM;
    }
out:
    ldns_rr_list_free(keys);
    ldns_rr_list_free(sigs);
    return ret;
}

/* Does the answer section of @p p hold any RRSIG? */
static bool has_rrsig(const ldns_pkt *p)
{
    ldns_rr_list *an = ldns_pkt_answer(p);
    for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
        if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) == LDNS_RR_TYPE_RRSIG)
            return true;
    return false;
}

/* The zone that has a trust anchor: its DNSKEY set must hold an anchored key that
 * signs it. */
static int anchor_zone(struct ctx *c, struct zmemo *m, const struct scan_answer *ka)
{
    ldns_pkt *p = packet_of(ka);
    ldns_rdf *z = dname(m->zone);
    ldns_rr_list *keys = NULL, *trusted = ldns_rr_list_new();
    int ret = -ENOMEM;
    if (!z || !trusted)
        goto out;
    if (!p) {
        ret =
            conclude(m, ZV_BOGUS, SCAN_R_NO_DNSKEY, NULL, NULL,
                     "the DNSKEY answer of the trust anchor's zone %s cannot be decoded", m->zone);
        goto out;
    }
    if (!(keys = pick(p, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (ldns_rr_list_rr_count(keys) > 0 && !has_rrsig(p)) {
        /* The anchor's zone is signed by definition: a key set without any RRSIG
         * means the resolver drops DNSSEC records, and nothing can be validated
         * through it. Saying "bogus" would blame every zone for the resolver. */
        ret = conclude(m, ZV_ERROR, SCAN_R_INVALID_ANSWER, NULL, NULL,
                       "the resolver sends the DNSKEY set of %s without RRSIG: it drops DNSSEC "
                       "records, so nothing can be validated through it (use one that passes "
                       "them with the DO bit)",
                       m->zone);
        goto out;
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(keys); i++)
        if (anchored(c->d, ldns_rr_list_rr(keys, i)) &&
            !ldns_rr_list_push_rr(trusted, ldns_rr_list_rr(keys, i)))
            goto out;
    if (ldns_rr_list_rr_count(trusted) == 0)
        ret = conclude(m, ZV_BOGUS, SCAN_R_ANCHOR_MISMATCH, NULL,
                       ldns_rr_list_rr_count(keys) ? ldns_rr_list_rr(keys, 0) : NULL,
                       "no DNSKEY of %s matches the trust anchor (%zu keys published)", m->zone,
                       ldns_rr_list_rr_count(keys));
    else
        ret = take_keys(m, p, z, trusted, c->now);
out:
    ldns_rr_list_free(keys);
    ldns_rr_list_free(trusted);
    ldns_rdf_deep_free(z);
    ldns_pkt_free(p);
    return ret;
}

/* Does an NSEC3 record match or (opt-out) cover @p name? */
static bool nsec3_proves(const ldns_rr *n3, const ldns_rdf *name, bool *match)
{
    ldns_rdf *zone = ldns_dname_left_chop(ldns_rr_owner(n3));
    ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(n3, (ldns_rdf *)name);
    bool ok = false;
    *match = false;
    if (zone && h && ldns_dname_cat(h, zone) == LDNS_STATUS_OK) {
        if (ldns_dname_compare(h, ldns_rr_owner(n3)) == 0) {
            *match = true;
            ok = true;
        } else {
            ok = ldns_nsec3_optout(n3) && ldns_nsec_covers_name(n3, h);
        }
    }
    ldns_rdf_deep_free(zone);
    ldns_rdf_deep_free(h);
    return ok;
}

/*
 * No DS set for the cut @p m->zone: the parent's answer must prove it with an
 * NSEC or NSEC3 record signed by the parent's keys (RFC 4035 section 5.2, RFC 5155
 * sections 8.6 and 8.9): the record at the cut has NS and neither DS nor SOA in
 * its bitmap, or an opt-out NSEC3 covers the cut.
 */
static int prove_no_ds(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                       const ldns_pkt *p, const ldns_rdf *z)
{
    ldns_rdf *pz = dname(parent->zone);
    ldns_rr_list *proofs = NULL, *sigs = NULL, *one = ldns_rr_list_new();
    int ret = -ENOMEM;
    bool proven = false;
    const ldns_rr *bad = NULL;
    enum scan_reason why = SCAN_R_BAD_DENIAL;
    if (!pz || !one)
        goto out;
    for (int k = 0; k < 2 && !proven; k++) {
        ldns_rr_type t = k == 0 ? LDNS_RR_TYPE_NSEC : LDNS_RR_TYPE_NSEC3;
        ldns_rr_list_free(proofs);
        if (!(proofs = pick(p, true, NULL, t, 0)))
            goto out;
        for (size_t i = 0; i < ldns_rr_list_rr_count(proofs) && !proven; i++) {
            ldns_rr *n = ldns_rr_list_rr(proofs, i);
            bool match = false, fits;
            if (t == LDNS_RR_TYPE_NSEC) {
                match = ldns_dname_compare(ldns_rr_owner(n), z) == 0;
                fits = match;
            } else {
                fits = nsec3_proves(n, z, &match);
            }
            if (!fits)
                continue;
            if (match) {
                ldns_rdf *bm =
                    t == LDNS_RR_TYPE_NSEC ? ldns_nsec_get_bitmap(n) : ldns_nsec3_bitmap(n);
                if (!ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_NS) ||
                    ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_DS) ||
                    ldns_nsec_bitmap_covers_type(bm, LDNS_RR_TYPE_SOA)) {
                    bad = n;
                    continue;
                }
            }
            ldns_rr_list_free(sigs);
            if (!(sigs = pick(p, true, ldns_rr_owner(n), LDNS_RR_TYPE_RRSIG, t)))
                goto out;
            ldns_rr_list_set_rr_count(one, 0);
            if (!ldns_rr_list_push_rr(one, n))
                goto out;
            enum scan_reason r = verify(one, sigs, parent->keys, pz, c->now);
            if (r == SCAN_R_NONE) {
                proven = true;
            } else {
                bad = n;
                why = r == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_DENIAL : r;
            }
        }
    }
    if (proven)
        ret = conclude(m, ZV_INSECURE, SCAN_R_NO_DS, m->zone, NULL,
                       "%s has no DS at its parent %s (proven by the parent's signed "
                       "NSEC/NSEC3): DNSSEC does not cover it",
                       m->zone, parent->zone);
    else if (bad)
        ret = conclude(m, ZV_BOGUS, why, NULL, bad,
                       "%s has no DS, and the parent %s's proof of it does not hold (%s)", m->zone,
                       parent->zone,
                       why == SCAN_R_BAD_DENIAL ? "the record does not deny a DS at the cut"
                                                : reason_sentence(why));
    else
        ret = conclude(m, ZV_BOGUS, SCAN_R_BAD_DENIAL, NULL, NULL,
                       "%s has no DS, and its signed parent %s sends no NSEC or NSEC3 record "
                       "that proves it",
                       m->zone, parent->zone);
out:
    ldns_rr_list_free(proofs);
    ldns_rr_list_free(sigs);
    ldns_rr_list_free(one);
    ldns_rdf_deep_free(pz);
    return ret;
}

/* The DS set of the cut (signed by the parent) and the child's DNSKEY set. */
static int secure_cut(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                      const ldns_pkt *dsp, const ldns_rr_list *ds, const ldns_rdf *z,
                      const struct scan_answer *ka)
{
    ldns_rdf *pz = dname(parent->zone);
    ldns_rr_list *sigs = pick(dsp, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
    ldns_rr_list *keys = NULL, *trusted = ldns_rr_list_new();
    ldns_pkt *kp = NULL;
    size_t usable = 0;
    int ret = -ENOMEM;
    if (!pz || !sigs || !trusted)
        goto out;
    enum scan_reason why = verify(ds, sigs, parent->keys, pz, c->now);
    if (why != SCAN_R_NONE) {
        ret =
            conclude(m, ZV_BOGUS, why == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : why,
                     NULL, ldns_rr_list_rr(ds, 0), "the DS set of %s at its parent %s %s", m->zone,
                     parent->zone, reason_sentence(why));
        goto out;
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(ds); i++) {
        const ldns_rr *r = ldns_rr_list_rr(ds, i);
        if (ldns_rr_rd_count(r) >= 4 &&
            algorithm_supported(ldns_rdf2native_int8(ldns_rr_rdf(r, 1))) &&
            digest_supported(ldns_rdf2native_int8(ldns_rr_rdf(r, 2))))
            usable++;
    }
    if (usable == 0) {
        ret = conclude(m, ZV_INSECURE, SCAN_R_UNSUPPORTED_ALGORITHM, m->zone, NULL,
                       "the DS records of %s use only algorithms or digests the program "
                       "cannot check (RFC 4035 section 5.2)",
                       m->zone);
        goto out;
    }
    kp = packet_of(ka);
    if (kp && !(keys = pick(kp, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (!keys || ldns_rr_list_rr_count(keys) == 0) {
        ret = conclude(m, ZV_BOGUS, SCAN_R_NO_DNSKEY, NULL, ldns_rr_list_rr(ds, 0),
                       "the parent %s has a DS for %s, but %s publishes no DNSKEY", parent->zone,
                       m->zone, m->zone);
        goto out;
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(keys); i++) {
        ldns_rr *k = ldns_rr_list_rr(keys, i);
        for (size_t j = 0; j < ldns_rr_list_rr_count(ds); j++)
            if (ldns_rr_compare_ds(ldns_rr_list_rr(ds, j), k)) {
                if (!ldns_rr_list_push_rr(trusted, k))
                    goto out;
                break;
            }
    }
    if (ldns_rr_list_rr_count(trusted) == 0)
        ret = conclude(m, ZV_BOGUS, SCAN_R_DS_MISMATCH, NULL, ldns_rr_list_rr(ds, 0),
                       "no DNSKEY of %s matches the DS at its parent %s", m->zone, parent->zone);
    else
        ret = take_keys(m, kp, z, trusted, c->now);
out:
    ldns_rr_list_free(sigs);
    ldns_rr_list_free(keys);
    ldns_rr_list_free(trusted);
    ldns_rdf_deep_free(pz);
    ldns_pkt_free(kp);
    return ret;
}

/* One step down the chain: the cut @p zone below the secure @p parent. */
static int step(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                const struct scan_answer *dsa, const struct scan_answer *ka)
{
    ldns_pkt *p = packet_of(dsa);
    ldns_rdf *z = dname(m->zone);
    ldns_rr_list *ds = NULL;
    int ret = -ENOMEM;
    if (!z)
        goto out;
    if (!p) {
        ret = conclude(m, ZV_BOGUS, SCAN_R_BAD_DENIAL, NULL, NULL,
                       "the DS answer for %s cannot be decoded", m->zone);
        goto out;
    }
    if (!(ds = pick(p, false, z, LDNS_RR_TYPE_DS, 0)))
        goto out;
    if (ldns_rr_list_rr_count(ds) > 0)
        ret = secure_cut(c, m, parent, p, ds, z, ka);
    else
        ret = prove_no_ds(c, m, parent, p, z);
out:
    ldns_rr_list_free(ds);
    ldns_rdf_deep_free(z);
    ldns_pkt_free(p);
    return ret;
}

/* ---- facts of the domain's zone -------------------------------------------- */

static void add_alg(struct zmemo *m, uint8_t alg)
{
    char word[32];
    ldns_lookup_table *lt = ldns_lookup_by_id(ldns_algorithms, alg);
    if (lt)
        snprintf(word, sizeof(word), "%s", lt->name);
    else
        snprintf(word, sizeof(word), "%u", alg);
    /* Each algorithm once, space-separated. */
    size_t n = strlen(m->algs), w = strlen(word);
    for (const char *p = m->algs; (p = strstr(p, word)); p += w)
        if ((p == m->algs || p[-1] == ' ') && (p[w] == ' ' || p[w] == '\0'))
            return;
    if (n + w + 2 < sizeof(m->algs))
        snprintf(m->algs + n, sizeof(m->algs) - n, "%s%s", n ? " " : "", word);
}

/* signed, ds, algorithms and (secure) the SOA's signature, once per zone. */
static int zone_facts(struct ctx *c, struct zmemo *m, const struct scan_answer *soa,
                      const struct scan_answer *ka, const struct scan_answer *dsa)
{
    ldns_pkt *sp = packet_of(soa), *kp = packet_of(ka), *dp = dsa ? packet_of(dsa) : NULL;
    ldns_rdf *z = dname(m->zone);
    ldns_rr_list *keys = NULL, *soas = NULL, *ssigs = NULL, *ds = NULL;
    int ret = -ENOMEM;
    if (!z)
        goto out;
    if (kp && !(keys = pick(kp, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (sp && (!(soas = pick(sp, false, z, LDNS_RR_TYPE_SOA, 0)) ||
               !(ssigs = pick(sp, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_SOA))))
        goto out;
    if (dp && !(ds = pick(dp, false, z, LDNS_RR_TYPE_DS, 0)))
        goto out;
    for (size_t i = 0; keys && i < ldns_rr_list_rr_count(keys); i++)
        add_alg(m, ldns_rdf2native_int8(ldns_rr_rdf(ldns_rr_list_rr(keys, i), 2)));
    m->is_signed =
        keys && ldns_rr_list_rr_count(keys) > 0 && ssigs && ldns_rr_list_rr_count(ssigs) > 0;
    m->has_ds = ds && ldns_rr_list_rr_count(ds) > 0;
    m->soa_why = SCAN_R_NONE;
    if (m->v == ZV_SECURE) {
        if (!soas || ldns_rr_list_rr_count(soas) == 0)
            m->soa_why = SCAN_R_NO_SIGNATURE;
        else
            m->soa_why = verify(soas, ssigs, m->keys, z, c->now);
        if (m->soa_why != SCAN_R_NONE && soas && ldns_rr_list_rr_count(soas) &&
            !(m->soa_record = rr_text(ldns_rr_list_rr(soas, 0))))
            goto out;
    }
    m->facts = true;
    ret = 0;
out:
    ldns_rr_list_free(keys);
    ldns_rr_list_free(soas);
    ldns_rr_list_free(ssigs);
    ldns_rr_list_free(ds);
    ldns_rdf_deep_free(z);
    ldns_pkt_free(sp);
    ldns_pkt_free(kp);
    ldns_pkt_free(dp);
    return ret;
}

/*
 * The domain's MX answer in its secure zone @p m: every RRset of the zone in the
 * answer (the MX set, a CNAME), or of a negative answer's authority (NSEC, NSEC3,
 * SOA), must verify with the zone's keys.
 * @param[out] why, bad  the first failure (bad: caller frees)
 */
static int check_mx(struct ctx *c, const struct zmemo *m, const struct scan_answer *mx,
                    enum scan_reason *why, char **bad)
{
    static const ldns_rr_type types[] = {LDNS_RR_TYPE_MX, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_SOA,
                                         LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_NSEC3};
    ldns_pkt *p = packet_of(mx);
    ldns_rdf *z = dname(m->zone);
    int ret = -ENOMEM;
    *why = SCAN_R_NONE;
    *bad = NULL;
    if (!z)
        goto out;
    ret = 0;
    for (int authority = 0; p && authority < 2 && *why == SCAN_R_NONE; authority++) {
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]) && *why == SCAN_R_NONE; t++) {
            ldns_rr_list *all = pick(p, authority, NULL, types[t], 0);
            if (!all)
                return -ENOMEM;
            /* One RRset per owner, in the zone (the zone's own name or below it). */
            for (size_t i = 0; i < ldns_rr_list_rr_count(all) && *why == SCAN_R_NONE; i++) {
                ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(all, i));
                bool seen = false;
                for (size_t k = 0; k < i && !seen; k++)
                    seen = ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(all, k)), owner) == 0;
                if (seen ||
                    !(ldns_dname_compare(owner, z) == 0 || ldns_dname_is_subdomain(owner, z)))
                    continue;
                ldns_rr_list *set = pick(p, authority, owner, types[t], 0);
                ldns_rr_list *sigs = pick(p, authority, owner, LDNS_RR_TYPE_RRSIG, types[t]);
                if (set && sigs) {
                    bool other = false; /* signed by a zone below (a CNAME target's) */
                    for (size_t s = 0; s < ldns_rr_list_rr_count(sigs); s++)
                        other |= ldns_dname_compare(ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, s)),
                                                    z) != 0;
                    enum scan_reason r = verify(set, sigs, m->keys, z, c->now);
                    if (r != SCAN_R_NONE && !(other && r == SCAN_R_NO_SIGNATURE)) {
                        *why = r == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : r;
                        if (!(*bad = rr_text(ldns_rr_list_rr(set, 0))))
                            ret = -ENOMEM;
                    }
                } else {
                    ret = -ENOMEM;
                }
                ldns_rr_list_free(set);
                ldns_rr_list_free(sigs);
                if (ret)
                    break;
            }
            ldns_rr_list_free(all);
            if (ret)
                goto out;
        }
    }
out:
    ldns_rdf_deep_free(z);
    ldns_pkt_free(p);
    return ret;
}

/* ---- the check ---------------------------------------------------------------- */

static int norm_domain(const char *in, char *out, size_t cap)
{
    size_t n = strlen(in);
    if (n > 0 && in[n - 1] == '.')
        n--;
    if (n == 0 || n >= cap)
        return -EINVAL;
    for (size_t i = 0; i < n; i++)
        out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] - 'A' + 'a') : in[i];
    out[n] = '\0';
    return 0;
}

/* What the report says, for every status. */
struct verdict {
    enum scan_status st;
    enum scan_reason why;
    const char *zone;
    const struct zmemo *m; /* chain, facts */
    const char *record, *problem;
};

static struct scan_report *make_report(const char *domain, const struct verdict *vd)
{
    struct scan_report *r = scan_report_new(domain, SCAN_CHECK_DNSSEC);
    const struct zmemo *m = vd->m;
    if (!r)
        return NULL;
    scan_report_status(r, vd->st, vd->why);
    scan_report_str(r, "zone", vd->zone);
    if (m && m->facts) {
        scan_report_bool(r, "signed", m->is_signed);
        scan_report_bool(r, "ds", m->has_ds);
    } else {
        scan_report_str(r, "signed", NULL);
        scan_report_str(r, "ds", NULL);
    }
    scan_report_strv_init(r, "chain");
    for (size_t i = 0; m && i < m->nchain; i++)
        scan_report_strv_add(r, "chain", m->chain[i]);
    scan_report_str(r, "insecure_at",
                    m && m->v == ZV_INSECURE && vd->st == SCAN_ST_INSECURE ? m->insecure_at : NULL);
    scan_report_strv_init(r, "algorithms");
    char algs[sizeof(m->algs)];
    snprintf(algs, sizeof(algs), "%s", m && m->facts ? m->algs : "");
    for (char *save = NULL, *w = strtok_r(algs, " ", &save); w; w = strtok_r(NULL, " ", &save))
        scan_report_strv_add(r, "algorithms", w);
    scan_report_str(r, "record", vd->record);
    scan_report_str(r, "problem", vd->problem);
    return r;
}

/* The chain down to cuts[zi], from the memo or by validating (may ask). */
static struct zmemo *chain_state(struct ctx *c, char cuts[][256], size_t ncuts, size_t zi)
{
    struct scan_dnssec *d = c->d;
    struct zmemo *m = memo_find(d, cuts[zi]);
    if (m)
        return m;
    /* The deepest anchored cut at or above the zone starts the chain. */
    size_t a = ncuts;
    for (size_t i = zi + 1; i-- > 0;)
        if (has_anchor(d, cuts[i])) {
            a = i;
            break;
        }
    if (a == ncuts) {
        m = zmemo_new(cuts[zi], NULL);
        if (!m || conclude(m, ZV_INSECURE, SCAN_R_NO_ANCHOR, NULL, NULL,
                           "no trust anchor covers %s", cuts[zi]) != 0) {
            memo_free(m);
            c->err = -ENOMEM;
            return NULL;
        }
        memo_add(d, m);
        return m;
    }
    /* Start below the deepest cut already concluded (memo entries are made top-down
     * from the same anchor, so everything above one is concluded too); ask
     * everything left in one round. */
    size_t from = a;
    struct zmemo *parent = NULL;
    for (size_t i = zi; i-- > a;)
        if ((parent = memo_find(d, cuts[i]))) {
            from = i + 1;
            break;
        }
    const struct scan_answer *dsa[MAX_LABELS] = {0}, *ka[MAX_LABELS] = {0};
    if (!parent || parent->v == ZV_SECURE) {
        for (size_t i = from; i <= zi; i++) {
            ka[i] = need(c, cuts[i], SCAN_TYPE_DNSKEY);
            if (i > a)
                dsa[i] = need(c, cuts[i], SCAN_TYPE_DS);
        }
        if (c->missing || c->err)
            return NULL;
        for (size_t i = from; i <= zi; i++)
            if ((ka[i] && dns_failed(ka[i])) || (dsa[i] && dns_failed(dsa[i])))
                return NULL; /* the caller reports the failure */
    }
    for (size_t i = from; i <= zi; i++) {
        m = zmemo_new(cuts[i], parent);
        int ret = m ? 0 : -ENOMEM;
        if (!m) {
        } else if (parent && parent->v != ZV_SECURE) {
            /* Nothing below an insecure or bogus cut is secure. */
            m->v = parent->v;
            m->why = parent->why;
            if ((parent->insecure_at && !(m->insecure_at = strdup(parent->insecure_at))) ||
                (parent->record && !(m->record = strdup(parent->record))) ||
                (parent->problem && !(m->problem = strdup(parent->problem))))
                ret = -ENOMEM;
        } else if (!parent) {
            ret = anchor_zone(c, m, ka[i]);
        } else {
            ret = step(c, m, parent, dsa[i], ka[i]);
        }
        if (ret != 0) {
            memo_free(m);
            c->err = ret;
            return NULL;
        }
        memo_add(d, m);
        parent = m;
    }
    return m;
}

/* The first DNS failure among the answers the chain needs, for the error report. */
static const struct scan_answer *chain_failure(struct ctx *c, char cuts[][256], size_t zi)
{
    for (size_t i = 0; i <= zi; i++) {
        const struct scan_answer *a = NULL;
        if (scan_view_get_flags(c->v, cuts[i], SCAN_TYPE_DNSKEY, SCAN_Q_DNSSEC, &a) == 0 &&
            dns_failed(a))
            return a;
        if (i > 0 && scan_view_get_flags(c->v, cuts[i], SCAN_TYPE_DS, SCAN_Q_DNSSEC, &a) == 0 &&
            dns_failed(a))
            return a;
    }
    return NULL;
}

/* One run of the check: the names asked, the zone cuts found, the verdict so far. */
struct walk {
    struct ctx c;
    char dom[256];
    char (*names)[256]; /* the domain and its ancestors (then "." when it is the zone) */
    const struct scan_answer *soa[MAX_LABELS];
    size_t nn;
    char (*cuts)[256]; /* "." then each zone apex down to the domain's zone */
    size_t ncuts, zi;  /* zi: the domain's zone is cuts[zi] */
    size_t zsoa;       /* index in names[] of the zone's SOA answer (nn: none) */
    struct zmemo *m;   /* the chain down to the zone */
    const struct scan_answer *ka, *dsa, *mx;
    struct verdict vd;
    bool decided; /* vd is final: report it */
    char problem[600];
    char *bad; /* the failing MX-answer record (freed at the end) */
};

/* -EAGAIN while an answer is missing, the first error, or 0. */
static int asked(const struct ctx *c)
{
    if (c->err)
        return c->err;
    return c->missing ? -EAGAIN : 0;
}

/* Settle on an error: the lookup "@p what @p name" failed with @p why. */
static void lookup_failed(struct walk *w, enum scan_reason why, const char *what, const char *name)
{
    w->vd.st = SCAN_ST_ERROR;
    w->vd.why = why;
    snprintf(w->problem, sizeof(w->problem), "%s%s failed: %s", what, name, scan_reason_word(why));
    w->vd.problem = w->problem;
    w->decided = true;
}

/*
 * When no zone below the root holds the name (it does not exist), the root is
 * its zone, and the root's SOA is what the zone's facts are read from.
 */
static int root_zone(struct walk *w)
{
    if (w->nn >= MAX_LABELS)
        return -EINVAL; /* no room for the root: longer than any DNS name */
    snprintf(w->names[w->nn], sizeof(w->names[0]), ".");
    if ((w->soa[w->nn] = need(&w->c, ".", SCAN_TYPE_SOA)))
        w->zsoa = w->nn++;
    int ret = asked(&w->c);
    if (ret)
        return ret;
    if (dns_failed(w->soa[w->zsoa]))
        lookup_failed(w, dns_reason(w->soa[w->zsoa]), "the SOA lookup of ", ".");
    return 0;
}

/* Step 1: the SOA of the domain and of every ancestor: which are zone apexes. */
static int find_cuts(struct walk *w)
{
    for (const char *p = w->dom; p && w->nn < MAX_LABELS; p = strchr(p, '.'), p = p ? p + 1 : NULL)
        snprintf(w->names[w->nn++], sizeof(w->names[0]), "%s", p);
    for (size_t i = 0; i < w->nn; i++)
        w->soa[i] = need(&w->c, w->names[i], SCAN_TYPE_SOA);
    int ret = asked(&w->c);
    if (ret)
        return ret;
    snprintf(w->cuts[w->ncuts++], sizeof(w->cuts[0]), ".");
    w->zsoa = w->nn;
    for (size_t i = w->nn; i-- > 0;) {
        const struct scan_answer *a = w->soa[i];
        if (dns_failed(a)) {
            lookup_failed(w, dns_reason(a), "the SOA lookup of ", w->names[i]);
            return 0;
        }
        if (a->status == SCAN_DNS_OK && a->n > 0 && a->ncname == 0 && a->canon &&
            strcmp(a->canon, w->names[i]) == 0) {
            snprintf(w->cuts[w->ncuts++], sizeof(w->cuts[0]), "%s", w->names[i]);
            w->zsoa = i;
        }
    }
    w->zi = w->ncuts - 1;
    w->vd.zone = w->cuts[w->zi];
    return w->zi == 0 ? root_zone(w) : 0;
}

/* Step 2: the chain of trust down to the zone. */
static int walk_chain(struct walk *w)
{
    w->m = chain_state(&w->c, w->cuts, w->ncuts, w->zi);
    int ret = asked(&w->c);
    if (ret)
        return ret;
    if (!w->m) {
        const struct scan_answer *f = chain_failure(&w->c, w->cuts, w->zi);
        lookup_failed(w, f ? dns_reason(f) : SCAN_R_INTERNAL,
                      "a DS or DNSKEY lookup on the way to ", w->vd.zone);
        return 0;
    }
    w->vd.m = w->m;
    return 0;
}

/* Step 3: facts of the zone, and in a secure zone the domain's MX answer. */
static int read_zone(struct walk *w)
{
    struct ctx *c = &w->c;
    w->ka = need(c, w->vd.zone, SCAN_TYPE_DNSKEY);
    w->dsa = w->zi > 0 ? need(c, w->vd.zone, SCAN_TYPE_DS) : NULL;
    w->mx = w->m->v == ZV_SECURE ? need(c, w->dom, SCAN_TYPE_MX) : NULL;
    int ret = asked(c);
    if (ret)
        return ret;
    const struct scan_answer *failed = dns_failed(w->ka)              ? w->ka
                                       : w->dsa && dns_failed(w->dsa) ? w->dsa
                                       : w->mx && dns_failed(w->mx)   ? w->mx
                                                                      : NULL;
    if (failed) {
        lookup_failed(w, dns_reason(failed), "a lookup for ", w->vd.zone);
        return 0;
    }
    if (w->m->facts)
        return 0;
    return zone_facts(c, w->m, w->zsoa < w->nn ? w->soa[w->zsoa] : NULL, w->ka, w->dsa);
}

/* Settle on the chain's verdict; a secure zone's SOA and MX answer must verify too. */
static int judge(struct walk *w)
{
    struct zmemo *m = w->m;
    struct verdict *vd = &w->vd;
    static const enum scan_status status_of[] = {
        [ZV_SECURE] = SCAN_ST_SECURE,
        [ZV_INSECURE] = SCAN_ST_INSECURE,
        [ZV_BOGUS] = SCAN_ST_BOGUS,
        [ZV_ERROR] = SCAN_ST_ERROR,
    };

    w->decided = true;
    vd->problem = m->problem;
    vd->record = m->record;
    if (m->v != ZV_SECURE) {
        vd->st = status_of[m->v];
        vd->why = m->why;
        return 0;
    }
    if (m->soa_why != SCAN_R_NONE) {
        vd->st = SCAN_ST_BOGUS;
        vd->why = m->soa_why == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : m->soa_why;
        vd->record = m->soa_record;
        snprintf(w->problem, sizeof(w->problem), "the SOA set of %s %s", vd->zone,
                 reason_sentence(m->soa_why));
        vd->problem = w->problem;
        return 0;
    }
    enum scan_reason why;
    int ret = check_mx(&w->c, m, w->mx, &why, &w->bad);
    if (ret)
        return ret;
    if (why != SCAN_R_NONE) {
        vd->st = SCAN_ST_BOGUS;
        vd->why = why;
        vd->record = w->bad;
        snprintf(w->problem, sizeof(w->problem), "the MX answer of %s: %s %s", w->dom,
                 w->bad ? "a record" : "an RRset", reason_sentence(why));
        vd->problem = w->problem;
        return 0;
    }
    vd->st = SCAN_ST_SECURE;
    vd->why = SCAN_R_NONE;
    vd->problem = NULL;
    vd->record = NULL;
    return 0;
}

/*
 * Four steps, each of which may settle the verdict early: the zone cuts, the
 * chain of trust, the zone's own answers, the judgement.
 */
int scan_dnssec_check(struct scan_view *v, struct scan_dnssec *d, const char *domain,
                      struct scan_report **out)
{
    static int (*const steps[])(struct walk *) = {find_cuts, walk_chain, read_zone, judge};
    char names[MAX_LABELS][256], cuts[MAX_LABELS][256];
    struct walk w = {.c = {.v = v, .d = d}, .names = names, .cuts = cuts};
    int ret = 0;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!v || !d || !domain || norm_domain(domain, w.dom, sizeof(w.dom)) != 0)
        return -EINVAL;
    w.c.now = d->now ? (time_t)d->now : time(NULL);
    w.vd.st = SCAN_ST_ERROR;

    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]) && !w.decided && ret == 0; i++)
        ret = steps[i](&w);
    if (ret) {
        free(w.bad);
        return ret;
    }
    struct scan_report *r = make_report(w.dom, &w.vd);
    free(w.bad);
    ret = r ? scan_report_hand_over(&r, out) : -ENOMEM;
    scan_report_free(r);
    return ret;
}
