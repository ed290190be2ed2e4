/*
 * report.h - the county report (SPEC.md §4.3): one JSON object with every
 * key of the contract, each figure counted from records for a date range
 * and optionally one township. A figure whose capability does not exist
 * yet is null, never 0.
 *
 * Every figure with records behind it is counted by the same function
 * (and so the same query) as the list its link opens: the schools and
 * 11+N (school_list), function rooms (room_list), teachers
 * (teacher_list), courses (course_list), themed classes (program_list),
 * sessions, person-times and persons (the session list's WHERE), the
 * evaluations (the teacher ranking below), orders (order_table), covered
 * villages (report_villages) and study hours (hours_behind's rules).
 */
#pragma once

#include "../db/db.h"

#include <jansson.h>
#include <stdint.h>

/* [from, to) in unix seconds; township NULL for the county; pool_min is
 * the "11" of 11+N. 0 with *out, or ERR_DB. */
int report_county(struct db *db, const char *township, int64_t from,
                  int64_t to, int64_t pool_min, json_t **out);

/* What the teacher ranking and the covered villages count: sessions of a
 * township (NULL: the county) starting in [from, to), of courses of a
 * module (NULL: any; the ranking only). */
struct report_filter {
    const char *township, *module;
    int64_t from, to;
};

/* The teacher ranking (教师评价排名) over the evaluations f selects, by
 * the shrunk mean toward their overall mean (rules_shrunk_mean, the
 * weight and the minimum count from the rating rule of the year the
 * range ends in). Teachers with fewer ratings than that minimum are
 * listed after every ranked one, without a rank and flagged too_few, so
 * luck with a few ratings never puts one above a teacher with many.
 * items get {rank, teacher_id, name, level, township_code, evaluations,
 * mean, ranked_mean, excellent, excellence_rate (null when too few),
 * too_few}; *summary {evaluations, evaluators, excellent,
 * excellence_rate, excellence_too_few, mean, without_teacher,
 * min_ratings}, the evaluations the report's figures count. 0 or ERR_DB. */
int report_ranking(struct db *db, const struct report_filter *f,
                   json_t *items, json_t **summary);

/* The villages covered by the 村两委 training (覆盖村): those of the
 * township whose people attended its village_cadre sessions in the
 * range; f->module is ignored. 0 or ERR_DB. */
int report_villages(struct db *db, const struct report_filter *f,
                    int64_t page, int64_t per_page, json_t *items,
                    int64_t *total);

/* The report's keys and their labels, each once: a key (under parent, or
 * at the top when parent is NULL) and what it is called in zh-CN and en.
 * The spreadsheet's rows and the report page's figures are named from
 * here. key NULL ends the table. */
struct report_key {
    const char *parent, *key, *label, *label_en;
};
extern const struct report_key report_keys[];
/* The label of key under parent (NULL: at the top): the row of both, else
 * the key's own at the top, else a program type's name, else the key. */
const char *report_key_label(const char *parent, const char *key, bool en);

