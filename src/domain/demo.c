/*
 * demo.c - see demo.h. Village names are built from common local
 * surnames and place-name endings (庄, 楼, 集, 寨 …), the way villages in
 * 鲁西南 are named; subdistricts (街道) get communities (社区).
 */
#include "demo.h"
#include "demo_int.h"
#include "kind.h"
#include "teaching.h"

#include "auth.h"
#include "idcard.h"
#include "org.h"
#include "people.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

/* Villages per township in county scale: 469 in all (SPEC.md §2.1). */
static const int county_villages[13] = {22, 20, 41, 38, 36, 40, 35,
                                        37, 45, 39, 42, 36, 38};

const char *const demo_surnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
    "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
    "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅",
    "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛",
    "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田", "任", "姜",
    "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆", "郝", "孔",
    "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟",
};
static const char *const endings[] = {"庄", "楼", "集", "寨", "屯", "营",
                                      "店", "庙", "堂", "口", "湾", "园",
                                      "桥", "坊", "洼", "岗"};
static const char *const community_words[] = {
    "文亭", "永昌", "东关", "西关", "南关", "北关", "春秋", "伯乐", "书院",
    "和平", "建设", "人民", "幸福", "花园", "锦绣", "文化", "振兴", "新华",
    "康乐", "明德", "滨河", "繁荣", "富民", "光明", "育才", "长安"};


const size_t demo_nsurnames = NELEM(demo_surnames);

uint64_t
demo_rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

struct demo_user {
    const char *username;
    const char *role;
    const char *township;
};

static const struct demo_user demo_users[] = {
    {"county_admin", "county_admin", NULL},
    {"school_admin", "school_admin", "371723001"},
    {"school_admin2", "school_admin", "371723002"},
    {"teacher", "teacher", "371723001"},
    {"trainee", "trainee", "371723001"},
    {"guide", "guide", "371723001"},
    {"sysadmin", "sysadmin", NULL},
    {"secadmin", "secadmin", NULL},
    {"auditor", "auditor", NULL},
};

/* Common given-name characters and pairs (one or two characters). */
static const char *const given[] = {
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇",
    "艳", "杰", "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英",
    "华", "建华", "建国", "国强", "玉兰", "文", "辉", "鹏", "红", "晓东",
    "丹", "萍", "玲", "海燕", "斌", "宇", "浩然", "凯", "健", "俊杰", "帆",
    "阳", "佳怡", "欣", "雪梅", "梅", "琳", "颖", "婷", "慧", "志强", "淑珍",
    "凤英", "永生", "福海", "德胜", "荣", "金凤", "春燕", "兰芝", "英", "成",
    "林", "峰", "波", "鑫", "新民", "亮", "飞", "彬", "博", "昊", "晨", "宁",
    "东升", "庆丰", "爱国", "卫东", "学军", "秀云", "桂兰", "玉梅", "立新",
};
/* Birth places: mostly 成武县 itself, some from the rest of 菏泽. */
static const char *const regions[] = {"371723", "371723", "371723", "371723",
                                      "371723", "371723", "371723", "371723",
                                      "371702", "371721", "371722", "371724"};

struct demo_village {
    char code[16];
    char township[12];
    bool community;
};

