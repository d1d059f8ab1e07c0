/* SPDX-License-Identifier: MIT
 * Copyright (C) 2026 The dnsbl-scan authors */
/**
 * @file
 * faultd: the fault-injecting DNS responder used by dnsbl-scan's integration tests.
 *
 * Real servers (rbldnsd, NSD) serve the well-behaved part of the test world. faultd serves
 * what they will not do on demand: drop queries, answer late, SERVFAIL, truncate, send
 * malformed packets or a mismatched ID, list the world, and so on. The behaviour is chosen by
 * the zone a query name falls under, `<mode>.fault.test.`, so one faultd process serves every
 * mode at once and a test picks a fault by picking a zone name.
 *
 * It is a single-threaded poll() loop over one UDP socket, one TCP listener on the same port
 * and a bounded set of TCP connections, all on 127.0.0.1. It binds port 0 and reports the port
 * it got, so tests never race for a free port. ldns parses queries and builds the well-formed
 * replies; the malformed ones are written byte by byte.
 *
 * See tests/faultd/README.md for the modes table and the command line.
 *
 * One file on purpose (over 600 lines): a stand-alone test server, built from this file
 * alone with no library of the project, so a test run never depends on the code under
 * test to inject its faults.
 */

/* The meson build passes -D_GNU_SOURCE for the whole project; the by-hand build in
 * README.md does not. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#define PROG "faultd"

#define FAULTD_MAX_CONNS     64    /**< concurrent TCP connections; more are closed at once */
#define FAULTD_MAX_DELAYED   1024  /**< replies waiting in the delay queue */
#define FAULTD_TCP_IDLE_MS   10000 /**< a TCP connection with no traffic for this long closes */
#define FAULTD_SLOW_MS       300   /**< delay of the `slow` mode */
#define FAULTD_BIND_TRIES    32    /**< port-0 attempts to get a port free for UDP and TCP */
#define FAULTD_UDP_BURST     64    /**< datagrams read per poll() wake-up */
#define FAULTD_ACCEPT_BURST  16    /**< connections accepted per poll() wake-up */
#define FAULTD_IO_BURST      16    /**< recv()/send() calls per connection per wake-up */
#define FAULTD_OUT_MAX       (256 * 1024) /**< queued TCP output before the connection is cut */
#define FAULTD_TTL           10
#define FAULTD_EDNS_SIZE     1232 /**< advertised in replies to EDNS queries */
#define FAULTD_HDR_LEN       12
#define FAULTD_MAX_MSG       65535
#define FAULTD_MAX_LABELS    128
#define FAULTD_GARBAGE_KINDS 5
#define FAULTD_TC_STRINGS    6
#define FAULTD_TC_STRLEN     250
#define FAULTD_MANY_ADDRS    17 /**< `many`: 127.0.0.2 .. 127.0.0.18, then one refusal code */

/** Exit codes (positive, documented in README.md). */
enum faultd_exit {
    FAULTD_EXIT_OK = 0,      /**< stopped by SIGTERM/SIGINT or --max-seconds */
    FAULTD_EXIT_USAGE = 2,   /**< bad command line */
    FAULTD_EXIT_RUNTIME = 3, /**< could not bind, write a file, or serve */
};

/** Command-line options, filled by parse_opts(). */
struct faultd_opts {
    unsigned port;         /**< 0 = let the kernel choose */
    const char *port_file; /**< borrowed from argv, may be NULL */
    const char *pid_file;  /**< borrowed from argv, may be NULL */
    const char *log_path;  /**< borrowed from argv, may be NULL */
    unsigned max_seconds;
};

enum mode {
    MODE_OK,
    MODE_TIMEOUT,
    MODE_SERVFAIL,
    MODE_REFUSED,
    MODE_NODATA,
    MODE_TC,
    MODE_GARBAGE,
    MODE_BADID,
    MODE_SLOW,
    MODE_PARKED,
    MODE_ESCAPE,
    MODE_REFUSALCODE,
    MODE_HCFAIL_TIMEOUT,
    MODE_HCFAIL_WORLD,
    MODE_CNAME_LOOP,
    MODE_OTHERNAME,
    MODE_WRONGCLASS,
    MODE_AAAA,
    MODE_CNAMEDEAD,
    MODE_TCEMPTY,
    MODE_MANY,
    MODE_IP6ONLY,
    MODE_UNDOC,
    MODE_ECHO,
};

/** One DNS character-string (at most 255 bytes; may hold NUL and any other byte). */
struct txt_str {
    const char *p;
    size_t len;
};

/** One TXT record: a sequence of character-strings. */
struct txt_rr {
    const struct txt_str *strs;
    size_t n;
};

/* A TXT record made of one string literal; the compound literal has static storage. */
#define TXT1(s)                                                                                    \
    {                                                                                              \
        (const struct txt_str[]){{s, sizeof(s) - 1}}, 1                                            \
    }

static const struct txt_rr txt_test_point = TXT1("test point");
static const struct txt_rr txt_listed_ok = TXT1("listed by ok.fault.test");
static const struct txt_rr txt_listed_slow = TXT1("listed by slow.fault.test");
static const struct txt_rr txt_listed_badid = TXT1("listed by badid.fault.test");
static const struct txt_rr txt_listed_world = TXT1("listed by hcfail-world.fault.test");
static const struct txt_rr txt_refusal = TXT1("Error: open resolver; refusalcode.fault.test");
static const struct txt_rr txt_listed_many = TXT1("listed by many.fault.test");
static const struct txt_rr txt_listed_ip6only = TXT1("listed by ip6only.fault.test");
static const struct txt_rr txt_listed_undoc = TXT1("listed by undoc.fault.test");

/*
 * The `escape` TXT set. The first record carries every hostile byte the scanner's writers must
 * neutralise: a CSV formula start, double quotes, commas, terminal escape sequences (SGR and
 * an OSC title ended by BEL), a newline, a NUL, invalid UTF-8 and a backslash. The next three
 * start with the other formula characters, so each of = + - @ begins a record.
 */
static const struct txt_rr txt_escape[] = {
    TXT1("=HYPERLINK(\"http://x\") \"quoted\", comma, \x1b[31mRED\x1b]0;title\x07 new\nline "
         "nul\0byte bad\xff\xfe utf8 back\\slash"),
    TXT1("+SUM(1,1)"),
    TXT1("-SUM(1,1)"),
    TXT1("@SUM(1,1)"),
};

/* The ~1500-byte TCP-only TXT of the `tc` mode; filled by tc_txt_init(). */
static char tc_txt_buf[FAULTD_TC_STRINGS][FAULTD_TC_STRLEN];
static struct txt_str tc_txt_strs[FAULTD_TC_STRINGS];
static const struct txt_rr txt_tc = {tc_txt_strs, FAULTD_TC_STRINGS};

/** A mode zone: its first label and the TXT records given with its listings (none if NULL). */
struct mode_def {
    const char *label;
    enum mode mode;
    const struct txt_rr *txt;
    size_t n_txt;
};

