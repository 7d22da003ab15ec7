/*
 * plan.h — the plan of SPEC §4 as a C model, and its validation (`check`).
 *
 * Pure: the YAML reading lives in io/plan_yaml.c, which builds this model with
 * the source position of every value; validation here reports errors at
 * those positions. Every string in a plan is owned by the plan (freed by
 * plan_free). Optional numbers use explicit has_ flags.
 */
#ifndef SP_PLAN_H
#define SP_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "records.h"
#include "value.h"

/* Where a value came from in the plan file (1-based; 0 = unknown). */
typedef struct sp_pos {
    int line, col;
} sp_pos;

/* ---- metrics (SPEC §6) ---- */
typedef enum sp_metric {
    MET_REVENUE,
    MET_DEALS_WON,
    MET_AVG_DEAL_SIZE,
    MET_NEW_CUSTOMERS,
    MET_NEW_CUSTOMER_REVENUE,
    MET_NEW_CUSTOMER_REVENUE_SHARE,
    MET_RENEWAL_RATE,
    MET_LEADS,
    MET_QUALIFIED_LEADS,
    MET_LEAD_CONVERSION_RATE,
    MET_WIN_RATE,
    MET_SALES_CYCLE_DAYS,
    MET_VISITS,
    MET_ACTIVITIES,
    MET_VISITS_PER_REP,
    MET_GROSS_MARGIN,
    MET_COLLECTION_RATE,
    MET_COLLECTED,
    MET_PIPELINE,
    MET_WEIGHTED_PIPELINE,
    MET_ACTIVE_CUSTOMERS,
    MET_TIER_CUSTOMERS,
    MET_TIER_REVENUE_SHARE,
    MET_SPEND,
    MET_MANUAL,
    MET_COUNT
} sp_metric;

typedef enum sp_unit { UNIT_MONEY, UNIT_COUNT, UNIT_RATIO, UNIT_DAYS, UNIT_COUNT_PER_MONTH, UNIT_MANUAL, UNIT_KIND_COUNT } sp_unit;

typedef struct sp_metric_info {
    const char *name;   /* "revenue" */
    sp_unit unit;
    bool additive;
} sp_metric_info;

extern const sp_metric_info sp_metrics[MET_COUNT];
int metric_from_name(const char *name);          /* -1 when unknown */
const char *unit_name(sp_unit u);                /* "money", "count", "ratio", "days", "count/month", "manual" */

/* ---- filters (SPEC §6) ---- */
typedef enum sp_dim {
    DIM_REGION,
    DIM_INDUSTRY,
    DIM_SIZE,
    DIM_TEAM,
    DIM_REP,
    DIM_PRODUCT,
    DIM_SOURCE,
    DIM_TIER,
    DIM_CATEGORY,    /* spend only */
    DIM_STRATEGY,    /* spend only */
    DIM_COUNT
} sp_dim;
const char *dim_name(sp_dim d);
int dim_from_name(const char *name);             /* -1 when unknown */

typedef struct sp_filter_kv {
    sp_dim dim;
    char *value;
    sp_pos pos;
} sp_filter_kv;

typedef struct sp_filter {
    sp_filter_kv *kv;
    size_t n;
} sp_filter;

/* ---- the plan ---- */
typedef enum sp_pacing { PACING_LINEAR, PACING_SEASONAL } sp_pacing;
typedef enum sp_direction { DIR_AT_LEAST, DIR_AT_MOST } sp_direction;
typedef enum sp_goal_type { GOAL_RESULT, GOAL_PROCESS } sp_goal_type;

typedef struct sp_member {
    char *id, *name;
    sp_role role;
    bool has_visits_capacity;
    int64_t visits_per_month;
    char *email;                     /* for per-owner e-mail; NULL when not given */
    char *mobile;                    /* for @-mentions by phone number; NULL when not given */
    char *im_id;                     /* the member's id in the chat tool (@-mentions); NULL when not given */
    sp_pos pos, pos_email, pos_mobile, pos_im_id;
} sp_member;

typedef struct sp_group {
    char *id, *name;
    sp_filter focus;
    sp_member *members;
    size_t nmembers;
    sp_pos pos;
} sp_group;

/* A goal target: money, count, ratio (ppm), days… held as an int64 in the
 * metric's unit: money in fen, ratios in ppm, counts as integers, days and
 * count/month as hundredths (so "12.5" visits/month = 1250). */
typedef struct sp_goal {
    char *id, *name;
    bool name_given;                 /* false when derived from the parent */
    sp_goal_type type;
    sp_metric metric;
    char *target_text;               /* as written, for messages/export */
    int64_t target;
    char *period_text;
    sp_period period;
    char *owner;
    sp_direction direction;
    bool per_month;                  /* per: month */
    char **supports;
    size_t nsupports;
    sp_pos *pos_supports;            /* one per supports entry (may be NULL) */
    sp_filter filter;
    struct sp_goal *children;        /* the first split (`children:`) */
    size_t nchildren;
    struct sp_split *splits;         /* more independent splits (`splits:`) */
    size_t nsplits;
    struct sp_goal *parent;          /* NULL for a top-level goal */
    const char *split_by;            /* a child of splits[k]: that split's `by`
                                      * (borrowed); NULL otherwise */
    /* which keys were written explicitly (for inheritance / export) */
    bool has_type, has_metric, has_target, has_period, has_owner, has_direction, has_per, has_filter;
    sp_pos pos, pos_target, pos_period, pos_metric, pos_owner;
} sp_goal;

