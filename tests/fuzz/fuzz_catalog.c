/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * libFuzzer target for the DNSBL catalog loader (scanner/catalog/catalog.h): the
 * input is a YAML catalog, loaded with list_catalog_load_buf(). When it
 * loads, every entry is exercised the way a scan would use it: looked up by
 * id and zone, its zone resolved with list_query_zone() (key variables
 * DNSBL_FUZZ_KEY and DNSBL_FUZZ_SHORTKEY are set once at start-up), its
 * delist template filled for an IPv4, an IPv6 and a domain target, its test
 * points turned into query names, a text echoing its key redacted with
 * list_redact_key(), and list_interpret() run on a few answers, including
 * one made of every code the entry declares.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/catalog/catalog.h"

static volatile size_t sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    setenv("DNSBL_FUZZ_KEY", "fuzzkey-0", 1);
    setenv("DNSBL_FUZZ_BADKEY", "bad.key", 1);
    setenv("DNSBL_FUZZ_SHORTKEY", "k1", 1); /* shorter than "{key}": redaction grows the text */
    return 0;
}

static void touch(const char *s)
{
    if (s)
        sink += strlen(s);
}

static void interpret(const struct list_entry *e, const uint32_t *addrs, size_t n)
{
    struct list_interp in;
    if (list_interpret(e, addrs, n, &in) != 0)
        abort(); /* documented: always succeeds for n >= 1 */
    if (in.ncodes > LIST_MAX_CODES)
        abort();
    for (size_t i = 0; i < in.ncodes; i++) {
        if (!memchr(in.codes[i], '\0', sizeof(in.codes[i])) || !in.meanings[i])
            abort();
        touch(in.codes[i]);
        touch(in.meanings[i]);
    }
    touch(scan_class_word(in.klass));
}

/* The documented shape of e->tps / e->tp_note: every point is of one kind the list
 * serves, a code only on a listed point, a kind without any point has a note, and
 * every point makes a query name (the loader checked its form). */
static void test_points(const struct list_entry *e, char *buf, size_t len)
{
    size_t per_kind[3] = {0};
    for (size_t i = 0; i < e->ntps; i++) {
        const struct list_test_point *tp = &e->tps[i];
        int k = list_kind_index(tp->kind);
        if (k < 0 || !(e->kinds & tp->kind) || (tp->has_code && !tp->listed) || !tp->point)
            abort();
        per_kind[k]++;
        int r = list_test_point_qname(tp, e->zone, buf, len);
        if (r != 0 && r != -ENAMETOOLONG)
            abort();
        touch(buf);
    }
    for (int k = 0; k < 3; k++) {
        bool serves = e->kinds & (1u << k);
        if ((serves && per_kind[k] == 0 && !e->tp_note[k]) || (!serves && e->tp_note[k]))
            abort();
        touch(e->tp_note[k]);
    }
}

static bool has_key(const char *text, const char *key)
{
    size_t n = strlen(key);
    for (; *text; text++) {
        size_t i = 0;
        while (i < n && text[i] &&
               tolower((unsigned char)text[i]) == tolower((unsigned char)key[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* A text that echoes the zone queried and the key: after list_redact_key() the key
 * is gone, and the text still ends within its buffer, however small. */
static void redact(const struct list_entry *e, const char *zone)
{
    static const size_t caps[] = {64, 17, 1};
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        char text[64];
        snprintf(text, caps[i], "%s FUZZKEY-0 fuzzkey-0fuzzkey-0 K1k1 %s", zone, zone);
        if (list_redact_key(e, zone, text, caps[i]) != 0)
            abort();
        if (!memchr(text, '\0', caps[i]))
            abort();
        if (e->access == LIST_ACCESS_KEY && has_key(text, getenv(e->key_env)))
            abort();
        touch(text);
    }
}

static void entry(const struct list_catalog *cat, const struct list_entry *e)
{
    char buf[512];

    touch(e->id);
    touch(e->zone_template);
    touch(e->zone);
    touch(e->key_env);
    touch(e->delist);
    touch(e->dead_since);
    touch(e->dead_reason);
    touch(e->file);
    for (size_t i = 0; i < e->ncodes; i++)
        touch(e->codes[i].meaning);
    if (list_catalog_find(cat, e->id) == NULL || list_catalog_find(cat, e->zone) == NULL)
        abort(); /* every loaded entry can be found by its id and its zone */
    sink += list_is_allowlist(e);

    if (list_query_zone(e, buf, sizeof(buf)) == 0) {
        if (strlen(buf) > 253)
            abort();
        redact(e, buf);
    }
    test_points(e, buf, sizeof(buf));
    list_query_zone(e, buf, 16); /* a short buffer */

    static const char *const targets[] = {"192.0.2.1", "2001:db8::1", "example.test",
                                          "a b&c=d#e%f"};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        if (list_delist_url(e, targets[i], buf, sizeof(buf)) == 0)
            touch(buf);
        list_delist_url(e, targets[i], buf, 8);
    }

    static const uint32_t fixed[][3] = {
        {0x7f000002, 0, 0},          /* 127.0.0.2 */
        {0x7f000018, 0x7f000002, 0}, /* 127.0.0.24 and 127.0.0.2 */
        {0x7f0003ff, 0x7f00ffff, 0x7fffffff},
        {0x7f000001, 0x7f000001, 0x7f000001},
        {0xc0000201, 0x7f000002, 0}, /* outside 127/8 */
    };
    static const size_t nfixed[] = {1, 2, 3, 3, 2};
    for (size_t i = 0; i < sizeof(nfixed) / sizeof(nfixed[0]); i++)
        interpret(e, fixed[i], nfixed[i]);

    /* Every declared code at once (nets by their first and last address; mask rows
     * as the bits alone), which also overflows LIST_MAX_CODES on large tables. */
    uint32_t all[2 * 64 + 1];
    size_t n = 0;
    for (size_t i = 0; i < e->ncodes && n + 2 <= 2 * 64; i++) {
        const struct list_code *c = &e->codes[i];
        if (c->is_mask) {
            all[n++] = 0x7f000000u | (c->value & 0xff);
        } else {
            all[n++] = c->value;
            if (c->prefix < 32)
                all[n++] = c->value | (uint32_t)((1ull << (32 - c->prefix)) - 1);
        }
    }
    all[n++] = 0x7f0000ff;
    interpret(e, all, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct list_catalog *cat = NULL;
    struct scan_diag err;
    memset(err.msg, 'x', sizeof(err.msg)); /* every failure writes its one line */
    int ret = list_catalog_load_buf("fuzz.yaml", (const char *)data, size, &cat, &err);
    if (ret != 0) {
        if (cat)
            abort(); /* documented: NULL on error */
        if (!memchr(err.msg, '\0', sizeof(err.msg)))
            abort();
        touch(err.msg);
        return 0;
    }
    size_t n = list_catalog_count(cat);
    for (size_t i = 0; i < n; i++)
        entry(cat, list_catalog_get(cat, i));
    if (list_catalog_get(cat, n) != NULL)
        abort();
    list_catalog_free(cat);
    return 0;
}
