/*
 * test_metrics.c — the metric engine (core/metrics.c) on hand-built
 * datasets, and the kpi renderers (io/kpi_out.c, io/table_out.c).
 *
 * Every expected number is worked out by hand in the comments from SPEC §6,
 * not copied from the engine's output. Money is in fen (1 yuan = 100).
 * The main fixture is "Q1 2026 as of 2026-03-15" (P = 2026-Q1, D = 03-15).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "io/out.h"

#define YUAN(x) ((sp_money)(x) * 100)
#define WAN(x) ((sp_money)(x) * 1000000) /* 1万 yuan in fen */

static sp_dataset *g;

static const char *I(const char *s) { return dataset_intern(g, s); }

static sp_day day(const char *s)
{
    if (!s || !*s) return SP_DAY_NONE;
    sp_day d;
    const char *why;
    if (!date_parse(s, &d, &why)) fail_msg("bad date %s", s);
    return d;
}

static void rep(const char *id, const char *team, sp_role role, bool active, const char *region)
{
    sp_rep r = {I(id), I(id), I(team), I(region), NULL, role, active, NULL};
    dataset_push_rep(g, &r);
}

static void cust(const char *id, const char *region, const char *industry, sp_size size, const char *owner)
{
    sp_customer c = {I(id), I(id), I(region), I(industry), I(owner), size, SP_DAY_NONE};
    dataset_push_customer(g, &c);
}

/* deal: cost < 0 means no cost; prob -1 empty; isnew / renew -1 unknown */
static void deal(const char *id, const char *cu, const char *owner, const char *product, const char *created,
                 const char *closed, sp_stage stage, sp_money amount, sp_money cost, int prob, int isnew, int renew)
{
    sp_deal d = {0};
    d.id = I(id);
    d.customer_id = I(cu);
    d.owner = I(owner);
    d.product = I(product);
    d.created_on = day(created);
    d.closed_on = day(closed);
    d.stage = stage;
    d.amount = amount;
    d.has_cost = cost >= 0;
    d.cost = cost >= 0 ? cost : 0;
    d.probability = (int8_t)prob;
    d.is_new_customer = (sp_tri)isnew;
    d.is_renewal = (sp_tri)renew;
    dataset_push_deal(g, &d);
}

static void lead(const char *id, const char *created, const char *source, const char *region, const char *owner,
                 bool qualified, const char *opp)
{
    sp_lead l = {I(id), I(source), I(region), NULL, I(owner), I(opp), SIZE_NONE, day(created), qualified};
    dataset_push_lead(g, &l);
}

static void act(const char *id, const char *on, const char *repid, const char *cu, sp_actkind kind)
{
    sp_activity a = {I(id), I(repid), I(cu), day(on), kind};
    dataset_push_activity(g, &a);
}

static void inv(const char *id, const char *cu, const char *issued, const char *due, sp_money amount, sp_money paid,
                const char *paid_on)
{
    sp_invoice v = {I(id), NULL, I(cu), day(issued), day(due), day(paid_on), amount, paid};
    dataset_push_invoice(g, &v);
}

static void spend(const char *id, const char *on, const char *cat, sp_money amount, const char *strategy)
{
    sp_spend s = {I(id), I(cat), I(strategy), NULL, NULL, day(on), amount};
    dataset_push_spend(g, &s);
}

/* The main fixture (see the file comment). */
static int setup_main(void **state)
{
    (void)state;
    g = dataset_new();
    rep("r1", "A", ROLE_REP, true, "华东");
    rep("r2", "A", ROLE_REP, true, "华北");
    rep("r3", "B", ROLE_REP, false, NULL);   /* inactive */
    rep("r4", "B", ROLE_LEADER, true, NULL); /* not role rep */
    rep("r5", "B", ROLE_REP, true, NULL);

    cust("c1", "华东", "制造", SIZE_LARGE, "r1");
    cust("c2", "华北", "零售", SIZE_SMALL, "r2");
    cust("c3", "华东", "零售", SIZE_MEDIUM, "r1");
    cust("c4", NULL, NULL, SIZE_NONE, "r5"); /* unknown region */
    cust("c5", "华南", NULL, SIZE_NONE, "r5");

    deal("d1", "c1", "r1", "X", "2025-11-01", "2026-01-10", STAGE_WON, YUAN(1000), YUAN(600), -1, -1, 0);
    deal("d2", "c1", "r1", "Y", "2025-12-01", "2026-02-20", STAGE_WON, 50050, -1, -1, 0, 0);
    deal("d3", "c2", "r2", "X", "2026-01-05", "2026-03-10", STAGE_WON, YUAN(2000), YUAN(1500), -1, 1, 0);
    deal("d4", "c2", "r2", "X", "2026-01-01", "2026-03-20", STAGE_WON, YUAN(999), -1, 90, -1, 0); /* closes after D */
    deal("d5", "c3", "r1", "Y", "2026-02-01", "2026-02-15", STAGE_LOST, YUAN(300), -1, -1, -1, 0);
    deal("d6", "c4", "r5", "X", "2026-01-01", "2026-01-31", STAGE_WON, YUAN(100), -1, -1, -1, 0);
    deal("d7", "c4", "r5", "X", "2025-05-01", "2025-06-01", STAGE_WON, YUAN(250), -1, -1, -1, 0);
    deal("d8", "c3", "r1", "Y", "2026-03-01", NULL, STAGE_OPEN, YUAN(800), -1, 30, -1, 0);
    deal("d9", "c5", "r5", "Y", "2026-03-16", NULL, STAGE_OPEN, YUAN(700), -1, 50, -1, 0); /* created after D */
    deal("d10", "c5", "r5", "Y", "2026-01-10", NULL, STAGE_OPEN, YUAN(400), -1, -1, -1, 0);

    lead("l1", "2026-01-10", "web", "华东", "r1", true, "d1");
    lead("l2", "2026-02-10", "web", "华北", "r2", false, NULL);
    lead("l3", "2026-03-14", "event", NULL, "r1", true, NULL);
    lead("l4", "2026-03-16", "web", "华东", "r1", true, "d9"); /* after D */
    lead("l5", "2025-12-31", "web", "华东", "r1", true, NULL); /* before P */

    act("a1", "2026-01-05", "r1", "c1", ACT_VISIT);
    act("a2", "2026-01-06", "r1", "c1", ACT_VISIT);
    act("a3", "2026-02-10", "r2", "c2", ACT_CALL);
    act("a4", "2026-03-15", "r2", "c2", ACT_VISIT);
    act("a5", "2026-03-16", "r1", "c3", ACT_VISIT); /* after D */
    act("a6", "2026-02-01", "r5", "c4", ACT_VISIT);
    act("a7", "2026-02-02", "r1", NULL, ACT_MEETING);

    inv("i1", "c1", "2026-01-01", "2026-01-15", YUAN(1000), YUAN(1000), "2026-01-20");
    inv("i2", "c1", "2026-01-01", "2026-02-01", YUAN(500), YUAN(200), "2026-02-05");  /* partial */
    inv("i3", "c2", "2026-01-01", "2026-02-10", YUAN(300), YUAN(400), "2026-02-10");  /* over-paid */
    inv("i4", "c2", "2026-01-01", "2026-03-01", YUAN(800), YUAN(800), "2026-03-20");  /* paid after D */
    inv("i5", "c3", "2026-01-01", "2026-03-10", YUAN(100), 0, NULL);                  /* unpaid */
    inv("i6", "c3", "2026-01-01", "2026-03-20", YUAN(999), 0, NULL);                  /* due after D */
    inv("i7", "c4", "2025-12-01", "2025-12-20", YUAN(50), YUAN(50), "2026-01-05");    /* due before P */
    inv("i8", "c5", "2026-01-01", "2026-01-31", YUAN(200), YUAN(200), NULL);          /* paid, no date */

    spend("s1", "2026-01-10", "marketing", YUAN(1000), "st1");
    spend("s2", "2026-02-10", "travel", 25025, "st2");
    spend("s3", "2026-03-16", "marketing", YUAN(500), "st1"); /* after D */
    dataset_index(g);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dataset_free(g);
    g = NULL;
    return 0;
}

