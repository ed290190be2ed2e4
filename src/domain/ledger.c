/*
 * ledger.c - see ledger.h.
 */
#include "ledger.h"

#include "classes.h"
#include "record.h"

#include "../core/err.h"
#include "../core/image.h"
#include "../core/util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct col note_cols[] = {
    {"id", COL_INT},      {"session_id", COL_INT},   {"kind", COL_TEXT},
    {"body", COL_TEXT},   {"group", COL_TEXT},       {"asked_by", COL_TEXT},
    {"answer", COL_TEXT}, {"answered_at", COL_TIME}, {"created_at", COL_TIME},
};
static const struct col photo_cols[] = {
    {"id", COL_INT},      {"session_id", COL_INT}, {"mime", COL_TEXT},
    {"bytes", COL_INT},   {"width", COL_INT},      {"height", COL_INT},
    {"sha256", COL_TEXT}, {"caption", COL_TEXT},   {"created_at", COL_TIME},
};

static int
fail(struct field_error *e, const char *field, const char *why)
{
    e->field = field;
    e->why = why;
    return ERR_INVAL;
}

int
ledger_participant(struct db *db, int64_t session_id, int64_t person_id)
{
    int64_t n;
    if (db_int1(db, Q_SESSION_PARTICIPANT, &n, "ii", session_id, person_id) !=
        0)
        return ERR_DB;
    return n > 0;
}

int
ledger_is_teacher(struct db *db, int64_t session_id, int64_t user_id)
{
    int64_t teacher;
    int rc = teacher_of_user(db, user_id, &teacher);
    if (rc == ERR_NOTFOUND)
        return 0;
    struct class_brief c;
    if (rc != 0 || (rc = class_brief(db, session_id, &c)) != 0)
        return rc == ERR_NOTFOUND ? 0 : ERR_DB;
    return c.teacher == teacher;
}

/* Text of min..max characters of that kind (a note and an answer may
 * hold several lines; a group name and a caption one); with min > 0, not
 * only spaces either (a form's textarea counts spaces as filled in). */
static bool
text_ok(const char *s, long min, long max, enum text_kind kind)
{
    long n = s ? utf8_chars(s) : -1;
    return n >= min && n <= max && (min == 0 || !str_blank(s)) &&
           text_check(s, kind) == 0;
}

int
note_create(struct db *db, int64_t session_id, const char *kind,
            const char *body, const char *group, int64_t person_id,
            const struct audit_who *who, int64_t *id, struct field_error *e)
{
    bool question = kind && strcmp(kind, "question") == 0;
    if (!question && !(kind && strcmp(kind, "discussion") == 0))
        return fail(e, "kind",
                    "应为 question（提问）或 discussion（讨论记录）");
    if (!text_ok(body, 1, NOTE_MAX_CHARS, TEXT_LINES))
        return fail(e, "body", "内容应为 1–2000 个字，不含控制字符");
    if (group &&
        (question || !text_ok(group, 1, NOTE_GROUP_MAX_CHARS, TEXT_LINE)))
        return fail(e, "group", question ? "提问不分组" : "组名应为 1–32 个字");
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t by = who->user_id;
    int rc =
        db_int1(db, Q_NOTE_INSERT, id, "isssnni", session_id, kind, body, group,
                by ? &by : NULL, person_id ? &person_id : NULL, now_unix());
    char obj[48];
    str_fmt(obj, sizeof(obj), "note:%lld", (long long)(rc ? 0 : *id));
    return record_commit(db, rc == 0 ? 1 : -1, who, "note_create", obj,
                         json_pack("{s:I, s:s}", "session_id",
                                   (json_int_t)session_id, "kind", kind));
}

int
note_list(struct db *db, int64_t session_id, const char *kind, json_t *items)
{
    return record_rows(db_query(db, Q_NOTE_LIST, "is", session_id, kind),
                       note_cols, NELEM(note_cols), items);
}

