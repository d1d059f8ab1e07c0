/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Tag-lists, record discovery and problem lists shared by the TXT-record
 * checks (see record.h). DMARC, DKIM, MTA-STS, TLS-RPT and BIMI all write
 * their records in the RFC 6376 tag-list syntax; one parser keeps their
 * structural errors (malformed and duplicate tags, bad bytes) worded alike.
 */
#include "scanner/checks/record.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void scan_problem(struct scan_problems *ps, bool error, enum scan_reason code, const char *tag,
                  const char *fmt, ...)
{
    if (!ps)
        return;
    if (ps->n == SCAN_PROBLEMS_MAX) {
        ps->truncated = true;
        /* An error must still decide the status: keep the last slot for it. */
        if (!error || ps->pb[ps->n - 1].error)
            return;
        ps->n--;
    }
    struct scan_problem *p = &ps->pb[ps->n++];
    va_list ap;
    p->error = error;
    p->code = code;
    p->has_tag = tag != NULL;
    snprintf(p->tag, sizeof(p->tag), "%s", tag ? tag : "");
    for (char *c = p->tag; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
}

enum scan_reason scan_problems_error(const struct scan_problems *ps)
{
    for (size_t i = 0; i < ps->n; i++)
        if (ps->pb[i].error)
            return ps->pb[i].code ? ps->pb[i].code : SCAN_R_INTERNAL;
    return SCAN_R_NONE;
}

void scan_problems_report(struct scan_report *r, const struct scan_problems *ps,
                          const char *tag_field)
{
    scan_report_objv_init(r, "problems");
    for (size_t i = 0; i < ps->n; i++) {
        struct scan_report_obj *o = scan_report_obj_add(r, "problems");
        scan_report_obj_str(o, "severity", ps->pb[i].error ? "error" : "warning");
        scan_report_obj_str(o, tag_field, ps->pb[i].has_tag ? ps->pb[i].tag : NULL);
        scan_report_obj_str(o, "message", ps->pb[i].msg);
    }
    if (ps->truncated) {
        struct scan_report_obj *o = scan_report_obj_add(r, "problems");
        scan_report_obj_str(o, "severity", "warning");
        scan_report_obj_str(o, tag_field, NULL);
        scan_report_obj_str(o, "message", "further problems are not listed");
    }
}

static bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

char *scan_trim_wsp(char *s)
{
    while (is_wsp(*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && is_wsp(s[n - 1]))
        s[--n] = '\0';
    return s;
}

static bool tag_name_ok(const char *name)
{
    if (!isalpha((unsigned char)name[0]))
        return false;
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_')
            return false;
    return true;
}

int scan_taglist_parse(struct scan_taglist *tl, const uint8_t *txt, size_t len, bool nocase,
                       struct scan_problems *ps)
{
    memset(tl, 0, sizeof(*tl));
    for (size_t i = 0; i < len; i++) {
        unsigned char c = txt[i];
        if ((c < 0x20 && c != '\t') || c >= 0x7f) {
            scan_problem(ps, true, SCAN_R_BAD_CHARACTERS, NULL,
                         "the record holds control or non-ASCII bytes (first at offset %zu)", i);
            break;
        }
    }
    tl->copy = strndup((const char *)txt, len);
    if (!tl->copy)
        return -ENOMEM;

    char *cur = tl->copy;
    while (*cur) {
        char *seg = cur;
        char *semi = strchr(seg, ';');
        if (semi) {
            *semi = '\0';
            cur = semi + 1;
        } else {
            cur = seg + strlen(seg);
        }
        seg = scan_trim_wsp(seg);
        if (!*seg)
            continue;
        char *eq = strchr(seg, '=');
        if (eq)
            *eq = '\0';
        char *name = scan_trim_wsp(seg);
        if (!tl->first)
            tl->first = name;
        if (!eq) {
            scan_problem(ps, true, SCAN_R_MALFORMED_TAG, NULL, "'%.64s' is not a tag=value pair",
                         name);
            continue;
        }
        if (!tag_name_ok(name)) {
            scan_problem(ps, true, SCAN_R_MALFORMED_TAG, NULL, "'%.64s' is not a valid tag name",
                         name);
            continue;
        }
        if (scan_taglist_find(tl, name, nocase)) {
            scan_problem(ps, true, SCAN_R_DUPLICATE_TAG, name, "tag %.32s appears more than once",
                         name);
            continue;
        }
        if (tl->n == SCAN_TAGLIST_MAX) {
            scan_problem(ps, false, SCAN_R_NONE, NULL,
                         "more than %d tags; the rest are not checked", SCAN_TAGLIST_MAX);
            break;
        }
        tl->tag[tl->n].name = name;
        tl->tag[tl->n].value = scan_trim_wsp(eq + 1);
        tl->n++;
    }
    return 0;
}

void scan_taglist_deinit(struct scan_taglist *tl)
{
    free(tl->copy);
    memset(tl, 0, sizeof(*tl));
}

struct scan_tag *scan_taglist_find(struct scan_taglist *tl, const char *name, bool nocase)
{
    for (size_t i = 0; i < tl->n; i++)
        if ((nocase ? strcasecmp(tl->tag[i].name, name) : strcmp(tl->tag[i].name, name)) == 0)
            return &tl->tag[i];
    return NULL;
}

bool scan_txt_starts(const struct scan_rr *rr, const char *prefix)
{
    size_t n = strlen(prefix);
    if (rr->type != SCAN_TYPE_TXT || rr->txt_len < n || memcmp(rr->txt, prefix, n) != 0)
        return false;
    return rr->txt_len == n || rr->txt[n] == ';' || is_wsp((char)rr->txt[n]);
}

size_t scan_txt_count(const struct scan_answer *a, const char *prefix, const struct scan_rr **first,
                      size_t *nother)
{
    size_t n = 0, other = 0;
    *first = NULL;
    for (size_t i = 0; a && a->status == SCAN_DNS_OK && i < a->n; i++) {
        if (a->rr[i].type != SCAN_TYPE_TXT)
            continue;
        if (!scan_txt_starts(&a->rr[i], prefix)) {
            other++;
            continue;
        }
        if (!*first)
            *first = &a->rr[i];
        n++;
    }
    if (nother)
        *nother = other;
    return n;
}

bool scan_host_name_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0, labels = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            labels++;
            continue;
        }
        if (!isalnum(c) && c != '-' && c != '_')
            return false;
        if (label == 0 && c == '-')
            return false;
        if (++label > 63)
            return false;
    }
    return label > 0 && s[n - 1] != '-' && labels >= 2;
}

