/*
 * classes.c - see classes.h. The counting rules themselves live in
 * rules.c; this file applies them to records.
 */
#include "classes.h"

#include "record.h"
#include "rules.h"

#include "../core/err.h"
#include "../core/keep.h"
#include "../core/keyring.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct col program_cols[] = {
    {"id", COL_INT},           {"type", COL_TEXT},
    {"type_name", COL_TEXT},   {"school_id", COL_INT},
    {"township_code", COL_TEXT}, {"title", COL_TEXT},
    {"from", COL_TEXT},        {"to", COL_TEXT},
    {"sessions", COL_INT},     {"voided", COL_SET},
};
static const struct col class_cols[] = {
    {"id", COL_INT},           {"program_id", COL_INT},
    {"program_type", COL_TEXT}, {"program_title", COL_TEXT},
    {"school_id", COL_INT},    {"township_code", COL_TEXT},
    {"course_id", COL_INT},    {"course_title", COL_TEXT},
    {"teacher_id", COL_INT},   {"teacher_name", COL_TEXT},
    {"starts_at", COL_TIME},   {"ends_at", COL_TIME},
    {"room_id", COL_INT},      {"place", COL_TEXT},
    {"hours", COL_HALVES},     {"capacity", COL_INT},
    {"enrolled", COL_INT},     {"waiting", COL_INT},
    {"attended", COL_INT},     {"voided", COL_SET},
};
/* The columns of SESSION_SELECT (queries_teaching.h), as class_cols. */
enum {
    CC_ID, CC_PROGRAM, CC_TYPE, CC_TITLE, CC_SCHOOL, CC_TOWNSHIP, CC_COURSE,
    CC_COURSE_TITLE, CC_TEACHER, CC_TEACHER_NAME, CC_STARTS, CC_ENDS,
    CC_ROOM, CC_PLACE, CC_HALVES, CC_CAPACITY, CC_ENROLLED, CC_WAITING,
    CC_ATTENDED, CC_VOIDED
};
_Static_assert(sizeof(class_cols) / sizeof(class_cols[0]) == CC_VOIDED + 1,
               "class_cols and its enum name the same columns");
static const struct col roster_cols[] = {
    {"person_id", COL_INT}, {"name", COL_TEXT},
    {"id_number_masked", COL_TEXT}, {"status", COL_TEXT},
    {"attended", COL_BOOL},
};

const struct program_type program_types[PROGRAM_TYPES + 1] = {
    {"weekly_lesson", "每周一课", "Weekly lesson", false},
    {"weekend_lecture", "周末大讲堂", "Weekend lecture", false},
    {"village_cadre", "今冬明春村两委培训", "Village cadre training", true},
    {"themed_class", "主题培训班", "Themed class", true},
    {"onsite", "现场教学", "On-site teaching", false},
    {"skills", "技能培训", "Skills training", false},
    {"skills_outreach", "送技到村到户", "Skills to the village", false},
    {"talent_return", "人才回引培训", "Returned talent training", true},
    {NULL, NULL, NULL, false},
};

const struct program_type *
program_type_find(const char *code)
{
    for (const struct program_type *t = program_types; code && t->code; t++)
        if (strcmp(t->code, code) == 0)
            return t;
    return NULL;
}

static int
fail(struct field_error *e, const char *field, const char *why)
{
    e->field = field;
    e->why = why;
    return ERR_INVAL;
}

