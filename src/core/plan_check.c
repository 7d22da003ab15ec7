/*
 * plan_check.c — the semantic validation of a parsed plan (SPEC §4,
 * `salesplan check`): references between parts of the plan, sums of
 * additive splits, periods, the budget, the task graph (cycles, dates) and
 * the S/M/A/R/T verdict of every goal.
 *
 * Owns: sp_check_result (its diagnostics and verdicts) and nothing else.
 * Pure: no I/O and no clock; history (last year's actuals) comes in through
 * a callback supplied by the caller. Structural problems (YAML, types,
 * vocabulary, duplicate ids within a kind) are io/plan_yaml.c's job.
 *
 * Messages are formatted through _() in the process language (English by
 * default). Every FAIL verdict is also recorded as an error diagnostic and
 * every WARN verdict as a warning, so "valid" means: well-formed and every
 * goal SMART (or not yet knowable).
 */
#include <stdio.h> /* snprintf into caller buffers only */
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "plan.h"

#define PPM 1000000
#define DEFAULT_VISITS_PER_MONTH 8
/* an id for messages: a plan read with structural errors may lack some */
#define ID(x) ((x) ? (x) : "?")
/* "did you mean" scans every id of a kind: bound the work on huge plans */
#define NEAR_MAX_LOOKUPS 100
#define NEAR_MAX_KEYS 20000

/* ---- the result ---- */

/* check_add: appends one diagnostic (message formatted into a new
 * allocation owned by res) and counts it. */
void check_add(sp_check_result *res, sp_severity sev, sp_pos pos, const char *fmt, ...)
{
    size_t n = res->ndiags;
    /* capacity: 8, then the next power of two */
    if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))
        res->diags = xreallocarray(res->diags, n == 0 ? 8 : size_add(n, n), sizeof *res->diags);
    va_list ap;
    va_start(ap, fmt);
    buf_t b = BUF_INIT;
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    sp_diag *d = &res->diags[n];
    d->sev = sev;
    d->pos = pos;
    d->msg = buf_detach(&b);
    if (!d->msg) d->msg = xstrdup("");
    res->ndiags = n + 1;
    if (sev == SEV_ERROR) res->nerrors++;
    else res->nwarnings++;
}

void check_result_free(sp_check_result *res)
{
    if (!res) return;
    for (size_t i = 0; i < res->ndiags; i++) free(res->diags[i].msg);
    free(res->diags);
    for (size_t i = 0; i < res->nsmart; i++)
        for (int l = 0; l < SMART_COUNT; l++) free(res->smart[i].reason[l]);
    free(res->smart);
    memset(res, 0, sizeof *res);
}

/* ---- a small string -> index map (open addressing) ---- */
typedef struct idmap {
    const char **keys;   /* borrowed from the plan; NULL = empty slot */
    size_t *vals;
    size_t cap, n;
} idmap;

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void idmap_init(idmap *m, size_t hint)
{
    size_t cap = 16;
    while (cap < size_add(hint, hint)) cap = size_add(cap, cap);
    m->keys = xcalloc(cap, sizeof *m->keys);
    m->vals = xcalloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* idmap_put: maps key to val unless key is already present (the first
 * definition wins). NULL keys are ignored. */
static void idmap_put(idmap *m, const char *key, size_t val)
{
    if (!key) return;
    if (size_add(m->n, m->n) + 2 > m->cap) {
        idmap old = *m;
        idmap_init(m, old.cap);
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i]) idmap_put(m, old.keys[i], old.vals[i]);
        idmap_free(&old);
    }
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) return;
        i = (i + 1) & (m->cap - 1);
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
}

static bool idmap_get(const idmap *m, const char *key, size_t *val)
{
    if (!key || !m->cap) return false;
    size_t i = hash_str(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (strcmp(m->keys[i], key) == 0) {
            if (val) *val = m->vals[i];
            return true;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return false;
}

/* idmap_near: the key closest to word (for "did you mean"), or NULL when
 * none is close enough. */
static const char *idmap_near(const idmap *m, const char *word)
{
    if (m->n > NEAR_MAX_KEYS) return NULL;
    const char *best = NULL;
    size_t bd = (size_t)-1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t d = str_distance(word, m->keys[i]);
        if (d < bd || (d == bd && best && strcmp(m->keys[i], best) < 0)) {
            bd = d;
            best = m->keys[i];
        }
    }
    size_t limit = strlen(word) < 6 ? 2 : 3;
    return best && bd > 0 && bd <= limit ? best : NULL;
}

/* ---- the checking context ---- */
typedef struct chk {
    const sp_plan *p;
    sp_check_result *res;
    idmap members, goals, strategies, tasks, analysis, cats;
    const sp_goal **goalv;       /* pre-order */
    size_t ngoals;
    bool *served;                /* per goal: named by a strategy */
    size_t *served_by;           /* per served goal: the first strategy naming it */
    size_t near_lookups;         /* "did you mean" searches made so far */
} chk;

static void collect_goal(const sp_goal *g, void *ctx)
{
    chk *c = ctx;
    c->goalv[c->ngoals] = g;
    idmap_put(&c->goals, g->id, c->ngoals);
    c->ngoals++;
}

/* unknown_ref: reports an unknown id with a "did you mean" when one is
 * close. what is an already translated noun phrase ("team member"). */
static void unknown_ref(chk *c, sp_pos pos, const char *owner_desc, const char *what, const char *id, const idmap *m)
{
    /* bounded work: suggestions for the first NEAR_MAX_LOOKUPS unknown ids */
    const char *near = c->near_lookups++ < NEAR_MAX_LOOKUPS ? idmap_near(m, id) : NULL;
    if (near)
        check_add(c->res, SEV_ERROR, pos, _("%s: unknown %s '%s' (did you mean '%s'?)"), owner_desc, what, id, near);
    else
        check_add(c->res, SEV_ERROR, pos, _("%s: unknown %s '%s'"), owner_desc, what, id);
}

/* ---- formatting helpers (buf >= 48 bytes) ---- */

static char *fmt_hundredths(int64_t v, char *buf)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(mag % 100);
    char *w = buf;
    if (v < 0) *w++ = '-';
    w += snprintf(w, 24, "%llu", (unsigned long long)(mag / 100));
    if (frac) {
        if (frac % 10) snprintf(w, 8, ".%02u", frac);
        else snprintf(w, 8, ".%u", frac / 10);
    }
    return buf;
}

