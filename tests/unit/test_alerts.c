/*
 * test_alerts.c — the alerts of SPEC §8 (core/alerts.c), the budget
 * (core/budget.c) and the tier report (tiers_compute) on hand-built
 * datasets.
 *
 * The as-of date is D = 2026-11-26 throughout; dates are written as offsets
 * from D so the expected day counts can be read off directly. Every expected
 * value is worked out from the SPEC rule in the comment next to it, not
 * copied from the code's output. Money is in fen.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alerts.h"
#include "core/budget.h"

#define WAN(x) ((sp_money)(x) * 1000000) /* 1万 yuan in fen */

static sp_dataset *g;
static sp_day D;

static const char *I(const char *s) { return dataset_intern(g, s); }

static void setup_ds(void)
{
    g = dataset_new();
    D = day_from_ymd(2026, 11, 26);
}

static void rep(const char *id, const char *team, sp_role role)
{
    sp_rep r = {I(id), I(id), I(team), NULL, NULL, role, true, NULL};
    dataset_push_rep(g, &r);
}

static void cust(const char *id, const char *owner)
{
    sp_customer c = {I(id), I(id), NULL, NULL, I(owner), SIZE_NONE, SP_DAY_NONE};
    dataset_push_customer(g, &c);
}

/* deal created at D+created, closed at D+closed (closed_none: no date) */
static void deal(const char *id, const char *cu, const char *owner, int created, int closed, bool closed_none,
                 sp_stage stage, sp_money amount)
{
    sp_deal d;
    memset(&d, 0, sizeof d);
    d.id = I(id);
    d.customer_id = I(cu);
    d.owner = I(owner);
    d.created_on = D + created;
    d.closed_on = closed_none ? SP_DAY_NONE : D + closed;
    d.stage = stage;
    d.amount = amount;
    d.probability = -1;
    d.is_new_customer = -1;
    d.is_renewal = -1;
    dataset_push_deal(g, &d);
}

static void act(const char *id, const char *cu, int when, sp_actkind kind)
{
    sp_activity a = {I(id), I("r1"), I(cu), D + when, kind};
    dataset_push_activity(g, &a);
}

static void spend(const char *id, const char *cat, const char *strategy, sp_day on, sp_money amount)
{
    sp_spend s;
    memset(&s, 0, sizeof s);
    s.id = I(id);
    s.category = I(cat);
    s.strategy_id = I(strategy);
    s.spent_on = on;
    s.amount = amount;
    dataset_push_spend(g, &s);
}

static void run(const sp_plan *plan, const char *only_rep, unsigned kinds, sp_alerts_result *r)
{
    dataset_index(g);
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.ds = g;
    in.plan = plan;
    in.as_of = D;
    in.rep = only_rep;
    in.kinds = kinds;
    alerts_compute(&in, r);
}

static const sp_alert *find(const sp_alerts_result *r, sp_alert_kind k, const char *id)
{
    for (size_t i = 0; i < r->n; i++) {
        const sp_alert *x = &r->v[i];
        if (x->kind != k) continue;
        const char *xid = k == ALERT_TASK_OVERDUE ? x->task_id
                          : k == ALERT_GOAL_OFF_PACE ? x->goal_id
                          : k == ALERT_BUDGET_OVERRUN ? x->category
                                                        : x->customer_id;
        if (str_eq(xid, id)) return x;
    }
    return NULL;
}

#define STALE (1u << ALERT_STALE_FOLLOWUP)

/* ---- stale follow-ups ---- */

/* threshold 7 (no plan): "more than 7 days" — 7 is not stale, 8 is. */
static void test_stale_threshold(void **state)
{
    (void)state;
    static const struct {
        int last;       /* last activity at D+last */
        bool stale;
        int days;
    } cases[] = {{0, false, 0}, {-6, false, 0}, {-7, false, 0}, {-8, true, 8}, {-30, true, 30}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup_ds();
        cust("c1", "r1");
        deal("d1", "c1", "r1", -100, 0, true, STAGE_OPEN, 100);
        act("a1", "c1", cases[i].last, ACT_CALL);
        sp_alerts_result r;
        run(NULL, NULL, STALE, &r);
        const sp_alert *x = find(&r, ALERT_STALE_FOLLOWUP, "c1");
        assert_int_equal(x != NULL, cases[i].stale);
        if (x) {
            assert_int_equal(x->days, cases[i].days);
            assert_int_equal(x->last_touch, D + cases[i].last);
            assert_string_equal(x->owner, "r1");
        }
        alerts_result_free(&r);
        dataset_free(g);
    }
}