static const struct mode_def mode_table[] = {
    {"ok", MODE_OK, &txt_listed_ok, 1},
    {"timeout", MODE_TIMEOUT, NULL, 0},
    {"servfail", MODE_SERVFAIL, NULL, 0},
    {"refused", MODE_REFUSED, NULL, 0},
    {"nodata", MODE_NODATA, NULL, 0},
    {"tc", MODE_TC, &txt_tc, 1},
    {"garbage", MODE_GARBAGE, NULL, 0},
    {"badid", MODE_BADID, &txt_listed_badid, 1},
    {"slow", MODE_SLOW, &txt_listed_slow, 1},
    {"parked", MODE_PARKED, NULL, 0},
    {"escape", MODE_ESCAPE, txt_escape, sizeof(txt_escape) / sizeof(txt_escape[0])},
    {"refusalcode", MODE_REFUSALCODE, &txt_refusal, 1},
    {"hcfail-timeout", MODE_HCFAIL_TIMEOUT, NULL, 0},
    {"hcfail-world", MODE_HCFAIL_WORLD, &txt_listed_world, 1},
    {"cname-loop", MODE_CNAME_LOOP, NULL, 0},
    {"othername", MODE_OTHERNAME, NULL, 0},
    {"wrongclass", MODE_WRONGCLASS, NULL, 0},
    {"aaaa", MODE_AAAA, NULL, 0},
    {"cnamedead", MODE_CNAMEDEAD, NULL, 0},
    {"tcempty", MODE_TCEMPTY, NULL, 0},
    {"many", MODE_MANY, &txt_listed_many, 1},
    {"ip6only", MODE_IP6ONLY, &txt_listed_ip6only, 1},
    {"undoc", MODE_UNDOC, &txt_listed_undoc, 1},
    {"echo", MODE_ECHO, NULL, 0},
};

/* RFC 5782 section 5 test points, as the host part in front of the zone. */
static const char *const test_points_listed[] = {
    "2.0.0.127",
    "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
    "test",
};
static const char *const test_points_unlisted[] = {
    "1.0.0.127",
    "1.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0",
    "invalid",
};

static const uint8_t addr_listed[4] = {127, 0, 0, 2};
static const uint8_t addr_parked[4] = {91, 195, 240, 117};
static const uint8_t addr_refusal[4] = {127, 255, 255, 254};
/* `aaaa`: ::ffff:127.0.0.2, the listed code dressed as an IPv6 address. */
static const uint8_t addr6_listed[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 2};

/* `othername`: the owner of the A record, which is never the question name. */
#define FAULTD_OTHERNAME_OWNER "other.othername.fault.test."
/* `cnamedead`: the CNAME target; it exists (NOERROR) but has no record of any type. */
#define FAULTD_CNAMEDEAD_TARGET "dead.cnamedead.fault.test."
/* `ip6only`: the RFC 5782 IPv6 listed test point (::ffff:7f00:2), answered NXDOMAIN there. */
#define FAULTD_TP6_LISTED "2.0.0.0.0.0.f.7.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
/* `undoc`: an extra, undocumented test point (127.0.0.4) that answers SERVFAIL. */
#define FAULTD_UNDOC_POINT "4.0.0.127"

/** The labels of a query name, each pointing at its length byte. Root excluded. */
struct qname_view {
    const uint8_t *label[FAULTD_MAX_LABELS];
    size_t n;
};

enum plan_kind { PLAN_DROP, PLAN_REPLY, PLAN_GARBAGE };
enum answer_kind {
    ANSWER_NONE,
    ANSWER_ADDR,
    ANSWER_CNAME_SELF,
    ANSWER_OTHERNAME,  /**< A 127.0.0.2 owned by FAULTD_OTHERNAME_OWNER, for any qtype */
    ANSWER_WRONGCLASS, /**< A 127.0.0.2 for the question name, but in class HS, for any qtype */
    ANSWER_AAAA,       /**< AAAA ::ffff:127.0.0.2 for the question name, for any qtype */
    ANSWER_CNAME_DEAD, /**< CNAME to FAULTD_CNAMEDEAD_TARGET, nothing more */
    ANSWER_MANY,       /**< A 127.0.0.2..18 then 127.255.255.254; TXT from the plan */
};

/** What to do with one query: the output of plan_decide(), the input of reply_build(). */
struct plan {
    enum plan_kind kind;
    uint8_t rcode;
    enum answer_kind answer;
    const uint8_t *addr;      /**< ANSWER_ADDR: the A record's address */
    const struct txt_rr *txt; /**< ANSWER_ADDR: TXT records for TXT/ANY queries, may be NULL */
    size_t n_txt;
    bool truncated;              /**< set TC and leave the answer empty (UDP and TCP alike) */
    bool bad_id;                 /**< reply with a different ID */
    unsigned delay_ms;           /**< 0 = reply at once */
    const struct mode_def *zone; /**< zone for the negative-answer SOA; NULL = none */
    /* MODE_ECHO: the TXT record that echoes the query name (points into the plan). */
    char echo_buf[300];
    struct txt_str echo_str;
    struct txt_rr echo_rr;
};

/** A reply ready to go out; wire is malloc'd and owned by whoever holds the reply. */
struct reply {
    uint8_t *wire;
    size_t len;
    unsigned delay_ms;
};

struct conn {
    int fd;          /**< -1 = free slot */
    uint64_t serial; /**< tells a reused slot from the connection a delayed reply was for */
    uint8_t *in;     /**< 2 + FAULTD_MAX_MSG bytes */
    size_t in_len;
    uint8_t *out;
    size_t out_len, out_off, out_cap;
    int64_t last_ms;
    unsigned pending; /**< delayed replies still queued for this connection */
    bool eof;
};

struct delayed {
    int64_t due_ms;
    bool tcp;
    struct sockaddr_in peer; /**< UDP */
    size_t conn;             /**< TCP: slot index ... */
    uint64_t serial;         /**< ... and the serial it had */
    uint8_t *wire;
    size_t len;
};

struct server {
    int udp_fd;
    int tcp_fd;
    unsigned port;
    FILE *log;
    int failed; /**< first fatal error seen while serving, 0 if none */
    uint64_t next_serial;
    struct conn conns[FAULTD_MAX_CONNS];
    /* The delay queue is a FIFO ring: every delay is FAULTD_SLOW_MS, so due times only grow. */
    struct delayed delayed[FAULTD_MAX_DELAYED];
    size_t d_head, d_count;
};

static volatile sig_atomic_t stop_requested;
static int sig_pipe[2] = {-1, -1};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint8_t ascii_lower(uint8_t c)
{
    return (c >= 'A' && c <= 'Z') ? (uint8_t)(c - 'A' + 'a') : c;
}

/* Does the wire label (length byte first) equal s[0..len), ignoring ASCII case? */
static bool label_eq(const uint8_t *label, const char *s, size_t len)
{
    if (label[0] != len)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (ascii_lower(label[1 + i]) != ascii_lower((uint8_t)s[i]))
            return false;
    }
    return true;
}

static int qname_view_init(struct qname_view *v, const ldns_rdf *owner)
{
    const uint8_t *d = ldns_rdf_data(owner);
    size_t size = ldns_rdf_size(owner);
    size_t off = 0;

    v->n = 0;
    while (off < size && v->n < FAULTD_MAX_LABELS) {
        uint8_t len = d[off];

        if (len == 0)
            return 0;
        if (len > 63 || off + 1 + len > size)
            return -EINVAL;
        v->label[v->n++] = d + off;
        off += 1u + len;
    }
    return -EINVAL;
}

