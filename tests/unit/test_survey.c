/*
 * test_survey.c - questionnaires (survey.h) on a real temporary SQLite
 * file: a definition checked question by question with the failing field
 * named, draft -> published -> closed and never back, one answer per
 * person, a closed or expired survey refusing answers, a township's
 * survey only for its township, answers checked against their questions,
 * and the results counted per choice for the county or one township.
 */
#include "unit.h"

#include "dbtest.h"

#include "../../src/core/err.h"
#include "../../src/domain/survey.h"

#include <stdlib.h>
#include <string.h>

#define HOME  "371723001"
#define OTHER "371723002"

/* The survey most tests use: a single choice, a multiple choice and an
 * optional free text. */
static const char *const needs =
    "{\"title\": \"培训需求调研\", \"questions\": ["
    " {\"kind\": \"single\", \"text\": \"最想学的模块\","
    "  \"options\": [\"政治理论\", \"乡村振兴\", \"医疗健康\"]},"
    " {\"kind\": \"multi\", \"text\": \"喜欢的形式\","
    "  \"options\": [\"讲座\", \"现场教学\", \"线上\"]},"
    " {\"kind\": \"text\", \"text\": \"建议\", \"required\": false}]}";

static struct db *
db_of(void **state)
{
    return ((struct dbt *)*state)->db;
}

static const struct keyring *
keys_of(void **state)
{
    return ((struct dbt *)*state)->keys;
}

/* Creates the survey of def for township (NULL: the county): 0 with *id,
 * or the error with e. */
static int
create(void **state, const char *def, const char *township, int64_t *id,
       struct survey_error *e)
{
    json_t *d = json_loads(def, 0, NULL);
    assert_non_null(d);
    int rc = survey_create(db_of(state), d, township, 0, &dbt_who, id, e);
    json_decref(d);
    return rc;
}

/* The needs survey for township, published: its id. */
static int64_t
published(void **state, const char *township)
{
    struct survey_error e = {0};
    int64_t id = 0;
    assert_int_equal(create(state, needs, township, &id, &e), 0);
    assert_int_equal(survey_publish(db_of(state), id, &dbt_who), 0);
    return id;
}

/* The id of question i (0-based) of survey id. */
static int64_t
qid(void **state, int64_t id, size_t i)
{
    json_t *s;
    char tw[16];
    assert_int_equal(survey_get(db_of(state), id, NULL, &s, tw), 0);
    int64_t q = json_integer_value(json_object_get(
        json_array_get(json_object_get(s, "question_list"), i), "id"));
    json_decref(s);
    assert_true(q > 0);
    return q;
}

/* Person answers survey id with the answers' JSON, in which %1$lld,
 * %2$lld and %3$lld stand for the ids of the survey's questions: the
 * result, e filled on ERR_INVAL. */
static int
answer(void **state, int64_t id, int64_t person, const char *fmt,
       struct survey_error *e)
{
    char text[512];
    long long q[3] = {qid(state, id, 0), qid(state, id, 1), qid(state, id, 2)};
    /* Every format names its ids by position (%2$lld), so one may use
     * an id twice or leave the later ones out. */
    snprintf(text, sizeof(text), fmt, q[0], q[1], q[2]);
    json_t *a = json_loads(text, 0, NULL);
    if (a == NULL)
        fail_msg("not JSON: %s", text);
    int rc = survey_answer(db_of(state), keys_of(state), id, person, a, 1000,
                           &dbt_who, e);
    json_decref(a);
    return rc;
}

/* A whole, valid answer: choice c of the first question, choices m1 and
 * m2 of the second, no text. */
static int
answer_choices(void **state, int64_t id, int64_t person, int c, int m1, int m2)
{
    char fmt[256];
    snprintf(fmt, sizeof(fmt),
             "[{\"question_id\": %%1$lld, \"choice\": %d},"
             " {\"question_id\": %%2$lld, \"choices\": [%d, %d]}]",
             c, m1, m2);
    struct survey_error e = {0};
    return answer(state, id, person, fmt, &e);
}

static int64_t
person(void **state, const char *township)
{
    return dbt_person(*state, township, "member", NULL, NULL);
}

/* --- definitions ------------------------------------------------------ */

