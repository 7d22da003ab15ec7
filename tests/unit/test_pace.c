/*
 * test_pace.c — pace, projection and status (core/pace.c) and the reverse
 * funnel (core/funnel.c).
 *
 * Every expected number is worked out by hand in the comments from SPEC §7,
 * not copied from the code's output. Money is in fen (1 yuan = 100).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/funnel.h"
#include "core/pace.h"

#define YUAN(x) ((sp_money)(x) * 100)

static sp_day day(const char *s)
{
    if (!s || !*s) return SP_DAY_NONE;
    sp_day d;
    const char *why;
    if (!date_parse(s, &d, &why)) fail_msg("bad date %s", s);
    return d;
}

static sp_period per(const char *s)
{
    sp_period p;
    const char *why;
    if (!period_parse(s, 1, &p, &why)) fail_msg("bad period %s", s);
    return p;
}

/* ---- quantities ---- */

static void test_qty(void **state)
{
    (void)state;
    char b[64];
    /* 2/5 as a ratio is 400000 ppm, printed as the fraction 0.4 */
    sp_kpi_value v = {false, 0, 2, 5};
    sp_qty q = qty_from_kpi(MET_WIN_RATE, &v);
    assert_int_equal(qty_cmp(q, qty_int(400000)), 0);
    assert_string_equal(qty_decimal(q, SP_RATIO_ONE, 6, true, b), "0.4");
    /* 25 days over 2 deals = 12.5 days = 1250 hundredths */
    sp_kpi_value dv = {false, 0, 25, 2};
    assert_int_equal(qty_cmp(qty_from_kpi(MET_SALES_CYCLE_DAYS, &dv), qty_int(1250)), 0);
    /* money comes from ival, exactly */
    sp_kpi_value mv = {false, 123456789, 0, 0};
    assert_int_equal(qty_round(qty_from_kpi(MET_REVENUE, &mv)), 123456789);
    sp_kpi_value nv = {true, 0, 0, 0};
    assert_true(qty_from_kpi(MET_WIN_RATE, &nv).null);
    /* rounding half away from zero: 1/8 = 0.125 -> 0.13, -0.125 -> -0.13 */
    assert_string_equal(qty_decimal(qty_make(1, 8), 1, 2, false, b), "0.13");
    assert_string_equal(qty_decimal(qty_make(-1, 8), 1, 2, false, b), "-0.13");
    assert_string_equal(qty_decimal(qty_make(5, 1), 1, 2, true, b), "5");
    assert_string_equal(qty_decimal(qty_make(1, 3), 100, 4, false, b), "0.0033");
    assert_string_equal(qty_decimal(qty_null(), 1, 2, false, b), "");
    assert_int_equal(qty_round(qty_make(5, 2)), 3);
    assert_int_equal(qty_round(qty_make(-5, 2)), -3);
}

/* ---- weights ---- */

static void test_linear_weight(void **state)
{
    (void)state;
    sp_period y = per("2026"); /* 365 days */
    sp_weight w = pace_linear_weight(y, day("2026-01-01"));
    assert_int_equal(w.num, 1);
    assert_int_equal(w.den, 365);
    /* 2026-11-26: 334 − 4 … count: Jan..Oct = 304 days, + 26 = 330 */
    w = pace_linear_weight(y, day("2026-11-26"));
    assert_int_equal(w.num, 330);
    w = pace_linear_weight(y, day("2025-12-31"));
    assert_int_equal(w.num, 0);
    w = pace_linear_weight(y, day("2027-01-01"));
    assert_int_equal(w.num, 365);
    assert_int_equal(w.den, 365);
}

static void test_seasonal_weight(void **state)
{
    (void)state;
    sp_weight w = {7, 7};
    /* last year: 30 of 120 reached by the same day -> 1/4 */
    assert_true(pace_seasonal_weight(qty_int(30), qty_int(120), &w));
    assert_int_equal(w.num * 4, w.den);
    /* no history: total 0 or null -> fall back (w untouched) */
    w.num = 7;
    w.den = 7;
    assert_false(pace_seasonal_weight(qty_int(0), qty_int(0), &w));
    assert_false(pace_seasonal_weight(qty_null(), qty_null(), &w));
    assert_int_equal(w.num, 7);
    /* clamped to [0, 1] */
    assert_true(pace_seasonal_weight(qty_int(150), qty_int(120), &w));
    assert_int_equal(w.num, w.den);
    assert_true(pace_seasonal_weight(qty_int(0), qty_int(120), &w));
    assert_int_equal(w.num, 0);
}

