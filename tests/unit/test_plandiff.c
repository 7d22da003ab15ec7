/*
 * test_plandiff.c — plan_diff on pairs of small plans parsed from YAML
 * text: a changed target (money grouped in major units), added and removed
 * goals and tasks, a changed budget share, a changed task date and
 * dependency, inherited fields not repeated on children, notify's at /
 * weekly_pack / secret_file and members' contact keys, and identical
 * plans (no change at all). Expectations are written by hand from the YAML.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/plandiff.h"
#include "io/plan_yaml.h"

/* BASE: a plan with a split revenue goal, one strategy, two tasks, a budget. */
static const char BASE[] =
    "plan:\n"
    "  id: p1\n"
    "  name: Plan one\n"
    "  period: 2026\n"
    "team:\n"
    "  groups:\n"
    "    - id: g1\n"
    "      name: Group one\n"
    "      members:\n"
    "        - {id: r1, name: Ann, role: leader}\n"
    "        - {id: r2, name: Bob, role: rep}\n"
    "goals:\n"
    "  - id: revenue\n"
    "    name: Revenue\n"
    "    type: result\n"
    "    metric: revenue\n"
    "    target: 5000万\n"
    "    period: 2026\n"
    "    owner: r1\n"
    "    children:\n"
    "      - {id: rev-h1, period: 2026-H1, target: 2000万}\n"
    "      - {id: rev-h2, period: 2026-H2, target: 3000万}\n"
    "  - id: share\n"
    "    type: result\n"
    "    metric: new_customer_revenue_share\n"
    "    target: 40%\n"
    "    period: 2026-Q3\n"
    "    owner: r1\n"
    "strategies:\n"
    "  - {id: s1, category: market, name: Strategy one, goals: [revenue], priority: 1}\n"
    "tasks:\n"
    "  - {id: t1, strategy: s1, name: First task, owner: r1, start: 2026-04-01, due: 2026-04-15}\n"
    "  - {id: t2, strategy: s1, name: Second task, owner: r2, start: 2026-04-16, due: 2026-04-30,"
    " depends_on: [t1]}\n"
    "budget:\n"
    "  total: 200万\n"
    "  categories:\n"
    "    - {id: marketing, name: Marketing, share: 40%}\n"
    "    - {id: other, name: Other, share: 60%}\n";

/* replace: a copy of s with the first occurrence of from replaced by to. */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    return xasprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
}

static sp_plan *parse(const char *text)
{
    sp_err err = SP_ERR_INIT;
    sp_plan *p = plan_yaml_parse(text, strlen(text), "test.yaml", &err);
    if (!p) fail_msg("parse failed: %s", buf_cstr(&err.msg));
    err_free(&err);
    return p;
}

/* diff_of: the diff between BASE and text. */
static void diff_of(const char *old_text, const char *new_text, sp_plan_diff *d)
{
    sp_plan *a = parse(old_text), *b = parse(new_text);
    memset(d, 0, sizeof *d);
    plan_diff(a, b, d);
    plan_free(a);
    plan_free(b);
}

static const sp_diff_change *find(const sp_plan_diff *d, sp_diff_kind k, sp_diff_entity e, const char *id,
                                  const char *field)
{
    for (size_t i = 0; i < d->n; i++) {
        const sp_diff_change *c = &d->v[i];
        if (c->kind == k && c->entity == e && strcmp(c->id, id) == 0 && str_eq(c->field, field)) return c;
    }
    return NULL;
}

static void test_identical(void **state)
{
    (void)state;
    sp_plan_diff d;
    diff_of(BASE, BASE, &d);
    assert_int_equal(d.n, 0);
    plan_diff_free(&d);
}

/* reordering keys and a filter's dimensions is not a change */
static void test_reordered_is_same(void **state)
{
    (void)state;
    char *x = replace(BASE, "    owner: r1\n    children:", "    owner: r1\n    filter: {region: East, industry: Mfg}\n    children:");
    char *y = replace(BASE, "    owner: r1\n    children:", "    filter: {industry: Mfg, region: East}\n    owner: r1\n    children:");
    sp_plan_diff d;
    diff_of(x, y, &d);
    assert_int_equal(d.n, 0);
    plan_diff_free(&d);
    free(x);
    free(y);
}

