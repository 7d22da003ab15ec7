/*
 * records.h — the CRM records of SPEC §5 as plain structs, and the dataset
 * the metric engine computes over.
 *
 * Pure data: no I/O. The row structs (sp_rep … sp_spend) are what import
 * parses and what the core reads through row views; the dataset itself
 * stores columns (see "the dataset" below). In a row view every string is
 * the dataset's one copy (equal interned strings share one pointer, so
 * equality is pointer equality within one dataset); NULL means "empty".
 * Dates are sp_day (SP_DAY_NONE when empty); money is sp_money.
 */
#ifndef SP_RECORDS_H
#define SP_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "value.h"

typedef enum sp_table {
    TBL_REPS,
    TBL_CUSTOMERS,
    TBL_LEADS,
    TBL_DEALS,
    TBL_ACTIVITIES,
    TBL_INVOICES,
    TBL_SPEND,
    TBL_COUNT
} sp_table;

/* table_name: "reps" … "spend"; table_from_name: -1 when unknown. */
const char *table_name(sp_table t);
int table_from_name(const char *name);

typedef enum sp_role { ROLE_NONE, ROLE_LEADER, ROLE_REP, ROLE_PRESALES, ROLE_MANAGER, ROLE_COUNT } sp_role;
typedef enum sp_size { SIZE_NONE, SIZE_SMALL, SIZE_MEDIUM, SIZE_LARGE, SIZE_COUNT } sp_size;
typedef enum sp_stage { STAGE_OPEN, STAGE_WON, STAGE_LOST, STAGE_COUNT } sp_stage;
typedef enum sp_actkind { ACT_OTHER, ACT_VISIT, ACT_CALL, ACT_EMAIL, ACT_MEETING, ACT_KIND_COUNT } sp_actkind;

const char *role_name(sp_role r);      /* "" for ROLE_NONE */
const char *size_name(sp_size s);
const char *stage_name(sp_stage s);
const char *actkind_name(sp_actkind k);

/* tri-state flags: -1 unknown (empty cell), 0 false, 1 true */
typedef int8_t sp_tri;

typedef struct sp_rep {
    const char *id, *name, *team, *region, *industry;
    sp_role role;
    bool active;                       /* default true */
    const char *email;                 /* the rep's e-mail (schema 8); stored, not in the dataset */
} sp_rep;

typedef struct sp_customer {
    const char *id, *name, *region, *industry, *owner; /* owner = rep id */
    sp_size size;
    sp_day created_on;
} sp_customer;

typedef struct sp_lead {
    const char *id, *source, *region, *industry, *owner, *opportunity_id;
    sp_size size;                      /* the lead's own (optional column) */
    sp_day created_on;
    bool qualified;
} sp_lead;

typedef struct sp_deal {
    const char *id, *customer_id, *owner, *product;
    sp_day created_on, closed_on;
    sp_stage stage;
    sp_money amount, cost;
    bool has_cost;
    int8_t probability;                /* 0..100, -1 when empty */
    sp_tri is_new_customer, is_renewal;
    /* the expected close date (SPEC §5 expected_close_on), valid only when
     * has_expected_close: a zeroed record has none */
    bool has_expected_close;
    sp_day expected_close_on;
} sp_deal;

typedef struct sp_activity {
    const char *id, *rep, *customer_id;
    sp_day occurred_on;
    sp_actkind kind;
} sp_activity;

typedef struct sp_invoice {
    const char *id, *deal_id, *customer_id;
    sp_day issued_on, due_on, paid_on;
    sp_money amount, paid;             /* paid 0 when empty */
} sp_invoice;

typedef struct sp_spend {
    const char *id, *category, *strategy_id, *task_id, *note;
    sp_day spent_on;
    sp_money amount;
} sp_spend;

/* One record of any table (which member is meant follows the table): a
 * parsed CSV row (io/import.h), a row read back for the snapshot. */
typedef union sp_any_record {
    sp_rep rep;
    sp_customer customer;
    sp_lead lead;
    sp_deal deal;
    sp_activity activity;
    sp_invoice invoice;
    sp_spend spend;
} sp_any_record;

