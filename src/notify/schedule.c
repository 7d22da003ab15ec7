/*
 * schedule.c — the server's reminder schedule (schedule.h). One thread, its
 * own store handle. Each pass (at least once a minute of its clock): list
 * the workspace's plans, load each one's latest version, and for every
 * channel with an `at:` whose time of day has come in the plan's time zone
 * and that has not been run to completion today, run notify for that
 * channel (notify_run: the workspace's log keeps every message to once a
 * day, whoever sends it). A channel where some message failed is tried
 * again ten minutes later. Stopping (notify_sched_stop) sets a flag notify
 * checks between messages, and wakes the thread from its wait.
 *
 * Owns: the thread, its store handle, the channels' state of the day.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../app/app.h"
#include "notify.h"
#include "schedule.h"

#define PASS_MAX_S 60                /* the plan is read again at least this often (clock seconds) */
#define RETRY_S 600                  /* a channel that failed is tried again after this */

/* the state of one channel of one plan: done for the day, or when to retry */
typedef struct chan_state {
    char *plan, *channel;
    sp_day done;                     /* the day it ran without a failure */
    sp_day told;                     /* the day its problem (no secret…) was logged */
    int64_t retry_at;                /* clock seconds; 0 = when due */
} chan_state;

struct sp_notify_sched {
    sp_sched_config cfg;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    atomic_bool stop;
    /* the clock: real, or the tests' (start + elapsed × speed) */
    bool test_clock;
    int64_t clock0;
    double mono0, speed;
    chan_state *chans;
    size_t nchans;
    char *announced;                 /* the schedule last written to the log */
};

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t clock_now(const sp_notify_sched *s)
{
    if (!s->test_clock) return (int64_t)time(NULL);
    return s->clock0 + (int64_t)((mono_s() - s->mono0) * s->speed);
}

static bool digits(const char *p, int n, int *v)
{
    *v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return false;
        *v = *v * 10 + (p[i] - '0');
    }
    return true;
}

bool notify_sched_parse_clock(const char *s, int64_t *t)
{
    int y, mo, d, h, mi, se = 0;
    if (!s || strlen(s) < 16 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || s[10] != 'T' || !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi))
        return false;
    const char *p = s + 16;
    if (*p == ':') {
        if (!digits(p + 1, 2, &se)) return false;
        p += 3;
    }
    int off = 0;
    if (*p == 'Z') p++;
    else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 14 || om > 59) return false;
        off = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
        p += 6;
    } else return false;
    if (*p || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59) return false;
    *t = (int64_t)day_from_ymd(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off;
    return true;
}

static void logf_(const sp_notify_sched *s, const char *fmt, ...) SP_PRINTF(2, 3);
static void logf_(const sp_notify_sched *s, const char *fmt, ...)
{
    if (!s->cfg.log) return;
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    fprintf(s->cfg.log, "salesplan serve: %s\n", buf_cstr(&b));
    fflush(s->cfg.log);
    buf_free(&b);
}

static chan_state *chan_get(sp_notify_sched *s, const char *plan, const char *channel)
{
    for (size_t i = 0; i < s->nchans; i++)
        if (str_eq(s->chans[i].plan, plan) && str_eq(s->chans[i].channel, channel)) return &s->chans[i];
    s->chans = xreallocarray(s->chans, s->nchans + 1, sizeof *s->chans);
    chan_state *c = &s->chans[s->nchans++];
    c->plan = xstrdup(plan);
    c->channel = xstrdup(channel);
    c->done = SP_DAY_NONE;
    c->told = SP_DAY_NONE;
    c->retry_at = 0;
    return c;
}

/* local_seconds: the time of day (seconds after midnight) at now in tz
 * (Asia/Shanghai when none, as app_today). */
static int32_t local_seconds(const char *tz, int64_t now)
{
    int32_t off = 0;
    if (!tz_utc_offset(tz && *tz ? tz : "Asia/Shanghai", now, &off)) off = 0;
    int64_t local = now + off;
    return (int32_t)(((local % 86400) + 86400) % 86400);
}

