/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the shared YAML node reads (scanner/core/yamlnode.h): positions in
 * messages, kind names, null and plain tests, strings, words, booleans, numbers and
 * their ranges, sequences, and the mapping walk (unknown, repeated and non-scalar
 * keys), each under two dialects shaped like the catalog's and the job file's.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "scanner/core/err.h"
#include "scanner/core/yamlload.h"
#include "scanner/core/yamlnode.h"

/* Shaped like the catalog's: values shown, nulls read as "", controls refused. */
static const struct scan_yaml_dialect loose = {
    .kind = {"a single value", "a list", "a map"},
    .code = SCAN_ECONFIG,
    .show = true,
    .not_scalar = "'%s' must be a single value, not %s",
    .null_kind = NULL,
    .nul = "'%s' contains a NUL character",
    .control = "'%s' contains a control character",
    .empty = "'%s' is empty",
    .bad_word = "bad %s '%s' (expected %s)",
    .word_nonempty = false,
    .plain_bool = false,
    .bad_bool = "bad %s '%s' (expected true or false)",
    .key_word = "a word",
};

/* Shaped like the job file's: values as written, a null is no string, controls taken. */
static const struct scan_yaml_dialect strict = {
    .kind = {"a scalar", "a sequence", "a mapping"},
    .code = SCAN_EPARSE,
    .show = false,
    .not_scalar = "'%s' must be a string, not %s",
    .null_kind = "empty",
    .nul = "'%s' holds a NUL byte",
    .control = NULL,
    .empty = "'%s' must not be empty",
    .bad_word = "unknown %s '%s' (expected %s)",
    .word_nonempty = true,
    .plain_bool = true,
    .bad_bool = "'%s' must be true or false, not %s",
    .key_word = "a plain word",
};

/* One loaded document and a reader over it. */
struct fixture {
    yaml_document_t doc;
    struct scan_diag diag;
    struct scan_yaml y;
};

static void open_doc(struct fixture *f, const char *text, const struct scan_yaml_dialect *say)
{
    struct list_yaml_src src = {.name = "t.yaml", .buf = text, .len = strlen(text)};

    memset(f, 0, sizeof(*f));
    cr_assert_eq(list_yaml_load(&src, &f->doc, &f->diag), 0, "%s", f->diag.msg);
    f->y = (struct scan_yaml){.doc = &f->doc, .name = "t.yaml", .diag = &f->diag, .say = say};
}

static void close_doc(struct fixture *f)
{
    yaml_document_delete(&f->doc);
}

/* The value of @p key in the root mapping. */
static yaml_node_t *value(struct fixture *f, const char *key)
{
    yaml_node_t *root = yaml_document_get_root_node(&f->doc);

    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        const char *k = scan_yaml_scalar(yaml_document_get_node(&f->doc, p->key));
        if (k && strcmp(k, key) == 0)
            return yaml_document_get_node(&f->doc, p->value);
    }
    cr_assert_fail("no key %s", key);
    return NULL;
}

/* ------------------------------------------------------------------ messages */

Test(yamlnode, fail_names_the_node_position)
{
    struct fixture f;

    open_doc(&f, "a: 1\nb:\n  c: [x, \"y\"]\n", &strict);
    yaml_node_t *b = value(&f, "b");
    cr_assert_eq(scan_yaml_fail(&f.y, b, -42, "bad %s %d", "thing", 7), -42);
    cr_assert_str_eq(f.diag.msg, "t.yaml:3:3: bad thing 7");
    yaml_node_t *c = yaml_document_get_node(&f.doc, b->data.mapping.pairs.start[0].value);
    yaml_node_t *y;
    cr_assert_eq(scan_yaml_item(&f.y, c, 1, &y), 0);
    scan_yaml_fail(&f.y, y, SCAN_EPARSE, "here");
    cr_assert_str_eq(f.diag.msg, "t.yaml:3:10: here");
    /* No node: the start of the file. */
    scan_yaml_fail(&f.y, NULL, SCAN_EPARSE, "empty");
    cr_assert_str_eq(f.diag.msg, "t.yaml:1:1: empty");
    /* No diag: only the code. */
    f.y.diag = NULL;
    cr_assert_eq(scan_yaml_fail(&f.y, b, SCAN_ECONFIG, "x"), SCAN_ECONFIG);
    close_doc(&f);
}

