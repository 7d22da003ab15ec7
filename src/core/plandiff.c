/*
 * plandiff.c — the structured difference between two plan versions (see
 * plandiff.h). Owns the comparison rules only: which fields of which
 * entities are compared, and their language-neutral display text. Pure: no
 * I/O; rendering and translation are the faces' job.
 *
 * Every entity kind is compared the same way: items are matched by id;
 * ids only in the old plan are "removed", only in the new one "added", and
 * for ids in both each field's display text is compared. A goal's fields
 * inherited from its parent (metric, type, owner, filter, per, direction,
 * and a derived name) are not reported on the child when the child wrote
 * neither value itself: the parent's line already says it.
 */
#include "plandiff.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[DIFF_KIND_COUNT] = {"added", "removed", "changed"};
static const char *const entity_names[DENT_COUNT] = {
    "plan", "group", "member", "goal", "pest", "persona", "capability", "strategy",
    "task", "budget", "budget_category", "tier", "alerts", "notify",
};

const char *diff_kind_name(sp_diff_kind k) { return k < DIFF_KIND_COUNT ? kind_names[k] : "?"; }
const char *diff_entity_name(sp_diff_entity e) { return e < DENT_COUNT ? entity_names[e] : "?"; }

/* ---- value texts: each returns a new allocation (or NULL = absent) ---- */

static char *s_dup(const char *s) { return s && *s ? xstrdup(s) : NULL; }

static char *s_int(long long v) { return xasprintf("%lld", v); }

static char *s_bool(bool v) { return xstrdup(v ? "true" : "false"); }

/* s_money: grouped major units, ".00" dropped ("16,000,000", "1,234.50"). */
static char *s_money(sp_money m)
{
    char buf[48];
    money_format_grouped(m, buf);
    size_t n = strlen(buf);
    if (n > 3 && strcmp(buf + n - 3, ".00") == 0) buf[n - 3] = '\0';
    return xstrdup(buf);
}

static char *s_ratio(sp_ratio r)
{
    char buf[48];
    return xstrdup(ratio_format_pct(r, buf));
}

static char *s_day(sp_day d)
{
    if (d == SP_DAY_NONE) return NULL;
    char buf[16];
    return xstrdup(day_format(d, buf));
}

/* s_hundredths: 1250 -> "12.5", 1200 -> "12", -325 -> "-3.25". */
static char *s_hundredths(int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(mag % 100);
    const char *sign = v < 0 ? "-" : "";
    unsigned long long whole = (unsigned long long)(mag / 100);
    if (frac == 0) return xasprintf("%s%llu", sign, whole);
    if (frac % 10 == 0) return xasprintf("%s%llu.%u", sign, whole, frac / 10);
    return xasprintf("%s%llu.%02u", sign, whole, frac);
}

/* s_time: a notify time "HH:MM"; NULL when not given (< 0). */
static char *s_time(int minutes)
{
    if (minutes < 0) return NULL;
    char buf[6];
    return xstrdup(plan_time_format(minutes, buf));
}

/* s_list: "a, b, c"; NULL when empty. */
static char *s_list(char *const *v, size_t n)
{
    if (!n) return NULL;
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(&b, ", ");
        buf_puts(&b, v[i] ? v[i] : "");
    }
    return buf_detach(&b);
}

/* s_splits: the `by` of each entry of a goal's `splits` ("region,
 * industry"); NULL when it has none. */
static char *s_splits(const sp_goal *g)
{
    if (!g->nsplits) return NULL;
    buf_t b = BUF_INIT;
    for (size_t k = 0; k < g->nsplits; k++) {
        if (k) buf_puts(&b, ", ");
        buf_puts(&b, g->splits[k].by ? g->splits[k].by : "");
    }
    return buf_detach(&b);
}

/* s_filter: "region=华东, industry=制造业" in dimension order (so a
 * reordered filter is not a change); NULL when empty. */
