/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The byte sink every writer writes through: a borrowed FILE, or an owned
 * memory buffer used to compose a field before it is encoded (CSV needs the
 * whole field to decide on quoting) or kept (the text format buffers rows).
 */
#include "output/writers/fmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

void out_sink_init_file(struct out_sink *s, FILE *f)
{
    *s = (struct out_sink){.f = f};
}

void out_sink_init_mem(struct out_sink *s)
{
    *s = (struct out_sink){0};
}

void out_sink_deinit(struct out_sink *s)
{
    if (!s->f)
        free(s->mem);
    s->mem = NULL;
    s->len = s->cap = 0;
}

void out_sink_clear(struct out_sink *s)
{
    if (s->f)
        return;
    s->len = 0;
    if (s->mem)
        s->mem[0] = '\0';
    s->err = 0;
}

const char *out_sink_str(const struct out_sink *s)
{
    return s->mem ? s->mem : "";
}

char *out_sink_take(struct out_sink *s)
{
    char *str = NULL;

    if (s->f || s->err)
        return NULL;
    str = s->mem ? s->mem : strdup("");
    if (!str) {
        s->err = -ENOMEM;
        return NULL;
    }
    s->mem = NULL;
    s->len = s->cap = 0;
    return str;
}

/* Memory sinks grow by doubling; room for @p n more bytes plus the NUL. */
static bool mem_reserve(struct out_sink *s, size_t n)
{
    size_t want = s->len + n + 1;
    size_t cap = s->cap ? s->cap : 64;
    char *mem = NULL;

    if (want < n) {
        s->err = -ENOMEM;
        return false;
    }
    if (want <= s->cap)
        return true;
    while (cap < want) {
        if (cap > SIZE_MAX / 2) {
            s->err = -ENOMEM;
            return false;
        }
        cap *= 2;
    }
    mem = realloc(s->mem, cap);
    if (!mem) {
        s->err = -ENOMEM;
        return false;
    }
    s->mem = mem;
    s->cap = cap;
    return true;
}

void out_sink_write(struct out_sink *s, const char *p, size_t n)
{
    if (s->err || n == 0)
        return;
    if (s->f) {
        if (fwrite_unlocked(p, 1, n, s->f) != n) /* single-threaded: skip the lock */
            s->err = -EIO;
        return;
    }
    if (!mem_reserve(s, n))
        return;
    memcpy(s->mem + s->len, p, n);
    s->len += n;
    s->mem[s->len] = '\0';
}

void out_sink_puts(struct out_sink *s, const char *p)
{
    out_sink_write(s, p, strlen(p));
}

void out_sink_vprintf(struct out_sink *s, const char *fmt, va_list ap)
{
    char small[256];
    char *big = NULL;
    va_list again;
    int n;

    if (s->err)
        return;
    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        s->err = -EIO;
        goto out;
    }
    if ((size_t)n < sizeof(small)) {
        out_sink_write(s, small, (size_t)n);
        goto out;
    }
    big = malloc((size_t)n + 1);
    if (!big) {
        s->err = -ENOMEM;
        goto out;
    }
    vsnprintf(big, (size_t)n + 1, fmt, again);
    out_sink_write(s, big, (size_t)n);
    free(big);
out:
    va_end(again);
}

void out_sink_printf(struct out_sink *s, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    out_sink_vprintf(s, fmt, ap);
    va_end(ap);
}

void out_sink_pad(struct out_sink *s, size_t n)
{
    static const char spaces[] = "                                ";

    while (n > 0) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        out_sink_write(s, spaces, k);
        n -= k;
    }
}