/* ---- running a query ---- */

typedef struct run {
    sp_kpi_query q;
    sp_kpi_result res;
    sp_err err;
    sp_tier_level *tiers;
    sp_filter_kv kv[8];
    bool ok;
} run_t;

/* query: metric over period text as of date; where "k=v;k=v", by "a,b". */
static run_t *query(sp_metric m, const char *period, const char *asof, const char *where, const char *by,
                    bool explain)
{
    run_t *r = calloc(1, sizeof *r);
    sp_err e = SP_ERR_INIT;
    r->err = e;
    const char *why;
    assert_true(period_parse(period, 1, &r->q.period, &why));
    r->q.period_text = period;
    r->q.metric = m;
    r->q.as_of = day(asof);
    r->q.explain = explain;
    size_t nt;
    tiers_from_plan(NULL, &r->tiers, &nt);
    r->q.tiers = r->tiers;
    r->q.ntiers = nt;
    if (where) {
        char *w = strdup(where), *save = NULL;
        for (char *t = strtok_r(w, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
            char *eq = strchr(t, '=');
            assert_non_null(eq);
            *eq = 0;
            int d = dim_from_name(t);
            assert_true(d >= 0);
            r->kv[r->q.where.n].dim = (sp_dim)d;
            r->kv[r->q.where.n].value = strdup(eq + 1);
            r->q.where.n++;
        }
        free(w);
    }
    r->q.where.kv = r->kv;
    if (by) {
        char *b = strdup(by), *save = NULL;
        for (char *t = strtok_r(b, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            int k = bykey_from_name(t);
            assert_true(k >= 0);
            r->q.by[r->q.nby++] = (sp_bykey)k;
        }
        free(b);
    }
    r->ok = kpi_compute(g, &r->q, &r->res, &r->err);
    return r;
}

static void done(run_t *r)
{
    for (size_t i = 0; i < r->q.where.n; i++) free(r->kv[i].value);
    kpi_result_free(&r->res);
    err_free(&r->err);
    free(r->tiers);
    free(r);
}

static run_t *ok_query(sp_metric m, const char *period, const char *asof, const char *where, const char *by)
{
    run_t *r = query(m, period, asof, where, by, false);
    if (!r->ok) fail_msg("query failed: %s", buf_cstr(&r->err.msg));
    return r;
}

static void expect_int(const sp_kpi_value *v, int64_t want)
{
    assert_false(v->null);
    assert_int_equal(v->ival, want);
}

static void expect_ratio(const sp_kpi_value *v, double want)
{
    assert_false(v->null);
    assert_true(v->den != 0);
    double got = v->num / v->den;
    if (fabs(got - want) > 1e-12) fail_msg("ratio %.15g, wanted %.15g", got, want);
}

/* row: the row whose labels are k0, k1 (NULL: not compared). */
static const sp_kpi_row *row(const run_t *r, const char *k0, const char *k1)
{
    for (size_t i = 0; i < r->res.nrows; i++) {
        const sp_kpi_row *x = &r->res.rows[i];
        if (k0 && strcmp(x->key[0], k0) != 0) continue;
        if (k1 && strcmp(x->key[1], k1) != 0) continue;
        return x;
    }
    fail_msg("no row %s/%s", k0 ? k0 : "-", k1 ? k1 : "-");
    return NULL;
}

/* ---- deal metrics ---- */

static void test_revenue_and_counts(void **state)
{
    (void)state;
    /* won, closed in [01-01, 03-15]: d1 1000 + d2 500.50 + d3 2000 + d6 100
     * = 3600.50; d4 closes 03-20 (after D), d5 lost, d7 in 2025. */
    run_t *r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 360050);
    assert_int_equal(r->res.nrows, 1); /* no --by: one row with the total */
    expect_int(&r->res.rows[0].value, 360050);
    done(r);
    r = ok_query(MET_DEALS_WON, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 4);
    done(r);
    /* as of 03-31 d4 counts too: 3600.50 + 999 = 4599.50 */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-31", NULL, NULL);
    expect_int(&r->res.total, 459950);
    done(r);
    /* avg: 360050 / 4 = 90012.5 fen -> 90013 (half away from zero) */
    r = ok_query(MET_AVG_DEAL_SIZE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 90013);
    done(r);
    /* no won deal in 2026-04 -> null, never a division */
    r = ok_query(MET_AVG_DEAL_SIZE, "2025-04", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
}

static void test_win_rate_cycle_margin(void **state)
{
    (void)state;
    /* won d1 d2 d3 d6, lost d5 -> 4/5 */
    run_t *r = ok_query(MET_WIN_RATE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 0.8);
    done(r);
    /* cycle: d1 11-01..01-10 = 70, d2 12-01..02-20 = 81, d3 01-05..03-10 = 64,
     * d6 01-01..01-31 = 30; (70+81+64+30)/4 = 61.25 */
    r = ok_query(MET_SALES_CYCLE_DAYS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 61.25);
    done(r);
    /* margin over won deals with a cost: d1 (1000, 600), d3 (2000, 1500):
     * 1 - 2100/3000 = 0.3; d2 and d6 have no cost and are left out */
    r = ok_query(MET_GROSS_MARGIN, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 0.3);
    done(r);
    /* February: only d2 (no cost) -> null */
    r = ok_query(MET_GROSS_MARGIN, "2026-02", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
    /* empty period after D: nothing closed -> null */
    r = ok_query(MET_WIN_RATE, "2026-Q2", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
}

static void test_new_customers(void **state)
{
    (void)state;
    /* first won deal ever (closed <= D): c1 -> d1 (01-10), c2 -> d3 (03-10;
     * d4 closes after D), c4 -> d7 (2025). c3, c5 none. In Q1: c1, c2 = 2 */
    run_t *r = ok_query(MET_NEW_CUSTOMERS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 2);
    done(r);
    /* the first deal is the record: d1 is product X owned by r1, d3 X by r2 */
    r = ok_query(MET_NEW_CUSTOMERS, "2026-Q1", "2026-03-15", "product=Y", NULL);
    expect_int(&r->res.total, 0);
    done(r);
    r = ok_query(MET_NEW_CUSTOMERS, "2026-Q1", "2026-03-15", NULL, "rep");
    expect_int(&row(r, "r1", NULL)->value, 1);
    expect_int(&row(r, "r2", NULL)->value, 1);
    expect_int(&row(r, "r5", NULL)->value, 0); /* c4's first deal was in 2025 */
    done(r);
    /* new_customer_revenue: d1 (flag empty, c1's first) 1000 + d3 (flag 1)
     * 2000 = 3000; d2 flag 0; d6 flag empty but c4's first is d7 */
    r = ok_query(MET_NEW_CUSTOMER_REVENUE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, YUAN(3000));
    done(r);
    r = ok_query(MET_NEW_CUSTOMER_REVENUE_SHARE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 300000.0 / 360050.0);
    done(r);
    r = ok_query(MET_NEW_CUSTOMER_REVENUE_SHARE, "2026-Q2", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
}

static void test_first_deal_ties(void **state)
{
    (void)state;
    g = dataset_new();
    cust("x", "华东", NULL, SIZE_NONE, "r1");
    cust("y", "华东", NULL, SIZE_NONE, "r1");
    /* x: two won deals on the same day; the first by id is "dA" */
    deal("dB", "x", "r1", "P2", "2026-01-01", "2026-01-10", STAGE_WON, YUAN(100), -1, -1, -1, -1);
    deal("dA", "x", "r1", "P1", "2026-01-01", "2026-01-10", STAGE_WON, YUAN(200), -1, -1, -1, -1);
    /* y: its first won deal says is_new_customer = 0: not new revenue, but
     * y is still a new customer (first won deal ever in P) */
    deal("y1", "y", "r1", "P1", "2026-01-01", "2026-02-01", STAGE_WON, YUAN(50), -1, -1, 0, -1);
    dataset_index(g);
    run_t *r = ok_query(MET_NEW_CUSTOMER_REVENUE, "2026-Q1", "2026-03-31", NULL, NULL);
    expect_int(&r->res.total, YUAN(200)); /* dA only */
    done(r);
    r = ok_query(MET_NEW_CUSTOMERS, "2026-Q1", "2026-03-31", NULL, "product");
    expect_int(&r->res.total, 2);
    expect_int(&row(r, "P1", NULL)->value, 2); /* dA and y1 are both P1 */
    assert_int_equal(r->res.nrows, 1);        /* P2 never occurs as a first deal */
    done(r);
    dataset_free(g);
    g = NULL;
}

static void test_pipeline(void **state)
{
    (void)state;
    /* open on 03-15: d4 (won 03-20 > D) 999, d8 800, d10 400; d9 created
     * after D does not exist -> 2199.00 */
    run_t *r = ok_query(MET_PIPELINE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, YUAN(2199));
    done(r);
    /* weighted: 99900*90 + 80000*30 + 40000*0 (empty) = 11391000 / 100 =
     * 113910 fen */
    r = ok_query(MET_WEIGHTED_PIPELINE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 113910);
    done(r);
    /* by month: open at the end of each month (03: at D).
     * 01-31: d1 (closes 01-10) no; d2 (created 12-01, closes 02-20) 500.50;
     *        d3 (01-05..03-10) 2000; d4 (01-01..03-20) 999; d5 not yet
     *        created; d6 closes 01-31 -> not open; d10 400 -> 3899.50
     * 02-28: d3 2000, d4 999, d10 400 (d5 closed 02-15, d2 02-20) -> 3399
     * 03-15: 2199 */
    r = ok_query(MET_PIPELINE, "2026-Q1", "2026-03-15", NULL, "month");
    assert_int_equal(r->res.nrows, 3);
    expect_int(&row(r, "2026-01", NULL)->value, 389950);
    expect_int(&row(r, "2026-02", NULL)->value, YUAN(3399));
    expect_int(&row(r, "2026-03", NULL)->value, YUAN(2199));
    expect_int(&r->res.total, YUAN(2199));
    done(r);
}

/* ---- filters and breakdowns ---- */

static void test_filters(void **state)
{
    (void)state;
    struct {
        const char *where;
        int64_t want;
    } t[] = {
        {"region=华东", 150050},                    /* c1: d1 + d2 */
        {"region=华东;region=华北", 350050},        /* same key twice = OR: + d3 */
        {"team=A", 350050},                         /* r1, r2 */
        {"team=B", 10000},                          /* r5: d6 */
        {"region=华东;product=X", 100000},          /* different keys = AND */
        {"rep=r2", 200000},
        {"size=large", 150050},
        {"industry=零售", 200000},                  /* c2 (c3 had no win) */
        {"region=西北", 0},
        {"tier=potential", 360050},                 /* all tiny customers */
        {"tier=strategic", 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        run_t *r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", t[i].where, NULL);
        if (r->res.total.ival != t[i].want) fail_msg("%s: %lld, wanted %lld", t[i].where, (long long)r->res.total.ival, (long long)t[i].want);
        done(r);
    }
}

static void test_breakdowns(void **state)
{
    (void)state;
    /* by month with P = 2026 and D = 03-15: Jan..Mar only (April starts
     * after D); Jan d1 + d6 = 1100, Feb d2 500.50, Mar d3 2000 */
    run_t *r = ok_query(MET_REVENUE, "2026", "2026-03-15", NULL, "month");
    assert_int_equal(r->res.nrows, 3);
    assert_string_equal(r->res.rows[0].key[0], "2026-01");
    assert_string_equal(r->res.rows[2].key[0], "2026-03");
    expect_int(&r->res.rows[0].value, 110000);
    expect_int(&r->res.rows[1].value, 50050);
    expect_int(&r->res.rows[2].value, 200000);
    expect_int(&r->res.total, 360050);
    done(r);
    /* zero-filled buckets: 华北 only has March */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", "region=华北", "month");
    assert_int_equal(r->res.nrows, 3);
    expect_int(&r->res.rows[0].value, 0);
    expect_int(&r->res.rows[1].value, 0);
    expect_int(&r->res.rows[2].value, 200000);
    done(r);
    /* by region: "" (c4 has none) 100, 华东 1500.50, 华北 2000; sorted by
     * bytes: "" < 华东 (E5 8D 8E E4) < 华北 (E5 8D 8E E5) */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, "region");
    assert_int_equal(r->res.nrows, 3);
    assert_string_equal(r->res.rows[0].key[0], "");
    assert_string_equal(r->res.rows[1].key[0], "华东");
    assert_string_equal(r->res.rows[2].key[0], "华北");
    expect_int(&r->res.rows[0].value, 10000);
    expect_int(&r->res.rows[1].value, 150050);
    expect_int(&r->res.rows[2].value, 200000);
    done(r);
    /* by rep: every rep of the reps table, zeros included */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, "rep");
    assert_int_equal(r->res.nrows, 5);
    assert_string_equal(r->res.rows[0].key[0], "r1");
    expect_int(&r->res.rows[0].value, 150050);
    expect_int(&row(r, "r3", NULL)->value, 0);
    expect_int(&row(r, "r4", NULL)->value, 0);
    expect_int(&row(r, "r5", NULL)->value, 10000);
    done(r);
    /* by month,rep within team B: 3 months x 3 reps, only r5 in Jan */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", "team=B", "month,rep");
    assert_int_equal(r->res.nrows, 9);
    assert_string_equal(r->res.rows[0].key[0], "2026-01");
    assert_string_equal(r->res.rows[0].key[1], "r3");
    expect_int(&row(r, "2026-01", "r5")->value, 10000);
    expect_int(&row(r, "2026-02", "r5")->value, 0);
    expect_int(&row(r, "2026-03", "r4")->value, 0);
    done(r);
    /* ratio rows keep their own num/den: win rate by month: Jan 2/2 (d1,
     * d6), Feb d2 won d5 lost 1/2, Mar d3 1/1 */
    r = ok_query(MET_WIN_RATE, "2026-Q1", "2026-03-15", NULL, "month");
    expect_ratio(&row(r, "2026-01", NULL)->value, 1.0);
    expect_ratio(&row(r, "2026-02", NULL)->value, 0.5);
    expect_ratio(&row(r, "2026-03", NULL)->value, 1.0);
    done(r);
    /* a period entirely after D has no bucket at all */
    r = ok_query(MET_REVENUE, "2026-Q2", "2026-03-15", NULL, "month");
    assert_int_equal(r->res.nrows, 0);
    expect_int(&r->res.total, 0);
    done(r);
    /* quarter buckets clipped to P and labelled by quarter */
    r = ok_query(MET_REVENUE, "2025-12-01..2026-02-10", "2026-03-15", NULL, "quarter");
    assert_int_equal(r->res.nrows, 2);
    assert_string_equal(r->res.rows[0].key[0], "2025-Q4");
    expect_int(&r->res.rows[0].value, 0);
    expect_int(&r->res.rows[1].value, 110000); /* d1 + d6 (d2 is 02-20) */
    done(r);
}

static void test_iso_weeks_year_end(void **state)
{
    (void)state;
    g = dataset_new();
    cust("c", NULL, NULL, SIZE_NONE, NULL);
    /* 2025-12-28 is a Sunday (ISO 2025-W52), 2025-12-29 the Monday of
     * 2026-W01, 2026-01-05 the Monday of 2026-W02 */
    deal("w1", "c", NULL, NULL, "2025-12-01", "2025-12-28", STAGE_WON, YUAN(1), -1, -1, -1, -1);
    deal("w2", "c", NULL, NULL, "2025-12-01", "2025-12-31", STAGE_WON, YUAN(2), -1, -1, -1, -1);
    deal("w3", "c", NULL, NULL, "2025-12-01", "2026-01-02", STAGE_WON, YUAN(4), -1, -1, -1, -1);
    deal("w4", "c", NULL, NULL, "2025-12-01", "2026-01-06", STAGE_WON, YUAN(8), -1, -1, -1, -1);
    deal("w5", "c", NULL, NULL, "2025-12-01", "2026-01-07", STAGE_WON, YUAN(16), -1, -1, -1, -1); /* after P */
    dataset_index(g);
    run_t *r = ok_query(MET_REVENUE, "2025-12-22..2026-01-06", "2026-01-31", NULL, "week");
    assert_int_equal(r->res.nrows, 3);
    assert_string_equal(r->res.rows[0].key[0], "2025-W52");
    assert_string_equal(r->res.rows[1].key[0], "2026-W01");
    assert_string_equal(r->res.rows[2].key[0], "2026-W02");
    expect_int(&r->res.rows[0].value, YUAN(1));
    expect_int(&r->res.rows[1].value, YUAN(6));
    expect_int(&r->res.rows[2].value, YUAN(8));
    expect_int(&r->res.total, YUAN(15));
    done(r);
    /* by year across the boundary */
    r = ok_query(MET_REVENUE, "2025-12-22..2026-01-06", "2026-01-31", NULL, "year");
    assert_int_equal(r->res.nrows, 2);
    expect_int(&row(r, "2025", NULL)->value, YUAN(3));
    expect_int(&row(r, "2026", NULL)->value, YUAN(12));
    done(r);
    dataset_free(g);
    g = NULL;
}

static void test_leap_day(void **state)
{
    (void)state;
    g = dataset_new();
    cust("c", NULL, NULL, SIZE_NONE, NULL);
    deal("l1", "c", NULL, NULL, "2024-01-01", "2024-02-29", STAGE_WON, YUAN(7), -1, -1, -1, -1);
    deal("l2", "c", NULL, NULL, "2024-01-01", "2024-03-01", STAGE_WON, YUAN(9), -1, -1, -1, -1);
    dataset_index(g);
    run_t *r = ok_query(MET_REVENUE, "2024-02", "2024-12-31", NULL, "day");
    assert_int_equal(r->res.nrows, 29); /* every day, zeros included */
    assert_string_equal(r->res.rows[28].key[0], "2024-02-29");
    expect_int(&r->res.rows[28].value, YUAN(7));
    expect_int(&r->res.rows[0].value, 0);
    expect_int(&r->res.total, YUAN(7));
    done(r);
    dataset_free(g);
    g = NULL;
}

/* ---- T12M and tiers ---- */

static int setup_tiers(void **state)
{
    (void)state;
    g = dataset_new();
    cust("t1", "华东", NULL, SIZE_LARGE, "r1");
    cust("t2", "华东", NULL, SIZE_NONE, "r1");
    cust("t3", "华北", NULL, SIZE_NONE, "r2");
    cust("t4", "华北", NULL, SIZE_NONE, "r2");
    cust("t5", NULL, NULL, SIZE_NONE, NULL);
    /* D = 2026-03-15; D - 1 year = 2025-03-15 (excluded), 03-16 included */
    deal("e1", "t1", "r1", "X", "2025-01-01", "2025-03-16", STAGE_WON, WAN(150), -1, -1, -1, -1);
    deal("e2", "t2", "r1", "X", "2025-01-01", "2025-03-15", STAGE_WON, WAN(80), -1, -1, -1, -1);
    deal("e3", "t2", "r1", "X", "2025-12-01", "2026-01-01", STAGE_WON, WAN(10), -1, -1, -1, -1);
    deal("e4", "t3", "r2", "X", "2026-01-01", "2026-03-15", STAGE_WON, WAN(50), -1, -1, -1, -1);
    deal("e5", "t4", "r2", "X", "2026-01-01", "2026-03-16", STAGE_WON, WAN(30), -1, -1, -1, -1); /* after D */
    deal("e6", "t5", NULL, "X", "2026-01-01", "2026-03-01", STAGE_LOST, WAN(90), -1, -1, -1, -1);
    dataset_index(g);
    return 0;
}

static void test_t12m_and_tier_of(void **state)
{
    (void)state;
    sp_money t[5];
    customer_t12m(g, day("2026-03-15"), t);
    assert_int_equal(t[0], WAN(150)); /* closed the day after D - 1y */
    assert_int_equal(t[1], WAN(10));  /* the 80万 on D - 1y is out */
    assert_int_equal(t[2], WAN(50));  /* closed on D */
    assert_int_equal(t[3], 0);        /* after D */
    assert_int_equal(t[4], 0);        /* lost */
    sp_tier_level *tiers;
    size_t n;
    tiers_from_plan(NULL, &tiers, &n);
    assert_int_equal(n, 3);
    assert_string_equal(tier_of(tiers, n, WAN(150)), "strategic");
    assert_string_equal(tier_of(tiers, n, WAN(100)), "strategic"); /* min <= t12m */
    assert_string_equal(tier_of(tiers, n, WAN(100) - 1), "key");
    assert_string_equal(tier_of(tiers, n, WAN(50)), "key");
    assert_string_equal(tier_of(tiers, n, 0), "potential");
    assert_null(tier_of(tiers, n, -1));
    free(tiers);
    /* leap years: as of 2025-02-28 the window is (2024-02-28, 2025-02-28],
     * so a deal closed on 2024-02-29 is in it */
    sp_dataset *keep = g;
    g = dataset_new();
    cust("z", NULL, NULL, SIZE_NONE, NULL);
    deal("z1", "z", NULL, NULL, "2024-01-01", "2024-02-29", STAGE_WON, 5, -1, -1, -1, -1);
    deal("z2", "z", NULL, NULL, "2024-01-01", "2024-02-28", STAGE_WON, 7, -1, -1, -1, -1);
    dataset_index(g);
    sp_money z;
    customer_t12m(g, day("2025-02-28"), &z);
    assert_int_equal(z, 5);
    dataset_free(g);
    g = keep;
}

static void test_tier_metrics(void **state)
{
    (void)state;
    /* tiers as of 03-15: t1 strategic (150万), t2 potential (10万), t3 key
     * (50万), t4 and t5 potential (0) */
    struct {
        const char *tier;
        int64_t n;
        double share;
    } t[] = {
        {"strategic", 1, 150.0 / 210.0},
        {"key", 1, 50.0 / 210.0},
        {"potential", 3, 10.0 / 210.0},
    };
    for (size_t i = 0; i < 3; i++) {
        char w[64];
        snprintf(w, sizeof w, "tier=%s", t[i].tier);
        run_t *r = ok_query(MET_TIER_CUSTOMERS, "2026-Q1", "2026-03-15", w, NULL);
        expect_int(&r->res.total, t[i].n);
        done(r);
        r = ok_query(MET_TIER_REVENUE_SHARE, "2026-Q1", "2026-03-15", w, NULL);
        expect_ratio(&r->res.total, t[i].share);
        done(r);
    }
    /* with a region filter the denominator is that region's: 华东 t1 150 +
     * t2 10 -> strategic share 150/160 */
    run_t *r = ok_query(MET_TIER_REVENUE_SHARE, "2026-Q1", "2026-03-15", "tier=strategic;region=华东", NULL);
    expect_ratio(&r->res.total, 150.0 / 160.0);
    done(r);
    /* by month: as of 01-31 and 02-28, t2 has 80万 + 10万 = 90万 (key) and
     * t3 nothing yet; as of 03-15 t3 is key and t2 dropped out */
    r = ok_query(MET_TIER_CUSTOMERS, "2026-Q1", "2026-03-15", "tier=key", "month,region");
    expect_int(&row(r, "2026-01", "华东")->value, 1);
    expect_int(&row(r, "2026-01", "华北")->value, 0);
    expect_int(&row(r, "2026-03", "华东")->value, 0);
    expect_int(&row(r, "2026-03", "华北")->value, 1);
    done(r);
    /* the tier filter on revenue: tier as of D; key = t3: e4 50万 */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", "tier=key", NULL);
    expect_int(&r->res.total, WAN(50));
    done(r);
    /* by tier */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, "tier");
    expect_int(&row(r, "key", NULL)->value, WAN(50));
    expect_int(&row(r, "potential", NULL)->value, WAN(10));
    done(r);
}

/* tier_customers / tier_revenue_share per tier (SPEC §6): --by tier lists
 * every level by min descending, zeros included; neither: all / 1. */
static void test_tier_by_tier(void **state)
{
    (void)state;
    /* as of 03-15 (see setup_tiers): t1 strategic 150万, t3 key 50万, t2
     * potential 10万, t4 and t5 potential 0: all T12M 210万 */
    run_t *r = ok_query(MET_TIER_CUSTOMERS, "2026-Q1", "2026-03-15", NULL, "tier");
    assert_int_equal(r->res.nrows, 3);
    assert_string_equal(r->res.rows[0].key[0], "strategic");
    assert_string_equal(r->res.rows[1].key[0], "key");
    assert_string_equal(r->res.rows[2].key[0], "potential");
    expect_int(&r->res.rows[0].value, 1);
    expect_int(&r->res.rows[1].value, 1);
    expect_int(&r->res.rows[2].value, 3);
    expect_int(&r->res.total, 5);
    done(r);
    r = ok_query(MET_TIER_REVENUE_SHARE, "2026-Q1", "2026-03-15", NULL, "tier");
    assert_int_equal(r->res.nrows, 3);
    expect_ratio(&row(r, "strategic", NULL)->value, 150.0 / 210.0);
    expect_ratio(&row(r, "key", NULL)->value, 50.0 / 210.0);
    expect_ratio(&row(r, "potential", NULL)->value, 10.0 / 210.0);
    expect_ratio(&r->res.total, 1.0);
    done(r);
    /* neither: every customer; the share of all revenue is 1 */
    r = ok_query(MET_TIER_CUSTOMERS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 5);
    done(r);
    r = ok_query(MET_TIER_REVENUE_SHARE, "2026-Q1", "2026-03-15", "region=华北", NULL);
    expect_ratio(&r->res.total, 1.0);
    done(r);
    /* in 华北 only t3 (key 50万) and t4 (0) count: strategic 0 of 50万 */
    r = ok_query(MET_TIER_REVENUE_SHARE, "2026-Q1", "2026-03-15", "region=华北", "tier");
    expect_ratio(&row(r, "strategic", NULL)->value, 0.0);
    expect_ratio(&row(r, "key", NULL)->value, 1.0);
    expect_ratio(&row(r, "potential", NULL)->value, 0.0);
    done(r);
    /* the tier filter and --by tier: only that tier's row */
    r = ok_query(MET_TIER_CUSTOMERS, "2026-Q1", "2026-03-15", "tier=key", "tier");
    assert_int_equal(r->res.nrows, 1);
    expect_int(&row(r, "key", NULL)->value, 1);
    done(r);
    /* revenue by tier lists every level too, zeros included, in level order */
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, "tier");
    assert_string_equal(r->res.rows[0].key[0], "strategic");
    expect_int(&r->res.rows[0].value, 0);
    done(r);
}

/* Sums beyond int64 are errors naming the metric, never a wrapped value:
 * two won deals of 2^62 fen sum to 2^63 (one past INT64_MAX). */
static void test_overflow(void **state)
{
    (void)state;
    g = dataset_new();
    cust("h1", "华东", NULL, SIZE_NONE, "r1");
    cust("h2", "华东", NULL, SIZE_NONE, "r1");
    const sp_money big = INT64_C(1) << 62;
    deal("x1", "h1", "r1", "P", "2026-01-01", "2026-01-10", STAGE_WON, big, 0, -1, -1, -1);
    deal("x2", "h2", "r1", "P", "2026-01-01", "2026-02-10", STAGE_WON, big, 0, -1, -1, -1);
    /* an open deal of 2^62 fen at 50 %: amount × probability is 2^62 × 50 */
    deal("x3", "h1", "r1", "P", "2026-01-01", NULL, STAGE_OPEN, big, -1, 50, -1, -1);
    dataset_index(g);
    static const sp_metric m[] = {MET_REVENUE, MET_AVG_DEAL_SIZE, MET_GROSS_MARGIN, MET_NEW_CUSTOMER_REVENUE,
                                  MET_WEIGHTED_PIPELINE, MET_TIER_REVENUE_SHARE};
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        run_t *r = query(m[i], "2026-Q1", "2026-03-15", NULL, i == 0 ? "month" : NULL, false);
        if (r->ok) fail_msg("%s: no overflow error", sp_metrics[m[i]].name);
        assert_int_equal(r->err.cls, SP_EINVAL);
        assert_non_null(strstr(buf_cstr(&r->err.msg), sp_metrics[m[i]].name));
        done(r);
    }
    /* one of them alone fits: 2^62 fen exactly, and per month no wrap */
    run_t *r = ok_query(MET_REVENUE, "2026-01", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, big);
    done(r);
    /* T12M saturates instead of wrapping: h1 (2^62 + 2^62 would wrap) stays
     * the top tier */
    deal("x4", "h1", "r1", "P", "2026-01-01", "2026-03-01", STAGE_WON, big, -1, -1, -1, -1);
    dataset_index(g);
    sp_money t[2];
    customer_t12m(g, day("2026-03-15"), t);
    assert_true(t[0] == INT64_MAX);
    assert_true(t[1] == big);
    dataset_free(g);
    g = NULL;
}

static void test_renewal_rate(void **state)
{
    (void)state;
    g = dataset_new();
    for (int i = 1; i <= 5; i++) {
        char id[8];
        snprintf(id, sizeof id, "k%d", i);
        cust(id, "华东", NULL, SIZE_NONE, "r1");
    }
    /* the day before P (2026-Q1) is 2025-12-31; window (2024-12-31, 2025-12-31] */
    deal("b1", "k1", "r1", NULL, "2025-01-01", "2025-06-01", STAGE_WON, WAN(120), -1, -1, -1, 0); /* strategic */
    deal("b2", "k2", "r1", NULL, "2025-01-01", "2025-01-01", STAGE_WON, WAN(60), -1, -1, -1, 0);  /* key */
    deal("b3", "k3", "r1", NULL, "2024-01-01", "2024-12-31", STAGE_WON, WAN(60), -1, -1, -1, 0);  /* boundary: out */
    deal("b4", "k4", "r1", NULL, "2025-01-01", "2025-06-01", STAGE_WON, WAN(10), -1, -1, -1, 0);  /* potential */
    deal("b5", "k5", "r1", NULL, "2025-01-01", "2025-12-31", STAGE_WON, WAN(50), -1, -1, -1, 0);  /* key (= min) */
    /* renewals */
    deal("n1", "k1", "r1", NULL, "2026-01-01", "2026-02-01", STAGE_WON, WAN(30), -1, -1, 0, 1);
    deal("n2", "k2", "r1", NULL, "2026-01-01", "2026-03-20", STAGE_WON, WAN(30), -1, -1, 0, 1); /* after D */
    deal("n3", "k3", "r1", NULL, "2026-01-01", "2026-02-01", STAGE_WON, WAN(30), -1, -1, 0, 1); /* not in denominator */
    deal("n4", "k4", "r1", NULL, "2026-01-01", "2026-02-01", STAGE_WON, WAN(30), -1, -1, 0, 1);
    deal("n5", "k5", "r1", NULL, "2026-01-01", "2026-02-01", STAGE_LOST, WAN(30), -1, -1, 0, 1); /* lost */
    dataset_index(g);
    /* denominator k1, k2, k5; renewed k1 -> 1/3 */
    run_t *r = ok_query(MET_RENEWAL_RATE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 1.0 / 3.0);
    done(r);
    /* as of 03-31, n2 counts: 2/3 */
    r = ok_query(MET_RENEWAL_RATE, "2026-Q1", "2026-03-31", NULL, NULL);
    expect_ratio(&r->res.total, 2.0 / 3.0);
    done(r);
    /* by month, each bucket from its own start:
     * Jan (as of 12-31): k1 k2 k5, none renewed in Jan -> 0/3
     * Feb (as of 01-31): window (2025-01-31, 2026-01-31]: k1, k5 (k2's
     *   2025-01-01 fell out) -> renewed k1 -> 1/2
     * Mar (as of 02-28): k1 (120 + 30), k5 -> 0/2 */
    r = ok_query(MET_RENEWAL_RATE, "2026-Q1", "2026-03-15", NULL, "month");
    expect_ratio(&row(r, "2026-01", NULL)->value, 0.0);
    expect_ratio(&row(r, "2026-02", NULL)->value, 0.5);
    expect_ratio(&row(r, "2026-03", NULL)->value, 0.0);
    done(r);
    /* no strategic or key customer before 2020: null */
    r = ok_query(MET_RENEWAL_RATE, "2020", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
    dataset_free(g);
    g = NULL;
}

/* ---- leads, activities, invoices, spend ---- */

static void test_leads(void **state)
{
    (void)state;
    /* created in [01-01, 03-15]: l1 l2 l3 (l4 after D, l5 before P) */
    run_t *r = ok_query(MET_LEADS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 3);
    done(r);
    r = ok_query(MET_QUALIFIED_LEADS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 2);
    done(r);
    r = ok_query(MET_LEAD_CONVERSION_RATE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 1.0 / 3.0);
    done(r);
    r = ok_query(MET_LEADS, "2026-Q1", "2026-03-15", "source=web", "source");
    expect_int(&r->res.total, 2);
    assert_int_equal(r->res.nrows, 1);
    done(r);
    /* the lead's own region */
    r = ok_query(MET_LEADS, "2026-Q1", "2026-03-15", NULL, "region");
    expect_int(&row(r, "", NULL)->value, 1);
    expect_int(&row(r, "华东", NULL)->value, 1);
    expect_int(&row(r, "华北", NULL)->value, 1);
    done(r);
    r = ok_query(MET_LEAD_CONVERSION_RATE, "2026-Q2", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
}

static void test_activities(void **state)
{
    (void)state;
    /* in [01-01, 03-15]: visits a1 a2 a4 a6 = 4; all kinds + a3 a7 = 6 */
    run_t *r = ok_query(MET_VISITS, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 4);
    done(r);
    r = ok_query(MET_ACTIVITIES, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, 6);
    done(r);
    /* distinct customers: c1, c2, c4 (a7 has none) = 3; per month Jan c1,
     * Feb c2 c4, Mar c2: rows do not add up to the total */
    r = ok_query(MET_ACTIVE_CUSTOMERS, "2026-Q1", "2026-03-15", NULL, "month");
    expect_int(&r->res.total, 3);
    expect_int(&row(r, "2026-01", NULL)->value, 1);
    expect_int(&row(r, "2026-02", NULL)->value, 2);
    expect_int(&row(r, "2026-03", NULL)->value, 1);
    done(r);
    /* visits_per_rep: reps r1 r2 r5 (r3 inactive, r4 leader); months of
     * [01-01, 03-15] = 1 + 1 + 15/31 = 77/31 -> 4 / (3 * 77/31) = 124/231 */
    r = ok_query(MET_VISITS_PER_REP, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 124.0 / 231.0);
    done(r);
    /* team A: a1 a2 a4 by r1 r2 -> 3 / (2 * 77/31) = 93/154 */
    r = ok_query(MET_VISITS_PER_REP, "2026-Q1", "2026-03-15", "team=A", NULL);
    expect_ratio(&r->res.total, 93.0 / 154.0);
    done(r);
    /* by rep: r1 2/(77/31) = 62/77, r2 31/77, r5 31/77, r3 r4 null */
    r = ok_query(MET_VISITS_PER_REP, "2026-Q1", "2026-03-15", NULL, "rep");
    expect_ratio(&row(r, "r1", NULL)->value, 62.0 / 77.0);
    expect_ratio(&row(r, "r2", NULL)->value, 31.0 / 77.0);
    expect_ratio(&row(r, "r5", NULL)->value, 31.0 / 77.0);
    assert_true(row(r, "r3", NULL)->value.null);
    assert_true(row(r, "r4", NULL)->value.null);
    done(r);
    /* by month: Jan 2 visits / (3 reps * 1 month); Mar 1 / (3 * 15/31) */
    r = ok_query(MET_VISITS_PER_REP, "2026-Q1", "2026-03-15", NULL, "month");
    expect_ratio(&row(r, "2026-01", NULL)->value, 2.0 / 3.0);
    expect_ratio(&row(r, "2026-03", NULL)->value, 31.0 / 45.0);
    done(r);
}

static void test_invoices(void **state)
{
    (void)state;
    /* due in [01-01, 03-15]: i1 1000/1000, i2 200/500, i3 min(400,300) =
     * 300/300, i4 paid after D 0/800, i5 0/100, i8 (paid, no date) 200/200;
     * i6 due after D, i7 due before P -> 1700 / 2900 */
    run_t *r = ok_query(MET_COLLECTION_RATE, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_ratio(&r->res.total, 1700.0 / 2900.0);
    done(r);
    /* paid_on in [01-01, 03-15]: i1 1000, i2 200, i3 400, i7 50 = 1650 */
    r = ok_query(MET_COLLECTED, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, YUAN(1650));
    done(r);
    /* rep of an invoice = the customer's owner: r1 owns c1 c3 -> i1 i2 i5:
     * (1000 + 200 + 0) / (1000 + 500 + 100) */
    r = ok_query(MET_COLLECTION_RATE, "2026-Q1", "2026-03-15", "rep=r1", NULL);
    expect_ratio(&r->res.total, 1200.0 / 1600.0);
    done(r);
    r = ok_query(MET_COLLECTION_RATE, "2026-Q2", "2026-03-15", NULL, NULL);
    assert_true(r->res.total.null);
    done(r);
}

static void test_spend(void **state)
{
    (void)state;
    run_t *r = ok_query(MET_SPEND, "2026-Q1", "2026-03-15", NULL, NULL);
    expect_int(&r->res.total, YUAN(1000) + 25025);
    done(r);
    r = ok_query(MET_SPEND, "2026-Q1", "2026-03-15", "category=marketing", NULL);
    expect_int(&r->res.total, YUAN(1000));
    done(r);
    r = ok_query(MET_SPEND, "2026-Q1", "2026-03-15", NULL, "strategy");
    expect_int(&row(r, "st2", NULL)->value, 25025);
    done(r);
}

static void test_errors(void **state)
{
    (void)state;
    struct {
        sp_metric m;
        const char *where, *by, *needle;
    } t[] = {
        {MET_LEADS, "product=X", NULL, "product"},
        {MET_REVENUE, "source=web", NULL, "source"},
        {MET_REVENUE, "category=x", NULL, "category"},
        {MET_SPEND, "region=华东", NULL, "region"},
        {MET_REVENUE, "tier=gold", NULL, "gold"},
        {MET_REVENUE, "size=huge", NULL, "huge"},
        {MET_REVENUE, NULL, "month,week", "one time key"},
        {MET_REVENUE, NULL, "source", "source"},
        {MET_VISITS_PER_REP, NULL, "region", "region"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        run_t *r = query(t[i].m, "2026-Q1", "2026-03-15", t[i].where, t[i].by, false);
        assert_false(r->ok);
        assert_int_equal(r->err.cls, SP_EUSAGE);
        if (!strstr(buf_cstr(&r->err.msg), t[i].needle))
            fail_msg("case %zu: '%s' lacks '%s'", i, buf_cstr(&r->err.msg), t[i].needle);
        done(r);
    }
}

static void test_explain(void **state)
{
    (void)state;
    run_t *r = query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, NULL, true);
    assert_true(r->ok);
    assert_int_equal(r->res.nexplain, 4);
    assert_int_equal(r->res.nexplain_total, 4);
    /* sorted by date: d1 01-10, d6 01-31, d2 02-20, d3 03-10 */
    assert_string_equal(r->res.explain[0].id, "d1");
    assert_string_equal(r->res.explain[1].id, "d6");
    assert_string_equal(r->res.explain[3].id, "d3");
    assert_int_equal(r->res.explain[3].amount, YUAN(2000));
    assert_string_equal(r->res.explain[0].table, "deals");
    done(r);
    /* capped at 1000 of 1500, keeping the earliest */
    dataset_free(g);
    g = dataset_new();
    cust("c", NULL, NULL, SIZE_NONE, NULL);
    for (int i = 0; i < 1500; i++) {
        char id[16], on[16];
        snprintf(id, sizeof id, "x%04d", i);
        sp_day d = day("2026-01-01") + (i % 300);
        day_format(d, on);
        deal(id, "c", NULL, NULL, "2025-12-01", on, STAGE_WON, 1, -1, -1, -1, -1);
    }
    dataset_index(g);
    r = query(MET_DEALS_WON, "2026", "2026-12-31", NULL, NULL, true);
    assert_int_equal(r->res.total.ival, 1500);
    assert_int_equal(r->res.nexplain, 1000);
    assert_int_equal(r->res.nexplain_total, 1500);
    assert_string_equal(r->res.explain[0].id, "x0000");
    /* 1000 earliest: 5 deals per day over 200 days; the last kept is on
     * day 199 with the greatest id of that day: x1399 */
    assert_int_equal(r->res.explain[999].date, day("2026-01-01") + 199);
    assert_string_equal(r->res.explain[999].id, "x1399");
    done(r);
    dataset_free(g);
    g = NULL;
}

static void test_load_spec(void **state)
{
    (void)state;
    sp_kpi_query q;
    memset(&q, 0, sizeof q);
    const char *why;
    assert_true(period_parse("2026-Q1", 1, &q.period, &why));
    q.as_of = day("2026-03-15");
    q.metric = MET_REVENUE;
    sp_load_spec s;
    kpi_load_spec(&q, &s);
    assert_true(s.want[TBL_DEALS]);
    assert_false(s.want[TBL_CUSTOMERS]);
    assert_false(s.want[TBL_ACTIVITIES]);
    assert_int_equal(s.from[TBL_DEALS], day("2026-01-01"));
    assert_int_equal(s.to[TBL_DEALS], day("2026-03-15"));
    sp_filter_kv kv = {DIM_TIER, (char *)"key", {0, 0}};
    q.where.kv = &kv;
    q.where.n = 1;
    kpi_load_spec(&q, &s);
    assert_true(s.want[TBL_CUSTOMERS]);
    assert_true(s.from[TBL_DEALS] <= day("2025-03-15"));
    q.where.n = 0;
    q.metric = MET_VISITS;
    kpi_load_spec(&q, &s);
    assert_true(s.want[TBL_ACTIVITIES]);
    assert_false(s.want[TBL_DEALS]);
    assert_int_equal(s.act_kind, ACT_VISIT);
    assert_int_equal(s.to[TBL_ACTIVITIES], day("2026-03-15"));
    q.metric = MET_NEW_CUSTOMERS;
    kpi_load_spec(&q, &s);
    assert_int_equal(s.from[TBL_DEALS], SP_DAY_MIN);
    q.metric = MET_VISITS_PER_REP;
    kpi_load_spec(&q, &s);
    assert_true(s.want[TBL_REPS]);
}

/* ---- rendering ---- */

static void test_json_csv(void **state)
{
    (void)state;
    run_t *r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", "region=华北", "month");
    buf_t b = BUF_INIT;
    kpi_to_json(&r->q, &r->res, &b);
    const char *s = buf_cstr(&b);
    assert_non_null(strstr(s, "\"metric\": \"revenue\""));
    assert_non_null(strstr(s, "\"unit\": \"money\""));
    assert_non_null(strstr(s, "\"period\": \"2026-Q1\""));
    assert_non_null(strstr(s, "\"as_of\": \"2026-03-15\""));
    assert_non_null(strstr(s, "\"where\": {\"region\": \"华北\"}"));
    assert_non_null(strstr(s, "\"by\": [\"month\"]"));
    assert_non_null(strstr(s, "{\"month\": \"2026-01\", \"value\": 0.00}"));
    assert_non_null(strstr(s, "{\"month\": \"2026-03\", \"value\": 2000.00}"));
    assert_non_null(strstr(s, "\"total\": 2000.00"));
    buf_clear(&b);
    kpi_to_csv(&r->q, &r->res, &b);
    assert_string_equal(buf_cstr(&b), "month,value\r\n2026-01,0.00\r\n2026-02,0.00\r\n2026-03,2000.00\r\n");
    done(r);
    /* ratio, null, odd fen, count */
    r = ok_query(MET_WIN_RATE, "2026-Q1", "2026-03-15", NULL, "month");
    buf_clear(&b);
    kpi_to_json(&r->q, &r->res, &b);
    assert_non_null(strstr(buf_cstr(&b), "\"value\": 0.5}"));
    assert_non_null(strstr(buf_cstr(&b), "\"total\": 0.8"));
    done(r);
    r = ok_query(MET_WIN_RATE, "2026-Q2", "2026-03-15", NULL, NULL);
    buf_clear(&b);
    kpi_to_json(&r->q, &r->res, &b);
    assert_non_null(strstr(buf_cstr(&b), "\"rows\": [\n  {\"value\": null}"));
    buf_clear(&b);
    kpi_to_csv(&r->q, &r->res, &b);
    assert_string_equal(buf_cstr(&b), "value\r\n\r\n");
    buf_clear(&b);
    kpi_format_value(MET_WIN_RATE, &r->res.total, &b);
    assert_string_equal(buf_cstr(&b), "—");
    done(r);
    r = ok_query(MET_AVG_DEAL_SIZE, "2026-Q1", "2026-03-15", "team=A;team=B", NULL);
    buf_clear(&b);
    kpi_to_json(&r->q, &r->res, &b);
    assert_non_null(strstr(buf_cstr(&b), "\"total\": 900.13")); /* 90013 fen */
    assert_non_null(strstr(buf_cstr(&b), "\"where\": {\"team\": [\"A\", \"B\"]}"));
    done(r);
    r = ok_query(MET_REVENUE, "2026-Q1", "2026-03-15", NULL, NULL);
    buf_clear(&b);
    kpi_format_value(MET_REVENUE, &r->res.total, &b);
    assert_string_equal(buf_cstr(&b), "3,600.50");
    done(r);
    sp_kpi_value v = {false, 0, 2, 5};
    buf_clear(&b);
    kpi_format_value(MET_WIN_RATE, &v, &b);
    assert_string_equal(buf_cstr(&b), "40.0%");
    buf_free(&b);
}

static void test_table_cjk(void **state)
{
    (void)state;
    sp_table_out *t = tableout_new(2);
    tableout_numeric(t, 1, true);
    const char *h[2] = {"region", "value"};
    const char *a[2] = {"华东", "1.00"};
    const char *c[2] = {"abcdefg", "1,234.00"};
    tableout_row(t, h);
    tableout_row(t, a);
    tableout_row(t, c);
    tableout_rule(t);
    const char *tot[2] = {"total", "1,235.00"};
    tableout_row(t, tot);
    buf_t b = BUF_INIT;
    tableout_render(t, &b);
    /* column 0 is 7 wide (abcdefg; 华东 is 4), column 1 is 8 wide */
    assert_string_equal(buf_cstr(&b), "region   value\n"
                                      "-----------------\n"
                                      "华东         1.00\n"
                                      "abcdefg  1,234.00\n"
                                      "-----------------\n"
                                      "total    1,235.00\n");
    buf_free(&b);
    tableout_free(t);
}


/* kpi_compute_jobs (the goals' deal questions in one pass) answers every
 * question it takes exactly as kpi_compute does, on a generated dataset with
 * empty cells, records after D, deals without a known customer, filter
 * values that no record has, several values of one key; the others it
 * leaves to kpi_compute (done false). */
static unsigned jseed = 8;
static unsigned jrnd(unsigned n)
{
    jseed = jseed * 1103515245u + 12345u;
    return (jseed >> 8) % n;
}

static void test_jobs_equal_compute(void **state)
{
    (void)state;
    g = dataset_new();
    static const char *regions[] = {"华东", "华北", "华南", NULL};
    static const char *inds[] = {"制造业", "零售", NULL};
    static const char *reps[] = {"r1", "r2", "r3", NULL};
    static const char *prods[] = {"MES", "ERP", NULL};
    rep("r1", "east", ROLE_REP, true, "华东");
    rep("r2", "north", ROLE_REP, true, "华北");
    rep("r3", "east", ROLE_REP, true, "华南");
    char id[32], cid[32];
    for (int i = 0; i < 60; i++) {
        snprintf(id, sizeof id, "c%02d", i);
        cust(id, regions[jrnd(4)], inds[jrnd(3)], (sp_size)jrnd(SIZE_COUNT), reps[jrnd(4)]);
    }
    for (int i = 0; i < 900; i++) {
        snprintf(id, sizeof id, "d%03d", i);
        snprintf(cid, sizeof cid, "c%02d", (int)jrnd(66)); /* c60..c65: not in the customers */
        sp_day created = day("2025-01-01") + (sp_day)jrnd(800);
        sp_stage st = (sp_stage)jrnd(3);
        char cr[16], cl[16];
        day_format(created, cr);
        day_format(created + (sp_day)jrnd(200), cl);
        deal(id, cid, reps[jrnd(4)], prods[jrnd(3)], jrnd(17) ? cr : "", st == STAGE_OPEN ? "" : cl, st,
             (sp_money)jrnd(5000000) - 10000, -1, jrnd(9) ? (int)jrnd(101) : -1, -1, -1);
    }
    dataset_index(g);
    sp_tier_level *tiers;
    size_t nt;
    tiers_from_plan(NULL, &tiers, &nt);
    static const sp_metric mets[] = {MET_REVENUE, MET_DEALS_WON, MET_AVG_DEAL_SIZE, MET_WIN_RATE,
                                     MET_PIPELINE, MET_WEIGHTED_PIPELINE, MET_GROSS_MARGIN};
    static const char *periods[] = {"2026", "2026-Q2", "2025-H2", "2027"};
    static const char *asofs[] = {"2026-11-26", "2026-02-28"};
    sp_filter_kv fk[][2] = {
        {{DIM_REGION, (char *)"华东", {0}}, {DIM_REGION, (char *)"华南", {0}}},
        {{DIM_REGION, (char *)"华东", {0}}, {DIM_INDUSTRY, (char *)"制造业", {0}}},
        {{DIM_SIZE, (char *)"large", {0}}, {DIM_REP, (char *)"r2", {0}}},
        {{DIM_PRODUCT, (char *)"MES", {0}}, {DIM_REGION, (char *)"东北", {0}}},
        {{DIM_TEAM, (char *)"east", {0}}, {DIM_PRODUCT, (char *)"ERP", {0}}},
    };
    size_t nfk[] = {2, 2, 2, 1, 2};
    for (size_t a = 0; a < 2; a++) {
        sp_kpi_job jobs[7 * 4 * 6];
        size_t n = 0;
        for (size_t m = 0; m < 7; m++)
            for (size_t p = 0; p < 4; p++)
                for (size_t f = 0; f < 6; f++) {
                    sp_kpi_job *j = &jobs[n++];
                    memset(j, 0, sizeof *j);
                    j->q.metric = mets[m];
                    const char *why;
                    assert_true(period_parse(periods[p], 1, &j->q.period, &why));
                    j->q.period_text = periods[p];
                    j->q.as_of = day(asofs[a]);
                    j->q.tiers = tiers;
                    j->q.ntiers = nt;
                    if (f < 5) {
                        j->q.where.kv = fk[f];
                        j->q.where.n = nfk[f];
                    }
                }
        kpi_compute_jobs(g, jobs, n);
        size_t done = 0;
        for (size_t k = 0; k < n; k++) {
            sp_kpi_result r;
            memset(&r, 0, sizeof r);
            sp_err e = SP_ERR_INIT;
            assert_true(kpi_compute(g, &jobs[k].q, &r, &e));
            err_free(&e);
            if (jobs[k].done) {
                done++;
                const sp_kpi_value *x = &jobs[k].value, *y = &r.total;
                if (x->null != y->null || x->ival != y->ival || x->num != y->num || x->den != y->den)
                    fail_msg("job %zu (%s %s): %lld/%g/%g vs %lld/%g/%g", k, sp_metrics[jobs[k].q.metric].name,
                             jobs[k].q.period_text, (long long)x->ival, x->num, x->den, (long long)y->ival, y->num,
                             y->den);
            } else {
                /* left: the margin, the team filter */
                assert_true(jobs[k].q.metric == MET_GROSS_MARGIN || (jobs[k].q.where.n && jobs[k].q.where.kv[0].dim == DIM_TEAM));
            }
            kpi_result_free(&r);
        }
        assert_int_equal(done, 6 * 4 * 5);
    }
    free(tiers);
    dataset_free(g);
    g = NULL;
}


/* out_json_string: runs of plain bytes copied whole, every escape in place */
static void test_json_string_escapes(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    out_json_string(&b, "plain 华东");
    out_json_string(&b, "a\"b\\c\nd\re\tf\x01g\x1f");
    out_json_string(&b, "\"");
    out_json_string(&b, "");
    out_json_string(&b, NULL);
    assert_string_equal(buf_cstr(&b), "\"plain 华东\"\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g\\u001f\"\"\\\"\"\"\"null");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_revenue_and_counts, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_win_rate_cycle_margin, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_new_customers, setup_main, teardown),
        cmocka_unit_test(test_first_deal_ties),
        cmocka_unit_test_setup_teardown(test_pipeline, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_breakdowns, setup_main, teardown),
        cmocka_unit_test(test_iso_weeks_year_end),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test_setup_teardown(test_t12m_and_tier_of, setup_tiers, teardown),
        cmocka_unit_test_setup_teardown(test_tier_metrics, setup_tiers, teardown),
        cmocka_unit_test_setup_teardown(test_tier_by_tier, setup_tiers, teardown),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_renewal_rate),
        cmocka_unit_test_setup_teardown(test_leads, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_activities, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_invoices, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_spend, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup_main, teardown),
        cmocka_unit_test_setup_teardown(test_explain, setup_main, teardown),
        cmocka_unit_test(test_load_spec),
        cmocka_unit_test_setup_teardown(test_json_csv, setup_main, teardown),
        cmocka_unit_test(test_table_cjk),
        cmocka_unit_test(test_jobs_equal_compute),
        cmocka_unit_test(test_json_string_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