/* ---- the dataset: one column per field ----
 *
 * Each table is a set of fixed-width columns of equal length n: dates as
 * sp_day, money as sp_money (int64 fen), enumerations as uint8_t, flags as
 * int8_t, and every string as an sp_str: a code into the dataset's one
 * dictionary of strings (code 0 = empty). Codes of interned fields (labels,
 * references) are unique per distinct string, so equality is code equality
 * and, once resolved by ds_str(), pointer equality; ids, names and notes
 * that need no sharing are appended without interning (as before).
 * References are also resolved to row numbers by dataset_index()
 * (SP_NOROW when absent or not loaded).
 *
 * The columns are either owned (filled by dataset_push_* from the SQLite
 * loader or a test) or borrowed from a read-only mapping (a snapshot, see
 * store/snapshot.h): the engine reads both the same way. The row structs
 * above are the row views the core reads through (deal_at(ds, i) …), built
 * inline from the columns; the compiler drops the fields a loop does not
 * read. */
typedef uint32_t sp_str;
#define SP_NOROW UINT32_MAX

#define SP_REP_COLS(X) X(sp_str, id) X(sp_str, name) X(sp_str, team) X(sp_str, region) X(sp_str, industry) \
    X(uint8_t, role) X(int8_t, active)
#define SP_CUSTOMER_COLS(X) X(sp_str, id) X(sp_str, name) X(sp_str, region) X(sp_str, industry) X(sp_str, owner) \
    X(uint8_t, size) X(sp_day, created_on) X(uint32_t, owner_row)
#define SP_LEAD_COLS(X) X(sp_str, id) X(sp_str, source) X(sp_str, region) X(sp_str, industry) X(sp_str, owner) \
    X(sp_str, opportunity_id) X(uint8_t, size) X(sp_day, created_on) X(int8_t, qualified)
#define SP_DEAL_COLS(X) X(sp_str, id) X(sp_str, customer_id) X(sp_str, owner) X(sp_str, product) \
    X(sp_day, created_on) X(sp_day, closed_on) X(sp_day, expected_close_on) X(uint8_t, stage) \
    X(sp_money, amount) X(sp_money, cost) X(int8_t, has_cost) X(int8_t, probability) \
    X(int8_t, is_new_customer) X(int8_t, is_renewal) X(int8_t, has_expected_close) X(uint32_t, customer_row)
#define SP_ACTIVITY_COLS(X) X(sp_str, id) X(sp_str, rep) X(sp_str, customer_id) X(sp_day, occurred_on) \
    X(uint8_t, kind) X(uint32_t, customer_row) X(uint32_t, rep_row)
#define SP_INVOICE_COLS(X) X(sp_str, id) X(sp_str, deal_id) X(sp_str, customer_id) X(sp_day, issued_on) \
    X(sp_day, due_on) X(sp_day, paid_on) X(sp_money, amount) X(sp_money, paid) X(uint32_t, customer_row)
#define SP_SPEND_COLS(X) X(sp_str, id) X(sp_str, category) X(sp_str, strategy_id) X(sp_str, task_id) \
    X(sp_str, note) X(sp_day, spent_on) X(sp_money, amount)

#define SP_COL_DECL(T, name) T *name;
typedef struct sp_rep_cols { size_t n, cap; SP_REP_COLS(SP_COL_DECL) } sp_rep_cols;
typedef struct sp_customer_cols { size_t n, cap; SP_CUSTOMER_COLS(SP_COL_DECL) } sp_customer_cols;
typedef struct sp_lead_cols { size_t n, cap; SP_LEAD_COLS(SP_COL_DECL) } sp_lead_cols;
typedef struct sp_deal_cols { size_t n, cap; SP_DEAL_COLS(SP_COL_DECL) } sp_deal_cols;
typedef struct sp_activity_cols { size_t n, cap; SP_ACTIVITY_COLS(SP_COL_DECL) } sp_activity_cols;
typedef struct sp_invoice_cols { size_t n, cap; SP_INVOICE_COLS(SP_COL_DECL) } sp_invoice_cols;
typedef struct sp_spend_cols { size_t n, cap; SP_SPEND_COLS(SP_COL_DECL) } sp_spend_cols;

