/*
 * schedule.h — the task schedule of SPEC §1 step 4: finish-to-start
 * dependencies, earliest/latest dates, slack and the critical path, and each
 * owner's load per ISO week. Pure.
 *
 * Durations come from a task's start and due (inclusive days). A task may
 * not start before its planned start nor before the day after every
 * dependency's (earliest) finish. The project ends at the latest earliest
 * finish; slack is how many days a task can slip without moving that end.
 */
#ifndef SP_SCHEDULE_H
#define SP_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

#include "plan.h"

typedef struct sp_sched_task {
    const sp_task *task;             /* borrowed from the plan */
    sp_day es, ef, ls, lf;           /* earliest/latest start/finish */
    int32_t slack;                   /* ls - es */
    bool critical;                   /* slack == 0 */
    bool late_start;                 /* planned start < es (a dependency ends later) */
} sp_sched_task;

typedef struct sp_schedule {
    sp_sched_task *t;                /* in plan order */
    size_t n;
    sp_day end;                      /* project end (max ef) */
    size_t *critical;                /* indexes into t along the critical path, in order */
    size_t ncritical;
} sp_schedule;

/* schedule_compute: fills s (zeroed by the caller; freed by schedule_free).
 * Returns false with a message in err when the dependencies have a cycle or
 * name an unknown task (plan_check reports those with positions). */
bool schedule_compute(const sp_plan *p, sp_schedule *s, sp_err *err);
void schedule_free(sp_schedule *s);

#endif
