/*
 * gate.c - the head gate: our own listening socket, in front of
 * libmicrohttpd.
 *
 * libmicrohttpd 0.9.75 answers some malformed heads itself, with its own
 * English HTML that cannot be configured (a head larger than its
 * connection memory, a header line without a colon, an HTTP version it
 * does not speak, a Content-Length that is not a number), and one not at
 * all (too many query parameters: the connection waits for its idle
 * timeout). So libmicrohttpd listens on no socket of its own
 * (MHD_USE_NO_LISTEN_SOCKET): this thread accepts each connection and
 * looks at its first request head with recv(MSG_PEEK), consuming
 * nothing, until the head is whole or too large (http_head_check). A
 * head that passes is handed over with MHD_add_connection: the bytes are
 * still in the socket, so libmicrohttpd reads the same head. Any other is
 * answered here, in the API's error shape or the Chinese error page
 * (http_error), and closed with a lingering close (linger.c).
 *
 * One thread, one epoll set, edge-triggered: each wake-up peeks at what
 * has come, so a head in several writes is waited for. A head must be
 * whole within the idle timeout (a 408, or a quiet close when nothing
 * came). Later requests on a connection libmicrohttpd holds do not pass
 * here (docs/ARCHITECTURE.md, section 4, says what that leaves).
 */
#include "http_int.h"

#include "../core/log.h"
#include "../core/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    EV_LISTEN = -1,      /* epoll data of the listening socket */
    EV_STOP = -2,        /* of the stop eventfd */
    DRAIN_MAX = 1 << 20, /* bytes read of a refused head, at most */
};

struct conn {
    int fd;         /* -1: a free slot */
    int prev, next; /* the waiting list, oldest first */
    bool in_epoll;
    bool draining; /* refused: reading out the rest of its head */
    size_t seen;   /* bytes peeked last time */
    size_t drained;
    int64_t t0_ns;
    int64_t deadline_ms;
    struct head_refusal r;
    struct head_scan scan;
    struct sockaddr_in addr;
    socklen_t addrlen;
};

struct gate {
    int lfd, ep, stopfd;
    pthread_t thread;
    bool running, paused;
    struct MHD_Daemon *d;
    struct head_limits lim;
    size_t peek_max; /* the head limit + 1 */
    char *peek;      /* peek_max bytes */
    int idle_ms;
    unsigned max_conns;
    const struct route *routes;
    atomic_int mhd_conns; /* connections libmicrohttpd holds */
    int waiting;
    int head, tail; /* the waiting list (slots) */
    int nslots;
    struct conn *c;
    int free_top;
    int *free_list;
};

void
gate_count(struct gate *g, int delta)
{
    atomic_fetch_add_explicit(&g->mhd_conns, delta, memory_order_relaxed);
}

static int64_t
now_ms(void)
{
    return now_mono_ns() / 1000000;
}

/* --- slots and the waiting list --------------------------------------- */

static void
list_remove(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    if (c->prev >= 0)
        g->c[c->prev].next = c->next;
    else
        g->head = c->next;
    if (c->next >= 0)
        g->c[c->next].prev = c->prev;
    else
        g->tail = c->prev;
}

/* Forgets slot i (its fd is closed, handed over or lingering). */
static void
release(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    if (c->in_epoll)
        epoll_ctl(g->ep, EPOLL_CTL_DEL, c->fd, NULL);
    list_remove(g, i);
    c->fd = -1;
    g->free_list[g->free_top++] = i;
    g->waiting--;
}

static void
close_quietly(struct gate *g, int i)
{
    int fd = g->c[i].fd;
    release(g, i);
    close(fd);
}

/* --- answers ----------------------------------------------------------- */

/* Answers slot i's refusal and hands the socket to the lingering close.
 * What the scan saw of the head decides the page or JSON, the language
 * and what the access log says. */
