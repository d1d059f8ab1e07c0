/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The RFC 7208 conformance suite (OpenSPF YAML, as maintained in pyspf) run
 * through the same spf_check_host() the scanner uses.
 *
 * Each scenario's zonedata becomes a little in-memory DNS. The evaluator is
 * driven synchronously: every question it reports missing is answered from
 * the zone and the evaluation is run again, as the engine does with real DNS.
 * The zone follows the harness rules of pyspf's test/testspf.py (see
 * tests/conformance/spf/SOURCE.md):
 * - an SPF entry is also served as TXT unless the name has a TXT entry;
 *   "TXT: NONE" means no TXT and also stops that;
 * - a TIMEOUT entry times the query out unless a record of the asked type
 *   came before it;
 * - an unlisted name starting with "error." times out, any other is NXDOMAIN;
 * - CNAMEs are followed (a loop or a chain over 10 is SCAN_DNS_CNAMELOOP);
 * - YAML strings holding U+0080..U+00FF stand for raw bytes (latin-1).
 *
 * A test passes when the result is one of the listed ones and, where the test
 * gives an explanation, the explanation is equal ("DEFAULT" is the default
 * explanation, as pyspf's harness sets it).
 *
 * Usage: spf_conformance [-v] tests/conformance/spf/rfc7208-tests.yml   (-v prints every
 *        test; a file that cannot be read fails: the suite is part of the tree)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include <arpa/inet.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/core/err.h"
#include "scanner/checks/spf.h"
#include "scanner/dns/view.h"

/* Tests this implementation is known to fail, each with its reason. Empty: all pass. */
static const struct {
    const char *test;
    const char *reason;
} known_failures[] = {
    {NULL, NULL},
};

/* ---- zone ------------------------------------------------------------------ */

struct zent {
    bool timeout_bare; /* "- TIMEOUT" */
    char type[8];      /* "A", "AAAA", "MX", "PTR", "CNAME", "TXT", "SPF" */
    bool value_timeout;
    char *text; /* TXT/SPF joined bytes; MX/PTR/CNAME target */
    size_t len, nstrings;
    unsigned pref;
    uint8_t addr[16];
};

struct zname {
    char *name;
    struct zent *e;
    size_t n;
};

struct zone {
    struct zname *names;
    size_t n;
};

static void zone_free(struct zone *z)
{
    for (size_t i = 0; i < z->n; i++) {
        for (size_t k = 0; k < z->names[i].n; k++)
            free(z->names[i].e[k].text);
        free(z->names[i].e);
        free(z->names[i].name);
    }
    free(z->names);
    z->names = NULL;
    z->n = 0;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "spf_conformance: out of memory\n");
        exit(99);
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = strndup(s, n);
    if (!d) {
        fprintf(stderr, "spf_conformance: out of memory\n");
        exit(99);
    }
    return d;
}

/* UTF-8 as libyaml returns it, code points up to U+00FF turned back into bytes. */
static char *latin1(const unsigned char *s, size_t n, size_t *outlen)
{
    char *o = xrealloc(NULL, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((s[i] == 0xc2 || s[i] == 0xc3) && i + 1 < n && (s[i + 1] & 0xc0) == 0x80) {
            o[k++] = (char)(((s[i] & 0x03) << 6) | (s[i + 1] & 0x3f));
            i++;
        } else {
            o[k++] = (char)s[i];
        }
    }
    o[k] = '\0';
    *outlen = k;
    return o;
}