static void test_changed_target(void **state)
{
    (void)state;
    /* 2000万 → 1900万 and 3000万 → 3100万: the parent stays 5000万 */
    char *x = replace(BASE, "target: 2000万", "target: 1900万");
    char *y = replace(x, "target: 3000万", "target: 3100万");
    sp_plan_diff d;
    diff_of(BASE, y, &d);
    assert_int_equal(d.n, 2);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_GOAL, "rev-h1", "target");
    assert_non_null(c);
    assert_string_equal(c->old_text, "20,000,000");
    assert_string_equal(c->new_text, "19,000,000");
    c = find(&d, DIFF_CHANGED, DENT_GOAL, "rev-h2", "target");
    assert_non_null(c);
    assert_string_equal(c->old_text, "30,000,000");
    assert_string_equal(c->new_text, "31,000,000");
    plan_diff_free(&d);
    free(x);
    free(y);
}

/* an owner changed on the parent is reported once, not on every child */
static void test_inherited_owner(void **state)
{
    (void)state;
    char *y = replace(BASE, "    owner: r1\n    children:", "    owner: r2\n    children:");
    sp_plan_diff d;
    diff_of(BASE, y, &d);
    assert_int_equal(d.n, 1);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_GOAL, "revenue", "owner");
    assert_non_null(c);
    assert_string_equal(c->old_text, "r1");
    assert_string_equal(c->new_text, "r2");
    plan_diff_free(&d);
    free(y);
}

static void test_goal_added_removed(void **state)
{
    (void)state;
    /* "share" is removed; a new process goal "visits" is added */
    char *y = replace(BASE,
                      "  - id: share\n    type: result\n    metric: new_customer_revenue_share\n    target: 40%\n"
                      "    period: 2026-Q3\n    owner: r1\n",
                      "  - id: visits\n    name: Visits\n    type: process\n    metric: visits\n    target: 300\n"
                      "    period: 2026\n    owner: r2\n    supports: [revenue]\n");
    sp_plan_diff d;
    diff_of(BASE, y, &d);
    assert_int_equal(d.n, 2);
    const sp_diff_change *c = find(&d, DIFF_REMOVED, DENT_GOAL, "share", NULL);
    assert_non_null(c);
    c = find(&d, DIFF_ADDED, DENT_GOAL, "visits", NULL);
    assert_non_null(c);
    assert_string_equal(c->new_text, "Visits");
    /* removed ones come first */
    assert_int_equal(d.v[0].kind, DIFF_REMOVED);
    plan_diff_free(&d);
    free(y);
}

static void test_task_changes(void **state)
{
    (void)state;
    /* t2 moves to May, loses its dependency; t3 is added; t1 unchanged */
    char *y = replace(BASE, " due: 2026-04-30, depends_on: [t1]}\n",
                      " due: 2026-05-31}\n"
                      "  - {id: t3, strategy: s1, name: Third task, owner: r2, start: 2026-06-01, due: 2026-06-01,"
                      " milestone: true, depends_on: [t2]}\n");
    sp_plan_diff d;
    diff_of(BASE, y, &d);
    assert_int_equal(d.n, 3);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_TASK, "t2", "due");
    assert_non_null(c);
    assert_string_equal(c->old_text, "2026-04-30");
    assert_string_equal(c->new_text, "2026-05-31");
    c = find(&d, DIFF_CHANGED, DENT_TASK, "t2", "depends_on");
    assert_non_null(c);
    assert_string_equal(c->old_text, "t1");
    assert_null(c->new_text);
    c = find(&d, DIFF_ADDED, DENT_TASK, "t3", NULL);
    assert_non_null(c);
    assert_string_equal(c->new_text, "Third task");
    plan_diff_free(&d);
    free(y);
}

static void test_task_removed(void **state)
{
    (void)state;
    char *y = replace(BASE,
                      "  - {id: t2, strategy: s1, name: Second task, owner: r2, start: 2026-04-16, due: 2026-04-30,"
                      " depends_on: [t1]}\n",
                      "");
    sp_plan_diff d;
    diff_of(BASE, y, &d);
    assert_int_equal(d.n, 1);
    const sp_diff_change *c = find(&d, DIFF_REMOVED, DENT_TASK, "t2", NULL);
    assert_non_null(c);
    assert_string_equal(c->old_text, "Second task");
    plan_diff_free(&d);
    free(y);
}

