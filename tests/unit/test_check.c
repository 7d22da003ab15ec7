/*
 * test_check.c — unit tests of core/plan_check.c: each test builds a small
 * plan in C (through the builder below, no YAML) that breaks one rule of
 * SPEC §4 and asserts the diagnostic (severity, position, the figures in
 * the message) and the S/M/A/R/T verdicts. Expected figures are computed
 * by hand from the plan, not copied from the output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "io/plan_yaml.h"

/* ---- a tiny plan builder (fixed capacities: arrays never move) ---- */
#define CAP 16
#define YUAN(x) ((sp_money)(x) * 100)
#define WAN(x) ((sp_money)(x) * 10000 * 100)

static sp_period per(const char *s)
{
    sp_period p;
    const char *why = NULL;
    assert_true(period_parse(s, 1, &p, &why));
    return p;
}

static sp_day day(const char *s)
{
    sp_day d;
    const char *why = NULL;
    assert_true(date_parse(s, &d, &why));
    return d;
}

static sp_pos at(int line) { return (sp_pos){line, 3}; }

static char **strv(size_t *n, const char *a, const char *b, const char *c)
{
    const char *in[3] = {a, b, c};
    char **v = xcalloc(3, sizeof *v);
    *n = 0;
    for (int i = 0; i < 3; i++)
        if (in[i]) v[(*n)++] = xstrdup(in[i]);
    return v;
}

/* new_plan: plan "t" over 2026 with one group and no goals. */
static sp_plan *new_plan(void)
{
    sp_plan *p = plan_new();
    p->id = xstrdup("t");
    p->name = xstrdup("test");
    p->period_text = xstrdup("2026");
    p->period = per("2026");
    p->groups = xcalloc(1, sizeof *p->groups);
    p->ngroups = 1;
    p->groups[0].id = xstrdup("g1");
    p->groups[0].name = xstrdup("Group 1");
    p->groups[0].members = xcalloc(CAP, sizeof(sp_member));
    p->goals = xcalloc(CAP, sizeof(sp_goal));
    p->strategies = xcalloc(CAP, sizeof(sp_strategy));
    p->tasks = xcalloc(CAP, sizeof(sp_task));
    p->budget_cats = xcalloc(CAP, sizeof(sp_budget_cat));
    return p;
}

static sp_member *add_member(sp_plan *p, const char *id, sp_role role, int64_t visits)
{
    sp_group *g = &p->groups[0];
    sp_member *m = &g->members[g->nmembers++];
    m->id = xstrdup(id);
    m->name = xstrdup(id);
    m->role = role;
    if (visits >= 0) {
        m->has_visits_capacity = true;
        m->visits_per_month = visits;
    }
    m->pos = at(100 + (int)g->nmembers);
    return m;
}

static void init_goal(sp_goal *g, const char *id, sp_goal_type type, sp_metric metric, int64_t target,
                      const char *period, int line)
{
    g->id = xstrdup(id);
    g->name = xstrdup(id);
    g->name_given = true;
    g->type = type;
    g->metric = metric;
    g->target = target;
    g->has_target = true;
    g->target_text = xstrdup("x");
    g->period_text = xstrdup(period);
    g->period = per(period);
    g->pos = (sp_pos){line, 5};
    g->pos_target = (sp_pos){line + 1, 13};
    g->pos_period = (sp_pos){line + 2, 13};
    g->pos_metric = (sp_pos){line + 3, 13};
    g->has_metric = g->has_period = true;
}

static sp_goal *add_goal(sp_plan *p, const char *id, sp_goal_type type, sp_metric metric, int64_t target,
                         const char *period, int line)
{
    sp_goal *g = &p->goals[p->ngoals++];
    init_goal(g, id, type, metric, target, period, line);
    return g;
}

/* add_child: a child inheriting metric, type, owner, per and direction. */
static sp_goal *add_child(sp_goal *parent, const char *id, int64_t target, const char *period, int line)
{
    if (!parent->children) parent->children = xcalloc(CAP, sizeof(sp_goal));
    sp_goal *g = &parent->children[parent->nchildren++];
    init_goal(g, id, parent->type, parent->metric, target, period, line);
    g->parent = parent;
    g->per_month = parent->per_month;
    g->direction = parent->direction;
    if (parent->owner) {
        g->owner = xstrdup(parent->owner);
        g->pos_owner = parent->pos_owner;
    }
    return g;
}

static void set_owner(sp_goal *g, const char *owner)
{
    g->owner = xstrdup(owner);
    g->has_owner = true;
    g->pos_owner = (sp_pos){g->pos.line + 4, 12};
}

static void supports(sp_goal *g, const char *a)
{
    g->supports = strv(&g->nsupports, a, NULL, NULL);
}

