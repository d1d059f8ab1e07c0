/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * What the files of scanner/targets share and nothing outside this room may
 * include: the limits, the state behind struct scan_targets, and the helpers
 * one file defines and another calls. target.h stays the public API.
 *
 * spec.c    pure parsing of one spec, reserved address space
 * source.c  sources (arguments, files, the stdin spool), lines, messages
 * set.c     the tagged sets (core hash table, name arena) and the first pass
 * target.c  the second pass (the walk) and the lifecycle
 */
#ifndef SCAN_TARGETS_TARGET_INT_H
#define SCAN_TARGETS_TARGET_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "scanner/core/arena.h"
#include "scanner/core/hashset.h"
#include "scanner/targets/target.h"

#define LINE_KEEP   4096        /**< bytes of a line kept; the rest must be a comment */
#define READ_CHUNK  65536       /**< bytes per fread() */
#define MAX_REPORTS 100         /**< bad lines (and reserved warnings) reported one by one */
#define SEQ_LIMIT   0x7ffffffe  /**< valid lines; seq + 1 must fit in 31 bits of a tag */
#define TAG_COVERED 0x80000000u /**< set tag bit: the single lies in an earlier range */

/* ------------------------------------------------------------------------- */
/* Reserved address space (spec.c)                                           */

struct resv {
    enum scan_target_type type;
    uint8_t net[16];
    unsigned prefix;
    const char *why;
};

extern const struct resv scan_resv_tab[];
extern const size_t scan_nresv;

unsigned scan_family_bits(enum scan_target_type type);
void scan_mask_host(uint8_t *a, unsigned bits, unsigned plen);
uint32_t scan_tail32(enum scan_target_type type, const uint8_t *a);
int scan_block_rel(const uint8_t *net, unsigned q, const uint8_t *addr, unsigned p);
bool scan_is_blank(char c);

/* ------------------------------------------------------------------------- */
/* Tagged sets (set.c), over the core hash table                            */

/*
 * Fixed-length keys with a 32-bit tag each (never 0: an all-zero entry is an
 * empty slot), at most 3/4 full. An IPv4 entry costs 8 bytes, an IPv6 one 20:
 * the whole per-line memory of the scan.
 */
struct kset {
    struct scan_hashset h; /**< entries: klen key bytes, then the tag */
    size_t klen;
};

/** A domain's entry: 16 bytes, plus its name and NUL in the arena. */
struct dent {
    const char *name; /**< in dset.names */
    uint32_t hash, tag;
};

/* Domain names: struct dent entries, the names copied into an arena freed
 * with the set. */
struct dset {
    struct scan_hashset h;
    struct scan_arena names;
};

void scan_kset_init(struct kset *s, size_t klen);
void scan_kset_deinit(struct kset *s);
uint32_t scan_kset_get(const struct kset *s, const uint8_t *key);
void scan_dset_init(struct dset *d);
uint32_t scan_dset_get(const struct dset *d, const char *name);
void scan_dset_deinit(struct dset *d);

/* ------------------------------------------------------------------------- */
/* Sources and the scan state (source.c)                                      */

struct skip {
    uint32_t lo, hi; /**< offsets into the range, hi exclusive */
};

struct range {
    uint8_t addr[16];
    enum scan_target_type type;
    unsigned prefix;
    uint32_t seq;
    bool covered; /**< inside an earlier range: nothing to walk */
    struct skip *skip;
    size_t nskip, capskip;
};

enum src_kind { SRC_ARG, SRC_FILE, SRC_STDIN };

struct source {
    enum src_kind kind;
    const char *text; /**< the argument (borrowed) */
    const char *path; /**< SRC_FILE: the name after '@' */
    const char *bad;  /**< SRC_ARG: why the argument itself is wrong, or NULL */
    FILE *spool;      /**< stdin and non-regular files: the unlinked copy */
    bool stat_ok;     /**< st below was taken in the first pass */
    struct stat st;
};

struct reader {
    FILE *f;
    FILE *tee; /**< first pass of a spooled source: copy every byte here */
    size_t pos, len;
    bool eof;
    char buf[READ_CHUNK];
};

enum ts_state { ST_NEW, ST_READY, ST_DONE, ST_FAILED };

struct scan_targets {
    struct scan_target_opts opts;
    uint64_t by_type[3]; /**< what next() will return, per enum scan_target_type */
    struct source *src;
    size_t nsrc;
    enum ts_state state;
    int fail_ret; /**< what next() keeps returning once failed */

    struct kset set4, set6; /**< singles: addr -> (first seq + 1) | TAG_COVERED */
    struct kset rix4, rix6; /**< ranges: (prefix, network) -> index + 1 */
    struct dset doms;       /**< domains: name -> first seq + 1 */
    struct range *ranges;
    size_t nranges, capranges;
    uint64_t pmask4; /**< bit p - 8: some IPv4 range is a /p */
    uint64_t pmask6; /**< bit p - 112: some IPv6 range is a /p */

    /* The cursor both passes share. */
    size_t si;       /**< current source */
    bool open;       /**< rd is attached to src[si] */
    FILE *own;       /**< file opened for src[si] (closed at its end) */
    uint64_t lineno; /**< line number inside src[si] */
    uint32_t nvalid; /**< valid spec lines seen so far: the next seq */

    /* next(): the range being walked */
    const struct range *walk;
    uint32_t off, size;
    size_t wskip;

    uint64_t nbad, nres; /**< first pass: bad lines, reserved warnings */
    struct reader rd;
    char line[LINE_KEEP + 1];
};

void scan_src_say(struct scan_targets *ts, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void scan_src_where(const struct scan_targets *ts, char *buf, size_t len);
void scan_src_report_bad(struct scan_targets *ts, const char *text, size_t n, const char *why);
void scan_src_report_reserved(struct scan_targets *ts, const char *text, const struct scan_spec *sp,
                              uint64_t nres);
int scan_src_next(struct scan_targets *ts, bool first, size_t *n, const char **why);

/* ------------------------------------------------------------------------- */
/* First pass (set.c)                                                         */

bool scan_is_v4(enum scan_target_type type);
uint32_t scan_range_size(const struct range *r);
struct range *scan_range_find(const struct scan_targets *ts, enum scan_target_type type,
                              const uint8_t *addr, unsigned prefix);

#endif