/* fmt_pct: ratio r (ppm) in percent with at most one decimal, rounded
 * half away from zero ("261.7%", "50%"); buf >= 48 bytes. Every
 * percentage check prints goes through here. */
static char *fmt_pct(sp_ratio r, char *buf)
{
    uint64_t mag = r < 0 ? (uint64_t)0 - (uint64_t)r : (uint64_t)r;
    uint64_t tenths = (mag + 500) / 1000; /* 1 ppm = 0.0001 %, 1000 ppm = 0.1 % */
    if (tenths % 10) snprintf(buf, 48, "%s%llu.%u%%", r < 0 && tenths ? "-" : "", (unsigned long long)(tenths / 10),
                              (unsigned)(tenths % 10));
    else snprintf(buf, 48, "%s%llu%%", r < 0 && tenths ? "-" : "", (unsigned long long)(tenths / 10));
    return buf;
}

/* fmt_pct_sum: like fmt_pct, but never rounds a sum that is not exactly
 * 100 % to "100%" (it then shows the exact value). */
static char *fmt_pct_sum(sp_ratio r, char *buf)
{
    fmt_pct(r, buf);
    if (r != PPM && strcmp(buf, "100%") == 0) ratio_format_pct(r, buf);
    return buf;
}

/* fmt_value: v in the unit of metric m, for messages. */
static char *fmt_value(sp_metric m, int64_t v, char *buf)
{
    switch (m < MET_COUNT ? sp_metrics[m].unit : UNIT_MANUAL) {
    case UNIT_MONEY: return money_format_grouped(v, buf);
    case UNIT_RATIO: return fmt_pct(v, buf);
    case UNIT_COUNT: snprintf(buf, 48, "%lld", (long long)v); return buf;
    default: return fmt_hundredths(v, buf);
    }
}

/* fmt_signed: like fmt_value with a '+' in front of positive values. */
static char *fmt_signed(sp_metric m, int64_t v, char *buf)
{
    if (v > 0) {
        buf[0] = '+';
        fmt_value(m, v, buf + 1);
    } else {
        fmt_value(m, v, buf);
    }
    return buf;
}

static char *fmt_period(sp_period p, char *buf)
{
    char a[16], b[16];
    day_format(p.first, a);
    day_format(p.last, b);
    if (p.first == p.last) snprintf(buf, 48, "%s", a);
    else snprintf(buf, 48, "%s..%s", a, b);
    return buf;
}

/* goal_period: the period as written ("2026-Q3"), else as a range. */
static const char *goal_period(const sp_goal *g, char *buf)
{
    return g->period_text && *g->period_text ? g->period_text : fmt_period(g->period, buf);
}

static const char *plan_period(const sp_plan *p, char *buf)
{
    return p->period_text && *p->period_text ? p->period_text : fmt_period(p->period, buf);
}

static bool period_valid(sp_period p) { return p.first != SP_DAY_NONE && p.last != SP_DAY_NONE && p.first <= p.last; }

/* months_ppm: the number of months of p in millionths: the sum over the
 * calendar months it touches of (days of the month inside p / days of the
 * month). Whole months count exactly. */
static int64_t months_ppm(sp_period p)
{
    if (!period_valid(p)) return 0;
    int64_t total = 0;
    sp_day d = p.first;
    while (d <= p.last) {
        int y, mo, dd;
        day_to_ymd(d, &y, &mo, &dd);
        int dim = days_in_month(y, mo);
        sp_day month_last = day_from_ymd(y, mo, dim);
        sp_day end = month_last < p.last ? month_last : p.last;
        int64_t inside = (int64_t)end - d + 1;
        total += (inside * PPM + dim / 2) / dim;
        d = end + 1;
    }
    return total;
}

/* ---- references ---- */

/* at_item: the position of entry i of a list (pos array v may be NULL),
 * else fb; at_key: p when known, else fb. */
static sp_pos at_item(const sp_pos *v, size_t i, sp_pos fb) { return v && v[i].line ? v[i] : fb; }
static sp_pos at_key(sp_pos p, sp_pos fb) { return p.line ? p : fb; }

