/*
 * alerts.h — the alerts of SPEC §8 (stale follow-ups, overdue tasks, goals
 * off pace, budget overruns, strategic reviews due) and the tier report of
 * `salesplan tiers` (customers and T12M revenue per tier, movements between
 * two dates, strategic customers due a review).
 *
 * Pure: the caller loads the dataset (alerts_load_spec / tiers_load_spec),
 * the task states and the goal statuses, and passes the as-of date. Every
 * computation is one pass over each table plus a sort of the results
 * (O(n log n) at most), so it stays fast at a million customers and ten
 * million activities.
 *
 * Strings in results are borrowed: from the dataset's pool, from the plan,
 * from the goal-status input, or static. They live as long as those do.
 */
#ifndef SP_ALERTS_H
#define SP_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metrics.h"
#include "plan.h"
#include "records.h"
#include "tracking.h"
#include "value.h"

typedef enum sp_alert_kind {
    ALERT_STALE_FOLLOWUP,
    ALERT_TASK_OVERDUE,
    ALERT_GOAL_OFF_PACE,
    ALERT_BUDGET_OVERRUN,
    ALERT_TIER_REVIEW_DUE,
    ALERT_KIND_COUNT
} sp_alert_kind;

/* alert_kind_name: "stale_followup" …; alert_kind_from_name: -1 when unknown. */
const char *alert_kind_name(sp_alert_kind k);
int alert_kind_from_name(const char *s);

/* One alert. Which fields are meaningful depends on the kind:
 *   stale_followup   customer_id, last_touch (SP_DAY_NONE: no activity, days
 *                    counted from the earliest open deal), days, escalated,
 *                    leader, tier
 *   task_overdue     task_id, due, days (D − due), status
 *   goal_off_pace    goal_id, status, attainment, folded (the off-pace
 *                    children of a goal with several splits: one alert
 *                    for the parent instead of one per child)
 *   budget_overrun   category, allocated, spent (owner NULL)
 *   tier_review_due  customer_id, last_touch (latest visit/meeting; NONE when
 *                    never), days (−1 when never), tier */
typedef struct sp_alert {
    sp_alert_kind kind;
    const char *owner;                 /* the addressee; NULL when none */
    const char *leader;                /* escalated to, NULL when not escalated */
    bool escalated;
    const char *customer_id, *task_id, *goal_id, *category, *status, *tier;
    sp_day last_touch, due;
    int32_t days;
    sp_money allocated, spent;
    double attainment;
    bool has_attainment;
    /* goal_off_pace of a goal with several splits (`splits:`): the ids of
     * its children (of any of its splits) that are off pace too, folded
     * into this one alert instead of alerting each (owned array of
     * borrowed ids; freed by alerts_result_free) */
    const char **folded;
    size_t nfolded;
} sp_alert;

/* A goal's status as computed by the pace engine (the input of goal_off_pace;
 * strings borrowed). status: "on_track", "at_risk", "off_track", … */
typedef struct sp_goal_status_in {
    const char *goal_id, *owner, *status;
    double attainment;
    bool has_attainment;
} sp_goal_status_in;

typedef struct sp_alerts_input {
    const sp_dataset *ds;              /* indexed; see alerts_load_spec */
    const sp_plan *plan;               /* NULL: SPEC §6 defaults; task, goal and
                                        * budget alerts are then skipped */
    sp_day as_of;
    const sp_task_state *states;       /* stored task states (none = todo) */
    size_t nstates;
    const sp_goal_status_in *goals;    /* goal statuses (may be empty) */
    size_t ngoals;
    unsigned kinds;                    /* bitmask of 1u << kind; 0 = every kind */
    const char *rep;                   /* only alerts addressed to this rep
                                        * (owner or escalation leader); NULL = all */
} sp_alerts_input;

