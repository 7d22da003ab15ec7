/*
 * app.h — the application layer: one verb per question, shared by every
 * face (the CLI today, the web server next).
 *
 * A verb takes a request struct (the open workspace, the plan id, the
 * as-of date, filters, the caller's scope and language) and fills a result
 * struct, or returns false with an error value (sp_err). It never prints,
 * never exits, reads no environment and keeps no state between calls, so a
 * threaded server can run verbs side by side, one store handle per thread.
 * A face parses its input into the request, calls the verb and renders the
 * result: the JSON writers here (app_*_json) are the one JSON shape of each
 * result, shared by the CLI's --format json and the API, byte for byte.
 *
 * Owns: loading the plan, resolving the as-of date (today in the plan's
 * time zone, computed without touching TZ: app_today), the load sequence
 * (tiers from the plan → load spec → dataset → core), enforcing the
 * caller's scope on every row a result holds, and notes (warnings) as
 * values. Must not: print, exit, talk SQL (that is store/'s), compute
 * metrics itself (that is core/'s).
 *
 * Language: a verb sets the thread's message language (i18n_set_lang,
 * thread-local) to the request's for the time of the call, so every message
 * it builds — errors, notes — is in the caller's language, whatever another
 * thread asks for.
 */
#ifndef SP_APP_H
#define SP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/alerts.h"
#include "../core/budget.h"
#include "../core/funnel.h"
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../core/plan.h"
#include "../core/plandiff.h"
#include "../core/records.h"
#include "../core/schedule.h"
#include "../io/import.h"
#include "../io/plan_show.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* ---- the caller's scope: whose records a result may hold ---- */

typedef enum sp_scope_kind {
    SCOPE_ALL,      /* everything (admin, director, the CLI) */
    SCOPE_GROUPS,   /* the members of some plan groups (a manager): their customers, tasks, alerts */
    SCOPE_REP,      /* one rep: their own customers, tasks and alerts only */
    SCOPE_KIND_COUNT
} sp_scope_kind;

typedef struct sp_scope {
    sp_scope_kind kind;
    const char *rep;                 /* SCOPE_REP: the rep id */
    const char *const *groups;       /* SCOPE_GROUPS: plan group (team) ids */
    size_t ngroups;
} sp_scope;

/* app_scope_has_rep: whether rep id is inside scope: always for SCOPE_ALL;
 * the rep itself for SCOPE_REP; for SCOPE_GROUPS a member of one of the
 * groups in the plan, or a rep whose team (reps table of ds) is one of
 * them. plan and ds may be NULL. A NULL rep is inside SCOPE_ALL only. */
bool app_scope_has_rep(const sp_scope *scope, const sp_plan *plan, const sp_dataset *ds, const char *rep);

/* ---- what every request carries ---- */

typedef struct sp_app_req {
    sp_store *st;                    /* the open workspace (borrowed; one thread at a time) */
    const char *plan_id;             /* NULL: the workspace's only plan */
    sp_day as_of;                    /* SP_DAY_NONE: today in the plan's time zone */
    sp_day today;                    /* SP_DAY_NONE: read the clock (tests pin it) */
    sp_scope scope;
    sp_lang lang;                    /* language of every message the verb builds */
} sp_app_req;

/* A note: a warning or remark that does not stop the verb, as a value (the
 * CLI prints it to stderr, the web shows it). line > 0: located in the
 * plan file (line, col). */
typedef struct sp_app_note {
    char *text;
    bool warning;                    /* "warning: …" */
    int line, col;
} sp_app_note;

typedef struct sp_app_notes {
    sp_app_note *v;
    size_t n;
} sp_app_notes;

void app_notes_add(sp_app_notes *notes, bool warning, int line, int col, const char *fmt, ...) SP_PRINTF(5, 6);
void app_notes_free(sp_app_notes *notes);

/* ---- shared steps (also used by faces that are not verbs yet) ---- */

/* app_today: today's date at unix time now in time zone tz (an IANA name
 * such as "Asia/Shanghai"; NULL or "": Asia/Shanghai), read from the tz
 * database files (/usr/share/zoneinfo) without touching TZ or any other
 * process state: thread-safe. An unknown zone is UTC (as the C library
 * does). */
