/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DMARC check's private header: what one record says (struct dm_parse)
 * and the two calls dmarc.c makes into dmarc_record.c. Nothing outside
 * scanner/checks includes it; the public interface is scan_dmarc_check() and
 * scan_dmarc_policy() in checks.h. Calls run one way only:
 *
 *   dmarc.c          discovery, report authorization, the line
 *   dmarc_record.c   the record grammar and its tag table
 */
#ifndef SCANNER_CHECKS_DMARC_INT_H
#define SCANNER_CHECKS_DMARC_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/checks/record.h"
#include "scanner/dns/dnsmsg.h"

#define DMARC_MAX_URIS 32

enum dm_kind {
    DM_NOT_DMARC, /**< some other TXT record */
    DM_PROPER,    /**< first tag is v=DMARC1 */
    DM_MISPLACED, /**< v=DMARC1 appears, but not first */
};

enum dm_auth {
    DM_AUTH_NA,       /**< not a valid mailto: URI: nothing to check */
    DM_AUTH_INTERNAL, /**< same organizational domain: no record needed */
    DM_AUTH_OK,       /**< the destination published its authorization */
    DM_AUTH_MISSING,  /**< no authorization record (or it cannot exist) */
    DM_AUTH_TEMP,     /**< the lookup failed: unknown */
};

struct dm_uri {
    const char *text; /**< the URI as written, NUL-terminated inside dm_parse.copy */
    char domain[256]; /**< lower-case destination domain; "" when the URI is invalid */
    enum dm_auth auth;
    enum scan_dns_status temp; /**< DM_AUTH_TEMP: what the lookup said */
};

/** Everything learned from one record. Heap-allocated: it is large. */
struct dm_parse {
    struct scan_taglist tl; /**< the record's tags (cut in place) */
    struct scan_problems pbs;
    const char *p, *sp;
    bool have_p;  /**< a p tag was seen (valid or not) */
    size_t p_pos; /**< its place in the tag list */
    int pct;
    bool has_fo;
    struct dm_uri rua[DMARC_MAX_URIS], ruf[DMARC_MAX_URIS];
    size_t nrua, nruf;
};

/**
 * Is TXT record @p rr a DMARC record, and is v first?
 * @return DM_NOT_DMARC, DM_PROPER or DM_MISPLACED; or -ENOMEM.
 */
int dmarc_record_kind(const struct scan_rr *rr);

/**
 * Check one record's tag list into @p ps (zeroed by the caller): problems, p,
 * sp, pct, the rua and ruf URIs (their auth left DM_AUTH_NA). The tags are cut
 * in place in ps->tl, which the caller frees with scan_taglist_deinit().
 * @return 0 or -ENOMEM.
 */
int dmarc_parse_record(struct dm_parse *ps, const struct scan_rr *rr);

#endif
