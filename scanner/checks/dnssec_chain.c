/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The chain of trust of the DNSSEC check (see dnssec.h, step 2): from the
 * deepest zone with a trust anchor down to the domain's zone, one cut at a time:
 * the anchored key set, then per cut the DS set at the parent and the child's
 * DNSKEY set (RFC 4035 section 5). A cut without DS is handed to
 * dnssec_denial.c. Each zone's conclusion goes into the run's memo.
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    ldns_rdf *z = dnssec_dname(zone);
    bool found = false;
    for (size_t i = 0; z && !found && i < ldns_rr_list_rr_count(d->anchors); i++)
        found = ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(d->anchors, i)), z) == 0;
    ldns_rdf_deep_free(z);
    return found;
}

/* The DNSKEY set of @p zone from its answer, validated by @p trusted (keys that
 * matched a DS or an anchor): fills m->keys or concludes bogus/insecure. */
static int take_keys(struct ctx *c, struct zmemo *m, const ldns_pkt *p, const ldns_rdf *z,
                     const ldns_rr_list *trusted)
{
    int ret = -ENOMEM;
    ldns_rr_list *keys = dnssec_pick(p, false, z, LDNS_RR_TYPE_DNSKEY, 0);
    ldns_rr_list *sigs = dnssec_pick(p, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DNSKEY);
    if (!keys || !sigs)
        goto out;
    enum scan_reason why = dnssec_verify(keys, sigs, trusted, z, c->now);
    if (why == SCAN_R_UNSUPPORTED_ALGORITHM) {
        ret = dnssec_conclude(c, m, ZV_INSECURE, why, m->zone, NULL,
                              "the DNSKEY set of %s is signed only with algorithms the program "
                              "cannot check",
                              m->zone);
    } else if (why != SCAN_R_NONE) {
        ret = dnssec_conclude(c, m, ZV_BOGUS, why, NULL, ldns_rr_list_rr(keys, 0),
                              "the DNSKEY set of %s %s (with a key the %s vouches for)", m->zone,
                              dnssec_reason_sentence(why),
                              m->nchain ? "parent's DS" : "trust anchor");
    } else if ((m->keys = ldns_rr_list_clone(keys))) {
        m->chain[m->nchain++] = m->zone; /* the slot dnssec_zmemo_new() kept */
        ret = 0;
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
    ldns_pkt *p = dnssec_packet_of(ka);
    ldns_rdf *z = dnssec_dname(m->zone);
    ldns_rr_list *keys = NULL, *trusted = ldns_rr_list_new();
    int ret = -ENOMEM;
    if (!z || !trusted)
        goto out;
    if (!p) {
        ret = dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_NO_DNSKEY, NULL, NULL,
                              "the DNSKEY answer of the trust anchor's zone %s cannot be decoded",
                              m->zone);
        goto out;
    }
    if (!(keys = dnssec_pick(p, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (ldns_rr_list_rr_count(keys) > 0 && !has_rrsig(p)) {
        /* The anchor's zone is signed by definition: a key set without any RRSIG
         * means the resolver drops DNSSEC records, and nothing can be validated
         * through it. Saying "bogus" would blame every zone for the resolver. */
        ret = dnssec_conclude(
            c, m, ZV_ERROR, SCAN_R_INVALID_ANSWER, NULL, NULL,
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
        ret = dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_ANCHOR_MISMATCH, NULL,
                              ldns_rr_list_rr_count(keys) ? ldns_rr_list_rr(keys, 0) : NULL,
                              "no DNSKEY of %s matches the trust anchor (%zu keys published)",
                              m->zone, ldns_rr_list_rr_count(keys));
    else
        ret = take_keys(c, m, p, z, trusted);
out:
    ldns_rr_list_free(keys);
    ldns_rr_list_free(trusted);
    ldns_rdf_deep_free(z);
    ldns_pkt_free(p);
    return ret;
}

/* The DS set of the cut (signed by the parent) and the child's DNSKEY set. */
static int secure_cut(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                      const ldns_pkt *dsp, const ldns_rr_list *ds, const ldns_rdf *z,
                      const struct scan_answer *ka)
{
    ldns_rdf *pz = dnssec_dname(parent->zone);
    ldns_rr_list *sigs = dnssec_pick(dsp, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_DS);
    ldns_rr_list *keys = NULL, *trusted = ldns_rr_list_new();
    ldns_pkt *kp = NULL;
    size_t usable = 0;
    int ret = -ENOMEM;
    if (!pz || !sigs || !trusted)
        goto out;
    enum scan_reason why = dnssec_verify(ds, sigs, parent->keys, pz, c->now);
    if (why != SCAN_R_NONE) {
        ret = dnssec_conclude(c, m, ZV_BOGUS,
                              why == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : why,
                              NULL, ldns_rr_list_rr(ds, 0), "the DS set of %s at its parent %s %s",
                              m->zone, parent->zone, dnssec_reason_sentence(why));
        goto out;
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(ds); i++) {
        const ldns_rr *r = ldns_rr_list_rr(ds, i);
        if (ldns_rr_rd_count(r) >= 4 &&
            dnssec_algorithm_supported(ldns_rdf2native_int8(ldns_rr_rdf(r, 1))) &&
            dnssec_digest_supported(ldns_rdf2native_int8(ldns_rr_rdf(r, 2))))
            usable++;
    }
    if (usable == 0) {
        ret = dnssec_conclude(c, m, ZV_INSECURE, SCAN_R_UNSUPPORTED_ALGORITHM, m->zone, NULL,
                              "the DS records of %s use only algorithms or digests the program "
                              "cannot check (RFC 4035 section 5.2)",
                              m->zone);
        goto out;
    }
    kp = dnssec_packet_of(ka);
    if (kp && !(keys = dnssec_pick(kp, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (!keys || ldns_rr_list_rr_count(keys) == 0) {
        ret = dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_NO_DNSKEY, NULL, ldns_rr_list_rr(ds, 0),
                              "the parent %s has a DS for %s, but %s publishes no DNSKEY",
                              parent->zone, m->zone, m->zone);
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
        ret = dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_DS_MISMATCH, NULL, ldns_rr_list_rr(ds, 0),
                              "no DNSKEY of %s matches the DS at its parent %s", m->zone,
                              parent->zone);
    else
        ret = take_keys(c, m, kp, z, trusted);
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
    ldns_pkt *p = dnssec_packet_of(dsa);
    ldns_rdf *z = dnssec_dname(m->zone);
    ldns_rr_list *ds = NULL;
    int ret = -ENOMEM;
    if (!z)
        goto out;
    if (!p) {
        ret = dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_BAD_DENIAL, NULL, NULL,
                              "the DS answer for %s cannot be decoded", m->zone);
        goto out;
    }
    if (!(ds = dnssec_pick(p, false, z, LDNS_RR_TYPE_DS, 0)))
        goto out;
    if (ldns_rr_list_rr_count(ds) > 0)
        ret = secure_cut(c, m, parent, p, ds, z, ka);
    else
        ret = dnssec_prove_no_ds(c, m, parent, p, z);
out:
    ldns_rr_list_free(ds);
    ldns_rdf_deep_free(z);
    ldns_pkt_free(p);
    return ret;
}

/* The chain down to cuts[zi], from the memo or by validating (may ask). */
struct zmemo *dnssec_chain_state(struct ctx *c, char cuts[][256], size_t ncuts, size_t zi)
{
    struct scan_dnssec *d = c->d;
    struct zmemo *m = dnssec_memo_find(d, cuts[zi]);
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
        m = dnssec_zmemo_new(d, cuts[zi], NULL);
        int ret = m ? dnssec_conclude(c, m, ZV_INSECURE, SCAN_R_NO_ANCHOR, NULL, NULL,
                                      "no trust anchor covers %s", cuts[zi])
                    : -ENOMEM;
        return dnssec_memo_keep(c, m, ret);
    }
    /* Start below the deepest cut already concluded (memo entries are made top-down
     * from the same anchor, so everything above one is concluded too); ask
     * everything left in one round. */
    size_t from = a;
    struct zmemo *parent = NULL;
    for (size_t i = zi; i-- > a;)
        if ((parent = dnssec_memo_find(d, cuts[i]))) {
            from = i + 1;
            break;
        }
    const struct scan_answer *dsa[MAX_LABELS] = {0}, *ka[MAX_LABELS] = {0};
    if (!parent || parent->v == ZV_SECURE) {
        for (size_t i = from; i <= zi; i++) {
            ka[i] = dnssec_need(c, cuts[i], SCAN_TYPE_DNSKEY);
            if (i > a)
                dsa[i] = dnssec_need(c, cuts[i], SCAN_TYPE_DS);
        }
        if (c->missing || c->err)
            return NULL;
        for (size_t i = from; i <= zi; i++)
            if ((ka[i] && dnssec_dns_failed(ka[i])) || (dsa[i] && dnssec_dns_failed(dsa[i])))
                return NULL; /* the caller reports the failure */
    }
    for (size_t i = from; i <= zi; i++) {
        m = dnssec_zmemo_new(d, cuts[i], parent);
        int ret = m ? 0 : -ENOMEM;
        if (!m) {
        } else if (parent && parent->v != ZV_SECURE) {
            /* Nothing below an insecure or bogus cut is secure: the same
             * conclusion, its strings shared (the memo's arena holds both). */
            m->v = parent->v;
            m->why = parent->why;
            m->insecure_at = parent->insecure_at;
            m->record = parent->record;
            m->problem = parent->problem;
        } else if (!parent) {
            ret = anchor_zone(c, m, ka[i]);
        } else {
            ret = step(c, m, parent, dsa[i], ka[i]);
        }
        if (!dnssec_memo_keep(c, m, ret))
            return NULL;
        parent = m;
    }
    return m;
}

/* The first DNS failure among the answers the chain needs, for the error report. */
const struct scan_answer *dnssec_chain_failure(struct ctx *c, char cuts[][256], size_t zi)
{
    for (size_t i = 0; i <= zi; i++) {
        const struct scan_answer *a = NULL;
        if (scan_view_get_flags(c->v, cuts[i], SCAN_TYPE_DNSKEY, SCAN_Q_DNSSEC, &a) == 0 &&
            dnssec_dns_failed(a))
            return a;
        if (i > 0 && scan_view_get_flags(c->v, cuts[i], SCAN_TYPE_DS, SCAN_Q_DNSSEC, &a) == 0 &&
            dnssec_dns_failed(a))
            return a;
    }
    return NULL;
}