static void check_goal_refs(chk *c, const sp_goal *g)
{
    char *desc = xasprintf(_("goal '%s'"), g->id ? g->id : "?");
    if (g->owner && (g->has_owner || !g->parent) && !idmap_get(&c->members, g->owner, NULL))
        unknown_ref(c, g->pos_owner.line ? g->pos_owner : g->pos, desc, _("team member"), g->owner, &c->members);
    size_t j;
    for (size_t i = 0; i < g->nsupports; i++) {
        const char *s = g->supports[i];
        if (!idmap_get(&c->goals, s, &j)) {
            unknown_ref(c, at_item(g->pos_supports, i, g->pos), desc, _("goal"), s, &c->goals);
        } else if (c->goalv[j]->type != GOAL_RESULT) {
            check_add(c->res, SEV_ERROR, at_item(g->pos_supports, i, g->pos),
                      _("%s: supports '%s', which is a process goal (name a result goal)"), desc, s);
        } else if (c->goalv[j] == g) {
            check_add(c->res, SEV_ERROR, at_item(g->pos_supports, i, g->pos), _("%s: supports itself"), desc);
        }
    }
    free(desc);
}

static void check_strategy_refs(chk *c, const sp_strategy *s)
{
    char *desc = xasprintf(_("strategy '%s'"), s->id ? s->id : "?");
    size_t j;
    for (size_t i = 0; i < s->ngoals; i++) {
        if (idmap_get(&c->goals, s->goals[i], &j)) {
            if (!c->served[j]) c->served_by[j] = (size_t)(s - c->p->strategies);
            c->served[j] = true;
        }
        else unknown_ref(c, at_item(s->pos_goals, i, s->pos), desc, _("goal"), s->goals[i], &c->goals);
    }
    for (size_t i = 0; i < s->nanswers; i++)
        if (!idmap_get(&c->analysis, s->answers[i], NULL))
            unknown_ref(c, at_item(s->pos_answers, i, s->pos), desc,
                        _("analysis item (PEST factor, persona or capability)"), s->answers[i],
                        &c->analysis);
    if (s->ngoals == 0)
        check_add(c->res, SEV_ERROR, s->pos, _("%s serves no goal: name the goals it serves under 'goals'"), desc);
    free(desc);
}

static void check_task_refs(chk *c, const sp_task *t)
{
    char *desc = xasprintf(_("task '%s'"), t->id ? t->id : "?");
    if (t->owner && !idmap_get(&c->members, t->owner, NULL))
        unknown_ref(c, at_key(t->pos_owner, t->pos), desc, _("owner"), t->owner, &c->members);
    for (size_t i = 0; i < t->ncollaborators; i++)
        if (!idmap_get(&c->members, t->collaborators[i], NULL))
            unknown_ref(c, at_item(t->pos_collaborators, i, t->pos), desc, _("collaborator"), t->collaborators[i],
                        &c->members);
    if (t->strategy && !idmap_get(&c->strategies, t->strategy, NULL))
        unknown_ref(c, at_key(t->pos_strategy, t->pos), desc, _("strategy"), t->strategy, &c->strategies);
    if (t->has_budget && t->budget_category && !idmap_get(&c->cats, t->budget_category, NULL))
        unknown_ref(c, at_key(t->pos_budget_category, t->pos), desc, _("budget category"), t->budget_category,
                    &c->cats);
    if (t->has_budget && t->budget_amount < 0) {
        char m[48];
        check_add(c->res, SEV_ERROR, at_key(t->pos_budget_amount, t->pos), _("%s: budget amount %s is negative"), desc,
                  money_format_grouped(t->budget_amount, m));
    }
    for (size_t i = 0; i < t->ndepends_on; i++)
        if (!idmap_get(&c->tasks, t->depends_on[i], NULL))
            unknown_ref(c, at_item(t->pos_depends_on, i, t->pos), desc, _("task"), t->depends_on[i], &c->tasks);
    free(desc);
}

/* ---- goal splits ---- */

static bool filter_equal(const sp_filter *a, const sp_filter *b)
{
    if (a->n != b->n) return false;
    for (size_t i = 0; i < a->n; i++) {
        bool found = false;
        for (size_t j = 0; j < b->n && !found; j++)
            found = a->kv[i].dim == b->kv[j].dim && str_eq(a->kv[i].value, b->kv[j].value);
        if (!found) return false;
    }
    return true;
}

static sp_pos period_pos(const sp_goal *g) { return g->pos_period.line ? g->pos_period : g->pos; }
static sp_pos target_pos(const sp_goal *g) { return g->pos_target.line ? g->pos_target : g->pos; }

/* check_split / check_children: children of g lie inside g's period; the
 * children of an additive metric sum exactly to g's target and do not
 * overlap in time for the same filter — for `children` and for each entry
 * of `splits` on its own (the gap is printed). */
static void check_children(chk *c, const sp_goal *g, const sp_goal *children, size_t nchildren, const char *by);

/* check_split: `children` and each of `splits`, every one on its own. */
static void check_split(chk *c, const sp_goal *g)
{
    if (g->nchildren) check_children(c, g, g->children, g->nchildren, NULL);
    for (size_t k = 0; k < g->nsplits; k++)
        if (g->splits[k].nchildren) check_children(c, g, g->splits[k].children, g->splits[k].nchildren, g->splits[k].by);
}

