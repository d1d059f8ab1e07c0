/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * A strict reader for the Monitoring Plugins ini format that `--extra-opts`
 * reads (Debian's /etc/nagios-plugins/check_rbl.ini): one section's options,
 * in file order, each with its line, for the caller to turn into command-line
 * options.
 *
 * Format: `[SECTION]` headers; `key = value`, `key=value` or a bare `key` (a
 * flag); blank lines; comments are lines whose first non-blank character is
 * `#` or `;`. Keys are letters, digits, `-` and `_`; values are trimmed and
 * taken as written (no quotes, no escapes, no inline comments). A section may
 * appear more than once (its options add up); a key may repeat (`server=` per
 * zone). Anything else is an error naming FILE:LINE: text before the first
 * section, a line that is neither of the above, control characters, a line over
 * CLI_INI_MAX_LINE bytes, a file over CLI_INI_MAX_BYTES, more than
 * CLI_INI_MAX_OPTS options in the section, or no such section at all.
 *
 * Usage:
 * @code
 *   struct cli_ini ini;
 *   struct scan_diag diag;
 *   if (cli_ini_read("/etc/nagios-plugins/check_rbl.ini", "rbl", &ini, &diag))
 *       ... print diag.msg ...
 *   for (size_t i = 0; i < ini.n; i++) use(ini.v[i].key, ini.v[i].value, ini.v[i].line);
 *   cli_ini_free(&ini);
 * @endcode
 */
#ifndef CLI_INI_H
#define CLI_INI_H

#include <stddef.h>

#include "scanner/core/err.h"

#define CLI_INI_MAX_BYTES (1 << 20) /**< 1 MiB, as the program's YAML files */
#define CLI_INI_MAX_LINE  4096
#define CLI_INI_MAX_OPTS  10000

/** One option of the section. */
struct cli_ini_opt {
    char *key;
    char *value;   /**< NULL for a bare key (a flag) */
    unsigned line; /**< 1-based */
};

/** A section's options. Plain record, read-only for the caller. */
struct cli_ini {
    struct cli_ini_opt *v;
    size_t n, cap;
    char *file; /**< the path read, for messages */
};

/**
 * Read the options of section @p section from @p path.
 * @param[out] out  on 0: the options (free with cli_ini_free()); zeroed on failure
 * @param[out] diag  on failure: "FILE:LINE: what is wrong" or "FILE: why"; may be NULL
 * @return 0; -ENOENT (no such file) and other -errno (cannot read); -EFBIG (over
 *         CLI_INI_MAX_BYTES); -EINVAL (a line breaks the format, or past a limit);
 *         -ESRCH (the file has no such section); -ENOMEM.
 */
int cli_ini_read(const char *path, const char *section, struct cli_ini *out,
                 struct scan_diag *diag);

/** Free what @p ini owns and zero it; a zeroed struct is a no-op. */
void cli_ini_free(struct cli_ini *ini);

#endif
