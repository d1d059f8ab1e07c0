/* SPDX-License-Identifier: MIT
 * Copyright (c) 2026 dnsbl-scan authors */
/**
 * @file
 * Target specs: parsing, reserved address space, and the two passes behind
 * scan_targets_prepare() and scan_targets_next().
 *
 * Both passes read the sources the same way and number the valid spec lines
 * in input order (the "seq"). The first pass keeps, per distinct target, the
 * seq of its first appearance: singles in one open-addressing hash set per
 * family, domains in a third, ranges in an array indexed by (prefix, network).
 * The second pass reads the lines again and returns a target only at the seq
 * the first pass recorded, which gives input order and dedup with no per-address
 * state. Memory grows with the number of distinct lines, never with range sizes.
 *
 * CIDR blocks are either nested or disjoint, so every overlap is known at the
 * end of the first pass: a range inside an earlier range is skipped whole; the
 * reserved blocks, the earlier ranges and the earlier singles inside a range
 * become a sorted list of [lo, hi) offsets the walk jumps over. The walk is a
 * counter and one comparison per address, and the total is exact.
 */
#include "scanner/targets/target.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/core/err.h"
#include "scanner/core/text.h"

#define LINE_KEEP    4096        /**< bytes of a line kept; the rest must be a comment */
#define READ_CHUNK   65536       /**< bytes per fread() */
#define MAX_REPORTS  100         /**< bad lines (and reserved warnings) reported one by one */
#define TEXT_SHOWN   80          /**< bytes of an offending text quoted in a message */
#define PATH_SHOWN   1024        /**< bytes of a file name or origin quoted in a message */
#define SEQ_LIMIT    0x7ffffffe  /**< valid lines; seq + 1 must fit in 31 bits of a tag */
#define TAG_COVERED  0x80000000u /**< set tag bit: the single lies in an earlier range */
#define NAME_MAX_LEN 253

/* ------------------------------------------------------------------------- */
/* Reserved address space                                                     */

struct resv {
    enum scan_target_type type;
    uint8_t net[16];
    unsigned prefix;
    const char *why;
};

static const struct resv resv_tab[] = {
    {SCAN_T_IP4, {0}, 8, "\"this network\" address (0/8)"},
    {SCAN_T_IP4, {10}, 8, "RFC 1918 private address"},
    {SCAN_T_IP4, {100, 64}, 10, "CGNAT shared address (100.64/10)"},
    {SCAN_T_IP4, {127}, 8, "loopback address"},
    {SCAN_T_IP4, {169, 254}, 16, "link-local address"},
    {SCAN_T_IP4, {172, 16}, 12, "RFC 1918 private address"},
    {SCAN_T_IP4, {192, 168}, 16, "RFC 1918 private address"},
    {SCAN_T_IP4, {224}, 4, "multicast address"},
    {SCAN_T_IP4, {240}, 4, "reserved or broadcast address (240/4)"},
    {SCAN_T_IP6, {0}, 128, "unspecified address"},
    {SCAN_T_IP6, {[15] = 1}, 128, "loopback address"},
    {SCAN_T_IP6, {[10] = 0xff, [11] = 0xff}, 96, "IPv4-mapped address"},
    {SCAN_T_IP6, {0xfc}, 7, "unique local address"},
    {SCAN_T_IP6, {0xfe, 0x80}, 10, "link-local address"},
    {SCAN_T_IP6, {0xff}, 8, "multicast address"},
};

#define NRESV (sizeof(resv_tab) / sizeof(resv_tab[0]))

static unsigned family_bits(enum scan_target_type type)
{
    return type == SCAN_T_IP4 ? 32 : 128;
}

/* True when the first @p plen bits of @p a and @p b agree. */
static bool prefix_eq(const uint8_t *a, const uint8_t *b, unsigned plen)
{
    unsigned whole = plen / 8, rest = plen % 8;

    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return ((a[whole] ^ b[whole]) & mask) == 0;
}

/* Clear the host bits of @p a (bits wide) beyond @p plen. */
static void mask_host(uint8_t *a, unsigned bits, unsigned plen)
{
    for (unsigned i = 0; i < bits / 8; i++) {
        if (plen >= (i + 1) * 8)
            continue;
        if (plen <= i * 8)
            a[i] = 0;
        else
            a[i] &= (uint8_t)(0xff << (8 - (plen - i * 8)));
    }
}

