/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSBL catalog: which lists exist, how to query them and what their
 * answers mean. Loaded from YAML (the built-in lists/default.yaml, or a
 * user's file or folder of files with --lists); answers are interpreted by
 * the pure function list_interpret().
 *
 * YAML schema (one document; top-level key `lists:` holding a sequence):
 * @code
 * lists:
 *   - id: spamhaus-zen               # unique, [a-z0-9-]
 *     zone: zen.spamhaus.org          # or a template with {key}: "{key}.zen.dq.spamhaus.net"
 *     kinds: [ip4, ip6]               # ip4, ip6, domain
 *     access: free                    # free | registration | key
 *     key_env: SPAMHAUS_DQS_KEY       # access: key only; the variable holding the key
 *     domain_mode: as-is              # domain lists: as-is | registrable
 *     txt: true                       # fetch TXT for listed targets
 *     delist: "https://check.spamhaus.org/results/?query={ip}"   # {ip} / {domain} / {target}
 *     rate: 50                        # queries per second, 0 = no limit (default 0)
 *     daily_limit: 300000             # queries per day, 0 = none (default 0)
 *     informational: false            # every listing of this list is informational
 *     codes:
 *       - {code: 127.0.0.2, meaning: "SBL: spam source", class: listing}
 *       - {code: 127.255.255.254, meaning: "query via a public resolver", class: refusal}
 *       - {mask: 8, meaning: "PH: phishing", class: listing}     # bitmask on the last octet
 *     test_points:                    # defaults: RFC 5782 points for the list's kinds
 *       listed: [127.0.0.2]
 *       unlisted: [127.0.0.1]
 *     status: active                  # active | dead
 *     dead_since: 2024-06-05          # dead only
 *     dead_reason: "decommissioned by Proofpoint"
 * @endcode
 * Classes: listing, allow, informational, refusal.
 */
#ifndef LISTS_CATALOG_H
#define LISTS_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/result.h"

enum list_kind {
    LIST_KIND_IP4 = 1 << 0,
    LIST_KIND_IP6 = 1 << 1,
    LIST_KIND_DOMAIN = 1 << 2,
};

enum list_access { LIST_ACCESS_FREE, LIST_ACCESS_REGISTRATION, LIST_ACCESS_KEY };

enum list_code_class {
    LIST_CODE_LISTING,
    LIST_CODE_ALLOW,
    LIST_CODE_INFO,
    LIST_CODE_REFUSAL,
};

enum list_domain_mode { LIST_DOMAIN_ASIS, LIST_DOMAIN_REGISTRABLE };

/** One row of a return-code table. */
struct list_code {
    bool is_mask; /**< false: exact value; true: bit(s) of the last octet */
    uint32_t
        value; /**< exact: the address in host order (127.0.0.2 = 0x7f000002); mask: the bits */
    const char *meaning;
    enum list_code_class klass;
};

/** One list. Plain read-only record; owned by its catalog. */
struct list_entry {
    const char *id;
    const char *zone_template; /**< as written, may contain {key} */
    const char *zone;          /**< the zone as shown to users: the template with {key} left
                                    as the literal text "{key}" -- never the key itself */
    unsigned kinds;            /**< enum list_kind bits */
    enum list_access access;
    const char *key_env; /**< NULL unless access == key */
    enum list_domain_mode domain_mode;
    bool txt;
    bool informational;
    const char *delist;   /**< template or NULL */
    double rate;          /**< qps, 0 = none */
    uint64_t daily_limit; /**< 0 = none */
    const struct list_code *codes;
    size_t ncodes;
    const char *const *tp_listed; /**< test points that must be listed */
    size_t ntp_listed;
    const char *const *tp_unlisted; /**< test points that must not be listed */
    size_t ntp_unlisted;
    bool dead;
    const char *dead_since; /**< "YYYY-MM-DD" or NULL */
    const char *dead_reason;
    const char *file; /**< where it was defined, for messages */
    int line;
};

struct list_catalog;

/** Where a load failed: "FILE:LINE:COLUMN: MESSAGE". */
struct list_error {
    char msg[512];
};

/**
 * Load a catalog from a YAML file or a folder of *.yaml / *.yml files (sorted by name).
 * @param[out] out  the catalog (caller frees with list_catalog_free()), NULL on error
 * @param[out] err  on SCAN_EPARSE / SCAN_ECONFIG: "file:line:column: what is wrong"
 * @return 0, SCAN_EPARSE (bad YAML), SCAN_ECONFIG (bad entry: unknown key, missing zone,
 *         bad code, duplicate id...), -ENOENT / -EACCES (cannot read), -ENOMEM.
 */
int list_catalog_load(const char *path, struct list_catalog **out, struct list_error *err);

/**
 * Load from a memory buffer (the built-in catalog is compiled into the program).
 * @param[in] name  the name used in error messages
 */
int list_catalog_load_buf(const char *name, const char *buf, size_t len, struct list_catalog **out,
                          struct list_error *err);

/** The built-in default catalog text (lists/default.yaml compiled in). */
extern const char list_default_yaml[];
extern const size_t list_default_yaml_len;

/** Free; NULL is a no-op. */
void list_catalog_free(struct list_catalog *c);

/** @return number of entries (dead ones included). */
size_t list_catalog_count(const struct list_catalog *c);

/** @return entry @p i (< count), borrowed until list_catalog_free(). */
const struct list_entry *list_catalog_get(const struct list_catalog *c, size_t i);

/** Find by id or by zone (case-insensitive; the zone as shown). @return entry or NULL. */
const struct list_entry *list_catalog_find(const struct list_catalog *c, const char *id_or_zone);

/**
 * Resolve the zone to query: the template with {key} replaced by the value of
 * the entry's key_env variable.
 * @param[out] buf  the zone to query (may hold the key: never print it)
 * @return 0; -ENOKEY when the key variable is unset or empty; -ENAMETOOLONG.
 */
int list_query_zone(const struct list_entry *e, char *buf, size_t len);

/** Fill the delist template for @p target ("{ip}", "{domain}", "{target}"). @return 0 or
 *  -ENAMETOOLONG; writes "" when the entry has no template. */
int list_delist_url(const struct list_entry *e, const char *target, char *buf, size_t len);

/** The verdict of one answer, before health is taken into account. */
enum list_verdict {
    LIST_V_CLEAN,   /**< no listing (NXDOMAIN is decided by the caller, not here) */
    LIST_V_ALLOW,   /**< an allowlist / good-reputation code: clean, reported as such */
    LIST_V_LISTED,  /**< at least one listing (or unknown 127/8) code */
    LIST_V_INFO,    /**< only informational codes */
    LIST_V_REFUSAL, /**< a refusal code: the list refuses this resolver ("blocked") */
    LIST_V_INVALID, /**< an address outside 127.0.0.0/8: parking / hijack ("invalid-answer") */
};

#define LIST_MAX_CODES 16

/** The interpretation of the A records of one answer. */
struct list_interp {
    enum list_verdict verdict;
    enum scan_class klass;                /**< class to report (LISTING, INFO, ALLOW or NONE) */
    size_t ncodes;                        /**< codes kept (at most LIST_MAX_CODES) */
    char codes[LIST_MAX_CODES][16];       /**< "127.0.0.2" */
    const char *meanings[LIST_MAX_CODES]; /**< borrowed from the catalog, or static text
                                               such as "unknown code" */
};

/**
 * Interpret the A records (host order) a list returned for one query.
 * Rules: any address outside 127/8 -> INVALID; else any refusal code -> REFUSAL;
 * else listing or unknown-127/8 codes -> LISTED (unknown ones get meaning "unknown code");
 * else informational -> INFO; else allow -> ALLOW. Exact codes win over masks; a mask
 * list's answer is decomposed into its known bits, each with its meaning.
 * @return 0 (always succeeds for n >= 1); -EINVAL for n == 0.
 */
int list_interpret(const struct list_entry *e, const uint32_t *addrs, size_t n,
                   struct list_interp *out);

#endif
