/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The rules of one DKIM key record (RFC 6376, RFC 8301, RFC 8463): its tags and
 * its key. The keys are decoded with OpenSSL's libcrypto, so the key sizes are
 * what a verifier would see. Pure: no DNS, no report; dkim.c finds the
 * selectors, calls dkim_check_record() on the one record at a selector and
 * renders the line (status revoked for an empty p=, multiple-records there).
 * Nothing here calls back into dkim.c.
 *
 * Rules:
 * - the tag-list (record.h; tag names are case-sensitive, RFC 6376 section
 *   3.2): malformed-tag, duplicate-tag, bad-characters;
 * - v=, when present, first (version-not-first) and DKIM1 (invalid-version);
 * - k= rsa (the default) or ed25519, else unknown-key-type;
 * - p= required (missing-tag); empty means the key is revoked: status
 *   revoked; otherwise base64 that decodes to an RSA SubjectPublicKeyInfo
 *   (a bare PKCS#1 RSAPublicKey is accepted with a warning) or to the 32 raw
 *   bytes of an ed25519 key (RFC 8463 section 4), else bad-key;
 * - RSA under 1024 bits: invalid (weak-key, RFC 8301 section 3.2); under
 *   2048: a warning;
 * - h= listing only sha1: invalid (weak-hash, RFC 8301 section 3.1: sha1
 *   must not be used); sha1 beside sha256: a warning;
 * - s= that lists neither * nor email: invalid (not-for-email);
 * - t=y: testing (a warning, and "testing": true); unknown t= flags are
 *   warnings.
 * Unknown tags are ignored (RFC 6376 section 3.6.1).
 */
#include <ctype.h>
#include <errno.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scanner/checks/dkim_int.h"
#include "scanner/checks/record.h"

/* Base64 (whitespace allowed, RFC 6376 section 3.6.1) to bytes. @return the length,
 * -1 when it is not base64, -ENOMEM. */
static int decode_b64(const char *in, unsigned char **out)
{
    size_t n = strlen(in), k = 0;
    char *clean = malloc(n + 1);
    unsigned char *buf = malloc(n + 1);
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    int len = -ENOMEM, part = 0, fin = 0;
    *out = NULL;
    if (!clean || !buf || !ctx)
        goto out;
    for (size_t i = 0; i < n; i++)
        if (!isspace((unsigned char)in[i]))
            clean[k++] = in[i];
    clean[k] = '\0';
    len = -1;
    EVP_DecodeInit(ctx);
    if (k % 4 != 0 || EVP_DecodeUpdate(ctx, buf, &part, (unsigned char *)clean, (int)k) < 0 ||
        EVP_DecodeFinal(ctx, buf + part, &fin) < 0)
        goto out;
    len = part + fin;
    *out = buf;
    buf = NULL;
out:
    ERR_clear_error();
    EVP_ENCODE_CTX_free(ctx);
    free(clean);
    free(buf);
    return len;
}

/* The key itself. @return 0 or -ENOMEM. */
static int check_key_data(struct scan_problems *ps, struct dk_key *key, const char *p)
{
    unsigned char *der = NULL;
    int len = decode_b64(p, &der);
    if (len == -ENOMEM)
        return len;
    if (len <= 0) {
        scan_problem(ps, true, SCAN_R_BAD_KEY, "p", "p= is not valid base64");
        free(der);
        return 0;
    }
    if (strcmp(key->type, "ed25519") == 0) {
        EVP_PKEY *k =
            len == 32 ? EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, der, 32) : NULL;
        if (k)
            key->bits = 256;
        else
            scan_problem(ps, true, SCAN_R_BAD_KEY, "p",
                         "an ed25519 key is 32 raw bytes (RFC 8463 section 4), not %d bytes%s", len,
                         len == 44 ? " (this looks like a SubjectPublicKeyInfo)" : "");
        EVP_PKEY_free(k);
    } else {
        const unsigned char *q = der;
        EVP_PKEY *k = d2i_PUBKEY(NULL, &q, len);
        bool pkcs1 = false;
        if (!k) {
            q = der;
            k = d2i_PublicKey(EVP_PKEY_RSA, NULL, &q, len);
            pkcs1 = k != NULL;
        }
        if (!k || EVP_PKEY_get_base_id(k) != EVP_PKEY_RSA || q != der + len) {
            scan_problem(ps, true, SCAN_R_BAD_KEY, "p",
                         "p= does not hold an RSA public key (DER SubjectPublicKeyInfo)");
        } else {
            key->bits = EVP_PKEY_get_bits(k);
            if (pkcs1)
                scan_problem(ps, false, SCAN_R_NONE, "p",
                             "p= is a bare RSAPublicKey, not a SubjectPublicKeyInfo: some "
                             "verifiers reject it");
            if (key->bits < 1024)
                scan_problem(ps, true, SCAN_R_WEAK_KEY, "p",
                             "RSA key of %d bits: verifiers must not accept keys under 1024 bits "
                             "(RFC 8301 section 3.2)",
                             key->bits);
            else if (key->bits < 2048)
                scan_problem(ps, false, SCAN_R_NONE, "p",
                             "RSA key of %d bits: RFC 8301 section 3.2 says signers should use "
                             "2048 bits or more",
                             key->bits);
        }
        EVP_PKEY_free(k);
    }
    ERR_clear_error();
    free(der);
    return 0;
}

