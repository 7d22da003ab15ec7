/*
 * table_out.c — aligned plain-text tables for terminals.
 *
 * Owns: sp_table_out. Cells are copied; render pads each column to its
 * display width (utf8_width: CJK characters take two columns), right-aligns
 * numeric columns, underlines the header row and can draw a rule before a
 * row (e.g. the total line). Lines carry no trailing blanks.
 */
#include "out.h"

#include <stdlib.h>
#include <string.h>

struct sp_table_out {
    size_t ncols;
    bool *numeric;
    char **cells;        /* nrows * ncols */
    bool *rule_before;   /* per row */
    size_t nrows, cap;
    bool pending_rule;
    size_t fit_col, fit_width;   /* tableout_fit; fit_width 0 = none */
};

sp_table_out *tableout_new(size_t ncols)
{
    sp_table_out *t = xcalloc(1, sizeof *t);
    t->ncols = ncols ? ncols : 1;
    t->numeric = xcalloc(t->ncols, sizeof *t->numeric);
    return t;
}

void tableout_free(sp_table_out *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t->rule_before);
    free(t->numeric);
    free(t);
}

void tableout_numeric(sp_table_out *t, size_t col, bool numeric)
{
    if (col < t->ncols) t->numeric[col] = numeric;
}

void tableout_rule(sp_table_out *t) { t->pending_rule = true; }

void tableout_fit(sp_table_out *t, size_t col, size_t width)
{
    if (col >= t->ncols) return;
    t->fit_col = col;
    t->fit_width = width;
}

/* tableout_row: appends a row; NULL cells become "". */
void tableout_row(sp_table_out *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->cells = xreallocarray(t->cells, t->cap, t->ncols * sizeof *t->cells);
        t->rule_before = xreallocarray(t->rule_before, t->cap, sizeof *t->rule_before);
    }
    for (size_t c = 0; c < t->ncols; c++) t->cells[t->nrows * t->ncols + c] = xstrdup(cells[c] ? cells[c] : "");
    t->rule_before[t->nrows] = t->pending_rule && t->nrows > 0;
    t->pending_rule = false;
    t->nrows++;
}

static void pad(buf_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) buf_putc(out, ' ');
}

static void rule(buf_t *out, size_t total)
{
    for (size_t i = 0; i < total; i++) buf_putc(out, '-');
    buf_putc(out, '\n');
}

/* tableout_render: appends the table; row 0 is the header. */
void tableout_render(const sp_table_out *t, buf_t *out)
{
    if (t->nrows == 0) return;
    size_t *w = xcalloc(t->ncols, sizeof *w);
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < t->ncols; c++) {
            size_t x = utf8_width(t->cells[r * t->ncols + c]);
            if (x > w[c]) w[c] = x;
        }
    size_t total = 0;
    for (size_t c = 0; c < t->ncols; c++) total += w[c] + (c ? 2 : 0);
    size_t cut = 0; /* the fitted column's width when its cells are cut */
    if (t->fit_width && total > t->fit_width && w[t->fit_col] > 8) {
        size_t over = total - t->fit_width;
        cut = w[t->fit_col] > over + 8 ? w[t->fit_col] - over : 8;
        total -= w[t->fit_col] - cut;
        w[t->fit_col] = cut;
    }
    buf_t cell = BUF_INIT;
    for (size_t r = 0; r < t->nrows; r++) {
        if (t->rule_before[r]) rule(out, total);
        size_t start = out->len;
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = t->cells[r * t->ncols + c];
            if (cut && c == t->fit_col) {
                buf_clear(&cell);
                utf8_truncate(s, cut, &cell);
                s = buf_cstr(&cell);
            }
            size_t x = utf8_width(s);
            if (c) pad(out, 2);
            if (t->numeric[c] && r > 0) {
                pad(out, w[c] - x);
                buf_puts(out, s);
            } else {
                buf_puts(out, s);
                pad(out, w[c] - x);
            }
        }
        while (out->len > start && out->data[out->len - 1] == ' ') out->len--;
        buf_putc(out, '\n');
        if (r == 0 && t->nrows > 1) rule(out, total);
    }
    buf_free(&cell);
    free(w);
}
