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

sp_day day_index_last(const sp_day_index *x, size_t i, sp_day d)
{
    size_t lo = x->off[i], hi = x->off[i + 1];
    if (lo == hi || x->day[lo] > d) return SP_DAY_NONE;
    if (x->day[hi - 1] <= d) return x->day[hi - 1];
    while (hi - lo > 1) { /* day[lo] <= d < day[hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (x->day[mid] <= d) lo = mid;
        else hi = mid;
    }
    return x->day[lo];
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
    ds->dict.cap = 1024;
    ds->dict.ptr = xcalloc(ds->dict.cap, sizeof *ds->dict.ptr);
    ds->dict.n = 1; /* code 0: empty */
    ds->dict.code_of = ptrmap_new(1024);
    return ds;
}

#define COL_FREE(T, name) free(tab->name);
#define TABLE_FREE(tabexpr, COLS)                                                      \
    do {                                                                               \
        __typeof__(tabexpr) *tab = &(tabexpr);                                         \
        COLS(COL_FREE)                                                                 \
    } while (0)

void dataset_free(sp_dataset *ds)
{
    if (!ds) return;
    if (!ds->borrowed) {
        TABLE_FREE(ds->reps, SP_REP_COLS);
        TABLE_FREE(ds->customers, SP_CUSTOMER_COLS);
        TABLE_FREE(ds->leads, SP_LEAD_COLS);
        TABLE_FREE(ds->deals, SP_DEAL_COLS);
        TABLE_FREE(ds->activities, SP_ACTIVITY_COLS);
        TABLE_FREE(ds->invoices, SP_INVOICE_COLS);
        TABLE_FREE(ds->spend, SP_SPEND_COLS);
        free(ds->dict.ptr);
    }
    ptrmap_free(ds->dict.code_of);
    if (ds->dict.lazy_free) ds->dict.lazy_free(ds->dict.lazy_ctx);
    ptrmap_free(ds->rep_by_id);
    ptrmap_free(ds->customer_by_id);
    free(ds->rep_rows);
    strpool_free(ds->pool);
    if (ds->release) ds->release(ds->owner);
    free(ds);
}

/* ---- the dictionary ---- */

static sp_str dict_add(sp_dataset *ds, const char *p)
{
    sp_dict *d = &ds->dict;
    if (d->n == d->cap) {
        d->cap *= 2;
        d->ptr = xreallocarray((void *)d->ptr, d->cap, sizeof *d->ptr);
    }
    if (d->n >= UINT32_MAX - 1) abort(); /* 4G distinct strings: beyond any workspace */
    d->ptr[d->n] = p;
    return (sp_str)d->n++;
}

const char *ds_text(const sp_dataset *cds, sp_str c)
{
    sp_dict *d = (sp_dict *)&cds->dict; /* a cache: the dataset stays logically const */
    if (c >= d->n) return SP_STR_DAMAGED;
    for (size_t k = 0; k < d->nlazy; k++) {
        sp_dict_range *r = &d->lazy[k];
        if (c < r->first || c >= r->end) continue;
        if (!r->state) r->state = d->lazy_verify && d->lazy_verify(d->lazy_ctx, k) ? 1 : -1;
        if (r->state > 0) return d->blob + d->off[c];
        d->damaged = true;
        return SP_STR_DAMAGED;
    }
    if (c >= d->vfirst) return d->blob + d->off[c];
    return SP_STR_DAMAGED;
}

/* str_code: intern s, the code shared by every equal string. */
static sp_str str_code(sp_dataset *ds, const char *s)
{
    if (!s || !*s) return 0;
    const char *p = strpool_intern(ds->pool, s, (size_t)-1);
    size_t c;
    if (ptrmap_get(ds->dict.code_of, p, &c)) return (sp_str)c;
    sp_str code = dict_add(ds, p);
    ptrmap_put(ds->dict.code_of, p, code);
    return code;
}

/* str_copy: a code of its own for s (ids, names, notes: not interned). */
static sp_str str_copy(sp_dataset *ds, const char *s)
{
    if (!s || !*s) return 0;
    return dict_add(ds, strpool_copy(ds->pool, s, strlen(s)));
}

/* dict_hash: FNV-1a over the bytes of s (the snapshot's lookup table uses
 * the same function). */
uint32_t dict_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) h = (h ^ *p) * 16777619u;
    return h;
}

