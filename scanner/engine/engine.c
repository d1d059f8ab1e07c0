/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scan engine (see engine.h): it schedules, it does not judge. What an
 * answer means is decided by scanner/catalog/verdict.c; the engine asks the questions,
 * keeps the window, the rates and the health barrier, and hands answers over.
 *
 * Flow control. Targets are pulled one at a time from the stream; each
 * target expands into a short plan of items (one per applicable list, then
 * one per applicable record check). A job is created for the next item only
 * while fewer than `concurrency` queries are in flight and fewer than twice
 * that many jobs are alive, so memory is bounded by the window, never by the
 * pool. A list with a rate limit stalls the plan until its token bucket has a
 * token: every target visits every list, so a faster list could not run
 * ahead without buffering targets.
 *
 * Asking again. c-ares 1.18 retries on a fixed timer (the --timeout, doubled
 * each round), which is slow on a lossy path and useless when the first
 * packet was lost early. So each DNSBL and health question ("ask") is sent
 * again by the engine when no answer came within an adaptive timeout,
 * srtt + 4 * rttvar from the answers measured so far (RFC 6298, Karn's rule:
 * only first sends are timed), at least ASK_RTO_MIN_MS and at most the
 * first-try timeout, doubling for each further send, up to ASK_MAX_SENDS
 * (PROBE_MAX_SENDS for test points)
 * sends. The first real answer decides; the later ones are dropped. Only
 * when every send timed out is the answer a timeout.
 *
 * Health, per (list, kind). A list's answers of one kind (ip4, ip6, domain)
 * are trusted only after that kind's test points behave (catalog points, or
 * RFC 5782's where the catalog gives none). Only the kinds the run will query
 * are probed. A probe without a usable answer (timeout, SERVFAIL, garbage) is
 * asked again with backoff until the health deadline (4 x the first-try
 * timeout, at least 2 s: 8 s by default) has passed since the check began; a kind whose probes
 * never answered is not established, and its results are `error/unhealthy` with a detail that says
 * so: health never fails open, and one lost packet never costs a list.
 *
 * Callbacks from the resolver only store the answer and put the job on the
 * ready queue; jobs are advanced, emitted and freed by the loop, never inside
 * a c-ares callback (STYLE rule 11). A job lives until every send it made has
 * completed, even after its result is out.
 *
 * Files: the run-wide answer cache of record checks is in cache.c, list health
 * (probes, deadline, health lines) in health.c; engine_int.h holds the run state
 * and jobs the three share.
 *
 * Over 600 lines: the scheduler (jobs, the window, rate tokens, resends, the DNSBL
 * results); the answer cache is in cache.c and list health in health.c. Splitting the
 * resend timers and the DNSBL result assembly out is still to do.
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/catalog/verdict.h"
#include "scanner/checks/checks.h"
#include "scanner/core/err.h"
#include "scanner/dns/fetch.h"
#include "scanner/dns/qname.h"
#include "scanner/checks/report.h"
#include "scanner/dns/view.h"

#define PROGRESS_MS   200
#define FETCH_POLL_MS 5 /* the longest wait while an HTTPS fetch is in flight */

#define ASK_MAX_SENDS   4   /* sends of one question before it is a timeout */
#define PROBE_MAX_SENDS 8   /* a test point keeps being asked: health is worth it */
#define ASK_RTO_MIN_MS  100 /* the adaptive timeout never goes below this */
#define ASK_RTO_INIT_MS 250 /* before any answer was measured */

/* Record-check slots after the lists in a target's plan: each check, for IP or
 * domain targets, in the order its result comes out; then one spf-auth slot per
 * --spf-domain (from SLOT_SPF_AUTH0 on). */
static const struct {
    unsigned check;
    bool ip;
} slots[] = {
    {SCAN_CHECK_FCRDNS, true},   {SCAN_CHECK_SPF, false},   {SCAN_CHECK_DMARC, false},
    {SCAN_CHECK_MX, false},      {SCAN_CHECK_DKIM, false},  {SCAN_CHECK_MTA_STS, false},
    {SCAN_CHECK_TLS_RPT, false}, {SCAN_CHECK_BIMI, false},  {SCAN_CHECK_NS, false},
    {SCAN_CHECK_DNSSEC, false},  {SCAN_CHECK_ORIGIN, true},
};
#define SLOT_SPF_AUTH0 (sizeof(slots) / sizeof(slots[0]))