/* The dictionary: code -> string. Owned: ptr[code] points into pool (and
 * code_of maps an interned pointer back to its code). Borrowed: blob + off[code]
 * (NUL-terminated strings in one block), hash[] an open-addressing table of
 * codes by content (nhash a power of two) for dataset_intern. */
/* Borrowed dictionaries may verify part of their codes lazily: codes from
 * vfirst on were checked when the mapping was opened; the others belong to
 * one of the ranges lazy[] (the unique ids, names and notes of one table),
 * checked by lazy_verify on the first ds_str() of a code in it. A range
 * that fails its check is never read: its strings read as SP_STR_DAMAGED
 * and damaged is set. */
#define SP_DICT_LAZY 8
typedef struct sp_dict_range {
    uint32_t first, end;               /* codes [first, end) */
    int8_t state;                      /* 0 not checked yet, 1 good, -1 damaged */
} sp_dict_range;

typedef struct sp_dict {
    size_t n, cap;                     /* codes in use (code 0 included) */
    const char **ptr;
    struct sp_ptrmap *code_of;
    const char *blob;
    const uint32_t *off;
    const uint32_t *hash;
    size_t nhash;
    size_t vfirst;                     /* borrowed: codes [vfirst, n) checked on open */
    sp_dict_range lazy[SP_DICT_LAZY];
    size_t nlazy;
    void *lazy_ctx;                    /* for lazy_verify; freed by lazy_free */
    bool (*lazy_verify)(void *ctx, size_t range);
    void (*lazy_free)(void *ctx);
    bool damaged;                      /* a lazily checked range was refused */
    int8_t hash_state;                 /* the hash: 0 not checked yet, 1 good, -1 damaged (lazy_verify SP_DICT_HASH) */
} sp_dict;
#define SP_DICT_HASH ((size_t)-1)

/* the string a code of a damaged lazy range reads as (never its bytes) */
#define SP_STR_DAMAGED "\xEF\xBF\xBD"

/* A derived index per customer row i: the distinct days of its records,
 * ascending, day[off[i] .. off[i + 1]) (off has customers.n + 1 entries).
 * A snapshot holds two (store/snapshot.h): the days of each customer's
 * activities (touch) and of its visits and meetings (visit), so that the
 * last touch on or before any date is a binary search. off == NULL: the
 * dataset has none (computed from the activities instead). */
typedef struct sp_day_index {
    const uint32_t *off;
    const sp_day *day;
} sp_day_index;

/* day_index_last: the latest day of customer row i on or before d in x, or
 * SP_DAY_NONE. */
sp_day day_index_last(const sp_day_index *x, size_t i, sp_day d);

/* The records a computation sees. Columns hold what the store loaded (the
 * loader may leave a table empty when the query does not need it, see
 * sp_load_spec). */
typedef struct sp_dataset {
    strpool_t *pool;                   /* owned strings, and outside strings interned while borrowed */
    sp_dict dict;
    sp_rep_cols reps;
    sp_customer_cols customers;
    sp_lead_cols leads;
    sp_deal_cols deals;
    sp_activity_cols activities;
    sp_invoice_cols invoices;
    sp_spend_cols spend;
    /* id -> row maps (interned pointer keyed): reps by dataset_index(),
     * customers on first use (dataset_customer_row) */
    struct sp_ptrmap *rep_by_id, *customer_by_id;
    sp_rep *rep_rows;                  /* row views of reps (a small table), built by dataset_index() */
    sp_day_index touch, visit;         /* borrowed from a snapshot, or none */
    bool borrowed;                     /* columns and dictionary point into a mapping */
    void *owner;                       /* what to release with the dataset (a snapshot), or NULL */
    void (*release)(void *owner);
} sp_dataset;

/* SP_ROWVIEW: row views are always inlined, so a loop pays only for the
 * fields it reads. */
#if defined(__GNUC__)
#define SP_ROWVIEW static inline __attribute__((always_inline))
#else
#define SP_ROWVIEW static inline
#endif

/* ds_text: the string of a borrowed code below dict.vfirst,
 * checking its range first (once). Pure for the compiler: a row view field
 * nobody reads costs nothing. */
