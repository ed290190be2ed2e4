/*
 * test_auth.c - the password policy, argon2id hashing, roles and the audit
 * row hash.
 */
#include "unit.h"

#include "../../src/core/err.h"
#include "../../src/domain/audit.h"
#include "../../src/domain/auth.h"
#include "../../src/domain/roles.h"

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

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(password_policy_vectors),
    cmocka_unit_test(argon2id_hash_verifies),
    cmocka_unit_test(roles_table),
    cmocka_unit_test(audit_hash_covers_every_field),
};

UNIT_GROUP(auth_group, "auth", tests);
