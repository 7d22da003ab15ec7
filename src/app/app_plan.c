/*
 * app_plan.c — the plan verbs: the plans of the workspace, one plan's table
 * step by step (io/plan_show.c), its stored versions, and the diff between
 * two versions (core/plandiff.c) with each change as a readable line; their
 * JSON shapes. A plan is shared by everyone who may see it: no scope
 * narrows these (the faces decide who may call them).
 *
 * Prints nothing.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "../io/plan_yaml.h"
#include "app.h"
#include "app_int.h"

/* json_emit: root as 2-space indented JSON and a newline; frees root. */
static void json_emit(json_t *root, buf_t *out)
{
    char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    buf_printf(out, "%s\n", txt);
    free(txt);
    json_decref(root);
}

/* ---- plan list ---- */

bool app_plan_list(const sp_app_req *rq, sp_plan_list_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(rq);
    bool ok = rq->st->ops->plan_list(rq->st, &res->v, &res->n, err);
    app_lang_leave(lang);
    return ok;
}

void app_plan_list_free(sp_plan_list_res *res)
{
    plan_info_free(res->v, res->n);
    memset(res, 0, sizeof *res);
}

void app_plan_list_json(const sp_plan_list_res *res, buf_t *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const sp_plan_info *v = &res->v[i];
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:s, s:s?}", "id", v->id, "name", v->name, "version",
                                             v->version, "created_at", v->created_at, "reason", v->reason));
    }
    json_emit(json_pack("{s:o}", "plans", arr), out);
}

/* ---- plan show ---- */

bool app_plan_show(const sp_plan_show_req *rq, sp_plan_show_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    bool ok = false;
    if (rq->step < 0 || rq->step > PLAN_SHOW_STEPS) {
        char sb[16];
        snprintf(sb, sizeof sb, "%d", rq->step);
        err_set(err, SP_EUSAGE, _("--step takes a step from 1 to %d, not '%s'"), PLAN_SHOW_STEPS, sb);
        goto done;
    }
    if (!app_load_plan(rq->r.st, rq->r.plan_id, true, &res->plan, err)) goto done;
    plan_show(res->plan, rq->step, rq->format, &res->text);
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_plan_show_free(sp_plan_show_res *res)
{
    plan_free(res->plan);
    buf_free(&res->text);
    memset(res, 0, sizeof *res);
}

/* ---- versions ---- */

/* resolve_plan_id: rq's plan id, else the workspace's only plan. Returns
 * a new string or NULL with the problem in err. */
static char *resolve_plan_id(const sp_app_req *rq, sp_err *err)
{
    if (rq->plan_id) return xstrdup(rq->plan_id);
    sp_plan_info *infos = NULL;
    size_t n = 0;
    char *id = NULL;
    if (!rq->st->ops->plan_list(rq->st, &infos, &n, err)) return NULL;
    if (n == 1) id = xstrdup(infos[0].id);
    else if (n == 0) err_set(err, SP_EINVAL, "%s", app_no_plan_msg());
    else err_set(err, SP_EUSAGE, "%s", _("the workspace has several plans: name one with --plan ID"));
    plan_info_free(infos, n);
    return id;
}

bool app_plan_versions(const sp_app_req *rq, sp_plan_versions_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(rq);
    bool ok = false;
    res->id = resolve_plan_id(rq, err);
    if (!res->id || !rq->st->ops->plan_versions(rq->st, res->id, &res->v, &res->n, err)) goto done;
    if (res->n == 0) {
        err_set(err, SP_ENOTFOUND, _("no plan '%s' in the workspace"), res->id);
        goto done;
    }
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_plan_versions_free(sp_plan_versions_res *res)
{
    free(res->id);
    plan_info_free(res->v, res->n);
    memset(res, 0, sizeof *res);
}

void app_plan_versions_json(const sp_plan_versions_res *res, buf_t *out)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const sp_plan_info *v = &res->v[i];
        json_array_append_new(arr, json_pack("{s:i, s:s?, s:s?, s:s?}", "version", v->version, "name", v->name,
                                             "created_at", v->created_at, "reason", v->reason));
    }
    json_emit(json_pack("{s:s, s:o}", "plan", res->id, "versions", arr), out);
}

/* ---- diff ---- */

