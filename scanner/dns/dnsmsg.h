/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Parsed DNS answers: the one shape every check reads.
 *
 * The resolver core hands raw reply bytes to scan_answer_parse(), which
 * decodes the records of the asked type (after any CNAME chain) into a
 * single heap block. Nothing here does I/O; the parser treats the reply as
 * untrusted (bounds-checked, compression loops refused).
 *
 * Names are stored lower-case, without the trailing dot ("mx.example.test";
 * the root is ""). TXT data is the character-strings joined with no
 * separator (RFC 7208 section 3.3); it may contain any byte, including NUL,
 * so always use txt_len.
 *
 * Usage:
 * @code
 *   struct scan_answer *a = NULL;
 *   int ret = scan_answer_parse(buf, len, SCAN_TYPE_A, &a);
 *   if (ret == 0 && a->status == SCAN_DNS_OK)
 *       for (size_t i = 0; i < a->n; i++) use(a->rr[i].a4);
 *   scan_answer_free(a);
 * @endcode
 */
#ifndef SCANNER_DNSMSG_H
#define SCANNER_DNSMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/result.h"

enum scan_rrtype {
    SCAN_TYPE_A = 1,
    SCAN_TYPE_NS = 2,
    SCAN_TYPE_CNAME = 5,
    SCAN_TYPE_SOA = 6,
    SCAN_TYPE_PTR = 12,
    SCAN_TYPE_MX = 15,
    SCAN_TYPE_TXT = 16,
    SCAN_TYPE_AAAA = 28,
    SCAN_TYPE_OPT = 41,
    SCAN_TYPE_DS = 43,
    SCAN_TYPE_RRSIG = 46,
    SCAN_TYPE_NSEC = 47,
    SCAN_TYPE_DNSKEY = 48,
    SCAN_TYPE_NSEC3 = 50,
    /** Not a DNS type (from the private-use range, RFC 6895): the MTA-STS policy of
     *  the host named by the question, fetched over HTTPS by the engine
     *  (scanner/dns/fetch.h describes the answer's shape). */
    SCAN_TYPE_MTA_STS_POLICY = 65280,
};

/** How a question is asked (the resolver, the view and the engine's cache keep
 *  questions with different flags apart). */
enum scan_qflag {
    /** EDNS0 with the DO bit (RFC 4035 section 3.2.1) and the CD bit set: the reply
     *  carries RRSIG, NSEC and NSEC3 records, a validating resolver hands over data it
     *  would call bogus (the program validates by itself), and the answer keeps the
     *  reply's bytes (scan_answer::raw). Only the DNSSEC check asks this way. */
    SCAN_Q_DNSSEC = 1 << 0,
};

/** What a lookup came to. Only SCAN_DNS_OK has records. */
enum scan_dns_status {
    SCAN_DNS_OK = 0,    /**< NOERROR with at least one record of the asked type */
    SCAN_DNS_NODATA,    /**< NOERROR, name exists, no record of the asked type */
    SCAN_DNS_NXDOMAIN,  /**< the name does not exist */
    SCAN_DNS_TIMEOUT,   /**< no answer within the tries */
    SCAN_DNS_SERVFAIL,  /**< SERVFAIL (also: every server failed) */
    SCAN_DNS_REFUSED,   /**< REFUSED */
    SCAN_DNS_BADRESP,   /**< malformed or unusable reply (garbage, FORMERR, NOTIMP) */
    SCAN_DNS_CNAMELOOP, /**< the CNAME chain loops or is too long */
};

/** @return a stable lower-case word for @p s: "ok", "nodata", "nxdomain", "timeout",
 *  "servfail", "refused", "bad-response", "cname-loop". Never NULL. */
const char *scan_dns_status_word(enum scan_dns_status s);

/** @return whether @p s is a failed lookup that says nothing about the data:
 *  timeout, SERVFAIL, REFUSED, a bad response or a CNAME loop. */
bool scan_dns_failed(enum scan_dns_status s);

/** @return whether @p s is a failure that asking again later may cure: a failed
 *  lookup (scan_dns_failed()) other than a CNAME loop, which is the zone's own
 *  error and lasts. */
bool scan_dns_temp_failed(enum scan_dns_status s);

/** @return the reason word of a failed lookup, the same for every check: timeout,
 *  servfail, refused, invalid-answer (BADRESP), cname-loop; SCAN_R_NONE for OK,
 *  NODATA and NXDOMAIN. (Defined in scanner/core/vocab.c.) */
enum scan_reason scan_reason_of_dns(enum scan_dns_status s);

/** One record of the asked type. Pointers point into the same heap block. */
struct scan_rr {
    uint16_t type;
    uint32_t ttl;
    const char *owner; /**< owner name (the end of any CNAME chain) */
    union {
        uint8_t a4[4];  /**< A, network order */
        uint8_t a6[16]; /**< AAAA */
        struct {
            const uint8_t *txt; /**< TXT: strings joined, NUL-terminated for convenience */
            size_t txt_len;     /**< bytes in txt, not counting the terminator */
            size_t nstrings;    /**< number of character-strings in the record */
        };
        struct {
            uint16_t pref;      /**< MX preference */
            const char *target; /**< MX exchange, PTR, CNAME or NS target name */
        };
        struct {
            const char *mname, *rname; /**< primary server, mailbox (as a name) */
            uint32_t serial, refresh, retry, expire, minimum;
        } soa; /**< SOA (RFC 1035 section 3.3.13) */
    };
};