static void
answer(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    struct req req = {0};
    arena_init(&req.arena, 2048);
    strbuf_init(&req.out, 0);
    char ip[INET_ADDRSTRLEN] = "-";
    inet_ntop(AF_INET, &c->addr.sin_addr, ip, sizeof(ip));
    req.ip = ip;
    req.method = c->scan.method[0] ? c->scan.method : "-";
    req.path = c->scan.path;
    req.route_index = -1;
    req.lang = strcmp(c->scan.lang, "en") == 0 ? "en" : "zh";
    req.page = http_refusal_is_page(g->routes, req.method, c->scan.path,
                                    c->scan.html ? "text/html" : NULL);
    http_error(&req, c->r.status, c->r.code, NULL, c->r.fmt, c->r.arg);
    if (req.page)
        http_header_add(&req, "Cache-Control", "no-store");
    struct strbuf sb;
    strbuf_init(&sb, 0);
    http_raw_answer(&req, &sb);
    const char *p = strbuf_str(&sb);
    size_t left = sb.len;
    while (left > 0) {
        ssize_t n = send(c->fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n <= 0)
            break; /* the client is going: what is left is dropped */
        p += n;
        left -= (size_t)n;
    }
    strbuf_cleanup(&sb);
    http_request_done(&req, now_mono_ns() - c->t0_ns);
    arena_cleanup(&req.arena);
    strbuf_cleanup(&req.out);
    int fd = c->fd;
    release(g, i);
    linger_add(fd);
}

/* Reads out (and drops) the rest of a refused head, so that its Accept
 * and Accept-Language are known; answers at its end, at DRAIN_MAX bytes,
 * or when the client stops sending. */
