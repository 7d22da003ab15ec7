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
    sp_alerts_req rq = {.rep = rep};
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

/* ---- tasks ---- */

static void test_tasks_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_tasks_req rq = {0};
    req_init(&rq.r);
    sp_tasks_res all;
    memset(&all, 0, sizeof all);
    assert_true(app_tasks(&rq, &all, &err));
    assert_true(all.n >= 1);
    /* bench-select: owned by r001, r004 collaborates */
    const char *const who[] = {"r001", "r004", "r002"};
    const size_t want[] = {all.n, all.n, 0};
    for (size_t k = 0; k < 3; k++) {
        rq.r.scope = rep_scope(who[k]);
        sp_tasks_res mine;
        memset(&mine, 0, sizeof mine);
        assert_true(app_tasks(&rq, &mine, &err));
        assert_int_equal(mine.n, want[k]);
        buf_t out = BUF_INIT;
        app_tasks_json(&mine, &out);
        if (want[k] == 0) {
            assert_null(strstr(buf_cstr(&out), "bench-select")); /* nor in the critical paths */
        }
        buf_free(&out);
        app_tasks_free(&mine);
    }
    app_tasks_free(&all);
    err_free(&err);
}

/* ---- funnel, tiers, budget ---- */

static void test_funnel_tiers_budget_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_funnel_req fq = {.goal_id = "revenue"};
    req_init(&fq.r);
    sp_funnel_res fr;
    memset(&fr, 0, sizeof fr);
    assert_true(app_funnel(&fq, &fr, &err));
    buf_t out = BUF_INIT;
    app_funnel_json(&fr, &out);
    assert_non_null(strstr(buf_cstr(&out), "{\"goal\": \"revenue\""));
    buf_free(&out);
    app_funnel_free(&fr);
    /* a rep who owns no revenue goal: as if it did not exist */
    fq.r.scope = rep_scope("r002");
    memset(&fr, 0, sizeof fr);
    assert_false(app_funnel(&fq, &fr, &err));
    assert_true(fr.bad_param);
    assert_non_null(strstr(buf_cstr(&err.msg), "no goal 'revenue'"));
    app_funnel_free(&fr);
    err_clear(&err);

    sp_tiers_req tq = {.since = SP_DAY_NONE};
    req_init(&tq.r);
    sp_tiers_res tr;
    memset(&tr, 0, sizeof tr);
    assert_true(app_tiers(&tq, &tr, &err));
    assert_true(tr.rep.customers > 0);
    app_tiers_free(&tr);
    tq.r.scope = rep_scope("r002");
    memset(&tr, 0, sizeof tr);
    assert_false(app_tiers(&tq, &tr, &err));
    assert_int_equal(err.cls, SP_EFORBIDDEN);
    app_tiers_free(&tr);
    err_clear(&err);

    sp_budget_req bq;
    req_init(&bq.r);
    sp_budget_res br;
    memset(&br, 0, sizeof br);
    assert_true(app_budget(&bq, &br, &err));
    app_budget_json(&br, &out);
    assert_non_null(strstr(buf_cstr(&out), "\"categories\": ["));
    buf_free(&out);
    app_budget_free(&br);
    static const char *const mfg[] = {"mfg"};
    bq.r.scope = (sp_scope){SCOPE_GROUPS, NULL, mfg, 1};
    memset(&br, 0, sizeof br);
    assert_false(app_budget(&bq, &br, &err));
    assert_int_equal(err.cls, SP_EFORBIDDEN);
    app_budget_free(&br);
    err_free(&err);
}

/* ---- plans and reviews ---- */

