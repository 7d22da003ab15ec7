/*
 * schedule.h — the task schedule of SPEC §1 step 4: finish-to-start
 * dependencies, earliest/latest dates, slack and the critical path, as
 * planned and as forecast on an as-of date. Pure (the as-of date and the
 * task states are passed in).
 *
 * Planned: durations come from a task's start and due (inclusive days). A
 * task may not start before its planned start nor before the day after every
 * dependency's (earliest) finish. The project ends at the latest earliest
 * finish; slack is how many days a task can slip without moving that end.
 *
 * Forecast (as of D, from the stored task states): a task that is done keeps
 * its scheduled dates (the workspace does not record when it finished),
 * waits for nothing and is never critical. A task not done starts at its
 * planned start, or the day after its dependencies' forecast finish when
 * that is later (its planned duration kept); when it is late — not done and due before D — it cannot
 * finish before D either: the work left, ceil(duration × (100 − progress) /
 * 100) days (at least one), is done from D on, so it finishes on
 * max(forecast finish, D + left − 1). Its successors move accordingly. Slack
 * and the critical path are then computed again over the forecast dates
 * (each task's forecast span kept), against the forecast end.
 */
#ifndef SP_SCHEDULE_H
#define SP_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"
#include "tracking.h"

/* One pass of the critical path method over a task. */
typedef struct sp_cpm {
    sp_day es, ef, ls, lf;           /* earliest/latest start/finish */
    int32_t slack;                   /* ls - es */
    bool critical;                   /* slack == 0 */
} sp_cpm;

typedef struct sp_sched_task {
    const sp_task *task;             /* borrowed from the plan */
    sp_cpm plan;                     /* from the planned dates */
    sp_cpm fc;                       /* forecast as of the as-of date */
    bool late_start;                 /* planned start < plan.es (a dependency ends later) */
    bool done;                       /* its stored status is done */
    bool late;                       /* not done and due before the as-of date */
    bool pushed;                     /* fc.es > plan.es: a late predecessor moves it */
    int32_t delay;                   /* fc.ef - plan.ef (days, >= 0) */
} sp_sched_task;

/* A critical path: indexes into sp_schedule.t, in order; the end it drives. */
typedef struct sp_path {
    size_t *idx;
    size_t n;
    sp_day end;                      /* max ef (SP_DAY_NONE without tasks) */
} sp_path;

typedef struct sp_schedule {
    sp_sched_task *t;                /* in plan order */
    size_t n;
    sp_day as_of;                    /* as given (SP_DAY_NONE: forecast = plan) */
    sp_path plan;                    /* planned end and critical path */
    sp_path fc;                      /* forecast end and critical path */
} sp_schedule;

/* schedule_compute: fills s (zeroed by the caller; freed by schedule_free)
 * with the planned and the forecast schedule of p's tasks as of as_of
 * (SP_DAY_NONE: no task is late, the forecast equals the plan), taking each
 * task's status and progress from states[0..nstates) by task id (a task
 * without a state is todo, 0 %). Returns false with a message in err when
 * the dependencies have a cycle or name an unknown task (plan_check reports
 * those with positions). */
bool schedule_compute(const sp_plan *p, const sp_task_state *states, size_t nstates, sp_day as_of, sp_schedule *s,
                      sp_err *err);
void schedule_free(sp_schedule *s);

#endif
