/*
 * pages.h — what the page files (page_*.c) share: the frame for a request
 * (web_page from a web_req), the workspace data a page reads (plan,
 * dataset, task states, manual actuals, today), names for ids, and the
 * handlers the route table (page_routes.c) lists.
 *
 * Owns: nothing global. A page handler gathers through page_data_load
 * (store and core only: no SQL here), renders through html.h and svg.h
 * into resp->body, and frees what it loaded before it returns.
 */
#ifndef SP_WEB_PAGES_H
#define SP_WEB_PAGES_H

#include <stdbool.h>
#include <stddef.h>

#include "../app/app.h"
#include "../core/alerts.h"
#include "../core/metrics.h"
#include "../core/pace.h"
#include "../core/plan.h"
#include "../core/records.h"
#include "../core/tracking.h"
#include "html.h"
#include "svg.h"
#include "web.h"

/* ---- the frame ---- */

/* page_open: the frame for req with title and the current navigation
 * entry; plan_name shown in the header (may be NULL). */
void page_open(const web_req *req, web_resp *resp, const char *title, web_nav nav, const char *plan_name);
/* page_close: the end of the frame. */
void page_close(const web_req *req, web_resp *resp);
/* page_web: the web_page of req (borrowed strings). */
web_page page_web(const web_req *req, web_nav nav, const char *plan_name);

/* ---- the data a page reads ---- */

typedef struct page_data {
    sp_plan *plan;                   /* NULL when the workspace has none */
    sp_dataset *ds;                  /* every table, indexed */
    sp_tier_level *tiers;            /* levels in force (plan or defaults) */
    size_t ntiers;
    sp_task_state *states;
    size_t nstates;
    sp_actual *manual;
    size_t nmanual;
    sp_day today;                    /* in the plan's time zone */
    sp_day as_of;                    /* ?as_of= or today */
    size_t records;                  /* rows over every CRM table */
} page_data;

/* page_data_load: the workspace's only plan (or none), every CRM table,
 * the task states and manual actuals, today and the as-of date (the
 * request's as_of field when given). false with err on a store or plan
 * failure; free with page_data_free (also after a failure). */
bool page_data_load(const web_req *req, page_data *pd, sp_err *err);
void page_data_free(page_data *pd);
/* page_data_load_people: only the plan and the reps table (for pages that
 * name people but compute nothing: the users page); free with
 * page_data_free. */
bool page_data_load_people(const web_req *req, page_data *pd, sp_err *err);
/* page_begin: the start every page shares: page_data_load into *pd, then
 * the frame (page_open) and the page's <h1>title</h1>. false when the
 * load failed: the error page is already in resp and *pd is freed. */
bool page_begin(web_req *req, web_resp *resp, page_data *pd, const char *title, web_nav nav);

/* The caller's scope: a rep sees their own records, a manager their
 * groups' (plan teams), everyone else all (the app layer's sp_scope, so
 * the pages and the verbs draw the same line). */
sp_scope page_scope(const web_req *req);
bool page_rep_visible(const web_req *req, const page_data *pd, const char *rep_id);
/* page_is_rep: the caller is a rep (with a rep id). */
bool page_is_rep(const web_req *req);

/* page_paces: every goal's pace as of pd->as_of (pace_evaluate); free
 * with goal_paces_free. */
bool page_paces(const page_data *pd, sp_goal_pace **out, size_t *n, sp_err *err);
/* page_alerts: the alerts as of pd->as_of, goal statuses from paces, only
 * those addressed to rep (NULL: all) and, for a manager, to their groups;
 * kinds 0 = every kind. Free with alerts_result_free. */
void page_alerts(const web_req *req, const page_data *pd, const sp_goal_pace *paces, size_t npaces,
                 const char *rep, unsigned kinds, sp_alerts_result *out);
/* page_goal_owner: a goal's owner, inherited from its parents. */
const char *page_goal_owner(const sp_goal *g);

/* page_rep / page_customer: the record of an id from anywhere (request,
 * plan): a dataset pointer is found at once, any other string by its
 * content. NULL / false when the workspace has none. */
const sp_rep *page_rep(const page_data *pd, const char *id);
bool page_customer(const page_data *pd, const char *id, sp_customer *out);

/* ---- names, not ids ---- */

const char *page_rep_name(const page_data *pd, const char *id);      /* member or reps row; id when unknown */
const char *page_team_name(const page_data *pd, const char *id);
const char *page_customer_name(const page_data *pd, const char *id);
const char *page_tier_name(const page_data *pd, const char *id);
const char *page_goal_name(const page_data *pd, const char *id);
const char *page_category_name(const page_data *pd, const char *id);
const char *page_metric_label(sp_metric m);                           /* English msgid */
const char *page_status_label(sp_goal_status s);                      /* English msgid */
const char *page_task_status_label(sp_task_status s);                 /* English msgid */
sp_task_status page_task_status(const page_data *pd, const char *task_id, int *progress);

/* page_date: "2026-11-26" into out. */
void page_date(buf_t *out, sp_day d);
/* page_status_badge: <span class="st …">label</span>. */
void page_status_badge(buf_t *out, sp_goal_status s);
/* page_no_plan: the empty state of a workspace without a plan. */
void page_no_plan(buf_t *out);
/* page_notice_from: the ?ok= / ?err= notice a redirect left (fixed keys). */
void page_notice_from(const web_req *req, buf_t *out);

/* ---- the handlers (page_routes.c lists them) ---- */
web_handler_fn page_dashboard;
web_handler_fn page_goal;
web_handler_fn page_plan;
web_handler_fn page_tasks;
web_handler_fn page_task_set;
web_handler_fn page_customers;
web_handler_fn page_followups;
web_handler_fn page_activity_add;
web_handler_fn page_budget;
web_handler_fn page_reviews;
web_handler_fn page_review_add;
web_handler_fn page_imports;
web_handler_fn page_import_post;
web_handler_fn page_analysis;      /* page_analysis.c */
web_handler_fn page_strategies;
web_handler_fn page_users;         /* page_admin.c: users and API tokens (admin) */
web_handler_fn page_user_add;
web_handler_fn page_user_disable;
web_handler_fn page_user_enable;
web_handler_fn page_user_passwd;
web_handler_fn page_token_add;
web_handler_fn page_token_revoke;

#endif
