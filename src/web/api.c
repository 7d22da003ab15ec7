/*
 * api.c — the JSON API /api/v1/…: each handler turns the validated fields
 * into an app request (with the caller's scope and language), calls the
 * app verb and writes the verb's own JSON (the bytes `--format json`
 * prints). Nothing is computed here.
 */
#include "api.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/app.h"
#include "auth.h"
#include "http.h"
#include "web_app.h"

void web_app_req(const web_req *req, sp_app_req *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->st = req->store;
    rq->plan_id = web_field_get(req, "plan");
    if (rq->plan_id && !*rq->plan_id) rq->plan_id = NULL;
    rq->as_of = SP_DAY_NONE;
    const char *a = web_field_get(req, "as_of");
    const char *why;
    if (a && *a) date_parse(a, &rq->as_of, &why); /* validated as WF_DATE */
    rq->today = req->today;
    rq->lang = req->lang;
    rq->scope.kind = SCOPE_ALL;
    const web_user *u = req->user;
    if (u && u->role == WEB_ROLE_REP) {
        rq->scope.kind = SCOPE_REP;
        rq->scope.rep = u->rep_id ? u->rep_id : "";
    } else if (u && u->role == WEB_ROLE_MANAGER) {
        rq->scope.kind = SCOPE_GROUPS;
        rq->scope.groups = u->groups;
        rq->scope.ngroups = u->ngroups;
    }
}

/* fail: the verb's error as problem+json; a usage error about a parameter
 * is 400 invalid-parameter. */
static void fail(web_req *req, web_resp *resp, const sp_err *err)
{
    if (err->cls == SP_EUSAGE || err->cls == SP_EINVAL) {
        buf_t d = BUF_INIT;
        buf_puts(&d, buf_cstr(&err->msg));
        while (d.len && d.data[d.len - 1] == '\n') d.data[--d.len] = 0;
        web_problem(resp, 400, err->cls == SP_EUSAGE ? "invalid-parameter" : "invalid-input", _("Bad request"),
                    buf_cstr(&d));
        buf_free(&d);
        return;
    }
    web_fail(req, resp, err);
}

static bool truthy(const char *v) { return v && (str_eq(v, "1") || str_eq(v, "true") || str_eq(v, "on")); }

/* ---- GET /api/v1/status ---- */

void api_status(web_req *req, web_resp *resp)
{
    sp_status_req rq = {0};
    web_app_req(req, &rq.r);
    rq.goal_id = web_field_get(req, "goal");
    if (rq.goal_id && !*rq.goal_id) rq.goal_id = NULL;
    sp_status_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_status(&rq, &res, &err)) app_status_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_status_free(&res);
    err_free(&err);
}

/* ---- GET /api/v1/kpi ---- */

static void param_problem(web_resp *resp, const char *fmt, const char *a)
{
    char *d = xasprintf(fmt, a);
    web_problem(resp, 400, "invalid-parameter", _("Bad request"), d);
    free(d);
}

void api_kpi(web_req *req, web_resp *resp)
{
    sp_kpi_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    sp_filter where = {0};
    sp_err perr = SP_ERR_INIT;
    if (!app_parse_metric(web_field_get(req, "metric"), &rq.metric, &perr)) goto bad;
    rq.period = web_field_get(req, "period");
    const char *ws[32];
    size_t nw = web_field_all(req, "where", ws, 32);
    for (size_t i = 0; i < nw; i++)
        if (*ws[i] && !app_parse_where(ws[i], &where, &perr)) goto bad;
    rq.where = &where;
    const char *by = web_field_get(req, "by");
    if (by && *by && !app_parse_by(by, rq.by, &rq.nby, &perr)) goto bad;
    rq.explain = truthy(web_field_get(req, "explain"));
    const char *lim = web_field_get(req, "limit");
    rq.limit = lim && *lim ? (size_t)strtoll(lim, NULL, 10) : 1000;
    sp_kpi_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_kpi(&rq, &res, &err)) app_kpi_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_kpi_free(&res);
    err_free(&err);
    goto out;
bad:
    fail(req, resp, &perr);
out:
    err_free(&perr);
    app_filter_free(&where);
}

/* ---- GET /api/v1/alerts ---- */

