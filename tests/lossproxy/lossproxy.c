/* SPDX-License-Identifier: MIT
 * Copyright (C) 2026 The dnsbl-scan authors */
/**
 * @file
 * lossproxy: a UDP proxy on loopback that loses packets on purpose, for dnsbl-scan's
 * integration tests.
 *
 * A client (the scanner) sends DNS queries to the proxy instead of to its resolver. The proxy
 * forwards each datagram to one upstream server on loopback and relays the replies back,
 * dropping each direction independently with a given probability drawn from a seeded PRNG, so
 * a run is repeatable. It measures how a client copes with a lossy path: retries, timeouts and
 * whether any answer reads differently because a packet went missing.
 *
 * Replies are matched to clients by socket, not by DNS ID: every client address:port gets its
 * own connected UDP socket towards the upstream, so two clients may use the same ID and the
 * upstream sees one source port per client, as it would without the proxy. TCP connections
 * (clients fall back to TCP on truncation) are passed through byte for byte, without loss.
 *
 * It binds 127.0.0.1 port 0 (UDP and TCP on the same port) and reports the port it got, like
 * tests/faultd. It refuses an upstream outside loopback, so no packet can leave the machine.
 * Every loop is bounded: the event loop by --max-seconds, the rest by table sizes and bursts.
 *
 * See tests/lossproxy/README.md for the command line and the statistics.
 *
 * One file on purpose (over 600 lines): a stand-alone test tool, built from this file
 * alone with no library of the project, so a test run never depends on the code under
 * test to inject its faults.
 */

/* The meson build passes -D_GNU_SOURCE for the whole project; the by-hand build does not. */
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

#define PROG "lossproxy"

#define LP_MAX_SESSIONS 1024        /**< UDP clients served at once; the oldest idle goes */
#define LP_SESSION_IDLE 30000       /**< ms without traffic before a UDP session closes */
#define LP_MAX_PAIRS    64          /**< TCP connections at once; more are closed at once */
#define LP_TCP_IDLE     10000       /**< ms without traffic before a TCP pair closes */
#define LP_TCP_BUF      (64 * 1024) /**< bytes buffered per TCP direction */
#define LP_UDP_BURST    64          /**< datagrams read per socket per poll() wake-up */
#define LP_ACCEPT_BURST 16          /**< connections accepted per wake-up */
#define LP_IO_BURST     16          /**< recv()/send() calls per TCP socket per wake-up */
#define LP_BIND_TRIES   32          /**< port-0 attempts to get one port for UDP and TCP */
#define LP_MAX_DGRAM    65535
#define LP_NFDS         (3 + LP_MAX_SESSIONS + 2 * LP_MAX_PAIRS)

/** Exit codes (positive, documented in README.md). */
enum lp_exit {
    LP_EXIT_OK = 0,      /**< stopped by SIGTERM/SIGINT or --max-seconds */
    LP_EXIT_USAGE = 2,   /**< bad command line, or an upstream outside loopback */
    LP_EXIT_RUNTIME = 3, /**< could not bind, write a file, or serve */
};

/** Command-line options, filled by parse_opts(). */
struct lp_opts {
    unsigned port;
    const char *port_file;  /**< borrowed from argv, may be NULL */
    const char *pid_file;   /**< borrowed from argv, may be NULL */
    const char *stats_file; /**< borrowed from argv, may be NULL */
    unsigned max_seconds;
    double loss_up;   /**< probability that a client->upstream datagram is dropped */
    double loss_down; /**< probability that an upstream->client datagram is dropped */
    uint64_t seed;
    struct sockaddr_storage upstream;
    socklen_t upstream_len;
};

/** What happened, printed at exit. "up" is client to upstream, "down" the way back. */
struct lp_stats {
    uint64_t up_received, up_forwarded, up_dropped, up_send_failed;
    uint64_t down_received, down_forwarded, down_dropped, down_send_failed;
    uint64_t sessions, sessions_evicted;
    uint64_t tcp_accepted, tcp_refused, tcp_up_bytes, tcp_down_bytes;
};

