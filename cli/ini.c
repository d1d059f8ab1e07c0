/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The Monitoring Plugins ini reader (see ini.h). The file is read whole (it is
 * bounded), then walked line by line; every line is judged before the next, so
 * the first problem is the one reported.
 */
#include "cli/ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void cli_ini_free(struct cli_ini *ini)
{
    if (!ini)
        return;
    for (size_t i = 0; i < ini->n; i++) {
        free(ini->v[i].key);
        free(ini->v[i].value);
    }
    free(ini->v);
    free(ini->file);
    memset(ini, 0, sizeof(*ini));
}

/* The whole file, NUL-terminated, at most CLI_INI_MAX_BYTES. */
static int slurp(const char *path, char **out, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t cap = CLI_INI_MAX_BYTES + 2, n = 0;
    char *buf;
    int ret = 0;

    *out = NULL;
    if (fd < 0)
        return -errno;
    buf = malloc(cap);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ret = -errno;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > CLI_INI_MAX_BYTES) {
            ret = -EFBIG;
            break;
        }
    }
    close(fd);
    if (ret != 0) {
        free(buf);
        return ret;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Trim blanks at both ends of [*s, *e). */
static void trim(char **s, char **e)
{
    while (*s < *e && blank(**s))
        (*s)++;
    while (*e > *s && blank((*e)[-1]))
        (*e)--;
}

static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static int push(struct cli_ini *ini, const char *k, size_t klen, const char *v, size_t vlen,
                bool has_value, unsigned line)
{
    if (ini->n == ini->cap) {
        size_t cap = ini->cap ? ini->cap * 2 : 32;
        struct cli_ini_opt *nv = realloc(ini->v, cap * sizeof(*nv));
        if (!nv)
            return -ENOMEM;
        ini->v = nv;
        ini->cap = cap;
    }
    struct cli_ini_opt *o = &ini->v[ini->n];
    o->key = strndup(k, klen);
    o->value = has_value ? strndup(v, vlen) : NULL;
    o->line = line;
    if (!o->key || (has_value && !o->value)) {
        free(o->key);
        free(o->value);
        return -ENOMEM;
    }
    ini->n++;
    return 0;
}

/* Where the walk through the file is. */
struct ini_walk {
    const char *section; /* the one asked for */
    bool in_section;     /* the current section is that one */
    bool seen_section;   /* some section header came */
    bool found;          /* the asked-for section came */
    unsigned line;
    const char *why; /* what is wrong with the line */
};

/* One line [s, e) (without its end). @return 0, -EINVAL with w->why set, or -ENOMEM. */
static int one_line(struct cli_ini *ini, char *s, char *e, struct ini_walk *w)
{
    const char **why = &w->why;
    for (const char *p = s; p < e; p++) {
        if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f) {
            *why = "a control character";
            return -EINVAL;
        }
    }
    trim(&s, &e);
    if (s == e || *s == '#' || *s == ';')
        return 0;
    if (*s == '[') {
        if (e[-1] != ']') {
            *why = "a section header without its ']'";
            return -EINVAL;
        }
        char *ns = s + 1, *ne = e - 1;
        trim(&ns, &ne);
        if (ns == ne || memchr(ns, ']', (size_t)(ne - ns)) || memchr(ns, '[', (size_t)(ne - ns))) {
            *why = "a bad section name";
            return -EINVAL;
        }
        w->seen_section = true;
        w->in_section = strlen(w->section) == (size_t)(ne - ns) &&
                        memcmp(ns, w->section, (size_t)(ne - ns)) == 0;
        w->found |= w->in_section;
        return 0;
    }
    if (!w->seen_section) {
        *why = "an option before the first [section]";
        return -EINVAL;
    }
    char *eq = memchr(s, '=', (size_t)(e - s));
    char *ke = eq ? eq : e, *vs = eq ? eq + 1 : e, *ve = e;
    char *ks = s;
    trim(&ks, &ke);
    trim(&vs, &ve);
    if (ks == ke) {
        *why = "an option without a name (expected key = value)";
        return -EINVAL;
    }
    for (const char *p = ks; p < ke; p++) {
        if (!key_char(*p)) {
            *why = "an option name with a character other than letters, digits, '-' and '_' "
                   "(expected key = value)";
            return -EINVAL;
        }
    }
    if (!w->in_section)
        return 0;
    if (ini->n >= CLI_INI_MAX_OPTS) {
        *why = "too many options in the section (the limit is 10000)";
        return -EINVAL;
    }
    return push(ini, ks, (size_t)(ke - ks), vs, (size_t)(ve - vs), eq != NULL, w->line);
}

int cli_ini_read(const char *path, const char *section, struct cli_ini *out, struct scan_diag *diag)
{
    char *buf = NULL;
    size_t len = 0;
    struct ini_walk w = {.section = section};
    int ret;

    memset(out, 0, sizeof(*out));
    ret = slurp(path, &buf, &len);
    if (ret != 0)
        return scan_diag_fail(diag, ret, "%s: %s", path,
                              ret == -EFBIG ? "over 1 MiB: not an options file" : strerror(-ret));
    if (!(out->file = strdup(path))) {
        ret = -ENOMEM;
        goto fail;
    }
    for (char *s = buf; s < buf + len || (s == buf && len == 0);) {
        char *nl = memchr(s, '\n', (size_t)(buf + len - s));
        char *e = nl ? nl : buf + len;
        w.line++;
        if (memchr(s, '\0', (size_t)(e - s))) {
            w.why = "a NUL byte";
            ret = -EINVAL;
        } else if (e - s > CLI_INI_MAX_LINE) {
            w.why = "a line over 4096 bytes";
            ret = -EINVAL;
        } else {
            if (e > s && e[-1] == '\r')
                e--;
            ret = one_line(out, s, e, &w);
        }
        if (ret != 0)
            break;
        if (!nl)
            break;
        s = nl + 1;
    }
    if (ret == -EINVAL) {
        scan_diag_fail(diag, ret, "%s:%u: %s", path, w.line, w.why);
        goto fail;
    }
    if (ret != 0) {
        scan_diag_fail(diag, ret, "%s: %s", path, strerror(-ret));
        goto fail;
    }
    if (!w.found) {
        ret = scan_diag_fail(diag, -ESRCH, "%s: no section [%s]", path, section);
        goto fail;
    }
    free(buf);
    return 0;
fail:
    free(buf);
    cli_ini_free(out);
    return ret;
}
