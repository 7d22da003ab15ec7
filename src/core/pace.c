/*
 * pace.c — pace, projection and status of goals (SPEC §7).
 *
 * Owns: the exact quantity type (sp_qty) and its decimal rendering, the
 * elapsed weights (linear, seasonal with fallback), the status rules
 * (at_least / at_most, the goal_off_pace_below threshold), the month-by-month
 * evaluation of `per: month` goals, revenue pipeline coverage and forecast,
 * and the load spec that covers every goal of a plan. Actuals come from the
 * metric engine (metrics.h) or from manual actuals passed in.
 * Also the display text of quantities and statuses that the status table
 * and the review pack share (qty_display, qty_pct_display,
 * goal_status_label). Must not touch: I/O, SQL, the clock, output formats
 * (tables, JSON, Markdown).
 *
 * Forecast (SPEC §7: "actual + weighted pipeline closing in P"): the
 * engine's weighted_pipeline with the goal's filter (deals open on D:
 * created_on <= D and stage open or closed_on > D) over only the deals that
 * close in P: those whose expected_close_on falls in P, and those without
 * one when P is the period running on D (P contains D) — so three future
 * quarters no longer each count the whole pipeline. After P nothing can
 * close in it any more and the forecast is the actual. A closed_on later
 * than D is not used to exclude a deal: on D nobody knew it, and status as
 * of a past date must not look ahead. The unweighted pipeline and its
 * coverage stay SPEC §6's pipeline (every deal open on D).
 */
#include "pace.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

typedef __int128 i128;

static const char *const status_names[GOAL_STATUS_COUNT] = {
    "not_started", "on_track", "at_risk", "off_track", "achieved", "missed",
};

const char *goal_status_name(sp_goal_status s)
{
    return (unsigned)s < GOAL_STATUS_COUNT ? status_names[s] : "?";
}

static const char *const status_labels[GOAL_STATUS_COUNT] = {
    N_("not started"), N_("on track"), N_("at risk"), N_("off track"), N_("achieved"), N_("missed"),
};

const char *goal_status_label(sp_goal_status s)
{
    return (unsigned)s < GOAL_STATUS_COUNT ? status_labels[s] : "?";
}

/* ------------------------------------------------------------------ */
/* exact quantities                                                     */

static i128 i128_abs(i128 x) { return x < 0 ? -x : x; }

