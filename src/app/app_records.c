/*
 * app_records.c — records pushed one by one (the JSON API's POST
 * /api/v1/{deals|customers|leads|invoices|spend|activities}, and
 * `activity add`): every record validated by the CSV import's own rules
 * and messages (io/import.c: column names and aliases, value parsers,
 * references), then all of them upserted in one transaction, or none.
 *
 * Owns: turning a record's fields into a header and a row for
 * import_parse_row (the columns not given become empty cells, so the
 * import says what is missing), the checks a file import makes across
 * rows (an id once per call), and the rules of logging an activity (the
 * customer inside the caller's scope, the rep, not after today). Prints
 * nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../io/out.h"
#include "../io/plan_yaml.h"
#include "app.h"
#include "app_int.h"

/* ---- messages ---- */

static void msg_add(sp_record_msg **v, size_t *n, size_t index, const char *field, sp_errclass cls, const char *fmt,
                    ...) SP_PRINTF(6, 7);
static void msg_add(sp_record_msg **v, size_t *n, size_t index, const char *field, sp_errclass cls, const char *fmt,
                    ...)
{
    *v = xreallocarray(*v, *n + 1, sizeof **v);
    sp_record_msg *m = &(*v)[(*n)++];
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    m->index = index;
    m->field = field ? xstrdup(field) : NULL;
    m->text = buf_detach(&b);
    if (!m->text) m->text = xstrdup("");
    m->cls = cls;
}

/* lines_add: each "column: why" line of text as a message of record i. */
static void lines_add(sp_record_msg **v, size_t *n, size_t i, const char *text)
{
    for (const char *s = text; *s;) {
        size_t len = strcspn(s, "\n");
        const char *colon = memchr(s, ':', len);
        if (colon && colon + 1 < s + len && colon[1] == ' ') {
            char *field = xstrndup(s, (size_t)(colon - s));
            msg_add(v, n, i, field, SP_EINVAL, "%.*s", (int)(len - (size_t)(colon + 2 - s)), colon + 2);
            free(field);
        } else {
            msg_add(v, n, i, NULL, SP_EINVAL, "%.*s", (int)len, s);
        }
        s += len + (s[len] ? 1 : 0);
    }
}

static void msgs_free(sp_record_msg *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].field);
        free(v[i].text);
    }
    free(v);
}

/* ---- activities: the rules of `activity add` ---- */

/* new_id: "act-CUSTOMER-YYYYMMDD-XXXXXXXX" (8 random hex digits), unique
 * in practice without reading the table, so two writers never pick the
 * same id. */
static char *new_id(const char *customer, sp_day on)
{
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = (uint32_t)ts.tv_nsec ^ (uint32_t)ts.tv_sec * 2654435761u;
    }
    char db[16];
    day_format(on, db);
    char ymd[9] = {db[0], db[1], db[2], db[3], db[5], db[6], db[8], db[9], 0};
    return xasprintf("act-%s-%s-%08x", customer, ymd, r);
}

static bool rep_known(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    for (size_t i = 0; i < ds->reps.n; i++)
        if (str_eq(ds->rep_rows[i].id, id)) return true;
    return plan && plan_find_member(plan, id, NULL) != NULL;
}

typedef struct cust_ref {
    const char *id;          /* the record's customer_id (trimmed copy) */
    size_t rec;
    bool found;
    const char *owner;       /* borrowed from the dataset */
} cust_ref;

static int cust_cmp(const void *a, const void *b)
{
    return strcmp(((const cust_ref *)a)->id, ((const cust_ref *)b)->id);
}

/* the context of one call for activities */
typedef struct act_ctx {
    sp_plan *plan;
    sp_dataset *ds;
    sp_day today, as_of;
    cust_ref *custs;         /* sorted by id */
    size_t ncusts;
} act_ctx;

/* act_load: the plan (optional), today, the customers and reps, and for
 * each record's customer whether it exists and its owner (one pass over
 * the customers, whatever the batch's size). */
