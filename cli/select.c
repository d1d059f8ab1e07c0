/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Which lists a run asks: --list names (catalog ids or zones; a zone the
 * catalog lacks is a generic RFC 5782 list), the job file's lists and pools,
 * or every active list that applies; keyed zones resolved from their
 * variables, which then leave the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/exit.h"
#include "cli/run.h"
#include "output/alert/alert.h"
#include "output/store/delta.h"
#include "output/store/state.h"
#include "output/writers/outpath.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"
#include "scanner/targets/target.h"

#define PROG "dnsbl-scan"

/* Every key variable the catalog names leaves the environment, so nothing this
 * process starts (the --on-change command) inherits a key. */
static void drop_key_variables(const struct list_catalog *cat)
{
    for (size_t j = 0; j < list_catalog_count(cat); j++) {
        const struct list_entry *e = list_catalog_get(cat, j);
        if (e->key_env)
            unsetenv(e->key_env);
    }
}

/*
 * The zone to query for one chosen list, or why not. A keyed list that was asked
 * for by name (--list or a job file's lists:) and has no key is an error: the run
 * would otherwise check fewer lists than asked and look complete. Keyed lists that
 * are only in the default set are skipped without a word, as they always were. A
 * key that cannot be a DNS label is refused either way: it is set, so the user
 * meant to use it. Messages name the list and the variable, never the key.
 * @return 0 (zone in @p zone), 1 (skip this list), or SCAN_ECONFIG (reported).
 */
static int resolve_zone(const struct list_entry *e, bool named, char *zone, size_t len)
{
    int r = list_query_zone(e, zone, len);
    const char *var = e->key_env ? e->key_env : "?";
    if (r == -ENOKEY) {
        if (!named)
            return 1;
        fprintf(stderr,
                PROG ": %s (%s) needs its key in the environment variable %s, which is unset "
                     "or empty\n",
                e->id, e->zone, var);
        return SCAN_ECONFIG;
    }
    if (r == -EINVAL) {
        const char *key = e->key_env ? getenv(e->key_env) : NULL;
        fprintf(stderr, PROG ": %s (%s): the key in %s cannot go into a DNS name: %s\n", e->id,
                e->zone, var,
                key && strlen(key) > 63
                    ? "it is longer than 63 characters"
                    : "it holds a character other than letters, digits and '-'");
        return SCAN_ECONFIG;
    }
    if (r != 0) {
        fprintf(stderr, PROG ": warning: %s: the zone to query is too long; not queried\n",
                e->zone);
        return 1;
    }
    return 0;
}

/* Mark the lists @p names names in @p picked (catalog order). */
static int pick_named(const struct list_catalog *cat, const struct cli_strv *names, bool *picked)
{
    for (size_t i = 0; i < names->n; i++) {
        const struct list_entry *e = list_catalog_find(cat, names->v[i]);
        if (!e) {
            fprintf(stderr,
                    PROG ": --list '%s': no such list id or zone in the catalog "
                         "(see dnsbl-scan lists)\n",
                    names->v[i]);
            return SCAN_ENOTFOUND;
        }
        for (size_t j = 0; j < list_catalog_count(cat); j++)
            if (list_catalog_get(cat, j) == e)
                picked[j] = true;
    }
    return 0;
}

/* Whether some target spec uses the run's own lists (group 0) rather than its pool's. */
static bool run_lists_used(const struct cli_opts *o)
{
    if (!o->target_group)
        return true;
    for (size_t i = 0; i < o->targets.n; i++)
        if (o->target_group[i] == 0)
            return true;
    return false;
}

/*
 * Choose the lists to query: the run's (--list, a job file's `lists:`, or the
 * default set) for targets that use them, plus the lists each job-file pool names
 * for itself. Fills @p sel/@p zones (zones are heap strings that may hold keys:
 * never printed). Afterwards, whatever the outcome, the key variables are gone
 * from the environment (drop_key_variables()).
 */