/* no activity: counted from the earliest open deal's created_on; the
 * earlier deal that is lost (closed before D) does not count. */
static void test_stale_no_activity(void **state)
{
    (void)state;
    setup_ds();
    cust("c1", "r1");
    deal("d0", "c1", "r1", -90, -50, false, STAGE_LOST, 100); /* closed before D: not open */
    deal("d1", "c1", "r1", -20, 0, true, STAGE_OPEN, 100);
    deal("d2", "c1", "r1", -10, 0, true, STAGE_OPEN, 100);
    cust("c2", "r1"); /* no open deal: never stale */
    deal("d3", "c2", "r1", -90, -60, false, STAGE_WON, 100);
    sp_alerts_result r;
    run(NULL, NULL, STALE, &r);
    assert_int_equal(r.count[ALERT_STALE_FOLLOWUP], 1);
    const sp_alert *x = find(&r, ALERT_STALE_FOLLOWUP, "c1");
    assert_non_null(x);
    assert_int_equal(x->days, 20);
    assert_int_equal(x->last_touch, SP_DAY_NONE);
    alerts_result_free(&r);
    dataset_free(g);
}

/* an activity after D is ignored; a deal closed after D counts as open on
 * D; a deal created after D does not; a deal closed on D is not open. */
static void test_stale_as_of(void **state)
{
    (void)state;
    setup_ds();
    cust("c1", "r1");
    deal("d1", "c1", "r1", -40, 5, false, STAGE_WON, 100); /* won after D: open on D */
    act("a1", "c1", -10, ACT_VISIT);
    act("a2", "c1", 1, ACT_VISIT); /* after D: ignored */
    cust("c2", "r1");
    deal("d2", "c2", "r1", 3, 0, true, STAGE_OPEN, 100); /* created after D */
    cust("c3", "r1");
    deal("d3", "c3", "r1", -40, 0, false, STAGE_WON, 100); /* closed on D: not open */
    sp_alerts_result r;
    run(NULL, NULL, STALE, &r);
    assert_int_equal(r.count[ALERT_STALE_FOLLOWUP], 1);
    const sp_alert *x = find(&r, ALERT_STALE_FOLLOWUP, "c1");
    assert_non_null(x);
    assert_int_equal(x->days, 10);
    assert_int_equal(x->last_touch, D - 10);
    alerts_result_free(&r);
    dataset_free(g);
}

static sp_plan *plan_with_group(void)
{
    sp_plan *p = plan_new();
    p->id = xstrdup("p");
    p->period.first = day_from_ymd(2026, 1, 1);
    p->period.last = day_from_ymd(2026, 12, 31);
    p->ngroups = 1;
    p->groups = xcalloc(1, sizeof *p->groups);
    p->groups[0].id = xstrdup("g");
    p->groups[0].nmembers = 3;
    p->groups[0].members = xcalloc(3, sizeof *p->groups[0].members);
    const char *ids[] = {"L", "r2", "r3"};
    sp_role roles[] = {ROLE_REP, ROLE_REP, ROLE_REP};
    roles[0] = ROLE_LEADER;
    for (int i = 0; i < 3; i++) {
        p->groups[0].members[i].id = xstrdup(ids[i]);
        p->groups[0].members[i].role = roles[i];
    }
    return p;
}

/* per-tier thresholds: strategic 3 days, potential 30; key is not in the
 * map and falls back to stale_followup_days (7). Tiers are the defaults:
 * strategic >= 100万, key >= 50万. */
