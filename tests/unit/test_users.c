/*
 * test_users.c — the store's users, sessions, API tokens and failed logins
 * (schema 5) on the SQLite backend: conflicts, expiry, disabled users,
 * logout everywhere, revoked tokens, the failure window.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char dbpath[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/sp-test-users-%d.db", (int)getpid());
    unlink(dbpath);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[300];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static sp_store *open_ws(void)
{
    sp_err err = SP_ERR_INIT;
    sp_store *s = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(s);
    return s;
}

static int64_t add_user(sp_store *s, const char *login, const char *role)
{
    sp_user_rec u = {0};
    u.login = (char *)login;
    u.role = (char *)role;
    u.pw_hash = (char *)"$argon2id$fake";
    int64_t id = 0;
    sp_err err = SP_ERR_INIT;
    assert_true(s->ops->user_put(s, &u, true, &id, &err));
    assert_true(id > 0);
    return id;
}

static void test_users(void **state)
{
    (void)state;
    sp_store *s = open_ws();
    sp_err err = SP_ERR_INIT;
    int64_t a = add_user(s, "ann", "admin");
    add_user(s, "bob", "rep");
    /* the same login twice: conflict */
    sp_user_rec dup = {.login = (char *)"ann", .role = (char *)"viewer"};
    assert_false(s->ops->user_put(s, &dup, true, NULL, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    err_free(&err);
    err_clear(&err);
    /* a role outside the four: refused by the schema */
    sp_user_rec bad = {.login = (char *)"eve", .role = (char *)"root"};
    assert_false(s->ops->user_put(s, &bad, true, NULL, &err));
    assert_int_not_equal(err.cls, SP_OK);
    err_free(&err);
    err_clear(&err);

    sp_user_rec u;
    assert_true(s->ops->user_get(s, "ann", 0, &u, &err));
    assert_int_equal(u.id, a);
    assert_string_equal(u.role, "admin");
    assert_string_equal(u.pw_hash, "$argon2id$fake");
    assert_false(u.disabled);
    /* update: disable, new role */
    free(u.role);
    u.role = xstrdup("manager");
    free(u.groups);
    u.groups = xstrdup("g1,g2");
    u.disabled = true;
    assert_true(s->ops->user_put(s, &u, false, NULL, &err));
    user_rec_clear(&u);
    assert_true(s->ops->user_get(s, NULL, a, &u, &err));
    assert_string_equal(u.login, "ann");
    assert_string_equal(u.role, "manager");
    assert_string_equal(u.groups, "g1,g2");
    assert_true(u.disabled);
    user_rec_clear(&u);
    assert_false(s->ops->user_get(s, "nobody", 0, &u, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_free(&err);
    err_clear(&err);

    sp_user_rec *all;
    size_t n;
    assert_true(s->ops->user_list(s, &all, &n, &err));
    assert_int_equal(n, 2);
    assert_string_equal(all[0].login, "ann");
    assert_string_equal(all[1].login, "bob");
    user_recs_free(all, n);
    store_close(s);
}

static void test_sessions_and_tokens(void **state)
{
    (void)state;
    sp_store *s = open_ws();
    sp_err err = SP_ERR_INIT;
    int64_t a = add_user(s, "ann", "admin");
    int64_t b = add_user(s, "bob", "rep");
    assert_true(s->ops->session_put(s, "h1", a, "c1", 1000, 2000, &err));
    assert_true(s->ops->session_put(s, "h2", a, "c2", 1000, 2000, &err));
    assert_true(s->ops->session_put(s, "h3", b, "c3", 1000, 1500, &err));
    int64_t uid = 0;
    char *csrf = NULL;
    assert_true(s->ops->session_get(s, "h1", 1999, &uid, &csrf, &err));
    assert_int_equal(uid, a);
    assert_string_equal(csrf, "c1");
    free(csrf);
    /* expired */
    assert_false(s->ops->session_get(s, "h1", 2000, &uid, &csrf, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_free(&err);
    err_clear(&err);
    /* logout everywhere: both of ann's sessions, not bob's */
    assert_true(s->ops->session_delete(s, NULL, a, 1000, &err));
    assert_false(s->ops->session_get(s, "h2", 1001, &uid, &csrf, &err));
    err_free(&err);
    err_clear(&err);
    assert_true(s->ops->session_get(s, "h3", 1001, &uid, &csrf, &err));
    free(csrf);

    int64_t tid = 0;
    assert_true(s->ops->token_put(s, "t1", b, "crm", &tid, &err));
    assert_true(s->ops->token_get(s, "t1", &uid, &err));
    assert_int_equal(uid, b);
    /* a disabled user's token and session stop working */
    sp_user_rec u;
    assert_true(s->ops->user_get(s, "bob", 0, &u, &err));
    u.disabled = true;
    assert_true(s->ops->user_put(s, &u, false, NULL, &err));
    user_rec_clear(&u);
    assert_false(s->ops->token_get(s, "t1", &uid, &err));
    err_free(&err);
    err_clear(&err);
    assert_false(s->ops->session_get(s, "h3", 1001, &uid, &csrf, &err));
    err_free(&err);
    err_clear(&err);
    /* revoke */
    sp_token_rec *toks;
    size_t n;
    assert_true(s->ops->token_list(s, &toks, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(toks[0].login, "bob");
    assert_false(toks[0].revoked);
    token_recs_free(toks, n);
    assert_true(s->ops->token_revoke(s, tid, &err));
    assert_false(s->ops->token_revoke(s, tid + 99, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_free(&err);
    store_close(s);
}

static void test_login_failures(void **state)
{
    (void)state;
    sp_store *s = open_ws();
    sp_err err = SP_ERR_INIT;
    int n = -1;
    for (int i = 0; i < 3; i++) assert_true(s->ops->login_failures(s, "u:ann", true, 100 + i, 0, &n, &err));
    assert_int_equal(n, 3);
    assert_true(s->ops->login_failures(s, "a:1.2.3.4", true, 101, 0, &n, &err));
    assert_int_equal(n, 1);
    /* the window forgets older failures */
    assert_true(s->ops->login_failures(s, "u:ann", false, 200, 102, &n, &err));
    assert_int_equal(n, 1);
    assert_true(s->ops->login_clear(s, "u:ann", &err));
    assert_true(s->ops->login_failures(s, "u:ann", false, 200, 0, &n, &err));
    assert_int_equal(n, 0);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_and_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
