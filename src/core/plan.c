/*
 * plan.c — the plan model of SPEC §4: construction, defaults, freeing,
 * lookups, and the static vocabularies shared by every layer (the metric
 * table of SPEC §6, units, filter dimensions).
 *
 * Pure: no I/O. Owns every string of an sp_plan (freed by plan_free). The
 * semantic checks live in plan_check.c; the YAML reading in io/plan_yaml.c.
 */
#include <stdlib.h>
#include <string.h>

#include "plan.h"

/* The metrics of SPEC §6, indexed by sp_metric. */
const sp_metric_info sp_metrics[MET_COUNT] = {
    [MET_REVENUE] = {"revenue", UNIT_MONEY, true},
    [MET_DEALS_WON] = {"deals_won", UNIT_COUNT, true},
    [MET_AVG_DEAL_SIZE] = {"avg_deal_size", UNIT_MONEY, false},
    [MET_NEW_CUSTOMERS] = {"new_customers", UNIT_COUNT, true},
    [MET_NEW_CUSTOMER_REVENUE] = {"new_customer_revenue", UNIT_MONEY, true},
    [MET_NEW_CUSTOMER_REVENUE_SHARE] = {"new_customer_revenue_share", UNIT_RATIO, false},
    [MET_RENEWAL_RATE] = {"renewal_rate", UNIT_RATIO, false},
    [MET_LEADS] = {"leads", UNIT_COUNT, true},
    [MET_QUALIFIED_LEADS] = {"qualified_leads", UNIT_COUNT, true},
    [MET_LEAD_CONVERSION_RATE] = {"lead_conversion_rate", UNIT_RATIO, false},
    [MET_WIN_RATE] = {"win_rate", UNIT_RATIO, false},
    [MET_SALES_CYCLE_DAYS] = {"sales_cycle_days", UNIT_DAYS, false},
    [MET_VISITS] = {"visits", UNIT_COUNT, true},
    [MET_ACTIVITIES] = {"activities", UNIT_COUNT, true},
    [MET_VISITS_PER_REP] = {"visits_per_rep", UNIT_COUNT_PER_MONTH, false},
    [MET_GROSS_MARGIN] = {"gross_margin", UNIT_RATIO, false},
    [MET_COLLECTION_RATE] = {"collection_rate", UNIT_RATIO, false},
    [MET_COLLECTED] = {"collected", UNIT_MONEY, true},
    [MET_PIPELINE] = {"pipeline", UNIT_MONEY, false},
    [MET_WEIGHTED_PIPELINE] = {"weighted_pipeline", UNIT_MONEY, false},
    [MET_ACTIVE_CUSTOMERS] = {"active_customers", UNIT_COUNT, false},
    [MET_TIER_CUSTOMERS] = {"tier_customers", UNIT_COUNT, false},
    [MET_TIER_REVENUE_SHARE] = {"tier_revenue_share", UNIT_RATIO, false},
    [MET_SPEND] = {"spend", UNIT_MONEY, true},
    [MET_MANUAL] = {"manual", UNIT_MANUAL, false},
};

int metric_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < MET_COUNT; i++)
        if (strcmp(sp_metrics[i].name, name) == 0) return i;
    return -1;
}

static const char *const unit_names[UNIT_KIND_COUNT] = {
    [UNIT_MONEY] = "money",
    [UNIT_COUNT] = "count",
    [UNIT_RATIO] = "ratio",
    [UNIT_DAYS] = "days",
    [UNIT_COUNT_PER_MONTH] = "count/month",
    [UNIT_MANUAL] = "manual",
};

const char *unit_name(sp_unit u) { return (unsigned)u < UNIT_KIND_COUNT ? unit_names[u] : "?"; }

static const char *const dim_names[DIM_COUNT] = {
    [DIM_REGION] = "region", [DIM_INDUSTRY] = "industry", [DIM_SIZE] = "size",
    [DIM_TEAM] = "team",     [DIM_REP] = "rep",           [DIM_PRODUCT] = "product",
    [DIM_SOURCE] = "source", [DIM_TIER] = "tier",         [DIM_CATEGORY] = "category",
    [DIM_STRATEGY] = "strategy",
};