/* The low 32 bits of an address: offsets inside a range (at most 2^24 wide) live there. */
static uint32_t tail32(enum scan_target_type type, const uint8_t *a)
{
    const uint8_t *p = type == SCAN_T_IP4 ? a : a + 12;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* How block (@p net, @p q) relates to range (@p addr, @p p): 2 = the range lies
 * inside it, 1 = it lies inside the range, 0 = disjoint. */
static int block_rel(const uint8_t *net, unsigned q, const uint8_t *addr, unsigned p)
{
    if (q <= p)
        return prefix_eq(addr, net, q) ? 2 : 0;
    return prefix_eq(net, addr, p) ? 1 : 0;
}

bool scan_addr_reserved(enum scan_target_type type, const uint8_t *addr)
{
    for (size_t i = 0; i < NRESV; i++)
        if (resv_tab[i].type == type && prefix_eq(addr, resv_tab[i].net, resv_tab[i].prefix))
            return true;
    return false;
}

uint64_t scan_spec_count(const struct scan_spec *sp)
{
    if (sp->type == SCAN_T_DOMAIN)
        return 1;
    unsigned host = family_bits(sp->type) - sp->prefix;
    return host >= 64 ? UINT64_MAX : (uint64_t)1 << host;
}

const char *scan_spec_reserved(const struct scan_spec *sp)
{
    if (sp->type == SCAN_T_DOMAIN)
        return NULL;
    for (size_t i = 0; i < NRESV; i++) {
        const struct resv *b = &resv_tab[i];
        if (b->type == sp->type && block_rel(b->net, b->prefix, sp->addr, sp->prefix))
            return b->why;
    }
    return NULL;
}

uint64_t scan_spec_reserved_count(const struct scan_spec *sp)
{
    uint64_t n = 0;

    if (sp->type == SCAN_T_DOMAIN)
        return 0;
    /* The reserved blocks are disjoint, so their shares add up. */
    for (size_t i = 0; i < NRESV; i++) {
        const struct resv *b = &resv_tab[i];
        if (b->type != sp->type)
            continue;
        int rel = block_rel(b->net, b->prefix, sp->addr, sp->prefix);
        if (rel == 2)
            return scan_spec_count(sp);
        if (rel == 1)
            n += (uint64_t)1 << (family_bits(sp->type) - b->prefix);
    }
    return n;
}

/* ------------------------------------------------------------------------- */
/* Parsing one spec                                                           */

static int fail(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, size_t whylen, const char *fmt, ...)
{
    if (why && whylen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, whylen, fmt, ap);
        va_end(ap);
    }
    return SCAN_EPARSE;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Strict dotted quad: four decimal octets, no leading zeros. The shape is checked
 * before the octets, so "1234" is not blamed on its value. @return a reason or NULL. */
static const char *parse_ip4(const char *s, size_t n, uint8_t *out)
{
    size_t dots = 0, i = 0;
    bool empty = n == 0 || s[n - 1] == '.';

    for (size_t k = 0; k < n; k++) {
        if (s[k] != '.')
            continue;
        if (k == 0 || s[k - 1] == '.')
            empty = true;
        dots++;
    }
    if (dots != 3 || empty)
        return "not a valid IPv4 address (need four decimal octets)";
    for (int part = 0; part < 4; part++, i++) {
        size_t start = i;
        unsigned v = 0;
        for (; i < n && s[i] != '.'; i++)
            if (v < 1000)
                v = v * 10 + (unsigned)(s[i] - '0');
        if (i - start > 1 && s[start] == '0')
            return "leading zero in an IPv4 octet (octal or decimal?)";
        if (v > 255)
            return "IPv4 octet greater than 255";
        out[part] = (uint8_t)v;
    }
    return NULL;
}

/* "/N": 1 to 3 digits, no leading zero. @return 0 or -1. */
static int parse_prefix(const char *p, size_t n, unsigned *out)
{
    unsigned v = 0;

    if (n == 0 || n > 3 || (n > 1 && p[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return -1;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    *out = v;
    return 0;
}

/* Address part already parsed into out->addr; now the optional prefix. */
static int finish_ip(struct scan_spec *out, const char *slash, size_t pn, char *why, size_t whylen)
{
    bool v4 = out->type == SCAN_T_IP4;
    unsigned bits = family_bits(out->type), min = v4 ? 8 : 112, plen = bits;

    if (slash) {
        if (pn == 0)
            return fail(why, whylen, "missing prefix length after '/'");
        if (parse_prefix(slash + 1, pn, &plen))
            return fail(why, whylen, "bad prefix length");
        if (plen > bits)
            return fail(why, whylen, "%s prefix longer than /%u", v4 ? "IPv4" : "IPv6", bits);
        if (plen < min)
            return fail(why, whylen, "%s prefix shorter than /%u", v4 ? "IPv4" : "IPv6", min);
    }
    uint8_t net[16] = {0};
    memcpy(net, out->addr, bits / 8);
    mask_host(net, bits, plen);
    if (memcmp(net, out->addr, bits / 8) != 0) {
        char txt[INET6_ADDRSTRLEN];
        inet_ntop(v4 ? AF_INET : AF_INET6, net, txt, sizeof(txt));
        return fail(why, whylen, "host bits set, did you mean %s/%u", txt, plen);
    }
    out->prefix = plen;
    return 0;
}

/* Domain rules: A-labels only, LDH plus '_', 63/253, two labels, no numeric TLD. */
static int parse_domain(const char *s, size_t n, struct scan_spec *out, char *why, size_t whylen)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            return fail(why, whylen, "IDN must be in A-label (xn--) form");
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n > NAME_MAX_LEN)
        return fail(why, whylen, "name longer than %d characters", NAME_MAX_LEN);

    size_t labels = 0, start = 0;
    bool numeric = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            char c = s[i];
            bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (!alpha && !is_digit(c) && c != '-' && c != '_') {
                if (c > 0x20 && c < 0x7f)
                    return fail(why, whylen, "invalid character '%c' in a domain name", c);
                return fail(why, whylen, "invalid character 0x%02x in a domain name",
                            (unsigned)(unsigned char)c);
            }
            out->domain[i] = alpha && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            continue;
        }
        size_t len = i - start;
        if (len == 0)
            return fail(why, whylen, "empty label");
        if (len > 63)
            return fail(why, whylen, "label longer than 63 characters");
        if (s[start] == '-' || s[i - 1] == '-')
            return fail(why, whylen, "label starts or ends with a hyphen");
        numeric = true;
        for (size_t j = start; j < i; j++)
            if (!is_digit(s[j]))
                numeric = false;
        labels++;
        if (i < n)
            out->domain[i] = '.';
        start = i + 1;
    }
    if (labels < 2)
        return fail(why, whylen, "single-label name (need at least two labels)");
    if (numeric)
        return fail(why, whylen, "all-numeric top-level label");
    out->domain[n] = '\0';
    out->type = SCAN_T_DOMAIN;
    out->prefix = 0;
    return 0;
}

int scan_spec_parse(const char *s, struct scan_spec *out, char *why, size_t whylen)
{
    size_t n = strlen(s), an;
    const char *slash;
    bool colon = false, v4chars = true, digit = false;
    int ret;

    memset(out, 0, sizeof(*out));
    if (why && whylen > 0)
        why[0] = '\0';
    if (n == 0) {
        ret = fail(why, whylen, "empty target");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_blank(s[i])) {
            ret = fail(why, whylen, "blank inside a target (one target per line)");
            goto out;
        }
    }
    if (strstr(s, "://")) {
        ret = fail(why, whylen, "a URL, not a host name");
        goto out;
    }
    slash = memchr(s, '/', n);
    an = slash ? (size_t)(slash - s) : n;
    for (size_t i = 0; i < an; i++) {
        if (s[i] == ':')
            colon = true;
        if (is_digit(s[i]))
            digit = true;
        else if (s[i] != '.')
            v4chars = false;
    }
    size_t pn = slash ? n - an - 1 : 0;

    if (an == 0) {
        ret = fail(why, whylen, "missing address before '/'");
    } else if (colon) {
        char buf[INET6_ADDRSTRLEN + 1];
        out->type = SCAN_T_IP6;
        if (memchr(s, '%', an))
            ret = fail(why, whylen, "IPv6 zone index (%%...) not allowed");
        else if (an >= sizeof(buf))
            ret = fail(why, whylen, "not a valid IPv6 address");
        else {
            memcpy(buf, s, an);
            buf[an] = '\0';
            if (inet_pton(AF_INET6, buf, out->addr) != 1)
                ret = fail(why, whylen, "not a valid IPv6 address");
            else
                ret = finish_ip(out, slash, pn, why, whylen);
        }
    } else if (v4chars && digit) {
        const char *bad = parse_ip4(s, an, out->addr);
        out->type = SCAN_T_IP4;
        ret = bad ? fail(why, whylen, "%s", bad) : finish_ip(out, slash, pn, why, whylen);
    } else if (slash) {
        ret = fail(why, whylen, "a prefix length needs an IP address");
    } else {
        ret = parse_domain(s, n, out, why, whylen);
    }