/* Are the first nhost labels exactly the dot-separated labels of `dotted`? */
static bool host_is(const struct qname_view *v, size_t nhost, const char *dotted)
{
    const char *p = dotted;

    for (size_t i = 0; i < nhost; i++) {
        const char *dot = strchr(p, '.');
        size_t seg = dot ? (size_t)(dot - p) : strlen(p);

        if (!label_eq(v->label[i], p, seg))
            return false;
        if (!dot)
            return i + 1 == nhost;
        p = dot + 1;
    }
    return false;
}

/* Find the mode zone `<mode>.fault.test.` the name falls under; *nhost = labels before it. */
static const struct mode_def *zone_lookup(const struct qname_view *v, size_t *nhost)
{
    if (v->n < 3 || !label_eq(v->label[v->n - 1], "test", 4) ||
        !label_eq(v->label[v->n - 2], "fault", 5))
        return NULL;
    for (size_t i = 0; i < sizeof(mode_table) / sizeof(mode_table[0]); i++) {
        const char *l = mode_table[i].label;

        if (label_eq(v->label[v->n - 3], l, strlen(l))) {
            *nhost = v->n - 3;
            return &mode_table[i];
        }
    }
    return NULL;
}

/* 1 = listed test point, -1 = must-not-be-listed test point, 0 = an ordinary name. */
static int test_point(const struct qname_view *v, size_t nhost)
{
    for (size_t i = 0; i < sizeof(test_points_listed) / sizeof(test_points_listed[0]); i++) {
        if (host_is(v, nhost, test_points_listed[i]))
            return 1;
    }
    for (size_t i = 0; i < sizeof(test_points_unlisted) / sizeof(test_points_unlisted[0]); i++) {
        if (host_is(v, nhost, test_points_unlisted[i]))
            return -1;
    }
    return 0;
}

static void plan_addr(struct plan *p, const uint8_t *addr, const struct txt_rr *txt, size_t n_txt)
{
    p->answer = ANSWER_ADDR;
    p->addr = addr;
    p->txt = txt;
    p->n_txt = n_txt;
}

/*
 * The heart of faultd: map a query name to a behaviour. It is a pure function of the name
 * and the transport. Test points are handled before the mode so that list health checks
 * pass in every zone except the hcfail-* ones, which exist to fail them.
 */
/* MODE_ECHO: a TXT record "listed: <query name>", as some lists echo the name asked,
 * key label included. */
static void echo_fill(const struct qname_view *v, struct plan *p)
{
    size_t o = 0;
    memcpy(p->echo_buf, "listed: ", 8);
    o = 8;
    for (size_t i = 0; i < v->n; i++) {
        size_t len = v->label[i][0];
        if (o + len + 2 >= sizeof(p->echo_buf))
            break;
        if (i > 0)
            p->echo_buf[o++] = '.';
        memcpy(p->echo_buf + o, v->label[i] + 1, len);
        o += len;
    }
    p->echo_str.p = p->echo_buf;
    p->echo_str.len = o;
    p->echo_rr.strs = &p->echo_str;
    p->echo_rr.n = 1;
}

/* One piece on purpose (about 130 lines): the table of faults by the query name's
 * first label, one case per fault, read side by side with tests/faultd/README.md. */
static void plan_decide(const struct qname_view *v, bool tcp, struct plan *p)
{
    const struct mode_def *md;
    size_t nhost = 0;
    bool first_is_2;
    int tp;

    memset(p, 0, sizeof(*p));
    p->kind = PLAN_REPLY;
    p->rcode = LDNS_RCODE_NOERROR;
    md = zone_lookup(v, &nhost);
    if (!md) {
        p->rcode = LDNS_RCODE_REFUSED;
        return;
    }
    p->zone = md;
    if (md->mode == MODE_HCFAIL_TIMEOUT) {
        p->kind = PLAN_DROP;
        return;
    }
    if (md->mode == MODE_HCFAIL_WORLD) {
        plan_addr(p, addr_listed, md->txt, md->n_txt);
        return;
    }
    if (md->mode == MODE_ECHO) {
        if (nhost == 0) {
            p->rcode = LDNS_RCODE_NXDOMAIN;
            return;
        }
        nhost--; /* the label in front of echo.fault.test stands for a list's key */
        echo_fill(v, p);
    }
    /* The broken test points of ip6only and undoc come before the working ones. */
    if (md->mode == MODE_IP6ONLY && host_is(v, nhost, FAULTD_TP6_LISTED)) {
        p->rcode = LDNS_RCODE_NXDOMAIN;
        return;
    }
    if (md->mode == MODE_UNDOC && host_is(v, nhost, FAULTD_UNDOC_POINT)) {
        p->rcode = LDNS_RCODE_SERVFAIL;
        return;
    }
    tp = test_point(v, nhost);
    if (tp > 0) {
        plan_addr(p, addr_listed, &txt_test_point, 1);
        return;
    }
    if (tp < 0) {
        p->rcode = LDNS_RCODE_NXDOMAIN;
        return;
    }

    first_is_2 = nhost > 0 && label_eq(v->label[0], "2", 1);
    switch (md->mode) {
    case MODE_OK:
    case MODE_SLOW:
    case MODE_BADID:
    case MODE_ESCAPE:
    case MODE_IP6ONLY:
    case MODE_UNDOC:
    case MODE_ECHO:
        p->delay_ms = md->mode == MODE_SLOW ? FAULTD_SLOW_MS : 0;
        p->bad_id = md->mode == MODE_BADID;
        if (first_is_2 && md->mode == MODE_ECHO)
            plan_addr(p, addr_listed, &p->echo_rr, 1);
        else if (first_is_2)
            plan_addr(p, addr_listed, md->txt, md->n_txt);
        else
            p->rcode = LDNS_RCODE_NXDOMAIN;
        break;
    case MODE_TIMEOUT:
        p->kind = PLAN_DROP;
        break;
    case MODE_SERVFAIL:
        p->rcode = LDNS_RCODE_SERVFAIL;
        break;
    case MODE_REFUSED:
        p->rcode = LDNS_RCODE_REFUSED;
        break;
    case MODE_NODATA:
        break;
    case MODE_TC:
        if (tcp)
            plan_addr(p, addr_listed, md->txt, md->n_txt);
        else
            p->truncated = true;
        break;
    case MODE_GARBAGE:
        p->kind = PLAN_GARBAGE;
        break;
    case MODE_PARKED:
        plan_addr(p, addr_parked, md->txt, md->n_txt);
        break;
    case MODE_REFUSALCODE:
        plan_addr(p, addr_refusal, md->txt, md->n_txt);
        break;
    case MODE_CNAME_LOOP:
        p->answer = ANSWER_CNAME_SELF;
        break;
    case MODE_OTHERNAME:
        p->answer = ANSWER_OTHERNAME;
        break;
    case MODE_WRONGCLASS:
        p->answer = ANSWER_WRONGCLASS;
        break;
    case MODE_AAAA:
        p->answer = ANSWER_AAAA;
        break;
    case MODE_CNAMEDEAD:
        /* The target itself exists with no data: NOERROR, empty, SOA. */
        if (!(nhost == 1 && label_eq(v->label[0], "dead", 4)))
            p->answer = ANSWER_CNAME_DEAD;
        break;
    case MODE_TCEMPTY:
        p->truncated = true;
        break;
    case MODE_MANY:
        if (first_is_2) {
            p->answer = ANSWER_MANY;
            p->txt = md->txt;
            p->n_txt = md->n_txt;
        } else {
            p->rcode = LDNS_RCODE_NXDOMAIN;
        }
        break;
    case MODE_HCFAIL_TIMEOUT:
    case MODE_HCFAIL_WORLD:
        break; /* handled above */
    }
}