const char *dim_name(sp_dim d) { return (unsigned)d < DIM_COUNT ? dim_names[d] : "?"; }

int dim_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < DIM_COUNT; i++)
        if (strcmp(dim_names[i], name) == 0) return i;
    return -1;
}

/* ---- notify and member values ---- */

static const char *const weekday_en[8] = {NULL,       "monday", "tuesday",  "wednesday",
                                          "thursday", "friday", "saturday", "sunday"};
/* UTF-8 of 一 二 三 四 五 六 日 */
static const char *const weekday_zh[8] = {NULL,           "\xe4\xb8\x80", "\xe4\xba\x8c", "\xe4\xb8\x89",
                                          "\xe5\x9b\x9b", "\xe4\xba\x94", "\xe5\x85\xad", "\xe6\x97\xa5"};

const char *plan_weekday_name(int wd) { return wd >= 1 && wd <= 7 ? weekday_en[wd] : NULL; }

/* plan_weekday_from_name: also 周天 / 星期天 for Sunday. */
int plan_weekday_from_name(const char *s)
{
    if (!s) return -1;
    static const char zhou[] = "\xe5\x91\xa8", xingqi[] = "\xe6\x98\x9f\xe6\x9c\x9f"; /* 周, 星期 */
    const char *day = NULL;
    if (strncmp(s, zhou, sizeof zhou - 1) == 0) day = s + sizeof zhou - 1;
    else if (strncmp(s, xingqi, sizeof xingqi - 1) == 0) day = s + sizeof xingqi - 1;
    for (int i = 1; i <= 7; i++) {
        if (strcmp(s, weekday_en[i]) == 0) return i;
        if (day && strcmp(day, weekday_zh[i]) == 0) return i;
    }
    if (day && strcmp(day, "\xe5\xa4\xa9") == 0) return 7; /* 周天, 星期天 */
    return -1;
}

bool plan_time_parse(const char *s, int *minutes)
{
    if (!s) return false;
    size_t n = strlen(s);
    if (n != 4 && n != 5) return false;
    size_t hl = n - 3; /* 1 or 2 hour digits */
    for (size_t i = 0; i < n; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        if (i == hl ? s[i] != ':' : !digit) return false;
    }
    int h = hl == 2 ? (s[0] - '0') * 10 + (s[1] - '0') : s[0] - '0';
    int m = (s[hl + 1] - '0') * 10 + (s[hl + 2] - '0');
    if (h > 23 || m > 59) return false;
    *minutes = h * 60 + m;
    return true;
}

char *plan_time_format(int minutes, char buf[6])
{
    if (minutes < 0 || minutes >= 24 * 60) minutes = 0;
    buf[0] = (char)('0' + minutes / 600);
    buf[1] = (char)('0' + minutes / 60 % 10);
    buf[2] = ':';
    buf[3] = (char)('0' + minutes % 60 / 10);
    buf[4] = (char)('0' + minutes % 10);
    buf[5] = '\0';
    return buf;
}

bool plan_email_ok(const char *s)
{
    if (!s) return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@')) return false;
    for (const char *q = s; *q; q++)
        if (strchr(" \t\r\n,;<>\"", *q)) return false;
    return true;
}

/* plan_set_defaults: the defaults of SPEC §4/§6. Replaces currency and
 * timezone only when unset (they are owned strings). */
void plan_set_defaults(sp_plan *p)
{
    if (!p->currency) p->currency = xstrdup("CNY");
    if (!p->timezone) p->timezone = xstrdup("Asia/Shanghai");
    p->fiscal_year_start = 1;
    p->pacing = PACING_LINEAR;
    p->max_growth = SP_RATIO_ONE / 2;
    p->period.first = SP_DAY_NONE;
    p->period.last = SP_DAY_NONE;
    p->alerts.stale_followup_days = 7;
    p->alerts.escalate_after_days = 14;
    p->alerts.goal_off_pace_below = SP_RATIO_ONE * 9 / 10;
    p->alerts.budget_overrun_above = SP_RATIO_ONE;
    p->alerts.task_overdue = true;
    p->alerts.tier_review_due = true;
}

