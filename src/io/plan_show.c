/*
 * plan_show.c — the plan table, step by step (see plan_show.h).
 *
 * The six step builders describe what to show through a small writer —
 * step, sub-heading, note, table, SWOT matrix — and the writer renders it
 * in the chosen format: aligned text (table_out.c), Markdown (every cell
 * through md_cell) or HTML (every value through html_escape; the page's
 * own markup is fixed text). Nothing here computes a metric or reads the
 * workspace: the plan alone.
 */
#include "plan_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/budget.h"
#include "../util/i18n.h"
#include "out.h"
#include "report.h"

/* ---- labels ---- */

static const char *const step_titles[PLAN_SHOW_STEPS] = {
    N_("Goals"), N_("Situation analysis"), N_("Strategy"), N_("Execution plan"), N_("Resources and budget"),
    N_("Monitoring"),
};

static const char *metric_label(sp_metric m)
{
    static const char *const labels[MET_COUNT] = {
        N_("revenue"),
        N_("deals won"),
        N_("average deal size"),
        N_("new customers"),
        N_("new-customer revenue"),
        N_("new-customer revenue share"),
        N_("renewal rate"),
        N_("leads"),
        N_("qualified leads"),
        N_("lead conversion rate"),
        N_("win rate"),
        N_("sales cycle (days)"),
        N_("visits"),
        N_("activities"),
        N_("visits per rep per month"),
        N_("gross margin"),
        N_("collection rate"),
        N_("collected"),
        N_("pipeline"),
        N_("weighted pipeline"),
        N_("active customers"),
        N_("customers per tier"),
        N_("revenue share per tier"),
        N_("spend"),
        N_("manual"),
    };
    return (unsigned)m < MET_COUNT ? _(labels[m]) : "";
}

static const char *pest_label(sp_pest_factor f)
{
    static const char *const v[PEST_COUNT] = {N_("political"), N_("economic"), N_("social"), N_("technological")};
    return (unsigned)f < PEST_COUNT ? _(v[f]) : "";
}

static const char *effect_label(sp_effect e) { return e == EFFECT_THREAT ? _("threat") : _("opportunity"); }

const char *plan_category_label(sp_strategy_cat c)
{
    static const char *const v[] = {N_("market"), N_("product / service"), N_("customer operation"), N_("channel")};
    return (unsigned)c < sizeof v / sizeof v[0] ? _(v[c]) : "";
}

