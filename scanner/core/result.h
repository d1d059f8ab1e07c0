/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Result records: what a check concludes about one target, handed to the
 * writers (output/) and the state store. Plain structs (STYLE rule 4): the
 * producer fills them, consumers only read them, and everything a record
 * points to is borrowed for the duration of the call it is passed to.
 *
 * Every check shares the head (target, check, list, status, reason). DNSBL
 * results use the dnsbl part; other checks describe themselves with a list of
 * named fields, which the writers render generically (JSON members, CSV
 * "details" column, indented text lines).
 */
#ifndef SCANNER_RESULT_H
#define SCANNER_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scan_field_type {
    SCAN_F_STR,  /**< .str (NULL renders as JSON null) */
    SCAN_F_INT,  /**< .i */
    SCAN_F_BOOL, /**< .b */
    SCAN_F_STRV, /**< .strv with .n entries: an array of strings */
    SCAN_F_OBJV, /**< .objv with .n entries: an array of objects */
};

struct scan_fields;

/** One named value of a result. */
struct scan_field {
    const char *name;
    enum scan_field_type type;
    size_t n; /**< entries in strv / objv */
    union {
        const char *str;
        int64_t i;
        bool b;
        const char *const *strv;
        const struct scan_fields *objv;
    };
};

/** An ordered set of fields (one JSON object). */
struct scan_fields {
    size_t n;
    const struct scan_field *f;
};

/** The checks, as bits: a set of checks is an unsigned. The one table of their
 *  names is in scanner/core/vocab.c. */
enum scan_check {
    SCAN_CHECK_DNSBL = 1 << 0,
    SCAN_CHECK_FCRDNS = 1 << 1,
    SCAN_CHECK_SPF = 1 << 2,
    SCAN_CHECK_SPF_AUTH = 1 << 3,
    SCAN_CHECK_DMARC = 1 << 4,
    SCAN_CHECK_MX = 1 << 5,
    SCAN_CHECK_DKIM = 1 << 6,
    SCAN_CHECK_MTA_STS = 1 << 7,
    SCAN_CHECK_TLS_RPT = 1 << 8,
    SCAN_CHECK_BIMI = 1 << 9,
    SCAN_CHECK_NS = 1 << 10,
    SCAN_CHECK_DNSSEC = 1 << 11, /**< domains: the chain of trust, validated by the program */
    SCAN_CHECK_ORIGIN = 1 << 12, /**< IPs: ASN, prefix, country, registry (Team Cymru) */
    /** Every check --checks can name ("all"). A set of bits, not a range: walk it
     *  bit by bit (scan_check_name() is NULL for a bit that is not a check). */
    SCAN_CHECK_ALL = SCAN_CHECK_DNSBL | SCAN_CHECK_FCRDNS | SCAN_CHECK_SPF | SCAN_CHECK_SPF_AUTH |
                     SCAN_CHECK_DMARC | SCAN_CHECK_MX | SCAN_CHECK_DKIM | SCAN_CHECK_MTA_STS |
                     SCAN_CHECK_TLS_RPT | SCAN_CHECK_BIMI | SCAN_CHECK_NS | SCAN_CHECK_DNSSEC |
                     SCAN_CHECK_ORIGIN,
    /** Not a --checks word: the `expand` line of a domain under --expand (what its MX,
     *  SPF and A records name), chosen with --expand. */
    SCAN_CHECK_EXPAND = 1 << 13,
};

/** @return the check bit for a name ("dnsbl", "fcrdns", "spf", "spf-auth", "dmarc", "mx",
 *  "dkim", "mta-sts", "tls-rpt", "bimi", "ns", "dnssec", "origin", "expand"), or 0 when
 *  unknown. */
unsigned scan_check_from_name(const char *name);

/** @return the name of one check bit ("dnsbl", ...), or NULL for anything else. */
const char *scan_check_name(unsigned bit);

/**
 * What a result means, whatever its check: the one classification that every
 * consumer (stats, exit code, colours, summary buckets, store, alerts, deltas)
 * switches on. Producers never set it by hand: scan_result_set() derives it
 * from the status (and, for DNSBL listings, the class).
 */
enum scan_outcome {
    SCAN_OUT_OK,      /**< a verdict with nothing to act on: clean (also allow), pass, valid */
    SCAN_OUT_LISTED,  /**< DNSBL: listed with class listing */
    SCAN_OUT_INFO,    /**< DNSBL: listed with class informational */
    SCAN_OUT_PROBLEM, /**< record check: a certain problem (fail, invalid, none, ...) */
    SCAN_OUT_ERROR,   /**< no verdict: DNS failure, unhealthy or blocked list, temperror */
};