static int
make_villages(struct db *db, enum demo_scale scale, uint64_t *people_seed,
              int64_t *made, struct demo_village *out)
{
    /* The county is one place whatever the seed: its villages have the
     * same names in every demo database (an export of one imports into
     * another by name), and the seed varies only the people and what
     * they do. The names are drawn from the stream seed 1 starts with,
     * and the people's stream goes on from there, moved by the seed:
     * seed 1's demo is what it always was. */
    const uint64_t start = 1 * 0x9E3779B97F4A7C15ULL + 1;
    uint64_t fixed = start, *seed = &fixed;
    char names[64][64];
    for (int t = 0; t < 13; t++) {
        char tcode[16];
        str_fmt(tcode, sizeof(tcode), "3717230%02d", t + 1);
        int n = scale == DEMO_COUNTY ? county_villages[t] : 2;
        bool subdistrict = t < 2;
        int made_here = 0;
        for (int tries = 0; made_here < n && tries < 10000; tries++) {
            char name[64];
            if (subdistrict)
                str_fmt(name, sizeof(name), "%s社区",
                        community_words[demo_rnd(seed) % NELEM(community_words)]);
            else
                str_fmt(name, sizeof(name), "%s%s村",
                        demo_surnames[demo_rnd(seed) % NELEM(demo_surnames)],
                        endings[demo_rnd(seed) % NELEM(endings)]);
            bool dup = false;
            for (int i = 0; i < made_here && !dup; i++)
                dup = strcmp(names[i], name) == 0;
            if (dup)
                continue;
            str_copy(names[made_here], sizeof(names[0]), name);
            char vcode[24];
            /* 12-digit 村级 code under the (placeholder) township code. */
            str_fmt(vcode, sizeof(vcode), "%s%03d", tcode, made_here + 1);
            int64_t id;
            if (org_village_insert(db, vcode, name, tcode, true, &id) != 0)
                return ERR_DB;
            struct demo_village *v = &out[*made];
            str_copy(v->code, sizeof(v->code), vcode);
            str_copy(v->township, sizeof(v->township), tcode);
            v->community = subdistrict;
            made_here++;
            (*made)++;
        }
    }
    uint64_t next = fixed ^ (*people_seed ^ start);
    *people_seed = next ? next : start;
    return 0;
}

/* A valid ID number born in [1940, 2004], with the gender's parity. */
static void
demo_id(uint64_t *s, char out[19])
{
    int y = 1940 + (int)(demo_rnd(s) % 65), m = 1 + (int)(demo_rnd(s) % 12);
    int d = 1 + (int)(demo_rnd(s) % 28);
    char d17[18];
    str_fmt(d17, sizeof(d17), "%s%04d%02d%02d%03d",
            regions[demo_rnd(s) % NELEM(regions)], y, m, d,
            (int)(demo_rnd(s) % 1000));
    memcpy(out, d17, 17);
    out[17] = idcard_check_char(d17);
    out[18] = '\0';
}

/* The people of one village and its Party organisation. A realistic mix
 * (SPEC.md §6): most are members; every village has a secretary and a
 * 村两委; some are exempt, mobile or returned talent. */
static int
make_people(struct db *db, const struct keyring *k,
            const struct demo_village *v, int n, uint64_t *s, int64_t *made)
{
    int64_t org;
    char oname[96];
    str_fmt(oname, sizeof(oname), "%s党%s", v->code,
            v->community ? "委" : "支部");
    if (db_int1(db, Q_ORG_INSERT, &org, "ssssii", oname,
                v->community ? "community" : "rural", v->township, v->code,
                (int64_t)1, now_unix()) != 0)
        return ERR_DB;
    for (int i = 0; i < n; i++) {
        char name[64], idn[19], phone[12];
        str_fmt(name, sizeof(name), "%s%s", demo_surnames[demo_rnd(s) % NELEM(demo_surnames)],
                given[demo_rnd(s) % NELEM(given)]);
        demo_id(s, idn);
        unsigned r = (unsigned)(demo_rnd(s) % 100);
        const char *status = r < 70 ? "member" : r < 75 ? "probationary"
                                               : r < 83 ? "activist"
                                                        : "masses";
        bool party = r < 75;
        unsigned flags = 0;
        if (i == 0)
            flags |= 1u << people_flag_bit("branch_secretary");
        if (i < 5)
            flags |= 1u << people_flag_bit("village_committee");
        if (demo_rnd(s) % 100 < 3)
            flags |= 1u << people_flag_bit("returned_talent");
        if (party && i >= 5 && demo_rnd(s) % 100 < 6)
            flags |= 1u << people_flag_bit("exempt");
        if (party && i >= 5 && demo_rnd(s) % 100 < 4)
            flags |= 1u << people_flag_bit("mobile_member");
        if (i == 0)
            status = "member";
        static const char *const mobile[] = {"13", "15", "18", "17"};
        str_fmt(phone, sizeof(phone), "%s%09llu", mobile[demo_rnd(s) % 4],
                (unsigned long long)(demo_rnd(s) % 1000000000ULL));
        struct person_input in = {
            .name = name,
            .id_number = idn,
            .phone = demo_rnd(s) % 100 < 85 ? phone : NULL,
            .political_status = status,
            .member_category = party ? (v->community ? "community" : "rural")
                                     : NULL,
            .township_code = v->township,
            .village_code = v->code,
            .has_org = party,
            .org_id = party ? org : 0,
            .has_flags = true,
            .flags = flags,
            .demo = true,
        };
        if (flags & (1u << people_flag_bit("mobile_member")))
            in.member_category = "mobile";
        int64_t id;
        struct person_error e;
        char masked[19];
        int rc = people_insert(db, k, &in, &id, &e, masked);
        if (rc == ERR_CONFLICT) { /* the same ID drawn twice: draw again */
            i--;
            continue;
        }
        if (rc != 0) {
            fprintf(stderr, "demo: person %s: %s\n", name,
                    e.why ? e.why : db_errmsg(db));
            return rc;
        }
        (*made)++;
    }
    return 0;
}

