/*
 * survey.c - see survey.h.
 */
#include "survey.h"

#include "people.h"
#include "record.h"
#include "rules.h"

#include "../core/err.h"
#include "../core/util.h"

#include <stdarg.h>
#include <string.h>

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct col survey_cols[] = {
    {"id", COL_INT},
    {"title", COL_TEXT},
    {"intro", COL_TEXT},
    {"township_code", COL_TEXT},
    {"township_name", COL_TEXT},
    {"status", COL_TEXT},
    {"created_at", COL_TIME},
    {"published_at", COL_TIME},
    {"closes_at", COL_TIME},
    {"closed_at", COL_TIME},
    {"questions", COL_INT},
    {"responses", COL_INT},
};
static const struct col open_cols[] = {
    {"answered", COL_BOOL},      {"id", COL_INT},
    {"title", COL_TEXT},         {"intro", COL_TEXT},
    {"township_code", COL_TEXT}, {"closes_at", COL_TIME},
    {"questions", COL_INT},
};

static const char *const kinds[] = {"single", "multi", "text"};

static int
fail(struct survey_error *e, const char *why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->field, sizeof(e->field), fmt, ap);
    va_end(ap);
    e->e.field = e->field;
    e->e.why = why;
    return ERR_INVAL;
}

/* A string member of 1..max characters (0 allowed when !required) of
 * that kind of text (a title and an option are one line; an intro and a
 * free-text answer may be several). *bad gets NULL, msg (the length's
 * reason) or the reason a control character is refused. */
static const char *
text_of(json_t *o, const char *key, long max, bool required,
        enum text_kind kind, const char *msg, const char **bad)
{
    json_t *v = json_object_get(o, key);
    *bad = NULL;
    if (v == NULL || json_is_null(v)) {
        *bad = required ? msg : NULL;
        return NULL;
    }
    const char *s = json_string_value(v);
    long n = s ? utf8_chars(s) : -1;
    if (s == NULL || n < (required ? 1 : 0) || n > max) {
        *bad = msg;
        return NULL;
    }
    if (text_check(s, kind) != 0) {
        *bad = kind == TEXT_LINE ? "不能含有换行、制表符等控制字符"
                                 : "不能含有控制字符";
        return NULL;
    }
    return s;
}

static int
check_question(json_t *q, size_t i, struct survey_error *e)
{
    const char *bad;
    if (!json_is_object(q))
        return fail(e, "每道题应是一个对象", "questions[%zu]", i);
    const char *kind = json_string_value(json_object_get(q, "kind"));
    size_t k = 0;
    while (k < NELEM(kinds) && (kind == NULL || strcmp(kind, kinds[k])))
        k++;
    if (k == NELEM(kinds))
        return fail(e, "题型应为单选、多选或填空 (single, multi, text)",
                    "questions[%zu].kind", i);
    text_of(q, "text", 200, true, TEXT_LINE, "题目应为 1–200 个字", &bad);
    if (bad)
        return fail(e, bad, "questions[%zu].text", i);
    json_t *req = json_object_get(q, "required");
    if (req && !json_is_boolean(req))
        return fail(e, "应为 true 或 false", "questions[%zu].required", i);
    json_t *opts = json_object_get(q, "options");
    if (strcmp(kind, "text") == 0) {
        if (opts && !json_is_null(opts) &&
            !(json_is_array(opts) && json_array_size(opts) == 0))
            return fail(e, "填空题没有选项", "questions[%zu].options", i);
        return 0;
    }
    if (!json_is_array(opts) || json_array_size(opts) < 2 ||
        json_array_size(opts) > SURVEY_MAX_OPTIONS)
        return fail(e, "选择题应有 2–20 个选项", "questions[%zu].options", i);
    for (size_t j = 0; j < json_array_size(opts); j++) {
        const char *s = json_string_value(json_array_get(opts, j));
        long n = s ? utf8_chars(s) : -1;
        if (n < 1 || n > 60 || text_check(s, TEXT_LINE) != 0)
            return fail(e,
                        n < 1 || n > 60 ? "每个选项应为 1–60 个字"
                                        : "不能含有换行、制表符等控制字符",
                        "questions[%zu].options[%zu]", i, j);
        for (size_t m = 0; m < j; m++)
            if (strcmp(s, json_string_value(json_array_get(opts, m))) == 0)
                return fail(e, "选项重复", "questions[%zu].options[%zu]", i, j);
    }
    return 0;
}