static bool act_load(const sp_records_req *rq, char **vals, act_ctx *a, sp_err *err)
{
    sp_store *st = rq->r.st;
    if (!app_load_plan(st, rq->r.plan_id, false, &a->plan, err)) return false;
    a->today = rq->r.today != SP_DAY_NONE ? rq->r.today
                                          : app_today(a->plan ? a->plan->timezone : NULL, (int64_t)time(NULL));
    a->as_of = app_as_of(&rq->r, a->plan);
    sp_load_spec spec;
    load_spec_init(&spec);
    load_spec_want(&spec, TBL_CUSTOMERS, SP_DAY_MIN, SP_DAY_MAX);
    load_spec_want(&spec, TBL_REPS, SP_DAY_MIN, SP_DAY_MAX);
    a->ds = dataset_new();
    if (!st->ops->load(st, &spec, a->ds, err)) return false;
    a->custs = xcalloc(rq->n ? rq->n : 1, sizeof *a->custs);
    for (size_t i = 0; i < rq->n; i++)
        if (vals[i] && *vals[i]) a->custs[a->ncusts++] = (cust_ref){vals[i], i, false, NULL};
    qsort(a->custs, a->ncusts, sizeof *a->custs, cust_cmp);
    for (size_t r = 0; r < a->ds->customers.n && a->ncusts; r++) {
        sp_customer c = customer_at(a->ds, r);
        cust_ref key = {c.id, 0, false, NULL};
        cust_ref *hit = bsearch(&key, a->custs, a->ncusts, sizeof *a->custs, cust_cmp);
        if (!hit) continue;
        /* every record of that customer (several may name it) */
        while (hit > a->custs && strcmp(hit[-1].id, c.id) == 0) hit--;
        for (; hit < a->custs + a->ncusts && strcmp(hit->id, c.id) == 0; hit++) {
            hit->found = true;
            hit->owner = c.owner;
        }
    }
    return true;
}

static const cust_ref *act_customer(const act_ctx *a, size_t rec)
{
    for (size_t i = 0; i < a->ncusts; i++)
        if (a->custs[i].rec == rec) return &a->custs[i];
    return NULL;
}

static void act_free(act_ctx *a)
{
    free(a->custs);
    dataset_free(a->ds);
    plan_free(a->plan);
}

/* ---- the plans the references are checked against ---- */

/* load_plans: the request's plan, else every plan (as `import`). */
static bool load_plans(sp_store *st, const char *plan_id, sp_plan ***out, size_t *n, sp_err *err)
{
    *out = NULL;
    *n = 0;
    if (plan_id) {
        sp_plan *p = NULL;
        if (!app_load_plan(st, plan_id, true, &p, err)) return false;
        *out = xcalloc(1, sizeof **out);
        (*out)[(*n)++] = p;
        return true;
    }
    sp_plan_info *infos = NULL;
    size_t ninfos = 0;
    if (!st->ops->plan_list(st, &infos, &ninfos, err)) return false;
    *out = xcalloc(ninfos ? ninfos : 1, sizeof **out);
    for (size_t i = 0; i < ninfos; i++) {
        char *text = NULL;
        sp_err perr = SP_ERR_INIT;
        if (st->ops->plan_get(st, infos[i].id, 0, &text, &perr)) {
            sp_plan *p = plan_yaml_parse(text, strlen(text), infos[i].id, &perr);
            if (p) (*out)[(*n)++] = p;
        }
        free(text);
        err_free(&perr);
    }
    plan_info_free(infos, ninfos);
    return true;
}

/* ---- the verb ---- */

/* given: the index of the key of rec that maps onto canonical column
 * col, or -1. */
static int given(sp_table t, const sp_record_in *rec, const char *col)
{
    for (size_t k = 0; k < rec->n; k++) {
        const char *c = import_canonical_column(t, rec->keys[k]);
        if (c && strcmp(c, col) == 0) return (int)k;
    }
    return -1;
}