static void test_budget_share_and_total(void **state)
{
    (void)state;
    char *x = replace(BASE, "share: 40%", "share: 35%");
    char *y = replace(x, "share: 60%", "share: 0.65");
    char *z = replace(y, "total: 200万", "total: 2,500,000.50");
    sp_plan_diff d;
    diff_of(BASE, z, &d);
    assert_int_equal(d.n, 3);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_BUDGET_CAT, "marketing", "share");
    assert_non_null(c);
    assert_string_equal(c->old_text, "40%");
    assert_string_equal(c->new_text, "35%");
    c = find(&d, DIFF_CHANGED, DENT_BUDGET_CAT, "other", "share");
    assert_non_null(c);
    assert_string_equal(c->new_text, "65%");
    c = find(&d, DIFF_CHANGED, DENT_BUDGET, "", "total");
    assert_non_null(c);
    assert_string_equal(c->old_text, "2,000,000");
    assert_string_equal(c->new_text, "2,500,000.50");
    plan_diff_free(&d);
    free(x);
    free(y);
    free(z);
}

static void test_plan_fields_strategy_member(void **state)
{
    (void)state;
    char *x = replace(BASE, "  period: 2026\nteam:", "  period: 2026\n  pacing: seasonal\nteam:");
    char *y = replace(x, "priority: 1", "priority: 2");
    char *z = replace(y, "{id: r2, name: Bob, role: rep}", "{id: r2, name: Bob, role: presales}");
    sp_plan_diff d;
    diff_of(BASE, z, &d);
    assert_int_equal(d.n, 3);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_PLAN, "p1", "pacing");
    assert_non_null(c);
    assert_string_equal(c->old_text, "linear");
    assert_string_equal(c->new_text, "seasonal");
    c = find(&d, DIFF_CHANGED, DENT_STRATEGY, "s1", "priority");
    assert_non_null(c);
    assert_string_equal(c->old_text, "1");
    assert_string_equal(c->new_text, "2");
    c = find(&d, DIFF_CHANGED, DENT_MEMBER, "r2", "role");
    assert_non_null(c);
    assert_string_equal(c->new_text, "presales");
    /* order: plan fields, team, …, strategies */
    assert_int_equal(d.v[0].entity, DENT_PLAN);
    assert_int_equal(d.v[2].entity, DENT_STRATEGY);
    plan_diff_free(&d);
    free(x);
    free(y);
    free(z);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(diff_kind_name(DIFF_ADDED), "added");
    assert_string_equal(diff_kind_name(DIFF_CHANGED), "changed");
    assert_string_equal(diff_entity_name(DENT_GOAL), "goal");
    assert_string_equal(diff_entity_name(DENT_BUDGET_CAT), "budget_category");
    for (int e = 0; e < DENT_COUNT; e++) assert_non_null(diff_entity_name((sp_diff_entity)e));
}

/* splits: a split added beside `children` shows as the parent's `splits`
 * and its children as added goals; a child's target change is seen, and a
 * child moved from `children` into a split changes its `split`. */
static void test_splits(void **state)
{
    (void)state;
    const char *split = "      - {id: rev-h2, period: 2026-H2, target: 3000万}\n"
                        "    splits:\n"
                        "      - by: region\n"
                        "        children:\n"
                        "          - {id: rev-east, filter: {region: East}, target: 3000万}\n"
                        "          - {id: rev-west, filter: {region: West}, target: 2000万}\n";
    char *v2 = replace(BASE, "      - {id: rev-h2, period: 2026-H2, target: 3000万}\n", split);
    sp_plan_diff d;
    diff_of(BASE, v2, &d);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_GOAL, "revenue", "splits");
    assert_non_null(c);
    assert_null(c->old_text);
    assert_string_equal(c->new_text, "region");
    assert_non_null(find(&d, DIFF_ADDED, DENT_GOAL, "rev-east", NULL));
    assert_non_null(find(&d, DIFF_ADDED, DENT_GOAL, "rev-west", NULL));
    assert_int_equal(d.n, 3);
    plan_diff_free(&d);

    char *v3 = replace(v2, "target: 2000万}\n", "target: 1500万}\n");
    char *v3b = replace(v3, "{id: rev-east, filter: {region: East}, target: 3000万}",
                        "{id: rev-east, filter: {region: East}, target: 3500万}");
    diff_of(v2, v3b, &d);
    /* the first "target: 2000万}" is rev-h1's: it and rev-east changed */
    assert_non_null(find(&d, DIFF_CHANGED, DENT_GOAL, "rev-east", "target"));
    assert_non_null(find(&d, DIFF_CHANGED, DENT_GOAL, "rev-h1", "target"));
    assert_null(find(&d, DIFF_CHANGED, DENT_GOAL, "rev-west", "target"));
    plan_diff_free(&d);

    /* rev-h2 moved under a split by half: its split changes */
    char *v4 = replace(v2, "      - {id: rev-h2, period: 2026-H2, target: 3000万}\n    splits:\n",
                       "    splits:\n      - by: half\n        children:\n"
                       "          - {id: rev-h2, period: 2026-H2, target: 3000万}\n");
    diff_of(v2, v4, &d);
    c = find(&d, DIFF_CHANGED, DENT_GOAL, "rev-h2", "split");
    assert_non_null(c);
    assert_string_equal(c->old_text, "children");
    assert_string_equal(c->new_text, "half");
    c = find(&d, DIFF_CHANGED, DENT_GOAL, "revenue", "splits");
    assert_non_null(c);
    assert_string_equal(c->old_text, "region");
    assert_string_equal(c->new_text, "half, region");
    plan_diff_free(&d);
    free(v2);
    free(v3);
    free(v3b);
    free(v4);
}