static sp_strategy *add_strategy(sp_plan *p, const char *id, const char *g1, const char *g2, int line)
{
    sp_strategy *s = &p->strategies[p->nstrategies++];
    s->id = xstrdup(id);
    s->name = xstrdup(id);
    s->goals = strv(&s->ngoals, g1, g2, NULL);
    s->answers = xcalloc(1, sizeof(char *));
    s->pos = at(line);
    return s;
}

static sp_task *add_task(sp_plan *p, const char *id, const char *owner, const char *start, const char *due,
                         const char *dep1, const char *dep2, int line)
{
    sp_task *t = &p->tasks[p->ntasks++];
    t->id = xstrdup(id);
    t->name = xstrdup(id);
    t->owner = xstrdup(owner);
    t->start = day(start);
    t->due = day(due);
    t->depends_on = strv(&t->ndepends_on, dep1, dep2, NULL);
    t->collaborators = xcalloc(1, sizeof(char *));
    t->resources = xcalloc(1, sizeof(char *));
    t->pos = at(line);
    t->pos_start = (sp_pos){line + 1, 12};
    t->pos_due = (sp_pos){line + 2, 10};
    return t;
}

static void task_budget(sp_task *t, const char *cat, sp_money amount)
{
    t->has_budget = true;
    t->budget_category = xstrdup(cat);
    t->budget_amount = amount;
}

static sp_budget_cat *add_cat(sp_plan *p, const char *id, sp_ratio share, int line)
{
    sp_budget_cat *c = &p->budget_cats[p->nbudget_cats++];
    c->id = xstrdup(id);
    c->name = xstrdup(id);
    c->share = share;
    c->pos = at(line);
    p->has_budget = true;
    return c;
}

/* ---- assertions on the result ---- */

/* count_diag: diagnostics of severity sev whose message holds every one of
 * the (up to 3) fragments. */
static size_t count_diag(const sp_check_result *r, sp_severity sev, const char *f1, const char *f2, const char *f3)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ndiags; i++) {
        const sp_diag *d = &r->diags[i];
        if (d->sev != sev) continue;
        if (f1 && !strstr(d->msg, f1)) continue;
        if (f2 && !strstr(d->msg, f2)) continue;
        if (f3 && !strstr(d->msg, f3)) continue;
        n++;
    }
    return n;
}

static const sp_diag *find_diag(const sp_check_result *r, const char *frag)
{
    for (size_t i = 0; i < r->ndiags; i++)
        if (strstr(r->diags[i].msg, frag)) return &r->diags[i];
    return NULL;
}

static void dump(const sp_check_result *r)
{
    for (size_t i = 0; i < r->ndiags; i++)
        fprintf(stderr, "#  %d:%d %s: %s\n", r->diags[i].pos.line, r->diags[i].pos.col,
                r->diags[i].sev == SEV_ERROR ? "error" : "warning", r->diags[i].msg);
}

static const sp_smart *smart_of(const sp_check_result *r, const char *id)
{
    for (size_t i = 0; i < r->nsmart; i++)
        if (str_eq(r->smart[i].goal_id, id)) return &r->smart[i];
    fail_msg("no verdict row for %s", id);
    return NULL;
}

/* a valid base: a leader, two reps, revenue split in quarters, a process
 * goal supporting it, a strategy serving both, a task, a budget. */
static sp_plan *valid_plan(void)
{
    sp_plan *p = new_plan();
    add_member(p, "r001", ROLE_LEADER, -1);
    add_member(p, "r002", ROLE_REP, 12);
    add_member(p, "r003", ROLE_REP, -1);
    sp_goal *rev = add_goal(p, "revenue", GOAL_RESULT, MET_REVENUE, WAN(5000), "2026", 10);
    set_owner(rev, "r001");
    add_child(rev, "revenue-q1", WAN(1000), "2026-Q1", 20);
    add_child(rev, "revenue-q2", WAN(1200), "2026-Q2", 24);
    add_child(rev, "revenue-q3", WAN(1200), "2026-Q3", 28);
    add_child(rev, "revenue-q4", WAN(1600), "2026-Q4", 32);
    sp_goal *leads = add_goal(p, "leads", GOAL_PROCESS, MET_QUALIFIED_LEADS, 200, "2026", 40);
    leads->per_month = true;
    set_owner(leads, "r002");
    supports(leads, "revenue");
    add_strategy(p, "east", "revenue", "leads", 60);
    sp_task *a = add_task(p, "a", "r001", "2026-04-01", "2026-04-15", NULL, NULL, 70);
    task_budget(a, "marketing", YUAN(5000));
    add_task(p, "b", "r002", "2026-04-16", "2026-04-30", "a", NULL, 74);
    p->budget_total = WAN(200);
    add_cat(p, "marketing", 400000, 90);
    add_cat(p, "ops", 600000, 91);
    return p;
}