int
note_get(struct db *db, int64_t id, int64_t *session_id, char kind[16])
{
    struct db_res *r = db_query(db, Q_NOTE_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *session_id = db_int(r, 0);
        str_copy(kind, 16, db_text(r, 1));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
note_answer(struct db *db, int64_t id, const char *answer,
            const struct audit_who *who, struct field_error *e)
{
    if (!text_ok(answer, 1, NOTE_MAX_CHARS, TEXT_LINES))
        return fail(e, "answer", "回答应为 1–2000 个字，不含控制字符");
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t by = who->user_id;
    int n = db_exec(db, Q_NOTE_ANSWER, "snii", answer, by ? &by : NULL,
                    now_unix(), id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "note:%lld", (long long)id);
    return record_commit(db, n, who, "note_answer", obj, json_object());
}

static int
void_row(struct db *db, enum query q, const char *event, const char *what,
         int64_t id, const char *reason, const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, q, "isi", now_unix(), reason, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "%s:%lld", what, (long long)id);
    return record_commit(db, n, who, event, obj,
                         json_pack("{s:s}", "reason", reason));
}

int
note_void(struct db *db, int64_t id, const char *reason,
          const struct audit_who *who)
{
    return void_row(db, Q_NOTE_VOID, "note_void", "note", id, reason, who);
}

int
photo_add(struct db *db, int64_t session_id, const void *data, size_t len,
          const char *mime, const char *caption, int64_t max_bytes,
          int64_t max_count, const struct audit_who *who, int64_t *id,
          enum photo_refusal *why)
{
    struct image_info in;
    *why = PHOTO_OK;
    if (len == 0)
        *why = PHOTO_EMPTY;
    else if (len > (size_t)max_bytes)
        *why = PHOTO_TOO_LARGE;
    else if (caption &&
             !text_ok(caption, 0, PHOTO_CAPTION_MAX_CHARS, TEXT_LINE))
        *why = PHOTO_CAPTION;
    else {
        int rc = image_sniff(data, len, &in);
        if (rc == ERR_INVAL)
            *why = PHOTO_NOT_IMAGE;
        else if (mime && strcmp(mime, in.mime) != 0)
            *why = PHOTO_MISMATCH;
        else if (rc != 0)
            *why = PHOTO_CORRUPT;
    }
    if (*why != PHOTO_OK)
        return ERR_INVAL;
    unsigned char sum[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(sum, data, len);
    sodium_bin2hex(hex, sizeof(hex), sum, sizeof(sum));
    if (db_begin(db) != 0)
        return ERR_DB;
    /* Counted under the session's row lock, like a class's seats: on
     * PostgreSQL (read committed) two uploads counting at once would
     * otherwise both see room for one more. */
    int64_t n = 0, locked, by = who->user_id;
    int rc = db_int1(db, Q_CLASS_LOCK, &locked, "i", session_id);
    if (rc == 0)
        rc = db_int1(db, Q_PHOTO_COUNT, &n, "i", session_id);
    if (rc == 0 && n >= max_count) {
        db_rollback(db);
        *why = PHOTO_FULL;
        return ERR_INVAL;
    }
    if (rc == 0)
        rc = db_int1(db, Q_PHOTO_INSERT, id, "isiiissbni", session_id, in.mime,
                     (int64_t)len, (int64_t)in.width, (int64_t)in.height, hex,
                     caption ? caption : "", data, len, by ? &by : NULL,
                     now_unix());
    char obj[48];
    str_fmt(obj, sizeof(obj), "photo:%lld", (long long)(rc ? 0 : *id));
    return record_commit(db, rc == 0 ? 1 : -1, who, "photo_add", obj,
                         json_pack("{s:I, s:s, s:I, s:s}", "session_id",
                                   (json_int_t)session_id, "mime", in.mime,
                                   "bytes", (json_int_t)len, "sha256", hex));
}

int
photo_list(struct db *db, int64_t session_id, json_t *items)
{
    return record_rows(db_query(db, Q_PHOTO_LIST, "i", session_id), photo_cols,
                       NELEM(photo_cols), items);
}

int
photo_data(struct db *db, int64_t id, int64_t *session_id, char mime[16],
           void **data, size_t *len)
{
    struct db_res *r = db_query(db, Q_PHOTO_DATA, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *session_id = db_int(r, 0);
        str_copy(mime, 16, db_text(r, 1));
        const void *b = db_blob(r, 2, len);
        *data = xmalloc(*len ? *len : 1);
        if (b)
            memcpy(*data, b, *len);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
photo_void(struct db *db, int64_t id, const char *reason,
           const struct audit_who *who)
{
    return void_row(db, Q_PHOTO_VOID, "photo_void", "photo", id, reason, who);
}
