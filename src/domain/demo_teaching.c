/*
 * demo_teaching.c - the demo county's schools, rooms, teacher pool and
 * catalog (SPEC.md §2.2-4, §6): 13 schools with a classroom each and 12
 * function rooms among them, a county pool in which 11 schools reach the
 * "11" of 11+N and 2 fall short, a few township and invited teachers per
 * township, and 146 published courses over the 6 modules.
 */
#include "demo_int.h"

#include "../core/err.h"
#include "../core/util.h"

#include <string.h>

static const char *const module_codes[6] = {
    "politics", "policy_law", "theory", "rural_revitalization",
    "professional", "health"};

/* Ten topics per module; the catalog gives each a lecture, then a case
 * seminar, then an online version, until there are 146 courses. */
static const char *const topics[6][10] = {
    {"学习贯彻习近平新时代中国特色社会主义思想", "党的二十大精神解读",
     "党章党规党纪学习", "新时代共产党员的初心使命", "党史学习教育专题",
     "中国式现代化的理论与实践", "全面从严治党永远在路上",
     "培育和践行社会主义核心价值观", "传承红色基因", "党的创新理论学习方法"},
    {"宪法与党员的权利义务", "民法典与农村生活", "农村土地承包政策解读",
     "乡村治理与村民自治", "信访工作条例解读", "安全生产法律法规",
     "农村集体经济组织法", "基层党组织选举工作条例", "防范电信网络诈骗",
     "禁毒与平安乡村建设"},
    {"马克思主义基本原理", "毛泽东思想概论", "中国特色社会主义理论体系",
     "共产党员的党性修养", "群众路线与群众工作方法", "理想信念教育",
     "唯物辩证法与基层工作方法", "中华优秀传统文化", "爱国主义教育",
     "廉洁文化建设"},
    {"特色产业发展路径", "农村电商与直播带货", "农民专业合作社规范化运营",
     "农村人居环境整治", "美丽乡村建设", "村级集体经济增收",
     "乡村旅游开发", "农产品品牌建设", "庭院经济与特色种养",
     "人才回引与返乡创业"},
    {"党支部工作规范", "三会一课实务", "发展党员工作流程",
     "党费收缴使用和管理", "党建台账规范化", "公文写作基础",
     "村级财务管理", "应急管理与防汛抗旱", "网格化服务管理",
     "智慧党建平台应用"},
    {"常见慢性病防治", "老年人健康管理", "心肺复苏与现场急救",
     "合理用药常识", "心理健康与压力调适", "农村妇幼保健",
     "传染病预防", "健康饮食与营养", "中医养生保健", "医保政策解读"},
};

static const char *const given_chars[] = {
    "建", "国", "明", "华", "志", "强", "文", "军", "伟", "红", "丽",
    "敏", "静", "磊", "洋", "勇", "涛", "斌", "芳", "玲", "海", "峰",
    "晓", "春", "秀", "兰", "德", "宏", "立", "新", "学", "思"};
static const char *const county_titles[] = {
    "县委党校讲师", "县委党校副教授", "县直部门业务骨干", "乡村振兴专家",
    "县人民医院医师", "优秀村党组织书记", "离退休老干部", "县委宣讲团成员"};
static const char *const township_titles[] = {
    "镇党委组织委员", "镇党校专职教师", "农技站站长", "致富带头人",
    "镇卫生院医师"};
static const char *const function_rooms[4][2] = {
    {"fitness", "健身房"},
    {"calligraphy", "书画室"},
    {"chess", "棋牌室"},
    {"reading", "阅览室"},
};

#define COUNTY_TEACHERS 42

static void
person_name(uint64_t *s, char out[32])
{
    const char *sur = demo_surnames[demo_rnd(s) % demo_nsurnames];
    const char *g1 = given_chars[demo_rnd(s) % NELEM(given_chars)];
    if (demo_rnd(s) % 3 == 0)
        str_fmt(out, 32, "%s%s", sur, g1);
    else
        str_fmt(out, 32, "%s%s%s", sur, g1,
                given_chars[demo_rnd(s) % NELEM(given_chars)]);
}

static int
add_teacher(struct db *db, uint64_t *s, const char *level,
            const char *township, const char *title, int module,
            int64_t *id)
{
    char name[32];
    person_name(s, name);
    int rc = db_int1(db, Q_TEACHER_INSERT, id, "ssssii", name, level,
                     township, title, (int64_t)1, now_unix());
    if (rc == 0 && db_exec(db, Q_TEACHER_MODULE_ADD, "is", *id,
                           module_codes[module]) < 0)
        rc = ERR_DB;
    return rc;
}

