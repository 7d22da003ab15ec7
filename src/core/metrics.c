/*
 * metrics.c — the metric engine of SPEC §6: every metric, the filters, the
 * breakdowns (time buckets and dimensions, zero-filled where SPEC asks),
 * T12M and customer tiers, and the load spec a query needs.
 *
 * Pure: no I/O, no clock. Everything is computed from the dataset passed in
 * and the as-of date D of the query. Records dated after D are never counted:
 * the effective period is P ∩ (-∞, D].
 *
 * How a computation runs: kpi_compute() builds a context (filters, per
 * customer tiers as of D, the time buckets of the effective period), then one
 * metric-specific pass over the records "emits" contributions: each
 * contribution goes into the row of its breakdown keys (a hash map keyed by
 * up to three interned label pointers) and into the total. Ratios keep an
 * integer numerator and denominator, so a zero denominator gives null.
 * Metrics that are "as of" a date (pipeline, tier_customers,
 * tier_revenue_share) or whose denominator depends on the period start
 * (renewal_rate) are computed once per time bucket and once for the total.
 * Finally rows are zero-filled (every time bucket, every rep of the filter,
 * crossed with the values that occur for other keys; every tier level for
 * --by tier), sorted by their labels (time labels sort chronologically with
 * strcmp; tiers by level, min descending, no tier last) and copied into the
 * result, whose labels live in the result's own string pool. Every sum and
 * product is checked: an overflow makes kpi_compute fail (naming the
 * metric) instead of wrapping.
 *
 * Owns: nothing global. Must not do I/O or read the clock.
 */
#include "metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

/* ------------------------------------------------------------------ */
/* names                                                               */

static const char *const bykey_names[BY_COUNT] = {
    "month", "quarter", "week", "year", "day", "region", "industry", "size",
    "team", "rep", "product", "source", "tier", "category", "strategy",
};

const char *bykey_name(sp_bykey k) { return (unsigned)k < BY_COUNT ? bykey_names[k] : "?"; }

int bykey_from_name(const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < BY_COUNT; i++)
        if (strcmp(name, bykey_names[i]) == 0) return i;
    return -1;
}

static bool bykey_is_time(sp_bykey k) { return k <= BY_DAY; }

static sp_grain bykey_grain(sp_bykey k)
{
    switch (k) {
    case BY_MONTH: return GRAIN_MONTH;
    case BY_QUARTER: return GRAIN_QUARTER;
    case BY_WEEK: return GRAIN_WEEK;
    case BY_YEAR: return GRAIN_YEAR;
    default: return GRAIN_DAY;
    }
}

/* the filter dimension of a non-time breakdown key */
static sp_dim bykey_dim(sp_bykey k) { return (sp_dim)(k - BY_REGION); }

double kpi_value_double(sp_metric m, const sp_kpi_value *v)
{
    if (v->null) return NAN;
    switch (sp_metrics[m].unit) {
    case UNIT_MONEY: return (double)v->ival / 100.0;
    case UNIT_COUNT: return (double)v->ival;
    default: return v->den != 0 ? v->num / v->den : NAN;
    }
}

/* ------------------------------------------------------------------ */
/* tiers and T12M                                                      */

void customer_t12m(const sp_dataset *ds, sp_day d, sp_money *out)
{
    memset(out, 0, ds->customers.n * sizeof *out);
    sp_day lo = day_minus_year(d);
    const sp_deal_cols *t = &ds->deals; /* the columns: no string is read */
    for (size_t i = 0; i < t->n; i++) {
        if (i + 32 < t->n && t->customer_row[i + 32] != SP_NOROW)
            __builtin_prefetch(&out[t->customer_row[i + 32]], 1); /* customers in random order */
        sp_day cl = t->closed_on[i];
        if (t->stage[i] != STAGE_WON || cl == SP_DAY_NONE) continue;
        if (cl <= lo || cl > d || !t->customer_id[i]) continue;
        size_t ci = t->customer_row[i]; /* resolved by dataset_index */
        /* saturating: a T12M beyond the int64 range is still above every
         * tier's min; sums of T12M are checked where they are made */
        sp_money amount = t->amount[i];
        if (ci != SP_NOROW && __builtin_add_overflow(out[ci], amount, &out[ci]))
            out[ci] = amount < 0 ? INT64_MIN : INT64_MAX;
    }
}

const char *tier_of(const sp_tier_level *tiers, size_t ntiers, sp_money t12m)
{
    for (size_t i = 0; i < ntiers; i++)
        if (tiers[i].min <= t12m) return tiers[i].id;
    return NULL;
}

static int tier_level_cmp(const void *a, const void *b)
{
    const sp_tier_level *x = a, *y = b;
    if (x->min != y->min) return x->min > y->min ? -1 : 1;
    return 0;
}

void tiers_from_plan(const sp_plan *p, sp_tier_level **out, size_t *n)
{
    if (p && p->ntiers > 0) {
        *out = xcalloc(p->ntiers, sizeof **out);
        for (size_t i = 0; i < p->ntiers; i++) {
            (*out)[i].id = p->tiers[i].id;
            (*out)[i].min = p->tiers[i].min;
        }
        *n = p->ntiers;
        /* insertion sort keeps the written order of equal minimums */
        for (size_t i = 1; i < *n; i++) {
            sp_tier_level t = (*out)[i];
            size_t j = i;
            while (j > 0 && tier_level_cmp(&(*out)[j - 1], &t) > 0) {
                (*out)[j] = (*out)[j - 1];
                j--;
            }
            (*out)[j] = t;
        }
        return;
    }
    *out = xcalloc(3, sizeof **out);
    (*out)[0].id = "strategic";
    (*out)[0].min = INT64_C(100000000); /* 100万 yuan in fen */
    (*out)[1].id = "key";
    (*out)[1].min = INT64_C(50000000);
    (*out)[2].id = "potential";
    (*out)[2].min = 0;
    *n = 3;
}

/* ------------------------------------------------------------------ */
/* what each metric reads                                              */

typedef enum rec_kind { RK_DEAL, RK_LEAD, RK_ACTIVITY, RK_INVOICE, RK_SPEND, RK_CUSTOMER } rec_kind;

static rec_kind metric_kind(sp_metric m)
{
    switch (m) {
    case MET_LEADS:
    case MET_QUALIFIED_LEADS:
    case MET_LEAD_CONVERSION_RATE: return RK_LEAD;
    case MET_VISITS:
    case MET_ACTIVITIES:
    case MET_VISITS_PER_REP:
    case MET_ACTIVE_CUSTOMERS: return RK_ACTIVITY;
    case MET_COLLECTION_RATE:
    case MET_COLLECTED: return RK_INVOICE;
    case MET_SPEND: return RK_SPEND;
    case MET_RENEWAL_RATE:
    case MET_TIER_CUSTOMERS:
    case MET_TIER_REVENUE_SHARE: return RK_CUSTOMER;
    default: return RK_DEAL;
    }
}

/* dim_allowed: whether a filter / breakdown on d makes sense for metric m. */
static bool dim_allowed(sp_metric m, sp_dim d)
{
    switch (metric_kind(m)) {
    case RK_DEAL: return d <= DIM_PRODUCT || d == DIM_TIER;
    case RK_LEAD: return d <= DIM_REP || d == DIM_SOURCE;
    case RK_ACTIVITY:
    case RK_INVOICE:
    case RK_CUSTOMER: return d <= DIM_REP || d == DIM_TIER;
    case RK_SPEND: return d == DIM_CATEGORY || d == DIM_STRATEGY;
    }
    return false;
}

static const char *dim_applies_to(sp_dim d)
{
    switch (d) {
    case DIM_PRODUCT: return _("deal metrics");
    case DIM_SOURCE: return _("lead metrics");
    case DIM_CATEGORY:
    case DIM_STRATEGY: return _("spend");
    default: return _("metrics other than spend");
    }
}

static bool tier_known(const sp_kpi_query *q, const char *id)
{
    for (size_t i = 0; i < q->ntiers; i++)
        if (strcmp(q->tiers[i].id, id) == 0) return true;
    return false;
}