static const char *const entity_labels[DENT_COUNT] = {
    N_("plan"),     N_("group"),    N_("member"),          N_("goal"), N_("PEST factor"),
    N_("persona"),  N_("capability"), N_("strategy"),      N_("task"), N_("budget"),
    N_("budget category"), N_("tier"), N_("alerts"),       N_("notification"),
};

/* field keys of the plan file and their display labels */
static const struct {
    const char *key, *label;
} field_labels[] = {
    {"id", N_("id")},
    {"name", N_("name")},
    {"period", N_("period")},
    {"currency", N_("currency")},
    {"timezone", N_("time zone")},
    {"fiscal_year_start", N_("fiscal year start")},
    {"pacing", N_("pacing")},
    {"check.max_growth", N_("max growth")},
    {"focus", N_("focus")},
    {"role", N_("role")},
    {"group", N_("group")},
    {"capacity.visits_per_month", N_("visits per month")},
    {"parent", N_("parent goal")},
    {"type", N_("type")},
    {"metric", N_("metric")},
    {"target", N_("target")},
    {"owner", N_("owner")},
    {"direction", N_("direction")},
    {"per", N_("per")},
    {"supports", N_("supports")},
    {"filter", N_("filter")},
    {"factor", N_("factor")},
    {"effect", N_("effect")},
    {"impact", N_("impact")},
    {"text", N_("text")},
    {"industry", N_("industry")},
    {"size", N_("size")},
    {"pains", N_("pains")},
    {"decision_chain", N_("decision chain")},
    {"premium", N_("premium")},
    {"kind", N_("kind")},
    {"category", N_("category")},
    {"goals", N_("goals")},
    {"answers", N_("answers")},
    {"priority", N_("priority")},
    {"strategy", N_("strategy")},
    {"collaborators", N_("collaborators")},
    {"start", N_("start")},
    {"due", N_("due")},
    {"depends_on", N_("depends on")},
    {"milestone", N_("milestone")},
    {"deliverable", N_("deliverable")},
    {"budget", N_("budget")},
    {"budget.category", N_("budget category")},
    {"budget.amount", N_("budget amount")},
    {"resources", N_("resources")},
    {"total", N_("total")},
    {"share", N_("share")},
    {"min", N_("minimum")},
    {"review_every_days", N_("review every (days)")},
    {"stale_followup_days", N_("stale follow-up (days)")},
    {"escalate_after_days", N_("escalate after (days)")},
    {"goal_off_pace_below", N_("goal off pace below")},
    {"budget_overrun_above", N_("budget overrun above")},
    {"task_overdue", N_("task overdue")},
    {"tier_review_due", N_("tier review due")},
    {"url", N_("URL")},
    {"secret_env", N_("secret variable")},
    {"secret_file", N_("secret file")},
    {"to", N_("to")},
    {"to_owner", N_("to owner")},
    {"at", N_("send at")},
    {"weekly_pack", N_("weekly pack on")},
    {"email", N_("e-mail address")},
    {"mobile", N_("mobile")},
    {"im_id", N_("IM id")},
};

static const char *field_label(const char *key)
{
    for (size_t i = 0; i < sizeof field_labels / sizeof field_labels[0]; i++)
        if (strcmp(field_labels[i].key, key) == 0) return _(field_labels[i].label);
    return key;
}

/* json_typed: a changed value as JSON: null when absent (text NULL), money
 * as a number with two decimals, ratios as fractions, whole numbers as
 * integers, flags as true/false, dates and text as strings. */
static void json_typed(buf_t *o, sp_diff_vtype t, const char *text, int64_t v)
{
    if (!text) {
        buf_puts(o, "null");
        return;
    }
    switch (t) {
    case DV_MONEY: out_json_money(o, v); break;
    case DV_RATIO: out_json_ratio(o, (sp_ratio)v); break;
    case DV_INT: buf_printf(o, "%lld", (long long)v); break;
    case DV_HUNDREDTHS: out_json_hundredths(o, v); break;
    case DV_BOOL: buf_puts(o, v ? "true" : "false"); break;
    default: out_json_string(o, text); break;
    }
}

