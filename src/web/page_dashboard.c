/*
 * page_dashboard.c — the dashboard (仪表盘) and goal detail pages.
 *
 * Dashboard: alert counts, every goal with target, actual, progress bar
 * with the expected-to-date marker, status, projection and forecast; the
 * revenue trend (cumulative actual against the linear target); the sales
 * funnel of the trailing 12 months per month against what the reverse
 * funnel needs; the leaderboard (业绩排行) of reps and teams by attainment.
 * Filters team / region / rep narrow the trend and the leaderboard and
 * pick the goals about them; the as-of picker moves every number. A rep
 * lands on their own view: their goals, follow-ups, tasks and numbers.
 *
 * Goal detail: a goal's pace and its breakdowns by month, region, team,
 * rep and product (the metric engine), with links down to its sub-goals.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/funnel.h"
#include "pages.h"

/* ---- filters ---- */

typedef struct dash_filter {
    const char *team, *region, *rep;   /* validated ids from the query; NULL = all */
} dash_filter;

/* filter_add: appends dim=value to f (value borrowed). */
static void filter_add(sp_filter *f, sp_dim dim, const char *value)
{
    f->kv = xreallocarray(f->kv, f->n + 1, sizeof *f->kv);
    memset(&f->kv[f->n], 0, sizeof f->kv[f->n]);
    f->kv[f->n].dim = dim;
    f->kv[f->n].value = (char *)value;
    f->n++;
}

/* filter_with: a copy of base (entries borrowed) plus the dashboard's
 * filters; caller frees out->kv. */
static void filter_with(const sp_filter *base, const dash_filter *df, sp_filter *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; base && i < base->n; i++) filter_add(out, base->kv[i].dim, base->kv[i].value);
    if (df->team) filter_add(out, DIM_TEAM, df->team);
    if (df->region) filter_add(out, DIM_REGION, df->region);
    if (df->rep) filter_add(out, DIM_REP, df->rep);
}

/* goal_about: whether goal g's own filter names the filter's team / rep /
 * region (top-level goals are always about everything). */
static bool goal_about(const sp_goal *g, const dash_filter *df)
{
    if (!g->parent) return true;
    if (!df->team && !df->rep && !df->region) return g->parent->parent == NULL;
    for (size_t i = 0; i < g->filter.n; i++) {
        const sp_filter_kv *kv = &g->filter.kv[i];
        if ((kv->dim == DIM_TEAM && df->team && str_eq(kv->value, df->team)) ||
            (kv->dim == DIM_REP && df->rep && str_eq(kv->value, df->rep)) ||
            (kv->dim == DIM_REGION && df->region && str_eq(kv->value, df->region)))
            return true;
    }
    return false;
}

/* goal_in_scope: a goal the caller may see (the app layer's rule: owned
 * by someone in the scope, or filtered to reps / teams inside it). */
static bool goal_in_scope(const web_req *req, const page_data *pd, const sp_goal *g)
{
    sp_scope s = page_scope(req);
    return app_goal_in_scope(&s, pd->plan, g);
}

static const sp_goal *first_revenue_goal(const sp_plan *p)
{
    for (size_t i = 0; p && i < p->ngoals; i++)
        if (p->goals[i].metric == MET_REVENUE) return &p->goals[i];
    return NULL;
}

/* ---- the goals table ---- */

static sp_unit goal_unit(const sp_goal *g) { return g->metric == MET_MANUAL ? UNIT_MANUAL : sp_metrics[g->metric].unit; }

static void goal_row(buf_t *o, sp_lang lang, const sp_goal_pace *gp)
{
    const sp_goal *g = gp->goal;
    sp_unit u = goal_unit(g);
    int depth = gp->depth > 2 ? 2 : gp->depth;
    buf_printf(o, "<tr class=\"sub%d\"><td data-l=\"%s\"><a href=\"/goals/", depth, "");
    web_url(o, g->id);
    buf_puts(o, "\">");
    web_html(o, g->name && *g->name ? g->name : g->id);
    buf_puts(o, "</a><div class=\"small muted\">");
    web_html(o, _(page_metric_label(g->metric)));
    buf_puts(o, " · ");
    web_html(o, g->period_text);
    buf_puts(o, "</div></td>");
#define CELL(label) do { buf_puts(o, "<td class=\"n\" data-l=\""); web_attr(o, _(label)); buf_puts(o, "\">"); } while (0)
    CELL("target");
    web_qty(o, lang, u, gp->target);
    buf_puts(o, "</td>");
    CELL("actual");
    web_qty(o, lang, u, gp->actual);
    buf_puts(o, "</td><td data-l=\"");
    web_attr(o, _("progress"));
    buf_puts(o, "\">");
    double done = web_qty_double(gp->attainment);
    double expected = -1;
    if (!gp->expected.null && !gp->target.null && gp->target.num != 0)
        expected = web_qty_double(gp->expected) / web_qty_double(gp->target);
    buf_t lab = BUF_INIT;
    buf_printf(&lab, "%s ", _("attainment"));
    web_pct(&lab, gp->attainment);
    svg_progress(o, g->direction == DIR_AT_MOST ? 0 : done, g->direction == DIR_AT_MOST ? -1 : expected, gp->status,
                 buf_cstr(&lab));
    buf_puts(o, "<span class=\"small\">");
    web_pct(o, gp->attainment);
    buf_puts(o, "</span></td><td data-l=\"");
    web_attr(o, _("status"));
    buf_puts(o, "\">");
    page_status_badge(o, gp->status);
    buf_puts(o, "</td>");
    CELL("projection");
    web_qty(o, lang, u, gp->projection);
    buf_puts(o, "</td>");
    CELL("forecast");
    if (gp->is_revenue) web_qty(o, lang, u, gp->forecast);
    else buf_puts(o, "—");
    buf_puts(o, "</td></tr>\n");
#undef CELL
    buf_free(&lab);
}

