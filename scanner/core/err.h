/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The one error domain of dnsbl-scan (STYLE rule 7).
 *
 * Functions that can fail return int: 0 on success, a negative errno value
 * (-ENOMEM, -EINVAL, -EAGAIN, ...) or a negative enum scan_err value below
 * -1000. scan_strerror() names both. c-ares, ldns, libyaml and SQLite codes
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
    SCAN_EIO = -1007,       /**< a write or read failed */
};

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
