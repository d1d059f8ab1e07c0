/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The run-wide answer cache of record checks (see engine.c): a question (name,
 * type, flags) is asked once per run and its answer handed to every job that asks
 * it while it is in flight or, when kept, afterwards. An MTA-STS policy is
 * fetched over HTTPS through the same entries. Answers arrive in c-ares (or
 * fetch) callbacks, which only store them and put the waiting jobs on the ready
 * queue (STYLE rule 11).
 */
#include "scanner/engine/engine_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/dns/fetch.h"
#include "scanner/dns/view.h"

#define CACHE_MAX_KEPT 100000

struct waiter {
    struct waiter *next;
    struct job *job;
};

/* A question asked by record checks: answered once per run, shared by every job
 * that asks it while it is in flight or (when kept) afterwards. */
struct centry {
    struct eng *g;
    char *name;
    uint16_t type;
    unsigned flags;          /* enum scan_qflag: a DNSSEC question is another question */
    uint64_t hash;           /* of the question (ckey_of()) */
    struct scan_answer *ans; /* NULL while in flight */
    struct waiter *waiters;
    bool kept;
};

/* ---- the run-wide cache for record checks --------------------------------- */

/* A question as the cache table looks it up; the hash is computed once. The
 * table's entries are struct centry pointers: entries are malloc'd, since
 * callbacks hold them while the table grows and moves its slots. */
struct ckey {
    const char *name;
    uint16_t type;
    unsigned flags;
    uint64_t hash;
};

static struct ckey ckey_of(const char *name, uint16_t type, unsigned flags)
{
    struct ckey k = {name, type, flags,
                     scan_hash_bytes(name, strlen(name), type ^ ((uint64_t)flags << 16))};
    return k;
}

static struct centry *entry_centry(const void *entry)
{
    struct centry *c;
    memcpy(&c, entry, sizeof(c));
    return c;
}

static uint64_t ckey_hash(const void *key)
{
    return ((const struct ckey *)key)->hash;
}

static uint64_t centry_hash(const void *entry)
{
    return entry_centry(entry)->hash;
}

static bool centry_match(const void *entry, const void *key)
{
    const struct centry *c = entry_centry(entry);
    const struct ckey *k = key;
    return c->hash == k->hash && c->type == k->type && c->flags == k->flags &&
           strcmp(c->name, k->name) == 0;
}

static const struct scan_hashset_ops cache_ops = {ckey_hash, centry_hash, centry_match};

void eng_cache_init(struct eng *g)
{
    scan_hashset_init(&g->cache, sizeof(struct centry *), 0, &cache_ops);
}

static void centry_free(struct centry *c)
{
    free(c->name);
    scan_answer_free(c->ans);
    free(c);
}

static void centry_unlink_free(struct centry *c)
{
    struct ckey k = {c->name, c->type, c->flags, c->hash};
    void *e = scan_hashset_find(&c->g->cache, &k);
    if (e && entry_centry(e) == c)
        scan_hashset_remove(&c->g->cache, e);
    centry_free(c);
}

static void on_cache_answer(void *arg, struct scan_answer *ans, int cancelled)
{
    struct centry *c = arg;
    struct eng *g = c->g;
    if (!ans) {
        g->fatal = -ENOMEM;
        ans = scan_answer_new_status(SCAN_DNS_TIMEOUT, c->type);
    }
    c->ans = ans;
    SCAN_REQUIRE(g->caching > 0);
    g->caching--;
    struct waiter *w = c->waiters;
    c->waiters = NULL;
    while (w) {
        struct waiter *next = w->next;
        struct job *j = w->job;
        if (ans &&
            scan_view_put_flags(j->view, c->name, c->type, c->flags, scan_answer_dup(ans)) != 0)
            g->fatal = -ENOMEM;
        if (--j->pending == 0)
            eng_ready_push(g, j);
        free(w);
        w = next;
    }
    /* Answers that are not worth keeping are dropped once delivered. A cancelled
     * answer (resolver teardown) is never kept. */
    if (!c->kept || cancelled) {
        if (c->kept)
            g->kept--;
        centry_unlink_free(c);
    }
}