/* ---- status boundaries ---- */

typedef struct status_case {
    const char *name;
    int64_t target;
    sp_direction dir;
    bool additive;
    const char *d;
    int64_t actual; /* INT64_MIN = null */
    sp_ratio thr;
    sp_goal_status want;
} status_case;

/* P = 2026-01-01..2026-01-10 (10 days); at 2026-01-05 w = 5/10, so the
 * projection of an additive actual is actual × 2. */
static const status_case status_cases[] = {
    {"day before P", 1000, DIR_AT_LEAST, true, "2025-12-31", 0, 900000, GOAL_NOT_STARTED},
    {"first day, on pace", 1000, DIR_AT_LEAST, true, "2026-01-01", 100, 900000, GOAL_ON_TRACK},
    {"projection exactly T", 1000, DIR_AT_LEAST, true, "2026-01-05", 500, 900000, GOAL_ON_TRACK},
    {"projection just under T", 1000, DIR_AT_LEAST, true, "2026-01-05", 499, 900000, GOAL_AT_RISK},
    {"projection exactly T x 90%", 1000, DIR_AT_LEAST, true, "2026-01-05", 450, 900000, GOAL_AT_RISK},
    {"projection under T x 90%", 1000, DIR_AT_LEAST, true, "2026-01-05", 449, 900000, GOAL_OFF_TRACK},
    {"last day, exactly T", 1000, DIR_AT_LEAST, true, "2026-01-10", 1000, 900000, GOAL_ON_TRACK},
    {"day after P, met", 1000, DIR_AT_LEAST, true, "2026-01-11", 1000, 900000, GOAL_ACHIEVED},
    {"day after P, short by one", 1000, DIR_AT_LEAST, true, "2026-01-11", 999, 900000, GOAL_MISSED},
    /* at_most: projection <= T on track; projection × 80% <= T (<= 1250) at risk */
    {"at_most exactly T", 1000, DIR_AT_MOST, true, "2026-01-05", 500, 800000, GOAL_ON_TRACK},
    {"at_most over T", 1000, DIR_AT_MOST, true, "2026-01-05", 501, 800000, GOAL_AT_RISK},
    {"at_most at threshold", 1000, DIR_AT_MOST, true, "2026-01-05", 625, 800000, GOAL_AT_RISK},
    {"at_most past threshold", 1000, DIR_AT_MOST, true, "2026-01-05", 626, 800000, GOAL_OFF_TRACK},
    {"at_most under T", 1000, DIR_AT_MOST, true, "2026-01-05", 10, 800000, GOAL_ON_TRACK},
    {"at_most after P, met", 1000, DIR_AT_MOST, true, "2026-01-11", 1000, 800000, GOAL_ACHIEVED},
    {"at_most after P, over", 1000, DIR_AT_MOST, true, "2026-01-11", 1001, 800000, GOAL_MISSED},
    /* non-additive: projection = actual (no scaling by w) */
    {"ratio meets", 400000, DIR_AT_LEAST, false, "2026-01-02", 400000, 900000, GOAL_ON_TRACK},
    {"ratio at 90%", 400000, DIR_AT_LEAST, false, "2026-01-02", 360000, 900000, GOAL_AT_RISK},
    {"ratio below 90%", 400000, DIR_AT_LEAST, false, "2026-01-02", 359999, 900000, GOAL_OFF_TRACK},
    {"null actual inside P", 400000, DIR_AT_LEAST, false, "2026-01-02", INT64_MIN, 900000, GOAL_AT_RISK},
    {"null actual after P", 400000, DIR_AT_LEAST, false, "2026-01-11", INT64_MIN, 900000, GOAL_MISSED},
};

static void test_status_table(void **state)
{
    (void)state;
    sp_period p = per("2026-01-01..2026-01-10");
    for (size_t i = 0; i < sizeof status_cases / sizeof status_cases[0]; i++) {
        const status_case *c = &status_cases[i];
        sp_day d = day(c->d);
        sp_qty a = c->actual == INT64_MIN ? qty_null() : qty_int(c->actual);
        sp_pace_calc pc;
        pace_compute(c->target, c->dir, c->additive, p, d, pace_linear_weight(p, d), a, c->thr, &pc);
        if (pc.status != c->want)
            fail_msg("%s: got %s, wanted %s", c->name, goal_status_name(pc.status), goal_status_name(c->want));
    }
}

