/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * What the TXT-record checks share: the tag=value syntax (RFC 6376 section
 * 3.2, used by DKIM keys, DMARC, MTA-STS, TLS-RPT and BIMI records), finding
 * "the one record of its kind" among the TXT records at a name, and the list
 * of problems a check reports. Pure functions, no I/O.
 *
 * Usage:
 * @code
 *   struct scan_problems ps = {0};
 *   struct scan_taglist tl;
 *   if (scan_taglist_parse(&tl, rr->txt, rr->txt_len, false, &ps) != 0) return -ENOMEM;
 *   struct scan_tag *p = scan_taglist_find(&tl, "p", false);
 *   if (!p) scan_problem(&ps, true, SCAN_R_MISSING_TAG, "p", "p= is required");
 *   scan_report_status(r, scan_problems_error(&ps) ? SCAN_ST_INVALID : SCAN_ST_VALID,
 *                      scan_problems_error(&ps));
 *   scan_problems_report(r, &ps, "tag");
 *   scan_taglist_deinit(&tl);
 * @endcode
 */
#ifndef SCANNER_RECORD_H
#define SCANNER_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

#define SCAN_PROBLEMS_MAX 64
#define SCAN_TAGLIST_MAX  64

/** One finding about a record: an error (decides the status) or a warning. */
struct scan_problem {
    bool error;
    enum scan_reason code; /**< errors: the reason it gives the status */
    bool has_tag;
    char tag[32]; /**< lower-case tag or field name, when has_tag */
    char msg[384];
};

/** A check's findings, in the order found. Zero-initialise before use. */
struct scan_problems {
    struct scan_problem pb[SCAN_PROBLEMS_MAX];
    size_t n;
    bool truncated; /**< more were found than fit (an error always gets a slot) */
};

/**
 * Record a finding.
 * @param[in] code  for errors: the reason word of the status; SCAN_R_NONE for warnings
 * @param[in] tag   the tag or field the finding is about, or NULL (copied, lower-cased)
 */