/** The most answer records a reply may carry (larger is garbage for our purposes). */
#define SCAN_ANSWER_MAX_RRS 512

/** A decoded answer. Caller frees with scan_answer_free(). */
struct scan_answer {
    enum scan_dns_status status;
    uint16_t qtype;
    int rcode; /**< DNS rcode, or -1 when no reply was received */
    size_t n;  /**< records of qtype in rr[] (0 unless status is OK) */
    struct scan_rr *rr;
    size_t ncname;     /**< CNAMEs followed inside the reply */
    const char *canon; /**< the name the records belong to (after CNAMEs), or NULL */
    /* What a strict reader (the DNSBL verdict) needs beyond the records kept: */
    size_t nstray; /**< answer-section records that are neither the CNAME chain nor of the
                        asked type at its end: another name, class or type (RRSIG and DNAME
                        are not counted) */
    int tc;        /**< 1 when the reply had the TC (truncated) bit set */
    /* Questions asked with SCAN_Q_DNSSEC only (else NULL / 0): */
    const uint8_t *raw; /**< the reply as received, for a validator to decode whole */
    size_t raw_len;
};

/**
 * Decode a DNS reply.
 * @param[in] buf   reply bytes (borrowed, only read during the call); may be NULL with len 0
 * @param[in] len   reply length
 * @param[in] qtype the type that was asked; records of other types are skipped
 *                  (CNAMEs are followed from the question name)
 * @param[out] out  the answer on success (caller frees with scan_answer_free()), NULL on error
 * An answer section of more than SCAN_ANSWER_MAX_RRS records is SCAN_DNS_BADRESP.
 * @return 0 (the reply may still be SCAN_DNS_BADRESP: a garbage reply is an answer too),
 *         -ENOMEM.
 */
int scan_answer_parse(const uint8_t *buf, size_t len, uint16_t qtype, struct scan_answer **out);

/**
 * Make a record-less answer with @p status (timeouts, SERVFAIL without a reply...).
 * @return the answer (caller frees with scan_answer_free()), or NULL on ENOMEM.
 */
struct scan_answer *scan_answer_new_status(enum scan_dns_status status, uint16_t qtype);

/**
 * Build an answer from records (test seams and the SPF conformance driver).
 * @param[in] status  normally SCAN_DNS_OK when n > 0
 * @param[in] rr      n records; their strings are copied (borrowed during the call)
 * @return the answer (caller frees with scan_answer_free()), or NULL on ENOMEM.
 */
struct scan_answer *scan_answer_build(enum scan_dns_status status, uint16_t qtype,
                                      const struct scan_rr *rr, size_t n);

/**
 * Encode a query (one question, class IN, RD set, ID 0) for the name @p name in
 * the presentation form this module produces: labels separated by '.', and
 * inside a label "\DDD" (a decimal byte) or "\X" (the byte X, e.g. "\." for a
 * dot inside a label). The wire name is exactly the name meant: nothing is
 * re-parsed later (c-ares 1.18's own encoder mangles "\DDD").
 * @param[out] out  the query bytes; @p len receives their count
 * @return 0; -EINVAL for an empty label, a bad escape, a label over 63 bytes or a
 *         name over 255 wire bytes; -ENOSPC when @p cap is too small.
 */
int scan_query_encode(const char *name, uint16_t type, uint8_t *out, size_t cap, size_t *len);

/**
 * Append an EDNS0 OPT record (UDP payload SCAN_EDNS_UDP_SIZE) to a query made by
 * scan_query_encode(), for the flags of enum scan_qflag: SCAN_Q_DNSSEC sets DO in
 * the OPT record and CD in the header. No flag: nothing is changed.
 * @param[in,out] msg  the query, @p *len bytes, in a buffer of @p cap bytes
 * @return 0; -ENOSPC when the buffer is too small; -EINVAL for a message that is
 *         not one question without additional records.
 */
int scan_query_add_edns(uint8_t *msg, size_t cap, size_t *len, unsigned flags);

/** The UDP payload size advertised in EDNS0 (the DNS flag day 2020 value, which
 *  avoids IP fragmentation; larger replies come over TCP). */
#define SCAN_EDNS_UDP_SIZE 1232

/**
 * Keep a copy of the reply's bytes in @p a (scan_answer::raw).
 * @param[in] buf  @p len bytes, copied
 * @return 0 or -ENOMEM (then @p a is unchanged).
 */
int scan_answer_set_raw(struct scan_answer *a, const uint8_t *buf, size_t len);

/** Free an answer; NULL is a no-op. */
void scan_answer_free(struct scan_answer *a);

/** Deep copy. @return the copy (caller frees with scan_answer_free()), or NULL on ENOMEM. */
struct scan_answer *scan_answer_dup(const struct scan_answer *a);

#endif
