/*
 * test_plan.c — the plan file (SPEC §4): reading examples/plan-*.yaml into
 * the model (io/plan_yaml.c), the error lines of bad plans
 * (tests/data/plans/bad-*.yaml) with their positions, goal inheritance, the
 * canonical YAML export and its round trip, the JSON export, and the model
 * helpers of core/plan.c.
 *
 * Runs from the tests/ directory (meson's workdir), so data paths are
 * relative to it. Expected values are computed from the files by hand
 * (positions counted in the fixtures), never copied from the output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/plan.h"
#include "io/plan_export.h"
#include "io/plan_yaml.h"

#define ZH "../examples/plan-zh.yaml"
#define EN "../examples/plan-en.yaml"
#define DATA "data/plans/"

static sp_plan *load_ok(const char *path)
{
    sp_err e = SP_ERR_INIT;
    sp_plan *p = plan_yaml_load_file(path, &e);
    if (!p) fprintf(stderr, "%s", buf_cstr(&e.msg));
    assert_non_null(p);
    assert_true(err_ok(&e));
    err_free(&e);
    return p;
}

static sp_plan *parse_str(const char *text, sp_err *e) { return plan_yaml_parse(text, strlen(text), "t.yaml", e); }

static const sp_goal *goal(const sp_plan *p, const char *id)
{
    const sp_goal *g = plan_find_goal(p, id);
    if (!g) fprintf(stderr, "goal %s missing\n", id);
    assert_non_null(g);
    return g;
}

static sp_day ymd(int y, int m, int d) { return day_from_ymd(y, m, d); }

/* ---- the examples ---- */

/* checks shared by both languages (ids, numbers, enums are the same) */
static void check_example_common(const sp_plan *p)
{
    assert_string_equal(p->id, "fy2026");
    assert_string_equal(p->currency, "CNY");
    assert_string_equal(p->timezone, "Asia/Shanghai");
    assert_int_equal(p->fiscal_year_start, 1);
    assert_int_equal(p->pacing, PACING_LINEAR);
    assert_string_equal(p->period_text, "2026");
    assert_int_equal(p->period.first, ymd(2026, 1, 1));
    assert_int_equal(p->period.last, ymd(2026, 12, 31));
    assert_int_equal(p->max_growth, 500000);

    /* team */
    assert_int_equal(p->ngroups, 1);
    assert_string_equal(p->groups[0].id, "mfg");
    assert_int_equal(p->groups[0].nmembers, 4);
    assert_int_equal(p->groups[0].focus.n, 1);
    assert_int_equal(p->groups[0].focus.kv[0].dim, DIM_INDUSTRY);
    const sp_group *grp = NULL;
    const sp_member *r002 = plan_find_member(p, "r002", &grp);
    assert_non_null(r002);
    assert_ptr_equal(grp, &p->groups[0]);
    assert_int_equal(r002->role, ROLE_REP);
    assert_true(r002->has_visits_capacity);
    assert_int_equal(r002->visits_per_month, 12);
    assert_false(plan_find_member(p, "r003", NULL)->has_visits_capacity);
    assert_int_equal(plan_find_member(p, "r001", NULL)->role, ROLE_LEADER);
    assert_int_equal(plan_find_member(p, "r004", NULL)->role, ROLE_PRESALES);
    assert_null(plan_find_member(p, "r999", &grp));
    assert_null(grp);

    /* goals: 3 top-level + 4 children + 4 children of the split by region */
    assert_int_equal(p->ngoals, 3);
    assert_int_equal(plan_goal_count(p), 11);
    const sp_goal *rev = goal(p, "revenue");
    assert_int_equal(rev->metric, MET_REVENUE);
    assert_int_equal(rev->type, GOAL_RESULT);
    assert_int_equal(rev->target, (int64_t)50000000 * 100); /* 5000万 yuan in fen */
    assert_string_equal(rev->target_text, "5000万");
    assert_string_equal(rev->owner, "r001");
    assert_int_equal(rev->direction, DIR_AT_LEAST);
    assert_true(rev->has_direction);
    assert_null(rev->parent);
    assert_int_equal(rev->nchildren, 4);
    static const struct {
        const char *id;
        int64_t wan;
        int q;
    } kids[] = {{"revenue-q1", 1000, 1}, {"revenue-q2", 1200, 2}, {"revenue-q3", 1200, 3}, {"revenue-q4", 1600, 4}};
    int64_t sum = 0;
    for (size_t i = 0; i < 4; i++) {
        const sp_goal *c = &rev->children[i];
        assert_string_equal(c->id, kids[i].id);
        assert_ptr_equal(c->parent, rev);
        assert_ptr_equal(goal(p, kids[i].id), c);
        assert_int_equal(c->target, kids[i].wan * 10000 * 100);
        sum += c->target;
        /* inherited, not written */
        assert_int_equal(c->metric, MET_REVENUE);
        assert_false(c->has_metric);
        assert_string_equal(c->owner, "r001");
        assert_false(c->has_owner);
        assert_int_equal(c->type, GOAL_RESULT);
        assert_false(c->has_type);
        assert_true(c->has_period);
        assert_false(c->name_given);
        int m0 = (kids[i].q - 1) * 3 + 1;
        assert_int_equal(c->period.first, ymd(2026, m0, 1));
        assert_int_equal(c->period.last, ymd(2026, m0 + 2, days_in_month(2026, m0 + 2)));
        /* inherited positions point at the parent's key */
        assert_int_equal(c->pos_metric.line, rev->pos_metric.line);
    }
    assert_int_equal(sum, rev->target);
    assert_int_equal(rev->children[3].target, (int64_t)1600000000); /* 1600万 = 16,000,000 yuan */

    /* splits: one more split, by region, summing to the parent on its own;
     * its children inherit like `children` and are found by id */
    assert_int_equal(rev->nsplits, 1);
    const sp_split *byr = &rev->splits[0];
    assert_string_equal(byr->by, "region");
    assert_int_equal(byr->nchildren, 4);
    static const char *const rids[] = {"revenue-east", "revenue-north", "revenue-south", "revenue-southwest"};
    static const int64_t rwan[] = {2500, 1000, 900, 600};
    sum = 0;
    for (size_t i = 0; i < 4; i++) {
        const sp_goal *c = &byr->children[i];
        assert_string_equal(c->id, rids[i]);
        assert_ptr_equal(goal(p, rids[i]), c);
        assert_ptr_equal(c->parent, rev);
        assert_string_equal(c->split_by, "region");
        assert_int_equal(c->target, rwan[i] * 10000 * 100);
        assert_int_equal(c->metric, MET_REVENUE);
        assert_false(c->has_metric);
        assert_string_equal(c->owner, "r001");
        assert_int_equal(c->period.first, rev->period.first);
        assert_int_equal(c->period.last, rev->period.last);
        assert_int_equal(c->filter.n, 1);
        assert_int_equal(c->filter.kv[0].dim, DIM_REGION);
        sum += c->target;
    }
    assert_int_equal(sum, rev->target);
    assert_null(rev->children[0].split_by);

    const sp_goal *share = goal(p, "q3-new-share");
    assert_int_equal(share->metric, MET_NEW_CUSTOMER_REVENUE_SHARE);
    assert_int_equal(share->target, 400000);
    assert_int_equal(share->period.first, ymd(2026, 7, 1));
    assert_int_equal(share->period.last, ymd(2026, 9, 30));

    const sp_goal *leads = goal(p, "leads");
    assert_int_equal(leads->type, GOAL_PROCESS);
    assert_int_equal(leads->metric, MET_QUALIFIED_LEADS);
    assert_int_equal(leads->target, 200);
    assert_true(leads->per_month);
    assert_string_equal(leads->owner, "r004");
    assert_int_equal(leads->nsupports, 1);
    assert_string_equal(leads->supports[0], "revenue");
    assert_int_equal(leads->filter.n, 2);
    assert_int_equal(leads->filter.kv[0].dim, DIM_REGION);
    assert_int_equal(leads->filter.kv[1].dim, DIM_INDUSTRY);

    /* analysis */
    assert_int_equal(p->npest, 2);
    assert_int_equal(p->pest[0].factor, PEST_POLITICAL);
    assert_int_equal(p->pest[0].effect, EFFECT_OPPORTUNITY);
    assert_int_equal(p->pest[0].impact, 4);
    assert_int_equal(p->pest[1].factor, PEST_ECONOMIC);
    assert_int_equal(p->pest[1].effect, EFFECT_THREAT);
    assert_int_equal(p->pest[1].impact, 3);
    assert_int_equal(p->npersonas, 1);
    assert_string_equal(p->personas[0].id, "mfg-mid");
    assert_int_equal(p->personas[0].size, SIZE_MEDIUM);
    assert_int_equal(p->personas[0].npains, 1);
    assert_int_equal(p->personas[0].ndecision_chain, 3);
    assert_string_equal(p->personas[0].decision_chain[2], "CFO");
    assert_true(p->personas[0].has_premium);
    assert_int_equal(p->personas[0].premium_lo, 200000);
    assert_int_equal(p->personas[0].premium_hi, 300000);
    assert_int_equal(p->ncapabilities, 3);
    assert_int_equal(p->capabilities[0].kind, CAP_STRENGTH);
    assert_int_equal(p->capabilities[1].kind, CAP_WEAKNESS);
    assert_int_equal(p->capabilities[2].kind, CAP_CONSTRAINT);

    /* strategies and tasks */
    assert_int_equal(p->nstrategies, 1);
    assert_int_equal(p->strategies[0].category, STRAT_MARKET);
    assert_int_equal(p->strategies[0].ngoals, 3);
    assert_string_equal(p->strategies[0].goals[2], "leads");
    assert_int_equal(p->strategies[0].nanswers, 2);
    assert_string_equal(p->strategies[0].answers[1], "c1");
    assert_int_equal(p->strategies[0].priority, 1);
    assert_int_equal(p->ntasks, 1);
    const sp_task *t = &p->tasks[0];
    assert_string_equal(t->id, "bench-select");
    assert_string_equal(t->strategy, "east-mfg");
    assert_string_equal(t->owner, "r001");
    assert_int_equal(t->ncollaborators, 1);
    assert_string_equal(t->collaborators[0], "r004");
    assert_int_equal(t->start, ymd(2026, 4, 1));
    assert_int_equal(t->due, ymd(2026, 4, 15));
    assert_int_equal(t->ndepends_on, 0);
    assert_false(t->milestone);
    assert_true(t->has_budget);
    assert_string_equal(t->budget_category, "marketing");
    assert_int_equal(t->budget_amount, 500000);
    assert_int_equal(t->nresources, 1);

    /* budget, tiers, alerts, notify */
    assert_true(p->has_budget);
    assert_int_equal(p->budget_total, (int64_t)2000000 * 100);
    assert_int_equal(p->nbudget_cats, 4);
    sp_ratio shares = 0;
    for (size_t i = 0; i < p->nbudget_cats; i++) shares += p->budget_cats[i].share;
    assert_int_equal(shares, SP_RATIO_ONE);
    assert_string_equal(p->budget_cats[1].id, "customer_ops");
    assert_int_equal(p->ntiers, 3);
    assert_string_equal(p->tiers[0].id, "strategic");
    assert_int_equal(p->tiers[0].min, (int64_t)1000000 * 100);
    assert_int_equal(p->tiers[0].review_every_days, 30);
    assert_int_equal(p->tiers[1].min, (int64_t)500000 * 100);
    assert_int_equal(p->tiers[1].review_every_days, 0);
    assert_int_equal(p->tiers[2].min, 0);
    assert_int_equal(p->alerts.stale_followup_days, 7);
    assert_int_equal(p->alerts.nstale_by_tier, 0);
    assert_int_equal(p->alerts.escalate_after_days, 14);
    assert_int_equal(p->alerts.goal_off_pace_below, 900000);
    assert_int_equal(p->alerts.budget_overrun_above, 1000000);
    assert_true(p->alerts.task_overdue);
    assert_true(p->alerts.tier_review_due);
    assert_int_equal(p->nnotify, 3);
    assert_string_equal(p->notify[0].kind, "feishu");
    assert_string_equal(p->notify[0].url, "https://open.feishu.cn/open-apis/bot/v2/hook/REPLACE-ME");
    assert_string_equal(p->notify[0].secret_env, "FEISHU_SECRET");
    assert_null(p->notify[0].secret_file);
    assert_int_equal(p->notify[0].at, 9 * 60);
    assert_int_equal(p->notify[0].weekly_pack, 0);
    assert_string_equal(p->notify[1].kind, "dingtalk");
    assert_null(p->notify[1].secret_env);
    assert_string_equal(p->notify[1].secret_file, "/etc/salesplan/ding.secret");
    assert_int_equal(p->notify[1].at, -1);
    assert_string_equal(p->notify[2].kind, "email");
    assert_true(p->notify[2].to_owner);
    assert_int_equal(p->notify[2].at, 8 * 60 + 30);
    assert_int_equal(p->notify[2].weekly_pack, 1); /* monday (周一 in the Chinese example) */
    /* members' contact keys */
    const sp_member *r001 = plan_find_member(p, "r001", NULL);
    assert_string_equal(r001->email, "wang.qiang@example.com");
    assert_null(r001->mobile);
    assert_null(r001->im_id);
    assert_string_equal(r002->mobile, "+86 138 0000 0002");
    assert_string_equal(r002->im_id, "ou_r002");
    assert_null(r002->email);
}