bool kpi_query_check(const sp_kpi_query *q, sp_err *err)
{
    bool ok = true;
    sp_metric m = q->metric;
    if ((unsigned)m >= MET_COUNT || m == MET_MANUAL) {
        err_set(err, SP_EUSAGE, _("metric '%s' is entered by hand ('salesplan actual'), not computed"),
                (unsigned)m < MET_COUNT ? sp_metrics[m].name : "?");
        return false;
    }
    if (q->period.first > q->period.last) {
        err_set(err, SP_EUSAGE, "%s", _("empty period"));
        return false;
    }
    if (q->nby > KPI_MAX_BY) {
        err_set(err, SP_EUSAGE, _("at most %d --by keys"), KPI_MAX_BY);
        return false;
    }
    for (size_t i = 0; i < q->where.n; i++) {
        const sp_filter_kv *kv = &q->where.kv[i];
        if ((unsigned)kv->dim >= DIM_COUNT) {
            err_set(err, SP_EUSAGE, "%s", _("unknown filter key"));
            ok = false;
            continue;
        }
        if (!dim_allowed(m, kv->dim)) {
            err_set(err, SP_EUSAGE, _("filter '%s' does not apply to %s (only to %s)"), dim_name(kv->dim),
                    sp_metrics[m].name, dim_applies_to(kv->dim));
            ok = false;
        }
        if (kv->dim == DIM_SIZE && !(str_eq(kv->value, "small") || str_eq(kv->value, "medium") ||
                                     str_eq(kv->value, "large"))) {
            err_set(err, SP_EUSAGE, _("size '%s': expected small, medium or large"), kv->value ? kv->value : "");
            ok = false;
        }
        if (kv->dim == DIM_TIER) {
            if (!kv->value || !tier_known(q, kv->value)) {
                buf_t b = BUF_INIT;
                for (size_t t = 0; t < q->ntiers; t++) buf_printf(&b, "%s%s", t ? ", " : "", q->tiers[t].id);
                err_set(err, SP_EUSAGE, _("unknown tier '%s' (tiers: %s)"), kv->value ? kv->value : "", buf_cstr(&b));
                buf_free(&b);
                ok = false;
            }
        }
    }
    int ntime = 0;
    for (size_t i = 0; i < q->nby && i < KPI_MAX_BY; i++) {
        sp_bykey k = q->by[i];
        if ((unsigned)k >= BY_COUNT) {
            err_set(err, SP_EUSAGE, "%s", _("unknown breakdown key"));
            ok = false;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (q->by[j] == k) {
                err_set(err, SP_EUSAGE, _("breakdown key '%s' given twice"), bykey_name(k));
                ok = false;
            }
        if (bykey_is_time(k)) {
            if (++ntime == 2) {
                err_set(err, SP_EUSAGE, "%s", _("only one time key in --by"));
                ok = false;
            }
            continue;
        }
        sp_dim d = bykey_dim(k);
        bool allowed = dim_allowed(m, d);
        if (m == MET_VISITS_PER_REP) allowed = d == DIM_TEAM || d == DIM_REP;
        if (!allowed) {
            err_set(err, SP_EUSAGE, _("%s cannot be broken down by '%s'"), sp_metrics[m].name, bykey_name(k));
            ok = false;
        }
    }
    return ok;
}

/* ------------------------------------------------------------------ */
/* load spec                                                           */

static sp_day day_min(sp_day a, sp_day b) { return a < b ? a : b; }
static sp_day day_max(sp_day a, sp_day b) { return a > b ? a : b; }

/* label filters judged by dictionary code: at most this many values per key */
#define FCODE_MAX 8

/* kpi_load_columns: narrows spec (kpi_load_spec's for q) to the columns
 * kpi_compute reads for q; every table it does not narrow keeps every
 * column. Each column named here is one the loops below read: a column
 * left out reads as NULL from a snapshot (a crash, never a wrong number),
 * and the tests ask every metric, filter and breakdown through it. */
void kpi_load_columns(const sp_kpi_query *q, sp_load_spec *spec)
{
    if (q->explain) return; /* the listing reads ids, names and notes */
    bool need[DIM_COUNT] = {false};
    size_t nval[DIM_COUNT] = {0};
    for (size_t i = 0; i < q->where.n; i++) {
        sp_dim d = q->where.kv[i].dim;
        need[d] = true;
        if (++nval[d] > FCODE_MAX) return; /* cust_ok_build then reads whole customer rows */
    }
    for (size_t i = 0; i < q->nby && i < KPI_MAX_BY; i++)
        if (!bykey_is_time(q->by[i])) need[bykey_dim(q->by[i])] = true;
    sp_metric m = q->metric;
    rec_kind kind = metric_kind(m);
    bool owner = need[DIM_REP] || need[DIM_TEAM];
    bool tier = need[DIM_TIER] || kind == RK_CUSTOMER;
    uint32_t dc = 0, cc = SP_COL(CUSTOMER, owner_row), lc = 0, ac = 0, ic = 0;
    /* the customer's dimensions (fill_customer, cust_ok_build, customer_rec) */
    if (need[DIM_REGION]) cc |= SP_COL(CUSTOMER, region);
    if (need[DIM_INDUSTRY]) cc |= SP_COL(CUSTOMER, industry);
    if (need[DIM_SIZE]) cc |= SP_COL(CUSTOMER, size);
    if (tier) { /* T12M (customer_t12m) and the customers existing as of a day */
        dc |= SP_COL(DEAL, stage) | SP_COL(DEAL, closed_on) | SP_COL(DEAL, customer_id) | SP_COL(DEAL, customer_row) |
              SP_COL(DEAL, amount);
        cc |= SP_COL(CUSTOMER, created_on);
    }
    switch (m) {
    case MET_REVENUE:
    case MET_DEALS_WON:
    case MET_AVG_DEAL_SIZE:
    case MET_WIN_RATE:
    case MET_SALES_CYCLE_DAYS:
    case MET_GROSS_MARGIN:
    case MET_NEW_CUSTOMER_REVENUE:
    case MET_NEW_CUSTOMER_REVENUE_SHARE:
    case MET_NEW_CUSTOMERS:
        /* run_deal_metrics, run_new_customers, fill_deal */
        dc |= SP_COL(DEAL, closed_on) | SP_COL(DEAL, stage) | SP_COL(DEAL, created_on) | SP_COL(DEAL, amount) |
              SP_COL(DEAL, customer_row);
        if (m == MET_GROSS_MARGIN) dc |= SP_COL(DEAL, has_cost) | SP_COL(DEAL, cost);
        if (m == MET_NEW_CUSTOMER_REVENUE || m == MET_NEW_CUSTOMER_REVENUE_SHARE) dc |= SP_COL(DEAL, is_new_customer);
        if (m == MET_NEW_CUSTOMER_REVENUE || m == MET_NEW_CUSTOMER_REVENUE_SHARE || m == MET_NEW_CUSTOMERS)
            dc |= SP_COL(DEAL, customer_id) | SP_COL(DEAL, id); /* firsts_build; ids break ties */
        break;
    case MET_PIPELINE:
    case MET_WEIGHTED_PIPELINE: /* run_pipeline */
        dc |= SP_COL(DEAL, created_on) | SP_COL(DEAL, closed_on) | SP_COL(DEAL, stage) | SP_COL(DEAL, amount) |
              SP_COL(DEAL, probability) | SP_COL(DEAL, customer_row);
        break;
    case MET_TIER_CUSTOMERS:
    case MET_TIER_REVENUE_SHARE: /* tier_pass, customer_rec (T12M above) */
        if (owner) cc |= SP_COL(CUSTOMER, owner);
        break;
    case MET_LEADS:
    case MET_QUALIFIED_LEADS:
    case MET_LEAD_CONVERSION_RATE: /* run_leads, lead_prefilter: the lead's own labels */
        lc = SP_COL(LEAD, created_on) | SP_COL(LEAD, qualified);
        if (m == MET_LEAD_CONVERSION_RATE) lc |= SP_COL(LEAD, opportunity_id);
        if (need[DIM_REGION]) lc |= SP_COL(LEAD, region);
        if (need[DIM_INDUSTRY]) lc |= SP_COL(LEAD, industry);
        if (need[DIM_SIZE]) lc |= SP_COL(LEAD, size);
        if (need[DIM_SOURCE]) lc |= SP_COL(LEAD, source);
        if (owner) lc |= SP_COL(LEAD, owner);
        break;
    case MET_VISITS:
    case MET_VISITS_PER_REP:
    case MET_ACTIVITIES:
    case MET_ACTIVE_CUSTOMERS: /* run_activities */
        ac = SP_COL(ACTIVITY, occurred_on) | SP_COL(ACTIVITY, kind) | SP_COL(ACTIVITY, customer_row);
        if (owner || m == MET_VISITS_PER_REP) ac |= SP_COL(ACTIVITY, rep);
        if (m == MET_ACTIVE_CUSTOMERS) {
            ac |= SP_COL(ACTIVITY, customer_id);
            cc |= SP_COL(CUSTOMER, id); /* customer_number: the customers by id */
        }
        break;
    case MET_COLLECTION_RATE:
    case MET_COLLECTED: /* run_invoices */
        ic = SP_COL(INVOICE, issued_on) | SP_COL(INVOICE, due_on) | SP_COL(INVOICE, paid_on) | SP_COL(INVOICE, amount) |
             SP_COL(INVOICE, paid) | SP_COL(INVOICE, customer_row);
        if (owner) cc |= SP_COL(CUSTOMER, owner);
        break;
    default:
        return; /* renewal rate (whole deal rows), spend: every column */
    }
    if (spec->want[TBL_DEALS] && dc) spec->cols[TBL_DEALS] = dc | (owner ? SP_COL(DEAL, owner) : 0) |
                                                              (need[DIM_PRODUCT] ? SP_COL(DEAL, product) : 0);
    if (spec->want[TBL_CUSTOMERS]) spec->cols[TBL_CUSTOMERS] = cc;
    if (spec->want[TBL_LEADS] && lc) spec->cols[TBL_LEADS] = lc;
    if (spec->want[TBL_ACTIVITIES] && ac) spec->cols[TBL_ACTIVITIES] = ac;
    if (spec->want[TBL_INVOICES] && ic) spec->cols[TBL_INVOICES] = ic;
}

void kpi_load_spec(const sp_kpi_query *q, sp_load_spec *spec)
{
    load_spec_init(spec);
    sp_day D = q->as_of;
    sp_day lo = q->period.first, hi = day_min(q->period.last, D);
    bool empty = lo > hi;
    sp_metric m = q->metric;
    bool need_cust = false, need_reps = false, need_tier = false;
    rec_kind kind = metric_kind(m);

    for (size_t i = 0; i < q->where.n; i++) {
        sp_dim d = q->where.kv[i].dim;
        if (d == DIM_TIER) need_tier = true;
        if ((d == DIM_REGION || d == DIM_INDUSTRY || d == DIM_SIZE) && kind != RK_LEAD) need_cust = true;
        if (d == DIM_TEAM) need_reps = true;
        if ((d == DIM_TEAM || d == DIM_REP) && (kind == RK_INVOICE || kind == RK_CUSTOMER)) need_cust = true;
    }
    for (size_t i = 0; i < q->nby && i < KPI_MAX_BY; i++) {
        sp_bykey k = q->by[i];
        if (bykey_is_time(k)) continue;
        sp_dim d = bykey_dim(k);
        if (d == DIM_TIER) need_tier = true;
        if ((d == DIM_REGION || d == DIM_INDUSTRY || d == DIM_SIZE) && kind != RK_LEAD) need_cust = true;
        if (d == DIM_TEAM || d == DIM_REP) need_reps = true;
        if ((d == DIM_TEAM || d == DIM_REP) && (kind == RK_INVOICE || kind == RK_CUSTOMER)) need_cust = true;
    }
    if (need_tier) {
        need_cust = true;
        load_spec_want(spec, TBL_DEALS, day_minus_year(D) - 1, D);
    }

    switch (m) {
    case MET_REVENUE:
    case MET_DEALS_WON:
    case MET_AVG_DEAL_SIZE:
    case MET_WIN_RATE:
    case MET_SALES_CYCLE_DAYS:
    case MET_GROSS_MARGIN:
        if (!empty) load_spec_want(spec, TBL_DEALS, lo, hi);
        break;
    case MET_NEW_CUSTOMERS:
    case MET_NEW_CUSTOMER_REVENUE:
    case MET_NEW_CUSTOMER_REVENUE_SHARE:
        /* the first won deal ever: every deal closed up to D */
        load_spec_want(spec, TBL_DEALS, SP_DAY_MIN, D);
        break;
    case MET_RENEWAL_RATE: {
        sp_day t0 = day_min(lo - 1, D);
        load_spec_want(spec, TBL_DEALS, day_minus_year(t0) - 1, D);
        need_cust = true;
        break;
    }
    case MET_PIPELINE:
    case MET_WEIGHTED_PIPELINE:
        load_spec_want(spec, TBL_DEALS, D, D); /* created_on <= D, any close */
        break;
    case MET_TIER_CUSTOMERS:
    case MET_TIER_REVENUE_SHARE:
        load_spec_want(spec, TBL_DEALS, day_minus_year(day_min(lo, D)) - 1, D);
        need_cust = true;
        break;
    case MET_LEADS:
    case MET_QUALIFIED_LEADS:
    case MET_LEAD_CONVERSION_RATE:
        if (!empty) load_spec_want(spec, TBL_LEADS, lo, hi);
        break;
    case MET_VISITS:
    case MET_VISITS_PER_REP:
        if (!empty) {
            load_spec_want(spec, TBL_ACTIVITIES, lo, hi);
            spec->act_kind = ACT_VISIT;
        }
        if (m == MET_VISITS_PER_REP) need_reps = true;
        break;
    case MET_ACTIVITIES:
    case MET_ACTIVE_CUSTOMERS:
        if (!empty) load_spec_want(spec, TBL_ACTIVITIES, lo, hi);
        break;
    case MET_COLLECTION_RATE:
    case MET_COLLECTED:
        if (!empty) load_spec_want(spec, TBL_INVOICES, lo, hi);
        break;
    case MET_SPEND:
        if (!empty) load_spec_want(spec, TBL_SPEND, lo, hi);
        break;
    default: break;
    }
    /* the tier filter of an activity-only query needs deals too (above);
     * a visits-only load must not drop other kinds another part asked for */
    if (need_cust) load_spec_want(spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    if (need_reps) load_spec_want(spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    /* every deal-based metric but the pipeline looks only at deals closed in
     * the ranges asked for above (revenue and rates in P, first won deals up
     * to D, T12M windows for tiers) */
    if (spec->want[TBL_DEALS] && m != MET_PIPELINE && m != MET_WEIGHTED_PIPELINE) spec->deals_closed_only = true;
}

/* ------------------------------------------------------------------ */
/* small containers                                                    */

static const char NONE_LABEL[] = "";

/* accumulated value of one row: a = value or numerator, b = denominator */
typedef struct acc {
    int64_t a, b;
} acc_t;

typedef struct row {
    const void *key[KPI_MAX_BY];
    acc_t acc;
} row_t;

/* rowmap: open addressing map from a key tuple to an index in rows[] */
typedef struct rowmap {
    row_t *rows;
    size_t n, cap;
    uint32_t *slots; /* index + 1; 0 empty */
    size_t nslots;
    /* memo: a few recent keys' rows (index + 1; 0 none), direct-mapped by
     * the key's pointers: a metric loop asks for the same few rows (a
     * month, a tier) a million times; a hit is checked against the row's
     * key, so a stale entry only costs the lookup */
    uint32_t memo[64];
} rowmap_t;

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= UINT64_C(0xff51afd7ed558ccd);
    x ^= x >> 33;
    x *= UINT64_C(0xc4ceb9fe1a85ec53);
    x ^= x >> 33;
    return x;
}

static uint64_t key_hash(const void *const *k)
{
    uint64_t h = 0;
    for (int i = 0; i < KPI_MAX_BY; i++) h = mix64(h ^ (uint64_t)(uintptr_t)k[i]) + (uint64_t)i;
    return h;
}

static void rowmap_rehash(rowmap_t *m, size_t nslots)
{
    free(m->slots);
    m->slots = xcalloc(nslots, sizeof *m->slots);
    m->nslots = nslots;
    for (size_t i = 0; i < m->n; i++) {
        size_t s = (size_t)key_hash(m->rows[i].key) & (nslots - 1);
        while (m->slots[s]) s = (s + 1) & (nslots - 1);
        m->slots[s] = (uint32_t)(i + 1);
    }
}

/* rowmap_get: the row of key k, created (zero) when absent. */
static row_t *rowmap_find(rowmap_t *m, const void *const *k, bool create);

static row_t *rowmap_get(rowmap_t *m, const void *const *k, bool create)
{
    uintptr_t x = (uintptr_t)k[0] ^ ((uintptr_t)k[1] >> 3) ^ ((uintptr_t)k[2] >> 6);
    uint32_t *slot = &m->memo[(x ^ x >> 6 ^ x >> 12) & 63];
    if (*slot && *slot <= m->n) {
        row_t *r = &m->rows[*slot - 1];
        if (r->key[0] == k[0] && r->key[1] == k[1] && r->key[2] == k[2]) return r;
    }
    row_t *r = rowmap_find(m, k, create);
    if (r) *slot = (uint32_t)(r - m->rows) + 1;
    return r;
}

static row_t *rowmap_find(rowmap_t *m, const void *const *k, bool create)
{
    if (m->nslots == 0) rowmap_rehash(m, 64);
    size_t s = (size_t)key_hash(k) & (m->nslots - 1);
    while (m->slots[s]) {
        row_t *r = &m->rows[m->slots[s] - 1];
        if (r->key[0] == k[0] && r->key[1] == k[1] && r->key[2] == k[2]) return r;
        s = (s + 1) & (m->nslots - 1);
    }
    if (!create) return NULL;
    if (m->n >= UINT32_MAX - 1) abort();
    if (m->n == m->cap) {
        m->cap = m->cap ? m->cap * 2 : 64;
        m->rows = xreallocarray(m->rows, m->cap, sizeof *m->rows);
    }
    row_t *r = &m->rows[m->n];
    memset(r, 0, sizeof *r);
    for (int i = 0; i < KPI_MAX_BY; i++) r->key[i] = k[i];
    m->slots[s] = (uint32_t)(m->n + 1);
    m->n++;
    if (m->n * 2 > m->nslots) {
        rowmap_rehash(m, m->nslots * 2);
        return &m->rows[m->n - 1];
    }
    return r;
}

static void rowmap_free(rowmap_t *m)
{
    free(m->rows);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------ */
/* the computation context                                             */

typedef struct bucket {
    sp_period p;       /* clipped to the effective period */
    const char *label; /* in the result pool */
} bucket_t;

/* A record as the filters and breakdowns see it: one label per dimension
 * (NULL = unknown), the record's day, and what --explain shows. */
typedef struct rec {
    const char *v[DIM_COUNT];
    sp_day day;
    const void *distinct;     /* the customer, for distinct counts */
    const char *table, *id, *note;
    sp_money amount;
} rec_t;

/* a filter's values of one dimension as dictionary codes (size: the enum),
 * so that a column is judged without reading its strings; n 0: not set
 * (too many values, or no filter on the dimension) */
typedef struct fcode {
    uint32_t v[FCODE_MAX];
    uint8_t n;
} fcode_t;

static inline bool fcode_has(const fcode_t *f, uint32_t x)
{
    for (uint8_t i = 0; i < f->n; i++)
        if (f->v[i] == x) return true;
    return false;
}

typedef struct ctx {
    const sp_dataset *ds;
    const sp_kpi_query *q;
    sp_kpi_result *res;
    sp_metric m;
    sp_day D;
    sp_period eff;
    bool empty;
    /* filters: per dim the accepted values */
    const char **fval[DIM_COUNT];
    size_t fn[DIM_COUNT];
    bool need[DIM_COUNT];     /* dims to fill in rec_t */
    bool need_cust;           /* some customer dim is filtered or broken down */
    fcode_t fcode[DIM_COUNT]; /* region, industry, size, rep, product, source filters as codes */
    /* breakdown */
    int time_slot;            /* index in q->by of the time key or -1 */
    int by_tier;              /* index in q->by of the tier key or -1 */
    sp_grain grain;
    bucket_t *buckets;
    size_t nbuckets;
    int32_t *day_bucket;      /* eff day offset -> bucket index */
    /* customer tiers as of D */
    const char **tier_d;      /* per customer, NULL: none */
    sp_money *t12m_d;         /* per customer, T12M as of D when tier_d was made (tier_pass at D reuses it) */
    uint8_t *cust_ok;         /* per customer row: passes the region/industry/size filters (NULL: none) */
    /* accumulation */
    rowmap_t rows;
    acc_t total;
    /* distinct customers: customer numbers (the index in ds->customers, or
     * past it for ids not in the table), a seen flag per number for the
     * total, and (row << 32 | number) pairs counted after the pass */
    sp_ptrmap *extra_cust;
    size_t nextra;
    uint8_t *seen;
    size_t nseen;
    uint64_t *pairs;
    size_t npairs, cappairs;
    bool to_rows, to_total;
    bool overflow;            /* a sum or product left the int64 range */
    /* explain: max-heap of the smallest (date, table, id) */
    sp_explain_row *ex;
    size_t nex, ex_total;
} ctx_t;

#define EXPLAIN_CAP 1000

static int explain_cmp(const sp_explain_row *x, const sp_explain_row *y)
{
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    int c = strcmp(x->table, y->table);
    if (c) return c;
    return strcmp(x->id ? x->id : "", y->id ? y->id : "");
}

static void heap_down(sp_explain_row *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, big = i;
        if (l < n && explain_cmp(&h[l], &h[big]) > 0) big = l;
        if (r < n && explain_cmp(&h[r], &h[big]) > 0) big = r;
        if (big == i) return;
        sp_explain_row t = h[i];
        h[i] = h[big];
        h[big] = t;
        i = big;
    }
}

/* explain_add: keep the EXPLAIN_CAP first records in (date, table, id)
 * order; strings are borrowed from the dataset until kpi_compute copies them. */
static void explain_add(ctx_t *c, const rec_t *r)
{
    c->ex_total++;
    sp_explain_row e = {r->table, r->id, r->day, r->amount, r->note};
    if (c->nex < EXPLAIN_CAP) {
        size_t i = c->nex++;
        c->ex[i] = e;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (explain_cmp(&c->ex[parent], &c->ex[i]) >= 0) break;
            sp_explain_row t = c->ex[i];
            c->ex[i] = c->ex[parent];
            c->ex[parent] = t;
            i = parent;
        }
        return;
    }
    if (explain_cmp(&e, &c->ex[0]) >= 0) return;
    c->ex[0] = e;
    heap_down(c->ex, c->nex, 0);
}

/* matches: whether r passes every filter (same key = OR, keys = AND). */
static bool matches(const ctx_t *c, const rec_t *r)
{
    for (int d = 0; d < DIM_COUNT; d++) {
        if (!c->fn[d]) continue;
        const char *v = r->v[d];
        if (!v) return false;
        bool any = false;
        for (size_t i = 0; i < c->fn[d] && !any; i++) any = strcmp(v, c->fval[d][i]) == 0;
        if (!any) return false;
    }
    return true;
}

/* row_of: the row of r in bucket (bucket -1: no time key). */
static row_t *row_of(ctx_t *c, const rec_t *r, int bucket, size_t *index)
{
    const void *k[KPI_MAX_BY] = {NULL, NULL, NULL};
    for (size_t i = 0; i < c->q->nby; i++) {
        sp_bykey b = c->q->by[i];
        if (bykey_is_time(b)) k[i] = c->buckets[bucket].label;
        else {
            const char *v = r->v[bykey_dim(b)];
            k[i] = v ? v : NONE_LABEL;
        }
    }
    row_t *row = rowmap_get(&c->rows, k, true);
    if (index) *index = (size_t)(row - c->rows.rows);
    return row;
}

static int bucket_of(const ctx_t *c, sp_day d)
{
    if (c->time_slot < 0 || c->empty || d < c->eff.first || d > c->eff.last) return -1;
    return c->day_bucket[d - c->eff.first];
}

/* emit: add (a, b) for the filtered record r to its row (in bucket, or the
 * bucket of r->day when bucket is -2) and to the total. */
static void emit(ctx_t *c, const rec_t *r, int bucket, int64_t a, int64_t b)
{
    if (c->to_rows && c->q->nby > 0) {
        if (bucket == -2) bucket = bucket_of(c, r->day);
        if (c->time_slot < 0 || bucket >= 0) {
            row_t *row = row_of(c, r, bucket, NULL);
            if (__builtin_add_overflow(row->acc.a, a, &row->acc.a)) c->overflow = true;
            if (__builtin_add_overflow(row->acc.b, b, &row->acc.b)) c->overflow = true;
        }
    }
    if (c->to_total) {
        if (__builtin_add_overflow(c->total.a, a, &c->total.a)) c->overflow = true;
        if (__builtin_add_overflow(c->total.b, b, &c->total.b)) c->overflow = true;
        if (c->q->explain) explain_add(c, r);
    }
}

static size_t customer_number(ctx_t *c, const void *id)
{
    size_t i = dataset_customer_row(c->ds, id);
    if (i != SP_NOROW) return i;
    if (!c->extra_cust) c->extra_cust = ptrmap_new(64);
    if (ptrmap_get(c->extra_cust, id, &i)) return i;
    i = c->ds->customers.n + c->nextra++;
    ptrmap_put(c->extra_cust, id, i);
    return i;
}

/* emit_distinct: count r->distinct once per row and once in the total.
 * Rows are counted later by distinct_finish(). */
static void emit_distinct(ctx_t *c, const rec_t *r, int bucket)
{
    size_t cn = customer_number(c, r->distinct);
    if (c->to_rows && c->q->nby > 0) {
        if (bucket == -2) bucket = bucket_of(c, r->day);
        if (c->time_slot < 0 || bucket >= 0) {
            size_t idx;
            row_of(c, r, bucket, &idx);
            if (c->npairs == c->cappairs) {
                c->cappairs = c->cappairs ? c->cappairs * 2 : 1024;
                c->pairs = xreallocarray(c->pairs, c->cappairs, sizeof *c->pairs);
            }
            c->pairs[c->npairs++] = (uint64_t)idx << 32 | (uint64_t)(uint32_t)cn;
        }
    }
    if (!c->to_total) return;
    if (cn >= c->nseen) {
        size_t n = cn + 1 > c->nseen * 2 ? cn + 1 : c->nseen * 2;
        c->seen = xrealloc(c->seen, n);
        memset(c->seen + c->nseen, 0, n - c->nseen);
        c->nseen = n;
    }
    if (c->seen[cn]) return;
    c->seen[cn] = 1;
    c->total.a++;
    if (c->q->explain) explain_add(c, r);
}

/* distinct_finish: radix-sorts the (row, customer) pairs and adds one per
 * distinct pair to its row. Allocates a scratch array of the same size. */
static void distinct_finish(ctx_t *c)
{
    size_t n = c->npairs;
    if (n == 0) return;
    uint64_t *tmp = xcalloc(n, sizeof *tmp);
    uint64_t *src = c->pairs, *dst = tmp;
    size_t *count = xcalloc(65536, sizeof *count);
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++) count[(src[i] >> shift) & 0xffff]++;
        size_t sum = 0;
        for (size_t k = 0; k < 65536; k++) {
            size_t x = count[k];
            count[k] = sum;
            sum += x;
        }
        for (size_t i = 0; i < n; i++) dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < n; i++)
        if (i == 0 || src[i] != src[i - 1]) c->rows.rows[src[i] >> 32].acc.a++;
    free(count);
    free(tmp);
}

