/*
 * app.c — what every verb shares: notes as values, the caller's scope,
 * loading the plan, the as-of date, and checking filter values against
 * what the workspace holds ("did you mean").
 *
 * Owns: nothing global. Prints nothing: problems are sp_err values or
 * notes in the result.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../io/plan_yaml.h"
#include "app.h"
#include "app_int.h"

/* ---- notes ---- */

void app_notes_add(sp_app_notes *notes, bool warning, int line, int col, const char *fmt, ...)
{
    notes->v = xreallocarray(notes->v, notes->n + 1, sizeof *notes->v);
    sp_app_note *x = &notes->v[notes->n++];
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    x->text = buf_detach(&b);
    if (!x->text) x->text = xstrdup("");
    x->warning = warning;
    x->line = line;
    x->col = col;
}

void app_notes_free(sp_app_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++) free(notes->v[i].text);
    free(notes->v);
    notes->v = NULL;
    notes->n = 0;
}

/* app_notes_from_err: each line of err as an unlocated note. */
void app_notes_from_err(sp_app_notes *notes, const sp_err *err)
{
    const char *s = buf_cstr(&err->msg);
    while (*s) {
        size_t n = strcspn(s, "\n");
        app_notes_add(notes, false, 0, 0, "%.*s", (int)n, s);
        s += n + (s[n] ? 1 : 0);
    }
}

/* ---- language ---- */

sp_lang app_lang_enter(const sp_app_req *rq)
{
    sp_lang old = i18n_lang();
    i18n_set_lang(rq->lang);
    return old;
}

void app_lang_leave(sp_lang old) { i18n_set_lang(old); }

/* ---- scope ---- */

static bool group_in_scope(const sp_scope *scope, const char *group)
{
    for (size_t i = 0; group && i < scope->ngroups; i++)
        if (str_eq(scope->groups[i], group)) return true;
    return false;
}

bool app_scope_has_rep(const sp_scope *scope, const sp_plan *plan, const sp_dataset *ds, const char *rep)
{
    switch (scope->kind) {
    case SCOPE_ALL: return true;
    case SCOPE_REP: return rep && scope->rep && str_eq(rep, scope->rep);
    case SCOPE_GROUPS: {
        if (!rep) return false;
        const sp_group *g = NULL;
        if (plan && plan_find_member(plan, rep, &g) && g && group_in_scope(scope, g->id)) return true;
        const sp_rep *r = ds ? dataset_rep(ds, rep) : NULL;
        for (size_t i = 0; ds && !r && i < ds->reps.n; i++)
            if (str_eq(ds->rep_rows[i].id, rep)) r = &ds->rep_rows[i];
        return r && group_in_scope(scope, r->team);
    }
    default: return false;
    }
}

const char *app_goal_owner(const sp_goal *g)
{
    for (; g; g = g->parent)
        if (g->owner) return g->owner;
    return NULL;
}

bool app_goal_in_scope(const sp_scope *scope, const sp_plan *plan, const sp_goal *g)
{
    if (scope->kind == SCOPE_ALL) return true;
    const char *owner = app_goal_owner(g);
    if (owner && app_scope_has_rep(scope, plan, NULL, owner)) return true;
    if (owner && scope->kind == SCOPE_GROUPS && group_in_scope(scope, owner)) return true;
    /* a goal of the caller's own records: its filter names only reps (or
     * teams) inside the scope */
    size_t named = 0;
    for (const sp_goal *p = g; p; p = p->parent)
        for (size_t i = 0; i < p->filter.n; i++) {
            const sp_filter_kv *kv = &p->filter.kv[i];
            if (!kv->value) continue;
            if (kv->dim == DIM_REP) {
                if (!app_scope_has_rep(scope, plan, NULL, kv->value)) return false;
                named++;
            } else if (kv->dim == DIM_TEAM && scope->kind == SCOPE_GROUPS) {
                if (!group_in_scope(scope, kv->value)) return false;
                named++;
            }
        }
    return named > 0;
}

/* app_scope_filter: f narrowed to the caller's scope: SCOPE_REP keeps the
 * rep= values equal to the rep, or adds rep=REP when there are none;
 * SCOPE_GROUPS does the same with team= and the groups. A filter that
 * named only values outside the scope is SP_EFORBIDDEN. */
