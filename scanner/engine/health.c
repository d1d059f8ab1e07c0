/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * List health, per (list, kind) (see engine.c's header for the rules): the
 * probes of the test points, the health deadline, and the health line of every
 * probed kind. A list's results of a kind wait for this barrier; its verdict on
 * each probe comes from scanner/catalog (list_probe_judge()).
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>
#include <stdio.h>

#include "scanner/catalog/verdict.h"
#include "scanner/core/err.h"

#define HEALTH_DEADLINE_X      4 /* probes are asked again until 4 x --timeout has passed */
#define HEALTH_DEADLINE_MIN_MS 2000
#define HEALTH_BACKOFF_MS      250 /* first wait before a probe is asked again; doubles */

/* A probe's answer is in: judge it, or ask again later. @return true when the
 * job is finished. */
bool eng_health_step(struct eng *g, struct job *j)
{
    struct elist *l = &g->lists[j->item];
    int ki = list_kind_index(j->tp->kind);
    struct khealth *h = &l->h[ki];
    char why[400];

    if (!g->in_health)
        return true; /* the barrier is over: too late to count */
    enum list_probe p = list_probe_judge(l->e, j->tp, j->q[0].ans, why, sizeof(why));
    int64_t now = now_ms(g);
    if (p == LIST_PROBE_NOANSWER && !stopping(g) && now < g->health_deadline) {
        snprintf(h->noanswer, sizeof(h->noanswer), "%s", why);
        int64_t wait = (int64_t)HEALTH_BACKOFF_MS << (j->retries < 4 ? j->retries : 4);
        j->retries++;
        eng_ask_reset(&j->q[0]);
        j->undecided = 1;
        if (eng_arm(g, &j->q[0], now + wait) != 0)
            g->fatal = -ENOMEM;
        return false;
    }
    SCAN_REQUIRE(h->pending > 0);
    h->pending--;
    switch (p) {
    case LIST_PROBE_GOOD:
        h->good++;
        break;
    case LIST_PROBE_NOANSWER:
        snprintf(h->noanswer, sizeof(h->noanswer), "%s", why);
        h->unanswered++;
        break;
    case LIST_PROBE_BLOCKED:
        if (h->state != H_BLOCKED)
            snprintf(h->detail, sizeof(h->detail), "%s %s", l->e->zone, why);
        h->state = H_BLOCKED;
        break;
    case LIST_PROBE_BAD:
        if (h->state == H_UNKNOWN)
            snprintf(h->detail, sizeof(h->detail), "%s %s", l->e->zone, why);
        if (h->state != H_BLOCKED)
            h->state = H_BAD;
        break;
    }
    return true;
}

/* ---- health --------------------------------------------------------------- */

static int64_t health_deadline_ms(const struct eng *g)
{
    int64_t t = (int64_t)(g->o->timeout_ms > 0 ? g->o->timeout_ms : 2000) * HEALTH_DEADLINE_X;
    return t < HEALTH_DEADLINE_MIN_MS ? HEALTH_DEADLINE_MIN_MS : t;
}

bool eng_health_done(const struct eng *g)
{
    for (size_t i = 0; i < g->o->nlists; i++)
        for (int k = 0; k < 3; k++)
            if (g->lists[i].h[k].pending > 0)
                return false;
    return true;
}

/* Ask the test points of every (list, kind) the run will query. */
static int start_probes(struct eng *g)
{
    for (size_t i = 0; i < g->o->nlists; i++) {
        struct elist *l = &g->lists[i];
        for (size_t k = 0; k < l->e->ntps; k++) {
            const struct list_test_point *tp = &l->e->tps[k];
            int ki = list_kind_index(tp->kind);
            if (ki < 0 || !(l->e->kinds & tp->kind) || g->kinds_present[ki] == 0)
                continue;
            struct khealth *h = &l->h[ki];
            struct job *j = eng_job_new(g, JOB_HEALTH, i);
            if (!j)
                return -ENOMEM;
            j->tp = tp;
            j->nq = 1;
            if (list_test_point_qname(tp, l->zone, j->q[0].name, sizeof(j->q[0].name)) != 0) {
                /* A point that cannot be asked proves nothing: never trust the kind. */
                if (h->state == H_UNKNOWN)
                    snprintf(h->detail, sizeof(h->detail),
                             "%s: test point %s cannot be asked under this zone (the name is "
                             "too long or not of its kind's form)",
                             l->e->zone, tp->point);
                if (h->state != H_BLOCKED)
                    h->state = H_BAD;
                eng_job_free(j);
                continue;
            }
            h->pending++;
            if (eng_job_ask(g, j) != 0)
                return -ENOMEM;
        }
    }
    return 0;
}

int eng_health_begin(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;

    g->in_health = true;
    g->health_deadline = now_ms(g) + health_deadline_ms(g);
    for (size_t i = 0; i < o->nlists; i++)
        for (int k = 0; k < 3; k++)
            g->lists[i].h[k].probed = (g->lists[i].e->kinds & (1u << k)) && g->kinds_present[k];
    return start_probes(g);
}

void eng_health_conclude(struct eng *g, bool interrupted)
{
    const struct scan_engine_opts *o = g->o;

    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        for (int k = 0; k < 3; k++) {
            struct khealth *h = &l->h[k];
            if (!h->probed)
                continue;
            /* Healthy only on evidence: every probe answered as documented. */
            if (h->state == H_UNKNOWN && h->pending == 0 && h->unanswered == 0 && h->good > 0) {
                h->state = H_GOOD;
            } else if (h->state == H_UNKNOWN && h->good == 0 && h->unanswered == 0 &&
                       h->pending == 0) {
                snprintf(h->detail, sizeof(h->detail),
                         "%s: health cannot be established: the catalog gives no %s test point",
                         l->e->zone, list_kind_word(1u << k));
            } else if (h->state == H_UNKNOWN) {
                if (interrupted)
                    snprintf(h->detail, sizeof(h->detail),
                             "%s: the health check did not finish (the run was interrupted)",
                             l->e->zone);
                else
                    snprintf(h->detail, sizeof(h->detail),
                             "%s: health not established: its %s test points did not answer "
                             "within %d s (%s)",
                             l->e->zone, list_kind_word(1u << k),
                             (int)(health_deadline_ms(g) / 1000),
                             h->noanswer[0] ? h->noanswer : "no answer");
            }
            h->pending = 0;
            struct scan_health sh = {.list = l->e->zone,
                                     .list_id = l->e->id,
                                     .kind = list_kind_word(1u << k),
                                     .healthy = h->state == H_GOOD};
            if (!sh.healthy) {
                sh.why = h->state == H_BLOCKED ? SCAN_R_BLOCKED : SCAN_R_UNHEALTHY;
                sh.reason = scan_reason_word(sh.why);
                sh.detail = h->detail;
                g->st->unhealthy_lists++;
            }
            if (o->on_health)
                o->on_health(o->arg, &sh);
        }
    }
}