/* ---- filling records ---- */

static void fill_owner(const ctx_t *c, rec_t *r, const char *owner)
{
    r->v[DIM_REP] = owner;
    if (c->need[DIM_TEAM]) {
        const sp_rep *rep = owner ? dataset_rep(c->ds, owner) : NULL;
        r->v[DIM_TEAM] = rep ? rep->team : NULL;
    }
}

static const char *size_label(sp_size s) { return s == SIZE_NONE ? NULL : size_name(s); }

/* fill_customer: the customer dims of r (and owner when with_owner) from
 * customer row ci (the record's resolved reference; SP_NOROW: none). */
static void fill_customer(const ctx_t *c, rec_t *r, size_t ci, bool with_owner)
{
    if (!c->need_cust && !with_owner) return; /* r is zeroed: all unknown */
    /* only the dimensions the query filters or breaks down by (matches()
     * and the rows read no others): a column read is its pages touched */
    const sp_customer_cols *t = &c->ds->customers;
    bool cu = ci != SP_NOROW;
    r->v[DIM_REGION] = cu && c->need[DIM_REGION] ? ds_str(c->ds, t->region[ci]) : NULL;
    r->v[DIM_INDUSTRY] = cu && c->need[DIM_INDUSTRY] ? ds_str(c->ds, t->industry[ci]) : NULL;
    r->v[DIM_SIZE] = cu && c->need[DIM_SIZE] ? size_label((sp_size)t->size[ci]) : NULL;
    r->v[DIM_TIER] = cu && c->tier_d ? c->tier_d[ci] : NULL;
    if (with_owner && (c->need[DIM_REP] || c->need[DIM_TEAM])) fill_owner(c, r, cu ? ds_str(c->ds, t->owner[ci]) : NULL);
}