void api_alerts(web_req *req, web_resp *resp)
{
    sp_alerts_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    rq.rep = web_field_get(req, "rep");
    if (rq.rep && !*rq.rep) rq.rep = NULL;
    const char *k = web_field_get(req, "kind");
    int kind = k && *k ? alert_kind_from_name(k) : -1; /* validated as WF_ENUM */
    rq.kinds = kind >= 0 ? 1u << kind : 0;
    sp_alerts_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_alerts(&rq, &res, &err)) app_alerts_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_alerts_free(&res);
    err_free(&err);
}

/* ---- GET /api/v1/tasks, PATCH /api/v1/tasks/{id} ---- */

void api_tasks(web_req *req, web_resp *resp)
{
    sp_tasks_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    rq.owner = web_field_get(req, "owner");
    if (rq.owner && !*rq.owner) rq.owner = NULL;
    rq.only_overdue = truthy(web_field_get(req, "overdue"));
    rq.only_critical = truthy(web_field_get(req, "critical"));
    sp_tasks_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_tasks(&rq, &res, &err)) app_tasks_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_tasks_free(&res);
    err_free(&err);
}

/* json_body: the request body as a JSON object, or a 400 problem. */
static json_t *json_body(const web_req *req, web_resp *resp)
{
    if (!req->content_type || strncasecmp(req->content_type, "application/json", 16) != 0) {
        web_problem(resp, 415, "unsupported-media-type", _("Unsupported media type"),
                    _("send the body as application/json"));
        return NULL;
    }
    json_error_t je;
    json_t *j = req->body ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
    if (!j || !json_is_object(j)) {
        char *d = j ? xstrdup(_("the body is not a JSON object"))
                    : xasprintf(_("the body is not valid JSON (line %d, column %d: %s)"), req->body ? je.line : 0,
                                req->body ? je.column : 0, req->body ? je.text : _("empty"));
        web_problem(resp, 400, "invalid-body", _("Bad request"), d);
        free(d);
        json_decref(j);
        return NULL;
    }
    return j;
}

void api_task_patch(web_req *req, web_resp *resp)
{
    json_t *j = json_body(req, resp);
    if (!j) return;
    sp_task_set_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    rq.task_id = web_param(req, "id");
    rq.progress = -1;
    json_t *st = json_object_get(j, "status"), *pr = json_object_get(j, "progress");
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!str_eq(key, "status") && !str_eq(key, "progress")) {
            param_problem(resp, _("unknown field '%s' (status, progress)"), key);
            json_decref(j);
            return;
        }
    }
    int s = st && json_is_string(st) ? task_status_from_name(json_string_value(st)) : -1;
    if (s < 0) {
        web_problem(resp, 400, "invalid-field", _("Bad request"),
                    _("status: one of todo, doing, done, blocked"));
        json_decref(j);
        return;
    }
    rq.status = (sp_task_status)s;
    if (pr) {
        if (!json_is_integer(pr) || json_integer_value(pr) < 0 || json_integer_value(pr) > 100) {
            web_problem(resp, 400, "invalid-field", _("Bad request"), _("progress: a whole number from 0 to 100"));
            json_decref(j);
            return;
        }
        rq.progress = (int)json_integer_value(pr);
    }
    json_decref(j);
    sp_task_set_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_task_set(&rq, &res, &err)) {
        buf_puts(&resp->body, "{\"task\":");
        web_json_str(&resp->body, rq.task_id);
        buf_printf(&resp->body, ",\"status\":\"%s\",\"progress\":%d}\n", task_status_name(rq.status), res.progress);
    } else {
        fail(req, resp, &err);
    }
    app_task_set_free(&res);
    err_free(&err);
}

/* ---- POST /api/v1/activities: one record or {"records": […]} ---- */

#define API_BATCH_MAX 1000

static int kind_parse(const char *s)
{
    for (int k = 0; k < ACT_KIND_COUNT; k++)
        if (str_eq(s, actkind_name((sp_actkind)k))) return k;
    return -1;
}

typedef struct act_in {
    const char *id, *customer, *rep, *kind, *on;
} act_in;

static const char *jstr(json_t *o, const char *k, bool *bad)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) return NULL;
    if (!json_is_string(v)) {
        *bad = true;
        return NULL;
    }
    return json_string_value(v);
}

