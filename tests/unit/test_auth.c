/*
 * test_auth.c - the password policy, argon2id hashing, roles and the audit
 * row hash.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"
#include "../../src/domain/roles.h"

#include <stdio.h>
#include <string.h>

static void
fast_hashing(void)
{
    struct auth_settings s = {5, 1800, 1800, 43200, 90, 1, 8192 * 1024};
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
        {"alice", "Abcdefg1", 1},        /* upper, lower, digit */
        {"alice", "abcdefg1!", 1},       /* lower, digit, symbol */
        {"alice", "Abc1!", 0},           /* too short */
        {"alice", "abcdefgh", 0},        /* one class */
        {"alice", "abcdefg1", 0},        /* two classes */
        {"alice", "ABCDEFGH1", 0},       /* two classes */
        {"Admin_01", "admin_01", 0},     /* the username, any case */
        {"Admin_01", "10_nimdA", 0},     /* the username reversed */
        {"alice", "密码很强Abc1", 1},     /* characters, not bytes */
        {"alice", "密码Ab1", 0},          /* 6 characters */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *why = NULL;
        int rc = password_check_policy(v[i].user, v[i].pw, &why);
        if (v[i].ok)
            assert_int_equal(rc, 0);
        else {
            assert_int_equal(rc, ERR_INVAL);
            assert_non_null(why);
        }
    }
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
    assert_int_equal(n, 7);
    assert_int_equal(role_find("school_admin")->township, TOWNSHIP_REQUIRED);
    assert_int_equal(role_find("sysadmin")->township, TOWNSHIP_NONE);
    assert_null(role_find("root"));
    assert_int_equal(R_BUSINESS & (R_SYSADMIN | R_AUDITOR), 0);
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
    cmocka_unit_test(argon2id_hash_verifies),
    cmocka_unit_test(roles_table),
    cmocka_unit_test(audit_hash_covers_every_field),
    cmocka_unit_test(audit_mac_is_keyed),
    cmocka_unit_test(audit_checkpoint_lines),
};

UNIT_GROUP(auth_group, "auth", tests);