/* fill_deal: r from deal d, row i of c->ds->deals. */
SP_ROWVIEW void fill_deal(const ctx_t *c, rec_t *r, const sp_deal *d, size_t i) /* inlined: the row view's unread fields cost nothing */
{
    memset(r, 0, sizeof *r);
    fill_customer(c, r, c->ds->deals.customer_row[i], false);
    /* only the dims the query filters or breaks down by (a label read is a
     * random access into the dictionary) */
    const sp_deal_cols *t = &c->ds->deals;
    if (c->need[DIM_REP] || c->need[DIM_TEAM]) fill_owner(c, r, ds_str(c->ds, t->owner[i]));
    if (c->need[DIM_PRODUCT]) r->v[DIM_PRODUCT] = ds_str(c->ds, t->product[i]);
    r->day = d->closed_on;
    r->table = "deals";
    /* the id only for a listing, read from its column (not the row view's
     * field: a conditional use would keep the call): the strings of ids are
     * checked when first read */
    r->id = c->q->explain ? ds_str(c->ds, c->ds->deals.id[i]) : NULL;
    r->amount = d->amount; /* (no distinct count is made of deals: r->distinct stays NULL) */
}

/* cust_pass: a record of customer row ci can pass the customer filters
 * (the same answer matches() gives on the dims fill_customer sets) */
static bool cust_pass(const ctx_t *c, size_t ci)
{
    return !c->cust_ok || (ci != SP_NOROW && c->cust_ok[ci]);
}

/* cust_ok_build: which customers pass the region/industry/size filters,
 * judged once per customer instead of once per record */
static void cust_ok_build(ctx_t *c)
{
    if (!c->fn[DIM_REGION] && !c->fn[DIM_INDUSTRY] && !c->fn[DIM_SIZE]) return;
    if (metric_kind(c->m) != RK_DEAL) return; /* only the deal passes read it (cust_pass) */
    const sp_dataset *ds = c->ds;
    const sp_customer_cols *t = &ds->customers;
    c->cust_ok = xcalloc(t->n ? t->n : 1, 1);
    bool codes = (!c->fn[DIM_REGION] || c->fcode[DIM_REGION].n) && (!c->fn[DIM_INDUSTRY] || c->fcode[DIM_INDUSTRY].n) &&
                 (!c->fn[DIM_SIZE] || c->fcode[DIM_SIZE].n);
    for (size_t i = 0; i < t->n; i++) {
        if (codes) {
            /* the same answer as the strings: equal labels have equal codes */
            c->cust_ok[i] = (!c->fn[DIM_REGION] || (t->region[i] && fcode_has(&c->fcode[DIM_REGION], t->region[i]))) &&
                            (!c->fn[DIM_INDUSTRY] ||
                             (t->industry[i] && fcode_has(&c->fcode[DIM_INDUSTRY], t->industry[i]))) &&
                            (!c->fn[DIM_SIZE] || (t->size[i] != SIZE_NONE && fcode_has(&c->fcode[DIM_SIZE], t->size[i])));
            continue;
        }
        const sp_customer cu = customer_at(ds, i);
        const char *v[3] = {cu.region, cu.industry, size_label(cu.size)};
        static const sp_dim dims[3] = {DIM_REGION, DIM_INDUSTRY, DIM_SIZE};
        bool ok = true;
        for (int k = 0; k < 3 && ok; k++) {
            sp_dim d = dims[k];
            if (!c->fn[d]) continue;
            bool any = false;
            for (size_t j = 0; v[k] && j < c->fn[d] && !any; j++) any = strcmp(v[k], c->fval[d][j]) == 0;
            ok = any;
        }
        c->cust_ok[i] = ok;
    }
}

/* fcode_build: the code sets of the filters on label dimensions */
static uint32_t size_code(const char *v)
{
    for (int s = SIZE_SMALL; s < SIZE_COUNT; s++)
        if (str_eq(v, size_name((sp_size)s))) return (uint32_t)s;
    return SIZE_NONE; /* no record's size: matches nothing */
}

static void fcode_build(ctx_t *c)
{
    static const sp_dim dims[] = {DIM_REGION, DIM_INDUSTRY, DIM_SIZE, DIM_REP, DIM_PRODUCT, DIM_SOURCE};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        sp_dim d = dims[k];
        fcode_t *f = &c->fcode[d];
        if (!c->fn[d] || c->fn[d] > FCODE_MAX) continue;
        for (size_t i = 0; i < c->fn[d]; i++)
            f->v[f->n++] = d == DIM_SIZE ? size_code(c->fval[d][i]) : dataset_find_code(c->ds, c->fval[d][i]);
    }
}

/* lead_prefilter: false when lead row i fails a filter on its own label
 * columns (judged by code; matches() judges the rest) */
static bool lead_prefilter(const ctx_t *c, size_t i)
{
    const sp_lead_cols *t = &c->ds->leads;
    const fcode_t *f = c->fcode;
    if (f[DIM_REGION].n && (!t->region[i] || !fcode_has(&f[DIM_REGION], t->region[i]))) return false;
    if (f[DIM_INDUSTRY].n && (!t->industry[i] || !fcode_has(&f[DIM_INDUSTRY], t->industry[i]))) return false;
    if (f[DIM_SOURCE].n && (!t->source[i] || !fcode_has(&f[DIM_SOURCE], t->source[i]))) return false;
    if (f[DIM_REP].n && (!t->owner[i] || !fcode_has(&f[DIM_REP], t->owner[i]))) return false;
    if (f[DIM_SIZE].n && (t->size[i] == SIZE_NONE || !fcode_has(&f[DIM_SIZE], t->size[i]))) return false;
    return true;
}

/* deal_exists: a deal created after D does not exist as of D. */
SP_ROWVIEW bool deal_exists(const ctx_t *c, const sp_deal *d)
{
    return d->created_on == SP_DAY_NONE || d->created_on <= c->D;
}

static bool in_eff(const ctx_t *c, sp_day d)
{
    return !c->empty && d != SP_DAY_NONE && d >= c->eff.first && d <= c->eff.last;
}

/* ------------------------------------------------------------------ */
/* T12M helpers                                                        */

/* t12m_into: T12M(c, d) of every customer into out (n customers). */
static void t12m_into(const sp_dataset *ds, sp_day d, sp_money *out) { customer_t12m(ds, d, out); }

/* first won deal of each customer (closed_on <= D; ties by deal id):
 * customers of the customers table by their row (the deal's resolved
 * reference, no string read), others by their interned id */
typedef struct firsts {
    uint32_t *by_row;    /* per customer row: index in deals + 1, 0 none */
    sp_ptrmap *by_cust;  /* customer_id -> index in deals (ids without a row) */
    const char **custs;  /* those ids, in first-seen order */
    size_t n;
} firsts_t;

/* deal_before: deal row a closed before deal row b (ties: the smaller id;
 * the ids' strings are read only for a tie) */
static bool deal_before(const sp_dataset *ds, size_t a, size_t b)
{
    sp_day x = ds->deals.closed_on[a], y = ds->deals.closed_on[b];
    if (x != y) return x < y;
    const char *ia = ds_str(ds, ds->deals.id[a]), *ib = ds_str(ds, ds->deals.id[b]);
    return strcmp(ia ? ia : "", ib ? ib : "") < 0;
}

static void firsts_build(const ctx_t *c, firsts_t *f)
{
    const sp_dataset *ds = c->ds;
    const sp_deal_cols *t = &ds->deals;
    memset(f, 0, sizeof *f);
    f->by_row = xcalloc(ds->customers.n ? ds->customers.n : 1, sizeof *f->by_row);
    f->by_cust = ptrmap_new(64);
    size_t cap = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (i + 32 < t->n && t->customer_row[i + 32] < ds->customers.n)
            __builtin_prefetch(&f->by_row[t->customer_row[i + 32]], 1); /* customers in random order */
        if (t->stage[i] != STAGE_WON || t->closed_on[i] == SP_DAY_NONE || t->closed_on[i] > c->D) continue;
        if (!t->customer_id[i] || (t->created_on[i] != SP_DAY_NONE && t->created_on[i] > c->D)) continue;
        uint32_t ci = t->customer_row[i];
        if (ci != SP_NOROW && ci < ds->customers.n) {
            uint32_t prev = f->by_row[ci];
            if (prev && !deal_before(ds, i, prev - 1)) continue;
            f->by_row[ci] = (uint32_t)(i + 1);
            continue;
        }
        const char *cid = ds_str(ds, t->customer_id[i]);
        size_t j;
        if (ptrmap_get(f->by_cust, cid, &j)) {
            if (deal_before(ds, i, j)) ptrmap_put(f->by_cust, cid, i);
            continue;
        }
        ptrmap_put(f->by_cust, cid, i);
        if (f->n == cap) {
            cap = cap ? cap * 2 : 256;
            f->custs = xreallocarray(f->custs, cap, sizeof *f->custs);
        }
        f->custs[f->n++] = cid;
    }
}

/* firsts_of: the first won deal of deal i's customer (SIZE_MAX: none) */
static size_t firsts_of(const ctx_t *c, const firsts_t *f, size_t i)
{
    const sp_deal_cols *t = &c->ds->deals;
    if (!t->customer_id[i]) return SIZE_MAX;
    uint32_t ci = t->customer_row[i];
    if (ci != SP_NOROW && ci < c->ds->customers.n) return f->by_row[ci] ? (size_t)f->by_row[ci] - 1 : SIZE_MAX;
    size_t j;
    return ptrmap_get(f->by_cust, ds_str(c->ds, t->customer_id[i]), &j) ? j : SIZE_MAX;
}

static void firsts_free(firsts_t *f)
{
    free(f->by_row);
    ptrmap_free(f->by_cust);
    free(f->custs);
}

/* ------------------------------------------------------------------ */
/* the metrics                                                         */

static void run_deal_metrics(ctx_t *c)
{
    const sp_dataset *ds = c->ds;
    sp_metric m = c->m;
    firsts_t f = {0};
    bool need_first = m == MET_NEW_CUSTOMER_REVENUE || m == MET_NEW_CUSTOMER_REVENUE_SHARE;
    if (need_first) firsts_build(c, &f);
    rec_t r;
    const sp_deal_cols *t = &ds->deals;
    for (size_t i = 0; i < ds->deals.n; i++) {
        /* only the columns a deal metric reads (a column read is its pages
         * touched: the cost only for the margin) */
        sp_deal d_row;
        d_row.closed_on = t->closed_on[i];
        if (!in_eff(c, d_row.closed_on)) continue;
        d_row.stage = (sp_stage)t->stage[i];
        if (d_row.stage == STAGE_OPEN || (d_row.stage != STAGE_WON && m != MET_WIN_RATE)) continue;
        d_row.created_on = t->created_on[i];
        d_row.amount = t->amount[i];
        d_row.is_new_customer = need_first ? t->is_new_customer[i] : 0;
        d_row.has_cost = m == MET_GROSS_MARGIN && t->has_cost[i];
        d_row.cost = d_row.has_cost ? t->cost[i] : 0;
        const sp_deal *d = &d_row;
        if (!deal_exists(c, d)) continue;
        if (d->stage == STAGE_OPEN) continue;
        if (d->stage != STAGE_WON && m != MET_WIN_RATE) continue;
        if (m == MET_GROSS_MARGIN && !d->has_cost) continue;
        if (m == MET_SALES_CYCLE_DAYS && d->created_on == SP_DAY_NONE) continue;
        if (!cust_pass(c, ds->deals.customer_row[i])) continue;
        fill_deal(c, &r, d, i);
        if (!matches(c, &r)) continue;
        switch (m) {
        case MET_REVENUE: r.note = "won"; emit(c, &r, -2, d->amount, 0); break;
        case MET_DEALS_WON: r.note = "won"; emit(c, &r, -2, 1, 0); break;
        case MET_AVG_DEAL_SIZE: r.note = "won"; emit(c, &r, -2, d->amount, 1); break;
        case MET_WIN_RATE:
            r.note = d->stage == STAGE_WON ? "won" : "lost";
            emit(c, &r, -2, d->stage == STAGE_WON, 1);
            break;
        case MET_SALES_CYCLE_DAYS: r.note = "won"; emit(c, &r, -2, d->closed_on - d->created_on, 1); break;
        case MET_GROSS_MARGIN:
            r.note = "won, with cost";
            int64_t margin;
            if (__builtin_sub_overflow(d->amount, d->cost, &margin)) c->overflow = true;
            else emit(c, &r, -2, margin, d->amount);
            break;
        case MET_NEW_CUSTOMER_REVENUE:
        case MET_NEW_CUSTOMER_REVENUE_SHARE: {
            bool is_new = d->is_new_customer == 1;
            if (d->is_new_customer < 0) {
                is_new = firsts_of(c, &f, i) == i;
            }
            r.note = is_new ? (d->is_new_customer < 0 ? "won, first won deal" : "won, new customer")
                            : "won, existing customer";
            if (m == MET_NEW_CUSTOMER_REVENUE) {
                if (is_new) emit(c, &r, -2, d->amount, 0);
            } else {
                emit(c, &r, -2, is_new ? d->amount : 0, d->amount);
            }
            break;
        }
        default: break;
        }
    }
    if (need_first) firsts_free(&f);
}

