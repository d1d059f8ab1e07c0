/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A signed DNS world in memory for the DNSSEC unit tests: zones written in
 * ldns presentation format, keys made at test time (ECDSA P-256, never stored),
 * signed with ldns_zone_sign() / ldns_zone_sign_nsec3(), and a small
 * "recursive resolver" that answers a question the way NSD behind Unbound does
 * with DO set: the RRset and its RRSIGs; NODATA and NXDOMAIN with the zone's
 * SOA and the NSEC or NSEC3 records that prove them; DS questions from the
 * parent's side of a cut. Replies are real wire bytes (ldns_pkt2wire()), fed to
 * scan_answer_parse() and kept raw, as the resolver core does.
 *
 * Usage:
 * @code
 *   struct tw w = {0};
 *   tw_zone(&w, ".", TW_SIGNED, "...records...");
 *   tw_zone(&w, "example.test", TW_SIGNED, "...");
 *   tw_sign(&w);                        // children first: DS records go up
 *   int ret = tw_run(&w, view, d, "example.test", &rep);   // answers until done
 *   tw_free(&w);
 * @endcode
 */
#ifndef TESTS_UNIT_DNSSEC_WORLD_H
#define TESTS_UNIT_DNSSEC_WORLD_H

#include <errno.h>
#include <ldns/ldns.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/checks/dnssec.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

enum tw_mode {
    TW_SIGNED,   /**< signed with NSEC, DS at the parent */
    TW_NSEC3,    /**< signed with NSEC3, DS at the parent */
    TW_UNSIGNED, /**< not signed, no DS */
    TW_ISLAND,   /**< signed, no DS */
    TW_EXPIRED,  /**< signed with signatures that expired a year ago */
    TW_BOGUS_DS, /**< signed; the parent's DS is of another key */
    TW_NOSIG,    /**< served unsigned, DS at the parent */
};

#define TW_MAX 12

struct tw_zone {
    char name[128];
    enum tw_mode mode;
    ldns_zone *zone;     /**< unsigned, DS records of children added by tw_sign() */
    ldns_zone *signed_z; /**< what is served */
    ldns_key_list *keys; /**< ksk first */
    ldns_key *ghost;     /**< TW_BOGUS_DS: the key the DS is of */
};

struct tw {
    struct tw_zone z[TW_MAX];
    size_t n;
    size_t asked; /**< questions answered */
    /** Optional: change a reply before it is encoded (drop records, ...). */
    void (*tamper)(ldns_pkt *p, const char *name, uint16_t type);
    /** Optional: answer this (name, type) with a timeout instead. */
    const char *timeout_name;
    uint16_t timeout_type;
};

static ldns_key *tw_key(const char *zone, bool ksk, uint32_t incep, uint32_t expir)
{
    ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
    if (!k)
        return NULL;
    ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(zone));
    ldns_key_set_flags(k, LDNS_KEY_ZONE_KEY | (ksk ? LDNS_KEY_SEP_KEY : 0));
    ldns_key_set_inception(k, incep);
    ldns_key_set_expiration(k, expir);
    ldns_rr *pub = ldns_key2rr(k); /* RRSIGs carry the tag of the key's DNSKEY */
    ldns_key_set_keytag(k, ldns_calc_keytag(pub));
    ldns_rr_free(pub);
    return k;
}

/** Add a zone; @p records are presentation lines relative to the zone ($ORIGIN set). */
static void tw_zone(struct tw *w, const char *name, enum tw_mode mode, const char *records)
{
    struct tw_zone *z = &w->z[w->n++];
    char text[4096];
    snprintf(z->name, sizeof(z->name), "%s", name);
    z->mode = mode;
    snprintf(text, sizeof(text),
             "$ORIGIN %s%s\n$TTL 300\n@ SOA ns.world.test. host.world.test. 1 600 300 86400 "
             "300\n@ NS ns.world.test.\n%s",
             name, strcmp(name, ".") ? "." : "", records);
    FILE *f = fmemopen(text, strlen(text), "r");
    ldns_status st = ldns_zone_new_frm_fp(&z->zone, f, NULL, 300, LDNS_RR_CLASS_IN);
    fclose(f);
    if (st != LDNS_STATUS_OK) {
        fprintf(stderr, "zone %s: %s\n", name, ldns_get_errorstr_by_id(st));
        abort();
    }
    uint32_t now = (uint32_t)time(NULL), incep = now - 3600, expir = now + 86400 * 30;
    if (mode == TW_EXPIRED) {
        incep = now - 86400 * 400;
        expir = now - 86400 * 365;
    }
    z->keys = ldns_key_list_new();
    ldns_key_list_push_key(z->keys, tw_key(name, true, incep, expir));
    ldns_key_list_push_key(z->keys, tw_key(name, false, incep, expir));
    if (mode == TW_BOGUS_DS)
        z->ghost = tw_key(name, true, incep, expir);
}

static bool tw_is_signed(enum tw_mode m)
{
    return m != TW_UNSIGNED && m != TW_NOSIG;
}

