/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DKIM selector data (lists/dkim-selectors.yaml, compiled in): common
 * provider selectors, tried for every domain, and the SPF/MX fingerprints
 * that let the dkim check infer a domain's provider. The schema is in
 * lists/README.md.
 *
 * Usage:
 * @code
 *   struct list_selectors *ls = NULL;
 *   struct scan_diag diag = {0};
 *   if (list_selectors_load_default(&ls, &diag) != 0) ...;
 *   struct scan_dkim_selectors sel = *list_selectors_get(ls);
 *   sel.given = user_selectors; sel.ngiven = n;
 *   ...scan...
 *   list_selectors_free(ls);
 * @endcode
 */
#ifndef LISTS_SELECTORS_H
#define LISTS_SELECTORS_H

#include <stddef.h>

#include "scanner/checks/checks.h"
#include "scanner/core/err.h"

struct list_selectors;

/**
 * Parse selector data held in memory, within the limits of every YAML file
 * (scanner/core/yamlload.h) and in the catalog's words.
 * @param[in] name  used in error messages (borrowed for the call)
 * @param[in] buf   @p len bytes, borrowed for the call; need not end in NUL
 * @param[in] len   bytes in @p buf
 * @param[out] out  caller frees with list_selectors_free(); NULL on failure
 * @param[out] diag on failure one line "NAME:LINE:COLUMN: what" (may be NULL)
 * @return 0, SCAN_EPARSE (YAML syntax, nesting, aliases, a second document),
 *         SCAN_ECONFIG (the schema), -EFBIG (over LIST_YAML_MAX_BYTES), -ENOMEM.
 */
int list_selectors_parse(const char *name, const char *buf, size_t len, struct list_selectors **out,
                         struct scan_diag *diag);

/** Parse the built-in data. Same contract as list_selectors_parse(). */
int list_selectors_load_default(struct list_selectors **out, struct scan_diag *diag);

/** @return the selectors (given: none), borrowed until list_selectors_free(). */
const struct scan_dkim_selectors *list_selectors_get(const struct list_selectors *ls);

/** Free; NULL is a no-op. */
void list_selectors_free(struct list_selectors *ls);

#endif
