/*
 * value.c — the value syntax of SPEC §3: money (int64 fen), ratios (ppm),
 * dates (day numbers since 1970-01-01, proleptic Gregorian), ISO weeks,
 * periods and time buckets.
 *
 * Owns: nothing global; every function is pure and thread-safe. Parsers
 * never allocate: they walk the input in place and report failures as a
 * static English reason (marked N_() so callers can translate it with _()).
 * Decimal numbers are parsed exactly into integers, never through double.
 * Must not do I/O, read the clock or depend on the C locale.
 */
#include "value.h"

#include <stdio.h>
#include <string.h>

#include "../util/i18n.h"

/* ---- small byte-level scanning helpers ---- */

/* A half-open byte range [p, end) being scanned. */
typedef struct scan {
    const char *p, *end;
} scan;

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }
static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* U+3000 IDEOGRAPHIC SPACE in UTF-8 */
static const char FW_SPACE[] = "\xE3\x80\x80";

/* eat: consumes the literal lit when the range starts with it. */
static bool eat(scan *s, const char *lit)
{
    size_t n = strlen(lit);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0) return false;
    s->p += n;
    return true;
}

/* at_end: whether the range is exhausted. */
static bool at_end(const scan *s) { return s->p >= s->end; }

/* skip_spaces: skips ASCII white space and U+3000. */
static void skip_spaces(scan *s)
{
    for (;;) {
        if (!at_end(s) && is_ascii_space(*s->p)) s->p++;
        else if (!eat(s, FW_SPACE)) break;
    }
}

/* scan_trimmed: the range of the NUL-terminated s without leading and
 * trailing white space (ASCII and U+3000). */
static scan scan_trimmed(const char *str)
{
    scan s = {str, str + strlen(str)};
    skip_spaces(&s);
    for (;;) {
        if (s.end > s.p && is_ascii_space(s.end[-1])) s.end--;
        else if (s.end - s.p >= 3 && memcmp(s.end - 3, FW_SPACE, 3) == 0) s.end -= 3;
        else break;
    }
    return s;
}

/* read_uint: reads between min_d and max_d decimal digits (no more digits
 * may follow) into *out; false (nothing consumed) otherwise. */
static bool read_uint(scan *s, int min_d, int max_d, int *out)
{
    const char *q = s->p;
    int v = 0, n = 0;
    while (q < s->end && is_digit(*q)) {
        if (n == max_d) return false;
        v = v * 10 + (*q - '0');
        n++;
        q++;
    }
    if (n < min_d) return false;
    s->p = q;
    *out = v;
    return true;
}

/* read_fixed: reads exactly n digits (more may follow) into *out. */
static bool read_fixed(scan *s, int n, int *out)
{
    if (s->end - s->p < n) return false;
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s->p[i])) return false;
        v = v * 10 + (s->p[i] - '0');
    }
    s->p += n;
    *out = v;
    return true;
}

/* ---- exact decimals ---- */

/* A decimal read digit by digit: value = acc / 10^sig_fd, where the
 * fraction's trailing zeros are not counted in sig_fd. */
typedef struct decimal {
    uint64_t acc;      /* significant digits so far (saturates: see overflow) */
    size_t sig_fd;     /* fraction digits that matter */
    size_t ndigits;    /* all digits seen */
    bool overflow;     /* acc exceeded INT64_MAX */
} decimal;

/* dec_push: appends digit d to the significant digits. */
static void dec_push(decimal *x, unsigned d)
{
    if (x->overflow) return;
    if (x->acc > ((uint64_t)INT64_MAX - d) / 10) {
        x->overflow = true;
        return;
    }
    x->acc = x->acc * 10 + d;
}

enum { DEC_OK, DEC_NODIGITS, DEC_GROUPING, DEC_POINT };

/* dec_read: reads "123", "1,234,567.89" (when groups: ',' or '，' between
 * groups of exactly three digits, first group 1..3) or "0.5" from s. Digits
 * are required on both sides of a '.'. Returns a DEC_ code. */
