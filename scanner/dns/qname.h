/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * DNSBL query names (RFC 5782): reversed IPv4 octets, reversed IPv6 nibbles,
 * domains as-is or reduced to the registrable domain (libpsl), each followed
 * by the list's zone. Pure functions.
 */
#ifndef SCANNER_QNAME_H
#define SCANNER_QNAME_H

#include <stddef.h>

#include "scanner/core/psl.h"
#include "scanner/targets/target.h"

/**
 * Build the query name for @p t under @p zone: "99.2.0.192.zone" for 192.0.2.99,
 * 32 reversed nibbles then the zone for IPv6, the domain then the zone for domains.
 * @param[in] t            borrowed for the call
 * @param[in] zone         borrowed; one trailing dot is ignored
 * @param[in] registrable  domains only: reduce to the registrable domain first
 *                         ("a.b.example.co.uk" -> "example.co.uk"); a domain that is
 *                         a public suffix itself is used as it is
 * @param[out] buf         NUL-terminated name without trailing dot; on error
 *                         an empty string when @p len > 0
 * @return 0; -ENAMETOOLONG when the name would exceed 253 characters or @p len;
 *         -EINVAL for a NULL or empty zone or an unknown target type;
 *         -ENOMEM when the public suffix list cannot be loaded.
 */
int scan_qname(const struct scan_target *t, const char *zone, int registrable, char *buf,
               size_t len);

/** The reversed part alone for an address ("4.3.2.1" / 32 nibbles), as used by
 *  PTR lookups with zone "in-addr.arpa" / "ip6.arpa". Same returns; -EINVAL for a
 *  domain. */
int scan_reverse_name(const struct scan_target *t, char *buf, size_t len);

#endif
