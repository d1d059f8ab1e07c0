/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The report's model (see output/report/report_model.h): what a run or the store
 * said, folded into per-address verdicts, per-list tallies, score counts and
 * a temporary database of findings; and the atomic file write.
 */
#include "output/report/report_model.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "output/writers/outpath.h"
#include "scanner/core/err.h"

/* --- lists ---------------------------------------------------------------------- */

static struct rep_list *list_get(struct out_report *rep, const char *key, const char *zone)
{
    struct rep_list *v, *l;

    for (size_t i = 0; i < rep->nlists; i++) {
        if (strcmp(rep->lists[i].key, key) == 0)
            return &rep->lists[i];
    }
    v = out_grow(rep->lists, &rep->lcap, rep->nlists, sizeof(*v));
    if (!v)
        return NULL;
    rep->lists = v;
    l = &v[rep->nlists];
    memset(l, 0, sizeof(*l));
    for (size_t i = 0; i < rep->o.nlists; i++) {
        const struct out_report_list *m = &rep->o.lists[i];
        if ((m->id && strcmp(m->id, key) == 0) || (m->zone && strcmp(m->zone, key) == 0))
            l->meta = m;
    }
    l->key = strdup(key);
    l->zone = strdup(zone ? zone : l->meta && l->meta->zone ? l->meta->zone : key);
    if (!l->key || !l->zone) {
        free(l->key);
        free(l->zone);
        return NULL;
    }
    rep->nlists++;
    return l;
}

static int kind_index(const char *kind)
{
    if (!kind)
        return REP_KIND_WHOLE;
    if (strcmp(kind, "ip4") == 0)
        return REP_KIND_IP4;
    if (strcmp(kind, "ip6") == 0)
        return REP_KIND_IP6;
    if (strcmp(kind, "domain") == 0)
        return REP_KIND_DOMAIN;
    return REP_KIND_WHOLE;
}

/* Record one (list, kind) status (@p h's detail is ignored: @p detail is copied);
 * an unhealthy report wins over a healthy one. */
static int health_set(struct out_report *rep, const char *key, const char *zone, const char *kind,
                      const struct rep_health *h, const char *detail_in)
{
    struct rep_list *l = rep->written ? NULL : list_get(rep, key, zone);
    struct rep_health *k;
    char *detail = NULL;

    if (!l)
        return rep->written ? -EINVAL : -ENOMEM;
    k = &l->kinds[kind_index(kind)];
    if (k->reported && k->health == OUT_LIST_UNHEALTHY && h->health != OUT_LIST_UNHEALTHY)
        return 0;
    if (detail_in && !(detail = strdup(detail_in)))
        return -ENOMEM;
    free(k->detail);
    *k = *h;
    k->detail = detail;
    k->reported = true;
    return 0;
}

int out_report_health(struct out_report *rep, const struct scan_health *h)
{
    struct rep_health rh = {.health = h && h->healthy ? OUT_LIST_HEALTHY : OUT_LIST_UNHEALTHY};

    if (!rep || !h || (!h->list_id && !h->list))
        return -EINVAL;
    if (!h->healthy)
        rh.why = h->why ? h->why : SCAN_R_UNHEALTHY;
    return health_set(rep, h->list_id ? h->list_id : h->list, h->list, h->kind, &rh,
                      h->healthy ? NULL : h->detail);
}

/* --- results -------------------------------------------------------------------- */

/* One result, from the run or the store. */
struct rep_item {
    const char *target, *check, *list_key, *list, *scope;
    enum scan_check kind;
    enum scan_outcome outcome;
    enum scan_status st;
    enum scan_reason why;
    const char *json;              /**< the store's JSON, or NULL */
    const struct scan_result *res; /**< the run's result (JSON rendered from it), or NULL */
    int64_t since_ms;
};

/* The level a result gives its address: DNSBL verdicts colour the map, record
 * checks only mark the address as scanned. An error because the list is
 * unhealthy or blocked for the kind is the list's fault, shown in the lists
 * table: it colours an address only when no list gave it a verdict. */
