/*
 * xlsx_read.h — reading Office Open XML workbooks (.xlsx): a zip (libzip)
 * of XML parts (expat). Only what a table needs: the sheet names in order,
 * and each sheet's cells with their value (shared string, inline string,
 * number, boolean, error) and whether the number format is a date.
 *
 * The input is untrusted. Limits (README "Limits"): the file at most
 * 64 MiB; at most 10,000 zip entries; a part read at most 64 MiB
 * uncompressed and at most 200 times its compressed size (zip bombs), all
 * parts together at most 256 MiB; part names are looked up inside the zip
 * only, never used as file names, and a relationship target may not climb
 * out of the package; a DOCTYPE (so any entity declaration: billion
 * laughs, external entities) is refused; at most 1,000,000 shared strings
 * and 64 MiB of shared-string text; a cell's text at most 1 MiB; at most
 * 2,000,000 cells per sheet; cell references within A1:XFD1048576.
 */
#ifndef SP_XLSX_READ_H
#define SP_XLSX_READ_H

#include <stdbool.h>
#include <stddef.h>

#include "../util/util.h"

typedef enum sp_xckind { XC_EMPTY, XC_TEXT, XC_NUM, XC_BOOL, XC_ERROR } sp_xckind;

typedef struct sp_xcell {
    int col;            /* 0-based */
    sp_xckind kind;
    bool date;          /* a number whose format is a date (or time) */
    double num;         /* XC_NUM; XC_BOOL: 0 or 1 */
    char *text;         /* XC_TEXT: the string; XC_NUM: the number as written; XC_ERROR: "#N/A"… */
} sp_xcell;

typedef struct sp_xrow {
    int row;            /* 1-based, as in the sheet */
    sp_xcell *cells;    /* sorted by col */
    size_t ncells;
} sp_xrow;

typedef struct sp_xtable {
    sp_xrow *rows;      /* sorted by row; rows without cells are absent */
    size_t nrows;
} sp_xtable;

typedef struct sp_xlsx sp_xlsx;

/* xlsx_open_mem: opens the workbook in data[0..len) (copied). name is used
 * in messages. NULL with err (SP_EINVAL: not a workbook / over a limit). */
sp_xlsx *xlsx_open_mem(const void *data, size_t len, const char *name, sp_err *err);
/* xlsx_open: reads path (SP_EIO when unreadable; over 64 MiB refused). */
sp_xlsx *xlsx_open(const char *path, sp_err *err);
void xlsx_close(sp_xlsx *x);

size_t xlsx_sheet_count(const sp_xlsx *x);
const char *xlsx_sheet_name(const sp_xlsx *x, size_t i);
bool xlsx_sheet_hidden(const sp_xlsx *x, size_t i);
/* xlsx_read_sheet: the cells of sheet i into *t (free with xtable_free). */
bool xlsx_read_sheet(sp_xlsx *x, size_t i, sp_xtable *t, sp_err *err);
void xtable_free(sp_xtable *t);
/* xrow_cell: the cell of r in col, NULL when empty. */
const sp_xcell *xrow_cell(const sp_xrow *r, int col);
/* xlsx_cell_ref: "B7" for col 1, row 7 (buf >= 16). */
char *xlsx_cell_ref(int col, int row, char *buf);
/* xlsx_day_from_serial: an Excel 1900-system serial (integer part) to a
 * day; false outside 1900-03-01 … 9999-12-31. */
bool xlsx_day_from_serial(double serial, int32_t *day);
/* xlsx_looks_like: whether data starts like a zip (PK\3\4). */
bool xlsx_looks_like(const void *data, size_t len);


/* ---- a sheet as CSV (for `import TABLE FILE.xlsx`) ---- */
#include "csv_read.h"
/* xlsx_file_is: whether path is a workbook: ends in .xlsx, or starts like
 * a zip. */
bool xlsx_file_is(const char *path);
/* xlsx_csv_open: sheet `sheet` of the workbook at path (NULL: the first
 * visible sheet) as a CSV stream whose line N is the sheet's row N, so
 * messages name sheet rows. Texts are taken as they are (line breaks in a
 * cell become spaces); numbers as the shortest exact decimal; numbers with
 * a date format, and numbers in a column for which is_date(header, ctx)
 * says true, as YYYY-MM-DD; booleans as true/false; formula errors as
 * their code (#N/A…), which the column's parser then refuses. */
sp_csv *xlsx_csv_open(const char *path, const char *sheet, bool (*is_date)(const char *header, void *ctx), void *ctx,
                      sp_err *err);

#endif