static void goals_head(buf_t *o)
{
    static const char *const h[] = {N_("goal"), N_("target"), N_("actual"), N_("progress"), N_("status"),
                                    N_("projection"), N_("forecast")};
    buf_puts(o, "<div class=\"scroll\"><table class=\"resp goals\"><thead><tr>");
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
        buf_puts(o, i == 1 || i == 2 || i >= 5 ? "<th class=\"n\">" : "<th>");
        web_html(o, _(h[i]));
        buf_puts(o, "</th>");
    }
    buf_puts(o, "</tr></thead><tbody>\n");
}

/* ---- trend ---- */

/* revenue_query: the revenue of goal g's period, under g's filter
 * narrowed by the dashboard's filters, by one key (the trend's months, the
 * leaderboard's reps or teams). The caller frees q->where.kv. */
static void revenue_query(const page_data *pd, const sp_goal *g, const dash_filter *df, sp_bykey by, sp_kpi_query *q)
{
    sp_filter gf;
    funnel_goal_filter(&g->filter, MET_REVENUE, g->period, pd->as_of, &gf);
    memset(q, 0, sizeof *q);
    filter_with(&gf, df, &q->where);
    free(gf.kv);   /* the entries point into the goal's filter */
    q->metric = MET_REVENUE;
    q->period = g->period;
    q->period_text = g->period_text;
    q->as_of = pd->as_of;
    q->by[0] = by;
    q->nby = 1;
    q->tiers = pd->tiers;
    q->ntiers = pd->ntiers;
}


/* trend_card: cumulative revenue by month of goal g's period with filter
 * f against g's linear target. */
static void trend_card(buf_t *o, const web_req *req, const page_data *pd, const sp_goal *g, const dash_filter *df)
{
    sp_kpi_query q;
    revenue_query(pd, g, df, BY_MONTH, &q);
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    bool scoped = df->team || df->region || df->rep;
    buf_puts(o, "<div class=\"card\"><h2>");
    web_html(o, _("Revenue trend"));
    buf_puts(o, "</h2><p class=\"sub\">");
    web_html(o, g->name && *g->name ? g->name : g->id);
    buf_puts(o, " · ");
    web_html(o, _("cumulative actual against the target to date"));
    buf_puts(o, "</p>");
    if (kpi_compute(pd->ds, &q, &r, &err)) {
        size_t all = 0;
        for (sp_day m = g->period.first; m <= g->period.last; m = grain_bucket(GRAIN_MONTH, m).last + 1) all++;
        svg_trend_pt *pts = xcalloc(all ? all : 1, sizeof *pts);
        char (*labels)[16] = xcalloc(all ? all : 1, sizeof *labels);
        double cum = 0;
        size_t n = 0;
        for (sp_day m = g->period.first; m <= g->period.last && n < all; m = grain_bucket(GRAIN_MONTH, m).last + 1) {
            sp_period b = grain_bucket(GRAIN_MONTH, m);
            grain_label(GRAIN_MONTH, m, labels[n]);
            pts[n].label = labels[n];
            sp_day upto = b.last < g->period.last ? b.last : g->period.last;
            sp_weight w = pace_linear_weight(g->period, upto);
            pts[n].target = w.den > 0 ? (double)g->target * (double)w.num / (double)w.den : 0;
            if (m <= pd->as_of) {
                for (size_t i = 0; i < r.nrows; i++)
                    if (r.rows[i].key[0] && strcmp(r.rows[i].key[0], labels[n]) == 0) cum += (double)r.rows[i].value.ival;
                pts[n].actual = cum;
            } else {
                pts[n].actual = -1;
            }
            n++;
        }
        if (scoped) /* a team's or a rep's line is not measured against the whole target */
            for (size_t i = 0; i < n; i++) pts[i].target = 0;
        svg_trend(o, req->lang, pts, n, true, _("Revenue trend"));
        buf_puts(o, "<div class=\"legend\"><span><i class=\"k-act\"></i>");
        web_html(o, _("actual (cumulative)"));
        buf_puts(o, "</span>");
        if (!scoped) {
            buf_puts(o, "<span><i class=\"k-tgt\"></i>");
            web_html(o, _("target to date"));
            buf_puts(o, "</span>");
        }
        buf_puts(o, "</div>");
        free(pts);
        free(labels);
    } else {
        html_notice(o, "error", buf_cstr(&err.msg));
    }
    buf_puts(o, "</div>\n");
    kpi_result_free(&r);
    err_free(&err);
    free(q.where.kv);
}