out:
    if (ret)
        memset(out, 0, sizeof(*out));
    return ret;
}

/* ------------------------------------------------------------------------- */
/* Hash sets                                                                  */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

static uint64_t hash_bytes(const uint8_t *k, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, k, 8);
        h = mix64(h ^ v);
        k += 8;
        n -= 8;
    }
    if (n > 0) {
        uint64_t v = 0;
        memcpy(&v, k, n);
        h = mix64(h ^ v);
    }
    return h;
}

/*
 * Fixed-length keys with a 32-bit tag each (0 = empty slot), open addressing
 * with linear probing, at most 3/4 full. An IPv4 entry costs 8 bytes, an IPv6
 * one 20: the whole per-line memory of the scan.
 */
struct kset {
    uint8_t *slots;
    size_t cap, used; /**< cap: 0 or a power of two */
    size_t klen, esz;
};

static void kset_init(struct kset *s, size_t klen)
{
    memset(s, 0, sizeof(*s));
    s->klen = klen;
    s->esz = klen + 4;
}

static void kset_deinit(struct kset *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->used = 0;
}

static uint32_t ent_tag(const struct kset *s, const uint8_t *e)
{
    uint32_t t;
    memcpy(&t, e + s->klen, 4);
    return t;
}

static void ent_set_tag(const struct kset *s, uint8_t *e, uint32_t t)
{
    memcpy(e + s->klen, &t, 4);
}

/* The entry holding @p key, or the empty slot where it belongs. cap must be > 0. */
static uint8_t *kset_slot(const struct kset *s, const uint8_t *key)
{
    size_t mask = s->cap - 1, i = (size_t)hash_bytes(key, s->klen) & mask;
    for (;;) {
        uint8_t *e = s->slots + i * s->esz;
        if (ent_tag(s, e) == 0 || memcmp(e, key, s->klen) == 0)
            return e;
        i = (i + 1) & mask;
    }
}

/* @return the tag of @p key, 0 when absent. */
static uint32_t kset_get(const struct kset *s, const uint8_t *key)
{
    return s->cap ? ent_tag(s, kset_slot(s, key)) : 0;
}

static int kset_grow(struct kset *s)
{
    size_t ncap = s->cap ? s->cap * 2 : 64;
    if (ncap > SIZE_MAX / s->esz)
        return -ENOMEM;
    struct kset n = *s;
    n.cap = ncap;
    n.slots = calloc(ncap, s->esz);
    if (!n.slots)
        return -ENOMEM;
    for (size_t i = 0; i < s->cap; i++) {
        const uint8_t *e = s->slots + i * s->esz;
        if (ent_tag(s, e))
            memcpy(kset_slot(&n, e), e, s->esz);
    }
    free(s->slots);
    *s = n;
    return 0;
}

/* Add @p key with @p tag unless present; @p old gets the tag it had (0: added). */
static int kset_add(struct kset *s, const uint8_t *key, uint32_t tag, uint32_t *old)
{
    if ((s->used + 1) * 4 > s->cap * 3) {
        int ret = kset_grow(s);
        if (ret)
            return ret;
    }
    uint8_t *e = kset_slot(s, key);
    *old = ent_tag(s, e);
    if (*old)
        return 0;
    memcpy(e, key, s->klen);
    ent_set_tag(s, e, tag);
    s->used++;
    return 0;
}

/* Names live in chunks that are freed together. */
struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
};

struct dent {
    const char *name;
    uint32_t hash, tag; /**< tag 0: empty slot */
};

/* Domain names, same scheme as struct kset. */
struct dset {
    struct dent *slots;
    size_t cap, used;
    struct chunk *arena;
};

static uint32_t hash_name(const char *name)
{
    return (uint32_t)hash_bytes((const uint8_t *)name, strlen(name));
}

static struct dent *dset_slot(const struct dset *d, const char *name, uint32_t h)
{
    size_t mask = d->cap - 1, i = mix64(h) & mask;
    for (;;) {
        struct dent *e = &d->slots[i];
        if (e->tag == 0 || (e->hash == h && strcmp(e->name, name) == 0))
            return e;
        i = (i + 1) & mask;
    }
}

static uint32_t dset_get(const struct dset *d, const char *name)
{
    return d->cap ? dset_slot(d, name, hash_name(name))->tag : 0;
}

static const char *arena_strdup(struct dset *d, const char *s)
{
    size_t n = strlen(s) + 1;
    struct chunk *c = d->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = 65536 - sizeof(*c);
        c = malloc(sizeof(*c) + cap);
        if (!c)
            return NULL;
        c->next = d->arena;
        c->used = 0;
        c->cap = cap;
        d->arena = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    c->used += n;
    return p;
}

static int dset_add(struct dset *d, const char *name, uint32_t tag, uint32_t *old)
{
    uint32_t h = hash_name(name);

    if ((d->used + 1) * 4 > d->cap * 3) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        struct dent *ns = calloc(ncap, sizeof(*ns));
        if (!ns)
            return -ENOMEM;
        struct dset n = {ns, ncap, d->used, d->arena};
        for (size_t i = 0; i < d->cap; i++)
            if (d->slots[i].tag)
                *dset_slot(&n, d->slots[i].name, d->slots[i].hash) = d->slots[i];
        free(d->slots);
        d->slots = ns;
        d->cap = ncap;
    }
    struct dent *e = dset_slot(d, name, h);
    *old = e->tag;
    if (*old)
        return 0;
    e->name = arena_strdup(d, name);
    if (!e->name)
        return -ENOMEM;
    e->hash = h;
    e->tag = tag;
    d->used++;
    return 0;
}

static void dset_deinit(struct dset *d)
{
    free(d->slots);
    while (d->arena) {
        struct chunk *next = d->arena->next;
        free(d->arena);
        d->arena = next;
    }
    memset(d, 0, sizeof(*d));
}

/* ------------------------------------------------------------------------- */
/* Sources, lines and messages                                                */

struct skip {
    uint32_t lo, hi; /**< offsets into the range, hi exclusive */
};

struct range {
    uint8_t addr[16];
    enum scan_target_type type;
    unsigned prefix;
    uint32_t seq;
    bool covered; /**< inside an earlier range: nothing to walk */
    struct skip *skip;
    size_t nskip, capskip;
};

