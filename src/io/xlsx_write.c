/*
 * xlsx_write.c — see xlsx_write.h. libxlsxwriter writes the zip to a file,
 * so the workbook goes to a private temporary file (mkstemp, removed at
 * once) and its bytes are handed back: the caller writes them atomically
 * through util/outfile like every other output.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../util/i18n.h"
#include "xlsx_write.h"

#define MAX_COLS 64

struct sp_xsheet {
    sp_xw *w;
    lxw_worksheet *ws;
    double width[MAX_COLS];     /* display columns seen */
    int ncols;
    char name[128];             /* for chart ranges */
};

struct sp_xw {
    char path[64];
    lxw_workbook *wb;
    lxw_format *fmt[XF_COUNT];
    sp_xsheet *sheets[64];
    size_t nsheets;
    lxw_worksheet *lists;       /* the hidden sheet of long lists */
    int lists_col;
    char title[256], author[16];
    lxw_doc_properties props;
};

sp_xw *xw_new(sp_err *err)
{
    sp_xw *w = xcalloc(1, sizeof *w);
    snprintf(w->author, sizeof w->author, "salesplan");
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp || strlen(tmp) > 40) tmp = "/tmp";
    snprintf(w->path, sizeof w->path, "%s/spxlsxXXXXXX", tmp);
    int fd = mkstemp(w->path);
    if (fd < 0) {
        err_set(err, SP_EIO, "%s: %s", w->path, sys_errmsg(errno));
        free(w);
        return NULL;
    }
    close(fd);
    lxw_workbook_options o = {.constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE};
    w->wb = workbook_new_opt(w->path, &o);
    if (!w->wb) {
        err_set(err, SP_EIO, "%s: %s", w->path, _("cannot create the workbook"));
        unlink(w->path);
        free(w);
        return NULL;
    }
    for (int i = 0; i < XF_COUNT; i++) {
        lxw_format *f = workbook_add_format(w->wb);
        format_set_font_size(f, 10);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        w->fmt[i] = f;
    }
    format_set_text_wrap(w->fmt[XF_TEXT]);
    format_set_bold(w->fmt[XF_TITLE]);
    format_set_font_size(w->fmt[XF_TITLE], 13);
    format_set_bold(w->fmt[XF_HEAD]);
    format_set_bg_color(w->fmt[XF_HEAD], 0xDDEBF7);
    format_set_border(w->fmt[XF_HEAD], LXW_BORDER_THIN);
    format_set_text_wrap(w->fmt[XF_HEAD]);
    format_set_num_format(w->fmt[XF_MONEY], "\"\xc2\xa5\"#,##0.00");
    format_set_num_format(w->fmt[XF_WAN], "0\\.0,\"\xe4\xb8\x87\"");
    format_set_num_format(w->fmt[XF_PCT], "0.####%");
    format_set_num_format(w->fmt[XF_DATE], "yyyy-mm-dd");
    format_set_num_format(w->fmt[XF_INT], "0");
    format_set_num_format(w->fmt[XF_DEC], "0.##");
    format_set_italic(w->fmt[XF_NOTE]);
    format_set_font_color(w->fmt[XF_NOTE], 0x595959);
    format_set_num_format(w->fmt[XF_NOTE], "\"\xc2\xa5\"#,##0.00");
    format_set_num_format(w->fmt[XF_PCT1], "0.0%");
    format_set_num_format(w->fmt[XF_GROUPED], "#,##0");
    format_set_num_format(w->fmt[XF_DEC1], "#,##0.0");
    format_set_bold(w->fmt[XF_BOLD]);
    format_set_align(w->fmt[XF_NA], LXW_ALIGN_RIGHT);
    format_set_italic(w->fmt[XF_LINE]);
    format_set_font_color(w->fmt[XF_LINE], 0x595959);
    return w;
}

void xw_title(sp_xw *w, const char *title)
{
    /* kept in w: valid until the workbook is closed, whether or not the
     * library copies them */
    snprintf(w->title, sizeof w->title, "%s", title ? title : "");
    w->props = (lxw_doc_properties){.title = w->title, .author = w->author, .created = 1577836800};
    workbook_set_properties(w->wb, &w->props);
}

sp_xsheet *xw_sheet(sp_xw *w, const char *name)
{
    if (w->nsheets == sizeof w->sheets / sizeof *w->sheets) return NULL;
    sp_xsheet *s = xcalloc(1, sizeof *s);
    s->w = w;
    s->ws = workbook_add_worksheet(w->wb, name);
    snprintf(s->name, sizeof s->name, "%s", name ? name : "");
    w->sheets[w->nsheets++] = s;
    return s;
}

static void widen(sp_xsheet *s, int col, double wd)
{
    if (col < 0 || col >= MAX_COLS) return;
    if (wd > s->width[col]) s->width[col] = wd;
    if (col + 1 > s->ncols) s->ncols = col + 1;
}