/* check_children: one split of g (by: NULL for `children`, else the `by` of
 * the entry of `splits`). */
static void check_children(chk *c, const sp_goal *g, const sp_goal *children, size_t nchildren, const char *by)
{
    char pa[48], pb[48];
    for (size_t i = 0; i < nchildren; i++) {
        const sp_goal *ch = &children[i];
        if (period_valid(ch->period) && period_valid(g->period) && !period_inside(ch->period, g->period))
            check_add(c->res, SEV_ERROR, period_pos(ch),
                      _("goal '%s': period %s lies outside its parent '%s' (period %s)"), ID(ch->id),
                      goal_period(ch, pa), ID(g->id), goal_period(g, pb));
    }
    if (g->metric >= MET_COUNT || !sp_metrics[g->metric].additive) return;
    bool same_metric = true;
    for (size_t i = 0; i < nchildren; i++) {
        const sp_goal *ch = &children[i];
        if (ch->metric != g->metric) {
            same_metric = false;
            check_add(c->res, SEV_WARNING, ch->pos_metric.line ? ch->pos_metric : ch->pos,
                      _("goal '%s' measures %s, unlike its parent '%s' (%s): the split is not summed"), ID(ch->id),
                      sp_metrics[ch->metric < MET_COUNT ? ch->metric : MET_MANUAL].name, ID(g->id),
                      sp_metrics[g->metric].name);
        }
    }
    if (!same_metric) return;
    /* overlapping periods for the same filter count the same results twice */
    for (size_t i = 0; i < nchildren; i++)
        for (size_t j = i + 1; j < nchildren; j++) {
            const sp_goal *a = &children[i], *b = &children[j];
            if (!period_valid(a->period) || !period_valid(b->period)) continue;
            if (a->period.first > b->period.last || b->period.first > a->period.last) continue;
            if (!filter_equal(&a->filter, &b->filter)) continue;
            check_add(c->res, SEV_ERROR, period_pos(b),
                      _("goal '%s': period %s overlaps '%s' (period %s): the same results would count twice"),
                      ID(b->id), goal_period(b, pa), ID(a->id), goal_period(a, pb));
        }
    if (g->per_month || !g->has_target) return;
    int64_t sum = 0;
    for (size_t i = 0; i < nchildren; i++) {
        const sp_goal *ch = &children[i];
        if (ch->per_month || !ch->has_target) return;
        if (__builtin_add_overflow(sum, ch->target, &sum)) {
            check_add(c->res, SEV_ERROR, target_pos(g), _("children of '%s': the sum of the targets is too large"),
                      ID(g->id));
            return;
        }
    }
    if (sum == g->target) return;
    char s1[48], s2[48], s3[48];
    int64_t gap;
    if (__builtin_sub_overflow(sum, g->target, &gap)) gap = sum > g->target ? INT64_MAX : INT64_MIN;
    if (by)
        check_add(c->res, SEV_ERROR, target_pos(g), _("the split by %s of '%s' sums to %s (parent %s; gap %s)"), by,
                  ID(g->id), fmt_value(g->metric, sum, s1), fmt_value(g->metric, g->target, s2),
                  fmt_signed(g->metric, gap, s3));
    else
        check_add(c->res, SEV_ERROR, target_pos(g), _("children of '%s' sum to %s (parent %s; gap %s)"), ID(g->id),
                  fmt_value(g->metric, sum, s1), fmt_value(g->metric, g->target, s2), fmt_signed(g->metric, gap, s3));
}

/* ---- budget ---- */

static void check_budget(chk *c)
{
    const sp_plan *p = c->p;
    char a[48], b[48], d[48];
    if (p->nbudget_cats) {
        int64_t sum = 0;
        bool known = true;   /* no share left unread by a structural error */
        for (size_t i = 0; i < p->nbudget_cats; i++) {
            known = known && !p->budget_cats[i].share_invalid;
            if (p->budget_cats[i].share < 0)
                check_add(c->res, SEV_ERROR, at_key(p->budget_cats[i].pos_share, p->budget_cats[i].pos),
                          _("budget category '%s': share %s is negative"),
                          ID(p->budget_cats[i].id), fmt_pct(p->budget_cats[i].share, a));
            if (__builtin_add_overflow(sum, p->budget_cats[i].share, &sum)) sum = INT64_MAX;
        }
        if (known && sum != PPM)
            check_add(c->res, SEV_ERROR, p->budget_cats[0].pos, _("budget category shares sum to %s, not 100%%"),
                      fmt_pct_sum(sum, a));
    }
    if (p->budget_total < 0)
        check_add(c->res, SEV_ERROR, p->nbudget_cats ? p->budget_cats[0].pos : (sp_pos){0, 0},
                  _("the budget total %s is negative"), money_format_grouped(p->budget_total, a));
    /* task budgets per category within total x share (one pass over the
     * tasks; a duplicate category id counts for its first definition) */
    int64_t *usedv = xcalloc(p->nbudget_cats ? p->nbudget_cats : 1, sizeof *usedv);
    size_t *ntv = xcalloc(p->nbudget_cats ? p->nbudget_cats : 1, sizeof *ntv);
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *t = &p->tasks[i];
        size_t k;
        if (!t->has_budget || !idmap_get(&c->cats, t->budget_category, &k)) continue;
        if (__builtin_add_overflow(usedv[k], t->budget_amount, &usedv[k])) usedv[k] = INT64_MAX;
        ntv[k]++;
    }
    for (size_t k = 0; k < p->nbudget_cats; k++) {
        const sp_budget_cat *cat = &p->budget_cats[k];
        int64_t used = usedv[k];
        if (!ntv[k]) continue;
        __int128 alloc128 = (__int128)p->budget_total * cat->share / PPM;
        int64_t alloc = alloc128 > INT64_MAX ? INT64_MAX : (alloc128 < INT64_MIN ? INT64_MIN : (int64_t)alloc128);
        if (used > alloc) {
            char e[48];
            check_add(c->res, SEV_ERROR, at_key(cat->pos_share, cat->pos),
                      _("budget category '%s': tasks need %s, over its allocation of %s (%s of %s) by %s"), ID(cat->id),
                      money_format_grouped(used, a), money_format_grouped(alloc, b), fmt_pct(cat->share, d),
                      money_format_grouped(p->budget_total, e), money_format_grouped(used - alloc, (char[48]){0}));
        }
    }
    free(usedv);
    free(ntv);
}

