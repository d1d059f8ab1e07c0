/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Test helpers shared by the record-check unit tests (FCrDNS, DMARC, MX): a
 * canned zone written as a table, a synchronous driver that plays the
 * engine's part (run the check, answer what it found missing, run again),
 * and accessors for the result fields.
 *
 * A zone entry gives a name, a type and either records in presentation-like
 * text or a status. An entry named "*.<suffix>" is a wildcard: it answers a
 * question of its type for any name under <suffix> that no entry names (a
 * simplification of RFC 4592, enough for the checks' tests). Other questions
 * are answered NXDOMAIN, as the OpenSPF suite harness does. Example:
 * @code
 *   static const struct rz_rec zone[] = {
 *       {"30.2.0.192.in-addr.arpa", SCAN_TYPE_PTR, .data = {"mta.example.test"}},
 *       {"mta.example.test", SCAN_TYPE_A, .data = {"192.0.2.30"}},
 *       {"slow.example.test", SCAN_TYPE_A, .status = SCAN_DNS_TIMEOUT},
 *       {NULL},
 *   };
 *   struct scan_report *r = rz_run_fcrdns(zone, "192.0.2.30");
 * @endcode
 */
#ifndef TESTS_UNIT_RECORDS_ZONE_H
#define TESTS_UNIT_RECORDS_ZONE_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/report.h"
#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/view.h"

#define RZ_MAX_DATA 12

/** One canned answer. */
struct rz_rec {
    const char *name;
    uint16_t type;
    enum scan_dns_status status; /**< used when data is empty (OK then means NODATA) */
    /** Records: A/AAAA address text, PTR target, "PREF EXCHANGE" for MX ("0 ." is the
     *  null MX), TXT text, "MNAME RNAME SERIAL REFRESH RETRY EXPIRE MINIMUM" for SOA;
     *  for SCAN_TYPE_MTA_STS_POLICY the body and the Content-Type (or the error text). */
    const char *data[RZ_MAX_DATA];
    const char *canon; /**< canonical name after a CNAME chain, or NULL */
    size_t ncname;     /**< CNAMEs followed */
    int rcode;         /**< SCAN_TYPE_MTA_STS_POLICY: the HTTP status or SCAN_FETCH_* */
};

/* The questions the last rz_drive() asked, for tests that check what was (not) asked. */
static char rz_asked_name[256][256];
static uint16_t rz_asked_type[256];
static size_t rz_nasked;

/* Does zone entry @p owner answer @p name: the same name, or a wildcard "*.<suffix>"
 * with @p name under <suffix> (when @p wild)? */
static inline bool rz_owns(const char *owner, const char *name, bool wild)
{
    if (!wild)
        return strcasecmp(owner, name) == 0;
    size_t n = strlen(name), k = strlen(owner);
    return strncmp(owner, "*.", 2) == 0 && n > k - 1 && name[n - k + 1] == '.' &&
           strcasecmp(name + n - k + 2, owner + 2) == 0;
}

static inline struct scan_answer *rz_answer(const struct rz_rec *zone, const char *name,
                                            uint16_t type)
{
    bool exact = false;
    for (const struct rz_rec *z = zone; z->name && !exact; z++)
        exact = z->type == type && strcasecmp(z->name, name) == 0;
    for (const struct rz_rec *z = zone; z->name; z++) {
        if (z->type != type || !rz_owns(z->name, name, !exact))
            continue;
        struct scan_rr rr[RZ_MAX_DATA];
        char targets[RZ_MAX_DATA][256];
        size_t n = 0;
        memset(rr, 0, sizeof(rr));
        for (; n < RZ_MAX_DATA && z->data[n]; n++) {
            const char *d = z->data[n];
            rr[n].type = type;
            rr[n].ttl = 3600;
            rr[n].owner = z->canon ? z->canon : name;
            switch (type) {
            case SCAN_TYPE_A:
                cr_assert_eq(inet_pton(AF_INET, d, rr[n].a4), 1, "bad A in zone: %s", d);
                break;
            case SCAN_TYPE_AAAA:
                cr_assert_eq(inet_pton(AF_INET6, d, rr[n].a6), 1, "bad AAAA in zone: %s", d);
                break;
            case SCAN_TYPE_MX: {
                unsigned pref = 0;
                cr_assert_eq(sscanf(d, "%u %255s", &pref, targets[n]), 2, "bad MX: %s", d);
                size_t l = strlen(targets[n]);
                if (l > 0 && targets[n][l - 1] == '.')
                    targets[n][l - 1] = '\0'; /* the root is "" */
                rr[n].pref = (uint16_t)pref;
                rr[n].target = targets[n];
                break;
            }
            case SCAN_TYPE_SOA: {
                static char names[RZ_MAX_DATA][2][256];
                cr_assert_eq(sscanf(d, "%255s %255s %u %u %u %u %u", names[n][0], names[n][1],
                                    &rr[n].soa.serial, &rr[n].soa.refresh, &rr[n].soa.retry,
                                    &rr[n].soa.expire, &rr[n].soa.minimum),
                             7, "bad SOA: %s", d);
                rr[n].soa.mname = names[n][0];
                rr[n].soa.rname = names[n][1];
                break;
            }
            case SCAN_TYPE_MTA_STS_POLICY: /* body, then Content-Type (scanner/dns/fetch.h) */
            case SCAN_TYPE_TXT:
                rr[n].type = SCAN_TYPE_TXT;
                rr[n].txt = (const uint8_t *)d;
                rr[n].txt_len = strlen(d);
                rr[n].nstrings = 1;
                break;
            default:
                rr[n].target = d;
                break;
            }
        }
        /* A fetch failure carries its message as a record (scanner/dns/fetch.h). */
        bool fetch_err = type == SCAN_TYPE_MTA_STS_POLICY && z->status != SCAN_DNS_OK;
        enum scan_dns_status st = n > 0 && !fetch_err ? SCAN_DNS_OK : z->status;
        if (st == SCAN_DNS_OK && n == 0)
            st = SCAN_DNS_NODATA;
        struct scan_answer *a =
            n > 0 ? scan_answer_build(st, type, rr, n) : scan_answer_new_status(st, type);
        cr_assert_not_null(a);
        if (type == SCAN_TYPE_MTA_STS_POLICY)
            a->rcode = z->rcode;
        if (z->canon) {
            /* Static storage: scan_answer_free() releases the answer's own block only. */
            a->canon = z->canon;
            a->ncname = z->ncname ? z->ncname : 1;
        }
        return a;
    }
    return scan_answer_new_status(SCAN_DNS_NXDOMAIN, type);
}

typedef scan_check_fn *rz_check_fn;

/* scan_view_answer_fn for rz_drive(): the zone's answer, and no question twice. */
static inline struct scan_answer *rz_answer_once(void *zone, const char *name, uint16_t type,
                                                 unsigned flags)
{
    (void)flags;
    for (size_t k = 0; k < rz_nasked; k++)
        cr_assert(rz_asked_type[k] != type || strcasecmp(rz_asked_name[k], name) != 0,
                  "asked twice: %s/%u", name, type);
    if (rz_nasked < 256) {
        snprintf(rz_asked_name[rz_nasked], sizeof(rz_asked_name[0]), "%s", name);
        rz_asked_type[rz_nasked++] = type;
    }
    return rz_answer((const struct rz_rec *)zone, name, type);
}

/*
 * The engine's part, synchronously (scan_view_drive(), which checks the replay
 * contract: -EAGAIN leaves the report NULL and records at least one question).
 * Asserts too that no question is asked twice and the check finishes in a few
 * rounds with a report.
 */
static inline struct scan_report *rz_drive(const struct rz_rec *zone, rz_check_fn fn,
                                           const void *arg)
{
    struct scan_view *v = scan_view_new();
    struct scan_check_call call = {fn, arg};
    struct scan_view_driver d = {scan_check_call_run, &call, rz_answer_once, (void *)zone, 10};
    void *out = NULL;
    cr_assert_not_null(v);
    rz_nasked = 0;
    int ret = scan_view_drive(v, &d, &out);
    cr_assert_eq(ret, 0,
                 "check returned %d (-EPROTO: replay contract broken; -ELOOP: not "
                 "finished in 10 rounds)",
                 ret);
    scan_view_free(v);
    struct scan_report *r = out;
    cr_assert_not_null(r);
    cr_assert_not_null(scan_report_result(r));
    return r;
}

/** @return whether the last drive asked (name, type). */
static inline bool rz_was_asked(const char *name, uint16_t type)
{
    for (size_t k = 0; k < rz_nasked; k++)
        if (rz_asked_type[k] == type && strcasecmp(rz_asked_name[k], name) == 0)
            return true;
    return false;
}

static inline const struct scan_field *rz_field_in(const struct scan_fields *fs, const char *name)
{
    for (size_t i = 0; i < fs->n; i++)
        if (strcmp(fs->f[i].name, name) == 0)
            return &fs->f[i];
    return NULL;
}

static inline const struct scan_field *rz_field(struct scan_report *r, const char *name)
{
    return rz_field_in(&scan_report_result(r)->extra, name);
}

/** @return the string field @p name of @p fs ("(absent)" when missing, NULL for null). */
static inline const char *rz_str_in(const struct scan_fields *fs, const char *name)
{
    const struct scan_field *f = rz_field_in(fs, name);
    if (!f)
        return "(absent)";
    cr_assert_eq(f->type, SCAN_F_STR, "field %s is not a string", name);
    return f->str;
}

static inline const char *rz_str(struct scan_report *r, const char *name)
{
    return rz_str_in(&scan_report_result(r)->extra, name);
}

/** @return the number of strings in array field @p name (0 when absent). */
static inline size_t rz_strv_n(const struct scan_fields *fs, const char *name)
{
    const struct scan_field *f = rz_field_in(fs, name);
    if (!f)
        return 0;
    cr_assert_eq(f->type, SCAN_F_STRV, "field %s is not a string array", name);
    return f->n;
}

static inline const char *rz_strv_at(const struct scan_fields *fs, const char *name, size_t i)
{
    const struct scan_field *f = rz_field_in(fs, name);
    cr_assert_not_null(f, "no field %s", name);
    cr_assert_lt(i, f->n);
    return f->strv[i];
}

/** @return whether some string of array @p name contains @p needle. */
static inline bool rz_strv_has(const struct scan_fields *fs, const char *name, const char *needle)
{
    const struct scan_field *f = rz_field_in(fs, name);
    if (!f)
        return false;
    for (size_t i = 0; i < f->n; i++)
        if (strstr(f->strv[i], needle))
            return true;
    return false;
}

/** @return whether the "problems" array of @p fs has an entry of @p severity ("error",
 *  "warning") whose message contains @p needle. */
static inline bool rz_problem_in(const struct scan_fields *fs, const char *severity,
                                 const char *needle)
{
    const struct scan_field *f = rz_field_in(fs, "problems");
    if (!f)
        return false;
    cr_assert_eq(f->type, SCAN_F_OBJV, "problems is not an array of objects");
    for (size_t i = 0; i < f->n; i++) {
        const char *sev = rz_str_in(&f->objv[i], "severity");
        const char *msg = rz_str_in(&f->objv[i], "message");
        if (sev && msg && strcmp(sev, severity) == 0 && strstr(msg, needle))
            return true;
    }
    return false;
}

static inline bool rz_problem(struct scan_report *r, const char *severity, const char *needle)
{
    return rz_problem_in(&scan_report_result(r)->extra, severity, needle);
}

static inline const char *rz_status(struct scan_report *r)
{
    return scan_report_result(r)->status;
}

static inline const char *rz_reason(struct scan_report *r)
{
    const char *s = scan_report_result(r)->reason;
    return s ? s : "(null)";
}

#endif
