/*
 * test_value.c — unit tests of src/core/value.c (SPEC §3 value syntax):
 * money, ratios, dates in every accepted form, Excel serials, ISO weeks,
 * fiscal periods, time buckets and exhaustive calendar round trips.
 *
 * Expected day numbers never come from the code under test: they come from
 * ref_day(), a deliberately naive day counter written here (loops over
 * years and months), checked itself against a few values looked up by hand
 * with `date -u -d YYYY-MM-DD +%s` / 86400.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/value.h"

/* ---- an independent reference calendar ---- */

static int ref_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int ref_mdays(int y, int m)
{
    static const int n[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 ? 28 + ref_leap(y) : n[m];
}

/* ref_day: days from 1970-01-01 to y-m-d by counting whole years and months. */
static sp_day ref_day(int y, int m, int d)
{
    long n = 0;
    if (y >= 1970)
        for (int k = 1970; k < y; k++) n += 365 + ref_leap(k);
    else
        for (int k = y; k < 1970; k++) n -= 365 + ref_leap(k);
    for (int k = 1; k < m; k++) n += ref_mdays(y, k);
    return (sp_day)(n + d - 1);
}

static void test_reference_anchors(void **state)
{
    (void)state;
    /* looked up with `date -u -d … +%s` / 86400 and Python's datetime */
    assert_int_equal(ref_day(1970, 1, 1), 0);
    assert_int_equal(ref_day(2026, 7, 15), 20649);
    assert_int_equal(ref_day(2000, 3, 1), 11017);
    assert_int_equal(ref_day(2024, 1, 1), 19723);
    assert_int_equal(ref_day(2024, 2, 29), 19782);
    assert_int_equal(ref_day(1900, 1, 1), -25567);
    assert_int_equal(ref_day(1900, 3, 1), -25508);
    assert_int_equal(ref_day(2100, 12, 31), 47846);
    assert_int_equal(ref_day(1, 1, 1), -719162);
    assert_int_equal(ref_day(9999, 12, 31), 2932896);
    assert_int_equal(SP_DAY_MIN, ref_day(1, 1, 1));
    assert_int_equal(SP_DAY_MAX, ref_day(9999, 12, 31));
}

/* ---- money ---- */

#define YUAN(x) ((sp_money)(x) * 100)

typedef struct money_case {
    const char *in;
    sp_money want;
} money_case;

static void test_money_good(void **state)
{
    (void)state;
    static const money_case cases[] = {
        {"0", 0},
        {"1", YUAN(1)},
        {"-5", YUAN(-5)},
        {"+5", YUAN(5)},
        {"007", YUAN(7)},
        {"0.00", 0},
        {"-0", 0},
        {"0.5", 50},
        {"0.05", 5},
        {"1.230", 123},
        {"1.2", 120},
        {"999", YUAN(999)},
        {"1000", YUAN(1000)},
        {"1,000", YUAN(1000)},
        {"1,000,000", YUAN(1000000)},
        {"12,345.6", 1234560},
        {"1,200,000.50", 120000050},
        {"1，200，000.50", 120000050},
        {"5000万", (sp_money)5000 * 10000 * 100},
        {"5000万元", (sp_money)5000 * 10000 * 100},
        {"5000 万", (sp_money)5000 * 10000 * 100},
        {"1.2亿", (sp_money)120000000 * 100},
        {"1.5万", YUAN(15000)},
        {"1.23456万", 1234560},
        {"1.234567万", 1234567},
        {"0.12345678亿", YUAN(12345678)},
        {"0.0000001亿", YUAN(10)},
        {"0.0000000001亿", 1},
        {"1,000万", (sp_money)1000 * 10000 * 100},
        {"¥1,000", YUAN(1000)},
        {"￥100", YUAN(100)},
        {"$5.5", 550},
        {"€3", YUAN(3)},
        {"£3", YUAN(3)},
        {"CNY 100", YUAN(100)},
        {"RMB100", YUAN(100)},
        {"100 USD", YUAN(100)},
        {"100元", YUAN(100)},
        {"100 元", YUAN(100)},
        {"-¥1,000", YUAN(-1000)},
        {"¥-1,000", YUAN(-1000)},
        {"CNY -100", YUAN(-100)},
        {"  42  ", YUAN(42)},
        {"\xE3\x80\x80" "42" "\xE3\x80\x80", YUAN(42)},
        {"\t-3.10\n", -310},
        {"92233720368547758.07", INT64_MAX},
        {"92,233,720,368,547,758.07", INT64_MAX},
        {"-92233720368547758.07", -INT64_MAX},
        {"9223372036854.775807万", INT64_MAX},
        {"922337203.6854775807亿", INT64_MAX},
        {"100000000亿", (sp_money)1000000000000000000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_money got = 12345;
        const char *why = NULL;
        bool ok = money_parse(cases[i].in, &got, &why);
        if (!ok || got != cases[i].want)
            fail_msg("money_parse(\"%s\"): ok=%d got=%lld want=%lld (%s)", cases[i].in, ok,
                     (long long)got, (long long)cases[i].want, why ? why : "");
    }
}

static void test_money_bad(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "", "   ", "-", "+", "¥", "元", "CNY", "1,00", "1,0000", ",100", "1,,000", "1,000,00",
        "12,34", "1,234,56", "1,000.000,0", "1e5", "1E5", "NaN", "nan", "inf", "Infinity",
        "1.234", "1.001", "1.", ".5", "-.5", "1..2", "1.2.3", "99999999999999999999",
        "1000000000亿", "92233720368547758.08", "-92233720368547758.08", "9223372036854775808",
        "9223372036854.775808万", "922337203.6854775808亿", "¥¥1", "¥1元", "CNY 1 USD", "--1", "+-1", "-¥-1", "1-", "abc",
        "1 2", "1万万", "1万亿", "0x10", "1.5%", "1.2345678万", "0.00000000001亿", "1,2万",
        "cny 1", "1 yuan", "1元元", "(100)", "1\xE4\xB8", "12a", "a12", "1 000",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_money got = 777;
        const char *why = NULL;
        if (money_parse(cases[i], &got, &why))
            fail_msg("money_parse(\"%s\") accepted: %lld", cases[i], (long long)got);
        assert_non_null(why);
        assert_true(strlen(why) > 0);
        assert_int_equal(got, 777);   /* *out untouched on failure */
    }
}

static void test_money_reasons(void **state)
{
    (void)state;
    sp_money m;
    const char *why = NULL;
    assert_false(money_parse("1.234", &m, &why));
    assert_string_equal(why, "more than 2 decimals");
    assert_false(money_parse("99999999999999999999", &m, &why));
    assert_string_equal(why, "amount too large");
    assert_false(money_parse("1000000000亿", &m, &why));
    assert_string_equal(why, "amount too large");
    assert_false(money_parse("1,00", &m, &why));
    assert_string_equal(why, "misplaced thousands separator");
    assert_false(money_parse("", &m, &why));
    assert_string_equal(why, "empty amount");
    /* why may be NULL */
    assert_false(money_parse("x", &m, NULL));
    assert_true(money_parse("1", &m, NULL));
}

typedef struct fmt_case {
    sp_money m;
    const char *plain, *grouped;
} fmt_case;

static void test_money_format(void **state)
{
    (void)state;
    static const fmt_case cases[] = {
        {0, "0.00", "0.00"},
        {5, "0.05", "0.05"},
        {-5, "-0.05", "-0.05"},
        {100, "1.00", "1.00"},
        {123450, "1234.50", "1,234.50"},
        {-123450, "-1234.50", "-1,234.50"},
        {99999, "999.99", "999.99"},
        {100000, "1000.00", "1,000.00"},
        {-123456789, "-1234567.89", "-1,234,567.89"},
        {100000000000, "1000000000.00", "1,000,000,000.00"},
        {INT64_MAX, "92233720368547758.07", "92,233,720,368,547,758.07"},
        {-INT64_MAX, "-92233720368547758.07", "-92,233,720,368,547,758.07"},
        {INT64_MIN, "-92233720368547758.08", "-92,233,720,368,547,758.08"},
    };
    char b1[32], b2[40];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(money_format(cases[i].m, b1), cases[i].plain);
        assert_string_equal(money_format_grouped(cases[i].m, b2), cases[i].grouped);
        if (cases[i].m == INT64_MIN) continue;   /* not representable by the parser */
        sp_money back = 0;
        assert_true(money_parse(b1, &back, NULL));
        assert_int_equal(back, cases[i].m);
        assert_true(money_parse(b2, &back, NULL));
        assert_int_equal(back, cases[i].m);
    }
    assert_true(money_to_major(123456) > 1234.559 && money_to_major(123456) < 1234.561);
    assert_true(money_to_major(-50) < -0.499 && money_to_major(-50) > -0.501);
}