sp_day app_today(const char *tz, int64_t now);
/* tz_utc_offset: the offset from UTC in seconds of zone tz at unix time t;
 * false when tz is not a valid name or has no readable zone file. */
bool tz_utc_offset(const char *tz, int64_t t, int32_t *offset);
/* app_as_of: rq->as_of, else rq->today, else today in the plan's zone
 * (plan may be NULL). */
sp_day app_as_of(const sp_app_req *rq, const sp_plan *plan);

/* app_no_plan_msg: "the workspace has no plan yet: run 'salesplan plan
 * import FILE' first", translated. */
const char *app_no_plan_msg(void);
/* app_load_plan: the plan named plan_id, or the workspace's only plan.
 * *plan NULL (and true) when the workspace has none and !required; with
 * required that is the error app_no_plan_msg (SP_ENOTFOUND). Several plans
 * and no id: SP_EUSAGE. Caller frees *plan with plan_free. */
bool app_load_plan(sp_store *st, const char *plan_id, bool required, sp_plan **plan, sp_err *err);

/* app_resolve_where: every value of filter f checked against what the
 * workspace's data holds for its key and the plan's own ids (groups,
 * members, tiers or the default tiers, budget categories, strategies). A
 * plan name of a team, rep, tier, category or strategy (制造业组) is
 * replaced by its id when it names exactly one (the values stay
 * malloc'ed). A value that matches nothing, when anything is known for its
 * key, is the SP_EUSAGE error "no region '华男' in the workspace or the
 * plan (did you mean 华南?); known: …". */
bool app_resolve_where(sp_store *st, const sp_plan *plan, sp_filter *f, sp_err *err);
/* app_goal_filter_notes: one warning note for each value of a goal's
 * filter (every level of a split; each key=value once) that the data does
 * not hold, when the data holds anything for that key ("goal G: no region
 * 'X' in the workspace: the goal counts nothing …"), located at the value
 * in the plan file. Reads only. false on a store failure. */
bool app_goal_filter_notes(sp_store *st, const sp_plan *plan, sp_app_notes *notes, sp_err *err);

/* app_goal_owner: the goal's owner, inherited from its parents (SPEC §4). */
const char *app_goal_owner(const sp_goal *g);
/* app_goal_statuses: every goal's status from the pace engine over ds
 * (loaded with pace_load_spec merged in), as core/alerts takes them
 * (`alerts`, `notify`). *out is malloc'ed; its strings are borrowed from
 * the plan or static. false with err when the engine fails. */
bool app_goal_statuses(const sp_plan *plan, const sp_dataset *ds, const sp_actual *manual, size_t nmanual,
                       sp_day as_of, sp_goal_status_in **out, size_t *n, sp_err *err);
/* app_goal_in_scope: a goal the caller may see: SCOPE_ALL: every goal;
 * otherwise a goal whose owner (inherited) is inside the scope, or whose
 * own filter names only reps (rep=) inside it (SCOPE_GROUPS: also only
 * teams (team=) among its groups). */
bool app_goal_in_scope(const sp_scope *scope, const sp_plan *plan, const sp_goal *g);

/* ---- status: every goal with its pace (SPEC §7) ---- */

typedef struct sp_status_req {
    sp_app_req r;
    const char *goal_id;             /* only this goal and its children; NULL: all */
} sp_status_req;

typedef struct sp_status_res {
    sp_plan *plan;                   /* owned */
    sp_day as_of;
    sp_goal_pace *goals;             /* pre-order, parents first (pace_evaluate) */
    size_t n;
    size_t root;                     /* goal_id's index; SIZE_MAX: every goal */
    bool *shown;                     /* per goal: inside the caller's scope */
    sp_app_notes notes;              /* goal filters that match nothing */
    bool bad_param;                  /* the error is about a request parameter (goal_id) */
} sp_status_res;

/* app_status: every goal of the plan (required) as of the request's date.
 * res zeroed by the caller; free with app_status_free (also after a
 * failure). */
