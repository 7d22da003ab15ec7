/*
 * fuzz_value.c — libFuzzer target for the value syntax (src/core/value.c).
 *
 * Feeds one input, as a NUL-terminated string, to every parser: money,
 * ratio, strict and loose dates, periods (fiscal year starting in January
 * and in April). Where cheap it asserts round-trip and sanity properties:
 * money_parse(money_format(x)) == x, ratio_parse(ratio_format_pct(x)) == x,
 * date_parse(day_format(d)) == d, periods are non-empty ranges inside years
 * 1..9999, and grain buckets contain their day. Allocates one copy of the
 * input per run and frees it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* check_day: properties of any day a parser returned. */
static void check_day(sp_day d)
{
    char buf[16];
    assert(d >= SP_DAY_MIN && d <= SP_DAY_MAX);
    day_format(d, buf);
    sp_day back = SP_DAY_NONE;
    assert(date_parse(buf, &back, NULL) && back == d);
    int y, m, dd;
    day_to_ymd(d, &y, &m, &dd);
    assert(ymd_valid(y, m, dd) && day_from_ymd(y, m, dd) == d);
    for (int g = GRAIN_DAY; g < GRAIN_COUNT; g++) {
        sp_period b = grain_bucket((sp_grain)g, d);
        assert(period_contains(b, d));
        grain_label((sp_grain)g, d, buf);
        assert(strlen(buf) < 16);
    }
    int iy, w;
    day_iso_week(d, &iy, &w);
    assert(w >= 1 && w <= iso_weeks_in_year(iy));
    sp_day mon = iso_week_start(iy, w);
    assert(d >= mon && d <= mon + 6);
    sp_day prev = day_minus_year(d);
    assert(d - prev == 365 || d - prev == 366);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    const char *why = NULL;

    sp_money m;
    if (money_parse(s, &m, &why)) {
        char b1[32], b2[40];
        sp_money back = 0;
        assert(m != INT64_MIN);
        assert(money_parse(money_format(m, b1), &back, NULL) && back == m);
        assert(money_parse(money_format_grouped(m, b2), &back, NULL) && back == m);
    } else {
        assert(why && *why);
    }

    sp_ratio r;
    why = NULL;
    if (ratio_parse(s, &r, &why)) {
        char b[32];
        sp_ratio back = 0;
        assert(ratio_parse(ratio_format_pct(r, b), &back, NULL) && back == r);
    } else {
        assert(why && *why);
    }

    sp_day d;
    why = NULL;
    if (date_parse(s, &d, &why)) check_day(d);
    else assert(why && *why);
    why = NULL;
    if (date_parse_loose(s, &d, &why)) check_day(d);
    else assert(why && *why);

    static const int fys[] = {1, 4};
    for (size_t i = 0; i < 2; i++) {
        sp_period p;
        why = NULL;
        if (period_parse(s, fys[i], &p, &why)) {
            assert(p.first <= p.last);
            assert(p.first >= SP_DAY_MIN && p.last <= SP_DAY_MAX);
            assert(period_days(p) >= 1 && period_inside(p, p));
            check_day(p.first);
            check_day(p.last);
        } else {
            assert(why && *why);
        }
    }
    free(s);
    return 0;
}