/* announce: writes the plan's schedule to the log when it changed. */
static void announce(const sp_plan *plan, buf_t *sched)
{
    char idb[32], tb[6];
    buf_printf(sched, _("reminders of plan %s (%s):"), plan->id,
               plan->timezone && *plan->timezone ? plan->timezone : "Asia/Shanghai");
    for (size_t i = 0; i < plan->nnotify; i++) {
        const char *cid = notify_channel_id(plan, i, idb);
        if (plan->notify[i].at >= 0) buf_printf(sched, _(" %s at %s;"), cid, plan_time_format(plan->notify[i].at, tb));
        else buf_printf(sched, _(" %s has no at: (not sent by the server);"), cid);
    }
    if (!plan->nnotify) buf_puts(sched, _(" none (the plan has no notify: section)"));
}

/* run_channel: notify for one channel of plan on day; logs the outcome. */
static void run_channel(sp_notify_sched *s, sp_store *st, const sp_plan *plan, const char *cid, sp_day day,
                        int64_t now, chan_state *cs)
{
    sp_notify_opts o;
    notify_opts_init(&o);
    o.channel = cid;
    o.lang = notify_lang(plan, i18n_lang());
    o.base_url = s->cfg.base_url;
    o.stop = &s->stop;
    sp_notify_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    char db[16];
    if (!notify_run(st, plan, day, &o, &r, &err)) {
        logf_(s, _("notify %s %s: %s"), cid, day_format(day, db), buf_cstr(&err.msg));
        cs->retry_at = now + PASS_MAX_S;
    } else {
        logf_(s, _("notify %s %s: %zu sent, %zu failed, %zu already sent, %zu in flight%s"), cid, day_format(day, db),
              r.count[NOTIFY_SENT], r.count[NOTIFY_FAILED], r.count[NOTIFY_ALREADY_SENT], r.count[NOTIFY_IN_FLIGHT],
              r.stopped ? _(" (stopped: the rest is left for the next run)") : "");
        for (size_t i = 0; i < r.n; i++)
            if (r.v[i].outcome == NOTIFY_FAILED)
                logf_(s, _("notify %s → %s (%s) failed: %s"), cid, r.v[i].recipient_name, r.v[i].recipient,
                      r.v[i].answer ? r.v[i].answer : "?");
        /* failed or in flight elsewhere: look again later; else done for the day */
        if (r.count[NOTIFY_FAILED] || r.count[NOTIFY_IN_FLIGHT] || r.stopped) cs->retry_at = now + RETRY_S;
        else {
            cs->done = day;
            cs->retry_at = 0;
        }
    }
    notify_result_free(&r);
    err_free(&err);
}

/* pass: one look at every plan; returns the clock seconds until the next. */
static int64_t pass(sp_notify_sched *s, sp_store *st)
{
    int64_t next = PASS_MAX_S;
    sp_err err = SP_ERR_INIT;
    sp_plan_info *plans = NULL;
    size_t np = 0;
    if (!st->ops->plan_list(st, &plans, &np, &err)) {
        logf_(s, _("reminders: %s"), buf_cstr(&err.msg));
        err_free(&err);
        return next;
    }
    buf_t sched = BUF_INIT;
    for (size_t p = 0; p < np && !atomic_load(&s->stop); p++) {
        sp_plan *plan = NULL;
        if (!app_load_plan(st, plans[p].id, false, &plan, &err) || !plan) {
            logf_(s, _("reminders: plan %s: %s"), plans[p].id, buf_cstr(&err.msg));
            err_clear(&err);
            continue;
        }
        if (sched.len) buf_putc(&sched, '\n');
        announce(plan, &sched);
        int64_t now = clock_now(s);
        sp_day day = app_today(plan->timezone, now);
        int32_t secs = local_seconds(plan->timezone, now);
        char idb[32];
        for (size_t i = 0; i < plan->nnotify && !atomic_load(&s->stop); i++) {
            if (plan->notify[i].at < 0) continue;
            const char *cid = notify_channel_id(plan, i, idb);
            chan_state *cs = chan_get(s, plan->id, cid);
            int32_t at = plan->notify[i].at * 60;
            if (cs->done == day) {
                /* done today: tomorrow's time */
                int64_t until = 86400 - secs + at;
                if (until < next) next = until;
                continue;
            }
            if (secs < at) { /* later today */
                if (at - secs < next) next = at - secs;
                continue;
            }
            if (cs->retry_at && now < cs->retry_at) {
                if (cs->retry_at - now < next) next = cs->retry_at - now;
                continue;
            }
            /* a channel that cannot send (no secret, no SMTP server): said
             * once a day, looked at again later, nothing computed */
            sp_notify_opts po;
            notify_opts_init(&po);
            char *problem = notify_channel_problem(plan, i, &po);
            if (problem) {
                char db[16];
                if (cs->told != day)
                    logf_(s, _("notify %s %s: not sent: %s"), cid, day_format(day, db), problem);
                cs->told = day;
                cs->retry_at = now + RETRY_S;
                free(problem);
            } else run_channel(s, st, plan, cid, day, now, cs);
            if (cs->retry_at && cs->retry_at - now < next) next = cs->retry_at - now;
        }
        plan_free(plan);
    }
    if (!s->announced || !str_eq(s->announced, buf_cstr(&sched))) {
        if (sched.len) logf_(s, "%s", buf_cstr(&sched));
        free(s->announced);
        s->announced = xstrdup(buf_cstr(&sched));
    }
    buf_free(&sched);
    plan_info_free(plans, np);
    err_free(&err);
    return next < 1 ? 1 : next;
}

