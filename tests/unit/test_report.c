/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the HTML report (output/report/report.c, report_html.c) without a
 * store or a browser: hostile DNS text reaches the page only as escaped text,
 * only http(s) URLs become links, every block's grid accounts for its 256
 * addresses, and the counts behind the score are the outcomes fed in.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/report/report.h"
#include "tests/unit/result_fixture.h"

static const char hostile[] = "<script>alert(1)</script>\"' onmouseover=x &amp; \x1b[31m"
                              "\xe2\x80\xae<img src=x onerror=y>";

static const struct out_report_list lists[] = {
    {.id = "zen",
     .zone = "zen.example",
     .delist = "https://delist.example/?ip={ip}",
     .ip4 = true,
     .daily_limit = 1000},
    {.id = "evil",
     .zone = "<b>evil</b>.example",
     .delist = "javascript:alert(2)//{ip}",
     .ip4 = true},
};

static struct out_report *new_report(void)
{
    struct out_report_opts o = {
        .version = "test", .now_ms = 1767225600000, .lists = lists, .nlists = 2};
    struct out_report *rep = NULL;
    cr_assert_eq(out_report_new(&o, &rep), 0);
    return rep;
}

static void dnsbl(struct out_report *rep, const char *target, const char *list, const char *code,
                  const char *txt, const char *delist)
{
    const char *codes[] = {code}, *meanings[] = {hostile};
    struct scan_result r = {.target = target, .check = "dnsbl", .list = list, .list_id = list};
    if (code) {
        r.status = "listed";
        r.klass = SCAN_CLASS_LISTING;
        r.ncodes = 1;
        r.codes = codes;
        r.meanings = meanings;
        r.txt = txt;
        r.delist_url = delist;
    } else {
        r.status = "clean";
    }
    struct scan_result t = rf_typed(&r);
    cr_assert_eq(out_report_result(rep, &t), 0);
}

static char *render(struct out_report *rep)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    cr_assert_eq(out_report_write(rep, f, NULL, NULL), 0);
    fclose(f);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

Test(report, hostile_text_is_escaped_and_never_a_link)
{
    struct out_report *rep = new_report();
    struct scan_health h = {.list = "<b>evil</b>.example",
                            .list_id = "evil",
                            .kind = "ip4",
                            .healthy = false,
                            .why = SCAN_R_UNHEALTHY,
                            .reason = "unhealthy",
                            .detail = hostile};
    struct scan_field problem[] = {{.name = "severity", .type = SCAN_F_STR, .str = "error"},
                                   {.name = "message", .type = SCAN_F_STR, .str = hostile}};
    struct scan_fields obj = {2, problem};
    struct scan_field extra[] = {{.name = "record", .type = SCAN_F_STR, .str = hostile},
                                 {.name = "problems", .type = SCAN_F_OBJV, .n = 1, .objv = &obj}};
    struct scan_result dm = {.target = "example.test",
                             .check = "dmarc",
                             .status = "invalid",
                             .reason = "invalid-value",
                             .extra = {2, extra}};
    struct scan_result t = rf_typed(&dm);
    char *html;

    cr_assert_eq(out_report_health(rep, &h), 0);
    dnsbl(rep, "192.0.2.1", "zen", "127.0.0.2", hostile, "javascript:alert(3)");
    dnsbl(rep, "192.0.2.2", "zen", "127.0.0.2", "fine", "https://delist.example/?ip=192.0.2.2");
    dnsbl(rep, "192.0.2.3", "zen", NULL, NULL, NULL);
    cr_assert_eq(out_report_result(rep, &t), 0);
    html = render(rep);

    cr_assert_eq(count(html, "<script"), 1, "only the report's own script");
    cr_assert_null(strstr(html, "<img"));
    cr_assert_null(strstr(html, "<b>evil"));
    cr_assert_null(strstr(html, "\x1b"), "no terminal escape survives");
    cr_assert_null(strstr(html, "\xe2\x80\xae"), "no bidi override survives");
    cr_assert_null(strstr(html, "href=\"javascript"));
    cr_assert_not_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; "
                                    "onmouseover=x &amp;amp; &lt;img src=x onerror=y&gt;"));
    cr_assert_not_null(strstr(html, "&lt;b&gt;evil&lt;/b&gt;.example"));
    /* the http(s) delist URL is a link; the javascript: one and its template are text */
    cr_assert_not_null(strstr(html, "<a href=\"https://delist.example/?ip=192.0.2.2\""));
    cr_assert_not_null(strstr(html, "<a href=\"https://delist.example/\""), "the operator page");
    cr_assert_eq(count(html, "<a href=\"http"), 2);
    /* the DMARC badge quotes its first problem, escaped */
    cr_assert_not_null(strstr(html, "DMARC invalid</span><div class=\"why bad\">&lt;script&gt;"));
    free(html);
    out_report_free(rep);
}

/* Every grid accounts for its 256 addresses: the sum of its runs' cells. */
/* The pool map of @p html: its grids, the cells they account for, and the
 * listed ones among them. */