static void test_stale_per_tier(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_group();
    p->alerts.nstale_by_tier = 2;
    p->alerts.stale_by_tier = xcalloc(2, sizeof *p->alerts.stale_by_tier);
    p->alerts.stale_by_tier[0].tier = xstrdup("strategic");
    p->alerts.stale_by_tier[0].days = 3;
    p->alerts.stale_by_tier[1].tier = xstrdup("potential");
    p->alerts.stale_by_tier[1].days = 30;
    cust("cs", "r2"); /* strategic: 150万 won 100 days ago */
    deal("w1", "cs", "r2", -200, -100, false, STAGE_WON, WAN(150));
    deal("o1", "cs", "r2", -50, 0, true, STAGE_OPEN, 1);
    act("a1", "cs", -5, ACT_CALL); /* 5 > 3: stale */
    cust("ck", "r2"); /* key: 60万 */
    deal("w2", "ck", "r2", -200, -100, false, STAGE_WON, WAN(60));
    deal("o2", "ck", "r2", -50, 0, true, STAGE_OPEN, 1);
    act("a2", "ck", -7, ACT_CALL); /* 7 is not > 7 */
    cust("ck2", "r2");
    deal("w3", "ck2", "r2", -200, -100, false, STAGE_WON, WAN(60));
    deal("o3", "ck2", "r2", -50, 0, true, STAGE_OPEN, 1);
    act("a3", "ck2", -8, ACT_CALL); /* 8 > 7: stale */
    cust("cp", "r2"); /* potential: a won deal 400 days ago is outside T12M */
    deal("w4", "cp", "r2", -500, -400, false, STAGE_WON, WAN(500));
    deal("o4", "cp", "r2", -50, 0, true, STAGE_OPEN, 1);
    act("a4", "cp", -20, ACT_CALL); /* 20 <= 30 */
    sp_alerts_result r;
    run(p, NULL, STALE, &r);
    assert_int_equal(r.count[ALERT_STALE_FOLLOWUP], 2);
    const sp_alert *x = find(&r, ALERT_STALE_FOLLOWUP, "cs");
    assert_non_null(x);
    assert_string_equal(x->tier, "strategic");
    assert_non_null(find(&r, ALERT_STALE_FOLLOWUP, "ck2"));
    assert_null(find(&r, ALERT_STALE_FOLLOWUP, "ck"));
    assert_null(find(&r, ALERT_STALE_FOLLOWUP, "cp"));
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* ties by customer id in strcmp order, whatever the ids' lengths and
 * shared prefixes (the sort compares their first 8 bytes as integers) */
static void test_stale_tie_order(void **state)
{
    (void)state;
    setup_ds();
    const char *ids[] = {"customer-10", "customer-9", "customer", "custome", "c", "customer-10a", "客户2", "客户10",
                         "Customer-1", "customer-1"};
    size_t n = sizeof ids / sizeof *ids;
    char did[16], aid[16];
    for (size_t i = 0; i < n; i++) {
        cust(ids[i], "r2");
        snprintf(did, sizeof did, "d%zu", i);
        snprintf(aid, sizeof aid, "a%zu", i);
        deal(did, ids[i], "r2", -100, 0, true, STAGE_OPEN, 1);
        act(aid, ids[i], -20, ACT_EMAIL); /* all 20 days */
    }
    sp_alerts_result r;
    run(NULL, NULL, STALE, &r);
    assert_int_equal(r.n, n);
    for (size_t i = 1; i < n; i++) assert_true(strcmp(r.v[i - 1].customer_id, r.v[i].customer_id) < 0);
    alerts_result_free(&r);
    dataset_free(g);
}

/* escalation past 14 days (more than 14) to the plan group's leader L;
 * --rep L sees only the escalated one; ordering stalest first, ties by
 * customer id. */
static void test_stale_escalation_order(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_group();
    const struct {
        const char *id;
        int last;
    } cs[] = {{"c5", -14}, {"c2", -15}, {"c9", -9}, {"c1", -15}, {"c3", -40}};
    char did[8], aid[8];
    for (size_t i = 0; i < 5; i++) {
        cust(cs[i].id, "r2");
        snprintf(did, sizeof did, "d%zu", i);
        snprintf(aid, sizeof aid, "a%zu", i);
        deal(did, cs[i].id, "r2", -100, 0, true, STAGE_OPEN, 1);
        act(aid, cs[i].id, cs[i].last, ACT_EMAIL);
    }
    sp_alerts_result r;
    run(p, NULL, STALE, &r);
    /* expected order: c3 (40), c1 (15), c2 (15), c5 (14), c9 (9) */
    const char *order[] = {"c3", "c1", "c2", "c5", "c9"};
    const bool esc[] = {true, true, true, false, false};
    assert_int_equal(r.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r.v[i].customer_id, order[i]);
        assert_int_equal(r.v[i].escalated, esc[i]);
        if (esc[i]) assert_string_equal(r.v[i].leader, "L");
        else assert_null(r.v[i].leader);
    }
    alerts_result_free(&r);
    run(p, "L", STALE, &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].customer_id, "c3");
    alerts_result_free(&r);
    run(p, "r3", STALE, &r);
    assert_int_equal(r.n, 0);
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* without a plan the leader comes from the reps table: the rep with role
 * leader in the owner's team; a leader owning the customer is not
 * escalated to himself. */