static char *s_filter(const sp_filter *f)
{
    if (!f->n) return NULL;
    buf_t b = BUF_INIT;
    for (int dim = 0; dim < DIM_COUNT; dim++)
        for (size_t i = 0; i < f->n; i++) {
            if ((int)f->kv[i].dim != dim) continue;
            if (b.len) buf_puts(&b, ", ");
            buf_printf(&b, "%s=%s", dim_name(f->kv[i].dim), f->kv[i].value ? f->kv[i].value : "");
        }
    return buf_detach(&b);
}

/* s_target: a goal's target in its metric's unit. */
static char *s_target(const sp_goal *g)
{
    if (!g->has_target && !g->target_text) return NULL;
    switch (sp_metrics[g->metric].unit) {
    case UNIT_MONEY: return s_money(g->target);
    case UNIT_RATIO: return s_ratio(g->target);
    case UNIT_COUNT: return s_int((long long)g->target);
    default: return s_hundredths(g->target);
    }
}

/* target_vtype: the type of a goal's target value. */
static sp_diff_vtype target_vtype(const sp_goal *g)
{
    switch (sp_metrics[g->metric].unit) {
    case UNIT_MONEY: return DV_MONEY;
    case UNIT_RATIO: return DV_RATIO;
    case UNIT_COUNT: return DV_INT;
    default: return DV_HUNDREDTHS;
    }
}

/* ---- recording ---- */

static sp_diff_change *push(sp_plan_diff *d)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
    }
    sp_diff_change *c = &d->v[d->n++];
    memset(c, 0, sizeof *c);
    return c;
}

static void add_entity(sp_plan_diff *d, sp_diff_kind k, sp_diff_entity e, const char *id, const char *name)
{
    sp_diff_change *c = push(d);
    c->kind = k;
    c->entity = e;
    c->id = xstrdup(id ? id : "");
    if (k == DIFF_ADDED) c->new_text = s_dup(name);
    else c->old_text = s_dup(name);
}

/* fld: compares two owned texts (NULL and "" both mean absent); records a
 * change when they differ, else frees them. Takes ownership of both. */
static void fld(sp_plan_diff *d, sp_diff_entity e, const char *id, const char *field, char *old_t, char *new_t)
{
    const char *x = old_t && *old_t ? old_t : NULL, *y = new_t && *new_t ? new_t : NULL;
    if (str_eq(x, y)) {
        free(old_t);
        free(new_t);
        return;
    }
    sp_diff_change *c = push(d);
    c->kind = DIFF_CHANGED;
    c->entity = e;
    c->id = xstrdup(id ? id : "");
    c->field = xstrdup(field);
    if (!x) free(old_t), old_t = NULL;
    if (!y) free(new_t), new_t = NULL;
    c->old_text = old_t;
    c->new_text = new_t;
}

/* fld_v: fld for a typed field: old_v / new_v are the values behind the
 * texts (meaningful where the text is not NULL). */
static void fld_v(sp_plan_diff *d, sp_diff_entity e, const char *id, const char *field, sp_diff_vtype t,
                  char *old_t, int64_t old_v, char *new_t, int64_t new_v)
{
    size_t n = d->n;
    fld(d, e, id, field, old_t, new_t);
    if (d->n > n) {
        d->v[n].vtype = t;
        d->v[n].old_v = old_v;
        d->v[n].new_v = new_v;
    }
}

/* fld_secret: records that a field changed without showing its values
 * (webhook URLs carry tokens). */
static void fld_secret(sp_plan_diff *d, sp_diff_entity e, const char *id, const char *field, const char *x,
                       const char *y)
{
    if (str_eq(x && *x ? x : NULL, y && *y ? y : NULL)) return;
    sp_diff_change *c = push(d);
    c->kind = DIFF_CHANGED;
    c->entity = e;
    c->id = xstrdup(id ? id : "");
    c->field = xstrdup(field);
}

/* ---- matching items by id ---- */