enum src_kind { SRC_ARG, SRC_FILE, SRC_STDIN };

struct source {
    enum src_kind kind;
    const char *text; /**< the argument (borrowed) */
    const char *path; /**< SRC_FILE: the name after '@' */
    const char *bad;  /**< SRC_ARG: why the argument itself is wrong, or NULL */
    FILE *spool;      /**< stdin and non-regular files: the unlinked copy */
    bool stat_ok;     /**< st below was taken in the first pass */
    struct stat st;
};

struct reader {
    FILE *f;
    FILE *tee; /**< first pass of a spooled source: copy every byte here */
    size_t pos, len;
    bool eof;
    char buf[READ_CHUNK];
};

enum ts_state { ST_NEW, ST_READY, ST_DONE, ST_FAILED };

struct scan_targets {
    struct scan_target_opts opts;
    uint64_t by_type[3]; /**< what next() will return, per enum scan_target_type */
    struct source *src;
    size_t nsrc;
    enum ts_state state;
    int fail_ret; /**< what next() keeps returning once failed */

    struct kset set4, set6; /**< singles: addr -> (first seq + 1) | TAG_COVERED */
    struct kset rix4, rix6; /**< ranges: (prefix, network) -> index + 1 */
    struct dset doms;       /**< domains: name -> first seq + 1 */
    struct range *ranges;
    size_t nranges, capranges;
    uint64_t pmask4; /**< bit p - 8: some IPv4 range is a /p */
    uint64_t pmask6; /**< bit p - 112: some IPv6 range is a /p */

    /* The cursor both passes share. */
    size_t si;       /**< current source */
    bool open;       /**< rd is attached to src[si] */
    FILE *own;       /**< file opened for src[si] (closed at its end) */
    uint64_t lineno; /**< line number inside src[si] */
    uint32_t nvalid; /**< valid spec lines seen so far: the next seq */

    /* next(): the range being walked */
    const struct range *walk;
    uint32_t off, size;
    size_t wskip;

    uint64_t nbad, nres; /**< first pass: bad lines, reserved warnings */
    struct reader rd;
    char line[LINE_KEEP + 1];
};

/* How a message quotes a line, an argument or a path (scanner/core/text.h):
 * controls, C1 ones too, as '?', cut between whole characters. */
#define MSG_TEXT (SCAN_TEXT_C1 | SCAN_TEXT_WHOLE_CHARS)