static void
a_definition_names_the_failing_field(void **state)
{
    static const struct {
        const char *def, *field;
    } cases[] = {
        {"{\"questions\": [{\"kind\": \"text\", \"text\": \"q\"}]}", "title"},
        {"{\"title\": \"t\", \"questions\": []}", "questions"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"essay\","
         " \"text\": \"q\"}]}",
         "questions[0].kind"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"text\","
         " \"text\": \"q\"}, {\"kind\": \"single\", \"text\": \"q\","
         " \"options\": [\"only\"]}]}",
         "questions[1].options"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"multi\","
         " \"text\": \"q\", \"options\": [\"a\", \"a\"]}]}",
         "questions[0].options[1]"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"single\","
         " \"text\": \"q\", \"options\": [\"a\", \"b\\nc\"]}]}",
         "questions[0].options[1]"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"text\","
         " \"text\": \"q\", \"options\": [\"a\", \"b\"]}]}",
         "questions[0].options"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"text\","
         " \"text\": \"\"}]}",
         "questions[0].text"},
        {"{\"title\": \"t\", \"questions\": [{\"kind\": \"text\","
         " \"text\": \"q\", \"required\": \"yes\"}]}",
         "questions[0].required"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct survey_error e = {0};
        int64_t id;
        assert_int_equal(create(state, cases[i].def, NULL, &id, &e), ERR_INVAL);
        assert_string_equal(e.e.field, cases[i].field);
        assert_non_null(e.e.why);
    }
    /* A township that does not exist, and a closing time already past. */
    struct survey_error e = {0};
    int64_t id;
    assert_int_equal(create(state, needs, "371723099", &id, &e), ERR_INVAL);
    assert_string_equal(e.e.field, "township_code");
    json_t *d = json_loads(needs, 0, NULL);
    assert_int_equal(
        survey_create(db_of(state), d, NULL, 1000, &dbt_who, &id, &e),
        ERR_INVAL);
    assert_string_equal(e.e.field, "closes_at");
    json_decref(d);
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM surveys"), 0);
}

static void
a_survey_is_stored_with_its_questions_as_a_draft(void **state)
{
    struct survey_error e = {0};
    int64_t id;
    assert_int_equal(create(state, needs, HOME, &id, &e), 0);
    json_t *s;
    char tw[16];
    assert_int_equal(survey_get(db_of(state), id, NULL, &s, tw), 0);
    assert_string_equal(tw, HOME);
    assert_string_equal(json_string_value(json_object_get(s, "status")),
                        "draft");
    json_t *qs = json_object_get(s, "question_list");
    assert_int_equal(json_array_size(qs), 3);
    json_t *q1 = json_array_get(qs, 1), *q2 = json_array_get(qs, 2);
    assert_string_equal(json_string_value(json_object_get(q1, "kind")),
                        "multi");
    assert_int_equal(json_array_size(json_object_get(q1, "options")), 3);
    assert_true(json_is_true(json_object_get(q1, "required")));
    assert_true(json_is_false(json_object_get(q2, "required")));
    json_decref(s);
    /* The county's survey has township "". */
    assert_int_equal(create(state, needs, "", &id, &e), 0);
    assert_int_equal(survey_get(db_of(state), id, NULL, &s, tw), 0);
    assert_string_equal(tw, "");
    json_decref(s);
}

/* --- states ----------------------------------------------------------- */

static void
a_survey_goes_from_draft_to_published_to_closed_only(void **state)
{
    struct survey_error e = {0};
    int64_t id;
    assert_int_equal(create(state, needs, NULL, &id, &e), 0);
    assert_int_equal(survey_close(db_of(state), id, &dbt_who), ERR_CONFLICT);
    assert_int_equal(survey_publish(db_of(state), id, &dbt_who), 0);
    assert_int_equal(survey_publish(db_of(state), id, &dbt_who), ERR_CONFLICT);
    assert_int_equal(survey_close(db_of(state), id, &dbt_who), 0);
    assert_int_equal(survey_close(db_of(state), id, &dbt_who), ERR_CONFLICT);
    assert_int_equal(survey_publish(db_of(state), id, &dbt_who), ERR_CONFLICT);
    assert_int_equal(survey_publish(db_of(state), 999, &dbt_who), ERR_CONFLICT);
}

static void
a_draft_cannot_be_answered(void **state)
{
    struct survey_error e = {0};
    int64_t id, p = person(state, HOME);
    assert_int_equal(create(state, needs, NULL, &id, &e), 0);
    assert_int_equal(answer_choices(state, id, p, 0, 0, 1), ERR_NOTFOUND);
    json_t *open = json_array();
    assert_int_equal(
        survey_open_for(db_of(state), keys_of(state), p, 1000, open), 0);
    assert_int_equal(json_array_size(open), 0);
    json_decref(open);
}

/* --- answers ---------------------------------------------------------- */

static void
a_person_answers_once(void **state)
{
    int64_t id = published(state, NULL), p = person(state, HOME);
    assert_int_equal(answer_choices(state, id, p, 1, 0, 2), 0);
    assert_int_equal(answer_choices(state, id, p, 2, 1, 2), ERR_CONFLICT);
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM survey_responses"),
                     1);
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM survey_answers"), 3);
    /* The person's list says it is answered. */
    json_t *open = json_array();
    assert_int_equal(
        survey_open_for(db_of(state), keys_of(state), p, 1000, open), 0);
    assert_int_equal(json_array_size(open), 1);
    assert_true(
        json_is_true(json_object_get(json_array_get(open, 0), "answered")));
    json_decref(open);
}

