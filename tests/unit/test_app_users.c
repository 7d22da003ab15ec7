/*
 * test_app_users.c — the user and token verbs (app/app_users.h) that the
 * CLI's `user …` / `token …` / `init` and the web face's users page share:
 * checks with usage errors, generated passwords that verify, the end of
 * sessions on a new password or a disabled user, the last enabled admin,
 * tokens kept by their hash and revoked, the first admin made once, the
 * JSON shapes, messages in the request's language.
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

#include "app/app_users.h"
#include "store/store.h"

static char dbpath[256];
static sp_store *st;

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/sp-test-app-users-%d.db", (int)getpid());
    unlink(dbpath);
    sp_err err = SP_ERR_INIT;
    st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    assert_true(auth_init());
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    char p[300];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static sp_app_req req(sp_lang lang)
{
    sp_app_req r;
    memset(&r, 0, sizeof r);
    r.st = st;
    r.scope.kind = SCOPE_ALL;
    r.lang = lang;
    return r;
}

static bool add(const char *login, const char *role, const char *rep, const char *groups, const char *pw,
                sp_user_secret *res, sp_err *err)
{
    sp_user_add_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r = req(LANG_EN);
    rq.login = login;
    rq.role = role;
    rq.rep = rep;
    rq.groups = groups;
    rq.password = pw;
    memset(res, 0, sizeof *res);
    return app_user_add(&rq, res, err);
}

static void test_user_add(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_user_secret res;
    /* generated: 16 characters, shown once, verifies against the stored hash */
    assert_true(add("ann", "admin", NULL, NULL, NULL, &res, &err));
    assert_non_null(res.secret);
    assert_int_equal(strlen(res.secret), 16);
    assert_true(res.id > 0);
    sp_user_rec u;
    assert_true(st->ops->user_get(st, "ann", 0, &u, &err));
    assert_string_equal(u.role, "admin");
    assert_true(auth_password_ok(u.pw_hash, res.secret));
    assert_false(auth_password_ok(u.pw_hash, "something else"));
    user_rec_clear(&u);
    app_user_secret_free(&res);
    assert_null(res.secret);
    /* given: no secret back */
    assert_true(add("bob", "rep", "r002", NULL, "a-good-password", &res, &err));
    assert_null(res.secret);
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    assert_string_equal(u.rep_id, "r002");
    assert_true(auth_password_ok(u.pw_hash, "a-good-password"));
    user_rec_clear(&u);
    /* the same login: a conflict, not a usage error */
    assert_false(add("ann", "viewer", NULL, NULL, NULL, &res, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    assert_false(res.bad_param);
    assert_null(res.secret);
    assert_non_null(strstr(buf_cstr(&err.msg), "exists already"));
    err_clear(&err);
    /* usage errors, each flagged as about the request */
    struct {
        const char *login, *role, *rep, *groups, *pw;
    } bad[] = {
        {"", "admin", NULL, NULL, NULL},          {"with space", "admin", NULL, NULL, NULL},
        {"x", "root", NULL, NULL, NULL},          {"x", "rep", NULL, NULL, NULL},
        {"x", "manager", NULL, NULL, NULL},       {"x", "manager", NULL, "a,,b", NULL},
        {"x", "manager", NULL, "a b", NULL},      {"x", "viewer", NULL, NULL, "short"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(add(bad[i].login, bad[i].role, bad[i].rep, bad[i].groups, bad[i].pw, &res, &err));
        assert_int_equal(err.cls, SP_EUSAGE);
        assert_true(res.bad_param);
        err_clear(&err);
    }
    sp_user_rec *v;
    size_t n;
    sp_app_req r = req(LANG_EN);
    assert_true(app_user_list(&r, &v, &n, &err));
    assert_int_equal(n, 2);   /* nothing written by the refused ones */
    assert_null(v[0].pw_hash);
    user_recs_free(v, n);
    /* a message in the request's language */
    sp_user_add_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r = req(LANG_ZH);
    rq.login = "ann";
    rq.role = "viewer";
    assert_false(app_user_add(&rq, &res, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "已存在"));
    err_free(&err);
}

static void test_passwd_and_disable(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_app_req r = req(LANG_EN);
    sp_user_rec u;
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    int64_t bob = u.id;
    user_rec_clear(&u);
    int64_t uid;
    char *csrf = NULL;
    assert_true(st->ops->session_put(st, "sess-bob", bob, "c", 1000, 4000000000, &err));
    /* a new password: generated, verifies, the session is gone */
    sp_user_secret res = {0};
    assert_true(app_user_passwd(&r, "bob", NULL, &res, &err));
    assert_non_null(res.secret);
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    assert_true(auth_password_ok(u.pw_hash, res.secret));
    assert_false(auth_password_ok(u.pw_hash, "a-good-password"));
    assert_string_equal(u.rep_id, "r002");   /* nothing else changed */
    user_rec_clear(&u);
    app_user_secret_free(&res);
    assert_false(st->ops->session_get(st, "sess-bob", 2000, &uid, &csrf, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_clear(&err);
    assert_false(app_user_passwd(&r, "nobody", NULL, &res, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_clear(&err);

    /* disable: the session ends; enable again */
    assert_true(st->ops->session_put(st, "sess-bob2", bob, "c", 1000, 4000000000, &err));
    assert_true(app_user_set_disabled(&r, "bob", true, &err));
    assert_false(st->ops->session_get(st, "sess-bob2", 2000, &uid, &csrf, &err));
    err_clear(&err);
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    assert_true(u.disabled);
    user_rec_clear(&u);
    assert_true(app_user_set_disabled(&r, "bob", false, &err));
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    assert_false(u.disabled);
    user_rec_clear(&u);

    /* the last enabled admin stays; with a second admin, one may go */
    assert_false(app_user_set_disabled(&r, "ann", true, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    assert_non_null(strstr(buf_cstr(&err.msg), "last enabled admin"));
    err_clear(&err);
    assert_true(add("cat", "admin", NULL, NULL, NULL, &res, &err));
    app_user_secret_free(&res);
    assert_true(app_user_set_disabled(&r, "ann", true, &err));
    assert_false(app_user_set_disabled(&r, "cat", true, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    err_clear(&err);
    assert_true(app_user_set_disabled(&r, "ann", false, &err));
    assert_false(app_user_set_disabled(&r, "nobody", true, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_free(&err);
}

static void test_tokens(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_app_req r = req(LANG_EN);
    sp_user_secret res = {0};
    assert_true(app_token_add(&r, "bob", "crm sync", &res, &err));
    assert_non_null(res.secret);
    assert_int_equal(strncmp(res.secret, "sp_", 3), 0);
    assert_int_equal(strlen(res.secret), 3 + 43);
    int64_t id = res.id;
    /* kept by its SHA-256 only: the hash finds bob, the secret itself does not */
    char h[65];
    auth_secret_hash(res.secret, h);
    int64_t uid = 0;
    assert_true(st->ops->token_get(st, h, &uid, &err));
    sp_user_rec u;
    assert_true(st->ops->user_get(st, "bob", 0, &u, &err));
    assert_int_equal(uid, u.id);
    user_rec_clear(&u);
    assert_false(st->ops->token_get(st, res.secret, &uid, &err));
    err_clear(&err);
    sp_token_rec *v;
    size_t n;
    assert_true(app_token_list(&r, &v, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].login, "bob");
    assert_string_equal(v[0].label, "crm sync");
    buf_t j = BUF_INIT;
    app_tokens_json(v, n, &j);
    assert_non_null(strstr(buf_cstr(&j), "{\"tokens\":[{\"id\":"));
    assert_non_null(strstr(buf_cstr(&j), "\"login\":\"bob\",\"label\":\"crm sync\",\"revoked\":false"));
    assert_null(strstr(buf_cstr(&j), "sp_"));
    buf_free(&j);
    token_recs_free(v, n);
    /* revoked: the hash no longer answers */
    assert_true(app_token_revoke(&r, id, &err));
    assert_false(st->ops->token_get(st, h, &uid, &err));
    err_clear(&err);
    assert_false(app_token_revoke(&r, 999999, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_clear(&err);
    app_user_secret_free(&res);
    /* an unknown user, a bad label */
    assert_false(app_token_add(&r, "nobody", NULL, &res, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    assert_null(res.secret);
    err_clear(&err);
    assert_false(app_token_add(&r, "bob", "two\nlines", &res, &err));
    assert_true(res.bad_param);
    err_free(&err);
}

static void test_first_admin_and_json(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    char path[300];
    snprintf(path, sizeof path, "%s-first.db", dbpath);
    unlink(path);
    sp_store *s2 = store_open(path, STORE_CREATE, &err);
    assert_non_null(s2);
    sp_app_req r = req(LANG_EN);
    r.st = s2;
    sp_user_secret res = {0};
    bool created = false;
    assert_true(app_first_admin(&r, "admin", &res, &created, &err));
    assert_true(created);
    assert_non_null(res.secret);
    sp_user_rec u;
    assert_true(s2->ops->user_get(s2, "admin", 0, &u, &err));
    assert_string_equal(u.role, "admin");
    assert_true(auth_password_ok(u.pw_hash, res.secret));
    user_rec_clear(&u);
    app_user_secret_free(&res);
    /* once: a workspace with a user gets none */
    assert_true(app_first_admin(&r, "admin", &res, &created, &err));
    assert_false(created);
    assert_null(res.secret);
    sp_user_rec *v;
    size_t n;
    assert_true(app_user_list(&r, &v, &n, &err));
    assert_int_equal(n, 1);
    buf_t j = BUF_INIT;
    app_users_json(v, n, &j);
    const char *s = buf_cstr(&j);
    const char *pre = "{\"users\":[{\"login\":\"admin\",\"name\":\"\",\"role\":\"admin\",\"rep\":\"\","
                      "\"groups\":\"\",\"disabled\":false,\"created_at\":\"";
    assert_int_equal(strncmp(s, pre, strlen(pre)), 0);
    assert_string_equal(s + strlen(s) - 5, "\"}]}\n");
    buf_free(&j);
    user_recs_free(v, n);
    store_close(s2);
    unlink(path);
    err_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_user_add),
        cmocka_unit_test(test_passwd_and_disable),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_first_admin_and_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