static void test_expected_projection(void **state)
{
    (void)state;
    sp_period p = per("2026-01-01..2026-01-10");
    sp_pace_calc pc;
    /* additive, w = 5/10: expected 1000 × 1/2 = 500, projection 450 × 2 = 900,
     * attainment 450/1000 = 0.45 */
    pace_compute(1000, DIR_AT_LEAST, true, p, day("2026-01-05"), pace_linear_weight(p, day("2026-01-05")),
                 qty_int(450), 900000, &pc);
    assert_int_equal(qty_cmp(pc.expected, qty_int(500)), 0);
    assert_int_equal(qty_cmp(pc.projection, qty_int(900)), 0);
    assert_int_equal(qty_cmp(pc.attainment, qty_make(45, 100)), 0);
    /* w = 3/10: expected 300, projection 100 × 10/3 = 333.33… exactly 1000/3 */
    pace_compute(1000, DIR_AT_LEAST, true, p, day("2026-01-03"), pace_linear_weight(p, day("2026-01-03")),
                 qty_int(100), 900000, &pc);
    assert_int_equal(qty_cmp(pc.projection, qty_make(1000, 3)), 0);
    assert_int_equal(qty_round(pc.expected), 300);
    /* non-additive: projection is the actual; expected is the target level */
    pace_compute(400000, DIR_AT_LEAST, false, p, day("2026-01-03"), pace_linear_weight(p, day("2026-01-03")),
                 qty_int(390000), 900000, &pc);
    assert_int_equal(qty_cmp(pc.projection, qty_int(390000)), 0);
    assert_int_equal(qty_cmp(pc.expected, qty_int(400000)), 0);
    /* target 0: attainment undefined */
    pace_compute(0, DIR_AT_MOST, true, p, day("2026-01-03"), pace_linear_weight(p, day("2026-01-03")), qty_int(0),
                 900000, &pc);
    assert_true(pc.attainment.null);
    /* seasonal weight 0 (nothing expected yet): on track, projection null */
    sp_weight w0 = {0, 1};
    pace_compute(1000, DIR_AT_LEAST, true, p, day("2026-01-03"), w0, qty_int(0), 900000, &pc);
    assert_int_equal(pc.status, GOAL_ON_TRACK);
    assert_true(pc.projection.null);
    /* … but an at_most actual already over the target is off track */
    pace_compute(1000, DIR_AT_MOST, true, p, day("2026-01-03"), w0, qty_int(1001), 900000, &pc);
    assert_int_equal(pc.status, GOAL_OFF_TRACK);
}

/* ---- goals over a dataset ---- */

static sp_dataset *g_ds;
static const char *I(const char *s) { return dataset_intern(g_ds, s); }

static void deal(const char *id, const char *created, const char *closed, sp_stage stage, sp_money amount, int prob)
{
    sp_deal d;
    memset(&d, 0, sizeof d);
    d.id = I(id);
    d.customer_id = I("c1");
    d.owner = I("r1");
    d.created_on = day(created);
    d.closed_on = day(closed);
    d.stage = stage;
    d.amount = amount;
    d.probability = (int8_t)prob;
    d.is_new_customer = d.is_renewal = -1;
    dataset_push_deal(g_ds, &d);
}

static void lead(const char *id, const char *created, bool qualified)
{
    sp_lead l;
    memset(&l, 0, sizeof l);
    l.id = I(id);
    l.created_on = day(created);
    l.qualified = qualified;
    dataset_push_lead(g_ds, &l);
}

static sp_goal *add_goal(sp_plan *p, const char *id, sp_metric m, int64_t target, const char *period)
{
    p->goals = xreallocarray(p->goals, p->ngoals + 1, sizeof *p->goals);
    sp_goal *g = &p->goals[p->ngoals++];
    memset(g, 0, sizeof *g);
    g->id = xstrdup(id);
    g->name = xstrdup(id);
    g->metric = m;
    g->target = target;
    g->period_text = xstrdup(period);
    g->period = per(period);
    return g;
}

static sp_plan *fixture_plan(void)
{
    sp_plan *p = plan_new();
    p->id = xstrdup("t");
    p->name = xstrdup("t");
    return p;
}

