/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the report's health score (output/report/score.c): the category of
 * each outcome, the costs and caps, the score of sample pools and domains, and
 * the README's score table (README_PATH from meson) against the program.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "output/report/score.h"

Test(score, category_by_outcome)
{
    enum out_score_cat c = OUT_SCORE_NCATS;

    cr_assert_eq(out_score_category(SCAN_OUT_OK, &c), -ENOENT);
    cr_assert_eq(c, OUT_SCORE_NCATS, "ok costs nothing and sets nothing");
    cr_assert_eq(out_score_category(SCAN_OUT_LISTED, &c), 0);
    cr_assert_eq(c, OUT_SCORE_LISTED);
    cr_assert_eq(out_score_category(SCAN_OUT_PROBLEM, &c), 0);
    cr_assert_eq(c, OUT_SCORE_PROBLEM);
    cr_assert_eq(out_score_category(SCAN_OUT_ERROR, &c), 0);
    cr_assert_eq(c, OUT_SCORE_OPEN);
    cr_assert_eq(out_score_category(SCAN_OUT_INFO, &c), 0);
    cr_assert_eq(c, OUT_SCORE_INFO);
}

/* The table in output/report/score.h and the README, row by row. */
Test(score, rules_are_the_documented_table)
{
    static const unsigned want[2][OUT_SCORE_NCATS][2] = {
        {{10, 50}, {2, 30}, {1, 10}, {1, 10}},
        {{25, 50}, {10, 30}, {5, 10}, {5, 10}},
    };
    for (int s = OUT_SCORE_POOL; s <= OUT_SCORE_DOMAIN; s++) {
        unsigned caps = 0;
        for (int c = 0; c < OUT_SCORE_NCATS; c++) {
            const struct out_score_rule *r = out_score_rule(s, c);
            cr_assert_not_null(r);
            cr_assert_eq(r->cost, want[s][c][0], "subject %d category %d cost", s, c);
            cr_assert_eq(r->cap, want[s][c][1], "subject %d category %d cap", s, c);
            caps += r->cap;
        }
        cr_assert_eq(caps, 100, "the caps add up to 100: the score never goes below 0");
    }
    cr_assert_null(out_score_rule(OUT_SCORE_POOL, OUT_SCORE_NCATS));
    cr_assert_str_eq(out_score_cat_name(OUT_SCORE_OPEN), "open");
    cr_assert_str_eq(out_score_cat_name(OUT_SCORE_NCATS), "?");
}

Test(score, deduction_is_cost_times_findings_up_to_the_cap)
{
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_LISTED, 0), 0);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_LISTED, 1), 10);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_LISTED, 5), 50);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_LISTED, 6), 50);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_PROBLEM, 14), 28);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_PROBLEM, 16), 30);
    cr_assert_eq(out_score_deduction(OUT_SCORE_DOMAIN, OUT_SCORE_LISTED, 1), 25);
    cr_assert_eq(out_score_deduction(OUT_SCORE_DOMAIN, OUT_SCORE_INFO, 3), 10);
    /* no wrap-around for an absurd count */
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_OPEN, UINT64_MAX), 10);
    cr_assert_eq(out_score_deduction(OUT_SCORE_POOL, OUT_SCORE_OPEN, (1ull << 32) + 1), 10);
}

Test(score, sample_scores)
{
    uint64_t none[OUT_SCORE_NCATS] = {0};
    /* the demo pool: 11 listings, 10 FCrDNS failures, 70 open verdicts, 17 informational */
    uint64_t demo[OUT_SCORE_NCATS] = {11, 10, 70, 17};
    /* one listing and one address without a confirming PTR */
    uint64_t small[OUT_SCORE_NCATS] = {1, 1, 0, 0};
    /* a domain with an invalid DMARC record and no MX */
    uint64_t dom[OUT_SCORE_NCATS] = {0, 2, 0, 0};
    uint64_t worst[OUT_SCORE_NCATS] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX};

    cr_assert_eq(out_score(OUT_SCORE_POOL, none), 100);
    cr_assert_eq(out_score(OUT_SCORE_DOMAIN, none), 100);
    cr_assert_eq(out_score(OUT_SCORE_POOL, demo), 100 - 50 - 20 - 10 - 10);
    cr_assert_eq(out_score(OUT_SCORE_POOL, small), 88);
    cr_assert_eq(out_score(OUT_SCORE_DOMAIN, dom), 80);
    cr_assert_eq(out_score(OUT_SCORE_POOL, worst), 0);
    cr_assert_eq(out_score(OUT_SCORE_DOMAIN, worst), 0);
}

#ifndef README_PATH
#error "meson passes -DREADME_PATH=<the README.md of the source tree>"
#endif

/* The README's score table (between <!-- score:begin --> and <!-- score:end -->)
 * states exactly the program's costs and caps, in category order. */
Test(score, readme_table_matches_the_program)
{
    FILE *f = fopen(README_PATH, "r");
    char line[1024];
    bool in = false, ended = false;
    int row = 0;

    cr_assert_not_null(f, "cannot open %s", README_PATH);
    while (fgets(line, sizeof(line), f)) {
        char name[32];
        unsigned pc, pcap, dc, dcap;
        const char *rest;
        line[strcspn(line, "\n")] = '\0';
        if (strcmp(line, "<!-- score:begin -->") == 0) {
            in = true;
            continue;
        }
        if (strcmp(line, "<!-- score:end -->") == 0) {
            ended = in;
            break;
        }
        if (!in || strncmp(line, "| `", 3) != 0)
            continue;
        cr_assert_eq(sscanf(line, "| `%31[a-z]` |", name), 1, "README row: %s", line);
        /* the last four cells: pool cost, pool cap, domain cost, domain cap */
        rest = line + strlen(line);
        for (int bars = 0; rest > line && bars < 5; rest--)
            bars += *rest == '|';
        cr_assert_eq(sscanf(rest + 1, "| %u | %u | %u | %u |", &pc, &pcap, &dc, &dcap), 4,
                     "README row: %s", line);
        cr_assert_lt(row, OUT_SCORE_NCATS, "more README rows than categories");
        cr_assert_str_eq(name, out_score_cat_name(row));
        cr_assert_eq(pc, out_score_rule(OUT_SCORE_POOL, row)->cost, "%s pool cost", name);
        cr_assert_eq(pcap, out_score_rule(OUT_SCORE_POOL, row)->cap, "%s pool cap", name);
        cr_assert_eq(dc, out_score_rule(OUT_SCORE_DOMAIN, row)->cost, "%s domain cost", name);
        cr_assert_eq(dcap, out_score_rule(OUT_SCORE_DOMAIN, row)->cap, "%s domain cap", name);
        row++;
    }
    fclose(f);
    cr_assert(ended, "%s: no <!-- score:begin --> ... <!-- score:end --> table", README_PATH);
    cr_assert_eq(row, OUT_SCORE_NCATS, "every category has its README row");
}
