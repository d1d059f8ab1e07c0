/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Unit tests of the atomic file writer's two steps (output/writers/outpath.h), the
 * form the --delta document uses: nothing at PATH until the commit, a symbolic
 * or hard link planted at the temporary name is never written through, a stale
 * file of our own there is replaced, the stream stays open
 * after the rename, and an uncommitted file leaves nothing behind.
 * out_path_prepare() is tested for the line it gives when a path cannot be used.
 * (out_file_replace(), built on them, is tested through --prom in test_alert.c.)
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output/writers/outpath.h"

static char dir[64], path[128], tmp[160];

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/outpath-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/delta.json", dir);
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
}

static void teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(outpath, .init = setup, .fini = teardown);

static bool exists(const char *p)
{
    struct stat sb;

    return lstat(p, &sb) == 0;
}

Test(outpath, commit_renames_and_keeps_the_stream)
{
    struct out_file of;
    char buf[32] = "";

    cr_assert_eq(out_file_begin(&of, path), 0);
    fputs("{\"a\":1}\n", of.f);
    cr_assert(exists(tmp));
    cr_assert_not(exists(path), "nothing at PATH before the commit");
    cr_assert_eq(out_file_commit(&of), 0);
    cr_assert(exists(path));
    cr_assert_not(exists(tmp));
    /* the descriptor stays open (the --on-change command gets it) and is PATH's */
    struct stat open_sb, path_sb;
    cr_assert_not_null(of.f);
    cr_assert_eq(fstat(fileno(of.f), &open_sb), 0);
    cr_assert_eq(stat(path, &path_sb), 0);
    cr_expect_eq(open_sb.st_ino, path_sb.st_ino);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    cr_expect_str_eq(buf, "{\"a\":1}\n");
    out_file_deinit(&of);
    cr_assert(exists(path), "deinit after a commit keeps the file");
}

Test(outpath, uncommitted_leaves_nothing)
{
    struct out_file of;

    cr_assert_eq(out_file_begin(&of, path), 0);
    fputs("half", of.f);
    out_file_deinit(&of);
    cr_assert_not(exists(tmp));
    cr_assert_not(exists(path));
    out_file_deinit(&of); /* twice is harmless */
}

Test(outpath, never_through_a_symlink)
{
    struct out_file of;
    char victim[160];

    snprintf(victim, sizeof(victim), "%s/victim", dir);
    cr_assert_eq(symlink(victim, tmp), 0);
    cr_assert_eq(out_file_begin(&of, path), -ELOOP);
    cr_assert_null(of.f);
    out_file_deinit(&of);
    cr_assert_not(exists(victim), "wrote through the symlink");
    cr_assert(exists(tmp), "someone else's link is not ours to remove");
}

Test(outpath, missing_folder)
{
    struct out_file of;
    char bad[160];

    snprintf(bad, sizeof(bad), "%s/missing/delta.json", dir);
    cr_assert_eq(out_file_begin(&of, bad), -ENOENT);
    out_file_deinit(&of);
}

/* out_path_prepare() makes the folder, proves a file can be created, and says
 * in one line what failed when it cannot. */
Test(outpath, prepare_says_what_failed)
{
    struct scan_diag diag = {0};
    char deep[192], want[512];

    snprintf(deep, sizeof(deep), "%s/a/b/delta.json", dir);
    cr_assert_eq(out_path_prepare(deep, 0750, &diag), 0, "%s", diag.msg);
    cr_assert_str_empty(diag.msg, "success leaves the diag as it was");
    snprintf(deep, sizeof(deep), "%s/a/b", dir);
    cr_assert(exists(deep), "the folders above are made");

    /* PATH is a folder. */
    cr_assert_eq(out_path_prepare(deep, 0750, &diag), -EISDIR);
    snprintf(want, sizeof(want), "%s: it is a folder: %s", deep, strerror(EISDIR));
    cr_assert_str_eq(diag.msg, want);
    cr_assert_eq(out_path_prepare(deep, 0750, NULL), -EISDIR);

    /* A file where a folder must be. */
    snprintf(deep, sizeof(deep), "%s/plain", dir);
    FILE *f = fopen(deep, "w");
    cr_assert_not_null(f);
    fclose(f);
    snprintf(deep, sizeof(deep), "%s/plain/delta.json", dir);
    cr_assert_eq(out_path_prepare(deep, 0750, &diag), -ENOTDIR);
    snprintf(want, sizeof(want), "%s: cannot create a file there: %s", deep, strerror(ENOTDIR));
    cr_assert_str_eq(diag.msg, want);
    snprintf(deep, sizeof(deep), "%s/plain/sub/delta.json", dir);
    cr_assert_eq(out_path_prepare(deep, 0750, &diag), -ENOTDIR);
    snprintf(want, sizeof(want), "%s: cannot create its folder: %s", deep, strerror(ENOTDIR));
    cr_assert_str_eq(diag.msg, want);
}

Test(outpath, never_through_a_hard_link)
{
    struct out_file of;
    char victim[160];

    snprintf(victim, sizeof(victim), "%s/victim", dir);
    FILE *f = fopen(victim, "w");
    cr_assert_not_null(f);
    fputs("keep", f);
    fclose(f);
    cr_assert_eq(link(victim, tmp), 0);
    cr_assert_eq(out_file_begin(&of, path), -EEXIST);
    cr_assert_null(of.f);
    out_file_deinit(&of);
    struct stat sb;
    cr_assert_eq(stat(victim, &sb), 0);
    cr_expect_eq(sb.st_size, 4, "the linked file was truncated");
    cr_assert(exists(tmp), "someone else's link is not ours to remove");
}

Test(outpath, a_stale_file_of_ours_is_replaced)
{
    struct out_file of;

    FILE *f = fopen(tmp, "w");
    cr_assert_not_null(f);
    fputs("left by a run killed with -9", f);
    fclose(f);
    cr_assert_eq(out_file_begin(&of, path), 0);
    fputs("new", of.f);
    cr_assert_eq(out_file_commit(&of), 0);
    out_file_deinit(&of);
    char buf[32] = "";
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_assert_not_null(fgets(buf, sizeof(buf), f));
    fclose(f);
    cr_expect_str_eq(buf, "new");
}
