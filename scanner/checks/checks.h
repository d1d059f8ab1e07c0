/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The record checks, all in the replay style of scanner/dns/view.h: each reads
 * DNS only through the view, returns -EAGAIN when it needs answers it does
 * not have yet, and 0 with a finished report when done.
 *
 * Common contract of every function below:
 * @param[in,out] v  the job's view (borrowed)
 * @param[out] out   on 0: the report (caller frees with scan_report_free()); else NULL
 * @return 0; -EAGAIN (questions recorded in @p v); -ENOMEM; -EINVAL for a target the
 *         check does not apply to. DNS failures are results (status "error"), not
 *         return codes.
 */
#ifndef SCANNER_CHECKS_H
#define SCANNER_CHECKS_H

#include "scanner/checks/report.h"
#include "scanner/targets/target.h"
#include "scanner/dns/view.h"

/** FCrDNS of an IP target: check "fcrdns", status pass | fail | error. */
int scan_fcrdns_check(struct scan_view *v, const struct scan_target *ip, struct scan_report **out);

/** SPF record of a domain: check "spf", status valid | invalid | none | error. */
int scan_spf_check(struct scan_view *v, const char *domain, struct scan_report **out);

/** RFC 7208 check_host(ip, domain) with sender postmaster@domain: check "spf-auth",
 *  target = the IP, fields "domain" and "result"; status = the result word
 *  (pass, fail, softfail, neutral, none, permerror, temperror). */
int scan_spf_auth_check(struct scan_view *v, const struct scan_target *ip, const char *domain,
                        struct scan_report **out);

/** DMARC policy of a domain: check "dmarc", status valid | invalid | none | error. */
int scan_dmarc_check(struct scan_view *v, const char *domain, struct scan_report **out);

/** MX inventory of a domain: check "mx", status valid | invalid | none | null | error:
 *  none = no MX (mail falls back to the A record), null = RFC 7505 null MX (no mail),
 *  invalid = an MX host is a CNAME, an IP literal or does not resolve. */
int scan_mx_check(struct scan_view *v, const char *domain, struct scan_report **out);

/** The DMARC policy that applies to a domain, as other checks need it (bimi). */
struct scan_dmarc_policy {
    enum scan_status st;      /**< SCAN_ST_VALID, SCAN_ST_INVALID (also several records),
                                   SCAN_ST_NONE, SCAN_ST_ERROR */
    enum scan_dns_status dns; /**< SCAN_ST_ERROR: what the failed lookup said */
    bool at_org;              /**< the record is the organizational domain's */
    char policy_domain[256];  /**< where the record is (or would be) */
    char p[16], sp[16];       /**< lower-case policy words; "" when absent or invalid */
    int pct;                  /**< 100 when absent */
};

/**
 * Discover and parse the DMARC record of @p domain (RFC 7489 section 6.6.3, as
 * scan_dmarc_check() does, without the report-authorization lookups).
 * @param[out] out  filled on 0
 * @return 0, -EAGAIN, -ENOMEM, -EINVAL.
 */
int scan_dmarc_policy(struct scan_view *v, const char *domain, struct scan_dmarc_policy *out);

/** SMTP TLS Reporting policy (RFC 8460) at _smtp._tls.<domain>: check "tls-rpt",
 *  status valid | invalid | none | error. */
int scan_tlsrpt_check(struct scan_view *v, const char *domain, struct scan_report **out);

/** BIMI assertion record at <selector>._bimi.<domain> (or its organizational domain)
 *  and the DMARC enforcement it needs: check "bimi", status valid | invalid | none |
 *  error. @p selector NULL or "" means "default". */
int scan_bimi_check(struct scan_view *v, const char *domain, const char *selector,
                    struct scan_report **out);

/** MTA-STS (RFC 8461): the _mta-sts record and, when @p fetch, the HTTPS policy (asked
 *  through the view as SCAN_TYPE_MTA_STS_POLICY) and its MX coverage: check
 *  "mta-sts", status valid | invalid | none | error. */
int scan_mtasts_check(struct scan_view *v, const char *domain, bool fetch,
                      struct scan_report **out);

/** Name servers and SOA of the zone @p domain lives in: check "ns", status valid |
 *  invalid | none | error. */
int scan_ns_check(struct scan_view *v, const char *domain, struct scan_report **out);

/** A mail provider whose DKIM selectors can be inferred from a domain's own records. */
struct scan_dkim_provider {
    const char *name;
    const char *const *spf; /**< SPF include/redirect targets (or their parents) */
    size_t nspf;
    const char *const *mx; /**< MX hosts (or their parents) */
    size_t nmx;
    const char *const *selectors;
    size_t nselectors;
};

/** Where the dkim check looks for selectors (all borrowed). */
struct scan_dkim_selectors {
    const char *const *given; /**< --dkim-selector and the job file: source "given" */
    size_t ngiven;
    const char *const *common; /**< tried for every domain: source "common" */
    size_t ncommon;
    const struct scan_dkim_provider *providers; /**< source "inferred" */
    size_t nproviders;
};

/**
 * DKIM keys of a domain (RFC 6376, 8301, 8463): check "dkim". One result per
 * selector found (scan_report_add()), status valid | invalid | revoked | error;
 * when none is found, one result with status none (or error lines for the
 * selectors whose lookup failed).
 * @param[in] sel  the selectors to try (borrowed); NULL tries none but the existence test
 */
int scan_dkim_check(struct scan_view *v, const char *domain, const struct scan_dkim_selectors *sel,
                    struct scan_report **out);
/** BGP origin of an IP target from Team Cymru's DNS service: check "origin", status
 *  valid | none (reason not-announced) | error; fields "asn", "as_name", "prefix",
 *  "country", "registry", "allocated" (null when unknown). */
int scan_origin_check(struct scan_view *v, const struct scan_target *ip, struct scan_report **out);

#endif
