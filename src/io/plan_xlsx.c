/*
 * plan_xlsx.c — see plan_xlsx.h; the layout is documented in docs/PLAN.md.
 *
 * Every sheet is a list of blocks: a title row (bold), a header row, then
 * data rows until the next title. A block is either a table (one record a
 * row, columns found by their header in either language, in any order;
 * unknown columns such as the sums are ignored) or a list of fields (label
 * in column A, value in column B). Lists of words or texts are one cell,
 * items separated by "; " (a ';' or '\' inside an item is escaped with '\').
 * Filters are "dim=value; dim=value". Goals are one row each with their
 * parent's id (and, for the children of a further split, the split's "by"):
 * each group of siblings is written on consecutive rows so that the parent's
 * "sum of children" is a live =SUM() of them.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan_export.h"
#include "plan_xlsx.h"
#include "plan_yaml.h"
#include "xlsx_read.h"
#include "xlsx_write.h"

/* ---- the layout ---- */

typedef enum ckind {
    K_TEXT, K_WORD, K_INT, K_MONEY, K_RATIO, K_DATE, K_BOOL, K_LIST, K_FILTER, K_TARGET, K_PREMIUM, K_TIME,
    K_STALE, K_SKIP
} ckind;

typedef struct colspec {
    const char *key;       /* the YAML key ("" for a column we only write) */
    const char *label;     /* msgid */
    ckind k;
} colspec;

typedef struct blockspec {
    const char *id;
    const char *title;     /* msgid */
    bool fields;           /* label / value rows */
    const colspec *cols;
    size_t ncols;
} blockspec;

#define N(a) (sizeof(a) / sizeof *(a))

enum { S_COVER, S_GOALS, S_ANALYSIS, S_STRATEGIES, S_TASKS, S_RESOURCES, S_MONITORING, S_COUNT };
static const char *const sheet_titles[S_COUNT] = {N_("Cover"), N_("Goals"), N_("Situation"), N_("Strategies"),
                                                  N_("Execution plan"), N_("Resources & budget"), N_("Monitoring")};

static const colspec plan_fields[] = {
    {"id", N_("Plan ID"), K_WORD},
    {"name", N_("Plan name"), K_TEXT},
    {"period", N_("Plan period"), K_WORD},
    {"currency", N_("Currency"), K_WORD},
    {"timezone", N_("Time zone"), K_WORD},
    {"fiscal_year_start", N_("Fiscal year starts (month)"), K_INT},
    {"pacing", N_("Pacing"), K_WORD},
    {"max_growth", N_("Largest growth accepted (check)"), K_RATIO},
    {"", N_("Version"), K_SKIP},
};
enum { G_ID, G_PARENT, G_SPLIT, G_NAME, G_TYPE, G_METRIC, G_TARGET, G_PERIOD, G_OWNER, G_DIRECTION, G_PER, G_SUPPORTS,
       G_FILTER, G_SUM };
static const colspec goal_cols[] = {
    {"id", N_("Goal ID"), K_WORD},           {"parent", N_("Parent goal"), K_WORD},
    {"split", N_("Split by"), K_WORD},       {"name", N_("Goal name"), K_TEXT},
    {"type", N_("Goal type"), K_WORD},       {"metric", N_("Metric"), K_WORD},
    {"target", N_("Target"), K_TARGET},      {"period", N_("Period"), K_WORD},
    {"owner", N_("Owner"), K_WORD},          {"direction", N_("Direction"), K_WORD},
    {"per", N_("Per"), K_WORD},              {"supports", N_("Supports"), K_LIST},
    {"filter", N_("Filter"), K_FILTER},      {"", N_("Sum of children"), K_SKIP},
};
static const colspec pest_cols[] = {
    {"id", N_("ID"), K_WORD}, {"factor", N_("PEST factor"), K_WORD}, {"effect", N_("Effect"), K_WORD},
    {"impact", N_("Impact (1-5)"), K_INT}, {"text", N_("Description"), K_TEXT},
};
static const colspec persona_cols[] = {
    {"id", N_("ID"), K_WORD},       {"industry", N_("Industry"), K_TEXT},
    {"size", N_("Size"), K_WORD},   {"pains", N_("Pains"), K_LIST},
    {"decision_chain", N_("Decision chain"), K_LIST}, {"premium", N_("Price premium"), K_PREMIUM},
};
static const colspec cap_cols[] = {
    {"id", N_("ID"), K_WORD}, {"kind", N_("Kind"), K_WORD}, {"text", N_("Description"), K_TEXT},
};
static const colspec strat_cols[] = {
    {"id", N_("Strategy ID"), K_WORD}, {"category", N_("Strategy category"), K_WORD},
    {"name", N_("Strategy name"), K_TEXT}, {"goals", N_("Goals served"), K_LIST},
    {"answers", N_("Answers"), K_LIST}, {"priority", N_("Priority"), K_INT},
};
enum { T_ID, T_STRATEGY, T_NAME, T_OWNER, T_COLLAB, T_START, T_DUE, T_DEPENDS, T_MILESTONE, T_DELIVERABLE, T_BCAT,
       T_BAMOUNT, T_RESOURCES };
static const colspec task_cols[] = {
    {"id", N_("Task ID"), K_WORD},          {"strategy", N_("Strategy"), K_WORD},
    {"name", N_("Task name"), K_TEXT},      {"owner", N_("Owner"), K_WORD},
    {"collaborators", N_("Collaborators"), K_LIST}, {"start", N_("Start"), K_DATE},
    {"due", N_("Due"), K_DATE},             {"depends_on", N_("Depends on"), K_LIST},
    {"milestone", N_("Milestone"), K_BOOL}, {"deliverable", N_("Deliverable"), K_TEXT},
    {"budget_category", N_("Budget category"), K_WORD}, {"budget_amount", N_("Budget amount"), K_MONEY},
    {"resources", N_("Resources"), K_LIST},
};
static const colspec budget_fields[] = {
    {"total", N_("Total budget"), K_MONEY},
};
static const colspec cat_cols[] = {
    {"id", N_("Category ID"), K_WORD}, {"name", N_("Category name"), K_TEXT}, {"share", N_("Share"), K_RATIO},
    {"", N_("Amount"), K_SKIP},        {"", N_("Planned in tasks"), K_SKIP},
};
enum { M_GROUP, M_GROUP_NAME, M_FOCUS, M_ID, M_NAME, M_ROLE, M_VISITS, M_EMAIL, M_MOBILE, M_IMID };
static const colspec team_cols[] = {
    {"group", N_("Group ID"), K_WORD},    {"group_name", N_("Group name"), K_TEXT},
    {"focus", N_("Focus"), K_FILTER},     {"id", N_("Member ID"), K_WORD},
    {"name", N_("Member name"), K_TEXT},  {"role", N_("Role"), K_WORD},
    {"visits_per_month", N_("Visits per month"), K_INT}, {"email", N_("E-mail"), K_TEXT},
    {"mobile", N_("Mobile"), K_TEXT},     {"im_id", N_("IM ID"), K_TEXT},
};
static const colspec alert_fields[] = {
    {"stale_followup_days", N_("Stale follow-up after (days)"), K_STALE},
    {"escalate_after_days", N_("Escalate after (days)"), K_INT},
    {"goal_off_pace_below", N_("Goal off pace below"), K_RATIO},
    {"budget_overrun_above", N_("Budget overrun above"), K_RATIO},
    {"task_overdue", N_("Alert overdue tasks"), K_BOOL},
    {"tier_review_due", N_("Alert tier reviews due"), K_BOOL},
};
static const colspec tier_cols[] = {
    {"id", N_("Tier ID"), K_WORD}, {"name", N_("Tier name"), K_TEXT}, {"min", N_("Minimum revenue"), K_MONEY},
    {"review_every_days", N_("Review every (days)"), K_INT},
};
static const colspec notify_cols[] = {
    {"kind", N_("Channel"), K_WORD},     {"url", N_("URL"), K_TEXT},
    {"secret_env", N_("Secret (environment variable)"), K_TEXT}, {"secret_file", N_("Secret (file)"), K_TEXT},
    {"to", N_("Send to"), K_TEXT},           {"to_owner", N_("To each owner"), K_BOOL},
    {"at", N_("At"), K_TIME},            {"weekly_pack", N_("Weekly pack on"), K_WORD},
};