typedef struct item {
    const char *id, *name;
    const void *p;
} item;

typedef struct items {
    item *v;
    size_t n, cap;
} items;

static void items_add(items *s, const char *id, const char *name, const void *p)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
    }
    s->v[s->n++] = (item){id ? id : "", name, p};
}

static const item *items_find(const items *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].id, id) == 0) return &s->v[i];
    return NULL;
}

typedef void (*cmp_fn)(sp_plan_diff *d, const char *id, const void *x, const void *y);

/* diff_items: removed items (old order), then added / changed ones (new
 * order); frees both item lists. */
static void diff_items(sp_plan_diff *d, sp_diff_entity e, items *a, items *b, cmp_fn cmp)
{
    for (size_t i = 0; i < a->n; i++)
        if (!items_find(b, a->v[i].id)) add_entity(d, DIFF_REMOVED, e, a->v[i].id, a->v[i].name);
    for (size_t i = 0; i < b->n; i++) {
        const item *x = items_find(a, b->v[i].id);
        if (!x) add_entity(d, DIFF_ADDED, e, b->v[i].id, b->v[i].name);
        else cmp(d, b->v[i].id, x->p, b->v[i].p);
    }
    free(a->v);
    free(b->v);
    memset(a, 0, sizeof *a);
    memset(b, 0, sizeof *b);
}

/* ---- per entity ---- */

static const char *const pacing_words[] = {"linear", "seasonal"};
static const char *const type_words[] = {"result", "process"};
static const char *const direction_words[] = {"at_least", "at_most"};
static const char *const factor_words[] = {"political", "economic", "social", "technological"};
static const char *const effect_words[] = {"opportunity", "threat"};
static const char *const capkind_words[] = {"strength", "weakness", "constraint"};
static const char *const stratcat_words[] = {"market", "product", "customer", "channel"};

static void diff_plan_fields(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    const char *id = b->id ? b->id : "";
    fld(d, DENT_PLAN, id, "id", s_dup(a->id), s_dup(b->id));
    fld(d, DENT_PLAN, id, "name", s_dup(a->name), s_dup(b->name));
    fld(d, DENT_PLAN, id, "period", s_dup(a->period_text), s_dup(b->period_text));
    fld(d, DENT_PLAN, id, "currency", s_dup(a->currency), s_dup(b->currency));
    fld(d, DENT_PLAN, id, "timezone", s_dup(a->timezone), s_dup(b->timezone));
    fld_v(d, DENT_PLAN, id, "fiscal_year_start", DV_INT, s_int(a->fiscal_year_start), a->fiscal_year_start,
          s_int(b->fiscal_year_start), b->fiscal_year_start);
    fld(d, DENT_PLAN, id, "pacing", xstrdup(pacing_words[a->pacing == PACING_SEASONAL]),
        xstrdup(pacing_words[b->pacing == PACING_SEASONAL]));
    fld_v(d, DENT_PLAN, id, "check.max_growth", DV_RATIO, s_ratio(a->max_growth), a->max_growth, s_ratio(b->max_growth),
          b->max_growth);
}

static void cmp_group(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_group *a = x, *b = y;
    fld(d, DENT_GROUP, id, "name", s_dup(a->name), s_dup(b->name));
    fld(d, DENT_GROUP, id, "focus", s_filter(&a->focus), s_filter(&b->focus));
}

/* a member with the id of its group */
typedef struct member_ref {
    const sp_member *m;
    const char *group;
} member_ref;

