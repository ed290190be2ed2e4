/*
 * migrate.c - the schema, as numbered migrations that run in order, each in
 * its own transaction, recorded in schema_migrations. `init` runs them and
 * so does `serve` at start. Never edit a migration that has shipped: add
 * the next one.
 *
 * A migration is skipped when its own number is recorded, not when a
 * higher one is: work on branches takes numbers ahead of time, and a
 * migration 9 merged after a database already took 10 must still run
 * there (it is logged as out of order). So numbers may have gaps, and
 * two migrations merged out of order must not depend on each other.
 *
 * Schema text is shared between the backends; "{ID}" stands for the
 * backend's auto-numbered primary key. Where the dialects differ too much
 * (triggers), a migration carries a text per backend.
 */
#include "db_int.h"

#include "../core/err.h"
#include "../core/log.h"
#include "../core/strbuf.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

struct migration {
    int version;
    const char *name;
    const char *sql;     /* both backends, after {ID} expansion */
    const char *sqlite;  /* extra, SQLite only */
    const char *pg;      /* extra, PostgreSQL only */
};

/* Migration 19's trigger bodies, the same SQL in SQLite's triggers and
 * PostgreSQL's function: evaluation R ("new" or "old") added to its
 * teacher's row (0: none) and its course's, or taken from them. */
#define RATING_EXCELLENT(R)                                                   \
    "CASE WHEN " R ".grade = 'excellent' THEN 1 ELSE 0 END"
#define RATING_ADD(R)                                                         \
    " INSERT INTO rating_totals(subject, id, n, total, excellent)"           \
    "  SELECT x.subject, x.id, 1, " R ".total_hundredths, "                   \
    RATING_EXCELLENT(R) " FROM (SELECT 'teacher' AS subject,"                \
    "  COALESCE(" R ".teacher_id, 0) AS id"                                   \
    "  UNION ALL SELECT 'course', " R ".course_id) x WHERE x.id IS NOT NULL"  \
    "  ON CONFLICT (subject, id) DO UPDATE SET n = rating_totals.n + 1,"      \
    "  total = rating_totals.total + excluded.total,"                         \
    "  excellent = rating_totals.excellent + excluded.excellent;"
#define RATING_TAKE(R)                                                        \
    " UPDATE rating_totals SET n = n - 1,"                                    \
    "  total = total - " R ".total_hundredths,"                               \
    "  excellent = excellent - " RATING_EXCELLENT(R)                          \
    "  WHERE (subject = 'teacher' AND id = COALESCE(" R ".teacher_id, 0))"    \
    "  OR (subject = 'course' AND id = " R ".course_id);"

/* Migration 20's trigger bodies, the same SQL in SQLite's triggers and
 * PostgreSQL's function: row R ("new" or "old") added to its person's
 * year and class, or taken from them. */
#define HOURS_CLASSES(R)                                                      \
    " UPDATE person_hours SET classes = (SELECT COUNT(*) FROM person_classes" \
    "  c WHERE c.person_id = " R ".person_id AND c.year = " R ".year)"        \
    "  WHERE person_id = " R ".person_id AND year = " R ".year;"
#define HOURS_ADD(R)                                                          \
    " INSERT INTO person_hours(person_id, year, n, minutes, classes)"         \
    "  VALUES (" R ".person_id, " R ".year, 1, " R ".minutes, 0)"             \
    "  ON CONFLICT (person_id, year) DO UPDATE SET n = person_hours.n + 1,"   \
    "  minutes = person_hours.minutes + excluded.minutes;"                    \
    " INSERT INTO person_classes(person_id, year, program_id, n)"             \
    "  SELECT " R ".person_id, " R ".year, " R ".program_id, 1"               \
    "  WHERE " R ".concentrated = 1"                                          \
    "  ON CONFLICT (person_id, year, program_id)"                             \
    "  DO UPDATE SET n = person_classes.n + 1;"                               \
    HOURS_CLASSES(R)
#define HOURS_TAKE(R)                                                         \
    " UPDATE person_classes SET n = n - 1 WHERE " R ".concentrated = 1"       \
    "  AND person_id = " R ".person_id AND year = " R ".year"                 \
    "  AND program_id = " R ".program_id;"                                    \
    " DELETE FROM person_classes WHERE person_id = " R ".person_id"           \
    "  AND year = " R ".year AND n = 0;"                                      \
    " UPDATE person_hours SET n = n - 1, minutes = minutes - " R ".minutes"   \
    "  WHERE person_id = " R ".person_id AND year = " R ".year;"              \
    " DELETE FROM person_hours WHERE person_id = " R ".person_id"             \
    "  AND year = " R ".year AND n = 0;"                                      \
    HOURS_CLASSES(R)

