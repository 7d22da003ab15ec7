/*
 * test_app.c — the application verbs without the CLI: status, kpi and
 * alerts over the demo workspace, the caller's scope (a rep never sees
 * another rep's records, a manager only their groups'), messages in the
 * request's language whatever the thread's, per-thread languages, and
 * today's date from the tz database compared with the C library's.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "io/demo_data.h"

static char dbpath[256];
static sp_store *st;
static sp_day as_of;

static sp_day D(const char *s)
{
    sp_day d;
    const char *why;
    assert_true(date_parse(s, &d, &why));
    return d;
}

static void unlink_ws(void)
{
    char p[300];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s.snap", dbpath);
    unlink(p);
}

/* the demo workspace (English, scale 1, seed 1) as of 2026-06-15 */
static int group_setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/sp-test-app-%d.db", (int)getpid());
    unlink_ws();
    sp_err err = SP_ERR_INIT;
    st = store_open(dbpath, STORE_CREATE, &err);
    if (!st) return -1;
    sp_plan *plan = demo_plan_parse(LANG_EN, &err);
    if (!plan) return -1;
    as_of = D("2026-06-15");
    sp_demo_opts o = {.lang = LANG_EN, .scale = 1, .seed = 1, .as_of = as_of};
    sp_demo_summary sum;
    bool ok = demo_build(st, plan, &o, &sum, &err);
    plan_free(plan);
    err_free(&err);
    return ok ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    store_close(st);
    unlink_ws();
    return 0;
}

static void req_init(sp_app_req *r)
{
    memset(r, 0, sizeof *r);
    r->st = st;
    r->as_of = as_of;
    r->today = SP_DAY_NONE;
    r->scope.kind = SCOPE_ALL;
    r->lang = LANG_EN;
}

static sp_scope rep_scope(const char *rep) { return (sp_scope){SCOPE_REP, rep, NULL, 0}; }

/* ---- status ---- */

static void test_status_all_and_json(void **state)
{
    (void)state;
    sp_status_req rq = {0};
    req_init(&rq.r);
    sp_status_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    assert_true(app_status(&rq, &res, &err));
    assert_non_null(res.plan);
    assert_true(res.n > 5);
    for (size_t i = 0; i < res.n; i++) assert_true(app_status_visible(&res, i));
    buf_t out = BUF_INIT;
    app_status_json(&res, &out);
    assert_non_null(strstr(buf_cstr(&out), "{\"plan\": \"fy2026\", \"as_of\": \"2026-06-15\", \"goals\": [{\"id\": \"revenue\""));
    assert_non_null(strstr(buf_cstr(&out), "\"id\": \"revenue-q2\""));
    buf_free(&out);
    app_status_free(&res);
    err_free(&err);
}

static void test_status_rep_scope(void **state)
{
    (void)state;
    /* r004 owns the leads goal only; r002 owns no goal */
    sp_status_req rq = {0};
    req_init(&rq.r);
    rq.r.scope = rep_scope("r004");
    sp_status_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    assert_true(app_status(&rq, &res, &err));
    size_t shown = 0;
    for (size_t i = 0; i < res.n; i++) {
        if (!app_status_visible(&res, i)) continue;
        shown++;
        assert_string_equal(app_goal_owner(res.goals[i].goal), "r004");
    }
    assert_true(shown >= 1);
    buf_t out = BUF_INIT;
    app_status_json(&res, &out);
    assert_null(strstr(buf_cstr(&out), "\"revenue"));
    assert_non_null(strstr(buf_cstr(&out), "\"id\": \"leads\""));
    buf_free(&out);
    app_status_free(&res);

    rq.r.scope = rep_scope("r002");
    memset(&res, 0, sizeof res);
    assert_true(app_status(&rq, &res, &err));
    app_status_json(&res, &out);
    assert_non_null(strstr(buf_cstr(&out), "\"goals\": []}"));
    buf_free(&out);
    app_status_free(&res);

    /* asking for a goal outside the scope: as if it did not exist */
    rq.goal_id = "revenue";
    memset(&res, 0, sizeof res);
    assert_false(app_status(&rq, &res, &err));
    assert_true(res.bad_param);
    assert_non_null(strstr(buf_cstr(&err.msg), "no goal 'revenue'"));
    app_status_free(&res);
    err_free(&err);
}

