/*
 * page_analysis.c — step 2 and step 3 of the plan as two boards:
 *   /analysis    the situation: the four PEST factors with each item's
 *                effect (opportunity or threat) and impact, the customer
 *                personas, and the SWOT matrix as a 2×2 (strengths and
 *                weaknesses from the team's capabilities, opportunities
 *                and threats from the PEST items), each item with the
 *                strategies that answer it;
 *   /strategies  every strategy, by priority, with the goals it serves
 *                (their status and progress, linked to the goal's page
 *                when the caller may see it), the analysis items it
 *                answers (linked to the board) and its tasks.
 * The plan is shared: every role reads both. Names, never ids, where a
 * person reads; every plan text goes through the escapers.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/budget.h"
#include "../io/plan_show.h"
#include "pages.h"

/* ---- labels ---- */

static const char *pest_label(sp_pest_factor f)
{
    static const char *const v[PEST_COUNT] = {N_("political"), N_("economic"), N_("social"), N_("technological")};
    return (unsigned)f < PEST_COUNT ? _(v[f]) : "";
}

static const char *size_label(sp_size s)
{
    switch (s) {
    case SIZE_SMALL: return _("small");
    case SIZE_MEDIUM: return _("medium");
    case SIZE_LARGE: return _("large");
    default: return "";
    }
}

static const char *cap_label(sp_cap_kind k)
{
    return k == CAP_STRENGTH ? _("strength") : k == CAP_WEAKNESS ? _("weakness") : _("constraint");
}

/* effect_badge: <span class="eff opp|thr">opportunity|threat</span>. */
static void effect_badge(buf_t *o, sp_effect e)
{
    buf_puts(o, e == EFFECT_THREAT ? "<span class=\"eff thr\">" : "<span class=\"eff opp\">");
    web_html(o, e == EFFECT_THREAT ? _("threat") : _("opportunity"));
    buf_puts(o, "</span>");
}

/* impact_dots: five dots, impact of them filled, with the number for
 * readers and screen readers; nothing when the plan gives no impact. */
static void impact_dots(buf_t *o, int impact)
{
    if (impact < 1 || impact > 5) return;
    buf_t t = BUF_INIT;
    buf_printf(&t, _("impact %d of 5"), impact);
    buf_puts(o, "<span class=\"imp\" role=\"img\" title=\"");
    web_attr(o, buf_cstr(&t));
    buf_puts(o, "\" aria-label=\"");
    web_attr(o, buf_cstr(&t));
    buf_puts(o, "\">");
    for (int i = 1; i <= 5; i++) buf_puts(o, i <= impact ? "<i class=\"on\"></i>" : "<i></i>");
    buf_puts(o, "</span>");
    buf_free(&t);
}

/* ---- what answers what ---- */

static bool strategy_answers(const sp_strategy *s, const char *id)
{
    for (size_t k = 0; k < s->nanswers; k++)
        if (str_eq(s->answers[k], id)) return true;
    return false;
}

static const char *strategy_name(const sp_strategy *s) { return s->name && *s->name ? s->name : s->id; }

/* answered_by: "answered by: A, B" with links to the strategies board, or
 * a muted "no strategy answers it yet". */
static void answered_by(buf_t *o, const sp_plan *p, const char *id)
{
    size_t n = 0;
    buf_puts(o, "<div class=\"by small\">");
    for (size_t i = 0; i < p->nstrategies; i++) {
        if (!strategy_answers(&p->strategies[i], id)) continue;
        if (n++ == 0) {
            web_html(o, _("answered by"));
            buf_puts(o, _(": "));
        } else {
            buf_puts(o, _(", "));
        }
        buf_puts(o, "<a href=\"/strategies#s-");
        web_url(o, p->strategies[i].id);
        buf_puts(o, "\">");
        web_html(o, strategy_name(&p->strategies[i]));
        buf_puts(o, "</a>");
    }
    if (!n) {
        buf_puts(o, "<span class=\"muted\">");
        web_html(o, _("no strategy answers it yet"));
        buf_puts(o, "</span>");
    }
    buf_puts(o, "</div>");
}