int scan_domain_arg(const char *domain, char *buf, size_t len)
{
    if (!domain || !*domain || strlen(domain) >= len)
        return -EINVAL;
    snprintf(buf, len, "%s", domain);
    size_t n = strlen(buf);
    if (buf[n - 1] == '.')
        buf[n - 1] = '\0';
    return buf[0] ? 0 : -EINVAL;
}

int scan_check_args(struct scan_view *v, const char *domain, char *dom, size_t len,
                    struct scan_report **out)
{
    if (!out)
        return -EINVAL;
    *out = NULL;
    return v ? scan_domain_arg(domain, dom, len) : -EINVAL;
}

int scan_report_begin(const char *dom, enum scan_check check, struct scan_report **r,
                      struct scan_problems **ps)
{
    *r = scan_report_new(dom, check);
    *ps = calloc(1, sizeof(**ps));
    return *r && *ps ? 0 : -ENOMEM;
}

int scan_report_end(struct scan_report **r, const struct scan_problems *ps, const char *tag_field,
                    struct scan_report **out)
{
    scan_problems_report(*r, ps, tag_field);
    return scan_report_hand_over(r, out);
}

int scan_report_hand_over(struct scan_report **r, struct scan_report **out)
{
    if (!scan_report_result_at(*r, 0))
        return -ENOMEM;
    *out = *r;
    *r = NULL;
    return 0;
}

int scan_find_record(struct scan_view *v, const char *prefix, const char *domain,
                     const char *version, struct scan_found *f)
{
    const struct scan_answer *a = NULL;
    char qname[600];
    memset(f, 0, sizeof(*f));
    if ((size_t)snprintf(qname, sizeof(qname), "%s.%s", prefix, domain) >= sizeof(qname))
        return 0;
    int ret = scan_view_get(v, qname, SCAN_TYPE_TXT, &a);
    if (ret == -EINVAL)
        return 0; /* no wire form: the name cannot exist */
    if (ret < 0)
        return ret;
    if (scan_dns_failed(a->status)) {
        f->failed = a;
        return 0;
    }
    f->n = scan_txt_count(a, version, &f->rec, &f->nother);
    return 0;
}

bool scan_https_uri_ok(const char *u, char *host, size_t hostlen)
{
    if (strncasecmp(u, "https://", 8) != 0)
        return false;
    const char *h = u + 8;
    size_t n = strcspn(h, ":/?#");
    if (!scan_host_name_ok(h, n))
        return false;
    if (h[n] == ':') {
        size_t digits = strspn(h + n + 1, "0123456789");
        if (digits == 0 || digits > 5 || (h[n + 1 + digits] && h[n + 1 + digits] != '/'))
            return false;
    }
    for (const char *c = h; *c; c++)
        if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
            return false;
    if (host && hostlen > n) {
        for (size_t i = 0; i < n; i++)
            host[i] = (char)tolower((unsigned char)h[i]);
        host[n] = '\0';
    }
    return true;
}

bool scan_mailto_uri_ok(const char *u)
{
    if (strncasecmp(u, "mailto:", 7) != 0)
        return false;
    const char *addr = u + 7;
    const char *at = strrchr(addr, '@');
    if (!at || at == addr || strchr(addr, ','))
        return false;
    return scan_host_name_ok(at + 1, strlen(at + 1));
}