static void test_example_zh(void **state)
{
    (void)state;
    sp_plan *p = load_ok(ZH);
    check_example_common(p);
    assert_string_equal(p->name, "2026年度销售计划");
    assert_string_equal(p->source_name, ZH);
    const sp_goal *q1 = goal(p, "revenue-q1");
    assert_string_equal(q1->name, "年度营收 2026-Q1");
    assert_string_equal(goal(p, "leads")->filter.kv[0].value, "华东");
    assert_string_equal(goal(p, "leads")->filter.kv[1].value, "制造业");
    assert_string_equal(p->groups[0].members[0].name, "王强");
    assert_string_equal(p->personas[0].premium_text, "20%..30%");
    assert_string_equal(p->tiers[0].name, "战略客户");
    /* positions: goals start at line 21; revenue's mapping at 22:5 */
    const sp_goal *rev = goal(p, "revenue");
    assert_int_equal(rev->pos.line, 22);
    assert_int_equal(rev->pos.col, 5);
    assert_int_equal(rev->pos_target.line, 26);
    assert_int_equal(rev->pos_target.col, 13);
    assert_int_equal(rev->pos_owner.line, 28);
    /* revenue-q1 is "      - {id: revenue-q1, period: 2026-Q1, target: 1000万}" on line 33 */
    assert_int_equal(q1->pos.line, 33);
    assert_int_equal(q1->pos.col, 10);
    assert_int_equal(q1->pos_period.col, 34);
    assert_int_equal(q1->pos_target.col, 51);
    /* the split by region: "          - {id: revenue-east, filter: {region: 华东}, target: 2500万}"
     * on line 40; its default name is the parent's and its filter value */
    const sp_goal *east = goal(p, "revenue-east");
    assert_int_equal(east->pos.line, 40);
    assert_int_equal(east->pos.col, 14);
    assert_int_equal(rev->splits[0].pos_by.line, 38);
    assert_int_equal(rev->splits[0].pos_by.col, 13);
    assert_string_equal(east->name, "年度营收 华东");
    assert_int_equal(p->tasks[0].pos_start.line, 87);
    assert_int_equal(p->tasks[0].pos_due.line, 88);
    assert_int_equal(p->tasks[0].pos_due.col, 10);
    plan_free(p);
}

static void test_example_en(void **state)
{
    (void)state;
    sp_plan *p = load_ok(EN);
    check_example_common(p);
    assert_string_equal(p->name, "2026 Annual Sales Plan");
    assert_string_equal(goal(p, "revenue-q4")->name, "Annual revenue 2026-Q4");
    assert_string_equal(goal(p, "leads")->filter.kv[0].value, "East China");
    assert_string_equal(goal(p, "leads")->filter.kv[1].value, "Manufacturing");
    assert_string_equal(p->groups[0].focus.kv[0].value, "Manufacturing");
    assert_string_equal(p->capabilities[0].text, "The manager's industry network");
    plan_free(p);
}

