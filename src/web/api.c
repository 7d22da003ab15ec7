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

/* json_body: the request body as a JSON object (or, for the records
 * routes, an array), or a 400 problem. */
static json_t *json_body(const web_req *req, web_resp *resp)
{
    if (!req->content_type || strncasecmp(req->content_type, "application/json", 16) != 0) {
        web_problem(resp, 415, "unsupported-media-type", _("Unsupported media type"),
                    _("send the body as application/json"));
        return NULL;
    }
    json_error_t je;
    json_t *j = req->body ? json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &je) : NULL;
    bool records = req->route && strncmp(req->route->pattern, "/api/v1/", 8) == 0 &&
                   table_from_name(req->route->pattern + 8) >= 0;
    if (!j || !(json_is_object(j) || (records && json_is_array(j)))) {
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

/* ---- POST /api/v1/{activities|deals|customers|leads|invoices|spend} ---- */

/* One record or {"records": [...]} (or a bare array): every record through
 * app_records_upsert (the CSV import's rules and messages, all or nothing
 * in one transaction). JSON values become the text an import cell would
 * hold: strings as they are, numbers in decimal, true / false; null is
 * an absent field; objects and arrays are refused. */

typedef struct json_recs {
    sp_record_in *recs;
    const char **strs;   /* keys and values, borrowed from the JSON or in owned */
    char **owned;
    size_t nowned;
    size_t n;
} json_recs;

static void json_recs_free(json_recs *r)
{
    for (size_t i = 0; i < r->nowned; i++) free(r->owned[i]);
    free(r->owned);
    free(r->strs);
    free(r->recs);
    memset(r, 0, sizeof *r);
}

/* json_records: the records of body j; false with a problem in resp. */
static bool json_records(json_t *j, json_recs *out, web_resp *resp)
{
    json_t *arr = json_is_array(j) ? j : json_object_get(j, "records");
    size_t n = arr ? json_array_size(arr) : 1;
    if (arr && (!json_is_array(arr) || n == 0 || n > APP_RECORDS_MAX || (arr != j && json_object_size(j) != 1))) {
        param_problem(resp, _("records: an array of 1 to %s records"), "1000");
        return false;
    }
    if (!arr && json_object_size(j) == 0) {
        web_problem(resp, 400, "invalid-body", _("Bad request"), _("the body holds no record"));
        return false;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *o = arr ? json_array_get(arr, i) : j;
        if (!json_is_object(o)) {
            char *d = xasprintf(_("record %zu: not a JSON object"), i + 1);
            web_problem(resp, 400, "invalid-body", _("Bad request"), d);
            free(d);
            return false;
        }
        total += json_object_size(o);
    }
    out->recs = xcalloc(n, sizeof *out->recs);
    out->strs = xcalloc(2 * total + 1, sizeof *out->strs);
    out->owned = xcalloc(total + 1, sizeof *out->owned);
    out->n = n;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *o = arr ? json_array_get(arr, i) : j;
        const char **keys = out->strs + at;
        size_t k = 0;
        const char *key;
        json_t *v;
        json_object_foreach(o, key, v) { if (!json_is_null(v)) keys[k++] = key; }
        const char **vals = keys + k;
        size_t m = 0;
        json_object_foreach(o, key, v)
        {
            if (json_is_null(v)) continue;
            char *t = NULL;
            if (json_is_string(v)) vals[m] = json_string_value(v);
            else if (json_is_integer(v)) t = xasprintf("%lld", (long long)json_integer_value(v));
            else if (json_is_real(v)) t = xasprintf("%.15g", json_real_value(v));
            else if (json_is_boolean(v)) vals[m] = json_is_true(v) ? "true" : "false";
            else {
                char *d = xasprintf(_("record %zu: %s: a string, a number, true or false"), i + 1, key);
                web_problem(resp, 400, "invalid-record", _("Bad request"), d);
                free(d);
                return false;
            }
            if (t) vals[m] = out->owned[out->nowned++] = t;
            m++;
        }
        out->recs[i] = (sp_record_in){keys, vals, k};
        at += 2 * k;
    }
    return true;
}

/* records_problem: res's errors as problem+json (400 invalid-record, or
 * 404 when a record is outside the caller's scope) with "errors":
 * [{"index", "field", "message"}]. */
static void records_problem(web_resp *resp, const sp_records_res *res, const sp_err *err)
{
    buf_t d = BUF_INIT;
    buf_puts(&d, buf_cstr(&err->msg));
    while (d.len && d.data[d.len - 1] == '\n') d.data[--d.len] = 0;
    if (res->hidden) web_problem(resp, 404, "not-found", _("Not found"), buf_cstr(&d));
    else web_problem(resp, 400, "invalid-record", _("Bad request"), buf_cstr(&d));
    buf_free(&d);
    /* the problem object, with the errors member */
    while (resp->body.len && (resp->body.data[resp->body.len - 1] == '\n' || resp->body.data[resp->body.len - 1] == '}'))
        resp->body.data[--resp->body.len] = 0;
    buf_puts(&resp->body, ",\"errors\":");
    app_records_errors_json(res, &resp->body);
    buf_puts(&resp->body, "}\n");
}