/** One UDP client: its address and the connected socket that talks to the upstream for it. */
struct session {
    int fd; /**< -1 = free slot */
    struct sockaddr_in client;
    int64_t last_ms;
};

/** One byte queue of a TCP pair: data[off, off+len) is waiting to be sent. */
struct tcp_buf {
    uint8_t *data; /**< LP_TCP_BUF bytes */
    size_t off, len;
};

/** One TCP connection from a client and the connection to the upstream made for it. */
struct tcp_pair {
    int cfd, ufd; /**< cfd -1 = free slot */
    bool connecting;
    bool c_eof, u_eof;   /**< the side has shut down its sending half */
    bool c_shut, u_shut; /**< we shut down our sending half towards that side */
    struct tcp_buf up;   /**< client to upstream */
    struct tcp_buf down; /**< upstream to client */
    int64_t last_ms;
};

/** A seeded xoshiro256** generator; one per direction, so each direction's drops are a
 * function of the seed and its own packet count only. */
struct prng {
    uint64_t s[4];
};

struct proxy {
    int udp_fd, tcp_fd;
    unsigned port;
    const struct lp_opts *o;
    struct prng rng_up, rng_down;
    struct lp_stats st;
    struct session sessions[LP_MAX_SESSIONS];
    struct tcp_pair pairs[LP_MAX_PAIRS];
};

static volatile sig_atomic_t stop_requested;
static int sig_pipe[2] = {-1, -1};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- PRNG ---------------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* Seed from (seed, stream), so the two directions draw from unrelated sequences. */
static void prng_init(struct prng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03u);

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t prng_next(struct prng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* True with probability p: a uniform double in [0, 1) below p. p = 0 never, p = 1 always. */
static bool prng_chance(struct prng *r, double p)
{
    double u = (double)(prng_next(r) >> 11) * (1.0 / 9007199254740992.0);

    return u < p;
}

/* ---- addresses ----------------------------------------------------------------------------- */

static bool sin_is_loopback(const struct sockaddr_in *a)
{
    return a->sin_family == AF_INET && (ntohl(a->sin_addr.s_addr) >> 24) == 127 && a->sin_port != 0;
}

/*
 * Parse "A.B.C.D:PORT" or "[::1]:PORT" into out. Only loopback is accepted: 127.0.0.0/8 or
 * ::1. Returns 0, -EINVAL for a malformed address, -EPERM for one outside loopback.
 */
static int parse_upstream(const char *s, struct sockaddr_storage *out, socklen_t *len)
{
    char host[64];
    const char *colon;
    const char *port_s;
    char *end;
    unsigned long port;
    size_t hlen;

    memset(out, 0, sizeof(*out));
    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (!close || close[1] != ':')
            return -EINVAL;
        hlen = (size_t)(close - s - 1);
        if (hlen == 0 || hlen >= sizeof(host))
            return -EINVAL;
        memcpy(host, s + 1, hlen);
        port_s = close + 2;
    } else {
        colon = strrchr(s, ':');
        if (!colon)
            return -EINVAL;
        hlen = (size_t)(colon - s);
        if (hlen == 0 || hlen >= sizeof(host))
            return -EINVAL;
        memcpy(host, s, hlen);
        port_s = colon + 1;
    }
    host[hlen] = '\0';
    errno = 0;
    port = strtoul(port_s, &end, 10);
    if (errno || end == port_s || *end || port_s[0] == '-' || port == 0 || port > 65535)
        return -EINVAL;

    if (s[0] == '[') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;

        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1)
            return -EINVAL;
        if (!IN6_IS_ADDR_LOOPBACK(&a6->sin6_addr))
            return -EPERM;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *len = sizeof(*a6);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)out;

        if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
            return -EINVAL;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (!sin_is_loopback(a4))
            return -EPERM;
        *len = sizeof(*a4);
    }
    return 0;
}