enum { B_PLAN, B_GOALS, B_PEST, B_PERSONAS, B_CAPS, B_STRATS, B_TASKS, B_BUDGET, B_CATS, B_TEAM, B_ALERTS, B_TIERS,
       B_NOTIFY, B_COUNT };
static const blockspec blocks[B_COUNT] = {
    {"plan", N_("Plan"), true, plan_fields, N(plan_fields)},
    {"goals", N_("Goals (SMART)"), false, goal_cols, N(goal_cols)},
    {"pest", N_("PEST analysis"), false, pest_cols, N(pest_cols)},
    {"personas", N_("Customer personas"), false, persona_cols, N(persona_cols)},
    {"capabilities", N_("Our capabilities"), false, cap_cols, N(cap_cols)},
    {"strategies", N_("Strategies"), false, strat_cols, N(strat_cols)},
    {"tasks", N_("Tasks"), false, task_cols, N(task_cols)},
    {"budget", N_("Budget"), true, budget_fields, N(budget_fields)},
    {"categories", N_("Budget categories"), false, cat_cols, N(cat_cols)},
    {"team", N_("Team"), false, team_cols, N(team_cols)},
    {"alerts", N_("Alerts"), true, alert_fields, N(alert_fields)},
    {"tiers", N_("Customer tiers"), false, tier_cols, N(tier_cols)},
    {"notify", N_("Reminder channels"), false, notify_cols, N(notify_cols)},
};
/* which sheet each block lives on */
static const int block_sheet[B_COUNT] = {S_COVER, S_GOALS, S_ANALYSIS, S_ANALYSIS, S_ANALYSIS, S_STRATEGIES,
                                         S_TASKS, S_RESOURCES, S_RESOURCES, S_RESOURCES, S_MONITORING,
                                         S_MONITORING, S_MONITORING};

/* ---- vocabularies for the drop-downs ---- */
static const char *const v_type[] = {"result", "process"};
static const char *const v_dir[] = {"at_least", "at_most"};
static const char *const v_per[] = {"month"};
static const char *const v_factor[] = {"political", "economic", "social", "technological"};
static const char *const v_effect[] = {"opportunity", "threat"};
static const char *const v_kind[] = {"strength", "weakness", "constraint"};
static const char *const v_size[] = {"small", "medium", "large"};
static const char *const v_strat[] = {"market", "product", "customer", "channel"};
static const char *const v_role[] = {"leader", "rep", "presales", "manager"};
static const char *const v_pacing[] = {"linear", "seasonal"};
static const char *const v_bool[] = {"true", "false"};
static const char *const v_split[] = {"region", "industry", "size", "team", "rep", "product",
                                      "source", "tier", "half", "quarter", "month", "week"};
static const char *const v_channel[] = {"feishu", "dingtalk", "wecom", "slack", "webhook", "email"};
static const char *const v_weekday[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

/* ===================================================================== */
/* ---- writing ---- */

typedef struct wctx {
    sp_xw *w;
    sp_lang lang;
    sp_xsheet *sh[S_COUNT];
    int row[S_COUNT];
    const sp_plan *p;
} wctx;

static const char *L(const wctx *c, const char *msgid) { return tr_lang(c->lang, msgid); }

/* list_text: items joined with "; ", ';' and '\' escaped. */
static void list_text(char *const *v, size_t n, buf_t *out)
{
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(out, "; ");
        for (const char *s = v[i]; s && *s; s++) {
            if (*s == ';' || *s == '\\') buf_putc(out, '\\');
            buf_putc(out, *s);
        }
    }
}

static void filter_text(const sp_filter *f, const sp_filter *parent, buf_t *out)
{
    bool first = true;
    for (size_t i = 0; i < f->n; i++) {
        bool inherited = false;
        for (size_t j = 0; parent && j < parent->n; j++)
            if (parent->kv[j].dim == f->kv[i].dim && str_eq(parent->kv[j].value, f->kv[i].value)) inherited = true;
        if (inherited) continue;
        if (!first) buf_puts(out, "; ");
        first = false;
        buf_printf(out, "%s=", dim_name(f->kv[i].dim));
        for (const char *s = f->kv[i].value; s && *s; s++) {
            if (*s == ';' || *s == '\\') buf_putc(out, '\\');
            buf_putc(out, *s);
        }
    }
}

/* col_letters: "L" for col 11 (buf >= 16). */
static char *col_letters(int col, char *buf)
{
    xlsx_cell_ref(col, 1, buf);
    buf[strcspn(buf, "0123456789")] = '\0';
    return buf;
}

/* block_start: the title and header rows of block b on its sheet; returns
 * the first data row. */
static int block_start(wctx *c, int b)
{
    const blockspec *bs = &blocks[b];
    int s = block_sheet[b];
    sp_xsheet *sh = c->sh[s];
    if (c->row[s]) c->row[s]++;   /* a blank row between blocks */
    int r = c->row[s];
    xs_text(sh, r, 0, L(c, bs->title), XF_TITLE);
    r++;
    if (bs->fields) {
        xs_text(sh, r, 0, L(c, N_("Field")), XF_HEAD);
        xs_text(sh, r, 1, L(c, N_("Value")), XF_HEAD);
    } else {
        for (size_t i = 0; i < bs->ncols; i++) xs_text(sh, r, (int)i, L(c, bs->cols[i].label), XF_HEAD);
    }
    c->row[s] = r + 1;
    return r + 1;
}

/* field: one label / value row of a fields block; returns its row. */
static int field_row(wctx *c, int b, size_t i)
{
    int s = block_sheet[b];
    int r = c->row[s]++;
    xs_text(c->sh[s], r, 0, L(c, blocks[b].cols[i].label), XF_TEXT);
    return r;
}

static void w_list(sp_xsheet *sh, int r, int col, char *const *v, size_t n)
{
    buf_t b = BUF_INIT;
    list_text(v, n, &b);
    xs_text(sh, r, col, buf_cstr(&b), XF_TEXT);
    buf_free(&b);
}

static void w_target(sp_xsheet *sh, int r, int col, sp_metric met, int64_t v)
{
    switch (sp_metrics[met].unit) {
    case UNIT_MONEY: xs_money(sh, r, col, v); break;
    case UNIT_RATIO: xs_ratio(sh, r, col, v); break;
    case UNIT_COUNT: xs_num(sh, r, col, (double)v, XF_INT); break;
    default: xs_num(sh, r, col, (double)v / 100.0, XF_DEC); break;
    }
}

static sp_xfmt target_fmt(sp_metric met, int64_t v)
{
    switch (sp_metrics[met].unit) {
    case UNIT_MONEY: return v % 100 == 0 && (v >= 1000000 || v <= -1000000) ? XF_WAN : XF_MONEY;
    case UNIT_RATIO: return XF_PCT;
    case UNIT_COUNT: return XF_INT;
    default: return XF_DEC;
    }
}

static double target_num(sp_metric met, int64_t v)
{
    switch (sp_metrics[met].unit) {
    case UNIT_MONEY: return money_to_major(v);
    case UNIT_RATIO: return (double)v / SP_RATIO_ONE;
    case UNIT_COUNT: return (double)v;
    default: return (double)v / 100.0;
    }
}

static void goal_row(wctx *c, const sp_goal *g, const char *split_by, int r)
{
    sp_xsheet *sh = c->sh[S_GOALS];
    xs_text(sh, r, G_ID, g->id, XF_TEXT);
    if (g->parent) xs_text(sh, r, G_PARENT, g->parent->id, XF_TEXT);
    if (split_by) xs_text(sh, r, G_SPLIT, split_by, XF_TEXT);
    if (g->name_given) xs_text(sh, r, G_NAME, g->name, XF_TEXT);
    if (g->has_type) xs_text(sh, r, G_TYPE, v_type[g->type], XF_TEXT);
    if (g->has_metric) xs_text(sh, r, G_METRIC, sp_metrics[g->metric].name, XF_TEXT);
    if (g->has_target) w_target(sh, r, G_TARGET, g->metric, g->target);
    if (g->has_period) xs_text(sh, r, G_PERIOD, g->period_text, XF_TEXT);
    if (g->has_owner) xs_text(sh, r, G_OWNER, g->owner, XF_TEXT);
    if (g->has_direction) xs_text(sh, r, G_DIRECTION, v_dir[g->direction], XF_TEXT);
    if (g->has_per && g->per_month) xs_text(sh, r, G_PER, "month", XF_TEXT);
    w_list(sh, r, G_SUPPORTS, g->supports, g->nsupports);
    if (g->has_filter) {
        buf_t b = BUF_INIT;
        filter_text(&g->filter, g->parent ? &g->parent->filter : NULL, &b);
        /* an explicit but empty filter is kept as "-" … not needed: empty
         * filters carry nothing, the reader leaves them out */
        xs_text(sh, r, G_FILTER, buf_cstr(&b), XF_TEXT);
        buf_free(&b);
    }
}