static void test_plans_and_reviews(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_app_req rq;
    req_init(&rq);
    sp_plan_list_res pl = {NULL, 0};
    assert_true(app_plan_list(&rq, &pl, &err));
    assert_int_equal(pl.n, 1);
    buf_t out = BUF_INIT;
    app_plan_list_json(&pl, &out);
    assert_non_null(strstr(buf_cstr(&out), "\"id\": \"fy2026\""));
    buf_clear(&out);
    app_plan_list_free(&pl);

    sp_plan_versions_res pv;
    memset(&pv, 0, sizeof pv);
    assert_true(app_plan_versions(&rq, &pv, &err));
    assert_int_equal(pv.n, 2); /* the demo stores two versions */
    app_plan_versions_free(&pv);

    /* the diff's lines in the request's language */
    sp_plan_diff_req dq = {.v1 = 1, .v2 = 2};
    req_init(&dq.r);
    dq.r.lang = LANG_ZH;
    sp_plan_diff_res dr;
    memset(&dr, 0, sizeof dr);
    assert_true(app_plan_diff(&dq, &dr, &err));
    assert_true(dr.d.n >= 1);
    app_plan_diff_json(&dr, &out);
    assert_non_null(strstr(buf_cstr(&out), "\"text\": \"目标"));
    assert_int_equal(i18n_lang(), LANG_EN);
    buf_clear(&out);
    app_plan_diff_free(&dr);

    sp_plan_show_req sq = {.step = 1, .format = SHOW_HTML};
    req_init(&sq.r);
    sp_plan_show_res sr;
    memset(&sr, 0, sizeof sr);
    assert_true(app_plan_show(&sq, &sr, &err));
    assert_non_null(strstr(buf_cstr(&sr.text), "<html"));
    app_plan_show_free(&sr);

    /* a review with several causes, listed back as arrays */
    const char *causes[] = {"two deals slipped", "a rep left"};
    const char *actions[] = {"weekly funnel review"};
    sp_review_add_req ra = {.period = "2026-05", .goal_id = "revenue", .causes = causes, .ncauses = 2,
                            .actions = actions, .nactions = 1};
    req_init(&ra.r);
    sp_review_add_res rr = {0};
    assert_true(app_review_add(&ra, &rr, &err));
    assert_true(rr.id > 0);
    ra.goal_id = "nope";
    assert_false(app_review_add(&ra, &rr, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_clear(&err);
    const char *bad[] = {"one\ntwo"};
    ra.goal_id = NULL;
    ra.causes = bad;
    ra.ncauses = 1;
    assert_false(app_review_add(&ra, &rr, &err));
    assert_true(rr.bad_param);
    err_clear(&err);
    sp_review_list_req rl = {.period = "2026-05"};
    req_init(&rl.r);
    sp_review_list_res ls;
    memset(&ls, 0, sizeof ls);
    assert_true(app_review_list(&rl, &ls, &err));
    assert_int_equal(ls.n, 1);
    app_review_list_json(&ls, &out);
    assert_non_null(strstr(buf_cstr(&out), "\"causes\": [\n        \"two deals slipped\",\n        \"a rep left\"\n      ]"));
    buf_free(&out);
    app_review_list_free(&ls);
    err_free(&err);
}

/* ---- writes in a scope ---- */

static void test_task_set_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_task_set_req rq = {.task_id = "bench-select", .status = TASK_DOING, .progress = 40};
    req_init(&rq.r);
    rq.r.scope = rep_scope("r002"); /* not theirs: as if it did not exist */
    sp_task_set_res res;
    memset(&res, 0, sizeof res);
    assert_false(app_task_set(&rq, &res, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    const char *msg = "the current version of plan fy2026 has no task 'bench-select'\n";
    assert_string_equal(buf_cstr(&err.msg), msg);
    app_task_set_free(&res);
    err_clear(&err);
    rq.task_id = "no-such-task";
    assert_false(app_task_set(&rq, &res, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    app_task_set_free(&res);
    err_clear(&err);
    /* the collaborator may */
    rq.task_id = "bench-select";
    rq.r.scope = rep_scope("r004");
    assert_true(app_task_set(&rq, &res, &err));
    assert_int_equal(res.progress, 40);
    app_task_set_free(&res);
    sp_task_state *v = NULL;
    size_t n = 0;
    assert_true(st->ops->task_states(st, "fy2026", &v, &n, &err));
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (str_eq(v[i].task_id, "bench-select")) seen = v[i].status == TASK_DOING && v[i].progress == 40;
    assert_true(seen);
    task_states_free(v, n);
    err_free(&err);
}

static void test_activity_add_scope(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    /* c00003 is r003's: r002 may not log for it, and is told it does not exist */
    sp_activity_add_req rq = {.customer_id = "c00003", .kind = ACT_VISIT, .on = SP_DAY_NONE};
    req_init(&rq.r);
    rq.r.today = as_of;
    rq.r.scope = rep_scope("r002");
    sp_activity_add_res res;
    memset(&res, 0, sizeof res);
    assert_false(app_activity_add(&rq, &res, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    assert_string_equal(buf_cstr(&err.msg), "no customer 'c00003'\n");
    err_clear(&err);
    rq.customer_id = "c99999";
    assert_false(app_activity_add(&rq, &res, &err));
    assert_string_equal(buf_cstr(&err.msg), "no customer 'c99999'\n");
    err_clear(&err);
    /* their own customer, logged for someone else: refused */
    rq.customer_id = "c00002";
    rq.rep = "r003";
    assert_false(app_activity_add(&rq, &res, &err));
    assert_int_equal(err.cls, SP_EFORBIDDEN);
    err_clear(&err);
    /* their own: stored for them, today */
    rq.rep = NULL;
    rq.kind = ACT_CALL;
    assert_true(app_activity_add(&rq, &res, &err));
    assert_string_equal(res.rep, "r002");
    assert_int_equal(res.on, as_of);
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_ACTIVITIES, as_of, as_of);
    sp_dataset *ds = dataset_new();
    assert_true(st->ops->load(st, &spec, ds, &err));
    bool found = false;
    for (size_t i = 0; i < ds->activities.n; i++) {
        sp_activity a = activity_at(ds, i);
        if (str_eq(a.id, res.id))
            found = str_eq(a.rep, "r002") && str_eq(a.customer_id, "c00002") && a.kind == ACT_CALL && a.occurred_on == as_of;
    }
    assert_true(found);
    dataset_free(ds);
    app_activity_add_free(&res);
    /* never after today */
    rq.on = as_of + 1;
    assert_false(app_activity_add(&rq, &res, &err));
    assert_true(res.bad_param);
    app_activity_add_free(&res);
    err_free(&err);
}

/* ---- records pushed one by one: app_records_upsert ---- */

static int64_t count_of(sp_table t)
{
    sp_err err = SP_ERR_INIT;
    int64_t n = -1;
    assert_true(st->ops->count(st, t, &n, &err));
    err_free(&err);
    return n;
}

static void test_records_upsert(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    /* a batch with one bad record: nothing written, index and field named */
    const char *k1[] = {"deal_id", "customer_id", "created_on", "stage", "amount"};
    const char *v1[] = {"ut-d1", "c00001", "2026-06-01", "won", "1.5万"};
    const char *k2[] = {"Opportunity ID", "customer_id", "created_on", "阶段", "金额"};
    const char *v2[] = {"ut-d2", "c00002", "2026-02-30", "赢单", "abc"};
    sp_record_in recs[2] = {{k1, v1, 5}, {k2, v2, 5}};
    sp_records_req rq = {.table = TBL_DEALS, .recs = recs, .n = 2};
    req_init(&rq.r);
    int64_t before = count_of(TBL_DEALS);
    sp_records_res res;
    memset(&res, 0, sizeof res);
    assert_false(app_records_upsert(&rq, &res, &err));
    assert_int_equal(err.cls, SP_EINVAL);
    assert_int_equal(res.nerrors, 2);
    assert_int_equal(res.errors[0].index, 1);
    assert_string_equal(res.errors[0].field, "created_on");
    assert_int_equal(res.errors[1].index, 1);
    assert_string_equal(res.errors[1].field, "金额");
    /* the import's own message, prefixed by the record */
    assert_non_null(strstr(buf_cstr(&err.msg), "record 2: 金额: not an amount 'abc'"));
    assert_int_equal(count_of(TBL_DEALS), before);
    app_records_free(&res);
    err_clear(&err);
    /* fixed: both written in one call, aliases and stage words read as an import reads them */
    v2[2] = "2026-02-28";
    v2[4] = "3.5";
    memset(&res, 0, sizeof res);
    assert_true(app_records_upsert(&rq, &res, &err));
    assert_int_equal(res.n, 2);
    assert_int_equal(count_of(TBL_DEALS), before + 2);
    assert_int_equal(res.recs[0].deal.amount, 1500000);
    assert_int_equal(res.recs[1].deal.stage, STAGE_WON);
    assert_int_equal(res.recs[1].deal.amount, 350);
    app_records_free(&res);
    /* the same id twice in one call */
    v2[0] = "ut-d1";
    memset(&res, 0, sizeof res);
    assert_false(app_records_upsert(&rq, &res, &err));
    assert_int_equal(res.nerrors, 1);
    assert_string_equal(res.errors[0].field, "Opportunity ID");
    app_records_free(&res);
    err_clear(&err);
    /* an unknown column */
    const char *k3[] = {"customer_id", "name", "colour"};
    const char *v3[] = {"ut-c1", "UT", "red"};
    sp_record_in r3 = {k3, v3, 3};
    sp_records_req rc = {.table = TBL_CUSTOMERS, .recs = &r3, .n = 1};
    req_init(&rc.r);
    memset(&res, 0, sizeof res);
    assert_false(app_records_upsert(&rc, &res, &err));
    assert_string_equal(res.errors[0].field, "colour");
    app_records_free(&res);
    err_clear(&err);
    /* only SCOPE_ALL writes CRM tables */
    r3.n = 2;
    rc.r.scope = rep_scope("r002");
    memset(&res, 0, sizeof res);
    assert_false(app_records_upsert(&rc, &res, &err));
    assert_int_equal(err.cls, SP_EFORBIDDEN);
    app_records_free(&res);
    err_free(&err);
}

/* ---- parameters from text ---- */

static void test_params(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_metric m;
    assert_true(app_parse_metric("win_rate", &m, &err));
    assert_int_equal(m, MET_WIN_RATE);
    assert_false(app_parse_metric("revenu", &m, &err));
    assert_string_equal(buf_cstr(&err.msg), "unknown metric 'revenu' (did you mean 'revenue'?)\n");
    err_clear(&err);
    assert_false(app_parse_metric("manual", &m, &err));
    assert_int_equal(err.cls, SP_EUSAGE);
    err_clear(&err);
    sp_filter f = {NULL, 0};
    assert_true(app_parse_where("region=华东", &f, &err));
    assert_true(app_parse_where("rep:r002", &f, &err));
    assert_int_equal(f.n, 2);
    assert_int_equal(f.kv[0].dim, DIM_REGION);
    assert_string_equal(f.kv[1].value, "r002");
    assert_false(app_parse_where("regoin=x", &f, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "did you mean 'region'"));
    err_clear(&err);
    app_filter_free(&f);
    sp_bykey by[KPI_MAX_BY];
    size_t nby = 0;
    assert_true(app_parse_by("month, rep", by, &nby, &err));
    assert_int_equal(nby, 2);
    assert_int_equal(by[1], BY_REP);
    assert_false(app_parse_by("team,region", by, &nby, &err));
    assert_int_equal(err.cls, SP_EUSAGE);
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
        cmocka_unit_test(test_tasks_scope),
        cmocka_unit_test(test_funnel_tiers_budget_scope),
        cmocka_unit_test(test_plans_and_reviews),
        cmocka_unit_test(test_task_set_scope),
        cmocka_unit_test(test_activity_add_scope),
        cmocka_unit_test(test_records_upsert),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_request_language),
        cmocka_unit_test(test_thread_languages),
        cmocka_unit_test(test_tz_matches_libc),
        cmocka_unit_test(test_today),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