static void fixture_data(void)
{
    g_ds = dataset_new();
    sp_customer c;
    memset(&c, 0, sizeof c);
    c.id = I("c1");
    c.name = I("c1");
    c.created_on = SP_DAY_NONE;
    dataset_push_customer(g_ds, &c);
    /* last year Q1: 100 yuan in January, 300 in February -> 400 in total */
    deal("ly1", "2024-12-01", "2025-01-10", STAGE_WON, YUAN(100), -1);
    deal("ly2", "2024-12-01", "2025-02-20", STAGE_WON, YUAN(300), -1);
    /* this year: 300 yuan won on 2026-01-15; one open deal 500 yuan at 50 % */
    deal("d1", "2025-12-01", "2026-01-15", STAGE_WON, YUAN(300), -1);
    deal("o1", "2026-01-20", NULL, STAGE_OPEN, YUAN(500), 50);
    /* qualified leads: Jan 2, Feb 1, Mar 2 (+1 unqualified) */
    lead("l1", "2026-01-03", true);
    lead("l2", "2026-01-04", true);
    lead("l3", "2026-02-05", true);
    lead("l4", "2026-03-01", true);
    lead("l5", "2026-03-02", true);
    lead("l6", "2026-03-03", false);
    dataset_index(g_ds);
}

static const sp_goal_pace *find(const sp_goal_pace *v, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].goal->id, id) == 0) return &v[i];
    fail_msg("no goal %s", id);
    return NULL;
}

static void evaluate(sp_plan *p, sp_day as_of, const sp_actual *manual, size_t nmanual, sp_goal_pace **v, size_t *n)
{
    sp_tier_level *tiers;
    size_t nt;
    tiers_from_plan(p, &tiers, &nt);
    sp_load_spec spec;
    pace_load_spec(p, tiers, nt, as_of, &spec);
    if (p->pacing == PACING_SEASONAL && p->ngoals && p->goals[0].metric == MET_REVENUE) {
        /* seasonal pacing needs last year's same period loaded */
        assert_true(spec.want[TBL_DEALS]);
        assert_true(spec.from[TBL_DEALS] <= day_add_years(p->goals[0].period.first, -1));
    }
    sp_pace_ctx c = {p, g_ds, tiers, nt, manual, nmanual, as_of};
    sp_err err = SP_ERR_INIT;
    if (!pace_evaluate(&c, v, n, &err)) fail_msg("%s", buf_cstr(&err.msg));
    err_free(&err);
    free(tiers);
}

/* A pace beyond the int64 range is an error naming the goal, never a
 * silent null or a wrapped number; percentages of huge ratios do not wrap. */
static void test_pace_overflow(void **state)
{
    (void)state;
    buf_t o = BUF_INIT;
    /* INT64_MAX / 1 as a percentage: 922337203685477580700.0 % (the old
     * num / den × 100 wrapped) */
    qty_pct_display(qty_int(INT64_MAX), &o);
    assert_string_equal(buf_cstr(&o), "922337203685477580700.0%");
    buf_clear(&o);
    /* 1/3 = 33.333… % -> 33.3 %; -1/8 = -12.5 % */
    qty_pct_display(qty_make(1, 3), &o);
    assert_string_equal(buf_cstr(&o), "33.3%");
    buf_clear(&o);
    qty_pct_display(qty_make(-1, 8), &o);
    assert_string_equal(buf_cstr(&o), "-12.5%");
    buf_free(&o);

    /* a won deal of 2^62 fen on 2026-01-01, as of that day: w = 1/365 of
     * 2026, projection = 2^62 × 365 > INT64_MAX */
    g_ds = dataset_new();
    sp_customer c;
    memset(&c, 0, sizeof c);
    c.id = I("c1");
    c.name = I("c1");
    c.created_on = SP_DAY_NONE;
    dataset_push_customer(g_ds, &c);
    deal("big", "2025-12-01", "2026-01-01", STAGE_WON, INT64_C(1) << 62, -1);
    dataset_index(g_ds);
    sp_plan *p = fixture_plan();
    add_goal(p, "rev", MET_REVENUE, YUAN(1000000), "2026");
    sp_tier_level *tiers;
    size_t nt;
    tiers_from_plan(p, &tiers, &nt);
    sp_pace_ctx ctx = {p, g_ds, tiers, nt, NULL, 0, day("2026-01-01")};
    sp_err err = SP_ERR_INIT;
    sp_goal_pace *v = NULL;
    size_t n = 0;
    assert_false(pace_evaluate(&ctx, &v, &n, &err));
    assert_int_equal(err.cls, SP_EINVAL);
    assert_non_null(strstr(buf_cstr(&err.msg), "rev"));
    err_free(&err);
    /* at the end of the year w = 1: the projection is the actual, it fits */
    ctx.as_of = day("2026-12-31");
    assert_true(pace_evaluate(&ctx, &v, &n, &err));
    assert_int_equal(qty_round(v[0].projection), INT64_C(1) << 62);
    goal_paces_free(v, n);
    err_free(&err);
    free(tiers);
    plan_free(p);
    dataset_free(g_ds);
    g_ds = NULL;
}

