/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The parts of a run that cli/scan.c puts in order, each in its own file:
 * choosing the lists (cli/select.c), the store's path and delivering what a run
 * found to its outputs (cli/delivery.c). Private to cli/.
 */
#ifndef DNSBL_SCAN_CLI_RUN_H
#define DNSBL_SCAN_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/opts.h"
#include "output/alert/alert.h"
#include "output/store/delta.h"
#include "output/store/state.h"
#include "output/writers/outpath.h"
#include "output/writers/writer.h"
#include "scanner/catalog/catalog.h"

/* ---- choosing the lists (cli/select.c) ------------------------------------ */

/** The lists of the run (--list, the job file, or every active list that applies)
 *  with their query zones; keyed zones resolved, key variables then dropped from
 *  the environment. @return 0, or a negative error after a message. */
int cli_select_lists(const struct cli_opts *o, const struct list_catalog *cat,
                     const struct list_entry ***sel, char ***zones, size_t *n);

/** Job-file pools with their own lists: one row of @p nsel flags per pool
 *  (*out NULL when no pool names lists). @return 0, or a negative error after a message. */
int cli_list_groups(const struct cli_opts *o, const struct list_catalog *cat,
                    const struct list_entry *const *sel, size_t nsel, bool **out);

/** Warn when the run plans more queries than a list allows a day. */
void cli_warn_daily_limits(const struct list_entry *const *lists, size_t n,
                           const uint64_t by_type[3]);

/* ---- the store and delivery (cli/delivery.c) ------------------------------ */

/** The store's path: --state, the job file's `state:`, or the default for job
 *  files and `history`; NULL when the run has no store. */
const char *cli_state_path(const struct cli_opts *o, char *buf, size_t len, bool *is_default);

/*
 * What a run hands to its outputs and how that went. With a store, the
 * document holds the events earlier runs could not deliver, then the run's own;
 * they stay pending in the store until every output took them (README
 * "Delivery"). Without a store there are no events, but a --prom file that
 * cannot be written is still a failed delivery.
 */
struct delivery {
    const struct cli_opts *o;
    struct out_state *st; /* NULL without a store */
    int64_t run_id;
    struct out_delta *delta; /* the document (NULL without a store) */
    FILE *doc;               /* its JSON: file.f (--delta), or an anonymous file */
    struct out_file file;    /* --delta, written atomically; file.f NULL without it */
    char why[1200];          /* the first failure, one line: a record the run keeps until
                                it reports (delivery goes on after a failure), not a
                                message carrier */
};

/** Remember the first failure of a delivery (one line). */
void cli_delivery_failed(struct delivery *dl, const char *why);

/** Check that --delta and --prom can be written before the run starts.
 *  @return 0, or a negative code with what is wrong in @p diag. */
int cli_prepare_outputs(const struct cli_opts *o, struct scan_diag *diag);

/** Commit the run to the store and build the delta document. @return 0, or a
 *  negative code when the run could not be recorded (said on standard error). */
int cli_record_run(struct delivery *dl, bool complete, enum out_format fmt);

/** Hand the run's results and document to every output (see cli/delivery.c). */
void cli_deliver(struct delivery *dl, const struct out_alert_run *arun,
                 const struct out_tally *tally, struct cli_run_outcome *ro);

#endif