static void tc_txt_init(void)
{
    static const char fill[] = "abcdefghijklmnopqrstuvwxyz0123456789";

    for (size_t i = 0; i < FAULTD_TC_STRINGS; i++) {
        int n = snprintf(tc_txt_buf[i], FAULTD_TC_STRLEN, "tc.fault.test TCP-only TXT part %zu/%d ",
                         i + 1, FAULTD_TC_STRINGS);

        for (size_t j = (size_t)n; j < FAULTD_TC_STRLEN; j++)
            tc_txt_buf[i][j] = fill[j % (sizeof(fill) - 1)];
        tc_txt_strs[i].p = tc_txt_buf[i];
        tc_txt_strs[i].len = FAULTD_TC_STRLEN;
    }
}

/* An RR with a copy of owner, class IN and the house TTL; NULL only on ENOMEM. */
static ldns_rr *rr_new(const ldns_rdf *owner, ldns_rr_type type)
{
    ldns_rr *rr = ldns_rr_new();
    ldns_rdf *o;

    if (!rr)
        return NULL;
    o = ldns_rdf_clone(owner);
    if (!o) {
        ldns_rr_free(rr);
        return NULL;
    }
    ldns_rr_set_owner(rr, o);
    ldns_rr_set_type(rr, type);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr, FAULTD_TTL);
    return rr;
}

/* Append an rdf copied from data; on success the rr owns it. */
static int rr_add_rdf(ldns_rr *rr, ldns_rdf_type type, size_t len, const void *data)
{
    ldns_rdf *rdf = ldns_rdf_new_frm_data(type, len, data);

    if (!rdf)
        return -ENOMEM;
    if (!ldns_rr_push_rdf(rr, rdf)) {
        ldns_rdf_deep_free(rdf);
        return -ENOMEM;
    }
    return 0;
}

/* Push rr into a packet section. Takes ownership of rr in every case. */
static int pkt_push(ldns_pkt *pkt, ldns_pkt_section section, ldns_rr *rr)
{
    if (!rr)
        return -ENOMEM;
    if (!ldns_pkt_push_rr(pkt, section, rr)) {
        ldns_rr_free(rr);
        return -ENOMEM;
    }
    return 0;
}

static int push_txt(ldns_pkt *r, const ldns_rdf *owner, const struct txt_rr *txt)
{
    ldns_rr *rr = rr_new(owner, LDNS_RR_TYPE_TXT);
    uint8_t buf[256];
    int ret = 0;

    if (!rr)
        return -ENOMEM;
    for (size_t i = 0; i < txt->n; i++) {
        if (txt->strs[i].len > 255) {
            ret = -EINVAL;
            goto out;
        }
        buf[0] = (uint8_t)txt->strs[i].len;
        memcpy(buf + 1, txt->strs[i].p, txt->strs[i].len);
        ret = rr_add_rdf(rr, LDNS_RDF_TYPE_STR, txt->strs[i].len + 1, buf);
        if (ret)
            goto out;
    }
    ret = pkt_push(r, LDNS_SECTION_ANSWER, rr);
    rr = NULL;
out:
    ldns_rr_free(rr);
    return ret;
}

/* Push one answer RR of one rdata field; cls is LDNS_RR_CLASS_IN except in `wrongclass` (HS). */
static int push_rdata_rr_class(ldns_pkt *r, const ldns_rdf *owner, ldns_rr_type type,
                               ldns_rr_class cls, ldns_rdf_type rdf_type, size_t len,
                               const void *data)
{
    ldns_rr *rr = rr_new(owner, type);
    int ret;

    if (!rr)
        return -ENOMEM;
    ldns_rr_set_class(rr, cls);
    ret = rr_add_rdf(rr, rdf_type, len, data);
    if (ret) {
        ldns_rr_free(rr);
        return ret;
    }
    return pkt_push(r, LDNS_SECTION_ANSWER, rr);
}

static int push_rdata_rr(ldns_pkt *r, const ldns_rdf *owner, ldns_rr_type type,
                         ldns_rdf_type rdf_type, size_t len, const void *data)
{
    return push_rdata_rr_class(r, owner, type, LDNS_RR_CLASS_IN, rdf_type, len, data);
}

/* `othername`: A 127.0.0.2 owned by the absolute name `name`, not by the question name. */
static int push_a_for(ldns_pkt *r, const char *name)
{
    ldns_rdf *d = ldns_dname_new_frm_str(name);
    int ret;

    if (!d)
        return -ENOMEM;
    ret = push_rdata_rr(r, d, LDNS_RR_TYPE_A, LDNS_RDF_TYPE_A, 4, addr_listed);
    ldns_rdf_deep_free(d); /* rr_new() copied it */
    return ret;
}

/* `cnamedead`: owner CNAME target, target an absolute name. */
static int push_cname_to(ldns_pkt *r, const ldns_rdf *owner, const char *target)
{
    ldns_rdf *d = ldns_dname_new_frm_str(target);
    int ret;

    if (!d)
        return -ENOMEM;
    ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_CNAME, LDNS_RDF_TYPE_DNAME, ldns_rdf_size(d),
                        ldns_rdf_data(d));
    ldns_rdf_deep_free(d); /* rr_add_rdf() copied its bytes */
    return ret;
}

/* `many`: FAULTD_MANY_ADDRS listing codes, then the refusal code last, in this order. */
static int push_many(ldns_pkt *r, const ldns_rdf *owner)
{
    int ret = 0;

    for (unsigned i = 0; ret == 0 && i < FAULTD_MANY_ADDRS; i++) {
        const uint8_t a[4] = {127, 0, 0, (uint8_t)(2 + i)};

        ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_A, LDNS_RDF_TYPE_A, 4, a);
    }
    if (ret == 0)
        ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_A, LDNS_RDF_TYPE_A, 4, addr_refusal);
    return ret;
}

/* Fill the answer section from the plan. A and TXT go only to queries of that type (or ANY). */
static int push_answers(ldns_pkt *r, const ldns_rr *qrr, const struct plan *p)
{
    const ldns_rdf *owner = ldns_rr_owner(qrr);
    ldns_rr_type qtype = ldns_rr_get_type(qrr);
    int ret = 0;

    switch (p->answer) {
    case ANSWER_NONE:
        break;
    case ANSWER_CNAME_SELF:
        ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_CNAME, LDNS_RDF_TYPE_DNAME, ldns_rdf_size(owner),
                            ldns_rdf_data(owner));
        break;
    case ANSWER_OTHERNAME:
        ret = push_a_for(r, FAULTD_OTHERNAME_OWNER);
        break;
    case ANSWER_WRONGCLASS:
        ret = push_rdata_rr_class(r, owner, LDNS_RR_TYPE_A, LDNS_RR_CLASS_HS, LDNS_RDF_TYPE_A, 4,
                                  addr_listed);
        break;
    case ANSWER_AAAA:
        ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_AAAA, LDNS_RDF_TYPE_AAAA, 16, addr6_listed);
        break;
    case ANSWER_CNAME_DEAD:
        ret = push_cname_to(r, owner, FAULTD_CNAMEDEAD_TARGET);
        break;
    case ANSWER_MANY:
    case ANSWER_ADDR:
        if (qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_ANY) {
            if (p->answer == ANSWER_MANY)
                ret = push_many(r, owner);
            else
                ret = push_rdata_rr(r, owner, LDNS_RR_TYPE_A, LDNS_RDF_TYPE_A, 4, p->addr);
        }
        for (size_t i = 0; ret == 0 && i < p->n_txt; i++) {
            if (qtype == LDNS_RR_TYPE_TXT || qtype == LDNS_RR_TYPE_ANY)
                ret = push_txt(r, owner, &p->txt[i]);
        }
        break;
    }
    return ret;
}

