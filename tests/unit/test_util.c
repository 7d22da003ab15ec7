/*
 * test_util.c — unit tests of src/util/util.c: allocation helpers, the
 * growable buffer, the string pool, error values and the small string
 * helpers (trim incl. U+3000, display width with CJK, edit distance).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"
#include "util/dynload.h"

/* ---- buf ---- */

static void test_buf_basic(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    assert_string_equal(buf_cstr(&b), "");
    assert_null(b.data);
    buf_puts(&b, "hello");
    buf_putc(&b, ' ');
    buf_append(&b, "world!!", 5);
    assert_int_equal(b.len, 11);
    assert_string_equal(buf_cstr(&b), "hello world");
    buf_printf(&b, " %d-%s", 42, "x");
    assert_string_equal(buf_cstr(&b), "hello world 42-x");
    assert_int_equal(b.len, strlen("hello world 42-x"));
    buf_append(&b, NULL, 0);
    assert_int_equal(b.len, 16);
    buf_clear(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(buf_cstr(&b), "");
    assert_non_null(b.data);   /* memory kept */
    buf_printf(&b, "%s", "");
    assert_string_equal(buf_cstr(&b), "");
    buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
}

static void test_buf_grow(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    size_t want = 0;
    for (int i = 0; i < 5000; i++) {
        buf_printf(&b, "%d,", i);
        char tmp[16];
        want += (size_t)snprintf(tmp, sizeof tmp, "%d,", i);
        assert_true(b.cap > b.len);
        assert_int_equal(b.data[b.len], '\0');
    }
    assert_int_equal(b.len, want);
    assert_int_equal(strlen(b.data), want);
    assert_memory_equal(b.data, "0,1,2,3,", 8);
    assert_memory_equal(b.data + want - 5, "4999,", 5);
    /* a big single append */
    char *big = xmalloc(100000);
    memset(big, 'z', 100000);
    buf_append(&b, big, 100000);
    assert_int_equal(b.len, want + 100000);
    assert_int_equal(b.data[b.len - 1], 'z');
    assert_int_equal(b.data[b.len], '\0');
    free(big);
    buf_free(&b);
}

static void test_buf_detach(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    char *s = buf_detach(&b);   /* empty: a fresh "" */
    assert_string_equal(s, "");
    free(s);
    buf_puts(&b, "abc");
    s = buf_detach(&b);
    assert_string_equal(s, "abc");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    buf_puts(&b, "again");   /* usable after detach */
    assert_string_equal(buf_cstr(&b), "again");
    buf_free(&b);
}

static void test_alloc_helpers(void **state)
{
    (void)state;
    char *s = xstrdup("héllo");
    assert_string_equal(s, "héllo");
    free(s);
    s = xstrndup("abcdef", 3);
    assert_string_equal(s, "abc");
    free(s);
    s = xasprintf("%s=%d", "n", 7);
    assert_string_equal(s, "n=7");
    free(s);
    s = xasprintf("%s", "");
    assert_string_equal(s, "");
    free(s);
    int *v = xcalloc(10, sizeof *v);
    for (int i = 0; i < 10; i++) assert_int_equal(v[i], 0);
    v = xreallocarray(v, 1000, sizeof *v);
    v[999] = 5;
    free(v);
    void *z = xmalloc(0);   /* never NULL */
    assert_non_null(z);
    free(z);
    assert_int_equal(size_add(3, 4), 7);
    assert_int_equal(size_add(SIZE_MAX - 1, 1), SIZE_MAX);
}

/* ---- strpool ---- */

static void test_strpool(void **state)
{
    (void)state;
    strpool_t *p = strpool_new();
    const char *a = strpool_intern(p, "alpha", (size_t)-1);
    const char *b = strpool_intern(p, "alphabet", 5);   /* prefix: "alpha" */
    assert_ptr_equal(a, b);
    assert_string_equal(a, "alpha");
    const char *c = strpool_intern(p, "alphabet", (size_t)-1);
    assert_ptr_not_equal(a, c);
    assert_string_equal(c, "alphabet");
    const char *e = strpool_intern(p, "", 0);
    assert_string_equal(e, "");
    assert_ptr_equal(e, strpool_intern(p, "", (size_t)-1));
    assert_int_equal(strpool_count(p), 3);
    /* the pooled copy is independent of the caller's buffer */
    char tmp[8] = "华东";
    const char *h = strpool_intern(p, tmp, (size_t)-1);
    tmp[0] = 'x';
    assert_string_equal(h, "华东");
    assert_ptr_equal(h, strpool_intern(p, "华东", (size_t)-1));
    assert_int_equal(strpool_count(p), 4);
    strpool_free(p);
    strpool_free(NULL);
}

/* many strings: forces the slot table to grow and chunks to chain */
static void test_strpool_many(void **state)
{
    (void)state;
    strpool_t *p = strpool_new();
    enum { N = 20000 };
    const char **ptrs = xcalloc(N, sizeof *ptrs);
    char key[64];
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%d-%s", i, i % 3 ? "xxxxxxxxxxxxxxxxxxxx" : "y");
        ptrs[i] = strpool_intern(p, key, (size_t)-1);
    }
    assert_int_equal(strpool_count(p), N);
    for (int i = 0; i < N; i++) {
        snprintf(key, sizeof key, "key-%d-%s", i, i % 3 ? "xxxxxxxxxxxxxxxxxxxx" : "y");
        assert_ptr_equal(strpool_intern(p, key, (size_t)-1), ptrs[i]);
        assert_string_equal(ptrs[i], key);
    }
    assert_int_equal(strpool_count(p), N);
    /* a string bigger than a chunk */
    char *big = xmalloc(200001);
    memset(big, 'q', 200000);
    big[200000] = '\0';
    const char *bp = strpool_intern(p, big, (size_t)-1);
    assert_int_equal(strlen(bp), 200000);
    assert_ptr_equal(bp, strpool_intern(p, big, 200000));
    free(big);
    free(ptrs);
    strpool_free(p);
}

