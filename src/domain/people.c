/*
 * people.c - see people.h.
 */
#include "people.h"

#include "hanzi.h"
#include "idcard.h"
#include "record.h"

#include "../core/err.h"
#include "../core/sheet.h"
#include "../core/util.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const people_statuses[] = {"member", "probationary", "activist",
                                       "masses", NULL};
const char *const people_flags[] = {"village_committee", "branch_secretary",
                                    "returned_talent", "exempt",
                                    "mobile_member", NULL};

/* Columns of PEOPLE_COLS (queries.h). */
enum {
    PC_ID, PC_NAME, PC_GENDER, PC_BIRTH, PC_ID_ENC, PC_ID_MASKED,
    PC_PHONE_ENC, PC_PHONE_MASKED, PC_STATUS, PC_CATEGORY, PC_TOWNSHIP,
    PC_VILLAGE, PC_ORG, PC_FLAGS, PC_VOIDED, PC_VOID_REASON, PC_CREATED,
    PC_UPDATED, PC_VILLAGE_NAME, PC_TOWNSHIP_NAME, PC_CATEGORY_NAME
};

void
people_mask_id(const char *id, char out[19])
{
    size_t n = strlen(id);
    if (n != 18) {
        str_copy(out, 19, "******************");
        return;
    }
    memcpy(out, id, 3);
    memset(out + 3, '*', 11);
    memcpy(out + 14, id + 14, 4);
    out[18] = '\0';
}

void
people_mask_phone(const char *phone, char out[12])
{
    if (strlen(phone) != 11) {
        str_copy(out, 12, "***********");
        return;
    }
    memcpy(out, phone, 3);
    memset(out + 3, '*', 4);
    memcpy(out + 7, phone + 7, 4);
    out[11] = '\0';
}