static char *norm_name(const char *s, size_t n)
{
    char *d = xstrndup(s, n);
    size_t l = strlen(d);
    if (l && d[l - 1] == '.')
        d[l - 1] = '\0';
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

static struct zname *zone_find(const struct zone *z, const char *name)
{
    for (size_t i = 0; i < z->n; i++)
        if (strcasecmp(z->names[i].name, name) == 0)
            return &z->names[i];
    return NULL;
}

/* ---- YAML helpers ----------------------------------------------------------- */

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static char *scalar(yaml_node_t *n, size_t *len)
{
    size_t l = 0;
    char *s;
    if (!n || n->type != YAML_SCALAR_NODE)
        s = xstrndup("", 0);
    else
        s = latin1(n->data.scalar.value, n->data.scalar.length, &l);
    if (len)
        *len = l;
    return s;
}

static void zent_fill(yaml_document_t *d, struct zent *e, const char *type, yaml_node_t *v)
{
    snprintf(e->type, sizeof(e->type), "%s", type);
    if (v->type == YAML_SCALAR_NODE && v->data.scalar.length == 7 &&
        memcmp(v->data.scalar.value, "TIMEOUT", 7) == 0) {
        e->value_timeout = true;
        return;
    }
    if (!strcmp(type, "TXT") || !strcmp(type, "SPF")) {
        if (v->type == YAML_SEQUENCE_NODE) {
            size_t total = 0;
            e->text = xrealloc(NULL, 1);
            for (yaml_node_item_t *it = v->data.sequence.items.start;
                 it < v->data.sequence.items.top; it++) {
                size_t l;
                char *s = scalar(yaml_document_get_node(d, *it), &l);
                e->text = xrealloc(e->text, total + l + 1);
                memcpy(e->text + total, s, l);
                total += l;
                free(s);
                e->nstrings++;
            }
            e->text[total] = '\0';
            e->len = total;
        } else {
            e->text = scalar(v, &e->len);
            e->nstrings = 1;
        }
    } else if (!strcmp(type, "A") || !strcmp(type, "AAAA")) {
        char *s = scalar(v, NULL);
        inet_pton(!strcmp(type, "A") ? AF_INET : AF_INET6, s, e->addr);
        free(s);
    } else if (!strcmp(type, "MX") && v->type == YAML_SEQUENCE_NODE &&
               v->data.sequence.items.top - v->data.sequence.items.start == 2) {
        char *p = scalar(yaml_document_get_node(d, v->data.sequence.items.start[0]), NULL);
        char *t = scalar(yaml_document_get_node(d, v->data.sequence.items.start[1]), NULL);
        e->pref = (unsigned)strtoul(p, NULL, 10);
        e->text = norm_name(t, strlen(t));
        free(p);
        free(t);
    } else {
        char *t = scalar(v, NULL);
        e->text = norm_name(t, strlen(t));
        free(t);
    }
}

/* pyspf getrdata(): entries in order, then the generated TXT copies of SPF entries. */
static void zone_load(yaml_document_t *d, yaml_node_t *zd, struct zone *z)
{
    if (!zd || zd->type != YAML_MAPPING_NODE)
        return;
    for (yaml_node_pair_t *p = zd->data.mapping.pairs.start; p < zd->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        yaml_node_t *list = yaml_document_get_node(d, p->value);
        z->names = xrealloc(z->names, (z->n + 1) * sizeof(*z->names));
        struct zname *zn = &z->names[z->n++];
        memset(zn, 0, sizeof(*zn));
        size_t kl;
        char *raw = scalar(k, &kl);
        zn->name = norm_name(raw, kl);
        free(raw);
        if (!list || list->type != YAML_SEQUENCE_NODE)
            continue;
        bool gen = true;
        size_t nitems = (size_t)(list->data.sequence.items.top - list->data.sequence.items.start);
        zn->e = xrealloc(NULL, (2 * nitems + 1) * sizeof(*zn->e));
        struct zent *spf = xrealloc(NULL, (nitems + 1) * sizeof(*spf));
        size_t nspf = 0;
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             it < list->data.sequence.items.top; it++) {
            yaml_node_t *m = yaml_document_get_node(d, *it);
            if (m->type == YAML_SCALAR_NODE) {
                memset(&zn->e[zn->n], 0, sizeof(zn->e[0]));
                zn->e[zn->n++].timeout_bare = true;
                continue;
            }
            if (m->type != YAML_MAPPING_NODE)
                continue;
            for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top;
                 q++) {
                char *type = scalar(yaml_document_get_node(d, q->key), NULL);
                yaml_node_t *v = yaml_document_get_node(d, q->value);
                bool none = v->type == YAML_SCALAR_NODE && v->data.scalar.length == 4 &&
                            memcmp(v->data.scalar.value, "NONE", 4) == 0;
                if (!strcmp(type, "TXT"))
                    gen = false;
                else if (!strcmp(type, "SPF") && gen && !none) {
                    memset(&spf[nspf], 0, sizeof(spf[0]));
                    zent_fill(d, &spf[nspf++], "TXT", v);
                }
                if (!none) {
                    memset(&zn->e[zn->n], 0, sizeof(zn->e[0]));
                    zent_fill(d, &zn->e[zn->n++], type, v);
                }
                free(type);
            }
        }
        for (size_t i = 0; i < nspf; i++) {
            if (gen)
                zn->e[zn->n++] = spf[i];
            else
                free(spf[i].text);
        }
        free(spf);
    }
}

/* ---- DNS from the zone ----------------------------------------------------- */

static const char *type_name(uint16_t t)
{
    switch (t) {
    case SCAN_TYPE_A:
        return "A";
    case SCAN_TYPE_AAAA:
        return "AAAA";
    case SCAN_TYPE_MX:
        return "MX";
    case SCAN_TYPE_PTR:
        return "PTR";
    case SCAN_TYPE_TXT:
        return "TXT";
    case SCAN_TYPE_CNAME:
        return "CNAME";
    default:
        return "?";
    }
}

