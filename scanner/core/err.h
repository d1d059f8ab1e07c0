/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one error domain of dnsbl-scan (STYLE rule 7).
 *
 * Functions that can fail return int: 0 on success, a negative errno value
 * (-ENOMEM, -EINVAL, -EAGAIN, ...) or a negative enum scan_err value below
 * -1000. A failed read or write is -EIO (there is no scanner twin of an errno
 * value). scan_strerror() names both. c-ares, ldns, libyaml and SQLite codes
 * are translated at the boundary and never passed through.
 */
#ifndef SCANNER_ERR_H
#define SCANNER_ERR_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

enum scan_err {
    SCAN_EPARSE = -1001,    /**< malformed input: target line, YAML, record syntax */
    SCAN_ECONFIG = -1002,   /**< well-formed but inconsistent configuration */
    SCAN_EDNS = -1003,      /**< malformed DNS message */
    SCAN_ENOTFOUND = -1004, /**< a named thing (list id, zone, file) does not exist */
    SCAN_ELOCKED = -1005,   /**< the state store is locked by another run */
    SCAN_ESTATE = -1006,    /**< the state store is unusable (corrupt, newer schema) */
};

/**
 * The one way to carry a message beside an error code. A function that can say
 * more than its int return takes `struct scan_diag *diag` (may be NULL) as its
 * last parameter and, when it fails, fills it once with one line a person can
 * act on: "FILE:LINE:COLUMN: what is wrong" when a file is at fault,
 * "PATH: reason" for a system failure, otherwise just what is wrong. Callers
 * print diag.msg; on success it is left as it was.
 * @code
 *   struct scan_diag diag = {0};
 *   if ((ret = scan_resolver_new(&ro, &r, &diag)) < 0)
 *       fprintf(stderr, "dnsbl-scan: %s\n", diag.msg);
 * @endcode
 */
struct scan_diag {
    char msg[512];
};

/** Fill @p d (may be NULL) from a printf format. @return @p code, so
 *  `return scan_diag_fail(d, SCAN_EPARSE, "%s:%u: ...", ...);` reads as one step. */
int scan_diag_fail(struct scan_diag *d, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/** @return a static description of @p err (negative errno or enum scan_err). Never NULL. */
const char *scan_strerror(int err);

/** Always-on invariant check: aborts with file, line and function (STYLE rule 9). */
#define SCAN_REQUIRE(x)                                                                            \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            fprintf(stderr, "dnsbl-scan: invariant failed: %s (%s:%d %s)\n", #x, __FILE__,         \
                    __LINE__, __func__);                                                           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/** Recoverable "cannot happen": logs and returns true when @p x is false. */
#define scan_fails_assert(x) scan_fails_assert_impl(!!(x), #x, __FILE__, __LINE__)
bool scan_fails_assert_impl(bool ok, const char *expr, const char *file, int line);

#endif