bool app_status(const sp_status_req *rq, sp_status_res *res, sp_err *err);
void app_status_free(sp_status_res *res);
/* app_status_visible: goal i is shown: in root's subtree (when root is
 * set) and in the caller's scope. */
bool app_status_visible(const sp_status_res *res, size_t i);
/* app_status_json: {"plan", "as_of", "goals": [{…, "children": […]}]}:
 * each shown goal under its nearest shown ancestor. Appends to out. */
void app_status_json(const sp_status_res *res, buf_t *out);

/* ---- kpi: any metric for a period, filter and breakdown (SPEC §6) ---- */

typedef struct sp_kpi_req {
    sp_app_req r;
    sp_metric metric;
    const char *period;              /* "2026-Q3" … (parsed with the plan's fiscal year) */
    const sp_filter *where;          /* borrowed, may be NULL; copied before names become ids */
    sp_bykey by[KPI_MAX_BY];
    size_t nby;
    bool explain;
    size_t limit;                    /* explain rows kept (0: none) */
} sp_kpi_req;

typedef struct sp_kpi_res {
    sp_plan *plan;                   /* owned; NULL when the workspace has none */
    sp_dataset *ds;                  /* owned: names for the faces */
    sp_kpi_query q;                  /* as computed; q.where owned by the result */
    sp_kpi_result res;
    sp_tier_level *tiers;            /* owned (q.tiers) */
    bool bad_param;                  /* the error is about a request parameter */
} sp_kpi_res;

/* app_kpi: q computed over the workspace. The caller's scope narrows the
 * filter: SCOPE_REP adds rep=REP (a rep= value of the request outside the
 * scope is SP_EFORBIDDEN), SCOPE_GROUPS team=… likewise. res zeroed by the
 * caller; free with app_kpi_free (also after a failure). */
bool app_kpi(const sp_kpi_req *rq, sp_kpi_res *res, sp_err *err);
void app_kpi_free(sp_kpi_res *res);
/* app_kpi_json: the SPEC §6 object (kpi_to_json). Appends to out. */
void app_kpi_json(const sp_kpi_res *res, buf_t *out);

/* ---- alerts (SPEC §8) ---- */

typedef struct sp_alerts_req {
    sp_app_req r;
    const char *rep;                 /* only alerts addressed to this rep (owner or escalation); NULL all */
    unsigned kinds;                  /* bitmask of 1u << sp_alert_kind; 0: every kind */
} sp_alerts_req;

typedef struct sp_alerts_res {
    sp_plan *plan;                   /* owned; NULL: defaults (no plan) */
    sp_dataset *ds;                  /* owned: names for the faces */
    sp_day as_of;
    sp_alerts_result alerts;         /* only the caller's: counts are of what it holds */
    sp_app_notes notes;
    bool bad_param;
    /* owned inputs the alerts borrow strings from */
    sp_task_state *states;
    size_t nstates;
    sp_goal_status_in *goal_in;
    size_t ngoal_in;
    sp_actual *manual;
    size_t nmanual;
} sp_alerts_res;

/* app_alerts: the alerts as of the request's date. The caller's scope
 * keeps the alerts whose owner is inside it (budget overruns, which have
 * no owner, only for SCOPE_ALL). res zeroed by the caller; free with
 * app_alerts_free (also after a failure). */
bool app_alerts(const sp_alerts_req *rq, sp_alerts_res *res, sp_err *err);
void app_alerts_free(sp_alerts_res *res);
/* app_alerts_json: {"as_of", "counts": {kind: n}, "alerts": […]} (SPEC §8). */
void app_alerts_json(const sp_alerts_res *res, buf_t *out);
/* app_alerts_json_to: the same, handing out to flush (which empties it)
 * whenever it holds 64 KiB or more, so that 100k alerts are not one string
 * in memory; flush NULL: all in out. */
void app_alerts_json_to(const sp_alerts_res *res, buf_t *out, void (*flush)(buf_t *out, void *ctx), void *ctx);

/* ---- tasks: the task plan with states, schedule, overdue (SPEC §1 step 4) ---- */

