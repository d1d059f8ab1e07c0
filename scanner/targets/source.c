/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Where spec texts come from: arguments, files and standard input (spooled so
 * the second pass can read it again), one line at a time, and the messages
 * that name a line's place. Both passes move the same cursor through them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/core/err.h"
#include "scanner/core/text.h"
#include "scanner/targets/target_int.h"

#define TEXT_SHOWN 80   /**< bytes of an offending text quoted in a message */
#define PATH_SHOWN 1024 /**< bytes of a file name or origin quoted in a message */

/* ------------------------------------------------------------------------- */
/* Sources, lines and messages                                                */

/* How a message quotes a line, an argument or a path (scanner/core/text.h):
 * controls, C1 ones too, as '?', cut between whole characters. */
#define MSG_TEXT (SCAN_TEXT_C1 | SCAN_TEXT_WHOLE_CHARS)

void scan_src_say(struct scan_targets *ts, bool is_error, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (!ts->opts.msg)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ts->opts.msg(ts->opts.msg_arg, is_error, msg);
}

/* "FILE:LINE", "<stdin>:LINE" or "argument N" for the cursor's position. */
void scan_src_where(const struct scan_targets *ts, char *buf, size_t len)
{
    const struct source *src = &ts->src[ts->si];
    char path[SCAN_TEXT_ROOM(PATH_SHOWN)];

    switch (src->kind) {
    case SRC_ARG:
        if (ts->opts.origins && ts->opts.origins[ts->si]) {
            scan_text_escape(path, PATH_SHOWN, ts->opts.origins[ts->si],
                             strlen(ts->opts.origins[ts->si]), MSG_TEXT);
            snprintf(buf, len, "%s", path);
        } else {
            snprintf(buf, len, "argument %zu", ts->si + 1);
        }
        break;
    case SRC_STDIN:
        snprintf(buf, len, "<stdin>:%llu", (unsigned long long)ts->lineno);
        break;
    case SRC_FILE:
        scan_text_escape(path, PATH_SHOWN, src->path, strlen(src->path), MSG_TEXT);
        snprintf(buf, len, "%s:%llu", path, (unsigned long long)ts->lineno);
        break;
    }
}

/* The source name alone, for "cannot read" messages. */
static void source_name(const struct source *src, char *buf)
{
    if (src->kind == SRC_STDIN)
        strcpy(buf, "<stdin>");
    else
        scan_text_escape(buf, PATH_SHOWN, src->path, strlen(src->path), MSG_TEXT);
}

/* A line or argument is bad: report it (the first MAX_REPORTS) and count it. */
void scan_src_report_bad(struct scan_targets *ts, const char *text, size_t n, const char *why)
{
    char loc[1200], shown[SCAN_TEXT_ROOM(TEXT_SHOWN)];

    if (++ts->nbad > MAX_REPORTS)
        return;
    scan_src_where(ts, loc, sizeof(loc));
    scan_text_escape(shown, TEXT_SHOWN, text, n, MSG_TEXT);
    scan_src_say(ts, !ts->opts.skip_invalid, "%s: '%s': %s", loc, shown, why);
}

void scan_src_report_reserved(struct scan_targets *ts, const char *text, const struct scan_spec *sp,
                              uint64_t nres)
{
    char loc[1200], shown[SCAN_TEXT_ROOM(TEXT_SHOWN)], whys[256] = "";
    size_t wn = 0;

    if (++ts->nres > MAX_REPORTS)
        return;
    scan_src_where(ts, loc, sizeof(loc));
    scan_text_escape(shown, TEXT_SHOWN, text, strlen(text), MSG_TEXT);
    /* Every reason the line touches, once each ("RFC 1918" appears thrice in the table). */
    for (size_t i = 0; i < scan_nresv; i++) {
        const struct resv *b = &scan_resv_tab[i];
        if (b->type != sp->type || !scan_block_rel(b->net, b->prefix, sp->addr, sp->prefix) ||
            strstr(whys, b->why))
            continue;
        wn += (size_t)snprintf(whys + wn, sizeof(whys) - wn, "%s%s", wn ? ", " : "", b->why);
        if (wn >= sizeof(whys))
            break;
    }
    if (nres == scan_spec_count(sp))
        scan_src_say(ts, false, "%s: '%s': reserved (%s), skipped", loc, shown, whys);
    else
        scan_src_say(ts, false, "%s: '%s': %llu reserved addresses skipped (%s)", loc, shown,
                     (unsigned long long)nres, whys);
}