static void test_seasonal_goal(void **state)
{
    (void)state;
    fixture_data();
    sp_plan *p = fixture_plan();
    p->pacing = PACING_SEASONAL;
    add_goal(p, "rev", MET_REVENUE, YUAN(1000), "2026-Q1");
    sp_goal_pace *v;
    size_t n;
    /* D = 2026-01-31; last year by 2025-01-31: 100 of 400 -> w = 1/4.
     * actual 300 yuan -> projection 1200 >= 1000: on track; expected 250. */
    evaluate(p, day("2026-01-31"), NULL, 0, &v, &n);
    const sp_goal_pace *r = find(v, n, "rev");
    assert_int_equal(r->pacing, PACING_SEASONAL);
    assert_int_equal(r->w.num * 4, r->w.den);
    assert_int_equal(qty_round(r->actual), YUAN(300));
    assert_int_equal(qty_round(r->expected), YUAN(250));
    assert_int_equal(qty_round(r->projection), YUAN(1200));
    assert_int_equal(r->status, GOAL_ON_TRACK);
    /* revenue extras: pipeline 500, weighted 250; remainder 700 ->
     * coverage 5/7; forecast 300 + 250 = 550 */
    assert_true(r->is_revenue);
    assert_int_equal(qty_round(r->pipeline), YUAN(500));
    assert_int_equal(qty_cmp(r->pipeline_coverage, qty_make(5, 7)), 0);
    assert_int_equal(qty_round(r->forecast), YUAN(550));
    goal_paces_free(v, n);

    /* linear at the same date: w = 31/90, projection 300 × 90/31 = 870.97
     * -> 87.1 % of T, under 90 %: off track */
    p->pacing = PACING_LINEAR;
    evaluate(p, day("2026-01-31"), NULL, 0, &v, &n);
    r = find(v, n, "rev");
    assert_int_equal(r->pacing, PACING_LINEAR);
    assert_int_equal(r->w.num, 31);
    assert_int_equal(r->w.den, 90);
    assert_int_equal(qty_round(r->projection), 87097); /* 30000 × 90 / 31 = 87096.77 fen */
    assert_int_equal(r->status, GOAL_OFF_TRACK);
    goal_paces_free(v, n);
    plan_free(p);

    /* seasonal without history (2027: nothing in 2026-Q1's year before? use
     * Q2, where last year has no deal) falls back to linear */
    p = fixture_plan();
    p->pacing = PACING_SEASONAL;
    add_goal(p, "rev2", MET_REVENUE, YUAN(1000), "2026-Q2");
    evaluate(p, day("2026-05-01"), NULL, 0, &v, &n);
    assert_int_equal(find(v, n, "rev2")->pacing, PACING_LINEAR);
    goal_paces_free(v, n);
    plan_free(p);
    dataset_free(g_ds);
}

static void test_coverage_zero_remainder(void **state)
{
    (void)state;
    fixture_data();
    sp_plan *p = fixture_plan();
    add_goal(p, "rev", MET_REVENUE, YUAN(300), "2026-Q1"); /* already reached */
    sp_goal_pace *v;
    size_t n;
    evaluate(p, day("2026-02-01"), NULL, 0, &v, &n);
    const sp_goal_pace *r = find(v, n, "rev");
    assert_true(r->pipeline_coverage.null);
    assert_int_equal(r->status, GOAL_ON_TRACK);
    goal_paces_free(v, n);
    /* after P: pipeline no longer counts, forecast = actual, achieved */
    evaluate(p, day("2026-04-01"), NULL, 0, &v, &n);
    r = find(v, n, "rev");
    assert_int_equal(r->status, GOAL_ACHIEVED);
    assert_int_equal(qty_round(r->forecast), YUAN(300));
    goal_paces_free(v, n);
    plan_free(p);
    dataset_free(g_ds);
}

