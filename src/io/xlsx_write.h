/*
 * xlsx_write.h — a thin layer over libxlsxwriter for the workbooks we write
 * (plan export, tables): the formats we use, column widths by display width
 * (CJK = 2), print setup (landscape, fit to width, frozen and repeated
 * header rows), drop-down lists for closed vocabularies (long lists on a
 * hidden sheet), and formula-injection neutralising of every text cell.
 */
#ifndef SP_XLSX_WRITE_H
#define SP_XLSX_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/value.h"
#include "../util/util.h"

typedef struct sp_xw sp_xw;
typedef struct sp_xsheet sp_xsheet;

typedef enum sp_xfmt {
    XF_TEXT,      /* plain text, wrapped */
    XF_TITLE,     /* a block title (bold, larger) */
    XF_HEAD,      /* a header cell (bold, shaded, border) */
    XF_MONEY,     /* ¥#,##0.00 */
    XF_WAN,       /* yuan shown in 万 with one decimal (0\.0,"万": Excel, WPS and LibreOffice) */
    XF_PCT,       /* 0.##% */
    XF_DATE,      /* yyyy-mm-dd */
    XF_INT,       /* 0 */
    XF_DEC,       /* 0.## */
    XF_NOTE,      /* italic grey: a hint, a formula result */
    XF_PCT1,      /* 0.0% (the packs' percentages) */
    XF_GROUPED,   /* #,##0 (counts in the packs) */
    XF_DEC1,      /* #,##0.0 */
    XF_BOLD,      /* bold text (a total line's label) */
    XF_NA,        /* "—" in a column of numbers: right-aligned */
    XF_LINE,      /* a line of notes: italic grey, not wrapped, widens no column */
    XF_COUNT
} sp_xfmt;

/* xw_new: a new workbook in memory (written to a private temporary file
 * until xw_finish). NULL with err when the temporary file cannot be made. */
sp_xw *xw_new(sp_err *err);
/* xw_title: the document title; the creation time is fixed (2020-01-01)
 * so that the same content gives the same bytes. */
void xw_title(sp_xw *w, const char *title);
/* xw_sheet: a new visible sheet (name at most 31 characters). */
sp_xsheet *xw_sheet(sp_xw *w, const char *name);

/* Cells (0-based row / col). Text is neutralised (xlsx_neutralise); NULL
 * or "" writes nothing. Each call widens the column as needed. */
void xs_text(sp_xsheet *s, int row, int col, const char *text, sp_xfmt f);
void xs_num(sp_xsheet *s, int row, int col, double v, sp_xfmt f);
void xs_money(sp_xsheet *s, int row, int col, sp_money v);   /* XF_WAN when whole and >= 1万, else XF_MONEY */
/* xs_money_shown: v as a number shown like the packs show money: in 万 when
 * wan and |v| >= 1万 ("4520.6万"), else ¥ with cents. */
void xs_money_shown(sp_xsheet *s, int row, int col, sp_money v, bool wan);
void xs_ratio(sp_xsheet *s, int row, int col, sp_ratio v);
void xs_day(sp_xsheet *s, int row, int col, sp_day d);         /* nothing for SP_DAY_NONE */
void xs_formula(sp_xsheet *s, int row, int col, const char *formula, double cached, sp_xfmt f);
/* xs_list: a drop-down of words on rows [r0, r1] of col. Lists longer than
 * 255 characters go to the hidden sheet of lists and are referenced there. */
void xs_list(sp_xsheet *s, int r0, int r1, int col, const char *const *words, size_t n);
/* xs_chart: a native chart of the numbers in rows [r0, r1] of the columns
 * vals[0..nvals) of s, one series each named by its cell on head_row, the
 * categories from column cat; placed with its top left corner at (at_row,
 * at_col). title is neutralised like a text cell; yfmt numbers the value
 * axis. Nothing when the range is empty. */
typedef enum sp_xchart { XC_LINE, XC_COLUMN, XC_BAR } sp_xchart;
void xs_chart(sp_xsheet *s, sp_xchart kind, const char *title, int head_row, int r0, int r1, int cat, const int *vals,
              size_t nvals, sp_xfmt yfmt, int at_row, int at_col);
/* xs_setup: print setup (landscape, fit to one page wide, repeat and freeze
 * the first freeze_rows rows) and the column widths seen so far. */
void xs_setup(sp_xsheet *s, int freeze_rows);

/* xw_finish: closes the workbook and returns its bytes (caller frees);
 * NULL with err on failure. xw_free releases w (after xw_finish or not). */
char *xw_finish(sp_xw *w, size_t *len, sp_err *err);
void xw_free(sp_xw *w);

/* xlsx_serial_from_day / xlsx_day_from_serial: Excel's 1900 date system
 * (serial 25569 = 1970-01-01; serials < 61 are before 1900-03-01 and are
 * refused by the reader). */
double xlsx_serial_from_day(sp_day d);

/* xlsx_neutralise: OWASP CSV-injection defence for text we write: a text
 * whose first character after any leading apostrophes is = + - @ TAB or CR
 * gets one more leading apostrophe. xlsx_unneutralise undoes exactly that,
 * so the pair is lossless. Both append to out. */
void xlsx_neutralise(const char *s, buf_t *out);
void xlsx_unneutralise(const char *s, buf_t *out);
bool xlsx_needs_neutralise(const char *s);

#endif