/* pyspf's DNSLookup() for one name, then CNAMEs followed. */
static struct scan_answer *zone_answer(const struct zone *z, const char *name, uint16_t qtype,
                                       int depth)
{
    const char *tn = type_name(qtype);
    const struct zname *zn = zone_find(z, name);
    if (!zn)
        return scan_answer_new_status(
            strncasecmp(name, "error.", 6) == 0 ? SCAN_DNS_TIMEOUT : SCAN_DNS_NXDOMAIN, qtype);
    bool timeout = true;
    struct scan_rr *rr = xrealloc(NULL, (zn->n + 1) * sizeof(*rr));
    size_t n = 0;
    const char *cname = NULL;
    for (size_t i = 0; i < zn->n; i++) {
        const struct zent *e = &zn->e[i];
        if (e->timeout_bare) {
            if (timeout) {
                free(rr);
                return scan_answer_new_status(SCAN_DNS_TIMEOUT, qtype);
            }
            break;
        }
        bool same = strcmp(e->type, tn) == 0;
        if (same)
            timeout = false;
        if (e->value_timeout) {
            if (same) {
                free(rr);
                return scan_answer_new_status(SCAN_DNS_TIMEOUT, qtype);
            }
            continue;
        }
        if (!strcmp(e->type, "CNAME") && qtype != SCAN_TYPE_CNAME && !cname)
            cname = e->text;
        if (!same)
            continue;
        struct scan_rr *r = &rr[n++];
        memset(r, 0, sizeof(*r));
        r->type = qtype;
        r->ttl = 3600;
        r->owner = zn->name;
        switch (qtype) {
        case SCAN_TYPE_A:
            memcpy(r->a4, e->addr, 4);
            break;
        case SCAN_TYPE_AAAA:
            memcpy(r->a6, e->addr, 16);
            break;
        case SCAN_TYPE_TXT:
            r->txt = (const uint8_t *)(e->text ? e->text : "");
            r->txt_len = e->len;
            r->nstrings = e->nstrings;
            break;
        case SCAN_TYPE_MX:
            r->pref = (uint16_t)e->pref;
            r->target = e->text;
            break;
        default:
            r->target = e->text;
            break;
        }
    }
    struct scan_answer *a;
    if (cname) {
        free(rr);
        if (depth >= 10)
            return scan_answer_new_status(SCAN_DNS_CNAMELOOP, qtype);
        a = zone_answer(z, cname, qtype, depth + 1);
        if (a)
            a->ncname++;
        return a;
    }
    a = scan_answer_build(n ? SCAN_DNS_OK : SCAN_DNS_NODATA, qtype, rr, n);
    free(rr);
    return a;
}

/* scan_view_answer_fn: the scenario's zone answers every missing question. */
static struct scan_answer *answer_from_zone(void *z, const char *name, uint16_t type,
                                            unsigned flags)
{
    (void)flags;
    return zone_answer(z, name, type, 0);
}

/* ---- tests ------------------------------------------------------------------ */

struct tally {
    unsigned tests, passed, failed, known;
    bool verbose;
};

static const char *known_reason(const char *test)
{
    for (size_t i = 0; i < sizeof(known_failures) / sizeof(known_failures[0]); i++)
        if (known_failures[i].test && !strcmp(known_failures[i].test, test))
            return known_failures[i].reason;
    return NULL;
}

static bool result_ok(yaml_document_t *d, yaml_node_t *want, const char *got, char *buf, size_t cap)
{
    bool ok = false;
    buf[0] = '\0';
    if (want && want->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = want->data.sequence.items.start;
             it < want->data.sequence.items.top; it++) {
            char *s = scalar(yaml_document_get_node(d, *it), NULL);
            if (!strcmp(s, got))
                ok = true;
            size_t l = strlen(buf);
            snprintf(buf + l, cap - l, "%s%s", l ? "|" : "", s);
            free(s);
        }
    } else {
        char *s = scalar(want, NULL);
        ok = !strcmp(s, got);
        snprintf(buf, cap, "%s", s);
        free(s);
    }
    return ok;
}