static const char *val_of(const sp_record_in *rec, int k)
{
    return k >= 0 && rec->values[k] ? rec->values[k] : "";
}

/* columns_text: "deal_id, customer_id, …" (the canonical columns of t). */
static void columns_text(sp_table t, buf_t *out)
{
    for (size_t i = 0; import_column_at(t, i); i++) {
        const char *c = import_column_at(t, i);
        bool dup = false;
        for (size_t j = 0; j < i; j++) dup = dup || strcmp(import_column_at(t, j), c) == 0;
        if (dup) continue;
        if (out->len) buf_puts(out, ", ");
        buf_puts(out, c);
    }
}

/* check_keys: every key a column of t, none twice, values bounded. */
static bool check_keys(sp_table t, const sp_record_in *rec, size_t i, sp_records_res *res)
{
    size_t before = res->nerrors;
    for (size_t k = 0; k < rec->n; k++) {
        const char *c = import_canonical_column(t, rec->keys[k]);
        if (!c) {
            buf_t cols = BUF_INIT;
            columns_text(t, &cols);
            msg_add(&res->errors, &res->nerrors, i, rec->keys[k], SP_EINVAL, _("not a column of %s (%s)"),
                    table_name(t), buf_cstr(&cols));
            buf_free(&cols);
            continue;
        }
        for (size_t j = 0; j < k; j++) {
            const char *cj = import_canonical_column(t, rec->keys[j]);
            if (cj && strcmp(cj, c) == 0) {
                msg_add(&res->errors, &res->nerrors, i, rec->keys[k], SP_EINVAL,
                        _("the same column as '%s' (%s): give it once"), rec->keys[j], c);
                break;
            }
        }
        if (rec->values[k] && strlen(rec->values[k]) > APP_RECORD_VALUE_MAX)
            msg_add(&res->errors, &res->nerrors, i, rec->keys[k], SP_EINVAL, _("longer than %d bytes"),
                    APP_RECORD_VALUE_MAX);
    }
    return res->nerrors == before;
}

/* row_of: the header (the record's keys, then every column of t it does
 * not give) and the row of cells (copies: the parser trims them in place
 * and the record points into them). defaults[c] (may be NULL) gives the
 * cell of a column not given. */
static void row_of(sp_table t, const sp_record_in *rec, const char *const *defaults, char ***hdr, char ***cells,
                   size_t *n)
{
    size_t cap = rec->n + 32;
    *hdr = xcalloc(cap, sizeof **hdr);
    *cells = xcalloc(cap, sizeof **cells);
    *n = 0;
    for (size_t k = 0; k < rec->n; k++) {
        (*hdr)[*n] = (char *)rec->keys[k];
        (*cells)[(*n)++] = xstrdup(rec->values[k] ? rec->values[k] : "");
    }
    for (size_t c = 0; import_column_at(t, c) && *n < cap; c++) {
        const char *col = import_column_at(t, c);
        bool have = given(t, rec, col) >= 0;
        for (size_t j = rec->n; j < *n && !have; j++) have = strcmp((*hdr)[j], col) == 0;
        if (have) continue;
        (*hdr)[*n] = (char *)col;
        (*cells)[(*n)++] = xstrdup(defaults && defaults[c] ? defaults[c] : "");
    }
}

static const char *rec_id(sp_table t, const sp_any_record *r)
{
    (void)t;
    return r->rep.id; /* every record struct begins with its id */
}

