/*
 * app_review.c — the review verbs (SPEC §1 step 6): recording a monthly
 * review (causes of misses, lessons, actions, optionally a goal and the
 * plan version it led to) and listing them, with the list's JSON shape.
 * Reviews belong to the plan: no scope narrows them.
 *
 * Owns: validating a review's input (period, goal, version, item sizes).
 * Prints nothing.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "app_int.h"

bool app_review_item_check(const char *what, const char *s, int count, sp_err *err)
{
    size_t n = strlen(s);
    if (n > APP_REVIEW_TEXT_MAX) err_set(err, SP_EUSAGE, _("%s is longer than %d bytes"), what, APP_REVIEW_TEXT_MAX);
    else if (!utf8_valid(s, n)) err_set(err, SP_EUSAGE, _("%s is not valid UTF-8"), what);
    else if (strchr(s, '\n') || strchr(s, '\r'))
        err_set(err, SP_EUSAGE, _("%s is one line: give %s again for another one"), what, what);
    else if (count > APP_REVIEW_ITEMS_MAX)
        err_set(err, SP_EUSAGE, _("at most %d of %s per review"), APP_REVIEW_ITEMS_MAX, what);
    else return true;
    return false;
}

/* join_items: the non-empty items, checked, newline-joined into out (the
 * store keeps a review's several causes as one text). */
static bool join_items(const char *what, const char *const *v, size_t n, buf_t *out, sp_err *err)
{
    int count = 0;
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !*v[i]) continue;
        if (!app_review_item_check(what, v[i], ++count, err)) return false;
        if (out->len) buf_putc(out, '\n');
        buf_puts(out, v[i]);
    }
    return true;
}

bool app_review_add(const sp_review_add_req *rq, sp_review_add_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    sp_plan *plan = NULL;
    sp_plan_info *vers = NULL;
    size_t nvers = 0;
    buf_t items[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
    if (!join_items("--cause", rq->causes, rq->ncauses, &items[0], err) ||
        !join_items("--lesson", rq->lessons, rq->nlessons, &items[1], err) ||
        !join_items("--action", rq->actions, rq->nactions, &items[2], err)) {
        res->bad_param = true;
        goto done;
    }
    if (!rq->period) {
        err_set(err, SP_EUSAGE, "%s", _("--period is required (e.g. 2026-10)"));
        res->bad_param = true;
        goto done;
    }
    if (!items[0].len && !items[1].len && !items[2].len) {
        err_set(err, SP_EUSAGE, "%s", _("give at least one of --cause, --lesson, --action"));
        res->bad_param = true;
        goto done;
    }
    if (!app_load_plan(st, rq->r.plan_id, true, &plan, err)) goto done;
    sp_period pp;
    const char *why = NULL;
    if (!period_parse(rq->period, plan->fiscal_year_start, &pp, &why)) {
        err_set(err, SP_EUSAGE, _("--period '%s' is not a period (%s)"), rq->period, why ? _(why) : "");
        res->bad_param = true;
        goto done;
    }
    if (rq->goal_id && !plan_find_goal(plan, rq->goal_id)) {
        err_set(err, SP_ENOTFOUND, _("plan %s has no goal '%s'"), plan->id, rq->goal_id);
        goto done;
    }
    if (rq->plan_version) {
        if (!st->ops->plan_versions(st, plan->id, &vers, &nvers, err)) goto done;
        bool found = false;
        for (size_t i = 0; i < nvers; i++)
            if (vers[i].version == rq->plan_version) found = true;
        if (!found) {
            err_set(err, SP_ENOTFOUND, _("plan %s has no version %d"), plan->id, rq->plan_version);
            goto done;
        }
    }
    sp_review r = {0};
    r.plan_id = plan->id;
    r.period_text = (char *)rq->period;
    r.goal_id = (char *)rq->goal_id;
    r.cause = items[0].len ? items[0].data : NULL;
    r.lesson = items[1].len ? items[1].data : NULL;
    r.action = items[2].len ? items[2].data : NULL;
    r.plan_version = rq->plan_version;
    if (!st->ops->begin(st, err) || !st->ops->review_add(st, &r, &res->id, err) || !st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    ok = true;
done:
    for (int k = 0; k < 3; k++) buf_free(&items[k]);
    plan_info_free(vers, nvers);
    plan_free(plan);
    app_lang_leave(lang);
    return ok;
}

bool app_review_list(const sp_review_list_req *rq, sp_review_list_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    bool ok = false;
    sp_plan *plan = NULL;
    if (!app_load_plan(rq->r.st, rq->r.plan_id, true, &plan, err)) goto done;
    res->plan_id = xstrdup(plan->id);
    if (rq->period) {
        sp_period pp;
        const char *why = NULL;
        if (!period_parse(rq->period, plan->fiscal_year_start, &pp, &why)) {
            err_set(err, SP_EUSAGE, _("--period '%s' is not a period (%s)"), rq->period, why ? _(why) : "");
            res->bad_param = true;
            goto done;
        }
    }
    ok = rq->r.st->ops->review_list(rq->r.st, plan->id, rq->period, &res->v, &res->n, err);
done:
    plan_free(plan);
    app_lang_leave(lang);
    return ok;
}

void app_review_list_free(sp_review_list_res *res)
{
    reviews_free(res->v, res->n);
    free(res->plan_id);
    memset(res, 0, sizeof *res);
}

/* items_json: the newline-joined items of text as a JSON array ([] for NULL). */
static json_t *items_json(const char *text)
{
    json_t *a = json_array();
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n + (e ? 1 : 0);
    }
    return a;
}

void app_review_list_json(const sp_review_list_res *res, buf_t *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const sp_review *v = &res->v[i];
        json_t *o = json_pack("{s:I, s:s?, s:s?, s:o, s:o, s:o}", "id", (json_int_t)v->id, "period", v->period_text,
                              "goal", v->goal_id, "causes", items_json(v->cause), "lessons", items_json(v->lesson),
                              "actions", items_json(v->action));
        json_object_set_new(o, "plan_version", v->plan_version > 0 ? json_integer(v->plan_version) : json_null());
        json_object_set_new(o, "created_at", v->created_at ? json_string(v->created_at) : json_null());
        json_array_append_new(arr, o);
    }
    json_t *o = json_pack("{s:s, s:o}", "plan", res->plan_id, "reviews", arr);
    char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_printf(out, "%s\n", s);
    free(s);
    json_decref(o);
}