/* money round trip over a spread of magnitudes */
static void test_money_roundtrip(void **state)
{
    (void)state;
    char b1[32], b2[40];
    uint64_t x = 88172645463325252ULL;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;   /* xorshift64 */
        int shift = i % 63;
        sp_money m = (sp_money)(x >> (shift + 1));
        if (i & 1) m = -m;
        sp_money back = 0;
        assert_true(money_parse(money_format(m, b1), &back, NULL));
        assert_int_equal(back, m);
        assert_true(money_parse(money_format_grouped(m, b2), &back, NULL));
        assert_int_equal(back, m);
    }
}

/* ---- ratios ---- */

typedef struct ratio_case {
    const char *in;
    sp_ratio want;
} ratio_case;

static void test_ratio_good(void **state)
{
    (void)state;
    static const ratio_case cases[] = {
        {"40%", 400000},       {"0.4", 400000},        {"12.5%", 125000},   {"1", 1000000},
        {"150%", 1500000},     {"0", 0},               {"0%", 0},           {"100%", 1000000},
        {"-5%", -50000},       {"-0.05", -50000},      {"0.000001", 1},     {"0.0001%", 1},
        {"0.123456", 123456},  {"0.1234560", 123456},  {"40 %", 400000},    {" 40% ", 400000},
        {"40\xEF\xBC\x85", 400000},                    {"2.5", 2500000},    {"+10%", 100000},
        {"12.3456%", 123456},  {"33.330000%", 333300}, {"007%", 70000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_ratio got = 0;
        const char *why = NULL;
        bool ok = ratio_parse(cases[i].in, &got, &why);
        if (!ok || got != cases[i].want)
            fail_msg("ratio_parse(\"%s\"): ok=%d got=%lld want=%lld (%s)", cases[i].in, ok,
                     (long long)got, (long long)cases[i].want, why ? why : "");
    }
}

static void test_ratio_bad(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "abc", "%", "40%%", "", " ", "-", "0.0000001", "0.00001%", "1,000%", "4O%", "--1",
        "1e2", "40%x", "x40%", ".4", "4.", "40 % %", "0.5.1", "99999999999999999999",
        "NaN", "40‰",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_ratio got = 5;
        const char *why = NULL;
        if (ratio_parse(cases[i], &got, &why))
            fail_msg("ratio_parse(\"%s\") accepted: %lld", cases[i], (long long)got);
        assert_non_null(why);
        assert_int_equal(got, 5);
    }
}

