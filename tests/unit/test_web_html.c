/*
 * test_web_html.c — the web face's writers: each escaper in its context
 * (hostile names never become markup, script or a link), the page frame
 * (style and script only under the nonce, no inline style or handler,
 * nothing from outside, the language switch keeps the page), money in 万
 * in Chinese, and the SVG charts (every label escaped, shapes present).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/i18n.h"
#include "web/html.h"
#include "web/svg.h"

static const char *const hostile[] = {
    "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' onmouseover='x", "javascript:alert(1)",
    "</style><script>x</script>", "a&b", "x`y=z",
};

/* no_markup: s contains none of the characters that open markup or end
 * an attribute. */
static void assert_no_markup(const char *s)
{
    assert_null(strchr(s, '<'));
    assert_null(strchr(s, '>'));
    assert_null(strchr(s, '"'));
    assert_null(strchr(s, '\''));
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

static void test_text_and_attr(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        buf_t b = BUF_INIT;
        html_text(&b, hostile[i]);
        assert_no_markup(buf_cstr(&b));
        buf_clear(&b);
        html_attr(&b, hostile[i]);
        assert_no_markup(buf_cstr(&b));
        assert_null(strchr(buf_cstr(&b), '`'));
        assert_null(strchr(buf_cstr(&b), '='));
        buf_free(&b);
    }
    buf_t b = BUF_INIT;
    html_text(&b, "a<b>&\"c'");
    assert_string_equal(buf_cstr(&b), "a&lt;b&gt;&amp;&quot;c&#39;");
    buf_clear(&b);
    html_text(&b, NULL);
    assert_string_equal(buf_cstr(&b), "");
    html_text(&b, "华东 ok");
    assert_string_equal(buf_cstr(&b), "华东 ok");
    buf_clear(&b);
    html_attr(&b, "a=b\nc");
    assert_string_equal(buf_cstr(&b), "a&#61;b&#10;c");
    buf_free(&b);
}

static void test_url_json(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    html_url(&b, "华东 a&b=c/d?e#f");
    assert_string_equal(buf_cstr(&b), "%E5%8D%8E%E4%B8%9C%20a%26b%3Dc%2Fd%3Fe%23f");
    buf_clear(&b);
    html_url(&b, "Az09-_.~");
    assert_string_equal(buf_cstr(&b), "Az09-_.~");
    buf_clear(&b);
    html_json(&b, "</script><!-- \"x\" \\ \n\x01 \xE2\x80\xA8 华");
    assert_string_equal(buf_cstr(&b),
                        "\"\\u003c/script\\u003e\\u003c!-- \\\"x\\\" \\\\ \\n\\u0001 \\u2028 华\"");
    assert_null(strstr(buf_cstr(&b), "</"));
    buf_free(&b);
}

static void test_href(void **state)
{
    (void)state;
    assert_true(html_href_ok("/tasks?owner=r1"));
    assert_true(html_href_ok("?lang=zh"));
    assert_true(html_href_ok("https://example.com/x"));
    assert_false(html_href_ok("//evil.example/x"));
    assert_false(html_href_ok("javascript:alert(1)"));
    assert_false(html_href_ok("JaVaScRiPt:alert(1)"));
    assert_false(html_href_ok(" javascript:alert(1)"));
    assert_false(html_href_ok("data:text/html,x"));
    assert_false(html_href_ok("/\\evil"));
    assert_false(html_href_ok("/a\tb"));
    assert_false(html_href_ok(""));
    assert_false(html_href_ok(NULL));
    buf_t b = BUF_INIT;
    html_href(&b, "javascript:alert(1)");
    assert_string_equal(buf_cstr(&b), "#");
    buf_clear(&b);
    html_href(&b, "/c?x=\"><script>");
    assert_no_markup(buf_cstr(&b));
    buf_free(&b);
}

static void test_money(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    web_money(&b, LANG_ZH, 5000000000LL); /* 5000万 */
    assert_string_equal(buf_cstr(&b), "5,000万");
    buf_clear(&b);
    web_money(&b, LANG_EN, 5000000000LL);
    assert_string_equal(buf_cstr(&b), "50,000,000.00");
    buf_clear(&b);
    web_money(&b, LANG_ZH, 99999); /* 999.99 yuan stays in yuan */
    assert_string_equal(buf_cstr(&b), "999.99");
    buf_clear(&b);
    web_qty(&b, LANG_EN, UNIT_RATIO, qty_int(250000)); /* ppm */
    assert_string_equal(buf_cstr(&b), "25.0%");
    buf_clear(&b);
    web_qty(&b, LANG_EN, UNIT_MONEY, qty_null());
    assert_string_equal(buf_cstr(&b), "—");
    buf_free(&b);
}

