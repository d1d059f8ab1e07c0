/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The engine's private header: the run state (struct eng) and its jobs, shared by
 * the files of scanner/engine. Nothing outside scanner/engine includes it; the
 * public interface is engine.h. Who calls whom, top-down:
 *
 *   engine.c  the driver: the plan of each target, the loop, --expand, the run
 *   health.c  the list health barrier's probes and conclusions (engine.c runs its loop)
 *   dnsbl.c   DNSBL jobs: names, the TXT reason, the (target, list) result
 *   check.c   record-check jobs: run a check, fetch what it lacks, the check window
 *   cache.c   the run-wide answer cache of record checks
 *   job.c     jobs and their questions: the ready queue, sends, resend timers,
 *             rate tokens, results handed out; it calls none of the others
 */
#ifndef SCANNER_ENGINE_INT_H
#define SCANNER_ENGINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/core/hashset.h"
#include "scanner/engine/engine.h"

struct centry; /* cache.c */
struct eng;
struct job;
struct scan_fetch;
struct scan_view;

/* One question of a DNSBL or health job, sent up to ASK_MAX_SENDS times. */
struct ask {
    struct job *job;
    char name[256];
    uint16_t type;
    struct scan_answer *ans; /* the deciding answer, once decided */
    unsigned sends;          /* sends of this round */
    unsigned outstanding;    /* sends not completed yet */
    int64_t first_ms;        /* when the first send of this round went out */
    int64_t due_ms;          /* 0, or when to send again */
    size_t idx;              /* place in eng.armed while active */
    bool active, decided;
    bool counted; /* in eng.asking: asked and not decided */
};

/* Health of one kind of one list. */
enum hstate { H_UNKNOWN, H_GOOD, H_BAD, H_BLOCKED };

struct khealth {
    bool probed;       /* the run queries this kind: its points were asked */
    enum hstate state; /* after the barrier: H_GOOD, H_BAD, H_BLOCKED, or H_UNKNOWN when
                          not established */
    size_t pending;    /* probes not judged yet */
    size_t good;       /* probes that answered as documented */
    size_t unanswered; /* probes judged without ever answering */
    char detail[600];
    char noanswer[400]; /* the last probe that did not answer, for the detail */
};

struct elist {
    const struct list_entry *e;
    const char *zone;
    double rate, tokens;
    struct timespec last;
    struct khealth h[3]; /* by list_kind_index() == enum scan_target_type */
};

enum job_kind { JOB_DNSBL, JOB_CHECK, JOB_HEALTH };

struct job {
    struct eng *g;
    enum job_kind kind;
    size_t item;
    bool queued;
    bool finished; /* result out (or abandoned): freed once no send is outstanding */
    bool deferred; /* a check whose next questions wait for room in the window */
    size_t want;   /* deferred: how many questions it will ask */
    struct job *next_ready;
    struct job *next_deferred;
    struct scan_target t;
    /* dnsbl and health: q[0] (and q[1] for domain_mode both), then txt */
    struct ask q[2];
    size_t nq;
    size_t undecided;
    struct ask txt;
    bool txt_asked;
    /* health */
    const struct list_test_point *tp;
    unsigned retries;
    /* checks */
    int pending;
    struct scan_view *view;
    unsigned check;
    const char *domain;
    /* an address found by --expand: how (borrowed from the run's set) */
    const char *const *via;
    size_t nvia;
};

struct eng {
    const struct scan_engine_opts *o;
    struct elist *lists;
    size_t nitems;
    struct job *ready_head, *ready_tail;
    struct job *deferred_head, *deferred_tail; /* checks waiting for room, in order */
    size_t jobs;
    int fatal;
    /* generator */
    struct scan_targets *ts;
    struct scan_target cur;
    bool have_cur, targets_done;
    size_t cur_item;
    const char *const *cur_via;
    size_t cur_nvia;
    uint64_t kinds_present[3];
    /* --expand */
    struct scan_expand_set *xset;
    struct scan_expansion **xparts; /* per domain, until all are expanded */
    bool direct_done;               /* the targets given directly are all out */
    size_t xnext;                   /* the next expanded address to check after them */
    /* asking again */
    struct ask **armed; /* asks with a due time (unordered; walked when one is due) */
    size_t narmed, carmed;
    int64_t next_due;
    double srtt, rttvar; /* ms; srtt < 0 until the first sample */
    int64_t health_deadline;
    bool in_health;
    size_t asking;   /* questions asked and not decided: the window */
    size_t caching;  /* record-check questions (and fetches) in flight (see over_window()) */
    size_t finished; /* jobs whose result is out, waiting for late sends */
    bool aborting;   /* a fatal error: no more results, every job is only released */
    /* HTTPS fetches (mta-sts), created on the first one */
    struct scan_fetch *fetch;
    /* cache (cache.c): struct centry * entries, keyed by their question */
    struct scan_hashset cache;
    size_t kept;
    /* stats */
    struct scan_engine_stats *st;
    uint64_t sent0; /* the resolver's sent count when the run began */
    uint64_t total;
    struct timespec start, last_progress;
};

