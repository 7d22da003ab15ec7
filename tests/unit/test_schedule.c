/*
 * test_schedule.c — critical path and slack on hand-made task graphs:
 * a chain, a diamond (two branches of different length), ties between
 * equal branches, planned starts later than dependencies, cycles; and the
 * forecast as of a date: a late task finishing from the as-of date by its
 * progress, pushing its successors, and the critical path moving with it
 * (every date below worked out by hand in the comments).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "core/schedule.h"

static sp_day D(const char *s)
{
    sp_day d;
    const char *why;
    assert_true(date_parse(s, &d, &why));
    return d;
}

/* add_task: appends a task with id, start, due and up to 3 dependencies. */
static void add_task(sp_plan *p, const char *id, const char *start, const char *due, const char *d1,
                     const char *d2)
{
    p->tasks = xreallocarray(p->tasks, p->ntasks + 1, sizeof *p->tasks);
    sp_task *t = &p->tasks[p->ntasks++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    t->owner = xstrdup("r1");
    t->start = D(start);
    t->due = D(due);
    const char *deps[2] = {d1, d2};
    for (int i = 0; i < 2; i++) {
        if (!deps[i]) continue;
        t->depends_on = xreallocarray(t->depends_on, t->ndepends_on + 1, sizeof *t->depends_on);
        t->depends_on[t->ndepends_on++] = xstrdup(deps[i]);
    }
}

static const sp_sched_task *get(const sp_schedule *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->t[i].task->id, id) == 0) return &s->t[i];
    fail_msg("no task %s", id);
    return NULL;
}

