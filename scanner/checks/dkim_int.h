/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DKIM check's private header: what one key record says and the one call
 * dkim.c makes into dkim_key.c. Nothing outside scanner/checks includes it;
 * the public interface is scan_dkim_check() in checks.h. Calls run one way only:
 *
 *   dkim.c       selector discovery, the wildcard probe, the lines
 *   dkim_key.c   the rules of one key record; the key decoded with OpenSSL
 */
#ifndef SCANNER_CHECKS_DKIM_INT_H
#define SCANNER_CHECKS_DKIM_INT_H

#include <stdbool.h>

#include "scanner/checks/record.h"
#include "scanner/dns/dnsmsg.h"

/** What one key record says. */
struct dk_key {
    const char *type; /**< "rsa", "ed25519" or NULL */
    int bits;         /**< 0 when unknown */
    bool testing, revoked;
};

/**
 * Check one key record @p rr: its problems are added to @p ps, what it says to
 * @p key (zeroed by the caller; key->type NULL for an unknown k=).
 * @return 0 or -ENOMEM.
 */
int dkim_check_record(struct scan_problems *ps, struct dk_key *key, const struct scan_rr *rr);

#endif