static void say(struct scan_targets *ts, bool is_error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(struct scan_targets *ts, bool is_error, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;

    if (!ts->opts.msg)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ts->opts.msg(ts->opts.msg_arg, is_error, msg);
}

/* "FILE:LINE", "<stdin>:LINE" or "argument N" for the cursor's position. */
static void where(const struct scan_targets *ts, char *buf, size_t len)
{
    const struct source *src = &ts->src[ts->si];
    char path[SCAN_TEXT_ROOM(PATH_SHOWN)];

    switch (src->kind) {
    case SRC_ARG:
        if (ts->opts.origins && ts->opts.origins[ts->si]) {
            scan_text_escape(path, PATH_SHOWN, ts->opts.origins[ts->si],
                             strlen(ts->opts.origins[ts->si]), MSG_TEXT);
            snprintf(buf, len, "%s", path);
        } else {
            snprintf(buf, len, "argument %zu", ts->si + 1);
        }
        break;
    case SRC_STDIN:
        snprintf(buf, len, "<stdin>:%llu", (unsigned long long)ts->lineno);
        break;
    case SRC_FILE:
        scan_text_escape(path, PATH_SHOWN, src->path, strlen(src->path), MSG_TEXT);
        snprintf(buf, len, "%s:%llu", path, (unsigned long long)ts->lineno);
        break;
    }
}

/* The source name alone, for "cannot read" messages. */
static void source_name(const struct source *src, char *buf)
{
    if (src->kind == SRC_STDIN)
        strcpy(buf, "<stdin>");
    else
        scan_text_escape(buf, PATH_SHOWN, src->path, strlen(src->path), MSG_TEXT);
}

/* A line or argument is bad: report it (the first MAX_REPORTS) and count it. */
static void report_bad(struct scan_targets *ts, const char *text, size_t n, const char *why)
{
    char loc[1200], shown[SCAN_TEXT_ROOM(TEXT_SHOWN)];

    if (++ts->nbad > MAX_REPORTS)
        return;
    where(ts, loc, sizeof(loc));
    scan_text_escape(shown, TEXT_SHOWN, text, n, MSG_TEXT);
    say(ts, !ts->opts.skip_invalid, "%s: '%s': %s", loc, shown, why);
}

static void report_reserved(struct scan_targets *ts, const char *text, const struct scan_spec *sp,
                            uint64_t nres)
{
    char loc[1200], shown[SCAN_TEXT_ROOM(TEXT_SHOWN)], whys[256] = "";
    size_t wn = 0;

    if (++ts->nres > MAX_REPORTS)
        return;
    where(ts, loc, sizeof(loc));
    scan_text_escape(shown, TEXT_SHOWN, text, strlen(text), MSG_TEXT);
    /* Every reason the line touches, once each ("RFC 1918" appears thrice in the table). */
    for (size_t i = 0; i < NRESV; i++) {
        const struct resv *b = &resv_tab[i];
        if (b->type != sp->type || !block_rel(b->net, b->prefix, sp->addr, sp->prefix) ||
            strstr(whys, b->why))
            continue;
        wn += (size_t)snprintf(whys + wn, sizeof(whys) - wn, "%s%s", wn ? ", " : "", b->why);
        if (wn >= sizeof(whys))
            break;
    }
    if (nres == scan_spec_count(sp))
        say(ts, false, "%s: '%s': reserved (%s), skipped", loc, shown, whys);
    else
        say(ts, false, "%s: '%s': %llu reserved addresses skipped (%s)", loc, shown,
            (unsigned long long)nres, whys);
}

static void reader_attach(struct reader *rd, FILE *f, FILE *tee)
{
    rd->f = f;
    rd->tee = tee;
    rd->pos = rd->len = 0;
    rd->eof = false;
}

/*
 * One line (without its '\n') into @p out, keeping at most LINE_KEEP bytes;
 * @p overflow tells when more were dropped. Lines are read out of a block buffer
 * so a long line costs no memory and a NUL byte cannot hide the rest of a line.
 * @return 1 with a line, 0 at the end, a negative errno on a read or spool error.
 */
static int reader_line(struct reader *rd, char *out, size_t *n, bool *overflow)
{
    bool any = false;

    *n = 0;
    *overflow = false;
    for (;;) {
        if (rd->pos == rd->len) {
            if (rd->eof)
                break;
            errno = 0;
            rd->len = fread(rd->buf, 1, sizeof(rd->buf), rd->f);
            rd->pos = 0;
            if (rd->len == 0) {
                if (ferror(rd->f))
                    return errno ? -errno : -EIO;
                rd->eof = true;
                break;
            }
            if (rd->tee && fwrite(rd->buf, 1, rd->len, rd->tee) != rd->len)
                return errno ? -errno : -EIO;
        }
        any = true;
        const char *start = rd->buf + rd->pos;
        size_t avail = rd->len - rd->pos;
        const char *nl = memchr(start, '\n', avail);
        size_t take = nl ? (size_t)(nl - start) : avail;
        size_t room = LINE_KEEP - *n;
        if (take > room) {
            *overflow = true;
            memcpy(out + *n, start, room);
            *n += room;
        } else {
            memcpy(out + *n, start, take);
            *n += take;
        }
        rd->pos += take + (nl ? 1 : 0);
        if (nl)
            return 1;
    }
    return any ? 1 : 0;
}

/*
 * Close the current source and move on. A spooled source keeps its copy for
 * the second pass.
 */
static void cursor_advance(struct scan_targets *ts)
{
    if (ts->own)
        fclose(ts->own);
    ts->own = NULL;
    ts->open = false;
    ts->lineno = 0;
    ts->si++;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/*
 * Attach the reader to src[si]. First pass: open, and set up a spool for
 * stdin and for files that cannot be read twice. Second pass: read the spool
 * or reopen the file, and refuse it when it changed in between.
 * @return 0 or a negative errno / SCAN_EIO (reported; the source is skipped).
 */
static int cursor_open(struct scan_targets *ts, bool first)
{
    struct source *src = &ts->src[ts->si];
    char name[SCAN_TEXT_ROOM(PATH_SHOWN)];
    FILE *f = NULL;
    struct stat st;
    int ret = 0;

    source_name(src, name);
    if (!first && src->spool) {
        if (fseek(src->spool, 0, SEEK_SET) != 0) {
            ret = errno ? -errno : -EIO;
            say(ts, true, "%s: cannot read: %s", name, strerror(-ret));
            goto out;
        }
        reader_attach(&ts->rd, src->spool, NULL);
        goto out;
    }
    if (src->kind == SRC_STDIN) {
        f = stdin;
    } else {
        f = fopen(src->path, "re");
        if (!f) {
            ret = -errno;
            say(ts, true, "%s: cannot read: %s", name, strerror(errno));
            goto out;
        }
        ts->own = f;
    }
    if (fstat(fileno(f), &st) != 0) {
        ret = -errno;
        say(ts, true, "%s: cannot read: %s", name, strerror(errno));
        goto out;
    }
    if (!first) {
        if (src->stat_ok && !same_file(&src->st, &st)) {
            ret = SCAN_EIO;
            say(ts, true, "%s: cannot read: changed since it was checked", name);
        } else {
            reader_attach(&ts->rd, f, NULL);
        }
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        ret = -EISDIR;
        say(ts, true, "%s: cannot read: %s", name, strerror(EISDIR));
        goto out;
    }
    if (src->kind == SRC_STDIN || !S_ISREG(st.st_mode)) {
        /* tmpfile() has no close-on-exec flag; the spool lives until the run
         * ends, so without one the --on-change command would inherit it. */
        src->spool = tmpfile();
        if (src->spool && fcntl(fileno(src->spool), F_SETFD, FD_CLOEXEC) != 0) {
            int e = errno;
            fclose(src->spool);
            src->spool = NULL;
            errno = e;
        }
        if (!src->spool) {
            ret = -errno;
            say(ts, true, "%s: cannot spool to a temporary file: %s", name, strerror(errno));
            goto out;
        }
    } else {
        src->st = st;
        src->stat_ok = true;
    }
    reader_attach(&ts->rd, f, src->spool);
out:
    if (ret == 0)
        ts->open = true;
    return ret;
}

/* A line's target text: drop the comment and surrounding blanks. @return its length. */
static size_t clean_line(char *line, size_t n, bool overflow, const char **why)
{
    char *hash = memchr(line, '#', n);
    size_t a = 0;

    *why = NULL;
    if (hash)
        n = (size_t)(hash - line);
    else if (overflow)
        *why = "line too long";
    while (n > 0 && is_blank(line[n - 1]))
        n--;
    while (a < n && is_blank(line[a]))
        a++;
    if (a > 0)
        memmove(line, line + a, n - a);
    n -= a;
    if (!*why && memchr(line, '\0', n))
        *why = "NUL byte in line";
    line[n] = '\0';
    return n;
}

/* Copy an argument into ts->line without its surrounding blanks. */
static size_t take_argument(struct scan_targets *ts, const char *text, bool *over)
{
    size_t n = strlen(text), a = 0;

    *over = n > LINE_KEEP;
    if (*over)
        n = LINE_KEEP;
    while (n > 0 && is_blank(text[n - 1]))
        n--;
    while (a < n && is_blank(text[a]))
        a++;
    memcpy(ts->line, text + a, n - a);
    ts->line[n - a] = '\0';
    return n - a;
}

/*
 * The next spec text in input order, in ts->line. Blank and comment-only lines
 * are skipped. @p why is set when the text is bad before parsing. The cursor
 * stays on the text's source until the next call, for messages.
 * @return 1 with a text, 0 at the end, negative on an I/O error (reported; the
 * failing source is skipped, so calling again goes on with the next one).
 */
static int cursor_next(struct scan_targets *ts, bool first, size_t *n, const char **why)
{
    char name[SCAN_TEXT_ROOM(PATH_SHOWN)];
    bool overflow;
    int ret;

    while (ts->si < ts->nsrc) {
        struct source *src = &ts->src[ts->si];

        if (src->kind == SRC_ARG) {
            if (ts->open) {
                cursor_advance(ts);
                continue;
            }
            ts->open = true;
            *n = take_argument(ts, src->text, &overflow);
            *why = src->bad ? src->bad : overflow ? "argument too long" : NULL;
            return 1;
        }
        if (!ts->open) {
            ret = cursor_open(ts, first);
            if (ret) {
                cursor_advance(ts);
                return ret;
            }
        }
        ret = reader_line(&ts->rd, ts->line, n, &overflow);
        if (ret == 0 && first && src->spool && fflush(src->spool) != 0)
            ret = errno ? -errno : -EIO;
        if (ret < 0) {
            source_name(src, name);
            if (ts->rd.tee)
                say(ts, true, "%s: cannot spool to a temporary file: %s", name, strerror(-ret));
            else
                say(ts, true, "%s: cannot read: %s", name, strerror(-ret));
            cursor_advance(ts);
            return ret;
        }
        if (ret == 0) {
            cursor_advance(ts);
            continue;
        }
        ts->lineno++;
        if (ts->lineno == 1 && *n >= 3 && memcmp(ts->line, "\xef\xbb\xbf", 3) == 0) {
            /* A UTF-8 byte order mark, as Windows editors write. */
            memmove(ts->line, ts->line + 3, *n - 3);
            *n -= 3;
        }
        *n = clean_line(ts->line, *n, overflow, why);
        if (*n > 0 || *why)
            return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* First pass                                                                 */

static bool is_v4(enum scan_target_type type)
{
    return type == SCAN_T_IP4;
}

static unsigned min_prefix(enum scan_target_type type)
{
    return is_v4(type) ? 8 : 112;
}

static uint32_t range_size(const struct range *r)
{
    return (uint32_t)1 << (family_bits(r->type) - r->prefix);
}

/* Range index key: the prefix length, then the network. @return the key length. */
static size_t range_key(enum scan_target_type type, const uint8_t *addr, unsigned prefix,
                        uint8_t *key)
{
    size_t alen = is_v4(type) ? 4 : 16;

    key[0] = (uint8_t)prefix;
    memcpy(key + 1, addr, alen);
    mask_host(key + 1, (unsigned)alen * 8, prefix);
    return alen + 1;
}

/* The range whose network is @p addr cut to @p prefix, or NULL. */
static struct range *range_find(const struct scan_targets *ts, enum scan_target_type type,
                                const uint8_t *addr, unsigned prefix)
{
    uint8_t key[17];
    uint32_t tag;

    range_key(type, addr, prefix, key);
    tag = kset_get(is_v4(type) ? &ts->rix4 : &ts->rix6, key);
    return tag ? &ts->ranges[tag - 1] : NULL;
}

/* Remember one valid spec line and the seq it first appeared at. */
static int prep_spec(struct scan_targets *ts, const struct scan_spec *sp, const char *text)
{
    uint32_t seq, old;
    uint64_t nres;
    int ret;

    if (ts->nvalid >= SEQ_LIMIT) {
        char loc[1200];
        where(ts, loc, sizeof(loc));
        say(ts, true, "%s: too many targets (more than %u lines)", loc, SEQ_LIMIT);
        return -E2BIG;
    }
    seq = ts->nvalid++;
    if (sp->type == SCAN_T_DOMAIN)
        return dset_add(&ts->doms, sp->domain, seq + 1, &old);

    nres = scan_spec_reserved_count(sp);
    if (nres)
        report_reserved(ts, text, sp, nres);
    if (nres == scan_spec_count(sp))
        return 0;
    if (sp->prefix == family_bits(sp->type))
        return kset_add(is_v4(sp->type) ? &ts->set4 : &ts->set6, sp->addr, seq + 1, &old);

    if (ts->nranges == ts->capranges) {
        size_t ncap = ts->capranges ? ts->capranges * 2 : 16;
        struct range *nr = realloc(ts->ranges, ncap * sizeof(*nr));
        if (!nr)
            return -ENOMEM;
        ts->ranges = nr;
        ts->capranges = ncap;
    }
    uint8_t key[17];
    range_key(sp->type, sp->addr, sp->prefix, key);
    ret = kset_add(is_v4(sp->type) ? &ts->rix4 : &ts->rix6, key, (uint32_t)ts->nranges + 1, &old);
    if (ret || old)
        return ret; /* an identical range came first */
    struct range *r = &ts->ranges[ts->nranges++];
    memset(r, 0, sizeof(*r));
    memcpy(r->addr, sp->addr, sizeof(r->addr));
    r->type = sp->type;
    r->prefix = sp->prefix;
    r->seq = seq;
    *(is_v4(sp->type) ? &ts->pmask4 : &ts->pmask6) |= (uint64_t)1
                                                      << (sp->prefix - min_prefix(sp->type));
    return 0;
}

static int add_skip(struct range *r, uint32_t lo, uint32_t hi)
{
    if (r->nskip == r->capskip) {
        size_t ncap = r->capskip ? r->capskip * 2 : 4;
        struct skip *ns = realloc(r->skip, ncap * sizeof(*ns));
        if (!ns)
            return -ENOMEM;
        r->skip = ns;
        r->capskip = ncap;
    }
    r->skip[r->nskip].lo = lo;
    r->skip[r->nskip].hi = hi;
    r->nskip++;
    return 0;
}

/*
 * Every range strictly containing the block (@p addr, @p plen) first seen at
 * @p seq: an earlier one covers the block; a later one must jump over it.
 * One hash lookup per prefix length in use, whatever the number of ranges.
 */
static int mark_containers(struct scan_targets *ts, enum scan_target_type type, const uint8_t *addr,
                           unsigned plen, uint32_t seq, uint32_t width, bool *covered)
{
    unsigned lo = min_prefix(type);
    uint64_t m = is_v4(type) ? ts->pmask4 : ts->pmask6;

    for (unsigned p = lo; p < plen && (m >> (p - lo)) != 0; p++) {
        if (!((m >> (p - lo)) & 1))
            continue;
        struct range *q = range_find(ts, type, addr, p);
        if (!q)
            continue;
        if (q->seq < seq) {
            *covered = true;
        } else {
            uint32_t off = tail32(type, addr) - tail32(type, q->addr);
            int ret = add_skip(q, off, off + width);
            if (ret)
                return ret;
        }
    }
    return 0;
}

/* Flag singles inside an earlier range; count the others. */
static int mark_singles(struct scan_targets *ts, struct kset *set, enum scan_target_type type,
                        uint64_t *count)
{
    bool any = (is_v4(type) ? ts->pmask4 : ts->pmask6) != 0;

    for (size_t i = 0; i < set->cap; i++) {
        uint8_t *e = set->slots + i * set->esz;
        uint32_t tag = ent_tag(set, e);
        bool covered = false;
        if (!tag)
            continue;
        if (any) {
            int ret = mark_containers(ts, type, e, family_bits(type), tag - 1, 1, &covered);
            if (ret)
                return ret;
        }
        if (covered)
            ent_set_tag(set, e, tag | TAG_COVERED);
        else
            (*count)++;
    }
    return 0;
}

static int skip_cmp(const void *a, const void *b)
{
    const struct skip *x = a, *y = b;
    return x->lo < y->lo ? -1 : x->lo > y->lo ? 1 : 0;
}

/* Add the reserved blocks, sort and merge the skips; add the addresses left to walk
 * to @p count. @return 0 or -ENOMEM. */
static int settle_range(struct range *r, uint64_t *count)
{
    unsigned bits = family_bits(r->type);
    int ret;

    for (size_t i = 0; i < NRESV; i++) {
        const struct resv *b = &resv_tab[i];
        if (b->type != r->type || block_rel(b->net, b->prefix, r->addr, r->prefix) != 1)
            continue;
        uint32_t off = tail32(r->type, b->net) - tail32(r->type, r->addr);
        ret = add_skip(r, off, off + ((uint32_t)1 << (bits - b->prefix)));
        if (ret)
            return ret;
    }
    uint64_t skipped = 0;
    size_t m = 0;
    if (r->nskip > 1)
        qsort(r->skip, r->nskip, sizeof(*r->skip), skip_cmp);
    for (size_t i = 0; i < r->nskip; i++) {
        if (m > 0 && r->skip[i].lo <= r->skip[m - 1].hi) {
            if (r->skip[i].hi > r->skip[m - 1].hi)
                r->skip[m - 1].hi = r->skip[i].hi;
        } else {
            r->skip[m++] = r->skip[i];
        }
    }
    r->nskip = m;
    for (size_t i = 0; i < m; i++)
        skipped += r->skip[i].hi - r->skip[i].lo;
    *count += range_size(r) - skipped;
    return 0;
}

/* End of the first pass: resolve every overlap, count what next() will return. */
static int finalize(struct scan_targets *ts, uint64_t *total)
{
    uint64_t sum = ts->doms.used, before;
    int ret;

    ts->by_type[SCAN_T_DOMAIN] = ts->doms.used;

    for (size_t i = 0; i < ts->nranges; i++) {
        struct range *r = &ts->ranges[i];
        ret = mark_containers(ts, r->type, r->addr, r->prefix, r->seq, range_size(r), &r->covered);
        if (ret)
            return ret;
    }
    before = sum;
    ret = mark_singles(ts, &ts->set4, SCAN_T_IP4, &sum);
    if (ret)
        return ret;
    ts->by_type[SCAN_T_IP4] = sum - before;
    before = sum;
    ret = mark_singles(ts, &ts->set6, SCAN_T_IP6, &sum);
    if (ret)
        return ret;
    ts->by_type[SCAN_T_IP6] = sum - before;
    for (size_t i = 0; i < ts->nranges; i++) {
        struct range *r = &ts->ranges[i];
        if (r->covered) {
            free(r->skip);
            r->skip = NULL;
            r->nskip = r->capskip = 0;
            continue;
        }
        before = sum;
        ret = settle_range(r, &sum);
        if (ret)
            return ret;
        ts->by_type[r->type] += sum - before;
    }
    *total = sum;
    return 0;
}

int scan_targets_prepare(struct scan_targets *ts, uint64_t *total)
{
    char whybuf[SCAN_SPEC_WHY_MAX];
    struct scan_spec sp;
    const char *why;
    int ret = 0, ioret = 0;
    size_t n;

    *total = 0;
    if (ts->state != ST_NEW)
        return -EINVAL;
    ts->state = ST_FAILED;
    ts->fail_ret = -EINVAL;
    for (;;) {
        ret = cursor_next(ts, true, &n, &why);
        if (ret == 0)
            break;
        if (ret < 0) {
            if (!ioret)
                ioret = ret;
            continue;
        }
        if (!why && scan_spec_parse(ts->line, &sp, whybuf, sizeof(whybuf)) != 0)
            why = whybuf;
        if (why) {
            report_bad(ts, ts->line, n, why);
            continue;
        }
        ret = prep_spec(ts, &sp, ts->line);
        if (ret)
            goto out;
    }
    if (ts->nbad > MAX_REPORTS)
        say(ts, !ts->opts.skip_invalid, "... and %llu more",
            (unsigned long long)(ts->nbad - MAX_REPORTS));
    if (ts->nres > MAX_REPORTS)
        say(ts, false, "... and %llu more lines with reserved addresses skipped",
            (unsigned long long)(ts->nres - MAX_REPORTS));
    ret = ioret;
    if (!ret && ts->nbad > 0 && !ts->opts.skip_invalid)
        ret = SCAN_EPARSE;
    if (ret)
        goto out;
    ret = finalize(ts, total);
    if (ret)
        goto out;
    /* Rewind the cursor for the second pass. */
    ts->si = 0;
    ts->nvalid = 0;
    ts->state = ST_READY;
out:
    if (ret)
        *total = 0;
    return ret;
}

/* ------------------------------------------------------------------------- */
/* Second pass                                                                */

static char *put_octet(char *p, unsigned v)
{
    if (v >= 100) {
        *p++ = (char)('0' + v / 100);
        v %= 100;
        *p++ = (char)('0' + v / 10);
    } else if (v >= 10) {
        *p++ = (char)('0' + v / 10);
    }
    *p++ = (char)('0' + v % 10);
    return p;
}

static void fill_ip4(struct scan_target *t, uint32_t a)
{
    char *p = t->text;

    t->type = SCAN_T_IP4;
    memset(t->addr, 0, sizeof(t->addr));
    for (int i = 0; i < 4; i++) {
        t->addr[i] = (uint8_t)(a >> (24 - 8 * i));
        if (i > 0)
            *p++ = '.';
        p = put_octet(p, t->addr[i]);
    }
    *p = '\0';
}

static void fill_ip6(struct scan_target *t, const uint8_t *addr)
{
    t->type = SCAN_T_IP6;
    memcpy(t->addr, addr, sizeof(t->addr));
    inet_ntop(AF_INET6, t->addr, t->text, sizeof(t->text));
}

/* Address @p off of the range being walked. */
static void fill_walk(struct scan_target *t, const struct range *r, uint32_t off)
{
    if (is_v4(r->type)) {
        fill_ip4(t, tail32(SCAN_T_IP4, r->addr) + off);
    } else {
        uint8_t a[16];
        memcpy(a, r->addr, sizeof(a));
        uint32_t low = ((uint32_t)a[14] << 8 | a[15]) + off; /* a /112 at most: 16 bits */
        a[14] = (uint8_t)(low >> 8);
        a[15] = (uint8_t)low;
        fill_ip6(t, a);
    }
}

/*
 * A valid spec at @p seq: fill @p t when it is a single seen first here, start
 * the walk when it is a range seen first here. @return true when @p t was filled.
 */
static bool take_spec(struct scan_targets *ts, const struct scan_spec *sp, uint32_t seq,
                      struct scan_target *t)
{
    if (sp->type == SCAN_T_DOMAIN) {
        if (dset_get(&ts->doms, sp->domain) != seq + 1)
            return false;
        t->type = SCAN_T_DOMAIN;
        memset(t->addr, 0, sizeof(t->addr));
        memcpy(t->text, sp->domain, strlen(sp->domain) + 1);
        return true;
    }
    if (sp->prefix == family_bits(sp->type)) {
        /* Absent when reserved; TAG_COVERED makes the tag differ when in an earlier range. */
        if (kset_get(is_v4(sp->type) ? &ts->set4 : &ts->set6, sp->addr) != seq + 1)
            return false;
        if (is_v4(sp->type))
            fill_ip4(t, tail32(SCAN_T_IP4, sp->addr));
        else
            fill_ip6(t, sp->addr);
        return true;
    }
    const struct range *r = range_find(ts, sp->type, sp->addr, sp->prefix);
    if (!r || r->seq != seq || r->covered)
        return false;
    ts->walk = r;
    ts->off = 0;
    ts->size = range_size(r);
    ts->wskip = 0;
    return false;
}

/* A target is handed out while the cursor is on the spec that first named it. */
static void set_source(const struct scan_targets *ts, struct scan_target *t)
{
    t->source = ts->si;
    t->pool = ts->opts.pools ? ts->opts.pools[ts->si] : NULL;
}

int scan_targets_next(struct scan_targets *ts, struct scan_target *t)
{
    struct scan_spec sp;
    const char *why;
    size_t n;
    int ret;

    if (ts->state == ST_DONE)
        return 1;
    if (ts->state != ST_READY)
        return ts->state == ST_FAILED ? ts->fail_ret : -EINVAL;
    for (;;) {
        const struct range *r = ts->walk;
        if (r) {
            /* The skips are sorted and disjoint: one comparison per address. */
            while (ts->wskip < r->nskip && ts->off >= r->skip[ts->wskip].lo) {
                if (ts->off < r->skip[ts->wskip].hi)
                    ts->off = r->skip[ts->wskip].hi;
                ts->wskip++;
            }
            if (ts->off < ts->size) {
                fill_walk(t, r, ts->off++);
                set_source(ts, t);
                return 0;
            }
            ts->walk = NULL;
        }
        ret = cursor_next(ts, false, &n, &why);
        if (ret == 0) {
            ts->state = ST_DONE;
            return 1;
        }
        if (ret < 0) {
            ts->state = ST_FAILED;
            ts->fail_ret = ret;
            return ret;
        }
        /* Bad lines were reported by the first pass (or the file changed: caught on open). */
        if (why || scan_spec_parse(ts->line, &sp, NULL, 0) != 0 || ts->nvalid >= SEQ_LIMIT)
            continue;
        if (take_spec(ts, &sp, ts->nvalid++, t)) {
            set_source(ts, t);
            return 0;
        }
    }
}

/* ------------------------------------------------------------------------- */
/* Lifecycle                                                                  */

int scan_targets_new(char *const *specs, size_t n, const struct scan_target_opts *opts,
                     struct scan_targets **out)
{
    struct scan_targets *ts;
    bool stdin_seen = false;
    int ret = 0;

    *out = NULL;
    ts = calloc(1, sizeof(*ts));
    if (!ts)
        return -ENOMEM;
    if (opts)
        ts->opts = *opts;
    kset_init(&ts->set4, 4);
    kset_init(&ts->set6, 16);
    kset_init(&ts->rix4, 5);
    kset_init(&ts->rix6, 17);
    ts->src = calloc(n ? n : 1, sizeof(*ts->src));
    if (!ts->src) {
        ret = -ENOMEM;
        goto out;
    }
    ts->nsrc = n;
    for (size_t i = 0; i < n; i++) {
        struct source *src = &ts->src[i];
        const char *s = specs[i];
        src->text = s;
        src->kind = SRC_ARG;
        if (strcmp(s, "-") == 0) {
            if (stdin_seen)
                src->bad = "standard input named more than once";
            else
                src->kind = SRC_STDIN;
            stdin_seen = true;
        } else if (s[0] == '@') {
            if (s[1] == '\0') {
                src->bad = "missing file name after '@'";
            } else {
                src->kind = SRC_FILE;
                src->path = s + 1;
            }
        }
    }
    *out = ts;
out:
    if (ret)
        scan_targets_free(ts);
    return ret;
}

void scan_targets_free(struct scan_targets *ts)
{
    if (!ts)
        return;
    if (ts->own)
        fclose(ts->own);
    for (size_t i = 0; ts->src && i < ts->nsrc; i++)
        if (ts->src[i].spool)
            fclose(ts->src[i].spool);
    free(ts->src);
    kset_deinit(&ts->set4);
    kset_deinit(&ts->set6);
    kset_deinit(&ts->rix4);
    kset_deinit(&ts->rix6);
    dset_deinit(&ts->doms);
    for (size_t i = 0; i < ts->nranges; i++)
        free(ts->ranges[i].skip);
    free(ts->ranges);
    free(ts);
}

static int dent_by_tag(const void *a, const void *b)
{
    const struct dent *x = *(const struct dent *const *)a, *y = *(const struct dent *const *)b;
    return x->tag < y->tag ? -1 : x->tag > y->tag;
}

int scan_targets_domains(const struct scan_targets *ts, const char ***names, size_t *n)
{
    const struct dset *d = &ts->doms;
    const struct dent **v = NULL;
    const char **out = NULL;
    size_t k = 0;

    *names = NULL;
    *n = 0;
    if (ts->state != ST_READY && ts->state != ST_DONE)
        return -EINVAL;
    if (d->used == 0)
        return 0;
    v = malloc(d->used * sizeof(*v));
    out = malloc(d->used * sizeof(*out));
    if (!v || !out) {
        free(v);
        free(out);
        return -ENOMEM;
    }
    for (size_t i = 0; i < d->cap; i++)
        if (d->slots[i].tag)
            v[k++] = &d->slots[i];
    /* The tag is the seq a name was first seen at: input order. */
    qsort(v, k, sizeof(*v), dent_by_tag);
    for (size_t i = 0; i < k; i++)
        out[i] = v[i]->name;
    free(v);
    *names = out;
    *n = k;
    return 0;
}

void scan_targets_count_by_type(const struct scan_targets *ts, uint64_t counts[3])
{
    for (int i = 0; i < 3; i++)
        counts[i] = ts->by_type[i];
}