/* goal_desc: the descendants of g: each split's children on consecutive
 * rows (their sum a formula in g's row), then each child's descendants. */
static void goal_desc(wctx *c, const sp_goal *g, int grow)
{
    sp_xsheet *sh = c->sh[S_GOALS];
    size_t ngroups = (g->nchildren ? 1 : 0) + g->nsplits;
    for (size_t k = 0; k < ngroups; k++) {
        bool first = g->nchildren && k == 0;
        const sp_split *sp = first ? NULL : &g->splits[k - (g->nchildren ? 1 : 0)];
        const sp_goal *ch = first ? g->children : sp->children;
        size_t n = first ? g->nchildren : sp->nchildren;
        if (!n) continue;
        int r0 = c->row[S_GOALS];
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            goal_row(c, &ch[i], sp ? sp->by : NULL, c->row[S_GOALS]++);
            sum += ch[i].target;
        }
        char f[96], a[16], z[16];
        snprintf(f, sizeof f, "=SUM(%s:%s)", xlsx_cell_ref(G_TARGET, r0 + 1, a),
                 xlsx_cell_ref(G_TARGET, r0 + (int)n, z));
        xs_formula(sh, grow, G_SUM + (int)k, f, target_num(g->metric, sum), target_fmt(g->metric, sum));
        for (size_t i = 0; i < n; i++) goal_desc(c, &ch[i], r0 + (int)i);
    }
}

static size_t max_splits(const sp_goal *g, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = (g[i].nchildren ? 1 : 0) + g[i].nsplits;
        if (k > m) m = k;
        size_t c = max_splits(g[i].children, g[i].nchildren);
        if (c > m) m = c;
        for (size_t s = 0; s < g[i].nsplits; s++) {
            c = max_splits(g[i].splits[s].children, g[i].splits[s].nchildren);
            if (c > m) m = c;
        }
    }
    return m;
}

static void write_goals(wctx *c)
{
    const sp_plan *p = c->p;
    sp_xsheet *sh = c->sh[S_GOALS];
    int r0 = block_start(c, B_GOALS);
    size_t ms = max_splits(p->goals, p->ngoals);
    for (size_t k = 1; k < ms; k++) {
        char lab[96];
        snprintf(lab, sizeof lab, L(c, N_("Sum of split %zu")), k + 1);
        xs_text(sh, r0 - 1, G_SUM + (int)k, lab, XF_HEAD);
    }
    for (size_t i = 0; i < p->ngoals; i++) {
        int r = c->row[S_GOALS]++;
        goal_row(c, &p->goals[i], NULL, r);
        goal_desc(c, &p->goals[i], r);
    }
    int r1 = c->row[S_GOALS] + 200;
    const char *metrics[MET_COUNT];
    for (int m = 0; m < MET_COUNT; m++) metrics[m] = sp_metrics[m].name;
    xs_list(sh, r0, r1, G_TYPE, v_type, N(v_type));
    xs_list(sh, r0, r1, G_METRIC, metrics, MET_COUNT);
    xs_list(sh, r0, r1, G_DIRECTION, v_dir, N(v_dir));
    xs_list(sh, r0, r1, G_PER, v_per, N(v_per));
    xs_list(sh, r0, r1, G_SPLIT, v_split, N(v_split));
}

