/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The `lists` command's output: every list of the catalog with its kinds,
 * access and status and, for an active list, the test points its health is
 * judged on, kind by kind, with the catalog's notes. JSON Lines (one object
 * per list) or a table.
 *
 * Every byte goes through one file sink, so every write is checked and the
 * first failure is the answer (-EIO). JSON strings go through the one JSON
 * encoder (out_sink_json()); the table prints the catalog's strings as written
 * (the loader refuses control characters in them), as it always has.
 */
#include "output/writers/fmt.h"

#include <errno.h>
#include <string.h>

#include "scanner/catalog/catalog.h"

/* A JSON string; a NULL @p str is written as "" (the `lists` form has no null). */
static void json_str(struct out_sink *s, const char *str)
{
    out_sink_json(s, str ? str : "", str ? strlen(str) : 0);
}

/* ,"key":"value" */
static void json_member(struct out_sink *s, const char *key, const char *value)
{
    out_sink_printf(s, ",\"%s\":", key);
    json_str(s, value);
}

/* "test_points":{"ip4":{"listed":[{"point":"127.0.0.2","code":"127.0.10.0"}],
 * "unlisted":[{"point":"127.0.0.1"}],"note":"..."},...}: the kinds the list serves. */
static void json_test_points(struct out_sink *s, const struct list_entry *e)
{
    char code[LIST_CODE_TEXT];
    bool first_kind = true;

    out_sink_puts(s, ",\"test_points\":{");
    for (unsigned kind = LIST_KIND_IP4; kind <= LIST_KIND_DOMAIN; kind <<= 1) {
        if (!(e->kinds & kind))
            continue;
        out_sink_printf(s, "%s\"%s\":{", first_kind ? "" : ",", list_kind_word(kind));
        first_kind = false;
        for (int listed = 1; listed >= 0; listed--) {
            bool first = true;

            out_sink_printf(s, "%s\"%s\":[", listed ? "" : ",", listed ? "listed" : "unlisted");
            for (size_t i = 0; i < e->ntps; i++) {
                const struct list_test_point *tp = &e->tps[i];

                if (tp->kind != kind || tp->listed != (listed == 1))
                    continue;
                out_sink_puts(s, first ? "{\"point\":" : ",{\"point\":");
                json_str(s, tp->point);
                if (tp->has_code)
                    json_member(s, "code", list_code_text(tp->code, code));
                out_sink_puts(s, "}");
                first = false;
            }
            out_sink_puts(s, "]");
        }
        const char *note = e->tp_note[list_kind_index(kind)];
        if (note)
            json_member(s, "note", note);
        out_sink_puts(s, "}");
    }
    out_sink_puts(s, "}");
}

static void json_entry(struct out_sink *s, const struct list_entry *e, const char *kinds)
{
    out_sink_puts(s, "{\"id\":");
    json_str(s, e->id);
    json_member(s, "zone", e->zone);
    json_member(s, "kinds", kinds);
    json_member(s, "access", list_access_word(e->access));
    if (e->key_env)
        json_member(s, "key_env", e->key_env);
    if (e->kinds & LIST_KIND_DOMAIN)
        json_member(s, "domain_mode", list_domain_mode_word(e->domain_mode));
    if (!e->dead)
        json_test_points(s, e);
    json_member(s, "status", e->dead ? "dead" : "active");
    if (e->dead) {
        json_member(s, "dead_since", e->dead_since);
        json_member(s, "dead_reason", e->dead_reason);
    }
    out_sink_puts(s, "}\n");
}

/* One indented line per kind the list serves: its health probes and their note. */
static void text_test_points(struct out_sink *s, const struct list_entry *e)
{
    char code[LIST_CODE_TEXT];

    for (unsigned kind = LIST_KIND_IP4; kind <= LIST_KIND_DOMAIN; kind <<= 1) {
        if (!(e->kinds & kind))
            continue;
        out_sink_printf(s, "    test points %-7s", list_kind_word(kind));
        for (int listed = 1; listed >= 0; listed--) {
            size_t n = 0;

            out_sink_puts(s, listed ? " listed:" : "; unlisted:");
            for (size_t i = 0; i < e->ntps; i++) {
                const struct list_test_point *tp = &e->tps[i];

                if (tp->kind != kind || tp->listed != (listed == 1))
                    continue;
                out_sink_printf(s, "%s %s", n++ ? "," : "", tp->point);
                if (tp->has_code)
                    out_sink_printf(s, " (answers %s)", list_code_text(tp->code, code));
            }
            if (n == 0)
                out_sink_puts(s, " none");
        }
        const char *note = e->tp_note[list_kind_index(kind)];
        if (note)
            out_sink_printf(s, " -- %s", note);
        out_sink_puts(s, "\n");
    }
}

static void text_entry(struct out_sink *s, const struct list_entry *e, const char *kinds)
{
    char acc[64];
    char status[128];

    if (e->access == LIST_ACCESS_KEY)
        snprintf(acc, sizeof(acc), "key $%s", e->key_env ? e->key_env : "?");
    else
        snprintf(acc, sizeof(acc), "%s", list_access_word(e->access));
    if (e->dead)
        snprintf(status, sizeof(status), "dead since %s", e->dead_since ? e->dead_since : "?");
    else
        snprintf(status, sizeof(status), "active");
    out_sink_printf(s, "%-28s %-34s %-16s %-13s %s%s%s\n", e->id, e->zone, kinds, acc, status,
                    e->dead && e->dead_reason ? ": " : "",
                    e->dead && e->dead_reason ? e->dead_reason : "");
    if (!e->dead)
        text_test_points(s, e);
}

int out_catalog_lists(FILE *f, const struct list_catalog *cat, enum out_format fmt)
{
    struct out_sink s;
    char kinds[LIST_KINDS_TEXT];

    if (!f || !cat)
        return -EINVAL;
    out_sink_init_file(&s, f);
    for (size_t i = 0; i < list_catalog_count(cat) && !s.err; i++) {
        const struct list_entry *e = list_catalog_get(cat, i);

        list_kinds_text(e->kinds, kinds);
        if (fmt == OUT_FMT_JSON) {
            json_entry(&s, e, kinds);
            continue;
        }
        if (i == 0)
            out_sink_printf(&s, "%-28s %-34s %-16s %-13s %s\n", "ID", "ZONE", "KINDS", "ACCESS",
                            "STATUS");
        text_entry(&s, e, kinds);
    }
    return s.err;
}
