/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check's facts of the domain's zone (see dnssec.h, step 3): signed,
 * DS, algorithms and the SOA's signature, once per zone, and in a secure zone the
 * verification of the domain's MX answer.
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
int dnssec_zone_facts(struct ctx *c, struct zmemo *m, const struct scan_answer *soa,
                      const struct scan_answer *ka, const struct scan_answer *dsa)
{
    ldns_pkt *sp = dnssec_packet_of(soa), *kp = dnssec_packet_of(ka),
             *dp = dsa ? dnssec_packet_of(dsa) : NULL;
    ldns_rdf *z = dnssec_dname(m->zone);
    ldns_rr_list *keys = NULL, *soas = NULL, *ssigs = NULL, *ds = NULL;
    int ret = -ENOMEM;
    if (!z)
        goto out;
    if (kp && !(keys = dnssec_pick(kp, false, z, LDNS_RR_TYPE_DNSKEY, 0)))
        goto out;
    if (sp && (!(soas = dnssec_pick(sp, false, z, LDNS_RR_TYPE_SOA, 0)) ||
               !(ssigs = dnssec_pick(sp, false, z, LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_SOA))))
        goto out;
    if (dp && !(ds = dnssec_pick(dp, false, z, LDNS_RR_TYPE_DS, 0)))
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
            m->soa_why = dnssec_verify(soas, ssigs, m->keys, z, c->now);
        if (m->soa_why != SCAN_R_NONE && soas && ldns_rr_list_rr_count(soas) &&
            !(m->soa_record = dnssec_memo_rr_text(c->d, ldns_rr_list_rr(soas, 0))))
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
int dnssec_check_mx(struct ctx *c, const struct zmemo *m, const struct scan_answer *mx,
                    enum scan_reason *why, char **bad)
{
    static const ldns_rr_type types[] = {LDNS_RR_TYPE_MX, LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_SOA,
                                         LDNS_RR_TYPE_NSEC, LDNS_RR_TYPE_NSEC3};
    ldns_pkt *p = dnssec_packet_of(mx);
    ldns_rdf *z = dnssec_dname(m->zone);
    int ret = -ENOMEM;
    *why = SCAN_R_NONE;
    *bad = NULL;
    if (!z)
        goto out;
    ret = 0;
    for (int authority = 0; p && authority < 2 && *why == SCAN_R_NONE; authority++) {
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]) && *why == SCAN_R_NONE; t++) {
            ldns_rr_list *all = dnssec_pick(p, authority, NULL, types[t], 0);
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
                ldns_rr_list *set = dnssec_pick(p, authority, owner, types[t], 0);
                ldns_rr_list *sigs = dnssec_pick(p, authority, owner, LDNS_RR_TYPE_RRSIG, types[t]);
                if (set && sigs) {
                    bool other = false; /* signed by a zone below (a CNAME target's) */
                    for (size_t s = 0; s < ldns_rr_list_rr_count(sigs); s++)
                        other |= ldns_dname_compare(ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, s)),
                                                    z) != 0;
                    enum scan_reason r = dnssec_verify(set, sigs, m->keys, z, c->now);
                    if (r != SCAN_R_NONE && !(other && r == SCAN_R_NO_SIGNATURE)) {
                        *why = r == SCAN_R_UNSUPPORTED_ALGORITHM ? SCAN_R_BAD_SIGNATURE : r;
                        if (!(*bad = dnssec_rr_text(ldns_rr_list_rr(set, 0))))
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