bool app_scope_filter(const sp_scope *scope, const sp_plan *plan, sp_filter *f, sp_err *err)
{
    if (scope->kind == SCOPE_ALL) return true;
    sp_dim dim = scope->kind == SCOPE_REP ? DIM_REP : DIM_TEAM;
    size_t given = 0, kept = 0, w = 0;
    const char *outside = NULL;
    for (size_t i = 0; i < f->n; i++) {
        sp_filter_kv kv = f->kv[i];
        if (kv.dim == dim && kv.value) {
            given++;
            bool in = dim == DIM_REP ? app_scope_has_rep(scope, plan, NULL, kv.value) : group_in_scope(scope, kv.value);
            if (!in) {
                if (!outside) outside = kv.value;
                else free(kv.value);
                continue;
            }
            kept++;
        }
        f->kv[w++] = kv;
    }
    f->n = w;
    if (given && !kept) {
        err_set(err, SP_EFORBIDDEN, _("%s '%s' is outside what you may see"), dim_name(dim), outside);
        free((char *)outside);
        return false;
    }
    free((char *)outside);
    if (given) return true;
    size_t add = scope->kind == SCOPE_REP ? 1 : scope->ngroups;
    if (add == 0 || (scope->kind == SCOPE_REP && !scope->rep)) {
        err_set(err, SP_EFORBIDDEN, "%s", _("the request's scope names no rep or team"));
        return false;
    }
    f->kv = xreallocarray(f->kv, f->n + add, sizeof *f->kv);
    for (size_t i = 0; i < add; i++) {
        sp_filter_kv *kv = &f->kv[f->n++];
        memset(kv, 0, sizeof *kv);
        kv->dim = dim;
        kv->value = xstrdup(scope->kind == SCOPE_REP ? scope->rep : scope->groups[i]);
    }
    return true;
}

/* ---- plan and date ---- */

const char *app_no_plan_msg(void) { return _("the workspace has no plan yet: run 'salesplan plan import FILE' first"); }

bool app_load_plan(sp_store *st, const char *plan_id, bool required, sp_plan **plan, sp_err *err)
{
    *plan = NULL;
    const char *id = plan_id;
    sp_plan_info *infos = NULL;
    size_t n = 0;
    char *text = NULL;
    bool ok = false;
    if (!id) {
        if (!st->ops->plan_list(st, &infos, &n, err)) goto done;
        if (n == 0) {
            if (required) err_set(err, SP_ENOTFOUND, "%s", app_no_plan_msg());
            else ok = true;
            goto done;
        }
        if (n > 1) {
            err_set(err, SP_EUSAGE, "%s", _("the workspace has several plans: name one with --plan ID"));
            goto done;
        }
        id = infos[0].id;
    }
    if (!st->ops->plan_get(st, id, 0, &text, err)) goto done;
    *plan = plan_yaml_parse(text, strlen(text), id, err);
    ok = *plan != NULL;
done:
    free(text);
    plan_info_free(infos, n);
    return ok;
}

sp_day app_as_of(const sp_app_req *rq, const sp_plan *plan)
{
    if (rq->as_of != SP_DAY_NONE) return rq->as_of;
    if (rq->today != SP_DAY_NONE) return rq->today;
    return app_today(plan ? plan->timezone : NULL, (int64_t)time(NULL));
}

/* ---- filter values that match nothing (issue 6.8) ---- */

typedef struct known_set {
    sp_known_value *v;
    size_t n, cap;
    size_t ndata;        /* how many came from the data */
} known_set;

static void known_add(known_set *k, const char *value, const char *label)
{
    if (!value || !*value) return;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].value, value) == 0) {
            if (!k->v[i].label && label) k->v[i].label = xstrdup(label);
            return;
        }
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 16;
        k->v = xreallocarray(k->v, k->cap, sizeof *k->v);
    }
    k->v[k->n].value = xstrdup(value);
    k->v[k->n].label = label && *label && strcmp(label, value) != 0 ? xstrdup(label) : NULL;
    k->n++;
}

/* known_plan: the plan's own ids (with their names) for dim. */
static void known_plan(const sp_plan *plan, sp_dim dim, known_set *k)
{
    static const char *const default_tiers[] = {"strategic", "key", "potential"};
    if (dim == DIM_TIER && (!plan || plan->ntiers == 0))
        for (size_t i = 0; i < 3; i++) known_add(k, default_tiers[i], NULL);
    if (!plan) return;
    switch (dim) {
    case DIM_TEAM:
        for (size_t i = 0; i < plan->ngroups; i++) known_add(k, plan->groups[i].id, plan->groups[i].name);
        break;
    case DIM_REP:
        for (size_t i = 0; i < plan->ngroups; i++)
            for (size_t j = 0; j < plan->groups[i].nmembers; j++)
                known_add(k, plan->groups[i].members[j].id, plan->groups[i].members[j].name);
        break;
    case DIM_TIER:
        for (size_t i = 0; i < plan->ntiers; i++) known_add(k, plan->tiers[i].id, plan->tiers[i].name);
        break;
    case DIM_CATEGORY:
        for (size_t i = 0; i < plan->nbudget_cats; i++)
            known_add(k, plan->budget_cats[i].id, plan->budget_cats[i].name);
        break;
    case DIM_STRATEGY:
        for (size_t i = 0; i < plan->nstrategies; i++) known_add(k, plan->strategies[i].id, plan->strategies[i].name);
        break;
    default: break;
    }
}