static void test_chain(void **state)
{
    (void)state;
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-10", NULL, NULL);
    add_task(p, "b", "2026-04-11", "2026-04-20", "a", NULL);
    add_task(p, "c", "2026-04-21", "2026-04-25", "b", NULL);
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_true(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_int_equal(s.plan.end, D("2026-04-25"));
    for (size_t i = 0; i < 3; i++) assert_int_equal(s.t[i].plan.slack, 0);
    assert_int_equal(s.plan.n, 3);
    assert_string_equal(s.t[s.plan.idx[2]].task->id, "c");
    schedule_free(&s);
    plan_free(p);
}

static void test_diamond(void **state)
{
    (void)state;
    /* a → b (10 days) → d ; a → c (3 days) → d : c has 7 days of slack */
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-05", NULL, NULL);
    add_task(p, "b", "2026-04-06", "2026-04-15", "a", NULL);
    add_task(p, "c", "2026-04-06", "2026-04-08", "a", NULL);
    add_task(p, "d", "2026-04-16", "2026-04-20", "b", "c");
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_true(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_int_equal(get(&s, "c")->plan.slack, 7);
    assert_false(get(&s, "c")->plan.critical);
    assert_true(get(&s, "b")->plan.critical);
    assert_int_equal(get(&s, "c")->plan.lf, D("2026-04-15"));
    assert_int_equal(s.plan.n, 3);
    const char *want[] = {"a", "b", "d"};
    for (size_t i = 0; i < 3; i++) assert_string_equal(s.t[s.plan.idx[i]].task->id, want[i]);
    schedule_free(&s);
    plan_free(p);
}

static void test_tie_and_late_start(void **state)
{
    (void)state;
    /* two equal branches: both critical; the path follows plan order.
     * e's planned start is before its dependency ends: pushed, late_start. */
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-02", NULL, NULL);
    add_task(p, "b", "2026-04-03", "2026-04-05", "a", NULL);
    add_task(p, "c", "2026-04-03", "2026-04-05", "a", NULL);
    add_task(p, "e", "2026-04-04", "2026-04-06", "b", "c");
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_true(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_true(get(&s, "b")->plan.critical);
    assert_true(get(&s, "c")->plan.critical);
    assert_true(get(&s, "e")->late_start);
    assert_int_equal(get(&s, "e")->plan.es, D("2026-04-06"));
    assert_int_equal(get(&s, "e")->plan.ef, D("2026-04-08"));
    assert_int_equal(s.plan.end, D("2026-04-08"));
    assert_int_equal(s.plan.n, 3);
    assert_string_equal(s.t[s.plan.idx[1]].task->id, "b");
    schedule_free(&s);
    plan_free(p);
}

static void test_cycle(void **state)
{
    (void)state;
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-02", "c", NULL);
    add_task(p, "b", "2026-04-03", "2026-04-05", "a", NULL);
    add_task(p, "c", "2026-04-03", "2026-04-05", "b", NULL);
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_false(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "cycle"));
    err_free(&err);
    schedule_free(&s);
    add_task(p, "z", "2026-04-03", "2026-04-05", "nope", NULL);
    plan_free(p);
}

static void test_empty(void **state)
{
    (void)state;
    sp_plan *p = plan_new();
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_true(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_int_equal(s.n, 0);
    assert_int_equal(s.plan.end, SP_DAY_NONE);
    schedule_free(&s);
    plan_free(p);
}

/* st: a task state (status, progress) for schedule_compute. */
static sp_task_state st(const char *id, sp_task_status status, int progress)
{
    sp_task_state v = {(char *)id, status, progress, NULL};
    return v;
}

/* a → b → c (10, 10 and 5 days) beside an independent d (30 days):
 *   planned: a 04-01..04-10, b 04-11..04-20, c 04-21..04-25, d 04-01..04-30;
 *   the plan ends 04-30, driven by d; the chain has 5 days of slack. */
static sp_plan *chain_and_d(void)
{
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-10", NULL, NULL);
    add_task(p, "b", "2026-04-11", "2026-04-20", "a", NULL);
    add_task(p, "c", "2026-04-21", "2026-04-25", "b", NULL);
    add_task(p, "d", "2026-04-01", "2026-04-30", NULL, NULL);
    return p;
}

static void test_forecast_late_pushes(void **state)
{
    (void)state;
    sp_plan *p = chain_and_d();
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    /* as of 04-15, a (due 04-10) is not done and at 0 %: its 10 days of
     * work start on 04-15 → finishes 04-24; b 04-25..05-04; c 05-05..05-09.
     * The forecast end is 05-09 (c), 9 days after the planned 04-30; the
     * chain is now critical and d has 05-09 − 04-30 = 9 days of slack. */
    assert_true(schedule_compute(p, NULL, 0, D("2026-04-15"), &s, &err));
    assert_int_equal(s.plan.end, D("2026-04-30"));
    assert_int_equal(s.plan.n, 1);
    assert_string_equal(s.t[s.plan.idx[0]].task->id, "d");
    assert_int_equal(get(&s, "a")->plan.slack, 5);
    assert_true(get(&s, "a")->late);
    assert_false(get(&s, "b")->late);
    assert_int_equal(get(&s, "a")->fc.es, D("2026-04-01"));
    assert_int_equal(get(&s, "a")->fc.ef, D("2026-04-24"));
    assert_int_equal(get(&s, "b")->fc.es, D("2026-04-25"));
    assert_int_equal(get(&s, "b")->fc.ef, D("2026-05-04"));
    assert_true(get(&s, "b")->pushed);
    assert_int_equal(get(&s, "b")->delay, 14);
    assert_int_equal(get(&s, "c")->fc.es, D("2026-05-05"));
    assert_int_equal(get(&s, "c")->fc.ef, D("2026-05-09"));
    assert_false(get(&s, "d")->pushed);
    assert_int_equal(get(&s, "d")->fc.ef, D("2026-04-30"));
    assert_int_equal(s.fc.end, D("2026-05-09"));
    assert_int_equal(get(&s, "d")->fc.slack, 9);
    assert_false(get(&s, "d")->fc.critical);
    assert_int_equal(get(&s, "a")->fc.slack, 0);
    assert_int_equal(s.fc.n, 3);
    const char *want[] = {"a", "b", "c"};
    for (size_t i = 0; i < 3; i++) assert_string_equal(s.t[s.fc.idx[i]].task->id, want[i]);
    schedule_free(&s);

    /* at 50 % a has ceil(10 × 0.5) = 5 days left from 04-15: 04-19; b
     * 04-20..04-29, c 04-30..05-04; end 05-04; d's slack 4 */
    sp_task_state half = st("a", TASK_DOING, 50);
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, &half, 1, D("2026-04-15"), &s, &err));
    assert_int_equal(get(&s, "a")->fc.ef, D("2026-04-19"));
    assert_int_equal(get(&s, "b")->fc.es, D("2026-04-20"));
    assert_int_equal(get(&s, "c")->fc.ef, D("2026-05-04"));
    assert_int_equal(s.fc.end, D("2026-05-04"));
    assert_int_equal(get(&s, "d")->fc.slack, 4);
    schedule_free(&s);

    /* at 95 %: ceil(0.5) = 1 day left, finishing on the as-of date 04-15;
     * b 04-16..04-25, c 04-26..04-30: both branches end 04-30, all critical */
    sp_task_state almost = st("a", TASK_DOING, 95);
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, &almost, 1, D("2026-04-15"), &s, &err));
    assert_int_equal(get(&s, "a")->fc.ef, D("2026-04-15"));
    assert_int_equal(get(&s, "c")->fc.ef, D("2026-04-30"));
    assert_int_equal(s.fc.end, D("2026-04-30"));
    assert_true(get(&s, "c")->fc.critical);
    assert_true(get(&s, "d")->fc.critical);
    schedule_free(&s);

    /* done: a keeps its dates and pushes nothing; the forecast is the plan */
    sp_task_state done = st("a", TASK_DONE, 100);
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, &done, 1, D("2026-04-15"), &s, &err));
    assert_false(get(&s, "a")->late);
    assert_true(get(&s, "a")->done);
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.t[i].fc.es, s.t[i].plan.es);
        assert_int_equal(s.t[i].fc.ef, s.t[i].plan.ef);
        assert_int_equal(s.t[i].fc.slack, s.t[i].plan.slack);
    }
    assert_int_equal(s.fc.end, s.plan.end);
    schedule_free(&s);

    /* no as-of date: nothing is late, the forecast is the plan */
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, NULL, 0, SP_DAY_NONE, &s, &err));
    assert_false(get(&s, "a")->late);
    assert_int_equal(s.fc.end, D("2026-04-30"));
    schedule_free(&s);
    plan_free(p);
}

