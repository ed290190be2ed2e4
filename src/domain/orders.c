/*
 * orders.c - see orders.h.
 */
#include "orders.h"

#include "classes.h"
#include "people.h"
#include "record.h"
#include "rules.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct col mine_cols[] = {
    {"id", COL_INT},          {"course_id", COL_INT},
    {"course_title", COL_TEXT}, {"status", COL_TEXT},
    {"reason", COL_TEXT},     {"program_id", COL_INT},
    {"session_id", COL_INT},  {"created_at", COL_TIME},
};
static const struct col table_cols[] = {
    {"township_code", COL_TEXT}, {"township_name", COL_TEXT},
    {"school_id", COL_INT},      {"school_name", COL_TEXT},
    {"course_id", COL_INT},      {"course_title", COL_TEXT},
    {"module_name", COL_TEXT},   {"orders", COL_INT},
    {"placed", COL_INT},         {"accepted", COL_INT},
    {"declined", COL_INT},
};

static int
fail(struct field_error *e, const char *field, const char *why)
{
    e->field = field;
    e->why = why;
    return ERR_INVAL;
}

int
order_create(struct db *db, int64_t person_id, int64_t course_id,
             const char *note, const struct audit_who *who, int64_t *id,
             struct field_error *e)
{
    int64_t published;
    int rc = db_int1(db, Q_COURSE_PUBLISHED, &published, "i", course_id);
    if (rc == ERR_NOTFOUND || (rc == 0 && !published))
        return fail(e, "course_id", "没有这门已发布的课程");
    if (rc != 0)
        return ERR_DB;
    char township[16];
    if ((rc = person_township(db, person_id, township)) != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_ORDER_INSERT, id, "iissi", course_id, person_id,
                 township, note ? note : "", now_unix());
    if (rc != 0) {
        db_rollback(db);
        return rc == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
    }
    char obj[48];
    str_fmt(obj, sizeof(obj), "order:%lld", (long long)*id);
    return record_commit(db, 1, who, "order_create", obj,
                         json_pack("{s:I}", "course_id",
                                   (json_int_t)course_id));
}

int
order_mine(struct db *db, int64_t person_id, json_t *items)
{
    return record_rows(db_query(db, Q_ORDER_MINE, "i", person_id), mine_cols,
                       NELEM(mine_cols), items);
}

int
order_table(struct db *db, const char *township, int64_t from, int64_t to,
            json_t *items, int64_t *placed)
{
    int rc = record_rows(db_query(db, Q_ORDER_TABLE, "iis", from, to,
                                  township),
                         table_cols, NELEM(table_cols), items);
    *placed = 0;
    size_t i;
    json_t *v;
    json_array_foreach(items, i, v)
    {
        *placed += json_integer_value(json_object_get(v, "placed"));
    }
    return rc;
}