/* One more split of a goal's target (`splits:` in SPEC §4): its children
 * sum to the parent on their own, independently of `children` and of the
 * other splits. by: a filter dimension (region, industry, size, team, rep,
 * product, source, tier) or a period grain (half, quarter, month, week);
 * children take any goal key and inherit like `children`. */
typedef struct sp_split {
    char *by;
    struct sp_goal *children;
    size_t nchildren;
    sp_pos pos, pos_by;
} sp_split;

typedef enum sp_pest_factor { PEST_POLITICAL, PEST_ECONOMIC, PEST_SOCIAL, PEST_TECHNOLOGICAL, PEST_COUNT } sp_pest_factor;
typedef enum sp_effect { EFFECT_OPPORTUNITY, EFFECT_THREAT } sp_effect;
typedef enum sp_cap_kind { CAP_STRENGTH, CAP_WEAKNESS, CAP_CONSTRAINT } sp_cap_kind;

typedef struct sp_pest {
    char *id, *text;
    sp_pest_factor factor;
    sp_effect effect;
    int impact;                      /* 1..5, 0 when not given */
    sp_pos pos;
} sp_pest;

typedef struct sp_persona {
    char *id, *industry, *premium_text;
    sp_size size;
    char **pains;
    size_t npains;
    char **decision_chain;
    size_t ndecision_chain;
    sp_ratio premium_lo, premium_hi; /* from "20%..30%" */
    bool has_premium;
    sp_pos pos;
} sp_persona;

typedef struct sp_capability {
    char *id, *text;
    sp_cap_kind kind;
    sp_pos pos;
} sp_capability;

typedef enum sp_strategy_cat { STRAT_MARKET, STRAT_PRODUCT, STRAT_CUSTOMER, STRAT_CHANNEL } sp_strategy_cat;

typedef struct sp_strategy {
    char *id, *name;
    sp_strategy_cat category;
    char **goals;
    size_t ngoals;
    char **answers;
    size_t nanswers;
    sp_pos *pos_goals, *pos_answers; /* one per entry (may be NULL) */
    int priority;                    /* 0 when not given */
    sp_pos pos;
} sp_strategy;

typedef struct sp_task {
    char *id, *strategy, *name, *owner, *deliverable;
    char **collaborators;
    size_t ncollaborators;
    sp_day start, due;
    char **depends_on;
    size_t ndepends_on;
    bool milestone;
    bool has_budget;
    char *budget_category;
    sp_money budget_amount;
    char **resources;
    size_t nresources;
    sp_pos pos, pos_start, pos_due;
    sp_pos pos_owner, pos_strategy, pos_budget_category, pos_budget_amount;
    sp_pos *pos_collaborators, *pos_depends_on;  /* one per entry (may be NULL) */
} sp_task;

typedef struct sp_budget_cat {
    char *id, *name;
    sp_ratio share;
    bool share_invalid;              /* written but unreadable (reported by the reader) */
    sp_pos pos, pos_share;
} sp_budget_cat;

typedef struct sp_tier {
    char *id, *name;
    sp_money min;
    int review_every_days;           /* 0 when not given */
    sp_pos pos;
} sp_tier;

typedef struct sp_tier_days {
    char *tier;
    int days;
} sp_tier_days;

typedef struct sp_alerts_cfg {
    int stale_followup_days;         /* default 7; used when no per-tier map */
    sp_tier_days *stale_by_tier;     /* optional per-tier thresholds */
    size_t nstale_by_tier;
    int escalate_after_days;         /* default 14 */
    sp_ratio goal_off_pace_below;    /* default 90% */
    sp_ratio budget_overrun_above;   /* default 100% */
    bool task_overdue;               /* default true */
    bool tier_review_due;            /* default true */
} sp_alerts_cfg;

/* A reminder channel (SPEC §4 `notify:`). The signing secret is never in
 * the plan: secret_env names an environment variable, secret_file a file
 * (at most one of them). Sent by src/notify (salesplan notify, docs/NOTIFY.md):
 * the plan only records where and when. */
typedef struct sp_notify {
    char *kind, *url, *secret_env, *secret_file, *to;
    bool to_owner;
    int at;                          /* time of day in minutes after 00:00 (plan's time
                                      * zone), 0..1439; -1 when not given */
    int weekly_pack;                 /* 1 = monday … 7 = sunday; 0 when not given */
    sp_pos pos, pos_at, pos_weekly_pack;
} sp_notify;

