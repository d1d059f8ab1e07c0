/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Reading the DNSSEC check's replies (see dnssec_int.h): the answers asked with
 * the DO bit, their bytes decoded with ldns, the records of one section picked
 * by owner and type, and the verification of an RRset's signatures.
 */
#include "scanner/checks/dnssec_int.h"

#include <errno.h>
#include <string.h>

/* (name, type) asked with DO, or NULL with c->missing set (or c->err). */
const struct scan_answer *dnssec_need(struct ctx *c, const char *name, uint16_t type)
{
    const struct scan_answer *a = NULL;
    int ret = scan_view_get_flags(c->v, name, type, SCAN_Q_DNSSEC, &a);
    if (ret == -EAGAIN)
        c->missing = true;
    else if (ret != 0 && !c->err)
        c->err = ret;
    return ret == 0 ? a : NULL;
}

bool dnssec_dns_failed(const struct scan_answer *a)
{
    return scan_reason_of_dns(a->status) != SCAN_R_NONE || a->tc;
}

enum scan_reason dnssec_dns_reason(const struct scan_answer *a)
{
    enum scan_reason r = scan_reason_of_dns(a->status);
    return r != SCAN_R_NONE ? r : SCAN_R_INVALID_ANSWER; /* still truncated */
}

/* The reply of @p a as an ldns packet (caller frees with ldns_pkt_free()), or NULL
 * when it has no usable bytes. */
ldns_pkt *dnssec_packet_of(const struct scan_answer *a)
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
ldns_rr_list *dnssec_pick(const ldns_pkt *p, bool authority, const ldns_rdf *owner,
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
char *dnssec_rr_text(const ldns_rr *rr)
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

bool dnssec_algorithm_supported(uint8_t alg)
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

bool dnssec_digest_supported(uint8_t digest)
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
enum scan_reason dnssec_verify(const ldns_rr_list *set, const ldns_rr_list *sigs,
                               const ldns_rr_list *keys, const ldns_rdf *signer, time_t now)
{
    size_t tried = 0, expired = 0, unsupported = 0;
    for (size_t i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
        const ldns_rr *sig = ldns_rr_list_rr(sigs, i);
        if (ldns_dname_compare(ldns_rr_rrsig_signame(sig), signer) != 0)
            continue;
        tried++;
        if (!dnssec_algorithm_supported(ldns_rdf2native_int8(ldns_rr_rrsig_algorithm(sig)))) {
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

const char *dnssec_reason_sentence(enum scan_reason r)
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

ldns_rdf *dnssec_dname(const char *zone)
{
    return ldns_dname_new_frm_str(zone);
}
