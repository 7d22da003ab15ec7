/*
 * records.c — names of the record vocabularies, the dataset container and
 * the pointer-keyed hash map the core uses for id lookups. Pure.
 */
#include "records.h"

#include <stdlib.h>
#include <string.h>

static const char *const table_names[TBL_COUNT] = {
    "reps", "customers", "leads", "deals", "activities", "invoices", "spend",
};

const char *table_name(sp_table t) { return (unsigned)t < TBL_COUNT ? table_names[t] : "?"; }

int table_from_name(const char *name)
{
    for (int i = 0; i < TBL_COUNT; i++)
        if (name && strcmp(name, table_names[i]) == 0) return i;
    return -1;
}

const char *role_name(sp_role r)
{
    static const char *const n[ROLE_COUNT] = {"", "leader", "rep", "presales", "manager"};
    return (unsigned)r < ROLE_COUNT ? n[r] : "";
}

const char *size_name(sp_size s)
{
    static const char *const n[SIZE_COUNT] = {"", "small", "medium", "large"};
    return (unsigned)s < SIZE_COUNT ? n[s] : "";
}

const char *stage_name(sp_stage s)
{
    static const char *const n[STAGE_COUNT] = {"open", "won", "lost"};
    return (unsigned)s < STAGE_COUNT ? n[s] : "";
}

const char *actkind_name(sp_actkind k)
{
    static const char *const n[ACT_KIND_COUNT] = {"other", "visit", "call", "email", "meeting"};
    return (unsigned)k < ACT_KIND_COUNT ? n[k] : "";
}

/* ---- load spec ---- */

void load_spec_init(sp_load_spec *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < TBL_COUNT; i++) {
        s->from[i] = SP_DAY_MAX;
        s->to[i] = SP_DAY_MIN;
    }
    s->act_kind = -1;
}

void load_spec_want(sp_load_spec *s, sp_table t, sp_day from, sp_day to)
{
    if (!s->want[t]) {
        s->want[t] = true;
        s->from[t] = from;
        s->to[t] = to;
        return;
    }
    if (from < s->from[t]) s->from[t] = from;
    if (to > s->to[t]) s->to[t] = to;
}

/* ---- ptrmap: open addressing, keys are pointers (never NULL) ---- */

struct sp_ptrmap {
    const void **keys;
    size_t *vals;
    size_t cap, count;
};

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

sp_ptrmap *ptrmap_new(size_t hint)
{
    sp_ptrmap *m = xcalloc(1, sizeof *m);
    size_t cap = 16;
    while (cap < hint * 2) cap *= 2;
    m->cap = cap;
    m->keys = xcalloc(cap, sizeof *m->keys);
    m->vals = xcalloc(cap, sizeof *m->vals);
    return m;
}

void ptrmap_free(sp_ptrmap *m)
{
    if (!m) return;
    free(m->keys);
    free(m->vals);
    free(m);
}

static void ptrmap_grow(sp_ptrmap *m)
{
    sp_ptrmap n = {0};
    n.cap = m->cap * 2;
    n.keys = xcalloc(n.cap, sizeof *n.keys);
    n.vals = xcalloc(n.cap, sizeof *n.vals);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->keys[i]) continue;
        size_t j = ptr_hash(m->keys[i]) & (n.cap - 1);
        while (n.keys[j]) j = (j + 1) & (n.cap - 1);
        n.keys[j] = m->keys[i];
        n.vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = n.keys;
    m->vals = n.vals;
    m->cap = n.cap;
}

void ptrmap_put(sp_ptrmap *m, const void *key, size_t val)
{
    if (!key) return;
    if ((m->count + 1) * 2 > m->cap) ptrmap_grow(m);
    size_t j = ptr_hash(key) & (m->cap - 1);
    while (m->keys[j] && m->keys[j] != key) j = (j + 1) & (m->cap - 1);
    if (!m->keys[j]) m->count++;
    m->keys[j] = key;
    m->vals[j] = val;
}

bool ptrmap_get(const sp_ptrmap *m, const void *key, size_t *val)
{
    if (!m || !key) return false;
    size_t j = ptr_hash(key) & (m->cap - 1);
    while (m->keys[j]) {
        if (m->keys[j] == key) {
            if (val) *val = m->vals[j];
            return true;
        }
        j = (j + 1) & (m->cap - 1);
    }
    return false;
}