int
demo_teaching(struct db *db, uint64_t *s, struct demo_counts *n)
{
    int64_t schools[13], county[COUNTY_TEACHERS];
    int rc = 0;
    for (int t = 0; rc == 0 && t < 13; t++) {
        char code[16], tname[64] = "", name[96], addr[128];
        str_fmt(code, sizeof(code), "3717230%02d", t + 1);
        struct db_res *r = db_query(db, Q_TOWNSHIP_GET, "s", code);
        if (r && db_next(r) > 0)
            str_copy(tname, sizeof(tname), db_text(r, 0));
        if (r)
            db_end(r);
        str_fmt(name, sizeof(name), "%s党校", tname);
        str_fmt(addr, sizeof(addr), "%s%s", tname,
                t < 2 ? "办事处院内" : "人民政府院内");
        rc = db_int1(db, Q_SCHOOL_INSERT, &schools[t], "sssii", code, name,
                     addr, (int64_t)1, now_unix());
        int64_t room;
        if (rc == 0)
            rc = db_int1(db, Q_ROOM_INSERT, &room, "issnii", schools[t],
                         "多功能教室", "classroom", (const int64_t *)NULL,
                         (int64_t)1, now_unix());
        /* 12 function rooms: the four kinds in three schools. */
        for (int k = 0; rc == 0 && t % 4 == 0 && t < 12 && k < 4; k++)
            rc = db_int1(db, Q_ROOM_INSERT, &room, "issnii", schools[t],
                         function_rooms[k][1], function_rooms[k][0],
                         (const int64_t *)NULL, (int64_t)1, now_unix());
        n->schools++;
    }
    for (int i = 0; rc == 0 && i < COUNTY_TEACHERS; i++) {
        rc = add_teacher(db, s, "county", NULL,
                         county_titles[demo_rnd(s) % NELEM(county_titles)],
                         i % 6, &county[i]);
        n->teachers++;
    }
    /* Each school's county teachers: 11 to 14, but 8 and 9 for the last
     * two, which the pool view then flags. */
    for (int t = 0; rc == 0 && t < 13; t++) {
        int want = t == 11 ? 8 : t == 12 ? 9 : 11 + (int)(demo_rnd(s) % 4);
        int start = (int)(demo_rnd(s) % COUNTY_TEACHERS);
        for (int k = 0; rc == 0 && k < want; k++)
            if (db_exec(db, Q_TEACHER_SCHOOL_ADD, "ii",
                        county[(start + k * 5) % COUNTY_TEACHERS],
                        schools[t]) < 0)
                rc = ERR_DB;
        /* The "N": the township's own teachers. */
        int own = 2 + (int)(demo_rnd(s) % 4);
        char code[16];
        str_fmt(code, sizeof(code), "3717230%02d", t + 1);
        for (int k = 0; rc == 0 && k < own; k++) {
            int64_t id;
            rc = add_teacher(
                db, s, "township", code,
                township_titles[demo_rnd(s) % NELEM(township_titles)],
                (int)(demo_rnd(s) % 6), &id);
            if (rc == 0 &&
                db_exec(db, Q_TEACHER_SCHOOL_ADD, "ii", id, schools[t]) < 0)
                rc = ERR_DB;
            n->teachers++;
        }
    }
    for (int i = 0; rc == 0 && i < 146; i++) {
        int m = (i / 10) % 6, topic = i % 10, variant = i / 60;
        static const char *const formats[3] = {"lecture", "seminar",
                                               "online"};
        static const char *const suffix[3] = {"", "（案例研讨）",
                                              "（线上课）"};
        static const int64_t halves[3] = {6, 4, 2};
        char title[160];
        str_fmt(title, sizeof(title), "%s%s", topics[m][topic],
                suffix[variant]);
        int64_t id;
        rc = db_int1(db, Q_COURSE_INSERT, &id, "ssissiii", title,
                     module_codes[m], halves[variant], formats[variant], "",
                     (int64_t)1, (int64_t)1, now_unix());
        /* A teacher of the module, and for lectures sometimes a second. */
        int first = m + 6 * (int)(demo_rnd(s) % (COUNTY_TEACHERS / 6));
        if (rc == 0 && db_exec(db, Q_COURSE_TEACHER_ADD, "ii", id,
                               county[first]) < 0)
            rc = ERR_DB;
        int second = (first + 6) % COUNTY_TEACHERS;
        if (rc == 0 && variant == 0 && demo_rnd(s) % 3 == 0 &&
            db_exec(db, Q_COURSE_TEACHER_ADD, "ii", id, county[second]) < 0)
            rc = ERR_DB;
        n->courses++;
    }
    return rc;
}