/* ---- errors ---- */

static void test_err(void **state)
{
    (void)state;
    sp_err e = SP_ERR_INIT;
    assert_true(err_ok(&e));
    assert_int_equal(err_exit_code(&e), 0);
    assert_int_equal(err_http_status(&e), 200);
    err_set(&e, SP_ENOTFOUND, "%s:%d:%d: no such goal", "plan.yaml", 3, 5);
    assert_false(err_ok(&e));
    err_set(&e, SP_EINVAL, "second\n");
    assert_int_equal(e.cls, SP_ENOTFOUND);   /* first class wins */
    assert_int_equal(e.count, 2);
    assert_string_equal(buf_cstr(&e.msg), "plan.yaml:3:5: no such goal\nsecond\n");
    assert_int_equal(err_exit_code(&e), 1);
    assert_int_equal(err_http_status(&e), 404);
    err_clear(&e);
    assert_true(err_ok(&e));
    assert_int_equal(e.count, 0);
    assert_string_equal(buf_cstr(&e.msg), "");
    err_set(&e, SP_EUSAGE, "bad flag");
    assert_int_equal(err_exit_code(&e), 2);
    assert_int_equal(err_http_status(&e), 400);
    err_free(&e);
    assert_true(err_ok(&e));
    assert_null(e.msg.data);

    static const struct {
        sp_errclass c;
        int exit, http;
    } map[] = {
        {SP_OK, 0, 200},          {SP_EINVAL, 1, 400},    {SP_EUSAGE, 2, 400},
        {SP_EFORBIDDEN, 1, 403},  {SP_ENOTFOUND, 1, 404}, {SP_ECONFLICT, 1, 409},
        {SP_ETRANSIENT, 1, 503},  {SP_EIO, 1, 500},       {SP_EINTERNAL, 1, 500},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        sp_err x = SP_ERR_INIT;
        x.cls = map[i].c;
        assert_int_equal(err_exit_code(&x), map[i].exit);
        assert_int_equal(err_http_status(&x), map[i].http);
    }
}

/* ---- strings ---- */

static void test_str_eq(void **state)
{
    (void)state;
    assert_true(str_eq("a", "a"));
    assert_false(str_eq("a", "b"));
    assert_false(str_eq("a", NULL));
    assert_false(str_eq(NULL, "a"));
    assert_true(str_eq(NULL, NULL));
    assert_true(str_ieq("Revenue", "rEVENUE"));
    assert_false(str_ieq("Revenue", "Revenues"));
    assert_false(str_ieq("abc", "ab"));
    assert_true(str_ieq("", ""));
    assert_false(str_ieq(NULL, "x"));
    assert_true(str_ieq(NULL, NULL));
    assert_true(str_ieq("华东", "华东"));
}