bool
people_valid_phone(const char *s)
{
    if (strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
        return false;
    for (int i = 2; i < 11; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

int
people_flag_bit(const char *name)
{
    for (int i = 0; people_flags[i]; i++)
        if (strcmp(people_flags[i], name) == 0)
            return i;
    return -1;
}

static bool
valid_status(const char *s)
{
    for (int i = 0; people_statuses[i]; i++)
        if (strcmp(people_statuses[i], s) == 0)
            return true;
    return false;
}

/* ",a,b," from bits. */
static void
flags_text(unsigned bits, char *out, size_t outlen)
{
    size_t p = 0;
    out[p++] = ',';
    for (int i = 0; people_flags[i]; i++)
        if (bits & (1u << i)) {
            size_t n = strlen(people_flags[i]);
            if (p + n + 2 >= outlen)
                break;
            memcpy(out + p, people_flags[i], n);
            p += n;
            out[p++] = ',';
        }
    out[p] = '\0';
}

/* Whether the stored ",a,b," list holds flag. */
static bool
has_flag(const char *text, const char *flag)
{
    size_t n = strlen(flag);
    for (const char *t = text ? strchr(text, ',') : NULL; t && t[1];
         t = strchr(t + 1, ','))
        if (strncmp(t + 1, flag, n) == 0 && t[1 + n] == ',')
            return true;
    return false;
}

static int
one_text(struct db *db, enum query q, const char *arg, char *out,
         size_t outlen, const char *iarg_types, int64_t iarg)
{
    struct db_res *r = iarg_types ? db_query(db, q, "i", iarg)
                                  : db_query(db, q, "s", arg);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0 && out)
        str_copy(out, outlen, db_text(r, 0) ? db_text(r, 0) : "");
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}

#define REFUSE(f, w)                                                         \
    do {                                                                     \
        e->field = (f);                                                      \
        e->why = (w);                                                        \
        return ERR_INVAL;                                                    \
    } while (0)

/* A name's sort keys, or why it is not a name: one line of text, no
 * control character (SPEC §3). Every way a name comes in passes here: the
 * API and the pages (which check it too), the roster import and the
 * demo. */
static const char *
name_keys(const char *name, struct name_keys *nk)
{
    if (name == NULL || text_check(name, TEXT_LINE) != 0)
        return "姓名不能含有控制字符（换行、制表符等）";
    return hanzi_name_keys(name, nk) == 0 ? NULL : "姓名无效";
}

/* Checks the references of a person in township t: village, org,
 * category. */
static int
check_refs(struct db *db, const char *t, const char *village, bool has_org,
           int64_t org, const char *category, struct person_error *e)
{
    char tw[16];
    int rc;
    if (village && *village) {
        rc = one_text(db, Q_VILLAGE_TOWNSHIP, village, tw, sizeof(tw), NULL,
                      0);
        if (rc == ERR_DB)
            return rc;
        if (rc != 0)
            REFUSE("village_code", "没有这个村(社区)代码");
        if (strcmp(tw, t) != 0)
            REFUSE("village_code", "该村(社区)不属于所选镇街");
    }
    if (has_org && org) {
        rc = one_text(db, Q_ORG_TOWNSHIP, NULL, tw, sizeof(tw), "i", org);
        if (rc == ERR_DB)
            return rc;
        if (rc != 0)
            REFUSE("org_id", "没有这个党组织");
        if (strcmp(tw, t) != 0)
            REFUSE("org_id", "该党组织不属于所选镇街");
    }
    if (category && *category) {
        rc = one_text(db, Q_MEMBER_CATEGORY_GET, category, NULL, 0, NULL, 0);
        if (rc == ERR_DB)
            return rc;
        if (rc != 0)
            REFUSE("member_category", "没有这个人员类别");
    }
    return 0;
}

/* Seals, hashes and masks a phone number (NULL or "" = none). */
struct sealed_phone {
    char enc[160], hash[65], last4[5], masked[12];
    bool present;
};

static int
seal_phone(const struct keyring *k, const char *phone,
           struct sealed_phone *sp, struct person_error *e)
{
    memset(sp, 0, sizeof(*sp));
    if (phone == NULL || *phone == '\0')
        return 0;
    if (!people_valid_phone(phone))
        REFUSE("phone", "手机号应为 11 位，以 13-19 开头");
    if (keyring_seal(k, "phone", phone, sp->enc, sizeof(sp->enc)) != 0)
        return ERR_DB;
    keyring_hash(k, "phone", phone, sp->hash);
    memcpy(sp->last4, phone + 7, 5);
    people_mask_phone(phone, sp->masked);
    sp->present = true;
    return 0;
}

int
people_create(struct db *db, const struct keyring *k,
              const struct person_input *in, const struct audit_who *who,
              int64_t *id, struct person_error *e)
{
    if (db_begin(db) != 0)
        return ERR_DB;
    char masked[19];
    int rc = people_insert(db, k, in, id, e, masked);
    if (rc == 0) {
        char obj[48], detail[160];
        str_fmt(obj, sizeof(obj), "person:%lld", (long long)*id);
        str_fmt(detail, sizeof(detail),
                "{\"id_number\":\"%s\",\"township_code\":\"%s\"}", masked,
                in->township_code);
        rc = audit_append(db, who, "person_create", obj, true, detail);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0)
        db_rollback(db);
    return rc;
}

int
people_insert(struct db *db, const struct keyring *k,
              const struct person_input *in, int64_t *id,
              struct person_error *e, char masked[19])
{
    memset(e, 0, sizeof(*e));
    *id = 0;
    struct idcard card;
    enum idcard_error ie = idcard_parse(in->id_number ? in->id_number : "",
                                        in->allow15, NULL, &card);
    if (ie != IDCARD_OK)
        REFUSE("id_number", idcard_strerror(ie));
    if (in->gender && *in->gender && in->gender[0] != card.gender)
        REFUSE("gender", "性别与身份证号不符");
    if (in->birth_date && *in->birth_date &&
        strcmp(in->birth_date, card.birth_date) != 0)
        REFUSE("birth_date", "出生日期与身份证号不符");
    if (in->political_status == NULL || !valid_status(in->political_status))
        REFUSE("political_status", "政治面貌应为 member、probationary、"
                                   "activist 或 masses");
    struct name_keys nk;
    const char *why = name_keys(in->name, &nk);
    if (why)
        REFUSE("name", why);
    int rc = check_refs(db, in->township_code, in->village_code, in->has_org,
                        in->org_id, in->member_category, e);
    if (rc != 0)
        return rc;
    struct sealed_phone sp;
    if ((rc = seal_phone(k, in->phone, &sp, e)) != 0)
        return rc;
    char id_enc[160], id_hash[65], id_masked[19], flags[160];
    if (keyring_seal(k, "id_number", card.number, id_enc, sizeof(id_enc)) !=
        0)
        return ERR_DB;
    keyring_hash(k, "id_number", card.number, id_hash);
    people_mask_id(card.number, id_masked);
    flags_text(in->flags, flags, sizeof(flags));
    /* Already on the roster? Report who, not a bare failure. */
    struct db_res *r = db_query(db, Q_PERSON_BY_ID_HASH, "s", id_hash);
    if (r == NULL)
        return ERR_DB;
    if ((rc = db_next(r)) > 0)
        *id = db_int(r, 0);
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if (rc > 0) {
        e->field = "id_number";
        e->why = "该身份证号已在花名册中";
        return ERR_CONFLICT;
    }
    char gender[2] = {card.gender, '\0'};
    int64_t now = now_unix();
    int64_t org = in->org_id;
    str_copy(masked, 19, id_masked);
    rc = db_int1(
        db, Q_PERSON_INSERT, id, "sssssssssssssssnsssssii", in->name, gender,
        card.birth_date, id_enc, id_hash, card.number + 14, id_masked,
        sp.present ? sp.enc : NULL, sp.present ? sp.hash : NULL,
        sp.present ? sp.last4 : NULL, sp.present ? sp.masked : NULL,
        in->political_status,
        in->member_category && *in->member_category ? in->member_category
                                                    : NULL,
        in->township_code,
        in->village_code && *in->village_code ? in->village_code : NULL,
        in->has_org && org ? &org : NULL, flags, nk.pinyin, nk.initials,
        nk.sort_pinyin, nk.sort_strokes, (int64_t)(in->demo ? 1 : 0), now);
    if (rc != 0) {
        if (db_last_err(db) == ERR_CONFLICT) {
            e->field = "id_number";
            e->why = "该身份证号已在花名册中";
            return ERR_CONFLICT;
        }
        return ERR_DB;
    }
    return 0;
}

/* Adds {"field":[old,new]} to changes when a and b differ. */
static void
change(json_t *changes, const char *field, const char *a, const char *b)
{
    if ((a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0))
        return;
    json_object_set_new(changes, field,
                        json_pack("[s?, s?]", a, b));
}

int
people_update(struct db *db, const struct keyring *k, int64_t id,
              const struct person_input *in, const char *scope,
              const struct audit_who *who, struct person_error *e)
{
    memset(e, 0, sizeof(*e));
    struct db_res *r = db_query(db, Q_PERSON_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc <= 0 || !db_null(r, PC_VOIDED)) {
        db_end(r);
        return rc < 0 ? ERR_DB : ERR_NOTFOUND;
    }
    /* The current values, copied out of the result. */
    char name[200], phone_masked[12] = "", status[32],
        category[32] = "", township[16], village[24] = "", flags[160],
        gender[2], birth[11];
    int64_t org = db_int(r, PC_ORG);
    str_copy(name, sizeof(name), db_text(r, PC_NAME));
    if (db_text(r, PC_PHONE_MASKED))
        str_copy(phone_masked, sizeof(phone_masked),
                 db_text(r, PC_PHONE_MASKED));
    str_copy(status, sizeof(status), db_text(r, PC_STATUS));
    if (db_text(r, PC_CATEGORY))
        str_copy(category, sizeof(category), db_text(r, PC_CATEGORY));
    str_copy(township, sizeof(township), db_text(r, PC_TOWNSHIP));
    if (db_text(r, PC_VILLAGE))
        str_copy(village, sizeof(village), db_text(r, PC_VILLAGE));
    str_copy(flags, sizeof(flags), db_text(r, PC_FLAGS));
    str_copy(gender, sizeof(gender), db_text(r, PC_GENDER));
    str_copy(birth, sizeof(birth), db_text(r, PC_BIRTH));
    db_end(r);
    if (scope && strcmp(scope, township) != 0)
        return ERR_NOTFOUND; /* another township's person does not exist */
    if (scope && in->township_code && strcmp(in->township_code, scope) != 0)
        return ERR_DENIED;
    if (in->gender && *in->gender && in->gender[0] != gender[0])
        REFUSE("gender", "性别由身份证号决定，不能单独修改");
    if (in->birth_date && *in->birth_date && strcmp(in->birth_date, birth))
        REFUSE("birth_date", "出生日期由身份证号决定，不能单独修改");
    const char *n_name = in->name ? in->name : name;
    const char *n_status = in->political_status ? in->political_status
                                                : status;
    if (!valid_status(n_status))
        REFUSE("political_status", "政治面貌应为 member、probationary、"
                                   "activist 或 masses");
    const char *n_category = in->member_category ? in->member_category
                                                 : category;
    const char *n_township = in->township_code ? in->township_code
                                               : township;
    const char *n_village = in->village_code ? in->village_code : village;
    /* Moving to another township drops a village the caller did not
     * restate: it belonged to the old one. */
    if (in->township_code && !in->village_code &&
        strcmp(n_township, township) != 0)
        n_village = "";
    bool has_org = in->has_org || org;
    int64_t n_org = in->has_org ? in->org_id : org;
    if (in->township_code && !in->has_org &&
        strcmp(n_township, township) != 0)
        n_org = 0;
    char n_flags[160];
    if (in->has_flags)
        flags_text(in->flags, n_flags, sizeof(n_flags));
    else
        str_copy(n_flags, sizeof(n_flags), flags);
    struct name_keys nk;
    const char *why = name_keys(n_name, &nk);
    if (why)
        REFUSE("name", why);
    rc = check_refs(db, n_township, n_village, has_org, n_org, n_category, e);
    if (rc != 0)
        return rc;
    struct sealed_phone sp;
    const char *new_phone_masked = phone_masked;
    if (in->phone) {
        if ((rc = seal_phone(k, in->phone, &sp, e)) != 0)
            return rc;
        new_phone_masked = sp.present ? sp.masked : "";
    }
    json_t *changes = json_object();
    change(changes, "name", name, n_name);
    change(changes, "phone", phone_masked, new_phone_masked);
    change(changes, "political_status", status, n_status);
    change(changes, "member_category", category, n_category);
    change(changes, "township_code", township, n_township);
    change(changes, "village_code", village, n_village);
    char o1[24], o2[24];
    str_fmt(o1, sizeof(o1), "%lld", (long long)org);
    str_fmt(o2, sizeof(o2), "%lld", (long long)n_org);
    change(changes, "org_id", o1, o2);
    change(changes, "flags", flags, n_flags);
    if (json_object_size(changes) == 0) {
        json_decref(changes);
        return 0;
    }
    char *ctext = json_dumps(changes, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(changes);
    int64_t now = now_unix();
    int64_t uid = who->user_id;
    if (db_begin(db) != 0) {
        free(ctext);
        return ERR_DB;
    }
    rc = db_exec(db, Q_PERSON_UPDATE, "sssssnsssssii", n_name, n_status,
                 *n_category ? n_category : NULL, n_township,
                 *n_village ? n_village : NULL, n_org ? &n_org : NULL,
                 n_flags, nk.pinyin, nk.initials, nk.sort_pinyin,
                 nk.sort_strokes, now, id);
    if (rc > 0 && in->phone)
        rc = db_exec(db, Q_PERSON_SET_PHONE, "ssssi",
                     sp.present ? sp.enc : NULL, sp.present ? sp.hash : NULL,
                     sp.present ? sp.last4 : NULL,
                     sp.present ? sp.masked : NULL, id) < 0 ? ERR_DB : 1;
    rc = rc < 0 ? rc : rc == 0 ? ERR_NOTFOUND : 0;
    if (rc == 0)
        rc = db_exec(db, Q_PERSON_HISTORY_INSERT, "iinss", id, now,
                     uid ? &uid : NULL, who->username ? who->username : "",
                     ctext) < 0 ? ERR_DB : 0;
    if (rc == 0) {
        char obj[48];
        str_fmt(obj, sizeof(obj), "person:%lld", (long long)id);
        rc = audit_append(db, who, "person_update", obj, true, ctext);
    }
    free(ctext);
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return rc == ERR_NOTFOUND ? rc : ERR_DB;
    }
    return 0;
}

int
people_void(struct db *db, int64_t id, const char *reason, const char *scope,
            const struct audit_who *who)
{
    int64_t now = now_unix();
    if (scope) {
        /* Another township's person does not exist for this caller. */
        struct db_res *r = db_query(db, Q_PERSON_GET, "i", id);
        if (r == NULL)
            return ERR_DB;
        int found = db_next(r);
        bool mine = found > 0 && strcmp(db_text(r, PC_TOWNSHIP), scope) == 0;
        db_end(r);
        if (found < 0)
            return ERR_DB;
        if (!mine)
            return ERR_NOTFOUND;
    }
    if (db_begin(db) != 0)
        return ERR_DB;
    int rc = db_exec(db, Q_PERSON_VOID, "isi", now, reason, id);
    rc = rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
    if (rc == 0) {
        json_t *d = json_pack("{s:s}", "reason", reason);
        char *ds = json_dumps(d, JSON_COMPACT);
        json_decref(d);
        char obj[48];
        str_fmt(obj, sizeof(obj), "person:%lld", (long long)id);
        rc = audit_append(db, who, "person_void", obj, true, ds);
        free(ds);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc != 0) {
        db_rollback(db);
        return rc;
    }
    return 0;
}

/* A person's row into out, its strings copied into a. */
static void
row_read(struct db_res *r, struct arena *a, struct person *out)
{
    const char *flags = db_text(r, PC_FLAGS);
    *out = (struct person){
        .id = db_int(r, PC_ID),
        .org_id = record_id(r, PC_ORG),
        .name = record_text(r, a, PC_NAME),
        .gender = record_text(r, a, PC_GENDER),
        .birth_date = record_text(r, a, PC_BIRTH),
        .id_number_masked = record_text(r, a, PC_ID_MASKED),
        .phone_masked = record_text(r, a, PC_PHONE_MASKED),
        .political_status = record_text(r, a, PC_STATUS),
        .member_category = record_text(r, a, PC_CATEGORY),
        .township_code = record_text(r, a, PC_TOWNSHIP),
        .village_code = record_text(r, a, PC_VILLAGE),
        .village_name = record_text(r, a, PC_VILLAGE_NAME),
        .township_name = record_text(r, a, PC_TOWNSHIP_NAME),
        .member_category_name = record_text(r, a, PC_CATEGORY_NAME),
        .voided = !db_null(r, PC_VOIDED),
    };
    for (int i = 0; flags && people_flags[i]; i++)
        if (has_flag(flags, people_flags[i]))
            out->flags |= 1u << i;
}

int
people_get(struct db *db, struct arena *a, const struct keyring *k,
           int64_t id, bool reveal, const struct audit_who *who,
           struct person *out)
{
    memset(out, 0, sizeof(*out));
    struct db_res *r = db_query(db, Q_PERSON_GET, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc <= 0) {
        db_end(r);
        return rc < 0 ? ERR_DB : ERR_NOTFOUND;
    }
    row_read(r, a, out);
    if (out->voided)
        out->void_reason = record_text(r, a, PC_VOID_REASON);
    char idn[32] = "", phone[32] = "";
    char id_enc[160] = "", phone_enc[160] = "";
    str_copy(id_enc, sizeof(id_enc), db_text(r, PC_ID_ENC));
    if (db_text(r, PC_PHONE_ENC))
        str_copy(phone_enc, sizeof(phone_enc), db_text(r, PC_PHONE_ENC));
    db_end(r);
    if (!reveal)
        return 0;
    if (keyring_open(k, "id_number", id_enc, idn, sizeof(idn)) != 0 ||
        (*phone_enc &&
         keyring_open(k, "phone", phone_enc, phone, sizeof(phone)) != 0))
        return ERR_INVAL; /* a key is missing from the key file */
    char obj[48];
    str_fmt(obj, sizeof(obj), "person:%lld", (long long)id);
    rc = audit_record(db, who, "person_reveal", obj, true,
                      "{\"fields\":[\"id_number\",\"phone\"]}");
    if (rc == 0) {
        out->id_number = arena_strdup(a, idn);
        if (*phone)
            out->phone = arena_strdup(a, phone);
    }
    sodium_memzero(idn, sizeof(idn));
    sodium_memzero(phone, sizeof(phone));
    return rc != 0 ? ERR_DB : 0; /* no audit row, no reveal */
}

/* What a search term is: pinyin or initials (ASCII letters), the last 4
 * of an ID or phone (4 digits, or 3 and an X), or part of a name. */
struct search_terms {
    char lo[72], hi[72]; /* pinyin prefix range [lo, hi) */
    char last4[8];
    const char *name;
    bool any;
};

static void
classify(const char *q, struct search_terms *t)
{
    memset(t, 0, sizeof(*t));
    if (q == NULL || *q == '\0')
        return;
    t->any = true;
    size_t n = strlen(q);
    bool letters = n < sizeof(t->lo) - 1, digits4 = n == 4;
    for (size_t i = 0; i < n; i++) {
        char c = q[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            letters = false;
        if (!((c >= '0' && c <= '9') || (i == 3 && (c == 'x' || c == 'X'))))
            digits4 = false;
    }
    if (letters) {
        for (size_t i = 0; i < n; i++)
            t->lo[i] = (q[i] >= 'A' && q[i] <= 'Z') ? (char)(q[i] + 32) : q[i];
        memcpy(t->hi, t->lo, n + 1);
        t->hi[n - 1]++; /* "wang" .. "wanh" */
    } else if (digits4) {
        for (size_t i = 0; i < 4; i++)
            t->last4[i] = q[i] == 'x' ? 'X' : q[i];
    } else {
        t->name = q;
    }
}

/* Counts what a filter matches: the plain lists, or the id-driven
 * search (queries.h). */
static int
people_count(struct db *db, const struct people_filter *f, int64_t *total)
{
    struct search_terms t;
    classify(f->q, &t);
    if (t.any)
        return db_int1(db, f->township ? Q_SEARCH_COUNT_T : Q_SEARCH_COUNT_ALL,
                       total, "sssssss", *t.lo ? t.lo : NULL, f->township,
                       *t.hi ? t.hi : NULL, *t.last4 ? t.last4 : NULL, t.name,
                       f->political_status, f->flag);
    if (f->political_status || f->flag)
        return db_int1(db, f->township ? Q_PEOPLE_COUNT_T : Q_PEOPLE_COUNT_ALL,
                       total, "ssssss", f->township, f->political_status,
                       f->flag, (const char *)NULL, (const char *)NULL,
                       (const char *)NULL);
    if (f->township)
        return db_int1(db, Q_PEOPLE_COUNT_T_ALL, total, "s", f->township);
    return db_int1(db, Q_PEOPLE_COUNT_SCOPE, total, "s", (const char *)NULL);
}

/* Opens a page of what a filter matches, in the order asked for: with
 * every column for an export, else with what a list shows. */
static struct db_res *
people_query(struct db *db, const struct people_filter *f, int64_t limit,
             int64_t offset, bool export)
{
    /* [export][search][county-wide][strokes] */
    static const enum query pages[2][2][2][2] = {
        {{{Q_PEOPLE_LIST_T_PINYIN, Q_PEOPLE_LIST_T_STROKES},
          {Q_PEOPLE_LIST_ALL_PINYIN, Q_PEOPLE_LIST_ALL_STROKES}},
         {{Q_SEARCH_T_PINYIN, Q_SEARCH_T_STROKES},
          {Q_SEARCH_ALL_PINYIN, Q_SEARCH_ALL_STROKES}}},
        {{{Q_EXPORT_PEOPLE_LIST_T_PINYIN, Q_EXPORT_PEOPLE_LIST_T_STROKES},
          {Q_EXPORT_PEOPLE_LIST_ALL_PINYIN, Q_EXPORT_PEOPLE_LIST_ALL_STROKES}},
         {{Q_EXPORT_SEARCH_T_PINYIN, Q_EXPORT_SEARCH_T_STROKES},
          {Q_EXPORT_SEARCH_ALL_PINYIN, Q_EXPORT_SEARCH_ALL_STROKES}}},
    };
    struct search_terms t;
    classify(f->q, &t);
    enum query q = pages[export][t.any][f->township == NULL][f->strokes];
    if (!t.any)
        return db_query(db, q, "ssssssii", f->township, f->political_status,
                        f->flag, (const char *)NULL, (const char *)NULL,
                        (const char *)NULL, limit, offset);
    return db_query(db, q, "sssssssii", *t.lo ? t.lo : NULL, f->township,
                    *t.hi ? t.hi : NULL, *t.last4 ? t.last4 : NULL, t.name,
                    f->political_status, f->flag, limit, offset);
}

/* The page is read first: a page that is neither empty nor full tells
 * the total by itself, which spares most searches their count query.
 * (Counting inside the page query with COUNT(*) OVER () was measured
 * slower on SQLite: the window materialises every matching row.) */
int
people_page(struct db *db, struct arena *a, const struct people_filter *f,
            int64_t page, int64_t per_page, struct person **rows, size_t *n,
            int64_t *total)
{
    int64_t offset = (page - 1) * per_page;
    *rows = arena_alloc(a, sizeof(**rows) * (size_t)per_page);
    *n = 0;
    struct db_res *r = people_query(db, f, per_page, offset, false);
    if (r == NULL)
        return ERR_DB;
    int rc;
    while ((rc = db_next(r)) > 0 && *n < (size_t)per_page)
        row_read(r, a, &(*rows)[(*n)++]);
    db_end(r);
    if (rc < 0)
        return ERR_DB;
    if ((*n > 0 && *n < (size_t)per_page) || (*n == 0 && offset == 0)) {
        *total = offset + (int64_t)*n;
        return 0;
    }
    return people_count(db, f, total) == 0 ? 0 : ERR_DB;
}

/* Columns of an export: the import template's, plus what is derived. */
static const char *const export_headers[] = {
    "姓名", "性别", "出生日期", "身份证号", "手机号", "政治面貌",
    "所属镇街", "所属村(社区)", "人员类别", "标记"};
static const bool export_text[] = {false, false, false, true, true,
                                   false, true,  true,  false, false};

static const char *
status_zh(const char *code)
{
    static const char *const zh[] = {"正式党员", "预备党员", "入党积极分子",
                                     "群众"};
    for (int i = 0; people_statuses[i]; i++)
        if (code && strcmp(people_statuses[i], code) == 0)
            return zh[i];
    return code;
}

/* A code's name for an export, or the code itself when it names nothing
 * (the import takes either). */
static const char *
name_or_code(struct db_res *r, int name, int code)
{
    return db_null(r, name) ? db_text(r, code) : db_text(r, name);
}

struct sheet *
people_export(struct db *db, const struct keyring *k,
              const struct people_filter *f, bool reveal, int *rows)
{
    struct sheet *s = sheet_new("花名册", 10, export_headers, export_text);
    struct db_res *r = people_query(db, f, 1000000, 0, true);
    if (r == NULL) {
        sheet_free(s);
        return NULL;
    }
    int rc;
    *rows = 0;
    while ((rc = db_next(r)) > 0) {
        char idn[32], phone[32];
        const char *id_cell = db_text(r, PC_ID_MASKED);
        const char *phone_cell = db_text(r, PC_PHONE_MASKED);
        if (reveal) {
            if (keyring_open(k, "id_number", db_text(r, PC_ID_ENC), idn,
                             sizeof(idn)) == 0)
                id_cell = idn;
            if (db_text(r, PC_PHONE_ENC) &&
                keyring_open(k, "phone", db_text(r, PC_PHONE_ENC), phone,
                             sizeof(phone)) == 0)
                phone_cell = phone;
        }
        char flags[160] = "";
        for (int i = 0; people_flags[i]; i++) {
            size_t n = strlen(flags);
            if (has_flag(db_text(r, PC_FLAGS), people_flags[i]))
                str_fmt(flags + n, sizeof(flags) - n, "%s%s", n ? "," : "",
                        people_flags[i]);
        }
        const char *cells[10] = {
            db_text(r, PC_NAME),
            strcmp(db_text(r, PC_GENDER), "M") == 0 ? "男" : "女",
            db_text(r, PC_BIRTH), id_cell, phone_cell,
            status_zh(db_text(r, PC_STATUS)),
            name_or_code(r, PC_TOWNSHIP_NAME, PC_TOWNSHIP),
            name_or_code(r, PC_VILLAGE_NAME, PC_VILLAGE),
            name_or_code(r, PC_CATEGORY_NAME, PC_CATEGORY), flags};
        sheet_add_row(s, cells);
        memset(idn, 0, sizeof(idn));
        memset(phone, 0, sizeof(phone));
        (*rows)++;
    }
    db_end(r);
    if (rc < 0) {
        sheet_free(s);
        return NULL;
    }
    return s;
}

int
people_rekey(struct db *db, int64_t *n)
{
    int64_t version = 0;
    *n = 0;
    int rc = db_int1(db, Q_DERIVED_VERSION, &version, "s",
                     "people.sort_strokes");
    if (rc != 0 || version >= PEOPLE_STROKES_VERSION)
        return rc == ERR_NOTFOUND ? 0 : rc;
    if (db_begin(db) != 0)
        return ERR_DB;
    /* Read all, then write: one statement at a time per connection. */
    struct db_res *r = db_query(db, Q_PEOPLE_NAMES, "");
    int64_t cap = 0, count = 0, *ids = NULL;
    char **names = NULL;
    while (r && (rc = db_next(r)) > 0) {
        if (count == cap) {
            cap = cap ? cap * 2 : 1024;
            ids = xrealloc(ids, (size_t)cap * sizeof(*ids));
            names = xrealloc(names, (size_t)cap * sizeof(*names));
        }
        ids[count] = db_int(r, 0);
        names[count++] = xstrdup(db_text(r, 1));
    }
    if (r)
        db_end(r);
    rc = r == NULL || rc < 0 ? ERR_DB : 0;
    for (int64_t i = 0; rc == 0 && i < count; i++) {
        struct name_keys k;
        if (hanzi_name_keys(names[i], &k) != 0)
            continue; /* keep the old key of a name ICU cannot read */
        if (db_exec(db, Q_PERSON_SET_STROKES, "si", k.sort_strokes,
                    ids[i]) < 0)
            rc = ERR_DB;
    }
    for (int64_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
    free(ids);
    if (rc == 0 && db_exec(db, Q_DERIVED_VERSION_SET, "is",
                           (int64_t)PEOPLE_STROKES_VERSION,
                           "people.sort_strokes") < 0)
        rc = ERR_DB;
    if (rc == 0)
        rc = db_commit(db) == 0 ? 0 : ERR_DB;
    if (rc != 0)
        db_rollback(db);
    *n = count;
    return rc;
}

/* Whether sealed opens under k for field and hashes back to hash. */
static bool
opens(const struct keyring *k, const char *field, const char *sealed,
      const char *hash)
{
    char plain[64], h[65];
    if (keyring_open(k, field, sealed, plain, sizeof(plain)) != 0)
        return false;
    keyring_hash(k, field, plain, h);
    sodium_memzero(plain, sizeof(plain));
    return hash && strcmp(h, hash) == 0;
}

int
people_check_keys(struct db *db, const struct keyring *k, int64_t *checked,
                  int64_t *bad, int64_t *first_bad)
{
    int64_t last = 0;
    *checked = *bad = *first_bad = 0;
    for (;;) {
        struct db_res *r = db_query(db, Q_PEOPLE_SEALED, "i", last);
        if (r == NULL)
            return ERR_DB;
        int rc, got = 0;
        while ((rc = db_next(r)) > 0) {
            got++;
            last = db_int(r, 0);
            bool ok = opens(k, "id_number", db_text(r, 1), db_text(r, 2));
            (*checked)++;
            if (db_text(r, 3)) {
                ok = opens(k, "phone", db_text(r, 3), db_text(r, 4)) && ok;
                (*checked)++;
            }
            if (!ok && (*bad)++ == 0)
                *first_bad = last;
        }
        db_end(r);
        if (rc < 0)
            return ERR_DB;
        if (got == 0)
            return 0;
    }
}

int
person_township(struct db *db, int64_t id, char township[16])
{
    struct db_res *r = db_query(db, Q_PERSON_BRIEF, "i", id);
    if (r == NULL)
        return ERR_DB;
    int rc = db_next(r);
    if (rc > 0)
        str_copy(township, 16, db_text(r, 0));
    db_end(r);
    return rc < 0 ? ERR_DB : rc == 0 ? ERR_NOTFOUND : 0;
}