static enum rep_level level_of(const struct rep_item *it)
{
    if (it->kind != SCAN_CHECK_DNSBL)
        return REP_NOVERDICT;
    switch (it->outcome) {
    case SCAN_OUT_OK:
        return REP_CLEAN;
    case SCAN_OUT_LISTED:
        return REP_LISTED;
    case SCAN_OUT_INFO:
        return REP_INFO;
    case SCAN_OUT_PROBLEM:
        return REP_NOVERDICT;
    case SCAN_OUT_ERROR:
        break;
    }
    return it->why == SCAN_R_UNHEALTHY || it->why == SCAN_R_BLOCKED ? REP_NOVERDICT : REP_ERROR;
}

static void tally_list(struct rep_list *l, const struct rep_item *it)
{
    switch (it->outcome) {
    case SCAN_OUT_OK:
    case SCAN_OUT_PROBLEM:
        l->clean++;
        break;
    case SCAN_OUT_LISTED:
        l->listed++;
        break;
    case SCAN_OUT_INFO:
        l->info++;
        break;
    case SCAN_OUT_ERROR:
        l->errors++;
        l->by_reason[(unsigned)it->why < SCAN_R_COUNT ? it->why : SCAN_R_NONE]++;
        break;
    }
}

static int tally_auth(struct out_report *rep, const struct rep_item *it)
{
    struct rep_auth *a = NULL;
    const char *domain = it->scope ? it->scope : "";

    for (size_t i = 0; i < rep->nauth && !a; i++) {
        if (strcmp(rep->auth[i].domain, domain) == 0)
            a = &rep->auth[i];
    }
    if (!a) {
        struct rep_auth *v = out_grow(rep->auth, &rep->acap, rep->nauth, sizeof(*v));
        if (!v)
            return -ENOMEM;
        rep->auth = v;
        a = &v[rep->nauth];
        *a = (struct rep_auth){.domain = strdup(domain)};
        if (!a->domain)
            return -ENOMEM;
        rep->nauth++;
    }
    a->total++;
    a->pass += it->outcome == SCAN_OUT_OK;
    return 0;
}

/* The JSON of an item: the store's as it is, the run's rendered into rep->json. */
static const char *item_json(struct out_report *rep, const struct rep_item *it)
{
    if (!it->res)
        return it->json;
    out_sink_clear(&rep->json);
    out_json_result(&rep->json, it->res);
    return rep->json.err ? NULL : out_sink_str(&rep->json);
}

static int store_row(struct out_report *rep, const struct rep_item *it, const struct rep_block *b,
                     unsigned host)
{
    sqlite3_stmt *s = rep->ins;
    uint8_t key[16];
    const char *j = item_json(rep, it);
    int rc;

    if (rep->json.err)
        return rep->json.err;
    sqlite3_bind_text(s, 1, it->target, -1, SQLITE_STATIC);
    if (b) {
        sqlite3_bind_blob(s, 2, key, (int)rep_block_key(b, key), SQLITE_STATIC);
        sqlite3_bind_int(s, 3, (int)host);
    }
    sqlite3_bind_text(s, 4, it->kind == SCAN_CHECK_DNSBL ? it->list : it->check, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, it->list_key, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 6, (int)it->kind);
    sqlite3_bind_int(s, 7, (int)it->outcome);
    sqlite3_bind_text(s, 8, scan_status_word(it->st), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, scan_reason_word(it->why), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, it->scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 11, j, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 12, it->since_ms);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? 0 : rep_db_fail(rc);
}

/*
 * Fold one result into the model. An address keeps its worst level; every
 * finding about an address, and every result about a domain (each gets a
 * badge), goes to the database; a clean address needs nothing there.
 */