static void
drain(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    /* Edge-triggered: read until the socket is empty, or be forgotten. */
    while (!c->scan.done && c->drained < DRAIN_MAX) {
        ssize_t n = recv(c->fd, g->peek, g->peek_max, MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            return; /* more later */
        if (n <= 0)
            break;
        head_scan(&c->scan, g->peek, (size_t)n);
        c->drained += (size_t)n;
    }
    answer(g, i);
}

/* Refuses slot i with r: answered now when the bytes peeked hold the
 * whole head, else once the rest of it has been read out. */
static void
refuse(struct gate *g, int i, size_t n, const struct head_refusal *r)
{
    struct conn *c = &g->c[i];
    c->r = *r;
    head_scan_init(&c->scan);
    head_scan(&c->scan, g->peek, n);
    if (c->scan.done) {
        answer(g, i);
        return;
    }
    head_scan_init(&c->scan); /* read again from the stream's start */
    c->draining = true;
    drain(g, i);
}

/* Hands slot i to libmicrohttpd, which then owns its fd. */
static void
hand_over(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    int fd = c->fd;
    struct sockaddr_in addr = c->addr;
    socklen_t addrlen = c->addrlen;
    release(g, i);
    gate_count(g, 1);
    if (MHD_add_connection(g->d, fd, (struct sockaddr *)&addr, addrlen) !=
        MHD_YES) {
        gate_count(g, -1);
        /* libmicrohttpd has closed it (its limit, or no memory). */
        log_warn("gate: libmicrohttpd refused a connection: %s",
                 strerror(errno));
    }
}

/* Looks at what slot i has sent so far. */
static void
look(struct gate *g, int i, bool peer_closed)
{
    struct conn *c = &g->c[i];
    if (c->draining) {
        drain(g, i);
        return;
    }
    ssize_t n = recv(c->fd, g->peek, g->peek_max, MSG_PEEK | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close_quietly(g, i); /* gone before a byte of its head */
        return;
    }
    size_t len = (size_t)n;
    if (len == c->seen && !peer_closed)
        return; /* nothing new */
    c->seen = len;
    struct head_refusal r;
    size_t head_len;
    switch (http_head_check(g->peek, len, &g->lim, &r, &head_len)) {
    case HEAD_OK:
        hand_over(g, i);
        return;
    case HEAD_REFUSED:
        refuse(g, i, len, &r);
        return;
    case HEAD_MORE:
        if (len >= g->peek_max) { /* cannot happen: the checks come first */
            http_refusal_headers(&r, g->lim.max_header);
            refuse(g, i, len, &r);
        } else if (peer_closed) {
            close_quietly(g, i); /* gone before the end of its head */
        }
        return;
    }
}

/* The idle timeout of slot i: a 408 when part of a head came. */
static void
expire(struct gate *g, int i)
{
    struct conn *c = &g->c[i];
    if (c->draining) {
        answer(g, i);
        return;
    }
    ssize_t n = recv(c->fd, g->peek, g->peek_max, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) {
        close_quietly(g, i);
        return;
    }
    c->r = (struct head_refusal){408, "request_timeout",
                                 "the request did not arrive within %zu "
                                 "seconds",
                                 (size_t)(g->idle_ms / 1000)};
    head_scan_init(&c->scan);
    head_scan(&c->scan, g->peek, (size_t)n);
    answer(g, i);
}

/* --- accepting ---------------------------------------------------------- */

static bool
at_limit(struct gate *g)
{
    int held = atomic_load_explicit(&g->mhd_conns, memory_order_relaxed);
    return g->free_top == 0 ||
           (unsigned)(g->waiting + (held > 0 ? held : 0)) >= g->max_conns;
}

static void
pause_listen(struct gate *g, bool pause)
{
    if (g->paused == pause)
        return;
    struct epoll_event ev = {.events = pause ? 0 : EPOLLIN,
                             .data.u64 = (uint64_t)(int64_t)EV_LISTEN};
    epoll_ctl(g->ep, EPOLL_CTL_MOD, g->lfd, &ev);
    g->paused = pause;
}

static void
accept_all(struct gate *g)
{
    while (!at_limit(g)) {
        struct sockaddr_in addr;
        socklen_t addrlen = sizeof(addr);
        int fd = accept4(g->lfd, (struct sockaddr *)&addr, &addrlen,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM)
                pause_listen(g, true); /* out of fds: try again shortly */
            return;
        }
        int i = g->free_list[--g->free_top];
        struct conn *c = &g->c[i];
        memset(c, 0, sizeof(*c));
        c->fd = fd;
        c->addr = addr;
        c->addrlen = addrlen;
        c->t0_ns = now_mono_ns();
        c->deadline_ms = c->t0_ns / 1000000 + g->idle_ms;
        c->next = -1;
        c->prev = g->tail;
        if (g->tail >= 0)
            g->c[g->tail].next = i;
        else
            g->head = i;
        g->tail = i;
        g->waiting++;
        /* The head is often there already: look before asking epoll. */
        look(g, i, false);
        if (c->fd != fd)
            continue; /* handed over or answered */
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET,
                                 .data.u64 = (uint64_t)i};
        if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close_quietly(g, i);
            continue;
        }
        c->in_epoll = true;
    }
    pause_listen(g, true);
}