/* A socket towards the upstream, bound to the loopback address of its family. */
static int upstream_socket(const struct lp_opts *o, int type)
{
    struct sockaddr_storage local;
    socklen_t llen;
    int fd;

    memset(&local, 0, sizeof(local));
    if (o->upstream.ss_family == AF_INET6) {
        struct sockaddr_in6 *l6 = (struct sockaddr_in6 *)&local;

        l6->sin6_family = AF_INET6;
        l6->sin6_addr = in6addr_loopback;
        llen = sizeof(*l6);
    } else {
        struct sockaddr_in *l4 = (struct sockaddr_in *)&local;

        l4->sin_family = AF_INET;
        l4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        llen = sizeof(*l4);
    }
    fd = socket(o->upstream.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&local, llen) < 0) {
        int ret = -errno;

        close(fd);
        return ret;
    }
    return fd;
}

/* ---- UDP ----------------------------------------------------------------------------------- */

static void session_close(struct session *s)
{
    if (s->fd < 0)
        return;
    close(s->fd);
    s->fd = -1;
}

/*
 * The session of a client, made on its first datagram: a fresh UDP socket connected to the
 * upstream, so the upstream's replies on it belong to this client alone. With the table full,
 * the session idle longest is closed for it (a reply still on its way to it is lost, as a
 * NAT would lose it). NULL when no socket can be had.
 */
static struct session *session_get(struct proxy *p, const struct sockaddr_in *client, int64_t now)
{
    struct session *free_slot = NULL, *oldest = NULL;
    int fd;

    for (size_t i = 0; i < LP_MAX_SESSIONS; i++) {
        struct session *s = &p->sessions[i];

        if (s->fd < 0) {
            if (!free_slot)
                free_slot = s;
            continue;
        }
        if (s->client.sin_addr.s_addr == client->sin_addr.s_addr &&
            s->client.sin_port == client->sin_port)
            return s;
        if (!oldest || s->last_ms < oldest->last_ms)
            oldest = s;
    }
    if (!free_slot) {
        session_close(oldest);
        p->st.sessions_evicted++;
        free_slot = oldest;
    }
    fd = upstream_socket(p->o, SOCK_DGRAM);
    if (fd < 0) {
        fprintf(stderr, PROG ": upstream socket: %s\n", strerror(-fd));
        return NULL;
    }
    if (connect(fd, (const struct sockaddr *)&p->o->upstream, p->o->upstream_len) < 0) {
        fprintf(stderr, PROG ": connect upstream: %s\n", strerror(errno));
        close(fd);
        return NULL;
    }
    free_slot->fd = fd;
    free_slot->client = *client;
    free_slot->last_ms = now;
    p->st.sessions++;
    return free_slot;
}

/* Datagrams from clients: drop with probability loss_up, else send on the client's session. */
static void udp_from_clients(struct proxy *p, int64_t now)
{
    static uint8_t buf[LP_MAX_DGRAM];

    for (int i = 0; i < LP_UDP_BURST; i++) {
        struct sockaddr_in client;
        socklen_t clen = sizeof(client);
        struct session *s;
        ssize_t n;

        n = recvfrom(p->udp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&client, &clen);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break; /* EAGAIN, or an error poll() reports again */
        }
        if (clen != sizeof(client) || !sin_is_loopback(&client))
            continue;
        p->st.up_received++;
        if (prng_chance(&p->rng_up, p->o->loss_up)) {
            p->st.up_dropped++;
            continue;
        }
        s = session_get(p, &client, now);
        if (!s) {
            p->st.up_send_failed++;
            continue;
        }
        s->last_ms = now;
        if (send(s->fd, buf, (size_t)n, 0) < 0) {
            p->st.up_send_failed++;
            continue;
        }
        p->st.up_forwarded++;
    }
}

/* Datagrams from the upstream on one session: drop with probability loss_down, else relay. */
static void udp_from_upstream(struct proxy *p, struct session *s, int64_t now)
{
    static uint8_t buf[LP_MAX_DGRAM];

    for (int i = 0; i < LP_UDP_BURST; i++) {
        ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

        if (n < 0) {
            if (errno == EINTR || errno == ECONNREFUSED)
                continue; /* ECONNREFUSED: an ICMP error for an earlier send; keep going */
            break;
        }
        p->st.down_received++;
        s->last_ms = now;
        if (prng_chance(&p->rng_down, p->o->loss_down)) {
            p->st.down_dropped++;
            continue;
        }
        if (sendto(p->udp_fd, buf, (size_t)n, 0, (const struct sockaddr *)&s->client,
                   sizeof(s->client)) < 0) {
            p->st.down_send_failed++;
            continue;
        }
        p->st.down_forwarded++;
    }
}

