/*
 * schedule.h — `salesplan serve` sending the reminders on their daily
 * schedule (docs/NOTIFY.md "When it runs"): a thread of its own that, for
 * every plan of the workspace, runs notify for each channel with an `at:`
 * once that time of day has come in the plan's time zone (computed from the
 * tz database, TZ untouched: app/clock.c). The plan is read afresh each
 * time, so a new plan version takes effect within a minute. Whether a
 * message went out is the workspace's notify_log, so a second server or a
 * `salesplan notify` run the same day sends nothing twice; a time missed
 * while the server was down is caught up at start-up the same day.
 *
 * For the test suite only, the clock can be moved: $SALESPLAN_TEST_CLOCK
 * (an ISO time with its offset, "2026-06-30T08:59:00+08:00" or "…Z") is
 * the time at start, running $SALESPLAN_TEST_CLOCK_SPEED (1–3600, default
 * 1) times as fast as the real one.
 */
#ifndef SP_NOTIFY_SCHEDULE_H
#define SP_NOTIFY_SCHEDULE_H

#include <stdint.h>
#include <stdio.h>

#include "../util/util.h"

typedef struct sp_sched_config {
    const char *db_url;          /* the workspace (its own store handle) */
    const char *base_url;        /* the server's address for links; NULL = none */
    FILE *log;                   /* one line per run and per failure; NULL = silent */
} sp_sched_config;

typedef struct sp_notify_sched sp_notify_sched;

/* notify_sched_start: starts the scheduler thread (cfg's strings must live
 * until notify_sched_stop). NULL with err when the test clock is malformed
 * or the thread cannot start. */
sp_notify_sched *notify_sched_start(const sp_sched_config *cfg, sp_err *err);
/* notify_sched_stop: no new message is started; the one being sent is
 * finished (no further retries) and recorded; then the thread ends. Frees
 * s (NULL: nothing). */
void notify_sched_stop(sp_notify_sched *s);

/* notify_sched_parse_clock: an ISO time "YYYY-MM-DDTHH:MM[:SS]" followed by
 * "Z" or "+HH:MM" / "-HH:MM" as unix seconds; false when malformed. */
bool notify_sched_parse_clock(const char *s, int64_t *t);

#endif
