/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * What the whole process shares: the stop flag the signal handlers set
 * (cli/main.c installs them) and the one close of standard output. Here, so the
 * commands (cli/scan.c) and main.c both use them without calling each other.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "cli/cli.h"

volatile sig_atomic_t cli_stop_flag;

static bool stdout_closed; /* by cli_stdout_close(), which then knows its result */

int cli_stdout_close(void)
{
    static int result;
    int fd;

    if (stdout_closed)
        return result;
    stdout_closed = true;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout))
        result = errno ? -errno : -EIO;
    if (fclose(stdout) != 0 && !result)
        result = errno ? -errno : -EIO;
    fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && fd != STDOUT_FILENO) {
        dup2(fd, STDOUT_FILENO);
        close(fd);
    }
    return result;
}

bool cli_stdout_closed(void)
{
    return stdout_closed;
}