static void
a_closed_survey_refuses_answers(void **state)
{
    int64_t id = published(state, NULL), p = person(state, HOME);
    assert_int_equal(survey_close(db_of(state), id, &dbt_who), 0);
    assert_int_equal(answer_choices(state, id, p, 0, 0, 1), ERR_RANGE);
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM survey_responses"),
                     0);
}

static void
a_survey_past_its_closing_time_refuses_answers(void **state)
{
    int64_t id = published(state, NULL), p = person(state, HOME);
    /* Closing at 1000, answered at 1000 (answer's now): too late. */
    dbt_exec(*state, "UPDATE surveys SET closes_at = 1000 WHERE id = %lld",
             (long long)id);
    assert_int_equal(answer_choices(state, id, p, 0, 0, 1), ERR_RANGE);
    json_t *open = json_array();
    assert_int_equal(
        survey_open_for(db_of(state), keys_of(state), p, 1000, open), 0);
    assert_int_equal(json_array_size(open), 0);
    json_decref(open);
    /* A second before, it is open. */
    dbt_exec(*state, "UPDATE surveys SET closes_at = 1001 WHERE id = %lld",
             (long long)id);
    assert_int_equal(answer_choices(state, id, p, 0, 0, 1), 0);
}

static void
a_townships_survey_is_for_its_township_only(void **state)
{
    int64_t mine = published(state, HOME), county = published(state, NULL);
    int64_t here = person(state, HOME), there = person(state, OTHER);
    assert_int_equal(answer_choices(state, mine, there, 0, 0, 1), ERR_DENIED);
    assert_int_equal(answer_choices(state, mine, here, 0, 0, 1), 0);
    assert_int_equal(answer_choices(state, county, there, 0, 0, 1), 0);
    /* Nobody on the roster: not its audience either. */
    assert_int_equal(answer_choices(state, county, 999, 0, 0, 1), ERR_DENIED);
    /* What each township sees. */
    json_t *items = json_array();
    assert_int_equal(survey_list(db_of(state), OTHER, items), 0);
    assert_int_equal(json_array_size(items), 1);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(items, 0), "id")),
        county);
    json_array_clear(items);
    assert_int_equal(survey_list(db_of(state), HOME, items), 0);
    assert_int_equal(json_array_size(items), 2);
    json_array_clear(items);
    assert_int_equal(
        survey_open_for(db_of(state), keys_of(state), there, 1000, items), 0);
    assert_int_equal(json_array_size(items), 1);
    json_decref(items);
    json_t *out = NULL;
    assert_int_equal(survey_for_person(db_of(state), keys_of(state), mine,
                                       there, 1000, &out),
                     ERR_NOTFOUND);
    assert_int_equal(
        survey_for_person(db_of(state), keys_of(state), mine, here, 1000, &out),
        0);
    assert_true(json_is_true(json_object_get(out, "answered")));
    assert_null(json_object_get(out, "responses"));
    json_decref(out);
}