static void known_free(known_set *k)
{
    known_values_free(k->v, k->n);
    memset(k, 0, sizeof *k);
}

/* near_distance: how far value is from the known text t: the edit
 * distance to t, or to one of t's space-separated words ("Eest" is 1 from
 * "East China"), whichever is less. */
static size_t near_distance(const char *value, const char *t)
{
    size_t d = str_distance(value, t);
    if (!strchr(t, ' ')) return d;
    for (const char *p = t; *p;) {
        size_t n = strcspn(p, " ");
        if (n) {
            char *w = xstrndup(p, n);
            size_t dw = str_distance(value, w);
            free(w);
            if (dw < d) d = dw;
        }
        p += n;
        while (*p == ' ') p++;
    }
    return d;
}

/* known_describe: "did you mean X?" (the nearest known values, when near)
 * and the list of known values into msg, for value. */
static void known_describe(const known_set *k, const char *value, buf_t *msg)
{
    size_t *dist = xcalloc(k->n ? k->n : 1, sizeof *dist);
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < k->n; i++) {
        dist[i] = near_distance(value, k->v[i].value);
        if (k->v[i].label) {
            size_t dl = near_distance(value, k->v[i].label);
            if (dl < dist[i]) dist[i] = dl;
        }
        if (dist[i] < bd) bd = dist[i];
    }
    size_t w = utf8_width(value);
    size_t limit = w <= 4 ? 1 : w <= 10 ? 2 : 3;
    if (str_distance(value, "") <= 1) limit = 0; /* one character: anything is 1 away */
    if (k->n && bd <= limit) {
        /* every value as near as the nearest (华男: 华东 or 华南), at most 3 */
        buf_puts(msg, _(" (did you mean "));
        size_t shown = 0;
        for (size_t i = 0; i < k->n && shown < 3; i++) {
            if (dist[i] != bd) continue;
            if (shown++) buf_puts(msg, _(" or "));
            if (k->v[i].label) buf_printf(msg, _("%s (%s)"), k->v[i].value, k->v[i].label);
            else buf_puts(msg, k->v[i].value);
        }
        buf_puts(msg, _("?)"));
    }
    free(dist);
    buf_puts(msg, _("; known: "));
    size_t shown = k->n < 20 ? k->n : 20;
    for (size_t i = 0; i < shown; i++) {
        if (i) buf_puts(msg, _(", "));
        if (k->v[i].label) buf_printf(msg, _("%s (%s)"), k->v[i].value, k->v[i].label);
        else buf_puts(msg, k->v[i].value);
    }
    if (k->n > shown) buf_printf(msg, _(" and %zu more"), k->n - shown);
}

/* known_lookup: whether value of dim is known (*found), after looking in
 * the data (a cheap probe first) and the plan; fills k with every known
 * value when it is not. Returns false on a store failure (err set). */
static bool known_lookup(sp_store *st, const sp_plan *plan, sp_dim dim, const char *value, bool *found,
                         known_set *k, sp_err *err)
{
    memset(k, 0, sizeof *k);
    *found = false;
    if (!st->ops->filter_values) return (*found = true);
    known_plan(plan, dim, k);
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->v[i].value, value) == 0) return (*found = true);
    bool in_data = false;
    sp_known_value *v = NULL;
    size_t n = 0;
    if (!st->ops->filter_values(st, dim, value, &in_data, &v, &n, err)) return false;
    if (in_data) return (*found = true);
    for (size_t i = 0; i < n; i++) known_add(k, v[i].value, v[i].label);
    k->ndata = n;
    known_values_free(v, n);
    return true;
}

/* known_by_label: the one id whose label is value; NULL when none, and
 * *several when more than one. */
static const char *known_by_label(const known_set *k, const char *value, bool *several)
{
    const char *id = NULL;
    *several = false;
    for (size_t i = 0; i < k->n; i++) {
        if (!k->v[i].label || strcmp(k->v[i].label, value) != 0) continue;
        if (id && strcmp(id, k->v[i].value) != 0) *several = true;
        id = k->v[i].value;
    }
    return *several ? NULL : id;
}

