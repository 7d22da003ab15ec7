/*
 * test_store.c — the store contract on the SQLite backend: schema creation
 * and refusal of newer schemas, upsert/load round trips of every table,
 * load ranges, transactions that roll back, plan versions; what may be
 * opened and how (foreign and empty files, older workspaces, readers beside
 * a writer).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static char dbpath[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/sp-test-store-%d.db", (int)getpid());
    unlink(dbpath);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[300];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static sp_day D(const char *s)
{
    sp_day d;
    const char *why;
    assert_true(date_parse(s, &d, &why));
    return d;
}

static void test_open_requires_init(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    assert_null(store_open(dbpath, false, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    assert_non_null(strstr(buf_cstr(&err.msg), "salesplan init"));
    err_free(&err);
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    int v = 0;
    assert_true(st->ops->schema_version(st, &v, &err));
    assert_int_equal(v, SP_SCHEMA_VERSION);
    store_close(st);
    /* reopening an existing workspace migrates nothing and works */
    st = store_open(dbpath, false, &err);
    assert_non_null(st);
    store_close(st);
    err_free(&err);
}

static void test_newer_schema_refused(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", SP_SCHEMA_VERSION + 1);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_null(store_open(dbpath, false, &err));
    assert_int_equal(err.cls, SP_EINVAL);
    assert_non_null(strstr(buf_cstr(&err.msg), "newer"));
    err_free(&err);
}

static void test_not_a_database(void **state)
{
    (void)state;
    FILE *f = fopen(dbpath, "w");
    assert_non_null(f);
    fputs("this is not sqlite, just some text that is long enough to be a header......\n", f);
    fclose(f);
    sp_err err = SP_ERR_INIT;
    assert_null(store_open(dbpath, false, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "not a salesplan workspace"));
    err_free(&err);
}