/* All or nothing: every record is checked first against the workspace
 * (the customer exists and its owner is inside the caller's scope — else
 * 404, as for one that does not exist —, the rep inside the scope, the day
 * not after today: the rules of app_activity_add), then all are written
 * in ONE store transaction. A record refused: nothing is written.
 * (app_activity_add stores one record in its own transaction, so a batch
 * cannot be several calls of it.) */
void api_activities(web_req *req, web_resp *resp)
{
    json_t *j = json_body(req, resp);
    if (!j) return;
    json_t *recs = json_object_get(j, "records");
    size_t n = recs ? json_array_size(recs) : 1;
    if (recs && (!json_is_array(recs) || n == 0 || n > API_BATCH_MAX)) {
        param_problem(resp, _("records: an array of 1 to %s activities"), "1000");
        json_decref(j);
        return;
    }
    sp_app_req ar;
    web_app_req(req, &ar);
    sp_store *st = req->store;
    buf_t errs = BUF_INIT;
    sp_activity *acts = xcalloc(n, sizeof *acts);
    char **owned = xcalloc(2 * n, sizeof *owned);
    sp_plan *plan = NULL;
    sp_dataset *ds = NULL;
    sp_err err = SP_ERR_INIT;
    if (!app_load_plan(st, ar.plan_id, false, &plan, &err)) {
        fail(req, resp, &err);
        goto out;
    }
    sp_day today = ar.today != SP_DAY_NONE ? ar.today : app_today(plan ? plan->timezone : NULL, (int64_t)time(NULL));
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(&spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    ds = dataset_new();
    if (!st->ops->load(st, &spec, ds, &err)) {
        fail(req, resp, &err);
        goto out;
    }
    bool hidden = false;
    for (size_t i = 0; i < n; i++) {
        json_t *o = recs ? json_array_get(recs, i) : j;
        bool bad = !json_is_object(o);
        act_in in = {0};
        if (!bad) {
            in.id = jstr(o, "id", &bad);
            in.customer = jstr(o, "customer_id", &bad);
            in.rep = jstr(o, "rep_id", &bad);
            in.kind = jstr(o, "kind", &bad);
            in.on = jstr(o, "occurred_on", &bad);
            const char *key;
            json_t *v;
            json_object_foreach(o, key, v)
            {
                if (!str_eq(key, "id") && !str_eq(key, "customer_id") && !str_eq(key, "rep_id") &&
                    !str_eq(key, "kind") && !str_eq(key, "occurred_on"))
                    bad = true;
            }
        }
        int k = in.kind ? kind_parse(in.kind) : (int)ACT_VISIT;
        sp_day on = ar.as_of != SP_DAY_NONE ? ar.as_of : today;
        const char *why;
        if (bad || !in.customer || !*in.customer || k < 0 || (in.on && !date_parse(in.on, &on, &why)) ||
            (in.id && (strlen(in.id) > 200 || !*in.id)) || strlen(in.customer ? in.customer : "") > 200 ||
            (in.rep && (strlen(in.rep) > 200 || !*in.rep))) {
            buf_printf(&errs, _("record %zu: expects customer_id, and optionally id, rep_id, kind "
                                "(visit, call, email, meeting, other), occurred_on (YYYY-MM-DD)\n"),
                       i + 1);
            continue;
        }
        if (on > today) {
            char a[16];
            buf_printf(&errs, _("record %zu: the day %s is after today\n"), i + 1, day_format(on, a));
            continue;
        }
        sp_customer c;
        bool found = false;
        for (size_t r = 0; r < ds->customers.n && !found; r++) {
            c = customer_at(ds, r);
            found = str_eq(c.id, in.customer);
        }
        if (!found || (ar.scope.kind != SCOPE_ALL && !app_scope_has_rep(&ar.scope, plan, ds, c.owner))) {
            buf_printf(&errs, _("record %zu: no customer '%s'\n"), i + 1, in.customer);
            hidden = true;
            continue;
        }
        const char *rep = in.rep ? in.rep : ar.scope.kind == SCOPE_REP ? ar.scope.rep : c.owner;
        if (!rep || !*rep || !app_scope_has_rep(&ar.scope, plan, ds, rep)) {
            buf_printf(&errs, _("record %zu: the rep is missing or outside what you may see\n"), i + 1);
            continue;
        }
        owned[2 * i] = xstrdup(rep);
        if (in.id) {
            owned[2 * i + 1] = xstrdup(in.id);
        } else {
            char d[16];
            day_format(on, d);
            char *r8 = auth_random(6);
            owned[2 * i + 1] = xasprintf("act-%s-%.4s%.2s%.2s-%s", in.customer, d, d + 5, d + 8, r8);
            free(r8);
        }
        acts[i] = (sp_activity){owned[2 * i + 1], owned[2 * i], json_string_value(json_object_get(o, "customer_id")),
                                on, (sp_actkind)k};
    }
    if (errs.len) {
        errs.data[--errs.len] = 0;
        if (hidden && n == 1) web_problem(resp, 404, "not-found", _("Not found"), buf_cstr(&errs));
        else web_problem(resp, hidden ? 404 : 400, hidden ? "not-found" : "invalid-body",
                         hidden ? _("Not found") : _("Bad request"), buf_cstr(&errs));
        goto out;
    }
    if (!st->ops->begin(st, &err)) {
        fail(req, resp, &err);
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (!st->ops->upsert(st, TBL_ACTIVITIES, &acts[i], &err)) break;
    if (!err_ok(&err) || !st->ops->commit(st, &err)) {
        st->ops->rollback(st);
        fail(req, resp, &err);
        goto out;
    }
    buf_puts(&resp->body, "{\"created\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&resp->body, i ? ",{\"id\":" : "{\"id\":");
        web_json_str(&resp->body, acts[i].id);
        buf_puts(&resp->body, ",\"customer_id\":");
        web_json_str(&resp->body, acts[i].customer_id);
        buf_puts(&resp->body, ",\"rep_id\":");
        web_json_str(&resp->body, acts[i].rep);
        char d[16];
        buf_printf(&resp->body, ",\"occurred_on\":\"%s\",\"kind\":\"%s\"}", day_format(acts[i].occurred_on, d),
                   actkind_name(acts[i].kind));
    }
    buf_puts(&resp->body, "]}\n");
    resp->status = 201;
out:
    for (size_t i = 0; i < 2 * n; i++) free(owned[i]);
    free(owned);
    free(acts);
    dataset_free(ds);
    plan_free(plan);
    err_free(&err);
    buf_free(&errs);
    json_decref(j);
}

/* ---- GET /api/v1/plans ---- */

void api_plans(web_req *req, web_resp *resp)
{
    sp_app_req rq;
    web_app_req(req, &rq);
    sp_plan_list_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_plan_list(&rq, &res, &err)) app_plan_list_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_plan_list_free(&res);
    err_free(&err);
}

/* ---- the field specs of the routes (API_ROUTES in api.h) ---- */

#define F_PLAN {.name = "plan", .type = WF_ID, .max_len = 200}
#define F_ASOF {.name = "as_of", .type = WF_DATE, .max_len = 10}

const web_field_spec api_status_fields[] = {F_PLAN, F_ASOF, {.name = "goal", .type = WF_ID, .max_len = 200}, {.name = NULL}};
const web_field_spec api_kpi_fields[] = {
    F_PLAN,
    F_ASOF,
    {.name = "metric", .type = WF_ID, .required = true, .max_len = 64},
    {.name = "period", .type = WF_PERIOD, .required = true, .max_len = 32},
    {.name = "where", .type = WF_WHERE, .repeat = true, .max_len = 400},
    {.name = "by", .type = WF_LIST, .max_len = 100},
    {.name = "explain", .type = WF_BOOL},
    {.name = "limit", .type = WF_INT, .min = 0, .max = 100000},
    {.name = NULL},
};
const web_field_spec api_alerts_fields[] = {
    F_PLAN,
    F_ASOF,
    {.name = "rep", .type = WF_ID, .max_len = 200},
    {.name = "kind",
     .type = WF_ENUM,
     .choices = "stale_followup|task_overdue|goal_off_pace|budget_overrun|tier_review_due"},
    {.name = NULL},
};
const web_field_spec api_tasks_fields[] = {
    F_PLAN,
    F_ASOF,
    {.name = "owner", .type = WF_ID, .max_len = 200},
    {.name = "overdue", .type = WF_BOOL},
    {.name = "critical", .type = WF_BOOL},
    {.name = NULL},
};
const web_field_spec api_plan_fields[] = {F_PLAN, {.name = NULL}};
const web_field_spec api_plan_asof_fields[] = {F_PLAN, F_ASOF, {.name = NULL}};
