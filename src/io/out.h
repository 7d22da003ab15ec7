/*
 * out.h — rendering results for the faces: aligned text tables (CJK-aware),
 * and the kpi result as table, JSON (SPEC §6 shape) or CSV.
 */
#ifndef SP_OUT_H
#define SP_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/metrics.h"
#include "../util/util.h"

/* A simple text table: add a header row, then rows; render pads each
 * column to its display width (CJK double-width aware), numbers
 * right-aligned where the column is marked numeric. */
typedef struct sp_table_out sp_table_out;
sp_table_out *tableout_new(size_t ncols);
void tableout_free(sp_table_out *t);
void tableout_numeric(sp_table_out *t, size_t col, bool numeric);
/* tableout_row: adds a row of ncols strings (copied). */
void tableout_row(sp_table_out *t, const char *const *cells);
void tableout_render(const sp_table_out *t, buf_t *out);
/* tableout_rule: draw a dashed rule before the next row added (e.g. a total). */
void tableout_rule(sp_table_out *t);
/* tableout_fit: the table is at most width display columns wide: when it
 * would be wider, column col (a name) gives up the difference, down to 8
 * columns, its cells cut by display width with an ellipsis ("华东制造…"). */
void tableout_fit(sp_table_out *t, size_t col, size_t width);

/* kpi_to_json: the SPEC §6 JSON object; where_* and by echo the query.
 * Appends to out. */
void kpi_to_json(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out);
void kpi_to_csv(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out);
void kpi_to_table(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out);
/* kpi_explain_to_*: the records behind the number. */
void kpi_explain_to_table(const sp_kpi_result *r, buf_t *out);
/* kpi_format_value: display text of a value ("1,234.50", "40.0%", "—"). */
void kpi_format_value(sp_metric m, const sp_kpi_value *v, buf_t *out);

/* ---- pieces of hand-written JSON and CSV (out_util.c) ---- */

/* out_json_string: s as a JSON string literal (UTF-8 kept as is; quotes,
 * backslashes and control characters escaped); null when s is NULL. */
void out_json_string(buf_t *out, const char *s);
/* out_json_text: like out_json_string, but NULL is the empty string "". */
void out_json_text(buf_t *out, const char *s);
/* out_json_day: "YYYY-MM-DD", or null for SP_DAY_NONE. */
void out_json_day(buf_t *out, sp_day d);
/* out_json_money: the exact decimal number of m ("1234567.89"), never via
 * a double. */
void out_json_money(buf_t *out, sp_money m);
/* out_json_ratio: a ratio in ppm as the exact decimal fraction ("0.4",
 * "1.25", "0"), never via a double. */
void out_json_ratio(buf_t *out, sp_ratio r);
/* out_json_hundredths: a number kept in hundredths, exactly ("12.5", "-3.25"). */
void out_json_hundredths(buf_t *out, int64_t v);
/* out_csv_cell: one CSV field, RFC 4180 quoting (only when needed: comma,
 * quote, CR, LF). label: text a spreadsheet could run as a formula (leading
 * = + - @ tab CR) gets a leading apostrophe; numbers and fixed names pass
 * label false and are never changed. NULL is the empty field. (Free text
 * in the tracking commands goes through csv_write_field, io/csv_read.h.) */
void out_csv_cell(buf_t *out, const char *s, bool label);

#endif
