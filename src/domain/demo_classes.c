/*
 * demo_classes.c - a year of teaching in the demo county (SPEC.md §2.6-8,
 * §6): for the 365 days before the demo is built, every school's programs
 * of the 8 types with their sessions. Each session has its roster first:
 * the people drawn from the township's roster (village cadres for the
 * 村两委 training) are enrolled days before, most of them come and a few
 * do not; those who came are credited through the one writer of
 * attendance (class_attend_write, rules.c), and most rate the teacher,
 * about three in four of them 优秀. The township's own teachers teach its
 * skills, outreach and returned-talent sessions and some weekly lessons.
 * Members order courses over the last two months; once the county is
 * written, each school turns its most wanted course into a themed class
 * and declines a little-wanted one with a reason, through the same
 * domain functions as the API (demo_orders).
 */
#include "demo_int.h"

#include "classes.h"
#include "orders.h"
#include "rules.h"

#include "../core/err.h"
#include "../core/keyring.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

struct demo_person {
    int64_t id;
    bool cadre, member;
};

struct demo_course {
    int64_t id, teacher, halves;
    char module[24];
};

/* One program type's plan per school: programs, sessions in each, the
 * usual attendance, the module its courses come from ("" any), and the
 * title. Numbers are the county scale; the small demo takes 1/10. */
static const struct plan {
    const char *type, *module, *title;
    int programs, sessions, attendees;
    bool cadres, onsite;
} plans[] = {
    {"weekly_lesson", "", "每周一课", 1, 5, 147, false, false},
    {"weekend_lecture", "", "周末大讲堂", 1, 3, 80, false, false},
    {"village_cadre", "", "今冬明春村两委培训", 1, 3, 150, true, false},
    {"themed_class", "rural_revitalization", "乡村振兴主题培训班", 2, 2, 40,
     false, false},
    {"onsite", "politics", "红色教育现场教学", 2, 1, 160, false, true},
    {"skills", "rural_revitalization", "菜单式技能培训", 1, 13, 51, false,
     false},
    {"skills_outreach", "professional", "送技到村到户", 1, 8, 20, false,
     true},
    {"talent_return", "rural_revitalization", "人才回引培训", 1, 1, 30,
     false, false},
};

struct world {
    struct db *db;
    const struct keyring *k;
    uint64_t *s;
    bool county;
    struct demo_course *courses;
    size_t ncourses;
    struct rating_rule rule;
    struct demo_counts *n;
    int64_t local[8]; /* the township's own teachers */
    size_t nlocal;
};

/* A session as the attendance of it is drawn: its course and teacher. */
struct demo_session {
    int64_t id, teacher, starts, halves;
    const struct demo_course *course;
};

static int
load_courses(struct world *w)
{
    struct db_res *r = db_query(w->db, Q_DEMO_COURSES, "");
    if (r == NULL)
        return ERR_DB;
    int rc;
    size_t cap = 0;
    while ((rc = db_next(r)) > 0) {
        if (w->ncourses == cap) {
            cap = cap ? cap * 2 : 64;
            w->courses = xrealloc(w->courses, cap * sizeof(*w->courses));
        }
        struct demo_course *c = &w->courses[w->ncourses++];
        c->id = db_int(r, 0);
        str_copy(c->module, sizeof(c->module), db_text(r, 1));
        c->teacher = db_null(r, 2) ? 0 : db_int(r, 2);
        c->halves = db_int(r, 3);
    }
    db_end(r);
    return rc < 0 || w->ncourses == 0 ? ERR_DB : 0;
}

static const struct demo_course *
pick_course(struct world *w, const char *module)
{
    for (int tries = 0; tries < 64; tries++) {
        const struct demo_course *c =
            &w->courses[demo_rnd(w->s) % w->ncourses];
        if (*module == '\0' || strcmp(c->module, module) == 0)
            return c;
    }
    return &w->courses[0];
}

static int
load_people(struct world *w, const char *township, struct demo_person **out,
            size_t *n)
{
    struct db_res *r = db_query(w->db, Q_DEMO_TOWNSHIP_PEOPLE, "s",
                                township);
    if (r == NULL)
        return ERR_DB;
    size_t cap = 0;
    int rc;
    *n = 0;
    *out = NULL;
    while ((rc = db_next(r)) > 0) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        const char *flags = db_text(r, 1);
        (*out)[*n].id = db_int(r, 0);
        (*out)[*n].member = rules_target_who(db_text(r, 2), flags) !=
                            TARGET_NONE;
        (*out)[*n].cadre = strstr(flags, ",village_committee,") ||
                           strstr(flags, ",branch_secretary,");
        (*n)++;
    }
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

/* A rating of the session's teacher: three in four 优秀 (scores 88-100),
 * the rest 70-92. */