static void test_leader_from_reps(void **state)
{
    (void)state;
    setup_ds();
    rep("r8", "t1", ROLE_REP);
    rep("r9", "t1", ROLE_LEADER);
    rep("x1", "t2", ROLE_LEADER);
    cust("c1", "r8");
    deal("d1", "c1", "r8", -30, 0, true, STAGE_OPEN, 1); /* no activity: 30 days */
    cust("c2", "r9");
    deal("d2", "c2", "r9", -30, 0, true, STAGE_OPEN, 1);
    sp_alerts_result r;
    run(NULL, NULL, STALE, &r);
    const sp_alert *x = find(&r, ALERT_STALE_FOLLOWUP, "c1");
    assert_non_null(x);
    assert_true(x->escalated);
    assert_string_equal(x->leader, "r9");
    x = find(&r, ALERT_STALE_FOLLOWUP, "c2");
    assert_non_null(x);
    assert_false(x->escalated);
    assert_string_equal(alerts_leader_of(NULL, g, "r8"), "r9");
    assert_null(alerts_leader_of(NULL, g, "r9"));
    alerts_result_free(&r);
    dataset_free(g);
}

/* ---- tasks ---- */

static void add_task(sp_plan *p, const char *id, const char *owner, sp_day due)
{
    p->tasks = xreallocarray(p->tasks, p->ntasks + 1, sizeof *p->tasks);
    sp_task *t = &p->tasks[p->ntasks++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    t->owner = xstrdup(owner);
    t->start = due - 10;
    t->due = due;
}

static void test_task_overdue(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_group();
    add_task(p, "t-todo", "r2", D - 1);     /* no state: todo, overdue 1 day */
    add_task(p, "t-done", "r2", D - 3);     /* done: never overdue */
    add_task(p, "t-block", "r3", D - 2);    /* blocked is not done: 2 days */
    add_task(p, "t-today", "r2", D);        /* due == D: not yet (due < D) */
    add_task(p, "t-doing", "r3", D - 2);    /* doing: 2 days, tie by id */
    sp_task_state st[] = {
        {(char *)"t-done", TASK_DONE, 100, NULL},
        {(char *)"t-block", TASK_BLOCKED, 10, NULL},
        {(char *)"t-doing", TASK_DOING, 50, NULL},
        {(char *)"t-today", TASK_DOING, 50, NULL},
    };
    dataset_index(g);
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.ds = g;
    in.plan = p;
    in.as_of = D;
    in.states = st;
    in.nstates = 4;
    in.kinds = 1u << ALERT_TASK_OVERDUE;
    sp_alerts_result r;
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].task_id, "t-block");
    assert_int_equal(r.v[0].days, 2);
    assert_string_equal(r.v[0].status, "blocked");
    assert_string_equal(r.v[1].task_id, "t-doing");
    assert_string_equal(r.v[2].task_id, "t-todo");
    assert_int_equal(r.v[2].days, 1);
    assert_string_equal(r.v[2].status, "todo");
    alerts_result_free(&r);
    /* the plan can switch the kind off */
    p->alerts.task_overdue = false;
    in.kinds = 0;
    alerts_compute(&in, &r);
    assert_false(r.enabled[ALERT_TASK_OVERDUE]);
    assert_int_equal(r.count[ALERT_TASK_OVERDUE], 0);
    alerts_result_free(&r);
    /* without a plan: skipped */
    in.plan = NULL;
    in.kinds = 1u << ALERT_TASK_OVERDUE;
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 0);
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* ---- goals ---- */
static void test_goal_off_pace(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_group();
    sp_goal_status_in gs[] = {
        {"g1", "r2", "on_track", 0.95, true},
        {"g2", "r2", "at_risk", 0.85, true},
        {"g3", "r3", "off_track", 0.5, true},
        {"g4", "r3", "missed", 0.5, true},
    };
    dataset_index(g);
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.ds = g;
    in.plan = p;
    in.as_of = D;
    in.goals = gs;
    in.ngoals = 4;
    in.kinds = 1u << ALERT_GOAL_OFF_PACE;
    sp_alerts_result r;
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.v[0].goal_id, "g2");
    assert_string_equal(r.v[1].goal_id, "g3");
    assert_string_equal(r.v[1].owner, "r3");
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* a goal with several splits says it is off pace once: its off-pace
 * children (first split and further splits) fold into its alert; a parent
 * without splits, a parent on pace, or a parent's alert not addressed to
 * the rep asked for leave the children's alerts alone */