static void run(const sp_plan *p, sp_history_fn h, void *ctx, sp_check_result *r)
{
    memset(r, 0, sizeof *r);
    plan_check(p, h, ctx, r);
}

/* ---- tests ---- */

static void test_valid_plan(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    sp_check_result r;
    run(p, NULL, NULL, &r);
    if (r.ndiags) dump(&r);
    assert_int_equal(r.nerrors, 0);
    assert_int_equal(r.nwarnings, 0);
    assert_int_equal(r.nsmart, 6); /* revenue, 4 quarters, leads: pre-order */
    assert_string_equal(r.smart[0].goal_id, "revenue");
    assert_string_equal(r.smart[1].goal_id, "revenue-q1");
    assert_string_equal(r.smart[5].goal_id, "leads");
    for (size_t i = 0; i < r.nsmart; i++) {
        assert_int_equal(r.smart[i].v[SMART_S], VERDICT_PASS);
        assert_int_equal(r.smart[i].v[SMART_M], VERDICT_PASS);
        assert_int_equal(r.smart[i].v[SMART_A], VERDICT_UNKNOWN);
        assert_int_equal(r.smart[i].v[SMART_R], VERDICT_PASS);
        assert_int_equal(r.smart[i].v[SMART_T], VERDICT_PASS);
        assert_non_null(strstr(r.smart[i].reason[SMART_A], "no history"));
    }
    /* a child is relevant through its served parent */
    assert_non_null(strstr(smart_of(&r, "revenue-q3")->reason[SMART_R], "revenue"));
    check_result_free(&r);
    plan_free(p);
}

/* children one fen short: the gap is printed, at the parent's target */
static void test_sum_off_by_one_fen(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    p->goals[0].children[3].target = WAN(1600) - 1;
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(r.nerrors, 1);
    const sp_diag *d = find_diag(&r, "children of 'revenue'");
    assert_non_null(d);
    assert_string_equal(d->msg, "children of 'revenue' sum to 49,999,999.99 (parent 50,000,000.00; gap -0.01)");
    assert_int_equal(d->pos.line, 11); /* the parent's target */
    check_result_free(&r);

    /* 100万 over: gap +1,000,000.00 */
    p->goals[0].children[3].target = WAN(1700);
    run(p, NULL, NULL, &r);
    assert_int_equal(count_diag(&r, SEV_ERROR, "sum to 51,000,000.00", "gap +1,000,000.00", NULL), 1);
    check_result_free(&r);
    plan_free(p);
}

static void test_sum_counts_and_skips(void **state)
{
    (void)state;
    sp_plan *p = new_plan();
    add_member(p, "r1", ROLE_REP, -1);
    /* count metric: 10 + 10 != 25 */
    sp_goal *g = add_goal(p, "deals", GOAL_RESULT, MET_DEALS_WON, 25, "2026-H1", 10);
    add_child(g, "deals-q1", 10, "2026-Q1", 20);
    add_child(g, "deals-q2", 10, "2026-Q2", 24);
    /* per: month: each month holds the target; no sum */
    sp_goal *pm = add_goal(p, "leads", GOAL_RESULT, MET_LEADS, 100, "2026", 30);
    pm->per_month = true;
    add_child(pm, "leads-h1", 100, "2026-H1", 34);
    add_child(pm, "leads-h2", 120, "2026-H2", 38);
    /* non-additive: ratios never sum */
    sp_goal *wr = add_goal(p, "win", GOAL_RESULT, MET_WIN_RATE, 400000, "2026", 50);
    add_child(wr, "win-h1", 300000, "2026-H1", 54);
    add_child(wr, "win-h2", 500000, "2026-H2", 58);
    add_strategy(p, "s", "deals", "leads", 80);
    p->strategies[0].goals = xreallocarray(p->strategies[0].goals, 3, sizeof(char *));
    p->strategies[0].goals[p->strategies[0].ngoals++] = xstrdup("win");
    sp_check_result r;
    run(p, NULL, NULL, &r);
    if (r.nerrors != 1) dump(&r);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "children of 'deals' sum to 20 (parent 25; gap -5)", NULL, NULL), 1);
    check_result_free(&r);
    plan_free(p);
}