static double elapsed_s(const struct eng *g, const struct timespec *since)
{
    struct timespec now;
    clock_now(g, &now);
    return (double)(now.tv_sec - since->tv_sec) + (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

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

static unsigned job_outstanding(const struct job *j)
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
    SCAN_REQUIRE(job_outstanding(j) == 0 && j->pending == 0 && !j->queued && !j->deferred);
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
static int ask_send(struct eng *g, struct ask *a)
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
        if (j->finished && job_outstanding(j) == 0)
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
static void job_finish(struct eng *g, struct job *j)
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
    if (job_outstanding(j) == 0 && j->pending == 0)
        eng_ready_push(g, j);
}

static struct elist *list_of(struct eng *g, const struct job *j);
static bool take_token(const struct eng *g, struct elist *l, int64_t *wait_ms);

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
            job_finish(g, j); /* disarms: the last one moves to i */
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
        if (j->kind == JOB_DNSBL && a->sends > 0 && !take_token(g, list_of(g, j), &wait)) {
            /* A list's rate covers the questions sent again too. */
            if (eng_arm(g, a, now + wait) != 0) /* appended: seen again later, not due */
                g->fatal = -ENOMEM;
            continue;
        }
        if (ask_send(g, a) != 0)
            g->fatal = -ENOMEM;
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

/* ---- results ------------------------------------------------------------- */

/* Every result of a job's target names the target's pool and, for an address
 * --expand found, its vias (a shallow copy when the producer did not). */
static void count_result(struct eng *g, const struct job *j, const struct scan_result *r)
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

static struct khealth *health_of(struct elist *l, const struct scan_target *t)
{
    return &l->h[t->type];
}

/* The TXT reason of a listing: the strings of every record, " / " between
 * records, cut at a NUL (untrusted), with the list's key redacted. */
static const char *join_txt(const struct elist *l, const struct scan_answer *a, char *txt,
                            size_t cap)
{
    if (!a || a->status != SCAN_DNS_OK || a->n == 0)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < a->n && o + 4 < cap; i++) {
        const char *s = (const char *)a->rr[i].txt;
        size_t len = strnlen(s, a->rr[i].txt_len);
        if (i > 0) {
            memcpy(txt + o, " / ", 3);
            o += 3;
        }
        if (len > cap - o - 1)
            len = cap - o - 1;
        memcpy(txt + o, s, len);
        o += len;
    }
    txt[o] = '\0';
    list_redact_key(l->e, l->zone, txt, cap);
    return txt;
}

/* The part of a query name in front of the zone: the name that was looked up. */
static const char *looked_up(const char *qname, const char *zone, char *buf, size_t len)
{
    size_t nq = strlen(qname), nz = strlen(zone);
    if (nq <= nz + 1 || nq - nz - 1 >= len)
        return NULL;
    memcpy(buf, qname, nq - nz - 1);
    buf[nq - nz - 1] = '\0';
    return buf;
}

