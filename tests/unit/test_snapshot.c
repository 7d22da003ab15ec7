/*
 * test_snapshot.c — the snapshot file (store/snapshot.c) on a hand-built
 * dataset with edge values: written, mapped back and compared row by row
 * with the dataset it came from (every column, strings by content, interned
 * strings by pointer, resolved rows); T12M per customer the same over both;
 * and never trusted when damaged: every truncation and every single-byte
 * change is refused (DAMAGED, never FRESH), another data version is STALE,
 * another schema DAMAGED, no file MISSING; values out of range with
 * recomputed checksums are refused too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/metrics.h"
#include "store/snapshot.h"
#include "store/store.h"

static char path[256];
static sp_dataset *g;

static sp_day day(const char *s)
{
    sp_day d;
    if (!s) return SP_DAY_NONE;
    assert_true(date_parse(s, &d, NULL));
    return d;
}

static sp_dataset *build(void)
{
    sp_dataset *ds = dataset_new();
    sp_rep r1 = {"r1", "王强", "东组", "华东", NULL, ROLE_LEADER, true, NULL};
    sp_rep r2 = {"r2", "", NULL, NULL, "金融", ROLE_NONE, false, NULL};
    dataset_push_rep(ds, &r1);
    dataset_push_rep(ds, &r2);
    sp_customer c1 = {"c1", "客户一", "华东", "制造", "r1", SIZE_LARGE, day("2024-02-29")};
    sp_customer c2 = {"c2", "c2", NULL, NULL, "r9", SIZE_NONE, SP_DAY_NONE};
    dataset_push_customer(ds, &c1);
    dataset_push_customer(ds, &c2);
    sp_lead l = {"l1", "web", "华东", NULL, "r2", "d1", SIZE_SMALL, day("2026-01-01"), true};
    dataset_push_lead(ds, &l);
    sp_deal d1 = {0};
    d1.id = "d1", d1.customer_id = "c1", d1.owner = "r1", d1.product = "云";
    d1.created_on = day("2025-01-01"), d1.closed_on = day("2026-02-28"), d1.stage = STAGE_WON;
    d1.amount = INT64_MAX, d1.cost = -1, d1.has_cost = true, d1.probability = 100;
    d1.is_new_customer = -1, d1.is_renewal = 1, d1.has_expected_close = true;
    d1.expected_close_on = day("9999-12-31");
    dataset_push_deal(ds, &d1);
    sp_deal d2 = {0};
    d2.id = "d2", d2.customer_id = "nobody", d2.created_on = day("0001-01-01"), d2.closed_on = SP_DAY_NONE;
    d2.stage = STAGE_OPEN, d2.amount = INT64_MIN, d2.probability = -1, d2.is_new_customer = 0, d2.is_renewal = -1;
    dataset_push_deal(ds, &d2);
    sp_activity a = {"a1", "r2", "c1", day("2026-03-01"), ACT_MEETING};
    sp_activity a2 = {"a2", "r7", NULL, day("2026-03-02"), ACT_OTHER};
    dataset_push_activity(ds, &a);
    dataset_push_activity(ds, &a2);
    /* more touches of c1 and c2, out of order and on a day already seen */
    sp_activity a3 = {"a3", "r1", "c1", day("2025-12-31"), ACT_VISIT};
    sp_activity a4 = {"a4", "r1", "c1", day("2026-03-01"), ACT_CALL};
    sp_activity a5 = {"a5", "r1", "c2", day("2026-02-28"), ACT_EMAIL};
    sp_activity a6 = {"a6", "r1", "c2", SP_DAY_NONE, ACT_VISIT};
    dataset_push_activity(ds, &a3);
    dataset_push_activity(ds, &a4);
    dataset_push_activity(ds, &a5);
    dataset_push_activity(ds, &a6);
    sp_invoice v = {"i1", "d1", "c1", day("2026-01-01"), day("2026-02-01"), SP_DAY_NONE, 100, 0};
    dataset_push_invoice(ds, &v);
    sp_spend s = {"s1", "events", "st1", NULL, "一 note", day("2026-03-01"), -5};
    dataset_push_spend(ds, &s);
    dataset_index(ds);
    return ds;
}

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/sp-test-snapshot-%d.snap", (int)getpid());
    g = build();
    sp_err err = SP_ERR_INIT;
    assert_true(snapshot_write(path, NULL, g, 42, SP_SCHEMA_VERSION, &err));
    err_free(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    dataset_free(g);
    unlink(path);
    return 0;
}