typedef struct sp_alerts_result {
    sp_alert *v;                       /* grouped by kind (enum order) */
    size_t n;
    size_t count[ALERT_KIND_COUNT];
    bool enabled[ALERT_KIND_COUNT];    /* which kinds were computed */
} sp_alerts_result;

/* alerts_enabled: the kinds the plan's alerts config enables (every kind
 * but the plan-dependent ones without a plan), as a bitmask. */
unsigned alerts_enabled(const sp_plan *plan);
/* alerts_load_spec: what the dataset must hold for the kinds in `kinds`
 * (0 = all enabled): reps and customers, deals created up to D, activities
 * up to D (every kind), spend of the plan's period up to D. */
void alerts_load_spec(const sp_plan *plan, sp_day as_of, unsigned kinds, sp_load_spec *spec);
/* alerts_compute: every enabled alert, ordered by kind; stale follow-ups and
 * reviews stalest first (ties by customer id), overdue tasks most overdue
 * first (ties by task id), goals in input order, budget in plan order then
 * unplanned categories by id. out zeroed by the caller; free with
 * alerts_result_free. */
void alerts_compute(const sp_alerts_input *in, sp_alerts_result *out);
void alerts_result_free(sp_alerts_result *r);

/* The strategic-review rule: the tier id that needs reviews ("strategic",
 * or the highest tier when the plan has no tier of that id) and its
 * review_every_days (default 30). */
typedef struct sp_review_rule {
    const char *tier;                  /* borrowed from the plan or static */
    int every_days;
} sp_review_rule;
void alerts_review_rule(const sp_plan *plan, sp_review_rule *rule);

/* ---- leaders: who a stale follow-up is escalated to ---- */
/* alerts_leader_of: the team leader of rep `owner`: the member with role
 * leader of the plan group containing owner (when it is not owner itself);
 * else, from the reps table, a rep with role leader in owner's team (active
 * ones first). NULL when none. owner need not be interned. */
const char *alerts_leader_of(const sp_plan *plan, const sp_dataset *ds, const char *owner);

/* ---- tiers (salesplan tiers) ---- */
typedef struct sp_tier_row {
    const char *tier;                  /* NULL: customers in no tier */
    sp_money min;
    size_t customers;
    sp_money t12m;
} sp_tier_row;

typedef struct sp_tier_pair {
    const char *from, *to;             /* NULL: no tier */
    size_t count;
} sp_tier_pair;

typedef struct sp_tier_move {
    const char *customer_id;
    const char *from, *to;
    sp_money t12m_since, t12m_now;
    bool upgrade;                      /* to a higher tier */
} sp_tier_move;

typedef struct sp_tiers_report {
    sp_day as_of, since;               /* since SP_DAY_NONE: no movements */
    sp_tier_row *rows;                 /* one per level (highest first), then a
                                        * NULL-tier row when some customer has none */
    size_t nrows;
    size_t customers;
    sp_money t12m_total;
    bool overflow;                     /* a T12M sum left the int64 range (saturated) */
    sp_tier_pair *pairs;               /* every from→to with a count, from-tier
                                        * order then to-tier order (unchanged included) */
    size_t npairs;
    sp_tier_move *moves;               /* changes only: upgrades first, then
                                        * downgrades, each by customer id */
    size_t nmoves, nupgrades, ndowngrades;
    sp_alert *reviews;                 /* tier_review_due, stalest first */
    size_t nreviews;
} sp_tiers_report;

/* tiers_load_spec: reps, customers, deals up to D (and the since date),
 * activities up to D. */
void tiers_load_spec(sp_day as_of, sp_day since, sp_load_spec *spec);
/* tiers_compute: the report over ds (indexed) with levels sorted by min
 * descending (tiers_from_plan). out zeroed by the caller; free with
 * tiers_report_free. */
void tiers_compute(const sp_dataset *ds, const sp_tier_level *levels, size_t nlevels,
                   const sp_review_rule *rule, sp_day as_of, sp_day since, sp_tiers_report *out);
void tiers_report_free(sp_tiers_report *r);

#endif