static int dec_read(scan *s, bool groups, decimal *x)
{
    memset(x, 0, sizeof *x);
    size_t group_len = 0;   /* digits since the start or the last separator */
    bool grouped = false;
    while (!at_end(s)) {
        char c = *s->p;
        if (is_digit(c)) {
            dec_push(x, (unsigned)(c - '0'));
            x->ndigits++;
            group_len++;
            s->p++;
            continue;
        }
        if (groups && (c == ',' || eat(s, "\xEF\xBC\x8C"))) {
            if (c == ',') s->p++;
            if (x->ndigits == 0 || group_len == 0 || (grouped ? group_len != 3 : group_len > 3))
                return DEC_GROUPING;
            grouped = true;
            group_len = 0;
            continue;
        }
        break;
    }
    if (grouped && group_len != 3) return DEC_GROUPING;
    size_t int_digits = x->ndigits;
    if (!at_end(s) && *s->p == '.') {
        s->p++;
        size_t zeros = 0, nf = 0;
        while (!at_end(s) && is_digit(*s->p)) {
            unsigned d = (unsigned)(*s->p - '0');
            s->p++;
            nf++;
            if (d == 0) {
                zeros++;
                continue;
            }
            for (; zeros; zeros--) dec_push(x, 0);
            dec_push(x, d);
            x->sig_fd = nf;
        }
        x->ndigits += nf;
        if (int_digits == 0 || nf == 0) return DEC_POINT;
        if (!at_end(s) && (*s->p == ',' || *s->p == '.')) return DEC_GROUPING;
    } else if (int_digits == 0) {
        return DEC_NODIGITS;
    }
    return DEC_OK;
}

enum { SCALE_OK, SCALE_DECIMALS, SCALE_OVERFLOW };

/* dec_scale: x × 10^e as an exact int64 (≤ INT64_MAX in magnitude). */
static int dec_scale(const decimal *x, size_t e, int64_t *out)
{
    if (x->sig_fd > e) return SCALE_DECIMALS;
    if (x->overflow) return SCALE_OVERFLOW;
    uint64_t v = x->acc;
    for (size_t k = e - x->sig_fd; k > 0 && v != 0; k--) {
        if (v > (uint64_t)INT64_MAX / 10) return SCALE_OVERFLOW;
        v *= 10;
    }
    *out = (int64_t)v;
    return SCALE_OK;
}

/* ---- money ---- */

/* eat_currency_symbol: ¥ ￥ $ € £. */
static bool eat_currency_symbol(scan *s)
{
    static const char *const sym[] = {"\xC2\xA5", "\xEF\xBF\xA5", "$", "\xE2\x82\xAC", "\xC2\xA3"};
    for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++)
        if (eat(s, sym[i])) return true;
    return false;
}

/* eat_currency_code: three upper-case ASCII letters not followed by another
 * letter (CNY, RMB, USD …). */
static bool eat_currency_code(scan *s)
{
    if (s->end - s->p < 3) return false;
    if (!is_upper(s->p[0]) || !is_upper(s->p[1]) || !is_upper(s->p[2])) return false;
    if (s->end - s->p > 3 && is_alpha(s->p[3])) return false;
    s->p += 3;
    return true;
}

/* eat_sign: '+' or '-' (also U+2212 MINUS SIGN); sets *neg. */
static bool eat_sign(scan *s, bool *neg)
{
    if (eat(s, "-") || eat(s, "\xE2\x88\x92")) {
        *neg = true;
        return true;
    }
    return eat(s, "+");
}

/* money_parse: see value.h. Grammar after trimming:
 *   [sign] [cur] [sign] number [万|亿] [元|CODE]   (at most one currency mark,
 * at most one sign; spaces allowed between the parts). */
bool money_parse(const char *str, sp_money *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    scan s = scan_trimmed(str);
    if (at_end(&s)) {
        *why = N_("empty amount");
        return false;
    }
    bool neg = false, have_sign = false;
    int marks = 0;
    have_sign = eat_sign(&s, &neg);
    skip_spaces(&s);
    if (eat_currency_symbol(&s) || eat_currency_code(&s)) {
        marks++;
        skip_spaces(&s);
    }
    if (eat_sign(&s, &neg)) {
        if (have_sign) {
            *why = N_("more than one sign in amount");
            return false;
        }
        skip_spaces(&s);
    }
    decimal x;
    switch (dec_read(&s, true, &x)) {
    case DEC_NODIGITS:
        *why = N_("no digits in amount");
        return false;
    case DEC_GROUPING:
        *why = N_("misplaced thousands separator");
        return false;
    case DEC_POINT:
        *why = N_("digits are needed on both sides of the decimal point");
        return false;
    default: break;
    }
    skip_spaces(&s);
    size_t e = 2;
    if (eat(&s, "\xE4\xB8\x87")) e = 6;          /* 万 */
    else if (eat(&s, "\xE4\xBA\xBF")) e = 10;    /* 亿 */
    skip_spaces(&s);
    if (eat(&s, "\xE5\x85\x83") || eat_currency_code(&s)) {   /* 元 */
        marks++;
        skip_spaces(&s);
    }
    if (!at_end(&s)) {
        *why = N_("unexpected characters in amount");
        return false;
    }
    if (marks > 1) {
        *why = N_("currency given twice");
        return false;
    }
    int64_t v;
    switch (dec_scale(&x, e, &v)) {
    case SCALE_DECIMALS:
        *why = e == 2 ? N_("more than 2 decimals") : N_("not a whole number of fen");
        return false;
    case SCALE_OVERFLOW:
        *why = N_("amount too large");
        return false;
    default: break;
    }
    *out = neg ? -v : v;
    return true;
}