static void *slurp(size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint64_t *b = malloc(*n + 8);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void str_same(const char *a, const char *b)
{
    if (!a || !b) assert_ptr_equal(a, b);
    else assert_string_equal(a, b);
}

static void test_roundtrip(void **state)
{
    (void)state;
    sp_dataset *m = dataset_new();
    sp_snap_info info;
    assert_int_equal(snapshot_open(path, SP_SCHEMA_VERSION, 42, m, NULL, &info), SNAP_FRESH);
    assert_true(m->borrowed);
    assert_int_equal(info.rows[TBL_DEALS], 2);
    assert_int_equal(m->reps.n, 2);
    for (size_t i = 0; i < g->reps.n; i++) {
        sp_rep a = rep_at(g, i), b = rep_at(m, i);
        str_same(a.id, b.id), str_same(a.name, b.name), str_same(a.team, b.team);
        str_same(a.region, b.region), str_same(a.industry, b.industry);
        assert_int_equal(a.role, b.role);
        assert_int_equal(a.active, b.active);
    }
    for (size_t i = 0; i < g->customers.n; i++) {
        sp_customer a = customer_at(g, i), b = customer_at(m, i);
        str_same(a.id, b.id), str_same(a.name, b.name), str_same(a.owner, b.owner);
        assert_int_equal(a.size, b.size);
        assert_int_equal(a.created_on, b.created_on);
        assert_int_equal(g->customers.owner_row[i], m->customers.owner_row[i]);
    }
    assert_int_equal(m->customers.owner_row[1], SP_NOROW); /* r9 is no rep */
    for (size_t i = 0; i < g->deals.n; i++) {
        sp_deal a = deal_at(g, i), b = deal_at(m, i);
        str_same(a.id, b.id), str_same(a.customer_id, b.customer_id), str_same(a.owner, b.owner);
        str_same(a.product, b.product);
        assert_true(a.amount == b.amount && a.cost == b.cost);
        assert_int_equal(a.created_on, b.created_on);
        assert_int_equal(a.closed_on, b.closed_on);
        assert_int_equal(a.expected_close_on, b.expected_close_on);
        assert_int_equal(a.has_expected_close, b.has_expected_close);
        assert_int_equal(a.stage, b.stage);
        assert_int_equal(a.probability, b.probability);
        assert_int_equal(a.is_new_customer, b.is_new_customer);
        assert_int_equal(a.is_renewal, b.is_renewal);
        assert_int_equal(a.has_cost, b.has_cost);
        assert_int_equal(g->deals.customer_row[i], m->deals.customer_row[i]);
    }
    assert_true(deal_at(m, 0).amount == INT64_MAX);
    assert_true(deal_at(m, 1).amount == INT64_MIN);
    assert_int_equal(m->deals.customer_row[1], SP_NOROW);
    /* the snapshot holds the activities sorted by day (ties in arrival
     * order): find each one by its id */
    assert_int_equal(m->activities.n, g->activities.n);
    for (size_t k = 1; k < m->activities.n; k++) {
        sp_day x = m->activities.occurred_on[k - 1], y = m->activities.occurred_on[k];
        assert_true(x == SP_DAY_NONE || (y != SP_DAY_NONE && x <= y));
    }
    for (size_t k = 0; k < m->activities.n; k++) {
        size_t i = 0;
        while (i < g->activities.n && strcmp(activity_at(g, i).id, activity_at(m, k).id) != 0) i++;
        assert_true(i < g->activities.n);
        sp_activity a = activity_at(g, i), b = activity_at(m, k);
        str_same(a.id, b.id), str_same(a.rep, b.rep), str_same(a.customer_id, b.customer_id);
        assert_int_equal(a.kind, b.kind);
        assert_int_equal(a.occurred_on, b.occurred_on);
        assert_int_equal(g->activities.rep_row[i], m->activities.rep_row[k]);
        assert_int_equal(g->activities.customer_row[i], m->activities.customer_row[k]);
    }
    sp_lead la = lead_at(g, 0), lb = lead_at(m, 0);
    str_same(la.opportunity_id, lb.opportunity_id), str_same(la.source, lb.source);
    assert_int_equal(la.qualified, lb.qualified);
    sp_invoice va = invoice_at(g, 0), vb = invoice_at(m, 0);
    str_same(va.deal_id, vb.deal_id);
    assert_int_equal(va.paid_on, vb.paid_on);
    sp_spend sa = spend_at(g, 0), sb = spend_at(m, 0);
    str_same(sa.note, sb.note), str_same(sa.strategy_id, sb.strategy_id);
    assert_true(sa.amount == sb.amount);
    /* interned strings: one pointer per content, found by content */
    const char *east = dataset_intern(m, "华东");
    assert_ptr_equal(east, customer_at(m, 0).region);
    assert_ptr_equal(east, rep_at(m, 0).region);
    assert_ptr_equal(dataset_intern(m, "c1"), deal_at(m, 0).customer_id);
    assert_int_not_equal(dataset_code(m, "云"), 0);
    /* a string the data does not hold equals none of its strings */
    const char *west = dataset_intern(m, "西北");
    assert_non_null(west);
    assert_ptr_not_equal(west, customer_at(m, 0).region);
    assert_int_equal(dataset_code(m, "西北"), 0);
    assert_non_null(dataset_rep(m, dataset_intern(m, "r2")));
    sp_customer c;
    assert_true(dataset_customer(m, dataset_intern(m, "c1"), &c));
    assert_string_equal(c.name, "客户一");
    /* the engine over both: T12M per customer */
    sp_money t1[2], t2[2];
    customer_t12m(g, day("2026-03-15"), t1);
    customer_t12m(m, day("2026-03-15"), t2);
    assert_memory_equal(t1, t2, sizeof t1);
    assert_true(t2[0] == INT64_MAX);
    dataset_free(m);
}

static void test_states(void **state)
{
    (void)state;
    sp_snap_info info;
    assert_int_equal(snapshot_open(path, SP_SCHEMA_VERSION, 43, NULL, NULL, &info), SNAP_STALE);
    assert_int_equal(info.data_version, 42);
    assert_int_equal(snapshot_open(path, SP_SCHEMA_VERSION + 1, 42, NULL, NULL, &info), SNAP_DAMAGED);
    assert_non_null(strstr(info.why, "schema"));
    assert_int_equal(snapshot_open("/tmp/sp-no-such-snapshot", SP_SCHEMA_VERSION, 42, NULL, NULL, &info), SNAP_MISSING);
    sp_dataset *m = dataset_new();
    assert_int_equal(snapshot_open(path, SP_SCHEMA_VERSION, 41, m, NULL, &info), SNAP_STALE);
    assert_false(m->borrowed); /* untouched */
    dataset_free(m);
}

/* every truncation and every single-byte change is refused */
static void test_damage(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = slurp(&n);
    sp_snap_info info;
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, NULL), SNAP_FRESH);
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(snapshot_check(b, cut, SP_SCHEMA_VERSION, 42, &info, NULL, NULL), SNAP_DAMAGED);
    for (size_t at = 0; at < n; at++) {
        for (unsigned bit = 1; bit < 256; bit <<= 3) {
            b[at] ^= (unsigned char)bit;
            sp_snap_state s = snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, NULL);
            if (s != SNAP_DAMAGED) fail_msg("byte %zu ^ %u: %s", at, bit, snap_state_name(s));
            b[at] ^= (unsigned char)bit;
        }
    }
    free(b);
}