static void test_str_trim(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"", ""},
        {"   ", ""},
        {"abc", "abc"},
        {"  abc  ", "abc"},
        {"\t\r\nabc\n", "abc"},
        {"a b", "a b"},
        {"\xE3\x80\x80" "华东" "\xE3\x80\x80", "华东"},
        {"\xE3\x80\x80\xE3\x80\x80", ""},
        {" \xE3\x80\x80 x \xE3\x80\x80 ", "x"},
        {"a\xE3\x80\x80" "b", "a\xE3\x80\x80" "b"},   /* inner spaces kept */
        {"\xE3\x80", "\xE3\x80"},                     /* truncated sequence kept */
        {"\xE3", "\xE3"},
        {"x\xE3\x80", "x\xE3\x80"},
        {"中文", "中文"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = xstrdup(cases[i].in);
        char *r = str_trim(s);
        assert_ptr_equal(r, s);
        assert_string_equal(r, cases[i].want);
        free(s);
    }
}

static void test_utf8(void **state)
{
    (void)state;
    assert_int_equal(utf8_width(""), 0);
    assert_int_equal(utf8_width("abc"), 3);
    assert_int_equal(utf8_width("华东"), 4);
    assert_int_equal(utf8_width("华东 region"), 11);
    assert_int_equal(utf8_width("销售计划2026"), 12);
    assert_int_equal(utf8_width("，"), 2);          /* full-width comma */
    assert_int_equal(utf8_width("ｱ"), 1);           /* half-width katakana */
    assert_int_equal(utf8_width("é"), 1);
    assert_int_equal(utf8_width("e\xCC\x81"), 1);   /* combining accent: 0 */
    assert_int_equal(utf8_width("¥100"), 4);
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid("abc", 3));
    assert_true(utf8_valid("华东", strlen("华东")));
    assert_false(utf8_valid("\xE5\x8D", 2));        /* truncated */
    assert_false(utf8_valid("\xFF", 1));
    assert_false(utf8_valid("\xC0\xAF", 2));        /* overlong '/' */
    assert_false(utf8_valid("\xED\xA0\x80", 3));    /* surrogate */
    assert_true(utf8_valid("a\0b", 3));             /* NUL is valid UTF-8 */
    assert_true(utf8_valid("华东", 3));             /* only the first char */
    assert_false(utf8_valid("华东", 4));
}

static void test_str_distance(void **state)
{
    (void)state;
    static const struct {
        const char *a, *b;
        size_t d;
    } cases[] = {
        {"", "", 0},          {"a", "", 1},            {"", "abc", 3},
        {"abc", "abc", 0},    {"kitten", "sitting", 3}, {"flaw", "lawn", 2},
        {"revenue", "revenu", 1}, {"revenue", "revnue", 1}, {"status", "statsu", 2},
        {"abc", "xyz", 3},  {"abc", "cba", 2},      {"intention", "execution", 5},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(str_distance(cases[i].a, cases[i].b), cases[i].d);
        assert_int_equal(str_distance(cases[i].b, cases[i].a), cases[i].d);
    }
    /* long strings: bounded work, a distance no smaller than the length gap */
    char *l1 = xmalloc(201), *l2 = xmalloc(11);
    memset(l1, 'a', 200);
    l1[200] = '\0';
    memset(l2, 'a', 10);
    l2[10] = '\0';
    assert_true(str_distance(l1, l2) >= 190);
    free(l1);
    free(l2);
    /* counted in code points, not bytes: one Chinese character is one edit */
    assert_int_equal(str_distance("华男", "华南"), 1);
    assert_int_equal(str_distance("制造业组", "制造业"), 1);
    assert_int_equal(str_distance("Eest", "East"), 1);
    assert_int_equal(str_distance("华东", "华东"), 0);
}

/* utf8_truncate: by display columns (CJK = 2), whole characters, "…" last */
static void test_utf8_truncate(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        size_t w;
        const char *want;
    } cases[] = {
        {"abcdef", 6, "abcdef"},   {"abcdef", 5, "abcd…"},     {"abcdef", 0, "abcdef"},
        {"华东制造业", 10, "华东制造业"}, {"华东制造业", 9, "华东制造…"}, {"华东制造业", 8, "华东制…"},
        {"华东制造业", 7, "华东制…"},  {"a华b", 3, "a…"},          {"", 3, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t b = BUF_INIT;
        utf8_truncate(cases[i].s, cases[i].w, &b);
        assert_string_equal(buf_cstr(&b), cases[i].want);
        if (cases[i].w) assert_true(utf8_width(buf_cstr(&b)) <= cases[i].w);
        buf_free(&b);
    }
}

