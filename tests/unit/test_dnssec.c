/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the DNSSEC check (scanner/checks/dnssec.c): a signed world made at
 * test time (tests/unit/dnssec_world.h), one case per verdict and reason, the
 * trust anchor file, and the memo that lets a zone's chain be validated once.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "dnssec_world.h"
#include "scanner/checks/dnssec.h"
#include "scanner/core/err.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

/* The root delegates dnssec.test (NSEC), which delegates the children. */
static void world(struct tw *w, enum tw_mode parent, enum tw_mode child)
{
    memset(w, 0, sizeof(*w));
    tw_zone(w, ".", TW_SIGNED, "dnssec.test. NS ns.world.test.\nns.world.test. A 127.0.0.1\n");
    tw_zone(w, "dnssec.test", parent,
            "@ A 192.0.2.62\nchild NS ns.world.test.\nhost A 192.0.2.63\n");
    tw_zone(w, "child.dnssec.test", child,
            "@ A 192.0.2.60\n@ MX 10 mx1.example-esp.test.\nwww A 192.0.2.61\n");
    tw_sign(w);
}

static const struct scan_field *field(const struct scan_result *r, const char *name)
{
    for (size_t i = 0; i < r->extra.n; i++)
        if (!strcmp(r->extra.f[i].name, name))
            return &r->extra.f[i];
    cr_assert_fail("no field %s", name);
    return NULL;
}

/* Run the check of @p domain in world @p w with its own root as the anchor. */
static struct scan_report *run(struct tw *w, struct scan_dnssec **dp, const char *domain)
{
    struct scan_diag diag = {0};
    char *anchor = tw_anchor(w);
    struct scan_dnssec *d = dp && *dp ? *dp : NULL;
    if (!d)
        cr_assert_eq(scan_dnssec_new_from_text("anchor", anchor, &d, &diag), 0, "%s", diag.msg);
    free(anchor);
    struct scan_view *v = scan_view_new();
    struct scan_report *rep = NULL;
    cr_assert_eq(tw_run(w, v, d, domain, &rep), 0);
    scan_view_free(v);
    if (dp)
        *dp = d;
    else
        scan_dnssec_free(d);
    return rep;
}

static void expect(struct scan_report *rep, const char *status, const char *reason)
{
    const struct scan_result *r = scan_report_result(rep);
    cr_assert_str_eq(r->check, "dnssec");
    cr_assert_str_eq(r->status, status, "status %s (%s): %s", r->status,
                     r->reason ? r->reason : "-", field(r, "problem")->str ?: "-");
    if (reason)
        cr_assert_str_eq(r->reason ? r->reason : "(null)", reason, "reason (%s)",
                         field(r, "problem")->str ?: "-");
    else
        cr_assert_null(r->reason);
}

/* The check of child.dnssec.test in a world of @p parent and @p child (replies
 * changed by @p tamper, or not): its status and reason must be @p status and
 * @p reason. @return the report, for more checks (caller frees). */
static struct scan_report *child_verdict(enum tw_mode parent, enum tw_mode child,
                                         void (*tamper)(ldns_pkt *, const char *, uint16_t),
                                         const char *status, const char *reason)
{
    struct tw w;
    world(&w, parent, child);
    w.tamper = tamper;
    struct scan_report *rep = run(&w, NULL, "child.dnssec.test");
    expect(rep, status, reason);
    tw_free(&w);
    return rep;
}

Test(dnssec, secure_chain_from_the_root)
{
    struct tw w;
    world(&w, TW_SIGNED, TW_SIGNED);
    struct scan_report *rep = run(&w, NULL, "child.dnssec.test");
    expect(rep, "secure", NULL);
    const struct scan_result *r = scan_report_result(rep);
    cr_assert_str_eq(field(r, "zone")->str, "child.dnssec.test");
    cr_assert(field(r, "signed")->b);
    cr_assert(field(r, "ds")->b);
    const struct scan_field *ch = field(r, "chain");
    cr_assert_eq(ch->n, 3);
    cr_assert_str_eq(ch->strv[0], ".");
    cr_assert_str_eq(ch->strv[1], "dnssec.test");
    cr_assert_str_eq(ch->strv[2], "child.dnssec.test");
    cr_assert_str_eq(field(r, "algorithms")->strv[0], "ECDSAP256SHA256");
    cr_assert_null(field(r, "record")->str);
    cr_assert_null(field(r, "problem")->str);
    scan_report_free(rep);
    /* A name inside the zone is judged by its zone. */
    rep = run(&w, NULL, "www.child.dnssec.test");
    expect(rep, "secure", NULL);
    cr_assert_str_eq(field(scan_report_result(rep), "zone")->str, "child.dnssec.test");
    scan_report_free(rep);
    rep = run(&w, NULL, "host.dnssec.test");
    expect(rep, "secure", NULL);
    cr_assert_str_eq(field(scan_report_result(rep), "zone")->str, "dnssec.test");
    scan_report_free(rep);
    tw_free(&w);
}

