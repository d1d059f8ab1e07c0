/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DNSBL verdicts and test-point judgements (see verdict.h). Pure: the engine
 * calls these once per answer, the unit tests with canned answers.
 */
#include "scanner/catalog/verdict.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char stray_detail[] =
    "the answer holds records for another name, class or type than the question";
static const char chain_detail[] = "a CNAME chain that ends without an address";
static const char tc_detail[] = "a truncated answer (TC set even over TCP)";
static const char outside_detail[] = "an address outside 127.0.0.0/8 (parked or hijacked zone)";

/* The address of an A record, in host order. */
static uint32_t rr_addr(const struct scan_rr *rr)
{
    return ((uint32_t)rr->a4[0] << 24) | ((uint32_t)rr->a4[1] << 16) | ((uint32_t)rr->a4[2] << 8) |
           rr->a4[3];
}

/* Every A record of the answer, in host order. An answer holds at most
 * SCAN_ANSWER_MAX_RRS records (the decoder refuses larger ones). */
static size_t answer_addrs(const struct scan_answer *a, uint32_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n && n < SCAN_ANSWER_MAX_RRS; i++)
        if (a->rr[i].type == SCAN_TYPE_A)
            out[n++] = rr_addr(&a->rr[i]);
    return n;
}

static void set_error(struct list_finding *out, enum scan_reason why, const char *detail)
{
    out->st = SCAN_ST_ERROR;
    out->why = why;
    out->klass = SCAN_CLASS_NONE;
    out->detail = detail;
}

int list_dnsbl_verdict(const struct list_entry *e, const struct scan_answer *a,
                       struct list_finding *out)
{
    uint32_t addrs[SCAN_ANSWER_MAX_RRS];
    if (!out)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    out->st = SCAN_ST_ERROR;
    if (!e || !a)
        return -EINVAL;

    switch (a->status) {
    case SCAN_DNS_OK:
    case SCAN_DNS_NODATA:
    case SCAN_DNS_NXDOMAIN:
        break;
    default:
        set_error(out, scan_reason_of_dns(a->status), NULL);
        return 0;
    }
    if (a->tc) {
        set_error(out, SCAN_R_INVALID_ANSWER, tc_detail);
        return 0;
    }
    if (a->status == SCAN_DNS_NXDOMAIN) {
        out->st = SCAN_ST_CLEAN;
        return 0;
    }
    if (a->nstray > 0) {
        set_error(out, SCAN_R_INVALID_ANSWER, stray_detail);
        return 0;
    }
    size_t n = a->status == SCAN_DNS_OK ? answer_addrs(a, addrs) : 0;
    if (n == 0) {
        if (a->ncname > 0 || a->status == SCAN_DNS_OK)
            set_error(out, SCAN_R_INVALID_ANSWER, a->ncname > 0 ? chain_detail : stray_detail);
        else
            out->st = SCAN_ST_CLEAN; /* a proper NODATA for the name itself */
        return 0;
    }
    if (list_interpret(e, addrs, n, &out->in) != 0) {
        set_error(out, SCAN_R_INVALID_ANSWER, NULL);
        return 0;
    }
    switch (out->in.verdict) {
    case LIST_V_INVALID:
        set_error(out, SCAN_R_INVALID_ANSWER, outside_detail);
        break;
    case LIST_V_REFUSAL:
        set_error(out, SCAN_R_BLOCKED, NULL);
        break;
    case LIST_V_LISTED:
        out->st = SCAN_ST_LISTED;
        out->klass = SCAN_CLASS_LISTING;
        break;
    case LIST_V_INFO:
        out->st = SCAN_ST_LISTED;
        out->klass = SCAN_CLASS_INFO;
        break;
    case LIST_V_ALLOW:
        out->st = SCAN_ST_CLEAN;
        out->klass = SCAN_CLASS_ALLOW;
        break;
    case LIST_V_CLEAN:
        out->st = SCAN_ST_CLEAN;
        break;
    }
    return 0;
}

size_t list_verdict_combine(const struct list_finding *v, size_t n)
{
    size_t pick = 0;
    int best = -1;
    for (size_t i = 0; i < n; i++) {
        /* listed > blocked error > other error > allow > clean */
        int rank = v[i].st == SCAN_ST_LISTED        ? 4
                   : v[i].st == SCAN_ST_ERROR       ? (v[i].why == SCAN_R_BLOCKED ? 3 : 2)
                   : v[i].klass == SCAN_CLASS_ALLOW ? 1
                                                    : 0;
        if (rank > best) {
            best = rank;
            pick = i;
        }
    }
    return pick;
}