void api_records(web_req *req, web_resp *resp)
{
    const char *slash = strrchr(req->route->pattern, '/');
    int t = slash ? table_from_name(slash + 1) : -1;
    json_t *j = json_body(req, resp);
    if (!j) return;
    json_recs in = {0};
    sp_records_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (t < 0) {
        err_set(&err, SP_EINTERNAL, "route %s: no table", req->route->pattern);
        web_fail(req, resp, &err);
        goto out;
    }
    if (!json_records(j, &in, resp)) goto out;
    sp_records_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    rq.table = (sp_table)t;
    rq.recs = in.recs;
    rq.n = in.n;
    rq.strict = truthy(web_field_get(req, "strict"));
    bool ok = app_records_upsert(&rq, &res, &err);
    web_count_import(req, rq.table, ok, ok ? res.n : 0);
    if (ok) {
        app_records_json(&res, &resp->body);
        resp->status = 201;
    } else if (res.nerrors) {
        records_problem(resp, &res, &err);
    } else {
        fail(req, resp, &err);
    }
out:
    app_records_free(&res);
    json_recs_free(&in);
    err_free(&err);
    json_decref(j);
}

/* ---- reviews: GET and POST /api/v1/reviews ---- */

void api_reviews(web_req *req, web_resp *resp)
{
    sp_review_list_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    rq.period = web_field_get(req, "period");
    if (rq.period && !*rq.period) rq.period = NULL;
    sp_review_list_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_review_list(&rq, &res, &err)) app_review_list_json(&res, &resp->body);
    else fail(req, resp, &err);
    app_review_list_free(&res);
    err_free(&err);
}

/* json_texts: the strings of array a (key names it in the message), at
 * most APP_REVIEW_ITEMS_MAX + 1 (the verb says when there are too many);
 * false with a problem. */
static bool json_texts(json_t *a, const char *key, const char **out, size_t *n, web_resp *resp)
{
    *n = 0;
    if (!a || json_is_null(a)) return true;
    if (!json_is_array(a) || json_array_size(a) > APP_REVIEW_ITEMS_MAX) {
        param_problem(resp, _("%s: an array of at most 20 texts"), key);
        return false;
    }
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v)) {
            param_problem(resp, _("%s: an array of at most 20 texts"), key);
            return false;
        }
        out[(*n)++] = json_string_value(v);
    }
    return true;
}

void api_review_add(web_req *req, web_resp *resp)
{
    json_t *j = json_body(req, resp);
    if (!j) return;
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (!str_eq(key, "period") && !str_eq(key, "goal") && !str_eq(key, "causes") && !str_eq(key, "lessons") &&
            !str_eq(key, "actions") && !str_eq(key, "plan_version")) {
            param_problem(resp, _("unknown field '%s' (period, goal, causes, lessons, actions, plan_version)"), key);
            json_decref(j);
            return;
        }
    }
    sp_review_add_req rq;
    memset(&rq, 0, sizeof rq);
    web_app_req(req, &rq.r);
    const char *causes[APP_REVIEW_ITEMS_MAX], *lessons[APP_REVIEW_ITEMS_MAX], *actions[APP_REVIEW_ITEMS_MAX];
    json_t *per = json_object_get(j, "period"), *goal = json_object_get(j, "goal"),
           *ver = json_object_get(j, "plan_version");
    if (!per || !json_is_string(per) || !*json_string_value(per)) {
        web_problem(resp, 400, "invalid-field", _("Bad request"), _("period: required, a period such as 2026-10"));
        goto out;
    }
    if (goal && !json_is_null(goal) && !json_is_string(goal)) {
        web_problem(resp, 400, "invalid-field", _("Bad request"), _("goal: a goal id"));
        goto out;
    }
    if (ver && !json_is_null(ver) && (!json_is_integer(ver) || json_integer_value(ver) < 1 ||
                                      json_integer_value(ver) > 1000000)) {
        web_problem(resp, 400, "invalid-field", _("Bad request"), _("plan_version: a version number from 1"));
        goto out;
    }
    if (!json_texts(json_object_get(j, "causes"), "causes", causes, &rq.ncauses, resp) ||
        !json_texts(json_object_get(j, "lessons"), "lessons", lessons, &rq.nlessons, resp) ||
        !json_texts(json_object_get(j, "actions"), "actions", actions, &rq.nactions, resp))
        goto out;
    rq.period = json_string_value(per);
    rq.goal_id = goal && json_is_string(goal) && *json_string_value(goal) ? json_string_value(goal) : NULL;
    rq.causes = causes;
    rq.lessons = lessons;
    rq.actions = actions;
    rq.plan_version = ver && json_is_integer(ver) ? (int)json_integer_value(ver) : 0;
    sp_review_add_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    if (app_review_add(&rq, &res, &err)) {
        buf_printf(&resp->body, "{\"id\":%lld,\"period\":", (long long)res.id);
        web_json_str(&resp->body, rq.period);
        buf_puts(&resp->body, ",\"goal\":");
        if (rq.goal_id) web_json_str(&resp->body, rq.goal_id);
        else buf_puts(&resp->body, "null");
        buf_puts(&resp->body, "}\n");
        resp->status = 201;
    } else {
        fail(req, resp, &err);
    }
    err_free(&err);
out:
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
const web_field_spec api_records_fields[] = {F_PLAN, {.name = "strict", .type = WF_BOOL}, {.name = NULL}};
const web_field_spec api_reviews_fields[] = {F_PLAN, {.name = "period", .type = WF_PERIOD, .max_len = 32}, {.name = NULL}};
