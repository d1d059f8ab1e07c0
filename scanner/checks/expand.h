/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * From a domain to the addresses that send for it (--expand mx,spf,a), in the
 * replay style of scanner/dns/view.h: the addresses of its MX hosts, its own A and
 * AAAA records, and what its SPF record authorizes (ip4, ip6, a, mx, through
 * include and redirect), each with the path it was found by ("via").
 *
 * Issue 9's `--resolve` (a host name's A/AAAA addresses checked on IP lists)
 * is SCAN_EXPAND_A under another spelling: one implementation. The caller adds
 * SCAN_EXPAND_A to .what and sets .resolve, which changes one rule: a name that
 * does not exist is an error (reason nxdomain), because its addresses, the
 * point of resolving it, could not be checked.
 *
 * Rules:
 * - MX: every exchange's A and AAAA ("DOMAIN mx HOST"); the null MX and IP
 *   literals give nothing (the latter is noted).
 * - A: the domain's own A and AAAA ("DOMAIN a").
 * - SPF: the one SPF record (none, or several: noted, not walked). Only pass
 *   ("+") mechanisms authorize; ip4/ip6 give their block, a and mx the
 *   addresses of their target (with its CIDR lengths), include and redirect
 *   are followed ("DOMAIN spf include:X ip4:..."). ptr and exists depend on
 *   the connecting address, and terms with macros on the sender: both are
 *   noted, not expanded. At most 10 DNS-querying terms are followed, as
 *   check_host() would, and loops are cut.
 * - A block wider than the cap (default /24 for IPv4, /120 for IPv6) is not
 *   walked: noted in "skipped". Reserved addresses (scan_addr_reserved()) are
 *   left out, single ones with a note, and so is a name without any address
 *   (never silently dropped).
 * - Status: error when a lookup failed (timeout, SERVFAIL...: the DNS reason;
 *   what was found is still reported), else valid when some address was
 *   found, else none (reason nxdomain when the domain does not exist; with
 *   .resolve that is error, reason nxdomain).
 *   Fields: "addresses" (distinct addresses found), "sources" ([{via,
 *   addresses}]: the blocks each path gave, "192.0.2.50" or "192.0.2.0/24")
 *   and "skipped" (sentences).
 */
#ifndef SCANNER_EXPAND_H
#define SCANNER_EXPAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/checks/report.h"
#include "scanner/targets/target.h"
#include "scanner/dns/view.h"

/** What to expand, as bits. */
enum scan_expand_what {
    SCAN_EXPAND_MX = 1 << 0,
    SCAN_EXPAND_SPF = 1 << 1,
    SCAN_EXPAND_A = 1 << 2,
};

/** The checks an address found by an expansion can get: those of IP targets. */
#define SCAN_EXPAND_CHECKS                                                                         \
    (SCAN_CHECK_DNSBL | SCAN_CHECK_FCRDNS | SCAN_CHECK_SPF_AUTH | SCAN_CHECK_ORIGIN)

/** The default caps: the widest blocks walked. */
#define SCAN_EXPAND_CAP4 24
#define SCAN_EXPAND_CAP6 120

struct scan_expand_opts {
    unsigned what; /**< enum scan_expand_what bits */
    unsigned cap4; /**< the shortest IPv4 prefix walked (0: SCAN_EXPAND_CAP4; below 16
                        reads as 16) */
    unsigned cap6; /**< the shortest IPv6 prefix walked (0: SCAN_EXPAND_CAP6; below 112
                        reads as 112) */
    bool resolve;  /**< --resolve: the targets are host names whose addresses must be
                        checked, so a name that does not exist is error/nxdomain (not
                        none). Needs SCAN_EXPAND_A in .what */
};

/**
 * Parse "mx,spf,a" (any subset, any order).
 * @return the bits, or 0 for an empty list or an unknown word.
 */
unsigned scan_expand_parse(const char *s);

/** One block an expansion found. */
struct scan_expanded {
    enum scan_target_type type; /**< SCAN_T_IP4 or SCAN_T_IP6 */
    uint8_t addr[16];           /**< the block's first address, network order */
    unsigned plen;              /**< 32 / 128 for one address */
    const char *via;            /**< how it was found, owned by the expansion */
};

/** The blocks of one domain. Plain record, read-only for the caller. */
struct scan_expansion {
    struct scan_expanded *v;
    size_t n, cap;
};

/** Free; NULL is a no-op. */
void scan_expansion_free(struct scan_expansion *x);

/**
 * Expand one domain: check "expand".
 * @param[in,out] v  the job's view (borrowed)
 * @param[in] o      borrowed for the call
 * @param[out] rep   on 0: the report (caller frees with scan_report_free()); else NULL
 * @param[out] out   on 0: the blocks (caller frees with scan_expansion_free()); else NULL
 * @return 0; -EAGAIN (questions recorded in @p v); -EINVAL (not a domain); -ENOMEM.
 */
int scan_expand_check(struct scan_view *v, const char *domain, const struct scan_expand_opts *o,
                      struct scan_report **rep, struct scan_expansion **out);

/**
 * The run's expanded addresses: every address of every domain's blocks once
 * (reserved ones left out), each with every via that found it, in the order
 * first found. The engine checks them after the targets given directly, and an
 * address that is also a direct target gets its vias there instead.
 *
 * At most SCAN_EXPAND_VIA_MAX vias are kept per address; the rest are counted,
 * and the list ends with "... and N more". Via strings are kept once however
 * many addresses share them (a /24 from one SPF term).
 */
struct scan_expand_set;

#define SCAN_EXPAND_VIA_MAX 32

/** @return 0 and a new empty set (caller frees with scan_expand_set_free()), -ENOMEM. */
int scan_expand_set_new(struct scan_expand_set **out);

/** Free; NULL is a no-op. */
void scan_expand_set_free(struct scan_expand_set *s);

/**
 * Add the blocks of one domain's expansion.
 * @param[in] x  borrowed for the call (its strings are copied)
 * @return 0 or -ENOMEM.
 */
int scan_expand_set_add(struct scan_expand_set *s, const struct scan_expansion *x);

/** @return how many addresses the set holds; @p by_type (may be NULL) gets the count
 *  per enum scan_target_type. */
size_t scan_expand_set_count(const struct scan_expand_set *s, uint64_t by_type[3]);

/**
 * Look up one address (an IP target).
 * @return its index, or -1 when the set does not hold it.
 */
long scan_expand_set_find(const struct scan_expand_set *s, const struct scan_target *t);

/**
 * Address @p i (< count) as a target, with its vias.
 * @param[out] t     filled (type, addr, text)
 * @param[out] via   borrowed until the set is freed (or this address is got again)
 * @return 0 or -ENOMEM.
 */
int scan_expand_set_get(struct scan_expand_set *s, size_t i, struct scan_target *t,
                        const char *const **via, size_t *nvia);

/** Mark address @p i checked; @return whether it was already. */
bool scan_expand_set_take(struct scan_expand_set *s, size_t i);

#endif
