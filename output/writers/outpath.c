/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Output paths (see outpath.h): mkdir -p, the temporary-file name, the
 * check before a run that also sweeps what killed runs left behind, and the
 * atomic write of a file.
 */
#include "output/writers/outpath.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int out_path_tmp(const char *path, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s.tmp.%ld", path, (long)getpid());
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int out_path_mkparent(const char *path, mode_t mode)
{
    char dir[4096];
    char *slash;

    if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
        return -ENAMETOOLONG;
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    /* Each component in turn; one that exists (as anything) is left to the next
     * mkdir() or open() to judge. */
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, mode) != 0 && errno != EEXIST)
            return -errno;
        *p = '/';
    }
    if (mkdir(dir, mode) != 0 && errno != EEXIST)
        return -errno;
    return 0;
}

/*
 * Remove "BASE.tmp.PID" files of processes that no longer exist. A PID that
 * exists again (reused) keeps its file until a later run: harmless. kill(pid, 0)
 * failing with EPERM means the process exists under another user: not ours to
 * touch.
 */
static void sweep(const char *path)
{
    char dir[4096];
    const char *base = strrchr(path, '/');
    size_t blen;
    struct dirent *de;
    DIR *d;

    if (base) {
        snprintf(dir, sizeof(dir), "%.*s", (int)(base - path) > 0 ? (int)(base - path) : 1, path);
        base++;
    } else {
        snprintf(dir, sizeof(dir), ".");
        base = path;
    }
    blen = strlen(base);
    d = opendir(dir);
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        const char *tail = de->d_name + blen;
        char *end;
        long pid;

        if (strncmp(de->d_name, base, blen) != 0 || strncmp(tail, ".tmp.", 5) != 0)
            continue;
        tail += 5;
        errno = 0;
        pid = strtol(tail, &end, 10);
        if (!*tail || *end || errno || pid <= 0 || pid == (long)getpid())
            continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
}

/* Our temporary name exists: an earlier run of ours under the same PID left it
 * (a kill -9, then a PID reused), or someone planted it. Only our own plain file
 * with no other name is removed; a link of any kind stays and the write fails
 * (a symbolic one as O_NOFOLLOW would say, -ELOOP). @return 0 when removed. */
static int stale_tmp(const char *tmp)
{
    struct stat sb;

    if (lstat(tmp, &sb) != 0)
        return -errno;
    if (S_ISLNK(sb.st_mode))
        return -ELOOP;
    if (!S_ISREG(sb.st_mode) || sb.st_nlink != 1 || sb.st_uid != geteuid())
        return -EEXIST;
    return unlink(tmp) == 0 ? 0 : -errno;
}

/* Make the temporary file, exclusively (O_EXCL, O_NOFOLLOW): such directories are
 * often shared and the name is predictable, so never write through a link someone
 * left there, symbolic or hard. Read-write: the --delta document is also the
 * --on-change command's standard input, read back from the start.
 * @return the descriptor, or a negative errno (stale_tmp()'s when the name stays). */
static int open_tmp(const char *tmp)
{
    const int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = open(tmp, flags, 0644);

    if (fd < 0 && errno == EEXIST) {
        int ret = stale_tmp(tmp);
        if (ret != 0)
            return ret;
        fd = open(tmp, flags, 0644);
    }
    return fd < 0 ? -errno : fd;
}

int out_path_prepare(const char *path, mode_t mode, struct scan_diag *diag)
{
    char tmp[4096];
    struct stat sb;
    const char *what = "cannot create its folder";
    int fd, ret;

    ret = out_path_tmp(path, tmp, sizeof(tmp));
    if (ret == 0)
        ret = out_path_mkparent(path, mode);
    if (ret == 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        ret = -EISDIR;
        what = "it is a folder";
    }
    if (ret == 0) {
        sweep(path);
        what = "cannot create a file there";
        fd = open_tmp(tmp);
        if (fd < 0) {
            ret = fd;
        } else {
            close(fd);
            unlink(tmp);
        }
    }
    if (ret != 0)
        scan_diag_fail(diag, ret, "%s: %s: %s", path, what, strerror(-ret));
    return ret;
}

int out_file_begin(struct out_file *of, const char *path)
{
    int fd;

    memset(of, 0, sizeof(*of));
    if (snprintf(of->path, sizeof(of->path), "%s", path) >= (int)sizeof(of->path))
        return -ENAMETOOLONG;
    if (out_path_tmp(path, of->tmp, sizeof(of->tmp)) != 0) { /* the name the next run cleans up */
        of->tmp[0] = '\0';
        return -ENAMETOOLONG;
    }
    fd = open_tmp(of->tmp);
    if (fd < 0) {
        of->tmp[0] = '\0';
        return fd;
    }
    of->f = fdopen(fd, "w+");
    if (!of->f) {
        int ret = -errno;

        close(fd);
        return ret;
    }
    return 0;
}

int out_file_commit(struct out_file *of)
{
    if (fflush(of->f) != 0)
        return -errno;
    if (ferror(of->f))
        return errno ? -errno : -EIO;
    if (fsync(fileno(of->f)) != 0 || rename(of->tmp, of->path) != 0)
        return -errno;
    of->tmp[0] = '\0';
    return 0;
}

void out_file_deinit(struct out_file *of)
{
    if (of->f)
        fclose(of->f);
    of->f = NULL;
    if (of->tmp[0])
        unlink(of->tmp);
    of->tmp[0] = '\0';
}

/* Files other programs pick up (a Prometheus collector, a web server, a mail
 * job) must never be seen half written: write beside, sync, then rename. A path
 * that exists and is not a regular file (/dev/null, /dev/stdout, a FIFO) is
 * written into instead: renaming over it would replace the device itself. */
int out_file_replace(const char *path, int (*fill)(FILE *f, void *arg), void *arg)
{
    struct out_file of;
    struct stat sb;
    FILE *f = NULL;
    int ret;

    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        f = fopen(path, "we");
        if (!f)
            return -errno;
        ret = fill(f, arg);
        if (fclose(f) != 0 && ret == 0)
            ret = -errno;
        return ret;
    }
    ret = out_file_begin(&of, path);
    if (ret == 0)
        ret = fill(of.f, arg);
    if (ret == 0)
        ret = out_file_commit(&of);
    out_file_deinit(&of);
    return ret;
}
