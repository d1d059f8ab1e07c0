/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Result records: what a check concludes about one target, handed to the
 * writers (output/) and the state store. Plain structs (STYLE rule 4): the
 * producer fills them, consumers only read them, and everything a record
 * points to is borrowed for the duration of the call it is passed to.
 *
 * Every check shares the head (target, check, list, status, reason). DNSBL
 * results use the dnsbl part; other checks describe themselves with a list of
 * named fields, which the writers render generically (JSON members, CSV
 * "details" column, indented text lines).
 */
#ifndef SCANNER_RESULT_H
#define SCANNER_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum scan_field_type {
    SCAN_F_STR,  /**< .str (NULL renders as JSON null) */
    SCAN_F_INT,  /**< .i */
    SCAN_F_BOOL, /**< .b */
    SCAN_F_STRV, /**< .strv with .n entries: an array of strings */
    SCAN_F_OBJV, /**< .objv with .n entries: an array of objects */
};

struct scan_fields;

/** One named value of a result. */
struct scan_field {
    const char *name;
    enum scan_field_type type;
    size_t n; /**< entries in strv / objv */
    union {
        const char *str;
        int64_t i;
        bool b;
        const char *const *strv;
        const struct scan_fields *objv;
    };
};

/** An ordered set of fields (one JSON object). */
struct scan_fields {
    size_t n;
    const struct scan_field *f;
};

/** The class of a DNSBL answer, from the catalog. */
enum scan_class {
    SCAN_CLASS_NONE = 0, /**< no class: clean NXDOMAIN, or an error */
    SCAN_CLASS_LISTING,  /**< a real listing: actionable */
    SCAN_CLASS_INFO,     /**< informational listing (UCEPROTECT 2/3, reputation) */
    SCAN_CLASS_ALLOW,    /**< allowlist / good reputation: reported as clean */
};

/** @return "listing", "informational", "allow" or NULL for SCAN_CLASS_NONE. */
const char *scan_class_word(enum scan_class c);

struct scan_result {
    const char
        *target; /**< the target as canonical text: "192.0.2.1", "2001:db8::1", "example.test" */
    const char *check;   /**< "dnsbl", "fcrdns", "spf", "spf-auth", "dmarc", "mx" */
    const char *list;    /**< DNSBL: the zone as shown to users (never a key); else NULL */
    const char *list_id; /**< DNSBL: catalog id; else NULL */
    const char *status;  /**< status word, e.g. "listed", "clean", "error", "pass", "valid" */
    const char
        *reason; /**< why, for error/fail/invalid (e.g. "timeout", "blocked"); NULL otherwise */

    /* DNSBL part (check == "dnsbl") */
    enum scan_class klass;
    size_t ncodes;
    const char *const *codes;    /**< ncodes strings, e.g. "127.0.0.2" */
    const char *const *meanings; /**< ncodes strings, parallel to codes */
    const char *txt;             /**< TXT reason (untrusted DNS data), or NULL */
    const char *delist_url;      /**< filled-in delist URL, or NULL */

    /* Other checks: extra named fields, in order. */
    struct scan_fields extra;
};

/** Health of one list in this run (one per list, before its results). */
struct scan_health {
    const char *list; /**< zone as shown (never a key) */
    const char *list_id;
    bool healthy;
    const char *reason; /**< NULL when healthy; else "blocked", "unhealthy" */
    const char *detail; /**< a sentence: what was seen and what to do; NULL when healthy */
};

#endif