static void set_goal(sp_goal *x, const char *id, const char *owner, sp_goal *parent)
{
    x->id = xstrdup(id);
    x->owner = xstrdup(owner);
    x->parent = parent;
}

static void test_goal_off_pace_splits(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_group();
    p->ngoals = 2;
    p->goals = xcalloc(2, sizeof *p->goals);
    sp_goal *rev = &p->goals[0], *lead = &p->goals[1];
    set_goal(rev, "rev", "r2", NULL);
    rev->nchildren = 1;
    rev->children = xcalloc(1, sizeof *rev->children);
    set_goal(&rev->children[0], "rev-q4", "r2", rev);
    rev->nsplits = 1;
    rev->splits = xcalloc(1, sizeof *rev->splits);
    rev->splits[0].by = xstrdup("region");
    rev->splits[0].nchildren = 2;
    rev->splits[0].children = xcalloc(2, sizeof *rev->splits[0].children);
    set_goal(&rev->splits[0].children[0], "rev-east", "r3", rev);
    set_goal(&rev->splits[0].children[1], "rev-west", "r2", rev);
    set_goal(lead, "lead", "r2", NULL);
    lead->nchildren = 1;
    lead->children = xcalloc(1, sizeof *lead->children);
    set_goal(&lead->children[0], "lead-q1", "r2", lead);
    sp_goal_status_in gs[] = {
        {"rev", "r2", "off_track", 0.5, true},      {"rev-q4", "r2", "off_track", 0.4, true},
        {"rev-east", "r3", "at_risk", 0.85, true},  {"rev-west", "r2", "on_track", 1.0, true},
        {"lead", "r2", "off_track", 0.5, true},     {"lead-q1", "r2", "off_track", 0.5, true},
    };
    dataset_index(g);
    sp_alerts_input in;
    memset(&in, 0, sizeof in);
    in.ds = g;
    in.plan = p;
    in.as_of = D;
    in.goals = gs;
    in.ngoals = 6;
    in.kinds = 1u << ALERT_GOAL_OFF_PACE;
    sp_alerts_result r;
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].goal_id, "rev");
    assert_int_equal(r.v[0].nfolded, 2);
    assert_string_equal(r.v[0].folded[0], "rev-q4");
    assert_string_equal(r.v[0].folded[1], "rev-east");
    assert_string_equal(r.v[1].goal_id, "lead"); /* no splits: its child alerts too */
    assert_string_equal(r.v[2].goal_id, "lead-q1");
    assert_int_equal(r.count[ALERT_GOAL_OFF_PACE], 3);
    alerts_result_free(&r);
    /* r3 is not told about rev (r2's): rev-east alerts for r3 itself */
    in.rep = "r3";
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.v[0].goal_id, "rev-east");
    assert_int_equal(r.v[0].nfolded, 0);
    alerts_result_free(&r);
    /* the parent on pace: the children alert on their own */
    in.rep = NULL;
    gs[0].status = "on_track";
    alerts_compute(&in, &r);
    assert_int_equal(r.n, 4);
    assert_string_equal(r.v[0].goal_id, "rev-q4");
    assert_string_equal(r.v[1].goal_id, "rev-east");
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* ---- budget ---- */

