/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The Prometheus text file (written atomically). See output/alert/alert.h for the formats and their
 * rules.
 */
#include "output/alert/alert_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/writers/outpath.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- Prometheus --------------------------------------------------------------- */

/* A label value, through the one Prometheus label filter of output/writers/sanitize.c. */
static int put_label(FILE *f, const char *s)
{
    return out_prom_label(f, s, strlen(s));
}

static int put_head(FILE *f, const char *name, const char *help)
{
    return fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name) < 0 ? -EIO : 0;
}

enum per_list { PL_LISTED, PL_ERRORS, PL_UNHEALTHY };

static int put_sample(FILE *f, const char *name, const char *list, const char *kind, uint64_t x)
{
    if (fprintf(f, "%s{list=\"", name) < 0 || put_label(f, list) != 0)
        return -EIO;
    if (*kind && (fputs("\",kind=\"", f) < 0 || put_label(f, kind) != 0))
        return -EIO;
    return fprintf(f, "\"} %" PRIu64 "\n", x) < 0 ? -EIO : 0;
}

/* Health is one sample per (list, kind) reported, with a kind label when the
 * report had one; a list no health was reported for gets one healthy sample. */
static int put_per_list(FILE *f, const struct tally_list **v, size_t n, const char *name,
                        const char *help, enum per_list what)
{
    if (put_head(f, name, help) != 0)
        return -EIO;
    for (size_t i = 0; i < n; i++) {
        bool any = false;

        if (what != PL_UNHEALTHY) {
            if (put_sample(f, name, v[i]->name, "",
                           what == PL_LISTED ? v[i]->listed : v[i]->errors) != 0)
                return -EIO;
            continue;
        }
        for (size_t k = 0; k < TALLY_NKINDS; k++) {
            if (v[i]->health[k] == TH_NONE)
                continue;
            any = true;
            if (put_sample(f, name, v[i]->name, out_tally_kinds[k],
                           v[i]->health[k] == TH_UNHEALTHY) != 0)
                return -EIO;
        }
        if (!any && put_sample(f, name, v[i]->name, "", 0) != 0)
            return -EIO;
    }
    return 0;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int put_seconds(FILE *f, const char *name, int64_t ms)
{
    return fprintf(f, "%s %" PRId64 ".%03d\n", name, ms / 1000, (int)(ms % 1000)) < 0 ? -EIO : 0;
}

int out_prom_format(FILE *f, const struct out_alert_run *run)
{
    const struct tally_list **v;
    int64_t ended;
    int ret = -EIO;

    if (!f || !run || !run->tally)
        return -EINVAL;
    v = out_sorted_lists(run->tally);
    if (!v)
        return -ENOMEM;
    ended = run->ended_ms ? run->ended_ms : wall_ms();
    if (put_per_list(f, v, run->tally->n, "dnsbl_scan_listed",
                     "DNSBL listings (class listing) found by the last run, per list.",
                     PL_LISTED) != 0 ||
        put_per_list(f, v, run->tally->n, "dnsbl_scan_errors",
                     "DNSBL queries of the last run that ended in an error, per list.",
                     PL_ERRORS) != 0 ||
        put_per_list(f, v, run->tally->n, "dnsbl_scan_list_unhealthy",
                     "1 when the list was unhealthy (blocked, not answering) in the last run, "
                     "per kind of target.",
                     PL_UNHEALTHY) != 0)
        goto out;
    if (put_head(f, "dnsbl_scan_targets", "Targets scanned by the last run.") != 0 ||
        fprintf(f, "dnsbl_scan_targets %" PRIu64 "\n", run->targets) < 0)
        goto out;
    if (put_head(f, "dnsbl_scan_run_complete",
                 "1 when the last run completed, 0 when it was interrupted.") != 0 ||
        fprintf(f, "dnsbl_scan_run_complete %d\n", run->complete ? 1 : 0) < 0)
        goto out;
    if (put_head(f, "dnsbl_scan_run_duration_seconds", "Duration of the last run.") != 0 ||
        fprintf(f, "dnsbl_scan_run_duration_seconds %.3f\n",
                run->seconds > 0 ? run->seconds : 0.0) < 0)
        goto out;
    if (put_head(f, "dnsbl_scan_last_run_timestamp_seconds",
                 "Unix time the last run ended, complete or not.") != 0 ||
        put_seconds(f, "dnsbl_scan_last_run_timestamp_seconds", ended) != 0)
        goto out;
    if (run->last_success_ms > 0 &&
        (put_head(f, "dnsbl_scan_last_success_timestamp_seconds",
                  "Unix time the last complete run ended.") != 0 ||
         put_seconds(f, "dnsbl_scan_last_success_timestamp_seconds", run->last_success_ms) != 0))
        goto out;
    if (run->delta) {
        if (put_head(f, "dnsbl_scan_events",
                     "Events of the last run's delta against the previous complete run, "
                     "per type.") != 0)
            goto out;
        for (int i = 0; i < OUT_EV_COUNT; i++) {
            if (fprintf(f, "dnsbl_scan_events{type=\"%s\"} %" PRIu64 "\n", out_event_type_name(i),
                        out_delta_count(run->delta, i)) < 0)
                goto out;
        }
    }
    ret = 0;
out:
    free(v);
    return ret;
}

static int prom_fill(FILE *f, void *arg)
{
    return out_prom_format(f, arg);
}

int out_prom_write(const char *path, const struct out_alert_run *run)
{
    if (!path || !*path || !run || !run->tally)
        return -EINVAL;
    return out_file_replace(path, prom_fill, (void *)run);
}