#if defined(__GNUC__)
__attribute__((pure))
#endif
const char *ds_text(const sp_dataset *ds, sp_str c);

/* ds_str: the string of code c (NULL for 0, the empty string). */
SP_ROWVIEW const char *ds_str(const sp_dataset *ds, sp_str c)
{
    if (!c) return NULL;
    if (ds->dict.ptr) return ds->dict.ptr[c];
    if (c >= ds->dict.vfirst) return ds->dict.blob + ds->dict.off[c];
    return ds_text(ds, c);
}

/* Row views: the record at row i, strings resolved. */
SP_ROWVIEW sp_rep rep_at(const sp_dataset *ds, size_t i)
{
    const sp_rep_cols *t = &ds->reps;
    return (sp_rep){ds_str(ds, t->id[i]), ds_str(ds, t->name[i]), ds_str(ds, t->team[i]),
                    ds_str(ds, t->region[i]), ds_str(ds, t->industry[i]), (sp_role)t->role[i], t->active[i] != 0, NULL};
}
SP_ROWVIEW sp_customer customer_at(const sp_dataset *ds, size_t i)
{
    const sp_customer_cols *t = &ds->customers;
    return (sp_customer){ds_str(ds, t->id[i]), ds_str(ds, t->name[i]), ds_str(ds, t->region[i]),
                         ds_str(ds, t->industry[i]), ds_str(ds, t->owner[i]), (sp_size)t->size[i],
                         t->created_on[i]};
}
SP_ROWVIEW sp_lead lead_at(const sp_dataset *ds, size_t i)
{
    const sp_lead_cols *t = &ds->leads;
    return (sp_lead){ds_str(ds, t->id[i]), ds_str(ds, t->source[i]), ds_str(ds, t->region[i]),
                     ds_str(ds, t->industry[i]), ds_str(ds, t->owner[i]), ds_str(ds, t->opportunity_id[i]),
                     (sp_size)t->size[i], t->created_on[i], t->qualified[i] != 0};
}
SP_ROWVIEW sp_deal deal_at(const sp_dataset *ds, size_t i)
{
    const sp_deal_cols *t = &ds->deals;
    sp_deal d;
    d.id = ds_str(ds, t->id[i]);
    d.customer_id = ds_str(ds, t->customer_id[i]);
    d.owner = ds_str(ds, t->owner[i]);
    d.product = ds_str(ds, t->product[i]);
    d.created_on = t->created_on[i];
    d.closed_on = t->closed_on[i];
    d.stage = (sp_stage)t->stage[i];
    d.amount = t->amount[i];
    d.cost = t->cost[i];
    d.has_cost = t->has_cost[i] != 0;
    d.probability = t->probability[i];
    d.is_new_customer = t->is_new_customer[i];
    d.is_renewal = t->is_renewal[i];
    d.has_expected_close = t->has_expected_close[i] != 0;
    d.expected_close_on = t->expected_close_on[i];
    return d;
}
SP_ROWVIEW sp_activity activity_at(const sp_dataset *ds, size_t i)
{
    const sp_activity_cols *t = &ds->activities;
    return (sp_activity){ds_str(ds, t->id[i]), ds_str(ds, t->rep[i]), ds_str(ds, t->customer_id[i]),
                         t->occurred_on[i], (sp_actkind)t->kind[i]};
}
SP_ROWVIEW sp_invoice invoice_at(const sp_dataset *ds, size_t i)
{
    const sp_invoice_cols *t = &ds->invoices;
    return (sp_invoice){ds_str(ds, t->id[i]), ds_str(ds, t->deal_id[i]), ds_str(ds, t->customer_id[i]),
                        t->issued_on[i], t->due_on[i], t->paid_on[i], t->amount[i], t->paid[i]};
}
SP_ROWVIEW sp_spend spend_at(const sp_dataset *ds, size_t i)
{
    const sp_spend_cols *t = &ds->spend;
    return (sp_spend){ds_str(ds, t->id[i]), ds_str(ds, t->category[i]), ds_str(ds, t->strategy_id[i]),
                      ds_str(ds, t->task_id[i]), ds_str(ds, t->note[i]), t->spent_on[i], t->amount[i]};
}