/* The next item of a colon-separated list (WSP allowed around items): *p moves
 * past it. @return its length, 0 at the end. */
static size_t next_item(const char **p, const char **item)
{
    while (**p == ' ' || **p == '\t' || **p == ':')
        (*p)++;
    *item = *p;
    while (**p && **p != ':' && **p != ' ' && **p != '\t')
        (*p)++;
    return (size_t)(*p - *item);
}

/* Is word @p w in the colon-separated @p list? */
static bool list_has(const char *list, const char *w)
{
    const char *item;
    for (size_t n; (n = next_item(&list, &item)) > 0;)
        if (n == strlen(w) && strncasecmp(item, w, n) == 0)
            return true;
    return false;
}

/* Every item of the colon-separated @p list is one of @p known. */
static bool list_only(const char *list, const char *const *known, size_t nknown,
                      char *first_unknown, size_t len)
{
    const char *item;
    for (size_t n; (n = next_item(&list, &item)) > 0;) {
        bool ok = false;
        for (size_t i = 0; i < nknown && !ok; i++)
            ok = n == strlen(known[i]) && strncasecmp(item, known[i], n) == 0;
        if (!ok) {
            snprintf(first_unknown, len, "%.*s", (int)n, item);
            return false;
        }
    }
    return true;
}

/* One key record. @return 0 or -ENOMEM. */
int dkim_check_record(struct scan_problems *ps, struct dk_key *key, const struct scan_rr *rr)
{
    static const char *const flags[] = {"y", "s"};
    struct scan_taglist tl;
    char unknown[64];
    int ret = scan_taglist_parse(&tl, rr->txt, rr->txt_len, false, ps);
    if (ret != 0)
        goto out;
    struct scan_tag *v = scan_taglist_find(&tl, "v", false);
    struct scan_tag *k = scan_taglist_find(&tl, "k", false);
    struct scan_tag *h = scan_taglist_find(&tl, "h", false);
    struct scan_tag *p = scan_taglist_find(&tl, "p", false);
    struct scan_tag *s = scan_taglist_find(&tl, "s", false);
    struct scan_tag *t = scan_taglist_find(&tl, "t", false);
    if (v && tl.first != v->name)
        scan_problem(ps, true, SCAN_R_VERSION_NOT_FIRST, "v",
                     "v= must be the first tag when present (RFC 6376 section 3.6.1)");
    if (v && strcmp(v->value, "DKIM1") != 0)
        scan_problem(ps, true, SCAN_R_INVALID_VERSION, "v", "v=%.32s: the version must be DKIM1",
                     v->value);
    key->type = !k || strcmp(k->value, "rsa") == 0 ? "rsa"
                : strcmp(k->value, "ed25519") == 0 ? "ed25519"
                                                   : NULL;
    if (!key->type)
        scan_problem(ps, true, SCAN_R_UNKNOWN_KEY_TYPE, "k",
                     "k=%.32s: verifiers know rsa and ed25519 only (RFC 6376, RFC 8463)", k->value);
    if (h && !list_has(h->value, "sha256")) {
        if (list_has(h->value, "sha1"))
            scan_problem(ps, true, SCAN_R_WEAK_HASH, "h",
                         "h=%.32s allows SHA-1 only, which RFC 8301 section 3.1 forbids", h->value);
        else
            scan_problem(ps, true, SCAN_R_INVALID_VALUE, "h",
                         "h=%.32s names no hash algorithm a verifier uses (sha256)", h->value);
    } else if (h && list_has(h->value, "sha1")) {
        scan_problem(ps, false, SCAN_R_NONE, "h", "h= still allows SHA-1 (RFC 8301 section 3.1)");
    }
    if (s && !list_has(s->value, "*") && !list_has(s->value, "email"))
        scan_problem(ps, true, SCAN_R_NOT_FOR_EMAIL, "s",
                     "s=%.32s: the key is not for email (service types * or email)", s->value);
    if (t) {
        key->testing = list_has(t->value, "y");
        if (key->testing)
            scan_problem(ps, false, SCAN_R_NONE, "t",
                         "t=y: the domain is testing DKIM; verifiers may treat signatures as "
                         "unsigned");
        if (!list_only(t->value, flags, 2, unknown, sizeof(unknown)))
            scan_problem(ps, false, SCAN_R_NONE, "t", "unknown t= flag '%s' is ignored", unknown);
    }
    if (!p) {
        scan_problem(ps, true, SCAN_R_MISSING_TAG, "p",
                     "p= (the public key) is required (RFC 6376 section 3.6.1)");
    } else {
        char *q = p->value;
        while (isspace((unsigned char)*q))
            q++;
        key->revoked = *q == '\0';
        if (!key->revoked && key->type)
            ret = check_key_data(ps, key, q);
    }
out:
    scan_taglist_deinit(&tl);
    return ret;
}