static void cmp_member(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const member_ref *a = x, *b = y;
    fld(d, DENT_MEMBER, id, "name", s_dup(a->m->name), s_dup(b->m->name));
    fld(d, DENT_MEMBER, id, "role", s_dup(role_name(a->m->role)), s_dup(role_name(b->m->role)));
    fld(d, DENT_MEMBER, id, "group", s_dup(a->group), s_dup(b->group));
    fld_v(d, DENT_MEMBER, id, "capacity.visits_per_month", DV_INT,
          a->m->has_visits_capacity ? s_int((long long)a->m->visits_per_month) : NULL, a->m->visits_per_month,
          b->m->has_visits_capacity ? s_int((long long)b->m->visits_per_month) : NULL, b->m->visits_per_month);
    fld(d, DENT_MEMBER, id, "email", s_dup(a->m->email), s_dup(b->m->email));
    fld(d, DENT_MEMBER, id, "mobile", s_dup(a->m->mobile), s_dup(b->m->mobile));
    fld(d, DENT_MEMBER, id, "im_id", s_dup(a->m->im_id), s_dup(b->m->im_id));
}

static void diff_team(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    items ia = {0}, ib = {0};
    for (size_t i = 0; i < a->ngroups; i++) items_add(&ia, a->groups[i].id, a->groups[i].name, &a->groups[i]);
    for (size_t i = 0; i < b->ngroups; i++) items_add(&ib, b->groups[i].id, b->groups[i].name, &b->groups[i]);
    diff_items(d, DENT_GROUP, &ia, &ib, cmp_group);

    /* members: refs kept in arrays that outlive the item lists */
    size_t na = 0, nb = 0;
    for (size_t i = 0; i < a->ngroups; i++) na += a->groups[i].nmembers;
    for (size_t i = 0; i < b->ngroups; i++) nb += b->groups[i].nmembers;
    member_ref *ra = xcalloc(na ? na : 1, sizeof *ra), *rb = xcalloc(nb ? nb : 1, sizeof *rb);
    size_t k = 0;
    for (size_t i = 0; i < a->ngroups; i++)
        for (size_t j = 0; j < a->groups[i].nmembers; j++) {
            ra[k] = (member_ref){&a->groups[i].members[j], a->groups[i].id};
            items_add(&ia, ra[k].m->id, ra[k].m->name, &ra[k]);
            k++;
        }
    k = 0;
    for (size_t i = 0; i < b->ngroups; i++)
        for (size_t j = 0; j < b->groups[i].nmembers; j++) {
            rb[k] = (member_ref){&b->groups[i].members[j], b->groups[i].id};
            items_add(&ib, rb[k].m->id, rb[k].m->name, &rb[k]);
            k++;
        }
    diff_items(d, DENT_MEMBER, &ia, &ib, cmp_member);
    free(ra);
    free(rb);
}

static void collect_goal(const sp_goal *g, void *ctx) { items_add(ctx, g->id, g->name, g); }

static void cmp_goal(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_goal *a = x, *b = y;
    /* a child that wrote neither value inherits it: the parent reports it */
    bool child = a->parent && b->parent;
#define OWN(flag) (!child || a->flag || b->flag)
    if (!child || a->name_given || b->name_given) fld(d, DENT_GOAL, id, "name", s_dup(a->name), s_dup(b->name));
    fld(d, DENT_GOAL, id, "parent", s_dup(a->parent ? a->parent->id : NULL), s_dup(b->parent ? b->parent->id : NULL));
    if (OWN(has_type)) fld(d, DENT_GOAL, id, "type", xstrdup(type_words[a->type]), xstrdup(type_words[b->type]));
    if (OWN(has_metric))
        fld(d, DENT_GOAL, id, "metric", xstrdup(sp_metrics[a->metric].name), xstrdup(sp_metrics[b->metric].name));
    fld_v(d, DENT_GOAL, id, "target", target_vtype(a), s_target(a), a->target, s_target(b), b->target);
    if (d->n && d->v[d->n - 1].entity == DENT_GOAL && str_eq(d->v[d->n - 1].field, "target") &&
        target_vtype(a) != target_vtype(b))
        d->v[d->n - 1].vtype = DV_TEXT; /* the metric changed its unit: no one type */
    fld(d, DENT_GOAL, id, "period", s_dup(a->period_text), s_dup(b->period_text));
    if (OWN(has_owner)) fld(d, DENT_GOAL, id, "owner", s_dup(a->owner), s_dup(b->owner));
    if (OWN(has_direction))
        fld(d, DENT_GOAL, id, "direction", xstrdup(direction_words[a->direction]),
            xstrdup(direction_words[b->direction]));
    if (OWN(has_per))
        fld(d, DENT_GOAL, id, "per", a->per_month ? xstrdup("month") : NULL, b->per_month ? xstrdup("month") : NULL);
    fld(d, DENT_GOAL, id, "supports", s_list(a->supports, a->nsupports), s_list(b->supports, b->nsupports));
    if (OWN(has_filter)) fld(d, DENT_GOAL, id, "filter", s_filter(&a->filter), s_filter(&b->filter));
    /* which split a child belongs to ("children", or the `by` of an entry of
     * `splits`), and the further splits a goal has */
    if (child)
        fld(d, DENT_GOAL, id, "split", xstrdup(a->split_by ? a->split_by : "children"),
            xstrdup(b->split_by ? b->split_by : "children"));
    fld(d, DENT_GOAL, id, "splits", s_splits(a), s_splits(b));
#undef OWN
}

