/*
 * test_auth.c - the password policy, argon2id hashing, roles and the audit
 * row hash.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/core/workq.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"
#include "../../src/domain/roles.h"

#include <pthread.h>
#include <string.h>

static void
fast_hashing(void)
{
    struct auth_settings s = {.lockout_threshold = 5,
                              .lockout_seconds = 1800,
                              .idle_seconds = 1800,
                              .absolute_seconds = 43200,
                              .password_max_age_days = 90,
                              .opslimit = 1,
                              .memlimit = 8192 * 1024};
    auth_configure(&s);
}

static void
password_policy_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *user, *pw;
        int ok;
    } v[] = {
        {"alice", "Str0ng!Pass", 1},
        {"alice", "Kq7!vRm2xT", 1},      /* random enough */
        {"alice", "Hzq8#wlMtp", 1},
        {"alice", "ywpz9!qkrm", 1},      /* lower, digit, symbol */
        {"alice", "密码很强Abc1", 1},     /* characters, not bytes */
        {"alice", "Abc1!", 0},           /* too short */
        {"alice", "abcdefgh", 0},        /* one class */
        {"alice", "abcdefg1", 0},        /* two classes */
        {"alice", "ABCDEFGH1", 0},       /* two classes */
        {"Admin_01", "admin_01", 0},     /* the username, any case */
        {"Admin_01", "10_nimdA", 0},     /* the username reversed */
        {"wangwei", "Wangwei#2026", 0},  /* holds the username */
        {"alice", "密码Ab1", 0},          /* 6 characters */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *why = NULL;
        int rc = password_check_policy(v[i].user, v[i].pw, &why);
        if (v[i].ok) {
            if (rc != 0)
                fail_msg("%s refused: %s", v[i].pw, why);
        } else {
            if (rc != ERR_INVAL)
                fail_msg("%s accepted", v[i].pw);
            assert_non_null(why);
        }
    }
}

/* Every password the issue saw accepted is refused, each with a reason
 * that says why (issue 9, "Weak passwords pass the policy"). */
static void
password_policy_refuses_the_weak(void **state)
{
    (void)state;
    struct pw_personal p = {
        .username = "zhangwei",
        .name_pinyin = "zhangsanfeng",
        .birth_date = "1980-01-01",
        .id_number = "371723198001010010",
        .phone = "13812345678",
    };
    static const struct {
        const char *pw, *reason;
    } v[] = {
        {"Password1", "常见"},        /* cracklib: a dictionary word */
        {"P@ssw0rd", "常见"},         /* the same, spelt l33t */
        {"Qwerty123", "常见"},
        {"Abc12345", "简单"},         /* a run */
        {"Aa1aaaaa", "不同的字符"},
        {"Dangxiao@2026", "本系统"},  /* the demo password */
        {"Chengwu#2026x", "本系统"},
        {"Zhangwei#2026", "用户名"},   /* the username */
        {"iewgnahZ#2026", "用户名"},   /* reversed */
        {"Zh@ngw3i!26", "用户名"},     /* the username, l33t */
        {"Zhangsanfeng1!", "拼音"},    /* the person's name */
        {"Kq!19800101", "出生日期"},    /* birth date, in its forms */
        {"Kq!x800101", "出生日期"},
        {"Kq!x01011980", "出生日期"},
        {"Kqx!Rt0101", "出生日期"},
        {"Id!371723198001010010", "身份证"},
        {"Kq!x01010010", "身份证"},     /* the ID's last 8 */
        {"Kq!xv010010", "身份证"},      /* its last 6 */
        {"Ph!13812345678", "手机"},
        {"Ph!x12345678", "手机"},       /* its last 8 */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *why = NULL;
        int rc = password_check(&p, v[i].pw, &why);
        if (rc != ERR_INVAL)
            fail_msg("%s accepted (rc %d)", v[i].pw, rc);
        if (why == NULL || strstr(why, v[i].reason) == NULL)
            fail_msg("%s: reason \"%s\", want one about %s", v[i].pw,
                     why ? why : "(none)", v[i].reason);
    }
    /* The same person's strong password passes. */
    const char *why = NULL;
    assert_int_equal(password_check(&p, "Kq7!vRm2xT", &why), 0);
}