#define APP_LOAD_LIMIT 3             /* more owned active tasks in a week than this is overloaded */

/* One task as shown: the plan's task, its schedule and its stored state. */
typedef struct sp_task_row {
    const sp_task *t;                /* borrowed from the result's plan */
    const sp_sched_task *s;          /* borrowed from the result's schedule */
    sp_task_status status;
    int progress;
    bool overdue;
    int32_t days_overdue;
} sp_task_row;

typedef struct sp_tasks_req {
    sp_app_req r;
    const char *owner;               /* tasks owner owns or collaborates on; NULL all */
    bool only_overdue;
    bool only_critical;              /* the forecast critical path, in its order */
    bool keep_people;                /* the load view: owner filters people (app_tasks_load), not rows */
} sp_tasks_req;

typedef struct sp_tasks_res {
    sp_plan *plan;                   /* owned */
    sp_day as_of;
    sp_schedule sched;               /* every task of the plan (owned) */
    bool *visible;                   /* per sched.t: inside the caller's scope */
    sp_task_state *states;           /* owned */
    size_t nstates;
    sp_task_row *rows;               /* the selected tasks (owned array) */
    size_t n;
} sp_tasks_res;

/* app_tasks: the plan's (required) tasks as of the request's date, with
 * their states and the planned and forecast schedule; rows in plan order
 * (or the critical path's), filtered as asked. The caller's scope keeps
 * the tasks owned or collaborated on by someone inside it. res zeroed by
 * the caller; free with app_tasks_free. */
bool app_tasks(const sp_tasks_req *rq, sp_tasks_res *res, sp_err *err);
void app_tasks_free(sp_tasks_res *res);
/* app_tasks_json: {"plan", "as_of", "tasks": […], "critical_path",
 * "planned_critical_path", "planned_end", "forecast_end"} (2-space
 * indented; the paths hold only tasks the caller may see). */
void app_tasks_json(const sp_tasks_res *res, buf_t *out);

/* One person's load in one ISO week. */
typedef struct sp_load_cell {
    const char *who;                 /* borrowed from the plan */
    sp_day week;                     /* Monday */
    int owned, collab;
} sp_load_cell;

/* app_tasks_load: for every person (owners and collaborators of the rows,
 * by id; only `only` when not NULL) and every ISO week of the rows'
 * planned span, the tasks active that week they own and collaborate on;
 * weeks with neither left out. A new array of *n cells by person then
 * week (caller frees). */
sp_load_cell *app_tasks_load(const sp_tasks_res *res, const char *only, size_t *n);
/* app_tasks_load_json: {"plan", "as_of", "limit", "load": […]}. */
void app_tasks_load_json(const sp_tasks_res *res, const sp_load_cell *v, size_t n, buf_t *out);

typedef struct sp_task_set_req {
    sp_app_req r;
    const char *task_id;
    sp_task_status status;
    int progress;                    /* 0..100; -1: 100 for done, else 0 */
} sp_task_set_req;

typedef struct sp_task_set_res {
    sp_plan *plan;                   /* owned */
    int progress;                    /* as stored */
} sp_task_set_res;

/* app_task_set: stores the status and progress of a task of the plan's
 * current version, in one transaction (st opened for writing). A task that
 * does not exist, or that the caller's scope does not hold (a rep: tasks
 * they own or collaborate on), is SP_ENOTFOUND. */
bool app_task_set(const sp_task_set_req *rq, sp_task_set_res *res, sp_err *err);
void app_task_set_free(sp_task_set_res *res);

/* ---- funnel: what a revenue goal needs per month (SPEC §7) ---- */

typedef struct sp_funnel_req {
    sp_app_req r;
    const char *goal_id;             /* NULL: the first top-level revenue goal in scope */
    const sp_funnel_whatif *whatif;  /* changed rates (NULL or n == 0: none) */
} sp_funnel_req;