int
order_convert(struct db *db, const struct order_convert *c,
              const struct audit_who *who, int64_t *program,
              int64_t *session, int64_t *n, struct field_error *e)
{
    json_t *school, *course;
    char township[16];
    int rc = school_get(db, c->school_id, &school, township);
    if (rc != 0)
        return rc;
    json_decref(school);
    if ((rc = course_get(db, c->course_id, &course)) != 0)
        return rc == ERR_NOTFOUND ? fail(e, "course_id", "没有这门课程") : rc;
    char title[160];
    str_copy(title, sizeof(title),
             c->title ? c->title
                      : json_string_value(json_object_get(course, "title")));
    json_t *h = json_object_get(course, "hours");
    int64_t halves = (int64_t)(json_number_value(h) * 2 + 0.5);
    json_t *teachers = json_object_get(course, "teacher_ids");
    int64_t teacher = json_array_size(teachers)
                          ? json_integer_value(json_array_get(teachers, 0))
                          : 0;
    json_decref(course);
    /* The first session lasts 3 hours by default, longer when the
     * course's 学时 need it (up to a day's cap); like every session it
     * carries no more 学时 than its length counts, the rest of a longer
     * course going to the sessions the school adds. */
    char day0[11];
    int year0;
    rules_day(c->starts_at, day0, &year0);
    struct hour_rule hr;
    if ((rc = hours_rule(db, year0, &hr)) != 0)
        return rc == ERR_NOTFOUND
                   ? fail(e, "starts_at", "这一年没有学时计算规则")
                   : ERR_DB;
    int64_t ends = c->ends_at, want = halves * 1800;
    if (want > hr.day_cap_minutes * 60)
        want = hr.day_cap_minutes * 60;
    if (ends == 0)
        ends = c->starts_at + (want > 3 * 3600 ? want : 3 * 3600);
    if (ends <= c->starts_at)
        return fail(e, "ends_at", "结束时间应晚于开始时间");
    int64_t fits = rules_session_max_halves(&hr, ends - c->starts_at);
    if (halves > fits)
        halves = fits;
    if (halves == 0)
        return fail(e, "ends_at", "课时太短，不足半个学时");
    int64_t room = 0;
    if (db_int1(db, Q_SCHOOL_FIRST_ROOM, &room, "i", c->school_id) != 0)
        room = 0;
    /* The orders to accept, read before the transaction. */
    struct db_res *r = db_query(db, Q_ORDER_OPEN_OF, "is", c->course_id,
                                township);
    if (r == NULL)
        return ERR_DB;
    int64_t ids[2000], people[2000];
    size_t count = 0;
    while ((rc = db_next(r)) > 0 && count < NELEM(ids)) {
        ids[count] = db_int(r, 0);
        people[count++] = db_int(r, 1);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (count == 0)
        return ERR_NOTFOUND;
    char from[11], to[11];
    int year;
    rules_day(c->starts_at, from, &year);
    rules_day(ends, to, &year);
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t now = now_unix();
    rc = db_int1(db, Q_PROGRAM_INSERT, program, "sisssii", "themed_class",
                 c->school_id, title, from, to, (int64_t)0, now);
    const int64_t *room_p = room ? &room : NULL;
    const int64_t *teacher_p = teacher ? &teacher : NULL;
    int64_t capacity = (int64_t)count > 30 ? (int64_t)count : 30;
    if (rc == 0)
        rc = db_int1(db, Q_CLASS_INSERT, session, "inniinsiiii", *program,
                     &c->course_id, teacher_p, c->starts_at, ends,
                     room_p, room ? "" : "党校", halves, capacity,
                     (int64_t)0, now);
    int64_t by = who->user_id;
    for (size_t i = 0; rc == 0 && i < count; i++) {
        if (db_exec(db, Q_ENROLL_INSERT, "iisi", *session, people[i],
                    "enrolled", now) < 0 ||
            db_exec(db, Q_ORDER_ACCEPT, "iiini", *program, *session, now,
                    by ? &by : NULL, ids[i]) < 0)
            rc = ERR_DB;
    }
    *n = (int64_t)count;
    char obj[48];
    str_fmt(obj, sizeof(obj), "program:%lld", (long long)(rc ? 0 : *program));
    return record_commit(db, rc == 0 ? 1 : -1, who, "orders_convert", obj,
                         json_pack("{s:I, s:I, s:I}", "course_id",
                                   (json_int_t)c->course_id, "school_id",
                                   (json_int_t)c->school_id, "orders",
                                   (json_int_t)count));
}

int
order_township(struct db *db, int64_t id, char township[16])
{
    struct db_res *r = db_query(db, Q_ORDER_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        str_copy(township, 16, db_text(r, 0));
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
order_decline(struct db *db, int64_t id, const char *reason,
              const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t by = who->user_id;
    int n = db_exec(db, Q_ORDER_DECLINE, "sini", reason, now_unix(),
                    by ? &by : NULL, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "order:%lld", (long long)id);
    return record_commit(db, n, who, "order_decline", obj,
                         json_pack("{s:s}", "reason", reason));
}
