/*
 * attend_queue.h - QR check-ins committed in groups (PERF.md pitfall 4).
 *
 * A check-in burst is many small writes; with synchronous=FULL each commit
 * costs an fsync, and one at a time they queue on the write lock. The
 * HTTP workers hand check-ins to one writer thread instead, which writes
 * whatever has gathered in one transaction and wakes each waiter with its
 * own result. Durability is unchanged: a check-in is answered only after
 * the transaction that holds it has committed.
 */
#pragma once

#include "classes.h"

#include "../db/db.h"

#include <stdbool.h>
#include <stdint.h>

/* Starts the writer on its own connection (taken over). 0 or an error. */
int attend_queue_start(struct db *db);
/* Stops the writer after the check-ins already queued; closes its
 * connection. */
void attend_queue_stop(void);
bool attend_queue_running(void);
/* The same without waiting: done(ctx, rc, result) is called on the writer
 * thread once the check-in's transaction has committed (or failed). */
typedef void (*attend_done_fn)(void *ctx, int rc,
                               const struct attend_result *r);
void attend_queue_submit_async(int64_t session_id, int64_t person_id,
                               int64_t user_id, int64_t now,
                               attend_done_fn done, void *ctx);
/* Records a QR check-in of person (by user_id) to session at now and
 * waits for its
 * commit: 0 with *out, ERR_CONFLICT (already there), ERR_NOTFOUND
 * (session), ERR_DB. */
int attend_queue_submit(int64_t session_id, int64_t person_id,
                        int64_t user_id, int64_t now,
                        struct attend_result *out);