static void test_roundtrip_all_tables(void **state)
{
    (void)state;
    /* this test is about the SQLite load path (exact ranges, the kind
     * filter); a fresh snapshot gives every row at once (test_snapshot.c) */
    setenv("SALESPLAN_SNAPSHOT", "off", 1);
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    assert_true(st->ops->begin(st, &err));
    sp_rep rep = {.id = "r1", .name = "王强", .team = "mfg", .region = "华东", .role = ROLE_LEADER, .active = true};
    assert_true(st->ops->upsert(st, TBL_REPS, &rep, &err));
    sp_customer cu = {.id = "c1", .name = "甲公司", .region = "华东", .industry = "制造业", .size = SIZE_LARGE,
                      .owner = "r1", .created_on = D("2024-02-29")};
    assert_true(st->ops->upsert(st, TBL_CUSTOMERS, &cu, &err));
    sp_lead le = {.id = "l1", .created_on = D("2026-01-02"), .source = "web", .qualified = true,
                  .opportunity_id = "d1", .owner = "r1", .size = SIZE_SMALL};
    assert_true(st->ops->upsert(st, TBL_LEADS, &le, &err));
    sp_deal de = {.id = "d1", .customer_id = "c1", .owner = "r1", .product = "erp", .created_on = D("2026-01-05"),
                  .closed_on = D("2026-03-01"), .stage = STAGE_WON, .amount = INT64_MAX, .has_cost = true,
                  .cost = 0, .probability = -1, .is_new_customer = -1, .is_renewal = 1};
    assert_true(st->ops->upsert(st, TBL_DEALS, &de, &err));
    sp_deal de2 = {.id = "d2", .customer_id = "c1", .created_on = D("2026-02-01"), .closed_on = SP_DAY_NONE,
                   .stage = STAGE_OPEN, .amount = 12345, .probability = 40, .is_new_customer = 0, .is_renewal = -1};
    assert_true(st->ops->upsert(st, TBL_DEALS, &de2, &err));
    sp_activity ac = {.id = "a1", .occurred_on = D("2026-03-02"), .rep = "r1", .customer_id = "c1", .kind = ACT_VISIT};
    assert_true(st->ops->upsert(st, TBL_ACTIVITIES, &ac, &err));
    sp_activity ac2 = {.id = "a2", .occurred_on = D("2026-05-02"), .rep = "r1", .kind = ACT_CALL};
    assert_true(st->ops->upsert(st, TBL_ACTIVITIES, &ac2, &err));
    sp_invoice in = {.id = "i1", .customer_id = "c1", .issued_on = D("2026-03-01"), .due_on = D("2026-04-01"),
                     .paid_on = SP_DAY_NONE, .amount = 100, .paid = 0};
    assert_true(st->ops->upsert(st, TBL_INVOICES, &in, &err));
    sp_spend sp = {.id = "s1", .spent_on = D("2026-03-03"), .category = "marketing", .amount = -5, .note = "退款"};
    assert_true(st->ops->upsert(st, TBL_SPEND, &sp, &err));
    /* upsert replaces by id */
    de2.amount = 54321;
    assert_true(st->ops->upsert(st, TBL_DEALS, &de2, &err));
    assert_true(st->ops->commit(st, &err));

    int64_t n = 0;
    assert_true(st->ops->count(st, TBL_DEALS, &n, &err));
    assert_int_equal(n, 2);

    sp_load_spec spec;
    load_spec_init(&spec);
    for (int t = 0; t < TBL_COUNT; t++) load_spec_want(&spec, (sp_table)t, SP_DAY_MIN, SP_DAY_MAX);
    sp_dataset *ds = dataset_new();
    assert_true(st->ops->load(st, &spec, ds, &err));
    assert_int_equal(ds->reps.n, 1);
    assert_string_equal(rep_at(ds, 0).name, "王强");
    assert_int_equal(rep_at(ds, 0).role, ROLE_LEADER);
    assert_int_equal(ds->customers.n, 1);
    assert_int_equal(customer_at(ds, 0).created_on, D("2024-02-29"));
    assert_int_equal(customer_at(ds, 0).size, SIZE_LARGE);
    assert_int_equal(lead_at(ds, 0).size, SIZE_SMALL);
    assert_true(lead_at(ds, 0).qualified);
    assert_int_equal(ds->deals.n, 2);
    const sp_deal deal0 = deal_at(ds, 0), deal1 = deal_at(ds, 1);
    const sp_deal *d1 = deal0.id[1] == '1' ? &deal0 : &deal1;
    const sp_deal *d2 = d1 == &deal0 ? &deal1 : &deal0;
    assert_true(d1->amount == INT64_MAX);
    assert_true(d1->has_cost);
    assert_int_equal(d1->probability, -1);
    assert_int_equal(d1->is_new_customer, -1);
    assert_int_equal(d1->is_renewal, 1);
    assert_int_equal(d1->stage, STAGE_WON);
    assert_int_equal(d2->amount, 54321);
    assert_int_equal(d2->closed_on, SP_DAY_NONE);
    assert_false(d2->has_cost);
    assert_int_equal(d2->probability, 40);
    assert_int_equal(ds->activities.n, 2);
    assert_int_equal(invoice_at(ds, 0).paid_on, SP_DAY_NONE);
    assert_int_equal(spend_at(ds, 0).amount, -5);
    /* interning: the same text shares one pointer; lookups work */
    const char *c1 = dataset_intern(ds, "c1");
    assert_ptr_equal(c1, d1->customer_id);
    sp_customer c1_row;
    assert_true(dataset_customer(ds, c1, &c1_row));
    dataset_free(ds);

    /* ranges and the activity kind filter */
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_ACTIVITIES, D("2026-03-01"), D("2026-03-31"));
    ds = dataset_new();
    assert_true(st->ops->load(st, &spec, ds, &err));
    assert_int_equal(ds->activities.n, 1);
    assert_int_equal(ds->deals.n, 0);
    dataset_free(ds);
    load_spec_init(&spec);
    spec.act_kind = ACT_CALL;
    load_spec_want(&spec, TBL_ACTIVITIES, SP_DAY_MIN, SP_DAY_MAX);
    ds = dataset_new();
    assert_true(st->ops->load(st, &spec, ds, &err));
    assert_int_equal(ds->activities.n, 1);
    assert_int_equal(activity_at(ds, 0).kind, ACT_CALL);
    dataset_free(ds);
    store_close(st);
    err_free(&err);
    unsetenv("SALESPLAN_SNAPSHOT");
}