/* ---- tasks ---- */

static void check_task_dates(chk *c, const sp_task *t)
{
    const sp_plan *p = c->p;
    char a[16], b[16], pp[48];
    sp_pos ps = t->pos_start.line ? t->pos_start : t->pos, pd = t->pos_due.line ? t->pos_due : t->pos;
    if (t->start != SP_DAY_NONE && t->due != SP_DAY_NONE && t->start > t->due)
        check_add(c->res, SEV_ERROR, pd, _("task '%s' is due %s, before it starts (%s)"), ID(t->id), day_format(t->due, a),
                  day_format(t->start, b));
    if (!period_valid(p->period)) return;
    if (t->start != SP_DAY_NONE && !period_contains(p->period, t->start))
        check_add(c->res, SEV_ERROR, ps, _("task '%s' starts %s, outside the plan's period %s"), ID(t->id),
                  day_format(t->start, a), plan_period(p, pp));
    if (t->due != SP_DAY_NONE && !period_contains(p->period, t->due))
        check_add(c->res, SEV_ERROR, pd, _("task '%s' is due %s, outside the plan's period %s"), ID(t->id),
                  day_format(t->due, a), plan_period(p, pp));
}

/* check_task_graph: unknown dependencies are reported by check_task_refs;
 * here: a task starting before a dependency is due (warning) and every
 * dependency cycle (iterative depth-first search; each back edge is one
 * cycle, printed "a → b → c → a" where → means "depends on"). */
static void check_task_graph(chk *c)
{
    const sp_plan *p = c->p;
    size_t n = p->ntasks;
    if (!n) return;
    size_t *off = xcalloc(size_add(n, 1), sizeof *off);
    for (size_t i = 0; i < n; i++) off[i + 1] = size_add(off[i], p->tasks[i].ndepends_on);
    size_t *adj = xcalloc(off[n] ? off[n] : 1, sizeof *adj);
    for (size_t i = 0; i < n; i++) {
        const sp_task *t = &p->tasks[i];
        for (size_t k = 0; k < t->ndepends_on; k++) {
            size_t j = (size_t)-1;
            if (!idmap_get(&c->tasks, t->depends_on[k], &j)) j = (size_t)-1;
            adj[off[i] + k] = j;
            if (j == (size_t)-1 || j == i) continue;
            const sp_task *d = &p->tasks[j];
            if (t->start != SP_DAY_NONE && d->due != SP_DAY_NONE && t->start < d->due) {
                char a[16], b[16];
                check_add(c->res, SEV_WARNING, t->pos_start.line ? t->pos_start : t->pos,
                          _("task '%s' starts %s, before its dependency '%s' is due (%s)"), ID(t->id),
                          day_format(t->start, a), ID(d->id), day_format(d->due, b));
            }
        }
    }
    unsigned char *color = xcalloc(n, 1); /* 0 new, 1 on the stack, 2 done */
    size_t *stack = xcalloc(n, sizeof *stack), *next = xcalloc(n, sizeof *next), *at = xcalloc(n, sizeof *at);
    for (size_t s = 0; s < n; s++) {
        if (color[s]) continue;
        size_t sp = 0;
        stack[sp++] = s;
        color[s] = 1;
        at[s] = 0;
        next[s] = off[s];
        while (sp) {
            size_t u = stack[sp - 1];
            if (next[u] < off[u + 1]) {
                size_t v = adj[next[u]++];
                if (v == (size_t)-1) continue;
                if (color[v] == 0) {
                    color[v] = 1;
                    at[v] = sp;
                    next[v] = off[v];
                    stack[sp++] = v;
                } else if (color[v] == 1) {
                    buf_t b = BUF_INIT;
                    for (size_t k = at[v]; k < sp; k++) buf_printf(&b, "%s → ", ID(p->tasks[stack[k]].id));
                    buf_puts(&b, ID(p->tasks[v].id));
                    /* at the depends_on entry that closes the cycle */
                    size_t k = next[u] - 1 - off[u];
                    check_add(c->res, SEV_ERROR, at_item(p->tasks[u].pos_depends_on, k, p->tasks[u].pos),
                              _("dependency cycle: %s"), buf_cstr(&b));
                    buf_free(&b);
                }
            } else {
                color[u] = 2;
                sp--;
            }
        }
    }
    free(color);
    free(stack);
    free(next);
    free(at);
    free(adj);
    free(off);
}