/* ---- edge cases that parse ---- */

static void test_edge_fiscal(void **state)
{
    (void)state;
    sp_plan *p = load_ok(DATA "edge-fiscal.yaml");
    /* fiscal_year_start: 4 is written after period: FY2026 and still applies */
    assert_int_equal(p->fiscal_year_start, 4);
    assert_int_equal(p->period.first, ymd(2026, 4, 1));
    assert_int_equal(p->period.last, ymd(2027, 3, 31));
    assert_int_equal(p->pacing, PACING_SEASONAL);
    assert_string_equal(p->currency, "USD");
    assert_string_equal(p->timezone, "America/New_York");

    const sp_goal *sp = goal(p, "spend");
    assert_int_equal(sp->target, 120000050); /* 1,200,000.50 */
    assert_int_equal(sp->period.first, ymd(2026, 4, 1));
    assert_int_equal(sp->period.last, ymd(2026, 9, 30));
    assert_int_equal(sp->direction, DIR_AT_MOST);
    assert_int_equal(sp->type, GOAL_PROCESS);
    /* children without a period: the parent's period, filters merged */
    const sp_goal *east = goal(p, "spend-east"), *west = goal(p, "spend-west");
    assert_false(east->has_period);
    assert_int_equal(east->period.first, sp->period.first);
    assert_int_equal(east->period.last, sp->period.last);
    assert_int_equal(east->direction, DIR_AT_MOST);
    assert_false(east->has_direction);
    assert_int_equal(east->type, GOAL_PROCESS);
    assert_string_equal(east->owner, "e1");
    assert_int_equal(east->target, 60000025);
    assert_string_equal(east->name, "spend East");
    assert_int_equal(east->filter.n, 2);
    assert_int_equal(east->filter.kv[0].dim, DIM_CATEGORY);
    assert_string_equal(east->filter.kv[0].value, "marketing");
    assert_int_equal(east->filter.kv[1].dim, DIM_REGION);
    assert_string_equal(west->name, "West spend");
    assert_true(west->name_given);
    assert_int_equal(west->filter.n, 2);
    assert_string_equal(west->filter.kv[0].value, "events"); /* overrides the parent's category */

    assert_int_equal(goal(p, "cycle")->target, 4550);
    assert_int_equal(goal(p, "cycle")->period.first, ymd(2026, 4, 1));
    assert_int_equal(goal(p, "cycle")->period.last, ymd(2026, 6, 30));
    assert_int_equal(goal(p, "vpr")->target, 1225);
    assert_int_equal(goal(p, "vpr")->period.first, ymd(2026, 6, 29)); /* ISO week 27 of 2026 starts Mon 29 June */
    assert_int_equal(goal(p, "score")->target, -350);
    assert_int_equal(goal(p, "renew")->target, 855000);

    /* three levels deep: inheritance goes through the middle goal */
    const sp_goal *q1 = goal(p, "renew-q1"), *h1 = goal(p, "renew-h1");
    assert_ptr_equal(q1->parent, h1);
    assert_ptr_equal(h1->parent, goal(p, "renew"));
    assert_int_equal(q1->metric, MET_RENEWAL_RATE);
    assert_int_equal(q1->type, GOAL_PROCESS);
    assert_string_equal(q1->owner, "e2");
    assert_int_equal(q1->filter.n, 1);
    assert_int_equal(q1->filter.kv[0].dim, DIM_TIER);
    assert_string_equal(h1->name, "renew FY2026-H1");
    assert_string_equal(q1->name, "renew FY2026-H1 FY2026-Q1");
    assert_int_equal(q1->period.first, ymd(2026, 4, 1));
    assert_int_equal(q1->period.last, ymd(2026, 6, 30));

    assert_true(p->personas[0].has_premium);
    assert_int_equal(p->personas[0].premium_lo, 250000);
    assert_int_equal(p->personas[0].premium_hi, 250000);
    assert_false(p->personas[1].has_premium);
    assert_true(p->tasks[0].milestone);
    assert_int_equal(p->tasks[1].budget_amount, 123450);
    assert_int_equal(p->budget_total, (int64_t)120000000 * 100);
    assert_int_equal(p->nbudget_cats, 0);
    assert_int_equal(p->tiers[0].min, 100000099);
    assert_int_equal(p->alerts.nstale_by_tier, 2);
    assert_string_equal(p->alerts.stale_by_tier[0].tier, "gold");
    assert_int_equal(p->alerts.stale_by_tier[0].days, 5);
    assert_string_equal(p->alerts.stale_by_tier[1].tier, "other");
    assert_int_equal(p->alerts.stale_by_tier[1].days, 30);
    assert_int_equal(p->alerts.escalate_after_days, 14); /* default kept */
    assert_int_equal(p->alerts.goal_off_pace_below, 850000);
    assert_false(p->alerts.task_overdue);
    assert_true(p->alerts.tier_review_due);
    assert_string_equal(p->notify[0].to, "ops@example.com");
    assert_int_equal(p->max_growth, 125000);
    plan_free(p);
}

static void test_edge_strings(void **state)
{
    (void)state;
    sp_plan *p = load_ok(DATA "edge-strings.yaml");
    assert_string_equal(p->name, "  leading and trailing  ");
    assert_string_equal(p->goals[0].id, "true");
    assert_string_equal(p->goals[0].owner, "null");
    assert_string_equal(p->goals[0].name, "a: colon # hash");
    assert_string_equal(p->goals[1].id, "001");
    assert_string_equal(p->goals[1].name, "it's 100% \"quoted\"\\n");
    assert_string_equal(p->goals[2].name, "");
    assert_true(p->goals[2].name_given);
    assert_string_equal(p->groups[0].name, "tab\there\nnewline \\ backslash \xc2\x85 nel \xe2\x80\xa8 ls");
    assert_string_equal(p->groups[0].members[2].id, "~");
    assert_string_equal(p->pest[0].text, "\x7f\x01 control");
    assert_string_equal(p->tasks[0].resources[2], " x ");
    plan_free(p);
}

/* ---- bad plans: every expected line, at its position ---- */

typedef struct bad_case {
    const char *file;
    int count;                 /* how many problems in all */
    const char *lines[16];     /* "LINE:COL: message" (prefixed with the path) */
} bad_case;