/* values out of range are refused even with valid checksums */
static void test_values(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = slurp(&n);
    sp_snap_info info;
    size_t changed = 0, fresh = 0;
    /* every 4-byte word set to 0xFFFFFFF0 in turn: a huge code, row, date,
     * offset or size; with fixed checksums it must be refused, or be a
     * value no check could tell from a good one (money, an id's text) */
    for (size_t at = 128; at + 4 <= n; at += 4) {
        unsigned char keep[4];
        memcpy(keep, b + at, 4);
        memset(b + at, 0xF0, 1);
        memset(b + at + 1, 0xFF, 3);
        snapshot_fix_checksums(b, n);
        sp_dataset *m = dataset_new();
        sp_snap_state s = snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, m, NULL);
        changed++;
        if (s == SNAP_FRESH) {
            fresh++;
            dataset_index(m);
            /* readable without leaving the buffer (ASan watches) */
            for (size_t i = 0; i < m->deals.n; i++) (void)strlen(deal_at(m, i).id ? deal_at(m, i).id : "");
            for (size_t i = 0; i < m->customers.n; i++) (void)customer_at(m, i);
        }
        dataset_free(m);
        memcpy(b + at, keep, 4);
    }
    snapshot_fix_checksums(b, n);
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, NULL), SNAP_FRESH);
    assert_true(fresh < changed / 2);
    free(b);
}