/* A name of 127 labels (the most a DNS name has) under a TLD that does not exist:
 * the root is its zone, and its SOA is asked after the 127 names (it once read
 * past the answers it had). */
Test(dnssec, deepest_name_without_a_zone_is_judged_by_the_root)
{
    struct tw w;
    char name[256] = "b";
    for (int i = 1; i < 127; i++)
        strcat(name, ".b");
    world(&w, TW_SIGNED, TW_SIGNED);
    struct scan_report *rep = run(&w, NULL, name);
    expect(rep, "secure", NULL);
    cr_assert_str_eq(field(scan_report_result(rep), "zone")->str, ".");
    scan_report_free(rep);
    tw_free(&w);
}

Test(dnssec, secure_under_an_nsec3_parent)
{
    scan_report_free(child_verdict(TW_NSEC3, TW_SIGNED, NULL, "secure", NULL));
}

Test(dnssec, unsigned_child_is_insecure_by_nsec_and_nsec3)
{
    for (int k = 0; k < 2; k++) {
        struct scan_report *rep =
            child_verdict(k ? TW_NSEC3 : TW_SIGNED, TW_UNSIGNED, NULL, "insecure", "no-ds");
        const struct scan_result *r = scan_report_result(rep);
        cr_assert_str_eq(field(r, "insecure_at")->str, "child.dnssec.test");
        cr_assert_not(field(r, "signed")->b);
        cr_assert_not(field(r, "ds")->b);
        cr_assert_eq(field(r, "chain")->n, 2, "the root and the parent validated");
        scan_report_free(rep);
    }
}

Test(dnssec, island_of_security_is_insecure_but_signed)
{
    struct scan_report *rep = child_verdict(TW_SIGNED, TW_ISLAND, NULL, "insecure", "no-ds");
    cr_assert(field(scan_report_result(rep), "signed")->b);
    scan_report_free(rep);
}

Test(dnssec, insecure_parent_makes_everything_below_insecure)
{
    struct scan_report *rep = child_verdict(TW_UNSIGNED, TW_SIGNED, NULL, "insecure", "no-ds");
    cr_assert_str_eq(field(scan_report_result(rep), "insecure_at")->str, "dnssec.test");
    scan_report_free(rep);
}

Test(dnssec, expired_signatures_are_bogus)
{
    struct scan_report *rep =
        child_verdict(TW_SIGNED, TW_EXPIRED, NULL, "bogus", "expired-signature");
    const char *record = field(scan_report_result(rep), "record")->str;
    cr_assert(record && strstr(record, "DNSKEY"), "%s", record);
    scan_report_free(rep);
}

Test(dnssec, ds_of_another_key_is_bogus)
{
    struct scan_report *rep = child_verdict(TW_SIGNED, TW_BOGUS_DS, NULL, "bogus", "ds-mismatch");
    cr_assert(strstr(field(scan_report_result(rep), "record")->str, " DS "));
    scan_report_free(rep);
}

Test(dnssec, ds_without_dnskey_is_bogus)
{
    scan_report_free(child_verdict(TW_SIGNED, TW_NOSIG, NULL, "bogus", "no-dnskey"));
}

/* The MX record changes after signing: its RRSIG no longer verifies. */
static void change_mx(ldns_pkt *p, const char *name, uint16_t type)
{
    if (type != SCAN_TYPE_MX)
        return;
    ldns_rr_list *an = ldns_pkt_answer(p);
    for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
        ldns_rr *rr = ldns_rr_list_rr(an, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_MX)
            ldns_rdf_deep_free(
                ldns_rr_set_rdf(rr, ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 99), 0));
    }
}

Test(dnssec, changed_record_is_bogus_with_the_record)
{
    struct scan_report *rep =
        child_verdict(TW_SIGNED, TW_SIGNED, change_mx, "bogus", "bad-signature");
    const struct scan_result *r = scan_report_result(rep);
    cr_assert(strstr(field(r, "record")->str, "MX 99 "), "%s", field(r, "record")->str);
    cr_assert_eq(field(r, "chain")->n, 3, "the chain itself validated");
    scan_report_free(rep);
}