static void diff_goals(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    items ia = {0}, ib = {0};
    plan_goal_walk(a, collect_goal, &ia);
    plan_goal_walk(b, collect_goal, &ib);
    diff_items(d, DENT_GOAL, &ia, &ib, cmp_goal);
}

static void cmp_pest(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_pest *a = x, *b = y;
    fld(d, DENT_PEST, id, "factor", xstrdup(factor_words[a->factor]), xstrdup(factor_words[b->factor]));
    fld(d, DENT_PEST, id, "effect", xstrdup(effect_words[a->effect]), xstrdup(effect_words[b->effect]));
    fld_v(d, DENT_PEST, id, "impact", DV_INT, a->impact ? s_int(a->impact) : NULL, a->impact,
          b->impact ? s_int(b->impact) : NULL, b->impact);
    fld(d, DENT_PEST, id, "text", s_dup(a->text), s_dup(b->text));
}

static void cmp_persona(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_persona *a = x, *b = y;
    fld(d, DENT_PERSONA, id, "industry", s_dup(a->industry), s_dup(b->industry));
    fld(d, DENT_PERSONA, id, "size", s_dup(size_name(a->size)), s_dup(size_name(b->size)));
    fld(d, DENT_PERSONA, id, "pains", s_list(a->pains, a->npains), s_list(b->pains, b->npains));
    fld(d, DENT_PERSONA, id, "decision_chain", s_list(a->decision_chain, a->ndecision_chain),
        s_list(b->decision_chain, b->ndecision_chain));
    fld(d, DENT_PERSONA, id, "premium", s_dup(a->premium_text), s_dup(b->premium_text));
}

static void cmp_capability(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_capability *a = x, *b = y;
    fld(d, DENT_CAPABILITY, id, "kind", xstrdup(capkind_words[a->kind]), xstrdup(capkind_words[b->kind]));
    fld(d, DENT_CAPABILITY, id, "text", s_dup(a->text), s_dup(b->text));
}

static void diff_analysis(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    items ia = {0}, ib = {0};
    for (size_t i = 0; i < a->npest; i++) items_add(&ia, a->pest[i].id, a->pest[i].text, &a->pest[i]);
    for (size_t i = 0; i < b->npest; i++) items_add(&ib, b->pest[i].id, b->pest[i].text, &b->pest[i]);
    diff_items(d, DENT_PEST, &ia, &ib, cmp_pest);
    for (size_t i = 0; i < a->npersonas; i++)
        items_add(&ia, a->personas[i].id, a->personas[i].industry, &a->personas[i]);
    for (size_t i = 0; i < b->npersonas; i++)
        items_add(&ib, b->personas[i].id, b->personas[i].industry, &b->personas[i]);
    diff_items(d, DENT_PERSONA, &ia, &ib, cmp_persona);
    for (size_t i = 0; i < a->ncapabilities; i++)
        items_add(&ia, a->capabilities[i].id, a->capabilities[i].text, &a->capabilities[i]);
    for (size_t i = 0; i < b->ncapabilities; i++)
        items_add(&ib, b->capabilities[i].id, b->capabilities[i].text, &b->capabilities[i]);
    diff_items(d, DENT_CAPABILITY, &ia, &ib, cmp_capability);
}