static const bad_case bad_cases[] = {
    {"bad-unknown-key.yaml", 4,
     {"3:3: unknown key 'nmae' (did you mean 'name'?)", "10:5: unknown key 'ownr' (did you mean 'owner'?)",
      "11:1: unknown key 'budgets' (did you mean 'budget'?)", "12:1: unknown key 'colour'\n"}},
    {"bad-syntax.yaml", 1, {"7:7: "}},
    {"bad-values.yaml", 17,
     {"2:7: plan: id 'FY 2026' may hold only a-z, 0-9, '_' and '-'",
      "5:22: plan: 'fiscal_year_start' expects a whole number from 1 to 12, got '13'",
      "10:26: member: unknown role 'boss'",
      "11:49: capacity: 'visits_per_month' expects a whole number",
      "15:13: goal: target '12.345' is not a money value for metric revenue",
      "16:13: goal: 'period' is not a period: '2026-Q5'",
      "19:13: goal: target 'forty' is not a ratio value",
      "23:13: goal: target '10.5' is not a count value",
      "25:10: goal: unknown per 'week'; expected month",
      "27:13: goal: unknown metric 'revenu' (did you mean 'revenue'?)",
      "32:24: pest: unknown factor 'legal'",
      "32:60: pest: 'impact' expects a whole number from 1 to 5, got '7'",
      "34:5: task: missing key 'owner'",
      "35:12: task: 'start' is not a date (YYYY-MM-DD): '2026-02-30'",
      "37:16: task: 'milestone' expects true or false, got 'maybe'",
      "39:11: budget: 'total' expects a single value, got a list"}},
    {"bad-dup.yaml", 4,
     {"7:22: duplicate member id 'r1' (first at line 5, column 22)",
      "15:14: duplicate goal id 'g' (first at line 9, column 9)",
      "20:12: duplicate capability id 'x1' (first at line 18, column 12)",
      "23:10: duplicate tier id 't' (first at line 22, column 10)"}},
    {"bad-types.yaml", 9,
     {"2:5: plan: expected a mapping, got a list", "3:7: team: expected a mapping",
      "5:5: goal: expected a mapping", "7:14: goal: 'metric' expects a single value, got a list",
      "10:15: goal: 'supports' expects a list", "11:14: goal: expected a mapping of filter keys, got a list",
      "13:6: task: missing key 'due'", "15:36: alerts: stale_followup_days of tier 'strategic'",
      "16:17: alerts: 'task_overdue' expects true or false, got '1'"}},
    {"bad-missing.yaml", 12,
     {"2:3: plan: missing key 'id'", "2:3: plan: missing key 'name'", "4:5: goal: missing key 'metric'",
      "4:5: goal: missing key 'period'", "4:5: goal: missing key 'target'", "6:5: goal: missing key 'id'",
      "11:5: task: missing key 'owner'", "11:5: task: missing key 'start'", "11:5: task: missing key 'due'",
      "13:6: notify: kind 'slack' needs a url", "14:6: notify: kind 'email' needs 'to' or 'to_owner: true'",
      "15:12: notify: unknown kind 'pager'"}},
};

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
        const bad_case *bc = &bad_cases[i];
        char path[256];
        snprintf(path, sizeof path, DATA "%s", bc->file);
        sp_err e = SP_ERR_INIT;
        sp_plan *p = plan_yaml_load_file(path, &e);
        const char *msg = buf_cstr(&e.msg);
        if (p || e.count != bc->count) fprintf(stderr, "%s: got %d problems:\n%s", path, e.count, msg);
        assert_null(p);
        assert_int_equal(e.cls, SP_EINVAL);
        assert_int_equal(e.count, bc->count);
        for (size_t j = 0; j < 16 && bc->lines[j]; j++) {
            char *want = xasprintf("%s:%s", path, bc->lines[j]);
            if (!strstr(msg, want)) fprintf(stderr, "missing: %s\nin:\n%s", want, msg);
            assert_non_null(strstr(msg, want));
            free(want);
        }
        /* each line has the FILE:LINE:COL: shape */
        for (const char *l = msg; *l;) {
            assert_memory_equal(l, path, strlen(path));
            int line = 0, col = 0;
            assert_int_equal(sscanf(l + strlen(path), ":%d:%d:", &line, &col), 2);
            assert_true(line > 0 && col > 0);
            const char *nl = strchr(l, '\n');
            assert_non_null(nl);
            l = nl + 1;
        }
        err_free(&e);
    }
}

/* problems come out sorted by position even when found out of order */
static void test_errors_sorted(void **state)
{
    (void)state;
    sp_err e = SP_ERR_INIT;
    assert_null(plan_yaml_load_file(DATA "bad-values.yaml", &e));
    int last_line = 0, last_col = 0;
    for (const char *l = buf_cstr(&e.msg); *l; l = strchr(l, '\n') + 1) {
        int line, col;
        const char *q = strstr(l, ".yaml:");
        assert_int_equal(sscanf(q + 6, "%d:%d:", &line, &col), 2);
        assert_true(line > last_line || (line == last_line && col >= last_col));
        last_line = line;
        last_col = col;
    }
    err_free(&e);
}

static void test_syntax_error(void **state)
{
    (void)state;
    sp_err e = SP_ERR_INIT;
    /* an unclosed flow sequence: the error is reported where it is noticed */
    assert_null(parse_str("plan:\n  id: x\n  name: [a, b\n", &e));
    assert_int_equal(e.cls, SP_EINVAL);
    assert_int_equal(e.count, 1);
    assert_true(strncmp(buf_cstr(&e.msg), "t.yaml:", 7) == 0);
    int line = 0, col = 0;
    assert_int_equal(sscanf(buf_cstr(&e.msg) + 7, "%d:%d:", &line, &col), 2);
    assert_true(line >= 3);
    err_free(&e);

    /* a duplicate key is a YAML-level error at the second key */
    assert_null(parse_str("plan:\n  id: x\n  id: y\n", &e));
    assert_non_null(strstr(buf_cstr(&e.msg), "t.yaml:3:3: "));
    err_free(&e);

    /* empty input, a scalar document, an alias */
    assert_null(parse_str("", &e));
    assert_non_null(strstr(buf_cstr(&e.msg), "t.yaml:1:1: the plan file is empty"));
    err_free(&e);
    assert_null(parse_str("just text\n", &e));
    assert_non_null(strstr(buf_cstr(&e.msg), "t.yaml:1:1: plan file: expected a mapping"));
    err_free(&e);
    assert_null(parse_str("plan: &a {id: x, name: y}\nteam: *a\n", &e));
    assert_non_null(strstr(buf_cstr(&e.msg), "t.yaml:2:7: aliases"));
    err_free(&e);
}

static void test_did_you_mean(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"plan: {id: x, name: y, fiscal_yaer_start: 4}\n", "t.yaml:1:24: unknown key 'fiscal_yaer_start' (did you mean 'fiscal_year_start'?)"},
        {"plan: {id: x, name: y}\ngoals:\n  - {id: g, metric: revenue, target: 1, period: 2026, filter: {regoin: x}}\n",
         "t.yaml:3:64: unknown filter key 'regoin' (did you mean 'region'?)"},
        {"plan: {id: x, name: y}\ngoals:\n  - {id: g, metric: revenue, target: 1, period: 2026, filter: {category: x}}\n",
         "t.yaml:3:64: goal: filter key 'category' applies to the spend metric only"},
        {"plan: {id: x, name: y}\nalerts: {task_overdo: true}\n", "t.yaml:2:10: unknown key 'task_overdo' (did you mean 'task_overdue'?)"},
        {"plan: {id: x, name: y}\ntiers: [{id: a, min: 0, review_every_day: 3}]\n",
         "t.yaml:2:25: unknown key 'review_every_day' (did you mean 'review_every_days'?)"},
        {"plan: {id: x, name: y}\nstrategies: [{id: s, category: markt}]\n",
         "t.yaml:2:32: strategy: unknown category 'markt' (did you mean 'market'?)"},
        {"plan: {id: x, name: y}\nzzzzzz: 1\n", "t.yaml:2:1: unknown key 'zzzzzz'\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        sp_err e = SP_ERR_INIT;
        assert_null(parse_str(cases[i].text, &e));
        if (!strstr(buf_cstr(&e.msg), cases[i].want)) fprintf(stderr, "want %s\ngot %s", cases[i].want, buf_cstr(&e.msg));
        assert_non_null(strstr(buf_cstr(&e.msg), cases[i].want));
        err_free(&e);
    }
}