static const char *role_label(sp_role r)
{
    switch (r) {
    case ROLE_LEADER: return _("leader");
    case ROLE_REP: return _("rep");
    case ROLE_PRESALES: return _("presales");
    case ROLE_MANAGER: return _("manager");
    default: return "";
    }
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

static const char *notify_label(const char *kind)
{
    static const char *const k[] = {"feishu", "dingtalk", "wecom", "slack", "webhook", "email"};
    static const char *const v[] = {N_("Feishu"), N_("DingTalk"), N_("WeCom"), N_("Slack"), N_("webhook"), N_("e-mail")};
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
        if (str_eq(kind, k[i])) return _(v[i]);
    return kind ? kind : "";
}

/* weekday_pack_label: "weekly review pack on Monday" for weekday 1..7. */
static const char *weekday_pack_label(int wd)
{
    static const char *const v[7] = {N_("weekly review pack on Monday"),   N_("weekly review pack on Tuesday"),
                                     N_("weekly review pack on Wednesday"), N_("weekly review pack on Thursday"),
                                     N_("weekly review pack on Friday"),    N_("weekly review pack on Saturday"),
                                     N_("weekly review pack on Sunday")};
    return wd >= 1 && wd <= 7 ? _(v[wd - 1]) : "";
}

/* the default tier names (core/plan.c), for the catalog */
static const char *const default_tier_names[] __attribute__((unused)) = {N_("Strategic"), N_("Key"), N_("Potential")};

static const char *dim_label(sp_dim d)
{
    static const char *const v[DIM_COUNT] = {N_("region"),  N_("industry"), N_("size"), N_("team"),
                                             N_("rep"),     N_("product"),  N_("source"), N_("tier"),
                                             N_("category"), N_("strategy")};
    return (unsigned)d < DIM_COUNT ? _(v[d]) : "";
}

/* ---- names for ids ---- */

static const char *member_name(const sp_plan *p, const char *id)
{
    const sp_member *m = id ? plan_find_member(p, id, NULL) : NULL;
    return m && m->name ? m->name : id ? id : "";
}

static const char *goal_name(const sp_plan *p, const char *id)
{
    const sp_goal *g = plan_find_goal(p, id);
    return g && g->name ? g->name : id;
}

static const char *task_name(const sp_plan *p, const char *id)
{
    for (size_t i = 0; i < p->ntasks; i++)
        if (str_eq(p->tasks[i].id, id)) return p->tasks[i].name ? p->tasks[i].name : id;
    return id;
}

static const char *category_name(const sp_plan *p, const char *id)
{
    for (size_t i = 0; i < p->nbudget_cats; i++)
        if (str_eq(p->budget_cats[i].id, id)) return p->budget_cats[i].name ? p->budget_cats[i].name : id;
    return id;
}

/* filter_value: the display name of a filter value (team, rep, tier,
 * category, strategy by name; others as written). */
static const char *filter_value(const sp_plan *p, const sp_filter_kv *kv)
{
    switch (kv->dim) {
    case DIM_TEAM:
        if (plan_team_name(p, kv->value)) return plan_team_name(p, kv->value);
        break;
    case DIM_REP: return member_name(p, kv->value);
    case DIM_TIER:
        for (size_t i = 0; i < p->ntiers; i++)
            if (str_eq(p->tiers[i].id, kv->value) && p->tiers[i].name) return p->tiers[i].name;
        break;
    case DIM_CATEGORY: return category_name(p, kv->value);
    case DIM_STRATEGY:
        for (size_t i = 0; i < p->nstrategies; i++)
            if (str_eq(p->strategies[i].id, kv->value) && p->strategies[i].name) return p->strategies[i].name;
        break;
    default: break;
    }
    return kv->value;
}

static void filter_text(const sp_plan *p, const sp_filter *f, buf_t *b)
{
    for (size_t i = 0; i < f->n; i++) {
        if (i) buf_puts(b, _(", "));
        buf_printf(b, "%s=%s", dim_label(f->kv[i].dim), filter_value(p, &f->kv[i]));
    }
}

/* analysis_text: the text of an analysis item by id (PEST factor,
 * capability or persona), for what a strategy answers. */
static void analysis_text(const sp_plan *p, const char *id, buf_t *b)
{
    for (size_t i = 0; i < p->npest; i++)
        if (str_eq(p->pest[i].id, id)) {
            buf_printf(b, "%s%s%s", pest_label(p->pest[i].factor), _(": "), p->pest[i].text ? p->pest[i].text : "");
            return;
        }
    for (size_t i = 0; i < p->ncapabilities; i++)
        if (str_eq(p->capabilities[i].id, id)) {
            const char *k = p->capabilities[i].kind == CAP_STRENGTH   ? _("strength")
                            : p->capabilities[i].kind == CAP_WEAKNESS ? _("weakness")
                                                                      : _("constraint");
            buf_printf(b, "%s%s%s", k, _(": "), p->capabilities[i].text ? p->capabilities[i].text : "");
            return;
        }
    for (size_t i = 0; i < p->npersonas; i++)
        if (str_eq(p->personas[i].id, id)) {
            buf_printf(b, "%s%s%s", _("persona"), _(": "), id);
            return;
        }
    buf_puts(b, id);
}

/* join_names: v[0..n) mapped through name() (NULL: as is), joined by the
 * language's list separator, into b. */
static void join_names(const sp_plan *p, char *const *v, size_t n, const char *(*name)(const sp_plan *, const char *),
                       buf_t *b)
{
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(b, _(", "));
        buf_puts(b, name ? name(p, v[i]) : v[i]);
    }
}

/* host_of: the host of a URL (no scheme, user, port, path or query): a
 * webhook's path and query carry its token, which is a secret. */
static void host_of(const char *url, buf_t *b)
{
    const char *s = url ? strstr(url, "://") : NULL;
    s = s ? s + 3 : url ? url : "";
    size_t n = strcspn(s, "/?#");
    const char *at = memchr(s, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    buf_append(b, s, n);
}

/* ---- the writer ---- */

typedef struct writer {
    const sp_plan *p;
    sp_show_format fmt;
    buf_t *out;
} writer;

#define MAX_COLS 10

typedef struct ps_table {
    size_t ncols, nrows, cap;        /* nrows counts the header */
    char **cells;
    bool numeric[MAX_COLS];
    bool strong_last;                /* the last row is a total */
} ps_table;

static ps_table *tbl_new(size_t ncols, const char *const *head)
{
    ps_table *t = xcalloc(1, sizeof *t);
    t->ncols = ncols;
    t->cap = 8;
    t->cells = xcalloc(t->cap * ncols, sizeof *t->cells);
    for (size_t c = 0; c < ncols; c++) t->cells[c] = xstrdup(head[c] ? head[c] : "");
    t->nrows = 1;
    return t;
}

static void tbl_row(ps_table *t, const char *const *cells)
{
    if (t->nrows == t->cap) {
        t->cap *= 2;
        t->cells = xreallocarray(t->cells, t->cap * t->ncols, sizeof *t->cells);
    }
    for (size_t c = 0; c < t->ncols; c++) t->cells[t->nrows * t->ncols + c] = xstrdup(cells[c] ? cells[c] : "");
    t->nrows++;
}

static void tbl_free(ps_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++) free(t->cells[i]);
    free(t->cells);
    free(t);
}

static void w_note(writer *w, const char *text)
{
    switch (w->fmt) {
    case SHOW_TEXT: buf_printf(w->out, "%s\n", text); break;
    case SHOW_MD:
        md_cell(w->out, text);
        buf_puts(w->out, "\n\n");
        break;
    case SHOW_HTML:
        buf_puts(w->out, "<p>");
        html_escape(w->out, text);
        buf_puts(w->out, "</p>\n");
        break;
    }
}