char *plan_xlsx_write(const sp_plan *p, int version, sp_lang lang, size_t *len, sp_err *err)
{
    wctx c = {.lang = lang, .p = p};
    c.w = xw_new(err);
    if (!c.w) return NULL;
    xw_title(c.w, p->name);
    for (int s = 0; s < S_COUNT; s++) c.sh[s] = xw_sheet(c.w, L(&c, sheet_titles[s]));
    buf_t b = BUF_INIT;

    /* cover */
    block_start(&c, B_PLAN);
    sp_xsheet *sh = c.sh[S_COVER];
    int r;
    r = field_row(&c, B_PLAN, 0), xs_text(sh, r, 1, p->id, XF_TEXT);
    r = field_row(&c, B_PLAN, 1), xs_text(sh, r, 1, p->name, XF_TEXT);
    r = field_row(&c, B_PLAN, 2), xs_text(sh, r, 1, p->period_text, XF_TEXT);
    r = field_row(&c, B_PLAN, 3), xs_text(sh, r, 1, p->currency, XF_TEXT);
    r = field_row(&c, B_PLAN, 4), xs_text(sh, r, 1, p->timezone, XF_TEXT);
    r = field_row(&c, B_PLAN, 5), xs_num(sh, r, 1, p->fiscal_year_start, XF_INT);
    r = field_row(&c, B_PLAN, 6), xs_text(sh, r, 1, v_pacing[p->pacing], XF_TEXT);
    xs_list(sh, r, r, 1, v_pacing, N(v_pacing));
    r = field_row(&c, B_PLAN, 7), xs_ratio(sh, r, 1, p->max_growth);
    if (version > 0) r = field_row(&c, B_PLAN, 8), xs_num(sh, r, 1, version, XF_INT);

    write_goals(&c);

    /* situation */
    int r0 = block_start(&c, B_PEST);
    sh = c.sh[S_ANALYSIS];
    for (size_t i = 0; i < p->npest; i++) {
        const sp_pest *x = &p->pest[i];
        r = c.row[S_ANALYSIS]++;
        xs_text(sh, r, 0, x->id, XF_TEXT);
        xs_text(sh, r, 1, v_factor[x->factor], XF_TEXT);
        xs_text(sh, r, 2, v_effect[x->effect], XF_TEXT);
        if (x->impact) xs_num(sh, r, 3, x->impact, XF_INT);
        xs_text(sh, r, 4, x->text, XF_TEXT);
    }
    xs_list(sh, r0, c.row[S_ANALYSIS] + 20, 1, v_factor, N(v_factor));
    xs_list(sh, r0, c.row[S_ANALYSIS] + 20, 2, v_effect, N(v_effect));
    c.row[S_ANALYSIS] += p->npest ? 0 : 1;
    r0 = block_start(&c, B_PERSONAS);
    for (size_t i = 0; i < p->npersonas; i++) {
        const sp_persona *x = &p->personas[i];
        r = c.row[S_ANALYSIS]++;
        xs_text(sh, r, 0, x->id, XF_TEXT);
        xs_text(sh, r, 1, x->industry, XF_TEXT);
        if (x->size != SIZE_NONE && x->size < SIZE_COUNT) xs_text(sh, r, 2, v_size[x->size - 1], XF_TEXT);
        w_list(sh, r, 3, x->pains, x->npains);
        w_list(sh, r, 4, x->decision_chain, x->ndecision_chain);
        if (x->has_premium) {
            if (x->premium_lo == x->premium_hi) xs_ratio(sh, r, 5, x->premium_lo);
            else {
                char a[40], z[40], t[96];
                snprintf(t, sizeof t, "%s..%s", ratio_format_pct(x->premium_lo, a), ratio_format_pct(x->premium_hi, z));
                xs_text(sh, r, 5, t, XF_TEXT);
            }
        }
    }
    xs_list(sh, r0, c.row[S_ANALYSIS] + 20, 2, v_size, N(v_size));
    c.row[S_ANALYSIS] += p->npersonas ? 0 : 1;
    r0 = block_start(&c, B_CAPS);
    for (size_t i = 0; i < p->ncapabilities; i++) {
        const sp_capability *x = &p->capabilities[i];
        r = c.row[S_ANALYSIS]++;
        xs_text(sh, r, 0, x->id, XF_TEXT);
        xs_text(sh, r, 1, v_kind[x->kind], XF_TEXT);
        xs_text(sh, r, 2, x->text, XF_TEXT);
    }
    xs_list(sh, r0, c.row[S_ANALYSIS] + 20, 1, v_kind, N(v_kind));

    /* strategies */
    r0 = block_start(&c, B_STRATS);
    sh = c.sh[S_STRATEGIES];
    for (size_t i = 0; i < p->nstrategies; i++) {
        const sp_strategy *x = &p->strategies[i];
        r = c.row[S_STRATEGIES]++;
        xs_text(sh, r, 0, x->id, XF_TEXT);
        xs_text(sh, r, 1, v_strat[x->category], XF_TEXT);
        xs_text(sh, r, 2, x->name, XF_TEXT);
        w_list(sh, r, 3, x->goals, x->ngoals);
        w_list(sh, r, 4, x->answers, x->nanswers);
        if (x->priority) xs_num(sh, r, 5, x->priority, XF_INT);
    }
    xs_list(sh, r0, c.row[S_STRATEGIES] + 100, 1, v_strat, N(v_strat));

    /* tasks */
    r0 = block_start(&c, B_TASKS);
    sh = c.sh[S_TASKS];
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *x = &p->tasks[i];
        r = c.row[S_TASKS]++;
        xs_text(sh, r, T_ID, x->id, XF_TEXT);
        xs_text(sh, r, T_STRATEGY, x->strategy, XF_TEXT);
        xs_text(sh, r, T_NAME, x->name, XF_TEXT);
        xs_text(sh, r, T_OWNER, x->owner, XF_TEXT);
        w_list(sh, r, T_COLLAB, x->collaborators, x->ncollaborators);
        xs_day(sh, r, T_START, x->start);
        xs_day(sh, r, T_DUE, x->due);
        w_list(sh, r, T_DEPENDS, x->depends_on, x->ndepends_on);
        if (x->milestone) xs_text(sh, r, T_MILESTONE, "true", XF_TEXT);
        xs_text(sh, r, T_DELIVERABLE, x->deliverable, XF_TEXT);
        if (x->has_budget) {
            xs_text(sh, r, T_BCAT, x->budget_category, XF_TEXT);
            xs_num(sh, r, T_BAMOUNT, money_to_major(x->budget_amount), XF_MONEY);
        }
        w_list(sh, r, T_RESOURCES, x->resources, x->nresources);
    }
    int task_last = c.row[S_TASKS] + 200;
    xs_list(sh, r0, task_last, T_MILESTONE, v_bool, N(v_bool));
    if (p->nbudget_cats) {
        const char **ids = xcalloc(p->nbudget_cats, sizeof *ids);
        for (size_t i = 0; i < p->nbudget_cats; i++) ids[i] = p->budget_cats[i].id;
        xs_list(sh, r0, task_last, T_BCAT, ids, p->nbudget_cats);
        free(ids);
    }

    /* resources & budget */
    sh = c.sh[S_RESOURCES];
    block_start(&c, B_BUDGET);
    r = field_row(&c, B_BUDGET, 0);
    int total_row = r;
    if (p->has_budget) xs_money(sh, r, 1, p->budget_total);
    r0 = block_start(&c, B_CATS);
    {
        char tasks_ref[64];
        snprintf(tasks_ref, sizeof tasks_ref, "'%s'!", L(&c, sheet_titles[S_TASKS]));
        for (size_t i = 0; i < p->nbudget_cats; i++) {
            const sp_budget_cat *x = &p->budget_cats[i];
            r = c.row[S_RESOURCES]++;
            xs_text(sh, r, 0, x->id, XF_TEXT);
            xs_text(sh, r, 1, x->name, XF_TEXT);
            xs_ratio(sh, r, 2, x->share);
            char f[256], a[16], s1[16], s2[16];
            snprintf(f, sizeof f, "=$B$%d*%s", total_row + 1, xlsx_cell_ref(2, r + 1, a));
            double amount = money_to_major(p->budget_total) * (double)x->share / SP_RATIO_ONE;
            xs_formula(sh, r, 3, f, amount, XF_MONEY);
            sp_money planned = 0;
            for (size_t t = 0; t < p->ntasks; t++)
                if (p->tasks[t].has_budget && str_eq(p->tasks[t].budget_category, x->id))
                    planned += p->tasks[t].budget_amount;
            col_letters(T_BCAT, s1);
            col_letters(T_BAMOUNT, s2);
            snprintf(f, sizeof f, "=SUMIF(%s$%s:$%s,%s,%s$%s:$%s)", tasks_ref, s1, s1, xlsx_cell_ref(0, r + 1, a),
                     tasks_ref, s2, s2);
            xs_formula(sh, r, 4, f, money_to_major(planned), XF_MONEY);
        }
        c.row[S_RESOURCES] += p->nbudget_cats ? 0 : 1;
    }
    r0 = block_start(&c, B_TEAM);
    for (size_t i = 0; i < p->ngroups; i++) {
        const sp_group *g = &p->groups[i];
        size_t n = g->nmembers ? g->nmembers : 1;
        for (size_t j = 0; j < n; j++) {
            r = c.row[S_RESOURCES]++;
            xs_text(sh, r, M_GROUP, g->id, XF_TEXT);
            if (j == 0) {
                xs_text(sh, r, M_GROUP_NAME, g->name, XF_TEXT);
                buf_clear(&b);
                filter_text(&g->focus, NULL, &b);
                xs_text(sh, r, M_FOCUS, buf_cstr(&b), XF_TEXT);
            }
            if (!g->nmembers) continue;
            const sp_member *m = &g->members[j];
            xs_text(sh, r, M_ID, m->id, XF_TEXT);
            xs_text(sh, r, M_NAME, m->name, XF_TEXT);
            if (m->role != ROLE_NONE && m->role < ROLE_COUNT) xs_text(sh, r, M_ROLE, v_role[m->role - 1], XF_TEXT);
            if (m->has_visits_capacity) xs_num(sh, r, M_VISITS, (double)m->visits_per_month, XF_INT);
            xs_text(sh, r, M_EMAIL, m->email, XF_TEXT);
            xs_text(sh, r, M_MOBILE, m->mobile, XF_TEXT);
            xs_text(sh, r, M_IMID, m->im_id, XF_TEXT);
        }
    }
    xs_list(sh, r0, c.row[S_RESOURCES] + 50, M_ROLE, v_role, N(v_role));

    /* monitoring */
    sh = c.sh[S_MONITORING];
    const sp_alerts_cfg *a = &p->alerts;
    block_start(&c, B_ALERTS);
    r = field_row(&c, B_ALERTS, 0);
    if (a->nstale_by_tier) {
        buf_clear(&b);
        for (size_t i = 0; i < a->nstale_by_tier; i++)
            buf_printf(&b, "%s%s=%d", i ? "; " : "", a->stale_by_tier[i].tier, a->stale_by_tier[i].days);
        xs_text(sh, r, 1, buf_cstr(&b), XF_TEXT);
    } else {
        xs_num(sh, r, 1, a->stale_followup_days, XF_INT);
    }
    r = field_row(&c, B_ALERTS, 1), xs_num(sh, r, 1, a->escalate_after_days, XF_INT);
    r = field_row(&c, B_ALERTS, 2), xs_ratio(sh, r, 1, a->goal_off_pace_below);
    r = field_row(&c, B_ALERTS, 3), xs_ratio(sh, r, 1, a->budget_overrun_above);
    r = field_row(&c, B_ALERTS, 4), xs_text(sh, r, 1, a->task_overdue ? "true" : "false", XF_TEXT);
    xs_list(sh, r, r + 1, 1, v_bool, N(v_bool));
    r = field_row(&c, B_ALERTS, 5), xs_text(sh, r, 1, a->tier_review_due ? "true" : "false", XF_TEXT);
    block_start(&c, B_TIERS);
    for (size_t i = 0; i < p->ntiers; i++) {
        const sp_tier *x = &p->tiers[i];
        r = c.row[S_MONITORING]++;
        xs_text(sh, r, 0, x->id, XF_TEXT);
        xs_text(sh, r, 1, x->name, XF_TEXT);
        xs_money(sh, r, 2, x->min);
        if (x->review_every_days) xs_num(sh, r, 3, x->review_every_days, XF_INT);
    }
    c.row[S_MONITORING] += p->ntiers ? 0 : 1;
    r0 = block_start(&c, B_NOTIFY);
    for (size_t i = 0; i < p->nnotify; i++) {
        const sp_notify *x = &p->notify[i];
        r = c.row[S_MONITORING]++;
        xs_text(sh, r, 0, x->kind, XF_TEXT);
        xs_text(sh, r, 1, x->url, XF_TEXT);
        xs_text(sh, r, 2, x->secret_env, XF_TEXT);
        xs_text(sh, r, 3, x->secret_file, XF_TEXT);
        xs_text(sh, r, 4, x->to, XF_TEXT);
        if (x->to_owner) xs_text(sh, r, 5, "true", XF_TEXT);
        char hm[8];
        if (x->at >= 0) xs_text(sh, r, 6, plan_time_format(x->at, hm), XF_TEXT);
        if (x->weekly_pack) xs_text(sh, r, 7, plan_weekday_name(x->weekly_pack), XF_TEXT);
    }
    xs_list(sh, r0, c.row[S_MONITORING] + 20, 0, v_channel, N(v_channel));
    xs_list(sh, r0, c.row[S_MONITORING] + 20, 5, v_bool, N(v_bool));
    xs_list(sh, r0, c.row[S_MONITORING] + 20, 7, v_weekday, N(v_weekday));

    buf_free(&b);
    for (int s = 0; s < S_COUNT; s++) xs_setup(c.sh[s], s == S_COVER || s == S_ANALYSIS || s == S_RESOURCES || s == S_MONITORING ? 1 : 2);
    char *out = xw_finish(c.w, len, err);
    xw_free(c.w);
    return out;
}

