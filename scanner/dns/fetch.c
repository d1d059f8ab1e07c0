/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * HTTPS fetches through a libcurl multi handle (see fetch.h). libcurl's
 * statuses are translated here into the answer shape of fetch.h (STYLE rule
 * 7): nothing of libcurl leaves this file.
 *
 * Why polling: the engine's loop waits in the resolver's epoll. Rather than
 * hand libcurl's sockets to that epoll, the engine shortens its wait to a few
 * milliseconds while a fetch is in flight and calls scan_fetch_poll(), which
 * runs curl_multi_perform() (non-blocking) and collects finished transfers.
 * Fetches are rare (one per domain that publishes an MTA-STS record) and
 * bounded in time, so the cost is a few wake-ups, and no DNS work waits.
 */
#include "scanner/dns/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/core/err.h"

#define FETCH_TIMEOUT_MS 10000
#define FETCH_CONNECT_MS 5000
#define FETCH_MAX_BYTES  65536

struct xfer {
    struct xfer *next;
    struct scan_fetch *f;
    CURL *easy;
    struct curl_slist *resolve, *connect;
    char *body;
    size_t len, cap;
    bool too_large;
    char errbuf[CURL_ERROR_SIZE]; /* CURLOPT_ERRORBUFFER: libcurl's words, for the answer */
    scan_query_cb cb;
    void *arg;
};

struct scan_fetch {
    CURLM *multi;
    struct xfer *xfers;
    size_t active;
    bool global;
    char *ca_file, *connect_to;
    long timeout_ms;
    size_t max_bytes;
};

static size_t on_body(char *data, size_t size, size_t n, void *arg)
{
    struct xfer *x = arg;
    size_t add = size * n;
    if (x->len + add > x->f->max_bytes) {
        x->too_large = true;
        return 0; /* abort the transfer */
    }
    if (x->len + add + 1 > x->cap) {
        size_t cap = x->cap ? x->cap : 4096;
        while (cap < x->len + add + 1)
            cap *= 2;
        char *b = realloc(x->body, cap);
        if (!b)
            return 0;
        x->body = b;
        x->cap = cap;
    }
    memcpy(x->body + x->len, data, add);
    x->len += add;
    return add;
}

/* Two TXT-shaped records: @p a and @p b (b may be NULL). */
static struct scan_answer *make_answer(enum scan_dns_status st, int rcode, const char *a,
                                       size_t alen, const char *b)
{
    struct scan_rr rr[2];
    memset(rr, 0, sizeof(rr));
    rr[0].type = rr[1].type = SCAN_TYPE_TXT;
    rr[0].txt = (const uint8_t *)(a ? a : "");
    rr[0].txt_len = a ? alen : 0;
    rr[0].nstrings = 1;
    rr[1].txt = (const uint8_t *)(b ? b : "");
    rr[1].txt_len = b ? strlen(b) : 0;
    rr[1].nstrings = 1;
    struct scan_answer *ans =
        scan_answer_build(st, SCAN_TYPE_MTA_STS_POLICY, rr, st == SCAN_DNS_OK ? 2 : 1);
    if (ans)
        ans->rcode = rcode;
    return ans;
}

static struct scan_answer *answer_of(struct xfer *x, CURLcode rc)
{
    char msg[CURL_ERROR_SIZE + 64];
    if (rc == CURLE_OK) {
        long code = 0;
        char *ctype = NULL;
        curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
        curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
        return make_answer(SCAN_DNS_OK, (int)code, x->body, x->len, ctype);
    }
    snprintf(msg, sizeof(msg), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc));
    if (x->too_large) {
        snprintf(msg, sizeof(msg), "the policy is larger than %zu bytes", x->f->max_bytes);
        return make_answer(SCAN_DNS_BADRESP, SCAN_FETCH_TOO_LARGE, msg, strlen(msg), NULL);
    }
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return make_answer(SCAN_DNS_TIMEOUT, SCAN_FETCH_TRANSPORT, msg, strlen(msg), NULL);
    if (rc == CURLE_PEER_FAILED_VERIFICATION)
        return make_answer(SCAN_DNS_BADRESP, SCAN_FETCH_CERT, msg, strlen(msg), NULL);
    return make_answer(SCAN_DNS_BADRESP, SCAN_FETCH_TRANSPORT, msg, strlen(msg), NULL);
}

static void xfer_free(struct xfer *x)
{
    if (!x)
        return;
    if (x->easy) {
        curl_multi_remove_handle(x->f->multi, x->easy);
        curl_easy_cleanup(x->easy);
    }
    curl_slist_free_all(x->resolve);
    curl_slist_free_all(x->connect);
    free(x->body);
    free(x);
}

/* Unlink @p x, call back once, free. */
static void finish(struct xfer *x, struct scan_answer *ans, int cancelled)
{
    struct scan_fetch *f = x->f;
    struct xfer **pp = &f->xfers;
    while (*pp && *pp != x)
        pp = &(*pp)->next;
    if (*pp)
        *pp = x->next;
    f->active--;
    scan_query_cb cb = x->cb;
    void *arg = x->arg;
    xfer_free(x);
    cb(arg, ans, cancelled);
}