sp_str dataset_code(const sp_dataset *ds, const char *s)
{
    if (!s || !*s) return 0;
    const sp_dict *d = &ds->dict;
    if (!ds->borrowed) {
        size_t c;
        return ptrmap_get(d->code_of, s, &c) ? (sp_str)c : 0;
    }
    if (!d->nhash) return 0;
    /* The hash is read before it is verified (16 MB at scale 1, for one
     * filter value): a probed entry is used only when it is a label's code
     * (verified strings) and its string equals s, so a hit is right
     * whatever the hash holds. Only a miss needs the hash verified
     * (lazy_verify, once): then a miss is a miss; a damaged hash, or an
     * entry that is not a label's code, and every label is looked at. */
    uint32_t h = dict_hash(s);
    bool bad = d->hash_state < 0;
    for (size_t j = h & (d->nhash - 1), k = 0; !bad && k < d->nhash; j = (j + 1) & (d->nhash - 1), k++) {
        uint32_t c = d->hash[j];
        if (!c) break;
        if (c < d->vfirst || c >= d->n) {
            bad = true;
            break;
        }
        const char *t = ds_str(ds, c);
        if (t && strcmp(t, s) == 0) return c;
    }
    if (!bad && !d->hash_state) {
        sp_dict *w = (sp_dict *)d; /* a cache: the dataset stays logically const */
        w->hash_state = d->lazy_verify && d->lazy_verify(d->lazy_ctx, SP_DICT_HASH) ? 1 : -1;
    }
    if (!bad && d->hash_state > 0) return 0;
    for (size_t c = d->vfirst; c < d->n; c++) { /* every label */
        const char *t = ds_str(ds, (sp_str)c);
        if (t && strcmp(t, s) == 0) return (sp_str)c;
    }
    return 0;
}

sp_str dataset_find_code(const sp_dataset *ds, const char *s)
{
    if (!s || !*s) return 0;
    if (ds->borrowed) return dataset_code(ds, s);
    if (!ds->pool || !ds->dict.code_of) return 0;
    /* the pool is a cache of strings: interning s there adds no code */
    const char *p = strpool_intern(ds->pool, s, (size_t)-1);
    size_t c;
    return ptrmap_get(ds->dict.code_of, p, &c) ? (sp_str)c : 0;
}

const char *dataset_intern(sp_dataset *ds, const char *s)
{
    if (!s || !*s) return NULL;
    if (!ds->borrowed) return ds_str(ds, str_code(ds, s));
    sp_str c = dataset_code(ds, s);
    if (c) return ds_str(ds, c);
    return strpool_intern(ds->pool, s, (size_t)-1); /* held nowhere in the dataset */
}

/* ---- appending rows ---- */

#define COL_GROW(T, name) tab->name = xreallocarray(tab->name, tab->cap, sizeof(T));
#define TABLE_ROOM(tabexpr, COLS)                                                      \
    do {                                                                               \
        __typeof__(tabexpr) *tab = &(tabexpr);                                         \
        if (tab->n == tab->cap) {                                                      \
            tab->cap = tab->cap ? tab->cap * 2 : 64;                                   \
            COLS(COL_GROW)                                                             \
        }                                                                              \
    } while (0)

void dataset_push_rep(sp_dataset *ds, const sp_rep *r)
{
    TABLE_ROOM(ds->reps, SP_REP_COLS);
    sp_rep_cols *t = &ds->reps;
    size_t i = t->n++;
    t->id[i] = str_code(ds, r->id);
    t->name[i] = str_code(ds, r->name);
    t->team[i] = str_code(ds, r->team);
    t->region[i] = str_code(ds, r->region);
    t->industry[i] = str_code(ds, r->industry);
    t->role[i] = (uint8_t)r->role;
    t->active[i] = r->active ? 1 : 0;
}