/* Remove from one section of @p p the records @p drop says. */
static void filter(ldns_pkt *p, bool authority, bool (*drop)(const ldns_rr *rr))
{
    ldns_rr_list *sec = authority ? ldns_pkt_authority(p) : ldns_pkt_answer(p);
    ldns_rr_list *keep = ldns_rr_list_new();
    for (size_t i = 0; i < ldns_rr_list_rr_count(sec); i++) {
        ldns_rr *rr = ldns_rr_list_rr(sec, i);
        if (drop(rr))
            ldns_rr_free(rr);
        else
            ldns_rr_list_push_rr(keep, rr);
    }
    ldns_rr_list_free(sec);
    if (authority) {
        ldns_pkt_set_authority(p, keep);
        ldns_pkt_set_nscount(p, (uint16_t)ldns_rr_list_rr_count(keep));
    } else {
        ldns_pkt_set_answer(p, keep);
        ldns_pkt_set_ancount(p, (uint16_t)ldns_rr_list_rr_count(keep));
    }
}

static bool is_proof(const ldns_rr *rr)
{
    ldns_rr_type t = ldns_rr_get_type(rr);
    return t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3 ||
           (t == LDNS_RR_TYPE_RRSIG &&
            ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != LDNS_RR_TYPE_SOA);
}

/* The parent's answer for the unsigned child's DS loses its NSEC records. */
static void drop_proof(ldns_pkt *p, const char *name, uint16_t type)
{
    if (type == SCAN_TYPE_DS)
        filter(p, true, is_proof);
}

Test(dnssec, missing_denial_is_bogus)
{
    scan_report_free(child_verdict(TW_SIGNED, TW_UNSIGNED, drop_proof, "bogus", "bad-denial"));
}

static bool is_rrsig(const ldns_rr *rr)
{
    return ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG;
}

/* The SOA loses its RRSIG in a secure zone. */
static void drop_soa_sig(ldns_pkt *p, const char *name, uint16_t type)
{
    if (type == SCAN_TYPE_SOA && !strcmp(name, "child.dnssec.test"))
        filter(p, false, is_rrsig);
}

Test(dnssec, unsigned_soa_in_a_secure_zone_is_bogus)
{
    struct scan_report *rep =
        child_verdict(TW_SIGNED, TW_SIGNED, drop_soa_sig, "bogus", "no-signature");
    cr_assert(strstr(field(scan_report_result(rep), "record")->str, " SOA "));
    scan_report_free(rep);
}

/* A resolver that drops DNSSEC records: the root's keys come without RRSIG. */
static void strip_rrsigs(ldns_pkt *p, const char *name, uint16_t type)
{
    filter(p, false, is_rrsig);
    filter(p, true, is_rrsig);
}

Test(dnssec, resolver_that_strips_rrsigs_is_an_error_not_bogus)
{
    struct scan_report *rep =
        child_verdict(TW_SIGNED, TW_SIGNED, strip_rrsigs, "error", "invalid-answer");
    cr_assert(strstr(field(scan_report_result(rep), "problem")->str, "drops DNSSEC records"));
    scan_report_free(rep);
}

Test(dnssec, another_anchor_is_a_mismatch)
{
    struct tw w, other;
    world(&w, TW_SIGNED, TW_SIGNED);
    world(&other, TW_SIGNED, TW_SIGNED);
    char *anchor = tw_anchor(&other);
    struct scan_dnssec *d = NULL;
    cr_assert_eq(scan_dnssec_new_from_text("anchor", anchor, &d, NULL), 0);
    free(anchor);
    struct scan_report *rep = run(&w, &d, "child.dnssec.test");
    expect(rep, "bogus", "anchor-mismatch");
    cr_assert_eq(field(scan_report_result(rep), "chain")->n, 0);
    scan_report_free(rep);
    scan_dnssec_free(d);
    tw_free(&w);
    tw_free(&other);
}

Test(dnssec, ds_anchor_works_like_a_dnskey_anchor)
{
    struct tw w;
    world(&w, TW_SIGNED, TW_SIGNED);
    ldns_rr *pub = ldns_key2rr(ldns_key_list_key(w.z[0].keys, 0));
    ldns_rr *ds = ldns_key_rr2ds(pub, LDNS_SHA256);
    char *text = ldns_rr2str(ds);
    struct scan_diag diag = {.msg = "untouched"};
    struct scan_dnssec *d = NULL;
    cr_assert_eq(scan_dnssec_new_from_text("root.ds", text, &d, &diag), 0, "%s", diag.msg);
    cr_assert_str_eq(diag.msg, "untouched"); /* success leaves the message as it was */
    struct scan_report *rep = run(&w, &d, "child.dnssec.test");
    expect(rep, "secure", NULL);
    scan_report_free(rep);
    scan_dnssec_free(d);
    free(text);
    ldns_rr_free(ds);
    ldns_rr_free(pub);
    tw_free(&w);
}

Test(dnssec, dns_failure_is_an_error_never_insecure)
{
    struct tw w;
    world(&w, TW_SIGNED, TW_SIGNED);
    w.timeout_name = "child.dnssec.test";
    w.timeout_type = SCAN_TYPE_DS;
    struct scan_report *rep = run(&w, NULL, "child.dnssec.test");
    expect(rep, "error", "timeout");
    scan_report_free(rep);
    tw_free(&w);
}