static int
get_with_township(struct db *db, enum query q, int64_t id,
                  const struct col *cols, size_t n, json_t **out,
                  char township[16])
{
    *out = NULL;
    struct db_res *r = db_query(db, q, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *out = record_json(r, cols, n);
        str_copy(township, 16,
                 json_string_value(json_object_get(*out, "township_code")));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

/* --- programs --------------------------------------------------------- */

int
program_create(struct db *db, const struct program_input *in, bool is_demo,
               const struct audit_who *who, int64_t *id,
               struct field_error *e)
{
    int64_t from, to;
    int rc = record_lookup(db, Q_PROGRAM_TYPE_GET, in->type, NULL, 0);
    if (rc < 0)
        return ERR_DB;
    if (rc == 0)
        return fail(e, "type", "没有这种培训类型");
    if (date_parse(in->from, &from) != 0)
        return fail(e, "from", "日期应为 YYYY-MM-DD");
    if (date_parse(in->to, &to) != 0)
        return fail(e, "to", "日期应为 YYYY-MM-DD");
    if (to < from)
        return fail(e, "to", "结束日期早于开始日期");
    if (db_begin(db) != 0)
        return ERR_DB;
    rc = db_int1(db, Q_PROGRAM_INSERT, id, "sisssii", in->type,
                 in->school_id, in->title, in->from, in->to,
                 (int64_t)is_demo, now_unix());
    char obj[48];
    str_fmt(obj, sizeof(obj), "program:%lld", (long long)(rc ? 0 : *id));
    return record_commit(db, rc == 0 ? 1 : -1, who, "program_create", obj,
                         json_pack("{s:s, s:I, s:s}", "type", in->type,
                                   "school_id", (json_int_t)in->school_id,
                                   "title", in->title));
}

int
program_count(struct db *db, const struct program_filter *f, int64_t *total)
{
    const int64_t *school = f->school_id ? &f->school_id : NULL;
    const int64_t *from = f->dated ? &f->from : NULL;
    const int64_t *to = f->dated ? &f->to : NULL;
    return db_int1(db, Q_PROGRAM_COUNT, total, "ssnnn", f->township,
                   f->type, school, from, to) != 0
               ? ERR_DB
               : 0;
}

/* The columns of PROGRAM_SELECT, as program_cols. */
enum {
    PC_ID, PC_TYPE, PC_TYPE_NAME, PC_SCHOOL, PC_TOWNSHIP, PC_TITLE, PC_FROM,
    PC_TO, PC_SESSIONS, PC_VOIDED,
};

static void
program_read(struct db_res *r, struct arena *a, void *row)
{
    struct program_row *x = row;
    *x = (struct program_row){
        .id = db_int(r, PC_ID),
        .type = record_text(r, a, PC_TYPE),
        .type_name = record_text(r, a, PC_TYPE_NAME),
        .school_id = db_int(r, PC_SCHOOL),
        .township_code = record_text(r, a, PC_TOWNSHIP),
        .title = record_text(r, a, PC_TITLE),
        .from = record_text(r, a, PC_FROM),
        .to = record_text(r, a, PC_TO),
        .sessions = db_int(r, PC_SESSIONS),
        .voided = !db_null(r, PC_VOIDED),
    };
}

int
program_page(struct db *db, struct arena *a, const struct program_filter *f,
             int64_t page, int64_t per_page, struct program_row **rows,
             size_t *n, int64_t *total)
{
    *rows = NULL;
    *n = 0;
    if (program_count(db, f, total) != 0)
        return ERR_DB;
    const int64_t *school = f->school_id ? &f->school_id : NULL;
    const int64_t *from = f->dated ? &f->from : NULL;
    const int64_t *to = f->dated ? &f->to : NULL;
    void *out;
    int rc = record_page(db_query(db, Q_PROGRAM_LIST, "ssnnnii", f->township,
                                  f->type, school, from, to, per_page,
                                  (page - 1) * per_page),
                         a, per_page, sizeof(**rows), program_read, &out, n);
    *rows = out;
    return rc;
}

int
program_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    return get_with_township(db, Q_PROGRAM_GET, id, program_cols,
                             NELEM(program_cols), out, township);
}

/* --- class sessions --------------------------------------------------- */

int
class_create(struct db *db, const struct class_input *in, bool is_demo,
             const struct audit_who *who, int64_t *id,
             struct field_error *e)
{
    json_t *prog;
    char township[16];
    int rc = program_get(db, in->program_id, &prog, township);
    if (rc == ERR_NOTFOUND)
        return fail(e, "program_id", "没有这个培训项目");
    if (rc != 0)
        return rc;
    int64_t school = json_integer_value(json_object_get(prog, "school_id"));
    bool voided = json_is_true(json_object_get(prog, "voided"));
    json_decref(prog);
    if (voided)
        return fail(e, "program_id", "培训项目已撤销");
    if (in->ends_at <= in->starts_at)
        return fail(e, "ends_at", "结束时间应晚于开始时间");
    if (in->ends_at - in->starts_at > 24 * 3600)
        return fail(e, "ends_at", "一次课不超过24小时");
    int64_t v;
    if (in->course_id) {
        rc = db_int1(db, Q_COURSE_PUBLISHED, &v, "i", in->course_id);
        if (rc == ERR_NOTFOUND || (rc == 0 && v == 0))
            return fail(e, "course_id", "课程不存在或未发布");
        if (rc != 0)
            return ERR_DB;
    }
    if (in->teacher_id) {
        char num[24];
        str_fmt(num, sizeof(num), "%lld", (long long)in->teacher_id);
        rc = record_lookup(db, Q_TEACHER_LIVE, num, NULL, 0);
        if (rc < 0)
            return ERR_DB;
        if (rc == 0)
            return fail(e, "teacher_id", "没有这位教师");
        /* A county teacher, an invited one, or one of this township's:
         * never another township's own pool. */
        bool ok;
        if (teacher_in_reach(db, in->teacher_id, township, &ok) != 0)
            return ERR_DB;
        if (!ok)
            return fail(e, "teacher_id",
                        "这位教师属于其他镇街的师资库：请选县级教师、特邀教师"
                        "或本镇街的教师");
    }
    if (in->room_id) {
        rc = db_int1(db, Q_ROOM_SCHOOL, &v, "i", in->room_id);
        if (rc == ERR_NOTFOUND || (rc == 0 && v != school))
            return fail(e, "room_id", "这个功能室不属于本党校");
        if (rc != 0)
            return ERR_DB;
    } else if (in->place == NULL || *in->place == '\0') {
        return fail(e, "place", "请选择功能室或填写地点");
    }
    /* A session's 学时 fit its length under its year's counting rule. */
    char day[11];
    int year;
    rules_day(in->starts_at, day, &year);
    struct hour_rule hr;
    rc = hours_rule(db, year, &hr);
    if (rc == ERR_NOTFOUND)
        return fail(e, "starts_at", "这一年没有学时计算规则");
    if (rc != 0)
        return ERR_DB;
    if (in->half_hours >
        rules_session_max_halves(&hr, in->ends_at - in->starts_at))
        return fail(e, "hours", "学时不能超过按这次课的时长可计的学时"
                                "（每60分钟计1学时）");
    if (db_begin(db) != 0)
        return ERR_DB;
    const int64_t *course = in->course_id ? &in->course_id : NULL;
    const int64_t *teacher = in->teacher_id ? &in->teacher_id : NULL;
    const int64_t *room = in->room_id ? &in->room_id : NULL;
    rc = db_int1(db, Q_CLASS_INSERT, id, "inniinsiiii", in->program_id,
                 course, teacher, in->starts_at, in->ends_at, room,
                 in->place ? in->place : "", in->half_hours, in->capacity,
                 (int64_t)is_demo, now_unix());
    char obj[48];
    str_fmt(obj, sizeof(obj), "session:%lld", (long long)(rc ? 0 : *id));
    return record_commit(db, rc == 0 ? 1 : -1, who, "session_create", obj,
                         json_pack("{s:I, s:I}", "program_id",
                                   (json_int_t)in->program_id, "starts_at",
                                   (json_int_t)in->starts_at));
}

static void
class_read(struct db_res *r, struct arena *a, void *row)
{
    struct class_row *x = row;
    *x = (struct class_row){
        .id = db_int(r, CC_ID),
        .program_id = db_int(r, CC_PROGRAM),
        .program_type = record_text(r, a, CC_TYPE),
        .program_title = record_text(r, a, CC_TITLE),
        .school_id = db_int(r, CC_SCHOOL),
        .township_code = record_text(r, a, CC_TOWNSHIP),
        .course_id = record_id(r, CC_COURSE),
        .course_title = record_text(r, a, CC_COURSE_TITLE),
        .teacher_id = record_id(r, CC_TEACHER),
        .teacher_name = record_text(r, a, CC_TEACHER_NAME),
        .starts_at = db_int(r, CC_STARTS),
        .ends_at = db_int(r, CC_ENDS),
        .room_id = record_id(r, CC_ROOM),
        .place = record_text(r, a, CC_PLACE),
        .half_hours = db_int(r, CC_HALVES),
        .capacity = db_int(r, CC_CAPACITY),
        .enrolled = db_int(r, CC_ENROLLED),
        .waiting = db_int(r, CC_WAITING),
        .attended = db_int(r, CC_ATTENDED),
        .voided = !db_null(r, CC_VOIDED),
    };
}

int
class_page(struct db *db, struct arena *a, const struct class_filter *f,
           int64_t page, int64_t per_page, struct class_row **rows,
           size_t *n, int64_t *total)
{
    const int64_t *prog = f->program_id ? &f->program_id : NULL;
    const int64_t *teacher = f->teacher_id ? &f->teacher_id : NULL;
    const int64_t *school = f->school_id ? &f->school_id : NULL;
    *rows = NULL;
    *n = 0;
    if (db_int1(db, Q_CLASS_COUNT, total, "sniisnn", f->township, prog,
                f->from, f->to, f->type, teacher, school))
        return ERR_DB;
    void *out;
    int rc = record_page(db_query(db, Q_CLASS_LIST, "sniisnnii", f->township,
                                  prog, f->from, f->to, f->type, teacher,
                                  school, per_page, (page - 1) * per_page),
                         a, per_page, sizeof(**rows), class_read, &out, n);
    *rows = out;
    return rc;
}

/* The totals of the last lists asked for, each kept while the version
 * of the attendance it counted stays: a distinct count over every
 * check-in of the county costs tens of milliseconds, and the same list
 * is asked for again and again. Only lists that the attendance rows
 * alone decide are kept (they carry their session's township, program,
 * type and start, and a session with attendance is never voided or
 * moved); a teacher's or a school's list is counted each time. */
static struct keep totals_kept = KEEP_INIT;

int
class_totals(struct db *db, const struct class_filter *f,
             int64_t *person_times, int64_t *persons)
{
    int64_t v[2];
    char key[KEEP_KEY] = "";
    if (f->teacher_id == 0 && f->school_id == 0) {
        if (record_attendance_key(
                db, f->township, key, "%lld|%lld|%lld|%s|%s",
                (long long)f->program_id, (long long)f->from, (long long)f->to,
                f->township ? f->township : "", f->type ? f->type : "") != 0)
            return ERR_DB;
        if (keep_get(&totals_kept, key, v, 2)) {
            *person_times = v[0];
            *persons = v[1];
            return 0;
        }
    }
    const int64_t *prog = f->program_id ? &f->program_id : NULL;
    const int64_t *teacher = f->teacher_id ? &f->teacher_id : NULL;
    const int64_t *school = f->school_id ? &f->school_id : NULL;
    struct db_res *r = db_query(db, Q_CLASS_TOTALS, "sniisnn", f->township,
                                prog, f->from, f->to, f->type, teacher,
                                school);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    *person_times = v[0] = rc > 0 ? db_int(r, 0) : 0;
    *persons = v[1] = rc > 0 ? db_int(r, 1) : 0;
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    keep_put(&totals_kept, key, v, 2);
    return 0;
}

int
class_get(struct db *db, int64_t id, json_t **out, char township[16])
{
    return get_with_township(db, Q_CLASS_GET, id, class_cols,
                             NELEM(class_cols), out, township);
}

int
class_void(struct db *db, int64_t id, const char *reason,
           const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    /* Counted inside the write transaction: no check-in slips in. */
    int64_t attended;
    int n = db_int1(db, Q_CLASS_ATTENDANCE_COUNT, &attended, "i", id);
    if (n == 0 && attended > 0) {
        db_rollback(db);
        return ERR_CONFLICT;
    }
    if (n == 0)
        n = db_exec(db, Q_CLASS_VOID, "isi", now_unix(), reason, id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "session:%lld", (long long)id);
    return record_commit(db, n, who, "session_void", obj,
                         json_pack("{s:s}", "reason", reason));
}

int
class_of_teacher(struct db *db, int64_t teacher_id, int64_t limit,
                 json_t *items)
{
    return record_rows(db_query(db, Q_CLASS_OF_TEACHER, "ii", teacher_id,
                                limit),
                       class_cols, NELEM(class_cols), items);
}

int
class_mine(struct db *db, int64_t person_id, int64_t since, json_t *items)
{
    return record_rows(db_query(db, Q_CLASS_MINE, "ii", person_id, since),
                       class_cols, NELEM(class_cols), items);
}

int
class_roster(struct db *db, int64_t id, json_t *items)
{
    return record_rows(db_query(db, Q_ENROLL_LIST, "i", id), roster_cols,
                       NELEM(roster_cols), items);
}

static int
class_row(struct db *db, int64_t id, struct class_brief *c)
{
    struct db_res *r = db_query(db, Q_CLASS_BRIEF, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        c->course = db_null(r, 0) ? 0 : db_int(r, 0);
        c->teacher = db_null(r, 1) ? 0 : db_int(r, 1);
        c->starts = db_int(r, 2);
        c->ends = db_int(r, 3);
        c->halves = db_int(r, CC_SCHOOL);
        c->capacity = db_int(r, 5);
        str_copy(c->township, sizeof(c->township), db_text(r, 6));
        if (!db_null(r, 7))
            rc = 0; /* voided: as good as gone */
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
class_brief(struct db *db, int64_t id, struct class_brief *out)
{
    return class_row(db, id, out);
}

int
class_enroll(struct db *db, int64_t session_id, int64_t person_id,
             bool waitlist, const struct audit_who *who, const char **status)
{
    struct class_brief c;
    int rc = class_row(db, session_id, &c);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    /* Counted inside the write transaction, so two enrolments cannot
     * both take the last seat. */
    int64_t enrolled = 0, locked, has = 0;
    rc = db_int1(db, Q_CLASS_LOCK, &locked, "i", session_id);
    /* A live roster person (a voided one, or none, is ERR_NOTFOUND). */
    if (rc == 0)
        rc = db_int1(db, Q_PERSON_LOCK, &locked, "i", person_id);
    if (rc == 0)
        rc = db_int1(db, Q_ENROLL_HAS, &has, "ii", session_id, person_id);
    if (rc == 0 && has)
        rc = ERR_CONFLICT;
    if (rc == 0)
        rc = db_int1(db, Q_ENROLLED_COUNT, &enrolled, "i", session_id);
    if (rc == 0 && enrolled >= c.capacity && !waitlist)
        rc = ERR_RANGE;
    *status = rc == 0 && enrolled >= c.capacity ? "waiting" : "enrolled";
    if (rc == 0 && db_exec(db, Q_ENROLL_INSERT, "iisi", session_id,
                           person_id, *status, now_unix()) < 0)
        rc = db_last_err(db) == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
    if (rc != 0) {
        db_rollback(db);
        return rc;
    }
    char obj[48];
    str_fmt(obj, sizeof(obj), "session:%lld", (long long)session_id);
    return record_commit(db, 1, who, "enroll", obj,
                         json_pack("{s:I, s:s}", "person_id",
                                   (json_int_t)person_id, "status",
                                   *status));
}

int
hours_rule(struct db *db, int year, struct hour_rule *out)
{
    struct db_res *r = db_query(db, Q_HOUR_RULE, "i", (int64_t)year);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        str_copy(out->code, sizeof(out->code), db_text(r, 0));
        out->day_cap_minutes = db_int(r, 1);
        out->half_day_minutes = db_int(r, 2);
        out->day_minutes = db_int(r, 3);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

/* One attendance of a person's day, as the day is credited again. */
struct day_row {
    int64_t id, session, starts, halves, minutes;
    bool changed;
};

/* The person's attendances of day, in order of session start, with room
 * for one more: 0 with *rows and *n, ERR_CONFLICT when session is among
 * them, ERR_DB. The caller frees *rows. */
static int
day_rows(struct db *db, int64_t person_id, const char *day,
         int64_t session_id, const char *code, struct day_row **rows,
         size_t *n)
{
    size_t cap = 4;
    *rows = xmalloc(cap * sizeof(**rows));
    *n = 0;
    struct db_res *r = db_query(db, Q_ATTEND_DAY, "is", person_id, day);
    if (r == NULL)
        return ERR_DB;
    int rc;
    bool dup = false;
    while ((rc = db_next(r)) > 0) {
        if (*n + 1 >= cap)
            *rows = xrealloc(*rows, (cap *= 2) * sizeof(**rows));
        struct day_row *d = &(*rows)[(*n)++];
        d->id = db_int(r, 0);
        d->session = db_int(r, 1);
        d->minutes = db_int(r, 2);
        d->changed = strcmp(db_text(r, 3), code) != 0;
        d->halves = db_int(r, CC_SCHOOL);
        d->starts = db_int(r, 5);
        dup = dup || d->session == session_id;
    }
    db_end(r);
    return rc < 0 ? ERR_DB : dup ? ERR_CONFLICT : 0;
}

int
class_attend_write(struct db *db, int64_t session_id,
                   const struct class_brief *c, int64_t person_id,
                   const char *method, int64_t at, int64_t recorded_by,
                   bool is_demo, struct attend_result *out)
{
    memset(out, 0, sizeof(*out));
    rules_day(c->starts, out->day, &out->year);
    struct hour_rule rule;
    int rc = hours_rule(db, out->year, &rule);
    if (rc != 0)
        return ERR_DB; /* class_create refuses a year without a rule */
    str_copy(out->rule, sizeof(out->rule), rule.code);
    int64_t locked;
    if ((rc = db_int1(db, Q_PERSON_LOCK, &locked, "i", person_id)) != 0)
        return rc == ERR_NOTFOUND ? ERR_NOTFOUND : ERR_DB;
    struct day_row *rows;
    size_t n;
    if ((rc = day_rows(db, person_id, out->day, session_id, rule.code,
                       &rows, &n)) != 0) {
        free(rows);
        return rc;
    }
    /* This session in its place by start (then by id, as the query). */
    size_t k = n;
    while (k > 0 && (rows[k - 1].starts > c->starts ||
                     (rows[k - 1].starts == c->starts &&
                      rows[k - 1].session > session_id)))
        k--;
    memmove(&rows[k + 1], &rows[k], (n - k) * sizeof(*rows));
    rows[k] = (struct day_row){0, session_id, c->starts, c->halves, 0, true};
    n++;
    int64_t *halves = xmalloc(2 * n * sizeof(*halves)), *minutes = halves + n;
    for (size_t i = 0; i < n; i++)
        halves[i] = rows[i].halves;
    rules_credit_day(&rule, n, halves, minutes);
    int64_t by = recorded_by;
    rc = db_int1(db, Q_ATTEND_INSERT_NEW, &out->id, "iiisisisni", session_id,
                 person_id, at, method, (int64_t)out->year, out->day,
                 minutes[k], rule.code, by ? &by : NULL, (int64_t)is_demo);
    if (rc == ERR_NOTFOUND)
        rc = ERR_CONFLICT; /* DO NOTHING: recorded meanwhile */
    out->minutes = minutes[k];
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (i != k && (rows[i].changed || rows[i].minutes != minutes[i]) &&
            db_exec(db, Q_ATTEND_RECREDIT, "isi", minutes[i], rule.code,
                    rows[i].id) < 0)
            rc = ERR_DB;
    free(halves);
    free(rows);
    return rc;
}

int
class_attend(struct db *db, int64_t session_id, int64_t person_id,
             const char *method, int64_t now, const struct audit_who *who,
             json_t **out)
{
    struct class_brief c;
    int rc = class_row(db, session_id, &c);
    if (rc != 0)
        return rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    struct attend_result a;
    rc = class_attend_write(db, session_id, &c, person_id, method, now,
                            who->user_id, false, &a);
    if (rc != 0) {
        db_rollback(db);
        return rc == ERR_CONFLICT || rc == ERR_NOTFOUND ? rc : ERR_DB;
    }
    /* A person's own QR check-in is its record; a tick by the admin, who
     * asserts someone else was there, is audited. */
    if (strcmp(method, "qr") == 0) {
        rc = db_commit(db) == 0 ? 0 : ERR_DB;
        if (rc != 0)
            db_rollback(db);
    } else {
        char obj[48];
        str_fmt(obj, sizeof(obj), "session:%lld", (long long)session_id);
        rc = record_commit(db, 1, who, "attendance", obj,
                           json_pack("{s:I, s:s, s:I}", "person_id",
                                     (json_int_t)person_id, "method", method,
                                     "minutes", (json_int_t)a.minutes));
    }
    if (rc == 0)
        *out = json_pack("{s:I, s:I, s:I, s:s, s:s, s:i, s:I, s:s}", "id",
                         (json_int_t)a.id, "session_id",
                         (json_int_t)session_id, "person_id",
                         (json_int_t)person_id, "method", method, "day",
                         a.day, "year", a.year, "minutes",
                         (json_int_t)a.minutes, "rule", a.rule);
    return rc;
}

/* --- study hours ------------------------------------------------------ */

/* The target of who in year: 0 with hours and classes, ERR_NOTFOUND. */
static int
target_of(struct db *db, enum target_who w, int year, int64_t *hours,
          int64_t *classes)
{
    struct db_res *r = db_query(db, Q_HOUR_TARGET, "si",
                                rules_target_name(w), (int64_t)year);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *hours = db_int(r, 0);
        *classes = db_int(r, 1);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
hours_person(struct db *db, int64_t person_id, int year, json_t **out)
{
    struct db_res *r = db_query(db, Q_PERSON_BRIEF, "i", person_id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    enum target_who w = TARGET_NONE;
    if (rc > 0)
        w = rules_target_who(db_text(r, 1), db_text(r, 2));
    db_end(r);
    if (rc <= 0)
        return rc < 0 ? ERR_DB : ERR_NOTFOUND;
    int64_t minutes = 0, classes = 0, hours = 0, min_classes = 0;
    r = db_query(db, Q_HOURS_PERSON, "ii", person_id, (int64_t)year);
    if (r == NULL)
        return ERR_DB;
    if ((rc = db_next(r)) > 0) {
        minutes = db_int(r, 0);
        classes = db_int(r, 1);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    bool bound = w == TARGET_MEMBER || w == TARGET_CADRE;
    if (bound && (rc = target_of(db, w, year, &hours, &min_classes)) != 0) {
        if (rc != ERR_NOTFOUND)
            return rc;
        bound = false; /* no target configured for that year */
    }
    struct hour_rule hr = {.code = ""};
    if ((rc = hours_rule(db, year, &hr)) != 0 && rc != ERR_NOTFOUND)
        return rc;
    *out = json_pack("{s:i, s:I, s:n, s:I, s:s, s:s}", "year", year,
                     "concentrated_minutes", (json_int_t)minutes,
                     "online_minutes", "classes", (json_int_t)classes,
                     "target", rules_target_name(w), "rule", hr.code);
    if (bound) {
        json_object_set_new(*out, "target_hours", json_integer(hours));
        json_object_set_new(*out, "target_classes",
                            json_integer(min_classes));
        json_object_set_new(*out, "met",
                            json_boolean(rules_target_met(minutes, classes,
                                                      hours, min_classes)));
    } else {
        json_object_set_new(*out, "target_hours", json_null());
        json_object_set_new(*out, "met", json_null());
    }
    return 0;
}

int
hours_targets(struct db *db, int year, int64_t hours[2], int64_t classes[2])
{
    hours[0] = hours[1] = classes[0] = classes[1] = 0;
    int rc = target_of(db, TARGET_MEMBER, year, &hours[0], &classes[0]);
    if (rc == 0)
        rc = target_of(db, TARGET_CADRE, year, &hours[1], &classes[1]);
    return rc == ERR_NOTFOUND ? 0 : rc; /* none that year: nobody bound */
}

static struct keep hours_kept = KEEP_INIT;

/* hours_counts with the year's targets h, c already read (h[0] > 0). The
 * denominator comes from the members' (status, flags) kinds, the
 * numerator from those who attended; rules.c decides who is bound to what
 * and who meets it. */
static int
counts_of(struct db *db, const char *t, int year, const int64_t h[2],
          const int64_t c[2], int64_t *bound, int64_t *meeting)
{
    /* Versions before counts, as class_totals. A person's hours move
     * with check-ins in any township's classes, so the county's
     * attendance version; their kind moves only with their township's
     * roster. */
    int64_t pv, v[2];
    char key[KEEP_KEY];
    if (db_int1(db, Q_PEOPLE_VERSION, &pv, "s", t) != 0 ||
        record_attendance_key(db, NULL, key, "%d|%s|%lld|%lld|%lld|%lld|%lld",
                              year, t ? t : "", (long long)pv, (long long)h[0],
                              (long long)h[1], (long long)c[0],
                              (long long)c[1]) != 0)
        return ERR_DB;
    if (keep_get(&hours_kept, key, v, 2)) {
        *bound = v[0];
        *meeting = v[1];
        return 0;
    }
    struct db_res *r = db_query(db, Q_HOURS_MEMBER_KINDS, "s", t);
    if (r == NULL)
        return ERR_DB;
    int rc;
    v[0] = v[1] = 0;
    while ((rc = db_next(r)) > 0) {
        enum target_who w = rules_target_who(db_text(r, 0), db_text(r, 1));
        if (w == TARGET_MEMBER || w == TARGET_CADRE)
            v[0] += db_int(r, 2);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    r = db_query(db, Q_HOURS_MEMBER_ROWS, "is", (int64_t)year, t);
    if (r == NULL)
        return ERR_DB;
    while ((rc = db_next(r)) > 0) {
        enum target_who w = rules_target_who(db_text(r, 0), db_text(r, 1));
        if (w != TARGET_MEMBER && w != TARGET_CADRE)
            continue;
        int k = w == TARGET_CADRE;
        v[1] += rules_target_met(db_int(r, 2), db_int(r, 3), h[k], c[k]);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    keep_put(&hours_kept, key, v, 2);
    *bound = v[0];
    *meeting = v[1];
    return 0;
}

int
hours_counts(struct db *db, const char *township, int year, int64_t *bound,
             int64_t *meeting)
{
    int64_t h[2], c[2];
    *bound = *meeting = 0;
    int rc = hours_targets(db, year, h, c);
    if (rc != 0 || h[0] == 0) /* none that year: nobody bound */
        return rc;
    return counts_of(db, township, year, h, c, bound, meeting);
}

/* The columns of HOURS_WALK and HOURS_WALK_T. */
enum {
    HW_ID, HW_NAME, HW_VILLAGE, HW_STATUS, HW_FLAGS, HW_MINUTES,
    HW_CLASSES, HW_MASKED,
};

int
hours_behind(struct db *db, struct arena *a, const char *township, int year,
             enum hours_status status, int64_t page, int64_t per_page,
             struct hours_row **rows, size_t *n, int64_t *total,
             int64_t *bound, int64_t *meeting)
{
    int64_t h[2], c[2];
    *rows = NULL;
    *n = 0;
    *total = *bound = *meeting = 0;
    int rc = hours_targets(db, year, h, c);
    if (rc != 0 || h[0] == 0)
        return rc;
    if ((rc = counts_of(db, township, year, h, c, bound, meeting)) != 0)
        return rc;
    *total = status == HOURS_BEHIND    ? *bound - *meeting
             : status == HOURS_MEETING ? *meeting
                                       : *bound;
    int64_t skip = (page - 1) * per_page;
    if (*total <= skip)
        return 0;
    *rows = arena_alloc(a, (size_t)per_page * sizeof(**rows));
    struct db_res *r =
        township ? db_query(db, Q_HOURS_WALK_T, "is", (int64_t)year, township)
                 : db_query(db, Q_HOURS_WALK, "i", (int64_t)year);
    if (r == NULL)
        return ERR_DB;
    /* In the order's index: the walk stops once the page is full, so
     * the first pages read a few dozen rows, not the county. */
    int64_t seen = 0;
    while ((int64_t)*n < per_page && (rc = db_next(r)) > 0) {
        enum target_who w =
            rules_target_who(db_text(r, HW_STATUS), db_text(r, HW_FLAGS));
        if (w != TARGET_MEMBER && w != TARGET_CADRE)
            continue;
        int k = w == TARGET_CADRE;
        int64_t minutes = db_int(r, HW_MINUTES);
        int64_t classes = db_int(r, HW_CLASSES);
        bool met = rules_target_met(minutes, classes, h[k], c[k]);
        if ((status == HOURS_BEHIND && met) ||
            (status == HOURS_MEETING && !met) || seen++ < skip)
            continue;
        (*rows)[(*n)++] = (struct hours_row){
            .person_id = db_int(r, HW_ID),
            .name = record_text(r, a, HW_NAME),
            .village_code = record_text(r, a, HW_VILLAGE),
            .id_number_masked = record_text(r, a, HW_MASKED),
            .who = w,
            .minutes = minutes,
            .classes = classes,
            .target_hours = h[k],
            .target_classes = c[k],
            .met = met,
        };
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* --- ratings ---------------------------------------------------------- */

int
rating_rule_of(struct db *db, int year, struct rating_rule *rule)
{
    struct db_res *r = db_query(db, Q_RATING_RULE, "i", (int64_t)year);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        int *f[] = {&rule->w_content, &rule->w_method, &rule->w_effect,
                    &rule->w_attitude, &rule->excellent, &rule->good,
                    &rule->pass, &rule->prior_weight, &rule->min_ratings};
        for (int i = 0; i < 9; i++)
            *f[i] = (int)db_int(r, i);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

int
class_attended(struct db *db, int64_t session_id, int64_t person_id,
               bool *yes)
{
    int64_t n = 0;
    *yes = false;
    if (db_int1(db, Q_ATTENDED, &n, "ii", session_id, person_id) != 0)
        return ERR_DB;
    *yes = n > 0;
    return 0;
}

int
class_evaluate(struct db *db, const struct keyring *k, int64_t session_id,
               int64_t person_id, const int scores[4], int64_t now,
               json_t **out)
{
    struct class_brief c;
    int rc = class_row(db, session_id, &c);
    if (rc != 0)
        return rc;
    int64_t attended;
    if (db_int1(db, Q_ATTENDED, &attended, "ii", session_id, person_id))
        return ERR_DB;
    if (attended == 0)
        return ERR_DENIED;
    char day[11];
    int year;
    rules_day(c.starts, day, &year);
    struct rating_rule rule;
    if ((rc = rating_rule_of(db, year, &rule)) != 0)
        return rc;
    int total = rules_rating_total(&rule, scores); /* hundredths */
    const char *grade = rules_grade(&rule, total);
    /* The rater is kept only as a keyed hash of session and person:
     * enough to refuse a second rating, never enough to name anyone. */
    char msg[48], rater[65], person[65];
    str_fmt(msg, sizeof(msg), "%lld:%lld", (long long)session_id,
            (long long)person_id);
    keyring_hash(k, "rater", msg, rater);
    /* And a hash of the person alone, to count distinct raters. */
    str_fmt(msg, sizeof(msg), "%lld", (long long)person_id);
    keyring_hash(k, "rater-person", msg, person);
    const int64_t *teacher = c.teacher ? &c.teacher : NULL;
    const int64_t *course = c.course ? &c.course : NULL;
    int64_t id;
    rc = db_int1(db, Q_EVAL_INSERT, &id, "innssiiiiisiiii", session_id,
                 teacher, course, rater, person, (int64_t)scores[0],
                 (int64_t)scores[1], (int64_t)scores[2], (int64_t)scores[3],
                 (int64_t)((total + 5) / 10), grade, (int64_t)year, now,
                 (int64_t)0, (int64_t)total);
    if (rc != 0)
        return rc == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
    *out = json_pack("{s:f, s:s}", "total", total / 100.0, "grade", grade);
    return 0;
}

int
rating_prior(struct db *db, struct rating_prior *p)
{
    p->n = p->sum = 0;
    struct db_res *r = db_query(db, Q_RATING_ALL, "");
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        p->n = db_int(r, 0);
        p->sum = db_int(r, 1);
    }
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    char day[11];
    int year;
    rules_day(now_unix(), day, &year);
    p->rule = (struct rating_rule){.min_ratings = 10};
    rc = rating_rule_of(db, year, &p->rule);
    return rc == ERR_NOTFOUND ? 0 : rc;
}

void
rating_of(const struct rating_prior *p, int64_t n, int64_t sum,
          int64_t excellent, struct rating *out)
{
    double mean = n ? (double)sum / 100.0 / (double)n : 0;
    double prior = p->n ? (double)p->sum / 100.0 / (double)p->n : 0;
    *out = (struct rating){
        .n = n,
        .excellent = excellent,
        .has_mean = n > 0,
        .mean = mean,
        .has_ranked = p->n > 0,
        .ranked_mean = p->n ? rules_shrunk_mean(mean, n, prior,
                                                p->rule.prior_weight)
                            : 0,
        /* A rate over too few ratings is shown as such (SPEC §2.8). */
        .too_few = n < p->rule.min_ratings,
        .has_rate = n >= p->rule.min_ratings && n > 0,
        .rate = n ? (double)excellent / (double)n : 0,
    };
}

int
rating_summary(struct db *db, enum rating_of of, int64_t id,
               struct rating *out)
{
    struct rating_prior p;
    int64_t v[3] = {0, 0, 0};
    int rc = rating_prior(db, &p);
    if (rc != 0)
        return rc;
    struct db_res *r = db_query(
        db, of == RATING_OF_COURSE ? Q_RATING_COURSE : Q_RATING_TEACHER, "i",
        id);
    if (r == NULL)
        return ERR_DB;
    rc = db_next(r);
    for (int i = 0; rc > 0 && i < 3; i++)
        v[i] = db_int(r, i);
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    rating_of(&p, v[0], v[1], v[2], out);
    return 0;
}

/* --- annual plans ----------------------------------------------------- */

static const struct col plan_cols[] = {
    {"id", COL_INT},
    {"school_id", COL_INT},
    {"year", COL_INT},
    {"title", COL_TEXT},
};
static const struct col batch_cols[] = {
    {"batch", COL_INT},          {"type", COL_TEXT},
    {"from", COL_TEXT},          {"to", COL_TEXT},
    {"planned_sessions", COL_INT}, {"planned_persons", COL_INT},
    {"held_sessions", COL_INT},  {"held_persons", COL_INT},
};

static struct keep trained_kept = KEEP_INIT;

/* The persons who attended the sessions of township t and type starting
 * in [from, to): a distinct count, kept while t's attendance version
 * stays. 0 or ERR_DB. */
static int
persons_trained(struct db *db, const char *t, const char *type,
                int64_t from, int64_t to, int64_t *n)
{
    char key[KEEP_KEY];
    if (record_attendance_key(db, t, key, "%s|%s|%lld|%lld", t, type,
                              (long long)from, (long long)to) != 0)
        return ERR_DB;
    if (keep_get(&trained_kept, key, n, 1))
        return 0;
    if (db_int1(db, Q_ATTENDED_PERSONS, n, "ssii", t, type, from, to) != 0)
        return ERR_DB;
    keep_put(&trained_kept, key, n, 1);
    return 0;
}

/* A plan's batches, planned beside held, as batch_cols. */
static int
plan_batches(struct db *db, int64_t id, json_t *items)
{
    struct db_res *r = db_query(db, Q_PLAN_BATCHES, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        json_t *b = record_json(r, batch_cols, NELEM(batch_cols) - 1);
        int64_t n;
        if (persons_trained(db, db_text(r, 7), db_text(r, 1), db_int(r, 8),
                            db_int(r, 9), &n) != 0) {
            json_decref(b);
            rc = -1;
            break;
        }
        json_object_set_new(b, "held_persons", json_integer(n));
        json_array_append_new(items, b);
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
plan_create(struct db *db, int64_t school_id, int64_t year,
            const char *title, const struct plan_batch *b, size_t n,
            const struct audit_who *who, int64_t *id, struct field_error *e)
{
    int64_t from[64], to[64];
    if (n == 0 || n > 64)
        return fail(e, "batches", "计划应有 1 到 64 个批次");
    for (size_t i = 0; i < n; i++) {
        int rc = record_lookup(db, Q_PROGRAM_TYPE_GET, b[i].type, NULL, 0);
        if (rc < 0)
            return ERR_DB;
        if (rc == 0)
            return fail(e, "batches", "批次的培训类型不存在");
        if (date_parse(b[i].from, &from[i]) != 0 ||
            date_parse(b[i].to, &to[i]) != 0 || to[i] < from[i])
            return fail(e, "batches", "批次日期应为 YYYY-MM-DD，且开始不晚于结束");
        char day[11];
        int y;
        rules_day(from[i] - RULES_CST_OFFSET + 3600, day, &y);
        int y_end;
        rules_day(to[i] - RULES_CST_OFFSET + 3600, day, &y_end);
        if (y != year || y_end != year)
            return fail(e, "batches", "批次应在计划年度之内");
        from[i] -= RULES_CST_OFFSET;
        to[i] += 86400 - RULES_CST_OFFSET;
    }
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_int1(db, Q_PLAN_INSERT, id, "iisi", school_id, year, title,
                     now_unix());
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (db_exec(db, Q_PLAN_BATCH_INSERT, "iisssiiii", *id, b[i].batch,
                    b[i].type, b[i].from, b[i].to, from[i], to[i],
                    b[i].sessions, b[i].persons) < 0)
            rc = ERR_DB;
    if (rc != 0) {
        rc = db_last_err(db) == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
        db_rollback(db);
        return rc;
    }
    char obj[48];
    str_fmt(obj, sizeof(obj), "plan:%lld", (long long)*id);
    return record_commit(db, 1, who, "plan_create", obj,
                         json_pack("{s:I, s:I, s:I}", "school_id",
                                   (json_int_t)school_id, "year",
                                   (json_int_t)year, "batches",
                                   (json_int_t)n));
}

int
plan_get(struct db *db, int64_t id, json_t **out)
{
    *out = NULL;
    struct db_res *r = db_query(db, Q_PLAN_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        *out = record_json(r, plan_cols, NELEM(plan_cols));
    db_end(r);
    if (rc <= 0)
        return rc < 0 ? ERR_DB : ERR_NOTFOUND;
    json_t *batches = json_array();
    if (plan_batches(db, id, batches) != 0) {
        json_decref(batches);
        json_decref(*out);
        *out = NULL;
        return ERR_DB;
    }
    json_object_set_new(*out, "batches", batches);
    return 0;
}

int
plan_of(struct db *db, int64_t school_id, int64_t year, int64_t *id)
{
    return db_int1(db, Q_PLAN_OF, id, "ii", school_id, year);
}