/* money_digits: writes |m| as "1234567.89" (grouped with ',' when asked)
 * with a leading '-' when negative into buf. */
static char *money_digits(sp_money m, char *buf, bool grouped)
{
    uint64_t mag = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
    char tmp[24];
    int n = 0;
    uint64_t whole = mag / 100;
    do {
        tmp[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    char *w = buf;
    if (m < 0) *w++ = '-';
    for (int i = n - 1; i >= 0; i--) {
        *w++ = tmp[i];
        if (grouped && i > 0 && i % 3 == 0) *w++ = ',';
    }
    unsigned cents = (unsigned)(mag % 100);
    *w++ = '.';
    *w++ = (char)('0' + cents / 10);
    *w++ = (char)('0' + cents % 10);
    *w = '\0';
    return buf;
}

char *money_format(sp_money m, char *buf) { return money_digits(m, buf, false); }
char *money_format_grouped(sp_money m, char *buf) { return money_digits(m, buf, true); }

double money_to_major(sp_money m) { return (double)m / 100.0; }

/* ---- ratios ---- */

/* ratio_parse: see value.h. Grammar after trimming:
 *   [sign] number [%|％]   (no thousands separators). */
bool ratio_parse(const char *str, sp_ratio *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    scan s = scan_trimmed(str);
    if (at_end(&s)) {
        *why = N_("empty ratio");
        return false;
    }
    bool neg = false;
    eat_sign(&s, &neg);
    decimal x;
    switch (dec_read(&s, false, &x)) {
    case DEC_NODIGITS:
        *why = N_("no digits in ratio");
        return false;
    case DEC_GROUPING:
    case DEC_POINT:
        *why = N_("bad number in ratio");
        return false;
    default: break;
    }
    skip_spaces(&s);
    size_t e = 6;
    if (eat(&s, "%") || eat(&s, "\xEF\xBC\x85")) e = 4;
    if (!at_end(&s)) {
        *why = N_("unexpected characters in ratio");
        return false;
    }
    int64_t v;
    switch (dec_scale(&x, e, &v)) {
    case SCALE_DECIMALS:
        *why = N_("ratio has too many decimals");
        return false;
    case SCALE_OVERFLOW:
        *why = N_("ratio too large");
        return false;
    default: break;
    }
    *out = neg ? -v : v;
    return true;
}

/* ratio_format_pct: the ratio in percent with up to 4 decimals, trailing
 * zeros trimmed: 400000 -> "40%", 125000 -> "12.5%", 1 -> "0.0001%".
 * buf must hold at least 32 bytes. */
char *ratio_format_pct(sp_ratio r, char *buf)
{
    uint64_t mag = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
    unsigned frac = (unsigned)(mag % 10000);
    int n = snprintf(buf, 32, "%s%llu", r < 0 ? "-" : "", (unsigned long long)(mag / 10000));
    char *w = buf + n;
    if (frac) {
        char f[8];
        snprintf(f, sizeof f, "%04u", frac);
        size_t k = 4;
        while (f[k - 1] == '0') k--;
        *w++ = '.';
        memcpy(w, f, k);
        w += k;
    }
    *w++ = '%';
    *w = '\0';
    return buf;
}

/* ---- calendar ---- */

/* floor_div: a / b rounded toward minus infinity (b > 0). */
static int64_t floor_div(int64_t a, int64_t b) { return (a >= 0 ? a : a - (b - 1)) / b; }

/* day_from_ymd: days from civil (H. Hinnant's algorithm), proleptic
 * Gregorian, any year; m and d are not validated (d may overflow the month
 * and simply counts on). */
sp_day day_from_ymd(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = floor_div(yy, 400);
    int64_t yoe = yy - era * 400;                                   /* [0, 399] */
    int64_t mp = (m + 9) % 12;                                      /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return (sp_day)(era * 146097 + doe - 719468);
}

/* day_to_ymd: civil from days (the inverse of day_from_ymd). */
void day_to_ymd(sp_day day, int *y, int *m, int *d)
{
    int64_t z = (int64_t)day + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                 /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);          /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                               /* [0, 11] */
    int64_t dd = doy - (153 * mp + 2) / 5 + 1;
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (mm <= 2));
    *m = (int)mm;
    *d = (int)dd;
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* ymd_valid: a real date of years 1..9999. */
bool ymd_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

/* day_weekday: 1970-01-01 was a Thursday (4). */
int day_weekday(sp_day day)
{
    int r = (int)(((int64_t)day % 7 + 7) % 7);   /* 0 = Thursday */
    return (r + 3) % 7 + 1;
}

/* day_format: "YYYY-MM-DD"; "" for SP_DAY_NONE and for days outside years
 * 1..9999 (which cannot be written in that form). */
char *day_format(sp_day day, char *buf)
{
    if (day == SP_DAY_NONE || day < SP_DAY_MIN || day > SP_DAY_MAX) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, d;
    day_to_ymd(day, &y, &m, &d);
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
    return buf;
}

/* read_strict_date: "YYYY-MM-DD" at s (exactly those digit counts),
 * validated. */
static bool read_strict_date(scan *s, sp_day *out, const char **why)
{
    int y, m, d;
    if (!read_uint(s, 4, 4, &y) || !eat(s, "-") || !read_uint(s, 2, 2, &m) || !eat(s, "-") ||
        !read_uint(s, 2, 2, &d)) {
        *why = N_("expected a date like 2026-07-15");
        return false;
    }
    if (!ymd_valid(y, m, d)) {
        *why = N_("no such date");
        return false;
    }
    *out = day_from_ymd(y, m, d);
    return true;
}

/* date_parse: see value.h; surrounding white space is ignored. */
bool date_parse(const char *str, sp_day *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    scan s = scan_trimmed(str);
    sp_day day;
    if (!read_strict_date(&s, &day, why)) return false;
    if (!at_end(&s)) {
        *why = N_("expected a date like 2026-07-15");
        return false;
    }
    *out = day;
    return true;
}

/* read_time_tail: after a date: HH:MM[:SS[.fff]] then optional Z or
 * ±HH[[:]MM]; must consume the rest of s. */
static bool read_time_tail(scan *s)
{
    int h, mi, sec = 0, zh, zm = 0;
    if (!read_uint(s, 1, 2, &h) || !eat(s, ":") || !read_uint(s, 2, 2, &mi)) return false;
    if (eat(s, ":")) {
        if (!read_uint(s, 2, 2, &sec)) return false;
        if (eat(s, ".") || eat(s, ",")) {
            int n = 0;
            while (!at_end(s) && is_digit(*s->p)) s->p++, n++;
            if (n == 0) return false;
        }
    }
    if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi || sec))) return false;
    skip_spaces(s);
    if (eat(s, "Z") || eat(s, "z")) return at_end(s);
    if (eat(s, "+") || eat(s, "-")) {
        if (!read_fixed(s, 2, &zh)) return false;
        if (!at_end(s)) {
            eat(s, ":");
            if (!read_uint(s, 2, 2, &zm)) return false;
        }
        if (zh > 23 || zm > 59) return false;
    }
    return at_end(s);
}

