/*
 * workq.h - a bounded queue of jobs served by a fixed number of threads.
 *
 * The password hashing of log-ins and password changes runs here, not on
 * the HTTP worker threads: argon2id takes tens of milliseconds and 64 MiB
 * a time, and a flood of log-ins must not stall every other request. The
 * queue is bounded, so a flood is refused (the caller answers 503) rather
 * than queued without end.
 */
#pragma once

struct workq;

typedef void (*workq_fn)(void *arg);

/* Starts threads threads serving a queue of at most max_waiting jobs.
 * NULL when a thread cannot start. Free with workq_free. */
struct workq *workq_new(int threads, int max_waiting);
/* Queues fn(arg), to run on one of the threads. 0, or ERR_RANGE when
 * max_waiting jobs are already waiting (fn is then not called). */
int workq_submit(struct workq *q, workq_fn fn, void *arg);
/* Jobs waiting now (not counting those running). */
int workq_waiting(struct workq *q);
/* Runs the jobs already queued, then stops the threads and frees q. */
void workq_free(struct workq *q);