/* small value cases: target units, fiscal order, vocabulary */
static void test_targets(void **state)
{
    (void)state;
    static const struct {
        const char *metric, *target;
        bool ok;
        int64_t want;
    } cases[] = {
        {"revenue", "1.2亿", true, (int64_t)120000000 * 100},
        {"revenue", "1,234.56", true, 123456},
        {"revenue", "-5", false, 0},
        {"deals_won", "\"200\"", true, 200},
        {"deals_won", "2.5", false, 0},
        {"win_rate", "0.25", true, 250000},
        {"win_rate", "12.5%", true, 125000},
        {"sales_cycle_days", "30", true, 3000},
        {"sales_cycle_days", "30.125", false, 0},
        {"visits_per_rep", "8.5", true, 850},
        {"manual", "-1.05", true, -105},
        {"manual", "x", false, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = xasprintf("plan: {id: x, name: y}\ngoals:\n  - id: g\n    metric: %s\n    target: %s\n    period: 2026\n",
                            cases[i].metric, cases[i].target);
        sp_err e = SP_ERR_INIT;
        sp_plan *p = parse_str(t, &e);
        if (cases[i].ok != (p != NULL)) fprintf(stderr, "case %zu: %s", i, buf_cstr(&e.msg));
        assert_int_equal(cases[i].ok, p != NULL);
        if (p) assert_int_equal(p->goals[0].target, cases[i].want);
        else assert_non_null(strstr(buf_cstr(&e.msg), "t.yaml:5:13: goal: target"));
        plan_free(p);
        err_free(&e);
        free(t);
    }
}

/* ---- round trips ---- */

static char *export_of(const char *text, size_t len, const char *name)
{
    sp_err e = SP_ERR_INIT;
    sp_plan *p = plan_yaml_parse(text, len, name, &e);
    if (!p) fprintf(stderr, "%s", buf_cstr(&e.msg));
    assert_non_null(p);
    char *y = plan_export_yaml(p);
    plan_free(p);
    err_free(&e);
    return y;
}

static void round_trip(const char *path)
{
    sp_plan *p = load_ok(path);
    char *y1 = plan_export_yaml(p);
    char *y2 = export_of(y1, strlen(y1), "export1");
    char *y3 = export_of(y2, strlen(y2), "export2");
    if (strcmp(y1, y2) != 0) fprintf(stderr, "%s: first export:\n%s\nsecond:\n%s", path, y1, y2);
    assert_string_equal(y1, y2);
    assert_string_equal(y2, y3);
    /* the re-read plan has the same goals, targets and periods */
    sp_err e = SP_ERR_INIT;
    sp_plan *q = plan_yaml_parse(y1, strlen(y1), "export", &e);
    assert_non_null(q);
    assert_int_equal(plan_goal_count(p), plan_goal_count(q));
    assert_string_equal(p->id, q->id);
    assert_string_equal(p->name, q->name);
    assert_int_equal(p->ntasks, q->ntasks);
    assert_int_equal(p->ntiers, q->ntiers);
    assert_int_equal(p->budget_total, q->budget_total);
    assert_int_equal(p->nnotify, q->nnotify);
    for (size_t i = 0; i < p->nnotify; i++) {
        const sp_notify *a = &p->notify[i], *b = &q->notify[i];
        assert_string_equal(a->kind, b->kind);
        assert_true(str_eq(a->url, b->url));
        assert_true(str_eq(a->secret_env, b->secret_env));
        assert_true(str_eq(a->secret_file, b->secret_file));
        assert_true(str_eq(a->to, b->to));
        assert_int_equal(a->to_owner, b->to_owner);
        assert_int_equal(a->at, b->at);
        assert_int_equal(a->weekly_pack, b->weekly_pack);
    }
    assert_int_equal(p->ngroups, q->ngroups);
    for (size_t i = 0; i < p->ngroups; i++) {
        assert_int_equal(p->groups[i].nmembers, q->groups[i].nmembers);
        for (size_t j = 0; j < p->groups[i].nmembers; j++) {
            const sp_member *a = &p->groups[i].members[j], *b = &q->groups[i].members[j];
            assert_true(str_eq(a->email, b->email));
            assert_true(str_eq(a->mobile, b->mobile));
            assert_true(str_eq(a->im_id, b->im_id));
        }
    }
    for (size_t i = 0; i < p->ngoals; i++) {
        assert_int_equal(p->goals[i].target, q->goals[i].target);
        assert_int_equal(p->goals[i].period.first, q->goals[i].period.first);
        assert_int_equal(p->goals[i].period.last, q->goals[i].period.last);
        assert_int_equal(p->goals[i].filter.n, q->goals[i].filter.n);
        for (size_t j = 0; j < p->goals[i].nchildren; j++) {
            const sp_goal *a = &p->goals[i].children[j], *b = &q->goals[i].children[j];
            assert_string_equal(a->name, b->name);
            assert_int_equal(a->metric, b->metric);
            assert_int_equal(a->filter.n, b->filter.n);
            assert_int_equal(a->has_owner, b->has_owner);
            assert_string_equal(a->owner ? a->owner : "", b->owner ? b->owner : "");
        }
    }
    plan_free(q);
    err_free(&e);
    plan_free(p);
    free(y1);
    free(y2);
    free(y3);
}

static void test_round_trips(void **state)
{
    (void)state;
    round_trip(ZH);
    round_trip(EN);
    round_trip(DATA "edge-fiscal.yaml");
    round_trip(DATA "edge-strings.yaml");
}

/* the canonical form: plain major units, percents, children with only
 * their own keys, free text quoted */
static void test_export_form(void **state)
{
    (void)state;
    sp_plan *p = load_ok(ZH);
    char *y = plan_export_yaml(p);
    assert_non_null(strstr(y, "plan:\n  id: fy2026\n  name: \"2026年度销售计划\"\n"));
    assert_non_null(strstr(y, "    target: 50000000\n"));
    assert_non_null(strstr(y, "      - id: revenue-q4\n        target: 16000000\n        period: 2026-Q4\n"));
    assert_non_null(strstr(y, "    target: 40%\n"));
    assert_non_null(strstr(y, "  total: 2000000\n"));
    assert_non_null(strstr(y, "      premium: 20%..30%\n"));
    /* notify and member keys: times quoted HH:MM, weekdays canonical in
     * English (周一 in the file) */
    assert_non_null(strstr(y, "  - kind: email\n    to_owner: true\n    at: \"08:30\"\n    weekly_pack: monday\n"));
    assert_non_null(strstr(y, "    secret_env: FEISHU_SECRET\n    at: \"09:00\"\n"));
    assert_non_null(strstr(y, "    secret_file: \"/etc/salesplan/ding.secret\"\n"));
    assert_non_null(strstr(y, "          email: \"wang.qiang@example.com\"\n"));
    assert_non_null(strstr(y, "          mobile: \"+86 138 0000 0002\"\n          im_id: \"ou_r002\"\n"));
    assert_null(strstr(y, "周一"));
    /* sections in SPEC §4 order */
    static const char *const order[] = {"plan:", "\nteam:", "\ngoals:", "\nanalysis:", "\nstrategies:", "\ntasks:",
                                        "\nbudget:", "\ntiers:", "\nalerts:", "\nnotify:", "\ncheck:"};
    const char *at = y;
    for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
        const char *q = strstr(at, order[i]);
        assert_non_null(q);
        at = q + 1;
    }
    free(y);
    plan_free(p);

    p = load_ok(DATA "edge-fiscal.yaml");
    y = plan_export_yaml(p);
    assert_non_null(strstr(y, "    target: 1200000.50\n"));
    assert_non_null(strstr(y, "      amount: 1234.50\n"));
    assert_non_null(strstr(y, "  stale_followup_days:\n    gold: 5\n    other: 30\n"));
    assert_non_null(strstr(y, "    target: 45.5\n"));
    assert_non_null(strstr(y, "    target: -3.5\n"));
    /* spend-east has only its own filter key: region (category is inherited) */
    assert_non_null(strstr(y, "      - id: spend-east\n        target: 600000.25\n        filter:\n          region: \"East\"\n"));
    free(y);
    plan_free(p);
}