/* customer_exists_on: c existed on day d: created on or before d, or of
 * unknown creation date (records after the as-of date never count). */
static inline bool customer_exists_on(const sp_customer *c, sp_day d)
{
    return c->created_on == SP_DAY_NONE || c->created_on <= d;
}
/* customer_row_exists_on: the same for row i of ds->customers. */
static inline bool customer_row_exists_on(const sp_dataset *ds, size_t i, sp_day d)
{
    sp_day c = ds->customers.created_on[i];
    return c == SP_DAY_NONE || c <= d;
}

/* dataset_new / dataset_free: the dataset owns its pool and columns (or
 * releases its mapping when borrowed). */
sp_dataset *dataset_new(void);
void dataset_free(sp_dataset *ds);
/* dataset_push_*: append a row (strings are interned or copied into the
 * dictionary, by content: any string will do, NULL or "" is empty). */
void dataset_push_rep(sp_dataset *ds, const sp_rep *r);
void dataset_push_customer(sp_dataset *ds, const sp_customer *r);
void dataset_push_lead(sp_dataset *ds, const sp_lead *r);
void dataset_push_deal(sp_dataset *ds, const sp_deal *r);
void dataset_push_activity(sp_dataset *ds, const sp_activity *r);
void dataset_push_invoice(sp_dataset *ds, const sp_invoice *r);
void dataset_push_spend(sp_dataset *ds, const sp_spend *r);
/* dataset_intern: the dataset's pointer for string s (equal to ds_str() of
 * every interned code with that content); NULL and "" give NULL. A string
 * the dataset does not hold gets a pointer equal to none of its strings. */
const char *dataset_intern(sp_dataset *ds, const char *s);
/* dataset_code: the code of s, a pointer the dataset gave (ds_str,
 * dataset_intern) when owned, any string when borrowed (0 when empty or
 * absent; never adds). dict_hash: the content hash of the borrowed lookup. */
uint32_t dict_hash(const char *s);
sp_str dataset_code(const sp_dataset *ds, const char *s);
/* dataset_find_code: the code of the interned string (label, reference)
 * with the content of s, any string, owned or borrowed (0 when empty or
 * absent; never adds a code). */
sp_str dataset_find_code(const sp_dataset *ds, const char *s);
/* dataset_index: (re)build the id maps and resolve references to rows;
 * call after loading. */
void dataset_index(sp_dataset *ds);
/* deal_cols_gather: dst = the rows[0..n) of src (new owned columns);
 * deal_cols_free releases them. For views over a dataset (pace.c). */
void deal_cols_gather(const sp_deal_cols *src, sp_deal_cols *dst, const size_t *rows, size_t n);
void deal_cols_free(sp_deal_cols *t);
/* lookups by interned id (NULL / false when absent or not loaded). The id
 * must come from the dataset (ds_str, dataset_intern). */
const sp_rep *dataset_rep(const sp_dataset *ds, const char *id);
/* dataset_customer_row: the row of customer id, or SP_NOROW. */
size_t dataset_customer_row(const sp_dataset *ds, const char *id);
/* dataset_customer: its row view into *out; false when absent. */
bool dataset_customer(const sp_dataset *ds, const char *id, sp_customer *out);

/* What a computation needs loaded. For each wanted table the store returns
 * at least every record that matters for [from, to] (it may return more; the
 * core filters exactly):
 *   leads       created_on in [from, to]
 *   deals       created_on <= to (any closed_on), or closed_on in [from, to]
 *   activities  occurred_on in [from, to] (and kind == act_kind when >= 0)
 *   invoices    due_on in [from, to] or paid_on in [from, to]
 *   spend       spent_on in [from, to]
 *   reps, customers: all rows (from/to ignored).
 * from = SP_DAY_MIN / to = SP_DAY_MAX mean unbounded. */
