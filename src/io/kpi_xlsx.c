/*
 * kpi_xlsx.c — see kpi_xlsx.h. Renders the result the JSON, CSV and table
 * renderings get (kpi_out.c), through io/xlsx_write (which neutralises
 * every text cell); computes nothing.
 */
#include "kpi_xlsx.h"

#include <stdio.h>
#include <string.h>

#include "../util/i18n.h"
#include "xlsx_write.h"

/* value: v of metric m as a number cell ("—" when null). */
static void value(sp_xsheet *s, int r, int c, sp_metric m, const sp_kpi_value *v, bool wan)
{
    if (v->null) {
        xs_text(s, r, c, "—", XF_NA);
        return;
    }
    switch (sp_metrics[m].unit) {
    case UNIT_MONEY: xs_money_shown(s, r, c, v->ival, wan); break;
    case UNIT_COUNT: xs_num(s, r, c, (double)v->ival, XF_GROUPED); break;
    case UNIT_RATIO: xs_num(s, r, c, v->den != 0 ? v->num / v->den : 0, XF_PCT1); break;
    default: xs_num(s, r, c, v->den != 0 ? v->num / v->den : 0, XF_DEC); break;
    }
}

static bool named(sp_bykey k) { return k == BY_REP || k == BY_TEAM || k == BY_TIER; }
static bool grain(sp_bykey k) { return k <= BY_DAY; }

static void records(sp_xw *w, const sp_kpi_result *r)
{
    sp_xsheet *s = xw_sheet(w, _("records"));
    buf_t t = BUF_INIT;
    if (r->nexplain < r->nexplain_total)
        buf_printf(&t, _("(%zu of %zu records shown)\n"), r->nexplain, r->nexplain_total);
    else
        buf_printf(&t, _("(%zu records)\n"), r->nexplain_total);
    if (t.len) t.data[--t.len] = '\0';
    xs_text(s, 0, 0, buf_cstr(&t), XF_LINE);
    const char *head[5] = {_("table"), _("id"), _("date"), _("amount"), _("note")};
    for (int c = 0; c < 5; c++) xs_text(s, 1, c, head[c], XF_HEAD);
    for (size_t i = 0; i < r->nexplain; i++) {
        const sp_explain_row *e = &r->explain[i];
        int row = (int)i + 2;
        bool money = strcmp(e->table, "deals") == 0 || strcmp(e->table, "invoices") == 0 ||
                     strcmp(e->table, "spend") == 0 || strcmp(e->table, "customers") == 0;
        xs_text(s, row, 0, e->table, XF_TEXT);
        xs_text(s, row, 1, e->id, XF_TEXT);
        xs_day(s, row, 2, e->date);
        if (money) xs_money_shown(s, row, 3, e->amount, false);
        xs_text(s, row, 4, e->note ? _(e->note) : "", XF_TEXT);
    }
    xs_setup(s, 2);
    buf_free(&t);
}

char *kpi_to_xlsx(const sp_kpi_query *q, const sp_kpi_result *r, sp_kpi_namer name, void *ctx, bool wan,
                  size_t *len, sp_err *err)
{
    sp_xw *w = xw_new(err);
    if (!w) return NULL;
    sp_metric m = r->metric;
    char pb[48], db[16], x[16], y[16];
    const char *period = q->period_text;
    if (!period) {
        snprintf(pb, sizeof pb, "%s..%s", day_format(q->period.first, x), day_format(q->period.last, y));
        period = pb;
    }
    buf_t t = BUF_INIT;
    buf_printf(&t, "%s · %s · %s %s", sp_metrics[m].name, period, _("as of"), day_format(q->as_of, db));
    xw_title(w, buf_cstr(&t));
    sp_xsheet *s = xw_sheet(w, sp_metrics[m].name);
    xs_text(s, 0, 0, buf_cstr(&t), XF_TITLE);
    buf_clear(&t);
    for (size_t i = 0; i < q->where.n; i++)
        buf_printf(&t, "%s%s=%s", i ? ", " : _("where "), dim_name(q->where.kv[i].dim), q->where.kv[i].value);
    xs_text(s, 1, 0, buf_cstr(&t), XF_LINE);
    /* the columns: each key (and its name), then the value */
    int col = 0, keycol[KPI_MAX_BY], namecol[KPI_MAX_BY];
    for (size_t k = 0; k < q->nby; k++) {
        keycol[k] = col;
        xs_text(s, 2, col++, _(bykey_name(q->by[k])), XF_HEAD);
        namecol[k] = -1;
        if (named(q->by[k]) && name) {
            namecol[k] = col;
            buf_clear(&t);
            buf_printf(&t, _("%s (name)"), _(bykey_name(q->by[k])));
            xs_text(s, 2, col++, buf_cstr(&t), XF_HEAD);
        }
    }
    int vcol = col;
    xs_text(s, 2, vcol, q->nby ? _("value") : sp_metrics[m].name, XF_HEAD);
    int row = 3;
    for (size_t i = 0; i < r->nrows && q->nby > 0; i++, row++) {
        for (size_t k = 0; k < q->nby; k++) {
            const char *key = r->rows[i].key[k];
            xs_text(s, row, keycol[k], key, XF_TEXT);
            if (namecol[k] >= 0 && key && *key) {
                const char *nm = name(q->by[k], key, ctx);
                xs_text(s, row, namecol[k], nm ? nm : key, XF_TEXT);
            }
        }
        value(s, row, vcol, m, &r->rows[i].value, wan);
    }
    int last = row - 1;
    if (q->nby > 0) xs_text(s, row, 0, _("total"), XF_BOLD);
    value(s, row, vcol, m, &r->total, wan);
    if (q->nby == 1 && r->nrows > 0) {
        const int vals[] = {vcol};
        sp_xfmt f = sp_metrics[m].unit == UNIT_MONEY ? (wan ? XF_WAN : XF_MONEY)
                    : sp_metrics[m].unit == UNIT_RATIO ? XF_PCT1
                    : sp_metrics[m].unit == UNIT_COUNT ? XF_GROUPED : XF_DEC;
        xs_chart(s, grain(q->by[0]) ? XC_LINE : XC_COLUMN, sp_metrics[m].name, 2, 3, last,
                 namecol[0] >= 0 ? namecol[0] : keycol[0], vals, 1, f, row + 2, 0);
    }
    xs_setup(s, 3);
    if (q->explain) records(w, r);
    buf_free(&t);
    char *bytes = xw_finish(w, len, err);
    xw_free(w);
    return bytes;
}