static int
rate(struct world *w, const struct demo_session *ds, int64_t person,
     int64_t at, int year)
{
    int64_t session = ds->id;
    int s[4];
    bool high = demo_rnd(w->s) % 100 < 77;
    for (int i = 0; i < 4; i++)
        s[i] = high ? 88 + (int)(demo_rnd(w->s) % 13)
                    : 70 + (int)(demo_rnd(w->s) % 23);
    int total = rules_rating_total(&w->rule, s);
    char msg[48], rater[65], whom[65];
    str_fmt(msg, sizeof(msg), "%lld:%lld", (long long)session,
            (long long)person);
    keyring_hash(w->k, "rater", msg, rater);
    str_fmt(msg, sizeof(msg), "%lld", (long long)person);
    keyring_hash(w->k, "rater-person", msg, whom);
    int64_t id;
    const int64_t *teacher = ds->teacher ? &ds->teacher : NULL;
    return db_int1(w->db, Q_EVAL_INSERT, &id, "innssiiiiisiiii", session,
                   teacher, &ds->course->id, rater, whom, (int64_t)s[0],
                   (int64_t)s[1], (int64_t)s[2], (int64_t)s[3],
                   (int64_t)((total + 5) / 10), rules_grade(&w->rule, total),
                   (int64_t)year, at, (int64_t)1, (int64_t)total);
}

/* One attendance (and, mostly, a rating) of person p. */
static int
attend_one(struct world *w, const struct demo_session *ds,
           const struct demo_person *p)
{
    struct class_brief b = {.starts = ds->starts, .halves = ds->halves};
    struct attend_result a;
    int64_t at = ds->starts - 600 + (int64_t)(demo_rnd(w->s) % 900);
    int rc = class_attend_write(w->db, ds->id, &b, p->id,
                                demo_rnd(w->s) % 10 ? "qr" : "roster", at,
                                0, true, &a);
    w->n->attendance++;
    if (rc == 0 && demo_rnd(w->s) % 100 < 85) {
        rc = rate(w, ds, p->id, ds->starts + 3 * 3600, a.year);
        w->n->evaluations++;
    }
    return rc;
}

/* The roster and attendance of a session of `want` attendees drawn from
 * the pool. As in a real township, a core of active members (the first
 * twentieth of the pool) fills most seats and reaches its yearly hours;
 * the rest come now and then. Everyone is enrolled days before; about one
 * in eleven of those enrolled does not come. Each walk uses a stride
 * prime to its length, so nobody is drawn twice (which PostgreSQL would
 * answer by aborting the whole transaction). */
static int
attend(struct world *w, const struct demo_session *ds,
       struct demo_person *pool, size_t n, int want)
{
    int absent = want / 10 + 1 < 20 ? want / 10 + 1 : 20;
    size_t core = n / 20;
    const struct {
        size_t from, len;
        int quota;
    } parts[2] = {
        {0, core, want * 65 / 100},
        {core, n - core, want + absent},
    };
    const struct demo_person **drawn = xmalloc(
        (size_t)(want + absent) * sizeof(*drawn));
    int made = 0, rc = 0;
    for (int k = 0; k < 2; k++) {
        size_t len = parts[k].len;
        if (len == 0)
            continue;
        size_t start = demo_rnd(w->s) % len;
        size_t stride = len % 7 ? 7 : 1;
        for (size_t i = 0; i < len && made < parts[k].quota; i++)
            drawn[made++] =
                &pool[parts[k].from + (start + i * stride) % len];
    }
    /* The roster first: the drawn enrol up to a week before. */
    for (int i = 0; rc == 0 && i < made; i++) {
        int64_t at = ds->starts - 86400 -
                     (int64_t)(demo_rnd(w->s) % (6 * 86400));
        if (db_exec(w->db, Q_ENROLL_INSERT, "iisi", ds->id, drawn[i]->id,
                    "enrolled", at) < 0)
            rc = ERR_DB;
        w->n->enrollments++;
    }
    /* Those drawn last (occasional comers) are the ones who stay away. */
    int come = made > want ? want : made;
    for (int i = 0; rc == 0 && i < come; i++)
        rc = attend_one(w, ds, drawn[i]);
    free(drawn);
    return rc;
}

/* Who teaches the k-th session of a program of type: the course's
 * (county) teacher, but the township's own teachers for its outreach and
 * returned-talent sessions, every other skills session and every third
 * weekly lesson. */
static int64_t
teacher_for(struct world *w, const char *type, const struct demo_course *c,
            int k)
{
    bool local = (strcmp(type, "skills") == 0 && k % 2 == 1) ||
                 strcmp(type, "skills_outreach") == 0 ||
                 strcmp(type, "talent_return") == 0 ||
                 (strcmp(type, "weekly_lesson") == 0 && k % 3 == 2);
    if (local && w->nlocal)
        return w->local[demo_rnd(w->s) % w->nlocal];
    return c->teacher;
}