/* a query verifies the labels, not the unique ids and notes of the tables:
 * those are checked when first read, and a damaged group is never read */
static void test_lazy_text(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = slurp(&n);
    sp_snap_info info;
    bool want[TBL_COUNT] = {0};
    want[TBL_DEALS] = want[TBL_ACTIVITIES] = true;
    /* intact: every string reads right, lazily */
    sp_dataset *m = dataset_new();
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, m, want), SNAP_FRESH);
    dataset_index(m);
    assert_true(m->dict.vfirst > 0 && m->dict.vfirst < m->dict.n);
    assert_true(m->dict.nlazy > 0);
    size_t unchecked = 0;
    for (size_t k = 0; k < m->dict.nlazy; k++) unchecked += m->dict.lazy[k].state == 0;
    assert_true(unchecked > 0);
    assert_string_equal(deal_at(m, 0).id, "d1");
    size_t seen = 0;
    for (size_t k = 0; k < m->activities.n; k++) seen += strcmp(activity_at(m, k).id, "a2") == 0;
    assert_int_equal(seen, 1);
    assert_string_equal(deal_at(m, 0).product, "云");
    assert_false(m->dict.damaged);
    dataset_free(m);
    /* the activity id "a1" damaged: the file opens for deals (labels and
     * deal ids intact) but the activity ids are never read */
    unsigned char *at = NULL;
    for (size_t k = 0; k + 4 <= n; k++)
        if (memcmp(b + k, "\0a1\0", 4) == 0) at = b + k + 1;
    assert_non_null(at);
    at[1] = '9';
    m = dataset_new();
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, m, want), SNAP_FRESH);
    dataset_index(m);
    assert_string_equal(deal_at(m, 0).id, "d1");
    size_t r2 = 0;
    for (size_t k = 0; k < m->activities.n; k++) {
        r2 += str_eq(activity_at(m, k).rep, "r2");
        assert_string_equal(activity_at(m, k).id, SP_STR_DAMAGED);
    }
    assert_int_equal(r2, 1);
    assert_true(m->dict.damaged);
    dataset_free(m);
    /* the full check (want NULL) refuses it */
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, NULL), SNAP_DAMAGED);
    /* a damaged label is refused by any query */
    at[1] = '1';
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, want), SNAP_FRESH);
    for (size_t k = 0; k + 5 <= n; k++)
        if (memcmp(b + k, "\0web\0", 5) == 0) at = b + k + 1;
    at[0] = 'W';
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, want), SNAP_DAMAGED);
    free(b);
}

/* columns: a query reads only the columns its load spec names; the others
 * are neither verified nor exposed (NULL), the references always are */
static void test_masked_columns(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = slurp(&n);
    sp_snap_info info;
    bool want[TBL_COUNT] = {0};
    want[TBL_DEALS] = true;
    uint32_t cols[TBL_COUNT] = {0};
    cols[TBL_DEALS] = SP_COL(DEAL, closed_on) | SP_COL(DEAL, stage) | SP_COL(DEAL, amount);
    sp_dataset *m = dataset_new();
    assert_int_equal(snapshot_check_ex(b, n, SP_SCHEMA_VERSION, 42, &info, m, want, cols, false, SP_DAY_MIN, SP_DAY_MAX),
                     SNAP_FRESH);
    assert_true(m->deals.n >= 2);
    assert_true(m->deals.amount[0] == INT64_MAX && m->deals.amount[1] == INT64_MIN);
    assert_null(m->deals.id);
    assert_null(m->deals.cost);
    assert_null(m->deals.product);
    assert_non_null(m->deals.customer_row); /* a reference: always */
    assert_non_null(m->customers.owner_row);
    dataset_free(m);
    /* the amounts damaged: a query that does not read them opens the file,
     * one that reads them refuses it */
    static const int64_t pair[2] = {INT64_MAX, INT64_MIN};
    unsigned char *at = NULL;
    for (size_t k = 0; k + sizeof pair <= n; k += 8)
        if (memcmp(b + k, pair, sizeof pair) == 0) at = b + k;
    assert_non_null(at);
    at[0] ^= 1;
    cols[TBL_DEALS] = SP_COL(DEAL, closed_on) | SP_COL(DEAL, stage);
    m = dataset_new();
    assert_int_equal(snapshot_check_ex(b, n, SP_SCHEMA_VERSION, 42, &info, m, want, cols, false, SP_DAY_MIN, SP_DAY_MAX),
                     SNAP_FRESH);
    assert_null(m->deals.amount);
    dataset_free(m);
    cols[TBL_DEALS] |= SP_COL(DEAL, amount);
    assert_int_equal(snapshot_check_ex(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, want, cols, false, SP_DAY_MIN, SP_DAY_MAX),
                     SNAP_DAMAGED);
    assert_int_equal(snapshot_check(b, n, SP_SCHEMA_VERSION, 42, &info, NULL, want), SNAP_DAMAGED);
    free(b);
}