static void item_anchor(buf_t *o, const char *id)
{
    buf_puts(o, "<li id=\"a-");
    web_attr(o, id);
    buf_puts(o, "\">");
}

static void none_item(buf_t *o)
{
    buf_puts(o, "<p class=\"none muted\">");
    web_html(o, _("(none)"));
    buf_puts(o, "</p>");
}

/* ---- the analysis board ---- */

static void pest_section(buf_t *o, const sp_plan *p)
{
    static const char *const cls[PEST_COUNT] = {"pol", "eco", "soc", "tec"};
    static const char *const letter[PEST_COUNT] = {"P", "E", "S", "T"};
    static const char *const heads[PEST_COUNT] = {N_("Political"), N_("Economic"), N_("Social"),
                                                  N_("Technological")};
    buf_puts(o, "<section class=\"card\" id=\"pest\"><h2>");
    web_html(o, _("PEST: the environment"));
    buf_puts(o, "</h2><div class=\"pest\">");
    for (int f = 0; f < PEST_COUNT; f++) {
        buf_printf(o, "<div class=\"pf %s\"><h3><b class=\"letter\">%s</b> ", cls[f], letter[f]);
        web_html(o, _(heads[f]));
        buf_puts(o, "</h3>");
        size_t n = 0;
        for (size_t i = 0; i < p->npest; i++) {
            const sp_pest *x = &p->pest[i];
            if ((int)x->factor != f) continue;
            if (n++ == 0) buf_puts(o, "<ul class=\"items\">");
            item_anchor(o, x->id);
            buf_puts(o, "<div class=\"meta\">");
            effect_badge(o, x->effect);
            impact_dots(o, x->impact);
            buf_puts(o, "</div><div class=\"txt\">");
            web_html(o, x->text);
            buf_puts(o, "</div>");
            answered_by(o, p, x->id);
            buf_puts(o, "</li>");
        }
        if (n) buf_puts(o, "</ul>");
        else none_item(o);
        buf_puts(o, "</div>");
    }
    buf_puts(o, "</div></section>\n");
}

/* swot_quadrant: one box of the 2×2; k 0 S, 1 W, 2 O, 3 T. */
static void swot_quadrant(buf_t *o, const sp_plan *p, int k)
{
    static const char *const cls[4] = {"s", "w", "o", "t"};
    static const char *const titles[4] = {N_("Strengths (S)"), N_("Weaknesses (W)"), N_("Opportunities (O)"),
                                          N_("Threats (T)")};
    static const char *const where[4] = {N_("inside the team, helps"), N_("inside the team, hinders"),
                                         N_("in the market, helps"), N_("in the market, hinders")};
    buf_printf(o, "<div class=\"%s\" id=\"swot-%s\"><h3>", cls[k], cls[k]);
    web_html(o, _(titles[k]));
    buf_puts(o, "</h3><div class=\"small muted\">");
    web_html(o, _(where[k]));
    buf_puts(o, "</div>");
    size_t n = 0;
    if (k < 2) {
        for (size_t i = 0; i < p->ncapabilities; i++) {
            const sp_capability *c = &p->capabilities[i];
            if (c->kind != (k == 0 ? CAP_STRENGTH : CAP_WEAKNESS)) continue;
            if (n++ == 0) buf_puts(o, "<ul class=\"items\">");
            item_anchor(o, c->id);
            web_html(o, c->text);
            answered_by(o, p, c->id);
            buf_puts(o, "</li>");
        }
    } else {
        for (size_t i = 0; i < p->npest; i++) {
            const sp_pest *x = &p->pest[i];
            if (x->effect != (k == 2 ? EFFECT_OPPORTUNITY : EFFECT_THREAT)) continue;
            if (n++ == 0) buf_puts(o, "<ul class=\"items\">");
            buf_puts(o, "<li><span class=\"tag\">");
            web_html(o, pest_label(x->factor));
            buf_puts(o, "</span> ");
            impact_dots(o, x->impact);
            buf_puts(o, " ");
            web_html(o, x->text);
            answered_by(o, p, x->id);
            buf_puts(o, "</li>");
        }
    }
    if (n) buf_puts(o, "</ul>");
    else none_item(o);
    buf_puts(o, "</div>");
}

