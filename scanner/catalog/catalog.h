/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSBL catalog: which lists exist, how to query them and what their
 * answers mean. Loaded from YAML (the built-in lists/default.yaml, or a
 * user's file or folder of files with --lists); answers are interpreted by
 * the pure function list_interpret(). lists/README.md has the long version.
 *
 * YAML schema (one document; top-level key `lists:` holding a sequence):
 * @code
 * lists:
 *   - id: spamhaus-zen               # unique, [a-z0-9-], starts with a letter or digit
 *     zone: zen.spamhaus.org          # or a template with {key}: "{key}.zen.dq.spamhaus.net"
 *     kinds: [ip4, ip6]               # ip4, ip6, domain (default [ip4])
 *     access: free                    # free | registration | key (default free)
 *     key_env: SPAMHAUS_DQS_KEY       # access: key only; the variable holding the key
 *     domain_mode: as-is              # domain lists only: as-is | registrable | both
 *                                     # (default as-is)
 *     txt: true                       # fetch TXT for listed targets (default false)
 *     delist: "https://check.spamhaus.org/results/?query={ip}"   # {ip} / {domain} / {target}
 *     rate: 50                        # queries per second, 0 = no limit (default 0)
 *     daily_limit: 300000             # queries per day, 0 = none (default 0)
 *     informational: false            # every listing of this list is informational
 *     codes:
 *       - {code: 127.0.0.2, meaning: "SBL: spam source", class: listing}
 *       - {code: 127.255.255.254, meaning: "query via a public resolver", class: refusal}
 *       - {net: 127.0.3.0/24, meaning: "ESP", class: allow}         # a CIDR block of codes
 *       - {mask: 8, meaning: "PH: phishing", class: listing}     # bitmask on the last octet
 *     test_points:                    # per kind; RFC 5782 points where a kind says nothing
 *       ip4: {listed: [127.0.0.2], unlisted: [127.0.0.1]}
 *       ip6:
 *         listed: [{point: "::2", code: 127.0.10.0}]   # listed, and must answer this code
 *         unlisted: ["::1"]
 *       domain: {listed: [test.surbl.org, 2.0.0.127], unlisted: [INVALID]}
 *       # ip6: {listed: [], note: "no documented IPv6 test entry"}  -- no positive probe
 *     status: active                  # active | dead (default active)
 *     dead_since: 2024-06-05          # dead only: YYYY-MM-DD, or YYYY-MM / YYYY when the
 *                                     # sources give no day
 *     dead_reason: "decommissioned by Proofpoint"
 * @endcode
 * Classes: listing, allow, informational, refusal (default listing). Each code row
 * has exactly one of code (an IPv4 address), net (address/prefix, host bits zero)
 * or mask (1..255, the bits of the last octet that must all be set).
 *
 * Test points are given per kind the list serves (ip4, ip6, domain), each with
 * `listed` and `unlisted` sequences; an item is a point, or {point: P, code: C}
 * when the operator documents the code P answers. A kind the catalog says nothing
 * about gets the RFC 5782 points (ip4: 127.0.0.2 / 127.0.0.1; ip6: ::FFFF:7F00:2 /
 * ::FFFF:7F00:1; domain: TEST / INVALID); a `listed` or `unlisted` given for a kind
 * replaces that half of its defaults (an empty sequence means none); `note` says why
 * (shown by `lists`). A kind left with no point at all (both halves empty) is an
 * error unless it has a note; so is a point given twice for one kind, or a given
 * point that is also the other half's default (`listed: [127.0.0.1]` alone). Points
 * must have their kind's form: an IPv4 address under ip4, an IPv6 address under ip6,
 * any domain name under domain ("2.0.0.127" included). The older flat form
 * (`listed:` / `unlisted:` directly under test_points, which cannot be mixed with the
 * per-kind maps) is still read: each point goes to the kind its form names (an IPv4
 * address to ip4, or to domain on a list without ip4; an IPv6 address to ip6; a name
 * to domain), a half given replaces that half's defaults for every kind, and a kind
 * it leaves empty is an error. Domain points are queried as written: domain_mode
 * does not apply. In list_entry::tps the points come kind by kind (ip4, ip6,
 * domain), listed before unlisted, each in the order written.
 *
 * Keys: a zone template holds {key} as a whole label; the key is read from the
 * environment only by list_query_zone(). Loading never reads it, and no
 * message or displayed string ever contains it.
 *
 * Usage:
 * @code
 * struct list_catalog *cat;
 * struct scan_diag diag = {0};
 * int ret = list_catalog_load_buf("default.yaml", list_default_yaml, list_default_yaml_len,
 *                                 &cat, &diag);
 * if (ret < 0) { fprintf(stderr, "%s\n", diag.msg); ... }
 * const struct list_entry *e = list_catalog_find(cat, "zen.spamhaus.org");
 * char zone[256];
 * if (list_query_zone(e, zone, sizeof(zone)) == 0) { ... query, then list_interpret() ... }
 * list_catalog_free(cat);
 * @endcode
 */
#ifndef SCANNER_CATALOG_H
#define SCANNER_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/core/err.h"
#include "scanner/core/result.h"

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

/** Which name(s) of a domain target a domain list is asked for. */
enum list_domain_mode {
    LIST_DOMAIN_ASIS,        /**< the name as given */
    LIST_DOMAIN_REGISTRABLE, /**< its registrable domain (public suffix + 1) */
    LIST_DOMAIN_BOTH,        /**< both (one query when they are the same): listed when either
                                  is, and the result says which (SURBL: hostnames and domains) */
};

/**
 * One test point of one kind: the name asked under the zone and the answer it
 * must give. How @ref point becomes a query name depends on @ref kind: ip4 and
 * ip6 points are addresses, reversed as RFC 5782 says; domain points are names
 * queried exactly as written ("test.surbl.org", and also "2.0.0.127", the
 * reversed form some domain lists document).
 */
struct list_test_point {
    const char *point; /**< as written in the catalog */
    unsigned kind;     /**< exactly one of LIST_KIND_IP4, LIST_KIND_IP6, LIST_KIND_DOMAIN */
    bool listed;       /**< true: must be listed; false: must not be listed (NXDOMAIN) */
    bool has_code;     /**< listed only: the answer must include @ref code */
    uint32_t code;     /**< host order, when has_code */
};

/**
 * What a listing covers: the address itself, a range around it (UCEPROTECT level 2,
 * a Spamhaus SBL record over a CIDR, DROP), or its whole AS (UCEPROTECT level 3). A
 * wider scope says "your neighbours, not necessarily you". Set per code row, with the
 * entry's `scope:` as the default (itself ip by default).
 */
enum list_scope {
    LIST_SCOPE_NONE = 0, /**< not set (a row inherits the entry's); no listing */
    LIST_SCOPE_IP,
    LIST_SCOPE_RANGE,
    LIST_SCOPE_ASN,
};

/** @return "ip", "range", "asn", or NULL for LIST_SCOPE_NONE. */
const char *list_scope_word(enum list_scope s);

/** One row of a return-code table. */
struct list_code {
    bool is_mask;    /**< false: exact value or net; true: bit(s) of the last octet */
    uint32_t value;  /**< exact / net: the address in host order (127.0.0.2 = 0x7f000002);
                          mask: the bits */
    unsigned prefix; /**< exact / net: 32 = exact value, < 32 = a net of that prefix
                          length; unused (0) for masks */
    const char *meaning;
    enum list_code_class klass;
    enum list_scope scope; /**< the row's `scope`, else the entry's */
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
    enum list_scope scope; /**< `scope:` of the entry: the default of its rows and of codes
                                no row names (LIST_SCOPE_IP when not written) */
    const char *delist;    /**< template or NULL */
    double rate;           /**< qps, 0 = none */
    uint64_t daily_limit;  /**< 0 = none */
    const struct list_code *codes;
    size_t ncodes;
    const struct list_test_point *tps; /**< every test point of every kind the list serves */
    size_t ntps;
    const char *tp_note[3]; /**< per kind (index: 0 ip4, 1 ip6, 2 domain): the catalog's note
                                 on its test points ("no documented IPv6 test entry"), or NULL */
    bool dead;
    const char *dead_since; /**< "YYYY-MM-DD" ("YYYY-MM" or "YYYY" when the day is not
                                 known) or NULL */
    const char *dead_reason;
    const char *file; /**< where it was defined, for messages */
    int line;         /**< 1-based line of the entry in @ref file (0 for a generic list) */
    bool generic;     /**< not in the catalog: a zone named by the user and used as a
                           generic RFC 5782 list (list_catalog_add_generic()) */
};

struct list_catalog;

/**
 * Load a catalog from a YAML file or a folder of *.yaml / *.yml files (sorted by
 * name with strcmp(); names starting with '.' are skipped). Ids and zones must be
 * unique across all the files.
 * @param[in]  path a file or a folder
 * @param[out] out  the catalog (caller frees with list_catalog_free()), NULL on error
 * @param[out] diag may be NULL. On SCAN_EPARSE / SCAN_ECONFIG / -EFBIG:
 *                  "file:line:column: what is wrong" (line and column 1-based); on an
 *                  errno failure "path: reason"; left as it was on success.
 * @return 0, SCAN_EPARSE (bad YAML, or past a limit of scanner/core/yamlload.h), SCAN_ECONFIG
 *         (bad entry: unknown key, missing zone, bad code, duplicate id..., or a folder
 *         without catalog files), -ENOENT / -EACCES / other -errno (cannot read), -EFBIG
 *         (a file over 1 MiB, LIST_YAML_MAX_BYTES), -ENOMEM.
 */
int list_catalog_load(const char *path, struct list_catalog **out, struct scan_diag *diag);

/**
 * Load from a memory buffer (the built-in catalog is compiled into the program).
 * @param[in] name  the name used in error messages and list_entry::file (copied)
 * @param[in] buf   @p len bytes of YAML (borrowed for the call; need not be NUL-terminated)
 * @param[out] out  as list_catalog_load()
 * @param[out] diag as list_catalog_load()
 * @return as list_catalog_load().
 */
int list_catalog_load_buf(const char *name, const char *buf, size_t len, struct list_catalog **out,
                          struct scan_diag *diag);

/** The built-in default catalog text (lists/default.yaml compiled in). */
extern const char list_default_yaml[];
extern const size_t list_default_yaml_len;

/** Free; NULL is a no-op. */
void list_catalog_free(struct list_catalog *c);

/** @return number of entries (dead ones included). */
size_t list_catalog_count(const struct list_catalog *c);

/** @return entry @p i (< count), borrowed until list_catalog_free(); NULL when out of range. */
const struct list_entry *list_catalog_get(const struct list_catalog *c, size_t i);

/**
 * Find by id or by zone (case-insensitive; the zone as shown, one trailing dot ignored).
 * @return the entry, borrowed until list_catalog_free(), or NULL.
 */
const struct list_entry *list_catalog_find(const struct list_catalog *c, const char *id_or_zone);

/**
 * The kinds of target a zone that is not in the catalog is taken to serve, from its
 * name alone: domain when a label contains "dbl", "rhsbl", "uribl", "surbl" or "url"
 * or is "uri" or "rhs" (dbl.example.net, black.uribl.com, url.0spam.org); ip6 when a
 * label contains "ipv6" or is "ip6" or "v6" (bl.ipv6.example.net); else ip4.
 * @return one enum list_kind bit.
 */
unsigned list_generic_kinds(const char *zone);

/**
 * Make sure the catalog has a list for @p spec, a list id or zone as --list takes it,
 * or "ZONE:KINDS" with KINDS a comma-separated subset of ip4, ip6, domain. A zone the
 * catalog lacks becomes a generic RFC 5782 list (list_entry::generic): its id is the
 * zone (lower case), its kinds are KINDS or list_generic_kinds(), any answer in
 * 127.0.0.0/8 is a listing ("unknown code") except the refusal codes 127.255.255.0/24
 * and, on a list that serves domains, 127.0.0.1; its health is judged on RFC 5782's
 * test points (127.0.0.2 listed and 127.0.0.1 not; ::FFFF:7F00:2 / ::FFFF:7F00:1;
 * TEST / INVALID); TXT is fetched for listings; no rate limit.
 *
 * Adding an entry may move the catalog's entries: pointers from list_catalog_get() or
 * list_catalog_find() taken before the call are invalid after it returns 0.
 * @param[out] out  the entry (borrowed until list_catalog_free())
 * @param[out] diag on SCAN_ECONFIG: what is wrong with @p spec (may be NULL)
 * @return 0 (a generic list was added), 1 (the catalog already had it: a catalog list,
 *         or a generic list added before with the same kinds), SCAN_ECONFIG (not a zone
 *         name; an unknown kind; a kind given for a catalog list, whose kinds are the
 *         catalog's; the same zone given with other kinds; more than CAT_MAX_ENTRIES
 *         lists), -EINVAL, -ENOMEM.
 */
int list_catalog_add_generic(struct list_catalog *c, const char *spec,
                             const struct list_entry **out, struct scan_diag *diag);

/**
 * Resolve the zone to query: the template with {key} replaced by the value of
 * the entry's key_env variable. Templates without {key} are copied as they are.
 * @param[out] buf  the zone to query (may hold the key: never print it); "" on error
 * @return 0; -ENOKEY when the key variable is unset or empty; -EINVAL when the key is
 *         not a DNS label (letters, digits and '-', at most 63); -ENAMETOOLONG when the
 *         zone is over 253 characters or does not fit @p len.
 */
int list_query_zone(const struct list_entry *e, char *buf, size_t len);

/**
 * Hide the key of a keyed entry in a text that is about to be shown: every
 * occurrence of the key, in any letter case, becomes the literal "{key}". The key
 * is taken from @p query_zone (the zone list_query_zone() gave, key filled in) at
 * the place of {key} in the entry's zone template, so this works after the key
 * variable is gone from the environment. A text that ends in the first 8 or more
 * characters of the key (a key cut off by an earlier truncation) has that tail
 * replaced too. Unkeyed entries: nothing to do.
 *
 * Usage: a TXT answer of a keyed list may echo the query name, key included:
 * @code
 * char txt[512];  // the TXT strings, NUL-terminated
 * list_redact_key(e, query_zone, txt, sizeof(txt));
 * @endcode
 * @param[in]     e           the entry (borrowed for the call)
 * @param[in]     query_zone  the zone queried (may hold the key); may be NULL for
 *                            unkeyed entries
 * @param[in,out] text        a NUL-terminated string within @p cap bytes, rewritten in
 *                            place. Replacing a key shorter than "{key}" makes it
 *                            longer: what does not fit in @p cap bytes (NUL included) is
 *                            cut off, never a part of the key.
 * @param[in]     cap         the size of the buffer @p text is in
 * @return 0 (also for unkeyed entries); -EINVAL for a NULL @p e or @p text, @p cap 0,
 *         no NUL within @p cap, or a @p query_zone that does not fit the template. On
 *         -EINVAL with a usable buffer @p text is emptied, since it may hold a key this
 *         function could not find.
 */
int list_redact_key(const struct list_entry *e, const char *query_zone, char *text, size_t cap);

/**
 * Fill the delist template for @p target: "{ip}", "{domain}" and "{target}" are each
 * replaced by @p target, percent-encoding every byte outside [A-Za-z0-9._~:-].
 * @param[out] buf  the URL; "" when the entry has no template or on error
 * @return 0 or -ENAMETOOLONG (the URL does not fit @p len).
 */
int list_delist_url(const struct list_entry *e, const char *target, char *buf, size_t len);

/** @return the index (0 ip4, 1 ip6, 2 domain) of one enum list_kind bit, or -1. */
int list_kind_index(unsigned kind);

/** @return "ip4", "ip6", "domain" for one enum list_kind bit, or NULL. */
const char *list_kind_word(unsigned kind);

/** Room for list_kinds_text(), NUL included ("ip4,ip6,domain"). */
#define LIST_KINDS_TEXT 16

/**
 * The kinds of @p kinds (enum list_kind bits) as list_kind_word()s joined by ',', in
 * the order ip4, ip6, domain ("ip4,domain"); "" for none; other bits are ignored.
 * @param[out] buf  LIST_KINDS_TEXT bytes
 * @return @p buf.
 */
char *list_kinds_text(unsigned kinds, char buf[LIST_KINDS_TEXT]);

/** @return "free", "registration", "key" (the catalog's `access:` words), or NULL. */
const char *list_access_word(enum list_access a);

/** @return "as-is", "registrable", "both" (the catalog's `domain_mode:` words), or NULL. */
const char *list_domain_mode_word(enum list_domain_mode m);

/**
 * The query name of a test point under @p zone (the zone to query, which may hold
 * a key): ip4 / ip6 points reversed as RFC 5782 says, domain points as written.
 * @return 0; -EINVAL for a point that is not of its kind's form; -ENAMETOOLONG.
 */
int list_test_point_qname(const struct list_test_point *tp, const char *zone, char *buf,
                          size_t len);

/**
 * @return true when @p e is an allowlist: it has at least one non-refusal code and
 * every non-refusal code is class allow (list.dnswl.org).
 */
bool list_is_allowlist(const struct list_entry *e);

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

/** Room for list_code_text(), NUL included ("255.255.255.255"). */
#define LIST_CODE_TEXT 16

/**
 * The dotted-quad text of an address in host order: a code of the catalog or an A
 * record of an answer (0x7f000002 -> "127.0.0.2"). The one place a code becomes text:
 * interpretations, health verdicts and the `lists` command all print it this way.
 * @param[out] buf  LIST_CODE_TEXT bytes
 * @return @p buf.
 */
char *list_code_text(uint32_t code, char buf[LIST_CODE_TEXT]);

/** The interpretation of the A records of one answer. */
struct list_interp {
    enum list_verdict verdict;
    enum scan_class klass; /**< class to report (LISTING, INFO, ALLOW or NONE) */
    enum list_scope scope; /**< LISTED / INFO: the narrowest scope of the
                                listing and informational codes (an ip code
                                beside a range one: the address itself is
                                listed); else LIST_SCOPE_NONE */
    size_t ncodes;         /**< codes kept (at most LIST_MAX_CODES) */
    char codes[LIST_MAX_CODES][LIST_CODE_TEXT]; /**< "127.0.0.2" (list_code_text()) */
    const char *meanings[LIST_MAX_CODES];       /**< borrowed from the catalog, or static text
                                                     such as "unknown code" */
};

/**
 * Interpret the A records (host order) a list returned for one query.
 *
 * Verdict, first rule that applies:
 * 1. any address outside 127/8 -> INVALID;
 * 2. any refusal code -> REFUSAL;
 * 3. any listing or unknown-127/8 code -> LISTED (unknown ones get meaning "unknown code");
 * 4. any informational code -> INFO;
 * 5. any allow code -> ALLOW.
 *
 * Matching one address: an exact code wins over the longest matching net, which wins
 * over masks. Masks apply to addresses in 127.0.0.0/24 only: each mask row whose bits
 * are all set contributes its own meaning, and each set bit no matching row covers
 * becomes "unknown code bit N" (N = the bit's value: 1, 2, 4 ... 128), a listing.
 * Anything else in 127/8 is "unknown code", a listing.
 *
 * Two list-wide rules adjust the classes: in an allowlist (list_is_allowlist()) unknown
 * codes and bits are class allow, never a listing; with `informational: true` every
 * listing (known or unknown) becomes informational.
 *
 * Reported codes: addresses in ascending order, duplicates removed; an address gets one
 * (code, meaning) pair per meaning, so a mask answer such as SURBL 127.0.0.24 is reported
 * as ("127.0.0.24", "PH: phishing"), ("127.0.0.24", "MW: malware"). Addresses outside
 * 127/8 are reported with the meaning "not a DNSBL answer (outside 127.0.0.0/8)". At most
 * LIST_MAX_CODES pairs are kept; the verdict always covers every address.
 * klass is LISTING, INFO or ALLOW for those verdicts, NONE otherwise.
 *
 * @param[in]  e      the list (borrowed for the call)
 * @param[in]  addrs  @p n addresses in host order
 * @param[out] out    the interpretation; meanings borrowed from @p e's catalog or static
 * @return 0 (always succeeds for n >= 1); -EINVAL for n == 0 or a NULL argument.
 */
int list_interpret(const struct list_entry *e, const uint32_t *addrs, size_t n,
                   struct list_interp *out);

#endif