/* RFC 2308: negative answers carry the zone's SOA in the authority section. */
static int push_soa(ldns_pkt *r, const struct mode_def *zone)
{
    char text[256];
    ldns_rr *rr = NULL;

    snprintf(text, sizeof(text),
             "%s.fault.test. %d IN SOA ns.fault.test. hostmaster.fault.test. 1 3600 600 86400 %d",
             zone->label, FAULTD_TTL, FAULTD_TTL);
    if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
        return -ENOMEM;
    if (!ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY, rr)) {
        ldns_rr_free(rr);
        return -ENOMEM;
    }
    return 0;
}

/*
 * Build the well-formed reply to q. The question qrr (NULL when q has none or several) is
 * echoed and answered; QR and AA are set and RD is copied. With `truncate` (or a plan that asks for
 * it) the reply has TC set and no records, which is what a server sends when the answer does not
 * fit in UDP. On success *wire is malloc'd and the caller frees it with free().
 */
static int reply_build(const ldns_pkt *q, const ldns_rr *qrr, const struct plan *p, bool truncate,
                       uint8_t **wire, size_t *len)
{
    ldns_pkt *r = NULL;
    int ret;

    *wire = NULL;
    *len = 0;
    truncate = truncate || p->truncated;
    r = ldns_pkt_new();
    if (!r) {
        ret = -ENOMEM;
        goto out;
    }
    ldns_pkt_set_id(r, p->bad_id ? ldns_pkt_id(q) ^ 0x8000 : ldns_pkt_id(q));
    ldns_pkt_set_qr(r, true);
    ldns_pkt_set_aa(r, true);
    ldns_pkt_set_rd(r, ldns_pkt_rd(q));
    ldns_pkt_set_tc(r, truncate);
    ldns_pkt_set_opcode(r, ldns_pkt_get_opcode(q));
    ldns_pkt_set_rcode(r, p->rcode);
    if (ldns_pkt_edns(q))
        ldns_pkt_set_edns_udp_size(r, FAULTD_EDNS_SIZE);
    if (qrr) {
        ret = pkt_push(r, LDNS_SECTION_QUESTION, ldns_rr_clone(qrr));
        if (ret)
            goto out;
    }
    if (qrr && !truncate) {
        ret = push_answers(r, qrr, p);
        if (ret)
            goto out;
        /* A CNAME to a name with no data is a NODATA at the target: SOA too (RFC 2308 2.2). */
        if (p->zone && (ldns_pkt_ancount(r) == 0 || p->answer == ANSWER_CNAME_DEAD) &&
            (p->rcode == LDNS_RCODE_NOERROR || p->rcode == LDNS_RCODE_NXDOMAIN)) {
            ret = push_soa(r, p->zone);
            if (ret)
                goto out;
        }
    }
    if (ldns_pkt2wire(wire, r, len) != LDNS_STATUS_OK) {
        *wire = NULL;
        *len = 0;
        ret = -ENOMEM;
        goto out;
    }
    ret = 0;
out:
    ldns_pkt_free(r);
    return ret;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static uint32_t fnv1a_lower(const uint8_t *d, size_t len)
{
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++) {
        h ^= ascii_lower(d[i]);
        h *= 16777619u;
    }
    return h;
}

/*
 * The `garbage` mode: a reply with the right ID and a broken body. Which way it is broken
 * depends on a hash of the lower-cased query name, so a given name always gets the same
 * kind and a test can pin one:
 *   0  header cut after 7 bytes;
 *   1  an answer RR cut inside its TTL;
 *   2  an answer whose owner is a compression pointer to itself (a loop);
 *   3  an answer whose RDLENGTH (256) runs past the end of the packet;
 *   4  an answer whose owner is a compression pointer past the end of the packet.
 */
static int garbage_build(const ldns_pkt *q, const ldns_rr *qrr, struct reply *out)
{
    const ldns_rdf *owner = ldns_rr_owner(qrr);
    size_t qlen = ldns_rdf_size(owner);
    unsigned kind = fnv1a_lower(ldns_rdf_data(owner), qlen) % FAULTD_GARBAGE_KINDS;
    uint8_t *b;
    size_t n = FAULTD_HDR_LEN;
    size_t rr_off;

    b = malloc(FAULTD_HDR_LEN + qlen + 4 + 16);
    if (!b)
        return -ENOMEM;
    put16(b, ldns_pkt_id(q));
    b[2] = (uint8_t)(0x84 | (ldns_pkt_rd(q) ? 0x01 : 0x00)); /* QR, AA, RD copied */
    b[3] = 0x00;
    put16(b + 4, 1);                 /* QDCOUNT */
    put16(b + 6, kind == 0 ? 0 : 1); /* ANCOUNT */
    put16(b + 8, 0);
    put16(b + 10, 0);
    if (kind == 0) {
        out->wire = b;
        out->len = 7;
        return 0;
    }
    memcpy(b + n, ldns_rdf_data(owner), qlen);
    n += qlen;
    put16(b + n, (uint16_t)ldns_rr_get_type(qrr));
    put16(b + n + 2, LDNS_RR_CLASS_IN);
    n += 4;
    rr_off = n;
    put16(b + n, 0xc000 | FAULTD_HDR_LEN); /* owner: pointer to the question name */
    if (kind == 2)
        put16(b + n, (uint16_t)(0xc000 | rr_off));
    else if (kind == 4)
        put16(b + n, 0xc000 | 0x3fff);
    put16(b + n + 2, LDNS_RR_TYPE_A);
    put16(b + n + 4, LDNS_RR_CLASS_IN);
    put16(b + n + 6, 0);
    n += 8;
    if (kind != 1) {
        put16(b + n, FAULTD_TTL);
        put16(b + n + 2, kind == 3 ? 256 : 4);
        memcpy(b + n + 4, addr_listed, 4);
        n += 8;
    }
    out->wire = b;
    out->len = n;
    return 0;
}

/* Header-only FORMERR for a query ldns could not parse: ID, opcode and RD copied. */
static int formerr_build(const uint8_t *msg, struct reply *out)
{
    uint8_t *b = calloc(1, FAULTD_HDR_LEN);

    if (!b)
        return -ENOMEM;
    b[0] = msg[0];
    b[1] = msg[1];
    b[2] = (uint8_t)(0x80 | (msg[2] & 0x79));
    b[3] = LDNS_RCODE_FORMERR;
    out->wire = b;
    out->len = FAULTD_HDR_LEN;
    return 0;
}

static int log_query(struct server *s, bool tcp, const ldns_rr *qrr)
{
    char *name;
    char *type;
    int ret = 0;

    if (!s->log)
        return 0;
    name = ldns_rdf2str(ldns_rr_owner(qrr));
    type = ldns_rr_type2str(ldns_rr_get_type(qrr));
    if (!name || !type) {
        ret = -ENOMEM;
        goto out;
    }
    errno = 0;
    if (fprintf(s->log, "%lld %s %s %s\n", (long long)now_ms(), tcp ? "tcp" : "udp", name, type) <
            0 ||
        fflush(s->log) != 0) {
        ret = errno ? -errno : -EIO;
        fprintf(stderr, PROG ": query log: %s\n", strerror(-ret));
        goto out;
    }
out:
    free(name);
    free(type);
    return ret;
}