Test(yamlnode, fail_at_cuts_long_messages_to_the_carrier)
{
    struct scan_diag d;
    char big[2000];

    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memset(d.msg, '#', sizeof(d.msg));
    cr_assert_eq(scan_yaml_fail_at(&d, "f.yaml", 12, 34, -5, "%s", big), -5);
    cr_assert_eq(strlen(d.msg), sizeof(d.msg) - 1);
    cr_assert_eq(strncmp(d.msg, "f.yaml:12:34: xxx", 17), 0);
    /* A name longer than the carrier: still one terminated line. */
    memset(d.msg, '#', sizeof(d.msg));
    scan_yaml_fail_at(&d, big, 1, 1, -5, "after");
    cr_assert_eq(strlen(d.msg), sizeof(d.msg) - 1);
    cr_assert_eq(scan_yaml_fail_at(NULL, "f", 1, 1, -7, "x"), -7);
}

Test(yamlnode, kind_names_follow_the_dialect)
{
    struct fixture f;
    yaml_node_t empty;

    open_doc(&f, "s: 1\nq: [1]\nm: {a: 1}\n", &strict);
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "s")), "a scalar");
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "q")), "a sequence");
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "m")), "a mapping");
    f.y.say = &loose;
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "s")), "a single value");
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "q")), "a list");
    cr_assert_str_eq(scan_yaml_kind(&f.y, value(&f, "m")), "a map");
    memset(&empty, 0, sizeof(empty));
    cr_assert_str_eq(scan_yaml_kind(&f.y, &empty), "nothing");
    close_doc(&f);
}

