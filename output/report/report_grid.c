/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * The pool map (one grid per block of 256 addresses, drawn as runs of equal
 * cells, see report_html.c) and the listings table.
 */
#include "output/report/report_html_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "output/store/delta.h"
#include "output/writers/writer.h"
#include "scanner/core/err.h"

/* --- the pool map --------------------------------------------------------------------- */

static int cmp_block(const void *a, const void *b)
{
    const struct rep_block *x = *(const struct rep_block *const *)a;
    const struct rep_block *y = *(const struct rep_block *const *)b;

    if (x->fam != y->fam)
        return x->fam < y->fam ? -1 : 1;
    return memcmp(x->key, y->key, 15);
}

static enum rep_level block_worst(const struct rep_block *b)
{
    uint8_t w = REP_NONE;

    for (unsigned c = 0; c < 256; c++)
        w = b->cell[c] > w ? b->cell[c] : w;
    return (enum rep_level)w;
}

/* How much of a block its worst verdict covers, as a shade for its tile: 1 (one or
 * two addresses) to 4 (more than 32), 4 for a block without a finding. */
static int block_depth(const struct rep_block *b)
{
    enum rep_level w = block_worst(b);
    unsigned n = 0;

    if (w <= REP_CLEAN)
        return 4;
    for (unsigned c = 0; c < 256; c++)
        n += b->cell[c] == w;
    return n <= 2 ? 1 : n <= 8 ? 2 : n <= 32 ? 3 : 4;
}

static bool block_has_finding(const struct rep_block *b)
{
    for (unsigned c = 0; c < 256; c++) {
        if (b->cell[c] > REP_CLEAN)
            return true;
    }
    return false;
}

static void block_id(const struct rep_block *b, char *buf, size_t len)
{
    size_t n = b->fam == 4 ? 3 : 15, o;

    o = (size_t)snprintf(buf, len, "b%u", b->fam);
    for (size_t i = 0; i < n && o + 4 < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "-%u", b->key[i]);
}

static bool same_super(const struct rep_block *a, const struct rep_block *b)
{
    return a->fam == b->fam && memcmp(a->key, b->key, a->fam == 4 ? 2 : 14) == 0;
}

/* "12 listed, 3 errors, 241 clean" */
static void put_level_counts(struct html *h, const struct rep_block *b)
{
    uint64_t n[REP_NLEVELS] = {0};
    bool first = true;

    for (unsigned c = 0; c < 256; c++)
        n[b->cell[c]]++;
    for (int lv = REP_NLEVELS - 1; lv >= 0; lv--) {
        if (!n[lv])
            continue;
        rep_putf(h, "%s%" PRIu64 " %s", first ? "" : ", ", n[lv], rep_level_words[lv]);
        first = false;
    }
}

/* One /16 (or /112) holding several scanned blocks: 16x16 tiles linking to them. */
static void overview(struct html *h, struct rep_block **v, size_t n, const bool *drawn)
{
    char prefix[64], id[96];

    rep_block_prefix(v[0], 1, prefix, sizeof(prefix));
    rep_put(h, "<figure class=\"ov\"><svg viewBox=\"0 0 16 16\" role=\"img\" aria-label=\"");
    rep_html(h, prefix);
    rep_put(h, ": one tile per block of 256 addresses\">");
    rep_putf(h, "<rect width=\"16\" height=\"16\" class=\"l0\"><title>");
    rep_html(h, prefix);
    rep_put(h, ": blocks not scanned</title></rect>");
    for (size_t i = 0; i < n; i++) {
        unsigned t = v[i]->key[v[i]->fam == 4 ? 2 : 14];
        rep_block_prefix(v[i], 0, prefix, sizeof(prefix));
        block_id(v[i], id, sizeof(id));
        if (drawn[i])
            rep_putf(h, "<a href=\"#%s\">", id);
        rep_putf(h,
                 "<rect x=\"%u.05\" y=\"%u.05\" width=\".9\" height=\".9\" class=\"l%d d%d\">"
                 "<title>",
                 t % 16, t / 16, block_worst(v[i]), block_depth(v[i]));
        rep_html(h, prefix);
        rep_put(h, ": ");
        put_level_counts(h, v[i]);
        rep_put(h, "</title></rect>");
        if (drawn[i])
            rep_put(h, "</a>");
    }
    rep_block_prefix(v[0], 1, prefix, sizeof(prefix));
    rep_put(h, "</svg><figcaption><b>");
    rep_html(h, prefix);
    rep_putf(h,
             "</b>: %zu blocks scanned. A tile is coloured by the worst verdict in its block, "
             "paler when it covers fewer addresses (1&ndash;2, 3&ndash;8, 9&ndash;32, more), and "
             "links to the block's grid.</figcaption></figure>\n",
             n);
}