int
survey_create(struct db *db, json_t *def, const char *township,
              int64_t closes_at, const struct audit_who *who, int64_t *id,
              struct survey_error *e)
{
    const char *bad;
    const char *title =
        text_of(def, "title", 64, true, TEXT_LINE, "标题应为 1–64 个字", &bad);
    if (bad)
        return fail(e, bad, "title");
    const char *intro =
        text_of(def, "intro", 500, false, TEXT_LINES, "说明最多 500 个字", &bad);
    if (bad)
        return fail(e, bad, "intro");
    json_t *qs = json_object_get(def, "questions");
    if (!json_is_array(qs) || json_array_size(qs) == 0 ||
        json_array_size(qs) > SURVEY_MAX_QUESTIONS)
        return fail(e, "问卷应有 1–30 道题", "questions");
    size_t i;
    json_t *q;
    json_array_foreach(qs, i, q)
    {
        int rc = check_question(q, i, e);
        if (rc != 0)
            return rc;
    }
    if (township && township[0] == '\0')
        township = NULL;
    if (township) {
        int found = record_lookup(db, Q_TOWNSHIP_GET, township, NULL, 0);
        if (found < 0)
            return ERR_DB;
        if (found == 0)
            return fail(e, "没有这个镇街", "township_code");
    }
    int64_t now = now_unix();
    if (closes_at && closes_at <= now)
        return fail(e, "截止时间应晚于现在", "closes_at");
    if (db_begin(db) != 0)
        return ERR_DB;
    int64_t by = who->user_id;
    int rc =
        db_int1(db, Q_SURVEY_INSERT, id, "sssnin", title, intro ? intro : "",
                township, by ? &by : NULL, now, closes_at ? &closes_at : NULL);
    json_array_foreach(qs, i, q)
    {
        if (rc != 0)
            break;
        const char *kind = json_string_value(json_object_get(q, "kind"));
        json_t *opts = json_object_get(q, "options");
        char *o = strcmp(kind, "text") == 0 || opts == NULL
                      ? strdup("[]")
                      : json_dumps(opts, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_t *req = json_object_get(q, "required");
        int64_t required = req ? json_is_true(req) : 1;
        if (db_exec(db, Q_SURVEY_QUESTION_INSERT, "iisssi", *id, (int64_t)i + 1,
                    kind, json_string_value(json_object_get(q, "text")), o,
                    required) < 0)
            rc = ERR_DB;
        free(o);
    }
    char obj[48];
    str_fmt(obj, sizeof(obj), "survey:%lld", (long long)(rc ? 0 : *id));
    return record_commit(db, rc == 0 ? 1 : -1, who, "survey_create", obj,
                         json_pack("{s:s, s:s?, s:I}", "title", title,
                                   "township_code", township, "questions",
                                   (json_int_t)json_array_size(qs)));
}

/* The questions of survey id as objects, options parsed. */
static int
questions(struct db *db, int64_t id, json_t *out)
{
    struct db_res *r = db_query(db, Q_SURVEY_QUESTIONS, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0) {
        json_t *opts = json_loads(db_text(r, 4), 0, NULL);
        json_array_append_new(out,
                              json_pack("{s:I, s:I, s:s, s:s, s:o, s:b}", "id",
                                        (json_int_t)db_int(r, 0), "seq",
                                        (json_int_t)db_int(r, 1), "kind",
                                        db_text(r, 2), "text", db_text(r, 3),
                                        "options", opts ? opts : json_array(),
                                        "required", (int)db_int(r, 5)));
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

int
survey_get(struct db *db, int64_t id, const char *counted, json_t **out,
           char township[16])
{
    struct db_res *r = db_query(db, Q_SURVEY_GET, "si", counted, id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0) {
        *out = record_json(r, survey_cols, NELEM(survey_cols));
        str_copy(township, 16, db_text(r, 3) ? db_text(r, 3) : "");
    }
    db_end(r);
    if (rc <= 0)
        return rc < 0 ? ERR_DB : ERR_NOTFOUND;
    json_t *qs = json_array();
    json_object_set_new(*out, "question_list", qs);
    if (questions(db, id, qs) != 0) {
        json_decref(*out);
        return ERR_DB;
    }
    return 0;
}

int
survey_list(struct db *db, const char *township, json_t *items)
{
    return record_rows(db_query(db, Q_SURVEY_LIST, "s", township), survey_cols,
                       NELEM(survey_cols), items);
}

static int
set_state(struct db *db, enum query q, const char *event, int64_t id,
          const struct audit_who *who)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    int n = db_exec(db, q, "ii", now_unix(), id);
    char obj[48];
    str_fmt(obj, sizeof(obj), "survey:%lld", (long long)id);
    int rc = record_commit(db, n, who, event, obj, json_object());
    return rc == ERR_NOTFOUND ? ERR_CONFLICT : rc;
}

int
survey_publish(struct db *db, int64_t id, const struct audit_who *who)
{
    return set_state(db, Q_SURVEY_PUBLISH, "survey_publish", id, who);
}

int
survey_close(struct db *db, int64_t id, const struct audit_who *who)
{
    return set_state(db, Q_SURVEY_CLOSE, "survey_close", id, who);
}

void
survey_respondent(const struct keyring *k, int64_t person_id, char hash[65])
{
    char msg[24];
    str_fmt(msg, sizeof(msg), "%lld", (long long)person_id);
    keyring_hash(k, "survey-respondent", msg, hash);
}

int
survey_open_for(struct db *db, const struct keyring *k, int64_t person_id,
                int64_t now, json_t *items)
{
    char township[16];
    int rc = person_township(db, person_id, township);
    if (rc != 0)
        return rc;
    char hash[65];
    survey_respondent(k, person_id, hash);
    return record_rows(
        db_query(db, Q_SURVEY_OPEN_FOR, "ssi", hash, township, now), open_cols,
        NELEM(open_cols), items);
}

int
survey_for_person(struct db *db, const struct keyring *k, int64_t id,
                  int64_t person_id, int64_t now, json_t **out)
{
    json_t *open = json_array(), *x;
    int rc = survey_open_for(db, k, person_id, now, open);
    bool found = false, answered = false;
    size_t i;
    json_array_foreach(open, i, x) {
        if (json_integer_value(json_object_get(x, "id")) == id) {
            found = true;
            answered = json_is_true(json_object_get(x, "answered"));
        }
    }
    json_decref(open);
    char tw[16];
    if (rc == 0 && !found)
        rc = ERR_NOTFOUND;
    if (rc == 0 && (rc = survey_get(db, id, NULL, out, tw)) == 0) {
        json_object_del(*out, "responses");
        json_object_set_new(*out, "answered", json_boolean(answered));
    }
    return rc;
}

/* One answer checked against its question: the rows to insert go to
 * choices[] (*nchoices) or *text. */
static int
check_answer(json_t *q, json_t *a, size_t i, int choices[], size_t *nchoices,
             const char **text, struct survey_error *e)
{
    const char *kind = json_string_value(json_object_get(q, "kind"));
    size_t nopts = json_array_size(json_object_get(q, "options"));
    *nchoices = 0;
    *text = NULL;
    if (strcmp(kind, "text") == 0) {
        const char *bad, *msg = "填空题的回答应为 500 字以内的文字";
        *text = text_of(a, "text", 500, false, TEXT_LINES, msg, &bad);
        if (bad || json_object_get(a, "choice") ||
            json_object_get(a, "choices"))
            return fail(e, bad ? bad : msg, "answers[%zu].text", i);
        if (*text && (*text)[0] == '\0')
            *text = NULL;
        return 0;
    }
    if (strcmp(kind, "single") == 0) {
        json_t *c = json_object_get(a, "choice");
        if (json_object_get(a, "choices") || json_object_get(a, "text") ||
            (c && !json_is_null(c) &&
             (!json_is_integer(c) || json_integer_value(c) < 0 ||
              (size_t)json_integer_value(c) >= nopts)))
            return fail(e, "单选题应选一个选项", "answers[%zu].choice", i);
        if (c && !json_is_null(c))
            choices[(*nchoices)++] = (int)json_integer_value(c);
        return 0;
    }
    json_t *cs = json_object_get(a, "choices");
    if (json_object_get(a, "choice") || json_object_get(a, "text") ||
        (cs && !json_is_null(cs) &&
         (!json_is_array(cs) || json_array_size(cs) > nopts)))
        return fail(e, "多选题应给出选项的列表", "answers[%zu].choices", i);
    size_t j;
    json_t *c;
    json_array_foreach(cs, j, c)
    {
        if (!json_is_integer(c) || json_integer_value(c) < 0 ||
            (size_t)json_integer_value(c) >= nopts)
            return fail(e, "没有这个选项", "answers[%zu].choices[%zu]", i, j);
        for (size_t m = 0; m < *nchoices; m++)
            if (choices[m] == (int)json_integer_value(c))
                return fail(e, "选项重复", "answers[%zu].choices[%zu]", i, j);
        choices[(*nchoices)++] = (int)json_integer_value(c);
    }
    return 0;
}

int
survey_answer(struct db *db, const struct keyring *k, int64_t id,
              int64_t person_id, json_t *answers, int64_t now,
              const struct audit_who *who, struct survey_error *e)
{
    json_t *s;
    char township[16], mine[16];
    int rc = person_township(db, person_id, mine);
    if (rc == ERR_NOTFOUND)
        return ERR_DENIED;
    if (rc != 0 || (rc = survey_get(db, id, NULL, &s, township)) != 0)
        return rc;
    const char *status = json_string_value(json_object_get(s, "status"));
    json_t *qs = json_object_get(s, "question_list");
    if (strcmp(status, "draft") == 0)
        rc = ERR_NOTFOUND;
    else if (township[0] && strcmp(township, mine) != 0)
        rc = ERR_DENIED;
    else if (strcmp(status, "closed") == 0)
        rc = ERR_RANGE;
    int64_t closes;
    const char *cl = json_string_value(json_object_get(s, "closes_at"));
    if (rc == 0 && cl && rules_parse_time(cl, &closes) == 0 && closes <= now)
        rc = ERR_RANGE;
    if (rc == 0 && !json_is_array(answers))
        rc = fail(e, "answers 应为数组", "answers");
    /* Match each answer to its question: given[qi] is its index. */
    size_t nq = json_array_size(qs);
    long given[SURVEY_MAX_QUESTIONS];
    for (size_t qi = 0; qi < nq; qi++)
        given[qi] = -1;
    size_t i;
    json_t *a;
    if (rc == 0)
        json_array_foreach(answers, i, a)
        {
            json_t *qid =
                json_is_object(a) ? json_object_get(a, "question_id") : NULL;
            size_t qi = 0;
            while (qi < nq && (!json_is_integer(qid) ||
                               json_integer_value(qid) !=
                                   json_integer_value(json_object_get(
                                       json_array_get(qs, qi), "id"))))
                qi++;
            if (qi == nq) {
                rc = fail(e, "没有这道题", "answers[%zu].question_id", i);
                break;
            }
            if (given[qi] >= 0) {
                rc = fail(e, "同一道题答了两次", "answers[%zu].question_id", i);
                break;
            }
            given[qi] = (long)i;
        }
    /* Check every answer, and that every required question has one. */
    int choices[SURVEY_MAX_QUESTIONS][SURVEY_MAX_OPTIONS];
    size_t nchoices[SURVEY_MAX_QUESTIONS];
    const char *texts[SURVEY_MAX_QUESTIONS];
    for (size_t qi = 0; rc == 0 && qi < nq; qi++) {
        json_t *q = json_array_get(qs, qi);
        nchoices[qi] = 0;
        texts[qi] = NULL;
        if (given[qi] >= 0)
            rc = check_answer(q, json_array_get(answers, (size_t)given[qi]),
                              (size_t)given[qi], choices[qi], &nchoices[qi],
                              &texts[qi], e);
        if (rc == 0 && json_is_true(json_object_get(q, "required")) &&
            nchoices[qi] == 0 && texts[qi] == NULL)
            rc = fail(e, "这道题必答", "questions[%zu]", qi);
    }
    if (rc != 0) {
        json_decref(s);
        return rc;
    }
    char hash[65];
    survey_respondent(k, person_id, hash);
    if (db_begin(db) != 0) {
        json_decref(s);
        return ERR_DB;
    }
    int64_t response;
    rc = db_int1(db, Q_SURVEY_RESPONSE_INSERT, &response, "issi", id, hash,
                 mine, now);
    for (size_t qi = 0; rc == 0 && qi < nq; qi++) {
        int64_t qid =
            json_integer_value(json_object_get(json_array_get(qs, qi), "id"));
        for (size_t j = 0; rc == 0 && j < nchoices[qi]; j++) {
            int64_t c = choices[qi][j];
            if (db_exec(db, Q_SURVEY_ANSWER_INSERT, "iins", response, qid, &c,
                        NULL) < 0)
                rc = ERR_DB;
        }
        if (rc == 0 && texts[qi] &&
            db_exec(db, Q_SURVEY_ANSWER_INSERT, "iins", response, qid, NULL,
                    texts[qi]) < 0)
            rc = ERR_DB;
    }
    json_decref(s);
    if (rc != 0) {
        db_rollback(db);
        return rc == ERR_CONFLICT ? ERR_CONFLICT : ERR_DB;
    }
    char obj[48];
    str_fmt(obj, sizeof(obj), "survey:%lld", (long long)id);
    /* The audit row says that the user answered, never what. */
    return record_commit(db, 1, who, "survey_answer", obj, json_object());
}

int
survey_results(struct db *db, int64_t id, const char *counted, json_t **out)
{
    char township[16];
    int rc = survey_get(db, id, counted, out, township);
    if (rc != 0)
        return rc;
    json_t *qs = json_object_get(*out, "question_list");
    size_t nq = json_array_size(qs);
    /* Set up the counters, then fill them from the three queries. */
    for (size_t qi = 0; qi < nq; qi++) {
        json_t *q = json_array_get(qs, qi);
        json_object_set_new(q, "answered", json_integer(0));
        if (strcmp(json_string_value(json_object_get(q, "kind")), "text") ==
            0) {
            json_object_set_new(q, "answers", json_array());
            continue;
        }
        json_t *opts = json_object_get(q, "options"), *counts = json_array();
        for (size_t j = 0; j < json_array_size(opts); j++)
            json_array_append_new(counts, json_pack("{s:O, s:i}", "label",
                                                    json_array_get(opts, j),
                                                    "count", 0));
        json_object_set_new(q, "options", counts);
    }
#define FIND_Q(qid, q)                                                         \
    for (size_t qi_ = 0; qi_ < nq && (q) == NULL; qi_++)                       \
        if (json_integer_value(                                                \
                json_object_get(json_array_get(qs, qi_), "id")) == (qid))      \
            (q) = json_array_get(qs, qi_);
    struct db_res *r =
        db_query(db, Q_SURVEY_ANSWERED_PER_QUESTION, "is", id, counted);
    while (r && (rc = db_next(r)) > 0) {
        json_t *q = NULL;
        FIND_Q(db_int(r, 0), q)
        if (q)
            json_object_set_new(q, "answered", json_integer(db_int(r, 1)));
    }
    db_end(r);
    if (r == NULL || rc < 0)
        goto db_fail;
    r = db_query(db, Q_SURVEY_CHOICE_COUNTS, "is", id, counted);
    while (r && (rc = db_next(r)) > 0) {
        json_t *q = NULL;
        FIND_Q(db_int(r, 0), q)
        json_t *o = q ? json_array_get(json_object_get(q, "options"),
                                       (size_t)db_int(r, 1))
                      : NULL;
        if (o)
            json_object_set_new(o, "count", json_integer(db_int(r, 2)));
    }
    db_end(r);
    if (r == NULL || rc < 0)
        goto db_fail;
    r = db_query(db, Q_SURVEY_TEXTS, "is", id, counted);
    while (r && (rc = db_next(r)) > 0) {
        json_t *q = NULL;
        FIND_Q(db_int(r, 0), q)
        if (q)
            json_array_append_new(json_object_get(q, "answers"),
                                  json_pack("{s:s, s:s}", "text", db_text(r, 1),
                                            "township", db_text(r, 2)));
    }
    db_end(r);
    if (r == NULL || rc < 0)
        goto db_fail;
#undef FIND_Q
    return 0;
db_fail:
    json_decref(*out);
    *out = NULL;
    return ERR_DB;
}