/* plan_new: a zeroed plan with the defaults set; free with plan_free. */
sp_plan *plan_new(void)
{
    sp_plan *p = xcalloc(1, sizeof *p);
    plan_set_defaults(p);
    return p;
}

/* plan_default_tiers: the default tier levels of SPEC §6 (allocates
 * p->tiers) when the plan has none. */
void plan_default_tiers(sp_plan *p)
{
    if (p->ntiers) return;
    static const struct {
        const char *id, *name;
        sp_money min;
        int review;
    } def[] = {
        {"strategic", "Strategic", (sp_money)1000000 * 100, 30},
        {"key", "Key", (sp_money)500000 * 100, 0},
        {"potential", "Potential", 0, 0},
    };
    size_t n = sizeof def / sizeof def[0];
    p->tiers = xcalloc(n, sizeof *p->tiers);
    for (size_t i = 0; i < n; i++) {
        p->tiers[i].id = xstrdup(def[i].id);
        p->tiers[i].name = xstrdup(def[i].name);
        p->tiers[i].min = def[i].min;
        p->tiers[i].review_every_days = def[i].review;
    }
    p->ntiers = n;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static void free_filter(sp_filter *f)
{
    for (size_t i = 0; i < f->n; i++) free(f->kv[i].value);
    free(f->kv);
}

/* free_goal: releases what a goal owns (not the goal struct itself). */
static void free_goal(sp_goal *g)
{
    free(g->id);
    free(g->name);
    free(g->target_text);
    free(g->period_text);
    free(g->owner);
    free_strv(g->supports, g->nsupports);
    free(g->pos_supports);
    free_filter(&g->filter);
    for (size_t i = 0; i < g->nchildren; i++) free_goal(&g->children[i]);
    free(g->children);
    for (size_t k = 0; k < g->nsplits; k++) {
        sp_split *sp = &g->splits[k];
        for (size_t i = 0; i < sp->nchildren; i++) free_goal(&sp->children[i]);
        free(sp->children);
        free(sp->by);
    }
    free(g->splits);
}

void plan_free(sp_plan *p)
{
    if (!p) return;
    free(p->id);
    free(p->name);
    free(p->currency);
    free(p->timezone);
    free(p->period_text);
    for (size_t i = 0; i < p->ngroups; i++) {
        sp_group *g = &p->groups[i];
        free(g->id);
        free(g->name);
        free_filter(&g->focus);
        for (size_t j = 0; j < g->nmembers; j++) {
            free(g->members[j].id);
            free(g->members[j].name);
            free(g->members[j].email);
            free(g->members[j].mobile);
            free(g->members[j].im_id);
        }
        free(g->members);
    }
    free(p->groups);
    for (size_t i = 0; i < p->ngoals; i++) free_goal(&p->goals[i]);
    free(p->goals);
    for (size_t i = 0; i < p->npest; i++) {
        free(p->pest[i].id);
        free(p->pest[i].text);
    }
    free(p->pest);
    for (size_t i = 0; i < p->npersonas; i++) {
        sp_persona *x = &p->personas[i];
        free(x->id);
        free(x->industry);
        free(x->premium_text);
        free_strv(x->pains, x->npains);
        free_strv(x->decision_chain, x->ndecision_chain);
    }
    free(p->personas);
    for (size_t i = 0; i < p->ncapabilities; i++) {
        free(p->capabilities[i].id);
        free(p->capabilities[i].text);
    }
    free(p->capabilities);
    for (size_t i = 0; i < p->nstrategies; i++) {
        sp_strategy *s = &p->strategies[i];
        free(s->id);
        free(s->name);
        free_strv(s->goals, s->ngoals);
        free_strv(s->answers, s->nanswers);
        free(s->pos_goals);
        free(s->pos_answers);
    }
    free(p->strategies);
    for (size_t i = 0; i < p->ntasks; i++) {
        sp_task *t = &p->tasks[i];
        free(t->id);
        free(t->strategy);
        free(t->name);
        free(t->owner);
        free(t->deliverable);
        free(t->budget_category);
        free_strv(t->collaborators, t->ncollaborators);
        free_strv(t->depends_on, t->ndepends_on);
        free_strv(t->resources, t->nresources);
        free(t->pos_collaborators);
        free(t->pos_depends_on);
    }
    free(p->tasks);
    for (size_t i = 0; i < p->nbudget_cats; i++) {
        free(p->budget_cats[i].id);
        free(p->budget_cats[i].name);
    }
    free(p->budget_cats);
    for (size_t i = 0; i < p->ntiers; i++) {
        free(p->tiers[i].id);
        free(p->tiers[i].name);
    }
    free(p->tiers);
    for (size_t i = 0; i < p->alerts.nstale_by_tier; i++) free(p->alerts.stale_by_tier[i].tier);
    free(p->alerts.stale_by_tier);
    for (size_t i = 0; i < p->nnotify; i++) {
        free(p->notify[i].kind);
        free(p->notify[i].url);
        free(p->notify[i].secret_env);
        free(p->notify[i].secret_file);
        free(p->notify[i].to);
    }
    free(p->notify);
    free(p->source_name);
    free(p);
}

static size_t count_goals(const sp_goal *g, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c += 1 + count_goals(g[i].children, g[i].nchildren);
        for (size_t k = 0; k < g[i].nsplits; k++) c += count_goals(g[i].splits[k].children, g[i].splits[k].nchildren);
    }
    return c;
}

