// SPDX-License-Identifier: GPL-2.0-or-later
/* sanitize.h: the one sanitizer of untrusted text (process names, cgroup
 * and namespace names, profile text, file names) at the output edge.
 *
 * The input is any bytes up to a NUL. It is read as UTF-8, strictly
 * (no overlong forms, no surrogates, nothing above U+10FFFF); what is not
 * valid UTF-8 is taken one byte at a time. Each mode then writes:
 *
 * SAN_TERM        for a terminal, as ps(1) and top(1) do: every control
 *                 character (C0, DEL, C1 U+0080..U+009F), every bidi
 *                 override (U+202A..U+202E, U+2066..U+2069) and every
 *                 byte that is not valid UTF-8 becomes one '?'; the rest
 *                 is copied, so a column stays as wide as the name.
 * SAN_TERM_LINES  the same, but newline and tab are kept (messages).
 * SAN_JSON        the inside of a JSON string (RFC 8259) that is valid
 *                 UTF-8: '"' and '\\' escaped, controls (C0, DEL, C1) as
 *                 \b \f \n \r \t or \u00XX, an invalid byte as U+FFFD.
 * SAN_PROM        a Prometheus label value (text format 0.0.4): valid
 *                 UTF-8, '\\' '"' and newline escaped as \\ \" \n, any
 *                 other control and an invalid byte as U+FFFD.
 */
#ifndef TWTUNE_SANITIZE_H
#define TWTUNE_SANITIZE_H

#include <stddef.h>
#include <stdio.h>

enum san_mode { SAN_TERM, SAN_TERM_LINES, SAN_JSON, SAN_PROM };

/* s made safe for mode, into buf (len bytes, always NUL-terminated when
 * len > 0), cut at a character boundary when it does not fit. NULL s is
 * "". Returns buf. */
const char *san_str(char *buf, size_t len, const char *s, enum san_mode mode);

/* s made safe for mode, written to f whatever its length. */
void san_fputs(FILE *f, const char *s, enum san_mode mode);

#endif
