/*
 * page_data.c — what the pages read from the workspace (see pages.h): the
 * plan, every CRM table, task states and manual actuals through the store
 * interface (no SQL here), the caller's scope, names for ids and the small
 * bits of markup every page shares.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/app.h"
#include "../io/plan_yaml.h"
#include "pages.h"

/* ---- loading ---- */

/* today_in: today's date in the plan's time zone (Asia/Shanghai when none),
 * without touching the process environment. */
static sp_day today_in(const sp_plan *plan)
{
    const char *tz = plan && plan->timezone && *plan->timezone ? plan->timezone : "Asia/Shanghai";
    return app_today(tz, (int64_t)time(NULL));
}

static bool load_plan(sp_store *st, sp_plan **out, sp_err *err)
{
    sp_plan_info *infos = NULL;
    size_t n = 0;
    char *text = NULL;
    *out = NULL;
    bool ok = st->ops->plan_list(st, &infos, &n, err);
    if (ok && n > 0) {
        ok = st->ops->plan_get(st, infos[0].id, 0, &text, err);
        if (ok) *out = plan_yaml_parse(text, strlen(text), infos[0].id, err);
        ok = ok && *out;
    }
    free(text);
    plan_info_free(infos, n);
    return ok;
}

bool page_begin(web_req *req, web_resp *resp, page_data *pd, const char *title, web_nav nav)
{
    sp_err err = SP_ERR_INIT;
    if (!page_data_load(req, pd, &err)) {
        page_data_free(pd);
        web_fail(req, resp, &err);
        err_free(&err);
        return false;
    }
    page_open(req, resp, title, nav, pd->plan ? pd->plan->name : NULL);
    buf_puts(&resp->body, "<h1>");
    web_html(&resp->body, title);
    buf_puts(&resp->body, "</h1>");
    return true;
}

bool page_data_load(const web_req *req, page_data *pd, sp_err *err)
{
    memset(pd, 0, sizeof *pd);
    /* io/ and core/ messages (funnel notes, plan table) follow the thread's
     * language: the request's (thread-local, so safe in a worker) */
    i18n_set_lang(req->lang);
    sp_store *st = req->store;
    if (!load_plan(st, &pd->plan, err)) return false;
    tiers_from_plan(pd->plan, &pd->tiers, &pd->ntiers);
    pd->today = today_in(pd->plan);
    pd->as_of = pd->today;
    const char *a = web_field_get(req, "as_of");
    sp_day d;
    const char *why = NULL;
    if (a && *a && date_parse(a, &d, &why)) pd->as_of = d;
    if (pd->plan) {
        if (!st->ops->task_states(st, pd->plan->id, &pd->states, &pd->nstates, err)) return false;
        if (!st->ops->actual_list(st, pd->plan->id, NULL, &pd->manual, &pd->nmanual, err)) return false;
    }
    sp_load_spec spec;
    load_spec_init(&spec);
    for (int t = 0; t < TBL_COUNT; t++) load_spec_want(&spec, (sp_table)t, SP_DAY_MIN, SP_DAY_MAX);
    spec.day_indexes = true; /* the stale follow-ups by binary search, not a pass over every activity */
    pd->ds = dataset_new();
    if (!st->ops->load(st, &spec, pd->ds, err)) return false;
    pd->records = pd->ds->reps.n + pd->ds->customers.n + pd->ds->leads.n + pd->ds->deals.n +
                  pd->ds->activities.n + pd->ds->invoices.n + pd->ds->spend.n;
    return true;
}

bool page_data_load_people(const web_req *req, page_data *pd, sp_err *err)
{
    memset(pd, 0, sizeof *pd);
    i18n_set_lang(req->lang);
    if (!load_plan(req->store, &pd->plan, err)) return false;
    pd->today = pd->as_of = today_in(pd->plan);
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    pd->ds = dataset_new();
    if (!req->store->ops->load(req->store, &spec, pd->ds, err)) return false;
    pd->records = pd->ds->reps.n;
    return true;
}

void page_data_free(page_data *pd)
{
    if (pd->plan) plan_free(pd->plan);
    if (pd->ds) dataset_free(pd->ds);
    free(pd->tiers);
    task_states_free(pd->states, pd->nstates);
    actuals_free(pd->manual, pd->nmanual);
    memset(pd, 0, sizeof *pd);
}

/* ---- scope ---- */

bool page_is_rep(const web_req *req)
{
    return req->user && req->user->role == WEB_ROLE_REP && req->user->rep_id && *req->user->rep_id;
}