static void cmp_strategy(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_strategy *a = x, *b = y;
    fld(d, DENT_STRATEGY, id, "name", s_dup(a->name), s_dup(b->name));
    fld(d, DENT_STRATEGY, id, "category", xstrdup(stratcat_words[a->category]),
        xstrdup(stratcat_words[b->category]));
    fld(d, DENT_STRATEGY, id, "goals", s_list(a->goals, a->ngoals), s_list(b->goals, b->ngoals));
    fld(d, DENT_STRATEGY, id, "answers", s_list(a->answers, a->nanswers), s_list(b->answers, b->nanswers));
    fld_v(d, DENT_STRATEGY, id, "priority", DV_INT, a->priority ? s_int(a->priority) : NULL, a->priority,
          b->priority ? s_int(b->priority) : NULL, b->priority);
}

static void cmp_task(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_task *a = x, *b = y;
    fld(d, DENT_TASK, id, "name", s_dup(a->name), s_dup(b->name));
    fld(d, DENT_TASK, id, "strategy", s_dup(a->strategy), s_dup(b->strategy));
    fld(d, DENT_TASK, id, "owner", s_dup(a->owner), s_dup(b->owner));
    fld(d, DENT_TASK, id, "collaborators", s_list(a->collaborators, a->ncollaborators),
        s_list(b->collaborators, b->ncollaborators));
    fld_v(d, DENT_TASK, id, "start", DV_DAY, s_day(a->start), a->start, s_day(b->start), b->start);
    fld_v(d, DENT_TASK, id, "due", DV_DAY, s_day(a->due), a->due, s_day(b->due), b->due);
    fld(d, DENT_TASK, id, "depends_on", s_list(a->depends_on, a->ndepends_on),
        s_list(b->depends_on, b->ndepends_on));
    fld_v(d, DENT_TASK, id, "milestone", DV_BOOL, s_bool(a->milestone), a->milestone, s_bool(b->milestone),
          b->milestone);
    fld(d, DENT_TASK, id, "deliverable", s_dup(a->deliverable), s_dup(b->deliverable));
    fld(d, DENT_TASK, id, "budget.category", a->has_budget ? s_dup(a->budget_category) : NULL,
        b->has_budget ? s_dup(b->budget_category) : NULL);
    fld_v(d, DENT_TASK, id, "budget.amount", DV_MONEY, a->has_budget ? s_money(a->budget_amount) : NULL,
          a->budget_amount, b->has_budget ? s_money(b->budget_amount) : NULL, b->budget_amount);
    fld(d, DENT_TASK, id, "resources", s_list(a->resources, a->nresources), s_list(b->resources, b->nresources));
}

static void diff_strategies_tasks(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    items ia = {0}, ib = {0};
    for (size_t i = 0; i < a->nstrategies; i++)
        items_add(&ia, a->strategies[i].id, a->strategies[i].name, &a->strategies[i]);
    for (size_t i = 0; i < b->nstrategies; i++)
        items_add(&ib, b->strategies[i].id, b->strategies[i].name, &b->strategies[i]);
    diff_items(d, DENT_STRATEGY, &ia, &ib, cmp_strategy);
    for (size_t i = 0; i < a->ntasks; i++) items_add(&ia, a->tasks[i].id, a->tasks[i].name, &a->tasks[i]);
    for (size_t i = 0; i < b->ntasks; i++) items_add(&ib, b->tasks[i].id, b->tasks[i].name, &b->tasks[i]);
    diff_items(d, DENT_TASK, &ia, &ib, cmp_task);
}

