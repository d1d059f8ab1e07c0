/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Values the command line, the job file and check_rbl's options all read:
 * growing string vectors, whole numbers, durations and look-back windows. Here,
 * below all three, so none of them calls into another for these.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/opts.h"
#include "scanner/core/err.h"

int cli_strv_push(struct cli_strv *a, const char *s)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 8;
        const char **v = realloc(a->v, cap * sizeof(*v));
        if (!v)
            return -ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = s;
    return 0;
}

int cli_parse_duration(const char *s)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v < 0)
        return SCAN_EPARSE;
    double ms;
    if (strcmp(end, "ms") == 0)
        ms = v;
    else if (strcmp(end, "s") == 0 || *end == '\0')
        ms = v * 1000;
    else if (strcmp(end, "m") == 0)
        ms = v * 60000;
    else
        return SCAN_EPARSE;
    if (ms < 1 || ms > CLI_DURATION_MS_HI)
        return SCAN_EPARSE;
    return (int)ms;
}

int cli_parse_long(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi)
        return SCAN_EPARSE;
    *out = v;
    return 0;
}

long long cli_parse_since(const char *s)
{
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}, {"w", 7 * 86400e3}};
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || !isfinite(v) || v <= 0)
        return SCAN_EPARSE;
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(end, units[i].unit) == 0) {
            double ms = v * units[i].ms;
            return ms < 60e3 || ms > 3650 * 86400e3 ? SCAN_EPARSE : (long long)ms;
        }
    }
    return SCAN_EPARSE;
}
