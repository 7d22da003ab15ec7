/*
 * test_web.c — the server core's pure helpers: escapers (HTML, attribute,
 * URL, JSON), field validators, form parsing, route patterns, secrets and
 * password hashes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "web/auth.h"
#include "web/http.h"

static char *esc(void (*f)(buf_t *, const char *), const char *s)
{
    buf_t b = BUF_INIT;
    f(&b, s);
    return buf_detach(&b);
}

static void test_escapers(void **state)
{
    (void)state;
    char *s = esc(web_html, "<script>alert('x')</script> & \"q\"");
    assert_string_equal(s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    free(s);
    s = esc(web_attr, "\" onmouseover=alert(1) x=`");
    assert_null(strchr(s, '"'));
    assert_null(strchr(s, '`'));
    assert_null(strchr(s, '='));
    free(s);
    s = esc(web_url, "javascript:alert(1) 华东/&");
    assert_string_equal(s, "javascript%3Aalert%281%29%20%E5%8D%8E%E4%B8%9C%2F%26");
    free(s);
    s = esc(web_json_str, "a\"b\\c\n</script>\x01");
    assert_string_equal(s, "\"a\\\"b\\\\c\\n\\u003c/script\\u003e\\u0001\"");
    free(s);
}

static void test_validators(void **state)
{
    (void)state;
    const char *why;
    web_field_spec id = {.name = "id", .type = WF_ID};
    assert_true(web_field_check(&id, "r-001_华东.x", &why));
    assert_false(web_field_check(&id, "a b", &why));
    assert_false(web_field_check(&id, "<x>", &why));
    web_field_spec n = {.name = "n", .type = WF_INT, .min = 0, .max = 100};
    assert_true(web_field_check(&n, "100", &why));
    assert_false(web_field_check(&n, "101", &why));
    assert_false(web_field_check(&n, "1e3", &why));
    assert_false(web_field_check(&n, "99999999999999999999", &why));
    web_field_spec d = {.name = "d", .type = WF_DATE};
    assert_true(web_field_check(&d, "2026-02-28", &why));
    assert_false(web_field_check(&d, "2026-02-30", &why));
    web_field_spec e = {.name = "e", .type = WF_ENUM, .choices = "todo|doing|done"};
    assert_true(web_field_check(&e, "doing", &why));
    assert_false(web_field_check(&e, "do", &why));
    web_field_spec t = {.name = "t", .type = WF_TEXT, .max_len = 5};
    assert_true(web_field_check(&t, "a\tb", &why));
    assert_false(web_field_check(&t, "abcdef", &why));
    assert_false(web_field_check(&t, "a\x01", &why));
    assert_false(web_field_check(&t, "\xff\xfe", &why));
    web_field_spec r = {.name = "r", .type = WF_TEXT, .required = true};
    assert_false(web_field_check(&r, "", &why));
    web_field_spec w = {.name = "w", .type = WF_WHERE};
    assert_true(web_field_check(&w, "region:East China", &why));
    assert_false(web_field_check(&w, ":x", &why));
    web_field_spec l = {.name = "l", .type = WF_LIST};
    assert_true(web_field_check(&l, "month,region", &why));
    assert_false(web_field_check(&l, "month,,region", &why));
}

static void test_form_and_paths(void **state)
{
    (void)state;
    char s[] = "a=1&b=x+y%21&c&d=%E5%8D%8E";
    web_field f[8];
    size_t n = web_form_parse(s, f, 8);
    assert_int_equal(n, 4);
    assert_string_equal(f[1].value, "x y!");
    assert_string_equal(f[2].name, "c");
    assert_string_equal(f[2].value, "");
    assert_string_equal(f[3].value, "华");
    char bad[] = "a=%zz";
    assert_int_equal(web_form_parse(bad, f, 8), (size_t)-1);
    char nul[] = "a=%00";
    assert_int_equal(web_form_parse(nul, f, 8), (size_t)-1);
    char many[] = "a&b&c";
    assert_int_equal(web_form_parse(many, f, 2), (size_t)-1);

    web_req req;
    char scratch[256];
    memset(&req, 0, sizeof req);
    assert_true(web_path_match("/api/v1/tasks/{id}", "/api/v1/tasks/t-1", &req, scratch, sizeof scratch));
    assert_string_equal(web_param(&req, "id"), "t-1");
    assert_false(web_path_match("/api/v1/tasks/{id}", "/api/v1/tasks/", &req, scratch, sizeof scratch));
    assert_false(web_path_match("/api/v1/tasks/{id}", "/api/v1/tasks/a/b", &req, scratch, sizeof scratch));
    assert_false(web_path_match("/login", "/login/", &req, scratch, sizeof scratch));
    assert_true(web_path_match("/", "/", &req, scratch, sizeof scratch));
}

static void test_secrets(void **state)
{
    (void)state;
    assert_true(auth_init());
    char *a = auth_random(32), *b = auth_random(32);
    assert_int_equal(strlen(a), 43);
    assert_string_not_equal(a, b);
    char h[65];
    auth_secret_hash("abc", h);
    assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char *hash = NULL;
    sp_err err = SP_ERR_INIT;
    assert_true(auth_password_hash("correct horse", &hash, &err));
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_true(auth_password_ok(hash, "correct horse"));
    assert_false(auth_password_ok(hash, "correct horsE"));
    assert_non_null(auth_password_problem("short"));
    assert_null(auth_password_problem("long enough"));
    assert_non_null(auth_login_problem("a b"));
    assert_null(auth_login_problem("ann.lee@corp"));
    free(hash);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapers),
        cmocka_unit_test(test_validators),
        cmocka_unit_test(test_form_and_paths),
        cmocka_unit_test(test_secrets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
