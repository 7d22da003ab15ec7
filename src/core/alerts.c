/*
 * alerts.c — the five alert kinds of SPEC §8 and the tier report of
 * `salesplan tiers` (see alerts.h). Pure: no I/O, no SQL, no clock.
 *
 * Owns the per-customer facts the alerts need, each computed in one pass
 * over a table into arrays indexed like ds->customers (lookups through the
 * dataset's pointer-keyed customer map): the latest activity on or before D,
 * the latest visit or meeting on or before D, the earliest deal open on D
 * and its owner, and the tier as of D. Leaders are resolved once per
 * distinct owner (a ptrmap cache). Nothing here is quadratic in the number
 * of customers, deals or activities; results are sorted with qsort.
 */
#include "alerts.h"

#include <stdlib.h>
#include <string.h>

#include "budget.h"

static const char *const kind_names[ALERT_KIND_COUNT] = {
    "stale_followup", "task_overdue", "goal_off_pace", "budget_overrun", "tier_review_due",
};

const char *alert_kind_name(sp_alert_kind k)
{
    return (unsigned)k < ALERT_KIND_COUNT ? kind_names[k] : "";
}

int alert_kind_from_name(const char *s)
{
    if (!s) return -1;
    for (int i = 0; i < ALERT_KIND_COUNT; i++)
        if (strcmp(kind_names[i], s) == 0) return i;
    return -1;
}

#define KBIT(k) (1u << (k))

unsigned alerts_enabled(const sp_plan *plan)
{
    unsigned k = KBIT(ALERT_STALE_FOLLOWUP) | KBIT(ALERT_TIER_REVIEW_DUE);
    if (!plan) return k;
    if (!plan->alerts.tier_review_due) k &= ~KBIT(ALERT_TIER_REVIEW_DUE);
    if (plan->alerts.task_overdue) k |= KBIT(ALERT_TASK_OVERDUE);
    k |= KBIT(ALERT_GOAL_OFF_PACE);
    if (plan->has_budget) k |= KBIT(ALERT_BUDGET_OVERRUN);
    return k;
}

static unsigned effective_kinds(const sp_plan *plan, unsigned kinds)
{
    unsigned en = alerts_enabled(plan);
    return kinds ? (kinds & en) : en;
}

