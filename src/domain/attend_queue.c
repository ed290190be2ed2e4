/*
 * attend_queue.c - see attend_queue.h.
 */
#include "attend_queue.h"

#include "classes.h"
#include "rules.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* A batch is what gathered while the last one was written, at most: */
#define BATCH_MAX 512

struct job {
    int64_t session, person, user, now;
    int rc;
    bool done;
    struct attend_result r;
    attend_done_fn cb; /* async: called, then the job freed */
    void *ctx;
    struct job *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t finished = PTHREAD_COND_INITIALIZER;
static struct job *head, *tail;
static struct db *wdb;
static pthread_t writer;
static bool running, stopping;

/* Writes one check-in inside the open transaction, through the one
 * writer of attendance (classes.c), which credits the day in order of
 * session start. */
static int
write_one(struct job *j)
{
    struct class_brief c;
    int rc = class_brief(wdb, j->session, &c);
    if (rc != 0)
        return rc;
    return class_attend_write(wdb, j->session, &c, j->person, "qr", j->now,
                              j->user, false, &j->r);
}

static int
by_person(const void *a, const void *b)
{
    const struct job *x = *(struct job *const *)a;
    const struct job *y = *(struct job *const *)b;
    return x->person < y->person ? -1 : x->person > y->person;
}

static void
write_batch(struct job *batch)
{
    /* Written in order of person: each write takes its person's day (a
     * row lock on PostgreSQL), and writers of several servers that take
     * them in one order never wait on each other in a circle. */
    struct job *order[BATCH_MAX];
    size_t n = 0;
    for (struct job *j = batch; j && n < BATCH_MAX; j = j->next)
        order[n++] = j;
    qsort(order, n, sizeof(order[0]), by_person);
    int rc = db_begin(wdb) == 0 ? 0 : ERR_DB;
    for (size_t i = 0; i < n; i++)
        order[i]->rc = rc == 0 ? write_one(order[i]) : rc;
    if (rc == 0 && db_commit(wdb) != 0)
        rc = ERR_DB;
    if (rc != 0) {
        log_error("check-in batch: %s", db_errmsg(wdb));
        db_rollback(wdb);
        for (struct job *j = batch; j; j = j->next)
            j->rc = ERR_DB;
    }
}

static void *
writer_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    for (;;) {
        while (head == NULL && !stopping)
            pthread_cond_wait(&work, &mu);
        if (head == NULL && stopping)
            break;
        /* Take up to BATCH_MAX jobs off the front. */
        struct job *batch = head, *last = head;
        for (int n = 1; n < BATCH_MAX && last->next; n++)
            last = last->next;
        head = last->next;
        if (head == NULL)
            tail = NULL;
        last->next = NULL;
        pthread_mutex_unlock(&mu);
        write_batch(batch);
        /* Callbacks first, outside the lock (they answer HTTP requests). */
        struct job *waiting = NULL;
        for (struct job *j = batch; j;) {
            struct job *next = j->next;
            if (j->cb) {
                j->cb(j->ctx, j->rc, &j->r);
                free(j);
            } else {
                j->next = waiting;
                waiting = j;
            }
            j = next;
        }
        pthread_mutex_lock(&mu);
        for (struct job *j = waiting; j;) {
            struct job *next = j->next;
            j->done = true; /* the waiter owns j from here on */
            j = next;
        }
        pthread_cond_broadcast(&finished);
    }
    pthread_mutex_unlock(&mu);
    return NULL;
}

int
attend_queue_start(struct db *db)
{
    wdb = db;
    stopping = false;
    if (pthread_create(&writer, NULL, writer_main, NULL) != 0) {
        wdb = NULL;
        return ERR_NOMEM;
    }
    running = true;
    return 0;
}

void
attend_queue_stop(void)
{
    if (!running)
        return;
    pthread_mutex_lock(&mu);
    stopping = true;
    pthread_cond_signal(&work);
    pthread_mutex_unlock(&mu);
    pthread_join(writer, NULL);
    running = false;
    db_close(wdb);
    wdb = NULL;
}

bool
attend_queue_running(void)
{
    return running;
}

static void
enqueue(struct job *j)
{
    if (tail)
        tail->next = j;
    else
        head = j;
    tail = j;
    pthread_cond_signal(&work);
}

void
attend_queue_submit_async(int64_t session_id, int64_t person_id,
                          int64_t user_id, int64_t now, attend_done_fn done,
                          void *ctx)
{
    struct job *j = xcalloc(1, sizeof(*j));
    *j = (struct job){session_id, person_id, user_id, now, 0, false, {0},
                      done, ctx, NULL};
    pthread_mutex_lock(&mu);
    enqueue(j);
    pthread_mutex_unlock(&mu);
}

int
attend_queue_submit(int64_t session_id, int64_t person_id, int64_t user_id,
                    int64_t now, struct attend_result *out)
{
    struct job j = {session_id, person_id, user_id, now, 0, false, {0},
                    NULL, NULL, NULL};
    pthread_mutex_lock(&mu);
    enqueue(&j);
    while (!j.done)
        pthread_cond_wait(&finished, &mu);
    pthread_mutex_unlock(&mu);
    *out = j.r;
    return j.rc;
}
