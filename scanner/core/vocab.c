/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one vocabulary of results (see result.h): check names, status words,
 * reason words, and the outcome each status means. Every writer, the store,
 * the deltas, the alerts and the exit-code policy read these tables; nothing
 * else in the program spells a status or reason word.
 */
#include "scanner/core/result.h"

#include <errno.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Check names, in bit order. */
static const struct {
    const char *name;
    unsigned bit;
} check_names[] = {{"dnsbl", SCAN_CHECK_DNSBL},     {"fcrdns", SCAN_CHECK_FCRDNS},
                   {"spf", SCAN_CHECK_SPF},         {"spf-auth", SCAN_CHECK_SPF_AUTH},
                   {"dmarc", SCAN_CHECK_DMARC},     {"mx", SCAN_CHECK_MX},
                   {"dkim", SCAN_CHECK_DKIM},       {"mta-sts", SCAN_CHECK_MTA_STS},
                   {"tls-rpt", SCAN_CHECK_TLS_RPT}, {"bimi", SCAN_CHECK_BIMI},
                   {"ns", SCAN_CHECK_NS},           {"dnssec", SCAN_CHECK_DNSSEC},
                   {"origin", SCAN_CHECK_ORIGIN},   {"expand", SCAN_CHECK_EXPAND}};

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
    [SCAN_ST_REVOKED] = {"revoked", SCAN_OUT_PROBLEM},
    [SCAN_ST_SECURE] = {"secure", SCAN_OUT_OK},
    /* Certain findings, like an SPF "none": no DNSSEC protects the domain's
     * answers (insecure), or validating resolvers refuse them (bogus). */
    [SCAN_ST_INSECURE] = {"insecure", SCAN_OUT_PROBLEM},
    [SCAN_ST_BOGUS] = {"bogus", SCAN_OUT_PROBLEM},
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

/* Reason words with what each means. The README's reason table lists exactly
 * these words (tests/unit/test_vocab.c compares them). */
