/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests for the one vocabulary of results (scanner/core/vocab.c): every reason
 * has one word and one meaning, words are unique and read back, every status
 * has one outcome, and a DNS failure gives the same reason for every check.
 * The README's reason table (between <!-- reasons:begin --> and
 * <!-- reasons:end -->, README_PATH from meson) must list exactly the
 * program's reasons, with the same meanings.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/result.h"

Test(vocab, every_reason_has_one_word_and_a_meaning)
{
    cr_assert_null(scan_reason_word(SCAN_R_NONE));
    cr_assert_null(scan_reason_meaning(SCAN_R_NONE));
    cr_assert_null(scan_reason_word(SCAN_R_COUNT));
    for (unsigned i = 1; i < SCAN_R_COUNT; i++) {
        const char *w = scan_reason_word(i);
        const char *m = scan_reason_meaning(i);
        enum scan_reason back = SCAN_R_NONE;
        cr_assert_not_null(w, "reason %u has no word", i);
        cr_assert_not_null(m, "reason %s has no meaning", w);
        cr_assert_gt(strlen(m), 10, "reason %s: meaning too short", w);
        cr_assert_eq(strcspn(m, "\n|"), strlen(m), "reason %s: meaning breaks a table row", w);
        for (const char *c = w; *c; c++)
            cr_assert((*c >= 'a' && *c <= 'z') || *c == '-', "reason word '%s'", w);
        cr_assert_eq(scan_reason_from_word(w, &back), 0);
        cr_assert_eq(back, i, "word %s is not unique", w);
    }
    enum scan_reason r;
    cr_assert_eq(scan_reason_from_word("bad-response", &r), -EINVAL);
    cr_assert_eq(scan_reason_from_word(NULL, &r), -EINVAL);
}

Test(vocab, status_words_and_outcomes)
{
    for (unsigned i = 0; i < SCAN_ST_COUNT; i++) {
        enum scan_status back;
        cr_assert_eq(scan_status_from_word(scan_status_word(i), &back), 0);
        cr_assert_eq(back, i);
    }
    struct scan_result r = {0};
    scan_result_set(&r, SCAN_CHECK_SPF_AUTH, SCAN_ST_TEMPERROR, SCAN_R_SERVFAIL);
    cr_assert_eq(r.outcome, SCAN_OUT_ERROR, "a temperror is no verdict");
    cr_assert_str_eq(r.check, "spf-auth");
    cr_assert_str_eq(r.status, "temperror");
    cr_assert_str_eq(r.reason, "servfail");
    scan_result_set(&r, SCAN_CHECK_SPF_AUTH, SCAN_ST_PERMERROR, SCAN_R_SYNTAX);
    cr_assert_eq(r.outcome, SCAN_OUT_PROBLEM);
    r.klass = SCAN_CLASS_INFO;
    scan_result_set(&r, SCAN_CHECK_DNSBL, SCAN_ST_LISTED, SCAN_R_NONE);
    cr_assert_eq(r.outcome, SCAN_OUT_INFO);
    cr_assert_null(r.reason);
}

#ifndef README_PATH
#error "meson passes -DREADME_PATH=<the README.md of the source tree>"
#endif

#define README_MAX_ROWS 128

/* One row of the README's reason table: "| `word` | meaning |". */
struct readme_row {
    char word[64];
    char meaning[256];
};

/* Read the rows between the markers. @return the number of rows. */
static size_t readme_reasons(struct readme_row *rows, size_t cap)
{
    FILE *f = fopen(README_PATH, "r");
    char line[1024];
    bool in = false, seen_end = false;
    size_t n = 0;

    cr_assert_not_null(f, "cannot open %s", README_PATH);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "<!-- reasons:begin -->") == 0) {
            cr_assert(!in, "two begin markers");
            in = true;
            continue;
        }
        if (strcmp(line, "<!-- reasons:end -->") == 0) {
            seen_end = in;
            break;
        }
        if (!in || strncmp(line, "| `", 3) != 0)
            continue; /* the header and its rule */
        const char *w = line + 3;
        const char *we = strchr(w, '`');
        cr_assert_not_null(we, "README row: %s", line);
        cr_assert_eq(strncmp(we, "` | ", 4), 0, "README row: %s", line);
        const char *m = we + 4;
        size_t ml = strlen(m);
        cr_assert(ml > 2 && strcmp(m + ml - 2, " |") == 0, "README row: %s", line);
        cr_assert_lt(n, cap);
        cr_assert_lt((size_t)(we - w), sizeof(rows[n].word));
        cr_assert_lt(ml - 2, sizeof(rows[n].meaning));
        memcpy(rows[n].word, w, (size_t)(we - w));
        rows[n].word[we - w] = '\0';
        memcpy(rows[n].meaning, m, ml - 2);
        rows[n].meaning[ml - 2] = '\0';
        n++;
    }
    fclose(f);
    cr_assert(seen_end, "%s: no <!-- reasons:begin --> ... <!-- reasons:end --> table",
              README_PATH);
    return n;
}

Test(vocab, readme_reason_table_matches_the_program)
{
    static struct readme_row rows[README_MAX_ROWS];
    size_t n = readme_reasons(rows, README_MAX_ROWS);
    bool listed[SCAN_R_COUNT] = {false};

    /* README -> program: every word is a reason, once, with the program's meaning */
    for (size_t i = 0; i < n; i++) {
        enum scan_reason r;
        cr_assert_eq(scan_reason_from_word(rows[i].word, &r), 0,
                     "the README lists '%s', which the program never writes", rows[i].word);
        cr_assert(!listed[r], "the README lists '%s' twice", rows[i].word);
        listed[r] = true;
        cr_assert_str_eq(rows[i].meaning, scan_reason_meaning(r), "meaning of '%s'", rows[i].word);
    }
    /* program -> README: every reason is there */
    for (unsigned i = 1; i < SCAN_R_COUNT; i++)
        cr_assert(listed[i], "reason '%s' is missing from the README's reason table",
                  scan_reason_word(i));
}
