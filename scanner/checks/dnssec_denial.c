/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check's denial proofs (see dnssec.h, step 2): the parent's signed
 * NSEC or NSEC3 record that proves a cut has no DS, so the chain ends there,
 * insecure (RFC 4035 section 5.2, RFC 5155 sections 8.6 and 8.9).
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>

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
int dnssec_prove_no_ds(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                       const ldns_pkt *p, const ldns_rdf *z)
{
    ldns_rdf *pz = dnssec_dname(parent->zone);
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
        if (!(proofs = dnssec_pick(p, true, NULL, t, 0)))
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
            if (!(sigs = dnssec_pick(p, true, ldns_rr_owner(n), LDNS_RR_TYPE_RRSIG, t)))
                goto out;
            ldns_rr_list_set_rr_count(one, 0);
            if (!ldns_rr_list_push_rr(one, n))
                goto out;
            enum scan_reason r = dnssec_verify(one, sigs, parent->keys, pz, c->now);
            if (r == SCAN_R_NONE) {
                proven = true;
            } else {
                bad = n;
                why = r == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_DENIAL : r;
            }
        }
    }
    if (proven)
        ret = dnssec_conclude(c, m, ZV_INSECURE, SCAN_R_NO_DS, m->zone, NULL,
                              "%s has no DS at its parent %s (proven by the parent's signed "
                              "NSEC/NSEC3): DNSSEC does not cover it",
                              m->zone, parent->zone);
    else if (bad)
        ret = dnssec_conclude(c, m, ZV_BOGUS, why, NULL, bad,
                              "%s has no DS, and the parent %s's proof of it does not hold (%s)",
                              m->zone, parent->zone,
                              why == SCAN_R_BAD_DENIAL ? "the record does not deny a DS at the cut"
                                                       : dnssec_reason_sentence(why));
    else
        ret =
            dnssec_conclude(c, m, ZV_BOGUS, SCAN_R_BAD_DENIAL, NULL, NULL,
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