/* Each township school's licence to run (办学许可) and, for every other
 * one, an honour: records of a declared kind, through its own writes. */
static int
demo_honours(struct db *db, uint64_t *s)
{
    static const char *const honours[] = {"市级示范党校", "先进基层党校",
                                          "党员教育培训工作先进单位"};
    json_t *towns = json_array();
    int64_t n;
    int rc = org_townships(db, 1, 500, towns, &n);
    struct audit_who who = {0, "demo", "", "", "cli"};
    size_t i;
    json_t *t;
    json_array_foreach(towns, i, t)
    {
        if (rc != 0)
            break;
        const char *code = json_string_value(json_object_get(t, "code"));
        char number[40], day[11];
        int year = 2019 + (int)(demo_rnd(s) % 5);
        str_fmt(number, sizeof(number), "成党校字〔%d〕%02d号", year,
                (int)i + 1);
        str_fmt(day, sizeof(day), "%d-%02d-%02d", year,
                1 + (int)(demo_rnd(s) % 12), 1 + (int)(demo_rnd(s) % 28));
        struct kval v[KIND_MAX_FIELDS] = {
            {KV_TEXT, code},        {KV_TEXT, "licence"},
            {KV_TEXT, "办学许可"},  {KV_TEXT, "中共成武县委组织部"},
            {KV_TEXT, day},         {KV_TEXT, number},
        };
        struct kerrors e;
        int64_t id;
        rc = kind_create(db, &kind_honour, v, true, &who, &id, &e);
        if (rc == 0 && i % 2 == 0) {
            str_fmt(day, sizeof(day), "%d-%02d-%02d",
                    2021 + (int)(demo_rnd(s) % 5), 1 + (int)(demo_rnd(s) % 12),
                    1 + (int)(demo_rnd(s) % 28));
            struct kval h[KIND_MAX_FIELDS] = {
                {KV_TEXT, code},
                {KV_TEXT, "honour"},
                {KV_TEXT, honours[demo_rnd(s) % NELEM(honours)]},
                {KV_TEXT, "中共菏泽市委组织部"},
                {KV_TEXT, day},
                {KV_ABSENT, NULL},
            };
            rc = kind_create(db, &kind_honour, h, true, &who, &id, &e);
        }
    }
    json_decref(towns);
    return rc;
}

