/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to scanner/catalog: the catalog's structure and arena, and the
 * loader's helpers shared by catalog_load.c, catalog_rows.c, catalog_nodes.c
 * and catalog_generic.c. Nothing outside this folder includes it.
 */
#ifndef SCANNER_CATALOG_CATALOG_INT_H
#define SCANNER_CATALOG_CATALOG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "scanner/catalog/catalog.h"
#include "scanner/core/arena.h"
#include "scanner/core/err.h"
#include "scanner/core/yamlload.h"
#include "scanner/core/yamlnode.h"

/* Limits on untrusted input: a catalog is a few dozen lists; these are far above
 * any real one and keep a hostile file (aliases repeating one big node) cheap. */
#define CAT_MAX_FILE        LIST_YAML_MAX_BYTES
#define CAT_MAX_ENTRIES     4096
#define CAT_MAX_CODES       1024
#define CAT_MAX_TOTAL_CODES 65536
#define CAT_MAX_POINTS      64

struct list_catalog {
    struct list_entry *entries;
    size_t n, cap;
    size_t total_codes;
    struct scan_arena arena; /* zeroed by calloc: empty, 16 KiB blocks */
};

/* One load: the document being read, its name (an arena copy: also list_entry::file)
 * and where its messages go, read in the catalog's words (list_yaml_words). */
struct loader {
    struct list_catalog *cat;
    struct scan_yaml y;
    yaml_document_t doc;
};

/* Arena (catalog_nodes.c): zeroed memory and copies that live as long as the catalog. */
void *list_cat_alloc(struct list_catalog *c, size_t size);
char *list_cat_strdup(struct list_catalog *c, const char *s);

/* Messages and nodes (catalog_nodes.c); the node reads themselves are
 * scanner/core/yamlnode.h's, in the catalog's words. */
extern const struct scan_yaml_dialect list_yaml_words;
void list_errno_msg(struct scan_diag *diag, const char *path, int ret);
int list_text(struct loader *ld, yaml_node_t *n, const char *key, const char **out);

/* Syntax checks (catalog_nodes.c). */
bool list_is_label_char(char c);
bool list_id_ok(const char *s);
const char *list_name_problem(const char *s, bool allow_key, bool *has_key);
bool list_env_name_ok(const char *s);
int list_ip4_parse(const char *s, uint32_t *out);
bool list_all_digits(const char *s, size_t max);
bool list_date_ok(const char *s);

/* Code rows and test points (catalog_rows.c), indexed by list_kind_index(). */
extern const char *const list_default_listed[3];
extern const char *const list_default_unlisted[3];
extern const char *const list_kind_names[3];
int list_load_scope(struct loader *ld, yaml_node_t *n, enum list_scope *out);
int list_load_codes(struct loader *ld, yaml_node_t *n, struct list_entry *e);
int list_load_test_points(struct loader *ld, yaml_node_t *n, struct list_entry *e);

/* Entries (catalog_load.c): add @p e (copied) to the catalog. */
int list_catalog_append(struct list_catalog *c, const struct list_entry *e);

#endif