Test(yamlnode, shown_and_join)
{
    char buf[SCAN_YAML_SHOWN], small[12], big[128];
    char long_text[100];
    static const char *const three[] = {"a", "bb", "ccc"}, *const two[] = {"x", "y"};

    cr_assert_str_eq(scan_yaml_shown("ok\x1b[31m\x7f", buf, sizeof(buf)), "ok?[31m?");
    memset(long_text, 'z', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    scan_yaml_shown(long_text, buf, sizeof(buf));
    cr_assert_eq(strlen(buf), 63, "60 bytes and \"...\"");
    cr_assert_str_eq(buf + 60, "...");

    cr_assert_str_eq(scan_yaml_join(big, sizeof(big), three, 3, " or "), "a, bb or ccc");
    cr_assert_str_eq(scan_yaml_join(big, sizeof(big), two, 2, " or "), "x or y");
    cr_assert_str_eq(scan_yaml_join(big, sizeof(big), three, 1, " or "), "a");
    cr_assert_str_eq(scan_yaml_join(big, sizeof(big), three, 3, ", "), "a, bb, ccc");
    cr_assert_str_eq(scan_yaml_join(big, sizeof(big), three, 0, ", "), "");
    /* Cut to fit, terminated. */
    cr_assert_str_eq(scan_yaml_join(small, sizeof(small), three, 3, " or "), "a, bb or cc");
    cr_assert_str_eq(scan_yaml_join(small, 4, three, 3, " or "), "a, ");
}

/* ------------------------------------------------------------------ scalars */

Test(yamlnode, null_plain_and_scalar_tests)
{
    struct fixture f;

    open_doc(&f,
             "e:\nt: ~\nn: null\nN: NULL\nq: \"null\"\nw: nulls\nz: ''\nl: [1, 2, 3]\n"
             "m: {a: 1}\n",
             &strict);
    cr_assert(scan_yaml_is_null(value(&f, "e")));
    cr_assert(scan_yaml_is_null(value(&f, "t")));
    cr_assert(scan_yaml_is_null(value(&f, "n")));
    cr_assert(scan_yaml_is_null(value(&f, "N")));
    cr_assert_not(scan_yaml_is_null(value(&f, "q")), "quoted: a string");
    cr_assert_not(scan_yaml_is_null(value(&f, "w")));
    cr_assert_not(scan_yaml_is_null(value(&f, "z")), "'' is an empty string, not null");
    cr_assert_not(scan_yaml_is_null(value(&f, "l")));
    cr_assert(scan_yaml_is_plain(value(&f, "w")));
    cr_assert_not(scan_yaml_is_plain(value(&f, "q")));
    cr_assert_not(scan_yaml_is_plain(value(&f, "l")));
    cr_assert_not(scan_yaml_is_plain(NULL));
    cr_assert_str_eq(scan_yaml_scalar(value(&f, "q")), "null");
    cr_assert_null(scan_yaml_scalar(value(&f, "m")));
    cr_assert_null(scan_yaml_scalar(NULL));
    cr_assert_eq(scan_yaml_count(value(&f, "l")), 3);
    cr_assert_eq(scan_yaml_count(value(&f, "m")), 1);
    cr_assert_eq(scan_yaml_count(value(&f, "w")), 0);
    close_doc(&f);
}

/* scan_yaml_text() of @p key under @p say: the code, and the text or the message. */
static void text_is(const char *yaml, const struct scan_yaml_dialect *say, const char *key,
                    bool nonempty, int code, const char *want)
{
    struct fixture f;
    const char *s = "unset";

    open_doc(&f, yaml, say);
    int ret = scan_yaml_text(&f.y, value(&f, key), key, nonempty, &s);
    cr_assert_eq(ret, code, "%s: %d (%s)", yaml, ret, f.diag.msg);
    if (code == 0) {
        cr_assert_str_eq(s, want, "%s", yaml);
    } else {
        cr_assert_null(s);
        cr_assert_str_eq(f.diag.msg, want, "%s", yaml);
    }
    close_doc(&f);
}

Test(yamlnode, text_under_both_dialects)
{
    text_is("k: hello\n", &strict, "k", true, 0, "hello");
    text_is("k: [a]\n", &strict, "k", true, SCAN_EPARSE,
            "t.yaml:1:4: 'k' must be a string, not a sequence");
    text_is("k: [a]\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' must be a single value, not a list");
    /* A null: refused as "empty" by one, "" to the other. */
    text_is("k: ~\n", &strict, "k", false, SCAN_EPARSE,
            "t.yaml:1:4: 'k' must be a string, not empty");
    text_is("k: ~\n", &loose, "k", false, 0, "");
    text_is("k:\n", &loose, "k", true, SCAN_ECONFIG, "t.yaml:1:3: 'k' is empty");
    text_is("k: \"null\"\n", &strict, "k", true, 0, "null");
    /* Empty quoted. */
    text_is("k: \"\"\n", &strict, "k", true, SCAN_EPARSE, "t.yaml:1:4: 'k' must not be empty");
    text_is("k: \"\"\n", &strict, "k", false, 0, "");
    /* NUL and control bytes: the first bad byte decides. */
    text_is("k: \"a\\0b\"\n", &strict, "k", true, SCAN_EPARSE, "t.yaml:1:4: 'k' holds a NUL byte");
    text_is("k: \"a\\0b\"\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' contains a NUL character");
    text_is("k: \"a\\tb\"\n", &strict, "k", true, 0, "a\tb");
    text_is("k: \"a\\tb\"\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' contains a control character");
    text_is("k: \"\\x7f\"\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' contains a control character");
    text_is("k: \"\\x01\\0\"\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' contains a control character");
    text_is("k: \"\\0\\x01\"\n", &loose, "k", true, SCAN_ECONFIG,
            "t.yaml:1:4: 'k' contains a NUL character");
}

/* ------------------------------------------------------------------ words */

static const char *const formats[] = {"text", "json", "csv"};

static void word_is(const char *yaml, const struct scan_yaml_dialect *say, int code, int want,
                    const char *msg)
{
    struct fixture f;
    int i = -1;

    open_doc(&f, yaml, say);
    int ret = scan_yaml_word(&f.y, value(&f, "format"), "format", formats, 3, &i);
    cr_assert_eq(ret, code, "%s: %d (%s)", yaml, ret, f.diag.msg);
    if (code == 0)
        cr_assert_eq(i, want, "%s", yaml);
    else
        cr_assert_str_eq(f.diag.msg, msg, "%s", yaml);
    close_doc(&f);
}

Test(yamlnode, word_from_a_set)
{
    word_is("format: text\n", &strict, 0, 0, NULL);
    word_is("format: \"csv\"\n", &loose, 0, 2, NULL);
    word_is("format: JSON\n", &strict, SCAN_ECONFIG, 0,
            "t.yaml:1:9: unknown format 'JSON' (expected text, json or csv)");
    word_is("format: JSON\n", &loose, SCAN_ECONFIG, 0,
            "t.yaml:1:9: bad format 'JSON' (expected text, json or csv)");
    /* An empty word: refused as empty, or a bad word like any other. */
    word_is("format: \"\"\n", &strict, SCAN_EPARSE, 0, "t.yaml:1:9: 'format' must not be empty");
    word_is("format:\n", &loose, SCAN_ECONFIG, 0,
            "t.yaml:1:8: bad format '' (expected text, json or csv)");
    word_is("format: [text]\n", &strict, SCAN_EPARSE, 0,
            "t.yaml:1:9: 'format' must be a string, not a sequence");
}

Test(yamlnode, word_values_are_shown_safely)
{
    struct fixture f;
    int i;

    open_doc(&f,
             "format: \"\\e[2J"
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
             &loose);
    /* The loose dialect refuses the escape before it names the word. */
    cr_assert_eq(scan_yaml_word(&f.y, value(&f, "format"), "format", formats, 3, &i), SCAN_ECONFIG);
    cr_assert_str_eq(f.diag.msg, "t.yaml:1:9: 'format' contains a control character");
    close_doc(&f);

    open_doc(&f,
             "format: "
             "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
             &loose);
    cr_assert_eq(scan_yaml_word(&f.y, value(&f, "format"), "format", formats, 3, &i), SCAN_ECONFIG);
    cr_assert_str_eq(f.diag.msg,
                     "t.yaml:1:9: bad format "
                     "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' "
                     "(expected text, json or csv)");
    close_doc(&f);

    /* The strict dialect takes control characters and names a bad word as written. */
    open_doc(&f,
             "format: \"\\e[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
             &strict);
    cr_assert_eq(scan_yaml_word(&f.y, value(&f, "format"), "format", formats, 3, &i), SCAN_ECONFIG);
    cr_assert_str_eq(f.diag.msg,
                     "t.yaml:1:9: unknown format "
                     "'\x1b[2Jxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' "
                     "(expected text, json or csv)");
    close_doc(&f);
}

/* ------------------------------------------------------------------ booleans */

static void bool_is(const char *text, const struct scan_yaml_dialect *say, int code, bool want,
                    const char *msg)
{
    struct fixture f;
    bool b = !want;

    open_doc(&f, text, say);
    int ret = scan_yaml_bool(&f.y, value(&f, "k"), "k", &b);
    cr_assert_eq(ret, code, "%s: %d (%s)", text, ret, f.diag.msg);
    if (code == 0)
        cr_assert_eq(b, want, "%s", text);
    else
        cr_assert_str_eq(f.diag.msg, msg, "%s", text);
    close_doc(&f);
}

Test(yamlnode, booleans_under_both_dialects)
{
    bool_is("k: true\n", &strict, 0, true, NULL);
    bool_is("k: Yes\n", &strict, 0, true, NULL);
    bool_is("k: on\n", &strict, 0, true, NULL);
    bool_is("k: OFF\n", &strict, 0, false, NULL);
    bool_is("k: no\n", &strict, 0, false, NULL);
    bool_is("k: \"true\"\n", &strict, SCAN_EPARSE, false,
            "t.yaml:1:4: 'k' must be true or false, not a string");
    bool_is("k: maybe\n", &strict, SCAN_EPARSE, false,
            "t.yaml:1:4: 'k' must be true or false, not a string");
    bool_is("k:\n", &strict, SCAN_EPARSE, false,
            "t.yaml:1:3: 'k' must be true or false, not a string");
    bool_is("k: {a: 1}\n", &strict, SCAN_EPARSE, false,
            "t.yaml:1:4: 'k' must be true or false, not a mapping");

    bool_is("k: \"true\"\n", &loose, 0, true, NULL);
    bool_is("k: FALSE\n", &loose, 0, false, NULL);
    bool_is("k: yes\n", &loose, 0, true, NULL);
    bool_is("k: on\n", &loose, SCAN_ECONFIG, false,
            "t.yaml:1:4: bad k 'on' (expected true or false)");
    bool_is("k: 1\n", &loose, SCAN_ECONFIG, false,
            "t.yaml:1:4: bad k '1' (expected true or false)");
    bool_is("k: [true]\n", &loose, SCAN_ECONFIG, false,
            "t.yaml:1:4: 'k' must be a single value, not a list");
}

/* ------------------------------------------------------------------ numbers */

static void number_is(const char *text, double lo, double hi, bool whole, int code, double want,
                      const char *msg)
{
    struct fixture f;
    double v = -12345;

    open_doc(&f, text, &strict);
    int ret = scan_yaml_number(&f.y, value(&f, "n"), "n", lo, hi, whole, &v);
    cr_assert_eq(ret, code, "%s: %d (%s)", text, ret, f.diag.msg);
    if (code == 0) {
        cr_assert_eq(v, want, "%s: %g", text, v);
    } else {
        cr_assert_eq(v, -12345, "untouched on failure");
        cr_assert_str_eq(f.diag.msg, msg, "%s", text);
    }
    close_doc(&f);
}

Test(yamlnode, numbers_and_their_ranges)
{
    number_is("n: 10\n", 1, 10, true, 0, 10, NULL);
    number_is("n: 1\n", 1, 10, true, 0, 1, NULL);
    number_is("n: 1e3\n", 0, 1e7, false, 0, 1000, NULL);
    number_is("n: -0.5\n", -1, 1, false, 0, -0.5, NULL);
    number_is("n: 0\n", 1, 10, true, SCAN_ECONFIG, 0, "t.yaml:1:4: 'n' must be from 1 to 10");
    number_is("n: 11\n", 1, 10, true, SCAN_ECONFIG, 0, "t.yaml:1:4: 'n' must be from 1 to 10");
    number_is("n: 1e8\n", 0, 1e7, false, SCAN_ECONFIG, 0,
              "t.yaml:1:4: 'n' must be from 0 to 10000000");
    number_is("n: 2.5\n", 1, 10, true, SCAN_EPARSE, 0, "t.yaml:1:4: 'n' must be a whole number");
    number_is("n: 2.5\n", 1, 10, false, 0, 2.5, NULL);
    number_is("n: \"5\"\n", 1, 10, true, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a string");
    number_is("n: 5x\n", 1, 10, true, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a string");
    number_is("n: inf\n", 0, 1e9, false, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a string");
    number_is("n: nan\n", 0, 1e9, false, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a string");
    number_is("n: 1e999\n", 0, 1e9, false, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a string");
    number_is("n:\n", 0, 1e9, false, SCAN_EPARSE, 0,
              "t.yaml:1:3: 'n' must be a number, not a string");
    number_is("n: [1]\n", 0, 1e9, false, SCAN_EPARSE, 0,
              "t.yaml:1:4: 'n' must be a number, not a sequence");
}

Test(yamlnode, real_reads_any_finite_number)
{
    struct fixture f;
    double v = 0;

    open_doc(&f, "a: 0.25\nb: -3\nc: '0.25'\n", &strict);
    cr_assert_eq(scan_yaml_real(&f.y, value(&f, "a"), "a", &v), 0);
    cr_assert_eq(v, 0.25);
    cr_assert_eq(scan_yaml_real(&f.y, value(&f, "b"), "b", &v), 0);
    cr_assert_eq(v, -3);
    cr_assert_eq(scan_yaml_real(&f.y, value(&f, "c"), "c", &v), SCAN_EPARSE);
    cr_assert_str_eq(f.diag.msg, "t.yaml:3:4: 'c' must be a number, not a string");
    close_doc(&f);
}

/* ------------------------------------------------------------------ mappings */

static const char *const entry_names[] = {"id", "zone", "note"};

struct seen {
    size_t order[8], n;
    int stop_at; /* index whose callback fails, or -1 */
};

static int record(void *arg, size_t i, yaml_node_t *key, yaml_node_t *value)
{
    struct seen *s = arg;

    cr_assert_not_null(key);
    cr_assert_not_null(value);
    s->order[s->n++] = i;
    return (int)i == s->stop_at ? -77 : 0;
}

Test(yamlnode, walk_collects_by_name)
{
    struct fixture f;
    yaml_node_t *keys[3], *vals[3];
    struct scan_yaml_keys spec = {entry_names, 3, "an entry", NULL, false};

    open_doc(&f, "zone: z.example\nid: a\n", &loose);
    yaml_node_t *root = yaml_document_get_root_node(&f.doc);
    cr_assert_eq(scan_yaml_walk(&f.y, root, &spec, keys, vals, NULL, NULL), 0);
    cr_assert_str_eq(scan_yaml_scalar(vals[0]), "a");
    cr_assert_str_eq(scan_yaml_scalar(vals[1]), "z.example");
    cr_assert_str_eq(scan_yaml_scalar(keys[1]), "zone");
    cr_assert_eq(keys[1]->start_mark.line, 0);
    cr_assert_null(keys[2]);
    cr_assert_null(vals[2]);
    close_doc(&f);
}

Test(yamlnode, walk_calls_each_key_in_file_order)
{
    struct fixture f;
    yaml_node_t *keys[3], *vals[3];
    struct scan_yaml_keys spec = {entry_names, 3, "an entry", NULL, true};
    struct seen s = {.stop_at = -1};

    open_doc(&f, "note: n\nid: a\nzone: z\nbogus: 1\n", &strict);
    yaml_node_t *root = yaml_document_get_root_node(&f.doc);
    /* Every known key is taken before the unknown one is met. */
    cr_assert_eq(scan_yaml_walk(&f.y, root, &spec, keys, vals, record, &s), SCAN_EPARSE);
    cr_assert_eq(s.n, 3);
    cr_assert_eq(s.order[0], 2);
    cr_assert_eq(s.order[1], 0);
    cr_assert_eq(s.order[2], 1);
    cr_assert_str_eq(
        f.diag.msg,
        "t.yaml:4:1: unknown key 'bogus' in an entry (expected one of: id, zone, note)");
    /* A callback's failure stops the walk and is returned. */
    memset(&s, 0, sizeof(s));
    s.stop_at = 0;
    cr_assert_eq(scan_yaml_walk(&f.y, root, &spec, keys, vals, record, &s), -77);
    cr_assert_eq(s.n, 2);
    close_doc(&f);
}

/* scan_yaml_walk() of the whole document under @p say and @p spec: code and message. */
static void walk_fails(const char *text, const struct scan_yaml_dialect *say,
                       const struct scan_yaml_keys *spec, int code, const char *msg)
{
    struct fixture f;
    yaml_node_t *keys[3], *vals[3];

    open_doc(&f, text, say);
    int ret =
        scan_yaml_walk(&f.y, yaml_document_get_root_node(&f.doc), spec, keys, vals, NULL, NULL);
    cr_assert_eq(ret, code, "%s: %d", text, ret);
    cr_assert_str_eq(f.diag.msg, msg, "%s", text);
    close_doc(&f);
}

Test(yamlnode, walk_refuses_unknown_repeated_and_odd_keys)
{
    struct scan_yaml_keys plain = {entry_names, 3, "an entry", NULL, false};
    struct scan_yaml_keys hint = {entry_names, 3, "an entry", "id, zone or note", false};
    struct scan_yaml_keys all = {entry_names, 3, "the job file", NULL, true};

    walk_fails("id: a\nzonee: b\n", &loose, &plain, SCAN_ECONFIG,
               "t.yaml:2:1: unknown key 'zonee' in an entry");
    walk_fails("id: a\nzonee: b\n", &loose, &hint, SCAN_ECONFIG,
               "t.yaml:2:1: unknown key 'zonee' in an entry (expected id, zone or note)");
    walk_fails("id: a\nzonee: b\n", &strict, &all, SCAN_EPARSE,
               "t.yaml:2:1: unknown key 'zonee' in the job file (expected one of: id, zone, note)");
    walk_fails("id: a\nzone: b\n\nid: c\n", &loose, &plain, SCAN_ECONFIG,
               "t.yaml:4:1: duplicate key 'id' (first at line 1)");
    walk_fails("id: a\n[x]: b\n", &loose, &plain, SCAN_ECONFIG,
               "t.yaml:2:1: a key in an entry must be a word, not a list");
    walk_fails("{a: 1}: b\n", &strict, &all, SCAN_EPARSE,
               "t.yaml:1:1: a key in the job file must be a plain word, not a mapping");
    /* Unknown keys are quoted safely where the dialect shows values. */
    walk_fails("\"id\\x01\": a\n", &loose, &plain, SCAN_ECONFIG,
               "t.yaml:1:1: unknown key 'id?' in an entry");
    walk_fails("\"id\\x01\": a\n", &strict, &plain, SCAN_EPARSE,
               "t.yaml:1:1: unknown key 'id\x01' in an entry");
}

Test(yamlnode, items_of_a_sequence)
{
    struct fixture f;
    yaml_node_t *item = NULL;

    open_doc(&f, "l: [a, [b], c]\n", &strict);
    yaml_node_t *l = value(&f, "l");
    cr_assert_eq(scan_yaml_count(l), 3);
    cr_assert_eq(scan_yaml_item(&f.y, l, 0, &item), 0);
    cr_assert_str_eq(scan_yaml_scalar(item), "a");
    cr_assert_eq(scan_yaml_item(&f.y, l, 1, &item), 0);
    cr_assert_eq(item->type, YAML_SEQUENCE_NODE);
    cr_assert_eq(item->start_mark.column, 7);
    cr_assert_eq(scan_yaml_item(&f.y, l, 2, &item), 0);
    cr_assert_str_eq(scan_yaml_scalar(item), "c");
    /* A document that names a node it does not hold (never built by list_yaml_load()). */
    l->data.sequence.items.start[2] = 999;
    cr_assert_eq(scan_yaml_item(&f.y, l, 2, &item), SCAN_EPARSE);
    cr_assert_null(item);
    cr_assert_str_eq(f.diag.msg, "t.yaml:1:4: malformed YAML: dangling node");
    close_doc(&f);
}