bool xlsx_needs_neutralise(const char *s)
{
    if (!s) return false;
    while (*s == '\'') s++;
    return *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
}

void xlsx_neutralise(const char *s, buf_t *out)
{
    if (!s) return;
    if (xlsx_needs_neutralise(s)) buf_putc(out, '\'');
    buf_puts(out, s);
}

void xlsx_unneutralise(const char *s, buf_t *out)
{
    if (!s) return;
    if (s[0] == '\'' && xlsx_needs_neutralise(s + 1)) s++;
    buf_puts(out, s);
}

void xs_text(sp_xsheet *s, int row, int col, const char *text, sp_xfmt f)
{
    if (!s || !text || !*text) return;
    buf_t b = BUF_INIT;
    xlsx_neutralise(text, &b);
    worksheet_write_string(s->ws, (lxw_row_t)row, (lxw_col_t)col, buf_cstr(&b), s->w->fmt[f]);
    /* the widest line decides the width */
    double wd = 0;
    const char *p = buf_cstr(&b);
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *line = xstrndup(p, n);
        double lw = (double)utf8_width(line);
        free(line);
        if (lw > wd) wd = lw;
        p += n + (nl ? 1 : 0);
    }
    if (f == XF_TITLE || f == XF_LINE) wd = 0;   /* a title or a note may run over the next cells */
    if (f == XF_HEAD) wd += 2;   /* bold */
    widen(s, col, wd);
    buf_free(&b);
}

void xs_num(sp_xsheet *s, int row, int col, double v, sp_xfmt f)
{
    if (!s) return;
    worksheet_write_number(s->ws, (lxw_row_t)row, (lxw_col_t)col, v, s->w->fmt[f]);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.2f", v);
    widen(s, col, (double)strlen(tmp) + (f == XF_MONEY || f == XF_WAN ? 5 : 1));
}

void xs_money(sp_xsheet *s, int row, int col, sp_money v)
{
    bool wan = v % 100 == 0 && (v >= 1000000 || v <= -1000000);
    xs_num(s, row, col, money_to_major(v), wan ? XF_WAN : XF_MONEY);
}

void xs_money_shown(sp_xsheet *s, int row, int col, sp_money v, bool wan)
{
    xs_num(s, row, col, money_to_major(v), wan && (v >= 1000000 || v <= -1000000) ? XF_WAN : XF_MONEY);
}

void xs_ratio(sp_xsheet *s, int row, int col, sp_ratio v) { xs_num(s, row, col, (double)v / SP_RATIO_ONE, XF_PCT); }

double xlsx_serial_from_day(sp_day d) { return (double)d + 25569.0; }

void xs_day(sp_xsheet *s, int row, int col, sp_day d)
{
    if (d == SP_DAY_NONE) return;
    xs_num(s, row, col, xlsx_serial_from_day(d), XF_DATE);
    widen(s, col, 12);
}

void xs_formula(sp_xsheet *s, int row, int col, const char *formula, double cached, sp_xfmt f)
{
    if (!s) return;
    worksheet_write_formula_num(s->ws, (lxw_row_t)row, (lxw_col_t)col, formula, s->w->fmt[f], cached);
    widen(s, col, 14);
}

static void col_name(int col, char *buf)
{
    char tmp[8];
    int n = 0;
    col++;
    while (col > 0 && n < 7) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    buf[n] = '\0';
}

void xs_list(sp_xsheet *s, int r0, int r1, int col, const char *const *words, size_t n)
{
    if (!s || !n || r1 < r0) return;
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += strlen(words[i]) + 1;
    lxw_data_validation dv = {0};
    dv.ignore_blank = LXW_VALIDATION_ON;
    dv.show_error = LXW_VALIDATION_ON;
    dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;
    char formula[64];
    if (total < 250) {
        const char **list = xcalloc(n + 1, sizeof *list);
        for (size_t i = 0; i < n; i++) list[i] = words[i];
        dv.validate = LXW_VALIDATION_TYPE_LIST;
        dv.value_list = (char **)list;
        worksheet_data_validation_range(s->ws, (lxw_row_t)r0, (lxw_col_t)col, (lxw_row_t)r1, (lxw_col_t)col, &dv);
        free(list);
        return;
    }
    sp_xw *w = s->w;
    if (!w->lists) {
        w->lists = workbook_add_worksheet(w->wb, "lists");
        worksheet_hide(w->lists);
    }
    int lc = w->lists_col++;
    for (size_t i = 0; i < n; i++) worksheet_write_string(w->lists, (lxw_row_t)i, (lxw_col_t)lc, words[i], NULL);
    char cn[8];
    col_name(lc, cn);
    snprintf(formula, sizeof formula, "=lists!$%s$1:$%s$%zu", cn, cn, n);
    dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    dv.value_formula = formula;
    worksheet_data_validation_range(s->ws, (lxw_row_t)r0, (lxw_col_t)col, (lxw_row_t)r1, (lxw_col_t)col, &dv);
}