static void reader_attach(struct reader *rd, FILE *f, FILE *tee)
{
    rd->f = f;
    rd->tee = tee;
    rd->pos = rd->len = 0;
    rd->eof = false;
}

/*
 * One line (without its '\n') into @p out, keeping at most LINE_KEEP bytes;
 * @p overflow tells when more were dropped. Lines are read out of a block buffer
 * so a long line costs no memory and a NUL byte cannot hide the rest of a line.
 * @return 1 with a line, 0 at the end, a negative errno on a read or spool error.
 */
static int reader_line(struct reader *rd, char *out, size_t *n, bool *overflow)
{
    bool any = false;

    *n = 0;
    *overflow = false;
    for (;;) {
        if (rd->pos == rd->len) {
            if (rd->eof)
                break;
            errno = 0;
            rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->f);
            rd->pos = 0;
            if (rd->len == 0) {
                if (ferror(rd->f))
                    return errno ? -errno : -EIO;
                rd->eof = true;
                break;
            }
            if (rd->tee && fwrite(rd->buf, 1, rd->len, rd->tee) != rd->len)
                return errno ? -errno : -EIO;
        }
        any = true;
        const char *start = rd->buf + rd->pos;
        size_t avail = rd->len - rd->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        size_t room = LINE_KEEP - *n;
        if (take > room) {
            *overflow = true;
            memcpy(out + *n, start, room);
            *n += room;
        } else {
            memcpy(out + *n, start, take);
            *n += take;
        }
        rd->pos += take + (nl ? 1 : 0);
        if (nl)
            return 1;
    }
    return any ? 1 : 0;
}

/*
 * Close the current source and move on. A spooled source keeps its copy for
 * the second pass.
 */
