/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Internals of the HTML report shared by its model (report.c: what the run or
 * the store said) and its renderer (report_html.c and the section files, through
 * report_html_int.h); only those include it.
 *
 * The model keeps, in memory, one byte per scanned address (its worst verdict,
 * enum rep_level) in blocks of 256 addresses, the tallies of each list and the
 * pool's counts for the score. Every finding about an address and every result
 * about a domain goes to the table `res` of a private temporary SQLite
 * database (on disk, deleted on close), which the renderer queries:
 *
 * @code
 *   res(target, blk, host, src, list_key, kind, outcome, status, reason, scope, j, since_ms)
 * @endcode
 * blk is the address's block key (rep_block_key(): family byte and all but the
 * last byte; NULL for a domain), host its last byte, src the list's zone or the
 * check's name, kind the enum scan_check bit (0: a check this program does not
 * know), j the result as a JSON object (the JSON Lines form, or the store's).
 */
#ifndef OUTPUT_REPORT_MODEL_H
#define OUTPUT_REPORT_MODEL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "output/writers/fmt.h"
#include "output/report/report.h"
#include "output/report/score.h"
#include "scanner/core/arena.h"
#include "scanner/core/hashset.h"

/** The worst verdict of an address, in order of severity (the map's colours). */
enum rep_level {
    REP_NONE,      /**< not scanned */
    REP_NOVERDICT, /**< scanned, but no list gave a verdict: record checks only, or every
                        list was unhealthy for it (a fault of the list, not the address) */
    REP_CLEAN,     /**< clean on every list that answered */
    REP_INFO,      /**< an informational listing */
    REP_ERROR,     /**< a query failed (timeout, servfail...): the verdict is open */
    REP_LISTED,    /**< listed (class listing) */
    REP_NLEVELS
};

/** 256 addresses: an IPv4 /24 or an IPv6 /120. */
struct rep_block {
    uint8_t fam;       /**< 4 or 6 */
    uint8_t key[15];   /**< the address without its last byte (3 bytes for IPv4) */
    uint8_t cell[256]; /**< enum rep_level per last byte */
};

/** Index of a kind in rep_list::kinds. */
enum { REP_KIND_IP4, REP_KIND_IP6, REP_KIND_DOMAIN, REP_KIND_WHOLE, REP_NKINDS };

/** What the run (or the store) said about one (list, kind). */
struct rep_health {
    bool reported;
    enum out_list_health health;
    enum scan_reason why;
    char *detail; /**< owned */
    uint64_t new_listings, scanned;
    int64_t since_ms; /**< store: since when; 0 = this run */
};

/** One list the report shows. */
struct rep_list {
    char *key;                          /**< owned: the list id (else its zone) */
    char *zone;                         /**< owned: as shown */
    const struct out_report_list *meta; /**< the caller's description, or NULL */
    struct rep_health kinds[REP_NKINDS];
    uint64_t listed, info, errors, clean;
    uint64_t by_reason[SCAN_R_COUNT]; /**< errors by reason */
};

/** SPF authorization of the pool by one sending domain (spf-auth). */
struct rep_auth {
    char *domain; /**< owned */
    uint64_t pass, total;
};

struct out_report {
    struct out_report_opts o;
    int64_t now_ms, window_ms;
    sqlite3 *db;
    sqlite3_stmt *ins;
    struct out_sink json; /**< composes one result's JSON */

    struct rep_block **blocks; /**< in arrival order (sorted before rendering) */
    size_t nblocks, bcap;
    struct scan_hashset index;   /**< block key -> block (report_blocks.c) */
    struct scan_arena block_mem; /**< the blocks themselves */
    struct rep_block *last;

    struct rep_list *lists;
    size_t nlists, lcap;
    struct rep_auth *auth;
    size_t nauth, acap;

    uint64_t pool[OUT_SCORE_NCATS];      /**< the pool's findings per category */
    uint64_t fcrdns[SCAN_OUT_ERROR + 1]; /**< FCrDNS results per outcome */
    uint64_t fcrdns_why[SCAN_R_COUNT];   /**< FCrDNS findings per reason */
    uint64_t addrs[2];                   /**< scanned IPv4, IPv6 addresses */

    bool written; /**< rendered once: no more results (the blocks are sorted) */

    /* The run shown. */
    bool has_run;
    bool from_store;
    char *targets, *checks;
    int64_t started_ms, ended_ms;
    bool complete;
};

/** @return the block key of @p b as stored in res.blk: family byte then key bytes. */
size_t rep_block_key(const struct rep_block *b, uint8_t out[16]);

/** Write the address of cell @p host of @p b as text into @p buf (at least 46 bytes). */
void rep_cell_addr(const struct rep_block *b, unsigned host, char *buf, size_t len);

/** Write the block's prefix ("192.0.2.0/24", "2001:db8::/120"); @p up 1 for the
 *  enclosing /16 or /112. */
void rep_block_prefix(const struct rep_block *b, int up, char *buf, size_t len);

/** The block of an address (@p fam 4 or 6, @p key its bytes but the last, zero-padded
 *  to 15), created when new (report_blocks.c). @return the block (borrowed from
 *  @p rep), NULL for ENOMEM. */
struct rep_block *rep_block_get(struct out_report *rep, uint8_t fam, const uint8_t *key);

/** Make the blocks of a zeroed @p rep empty; rep_blocks_deinit() frees them all. */
void rep_blocks_init(struct out_report *rep);
void rep_blocks_deinit(struct out_report *rep);

/** Render the HTML document (report_html.c, with the sections of report_html_int.h). @return 0,
 * -EIO, -ENOMEM or a translated SQLite failure. */
int rep_render(struct out_report *rep, FILE *f, struct out_state *st, struct scan_diag *diag);

/** @return the SQLite failure @p rc of the report's database as an error code. */
int rep_db_fail(int rc);

#endif