size_t plan_goal_count(const sp_plan *p) { return count_goals(p->goals, p->ngoals); }

static void walk_goals(const sp_goal *g, size_t n, sp_goal_fn fn, void *ctx)
{
    for (size_t i = 0; i < n; i++) {
        fn(&g[i], ctx);
        walk_goals(g[i].children, g[i].nchildren, fn, ctx);
        for (size_t k = 0; k < g[i].nsplits; k++) walk_goals(g[i].splits[k].children, g[i].splits[k].nchildren, fn, ctx);
    }
}

void plan_goal_walk(const sp_plan *p, sp_goal_fn fn, void *ctx) { walk_goals(p->goals, p->ngoals, fn, ctx); }

static const sp_goal *find_goal(const sp_goal *g, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++) {
        if (str_eq(g[i].id, id)) return &g[i];
        const sp_goal *c = find_goal(g[i].children, g[i].nchildren, id);
        if (c) return c;
        for (size_t k = 0; k < g[i].nsplits; k++)
            if ((c = find_goal(g[i].splits[k].children, g[i].splits[k].nchildren, id)) != NULL) return c;
    }
    return NULL;
}

const sp_goal *plan_find_goal(const sp_plan *p, const char *id)
{
    if (!p || !id) return NULL;
    return find_goal(p->goals, p->ngoals, id);
}

const char *plan_team_name(const sp_plan *p, const char *id)
{
    if (!p || !id) return NULL;
    for (size_t i = 0; i < p->ngroups; i++)
        if (p->groups[i].id && strcmp(p->groups[i].id, id) == 0)
            return p->groups[i].name && *p->groups[i].name ? p->groups[i].name : p->groups[i].id;
    return NULL;
}

const sp_member *plan_find_member(const sp_plan *p, const char *id, const sp_group **group)
{
    if (group) *group = NULL;
    if (!p || !id) return NULL;
    for (size_t i = 0; i < p->ngroups; i++)
        for (size_t j = 0; j < p->groups[i].nmembers; j++)
            if (str_eq(p->groups[i].members[j].id, id)) {
                if (group) *group = &p->groups[i];
                return &p->groups[i].members[j];
            }
    return NULL;
}