static void emit_dnsbl(struct eng *g, struct job *j)
{
    struct elist *l = &g->lists[j->item];
    struct khealth *h = health_of(l, &j->t);
    struct scan_result r = {0};
    struct list_finding f[2];
    const char *codes[LIST_MAX_CODES];
    char txt[1024], delist[1024], matched[256];

    r.target = j->t.text;
    r.list = l->e->zone;
    r.list_id = l->e->id;
    r.generic_list = l->e->generic;
    if (h->state != H_GOOD) {
        r.detail = h->detail;
        scan_result_set(&r, SCAN_CHECK_DNSBL, SCAN_ST_ERROR,
                        h->state == H_BLOCKED ? SCAN_R_BLOCKED : SCAN_R_UNHEALTHY);
        count_result(g, j, &r);
        return;
    }
    for (size_t i = 0; i < j->nq; i++)
        list_dnsbl_verdict(l->e, j->q[i].ans, &f[i]);
    size_t k = list_verdict_combine(f, j->nq);
    const struct list_finding *v = &f[k];
    for (size_t i = 0; i < v->in.ncodes; i++)
        codes[i] = v->in.codes[i];
    if (v->st == SCAN_ST_LISTED || v->why == SCAN_R_BLOCKED || v->klass == SCAN_CLASS_ALLOW) {
        r.ncodes = v->in.ncodes;
        r.codes = codes;
        r.meanings = v->in.meanings;
    }
    r.klass = v->klass;
    r.detail = v->detail;
    if (v->st == SCAN_ST_LISTED) {
        if (l->e->domain_mode == LIST_DOMAIN_BOTH && j->t.type == SCAN_T_DOMAIN)
            r.matched = looked_up(j->q[k].name, l->zone, matched, sizeof(matched));
        if (list_delist_url(l->e, r.matched ? r.matched : j->t.text, delist, sizeof(delist)) == 0 &&
            delist[0])
            r.delist_url = delist;
        r.txt = join_txt(l, j->txt.ans, txt, sizeof(txt));
        if (j->t.type != SCAN_T_DOMAIN)
            r.scope = list_scope_word(v->in.scope ? v->in.scope : LIST_SCOPE_IP);
    }
    scan_result_set(&r, SCAN_CHECK_DNSBL, v->st, v->why);
    count_result(g, j, &r);
}

static void emit_check_error(struct eng *g, struct job *j, enum scan_check check,
                             enum scan_reason why)
{
    struct scan_result r = {0};
    r.target = j->t.text;
    scan_result_set(&r, check, SCAN_ST_ERROR, why);
    count_result(g, j, &r);
}

/* ---- advancing jobs ------------------------------------------------------- */

/* Run the job's check once. An expansion's blocks join the run's set (a finished
 * one only: a re-run builds them again from the start). */
