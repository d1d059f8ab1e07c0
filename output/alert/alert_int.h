/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to output/alert: the run tally that nagios.c keeps and prom.c reads.
 * nagios.c holds the tally and the Nagios status line, prom.c the Prometheus
 * text file, spawn.c the --on-change command. Nothing outside output/alert
 * includes this header; the public API is output/alert/alert.h.
 */
#ifndef OUTPUT_ALERT_ALERT_INT_H
#define OUTPUT_ALERT_ALERT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "output/alert/alert.h"

/* The kinds health is reported for; index 0 is a report without a kind (the
 * whole list). */
#define TALLY_NKINDS 4
extern const char *const out_tally_kinds[TALLY_NKINDS];

enum tally_health { TH_NONE = 0, TH_HEALTHY, TH_UNHEALTHY };

struct tally_list {
    char *key;  /* list_id, or the zone when there is no id */
    char *name; /* zone as shown */
    uint64_t results, listed, errors;
    uint64_t failed; /* errors other than unhealthy or blocked: a query that failed */
    bool unhealthy;  /* for some kind */
    enum tally_health health[TALLY_NKINDS]; /* per kind reported */
    bool applies[TALLY_NKINDS];             /* a result for a target of this kind came */
};

/* The targets the Nagios line names: the first few of the DNSBL results. */
#define TALLY_SUBJECTS 3

struct out_tally {
    struct tally_list *v;
    size_t n, cap;
    size_t last; /* results arrive list by list: try the last hit first */
    uint64_t listed, answered;
    char *subject[TALLY_SUBJECTS]; /* distinct DNSBL targets, in order of arrival */
    size_t nsubject;
    bool many; /* more distinct targets than TALLY_SUBJECTS */
    /* --expand (check_rbl's -H NAME): a name that gave no address, or whose lookup failed */
    char *expand_target, *expand_reason;
    bool expand_error;
};

/* The lists sorted by zone (stable output for people and diffs). Caller frees the array. */
const struct tally_list **out_sorted_lists(const struct out_tally *t);

#endif