static ldns_rr *tw_pub(ldns_key *k)
{
    return ldns_key2rr(k);
}

/** Sign every zone, deepest first, putting DS records into parents. */
static void tw_sign(struct tw *w)
{
    for (size_t pass = 0; pass < w->n; pass++) {
        /* the zone with the most labels not signed yet */
        struct tw_zone *z = NULL;
        for (size_t i = 0; i < w->n; i++) {
            ldns_rdf *a = ldns_dname_new_frm_str(w->z[i].name);
            ldns_rdf *b = z ? ldns_dname_new_frm_str(z->name) : NULL;
            if (!w->z[i].signed_z && (!z || ldns_dname_label_count(a) > ldns_dname_label_count(b)))
                z = &w->z[i];
            ldns_rdf_deep_free(a);
            ldns_rdf_deep_free(b);
        }
        /* DS into the closest enclosing zone */
        ldns_rdf *zn = ldns_dname_new_frm_str(z->name);
        struct tw_zone *parent = NULL;
        for (size_t i = 0; i < w->n; i++) {
            ldns_rdf *pn = ldns_dname_new_frm_str(w->z[i].name);
            if (&w->z[i] != z && ldns_dname_is_subdomain(zn, pn) &&
                (!parent || strlen(w->z[i].name) > strlen(parent->name) ||
                 !strcmp(parent->name, ".")))
                parent = &w->z[i];
            ldns_rdf_deep_free(pn);
        }
        if (parent && z->mode != TW_UNSIGNED && z->mode != TW_ISLAND) {
            ldns_key *dk = z->mode == TW_BOGUS_DS ? z->ghost : ldns_key_list_key(z->keys, 0);
            ldns_rr *pub = tw_pub(dk);
            ldns_zone_push_rr(parent->zone, ldns_key_rr2ds(pub, LDNS_SHA256));
            ldns_rr_free(pub);
        }
        ldns_rdf_deep_free(zn);
        if (!tw_is_signed(z->mode)) {
            z->signed_z = ldns_zone_new();
            ldns_zone_set_soa(z->signed_z, ldns_rr_clone(ldns_zone_soa(z->zone)));
            ldns_rr_list *copy = ldns_rr_list_clone(ldns_zone_rrs(z->zone));
            ldns_zone_push_rr_list(z->signed_z, copy); /* takes the records, not the list */
            ldns_rr_list_free(copy);
            continue;
        }
        for (size_t k = 0; k < ldns_key_list_key_count(z->keys); k++)
            ldns_zone_push_rr(z->zone, tw_pub(ldns_key_list_key(z->keys, k)));
        if (z->mode == TW_NSEC3)
            z->signed_z = ldns_zone_sign_nsec3(z->zone, z->keys, LDNS_SHA1, 0, 0, 0, NULL);
        else
            z->signed_z = ldns_zone_sign(z->zone, z->keys);
        if (!z->signed_z)
            abort();
    }
}

static void tw_free(struct tw *w)
{
    for (size_t i = 0; i < w->n; i++) {
        ldns_zone_deep_free(w->z[i].zone);
        ldns_zone_deep_free(w->z[i].signed_z);
        ldns_key_list_free(w->z[i].keys);
        if (w->z[i].ghost)
            ldns_key_deep_free(w->z[i].ghost);
    }
}

/** The zone that answers (name, type): the deepest one holding the name, or for DS
 *  the deepest one holding it strictly above its apex. */
static struct tw_zone *tw_zone_for(struct tw *w, const ldns_rdf *name, uint16_t type)
{
    struct tw_zone *best = NULL;
    size_t best_labels = 0;
    for (size_t i = 0; i < w->n; i++) {
        ldns_rdf *zn = ldns_dname_new_frm_str(w->z[i].name);
        bool apex = ldns_dname_compare(zn, name) == 0;
        bool in = apex || ldns_dname_is_subdomain(name, zn);
        if (type == SCAN_TYPE_DS && apex && strcmp(w->z[i].name, "."))
            in = false;
        size_t labels = ldns_dname_label_count(zn);
        if (in && (!best || labels > best_labels)) {
            best = &w->z[i];
            best_labels = labels;
        }
        ldns_rdf_deep_free(zn);
    }
    return best;
}

/* Every record of the served zone, SOA included (pointers; ldns_rr_list_free()). */
static ldns_rr_list *tw_all(const struct tw_zone *z)
{
    ldns_rr_list *all = ldns_rr_list_new();
    ldns_rr_list_push_rr(all, ldns_zone_soa(z->signed_z));
    ldns_rr_list_push_rr_list(all, ldns_zone_rrs(z->signed_z));
    return all;
}

/* Push clones of the records of @p all owned by @p owner of @p type (or RRSIGs over
 * it) into a section of @p p. @return how many. */
static size_t tw_push(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr_list *all,
                      const ldns_rdf *owner, ldns_rr_type type)
{
    size_t n = 0;
    for (size_t i = 0; i < ldns_rr_list_rr_count(all); i++) {
        ldns_rr *rr = ldns_rr_list_rr(all, i);
        if (ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
            continue;
        bool hit = ldns_rr_get_type(rr) == type;
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
            ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type)
            hit = true;
        if (hit && ldns_pkt_push_rr(p, sec, ldns_rr_clone(rr)))
            n += ldns_rr_get_type(rr) == type;
    }
    return n;
}