/* The findings of each address of a block, as one line each ("zen.spamhaus.org
 * 127.0.0.2 (SBL...); FCrDNS fail (no-ptr)"), in one buffer. */
struct notes {
    struct out_sink buf;
    size_t off[257]; /* note of host c: buf[off[c] .. off[c + 1]) */
};

static void note_row(struct notes *nt, sqlite3_stmt *s)
{
    const char *src = rep_col(s, 1), *reason = rep_col(s, 5);
    enum scan_outcome o = (enum scan_outcome)sqlite3_column_int(s, 3);
    struct out_sink *b = &nt->buf;

    if (sqlite3_column_int(s, 2) == SCAN_CHECK_DNSBL) {
        out_sink_puts(b, src ? src : "?");
        if (o == SCAN_OUT_ERROR) {
            out_sink_puts(b, ": no verdict (");
            out_sink_puts(b, reason ? reason : "error");
            out_sink_puts(b, ")");
        } else {
            out_sink_puts(b, o == SCAN_OUT_INFO ? " informational " : " ");
            out_sink_puts(b, rep_col(s, 6) ? rep_col(s, 6) : "");
            if (rep_col(s, 7)) {
                out_sink_puts(b, " (");
                out_sink_puts(b, rep_col(s, 7));
                out_sink_puts(b, ")");
            }
        }
    } else {
        out_sink_puts(b, src ? src : "?");
        out_sink_puts(b, " ");
        out_sink_puts(b, rep_col(s, 4) ? rep_col(s, 4) : "?");
        if (reason) {
            out_sink_puts(b, " (");
            out_sink_puts(b, reason);
            out_sink_puts(b, ")");
        }
    }
}

static void block_notes(struct html *h, const struct rep_block *b, struct notes *nt)
{
    sqlite3_stmt *s;
    uint8_t key[16];
    unsigned next = 0;

    out_sink_clear(&nt->buf);
    s = rep_prepare(h, "SELECT host, src, kind, outcome, status, reason, " CODES_SQL
                       ", " MEANINGS_SQL " FROM res WHERE blk = ? ORDER BY host, kind, src");
    if (s)
        sqlite3_bind_blob(s, 1, key, (int)rep_block_key(b, key), SQLITE_STATIC);
    while (rep_row(h, &s)) {
        unsigned host = (unsigned)sqlite3_column_int(s, 0) & 255;
        bool first = next <= host;
        while (next <= host)
            nt->off[next++] = nt->buf.len;
        if (!first)
            out_sink_puts(&nt->buf, "; ");
        note_row(nt, s);
    }
    while (next <= 256)
        nt->off[next++] = nt->buf.len;
    if (nt->buf.err && !h->err)
        h->err = nt->buf.err;
}

static bool same_cell(const struct rep_block *b, const struct notes *nt, unsigned x, unsigned y)
{
    size_t lx = nt->off[x + 1] - nt->off[x], ly = nt->off[y + 1] - nt->off[y];
    const char *m = out_sink_str(&nt->buf);

    return b->cell[x] == b->cell[y] && lx == ly && memcmp(m + nt->off[x], m + nt->off[y], lx) == 0;
}

/* The shape of cells c .. c + n - 1 (in reading order): a rect within one row, else
 * a path of at most three rectangles (the first row's tail, the full rows, the last
 * row's head). Heights of rects come from the stylesheet. */
static void run_shape(struct html *h, unsigned c, unsigned n, unsigned level)
{
    unsigned x0 = c % 16, y0 = c / 16, x1 = (c + n - 1) % 16, y1 = (c + n - 1) / 16;

    if (y0 == y1) {
        rep_putf(h, "<rect x=\"%u\" y=\"%u\" width=\"%u\"", x0, y0, n);
    } else {
        rep_putf(h, "<path d=\"M%u %uh%uv1h-%uz", x0, y0, 16 - x0, 16 - x0);
        if (y1 - y0 > 1)
            rep_putf(h, "M0 %uh16v%uh-16z", y0 + 1, y1 - y0 - 1);
        rep_putf(h, "M0 %uh%uv1h-%uz\"", y1, x1 + 1, x1 + 1);
    }
    rep_putf(h, " class=\"l%u\" data-n=\"%u\"><title>", level, n);
}

/* One block of 256 addresses: runs of equal cells (same verdict, same findings) in
 * reading order, each with one title naming its first and last address. A clean
 * /24 is one element. */