static void swot_section(buf_t *o, const sp_plan *p)
{
    buf_puts(o, "<section class=\"card\" id=\"swot\"><h2>");
    web_html(o, _("SWOT matrix"));
    buf_puts(o, "</h2><div class=\"swot board\">");
    for (int k = 0; k < 4; k++) swot_quadrant(o, p, k);
    buf_puts(o, "</div>");
    size_t ncons = 0;
    for (size_t i = 0; i < p->ncapabilities; i++) ncons += p->capabilities[i].kind == CAP_CONSTRAINT;
    if (ncons) {
        buf_puts(o, "<h3>");
        web_html(o, _("Constraints"));
        buf_puts(o, "</h3><ul class=\"items\">");
        for (size_t i = 0; i < p->ncapabilities; i++) {
            const sp_capability *c = &p->capabilities[i];
            if (c->kind != CAP_CONSTRAINT) continue;
            item_anchor(o, c->id);
            web_html(o, c->text);
            answered_by(o, p, c->id);
            buf_puts(o, "</li>");
        }
        buf_puts(o, "</ul>");
    }
    buf_puts(o, "</section>\n");
}

static void personas_section(buf_t *o, const sp_plan *p)
{
    buf_puts(o, "<section class=\"card\" id=\"personas\"><h2>");
    web_html(o, _("Customer personas"));
    buf_puts(o, "</h2>");
    if (!p->npersonas) {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, _("No persona in the plan: describe the customers you go after (industry, size, pains, who "
                      "decides) under analysis.personas."));
        buf_puts(o, "</p></section>\n");
        return;
    }
    buf_puts(o, "<div class=\"personas\">");
    for (size_t i = 0; i < p->npersonas; i++) {
        const sp_persona *x = &p->personas[i];
        buf_puts(o, "<div class=\"persona\" id=\"a-");
        web_attr(o, x->id);
        buf_puts(o, "\"><h3>");
        web_html(o, x->industry && *x->industry ? x->industry : _("any industry"));
        if (x->size != SIZE_NONE) {
            buf_puts(o, " · ");
            web_html(o, size_label(x->size));
        }
        buf_puts(o, "</h3><dl>");
        if (x->npains) {
            buf_puts(o, "<dt>");
            web_html(o, _("pains"));
            buf_puts(o, "</dt><dd><ul class=\"chips\">");
            for (size_t k = 0; k < x->npains; k++) {
                buf_puts(o, "<li>");
                web_html(o, x->pains[k]);
                buf_puts(o, "</li>");
            }
            buf_puts(o, "</ul></dd>");
        }
        if (x->ndecision_chain) {
            buf_puts(o, "<dt>");
            web_html(o, _("decision chain"));
            buf_puts(o, "</dt><dd><ol class=\"chain\">");
            for (size_t k = 0; k < x->ndecision_chain; k++) {
                buf_puts(o, "<li><span>");
                web_html(o, x->decision_chain[k]);
                buf_puts(o, "</span></li>");
            }
            buf_puts(o, "</ol></dd>");
        }
        if (x->has_premium && x->premium_text) {
            buf_puts(o, "<dt>");
            web_html(o, _("price premium"));
            buf_puts(o, "</dt><dd>");
            web_html(o, x->premium_text);
            buf_puts(o, "</dd>");
        }
        buf_puts(o, "</dl>");
        answered_by(o, p, x->id);
        buf_puts(o, "</div>");
    }
    buf_puts(o, "</div></section>\n");
}