static void run_new_customers(ctx_t *c)
{
    firsts_t f;
    firsts_build(c, &f);
    rec_t r;
    /* the deals in order (their columns read front to back), each counted
     * when it is its customer's first won deal: every customer once */
    const sp_deal_cols *t = &c->ds->deals;
    for (size_t j = 0; j < t->n; j++) {
        if (!in_eff(c, t->closed_on[j]) || t->stage[j] != STAGE_WON) continue;
        if (firsts_of(c, &f, j) != j) continue;
        sp_deal d_row;
        d_row.closed_on = t->closed_on[j];
        d_row.amount = t->amount[j];
        fill_deal(c, &r, &d_row, j);
        if (!matches(c, &r)) continue;
        r.note = "first won deal";
        emit(c, &r, -2, 1, 0);
    }
    firsts_free(&f);
}

static void run_leads(ctx_t *c)
{
    rec_t r;
    for (size_t i = 0; i < c->ds->leads.n; i++) {
        /* the columns first: the row view's strings only for a lead that counts */
        if (!in_eff(c, c->ds->leads.created_on[i])) continue;
        if (c->m == MET_QUALIFIED_LEADS && !c->ds->leads.qualified[i]) continue;
        if (!lead_prefilter(c, i)) continue;
        /* only the dimensions the query filters or breaks down by (matches()
         * and the rows read no others): a column read is its pages touched */
        const sp_lead_cols *t = &c->ds->leads;
        memset(&r, 0, sizeof r);
        if (c->need[DIM_REGION]) r.v[DIM_REGION] = ds_str(c->ds, t->region[i]);
        if (c->need[DIM_INDUSTRY]) r.v[DIM_INDUSTRY] = ds_str(c->ds, t->industry[i]);
        if (c->need[DIM_SIZE]) r.v[DIM_SIZE] = size_label((sp_size)t->size[i]);
        if (c->need[DIM_SOURCE]) r.v[DIM_SOURCE] = ds_str(c->ds, t->source[i]);
        if (c->need[DIM_REP] || c->need[DIM_TEAM]) fill_owner(c, &r, ds_str(c->ds, t->owner[i]));
        r.day = t->created_on[i];
        r.table = "leads";
        r.id = c->q->explain ? ds_str(c->ds, t->id[i]) : NULL;
        if (!matches(c, &r)) continue;
        if (c->m == MET_LEAD_CONVERSION_RATE) {
            bool converted = t->opportunity_id[i] != 0; /* code 0: empty */
            r.note = converted ? "converted" : "not converted";
            emit(c, &r, -2, converted, 1);
        } else {
            r.note = t->qualified[i] ? "qualified" : NULL;
            emit(c, &r, -2, 1, 0);
        }
    }
}

static bool rep_counted(const ctx_t *c, const sp_rep *rep);

static void run_activities(ctx_t *c)
{
    rec_t r;
    bool visits_only = c->m == MET_VISITS || c->m == MET_VISITS_PER_REP;
    bool per_rep = c->m == MET_VISITS_PER_REP;
    for (size_t i = 0; i < c->ds->activities.n; i++) {
        /* the columns first: the row view's strings only for an activity that counts */
        const sp_activity_cols *t = &c->ds->activities;
        if (!in_eff(c, t->occurred_on[i])) continue;
        if (visits_only && t->kind[i] != ACT_VISIT) continue;
        if (c->m == MET_ACTIVE_CUSTOMERS && !t->customer_id[i]) continue;
        if (c->fcode[DIM_REP].n && (!t->rep[i] || !fcode_has(&c->fcode[DIM_REP], t->rep[i]))) continue;
        /* only the strings this question reads (a column read is its pages
         * touched: 10M activities) */
        memset(&r, 0, sizeof r);
        fill_customer(c, &r, t->customer_row[i], false);
        const char *arep = per_rep || c->need[DIM_REP] || c->need[DIM_TEAM] ? ds_str(c->ds, t->rep[i]) : NULL;
        fill_owner(c, &r, arep);
        if (per_rep) {
            /* only the visits of the reps it divides by (SPEC §6): active
             * reps of role rep, judged on the rep record for the team, rep,
             * region and industry filters, exactly as the denominator */
            const sp_rep *rep = arep ? dataset_rep(c->ds, arep) : NULL;
            if (!rep || !rep_counted(c, rep)) continue;
            r.v[DIM_REGION] = rep->region;
            r.v[DIM_INDUSTRY] = rep->industry;
        }
        r.day = t->occurred_on[i];
        r.table = "activities";
        r.id = c->q->explain ? ds_str(c->ds, t->id[i]) : NULL;
        r.note = actkind_name((sp_actkind)t->kind[i]);
        r.distinct = c->m == MET_ACTIVE_CUSTOMERS ? ds_str(c->ds, t->customer_id[i]) : NULL;
        if (!matches(c, &r)) continue;
        if (c->m == MET_ACTIVE_CUSTOMERS) emit_distinct(c, &r, -2);
        else emit(c, &r, -2, 1, 0);
    }
    if (c->m == MET_ACTIVE_CUSTOMERS) distinct_finish(c);
}

static void run_invoices(ctx_t *c)
{
    rec_t r;
    for (size_t i = 0; i < c->ds->invoices.n; i++) {
        /* the columns kpi_load_columns names, not the row view (a listing
         * alone reads the id) */
        const sp_invoice_cols *t = &c->ds->invoices;
        sp_invoice v_row;
        v_row.issued_on = t->issued_on[i];
        v_row.due_on = t->due_on[i];
        v_row.paid_on = t->paid_on[i];
        v_row.amount = t->amount[i];
        v_row.paid = t->paid[i];
        const sp_invoice *v = &v_row;
        if (v->issued_on != SP_DAY_NONE && v->issued_on > c->D) continue; /* invisible */
        memset(&r, 0, sizeof r);
        r.table = "invoices";
        r.id = c->q->explain ? ds_str(c->ds, c->ds->invoices.id[i]) : NULL;
        if (c->m == MET_COLLECTED) {
            if (!in_eff(c, v->paid_on)) continue;
            fill_customer(c, &r, c->ds->invoices.customer_row[i], true);
            if (!matches(c, &r)) continue;
            r.day = v->paid_on;
            r.amount = v->paid;
            r.note = "paid";
            emit(c, &r, -2, v->paid, 0);
        } else {
            if (!in_eff(c, v->due_on)) continue;
            fill_customer(c, &r, c->ds->invoices.customer_row[i], true);
            if (!matches(c, &r)) continue;
            bool paid_by_d = v->paid_on == SP_DAY_NONE || v->paid_on <= c->D;
            int64_t got = paid_by_d ? (v->paid < v->amount ? v->paid : v->amount) : 0;
            r.day = v->due_on;
            r.amount = v->amount;
            r.note = got == 0 ? "unpaid" : got < v->amount ? "partly paid" : "paid";
            emit(c, &r, -2, got, v->amount);
        }
    }
}

static void run_spend(ctx_t *c)
{
    rec_t r;
    for (size_t i = 0; i < c->ds->spend.n; i++) {
        const sp_spend s_row = spend_at(c->ds, i), *s = &s_row;
        if (!in_eff(c, s->spent_on)) continue;
        memset(&r, 0, sizeof r);
        r.v[DIM_CATEGORY] = s->category;
        r.v[DIM_STRATEGY] = s->strategy_id;
        r.day = s->spent_on;
        r.table = "spend";
        r.id = c->q->explain ? ds_str(c->ds, c->ds->spend.id[i]) : NULL;
        r.amount = s->amount;
        r.note = s->category;
        if (!matches(c, &r)) continue;
        emit(c, &r, -2, s->amount, 0);
    }
}

/* deal_open_at: created_on <= t and (stage open, or closed_on > t). */
SP_ROWVIEW bool deal_open_at(const sp_deal *d, sp_day t)
{
    if (d->created_on == SP_DAY_NONE || d->created_on > t) return false;
    return d->stage == STAGE_OPEN || (d->closed_on != SP_DAY_NONE && d->closed_on > t);
}

/* asof_of_bucket: the as-of date of an "as of" metric in a time bucket. */
static sp_day asof_of_bucket(const ctx_t *c, size_t b) { return day_min(c->buckets[b].p.last, c->D); }