static void *
run(void *arg)
{
    struct gate *g = arg;
    struct epoll_event ev[64];
    for (;;) {
        int timeout = 1000;
        if (g->head >= 0) {
            int64_t left = g->c[g->head].deadline_ms - now_ms();
            timeout = left < 0 ? 0 : left < 1000 ? (int)left : 1000;
        }
        if (g->paused && timeout > 20)
            timeout = 20; /* at the limit: look again soon */
        int n = epoll_wait(g->ep, ev, 64, timeout);
        for (int k = 0; k < n; k++) {
            int64_t id = (int64_t)ev[k].data.u64;
            if (id == EV_STOP)
                return NULL;
            if (id == EV_LISTEN) {
                accept_all(g);
                continue;
            }
            int i = (int)id;
            if (g->c[i].fd >= 0)
                look(g, i,
                     (ev[k].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
        }
        int64_t now = now_ms();
        while (g->head >= 0 && g->c[g->head].deadline_ms <= now)
            expire(g, g->head);
        if (g->paused && !at_limit(g)) {
            pause_listen(g, false);
            accept_all(g); /* level-triggered: what waits is taken */
        }
    }
}

/* --- life ---------------------------------------------------------------- */

struct gate *
gate_new(const struct gate_options *o, char *err, size_t errlen)
{
    struct gate *g = xcalloc(1, sizeof(*g));
    g->lfd = g->ep = g->stopfd = -1;
    g->lim = o->limits;
    g->peek_max = http_head_limit(&g->lim) + 1;
    g->idle_ms = (o->idle_timeout > 0 ? o->idle_timeout : 30) * 1000;
    g->max_conns = o->max_connections;
    g->routes = o->routes;
    g->nslots = (int)o->max_connections;
    g->c = xcalloc((size_t)g->nslots, sizeof(*g->c));
    g->free_list = xcalloc((size_t)g->nslots, sizeof(int));
    for (int i = g->nslots - 1; i >= 0; i--) {
        g->c[i].fd = -1;
        g->free_list[g->free_top++] = i;
    }
    g->head = g->tail = -1;
    g->peek = xmalloc(g->peek_max);
    int one = 1;
    g->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (g->lfd < 0 ||
        setsockopt(g->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(g->lfd, (const struct sockaddr *)o->addr, sizeof(*o->addr)) ||
        listen(g->lfd, SOMAXCONN)) {
        str_fmt(err, errlen, "cannot listen (bind: %s)", strerror(errno));
        goto fail;
    }
    /* A peek returns what the receive buffer holds: it must hold a whole
     * head of the largest size we take, with the kernel's overhead (half
     * of it, as Linux counts). The accepted sockets inherit it. */
    int have = 0;
    socklen_t hl = sizeof(have);
    getsockopt(g->lfd, SOL_SOCKET, SO_RCVBUF, &have, &hl);
    size_t need = 2 * g->peek_max;
    if ((size_t)have < need) {
        int want = (int)need;
        setsockopt(g->lfd, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want));
        getsockopt(g->lfd, SOL_SOCKET, SO_RCVBUF, &have, &hl);
        if ((size_t)have < need) {
            str_fmt(err, errlen,
                    "max_url_bytes + max_header_bytes need a socket "
                    "receive buffer of %zu bytes; the system gives %d "
                    "(net.core.rmem_max)",
                    need, have);
            goto fail;
        }
    }
    g->ep = epoll_create1(EPOLL_CLOEXEC);
    g->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN,
                             .data.u64 = (uint64_t)(int64_t)EV_LISTEN};
    struct epoll_event sev = {.events = EPOLLIN,
                              .data.u64 = (uint64_t)(int64_t)EV_STOP};
    if (g->ep < 0 || g->stopfd < 0 ||
        epoll_ctl(g->ep, EPOLL_CTL_ADD, g->lfd, &ev) != 0 ||
        epoll_ctl(g->ep, EPOLL_CTL_ADD, g->stopfd, &sev) != 0) {
        str_fmt(err, errlen, "cannot start the head gate: %s", strerror(errno));
        goto fail;
    }
    return g;
fail:
    gate_free(g);
    return NULL;
}

int
gate_run(struct gate *g, void *d)
{
    g->d = d;
    if (pthread_create(&g->thread, NULL, run, g) != 0)
        return -1;
    g->running = true;
    return 0;
}

int
gate_port(const struct gate *g)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    if (getsockname(g->lfd, (struct sockaddr *)&sin, &len) != 0)
        return 0;
    return ntohs(sin.sin_port);
}

void
gate_stop(struct gate *g)
{
    if (g == NULL)
        return;
    if (g->running) {
        uint64_t one = 1;
        if (write(g->stopfd, &one, sizeof(one)) != sizeof(one))
            log_warn("gate: cannot signal its thread to stop");
        pthread_join(g->thread, NULL);
        g->running = false;
    }
    /* Nothing more is accepted; what waits is closed. */
    if (g->lfd >= 0)
        close(g->lfd);
    g->lfd = -1;
    while (g->head >= 0)
        close_quietly(g, g->head);
}

void
gate_free(struct gate *g)
{
    if (g == NULL)
        return;
    gate_stop(g);
    if (g->ep >= 0)
        close(g->ep);
    if (g->stopfd >= 0)
        close(g->stopfd);
    free(g->peek);
    free(g->c);
    free(g->free_list);
    free(g);
}
