/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Report builder: how record checks (FCrDNS, SPF, DMARC, MX) build a
 * struct scan_result with named extra fields without managing memory by
 * hand. Every string is copied into the report; scan_report_result() returns
 * a view valid until scan_report_free().
 *
 * Usage:
 * @code
 *   struct scan_report *r = scan_report_new("example.test", SCAN_CHECK_SPF);
 *   scan_report_status(r, SCAN_ST_INVALID, SCAN_R_TOO_MANY_LOOKUPS);
 *   scan_report_str(r, "record", rec);
 *   scan_report_int(r, "lookups", 11);
 *   struct scan_report_obj *p = scan_report_obj_add(r, "problems");
 *   scan_report_obj_str(p, "severity", "error");
 *   scan_report_obj_str(p, "message", "11 DNS-querying terms (limit 10)");
 *   const struct scan_result *res = scan_report_result(r);  // hand to writers
 *   scan_report_free(r);
 * @endcode
 * Errors are sticky: after an allocation failure every call is a no-op and
 * scan_report_result() returns NULL, so callers check once at the end.
 *
 * Several results. A check normally yields exactly one result per (target,
 * check). A check that yields one per item it found (DKIM: one per selector)
 * starts each further result with scan_report_add(); the engine hands every
 * one of them to the writers, in order:
 * @code
 *   struct scan_report *r = scan_report_new("example.test", SCAN_CHECK_DKIM);
 *   ...fill the first result...
 *   struct scan_report *more = scan_report_add(r);   // same target and check
 *   ...fill it...
 *   for (size_t i = 0; i < scan_report_count(r); i++)
 *       emit(scan_report_result_at(r, i));
 *   scan_report_free(r);                             // frees every result
 * @endcode
 */
#ifndef SCANNER_REPORT_H
#define SCANNER_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/core/result.h"
#include "scanner/dns/view.h"

struct scan_report;
struct scan_report_obj;

/**
 * A report for (target, check). Until scan_report_status() is called its status
 * is error with reason internal: a check that forgets to decide says so.
 * @param[in] target  copied
 * @param[in] check   one enum scan_check bit
 * @return the report (caller frees with scan_report_free()), or NULL on ENOMEM.
 */
struct scan_report *scan_report_new(const char *target, enum scan_check check);

/** Free; NULL is a no-op. */
void scan_report_free(struct scan_report *r);

/** Set the status and its reason (SCAN_R_NONE for none). The words and the outcome
 *  of the result come from these (scan_result_set()). */
void scan_report_status(struct scan_report *r, enum scan_status st, enum scan_reason why);

/** Append a field to the top level (copies name and value; value may be NULL). */
void scan_report_str(struct scan_report *r, const char *name, const char *value);
/** Append a record field from DNS bytes (a TXT record, NUL bytes included) in the
 *  scanner's one rule for them (scanner/core/text.h, SCAN_TEXT_HEX: every byte
 *  outside printable ASCII as \xNN, a backslash doubled), as the SPF record is:
 *  every byte shown, none able to act on a terminal, the bytes readable back. */
void scan_report_strn(struct scan_report *r, const char *name, const char *value, size_t len);
void scan_report_int(struct scan_report *r, const char *name, int64_t value);
void scan_report_bool(struct scan_report *r, const char *name, int value);
/** Append a string to the array field @p name (created on first use, at this position). */
void scan_report_strv_add(struct scan_report *r, const char *name, const char *value);

/** Create the array field @p name now, empty until something is added, so that an
 *  empty list renders as [] (a stable JSON shape) and keeps its position. */
void scan_report_strv_init(struct scan_report *r, const char *name);
void scan_report_objv_init(struct scan_report *r, const char *name);
void scan_report_obj_strv_init(struct scan_report_obj *o, const char *name);

/** Append a new object to the array field @p name (created on first use). @return the
 *  object, borrowed until scan_report_free(), or NULL after an allocation failure
 *  (the obj functions accept NULL and do nothing). */
struct scan_report_obj *scan_report_obj_add(struct scan_report *r, const char *name);
void scan_report_obj_str(struct scan_report_obj *o, const char *name, const char *value);
void scan_report_obj_int(struct scan_report_obj *o, const char *name, int64_t value);
void scan_report_obj_bool(struct scan_report_obj *o, const char *name, int value);
void scan_report_obj_strv_add(struct scan_report_obj *o, const char *name, const char *value);

/** @return the assembled result, borrowed until scan_report_free() or the next
 *  modification; NULL after an allocation failure. */
const struct scan_result *scan_report_result(struct scan_report *r);

/**
 * Start another result of the same target and check after the last one of @p r.
 * @param[in] r  the report scan_report_new() returned (the head)
 * @return the new result's builder, borrowed until scan_report_free(@p r) (which
 *         frees it); NULL on ENOMEM, which is sticky for the whole report.
 */
struct scan_report *scan_report_add(struct scan_report *r);

/** @return how many results @p r holds: 1 plus the scan_report_add() calls. */
size_t scan_report_count(const struct scan_report *r);

/** @return result @p i (< scan_report_count()), assembled as scan_report_result()
 *  does; NULL after an allocation failure anywhere in the report. */
const struct scan_result *scan_report_result_at(struct scan_report *r, size_t i);

/** A record check over one argument, in the replay style of scanner/dns/view.h:
 *  0 with a report (caller frees), -EAGAIN, or an error. */
typedef int scan_check_fn(struct scan_view *v, const void *arg, struct scan_report **out);

/** A check and its argument, for scan_check_call_run(). */
struct scan_check_call {
    scan_check_fn *fn;
    const void *arg; /**< handed to fn as is */
};

/**
 * scan_view_run_fn (scanner/dns/view.h) over a struct scan_check_call, so
 * scan_view_run() and scan_view_drive() hold a report check to the replay
 * contract: the engine's step and the tests' driver call checks through it.
 * @param[in] call  a struct scan_check_call (borrowed)
 * @param[out] out  the check's report (a struct scan_report *, caller frees), or NULL
 * @return the check's code.
 */
int scan_check_call_run(struct scan_view *v, void *call, void **out);

#endif