/* ---- funnel ---- */

static void funnel_card(buf_t *o, const page_data *pd, const sp_goal *g)
{
    sp_funnel_in in;
    sp_funnel_out out;
    sp_err err = SP_ERR_INIT;
    buf_puts(o, "<div class=\"card\"><h2>");
    web_html(o, _("Sales funnel"));
    buf_puts(o, "</h2><p class=\"sub\">");
    web_html(o, _("per month over the last 12 months; dashed: what the reverse funnel needs per month"));
    buf_puts(o, "</p>");
    if (!funnel_gather(pd->plan, pd->ds, g, pd->as_of, pd->tiers, pd->ntiers, &in, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        err_free(&err);
        buf_puts(o, "</div>\n");
        return;
    }
    funnel_compute(&in, &out);
    double won = (double)in.won_deals / 12.0, opp = (double)(in.won_deals + in.lost_deals) / 12.0;
    double leads = (double)in.leads / 12.0, qual = (double)in.qualified_leads / 12.0;
    char v[4][32], need[4][64];
    double vals[4] = {leads, qual, opp, won};
    double needs[4] = {out.leads, out.qualified_leads, out.opportunities, out.deals};
    bool has[4] = {out.has_leads, out.has_qualified, out.has_opportunities, out.has_deals};
    static const char *const labels[4] = {N_("leads"), N_("qualified leads"), N_("opportunities"), N_("deals won")};
    svg_funnel_stage st[4];
    for (int i = 0; i < 4; i++) {
        snprintf(v[i], sizeof v[i], "%.1f", vals[i]);
        snprintf(need[i], sizeof need[i], _("needed: %.1f"), needs[i]);
        st[i] = (svg_funnel_stage){_(labels[i]), vals[i], v[i], has[i] && !(out.missing & FUNNEL_PERIOD_OVER),
                                   needs[i], need[i]};
    }
    buf_puts(o, "<div class=\"scroll\">");
    svg_funnel(o, st, 4, _("Sales funnel"));
    buf_puts(o, "</div>");
    buf_t notes = BUF_INIT;
    funnel_summary(&in, &out, &notes);
    if (notes.len) {
        buf_puts(o, "<p class=\"small muted\">");
        web_html(o, buf_cstr(&notes));
        buf_puts(o, "</p>");
    }
    buf_free(&notes);
    buf_puts(o, "</div>\n");
}

/* ---- leaderboard ---- */

typedef struct rank_row {
    const char *id;                  /* rep or team id */
    sp_money revenue;
    sp_qty target, attainment;       /* from the goal split for it, when any */
} rank_row;

static int rank_cmp(const void *a, const void *b)
{
    const rank_row *x = a, *y = b;
    bool hx = !x->attainment.null, hy = !y->attainment.null;
    if (hx != hy) return hx ? -1 : 1;
    if (hx) {
        int c = qty_cmp(y->attainment, x->attainment);
        if (c) return c;
    }
    if (x->revenue != y->revenue) return x->revenue > y->revenue ? -1 : 1;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

/* split_target: the target of the revenue goal's descendant filtered to
 * dim = id alone (a team's or a rep's share), or a null qty. */
static sp_qty split_target(const sp_goal_pace *paces, size_t n, const sp_goal *root, sp_dim dim, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        const sp_goal *g = paces[i].goal;
        const sp_goal *p = g->parent;
        while (p && p != root) p = p->parent;
        if (!p || g->metric != MET_REVENUE) continue;
        for (size_t k = 0; k < g->filter.n; k++)
            if (g->filter.kv[k].dim == dim && str_eq(g->filter.kv[k].value, id)) return paces[i].target;
    }
    return qty_null();
}

static void rank_table(buf_t *o, const web_req *req, const page_data *pd, const sp_goal_pace *paces, size_t np,
                       const sp_goal *g, sp_bykey by, const dash_filter *df)
{
    sp_kpi_query q;
    revenue_query(pd, g, df, by, &q);
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    if (!kpi_compute(pd->ds, &q, &r, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        goto done;
    }
    rank_row *rows = xcalloc(r.nrows ? r.nrows : 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < r.nrows; i++) {
        const char *id = r.rows[i].key[0];
        if (!id || !*id) continue;
        if (by == BY_REP) {
            /* leaders, presales and managers are not ranked: the role in the
             * plan's team, else the reps table's; a rep without a role is */
            const sp_group *grp = NULL;
            const sp_member *m = pd->plan ? plan_find_member(pd->plan, id, &grp) : NULL;
            const sp_rep *rep = page_rep(pd, id);
            sp_role role = m && m->role != ROLE_NONE ? m->role : rep ? rep->role : ROLE_NONE;
            if (role != ROLE_NONE && role != ROLE_REP) continue;
            if (!page_rep_visible(req, pd, id)) continue;
        }
        rows[n].id = id;
        rows[n].revenue = r.rows[i].value.ival;
        rows[n].target = split_target(paces, np, g, by == BY_REP ? DIM_REP : DIM_TEAM, id);
        rows[n].attainment = rows[n].target.null ? qty_null() : qty_ratio(qty_int(rows[n].revenue), rows[n].target);
        n++;
    }
    qsort(rows, n, sizeof *rows, rank_cmp);
    /* attainment where the plan splits the revenue goal to them; else
     * each one's share of the revenue */
    bool targets = false;
    sp_money total = 0;
    for (size_t i = 0; i < n; i++) {
        targets = targets || !rows[i].target.null;
        total += rows[i].revenue;
    }
    buf_puts(o, "<h3>");
    web_html(o, by == BY_REP ? _("Reps") : _("Teams"));
    buf_puts(o, "</h3><div class=\"scroll\"><table class=\"rank\"><thead><tr><th>#</th><th>");
    web_html(o, by == BY_REP ? _("rep") : _("team"));
    buf_puts(o, "</th><th class=\"n\">");
    web_html(o, _("revenue"));
    if (targets) {
        buf_puts(o, "</th><th class=\"n\">");
        web_html(o, _("target"));
    }
    buf_puts(o, "</th><th>");
    web_html(o, targets ? _("attainment") : _("share"));
    buf_puts(o, "</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n && i < 15; i++) {
        buf_printf(o, "<tr><td>%zu</td><td>", i + 1);
        web_html(o, by == BY_REP ? page_rep_name(pd, rows[i].id) : page_team_name(pd, rows[i].id));
        buf_puts(o, "</td><td class=\"n\">");
        web_money(o, req->lang, rows[i].revenue);
        if (targets) {
            buf_puts(o, "</td><td class=\"n\">");
            web_qty(o, req->lang, UNIT_MONEY, rows[i].target);
        }
        buf_puts(o, "</td><td>");
        sp_qty att = targets ? rows[i].attainment : total > 0 ? qty_make(rows[i].revenue, total) : qty_null();
        if (!att.null) {
            double a = web_qty_double(att);
            sp_goal_status s = !targets ? GOAL_NOT_STARTED : a >= 1 ? GOAL_ACHIEVED : a >= 0.8 ? GOAL_ON_TRACK
                               : a >= 0.5 ? GOAL_AT_RISK : GOAL_OFF_TRACK;
            svg_progress(o, a, -1, targets ? s : GOAL_ON_TRACK, targets ? _("attainment") : _("share"));
            buf_puts(o, "<span class=\"small\">");
            web_pct(o, att);
            buf_puts(o, "</span>");
        } else {
            buf_puts(o, "—");
        }
        buf_puts(o, "</td></tr>\n");
    }
    if (n == 0) {
        buf_puts(o, "<tr><td colspan=\"5\" class=\"muted\">");
        web_html(o, _("(none)"));
        buf_puts(o, "</td></tr>");
    }
    buf_puts(o, "</tbody></table></div>\n");
    free(rows);
done:
    kpi_result_free(&r);
    err_free(&err);
    free(q.where.kv);
}

/* ---- alert tiles ---- */

/* alerts_filter: keeps the alerts about the dashboard's filter: addressed
 * to the rep, to a member of the team, or about a customer of the region
 * (alerts about no customer stay when only the region is set). */
static void alerts_filter(const page_data *pd, sp_alerts_result *a, const dash_filter *df)
{
    if (!df->team && !df->rep && !df->region) return;
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        sp_alert *x = &a->v[i];
        bool keep = true;
        if (df->rep) keep = str_eq(x->owner, df->rep) || str_eq(x->leader, df->rep);
        if (keep && df->team) {
            const sp_rep *r = page_rep(pd, x->owner);
            const sp_group *g = NULL;
            bool member = pd->plan && x->owner && plan_find_member(pd->plan, x->owner, &g) && g && str_eq(g->id, df->team);
            keep = member || (r && str_eq(r->team, df->team));
        }
        if (keep && df->region && x->customer_id) {
            sp_customer c;
            keep = page_customer(pd, x->customer_id, &c) && str_eq(c.region, df->region);
        }
        if (keep) a->v[k++] = *x;
        else {
            a->count[x->kind]--;
            free(x->folded);
        }
    }
    a->n = k;
}

static void alert_tiles(buf_t *o, const sp_alerts_result *a, bool rep_view)
{
    static const char *const labels[ALERT_KIND_COUNT] = {N_("stale follow-ups"), N_("overdue tasks"),
                                                         N_("goals off pace"), N_("budget overruns"),
                                                         N_("strategic reviews due")};
    static const char *const links[ALERT_KIND_COUNT] = {"/followups", "/tasks", "#goals", "/budget", "/customers"};
    buf_puts(o, "<div class=\"tiles\">");
    for (int k = 0; k < ALERT_KIND_COUNT; k++) {
        if (!a->enabled[k] || (rep_view && k == ALERT_BUDGET_OVERRUN)) continue;
        buf_printf(o, "<a class=\"tile %s\" id=\"alerts-%s\" href=\"%s\"><div class=\"v\">%zu</div><div class=\"k\">",
                   a->count[k] ? "warn" : "ok", alert_kind_name((sp_alert_kind)k), links[k], a->count[k]);
        web_html(o, _(labels[k]));
        buf_puts(o, "</div></a>");
    }
    buf_puts(o, "</div>\n");
}

/* ---- filters form ---- */

static void option(buf_t *o, const char *value, const char *label, const char *cur)
{
    buf_puts(o, "<option value=\"");
    web_attr(o, value);
    buf_puts(o, str_eq(value, cur) ? "\" selected>" : "\">");
    web_html(o, label);
    buf_puts(o, "</option>");
}

static void filters_form(buf_t *o, const page_data *pd, const dash_filter *df, bool rep_view)
{
    buf_puts(o, "<form class=\"filters noprint\" method=\"get\" action=\"/\">");
    if (!rep_view) {
        buf_puts(o, "<label>");
        web_html(o, _("team"));
        buf_puts(o, "<select name=\"team\"><option value=\"\">");
        web_html(o, _("all"));
        buf_puts(o, "</option>");
        for (size_t i = 0; pd->plan && i < pd->plan->ngroups; i++)
            option(o, pd->plan->groups[i].id, page_team_name(pd, pd->plan->groups[i].id), df->team);
        buf_puts(o, "</select></label><label>");
        web_html(o, _("region"));
        buf_puts(o, "<select name=\"region\"><option value=\"\">");
        web_html(o, _("all"));
        buf_puts(o, "</option>");
        /* the regions the customers hold, each once */
        const char **seen = xcalloc(pd->ds->customers.n + 1, sizeof *seen);
        size_t ns = 0;
        for (size_t i = 0; i < pd->ds->customers.n; i++) {
            const char *r = ds_str(pd->ds, pd->ds->customers.region[i]);
            if (!r || !*r) continue;
            size_t k = 0;
            while (k < ns && !str_eq(seen[k], r)) k++;
            if (k == ns && ns < 64) {
                seen[ns++] = r;
                option(o, r, r, df->region);
            }
        }
        free(seen);
        buf_puts(o, "</select></label><label>");
        web_html(o, _("rep"));
        buf_puts(o, "<select name=\"rep\"><option value=\"\">");
        web_html(o, _("all"));
        buf_puts(o, "</option>");
        for (size_t i = 0; i < pd->ds->reps.n; i++) {
            const sp_rep *r = &pd->ds->rep_rows[i];
            if (r->role != ROLE_REP) continue;
            option(o, r->id, page_rep_name(pd, r->id), df->rep);
        }
        buf_puts(o, "</select></label>");
    }
    buf_puts(o, "<label>");
    web_html(o, _("as of"));
    buf_puts(o, "<input type=\"date\" name=\"as_of\" value=\"");
    page_date(o, pd->as_of);
    buf_puts(o, "\"></label><button type=\"submit\">");
    web_html(o, _("Apply"));
    buf_puts(o, "</button></form>\n");
}

/* ---- the rep's own view: follow-ups and tasks ---- */

static void rep_lists(buf_t *o, const web_req *req, const page_data *pd, const sp_alerts_result *a, const char *rep)
{
    buf_puts(o, "<div class=\"grid\"><div class=\"card\"><h2>");
    web_html(o, _("My stale follow-ups"));
    buf_puts(o, "</h2>");
    size_t shown = 0;
    for (size_t i = 0; i < a->n && shown < 8; i++) {
        const sp_alert *x = &a->v[i];
        if (x->kind != ALERT_STALE_FOLLOWUP || !str_eq(x->owner, rep)) continue;
        if (!shown) buf_puts(o, "<ul>");
        buf_puts(o, "<li>");
        web_html(o, page_customer_name(pd, x->customer_id));
        buf_printf(o, " <span class=\"red\">");
        buf_printf(o, _("%d days"), (int)x->days);
        buf_puts(o, "</span></li>");
        shown++;
    }
    if (shown) buf_puts(o, "</ul>");
    else html_notice(o, "ok", _("Every customer with an open deal was touched recently."));
    buf_puts(o, "<p><a class=\"btn\" href=\"/followups\">");
    web_html(o, _("Log a visit or call"));
    buf_puts(o, "</a></p></div><div class=\"card\"><h2>");
    web_html(o, _("My tasks"));
    buf_puts(o, "</h2><ul>");
    size_t nt = 0;
    for (size_t i = 0; pd->plan && i < pd->plan->ntasks; i++) {
        const sp_task *t = &pd->plan->tasks[i];
        if (!str_eq(t->owner, rep)) continue;
        sp_task_status s = page_task_status(pd, t->id, NULL);
        if (s == TASK_DONE) continue;
        bool late = t->due != SP_DAY_NONE && t->due < pd->as_of;
        buf_puts(o, late ? "<li class=\"red\">" : "<li>");
        web_html(o, t->name ? t->name : t->id);
        buf_puts(o, " · ");
        web_html(o, _(page_task_status_label(s)));
        buf_puts(o, " · ");
        page_date(o, t->due);
        buf_puts(o, "</li>");
        nt++;
    }
    buf_puts(o, "</ul>");
    if (!nt) html_notice(o, "ok", _("No open task."));
    buf_puts(o, "<p><a href=\"/tasks\">");
    web_html(o, _("All my tasks"));
    buf_puts(o, "</a></p></div></div>\n");
    (void)req;
}

/* ---- the page ---- */

void page_dashboard(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_goal_pace *paces = NULL;
    size_t np = 0;
    if (!page_data_load(req, &pd, &err)) {
        page_data_free(&pd);
        web_fail(req, resp, &err);
        err_free(&err);
        return;
    }
    bool rep_view = page_is_rep(req);
    const char *me = rep_view ? req->user->rep_id : NULL;
    dash_filter df = {NULL, NULL, NULL};
    if (!rep_view) {
        const char *t = web_field_get(req, "team"), *r = web_field_get(req, "region"), *p = web_field_get(req, "rep");
        df.team = t && *t ? t : NULL;
        df.region = r && *r ? r : NULL;
        df.rep = p && *p ? p : NULL;
    } else {
        df.rep = me;
    }
    page_open(req, resp, rep_view ? _("My dashboard") : _("Dashboard"), NAV_DASHBOARD,
              pd.plan ? (pd.plan->name ? pd.plan->name : pd.plan->id) : NULL);
    buf_puts(o, "<h1>");
    web_html(o, rep_view ? _("My dashboard") : _("Dashboard"));
    buf_puts(o, "</h1>");
    page_notice_from(req, o);
    if (!pd.plan) {
        page_no_plan(o);
        goto out;
    }
    buf_puts(o, "<p class=\"sub\">");
    web_html(o, _("as of"));
    buf_puts(o, " ");
    page_date(o, pd.as_of);
    if (rep_view) {
        buf_puts(o, " · ");
        web_html(o, page_rep_name(&pd, me));
    }
    buf_puts(o, "</p>");
    filters_form(o, &pd, &df, rep_view);
    if (pd.records == 0)
        html_empty(o, _("No CRM data yet"),
                   _("The plan is loaded; import your CRM exports (reps, customers, deals, activities…) to see actuals."),
                   "salesplan import deals deals.csv");
    if (!page_paces(&pd, &paces, &np, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        goto out;
    }
    sp_alerts_result al;
    page_alerts(req, &pd, paces, np, me, 0, &al);
    alerts_filter(&pd, &al, &df);
    alert_tiles(o, &al, rep_view);
    if (rep_view) rep_lists(o, req, &pd, &al, me);
    alerts_result_free(&al);

    /* goals */
    buf_puts(o, "<div class=\"card\" id=\"goals\"><h2>");
    web_html(o, rep_view ? _("My goals") : _("Goals"));
    buf_puts(o, "</h2>");
    size_t shown = 0;
    for (size_t i = 0; i < np; i++) {
        const sp_goal *g = paces[i].goal;
        bool show = goal_in_scope(req, &pd, g) && (rep_view || goal_about(g, &df));
        if (!show) continue;
        if (!shown) goals_head(o);
        goal_row(o, req->lang, &paces[i]);
        shown++;
    }
    if (shown) buf_puts(o, "</tbody></table></div>");
    else {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, rep_view ? _("No goal is yours in this plan.") : _("No goal matches the filter."));
        buf_puts(o, "</p>");
    }
    buf_puts(o, "<p class=\"legend\"><span>");
    web_html(o, _("The black mark on a bar is where the goal should be by today."));
    buf_puts(o, "</span></p></div>\n");

    const sp_goal *rg = first_revenue_goal(pd.plan);
    if (rg) {
        buf_puts(o, "<div class=\"grid\">");
        trend_card(o, req, &pd, rg, &df);
        if (!rep_view) funnel_card(o, &pd, rg);
        buf_puts(o, "</div>\n");
    }
    /* the leaderboard: for those who see a team or more (a rep sees their own numbers above) */
    if (rg && !rep_view) {
        buf_puts(o, "<div class=\"card\"><h2>");
        web_html(o, _("Leaderboard"));
        buf_puts(o, "</h2><p class=\"sub\">");
        web_html(o, _("revenue to date and attainment of each one's share of the revenue goal"));
        buf_puts(o, "</p><div class=\"grid\"><div>");
        dash_filter none = {NULL, df.region, NULL};
        rank_table(o, req, &pd, paces, np, rg, BY_REP, &df);
        buf_puts(o, "</div><div>");
        rank_table(o, req, &pd, paces, np, rg, BY_TEAM, &none);
        buf_puts(o, "</div></div></div>\n");
    }
out:
    page_close(req, resp);
    goal_paces_free(paces, np);
    page_data_free(&pd);
    err_free(&err);
}

/* ---- goal detail ---- */

static void breakdown(buf_t *o, const web_req *req, const page_data *pd, const sp_goal *g, sp_bykey by)
{
    static const char *const titles[] = {[BY_MONTH] = N_("By month"), [BY_REGION] = N_("By region"),
                                         [BY_TEAM] = N_("By team"), [BY_REP] = N_("By rep"),
                                         [BY_PRODUCT] = N_("By product")};
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    q.metric = g->metric;
    q.period = g->period;
    q.period_text = g->period_text;
    q.as_of = pd->as_of;
    q.where = g->filter;
    q.by[0] = by;
    q.nby = 1;
    q.tiers = pd->tiers;
    q.ntiers = pd->ntiers;
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    buf_puts(o, "<div class=\"card\"><h2>");
    web_html(o, _(titles[by]));
    buf_puts(o, "</h2>");
    if (!kpi_compute(pd->ds, &q, &r, &err)) {
        html_notice(o, "info", buf_cstr(&err.msg));
    } else {
        buf_puts(o, "<div class=\"scroll\"><table><tbody>");
        size_t n = 0;
        for (size_t i = 0; i < r.nrows; i++) {
            const char *k = r.rows[i].key[0];
            if (by == BY_REP && !page_rep_visible(req, pd, k)) continue;
            buf_puts(o, "<tr><td>");
            web_html(o, !k || !*k ? _("(none)") : by == BY_REP ? page_rep_name(pd, k) : by == BY_TEAM ? page_team_name(pd, k) : k);
            buf_puts(o, "</td><td class=\"n\">");
            web_qty(o, req->lang, sp_metrics[g->metric].unit, qty_from_kpi(g->metric, &r.rows[i].value));
            buf_puts(o, "</td></tr>");
            n++;
        }
        if (!n) {
            buf_puts(o, "<tr><td class=\"muted\">");
            web_html(o, _("(none)"));
            buf_puts(o, "</td></tr>");
        }
        buf_puts(o, "</tbody></table></div>");
    }
    buf_puts(o, "</div>\n");
    kpi_result_free(&r);
    err_free(&err);
}

/* records: the records behind the goal's actual (the engine's explain),
 * newest first, at most 100 shown. */
static void records(buf_t *o, const web_req *req, const page_data *pd, const sp_goal *g)
{
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    q.metric = g->metric;
    q.period = g->period;
    q.period_text = g->period_text;
    q.as_of = pd->as_of;
    q.where = g->filter;
    q.tiers = pd->tiers;
    q.ntiers = pd->ntiers;
    q.explain = true;
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    if (kpi_compute(pd->ds, &q, &r, &err) && r.nexplain) {
        buf_puts(o, "<div class=\"card\" id=\"records\"><h2>");
        web_html(o, _("The records behind the number"));
        buf_printf(o, " <span class=\"small muted\">(%zu)</span></h2><div class=\"scroll\"><table><thead><tr><th>",
                   r.nexplain_total);
        web_html(o, _("date"));
        buf_puts(o, "</th><th>");
        web_html(o, _("record"));
        buf_puts(o, "</th><th>");
        web_html(o, _("customer"));
        buf_puts(o, "</th><th class=\"n\">");
        web_html(o, _("amount"));
        buf_puts(o, "</th><th>");
        web_html(o, _("note"));
        buf_puts(o, "</th></tr></thead><tbody>");
        size_t shown = 0;
        for (size_t k = r.nexplain; k-- > 0 && shown < 100;) {
            const sp_explain_row *x = &r.explain[k];
            /* the customer of a deal: a rep sees only their own customers' records */
            const char *cust = NULL, *owner = NULL;
            for (size_t i = 0; str_eq(x->table, "deals") && i < pd->ds->deals.n; i++)
                if (str_eq(ds_str(pd->ds, pd->ds->deals.id[i]), x->id)) {
                    cust = ds_str(pd->ds, pd->ds->deals.customer_id[i]);
                    owner = ds_str(pd->ds, pd->ds->deals.owner[i]);
                    break;
                }
            if (page_scope(req).kind != SCOPE_ALL && !page_rep_visible(req, pd, owner)) continue;
            buf_puts(o, "<tr><td>");
            page_date(o, x->date);
            buf_puts(o, "</td><td>");
            web_html(o, x->table);
            buf_puts(o, " ");
            web_html(o, x->id);
            buf_puts(o, "</td><td>");
            web_html(o, cust ? page_customer_name(pd, cust) : "");
            buf_puts(o, "</td><td class=\"n\">");
            if (x->amount) web_money(o, req->lang, x->amount);
            buf_puts(o, "</td><td>");
            web_html(o, x->note ? x->note : "");
            buf_puts(o, "</td></tr>");
            shown++;
        }
        buf_puts(o, "</tbody></table></div>");
        if (r.nexplain_total > shown) {
            buf_puts(o, "<p class=\"small muted\">");
            buf_printf(o, _("the latest %zu of %zu records"), shown, r.nexplain_total);
            buf_puts(o, "</p>");
        }
        buf_puts(o, "</div>\n");
    }
    kpi_result_free(&r);
    err_free(&err);
}

void page_goal(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_goal_pace *paces = NULL;
    size_t np = 0, at = SIZE_MAX;
    const char *id = web_param(req, "id");
    if (!page_data_load(req, &pd, &err) || !page_paces(&pd, &paces, &np, &err)) goto fail;
    for (size_t i = 0; i < np; i++)
        if (str_eq(paces[i].goal->id, id)) at = i;
    if (at == SIZE_MAX || !goal_in_scope(req, &pd, paces[at].goal)) {
        err_set(&err, SP_ENOTFOUND, _("no goal '%s'"), id ? id : "");
        goto fail;
    }
    const sp_goal *g = paces[at].goal;
    page_open(req, resp, g->name && *g->name ? g->name : g->id, NAV_DASHBOARD, pd.plan->name);
    buf_puts(o, "<p class=\"sub\"><a href=\"/\">");
    web_html(o, _("Dashboard"));
    buf_puts(o, "</a>");
    for (const sp_goal *p = g->parent; p; p = p->parent) {
        buf_puts(o, " · <a href=\"/goals/");
        web_url(o, p->id);
        buf_puts(o, "\">");
        web_html(o, p->name && *p->name ? p->name : p->id);
        buf_puts(o, "</a>");
    }
    buf_puts(o, "</p><h1>");
    web_html(o, g->name && *g->name ? g->name : g->id);
    buf_puts(o, "</h1><div class=\"card\">");
    goals_head(o);
    for (size_t i = at; i < np; i++) {
        if (i > at && paces[i].depth <= paces[at].depth) break;
        if (i > at && paces[i].depth > paces[at].depth + 1) continue;
        goal_row(o, req->lang, &paces[i]);
    }
    buf_puts(o, "</tbody></table></div><p class=\"small muted\">");
    web_html(o, _("owner"));
    buf_puts(o, ": ");
    web_html(o, page_rep_name(&pd, page_goal_owner(g)));
    buf_puts(o, " · ");
    web_html(o, _("as of"));
    buf_puts(o, " ");
    page_date(o, pd.as_of);
    buf_puts(o, "</p></div>\n");
    if (g->metric != MET_MANUAL) {
        buf_puts(o, "<div class=\"grid\">");
        static const sp_bykey bys[] = {BY_MONTH, BY_REGION, BY_TEAM, BY_REP, BY_PRODUCT};
        for (size_t i = 0; i < sizeof bys / sizeof bys[0]; i++) {
            if (bys[i] == BY_PRODUCT && g->metric != MET_REVENUE && g->metric != MET_DEALS_WON) continue;
            breakdown(o, req, &pd, g, bys[i]);
        }
        buf_puts(o, "</div>\n");
        records(o, req, &pd, g);
    }
    page_close(req, resp);
    goto done;
fail:
    web_fail(req, resp, &err);
done:
    goal_paces_free(paces, np);
    page_data_free(&pd);
    err_free(&err);
}