static void test_export_json(void **state)
{
    (void)state;
    sp_plan *p = load_ok(ZH);
    char *s = plan_export_json(p);
    json_error_t je;
    json_t *j = json_loads(s, 0, &je);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "plan"), "id")), "fy2026");
    json_t *goals = json_object_get(j, "goals");
    assert_int_equal(json_array_size(goals), 3);
    json_t *rev = json_array_get(goals, 0);
    assert_true(json_number_value(json_object_get(rev, "target")) == 50000000.0);
    json_t *kids = json_object_get(rev, "children");
    assert_int_equal(json_array_size(kids), 4);
    json_t *q4 = json_array_get(kids, 3);
    assert_string_equal(json_string_value(json_object_get(q4, "id")), "revenue-q4");
    assert_true(json_number_value(json_object_get(q4, "target")) == 16000000.0);
    assert_string_equal(json_string_value(json_object_get(q4, "owner")), "r001");
    assert_string_equal(json_string_value(json_object_get(q4, "first")), "2026-10-01");
    json_t *share = json_array_get(goals, 1);
    assert_true(json_number_value(json_object_get(share, "target")) == 0.4);
    assert_true(json_is_integer(json_object_get(json_array_get(goals, 2), "target")));
    assert_true(json_number_value(json_object_get(json_object_get(j, "budget"), "total")) == 2000000.0);
    json_t *task = json_array_get(json_object_get(j, "tasks"), 0);
    assert_string_equal(json_string_value(json_object_get(task, "due")), "2026-04-15");
    assert_true(json_number_value(json_object_get(json_object_get(task, "budget"), "amount")) == 5000.0);
    json_t *nt = json_object_get(j, "notify");
    assert_int_equal(json_array_size(nt), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 0), "at")), "09:00");
    assert_true(json_is_null(json_object_get(json_array_get(nt, 0), "secret_file")));
    assert_true(json_is_null(json_object_get(json_array_get(nt, 1), "at")));
    assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 1), "secret_file")),
                        "/etc/salesplan/ding.secret");
    assert_string_equal(json_string_value(json_object_get(json_array_get(nt, 2), "weekly_pack")), "monday");
    json_t *m0 = json_array_get(json_object_get(json_array_get(json_object_get(json_object_get(j, "team"), "groups"), 0),
                                                "members"),
                                0);
    assert_string_equal(json_string_value(json_object_get(m0, "email")), "wang.qiang@example.com");
    assert_true(json_is_null(json_object_get(m0, "im_id")));
    json_decref(j);
    free(s);
    plan_free(p);
}

/* ---- files ---- */

static void test_load_file_errors(void **state)
{
    (void)state;
    sp_err e = SP_ERR_INIT;
    assert_null(plan_yaml_load_file(DATA "no-such-file.yaml", &e));
    assert_int_equal(e.cls, SP_EIO);
    assert_non_null(strstr(buf_cstr(&e.msg), "no-such-file.yaml: No such file or directory"));
    err_free(&e);

    const char bad[] = "plan: {id: x, name: \"\xff\xfe\"}\n";
    assert_null(plan_yaml_parse(bad, sizeof bad - 1, "latin.yaml", &e));
    assert_int_equal(e.cls, SP_EINVAL);
    assert_string_equal(buf_cstr(&e.msg), "latin.yaml: not valid UTF-8\n");
    err_free(&e);

    /* a UTF-8 byte order mark is fine */
    const char bom[] = "\xef\xbb\xbfplan: {id: x, name: y}\n";
    sp_plan *p = plan_yaml_parse(bom, sizeof bom - 1, "bom.yaml", &e);
    assert_non_null(p);
    assert_string_equal(p->id, "x");
    plan_free(p);
    err_free(&e);
}

/* ---- model helpers ---- */

static void collect_ids(const sp_goal *g, void *ctx)
{
    buf_t *b = ctx;
    buf_printf(b, "%s,", g->id);
}

static void test_model_helpers(void **state)
{
    (void)state;
    assert_int_equal(metric_from_name("revenue"), MET_REVENUE);
    assert_int_equal(metric_from_name("manual"), MET_MANUAL);
    assert_int_equal(metric_from_name("Revenue"), -1);
    assert_int_equal(metric_from_name(NULL), -1);
    for (int i = 0; i < MET_COUNT; i++) {
        assert_non_null(sp_metrics[i].name);
        assert_int_equal(metric_from_name(sp_metrics[i].name), i);
    }
    /* §6 units and additivity */
    assert_int_equal(sp_metrics[MET_AVG_DEAL_SIZE].unit, UNIT_MONEY);
    assert_false(sp_metrics[MET_AVG_DEAL_SIZE].additive);
    assert_true(sp_metrics[MET_COLLECTED].additive);
    assert_false(sp_metrics[MET_PIPELINE].additive);
    assert_int_equal(sp_metrics[MET_SALES_CYCLE_DAYS].unit, UNIT_DAYS);
    assert_int_equal(sp_metrics[MET_VISITS_PER_REP].unit, UNIT_COUNT_PER_MONTH);
    assert_int_equal(sp_metrics[MET_TIER_REVENUE_SHARE].unit, UNIT_RATIO);
    assert_true(sp_metrics[MET_SPEND].additive);
    assert_string_equal(unit_name(UNIT_COUNT_PER_MONTH), "count/month");
    assert_string_equal(unit_name(UNIT_RATIO), "ratio");
    assert_string_equal(dim_name(DIM_SOURCE), "source");
    assert_int_equal(dim_from_name("tier"), DIM_TIER);
    assert_int_equal(dim_from_name("strategy"), DIM_STRATEGY);
    assert_int_equal(dim_from_name("country"), -1);

    sp_plan *p = plan_new();
    assert_int_equal(p->fiscal_year_start, 1);
    assert_string_equal(p->timezone, "Asia/Shanghai");
    assert_int_equal(p->alerts.stale_followup_days, 7);
    assert_int_equal(p->max_growth, 500000);
    plan_default_tiers(p);
    assert_int_equal(p->ntiers, 3);
    assert_int_equal(p->tiers[0].min, (int64_t)100000000);
    assert_int_equal(p->tiers[0].review_every_days, 30);
    assert_int_equal(p->tiers[1].min, (int64_t)50000000);
    assert_string_equal(p->tiers[2].id, "potential");
    plan_default_tiers(p); /* no-op when tiers exist */
    assert_int_equal(p->ntiers, 3);
    plan_free(p);

    p = load_ok(DATA "edge-fiscal.yaml");
    buf_t b = BUF_INIT;
    plan_goal_walk(p, collect_ids, &b);
    assert_string_equal(buf_cstr(&b), "spend,spend-east,spend-west,cycle,vpr,score,renew,renew-h1,renew-q1,");
    buf_free(&b);
    assert_int_equal(plan_goal_count(p), 9);
    assert_null(plan_find_goal(p, "nope"));
    plan_free(p);
}

/* libfyaml 0.7.12 corrupts single-quoted scalars with several '' escapes
 * (found by fuzz_plan); the loader reads them from the source itself. */
static void test_single_quoted_escapes(void **state)
{
    (void)state;
    const char *y = "plan: {id: a, name: 'it''''''''''''per''''''s quoted', period: 2026}\n";
    sp_err err = SP_ERR_INIT;
    sp_plan *p = plan_yaml_parse(y, strlen(y), "q.yaml", &err);
    assert_non_null(p);
    assert_string_equal(p->name, "it''''''per'''s quoted");
    plan_free(p);
    const char *y2 = "plan:\n  id: a\n  name: 'two\n    lines'\n  period: 2026\n";
    p = plan_yaml_parse(y2, strlen(y2), "q.yaml", &err);
    assert_null(p);
    assert_non_null(strstr(buf_cstr(&err.msg), "q.yaml:3:10: single-quoted text must stay on one line"));
    err_free(&err);
}

/* has_line: err holds a line containing every needle (NULL-terminated). */
static bool has_line(const char *text, const char *n1, const char *n2)
{
    const char *s = text;
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = strndup(s, n);
        bool hit = strstr(line, n1) && (!n2 || strstr(line, n2));
        free(line);
        if (hit) return true;
        s += n + (s[n] ? 1 : 0);
    }
    return false;
}

/* Duplicate keys are found by the loader itself (libfyaml's check is
 * quadratic, so it is off), in every mapping, at the repeated key. */
static void test_duplicate_keys(void **state)
{
    (void)state;
    const char *y = "plan:\n  id: a\n  name: n\n  id: b\n  period: 2026\n"
                    "goals:\n  - {id: g, metric: revenue, target: 1, period: 2026, filter: {region: x, region: y}}\n";
    sp_err err = SP_ERR_INIT;
    assert_null(parse_str(y, &err));
    const char *m = buf_cstr(&err.msg);
    assert_true(has_line(m, "t.yaml:4:3: duplicate key 'id' (first at line 2, column 3)", NULL));
    assert_true(has_line(m, "t.yaml:7:75: duplicate key 'region' (first at line 7, column 64)", NULL));
    err_free(&err);
}

/* Keys per mapping, items per list and values per file are capped before
 * the document is built; the error names the value that passes the cap. */