/* Excel's 1900 date system: serial 1 = 1900-01-01; serial 60 is the
 * fictitious 1900-02-29; the largest serial is 9999-12-31. */
#define EXCEL_SERIAL_MAX 2958465

/* excel_serial: s is all digits with an optional fraction (time of day). */
static bool excel_serial(scan s, sp_day *out, const char **why)
{
    const char *q = s.p;
    int64_t v = 0;
    size_t n = 0;
    while (q < s.end && is_digit(*q)) {
        if (v <= EXCEL_SERIAL_MAX) v = v * 10 + (*q - '0');
        q++;
        n++;
    }
    if (n == 0) return false;
    if (q < s.end) {
        if (*q != '.') return false;
        q++;
        if (q == s.end) return false;
        while (q < s.end && is_digit(*q)) q++;
        if (q != s.end) return false;
    }
    if (v < 1 || v > EXCEL_SERIAL_MAX) {
        *why = N_("Excel serial date out of range");
        return true;
    }
    if (v == 60) {
        *why = N_("Excel serial 60 is the nonexistent 1900-02-29");
        return true;
    }
    *why = NULL;
    *out = v < 60 ? day_from_ymd(1899, 12, 31) + (sp_day)v : day_from_ymd(1899, 12, 30) + (sp_day)v;
    return true;
}