typedef struct sp_funnel_res {
    sp_plan *plan;                   /* owned */
    const sp_goal *goal;             /* borrowed from plan */
    sp_day as_of;
    sp_lang lang;                    /* of the texts in the result ("missing") */
    sp_funnel_in in;
    sp_funnel_out out;
    bool has_whatif;
    sp_funnel_whatif whatif;         /* as asked (copy) */
    sp_funnel_out wout;              /* with the what-if */
    bool bad_param;
} sp_funnel_res;

/* app_funnel: the reverse funnel of a revenue goal in the caller's scope
 * (a goal outside it is "no goal"). res zeroed by the caller; free with
 * app_funnel_free. */
bool app_funnel(const sp_funnel_req *rq, sp_funnel_res *res, sp_err *err);
void app_funnel_free(sp_funnel_res *res);
/* app_funnel_json: {"goal", "period", "as_of", "target", …, "missing",
 * ["what_if"]}. */
void app_funnel_json(const sp_funnel_res *res, buf_t *out);

/* One quantity compared by the what-if: a need per month, a ratio or an
 * amount (fen). */
typedef struct sp_whatif_row {
    const char *label;               /* N_() text */
    const char *key;                 /* JSON key */
    int kind;                        /* 0 need, 1 ratio, 2 money */
    bool has_a, has_b;
    double a, b;
    sp_money ma, mb;
} sp_whatif_row;
#define APP_WHATIF_NROWS 8
/* app_funnel_whatif_rows: current (c) against what-if (w), in the order
 * shown: three rates, then five needs per month. */
void app_funnel_whatif_rows(const sp_funnel_out *c, const sp_funnel_out *w, sp_whatif_row *rows);

/* ---- names, not ids, where a person reads ---- */

/* app_rep_name: the name of rep id (the reps table of ds, else the plan's
 * member), else id itself. ds and plan may be NULL. */
const char *app_rep_name(const sp_plan *plan, const sp_dataset *ds, const char *id);
/* app_tier_name: the plan's name of tier id (战略客户), else the default
 * name (strategic, key, potential) in lang, else id; "—" for NULL. */
const char *app_tier_name(const sp_plan *plan, const char *id, sp_lang lang);

/* ---- tiers: customers and revenue per tier, movements, reviews due ---- */

typedef struct sp_tiers_req {
    sp_app_req r;
    sp_day since;                    /* movements since (SP_DAY_NONE: none) */
} sp_tiers_req;

typedef struct sp_tiers_res {
    sp_plan *plan;                   /* owned; NULL: default tiers */
    sp_dataset *ds;                  /* owned: names for the faces */
    sp_lang lang;                    /* of the tier names in the result */
    sp_review_rule rule;
    sp_tier_level *levels;           /* owned */
    size_t nlevels;
    sp_tiers_report rep;
    bool bad_param;
} sp_tiers_res;

/* app_tiers: the tier report as of the request's date. Whole-company
 * figures: only SCOPE_ALL (others: SP_EFORBIDDEN). res zeroed by the
 * caller; free with app_tiers_free. */
bool app_tiers(const sp_tiers_req *rq, sp_tiers_res *res, sp_err *err);
void app_tiers_free(sp_tiers_res *res);
/* app_tiers_json: {"as_of", "since", "tiers", "total", "movements",
 * "reviews_due"}. */
void app_tiers_json(const sp_tiers_res *res, buf_t *out);

/* ---- budget: allocated, committed, spent per category ---- */

typedef struct sp_budget_req {
    sp_app_req r;
} sp_budget_req;

typedef struct sp_budget_res {
    sp_plan *plan;                   /* owned */
    sp_dataset *ds;                  /* owned: the report borrows from it */
    sp_budget_report rep;
} sp_budget_res;

/* app_budget: the budget report of the plan (required, with a budget
 * section: else SP_ENOTFOUND) as of the request's date. Only SCOPE_ALL
 * (others: SP_EFORBIDDEN). res zeroed by the caller; free with
 * app_budget_free. */
bool app_budget(const sp_budget_req *rq, sp_budget_res *res, sp_err *err);
void app_budget_free(sp_budget_res *res);
/* app_budget_json: {"plan", "as_of", "period", "total", "overrun_above",
 * "categories", "totals", "strategies"}. */
void app_budget_json(const sp_budget_res *res, buf_t *out);