static void test_limits(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    buf_puts(&b, "plan: {id: a, name: n, period: 2026}\nteam:\n");
    for (int i = 0; i < 1001; i++) buf_printf(&b, "  k%d: v\n", i);
    sp_err err = SP_ERR_INIT;
    assert_null(plan_yaml_parse(b.data, b.len, "k.yaml", &err));
    assert_true(has_line(buf_cstr(&err.msg), "k.yaml:1003:3: a mapping may hold at most 1000 keys", NULL));
    assert_int_equal(err.count, 1);
    err_free(&err);
    buf_free(&b);

    buf_puts(&b, "plan: {id: a, name: n, period: 2026}\nanalysis:\n  pains: [");
    for (int i = 0; i < 10001; i++) buf_puts(&b, "x,");
    buf_puts(&b, "x]\n");
    assert_null(plan_yaml_parse(b.data, b.len, "l.yaml", &err));
    assert_true(has_line(buf_cstr(&err.msg), "l.yaml:3:20011: a list may hold at most 10000 items", NULL));
    err_free(&err);
    buf_free(&b);

    /* 10,000 items of 999 keys... would pass the per-collection caps: the
     * value cap stops it */
    buf_puts(&b, "plan: {id: a, name: n, period: 2026}\nx:\n");
    for (int i = 0; i < 300; i++) {
        buf_puts(&b, "  - {");
        for (int k = 0; k < 500; k++) buf_printf(&b, "%sk%d: v", k ? ", " : "", k);
        buf_puts(&b, "}\n");
    }
    assert_null(plan_yaml_parse(b.data, b.len, "n.yaml", &err));
    assert_true(has_line(buf_cstr(&err.msg), "n.yaml:", "the plan file holds more than 200000 values"));
    err_free(&err);
    buf_free(&b);
}

/* A ratio above 1 written without '%' is refused with how to write it;
 * 20%, 0.2 and 1 are fine. */
static void test_bare_ratios(void **state)
{
    (void)state;
    const char *y = "plan: {id: a, name: n, period: 2026}\n"
                    "budget: {total: 100, categories: [{id: m, share: 20}, {id: o, share: 0.8}]}\n"
                    "alerts: {goal_off_pace_below: 90, budget_overrun_above: 1}\n"
                    "check: {max_growth: 50}\n"
                    "analysis: {personas: [{id: p, premium: 20..30}]}\n"
                    "goals:\n  - {id: w, metric: win_rate, target: 35, period: 2026}\n";
    sp_err err = SP_ERR_INIT;
    assert_null(parse_str(y, &err));
    const char *m = buf_cstr(&err.msg);
    assert_true(has_line(m, "t.yaml:2:50: budget category: 'share' is 20 without '%', which means 2000%: write 20%",
                         NULL));
    assert_true(has_line(m, "t.yaml:3:31: alerts: 'goal_off_pace_below' is 90 without '%'", "9000%"));
    assert_true(has_line(m, "t.yaml:4:21: check: 'max_growth' is 50 without '%'", NULL));
    assert_true(has_line(m, "t.yaml:5:40: persona: 'premium' is 20 without '%'", NULL));
    assert_true(has_line(m, "t.yaml:7:39: goal: 'target' is 35 without '%'", NULL));
    assert_int_equal(err.count, 5);
    err_free(&err);
    const char *ok = "plan: {id: a, name: n, period: 2026}\n"
                     "budget: {total: 100, categories: [{id: m, share: 20%}, {id: o, share: 0.8}]}\n"
                     "alerts: {goal_off_pace_below: 0.9, budget_overrun_above: 120%}\n"
                     "goals:\n  - {id: w, metric: win_rate, target: 35%, period: 2026}\n";
    sp_plan *p = parse_str(ok, &err);
    if (!p) fprintf(stderr, "%s", buf_cstr(&err.msg));
    assert_non_null(p);
    assert_int_equal(p->budget_cats[0].share, 200000);
    assert_int_equal(p->budget_cats[1].share, 800000);
    assert_int_equal(p->alerts.budget_overrun_above, 1200000);
    plan_free(p);
}

/* plan_yaml_check keeps the plan read so far despite structural problems
 * (which it returns as diagnostics), with the positions of list entries. */
static void test_check_keeps_partial_plan(void **state)
{
    (void)state;
    const char *y = "plan: {id: a, name: n, period: 2026}\n"
                    "goals:\n  - {id: g, metric: revenue, target: 1}\n"
                    "tasks:\n  - {id: t, owner: r, start: 2026-01-01, due: 2026-01-02, depends_on: [u, v],"
                    " collaborators: [x]}\n";
    sp_check_result res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    sp_plan *p = plan_yaml_check(y, strlen(y), "t.yaml", &res, &err);
    assert_true(err_ok(&err));
    assert_non_null(p);
    assert_int_equal(res.nerrors, 1);
    assert_string_equal(res.diags[0].msg, "goal: missing key 'period'");
    assert_int_equal(res.diags[0].pos.line, 3);
    assert_int_equal(p->ngoals, 1);
    assert_int_equal(p->goals[0].period.first, SP_DAY_NONE);
    assert_int_equal(p->ntasks, 1);
    assert_non_null(p->tasks[0].pos_depends_on);
    assert_int_equal(p->tasks[0].pos_depends_on[1].line, 5);
    assert_int_equal(p->tasks[0].pos_depends_on[1].col, 75);
    assert_int_equal(p->tasks[0].pos_collaborators[0].col, 95);
    assert_int_equal(p->tasks[0].pos_owner.col, 20);
    plan_free(p);
    check_result_free(&res);
    /* a syntax error: no plan, the error (and no crash) */
    p = plan_yaml_check("plan: [", 7, "t.yaml", &res, &err);
    assert_null(p);
    assert_true(res.nerrors >= 1);
    check_result_free(&res);
    /* refused as a whole: in err */
    p = plan_yaml_check("\xff", 1, "t.yaml", &res, &err);
    assert_null(p);
    assert_false(err_ok(&err));
    assert_int_equal(res.ndiags, 0);
    err_free(&err);
}

/* splits: ids unique across children and every split; each child names
 * what its split is by; `by` has a vocabulary */
static void test_split_errors(void **state)
{
    (void)state;
    const char *y = "plan: {id: a, name: n, period: 2026}\n"
                    "goals:\n"
                    "  - id: rev\n"
                    "    metric: revenue\n"
                    "    target: 10\n"
                    "    period: 2026\n"
                    "    children: [{id: h1, period: 2026-H1, target: 5}, {id: h2, period: 2026-H2, target: 5}]\n"
                    "    splits:\n"
                    "      - by: region\n"
                    "        children: [{id: h1, filter: {region: E}, target: 5}, {id: w, target: 5}]\n"
                    "      - by: quarter\n"
                    "        children: [{id: q1, target: 10}]\n"
                    "      - {by: colour, children: []}\n";
    sp_err err = SP_ERR_INIT;
    assert_null(parse_str(y, &err));
    const char *m = buf_cstr(&err.msg);
    assert_true(has_line(m, "t.yaml:10:25: duplicate goal id 'h1' (first at line 7, column 21)", NULL));
    assert_true(has_line(m, "t.yaml:10:63: goal 'w': a child of a split by region needs its own filter on region",
                         NULL));
    assert_true(has_line(m, "t.yaml:12:21: goal 'q1': a child of a split by quarter needs its own period", NULL));
    assert_true(has_line(m, "t.yaml:13:14: split: unknown by 'colour'", NULL));
    assert_int_equal(err.count, 4);
    err_free(&err);
}

/* notify's at / weekly_pack / secret_file and members' email / mobile /
 * im_id: the values read, and each bad value reported at its key's value
 * (positions counted by hand in the text below) */