void page_analysis(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    if (!page_begin(req, resp, &pd, _("Analysis board"), NAV_ANALYSIS)) return;
    const sp_plan *p = pd.plan;
    if (!p) {
        page_no_plan(o);
    } else if (!p->npest && !p->npersonas && !p->ncapabilities) {
        html_empty(o, _("No analysis in the plan yet"),
                   _("Step 2 of the plan sizes up the situation: the PEST factors of the market with their effect, "
                     "the customer personas, and the team's strengths and weaknesses. Add them under analysis: in "
                     "the plan file (docs/PLAN.md) and import it again."),
                   "salesplan plan import plan.yaml");
    } else {
        size_t opp = 0, thr = 0, str = 0, weak = 0;
        for (size_t i = 0; i < p->npest; i++) {
            if (p->pest[i].effect == EFFECT_THREAT) thr++;
            else opp++;
        }
        for (size_t i = 0; i < p->ncapabilities; i++) {
            if (p->capabilities[i].kind == CAP_STRENGTH) str++;
            else if (p->capabilities[i].kind == CAP_WEAKNESS) weak++;
        }
        buf_puts(o, "<p class=\"sub\">");
        buf_printf(o, _("opportunities %zu · threats %zu · strengths %zu · weaknesses %zu · personas %zu"), opp, thr, str,
                   weak, p->npersonas);
        buf_puts(o, " · <a href=\"/strategies\">");
        web_html(o, _("the strategies that answer them"));
        buf_puts(o, "</a></p>\n");
        pest_section(o, p);
        personas_section(o, p);
        swot_section(o, p);
    }
    page_close(req, resp);
    page_data_free(&pd);
}

/* ---- the strategies ---- */

/* analysis_item: the label and text of an analysis id, and whether the
 * plan has it. */
static bool analysis_item(const sp_plan *p, const char *id, buf_t *kind, const char **text)
{
    for (size_t i = 0; i < p->npest; i++)
        if (str_eq(p->pest[i].id, id)) {
            buf_printf(kind, "%s · %s", pest_label(p->pest[i].factor),
                       p->pest[i].effect == EFFECT_THREAT ? _("threat") : _("opportunity"));
            *text = p->pest[i].text;
            return true;
        }
    for (size_t i = 0; i < p->ncapabilities; i++)
        if (str_eq(p->capabilities[i].id, id)) {
            buf_puts(kind, cap_label(p->capabilities[i].kind));
            *text = p->capabilities[i].text;
            return true;
        }
    for (size_t i = 0; i < p->npersonas; i++)
        if (str_eq(p->personas[i].id, id)) {
            buf_puts(kind, _("persona"));
            *text = p->personas[i].industry;
            return true;
        }
    *text = id;
    return false;
}

static int by_priority(const void *a, const void *b)
{
    const sp_strategy *x = *(const sp_strategy *const *)a, *y = *(const sp_strategy *const *)b;
    int px = x->priority > 0 ? x->priority : 1000000, py = y->priority > 0 ? y->priority : 1000000;
    if (px != py) return px < py ? -1 : 1;
    return x < y ? -1 : x > y;   /* plan order */
}

static const sp_goal_pace *pace_of(const sp_goal_pace *v, size_t n, const char *goal_id)
{
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].goal->id, goal_id)) return &v[i];
    return NULL;
}

