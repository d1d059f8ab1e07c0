/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * HTTPS fetches of MTA-STS policies (RFC 8461 section 3.3), the only part of
 * the program that talks to libcurl. Transfers run in a libcurl multi handle
 * that the engine drives from its own loop: scan_fetch_poll() moves every
 * transfer on without blocking, and completion callbacks run there, never
 * inside a c-ares callback (STYLE rule 11).
 *
 * libcurl never resolves a name: the caller passes the addresses it got from
 * its own DNS (the host's A and AAAA), or --https-connect sends every fetch
 * to one HOST:PORT (tests: a loopback server with a test CA). The URL's host
 * stays the policy host, so SNI and certificate validation use its name.
 * Redirects are not followed (RFC 8461 section 3.3), proxies from the
 * environment are not used, and each transfer is bounded in time and size.
 *
 * The answer handed to the callback (shaped like a DNS answer, so the record
 * checks read it through the view like everything else):
 * - status SCAN_DNS_OK, rcode = the HTTP status, rr[0] a TXT-shaped record
 *   holding the body and rr[1] one holding the Content-Type ("" when none);
 * - status SCAN_DNS_TIMEOUT: the transfer took longer than the limit;
 * - status SCAN_DNS_BADRESP, rcode SCAN_FETCH_CERT (the certificate did not
 *   validate), SCAN_FETCH_TOO_LARGE (the body passed the size limit) or
 *   SCAN_FETCH_TRANSPORT (no connection, TLS handshake, reset), rr[0] holding
 *   libcurl's message.
 *
 * Usage:
 * @code
 *   struct scan_fetch *f = NULL;
 *   ret = scan_fetch_new(&(struct scan_fetch_opts){.timeout_ms = 10000}, &f, &diag);
 *   ret = scan_fetch_start(f, "mta-sts.example.test", addrs, naddrs, done, arg);
 *   while (scan_fetch_active(f) > 0) { wait a little; scan_fetch_poll(f); }
 *   scan_fetch_free(f);   // cancels what is left: each callback runs once, cancelled
 * @endcode
 */
#ifndef SCANNER_FETCH_H
#define SCANNER_FETCH_H

#include <stddef.h>

#include "scanner/dns/dnsmsg.h"
#include "scanner/dns/resolver.h"

#define SCAN_FETCH_TRANSPORT (-1) /**< rcode: no connection, handshake failure, reset */
#define SCAN_FETCH_CERT      (-2) /**< rcode: the certificate did not validate */
#define SCAN_FETCH_TOO_LARGE (-3) /**< rcode: the body passed the size limit */

/** The path every policy is fetched from (RFC 8461 section 3.3). */
#define SCAN_FETCH_PATH "/.well-known/mta-sts.txt"

struct scan_fetch;

struct scan_fetch_opts {
    const char *ca_file;    /**< borrowed: CA bundle instead of the system's, or NULL */
    const char *connect_to; /**< borrowed: "HOST:PORT" every fetch connects to, or NULL */
    int timeout_ms;         /**< whole transfer; 0: 10000 */
    size_t max_bytes;       /**< body limit; 0: 65536 */
};

/**
 * @param[out] out   caller frees with scan_fetch_free(); NULL on failure
 * @param[out] diag  a sentence on -EINVAL and -EIO; may be NULL
 * @return 0, -ENOMEM, -EINVAL (a bad connect_to), -EIO (libcurl could not start).
 */
int scan_fetch_new(const struct scan_fetch_opts *o, struct scan_fetch **out,
                   struct scan_diag *diag);

/** Cancel every transfer (each callback runs once, with cancelled = 1) and free;
 *  NULL is a no-op. */
void scan_fetch_free(struct scan_fetch *f);

/**
 * Start GET https://@p host SCAN_FETCH_PATH.
 * @param[in] addrs  the host's addresses as text (borrowed during the call)
 * @param[in] cb     runs exactly once, from scan_fetch_poll() or scan_fetch_cancel_all();
 *                   takes ownership of the answer (NULL only on ENOMEM)
 * @return 0, -ENOMEM, -EINVAL (no address and no connect_to, or a bad host), -EIO.
 */
int scan_fetch_start(struct scan_fetch *f, const char *host, const char *const *addrs,
                     size_t naddrs, scan_query_cb cb, void *arg);

/** Move every transfer on without blocking; finished ones call back here. */
void scan_fetch_poll(struct scan_fetch *f);

/** Cancel every transfer in flight: each callback runs now, cancelled = 1. */
void scan_fetch_cancel_all(struct scan_fetch *f);

/** @return transfers started and not yet called back. */
size_t scan_fetch_active(const struct scan_fetch *f);

#endif
