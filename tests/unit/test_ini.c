/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the --extra-opts ini reader (cli/ini.c), and Debian's
 * check_rbl.ini (a copy in tests/data) end to end: the file reads, and every
 * one of its 207 zones is accepted as a list (the catalog's, or a generic
 * RFC 5782 one: list_catalog_add_generic()).
 */
#include <criterion/criterion.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/ini.h"
#include "scanner/catalog/catalog.h"

#ifndef DEBIAN_INI
#error "meson passes -DDEBIAN_INI=<tests/data/debian-check_rbl.ini of the source tree>"
#endif

/* @p text in a temporary file; caller unlinks and frees the path. */
static char *temp_ini(const char *text, size_t len)
{
    char *path = strdup("/tmp/test_ini.XXXXXX");
    cr_assert_not_null(path);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    return path;
}

static int read_text(const char *text, const char *section, struct cli_ini *ini,
                     struct scan_diag *diag)
{
    char *path = temp_ini(text, strlen(text));
    int ret = cli_ini_read(path, section, ini, diag);
    unlink(path);
    free(path);
    return ret;
}

Test(ini, options_of_one_section_in_order)
{
    struct cli_ini ini;
    struct scan_diag diag = {0};
    cr_assert_eq(read_text("; comment\n"
                           "# another\n"
                           "[other]\n"
                           "server = not.this.one\n"
                           "\n"
                           "[rbl]\r\n"
                           "  server=a.example.net  \n"
                           "server = b.example.net\n"
                           "verbose\n"
                           "timeout=\n"
                           "[ rbl ]\n"
                           "critical = 2\n",
                           "rbl", &ini, &diag),
                 0, "%s", diag.msg);
    cr_assert_eq(ini.n, 5);
    cr_expect_str_eq(ini.v[0].key, "server");
    cr_expect_str_eq(ini.v[0].value, "a.example.net");
    cr_expect_eq(ini.v[0].line, 7);
    cr_expect_str_eq(ini.v[1].value, "b.example.net");
    cr_expect_str_eq(ini.v[2].key, "verbose");
    cr_expect_null(ini.v[2].value);
    cr_expect_str_eq(ini.v[3].value, "");
    cr_expect_str_eq(ini.v[4].key, "critical");
    cr_expect_eq(ini.v[4].line, 12);
    cli_ini_free(&ini);
    cli_ini_free(&ini); /* a zeroed struct */
}

Test(ini, errors_name_file_and_line)
{
    static const struct {
        const char *text, *line_and_why;
    } cases[] = {
        {"server=x\n", ":1: an option before the first [section]"},
        {"[rbl]\nserver x = y\n", ":2: an option name with a character"},
        {"[rbl]\n= y\n", ":2: an option without a name"},
        {"[rbl\n", ":1: a section header without its ']'"},
        {"[]\n", ":1: a bad section name"},
        {"[rbl]\nserver=a\x1b[31m\n", ":2: a control character"},
        {"[rbl]\nserver=a\rb\n", ":2: a control character"},
        {"[other]\nserver=x\n", ": no section [rbl]"},
        {"", ": no section [rbl]"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cli_ini ini;
        struct scan_diag diag = {0};
        char *path = temp_ini(cases[i].text, strlen(cases[i].text));
        int ret = cli_ini_read(path, "rbl", &ini, &diag);
        cr_expect(ret == -EINVAL || ret == -ESRCH, "case %zu: %d", i, ret);
        cr_expect_eq(strncmp(diag.msg, path, strlen(path)), 0, "case %zu: %s", i, diag.msg);
        cr_expect(strstr(diag.msg, cases[i].line_and_why), "case %zu: %s", i, diag.msg);
        cr_expect_eq(ini.n, 0);
        unlink(path);
        free(path);
    }
}

Test(ini, limits)
{
    struct cli_ini ini;
    struct scan_diag diag = {0};
    /* A NUL byte, a line over 4096 bytes, a file over 1 MiB, too many options. */
    char *path = temp_ini("[rbl]\nserver=a\0b\n", 17);
    cr_expect_eq(cli_ini_read(path, "rbl", &ini, &diag), -EINVAL);
    cr_expect(strstr(diag.msg, ":2: a NUL byte"), "%s", diag.msg);
    unlink(path);
    free(path);

    size_t big = 5000;
    char *text = malloc(big + 32);
    cr_assert_not_null(text);
    strcpy(text, "[rbl]\nserver=");
    memset(text + strlen(text), 'a', big);
    text[13 + big] = '\0';
    cr_expect_eq(read_text(text, "rbl", &ini, &diag), -EINVAL);
    cr_expect(strstr(diag.msg, ":2: a line over 4096 bytes"), "%s", diag.msg);
    free(text);

    size_t huge = CLI_INI_MAX_BYTES + 10;
    text = malloc(huge + 1);
    cr_assert_not_null(text);
    memset(text, '#', huge);
    text[huge] = '\0';
    cr_expect_eq(read_text(text, "rbl", &ini, &diag), -EFBIG);
    cr_expect(strstr(diag.msg, "over 1 MiB"), "%s", diag.msg);
    free(text);

    size_t nopt = CLI_INI_MAX_OPTS + 1;
    text = malloc(nopt * 4 + 16);
    cr_assert_not_null(text);
    char *p = text + sprintf(text, "[rbl]\n");
    for (size_t i = 0; i < nopt; i++)
        p += sprintf(p, "v=\n");
    cr_expect_eq(read_text(text, "rbl", &ini, &diag), -EINVAL);
    cr_expect(strstr(diag.msg, "too many options"), "%s", diag.msg);
    free(text);

    cr_expect_eq(cli_ini_read("/nonexistent/check_rbl.ini", "rbl", &ini, &diag), -ENOENT);
    cr_expect_str_eq(diag.msg, "/nonexistent/check_rbl.ini: No such file or directory");
    cr_expect_eq(cli_ini_read("/nonexistent/check_rbl.ini", "rbl", &ini, NULL), -ENOENT);
}

/* Debian's file as monitoring-plugins-contrib ships it: 207 zones, each a list. */
Test(ini, debian_check_rbl_ini_every_zone_is_a_list)
{
    struct cli_ini ini;
    struct list_catalog *cat = NULL;
    struct scan_diag lerr = {0};
    struct scan_diag diag = {0};
    size_t catalog = 0, generic = 0;

    cr_assert_eq(cli_ini_read(DEBIAN_INI, "rbl", &ini, &diag), 0, "%s", diag.msg);
    cr_assert_eq(ini.n, 207);
    cr_assert_eq(list_catalog_load_buf("default.yaml", list_default_yaml, list_default_yaml_len,
                                       &cat, &lerr),
                 0);
    for (size_t i = 0; i < ini.n; i++) {
        const struct list_entry *e = NULL;
        cr_assert_str_eq(ini.v[i].key, "server", "line %u", ini.v[i].line);
        cr_assert_not_null(ini.v[i].value, "line %u", ini.v[i].line);
        int ret = list_catalog_add_generic(cat, ini.v[i].value, &e, &lerr);
        cr_expect(ret == 0 || ret == 1, "line %u: %s: %s", ini.v[i].line, ini.v[i].value, lerr.msg);
        if (ret == 1)
            catalog++;
        else if (ret == 0)
            generic++;
    }
    cr_expect_eq(catalog + generic, 207);
    cr_expect_geq(catalog, 30, "the catalog knows %zu of Debian's zones", catalog);
    cr_expect_geq(generic, 100);
    list_catalog_free(cat);
    cli_ini_free(&ini);
}