void dataset_push_customer(sp_dataset *ds, const sp_customer *r)
{
    TABLE_ROOM(ds->customers, SP_CUSTOMER_COLS);
    sp_customer_cols *t = &ds->customers;
    size_t i = t->n++;
    t->id[i] = str_code(ds, r->id);
    t->name[i] = str_copy(ds, r->name);
    t->region[i] = str_code(ds, r->region);
    t->industry[i] = str_code(ds, r->industry);
    t->owner[i] = str_code(ds, r->owner);
    t->size[i] = (uint8_t)r->size;
    t->created_on[i] = r->created_on;
    t->owner_row[i] = SP_NOROW;
}

void dataset_push_lead(sp_dataset *ds, const sp_lead *r)
{
    TABLE_ROOM(ds->leads, SP_LEAD_COLS);
    sp_lead_cols *t = &ds->leads;
    size_t i = t->n++;
    t->id[i] = str_copy(ds, r->id);
    t->source[i] = str_code(ds, r->source);
    t->region[i] = str_code(ds, r->region);
    t->industry[i] = str_code(ds, r->industry);
    t->owner[i] = str_code(ds, r->owner);
    t->opportunity_id[i] = str_copy(ds, r->opportunity_id);
    t->size[i] = (uint8_t)r->size;
    t->created_on[i] = r->created_on;
    t->qualified[i] = r->qualified ? 1 : 0;
}

void dataset_push_deal(sp_dataset *ds, const sp_deal *r)
{
    TABLE_ROOM(ds->deals, SP_DEAL_COLS);
    sp_deal_cols *t = &ds->deals;
    size_t i = t->n++;
    t->id[i] = str_copy(ds, r->id);
    t->customer_id[i] = str_code(ds, r->customer_id);
    t->owner[i] = str_code(ds, r->owner);
    t->product[i] = str_code(ds, r->product);
    t->created_on[i] = r->created_on;
    t->closed_on[i] = r->closed_on;
    t->expected_close_on[i] = r->has_expected_close ? r->expected_close_on : SP_DAY_NONE;
    t->stage[i] = (uint8_t)r->stage;
    t->amount[i] = r->amount;
    t->cost[i] = r->cost;
    t->has_cost[i] = r->has_cost ? 1 : 0;
    t->probability[i] = r->probability;
    t->is_new_customer[i] = r->is_new_customer;
    t->is_renewal[i] = r->is_renewal;
    t->has_expected_close[i] = r->has_expected_close ? 1 : 0;
    t->customer_row[i] = SP_NOROW;
}

void dataset_push_activity(sp_dataset *ds, const sp_activity *r)
{
    TABLE_ROOM(ds->activities, SP_ACTIVITY_COLS);
    sp_activity_cols *t = &ds->activities;
    size_t i = t->n++;
    t->id[i] = str_copy(ds, r->id);
    t->rep[i] = str_code(ds, r->rep);
    t->customer_id[i] = str_code(ds, r->customer_id);
    t->occurred_on[i] = r->occurred_on;
    t->kind[i] = (uint8_t)r->kind;
    t->customer_row[i] = SP_NOROW;
    t->rep_row[i] = SP_NOROW;
}

void dataset_push_invoice(sp_dataset *ds, const sp_invoice *r)
{
    TABLE_ROOM(ds->invoices, SP_INVOICE_COLS);
    sp_invoice_cols *t = &ds->invoices;
    size_t i = t->n++;
    t->id[i] = str_copy(ds, r->id);
    t->deal_id[i] = str_copy(ds, r->deal_id);
    t->customer_id[i] = str_code(ds, r->customer_id);
    t->issued_on[i] = r->issued_on;
    t->due_on[i] = r->due_on;
    t->paid_on[i] = r->paid_on;
    t->amount[i] = r->amount;
    t->paid[i] = r->paid;
    t->customer_row[i] = SP_NOROW;
}

void dataset_push_spend(sp_dataset *ds, const sp_spend *r)
{
    TABLE_ROOM(ds->spend, SP_SPEND_COLS);
    sp_spend_cols *t = &ds->spend;
    size_t i = t->n++;
    t->id[i] = str_copy(ds, r->id);
    t->category[i] = str_code(ds, r->category);
    t->strategy_id[i] = str_code(ds, r->strategy_id);
    t->task_id[i] = str_code(ds, r->task_id);
    t->note[i] = str_copy(ds, r->note);
    t->spent_on[i] = r->spent_on;
    t->amount[i] = r->amount;
}