static web_page hostile_page(sp_lang lang)
{
    web_page pg = {0};
    pg.lang = lang;
    pg.nonce = "bm9uY2U=";
    pg.csrf = "tok\"en";
    pg.user = "<b>王五</b>";
    pg.role = "manager";
    pg.path = "/tasks";
    pg.query = "owner=\"><script>x</script>";
    pg.plan_name = "<script>plan</script>";
    pg.nav = NAV_TASKS;
    return pg;
}

static void test_frame(void **state)
{
    (void)state;
    for (int l = 0; l < LANG_COUNT; l++) {
        web_page pg = hostile_page((sp_lang)l);
        buf_t b = BUF_INIT;
        html_begin(&b, &pg, "</title><script>t</script>");
        buf_puts(&b, "<p>body</p>");
        html_end(&b, &pg);
        const char *s = buf_cstr(&b);
        /* the only script and style elements are ours, under the nonce */
        assert_int_equal(count(s, "<script"), 1);
        assert_int_equal(count(s, "<script nonce=\"bm9uY2U&#61;\">"), 1);
        assert_int_equal(count(s, "<style nonce=\"bm9uY2U&#61;\">"), 1);
        assert_int_equal(count(s, "<style"), 1);
        /* no inline style attribute, no event handler attribute, nothing from outside */
        assert_null(strstr(s, " style="));
        assert_null(strstr(s, " onerror"));
        assert_null(strstr(s, " onclick"));
        assert_null(strstr(s, "src=\"http"));
        assert_null(strstr(s, "href=\"http"));
        assert_null(strstr(s, "<b>王五"));
        assert_non_null(strstr(s, "&lt;b&gt;王五"));
        assert_non_null(strstr(s, "value=\"tok&quot;en\""));
        assert_non_null(strstr(s, l == LANG_ZH ? "<html lang=\"zh-CN\">" : "<html lang=\"en\">"));
        /* the language switch stays on the page, the query escaped */
        assert_non_null(strstr(s, l == LANG_ZH ? "href=\"/tasks?owner&#61;&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;lang&#61;en\""
                                               : "&amp;lang&#61;zh\""));
        /* the current entry is marked; a manager sees imports */
        assert_non_null(strstr(s, "href=\"/tasks\" class=\"cur\""));
        assert_non_null(strstr(s, "href=\"/imports\""));
        assert_non_null(strstr(s, l == LANG_ZH ? "任务" : "Tasks"));
        buf_free(&b);
    }
    /* a rep sees neither budget nor imports; logged out: no navigation */
    web_page pg = hostile_page(LANG_EN);
    pg.role = "rep";
    buf_t b = BUF_INIT;
    html_begin(&b, &pg, "x");
    assert_null(strstr(buf_cstr(&b), "href=\"/imports\""));
    assert_null(strstr(buf_cstr(&b), "href=\"/budget\""));
    buf_clear(&b);
    pg.user = NULL;
    pg.csrf = NULL;
    html_begin(&b, &pg, "x");
    assert_null(strstr(buf_cstr(&b), "<nav"));
    assert_null(strstr(buf_cstr(&b), "/logout"));
    buf_free(&b);
}

static void test_css_js(void **state)
{
    (void)state;
    /* responsive, printable A4 landscape, nothing from outside */
    assert_non_null(strstr(web_css, "@media (max-width:"));
    assert_non_null(strstr(web_css, "size:A4 landscape"));
    assert_null(strstr(web_css, "url("));
    assert_null(strstr(web_css, "@import"));
    assert_null(strstr(web_js, "eval("));
    assert_null(strstr(web_js, "innerHTML"));
    assert_null(strstr(web_js, "</script"));
    assert_null(strstr(web_css, "</style"));
}