/* ---- plans: list, the plan table, versions, diff ---- */
/* A plan is shared by everyone who may see it: no scope narrows these. */

typedef struct sp_plan_list_res {
    sp_plan_info *v;                 /* one per plan (its latest version) */
    size_t n;
} sp_plan_list_res;

/* app_plan_list: the plans of the workspace. Free with app_plan_list_free. */
bool app_plan_list(const sp_app_req *rq, sp_plan_list_res *res, sp_err *err);
void app_plan_list_free(sp_plan_list_res *res);
/* app_plan_list_json: {"plans": [{"id", "name", "version", "created_at", "reason"}]}. */
void app_plan_list_json(const sp_plan_list_res *res, buf_t *out);

typedef struct sp_plan_show_req {
    sp_app_req r;
    int step;                        /* 1..PLAN_SHOW_STEPS, 0: every step */
    sp_show_format format;           /* text, Markdown, printable HTML */
} sp_plan_show_req;

typedef struct sp_plan_show_res {
    sp_plan *plan;                   /* owned */
    buf_t text;                      /* the rendered plan table */
} sp_plan_show_res;

/* app_plan_show: the plan table of the plan (required) in the request's
 * language. Free with app_plan_show_free. */
bool app_plan_show(const sp_plan_show_req *rq, sp_plan_show_res *res, sp_err *err);
void app_plan_show_free(sp_plan_show_res *res);

typedef struct sp_plan_versions_res {
    char *id;                        /* the plan */
    sp_plan_info *v;                 /* oldest first */
    size_t n;
} sp_plan_versions_res;

/* app_plan_versions: every stored version of the request's plan (or the
 * only one). A plan without versions is SP_ENOTFOUND. */
bool app_plan_versions(const sp_app_req *rq, sp_plan_versions_res *res, sp_err *err);
void app_plan_versions_free(sp_plan_versions_res *res);
/* app_plan_versions_json: {"plan", "versions": [{"version", "name", "created_at", "reason"}]}. */
void app_plan_versions_json(const sp_plan_versions_res *res, buf_t *out);

typedef struct sp_plan_diff_req {
    sp_app_req r;
    int v1, v2;                      /* versions, from 1 */
} sp_plan_diff_req;

typedef struct sp_plan_diff_res {
    char *id;
    int v1, v2;
    sp_lang lang;                    /* of the change lines */
    sp_plan *a, *b;                  /* owned: the two versions */
    sp_plan_diff d;
    const char *reason;              /* why v2 was stored (borrowed from infos), may be NULL */
    sp_plan_info *infos;
    size_t ninfos;
} sp_plan_diff_res;

/* app_plan_diff: what changed from v1 to v2. Free with app_plan_diff_free. */
bool app_plan_diff(const sp_plan_diff_req *rq, sp_plan_diff_res *res, sp_err *err);
void app_plan_diff_free(sp_plan_diff_res *res);
/* app_plan_diff_text: one change as a readable line in the thread's
 * language (no newline), appended to out. */
void app_plan_diff_text(const sp_diff_change *c, buf_t *out);
/* app_plan_diff_json: {"plan", "from", "to", "reason", "changes": […]}. */
void app_plan_diff_json(const sp_plan_diff_res *res, buf_t *out);

/* ---- reviews (SPEC §1 step 6) ---- */

#define APP_REVIEW_TEXT_MAX 4000     /* bytes per cause / lesson / action */
#define APP_REVIEW_ITEMS_MAX 20      /* causes (lessons, actions) per review */

/* app_review_item_check: one cause (lesson, action) text, the count-th of
 * its kind: at most APP_REVIEW_TEXT_MAX bytes of UTF-8 on one line, at
 * most APP_REVIEW_ITEMS_MAX per kind; what names it in the message
 * ("--cause"). false with SP_EUSAGE. */
bool app_review_item_check(const char *what, const char *s, int count, sp_err *err);