static void test_notify_member_keys(void **state)
{
    (void)state;
    const char *ok = "plan: {id: a, name: n, period: 2026}\n"
                     "team:\n"
                     "  groups:\n"
                     "    - id: g\n"
                     "      members:\n"
                     "        - {id: r1, email: a@b.cn, mobile: 13800000000, im_id: U01}\n"
                     "notify:\n"
                     "  - {kind: slack, url: \"https://h\", secret_file: /run/s, at: \"7:05\", weekly_pack: friday}\n"
                     "  - {kind: email, to: \"x@y.z, v@w.q\", at: \"23:59\", weekly_pack: 星期天}\n"
                     "  - {kind: email, to_owner: true, at: \"00:00\", weekly_pack: 周三}\n";
    sp_err err = SP_ERR_INIT;
    sp_plan *p = parse_str(ok, &err);
    if (!p) fprintf(stderr, "%s", buf_cstr(&err.msg));
    assert_non_null(p);
    const sp_member *r1 = plan_find_member(p, "r1", NULL);
    assert_string_equal(r1->email, "a@b.cn");
    assert_string_equal(r1->mobile, "13800000000");
    assert_string_equal(r1->im_id, "U01");
    assert_int_equal(r1->pos_email.line, 6);
    assert_int_equal(r1->pos_email.col, 27);
    assert_string_equal(p->notify[0].secret_file, "/run/s");
    assert_int_equal(p->notify[0].at, 7 * 60 + 5);
    assert_int_equal(p->notify[0].weekly_pack, 5);
    assert_int_equal(p->notify[0].pos_at.line, 8);
    assert_int_equal(p->notify[0].pos_at.col, 63); /* inside the quotes */
    assert_int_equal(p->notify[1].at, 23 * 60 + 59);
    assert_int_equal(p->notify[1].weekly_pack, 7);
    assert_int_equal(p->notify[2].at, 0);
    assert_int_equal(p->notify[2].weekly_pack, 3);
    char *y = plan_export_yaml(p);
    assert_non_null(strstr(y, "    at: \"07:05\"\n    weekly_pack: friday\n"));
    assert_non_null(strstr(y, "    at: \"00:00\"\n    weekly_pack: wednesday\n"));
    assert_non_null(strstr(y, "    weekly_pack: sunday\n"));
    free(y);
    plan_free(p);
    err_free(&err);

    const char *bad = "plan: {id: a, name: n, period: 2026}\n"
                      "team:\n"
                      "  groups:\n"
                      "    - id: g\n"
                      "      members:\n"
                      "        - {id: r1, email: wang.example.com, mobile: call me}\n"
                      "        - {id: r2, password: hunter2}\n"
                      "notify:\n"
                      "  - {kind: feishu, url: \"https://h\", at: \"25:00\"}\n"
                      "  - {kind: feishu, url: \"https://h\", at: 9点, weekly_pack: mondy}\n"
                      "  - {kind: feishu, url: \"https://h\", secret_env: FS, secret_file: /f}\n"
                      "  - {kind: feishu, url: \"https://h\", secret: SECabc, weekly_pack: someday}\n"
                      "  - {kind: feishu, url: \"https://h\", secret_env: \"SECabc/xyz=\"}\n"
                      "  - {kind: email, to: \"boss, a@b.c\", at: \"12:60\"}\n";
    assert_null(parse_str(bad, &err));
    const char *m = buf_cstr(&err.msg);
    assert_true(has_line(m, "t.yaml:6:27: member: 'email' is not an e-mail address: 'wang.example.com'", NULL));
    assert_true(has_line(m, "t.yaml:6:53: member: 'mobile' is not a phone number: 'call me'", NULL));
    assert_true(has_line(m, "t.yaml:7:20: 'password' looks like a secret", "'secret_env'"));
    assert_true(has_line(m, "t.yaml:9:43: notify: 'at' expects a time of day HH:MM", "got '25:00'"));
    assert_true(has_line(m, "t.yaml:10:42: notify: 'at' expects a time of day HH:MM", "got '9点'"));
    assert_true(has_line(m, "t.yaml:10:59: notify: unknown weekday 'mondy' for 'weekly_pack' (did you mean 'monday'?)",
                         NULL));
    assert_true(has_line(m, "t.yaml:11:54: notify: give either 'secret_env' or 'secret_file', not both", NULL));
    assert_true(has_line(m, "t.yaml:12:38: 'secret' looks like a secret", "'secret_file'"));
    assert_true(has_line(m, "t.yaml:12:67: notify: unknown weekday 'someday' for 'weekly_pack'", NULL));
    assert_true(has_line(m, "t.yaml:13:51: notify: 'secret_env' names an environment variable", NULL));
    /* the pasted secret is not echoed */
    assert_null(strstr(m, "SECabc"));
    assert_null(strstr(m, "hunter2"));
    assert_true(has_line(m, "t.yaml:14:24: notify: 'to' is not an e-mail address: 'boss'", NULL));
    assert_true(has_line(m, "t.yaml:14:43: notify: 'at' expects a time of day HH:MM", "got '12:60'"));
    assert_int_equal(err.count, 12);
    err_free(&err);
}

/* the value helpers of core/plan.c behind those keys */
static void test_time_weekday_email(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int want; /* -1: refused */
    } times[] = {{"09:00", 540}, {"9:00", 540},  {"00:00", 0},  {"23:59", 1439}, {"24:00", -1}, {"25:00", -1},
                 {"12:60", -1},  {"9点", -1},    {"0900", -1},  {"9:0", -1},     {"09:00:00", -1}, {"", -1},
                 {" 9:00", -1},  {"-1:00", -1},  {"09：00", -1}, {"123:00", -1}};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        int v = -7;
        bool ok = plan_time_parse(times[i].s, &v);
        if (ok != (times[i].want >= 0)) fprintf(stderr, "time '%s'\n", times[i].s);
        assert_int_equal(ok, times[i].want >= 0);
        if (ok) assert_int_equal(v, times[i].want);
    }
    char buf[6];
    assert_string_equal(plan_time_format(0, buf), "00:00");
    assert_string_equal(plan_time_format(8 * 60 + 30, buf), "08:30");
    assert_string_equal(plan_time_format(1439, buf), "23:59");

    static const char *const en[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    static const char *const zh[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
    static const char *const zh2[] = {"星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"};
    for (int i = 0; i < 7; i++) {
        assert_int_equal(plan_weekday_from_name(en[i]), i + 1);
        assert_int_equal(plan_weekday_from_name(zh[i]), i + 1);
        assert_int_equal(plan_weekday_from_name(zh2[i]), i + 1);
        assert_string_equal(plan_weekday_name(i + 1), en[i]);
    }
    assert_int_equal(plan_weekday_from_name("周天"), 7);
    assert_int_equal(plan_weekday_from_name("星期天"), 7);
    assert_int_equal(plan_weekday_from_name("Monday"), -1);
    assert_int_equal(plan_weekday_from_name("周"), -1);
    assert_int_equal(plan_weekday_from_name("周八"), -1);
    assert_int_equal(plan_weekday_from_name("周一 "), -1);
    assert_int_equal(plan_weekday_from_name(""), -1);
    assert_null(plan_weekday_name(0));
    assert_null(plan_weekday_name(8));

    assert_true(plan_email_ok("a@b"));
    assert_true(plan_email_ok("wang.qiang+crm@example.com.cn"));
    assert_false(plan_email_ok("wang.example.com"));
    assert_false(plan_email_ok("@example.com"));
    assert_false(plan_email_ok("wang@"));
    assert_false(plan_email_ok("a@b@c"));
    assert_false(plan_email_ok("a b@c"));
    assert_false(plan_email_ok("a@b,c@d"));
    assert_false(plan_email_ok("Wang <w@x>"));
    assert_false(plan_email_ok(""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_example_zh),     cmocka_unit_test(test_example_en),
        cmocka_unit_test(test_edge_fiscal),    cmocka_unit_test(test_edge_strings),
        cmocka_unit_test(test_bad_files),      cmocka_unit_test(test_errors_sorted),
        cmocka_unit_test(test_syntax_error),   cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_targets),        cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_export_form),    cmocka_unit_test(test_export_json),
        cmocka_unit_test(test_load_file_errors), cmocka_unit_test(test_model_helpers),
        cmocka_unit_test(test_single_quoted_escapes),
        cmocka_unit_test(test_duplicate_keys), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_bare_ratios), cmocka_unit_test(test_check_keeps_partial_plan),
        cmocka_unit_test(test_split_errors), cmocka_unit_test(test_notify_member_keys),
        cmocka_unit_test(test_time_weekday_email),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