static void cursor_advance(struct scan_targets *ts)
{
    if (ts->own)
        fclose(ts->own);
    ts->own = NULL;
    ts->open = false;
    ts->lineno = 0;
    ts->si++;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Attach the reader to src[si]. First pass: open, and set up a spool for
 * stdin and for files that cannot be read twice. Second pass: read the spool
 * or reopen the file, and refuse it when it changed in between.
 * @return 0 or a negative errno / -EIO (reported; the source is skipped).
 */
static int cursor_open(struct scan_targets *ts, bool first)
{
    struct source *src = &ts->src[ts->si];
    char name[SCAN_TEXT_ROOM(PATH_SHOWN)];
    FILE *f = NULL;
    struct stat st;
    int ret = 0;

    source_name(src, name);
    if (!first && src->spool) {
        if (fseek(src->spool, 0, SEEK_SET) != 0) {
            ret = errno ? -errno : -EIO;
            scan_src_say(ts, true, "%s: cannot read: %s", name, strerror(-ret));
            goto out;
        }
        reader_attach(&ts->rd, src->spool, NULL);
        goto out;
    }
    if (src->kind == SRC_STDIN) {
        f = stdin;
    } else {
        f = fopen(src->path, "re");
        if (!f) {
            ret = -errno;
            scan_src_say(ts, true, "%s: cannot read: %s", name, strerror(errno));
            goto out;
        }
        ts->own = f;
    }
    if (fstat(fileno(f), &st) != 0) {
        ret = -errno;
        scan_src_say(ts, true, "%s: cannot read: %s", name, strerror(errno));
        goto out;
    }
    if (!first) {
        if (src->stat_ok && !same_file(&src->st, &st)) {
            ret = -EIO;
            scan_src_say(ts, true, "%s: cannot read: changed since it was checked", name);
        } else {
            reader_attach(&ts->rd, f, NULL);
        }
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        ret = -EISDIR;
        scan_src_say(ts, true, "%s: cannot read: %s", name, strerror(EISDIR));
        goto out;
    }
    if (src->kind == SRC_STDIN || !S_ISREG(st.st_mode)) {
        /* tmpfile() has no close-on-exec flag; the spool lives until the run
         * ends, so without one the --on-change command would inherit it. */
        src->spool = tmpfile();
        if (src->spool && fcntl(fileno(src->spool), F_SETFD, FD_CLOEXEC) != 0) {
            int e = errno;
            fclose(src->spool);
            src->spool = NULL;
            errno = e;
        }
        if (!src->spool) {
            ret = -errno;
            scan_src_say(ts, true, "%s: cannot spool to a temporary file: %s", name,
                         strerror(errno));
            goto out;
        }
    } else {
        src->st = st;
        src->stat_ok = true;
    }
    reader_attach(&ts->rd, f, src->spool);
out:
    if (ret == 0)
        ts->open = true;
    return ret;
}

/* A line's target text: drop the comment and surrounding blanks. @return its length. */
static size_t clean_line(char *line, size_t n, bool overflow, const char **why)
{
    char *hash = memchr(line, '#', n);
    size_t a = 0;

    *why = NULL;
    if (hash)
        n = (size_t)(hash - line);
    else if (overflow)
        *why = "line too long";
    while (n > 0 && scan_is_blank(line[n - 1]))
        n--;
    while (a < n && scan_is_blank(line[a]))
        a++;
    if (a > 0)
        memmove(line, line + a, n - a);
    n -= a;
    if (!*why && memchr(line, '\0', n))
        *why = "NUL byte in line";
    line[n] = '\0';
    return n;
}

/* Copy an argument into ts->line without its surrounding blanks. */
static size_t take_argument(struct scan_targets *ts, const char *text, bool *over)
{
    size_t n = strlen(text), a = 0;

    *over = n > LINE_KEEP;
    if (*over)
        n = LINE_KEEP;
    while (n > 0 && scan_is_blank(text[n - 1]))
        n--;
    while (a < n && scan_is_blank(text[a]))
        a++;
    memcpy(ts->line, text + a, n - a);
    ts->line[n - a] = '\0';
    return n - a;
}

/*
 * The next spec text in input order, in ts->line. Blank and comment-only lines
 * are skipped. @p why is set (a static phrase) when the text is bad before
 * parsing: a bad line is not a failure of this call but a warning for the
 * message stream, so it is a phrase beside the text, not a struct scan_diag. The cursor
 * stays on the text's source until the next call, for messages.
 * @return 1 with a text, 0 at the end, negative on an I/O error (reported; the
 * failing source is skipped, so calling again goes on with the next one).
 */
int scan_src_next(struct scan_targets *ts, bool first, size_t *n, const char **why)
{
    char name[SCAN_TEXT_ROOM(PATH_SHOWN)];
    bool overflow;
    int ret;

    while (ts->si < ts->nsrc) {
        struct source *src = &ts->src[ts->si];

        if (src->kind == SRC_ARG) {
            if (ts->open) {
                cursor_advance(ts);
                continue;
            }
            ts->open = true;
            *n = take_argument(ts, src->text, &overflow);
            *why = src->bad ? src->bad : overflow ? "argument too long" : NULL;
            return 1;
        }
        if (!ts->open) {
            ret = cursor_open(ts, first);
            if (ret) {
                cursor_advance(ts);
                return ret;
            }
        }
        ret = reader_line(&ts->rd, ts->line, n, &overflow);
        if (ret == 0 && first && src->spool && fflush(src->spool) != 0)
            ret = errno ? -errno : -EIO;
        if (ret < 0) {
            source_name(src, name);
            if (ts->rd.tee)
                scan_src_say(ts, true, "%s: cannot spool to a temporary file: %s", name,
                             strerror(-ret));
            else
                scan_src_say(ts, true, "%s: cannot read: %s", name, strerror(-ret));
            cursor_advance(ts);
            return ret;
        }
        if (ret == 0) {
            cursor_advance(ts);
            continue;
        }
        ts->lineno++;
        if (ts->lineno == 1 && *n >= 3 && memcmp(ts->line, "\xef\xbb\xbf", 3) == 0) {
            /* A UTF-8 byte order mark, as Windows editors write. */
            memmove(ts->line, ts->line + 3, *n - 3);
            *n -= 3;
        }
        *n = clean_line(ts->line, *n, overflow, why);
        if (*n > 0 || *why)
            return 1;
    }
    return 0;
}