/* The township's own teachers into w->local. */
static int
load_local(struct world *w, const char *township)
{
    struct db_res *r = db_query(w->db, Q_DEMO_TOWNSHIP_TEACHERS, "s",
                                township);
    if (r == NULL)
        return ERR_DB;
    int rc;
    w->nlocal = 0;
    while ((rc = db_next(r)) > 0)
        if (w->nlocal < NELEM(w->local))
            w->local[w->nlocal++] = db_int(r, 0);
    db_end(r);
    return rc < 0 ? ERR_DB : 0;
}

static int
school_year(struct world *w, int64_t school, const char *township,
            int64_t now)
{
    int64_t room = 0;
    if (db_int1(w->db, Q_DEMO_CLASSROOM, &room, "i", school) != 0)
        return ERR_DB;
    struct demo_person *people;
    size_t npeople;
    int rc = load_local(w, township);
    if (rc == 0)
        rc = load_people(w, township, &people, &npeople);
    if (rc != 0)
        return rc;
    /* Members and cadres, the pools sessions draw from. */
    struct demo_person *members = xmalloc((npeople + 1) * sizeof(*members));
    struct demo_person *cadres = xmalloc((npeople + 1) * sizeof(*cadres));
    size_t nm = 0, nc = 0;
    for (size_t i = 0; i < npeople; i++) {
        if (people[i].member)
            members[nm++] = people[i];
        if (people[i].cadre)
            cadres[nc++] = people[i];
    }
    int64_t year_start = now - 365 * 86400;
    for (size_t t = 0; rc == 0 && t < NELEM(plans); t++) {
        const struct plan *pl = &plans[t];
        int nsessions = w->county ? pl->sessions : 1;
        int want = w->county ? pl->attendees : (pl->attendees + 9) / 10;
        for (int pr = 0; rc == 0 && pr < pl->programs; pr++) {
            /* Sessions spread over the year, a program's close together. */
            int64_t first = year_start +
                            (int64_t)(demo_rnd(w->s) % 330) * 86400;
            char from[11], to[11], title[96];
            int y;
            rules_day(first, from, &y);
            rules_day(first + (int64_t)(nsessions - 1) * 7 * 86400, to, &y);
            str_fmt(title, sizeof(title), "%s（第%d期）", pl->title, pr + 1);
            int64_t program;
            rc = db_int1(w->db, Q_PROGRAM_INSERT, &program, "sisssii",
                         pl->type, school, title, from, to, (int64_t)1, now);
            for (int k = 0; rc == 0 && k < nsessions; k++) {
                const struct demo_course *c = pick_course(w, pl->module);
                /* 09:00 China time on that day */
                int64_t day0 = first + (int64_t)k * 7 * 86400;
                int64_t starts = day0 - (day0 + RULES_CST_OFFSET) % 86400 +
                                 9 * 3600;
                if (starts >= now)
                    break;
                struct demo_session ds = {0, teacher_for(w, pl->type, c, k),
                                          starts, c->halves, c};
                int64_t ends = starts + ds.halves * 1800 + 1800;
                const int64_t *r = pl->onsite ? NULL : &room;
                rc = db_int1(w->db, Q_CLASS_INSERT, &ds.id, "inniinsiiii",
                             program, &c->id,
                             ds.teacher ? &ds.teacher : NULL, starts, ends,
                             r, pl->onsite ? "村级现场教学点" : "", ds.halves,
                             (int64_t)(want + 20), (int64_t)1, now);
                w->n->sessions++;
                if (rc == 0)
                    rc = attend(w, &ds, pl->cadres ? cadres : members,
                                pl->cadres ? nc : nm, want);
            }
        }
    }
    /* The school's plan for this year: a batch per program type over the
     * year, planned a little above what the generator holds. */
    char day[11];
    int year;
    rules_day(now, day, &year);
    int64_t plan;
    char title[64], jan1[11], dec31[11];
    str_fmt(title, sizeof(title), "%d年度党员教育培训计划", year);
    str_fmt(jan1, sizeof(jan1), "%04d-01-01", year % 10000);
    str_fmt(dec31, sizeof(dec31), "%04d-12-31", year % 10000);
    int64_t from_at, to_at;
    (void)date_parse(jan1, &from_at);
    (void)date_parse(dec31, &to_at);
    from_at -= RULES_CST_OFFSET;
    to_at += 86400 - RULES_CST_OFFSET;
    if (rc == 0)
        rc = db_int1(w->db, Q_PLAN_INSERT, &plan, "iisi", school, (int64_t)year,
                     title, now);
    for (size_t t = 0; rc == 0 && t < NELEM(plans); t++) {
        const struct plan *pl = &plans[t];
        int64_t sessions = (int64_t)pl->programs *
                           (w->county ? pl->sessions : 1) + 1;
        int64_t persons = w->county ? pl->attendees * pl->programs
                                    : (pl->attendees + 9) / 10;
        if (db_exec(w->db, Q_PLAN_BATCH_INSERT, "iisssiiii", plan,
                    (int64_t)t + 1, pl->type, jan1, dec31, from_at, to_at,
                    sessions, persons) < 0)
            rc = ERR_DB;
    }
    /* Course orders (线上点单): members ask for courses, a few popular
     * ones most; each member orders one course at most. */
    int norders = w->county ? 30 : 3;
    for (int k = 0; rc == 0 && k < norders && (size_t)k < nm; k++) {
        size_t c = demo_rnd(w->s) % w->ncourses;
        c = c * c / w->ncourses; /* skewed toward the first courses */
        int64_t id;
        rc = db_int1(w->db, Q_ORDER_INSERT, &id, "iissi", w->courses[c].id,
                     members[(size_t)k].id,
                     township, "", now - (int64_t)(demo_rnd(w->s) % 60) *
                                             86400);
        w->n->orders++;
    }
    free(people);
    free(members);
    free(cadres);
    return rc;
}

