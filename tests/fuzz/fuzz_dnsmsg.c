/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for the DNS answer parser (scanner/dns/dnsmsg.h): the input
 * is a reply as it would come off the wire, decoded once for each type the
 * checks ask (A, AAAA, TXT, MX, PTR, CNAME). Every field of every returned
 * record is read, so AddressSanitizer sees a pointer that strays outside
 * the answer's heap block, and each answer is deep-copied with
 * scan_answer_dup() and compared before both are freed.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dns/dnsmsg.h"

/* Written to so the compiler cannot drop the reads below. */
static volatile size_t sink;

static void touch_name(const char *s)
{
    if (s)
        sink += strlen(s);
}

static void touch(const struct scan_answer *a)
{
    sink += (size_t)a->status + a->qtype + (size_t)a->rcode + a->ncname;
    sink += strlen(scan_dns_status_word(a->status));
    touch_name(a->canon);
    if (a->status != SCAN_DNS_OK && a->n != 0)
        abort(); /* documented: records only with status OK */
    for (size_t i = 0; i < a->n; i++) {
        const struct scan_rr *rr = &a->rr[i];
        sink += rr->type + rr->ttl;
        touch_name(rr->owner);
        switch (rr->type) {
        case SCAN_TYPE_A:
            sink += rr->a4[0] + rr->a4[3];
            break;
        case SCAN_TYPE_AAAA:
            sink += rr->a6[0] + rr->a6[15];
            break;
        case SCAN_TYPE_TXT:
            for (size_t k = 0; k < rr->txt_len; k++)
                sink += rr->txt[k];
            if (rr->txt[rr->txt_len] != 0)
                abort(); /* documented: NUL-terminated for convenience */
            sink += rr->nstrings;
            break;
        case SCAN_TYPE_MX:
            sink += rr->pref;
            touch_name(rr->target);
            break;
        default:
            touch_name(rr->target);
            break;
        }
    }
}

static bool same(const struct scan_answer *a, const struct scan_answer *b)
{
    if (a->status != b->status || a->qtype != b->qtype || a->rcode != b->rcode || a->n != b->n ||
        a->ncname != b->ncname || !a->canon != !b->canon)
        return false;
    if (a->canon && strcmp(a->canon, b->canon) != 0)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct scan_rr *x = &a->rr[i], *y = &b->rr[i];
        if (x->type != y->type || x->ttl != y->ttl || strcmp(x->owner, y->owner) != 0)
            return false;
        if (x->type == SCAN_TYPE_TXT &&
            (x->txt_len != y->txt_len || memcmp(x->txt, y->txt, x->txt_len) != 0))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t types[] = {SCAN_TYPE_A,  SCAN_TYPE_AAAA, SCAN_TYPE_TXT,
                                     SCAN_TYPE_MX, SCAN_TYPE_PTR,  SCAN_TYPE_CNAME};
    for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
        struct scan_answer *a = NULL;
        if (scan_answer_parse(data, size, types[t], &a) != 0) {
            if (a)
                abort(); /* documented: NULL on error */
            continue;
        }
        touch(a);
        struct scan_answer *d = scan_answer_dup(a);
        if (d) {
            touch(d);
            if (!same(a, d))
                abort();
        }
        scan_answer_free(d);
        scan_answer_free(a);
    }
    return 0;
}