static void cmp_budget_cat(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_budget_cat *a = x, *b = y;
    fld(d, DENT_BUDGET_CAT, id, "name", s_dup(a->name), s_dup(b->name));
    fld_v(d, DENT_BUDGET_CAT, id, "share", DV_RATIO, s_ratio(a->share), a->share, s_ratio(b->share), b->share);
}

static void cmp_tier(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_tier *a = x, *b = y;
    fld(d, DENT_TIER, id, "name", s_dup(a->name), s_dup(b->name));
    fld_v(d, DENT_TIER, id, "min", DV_MONEY, s_money(a->min), a->min, s_money(b->min), b->min);
    fld_v(d, DENT_TIER, id, "review_every_days", DV_INT, a->review_every_days ? s_int(a->review_every_days) : NULL,
          a->review_every_days, b->review_every_days ? s_int(b->review_every_days) : NULL, b->review_every_days);
}

static void diff_budget_tiers(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    fld_v(d, DENT_BUDGET, "", "total", DV_MONEY, a->has_budget ? s_money(a->budget_total) : NULL, a->budget_total,
          b->has_budget ? s_money(b->budget_total) : NULL, b->budget_total);
    items ia = {0}, ib = {0};
    for (size_t i = 0; i < a->nbudget_cats; i++)
        items_add(&ia, a->budget_cats[i].id, a->budget_cats[i].name, &a->budget_cats[i]);
    for (size_t i = 0; i < b->nbudget_cats; i++)
        items_add(&ib, b->budget_cats[i].id, b->budget_cats[i].name, &b->budget_cats[i]);
    diff_items(d, DENT_BUDGET_CAT, &ia, &ib, cmp_budget_cat);
    for (size_t i = 0; i < a->ntiers; i++) items_add(&ia, a->tiers[i].id, a->tiers[i].name, &a->tiers[i]);
    for (size_t i = 0; i < b->ntiers; i++) items_add(&ib, b->tiers[i].id, b->tiers[i].name, &b->tiers[i]);
    diff_items(d, DENT_TIER, &ia, &ib, cmp_tier);
}

/* s_stale_map: "strategic: 7, key: 14" in the written order; NULL when none. */
static char *s_stale_map(const sp_alerts_cfg *c)
{
    if (!c->nstale_by_tier) return NULL;
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < c->nstale_by_tier; i++)
        buf_printf(&b, "%s%s: %d", i ? ", " : "", c->stale_by_tier[i].tier ? c->stale_by_tier[i].tier : "",
                   c->stale_by_tier[i].days);
    return buf_detach(&b);
}

static void diff_alerts(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    const sp_alerts_cfg *x = &a->alerts, *y = &b->alerts;
    /* a per-tier map replaces the single number */
    if (x->nstale_by_tier || y->nstale_by_tier)
        fld(d, DENT_ALERTS, "", "stale_followup_days",
            x->nstale_by_tier ? s_stale_map(x) : s_int(x->stale_followup_days),
            y->nstale_by_tier ? s_stale_map(y) : s_int(y->stale_followup_days));
    else
        fld_v(d, DENT_ALERTS, "", "stale_followup_days", DV_INT, s_int(x->stale_followup_days),
              x->stale_followup_days, s_int(y->stale_followup_days), y->stale_followup_days);
    fld_v(d, DENT_ALERTS, "", "escalate_after_days", DV_INT, s_int(x->escalate_after_days), x->escalate_after_days,
          s_int(y->escalate_after_days), y->escalate_after_days);
    fld_v(d, DENT_ALERTS, "", "goal_off_pace_below", DV_RATIO, s_ratio(x->goal_off_pace_below),
          x->goal_off_pace_below, s_ratio(y->goal_off_pace_below), y->goal_off_pace_below);
    fld_v(d, DENT_ALERTS, "", "budget_overrun_above", DV_RATIO, s_ratio(x->budget_overrun_above),
          x->budget_overrun_above, s_ratio(y->budget_overrun_above), y->budget_overrun_above);
    fld_v(d, DENT_ALERTS, "", "task_overdue", DV_BOOL, s_bool(x->task_overdue), x->task_overdue, s_bool(y->task_overdue),
          y->task_overdue);
    fld_v(d, DENT_ALERTS, "", "tier_review_due", DV_BOOL, s_bool(x->tier_review_due), x->tier_review_due,
          s_bool(y->tier_review_due), y->tier_review_due);
}

