/*
 * test_import.c — import_file_ex through a real SQLite workspace, as a face
 * other than the CLI uses it: notes on the header, warnings on rows and
 * progress come back as values through sp_import_sink (nothing is printed
 * from io/), and ids used twice are found through the store's on-disk id
 * set (store->idset_*), usable from the import's reader thread.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "io/import.h"
#include "store/store.h"

static char dbpath[256], csvpath[256];

static int setup(void **state)
{
    (void)state;
    setenv("SALESPLAN_SNAPSHOT", "off", 1);
    snprintf(dbpath, sizeof dbpath, "/tmp/sp-test-import-%d.db", (int)getpid());
    snprintf(csvpath, sizeof csvpath, "/tmp/sp-test-import-%d.csv", (int)getpid());
    unlink(dbpath);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char p[300];
    unlink(dbpath);
    unlink(csvpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
    return 0;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* what the sink received */
typedef struct got {
    int ncol, nwarn, ntrunc;
    size_t warn_line[4];
    char first_col[256], first_warn[256];
    int nprogress, ndone;
    size_t last_rows;
} got;

static void on_note(void *ctx, const sp_import_note *n)
{
    got *g = ctx;
    assert_non_null(n->text);
    assert_null(strchr(n->text, '\n'));
    switch (n->kind) {
    case SP_NOTE_COLUMN:
        if (!g->ncol++) snprintf(g->first_col, sizeof g->first_col, "%s", n->text);
        assert_int_equal(n->line, 0);
        break;
    case SP_NOTE_WARNING:
        if (!g->nwarn) snprintf(g->first_warn, sizeof g->first_warn, "%s", n->text);
        if (g->nwarn < 4) g->warn_line[g->nwarn] = n->line;
        g->nwarn++;
        break;
    case SP_NOTE_TRUNCATED: g->ntrunc++; break;
    }
}

static void on_progress(void *ctx, const sp_import_progress *p)
{
    got *g = ctx;
    g->nprogress++;
    if (p->done) g->ndone++;
    g->last_rows = p->rows;
    assert_true(p->percent >= 0 && p->percent <= 100);
    assert_int_equal(p->table, TBL_DEALS);
}

/* Notes, warnings and progress arrive as values, with the texts the CLI
 * prints. */
static void test_notes_as_values(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    sp_rep r = {.id = "r1", .name = "王强", .active = true};
    assert_true(st->ops->begin(st, &err));
    assert_true(st->ops->upsert(st, TBL_REPS, &r, &err));
    assert_true(st->ops->commit(st, &err));
    write_file(csvpath, "deal_id,customer_id,owner,created_on,stage,amount,colour\n"
                        "D1,C1,r1,2026-01-01,won,100,red\n"
                        "D2,C1,孙丽,2026-01-02,won,200,blue\n"
                        "D3,C1,王强,2026-01-03,open,300,green\n"
                        "D4,C1,周杰,2026-01-04,lost,400,red\n");
    got g = {0};
    sp_import_opts o = {.sink = {on_note, on_progress, &g}};
    sp_import_stats stats;
    sp_import_info info;
    assert_true(import_file_ex(st, TBL_DEALS, csvpath, &o, &stats, &info, &err));
    assert_int_equal(stats.imported, 4);
    assert_int_equal(stats.matched, 1);
    assert_int_equal(stats.warnings, 2);
    assert_int_equal(g.ncol, 1);
    assert_non_null(strstr(g.first_col, "column 'colour' ignored (not a column of deals)"));
    assert_int_equal(g.nwarn, 2);
    assert_int_equal(g.warn_line[0], 3);
    assert_int_equal(g.warn_line[1], 5);
    assert_non_null(strstr(g.first_warn, ":3: owner: '孙丽' is no rep"));
    assert_non_null(strstr(g.first_warn, "; kept as is"));
    assert_int_equal(g.ntrunc, 0);
    assert_int_equal(g.ndone, 1);
    assert_int_equal(g.last_rows, 4);

    /* no sink: nothing to say, the import works the same */
    sp_import_opts quiet = {0};
    assert_true(import_file_ex(st, TBL_DEALS, csvpath, &quiet, &stats, NULL, &err));
    assert_int_equal(stats.imported, 4);
    store_close(st);
    err_free(&err);
}