bool app_records_upsert(const sp_records_req *rq, sp_records_res *res, sp_err *err)
{
    sp_lang lang = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    sp_table t = rq->table;
    const sp_scope *scope = &rq->r.scope;
    bool ok = false, acts = t == TBL_ACTIVITIES;
    sp_plan **plans = NULL;
    size_t nplans = 0;
    act_ctx a;
    memset(&a, 0, sizeof a);
    char **act_vals = NULL;       /* activities: each record's customer_id (trimmed copy) */
    char **gen = NULL;            /* activities: generated / defaulted cells */
    res->table = t;
    if ((unsigned)t >= TBL_COUNT || t == TBL_REPS) {
        err_set(err, SP_EUSAGE, "%s", _("unknown table"));
        goto done;
    }
    if (rq->n == 0 || rq->n > APP_RECORDS_MAX) {
        err_set(err, SP_EUSAGE, _("give 1 to %d records"), APP_RECORDS_MAX);
        goto done;
    }
    if (!acts && scope->kind != SCOPE_ALL) {
        err_set(err, SP_EFORBIDDEN, _("only an admin writes %s records"), table_name(t));
        goto done;
    }
    res->recs = xcalloc(rq->n, sizeof *res->recs);
    res->fields = xcalloc(rq->n, sizeof *res->fields);
    res->nfields = xcalloc(rq->n, sizeof *res->nfields);
    res->nalloc = rq->n;
    /* the first pass: the keys */
    bool keys_ok = true;
    for (size_t i = 0; i < rq->n; i++) keys_ok = check_keys(t, &rq->recs[i], i, res) && keys_ok;
    if (!keys_ok) goto invalid;

    if (acts) {
        act_vals = xcalloc(rq->n, sizeof *act_vals);
        for (size_t i = 0; i < rq->n; i++) {
            char *v = xstrdup(val_of(&rq->recs[i], given(t, &rq->recs[i], "customer_id")));
            str_trim(v);
            act_vals[i] = v;
        }
        if (!act_load(rq, act_vals, &a, err)) goto done;
        gen = xcalloc(4 * rq->n, sizeof *gen);
    } else {
        sp_import_opts io;
        memset(&io, 0, sizeof io);
        if (!load_plans(st, rq->r.plan_id, &plans, &nplans, err)) goto done;
        io.plans = (const sp_plan *const *)plans;
        io.nplans = nplans;
        res->refs = import_refs_open(st, t, &io, err);
        if (!res->refs) goto done;
    }

    buf_t why = BUF_INIT, warn = BUF_INIT;
    char label[48];
    for (size_t i = 0; i < rq->n; i++) {
        const sp_record_in *rec = &rq->recs[i];
        const char *defaults[32] = {NULL};
        const cust_ref *cr = NULL;
        if (acts) {
            /* the defaults of `activity add`, as cells the import parses */
            char day[16];
            int k_on = given(t, rec, "occurred_on");
            sp_day on = a.as_of;
            const char *on_text = val_of(rec, k_on);
            const char *dwhy;
            if (*on_text && !date_parse_loose(on_text, &on, &dwhy)) on = SP_DAY_NONE; /* the parser says why */
            cr = act_customer(&a, i);
            if (*act_vals[i] &&
                (!cr || !cr->found || (scope->kind != SCOPE_ALL && !app_scope_has_rep(scope, a.plan, a.ds, cr->owner)))) {
                /* outside the scope: answered as one that does not exist */
                int kc = given(t, rec, "customer_id");
                msg_add(&res->errors, &res->nerrors, i, kc >= 0 ? rec->keys[kc] : "customer_id", SP_ENOTFOUND,
                        _("no customer '%s'"), act_vals[i]);
                res->hidden = true;
                continue;
            }
            const char *rep = NULL;
            if (!*val_of(rec, given(t, rec, "rep_id")))
                rep = scope->kind == SCOPE_REP ? scope->rep : cr && cr->found ? cr->owner : NULL;
            for (size_t c = 0; import_column_at(t, c); c++) {
                const char *col = import_column_at(t, c);
                if (strcmp(col, "occurred_on") == 0) defaults[c] = gen[4 * i] = xstrdup(day_format(a.as_of, day));
                else if (strcmp(col, "kind") == 0) defaults[c] = actkind_name(ACT_VISIT);
                else if (strcmp(col, "rep_id") == 0) defaults[c] = rep;
                else if (strcmp(col, "activity_id") == 0 && *act_vals[i] && on != SP_DAY_NONE)
                    defaults[c] = gen[4 * i + 1] = new_id(act_vals[i], on);
            }
        }
        char **hdr, **cells;
        size_t n;
        row_of(t, rec, defaults, &hdr, &cells, &n);
        res->fields[i] = cells;
        res->nfields[i] = n;
        snprintf(label, sizeof label, _("record %zu"), i + 1);
        sp_err cerr = SP_ERR_INIT;
        sp_import_cols *m = import_cols_new(t, hdr, n, label, NULL, &cerr);
        free(hdr);
        if (!m) { /* cannot happen: every column is in the header */
            lines_add(&res->errors, &res->nerrors, i, buf_cstr(&cerr.msg));
            err_free(&cerr);
            continue;
        }
        err_free(&cerr);
        buf_clear(&why);
        sp_any_record *r = &res->recs[i];
        bool parsed = import_parse_row(m, cells, n, r, &why);
        if (acts && !*act_vals[i]) {
            /* `activity add` needs the customer (the import does not) */
            int k = given(t, rec, "customer_id");
            msg_add(&res->errors, &res->nerrors, i, k >= 0 ? rec->keys[k] : "customer_id", SP_EINVAL, "%s",
                    _("required value is empty"));
        }
        if (!parsed) lines_add(&res->errors, &res->nerrors, i, buf_cstr(&why));
        if (parsed && res->refs) {
            buf_clear(&warn);
            import_refs_apply(res->refs, m, r, &warn, &res->matched);
            if (warn.len && rq->strict) {
                lines_add(&res->errors, &res->nerrors, i, buf_cstr(&warn));
                parsed = false;
            } else if (warn.len) {
                lines_add(&res->warnings, &res->nwarnings, i, buf_cstr(&warn));
            }
        }
        if (parsed && acts && *act_vals[i]) {
            sp_activity *ac = &r->activity;
            int kr = given(t, rec, "rep_id"), ko = given(t, rec, "occurred_on");
            if (ac->occurred_on > a.today) {
                char d1[16], d2[16];
                msg_add(&res->errors, &res->nerrors, i, ko >= 0 ? rec->keys[ko] : "occurred_on", SP_EINVAL,
                        _("the day %s is after today (%s): log what happened"), day_format(ac->occurred_on, d1),
                        day_format(a.today, d2));
            } else if (!ac->rep || !*ac->rep) {
                msg_add(&res->errors, &res->nerrors, i, kr >= 0 ? rec->keys[kr] : "rep_id", SP_EINVAL,
                        _("customer %s has no owner: name the rep"), act_vals[i]);
            } else if (!app_scope_has_rep(scope, a.plan, a.ds, ac->rep)) {
                msg_add(&res->errors, &res->nerrors, i, kr >= 0 ? rec->keys[kr] : "rep_id", SP_EFORBIDDEN,
                        _("%s '%s' is outside what you may see"), "rep", ac->rep);
                res->hidden = true;
            } else if (!rep_known(a.plan, a.ds, ac->rep)) {
                msg_add(&res->errors, &res->nerrors, i, kr >= 0 ? rec->keys[kr] : "rep_id", SP_EINVAL,
                        _("unknown rep '%s'"), ac->rep);
            }
        }
        /* an id once per call, as once per file */
        if (parsed) {
            const char *id = rec_id(t, r);
            for (size_t j = 0; j < i && id; j++) {
                const char *jd = res->fields[j] ? rec_id(t, &res->recs[j]) : NULL;
                if (jd && strcmp(jd, id) == 0) {
                    int k = given(t, rec, import_column_at(t, 0));
                    msg_add(&res->errors, &res->nerrors, i, k >= 0 ? rec->keys[k] : import_column_at(t, 0),
                            SP_EINVAL, _("'%s' is also the id of record %zu (an id may appear once in a call)"), id,
                            j + 1);
                    break;
                }
            }
        }
        import_cols_free(m);
    }
    buf_free(&why);
    buf_free(&warn);
    if (res->nerrors) goto invalid;

    if (!st->ops->begin(st, err)) goto done;
    for (size_t i = 0; i < rq->n; i++)
        if (!st->ops->upsert(st, t, &res->recs[i], err)) {
            st->ops->rollback(st);
            goto done;
        }
    if (!st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    res->n = rq->n;
    ok = true;
    goto done;

invalid:
    /* one line per problem; a record hidden by the scope makes it a 404 */
    for (size_t e = 0; e < res->nerrors; e++) {
        const sp_record_msg *m = &res->errors[e];
        sp_errclass cls = res->hidden ? SP_ENOTFOUND : SP_EINVAL;
        if (m->field) err_set(err, cls, _("record %zu: %s: %s"), m->index + 1, m->field, m->text);
        else err_set(err, cls, _("record %zu: %s"), m->index + 1, m->text);
    }
done:
    if (gen) {
        /* the cells hold copies: the generated texts are not needed */
        for (size_t i = 0; i < 4 * rq->n; i++) free(gen[i]);
        free(gen);
    }
    if (act_vals) {
        for (size_t i = 0; i < rq->n; i++) free(act_vals[i]);
        free(act_vals);
    }
    act_free(&a);
    for (size_t i = 0; i < nplans; i++) plan_free(plans[i]);
    free(plans);
    app_lang_leave(lang);
    return ok;
}

void app_records_free(sp_records_res *res)
{
    for (size_t i = 0; res->fields && i < res->nalloc; i++) {
        for (size_t k = 0; res->fields[i] && k < res->nfields[i]; k++) free(res->fields[i][k]);
        free(res->fields[i]);
    }
    free(res->fields);
    free(res->nfields);
    free(res->recs);
    import_refs_close(res->refs);
    msgs_free(res->errors, res->nerrors);
    msgs_free(res->warnings, res->nwarnings);
    memset(res, 0, sizeof *res);
}

static void msgs_json(const sp_record_msg *v, size_t n, buf_t *out)
{
    buf_putc(out, '[');
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s{\"index\":%zu,\"field\":", i ? "," : "", v[i].index);
        if (v[i].field) out_json_string(out, v[i].field);
        else buf_puts(out, "null");
        buf_puts(out, ",\"message\":");
        out_json_string(out, v[i].text);
        buf_putc(out, '}');
    }
    buf_putc(out, ']');
}

