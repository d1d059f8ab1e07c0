/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A job and its questions (see engine.c's header for the rules): the ready
 * queue, each question's sends and the resend timers (the adaptive timeout), the
 * window count, the lists' rate tokens, and handing a job's result to the caller.
 * The bottom of the engine: it calls nothing else in scanner/engine, and
 * engine.c, dnsbl.c, health.c, check.c and cache.c drive their jobs through it.
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>
#include <stdlib.h>

#include "scanner/core/err.h"
#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/view.h"

#define ASK_MAX_SENDS   4   /* sends of one question before it is a timeout */
#define PROBE_MAX_SENDS 8   /* a test point keeps being asked: health is worth it */
#define ASK_RTO_MIN_MS  100 /* the adaptive timeout never goes below this */
#define ASK_RTO_INIT_MS 250 /* before any answer was measured */

/* ---- jobs ---------------------------------------------------------------- */

void eng_ready_push(struct eng *g, struct job *j)
{
    if (j->queued)
        return;
    j->queued = true;
    j->next_ready = NULL;
    if (g->ready_tail)
        g->ready_tail->next_ready = j;
    else
        g->ready_head = j;
    g->ready_tail = j;
}

struct job *eng_job_new(struct eng *g, enum job_kind kind, size_t item)
{
    struct job *j = calloc(1, sizeof(*j));
    if (!j) {
        g->fatal = -ENOMEM;
        return NULL;
    }
    j->g = g;
    j->kind = kind;
    j->item = item;
    j->q[0].job = j->q[1].job = j->txt.job = j;
    g->jobs++;
    return j;
}

unsigned eng_job_outstanding(const struct job *j)
{
    return j->q[0].outstanding + j->q[1].outstanding + j->txt.outstanding;
}

void eng_ask_reset(struct ask *a)
{
    scan_answer_free(a->ans);
    a->ans = NULL;
    a->sends = 0;
    a->first_ms = 0;
    a->due_ms = 0;
    a->decided = false;
}

static void disarm(struct eng *g, struct ask *a);

void eng_job_free(struct job *j)
{
    if (!j)
        return;
    SCAN_REQUIRE(eng_job_outstanding(j) == 0 && j->pending == 0 && !j->queued && !j->deferred);
    disarm(j->g, &j->q[0]);
    disarm(j->g, &j->q[1]);
    disarm(j->g, &j->txt);
    SCAN_REQUIRE(j->g->jobs > 0);
    j->g->jobs--;
    if (j->finished) {
        SCAN_REQUIRE(j->g->finished > 0);
        j->g->finished--;
    }
    scan_answer_free(j->q[0].ans);
    scan_answer_free(j->q[1].ans);
    scan_answer_free(j->txt.ans);
    scan_view_free(j->view);
    free(j);
}

/* ---- asking, and asking again ------------------------------------------- */

static int64_t ask_rto(const struct eng *g, unsigned sends)
{
    double rto = g->srtt < 0 ? ASK_RTO_INIT_MS : g->srtt + 4 * g->rttvar;
    if (rto < ASK_RTO_MIN_MS)
        rto = ASK_RTO_MIN_MS;
    for (unsigned i = 1; i < sends; i++)
        rto *= 2;
    double cap = g->o->timeout_ms > 0 ? g->o->timeout_ms : 2000;
    return (int64_t)(rto < cap ? rto : cap);
}

static void rtt_sample(struct eng *g, double ms)
{
    if (g->srtt < 0) {
        g->srtt = ms;
        g->rttvar = ms / 2;
        return;
    }
    double err = ms - g->srtt;
    g->rttvar += ((err < 0 ? -err : err) - g->rttvar) / 4;
    g->srtt += err / 8;
}

int eng_arm(struct eng *g, struct ask *a, int64_t due)
{
    if (!a->active) {
        if (g->narmed == g->carmed) {
            size_t c = g->carmed ? g->carmed * 2 : 256;
            struct ask **v = realloc(g->armed, c * sizeof(*v));
            if (!v)
                return -ENOMEM;
            g->armed = v;
            g->carmed = c;
        }
        a->idx = g->narmed;
        g->armed[g->narmed++] = a;
        a->active = true;
    }
    a->due_ms = due;
    if (g->next_due == 0 || due < g->next_due)
        g->next_due = due;
    return 0;
}

static void disarm(struct eng *g, struct ask *a)
{
    if (!a->active)
        return;
    SCAN_REQUIRE(a->idx < g->narmed && g->armed[a->idx] == a);
    struct ask *last = g->armed[--g->narmed];
    g->armed[a->idx] = last;
    last->idx = a->idx;
    a->active = false;
    a->due_ms = 0;
}

static void on_ask_answer(void *arg, struct scan_answer *ans, int cancelled);

static void ask_decide(struct ask *a, struct scan_answer *ans);

/* The window counts questions waiting for their answer, not sends: a send that
 * lingers in c-ares after its question was answered by another one holds no
 * place in it. */
static void ask_count(struct eng *g, struct ask *a, bool on)
{
    if (a->counted == on)
        return;
    a->counted = on;
    if (on) {
        g->asking++;
    } else {
        SCAN_REQUIRE(g->asking > 0);
        g->asking--;
    }
}

static unsigned max_sends(const struct ask *a)
{
    return a->job->kind == JOB_HEALTH ? PROBE_MAX_SENDS : ASK_MAX_SENDS;
}

/* Send the question once more (or for the first time). */
int eng_ask_send(struct eng *g, struct ask *a)
{
    int64_t now = now_ms(g);
    if (a->sends == 0)
        a->first_ms = now;
    ask_count(g, a, true);
    a->sends++;
    a->outstanding++;
    a->due_ms = 0;
    int ret = scan_resolver_query(g->o->resolver, a->name, a->type, on_ask_answer, a);
    if (ret == -EINVAL && !a->decided) {
        /* A name with no wire form is never asked under another name: it is an
         * invalid question, decided at once. */
        a->outstanding--;
        struct scan_answer *bad = scan_answer_new_status(SCAN_DNS_BADRESP, a->type);
        if (!bad)
            return -ENOMEM;
        ask_decide(a, bad);
        return 0;
    }
    if (ret != 0) {
        a->outstanding--;
        return ret;
    }
    /* c-ares may have completed the query already (a send that failed at once). */
    if (!a->decided && a->sends < max_sends(a) && a->outstanding > 0)
        return eng_arm(g, a, now + ask_rto(g, a->sends));
    return 0;
}

static void ask_decide(struct ask *a, struct scan_answer *ans)
{
    struct job *j = a->job;
    disarm(j->g, a);
    ask_count(j->g, a, false);
    a->ans = ans;
    a->decided = true;
    SCAN_REQUIRE(j->undecided > 0);
    if (--j->undecided == 0)
        eng_ready_push(j->g, j);
}

static void on_ask_answer(void *arg, struct scan_answer *ans, int cancelled)
{
    struct ask *a = arg;
    struct job *j = a->job;
    struct eng *g = j->g;

    SCAN_REQUIRE(a->outstanding > 0);
    a->outstanding--;
    if (!ans) {
        g->fatal = -ENOMEM;
        ans = scan_answer_new_status(SCAN_DNS_TIMEOUT, a->type);
        if (!ans)
            return;
    }
    if (j->finished || a->decided) {
        scan_answer_free(ans); /* a later send of a question already answered */
        if (j->finished && eng_job_outstanding(j) == 0)
            eng_ready_push(g, j); /* to be freed by the loop */
        return;
    }
    if (ans->status == SCAN_DNS_TIMEOUT && !cancelled) {
        if (a->outstanding > 0) {
            scan_answer_free(ans); /* another send may still answer */
            return;
        }
        if (a->sends < max_sends(a) && !stopping(g)) {
            scan_answer_free(ans);
            if (eng_arm(g, a, now_ms(g)) != 0)
                g->fatal = -ENOMEM; /* send again from the loop, at once */
            return;
        }
    }
    if (a->sends == 1 && ans->status != SCAN_DNS_TIMEOUT)
        rtt_sample(g, (double)(now_ms(g) - a->first_ms));
    ask_decide(a, ans);
}

/* The job's result is out (or will never be): stop its questions, and free it
 * from the loop once no send of it is outstanding. */
void eng_job_finish(struct eng *g, struct job *j)
{
    if (!j->finished) {
        j->finished = true;
        g->finished++;
    }
    for (int i = 0; i < 3; i++) {
        struct ask *a = i < 2 ? &j->q[i] : &j->txt;
        disarm(g, a);
        ask_count(g, a, false);
    }
    if (eng_job_outstanding(j) == 0 && j->pending == 0)
        eng_ready_push(g, j);
}

static struct elist *list_of(struct eng *g, const struct job *j);

/* Send again every question whose time has come. Walks only when one is due. */
void eng_fire_timers(struct eng *g)
{
    int64_t now = now_ms(g);
    if (g->next_due == 0 || now < g->next_due)
        return;
    g->next_due = 0;
    for (size_t i = 0; i < g->narmed;) {
        struct ask *a = g->armed[i];
        struct job *j = a->job;
        if ((j->kind == JOB_HEALTH && !g->in_health) || g->aborting) {
            /* The barrier is over (or the run is): a probe still waiting to be asked
             * again is abandoned, whenever it was due. */
            eng_job_finish(g, j); /* disarms: the last one moves to i */
            continue;
        }
        if (a->due_ms > now) {
            if (g->next_due == 0 || a->due_ms < g->next_due)
                g->next_due = a->due_ms;
            i++;
            continue;
        }
        disarm(g, a); /* the last one moves to i: look at i again */
        if (a->decided || j->finished)
            continue;
        if (stopping(g)) {
            /* Nothing new goes out after a stop: the sends out decide, or none did. */
            if (a->outstanding == 0) {
                struct scan_answer *t = scan_answer_new_status(SCAN_DNS_TIMEOUT, a->type);
                if (!t)
                    g->fatal = -ENOMEM;
                else
                    ask_decide(a, t);
            }
            continue;
        }
        int64_t wait = 0;
        if (j->kind == JOB_DNSBL && a->sends > 0 && !eng_take_token(g, list_of(g, j), &wait)) {
            /* A list's rate covers the questions sent again too. */
            if (eng_arm(g, a, now + wait) != 0) /* appended: seen again later, not due */
                g->fatal = -ENOMEM;
            continue;
        }
        if (eng_ask_send(g, a) != 0) {
            /* Fatal: the job gives no result and is freed once its other sends
             * are in (nothing else would wake it). Disarms: look at i again. */
            g->fatal = -ENOMEM;
            eng_job_finish(g, j);
        }
    }
}

/* Milliseconds until the next question is due, or -1. */
int eng_timer_wait(const struct eng *g)
{
    if (g->next_due == 0)
        return -1;
    int64_t d = g->next_due - now_ms(g);
    return d < 0 ? 0 : d > 1000 ? 1000 : (int)d;
}

/* Start a job's questions: q[0..nq) of type A. A send that fails is fatal to the
 * run: the job is finished (no result) and freed by the loop once the sends it
 * did make are in, so it is never left where nothing would wake it. */
int eng_job_ask(struct eng *g, struct job *j)
{
    j->undecided = j->nq;
    for (size_t i = 0; i < j->nq; i++) {
        j->q[i].type = SCAN_TYPE_A;
        int ret = eng_ask_send(g, &j->q[i]);
        if (ret != 0) {
            eng_job_finish(g, j);
            return ret;
        }
    }
    return 0;
}

/* ---- rate tokens ----------------------------------------------------------- */

static void refill_tokens(const struct eng *g, struct elist *l)
{
    struct timespec now;
    clock_now(g, &now);
    double dt =
        (double)(now.tv_sec - l->last.tv_sec) + (double)(now.tv_nsec - l->last.tv_nsec) / 1e9;
    l->last = now;
    double burst = l->rate / 10 > 1 ? l->rate / 10 : 1;
    l->tokens += dt * l->rate;
    if (l->tokens > burst)
        l->tokens = burst;
}

static struct elist *list_of(struct eng *g, const struct job *j)
{
    return &g->lists[j->item];
}

/* Take a rate token of @p l. @return false, with the wait in *wait_ms, when there
 * is none yet. */
bool eng_take_token(const struct eng *g, struct elist *l, int64_t *wait_ms)
{
    if (l->rate <= 0)
        return true;
    refill_tokens(g, l);
    if (l->tokens < 1) {
        *wait_ms = (int64_t)((1 - l->tokens) * 1000 / l->rate) + 1;
        return false;
    }
    l->tokens -= 1;
    return true;
}

/* A job of @p kind for the current target's plan item @p item, or NULL (ENOMEM). */
struct job *eng_job_for_target(struct eng *g, enum job_kind kind, size_t item)
{
    struct job *j = eng_job_new(g, kind, item);
    if (!j)
        return NULL;
    j->t = g->cur;
    j->via = g->cur_via;
    j->nvia = g->cur_nvia;
    return j;
}

/* ---- results ------------------------------------------------------------- */

/* Every result of a job's target names the target's pool and, for an address
 * --expand found, its vias (a shallow copy when the producer did not). */
void eng_count_result(struct eng *g, const struct job *j, const struct scan_result *r)
{
    struct scan_result with;

    if ((j->t.pool && r->pool != j->t.pool) || (j->nvia && scan_result_has_via(r))) {
        with = *r;
        if (j->t.pool)
            with.pool = j->t.pool;
        if (j->nvia && scan_result_has_via(r)) {
            with.via = j->via;
            with.nvia = j->nvia;
        }
        r = &with;
    }
    g->st->results++;
    switch (r->outcome) {
    case SCAN_OUT_ERROR:
        g->st->errors++;
        break;
    case SCAN_OUT_LISTED:
        g->st->listed++;
        break;
    case SCAN_OUT_INFO:
        g->st->info++;
        break;
    case SCAN_OUT_PROBLEM:
        g->st->problems++;
        break;
    case SCAN_OUT_OK:
        break;
    }
    if (g->o->on_result)
        g->o->on_result(g->o->arg, r);
}