/* Largest UDP reply the client takes: 512, or its EDNS buffer size within [512, 4096]. */
static size_t udp_limit(const ldns_pkt *q)
{
    size_t size = ldns_pkt_edns_udp_size(q);

    if (!ldns_pkt_edns(q) || size < 512)
        return 512;
    return size > 4096 ? 4096 : size;
}

/*
 * Handle one query message from either transport. On return out->wire is the reply to send
 * (after out->delay_ms), or NULL when the query goes unanswered: too short to answer, a
 * response rather than a query, a mode that drops, or no memory. Anything wrong with the
 * query itself is the client's problem and gets FORMERR. A failing query log is fatal and
 * is recorded in s->failed, which ends the event loop.
 */
static void query_handle(struct server *s, const uint8_t *msg, size_t len, bool tcp,
                         struct reply *out)
{
    ldns_pkt *q = NULL;
    const ldns_rr *qrr;
    struct qname_view view;
    struct plan plan;
    int ret = 0;

    memset(out, 0, sizeof(*out));
    if (len < FAULTD_HDR_LEN || (msg[2] & 0x80))
        return;
    if (ldns_wire2pkt(&q, msg, len) != LDNS_STATUS_OK) {
        q = NULL;
        ret = formerr_build(msg, out);
        goto out;
    }

    memset(&plan, 0, sizeof(plan));
    plan.kind = PLAN_REPLY;
    qrr = ldns_pkt_qdcount(q) == 1 ? ldns_rr_list_rr(ldns_pkt_question(q), 0) : NULL;
    if (qrr) {
        ret = log_query(s, tcp, qrr);
        if (ret)
            goto out;
    }
    if (ldns_pkt_get_opcode(q) != LDNS_PACKET_QUERY)
        plan.rcode = LDNS_RCODE_NOTIMPL;
    else if (!qrr || qname_view_init(&view, ldns_rr_owner(qrr)) != 0)
        plan.rcode = LDNS_RCODE_FORMERR;
    else if (ldns_rr_get_class(qrr) != LDNS_RR_CLASS_IN)
        plan.rcode = LDNS_RCODE_REFUSED;
    else
        plan_decide(&view, tcp, &plan);

    switch (plan.kind) {
    case PLAN_DROP:
        ret = 0;
        break;
    case PLAN_GARBAGE:
        ret = garbage_build(q, qrr, out);
        break;
    case PLAN_REPLY:
        ret = reply_build(q, qrr, &plan, false, &out->wire, &out->len);
        if (ret == 0 && !tcp && out->len > udp_limit(q)) {
            free(out->wire);
            ret = reply_build(q, qrr, &plan, true, &out->wire, &out->len);
        }
        break;
    }
    out->delay_ms = plan.delay_ms;
out:
    if (ret) {
        free(out->wire);
        out->wire = NULL;
        if (ret != -ENOMEM && !s->failed)
            s->failed = ret;
    }
    ldns_pkt_free(q);
}

static bool peer_is_loopback(const struct sockaddr_in *peer)
{
    return peer->sin_family == AF_INET && (ntohl(peer->sin_addr.s_addr) >> 24) == 127 &&
           peer->sin_port != 0;
}

static void udp_send(struct server *s, const struct sockaddr_in *peer, const uint8_t *wire,
                     size_t len)
{
    /* UDP is lossy by contract; a failed send is a lost reply, as on a real network. */
    if (sendto(s->udp_fd, wire, len, 0, (const struct sockaddr *)peer, sizeof(*peer)) < 0 &&
        errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNREFUSED)
        fprintf(stderr, PROG ": sendto: %s\n", strerror(errno));
}

static void conn_close(struct server *s, size_t i)
{
    struct conn *c = &s->conns[i];

    if (c->fd < 0)
        return;
    close(c->fd);
    free(c->in);
    free(c->out);
    memset(c, 0, sizeof(*c));
    c->fd = -1;
}

/* Send queued output. Returns 0, or a negative errno when the connection must close. */
static int conn_flush(struct conn *c, int64_t now)
{
    for (int i = 0; i < FAULTD_IO_BURST && c->out_off < c->out_len; i++) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (errno == EINTR)
                continue;
            return -errno;
        }
        c->out_off += (size_t)n;
        c->last_ms = now;
    }
    if (c->out_off == c->out_len)
        c->out_off = c->out_len = 0;
    return 0;
}

/* Queue one framed message and try to send it. Negative errno: close the connection. */
static int conn_queue(struct conn *c, const uint8_t *wire, size_t len, int64_t now)
{
    size_t need;

    if (len > FAULTD_MAX_MSG)
        return -EMSGSIZE;
    if (c->out_off > 0) {
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off;
        c->out_off = 0;
    }
    need = c->out_len + 2 + len;
    if (need > FAULTD_OUT_MAX)
        return -ENOBUFS;
    if (need > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        uint8_t *p;

        while (cap < need)
            cap *= 2;
        p = realloc(c->out, cap);
        if (!p)
            return -ENOMEM;
        c->out = p;
        c->out_cap = cap;
    }
    put16(c->out + c->out_len, (uint16_t)len);
    memcpy(c->out + c->out_len + 2, wire, len);
    c->out_len = need;
    return conn_flush(c, now);
}

/* Put a reply in the delay queue; takes ownership of rep->wire. */
static void delayed_push(struct server *s, struct reply *rep, bool tcp,
                         const struct sockaddr_in *peer, size_t ci, int64_t now)
{
    struct delayed *d;

    if (s->d_count == FAULTD_MAX_DELAYED) {
        fprintf(stderr, PROG ": delay queue full, dropping a reply\n");
        free(rep->wire);
        rep->wire = NULL;
        return;
    }
    d = &s->delayed[(s->d_head + s->d_count) % FAULTD_MAX_DELAYED];
    s->d_count++;
    memset(d, 0, sizeof(*d));
    d->due_ms = now + rep->delay_ms;
    d->tcp = tcp;
    if (tcp) {
        d->conn = ci;
        d->serial = s->conns[ci].serial;
        s->conns[ci].pending++;
    } else {
        d->peer = *peer;
    }
    d->wire = rep->wire;
    d->len = rep->len;
    rep->wire = NULL;
}

/* Send every delayed reply that is due; replies for connections since closed are dropped. */
static void delayed_fire(struct server *s, int64_t now)
{
    while (s->d_count > 0 && s->delayed[s->d_head].due_ms <= now) {
        struct delayed *d = &s->delayed[s->d_head];

        if (!d->tcp) {
            udp_send(s, &d->peer, d->wire, d->len);
        } else if (s->conns[d->conn].fd >= 0 && s->conns[d->conn].serial == d->serial) {
            struct conn *c = &s->conns[d->conn];

            c->pending--;
            if (conn_queue(c, d->wire, d->len, now) != 0)
                conn_close(s, d->conn);
        }
        free(d->wire);
        d->wire = NULL;
        s->d_head = (s->d_head + 1) % FAULTD_MAX_DELAYED;
        s->d_count--;
    }
}