static int add(struct out_report *rep, const struct rep_item *it)
{
    struct rep_block *b = NULL;
    uint8_t a[16] = {0};
    unsigned host = 0;
    uint8_t fam = 0;
    enum out_score_cat cat;
    int ret = 0;

    if (rep->written)
        return -EINVAL;
    if (inet_pton(AF_INET, it->target, a) == 1) {
        fam = 4;
        host = a[3];
        a[3] = 0;
    } else if (inet_pton(AF_INET6, it->target, a) == 1) {
        fam = 6;
        host = a[15];
        a[15] = 0;
    }
    if (fam) {
        enum rep_level lv = level_of(it);
        b = rep_block_get(rep, fam, a);
        if (!b)
            return -ENOMEM;
        if (b->cell[host] == REP_NONE)
            rep->addrs[fam == 6]++;
        if (lv > b->cell[host])
            b->cell[host] = (uint8_t)lv;
        if (out_score_category(it->outcome, &cat) == 0)
            rep->pool[cat]++;
    }
    if (it->kind == SCAN_CHECK_DNSBL) {
        struct rep_list *l = list_get(rep, it->list_key ? it->list_key : it->list, it->list);
        if (!l)
            return -ENOMEM;
        tally_list(l, it);
    } else if (it->kind == SCAN_CHECK_FCRDNS) {
        rep->fcrdns[it->outcome]++;
        if (it->outcome != SCAN_OUT_OK)
            rep->fcrdns_why[(unsigned)it->why < SCAN_R_COUNT ? it->why : SCAN_R_NONE]++;
    } else if (it->kind == SCAN_CHECK_SPF_AUTH) {
        ret = tally_auth(rep, it);
    }
    if (ret == 0 && (!b || it->outcome != SCAN_OUT_OK))
        ret = store_row(rep, it, b, host);
    return ret;
}

int out_report_result(struct out_report *rep, const struct scan_result *r)
{
    const char *scope = NULL;

    if (!rep || !r || !r->target || !r->check)
        return -EINVAL;
    for (size_t i = 0; r->kind == SCAN_CHECK_SPF_AUTH && i < r->extra.n; i++) {
        const struct scan_field *f = &r->extra.f[i];
        if (f->type == SCAN_F_STR && f->name && strcmp(f->name, "domain") == 0)
            scope = f->str;
    }
    struct rep_item it = {.target = r->target,
                          .check = r->check,
                          .list_key = r->list_id ? r->list_id : r->list,
                          .list = r->list ? r->list : r->list_id,
                          .scope = scope,
                          .kind = r->kind,
                          .outcome = r->outcome,
                          .st = r->st,
                          .why = r->why,
                          .res = r};
    if (r->kind == SCAN_CHECK_DNSBL && !it.list_key)
        return -EINVAL;
    return add(rep, &it);
}

/* --- the run, and the store --------------------------------------------------- */

static int set_run(struct out_report *rep, const struct out_report_run *run)
{
    char *t = strdup(run->targets ? run->targets : ""), *c = strdup(run->checks ? run->checks : "");

    if (!t || !c) {
        free(t);
        free(c);
        return -ENOMEM;
    }
    free(rep->targets);
    free(rep->checks);
    rep->targets = t;
    rep->checks = c;
    rep->started_ms = run->started_ms;
    rep->ended_ms = run->ended_ms;
    rep->complete = run->complete;
    rep->has_run = true;
    return 0;
}

int out_report_set_run(struct out_report *rep, const struct out_report_run *run)
{
    if (!rep || !run)
        return -EINVAL;
    return set_run(rep, run);
}

/* The newest complete run: stop the walk there. */
static int take_last_complete(void *arg, const struct out_run_row *r)
{
    struct out_report *rep = arg;
    struct out_report_run run = {.targets = r->targets,
                                 .checks = r->checks,
                                 .started_ms = r->info.started_ms,
                                 .ended_ms = r->info.ended_ms,
                                 .complete = true};

    if (strcmp(r->info.status, "complete") != 0)
        return 0;
    return set_run(rep, &run) == 0 ? 1 : -ENOMEM;
}

static int replay_list(void *arg, const struct out_list_status *ls)
{
    struct rep_health h = {.health = ls->health,
                           .why = ls->why,
                           .new_listings = ls->new_listings,
                           .scanned = ls->scanned,
                           .since_ms = ls->since_ms};

    return health_set(arg, ls->list_key, ls->list, ls->kind, &h, ls->detail);
}

static int replay_result(void *arg, const struct out_stored_result *r)
{
    struct rep_item it = {.target = r->target,
                          .check = r->check,
                          .list_key = r->list_key,
                          .list = r->list,
                          .scope = r->scope,
                          .kind = r->kind,
                          .outcome = r->outcome,
                          .st = r->st,
                          .why = r->why,
                          .json = r->json,
                          .since_ms = r->since_ms};

    return add(arg, &it);
}

