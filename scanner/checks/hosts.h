/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Host names that must be real hosts: MX exchanges and NS names. Both must
 * name a host directly (not a CNAME, RFC 2181 section 10.3), must not be an
 * IP address, and must resolve. The mx and ns checks share the lookups
 * (A and AAAA of every host in one round) and the judgement of each host.
 *
 * Usage:
 * @code
 *   struct scan_host h = {.name = "ns1.example.test"};
 *   ret = scan_host_lookup(v, &h);   // 0, -EAGAIN, -ENOMEM: ask every host, then decide
 *   enum scan_reason why = scan_host_judge(&hs[0], &scan_host_words_ns, problem,
 *                                          sizeof(problem), &has_temp, &temp);
 * @endcode
 */
#ifndef SCANNER_HOSTS_H
#define SCANNER_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

/** One host and what its lookups said. */
struct scan_host {
    const char *name;                   /**< borrowed (from an answer in the view) */
    bool literal;                       /**< an IP address where a name belongs */
    bool askable;                       /**< the view accepted the name */
    const struct scan_answer *a, *aaaa; /**< borrowed from the view */
};

/** How problems of a host are worded. */
struct scan_host_words {
    const char *what;  /**< "exchange", "name server" */
    const char *rr;    /**< "MX", "NS" */
    const char *alias; /**< the rule an alias breaks, e.g. "RFC 2181 section 10.3" */
};

extern const struct scan_host_words scan_host_words_mx, scan_host_words_ns;

/**
 * Mark an IP literal, or ask A and AAAA for the host (both in the same round).
 * Call it for every host before acting on -EAGAIN, so all are asked at once.
 * @return 0 (both answers known, or a literal), -EAGAIN (asked), -ENOMEM.
 */
int scan_host_lookup(struct scan_view *v, struct scan_host *h);

/**
 * Judge one looked-up host.
 * @param[out] problem   "" when fine; else one or more sentences joined by "; "
 * @param[out] has_temp  whether a lookup failed temporarily
 * @param[out] temp      that failure, when *has_temp
 * @return the reason of a certain problem (ip-literal, bad-name, cname, cname-loop,
 *         unresolvable), or SCAN_R_NONE.
 */
enum scan_reason scan_host_judge(const struct scan_host *h, const struct scan_host_words *w,
                                 char *problem, size_t len, bool *has_temp,
                                 enum scan_dns_status *temp);

/** Set the status of a check over hosts: invalid with @p why when a problem is
 *  certain, else error with the first temporary failure, else valid. */
void scan_hosts_status(struct scan_report *r, enum scan_reason why, bool has_temp,
                       enum scan_dns_status temp);

/** Append the addresses of @p a (A or AAAA records) to the string array @p field
 *  of @p o, or of @p r when @p o is NULL. */
void scan_host_add_addresses(struct scan_report *r, struct scan_report_obj *o, const char *field,
                             const struct scan_answer *a);

/** @return whether @p a holds at least one record. */
bool scan_has_records(const struct scan_answer *a);

/** Append "; "-separated @p text to the problem buffer @p buf. */
void scan_problem_append(char *buf, size_t len, const char *text);

#endif