sp_scope page_scope(const web_req *req)
{
    sp_scope s = {SCOPE_ALL, NULL, NULL, 0};
    const web_user *u = req->user;
    if (!u) {
        s.kind = SCOPE_REP;   /* nobody: a rep id that matches no one */
        s.rep = "";
    } else if (u->role == WEB_ROLE_REP) {
        s.kind = SCOPE_REP;
        s.rep = u->rep_id ? u->rep_id : "";
    } else if (u->role == WEB_ROLE_MANAGER && u->ngroups) {
        s.kind = SCOPE_GROUPS;
        s.groups = u->groups;
        s.ngroups = u->ngroups;
    }
    return s;
}

bool page_rep_visible(const web_req *req, const page_data *pd, const char *rep_id)
{
    sp_scope s = page_scope(req);
    if (s.kind == SCOPE_REP) return rep_id && *s.rep && str_eq(rep_id, s.rep);
    /* the scope compares ids by content: give it the dataset's own pointer when there is one */
    const sp_rep *r = page_rep(pd, rep_id);
    return app_scope_has_rep(&s, pd->plan, pd->ds, r ? r->id : rep_id);
}

/* ---- lookups by an id from anywhere (the request, the plan) ---- */

const sp_rep *page_rep(const page_data *pd, const char *id)
{
    if (!id || !pd->ds || !pd->ds->rep_rows) return NULL;
    const sp_rep *r = dataset_rep(pd->ds, id);   /* a pointer the dataset gave: one lookup */
    if (r) return r;
    /* an id from elsewhere (a kpi row's key, the request): the dataset's
     * own string for it, by content (one hash lookup, not a scan of every
     * rep for every row of a leaderboard) */
    sp_str c = dataset_find_code(pd->ds, id);
    if (c) return dataset_rep(pd->ds, ds_str(pd->ds, c));
    for (size_t i = 0; i < pd->ds->reps.n; i++) /* (a rep id is always in the dictionary: a safety net) */
        if (str_eq(pd->ds->rep_rows[i].id, id)) return &pd->ds->rep_rows[i];
    return NULL;
}

bool page_customer(const page_data *pd, const char *id, sp_customer *out)
{
    if (!id || !pd->ds) return false;
    if (dataset_customer(pd->ds, id, out)) return true;
    for (size_t i = 0; i < pd->ds->customers.n; i++)
        if (str_eq(ds_str(pd->ds, pd->ds->customers.id[i]), id)) {
            *out = customer_at(pd->ds, i);
            return true;
        }
    return false;
}

/* ---- names ---- */

const char *page_rep_name(const page_data *pd, const char *id)
{
    if (!id || !*id) return "";
    const sp_group *g = NULL;
    const sp_member *m = pd->plan ? plan_find_member(pd->plan, id, &g) : NULL;
    if (m && m->name && *m->name) return m->name;
    const sp_rep *r = page_rep(pd, id);
    if (r && r->name && *r->name) return r->name;
    return id;
}

const char *page_team_name(const page_data *pd, const char *id)
{
    if (!id || !*id) return "";
    const char *n = pd->plan ? plan_team_name(pd->plan, id) : NULL;
    return n ? n : id;
}

const char *page_customer_name(const page_data *pd, const char *id)
{
    sp_customer c;
    if (page_customer(pd, id, &c) && c.name && *c.name) return c.name;
    return id ? id : "";
}

const char *page_tier_name(const page_data *pd, const char *id)
{
    if (!id) return "";
    for (size_t i = 0; pd->plan && i < pd->plan->ntiers; i++)
        if (str_eq(pd->plan->tiers[i].id, id) && pd->plan->tiers[i].name) return pd->plan->tiers[i].name;
    static const char *const ids[] = {"strategic", "key", "potential"};
    static const char *const names[] = {N_("Strategic"), N_("Key"), N_("Potential")};
    for (size_t i = 0; i < 3; i++)
        if (str_eq(id, ids[i])) return _(names[i]);
    return id;
}

const char *page_goal_name(const page_data *pd, const char *id)
{
    const sp_goal *g = pd->plan && id ? plan_find_goal(pd->plan, id) : NULL;
    return g && g->name && *g->name ? g->name : id ? id : "";
}

const char *page_category_name(const page_data *pd, const char *id)
{
    for (size_t i = 0; pd->plan && id && i < pd->plan->nbudget_cats; i++)
        if (str_eq(pd->plan->budget_cats[i].id, id) && pd->plan->budget_cats[i].name)
            return pd->plan->budget_cats[i].name;
    return id ? id : "";
}