int out_report_load(struct out_report *rep, struct out_state *st, struct scan_diag *diag)
{
    struct out_replay cb = {.list = replay_list, .result = replay_result, .arg = rep};
    int ret;

    if (!rep || !st)
        return -EINVAL;
    rep->from_store = true;
    ret = out_state_runs(st, 0, take_last_complete, rep, diag);
    if (ret < 0)
        return ret;
    if (!rep->has_run)
        return SCAN_ENOTFOUND;
    return out_state_replay(st, &cb, diag);
}

/* --- life cycle ------------------------------------------------------------------ */

static const char schema_sql[] =
    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096;"
    "PRAGMA temp_store = FILE;"
    "CREATE TABLE res (target TEXT NOT NULL, blk BLOB, host INTEGER, src TEXT,"
    " list_key TEXT, kind INTEGER NOT NULL, outcome INTEGER NOT NULL, status TEXT NOT NULL,"
    " reason TEXT, scope TEXT, j TEXT, since_ms INTEGER NOT NULL);"
    "CREATE INDEX res_addr ON res (blk, host) WHERE blk IS NOT NULL;"
    "CREATE INDEX res_domain ON res (target) WHERE blk IS NULL;"
    "BEGIN;";

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int out_report_new(const struct out_report_opts *o, struct out_report **out)
{
    struct out_report *rep = NULL;
    int rc, ret;

    if (!out)
        return -EINVAL;
    *out = NULL;
    if (!o || (o->nlists && !o->lists) || o->window_ms < 0)
        return -EINVAL;
    rep = calloc(1, sizeof(*rep));
    if (!rep)
        return -ENOMEM;
    rep->o = *o;
    rep_blocks_init(rep);
    rep->now_ms = o->now_ms ? o->now_ms : wall_ms();
    rep->window_ms = o->window_ms ? o->window_ms : OUT_REPORT_WINDOW_MS;
    out_sink_init_mem(&rep->json);
    /* "": a private database on disk, deleted on close; pages beyond the cache spill */
    rc = sqlite3_open_v2("", &rep->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(rep->db, schema_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(rep->db,
                                "INSERT INTO res (target, blk, host, src, list_key, kind, outcome,"
                                " status, reason, scope, j, since_ms) VALUES (?, ?, ?, ?, ?, ?, ?,"
                                " ?, ?, ?, CASE WHEN json_valid(?11) THEN ?11 END, ?)",
                                -1, &rep->ins, NULL);
    if (rc != SQLITE_OK) {
        ret = rep_db_fail(rc);
        out_report_free(rep);
        return ret;
    }
    *out = rep;
    return 0;
}

void out_report_free(struct out_report *rep)
{
    if (!rep)
        return;
    sqlite3_finalize(rep->ins);
    sqlite3_close_v2(rep->db);
    out_sink_deinit(&rep->json);
    rep_blocks_deinit(rep);
    for (size_t i = 0; i < rep->nlists; i++) {
        free(rep->lists[i].key);
        free(rep->lists[i].zone);
        for (int k = 0; k < REP_NKINDS; k++)
            free(rep->lists[i].kinds[k].detail);
    }
    free(rep->lists);
    for (size_t i = 0; i < rep->nauth; i++)
        free(rep->auth[i].domain);
    free(rep->auth);
    free(rep->targets);
    free(rep->checks);
    free(rep);
}

/* --- writing ----------------------------------------------------------------------- */

int out_report_write(struct out_report *rep, FILE *f, struct out_state *st, struct scan_diag *diag)
{
    int ret;

    if (!rep || !f)
        return -EINVAL;
    rep->written = true; /* rendering sorts the blocks: no result is added from here */
    ret = rep_render(rep, f, st, diag);
    if (fflush(f) != 0 || ferror(f))
        ret = ret ? ret : -EIO;
    return ret;
}

struct write_args {
    struct out_report *rep;
    struct out_state *st;
    struct scan_diag *diag;
};

static int write_to(FILE *f, void *arg)
{
    struct write_args *w = arg;
    return out_report_write(w->rep, f, w->st, w->diag);
}

int out_report_write_file(struct out_report *rep, const char *path, struct out_state *st,
                          struct scan_diag *diag)
{
    struct write_args w = {rep, st, diag};

    if (!rep || !path || !*path)
        return -EINVAL;
    return out_file_replace(path, write_to, &w);
}