static void test_svg(void **state)
{
    (void)state;
    const char *evil = "<script>alert(1)</script>";
    buf_t b = BUF_INIT;
    svg_progress(&b, 0.5, 0.75, GOAL_AT_RISK, evil);
    assert_non_null(strstr(buf_cstr(&b), "width=\"80.0\""));     /* half of 160 */
    assert_non_null(strstr(buf_cstr(&b), "x1=\"120.0\""));       /* the marker at 75 % */
    assert_non_null(strstr(buf_cstr(&b), svg_status_colour(GOAL_AT_RISK)));
    assert_null(strstr(buf_cstr(&b), "<script"));
    buf_clear(&b);
    svg_progress(&b, 2.0, -1, GOAL_ACHIEVED, "x");               /* over: full, no marker */
    assert_non_null(strstr(buf_cstr(&b), "width=\"160.0\""));
    assert_null(strstr(buf_cstr(&b), "class=\"exp\""));
    buf_clear(&b);

    svg_trend_pt pts[3] = {{"2026-01", 100000, 80000}, {evil, 150000, 160000}, {"2026-03", -1, 240000}};
    svg_trend(&b, LANG_ZH, pts, 3, true, evil);
    assert_null(strstr(buf_cstr(&b), "<script"));
    assert_int_equal(count(buf_cstr(&b), "<circle"), 2);        /* two reached months */
    assert_non_null(strstr(buf_cstr(&b), "class=\"target\""));
    buf_clear(&b);

    svg_funnel_stage st[3] = {{evil, 100, "100", true, 150, evil}, {"opp", 40, "40", false, 0, NULL},
                              {"won", 10, "10", false, 0, NULL}};
    svg_funnel(&b, st, 3, "funnel");
    assert_null(strstr(buf_cstr(&b), "<script"));
    assert_non_null(strstr(buf_cstr(&b), "40.0%"));             /* 100 → 40 */
    assert_non_null(strstr(buf_cstr(&b), "25.0%"));             /* 40 → 10 */
    assert_non_null(strstr(buf_cstr(&b), "class=\"need\""));
    buf_clear(&b);

    size_t d01[1] = {0};
    svg_gantt_task gt[2] = {
        {evil, "王五", day_from_ymd(2026, 1, 5), day_from_ymd(2026, 2, 20), true, false, false, false, NULL, 0},
        {"b", NULL, day_from_ymd(2026, 2, 21), day_from_ymd(2026, 4, 1), true, false, true, false, d01, 1},
    };
    svg_gantt(&b, LANG_EN, gt, 2, day_from_ymd(2026, 3, 1), evil);
    assert_null(strstr(buf_cstr(&b), "<script"));
    assert_int_equal(count(buf_cstr(&b), "class=\"dep crit\""), 1);
    assert_int_equal(count(buf_cstr(&b), "class=\"task crit"), 2);
    assert_int_equal(count(buf_cstr(&b), "late\""), 1);
    assert_int_equal(count(buf_cstr(&b), "class=\"today\""), 1);
    buf_clear(&b);

    /* today two days before a month starts, tasks months later: the start
     * month's label stands alone, the next month's would overlap it */
    svg_gantt_task late[1] = {
        {"t", NULL, day_from_ymd(2027, 1, 4), day_from_ymd(2027, 2, 28), true, false, false, false, NULL, 0}};
    svg_gantt(&b, LANG_ZH, late, 1, day_from_ymd(2026, 11, 29), "g");
    assert_int_equal(count(buf_cstr(&b), ">2026-11</text>"), 1);
    assert_int_equal(count(buf_cstr(&b), ">12</text>"), 0);
    assert_int_equal(count(buf_cstr(&b), ">2027-01</text>"), 1);
    assert_int_equal(count(buf_cstr(&b), ">02</text>"), 1);
    buf_clear(&b);

    svg_budget_line bl[2] = {{evil, 1e7, 5e6, 2e6, false}, {"ads", 1e6, 0, 2e6, true}};
    svg_budget(&b, LANG_ZH, bl, 2, "budget");
    assert_null(strstr(buf_cstr(&b), "<script"));
    assert_int_equal(count(buf_cstr(&b), "class=\"spent\""), 2);
    assert_non_null(strstr(buf_cstr(&b), "10万"));               /* 1e7 fen = 10万 yuan */
    assert_int_equal(count(buf_cstr(&b), "<svg"), count(buf_cstr(&b), "</svg>"));
    assert_null(strstr(buf_cstr(&b), " style="));
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_and_attr), cmocka_unit_test(test_url_json), cmocka_unit_test(test_href),
        cmocka_unit_test(test_money),         cmocka_unit_test(test_frame),    cmocka_unit_test(test_css_js),
        cmocka_unit_test(test_svg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
