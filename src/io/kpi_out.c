/*
 * kpi_out.c — rendering a kpi result (SPEC §6) as JSON, CSV or an aligned
 * table, and the records behind it (--explain).
 *
 * Owns: the JSON text of a kpi answer (written by hand so that money comes
 * out exactly from integer fen: 1234567.89, 0.00 — never through a double;
 * strings escaped by out_json_text, out_util.c), the CSV rows (cells by
 * out_csv_cell: RFC 4180 quoting, formula-looking labels defused with a
 * leading apostrophe) and the terminal table (money grouped,
 * ratios as percentages, null as "—", a total line). Must not compute.
 */
#include "out.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

/* number_text: the machine form of a value: money "1234.50", counts
 * "12", fractions "%.15g"; "" when null (the caller decides null's form). */
static void number_text(sp_metric m, const sp_kpi_value *v, buf_t *out)
{
    if (v->null) return;
    switch (sp_metrics[m].unit) {
    case UNIT_MONEY: {
        char b[48];
        buf_puts(out, money_format(v->ival, b));
        break;
    }
    case UNIT_COUNT: buf_printf(out, "%" PRId64, v->ival); break;
    default: {
        double x = v->den != 0 ? v->num / v->den : 0;
        if (x == 0) x = 0; /* no "-0" */
        buf_printf(out, "%.15g", x);
    }
    }
}

static void json_value(sp_metric m, const sp_kpi_value *v, buf_t *out)
{
    if (v->null) buf_puts(out, "null");
    else number_text(m, v, out);
}

static const char *period_text(const sp_kpi_query *q, char *b, size_t n)
{
    if (q->period_text) return q->period_text;
    char x[16], y[16];
    snprintf(b, n, "%s..%s", day_format(q->period.first, x), day_format(q->period.last, y));
    return b;
}

/* json_where: {"region": "华东", "team": ["a", "b"]} — repeated keys (OR)
 * as an array, keys in the order first given. */
static void json_where(const sp_filter *f, buf_t *out)
{
    buf_putc(out, '{');
    bool first = true;
    for (size_t i = 0; i < f->n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) seen = f->kv[j].dim == f->kv[i].dim;
        if (seen) continue;
        size_t count = 0;
        for (size_t j = i; j < f->n; j++) count += f->kv[j].dim == f->kv[i].dim;
        if (!first) buf_puts(out, ", ");
        first = false;
        out_json_text(out, dim_name(f->kv[i].dim));
        buf_puts(out, ": ");
        if (count == 1) {
            out_json_text(out, f->kv[i].value);
            continue;
        }
        buf_putc(out, '[');
        bool f2 = true;
        for (size_t j = i; j < f->n; j++) {
            if (f->kv[j].dim != f->kv[i].dim) continue;
            if (!f2) buf_puts(out, ", ");
            f2 = false;
            out_json_text(out, f->kv[j].value);
        }
        buf_putc(out, ']');
    }
    buf_putc(out, '}');
}

void kpi_to_json(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out)
{
    char pb[48], db[16];
    sp_metric m = r->metric;
    buf_puts(out, "{\"metric\": ");
    out_json_text(out, sp_metrics[m].name);
    buf_puts(out, ", \"unit\": ");
    out_json_text(out, unit_name(sp_metrics[m].unit));
    buf_puts(out, ", \"period\": ");
    out_json_text(out, period_text(q, pb, sizeof pb));
    buf_puts(out, ", \"as_of\": ");
    out_json_text(out, day_format(q->as_of, db));
    buf_puts(out, ", \"where\": ");
    json_where(&q->where, out);
    buf_puts(out, ", \"by\": [");
    for (size_t i = 0; i < q->nby; i++) {
        if (i) buf_puts(out, ", ");
        out_json_text(out, bykey_name(q->by[i]));
    }
    buf_puts(out, "], \"rows\": [");
    for (size_t i = 0; i < r->nrows; i++) {
        const sp_kpi_row *row = &r->rows[i];
        buf_puts(out, i ? ",\n  {" : "\n  {");
        for (size_t k = 0; k < q->nby; k++) {
            out_json_text(out, bykey_name(q->by[k]));
            buf_puts(out, ": ");
            out_json_text(out, row->key[k]);
            buf_puts(out, ", ");
        }
        buf_puts(out, "\"value\": ");
        json_value(m, &row->value, out);
        buf_putc(out, '}');
    }
    buf_puts(out, r->nrows ? "\n ], \"total\": " : "], \"total\": ");
    json_value(m, &r->total, out);
    if (q->explain) {
        buf_printf(out, ", \"explain\": {\"count\": %zu, \"records\": [", r->nexplain_total);
        for (size_t i = 0; i < r->nexplain; i++) {
            const sp_explain_row *e = &r->explain[i];
            char mb[48];
            buf_puts(out, i ? ",\n  {\"table\": " : "\n  {\"table\": ");
            out_json_text(out, e->table);
            buf_puts(out, ", \"id\": ");
            out_json_text(out, e->id);
            buf_puts(out, ", \"date\": ");
            if (e->date == SP_DAY_NONE) buf_puts(out, "null");
            else out_json_text(out, day_format(e->date, db));
            buf_printf(out, ", \"amount\": %s, \"note\": ", money_format(e->amount, mb));
            if (e->note) out_json_text(out, e->note);
            else buf_puts(out, "null");
            buf_putc(out, '}');
        }
        buf_puts(out, r->nexplain ? "\n ]}" : "]}");
    }
    buf_puts(out, "}\n");
}