/** @return "ok", "listed", "informational", "problem", "error". Never NULL. */
const char *scan_outcome_word(enum scan_outcome o);

/** Every status word the program emits. */
enum scan_status {
    SCAN_ST_CLEAN,     /**< dnsbl */
    SCAN_ST_LISTED,    /**< dnsbl */
    SCAN_ST_ERROR,     /**< any check: no verdict */
    SCAN_ST_PASS,      /**< fcrdns, spf-auth */
    SCAN_ST_FAIL,      /**< fcrdns, spf-auth */
    SCAN_ST_SOFTFAIL,  /**< spf-auth */
    SCAN_ST_NEUTRAL,   /**< spf-auth */
    SCAN_ST_NONE,      /**< spf-auth, spf, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns */
    SCAN_ST_PERMERROR, /**< spf-auth */
    SCAN_ST_TEMPERROR, /**< spf-auth: a DNS failure, so an error outcome */
    SCAN_ST_VALID,     /**< spf, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns */
    SCAN_ST_INVALID,   /**< spf, dmarc, mx, dkim, mta-sts, tls-rpt, bimi, ns */
    SCAN_ST_NULL,      /**< mx: RFC 7505 null MX */
    SCAN_ST_REVOKED,   /**< dkim: an empty p= (RFC 6376 section 3.6.1): the key is revoked */
    SCAN_ST_SECURE,    /**< dnssec: the chain validates from a trust anchor to the zone */
    SCAN_ST_INSECURE,  /**< dnssec: a delegation on the way has no DS (proven), so nothing
                            below it is covered */
    SCAN_ST_BOGUS,     /**< dnssec: the chain or the zone's data fails validation */
    SCAN_ST_COUNT
};

/** @return the status word ("clean", "listed", "error", "pass", ...). Never NULL. */
const char *scan_status_word(enum scan_status s);

/** @return 0 and the status of @p word, or -EINVAL for a word that is not one. */
int scan_status_from_word(const char *word, enum scan_status *out);

/**
 * Every reason word the program emits (JSON "reason", the store, deltas). The
 * table in scanner/core/vocab.c holds each word once with a one-line meaning
 * (scan_reason_meaning()); the README's reason table is compared with it by a
 * test (tests/unit/test_vocab.c).
 */
