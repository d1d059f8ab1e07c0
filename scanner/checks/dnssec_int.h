/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSSEC check's private header: the run state, the memo and one check's
 * context, shared by the check's files. Nothing outside scanner/checks includes
 * it; the public interface is dnssec.h. The files, by stage, top-down (each calls
 * only those below it):
 *
 *   dnssec_check.c   the check: zone cuts, chain, zone, judgement; the report
 *   dnssec_zone.c    facts of the domain's zone; its MX answer verified
 *   dnssec_chain.c   the chain of trust from the anchor down, cut by cut
 *   dnssec_denial.c  NSEC/NSEC3 proofs that a cut has no DS
 *   dnssec.c         trust anchors, the memo, set-up and conclusions
 *   dnssec_rr.c      reading replies with ldns; signature verification
 *
 * These are the only files of the scanner that include ldns (through this
 * header): every ldns object lives inside one call, or in the memo of struct
 * scan_dnssec, and every ldns status is translated in them.
 *
 * The memo is the core hash set, zone name to entry, with the entries and their
 * strings in one arena: they live until the memo is cleared (scan_dnssec_free(),
 * scan_dnssec_set_time()), so an entry shares its parent's chain and conclusion
 * strings instead of copying them. Only an entry's key set is its own.
 *
 * Ownership of ldns objects, one rule for all of them: a packet from
 * ldns_wire2pkt() owns its records (ldns_pkt_free()); the lists these files
 * build from a packet hold pointers into it and are freed with
 * ldns_rr_list_free(), never deep-freed; the memo's key sets and the anchors are
 * clones, freed with ldns_rr_list_deep_free().
 */
#ifndef SCANNER_CHECKS_DNSSEC_INT_H
#define SCANNER_CHECKS_DNSSEC_INT_H

#include <ldns/ldns.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/checks/dnssec.h"
#include "scanner/core/arena.h"
#include "scanner/core/hashset.h"
#include "scanner/core/result.h"

#define MAX_LABELS 128

/* ZV_ERROR: no verdict can be drawn from what the resolver sends (it strips the
 * DNSSEC records): an error, not a bogus zone. */
enum zverdict { ZV_SECURE, ZV_INSECURE, ZV_BOGUS, ZV_ERROR };

/* What the run concluded about the chain down to one zone. Every pointer but
 * keys points into the memo's arena. */
struct zmemo {
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
    ldns_rr_list *anchors;    /* DS and DNSKEY records (deep) */
    int64_t now;              /* 0: the clock */
    struct scan_hashset memo; /* zone name -> struct zmemo * (dnssec.c) */
    struct scan_arena mem;    /* the memo's entries and their strings */
};

/* One check's run. */
struct ctx {
    struct scan_view *v;
    struct scan_dnssec *d;
    time_t now;
    bool missing; /* some answer is not in the view yet */
    int err;      /* -ENOMEM, -EINVAL */
};

/* dnssec.c: the memo. dnssec_memo_find() returns the entry of @p zone or NULL
 * (borrowed from @p d). dnssec_memo_keep() takes ownership of @p m, from
 * dnssec_zmemo_new() (NULL: it failed) and concluded with status @p ret: it
 * returns m, now in the memo (borrowed), or NULL with c->err set to @p ret, or to
 * -ENOMEM (-EINVAL: the zone is there already), m given back. */
struct zmemo *dnssec_memo_find(const struct scan_dnssec *d, const char *zone);
struct zmemo *dnssec_memo_keep(struct ctx *c, struct zmemo *m, int ret);
/* A new entry for @p zone in @p d's arena, with @p parent's chain (NULL: none),
 * or NULL (ENOMEM). */
struct zmemo *dnssec_zmemo_new(struct scan_dnssec *d, const char *zone, const struct zmemo *parent);
/* @p rr as one line of text in @p d's arena (see dnssec_rr_text()), or NULL (ENOMEM). */
char *dnssec_memo_rr_text(struct scan_dnssec *d, const ldns_rr *rr);
/* Set an insecure or bogus conclusion. @return 0 or -ENOMEM. */
int dnssec_conclude(struct ctx *c, struct zmemo *m, enum zverdict v, enum scan_reason why,
                    const char *at, const ldns_rr *rr, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* dnssec_rr.c: reading replies, verification. */
/* (name, type) asked with DO, or NULL with c->missing set (or c->err). */
const struct scan_answer *dnssec_need(struct ctx *c, const char *name, uint16_t type);
bool dnssec_dns_failed(const struct scan_answer *a);
enum scan_reason dnssec_dns_reason(const struct scan_answer *a);
/* The reply of @p a as an ldns packet (caller frees with ldns_pkt_free()), or NULL. */
ldns_pkt *dnssec_packet_of(const struct scan_answer *a);
/* Records of @p type owned by @p owner (any owner when NULL) in one section; for
 * RRSIG, those covering @p covered. Free with ldns_rr_list_free(). NULL on ENOMEM. */
ldns_rr_list *dnssec_pick(const ldns_pkt *p, bool authority, const ldns_rdf *owner,
                          ldns_rr_type type, ldns_rr_type covered);
/* A record in presentation format on one line (caller frees), or NULL. */
char *dnssec_rr_text(const ldns_rr *rr);
bool dnssec_algorithm_supported(uint8_t alg);
bool dnssec_digest_supported(uint8_t digest);
/* Verify @p set with the RRSIGs of @p sigs made by zone @p signer, with @p keys:
 * SCAN_R_NONE when one verifies, else why not (dnssec_rr.c says which). */
enum scan_reason dnssec_verify(const ldns_rr_list *set, const ldns_rr_list *sigs,
                               const ldns_rr_list *keys, const ldns_rdf *signer, time_t now);
const char *dnssec_reason_sentence(enum scan_reason r);
/* @p zone as an ldns name (caller frees with ldns_rdf_deep_free()), or NULL. */
ldns_rdf *dnssec_dname(const char *zone);

/* dnssec_denial.c: no DS set for the cut m->zone below the secure @p parent:
 * conclude insecure when @p p proves it, else bogus. @return 0 or -ENOMEM. */
int dnssec_prove_no_ds(struct ctx *c, struct zmemo *m, const struct zmemo *parent,
                       const ldns_pkt *p, const ldns_rdf *z);

/* dnssec_chain.c: the chain down to cuts[zi], from the memo or by validating (may
 * ask: NULL with c->missing or c->err set; NULL too after a DNS failure, which
 * dnssec_chain_failure() then names). The entry is borrowed from the memo. */
struct zmemo *dnssec_chain_state(struct ctx *c, char cuts[][256], size_t ncuts, size_t zi);
const struct scan_answer *dnssec_chain_failure(struct ctx *c, char cuts[][256], size_t zi);

/* dnssec_zone.c: the zone's facts (signed, ds, algorithms, the SOA's signature),
 * once per zone; and in a secure zone, the first failure of the domain's MX
 * answer (@p bad: caller frees). @return 0 or -ENOMEM. */
int dnssec_zone_facts(struct ctx *c, struct zmemo *m, const struct scan_answer *soa,
                      const struct scan_answer *ka, const struct scan_answer *dsa);
int dnssec_check_mx(struct ctx *c, const struct zmemo *m, const struct scan_answer *mx,
                    enum scan_reason *why, char **bad);

#endif