bool app_resolve_where(sp_store *st, const sp_plan *plan, sp_filter *f, sp_err *err)
{
    bool ok = true;
    for (size_t i = 0; i < f->n && ok; i++) {
        sp_filter_kv *kv = &f->kv[i];
        if (!kv->value) continue;
        known_set k;
        bool found;
        if (!known_lookup(st, plan, kv->dim, kv->value, &found, &k, err)) {
            known_free(&k);
            return false;
        }
        if (!found && k.n) {
            bool several;
            const char *id = known_by_label(&k, kv->value, &several);
            if (id) { /* a team's (rep's, tier's…) name: its id */
                free(kv->value);
                kv->value = xstrdup(id);
            } else {
                buf_t msg = BUF_INIT;
                buf_printf(&msg, _("no %s '%s' in the workspace or the plan"), dim_name(kv->dim), kv->value);
                known_describe(&k, kv->value, &msg);
                err_set(err, SP_EUSAGE, "%s", buf_cstr(&msg));
                buf_free(&msg);
                ok = false;
            }
        }
        known_free(&k);
    }
    return ok;
}

/* goal_notes: the notes of goal g and its children (see
 * app_goal_filter_notes); seen holds "dim=value" already told. */
static bool goal_notes(sp_store *st, const sp_plan *plan, const sp_goal *g, buf_t *seen, sp_app_notes *notes,
                       sp_err *err)
{
    for (size_t i = 0; i < g->filter.n; i++) {
        const sp_filter_kv *kv = &g->filter.kv[i];
        if (!kv->value) continue;
        char *key = xasprintf("\n%d=%s\n", (int)kv->dim, kv->value);
        bool told = strstr(buf_cstr(seen), key) != NULL;
        if (!told) buf_puts(seen, key + 1);
        free(key);
        if (told) continue;
        known_set k;
        bool found;
        if (!known_lookup(st, plan, kv->dim, kv->value, &found, &k, err)) {
            known_free(&k);
            return false;
        }
        /* only when the data holds this key at all: an empty workspace
         * (or one without leads) says nothing */
        if (!found && k.ndata) {
            bool several;
            buf_t msg = BUF_INIT;
            const char *id = known_by_label(&k, kv->value, &several);
            buf_printf(&msg, _("goal %s: no %s '%s' in the workspace: the goal counts nothing"), g->id,
                       dim_name(kv->dim), kv->value);
            if (id) buf_printf(&msg, _(" (write its id: %s)"), id);
            else known_describe(&k, kv->value, &msg);
            app_notes_add(notes, true, kv->pos.line, kv->pos.col, "%s", buf_cstr(&msg));
            buf_free(&msg);
        }
        known_free(&k);
    }
    for (size_t c = 0; c < g->nchildren; c++)
        if (!goal_notes(st, plan, &g->children[c], seen, notes, err)) return false;
    return true;
}

bool app_goal_filter_notes(sp_store *st, const sp_plan *plan, sp_app_notes *notes, sp_err *err)
{
    if (!st || !plan) return true;
    buf_t seen = BUF_INIT;
    buf_putc(&seen, '\n');
    bool ok = true;
    for (size_t i = 0; i < plan->ngoals && ok; i++) ok = goal_notes(st, plan, &plan->goals[i], &seen, notes, err);
    buf_free(&seen);
    return ok;
}

/* ---- names, not ids, where a person reads ---- */

const char *app_rep_name(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    if (!id) return NULL;
    const sp_rep *r = ds ? dataset_rep(ds, id) : NULL; /* interned ids: one lookup */
    for (size_t i = 0; ds && !r && i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) r = &ds->rep_rows[i];
    if (r && r->name && *r->name) return r->name;
    const sp_member *m = plan ? plan_find_member(plan, id, NULL) : NULL;
    return m && m->name && *m->name ? m->name : id;
}

const char *app_tier_name(const sp_plan *plan, const char *id, sp_lang lang)
{
    if (!id) return "—";
    for (size_t i = 0; plan && i < plan->ntiers; i++)
        if (str_eq(plan->tiers[i].id, id) && plan->tiers[i].name) return plan->tiers[i].name;
    if (str_eq(id, "strategic")) return tr_lang(lang, N_("strategic"));
    if (str_eq(id, "key")) return tr_lang(lang, N_("key"));
    if (str_eq(id, "potential")) return tr_lang(lang, N_("potential"));
    return id;
}