static sp_plan *plan_with_budget(void)
{
    sp_plan *p = plan_with_group();
    p->has_budget = true;
    p->budget_total = WAN(200); /* 200万 yuan */
    p->nbudget_cats = 2;
    p->budget_cats = xcalloc(2, sizeof *p->budget_cats);
    p->budget_cats[0].id = xstrdup("mkt");
    p->budget_cats[0].name = xstrdup("市场");
    p->budget_cats[0].share = 400000; /* 40 % → 80万 = 80,000,000 fen */
    p->budget_cats[1].id = xstrdup("ops");
    p->budget_cats[1].name = xstrdup("运营");
    p->budget_cats[1].share = 600000; /* 60 % → 120万 */
    p->nstrategies = 1;
    p->strategies = xcalloc(1, sizeof *p->strategies);
    p->strategies[0].id = xstrdup("s1");
    p->strategies[0].name = xstrdup("S1");
    add_task(p, "t1", "r2", D + 10);
    p->tasks[0].has_budget = true;
    p->tasks[0].budget_category = xstrdup("mkt");
    p->tasks[0].budget_amount = 500000;
    add_task(p, "t2", "r2", D + 10);
    p->tasks[1].has_budget = true;
    p->tasks[1].budget_category = xstrdup("mkt");
    p->tasks[1].budget_amount = 250;
    return p;
}