static void
an_answer_is_checked_against_its_question(void **state)
{
    int64_t id = published(state, NULL), p = person(state, HOME);
    static const struct {
        const char *answers, *field;
    } cases[] = {
        /* the required second question left out */
        {"[{\"question_id\": %1$lld, \"choice\": 0}]", "questions[1]"},
        {"[{\"question_id\": %1$lld, \"choice\": 3},"
         " {\"question_id\": %2$lld, \"choices\": [0]}]",
         "answers[0].choice"},
        {"[{\"question_id\": %1$lld, \"choices\": [0]},"
         " {\"question_id\": %2$lld, \"choices\": [0]}]",
         "answers[0].choice"},
        {"[{\"question_id\": %1$lld, \"choice\": 0},"
         " {\"question_id\": %2$lld, \"choices\": [2, 2]}]",
         "answers[1].choices[1]"},
        {"[{\"question_id\": %1$lld, \"choice\": 0},"
         " {\"question_id\": %2$lld, \"choices\": [0]},"
         " {\"question_id\": %3$lld, \"choice\": 1}]",
         "answers[2].text"},
        {"[{\"question_id\": 999999, \"choice\": 0}]",
         "answers[0].question_id"},
        {"[{\"question_id\": %1$lld, \"choice\": 0},"
         " {\"question_id\": %1$lld, \"choice\": 1}]",
         "answers[1].question_id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct survey_error e = {0};
        assert_int_equal(answer(state, id, p, cases[i].answers, &e), ERR_INVAL);
        assert_string_equal(e.e.field, cases[i].field);
    }
    assert_int_equal(dbt_int(*state, "SELECT COUNT(*) FROM survey_responses"),
                     0);
}

static void
who_answered_is_kept_only_as_a_keyed_hash(void **state)
{
    int64_t id = published(state, NULL), p = person(state, HOME);
    assert_int_equal(answer_choices(state, id, p, 0, 0, 1), 0);
    char hash[65];
    survey_respondent(keys_of(state), p, hash);
    assert_int_equal(strlen(hash), 64);
    assert_int_equal(dbt_int(*state,
                             "SELECT COUNT(*) FROM survey_responses WHERE "
                             "respondent_hash = '%s' AND township_code = "
                             "'%s'",
                             hash, HOME),
                     1);
    /* Another key file makes another hash: the id alone finds nothing. */
    assert_int_equal(dbt_int(*state,
                             "SELECT COUNT(*) FROM survey_responses "
                             "WHERE respondent_hash = '%lld'",
                             (long long)p),
                     0);
}

/* --- results ---------------------------------------------------------- */

/* The count of option j of question i in results r. */
static int64_t
count_of(json_t *r, size_t i, size_t j)
{
    json_t *q = json_array_get(json_object_get(r, "question_list"), i);
    return json_integer_value(json_object_get(
        json_array_get(json_object_get(q, "options"), j), "count"));
}

static int64_t
answered_of(json_t *r, size_t i)
{
    json_t *q = json_array_get(json_object_get(r, "question_list"), i);
    return json_integer_value(json_object_get(q, "answered"));
}

static void
results_count_each_choice_for_the_county_or_a_township(void **state)
{
    int64_t id = published(state, NULL);
    int64_t a = person(state, HOME), b = person(state, HOME);
    int64_t c = person(state, OTHER);
    struct survey_error e = {0};
    assert_int_equal(answer_choices(state, id, a, 1, 0, 2), 0);
    assert_int_equal(answer_choices(state, id, b, 1, 1, 2), 0);
    assert_int_equal(answer(state, id, c,
                            "[{\"question_id\": %1$lld, \"choice\": 0},"
                            " {\"question_id\": %2$lld, \"choices\": [2]},"
                            " {\"question_id\": %3$lld, "
                            "\"text\": \"多下乡\"}]",
                            &e),
                     0);
    json_t *r;
    assert_int_equal(survey_results(db_of(state), id, NULL, &r), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "responses")), 3);
    assert_int_equal(count_of(r, 0, 0), 1);
    assert_int_equal(count_of(r, 0, 1), 2);
    assert_int_equal(count_of(r, 0, 2), 0);
    assert_int_equal(count_of(r, 1, 0), 1);
    assert_int_equal(count_of(r, 1, 1), 1);
    assert_int_equal(count_of(r, 1, 2), 3);
    assert_int_equal(answered_of(r, 0), 3);
    assert_int_equal(answered_of(r, 1), 3);
    assert_int_equal(answered_of(r, 2), 1);
    json_t *texts = json_object_get(
        json_array_get(json_object_get(r, "question_list"), 2), "answers");
    assert_int_equal(json_array_size(texts), 1);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(texts, 0), "text")),
        "多下乡");
    /* A free text carries the name of its township, never its writer. */
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(texts, 0), "township")),
                        "永昌街道");
    json_decref(r);
    /* Among one township only. */
    assert_int_equal(survey_results(db_of(state), id, HOME, &r), 0);
    assert_int_equal(json_integer_value(json_object_get(r, "responses")), 2);
    assert_int_equal(count_of(r, 0, 0), 0);
    assert_int_equal(count_of(r, 0, 1), 2);
    assert_int_equal(count_of(r, 1, 2), 2);
    assert_int_equal(answered_of(r, 2), 0);
    json_decref(r);
    assert_int_equal(survey_results(db_of(state), 999, NULL, &r), ERR_NOTFOUND);
}

#define T(name) cmocka_unit_test_setup_teardown(name, dbt_setup, dbt_teardown)
static const struct CMUnitTest tests[] = {
    T(a_definition_names_the_failing_field),
    T(a_survey_is_stored_with_its_questions_as_a_draft),
    T(a_survey_goes_from_draft_to_published_to_closed_only),
    T(a_draft_cannot_be_answered),
    T(a_person_answers_once),
    T(a_closed_survey_refuses_answers),
    T(a_survey_past_its_closing_time_refuses_answers),
    T(a_townships_survey_is_for_its_township_only),
    T(an_answer_is_checked_against_its_question),
    T(who_answered_is_kept_only_as_a_keyed_hash),
    T(results_count_each_choice_for_the_county_or_a_township),
};
#undef T

UNIT_GROUP(survey_group, "survey", tests);