/* date_parse_loose: see value.h. */
bool date_parse_loose(const char *str, sp_day *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    scan s = scan_trimmed(str);
    if (at_end(&s)) {
        *why = N_("empty date");
        return false;
    }
    const char *ewhy = NULL;
    sp_day day = 0;
    if (excel_serial(s, &day, &ewhy)) {
        if (ewhy) {
            *why = ewhy;
            return false;
        }
        *out = day;
        return true;
    }
    int y, m, d;
    if (!read_uint(&s, 4, 4, &y)) {
        *why = N_("unrecognized date");
        return false;
    }
    if (eat(&s, "\xE5\xB9\xB4")) {                                   /* 年 */
        if (!read_uint(&s, 1, 2, &m) || !eat(&s, "\xE6\x9C\x88") ||  /* 月 */
            !read_uint(&s, 1, 2, &d) ||
            !(eat(&s, "\xE6\x97\xA5") || eat(&s, "\xE5\x8F\xB7"))) { /* 日 号 */
            *why = N_("unrecognized date");
            return false;
        }
        skip_spaces(&s);
        if (!at_end(&s) && !read_time_tail(&s)) {
            *why = N_("unrecognized time after the date");
            return false;
        }
    } else {
        if (at_end(&s) || (*s.p != '-' && *s.p != '/' && *s.p != '.')) {
            *why = N_("unrecognized date");
            return false;
        }
        char sep = *s.p++;
        if (!read_uint(&s, 1, 2, &m) || at_end(&s) || *s.p++ != sep || !read_uint(&s, 1, 2, &d)) {
            *why = N_("unrecognized date");
            return false;
        }
        if (!at_end(&s)) {
            if (*s.p == 'T' || *s.p == 't') s.p++;
            else if (is_ascii_space(*s.p)) skip_spaces(&s);
            else {
                *why = N_("unrecognized date");
                return false;
            }
            if (!read_time_tail(&s)) {
                *why = N_("unrecognized time after the date");
                return false;
            }
        }
    }
    if (!ymd_valid(y, m, d)) {
        *why = N_("no such date");
        return false;
    }
    *out = day_from_ymd(y, m, d);
    return true;
}

/* day_add_years: the same month and day `years` later (earlier when
 * negative); Feb 29 becomes Feb 28 in a common year. */
sp_day day_add_years(sp_day day, int years)
{
    int y, m, d;
    day_to_ymd(day, &y, &m, &d);
    int64_t ny64 = (int64_t)y + years;
    int ny = ny64 > INT32_MAX / 2 ? INT32_MAX / 2 : ny64 < INT32_MIN / 2 ? INT32_MIN / 2 : (int)ny64;
    int dim = days_in_month(ny, m);
    return day_from_ymd(ny, m, d > dim ? dim : d);
}

sp_day day_minus_year(sp_day d) { return day_add_years(d, -1); }

/* ---- ISO weeks ---- */

/* day_iso_week: ISO 8601 week-numbering year and week of day: the week
 * (Monday..Sunday) belongs to the year of its Thursday. Days outside
 * SP_DAY_MIN..SP_DAY_MAX (e.g. SP_DAY_NONE) give year 0, week 0. */
void day_iso_week(sp_day day, int *iso_year, int *week)
{
    if (day < SP_DAY_MIN || day > SP_DAY_MAX) {
        *iso_year = 0;
        *week = 0;
        return;
    }
    sp_day thu = day + (4 - day_weekday(day));
    int y, m, d;
    day_to_ymd(thu, &y, &m, &d);
    *iso_year = y;
    *week = (thu - day_from_ymd(y, 1, 1)) / 7 + 1;
}

/* iso_week_start: the Monday of ISO week 1 is the Monday on or before
 * January 4; week w starts (w-1) weeks later. */