/*
 * Fetch an MTA-STS policy for the cache entry @p c. The check asked the policy
 * host's A and AAAA first, so they are in the job's view: the fetch connects to
 * those addresses (or to --https-connect), and libcurl resolves nothing.
 * @return 0, -ENOMEM, -EINVAL (nothing to connect to), -EIO.
 */
static int start_fetch(struct job *j, const char *name, struct centry *c)
{
    struct eng *g = j->g;
    const struct scan_engine_opts *o = g->o;
    const char *addrs[64];
    char text[64][INET6_ADDRSTRLEN];
    size_t n = 0;
    if (!g->fetch) {
        struct scan_fetch_opts fo = {.ca_file = o->ca_file, .connect_to = o->https_connect};
        /* No diag: the command line checked --https-connect already, and the engine
         * reports this failure by its code alone. */
        int ret = scan_fetch_new(&fo, &g->fetch, NULL);
        if (ret != 0)
            return ret == -EINVAL ? -EIO : ret;
    }
    const uint16_t types[2] = {SCAN_TYPE_A, SCAN_TYPE_AAAA};
    for (int t = 0; t < 2; t++) {
        const struct scan_answer *a = NULL;
        if (scan_view_get(j->view, name, types[t], &a) != 0)
            continue;
        for (size_t i = 0; a->status == SCAN_DNS_OK && i < a->n && n < 64; i++) {
            if (a->rr[i].type != types[t])
                continue;
            inet_ntop(t ? AF_INET6 : AF_INET, t ? (const void *)a->rr[i].a6 : a->rr[i].a4, text[n],
                      sizeof(text[n]));
            addrs[n] = text[n];
            n++;
        }
    }
    return scan_fetch_start(g->fetch, name, addrs, n, on_cache_answer, c);
}

/* Deliver (name, type) to the job's view: from the cache, by joining a query in
 * flight, or by asking. */
int eng_cache_fetch(struct job *j, const char *name, uint16_t type, unsigned flags)
{
    struct eng *g = j->g;
    struct ckey k = ckey_of(name, type, flags);
    void *e = scan_hashset_find(&g->cache, &k);
    struct centry *c = e ? entry_centry(e) : NULL;
    if (c && c->ans)
        return scan_view_put_flags(j->view, name, type, flags, scan_answer_dup(c->ans));
    struct waiter *w = malloc(sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->job = j;
    if (c) {
        w->next = c->waiters;
        c->waiters = w;
        j->pending++;
        return 0;
    }
    c = calloc(1, sizeof(*c));
    if (!c || !(c->name = strdup(name)) || scan_hashset_insert(&g->cache, &k, &e) != 0) {
        if (c)
            free(c->name);
        free(c);
        free(w);
        return -ENOMEM;
    }
    memcpy(e, &c, sizeof(c));
    c->g = g;
    c->type = type;
    c->flags = flags;
    c->hash = k.hash;
    /* Reverse lookups are per IP and never repeat; the rest (SPF includes, MX
     * hosts, report-authorization records) repeat across domains. */
    c->kept = type != SCAN_TYPE_PTR && j->check != SCAN_CHECK_FCRDNS && g->kept < CACHE_MAX_KEPT;
    if (c->kept)
        g->kept++;
    w->next = NULL;
    c->waiters = w;
    j->pending++;
    g->caching++; /* before the send: its callback may run at once */
    struct scan_question q = {.name = name, .type = type, .flags = flags};
    int ret = type == SCAN_TYPE_MTA_STS_POLICY
                  ? start_fetch(j, name, c)
                  : scan_resolver_ask(g->o->resolver, &q, on_cache_answer, c);
    if (ret != 0)
        g->caching--; /* no callback will come */
    if (ret != 0) {
        j->pending--;
        c->waiters = NULL;
        free(w);
        if (c->kept)
            g->kept--;
        centry_unlink_free(c);
    }
    if (ret == -EINVAL) /* no wire form: garbage, never asked under another name */
        return scan_view_put_flags(j->view, name, type, flags,
                                   scan_answer_new_status(SCAN_DNS_BADRESP, type));
    return ret;
}

void eng_cache_free_all(struct eng *g)
{
    size_t pos = 0;
    void *e;
    while ((e = scan_hashset_next(&g->cache, &pos)))
        centry_free(entry_centry(e));
    scan_hashset_deinit(&g->cache);
}