static void test_periods(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    sp_goal *rev = &p->goals[0];
    /* make it an H1 goal split Q1 / 2026-03 (overlap) / Q3 (outside) */
    rev->target = WAN(3400); /* = 1000 + 1200 + 1200: the sum itself is right */
    free(rev->period_text);
    rev->period_text = xstrdup("2026-H1");
    rev->period = per("2026-H1");
    free(rev->children[1].period_text);
    rev->children[1].period_text = xstrdup("2026-03");
    rev->children[1].period = per("2026-03");
    free(rev->children[2].period_text);
    rev->children[2].period_text = xstrdup("2026-Q3");
    rev->children[2].period = per("2026-Q3");
    rev->nchildren = 3; /* q4 freed below via the full count */
    sp_goal q4 = rev->children[3];
    /* leads outside the plan's period */
    sp_goal *leads = &p->goals[1];
    free(leads->period_text);
    leads->period_text = xstrdup("2027-Q1");
    leads->period = per("2027-Q1");
    sp_check_result r;
    run(p, NULL, NULL, &r);
    const sp_diag *d = find_diag(&r, "lies outside its parent 'revenue' (period 2026-H1)");
    assert_non_null(d);
    assert_non_null(strstr(d->msg, "'revenue-q3'"));
    assert_int_equal(d->pos.line, 30); /* child's period line */
    d = find_diag(&r, "overlaps");
    assert_non_null(d);
    assert_non_null(strstr(d->msg, "'revenue-q2': period 2026-03 overlaps 'revenue-q1' (period 2026-Q1)"));
    /* T fails for leads, an error at its period */
    const sp_smart *sm = smart_of(&r, "leads");
    assert_int_equal(sm->v[SMART_T], VERDICT_FAIL);
    assert_non_null(strstr(sm->reason[SMART_T], "2027-Q1"));
    d = find_diag(&r, "goal 'leads' is not Time-bound");
    assert_non_null(d);
    assert_int_equal(d->sev, SEV_ERROR);
    assert_int_equal(d->pos.line, 42);
    assert_int_equal(smart_of(&r, "revenue-q3")->v[SMART_T], VERDICT_PASS); /* inside the plan */
    assert_int_equal(r.nerrors, 3);
    check_result_free(&r);
    rev->nchildren = 4;
    rev->children[3] = q4;
    plan_free(p);
}

static void test_budget_shares(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    p->budget_cats[1].share = 590000; /* 40% + 59% */
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(r.nerrors, 1);
    const sp_diag *d = find_diag(&r, "shares sum to");
    assert_non_null(d);
    assert_string_equal(d->msg, "budget category shares sum to 99%, not 100%");
    assert_int_equal(d->pos.line, 90);
    check_result_free(&r);
    plan_free(p);
}

static void test_budget_overrun(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    /* 200万 × 40% = 80万; tasks 5000 + 79.6万 = 80.1万: over by 1000 */
    task_budget(&p->tasks[1], "marketing", YUAN(796000));
    sp_check_result r;
    run(p, NULL, NULL, &r);
    if (r.nerrors != 1) dump(&r);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "'marketing'", "801,000.00", "by 1,000.00"), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "800,000.00", NULL, NULL), 1);
    check_result_free(&r);
    /* exactly the allocation fits */
    p->tasks[1].budget_amount = YUAN(795000);
    run(p, NULL, NULL, &r);
    assert_int_equal(r.nerrors, 0);
    check_result_free(&r);
    /* unknown category */
    free(p->tasks[1].budget_category);
    p->tasks[1].budget_category = xstrdup("marketng");
    run(p, NULL, NULL, &r);
    assert_int_equal(count_diag(&r, SEV_ERROR, "unknown budget category 'marketng'", "did you mean 'marketing'", NULL), 1);
    check_result_free(&r);
    plan_free(p);
}

static void test_cycle_of_three_and_self(void **state)
{
    (void)state;
    sp_plan *p = new_plan();
    add_member(p, "r1", ROLE_REP, -1);
    add_task(p, "a", "r1", "2026-01-01", "2026-01-10", "b", NULL, 10);
    add_task(p, "b", "r1", "2026-01-11", "2026-01-20", "c", NULL, 20);
    add_task(p, "c", "r1", "2026-01-21", "2026-01-30", "a", NULL, 30);
    add_task(p, "x", "r1", "2026-02-01", "2026-02-10", "x", NULL, 40);
    add_task(p, "y", "r1", "2026-02-01", "2026-02-10", "a", NULL, 50); /* depends on the cycle, not in it */
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(count_diag(&r, SEV_ERROR, "dependency cycle", NULL, NULL), 2);
    const sp_diag *d = find_diag(&r, "dependency cycle: a");
    assert_non_null(d);
    assert_string_equal(d->msg, "dependency cycle: a → b → c → a");
    /* at the depends_on entry closing the cycle: c's (no entry positions
     * in this hand-built plan, so c's own line) */
    assert_int_equal(d->pos.line, 30);
    d = find_diag(&r, "dependency cycle: x");
    assert_non_null(d);
    assert_string_equal(d->msg, "dependency cycle: x → x");
    assert_int_equal(d->pos.line, 40);
    check_result_free(&r);
    plan_free(p);
}