sp_day iso_week_start(int iso_year, int week)
{
    sp_day jan4 = day_from_ymd(iso_year, 1, 4);
    return (sp_day)((int64_t)jan4 - (day_weekday(jan4) - 1) + ((int64_t)week - 1) * 7);
}

/* iso_weeks_in_year: 53 when the year starts on a Thursday, or is a leap
 * year starting on a Wednesday; else 52. */
int iso_weeks_in_year(int iso_year)
{
    int wd = day_weekday(day_from_ymd(iso_year, 1, 1));
    return wd == 4 || (wd == 3 && is_leap(iso_year)) ? 53 : 52;
}

/* ---- periods ---- */

bool period_contains(sp_period p, sp_day d) { return d >= p.first && d <= p.last; }

bool period_inside(sp_period inner, sp_period outer)
{
    return inner.first >= outer.first && inner.last <= outer.last;
}

int32_t period_days(sp_period p) { return p.last - p.first + 1; }

/* months_period: the n months starting at month m (1-based; may exceed 12
 * and carry into later years) of year y. */
static sp_period months_period(int y, int m, int n)
{
    int m0 = m - 1;
    int sy = y + m0 / 12, sm = m0 % 12 + 1;
    int e0 = m0 + n;
    int ey = y + e0 / 12, em = e0 % 12 + 1;
    sp_period p = {day_from_ymd(sy, sm, 1), day_from_ymd(ey, em, 1) - 1};
    return p;
}

/* read_year_part: what follows "YYYY" (or "FYYYYY"): nothing, "-H1", "-Q3"
 * and, for calendar years only, "-07" / "-7" and "-W27" / "-W7". Fiscal
 * halves and quarters count from month fy_start. Sets *out; false with
 * *why otherwise. */
static bool read_year_part(scan *s, int y, int fy_start, bool fiscal, sp_period *out,
                           const char **why)
{
    const char *bad = N_("expected a period like 2026, 2026-Q3, 2026-07, 2026-W27 or 2026-03-01..2026-05-31");
    int start = fiscal ? fy_start : 1;
    if (at_end(s)) {
        *out = months_period(y, start, 12);
        return true;
    }
    if (!eat(s, "-")) {
        *why = bad;
        return false;
    }
    int n;
    if (eat(s, "H") || eat(s, "h")) {
        if (!read_uint(s, 1, 1, &n) || !at_end(s) || n < 1 || n > 2) {
            *why = N_("half-year must be H1 or H2");
            return false;
        }
        *out = months_period(y, start + 6 * (n - 1), 6);
        return true;
    }
    if (eat(s, "Q") || eat(s, "q")) {
        if (!read_uint(s, 1, 1, &n) || !at_end(s) || n < 1 || n > 4) {
            *why = N_("quarter must be Q1 to Q4");
            return false;
        }
        *out = months_period(y, start + 3 * (n - 1), 3);
        return true;
    }
    if (fiscal) {
        *why = N_("a fiscal period is FY2026, FY2026-H1 or FY2026-Q1");
        return false;
    }
    if (eat(s, "W") || eat(s, "w")) {
        if (!read_uint(s, 1, 2, &n) || !at_end(s)) {
            *why = bad;
            return false;
        }
        if (n < 1 || n > iso_weeks_in_year(y)) {
            *why = N_("no such ISO week in that year");
            return false;
        }
        out->first = iso_week_start(y, n);
        out->last = out->first + 6;
        return true;
    }
    if (!read_uint(s, 1, 2, &n)) {
        *why = bad;
        return false;
    }
    if (n < 1 || n > 12) {
        *why = N_("month must be 01 to 12");
        return false;
    }
    if (!at_end(s)) {
        *why = bad;
        return false;
    }
    *out = months_period(y, n, 1);
    return true;
}

/* period_parse: see value.h. The input is trimmed; a single strict date and
 * a range "A..B" of strict dates are tried first, then year forms. */
