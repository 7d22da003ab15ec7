/*
 * records.h — the CRM records of SPEC §5 as plain structs, and the dataset
 * the metric engine computes over.
 *
 * Pure data: no I/O. Every string field is interned in the dataset's string
 * pool (equal strings share one pointer, so equality is pointer equality
 * within one dataset); NULL means "empty". Dates are sp_day (SP_DAY_NONE when
 * empty); money is sp_money.
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

/* A growable array of one record type. */
#define SP_VEC(T) struct { T *v; size_t n, cap; }

/* The records a computation sees. Arrays hold what the store loaded (the
 * loader may leave a table empty when the query does not need it, see
 * sp_load_spec). Lookups by id are built on demand by dataset_index(). */
typedef struct sp_dataset {
    strpool_t *pool;
    SP_VEC(sp_rep) reps;
    SP_VEC(sp_customer) customers;
    SP_VEC(sp_lead) leads;
    SP_VEC(sp_deal) deals;
    SP_VEC(sp_activity) activities;
    SP_VEC(sp_invoice) invoices;
    SP_VEC(sp_spend) spend;
    /* id -> index maps (interned pointer keyed), built by dataset_index() */
    struct sp_ptrmap *rep_by_id, *customer_by_id;
} sp_dataset;

/* customer_exists_on: c existed on day d: created on or before d, or of
 * unknown creation date (records after the as-of date never count). */
static inline bool customer_exists_on(const sp_customer *c, sp_day d)
{
    return c->created_on == SP_DAY_NONE || c->created_on <= d;
}

/* dataset_new / dataset_free: the dataset owns its pool and arrays. */
sp_dataset *dataset_new(void);
void dataset_free(sp_dataset *ds);
/* dataset_push_*: append a copy (strings must already be interned in
 * ds->pool, or NULL); return a pointer to the stored element. */
sp_rep *dataset_push_rep(sp_dataset *ds, const sp_rep *r);
sp_customer *dataset_push_customer(sp_dataset *ds, const sp_customer *r);
sp_lead *dataset_push_lead(sp_dataset *ds, const sp_lead *r);
sp_deal *dataset_push_deal(sp_dataset *ds, const sp_deal *r);
sp_activity *dataset_push_activity(sp_dataset *ds, const sp_activity *r);
sp_invoice *dataset_push_invoice(sp_dataset *ds, const sp_invoice *r);
sp_spend *dataset_push_spend(sp_dataset *ds, const sp_spend *r);
/* dataset_intern: shorthand for strpool_intern(ds->pool, s, -1); NULL and ""
 * give NULL. */
const char *dataset_intern(sp_dataset *ds, const char *s);
/* dataset_index: (re)build the id maps; call after loading. */
void dataset_index(sp_dataset *ds);
/* lookups by interned id (NULL when absent or not loaded). The id must be a
 * pointer from ds->pool; use dataset_intern() first for outside strings. */
const sp_rep *dataset_rep(const sp_dataset *ds, const char *id);
const sp_customer *dataset_customer(const sp_dataset *ds, const char *id);

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
} sp_load_spec;

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