static void test_budget(void **state)
{
    (void)state;
    setup_ds();
    sp_plan *p = plan_with_budget();
    /* mkt: exactly its allocation (100 %: not over) split in two rows */
    spend("s1", "mkt", "s1", D - 5, 50000000);
    spend("s2", "mkt", NULL, D - 4, 30000000);
    spend("s3", "mkt", "s1", D + 1, 999);              /* after D: ignored */
    spend("s4", "mkt", "s1", day_from_ymd(2025, 12, 31), 777); /* before the plan: ignored */
    /* ops: one fen over 120万 */
    spend("s5", "ops", "zz", D - 1, 120000001);
    spend("s6", "travel", NULL, D - 1, 100);            /* not in the plan */
    dataset_index(g);
    sp_budget_report b;
    budget_compute(p, g, D, &b);
    assert_int_equal(b.nlines, 3);
    assert_string_equal(b.lines[0].category, "mkt");
    assert_int_equal(b.lines[0].allocated, 80000000);
    assert_int_equal(b.lines[0].committed, 500250);
    assert_int_equal(b.lines[0].spent, 80000000);
    assert_int_equal(b.lines[0].remaining, 0);
    assert_false(b.lines[0].overrun);
    assert_int_equal(b.lines[1].allocated, 120000000);
    assert_int_equal(b.lines[1].spent, 120000001);
    assert_int_equal(b.lines[1].remaining, -1);
    assert_true(b.lines[1].overrun);
    assert_string_equal(b.lines[2].category, "travel");
    assert_false(b.lines[2].planned);
    assert_true(b.lines[2].overrun); /* 100 fen over an allocation of 0 */
    assert_int_equal(b.totals.allocated, 200000000);
    assert_int_equal(b.totals.spent, 200000101);
    /* strategies: s1 (plan), then zz, then none */
    assert_int_equal(b.nstrategies, 3);
    assert_string_equal(b.strategies[0].strategy, "s1");
    assert_int_equal(b.strategies[0].spent, 50000000);
    assert_string_equal(b.strategies[1].strategy, "zz");
    assert_int_equal(b.strategies[1].spent, 120000001);
    assert_null(b.strategies[2].strategy);
    assert_int_equal(b.strategies[2].spent, 30000100);
    budget_report_free(&b);

    /* the alert: ops and travel, not mkt */
    sp_alerts_result r;
    run(p, NULL, 1u << ALERT_BUDGET_OVERRUN, &r);
    assert_int_equal(r.n, 2);
    assert_null(find(&r, ALERT_BUDGET_OVERRUN, "mkt"));
    const sp_alert *x = find(&r, ALERT_BUDGET_OVERRUN, "ops");
    assert_non_null(x);
    assert_int_equal(x->allocated, 120000000);
    assert_int_equal(x->spent, 120000001);
    alerts_result_free(&r);

    /* a threshold of 110 %: ops is no longer over */
    p->alerts.budget_overrun_above = 1100000;
    run(p, NULL, 1u << ALERT_BUDGET_OVERRUN, &r);
    assert_null(find(&r, ALERT_BUDGET_OVERRUN, "ops"));
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

static void test_budget_math(void **state)
{
    (void)state;
    /* 1 fen × 50 % = 0.5 fen → rounds half away from zero to 1 */
    assert_int_equal(budget_allocation(1, 500000), 1);
    assert_int_equal(budget_allocation(3, 333333), 1);       /* 0.999999 → 1 */
    assert_int_equal(budget_allocation(WAN(200), 125000), WAN(25));
    assert_false(budget_over(100, 100, SP_RATIO_ONE));
    assert_true(budget_over(101, 100, SP_RATIO_ONE));
    assert_false(budget_over(110, 100, 1100000));
    assert_true(budget_over(1, 0, SP_RATIO_ONE));
    double u;
    assert_false(budget_used(5, 0, &u));
    assert_true(budget_used(50, 200, &u));
    assert_true(u > 0.2499 && u < 0.2501);
}

/* ---- tier review ---- */
static void test_tier_review_due(void **state)
{
    (void)state;
    setup_ds();
    /* four strategic customers (T12M 100万 exactly is strategic: min <= T12M) */
    const char *ids[] = {"s1", "s2", "s3", "s4"};
    char did[8];
    for (size_t i = 0; i < 4; i++) {
        cust(ids[i], "r1");
        snprintf(did, sizeof did, "w%zu", i);
        deal(did, ids[i], "r1", -100, -50, false, STAGE_WON, WAN(100));
    }
    act("a1", "s1", -30, ACT_VISIT);   /* within 30 days: not due */
    act("a2", "s2", -31, ACT_MEETING); /* 31 > 30: due */
    act("a3", "s3", -1, ACT_CALL);     /* calls do not count: never visited */
    act("a4", "s3", -60, ACT_VISIT);   /* … but this visit does: 60 days */
    act("a5", "s4", 2, ACT_VISIT);     /* after D: ignored → never */
    cust("k1", "r1");                  /* key: not reviewed */
    deal("wk", "k1", "r1", -100, -50, false, STAGE_WON, WAN(99));
    sp_alerts_result r;
    run(NULL, NULL, 1u << ALERT_TIER_REVIEW_DUE, &r);
    /* order: never (s4), then 60 (s3), then 31 (s2) */
    assert_int_equal(r.n, 3);
    assert_string_equal(r.v[0].customer_id, "s4");
    assert_int_equal(r.v[0].last_touch, SP_DAY_NONE);
    assert_string_equal(r.v[1].customer_id, "s3");
    assert_int_equal(r.v[1].days, 60);
    assert_string_equal(r.v[2].customer_id, "s2");
    assert_int_equal(r.v[2].days, 31);
    alerts_result_free(&r);

    /* a plan that switches the kind off */
    sp_plan *p = plan_with_group();
    p->alerts.tier_review_due = false;
    run(p, NULL, 0, &r);
    assert_false(r.enabled[ALERT_TIER_REVIEW_DUE]);
    assert_int_equal(r.count[ALERT_TIER_REVIEW_DUE], 0);
    alerts_result_free(&r);
    plan_free(p);
    dataset_free(g);
}

/* ---- tiers report ---- */
static void test_tiers_report(void **state)
{
    (void)state;
    setup_ds();
    sp_day since = D - 180;
    /* up: potential at since (nothing won), strategic now (120万 won 10 days ago) */
    cust("up", "r1");
    deal("d1", "up", "r1", -20, -10, false, STAGE_WON, WAN(120));
    /* down: strategic at since (150万 won 400 days before D, inside the
     * year ending at since = D−180), potential now (more than a year old) */
    cust("down", "r1");
    deal("d2", "down", "r1", -420, -400, false, STAGE_WON, WAN(150));
    /* same: key both times (60万 won D−200: inside both windows) */
    cust("same", "r1");
    deal("d3", "same", "r1", -250, -200, false, STAGE_WON, WAN(60));
    /* nothing: potential both times */
    cust("none", "r1");
    sp_tier_level *lv;
    size_t nl;
    tiers_from_plan(NULL, &lv, &nl);
    sp_review_rule rule;
    alerts_review_rule(NULL, &rule);
    assert_string_equal(rule.tier, "strategic");
    assert_int_equal(rule.every_days, 30);
    dataset_index(g);
    sp_tiers_report t;
    tiers_compute(g, lv, nl, &rule, D, since, &t);
    /* rows: strategic {up: 120万}, key {same: 60万}, potential {down, none} */
    assert_int_equal(t.nrows, 3);
    assert_int_equal(t.rows[0].customers, 1);
    assert_int_equal(t.rows[0].t12m, WAN(120));
    assert_int_equal(t.rows[1].customers, 1);
    assert_int_equal(t.rows[1].t12m, WAN(60));
    assert_int_equal(t.rows[2].customers, 2);
    assert_int_equal(t.rows[2].t12m, 0);
    assert_int_equal(t.t12m_total, WAN(180));
    assert_int_equal(t.nupgrades, 1);
    assert_int_equal(t.ndowngrades, 1);
    assert_int_equal(t.nmoves, 2);
    assert_string_equal(t.moves[0].customer_id, "up");
    assert_string_equal(t.moves[0].from, "potential");
    assert_string_equal(t.moves[0].to, "strategic");
    assert_string_equal(t.moves[1].customer_id, "down");
    assert_string_equal(t.moves[1].from, "strategic");
    assert_int_equal(t.moves[1].t12m_since, WAN(150));
    /* pairs: strategic→potential 1, key→key 1, potential→strategic 1,
     * potential→potential 1 (in from-tier then to-tier order) */
    assert_int_equal(t.npairs, 4);
    assert_string_equal(t.pairs[0].from, "strategic");
    assert_string_equal(t.pairs[0].to, "potential");
    assert_string_equal(t.pairs[1].from, "key");
    assert_string_equal(t.pairs[2].from, "potential");
    assert_string_equal(t.pairs[2].to, "strategic");
    assert_string_equal(t.pairs[3].to, "potential");
    for (size_t i = 0; i < t.npairs; i++) assert_int_equal(t.pairs[i].count, 1);
    /* review due: "up" is strategic with no visit */
    assert_int_equal(t.nreviews, 1);
    assert_string_equal(t.reviews[0].customer_id, "up");
    tiers_report_free(&t);
    free(lv);
    dataset_free(g);
}

static void test_kind_names(void **state)
{
    (void)state;
    for (int k = 0; k < ALERT_KIND_COUNT; k++)
        assert_int_equal(alert_kind_from_name(alert_kind_name((sp_alert_kind)k)), k);
    assert_int_equal(alert_kind_from_name("stale"), -1);
    assert_int_equal(alert_kind_from_name("stale_followup"), ALERT_STALE_FOLLOWUP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stale_threshold),
        cmocka_unit_test(test_stale_no_activity),
        cmocka_unit_test(test_stale_as_of),
        cmocka_unit_test(test_stale_per_tier),
        cmocka_unit_test(test_stale_escalation_order),
        cmocka_unit_test(test_stale_tie_order),
        cmocka_unit_test(test_leader_from_reps),
        cmocka_unit_test(test_task_overdue),
        cmocka_unit_test(test_goal_off_pace),
        cmocka_unit_test(test_goal_off_pace_splits),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_budget_math),
        cmocka_unit_test(test_tier_review_due),
        cmocka_unit_test(test_tiers_report),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