static void udp_read(struct server *s, int64_t now)
{
    static uint8_t buf[FAULTD_MAX_MSG];

    for (int i = 0; i < FAULTD_UDP_BURST; i++) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        struct reply rep;
        ssize_t n;

        n = recvfrom(s->udp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
        if (n < 0) {
            if (errno == EINTR || errno == ECONNREFUSED)
                continue;
            break; /* EAGAIN, or an error poll() will report again */
        }
        if (plen != sizeof(peer) || !peer_is_loopback(&peer))
            continue;
        query_handle(s, buf, (size_t)n, false, &rep);
        if (!rep.wire)
            continue;
        if (rep.delay_ms) {
            delayed_push(s, &rep, false, &peer, 0, now);
            continue;
        }
        udp_send(s, &peer, rep.wire, rep.len);
        free(rep.wire);
    }
}

static void tcp_accept(struct server *s, int64_t now)
{
    for (int i = 0; i < FAULTD_ACCEPT_BURST; i++) {
        int fd = accept4(s->tcp_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        size_t slot;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        for (slot = 0; slot < FAULTD_MAX_CONNS; slot++) {
            if (s->conns[slot].fd < 0)
                break;
        }
        if (slot == FAULTD_MAX_CONNS) {
            close(fd); /* over the bound: the client sees a reset or EOF */
            continue;
        }
        s->conns[slot].in = malloc(2 + FAULTD_MAX_MSG);
        if (!s->conns[slot].in) {
            close(fd);
            continue;
        }
        s->conns[slot].fd = fd;
        s->conns[slot].serial = ++s->next_serial;
        s->conns[slot].last_ms = now;
    }
}

/*
 * Answer every complete length-framed query in the connection's input buffer. Returns 0, or a
 * negative errno when the connection must close (a zero-length frame, a send error).
 */
static int conn_process(struct server *s, size_t ci, int64_t now)
{
    struct conn *c = &s->conns[ci];
    size_t off = 0;
    int ret = 0;

    while (c->in_len - off >= 2) {
        size_t mlen = (size_t)c->in[off] << 8 | c->in[off + 1];
        struct reply rep;

        if (mlen == 0) {
            ret = -EPROTO;
            goto out;
        }
        if (c->in_len - off < 2 + mlen)
            break;
        query_handle(s, c->in + off + 2, mlen, true, &rep);
        off += 2 + mlen;
        if (!rep.wire)
            continue;
        if (rep.delay_ms) {
            delayed_push(s, &rep, true, NULL, ci, now);
            continue;
        }
        ret = conn_queue(c, rep.wire, rep.len, now);
        free(rep.wire);
        if (ret)
            goto out;
    }
out:
    if (ret == 0 && off > 0) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
    return ret;
}

static int conn_read(struct server *s, size_t ci, int64_t now)
{
    struct conn *c = &s->conns[ci];

    for (int i = 0; i < FAULTD_IO_BURST && !c->eof; i++) {
        ssize_t n = recv(c->fd, c->in + c->in_len, 2 + FAULTD_MAX_MSG - c->in_len, 0);
        int ret;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -errno;
        }
        if (n == 0) {
            c->eof = true; /* answer what was asked, then close */
            return 0;
        }
        c->in_len += (size_t)n;
        c->last_ms = now;
        ret = conn_process(s, ci, now);
        if (ret)
            return ret;
    }
    return 0;
}

/* Close idle connections and those whose client is done and fully answered. */
static void conns_reap(struct server *s, int64_t now)
{
    for (size_t i = 0; i < FAULTD_MAX_CONNS; i++) {
        struct conn *c = &s->conns[i];

        if (c->fd < 0)
            continue;
        if (now - c->last_ms >= FAULTD_TCP_IDLE_MS ||
            (c->eof && c->out_len == c->out_off && c->pending == 0))
            conn_close(s, i);
    }
}

/* Milliseconds poll() may sleep: until the next delayed reply, idle expiry or the deadline. */
static int poll_timeout(const struct server *s, int64_t now, int64_t deadline)
{
    int64_t next = deadline;

    if (s->d_count > 0 && s->delayed[s->d_head].due_ms < next)
        next = s->delayed[s->d_head].due_ms;
    for (size_t i = 0; i < FAULTD_MAX_CONNS; i++) {
        if (s->conns[i].fd >= 0 && s->conns[i].last_ms + FAULTD_TCP_IDLE_MS < next)
            next = s->conns[i].last_ms + FAULTD_TCP_IDLE_MS;
    }
    if (next <= now)
        return 0;
    return next - now > 1000 ? 1000 : (int)(next - now);
}

/*
 * The event loop. It ends on SIGTERM/SIGINT, at the --max-seconds deadline, or on a fatal
 * error (poll failing, the query log failing). The deadline bounds it, and every inner loop
 * is bounded by a burst constant or a table size.
 */
static int server_run(struct server *s, int64_t deadline)
{
    struct pollfd pfd[3 + FAULTD_MAX_CONNS];
    size_t slot_of[FAULTD_MAX_CONNS];
    int64_t now = now_ms();

    while (!stop_requested && !s->failed && now < deadline) {
        nfds_t n = 0, first_conn;
        int ready;

        delayed_fire(s, now);
        conns_reap(s, now);
        pfd[n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = s->udp_fd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = s->tcp_fd, .events = POLLIN};
        first_conn = n;
        for (size_t i = 0; i < FAULTD_MAX_CONNS; i++) {
            const struct conn *c = &s->conns[i];
            short ev = 0;

            if (c->fd < 0)
                continue;
            if (!c->eof && c->out_len - c->out_off < FAULTD_OUT_MAX / 2)
                ev |= POLLIN;
            if (c->out_len > c->out_off)
                ev |= POLLOUT;
            slot_of[n - first_conn] = i;
            pfd[n++] = (struct pollfd){.fd = c->fd, .events = ev};
        }

        ready = poll(pfd, n, poll_timeout(s, now, deadline));
        now = now_ms();
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (pfd[0].revents & POLLIN) {
            char drain[16];

            if (read(sig_pipe[0], drain, sizeof(drain)) < 0 && errno != EAGAIN)
                return -errno;
        }
        if (pfd[1].revents & (POLLIN | POLLERR))
            udp_read(s, now);
        if (pfd[2].revents & POLLIN)
            tcp_accept(s, now);
        for (nfds_t k = first_conn; k < n; k++) {
            size_t ci = slot_of[k - first_conn];
            struct conn *c = &s->conns[ci];
            int ret = 0;

            if (pfd[k].revents & (POLLIN | POLLERR | POLLHUP))
                ret = conn_read(s, ci, now);
            if (ret == 0 && (pfd[k].revents & POLLOUT))
                ret = conn_flush(c, now);
            if (ret == 0 && (pfd[k].revents & (POLLERR | POLLHUP)) && !(pfd[k].revents & POLLIN))
                ret = -ECONNRESET;
            if (ret)
                conn_close(s, ci);
        }
    }
    return s->failed;
}

/*
 * Bind UDP, then TCP on the port UDP got. A port free for UDP can be taken for TCP; with port
 * 0 that is retried with a fresh port, a bounded number of times. A fixed --port is tried once.
 */