static void count_grids(const char *html, unsigned *grids, unsigned *cells, unsigned *listed)
{
    const char *p;

    *grids = *cells = *listed = 0;
    for (p = html; (p = strstr(p, "<figure class=\"blk\"")); p++)
        (*grids)++;
    for (p = html; (p = strstr(p, " data-n=\"")); p++) {
        unsigned n = (unsigned)strtoul(p + 9, NULL, 10);
        *cells += n;
        if (strncmp(p - 10, "class=\"l5\"", 10) == 0)
            *listed += n;
    }
}

Test(report, grids_cover_every_address_once)
{
    struct out_report *rep = new_report();
    const char *targets[] = {"192.0.2.0",   "192.0.2.17",   "192.0.2.18",
                             "192.0.2.255", "198.51.100.7", "2001:db8::10"};
    char *html;
    unsigned grids, cells, listed;

    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
        dnsbl(rep, targets[i], "zen", i == 1 || i == 2 ? "127.0.0.2" : NULL, NULL, NULL);
    html = render(rep);
    count_grids(html, &grids, &cells, &listed);
    cr_assert_eq(grids, 3);
    cr_assert_eq(cells, 3 * 256);
    cr_assert_eq(listed, 2);
    /* .17 and .18 share a verdict and findings: one run, one title naming both */
    cr_assert_not_null(strstr(html, "<title>192.0.2.17 &ndash; 192.0.2.18: listed: zen 127.0.0.2"),
                       "%s", strstr(html, "192.0.2.17"));
    cr_assert_not_null(strstr(html, "<title>2001:db8::10: clean</title>"));
    free(html);
    out_report_free(rep);
}

/* Many blocks, met again out of order (so the last-block shortcut does not
 * answer): each address lands in its one block, an IPv6 block whose bytes equal
 * an IPv4 block's is another block, and each address is counted once. */
Test(report, blocks_are_found_again_out_of_order)
{
    enum { N = 300 };
    struct out_report *rep = new_report();
    char target[64], *html;
    unsigned grids, cells, listed, nlisted = 0;

    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < N; k++) {
            int i = pass ? N - 1 - k : k;
            snprintf(target, sizeof(target), "198.%d.%d.1", 18 + i / 256, i % 256);
            bool bad = pass == 1 && i % 7 == 0;
            dnsbl(rep, target, "zen", bad ? "127.0.0.2" : NULL, NULL, NULL);
            nlisted += bad;
            if (pass == 1) {
                snprintf(target, sizeof(target), "198.%d.%d.2", 18 + i / 256, i % 256);
                dnsbl(rep, target, "zen", NULL, NULL, NULL);
            }
        }
    dnsbl(rep, "c612::1", "zen", NULL, NULL, NULL); /* the bytes of 198.18.0.x's block */
    html = render(rep);
    count_grids(html, &grids, &cells, &listed);
    cr_assert_eq(grids, N + 1);
    cr_assert_eq(cells, (N + 1) * 256);
    cr_assert_eq(listed, nlisted);
    cr_assert_not_null(strstr(html, "<b>601</b><span>IP addresses</span>"),
                       "two per IPv4 block, one IPv6");
    free(html);
    out_report_free(rep);
}

/* The header's pool score is the formula applied to the outcomes fed in. */
Test(report, pool_score_from_outcomes)
{
    struct out_report *rep = new_report();
    char *html;

    dnsbl(rep, "192.0.2.1", "zen", "127.0.0.2", NULL, NULL);
    dnsbl(rep, "192.0.2.2", "zen", "127.0.0.2", NULL, NULL);
    dnsbl(rep, "192.0.2.3", "zen", NULL, NULL, NULL);
    html = render(rep);
    /* two listings: 100 - 2 x 10 */
    cr_assert_not_null(strstr(html, "<b>80<small>/100</small></b><span><a href=\"#score\">pool "
                                    "health</a>"));
    cr_assert_not_null(strstr(html, "<th colspan=\"5\">pool score</th><th class=\"n\">80</th>"));
    free(html);
    out_report_free(rep);
}

/* -o /dev/null or --html /dev/stdout write into the device: renaming a temporary
 * file over it would replace the device node with a regular file. */
Test(report, a_device_is_written_into_never_replaced)
{
    struct out_report *rep = new_report();
    struct stat sb;
    char dir[] = "/tmp/dnsbl-report-XXXXXX", path[64], tmp[96];

    cr_assert_eq(out_report_write_file(rep, "/dev/null", NULL, NULL), 0);
    cr_assert_eq(stat("/dev/null", &sb), 0);
    cr_assert(S_ISCHR(sb.st_mode), "/dev/null is still a character device");
    /* a regular file is replaced atomically, and nothing is left beside it */
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/r.html", dir);
    cr_assert_eq(out_report_write_file(rep, path, NULL, NULL), 0);
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert(S_ISREG(sb.st_mode) && sb.st_size > 1000);
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    cr_assert_neq(access(tmp, F_OK), 0);
    unlink(path);
    rmdir(dir);
    out_report_free(rep);
}