const char *page_metric_label(sp_metric m)
{
    static const char *const labels[MET_COUNT] = {
        N_("revenue"), N_("deals won"), N_("average deal size"), N_("new customers"), N_("new-customer revenue"),
        N_("new-customer revenue share"), N_("renewal rate"), N_("leads"), N_("qualified leads"),
        N_("lead conversion rate"), N_("win rate"), N_("sales cycle (days)"), N_("visits"), N_("activities"),
        N_("visits per rep per month"), N_("gross margin"), N_("collection rate"), N_("collected"), N_("pipeline"),
        N_("weighted pipeline"), N_("active customers"), N_("customers per tier"), N_("revenue share per tier"),
        N_("spend"), N_("manual"),
    };
    return (unsigned)m < MET_COUNT ? labels[m] : "";
}

const char *page_status_label(sp_goal_status s) { return goal_status_label(s); }

const char *page_task_status_label(sp_task_status s)
{
    static const char *const v[TASK_STATUS_COUNT] = {N_("to do"), N_("doing"), N_("done"), N_("blocked")};
    return (unsigned)s < TASK_STATUS_COUNT ? v[s] : "";
}

sp_task_status page_task_status(const page_data *pd, const char *task_id, int *progress)
{
    for (size_t i = 0; i < pd->nstates; i++)
        if (str_eq(pd->states[i].task_id, task_id)) {
            if (progress) *progress = pd->states[i].progress;
            return pd->states[i].status;
        }
    if (progress) *progress = 0;
    return TASK_TODO;
}

/* ---- shared markup ---- */

void page_date(buf_t *out, sp_day d)
{
    char b[16];
    buf_puts(out, day_format(d, b));
}

void page_status_badge(buf_t *out, sp_goal_status s)
{
    buf_printf(out, "<span class=\"st %s\">", html_status_class(s));
    web_html(out, _(page_status_label(s)));
    buf_puts(out, "</span>");
}

void page_no_plan(buf_t *out)
{
    buf_t what = BUF_INIT;
    buf_puts(&what, _("This workspace has no plan yet. Start from the example plan, or load the demo workspace to "
                      "see every page with a year of data."));
    html_empty(out, _("No plan yet"), buf_cstr(&what),
               "salesplan plan import examples/plan-zh.yaml\nsalesplan demo --db demo.db");
    buf_free(&what);
}

void page_notice_from(const web_req *req, buf_t *out)
{
    static const char *const keys[] = {"task", "visit", "review", "import"};
    static const char *const texts[] = {N_("Task updated."), N_("Activity logged: the follow-up is up to date."),
                                        N_("Review saved."), N_("Import done.")};
    const char *ok = web_field_get(req, "ok");
    for (size_t i = 0; ok && i < sizeof keys / sizeof keys[0]; i++)
        if (str_eq(ok, keys[i])) html_notice(out, "ok", _(texts[i]));
}

/* ---- computed views several pages share ---- */

const char *page_goal_owner(const sp_goal *g)
{
    for (; g; g = g->parent)
        if (g->owner) return g->owner;
    return NULL;
}

bool page_paces(const page_data *pd, sp_goal_pace **out, size_t *n, sp_err *err)
{
    *out = NULL;
    *n = 0;
    if (!pd->plan) return true;
    sp_pace_ctx ctx = {pd->plan, pd->ds, pd->tiers, pd->ntiers, pd->manual, pd->nmanual, pd->as_of};
    return pace_evaluate(&ctx, out, n, err);
}

void page_alerts(const web_req *req, const page_data *pd, const sp_goal_pace *paces, size_t npaces,
                 const char *rep, unsigned kinds, sp_alerts_result *out)
{
    sp_goal_status_in *gin = xcalloc(npaces ? npaces : 1, sizeof *gin);
    for (size_t i = 0; i < npaces; i++) {
        gin[i].goal_id = paces[i].goal->id;
        gin[i].owner = page_goal_owner(paces[i].goal);
        gin[i].status = goal_status_name(paces[i].status);
        gin[i].has_attainment = !paces[i].attainment.null && paces[i].attainment.den != 0;
        if (gin[i].has_attainment)
            gin[i].attainment = (double)paces[i].attainment.num / (double)paces[i].attainment.den;
    }
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.ds = pd->ds;
    in.plan = pd->plan;
    in.as_of = pd->as_of;
    in.states = pd->states;
    in.nstates = pd->nstates;
    in.goals = gin;
    in.ngoals = npaces;
    in.kinds = kinds;
    in.rep = rep;
    memset(out, 0, sizeof *out);
    alerts_compute(&in, out);
    /* a manager sees the alerts of their groups only; budget overruns
     * (no owner) only when they see everything */
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        const sp_alert *a = &out->v[i];
        bool keep = a->owner ? page_rep_visible(req, pd, a->owner) || (a->leader && page_rep_visible(req, pd, a->leader))
                             : page_rep_visible(req, pd, NULL);
        if (keep) out->v[k++] = *a;
        else {
            out->count[a->kind]--;
            free(out->v[i].folded);
        }
    }
    out->n = k;
    free(gin);
}