static int bind_pair(struct server *s, unsigned want_port)
{
    int tries = want_port ? 1 : FAULTD_BIND_TRIES;
    int ret = -EADDRINUSE;

    for (int t = 0; t < tries; t++) {
        struct sockaddr_in a = {.sin_family = AF_INET};
        socklen_t alen = sizeof(a);
        int one = 1;

        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((uint16_t)want_port);
        s->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        s->tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->udp_fd < 0 || s->tcp_fd < 0 || bind(s->udp_fd, (struct sockaddr *)&a, alen) < 0 ||
            getsockname(s->udp_fd, (struct sockaddr *)&a, &alen) < 0 ||
            setsockopt(s->tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
            ret = -errno;
            goto out;
        }
        if (bind(s->tcp_fd, (struct sockaddr *)&a, alen) == 0) {
            if (listen(s->tcp_fd, FAULTD_MAX_CONNS) < 0) {
                ret = -errno;
                goto out;
            }
            s->port = ntohs(a.sin_port);
            return 0;
        }
        ret = -errno;
        close(s->udp_fd);
        close(s->tcp_fd);
        s->udp_fd = s->tcp_fd = -1;
        if (ret != -EADDRINUSE)
            return ret;
    }
out:
    if (s->udp_fd >= 0)
        close(s->udp_fd);
    if (s->tcp_fd >= 0)
        close(s->tcp_fd);
    s->udp_fd = s->tcp_fd = -1;
    return ret;
}

static void server_free(struct server *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < FAULTD_MAX_CONNS; i++)
        conn_close(s, i);
    while (s->d_count > 0) {
        free(s->delayed[s->d_head].wire);
        s->d_head = (s->d_head + 1) % FAULTD_MAX_DELAYED;
        s->d_count--;
    }
    if (s->udp_fd >= 0)
        close(s->udp_fd);
    if (s->tcp_fd >= 0)
        close(s->tcp_fd);
    if (s->log)
        fclose(s->log);
    free(s);
}

/* Open the log and bind the sockets. *out is NULL on failure; caller frees with server_free. */
static int server_new(const struct faultd_opts *o, struct server **out)
{
    struct server *s = calloc(1, sizeof(*s));
    int ret;

    *out = NULL;
    if (!s)
        return -ENOMEM;
    s->udp_fd = s->tcp_fd = -1;
    for (size_t i = 0; i < FAULTD_MAX_CONNS; i++)
        s->conns[i].fd = -1;
    if (o->log_path) {
        s->log = fopen(o->log_path, "we");
        if (!s->log) {
            ret = -errno;
            fprintf(stderr, PROG ": %s: %s\n", o->log_path, strerror(errno));
            goto fail;
        }
    }
    ret = bind_pair(s, o->port);
    if (ret) {
        fprintf(stderr, PROG ": bind 127.0.0.1:%u: %s\n", o->port, strerror(-ret));
        goto fail;
    }
    *out = s;
    return 0;
fail:
    server_free(s);
    return ret;
}

/* Write text to path through path.tmp.<pid> and rename(), so readers never see half a file. */
static int write_file_atomic(const char *path, const char *text)
{
    char tmp[4096];
    size_t len = strlen(text);
    int fd = -1;
    int ret;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp)) {
        ret = -ENAMETOOLONG;
        goto out;
    }
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        ret = -errno;
        goto out;
    }
    if (write(fd, text, len) != (ssize_t)len) {
        ret = errno ? -errno : -EIO;
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        ret = -errno;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) < 0) {
        ret = -errno;
        goto out;
    }
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    if (ret)
        unlink(tmp);
    return ret;
}

static void on_signal(int sig)
{
    int saved = errno;
    ssize_t n;

    (void)sig;
    stop_requested = 1;
    n = write(sig_pipe[1], "x", 1); /* wake poll(); a full pipe is already a wake-up */
    (void)n;
    errno = saved;
}

static int signals_init(void)
{
    struct sigaction sa;

    if (pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
        return -errno;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        return -errno;
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) < 0)
        return -errno;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: " PROG " [--port P] [--port-file F] [--pid-file F] [--log F]"
               " [--max-seconds N]\n"
               "Fault-injecting DNS responder on 127.0.0.1 (UDP and TCP, same port).\n"
               "Prints the port on stdout. Zones: <mode>.fault.test, see README.md.\n");
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        return -EINVAL;
    *out = (unsigned)v;
    return 0;
}

/* Fill *o from argv. Returns 0, 1 when --help was printed, or -EINVAL on a usage error. */
static int parse_opts(int argc, char **argv, struct faultd_opts *o)
{
    static const struct option longopts[] = {
        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'P'},
        {"pid-file", required_argument, NULL, 'i'},
        {"log", required_argument, NULL, 'l'},
        {"max-seconds", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->max_seconds = 600;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            if (parse_uint(optarg, 0, 65535, &o->port) != 0) {
                fprintf(stderr, PROG ": --port: not a port: %s\n", optarg);
                return -EINVAL;
            }
            break;
        case 'P':
            o->port_file = optarg;
            break;
        case 'i':
            o->pid_file = optarg;
            break;
        case 'l':
            o->log_path = optarg;
            break;
        case 'm':
            if (parse_uint(optarg, 1, 86400, &o->max_seconds) != 0) {
                fprintf(stderr, PROG ": --max-seconds: want 1..86400: %s\n", optarg);
                return -EINVAL;
            }
            break;
        case 'h':
            usage(stdout);
            return 1;
        default:
            usage(stderr);
            return -EINVAL;
        }
    }
    if (optind != argc) {
        fprintf(stderr, PROG ": unexpected argument: %s\n", argv[optind]);
        return -EINVAL;
    }
    return 0;
}

/* Publish pid and port: the files first, stdout last, so "port seen" means "ready". */
static int announce(const struct faultd_opts *o, const struct server *s)
{
    char text[32];
    int ret;

    if (o->pid_file) {
        snprintf(text, sizeof(text), "%ld\n", (long)getpid());
        ret = write_file_atomic(o->pid_file, text);
        if (ret) {
            fprintf(stderr, PROG ": %s: %s\n", o->pid_file, strerror(-ret));
            return ret;
        }
    }
    snprintf(text, sizeof(text), "%u\n", s->port);
    if (o->port_file) {
        ret = write_file_atomic(o->port_file, text);
        if (ret) {
            fprintf(stderr, PROG ": %s: %s\n", o->port_file, strerror(-ret));
            return ret;
        }
    }
    if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
        fprintf(stderr, PROG ": stdout: %s\n", strerror(errno));
        return -EIO;
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct faultd_opts opts;
    struct server *s = NULL;
    int rc = FAULTD_EXIT_RUNTIME;
    int ret;

    ret = parse_opts(argc, argv, &opts);
    if (ret != 0) {
        rc = ret > 0 ? FAULTD_EXIT_OK : FAULTD_EXIT_USAGE;
        goto out;
    }
    tc_txt_init();
    ret = signals_init();
    if (ret) {
        fprintf(stderr, PROG ": signals: %s\n", strerror(-ret));
        goto out;
    }
    ret = server_new(&opts, &s);
    if (ret)
        goto out;
    ret = announce(&opts, s);
    if (ret)
        goto out;
    ret = server_run(s, now_ms() + (int64_t)opts.max_seconds * 1000);
    if (ret) {
        fprintf(stderr, PROG ": stopping: %s\n", strerror(-ret));
        goto out;
    }
    rc = FAULTD_EXIT_OK;
out:
    server_free(s);
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
    }
    if (fclose(stdout) != 0 && rc == FAULTD_EXIT_OK)
        rc = FAULTD_EXIT_RUNTIME;
    return rc;
}
