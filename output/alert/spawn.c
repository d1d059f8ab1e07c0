/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The --on-change command: split, fork/exec with a timeout. See output/alert/alert.h for the
 * formats and their rules.
 */
#include "output/alert/alert.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/core/err.h"

/* --- on-change ---------------------------------------------------------------- */

int out_cmd_split(const char *cmd, char ***argv)
{
    static const char blanks[] = " \t\n\r\v\f";
    char **v = NULL;
    size_t n = 0;
    const char *p;

    if (!argv)
        return -EINVAL;
    *argv = NULL;
    if (!cmd)
        return -EINVAL;
    for (p = cmd + strspn(cmd, blanks); *p; p += strspn(p, blanks)) {
        size_t len = strcspn(p, blanks);
        char **nv = realloc(v, (n + 2) * sizeof(*v));
        if (!nv)
            goto nomem;
        v = nv;
        v[n] = strndup(p, len);
        if (!v[n])
            goto nomem;
        v[++n] = NULL;
        p += len;
    }
    if (n == 0) {
        free(v);
        return -EINVAL;
    }
    *argv = v;
    return 0;
nomem:
    if (v)
        v[n] = NULL;
    out_cmd_free(v);
    return -ENOMEM;
}

void out_cmd_free(char **argv)
{
    for (size_t i = 0; argv && argv[i]; i++)
        free(argv[i]);
    free(argv);
}

/* Wait for @p pid until @p deadline (monotonic ms). @return true when it was reaped. */
static bool reap_until(pid_t pid, int *wstatus, int64_t deadline)
{
    struct timespec tick = {0, 10 * 1000 * 1000};

    for (;;) {
        struct timespec now;
        pid_t r = waitpid(pid, wstatus, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return r == pid;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000 >= deadline)
            return false;
        nanosleep(&tick, NULL);
    }
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The child between fork() and exec: only async-signal-safe calls. It leads
 * its own process group (so the timeout reaches whatever it starts), gets
 * default signal dispositions and an empty mask (we may ignore SIGPIPE), the
 * delta as stdin and our stderr as stdout. If exec fails, errno goes back
 * through the close-on-exec pipe, so "no such command" is an error of ours and
 * not an exit status 127 that cannot be told from the command's own. (A pipe
 * rather than posix_spawnp()'s own report: that one is lost under valgrind.)
 */
static void child(char **argv, int stdin_fd, int errfd)
{
    struct sigaction dfl;
    sigset_t none;
    int e;

    setpgid(0, 0);
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    }
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* dup2() onto itself keeps FD_CLOEXEC: clear it by hand when the fd is already 0 */
    if (stdin_fd == STDIN_FILENO ? fcntl(STDIN_FILENO, F_SETFD, 0) >= 0
                                 : dup2(stdin_fd, STDIN_FILENO) >= 0) {
        if (dup2(STDERR_FILENO, STDOUT_FILENO) >= 0)
            execvp(argv[0], argv);
    }
    e = errno;
    if (write(errfd, &e, sizeof(e)) != (ssize_t)sizeof(e))
        _exit(126);
    _exit(127);
}

int out_on_change_run(const struct out_on_change_opts *o, int stdin_fd, int *exit_status,
                      struct scan_diag *diag)
{
    char **argv = NULL;
    int errpipe[2] = {-1, -1};
    pid_t pid;
    ssize_t n;
    int ret, wstatus = 0, timeout, child_errno = 0;

    if (exit_status)
        *exit_status = -1;
    if (!o || !exit_status || stdin_fd < 0)
        return -EINVAL;
    ret = out_cmd_split(o->cmd, &argv);
    if (ret != 0)
        return scan_diag_fail(diag, ret, "on-change command is empty");
    timeout = o->timeout_ms > 0 ? o->timeout_ms : 60000;
    if (lseek(stdin_fd, 0, SEEK_SET) < 0 && errno != ESPIPE) {
        ret = -errno;
        goto out;
    }
    if (pipe2(errpipe, O_CLOEXEC) != 0) {
        ret = -errno;
        goto out;
    }
    pid = fork();
    if (pid < 0) {
        ret = -errno;
        goto out;
    }
    if (pid == 0)
        child(argv, stdin_fd, errpipe[1]);
    setpgid(pid, pid); /* also here: kill(-pid) must not race the child's own call */
    close(errpipe[1]);
    errpipe[1] = -1;
    while ((n = read(errpipe[0], &child_errno, sizeof(child_errno))) < 0 && errno == EINTR)
        ;
    if (n == (ssize_t)sizeof(child_errno)) {
        while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
            ;
        ret = scan_diag_fail(diag, child_errno == ENOENT ? SCAN_ENOTFOUND : -child_errno,
                             "cannot run on-change command %s: %s", argv[0], strerror(child_errno));
        goto out;
    }

    if (!reap_until(pid, &wstatus, mono_ms() + timeout)) {
        kill(-pid, SIGTERM);
        if (!reap_until(pid, &wstatus, mono_ms() + 2000)) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
                ;
        }
        ret = scan_diag_fail(diag, -ETIMEDOUT,
                             "on-change command %s did not finish within %d ms: killed", argv[0],
                             timeout);
    }
    if (WIFEXITED(wstatus))
        *exit_status = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus))
        *exit_status = 128 + WTERMSIG(wstatus);
    if (ret == 0 && *exit_status != 0) /* it ran, and failed: the caller's delivery failed */
        scan_diag_fail(diag, 0, "on-change command %s exited with status %d", argv[0],
                       *exit_status);
out:
    if (errpipe[0] >= 0)
        close(errpipe[0]);
    if (errpipe[1] >= 0)
        close(errpipe[1]);
    out_cmd_free(argv);
    return ret;
}
