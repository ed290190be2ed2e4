/*
 * linger.c - lingering close for connections refused while their body was
 * still coming (an anonymous upload's 401, a 413, a 503 of the body
 * budget).
 *
 * The server answers such a request at once and does not keep its body.
 * But a socket closed while the client's bytes are still arriving makes
 * the kernel send a reset, and a client that had not read the answer yet
 * loses it: the browser shows "connection reset" instead of our error.
 * So the connection is handed here instead: its write side is shut (the
 * answer, then end of stream) and what the client still sends is read and
 * thrown away, for a short time, until the client closes. No byte is kept;
 * the scratch buffer is the only memory this takes. When too many sockets
 * linger at once the newest is closed right away, as before.
 */
#include "http_int.h"

#include "../core/log.h"
#include "../core/util.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum {
    LINGER_MAX = 256,        /* sockets at once */
    LINGER_MS = 2000,        /* how long one may linger */
    LINGER_TICK_MS = 100,    /* how often deadlines are checked */
};

static struct {
    pthread_mutex_t lock;
    int ep;                  /* epoll set of the lingering sockets */
    int fd[LINGER_MAX];      /* -1: free slot */
    int64_t until[LINGER_MAX];
    pthread_t thread;
    atomic_bool stop;
    bool running;
} L = {.lock = PTHREAD_MUTEX_INITIALIZER, .ep = -1};

/* Closes slot i; the caller holds the lock. */
static void
drop(int i)
{
    epoll_ctl(L.ep, EPOLL_CTL_DEL, L.fd[i], NULL);
    close(L.fd[i]);
    L.fd[i] = -1;
}

static void *
run(void *arg)
{
    (void)arg;
    static char scratch[65536];
    struct epoll_event ev[64];
    while (!atomic_load(&L.stop)) {
        int n = epoll_wait(L.ep, ev, 64, LINGER_TICK_MS);
        int64_t now = now_mono_ns() / 1000000;
        pthread_mutex_lock(&L.lock);
        for (int k = 0; k < n; k++) {
            int i = (int)ev[k].data.u32;
            if (L.fd[i] < 0)
                continue;
            /* A bounded read per wake-up: a fast client must not keep
             * this thread from the others' deadlines. */
            ssize_t r = 1;
            for (int m = 0; m < 16 && r > 0; m++)
                r = recv(L.fd[i], scratch, sizeof(scratch), MSG_DONTWAIT);
            if (r == 0 || (r < 0 && errno != EAGAIN) ||
                (ev[k].events & (EPOLLHUP | EPOLLERR)))
                drop(i); /* the client has closed: done */
        }
        for (int i = 0; i < LINGER_MAX; i++)
            if (L.fd[i] >= 0 && now >= L.until[i])
                drop(i);
        pthread_mutex_unlock(&L.lock);
    }
    return NULL;
}

int
linger_start(void)
{
    for (int i = 0; i < LINGER_MAX; i++)
        L.fd[i] = -1;
    L.ep = epoll_create1(EPOLL_CLOEXEC);
    if (L.ep < 0)
        return -1;
    atomic_store(&L.stop, false);
    if (pthread_create(&L.thread, NULL, run, NULL) != 0) {
        close(L.ep);
        L.ep = -1;
        return -1;
    }
    L.running = true;
    return 0;
}

void
linger_stop(void)
{
    if (!L.running)
        return;
    atomic_store(&L.stop, true);
    pthread_join(L.thread, NULL);
    pthread_mutex_lock(&L.lock);
    for (int i = 0; i < LINGER_MAX; i++)
        if (L.fd[i] >= 0)
            drop(i);
    pthread_mutex_unlock(&L.lock);
    close(L.ep);
    L.ep = -1;
    L.running = false;
}

void
linger_add(int fd)
{
    shutdown(fd, SHUT_WR); /* the answer is out: then end of stream */
    pthread_mutex_lock(&L.lock);
    int i = 0;
    while (L.running && i < LINGER_MAX && L.fd[i] >= 0)
        i++;
    if (!L.running || i == LINGER_MAX) {
        pthread_mutex_unlock(&L.lock);
        close(fd);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP,
                             .data.u32 = (uint32_t)i};
    if (epoll_ctl(L.ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        pthread_mutex_unlock(&L.lock);
        close(fd);
        return;
    }
    L.fd[i] = fd;
    L.until[i] = now_mono_ns() / 1000000 + LINGER_MS;
    pthread_mutex_unlock(&L.lock);
}
