/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The record checks, all in the replay style of scanner/view.h: each reads
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

#include "scanner/report.h"
#include "scanner/target.h"
#include "scanner/view.h"

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

/** BGP origin of an IP target from Team Cymru's DNS service: check "origin", status
 *  valid | none (reason not-announced) | error; fields "asn", "as_name", "prefix",
 *  "country", "registry", "allocated" (null when unknown). */
int scan_origin_check(struct scan_view *v, const struct scan_target *ip, struct scan_report **out);

#endif