/** The reply to (name, type) as wire bytes (caller frees with free()). */
static uint8_t *tw_reply(struct tw *w, const char *name, uint16_t type, size_t *len)
{
    ldns_rdf *qn = ldns_dname_new_frm_str(name);
    ldns_pkt *p = ldns_pkt_new();
    ldns_pkt_set_qr(p, true);
    ldns_pkt_set_rd(p, true);
    ldns_pkt_set_ra(p, true);
    ldns_rr *q = ldns_rr_new();
    ldns_rr_set_owner(q, ldns_rdf_clone(qn));
    ldns_rr_set_type(q, type);
    ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
    ldns_rr_set_question(q, true);
    ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, q);
    struct tw_zone *z = tw_zone_for(w, qn, type);
    if (!z) {
        ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
    } else {
        ldns_rr_list *all = tw_all(z);
        ldns_rdf *apex = ldns_dname_new_frm_str(z->name);
        bool exists = false, nsec3 = z->mode == TW_NSEC3;
        for (size_t i = 0; i < ldns_rr_list_rr_count(all) && !exists; i++)
            exists = ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(all, i)), qn) == 0 ||
                     ldns_dname_is_subdomain(ldns_rr_owner(ldns_rr_list_rr(all, i)), qn);
        if (tw_push(p, LDNS_SECTION_ANSWER, all, qn, type) == 0) {
            ldns_pkt_set_rcode(p, exists ? LDNS_RCODE_NOERROR : LDNS_RCODE_NXDOMAIN);
            tw_push(p, LDNS_SECTION_AUTHORITY, all, apex, LDNS_RR_TYPE_SOA);
            for (size_t i = 0; i < ldns_rr_list_rr_count(all); i++) {
                ldns_rr *rr = ldns_rr_list_rr(all, i);
                ldns_rr_type t = ldns_rr_get_type(rr);
                bool fits = false;
                if (t == LDNS_RR_TYPE_NSEC)
                    fits = ldns_dname_compare(ldns_rr_owner(rr), qn) == 0 ||
                           (!exists && ldns_nsec_covers_name(rr, qn));
                if (t == LDNS_RR_TYPE_NSEC3 && nsec3) {
                    ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(rr, qn);
                    ldns_dname_cat(h, apex);
                    fits = ldns_dname_compare(ldns_rr_owner(rr), h) == 0 ||
                           (!exists && ldns_nsec_covers_name(rr, h));
                    ldns_rdf_deep_free(h);
                }
                if (fits)
                    tw_push(p, LDNS_SECTION_AUTHORITY, all, ldns_rr_owner(rr), t);
            }
        }
        ldns_rdf_deep_free(apex);
        ldns_rr_list_free(all);
    }
    if (w->tamper)
        w->tamper(p, name, type);
    uint8_t *wire = NULL;
    if (ldns_pkt2wire(&wire, p, len) != LDNS_STATUS_OK)
        abort();
    ldns_pkt_free(p);
    ldns_rdf_deep_free(qn);
    return wire;
}

/* scan_view_answer_fn for tw_run(): the world's reply (or the planted timeout). */
static struct scan_answer *tw_answer(void *arg, const char *name, uint16_t type, unsigned flags)
{
    struct tw *w = arg;
    struct scan_answer *a = NULL;
    w->asked++;
    if (w->timeout_name && !strcmp(name, w->timeout_name) && type == w->timeout_type)
        return scan_answer_new_status(SCAN_DNS_TIMEOUT, type);
    size_t len = 0;
    uint8_t *wire = tw_reply(w, name, type, &len);
    scan_answer_parse(wire, len, type, &a);
    if (flags & SCAN_Q_DNSSEC)
        scan_answer_set_raw(a, wire, len);
    free(wire);
    return a;
}

/** Run the check to the end (scan_view_drive(), at most 20 rounds), answering
 *  every question from the world. @return as scan_view_drive(). */
static int tw_run(struct tw *w, struct scan_view *v, struct scan_dnssec *d, const char *domain,
                  struct scan_report **rep)
{
    struct scan_dnssec_args a = {d, domain};
    struct scan_check_call call = {scan_dnssec_check_args, &a};
    struct scan_view_driver drv = {scan_check_call_run, &call, tw_answer, w, 20};
    void *out = NULL;
    int ret = scan_view_drive(v, &drv, &out);
    *rep = out;
    return ret;
}

/** The root zone's KSK as a trust anchor file text (caller frees). */
static char *tw_anchor(struct tw *w)
{
    for (size_t i = 0; i < w->n; i++)
        if (!strcmp(w->z[i].name, ".")) {
            ldns_rr *pub = tw_pub(ldns_key_list_key(w->z[i].keys, 0));
            char *s = ldns_rr2str(pub);
            ldns_rr_free(pub);
            return s;
        }
    return NULL;
}

#endif