/* the cache (the server): a second load of the same file verifies nothing
 * it verified before; a new file (renamed into place) is verified again,
 * damage and all; without the cache every load verifies */
static void test_cache(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_snapshot_cache-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64], tmp[64];
    snprintf(file, sizeof file, "%s/ws.db.snap", dir);
    snprintf(tmp, sizeof tmp, "%s/new", dir);
    /* the sample and 5000 more deals: a file mostly of deal columns */
    sp_dataset *big = build();
    for (int i = 0; i < 5000; i++) {
        char id[16];
        snprintf(id, sizeof id, "x%d", i);
        sp_deal d = {0};
        d.id = id, d.customer_id = "c1", d.owner = "r1", d.stage = STAGE_WON, d.amount = 100 + i;
        d.created_on = d.closed_on = day("2026-01-05"), d.expected_close_on = SP_DAY_NONE;
        d.probability = -1, d.is_new_customer = -1, d.is_renewal = -1;
        dataset_push_deal(big, &d);
    }
    dataset_index(big);
    sp_err err = SP_ERR_INIT;
    assert_true(snapshot_write(file, NULL, big, 42, SP_SCHEMA_VERSION, &err));
    dataset_free(big);
    bool want[TBL_COUNT] = {0};
    want[TBL_DEALS] = true;
    sp_snap_info info;
    for (int on = 0; on < 2; on++) {
        snapshot_cache(on);
        uint64_t c0 = snapshot_checked_bytes();
        sp_dataset *m1 = dataset_new();
        assert_int_equal(snapshot_open_ex(file, SP_SCHEMA_VERSION, 42, m1, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX, &info),
                         SNAP_FRESH);
        uint64_t c1 = snapshot_checked_bytes();
        sp_dataset *m2 = dataset_new();
        assert_int_equal(snapshot_open_ex(file, SP_SCHEMA_VERSION, 42, m2, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX, &info),
                         SNAP_FRESH);
        uint64_t c2 = snapshot_checked_bytes();
        assert_true(c1 - c0 > 5000 * 40);
        if (on) assert_true((c2 - c1) * 20 < c1 - c0); /* the header and section table only */
        else assert_int_equal(c2 - c1, c1 - c0);
        assert_string_equal(deal_at(m2, 0).id, "d1");
        dataset_free(m1);
        assert_true(m2->deals.n == 5002 && m2->deals.amount[5001] == 100 + 4999); /* the mapping lives while a dataset holds it */
        dataset_free(m2);
    }
    /* a damaged copy renamed into place: a new file, verified again */
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    static unsigned char b[1 << 20];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    assert_true(n > 0 && n < sizeof b);
    int64_t last = 100 + 4999;
    unsigned char *at = NULL;
    for (size_t k = 0; k + 8 <= n; k += 8)
        if (memcmp(b + k, &last, 8) == 0) at = b + k;
    assert_non_null(at);
    at[0] ^= 1;
    f = fopen(tmp, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
    assert_int_equal(rename(tmp, file), 0);
    sp_dataset *m3 = dataset_new();
    assert_int_equal(snapshot_open_ex(file, SP_SCHEMA_VERSION, 42, m3, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX, &info),
                     SNAP_DAMAGED);
    dataset_free(m3);
    snapshot_cache(false);
    unlink(file);
    rmdir(dir);
}

