/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one vocabulary of results (see result.h): check names, status words,
 * reason words, and the outcome each status means. Every writer, the store,
 * the deltas, the alerts and the exit-code policy read these tables; nothing
 * else in the program spells a status or reason word.
 */
#include "scanner/result.h"

#include <errno.h>
#include <string.h>

#include "scanner/dnsmsg.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check names, in bit order. */
static const struct {
    const char *name;
    unsigned bit;
} check_names[] = {{"dnsbl", SCAN_CHECK_DNSBL}, {"fcrdns", SCAN_CHECK_FCRDNS},
                   {"spf", SCAN_CHECK_SPF},     {"spf-auth", SCAN_CHECK_SPF_AUTH},
                   {"dmarc", SCAN_CHECK_DMARC}, {"mx", SCAN_CHECK_MX}};

unsigned scan_check_from_name(const char *name)
{
    for (size_t i = 0; name && i < COUNT(check_names); i++)
        if (strcmp(name, check_names[i].name) == 0)
            return check_names[i].bit;
    return 0;
}

const char *scan_check_name(unsigned bit)
{
    for (size_t i = 0; i < COUNT(check_names); i++)
        if (check_names[i].bit == bit)
            return check_names[i].name;
    return NULL;
}

/* Status words and what each means. A listed DNSBL result's outcome also
 * depends on its class (listing or informational): see scan_result_set(). */
static const struct {
    const char *word;
    enum scan_outcome outcome;
} statuses[SCAN_ST_COUNT] = {
    [SCAN_ST_CLEAN] = {"clean", SCAN_OUT_OK},
    [SCAN_ST_LISTED] = {"listed", SCAN_OUT_LISTED},
    [SCAN_ST_ERROR] = {"error", SCAN_OUT_ERROR},
    [SCAN_ST_PASS] = {"pass", SCAN_OUT_OK},
    [SCAN_ST_FAIL] = {"fail", SCAN_OUT_PROBLEM},
    [SCAN_ST_SOFTFAIL] = {"softfail", SCAN_OUT_PROBLEM},
    [SCAN_ST_NEUTRAL] = {"neutral", SCAN_OUT_PROBLEM},
    [SCAN_ST_NONE] = {"none", SCAN_OUT_PROBLEM},
    [SCAN_ST_PERMERROR] = {"permerror", SCAN_OUT_PROBLEM},
    [SCAN_ST_TEMPERROR] = {"temperror", SCAN_OUT_ERROR},
    [SCAN_ST_VALID] = {"valid", SCAN_OUT_OK},
    [SCAN_ST_INVALID] = {"invalid", SCAN_OUT_PROBLEM},
    [SCAN_ST_NULL] = {"null", SCAN_OUT_PROBLEM},
};

const char *scan_status_word(enum scan_status s)
{
    return (unsigned)s < SCAN_ST_COUNT ? statuses[s].word : "error";
}

int scan_status_from_word(const char *word, enum scan_status *out)
{
    for (unsigned i = 0; word && i < SCAN_ST_COUNT; i++)
        if (strcmp(word, statuses[i].word) == 0) {
            *out = (enum scan_status)i;
            return 0;
        }
    return -EINVAL;
}

const char *scan_outcome_word(enum scan_outcome o)
{
    switch (o) {
    case SCAN_OUT_OK:
        return "ok";
    case SCAN_OUT_LISTED:
        return "listed";
    case SCAN_OUT_INFO:
        return "informational";
    case SCAN_OUT_PROBLEM:
        return "problem";
    case SCAN_OUT_ERROR:
        break;
    }
    return "error";
}

/* Reason words. The README's reason table lists exactly these words. */
static const char *const reasons[SCAN_R_COUNT] = {
    [SCAN_R_NONE] = NULL,
    [SCAN_R_TIMEOUT] = "timeout",
    [SCAN_R_SERVFAIL] = "servfail",
    [SCAN_R_REFUSED] = "refused",
    [SCAN_R_INVALID_ANSWER] = "invalid-answer",
    [SCAN_R_CNAME_LOOP] = "cname-loop",
    [SCAN_R_BLOCKED] = "blocked",
    [SCAN_R_UNHEALTHY] = "unhealthy",
    [SCAN_R_INTERNAL] = "internal",
};

const char *scan_reason_word(enum scan_reason r)
{
    return (unsigned)r < SCAN_R_COUNT ? reasons[r] : NULL;
}

int scan_reason_from_word(const char *word, enum scan_reason *out)
{
    for (unsigned i = 1; word && i < SCAN_R_COUNT; i++)
        if (reasons[i] && strcmp(word, reasons[i]) == 0) {
            *out = (enum scan_reason)i;
            return 0;
        }
    return -EINVAL;
}

enum scan_reason scan_reason_of_dns(enum scan_dns_status s)
{
    switch (s) {
    case SCAN_DNS_SERVFAIL:
        return SCAN_R_SERVFAIL;
    case SCAN_DNS_REFUSED:
        return SCAN_R_REFUSED;
    case SCAN_DNS_BADRESP:
        return SCAN_R_INVALID_ANSWER;
    case SCAN_DNS_CNAMELOOP:
        return SCAN_R_CNAME_LOOP;
    case SCAN_DNS_OK:
    case SCAN_DNS_NODATA:
    case SCAN_DNS_NXDOMAIN:
        return SCAN_R_NONE;
    case SCAN_DNS_TIMEOUT:
        break;
    }
    return SCAN_R_TIMEOUT;
}

void scan_result_set(struct scan_result *r, enum scan_check kind, enum scan_status st,
                     enum scan_reason why)
{
    r->kind = kind;
    r->st = st;
    r->why = why;
    r->check = scan_check_name(kind);
    r->status = scan_status_word(st);
    r->reason = scan_reason_word(why);
    r->outcome = (unsigned)st < SCAN_ST_COUNT ? statuses[st].outcome : SCAN_OUT_ERROR;
    if (st == SCAN_ST_LISTED && r->klass == SCAN_CLASS_INFO)
        r->outcome = SCAN_OUT_INFO;
}