static void test_task_dates(void **state)
{
    (void)state;
    sp_plan *p = new_plan();
    add_member(p, "r1", ROLE_REP, -1);
    add_task(p, "late", "r1", "2026-05-10", "2026-05-01", NULL, NULL, 10);
    add_task(p, "out", "r1", "2025-12-20", "2027-01-05", NULL, NULL, 20);
    add_task(p, "early", "r1", "2026-05-05", "2026-05-20", "late", NULL, 30); /* before late's due 05-01? no */
    add_task(p, "eager", "r1", "2026-04-20", "2026-05-20", "early", NULL, 40); /* starts before 05-20 */
    sp_check_result r;
    run(p, NULL, NULL, &r);
    const sp_diag *d = find_diag(&r, "task 'late' is due 2026-05-01, before it starts (2026-05-10)");
    assert_non_null(d);
    assert_int_equal(d->pos.line, 12);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'out' starts 2025-12-20, outside the plan's period 2026", NULL,
                                NULL),
                     1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'out' is due 2027-01-05", NULL, NULL), 1);
    assert_int_equal(r.nerrors, 3);
    /* early starts 05-05, after late's due 05-01: no warning; eager starts
     * 04-20, before early's due 05-20: one warning */
    assert_int_equal(r.nwarnings, 1);
    assert_int_equal(count_diag(&r, SEV_WARNING, "task 'eager' starts 2026-04-20, before its dependency 'early' is due (2026-05-20)",
                                NULL, NULL),
                     1);
    check_result_free(&r);
    plan_free(p);
}