enum scan_reason {
    SCAN_R_NONE = 0, /**< no reason (verdicts that need none) */
    /* A DNS failure: the same word for every check (scan_reason_of_dns()). */
    SCAN_R_TIMEOUT,        /**< no answer within the tries */
    SCAN_R_SERVFAIL,       /**< the resolver answered SERVFAIL */
    SCAN_R_REFUSED,        /**< the resolver answered REFUSED */
    SCAN_R_INVALID_ANSWER, /**< garbage, or an answer that is neither a listing nor a proper
                                negative (other name, class or type; outside 127/8; ...) */
    SCAN_R_CNAME_LOOP,     /**< the CNAME chain loops or is too long (mx: of an exchange) */
    /* DNSBL list state. */
    SCAN_R_BLOCKED,   /**< the list refuses this resolver (a refusal code) */
    SCAN_R_UNHEALTHY, /**< the list's health for this kind is not established */
    SCAN_R_INTERNAL,  /**< a bug: the check could not finish */
    /* A name that does not exist. */
    SCAN_R_NXDOMAIN, /**< spf (none), mx (invalid): the domain does not exist */
    /* FCrDNS (fail). */
    SCAN_R_NO_PTR,               /**< the address has no PTR name */
    SCAN_R_PTR_DOES_NOT_RESOLVE, /**< no PTR name has an address of the target's family */
    SCAN_R_MISMATCH,             /**< PTR names have addresses, none is the target */
    /* SPF (invalid) and SPF authorization (permerror). */
    SCAN_R_MULTIPLE_RECORDS,      /**< spf, spf-auth, dmarc: more than one record where one
                                       belongs */
    SCAN_R_SYNTAX,                /**< a record on the path has a syntax error */
    SCAN_R_LOOP,                  /**< include/redirect leads back to a record on the path */
    SCAN_R_INCLUDE_NONE,          /**< an include target has no SPF record */
    SCAN_R_REDIRECT_NONE,         /**< the redirect target has no SPF record */
    SCAN_R_TOO_MANY_LOOKUPS,      /**< more than 10 DNS-querying terms */
    SCAN_R_TOO_MANY_VOID_LOOKUPS, /**< more than 2 lookups that found nothing */
    SCAN_R_TOO_MANY_MX,           /**< an mx term names more than 10 MX hosts */
    /* DMARC (invalid). */
    SCAN_R_VERSION_NOT_FIRST,            /**< v=DMARC1 is not the first tag */
    SCAN_R_INVALID_VERSION,              /**< v is not DMARC1 */
    SCAN_R_MALFORMED_TAG,                /**< a segment is not tag=value, or a bad tag name */
    SCAN_R_DUPLICATE_TAG,                /**< a tag appears twice */
    SCAN_R_MISSING_POLICY,               /**< no p tag */
    SCAN_R_INVALID_VALUE,                /**< a known tag has a value it may not have */
    SCAN_R_BAD_REPORT_URI,               /**< a rua/ruf URI is not a usable mailto: */
    SCAN_R_BAD_CHARACTERS,               /**< control or non-ASCII bytes in the record */
    SCAN_R_UNAUTHORIZED_EXTERNAL_REPORT, /**< an external report domain has not authorized
                                              the reports */
    /* MX (invalid, none). */
    SCAN_R_NULL_MX_MIXED, /**< a null MX next to other MX records */
    SCAN_R_IP_LITERAL,    /**< an exchange is an IP address, not a host name */
    SCAN_R_BAD_NAME,      /**< an exchange cannot be looked up (empty label, too long) */
    SCAN_R_CNAME,         /**< an exchange is an alias (CNAME) */
    SCAN_R_UNRESOLVABLE,  /**< an exchange has no A or AAAA record */
    SCAN_R_NO_ADDRESS,    /**< none: no MX, and the domain has no address either */
    /* Tag=value records (DKIM, MTA-STS, TLS-RPT, BIMI; invalid). */
    SCAN_R_MISSING_TAG, /**< a tag the record requires is absent */
    /* DKIM (invalid). */
    SCAN_R_WEAK_KEY,         /**< RSA key under 1024 bits (RFC 8301) */
    SCAN_R_BAD_KEY,          /**< p= does not decode to a key of its type */
    SCAN_R_UNKNOWN_KEY_TYPE, /**< k= is neither rsa nor ed25519 */
    SCAN_R_WEAK_HASH,        /**< h= allows SHA-1 only (RFC 8301) */
    SCAN_R_NOT_FOR_EMAIL,    /**< s= excludes email */
    /* MTA-STS (invalid; fetch-failed is an error). */
    SCAN_R_NO_POLICY_HOST,     /**< mta-sts.DOMAIN has no address */
    SCAN_R_POLICY_HTTP_STATUS, /**< the policy URL did not answer 200 */
    SCAN_R_POLICY_CERTIFICATE, /**< the policy host's certificate does not validate */
    SCAN_R_POLICY_TOO_LARGE,   /**< the policy body is over the size limit */
    SCAN_R_POLICY_SYNTAX,      /**< the policy body breaks RFC 8461 section 3.2 */
    SCAN_R_MX_NOT_COVERED,     /**< an MX host matches no mx pattern of the policy */
    SCAN_R_FETCH_FAILED,       /**< error: the policy could not be fetched */
    /* BIMI (invalid). */
    SCAN_R_BAD_URI,            /**< l= or a= is not an https: URI */
    SCAN_R_DMARC_NOT_ENFORCED, /**< DMARC is not at enforcement */
    /* NS (invalid). */
    SCAN_R_TOO_FEW_NS, /**< fewer than two NS names */
    SCAN_R_NO_SOA,     /**< the zone has no SOA record */
    /* DNSSEC: insecure. */
    SCAN_R_NO_DS,                 /**< a delegation on the way has no DS (proven absent) */
    SCAN_R_NO_ANCHOR,             /**< no trust anchor covers the zone */
    SCAN_R_UNSUPPORTED_ALGORITHM, /**< only algorithms or digests the program cannot check */
    /* DNSSEC: bogus. */
    SCAN_R_ANCHOR_MISMATCH,   /**< the trust anchor matches or signs no key of its zone */
    SCAN_R_BAD_SIGNATURE,     /**< an RRSIG does not verify */
    SCAN_R_EXPIRED_SIGNATURE, /**< the RRSIGs are outside their validity period */
    SCAN_R_NO_SIGNATURE,      /**< an RRset of a signed zone has no RRSIG */
    SCAN_R_DS_MISMATCH,       /**< no DNSKEY matches the parent's DS */
    SCAN_R_NO_DNSKEY,         /**< a DS at the parent, no DNSKEY in the zone */
    SCAN_R_BAD_DENIAL,        /**< the proof that there is no DS is missing or wrong */
    /* origin: none. */
    SCAN_R_NOT_ANNOUNCED, /**< no BGP prefix covers the address */
    SCAN_R_COUNT
};

