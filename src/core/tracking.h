/*
 * tracking.h — what the workspace keeps about a plan besides its versions:
 * task states (status, progress; kept across plan versions by task id),
 * monthly review records, and manual actuals of `manual` goals. Pure data.
 */
#ifndef SP_TRACKING_H
#define SP_TRACKING_H

#include <stddef.h>
#include <stdint.h>

#include "value.h"

typedef enum sp_task_status { TASK_TODO, TASK_DOING, TASK_DONE, TASK_BLOCKED, TASK_STATUS_COUNT } sp_task_status;
const char *task_status_name(sp_task_status s);        /* "todo" … */
int task_status_from_name(const char *s);              /* -1 when unknown */

typedef struct sp_task_state {
    char *task_id;
    sp_task_status status;
    int progress;                                      /* 0..100 */
    char *updated_at;                                  /* "YYYY-MM-DD HH:MM:SS" UTC */
} sp_task_state;

typedef struct sp_review {
    int64_t id;
    char *plan_id, *period_text, *goal_id;             /* goal_id may be NULL */
    char *cause, *lesson, *action;                     /* may be NULL */
    int plan_version;                                  /* the version it led to, 0 = none */
    char *created_at;
} sp_review;

typedef struct sp_actual {
    char *goal_id;
    sp_day on;
    int64_t value;                                     /* in the goal's unit (see sp_goal.target) */
} sp_actual;

void task_states_free(sp_task_state *v, size_t n);
void reviews_free(sp_review *v, size_t n);
void actuals_free(sp_actual *v, size_t n);

#endif
