/*
 * test_schedule.c — critical path and slack on hand-made task graphs:
 * a chain, a diamond (two branches of different length), ties between
 * equal branches, planned starts later than dependencies, cycles.
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
    assert_true(schedule_compute(p, &s, &err));
    assert_int_equal(s.end, D("2026-04-25"));
    for (size_t i = 0; i < 3; i++) assert_int_equal(s.t[i].slack, 0);
    assert_int_equal(s.ncritical, 3);
    assert_string_equal(s.t[s.critical[2]].task->id, "c");
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
    assert_true(schedule_compute(p, &s, &err));
    assert_int_equal(get(&s, "c")->slack, 7);
    assert_false(get(&s, "c")->critical);
    assert_true(get(&s, "b")->critical);
    assert_int_equal(get(&s, "c")->lf, D("2026-04-15"));
    assert_int_equal(s.ncritical, 3);
    const char *want[] = {"a", "b", "d"};
    for (size_t i = 0; i < 3; i++) assert_string_equal(s.t[s.critical[i]].task->id, want[i]);
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
    assert_true(schedule_compute(p, &s, &err));
    assert_true(get(&s, "b")->critical);
    assert_true(get(&s, "c")->critical);
    assert_true(get(&s, "e")->late_start);
    assert_int_equal(get(&s, "e")->es, D("2026-04-06"));
    assert_int_equal(get(&s, "e")->ef, D("2026-04-08"));
    assert_int_equal(s.end, D("2026-04-08"));
    assert_int_equal(s.ncritical, 3);
    assert_string_equal(s.t[s.critical[1]].task->id, "b");
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
    assert_false(schedule_compute(p, &s, &err));
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
    assert_true(schedule_compute(p, &s, &err));
    assert_int_equal(s.n, 0);
    assert_int_equal(s.end, SP_DAY_NONE);
    schedule_free(&s);
    plan_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain),          cmocka_unit_test(test_diamond),
        cmocka_unit_test(test_tie_and_late_start), cmocka_unit_test(test_cycle),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