static void
argon2id_hash_verifies(void **state)
{
    (void)state;
    fast_hashing();
    char h[128];
    assert_int_equal(password_hash("Str0ng!Pass", h), 0);
    assert_non_null(strstr(h, "$argon2id$"));
    assert_true(password_verify(h, "Str0ng!Pass"));
    assert_false(password_verify(h, "Str0ng!Pas"));
    assert_false(password_verify("", "x"));
    char h2[128];
    password_hash("Str0ng!Pass", h2);
    assert_string_not_equal(h, h2); /* salted */
}

static void
roles_table(void **state)
{
    (void)state;
    int n = 0;
    unsigned seen = 0;
    for (const struct role *r = roles; r->code; r++, n++) {
        assert_int_equal(seen & r->bit, 0); /* one bit per role */
        seen |= r->bit;
    }
    assert_int_equal(n, 8);
    assert_int_equal(role_find("school_admin")->township, TOWNSHIP_REQUIRED);
    assert_int_equal(role_find("sysadmin")->township, TOWNSHIP_NONE);
    assert_null(role_find("root"));
    assert_int_equal(R_BUSINESS & R_ADMIN3, 0);
    /* 三员: three administrators, each console-only, no business. */
    int admins = 0;
    for (const struct role *r = roles; r->code; r++)
        if (r->console_only) {
            admins++;
            assert_int_equal(r->bit & R_ADMIN3, r->bit);
            assert_int_equal(r->township, TOWNSHIP_NONE);
        }
    assert_int_equal(admins, 3);
    assert_true(role_console_only("secadmin"));
    assert_false(role_console_only("county_admin"));
    assert_false(role_console_only("nobody"));
}

static void
audit_hash_covers_every_field(void **state)
{
    (void)state;
    char a[65], b[65];
    audit_hash("00", 1, 100, 7, "u", "r", "e", "o", true, "ip", "web", "{}",
               a);
    assert_int_equal(strlen(a), 64);
    audit_hash("00", 1, 100, 7, "u", "r", "e", "o", true, "ip", "web", "{}",
               b);
    assert_string_equal(a, b);
    audit_hash("00", 1, 100, 7, "u", "r", "e", "o", false, "ip", "web", "{}",
               b);
    assert_string_not_equal(a, b);
    audit_hash("01", 1, 100, 7, "u", "r", "e", "o", true, "ip", "web", "{}",
               b);
    assert_string_not_equal(a, b);
    /* Moving a character between two fields changes the hash. */
    audit_hash("00", 1, 100, 7, "ur", "", "e", "o", true, "ip", "web", "{}",
               a);
    audit_hash("00", 1, 100, 7, "u", "r", "e", "o", true, "ip", "web", "{}",
               b);
    assert_string_not_equal(a, b);
}

/* A job that waits until the test lets it go. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int started, open, done;
};

static void
gated(void *arg)
{
    struct gate *g = arg;
    pthread_mutex_lock(&g->mu);
    g->started++;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    g->done++;
    pthread_mutex_unlock(&g->mu);
}

/* The hashing pool: one running, max_waiting waiting, the next refused;
 * what was queued still runs at free. */
static void
workq_is_bounded(void **state)
{
    (void)state;
    struct gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0,
                     0, 0};
    struct workq *q = workq_new(1, 2);
    assert_non_null(q);
    assert_int_equal(workq_submit(q, gated, &g), 0);
    pthread_mutex_lock(&g.mu);
    while (g.started == 0)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    assert_int_equal(workq_submit(q, gated, &g), 0);
    assert_int_equal(workq_submit(q, gated, &g), 0);
    assert_int_equal(workq_waiting(q), 2);
    assert_int_equal(workq_submit(q, gated, &g), ERR_RANGE);
    pthread_mutex_lock(&g.mu);
    g.open = 1;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    workq_free(q);
    assert_int_equal(g.done, 3);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(password_policy_vectors),
    cmocka_unit_test(password_policy_refuses_the_weak),
    cmocka_unit_test(workq_is_bounded),
    cmocka_unit_test(argon2id_hash_verifies),
    cmocka_unit_test(roles_table),
    cmocka_unit_test(audit_hash_covers_every_field),
};

UNIT_GROUP(auth_group, "auth", tests);