int
demo_classes(struct db *db, const struct keyring *k, uint64_t *s,
             bool county, int64_t now, struct demo_counts *n)
{
    struct world w = {db,   k, s, county, NULL, 0,
                      {30, 25, 25, 20, 90, 80, 60, 10, 10},
                      n,    {0}, 0};
    /* Rated under the rating rule of the year, as live ratings are. */
    char day[11];
    int year;
    rules_day(now, day, &year);
    int rc = rating_rule_of(db, year, &w.rule);
    if (rc == ERR_NOTFOUND)
        rc = 0; /* none configured: the defaults above */
    if (rc == 0)
        rc = load_courses(&w);
    for (int t = 0; rc == 0 && t < 13; t++) {
        char code[16];
        str_fmt(code, sizeof(code), "3717230%02d", t + 1);
        int64_t school;
        rc = db_int1(db, Q_DEMO_SCHOOL_OF, &school, "s", code);
        if (rc == 0)
            rc = school_year(&w, school, code, now);
    }
    free(w.courses);
    return rc;
}

/* Why a school declines an order (the orderer reads it). */
static const char *const reasons[] = {
    "本季度已安排同类课程，请关注下季度培训计划",
    "报名人数不足，将与相邻镇街合并开班",
    "该课程授课教师本季度无法安排，已列入下期计划",
};

int
demo_orders(struct db *db, uint64_t *s, int64_t now, struct demo_counts *n)
{
    struct audit_who who = {0, "demo", "", "", "cli"};
    int rc = 0;
    for (int t = 0; rc == 0 && t < 13; t++) {
        char code[16];
        str_fmt(code, sizeof(code), "3717230%02d", t + 1);
        int64_t school, placed;
        json_t *items = json_array();
        rc = db_int1(db, Q_DEMO_SCHOOL_OF, &school, "s", code);
        if (rc == 0)
            rc = order_table(db, code, 0, now + 1, items, &placed);
        size_t m = json_array_size(items);
        /* Most ordered first: the top course becomes a themed class on a
         * morning a week or two ahead, its orderers enrolled. */
        if (rc == 0 && m > 0) {
            json_t *top = json_array_get(items, 0);
            int64_t day = now + (7 + t % 7) * 86400;
            struct order_convert c = {
                .course_id = json_integer_value(json_object_get(top,
                                                                "course_id")),
                .school_id = school,
                .starts_at = day - (day + RULES_CST_OFFSET) % 86400 +
                             9 * 3600,
            };
            struct field_error e;
            int64_t program, session, k;
            rc = order_convert(db, &c, &who, &program, &session, &k, &e);
            n->converted += rc == 0 ? k : 0;
        }
        /* The least ordered course's open orders are declined. */
        if (rc == 0 && m > 2) {
            json_t *last = json_array_get(items, m - 1);
            struct db_res *r = db_query(
                db, Q_ORDER_OPEN_OF, "is",
                (int64_t)json_integer_value(json_object_get(last,
                                                            "course_id")),
                code);
            int64_t ids[16];
            size_t k = 0;
            while (r && db_next(r) > 0 && k < NELEM(ids))
                ids[k++] = db_int(r, 0);
            if (r == NULL)
                rc = ERR_DB;
            else
                db_end(r);
            const char *why = reasons[demo_rnd(s) % NELEM(reasons)];
            for (size_t i = 0; rc == 0 && i < k; i++) {
                rc = order_decline(db, ids[i], why, &who);
                n->declined++;
            }
        }
        json_decref(items);
    }
    return rc;
}