static const struct {
    const char *word;
    const char *meaning;
} reasons[SCAN_R_COUNT] = {
    [SCAN_R_NONE] = {NULL, NULL},
    [SCAN_R_TIMEOUT] = {"timeout", "no answer within the timeout and tries"},
    [SCAN_R_SERVFAIL] = {"servfail", "the resolver answered SERVFAIL"},
    [SCAN_R_REFUSED] = {"refused", "the resolver answered REFUSED"},
    [SCAN_R_INVALID_ANSWER] = {"invalid-answer",
                               "a malformed reply, or a DNSBL answer that is neither a listing "
                               "nor a clean answer (e.g. outside 127.0.0.0/8)"},
    [SCAN_R_CNAME_LOOP] = {"cname-loop", "a CNAME chain loops or is too long (mx, ns: a host's "
                                         "chain)"},
    [SCAN_R_BLOCKED] = {"blocked", "the list refuses this resolver (its refusal codes)"},
    [SCAN_R_UNHEALTHY] = {"unhealthy", "the list failed its health check for this kind of target"},
    [SCAN_R_INTERNAL] = {"internal", "the check could not finish (a bug: please report it)"},
    [SCAN_R_NXDOMAIN] = {"nxdomain", "the domain does not exist"},
    [SCAN_R_NO_PTR] = {"no-ptr", "the address has no PTR name"},
    [SCAN_R_PTR_DOES_NOT_RESOLVE] = {"ptr-does-not-resolve",
                                     "no PTR name has an address of the target's family"},
    [SCAN_R_MISMATCH] = {"mismatch", "the PTR names have addresses, but none is the target"},
    [SCAN_R_MULTIPLE_RECORDS] = {"multiple-records",
                                 "more than one SPF, DMARC, DKIM, MTA-STS, TLS-RPT or BIMI record "
                                 "where exactly one belongs"},
    [SCAN_R_SYNTAX] = {"syntax", "an SPF record on the evaluation path has a syntax error"},
    [SCAN_R_LOOP] = {"loop", "an SPF include or redirect leads back to a record on its path"},
    [SCAN_R_INCLUDE_NONE] = {"include-none", "an SPF include names a domain without an SPF record"},
    [SCAN_R_REDIRECT_NONE] = {"redirect-none",
                              "the SPF redirect names a domain without an SPF record"},
    [SCAN_R_TOO_MANY_LOOKUPS] = {"too-many-lookups", "SPF needs more than 10 DNS-querying terms"},
    [SCAN_R_TOO_MANY_VOID_LOOKUPS] =
        {"too-many-void-lookups", "SPF makes more than 2 lookups that find nothing (void lookups)"},
    [SCAN_R_TOO_MANY_MX] = {"too-many-mx", "an SPF mx term names more than 10 MX hosts"},
    [SCAN_R_VERSION_NOT_FIRST] = {"version-not-first",
                                  "the version tag (v=DMARC1, v=DKIM1, v=STSv1, v=TLSRPTv1, "
                                  "v=BIMI1) is not the first tag of the record"},
    [SCAN_R_INVALID_VERSION] = {"invalid-version",
                                "the record's version is not the one its kind requires (DMARC1, "
                                "DKIM1)"},
    [SCAN_R_MALFORMED_TAG] = {"malformed-tag", "a segment of a tag=value record (DMARC, DKIM, "
                                               "MTA-STS, TLS-RPT, BIMI) is not tag=value, or "
                                               "the tag name is invalid"},
    [SCAN_R_DUPLICATE_TAG] = {"duplicate-tag", "a tag appears more than once in a tag=value "
                                               "record"},
    [SCAN_R_MISSING_POLICY] = {"missing-policy", "the DMARC record has no p tag"},
    [SCAN_R_INVALID_VALUE] = {"invalid-value", "a tag of a DMARC, DKIM, MTA-STS, TLS-RPT or "
                                               "BIMI record has a value it may not have"},
    [SCAN_R_BAD_REPORT_URI] = {"bad-report-uri",
                               "a report URI is not usable: DMARC rua/ruf must be mailto:, "
                               "TLS-RPT rua mailto: or https:"},
    [SCAN_R_BAD_CHARACTERS] = {"bad-characters",
                               "the record (DMARC, DKIM, MTA-STS, TLS-RPT, BIMI) holds control or "
                               "non-ASCII bytes"},
    [SCAN_R_UNAUTHORIZED_EXTERNAL_REPORT] = {"unauthorized-external-report",
                                             "an external DMARC report destination has not "
                                             "authorized the reports (RFC 7489 section 7.1)"},
    [SCAN_R_NULL_MX_MIXED] = {"null-mx-mixed", "a null MX (\".\") next to other MX records"},
    [SCAN_R_IP_LITERAL] = {"ip-literal",
                           "an MX exchange or NS name is an IP address, not a host name"},
    [SCAN_R_BAD_NAME] = {"bad-name", "an MX exchange or NS name cannot be looked up (empty label, "
                                     "too long)"},
    [SCAN_R_CNAME] = {"cname",
                      "an MX exchange or NS name is an alias (CNAME), not the host itself"},
    [SCAN_R_UNRESOLVABLE] = {"unresolvable", "an MX exchange or NS name has no A or AAAA record"},
    [SCAN_R_NO_ADDRESS] = {"no-address",
                           "no MX, and the domain has no address either: mail cannot be "
                           "delivered"},
    [SCAN_R_MISSING_TAG] = {"missing-tag", "a record lacks a tag it requires (DKIM p, MTA-STS id, "
                                           "TLS-RPT rua, BIMI l)"},
    [SCAN_R_WEAK_KEY] = {"weak-key", "a DKIM RSA key under 1024 bits (RFC 8301 section 3.2)"},
    [SCAN_R_BAD_KEY] = {"bad-key", "a DKIM p= value that does not decode to a key of its type (RSA "
                                   "SubjectPublicKeyInfo, 32-byte ed25519)"},
    [SCAN_R_UNKNOWN_KEY_TYPE] = {"unknown-key-type",
                                 "a DKIM k= key type other than rsa or ed25519"},
    [SCAN_R_WEAK_HASH] = {"weak-hash",
                          "a DKIM key that allows only SHA-1 (h=sha1), which RFC 8301 forbids"},
    [SCAN_R_NOT_FOR_EMAIL] = {"not-for-email", "a DKIM key whose s= service types exclude email"},
    [SCAN_R_NO_POLICY_HOST] = {"no-policy-host",
                               "the MTA-STS policy host mta-sts.DOMAIN has no address"},
    [SCAN_R_POLICY_HTTP_STATUS] = {"policy-http-status",
                                   "the MTA-STS policy URL did not answer 200 (redirects are "
                                   "not followed, RFC 8461 section 3.3)"},
    [SCAN_R_POLICY_CERTIFICATE] = {"policy-certificate",
                                   "the MTA-STS policy host's certificate does not validate for "
                                   "its name"},
    [SCAN_R_POLICY_TOO_LARGE] = {"policy-too-large", "the MTA-STS policy is larger than 64 KiB"},
    [SCAN_R_POLICY_SYNTAX] = {"policy-syntax", "the MTA-STS policy breaks RFC 8461 section 3.2 "
                                               "(version, mode, max_age, mx)"},
    [SCAN_R_MX_NOT_COVERED] = {"mx-not-covered", "an MX host matches no mx pattern of an enforce "
                                                 "or testing MTA-STS policy"},
    [SCAN_R_FETCH_FAILED] = {"fetch-failed", "the MTA-STS policy could not be fetched over HTTPS "
                                             "(connection refused, reset, TLS handshake)"},
    [SCAN_R_BAD_URI] = {"bad-uri", "a BIMI l= or a= location is not an https: URI"},
    [SCAN_R_DMARC_NOT_ENFORCED] = {"dmarc-not-enforced",
                                   "BIMI needs DMARC at enforcement (p=quarantine or reject, "
                                   "pct=100) on the domain and its organizational domain"},
    [SCAN_R_TOO_FEW_NS] = {"too-few-ns", "fewer than two NS names (RFC 1034 section 4.1)"},
    [SCAN_R_NO_SOA] = {"no-soa", "the zone has no SOA record"},
    [SCAN_R_NO_DS] = {"no-ds", "a delegation on the way to the domain's zone has no DS at its "
                               "parent (proven by NSEC or NSEC3): DNSSEC does not cover it"},
    [SCAN_R_NO_ANCHOR] = {"no-anchor", "no trust anchor covers the domain's zone"},
    [SCAN_R_UNSUPPORTED_ALGORITHM] = {"unsupported-algorithm",
                                      "the DS or DNSKEY records use only algorithms or digests "
                                      "the program cannot check (RFC 4035 section 5.2: insecure)"},
    [SCAN_R_ANCHOR_MISMATCH] = {"anchor-mismatch", "no key of the anchor zone's DNSKEY set "
                                                   "matches the trust anchor and signs the set"},
    [SCAN_R_BAD_SIGNATURE] = {"bad-signature", "an RRSIG does not verify with the zone's keys"},
    [SCAN_R_EXPIRED_SIGNATURE] = {"expired-signature",
                                  "the RRSIGs of an RRset are expired or not yet valid"},
    [SCAN_R_NO_SIGNATURE] = {"no-signature", "an RRset of a signed zone has no RRSIG"},
    [SCAN_R_DS_MISMATCH] = {"ds-mismatch", "no DNSKEY of the zone matches the DS at its parent"},
    [SCAN_R_NO_DNSKEY] = {"no-dnskey", "the parent has a DS for the zone, but the zone has no "
                                       "DNSKEY"},
    [SCAN_R_BAD_DENIAL] = {"bad-denial", "the parent's proof that the zone has no DS (NSEC or "
                                         "NSEC3) is missing, unsigned or does not hold"},
    [SCAN_R_NOT_ANNOUNCED] = {"not-announced", "no announced BGP prefix covers the address "
                                               "(Team Cymru's origin service has no record)"},
};

