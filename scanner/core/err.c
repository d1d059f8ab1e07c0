/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * scan_strerror() and the recoverable-assertion helper.
 */
#include "scanner/core/err.h"

#include <stdarg.h>
#include <string.h>

const char *scan_strerror(int err)
{
    switch (err) {
    case 0:
        return "success";
    case SCAN_EPARSE:
        return "malformed input";
    case SCAN_ECONFIG:
        return "invalid configuration";
    case SCAN_EDNS:
        return "malformed DNS message";
    case SCAN_ENOTFOUND:
        return "not found";
    case SCAN_ELOCKED:
        return "state store is locked by another run";
    case SCAN_ESTATE:
        return "state store is unusable";
    default:
        break;
    }
    if (err < 0 && err > -1000)
        return strerror(-err);
    return "unknown error";
}

int scan_diag_fail(struct scan_diag *d, int code, const char *fmt, ...)
{
    va_list ap;

    if (!d)
        return code;
    va_start(ap, fmt);
    vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
    va_end(ap);
    return code;
}

bool scan_fails_assert_impl(bool ok, const char *expr, const char *file, int line)
{
    if (ok)
        return false;
    fprintf(stderr, "dnsbl-scan: internal check failed: %s (%s:%d)\n", expr, file, line);
    return true;
}
