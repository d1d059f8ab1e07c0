/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The writer handle: argument checks and the dispatch to the format chosen at
 * out_writer_new(). The renderers the formats share are in render.c.
 */
#include "output/writers/fmt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

int out_writer_new(FILE *f, enum out_format fmt, unsigned flags, struct out_writer **out)
{
    struct out_writer *w = NULL;
    int ret = 0;

    *out = NULL;
    if (scan_fails_assert(f) || scan_fails_assert(fmt >= OUT_FMT_TEXT && fmt <= OUT_FMT_SUMMARY)) {
        ret = -EINVAL;
        goto out;
    }
    w = calloc(1, sizeof(*w));
    if (!w) {
        ret = -ENOMEM;
        goto out;
    }
    out_sink_init_file(&w->out, f);
    out_sink_init_mem(&w->scratch);
    w->fmt = fmt;
    w->flags = flags;
    if (fmt == OUT_FMT_TEXT)
        ret = out_text_new(&w->text);
    else if (fmt == OUT_FMT_SUMMARY)
        ret = out_summary_new(&w->sum);
    if (ret < 0)
        goto out;
    *out = w;
    w = NULL;
out:
    out_writer_free(w);
    return ret;
}

void out_writer_free(struct out_writer *w)
{
    if (!w)
        return;
    out_text_free(w->text);
    out_summary_free(w->sum);
    out_sink_deinit(&w->scratch);
    free(w);
}

/* A failed write is sticky: after it every call reports the same error. */
static int writer_ready(struct out_writer *w, const void *arg)
{
    if (scan_fails_assert(w) || scan_fails_assert(arg) || scan_fails_assert(!w->finished))
        return -EINVAL;
    return w->out.err;
}

int out_health(struct out_writer *w, const struct scan_health *h)
{
    int ret = writer_ready(w, h);

    if (ret < 0)
        return ret;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        return out_json_health(w, h);
    case OUT_FMT_CSV:
        return out_csv_health(w, h);
    case OUT_FMT_TEXT:
        return out_text_health(w, h);
    case OUT_FMT_SUMMARY:
        return out_summary_health(w, h);
    }
    return -EINVAL;
}

int out_emit(struct out_writer *w, const struct scan_result *r)
{
    int ret = writer_ready(w, r);

    if (ret < 0)
        return ret;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        return out_json_emit(w, r);
    case OUT_FMT_CSV:
        return out_csv_emit(w, r);
    case OUT_FMT_TEXT:
        return out_text_emit(w, r);
    case OUT_FMT_SUMMARY:
        return out_summary_emit(w, r);
    }
    return -EINVAL;
}

/* Buffered bytes reach the file here, so a full disk shows up in the return
 * value and not only in main's final ferror(stdout). */
int out_finish(struct out_writer *w, const struct out_stats *st)
{
    static const struct out_stats none = {0};
    int ret = writer_ready(w, w);

    if (ret < 0)
        return ret;
    if (!st)
        st = &none;
    switch (w->fmt) {
    case OUT_FMT_JSON:
        break;
    case OUT_FMT_CSV:
        ret = out_csv_finish(w);
        break;
    case OUT_FMT_TEXT:
        ret = out_text_finish(w);
        break;
    case OUT_FMT_SUMMARY:
        ret = out_summary_finish(w, st);
        break;
    }
    w->finished = true;
    if (ret < 0)
        return ret;
    if (fflush(w->out.f) != 0 || ferror(w->out.f))
        w->out.err = -EIO;
    return w->out.err;
}