/* money_shown: yuan grouped with cents; 万 with at most two decimals */
static void test_money_text(void **state)
{
    (void)state;
    static const struct {
        int64_t fen;
        sp_money_unit u;
        const char *want;
    } cases[] = {
        {5000000000LL, MONEY_YUAN, "50,000,000.00"}, {123456789, MONEY_YUAN, "1,234,567.89"},
        {-5, MONEY_YUAN, "-0.05"},                   {0, MONEY_YUAN, "0.00"},
        {5000000000LL, MONEY_WAN, "5,000万"},        {4520547945LL, MONEY_WAN, "4,520.55万"},
        {4036000000LL, MONEY_WAN, "4,036万"},        {4903346, MONEY_WAN, "4.9万"},
        {1235000, MONEY_WAN, "1.24万"},              {1234999, MONEY_WAN, "1.23万"},
        {-1500000, MONEY_WAN, "-1.5万"},             {4000, MONEY_WAN, "0万"},
        {-4000, MONEY_WAN, "0万"},                   {100000000000LL, MONEY_WAN, "100,000万"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char b[48];
        assert_string_equal(money_shown(cases[i].fen, cases[i].u, b), cases[i].want);
    }
    assert_int_equal(money_unit_parse("万"), MONEY_WAN);
    assert_int_equal(money_unit_parse("wan"), MONEY_WAN);
    assert_int_equal(money_unit_parse("yuan"), MONEY_YUAN);
    assert_int_equal(money_unit_parse("元"), MONEY_YUAN);
    assert_int_equal(money_unit_parse("k"), -1);
}

/* text_join_lines: a one-per-line list shown on one line */
static void test_text_join_lines(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    text_join_lines("a\nb\nc", "; ", &b);
    assert_string_equal(buf_cstr(&b), "a; b; c");
    buf_free(&b);
    text_join_lines("大单推迟\n预算冻结", "；", &b);
    assert_string_equal(buf_cstr(&b), "大单推迟；预算冻结");
    buf_free(&b);
}

/* arena_add: offsets + 1 that stay right while the block grows */
static void test_arena_add(void **state)
{
    (void)state;
    char *a = NULL;
    size_t n = 0, cap = 0;
    uintptr_t at[300];
    char want[300][16];
    for (int i = 0; i < 300; i++) {
        if (i % 7) snprintf(want[i], sizeof want[i], "客户%d", i);
        else want[i][0] = 0; /* an empty string too */
        at[i] = arena_add(&a, &n, &cap, want[i]);
        assert_true(at[i] >= 1 && n <= cap);
    }
    for (int i = 0; i < 300; i++) assert_string_equal(a + at[i] - 1, want[i]);
    free(a);
}

/* dyn_load: a library's functions through pointers of their declared
 * types; a missing library or function is false with a reason, never a
 * crash at the first call */
#define LIBM_FNS(X) X(cbrt) X(hypot)
LIBM_FNS(DYN_PTR)
static void test_dynload(void **state)
{
    (void)state;
    static const char *const names[] = {LIBM_FNS(DYN_NAME)};
    static void **const slots[] = {LIBM_FNS(DYN_SLOT)};
    static dyn_lib lib = DYN_LIB_INIT;
    assert_true(dyn_load(&lib, "libm.so.6", names, slots, 2));
    assert_true(dyn_load(&lib, "libm.so.6", names, slots, 2)); /* once: the same answer */
    assert_true(dyn_cbrt(27.0) > 2.999 && dyn_cbrt(27.0) < 3.001);
    assert_true(dyn_hypot(3.0, 4.0) > 4.999 && dyn_hypot(3.0, 4.0) < 5.001);
    static dyn_lib missing = DYN_LIB_INIT;
    assert_false(dyn_load(&missing, "libsalesplan-no-such-library.so.9", names, slots, 2));
    assert_non_null(strstr(missing.why, "libsalesplan-no-such-library"));
    static const char *const bad_names[] = {"cbrt", "salesplan_no_such_function"};
    static double (*p1)(double), (*p2)(double);
    static void **const bad_slots[] = {(void **)&p1, (void **)&p2};
    static dyn_lib nofn = DYN_LIB_INIT;
    assert_false(dyn_load(&nofn, "libm.so.6", bad_names, bad_slots, 2));
    assert_non_null(strstr(nofn.why, "salesplan_no_such_function"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_basic),     cmocka_unit_test(test_buf_grow),
        cmocka_unit_test(test_buf_detach),    cmocka_unit_test(test_alloc_helpers),
        cmocka_unit_test(test_strpool),       cmocka_unit_test(test_strpool_many),
        cmocka_unit_test(test_err),           cmocka_unit_test(test_str_eq),
        cmocka_unit_test(test_str_trim),      cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_str_distance),
        cmocka_unit_test(test_utf8_truncate),
        cmocka_unit_test(test_text_join_lines),
        cmocka_unit_test(test_money_text),
        cmocka_unit_test(test_dynload),
        cmocka_unit_test(test_arena_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
