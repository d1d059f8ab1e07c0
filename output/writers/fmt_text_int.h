/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to the text format: what fmt_text.c (collecting rows per target as
 * results arrive) and fmt_text_print.c (laying them out at out_text_finish())
 * share. Only those two include it; calls run one way, writer.c -> both, and
 * neither calls the other.
 */
#ifndef OUTPUT_WRITERS_FMT_TEXT_INT_H
#define OUTPUT_WRITERS_FMT_TEXT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "output/writers/fmt.h"

/** Order of rows within a target. */
enum text_band { BAND_LISTED, BAND_INFO, BAND_ERROR, BAND_CLEAN, BAND_CHECK };

struct text_row {
    size_t rank;         /**< first-seen position of the row's list or check */
    enum text_band band; /**< DNSBL outcome band, or BAND_CHECK */
    enum scan_outcome outcome;
    const char *color; /**< static SGR parameter, or NULL */
    char *status;      /**< sanitized, like every string below */
    char *name;        /**< list zone or check name */
    char *facts;       /**< the rest of the line; may be "" */
};

/** Lists a target was not checked on, for one reason (blocked, unhealthy). */
struct text_skip {
    char *reason; /**< sanitized */
    char *names;  /**< sanitized, ", "-separated */
    size_t n;
};

struct text_group {
    char *target; /**< sanitized */
    char *pool;   /**< sanitized job-file pool label, or NULL */
    char *via;    /**< sanitized "; "-joined --expand vias of the first result, or NULL */
    struct text_row *rows;
    size_t n;
    size_t cap;
    struct text_skip *skips;
    size_t nskips;
    size_t capskips;
};

/** Why lists were not checked: one per (reason, finding), with every list it names. */
struct text_note {
    char *reason; /**< sanitized */
    char *text;   /**< the health detail without its leading zone, sanitized; may be "" */
    char *names;  /**< "zone (kind), zone (kind)" */
};

struct out_text {
    struct text_group *groups;
    size_t ngroups;
    size_t capgroups;
    char **keys; /**< rank table of lists: "L:<list id>", first-seen order */
    size_t nkeys;
    size_t capkeys;
    struct text_note *notes;
    size_t nnotes;
    size_t capnotes;
};

#endif