/* w_table: renders t (or a note that there is nothing) and frees it. */
static void w_table(writer *w, ps_table *t)
{
    if (t->nrows == 1) {
        w_note(w, _("(none)"));
        if (w->fmt == SHOW_TEXT) buf_putc(w->out, '\n');
        tbl_free(t);
        return;
    }
    size_t nc = t->ncols;
    if (w->fmt == SHOW_TEXT) {
        sp_table_out *o = tableout_new(nc);
        for (size_t c = 0; c < nc; c++) tableout_numeric(o, c, t->numeric[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            if (t->strong_last && r + 1 == t->nrows && r > 1) tableout_rule(o);
            tableout_row(o, (const char *const *)&t->cells[r * nc]);
        }
        tableout_render(o, w->out);
        tableout_free(o);
    } else if (w->fmt == SHOW_MD) {
        for (size_t r = 0; r < t->nrows; r++) {
            buf_putc(w->out, '|');
            for (size_t c = 0; c < nc; c++) {
                buf_putc(w->out, ' ');
                bool strong = t->strong_last && r + 1 == t->nrows && r > 0 && t->cells[r * nc + c][0];
                if (strong) buf_puts(w->out, "**");
                md_cell(w->out, t->cells[r * nc + c]);
                if (strong) buf_puts(w->out, "**");
                buf_puts(w->out, " |");
            }
            buf_putc(w->out, '\n');
            if (r == 0) {
                buf_putc(w->out, '|');
                for (size_t c = 0; c < nc; c++) buf_puts(w->out, t->numeric[c] ? "---:|" : "---|");
                buf_putc(w->out, '\n');
            }
        }
        buf_putc(w->out, '\n');
    } else {
        buf_puts(w->out, "<table>\n<thead><tr>");
        for (size_t c = 0; c < nc; c++) {
            buf_puts(w->out, t->numeric[c] ? "<th class=\"n\">" : "<th>");
            html_escape(w->out, t->cells[c]);
            buf_puts(w->out, "</th>");
        }
        buf_puts(w->out, "</tr></thead>\n<tbody>\n");
        for (size_t r = 1; r < t->nrows; r++) {
            bool strong = t->strong_last && r + 1 == t->nrows;
            buf_puts(w->out, strong ? "<tr class=\"total\">" : "<tr>");
            for (size_t c = 0; c < nc; c++) {
                buf_puts(w->out, t->numeric[c] ? "<td class=\"n\">" : "<td>");
                html_escape(w->out, t->cells[r * nc + c]);
                buf_puts(w->out, "</td>");
            }
            buf_puts(w->out, "</tr>\n");
        }
        buf_puts(w->out, "</tbody>\n</table>\n");
    }
    if (w->fmt == SHOW_TEXT) buf_putc(w->out, '\n');
    tbl_free(t);
}

static void w_sub(writer *w, const char *title)
{
    switch (w->fmt) {
    case SHOW_TEXT: buf_printf(w->out, "%s\n", title); break;
    case SHOW_MD:
        buf_puts(w->out, "### ");
        md_cell(w->out, title);
        buf_puts(w->out, "\n\n");
        break;
    case SHOW_HTML:
        buf_puts(w->out, "<h3>");
        html_escape(w->out, title);
        buf_puts(w->out, "</h3>\n");
        break;
    }
}

/* plan_line: "NAME · ID · PERIOD" */
static void plan_line(const sp_plan *p, buf_t *b)
{
    buf_printf(b, "%s · %s · %s", p->name ? p->name : p->id, p->id, p->period_text ? p->period_text : "");
}

static void w_step_begin(writer *w, int n)
{
    buf_t title = BUF_INIT;
    buf_printf(&title, _("Step %d · %s"), n, _(step_titles[n - 1]));
    switch (w->fmt) {
    case SHOW_TEXT: {
        buf_printf(w->out, "%s\n", buf_cstr(&title));
        size_t width = utf8_width(buf_cstr(&title));
        for (size_t i = 0; i < width; i++) buf_putc(w->out, '=');
        buf_puts(w->out, "\n\n");
        break;
    }
    case SHOW_MD:
        buf_puts(w->out, "## ");
        md_cell(w->out, buf_cstr(&title));
        buf_puts(w->out, "\n\n");
        break;
    case SHOW_HTML: {
        buf_t line = BUF_INIT;
        plan_line(w->p, &line);
        buf_printf(w->out, "<section class=\"step\" id=\"step%d\">\n<div class=\"plan\">", n);
        html_escape(w->out, _("Plan table"));
        buf_puts(w->out, " · ");
        html_escape(w->out, buf_cstr(&line));
        buf_puts(w->out, "</div>\n<h2>");
        html_escape(w->out, buf_cstr(&title));
        buf_puts(w->out, "</h2>\n");
        buf_free(&line);
        break;
    }
    }
    buf_free(&title);
}

static void w_step_end(writer *w)
{
    if (w->fmt == SHOW_HTML) buf_puts(w->out, "</section>\n");
}

/* w_swot: the 2×2 matrix: strengths | weaknesses over opportunities |
 * threats; each quadrant a list of texts. */
static void w_swot(writer *w, char **q[4], const size_t nq[4])
{
    static const char *const titles[4] = {N_("Strengths (S)"), N_("Weaknesses (W)"), N_("Opportunities (O)"),
                                          N_("Threats (T)")};
    if (w->fmt == SHOW_HTML) {
        static const char *const cls[4] = {"s", "w", "o", "t"};
        buf_puts(w->out, "<div class=\"swot\">\n");
        for (int k = 0; k < 4; k++) {
            buf_printf(w->out, "<div class=\"%s\"><h4>", cls[k]);
            html_escape(w->out, _(titles[k]));
            buf_puts(w->out, "</h4>");
            if (nq[k] == 0) {
                buf_puts(w->out, "<p class=\"none\">");
                html_escape(w->out, _("(none)"));
                buf_puts(w->out, "</p>");
            } else {
                buf_puts(w->out, "<ul>");
                for (size_t i = 0; i < nq[k]; i++) {
                    buf_puts(w->out, "<li>");
                    html_escape(w->out, q[k][i]);
                    buf_puts(w->out, "</li>");
                }
                buf_puts(w->out, "</ul>");
            }
            buf_puts(w->out, "</div>\n");
        }
        buf_puts(w->out, "</div>\n");
        return;
    }
    /* text and Markdown: two tables of paired rows (internal, external) */
    for (int half = 0; half < 2; half++) {
        int a = half * 2, b = a + 1;
        const char *head[2] = {_(titles[a]), _(titles[b])};
        ps_table *t = tbl_new(2, head);
        size_t n = nq[a] > nq[b] ? nq[a] : nq[b];
        if (n == 0) {
            const char *row[2] = {_("(none)"), _("(none)")};
            tbl_row(t, row);
        }
        for (size_t i = 0; i < n; i++) {
            const char *row[2] = {i < nq[a] ? q[a][i] : "", i < nq[b] ? q[b][i] : ""};
            tbl_row(t, row);
        }
        w_table(w, t);
    }
}

/* ---- step 1: goals ---- */

/* target_text: a goal's target in its metric's unit (money grouped with two
 * decimals, ratios in percent, counts whole, days and per-month rates to
 * two decimals) into b. */
static void target_text(const sp_goal *g, buf_t *b)
{
    char v[64];
    int64_t x = g->target;
    switch ((unsigned)g->metric < MET_COUNT ? sp_metrics[g->metric].unit : UNIT_MANUAL) {
    case UNIT_MONEY: buf_puts(b, money_format_grouped(x, v)); break;
    case UNIT_RATIO: buf_puts(b, ratio_format_pct(x, v)); break;
    case UNIT_COUNT: buf_printf(b, "%lld", (long long)x); break;
    default: {
        uint64_t mag = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
        unsigned frac = (unsigned)(mag % 100);
        buf_printf(b, "%s%llu", x < 0 ? "-" : "", (unsigned long long)(mag / 100));
        if (frac % 10) buf_printf(b, ".%02u", frac);
        else if (frac) buf_printf(b, ".%u", frac / 10);
    }
    }
}

static void goal_rows(const sp_plan *p, const sp_goal *g, int depth, ps_table *t)
{
    buf_t name = BUF_INIT, target = BUF_INIT, filter = BUF_INIT, supports = BUF_INIT;
    for (int i = 1; i < depth; i++) buf_puts(&name, "　");
    if (depth) buf_puts(&name, "└ ");
    buf_puts(&name, g->name ? g->name : g->id);
    if (g->direction == DIR_AT_MOST) buf_puts(&target, "≤ ");
    target_text(g, &target);
    if (g->per_month) buf_puts(&target, _(" per month"));
    filter_text(p, &g->filter, &filter);
    join_names(p, g->supports, g->nsupports, goal_name, &supports);
    const char *row[9] = {buf_cstr(&name), g->id, g->type == GOAL_PROCESS ? _("process") : _("result"),
                          metric_label(g->metric), g->period_text ? g->period_text : "", buf_cstr(&target),
                          member_name(p, g->owner), buf_cstr(&filter), buf_cstr(&supports)};
    tbl_row(t, row);
    buf_free(&name);
    buf_free(&target);
    buf_free(&filter);
    buf_free(&supports);
    for (size_t i = 0; i < g->nchildren; i++) goal_rows(p, &g->children[i], depth + 1, t);
    /* each further split (`splits:`) under the same parent; the children's
     * own filter or period column says by what */
    for (size_t s = 0; s < g->nsplits; s++)
        for (size_t i = 0; i < g->splits[s].nchildren; i++) goal_rows(p, &g->splits[s].children[i], depth + 1, t);
}

static void step_goals(writer *w)
{
    const sp_plan *p = w->p;
    const char *head[9] = {_("goal"),   _("id"),    _("type"),   _("metric"),  _("period"),
                           _("target"), _("owner"), _("filter"), _("supports")};
    ps_table *t = tbl_new(9, head);
    t->numeric[5] = true;
    for (size_t i = 0; i < p->ngoals; i++) goal_rows(p, &p->goals[i], 0, t);
    w_table(w, t);
}

/* ---- step 2: situation ---- */

static void step_situation(writer *w)
{
    const sp_plan *p = w->p;
    w_sub(w, _("PEST factors"));
    const char *ph[4] = {_("factor"), _("effect"), _("impact (1–5)"), _("description")};
    ps_table *t = tbl_new(4, ph);
    t->numeric[2] = true;
    for (size_t i = 0; i < p->npest; i++) {
        char imp[16];
        if (p->pest[i].impact) snprintf(imp, sizeof imp, "%d", p->pest[i].impact);
        else snprintf(imp, sizeof imp, "—");
        const char *row[4] = {pest_label(p->pest[i].factor), effect_label(p->pest[i].effect), imp, p->pest[i].text};
        tbl_row(t, row);
    }
    w_table(w, t);

    w_sub(w, _("Customer personas"));
    const char *qh[6] = {_("persona"), _("industry"), _("size"), _("pains"), _("decision chain"), _("price premium")};
    t = tbl_new(6, qh);
    for (size_t i = 0; i < p->npersonas; i++) {
        const sp_persona *x = &p->personas[i];
        buf_t pains = BUF_INIT, chain = BUF_INIT;
        join_names(p, x->pains, x->npains, NULL, &pains);
        for (size_t k = 0; k < x->ndecision_chain; k++) {
            if (k) buf_puts(&chain, " → ");
            buf_puts(&chain, x->decision_chain[k]);
        }
        const char *row[6] = {x->id, x->industry, size_label(x->size), buf_cstr(&pains), buf_cstr(&chain),
                              x->premium_text};
        tbl_row(t, row);
        buf_free(&pains);
        buf_free(&chain);
    }
    w_table(w, t);

    w_sub(w, _("SWOT matrix"));
    char **q[4] = {NULL, NULL, NULL, NULL};
    size_t nq[4] = {0, 0, 0, 0};
    for (int k = 0; k < 4; k++) q[k] = xcalloc(p->ncapabilities + p->npest + 1, sizeof *q[k]);
    for (size_t i = 0; i < p->ncapabilities; i++) {
        const sp_capability *c = &p->capabilities[i];
        if (c->kind == CAP_STRENGTH) q[0][nq[0]++] = c->text;
        else if (c->kind == CAP_WEAKNESS) q[1][nq[1]++] = c->text;
    }
    for (size_t i = 0; i < p->npest; i++) {
        int k = p->pest[i].effect == EFFECT_THREAT ? 3 : 2;
        q[k][nq[k]++] = p->pest[i].text;
    }
    w_swot(w, q, nq);
    for (int k = 0; k < 4; k++) free(q[k]);

    size_t ncons = 0;
    for (size_t i = 0; i < p->ncapabilities; i++) ncons += p->capabilities[i].kind == CAP_CONSTRAINT;
    if (ncons) {
        w_sub(w, _("Constraints"));
        const char *ch[1] = {_("constraint")};
        t = tbl_new(1, ch);
        for (size_t i = 0; i < p->ncapabilities; i++)
            if (p->capabilities[i].kind == CAP_CONSTRAINT) {
                const char *row[1] = {p->capabilities[i].text};
                tbl_row(t, row);
            }
        w_table(w, t);
    }
}

/* ---- step 3: strategy ---- */

static void step_strategy(writer *w)
{
    const sp_plan *p = w->p;
    w_sub(w, _("Strategies"));
    const char *sh[5] = {_("priority"), _("strategy"), _("category"), _("goals served"), _("answers")};
    ps_table *t = tbl_new(5, sh);
    t->numeric[0] = true;
    for (size_t i = 0; i < p->nstrategies; i++) {
        const sp_strategy *s = &p->strategies[i];
        char prio[16];
        if (s->priority) snprintf(prio, sizeof prio, "%d", s->priority);
        else snprintf(prio, sizeof prio, "—");
        buf_t goals = BUF_INIT, answers = BUF_INIT;
        join_names(p, s->goals, s->ngoals, goal_name, &goals);
        for (size_t k = 0; k < s->nanswers; k++) {
            if (k) buf_puts(&answers, _("; "));
            analysis_text(p, s->answers[k], &answers);
        }
        const char *row[5] = {prio, s->name ? s->name : s->id, plan_category_label(s->category), buf_cstr(&goals),
                              buf_cstr(&answers)};
        tbl_row(t, row);
        buf_free(&goals);
        buf_free(&answers);
    }
    w_table(w, t);

    w_sub(w, _("Customer tiers"));
    /* no tiers in the plan: the defaults apply (SPEC §6) */
    sp_plan *defaults = NULL;
    const sp_tier *tiers = p->tiers;
    size_t ntiers = p->ntiers;
    if (ntiers == 0) {
        defaults = plan_new();
        plan_default_tiers(defaults);
        tiers = defaults->tiers;
        ntiers = defaults->ntiers;
        w_note(w, _("(none in the plan: the default tiers apply)"));
    }
    const char *th[3] = {_("tier"), _("from (trailing-12-month won revenue)"), _("review every")};
    t = tbl_new(3, th);
    t->numeric[1] = true;
    for (size_t i = 0; i < ntiers; i++) {
        const sp_tier *x = &tiers[i];
        char min[48], every[64];
        money_format_grouped(x->min, min);
        if (x->review_every_days) snprintf(every, sizeof every, _("%d days"), x->review_every_days);
        else snprintf(every, sizeof every, "—");
        /* the default tiers' names are English words: translated */
        const char *name = x->name ? x->name : x->id;
        const char *row[3] = {defaults ? _(name) : name, min, every};
        tbl_row(t, row);
    }
    w_table(w, t);
    if (defaults) plan_free(defaults);
}

/* ---- step 4: execution ---- */

static void task_row_of(const sp_plan *p, const sp_task *x, ps_table *t)
{
    char start[16], due[16];
    buf_t name = BUF_INIT, coll = BUF_INIT, deps = BUF_INIT, budget = BUF_INIT, res = BUF_INIT;
    buf_puts(&name, x->name ? x->name : x->id);
    if (x->milestone) buf_puts(&name, " ◆");
    join_names(p, x->collaborators, x->ncollaborators, member_name, &coll);
    join_names(p, x->depends_on, x->ndepends_on, task_name, &deps);
    if (x->has_budget) {
        char m[48];
        buf_printf(&budget, "%s %s", category_name(p, x->budget_category), money_format_grouped(x->budget_amount, m));
    }
    join_names(p, x->resources, x->nresources, NULL, &res);
    const char *row[9] = {buf_cstr(&name),
                          member_name(p, x->owner),
                          buf_cstr(&coll),
                          x->start != SP_DAY_NONE ? day_format(x->start, start) : "",
                          x->due != SP_DAY_NONE ? day_format(x->due, due) : "",
                          buf_cstr(&deps),
                          x->deliverable,
                          buf_cstr(&budget),
                          buf_cstr(&res)};
    tbl_row(t, row);
    buf_free(&name);
    buf_free(&coll);
    buf_free(&deps);
    buf_free(&budget);
    buf_free(&res);
}

static ps_table *task_table(void)
{
    const char *h[9] = {_("task"),       _("owner"),       _("collaborators"), _("start"),    _("due"),
                        _("depends on"), _("deliverable"), _("budget"),        _("resources")};
    return tbl_new(9, h);
}

static void step_execution(writer *w)
{
    const sp_plan *p = w->p;
    if (p->ntasks == 0) {
        w_note(w, _("(no tasks in the plan)"));
        return;
    }
    for (size_t s = 0; s <= p->nstrategies; s++) {
        const char *sid = s < p->nstrategies ? p->strategies[s].id : NULL;
        ps_table *t = task_table();
        for (size_t i = 0; i < p->ntasks; i++) {
            const sp_task *x = &p->tasks[i];
            bool known = false;
            for (size_t k = 0; k < p->nstrategies && !known; k++) known = str_eq(p->strategies[k].id, x->strategy);
            if (sid ? str_eq(x->strategy, sid) : !known) task_row_of(p, x, t);
        }
        if (t->nrows == 1) {
            tbl_free(t);
            continue;
        }
        if (sid) {
            buf_t title = BUF_INIT;
            buf_printf(&title, "%s%s%s", _("Strategy"), _(": "), p->strategies[s].name ? p->strategies[s].name : sid);
            w_sub(w, buf_cstr(&title));
            buf_free(&title);
        } else {
            w_sub(w, _("(no strategy)"));
        }
        w_table(w, t);
    }
}

/* ---- step 5: resources ---- */

static void step_resources(writer *w)
{
    const sp_plan *p = w->p;
    w_sub(w, _("Team"));
    /* an e-mail column only when some member has an address */
    bool any_email = false;
    for (size_t g = 0; g < p->ngroups; g++)
        for (size_t m = 0; m < p->groups[g].nmembers; m++)
            if (p->groups[g].members[m].email) any_email = true;
    const char *th[6] = {_("group"), _("focus"), _("member"), _("role"), _("visits per month (capacity)"),
                         _("e-mail address")};
    ps_table *t = tbl_new(any_email ? 6 : 5, th);
    t->numeric[4] = true;
    for (size_t g = 0; g < p->ngroups; g++) {
        const sp_group *gr = &p->groups[g];
        buf_t focus = BUF_INIT;
        filter_text(p, &gr->focus, &focus);
        for (size_t m = 0; m < gr->nmembers; m++) {
            const sp_member *mb = &gr->members[m];
            char cap[32];
            if (mb->has_visits_capacity) snprintf(cap, sizeof cap, "%lld", (long long)mb->visits_per_month);
            else snprintf(cap, sizeof cap, "—");
            const char *row[6] = {m == 0 ? (gr->name ? gr->name : gr->id) : "", m == 0 ? buf_cstr(&focus) : "",
                                  mb->name ? mb->name : mb->id, role_label(mb->role), cap,
                                  mb->email ? mb->email : ""};
            tbl_row(t, row);
        }
        if (gr->nmembers == 0) {
            const char *row[6] = {gr->name ? gr->name : gr->id, buf_cstr(&focus), "", "", "", ""};
            tbl_row(t, row);
        }
        buf_free(&focus);
    }
    w_table(w, t);

    w_sub(w, _("Budget"));
    if (!p->has_budget) {
        w_note(w, _("(no budget in the plan)"));
        return;
    }
    char total[48];
    buf_t line = BUF_INIT;
    buf_printf(&line, "%s%s%s %s", _("total budget"), _(": "), money_format_grouped(p->budget_total, total),
               p->currency ? p->currency : "");
    w_note(w, buf_cstr(&line));
    buf_free(&line);
    const char *bh[4] = {_("category"), _("share"), _("amount"), _("task budgets")};
    t = tbl_new(4, bh);
    t->numeric[1] = t->numeric[2] = t->numeric[3] = true;
    sp_ratio share_sum = 0;
    sp_money amount_sum = 0, task_sum = 0;
    for (size_t i = 0; i < p->nbudget_cats; i++) {
        const sp_budget_cat *c = &p->budget_cats[i];
        sp_money amount = budget_allocation(p->budget_total, c->share), tasks = 0;
        for (size_t k = 0; k < p->ntasks; k++)
            if (p->tasks[k].has_budget && str_eq(p->tasks[k].budget_category, c->id)) tasks += p->tasks[k].budget_amount;
        char sh[32], am[48], tk[48];
        const char *row[4] = {c->name ? c->name : c->id, ratio_format_pct(c->share, sh), money_format_grouped(amount, am),
                              money_format_grouped(tasks, tk)};
        tbl_row(t, row);
        share_sum += c->share;
        amount_sum += amount;
        task_sum += tasks;
    }
    char sh[32], am[48], tk[48];
    const char *row[4] = {_("total"), ratio_format_pct(share_sum, sh), money_format_grouped(amount_sum, am),
                          money_format_grouped(task_sum, tk)};
    tbl_row(t, row);
    t->strong_last = true;
    w_table(w, t);
}

/* ---- step 6: monitoring ---- */

static void step_monitoring(writer *w)
{
    const sp_plan *p = w->p;
    const sp_alerts_cfg *a = &p->alerts;
    w_sub(w, _("Alert thresholds"));
    const char *ah[2] = {_("alert"), _("threshold")};
    ps_table *t = tbl_new(2, ah);
    buf_t v = BUF_INIT;
    if (a->nstale_by_tier) {
        for (size_t i = 0; i < a->nstale_by_tier; i++) {
            const char *tier = a->stale_by_tier[i].tier;
            for (size_t k = 0; k < p->ntiers; k++)
                if (str_eq(p->tiers[k].id, tier) && p->tiers[k].name) tier = p->tiers[k].name;
            if (i) buf_puts(&v, _(", "));
            buf_printf(&v, _("%s: %d days"), tier, a->stale_by_tier[i].days);
        }
    } else {
        buf_printf(&v, _("%d days"), a->stale_followup_days);
    }
    const char *r1[2] = {_("customer follow-up stale after"), buf_cstr(&v)};
    tbl_row(t, r1);
    char b1[64], b2[32], b3[32];
    snprintf(b1, sizeof b1, _("%d days"), a->escalate_after_days);
    const char *r2[2] = {_("escalated to the team leader after"), b1};
    tbl_row(t, r2);
    const char *r3[2] = {_("goal off pace below"), ratio_format_pct(a->goal_off_pace_below, b2)};
    tbl_row(t, r3);
    const char *r4[2] = {_("budget overrun above"), ratio_format_pct(a->budget_overrun_above, b3)};
    tbl_row(t, r4);
    const char *r5[2] = {_("overdue tasks"), a->task_overdue ? _("on") : _("off")};
    tbl_row(t, r5);
    const char *r6[2] = {_("strategic-account review due"), a->tier_review_due ? _("on") : _("off")};
    tbl_row(t, r6);
    buf_free(&v);
    w_table(w, t);

    w_sub(w, _("Notify channels"));
    const char *nh[4] = {_("channel"), _("destination"), _("signing"), _("when")};
    t = tbl_new(4, nh);
    for (size_t i = 0; i < p->nnotify; i++) {
        const sp_notify *n = &p->notify[i];
        buf_t to = BUF_INIT, sign = BUF_INIT, when = BUF_INIT;
        if (n->url) host_of(n->url, &to);
        if (n->to) buf_printf(&to, "%s%s", to.len ? _(", ") : "", n->to);
        if (n->to_owner) buf_printf(&to, "%s%s", to.len ? _(", ") : "", _("each owner"));
        /* the secret's source only, never the secret nor the file's path */
        if (n->secret_env) buf_printf(&sign, _("signed (secret from the environment variable %s)"), n->secret_env);
        else if (n->secret_file) buf_puts(&sign, _("signed (secret from a file)"));
        else buf_puts(&sign, "—");
        char hm[6];
        if (n->at >= 0) buf_printf(&when, _("daily at %s"), plan_time_format(n->at, hm));
        if (n->weekly_pack)
            buf_printf(&when, "%s%s", when.len ? _(", ") : "", weekday_pack_label(n->weekly_pack));
        if (!when.len) buf_puts(&when, "—");
        const char *row[4] = {notify_label(n->kind), buf_cstr(&to), buf_cstr(&sign), buf_cstr(&when)};
        tbl_row(t, row);
        buf_free(&to);
        buf_free(&sign);
        buf_free(&when);
    }
    w_table(w, t);

    w_sub(w, _("Review rhythm"));
    const char *rh[2] = {_("when"), _("what")};
    t = tbl_new(2, rh);
    const char *wk[2] = {_("weekly"), _("alerts and stale follow-ups (salesplan alerts), overdue tasks (salesplan "
                                        "tasks --overdue), the pipeline (salesplan status)")};
    tbl_row(t, wk);
    const char *mo[2] = {_("monthly"), _("the review pack (salesplan report --period YYYY-MM), causes and actions "
                                         "recorded (salesplan review add), plan adjustments as a new version")};
    tbl_row(t, mo);
    for (size_t i = 0; i < p->ntiers; i++) {
        if (!p->tiers[i].review_every_days) continue;
        char when[64];
        buf_t what = BUF_INIT;
        snprintf(when, sizeof when, _("every %d days"), p->tiers[i].review_every_days);
        buf_printf(&what, _("a visit or meeting with each %s customer"), p->tiers[i].name ? p->tiers[i].name : p->tiers[i].id);
        const char *row[2] = {when, buf_cstr(&what)};
        tbl_row(t, row);
        buf_free(&what);
    }
    w_table(w, t);
}

/* ---- the page ---- */

static const char page_css[] =
    "@page { size: A4 landscape; margin: 12mm; }\n"
    "body { font-family: \"WenQuanYi Micro Hei\", \"Noto Sans CJK SC\", \"PingFang SC\", \"Microsoft YaHei\", "
    "sans-serif; font-size: 10pt; color: #222; margin: 16px auto; max-width: 273mm; }\n"
    "h1 { font-size: 16pt; margin: 0 0 4px; }\n"
    "h2 { font-size: 14pt; margin: 4px 0 8px; border-bottom: 2px solid #2c5d8f; padding-bottom: 3px; }\n"
    "h3 { font-size: 11pt; margin: 12px 0 4px; color: #2c5d8f; }\n"
    "h4 { font-size: 10.5pt; margin: 0 0 4px; }\n"
    ".plan { color: #666; font-size: 9pt; }\n"
    "section.step { page-break-after: always; break-after: page; padding-top: 4px; }\n"
    "section.step:last-of-type { page-break-after: auto; break-after: auto; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 0 0 8px; }\n"
    "th, td { border: 1px solid #b8c2cc; padding: 3px 6px; text-align: left; vertical-align: top; }\n"
    "th { background: #e9eff5; font-weight: bold; }\n"
    "td.n, th.n { text-align: right; white-space: nowrap; width: 1%; }\n"
    "tr.total td { font-weight: bold; background: #f4f6f8; }\n"
    ".swot { display: grid; grid-template-columns: 1fr 1fr; gap: 6px; margin: 0 0 8px; }\n"
    ".swot > div { border: 1px solid #b8c2cc; padding: 6px 10px; min-height: 60px; }\n"
    ".swot ul { margin: 0; padding-left: 18px; }\n"
    ".swot .s { background: #edf6ee; } .swot .w { background: #fbeeee; }\n"
    ".swot .o { background: #edf2fb; } .swot .t { background: #fbf4e4; }\n"
    ".none { color: #888; margin: 0; }\n"
    "@media print { body { margin: 0; max-width: none; } thead { display: table-header-group; }"
    " tr { page-break-inside: avoid; break-inside: avoid; } }\n";

void plan_show(const sp_plan *p, int step, sp_show_format fmt, buf_t *out)
{
    static void (*const steps[PLAN_SHOW_STEPS])(writer *) = {step_goals,     step_situation, step_strategy,
                                                            step_execution, step_resources, step_monitoring};
    writer w = {p, fmt, out};
    buf_t line = BUF_INIT;
    plan_line(p, &line);
    switch (fmt) {
    case SHOW_TEXT:
        buf_printf(out, "%s%s%s\n\n", _("Plan table"), _(": "), buf_cstr(&line));
        break;
    case SHOW_MD:
        buf_printf(out, "# %s%s", _("Plan table"), _(": "));
        md_cell(out, buf_cstr(&line));
        buf_puts(out, "\n\n");
        break;
    case SHOW_HTML:
        buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                   i18n_lang() == LANG_ZH ? "zh-CN" : "en");
        html_escape(out, _("Plan table"));
        buf_puts(out, " · ");
        html_escape(out, buf_cstr(&line));
        buf_printf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", page_css);
        html_escape(out, _("Plan table"));
        buf_puts(out, "</h1>\n");
        break;
    }
    buf_free(&line);
    for (int s = 1; s <= PLAN_SHOW_STEPS; s++) {
        if (step && s != step) continue;
        w_step_begin(&w, s);
        steps[s - 1](&w);
        w_step_end(&w);
        if (fmt != SHOW_HTML && (!step && s < PLAN_SHOW_STEPS)) buf_putc(out, '\n');
    }
    if (fmt == SHOW_HTML) buf_puts(out, "</body>\n</html>\n");
}

void plan_show_html_body(const sp_plan *p, int step, buf_t *out)
{
    static void (*const steps[PLAN_SHOW_STEPS])(writer *) = {step_goals,     step_situation, step_strategy,
                                                            step_execution, step_resources, step_monitoring};
    writer w = {p, SHOW_HTML, out};
    for (int s = 1; s <= PLAN_SHOW_STEPS; s++) {
        if (step && s != step) continue;
        w_step_begin(&w, s);
        steps[s - 1](&w);
        w_step_end(&w);
    }
}
