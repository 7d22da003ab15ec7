/*
 * page_plan.c — the plan table (计划表): the six steps on one page as a
 * director would pin it on the wall, rendered by io/plan_show.c (the same
 * markup as `salesplan plan show --format html`) inside the web frame;
 * printable (the style sheet's print rules: A4 landscape, a page per
 * step, no navigation). Also the budget page: allocated against committed
 * (task budgets) against spent, per category and per strategy.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/budget.h"
#include "../io/plan_show.h"
#include "pages.h"

void page_plan(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    if (!page_begin(req, resp, &pd, _("Plan table"), NAV_PLAN)) return;
    if (!pd.plan) {
        page_no_plan(o);
    } else {
        buf_puts(o, "<p class=\"noprint\"><button type=\"button\" data-print>");
        web_html(o, _("Print"));
        buf_puts(o, "</button> <span class=\"small muted\">");
        web_html(o, _("A4 landscape, one page per step"));
        buf_puts(o, "</span></p>\n");
        plan_show_html_body(pd.plan, 0, o);   /* in the thread's language: page_data_load set it */
    }
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}

void page_budget(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    if (!page_begin(req, resp, &pd, _("Budget"), NAV_BUDGET)) return;
    if (!pd.plan) {
        page_no_plan(o);
        goto out;
    }
    if (!pd.plan->has_budget) {
        html_empty(o, _("No budget in the plan"),
                   _("Step 5 of the plan sets the budget total and its share per category; add them to the plan "
                     "file and import it again."),
                   "salesplan plan import plan.yaml");
        goto out;
    }
    sp_budget_report r;
    memset(&r, 0, sizeof r);
    budget_compute(pd.plan, pd.ds, pd.as_of, &r);
    buf_puts(o, "<p class=\"sub\">");
    web_html(o, _("as of"));
    buf_puts(o, " ");
    page_date(o, pd.as_of);
    buf_puts(o, " · ");
    web_html(o, _("total"));
    buf_puts(o, " ");
    web_money(o, req->lang, r.total);
    buf_puts(o, "</p><div class=\"card\"><h2>");
    web_html(o, _("Allocated, committed and spent per category"));
    buf_puts(o, "</h2>");
    svg_budget_line *bl = xcalloc(r.nlines ? r.nlines : 1, sizeof *bl);
    for (size_t i = 0; i < r.nlines; i++)
        bl[i] = (svg_budget_line){r.lines[i].name ? r.lines[i].name : page_category_name(&pd, r.lines[i].category),
                                  (double)r.lines[i].allocated, (double)r.lines[i].committed,
                                  (double)r.lines[i].spent, r.lines[i].overrun};
    buf_puts(o, "<div class=\"scroll\">");
    svg_budget(o, req->lang, bl, r.nlines, _("Budget"));
    buf_puts(o, "</div>");
    free(bl);
    buf_puts(o, "<div class=\"legend\"><span><i class=\"k-alloc\"></i>");
    web_html(o, _("allocated"));
    buf_puts(o, "</span><span><i class=\"k-comm\"></i>");
    web_html(o, _("committed (task budgets)"));
    buf_puts(o, "</span><span><i class=\"k-spent\"></i>");
    web_html(o, _("spent"));
    buf_puts(o, "</span><span><i class=\"k-over\"></i>");
    web_html(o, _("over the allocation"));
    buf_puts(o, "</span></div>");
    static const char *const head[] = {N_("category"), N_("share"), N_("allocated"), N_("committed"), N_("spent"),
                                       N_("remaining"), N_("used")};
    buf_puts(o, "<div class=\"scroll\"><table class=\"resp\"><thead><tr>");
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        buf_puts(o, i ? "<th class=\"n\">" : "<th>");
        web_html(o, _(head[i]));
        buf_puts(o, "</th>");
    }
    buf_puts(o, "</tr></thead><tbody>");
    for (size_t i = 0; i <= r.nlines; i++) {
        const sp_budget_line *l = i < r.nlines ? &r.lines[i] : &r.totals;
        buf_puts(o, i < r.nlines ? (l->overrun ? "<tr class=\"late\">" : "<tr>") : "<tr class=\"total\">");
        buf_puts(o, "<td data-l=\"\">");
        web_html(o, i < r.nlines ? (l->name ? l->name : page_category_name(&pd, l->category)) : _("total"));
        if (i < r.nlines && !l->planned) {
            buf_puts(o, " <span class=\"small muted\">");
            web_html(o, _("(not in the plan)"));
            buf_puts(o, "</span>");
        }
        const sp_money m[4] = {l->allocated, l->committed, l->spent, l->remaining};
        buf_puts(o, "</td><td class=\"n\" data-l=\"");
        web_attr(o, _("share"));
        buf_puts(o, "\">");
        if (i < r.nlines && l->planned) web_pct(o, qty_make(l->share, 1000000));
        for (int k = 0; k < 4; k++) {
            buf_puts(o, "</td><td class=\"n\" data-l=\"");
            web_attr(o, _(head[2 + k]));
            buf_puts(o, "\">");
            web_money(o, req->lang, m[k]);
        }
        buf_puts(o, "</td><td class=\"n\" data-l=\"");
        web_attr(o, _("used"));
        buf_puts(o, "\">");
        web_pct(o, l->allocated ? qty_make(l->spent, l->allocated) : qty_null());
        buf_puts(o, "</td></tr>");
    }
    buf_puts(o, "</tbody></table></div></div>\n");
    if (r.nstrategies) {
        buf_puts(o, "<div class=\"card\"><h2>");
        web_html(o, _("Spent per strategy"));
        buf_puts(o, "</h2><div class=\"scroll\"><table><tbody>");
        for (size_t i = 0; i < r.nstrategies; i++) {
            buf_puts(o, "<tr><td>");
            web_html(o, r.strategies[i].name ? r.strategies[i].name
                        : r.strategies[i].strategy ? r.strategies[i].strategy : _("(no strategy)"));
            buf_puts(o, "</td><td class=\"n\">");
            web_money(o, req->lang, r.strategies[i].spent);
            buf_puts(o, "</td></tr>");
        }
        buf_puts(o, "</tbody></table></div></div>\n");
    }
    budget_report_free(&r);
out:
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}
