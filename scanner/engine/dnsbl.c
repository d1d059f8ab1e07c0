/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The DNSBL jobs of the engine (see engine.c's header): which lists apply to a
 * target, the names a job asks, the TXT reason of a listing, and the assembly of
 * each (target, list) result from the list's health and the verdict that
 * scanner/catalog/verdict.c draws from the answers. The engine schedules; what an
 * answer means is decided there, and how the result reads is put together here.
 */
#include "scanner/engine/engine_int.h"

#include <errno.h>
#include <string.h>

#include "scanner/catalog/verdict.h"
#include "scanner/dns/qname.h"

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
        eng_count_result(g, j, &r);
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
    eng_count_result(g, j, &r);
}

/* A DNSBL job's answers are in: when the list is listed and gives reasons, ask
 * the TXT record first, then build the result. @return true when the job is
 * finished. */
bool eng_dnsbl_step(struct eng *g, struct job *j)
{
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
            int ret = eng_ask_send(g, &j->txt);
            if (ret == 0)
                return false;
            /* Out of memory: fatal, as for any other send, and no result after it. */
            j->undecided = 0;
            g->fatal = ret;
            return true;
        }
    }
    emit_dnsbl(g, j);
    return true;
}

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
 * Start the DNSBL job of the current plan item, a list: skipped when it does not
 * apply, emitted at once when its health is not good, else asked once a rate
 * token is there. @return true when the window must stop filling, with
 * fill_window()'s value in *wait.
 */
bool eng_start_list_job(struct eng *g, int *wait)
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
    if (healthy && !eng_take_token(g, l, &token_wait)) {
        *wait = (int)token_wait;
        return true;
    }
    struct job *j = eng_job_for_target(g, JOB_DNSBL, item);
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