/* More than 100 warnings: 100 listed, then one SP_NOTE_TRUNCATED. */
static void test_warnings_truncated(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    sp_rep r = {.id = "r1", .name = "王强", .active = true};
    assert_true(st->ops->begin(st, &err));
    assert_true(st->ops->upsert(st, TBL_REPS, &r, &err));
    assert_true(st->ops->commit(st, &err));
    FILE *f = fopen(csvpath, "w");
    assert_non_null(f);
    fputs("deal_id,customer_id,owner,created_on,stage,amount\n", f);
    for (int i = 0; i < 150; i++) fprintf(f, "W%d,C1,nobody%d,2026-01-01,won,1\n", i, i);
    fclose(f);
    got g = {0};
    sp_import_opts o = {.sink = {.note = on_note, .ctx = &g}};
    sp_import_stats stats;
    assert_true(import_file_ex(st, TBL_DEALS, csvpath, &o, &stats, NULL, &err));
    assert_int_equal(stats.warnings, 150);
    assert_int_equal(g.nwarn, 100);
    assert_int_equal(g.ntrunc, 1);
    assert_int_equal(g.nprogress, 0);
    store_close(st);
    err_free(&err);
}

/* store->idset_*: new ids give 0, a repeated one the line it came with;
 * the set is its own (used here from another thread, as the import's
 * reader does) and a new set knows nothing. */
typedef struct idset_job {
    sp_store *st;
    sp_idset *set;
    int failures;
} idset_job;

static void *idset_thread(void *arg)
{
    idset_job *j = arg;
    sp_err err = SP_ERR_INIT;
    size_t first = 99;
    char id[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(id, sizeof id, "id%d", (i * 7919) % 50000);
        if (!j->st->ops->idset_add(j->set, id, (size_t)i + 2, &first, &err) || first != 0) j->failures++;
    }
    snprintf(id, sizeof id, "id%d", (10 * 7919) % 50000);
    if (!j->st->ops->idset_add(j->set, id, 60000, &first, &err) || first != 12) j->failures++;
    if (!j->st->ops->idset_add(j->set, id, 60001, &first, &err) || first != 12) j->failures++;
    err_free(&err);
    return NULL;
}

/* store->idset_*: ids in increasing order (kept aside, not looked up),
 * then the same id again, then one that came long before, then more
 * increasing ones: every repeat gives the line it came with first. */
static void test_idset_sorted_run(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    sp_idset *set = st->ops->idset_open(st, &err);
    assert_non_null(set);
    size_t first = 99;
    char id[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof id, "a%08d", i);
        assert_true(st->ops->idset_add(set, id, (size_t)i + 2, &first, &err));
        assert_int_equal(first, 0);
    }
    /* the last one again: not greater, so a repeat */
    assert_true(st->ops->idset_add(set, "a00019999", 30000, &first, &err));
    assert_int_equal(first, 20001);
    /* one from the start, and one never seen but smaller than the last */
    assert_true(st->ops->idset_add(set, "a00000003", 30001, &first, &err));
    assert_int_equal(first, 5);
    assert_true(st->ops->idset_add(set, "a000000035", 30002, &first, &err));
    assert_int_equal(first, 0);
    assert_true(st->ops->idset_add(set, "a000000035", 30003, &first, &err));
    assert_int_equal(first, 30002);
    /* greater again: still looked up (the set stays in the database) */
    assert_true(st->ops->idset_add(set, "b1", 30004, &first, &err));
    assert_int_equal(first, 0);
    assert_true(st->ops->idset_add(set, "b1", 30005, &first, &err));
    assert_int_equal(first, 30004);
    assert_true(st->ops->idset_add(set, "a00010000", 30006, &first, &err));
    assert_int_equal(first, 10002);
    st->ops->idset_close(set);
    /* a set closed while its ids are still aside */
    set = st->ops->idset_open(st, &err);
    assert_non_null(set);
    assert_true(st->ops->idset_add(set, "x1", 2, &first, &err));
    assert_true(st->ops->idset_add(set, "x2", 3, &first, &err));
    assert_int_equal(first, 0);
    st->ops->idset_close(set);
    store_close(st);
    err_free(&err);
}

static void test_idset(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    idset_job j = {st, st->ops->idset_open(st, &err), 0};
    assert_non_null(j.set);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, idset_thread, &j), 0);
    /* the store goes on meanwhile on this thread */
    sp_rep r = {.id = "r1", .name = "王强", .active = true};
    assert_true(st->ops->begin(st, &err));
    assert_true(st->ops->upsert(st, TBL_REPS, &r, &err));
    assert_true(st->ops->commit(st, &err));
    pthread_join(th, NULL);
    assert_int_equal(j.failures, 0);
    st->ops->idset_close(j.set);
    sp_idset *fresh = st->ops->idset_open(st, &err);
    assert_non_null(fresh);
    size_t first = 99;
    assert_true(st->ops->idset_add(fresh, "id0", 5, &first, &err));
    assert_int_equal(first, 0);
    st->ops->idset_close(fresh);
    store_close(st);
    err_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_notes_as_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_warnings_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idset_sorted_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