static i128 gcd128(i128 a, i128 b)
{
    a = i128_abs(a);
    b = i128_abs(b);
    while (b) {
        i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* div_round128: a / b rounded half away from zero (b != 0). */
static i128 div_round128(i128 a, i128 b)
{
    if (b < 0) a = -a, b = -b;
    i128 q = a / b, r = a % b;
    if (2 * i128_abs(r) >= b) q += a < 0 ? -1 : 1;
    return q;
}

static bool fits64(i128 x) { return x >= INT64_MIN && x <= INT64_MAX; }

/* qty_from128: num/den reduced; when either does not fit 64 bits, the value
 * is rounded to a denominator of 10^6 (far below any display precision). */
static sp_qty qty_from128(i128 num, i128 den)
{
    sp_qty q = {false, 0, 1};
    if (den == 0) return qty_null();
    if (den < 0) num = -num, den = -den;
    i128 g = gcd128(num, den);
    if (g > 1) num /= g, den /= g;
    if (fits64(num) && fits64(den)) {
        q.num = (int64_t)num;
        q.den = (int64_t)den;
        return q;
    }
    i128 scaled;
    if (i128_abs(num) < ((i128)1 << 100)) scaled = div_round128(num * 1000000, den);
    else scaled = div_round128(num, den) * 1000000;
    if (!fits64(scaled)) return qty_null();
    return qty_make((int64_t)scaled, 1000000);
}

sp_qty qty_int(int64_t v)
{
    sp_qty q = {false, v, 1};
    return q;
}

sp_qty qty_null(void)
{
    sp_qty q = {true, 0, 1};
    return q;
}

sp_qty qty_make(int64_t num, int64_t den)
{
    if (den == 0) return qty_null();
    i128 n = num, d = den;
    if (d < 0) n = -n, d = -d;
    i128 g = gcd128(n, d);
    if (g > 1) n /= g, d /= g;
    sp_qty q = {false, 0, 1};
    if (!fits64(n) || !fits64(d)) return qty_null();
    q.num = (int64_t)n;
    q.den = (int64_t)d;
    return q;
}

int64_t qty_round(sp_qty q)
{
    if (q.null || q.den == 0) return 0;
    i128 r = div_round128(q.num, q.den);
    return fits64(r) ? (int64_t)r : (r < 0 ? INT64_MIN : INT64_MAX);
}

int qty_cmp(sp_qty a, sp_qty b)
{
    if (a.null || b.null) return a.null == b.null ? 0 : (a.null ? -1 : 1);
    i128 l = (i128)a.num * b.den, r = (i128)b.num * a.den;
    return l < r ? -1 : l > r;
}

/* qty_mul_frac: q × n / d (exact when it fits). */
static sp_qty qty_mul_frac(sp_qty q, int64_t n, int64_t d)
{
    if (q.null || d == 0) return qty_null();
    return qty_from128((i128)q.num * n, (i128)q.den * d);
}

/* qty_div: a / b; null when b is zero or either is null. */
static sp_qty qty_div(sp_qty a, sp_qty b)
{
    if (a.null || b.null || b.num == 0) return qty_null();
    return qty_from128((i128)a.num * b.den, (i128)a.den * b.num);
}

sp_qty qty_ratio(sp_qty a, sp_qty b) { return qty_div(a, b); }

static sp_qty qty_add(sp_qty a, sp_qty b)
{
    if (a.null || b.null) return qty_null();
    return qty_from128((i128)a.num * b.den + (i128)b.num * a.den, (i128)a.den * b.den);
}

static sp_qty qty_sub(sp_qty a, sp_qty b)
{
    if (b.null) return qty_null();
    b.num = -b.num;
    return qty_add(a, b);
}

/* frac_qty: the double fraction num/den × scale as an exact quantity when
 * num and den are whole numbers (the engine's ratios are), else rounded to
 * 10^-4 of the unit. */
static sp_qty frac_qty(double num, double den, int64_t scale)
{
    if (!(den != 0) || !isfinite(num) || !isfinite(den)) return qty_null();
    const double lim = 9007199254740992.0; /* 2^53 */
    if (num == floor(num) && den == floor(den) && fabs(num) <= lim && fabs(den) <= lim)
        return qty_from128((i128)(int64_t)num * scale, (i128)(int64_t)den);
    double x = num / den * (double)scale * 10000.0;
    if (!isfinite(x) || fabs(x) > 9.0e18) return qty_null();
    return qty_make((int64_t)llround(x), 10000);
}

sp_qty qty_from_kpi(sp_metric m, const sp_kpi_value *v)
{
    if (!v || v->null) return qty_null();
    switch (sp_metrics[m].unit) {
    case UNIT_MONEY:
        if (m == MET_AVG_DEAL_SIZE) return frac_qty(v->num, v->den, 1);
        return qty_int(v->ival);
    case UNIT_COUNT: return qty_int(v->ival);
    case UNIT_RATIO: return frac_qty(v->num, v->den, SP_RATIO_ONE);
    default: return frac_qty(v->num, v->den, 100);
    }
}

char *qty_decimal(sp_qty q, int64_t div, int decimals, bool trim, char *buf)
{
    buf[0] = '\0';
    if (q.null || q.den == 0 || div == 0) return buf;
    if (decimals < 0) decimals = 0;
    if (decimals > 12) decimals = 12;
    i128 p10 = 1;
    for (int i = 0; i < decimals; i++) p10 *= 10;
    i128 x = div_round128((i128)q.num * p10, (i128)q.den * div);
    bool neg = x < 0;
    x = i128_abs(x);
    i128 ip = x / p10, fp = x % p10;
    char digits[48];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip && n < 40);
    char *o = buf;
    if (neg) *o++ = '-';
    while (n) *o++ = digits[--n];
    if (decimals > 0) {
        char f[16];
        for (int i = decimals - 1; i >= 0; i--) {
            f[i] = (char)('0' + (int)(fp % 10));
            fp /= 10;
        }
        int len = decimals;
        if (trim)
            while (len > 0 && f[len - 1] == '0') len--;
        if (len > 0) {
            *o++ = '.';
            memcpy(o, f, (size_t)len);
            o += len;
        }
    }
    *o = '\0';
    if (strcmp(buf, "-0") == 0) strcpy(buf, "0");
    return buf;
}

void qty_display(sp_unit u, sp_qty q, buf_t *out)
{
    char b[64];
    if (q.null) {
        buf_puts(out, "—");
        return;
    }
    switch (u) {
    case UNIT_MONEY: buf_puts(out, money_format_grouped(qty_round(q), b)); break;
    case UNIT_COUNT: buf_printf(out, "%" PRId64, qty_round(q)); break;
    case UNIT_RATIO: buf_printf(out, "%s%%", qty_decimal(q, 10000, 1, false, b)); break;
    default: buf_puts(out, qty_decimal(q, 100, 2, true, b)); break;
    }
}

void qty_pct_display(sp_qty q, buf_t *out)
{
    char b[64];
    if (q.null) {
        buf_puts(out, "—");
        return;
    }
    /* q × 100 with one decimal, in 128 bits: no product can wrap */
    i128 x = div_round128((i128)q.num * 1000, (i128)q.den);
    bool neg = x < 0;
    x = i128_abs(x);
    char digits[48];
    int n = 0;
    i128 ip = x / 10;
    do {
        digits[n++] = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip && n < 40);
    char *o = b;
    if (neg && x != 0) *o++ = '-';
    while (n) *o++ = digits[--n];
    *o++ = '.';
    *o++ = (char)('0' + (int)(x % 10));
    *o = '\0';
    buf_printf(out, "%s%%", b);
}

/* ------------------------------------------------------------------ */
/* weights and status                                                   */

sp_weight pace_linear_weight(sp_period p, sp_day d)
{
    sp_weight w;
    int64_t days = (int64_t)p.last - p.first + 1;
    if (days < 1) days = 1;
    w.den = days;
    if (d < p.first) w.num = 0;
    else if (d > p.last) w.num = days;
    else w.num = (int64_t)d - p.first + 1;
    return w;
}

bool pace_seasonal_weight(sp_qty ly_to_date, sp_qty ly_total, sp_weight *w)
{
    if (ly_total.null || ly_total.num <= 0) return false;
    if (ly_to_date.null || ly_to_date.num <= 0) {
        w->num = 0;
        w->den = 1;
        return true;
    }
    if (qty_cmp(ly_to_date, ly_total) >= 0) {
        w->num = w->den = 1;
        return true;
    }
    sp_qty r = qty_div(ly_to_date, ly_total);
    if (r.null) return false;
    w->num = r.num;
    w->den = r.den;
    return true;
}

/* cmp3: sign of a1·a2·a3 − b1·b2·b3, exact when the products fit 128 bits
 * (they do for any plan-sized numbers), else in long double. */
static int cmp3(int64_t a1, int64_t a2, int64_t a3, int64_t b1, int64_t b2, int64_t b3)
{
    i128 l, r;
    if (!__builtin_mul_overflow((i128)a1 * a2, (i128)a3, &l) && !__builtin_mul_overflow((i128)b1 * b2, (i128)b3, &r))
        return l < r ? -1 : l > r;
    long double x = (long double)a1 * a2 * a3, y = (long double)b1 * b2 * b3;
    return x < y ? -1 : x > y;
}

/* meets: whether value v meets target t in direction dir (inclusive). */
static bool meets(sp_qty v, int64_t t, sp_direction dir)
{
    if (v.null) return false;
    int c = qty_cmp(v, qty_int(t));
    return dir == DIR_AT_MOST ? c <= 0 : c >= 0;
}

/* within_threshold: v (> 0 den) within the off-pace threshold thr (ppm) of
 * t: v >= t·thr (at_least) or v·thr <= t (at_most). */
static bool within_threshold(sp_qty v, int64_t t, sp_direction dir, sp_ratio thr)
{
    if (v.null) return false;
    if (dir == DIR_AT_MOST) return cmp3(v.num, thr, 1, t, SP_RATIO_ONE, v.den) <= 0;
    return cmp3(v.num, SP_RATIO_ONE, 1, t, thr, v.den) >= 0;
}

void pace_compute(int64_t target, sp_direction dir, bool additive, sp_period p, sp_day d, sp_weight w,
                  sp_qty actual, sp_ratio off_pace_below, sp_pace_calc *out)
{
    memset(out, 0, sizeof *out);
    sp_qty t = qty_int(target);
    if (d < p.first) w.num = 0;
    if (d > p.last) w.num = w.den;
    out->expected = additive ? qty_mul_frac(t, w.num, w.den) : t;
    if (!additive) out->projection = actual;
    else if (w.num == 0 || actual.null) out->projection = qty_null();
    else out->projection = qty_mul_frac(actual, w.den, w.num);
    out->attainment = target == 0 ? qty_null() : qty_div(actual, t);

    if (d < p.first) {
        out->status = GOAL_NOT_STARTED;
    } else if (d > p.last) {
        out->status = meets(actual, target, dir) ? GOAL_ACHIEVED : GOAL_MISSED;
    } else if (actual.null) {
        out->status = GOAL_AT_RISK;
    } else if (additive && w.num == 0) {
        out->status = (dir == DIR_AT_MOST && !meets(actual, target, dir)) ? GOAL_OFF_TRACK : GOAL_ON_TRACK;
    } else if (meets(out->projection, target, dir)) {
        out->status = GOAL_ON_TRACK;
    } else if (within_threshold(out->projection, target, dir, off_pace_below)) {
        out->status = GOAL_AT_RISK;
    } else {
        out->status = GOAL_OFF_TRACK;
    }
}

/* ------------------------------------------------------------------ */
/* goals over the dataset                                               */

double pace_months_in(sp_period p)
{
    double m = 0;
    for (sp_day d = p.first; d <= p.last;) {
        int y, mo, dd;
        day_to_ymd(d, &y, &mo, &dd);
        int dim = days_in_month(y, mo);
        sp_day mend = day_from_ymd(y, mo, dim);
        sp_day e = mend < p.last ? mend : p.last;
        m += (double)(e - d + 1) / (double)dim;
        d = e + 1;
    }
    return m;
}

void pace_spec_union(sp_load_spec *dst, const sp_load_spec *src)
{
    for (int t = 0; t < TBL_COUNT; t++) {
        if (!src->want[t]) continue;
        if (t == TBL_ACTIVITIES) {
            if (!dst->want[t]) dst->act_kind = src->act_kind;
            else if (dst->act_kind != src->act_kind) dst->act_kind = -1;
        }
        if (t == TBL_ACTIVITIES)
            dst->activities_touch_only = dst->want[t] ? dst->activities_touch_only && src->activities_touch_only
                                                      : src->activities_touch_only;
        if (t == TBL_DEALS)
            dst->deals_closed_only = dst->want[t] ? dst->deals_closed_only && src->deals_closed_only
                                                  : src->deals_closed_only;
        if (t == TBL_ACTIVITIES) dst->day_indexes = dst->day_indexes || src->day_indexes;
        /* columns: every one (0) when either part reads every one */
        dst->cols[t] = dst->want[t] && (!dst->cols[t] || !src->cols[t]) ? 0 : dst->cols[t] | src->cols[t];
        load_spec_want(dst, (sp_table)t, src->from[t], src->to[t]);
    }
}

/* goal_query: the engine query of g's metric m over p as of as_of. */
static void goal_query(const sp_goal *g, sp_metric m, sp_period p, sp_day as_of, const sp_tier_level *tiers,
                       size_t ntiers, sp_kpi_query *q)
{
    memset(q, 0, sizeof *q);
    q->metric = m;
    q->period = p;
    q->period_text = g->period_text;
    q->as_of = as_of;
    q->where = g->filter;
    q->tiers = tiers;
    q->ntiers = ntiers;
}

static sp_period shift_year(sp_period p, int years)
{
    sp_period r = {day_add_years(p.first, years), day_add_years(p.last, years)};
    return r;
}

/* month_of: the calendar month containing d, clipped to p. */
static sp_period month_of(sp_day d, sp_period p)
{
    sp_period m = grain_bucket(GRAIN_MONTH, d);
    if (m.first < p.first) m.first = p.first;
    if (m.last > p.last) m.last = p.last;
    return m;
}

static bool uses_seasonal(const sp_plan *plan, const sp_goal *g)
{
    return plan->pacing == PACING_SEASONAL && g->metric != MET_MANUAL && sp_metrics[g->metric].additive;
}

/* the pace period of g: P, or for per-month goals the month of P that the
 * top-level numbers describe (the month of D, the first / last month when D
 * lies before / after P). */
static sp_period pace_period(const sp_goal *g, sp_day d)
{
    if (!g->per_month) return g->period;
    sp_day x = d < g->period.first ? g->period.first : (d > g->period.last ? g->period.last : d);
    return month_of(x, g->period);
}

typedef struct spec_walk {
    const sp_plan *plan;
    const sp_tier_level *tiers;
    size_t ntiers;
    sp_day D;
    sp_load_spec *spec;
    bool columns;                      /* narrow to the columns the engine reads (pace_load_columns) */
} spec_walk;

static void want_query(const spec_walk *w, const sp_goal *g, sp_metric m, sp_period p, sp_day as_of)
{
    if (m == MET_MANUAL) return;
    sp_kpi_query q;
    goal_query(g, m, p, as_of, w->tiers, w->ntiers, &q);
    sp_load_spec s;
    kpi_load_spec(&q, &s);
    if (w->columns) kpi_load_columns(&q, &s); /* (the same columns whatever the period or a time breakdown) */
    pace_spec_union(w->spec, &s);
}

static void spec_goal(const sp_goal *g, void *ctx)
{
    spec_walk *w = ctx;
    sp_period P = g->period;
    want_query(w, g, g->metric, P, w->D);
    sp_period pp = pace_period(g, w->D);
    if (uses_seasonal(w->plan, g)) {
        sp_period ly = shift_year(pp, -1);
        want_query(w, g, g->metric, ly, day_add_years(w->D, -1));
        want_query(w, g, g->metric, ly, ly.last < w->D ? ly.last : w->D);
    }
    if (g->metric == MET_REVENUE && !g->per_month) {
        want_query(w, g, MET_PIPELINE, P, w->D);
        want_query(w, g, MET_WEIGHTED_PIPELINE, P, w->D);
    }
}

void pace_load_spec(const sp_plan *plan, const sp_tier_level *tiers, size_t ntiers, sp_day as_of,
                    sp_load_spec *spec)
{
    load_spec_init(spec);
    spec_walk w = {plan, tiers, ntiers, as_of, spec, false};
    plan_goal_walk(plan, spec_goal, &w);
}

void pace_load_columns(const sp_plan *plan, const sp_tier_level *tiers, size_t ntiers, sp_day as_of,
                       sp_load_spec *spec)
{
    load_spec_init(spec);
    spec_walk w = {plan, tiers, ntiers, as_of, spec, true};
    plan_goal_walk(plan, spec_goal, &w);
    /* pace reads whole deal rows of its own (the open deals closing in a
     * period: weighted_closing_in); the engine's columns of the others */
    spec->cols[TBL_DEALS] = 0;
}

/* The engine questions of every goal, asked ahead in one pass over the
 * deals (kpi_compute_jobs): the same (goal, metric, period, as-of date,
 * closing) that eval_goal asks, in the same unit; those the pass cannot
 * answer are asked of kpi_compute one by one as before. */
typedef struct sp_pace_cache {
    sp_kpi_job *jobs;
    const sp_goal **goal;
    size_t n, cap;
} sp_pace_cache;

static void cache_want(sp_pace_cache *pc, const sp_pace_ctx *c, const sp_goal *g, sp_metric m, sp_period p,
                       sp_day as_of, bool closing)
{
    if (m == MET_MANUAL) return;
    for (size_t i = 0; i < pc->n; i++) {
        const sp_kpi_job *j = &pc->jobs[i];
        if (pc->goal[i] == g && j->q.metric == m && j->q.period.first == p.first && j->q.period.last == p.last &&
            j->q.as_of == as_of && j->closing == closing)
            return;
    }
    if (pc->n == pc->cap) {
        pc->cap = pc->cap ? pc->cap * 2 : 32;
        pc->jobs = xreallocarray(pc->jobs, pc->cap, sizeof *pc->jobs);
        pc->goal = xreallocarray(pc->goal, pc->cap, sizeof *pc->goal);
    }
    sp_kpi_job *j = &pc->jobs[pc->n];
    memset(j, 0, sizeof *j);
    goal_query(g, m, p, as_of, c->tiers, c->ntiers, &j->q);
    j->closing = closing;
    pc->goal[pc->n++] = g;
}

/* the cache of the pace_evaluate running on this thread (set and cleared
 * around its evaluation; sp_pace_ctx is the callers' struct, so the cache
 * is not one of its fields), with the dataset it was computed over */
static _Thread_local const sp_pace_cache *tl_cache;
static _Thread_local const sp_dataset *tl_cache_ds;

static const sp_kpi_job *cache_find(const sp_pace_ctx *c, const sp_goal *g, sp_metric m, sp_period p,
                                    sp_day as_of, bool closing)
{
    const sp_pace_cache *pc = tl_cache_ds == c->ds ? tl_cache : NULL;
    for (size_t i = 0; pc && i < pc->n; i++) {
        const sp_kpi_job *j = &pc->jobs[i];
        if (pc->goal[i] == g && j->q.metric == m && j->q.period.first == p.first && j->q.period.last == p.last &&
            j->q.as_of == as_of && j->closing == closing)
            return j->done ? j : NULL;
    }
    return NULL;
}

/* engine_value: metric m of g over p as of as_of, in g's unit. */
static bool engine_value(const sp_pace_ctx *c, const sp_goal *g, sp_metric m, sp_period p, sp_day as_of,
                         sp_qty *out, sp_err *err)
{
    const sp_kpi_job *j = cache_find(c, g, m, p, as_of, false);
    if (j) {
        *out = qty_from_kpi(m, &j->value);
        return true;
    }
    sp_kpi_query q;
    goal_query(g, m, p, as_of, c->tiers, c->ntiers, &q);
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    bool ok = kpi_compute(c->ds, &q, &r, err);
    if (ok) *out = qty_from_kpi(m, &r.total);
    else err_set(err, SP_EINVAL, _("goal %s: cannot compute its actual (see above)"), g->id);
    kpi_result_free(&r);
    return ok;
}

bool pace_goal_actual(const sp_pace_ctx *c, const sp_goal *g, sp_period p, sp_day as_of, sp_qty *out,
                      sp_err *err)
{
    if (g->metric != MET_MANUAL) return engine_value(c, g, g->metric, p, as_of, out, err);
    sp_day upto = p.last < as_of ? p.last : as_of;
    *out = qty_null();
    sp_day best = SP_DAY_NONE;
    for (size_t i = 0; i < c->nmanual; i++) {
        const sp_actual *a = &c->manual[i];
        if (!str_eq(a->goal_id, g->id) || a->on < p.first || a->on > upto) continue;
        if (best == SP_DAY_NONE || a->on >= best) {
            best = a->on;
            *out = qty_int(a->value);
        }
    }
    return true;
}

/* goal_weight: the elapsed weight of g over period pp as of D, seasonal when
 * the plan asks for it and last year has history; sets *used. */
static bool goal_weight(const sp_pace_ctx *c, const sp_goal *g, sp_period pp, sp_weight *w, sp_pacing *used,
                        sp_err *err)
{
    sp_day D = c->as_of;
    *w = pace_linear_weight(pp, D);
    *used = PACING_LINEAR;
    if (!uses_seasonal(c->plan, g)) return true;
    sp_period ly = shift_year(pp, -1);
    sp_qty to_date, total;
    if (!pace_goal_actual(c, g, ly, day_add_years(D, -1), &to_date, err)) return false;
    if (!pace_goal_actual(c, g, ly, ly.last < D ? ly.last : D, &total, err)) return false;
    sp_weight sw;
    if (pace_seasonal_weight(to_date, total, &sw)) {
        if (D >= pp.first && D <= pp.last) *w = sw;
        *used = PACING_SEASONAL;
    }
    return true;
}

/* month_summable: metric m's value over a month equals its row of a
 * by-month breakdown over a longer period as of the same day: a count or
 * sum of records each on one day of one month (no distinct counts, no
 * ratios, nothing judged at the end of a bucket) */
static bool month_summable(sp_metric m)
{
    switch (m) {
    case MET_REVENUE:
    case MET_DEALS_WON:
    case MET_LEADS:
    case MET_QUALIFIED_LEADS:
    case MET_VISITS:
    case MET_ACTIVITIES: return true;
    default: return false;
    }
}

/* eval_months: the months of per-month goal g that started by D (for a
 * summable metric, one by-month pass over the period instead of one pass
 * per month). */
static bool eval_months(const sp_pace_ctx *c, const sp_goal *g, sp_goal_pace *gp, sp_err *err)
{
    sp_day D = c->as_of;
    sp_period P = g->period;
    sp_kpi_result all;
    memset(&all, 0, sizeof all);
    bool batched = false;
    if (g->metric != MET_MANUAL && month_summable(g->metric) && P.first <= D) {
        sp_kpi_query q;
        goal_query(g, g->metric, P, D, c->tiers, c->ntiers, &q);
        q.by[0] = BY_MONTH;
        q.nby = 1;
        sp_err e = SP_ERR_INIT;
        batched = kpi_compute(c->ds, &q, &all, &e);
        err_free(&e);
        if (!batched) kpi_result_free(&all);
    }
    for (sp_day d = P.first; d <= P.last && d <= D;) {
        sp_period m = month_of(d, P);
        sp_month_pace mp;
        memset(&mp, 0, sizeof mp);
        mp.month = m;
        if (batched) {
            char lab[32];
            grain_label(GRAIN_MONTH, m.first, lab);
            mp.actual = qty_int(0);
            for (size_t r = 0; r < all.nrows; r++)
                if (all.rows[r].key[0] && strcmp(all.rows[r].key[0], lab) == 0) mp.actual = qty_from_kpi(g->metric, &all.rows[r].value);
        } else if (!pace_goal_actual(c, g, m, D, &mp.actual, err)) {
            return false;
        }
        bool ok = meets(mp.actual, g->target, g->direction);
        if (m.last <= D) mp.met = ok ? 1 : 0;
        else if (g->direction == DIR_AT_MOST) mp.met = ok ? -1 : 0;
        else mp.met = ok ? 1 : -1;
        if (mp.met == 1) gp->months_met++;
        gp->months = xreallocarray(gp->months, gp->nmonths + 1, sizeof *gp->months);
        gp->months[gp->nmonths++] = mp;
        d = m.last + 1;
    }
    if (batched) kpi_result_free(&all);
    return true;
}

/* pace_overflow: the error of a goal whose pace left the int64 range. */
static bool pace_overflow(const sp_goal *g, sp_err *err)
{
    err_set(err, SP_EINVAL, _("goal %s (%s): the pace is beyond the range of amounts (±92,233,720,368,547,758.07)"),
            g->id, g->metric == MET_MANUAL ? "manual" : sp_metrics[g->metric].name);
    return false;
}

/* closes_in: whether open deal d is expected to close in P as of D. */
static bool closes_in(const sp_deal *d, sp_period P, sp_day D)
{
    if (d->has_expected_close) return d->expected_close_on >= P.first && d->expected_close_on <= P.last;
    return D >= P.first && D <= P.last;
}

/* weighted_closing_in: the weighted pipeline of g's filter over the deals
 * open on D that close in P (closes_in), computed by the engine over a
 * view of the dataset holding only those deals. */
static bool weighted_closing_in(const sp_pace_ctx *c, const sp_goal *g, sp_period P, sp_qty *out, sp_err *err)
{
    sp_day D = c->as_of;
    const sp_kpi_job *j = cache_find(c, g, MET_WEIGHTED_PIPELINE, P, D, true);
    if (j) {
        *out = qty_from_kpi(MET_WEIGHTED_PIPELINE, &j->value);
        return true;
    }
    const sp_dataset *ds = c->ds;
    sp_dataset view = *ds; /* shallow: same dictionary, same reps and customers */
    size_t *rows = xcalloc(ds->deals.n ? ds->deals.n : 1, sizeof *rows), n = 0;
    for (size_t i = 0; i < ds->deals.n; i++) {
        const sp_deal d_row = deal_at(ds, i), *d = &d_row;
        if (d->created_on == SP_DAY_NONE || d->created_on > D) continue;
        if (d->stage != STAGE_OPEN && (d->closed_on == SP_DAY_NONE || d->closed_on <= D)) continue;
        if (!closes_in(d, P, D)) continue;
        rows[n++] = i;
    }
    deal_cols_gather(&ds->deals, &view.deals, rows, n);
    free(rows);
    sp_pace_ctx vc = *c;
    vc.ds = &view;
    bool ok = engine_value(&vc, g, MET_WEIGHTED_PIPELINE, P, D, out, err);
    deal_cols_free(&view.deals);
    /* a customer map the view built on first use (dataset_customer_row) is its own */
    if (view.customer_by_id != ds->customer_by_id) ptrmap_free(view.customer_by_id);
    return ok;
}

static bool eval_goal(const sp_pace_ctx *c, const sp_goal *g, sp_goal_pace *gp, sp_err *err)
{
    sp_day D = c->as_of;
    gp->goal = g;
    gp->target = qty_int(g->target);
    gp->current = pace_period(g, D);
    bool additive = g->metric != MET_MANUAL && sp_metrics[g->metric].additive;
    if (!pace_goal_actual(c, g, gp->current, D, &gp->actual, err)) return false;
    if (!goal_weight(c, g, gp->current, &gp->w, &gp->pacing, err)) return false;
    sp_pace_calc pc;
    pace_compute(g->target, g->direction, additive, gp->current, D, gp->w, gp->actual,
                 c->plan->alerts.goal_off_pace_below, &pc);
    gp->expected = pc.expected;
    gp->projection = pc.projection;
    gp->attainment = pc.attainment;
    gp->status = pc.status;
    /* exact quantities turn null when they leave the int64 range: with a
     * known actual that is an overflow, never a silent "—" or a status
     * drawn from it */
    if (!gp->actual.null && (pc.expected.null || (additive && gp->w.num != 0 && pc.projection.null) ||
                             (g->target != 0 && pc.attainment.null)))
        return pace_overflow(g, err);
    if (g->per_month) {
        if (!eval_months(c, g, gp, err)) return false;
        if (D < g->period.first) gp->status = GOAL_NOT_STARTED;
        else if (D > g->period.last)
            gp->status = (size_t)gp->months_met == gp->nmonths ? GOAL_ACHIEVED : GOAL_MISSED;
    }
    if (g->metric == MET_REVENUE && !g->per_month) {
        gp->is_revenue = true;
        if (!engine_value(c, g, MET_PIPELINE, g->period, D, &gp->pipeline, err)) return false;
        if (!weighted_closing_in(c, g, g->period, &gp->weighted_pipeline, err)) return false;
        sp_qty remainder = qty_sub(gp->target, gp->actual);
        gp->pipeline_coverage = (remainder.null || remainder.num <= 0) ? qty_null() : qty_div(gp->pipeline, remainder);
        gp->forecast = qty_add(gp->actual, gp->weighted_pipeline);
        if (!gp->actual.null && !gp->weighted_pipeline.null && gp->forecast.null) return pace_overflow(g, err);
        if (D > g->period.last) {
            /* the period is over: no open deal can close in it any more */
            gp->pipeline = gp->weighted_pipeline = gp->pipeline_coverage = qty_null();
            gp->forecast = gp->actual;
        }
    }
    return true;
}

typedef struct eval_state {
    const sp_pace_ctx *c;
    sp_goal_pace *v;
    size_t n;
    sp_err *err;
    bool ok;
} eval_state;

static void eval_tree(eval_state *s, const sp_goal *g, size_t parent, int depth)
{
    if (!s->ok) return;
    size_t me = s->n++;
    s->v = xreallocarray(s->v, s->n, sizeof *s->v);
    memset(&s->v[me], 0, sizeof s->v[me]);
    s->v[me].parent = parent;
    s->v[me].depth = depth;
    if (!eval_goal(s->c, g, &s->v[me], s->err)) {
        s->ok = false;
        return;
    }
    for (size_t i = 0; i < g->nchildren; i++) eval_tree(s, &g->children[i], me, depth + 1);
    /* the children of further splits, after the first split's, same level */
    for (size_t k = 0; k < g->nsplits; k++)
        for (size_t i = 0; i < g->splits[k].nchildren; i++) eval_tree(s, &g->splits[k].children[i], me, depth + 1);
}

typedef struct cache_walk {
    const sp_pace_ctx *c;
    sp_pace_cache *pc;
} cache_walk;

/* cache_goal: the engine questions eval_goal will ask of g */
static void cache_goal(const sp_goal *g, void *ctx)
{
    cache_walk *w = ctx;
    const sp_pace_ctx *c = w->c;
    sp_day D = c->as_of;
    if (g->metric == MET_MANUAL) return;
    sp_period pp = pace_period(g, D);
    cache_want(w->pc, c, g, g->metric, pp, D, false);
    if (uses_seasonal(c->plan, g)) {
        sp_period ly = shift_year(pp, -1);
        cache_want(w->pc, c, g, g->metric, ly, day_add_years(D, -1), false);
        cache_want(w->pc, c, g, g->metric, ly, ly.last < D ? ly.last : D, false);
    }
    if (g->per_month && !month_summable(g->metric))
        for (sp_day d = g->period.first; d <= g->period.last && d <= D;) {
            sp_period m = month_of(d, g->period);
            cache_want(w->pc, c, g, g->metric, m, D, false);
            d = m.last + 1;
        }
    if (g->metric == MET_REVENUE && !g->per_month) {
        cache_want(w->pc, c, g, MET_PIPELINE, g->period, D, false);
        cache_want(w->pc, c, g, MET_WEIGHTED_PIPELINE, g->period, D, true);
    }
}

bool pace_evaluate(const sp_pace_ctx *c, sp_goal_pace **out, size_t *n, sp_err *err)
{
    sp_pace_cache pc = {0};
    const sp_pace_cache *saved = tl_cache;
    const sp_dataset *saved_ds = tl_cache_ds;
    cache_walk w = {c, &pc};
    plan_goal_walk(c->plan, cache_goal, &w);
    kpi_compute_jobs(c->ds, pc.jobs, pc.n);
    tl_cache = &pc;
    tl_cache_ds = c->ds;
    eval_state s = {c, NULL, 0, err, true};
    for (size_t i = 0; i < c->plan->ngoals; i++) eval_tree(&s, &c->plan->goals[i], SIZE_MAX, 0);
    tl_cache = saved;
    tl_cache_ds = saved_ds;
    free(pc.jobs);
    free(pc.goal);
    if (!s.ok) {
        goal_paces_free(s.v, s.n);
        *out = NULL;
        *n = 0;
        return false;
    }
    *out = s.v;
    *n = s.n;
    return true;
}

void goal_paces_free(sp_goal_pace *v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i].months);
    free(v);
}