void app_records_errors_json(const sp_records_res *res, buf_t *out) { msgs_json(res->errors, res->nerrors, out); }

void app_records_json(const sp_records_res *res, buf_t *out)
{
    if (res->table == TBL_ACTIVITIES) {
        buf_puts(out, "{\"created\":[");
        for (size_t i = 0; i < res->n; i++) {
            const sp_activity *a = &res->recs[i].activity;
            buf_puts(out, i ? ",{\"id\":" : "{\"id\":");
            out_json_string(out, a->id);
            buf_puts(out, ",\"customer_id\":");
            out_json_string(out, a->customer_id);
            buf_puts(out, ",\"rep_id\":");
            out_json_string(out, a->rep);
            char d[16];
            buf_printf(out, ",\"occurred_on\":\"%s\",\"kind\":\"%s\"}", day_format(a->occurred_on, d),
                       actkind_name(a->kind));
        }
        buf_puts(out, "]}\n");
        return;
    }
    buf_puts(out, "{\"table\":");
    out_json_string(out, table_name(res->table));
    buf_printf(out, ",\"written\":%zu,\"ids\":[", res->n);
    for (size_t i = 0; i < res->n; i++) {
        if (i) buf_putc(out, ',');
        out_json_string(out, rec_id(res->table, &res->recs[i]));
    }
    buf_printf(out, "],\"matched\":%zu,\"warnings\":", res->matched);
    msgs_json(res->warnings, res->nwarnings, out);
    buf_puts(out, "}\n");
}
