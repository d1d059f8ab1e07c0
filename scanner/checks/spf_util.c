/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Small SPF helpers: result words, client addresses, name checks, which TXT
 * record is SPF, message formatting (untrusted record bytes are escaped by scanner/core/text.h),
 * check_host() in the shape of the replay driver.
 */
#include "scanner/checks/spf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/core/err.h"

const char *spf_result_word(enum spf_result r)
{
    switch (r) {
    case SPF_NONE:
        return "none";
    case SPF_NEUTRAL:
        return "neutral";
    case SPF_PASS:
        return "pass";
    case SPF_FAIL:
        return "fail";
    case SPF_SOFTFAIL:
        return "softfail";
    case SPF_TEMPERROR:
        return "temperror";
    case SPF_PERMERROR:
        return "permerror";
    }
    return "permerror";
}

int spf_ip_parse(const char *text, struct spf_ip *out)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, out->addr) == 1)
        return 0;
    uint8_t a6[16];
    if (inet_pton(AF_INET6, text, a6) != 1)
        return SCAN_EPARSE;
    if (memcmp(a6, mapped, sizeof(mapped)) == 0) {
        memcpy(out->addr, a6 + 12, 4);
        return 0;
    }
    out->v6 = true;
    memcpy(out->addr, a6, 16);
    return 0;
}

bool spf_name_askable(const char *name)
{
    size_t n = strlen(name);
    if (n > 0 && name[n - 1] == '.')
        n--;
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        if (name[i] == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (++label > 63) {
            return false;
        }
    }
    return label > 0;
}

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
bool spf_toplabel_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    bool alpha = false, dash = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = true;
        else if (!is_alnum(s[i]))
            return false;
        else if (is_alpha(s[i]))
            alpha = true;
    }
    if (dash)
        return s[0] != '-' && s[n - 1] != '-';
    return alpha;
}

bool spf_domain_valid(const char *name)
{
    if (!spf_name_askable(name))
        return false;
    size_t n = strlen(name);
    if (name[n - 1] == '.')
        n--;
    const char *dot = memrchr(name, '.', n);
    if (!dot)
        return false;
    return spf_toplabel_ok(dot + 1, n - (size_t)(dot + 1 - name));
}

bool spf_is_record(const uint8_t *txt, size_t len)
{
    if (len < 6 || strncasecmp((const char *)txt, "v=spf1", 6) != 0)
        return false;
    return len == 6 || txt[6] == ' ';
}

const struct scan_rr *spf_select_record(const struct scan_answer *a, size_t *count)
{
    const struct scan_rr *found = NULL;
    *count = 0;
    for (size_t i = 0; a && i < a->n; i++)
        if (a->rr[i].type == SCAN_TYPE_TXT && spf_is_record(a->rr[i].txt, a->rr[i].txt_len)) {
            if (!found)
                found = &a->rr[i];
            (*count)++;
        }
    return found;
}

char *spf_fmt(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    return n < 0 ? NULL : s;
}