/* Time is read only from the resolver, the loop the answers and timeouts come
 * from (scan_resolver_now(): CLOCK_MONOTONIC), so a test resolver with a virtual
 * clock drives the whole engine: retries, rates, deadlines (tests/unit/test_engine.c). */
static inline void clock_now(const struct eng *g, struct timespec *t)
{
    scan_resolver_now(g->o->resolver, t);
}

static inline int64_t now_ms(const struct eng *g)
{
    struct timespec t;
    clock_now(g, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline bool stopping(const struct eng *g)
{
    return (g->o->stop && *g->o->stop) || (g->o->halt && *g->o->halt);
}

/* job.c: jobs, asking and asking again, rate tokens, results. */
struct job *eng_job_new(struct eng *g, enum job_kind kind, size_t item);
/* A job for the current target (g->cur, its vias) and plan item @p item, or NULL. */
struct job *eng_job_for_target(struct eng *g, enum job_kind kind, size_t item);
void eng_job_free(struct job *j);
unsigned eng_job_outstanding(const struct job *j); /* sends not completed yet */
/* The job's result is out (or never will be): stop its questions; the loop frees it. */
void eng_job_finish(struct eng *g, struct job *j);
int eng_job_ask(struct eng *g, struct job *j);  /* send q[0..nq) of type A */
int eng_ask_send(struct eng *g, struct ask *a); /* send once more (or first) */
void eng_ask_reset(struct ask *a);
int eng_arm(struct eng *g, struct ask *a, int64_t due); /* send again at @p due (ms) */
void eng_ready_push(struct eng *g, struct job *j);      /* once; the loop advances it */
void eng_fire_timers(struct eng *g);
int eng_timer_wait(const struct eng *g); /* ms until the next send is due, or -1 */
/* Take a rate token of @p l; false, with the wait in *wait_ms, when there is none. */
bool eng_take_token(const struct eng *g, struct elist *l, int64_t *wait_ms);
/* Hand one result of @p j to the caller (on_result) and count it in the stats. */
void eng_count_result(struct eng *g, const struct job *j, const struct scan_result *r);

/* engine.c: run every job on the ready queue (health.c runs it for the probes). */
void eng_drain_ready(struct eng *g);

/* dnsbl.c: start the DNSBL job of the current plan item (a list). @return true
 * when the window must stop filling, with fill_window()'s value in *wait. */
bool eng_start_list_job(struct eng *g, int *wait);

/* dnsbl.c: a DNSBL job's answers are in: ask its TXT reason or emit its result.
 * @return true when the job is finished. */
bool eng_dnsbl_step(struct eng *g, struct job *j);

/* check.c: run a record check until it finishes or waits for answers. @return
 * true when the job is finished. */
bool eng_check_step(struct eng *g, struct job *j);

/* check.c: wake the oldest deferred check when the check window has room. */
void eng_wake_deferred(struct eng *g);

/* cache.c: an empty cache (nothing allocated until the first question). */
void eng_cache_init(struct eng *g);

/* cache.c: deliver (name, type, flags) to the job's view: from the cache, by
 * joining a question in flight, or by asking. @return 0 or a negative errno. */
int eng_cache_fetch(struct job *j, const char *name, uint16_t type, unsigned flags);

/* cache.c: free every cache entry and the table (after the last callback). */
void eng_cache_free_all(struct eng *g);

/* health.c: a probe's answer is in: judge it, or ask again later. @return true
 * when the job is finished. */
bool eng_health_step(struct eng *g, struct job *j);

/* health.c: open the health barrier: set its deadline and ask the test points of
 * every (list, kind) the run queries. @return 0 or -ENOMEM. */
int eng_health_begin(struct eng *g);

/* health.c: @return whether every probe is judged. */
bool eng_health_done(const struct eng *g);

/* health.c: once the barrier's loop is over, conclude each probed (list, kind):
 * healthy only on evidence; report each kind's health (on_health). @p interrupted
 * says the run stopped or failed before the deadline. */
void eng_health_conclude(struct eng *g, bool interrupted);

#endif