typedef struct sp_review_add_req {
    sp_app_req r;
    const char *period;              /* required: 2026-10, 2026-Q3 … */
    const char *goal_id;             /* may be NULL */
    const char *const *causes, *const *lessons, *const *actions;
    size_t ncauses, nlessons, nactions;   /* at least one item in all */
    int plan_version;                /* the version it led to; 0 none */
} sp_review_add_req;

typedef struct sp_review_add_res {
    int64_t id;
    bool bad_param;
} sp_review_add_res;

/* app_review_add: records a review of the plan (required) in one
 * transaction (st opened for writing); *res->id its id. An unknown goal or
 * version is SP_ENOTFOUND; empty or bad items SP_EUSAGE. */
bool app_review_add(const sp_review_add_req *rq, sp_review_add_res *res, sp_err *err);

typedef struct sp_review_list_req {
    sp_app_req r;
    const char *period;              /* NULL: every review */
} sp_review_list_req;

typedef struct sp_review_list_res {
    char *plan_id;
    sp_review *v;                    /* oldest first */
    size_t n;
    bool bad_param;
} sp_review_list_res;

bool app_review_list(const sp_review_list_req *rq, sp_review_list_res *res, sp_err *err);
void app_review_list_free(sp_review_list_res *res);
/* app_review_list_json: {"plan", "reviews": [{"id", "period", "goal",
 * "causes": [], "lessons": [], "actions": [], "plan_version", "created_at"}]}. */
void app_review_list_json(const sp_review_list_res *res, buf_t *out);

/* ---- actuals of manual goals ---- */

typedef struct sp_actual_req {
    sp_app_req r;
    const char *goal_id;
    sp_day on;
    int64_t value;                   /* hundredths of the goal's unit */
} sp_actual_req;

typedef struct sp_actual_res {
    sp_app_notes notes;              /* the day outside the goal's period */
} sp_actual_res;

/* app_actual_set: the manual actual of a goal on a day (replacing that
 * day's), in one transaction. A goal that does not exist or is outside the
 * caller's scope is SP_ENOTFOUND; a goal whose metric is computed is
 * SP_EINVAL. Free with app_actual_free. */
bool app_actual_set(const sp_actual_req *rq, sp_actual_res *res, sp_err *err);
void app_actual_free(sp_actual_res *res);

/* ---- activities: log a visit or call ---- */

typedef struct sp_activity_add_req {
    sp_app_req r;
    const char *customer_id;
    sp_actkind kind;                 /* visit, call, e-mail, meeting, other */
    sp_day on;                       /* SP_DAY_NONE: the request's as-of date (today) */
    const char *rep;                 /* NULL: the customer's owner (SCOPE_REP: the rep) */
    const char *id;                  /* NULL: a new id "act-<customer>-<date>-<n>" */
} sp_activity_add_req;

typedef struct sp_activity_add_res {
    char *id;                        /* the activity's id */
    char *rep;                       /* who it is logged for */
    sp_day on;
    bool bad_param;
} sp_activity_add_res;

/* app_activity_add: stores one activity of a customer in one transaction
 * (st opened for writing), so the stale follow-up it answers is gone from
 * the next alerts. A customer that does not exist, or (SCOPE_REP,
 * SCOPE_GROUPS) is not owned by someone in the scope, is SP_ENOTFOUND
 * alike; a rep scope logs only for the rep itself. A day after today is
 * SP_EUSAGE. Free with app_activity_add_free. */
bool app_activity_add(const sp_activity_add_req *rq, sp_activity_add_res *res, sp_err *err);
void app_activity_add_free(sp_activity_add_res *res);

/* ---- records pushed one by one (the JSON API): upsert, all or nothing ---- */

#define APP_RECORDS_MAX 1000         /* records per call */
#define APP_RECORD_VALUE_MAX 4096    /* bytes per value */

/* One record as a face received it: field names (the canonical columns of
 * docs/IMPORT.md, or any of their import aliases) and their values as
 * text, parsed by the import's rules (import_parse_row). */
typedef struct sp_record_in {
    const char *const *keys;
    const char *const *values;       /* NULL or "": empty (the column's default) */
    size_t n;
} sp_record_in;

