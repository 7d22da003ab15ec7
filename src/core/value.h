/*
 * value.h — the value syntax of SPEC §3: money, ratios, dates and periods.
 *
 * Pure: no I/O, no clock, no locale. Money is int64 minor units (fen);
 * never a binary floating-point value. Dates are day numbers: days since
 * 1970-01-01 in the proleptic Gregorian calendar (the plan's time zone is
 * applied by whoever turns an instant into a day, never here).
 */
#ifndef SP_VALUE_H
#define SP_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "../util/util.h"

typedef int32_t sp_day;               /* days since 1970-01-01 */
#define SP_DAY_NONE INT32_MIN         /* an empty date */
#define SP_DAY_MIN (-719162)          /* 0001-01-01 */
#define SP_DAY_MAX 2932896            /* 9999-12-31 */

/* ---- money ---- */
typedef int64_t sp_money;             /* minor units (fen) */

/* money_parse: SPEC §3 money: optional sign, optional currency prefix or
 * suffix (¥ ￥ $ € £ and 3-letter ISO codes like CNY, RMB, USD), thousands
 * separators (',' in groups of three, also full-width '，'), at most 2 fraction
 * digits (more is an error unless they are zeros), suffix 万 (×10^4) or 亿
 * (×10^8) (then up to 6 / 10 fraction digits are allowed as long as the
 * result is whole fen), also 元. Leading/trailing white space ignored.
 * Overflow of int64 fen is an error, never a wrap.
 * Returns true and sets *out, or false with a short English reason in *why
 * (a static string). */
bool money_parse(const char *s, sp_money *out, const char **why);
/* money_format: "1234567.89" (no separators, '-' when negative, always two
 * decimals) into buf (at least 32 bytes). Returns buf. */
char *money_format(sp_money m, char *buf);
/* money_format_grouped: "1,234,567.89" for terminals; buf at least 40 bytes. */
char *money_format_grouped(sp_money m, char *buf);
/* money_to_major: for JSON output only (major units). */
double money_to_major(sp_money m);

/* ---- ratios ---- */
/* A ratio is held as parts per million (ppm) so plan values stay exact:
 * "40%" = 400000, "0.4" = 400000, "12.5%" = 125000. */
typedef int64_t sp_ratio;
#define SP_RATIO_ONE 1000000
/* ratio_parse: "40%", "0.4", "1", "12.5%"; at most 6 decimal places of the
 * fraction; a leading '-' is allowed (the caller checks ranges). */
bool ratio_parse(const char *s, sp_ratio *out, const char **why);
/* ratio_format: "40%" or "12.5%" (percent, trailing zeros trimmed). */
char *ratio_format_pct(sp_ratio r, char *buf);

/* ---- dates ---- */
sp_day day_from_ymd(int y, int m, int d);          /* no validation */
void day_to_ymd(sp_day day, int *y, int *m, int *d);
bool ymd_valid(int y, int m, int d);
int days_in_month(int y, int m);
bool is_leap(int y);
int day_weekday(sp_day day);                        /* 1 = Monday … 7 = Sunday */
/* day_format: "YYYY-MM-DD" into buf (>= 11 bytes); "" for SP_DAY_NONE. */
char *day_format(sp_day day, char *buf);
/* date_parse: strict plan/CLI form "2026-07-15". */
bool date_parse(const char *s, sp_day *out, const char **why);
/* date_parse_loose: CSV forms: "2026-07-15", "2026/7/15", "2026-7-5",
 * "2026-07-15 14:30[:00]" and ISO "2026-07-15T14:30:00[Z|+08:00]" (date part),
 * "2026年7月15日", "2026.07.15", and Excel serial day numbers (1900 system,
 * "46218" or "46218.5"; 60 = the fictitious 1900-02-29 is rejected). */
bool date_parse_loose(const char *s, sp_day *out, const char **why);
/* day_minus_year: the same month/day one year earlier; Feb 29 -> Feb 28. */
sp_day day_minus_year(sp_day d);
/* day_add_years: same rule generalized (Feb 29 -> Feb 28 when not leap). */
sp_day day_add_years(sp_day d, int years);

/* ISO week helpers */
void day_iso_week(sp_day day, int *iso_year, int *week);
/* iso_week_start: the Monday of ISO week w of iso_year. */
sp_day iso_week_start(int iso_year, int week);
int iso_weeks_in_year(int iso_year);                /* 52 or 53 */

/* ---- periods: a closed range of days ---- */
typedef struct sp_period {
    sp_day first, last;                             /* inclusive */
} sp_period;

/* period_parse: "2026", "2026-H1", "2026-Q3", "2026-07", "2026-W27",
 * "2026-03-01..2026-05-31", a single date "2026-07-15", "FY2026",
 * "FY2026-H2", "FY2026-Q1" (fiscal: FY2026 starts on 2026-<fy_start>-01;
 * FY quarters and halves count from that start). fy_start is 1..12.
 * Errors: bad shape, month 13, week 54 (or 53 in a 52-week year),
 * range with first > last. */
bool period_parse(const char *s, int fy_start, sp_period *out, const char **why);
bool period_contains(sp_period p, sp_day d);
bool period_inside(sp_period inner, sp_period outer);
int32_t period_days(sp_period p);

/* Bucket keys for breakdowns by time */
typedef enum sp_grain { GRAIN_DAY, GRAIN_WEEK, GRAIN_MONTH, GRAIN_QUARTER, GRAIN_YEAR, GRAIN_COUNT } sp_grain;
/* grain_bucket: the bucket (a period) of grain g containing d. Weeks are ISO
 * weeks (Monday..Sunday). */
sp_period grain_bucket(sp_grain g, sp_day d);
/* grain_label: "2026-07", "2026-Q3", "2026-W05", "2026", "2026-07-15" of the
 * bucket containing d; buf >= 16 bytes. */
char *grain_label(sp_grain g, sp_day d, char *buf);

#endif