static void grid(struct html *h, const struct rep_block *b, struct notes *nt)
{
    char prefix[64], id[96], a[INET6_ADDRSTRLEN], z[INET6_ADDRSTRLEN];

    rep_block_prefix(b, 0, prefix, sizeof(prefix));
    block_id(b, id, sizeof(id));
    block_notes(h, b, nt);
    rep_putf(h,
             "<figure class=\"blk\" id=\"%s\"><svg viewBox=\"0 0 16 16\" role=\"img\" "
             "aria-label=\"",
             id);
    rep_html(h, prefix);
    rep_put(h, ": one cell per address, by its worst verdict\">");
    for (unsigned c = 0, n; c < 256; c += n) {
        for (n = 1; c + n < 256 && same_cell(b, nt, c, c + n); n++)
            ;
        run_shape(h, c, n, b->cell[c]);
        rep_cell_addr(b, c, a, sizeof(a));
        rep_html(h, a);
        if (n > 1) {
            rep_cell_addr(b, c + n - 1, z, sizeof(z));
            rep_put(h, " &ndash; ");
            rep_html(h, z);
        }
        rep_put(h, ": ");
        rep_put(h, rep_level_words[b->cell[c]]);
        if (nt->off[c + 1] > nt->off[c]) {
            rep_put(h, ": ");
            out_sink_html(&h->s, out_sink_str(&nt->buf) + nt->off[c], nt->off[c + 1] - nt->off[c]);
        }
        rep_put(h, n > 1 && c / 16 != (c + n - 1) / 16 ? "</title></path>" : "</title></rect>");
    }
    rep_put(h, "<rect class=\"cells\" width=\"16\" fill=\"url(#cells)\" pointer-events=\"none\"/>");
    rep_put(h, "</svg><figcaption><b>");
    rep_html(h, prefix);
    rep_put(h, "</b>: ");
    put_level_counts(h, b);
    rep_put(h, "</figcaption></figure>\n");
}

static void legend(struct html *h)
{
    rep_put(h, "<div class=\"legend\">");
    for (int lv = REP_NLEVELS - 1; lv >= 0; lv--)
        rep_putf(h, "<span><i class=\"l%d\"></i>%s</span>", lv, rep_level_words[lv]);
    rep_put(h, "</div>\n");
}

void rep_map_section(struct html *h)
{
    struct out_report *rep = h->rep;
    struct notes nt;
    bool *drawn = NULL;
    size_t ngrids = 0, skipped = 0;

    rep_put(h, "<section id=\"map\">\n<h2>Pool map</h2>\n");
    if (!rep->nblocks) {
        rep_put(h, "<p class=\"note\">No IP address was scanned.</p>\n</section>\n");
        return;
    }
    qsort(rep->blocks, rep->nblocks, sizeof(*rep->blocks), cmp_block);
    rep->last = NULL; /* nothing is added any more (rep->written) */
    drawn = calloc(rep->nblocks, sizeof(*drawn));
    if (!drawn) {
        h->err = -ENOMEM;
        rep_put(h, "</section>\n");
        return;
    }
    for (size_t i = 0; i < rep->nblocks; i++) {
        drawn[i] =
            rep->nblocks <= MAX_GRIDS || (ngrids < MAX_GRIDS && block_has_finding(rep->blocks[i]));
        ngrids += drawn[i];
        skipped += !drawn[i];
    }
    rep_put(h, "<p class=\"note\">Every scanned block of 256 addresses (an IPv4 /24, an IPv6 /120) "
               "as a 16&times;16 grid, one cell per address, coloured by its worst verdict on the "
               "blocklists. Hover a cell (or read its title) for the address and its findings; "
               "neighbours with the same verdict and findings share one title. Where a /16 (or "
               "/112) holds several blocks, a grid of tiles leads to them.</p>\n");
    legend(h);
    rep_put(h, "<svg width=\"0\" height=\"0\" aria-hidden=\"true\"><defs><pattern id=\"cells\" "
               "width=\"1\" height=\"1\" patternUnits=\"userSpaceOnUse\"><path d=\"M1 0V1H0\" "
               "fill=\"none\" stroke=\"#fff\" stroke-width=\".14\"/></pattern></defs></svg>\n");
    rep_put(h, "<div class=\"ovs\">\n");
    for (size_t i = 0, j; i < rep->nblocks; i = j) {
        for (j = i + 1; j < rep->nblocks && same_super(rep->blocks[i], rep->blocks[j]); j++)
            ;
        if (j - i > 1)
            overview(h, rep->blocks + i, j - i, drawn + i);
    }
    rep_put(h, "</div>\n");
    if (skipped) {
        rep_put(h, "<p class=\"note\">");
        rep_put_num(h, skipped);
        rep_put(h, " blocks without a finding are shown only as tiles above.</p>\n");
    }
    rep_put(h, ngrids <= 6 ? "<div class=\"blocks few\">\n" : "<div class=\"blocks\">\n");
    out_sink_init_mem(&nt.buf);
    for (size_t i = 0; i < rep->nblocks && !h->err; i++) {
        if (drawn[i])
            grid(h, rep->blocks[i], &nt);
    }
    out_sink_deinit(&nt.buf);
    free(drawn);
    rep_put(h, "</div>\n</section>\n");
}