void alerts_load_spec(const sp_plan *plan, sp_day as_of, unsigned kinds, sp_load_spec *spec)
{
    unsigned k = effective_kinds(plan, kinds);
    load_spec_init(spec);
    load_spec_want(spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    if (k & (KBIT(ALERT_STALE_FOLLOWUP) | KBIT(ALERT_TIER_REVIEW_DUE))) {
        load_spec_want(spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
        load_spec_want(spec, TBL_DEALS, SP_DAY_MIN, as_of);
        load_spec_want(spec, TBL_ACTIVITIES, SP_DAY_MIN, as_of);
        spec->activities_touch_only = true; /* last_touches only */
    }
    if (plan && (k & KBIT(ALERT_BUDGET_OVERRUN))) {
        sp_load_spec b;
        budget_load_spec(plan, as_of, &b);
        load_spec_want(spec, TBL_SPEND, b.from[TBL_SPEND], b.to[TBL_SPEND]);
    }
}

void alerts_review_rule(const sp_plan *plan, sp_review_rule *rule)
{
    rule->tier = "strategic";
    rule->every_days = 30;
    if (!plan || plan->ntiers == 0) return;
    const sp_tier *best = NULL;
    for (size_t i = 0; i < plan->ntiers; i++) {
        if (strcmp(plan->tiers[i].id, "strategic") == 0) {
            best = &plan->tiers[i];
            break;
        }
        if (!best || plan->tiers[i].min > best->min) best = &plan->tiers[i];
    }
    rule->tier = best->id;
    if (best->review_every_days > 0) rule->every_days = best->review_every_days;
}

/* ---- a growable alert vector ---- */
typedef struct avec {
    sp_alert *v;
    size_t n, cap;
} avec_t;

static sp_alert *avec_push(avec_t *a, sp_alert_kind kind)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = xreallocarray(a->v, a->cap, sizeof *a->v);
    }
    sp_alert *x = &a->v[a->n++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->last_touch = SP_DAY_NONE;
    x->due = SP_DAY_NONE;
    return x;
}

static int sid_cmp(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* stalest first: days descending, "never" (days < 0) before all; ties by
 * customer id */
static int cmp_stalest(const void *pa, const void *pb)
{
    const sp_alert *a = pa, *b = pb;
    int64_t da = a->days < 0 ? INT64_MAX : a->days, db = b->days < 0 ? INT64_MAX : b->days;
    if (da != db) return da > db ? -1 : 1;
    return sid_cmp(a->customer_id, b->customer_id);
}

/* sort_stalest: v[0..n) by cmp_stalest through small keys: the days and
 * the first 8 bytes of the customer id as integers (big-endian, zero
 * padded: the same order as strcmp on those bytes), the whole ids compared
 * only when those are equal, and the index last (stable, as qsort's merge
 * sort on the alerts was); then the alerts are moved into place, each
 * cycle once. The keys sit in one array: a comparison reads no string
 * (100k alerts: most of the time went to strcmp on random memory). */
typedef struct stale_key {
    uint64_t days;                     /* descending days as ascending: UINT64_MAX - days; "never" first */
    uint64_t prefix;
    const char *id;
    uint32_t i;
} stale_key;

static int cmp_stale_key(const void *pa, const void *pb)
{
    const stale_key *a = pa, *b = pb;
    if (a->days != b->days) return a->days < b->days ? -1 : 1;
    if (a->prefix != b->prefix) return a->prefix < b->prefix ? -1 : 1;
    int c = (a->prefix & 0xff) ? sid_cmp(a->id, b->id) : 0; /* an id shorter than 8 bytes is whole in its prefix */
    if (c) return c;
    return a->i < b->i ? -1 : a->i > b->i;
}

static void sort_stalest(sp_alert *v, size_t n)
{
    if (n < 2) return;
    if (n >= UINT32_MAX) {
        qsort(v, n, sizeof *v, cmp_stalest);
        return;
    }
    stale_key *k = xcalloc(n, sizeof *k);
    for (size_t i = 0; i < n; i++) {
        int64_t d = v[i].days < 0 ? INT64_MAX : v[i].days;
        k[i].days = (uint64_t)INT64_MAX - (uint64_t)d;
        const char *id = v[i].customer_id ? v[i].customer_id : "";
        uint64_t p = 0;
        size_t j = 0;
        for (; j < 8 && id[j]; j++) p = p << 8 | (unsigned char)id[j];
        k[i].prefix = p << (8 * (8 - j));
        k[i].id = id;
        k[i].i = (uint32_t)i;
    }
    qsort(k, n, sizeof *k, cmp_stale_key);
    uint32_t *ix = xcalloc(n, sizeof *ix);
    for (size_t i = 0; i < n; i++) ix[i] = k[i].i;
    free(k);
    /* v[i] must become old v[ix[i]]: follow each cycle once */
    for (size_t i = 0; i < n; i++) {
        if (ix[i] == i) continue;
        sp_alert t = v[i];
        size_t j = i;
        while (ix[j] != i) {
            size_t m = ix[j];
            v[j] = v[m];
            ix[j] = (uint32_t)j;
            j = m;
        }
        v[j] = t;
        ix[j] = (uint32_t)j;
    }
    free(ix);
}

static int cmp_overdue(const void *pa, const void *pb)
{
    const sp_alert *a = pa, *b = pb;
    if (a->days != b->days) return a->days > b->days ? -1 : 1;
    return sid_cmp(a->task_id, b->task_id);
}

/* ---- leaders ---- */

/* plan_leader: the leader of a plan group that has owner as a member (not
 * the owner itself); NULL when none. */
static const char *plan_leader(const sp_plan *plan, const char *owner)
{
    if (!plan || !owner) return NULL;
    for (size_t g = 0; g < plan->ngroups; g++) {
        const sp_group *gr = &plan->groups[g];
        bool member = false;
        const char *lead = NULL;
        for (size_t m = 0; m < gr->nmembers; m++) {
            if (str_eq(gr->members[m].id, owner)) member = true;
            else if (!lead && gr->members[m].role == ROLE_LEADER) lead = gr->members[m].id;
        }
        if (member && lead) return lead;
    }
    return NULL;
}

static const sp_rep *find_rep(const sp_dataset *ds, const char *id)
{
    const sp_rep *r = ds->rep_by_id ? dataset_rep(ds, id) : NULL;
    if (r) return r;
    for (size_t i = 0; i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) return &ds->rep_rows[i];
    return NULL;
}

/* better_leader: whether candidate c should replace the current pick cur
 * (active leaders first, then the smaller id). */
static bool better_leader(const sp_rep *c, const sp_rep *cur)
{
    if (!cur) return true;
    if (c->active != cur->active) return c->active;
    return sid_cmp(c->id, cur->id) < 0;
}

/* reps_leader: the leader of owner's team from the reps table (team_map:
 * team pointer -> rep index of its leader, or NULL for a linear scan). */
static const char *reps_leader(const sp_dataset *ds, const char *owner, const sp_ptrmap *team_map)
{
    if (!ds || !owner) return NULL;
    const sp_rep *r = find_rep(ds, owner);
    if (!r || !r->team) return NULL;
    const sp_rep *best = NULL;
    if (team_map) {
        size_t i;
        if (ptrmap_get(team_map, r->team, &i)) best = &ds->rep_rows[i];
    } else {
        for (size_t i = 0; i < ds->reps.n; i++) {
            const sp_rep *c = &ds->rep_rows[i];
            if (c->role == ROLE_LEADER && str_eq(c->team, r->team) && better_leader(c, best)) best = c;
        }
    }
    if (!best || str_eq(best->id, owner)) return NULL;
    return best->id;
}

const char *alerts_leader_of(const sp_plan *plan, const sp_dataset *ds, const char *owner)
{
    const char *l = plan_leader(plan, owner);
    return l ? l : reps_leader(ds, owner, NULL);
}

/* A cache of leaders per distinct (interned) owner pointer. */
typedef struct leaders {
    const sp_plan *plan;
    const sp_dataset *ds;
    sp_ptrmap *team_map;  /* team -> rep index of the leader */
    sp_ptrmap *cache;     /* owner -> slot in found[] */
    const char **found;
    size_t n, cap;
} leaders_t;

static void leaders_init(leaders_t *L, const sp_plan *plan, const sp_dataset *ds)
{
    memset(L, 0, sizeof *L);
    L->plan = plan;
    L->ds = ds;
    L->team_map = ptrmap_new(16);
    L->cache = ptrmap_new(64);
    for (size_t i = 0; i < ds->reps.n; i++) {
        const sp_rep *c = &ds->rep_rows[i];
        if (c->role != ROLE_LEADER || !c->team) continue;
        size_t j;
        if (!ptrmap_get(L->team_map, c->team, &j) || better_leader(c, &ds->rep_rows[j]))
            ptrmap_put(L->team_map, c->team, i);
    }
}

static const char *leaders_get(leaders_t *L, const char *owner)
{
    if (!owner) return NULL;
    size_t slot;
    if (ptrmap_get(L->cache, owner, &slot)) return L->found[slot];
    const char *l = plan_leader(L->plan, owner);
    if (!l) l = reps_leader(L->ds, owner, L->team_map);
    if (L->n == L->cap) {
        L->cap = L->cap ? L->cap * 2 : 32;
        L->found = xreallocarray(L->found, L->cap, sizeof *L->found);
    }
    L->found[L->n] = l;
    ptrmap_put(L->cache, owner, L->n++);
    return l;
}

static void leaders_free(leaders_t *L)
{
    ptrmap_free(L->team_map);
    ptrmap_free(L->cache);
    free(L->found);
}

/* ---- per-customer facts ---- */

/* last_touches: latest activity (any kind) and latest visit/meeting on or
 * before D per customer; both arrays have ds->customers.n entries, filled
 * with SP_DAY_NONE where there is none. One pass over the activities. */
static void last_touches(const sp_dataset *ds, sp_day D, sp_day *last_any, sp_day *last_visit)
{
    if (ds->touch.off && ds->visit.off) { /* the snapshot's day indexes: a binary search per customer */
        for (size_t i = 0; i < ds->customers.n; i++) {
            if (last_any) last_any[i] = day_index_last(&ds->touch, i, D);
            if (last_visit) last_visit[i] = day_index_last(&ds->visit, i, D);
        }
        return;
    }
    for (size_t i = 0; i < ds->customers.n; i++) {
        if (last_any) last_any[i] = SP_DAY_NONE;
        if (last_visit) last_visit[i] = SP_DAY_NONE;
    }
    const sp_activity_cols *t = &ds->activities; /* the columns: no string is read */
    for (size_t i = 0; i < t->n; i++) {
        sp_day on = t->occurred_on[i];
        if (on == SP_DAY_NONE || on > D) continue;
        size_t ci = t->customer_row[i]; /* resolved by dataset_index (none for an empty customer_id) */
        if (ci == SP_NOROW) continue;
        if (last_any && (last_any[ci] == SP_DAY_NONE || on > last_any[ci])) last_any[ci] = on;
        if (last_visit && (t->kind[i] == ACT_VISIT || t->kind[i] == ACT_MEETING) &&
            (last_visit[ci] == SP_DAY_NONE || on > last_visit[ci]))
            last_visit[ci] = on;
    }
}

/* deal_open_on: SPEC §6 — created_on <= D and (stage open, or closed_on > D). */
SP_ROWVIEW bool deal_open_on(const sp_deal *d, sp_day D)
{
    if (d->created_on == SP_DAY_NONE || d->created_on > D) return false;
    if (d->stage == STAGE_OPEN) return true;
    return d->closed_on != SP_DAY_NONE && d->closed_on > D;
}

/* open_deals: per customer, the created_on of its earliest deal open on D
 * (SP_DAY_NONE when none) and that deal's owner (ties by deal id). */
static void open_deals(const sp_dataset *ds, sp_day D, sp_day *since, const char **owner)
{
    size_t *which = xcalloc(ds->customers.n ? ds->customers.n : 1, sizeof *which);
    for (size_t i = 0; i < ds->customers.n; i++) {
        since[i] = SP_DAY_NONE;
        owner[i] = NULL;
    }
    /* the columns (the ids' strings only for a tie; owners as codes until the end) */
    const sp_deal_cols *t = &ds->deals;
    for (size_t i = 0; i < t->n; i++) {
        if (!t->customer_id[i]) continue;
        sp_deal d;
        d.created_on = t->created_on[i];
        d.stage = (sp_stage)t->stage[i];
        d.closed_on = t->closed_on[i];
        if (!deal_open_on(&d, D)) continue;
        size_t ci = t->customer_row[i];
        if (ci == SP_NOROW) continue;
        if (since[ci] == SP_DAY_NONE || d.created_on < since[ci] ||
            (d.created_on == since[ci] && sid_cmp(ds_str(ds, t->id[i]), ds_str(ds, t->id[which[ci]])) < 0)) {
            since[ci] = d.created_on;
            which[ci] = i;
        }
    }
    for (size_t ci = 0; ci < ds->customers.n; ci++)
        if (since[ci] != SP_DAY_NONE) owner[ci] = ds_str(ds, t->owner[which[ci]]);
    free(which);
}

/* level_index: the index of the tier of t12m in levels (sorted by min
 * descending); nlevels when none applies. */
static int32_t level_index(const sp_tier_level *levels, size_t nlevels, sp_money t12m)
{
    for (size_t i = 0; i < nlevels; i++)
        if (levels[i].min <= t12m) return (int32_t)i;
    return (int32_t)nlevels;
}

/* tier_indexes: the tier index of every customer as of D (allocated,
 * caller frees); *t12m_out gets the T12M array when non-NULL (caller frees). */
static int32_t *tier_indexes(const sp_dataset *ds, sp_day D, const sp_tier_level *levels, size_t nlevels,
                             sp_money **t12m_out)
{
    size_t n = ds->customers.n ? ds->customers.n : 1;
    sp_money *t = xcalloc(n, sizeof *t);
    customer_t12m(ds, D, t);
    int32_t *idx = xcalloc(n, sizeof *idx);
    for (size_t i = 0; i < ds->customers.n; i++) idx[i] = level_index(levels, nlevels, t[i]);
    if (t12m_out) *t12m_out = t;
    else free(t);
    return idx;
}

static int32_t find_level(const sp_tier_level *levels, size_t nlevels, const char *id)
{
    for (size_t i = 0; i < nlevels; i++)
        if (str_eq(levels[i].id, id)) return (int32_t)i;
    return -1;
}

/* review_alerts: tier_review_due for every customer in tier rule_idx whose
 * latest visit/meeting (last_visit) is more than every_days before D, or
 * who has none; appended to a, then that range sorted stalest first. */
static void review_alerts(const sp_dataset *ds, const int32_t *tier, int32_t rule_idx, const char *tier_id,
                          int every_days, const sp_day *last_visit, sp_day D, const char *rep, avec_t *a)
{
    size_t start = a->n;
    for (size_t i = 0; i < ds->customers.n && rule_idx >= 0; i++) {
        if (tier[i] != rule_idx) continue;
        const sp_customer c_row = customer_at(ds, i), *c = &c_row;
        int32_t days = last_visit[i] == SP_DAY_NONE ? -1 : D - last_visit[i];
        if (days >= 0 && days <= every_days) continue;
        if (rep && !str_eq(c->owner, rep)) continue;
        sp_alert *x = avec_push(a, ALERT_TIER_REVIEW_DUE);
        x->owner = c->owner;
        x->customer_id = c->id;
        x->last_touch = last_visit[i];
        x->days = days;
        x->tier = tier_id;
    }
    if (a->n - start > 1) sort_stalest(a->v + start, a->n - start);
}

/* stale_threshold: the stale follow-up threshold per tier index
 * (nlevels + 1 entries; the last for "no tier"). */
static int *stale_thresholds(const sp_alerts_cfg *cfg, const sp_tier_level *levels, size_t nlevels)
{
    int *thr = xcalloc(nlevels + 1, sizeof *thr);
    for (size_t i = 0; i <= nlevels; i++) {
        thr[i] = cfg->stale_followup_days;
        if (i == nlevels) continue;
        for (size_t k = 0; k < cfg->nstale_by_tier; k++)
            if (str_eq(cfg->stale_by_tier[k].tier, levels[i].id)) thr[i] = cfg->stale_by_tier[k].days;
    }
    return thr;
}

static bool addressed_to(const sp_alert *x, const char *rep)
{
    return !rep || str_eq(x->owner, rep) || (x->escalated && str_eq(x->leader, rep));
}

static void stale_alerts(const sp_alerts_input *in, const sp_alerts_cfg *cfg, const sp_day *last_any,
                         const sp_day *open_since, const char **open_owner, const int32_t *tier,
                         const sp_tier_level *levels, size_t nlevels, avec_t *a)
{
    const sp_dataset *ds = in->ds;
    int *thr = stale_thresholds(cfg, levels, nlevels);
    leaders_t L;
    leaders_init(&L, in->plan, ds);
    size_t start = a->n;
    for (size_t i = 0; i < ds->customers.n; i++) {
        if (open_since[i] == SP_DAY_NONE) continue;
        sp_day last = last_any[i] != SP_DAY_NONE ? last_any[i] : open_since[i];
        int32_t days = in->as_of - last;
        int32_t ti = tier ? tier[i] : (int32_t)nlevels;
        if (days <= thr[ti]) continue;
        const sp_customer c_row = customer_at(ds, i), *c = &c_row;
        sp_alert x;
        memset(&x, 0, sizeof x);
        x.kind = ALERT_STALE_FOLLOWUP;
        x.owner = c->owner ? c->owner : open_owner[i];
        x.customer_id = c->id;
        x.last_touch = last_any[i];
        x.due = SP_DAY_NONE;
        x.days = days;
        x.tier = tier && ti < (int32_t)nlevels ? levels[ti].id : NULL;
        if (days > cfg->escalate_after_days) {
            const char *l = leaders_get(&L, x.owner);
            if (l && !str_eq(l, x.owner)) {
                x.escalated = true;
                x.leader = l;
            }
        }
        if (!addressed_to(&x, in->rep)) continue;
        *avec_push(a, ALERT_STALE_FOLLOWUP) = x;
    }
    if (a->n - start > 1) sort_stalest(a->v + start, a->n - start);
    leaders_free(&L);
    free(thr);
}

static int cmp_state_ptr(const void *pa, const void *pb)
{
    const sp_task_state *const *a = pa, *const *b = pb;
    return sid_cmp((*a)->task_id, (*b)->task_id);
}

static void task_alerts(const sp_alerts_input *in, avec_t *a)
{
    const sp_plan *p = in->plan;
    const sp_task_state **st = xcalloc(in->nstates ? in->nstates : 1, sizeof *st);
    for (size_t i = 0; i < in->nstates; i++) st[i] = &in->states[i];
    qsort(st, in->nstates, sizeof *st, cmp_state_ptr);
    size_t start = a->n;
    for (size_t t = 0; t < p->ntasks; t++) {
        const sp_task *tk = &p->tasks[t];
        if (tk->due == SP_DAY_NONE || tk->due >= in->as_of) continue;
        sp_task_state key;
        memset(&key, 0, sizeof key);
        key.task_id = tk->id;
        const sp_task_state *kp = &key;
        const sp_task_state **hit = in->nstates ? bsearch(&kp, st, in->nstates, sizeof *st, cmp_state_ptr) : NULL;
        sp_task_status s = hit ? (*hit)->status : TASK_TODO;
        if (s == TASK_DONE) continue;
        if (in->rep && !str_eq(tk->owner, in->rep)) continue;
        sp_alert *x = avec_push(a, ALERT_TASK_OVERDUE);
        x->owner = tk->owner;
        x->task_id = tk->id;
        x->due = tk->due;
        x->days = in->as_of - tk->due;
        x->status = task_status_name(s);
    }
    if (a->n - start > 1) qsort(a->v + start, a->n - start, sizeof *a->v, cmp_overdue);
    free(st);
}

/* goal_alerts: one alert per goal at risk or off track, in input order
 * (parents before children). A parent with several splits says it once:
 * when it is off pace itself (and its alert is kept), its off-pace
 * children from `children` and from every entry of `splits` are folded
 * into its alert (sp_alert.folded) instead of alerting one by one; a child
 * off pace under a parent on pace still alerts on its own. */
static void goal_alerts(const sp_alerts_input *in, avec_t *a)
{
    size_t start = a->n;
    for (size_t i = 0; i < in->ngoals; i++) {
        const sp_goal_status_in *g = &in->goals[i];
        if (!str_eq(g->status, "at_risk") && !str_eq(g->status, "off_track")) continue;
        if (in->rep && !str_eq(g->owner, in->rep)) continue;
        const sp_goal *pg = in->plan ? plan_find_goal(in->plan, g->goal_id) : NULL;
        sp_alert *parent = NULL;
        if (pg && pg->parent && pg->parent->nsplits)
            for (size_t k = start; k < a->n && !parent; k++)
                if (str_eq(a->v[k].goal_id, pg->parent->id)) parent = &a->v[k];
        if (parent) {
            parent->folded = xreallocarray(parent->folded, parent->nfolded + 1, sizeof *parent->folded);
            parent->folded[parent->nfolded++] = g->goal_id;
            continue;
        }
        sp_alert *x = avec_push(a, ALERT_GOAL_OFF_PACE);
        x->owner = g->owner;
        x->goal_id = g->goal_id;
        x->status = g->status;
        x->attainment = g->attainment;
        x->has_attainment = g->has_attainment;
    }
}

static void budget_alerts(const sp_alerts_input *in, avec_t *a)
{
    if (in->rep) return; /* addressed to nobody in particular */
    sp_budget_report r;
    budget_compute(in->plan, in->ds, in->as_of, &r);
    for (size_t i = 0; i < r.nlines; i++) {
        if (!r.lines[i].overrun) continue;
        sp_alert *x = avec_push(a, ALERT_BUDGET_OVERRUN);
        x->category = r.lines[i].category;
        x->allocated = r.lines[i].allocated;
        x->spent = r.lines[i].spent;
    }
    budget_report_free(&r);
}

/* alerts_compute: see alerts.h. Allocates out->v and temporary per-customer
 * arrays (freed before returning). */
void alerts_compute(const sp_alerts_input *in, sp_alerts_result *out)
{
    memset(out, 0, sizeof *out);
    const sp_dataset *ds = in->ds;
    const sp_plan *plan = in->plan;
    unsigned k = effective_kinds(plan, in->kinds);
    for (int i = 0; i < ALERT_KIND_COUNT; i++) out->enabled[i] = (k & KBIT(i)) != 0;

    sp_alerts_cfg defcfg;
    memset(&defcfg, 0, sizeof defcfg);
    defcfg.stale_followup_days = 7;
    defcfg.escalate_after_days = 14;
    const sp_alerts_cfg *cfg = plan ? &plan->alerts : &defcfg;

    avec_t a = {NULL, 0, 0};
    bool want_stale = out->enabled[ALERT_STALE_FOLLOWUP];
    bool want_review = out->enabled[ALERT_TIER_REVIEW_DUE];
    size_t nc = ds->customers.n ? ds->customers.n : 1;

    sp_tier_level *levels = NULL;
    size_t nlevels = 0;
    tiers_from_plan(plan, &levels, &nlevels);
    sp_review_rule rule;
    alerts_review_rule(plan, &rule);
    int32_t rule_idx = find_level(levels, nlevels, rule.tier);

    sp_day *last_any = NULL, *last_visit = NULL;
    int32_t *tier = NULL;
    if (want_stale || want_review) {
        last_any = xcalloc(nc, sizeof *last_any);
        last_visit = want_review ? xcalloc(nc, sizeof *last_visit) : NULL;
        last_touches(ds, in->as_of, last_any, last_visit);
        tier = tier_indexes(ds, in->as_of, levels, nlevels, NULL);
    }
    if (want_stale) {
        sp_day *since = xcalloc(nc, sizeof *since);
        const char **owner = xcalloc(nc, sizeof *owner);
        open_deals(ds, in->as_of, since, owner);
        stale_alerts(in, cfg, last_any, since, owner, tier, levels, nlevels, &a);
        free(since);
        free(owner);
    }
    if (plan && out->enabled[ALERT_TASK_OVERDUE]) task_alerts(in, &a);
    if (plan && out->enabled[ALERT_GOAL_OFF_PACE]) goal_alerts(in, &a);
    if (plan && out->enabled[ALERT_BUDGET_OVERRUN]) budget_alerts(in, &a);
    if (want_review) review_alerts(ds, tier, rule_idx, rule.tier, rule.every_days, last_visit, in->as_of, in->rep, &a);

    free(last_any);
    free(last_visit);
    free(tier);
    free(levels);
    out->v = a.v;
    out->n = a.n;
    for (size_t i = 0; i < a.n; i++) out->count[a.v[i].kind]++;
}

void alerts_result_free(sp_alerts_result *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) free(r->v[i].folded);
    free(r->v);
    memset(r, 0, sizeof *r);
}

/* ---- tiers ---- */

void tiers_load_spec(sp_day as_of, sp_day since, sp_load_spec *spec)
{
    load_spec_init(spec);
    sp_day hi = as_of;
    if (since != SP_DAY_NONE && since > hi) hi = since;
    load_spec_want(spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(spec, TBL_DEALS, SP_DAY_MIN, hi);
    load_spec_want(spec, TBL_ACTIVITIES, SP_DAY_MIN, as_of);
}

static int cmp_move(const void *pa, const void *pb)
{
    const sp_tier_move *a = pa, *b = pb;
    if (a->upgrade != b->upgrade) return a->upgrade ? -1 : 1;
    return sid_cmp(a->customer_id, b->customer_id);
}

/* tiers_compute: see alerts.h. Allocates the rows, pairs, moves and reviews
 * of out (freed by tiers_report_free) and temporary per-customer arrays. */
void tiers_compute(const sp_dataset *ds, const sp_tier_level *levels, size_t nlevels,
                   const sp_review_rule *rule, sp_day as_of, sp_day since, sp_tiers_report *out)
{
    memset(out, 0, sizeof *out);
    out->as_of = as_of;
    out->since = since;
    size_t nslots = nlevels + 1;
    sp_money *t12m = NULL;
    int32_t *now = tier_indexes(ds, as_of, levels, nlevels, &t12m);

    out->rows = xcalloc(nslots, sizeof *out->rows);
    for (size_t i = 0; i < nlevels; i++) {
        out->rows[i].tier = levels[i].id;
        out->rows[i].min = levels[i].min;
    }
    for (size_t i = 0; i < ds->customers.n; i++) {
        if (!customer_row_exists_on(ds, i, as_of)) continue;
        sp_tier_row *r = &out->rows[now[i]];
        r->customers++;
        out->customers++;
        /* checked: a wrapped sum would show a negative revenue */
        if (__builtin_add_overflow(r->t12m, t12m[i], &r->t12m)) {
            r->t12m = INT64_MAX;
            out->overflow = true;
        }
        if (__builtin_add_overflow(out->t12m_total, t12m[i], &out->t12m_total)) {
            out->t12m_total = INT64_MAX;
            out->overflow = true;
        }
    }
    out->nrows = nlevels + (out->rows[nlevels].customers > 0 ? 1 : 0);

    if (since != SP_DAY_NONE) {
        sp_money *t12m_since = NULL;
        int32_t *then = tier_indexes(ds, since, levels, nlevels, &t12m_since);
        size_t *matrix = xcalloc(nslots, nslots * sizeof *matrix);
        size_t nmoves = 0;
        for (size_t i = 0; i < ds->customers.n; i++) {
            if (!customer_row_exists_on(ds, i, as_of)) continue;
            matrix[(size_t)then[i] * nslots + (size_t)now[i]]++;
            if (then[i] != now[i]) nmoves++;
        }
        out->moves = xcalloc(nmoves ? nmoves : 1, sizeof *out->moves);
        for (size_t i = 0; i < ds->customers.n; i++) {
            if (then[i] == now[i] || !customer_row_exists_on(ds, i, as_of)) continue;
            sp_tier_move *m = &out->moves[out->nmoves++];
            m->customer_id = ds_str(ds, ds->customers.id[i]);
            m->from = then[i] < (int32_t)nlevels ? levels[then[i]].id : NULL;
            m->to = now[i] < (int32_t)nlevels ? levels[now[i]].id : NULL;
            m->t12m_since = t12m_since[i];
            m->t12m_now = t12m[i];
            m->upgrade = now[i] < then[i];
            if (m->upgrade) out->nupgrades++;
            else out->ndowngrades++;
        }
        qsort(out->moves, out->nmoves, sizeof *out->moves, cmp_move);
        size_t np = 0;
        for (size_t i = 0; i < nslots * nslots; i++) np += matrix[i] > 0;
        out->pairs = xcalloc(np ? np : 1, sizeof *out->pairs);
        for (size_t f = 0; f < nslots; f++)
            for (size_t t = 0; t < nslots; t++) {
                size_t c = matrix[f * nslots + t];
                if (!c) continue;
                sp_tier_pair *p = &out->pairs[out->npairs++];
                p->from = f < nlevels ? levels[f].id : NULL;
                p->to = t < nlevels ? levels[t].id : NULL;
                p->count = c;
            }
        free(matrix);
        free(then);
        free(t12m_since);
    }

    if (rule) {
        size_t nc = ds->customers.n ? ds->customers.n : 1;
        sp_day *last_visit = xcalloc(nc, sizeof *last_visit);
        last_touches(ds, as_of, NULL, last_visit);
        avec_t a = {NULL, 0, 0};
        review_alerts(ds, now, find_level(levels, nlevels, rule->tier), rule->tier, rule->every_days, last_visit,
                      as_of, NULL, &a);
        out->reviews = a.v;
        out->nreviews = a.n;
        free(last_visit);
    }
    free(now);
    free(t12m);
}

void tiers_report_free(sp_tiers_report *r)
{
    if (!r) return;
    free(r->rows);
    free(r->pairs);
    free(r->moves);
    free(r->reviews);
    memset(r, 0, sizeof *r);
}