/* ---- kpi ---- */

static bool kpi_run(const char *rep_scope_id, const char *const *groups, size_t ngroups, const char *where_rep,
                    bool by_rep, sp_kpi_res *res, sp_err *err)
{
    sp_kpi_req rq = {0};
    req_init(&rq.r);
    if (rep_scope_id) rq.r.scope = rep_scope(rep_scope_id);
    if (groups) rq.r.scope = (sp_scope){SCOPE_GROUPS, NULL, groups, ngroups};
    rq.metric = MET_REVENUE;
    rq.period = "2026";
    sp_filter_kv kv = {DIM_REP, (char *)where_rep, {0, 0}};
    sp_filter f = {&kv, 1};
    if (where_rep) rq.where = &f;
    if (by_rep) {
        rq.by[0] = BY_REP;
        rq.nby = 1;
    }
    memset(res, 0, sizeof *res);
    return app_kpi(&rq, res, err);
}

static void test_kpi_rep_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_kpi_res all, mine, filtered;
    assert_true(kpi_run(NULL, NULL, 0, NULL, true, &all, &err));
    assert_true(all.res.nrows >= 4); /* several reps sold */
    /* a rep's scope: only their own row, the same number as rep=r002 */
    assert_true(kpi_run("r002", NULL, 0, NULL, true, &mine, &err));
    assert_int_equal(mine.res.nrows, 1);
    assert_string_equal(mine.res.rows[0].key[0], "r002");
    assert_true(kpi_run(NULL, NULL, 0, "r002", false, &filtered, &err));
    assert_true(filtered.res.total.ival > 0);
    assert_int_equal(mine.res.total.ival, filtered.res.total.ival);
    assert_true(mine.res.total.ival < all.res.total.ival);
    app_kpi_free(&all);
    app_kpi_free(&mine);
    app_kpi_free(&filtered);

    /* naming another rep does not widen the scope */
    sp_kpi_res other;
    assert_false(kpi_run("r002", NULL, 0, "r003", true, &other, &err));
    assert_int_equal(err.cls, SP_EFORBIDDEN);
    app_kpi_free(&other);
    err_free(&err);
}

static void test_kpi_groups_scope(void **state)
{
    (void)state;
    static const char *const mfg[] = {"mfg"};
    sp_err err = SP_ERR_INIT;
    sp_kpi_res res;
    assert_true(kpi_run(NULL, mfg, 1, NULL, true, &res, &err));
    assert_true(res.res.nrows >= 1);
    for (size_t i = 0; i < res.res.nrows; i++) {
        const char *r = res.res.rows[i].key[0];
        assert_true(str_eq(r, "r001") || str_eq(r, "r002") || str_eq(r, "r003") || str_eq(r, "r004"));
    }
    app_kpi_free(&res);
    err_free(&err);
}

/* ---- alerts ---- */

static void alerts_run(const sp_scope *scope, const char *rep, sp_alerts_res *res, bool expect_ok, sp_err *err)
{
    sp_alerts_req rq = {.rep = rep, .kind = -1};
    req_init(&rq.r);
    if (scope) rq.r.scope = *scope;
    memset(res, 0, sizeof *res);
    assert_int_equal(app_alerts(&rq, res, err), expect_ok);
}