/* --- listings ----------------------------------------------------------------------- */

void rep_listings_section(struct html *h)
{
    sqlite3_stmt *s;
    int64_t total;
    char n1[32];

    rep_put(h, "<section id=\"listings\">\n<h2>Listings</h2>\n");
    total = rep_count_sql(h, "SELECT count(*) FROM res WHERE outcome IN (?1, ?2)", SCAN_OUT_LISTED,
                          SCAN_OUT_INFO);
    if (!total) {
        rep_put(h, "<p class=\"note\">Nothing is listed.</p>\n</section>\n");
        return;
    }
    rep_put(h, "<p class=\"note\">Every listing (class listing first, then informational), with "
               "the list's codes and their meanings, the list's TXT reason (text from DNS, shown "
               "as text) and the operator's delisting link.");
    if (total > MAX_LISTINGS) {
        rep_put(h, " The first ");
        rep_put_num(h, MAX_LISTINGS);
        rep_put(h, " of ");
        rep_put(h, rep_num((uint64_t)total, n1, sizeof(n1)));
        rep_put(h, " are shown; the JSON output and <code>dnsbl-scan history</code> have all.");
    }
    rep_put(h,
            "</p>\n<input class=\"filter\" hidden placeholder=\"Filter listings\" "
            "data-for=\"listing-table\">\n<table class=\"sort\" id=\"listing-table\">\n<thead><tr>"
            "<th>target</th><th>list</th><th>class</th><th>codes and meanings</th><th>TXT</th>");
    rep_put(h, h->rep->from_store ? "<th>since</th><th>delist</th></tr></thead>\n<tbody>\n"
                                  : "<th>delist</th></tr></thead>\n<tbody>\n");
    s = rep_prepare(h, "SELECT target, src, outcome, " CODES_SQL ", " MEANINGS_SQL ","
                       " json_extract(j, '$.txt'), json_extract(j, '$.delist_url'), since_ms"
                       " FROM res WHERE kind = ?1 AND outcome IN (?2, ?3)"
                       " ORDER BY outcome != ?2, blk IS NULL, blk, host, target, src"
                       " LIMIT " STRINGIFY(MAX_LISTINGS));
    if (s) {
        sqlite3_bind_int(s, 1, SCAN_CHECK_DNSBL);
        sqlite3_bind_int(s, 2, SCAN_OUT_LISTED);
        sqlite3_bind_int(s, 3, SCAN_OUT_INFO);
    }
    while (rep_row(h, &s)) {
        enum scan_outcome o = (enum scan_outcome)sqlite3_column_int(s, 2);
        rep_put(h, "<tr><td class=\"addr\">");
        rep_html(h, rep_col(s, 0));
        rep_put(h, "</td><td>");
        rep_html(h, rep_col(s, 1));
        rep_putf(h, "</td><td><span class=\"badge %s\">%s</span></td><td class=\"wrap\"><b>",
                 rep_outcome_class(o), o == SCAN_OUT_LISTED ? "listing" : "informational");
        rep_html(h, rep_col(s, 3));
        rep_put(h, "</b> ");
        rep_html(h, rep_col(s, 4));
        rep_put(h, "</td><td class=\"wrap\">");
        rep_html(h, rep_col(s, 5));
        if (h->rep->from_store) {
            rep_putf(h, "</td><td data-v=\"%lld\">", (long long)sqlite3_column_int64(s, 7));
            rep_put_time(h, sqlite3_column_int64(s, 7));
        }
        rep_put(h, "</td><td class=\"act\">");
        if (rep_col(s, 6))
            rep_put_link(h, rep_col(s, 6), "request removal");
        rep_put(h, "</td></tr>\n");
    }
    rep_put(h, "</tbody>\n</table>\n</section>\n");
}