int cli_select_lists(const struct cli_opts *o, const struct list_catalog *cat,
                     const struct list_entry ***sel, char ***zones, size_t *n)
{
    size_t total = list_catalog_count(cat), k = 0;
    bool *picked = NULL, *named = NULL;
    int ret = 0;
    *sel = calloc(total ? total : 1, sizeof(**sel));
    *zones = calloc(total ? total : 1, sizeof(**zones));
    picked = calloc(total ? total : 1, sizeof(bool));
    named = calloc(total ? total : 1, sizeof(bool));
    if (!*sel || !*zones || !picked || !named) {
        ret = -ENOMEM;
        goto out;
    }
    bool run_lists = run_lists_used(o);
    if (run_lists && o->lists.n > 0)
        ret = pick_named(cat, &o->lists, named);
    for (size_t g = 0; ret == 0 && g < o->npool_lists; g++)
        ret = pick_named(cat, &o->pool_lists[g], named);
    if (ret != 0)
        goto out;
    for (size_t j = 0; j < total; j++)
        picked[j] = named[j] || (run_lists && o->lists.n == 0 && !list_catalog_get(cat, j)->dead);
    for (size_t j = 0; j < total; j++) {
        if (!picked[j])
            continue;
        const struct list_entry *e = list_catalog_get(cat, j);
        if (e->dead) {
            fprintf(stderr, PROG ": warning: %s is dead since %s (%s); not queried\n", e->zone,
                    e->dead_since ? e->dead_since : "an unknown date",
                    e->dead_reason ? e->dead_reason : "no reason recorded");
            continue;
        }
        char zone[256];
        int r = resolve_zone(e, named[j], zone, sizeof(zone));
        if (r < 0) {
            ret = r;
            goto out;
        }
        if (r > 0)
            continue;
        (*zones)[k] = strdup(zone);
        explicit_bzero(zone, sizeof(zone));
        if (!(*zones)[k]) {
            ret = -ENOMEM;
            goto out;
        }
        (*sel)[k++] = e;
    }
    *n = k;
out:
    if (ret != 0 && *zones)
        for (size_t i = 0; i < k; i++)
            free((*zones)[i]); /* the caller frees only the *n it was told about */
    drop_key_variables(cat);
    free(picked);
    free(named);
    return ret;
}

/*
 * Which selected lists each list group asks: group 0 the run's lists (every
 * selected list when none were named: the default set), group g the lists pool
 * g - 1 named. One row of @p nsel flags per group; NULL when there are no pool
 * groups (then every list is asked of every target).
 */
int cli_list_groups(const struct cli_opts *o, const struct list_catalog *cat,
                    const struct list_entry *const *sel, size_t nsel, bool **out)
{
    size_t ng = o->npool_lists + 1;
    const struct cli_strv *names;
    bool *w;

    *out = NULL;
    if (o->npool_lists == 0)
        return 0;
    w = calloc(ng * (nsel ? nsel : 1), sizeof(*w));
    if (!w)
        return -ENOMEM;
    for (size_t g = 0; g < ng; g++) {
        names = g == 0 ? &o->lists : &o->pool_lists[g - 1];
        for (size_t i = 0; i < nsel; i++) {
            bool in = g == 0 && names->n == 0;
            for (size_t k = 0; !in && k < names->n; k++)
                in = list_catalog_find(cat, names->v[k]) == sel[i];
            w[g * nsel + i] = in;
        }
    }
    *out = w;
    return 0;
}

/* Warn before the scan when it plans more queries than a list allows a day: one
 * query per target of a kind the list holds (TXT lookups for listings come on top). */
void cli_warn_daily_limits(const struct list_entry *const *lists, size_t n,
                           const uint64_t by_type[3])
{
    for (size_t i = 0; i < n; i++) {
        const struct list_entry *e = lists[i];
        uint64_t planned = 0;
        if (e->kinds & LIST_KIND_IP4)
            planned += by_type[SCAN_T_IP4];
        if (e->kinds & LIST_KIND_IP6)
            planned += by_type[SCAN_T_IP6];
        if (e->kinds & LIST_KIND_DOMAIN)
            planned += by_type[SCAN_T_DOMAIN];
        if (e->daily_limit > 0 && planned > e->daily_limit)
            fprintf(stderr,
                    PROG ": warning: this scan plans %llu queries to %s, over its daily limit "
                         "of %llu: expect to be refused or cut off; use a mirror, a key or "
                         "fewer targets\n",
                    (unsigned long long)planned, e->zone, (unsigned long long)e->daily_limit);
    }
}
