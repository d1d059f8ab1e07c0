/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The scanner's one escaping rule for untrusted bytes it quotes itself: the
 * text of a bad target line or catalog value inside an error message, and a
 * record field built from DNS data (the SPF record and its terms).
 *
 * Every byte that could act on a terminal (C0 controls and DEL; C1 controls
 * too with SCAN_TEXT_C1) is replaced, either by '?' (messages) or, with
 * SCAN_TEXT_HEX, by a reversible \xNN escape of every byte outside printable
 * ASCII (and a backslash doubled). Text cut at a limit ends in "...".
 *
 * This is not the output policy: output/writers/sanitize.c encodes whatever a
 * writer prints (terminal escape sequences, bidi controls, JSON, CSV, HTML)
 * and runs over these strings again. The scanner rooms may not call it, so
 * what they build is made inert here first.
 */
#ifndef SCANNER_CORE_TEXT_H
#define SCANNER_CORE_TEXT_H

#include <stddef.h>

enum scan_text_flags {
    /** Every byte outside 0x20..0x7e as \xNN, a backslash as "\\" (the form
     *  of record fields: ASCII only, and the bytes can be read back). Without
     *  it, C0 controls and DEL become '?' and other bytes are copied. */
    SCAN_TEXT_HEX = 1 << 0,
    /** Also a C1 control written in UTF-8 (C2 80..C2 9F) as one '?'. */
    SCAN_TEXT_C1 = 1 << 1,
    /** A cut never leaves half a UTF-8 sequence before the "...". */
    SCAN_TEXT_WHOLE_CHARS = 1 << 2,
};

/** Room @p max output bytes need: the text, "..." and the NUL. */
#define SCAN_TEXT_ROOM(max) ((max) + 4)

/**
 * Escape @p n bytes of @p s (NUL bytes included) into @p out, which holds
 * SCAN_TEXT_ROOM(@p max) bytes: at most @p max bytes of escaped text, then
 * "..." when the input did not fit, then a NUL. No escape is ever split.
 * @return the length written, without the NUL.
 */
size_t scan_text_escape(char *out, size_t max, const char *s, size_t n, unsigned flags);

/**
 * The whole of @p s[0..n) escaped with @p flags, never cut.
 * @return a string the caller frees with free(), or NULL on ENOMEM.
 */
char *scan_text_escape_dup(const char *s, size_t n, unsigned flags);

#endif