static void cmp_notify(sp_plan_diff *d, const char *id, const void *x, const void *y)
{
    const sp_notify *a = x, *b = y;
    fld_secret(d, DENT_NOTIFY, id, "url", a->url, b->url);
    fld(d, DENT_NOTIFY, id, "secret_env", s_dup(a->secret_env), s_dup(b->secret_env));
    fld(d, DENT_NOTIFY, id, "secret_file", s_dup(a->secret_file), s_dup(b->secret_file));
    fld(d, DENT_NOTIFY, id, "to", s_dup(a->to), s_dup(b->to));
    fld_v(d, DENT_NOTIFY, id, "to_owner", DV_BOOL, s_bool(a->to_owner), a->to_owner, s_bool(b->to_owner), b->to_owner);
    fld(d, DENT_NOTIFY, id, "at", s_time(a->at), s_time(b->at));
    fld(d, DENT_NOTIFY, id, "weekly_pack", s_dup(plan_weekday_name(a->weekly_pack)),
        s_dup(plan_weekday_name(b->weekly_pack)));
}

/* notify_ids: an id per channel: its kind, "kind#2" for the second of a
 * kind…; returns an array of n new strings. */
static char **notify_ids(const sp_plan *p)
{
    char **ids = xcalloc(p->nnotify ? p->nnotify : 1, sizeof *ids);
    for (size_t i = 0; i < p->nnotify; i++) {
        const char *k = p->notify[i].kind ? p->notify[i].kind : "";
        size_t same = 0;
        for (size_t j = 0; j < i; j++)
            if (str_eq(p->notify[j].kind ? p->notify[j].kind : "", k)) same++;
        ids[i] = same ? xasprintf("%s#%zu", k, same + 1) : xstrdup(k);
    }
    return ids;
}

static void diff_notify(sp_plan_diff *d, const sp_plan *a, const sp_plan *b)
{
    char **ida = notify_ids(a), **idb = notify_ids(b);
    items ia = {0}, ib = {0};
    for (size_t i = 0; i < a->nnotify; i++) items_add(&ia, ida[i], a->notify[i].kind, &a->notify[i]);
    for (size_t i = 0; i < b->nnotify; i++) items_add(&ib, idb[i], b->notify[i].kind, &b->notify[i]);
    diff_items(d, DENT_NOTIFY, &ia, &ib, cmp_notify);
    for (size_t i = 0; i < a->nnotify; i++) free(ida[i]);
    for (size_t i = 0; i < b->nnotify; i++) free(idb[i]);
    free(ida);
    free(idb);
}

void plan_diff(const sp_plan *a, const sp_plan *b, sp_plan_diff *d)
{
    diff_plan_fields(d, a, b);
    diff_team(d, a, b);
    diff_goals(d, a, b);
    diff_analysis(d, a, b);
    diff_strategies_tasks(d, a, b);
    diff_budget_tiers(d, a, b);
    diff_alerts(d, a, b);
    diff_notify(d, a, b);
}

void plan_diff_free(sp_plan_diff *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].id);
        free(d->v[i].field);
        free(d->v[i].old_text);
        free(d->v[i].new_text);
    }
    free(d->v);
    memset(d, 0, sizeof *d);
}