/* ---- SMART ---- */

static const char *const letter_names[SMART_COUNT] = {N_("Specific"), N_("Measurable"), N_("Achievable"),
                                                      N_("Relevant"), N_("Time-bound")};

/* part: one finding of a letter (several findings combine into one
 * verdict: the worst known one; UNKNOWN only when nothing is known). */
typedef struct verdict_acc {
    bool any_known;
    sp_verdict v;
    buf_t reason;        /* known findings first */
    buf_t unknown;       /* then what could not be judged */
} verdict_acc;

static int verdict_rank(sp_verdict v) { return v == VERDICT_FAIL ? 3 : v == VERDICT_WARN ? 2 : v == VERDICT_PASS ? 1 : 0; }

static void acc_add(verdict_acc *a, sp_verdict v, const char *fmt, ...) SP_PRINTF(3, 4);
static void acc_add(verdict_acc *a, sp_verdict v, const char *fmt, ...)
{
    if (v != VERDICT_UNKNOWN) {
        if (!a->any_known || verdict_rank(v) > verdict_rank(a->v)) a->v = v;
        a->any_known = true;
    }
    buf_t *b = v == VERDICT_UNKNOWN ? &a->unknown : &a->reason;
    if (b->len) buf_puts(b, _("; "));
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* rep_capacity: Σ visits_per_month of the members of role rep that the
 * goal's filter names (rep: a member id, team: a group id or name; without
 * those, every rep), default 8 each. */
static int64_t rep_capacity(const sp_plan *p, const sp_goal *g, size_t *nreps)
{
    const char *rep = NULL, *team = NULL;
    for (size_t i = 0; i < g->filter.n; i++) {
        if (g->filter.kv[i].dim == DIM_REP) rep = g->filter.kv[i].value;
        if (g->filter.kv[i].dim == DIM_TEAM) team = g->filter.kv[i].value;
    }
    int64_t cap = 0;
    *nreps = 0;
    for (size_t i = 0; i < p->ngroups; i++) {
        const sp_group *gr = &p->groups[i];
        if (team && !str_eq(gr->id, team) && !str_eq(gr->name, team)) continue;
        for (size_t j = 0; j < gr->nmembers; j++) {
            const sp_member *m = &gr->members[j];
            if (m->role != ROLE_REP) continue;
            if (rep && !str_eq(m->id, rep)) continue;
            int64_t v = m->has_visits_capacity ? m->visits_per_month : DEFAULT_VISITS_PER_MONTH;
            if (__builtin_add_overflow(cap, v, &cap)) cap = INT64_MAX;
            (*nreps)++;
        }
    }
    return cap;
}

/* smart_achievable: growth over last year (history) and, for visits,
 * the team's capacity. */
static void smart_achievable(chk *c, const sp_goal *g, sp_history_fn history, void *hctx, verdict_acc *a)
{
    const sp_plan *p = c->p;
    char s1[48], s2[48], s3[48];
    int64_t last = 0;
    bool have = g->has_target && g->metric != MET_MANUAL && history && history(g, &last, hctx);
    if (!have) {
        acc_add(a, VERDICT_UNKNOWN, "%s", _("no history for the same period last year"));
    } else if (last <= 0) {
        acc_add(a, VERDICT_UNKNOWN, "%s", _("last year's actual is zero: growth cannot be measured"));
    } else {
        /* per: month targets of additive metrics hold each month */
        __int128 target = g->target;
        if (g->per_month && sp_metrics[g->metric].additive) target = target * months_ppm(g->period) / PPM;
        __int128 max = p->max_growth;
        if (g->direction == DIR_AT_LEAST) {
            __int128 growth = (target - last) * PPM / last;
            bool fail = target * PPM > (__int128)last * (PPM + max);
            int64_t gr = growth > INT64_MAX ? INT64_MAX : (growth < INT64_MIN ? INT64_MIN : (int64_t)growth);
            acc_add(a, fail ? VERDICT_FAIL : VERDICT_PASS, _("growth %s over last year's %s (at most %s)"),
                    fmt_pct(gr, s1), fmt_value(g->metric, last, s2), fmt_pct(p->max_growth, s3));
        } else {
            __int128 red = (last - target) * PPM / last;
            bool fail = (last - target) * PPM > (__int128)last * max;
            int64_t r = red > INT64_MAX ? INT64_MAX : (red < INT64_MIN ? INT64_MIN : (int64_t)red);
            acc_add(a, fail ? VERDICT_FAIL : VERDICT_PASS, _("reduction %s from last year's %s (at most %s)"),
                    fmt_pct(r, s1), fmt_value(g->metric, last, s2), fmt_pct(p->max_growth, s3));
        }
    }
    if ((g->metric != MET_VISITS && g->metric != MET_VISITS_PER_REP) || !g->has_target || g->direction != DIR_AT_LEAST)
        return;
    if (p->ngroups == 0) {
        acc_add(a, VERDICT_UNKNOWN, "%s", _("no team to compare the visits with"));
        return;
    }
    size_t nreps = 0;
    int64_t cap = rep_capacity(p, g, &nreps);
    if (nreps == 0) {
        acc_add(a, VERDICT_FAIL, "%s", _("the team has no member of role rep to make the visits"));
        return;
    }
    if (g->metric == MET_VISITS) {
        /* need per month, in hundredths */
        int64_t mp = g->per_month ? PPM : months_ppm(g->period);
        if (mp <= 0) return;
        __int128 need_h = (__int128)g->target * 100 * PPM / mp;
        bool fail = (__int128)g->target * PPM > (__int128)cap * mp;
        int64_t nh = need_h > INT64_MAX ? INT64_MAX : (int64_t)need_h;
        acc_add(a, fail ? VERDICT_FAIL : VERDICT_PASS,
                fail ? _("needs %s visits a month, more than the capacity of %lld (reps: %zu)")
                     : _("needs %s visits a month within the capacity of %lld (reps: %zu)"),
                fmt_hundredths(nh, s1), (long long)cap, nreps);
    } else {
        /* visits_per_rep: target in hundredths per rep per month */
        bool fail = (__int128)g->target * (__int128)nreps > (__int128)cap * 100;
        /* rounded half up to hundredths (26 visits over 3 reps: 8.67) */
        int64_t avg_h = (int64_t)(((__int128)cap * 200 + (__int128)nreps) / ((__int128)nreps * 2));
        acc_add(a, fail ? VERDICT_FAIL : VERDICT_PASS,
                fail ? _("needs %s visits per rep a month, more than the reps' average capacity of %s")
                     : _("needs %s visits per rep a month within the reps' average capacity of %s"),
                fmt_hundredths(g->target, s1), fmt_hundredths(avg_h, s2));
    }
}

