/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Paths of the files a run writes (the state store, --delta, --prom, --html),
 * and the one way the output files are written: atomically, never through a
 * symbolic link (out_file_replace(), or out_file_begin() and out_file_commit()
 * when the file must stay open after it is in place).
 *
 * A run checks them before it scans (a path it cannot write is a
 * configuration error, not a half-run): the folder is created when missing,
 * temporary files that killed runs left behind are removed, and a file is
 * created and removed once to prove it can be. The files themselves are
 * written as PATH.tmp.PID and renamed over PATH (out_path_tmp()), so a reader
 * never sees half a file; a run killed in between leaves its PATH.tmp.PID,
 * which the next run's out_path_prepare() removes.
 *
 * Usage:
 * @code
 *   struct scan_diag diag = {0};
 *   if (out_path_prepare(delta_path, OUT_PATH_DIR_MODE, &diag) != 0) // exit 2, print diag.msg
 *   out_file_replace(prom_path, fill, arg);          // PATH.tmp.PID, fill, fsync, rename
 * @endcode
 */
#ifndef OUTPUT_OUTPATH_H
#define OUTPUT_OUTPATH_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "scanner/core/err.h"

/** Mode of a folder created for --delta or --prom: others (a Prometheus collector, a
 *  hook) read these files. */
#define OUT_PATH_DIR_MODE 0755
/** Mode of a folder created for the state store: the history stays private. */
#define OUT_STATE_DIR_MODE 0750

/**
 * The temporary name of @p path for this process: "PATH.tmp.PID".
 * @param[out] buf  NUL-terminated on 0
 * @return 0 or -ENAMETOOLONG.
 */
int out_path_tmp(const char *path, char *buf, size_t len);

/**
 * Create the folder @p path is in, and every missing folder above it (mkdir -p),
 * each new one with @p mode (less the umask).
 * @return 0 (also when it exists), -ENAMETOOLONG, or the negative errno of mkdir().
 */
int out_path_mkparent(const char *path, mode_t mode);

/**
 * Get an output file's path ready before a run: out_path_mkparent() with @p mode,
 * remove every "PATH.tmp.PID" whose process is gone, then create and remove this
 * process's temporary file once.
 * @param[out] diag  on failure "PATH: what failed: reason"; may be NULL
 * @return 0, -EISDIR (@p path is a folder), -ENAMETOOLONG, or a negative errno of
 *         mkdir() or open() (-EACCES, -EROFS, -ENOTDIR, ...).
 */
int out_path_prepare(const char *path, mode_t mode, struct scan_diag *diag);

/**
 * Replace @p path atomically with what @p fill writes: out_file_begin(), @p fill,
 * out_file_commit(). On any failure the temporary file is removed and @p path is
 * left as it was. A @p path that exists and is not a regular file (a device such
 * as /dev/null or /dev/stdout, a FIFO) is written into directly, never replaced.
 * Single-threaded callers only.
 * @return 0; @p fill's nonzero return; -ENAMETOOLONG; a negative errno from
 *         open/write/fsync/rename.
 */
int out_file_replace(const char *path, int (*fill)(FILE *f, void *arg), void *arg);

/** A file being written atomically, for a writer that keeps it open after it is
 *  in place (the --delta document, which the --on-change command reads next). */
struct out_file {
    FILE *f;        /**< write here; NULL until out_file_begin() succeeds */
    char tmp[4096]; /**< PATH.tmp.PID while it exists, else "" */
    char path[4096];
};

/**
 * Open "PATH.tmp.PID" for writing (O_CREAT | O_TRUNC | O_NOFOLLOW, mode 0644 less
 * the umask, close-on-exec). @p of is zeroed first, so out_file_deinit() is safe
 * whatever this returns.
 * @return 0, -ENAMETOOLONG, or a negative errno of open() or fdopen().
 */
int out_file_begin(struct out_file *of, const char *path);

/**
 * Put the file in place: flush, check for an earlier write error, fsync, rename
 * over PATH. The stream stays open (positioned at its end) until out_file_deinit().
 * On failure the temporary file stays until out_file_deinit().
 * @return 0 or a negative errno (-EIO for a write error that left errno unset).
 */
int out_file_commit(struct out_file *of);

/** Close the stream and remove the temporary file if it was never committed. */
void out_file_deinit(struct out_file *of);

#endif