/* first bucket index whose as-of date is >= t */
static size_t bucket_lower(const ctx_t *c, sp_day t)
{
    size_t lo = 0, hi = c->nbuckets;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (asof_of_bucket(c, mid) < t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void run_pipeline(ctx_t *c)
{
    rec_t r;
    bool weighted = c->m == MET_WEIGHTED_PIPELINE;
    bool per_bucket = c->time_slot >= 0;
    for (size_t i = 0; i < c->ds->deals.n; i++) {
        /* the columns kpi_load_columns names, not the row view */
        const sp_deal_cols *t = &c->ds->deals;
        sp_deal d_row;
        d_row.created_on = t->created_on[i];
        if (d_row.created_on == SP_DAY_NONE || d_row.created_on > c->D) continue;
        d_row.closed_on = t->closed_on[i];
        d_row.stage = (sp_stage)t->stage[i];
        d_row.amount = t->amount[i];
        d_row.probability = t->probability[i];
        const sp_deal *d = &d_row;
        bool open_d = deal_open_at(d, c->D);
        if (!open_d && !per_bucket) continue;
        if (!cust_pass(c, c->ds->deals.customer_row[i])) continue;
        fill_deal(c, &r, d, i);
        r.day = d->created_on;
        if (!matches(c, &r)) continue;
        int64_t v = d->amount;
        if (weighted && __builtin_mul_overflow(d->amount, (int64_t)(d->probability > 0 ? d->probability : 0), &v)) {
            c->overflow = true;
            continue;
        }
        r.note = stage_name(d->stage);
        if (open_d) {
            c->to_rows = !per_bucket;
            c->to_total = true;
            emit(c, &r, -1, v, 0);
        }
        if (per_bucket && c->nbuckets > 0) {
            /* the buckets where the deal is open at the bucket's as-of date:
             * from the first as-of >= created_on up to (not incl.) the first
             * as-of >= closed_on (or all when open) */
            size_t b0 = bucket_lower(c, d->created_on);
            size_t b1 = c->nbuckets;
            if (d->stage != STAGE_OPEN) b1 = d->closed_on == SP_DAY_NONE ? b0 : bucket_lower(c, d->closed_on);
            c->to_rows = true;
            c->to_total = false;
            for (size_t b = b0; b < b1; b++) emit(c, &r, (int)b, v, 0);
        }
    }
    c->to_rows = c->to_total = true;
}

/* customer_rec: r for customer i (customer-centric metrics; owner = the
 * customer's owner), with its tier as of D from the context. */
static void customer_rec(const ctx_t *c, rec_t *r, size_t i)
{
    /* only the dimensions the query filters or breaks down by, the id only
     * for a listing: a column read is its pages touched (1M customers) */
    const sp_customer_cols *t = &c->ds->customers;
    memset(r, 0, sizeof *r);
    if (c->need[DIM_REGION]) r->v[DIM_REGION] = ds_str(c->ds, t->region[i]);
    if (c->need[DIM_INDUSTRY]) r->v[DIM_INDUSTRY] = ds_str(c->ds, t->industry[i]);
    if (c->need[DIM_SIZE]) r->v[DIM_SIZE] = size_label((sp_size)t->size[i]);
    r->v[DIM_TIER] = c->tier_d ? c->tier_d[i] : NULL;
    if (c->need[DIM_REP] || c->need[DIM_TEAM]) fill_owner(c, r, ds_str(c->ds, t->owner[i]));
    r->table = "customers";
    r->id = c->q->explain ? ds_str(c->ds, t->id[i]) : NULL;
    r->distinct = r->id; /* (no distinct count is made of customers) */
}

static bool is_renewal_tier(const char *t) { return t && (strcmp(t, "strategic") == 0 || strcmp(t, "key") == 0); }

/* renewal_pass: renewal rate over [p.first, p.last] (already clipped to D)
 * into bucket b (-1: total only). renewed[i]: scratch per customer. */
static void renewal_pass(ctx_t *c, sp_period p, int b, sp_money *t12m, bool *renewed)
{
    const sp_dataset *ds = c->ds;
    t12m_into(ds, day_min(p.first - 1, c->D), t12m);
    memset(renewed, 0, ds->customers.n * sizeof *renewed);
    for (size_t i = 0; i < ds->deals.n; i++) {
        const sp_deal d_row = deal_at(ds, i), *d = &d_row;
        if (d->stage != STAGE_WON || d->is_renewal != 1 || !deal_exists(c, d)) continue;
        if (d->closed_on == SP_DAY_NONE || d->closed_on < p.first || d->closed_on > p.last || d->closed_on > c->D)
            continue;
        size_t ci;
        if (d->customer_id && (ci = dataset_customer_row(ds, d->customer_id)) != SP_NOROW) renewed[ci] = true;
    }
    rec_t r;
    for (size_t i = 0; i < ds->customers.n; i++) {
        if (!is_renewal_tier(tier_of(c->q->tiers, c->q->ntiers, t12m[i]))) continue;
        customer_rec(c, &r, i);
        if (!matches(c, &r)) continue;
        r.day = p.first - 1;
        r.amount = t12m[i];
        r.note = renewed[i] ? "renewed" : "not renewed";
        emit(c, &r, b, renewed[i], 1);
    }
}

static void run_renewal(ctx_t *c)
{
    size_t n = c->ds->customers.n;
    sp_money *t12m = xcalloc(n ? n : 1, sizeof *t12m);
    bool *renewed = xcalloc(n ? n : 1, sizeof *renewed);
    /* the total: the whole period (an empty effective period still has its
     * denominator: customers in tier the day before P starts, capped at D) */
    sp_period whole = {c->q->period.first, day_min(c->q->period.last, c->D)};
    c->to_rows = c->time_slot < 0;
    c->to_total = true;
    renewal_pass(c, whole, -1, t12m, renewed);
    if (c->time_slot >= 0) {
        c->to_rows = true;
        c->to_total = false;
        for (size_t b = 0; b < c->nbuckets; b++) renewal_pass(c, c->buckets[b].p, (int)b, t12m, renewed);
    }
    c->to_rows = c->to_total = true;
    free(t12m);
    free(renewed);
}

/* tier_in_filter: whether tier id passes the query's tier filter. */
static bool tier_in_filter(const ctx_t *c, const char *id)
{
    if (!c->fn[DIM_TIER]) return true;
    for (size_t i = 0; i < c->fn[DIM_TIER]; i++)
        if (strcmp(c->fval[DIM_TIER][i], id) == 0) return true;
    return false;
}

/* tier_pass: tier_customers / tier_revenue_share as of t into bucket b. */
static void tier_pass(ctx_t *c, sp_day t, int b, sp_money *scratch)
{
    const sp_dataset *ds = c->ds;
    const sp_money *t12m = scratch;
    if (c->t12m_d && t == c->D) t12m = c->t12m_d; /* made already, for the tiers as of D */
    else t12m_into(ds, t, scratch);
    rec_t r;
    for (size_t i = 0; i < ds->customers.n; i++) {
        /* a customer created after t did not exist yet (records after the
         * as-of date never count) */
        if (!customer_row_exists_on(ds, i, t)) continue;
        customer_rec(c, &r, i);
        /* the tier here is the tier as of t (equal to D for the total) */
        r.v[DIM_TIER] = tier_of(c->q->tiers, c->q->ntiers, t12m[i]);
        r.day = t;
        r.amount = t12m[i];
        r.note = r.v[DIM_TIER];
        if (c->m == MET_TIER_CUSTOMERS) {
            if (matches(c, &r)) emit(c, &r, b, 1, 0);
            continue;
        }
        /* share: the denominator ignores the tier filter */
        bool in_tier = matches(c, &r);
        size_t fn = c->fn[DIM_TIER];
        c->fn[DIM_TIER] = 0;
        bool in_all = matches(c, &r);
        c->fn[DIM_TIER] = fn;
        if (!in_all || (t12m[i] == 0 && !in_tier)) continue;
        if (c->by_tier < 0 || !c->to_rows) {
            emit(c, &r, b, in_tier ? t12m[i] : 0, t12m[i]);
            continue;
        }
        /* --by tier: the customer's T12M is the numerator of its own tier's
         * row and part of the denominator of every tier's row (the share of
         * each tier in all T12M revenue); the total counts it once */
        bool rows = c->to_rows, total = c->to_total;
        if (total) {
            c->to_rows = false;
            emit(c, &r, b, in_tier ? t12m[i] : 0, t12m[i]);
            c->to_rows = rows;
        }
        c->to_total = false;
        const char *own = r.v[DIM_TIER];
        for (size_t k = 0; k < c->q->ntiers; k++) {
            const char *id = c->q->tiers[k].id;
            if (!tier_in_filter(c, id)) continue;
            r.v[DIM_TIER] = id;
            emit(c, &r, b, own == id ? t12m[i] : 0, t12m[i]);
        }
        r.v[DIM_TIER] = own;
        c->to_total = total;
    }
}

static void run_tier(ctx_t *c)
{
    size_t n = c->ds->customers.n;
    sp_money *t12m = xcalloc(n ? n : 1, sizeof *t12m);
    c->to_rows = c->time_slot < 0;
    c->to_total = true;
    tier_pass(c, c->D, -1, t12m);
    if (c->time_slot >= 0) {
        c->to_rows = true;
        c->to_total = false;
        for (size_t b = 0; b < c->nbuckets; b++) tier_pass(c, asof_of_bucket(c, b), (int)b, t12m);
    }
    c->to_rows = c->to_total = true;
    free(t12m);
}

/* months_in: Σ over calendar months of (days of the month inside p / days
 * of the month), as an exact fraction is not needed: a double. */
static double months_in(sp_period p)
{
    double m = 0;
    sp_day d = p.first;
    while (d <= p.last) {
        int y, mo, dd;
        day_to_ymd(d, &y, &mo, &dd);
        int dim = days_in_month(y, mo);
        sp_day mend = day_from_ymd(y, mo, dim);
        sp_day e = day_min(mend, p.last);
        m += (double)(e - d + 1) / (double)dim;
        d = e + 1;
    }
    return m;
}

/* ------------------------------------------------------------------ */
/* finishing                                                           */

static int64_t div_round(int64_t a, int64_t b)
{
    /* a / b rounded half away from zero (b > 0) */
    int64_t q = a / b, r = a % b;
    if (r < 0) r = -r;
    if (2 * r >= b) q += (a < 0) ? -1 : 1;
    return q;
}

/* value_of: the final value of an accumulator (visits_per_rep: den given). */
static sp_kpi_value value_of(sp_metric m, const acc_t *a, double vpr_den)
{
    sp_kpi_value v = {0};
    switch (m) {
    case MET_AVG_DEAL_SIZE:
        v.num = (double)a->a;
        v.den = (double)a->b;
        if (a->b == 0) v.null = true;
        else v.ival = div_round(a->a, a->b);
        break;
    case MET_WEIGHTED_PIPELINE: v.ival = div_round(a->a, 100); break;
    case MET_VISITS_PER_REP:
        v.num = (double)a->a;
        v.den = vpr_den;
        v.null = vpr_den <= 0;
        break;
    default:
        if (sp_metrics[m].unit == UNIT_MONEY || sp_metrics[m].unit == UNIT_COUNT) {
            v.ival = a->a;
        } else {
            v.num = (double)a->a;
            v.den = (double)a->b;
            v.null = a->b == 0;
        }
    }
    return v;
}

static int label_cmp(const void *a, const void *b)
{
    const char *x = a ? a : "", *y = b ? b : "";
    return strcmp(x, y);
}

/* the query whose rows are being sorted (qsort has no context argument;
 * per thread, set and cleared around the one qsort call in finish_rows) */
static _Thread_local const sp_kpi_query *sort_query;

/* tier_rank: the place of a tier label in the levels (min descending);
 * customers in no tier after every level. */
static size_t tier_rank(const sp_kpi_query *q, const char *label)
{
    for (size_t i = 0; label && i < q->ntiers; i++)
        if (strcmp(q->tiers[i].id, label) == 0) return i;
    return q->ntiers;
}

static int row_cmp(const void *a, const void *b)
{
    const row_t *x = a, *y = b;
    for (int i = 0; i < KPI_MAX_BY; i++) {
        const sp_kpi_query *q = sort_query;
        if (q && (size_t)i < q->nby && q->by[i] == BY_TIER) {
            size_t rx = tier_rank(q, x->key[i]), ry = tier_rank(q, y->key[i]);
            if (rx != ry) return rx < ry ? -1 : 1;
        }
        int c = label_cmp(x->key[i], y->key[i]);
        if (c) return c;
    }
    return 0;
}

/* rep_in_filter: a rep of the reps table in the filter: only the team and
 * rep filters apply (the rows of a breakdown by rep). */
static bool rep_in_filter(const ctx_t *c, const sp_rep *rep)
{
    const char *v[DIM_COUNT] = {0};
    v[DIM_TEAM] = rep->team;
    v[DIM_REP] = rep->id;
    static const sp_dim dims[] = {DIM_TEAM, DIM_REP};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        sp_dim d = dims[k];
        if (!c->fn[d]) continue;
        bool any = false;
        for (size_t i = 0; v[d] && i < c->fn[d] && !any; i++) any = strcmp(v[d], c->fval[d][i]) == 0;
        if (!any) return false;
    }
    return true;
}

/* a rep counted by visits_per_rep: active, role rep, and matching the
 * filter's team / rep / region / industry on the rep record itself. */
static bool rep_counted(const ctx_t *c, const sp_rep *rep)
{
    if (!rep->active || rep->role != ROLE_REP) return false;
    const char *v[DIM_COUNT] = {0};
    v[DIM_TEAM] = rep->team;
    v[DIM_REP] = rep->id;
    v[DIM_REGION] = rep->region;
    v[DIM_INDUSTRY] = rep->industry;
    static const sp_dim dims[] = {DIM_TEAM, DIM_REP, DIM_REGION, DIM_INDUSTRY};
    for (size_t k = 0; k < sizeof dims / sizeof dims[0]; k++) {
        sp_dim d = dims[k];
        if (!c->fn[d]) continue;
        bool any = false;
        for (size_t i = 0; v[d] && i < c->fn[d] && !any; i++) any = strcmp(v[d], c->fval[d][i]) == 0;
        if (!any) return false;
    }
    return true;
}

/* domain of one breakdown slot: distinct label pointers */
typedef struct domain {
    const void **v;
    size_t n, cap;
    sp_ptrmap *seen;
} domain_t;

static void domain_add(domain_t *d, const void *p)
{
    size_t x;
    if (ptrmap_get(d->seen, p, &x)) return;
    ptrmap_put(d->seen, p, d->n);
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
    }
    d->v[d->n++] = p;
}