static void test_ratio_format(void **state)
{
    (void)state;
    static const struct {
        sp_ratio r;
        const char *want;
    } cases[] = {
        {400000, "40%"},   {125000, "12.5%"},     {1, "0.0001%"},   {1500000, "150%"},
        {-50000, "-5%"},   {0, "0%"},             {123456, "12.3456%"}, {1000000, "100%"},
        {333300, "33.33%"}, {-1, "-0.0001%"},
    };
    char buf[32];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_string_equal(ratio_format_pct(cases[i].r, buf), cases[i].want);
        sp_ratio back = 0;
        assert_true(ratio_parse(buf, &back, NULL));
        assert_int_equal(back, cases[i].r);
    }
}

/* ---- calendar basics ---- */

static void test_calendar_basics(void **state)
{
    (void)state;
    assert_true(is_leap(2024));
    assert_true(is_leap(2000));
    assert_true(is_leap(1600));
    assert_false(is_leap(1900));
    assert_false(is_leap(2100));
    assert_false(is_leap(2026));
    assert_int_equal(days_in_month(2024, 2), 29);
    assert_int_equal(days_in_month(2026, 2), 28);
    assert_int_equal(days_in_month(1900, 2), 28);
    assert_int_equal(days_in_month(2000, 2), 29);
    assert_int_equal(days_in_month(2026, 4), 30);
    assert_int_equal(days_in_month(2026, 12), 31);
    assert_int_equal(days_in_month(2026, 13), 0);
    assert_true(ymd_valid(2024, 2, 29));
    assert_false(ymd_valid(2026, 2, 29));
    assert_false(ymd_valid(2026, 4, 31));
    assert_false(ymd_valid(2026, 0, 1));
    assert_false(ymd_valid(2026, 1, 0));
    assert_false(ymd_valid(0, 1, 1));
    assert_false(ymd_valid(10000, 1, 1));
    assert_true(ymd_valid(1, 1, 1));
    assert_true(ymd_valid(9999, 12, 31));
    /* weekdays looked up with `date +%u` */
    assert_int_equal(day_weekday(0), 4);                       /* 1970-01-01 Thu */
    assert_int_equal(day_weekday(ref_day(2026, 7, 15)), 3);    /* Wed */
    assert_int_equal(day_weekday(ref_day(2024, 1, 1)), 1);     /* Mon */
    assert_int_equal(day_weekday(ref_day(1900, 1, 1)), 1);     /* Mon */
    assert_int_equal(day_weekday(ref_day(2027, 1, 3)), 7);     /* Sun */
    assert_int_equal(day_weekday(ref_day(1, 1, 1)), 1);        /* Mon (proleptic) */
    assert_int_equal(day_weekday(-1), 3);
    assert_int_equal(day_weekday(-7), 4);
    /* negatives and far years agree with the reference */
    assert_int_equal(day_from_ymd(1969, 12, 31), -1);
    assert_int_equal(day_from_ymd(1600, 2, 29), ref_day(1600, 2, 29));
    assert_int_equal(day_from_ymd(1, 1, 1), SP_DAY_MIN);
    assert_int_equal(day_from_ymd(9999, 12, 31), SP_DAY_MAX);
    int y, m, d;
    day_to_ymd(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    day_to_ymd(SP_DAY_MIN - 1, &y, &m, &d);   /* 0000-12-31 (year 0 = 1 BC) */
    assert_int_equal(y, 0);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    assert_int_equal(day_from_ymd(-1, 3, 1), day_from_ymd(0, 3, 1) - 366);   /* spans 0000-02-29 */
    assert_int_equal(day_from_ymd(0, 3, 1) - day_from_ymd(0, 2, 1), 29);   /* year 0 is leap */
    char buf[16];
    assert_string_equal(day_format(SP_DAY_NONE, buf), "");
    assert_string_equal(day_format(0, buf), "1970-01-01");
    assert_string_equal(day_format(SP_DAY_MIN, buf), "0001-01-01");
    assert_string_equal(day_format(SP_DAY_MAX, buf), "9999-12-31");
    assert_string_equal(day_format(SP_DAY_MAX + 1, buf), "");
    /* SP_DAY_NONE is harmless everywhere */
    int iy = 1, w = 1;
    day_iso_week(SP_DAY_NONE, &iy, &w);
    assert_int_equal(w, 0);
    sp_period nb = grain_bucket(GRAIN_WEEK, SP_DAY_NONE);
    assert_int_equal(nb.first, SP_DAY_NONE);
    assert_int_equal(nb.last, SP_DAY_NONE);
    assert_string_equal(grain_label(GRAIN_MONTH, SP_DAY_NONE, buf), "");
}

/* every day 1900-01-01 .. 2100-12-31 against the reference calendar */
static void test_calendar_roundtrip(void **state)
{
    (void)state;
    int y = 1900, m = 1, d = 1;
    sp_day n = ref_day(1900, 1, 1);
    int wd = 1;   /* 1900-01-01 was a Monday */
    char buf[16], want[40];
    for (;;) {
        assert_int_equal(day_from_ymd(y, m, d), n);
        int y2, m2, d2;
        day_to_ymd(n, &y2, &m2, &d2);
        if (y2 != y || m2 != m || d2 != d) fail_msg("day_to_ymd(%d) = %d-%d-%d", n, y2, m2, d2);
        snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
        assert_string_equal(day_format(n, buf), want);
        sp_day back = 0;
        assert_true(date_parse(buf, &back, NULL));
        assert_int_equal(back, n);
        assert_true(date_parse_loose(buf, &back, NULL));
        assert_int_equal(back, n);
        assert_int_equal(day_weekday(n), wd);
        assert_true(ymd_valid(y, m, d));
        if (y == 2100 && m == 12 && d == 31) break;
        n++;
        wd = wd % 7 + 1;
        if (++d > ref_mdays(y, m)) {
            d = 1;
            if (++m > 12) m = 1, y++;
        }
    }
    assert_int_equal(n, 47846);
}

/* round trip over the whole supported range, in strides */
static void test_calendar_fullrange(void **state)
{
    (void)state;
    char buf[16];
    for (sp_day n = SP_DAY_MIN; n <= SP_DAY_MAX; n += 1 + (n & 7)) {
        int y, m, d;
        day_to_ymd(n, &y, &m, &d);
        assert_true(ymd_valid(y, m, d));
        assert_int_equal(day_from_ymd(y, m, d), n);
        sp_day back;
        assert_true(date_parse(day_format(n, buf), &back, NULL));
        assert_int_equal(back, n);
    }
}

/* ---- date parsing ---- */

typedef struct date_case {
    const char *in;
    int y, m, d;
} date_case;

static void test_date_strict(void **state)
{
    (void)state;
    static const date_case good[] = {
        {"2026-07-15", 2026, 7, 15}, {"2024-02-29", 2024, 2, 29}, {"2000-02-29", 2000, 2, 29},
        {"1970-01-01", 1970, 1, 1},  {"0001-01-01", 1, 1, 1},     {"9999-12-31", 9999, 12, 31},
        {" 2026-07-15 ", 2026, 7, 15}, {"1900-03-01", 1900, 3, 1},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        sp_day got = 0;
        const char *why = NULL;
        if (!date_parse(good[i].in, &got, &why)) fail_msg("date_parse(\"%s\"): %s", good[i].in, why);
        assert_int_equal(got, ref_day(good[i].y, good[i].m, good[i].d));
    }
    static const char *const bad[] = {
        "2026-02-29", "1900-02-29", "2100-02-29", "2026-7-15", "2026/07/15", "2026-13-01",
        "2026-00-10", "2026-04-31", "2026-01-32", "2026-01-00", "0000-01-01", "26-07-15",
        "2026-07-15x", "2026-07-15 10:00", "", "20260715", "2026-07", "+2026-07-15", "2026年7月15日",
        "46218", "2026-07-1", "12026-07-15",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sp_day got = 99;
        const char *why = NULL;
        if (date_parse(bad[i], &got, &why)) fail_msg("date_parse(\"%s\") accepted", bad[i]);
        assert_non_null(why);
        assert_int_equal(got, 99);
    }
}

/* Excel serial n in the 1900 system: 25569 is 1970-01-01 (a well-known
 * anchor); serials below the fictitious 1900-02-29 (60) are one day later
 * than that arithmetic says. */
static sp_day excel_ref(long n) { return (sp_day)(n < 60 ? n - 25568 : n - 25569); }

static void test_date_loose(void **state)
{
    (void)state;
    static const date_case good[] = {
        {"2026-07-15", 2026, 7, 15},
        {"2026/7/15", 2026, 7, 15},
        {"2026/07/15", 2026, 7, 15},
        {"2026-7-5", 2026, 7, 5},
        {"2026.07.15", 2026, 7, 15},
        {"2026.7.5", 2026, 7, 5},
        {"2026-07-15 14:30", 2026, 7, 15},
        {"2026-07-15 14:30:00", 2026, 7, 15},
        {"2026-07-15 9:05", 2026, 7, 15},
        {"2026/7/15 14:30:59", 2026, 7, 15},
        {"2026-07-15T14:30:00", 2026, 7, 15},
        {"2026-07-15T14:30:00Z", 2026, 7, 15},
        {"2026-07-15T23:30:00+08:00", 2026, 7, 15},
        {"2026-07-15T23:30:00-0500", 2026, 7, 15},
        {"2026-07-15T23:30:00.123Z", 2026, 7, 15},
        {"2026年7月15日", 2026, 7, 15},
        {"2026年07月05日", 2026, 7, 5},
        {"  2026-07-15  ", 2026, 7, 15},
        {"2024/2/29", 2024, 2, 29},
        {"46218", 2026, 7, 15},
        {"46218.5", 2026, 7, 15},
        {"46218.999999", 2026, 7, 15},
        {"45292", 2024, 1, 1},
        {"1", 1900, 1, 1},
        {"59", 1900, 2, 28},
        {"61", 1900, 3, 1},
        {"2958465", 9999, 12, 31},
        {"25569", 1970, 1, 1},
        {"2026", 1905, 7, 18},   /* plain digits are Excel serials */
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        sp_day got = 0;
        const char *why = NULL;
        if (!date_parse_loose(good[i].in, &got, &why))
            fail_msg("date_parse_loose(\"%s\"): %s", good[i].in, why);
        if (got != ref_day(good[i].y, good[i].m, good[i].d))
            fail_msg("date_parse_loose(\"%s\") = %d, want %d", good[i].in, got,
                     ref_day(good[i].y, good[i].m, good[i].d));
    }
    static const char *const bad[] = {
        "", "60", "60.5", "0", "0.5", "2958466", "99999999999999999999", "1e5", "-1", "+5",
        "2026/07-15", "2026-07/15", "2026-07-15 25:00", "2026-07-15 14:60", "2026-07-15T",
        "2026-07-15 x", "2026-07-15 24:01", "2026-07-15T14", "2026-07-15T14:30+8", "2026年13月1日",
        "2026年7月15", "2026年7月32日", "abc", "46218.", ".5", "46218.5.1", "2026-02-29 10:00",
        "2026/2/30", "15/07/2026", "07/15/2026", "2026-007-15", "2026-7-15-", "0000-01-01",
        "2026--07-15", "1,000",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sp_day got = 99;
        const char *why = NULL;
        if (date_parse_loose(bad[i], &got, &why))
            fail_msg("date_parse_loose(\"%s\") accepted: %d", bad[i], got);
        assert_non_null(why);
        assert_int_equal(got, 99);
    }
}

/* every Excel serial against the anchor arithmetic */
static void test_excel_serials(void **state)
{
    (void)state;
    char in[32];
    for (long n = 1; n <= 2958465; n += (n < 200 ? 1 : 97)) {
        snprintf(in, sizeof in, "%ld", n);
        sp_day got = 0;
        bool ok = date_parse_loose(in, &got, NULL);
        if (n == 60) {
            assert_false(ok);
            continue;
        }
        if (!ok) fail_msg("serial %ld rejected", n);
        if (got != excel_ref(n)) fail_msg("serial %ld = %d, want %d", n, got, excel_ref(n));
    }
    sp_day got;
    assert_true(date_parse_loose("2958465", &got, NULL));
    assert_int_equal(got, SP_DAY_MAX);
    assert_int_equal(excel_ref(2958465), SP_DAY_MAX);
    assert_int_equal(excel_ref(1), ref_day(1900, 1, 1));
    assert_int_equal(excel_ref(61), ref_day(1900, 3, 1));
}

/* ---- years back ---- */

static void test_add_years(void **state)
{
    (void)state;
    static const struct {
        int y, m, d, years, wy, wm, wd;
    } cases[] = {
        {2024, 2, 29, -1, 2023, 2, 28}, {2025, 3, 1, -1, 2024, 3, 1}, {2024, 3, 1, -1, 2023, 3, 1},
        {2025, 2, 28, -1, 2024, 2, 28}, {2024, 2, 28, -1, 2023, 2, 28}, {2026, 1, 1, -1, 2025, 1, 1},
        {2024, 2, 29, 4, 2028, 2, 29}, {2024, 2, 29, 1, 2025, 2, 28}, {2024, 2, 29, -100, 1924, 2, 29},
        {2000, 2, 29, 100, 2100, 2, 28}, {2026, 12, 31, 1, 2027, 12, 31}, {2026, 7, 15, 0, 2026, 7, 15},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_day from = ref_day(cases[i].y, cases[i].m, cases[i].d);
        sp_day want = ref_day(cases[i].wy, cases[i].wm, cases[i].wd);
        assert_int_equal(day_add_years(from, cases[i].years), want);
        if (cases[i].years == -1) assert_int_equal(day_minus_year(from), want);
    }
}

/* ---- ISO weeks ---- */

static void test_iso_weeks(void **state)
{
    (void)state;
    /* checked with `date -d … +%G-W%V` */
    static const struct {
        int y, m, d, iy, w;
    } cases[] = {
        {2024, 12, 30, 2025, 1}, {2027, 1, 1, 2026, 53},  {2026, 12, 28, 2026, 53},
        {2027, 1, 3, 2026, 53},  {2027, 1, 4, 2027, 1},   {2021, 1, 3, 2020, 53},
        {2021, 1, 4, 2021, 1},   {2026, 1, 1, 2026, 1},   {2025, 12, 29, 2026, 1},
        {2023, 1, 1, 2022, 52},  {2026, 2, 3, 2026, 6},   {2026, 1, 26, 2026, 5},
        {2026, 2, 1, 2026, 5},   {2026, 6, 29, 2026, 27}, {2026, 7, 15, 2026, 29},
        {2026, 2, 9, 2026, 7},   {2020, 12, 28, 2020, 53}, {2004, 12, 31, 2004, 53},
        {2032, 12, 31, 2032, 53}, {2015, 12, 31, 2015, 53}, {2009, 12, 31, 2009, 53},
        {2024, 12, 28, 2024, 52}, {2021, 12, 28, 2021, 52}, {2024, 1, 1, 2024, 1},
        {2100, 12, 31, 2100, 52}, {1900, 1, 1, 1900, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int iy, w;
        day_iso_week(ref_day(cases[i].y, cases[i].m, cases[i].d), &iy, &w);
        if (iy != cases[i].iy || w != cases[i].w)
            fail_msg("%d-%02d-%02d: %d-W%02d, want %d-W%02d", cases[i].y, cases[i].m, cases[i].d, iy,
                     w, cases[i].iy, cases[i].w);
    }
    static const struct {
        int y, n;
    } weeks[] = {
        {2020, 53}, {2026, 53}, {2021, 52}, {2015, 53}, {2009, 53}, {2004, 53},
        {2032, 53}, {2024, 52}, {2025, 52}, {2027, 52}, {2037, 53}, {1998, 53},
    };
    for (size_t i = 0; i < sizeof weeks / sizeof weeks[0]; i++)
        assert_int_equal(iso_weeks_in_year(weeks[i].y), weeks[i].n);
    assert_int_equal(iso_week_start(2026, 53), ref_day(2026, 12, 28));
    assert_int_equal(iso_week_start(2020, 53), ref_day(2020, 12, 28));
    assert_int_equal(iso_week_start(2025, 1), ref_day(2024, 12, 30));
    assert_int_equal(iso_week_start(2026, 1), ref_day(2025, 12, 29));
    assert_int_equal(iso_week_start(2026, 27), ref_day(2026, 6, 29));
    /* consistency over 1900..2100: each day lies in the week starting on its
     * Monday, and week counts match the last week seen in each ISO year */
    int last_iy = 0, last_w = 0;
    for (sp_day n = ref_day(1900, 1, 1); n <= ref_day(2100, 12, 31); n++) {
        int iy, w;
        day_iso_week(n, &iy, &w);
        sp_day mon = iso_week_start(iy, w);
        assert_true(n >= mon && n <= mon + 6);
        assert_int_equal(day_weekday(mon), 1);
        if (iy != last_iy && last_iy) assert_int_equal(iso_weeks_in_year(last_iy), last_w);
        last_iy = iy;
        last_w = w;
    }
}

/* ---- periods ---- */

typedef struct period_case {
    const char *in;
    int fy;
    int y1, m1, d1, y2, m2, d2;
} period_case;

static void test_period_good(void **state)
{
    (void)state;
    static const period_case cases[] = {
        {"2026", 1, 2026, 1, 1, 2026, 12, 31},
        {"2026", 4, 2026, 1, 1, 2026, 12, 31},   /* calendar forms ignore fy */
        {"2026-H1", 1, 2026, 1, 1, 2026, 6, 30},
        {"2026-H2", 1, 2026, 7, 1, 2026, 12, 31},
        {"2026-Q1", 1, 2026, 1, 1, 2026, 3, 31},
        {"2026-Q2", 1, 2026, 4, 1, 2026, 6, 30},
        {"2026-Q3", 4, 2026, 7, 1, 2026, 9, 30},
        {"2026-Q4", 1, 2026, 10, 1, 2026, 12, 31},
        {"2024-Q1", 1, 2024, 1, 1, 2024, 3, 31},
        {"2026-07", 1, 2026, 7, 1, 2026, 7, 31},
        {"2026-7", 1, 2026, 7, 1, 2026, 7, 31},
        {"2026-02", 1, 2026, 2, 1, 2026, 2, 28},
        {"2024-02", 1, 2024, 2, 1, 2024, 2, 29},
        {"2026-12", 1, 2026, 12, 1, 2026, 12, 31},
        {"2026-W27", 1, 2026, 6, 29, 2026, 7, 5},
        {"2026-W7", 1, 2026, 2, 9, 2026, 2, 15},
        {"2026-W07", 1, 2026, 2, 9, 2026, 2, 15},
        {"2026-W01", 1, 2025, 12, 29, 2026, 1, 4},
        {"2025-W01", 1, 2024, 12, 30, 2025, 1, 5},
        {"2026-W53", 1, 2026, 12, 28, 2027, 1, 3},
        {"2020-W53", 1, 2020, 12, 28, 2021, 1, 3},
        {"2026-03-01..2026-05-31", 1, 2026, 3, 1, 2026, 5, 31},
        {"2025-11-15..2026-02-10", 4, 2025, 11, 15, 2026, 2, 10},
        {" 2026-03-01 .. 2026-05-31 ", 1, 2026, 3, 1, 2026, 5, 31},
        {"2026-07-15..2026-07-15", 1, 2026, 7, 15, 2026, 7, 15},
        {"2026-07-15", 1, 2026, 7, 15, 2026, 7, 15},
        {"2024-02-29", 1, 2024, 2, 29, 2024, 2, 29},
        {"  2026-Q3\t", 1, 2026, 7, 1, 2026, 9, 30},
        {"FY2026", 4, 2026, 4, 1, 2027, 3, 31},
        {"FY2026", 1, 2026, 1, 1, 2026, 12, 31},
        {"FY2026", 12, 2026, 12, 1, 2027, 11, 30},
        {"FY2023", 3, 2023, 3, 1, 2024, 2, 29},
        {"FY2026-Q1", 4, 2026, 4, 1, 2026, 6, 30},
        {"FY2026-Q2", 4, 2026, 7, 1, 2026, 9, 30},
        {"FY2026-Q3", 4, 2026, 10, 1, 2026, 12, 31},
        {"FY2026-Q4", 4, 2027, 1, 1, 2027, 3, 31},
        {"FY2026-H1", 4, 2026, 4, 1, 2026, 9, 30},
        {"FY2026-H2", 4, 2026, 10, 1, 2027, 3, 31},
        {"FY2026-Q2", 10, 2027, 1, 1, 2027, 3, 31},
        {"FY2026-Q1", 1, 2026, 1, 1, 2026, 3, 31},
        {"FY2026-H2", 7, 2027, 1, 1, 2027, 6, 30},
        {"0001", 1, 1, 1, 1, 1, 12, 31},
        {"9999", 1, 9999, 1, 1, 9999, 12, 31},
        {"FY9999", 1, 9999, 1, 1, 9999, 12, 31},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const period_case *c = &cases[i];
        sp_period p = {0, 0};
        const char *why = NULL;
        if (!period_parse(c->in, c->fy, &p, &why)) fail_msg("period_parse(\"%s\", %d): %s", c->in, c->fy, why);
        sp_day f = ref_day(c->y1, c->m1, c->d1), l = ref_day(c->y2, c->m2, c->d2);
        if (p.first != f || p.last != l)
            fail_msg("period_parse(\"%s\", %d) = %d..%d, want %d..%d", c->in, c->fy, p.first, p.last, f, l);
    }
}

static void test_period_bad(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int fy;
    } cases[] = {
        {"", 1},           {"  ", 1},          {"2026-13", 1},       {"2026-00", 1},
        {"2026-Q5", 1},    {"2026-Q0", 1},     {"2026-H3", 1},       {"2026-H0", 1},
        {"FY2026-07", 4},  {"FY2026-W01", 4},  {"FY2026-07-01", 4},  {"26", 1},
        {"20261", 1},      {"2026-", 1},       {"2026-Q", 1},        {"2026-H", 1},
        {"abc", 1},        {"2026-02-30", 1},  {"2026-03-01..", 1},  {"..2026-03-01", 1},
        {"2026-03-01..2026-5-31", 1},          {"2026-05-31..2026-03-01", 1},
        {"2026-W54", 1},   {"2026-W0", 1},     {"2021-W53", 1},      {"2025-W53", 1},
        {"2026-W123", 1},  {"2026-W", 1},      {"2026", 0},          {"2026", 13},
        {"FY2026", 0},     {"FY9999", 4},      {"0000", 1},          {"2026-7-15", 1},
        {"2026-Q1x", 1},   {"2026 Q1", 1},     {"FY", 1},            {"FY26", 4},
        {"2026-03-01...2026-05-31", 1},        {"2026..2027", 1},    {"2026-07-15x", 1},
        {"2026-007", 1},   {"-2026", 1},       {"2026-Q1-Q2", 1},    {"2026-W27-1", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_period p = {7, 7};
        const char *why = NULL;
        if (period_parse(cases[i].in, cases[i].fy, &p, &why))
            fail_msg("period_parse(\"%s\", %d) accepted: %d..%d", cases[i].in, cases[i].fy, p.first, p.last);
        assert_non_null(why);
        assert_true(strlen(why) > 0);
        assert_int_equal(p.first, 7);
        assert_int_equal(p.last, 7);
    }
}

/* the fiscal year partitions into its quarters, halves and the next year */
static void test_period_fiscal_partition(void **state)
{
    (void)state;
    char in[32];
    for (int fy = 1; fy <= 12; fy++) {
        for (int y = 1990; y <= 2040; y++) {
            sp_period year, next, q, h;
            snprintf(in, sizeof in, "FY%d", y);
            assert_true(period_parse(in, fy, &year, NULL));
            assert_int_equal(year.first, ref_day(y, fy, 1));
            snprintf(in, sizeof in, "FY%d", y + 1);
            assert_true(period_parse(in, fy, &next, NULL));
            assert_int_equal(year.last + 1, next.first);
            assert_int_equal(period_days(year), ref_day(y + 1, fy, 1) - ref_day(y, fy, 1));
            sp_day at = year.first;
            for (int k = 1; k <= 4; k++) {
                snprintf(in, sizeof in, "FY%d-Q%d", y, k);
                assert_true(period_parse(in, fy, &q, NULL));
                assert_int_equal(q.first, at);
                assert_true(period_inside(q, year));
                at = q.last + 1;
            }
            assert_int_equal(at, next.first);
            at = year.first;
            for (int k = 1; k <= 2; k++) {
                snprintf(in, sizeof in, "FY%d-H%d", y, k);
                assert_true(period_parse(in, fy, &h, NULL));
                assert_int_equal(h.first, at);
                at = h.last + 1;
            }
            assert_int_equal(at, next.first);
        }
    }
}

static void test_period_helpers(void **state)
{
    (void)state;
    sp_period p = {ref_day(2026, 3, 1), ref_day(2026, 5, 31)};
    assert_int_equal(period_days(p), 31 + 30 + 31);
    assert_true(period_contains(p, ref_day(2026, 3, 1)));
    assert_true(period_contains(p, ref_day(2026, 5, 31)));
    assert_false(period_contains(p, ref_day(2026, 2, 28)));
    assert_false(period_contains(p, ref_day(2026, 6, 1)));
    sp_period in = {ref_day(2026, 4, 1), ref_day(2026, 4, 30)};
    sp_period cross = {ref_day(2026, 5, 1), ref_day(2026, 6, 30)};
    assert_true(period_inside(in, p));
    assert_true(period_inside(p, p));
    assert_false(period_inside(cross, p));
    assert_false(period_inside(p, in));
    sp_period y2024;
    assert_true(period_parse("2024", 1, &y2024, NULL));
    assert_int_equal(period_days(y2024), 366);
    sp_period one = {5, 5};
    assert_int_equal(period_days(one), 1);
}

/* ---- buckets ---- */

static void test_grains(void **state)
{
    (void)state;
    static const struct {
        int y, m, d;
        sp_grain g;
        const char *label;
        int y1, m1, d1, y2, m2, d2;
    } cases[] = {
        {2026, 7, 15, GRAIN_DAY, "2026-07-15", 2026, 7, 15, 2026, 7, 15},
        {2026, 7, 15, GRAIN_WEEK, "2026-W29", 2026, 7, 13, 2026, 7, 19},
        {2026, 7, 15, GRAIN_MONTH, "2026-07", 2026, 7, 1, 2026, 7, 31},
        {2026, 7, 15, GRAIN_QUARTER, "2026-Q3", 2026, 7, 1, 2026, 9, 30},
        {2026, 7, 15, GRAIN_YEAR, "2026", 2026, 1, 1, 2026, 12, 31},
        {2026, 1, 28, GRAIN_WEEK, "2026-W05", 2026, 1, 26, 2026, 2, 1},
        {2027, 1, 1, GRAIN_WEEK, "2026-W53", 2026, 12, 28, 2027, 1, 3},
        {2024, 12, 30, GRAIN_WEEK, "2025-W01", 2024, 12, 30, 2025, 1, 5},
        {2025, 1, 5, GRAIN_WEEK, "2025-W01", 2024, 12, 30, 2025, 1, 5},
        {2027, 1, 1, GRAIN_YEAR, "2027", 2027, 1, 1, 2027, 12, 31},
        {2024, 2, 10, GRAIN_MONTH, "2024-02", 2024, 2, 1, 2024, 2, 29},
        {2026, 12, 31, GRAIN_QUARTER, "2026-Q4", 2026, 10, 1, 2026, 12, 31},
        {2026, 1, 1, GRAIN_QUARTER, "2026-Q1", 2026, 1, 1, 2026, 3, 31},
        {2026, 4, 1, GRAIN_QUARTER, "2026-Q2", 2026, 4, 1, 2026, 6, 30},
        {1, 1, 1, GRAIN_WEEK, "0001-W01", 1, 1, 1, 1, 1, 7},
        {9999, 12, 31, GRAIN_MONTH, "9999-12", 9999, 12, 1, 9999, 12, 31},
    };
    char buf[16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_day d = ref_day(cases[i].y, cases[i].m, cases[i].d);
        assert_string_equal(grain_label(cases[i].g, d, buf), cases[i].label);
        sp_period b = grain_bucket(cases[i].g, d);
        assert_int_equal(b.first, ref_day(cases[i].y1, cases[i].m1, cases[i].d1));
        assert_int_equal(b.last, ref_day(cases[i].y2, cases[i].m2, cases[i].d2));
        /* a label parses back to its bucket as a period */
        sp_period back;
        assert_true(period_parse(buf, 1, &back, NULL));
        assert_int_equal(back.first, b.first);
        assert_int_equal(back.last, b.last);
    }
    /* buckets tile the days: every day of 2020..2030 is in its bucket, and
     * the day after a bucket's last day starts the next bucket */
    for (int g = GRAIN_DAY; g < GRAIN_COUNT; g++)
        for (sp_day d = ref_day(2020, 1, 1); d <= ref_day(2030, 12, 31); d++) {
            sp_period b = grain_bucket((sp_grain)g, d);
            assert_true(period_contains(b, d));
            if (d == b.last) assert_int_equal(grain_bucket((sp_grain)g, d + 1).first, d + 1);
            if (d != b.first) {
                char l1[16], l2[16];
                assert_string_equal(grain_label((sp_grain)g, d, l1), grain_label((sp_grain)g, b.first, l2));
            }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reference_anchors),
        cmocka_unit_test(test_money_good),
        cmocka_unit_test(test_money_bad),
        cmocka_unit_test(test_money_reasons),
        cmocka_unit_test(test_money_format),
        cmocka_unit_test(test_money_roundtrip),
        cmocka_unit_test(test_ratio_good),
        cmocka_unit_test(test_ratio_bad),
        cmocka_unit_test(test_ratio_format),
        cmocka_unit_test(test_calendar_basics),
        cmocka_unit_test(test_calendar_roundtrip),
        cmocka_unit_test(test_calendar_fullrange),
        cmocka_unit_test(test_date_strict),
        cmocka_unit_test(test_date_loose),
        cmocka_unit_test(test_excel_serials),
        cmocka_unit_test(test_add_years),
        cmocka_unit_test(test_iso_weeks),
        cmocka_unit_test(test_period_good),
        cmocka_unit_test(test_period_bad),
        cmocka_unit_test(test_period_fiscal_partition),
        cmocka_unit_test(test_period_helpers),
        cmocka_unit_test(test_grains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