static void served_goals(buf_t *o, const web_req *req, const page_data *pd, const sp_strategy *s,
                         const sp_goal_pace *paces, size_t np)
{
    buf_puts(o, "<div><h3>");
    web_html(o, _("Goals it serves"));
    buf_puts(o, "</h3>");
    if (!s->ngoals) {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, _("none: a strategy should serve at least one goal (salesplan check warns)"));
        buf_puts(o, "</p></div>");
        return;
    }
    sp_scope scope = page_scope(req);
    buf_puts(o, "<ul class=\"served\">");
    for (size_t k = 0; k < s->ngoals; k++) {
        const sp_goal *g = plan_find_goal(pd->plan, s->goals[k]);
        bool visible = g && app_goal_in_scope(&scope, pd->plan, g);
        const sp_goal_pace *gp = visible ? pace_of(paces, np, g->id) : NULL;
        buf_puts(o, "<li>");
        if (visible) {
            buf_puts(o, "<a class=\"goal\" href=\"/goals/");
            web_url(o, g->id);
            buf_puts(o, "\">");
            web_html(o, page_goal_name(pd, g->id));
            buf_puts(o, "</a>");
        } else {
            buf_puts(o, "<span class=\"goal\">");
            web_html(o, page_goal_name(pd, s->goals[k]));
            buf_puts(o, "</span>");
        }
        if (gp) {
            buf_puts(o, "<span class=\"gs\">");
            double expected = -1;
            if (!gp->expected.null && !gp->target.null && gp->target.num != 0)
                expected = web_qty_double(gp->expected) / web_qty_double(gp->target);
            buf_t lab = BUF_INIT;
            buf_printf(&lab, "%s ", _("attainment"));
            web_pct(&lab, gp->attainment);
            bool at_most = g->direction == DIR_AT_MOST;
            svg_progress(o, at_most ? 0 : web_qty_double(gp->attainment), at_most ? -1 : expected, gp->status,
                         buf_cstr(&lab));
            buf_free(&lab);
            buf_puts(o, "<span class=\"small\">");
            web_pct(o, gp->attainment);
            buf_puts(o, "</span> ");
            page_status_badge(o, gp->status);
            buf_puts(o, "</span>");
        }
        buf_puts(o, "</li>");
    }
    buf_puts(o, "</ul></div>");
}

static void answered_items(buf_t *o, const sp_plan *p, const sp_strategy *s)
{
    buf_puts(o, "<div><h3>");
    web_html(o, _("Analysis it answers"));
    buf_puts(o, "</h3>");
    if (!s->nanswers) {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, _("none named in the plan (answers:)"));
        buf_puts(o, "</p></div>");
        return;
    }
    buf_puts(o, "<ul class=\"items\">");
    for (size_t k = 0; k < s->nanswers; k++) {
        buf_t kind = BUF_INIT;
        const char *text = NULL;
        bool known = analysis_item(p, s->answers[k], &kind, &text);
        buf_puts(o, "<li>");
        if (known) {
            buf_puts(o, "<span class=\"tag\">");
            web_html(o, buf_cstr(&kind));
            buf_puts(o, "</span> <a href=\"/analysis#a-");
            web_url(o, s->answers[k]);
            buf_puts(o, "\">");
            web_html(o, text);
            buf_puts(o, "</a>");
        } else {
            web_html(o, text);
        }
        buf_puts(o, "</li>");
        buf_free(&kind);
    }
    buf_puts(o, "</ul></div>");
}

/* strategy_money: what the strategy's tasks commit of the budget and what
 * has been spent on it (money in 万 in Chinese from 1万 up). */
static void strategy_money(buf_t *o, const web_req *req, const page_data *pd, const sp_strategy *s,
                           const sp_budget_report *r)
{
    sp_money committed = 0, spent = 0;
    for (size_t i = 0; i < pd->plan->ntasks; i++) {
        const sp_task *t = &pd->plan->tasks[i];
        if (t->has_budget && t->strategy && str_eq(t->strategy, s->id)) committed += t->budget_amount;
    }
    for (size_t i = 0; i < r->nstrategies; i++)
        if (r->strategies[i].strategy && str_eq(r->strategies[i].strategy, s->id)) spent += r->strategies[i].spent;
    buf_puts(o, "<p class=\"small tasksline\">");
    web_html(o, _("budget"));
    buf_puts(o, _(": "));
    web_html(o, _("committed (task budgets)"));
    buf_puts(o, " ");
    web_money(o, req->lang, committed);
    buf_puts(o, " · ");
    web_html(o, _("spent"));
    buf_puts(o, " ");
    web_money(o, req->lang, spent);
    buf_puts(o, " · <a href=\"/budget\">");
    web_html(o, _("see the budget"));
    buf_puts(o, "</a></p>");
}

