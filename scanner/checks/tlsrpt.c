/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * SMTP TLS Reporting (RFC 8460) policy of one domain, in the replay style of
 * scanner/dns/view.h: the TXT record at _smtp._tls.<domain>.
 *
 * Rules (RFC 8460 section 3):
 * - TXT records that do not begin with "v=TLSRPTv1" (followed by ';', WSP or
 *   the end) are discarded; none left is status "none", more than one is
 *   "invalid" (multiple-records): "senders MUST assume the recipient domain
 *   does not implement TLSRPT".
 * - The record is a tag-list (record.h): malformed-tag, duplicate-tag and
 *   bad-characters are errors. Tag names are case-sensitive (%s"rua=").
 *   Unknown tags are extensions and are ignored silently (section 3: "unknown
 *   fields SHALL be ignored").
 * - rua is required (missing-tag); its value is one or more URIs separated
 *   by ',' (WSP allowed around it), each a mailto: URI with one address at a
 *   host name or an https: URI with a host name (bad-report-uri otherwise).
 * - A DNS failure of the lookup is "error" with scan_reason_of_dns().
 *
 * Fields: "record" (string or null), "rua" (the URIs as written, [] when
 * none), "problems" ([{severity, tag, message}]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/record.h"

#define TLSRPT_VERSION "v=TLSRPTv1"

/* Check the rua value; add each URI to the report. */
static void check_rua(struct scan_report *r, struct scan_problems *ps, char *value)
{
    char *cur = value;
    if (!*value) {
        scan_problem(ps, true, SCAN_R_BAD_REPORT_URI, "rua", "rua is empty");
        return;
    }
    for (;;) {
        char *comma = strchr(cur, ',');
        if (comma)
            *comma = '\0';
        char *u = scan_trim_wsp(cur);
        scan_report_strv_add(r, "rua", u);
        if (!scan_mailto_uri_ok(u) && !scan_https_uri_ok(u, NULL, 0))
            scan_problem(ps, true, SCAN_R_BAD_REPORT_URI, "rua",
                         "'%.100s' is neither a mailto: address nor an https: URL with a host "
                         "name (RFC 8460 section 3)",
                         u);
        if (!comma)
            return;
        cur = comma + 1;
    }
}

int scan_tlsrpt_check(struct scan_view *v, const char *domain, struct scan_report **out)
{
    struct scan_report *r = NULL;
    struct scan_problems *ps = NULL;
    struct scan_taglist tl = {0};
    struct scan_found f;
    char dom[256];
    int ret;

    if (scan_check_args(v, domain, dom, sizeof(dom), out) != 0)
        return -EINVAL;
    ret = scan_find_record(v, "_smtp._tls", dom, TLSRPT_VERSION, &f);
    if (ret < 0)
        return ret;

    ret = -ENOMEM;
    if (scan_report_begin(dom, SCAN_CHECK_TLS_RPT, &r, &ps) < 0)
        goto out;
    if (f.failed || f.n != 1) {
        if (f.failed)
            scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(f.failed->status));
        else if (f.n == 0)
            scan_report_status(r, SCAN_ST_NONE, SCAN_R_NONE);
        else
            scan_problem(ps, true, SCAN_R_MULTIPLE_RECORDS, NULL,
                         "%zu TLS-RPT records at _smtp._tls.%s: senders use none (RFC 8460 "
                         "section 3)",
                         f.n, dom);
        scan_report_str(r, "record", NULL);
        scan_report_strv_init(r, "rua");
    } else {
        scan_report_strn(r, "record", (const char *)f.rec->txt, f.rec->txt_len);
        scan_report_strv_init(r, "rua");
        if (scan_taglist_parse(&tl, f.rec->txt, f.rec->txt_len, false, ps) != 0)
            goto out;
        struct scan_tag *rua = scan_taglist_find(&tl, "rua", false);
        if (!rua)
            scan_problem(ps, true, SCAN_R_MISSING_TAG, "rua",
                         "rua is required: where reports go (RFC 8460 section 3)");
        else
            check_rua(r, ps, rua->value);
    }
    if (f.nother > 0 && !f.failed)
        scan_problem(ps, false, SCAN_R_NONE, NULL,
                     "%zu other TXT record(s) at _smtp._tls.%s are not TLS-RPT records", f.nother,
                     dom);
    if (!f.failed && f.n > 0)
        scan_report_status(r, scan_problems_error(ps) ? SCAN_ST_INVALID : SCAN_ST_VALID,
                           scan_problems_error(ps));
    ret = scan_report_end(&r, ps, "tag", out);
out:
    scan_taglist_deinit(&tl);
    scan_report_free(r);
    free(ps);
    return ret;
}