/* What to do about a list that refuses this resolver. */
static const char *refusal_advice(const struct list_entry *e)
{
    if (e->access == LIST_ACCESS_KEY)
        return "check that the key is valid and its service is active";
    if (e->access == LIST_ACCESS_REGISTRATION)
        return "register your resolver's public IP address with the list operator";
    return "query through your own recursive resolver, not a public or ISP one (or use the "
           "operator's keyed service)";
}

static bool has_code(const struct scan_answer *a, uint32_t code)
{
    for (size_t i = 0; i < a->n; i++)
        if (a->rr[i].type == SCAN_TYPE_A && rr_addr(&a->rr[i]) == code)
            return true;
    return false;
}

/*
 * The refusal code of a blocked answer, interpreted alone. The report in a
 * finding lists the smallest codes first and keeps LIST_MAX_CODES of them, so
 * its first code may be a listing beside the refusal (127.0.0.2 before
 * 127.255.255.254), and the refusal may not be kept at all (after 16 others).
 */
static bool refusal_code(const struct list_entry *e, const struct scan_answer *a,
                         struct list_interp *out)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->rr[i].type != SCAN_TYPE_A)
            continue;
        uint32_t addr = ((uint32_t)a->rr[i].a4[0] << 24) | ((uint32_t)a->rr[i].a4[1] << 16) |
                        ((uint32_t)a->rr[i].a4[2] << 8) | a->rr[i].a4[3];
        if (list_interpret(e, &addr, 1, out) == 0 && out->verdict == LIST_V_REFUSAL)
            return true;
    }
    return false;
}

enum list_probe list_probe_judge(const struct list_entry *e, const struct list_test_point *tp,
                                 const struct scan_answer *a, char *why, size_t len)
{
    struct list_finding v;
    char code[LIST_CODE_TEXT];

    if (len > 0)
        why[0] = '\0';
    if (list_dnsbl_verdict(e, a, &v) != 0)
        return LIST_PROBE_NOANSWER;
    if (v.st == SCAN_ST_ERROR && v.why == SCAN_R_BLOCKED) {
        struct list_interp r;
        const struct list_interp *in = refusal_code(e, a, &r) ? &r : &v.in;
        snprintf(why, len, "refuses this resolver (%s%s%s): %s", in->codes[0],
                 in->meanings[0] ? ", " : "", in->meanings[0] ? in->meanings[0] : "",
                 refusal_advice(e));
        return LIST_PROBE_BLOCKED;
    }
    /* A DNS failure, garbage (BADRESP) included, is no answer yet: ask again. Only an
     * answer that decodes and is wrong in shape (stray records, outside 127/8...) is BAD. */
    if (v.st == SCAN_ST_ERROR && a->status != SCAN_DNS_OK && a->status != SCAN_DNS_NODATA &&
        a->status != SCAN_DNS_NXDOMAIN) {
        /* Barracuda answers SERVFAIL, not a code, to resolvers it does not know. */
        const char *hint = e->access == LIST_ACCESS_REGISTRATION && v.why != SCAN_R_TIMEOUT
                               ? ": if it persists, register your resolver's public IP address "
                                 "with the list operator"
                               : ": the list or the resolver is not answering";
        snprintf(why, len, "test point %s: %s%s", tp->point, scan_reason_word(v.why), hint);
        return LIST_PROBE_NOANSWER;
    }
    if (v.st == SCAN_ST_ERROR) {
        snprintf(why, len, "test point %s: %s: the zone looks parked or hijacked; do not use it",
                 tp->point, v.detail ? v.detail : "an invalid answer");
        return LIST_PROBE_BAD;
    }
    if (!tp->listed) {
        if (v.st == SCAN_ST_CLEAN && v.klass != SCAN_CLASS_ALLOW)
            return LIST_PROBE_GOOD;
        snprintf(why, len,
                 "lists its negative test point %s (%s): it lists the world (a dead list or a "
                 "wildcard); do not use it",
                 tp->point, v.in.codes[0]);
        return LIST_PROBE_BAD;
    }
    if (v.st == SCAN_ST_CLEAN && v.klass != SCAN_CLASS_ALLOW) {
        snprintf(why, len,
                 "does not list its test point %s: the list may be dead or empty, or it "
                 "silently refuses this resolver",
                 tp->point);
        return LIST_PROBE_BAD;
    }
    if (tp->has_code && !has_code(a, tp->code)) {
        snprintf(why, len,
                 "answers %s for test point %s, where the operator documents %s: the list "
                 "changed or is not the one the catalog describes",
                 v.in.codes[0], tp->point, list_code_text(tp->code, code));
        return LIST_PROBE_BAD;
    }
    return LIST_PROBE_GOOD;
}