static void test_forecast_late_successor(void **state)
{
    (void)state;
    /* a 04-01..04-05 (5 days) → b 04-06..04-08 (3 days); as of 04-20 both
     * are late. a at 0 %: 5 days from 04-20 → 04-24. b is pushed to
     * 04-25..04-27 (later than its own floor 04-20 + 3 − 1 = 04-22);
     * delay 04-27 − 04-08 = 19 days. */
    sp_plan *p = plan_new();
    add_task(p, "a", "2026-04-01", "2026-04-05", NULL, NULL);
    add_task(p, "b", "2026-04-06", "2026-04-08", "a", NULL);
    sp_schedule s = {0};
    sp_err err = SP_ERR_INIT;
    assert_true(schedule_compute(p, NULL, 0, D("2026-04-20"), &s, &err));
    assert_int_equal(get(&s, "a")->fc.ef, D("2026-04-24"));
    assert_int_equal(get(&s, "b")->fc.es, D("2026-04-25"));
    assert_int_equal(get(&s, "b")->fc.ef, D("2026-04-27"));
    assert_true(get(&s, "b")->late && get(&s, "b")->pushed);
    assert_int_equal(get(&s, "b")->delay, 19);
    assert_int_equal(s.fc.end, D("2026-04-27"));
    schedule_free(&s);

    /* a done: b is not pushed, but is late itself at 0 %: it keeps its
     * start 04-06 and finishes 04-20 + 3 − 1 = 04-22 (delay 14) */
    sp_task_state v[2] = {st("a", TASK_DONE, 100), st("b", TASK_TODO, 0)};
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, v, 2, D("2026-04-20"), &s, &err));
    assert_int_equal(get(&s, "b")->fc.es, D("2026-04-06"));
    assert_int_equal(get(&s, "b")->fc.ef, D("2026-04-22"));
    assert_false(get(&s, "b")->pushed);
    assert_int_equal(get(&s, "b")->delay, 14);
    /* the done a no longer drives the end: b alone is critical */
    assert_int_equal(s.fc.n, 1);
    assert_string_equal(s.t[s.fc.idx[0]].task->id, "b");
    schedule_free(&s);

    /* b blocked at 100 %: still not done, at least the as-of day itself */
    sp_task_state w[2] = {st("a", TASK_DONE, 100), st("b", TASK_BLOCKED, 100)};
    memset(&s, 0, sizeof s);
    assert_true(schedule_compute(p, w, 2, D("2026-04-20"), &s, &err));
    assert_int_equal(get(&s, "b")->fc.ef, D("2026-04-20"));
    schedule_free(&s);
    plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),          cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_tie_and_late_start), cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_forecast_late_pushes), cmocka_unit_test(test_forecast_late_successor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
