/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Bounded YAML loading for every YAML file the program reads (catalogs, job
 * files): libyaml's event parser drives the build of an ordinary
 * yaml_document_t, and the limits below are checked event by event, before
 * any tree grows past them.
 *
 * Why not yaml_parser_load(): it builds the whole tree first, and libyaml's
 * scanner spends time proportional to the flow nesting depth on every token,
 * so a 200 KB file of nested brackets took 18 s there. Here the first event
 * past the depth limit stops the parse, and the scanner never gets more than
 * its own look-ahead (1024 characters) beyond it.
 *
 * Limits (documented in the README and lists/README.md):
 * - LIST_YAML_MAX_BYTES: a file is at most 1 MiB; reading stops one byte past it;
 * - LIST_YAML_MAX_DEPTH: at most 64 nested sequences and mappings;
 * - LIST_YAML_MAX_EXPANDED: the tree with every alias expanded has at most
 *   2^18 nodes (262,144), so a walk over it is cheap however aliases repeat one big node;
 * - one document per file; an alias may only name a node that is complete
 *   (no cycles).
 * Every error is one line `FILE:LINE:COLUMN: what` (1-based).
 *
 * Usage:
 * @code
 *   char *buf; size_t len; struct scan_diag diag = {0};
 *   yaml_document_t doc;
 *   ret = list_yaml_read_file(path, &buf, &len);            // at most MAX_BYTES + 1
 *   ret = list_yaml_load(&(struct list_yaml_src){.name = path, .buf = buf, .len = len,
 *                                                 .what = "a job file"}, &doc, &diag);
 *   yaml_node_t *root = yaml_document_get_root_node(&doc);  // NULL: empty file
 *   ...                                                     // read it: yamlnode.h
 *   yaml_document_delete(&doc);
 *   free(buf);
 * @endcode
 */
#ifndef SCANNER_YAMLLOAD_H
#define SCANNER_YAMLLOAD_H

#include <stddef.h>
#include <yaml.h>

#include "scanner/core/err.h"

/** The largest YAML file read, in bytes. */
#define LIST_YAML_MAX_BYTES (1u << 20)
/** The deepest nesting of sequences and mappings accepted (the root collection is 1). */
#define LIST_YAML_MAX_DEPTH 64
/** The most nodes the document may hold with every alias expanded. */
#define LIST_YAML_MAX_EXPANDED (1u << 18)

/** One YAML text to load. Plain struct: the caller fills it. */
struct list_yaml_src {
    const char *name; /**< the file name used in messages */
    const char *buf;  /**< @c len bytes (borrowed for the call; need not end in NUL) */
    size_t len;
    const char *what; /**< what one file is, for "a second YAML document: %s holds one",
                           e.g. "a job file"; NULL: "the file" */
};

/**
 * Parse one YAML document within the limits.
 * @param[in]  src  borrowed for the call
 * @param[out] doc  on 0 an initialised document (caller deletes it with
 *                  yaml_document_delete(); its root is NULL for an empty file); on
 *                  failure nothing to delete
 * @param[out] diag on failure `FILE:LINE:COLUMN: what` (or `FILE: out of memory`);
 *                  may be NULL
 * @return 0; SCAN_EPARSE (syntax, depth, aliases, a second document); -EFBIG (more
 *         than LIST_YAML_MAX_BYTES); -EINVAL; -ENOMEM.
 */
int list_yaml_load(const struct list_yaml_src *src, yaml_document_t *doc, struct scan_diag *diag);

/**
 * Read a file for list_yaml_load(): the whole file, or LIST_YAML_MAX_BYTES + 1
 * bytes when it is longer (enough for list_yaml_load() to say where the limit
 * was crossed without reading the rest). Works on pipes and FIFOs too.
 * @param[out] out  caller frees with free(); NUL-terminated; NULL on failure
 * @param[out] len  bytes read
 * @return 0, a negative errno (-ENOENT, -EACCES, -EISDIR, ...), -ENOMEM.
 */
int list_yaml_read_file(const char *path, char **out, size_t *len);

#endif