/* the lookup by content in a borrowed dictionary: the hash is read before
 * it is verified, so whatever it holds (right, wrong codes, codes that are
 * not labels, nothing) the answer is the label's code, or 0 for a string
 * that is no label; the hash is verified (once) only to trust a miss */
static int hash_checks;
static bool hash_verdict;
static bool fake_verify(void *ctx, size_t k)
{
    (void)ctx;
    if (k == SP_DICT_HASH) hash_checks++;
    return hash_verdict;
}

static void test_lookup_hint(void **state)
{
    (void)state;
    static const char blob[] = "\0x\0华东\0华南\0西北";
    static const uint32_t off[] = {0, 1, 3, 10, 17};
    enum { NH = 8 };
    const char *labels[] = {"华东", "华南", "西北"};
    for (int variant = 0; variant < 4; variant++) {
        uint32_t hash[NH] = {0};
        if (variant == 0) /* right */
            for (uint32_t c = 2; c <= 4; c++) {
                uint32_t j = dict_hash(labels[c - 2]) & (NH - 1);
                while (hash[j]) j = (j + 1) & (NH - 1);
                hash[j] = c;
            }
        if (variant == 1) /* wrong codes everywhere */
            for (int j = 0; j < NH; j++) hash[j] = 2 + (uint32_t)j % 3;
        if (variant == 2) /* codes that are not labels' (1: a text; 99: none) */
            for (int j = 0; j < NH; j++) hash[j] = j % 2 ? 1 : 99;
        /* variant 3: empty */
        for (int verdict = 0; verdict < 2; verdict++) {
            sp_dataset *ds = dataset_new();
            ds->borrowed = true;
            free(ds->dict.ptr); /* (as snapshot_check makes it: no owned strings) */
            ds->dict.ptr = NULL;
            ptrmap_free(ds->dict.code_of);
            ds->dict.code_of = NULL;
            ds->dict.blob = blob;
            ds->dict.off = off;
            ds->dict.n = ds->dict.cap = 5;
            ds->dict.vfirst = 2; /* codes 2..4: the labels */
            ds->dict.hash = hash;
            ds->dict.nhash = NH;
            ds->dict.hash_state = 0;
            ds->dict.lazy_verify = fake_verify;
            hash_verdict = verdict == 1 && variant == 0; /* only the right hash passes its check */
            hash_checks = 0;
            for (uint32_t c = 2; c <= 4; c++) assert_int_equal(dataset_code(ds, labels[c - 2]), c);
            if (variant == 0) assert_int_equal(hash_checks, 0); /* hits need no verified hash */
            assert_int_equal(dataset_code(ds, "东北"), 0);
            assert_int_equal(dataset_code(ds, "x"), 0); /* a text, not a label */
            assert_int_equal(dataset_code(ds, "东北"), 0);
            assert_true(hash_checks <= 1); /* verified once at most */
            if (variant == 0) assert_int_equal(hash_checks, 1); /* a miss needed it */
            ds->dict.hash = NULL; /* (borrowed: not freed) */
            ds->dict.blob = NULL;
            ds->dict.off = NULL;
            ds->dict.lazy_verify = NULL;
            ds->dict.n = ds->dict.cap = 0;
            dataset_free(ds);
        }
    }
}

/* the day indexes: with the activities wanted only for last touches, the
 * snapshot gives per customer its activity days and visit days (no
 * activities), and the last day on or before any date equals a scan */
static sp_day brute_last(const sp_dataset *ds, size_t ci, sp_day d, bool visits)
{
    sp_day best = SP_DAY_NONE;
    for (size_t i = 0; i < ds->activities.n; i++) {
        sp_activity a = activity_at(ds, i);
        if (ds->activities.customer_row[i] != ci || a.occurred_on == SP_DAY_NONE || a.occurred_on > d) continue;
        if (visits && a.kind != ACT_VISIT && a.kind != ACT_MEETING) continue;
        if (best == SP_DAY_NONE || a.occurred_on > best) best = a.occurred_on;
    }
    return best;
}