void kpi_to_csv(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out)
{
    for (size_t k = 0; k < q->nby; k++) {
        out_csv_cell(out, bykey_name(q->by[k]), false);
        buf_putc(out, ',');
    }
    buf_puts(out, "value\r\n");
    for (size_t i = 0; i < r->nrows; i++) {
        for (size_t k = 0; k < q->nby; k++) {
            out_csv_cell(out, r->rows[i].key[k], true);
            buf_putc(out, ',');
        }
        number_text(r->metric, &r->rows[i].value, out);
        buf_puts(out, "\r\n");
    }
}

void kpi_format_value(sp_metric m, const sp_kpi_value *v, buf_t *out)
{
    if (v->null) {
        buf_puts(out, "—");
        return;
    }
    switch (sp_metrics[m].unit) {
    case UNIT_MONEY: {
        char b[48];
        buf_puts(out, money_format_grouped(v->ival, b));
        break;
    }
    case UNIT_COUNT: buf_printf(out, "%" PRId64, v->ival); break;
    case UNIT_RATIO: buf_printf(out, "%.1f%%", v->den != 0 ? 100.0 * v->num / v->den : 0.0); break;
    case UNIT_DAYS: buf_printf(out, "%.1f", v->den != 0 ? v->num / v->den : 0.0); break;
    default: buf_printf(out, "%.2f", v->den != 0 ? v->num / v->den : 0.0); break;
    }
}

void kpi_to_table(const sp_kpi_query *q, const sp_kpi_result *r, buf_t *out)
{
    char pb[48], db[16];
    sp_metric m = r->metric;
    buf_printf(out, "%s · %s · %s %s\n", sp_metrics[m].name, period_text(q, pb, sizeof pb), _("as of"),
               day_format(q->as_of, db));
    for (size_t i = 0; i < q->where.n; i++)
        buf_printf(out, "%s%s=%s", i ? ", " : _("where "), dim_name(q->where.kv[i].dim), q->where.kv[i].value);
    if (q->where.n) buf_putc(out, '\n');
    buf_putc(out, '\n');

    size_t ncols = q->nby + 1;
    sp_table_out *t = tableout_new(ncols);
    tableout_numeric(t, ncols - 1, true);
    const char **cells = xcalloc(ncols, sizeof *cells);
    buf_t v = BUF_INIT;
    for (size_t k = 0; k < q->nby; k++) cells[k] = _(bykey_name(q->by[k]));
    cells[ncols - 1] = q->nby ? _("value") : sp_metrics[m].name;
    tableout_row(t, cells);
    for (size_t i = 0; i < r->nrows && q->nby > 0; i++) {
        for (size_t k = 0; k < q->nby; k++) cells[k] = *r->rows[i].key[k] ? r->rows[i].key[k] : _("(none)");
        buf_clear(&v);
        kpi_format_value(m, &r->rows[i].value, &v);
        cells[ncols - 1] = buf_cstr(&v);
        tableout_row(t, cells);
    }
    if (q->nby > 0) tableout_rule(t);
    for (size_t k = 0; k < q->nby; k++) cells[k] = k == 0 ? _("total") : "";
    buf_clear(&v);
    kpi_format_value(m, &r->total, &v);
    cells[ncols - 1] = buf_cstr(&v);
    tableout_row(t, cells);
    tableout_render(t, out);
    tableout_free(t);
    free(cells);
    buf_free(&v);
}

void kpi_explain_to_table(const sp_kpi_result *r, buf_t *out)
{
    sp_table_out *t = tableout_new(5);
    tableout_numeric(t, 3, true);
    const char *hdr[5] = {_("table"), _("id"), _("date"), _("amount"), _("note")};
    tableout_row(t, hdr);
    for (size_t i = 0; i < r->nexplain; i++) {
        const sp_explain_row *e = &r->explain[i];
        char db[16], mb[48];
        bool money = strcmp(e->table, "deals") == 0 || strcmp(e->table, "invoices") == 0 ||
                     strcmp(e->table, "spend") == 0 || strcmp(e->table, "customers") == 0;
        const char *cells[5] = {e->table, e->id, day_format(e->date, db),
                                money ? money_format_grouped(e->amount, mb) : "", e->note ? _(e->note) : ""};
        tableout_row(t, cells);
    }
    tableout_render(t, out);
    tableout_free(t);
    if (r->nexplain < r->nexplain_total)
        buf_printf(out, _("(%zu of %zu records shown)\n"), r->nexplain, r->nexplain_total);
    else
        buf_printf(out, _("(%zu records)\n"), r->nexplain_total);
}