static void test_rollback_writes_nothing(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    assert_true(st->ops->begin(st, &err));
    sp_spend sp = {.id = "s1", .spent_on = 20000, .category = "x", .amount = 1};
    assert_true(st->ops->upsert(st, TBL_SPEND, &sp, &err));
    st->ops->rollback(st);
    int64_t n = -1;
    assert_true(st->ops->count(st, TBL_SPEND, &n, &err));
    assert_int_equal(n, 0);
    /* a required column missing is a constraint error, mapped to a class */
    assert_true(st->ops->begin(st, &err));
    sp_spend bad = {.id = "s2", .spent_on = 20000, .category = NULL, .amount = 1};
    assert_false(st->ops->upsert(st, TBL_SPEND, &bad, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    st->ops->rollback(st);
    store_close(st);
    err_free(&err);
}

static void test_plan_versions(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    int v = 0;
    bool changed = false;
    assert_true(st->ops->plan_put(st, "fy", "计划", "a: 1\n", NULL, &v, &changed, &err));
    assert_int_equal(v, 1);
    assert_true(changed);
    assert_true(st->ops->plan_put(st, "fy", "计划", "a: 1\n", "again", &v, &changed, &err));
    assert_int_equal(v, 1);
    assert_false(changed);
    assert_true(st->ops->plan_put(st, "fy", "计划2", "a: 2\n", "调整", &v, &changed, &err));
    assert_int_equal(v, 2);
    assert_true(changed);
    char *text = NULL;
    assert_true(st->ops->plan_get(st, "fy", 0, &text, &err));
    assert_string_equal(text, "a: 2\n");
    free(text);
    assert_true(st->ops->plan_get(st, "fy", 1, &text, &err));
    assert_string_equal(text, "a: 1\n");
    free(text);
    assert_false(st->ops->plan_get(st, "fy", 3, &text, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_clear(&err);
    sp_plan_info *info;
    size_t n;
    assert_true(st->ops->plan_list(st, &info, &n, &err));
    assert_int_equal(n, 1);
    assert_int_equal(info[0].version, 2);
    assert_string_equal(info[0].name, "计划2");
    assert_string_equal(info[0].reason, "调整");
    plan_info_free(info, n);
    assert_true(st->ops->plan_versions(st, "fy", &info, &n, &err));
    assert_int_equal(n, 2);
    assert_null(info[0].reason);
    plan_info_free(info, n);
    store_close(st);
    err_free(&err);
}

/* A workspace made by an older binary (schema 1: no tracking tables) is
 * migrated on open, keeping its data. */
static void test_migrate_from_v1(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    int v = 0;
    bool changed;
    assert_true(st->ops->plan_put(st, "fy", "p", "x: 1\n", NULL, &v, &changed, &err));
    store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE task_states; DROP TABLE reviews; DROP TABLE actuals;"
                                      " ALTER TABLE deals DROP COLUMN expected_close_on; ALTER TABLE reps DROP COLUMN email;"
                                      " PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = store_open(dbpath, false, &err);
    assert_non_null(st);
    assert_true(st->ops->schema_version(st, &v, &err));
    assert_int_equal(v, SP_SCHEMA_VERSION);
    assert_true(st->ops->task_set(st, "fy", "t1", TASK_DOING, 40, &err));
    char *text = NULL;
    assert_true(st->ops->plan_get(st, "fy", 0, &text, &err));
    assert_string_equal(text, "x: 1\n");
    free(text);
    store_close(st);
    err_free(&err);
}

static void test_tracking(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    int v;
    bool changed;
    assert_true(st->ops->plan_put(st, "fy", "p", "x: 1\n", NULL, &v, &changed, &err));
    assert_true(st->ops->task_set(st, "fy", "b", TASK_DOING, 30, &err));
    assert_true(st->ops->task_set(st, "fy", "a", TASK_DONE, 100, &err));
    assert_true(st->ops->task_set(st, "fy", "b", TASK_BLOCKED, 50, &err));
    /* a task state of an unknown plan violates the foreign key */
    assert_false(st->ops->task_set(st, "nope", "a", TASK_DONE, 100, &err));
    assert_int_equal(err.cls, SP_ECONFLICT);
    err_clear(&err);
    /* progress out of range is refused by the schema */
    assert_false(st->ops->task_set(st, "fy", "a", TASK_DONE, 101, &err));
    err_clear(&err);
    sp_task_state *ts;
    size_t n;
    assert_true(st->ops->task_states(st, "fy", &ts, &n, &err));
    assert_int_equal(n, 2);
    assert_string_equal(ts[0].task_id, "a");
    assert_int_equal(ts[1].status, TASK_BLOCKED);
    assert_int_equal(ts[1].progress, 50);
    task_states_free(ts, n);

    sp_review r = {.plan_id = "fy", .period_text = "2026-10", .goal_id = "revenue", .cause = "大客户延期",
                   .action = "Q4 加大拜访"};
    int64_t id1, id2;
    assert_true(st->ops->review_add(st, &r, &id1, &err));
    r.period_text = "2026-11";
    r.goal_id = NULL;
    r.plan_version = 1;
    assert_true(st->ops->review_add(st, &r, &id2, &err));
    assert_true(id2 > id1);
    sp_review *rv;
    assert_true(st->ops->review_list(st, "fy", "2026-10", &rv, &n, &err));
    assert_int_equal(n, 1);
    assert_string_equal(rv[0].cause, "大客户延期");
    assert_null(rv[0].lesson);
    assert_int_equal(rv[0].plan_version, 0);
    reviews_free(rv, n);
    assert_true(st->ops->review_list(st, "fy", NULL, &rv, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(rv[1].plan_version, 1);
    reviews_free(rv, n);

    assert_true(st->ops->actual_set(st, "fy", "nps", D("2026-10-31"), 4200, &err));
    assert_true(st->ops->actual_set(st, "fy", "nps", D("2026-09-30"), 4000, &err));
    assert_true(st->ops->actual_set(st, "fy", "nps", D("2026-10-31"), 4300, &err));
    sp_actual *av;
    assert_true(st->ops->actual_list(st, "fy", "nps", &av, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(av[0].on, D("2026-09-30"));
    assert_int_equal(av[1].value, 4300);
    actuals_free(av, n);
    store_close(st);
    err_free(&err);
}

/* (deals keeps no secondary index since schema 8) */
static int index_count(const char *table)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                            " AND tbl_name = ?1 AND sql IS NOT NULL", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* bulk_begin / bulk_end around a load (no secondary index left to drop
 * since schema 8); a rollback in between leaves nothing. */
static void test_bulk_load(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, true, &err);
    assert_non_null(st);
    assert_int_equal(index_count("deals"), 0);
    assert_true(st->ops->begin(st, &err));
    assert_true(st->ops->bulk_begin(st, TBL_DEALS, &err));
    sp_deal de = {.id = "d1", .customer_id = "c1", .created_on = D("2026-01-05"), .closed_on = D("2026-03-01"),
                  .stage = STAGE_WON, .amount = 100, .probability = -1, .is_new_customer = -1, .is_renewal = -1};
    assert_true(st->ops->upsert(st, TBL_DEALS, &de, &err));
    st->ops->rollback(st);
    assert_int_equal(index_count("deals"), 0);
    int64_t n = -1;
    assert_true(st->ops->count(st, TBL_DEALS, &n, &err));
    assert_int_equal(n, 0);

    assert_true(st->ops->begin(st, &err));
    assert_true(st->ops->bulk_begin(st, TBL_DEALS, &err));
    assert_true(st->ops->upsert(st, TBL_DEALS, &de, &err));
    assert_true(st->ops->bulk_end(st, TBL_DEALS, &err));
    assert_true(st->ops->commit(st, &err));
    assert_int_equal(index_count("deals"), 0);
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_DEALS, D("2026-03-01"), D("2026-03-31"));
    sp_dataset *ds = dataset_new();
    assert_true(st->ops->load(st, &spec, ds, &err));
    assert_int_equal(ds->deals.n, 1);
    dataset_free(ds);
    store_close(st);
    err_free(&err);
}

/* ---- issue 7: what may be opened, and how (store safety) ---- */

/* file_bytes: the whole file (malloc'ed, *n its size). */
static char *file_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *b = malloc(1 << 20);
    assert_non_null(b);
    *n = fread(b, 1, 1 << 20, f);
    fclose(f);
    return b;
}

static int app_id(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Another program's SQLite file is refused in every mode, byte for byte
 * untouched, and the message names it. */
static void test_foreign_database_refused(void **state)
{
    (void)state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE notes(x); INSERT INTO notes VALUES('keep');", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    size_t n0, n1;
    char *before = file_bytes(dbpath, &n0);
    const sp_open_mode modes[] = {STORE_READ, STORE_WRITE, STORE_CREATE};
    for (size_t i = 0; i < 3; i++) {
        sp_err err = SP_ERR_INIT;
        assert_null(store_open(dbpath, modes[i], &err));
        assert_non_null(strstr(buf_cstr(&err.msg), dbpath));
        assert_non_null(strstr(buf_cstr(&err.msg), "not a salesplan workspace"));
        assert_int_equal(err.cls, SP_EINVAL);
        err_free(&err);
    }
    char *after = file_bytes(dbpath, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
}

/* An empty file becomes a workspace only through STORE_CREATE (init, demo),
 * which stamps the application id. */
static void test_empty_file_only_init(void **state)
{
    (void)state;
    FILE *f = fopen(dbpath, "w");
    assert_non_null(f);
    fclose(f);
    sp_err err = SP_ERR_INIT;
    assert_null(store_open(dbpath, STORE_READ, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "not a salesplan workspace"));
    err_free(&err);
    assert_null(store_open(dbpath, STORE_WRITE, &err));
    err_free(&err);
    struct stat sb;
    assert_int_equal(stat(dbpath, &sb), 0);
    assert_int_equal(sb.st_size, 0);
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    store_close(st);
    assert_int_equal(app_id(dbpath), SP_APPLICATION_ID);
    assert_int_equal(SP_APPLICATION_ID, ('S' << 24) | ('P' << 16) | ('L' << 8) | 'N');
    err_free(&err);
}

/* A workspace of the previous salesplan (application id 0, our schema) is
 * read as it is; the first writer stamps it. */
static void test_legacy_workspace_stamped_by_writer(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    store_close(st);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 0", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    st = store_open(dbpath, STORE_READ, &err);
    assert_non_null(st);
    store_close(st);
    assert_int_equal(app_id(dbpath), 0);
    st = store_open(dbpath, STORE_WRITE, &err);
    assert_non_null(st);
    store_close(st);
    assert_int_equal(app_id(dbpath), SP_APPLICATION_ID);
    err_free(&err);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* While one handle holds the write transaction, a reader opens and loads
 * at once; another writer waits SALESPLAN_BUSY_TIMEOUT and gives up with
 * "workspace FILE is busy"; a read-only handle refuses to write. */
static void test_readers_never_wait(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *w = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(w);
    assert_true(w->ops->begin(w, &err));
    sp_rep r = {.id = "r1", .name = "Wang", .active = true};
    assert_true(w->ops->upsert(w, TBL_REPS, &r, &err));

    setenv("SALESPLAN_BUSY_TIMEOUT", "0.3", 1);
    double t0 = now_s();
    sp_store *rd = store_open(dbpath, STORE_READ, &err);
    assert_non_null(rd);
    int64_t n = -1;
    assert_true(rd->ops->count(rd, TBL_REPS, &n, &err));
    assert_int_equal(n, 0); /* the last committed state */
    sp_plan_info *infos = NULL;
    size_t ni = 0;
    assert_true(rd->ops->plan_list(rd, &infos, &ni, &err));
    plan_info_free(infos, ni);
    assert_true(now_s() - t0 < 2.0); /* it did not wait: waiting would have failed after 0.3 s */
    /* read-only: a write is refused, naming the file */
    assert_false(rd->ops->task_set(rd, "fy", "t1", TASK_DOING, 10, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "read-only"));
    assert_non_null(strstr(buf_cstr(&err.msg), dbpath));
    err_free(&err);
    err = (sp_err)SP_ERR_INIT;

    sp_store *w2 = store_open(dbpath, STORE_WRITE, &err);
    assert_non_null(w2); /* opening takes no lock when nothing is due */
    t0 = now_s();
    assert_false(w2->ops->begin(w2, &err));
    double waited = now_s() - t0;
    assert_true(waited >= 0.25 && waited < 5.0);
    assert_int_equal(err.cls, SP_ETRANSIENT);
    assert_non_null(strstr(buf_cstr(&err.msg), "is busy: another process is writing"));
    assert_non_null(strstr(buf_cstr(&err.msg), dbpath));
    err_free(&err);
    err = (sp_err)SP_ERR_INIT;
    assert_true(w->ops->commit(w, &err));
    assert_true(w2->ops->begin(w2, &err));
    w2->ops->rollback(w2);
    assert_true(rd->ops->count(rd, TBL_REPS, &n, &err));
    assert_int_equal(n, 1);
    unsetenv("SALESPLAN_BUSY_TIMEOUT");
    store_close(w2);
    store_close(rd);
    store_close(w);
    err_free(&err);
}

/* A directory is refused by name; a missing file is not created by a
 * reader or a writer. */
static void test_odd_paths(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    assert_null(store_open("/tmp", STORE_READ, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "/tmp is a directory"));
    err_free(&err);
    assert_null(store_open(dbpath, STORE_WRITE, &err));
    assert_int_equal(err.cls, SP_ENOTFOUND);
    err_free(&err);
    assert_int_equal(access(dbpath, F_OK), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_requires_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip_all_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plan_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tracking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_database_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_only_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_legacy_workspace_stamped_by_writer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readers_never_wait, setup, teardown),
        cmocka_unit_test_setup_teardown(test_odd_paths, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
