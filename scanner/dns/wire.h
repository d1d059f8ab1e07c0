/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Private to scanner/dns: a bounds-checked read cursor over a DNS message, the
 * one place that tests a length, an offset or a compression pointer of the
 * untrusted bytes dnsmsg.c decodes (the shape of c-ares's ares_buf). Nothing
 * outside this folder includes it.
 *
 * A read that does not fit sets a sticky error: it and every later read on the
 * cursor fail (numbers read as 0, wire_bytes() gives NULL, the offset stays
 * where the first failure found it), so a decoder reads a whole record and
 * tests w.err once.
 *
 * Usage:
 * @code
 *   struct wire w;
 *   char owner[WIRE_NAME_TEXT];
 *   wire_init(&w, msg, len, off);
 *   wire_name(&w, owner);
 *   uint16_t type = wire_u16(&w);
 *   uint32_t ttl = (wire_skip(&w, 2), wire_u32(&w));
 *   if (w.err)
 *       return w.err; // SCAN_EDNS: the record does not fit the message
 * @endcode
 */
#ifndef SCANNER_DNS_WIRE_H
#define SCANNER_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

/** Room for the text of any name wire_name() accepts: 255 wire octets with every
 *  byte escaped as \DDD, the dots and the NUL. */
#define WIRE_NAME_TEXT 1024

/** The most compression pointers one name may follow (a loop ends there). */
#define WIRE_MAX_JUMPS 32

/** A read position in a message. Plain struct: callers own it (usually on the stack). */
struct wire {
    const uint8_t *p; /**< the message (borrowed; never NULL after wire_init()) */
    size_t len;       /**< its length */
    size_t off;       /**< the next byte to read */
    int err;          /**< 0, or SCAN_EDNS once a read did not fit (sticky) */
};

/**
 * Start a cursor at @p off of the @p len bytes at @p p (borrowed, read while the
 * cursor is used). @p p may be NULL: an empty message. An @p off beyond @p len
 * sets the error at once.
 */
void wire_init(struct wire *w, const uint8_t *p, size_t len, size_t off);

/** @return the bytes left after the offset (0 once the error is set). */
size_t wire_left(const struct wire *w);

/**
 * Take @p n bytes at the offset and move past them.
 * @return their start (borrowed from the message), or NULL when fewer than @p n
 *         are left or the error was set before (then the error is set).
 */
const uint8_t *wire_bytes(struct wire *w, size_t n);

/** Move past @p n bytes (the error is set when fewer are left). */
void wire_skip(struct wire *w, size_t n);

/** @return the next byte, 0 on error. */
uint8_t wire_u8(struct wire *w);

/** @return the next 16-bit number (network order), 0 on error. */
uint16_t wire_u16(struct wire *w);

/** @return the next 32-bit number (network order), 0 on error. */
uint32_t wire_u32(struct wire *w);

/**
 * Decode the (possibly compressed) name at the offset into lower-case
 * presentation text without the trailing dot (the root is ""). Bytes that would
 * be ambiguous in text ('.', '\\', a space, non-printable) are written as \DDD,
 * so two different wire names never compare equal. The offset moves past the
 * name as it is written there: past its first compression pointer, or past its
 * final zero.
 *
 * Refused (SCAN_EDNS): a read past the end; a pointer at or past the end, or
 * more than WIRE_MAX_JUMPS pointers (a loop); a label of the extended types
 * (first two bits 01 or 10); a name over 255 octets on the wire, its final zero
 * octet counted (RFC 1035 section 3.1), as scan_query_encode() counts. Pointers may point backward or forward.
 * @param[out] out  WIRE_NAME_TEXT bytes; the name, or "" on error
 * @return 0 or SCAN_EDNS (the error is set).
 */
int wire_name(struct wire *w, char *out);

#endif