typedef struct sp_load_spec {
    bool want[TBL_COUNT];
    sp_day from[TBL_COUNT], to[TBL_COUNT];
    int act_kind;                      /* -1: every kind */
    /* deals_closed_only: the computation needs only deals with closed_on in
     * [from, to] (no open deals): the store may skip the others. Unions of
     * specs keep it only when every part has it (see pace_spec_union). */
    bool deals_closed_only;
    /* activities_touch_only: the activities are read only for each
     * customer's last touch and last visit (alerts): a store holding the day
     * indexes (sp_dataset.touch, .visit) may give those and no activities.
     * Unions keep it only when every part has it. */
    bool activities_touch_only;
    /* day_indexes: give the day indexes (sp_dataset.touch, .visit) too when
     * the store holds them, beside the activities asked for (a page that
     * shows both goals on activities and the stale follow-ups). Unions: or. */
    bool day_indexes;
    /* cols[t]: the columns of table t the computation reads, one bit per
     * column in SP_*_COLS order (SP_COL(...) below); 0: every column. A
     * store may leave the others out (a snapshot then gives them as NULL
     * columns: reading one is a crash, never a silent zero), so only a
     * caller that knows every column its computation reads narrows it
     * (kpi_load_columns). Unions: 0 wins, else the bits are or-ed. */
    uint32_t cols[TBL_COUNT];
} sp_load_spec;

/* column numbers per table, in SP_*_COLS order: SP_COL(DEAL, amount) is
 * the bit of deals.amount in sp_load_spec.cols[TBL_DEALS] */
#define SP_COLNUM_REP(T, name) SP_COLNUM_REP_##name,
#define SP_COLNUM_CUSTOMER(T, name) SP_COLNUM_CUSTOMER_##name,
#define SP_COLNUM_LEAD(T, name) SP_COLNUM_LEAD_##name,
#define SP_COLNUM_DEAL(T, name) SP_COLNUM_DEAL_##name,
#define SP_COLNUM_ACTIVITY(T, name) SP_COLNUM_ACTIVITY_##name,
#define SP_COLNUM_INVOICE(T, name) SP_COLNUM_INVOICE_##name,
#define SP_COLNUM_SPEND(T, name) SP_COLNUM_SPEND_##name,
enum { SP_REP_COLS(SP_COLNUM_REP) SP_COLNUM_REP_COUNT };
enum { SP_CUSTOMER_COLS(SP_COLNUM_CUSTOMER) SP_COLNUM_CUSTOMER_COUNT };
enum { SP_LEAD_COLS(SP_COLNUM_LEAD) SP_COLNUM_LEAD_COUNT };
enum { SP_DEAL_COLS(SP_COLNUM_DEAL) SP_COLNUM_DEAL_COUNT };
enum { SP_ACTIVITY_COLS(SP_COLNUM_ACTIVITY) SP_COLNUM_ACTIVITY_COUNT };
enum { SP_INVOICE_COLS(SP_COLNUM_INVOICE) SP_COLNUM_INVOICE_COUNT };
enum { SP_SPEND_COLS(SP_COLNUM_SPEND) SP_COLNUM_SPEND_COUNT };
#define SP_COL(TABLE, name) (UINT32_C(1) << SP_COLNUM_##TABLE##_##name)
_Static_assert(SP_COLNUM_DEAL_COUNT <= 32 && SP_COLNUM_CUSTOMER_COUNT <= 32 && SP_COLNUM_LEAD_COUNT <= 32 &&
                   SP_COLNUM_ACTIVITY_COUNT <= 32 && SP_COLNUM_INVOICE_COUNT <= 32 && SP_COLNUM_SPEND_COUNT <= 32 &&
                   SP_COLNUM_REP_COUNT <= 32,
               "a column mask is 32 bits");

/* load_spec_init: nothing wanted, unbounded ranges, every kind. */
void load_spec_init(sp_load_spec *s);
/* load_spec_want: want table t over [from, to], widening an earlier range. */
void load_spec_want(sp_load_spec *s, sp_table t, sp_day from, sp_day to);

/* Pointer-keyed hash map (interned string -> size_t), used by the core. */
typedef struct sp_ptrmap sp_ptrmap;
sp_ptrmap *ptrmap_new(size_t hint);
void ptrmap_free(sp_ptrmap *m);
void ptrmap_put(sp_ptrmap *m, const void *key, size_t val);
/* ptrmap_get: true and *val when present. */
bool ptrmap_get(const sp_ptrmap *m, const void *key, size_t *val);
size_t ptrmap_count(const sp_ptrmap *m);

#endif