Test(dnssec, memo_validates_a_zone_once)
{
    struct tw w;
    world(&w, TW_SIGNED, TW_SIGNED);
    struct scan_dnssec *d = NULL;
    struct scan_report *rep = run(&w, &d, "child.dnssec.test");
    expect(rep, "secure", NULL);
    scan_report_free(rep);
    size_t first = w.asked;
    w.asked = 0;
    rep = run(&w, &d, "www.child.dnssec.test");
    expect(rep, "secure", NULL);
    scan_report_free(rep);
    /* SOA of www.child, child.dnssec, dnssec.test, test; DNSKEY and DS of the zone;
     * the MX of www: nothing of the chain above. */
    cr_assert_leq(w.asked, 7, "asked %zu (first run %zu)", w.asked, first);
    cr_assert_gt(first, w.asked);
    scan_dnssec_free(d);
    tw_free(&w);
}

/* A zone below an insecure one, concluded in a later run from the memo's entry
 * for its parent, says what the parent said; setting the clock forgets the memo,
 * and the next run asks the whole chain again with the same verdicts. */
Test(dnssec, memo_carries_conclusions_down_and_set_time_forgets_it)
{
    struct tw w;
    world(&w, TW_UNSIGNED, TW_SIGNED);
    struct scan_dnssec *d = NULL;
    struct scan_report *rep = run(&w, &d, "host.dnssec.test");
    expect(rep, "insecure", "no-ds");
    const struct scan_result *r = scan_report_result(rep);
    cr_assert_str_eq(field(r, "zone")->str, "dnssec.test");
    char *problem = strdup(field(r, "problem")->str);
    scan_report_free(rep);

    size_t cold = 0;
    for (int pass = 0; pass < 2; pass++) {
        w.asked = 0;
        rep = run(&w, &d, "child.dnssec.test");
        expect(rep, "insecure", "no-ds");
        r = scan_report_result(rep);
        cr_assert_str_eq(field(r, "zone")->str, "child.dnssec.test");
        cr_assert_str_eq(field(r, "insecure_at")->str, "dnssec.test");
        cr_assert_str_eq(field(r, "problem")->str, problem, "pass %d", pass);
        cr_assert_eq(field(r, "chain")->n, 1, "only the root validated");
        scan_report_free(rep);
        if (pass == 0) {
            cold = w.asked;
            scan_dnssec_set_time(d, 0); /* forgets the memo */
        }
    }
    cr_assert_gt(w.asked, cold, "after set_time the chain is asked again (%zu, %zu)", w.asked,
                 cold);
    free(problem);
    scan_dnssec_free(d);
    tw_free(&w);
}

Test(dnssec, anchor_file_errors_say_where)
{
    struct scan_dnssec *d = NULL;
    struct scan_diag diag = {0};
    cr_assert_eq(scan_dnssec_new_from_text("a.key", "; nothing\n\n", &d, &diag), SCAN_ECONFIG);
    cr_assert_str_eq(diag.msg, "a.key: no DS or DNSKEY record (a trust anchor file lists them)");
    cr_assert_eq(scan_dnssec_new_from_text("b.key", ". IN A 192.0.2.1\n", &d, &diag), SCAN_ECONFIG);
    cr_assert_str_eq(diag.msg, "b.key:1: a trust anchor is a DS or DNSKEY record");
    cr_assert_eq(scan_dnssec_new_from_text("c.key", "; x\n. IN DNSKEY garbage\n", &d, &diag),
                 SCAN_ECONFIG);
    cr_assert(strstr(diag.msg, "c.key:2: not a DS or DNSKEY record ("), "%s", diag.msg);
    cr_assert_eq(scan_dnssec_new("/nonexistent/root.key", &d, &diag), -ENOENT);
    cr_assert_str_eq(diag.msg, "/nonexistent/root.key: No such file or directory");
    cr_assert_null(d);
    /* Without a diag, the same codes and nothing written. */
    cr_assert_eq(scan_dnssec_new_from_text("b.key", ". IN A 192.0.2.1\n", &d, NULL), SCAN_ECONFIG);
    cr_assert_eq(scan_dnssec_new("/nonexistent/root.key", &d, NULL), -ENOENT);
    cr_assert_null(d);
    /* Debian's file, when it is installed, loads. */
    if (access(SCAN_DNSSEC_DEFAULT_ANCHOR, R_OK) == 0) {
        cr_assert_eq(scan_dnssec_new(SCAN_DNSSEC_DEFAULT_ANCHOR, &d, &diag), 0, "%s", diag.msg);
        scan_dnssec_free(d);
    }
}