/* ===================================================================== */
/* ---- reading ---- */

struct sp_xlsx_map {
    char **where;          /* per YAML line (1-based: where[line - 1]) */
    size_t n, cap;
};

const char *plan_xlsx_where(const sp_xlsx_map *m, int line)
{
    if (!m || line < 1 || (size_t)line > m->n) return NULL;
    return m->where[line - 1];
}

void plan_xlsx_map_free(sp_xlsx_map *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) free(m->where[i]);
    free(m->where);
    free(m);
}

bool plan_xlsx_is(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 5 && str_ieq(path + n - 5, ".xlsx");
}

/* one block as found in a sheet */
typedef struct fblock {
    int b;                 /* blockspec index */
    size_t sheet;
    const sp_xtable *t;
    size_t head;           /* index of the header row in t->rows */
    size_t first, end;     /* data rows [first, end) */
    int col[16];           /* table: sheet column of each spec column, -1 when absent */
} fblock;

typedef struct rctx {
    const char *file;
    sp_xlsx *x;
    sp_xtable *tables;
    size_t ntables;
    fblock *fb;
    size_t nfb;
    sp_err *err;           /* workbook-level problems */
    buf_t y;
    sp_xlsx_map *map;
} rctx;

/* title_is: a block title, exactly as written in either language. */
static bool title_is(const char *cell, const char *msgid)
{
    return strcmp(cell, tr_lang(LANG_EN, msgid)) == 0 || strcmp(cell, tr_lang(LANG_ZH, msgid)) == 0;
}

static bool label_is(const char *cell, const char *msgid)
{
    if (!cell) return false;
    char *t = xstrdup(cell);
    str_trim(t);
    bool ok = str_ieq(t, tr_lang(LANG_EN, msgid)) || strcmp(t, tr_lang(LANG_ZH, msgid)) == 0;
    free(t);
    return ok;
}

static const char *sheet_of(const rctx *c, const fblock *f) { return xlsx_sheet_name(c->x, f->sheet); }

static char *where_of(const rctx *c, const fblock *f, int col, int row)
{
    char ref[16];
    return xasprintf("%s!%s", sheet_of(c, f), xlsx_cell_ref(col, row, ref));
}

static void cell_err(rctx *c, const fblock *f, int col, int row, const char *fmt, ...) SP_PRINTF(5, 6);
static void cell_err(rctx *c, const fblock *f, int col, int row, const char *fmt, ...)
{
    char ref[16];
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    err_set(c->err, SP_EINVAL, "%s: %s!%s: %s", c->file, sheet_of(c, f), xlsx_cell_ref(col, row, ref), buf_cstr(&b));
    buf_free(&b);
}

/* ---- YAML output with the line map ---- */

static void yl(rctx *c, char *where, const char *fmt, ...) SP_PRINTF(3, 4);
static void yl(rctx *c, char *where, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&c->y, fmt, ap);
    va_end(ap);
    buf_putc(&c->y, '\n');
    sp_xlsx_map *m = c->map;
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->where = xreallocarray(m->where, m->cap, sizeof *m->where);
    }
    m->where[m->n++] = where;
}

/* yq: s as a YAML double-quoted scalar (new string). */
static char *yq(const char *s)
{
    buf_t b = BUF_INIT;
    buf_putc(&b, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"') buf_puts(&b, "\\\"");
        else if (*p == '\\') buf_puts(&b, "\\\\");
        else if (*p == '\n') buf_puts(&b, "\\n");
        else if (*p == '\t') buf_puts(&b, "\\t");
        else if (*p == '\r') buf_puts(&b, "\\r");
        else if (*p < 0x20 || *p == 0x7f) buf_printf(&b, "\\x%02x", *p);
        else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
            buf_printf(&b, "\\u%04x", p[2] == 0xa8 ? 0x2028u : 0x2029u);
            p += 2;
        } else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
            buf_printf(&b, "\\u%04x", (unsigned)p[1]);
            p += 1;
        } else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
            buf_puts(&b, "\\ufeff");
            p += 2;
        } else buf_putc(&b, (char)*p);
    }
    buf_putc(&b, '"');
    return buf_detach(&b);
}

/* cell_text: the text of a cell as a user sees it (numbers as %.15g),
 * trimmed, with our formula-injection apostrophe removed. New string;
 * NULL when empty. */