const char *scan_reason_word(enum scan_reason r)
{
    return (unsigned)r < SCAN_R_COUNT ? reasons[r].word : NULL;
}

const char *scan_reason_meaning(enum scan_reason r)
{
    return (unsigned)r < SCAN_R_COUNT ? reasons[r].meaning : NULL;
}

int scan_reason_from_word(const char *word, enum scan_reason *out)
{
    for (unsigned i = 1; word && i < SCAN_R_COUNT; i++)
        if (reasons[i].word && strcmp(word, reasons[i].word) == 0) {
            *out = (enum scan_reason)i;
            return 0;
        }
    return -EINVAL;
}

bool scan_result_has_via(const struct scan_result *r)
{
    switch (r->kind) {
    case SCAN_CHECK_DNSBL:
    case SCAN_CHECK_FCRDNS:
    case SCAN_CHECK_SPF_AUTH:
    case SCAN_CHECK_ORIGIN:
        return true;
    default:
        return false;
    }
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

const char *scan_class_word(enum scan_class c)
{
    switch (c) {
    case SCAN_CLASS_LISTING:
        return "listing";
    case SCAN_CLASS_INFO:
        return "informational";
    case SCAN_CLASS_ALLOW:
        return "allow";
    case SCAN_CLASS_NONE:
        break;
    }
    return NULL;
}