static void test_alerts_rep_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_alerts_res all;
    alerts_run(NULL, NULL, &all, true, &err);
    assert_true(all.alerts.n >= 5);
    /* every owner's view is exactly the owner's part of the whole */
    const char *reps[] = {"r001", "r002", "r003", "r004", "r005", "r006", "r007", "r008"};
    size_t seen = 0;
    for (size_t k = 0; k < sizeof reps / sizeof reps[0]; k++) {
        sp_scope sc = rep_scope(reps[k]);
        sp_alerts_res mine;
        alerts_run(&sc, NULL, &mine, true, &err);
        size_t expect = 0;
        for (size_t i = 0; i < all.alerts.n; i++) expect += str_eq(all.alerts.v[i].owner, reps[k]);
        assert_int_equal(mine.alerts.n, expect);
        size_t sum = 0;
        for (size_t i = 0; i < mine.alerts.n; i++) assert_string_equal(mine.alerts.v[i].owner, reps[k]);
        for (int c = 0; c < ALERT_KIND_COUNT; c++) sum += mine.alerts.count[c];
        assert_int_equal(sum, mine.alerts.n);
        assert_false(mine.alerts.enabled[ALERT_BUDGET_OVERRUN]);
        buf_t out = BUF_INIT;
        app_alerts_json(&mine, &out);
        for (size_t j = 0; j < sizeof reps / sizeof reps[0]; j++) {
            char owner[64];
            snprintf(owner, sizeof owner, "\"owner\": \"%s\"", reps[j]);
            if (j != k) assert_null(strstr(buf_cstr(&out), owner));
        }
        buf_free(&out);
        seen += mine.alerts.n;
        app_alerts_free(&mine);
    }
    assert_true(seen >= 5);

    /* another rep's alerts through --rep: unknown, not shown */
    sp_scope sc = rep_scope("r008");
    sp_alerts_res other;
    alerts_run(&sc, "r006", &other, false, &err);
    assert_true(other.bad_param);
    assert_non_null(strstr(buf_cstr(&err.msg), "unknown rep 'r006'"));
    app_alerts_free(&other);
    err_clear(&err);
    app_alerts_free(&all);
    err_free(&err);
}

static void test_alerts_groups_scope(void **state)
{
    (void)state;
    static const char *const retail[] = {"retail"};
    sp_scope sc = {SCOPE_GROUPS, NULL, retail, 1};
    sp_err err = SP_ERR_INIT;
    sp_alerts_res res;
    alerts_run(&sc, NULL, &res, true, &err);
    assert_true(res.alerts.n >= 1);
    for (size_t i = 0; i < res.alerts.n; i++) {
        const char *o = res.alerts.v[i].owner;
        assert_true(str_eq(o, "r005") || str_eq(o, "r006") || str_eq(o, "r007") || str_eq(o, "r008"));
    }
    app_alerts_free(&res);
    err_free(&err);
}

/* ---- language: the request's, per thread ---- */

static void test_request_language(void **state)
{
    (void)state;
    i18n_set_lang(LANG_EN);
    sp_status_req rq = {.goal_id = "nope"};
    req_init(&rq.r);
    rq.r.lang = LANG_ZH;
    sp_status_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    assert_false(app_status(&rq, &res, &err));
    /* the message is in the request's language ... */
    assert_string_equal(buf_cstr(&err.msg), "计划 fy2026 中没有目标 'nope'\n");
    app_status_free(&res);
    err_free(&err);
    /* ... and the thread's language is given back */
    assert_int_equal(i18n_lang(), LANG_EN);
}

typedef struct lang_job {
    sp_lang lang;
    const char *expect;
    int bad;
} lang_job;

static void *lang_worker(void *arg)
{
    lang_job *j = arg;
    i18n_set_lang(j->lang);
    for (int i = 0; i < 20000; i++) {
        if (strcmp(_("warning"), j->expect) != 0) j->bad++;
        if (i % 100 == 0) sched_yield();
    }
    return NULL;
}

static void test_thread_languages(void **state)
{
    (void)state;
    lang_job jobs[4] = {{LANG_ZH, NULL, 0}, {LANG_EN, NULL, 0}, {LANG_ZH, NULL, 0}, {LANG_EN, NULL, 0}};
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].expect = tr_lang(jobs[i].lang, "warning");
        assert_int_equal(pthread_create(&t[i], NULL, lang_worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(jobs[i].bad, 0);
    }
    assert_string_not_equal(tr_lang(LANG_ZH, "warning"), "warning");
    assert_int_equal(i18n_lang(), LANG_EN); /* this thread untouched */
}