/* ---- TCP ----------------------------------------------------------------------------------- */

static void pair_close(struct tcp_pair *t)
{
    if (t->cfd < 0)
        return;
    close(t->cfd);
    if (t->ufd >= 0)
        close(t->ufd);
    free(t->up.data);
    free(t->down.data);
    memset(t, 0, sizeof(*t));
    t->cfd = t->ufd = -1;
}

static void tcp_accept(struct proxy *p, int64_t now)
{
    for (int i = 0; i < LP_ACCEPT_BURST; i++) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        int fd = accept4(p->tcp_fd, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK | SOCK_CLOEXEC);
        struct tcp_pair *t = NULL;
        int ufd;

        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            break;
        }
        for (size_t k = 0; k < LP_MAX_PAIRS; k++) {
            if (p->pairs[k].cfd < 0) {
                t = &p->pairs[k];
                break;
            }
        }
        if (!t || plen != sizeof(peer) || !sin_is_loopback(&peer)) {
            close(fd); /* over the bound: the client sees EOF */
            p->st.tcp_refused++;
            continue;
        }
        ufd = upstream_socket(p->o, SOCK_STREAM);
        if (ufd < 0) {
            close(fd);
            p->st.tcp_refused++;
            continue;
        }
        if (connect(ufd, (const struct sockaddr *)&p->o->upstream, p->o->upstream_len) < 0 &&
            errno != EINPROGRESS) {
            close(ufd);
            close(fd);
            p->st.tcp_refused++;
            continue;
        }
        t->up.data = malloc(LP_TCP_BUF);
        t->down.data = malloc(LP_TCP_BUF);
        t->cfd = fd;
        t->ufd = ufd;
        if (!t->up.data || !t->down.data) {
            pair_close(t);
            p->st.tcp_refused++;
            continue;
        }
        t->connecting = true;
        t->last_ms = now;
        p->st.tcp_accepted++;
    }
}

/* Read from fd into b while there is room. Returns 0, 1 on EOF, or a negative errno. */
static int buf_fill(int fd, struct tcp_buf *b, uint64_t *count)
{
    for (int i = 0; i < LP_IO_BURST; i++) {
        ssize_t n;

        if (b->off > 0 && b->off + b->len == LP_TCP_BUF) {
            memmove(b->data, b->data + b->off, b->len);
            b->off = 0;
        }
        if (b->off + b->len == LP_TCP_BUF)
            return 0;
        n = recv(fd, b->data + b->off + b->len, LP_TCP_BUF - b->off - b->len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -errno;
        }
        if (n == 0)
            return 1;
        b->len += (size_t)n;
        *count += (uint64_t)n;
    }
    return 0;
}

/* Send what b holds to fd. Returns 0 or a negative errno. */
static int buf_drain(int fd, struct tcp_buf *b)
{
    for (int i = 0; i < LP_IO_BURST && b->len > 0; i++) {
        ssize_t n = send(fd, b->data + b->off, b->len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 0;
            return -errno;
        }
        b->off += (size_t)n;
        b->len -= (size_t)n;
    }
    if (b->len == 0)
        b->off = 0;
    return 0;
}

/*
 * Move bytes both ways for one pair after poll() said something happened on it. A side that
 * shuts down its sending half gets its half-close passed on once its bytes are through; the
 * pair closes when both halves are done, on any error, or (in tcp_reap) when idle.
 * Returns 0 to keep the pair, or a negative errno to close it.
 */
