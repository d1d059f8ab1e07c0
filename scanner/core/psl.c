/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * scan_registrable_domain() over libpsl. The list is chosen once per process
 * and kept: it is read-only and shared by every check. The one file read here
 * happens in scan_psl_use_system(), which the program calls at start-up; a
 * caller that does not (unit tests, fuzzers) gets libpsl's built-in copy and
 * reads nothing.
 */
#include "scanner/core/psl.h"

#include <errno.h>
#include <stdio.h>
#include <libpsl.h>
#include <string.h>

#include "scanner/core/err.h"

static const psl_ctx_t *chosen;

void scan_psl_use_system(void)
{
    /* The system copy (publicsuffix package) is newer than libpsl's built-in one;
     * psl_latest() falls back to the built-in copy when it is missing. */
    if (!chosen)
        chosen = psl_latest(NULL);
}

static const psl_ctx_t *psl_ctx(void)
{
    if (!chosen)
        chosen = psl_builtin();
    return chosen;
}

int scan_registrable_domain(const char *domain, char *buf, size_t len)
{
    char lower[256];
    size_t n = strlen(domain);
    if (n > 0 && domain[n - 1] == '.')
        n--;
    if (n == 0 || n >= sizeof(lower))
        return n == 0 ? SCAN_ENOTFOUND : -ENAMETOOLONG;
    for (size_t i = 0; i < n; i++) {
        char c = domain[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    lower[n] = '\0';

    const psl_ctx_t *ctx = psl_ctx();
    if (!ctx)
        return -ENOMEM;
    const char *reg = psl_registrable_domain(ctx, lower);
    if (!reg)
        return SCAN_ENOTFOUND;
    size_t rl = strlen(reg);
    if (rl + 1 > len)
        return -ENAMETOOLONG;
    memcpy(buf, reg, rl + 1);
    return 0;
}

int scan_org_domain(const char *d, char *buf, size_t len)
{
    int ret = scan_registrable_domain(d, buf, len);
    if (ret == -ENOMEM)
        return ret;
    if (ret < 0)
        snprintf(buf, len, "%s", d);
    return 0;
}