static void test_per_month(void **state)
{
    (void)state;
    fixture_data();
    sp_plan *p = fixture_plan();
    sp_goal *g = add_goal(p, "ql", MET_QUALIFIED_LEADS, 2, "2026-Q1");
    g->per_month = true;
    sp_goal *h = add_goal(p, "ql-max", MET_QUALIFIED_LEADS, 1, "2026-Q1");
    h->per_month = true;
    h->direction = DIR_AT_MOST;
    sp_goal_pace *v;
    size_t n;
    /* D = 2026-03-15: Jan 2 (met), Feb 1 (not), Mar 2 so far (met already) */
    evaluate(p, day("2026-03-15"), NULL, 0, &v, &n);
    const sp_goal_pace *r = find(v, n, "ql");
    assert_int_equal(r->nmonths, 3);
    assert_int_equal(r->months[0].met, 1);
    assert_int_equal(r->months[1].met, 0);
    assert_int_equal(r->months[2].met, 1);
    assert_int_equal(r->months_met, 2);
    assert_int_equal(qty_round(r->actual), 2);
    /* current month March: w = 15/31; projection 2 × 31/15 = 4.13 >= 2 */
    assert_int_equal(r->status, GOAL_ON_TRACK);
    assert_int_equal(r->current.first, day("2026-03-01"));
    /* at_most 1 a month: Jan 2 (no), Feb 1 (yes), Mar 2 so far (already no) */
    const sp_goal_pace *m = find(v, n, "ql-max");
    assert_int_equal(m->months[0].met, 0);
    assert_int_equal(m->months[1].met, 1);
    assert_int_equal(m->months[2].met, 0);
    assert_int_equal(m->months_met, 1);
    assert_int_equal(m->status, GOAL_OFF_TRACK);
    goal_paces_free(v, n);
    /* D = 2026-02-10: March has not started; Feb in progress with 1 of 2:
     * undecided */
    evaluate(p, day("2026-02-10"), NULL, 0, &v, &n);
    r = find(v, n, "ql");
    assert_int_equal(r->nmonths, 2);
    assert_int_equal(r->months[1].met, -1);
    assert_int_equal(r->months_met, 1);
    goal_paces_free(v, n);
    /* after P: not every month met -> missed */
    evaluate(p, day("2026-04-01"), NULL, 0, &v, &n);
    assert_int_equal(find(v, n, "ql")->status, GOAL_MISSED);
    assert_int_equal(find(v, n, "ql")->months_met, 2);
    goal_paces_free(v, n);
    /* before P */
    evaluate(p, day("2025-12-31"), NULL, 0, &v, &n);
    assert_int_equal(find(v, n, "ql")->status, GOAL_NOT_STARTED);
    assert_int_equal(find(v, n, "ql")->nmonths, 0);
    goal_paces_free(v, n);
    plan_free(p);
    dataset_free(g_ds);
}

static void test_manual_and_children(void **state)
{
    (void)state;
    fixture_data();
    sp_plan *p = fixture_plan();
    add_goal(p, "nps", MET_MANUAL, 5000, "2026-Q1"); /* 50.00 */
    sp_goal *par = add_goal(p, "rev", MET_REVENUE, YUAN(1000), "2026-Q1");
    par->children = xcalloc(2, sizeof *par->children);
    par->nchildren = 2;
    const char *ids[2] = {"rev-jan", "rev-feb"};
    const char *pers[2] = {"2026-01", "2026-02"};
    for (int i = 0; i < 2; i++) {
        sp_goal *c = &par->children[i];
        c->id = xstrdup(ids[i]);
        c->name = xstrdup(ids[i]);
        c->metric = MET_REVENUE;
        c->target = YUAN(500);
        c->period_text = xstrdup(pers[i]);
        c->period = per(pers[i]);
        c->parent = par;
    }
    /* manual actuals: 40.00 on 01-10, 60.00 on 02-10, 70.00 on 02-20 (after D) */
    sp_actual acts[3] = {{(char *)"nps", day("2026-01-10"), 4000},
                         {(char *)"nps", day("2026-02-10"), 6000},
                         {(char *)"nps", day("2026-02-20"), 7000}};
    sp_goal_pace *v;
    size_t n;
    evaluate(p, day("2026-02-15"), acts, 3, &v, &n);
    assert_int_equal(n, 4);
    const sp_goal_pace *m = find(v, n, "nps");
    assert_int_equal(qty_round(m->actual), 6000);
    assert_int_equal(m->status, GOAL_ON_TRACK); /* non-additive: 60 >= 50 */
    /* children follow their parent, with parent index and depth */
    assert_string_equal(v[1].goal->id, "rev");
    assert_string_equal(v[2].goal->id, "rev-jan");
    assert_int_equal(v[2].parent, 1);
    assert_int_equal(v[2].depth, 1);
    assert_int_equal(v[3].parent, 1);
    /* Jan is over: 300 of 500 -> missed; Feb: nothing yet, 15/28 elapsed */
    assert_int_equal(find(v, n, "rev-jan")->status, GOAL_MISSED);
    assert_int_equal(find(v, n, "rev-feb")->status, GOAL_OFF_TRACK);
    goal_paces_free(v, n);
    plan_free(p);
    dataset_free(g_ds);
}

