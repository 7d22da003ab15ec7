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
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../core/plan.h"
#include "../core/records.h"
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
    int kind;                        /* one sp_alert_kind, or -1 for every kind */
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

#endif