#define COL_GATHER(T, name)                                                            \
    dst->name = xcalloc(n ? n : 1, sizeof(T));                                         \
    for (size_t i = 0; i < n; i++) dst->name[i] = src->name[rows[i]];

void deal_cols_gather(const sp_deal_cols *src, sp_deal_cols *dst, const size_t *rows, size_t n)
{
    SP_DEAL_COLS(COL_GATHER)
    dst->n = dst->cap = n;
}

void deal_cols_free(sp_deal_cols *t)
{
    TABLE_FREE(*t, SP_DEAL_COLS);
    memset(t, 0, sizeof *t);
}

/* ---- indexes ---- */

/* resolve: rows[i] = the row of code[i] in by_id (SP_NOROW when absent). */
static void resolve(const sp_dataset *ds, const sp_ptrmap *by_id, const sp_str *code, size_t n, uint32_t **rows)
{
    if (!*rows) *rows = xcalloc(n ? n : 1, sizeof **rows);
    for (size_t i = 0; i < n; i++) {
        size_t r;
        (*rows)[i] = ptrmap_get(by_id, ds_str(ds, code[i]), &r) ? (uint32_t)r : SP_NOROW;
    }
}

/* customer_map: the id -> row map of the customers (built on first use
 * when the dataset is borrowed: most queries never look a customer up by
 * id, since references are resolved). A cache: the dataset stays
 * logically const (one thread per dataset). */
static const sp_ptrmap *customer_map(const sp_dataset *cds)
{
    sp_dataset *ds = (sp_dataset *)cds;
    if (!ds->customer_by_id) {
        ds->customer_by_id = ptrmap_new(ds->customers.n);
        for (size_t i = 0; i < ds->customers.n; i++)
            ptrmap_put(ds->customer_by_id, ds_str(ds, ds->customers.id[i]), i);
    }
    return ds->customer_by_id;
}

void dataset_index(sp_dataset *ds)
{
    ptrmap_free(ds->rep_by_id);
    ptrmap_free(ds->customer_by_id);
    ds->customer_by_id = NULL;
    free(ds->rep_rows);
    ds->rep_rows = xcalloc(ds->reps.n ? ds->reps.n : 1, sizeof *ds->rep_rows);
    ds->rep_by_id = ptrmap_new(ds->reps.n);
    for (size_t i = 0; i < ds->reps.n; i++) {
        ds->rep_rows[i] = rep_at(ds, i);
        ptrmap_put(ds->rep_by_id, ds->rep_rows[i].id, i);
    }
    if (ds->borrowed) return; /* a snapshot holds its references resolved */
    const sp_ptrmap *cm = customer_map(ds);
    resolve(ds, ds->rep_by_id, ds->customers.owner, ds->customers.n, &ds->customers.owner_row);
    resolve(ds, cm, ds->deals.customer_id, ds->deals.n, &ds->deals.customer_row);
    resolve(ds, cm, ds->activities.customer_id, ds->activities.n, &ds->activities.customer_row);
    resolve(ds, ds->rep_by_id, ds->activities.rep, ds->activities.n, &ds->activities.rep_row);
    resolve(ds, cm, ds->invoices.customer_id, ds->invoices.n, &ds->invoices.customer_row);
}

const sp_rep *dataset_rep(const sp_dataset *ds, const char *id)
{
    size_t i;
    return ptrmap_get(ds->rep_by_id, id, &i) ? &ds->rep_rows[i] : NULL;
}

size_t dataset_customer_row(const sp_dataset *ds, const char *id)
{
    size_t i;
    if (!id) return SP_NOROW;
    return ptrmap_get(customer_map(ds), id, &i) ? i : SP_NOROW;
}

bool dataset_customer(const sp_dataset *ds, const char *id, sp_customer *out)
{
    size_t i = dataset_customer_row(ds, id);
    if (i == SP_NOROW) return false;
    *out = customer_at(ds, i);
    return true;
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