bool period_parse(const char *str, int fy_start, sp_period *out, const char **why)
{
    const char *dummy;
    if (!why) why = &dummy;
    if (fy_start < 1 || fy_start > 12) {
        *why = N_("fiscal year start month must be 1 to 12");
        return false;
    }
    scan s = scan_trimmed(str);
    if (at_end(&s)) {
        *why = N_("empty period");
        return false;
    }
    /* a range: A..B */
    const char *dots = NULL;
    for (const char *q = s.p; q + 1 < s.end; q++)
        if (q[0] == '.' && q[1] == '.') {
            dots = q;
            break;
        }
    sp_period p;
    if (dots) {
        scan a = {s.p, dots}, b = {dots + 2, s.end};
        while (a.end > a.p && is_ascii_space(a.end[-1])) a.end--;
        skip_spaces(&b);
        if (!read_strict_date(&a, &p.first, why) || !at_end(&a) ||
            !read_strict_date(&b, &p.last, why) || !at_end(&b)) {
            if (!at_end(&a) || !at_end(&b)) *why = N_("a range is two dates like 2026-03-01..2026-05-31");
            return false;
        }
        if (p.first > p.last) {
            *why = N_("range starts after it ends");
            return false;
        }
        *out = p;
        return true;
    }
    /* a single strict date */
    {
        scan t = s;
        const char *w2;
        if (read_strict_date(&t, &p.first, &w2) && at_end(&t)) {
            p.last = p.first;
            *out = p;
            return true;
        }
        /* the right shape but not a real date */
        if (s.end - s.p == 10 && s.p[4] == '-' && s.p[7] == '-' && is_digit(s.p[8]) && is_digit(s.p[9])) {
            *why = w2;
            return false;
        }
    }
    bool fiscal = eat(&s, "FY") || eat(&s, "fy") || eat(&s, "Fy") || eat(&s, "fY");
    int y;
    if (!read_uint(&s, 4, 4, &y) || y < 1) {
        *why = N_("expected a period like 2026, 2026-Q3, 2026-07, 2026-W27 or 2026-03-01..2026-05-31");
        return false;
    }
    if (!read_year_part(&s, y, fy_start, fiscal, &p, why)) return false;
    if (p.first < SP_DAY_MIN || p.last > SP_DAY_MAX) {
        *why = N_("period outside the years 1 to 9999");
        return false;
    }
    *out = p;
    return true;
}

/* ---- time buckets ---- */

/* grain_bucket: see value.h. Days outside SP_DAY_MIN..SP_DAY_MAX (e.g.
 * SP_DAY_NONE) are their own one-day bucket. */
sp_period grain_bucket(sp_grain g, sp_day d)
{
    if (d < SP_DAY_MIN || d > SP_DAY_MAX) {
        sp_period none = {d, d};
        return none;
    }
    int y, m, dd;
    day_to_ymd(d, &y, &m, &dd);
    sp_period p = {d, d};
    switch (g) {
    case GRAIN_WEEK:
        p.first = d - (day_weekday(d) - 1);
        p.last = p.first + 6;
        break;
    case GRAIN_MONTH: p = months_period(y, m, 1); break;
    case GRAIN_QUARTER: p = months_period(y, (m - 1) / 3 * 3 + 1, 3); break;
    case GRAIN_YEAR: p = months_period(y, 1, 12); break;
    case GRAIN_DAY:
    case GRAIN_COUNT:
    default: break;
    }
    return p;
}

/* put_num: writes v (0 <= v < 10^width) as exactly width digits; returns
 * the position after them. */
static char *put_num(char *w, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        w[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return w + width;
}

/* grain_label: see value.h; buf >= 16 bytes. "" for days outside the years
 * 1..9999 (like day_format). */
char *grain_label(sp_grain g, sp_day d, char *buf)
{
    if (d < SP_DAY_MIN || d > SP_DAY_MAX) {
        buf[0] = '\0';
        return buf;
    }
    int y, m, dd;
    day_to_ymd(d, &y, &m, &dd);
    char *w = buf;
    switch (g) {
    case GRAIN_WEEK: {
        int iy, wk;
        day_iso_week(d, &iy, &wk);   /* 0001-01-01 is a Monday: iy >= 1 */
        w = put_num(w, iy, iy > 9999 ? 5 : 4);
        *w++ = '-';
        *w++ = 'W';
        w = put_num(w, wk, 2);
        break;
    }
    case GRAIN_MONTH:
        w = put_num(w, y, 4);
        *w++ = '-';
        w = put_num(w, m, 2);
        break;
    case GRAIN_QUARTER:
        w = put_num(w, y, 4);
        *w++ = '-';
        *w++ = 'Q';
        w = put_num(w, (m - 1) / 3 + 1, 1);
        break;
    case GRAIN_YEAR: w = put_num(w, y, 4); break;
    case GRAIN_DAY:
    case GRAIN_COUNT:
    default: return day_format(d, buf);
    }
    *w = '\0';
    return buf;
}