static char *cell_text(const sp_xcell *x)
{
    if (!x) return NULL;
    buf_t b = BUF_INIT;
    if (x->kind == XC_NUM) {
        char tmp[64];
        snprintf(tmp, sizeof tmp, "%.15g", x->num);
        buf_puts(&b, tmp);
    } else if (x->kind == XC_BOOL) {
        buf_puts(&b, x->num != 0 ? "true" : "false");
    } else {
        char *t = xstrdup(x->text ? x->text : "");
        str_trim(t);
        xlsx_unneutralise(t, &b);
        free(t);
    }
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

static char *hundredths(double v)
{
    long long h = llround(v * 100);
    unsigned long long mag = h < 0 ? (unsigned long long)(-h) : (unsigned long long)h;
    if (mag % 100 == 0) return xasprintf("%s%llu", h < 0 ? "-" : "", mag / 100);
    return xasprintf("%s%llu.%02llu", h < 0 ? "-" : "", mag / 100, mag % 100);
}

/* num_as: a number cell read as kind k (unit for targets); NULL when the
 * kind takes the text as it is. */
static char *num_as(double v, ckind k, int unit)
{
    char tmp[64];
    if (k == K_TARGET) {
        if (unit == UNIT_MONEY) k = K_MONEY;
        else if (unit == UNIT_RATIO) k = K_RATIO;
        else if (unit == UNIT_COUNT) k = K_INT;
        else if (unit >= 0) return hundredths(v);
        else return NULL;
    }
    if (fabs(v) > 9e15) return NULL;
    switch (k) {
    case K_MONEY: {
        sp_money m = llround(v * 100);
        money_format(m, tmp);
        size_t n = strlen(tmp);
        if (n > 3 && strcmp(tmp + n - 3, ".00") == 0) tmp[n - 3] = '\0';
        return xstrdup(tmp);
    }
    case K_RATIO:
    case K_PREMIUM: return xstrdup(ratio_format_pct(llround(v * SP_RATIO_ONE), tmp));
    case K_DATE: {
        sp_day d;
        if (!xlsx_day_from_serial(v, &d)) return NULL;
        return xstrdup(day_format(d, tmp));
    }
    case K_TIME:
        if (v >= 0 && v < 1) {
            long m = lround(v * 1440);
            if (m >= 1440) m = 1439;
            return xasprintf("%02ld:%02ld", m / 60, m % 60);
        }
        return NULL;
    case K_BOOL:
        if (v == 1) return xstrdup("true");
        if (v == 0) return xstrdup("false");
        return NULL;
    default: return NULL;
    }
}

/* scalar: the YAML scalar of cell x read as kind k; NULL when empty. */
static char *scalar(rctx *c, const fblock *f, int row, int col, const sp_xcell *x, ckind k, int unit)
{
    if (!x) return NULL;
    if (x->kind == XC_ERROR) {
        cell_err(c, f, col, row, _("the cell holds a formula error '%s'"), x->text ? x->text : "");
        return NULL;
    }
    char *s = NULL;
    if (x->kind == XC_NUM) s = num_as(x->num, k, unit);
    if (!s && x->kind == XC_BOOL && k == K_BOOL) s = xstrdup(x->num != 0 ? "true" : "false");
    if (!s) s = cell_text(x);
    if (!s) return NULL;
    if (k == K_BOOL) {
        static const char *const yes[] = {"true", "yes", "y", "1", "\xe6\x98\xaf"};
        static const char *const no[] = {"false", "no", "n", "0", "\xe5\x90\xa6"};
        for (size_t i = 0; i < N(yes); i++)
            if (str_ieq(s, yes[i])) {
                free(s);
                s = xstrdup("true");
                break;
            } else if (str_ieq(s, no[i])) {
                free(s);
                s = xstrdup("false");
                break;
            }
    }
    char *q = yq(s);
    free(s);
    return q;
}

/* split_items: a list cell into items (';' or '；' separated, '\' escapes),
 * each trimmed, empties dropped. */
static size_t split_items(const char *s, char ***out)
{
    char **v = NULL;
    size_t n = 0;
    buf_t cur = BUF_INIT;
    for (const char *p = s;; p++) {
        bool end = !*p || *p == ';' || strncmp(p, "\xef\xbc\x9b", 3) == 0;
        if (!end) {
            if (*p == '\\' && p[1]) p++;
            buf_putc(&cur, *p);
            continue;
        }
        char *t = xstrdup(buf_cstr(&cur));
        str_trim(t);
        if (*t) {
            v = xreallocarray(v, n + 1, sizeof *v);
            v[n++] = t;
        } else free(t);
        buf_clear(&cur);
        if (!*p) break;
        if (*p != ';') p += 2;
    }
    buf_free(&cur);
    *out = v;
    return n;
}

static void free_items(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static const sp_xrow *frow(const fblock *f, size_t i) { return &f->t->rows[i]; }

static const sp_xcell *fcell(const fblock *f, size_t i, int speccol)
{
    int col = f->col[speccol];
    return col < 0 ? NULL : xrow_cell(frow(f, i), col);
}

/* emit: key: value of spec column k of data row i at indent ind ("- "
 * before the key when dash); returns whether something was written. */
static bool emit(rctx *c, const fblock *f, size_t i, int k, const char *key, int ind, bool dash, int unit)
{
    const colspec *cs = &blocks[f->b].cols[k];
    int row = frow(f, i)->row, col = f->col[k];
    const sp_xcell *x = fcell(f, i, k);
    if (!x) return false;
    const char *pre = dash ? "- " : "";
    int pad = dash ? ind - 2 : ind;
    if (cs->k == K_LIST) {
        char *t = cell_text(x);
        if (!t) return false;
        char **v;
        size_t n = split_items(t, &v);
        free(t);
        buf_t b = BUF_INIT;
        for (size_t j = 0; j < n; j++) {
            char *q = yq(v[j]);
            buf_printf(&b, "%s%s", j ? ", " : "", q);
            free(q);
        }
        yl(c, where_of(c, f, col, row), "%*s%s%s: [%s]", pad, "", pre, key, buf_cstr(&b));
        buf_free(&b);
        free_items(v, n);
        return true;
    }
    if (cs->k == K_FILTER) {
        char *t = cell_text(x);
        if (!t) return false;
        char **v;
        size_t n = split_items(t, &v);
        free(t);
        yl(c, where_of(c, f, col, row), "%*s%s%s:%s", pad, "", pre, key, n ? "" : " {}");
        for (size_t j = 0; j < n; j++) {
            char *eq = strchr(v[j], '=');
            if (!eq) eq = strstr(v[j], "\xef\xbc\x9d");   /* ＝ */
            if (!eq) {
                cell_err(c, f, col, row, _("'%s' is not dimension=value (e.g. region=East)"), v[j]);
                continue;
            }
            size_t skip = *eq == '=' ? 1 : 3;
            *eq = '\0';
            char *dk = xstrdup(v[j]), *dv = xstrdup(eq + skip);
            str_trim(dk);
            str_trim(dv);
            char *qk = yq(dk), *qv = yq(dv);
            yl(c, where_of(c, f, col, row), "%*s%s: %s", ind + 2, "", qk, qv);
            free(qk), free(qv), free(dk), free(dv);
        }
        free_items(v, n);
        return true;
    }
    if (cs->k == K_STALE) {
        char *t = cell_text(x);
        if (!t) return false;
        if (!strchr(t, '=')) {
            free(t);
            char *q = scalar(c, f, row, col, x, K_INT, -1);
            if (q) yl(c, where_of(c, f, col, row), "%*s%s%s: %s", pad, "", pre, key, q);
            free(q);
            return q != NULL;
        }
        char **v;
        size_t n = split_items(t, &v);
        free(t);
        yl(c, where_of(c, f, col, row), "%*s%s%s:", pad, "", pre, key);
        for (size_t j = 0; j < n; j++) {
            char *eq = strchr(v[j], '=');
            if (!eq) {
                cell_err(c, f, col, row, _("'%s' is not tier=days"), v[j]);
                continue;
            }
            *eq = '\0';
            char *dk = xstrdup(v[j]), *dv = xstrdup(eq + 1);
            str_trim(dk);
            str_trim(dv);
            char *qk = yq(dk), *qv = yq(dv);
            yl(c, where_of(c, f, col, row), "%*s%s: %s", ind + 2, "", qk, qv);
            free(qk), free(qv), free(dk), free(dv);
        }
        free_items(v, n);
        return true;
    }
    char *q = scalar(c, f, row, col, x, cs->k, unit);
    if (!q) return false;
    yl(c, where_of(c, f, col, row), "%*s%s%s: %s", pad, "", pre, key, q);
    free(q);
    return true;
}

/* emit_row: the columns of data row i (all but the skipped keys) as a
 * list item whose dash is at column dash. */
static void emit_row(rctx *c, const fblock *f, size_t i, int dash, const char *const *skip, int unit)
{
    const blockspec *bs = &blocks[f->b];
    bool first = true;
    for (size_t k = 0; k < bs->ncols; k++) {
        const colspec *cs = &bs->cols[k];
        if (!*cs->key || cs->k == K_SKIP) continue;
        bool skipped = false;
        for (size_t s = 0; skip && skip[s]; s++)
            if (strcmp(skip[s], cs->key) == 0) skipped = true;
        if (skipped) continue;
        if (emit(c, f, i, (int)k, cs->key, dash + 2, first, unit)) first = false;
    }
    if (first) {
        /* nothing but skipped keys: still an item */
        yl(c, where_of(c, f, 0, frow(f, i)->row), "%*s- {}", dash, "");
    }
}

static bool row_empty(const fblock *f, size_t i)
{
    const blockspec *bs = &blocks[f->b];
    for (size_t k = 0; k < bs->ncols; k++)
        if (bs->cols[k].k != K_SKIP && fcell(f, i, (int)k)) return false;
    return true;
}

static const fblock *find_block(const rctx *c, int b)
{
    for (size_t i = 0; i < c->nfb; i++)
        if (c->fb[i].b == b) return &c->fb[i];
    return NULL;
}

/* emit_fields: the fields of block b at indent ind (under a key already
 * written by the caller). Returns how many were written. */
static size_t emit_fields(rctx *c, const fblock *f, int ind, const char *only)
{
    size_t n = 0;
    const blockspec *bs = &blocks[f->b];
    for (size_t i = f->first; i < f->end; i++) {
        const sp_xrow *r = frow(f, i);
        const sp_xcell *lab = xrow_cell(r, 0);
        char *t = cell_text(lab);
        if (!t) continue;
        int k = -1;
        for (size_t j = 0; j < bs->ncols; j++)
            if (label_is(t, bs->cols[j].label)) k = (int)j;
        if (k < 0) {
            cell_err(c, f, 0, r->row, _("unknown field '%s'"), t);
            free(t);
            continue;
        }
        free(t);
        const colspec *cs = &bs->cols[k];
        if (cs->k == K_SKIP || !*cs->key) continue;
        if (only ? strcmp(cs->key, only) != 0 : strcmp(cs->key, "max_growth") == 0) continue;
        /* a fields block reads column B: a one-row view */
        fblock one = *f;
        for (size_t j = 0; j < N(one.col); j++) one.col[j] = -1;
        one.col[k] = 1;
        if (emit(c, &one, i, k, cs->key, ind, false, -1)) n++;
    }
    return n;
}

/* ---- goals ---- */

typedef struct grow {
    char *id, *parent, *split;
    int metric;            /* as written, -1 when absent/unknown */
    bool done;
} grow;

static void emit_goal(rctx *c, const fblock *f, grow *g, size_t ng, size_t i, int dash, int metric, int depth)
{
    static const char *const skip[] = {"parent", "split", NULL};
    g[i].done = true;
    if (g[i].metric >= 0) metric = g[i].metric;
    emit_row(c, f, f->first + i, dash, skip, metric >= 0 ? (int)sp_metrics[metric].unit : -1);
    if (depth > 40) return;
    const char *id = g[i].id;
    if (!id) return;
    bool any = false;
    for (size_t j = 0; j < ng; j++)
        if (!g[j].done && str_eq(g[j].parent, id) && !g[j].split) {
            if (!any) yl(c, NULL, "%*schildren:", dash + 2, "");
            any = true;
            emit_goal(c, f, g, ng, j, dash + 4, metric, depth + 1);
        }
    any = false;
    for (size_t j = 0; j < ng; j++) {
        if (g[j].done || !str_eq(g[j].parent, id) || !g[j].split) continue;
        /* a new split: all rows with this split's by */
        const char *by = g[j].split;
        if (!any) yl(c, NULL, "%*ssplits:", dash + 2, "");
        any = true;
        char *q = yq(by);
        yl(c, where_of(c, f, f->col[G_SPLIT], frow(f, f->first + j)->row), "%*s- by: %s", dash + 4, "", q);
        free(q);
        yl(c, NULL, "%*schildren:", dash + 6, "");
        for (size_t k = j; k < ng; k++)
            if (!g[k].done && str_eq(g[k].parent, id) && str_eq(g[k].split, by))
                emit_goal(c, f, g, ng, k, dash + 8, metric, depth + 1);
    }
}

static void emit_goals(rctx *c, const fblock *f)
{
    size_t ng = f->end - f->first;
    grow *g = xcalloc(ng ? ng : 1, sizeof *g);
    size_t n = 0;
    for (size_t i = 0; i < ng; i++) {
        g[i].metric = -1;
        if (row_empty(f, f->first + i)) {
            g[i].done = true;
            continue;
        }
        n++;
        g[i].id = cell_text(fcell(f, f->first + i, G_ID));
        g[i].parent = cell_text(fcell(f, f->first + i, G_PARENT));
        g[i].split = cell_text(fcell(f, f->first + i, G_SPLIT));
        char *m = cell_text(fcell(f, f->first + i, G_METRIC));
        if (m) g[i].metric = metric_from_name(m);
        free(m);
    }
    if (n) {
        yl(c, NULL, "goals:");
        for (size_t i = 0; i < ng; i++)
            if (!g[i].done && !g[i].parent) emit_goal(c, f, g, ng, i, 2, -1, 0);
        for (size_t i = 0; i < ng; i++)
            if (!g[i].done)
                cell_err(c, f, f->col[G_PARENT], frow(f, f->first + i)->row,
                         _("goal '%s': the parent goal '%s' is not a goal of this sheet (or the parents form a cycle)"),
                         g[i].id ? g[i].id : "", g[i].parent);
    }
    for (size_t i = 0; i < ng; i++) free(g[i].id), free(g[i].parent), free(g[i].split);
    free(g);
}

/* emit_list: a block whose rows are the items of a list at dash. */
static void emit_list(rctx *c, const fblock *f, const char *head, int headind, int dash, const char *const *skip)
{
    bool any = false;
    for (size_t i = f->first; i < f->end; i++) {
        if (row_empty(f, i)) continue;
        if (!any && head) yl(c, NULL, "%*s%s:", headind, "", head);
        any = true;
        emit_row(c, f, i, dash, skip, -1);
    }
}

static void emit_tasks(rctx *c, const fblock *f)
{
    static const char *const skip[] = {"budget_category", "budget_amount", NULL};
    bool any = false;
    for (size_t i = f->first; i < f->end; i++) {
        if (row_empty(f, i)) continue;
        if (!any) yl(c, NULL, "tasks:");
        any = true;
        emit_row(c, f, i, 2, skip, -1);
        const sp_xcell *bc = fcell(f, i, T_BCAT), *ba = fcell(f, i, T_BAMOUNT);
        if (bc || ba) {
            int row = frow(f, i)->row;
            yl(c, where_of(c, f, f->col[bc ? T_BCAT : T_BAMOUNT], row), "    budget:");
            emit(c, f, i, T_BCAT, "category", 6, false, -1);
            emit(c, f, i, T_BAMOUNT, "amount", 6, false, -1);
        }
    }
}

static void emit_team(rctx *c, const fblock *f)
{
    size_t n = f->end - f->first;
    bool *done = xcalloc(n ? n : 1, sizeof *done);
    bool any = false;
    static const char *const member_skip[] = {"group", "group_name", "focus", NULL};
    for (size_t i = 0; i < n; i++) {
        if (done[i] || row_empty(f, f->first + i)) continue;
        char *gid = cell_text(fcell(f, f->first + i, M_GROUP));
        if (!any) yl(c, NULL, "team:"), yl(c, NULL, "  groups:");
        any = true;
        int row = frow(f, f->first + i)->row;
        char *q = yq(gid ? gid : "");
        yl(c, where_of(c, f, f->col[M_GROUP] >= 0 ? f->col[M_GROUP] : 0, row), "    - id: %s", q);
        free(q);
        bool named = false, focused = false, members = false;
        for (size_t j = i; j < n; j++) {
            if (done[j] || row_empty(f, f->first + j)) continue;
            char *g2 = cell_text(fcell(f, f->first + j, M_GROUP));
            bool same = str_eq(g2, gid);
            free(g2);
            if (!same) continue;
            done[j] = true;
            if (!named) named = emit(c, f, f->first + j, M_GROUP_NAME, "name", 6, false, -1);
            if (!focused) focused = emit(c, f, f->first + j, M_FOCUS, "focus", 6, false, -1);
            bool has_member = false;
            for (int k = M_ID; k <= M_IMID; k++)
                if (fcell(f, f->first + j, k)) has_member = true;
            if (!has_member) continue;
            if (!members) yl(c, NULL, "      members:");
            members = true;
            /* the member: its columns, capacity nested */
            static const char *const skip2[] = {"group", "group_name", "focus", "visits_per_month", NULL};
            (void)member_skip;
            emit_row(c, f, f->first + j, 8, skip2, -1);
            if (fcell(f, f->first + j, M_VISITS)) {
                yl(c, where_of(c, f, f->col[M_VISITS], frow(f, f->first + j)->row), "          capacity:");
                emit(c, f, f->first + j, M_VISITS, "visits_per_month", 12, false, -1);
            }
        }
        free(gid);
    }
    free(done);
}

/* ---- finding the blocks ---- */

static bool find_blocks(rctx *c)
{
    size_t ns = xlsx_sheet_count(c->x);
    c->tables = xcalloc(ns ? ns : 1, sizeof *c->tables);
    c->ntables = ns;
    for (size_t s = 0; s < ns; s++) {
        if (xlsx_sheet_hidden(c->x, s)) continue;
        if (!xlsx_read_sheet(c->x, s, &c->tables[s], c->err)) return false;
        const sp_xtable *t = &c->tables[s];
        fblock *cur = NULL;
        for (size_t i = 0; i < t->nrows; i++) {
            const sp_xcell *a = xrow_cell(&t->rows[i], 0);
            /* a title is alone on its row */
            char *txt = a && a->kind == XC_TEXT && t->rows[i].ncells == 1 ? cell_text(a) : NULL;
            int b = -1;
            for (int k = 0; txt && k < B_COUNT; k++)
                if (title_is(txt, blocks[k].title)) b = k;
            free(txt);
            if (b >= 0 && i + 1 < t->nrows) {
                if (cur) cur->end = i;
                for (size_t j = 0; j < c->nfb; j++)
                    if (c->fb[j].b == b) {
                        fblock dup = {.sheet = s, .t = t};
                        cell_err(c, &dup, 0, t->rows[i].row, _("the block '%s' appears twice in the workbook"),
                                 tr_lang(i18n_lang(), blocks[b].title));
                    }
                c->fb = xreallocarray(c->fb, c->nfb + 1, sizeof *c->fb);
                cur = &c->fb[c->nfb++];
                memset(cur, 0, sizeof *cur);
                cur->b = b;
                cur->sheet = s;
                cur->t = t;
                cur->head = i + 1;
                cur->first = i + 2;
                cur->end = t->nrows;
                for (size_t k = 0; k < N(cur->col); k++) cur->col[k] = -1;
                if (!blocks[b].fields) {
                    const sp_xrow *h = &t->rows[i + 1];
                    for (size_t k = 0; k < h->ncells; k++) {
                        char *ht = cell_text(&h->cells[k]);
                        for (size_t j = 0; ht && j < blocks[b].ncols; j++)
                            if (label_is(ht, blocks[b].cols[j].label)) {
                                if (cur->col[j] >= 0)
                                    cell_err(c, cur, h->cells[k].col, h->row, _("column '%s' appears twice"), ht);
                                cur->col[j] = h->cells[k].col;
                            }
                        free(ht);
                    }
                    if (cur->col[0] < 0 && b != B_TEAM && b != B_NOTIFY)
                        cell_err(c, cur, 0, h->row, _("the block has no '%s' column"),
                                 tr_lang(i18n_lang(), blocks[b].cols[0].label));
                }
                i++;   /* the header row */
            }
        }
    }
    if (!find_block(c, B_PLAN)) {
        err_set(c->err, SP_EINVAL, "%s: %s", c->file,
                _("no plan in this workbook (a block titled 'Plan' / '计划' on the cover sheet)"));
        return false;
    }
    return true;
}

char *plan_xlsx_yaml(const void *data, size_t len, const char *name, sp_xlsx_map **mapout, sp_err *err)
{
    if (mapout) *mapout = NULL;
    rctx c = {.file = name, .err = err};
    c.x = xlsx_open_mem(data, len, name, err);
    if (!c.x) return NULL;
    c.map = xcalloc(1, sizeof *c.map);
    char *out = NULL;
    if (!find_blocks(&c)) goto done;

    const fblock *f = find_block(&c, B_PLAN);
    yl(&c, NULL, "plan:");
    emit_fields(&c, f, 2, NULL);
    if ((f = find_block(&c, B_TEAM))) emit_team(&c, f);
    if ((f = find_block(&c, B_GOALS))) emit_goals(&c, f);
    {
        const fblock *pe = find_block(&c, B_PEST), *pp = find_block(&c, B_PERSONAS), *pc = find_block(&c, B_CAPS);
        size_t mark = c.y.len, mline = c.map->n;
        yl(&c, NULL, "analysis:");
        size_t after = c.y.len;
        if (pe) emit_list(&c, pe, "pest", 2, 4, NULL);
        if (pp) emit_list(&c, pp, "personas", 2, 4, NULL);
        if (pc) emit_list(&c, pc, "capabilities", 2, 4, NULL);
        if (c.y.len == after) {   /* nothing: no section */
            c.y.len = mark;
            c.y.data[mark] = '\0';
            c.map->n = mline;
        }
    }
    if ((f = find_block(&c, B_STRATS))) emit_list(&c, f, "strategies", 0, 2, NULL);
    if ((f = find_block(&c, B_TASKS))) emit_tasks(&c, f);
    {
        const fblock *fb = find_block(&c, B_BUDGET), *fc = find_block(&c, B_CATS);
        size_t mark = c.y.len, mline = c.map->n;
        yl(&c, NULL, "budget:");
        size_t after = c.y.len;
        if (fb) emit_fields(&c, fb, 2, NULL);
        if (fc) emit_list(&c, fc, "categories", 2, 4, NULL);
        if (c.y.len == after) {
            c.y.len = mark;
            c.y.data[mark] = '\0';
            c.map->n = mline;
        }
    }
    if ((f = find_block(&c, B_TIERS))) emit_list(&c, f, "tiers", 0, 2, NULL);
    if ((f = find_block(&c, B_ALERTS))) {
        size_t mark = c.y.len, mline = c.map->n;
        yl(&c, NULL, "alerts:");
        if (!emit_fields(&c, f, 2, NULL)) {
            c.y.len = mark;
            c.y.data[mark] = '\0';
            c.map->n = mline;
        }
    }
    if ((f = find_block(&c, B_NOTIFY))) emit_list(&c, f, "notify", 0, 2, NULL);
    f = find_block(&c, B_PLAN);
    {
        size_t mark = c.y.len, mline = c.map->n;
        yl(&c, NULL, "check:");
        if (!emit_fields(&c, f, 2, "max_growth")) {
            c.y.len = mark;
            c.y.data[mark] = '\0';
            c.map->n = mline;
        }
    }
    if (err_ok(err)) out = buf_detach(&c.y);
done:
    /* lines rolled back leave their where strings behind: free them */
    buf_free(&c.y);
    for (size_t i = 0; i < c.ntables; i++) xtable_free(&c.tables[i]);
    free(c.tables);
    free(c.fb);
    xlsx_close(c.x);
    if (out && mapout) *mapout = c.map;
    else plan_xlsx_map_free(c.map);
    return out;
}

/* remap: err's "NAME:LINE:COL: msg" lines as "NAME: SHEET!CELL: msg". */
static void remap(const sp_err *in, const char *name, const sp_xlsx_map *m, sp_err *out)
{
    const char *s = buf_cstr(&in->msg);
    size_t nl = strlen(name);
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char *line = xstrndup(s, n);
        int ln = 0, col = 0, used = 0;
        const char *w = NULL;
        if (strncmp(line, name, nl) == 0 && sscanf(line + nl, ":%d:%d: %n", &ln, &col, &used) == 2 && used > 0)
            w = plan_xlsx_where(m, ln);
        if (w) err_set(out, in->cls, "%s: %s: %s", name, w, line + nl + used);
        else if (used > 0) err_set(out, in->cls, "%s: %s", name, line + nl + used);
        else err_set(out, in->cls, "%s", line);
        free(line);
        s += n + (e ? 1 : 0);
    }
}

/* file_plan: the workbook at path read (at most 64 MiB) into the plan YAML of
 * its cells, then parsed (res NULL) or checked into res; every position of
 * an error remapped to its cell. *mapout receives the map when a plan came
 * out, or when checking (the diagnostics name cells). */
static sp_plan *file_plan(const char *path, sp_check_result *res, sp_xlsx_map **mapout, sp_err *err)
{
    if (mapout) *mapout = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
        return NULL;
    }
    buf_t b = BUF_INIT;
    char chunk[65536];
    size_t n;
    bool big = false;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (b.len + n > 64u * 1024 * 1024) {
            big = true;
            break;
        }
        buf_append(&b, chunk, n);
    }
    bool bad = ferror(fp);
    int e = errno;
    fclose(fp);
    if (bad || big) {
        if (bad) err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(e));
        else err_set(err, SP_EINVAL, "%s: %s", path, _("workbook over 64 MiB"));
        buf_free(&b);
        return NULL;
    }
    sp_xlsx_map *m = NULL;
    char *yaml = plan_xlsx_yaml(b.data ? b.data : "", b.len, path, &m, err);
    buf_free(&b);
    if (!yaml) return NULL;
    sp_err perr = SP_ERR_INIT;
    sp_plan *p = res ? plan_yaml_check(yaml, strlen(yaml), path, res, &perr) : plan_yaml_parse(yaml, strlen(yaml), path, &perr);
    free(yaml);
    if (!err_ok(&perr)) remap(&perr, path, m, err);
    err_free(&perr);
    if ((p || res) && mapout) *mapout = m;
    else plan_xlsx_map_free(m);
    return p;
}

sp_plan *plan_xlsx_load_file(const char *path, sp_xlsx_map **mapout, sp_err *err)
{
    return file_plan(path, NULL, mapout, err);
}

sp_plan *plan_xlsx_check_file(const char *path, sp_check_result *res, sp_xlsx_map **mapout, sp_err *err)
{
    return file_plan(path, res, mapout, err);
}