static int pair_pump(struct proxy *p, struct tcp_pair *t, short crev, short urev, int64_t now)
{
    int ret;

    if (t->connecting) {
        int err = 0;
        socklen_t elen = sizeof(err);

        if (!(urev & (POLLOUT | POLLERR | POLLHUP)))
            return 0;
        if (getsockopt(t->ufd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
            return -errno;
        if (err)
            return -err;
        t->connecting = false;
    }
    if (!t->c_eof && (crev & (POLLIN | POLLHUP | POLLERR))) {
        ret = buf_fill(t->cfd, &t->up, &p->st.tcp_up_bytes);
        if (ret < 0)
            return ret;
        t->c_eof = ret == 1;
        t->last_ms = now;
    }
    if (!t->u_eof && (urev & (POLLIN | POLLHUP | POLLERR))) {
        ret = buf_fill(t->ufd, &t->down, &p->st.tcp_down_bytes);
        if (ret < 0)
            return ret;
        t->u_eof = ret == 1;
        t->last_ms = now;
    }
    if ((ret = buf_drain(t->ufd, &t->up)) < 0 || (ret = buf_drain(t->cfd, &t->down)) < 0)
        return ret;
    if (t->c_eof && t->up.len == 0 && !t->u_shut) {
        shutdown(t->ufd, SHUT_WR);
        t->u_shut = true;
    }
    if (t->u_eof && t->down.len == 0 && !t->c_shut) {
        shutdown(t->cfd, SHUT_WR);
        t->c_shut = true;
    }
    if (t->u_shut && t->c_shut)
        return -ESHUTDOWN;
    return 0;
}

static short pair_events(const struct tcp_pair *t, bool client)
{
    short ev = 0;

    if (client) {
        /* While the upstream connect is pending, leave the client's bytes in its socket. */
        if (!t->connecting && !t->c_eof && t->up.off + t->up.len < LP_TCP_BUF)
            ev |= POLLIN;
        if (t->down.len > 0)
            ev |= POLLOUT;
    } else if (t->connecting) {
        ev |= POLLOUT;
    } else {
        if (!t->u_eof && t->down.off + t->down.len < LP_TCP_BUF)
            ev |= POLLIN;
        if (t->up.len > 0)
            ev |= POLLOUT;
    }
    return ev;
}

/* ---- the loop ------------------------------------------------------------------------------ */

/* Close idle UDP sessions and idle TCP pairs. */
static void reap(struct proxy *p, int64_t now)
{
    for (size_t i = 0; i < LP_MAX_SESSIONS; i++) {
        if (p->sessions[i].fd >= 0 && now - p->sessions[i].last_ms >= LP_SESSION_IDLE)
            session_close(&p->sessions[i]);
    }
    for (size_t i = 0; i < LP_MAX_PAIRS; i++) {
        if (p->pairs[i].cfd >= 0 && now - p->pairs[i].last_ms >= LP_TCP_IDLE)
            pair_close(&p->pairs[i]);
    }
}

/*
 * The event loop: one poll() over the signal pipe, the two listeners, every UDP session and
 * both ends of every TCP pair. It ends on SIGTERM/SIGINT or at the deadline; poll() sleeps at
 * most a second, so the deadline and the idle limits are honoured within a second.
 */
static int proxy_run(struct proxy *p, int64_t deadline)
{
    static struct pollfd pfd[LP_NFDS];
    static size_t who[LP_NFDS]; /* index of the session or pair behind pfd[k] */
    int64_t now = now_ms();

    while (!stop_requested && now < deadline) {
        nfds_t n = 0, first_sess, first_pair;
        int ready;
        int64_t wait = deadline - now;

        reap(p, now);
        pfd[n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = p->udp_fd, .events = POLLIN};
        pfd[n++] = (struct pollfd){.fd = p->tcp_fd, .events = POLLIN};
        first_sess = n;
        for (size_t i = 0; i < LP_MAX_SESSIONS; i++) {
            if (p->sessions[i].fd < 0)
                continue;
            who[n] = i;
            pfd[n++] = (struct pollfd){.fd = p->sessions[i].fd, .events = POLLIN};
        }
        first_pair = n;
        for (size_t i = 0; i < LP_MAX_PAIRS; i++) {
            const struct tcp_pair *t = &p->pairs[i];

            if (t->cfd < 0)
                continue;
            who[n] = i;
            pfd[n++] = (struct pollfd){.fd = t->cfd, .events = pair_events(t, true)};
            who[n] = i;
            pfd[n++] = (struct pollfd){.fd = t->ufd, .events = pair_events(t, false)};
        }

        ready = poll(pfd, n, wait > 1000 ? 1000 : (int)wait);
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
            udp_from_clients(p, now);
        for (nfds_t k = first_sess; k < first_pair; k++) {
            struct session *s = &p->sessions[who[k]];

            /* udp_from_clients may have evicted and reused this slot: check the fd. */
            if ((pfd[k].revents & (POLLIN | POLLERR)) && s->fd == pfd[k].fd)
                udp_from_upstream(p, s, now);
        }
        for (nfds_t k = first_pair; k + 1 < n; k += 2) {
            struct tcp_pair *t = &p->pairs[who[k]];

            if ((pfd[k].revents || pfd[k + 1].revents) &&
                pair_pump(p, t, pfd[k].revents, pfd[k + 1].revents, now) != 0)
                pair_close(t);
        }
        /* Accept last, so a slot closed above is free and new pairs wait for the next poll. */
        if (pfd[2].revents & POLLIN)
            tcp_accept(p, now);
    }
    return 0;
}

/*
 * Bind UDP, then TCP on the port UDP got. A port free for UDP can be taken for TCP; with port
 * 0 that is retried with a fresh port, a bounded number of times. A fixed --port is tried once.
 */
static int bind_pair(struct proxy *p, unsigned want_port)
{
    int tries = want_port ? 1 : LP_BIND_TRIES;
    int ret = -EADDRINUSE;

    for (int t = 0; t < tries; t++) {
        struct sockaddr_in a = {.sin_family = AF_INET};
        socklen_t alen = sizeof(a);
        int one = 1;

        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = htons((uint16_t)want_port);
        p->udp_fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        p->tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (p->udp_fd < 0 || p->tcp_fd < 0 || bind(p->udp_fd, (struct sockaddr *)&a, alen) < 0 ||
            getsockname(p->udp_fd, (struct sockaddr *)&a, &alen) < 0 ||
            setsockopt(p->tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) {
            ret = -errno;
            goto out;
        }
        if (bind(p->tcp_fd, (struct sockaddr *)&a, alen) == 0) {
            if (listen(p->tcp_fd, LP_MAX_PAIRS) < 0) {
                ret = -errno;
                goto out;
            }
            p->port = ntohs(a.sin_port);
            return 0;
        }
        ret = -errno;
        close(p->udp_fd);
        close(p->tcp_fd);
        p->udp_fd = p->tcp_fd = -1;
        if (ret != -EADDRINUSE)
            return ret;
    }
out:
    if (p->udp_fd >= 0)
        close(p->udp_fd);
    if (p->tcp_fd >= 0)
        close(p->tcp_fd);
    p->udp_fd = p->tcp_fd = -1;
    return ret;
}

static void proxy_free(struct proxy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < LP_MAX_SESSIONS; i++)
        session_close(&p->sessions[i]);
    for (size_t i = 0; i < LP_MAX_PAIRS; i++)
        pair_close(&p->pairs[i]);
    if (p->udp_fd >= 0)
        close(p->udp_fd);
    if (p->tcp_fd >= 0)
        close(p->tcp_fd);
    free(p);
}

/* Bind the listeners. *out is NULL on failure; the caller frees with proxy_free(). */
static int proxy_new(const struct lp_opts *o, struct proxy **out)
{
    struct proxy *p = calloc(1, sizeof(*p));
    int ret;

    *out = NULL;
    if (!p)
        return -ENOMEM;
    p->o = o;
    p->udp_fd = p->tcp_fd = -1;
    for (size_t i = 0; i < LP_MAX_SESSIONS; i++)
        p->sessions[i].fd = -1;
    for (size_t i = 0; i < LP_MAX_PAIRS; i++)
        p->pairs[i].cfd = p->pairs[i].ufd = -1;
    prng_init(&p->rng_up, o->seed, 1);
    prng_init(&p->rng_down, o->seed, 2);
    ret = bind_pair(p, o->port);
    if (ret) {
        fprintf(stderr, PROG ": bind 127.0.0.1:%u: %s\n", o->port, strerror(-ret));
        proxy_free(p);
        return ret;
    }
    *out = p;
    return 0;
}

/* ---- files, signals, options --------------------------------------------------------------- */

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

/* The counters as one JSON object on one line (the --stats-file format). */
static void stats_json(const struct lp_stats *s, const struct lp_opts *o, char *buf, size_t len)
{
    snprintf(buf, len,
             "{\"loss_up\":%g,\"loss_down\":%g,\"seed\":%llu,"
             "\"up_received\":%llu,\"up_forwarded\":%llu,\"up_dropped\":%llu,"
             "\"up_send_failed\":%llu,\"down_received\":%llu,\"down_forwarded\":%llu,"
             "\"down_dropped\":%llu,\"down_send_failed\":%llu,\"sessions\":%llu,"
             "\"sessions_evicted\":%llu,\"tcp_accepted\":%llu,\"tcp_refused\":%llu,"
             "\"tcp_up_bytes\":%llu,\"tcp_down_bytes\":%llu}\n",
             o->loss_up, o->loss_down, (unsigned long long)o->seed,
             (unsigned long long)s->up_received, (unsigned long long)s->up_forwarded,
             (unsigned long long)s->up_dropped, (unsigned long long)s->up_send_failed,
             (unsigned long long)s->down_received, (unsigned long long)s->down_forwarded,
             (unsigned long long)s->down_dropped, (unsigned long long)s->down_send_failed,
             (unsigned long long)s->sessions, (unsigned long long)s->sessions_evicted,
             (unsigned long long)s->tcp_accepted, (unsigned long long)s->tcp_refused,
             (unsigned long long)s->tcp_up_bytes, (unsigned long long)s->tcp_down_bytes);
}

/* Counters to stderr always, and to --stats-file when given. */
static int stats_report(const struct proxy *p)
{
    const struct lp_stats *s = &p->st;
    char json[1024];
    int ret;

    fprintf(stderr,
            PROG ": udp up: %llu received, %llu forwarded, %llu dropped, %llu send failed; "
                 "udp down: %llu received, %llu forwarded, %llu dropped, %llu send failed; "
                 "tcp: %llu connections, %llu bytes up, %llu bytes down\n",
            (unsigned long long)s->up_received, (unsigned long long)s->up_forwarded,
            (unsigned long long)s->up_dropped, (unsigned long long)s->up_send_failed,
            (unsigned long long)s->down_received, (unsigned long long)s->down_forwarded,
            (unsigned long long)s->down_dropped, (unsigned long long)s->down_send_failed,
            (unsigned long long)s->tcp_accepted, (unsigned long long)s->tcp_up_bytes,
            (unsigned long long)s->tcp_down_bytes);
    if (!p->o->stats_file)
        return 0;
    stats_json(s, p->o, json, sizeof(json));
    ret = write_file_atomic(p->o->stats_file, json);
    if (ret)
        fprintf(stderr, PROG ": %s: %s\n", p->o->stats_file, strerror(-ret));
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
    fprintf(f,
            "usage: " PROG " --upstream 127.0.0.1:PORT [--loss-up P] [--loss-down P] [--seed N]\n"
            "       [--port P] [--port-file F] [--pid-file F] [--stats-file F]"
            " [--max-seconds N]\n"
            "UDP proxy on 127.0.0.1 that drops datagrams with probability P each way;\n"
            "TCP on the same port is passed through. Prints the port on stdout.\n");
}

static int parse_uint(const char *s, unsigned long long min, unsigned long long max,
                      unsigned long long *out)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        return -EINVAL;
    *out = v;
    return 0;
}

static int parse_prob(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0.0 && v <= 1.0))
        return -EINVAL;
    *out = v;
    return 0;
}