int scan_fetch_new(const struct scan_fetch_opts *o, struct scan_fetch **out, struct scan_diag *diag)
{
    struct scan_fetch *f = NULL;
    int ret = -ENOMEM;
    *out = NULL;
    if (o->connect_to) {
        const char *colon = strrchr(o->connect_to, ':');
        if (!colon || colon == o->connect_to || !colon[1] ||
            strspn(colon + 1, "0123456789") != strlen(colon + 1))
            return scan_diag_fail(diag, -EINVAL, "--https-connect '%s': expected HOST:PORT",
                                  o->connect_to);
    }
    f = calloc(1, sizeof(*f));
    if (!f)
        return -ENOMEM;
    f->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : FETCH_TIMEOUT_MS;
    f->max_bytes = o->max_bytes > 0 ? o->max_bytes : FETCH_MAX_BYTES;
    if ((o->ca_file && !(f->ca_file = strdup(o->ca_file))) ||
        (o->connect_to && !(f->connect_to = strdup(o->connect_to))))
        goto fail;
    ret = -EIO;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        goto fail;
    f->global = true;
    f->multi = curl_multi_init();
    if (!f->multi)
        goto fail;
    *out = f;
    return 0;
fail:
    if (ret == -EIO)
        scan_diag_fail(diag, ret, "libcurl could not be initialised");
    scan_fetch_free(f);
    return ret;
}

void scan_fetch_cancel_all(struct scan_fetch *f)
{
    while (f && f->xfers) {
        struct xfer *x = f->xfers;
        const char *msg = "cancelled";
        finish(x, make_answer(SCAN_DNS_TIMEOUT, SCAN_FETCH_TRANSPORT, msg, strlen(msg), NULL), 1);
    }
}

void scan_fetch_free(struct scan_fetch *f)
{
    if (!f)
        return;
    scan_fetch_cancel_all(f);
    if (f->multi)
        curl_multi_cleanup(f->multi);
    if (f->global)
        curl_global_cleanup();
    free(f->ca_file);
    free(f->connect_to);
    free(f);
}

/* "host:443:addr1,addr2" for CURLOPT_RESOLVE: libcurl resolves nothing itself. */
static int resolve_list(struct xfer *x, const char *host, const char *const *addrs, size_t n)
{
    size_t len = strlen(host) + 16;
    for (size_t i = 0; i < n; i++)
        len += strlen(addrs[i]) + 3;
    char *s = malloc(len), *p = s;
    if (!s)
        return -ENOMEM;
    p += sprintf(p, "%s:443:", host);
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, strchr(addrs[i], ':') ? "%s[%s]" : "%s%s", i ? "," : "", addrs[i]);
    x->resolve = curl_slist_append(NULL, s);
    free(s);
    return x->resolve ? 0 : -ENOMEM;
}

int scan_fetch_start(struct scan_fetch *f, const char *host, const char *const *addrs,
                     size_t naddrs, scan_query_cb cb, void *arg)
{
    char url[512], connect[600];
    if (!f || !host || !*host || strpbrk(host, "/:@?# ") || (naddrs == 0 && !f->connect_to) ||
        (size_t)snprintf(url, sizeof(url), "https://%s" SCAN_FETCH_PATH, host) >= sizeof(url))
        return -EINVAL;
    struct xfer *x = calloc(1, sizeof(*x));
    if (!x)
        return -ENOMEM;
    x->f = f;
    x->cb = cb;
    x->arg = arg;
    int ret = -ENOMEM;
    if (f->connect_to) {
        snprintf(connect, sizeof(connect), "::%s", f->connect_to);
        if (!(x->connect = curl_slist_append(NULL, connect)))
            goto fail;
    } else if (resolve_list(x, host, addrs, naddrs) != 0) {
        goto fail;
    }
    x->easy = curl_easy_init();
    if (!x->easy)
        goto fail;
    CURL *e = x->easy;
    bool ok =
        curl_easy_setopt(e, CURLOPT_URL, url) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https") == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_PROXY, "") == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, f->timeout_ms) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                         f->timeout_ms < FETCH_CONNECT_MS ? f->timeout_ms : FETCH_CONNECT_MS) ==
            CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_USERAGENT, "dnsbl-scan/" DNSBL_SCAN_VERSION) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_WRITEDATA, x) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) == CURLE_OK &&
        curl_easy_setopt(e, CURLOPT_PRIVATE, x) == CURLE_OK &&
        (!f->ca_file || curl_easy_setopt(e, CURLOPT_CAINFO, f->ca_file) == CURLE_OK) &&
        (!x->resolve || curl_easy_setopt(e, CURLOPT_RESOLVE, x->resolve) == CURLE_OK) &&
        (!x->connect || curl_easy_setopt(e, CURLOPT_CONNECT_TO, x->connect) == CURLE_OK);
    ret = -EIO;
    if (!ok || curl_multi_add_handle(f->multi, e) != CURLM_OK)
        goto fail;
    x->next = f->xfers;
    f->xfers = x;
    f->active++;
    return 0;
fail:
    if (x->easy) {
        curl_easy_cleanup(x->easy);
        x->easy = NULL;
    }
    xfer_free(x);
    return ret;
}

void scan_fetch_poll(struct scan_fetch *f)
{
    int running = 0, left = 0;
    CURLMsg *m;
    if (!f || f->active == 0)
        return;
    curl_multi_perform(f->multi, &running);
    while ((m = curl_multi_info_read(f->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct xfer *x = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
        CURLcode rc = m->data.result;
        if (x)
            finish(x, answer_of(x, rc), 0);
    }
}

size_t scan_fetch_active(const struct scan_fetch *f)
{
    return f ? f->active : 0;
}