/* smart_goal: the five verdicts of goal index gi into *sm (reasons
 * allocated, owned by the result); FAIL and WARN verdicts are also added as
 * diagnostics. */
static void smart_goal(chk *c, size_t gi, sp_smart *sm, sp_history_fn history, void *hctx)
{
    const sp_plan *p = c->p;
    const sp_goal *g = c->goalv[gi];
    sm->goal_id = g->id;
    sm->goal = g;
    verdict_acc acc[SMART_COUNT];
    memset(acc, 0, sizeof acc);
    char s1[48], s2[48];

    /* S */
    if (g->metric >= MET_COUNT) acc_add(&acc[SMART_S], VERDICT_FAIL, "%s", _("no known metric"));
    else if (!g->name || !*g->name) acc_add(&acc[SMART_S], VERDICT_WARN, "%s", _("the goal has no name (add 'name')"));
    else acc_add(&acc[SMART_S], VERDICT_PASS, _("metric %s, named"), sp_metrics[g->metric].name);

    /* M */
    if (!g->has_target) {
        acc_add(&acc[SMART_M], VERDICT_FAIL, "%s", _("no numeric target"));
    } else if (g->metric == MET_MANUAL) {
        acc_add(&acc[SMART_M], VERDICT_WARN, "%s",
                _("metric manual: actuals must be entered by hand ('salesplan actual')"));
    } else {
        acc_add(&acc[SMART_M], VERDICT_PASS, _("target %s in %s"), fmt_value(g->metric, g->target, s1),
                unit_name(sp_metrics[g->metric].unit));
    }

    /* A */
    smart_achievable(c, g, history, hctx, &acc[SMART_A]);

    /* R */
    if (g->type == GOAL_PROCESS) {
        const char *named = NULL;
        for (const sp_goal *x = g; x && !named; x = x->parent)
            for (size_t i = 0; i < x->nsupports && !named; i++) {
                size_t j;
                if (idmap_get(&c->goals, x->supports[i], &j) && c->goalv[j]->type == GOAL_RESULT &&
                    c->goalv[j] != g)
                    named = x->supports[i];
            }
        if (named) acc_add(&acc[SMART_R], VERDICT_PASS, _("supports the result goal '%s'"), named);
        else acc_add(&acc[SMART_R], VERDICT_FAIL, "%s", _("a process goal must support a result goal ('supports')"));
    } else {
        const char *by = NULL, *sid = NULL;
        for (const sp_goal *x = g; x && !by; x = x->parent) {
            size_t j;
            if (idmap_get(&c->goals, x->id, &j) && c->served[j]) {
                by = x->id;
                sid = p->strategies[c->served_by[j]].id;
            }
        }
        if (!by) {
            acc_add(&acc[SMART_R], VERDICT_WARN, "%s", _("no strategy serves this goal"));
        } else {
            if (str_eq(by, g->id)) acc_add(&acc[SMART_R], VERDICT_PASS, _("served by strategy '%s'"), sid ? sid : "?");
            else acc_add(&acc[SMART_R], VERDICT_PASS, _("its parent '%s' is served by strategy '%s'"), by,
                         sid ? sid : "?");
        }
    }

    /* T */
    if (!period_valid(g->period)) acc_add(&acc[SMART_T], VERDICT_FAIL, "%s", _("no period"));
    else if (!period_valid(p->period))
        acc_add(&acc[SMART_T], VERDICT_PASS, _("period %s"), goal_period(g, s1));
    else if (!period_inside(g->period, p->period))
        acc_add(&acc[SMART_T], VERDICT_FAIL, _("period %s is not inside the plan's period %s"), goal_period(g, s1),
                plan_period(p, s2));
    else acc_add(&acc[SMART_T], VERDICT_PASS, _("period %s inside the plan's period"), goal_period(g, s1));

    for (int l = 0; l < SMART_COUNT; l++) {
        sm->v[l] = acc[l].any_known ? acc[l].v : VERDICT_UNKNOWN;
        if (acc[l].unknown.len) {
            if (acc[l].reason.len) buf_puts(&acc[l].reason, _("; "));
            buf_puts(&acc[l].reason, buf_cstr(&acc[l].unknown));
        }
        buf_free(&acc[l].unknown);
        sm->reason[l] = buf_detach(&acc[l].reason);
        if (!sm->reason[l]) sm->reason[l] = xstrdup("");
        if (sm->v[l] != VERDICT_FAIL && sm->v[l] != VERDICT_WARN) continue;
        /* a goal that could not be read at all (no id: the reader said
         * why) gets its verdicts but no diagnostics of its own */
        if (!g->id) continue;
        sp_pos pos = g->pos;
        if (l == SMART_M || l == SMART_A) pos = target_pos(g);
        else if (l == SMART_T) pos = period_pos(g);
        /* An Achievable failure (growth beyond max_growth, need beyond the
         * team's capacity) is a judgement the director may overrule: a
         * warning, so the plan still imports. Every other failed letter is
         * an error. */
        bool blocking = sm->v[l] == VERDICT_FAIL && l != SMART_A;
        check_add(c->res, blocking ? SEV_ERROR : SEV_WARNING, pos, _("goal '%s' is not %s: %s"),
                  g->id ? g->id : "?", _(letter_names[l]), sm->reason[l]);
    }
}