static int run_check(struct job *j, struct scan_report **rep)
{
    switch (j->check) {
    case SCAN_CHECK_EXPAND: {
        /* Kept per domain until every domain is expanded, then merged in input
         * order: an address's vias come in the same order whichever domain's
         * answers arrived first. */
        struct scan_expansion *x = NULL;
        int ret = scan_expand_check(j->view, j->t.text, &j->g->o->expand, rep, &x);
        if (ret == 0 && j->g->xparts) {
            scan_expansion_free(j->g->xparts[j->item]);
            j->g->xparts[j->item] = x;
        } else {
            scan_expansion_free(x); /* finished after an interrupted expansion phase */
        }
        return ret;
    }
    case SCAN_CHECK_FCRDNS:
        return scan_fcrdns_check(j->view, &j->t, rep);
    case SCAN_CHECK_SPF:
        return scan_spf_check(j->view, j->t.text, rep);
    case SCAN_CHECK_SPF_AUTH:
        return scan_spf_auth_check(j->view, &j->t, j->domain, rep);
    case SCAN_CHECK_DMARC:
        return scan_dmarc_check(j->view, j->t.text, rep);
    case SCAN_CHECK_DNSSEC:
        return scan_dnssec_check(j->view, j->g->o->dnssec, j->t.text, rep);
    case SCAN_CHECK_ORIGIN:
        return scan_origin_check(j->view, &j->t, rep);
    case SCAN_CHECK_MX:
        return scan_mx_check(j->view, j->t.text, rep);
    case SCAN_CHECK_TLS_RPT:
        return scan_tlsrpt_check(j->view, j->t.text, rep);
    case SCAN_CHECK_MTA_STS:
        return scan_mtasts_check(j->view, j->t.text, !j->g->o->no_fetch, rep);
    case SCAN_CHECK_DKIM:
        return scan_dkim_check(j->view, j->t.text, j->g->o->dkim, rep);
    case SCAN_CHECK_NS:
        return scan_ns_check(j->view, j->t.text, rep);
    case SCAN_CHECK_BIMI:
        return scan_bimi_check(j->view, j->t.text, j->g->o->bimi_selector, rep);
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
static void wake_deferred(struct eng *g)
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
static bool advance_check(struct eng *g, struct job *j)
{
    for (int round = 0; round < 64; round++) {
        struct scan_report *rep = NULL;
        int ret = run_check(j, &rep);
        if (ret == 0) {
            /* One result per (target, check), or one per item a check found
             * (dkim: per selector): every result of the report, in order. */
            for (size_t i = 0; i < scan_report_count(rep); i++) {
                const struct scan_result *r = scan_report_result_at(rep, i);
                if (!r) {
                    g->fatal = -ENOMEM;
                    break;
                }
                count_result(g, j, r);
            }
            scan_report_free(rep);
            return true;
        }
        if (ret == -EINVAL)
            return true; /* not applicable to this target */
        if (ret != -EAGAIN) {
            if (ret == -ENOMEM)
                g->fatal = ret;
            emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
            return true;
        }
        size_t n = scan_view_missing_count(j->view);
        if (n == 0) {
            emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
            return true;
        }
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
        /* A synchronous completion inside the resolver may already have queued
         * the job again: let the queue run it, never free a queued job. */
        if (j->pending > 0 || j->queued)
            return false;
        /* Everything came from the cache: run again at once. */
    }
    emit_check_error(g, j, j->check, SCAN_R_INTERNAL);
    return true;
}

/* Start a job's questions: q[0..nq) of type A. */
int eng_job_ask(struct eng *g, struct job *j)
{
    j->undecided = j->nq;
    for (size_t i = 0; i < j->nq; i++) {
        j->q[i].type = SCAN_TYPE_A;
        int ret = ask_send(g, &j->q[i]);
        if (ret != 0)
            return ret;
    }
    return 0;
}

/* @return true when the job is finished. */
static bool advance(struct eng *g, struct job *j)
{
    switch (j->kind) {
    case JOB_HEALTH:
        return eng_health_step(g, j);
    case JOB_CHECK:
        return advance_check(g, j);
    case JOB_DNSBL:
        break;
    }
    struct elist *l = &g->lists[j->item];
    if (!j->txt_asked && l->e->txt && health_of(l, &j->t)->state == H_GOOD) {
        struct list_finding f[2];
        for (size_t i = 0; i < j->nq; i++)
            list_dnsbl_verdict(l->e, j->q[i].ans, &f[i]);
        size_t k = list_verdict_combine(f, j->nq);
        if (f[k].st == SCAN_ST_LISTED) {
            j->txt_asked = true;
            memcpy(j->txt.name, j->q[k].name, sizeof(j->txt.name));
            j->txt.type = SCAN_TYPE_TXT;
            j->undecided = 1;
            if (ask_send(g, &j->txt) == 0)
                return false;
            j->undecided = 0;
        }
    }
    emit_dnsbl(g, j);
    return true;
}

void eng_drain_ready(struct eng *g)
{
    for (;;) {
        if (!g->ready_head)
            wake_deferred(g);
        if (!g->ready_head)
            break;
        struct job *j = g->ready_head;
        g->ready_head = j->next_ready;
        if (!g->ready_head)
            g->ready_tail = NULL;
        j->queued = false;
        if (!j->finished && g->aborting) {
            job_finish(g, j); /* no result after a fatal error */
        } else if (!j->finished) {
            if (j->kind != JOB_CHECK && j->undecided > 0)
                continue; /* woken by a late send; still waiting */
            if (!advance(g, j))
                continue;
            job_finish(g, j);
        }
        if (job_outstanding(j) == 0 && j->pending == 0 && !j->queued && !j->deferred)
            eng_job_free(j);
    }
}

/* ---- the generator --------------------------------------------------------- */

static bool list_applies(const struct list_entry *e, const struct scan_target *t)
{
    switch (t->type) {
    case SCAN_T_IP4:
        return e->kinds & LIST_KIND_IP4;
    case SCAN_T_IP6:
        return e->kinds & LIST_KIND_IP6;
    default:
        return e->kinds & LIST_KIND_DOMAIN;
    }
}

/* The check of a plan slot for this target, or 0 when it does not apply. */
static unsigned slot_check(const struct eng *g, size_t slot, const struct scan_target *t)
{
    bool ip = t->type != SCAN_T_DOMAIN;
    unsigned c = g->o->checks;
    if (slot >= SLOT_SPF_AUTH0)
        return ip && (c & SCAN_CHECK_SPF_AUTH) ? SCAN_CHECK_SPF_AUTH : 0;
    if (slots[slot].check == SCAN_CHECK_DNSSEC && !g->o->dnssec)
        return 0; /* no trust anchor: left out with a warning (cli/scan.c) */
    return ip == slots[slot].ip && (c & slots[slot].check) ? slots[slot].check : 0;
}

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
static bool take_token(const struct eng *g, struct elist *l, int64_t *wait_ms)
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

/*
 * The names a DNSBL job asks: the one its domain_mode says, or both the name and
 * its registrable domain (asked once when they are the same). Each name is built
 * on its own, so a hostname too long for the zone still has its domain asked.
 * @return 0 when there are names to ask (j->nq set); 1 when the job was decided
 * without asking: no name fits the zone (it cannot be listed there: clean), or a
 * name could not be built (an error result, never clean).
 */
static int plan_names(struct eng *g, const struct elist *l, struct job *j)
{
    bool both = l->e->domain_mode == LIST_DOMAIN_BOTH && j->t.type == SCAN_T_DOMAIN;
    int r[2];
    r[0] = scan_qname(&j->t, l->zone, l->e->domain_mode == LIST_DOMAIN_REGISTRABLE, j->q[0].name,
                      sizeof(j->q[0].name));
    r[1] = both ? scan_qname(&j->t, l->zone, 1, j->q[1].name, sizeof(j->q[1].name)) : -ENAMETOOLONG;
    j->nq = 0;
    for (int i = 0; i < 2; i++) {
        if (r[i] != 0 || (i == 1 && j->nq == 1 && strcmp(j->q[0].name, j->q[1].name) == 0))
            continue;
        if (j->nq != (size_t)i)
            memcpy(j->q[j->nq].name, j->q[i].name, sizeof(j->q[0].name));
        j->nq++;
    }
    if (j->nq > 0)
        return 0;
    if (r[0] == -ENOMEM || r[1] == -ENOMEM)
        g->fatal = -ENOMEM;
    enum scan_dns_status st =
        r[0] == -ENAMETOOLONG && r[1] == -ENAMETOOLONG ? SCAN_DNS_NXDOMAIN : SCAN_DNS_BADRESP;
    j->nq = 1;
    j->q[0].ans = scan_answer_new_status(st, SCAN_TYPE_A);
    j->q[0].decided = true;
    if (!j->q[0].ans)
        g->fatal = -ENOMEM;
    eng_ready_push(g, j);
    return 1;
}

/*
 * The next target: the ones given directly, in input order, then the addresses
 * --expand found that were not among them. A direct IP target that an
 * expansion found too carries its vias, and is not checked again.
 * @return 0 (g->cur, g->cur_via set), 1 at the end, or a target read error.
 */
static int next_target(struct eng *g)
{
    g->cur_via = NULL;
    g->cur_nvia = 0;
    if (!g->direct_done) {
        int ret = scan_targets_next(g->ts, &g->cur);
        if (ret < 0)
            return ret;
        if (ret == 0) {
            long i = scan_expand_set_find(g->xset, &g->cur);
            if (i >= 0) {
                scan_expand_set_take(g->xset, (size_t)i);
                if (scan_expand_set_get(g->xset, (size_t)i, &g->cur, &g->cur_via, &g->cur_nvia) !=
                    0)
                    return -ENOMEM;
            }
            return 0;
        }
        g->direct_done = true;
    }
    while (g->xset && g->xnext < scan_expand_set_count(g->xset, NULL)) {
        size_t i = g->xnext++;
        if (scan_expand_set_take(g->xset, i))
            continue;
        return scan_expand_set_get(g->xset, i, &g->cur, &g->cur_via, &g->cur_nvia) ? -ENOMEM : 0;
    }
    return 1;
}

/*
 * The current target, pulling the next one when the last one's plan is done.
 * @return false at the end of the targets or on a read error (g->fatal set).
 */
static bool have_target(struct eng *g)
{
    if (g->have_cur)
        return true;
    if (g->targets_done)
        return false;
    int ret = next_target(g);
    if (ret != 0) {
        g->targets_done = true;
        if (ret < 0)
            g->fatal = ret;
        return false;
    }
    g->have_cur = true;
    g->cur_item = 0;
    return true;
}

/* A job of @p kind for the current target's plan item @p item, or NULL (ENOMEM). */
static struct job *job_for_target(struct eng *g, enum job_kind kind, size_t item)
{
    struct job *j = eng_job_new(g, kind, item);
    if (!j)
        return NULL;
    j->t = g->cur;
    j->via = g->cur_via;
    j->nvia = g->cur_nvia;
    return j;
}

/*
 * Start the DNSBL job of the current plan item, a list: skipped when it does not
 * apply, emitted at once when its health is not good, else asked once a rate
 * token is there. @return true when the window must stop filling, with
 * fill_window()'s value in *wait.
 */
static bool start_list_job(struct eng *g, int *wait)
{
    const struct scan_engine_opts *o = g->o;
    size_t item = g->cur_item;
    struct elist *l = &g->lists[item];
    if (!(o->checks & SCAN_CHECK_DNSBL) || !list_applies(l->e, &g->cur) ||
        (o->list_wanted && !o->list_wanted(o->arg, &g->cur, item))) {
        g->cur_item++;
        return false;
    }
    bool healthy = health_of(l, &g->cur)->state == H_GOOD;
    int64_t token_wait = 0;
    if (healthy && !take_token(g, l, &token_wait)) {
        *wait = (int)token_wait;
        return true;
    }
    struct job *j = job_for_target(g, JOB_DNSBL, item);
    *wait = -1;
    if (!j)
        return true;
    g->cur_item++;
    if (!healthy) {
        emit_dnsbl(g, j);
        eng_job_free(j);
        return false;
    }
    if (plan_names(g, l, j) != 0)
        return false; /* decided without asking */
    if (eng_job_ask(g, j) != 0) {
        g->fatal = -ENOMEM;
        return true;
    }
    return false;
}

/*
 * Start the record-check job of the current plan item, when its check applies;
 * its first run happens in eng_drain_ready(). @return as start_list_job().
 */
static bool start_check_job(struct eng *g, int *wait)
{
    const struct scan_engine_opts *o = g->o;
    size_t item = g->cur_item;
    size_t slot = item - o->nlists;
    unsigned check = slot_check(g, slot, &g->cur);
    g->cur_item++;
    if (!check)
        return false;
    struct job *j = job_for_target(g, JOB_CHECK, item);
    *wait = -1;
    if (!j)
        return true;
    j->check = check;
    if (check == SCAN_CHECK_SPF_AUTH)
        j->domain = o->spf_domains[slot - SLOT_SPF_AUTH0];
    j->view = scan_view_new();
    if (!j->view) {
        g->fatal = -ENOMEM;
        eng_job_free(j);
        return true;
    }
    eng_ready_push(g, j);
    return false;
}

/* Start jobs until the window is full. @return ms to wait for a rate token, or -1. */
static int fill_window(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    /* Jobs whose result is out may wait for sends still in c-ares: room for them. */
    size_t max_jobs = o->concurrency * 8 + 16;
    int wait = -1;

    while (!g->fatal && !stopping(g)) {
        if (g->asking >= o->concurrency || g->jobs >= max_jobs)
            return -1;
        if (!have_target(g))
            return -1;
        if (g->cur_item >= g->nitems) {
            g->have_cur = false;
            g->st->targets++;
            continue;
        }
        bool stop = g->cur_item < o->nlists ? start_list_job(g, &wait) : start_check_job(g, &wait);
        if (stop)
            return wait;
    }
    return -1;
}

/* ---- --expand ------------------------------------------------------------------ */

/*
 * Before the scan, every domain target is expanded, one job each, in the same
 * loop and window as everything else: every address and all of its vias are
 * known before any address is checked (an address is checked once, carrying
 * every way it was found), and the health barrier probes the kinds of target
 * the expansion adds.
 */
static int run_expansion(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    const char **names = NULL;
    size_t n = 0, next = 0;
    uint64_t by_type[3];
    int ret = scan_expand_set_new(&g->xset);

    if (ret == 0)
        ret = scan_targets_domains(g->ts, &names, &n);
    if (ret == 0 && !(g->xparts = calloc(n ? n : 1, sizeof(*g->xparts))))
        ret = -ENOMEM;
    while (ret == 0 && !g->fatal && !stopping(g)) {
        while (next < n && scan_resolver_inflight(o->resolver) < o->concurrency &&
               g->jobs < o->concurrency * 8 + 16) {
            struct job *j = eng_job_new(g, JOB_CHECK, next);
            if (!j)
                break;
            j->check = SCAN_CHECK_EXPAND;
            j->t.type = SCAN_T_DOMAIN;
            snprintf(j->t.text, sizeof(j->t.text), "%s", names[next++]);
            if (!(j->view = scan_view_new())) {
                g->fatal = -ENOMEM;
                eng_job_free(j);
                break;
            }
            eng_ready_push(g, j); /* first run happens in eng_drain_ready() */
        }
        eng_drain_ready(g);
        if (next == n && g->jobs == 0)
            break;
        int wait = eng_timer_wait(g);
        ret = scan_resolver_poll(o->resolver, wait >= 0 && wait < 100 ? wait : 100);
        eng_fire_timers(g);
    }
    for (size_t i = 0; ret == 0 && !g->fatal && g->xparts && i < n; i++)
        if (scan_expand_set_add(g->xset, g->xparts[i]) != 0)
            g->fatal = -ENOMEM;
    for (size_t i = 0; g->xparts && i < n; i++)
        scan_expansion_free(g->xparts[i]);
    free(g->xparts);
    g->xparts = NULL;
    free(names);
    if (ret < 0 || g->fatal)
        return ret < 0 ? ret : g->fatal;
    g->total += scan_expand_set_count(g->xset, by_type);
    g->kinds_present[SCAN_T_IP4] += by_type[SCAN_T_IP4];
    g->kinds_present[SCAN_T_IP6] += by_type[SCAN_T_IP6];
    return 0;
}

/* ---- the run ---------------------------------------------------------------- */

static void progress(struct eng *g, bool force)
{
    if (!g->o->on_progress)
        return;
    struct timespec now;
    clock_now(g, &now);
    int64_t ms = (int64_t)(now.tv_sec - g->last_progress.tv_sec) * 1000 +
                 (now.tv_nsec - g->last_progress.tv_nsec) / 1000000;
    if (!force && ms < PROGRESS_MS)
        return;
    g->last_progress = now;
    struct scan_progress p = {.targets_done = g->st->targets,
                              .targets_total = g->total,
                              .results = g->st->results,
                              .errors = g->st->errors,
                              .queries = scan_resolver_sent(g->o->resolver),
                              .seconds = elapsed_s(g, &g->start)};
    g->o->on_progress(g->o->arg, &p);
}

/* Set up the run's state: the clock, the lists with their rates, the cache. */
static int eng_init(struct eng *g, const struct scan_engine_opts *o, struct scan_targets *ts,
                    uint64_t total, struct scan_engine_stats *st)
{
    memset(g, 0, sizeof(*g));
    memset(st, 0, sizeof(*st));
    g->o = o;
    g->ts = ts;
    g->st = st;
    g->total = total;
    g->srtt = -1;
    g->nitems = o->nlists + SLOT_SPF_AUTH0 + o->nspf_domains;
    clock_now(g, &g->start);
    g->last_progress = g->start;
    g->sent0 = scan_resolver_sent(o->resolver);
    scan_targets_count_by_type(ts, g->kinds_present);

    g->lists = calloc(o->nlists ? o->nlists : 1, sizeof(*g->lists));
    eng_cache_init(g);
    if (!g->lists)
        return -ENOMEM;
    for (size_t i = 0; i < o->nlists; i++) {
        struct elist *l = &g->lists[i];
        l->e = o->lists[i];
        l->zone = o->zones[i];
        l->rate = o->rate < 0 ? l->e->rate : o->rate;
        l->tokens = 1;
        clock_now(g, &l->last);
    }
    return 0;
}

/* Before any target: expand the domains (--expand), then the health barrier. */
static int run_before_targets(struct eng *g)
{
    int ret = 0;
    if (g->o->expand.what) {
        ret = run_expansion(g);
        if (ret < 0)
            return ret;
    }
    if (g->o->checks & SCAN_CHECK_DNSBL)
        ret = eng_run_health(g);
    return ret;
}

/* How long the loop may wait: for a rate token (@p wait), a timer, or a fetch. */
static int loop_wait(struct eng *g, int wait)
{
    int tw = eng_timer_wait(g);
    if (tw >= 0 && (wait < 0 || tw < wait))
        wait = tw;
    /* HTTPS fetches move on between short waits (scanner/dns/fetch.c says why). */
    if (scan_fetch_active(g->fetch) > 0 && (wait < 0 || wait > FETCH_POLL_MS))
        wait = FETCH_POLL_MS;
    return wait;
}

/* The main loop: fill the window, wait for answers and timers, until every target is out. */
static int run_targets(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    int ret = 0;

    for (;;) {
        eng_drain_ready(g);
        int wait = fill_window(g);
        eng_drain_ready(g);
        if (g->fatal) {
            ret = g->fatal;
            break;
        }
        bool ending = g->targets_done || stopping(g);
        if (ending && g->jobs == 0)
            break;
        if (ending && g->jobs == g->finished) {
            /* Every result is out; what is left are late sends of questions
             * another send answered. Nothing waits for them. */
            scan_resolver_cancel_all(o->resolver);
            continue;
        }
        wait = loop_wait(g, wait);
        int r = scan_resolver_poll(o->resolver, wait >= 0 ? wait : 100);
        if (r < 0) {
            ret = r;
            break;
        }
        scan_fetch_poll(g->fetch);
        eng_fire_timers(g);
        progress(g, false);
    }
    progress(g, true);
    g->st->complete = ret == 0 && g->targets_done && !stopping(g);
    return ret;
}

/*
 * End the run whatever state it is in. Jobs still alive after a fatal error hold
 * sends whose callbacks point at them and at the run's state: give no more
 * results, cancel every send (each callback runs now, once) and release every
 * job before the state goes; then the figures, and the state is freed.
 */
static void eng_finish(struct eng *g)
{
    const struct scan_engine_opts *o = g->o;
    g->in_health = false;
    if (g->jobs > 0 && g->jobs != g->finished)
        g->aborting = true;
    g->next_due = 1;
    eng_fire_timers(g); /* aborting or after the barrier: finishes every armed ask's job */
    scan_resolver_cancel_all(o->resolver);
    scan_fetch_cancel_all(g->fetch); /* each callback runs now, cancelled */
    eng_drain_ready(g);
    if (g->jobs > 0)
        fprintf(stderr, "dnsbl-scan: internal: %zu jobs left at the end of the run\n", g->jobs);
    else
        SCAN_REQUIRE(g->asking == 0 && g->finished == 0);
    g->st->queries = scan_resolver_sent(o->resolver) - g->sent0;
    g->st->seconds = elapsed_s(g, &g->start);
    scan_fetch_free(g->fetch);
    eng_cache_free_all(g);
    scan_expand_set_free(g->xset);
    free(g->armed);
    free(g->lists);
}

int scan_engine_run(const struct scan_engine_opts *o, struct scan_targets *ts, uint64_t total,
                    struct scan_engine_stats *st)
{
    struct eng g;
    int ret = eng_init(&g, o, ts, total, st);
    if (ret == 0)
        ret = run_before_targets(&g);
    if (ret == 0)
        ret = run_targets(&g);
    eng_finish(&g);
    return ret;
}