/* ---- funnel ---- */

static sp_funnel_in funnel_base(void)
{
    sp_funnel_in in;
    memset(&in, 0, sizeof in);
    in.target = YUAN(1200000);
    in.actual = 0;
    in.months_left = 12;
    in.won_deals = 10;
    in.lost_deals = 10;
    in.won_amount = YUAN(1000000);
    in.leads = 100;
    in.leads_with_opp = 40;
    in.qualified_leads = 50;
    in.visits = 50;
    in.has_qualified_goal = true;
    in.qualified_goal = 2;
    in.visit_capacity = 4;
    return in;
}

/* what-if: the same chain with changed rates (SPEC-less extension of §7,
 * issue 6.21). funnel_base: avg 100,000 yuan, win rate 1/2, conversion
 * 0.4, qualified share 0.5, 5 visits per won deal, 1 deal a month. */
static void test_funnel_whatif(void **state)
{
    (void)state;
    sp_funnel_in in = funnel_base();
    sp_funnel_out o, w;
    funnel_compute(&in, &o);
    sp_funnel_whatif wi;
    memset(&wi, 0, sizeof wi);
    sp_err err = SP_ERR_INIT;
    assert_true(funnel_whatif_add(&wi, "win_rate=+10pp", &err));
    assert_true(funnel_whatif_add(&wi, "avg_deal_size=+25%", &err));
    assert_true(funnel_whatif(&in, &o, &wi, &w, &err));
    /* avg 125,000: 1.2M / 125k / 12 = 0.8 deals; win 0.6: 0.8 / 0.6 =
     * 1.3333 opportunities; / 0.4 = 3.3333 leads; × 0.5 = 1.6667
     * qualified; visits 0.8 × 5 = 4 */
    assert_int_equal(w.avg_deal_size, YUAN(125000));
    assert_true(fabs(w.win_rate - 0.6) < 1e-12);
    assert_true(fabs(w.deals - 0.8) < 1e-9);
    assert_true(fabs(w.opportunities - 0.8 / 0.6) < 1e-9);
    assert_true(fabs(w.leads - 0.8 / 0.6 / 0.4) < 1e-9);
    assert_true(fabs(w.qualified_leads - 0.8 / 0.6 / 0.4 * 0.5) < 1e-9);
    assert_true(fabs(w.visits - 4.0) < 1e-9);
    /* the current funnel is untouched */
    assert_true(fabs(o.deals - 1.0) < 1e-9 && fabs(o.opportunities - 2.0) < 1e-9);
    /* the same rate twice, and unknown rates, are refused */
    assert_false(funnel_whatif_add(&wi, "win_rate=30%", &err));
    assert_int_equal(err.cls, SP_EUSAGE);
    err_free(&err);
    sp_funnel_whatif w2;
    memset(&w2, 0, sizeof w2);
    assert_false(funnel_whatif_add(&w2, "margin=+1pp", &err));
    err_free(&err);
    assert_false(funnel_whatif_add(&w2, "avg_deal_size=+1pp", &err));
    err_free(&err);
    /* absolute: conversion 0.5 -> 2 / 0.5 = 4 leads */
    assert_true(funnel_whatif_add(&w2, "lead_conversion_rate=0.5", &err));
    assert_true(funnel_whatif(&in, &o, &w2, &w, &err));
    assert_true(fabs(w.leads - 4.0) < 1e-9);
    /* +60pp on a win rate of 50 % leaves 0..100 %: an error */
    sp_funnel_whatif w3;
    memset(&w3, 0, sizeof w3);
    assert_true(funnel_whatif_add(&w3, "win_rate=+60pp", &err));
    assert_false(funnel_whatif(&in, &o, &w3, &w, &err));
    assert_int_equal(err.cls, SP_EINVAL);
    err_free(&err);
}