static void test_references(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    free(p->goals[0].owner);
    p->goals[0].owner = xstrdup("r01");                      /* near r001 */
    free(p->tasks[0].collaborators);
    p->tasks[0].collaborators = strv(&p->tasks[0].ncollaborators, "r002", "nobody", NULL);
    free(p->tasks[1].owner);
    p->tasks[1].owner = xstrdup("zhang");
    p->tasks[1].strategy = xstrdup("west");                   /* no such strategy */
    free(p->tasks[1].depends_on[0]);
    p->tasks[1].depends_on[0] = xstrdup("zz");
    sp_strategy *s = &p->strategies[0];
    free(s->answers);
    s->answers = strv(&s->nanswers, "p9", NULL, NULL);
    s->goals = xreallocarray(s->goals, 3, sizeof(char *));
    s->goals[s->ngoals++] = xstrdup("profit");
    sp_check_result r;
    run(p, NULL, NULL, &r);
    const sp_diag *d = find_diag(&r, "unknown team member 'r01'");
    assert_non_null(d);
    assert_non_null(strstr(d->msg, "did you mean 'r001'"));
    assert_int_equal(d->pos.line, 14); /* the owner key */
    /* children inherit the owner: reported once, not five times */
    assert_int_equal(count_diag(&r, SEV_ERROR, "'r01'", NULL, NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'a'", "unknown collaborator 'nobody'", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'b'", "unknown owner 'zhang'", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'b'", "unknown strategy 'west'", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "task 'b'", "unknown task 'zz'", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "strategy 'east'", "unknown analysis item", "'p9'"), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "strategy 'east'", "unknown goal 'profit'", NULL), 1);
    assert_int_equal(r.nerrors, 7); /* all of them, not just the first */
    check_result_free(&r);

    /* analysis ids of every kind are accepted */
    p->pest = xcalloc(1, sizeof *p->pest);
    p->npest = 1;
    p->pest[0].id = xstrdup("p9");
    run(p, NULL, NULL, &r);
    assert_int_equal(count_diag(&r, SEV_ERROR, "'p9'", NULL, NULL), 0);
    check_result_free(&r);
    plan_free(p);
}

static void test_relevant(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    /* leads supports nothing; its child inherits the failure */
    sp_goal *leads = &p->goals[1];
    for (size_t i = 0; i < leads->nsupports; i++) free(leads->supports[i]);
    free(leads->supports);
    leads->supports = NULL;
    leads->nsupports = 0;
    add_child(leads, "leads-h1", 200, "2026-H1", 48);
    /* a second process goal supports a process goal */
    sp_goal *visits = add_goal(p, "visits", GOAL_PROCESS, MET_VISITS, 20, "2026", 50);
    visits->per_month = true;
    supports(visits, "leads");
    /* a strategy serving nothing */
    sp_strategy *s = add_strategy(p, "idle", NULL, NULL, 66);
    (void)s;
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(smart_of(&r, "leads")->v[SMART_R], VERDICT_FAIL);
    assert_int_equal(smart_of(&r, "leads-h1")->v[SMART_R], VERDICT_FAIL);
    assert_int_equal(smart_of(&r, "visits")->v[SMART_R], VERDICT_FAIL);
    assert_int_equal(count_diag(&r, SEV_ERROR, "goal 'leads' is not Relevant", "supports", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "goal 'visits'", "'leads', which is a process goal", NULL), 1);
    const sp_diag *d = find_diag(&r, "strategy 'idle' serves no goal");
    assert_non_null(d);
    assert_int_equal(d->sev, SEV_ERROR);
    assert_int_equal(d->pos.line, 66);
    check_result_free(&r);

    /* a process child is relevant through its parent's supports */
    leads->supports = strv(&leads->nsupports, "revenue", NULL, NULL);
    run(p, NULL, NULL, &r);
    assert_int_equal(smart_of(&r, "leads-h1")->v[SMART_R], VERDICT_PASS);
    check_result_free(&r);

    /* a result goal no strategy serves: a warning, and the plan stays valid */
    free(p->strategies[0].goals[0]);
    p->strategies[0].goals[0] = xstrdup("leads");
    p->nstrategies = 1;
    run(p, NULL, NULL, &r);
    assert_int_equal(smart_of(&r, "revenue")->v[SMART_R], VERDICT_WARN);
    assert_int_equal(smart_of(&r, "revenue-q2")->v[SMART_R], VERDICT_WARN);
    assert_int_equal(count_diag(&r, SEV_WARNING, "goal 'revenue' is not Relevant", "no strategy", NULL), 1);
    check_result_free(&r);
    p->nstrategies = 2;
    plan_free(p);
}

/* capacity: r002 12 visits a month, r003 the default 8: 20 a month */
static void test_capacity(void **state)
{
    (void)state;
    static const struct {
        sp_metric metric;
        bool per_month;
        int64_t target;
        const char *period;
        sp_verdict want;
        const char *frag;
    } cases[] = {
        {MET_VISITS, true, 20, "2026", VERDICT_PASS, "needs 20 visits a month"},
        {MET_VISITS, true, 21, "2026", VERDICT_FAIL, "capacity of 20 (reps: 2)"},
        {MET_VISITS, false, 240, "2026", VERDICT_PASS, "needs 20 visits a month"},
        {MET_VISITS, false, 241, "2026", VERDICT_FAIL, "needs 20.08 visits a month"},
        {MET_VISITS, false, 60, "2026-Q3", VERDICT_PASS, "needs 20 visits"},
        {MET_VISITS, false, 61, "2026-Q3", VERDICT_FAIL, "20.33"},
        {MET_VISITS_PER_REP, false, 1000, "2026", VERDICT_PASS, "average capacity of 10"},
        {MET_VISITS_PER_REP, false, 1050, "2026", VERDICT_FAIL, "needs 10.5 visits per rep"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_plan *p = valid_plan();
        sp_goal *g = add_goal(p, "v", GOAL_PROCESS, cases[i].metric, cases[i].target, cases[i].period, 50);
        g->per_month = cases[i].per_month;
        supports(g, "revenue");
        sp_check_result r;
        run(p, NULL, NULL, &r);
        const sp_smart *sm = smart_of(&r, "v");
        if (sm->v[SMART_A] != cases[i].want || !strstr(sm->reason[SMART_A], cases[i].frag))
            fail_msg("case %zu: verdict %d reason '%s'", i, (int)sm->v[SMART_A], sm->reason[SMART_A]);
        /* an Achievable failure is a warning: the plan still imports */
        assert_int_equal(r.nerrors, 0);
        {
            const sp_diag *ad = find_diag(&r, "is not Achievable");
            if (cases[i].want == VERDICT_FAIL) {
                assert_non_null(ad);
                assert_int_equal(ad->sev, SEV_WARNING);
            } else {
                assert_null(ad);
            }
        }
        check_result_free(&r);
        plan_free(p);
    }
    /* no rep at all */
    sp_plan *p = valid_plan();
    p->groups[0].members[1].role = ROLE_PRESALES;
    p->groups[0].members[2].role = ROLE_MANAGER;
    sp_goal *g = add_goal(p, "v", GOAL_PROCESS, MET_VISITS, 1, "2026", 50);
    g->per_month = true;
    supports(g, "revenue");
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(smart_of(&r, "v")->v[SMART_A], VERDICT_FAIL);
    check_result_free(&r);
    plan_free(p);
}

/* history: a table of last year's actuals by goal id */
typedef struct hist {
    const char *id;
    int64_t last;
} hist;

static bool hist_fn(const sp_goal *g, int64_t *last, void *ctx)
{
    for (const hist *h = ctx; h->id; h++)
        if (str_eq(h->id, g->id)) {
            *last = h->last;
            return true;
        }
    return false;
}

static void test_history_growth(void **state)
{
    (void)state;
    static const struct {
        sp_direction dir;
        int64_t target, last;
        sp_ratio max;
        sp_verdict want;
        const char *frag;
    } cases[] = {
        {DIR_AT_LEAST, WAN(160), WAN(100), 500000, VERDICT_FAIL, "growth 60% over last year's 1,000,000.00 (at most 50%)"},
        {DIR_AT_LEAST, WAN(140), WAN(100), 500000, VERDICT_PASS, "growth 40%"},
        {DIR_AT_LEAST, WAN(150), WAN(100), 500000, VERDICT_PASS, "growth 50%"},
        {DIR_AT_LEAST, WAN(150) + 1, WAN(100), 500000, VERDICT_FAIL, "at most 50%"},
        {DIR_AT_LEAST, WAN(80), WAN(100), 500000, VERDICT_PASS, "growth -20%"},
        {DIR_AT_LEAST, WAN(140), WAN(100), 300000, VERDICT_FAIL, "at most 30%"},
        {DIR_AT_MOST, WAN(40), WAN(100), 500000, VERDICT_FAIL, "reduction 60% from last year's 1,000,000.00"},
        {DIR_AT_MOST, WAN(60), WAN(100), 500000, VERDICT_PASS, "reduction 40%"},
        {DIR_AT_MOST, WAN(120), WAN(100), 500000, VERDICT_PASS, "reduction -20%"},
        {DIR_AT_LEAST, WAN(100), 0, 500000, VERDICT_UNKNOWN, "zero"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        sp_plan *p = valid_plan();
        p->max_growth = cases[i].max;
        sp_goal *g = add_goal(p, "cost", GOAL_RESULT, MET_SPEND, cases[i].target, "2026", 50);
        g->direction = cases[i].dir;
        add_strategy(p, "s2", "cost", NULL, 66);
        hist h[] = {{"cost", cases[i].last}, {NULL, 0}};
        sp_check_result r;
        run(p, hist_fn, h, &r);
        const sp_smart *sm = smart_of(&r, "cost");
        if (sm->v[SMART_A] != cases[i].want || !strstr(sm->reason[SMART_A], cases[i].frag))
            fail_msg("case %zu: verdict %d reason '%s'", i, (int)sm->v[SMART_A], sm->reason[SMART_A]);
        /* an Achievable failure is a warning: the plan still imports */
        assert_int_equal(r.nerrors, 0);
        {
            const sp_diag *ad = find_diag(&r, "is not Achievable");
            if (cases[i].want == VERDICT_FAIL) {
                assert_non_null(ad);
                assert_int_equal(ad->sev, SEV_WARNING);
            } else {
                assert_null(ad);
            }
        }
        if (cases[i].want == VERDICT_FAIL) {
            const sp_diag *d = find_diag(&r, "goal 'cost' is not Achievable");
            assert_non_null(d);
            assert_int_equal(d->pos.line, 51); /* the target */
        }
        /* goals without history stay unknown */
        assert_int_equal(smart_of(&r, "leads")->v[SMART_A], VERDICT_UNKNOWN);
        check_result_free(&r);
        plan_free(p);
    }
}

/* per: month targets compare 12 months of target with last year's total */
static void test_history_per_month(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    hist h[] = {{"leads", 1600}, {NULL, 0}}; /* 200 × 12 = 2400 = +50% */
    sp_check_result r;
    run(p, hist_fn, h, &r);
    assert_int_equal(smart_of(&r, "leads")->v[SMART_A], VERDICT_PASS);
    assert_non_null(strstr(smart_of(&r, "leads")->reason[SMART_A], "growth 50%"));
    check_result_free(&r);
    h[0].last = 1500; /* +60% */
    run(p, hist_fn, h, &r);
    assert_int_equal(smart_of(&r, "leads")->v[SMART_A], VERDICT_FAIL);
    check_result_free(&r);
    plan_free(p);
}

static void test_specific_measurable(void **state)
{
    (void)state;
    sp_plan *p = valid_plan();
    free(p->goals[1].name);
    p->goals[1].name = NULL;
    sp_goal *m = add_goal(p, "nps", GOAL_RESULT, MET_MANUAL, 5000, "2026", 50);
    add_strategy(p, "s2", "nps", NULL, 66);
    sp_goal *nt = add_goal(p, "nt", GOAL_RESULT, MET_REVENUE, 0, "2026", 56);
    nt->has_target = false;
    p->strategies[1].goals = xreallocarray(p->strategies[1].goals, 3, sizeof(char *));
    p->strategies[1].goals[p->strategies[1].ngoals++] = xstrdup("nt");
    (void)m;
    sp_check_result r;
    run(p, NULL, NULL, &r);
    assert_int_equal(smart_of(&r, "leads")->v[SMART_S], VERDICT_WARN);
    assert_int_equal(count_diag(&r, SEV_WARNING, "goal 'leads' is not Specific", "no name", NULL), 1);
    assert_int_equal(smart_of(&r, "nps")->v[SMART_M], VERDICT_WARN);
    assert_non_null(strstr(smart_of(&r, "nps")->reason[SMART_M], "entered by hand"));
    assert_int_equal(smart_of(&r, "nt")->v[SMART_M], VERDICT_FAIL);
    assert_int_equal(r.nerrors, 1);
    assert_int_equal(r.nwarnings, 2);
    check_result_free(&r);
    plan_free(p);
}

static void test_check_add(void **state)
{
    (void)state;
    sp_check_result r;
    memset(&r, 0, sizeof r);
    for (int i = 0; i < 100; i++) check_add(&r, i % 3 ? SEV_ERROR : SEV_WARNING, (sp_pos){i, 1}, "problem %d", i);
    assert_int_equal(r.ndiags, 100);
    assert_int_equal(r.nwarnings, 34);
    assert_int_equal(r.nerrors, 66);
    assert_string_equal(r.diags[99].msg, "problem 99");
    assert_int_equal(r.diags[42].pos.line, 42);
    check_result_free(&r);
    assert_int_equal(r.ndiags, 0);
}

/* splits: each entry of `splits` sums to the parent on its own (the gap
 * printed, at the parent's target), independently of `children`; its
 * children are checked like children (period inside the parent, no
 * double counting), and the split children are goals of the plan. */
static void test_splits(void **state)
{
    (void)state;
    const char *y = "plan: {id: t, name: T, period: 2026}\n"
                    "team: {groups: [{id: g, members: [{id: r1, role: leader}]}]}\n"
                    "goals:\n"
                    "  - id: revenue\n"
                    "    name: Revenue\n"
                    "    metric: revenue\n"
                    "    target: 5000万\n"
                    "    period: 2026\n"
                    "    owner: r1\n"
                    "    children:\n"
                    "      - {id: h1, period: 2026-H1, target: 2000万}\n"
                    "      - {id: h2, period: 2026-H2, target: 3000万}\n"
                    "    splits:\n"
                    "      - by: region\n"
                    "        children:\n"
                    "          - {id: east, filter: {region: E}, target: 3000万}\n"
                    "          - {id: west, filter: {region: W}, target: 1999万}\n"
                    "      - by: industry\n"
                    "        children:\n"
                    "          - {id: mfg, filter: {industry: M}, target: 4000万}\n"
                    "          - {id: mfg2, filter: {industry: M}, target: 1000万}\n"
                    "          - {id: late, filter: {industry: X}, period: 2027, target: 0}\n"
                    "strategies:\n  - {id: s, category: market, name: S, goals: [revenue]}\n";
    sp_err err = SP_ERR_INIT;
    sp_plan *p = plan_yaml_parse(y, strlen(y), "s.yaml", &err);
    if (!p) fprintf(stderr, "%s", buf_cstr(&err.msg));
    assert_non_null(p);
    assert_int_equal(plan_goal_count(p), 8);
    sp_check_result r;
    run(p, NULL, NULL, &r);
    /* children sum exactly: no error about them */
    assert_int_equal(count_diag(&r, SEV_ERROR, "children of 'revenue'", NULL, NULL), 0);
    /* by region: 3000万 + 1999万 = 4999万, gap -10,000.00 (money in yuan) */
    const sp_diag *d = find_diag(&r, "the split by region of 'revenue'");
    assert_non_null(d);
    assert_string_equal(d->msg, "the split by region of 'revenue' sums to 49,990,000.00 (parent 50,000,000.00; gap "
                                "-10,000.00)");
    assert_int_equal(d->pos.line, 7);
    /* by industry: mfg and mfg2 count the same results twice; late lies
     * outside the parent's period */
    assert_int_equal(count_diag(&r, SEV_ERROR, "'mfg2'", "overlaps 'mfg'", NULL), 1);
    assert_int_equal(count_diag(&r, SEV_ERROR, "goal 'late': period 2027 lies outside its parent 'revenue'", NULL,
                                NULL),
                     1);
    check_result_free(&r);
    plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_plan),
        cmocka_unit_test(test_sum_off_by_one_fen),
        cmocka_unit_test(test_sum_counts_and_skips),
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_budget_shares),
        cmocka_unit_test(test_budget_overrun),
        cmocka_unit_test(test_cycle_of_three_and_self),
        cmocka_unit_test(test_task_dates),
        cmocka_unit_test(test_references),
        cmocka_unit_test(test_relevant),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_history_growth),
        cmocka_unit_test(test_history_per_month),
        cmocka_unit_test(test_specific_measurable),
        cmocka_unit_test(test_check_add),
        cmocka_unit_test(test_splits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