/* ---- the whole check ---- */

void plan_check(const sp_plan *p, sp_history_fn history, void *hctx, sp_check_result *res)
{
    chk c;
    memset(&c, 0, sizeof c);
    c.p = p;
    c.res = res;

    size_t nmem = 0;
    for (size_t i = 0; i < p->ngroups; i++) nmem = size_add(nmem, p->groups[i].nmembers);
    idmap_init(&c.members, nmem);
    for (size_t i = 0; i < p->ngroups; i++)
        for (size_t j = 0; j < p->groups[i].nmembers; j++) idmap_put(&c.members, p->groups[i].members[j].id, j);

    size_t ng = plan_goal_count(p);
    idmap_init(&c.goals, ng);
    c.goalv = xcalloc(ng ? ng : 1, sizeof *c.goalv);
    c.served = xcalloc(ng ? ng : 1, sizeof *c.served);
    c.served_by = xcalloc(ng ? ng : 1, sizeof *c.served_by);
    plan_goal_walk(p, collect_goal, &c);

    idmap_init(&c.strategies, p->nstrategies);
    for (size_t i = 0; i < p->nstrategies; i++) idmap_put(&c.strategies, p->strategies[i].id, i);
    idmap_init(&c.tasks, p->ntasks);
    for (size_t i = 0; i < p->ntasks; i++) idmap_put(&c.tasks, p->tasks[i].id, i);
    idmap_init(&c.analysis, size_add(size_add(p->npest, p->npersonas), p->ncapabilities));
    for (size_t i = 0; i < p->npest; i++) idmap_put(&c.analysis, p->pest[i].id, i);
    for (size_t i = 0; i < p->npersonas; i++) idmap_put(&c.analysis, p->personas[i].id, i);
    for (size_t i = 0; i < p->ncapabilities; i++) idmap_put(&c.analysis, p->capabilities[i].id, i);
    idmap_init(&c.cats, p->nbudget_cats);
    for (size_t i = 0; i < p->nbudget_cats; i++) idmap_put(&c.cats, p->budget_cats[i].id, i);

    for (size_t i = 0; i < c.ngoals; i++) {
        check_goal_refs(&c, c.goalv[i]);
        check_split(&c, c.goalv[i]);
    }
    for (size_t i = 0; i < p->nstrategies; i++) check_strategy_refs(&c, &p->strategies[i]);
    for (size_t i = 0; i < p->ntasks; i++) {
        check_task_refs(&c, &p->tasks[i]);
        check_task_dates(&c, &p->tasks[i]);
    }
    check_task_graph(&c);
    check_budget(&c);

    /* one verdict row per goal, pre-order */
    size_t base = res->nsmart, rows = c.ngoals ? c.ngoals : 1;
    res->smart = xreallocarray(res->smart, size_add(base, rows), sizeof *res->smart);
    memset(res->smart + base, 0, rows * sizeof *res->smart);
    for (size_t i = 0; i < c.ngoals; i++) smart_goal(&c, i, &res->smart[base + i], history, hctx);
    res->nsmart = base + c.ngoals;

    idmap_free(&c.members);
    idmap_free(&c.goals);
    idmap_free(&c.strategies);
    idmap_free(&c.tasks);
    idmap_free(&c.analysis);
    idmap_free(&c.cats);
    free(c.goalv);
    free(c.served);
    free(c.served_by);
}
