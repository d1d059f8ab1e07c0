/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Registrable ("organizational") domains from the Public Suffix List, through
 * libpsl and Debian's publicsuffix package (psl_latest(), which falls back to
 * libpsl's built-in copy). Used by DMARC (RFC 7489 organizational domain) and
 * by domain lists that hold registrable domains only (URIBL).
 */
#ifndef SCANNER_PSL_H
#define SCANNER_PSL_H

#include <stddef.h>

/**
 * Use the system's Public Suffix List (Debian's publicsuffix package, newer than
 * libpsl's built-in copy, which stays the fallback) for the rest of the process.
 * Reads a file: call it once at start-up, before any lookup (cli/main.c does).
 * Without it the built-in copy is used and no file is read.
 */
void scan_psl_use_system(void);

/**
 * Write the registrable domain of @p domain (lower-case, no trailing dot) to @p buf.
 * "a.b.example.co.uk" -> "example.co.uk"; a name under an unknown TLD takes its
 * last two labels ("x.example-esp.test" -> "example-esp.test").
 * @return 0; SCAN_ENOTFOUND when @p domain is a public suffix itself or a single label;
 *         -ENAMETOOLONG when @p buf is too small; -ENOMEM when the list cannot be loaded.
 */
int scan_registrable_domain(const char *domain, char *buf, size_t len);

/**
 * The organizational domain of @p d (RFC 7489 section 3.2): its registrable
 * domain, or @p d itself when it has none (a public suffix, an unknown name).
 * @return 0 or -ENOMEM.
 */
int scan_org_domain(const char *d, char *buf, size_t len);

#endif