int
demo_build(struct db *db, const struct keyring *k, enum demo_scale scale,
           uint64_t seed, FILE *out)
{
    struct demo_village villages[470];
    int64_t people = 0;
    struct audit_who who = {0, "demo", "", "", "cli"};
    uint64_t s = seed ? seed : 1;
    s = s * 0x9E3779B97F4A7C15ULL + 1;
    int64_t made = 0;
    int64_t existing;
    if (db_int1(db, Q_VILLAGE_COUNT, &existing, "ss", (const char *)NULL,
                (const char *)NULL) != 0)
        return ERR_DB;
    if (existing > 0)
        return ERR_CONFLICT;
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = make_villages(db, scale, &s, &made, villages);
    /* About 30,000 people in the county (SPEC.md §6), 10 a village in the
     * small one. */
    for (int64_t v = 0; rc == 0 && v < made; v++) {
        int n = scale == DEMO_COUNTY ? 40 + (int)(demo_rnd(&s) % 49) : 10;
        rc = make_people(db, k, &villages[v], n, &s, &people);
    }
    struct demo_counts counts = {0};
    if (rc == 0)
        rc = demo_teaching(db, &s, &counts);
    if (rc == 0)
        rc = demo_classes(db, k, &s, scale == DEMO_COUNTY, now_unix(),
                          &counts);
    if (rc == 0)
        rc = demo_surveys(db, k, &s, now_unix(), &counts);
    if (rc == 0) {
        char detail[160];
        str_fmt(detail, sizeof(detail),
                "{\"scale\":\"%s\",\"seed\":%llu,\"villages\":%lld,"
                "\"people\":%lld}",
                scale == DEMO_COUNTY ? "county" : "small",
                (unsigned long long)seed, (long long)made, (long long)people);
        rc = audit_append(db, &who, "demo_load", "villages", true, detail);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return rc;
    }
    /* What the schools did with the orders: through the domain's own
     * calls, each its own transaction, as an admin would. */
    if ((rc = demo_orders(db, &s, now_unix(), &counts)) != 0)
        return rc;
    if ((rc = demo_honours(db, &s)) != 0)
        return rc;
    if ((rc = db_analyze(db)) != 0)
        return rc;
    /* The trainee is a Party member of 文亭街道 on the roster, so that it
     * can check in, rate and see its hours. */
    int64_t member = 0;
    if (db_int1(db, Q_DEMO_MEMBER, &member, "s", "371723001") != 0)
        member = 0;
    for (size_t i = 0; i < NELEM(demo_users); i++) {
        const struct demo_user *u = &demo_users[i];
        int64_t id;
        struct user_error e = {0};
        int64_t person = strcmp(u->role, "trainee") == 0 ? member : 0;
        /* USER_BY_DEMO: the printed demo password, past the policy. */
        struct user_new un = {u->username, DEMO_PASSWORD, u->role,
                              u->township, person, USER_BY_DEMO};
        rc = auth_user_create(db, &un, &who, &id, &e);
        if (rc != 0) {
            fprintf(stderr, "demo: user %s: %s\n", u->username,
                    e.why ? e.why : db_errmsg(db));
            return rc;
        }
        /* The teacher logs in as the busiest teacher of the pool, to see
         * its own rating aggregates. */
        int64_t teacher;
        struct field_error fe;
        if (strcmp(u->role, "teacher") == 0 &&
            db_int1(db, Q_DEMO_BUSY_TEACHER, &teacher, "") == 0 &&
            (rc = teacher_link_user(db, teacher, id, &who, &fe)) != 0)
            return rc;
    }
    fprintf(out,
            "Demo county (演示数据): 13 townships, %lld villages, %lld "
            "people, %lld schools, %lld teachers, %lld courses, %lld "
            "sessions, %lld enrolments, %lld attendances, %lld ratings, "
            "%lld course orders (%lld turned into themed classes, %lld "
            "declined), %lld questionnaire answers.\n",
            (long long)made, (long long)people, (long long)counts.schools,
            (long long)counts.teachers, (long long)counts.courses,
            (long long)counts.sessions, (long long)counts.enrollments,
            (long long)counts.attendance, (long long)counts.evaluations,
            (long long)counts.orders, (long long)counts.converted,
            (long long)counts.declined, (long long)counts.survey_responses);
    fprintf(out, "Demo log-ins (演示账号), password %s:\n", DEMO_PASSWORD);
    for (size_t i = 0; i < NELEM(demo_users); i++)
        fprintf(out, "  %-14s %-13s %s\n", demo_users[i].username,
                demo_users[i].role,
                demo_users[i].township ? demo_users[i].township : "");
    return 0;
}