/* Fill *o from argv. Returns 0, 1 when --help was printed, or -EINVAL on a usage error.
 * One piece on purpose (about 90 lines): the getopt dispatch, one case per option. */
static int parse_opts(int argc, char **argv, struct lp_opts *o)
{
    static const struct option longopts[] = {
        {"upstream", required_argument, NULL, 'u'},
        {"loss-up", required_argument, NULL, 'U'},
        {"loss-down", required_argument, NULL, 'D'},
        {"seed", required_argument, NULL, 's'},
        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, 'P'},
        {"pid-file", required_argument, NULL, 'i'},
        {"stats-file", required_argument, NULL, 'S'},
        {"max-seconds", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned long long v;
    bool have_upstream = false;
    int c, ret;

    memset(o, 0, sizeof(*o));
    o->max_seconds = 600;
    o->seed = 1;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'u':
            ret = parse_upstream(optarg, &o->upstream, &o->upstream_len);
            if (ret == -EPERM) {
                fprintf(stderr, PROG ": --upstream: not loopback (127.0.0.0/8 or ::1): %s\n",
                        optarg);
                return -EINVAL;
            }
            if (ret) {
                fprintf(stderr, PROG ": --upstream: want 127.X.Y.Z:PORT or [::1]:PORT: %s\n",
                        optarg);
                return -EINVAL;
            }
            have_upstream = true;
            break;
        case 'U':
        case 'D':
            if (parse_prob(optarg, c == 'U' ? &o->loss_up : &o->loss_down) != 0) {
                fprintf(stderr, PROG ": --loss-%s: want a probability 0..1: %s\n",
                        c == 'U' ? "up" : "down", optarg);
                return -EINVAL;
            }
            break;
        case 's':
            if (parse_uint(optarg, 0, UINT64_MAX, &v) != 0) {
                fprintf(stderr, PROG ": --seed: not a number: %s\n", optarg);
                return -EINVAL;
            }
            o->seed = v;
            break;
        case 'p':
            if (parse_uint(optarg, 0, 65535, &v) != 0) {
                fprintf(stderr, PROG ": --port: not a port: %s\n", optarg);
                return -EINVAL;
            }
            o->port = (unsigned)v;
            break;
        case 'P':
            o->port_file = optarg;
            break;
        case 'i':
            o->pid_file = optarg;
            break;
        case 'S':
            o->stats_file = optarg;
            break;
        case 'm':
            if (parse_uint(optarg, 1, 86400, &v) != 0) {
                fprintf(stderr, PROG ": --max-seconds: want 1..86400: %s\n", optarg);
                return -EINVAL;
            }
            o->max_seconds = (unsigned)v;
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
    if (!have_upstream) {
        fprintf(stderr, PROG ": --upstream is required\n");
        return -EINVAL;
    }
    return 0;
}

/* Publish pid and port: the files first, stdout last, so "port seen" means "ready". */
static int announce(const struct lp_opts *o, const struct proxy *p)
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
    snprintf(text, sizeof(text), "%u\n", p->port);
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
    struct lp_opts opts;
    struct proxy *p = NULL;
    int rc = LP_EXIT_RUNTIME;
    int ret;

    ret = parse_opts(argc, argv, &opts);
    if (ret != 0) {
        rc = ret > 0 ? LP_EXIT_OK : LP_EXIT_USAGE;
        goto out;
    }
    ret = signals_init();
    if (ret) {
        fprintf(stderr, PROG ": signals: %s\n", strerror(-ret));
        goto out;
    }
    ret = proxy_new(&opts, &p);
    if (ret)
        goto out;
    ret = announce(&opts, p);
    if (ret)
        goto out;
    ret = proxy_run(p, now_ms() + (int64_t)opts.max_seconds * 1000);
    if (ret) {
        fprintf(stderr, PROG ": stopping: %s\n", strerror(-ret));
        stats_report(p);
        goto out;
    }
    rc = stats_report(p) == 0 ? LP_EXIT_OK : LP_EXIT_RUNTIME;
out:
    proxy_free(p);
    if (sig_pipe[0] >= 0) {
        close(sig_pipe[0]);
        close(sig_pipe[1]);
    }
    if (fclose(stdout) != 0 && rc == LP_EXIT_OK)
        rc = LP_EXIT_RUNTIME;
    return rc;
}
