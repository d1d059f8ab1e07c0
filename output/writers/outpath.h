/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Paths of the files a run writes: the state store, --delta and --prom.
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
 *   char msg[512], tmp[4096];
 *   if (out_path_prepare(delta_path, OUT_PATH_DIR_MODE, msg, sizeof(msg)) != 0) // exit 2
 *   out_path_tmp(delta_path, tmp, sizeof(tmp));     // write tmp, fsync, rename(tmp, path)
 * @endcode
 */
#ifndef OUTPUT_OUTPATH_H
#define OUTPUT_OUTPATH_H

#include <stddef.h>
#include <sys/types.h>

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
 * @param[out] msg  on failure one line naming the path and the reason; may be NULL
 * @return 0, -EISDIR (@p path is a folder), -ENAMETOOLONG, or a negative errno of
 *         mkdir() or open() (-EACCES, -EROFS, -ENOTDIR, ...).
 */
int out_path_prepare(const char *path, mode_t mode, char *msg, size_t msglen);

#endif
