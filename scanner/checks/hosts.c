/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Host names that must be real hosts (see hosts.h): the judgement the mx
 * check made of its exchanges, shared with the ns check for name servers.
 * A certain problem (an IP literal, a CNAME, no address) stays certain
 * whatever a failed lookup elsewhere would have said; a temporary failure is
 * reported so the caller can make it an error when nothing is certain.
 */
#include "scanner/checks/hosts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const struct scan_host_words scan_host_words_mx = {"exchange", "MX",
                                                   "RFC 2181 section 10.3, RFC 5321 section 5.1"};
const struct scan_host_words scan_host_words_ns = {"name server", "NS",
                                                   "RFC 2181 section 10.3, RFC 1912 section 2.4"};

static bool is_ip_literal(const char *name)
{
    uint8_t buf[16];
    return name[0] == '[' || inet_pton(AF_INET, name, buf) == 1 ||
           inet_pton(AF_INET6, name, buf) == 1;
}

void scan_host_add_addresses(struct scan_report *r, struct scan_report_obj *o, const char *field,
                             const struct scan_answer *a)
{
    char text[INET6_ADDRSTRLEN];
    if (!a || a->status != SCAN_DNS_OK)
        return;
    for (size_t i = 0; i < a->n; i++) {
        const struct scan_rr *rr = &a->rr[i];
        if (rr->type == SCAN_TYPE_A)
            inet_ntop(AF_INET, rr->a4, text, sizeof(text));
        else if (rr->type == SCAN_TYPE_AAAA)
            inet_ntop(AF_INET6, rr->a6, text, sizeof(text));
        else
            continue;
        if (o)
            scan_report_obj_strv_add(o, field, text);
        else
            scan_report_strv_add(r, field, text);
    }
}

bool scan_has_records(const struct scan_answer *a)
{
    return a && a->status == SCAN_DNS_OK && a->n > 0;
}

void scan_problem_append(char *buf, size_t len, const char *text)
{
    size_t used = strlen(buf);
    if (used >= len - 1)
        return;
    snprintf(buf + used, len - used, "%s%s", used ? "; " : "", text);
}

/* Did this answer come through a CNAME? @return the canonical name, or NULL. */
static const char *alias_target(const struct scan_answer *a, const char *name)
{
    if (!a)
        return NULL;
    if (a->canon && strcasecmp(a->canon, name) != 0)
        return a->canon;
    if (a->ncname > 0)
        return a->canon ? a->canon : "another name";
    return NULL;
}

int scan_host_lookup(struct scan_view *v, struct scan_host *h)
{
    h->literal = is_ip_literal(h->name);
    if (h->literal)
        return 0;
    int ra = scan_view_get(v, h->name, SCAN_TYPE_A, &h->a);
    int r6 = scan_view_get(v, h->name, SCAN_TYPE_AAAA, &h->aaaa);
    if (ra == -ENOMEM || r6 == -ENOMEM)
        return -ENOMEM;
    if (ra == -EAGAIN || r6 == -EAGAIN)
        return -EAGAIN;
    h->askable = ra == 0 && r6 == 0;
    return 0;
}

enum scan_reason scan_host_judge(const struct scan_host *h, const struct scan_host_words *w,
                                 char *problem, size_t len, bool *has_temp,
                                 enum scan_dns_status *temp)
{
    enum scan_reason code = SCAN_R_NONE;
    char msg[512];
    problem[0] = '\0';
    *has_temp = false;

    if (h->literal) {
        snprintf(msg, sizeof(msg), "the %s is an IP address literal, not a host name (%s)", w->what,
                 w->alias);
        scan_problem_append(problem, len, msg);
        return SCAN_R_IP_LITERAL;
    }
    if (!h->askable) {
        snprintf(msg, sizeof(msg), "the %s is not a valid host name", w->what);
        scan_problem_append(problem, len, msg);
        return SCAN_R_BAD_NAME;
    }

    const char *alias = alias_target(h->a, h->name);
    if (!alias)
        alias = alias_target(h->aaaa, h->name);
    if (alias) {
        snprintf(msg, sizeof(msg),
                 "the %s is an alias (CNAME) for %s; %s must name the host itself (%s)", w->what,
                 alias, w->rr, w->alias);
        scan_problem_append(problem, len, msg);
        code = SCAN_R_CNAME;
    }
    if (h->a->status == SCAN_DNS_CNAMELOOP || h->aaaa->status == SCAN_DNS_CNAMELOOP) {
        snprintf(msg, sizeof(msg), "the %s's CNAME chain loops", w->what);
        scan_problem_append(problem, len, msg);
        if (!code)
            code = SCAN_R_CNAME_LOOP;
    }

    const struct scan_answer *both[2] = {h->a, h->aaaa};
    for (int i = 0; i < 2; i++) {
        if (!scan_dns_temp_failed(both[i]->status))
            continue;
        snprintf(msg, sizeof(msg), "%s lookup failed: %s", i ? "AAAA" : "A",
                 scan_reason_word(scan_reason_of_dns(both[i]->status)));
        scan_problem_append(problem, len, msg);
        if (!*has_temp) {
            *has_temp = true;
            *temp = both[i]->status;
        }
    }

    if (!scan_has_records(h->a) && !scan_has_records(h->aaaa) && !*has_temp &&
        h->a->status != SCAN_DNS_CNAMELOOP && h->aaaa->status != SCAN_DNS_CNAMELOOP) {
        if (h->a->status == SCAN_DNS_NXDOMAIN && h->aaaa->status == SCAN_DNS_NXDOMAIN)
            snprintf(msg, sizeof(msg), "the %s does not exist (NXDOMAIN)", w->what);
        else
            snprintf(msg, sizeof(msg), "the %s has no A or AAAA record", w->what);
        scan_problem_append(problem, len, msg);
        if (!code)
            code = SCAN_R_UNRESOLVABLE;
    }
    return code;
}

void scan_hosts_status(struct scan_report *r, enum scan_reason why, bool has_temp,
                       enum scan_dns_status temp)
{
    if (why)
        scan_report_status(r, SCAN_ST_INVALID, why);
    else if (has_temp)
        scan_report_status(r, SCAN_ST_ERROR, scan_reason_of_dns(temp));
    else
        scan_report_status(r, SCAN_ST_VALID, SCAN_R_NONE);
}
