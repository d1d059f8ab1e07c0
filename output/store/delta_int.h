/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to output/store: the JSON primitives delta.c (the delta document)
 * and delta_result.c (a result's canonical JSON and fingerprint) share. They
 * live in delta.c; calls run one way, delta_result.c -> delta.c. Nothing outside
 * those two files includes this header; the public API is output/store/delta.h.
 */
#ifndef OUTPUT_STORE_DELTA_INT_H
#define OUTPUT_STORE_DELTA_INT_H

#include <stdio.h>

#include "output/store/delta.h"

/* @p s (not NULL) as a JSON string literal. @return 0 or -EIO. */
int delta_json_str(FILE *f, const char *s);
/* `,"name":value`, the value a JSON string, or null for NULL. @return 0 or -EIO. */
int delta_json_member_str(FILE *f, const char *name, const char *value);

#endif
