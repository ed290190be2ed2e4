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
#include <stdio.h>
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
    struct audit_row r = {1,   100,  7,  "u",   "r", "e",
                          "o", true, "ip", "web", "{}"};
    audit_hash("00", &r, a);
    assert_int_equal(strlen(a), 64);
    audit_hash("00", &r, b);
    assert_string_equal(a, b);
    struct audit_row r2 = r;
    r2.success = false;
    audit_hash("00", &r2, b);
    assert_string_not_equal(a, b);
    audit_hash("01", &r, b);
    assert_string_not_equal(a, b);
    /* Moving a character between two fields changes the hash. */
    r2 = r;
    r2.username = "ur";
    r2.role = "";
    audit_hash("00", &r2, b);
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

/* HMAC-SM3 over a row's bytes, as anyone can recompute it with the key:
 *   printf '00\x1f1\x1f100\x1f7\x1f1\x1f1:u\x1f1:r\x1f1:e\x1f1:o\x1f2:ip'\
 *          '\x1f3:web\x1f2:{}' |
 *   openssl dgst -sm3 -mac HMAC -macopt hexkey:0100…00     (32 bytes)
 * and `openssl dgst -sm3` for the unkeyed hash of old rows. */
static void
audit_mac_is_keyed(void **state)
{
    (void)state;
    unsigned char k1[32] = {1}, k2[32] = {2};
    struct audit_row r = {1,   100,  7,  "u",   "r", "e",
                          "o", true, "ip", "web", "{}"};
    char plain[65], a[65], b[65];
    audit_hash("00", &r, plain);
    assert_string_equal(plain, "68ecffae4a339f70300e56d5af1b47ae"
                               "5198f61b02dc8edefe13a1c2ba8dcf52");
    audit_set_key(k1);
    assert_int_equal(audit_mac("00", &r, a), 0);
    assert_string_equal(a, "d55dfe898e41ec71181d356e92a65670"
                           "26619a24fd665ca4222aa3426edc02ab");
    assert_string_not_equal(a, plain);
    assert_int_equal(audit_mac("00", &r, b), 0);
    assert_string_equal(a, b);
    struct audit_row r2 = r;
    r2.detail = "{ }";
    assert_int_equal(audit_mac("00", &r2, b), 0);
    assert_string_not_equal(a, b);
    audit_set_key(k2);
    assert_int_equal(audit_mac("00", &r, b), 0);
    assert_string_not_equal(a, b); /* another key, another MAC */
    audit_set_key(NULL);
    assert_int_equal(audit_mac("00", &r, b), ERR_INVAL);
    unit_set_audit_key(); /* the runner's key, for the other groups */
}

static void
audit_checkpoint_lines(void **state)
{
    (void)state;
    struct audit_head h = {42, ""}, got;
    memset(h.hash, 'a', 64);
    h.hash[64] = '\0';
    char line[256];
    audit_checkpoint_line(&h, 1772328600, line, sizeof(line));
    assert_string_equal(line, "audit checkpoint rows=42 hash=aaaaaaaaaaaaaaa"
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                              "aaa at=2026-03-01T01:30:00Z");
    assert_int_equal(audit_checkpoint_parse(line, &got), 0);
    assert_int_equal(got.rows, 42);
    assert_string_equal(got.hash, h.hash);
    /* As syslog writes it, with a prefix and a newline. */
    char sys[300];
    snprintf(sys, sizeof(sys), "Mar  1 09:30:00 box dangxiao[12]: %s\n",
             line);
    assert_int_equal(audit_checkpoint_parse(sys, &got), 0);
    assert_int_equal(got.rows, 42);
    /* Not checkpoints: no hash, a short hash, an upper-case one, rows 0. */
    assert_int_equal(audit_checkpoint_parse("rows=3", &got), ERR_NOTFOUND);
    assert_int_equal(audit_checkpoint_parse("rows=3 hash=abc", &got),
                     ERR_NOTFOUND);
    snprintf(sys, sizeof(sys), "rows=3 hash=%.64s", "ABCDEF0123456789ABCDEF"
             "0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123");
    assert_int_equal(audit_checkpoint_parse(sys, &got), ERR_NOTFOUND);
    snprintf(sys, sizeof(sys), "rows=0 hash=%s", h.hash);
    assert_int_equal(audit_checkpoint_parse(sys, &got), ERR_NOTFOUND);
    snprintf(sys, sizeof(sys), "rows=99999999999999999999999 hash=%s",
             h.hash);
    assert_int_equal(audit_checkpoint_parse(sys, &got), ERR_NOTFOUND);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(password_policy_vectors),
    cmocka_unit_test(password_policy_refuses_the_weak),
    cmocka_unit_test(workq_is_bounded),
    cmocka_unit_test(argon2id_hash_verifies),
    cmocka_unit_test(roles_table),
    cmocka_unit_test(audit_hash_covers_every_field),
    cmocka_unit_test(audit_mac_is_keyed),
    cmocka_unit_test(audit_checkpoint_lines),
};

UNIT_GROUP(auth_group, "auth", tests);
