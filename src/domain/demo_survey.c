/*
 * demo_survey.c - the demo's questionnaires: the county's yearly needs
 * survey, published, answered by every fifteenth member with the
 * preferences a rural county shows (evenings and the slack season,
 * planting and breeding, on-site teaching), and a township's draft.
 * Written straight into the caller's transaction with the queries of
 * survey.c, respondents hashed as survey.c hashes them.
 */
#include "demo_int.h"
#include "rules.h"
#include "survey.h"

#include "../core/err.h"
#include "../core/util.h"

#include <jansson.h>
#include <string.h>

/* A question and the weight of each choice (a text question has none). */
struct demo_q {
    const char *kind, *text;
    const char *options[8];
    int weights[8];
};

static const struct demo_q county_qs[] = {
    {"single",
     "您最方便参加培训的时间",
     {"工作日白天", "工作日晚上", "周末", "农闲时节"},
     {15, 30, 20, 35}},
    {"multi",
     "您最想学习的内容（可多选）",
     {"党的创新理论", "政策法规", "种植养殖技术", "电商直播", "健康养生",
      "乡村治理"},
     {45, 35, 60, 40, 30, 25}},
    {"single",
     "您更喜欢的培训形式",
     {"集中授课", "现场教学", "线上学习", "送教上门"},
     {25, 35, 15, 25}},
    {"text", "对党员教育培训的其他意见和建议", {NULL}, {0}},
};

static const char *const suggestions[] = {
    "希望多安排农闲时节的课程", "课程可以多结合本村实际",
    "希望多请农技专家现场指导", "建议增加电商直播实操课",
    "年纪大的党员希望送教上门", "希望课后能发学习资料",
};

static const struct demo_q draft_qs[] = {
    {"single",
     "今冬明春培训您想安排在哪个月",
     {"十一月", "十二月", "一月", "二月"},
     {1, 1, 1, 1}},
    {"text", "您希望邀请哪位老师授课", {NULL}, {0}},
};

static int
weighted(uint64_t *s, const int *w)
{
    int sum = 0, n = 0;
    while (n < 8 && w[n])
        sum += w[n++];
    int x = (int)(demo_rnd(s) % (uint64_t)sum);
    for (int i = 0; i < n; i++)
        if ((x -= w[i]) < 0)
            return i;
    return n - 1;
}

/* Inserts a survey and its questions; ids of the questions to qid[]. */
static int
insert(struct db *db, const char *title, const char *township,
       const struct demo_q *qs, size_t nq, int64_t now, int64_t *id,
       int64_t qid[])
{
    int rc = db_int1(db, Q_SURVEY_INSERT, id, "sssnin", title,
                     "演示问卷（演示数据）", township, (const int64_t *)NULL,
                     now, (const int64_t *)NULL);
    for (size_t i = 0; rc == 0 && i < nq; i++) {
        json_t *o = json_array();
        for (int j = 0; j < 8 && qs[i].options[j]; j++)
            json_array_append_new(o, json_string(qs[i].options[j]));
        char *opts = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(o);
        if (db_exec(db, Q_SURVEY_QUESTION_INSERT, "iisssi", *id, (int64_t)i + 1,
                    qs[i].kind, qs[i].text, opts,
                    (int64_t)(strcmp(qs[i].kind, "text") != 0)) < 0)
            rc = ERR_DB;
        free(opts);
    }
    struct db_res *r =
        rc == 0 ? db_query(db, Q_SURVEY_QUESTIONS, "i", *id) : NULL;
    size_t k = 0;
    while (r && k < nq && db_next(r) > 0)
        qid[k++] = db_int(r, 0);
    db_end(r);
    if (rc == 0 && k != nq)
        rc = ERR_DB;
    return rc;
}

int
demo_surveys(struct db *db, const struct keyring *k, uint64_t *s, int64_t now,
             struct demo_counts *n)
{
    int64_t id, qid[8];
    char title[64], day[11];
    int year;
    rules_day(now, day, &year);
    str_fmt(title, sizeof(title), "%d年党员教育培训需求调查", year);
    int rc = insert(db, title, NULL, county_qs, NELEM(county_qs),
                    now - 60 * 86400, &id, qid);
    if (rc == 0 &&
        db_exec(db, Q_SURVEY_PUBLISH, "ii", now - 59 * 86400, id) < 0)
        rc = ERR_DB;
    /* The respondents, read first: one query open at a time. */
    struct respondent {
        int64_t id;
        char township[16];
    } *who = NULL;
    size_t nwho = 0, cap = 0;
    struct db_res *r = rc == 0 ? db_query(db, Q_DEMO_SURVEY_PEOPLE, "") : NULL;
    int got;
    while (r && (got = db_next(r)) > 0) {
        if (nwho == cap) {
            cap = cap ? cap * 2 : 256;
            who = xrealloc(who, cap * sizeof(*who));
        }
        who[nwho].id = db_int(r, 0);
        str_copy(who[nwho++].township, 16, db_text(r, 1));
    }
    db_end(r);
    if (rc == 0 && r == NULL)
        rc = ERR_DB;
    for (size_t p = 0; rc == 0 && p < nwho; p++) {
        char hash[65];
        survey_respondent(k, who[p].id, hash);
        int64_t resp;
        int64_t at = now - 58 * 86400 + (int64_t)(demo_rnd(s) % (40 * 86400));
        rc = db_int1(db, Q_SURVEY_RESPONSE_INSERT, &resp, "issi", id, hash,
                     who[p].township, at);
        for (size_t q = 0; rc == 0 && q < NELEM(county_qs); q++) {
            const struct demo_q *dq = &county_qs[q];
            int64_t c;
            if (strcmp(dq->kind, "single") == 0) {
                c = weighted(s, dq->weights);
                if (db_exec(db, Q_SURVEY_ANSWER_INSERT, "iins", resp, qid[q],
                            &c, (const char *)NULL) < 0)
                    rc = ERR_DB;
            } else if (strcmp(dq->kind, "multi") == 0) {
                /* Each choice by its weight in 100; at least one. */
                bool any = false;
                for (int j = 0; rc == 0 && j < 8 && dq->options[j]; j++) {
                    bool last = dq->options[j + 1] == NULL;
                    if ((int)(demo_rnd(s) % 100) >= dq->weights[j] &&
                        !(last && !any))
                        continue;
                    any = true;
                    c = j;
                    if (db_exec(db, Q_SURVEY_ANSWER_INSERT, "iins", resp,
                                qid[q], &c, (const char *)NULL) < 0)
                        rc = ERR_DB;
                }
            } else if (demo_rnd(s) % 5 == 0) {
                const char *t = suggestions[demo_rnd(s) % NELEM(suggestions)];
                if (db_exec(db, Q_SURVEY_ANSWER_INSERT, "iins", resp, qid[q],
                            (const int64_t *)NULL, t) < 0)
                    rc = ERR_DB;
            }
        }
        n->survey_responses++;
    }
    free(who);
    if (rc == 0)
        rc = insert(db, "文亭街道冬训课程意向调查", "371723001", draft_qs,
                    NELEM(draft_qs), now - 2 * 86400, &id, qid);
    return rc;
}
