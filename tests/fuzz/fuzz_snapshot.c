/*
 * fuzz_snapshot.c — libFuzzer target for the snapshot reader
 * (src/store/snapshot.c, snapshot_check).
 *
 * Each input is checked twice: as it is (the checksums refuse almost every
 * change), then with its checksums recomputed (snapshot_fix_checksums) so
 * that damaged sizes, offsets, dictionary entries and column values meet
 * the value checks. The data version expected is the one the input claims,
 * so a well-formed input is FRESH; then every row of every table is read
 * through the row views, every string resolved and measured, and a few
 * strings looked up (also with only some tables wanted: the unique strings
 * then checked lazily when first read): a damaged file must be refused, never read out of
 * bounds (ASan and UBSan watch). Copies the input into an 8-byte aligned
 * buffer (a mapping is page aligned) and frees everything.
 *
 * Then the input serves as the base of a patched snapshot (format 3: what
 * an import does): some tables copied from it (chosen by its size), the
 * others written empty, into a file in a temporary directory. A damaged
 * base must fail the patch, never be read out of bounds (its codes index
 * the writer's labels); a patched snapshot made from a base that checks
 * whole must check whole too.
 */
#include <stdio.h>
#include <unistd.h>
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/snapshot.h"
#include "util/outfile.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s) { return s ? strlen(s) : 0; }

static void read_all(sp_dataset *ds)
{
    size_t sum = 0;
    for (size_t i = 0; i < ds->reps.n; i++) {
        sp_rep r = rep_at(ds, i);
        sum += touch(r.id) + touch(r.name) + touch(r.team) + touch(r.region) + touch(r.industry) + role_name(r.role)[0];
    }
    for (size_t i = 0; i < ds->customers.n; i++) {
        sp_customer c = customer_at(ds, i);
        sum += touch(c.id) + touch(c.name) + touch(c.region) + touch(c.industry) + touch(c.owner);
        uint32_t o = ds->customers.owner_row[i];
        if (o != SP_NOROW) sum += touch(rep_at(ds, o).id);
    }
    for (size_t i = 0; i < ds->leads.n; i++) {
        sp_lead l = lead_at(ds, i);
        sum += touch(l.id) + touch(l.source) + touch(l.owner) + touch(l.opportunity_id) + size_name(l.size)[0];
    }
    for (size_t i = 0; i < ds->deals.n; i++) {
        sp_deal d = deal_at(ds, i);
        sum += touch(d.id) + touch(d.customer_id) + touch(d.owner) + touch(d.product) + stage_name(d.stage)[0];
        uint32_t c = ds->deals.customer_row[i];
        if (c != SP_NOROW) sum += touch(customer_at(ds, c).id);
        char b[16];
        day_format(d.closed_on, b);
    }
    for (size_t i = 0; i < ds->activities.n; i++) {
        sp_activity a = activity_at(ds, i);
        sum += touch(a.id) + touch(a.rep) + touch(a.customer_id) + actkind_name(a.kind)[0];
        uint32_t c = ds->activities.customer_row[i], r = ds->activities.rep_row[i];
        if (c != SP_NOROW) sum += touch(customer_at(ds, c).id);
        if (r != SP_NOROW) sum += touch(rep_at(ds, r).id);
    }
    for (size_t i = 0; i < ds->invoices.n; i++) {
        sp_invoice v = invoice_at(ds, i);
        sum += touch(v.id) + touch(v.deal_id) + touch(v.customer_id);
        uint32_t c = ds->invoices.customer_row[i];
        if (c != SP_NOROW) sum += touch(customer_at(ds, c).id);
    }
    for (size_t i = 0; i < ds->spend.n; i++) {
        sp_spend s = spend_at(ds, i);
        sum += touch(s.id) + touch(s.category) + touch(s.strategy_id) + touch(s.task_id) + touch(s.note);
    }
    /* the day indexes, when given */
    for (size_t i = 0; ds->touch.off && i < ds->customers.n; i++)
        sum += (size_t)day_index_last(&ds->touch, i, SP_DAY_MAX) + (size_t)day_index_last(&ds->visit, i, 0);
    /* lookups by content through the mapped hash */
    const char *probe[] = {"r1", "c1", "华东", "x"};
    for (size_t k = 0; k < 4; k++) {
        const char *p = dataset_intern(ds, probe[k]);
        sum += touch(p) + dataset_code(ds, probe[k]);
        sum += dataset_customer_row(ds, p) != SP_NOROW;
        sum += dataset_rep(ds, p) != NULL;
    }
    (void)sum;
}

static void one(const uint8_t *p, size_t size, const bool *want, bool touch_only, sp_day from, sp_day to)
{
    uint64_t v = 0;
    if (size >= 32) memcpy(&v, p + 24, 8); /* the data version the header claims */
    sp_dataset *ds = dataset_new();
    sp_snap_info info;
    sp_snap_state s = snapshot_check_ex(p, size, SP_SCHEMA_VERSION, v, &info, ds, want, NULL, touch_only, from, to);
    assert(s == SNAP_FRESH || s == SNAP_STALE || s == SNAP_DAMAGED);
    if (s == SNAP_FRESH) {
        dataset_index(ds);
        read_all(ds);
    }
    dataset_free(ds);
}

/* masked: the deals with only the columns a revenue question reads (the
 * others NULL, never read), each read as kpi_compute would */