static int run_test(const struct zone *z, yaml_document_t *d, const char *scen, const char *name,
                    yaml_node_t *t, struct tally *tl)
{
    char *host = scalar(map_get(d, t, "host"), NULL);
    char *helo = scalar(map_get(d, t, "helo"), NULL);
    char *mailfrom = scalar(map_get(d, t, "mailfrom"), NULL);
    yaml_node_t *wexp = map_get(d, t, "explanation");
    char *want_exp = wexp ? scalar(wexp, NULL) : NULL;
    char *sender = NULL;
    struct spf_query q = {.helo = helo, .default_exp = "DEFAULT", .now = 1400000000};
    struct spf_outcome o = {0};
    int ret;

    if (spf_ip_parse(host, &q.ip) != 0) {
        fprintf(stderr, "spf_conformance: %s: bad host '%s'\n", name, host);
        ret = -EINVAL;
        goto done;
    }
    if (mailfrom[0] == '\0') {
        sender = malloc(strlen(helo) + 12);
        if (sender)
            sprintf(sender, "postmaster@%s", helo);
        q.sender = sender;
        q.domain = helo;
    } else {
        q.sender = mailfrom;
    }
    struct scan_view *v = scan_view_new();
    struct spf_host_call call = {&q, &o};
    struct scan_view_driver drv = {spf_check_host_run, &call, answer_from_zone, (void *)z, 100};
    void *done = NULL;
    ret = v ? scan_view_drive(v, &drv, &done) : -ENOMEM;
    scan_view_free(v);
done:;
    const char *got = ret == 0 ? spf_result_word(o.result) : scan_strerror(ret);
    char wantbuf[256];
    bool ok = ret == 0 && result_ok(d, map_get(d, t, "result"), got, wantbuf, sizeof(wantbuf));
    if (ret != 0)
        result_ok(d, map_get(d, t, "result"), "", wantbuf, sizeof(wantbuf));
    if (ok && want_exp && (!o.explanation || strcmp(o.explanation, want_exp) != 0))
        ok = false;
    tl->tests++;
    if (tl->verbose)
        printf("%s %s / %s: %s%s%s%s (lookups %u, voids %u)\n", ok ? "ok  " : "BAD ", scen, name,
               got, o.explanation ? " '" : "", o.explanation ? o.explanation : "",
               o.explanation ? "'" : "", o.lookups, o.voids);
    if (tl->verbose && o.problem)
        printf("     %s: %s\n", scan_reason_word(o.reason), o.problem);
    if (ok) {
        tl->passed++;
    } else {
        const char *why = known_reason(name);
        tl->failed++;
        if (why)
            tl->known++;
        printf("%s: %s / %s: got %s%s%s%s, expected %s%s%s%s%s%s\n", why ? "KNOWN" : "FAIL", scen,
               name, got, o.explanation ? " (explanation '" : "",
               o.explanation ? o.explanation : "", o.explanation ? "')" : "", wantbuf,
               want_exp ? " (explanation '" : "", want_exp ? want_exp : "", want_exp ? "')" : "",
               why ? " -- " : "", why ? why : "");
        if (o.problem)
            printf("    problem: %s\n", o.problem);
    }
    spf_outcome_deinit(&o);
    free(sender);
    free(host);
    free(helo);
    free(mailfrom);
    free(want_exp);
    return 0;
}

static int run_document(yaml_document_t *d, struct tally *tl)
{
    yaml_node_t *root = yaml_document_get_root_node(d);
    if (!root)
        return 1; /* end of stream */
    struct zone z = {0};
    zone_load(d, map_get(d, root, "zonedata"), &z);
    char *scen = scalar(map_get(d, root, "description"), NULL);
    yaml_node_t *tests = map_get(d, root, "tests");
    if (tests && tests->type == YAML_MAPPING_NODE)
        for (yaml_node_pair_t *p = tests->data.mapping.pairs.start;
             p < tests->data.mapping.pairs.top; p++) {
            char *name = scalar(yaml_document_get_node(d, p->key), NULL);
            run_test(&z, d, scen, name, yaml_document_get_node(d, p->value), tl);
            free(name);
        }
    free(scen);
    zone_free(&z);
    return 0;
}

int main(int argc, char **argv)
{
    struct tally tl = {0};
    if (argc > 2 && !strcmp(argv[1], "-v")) {
        tl.verbose = true;
        argv++;
        argc--;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: spf_conformance [-v] rfc7208-tests.yml\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        fprintf(stderr, "spf_conformance: %s: %s (the suite lives in tests/conformance/spf/)\n",
                argv[1], strerror(errno));
        return 1;
    }
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return 99;
    }
    yaml_parser_set_input_file(&parser, f);
    int rc = 0;
    for (;;) {
        yaml_document_t doc;
        if (!yaml_parser_load(&parser, &doc)) {
            fprintf(stderr, "spf_conformance: %s: YAML error: %s (line %zu)\n", argv[1],
                    parser.problem ? parser.problem : "unknown", parser.problem_mark.line + 1);
            rc = 99;
            break;
        }
        int end = run_document(&doc, &tl);
        yaml_document_delete(&doc);
        if (end)
            break;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    if (rc)
        return rc;
    if (tl.known)
        printf("spf conformance: %u tests, %u passed, %u failed (%u known)\n", tl.tests, tl.passed,
               tl.failed, tl.known);
    else
        printf("spf conformance: %u tests, %u passed, %u failed\n", tl.tests, tl.passed, tl.failed);
    printf("%u passed, %u failed\n", tl.passed, tl.failed);
    return tl.failed > tl.known ? 1 : 0;
}