static void *sched_main(void *arg)
{
    sp_notify_sched *s = arg;
    /* the server takes SIGTERM and SIGINT with sigwait: never this thread */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sp_store *st = NULL;
    while (!atomic_load(&s->stop)) {
        int64_t wait = PASS_MAX_S;
        if (!st) {
            sp_err err = SP_ERR_INIT;
            st = store_open(s->cfg.db_url, STORE_WRITE, &err);
            if (!st) logf_(s, _("reminders: %s"), buf_cstr(&err.msg));
            err_free(&err);
        }
        if (st) wait = pass(s, st);
        /* wait that long on the clock (real seconds = clock seconds / speed) */
        double real = (double)wait / (s->test_clock ? s->speed : 1.0);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        double end = (double)until.tv_sec + (double)until.tv_nsec / 1e9 + real;
        until.tv_sec = (time_t)end;
        until.tv_nsec = (long)((end - (double)until.tv_sec) * 1e9);
        pthread_mutex_lock(&s->mu);
        while (!atomic_load(&s->stop)) {
            int rc = pthread_cond_timedwait(&s->cv, &s->mu, &until);
            if (rc == ETIMEDOUT) break;
        }
        pthread_mutex_unlock(&s->mu);
    }
    if (st) store_close(st);
    return NULL;
}

sp_notify_sched *notify_sched_start(const sp_sched_config *cfg, sp_err *err)
{
    sp_notify_sched *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->speed = 1.0;
    const char *tc = getenv("SALESPLAN_TEST_CLOCK");
    if (tc && *tc) {
        if (!notify_sched_parse_clock(tc, &s->clock0)) {
            err_set(err, SP_EUSAGE, _("SALESPLAN_TEST_CLOCK: '%s' is not a time like 2026-06-30T08:59:00+08:00"), tc);
            free(s);
            return NULL;
        }
        const char *sp = getenv("SALESPLAN_TEST_CLOCK_SPEED");
        if (sp && *sp) {
            char *end;
            double v = strtod(sp, &end);
            if (*end || !(v >= 1.0 && v <= 3600.0)) {
                err_set(err, SP_EUSAGE, _("SALESPLAN_TEST_CLOCK_SPEED: '%s' is not a number from 1 to 3600"), sp);
                free(s);
                return NULL;
            }
            s->speed = v;
        }
        s->test_clock = true;
        s->mono0 = mono_s();
    }
    atomic_init(&s->stop, false);
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    int rc = pthread_create(&s->thread, NULL, sched_main, s);
    if (rc != 0) {
        err_set(err, SP_EINTERNAL, _("cannot start the reminder scheduler: %s"), sys_errmsg(rc));
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void notify_sched_stop(sp_notify_sched *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    atomic_store(&s->stop, true);
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    for (size_t i = 0; i < s->nchans; i++) {
        free(s->chans[i].plan);
        free(s->chans[i].channel);
    }
    free(s->chans);
    free(s->announced);
    free(s);
}