void app_plan_diff_text(const sp_diff_change *c, buf_t *out)
{
    const char *ent = _(entity_labels[c->entity]);
    /* the subject: "goal revenue-q4", or just "budget" when it has no id */
    char *subj = *c->id ? xasprintf("%s %s", ent, c->id) : xstrdup(ent);
    const char *none = _("(none)");
    switch (c->kind) {
    case DIFF_ADDED:
        if (c->new_text) buf_printf(out, _("%s added: %s"), subj, c->new_text);
        else buf_printf(out, _("%s added"), subj);
        break;
    case DIFF_REMOVED:
        if (c->old_text) buf_printf(out, _("%s removed: %s"), subj, c->old_text);
        else buf_printf(out, _("%s removed"), subj);
        break;
    default:
        if (!c->old_text && !c->new_text)
            buf_printf(out, _("%s: %s changed"), subj, field_label(c->field));
        else
            buf_printf(out, _("%s: %s %s → %s"), subj, field_label(c->field), c->old_text ? c->old_text : none,
                       c->new_text ? c->new_text : none);
        break;
    }
    free(subj);
}


/* load_version: version v of plan id, parsed; NULL with err. */
static sp_plan *load_version(sp_store *st, const char *id, int v, sp_err *err)
{
    char *text = NULL;
    if (!st->ops->plan_get(st, id, v, &text, err)) return NULL;
    char *name = xasprintf("%s@%d", id, v);
    sp_plan *p = plan_yaml_parse(text, strlen(text), name, err);
    free(name);
    free(text);
    return p;
}

bool app_plan_diff(const sp_plan_diff_req *rq, sp_plan_diff_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    res->lang = rq->r.lang;
    res->v1 = rq->v1;
    res->v2 = rq->v2;
    res->id = resolve_plan_id(&rq->r, err);
    if (!res->id || !(res->a = load_version(st, res->id, rq->v1, err)) ||
        !(res->b = load_version(st, res->id, rq->v2, err)))
        goto done;
    plan_diff(res->a, res->b, &res->d);
    /* the reason the newer version was stored, when known */
    sp_err verr = SP_ERR_INIT;
    if (st->ops->plan_versions(st, res->id, &res->infos, &res->ninfos, &verr))
        for (size_t i = 0; i < res->ninfos; i++)
            if (res->infos[i].version == rq->v2) res->reason = res->infos[i].reason;
    err_free(&verr);
    ok = true;
done:
    app_lang_leave(lang);
    return ok;
}

void app_plan_diff_free(sp_plan_diff_res *res)
{
    plan_diff_free(&res->d);
    plan_info_free(res->infos, res->ninfos);
    plan_free(res->a);
    plan_free(res->b);
    free(res->id);
    memset(res, 0, sizeof *res);
}

void app_plan_diff_json(const sp_plan_diff_res *res, buf_t *o)
{
    /* the change lines in the result's language */
    sp_lang old = i18n_lang();
    i18n_set_lang(res->lang);
    /* hand-written so money keeps its two decimals exactly (SPEC §6) */
    buf_t line = BUF_INIT;
    buf_puts(o, "{\n  \"plan\": ");
    out_json_string(o, res->id);
    buf_printf(o, ",\n  \"from\": %d,\n  \"to\": %d,\n  \"reason\": ", res->v1, res->v2);
    out_json_string(o, res->reason);
    buf_puts(o, ",\n  \"changes\": [");
    for (size_t i = 0; i < res->d.n; i++) {
        const sp_diff_change *x = &res->d.v[i];
        buf_clear(&line);
        app_plan_diff_text(x, &line);
        buf_puts(o, i ? ",\n    {" : "\n    {");
        buf_puts(o, "\"kind\": ");
        out_json_string(o, diff_kind_name(x->kind));
        buf_puts(o, ", \"entity\": ");
        out_json_string(o, diff_entity_name(x->entity));
        buf_puts(o, ", \"id\": ");
        out_json_string(o, x->id);
        buf_puts(o, ", \"field\": ");
        out_json_string(o, x->field);
        buf_puts(o, ", \"old\": ");
        json_typed(o, x->vtype, x->old_text, x->old_v);
        buf_puts(o, ", \"new\": ");
        json_typed(o, x->vtype, x->new_text, x->new_v);
        buf_puts(o, ", \"text\": ");
        out_json_string(o, buf_cstr(&line));
        buf_putc(o, '}');
    }
    buf_puts(o, res->d.n ? "\n  ]\n}\n" : "]\n}\n");
    buf_free(&line);
    i18n_set_lang(old);
}