static void test_funnel_math(void **state)
{
    (void)state;
    sp_funnel_in in = funnel_base();
    sp_funnel_out o;
    funnel_compute(&in, &o);
    /* avg 1,000,000 / 10 = 100,000 yuan; 1.2M / 100k / 12 = 1 deal a month;
     * win rate 1/2 -> 2 opportunities; conversion 0.4 -> 5 leads; qualified
     * share 0.5 -> 2.5 qualified leads; 5 visits per won deal -> 5 visits */
    assert_int_equal(o.missing, 0);
    assert_int_equal(o.remaining, YUAN(1200000));
    assert_int_equal(o.avg_deal_size, YUAN(100000));
    assert_true(fabs(o.deals - 1.0) < 1e-9);
    assert_true(fabs(o.opportunities - 2.0) < 1e-9);
    assert_true(fabs(o.leads - 5.0) < 1e-9);
    assert_true(fabs(o.qualified_leads - 2.5) < 1e-9);
    assert_true(fabs(o.visits - 5.0) < 1e-9);
    assert_true(o.has_qualified_gap && fabs(o.qualified_gap - 0.5) < 1e-9);
    assert_false(o.has_visits_gap);
    assert_true(o.has_capacity_gap && fabs(o.capacity_gap - 1.0) < 1e-9);

    /* half a month left counts as one; actual 600k leaves 600k: 6 deals */
    in.months_left = 0.5;
    in.actual = YUAN(600000);
    funnel_compute(&in, &o);
    assert_true(fabs(o.months_left - 1.0) < 1e-9);
    assert_true(fabs(o.deals - 6.0) < 1e-9);

    /* nothing remaining: nothing needed, even with gaps in the history */
    in = funnel_base();
    in.actual = YUAN(2000000);
    in.won_deals = 0;
    in.won_amount = 0;
    funnel_compute(&in, &o);
    assert_int_equal(o.remaining, 0);
    assert_true(o.has_deals && o.deals == 0);
    assert_true(o.missing & FUNNEL_NO_WON);
}

static void test_funnel_missing(void **state)
{
    (void)state;
    sp_funnel_in in = funnel_base();
    sp_funnel_out o;
    in.won_deals = 0;
    in.won_amount = 0;
    funnel_compute(&in, &o);
    assert_true(o.missing & FUNNEL_NO_WON);
    assert_true(o.missing & FUNNEL_NO_VISITS);
    assert_false(o.has_deals);
    assert_false(o.has_opportunities);
    assert_false(o.has_visits);
    assert_non_null(strstr(funnel_missing_text(FUNNEL_NO_WON), "average deal size"));

    in = funnel_base();
    in.won_deals = 10;
    in.lost_deals = 0; /* win rate 1: fine */
    funnel_compute(&in, &o);
    assert_false(o.missing & FUNNEL_NO_CLOSED);
    assert_true(fabs(o.opportunities - 1.0) < 1e-9);

    in = funnel_base();
    in.leads = 0;
    in.leads_with_opp = 0;
    in.qualified_leads = 0;
    funnel_compute(&in, &o);
    assert_true(o.missing & FUNNEL_NO_LEADS);
    assert_true(o.has_opportunities);
    assert_false(o.has_leads);
    assert_false(o.has_qualified_gap);

    in = funnel_base();
    in.leads_with_opp = 0;
    funnel_compute(&in, &o);
    assert_true(o.missing & FUNNEL_NO_CONVERSION);
    assert_false(o.has_qualified);

    in = funnel_base();
    in.months_left = 0;
    funnel_compute(&in, &o);
    assert_true(o.missing & FUNNEL_PERIOD_OVER);
    assert_false(o.has_deals);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qty),
        cmocka_unit_test(test_linear_weight),
        cmocka_unit_test(test_seasonal_weight),
        cmocka_unit_test(test_status_table),
        cmocka_unit_test(test_expected_projection),
        cmocka_unit_test(test_seasonal_goal),
        cmocka_unit_test(test_pace_overflow),
        cmocka_unit_test(test_coverage_zero_remainder),
        cmocka_unit_test(test_per_month),
        cmocka_unit_test(test_manual_and_children),
        cmocka_unit_test(test_funnel_math),
        cmocka_unit_test(test_funnel_whatif),
        cmocka_unit_test(test_funnel_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