/* the number format strings of the value axes (as set on the cell formats) */
static const char *axis_format(sp_xfmt f)
{
    switch (f) {
    case XF_MONEY: return "\"\xc2\xa5\"#,##0";
    case XF_WAN: return "0\\.0,\"\xe4\xb8\x87\"";
    case XF_PCT:
    case XF_PCT1: return "0%";
    case XF_DEC:
    case XF_DEC1: return "#,##0.0";
    default: return "#,##0";
    }
}

void xs_chart(sp_xsheet *s, sp_xchart kind, const char *title, int head_row, int r0, int r1, int cat, const int *vals,
              size_t nvals, sp_xfmt yfmt, int at_row, int at_col)
{
    if (!s || r1 < r0 || !nvals) return;
    uint8_t type = kind == XC_LINE ? LXW_CHART_LINE : kind == XC_BAR ? LXW_CHART_BAR : LXW_CHART_COLUMN;
    lxw_chart *ch = workbook_add_chart(s->w->wb, type);
    if (!ch) return;
    for (size_t i = 0; i < nvals; i++) {
        lxw_chart_series *se = chart_add_series(ch, NULL, NULL);
        if (!se) return;
        chart_series_set_categories(se, s->name, (lxw_row_t)r0, (lxw_col_t)cat, (lxw_row_t)r1, (lxw_col_t)cat);
        chart_series_set_values(se, s->name, (lxw_row_t)r0, (lxw_col_t)vals[i], (lxw_row_t)r1, (lxw_col_t)vals[i]);
        chart_series_set_name_range(se, s->name, (lxw_row_t)head_row, (lxw_col_t)vals[i]);
        if (kind == XC_LINE) chart_series_set_marker_type(se, LXW_CHART_MARKER_CIRCLE);
    }
    if (title && *title) {
        /* a title starting with '=' would be taken for a cell reference */
        buf_t t = BUF_INIT;
        xlsx_neutralise(title, &t);
        chart_title_set_name(ch, buf_cstr(&t));
        buf_free(&t);
        lxw_chart_font f = {.size = 11, .bold = LXW_TRUE};
        chart_title_set_name_font(ch, &f);
    }
    chart_axis_set_num_format(kind == XC_BAR ? ch->x_axis : ch->y_axis, axis_format(yfmt));
    if (kind == XC_BAR) chart_axis_set_reverse(ch->y_axis);   /* the first row on top, as in the table */
    chart_legend_set_position(ch, nvals > 1 ? LXW_CHART_LEGEND_BOTTOM : LXW_CHART_LEGEND_NONE);
    lxw_chart_options o = {.x_scale = 1.4, .y_scale = 1.2, .object_position = LXW_OBJECT_MOVE_DONT_SIZE};
    worksheet_insert_chart_opt(s->ws, (lxw_row_t)at_row, (lxw_col_t)at_col, ch, &o);
}

void xs_setup(sp_xsheet *s, int freeze_rows)
{
    if (!s) return;
    worksheet_set_landscape(s->ws);
    worksheet_set_paper(s->ws, 9);   /* A4 */
    worksheet_fit_to_pages(s->ws, 1, 0);
    if (freeze_rows > 0) {
        worksheet_freeze_panes(s->ws, (lxw_row_t)freeze_rows, 0);
        worksheet_repeat_rows(s->ws, 0, (lxw_row_t)(freeze_rows - 1));
    }
    for (int c = 0; c < s->ncols; c++) {
        double wd = s->width[c] + 2;
        if (wd < 8) wd = 8;
        if (wd > 60) wd = 60;
        worksheet_set_column(s->ws, (lxw_col_t)c, (lxw_col_t)c, wd, NULL);
    }
}

char *xw_finish(sp_xw *w, size_t *len, sp_err *err)
{
    lxw_error e = workbook_close(w->wb);
    w->wb = NULL;
    if (e != LXW_NO_ERROR) {
        err_set(err, SP_EIO, "%s: %s", _("cannot write the workbook"), lxw_strerror(e));
        return NULL;
    }
    FILE *f = fopen(w->path, "rb");
    if (!f) {
        err_set(err, SP_EIO, "%s: %s", w->path, sys_errmsg(errno));
        return NULL;
    }
    buf_t b = BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&b, chunk, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        err_set(err, SP_EIO, "%s: %s", w->path, sys_errmsg(EIO));
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return buf_detach(&b);
}

void xw_free(sp_xw *w)
{
    if (!w) return;
    if (w->wb) workbook_close(w->wb);
    unlink(w->path);
    for (size_t i = 0; i < w->nsheets; i++) free(w->sheets[i]);
    free(w);
}
