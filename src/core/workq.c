/*
 * workq.c - see workq.h.
 */
#include "workq.h"

#include "err.h"
#include "util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct job {
    workq_fn fn;
    void *arg;
    struct job *next;
};

struct workq {
    pthread_mutex_t mu;
    pthread_cond_t work;
    struct job *head, *tail;
    int waiting, max_waiting, nthreads;
    bool stopping;
    pthread_t *threads;
};

static void *
serve(void *arg)
{
    struct workq *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (q->head == NULL && !q->stopping)
            pthread_cond_wait(&q->work, &q->mu);
        if (q->head == NULL)
            break; /* stopping, and nothing left */
        struct job *j = q->head;
        q->head = j->next;
        if (q->head == NULL)
            q->tail = NULL;
        q->waiting--;
        pthread_mutex_unlock(&q->mu);
        j->fn(j->arg);
        free(j);
        pthread_mutex_lock(&q->mu);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

struct workq *
workq_new(int threads, int max_waiting)
{
    struct workq *q = xcalloc(1, sizeof(*q));
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work, NULL);
    q->max_waiting = max_waiting;
    q->threads = xcalloc((size_t)threads, sizeof(*q->threads));
    for (; q->nthreads < threads; q->nthreads++)
        if (pthread_create(&q->threads[q->nthreads], NULL, serve, q) != 0) {
            workq_free(q);
            return NULL;
        }
    return q;
}

int
workq_submit(struct workq *q, workq_fn fn, void *arg)
{
    pthread_mutex_lock(&q->mu);
    if (q->waiting >= q->max_waiting || q->stopping) {
        pthread_mutex_unlock(&q->mu);
        return ERR_RANGE;
    }
    struct job *j = xmalloc(sizeof(*j));
    *j = (struct job){fn, arg, NULL};
    if (q->tail)
        q->tail->next = j;
    else
        q->head = j;
    q->tail = j;
    q->waiting++;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
    return 0;
}

int
workq_waiting(struct workq *q)
{
    pthread_mutex_lock(&q->mu);
    int n = q->waiting;
    pthread_mutex_unlock(&q->mu);
    return n;
}

void
workq_free(struct workq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    free(q->threads);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->mu);
    free(q);
}