static void masked(const uint8_t *p, size_t size)
{
    uint64_t v = 0;
    if (size >= 32) memcpy(&v, p + 24, 8);
    bool want[TBL_COUNT] = {0};
    want[TBL_DEALS] = true;
    uint32_t cols[TBL_COUNT] = {0};
    cols[TBL_DEALS] = SP_COL(DEAL, closed_on) | SP_COL(DEAL, stage) | SP_COL(DEAL, amount);
    sp_dataset *ds = dataset_new();
    sp_snap_info info;
    sp_snap_state s = snapshot_check_ex(p, size, SP_SCHEMA_VERSION, v, &info, ds, want, cols, false, SP_DAY_MIN, SP_DAY_MAX);
    assert(s == SNAP_FRESH || s == SNAP_STALE || s == SNAP_DAMAGED);
    if (s == SNAP_FRESH) {
        dataset_index(ds);
        size_t sum = 0;
        const sp_deal_cols *t = &ds->deals;
        assert(!t->n || (t->id == NULL && t->cost == NULL && t->customer_row != NULL));
        for (size_t i = 0; i < t->n; i++) {
            sum += (size_t)t->closed_on[i] + (size_t)t->amount[i] + stage_name((sp_stage)t->stage[i])[0];
            uint32_t c = t->customer_row[i];
            if (c != SP_NOROW) sum += ds->customers.owner_row[c] != SP_NOROW;
        }
        (void)sum;
    }
    dataset_free(ds);
}

/* both ways a query opens it: everything checked at once (want NULL), and
 * a few tables with the unique strings checked lazily when read */
static void both(const uint8_t *p, size_t size)
{
    bool want[TBL_COUNT] = {0};
    want[TBL_DEALS] = want[TBL_ACTIVITIES] = want[TBL_LEADS] = want[TBL_INVOICES] = want[TBL_SPEND] = true;
    one(p, size, NULL, false, SP_DAY_MIN, SP_DAY_MAX);
    one(p, size, want, false, SP_DAY_MIN, SP_DAY_MAX);
    one(p, size, want, true, SP_DAY_MIN, SP_DAY_MAX); /* the activities through the day indexes */
    one(p, size, want, false, 20500, 20600);          /* a few days of activities: their blocks */
    masked(p, size);
}

static char dir[64];
static void rm_dir(void) { rmdir(dir); }

/* patch: p as the base of a new snapshot (tables copied from it) */
static void patch(const uint8_t *p, size_t size)
{
    if (!dir[0]) { /* in memory when it can be: the writer fsyncs */
        snprintf(dir, sizeof dir, "/dev/shm/fuzz_snapshot-XXXXXX");
        if (!mkdtemp(dir)) {
            snprintf(dir, sizeof dir, "/tmp/fuzz_snapshot-XXXXXX");
            if (!mkdtemp(dir)) abort();
        }
        atexit(rm_dir);
    }
    uint64_t v = 0;
    if (size >= 32) memcpy(&v, p + 24, 8);
    sp_snap_info info;
    bool whole = snapshot_check_ex(p, size, SP_SCHEMA_VERSION, v, &info, NULL, NULL, NULL, false, SP_DAY_MIN, SP_DAY_MAX) ==
                 SNAP_FRESH;
    sp_snap_base *b = snapshot_base_check(p, size, SP_SCHEMA_VERSION, v);
    if (!b) {
        assert(!whole);
        return;
    }
    uint64_t rows[TBL_COUNT];
    snapshot_base_rows(b, rows);
    unsigned copy = (unsigned)(size % 127) | 1u << TBL_REPS; /* which tables: the others empty */
    for (int t = 0; t < TBL_COUNT; t++)
        if (!(copy & (1u << t))) rows[t] = 0;
    char path[96], ws[96];
    snprintf(path, sizeof path, "%s/ws.db.snap", dir);
    snprintf(ws, sizeof ws, "%s/ws.db", dir);
    sp_err e = SP_ERR_INIT;
    sp_snap_writer *w = snapshot_writer_open_from(path, ws, rows, v + 1, SP_SCHEMA_VERSION, b, &e);
    bool ok = w != NULL;
    for (int t = 0; ok && t < TBL_COUNT; t++)
        if (copy & (1u << t)) ok = snapshot_writer_copy(w, (sp_table)t);
    sp_outfile *o = NULL;
    if (ok) ok = snapshot_writer_finish(w, &o);
    else if (w) snapshot_writer_abort(w);
    if (ok) ok = outfile_commit(o, &e);
    if (ok) {
        sp_snap_state s = snapshot_open(path, SP_SCHEMA_VERSION, v + 1, NULL, NULL, &info);
        assert(s == SNAP_FRESH || !whole);
        unlink(path);
    }
    /* a failed patch is allowed even from a base that checks whole: a
     * forged one may hold codes the reader accepts (any code in the
     * dictionary) that the writer never writes (a text code in a label
     * column): the import then writes the whole snapshot instead */
    err_free(&e);
    snapshot_base_close(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t *buf = malloc(size / 8 + 1 > 0 ? (size / 8 + 1) * 8 : 8);
    memcpy(buf, data, size);
    both((const uint8_t *)buf, size);
    patch((const uint8_t *)buf, size); /* refused at once unless its checksums hold */
    snapshot_fix_checksums(buf, size);
    both((const uint8_t *)buf, size);
    /* the writer costs some 20 times the reader: a quarter of the inputs
     * (chosen by their bytes, so a crash reproduces) also patch */
    if (size && ((size ^ data[size / 2]) & 3) == 0) patch((const uint8_t *)buf, size);
    free(buf);
    return 0;
}
