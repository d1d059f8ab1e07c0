/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The record-check jobs of the engine (see engine.c's header): run a check over
 * its job's replay view, fetch what it still needs through the run-wide cache
 * (cache.c), and hold a check that asks many questions at once until the check
 * window has room for them. Every result of a check's report goes out in order.
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>

#include "scanner/checks/checks.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

static void emit_check_error(struct eng *g, struct job *j, enum scan_check check,
                             enum scan_reason why)
{
    struct scan_result r = {0};
    r.target = j->t.text;
    scan_result_set(&r, check, SCAN_ST_ERROR, why);
    eng_count_result(g, j, &r);
}

/* Run the job's check over @p v once (a scan_check_fn over the job). An
 * expansion's blocks join the run's set (a finished one only: a re-run builds
 * them again from the start). */
static int check_once(struct scan_view *v, const void *job, struct scan_report **rep)
{
    const struct job *j = job;
    switch (j->check) {
    case SCAN_CHECK_EXPAND: {
        /* Kept per domain until every domain is expanded, then merged in input
         * order: an address's vias come in the same order whichever domain's
         * answers arrived first. */
        struct scan_expansion *x = NULL;
        int ret = scan_expand_check(v, j->t.text, &j->g->o->expand, rep, &x);
        if (ret == 0 && j->g->xparts) {
            scan_expansion_free(j->g->xparts[j->item]);
            j->g->xparts[j->item] = x;
        } else {
            scan_expansion_free(x); /* finished after an interrupted expansion phase */
        }
        return ret;
    }
    case SCAN_CHECK_FCRDNS:
        return scan_fcrdns_check(v, &j->t, rep);
    case SCAN_CHECK_SPF:
        return scan_spf_check(v, j->t.text, rep);
    case SCAN_CHECK_SPF_AUTH:
        return scan_spf_auth_check(v, &j->t, j->domain, rep);
    case SCAN_CHECK_DMARC:
        return scan_dmarc_check(v, j->t.text, rep);
    case SCAN_CHECK_DNSSEC:
        return scan_dnssec_check(v, j->g->o->dnssec, j->t.text, rep);
    case SCAN_CHECK_ORIGIN:
        return scan_origin_check(v, &j->t, rep);
    case SCAN_CHECK_MX:
        return scan_mx_check(v, j->t.text, rep);
    case SCAN_CHECK_TLS_RPT:
        return scan_tlsrpt_check(v, j->t.text, rep);
    case SCAN_CHECK_MTA_STS:
        return scan_mtasts_check(v, j->t.text, !j->g->o->no_fetch, rep);
    case SCAN_CHECK_DKIM:
        return scan_dkim_check(v, j->t.text, j->g->o->dkim, rep);
    case SCAN_CHECK_NS:
        return scan_ns_check(v, j->t.text, rep);
    case SCAN_CHECK_BIMI:
        return scan_bimi_check(v, j->t.text, j->g->o->bimi_selector, rep);
    default:
        return -EINVAL; /* not built yet: no result */
    }
}

/* The most record-check questions in flight: the job cap of fill_window(). Checks
 * that ask one to three questions a round never reach it; one that fans out
 * (dkim: thirty selectors) would otherwise put tens of thousands of questions in
 * flight and lose them in the resolver's receive buffer. */
static size_t check_window(const struct eng *g)
{
    return g->o->concurrency * 8 + 16;
}

/* Would asking @p n more questions overflow the check window? Never when nothing
 * is in flight, so a check with more questions than the window still runs. */
static bool over_window(const struct eng *g, size_t n)
{
    return g->caching > 0 && g->caching + n > check_window(g);
}

static void defer(struct eng *g, struct job *j)
{
    j->deferred = true;
    j->next_deferred = NULL;
    if (g->deferred_tail)
        g->deferred_tail->next_deferred = j;
    else
        g->deferred_head = j;
    g->deferred_tail = j;
}

/* Run the oldest deferred check again when the window has room for what it asks
 * (or nothing is in flight). */
void eng_wake_deferred(struct eng *g)
{
    struct job *j = g->deferred_head;
    if (!j || over_window(g, j->want))
        return;
    g->deferred_head = j->next_deferred;
    if (!g->deferred_head)
        g->deferred_tail = NULL;
    j->deferred = false;
    eng_ready_push(g, j);
}

/* Run a record check until it finishes or waits for answers. @return true when
 * the job is finished (and may be freed). */
bool eng_check_step(struct eng *g, struct job *j)
{
    for (int round = 0; round < 64; round++) {
        struct scan_check_call call = {check_once, j};
        void *out = NULL;
        int ret = scan_view_run(j->view, scan_check_call_run, &call, &out);
        struct scan_report *rep = out;
        if (ret == 0) {
            /* One result per (target, check), or one per item a check found
             * (dkim: per selector): every result of the report, in order. */
            for (size_t i = 0; i < scan_report_count(rep); i++) {
                const struct scan_result *r = scan_report_result_at(rep, i);
                if (!r) {
                    g->fatal = -ENOMEM;
                    break;
                }
                eng_count_result(g, j, r);
            }
            scan_report_free(rep);
            return true;
        }
        if (ret == -EINVAL)
            return true; /* not applicable to this target */
        if (ret != -EAGAIN) {
            /* An error, or a broken replay contract (-EPROTO): an internal error. */
            scan_report_free(rep);
            if (ret == -ENOMEM)
                g->fatal = ret;
            emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
            return true;
        }
        size_t n = scan_view_missing_count(j->view); /* >= 1 after -EAGAIN */
        if (over_window(g, n)) {
            /* A check that asks many questions at once (dkim's selectors) waits
             * for room in the check window. */
            scan_view_missing_clear(j->view);
            j->want = n;
            defer(g, j);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            const char *name;
            uint16_t type;
            scan_view_missing_get(j->view, i, &name, &type);
            if (eng_cache_fetch(j, name, type, scan_view_missing_flags(j->view, i)) != 0) {
                g->fatal = -ENOMEM;
                break;
            }
        }
        scan_view_missing_clear(j->view);
        /* After a fatal error: no result, and nothing more asked. The job is freed
         * once the questions it did ask are in. */
        if (g->fatal)
            return true;
        /* A synchronous completion inside the resolver may already have queued
         * the job again: let the queue run it, never free a queued job. */
        if (j->pending > 0 || j->queued)
            return false;
        /* Everything came from the cache: run again at once. */
    }
    emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
    return true;
}