/* finish_rows: zero-fill, compute final values, sort, copy into res. */
static void finish_rows(ctx_t *c)
{
    const sp_kpi_query *q = c->q;
    sp_kpi_result *res = c->res;
    size_t nby = q->nby;
    const sp_dataset *ds = c->ds;

    /* visits_per_rep: the reps counted */
    const sp_rep **counted = NULL;
    size_t ncounted = 0;
    if (c->m == MET_VISITS_PER_REP) {
        counted = xcalloc(ds->reps.n ? ds->reps.n : 1, sizeof *counted);
        for (size_t i = 0; i < ds->reps.n; i++)
            if (rep_counted(c, &ds->rep_rows[i])) counted[ncounted++] = &ds->rep_rows[i];
    }

    if (nby > 0) {
        domain_t dom[KPI_MAX_BY];
        memset(dom, 0, sizeof dom);
        for (size_t s = 0; s < nby; s++) {
            dom[s].seen = ptrmap_new(64);
            sp_bykey k = q->by[s];
            if (bykey_is_time(k)) {
                for (size_t b = 0; b < c->nbuckets; b++) domain_add(&dom[s], c->buckets[b].label);
            } else if (k == BY_REP) {
                for (size_t i = 0; i < ds->reps.n; i++)
                    if (rep_in_filter(c, &ds->rep_rows[i])) domain_add(&dom[s], ds->rep_rows[i].id);
            } else if (k == BY_TIER) {
                /* every tier of the levels in force, zeros included */
                for (size_t i = 0; i < q->ntiers; i++)
                    if (tier_in_filter(c, q->tiers[i].id)) domain_add(&dom[s], q->tiers[i].id);
            } else if (k == BY_TEAM && c->m == MET_VISITS_PER_REP) {
                for (size_t i = 0; i < ncounted; i++)
                    domain_add(&dom[s], counted[i]->team ? counted[i]->team : NONE_LABEL);
            }
            if (!bykey_is_time(k))
                for (size_t i = 0; i < c->rows.n; i++) domain_add(&dom[s], c->rows.rows[i].key[s]);
        }
        /* cross product of the domains, unless absurdly large */
        double prod = 1;
        for (size_t s = 0; s < nby; s++) prod *= (double)dom[s].n;
        if (prod <= 4e6) {
            size_t idx[KPI_MAX_BY] = {0, 0, 0};
            bool any = true;
            for (size_t s = 0; s < nby; s++)
                if (dom[s].n == 0) any = false;
            while (any) {
                const void *k[KPI_MAX_BY] = {NULL, NULL, NULL};
                for (size_t s = 0; s < nby; s++) k[s] = dom[s].v[idx[s]];
                rowmap_get(&c->rows, k, true);
                size_t s = nby;
                while (s > 0) {
                    s--;
                    if (++idx[s] < dom[s].n) break;
                    idx[s] = 0;
                    if (s == 0) any = false;
                }
            }
        }
        for (size_t s = 0; s < nby; s++) {
            free(dom[s].v);
            ptrmap_free(dom[s].seen);
        }
    }

    /* bucket period of a time label (for visits_per_rep months) */
    sp_ptrmap *bucket_by_label = NULL;
    if (c->time_slot >= 0) {
        bucket_by_label = ptrmap_new(c->nbuckets);
        for (size_t b = 0; b < c->nbuckets; b++) ptrmap_put(bucket_by_label, c->buckets[b].label, b);
    }

    sort_query = q;
    if (c->rows.n > 1) qsort(c->rows.rows, c->rows.n, sizeof *c->rows.rows, row_cmp);
    sort_query = NULL;
    res->nrows = nby > 0 ? c->rows.n : 1;
    res->rows = xcalloc(res->nrows ? res->nrows : 1, sizeof *res->rows);

    double months_all = c->empty ? 0 : months_in(c->eff);
    res->total = value_of(c->m, &c->total, (double)ncounted * months_all);

    if (nby == 0) {
        res->rows[0].value = res->total;
    } else {
        for (size_t i = 0; i < c->rows.n; i++) {
            const row_t *row = &c->rows.rows[i];
            double den = 0;
            if (c->m == MET_VISITS_PER_REP) {
                double months = months_all;
                size_t nreps = 0;
                for (size_t s = 0; s < nby; s++) {
                    size_t b;
                    if (bykey_is_time(q->by[s]) && ptrmap_get(bucket_by_label, row->key[s], &b))
                        months = months_in(c->buckets[b].p);
                }
                for (size_t r = 0; r < ncounted; r++) {
                    bool ok = true;
                    for (size_t s = 0; s < nby && ok; s++) {
                        const char *lab = row->key[s];
                        if (q->by[s] == BY_TEAM)
                            ok = strcmp(counted[r]->team ? counted[r]->team : "", lab) == 0;
                        else if (q->by[s] == BY_REP)
                            ok = strcmp(counted[r]->id, lab) == 0;
                    }
                    if (ok) nreps++;
                }
                den = (double)nreps * months;
            }
            res->rows[i].value = value_of(c->m, &row->acc, den);
            for (size_t s = 0; s < nby; s++)
                res->rows[i].key[s] = strpool_intern(res->pool, row->key[s], (size_t)-1);
        }
    }
    ptrmap_free(bucket_by_label);
    free(counted);
}

static int explain_qcmp(const void *a, const void *b) { return explain_cmp(a, b); }

/* ------------------------------------------------------------------ */

bool kpi_compute(const sp_dataset *ds, const sp_kpi_query *q, sp_kpi_result *res, sp_err *err)
{
    if (!kpi_query_check(q, err)) return false;
    ctx_t c;
    memset(&c, 0, sizeof c);
    c.ds = ds;
    c.q = q;
    c.res = res;
    c.m = q->metric;
    c.D = q->as_of;
    c.eff.first = q->period.first;
    c.eff.last = day_min(q->period.last, q->as_of);
    c.empty = c.eff.first > c.eff.last;
    c.time_slot = -1;
    c.by_tier = -1;
    c.to_rows = c.to_total = true;
    res->metric = q->metric;
    if (!res->pool) res->pool = strpool_new();

    /* filters */
    for (size_t i = 0; i < q->where.n; i++) {
        sp_dim d = q->where.kv[i].dim;
        c.fval[d] = xreallocarray(c.fval[d], c.fn[d] + 1, sizeof *c.fval[d]);
        c.fval[d][c.fn[d]++] = q->where.kv[i].value ? q->where.kv[i].value : "";
        c.need[d] = true;
    }
    bool need_tier = c.fn[DIM_TIER] > 0;
    for (size_t i = 0; i < q->nby; i++) {
        if (bykey_is_time(q->by[i])) {
            c.time_slot = (int)i;
            c.grain = bykey_grain(q->by[i]);
        } else {
            c.need[bykey_dim(q->by[i])] = true;
            if (q->by[i] == BY_TIER) {
                need_tier = true;
                c.by_tier = (int)i;
            }
        }
    }

    c.need_cust = c.need[DIM_REGION] || c.need[DIM_INDUSTRY] || c.need[DIM_SIZE] || c.need[DIM_TIER];
    fcode_build(&c);
    cust_ok_build(&c);
    /* tiers as of D */
    if (need_tier && ds->customers.n > 0) {
        sp_money *t = xmalloc(ds->customers.n * sizeof *t); /* (customer_t12m zeroes it) */
        customer_t12m(ds, c.D, t);
        c.tier_d = xmalloc(ds->customers.n * sizeof *c.tier_d);
        for (size_t i = 0; i < ds->customers.n; i++) c.tier_d[i] = tier_of(q->tiers, q->ntiers, t[i]);
        c.t12m_d = t;
    }

    /* time buckets of the effective period */
    if (c.time_slot >= 0 && !c.empty) {
        size_t ndays = (size_t)(c.eff.last - c.eff.first) + 1;
        c.day_bucket = xcalloc(ndays, sizeof *c.day_bucket);
        size_t cap = 0;
        sp_day d = c.eff.first;
        while (d <= c.eff.last) {
            sp_period b = grain_bucket(c.grain, d);
            sp_period clip = {day_max(b.first, c.eff.first), day_min(b.last, c.eff.last)};
            if (c.nbuckets == cap) {
                cap = cap ? cap * 2 : 16;
                c.buckets = xreallocarray(c.buckets, cap, sizeof *c.buckets);
            }
            char lab[32];
            grain_label(c.grain, d, lab);
            c.buckets[c.nbuckets].p = clip;
            c.buckets[c.nbuckets].label = strpool_intern(res->pool, lab, (size_t)-1);
            for (sp_day x = clip.first; x <= clip.last; x++)
                c.day_bucket[x - c.eff.first] = (int32_t)c.nbuckets;
            c.nbuckets++;
            d = clip.last + 1;
        }
    }
    if (q->explain) c.ex = xcalloc(EXPLAIN_CAP, sizeof *c.ex);

    switch (c.m) {
    case MET_REVENUE:
    case MET_DEALS_WON:
    case MET_AVG_DEAL_SIZE:
    case MET_NEW_CUSTOMER_REVENUE:
    case MET_NEW_CUSTOMER_REVENUE_SHARE:
    case MET_WIN_RATE:
    case MET_SALES_CYCLE_DAYS:
    case MET_GROSS_MARGIN: run_deal_metrics(&c); break;
    case MET_NEW_CUSTOMERS: run_new_customers(&c); break;
    case MET_LEADS:
    case MET_QUALIFIED_LEADS:
    case MET_LEAD_CONVERSION_RATE: run_leads(&c); break;
    case MET_VISITS:
    case MET_ACTIVITIES:
    case MET_VISITS_PER_REP:
    case MET_ACTIVE_CUSTOMERS: run_activities(&c); break;
    case MET_COLLECTION_RATE:
    case MET_COLLECTED: run_invoices(&c); break;
    case MET_SPEND: run_spend(&c); break;
    case MET_PIPELINE:
    case MET_WEIGHTED_PIPELINE: run_pipeline(&c); break;
    case MET_RENEWAL_RATE: run_renewal(&c); break;
    case MET_TIER_CUSTOMERS:
    case MET_TIER_REVENUE_SHARE: run_tier(&c); break;
    default: break;
    }

    finish_rows(&c);
    bool ok = !c.overflow;
    if (!ok)
        err_set(err, SP_EINVAL, _("%s: the sum is beyond the range of amounts (±92,233,720,368,547,758.07)"),
                sp_metrics[c.m].name);

    if (q->explain && ok) {
        if (c.nex > 1) qsort(c.ex, c.nex, sizeof *c.ex, explain_qcmp);
        res->explain = xcalloc(c.nex ? c.nex : 1, sizeof *res->explain);
        for (size_t i = 0; i < c.nex; i++) {
            sp_explain_row e = c.ex[i];
            e.table = strpool_intern(res->pool, e.table, (size_t)-1);
            e.id = e.id ? strpool_intern(res->pool, e.id, (size_t)-1) : NULL;
            e.note = e.note ? strpool_intern(res->pool, e.note, (size_t)-1) : NULL;
            res->explain[i] = e;
        }
        res->nexplain = c.nex;
        res->nexplain_total = c.ex_total;
    }

    for (int d = 0; d < DIM_COUNT; d++) free(c.fval[d]);
    free(c.tier_d);
    free(c.t12m_d);
    free(c.cust_ok);
    free(c.buckets);
    free(c.day_bucket);
    free(c.ex);
    rowmap_free(&c.rows);
    ptrmap_free(c.extra_cust);
    free(c.seen);
    free(c.pairs);
    return ok;
}

void kpi_result_free(sp_kpi_result *res)
{
    if (!res) return;
    free(res->rows);
    free(res->explain);
    if (res->pool) strpool_free(res->pool);
    memset(res, 0, sizeof *res);
}

/* ------------------------------------------------------------------ */
/* several deal questions in one pass (kpi_compute_jobs)               */

/* job kinds: closed deals in a period, deals open on D (pipeline,
 * weighted), and the weighted deals open on D that close in P (forecast) */
enum { JK_CLOSED, JK_OPEN, JK_CLOSING };

/* a filter value set of one dimension as dictionary codes (or size enums) */
#define JOB_MAXV 8
typedef struct jobset {
    uint32_t v[JOB_MAXV];
    uint8_t n;               /* 0: no filter on the dimension */
} jobset_t;

typedef struct jobplan {
    int kind;
    bool weighted;
    sp_day lo, hi;           /* JK_CLOSED: the effective period */
    jobset_t prod, rep;      /* deal columns */
    int cbit;                /* bit of the customer filter in the mask, -1 none */
    bool newc;               /* new-customer revenue (share): needs the first won deals */
    acc_t acc;
    bool overflow;
} jobplan_t;