/* notify's at, weekly_pack and secret_file, and a member's contact keys:
 * a changed `at` is one change "08:30" → "09:00"; a weekday written in
 * Chinese compares by its day (周一 = monday is no change) */
static void test_notify_and_contacts(void **state)
{
    (void)state;
    char *x = xasprintf("%snotify:\n"
                        "  - {kind: email, to_owner: true, at: \"08:30\", weekly_pack: monday}\n"
                        "  - {kind: dingtalk, url: \"https://h\", secret_env: DING}\n",
                        BASE);
    char *same = replace(x, "weekly_pack: monday", "weekly_pack: 周一");
    sp_plan_diff d;
    diff_of(x, same, &d);
    assert_int_equal(d.n, 0);
    plan_diff_free(&d);

    char *y = replace(x, "at: \"08:30\"", "at: \"9:00\"");
    diff_of(x, y, &d);
    assert_int_equal(d.n, 1);
    const sp_diff_change *c = find(&d, DIFF_CHANGED, DENT_NOTIFY, "email", "at");
    assert_non_null(c);
    assert_string_equal(c->old_text, "08:30");
    assert_string_equal(c->new_text, "09:00");
    assert_int_equal(c->vtype, DV_TEXT);
    plan_diff_free(&d);

    /* at removed, weekly pack moved, secret from a file instead of a variable,
     * a member's e-mail, mobile and IM id added */
    char *z1 = replace(x, ", at: \"08:30\", weekly_pack: monday", ", weekly_pack: 周五");
    char *z2 = replace(z1, "secret_env: DING", "secret_file: /etc/ding");
    char *z = replace(z2, "{id: r2, name: Bob, role: rep}",
                      "{id: r2, name: Bob, role: rep, email: bob@example.com, mobile: \"139 0000 0000\", im_id: U2}");
    diff_of(x, z, &d);
    assert_int_equal(d.n, 7);
    c = find(&d, DIFF_CHANGED, DENT_NOTIFY, "email", "at");
    assert_non_null(c);
    assert_string_equal(c->old_text, "08:30");
    assert_null(c->new_text);
    c = find(&d, DIFF_CHANGED, DENT_NOTIFY, "email", "weekly_pack");
    assert_non_null(c);
    assert_string_equal(c->old_text, "monday");
    assert_string_equal(c->new_text, "friday");
    c = find(&d, DIFF_CHANGED, DENT_NOTIFY, "dingtalk", "secret_env");
    assert_non_null(c);
    assert_string_equal(c->old_text, "DING");
    assert_null(c->new_text);
    c = find(&d, DIFF_CHANGED, DENT_NOTIFY, "dingtalk", "secret_file");
    assert_non_null(c);
    assert_null(c->old_text);
    assert_string_equal(c->new_text, "/etc/ding");
    c = find(&d, DIFF_CHANGED, DENT_MEMBER, "r2", "email");
    assert_non_null(c);
    assert_string_equal(c->new_text, "bob@example.com");
    c = find(&d, DIFF_CHANGED, DENT_MEMBER, "r2", "mobile");
    assert_non_null(c);
    assert_string_equal(c->new_text, "139 0000 0000");
    c = find(&d, DIFF_CHANGED, DENT_MEMBER, "r2", "im_id");
    assert_non_null(c);
    assert_string_equal(c->new_text, "U2");
    plan_diff_free(&d);
    free(x);
    free(same);
    free(y);
    free(z1);
    free(z2);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identical),
        cmocka_unit_test(test_reordered_is_same),
        cmocka_unit_test(test_changed_target),
        cmocka_unit_test(test_inherited_owner),
        cmocka_unit_test(test_goal_added_removed),
        cmocka_unit_test(test_task_changes),
        cmocka_unit_test(test_task_removed),
        cmocka_unit_test(test_budget_share_and_total),
        cmocka_unit_test(test_plan_fields_strategy_member),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_splits),
        cmocka_unit_test(test_notify_and_contacts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