static void test_touch_index(void **state)
{
    (void)state;
    bool want[TBL_COUNT] = {0};
    want[TBL_ACTIVITIES] = want[TBL_DEALS] = true;
    sp_dataset *m = dataset_new();
    sp_snap_info info;
    assert_int_equal(snapshot_open_ex(path, SP_SCHEMA_VERSION, 42, m, want, NULL, true, SP_DAY_MIN, SP_DAY_MAX, &info), SNAP_FRESH);
    assert_int_equal(m->activities.n, 0);
    assert_int_equal(m->customers.n, 2);
    assert_non_null(m->touch.off);
    assert_non_null(m->visit.off);
    for (sp_day d = day("2025-12-01"); d <= day("2026-04-01"); d++)
        for (size_t ci = 0; ci < 2; ci++) {
            assert_int_equal(day_index_last(&m->touch, ci, d), brute_last(g, ci, d, false));
            assert_int_equal(day_index_last(&m->visit, ci, d), brute_last(g, ci, d, true));
        }
    dataset_free(m);
    /* without touch_only: the activities, no index */
    m = dataset_new();
    assert_int_equal(snapshot_open_ex(path, SP_SCHEMA_VERSION, 42, m, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX, &info), SNAP_FRESH);
    assert_int_equal(m->activities.n, g->activities.n);
    assert_null(m->touch.off);
    dataset_free(m);
    /* with the indexes beside them (a page): both, the same last days */
    m = dataset_new();
    assert_int_equal(
        snapshot_open_ex(path, SP_SCHEMA_VERSION, 42, m, want, NULL, SNAP_WITH_INDEXES, SP_DAY_MIN, SP_DAY_MAX, &info),
        SNAP_FRESH);
    assert_int_equal(m->activities.n, g->activities.n);
    assert_non_null(m->touch.off);
    assert_non_null(m->visit.off);
    for (size_t ci = 0; ci < m->customers.n; ci++)
        for (sp_day d = day("2025-12-01"); d <= day("2026-04-01"); d += 7) {
            assert_int_equal(day_index_last(&m->touch, ci, d), brute_last(g, ci, d, false));
            assert_int_equal(day_index_last(&m->visit, ci, d), brute_last(g, ci, d, true));
        }
    dataset_free(m);
}

/* a few days of activities: the rows of their blocks (a superset, every
 * row of those days in it), checked by block; a damaged block is refused */
static void test_activity_range(void **state)
{
    (void)state;
    bool want[TBL_COUNT] = {0};
    want[TBL_ACTIVITIES] = true;
    sp_day from = day("2026-03-01"), to = day("2026-03-01");
    sp_dataset *m = dataset_new();
    sp_snap_info info;
    assert_int_equal(snapshot_open_ex(path, SP_SCHEMA_VERSION, 42, m, want, NULL, false, from, to, &info), SNAP_FRESH);
    size_t in_g = 0, in_m = 0;
    for (size_t i = 0; i < g->activities.n; i++) in_g += g->activities.occurred_on[i] >= from && g->activities.occurred_on[i] <= to;
    for (size_t i = 0; i < m->activities.n; i++) in_m += m->activities.occurred_on[i] >= from && m->activities.occurred_on[i] <= to;
    assert_int_equal(in_g, 2);
    assert_int_equal(in_m, in_g);
    dataset_free(m);
    /* a day of the activities changed (checksums of the sections fixed, the
     * block checksums not): refused by the ranged check */
    size_t n;
    unsigned char *b = slurp(&n);
    sp_day d2 = day("2026-03-02"), d9 = day("2026-03-09");
    unsigned char *at = NULL;
    for (size_t k = 0; k + 4 <= n; k += 4)
        if (memcmp(b + k, &d2, 4) == 0) at = b + k;
    assert_non_null(at);
    memcpy(at, &d9, 4);
    snapshot_fix_checksums(b, n);
    m = dataset_new();
    assert_int_equal(snapshot_check_ex(b, n, SP_SCHEMA_VERSION, 42, &info, m, want, NULL, false, from, to), SNAP_DAMAGED);
    assert_non_null(strstr(info.why, "block"));
    dataset_free(m);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_damage),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_lazy_text),
        cmocka_unit_test(test_masked_columns),
        cmocka_unit_test(test_cache),
        cmocka_unit_test(test_lookup_hint),
        cmocka_unit_test(test_touch_index),
        cmocka_unit_test(test_activity_range),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