/* A problem (or a warning) of one record. */
typedef struct sp_record_msg {
    size_t index;                    /* the record, from 0 */
    char *field;                     /* the field as given (or the canonical column); NULL: the record */
    char *text;                      /* why, translated, without the field */
    sp_errclass cls;                 /* SP_EINVAL; SP_ENOTFOUND for a customer that does not exist or is
                                      * outside the caller's scope; SP_EFORBIDDEN a rep outside it */
} sp_record_msg;

typedef struct sp_records_req {
    sp_app_req r;
    sp_table table;
    const sp_record_in *recs;
    size_t n;                        /* 1 .. APP_RECORDS_MAX */
    bool strict;                     /* references that name nothing are errors (import --strict) */
} sp_records_req;

typedef struct sp_records_res {
    sp_table table;
    size_t n;                        /* records written (0 on any error) */
    sp_any_record *recs;             /* as written; strings owned by the result */
    size_t matched;                  /* names replaced by ids */
    sp_record_msg *errors;           /* every problem (nothing written when any) */
    size_t nerrors;
    sp_record_msg *warnings;         /* references kept as they are */
    size_t nwarnings;
    bool hidden;                     /* an error is a record outside the caller's scope: answer 404 */
    /* owned storage the records point into */
    char ***fields;
    size_t *nfields;
    size_t nalloc;
    sp_import_refs *refs;
} sp_records_res;

/* app_records_upsert: validates every record with the CSV import's rules
 * and messages (docs/IMPORT.md: columns, aliases, values, references
 * checked against the workspace and the plans — a name becomes its id, a
 * value naming nothing is a warning, an error when strict), refuses an
 * unknown or repeated field and an id used twice in the call, then
 * upserts them all in ONE transaction; any problem: nothing is written,
 * false with err listing "record N: field: why" (N from 1) and
 * res->errors. A record replaces the stored row with its id whole, as an
 * import does; the store refreshes its snapshot at the commit, as after an
 * import.
 * Activities follow `activity add` (app_activity_add): customer_id is
 * required and must exist inside the caller's scope (else SP_ENOTFOUND,
 * "no customer 'X'"), rep_id defaults to the rep of a rep scope, else to
 * the customer's owner, and must be a known rep inside the scope;
 * occurred_on defaults to the request's as-of date (today) and may not be
 * after today; kind defaults to visit; activity_id to a new
 * "act-CUSTOMER-YYYYMMDD-XXXXXXXX". Every other table: only SCOPE_ALL
 * (else SP_EFORBIDDEN). res zeroed by the caller; free with
 * app_records_free (also after a failure). */
bool app_records_upsert(const sp_records_req *rq, sp_records_res *res, sp_err *err);
void app_records_free(sp_records_res *res);
/* app_records_json: {"table", "written", "ids": [...], "matched",
 * "warnings": [{"index", "field", "message"}]}; for activities
 * {"created": [{"id", "customer_id", "rep_id", "occurred_on", "kind"}]}. */
void app_records_json(const sp_records_res *res, buf_t *out);
/* app_records_errors_json: res->errors as a JSON array [{"index",
 * "field", "message"}] (appended to out). */
void app_records_errors_json(const sp_records_res *res, buf_t *out);

/* ---- request parameters from text (every face the same messages) ---- */

/* app_parse_metric: a computable metric by name; SP_EUSAGE "unknown metric
 * 'X' (did you mean 'Y'?)" (or the list), or the note that manual actuals
 * are entered, not computed. */
bool app_parse_metric(const char *name, sp_metric *out, sp_err *err);
/* app_parse_where: KEY=VALUE (also KEY:VALUE) appended to f (values
 * malloc'ed: app_filter_free); SP_EUSAGE on a bad shape or key. */
bool app_parse_where(const char *arg, sp_filter *f, sp_err *err);
/* app_parse_by: "month,region" appended to by[*nby] (at most KPI_MAX_BY
 * in all); SP_EUSAGE on an unknown key or too many. */
bool app_parse_by(const char *arg, sp_bykey *by, size_t *nby, sp_err *err);
/* app_filter_free: frees the values of f and its array. */
void app_filter_free(sp_filter *f);

#endif
