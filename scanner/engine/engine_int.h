/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The engine's private header: the run state (struct eng) and its jobs, shared by
 * engine.c (the loop, the window, asking again, results) and cache.c (the
 * run-wide answer cache of record checks). Nothing outside scanner/engine
 * includes it; the public interface is engine.h.
 */
#ifndef SCANNER_ENGINE_INT_H
#define SCANNER_ENGINE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "scanner/engine/engine.h"

#define CACHE_BUCKETS 65536 /* eng.buckets: allocated by engine.c, used by cache.c */

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
    /* cache */
    struct centry **buckets;
    size_t kept;
    /* stats */
    struct scan_engine_stats *st;
    uint64_t sent0; /* the resolver's sent count when the run began */
    uint64_t total;
    struct timespec start, last_progress;
};

/* engine.c: put @p j on the ready queue (once); the loop advances it. */
void eng_ready_push(struct eng *g, struct job *j);

/* cache.c: deliver (name, type, flags) to the job's view: from the cache, by
 * joining a question in flight, or by asking. @return 0 or a negative errno. */
int eng_cache_fetch(struct job *j, const char *name, uint16_t type, unsigned flags);

/* cache.c: free every cache entry and the buckets (after the last callback). */
void eng_cache_free_all(struct eng *g);

#endif