/* ---- the clock: the tz database read by hand vs the C library ---- */

static void test_tz_matches_libc(void **state)
{
    (void)state;
    static const char *const zones[] = {"Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney",
                                        "America/Sao_Paulo", "Asia/Kolkata", "UTC", "Pacific/Chatham",
                                        "America/St_Johns", "Europe/Moscow", "Africa/Casablanca",
                                        "Pacific/Auckland", "America/Santiago", "Asia/Tehran"};
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    size_t checked = 0;
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        setenv("TZ", zones[z], 1);
        tzset();
        /* 1971 .. 2060, every ~3.3 days at a varying time of day, plus
         * both sides of every hour near the 2026 and 2045 transitions */
        for (int64_t t = 31536000; t < 2840140800LL; t += 287777) {
            time_t tt = (time_t)t;
            struct tm tm;
            localtime_r(&tt, &tm);
            int32_t off = 0;
            assert_true(tz_utc_offset(zones[z], t, &off));
            if (off != (int32_t)tm.tm_gmtoff)
                fail_msg("%s at %lld: ours %d, libc %ld", zones[z], (long long)t, off, tm.tm_gmtoff);
            sp_day d = app_today(zones[z], t);
            assert_int_equal(d, day_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday));
            checked++;
        }
        for (int64_t base = 1772323200LL; base < 1772323200LL + 366 * 86400LL; base += 1800) { /* 2026, every half hour */
            time_t tt = (time_t)base;
            struct tm tm;
            localtime_r(&tt, &tm);
            int32_t off = 0;
            assert_true(tz_utc_offset(zones[z], base, &off));
            assert_int_equal(off, (int32_t)tm.tm_gmtoff);
        }
        for (int64_t base = 2366841600LL; base < 2366841600LL + 366 * 86400LL; base += 3600) { /* 2045: footer rules */
            time_t tt = (time_t)base;
            struct tm tm;
            localtime_r(&tt, &tm);
            int32_t off = 0;
            assert_true(tz_utc_offset(zones[z], base, &off));
            if (off != (int32_t)tm.tm_gmtoff)
                fail_msg("%s at %lld: ours %d, libc %ld", zones[z], (long long)base, off, tm.tm_gmtoff);
        }
    }
    if (old) setenv("TZ", old, 1);
    else unsetenv("TZ");
    tzset();
    free(old);
    assert_true(checked > 10000);
}

static void test_today(void **state)
{
    (void)state;
    /* 2026-06-14 16:30 UTC: already the 15th in Shanghai, the 14th in New York */
    int64_t t = 1781454600LL;
    assert_int_equal(app_today("Asia/Shanghai", t), D("2026-06-15"));
    assert_int_equal(app_today(NULL, t), D("2026-06-15"));
    assert_int_equal(app_today("America/New_York", t), D("2026-06-14"));
    /* names that are not zone names: UTC, no file outside the database read */
    int32_t off = 1;
    assert_false(tz_utc_offset("../../etc/passwd", t, &off));
    assert_false(tz_utc_offset("/etc/localtime", t, &off));
    assert_false(tz_utc_offset("No/Such_Zone", t, &off));
    assert_int_equal(app_today("No/Such_Zone", t), D("2026-06-14"));
    /* the process environment is not touched */
    setenv("TZ", "America/New_York", 1);
    (void)app_today("Asia/Shanghai", t);
    assert_string_equal(getenv("TZ"), "America/New_York");
    unsetenv("TZ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_all_and_json),
        cmocka_unit_test(test_status_rep_scope),
        cmocka_unit_test(test_kpi_rep_scope),
        cmocka_unit_test(test_kpi_groups_scope),
        cmocka_unit_test(test_alerts_rep_scope),
        cmocka_unit_test(test_alerts_groups_scope),
        cmocka_unit_test(test_request_language),
        cmocka_unit_test(test_thread_languages),
        cmocka_unit_test(test_tz_matches_libc),
        cmocka_unit_test(test_today),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