void scan_problem(struct scan_problems *ps, bool error, enum scan_reason code, const char *tag,
                  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/** @return the reason of the first error, or SCAN_R_NONE when there is none. */
enum scan_reason scan_problems_error(const struct scan_problems *ps);

/**
 * Append the array field "problems" to @p r (created even when empty): objects
 * {severity: "error"|"warning", <tag_field>: string|null, message}.
 * @param[in] tag_field  the member name for the tag: "tag" (records), "field" (policies)
 */
void scan_problems_report(struct scan_report *r, const struct scan_problems *ps,
                          const char *tag_field);

/** One tag=value pair; both point into scan_taglist.copy. */
struct scan_tag {
    const char *name;
    char *value; /**< WSP-trimmed; "" for "t="; the caller may cut it further in place */
};

/** A parsed tag-list. */
struct scan_taglist {
    char *copy; /**< the record, cut in place */
    struct scan_tag tag[SCAN_TAGLIST_MAX];
    size_t n;
    const char *first; /**< the name of the first segment as written, even when it was not
                            kept (malformed), or NULL for an empty record */
};

/**
 * Split a record into tags: ';'-separated segments, WSP trimmed around names
 * and values, empty segments (";;", a trailing ';') skipped. Errors go to
 * @p ps and the segment is not kept: control or non-ASCII bytes
 * (bad-characters, once), a segment without '=' or with a name that is not
 * ALPHA *(ALPHA / DIGIT / "_") (malformed-tag), a name seen before
 * (duplicate-tag; compared case-insensitively when @p nocase).
 * @param[out] tl  caller frees with scan_taglist_deinit(), also on error
 * @param[out] ps  may be NULL: the structure alone is wanted
 * @return 0 or -ENOMEM.
 */
int scan_taglist_parse(struct scan_taglist *tl, const uint8_t *txt, size_t len, bool nocase,
                       struct scan_problems *ps);

/** Free what scan_taglist_parse() allocated; the list is empty afterwards. */
void scan_taglist_deinit(struct scan_taglist *tl);

/** @return the tag called @p name (case-insensitively when @p nocase), or NULL. */
struct scan_tag *scan_taglist_find(struct scan_taglist *tl, const char *name, bool nocase);

/** Trim spaces and tabs from both ends of @p s, in place. @return the first kept byte. */
char *scan_trim_wsp(char *s);

/**
 * Does this TXT record begin with @p prefix (e.g. "v=STSv1"), followed by ';',
 * WSP or the end? The discovery rule of RFC 8461 section 3.1, RFC 8460
 * section 3 and BIMI: other TXT records at the name are discarded.
 */
bool scan_txt_starts(const struct scan_rr *rr, const char *prefix);

/**
 * Count the TXT records of @p a that scan_txt_starts() with @p prefix.
 * @param[out] first   the first of them, or NULL
 * @param[out] nother  the other TXT records (may be NULL)
 * @return the count; 0 for an answer without records.
 */
size_t scan_txt_count(const struct scan_answer *a, const char *prefix, const struct scan_rr **first,
                      size_t *nother);

/** @return whether @p s (length @p n) is a host name: LDH (and '_') labels of 1-63,
 *  at least two labels, at most 253 characters, no trailing dot. */
bool scan_host_name_ok(const char *s, size_t n);

/**
 * Copy a check's domain argument into @p buf without a trailing dot.
 * @return 0, or -EINVAL for NULL, "" or a name that does not fit.
 */
int scan_domain_arg(const char *domain, char *buf, size_t len);

/**
 * The common start of a domain check (scanner/checks/checks.h): *@p out = NULL, then
 * scan_domain_arg().
 * @return 0, or -EINVAL for a NULL @p out or @p v, or a bad domain.
 */
int scan_check_args(struct scan_view *v, const char *domain, char *dom, size_t len,
                    struct scan_report **out);

/**
 * The report and problem list a check fills (the step after its lookups).
 * @param[out] r   a new report for @p dom and @p check
 * @param[out] ps  an empty problem list (free() it)
 * @return 0, or -ENOMEM (either may then be set: the caller frees both).
 */
int scan_report_begin(const char *dom, enum scan_check check, struct scan_report **r,
                      struct scan_problems **ps);

/**
 * The last step of a check that gathered problems: scan_problems_report() (each
 * problem's tag or field under @p tag_field) then scan_report_hand_over().
 * @return as scan_report_hand_over().
 */
int scan_report_end(struct scan_report **r, const struct scan_problems *ps, const char *tag_field,
                    struct scan_report **out);

/**
 * The common end of a check: assemble @p *r and hand it to @p *out.
 * @param[in,out] r  on 0 the report moves to *out and *r becomes NULL
 * @return 0, or -ENOMEM (the report could not be assembled; *r is left to free).
 */
int scan_report_hand_over(struct scan_report **r, struct scan_report **out);

/** Where the search for one record of a kind ended (scan_find_record()). */
struct scan_found {
    const struct scan_answer *failed; /**< the lookup failed (a DNS error), else NULL */
    const struct scan_rr *rec;        /**< the first record of the kind, or NULL */
    size_t n;                         /**< records of the kind */
    size_t nother;                    /**< other TXT records at the name */
};

/**
 * Ask TXT at @p prefix.@p domain ("_smtp._tls" + "example.test") and count the
 * records that begin with @p version ("v=TLSRPTv1"). A name too long to exist
 * has none.
 * @return 0, -EAGAIN, -ENOMEM.
 */
int scan_find_record(struct scan_view *v, const char *prefix, const char *domain,
                     const char *version, struct scan_found *f);

/**
 * Is @p u an https: URI with a host name: "https://" host [":" port] ["/" ...]?
 * @param[out] host  the host, lower-case (may be NULL)
 */
bool scan_https_uri_ok(const char *u, char *host, size_t hostlen);

/** Is @p u a mailto: URI with one address whose domain is a host name? */
bool scan_mailto_uri_ok(const char *u);

#endif