size_t ptrmap_count(const sp_ptrmap *m) { return m ? m->count : 0; }

/* ---- dataset ---- */

sp_dataset *dataset_new(void)
{
    sp_dataset *ds = xcalloc(1, sizeof *ds);
    ds->pool = strpool_new();
    return ds;
}

void dataset_free(sp_dataset *ds)
{
    if (!ds) return;
    free(ds->reps.v);
    free(ds->customers.v);
    free(ds->leads.v);
    free(ds->deals.v);
    free(ds->activities.v);
    free(ds->invoices.v);
    free(ds->spend.v);
    ptrmap_free(ds->rep_by_id);
    ptrmap_free(ds->customer_by_id);
    strpool_free(ds->pool);
    free(ds);
}

/* PUSH: append *r to vector vec (of element type T), growing geometrically. */
#define PUSH(vec, r)                                                                   \
    do {                                                                               \
        if ((vec).n == (vec).cap) {                                                    \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 64;                                \
            (vec).v = xreallocarray((vec).v, (vec).cap, sizeof *(vec).v);              \
        }                                                                              \
        (vec).v[(vec).n] = *(r);                                                       \
        return &(vec).v[(vec).n++];                                                    \
    } while (0)

sp_rep *dataset_push_rep(sp_dataset *ds, const sp_rep *r) { PUSH(ds->reps, r); }
sp_customer *dataset_push_customer(sp_dataset *ds, const sp_customer *r) { PUSH(ds->customers, r); }
sp_lead *dataset_push_lead(sp_dataset *ds, const sp_lead *r) { PUSH(ds->leads, r); }
sp_deal *dataset_push_deal(sp_dataset *ds, const sp_deal *r) { PUSH(ds->deals, r); }
sp_activity *dataset_push_activity(sp_dataset *ds, const sp_activity *r) { PUSH(ds->activities, r); }
sp_invoice *dataset_push_invoice(sp_dataset *ds, const sp_invoice *r) { PUSH(ds->invoices, r); }
sp_spend *dataset_push_spend(sp_dataset *ds, const sp_spend *r) { PUSH(ds->spend, r); }

const char *dataset_intern(sp_dataset *ds, const char *s)
{
    if (!s || !*s) return NULL;
    return strpool_intern(ds->pool, s, (size_t)-1);
}

void dataset_index(sp_dataset *ds)
{
    ptrmap_free(ds->rep_by_id);
    ptrmap_free(ds->customer_by_id);
    ds->rep_by_id = ptrmap_new(ds->reps.n);
    for (size_t i = 0; i < ds->reps.n; i++) ptrmap_put(ds->rep_by_id, ds->reps.v[i].id, i);
    ds->customer_by_id = ptrmap_new(ds->customers.n);
    for (size_t i = 0; i < ds->customers.n; i++)
        ptrmap_put(ds->customer_by_id, ds->customers.v[i].id, i);
}

const sp_rep *dataset_rep(const sp_dataset *ds, const char *id)
{
    size_t i;
    return ptrmap_get(ds->rep_by_id, id, &i) ? &ds->reps.v[i] : NULL;
}

const sp_customer *dataset_customer(const sp_dataset *ds, const char *id)
{
    size_t i;
    return ptrmap_get(ds->customer_by_id, id, &i) ? &ds->customers.v[i] : NULL;
}

/* ---- tracking records (tracking.h) ---- */
#include "tracking.h"

static const char *const task_status_names[TASK_STATUS_COUNT] = {"todo", "doing", "done", "blocked"};

const char *task_status_name(sp_task_status s)
{
    return (unsigned)s < TASK_STATUS_COUNT ? task_status_names[s] : "";
}

int task_status_from_name(const char *s)
{
    for (int i = 0; i < TASK_STATUS_COUNT; i++)
        if (s && strcmp(s, task_status_names[i]) == 0) return i;
    return -1;
}

void task_states_free(sp_task_state *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].task_id);
        free(v[i].updated_at);
    }
    free(v);
}

void reviews_free(sp_review *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].plan_id);
        free(v[i].period_text);
        free(v[i].goal_id);
        free(v[i].cause);
        free(v[i].lesson);
        free(v[i].action);
        free(v[i].created_at);
    }
    free(v);
}

void actuals_free(sp_actual *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) free(v[i].goal_id);
    free(v);
}