static const struct migration migrations[] = {
    {1, "accounts, organisation skeleton, audit log",
     "CREATE TABLE townships ("
     "  code TEXT PRIMARY KEY,"          /* 9-digit 乡级 code */
     "  name TEXT NOT NULL,"
     "  kind TEXT NOT NULL,"             /* subdistrict (街道) or town (镇) */
     "  seq INTEGER NOT NULL,"           /* display order */
     "  valid_from TEXT NOT NULL,"
     "  valid_to TEXT,"                  /* NULL while current */
     "  code_is_placeholder INTEGER NOT NULL DEFAULT 1);"
     "CREATE TABLE villages ("
     "  id {ID},"
     "  code TEXT UNIQUE,"               /* 12-digit 村级 code, optional */
     "  name TEXT NOT NULL,"
     "  township_code TEXT NOT NULL REFERENCES townships(code),"
     "  valid_from TEXT NOT NULL,"
     "  valid_to TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX villages_township ON villages(township_code, id);"
     "CREATE TABLE users ("
     "  id {ID},"
     "  username TEXT NOT NULL UNIQUE,"
     "  password_hash TEXT NOT NULL,"    /* argon2id, libsodium format */
     "  role TEXT NOT NULL,"
     "  township_code TEXT REFERENCES townships(code),"
     "  person_id BIGINT,"
     "  must_change_password INTEGER NOT NULL DEFAULT 0,"
     "  password_changed_at BIGINT NOT NULL,"
     "  failed_count INTEGER NOT NULL DEFAULT 0,"
     "  locked_until BIGINT NOT NULL DEFAULT 0,"
     "  disabled INTEGER NOT NULL DEFAULT 0,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE TABLE password_history ("
     "  id {ID},"
     "  user_id BIGINT NOT NULL REFERENCES users(id),"
     "  password_hash TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX password_history_user ON password_history(user_id, id);"
     "CREATE TABLE sessions ("
     "  id {ID},"
     "  token_hash TEXT NOT NULL UNIQUE," /* BLAKE2b of the cookie value */
     "  user_id BIGINT NOT NULL REFERENCES users(id),"
     "  csrf TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  last_seen_at BIGINT NOT NULL,"
     "  ip TEXT);"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE api_tokens ("
     "  id {ID},"
     "  token_hash TEXT NOT NULL UNIQUE,"
     "  user_id BIGINT NOT NULL REFERENCES users(id),"
     "  name TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  revoked INTEGER NOT NULL DEFAULT 0);"
     "CREATE TABLE audit_log ("
     "  id {ID},"                        /* consecutive: 1, 2, 3 ... */
     "  at BIGINT NOT NULL,"
     "  user_id BIGINT,"
     "  username TEXT NOT NULL,"
     "  role TEXT NOT NULL,"
     "  event TEXT NOT NULL,"
     "  object TEXT NOT NULL,"
     "  success INTEGER NOT NULL,"
     "  ip TEXT NOT NULL,"
     "  client TEXT NOT NULL,"
     "  detail TEXT NOT NULL,"
     "  prev_hash TEXT NOT NULL,"
     "  hash TEXT NOT NULL);"
     "CREATE INDEX audit_event ON audit_log(event, id);"
     "CREATE INDEX audit_username ON audit_log(username, id);"
     "CREATE INDEX audit_at ON audit_log(at);"
     /* The 13 townships of 成武县 (371723). The official 9-digit codes were
      * not at hand: these are placeholders in the list's order, flagged as
      * such, for the county to replace (DOMAIN.md §3.3). */
     "INSERT INTO townships(code, name, kind, seq, valid_from) VALUES"
     " ('371723001', '文亭街道', 'subdistrict', 1, '2000-01-01'),"
     " ('371723002', '永昌街道', 'subdistrict', 2, '2000-01-01'),"
     " ('371723003', '大田集镇', 'town', 3, '2000-01-01'),"
     " ('371723004', '天宫庙镇', 'town', 4, '2000-01-01'),"
     " ('371723005', '汶上集镇', 'town', 5, '2000-01-01'),"
     " ('371723006', '南鲁集镇', 'town', 6, '2000-01-01'),"
     " ('371723007', '伯乐集镇', 'town', 7, '2000-01-01'),"
     " ('371723008', '苟村集镇', 'town', 8, '2000-01-01'),"
     " ('371723009', '白浮图镇', 'town', 9, '2000-01-01'),"
     " ('371723010', '孙寺镇', 'town', 10, '2000-01-01'),"
     " ('371723011', '九女集镇', 'town', 11, '2000-01-01'),"
     " ('371723012', '党集镇', 'town', 12, '2000-01-01'),"
     " ('371723013', '张楼镇', 'town', 13, '2000-01-01');",
     /* The audit log is append-only, and a row younger than 180 days can
      * never be deleted, whoever asks (GB/T 22239; 网络安全法 Art. 21). */
     "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN"
     "  SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
     "CREATE TRIGGER audit_keep BEFORE DELETE ON audit_log"
     "  WHEN old.at > CAST(strftime('%s', 'now') AS INTEGER) - 180 * 86400"
     "  BEGIN SELECT RAISE(ABORT, 'audit rows are kept 180 days'); END;",
     "CREATE FUNCTION audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP = 'UPDATE' THEN"
     "   RAISE EXCEPTION 'audit_log is append-only';"
     "  END IF;"
     "  IF OLD.at > extract(epoch FROM now()) - 180 * 86400 THEN"
     "   RAISE EXCEPTION 'audit rows are kept 180 days';"
     "  END IF;"
     "  RETURN OLD;"
     " END $$;"
     "CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON audit_log"
     "  FOR EACH ROW EXECUTE FUNCTION audit_guard();"},
    {2, "Party organisations and people (the roster)",
     /* Organisation types and member categories are configurable lists
      * with sensible defaults (SPEC.md §2.14: 7 and 5). */
     "CREATE TABLE org_types ("
     "  code TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL,"
     "  active INTEGER NOT NULL DEFAULT 1);"
     "INSERT INTO org_types(code, name, seq) VALUES"
     " ('rural', '农村党组织', 1),"
     " ('community', '社区党组织', 2),"
     " ('government', '机关党组织', 3),"
     " ('public_institution', '事业单位党组织', 4),"
     " ('state_enterprise', '国有企业党组织', 5),"
     " ('private_enterprise', '非公有制企业党组织', 6),"
     " ('social_org', '社会组织党组织', 7);"
     "CREATE TABLE member_categories ("
     "  code TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL,"
     "  active INTEGER NOT NULL DEFAULT 1);"
     "INSERT INTO member_categories(code, name, seq) VALUES"
     " ('rural', '农村党员', 1),"
     " ('community', '社区党员', 2),"
     " ('government', '机关事业单位党员', 3),"
     " ('enterprise', '企业党员', 4),"
     " ('mobile', '流动党员', 5);"
     "CREATE TABLE orgs ("
     "  id {ID},"
     "  name TEXT NOT NULL,"
     "  type TEXT NOT NULL REFERENCES org_types(code),"
     "  township_code TEXT NOT NULL REFERENCES townships(code),"
     "  village_code TEXT REFERENCES villages(code),"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX orgs_township ON orgs(township_code, id);"
     /* C2 identifiers (DOMAIN.md §2.2) are stored only sealed (*_enc, with
      * the key id inside), as a keyed hash for exact match and dedupe,
      * and as their last 4 characters for suffix search. */
     "CREATE TABLE people ("
     "  id {ID},"
     "  name TEXT NOT NULL,"
     "  gender TEXT NOT NULL,"             /* M or F, from the ID number */
     "  birth_date TEXT NOT NULL,"         /* from the ID number */
     "  id_number_enc TEXT NOT NULL,"
     "  id_number_hash TEXT NOT NULL UNIQUE,"
     "  id_number_last4 TEXT NOT NULL,"
     "  id_number_masked TEXT NOT NULL,"     /* 371***********123X */
     "  phone_enc TEXT, phone_hash TEXT, phone_last4 TEXT,"
     "  phone_masked TEXT,"                  /* 138****5678 */
     "  political_status TEXT NOT NULL,"
     "  member_category TEXT REFERENCES member_categories(code),"
     "  township_code TEXT NOT NULL REFERENCES townships(code),"
     "  village_code TEXT REFERENCES villages(code),"
     "  org_id BIGINT REFERENCES orgs(id),"
     "  flags TEXT NOT NULL DEFAULT ',',"   /* ',flag,flag,' */
     "  name_pinyin TEXT NOT NULL,"
     "  name_initials TEXT NOT NULL,"
     "  sort_pinyin TEXT NOT NULL,"
     "  sort_strokes TEXT NOT NULL,"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     /* Lists show the living: partial indexes hold only them, so a count
      * or a page never reads a voided row. */
     "CREATE INDEX people_t_pinyin ON people(township_code, sort_pinyin, id)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_t_strokes ON people(township_code, sort_strokes, id)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_pinyin ON people(sort_pinyin, id)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_strokes ON people(sort_strokes, id)"
     " WHERE voided_at IS NULL;"
     /* Search: pinyin and initials by prefix range, ID and phone by
      * their last 4, within a township or across the county. */
     "CREATE INDEX people_t_name_pinyin ON people(township_code, name_pinyin)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_t_initials ON people(township_code, name_initials)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_name_pinyin ON people(name_pinyin)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_initials ON people(name_initials)"
     " WHERE voided_at IS NULL;"
     "CREATE INDEX people_id_last4 ON people(id_number_last4, township_code);"
     "CREATE INDEX people_phone_last4 ON people(phone_last4, township_code);"
     "CREATE TABLE person_history ("
     "  id {ID},"
     "  person_id BIGINT NOT NULL REFERENCES people(id),"
     "  at BIGINT NOT NULL,"
     "  user_id BIGINT,"
     "  username TEXT NOT NULL,"
     "  changes TEXT NOT NULL);"              /* JSON, C2 values masked */
     "CREATE INDEX person_history_person ON person_history(person_id, id);",
     NULL,
     /* Sort keys are bytes in hex: compare them as bytes whatever the
      * database's locale, so the indexes serve ORDER BY. */
     "ALTER TABLE people ALTER COLUMN sort_pinyin TYPE TEXT COLLATE \"C\","
     " ALTER COLUMN sort_strokes TYPE TEXT COLLATE \"C\","
     " ALTER COLUMN name_pinyin TYPE TEXT COLLATE \"C\","
     " ALTER COLUMN name_initials TYPE TEXT COLLATE \"C\";"},
    {3, "villages can be voided with a reason",
     "ALTER TABLE villages ADD COLUMN void_reason TEXT;", NULL, NULL},
    {4, "schools, rooms, teachers and the course catalog",
     /* One school (阵地) per township; its rooms by kind; the yearly
      * "四有" standardisation check. */
     "CREATE TABLE schools ("
     "  id {ID},"
     "  township_code TEXT NOT NULL UNIQUE REFERENCES townships(code),"
     "  name TEXT NOT NULL,"
     "  address TEXT NOT NULL DEFAULT '',"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE TABLE room_kinds ("
     "  code TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL,"
     "  active INTEGER NOT NULL DEFAULT 1);"
     "INSERT INTO room_kinds(code, name, seq) VALUES"
     " ('classroom', '教室', 1),"
     " ('activity', '党员活动室', 2),"
     " ('reading', '阅览室', 3),"
     " ('fitness', '健身房', 4),"
     " ('calligraphy', '书画室', 5),"
     " ('chess', '棋牌室', 6),"
     " ('multimedia', '多媒体教室', 7);"
     "CREATE TABLE rooms ("
     "  id {ID},"
     "  school_id BIGINT NOT NULL REFERENCES schools(id),"
     "  name TEXT NOT NULL,"
     "  kind TEXT NOT NULL REFERENCES room_kinds(code),"
     "  capacity INTEGER,"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX rooms_school ON rooms(school_id, id);"
     "CREATE TABLE school_checks ("
     "  id {ID},"
     "  school_id BIGINT NOT NULL REFERENCES schools(id),"
     "  year INTEGER NOT NULL,"
     "  fixed_site INTEGER NOT NULL,"    /* 有固定场所 */
     "  teachers INTEGER NOT NULL,"      /* 有师资队伍 */
     "  equipment INTEGER NOT NULL,"     /* 有电教设备 */
     "  books INTEGER NOT NULL,"         /* 有党建书籍 */
     "  note TEXT NOT NULL DEFAULT '',"
     "  checked_by BIGINT, checked_by_name TEXT NOT NULL,"
     "  checked_at BIGINT NOT NULL,"
     "  UNIQUE (school_id, year));"
     /* The 6 course modules (SPEC.md §2.4). */
     "CREATE TABLE modules ("
     "  code TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL);"
     "INSERT INTO modules(code, name, seq) VALUES"
     " ('politics', '政治理论', 1),"
     " ('policy_law', '政策法规', 2),"
     " ('theory', '理论教育', 3),"
     " ('rural_revitalization', '乡村振兴', 4),"
     " ('professional', '业务知识', 5),"
     " ('health', '医疗健康', 6);"
     /* The teacher pool "11+N": county teachers serve many schools,
      * township teachers their own; invited ones come for a course. */
     "CREATE TABLE teachers ("
     "  id {ID},"
     "  name TEXT NOT NULL,"
     "  level TEXT NOT NULL,"            /* county, township, invited */
     "  township_code TEXT REFERENCES townships(code),"
     "  title TEXT NOT NULL DEFAULT '',"  /* e.g. 县委党校讲师 */
     "  user_id BIGINT REFERENCES users(id),"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE TABLE teacher_modules ("
     "  teacher_id BIGINT NOT NULL REFERENCES teachers(id),"
     "  module_code TEXT NOT NULL REFERENCES modules(code),"
     "  PRIMARY KEY (teacher_id, module_code));"
     "CREATE TABLE teacher_schools ("
     "  teacher_id BIGINT NOT NULL REFERENCES teachers(id),"
     "  school_id BIGINT NOT NULL REFERENCES schools(id),"
     "  PRIMARY KEY (teacher_id, school_id));"
     "CREATE INDEX teacher_schools_school ON teacher_schools(school_id,"
     " teacher_id);"
     /* The catalog: 学时 are kept in halves (1.5 学时 = 3), never as a
      * float. */
     "CREATE TABLE courses ("
     "  id {ID},"
     "  title TEXT NOT NULL,"
     "  module_code TEXT NOT NULL REFERENCES modules(code),"
     "  half_hours INTEGER NOT NULL,"
     "  format TEXT NOT NULL,"           /* lecture, seminar, onsite, online */
     "  description TEXT NOT NULL DEFAULT '',"
     "  published INTEGER NOT NULL DEFAULT 0,"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX courses_module ON courses(module_code, id);"
     "CREATE TABLE course_teachers ("
     "  course_id BIGINT NOT NULL REFERENCES courses(id),"
     "  teacher_id BIGINT NOT NULL REFERENCES teachers(id),"
     "  PRIMARY KEY (course_id, teacher_id));"
     "CREATE INDEX course_teachers_teacher ON course_teachers(teacher_id,"
     " course_id);",
     NULL, NULL},
    {5, "programs, sessions, enrollment, attendance and study hours",
     "CREATE TABLE program_types ("
     "  code TEXT PRIMARY KEY, name TEXT NOT NULL, seq INTEGER NOT NULL,"
     "  concentrated INTEGER NOT NULL DEFAULT 0);"  /* a 集中培训 class */
     "INSERT INTO program_types(code, name, seq, concentrated) VALUES"
     " ('weekly_lesson', '每周一课', 1, 0),"
     " ('weekend_lecture', '周末大讲堂', 2, 0),"
     " ('village_cadre', '今冬明春村两委培训', 3, 1),"
     " ('themed_class', '主题培训班', 4, 1),"
     " ('onsite', '现场教学', 5, 0),"
     " ('skills', '技能培训', 6, 0),"
     " ('skills_outreach', '送技到村到户', 7, 0),"
     " ('talent_return', '人才回引培训', 8, 1);"
     "CREATE TABLE programs ("
     "  id {ID},"
     "  type TEXT NOT NULL REFERENCES program_types(code),"
     "  school_id BIGINT NOT NULL REFERENCES schools(id),"
     "  title TEXT NOT NULL,"
     "  starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX programs_school ON programs(school_id, starts_on);"
     "CREATE TABLE class_sessions ("
     "  id {ID},"
     "  program_id BIGINT NOT NULL REFERENCES programs(id),"
     "  course_id BIGINT REFERENCES courses(id),"
     "  teacher_id BIGINT REFERENCES teachers(id),"
     "  starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,"
     "  room_id BIGINT REFERENCES rooms(id),"
     "  place TEXT NOT NULL DEFAULT '',"
     "  half_hours INTEGER NOT NULL,"     /* 学时 × 2 */
     "  capacity INTEGER NOT NULL,"
     "  voided_at BIGINT, void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX class_sessions_program"
     " ON class_sessions(program_id, starts_at);"
     "CREATE INDEX class_sessions_start ON class_sessions(starts_at);"
     "CREATE TABLE enrollments ("
     "  session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
     "  person_id BIGINT NOT NULL REFERENCES people(id),"
     "  status TEXT NOT NULL,"            /* enrolled, waiting */
     "  created_at BIGINT NOT NULL,"
     "  PRIMARY KEY (session_id, person_id));"
     "CREATE INDEX enrollments_person ON enrollments(person_id);"
     /* One row per person per session; the minutes credited and the rule
      * that counted them are kept, so figures can be recomputed. */
     "CREATE TABLE attendance ("
     "  id {ID},"
     "  session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
     "  person_id BIGINT NOT NULL REFERENCES people(id),"
     "  at BIGINT NOT NULL,"
     "  method TEXT NOT NULL,"            /* qr, roster */
     "  year INTEGER NOT NULL,"           /* of the session, China time */
     "  day TEXT NOT NULL,"               /* YYYY-MM-DD, China time */
     "  minutes INTEGER NOT NULL,"
     "  rule TEXT NOT NULL,"
     "  recorded_by BIGINT,"
     /* The session's context, copied when the row is written (a
      * session's program and time are fixed), so that yearly figures
      * read this table alone. */
     "  program_id BIGINT NOT NULL,"
     "  program_type TEXT NOT NULL,"
     "  concentrated INTEGER NOT NULL,"
     "  township_code TEXT NOT NULL,"
     "  starts_at BIGINT NOT NULL,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  UNIQUE (session_id, person_id));"
     "CREATE INDEX attendance_person ON attendance(person_id, year);"
     "CREATE INDEX attendance_year ON attendance(year, person_id, minutes,"
     " concentrated, program_id);"
     "CREATE INDEX attendance_starts ON attendance(starts_at, program_type,"
     " person_id);"
     /* Yearly targets as dated configuration (DOMAIN.md §1.1-1.2):
      * members 32 学时; branch secretaries and committee members 56 and at
      * least one concentrated class. */
     "CREATE TABLE hour_targets ("
     "  who TEXT NOT NULL,"               /* member, cadre */
     "  year_from INTEGER NOT NULL, year_to INTEGER,"
     "  hours INTEGER NOT NULL,"
     "  min_classes INTEGER NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (who, year_from));"
     "INSERT INTO hour_targets(who, year_from, hours, min_classes) VALUES"
     " ('member', 2019, 32, 0), ('cadre', 2019, 56, 1);"
     /* Ratings of teachers (SPEC.md §2.8): weighted criteria and grade
      * thresholds as dated configuration; the rater kept only as a keyed
      * hash of session and person, which refuses a second rating. */
     "CREATE TABLE rating_rules ("
     "  year_from INTEGER PRIMARY KEY,"
     "  w_content INTEGER NOT NULL, w_method INTEGER NOT NULL,"
     "  w_effect INTEGER NOT NULL, w_attitude INTEGER NOT NULL,"
     "  excellent INTEGER NOT NULL, good INTEGER NOT NULL,"
     "  pass INTEGER NOT NULL,"
     "  prior_weight INTEGER NOT NULL);"  /* m of the shrunk mean */
     "INSERT INTO rating_rules VALUES (2019, 30, 25, 25, 20, 90, 80, 60, 10);"
     "CREATE TABLE evaluations ("
     "  id {ID},"
     "  session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
     "  teacher_id BIGINT REFERENCES teachers(id),"
     "  course_id BIGINT REFERENCES courses(id),"
     "  rater_hash TEXT NOT NULL,"        /* H(session:person): once each */
     "  rater_person TEXT NOT NULL,"      /* H(person): counts raters */
     "  content INTEGER NOT NULL, method INTEGER NOT NULL,"
     "  effect INTEGER NOT NULL, attitude INTEGER NOT NULL,"
     "  total_tenths INTEGER NOT NULL,"   /* 0..1000 */
     "  grade TEXT NOT NULL,"             /* excellent, good, pass, fail */
     "  year INTEGER NOT NULL,"
     "  at BIGINT NOT NULL,"
     "  township_code TEXT NOT NULL,"     /* the session's, copied */
     "  starts_at BIGINT NOT NULL,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  UNIQUE (session_id, rater_hash));"
     "CREATE INDEX evaluations_teacher ON evaluations(teacher_id, year);"
     "CREATE INDEX evaluations_course ON evaluations(course_id, year);"
     "CREATE INDEX evaluations_year ON evaluations(year);"
     /* The report counts raters and grades per session range from the
      * index alone. */
     "CREATE INDEX evaluations_starts ON evaluations(starts_at,"
     " township_code, rater_person, grade);"
     /* Members by status and flags, for the study-hours denominator. */
     "CREATE INDEX people_members ON people(political_status, flags)"
     " WHERE voided_at IS NULL;",
     NULL, NULL},
    {6, "course orders (线上点单)",
     /* A trainee orders a catalog course; the school sees demand ranked
      * by course and turns it into a themed class, or declines an order
      * with a reason. One open order per person and course. */
     "CREATE TABLE orders ("
     "  id {ID},"
     "  course_id BIGINT NOT NULL REFERENCES courses(id),"
     "  person_id BIGINT NOT NULL REFERENCES people(id),"
     "  township_code TEXT NOT NULL REFERENCES townships(code),"
     "  note TEXT NOT NULL DEFAULT '',"
     "  status TEXT NOT NULL,"            /* open, accepted, declined */
     "  reason TEXT,"                     /* why declined */
     "  program_id BIGINT REFERENCES programs(id),"
     "  session_id BIGINT REFERENCES class_sessions(id),"
     "  created_at BIGINT NOT NULL,"
     "  decided_at BIGINT, decided_by BIGINT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0);"
     "CREATE UNIQUE INDEX orders_open ON orders(course_id, person_id)"
     " WHERE status = 'open';"
     "CREATE INDEX orders_township ON orders(township_code, status,"
     " course_id);"
     "CREATE INDEX orders_person ON orders(person_id, id);"
     "CREATE INDEX orders_created ON orders(created_at);",
     NULL, NULL},
    {7, "versions of derived columns",
     /* A derived column computed in C (a sort key) whose rule changed is
      * recomputed at start when its version here is behind the code's.
      * people.sort_strokes v2: stroke sequences instead of ICU's stroke
      * collation; a database with no people yet is current already. */
     "CREATE TABLE derived_versions ("
     "  name TEXT PRIMARY KEY, version INTEGER NOT NULL);"
     "INSERT INTO derived_versions(name, version) SELECT "
     " 'people.sort_strokes', CASE WHEN EXISTS (SELECT 1 FROM people)"
     " THEN 1 ELSE 2 END;",
     NULL, NULL},
    {8, "annual training plans in batches",
     /* Each school's yearly plan (年度培训计划) in batches (分批分期): per
      * batch a program type, its dates, and the sessions and persons
      * planned; what was held is counted from the sessions, never typed
      * in. */
     "CREATE TABLE plans ("
     "  id {ID},"
     "  school_id BIGINT NOT NULL REFERENCES schools(id),"
     "  year INTEGER NOT NULL,"
     "  title TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  UNIQUE (school_id, year));"
     "CREATE TABLE plan_batches ("
     "  id {ID},"
     "  plan_id BIGINT NOT NULL REFERENCES plans(id),"
     "  batch INTEGER NOT NULL,"
     "  program_type TEXT NOT NULL REFERENCES program_types(code),"
     "  starts_on TEXT NOT NULL, ends_on TEXT NOT NULL,"
     "  from_at BIGINT NOT NULL, to_at BIGINT NOT NULL," /* China days */
     "  sessions INTEGER NOT NULL, persons INTEGER NOT NULL);"
     "CREATE INDEX plan_batches_plan ON plan_batches(plan_id, batch);",
     NULL, NULL},
    {9, "questionnaires",
     /* A needs survey (需求调研, SPEC.md §2.5) for one township or, with
      * township_code NULL, the county. Questions keep their choices as a
      * JSON array; answers name a choice by its index. A respondent is
      * kept only as a keyed hash of the person, enough to refuse a second
      * answer, with the township for the per-township results. */
     "CREATE TABLE surveys ("
     "  id {ID},"
     "  title TEXT NOT NULL,"
     "  intro TEXT NOT NULL DEFAULT '',"
     "  township_code TEXT REFERENCES townships(code),"
     "  status TEXT NOT NULL DEFAULT 'draft',"  /* draft, published, closed */
     "  created_by BIGINT,"
     "  created_at BIGINT NOT NULL,"
     "  published_at BIGINT, closes_at BIGINT, closed_at BIGINT);"
     "CREATE TABLE survey_questions ("
     "  id {ID},"
     "  survey_id BIGINT NOT NULL REFERENCES surveys(id),"
     "  seq INTEGER NOT NULL,"
     "  kind TEXT NOT NULL,"                    /* single, multi, text */
     "  text TEXT NOT NULL,"
     "  options TEXT NOT NULL DEFAULT '[]',"
     "  required INTEGER NOT NULL DEFAULT 1,"
     "  UNIQUE (survey_id, seq));"
     "CREATE TABLE survey_responses ("
     "  id {ID},"
     "  survey_id BIGINT NOT NULL REFERENCES surveys(id),"
     "  respondent_hash TEXT NOT NULL,"
     "  township_code TEXT NOT NULL,"
     "  created_at BIGINT NOT NULL,"
     "  UNIQUE (survey_id, respondent_hash));"
     "CREATE TABLE survey_answers ("
     "  response_id BIGINT NOT NULL REFERENCES survey_responses(id),"
     "  question_id BIGINT NOT NULL REFERENCES survey_questions(id),"
     "  choice INTEGER, text TEXT);"
     "CREATE INDEX survey_answers_q ON survey_answers(question_id, choice);"
     "CREATE INDEX survey_answers_r ON survey_answers(response_id);",
     NULL, NULL},
    {10, "class notes and ledger photos",
     /* In-class questions (a trainee asks, the teacher or an admin
      * answers) and group-discussion minutes; photos of a session for
      * its ledger (台账), the bytes in the database so a PostgreSQL
      * deployment needs no shared disk. */
     "CREATE TABLE session_notes ("
     "  id {ID},"
     "  session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
     "  kind TEXT NOT NULL,"                    /* question, discussion */
     "  body TEXT NOT NULL,"
     "  group_name TEXT,"
     "  author_user BIGINT,"
     "  author_person BIGINT REFERENCES people(id),"
     "  answer TEXT, answered_by BIGINT, answered_at BIGINT,"
     "  created_at BIGINT NOT NULL,"
     "  voided_at BIGINT, void_reason TEXT);"
     "CREATE INDEX session_notes_session ON session_notes(session_id, id);"
     "CREATE TABLE session_photos ("
     "  id {ID},"
     "  session_id BIGINT NOT NULL REFERENCES class_sessions(id),"
     "  mime TEXT NOT NULL,"
     "  bytes INTEGER NOT NULL,"
     "  width INTEGER NOT NULL, height INTEGER NOT NULL,"
     "  sha256 TEXT NOT NULL,"
     "  caption TEXT NOT NULL DEFAULT '',"
     "  data {BLOB} NOT NULL,"
     "  uploaded_by BIGINT,"
     "  created_at BIGINT NOT NULL,"
     "  voided_at BIGINT, void_reason TEXT);"
     "CREATE INDEX session_photos_session ON session_photos(session_id, id);",
     NULL, NULL},
    {11, "token expiry, the security policy, log-in failure counting",
     /* Bearer tokens end: each has an expiry (existing ones get the
      * default 90 days from their creation), a last-used time written at
      * most once a minute, and the moment it was revoked. */
     "ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;"
     "ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;"
     "ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;"
     "UPDATE api_tokens SET expires_at = created_at + 90 * 86400;"
     "CREATE INDEX api_tokens_user ON api_tokens(user_id, id);"
     /* The password, lockout and session policy the security
      * administrator (secadmin) sets: a row overrides the setting of the
      * same name, so several servers on one database share it. */
     "CREATE TABLE security_policy ("
     "  name TEXT PRIMARY KEY,"
     "  value BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL,"
     "  updated_by TEXT NOT NULL);"
     /* Failed log-ins in a row, per keyed hash of the normalised
      * username, for names that exist and names that do not alike, so
      * that both behave the same (and the table does not say which names
      * were tried). users.name_key is the same hash, to show a lock. */
     "CREATE TABLE login_failures ("
     "  name_key TEXT PRIMARY KEY,"
     "  failures INTEGER NOT NULL,"
     "  locked_until BIGINT NOT NULL DEFAULT 0,"
     "  updated_at BIGINT NOT NULL);"
     "CREATE INDEX login_failures_updated ON login_failures(updated_at);"
     "ALTER TABLE users ADD COLUMN name_key TEXT;"
     "CREATE INDEX users_name_key ON users(name_key);"
     /* Failed log-ins per client address in a fixed window. */
     "CREATE TABLE login_addresses ("
     "  ip TEXT PRIMARY KEY,"
     "  window_start BIGINT NOT NULL,"
     "  failures INTEGER NOT NULL);"
     "CREATE INDEX login_addresses_window ON login_addresses(window_start);",
     NULL, NULL},
    {12, "the audit chain is keyed (HMAC-SM3)",
     /* Every row so far carries a plain SM3 hash, which anyone holding the
      * file can recompute: they are marked 'sm3' and stay as they are.
      * The code then appends the audit_keyed row, whose HMAC (under the
      * key file's audit key) covers the head of this unkeyed prefix, and
      * keys every row after it (audit.h). Adding a column fires no row
      * trigger, so the append-only guard stays as it is. */
     "ALTER TABLE audit_log ADD COLUMN mac TEXT NOT NULL DEFAULT 'sm3';",
     NULL, NULL},
    {13, "dated 学时 rule, function rooms, exact rating totals",
     /* The daily cap and the session-length rule of 学时 are dated
      * configuration like the yearly targets (DOMAIN.md §1.5): the row
      * of the latest year_from not after a session's year applies, and
      * its code is stored with each attendance it credited. */
     "CREATE TABLE hour_rules ("
     "  year_from INTEGER PRIMARY KEY,"
     "  code TEXT NOT NULL UNIQUE,"       /* kept on every attendance */
     "  day_cap_minutes INTEGER NOT NULL," /* per person and China day */
     "  half_day_minutes INTEGER NOT NULL," /* counts half the cap */
     "  day_minutes INTEGER NOT NULL);"    /* counts the cap */
     "INSERT INTO hour_rules VALUES (2019, 'hour60-cap8', 480, 180, 360);"
     /* Which room kinds are function rooms (功能室: 健身房, 书画室, 棋牌室,
      * 阅览室 …, SPEC.md §2.2), declared once for the report and the
      * room list it opens; classrooms are not. */
     "ALTER TABLE room_kinds ADD COLUMN is_function INTEGER NOT NULL DEFAULT 0;"
     "UPDATE room_kinds SET is_function = 1 WHERE code IN ('activity',"
     " 'reading', 'fitness', 'calligraphy', 'chess');"
     /* A rating's total at full precision (hundredths: exact, since the
      * weights sum to 100), graded from that: 89.95 is 良好, not a rounded
      * 90.0 graded 优秀. Existing rows are recomputed from their scores
      * under the weights of their year, and regraded. */
     "ALTER TABLE evaluations ADD COLUMN total_hundredths INTEGER NOT NULL"
     " DEFAULT 0;"
     "UPDATE evaluations SET total_hundredths = (SELECT r.w_content * content"
     " + r.w_method * method + r.w_effect * effect + r.w_attitude * attitude"
     " FROM rating_rules r WHERE r.year_from <= evaluations.year"
     " ORDER BY r.year_from DESC LIMIT 1)"
     " WHERE EXISTS (SELECT 1 FROM rating_rules r"
     " WHERE r.year_from <= evaluations.year);"
     "UPDATE evaluations SET grade = (SELECT CASE"
     " WHEN evaluations.total_hundredths >= r.excellent * 100 THEN 'excellent'"
     " WHEN evaluations.total_hundredths >= r.good * 100 THEN 'good'"
     " WHEN evaluations.total_hundredths >= r.pass * 100 THEN 'pass'"
     " ELSE 'fail' END FROM rating_rules r"
     " WHERE r.year_from <= evaluations.year"
     " ORDER BY r.year_from DESC LIMIT 1)"
     " WHERE EXISTS (SELECT 1 FROM rating_rules r"
     " WHERE r.year_from <= evaluations.year);"
     /* Below this many ratings a rate is shown as too few (SPEC §2.8). */
     "ALTER TABLE rating_rules ADD COLUMN min_ratings INTEGER NOT NULL"
     " DEFAULT 10;"
     "CREATE INDEX attendance_day ON attendance(person_id, day);"
     /* The report's evaluations and the ranking, from the index alone. */
     "DROP INDEX evaluations_starts;"
     "CREATE INDEX evaluations_starts ON evaluations(starts_at,"
     " township_code, rater_person, grade, total_hundredths, teacher_id,"
     " course_id);",
     /* Attendance credited in check-in order is credited again in order
      * of session start under the cap of the one rule there was: what a
      * session credits is what its 学时 ask, within what the person's
      * earlier sessions of that day left of the 480 minutes. */
     "UPDATE attendance SET rule = 'hour60-cap8', minutes = (SELECT"
     " MAX(0, MIN(cs.half_hours * 30, 480 - COALESCE((SELECT"
     " SUM(c2.half_hours * 30) FROM attendance a2 JOIN class_sessions c2"
     " ON c2.id = a2.session_id WHERE a2.person_id = attendance.person_id"
     " AND a2.day = attendance.day AND (a2.starts_at < attendance.starts_at"
     " OR (a2.starts_at = attendance.starts_at"
     " AND a2.session_id < attendance.session_id))), 0)))"
     " FROM class_sessions cs WHERE cs.id = attendance.session_id);",
     "UPDATE attendance SET rule = 'hour60-cap8', minutes = (SELECT"
     " GREATEST(0, LEAST(cs.half_hours * 30, 480 - COALESCE((SELECT"
     " SUM(c2.half_hours * 30) FROM attendance a2 JOIN class_sessions c2"
     " ON c2.id = a2.session_id WHERE a2.person_id = attendance.person_id"
     " AND a2.day = attendance.day AND (a2.starts_at < attendance.starts_at"
     " OR (a2.starts_at = attendance.starts_at"
     " AND a2.session_id < attendance.session_id))), 0)))"
     " FROM class_sessions cs WHERE cs.id = attendance.session_id);"},
    {14, "a school's honours and licences (a declared kind)",
     /* domain/kinds.c declares the kind; its statements come from that
      * declaration (db/kindsql.c). */
     "CREATE TABLE honours ("
     "  id {ID},"
     "  township_code TEXT NOT NULL REFERENCES townships(code),"
     "  kind TEXT NOT NULL,"              /* honour (荣誉) or licence (证照) */
     "  title TEXT NOT NULL,"
     "  issuer TEXT NOT NULL,"
     "  issued_on TEXT NOT NULL,"         /* China date, YYYY-MM-DD */
     "  number TEXT,"
     "  voided_at BIGINT,"
     "  void_reason TEXT,"
     "  is_demo INTEGER NOT NULL DEFAULT 0,"
     "  created_at BIGINT NOT NULL);"
     "CREATE INDEX honours_township ON honours(township_code, issued_on);",
     NULL, NULL},
    {15, "the live roster's count per township, kept by triggers",
     /* A roster list's total and the home page's 花名册人数 read one row
      * per township instead of counting ~30,000 people each time (issue
      * 10's speed). The triggers keep it in the same transaction as every
      * write to people, whatever the path (API, import, demo, raw SQL),
      * so it is never stale. */
     "CREATE TABLE people_counts ("
     "  township_code TEXT PRIMARY KEY,"
     "  live BIGINT NOT NULL);"
     "INSERT INTO people_counts(township_code, live)"
     " SELECT township_code, COUNT(*) FROM people WHERE voided_at IS NULL"
     " GROUP BY township_code;",
     "CREATE TRIGGER people_count_insert AFTER INSERT ON people"
     "  WHEN new.voided_at IS NULL BEGIN"
     "  INSERT INTO people_counts(township_code, live)"
     "   VALUES (new.township_code, 1)"
     "   ON CONFLICT(township_code) DO UPDATE SET live = live + 1; END;"
     "CREATE TRIGGER people_count_update"
     "  AFTER UPDATE OF voided_at, township_code ON people BEGIN"
     "  UPDATE people_counts SET live = live - 1"
     "   WHERE township_code = old.township_code AND old.voided_at IS NULL;"
     "  INSERT INTO people_counts(township_code, live)"
     "   SELECT new.township_code, 1 WHERE new.voided_at IS NULL"
     "   ON CONFLICT(township_code) DO UPDATE SET live = live + 1; END;"
     "CREATE TRIGGER people_count_delete AFTER DELETE ON people"
     "  WHEN old.voided_at IS NULL BEGIN"
     "  UPDATE people_counts SET live = live - 1"
     "   WHERE township_code = old.township_code; END;",
     "CREATE FUNCTION people_count() RETURNS trigger LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.voided_at IS NULL THEN"
     "   UPDATE people_counts SET live = live - 1"
     "    WHERE township_code = OLD.township_code;"
     "  END IF;"
     "  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.voided_at IS NULL THEN"
     "   INSERT INTO people_counts(township_code, live)"
     "    VALUES (NEW.township_code, 1)"
     "    ON CONFLICT(township_code) DO UPDATE"
     "    SET live = people_counts.live + 1;"
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER people_count_insert AFTER INSERT OR DELETE ON people"
     "  FOR EACH ROW EXECUTE FUNCTION people_count();"
     "CREATE TRIGGER people_count_update"
     "  AFTER UPDATE OF voided_at, township_code ON people"
     "  FOR EACH ROW EXECUTE FUNCTION people_count();"},
    {16, "the session list's counts: attendance versions, enrolment index",
     /* Every write to attendance moves its township's number on, in the
      * same transaction; the session list's person-times and persons
      * (a distinct count over every check-in) are kept while the sum
      * stays (domain/classes.c). The row '' starts the sum at a random
      * base, so that two databases never share a version. A session's
      * enrolled and waiting counts read the index alone. */
     "CREATE TABLE attendance_versions ("
     "  township_code TEXT PRIMARY KEY,"
     "  n BIGINT NOT NULL);"
     "CREATE INDEX enrollments_session_status"
     "  ON enrollments(session_id, status);",
     "INSERT INTO attendance_versions(township_code, n)"
     " VALUES ('', abs(random()) % 1125899906842624);"
     "CREATE TRIGGER attendance_version_insert AFTER INSERT ON attendance"
     " BEGIN INSERT INTO attendance_versions(township_code, n)"
     "  VALUES (new.township_code, 1)"
     "  ON CONFLICT(township_code) DO UPDATE SET n = n + 1; END;"
     "CREATE TRIGGER attendance_version_update AFTER UPDATE ON attendance"
     " BEGIN UPDATE attendance_versions SET n = n + 1"
     "  WHERE township_code IN (old.township_code, new.township_code); END;"
     "CREATE TRIGGER attendance_version_delete AFTER DELETE ON attendance"
     " BEGIN UPDATE attendance_versions SET n = n + 1"
     "  WHERE township_code = old.township_code; END;",
     "INSERT INTO attendance_versions(township_code, n)"
     " VALUES ('', floor(random() * 1125899906842624)::bigint);"
     "CREATE FUNCTION attendance_version() RETURNS trigger"
     " LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP = 'INSERT' THEN"
     "   INSERT INTO attendance_versions(township_code, n)"
     "    VALUES (NEW.township_code, 1)"
     "    ON CONFLICT(township_code) DO UPDATE"
     "    SET n = attendance_versions.n + 1;"
     "  ELSIF TG_OP = 'UPDATE' THEN"
     "   UPDATE attendance_versions SET n = n + 1"
     "    WHERE township_code IN (OLD.township_code, NEW.township_code);"
     "  ELSE"
     "   UPDATE attendance_versions SET n = n + 1"
     "    WHERE township_code = OLD.township_code;"
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER attendance_version AFTER INSERT OR UPDATE OR DELETE"
     "  ON attendance FOR EACH ROW EXECUTE FUNCTION attendance_version();"},
    {17, "a session's counts kept by triggers; the live-session index",
     /* The session list showed three counts per row, each a count over
      * an index range (about 115 entries a session in the demo); the
      * triggers keep them on the session in the same transaction as
      * every write to enrollments and attendance, whatever the path. */
     "ALTER TABLE class_sessions ADD COLUMN n_enrolled BIGINT NOT NULL"
     " DEFAULT 0;"
     "ALTER TABLE class_sessions ADD COLUMN n_waiting BIGINT NOT NULL"
     " DEFAULT 0;"
     "ALTER TABLE class_sessions ADD COLUMN n_attended BIGINT NOT NULL"
     " DEFAULT 0;"
     "UPDATE class_sessions SET"
     " n_enrolled = (SELECT COUNT(*) FROM enrollments e"
     "  WHERE e.session_id = class_sessions.id AND e.status = 'enrolled'),"
     " n_waiting = (SELECT COUNT(*) FROM enrollments e"
     "  WHERE e.session_id = class_sessions.id AND e.status = 'waiting'),"
     " n_attended = (SELECT COUNT(*) FROM attendance a"
     "  WHERE a.session_id = class_sessions.id);"
     /* the session list's count reads this index alone */
     "CREATE INDEX class_sessions_live"
     " ON class_sessions(starts_at, program_id, teacher_id)"
     " WHERE voided_at IS NULL;",
     "CREATE TRIGGER session_enrol_insert AFTER INSERT ON enrollments BEGIN"
     " UPDATE class_sessions"
     "  SET n_enrolled = n_enrolled + (new.status = 'enrolled'),"
     "  n_waiting = n_waiting + (new.status = 'waiting')"
     "  WHERE id = new.session_id; END;"
     "CREATE TRIGGER session_enrol_update"
     " AFTER UPDATE OF status, session_id ON enrollments BEGIN"
     " UPDATE class_sessions"
     "  SET n_enrolled = n_enrolled - (old.status = 'enrolled'),"
     "  n_waiting = n_waiting - (old.status = 'waiting')"
     "  WHERE id = old.session_id;"
     " UPDATE class_sessions"
     "  SET n_enrolled = n_enrolled + (new.status = 'enrolled'),"
     "  n_waiting = n_waiting + (new.status = 'waiting')"
     "  WHERE id = new.session_id; END;"
     "CREATE TRIGGER session_enrol_delete AFTER DELETE ON enrollments BEGIN"
     " UPDATE class_sessions"
     "  SET n_enrolled = n_enrolled - (old.status = 'enrolled'),"
     "  n_waiting = n_waiting - (old.status = 'waiting')"
     "  WHERE id = old.session_id; END;"
     "CREATE TRIGGER session_attend_insert AFTER INSERT ON attendance BEGIN"
     " UPDATE class_sessions SET n_attended = n_attended + 1"
     "  WHERE id = new.session_id; END;"
     "CREATE TRIGGER session_attend_update"
     " AFTER UPDATE OF session_id ON attendance BEGIN"
     " UPDATE class_sessions SET n_attended = n_attended - 1"
     "  WHERE id = old.session_id;"
     " UPDATE class_sessions SET n_attended = n_attended + 1"
     "  WHERE id = new.session_id; END;"
     "CREATE TRIGGER session_attend_delete AFTER DELETE ON attendance BEGIN"
     " UPDATE class_sessions SET n_attended = n_attended - 1"
     "  WHERE id = old.session_id; END;",
     "CREATE FUNCTION session_enrol_count() RETURNS trigger"
     " LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('UPDATE', 'DELETE') THEN"
     "   UPDATE class_sessions SET"
     "    n_enrolled = n_enrolled - CASE WHEN OLD.status = 'enrolled'"
     "     THEN 1 ELSE 0 END,"
     "    n_waiting = n_waiting - CASE WHEN OLD.status = 'waiting'"
     "     THEN 1 ELSE 0 END"
     "    WHERE id = OLD.session_id;"
     "  END IF;"
     "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
     "   UPDATE class_sessions SET"
     "    n_enrolled = n_enrolled + CASE WHEN NEW.status = 'enrolled'"
     "     THEN 1 ELSE 0 END,"
     "    n_waiting = n_waiting + CASE WHEN NEW.status = 'waiting'"
     "     THEN 1 ELSE 0 END"
     "    WHERE id = NEW.session_id;"
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER session_enrol_count AFTER INSERT OR DELETE"
     "  ON enrollments FOR EACH ROW EXECUTE FUNCTION session_enrol_count();"
     "CREATE TRIGGER session_enrol_change"
     "  AFTER UPDATE OF status, session_id ON enrollments"
     "  FOR EACH ROW EXECUTE FUNCTION session_enrol_count();"
     "CREATE FUNCTION session_attend_count() RETURNS trigger"
     " LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('UPDATE', 'DELETE') THEN"
     "   UPDATE class_sessions SET n_attended = n_attended - 1"
     "    WHERE id = OLD.session_id;"
     "  END IF;"
     "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
     "   UPDATE class_sessions SET n_attended = n_attended + 1"
     "    WHERE id = NEW.session_id;"
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER session_attend_count AFTER INSERT OR DELETE"
     "  ON attendance FOR EACH ROW EXECUTE FUNCTION session_attend_count();"
     "CREATE TRIGGER session_attend_change"
     "  AFTER UPDATE OF session_id ON attendance"
     "  FOR EACH ROW EXECUTE FUNCTION session_attend_count();"},
    {18, "the live roster's names by township, for search by a character",
     /* A search by a Chinese character (name LIKE '%王%') reads every
      * live name of the township: from this index alone, not from the
      * table's rows (a third of the time on SQLite). */
     "CREATE INDEX people_t_names ON people(township_code, name)"
     " WHERE voided_at IS NULL;",
     NULL, NULL},
    {19, "rating totals kept by triggers; attendance by township and type",
     /* A teacher's and a course's all-time ratings, and the county's
      * (the ranking's prior), were summed over their evaluations for
      * every row of /teachers and /courses: the triggers keep the sums
      * in the same transaction as every write to evaluations. The
      * county's is the sum of the teachers' rows (id 0: no teacher), not
      * a row of its own that every rating would update: on PostgreSQL
      * one row updated 30,000 times in the demo's transaction is a chain
      * of 30,000 versions. A school's plan counts the persons of its
      * township's attendance of a type in each batch's dates: the index
      * serves that from its entries. */
     "CREATE TABLE rating_totals ("
     "  subject TEXT NOT NULL,"         /* teacher (id 0: none), course */
     "  id BIGINT NOT NULL,"
     "  n BIGINT NOT NULL,"
     "  total BIGINT NOT NULL,"         /* sum of total_hundredths */
     "  excellent BIGINT NOT NULL,"
     "  PRIMARY KEY (subject, id));"
     "INSERT INTO rating_totals(subject, id, n, total, excellent)"
     " SELECT 'teacher', COALESCE(teacher_id, 0), COUNT(*),"
     "  SUM(total_hundredths),"
     "  SUM(CASE WHEN grade = 'excellent' THEN 1 ELSE 0 END)"
     " FROM evaluations GROUP BY COALESCE(teacher_id, 0);"
     "INSERT INTO rating_totals(subject, id, n, total, excellent)"
     " SELECT 'course', course_id, COUNT(*), SUM(total_hundredths),"
     "  SUM(CASE WHEN grade = 'excellent' THEN 1 ELSE 0 END)"
     " FROM evaluations WHERE course_id IS NOT NULL GROUP BY course_id;"
     "CREATE INDEX attendance_township"
     " ON attendance(township_code, program_type, starts_at, person_id);",
     "CREATE TRIGGER rating_totals_insert AFTER INSERT ON evaluations BEGIN"
     RATING_ADD("new")
     " END;"
     "CREATE TRIGGER rating_totals_delete AFTER DELETE ON evaluations BEGIN"
     RATING_TAKE("old")
     " END;"
     "CREATE TRIGGER rating_totals_update AFTER UPDATE OF teacher_id,"
     " course_id, total_hundredths, grade ON evaluations BEGIN"
     RATING_TAKE("old") RATING_ADD("new")
     " END;",
     "CREATE FUNCTION rating_totals() RETURNS trigger LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('UPDATE', 'DELETE') THEN"
     RATING_TAKE("OLD")
     "  END IF;"
     "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
     RATING_ADD("NEW")
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER rating_totals AFTER INSERT OR DELETE ON evaluations"
     "  FOR EACH ROW EXECUTE FUNCTION rating_totals();"
     "CREATE TRIGGER rating_totals_change AFTER UPDATE OF teacher_id,"
     "  course_id, total_hundredths, grade ON evaluations"
     "  FOR EACH ROW EXECUTE FUNCTION rating_totals();"},
    {20, "each member's hours of a year, kept by triggers",
     /* The study-hours list, the behind list and the report summed the
      * year's attendance per person on every request (35 ms on the
      * county demo). person_hours keeps each person's rows, minutes and
      * concentrated classes of a year; person_classes the rows of each
      * concentrated class, so that classes stays a distinct count. The
      * triggers write both in the same transaction as every write to
      * attendance, the day's re-crediting included. */
     "CREATE TABLE person_hours ("
     "  person_id BIGINT NOT NULL,"
     "  year INTEGER NOT NULL,"
     "  n BIGINT NOT NULL,"             /* attendance rows */
     "  minutes BIGINT NOT NULL,"
     "  classes BIGINT NOT NULL,"       /* distinct concentrated classes */
     "  PRIMARY KEY (person_id, year));"
     "CREATE TABLE person_classes ("
     "  person_id BIGINT NOT NULL,"
     "  year INTEGER NOT NULL,"
     "  program_id BIGINT NOT NULL,"
     "  n BIGINT NOT NULL,"
     "  PRIMARY KEY (person_id, year, program_id));"
     "CREATE INDEX person_hours_year ON person_hours(year, person_id);"
     "INSERT INTO person_classes(person_id, year, program_id, n)"
     " SELECT person_id, year, program_id, COUNT(*) FROM attendance"
     " WHERE concentrated = 1 GROUP BY person_id, year, program_id;"
     "INSERT INTO person_hours(person_id, year, n, minutes, classes)"
     " SELECT person_id, year, COUNT(*), SUM(minutes), COUNT(DISTINCT"
     "  CASE WHEN concentrated = 1 THEN program_id END)"
     " FROM attendance GROUP BY person_id, year;",
     /* SQLite: a row is added to its person's year (and class), the old
      * one taken away; a year left with no row goes. */
     "CREATE TRIGGER person_hours_insert AFTER INSERT ON attendance BEGIN"
     HOURS_ADD("new")
     " END;"
     "CREATE TRIGGER person_hours_delete AFTER DELETE ON attendance BEGIN"
     HOURS_TAKE("old")
     " END;"
     "CREATE TRIGGER person_hours_update AFTER UPDATE OF person_id, year,"
     " minutes, program_id, concentrated ON attendance BEGIN"
     HOURS_TAKE("old") HOURS_ADD("new")
     " END;",
     "CREATE FUNCTION person_hours() RETURNS trigger LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('UPDATE', 'DELETE') THEN"
     HOURS_TAKE("OLD")
     "  END IF;"
     "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
     HOURS_ADD("NEW")
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER person_hours AFTER INSERT OR DELETE ON attendance"
     "  FOR EACH ROW EXECUTE FUNCTION person_hours();"
     "CREATE TRIGGER person_hours_change AFTER UPDATE OF person_id, year,"
     "  minutes, program_id, concentrated ON attendance"
     "  FOR EACH ROW EXECUTE FUNCTION person_hours();"},
    {21, "the roster's versions, moved on by triggers",
     /* Who a study-hours target binds follows a member's township,
      * status and flags. Every write that can change them moves the
      * township's number on, in the same transaction, so the hours
      * counts (domain/classes.c) are kept while the roster's and the
      * attendance's versions both stay. As in migration 16, the row ''
      * starts the sum at a random base. */
     "CREATE TABLE people_versions ("
     "  township_code TEXT PRIMARY KEY,"
     "  n BIGINT NOT NULL);",
     "INSERT INTO people_versions(township_code, n)"
     " VALUES ('', abs(random()) % 1125899906842624);"
     "CREATE TRIGGER people_version_insert AFTER INSERT ON people"
     " BEGIN INSERT INTO people_versions(township_code, n)"
     "  VALUES (new.township_code, 1)"
     "  ON CONFLICT(township_code) DO UPDATE SET n = n + 1; END;"
     "CREATE TRIGGER people_version_update AFTER UPDATE OF township_code,"
     " voided_at, political_status, flags ON people"
     " BEGIN INSERT INTO people_versions(township_code, n)"
     "  VALUES (new.township_code, 1)"
     "  ON CONFLICT(township_code) DO UPDATE SET n = n + 1;"
     "  UPDATE people_versions SET n = n + 1"
     "  WHERE township_code = old.township_code"
     "  AND old.township_code <> new.township_code; END;"
     "CREATE TRIGGER people_version_delete AFTER DELETE ON people"
     " BEGIN UPDATE people_versions SET n = n + 1"
     "  WHERE township_code = old.township_code; END;",
     "INSERT INTO people_versions(township_code, n)"
     " VALUES ('', floor(random() * 1125899906842624)::bigint);"
     "CREATE FUNCTION people_version() RETURNS trigger"
     " LANGUAGE plpgsql AS $$"
     " BEGIN"
     "  IF TG_OP IN ('INSERT', 'UPDATE') THEN"
     "   INSERT INTO people_versions(township_code, n)"
     "    VALUES (NEW.township_code, 1)"
     "    ON CONFLICT(township_code) DO UPDATE"
     "    SET n = people_versions.n + 1;"
     "  END IF;"
     "  IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE'"
     "      AND OLD.township_code <> NEW.township_code) THEN"
     "   UPDATE people_versions SET n = n + 1"
     "    WHERE township_code = OLD.township_code;"
     "  END IF;"
     "  RETURN NULL;"
     " END $$;"
     "CREATE TRIGGER people_version AFTER INSERT OR DELETE ON people"
     "  FOR EACH ROW EXECUTE FUNCTION people_version();"
     "CREATE TRIGGER people_version_change AFTER UPDATE OF township_code,"
     "  voided_at, political_status, flags ON people"
     "  FOR EACH ROW EXECUTE FUNCTION people_version();"},
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

/* The column types the two databases spell differently. */
static const struct {
    const char *token, *sqlite, *pg;
} spellings[] = {
    {"{ID}", "INTEGER PRIMARY KEY",
     "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"},
    {"{BLOB}", "BLOB", "BYTEA"},
};

static char *
expand(const struct db *db, const char *sql)
{
    struct strbuf sb;
    strbuf_init(&sb, 0);
    const char *p = sql;
    while (*p) {
        size_t k = 0, n = sizeof(spellings) / sizeof(spellings[0]);
        while (k < n && strncmp(p, spellings[k].token,
                                strlen(spellings[k].token)) != 0)
            k++;
        if (k == n) {
            strbuf_append(&sb, p++, 1);
            continue;
        }
        strbuf_puts(&sb, db->kind == DB_SQLITE ? spellings[k].sqlite
                                               : spellings[k].pg);
        p += strlen(spellings[k].token);
    }
    return strbuf_take(&sb, NULL);
}

bool
db_migrated_here(const struct db *db, int version)
{
    return version >= 0 && version < 64 &&
           (db->migrated_here >> version & 1) != 0;
}

int
db_schema_version(struct db *db)
{
    int64_t v;
    if (db_int1(db, Q_MIGRATION_VERSION, &v, "") != 0)
        return -1;
    return (int)v;
}

int
db_migrate(struct db *db)
{
    if (db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY,"
                           " name TEXT NOT NULL,"
                           " applied_at BIGINT NOT NULL)") != 0)
        return ERR_DB;
    for (size_t i = 0; i < NMIGRATIONS; i++) {
        const struct migration *m = &migrations[i];
        if (db_begin(db) != 0)
            return ERR_DB;
        /* Several servers may start at once on PostgreSQL: one migrates,
         * the others wait here and then see the new version. */
        int64_t v, done = 0;
        int rc = db_int1(db, Q_MIGRATION_LOCK, &v, "");
        if (rc == 0)
            rc = db_int1(db, Q_MIGRATION_APPLIED, &done, "i",
                         (int64_t)m->version);
        if (rc == 0 && done) {
            db_rollback(db);
            continue;
        }
        int cur = rc == 0 ? db_schema_version(db) : -1;
        if (rc == 0 && cur < 0)
            rc = ERR_DB;
        if (rc == 0 && cur > m->version)
            log_warn("migration %d (%s) runs after %d: merged out of order",
                     m->version, m->name, cur);
        if (rc == 0) {
            char *sql = expand(db, m->sql);
            rc = db_exec_script(db, sql);
            free(sql);
        }
        const char *extra = db->kind == DB_SQLITE ? m->sqlite : m->pg;
        if (rc == 0 && extra)
            rc = db_exec_script(db, extra);
        if (rc == 0)
            rc = db_exec(db, Q_MIGRATION_INSERT, "isi", (int64_t)m->version,
                         m->name, now_unix()) < 0 ? ERR_DB : 0;
        if (rc == 0)
            rc = db_commit(db);
        if (rc != 0) {
            log_error("migration %d (%s) failed: %s", m->version, m->name,
                      db_errmsg(db));
            db_rollback(db);
            return ERR_DB;
        }
        log_info("database migrated to version %d: %s", m->version,
                 m->name);
        if (m->version < 64)
            db->migrated_here |= (uint64_t)1 << m->version;
    }
    return 0;
}