/* plan_weekday_name: "monday" … "sunday" for 1..7, NULL otherwise.
 * plan_weekday_from_name: 1..7 for "monday" … "sunday", "周一" … "周日"
 * (also "星期一" … "星期日"); -1 otherwise. */
const char *plan_weekday_name(int wd);
int plan_weekday_from_name(const char *s);
/* plan_time_parse: "HH:MM" (24-hour, 00:00..23:59; the hour may have one
 * digit) into minutes after midnight; false when malformed.
 * plan_time_format: minutes 0..1439 as "HH:MM" into buf (6 bytes). */
bool plan_time_parse(const char *s, int *minutes);
char *plan_time_format(int minutes, char buf[6]);
/* plan_email_ok: one address local@domain: a single '@', both parts
 * non-empty, no blanks, commas, semicolons or angle brackets. */
bool plan_email_ok(const char *s);

typedef struct sp_plan {
    char *id, *name, *currency, *timezone;
    char *period_text;
    sp_period period;
    int fiscal_year_start;           /* 1..12, default 1 */
    sp_pacing pacing;
    sp_ratio max_growth;             /* check.max_growth, default 50% */

    sp_group *groups;
    size_t ngroups;
    sp_goal *goals;
    size_t ngoals;
    sp_pest *pest;
    size_t npest;
    sp_persona *personas;
    size_t npersonas;
    sp_capability *capabilities;
    size_t ncapabilities;
    sp_strategy *strategies;
    size_t nstrategies;
    sp_task *tasks;
    size_t ntasks;
    bool has_budget;
    sp_money budget_total;
    sp_budget_cat *budget_cats;
    size_t nbudget_cats;
    sp_tier *tiers;                  /* as written; see plan_tiers_sorted */
    size_t ntiers;
    sp_alerts_cfg alerts;
    sp_notify *notify;
    size_t nnotify;

    char *source_name;               /* file name used in messages */
} sp_plan;

sp_plan *plan_new(void);             /* zeroed, with SPEC defaults set */
void plan_free(sp_plan *p);
/* plan_set_defaults: fill the defaults of SPEC §4/§6 (fiscal_year_start 1,
 * Asia/Shanghai, CNY, alert thresholds, max_growth 50 %). */
void plan_set_defaults(sp_plan *p);
/* plan_default_tiers: strategic >= 100万, key >= 50万, potential >= 0
 * (review_every_days 30 for strategic). Fills p->tiers when empty. */
void plan_default_tiers(sp_plan *p);

/* goal_walk: depth-first pre-order over all goals (parents before children;
 * a goal's `children` first, then the children of each of its `splits`).
 * plan_goal_count: how many goals that visits. */
size_t plan_goal_count(const sp_plan *p);
typedef void (*sp_goal_fn)(const sp_goal *g, void *ctx);
void plan_goal_walk(const sp_plan *p, sp_goal_fn fn, void *ctx);
const sp_goal *plan_find_goal(const sp_plan *p, const char *id);
const sp_member *plan_find_member(const sp_plan *p, const char *id, const sp_group **group);
/* plan_team_name: the display name of team group id (its id when it has no
 * name); NULL when p has no such group. */
const char *plan_team_name(const sp_plan *p, const char *id);

/* ---- check (SPEC §4) ---- */
typedef enum sp_smart_letter { SMART_S, SMART_M, SMART_A, SMART_R, SMART_T, SMART_COUNT } sp_smart_letter;
typedef enum sp_verdict { VERDICT_PASS, VERDICT_WARN, VERDICT_FAIL, VERDICT_UNKNOWN } sp_verdict;

typedef struct sp_smart {
    const char *goal_id;             /* borrowed from the plan */
    const struct sp_goal *goal;      /* the goal itself, borrowed */
    sp_verdict v[SMART_COUNT];
    char *reason[SMART_COUNT];       /* owned, English */
} sp_smart;

typedef enum sp_severity { SEV_ERROR, SEV_WARNING } sp_severity;

typedef struct sp_diag {
    sp_severity sev;
    sp_pos pos;
    char *msg;                       /* owned, English */
} sp_diag;

typedef struct sp_check_result {
    sp_diag *diags;
    size_t ndiags, nerrors, nwarnings;
    sp_smart *smart;                 /* one per goal, pre-order */
    size_t nsmart;
} sp_check_result;

/* History the Achievable check may use: the actual of the same metric, same
 * filter, over the same period one year earlier. The caller supplies it
 * (from the store and the metric engine) through this callback; return false
 * when no history exists. */
typedef bool (*sp_history_fn)(const sp_goal *g, int64_t *last_year_actual, void *ctx);

/* plan_check: every check of SPEC §4 on a loaded plan. Appends to res
 * (zeroed by the caller, freed by check_result_free). history may be NULL. */
void plan_check(const sp_plan *p, sp_history_fn history, void *hctx, sp_check_result *res);
void check_result_free(sp_check_result *res);
void check_add(sp_check_result *res, sp_severity sev, sp_pos pos, const char *fmt, ...) SP_PRINTF(4, 5);

#endif