/** @return the reason word ("timeout", "blocked", ...), or NULL for SCAN_R_NONE. */
const char *scan_reason_word(enum scan_reason r);

/** @return the one-line meaning of a reason (static text), or NULL for SCAN_R_NONE. */
const char *scan_reason_meaning(enum scan_reason r);

/** @return 0 and the reason of @p word, or -EINVAL for a word that is not one. */
int scan_reason_from_word(const char *word, enum scan_reason *out);

/** The class of a DNSBL answer, from the catalog. */
enum scan_class {
    SCAN_CLASS_NONE = 0, /**< no class: clean NXDOMAIN, or an error */
    SCAN_CLASS_LISTING,  /**< a real listing: actionable */
    SCAN_CLASS_INFO,     /**< informational listing (UCEPROTECT 2/3, reputation) */
    SCAN_CLASS_ALLOW,    /**< allowlist / good reputation: reported as clean */
};

/** @return "listing", "informational", "allow" or NULL for SCAN_CLASS_NONE. */
const char *scan_class_word(enum scan_class c);

struct scan_result {
    const char
        *target; /**< the target as canonical text: "192.0.2.1", "2001:db8::1", "example.test" */
    /* The typed head, set with scan_result_set(); the words below come from it. */
    enum scan_check kind;
    enum scan_status st;
    enum scan_reason why;
    enum scan_outcome outcome;
    const char *check;   /**< scan_check_name() of kind: "dnsbl", "fcrdns", "spf", ... */
    const char *list;    /**< DNSBL: the zone as shown to users (never a key); else NULL */
    const char *list_id; /**< DNSBL: catalog id (a generic list's id is its zone); else NULL */
    bool generic_list;   /**< DNSBL: the list is not in the catalog, a zone used as a generic
                              RFC 5782 list (JSON "catalog": false) */
    const char *status;  /**< status word, e.g. "listed", "clean", "error", "pass", "valid" */
    const char
        *reason; /**< why, for error/fail/invalid (e.g. "timeout", "blocked"); NULL otherwise */
    const char *detail; /**< error: a sentence on what was seen and what to do, or NULL */
    const char *pool;   /**< the label of the job-file pool the target was first named in
                             (scan_target::pool), or NULL */

    /* DNSBL part (check == "dnsbl") */
    enum scan_class klass;
    size_t ncodes;
    const char *const *codes;    /**< ncodes strings, e.g. "127.0.0.2" */
    const char *const *meanings; /**< ncodes strings, parallel to codes */
    const char *txt;             /**< TXT reason (untrusted DNS data), or NULL */
    const char *delist_url;      /**< filled-in delist URL, or NULL */
    const char *matched;         /**< the name found listed when the list is asked for
                                      more than one name (domain_mode both), else NULL */
    const char *scope;           /**< a listing of an IP target: what it covers, "ip",
                                      "range" or "asn" (the catalog's scope of its codes,
                                      the narrowest one); else NULL */

    /* Other checks: extra named fields, in order. */
    struct scan_fields extra;

    /* An IP target found by --expand (every check of it, DNSBL included): how it was
     * found, e.g. "example.test mx mx1.example.test"; nvia 0 for a target given
     * directly (scan_result_has_via() says which lines show the field). */
    const char *const *via;
    size_t nvia;
};

/** @return whether a result's line carries "via": DNSBL results and the checks of IP
 *  targets (fcrdns, spf-auth, origin), the ones an expanded address gets. */
bool scan_result_has_via(const struct scan_result *r);

/**
 * Set the typed head of @p r and the words that show it: check, status, reason
 * and outcome. Set r->klass first: a DNSBL listing's outcome depends on it.
 */
void scan_result_set(struct scan_result *r, enum scan_check kind, enum scan_status st,
                     enum scan_reason why);

/** Health of one (list, kind) in this run: one per kind the run queries, before
 *  the list's results of that kind. */
struct scan_health {
    const char *list; /**< zone as shown (never a key) */
    const char *list_id;
    const char *kind; /**< "ip4", "ip6" or "domain" */
    bool healthy;
    enum scan_reason why; /**< SCAN_R_NONE when healthy; else SCAN_R_BLOCKED, SCAN_R_UNHEALTHY */
    const char *reason;   /**< scan_reason_word(why): NULL when healthy */
    const char *detail;   /**< a sentence: what was seen and what to do; NULL when healthy */
};

#endif