static void strategy_tasks(buf_t *o, const page_data *pd, const sp_strategy *s)
{
    size_t n = 0, done = 0, late = 0;
    for (size_t i = 0; i < pd->plan->ntasks; i++) {
        const sp_task *t = &pd->plan->tasks[i];
        if (!t->strategy || !str_eq(t->strategy, s->id)) continue;
        n++;
        sp_task_status st = page_task_status(pd, t->id, NULL);
        if (st == TASK_DONE) done++;
        else if (t->due != SP_DAY_NONE && t->due < pd->today) late++;
    }
    buf_puts(o, "<p class=\"small tasksline\">");
    if (!n) {
        web_html(o, _("No task carries this strategy out yet."));
    } else {
        buf_printf(o, _("tasks: %zu (%zu done, %zu open)"), n, done, n - done);
        if (late) {
            buf_puts(o, _(", "));
            buf_puts(o, "<span class=\"red\">");
            buf_printf(o, _("%zu overdue"), late);
            buf_puts(o, "</span>");
        }
        buf_puts(o, " · <a href=\"/tasks\">");
        web_html(o, _("see the tasks"));
        buf_puts(o, "</a>");
    }
    buf_puts(o, "</p>");
}

void page_strategies(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_goal_pace *paces = NULL;
    size_t np = 0;
    if (!page_begin(req, resp, &pd, _("Strategies"), NAV_STRATEGIES)) return;
    const sp_plan *p = pd.plan;
    if (!p) {
        page_no_plan(o);
        goto out;
    }
    if (!p->nstrategies) {
        html_empty(o, _("No strategy in the plan yet"),
                   _("Step 3 of the plan says how the goals will be reached: each strategy names the goals it serves "
                     "and the analysis items it answers. Add them under strategies: in the plan file (docs/PLAN.md) "
                     "and import it again."),
                   "salesplan plan import plan.yaml");
        goto out;
    }
    if (!page_paces(&pd, &paces, &np, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        np = 0;
    }
    /* the budget as the budget page shows it, to those who may open that page */
    sp_budget_report budget;
    memset(&budget, 0, sizeof budget);
    bool money = p->has_budget && !(req->user && req->user->role == WEB_ROLE_REP);
    if (money) budget_compute(p, pd.ds, pd.as_of, &budget);
    const sp_strategy **order = xcalloc(p->nstrategies, sizeof *order);
    for (size_t i = 0; i < p->nstrategies; i++) order[i] = &p->strategies[i];
    qsort(order, p->nstrategies, sizeof *order, by_priority);
    buf_puts(o, "<p class=\"sub\">");
    buf_printf(o, _("%zu in the plan, by priority"), p->nstrategies);
    buf_puts(o, " · ");
    web_html(o, _("as of"));
    buf_puts(o, " ");
    page_date(o, pd.as_of);
    buf_puts(o, " · <a href=\"/analysis\">");
    web_html(o, _("the analysis board"));
    buf_puts(o, "</a></p>\n");
    for (size_t i = 0; i < p->nstrategies; i++) {
        const sp_strategy *s = order[i];
        buf_puts(o, "<section class=\"card strat\" id=\"s-");
        web_attr(o, s->id);
        buf_puts(o, "\"><h2>");
        if (s->priority > 0) {
            buf_puts(o, "<span class=\"prio\" title=\"");
            web_attr(o, _("priority"));
            buf_printf(o, "\">%d</span> ", s->priority);
        }
        web_html(o, strategy_name(s));
        buf_puts(o, " <span class=\"tag\">");
        web_html(o, plan_category_label(s->category));
        buf_puts(o, "</span></h2><div class=\"cols\">");
        served_goals(o, req, &pd, s, paces, np);
        answered_items(o, p, s);
        buf_puts(o, "</div>");
        strategy_tasks(o, &pd, s);
        if (money) strategy_money(o, req, &pd, s, &budget);
        buf_puts(o, "</section>\n");
    }
    free(order);
    if (money) budget_report_free(&budget);
out:
    goal_paces_free(paces, np);
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}