typedef struct custf {
    jobset_t region, industry, size;
} custf_t;

static bool jobset_has(const jobset_t *s, uint32_t x)
{
    for (uint8_t i = 0; i < s->n; i++)
        if (s->v[i] == x) return true;
    return false;
}

/* jobset_add: false when the set is full (the job is left to kpi_compute).
 * A value the dataset does not hold gets code 0, which no record has. */
static bool jobset_add(jobset_t *s, uint32_t x)
{
    if (jobset_has(s, x)) return true;
    if (s->n == JOB_MAXV) return false;
    s->v[s->n++] = x;
    return true;
}

static bool jobset_eq(const jobset_t *a, const jobset_t *b)
{
    if (a->n != b->n) return false;
    for (uint8_t i = 0; i < a->n; i++)
        if (!jobset_has(b, a->v[i])) return false;
    return true;
}

/* job_size: the enum of a size filter value (SIZE_NONE: matches nothing) */
static uint32_t job_size(const char *v)
{
    for (int s = SIZE_SMALL; s < SIZE_COUNT; s++)
        if (str_eq(v, size_name((sp_size)s))) return (uint32_t)s;
    return UINT32_MAX;
}

/* job_plan: the plan of job j, false when it is not one the pass answers
 * (the caller computes it with kpi_compute, which also reports errors). */
static bool job_plan(const sp_dataset *ds, const sp_kpi_job *j, jobplan_t *p, custf_t *cf)
{
    const sp_kpi_query *q = &j->q;
    memset(p, 0, sizeof *p);
    memset(cf, 0, sizeof *cf);
    p->cbit = -1;
    if (q->nby || q->explain || q->period.first > q->period.last) return false;
    switch (q->metric) {
    case MET_REVENUE:
    case MET_DEALS_WON:
    case MET_AVG_DEAL_SIZE:
    case MET_WIN_RATE: p->kind = JK_CLOSED; break;
    case MET_NEW_CUSTOMER_REVENUE:
    case MET_NEW_CUSTOMER_REVENUE_SHARE: /* the first won deals found once for the pass */
        p->kind = JK_CLOSED;
        p->newc = true;
        break;
    case MET_PIPELINE: p->kind = JK_OPEN; break;
    case MET_WEIGHTED_PIPELINE:
        p->kind = j->closing ? JK_CLOSING : JK_OPEN;
        p->weighted = true;
        break;
    default: return false;
    }
    if (j->closing && q->metric != MET_WEIGHTED_PIPELINE) return false;
    p->lo = q->period.first;
    p->hi = day_min(q->period.last, q->as_of);
    for (size_t i = 0; i < q->where.n; i++) {
        const sp_filter_kv *kv = &q->where.kv[i];
        const char *v = kv->value ? kv->value : "";
        jobset_t *s;
        uint32_t code;
        switch (kv->dim) {
        case DIM_REGION: s = &cf->region; code = dataset_find_code(ds, v); break;
        case DIM_INDUSTRY: s = &cf->industry; code = dataset_find_code(ds, v); break;
        case DIM_SIZE: s = &cf->size; code = job_size(v); break;
        case DIM_REP: s = &p->rep; code = dataset_find_code(ds, v); break;
        case DIM_PRODUCT: s = &p->prod; code = dataset_find_code(ds, v); break;
        default: return false;
        }
        if (code == UINT32_MAX) return false; /* an unknown size: kpi_query_check says so */
        if (!jobset_add(s, code)) return false;
    }
    return true;
}

/* cust_match: customer row ci passes customer filter f */
static bool cust_match(const sp_dataset *ds, const custf_t *f, size_t ci)
{
    const sp_customer_cols *t = &ds->customers;
    if (f->region.n && (!t->region[ci] || !jobset_has(&f->region, t->region[ci]))) return false;
    if (f->industry.n && (!t->industry[ci] || !jobset_has(&f->industry, t->industry[ci]))) return false;
    if (f->size.n && (t->size[ci] == SIZE_NONE || !jobset_has(&f->size, t->size[ci]))) return false;
    return true;
}

static void job_add(jobplan_t *p, int64_t a, int64_t b)
{
    if (__builtin_add_overflow(p->acc.a, a, &p->acc.a)) p->overflow = true;
    if (__builtin_add_overflow(p->acc.b, b, &p->acc.b)) p->overflow = true;
}

/* job_deal_passes: deal row i passes job p's filters: its customer's bit
 * of the filter mask (*cm: the row's mask, read once per deal,
 * UINT32_MAX until then), its owner and product by code */
static bool job_deal_passes(const jobplan_t *p, const sp_deal_cols *t, size_t i, const uint8_t *mask8,
                            const uint32_t *mask, uint32_t *cm)
{
    if (p->cbit >= 0) {
        if (*cm == UINT32_MAX) {
            uint32_t ci = t->customer_row[i];
            *cm = ci == SP_NOROW ? 0 : mask8 ? mask8[ci] : mask[ci];
        }
        if (!(*cm >> p->cbit & 1)) return false;
    }
    if (p->rep.n && (!t->owner[i] || !jobset_has(&p->rep, t->owner[i]))) return false;
    if (p->prod.n && (!t->product[i] || !jobset_has(&p->prod, t->product[i]))) return false;
    return true;
}

void kpi_compute_jobs(const sp_dataset *ds, sp_kpi_job *jobs, size_t n)
{
    if (n == 0) return;
    jobplan_t *pl = xcalloc(n, sizeof *pl);
    size_t *idx = xcalloc(n, sizeof *idx), nidx = 0;
    custf_t cfs[32];
    size_t ncf = 0;
    sp_day D = 0;
    bool haveD = false, any_open = false, any_closed = false, any_newc = false;
    sp_day clo = SP_DAY_MAX, chi = SP_DAY_MIN;
    ctx_t fc;          /* for firsts_build / firsts_of: the dataset and D */
    firsts_t firsts;
    memset(&fc, 0, sizeof fc);
    memset(&firsts, 0, sizeof firsts);
    for (size_t k = 0; k < n; k++) {
        jobs[k].done = false;
        custf_t cf;
        if (!job_plan(ds, &jobs[k], &pl[k], &cf)) continue;
        if (haveD && jobs[k].q.as_of != D) continue; /* one as-of date per pass */
        sp_err e = SP_ERR_INIT;
        bool valid = kpi_query_check(&jobs[k].q, &e);
        err_free(&e);
        if (!valid) continue;
        if (cf.region.n || cf.industry.n || cf.size.n) {
            size_t b = 0;
            while (b < ncf && !(jobset_eq(&cfs[b].region, &cf.region) && jobset_eq(&cfs[b].industry, &cf.industry) &&
                                jobset_eq(&cfs[b].size, &cf.size)))
                b++;
            if (b == ncf) {
                if (ncf == 32) continue;
                cfs[ncf++] = cf;
            }
            pl[k].cbit = (int)b;
        }
        D = jobs[k].q.as_of;
        haveD = true;
        if (pl[k].newc) any_newc = true;
        if (pl[k].kind == JK_CLOSED) {
            any_closed = true;
            if (pl[k].lo < clo) clo = pl[k].lo;
            if (pl[k].hi > chi) chi = pl[k].hi;
        } else {
            any_open = true;
        }
        idx[nidx++] = k;
    }
    if (nidx == 0) goto out;
    /* the customer filters as one bit each per customer row */
    /* (a byte per customer when it will do: the deals reach their customers
     * in random order, and a smaller array stays in the cache) */
    uint8_t *mask8 = NULL;
    uint32_t *mask = NULL;
    if (ncf) {
        size_t nc = ds->customers.n;
        if (ncf <= 8) mask8 = xcalloc(nc ? nc : 1, 1);
        else mask = xcalloc(nc ? nc : 1, sizeof *mask);
        for (size_t i = 0; i < nc; i++) {
            uint32_t m = 0;
            for (size_t b = 0; b < ncf; b++)
                if (cust_match(ds, &cfs[b], i)) m |= 1u << b;
            if (mask8) mask8[i] = (uint8_t)m;
            else mask[i] = m;
        }
    }
    if (any_newc) { /* each customer's first won deal as of D (ties by id), once */
        fc.ds = ds;
        fc.D = D;
        firsts_build(&fc, &firsts);
    }
    /* closed-deal jobs first, then the open ones */
    size_t *cj = xcalloc(nidx, sizeof *cj), *oj = xcalloc(nidx, sizeof *oj), ncj = 0, noj = 0;
    for (size_t x = 0; x < nidx; x++) {
        size_t k = idx[x];
        if (pl[k].kind == JK_CLOSED) cj[ncj++] = k;
        else oj[noj++] = k;
    }
    const sp_deal_cols *t = &ds->deals;
    for (size_t i = 0; i < t->n; i++) {
        /* the customers come in random order: ask for a later deal's
         * filter byte ahead (a cache miss each otherwise) */
        if ((mask8 || mask) && i + 32 < t->n) {
            uint32_t ca = t->customer_row[i + 32];
            if (ca != SP_NOROW) {
                if (mask8) __builtin_prefetch(&mask8[ca]);
                else __builtin_prefetch(&mask[ca]);
            }
        }
        sp_day cl = t->closed_on[i], cr = t->created_on[i];
        uint8_t st = t->stage[i];
        if (any_closed && st != STAGE_OPEN && cl != SP_DAY_NONE && cl >= clo && cl <= chi &&
            (cr == SP_DAY_NONE || cr <= D)) {
            uint32_t cm = UINT32_MAX;
            for (size_t x = 0; x < ncj; x++) {
                jobplan_t *p = &pl[cj[x]];
                if (cl < p->lo || cl > p->hi) continue;
                sp_metric m = jobs[cj[x]].q.metric;
                if (st != STAGE_WON && m != MET_WIN_RATE) continue;
                if (!job_deal_passes(p, t, i, mask8, mask, &cm)) continue;
                switch (m) {
                case MET_REVENUE: job_add(p, t->amount[i], 0); break;
                case MET_DEALS_WON: job_add(p, 1, 0); break;
                case MET_AVG_DEAL_SIZE: job_add(p, t->amount[i], 1); break;
                case MET_NEW_CUSTOMER_REVENUE:
                case MET_NEW_CUSTOMER_REVENUE_SHARE: { /* as run_deal_metrics */
                    int8_t nc = t->is_new_customer[i];
                    bool is_new = nc == 1 || (nc < 0 && firsts_of(&fc, &firsts, i) == i);
                    if (m == MET_NEW_CUSTOMER_REVENUE) job_add(p, is_new ? t->amount[i] : 0, 0);
                    else job_add(p, is_new ? t->amount[i] : 0, t->amount[i]);
                    break;
                }
                default: job_add(p, st == STAGE_WON, 1); break; /* win rate */
                }
            }
        }
        if (any_open && cr != SP_DAY_NONE && cr <= D && (st == STAGE_OPEN || (cl != SP_DAY_NONE && cl > D))) {
            uint32_t cm = UINT32_MAX;
            for (size_t x = 0; x < noj; x++) {
                jobplan_t *p = &pl[oj[x]];
                if (p->kind == JK_CLOSING) {
                    /* pace.c closes_in: the expected close date in P, or none
                     * and P the period running on D */
                    sp_period P = jobs[oj[x]].q.period;
                    bool in = t->has_expected_close[i]
                                  ? t->expected_close_on[i] >= P.first && t->expected_close_on[i] <= P.last
                                  : D >= P.first && D <= P.last;
                    if (!in) continue;
                }
                if (!job_deal_passes(p, t, i, mask8, mask, &cm)) continue;
                int64_t v = t->amount[i];
                if (p->weighted &&
                    __builtin_mul_overflow(t->amount[i], (int64_t)(t->probability[i] > 0 ? t->probability[i] : 0), &v)) {
                    p->overflow = true;
                    continue;
                }
                job_add(p, v, 0);
            }
        }
    }
    for (size_t x = 0; x < nidx; x++) {
        size_t k = idx[x];
        if (pl[k].overflow) continue; /* kpi_compute says which metric */
        sp_metric m = jobs[k].q.metric;
        jobs[k].value = value_of(m, &pl[k].acc, 0);
        jobs[k].done = true;
    }
    free(cj);
    free(oj);
    free(mask8);
    free(mask);
    if (any_newc) firsts_free(&firsts);
out:
    free(pl);
    free(idx);
}
