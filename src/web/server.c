/*
 * server.c — `salesplan serve` on libmicrohttpd: a pool of worker threads
 * (libmicrohttpd's thread pool; each worker opens its own store handle on
 * first use), bounded requests, the route table enforced before any
 * handler runs, security headers, the access log, metrics, and a clean
 * stop on SIGTERM.
 *
 * Order of the checks, for every request:
 *   1. sizes: request target (414), header count (431), declared body
 *      against the route's limit (413); libmicrohttpd bounds request line +
 *      headers (WEB_HEADER_BYTES) itself
 *   2. route: path (404), method (405 with Allow)
 *   3. caller: bearer token or session cookie; none on a non-public route
 *      → 401 (API: problem+json with WWW-Authenticate) or 303 to /login
 *   4. role (403)
 *   5. CSRF on every write that is not by bearer token: the form field
 *      "csrf" or the X-CSRF-Token header equal to the session's token (or,
 *      without a session, to the sp_csrf cookie) (403, type csrf)
 *   6. fields: every query / form field declared, valid, not repeated
 *      unless allowed, required ones present (400, type invalid-field)
 *   7. the handler.
 *
 * Slow clients: a watchdog thread closes a connection that has not sent a
 * whole request within request_timeout seconds of its start (or of the
 * end of its previous response), whatever it trickles meanwhile.
 */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../util/dynload.h"
#include "auth.h"
#include "http.h"

/* libmicrohttpd is loaded when the server starts (util/dynload.h): the
 * other commands do not load it and GnuTLS behind it */
#define MHD_FNS(X)                                                                                             \
    X(MHD_add_response_header) X(MHD_create_response_from_buffer) X(MHD_destroy_response)                      \
    X(MHD_get_connection_info) X(MHD_get_connection_values) X(MHD_get_daemon_info)                             \
    X(MHD_lookup_connection_value) X(MHD_queue_response) X(MHD_quiesce_daemon) X(MHD_start_daemon)             \
    X(MHD_stop_daemon)
MHD_FNS(DYN_PTR)
static const char *const mhd_names[] = {MHD_FNS(DYN_NAME)};
static void **const mhd_slots[] = {MHD_FNS(DYN_SLOT)};
static dyn_lib mhd_lib = DYN_LIB_INIT;
#define MHD_add_response_header dyn_MHD_add_response_header
#define MHD_create_response_from_buffer dyn_MHD_create_response_from_buffer
#define MHD_destroy_response dyn_MHD_destroy_response
#define MHD_get_connection_info dyn_MHD_get_connection_info
#define MHD_get_connection_values dyn_MHD_get_connection_values
#define MHD_get_daemon_info dyn_MHD_get_daemon_info
#define MHD_lookup_connection_value dyn_MHD_lookup_connection_value
#define MHD_queue_response dyn_MHD_queue_response
#define MHD_quiesce_daemon dyn_MHD_quiesce_daemon
#define MHD_start_daemon dyn_MHD_start_daemon
#define MHD_stop_daemon dyn_MHD_stop_daemon

/* ---- time ---- */

static double mono(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- routes: both tables as one list ---- */

size_t web_route_count(void) { return web_page_nroutes + web_core_nroutes; }

const web_route *web_route_at(size_t i)
{
    if (i < web_page_nroutes) return &web_page_routes[i];
    i -= web_page_nroutes;
    return i < web_core_nroutes ? &web_core_routes[i] : NULL;
}

static const char *kind_name(web_kind k)
{
    return k == WEB_PAGE ? "page" : k == WEB_API ? "api" : "plain";
}

static void roles_text(unsigned roles, buf_t *out)
{
    if (roles == WEB_PUBLIC) {
        buf_puts(out, "public");
        return;
    }
    bool first = true;
    for (unsigned r = WEB_ROLE_ADMIN; r; r >>= 1)
        if (roles & r) {
            if (!first) buf_putc(out, ',');
            buf_puts(out, web_role_name((web_role)r));
            first = false;
        }
}

void web_list_routes(buf_t *out)
{
    for (size_t i = 0; i < web_route_count(); i++) {
        const web_route *r = web_route_at(i);
        buf_printf(out, "%s\t%s\t%s\t", web_method_name(r->method), r->pattern, kind_name(r->kind));
        roles_text(r->roles, out);
        buf_printf(out, "\t%s\n", r->writes ? "writes" : "reads");
    }
}

/* ---- metrics ---- */

static const int status_codes[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405,
                                   409, 413, 414, 415, 422, 429, 431, 500, 503};
#define NSTATUS (sizeof status_codes / sizeof status_codes[0] + 1) /* + other */
static const double buckets[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

typedef struct route_stats {
    _Atomic uint64_t by_status[NSTATUS];
    _Atomic uint64_t hist[NBUCKETS + 1];  /* cumulative at output */
    _Atomic uint64_t sum_us;
    _Atomic uint64_t count;
    _Atomic uint64_t store_hist[NBUCKETS + 1];  /* time inside the store per request */
    _Atomic uint64_t store_sum_us;
} route_stats;

/* ---- time spent in the store ----
 * Every worker's store handle gets a copy of its backend's ops whose verbs
 * time themselves (the outermost call only) into the calling thread's
 * accumulator: respond() zeroes it before the request and reads it after
 * the answer. A verb added to sp_store_ops later is passed through untimed
 * until it is listed here. */

static const sp_store_ops *store_orig;   /* the backend's ops (every worker opens the same workspace) */
static sp_store_ops store_timed;
static pthread_once_t store_timed_once = PTHREAD_ONCE_INIT;
static _Thread_local double tls_store_secs;
static _Thread_local int tls_store_depth;

static double mono(void);

static double st_enter(void) { return tls_store_depth++ ? 0 : mono(); }
static void st_leave(double t0)
{
    if (--tls_store_depth == 0) tls_store_secs += mono() - t0;
}

#define ST_WRAP(name, PARAMS, ARGS)                                                                        \
    static bool st_##name PARAMS                                                                           \
    {                                                                                                      \
        double t0 = st_enter();                                                                            \
        bool ok_ = store_orig->name ARGS;                                                                  \
        st_leave(t0);                                                                                      \
        return ok_;                                                                                        \
    }
ST_WRAP(begin, (sp_store *s, sp_err *e), (s, e))
ST_WRAP(commit, (sp_store *s, sp_err *e), (s, e))
ST_WRAP(upsert, (sp_store *s, sp_table t, const void *rec, sp_err *e), (s, t, rec, e))
ST_WRAP(load, (sp_store *s, const sp_load_spec *spec, sp_dataset *ds, sp_err *e), (s, spec, ds, e))
ST_WRAP(count, (sp_store *s, sp_table t, int64_t *n, sp_err *e), (s, t, n, e))
ST_WRAP(plan_put, (sp_store *s, const char *id, const char *name, const char *text, const char *reason, int *v,
                   bool *changed, sp_err *e), (s, id, name, text, reason, v, changed, e))
ST_WRAP(plan_get, (sp_store *s, const char *id, int v, char **text, sp_err *e), (s, id, v, text, e))
ST_WRAP(plan_list, (sp_store *s, sp_plan_info **out, size_t *n, sp_err *e), (s, out, n, e))
ST_WRAP(plan_versions, (sp_store *s, const char *id, sp_plan_info **out, size_t *n, sp_err *e), (s, id, out, n, e))
ST_WRAP(schema_version, (sp_store *s, int *v, sp_err *e), (s, v, e))
ST_WRAP(task_set, (sp_store *s, const char *p, const char *t, sp_task_status st, int pr, sp_err *e),
        (s, p, t, st, pr, e))
ST_WRAP(task_states, (sp_store *s, const char *p, sp_task_state **out, size_t *n, sp_err *e), (s, p, out, n, e))
ST_WRAP(review_add, (sp_store *s, const sp_review *r, int64_t *id, sp_err *e), (s, r, id, e))
ST_WRAP(review_list, (sp_store *s, const char *p, const char *per, sp_review **out, size_t *n, sp_err *e),
        (s, p, per, out, n, e))
ST_WRAP(actual_set, (sp_store *s, const char *p, const char *g, sp_day on, int64_t v, sp_err *e), (s, p, g, on, v, e))
ST_WRAP(actual_list, (sp_store *s, const char *p, const char *g, sp_actual **out, size_t *n, sp_err *e),
        (s, p, g, out, n, e))
ST_WRAP(filter_values, (sp_store *s, sp_dim d, const char *v, bool *f, sp_known_value **out, size_t *n, sp_err *e),
        (s, d, v, f, out, n, e))
ST_WRAP(each_name, (sp_store *s, sp_table t, void (*fn)(void *, const char *, const char *), void *ctx, sp_err *e),
        (s, t, fn, ctx, e))
ST_WRAP(user_get, (sp_store *s, const char *login, int64_t id, sp_user_rec *out, sp_err *e), (s, login, id, out, e))
ST_WRAP(user_list, (sp_store *s, sp_user_rec **out, size_t *n, sp_err *e), (s, out, n, e))
ST_WRAP(session_put, (sp_store *s, const char *h, int64_t u, const char *c, int64_t now, int64_t exp, sp_err *e),
        (s, h, u, c, now, exp, e))
ST_WRAP(session_get, (sp_store *s, const char *h, int64_t now, int64_t *u, char **c, sp_err *e), (s, h, now, u, c, e))
ST_WRAP(session_delete, (sp_store *s, const char *h, int64_t u, int64_t now, sp_err *e), (s, h, u, now, e))
ST_WRAP(token_get, (sp_store *s, const char *h, int64_t *u, sp_err *e), (s, h, u, e))
ST_WRAP(login_failures, (sp_store *s, const char *k, bool rec, int64_t now, int64_t since, int *n, sp_err *e),
        (s, k, rec, now, since, n, e))
ST_WRAP(login_clear, (sp_store *s, const char *k, sp_err *e), (s, k, e))

static void st_rollback(sp_store *s)
{
    double t0 = st_enter();
    store_orig->rollback(s);
    st_leave(t0);
}

static void store_timed_init(void)
{
    store_timed = *store_orig;
#define ST_SET(name) if (store_orig->name) store_timed.name = st_##name
    ST_SET(begin); ST_SET(commit); ST_SET(rollback); ST_SET(upsert); ST_SET(load); ST_SET(count);
    ST_SET(plan_put); ST_SET(plan_get); ST_SET(plan_list); ST_SET(plan_versions); ST_SET(schema_version);
    ST_SET(task_set); ST_SET(task_states); ST_SET(review_add); ST_SET(review_list); ST_SET(actual_set);
    ST_SET(actual_list); ST_SET(filter_values); ST_SET(each_name); ST_SET(user_get); ST_SET(user_list);
    ST_SET(session_put); ST_SET(session_get); ST_SET(session_delete); ST_SET(token_get);
    ST_SET(login_failures); ST_SET(login_clear);
#undef ST_SET
}

/* store_time: st's ops replaced by the timed copy (same backend). */
static void store_time(sp_store *st)
{
    if (!store_orig) store_orig = st->ops;
    if (st->ops != store_orig) return; /* another backend: left untimed */
    pthread_once(&store_timed_once, store_timed_init);
    st->ops = &store_timed;
}

/* ---- imports through the server (the API's records, the import page) ---- */

typedef struct import_stats {
    _Atomic uint64_t ok, failed, rows;
} import_stats;

/* ---- the server ---- */

typedef struct conn_ctx {
    int fd;
    _Atomic int state;        /* 0 waiting for a request, 1 receiving it, 2 handling / answering */
    _Atomic(double) started;  /* when the wait for the current request began */
    bool killed;
    char addr[INET6_ADDRSTRLEN];
    struct conn_ctx *prev, *next;
} conn_ctx;

typedef struct store_slot {
    sp_store *st;
    struct store_slot *next;
} store_slot;

typedef struct srv {
    web_config cfg;
    struct MHD_Daemon *d;
    route_stats *stats;        /* web_route_count() + 1 (no route) */
    import_stats imports[TBL_COUNT];
    _Atomic long inflight;
    _Atomic bool stopping;
    _Atomic uint64_t total;
    pthread_mutex_t conns_mu;
    conn_ctx *conns;
    pthread_mutex_t stores_mu;
    store_slot *stores;
    pthread_mutex_t log_mu;
    pthread_t watchdog;
    _Atomic bool watchdog_stop;
    double started;
} srv;

typedef struct req_ctx {
    double t0;
    size_t route_idx;          /* web_route_count(): none */
    const web_route *route;
    int early_status;          /* an answer decided before the body */
    buf_t body;
    size_t max_body;
    bool too_big;
    int status;
    size_t bytes;
    char *login;
    char method[8];
    char *path;
    conn_ctx *conn;
    char allow[64];            /* the methods of a known path (405) */
    double store_secs;         /* time inside the store while answering */
} req_ctx;

/* per request, passed to handlers as req->server */
typedef struct srv_req {
    srv *s;
    const char *addr;
    const char *sid;
    bool secure;
} srv_req;

static _Thread_local sp_store *tls_store;

static sp_store *worker_store(srv *s, sp_err *err)
{
    if (tls_store) return tls_store;
    sp_store *st = store_open(s->cfg.db_url, STORE_WRITE, err);
    if (!st) return NULL;
    store_time(st);
    store_slot *slot = xcalloc(1, sizeof *slot);
    slot->st = st;
    pthread_mutex_lock(&s->stores_mu);
    slot->next = s->stores;
    s->stores = slot;
    pthread_mutex_unlock(&s->stores_mu);
    tls_store = st;
    return st;
}

const char *web_client_addr(const web_req *req) { return ((const srv_req *)req->server)->addr; }
bool web_cookie_secure(const web_req *req) { return ((const srv_req *)req->server)->secure; }
const char *web_session_id(const web_req *req) { return ((const srv_req *)req->server)->sid; }

bool web_ready(const web_req *req, buf_t *why)
{
    sp_err err = SP_ERR_INIT;
    int v = 0;
    int64_t n = 0;
    bool ok = req->store && req->store->ops->schema_version(req->store, &v, &err) &&
              req->store->ops->count(req->store, TBL_REPS, &n, &err);
    if (!ok) buf_puts(why, req->store ? buf_cstr(&err.msg) : "no workspace\n");
    else if (v != SP_SCHEMA_VERSION) {
        buf_printf(why, "schema version %d, this salesplan needs %d\n", v, SP_SCHEMA_VERSION);
        ok = false;
    }
    err_free(&err);
    return ok;
}


/* put_histogram: one Prometheus histogram series (buckets, +Inf, sum,
 * count) of the counters hist[0..NBUCKETS] (the last: above every bucket)
 * and the sum of microseconds. */
static void put_histogram(buf_t *out, const char *name, const char *lbl, _Atomic uint64_t *hist,
                          _Atomic uint64_t *sum_us)
{
    uint64_t cum = 0;
    for (size_t b = 0; b < NBUCKETS; b++) {
        cum += atomic_load(&hist[b]);
        buf_printf(out, "%s_bucket{%s,le=\"%g\"} %llu\n", name, lbl, buckets[b], (unsigned long long)cum);
    }
    cum += atomic_load(&hist[NBUCKETS]);
    buf_printf(out, "%s_bucket{%s,le=\"+Inf\"} %llu\n", name, lbl, (unsigned long long)cum);
    uint64_t us = atomic_load(sum_us);
    buf_printf(out, "%s_sum{%s} %llu.%06llu\n", name, lbl, (unsigned long long)(us / 1000000),
               (unsigned long long)(us % 1000000));
    buf_printf(out, "%s_count{%s} %llu\n", name, lbl, (unsigned long long)cum);
}

/* put_route_histograms: histogram `name` of every route that answered
 * (routes 0..n, n: none matched): request time, or time in the store */
static void put_route_histograms(buf_t *out, srv *s, size_t n, const char *name, bool store)
{
    for (size_t i = 0; i <= n; i++) {
        if (!atomic_load(&s->stats[i].count)) continue;
        const web_route *r = web_route_at(i);
        char lbl[300];
        snprintf(lbl, sizeof lbl, "method=\"%s\",route=\"%s\"", r ? web_method_name(r->method) : "",
                 r ? r->pattern : "none");
        route_stats *st = &s->stats[i];
        if (store) put_histogram(out, name, lbl, st->store_hist, &st->store_sum_us);
        else put_histogram(out, name, lbl, st->hist, &st->sum_us);
    }
}
static size_t status_index(int status)
{
    for (size_t i = 0; i + 1 < NSTATUS; i++)
        if (status_codes[i] == status) return i;
    return NSTATUS - 1;
}

void web_metrics(const web_req *req, buf_t *out)
{
    srv *s = ((const srv_req *)req->server)->s;
    size_t n = web_route_count();
    buf_puts(out, "# HELP salesplan_http_requests_total HTTP requests by route and status.\n"
                  "# TYPE salesplan_http_requests_total counter\n");
    for (size_t i = 0; i <= n; i++) {
        const web_route *r = web_route_at(i);
        for (size_t k = 0; k < NSTATUS; k++) {
            uint64_t c = atomic_load(&s->stats[i].by_status[k]);
            if (!c) continue;
            buf_printf(out, "salesplan_http_requests_total{method=\"%s\",route=\"%s\",status=\"",
                       r ? web_method_name(r->method) : "", r ? r->pattern : "none");
            if (k + 1 < NSTATUS) buf_printf(out, "%d", status_codes[k]);
            else buf_puts(out, "other");
            buf_printf(out, "\"} %llu\n", (unsigned long long)c);
        }
    }
    buf_puts(out, "# HELP salesplan_http_request_duration_seconds Time from the request's first byte handled to "
                  "the end of the answer, by route.\n"
                  "# TYPE salesplan_http_request_duration_seconds histogram\n");
    put_route_histograms(out, s, n, "salesplan_http_request_duration_seconds", false);
    buf_puts(out, "# HELP salesplan_store_duration_seconds Time spent inside the workspace store (every store "
                  "verb: loads, reads, writes, commits) while answering one request, by route.\n"
                  "# TYPE salesplan_store_duration_seconds histogram\n");
    put_route_histograms(out, s, n, "salesplan_store_duration_seconds", true);
    buf_puts(out, "# HELP salesplan_imports_total Imports through the server (the import page, the API's record "
                  "upserts) by table and outcome.\n"
                  "# TYPE salesplan_imports_total counter\n");
    for (int t = 0; t < TBL_COUNT; t++) {
        buf_printf(out, "salesplan_imports_total{table=\"%s\",outcome=\"ok\"} %llu\n", table_name((sp_table)t),
                   (unsigned long long)atomic_load(&s->imports[t].ok));
        buf_printf(out, "salesplan_imports_total{table=\"%s\",outcome=\"failed\"} %llu\n",
                   table_name((sp_table)t), (unsigned long long)atomic_load(&s->imports[t].failed));
    }
    buf_puts(out, "# HELP salesplan_import_rows_total Rows written by the imports through the server, by table.\n"
                  "# TYPE salesplan_import_rows_total counter\n");
    for (int t = 0; t < TBL_COUNT; t++)
        buf_printf(out, "salesplan_import_rows_total{table=\"%s\"} %llu\n", table_name((sp_table)t),
                   (unsigned long long)atomic_load(&s->imports[t].rows));
    buf_printf(out,
               "# HELP salesplan_http_requests_in_flight Requests being received or answered.\n"
               "# TYPE salesplan_http_requests_in_flight gauge\n"
               "salesplan_http_requests_in_flight %ld\n"
               "# HELP salesplan_uptime_seconds Seconds since the server started.\n"
               "# TYPE salesplan_uptime_seconds gauge\n"
               "salesplan_uptime_seconds %.0f\n",
               atomic_load(&s->inflight), mono() - s->started);
}

void web_count_import(const web_req *req, int table, bool ok, size_t rows)
{
    if (!req || !req->server || table < 0 || table >= TBL_COUNT) return;
    srv *s = ((const srv_req *)req->server)->s;
    atomic_fetch_add(ok ? &s->imports[table].ok : &s->imports[table].failed, 1);
    if (ok) atomic_fetch_add(&s->imports[table].rows, (uint64_t)rows);
}

/* ---- the access log ---- */

static void log_escape(buf_t *b, const char *s, bool json)
{
    if (json) {
        web_json_str(b, s);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)(s ? s : "-"); *p; p++) {
        if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == ' ') buf_printf(b, "\\x%02x", *p);
        else buf_putc(b, (char)*p);
    }
}

static void access_log(srv *s, const req_ctx *rc, double secs)
{
    if (!s->cfg.log) return;
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *addr = rc->conn ? rc->conn->addr : "-";
    const web_route *r = rc->route;
    buf_t b = BUF_INIT;
    if (s->cfg.log_json) {
        buf_printf(&b, "{\"time\":\"%s\",\"addr\":", ts);
        web_json_str(&b, addr);
        buf_puts(&b, ",\"method\":");
        web_json_str(&b, rc->method);
        buf_puts(&b, ",\"path\":");
        web_json_str(&b, rc->path ? rc->path : "");
        buf_puts(&b, ",\"route\":");
        web_json_str(&b, r ? r->pattern : "");
        buf_printf(&b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"user\":", rc->status, rc->bytes, secs * 1000);
        if (rc->login) web_json_str(&b, rc->login);
        else buf_puts(&b, "null");
        buf_puts(&b, "}\n");
    } else {
        buf_printf(&b, "%s %s ", ts, addr);
        log_escape(&b, rc->method, false);
        buf_putc(&b, ' ');
        log_escape(&b, rc->path, false);
        buf_printf(&b, " %d %zu %.3fms ", rc->status, rc->bytes, secs * 1000);
        log_escape(&b, rc->login, false);
        buf_putc(&b, '\n');
    }
    pthread_mutex_lock(&s->log_mu);
    fwrite(b.data, 1, b.len, s->cfg.log);
    fflush(s->cfg.log);
    pthread_mutex_unlock(&s->log_mu);
    buf_free(&b);
}

/* ---- connections ---- */

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    srv *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        conn_ctx *cc = xcalloc(1, sizeof *cc);
        const union MHD_ConnectionInfo *fi = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        cc->fd = fi ? fi->connect_fd : -1;
        atomic_store(&cc->started, mono());
        const union MHD_ConnectionInfo *ai = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        strcpy(cc->addr, "?");
        if (ai && ai->client_addr) {
            const struct sockaddr *sa = ai->client_addr;
            if (sa->sa_family == AF_INET)
                inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, cc->addr,
                          sizeof cc->addr);
            else if (sa->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, cc->addr,
                          sizeof cc->addr);
        }
        pthread_mutex_lock(&s->conns_mu);
        cc->next = s->conns;
        if (s->conns) s->conns->prev = cc;
        s->conns = cc;
        pthread_mutex_unlock(&s->conns_mu);
        *socket_context = cc;
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn_ctx *cc = *socket_context;
        if (!cc) return;
        pthread_mutex_lock(&s->conns_mu);
        if (cc->prev) cc->prev->next = cc->next;
        else s->conns = cc->next;
        if (cc->next) cc->next->prev = cc->prev;
        pthread_mutex_unlock(&s->conns_mu);
        free(cc);
        *socket_context = NULL;
    }
}

static void *watchdog_main(void *arg)
{
    srv *s = arg;
    while (!atomic_load(&s->watchdog_stop)) {
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
        double now = mono();
        pthread_mutex_lock(&s->conns_mu);
        for (conn_ctx *cc = s->conns; cc; cc = cc->next) {
            if (cc->killed || cc->fd < 0 || atomic_load(&cc->state) == 2) continue;
            if (now - atomic_load(&cc->started) > (double)s->cfg.request_timeout) {
                shutdown(cc->fd, SHUT_RDWR);
                cc->killed = true;
            }
        }
        pthread_mutex_unlock(&s->conns_mu);
    }
    return NULL;
}

static conn_ctx *conn_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *i = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? (conn_ctx *)i->socket_context : NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    srv *s = cls;
    (void)c;
    req_ctx *rc = *con_cls;
    if (!rc) return;
    double secs = mono() - rc->t0;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && rc->status == 0) rc->status = 499; /* client went away */
    size_t ri = rc->route ? rc->route_idx : web_route_count();
    route_stats *st = &s->stats[ri];
    atomic_fetch_add(&st->by_status[status_index(rc->status)], 1);
    size_t b = 0;
    while (b < NBUCKETS && secs > buckets[b]) b++;
    atomic_fetch_add(&st->hist[b], 1);
    atomic_fetch_add(&st->sum_us, (uint64_t)(secs * 1e6));
    atomic_fetch_add(&st->count, 1);
    size_t sb = 0;
    while (sb < NBUCKETS && rc->store_secs > buckets[sb]) sb++;
    atomic_fetch_add(&st->store_hist[sb], 1);
    atomic_fetch_add(&st->store_sum_us, (uint64_t)(rc->store_secs * 1e6));
    atomic_fetch_add(&s->total, 1);
    access_log(s, rc, secs);
    if (rc->conn) {
        atomic_store(&rc->conn->started, mono());
        atomic_store(&rc->conn->state, 0);
    }
    buf_free(&rc->body);
    free(rc->login);
    free(rc->path);
    free(rc);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

/* ---- answering ---- */

static const char *lang_tag(sp_lang l) { return l == LANG_ZH ? "zh-CN" : "en"; }

static enum MHD_Result send_resp(srv *s, struct MHD_Connection *c, req_ctx *rc, web_resp *resp, sp_lang lang,
                                 const char *nonce)
{
    if (!resp->status) resp->status = 200;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(resp->body.len, resp->body.data ? resp->body.data : (void *)"",
                                        MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    bool has_cache = false;
    for (size_t i = 0; i < resp->nheaders; i++) {
        if (str_ieq(resp->headers[i].name, "Cache-Control")) has_cache = true;
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    }
    MHD_add_response_header(r, "Content-Type",
                            resp->content_type ? resp->content_type : "text/html; charset=utf-8");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "same-origin");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    char csp[400];
    snprintf(csp, sizeof csp,
             "default-src 'none'; script-src 'nonce-%s'; style-src 'self' 'nonce-%s'; img-src 'self' data:; "
             "form-action 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
             nonce, nonce);
    MHD_add_response_header(r, "Content-Security-Policy", csp);
    MHD_add_response_header(r, "Content-Language", lang_tag(lang));
    MHD_add_response_header(r, "Vary", "Accept-Language, Cookie, Authorization");
    if (!has_cache) MHD_add_response_header(r, "Cache-Control", "no-store");
    if (atomic_load(&s->stopping)) MHD_add_response_header(r, "Connection", "close");
    rc->status = resp->status;
    rc->bytes = resp->body.len;
    rc->store_secs = tls_store_secs;
    if (rc->conn) atomic_store(&rc->conn->state, 2);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

/* a short answer from the core (before or without a handler) */
static enum MHD_Result send_error(srv *s, struct MHD_Connection *c, req_ctx *rc, const web_req *req, int status,
                                  const char *slug, const char *detail)
{
    web_resp resp = {0};
    sp_lang lang = req ? req->lang : LANG_EN;
    web_set_lang(lang);
    const char *nonce = req && req->nonce ? req->nonce : "none";
    bool page = req && req->route && req->route->kind == WEB_PAGE;
    if (page) {
        web_error_page(req, &resp, status, detail);
    } else {
        const char *title;
        switch (status) {
        case 400: title = _("Bad request"); break;
        case 401: title = _("Not signed in"); break;
        case 403: title = _("Forbidden"); break;
        case 404: title = _("Not found"); break;
        case 405: title = _("Method not allowed"); break;
        case 413: title = _("Request too large"); break;
        case 414: title = _("Request target too long"); break;
        case 415: title = _("Unsupported media type"); break;
        case 429: title = _("Too many requests"); break;
        case 431: title = _("Request headers too large"); break;
        case 503: title = _("Service unavailable"); break;
        default: title = _("Internal error"); break;
        }
        web_problem(&resp, status, slug, title, detail);
    }
    if (status == 401 && !page) web_resp_header(&resp, "WWW-Authenticate", "Bearer realm=\"salesplan\"");
    if (status == 405 && rc->allow[0]) web_resp_header(&resp, "Allow", rc->allow);
    enum MHD_Result ret = send_resp(s, c, rc, &resp, lang, nonce);
    web_resp_free(&resp);
    return ret;
}

typedef struct field_iter {
    web_field *f;
    size_t n, max;
    bool overflow;
} field_iter;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    field_iter *it = cls;
    if (it->n == it->max) {
        it->overflow = true;
        return MHD_NO;
    }
    it->f[it->n].name = key ? key : "";
    it->f[it->n].value = value ? value : "";
    it->n++;
    return MHD_YES;
}

static bool is_form(const char *ct)
{
    return ct && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* check_fields: every field declared and valid; returns false with a
 * message in why. */
static bool check_fields(const web_route *r, const web_field *f, size_t n, bool form_post, buf_t *why)
{
    for (size_t i = 0; i < n; i++) {
        const char *name = f[i].name;
        if (str_eq(name, "lang")) {
            if (*f[i].value && i18n_lang_parse(f[i].value) < 0) {
                buf_printf(why, _("field '%s': %s"), name, _("not one of the allowed values"));
                return false;
            }
            continue;
        }
        if (form_post && str_eq(name, "csrf")) continue;
        const web_field_spec *spec = NULL;
        for (const web_field_spec *sp = r->fields; sp && sp->name; sp++)
            if (str_eq(sp->name, name)) spec = sp;
        if (!spec) {
            buf_t nm = BUF_INIT;
            utf8_truncate(utf8_valid(name, strlen(name)) ? name : "?", 40, &nm);
            buf_printf(why, _("unknown field '%s'"), buf_cstr(&nm));
            buf_free(&nm);
            return false;
        }
        if (!spec->repeat)
            for (size_t j = 0; j < i; j++)
                if (str_eq(f[j].name, name)) {
                    buf_printf(why, _("field '%s' given twice"), name);
                    return false;
                }
        const char *w = NULL;
        if (!web_field_check(spec, f[i].value, &w)) {
            buf_printf(why, _("field '%s': %s"), name, w);
            return false;
        }
    }
    for (const web_field_spec *sp = r->fields; sp && sp->name; sp++) {
        if (!sp->required) continue;
        bool have = false;
        for (size_t i = 0; i < n && !have; i++) have = str_eq(f[i].name, sp->name) && *f[i].value;
        if (!have) {
            buf_printf(why, _("field '%s' is required"), sp->name);
            return false;
        }
    }
    return true;
}

/* multipart_field: the value of the small text part `name` of a
 * multipart/form-data body (malloc'ed), or NULL. Only for the CSRF token:
 * the handler parses the rest itself. */
static char *multipart_field(const char *body, size_t len, const char *name)
{
    char pat[64];
    snprintf(pat, sizeof pat, "name=\"%s\"", name);
    const char *p = memmem(body, len, pat, strlen(pat));
    if (!p) return NULL;
    const char *end = body + len;
    const char *v = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
    if (!v) return NULL;
    v += 4;
    const char *e = memmem(v, (size_t)(end - v), "\r\n", 2);
    if (!e || e - v > 128) return NULL;
    return xstrndup(v, (size_t)(e - v));
}

static bool ct_eq(const char *a, const char *b)
{
    if (!a || !b) return false;
    size_t n = strlen(a);
    if (n != strlen(b) || n == 0) return false;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++) d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

static enum MHD_Result respond(srv *s, struct MHD_Connection *c, req_ctx *rc, const char *url)
{
    web_req req;
    memset(&req, 0, sizeof req);
    srv_req sr = {s, rc->conn ? rc->conn->addr : "?", NULL, s->cfg.secure_cookies};
    req.server = &sr;
    req.path = url;
    req.method = web_method_parse(rc->method);
    req.route = rc->route;
    req.db_url = s->cfg.db_url;
    req.today = s->cfg.today;
    char *nonce = auth_random(16);
    req.nonce = nonce;
    req.csrf = "";
    tls_store_secs = 0;
    const char *xfp = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-Proto");
    if (xfp && str_ieq(xfp, "https")) sr.secure = true;

    /* language: ?lang=, the user's, Accept-Language */
    const char *al = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    req.lang = al ? i18n_lang_from_accept(al) : LANG_EN;
    const char *ql = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "lang");
    int qlang = ql ? i18n_lang_parse(ql) : -1;
    if (qlang >= 0) req.lang = (sp_lang)qlang;
    web_set_lang(req.lang);

    enum MHD_Result ret;
    sp_err err = SP_ERR_INIT;
    sp_user_rec urec = {0};
    web_user user = {0};
    char *csrf_session = NULL, *new_csrf = NULL;
    web_field *fields = NULL;
    char *form = NULL;
    buf_t why = BUF_INIT;
    web_resp resp = {0};

    if (rc->early_status) {
        ret = send_error(s, c, rc, &req, rc->early_status,
                         rc->early_status == 413 ? "too-large" : rc->early_status == 405 ? "method-not-allowed"
                                                                                          : "not-found",
                         NULL);
        goto out;
    }
    if (rc->too_big) {
        ret = send_error(s, c, rc, &req, 413, "too-large", NULL);
        goto out;
    }

    const web_route *r = rc->route;
    char scratch[WEB_URL_MAX + 64];
    web_path_match(r->pattern, url, &req, scratch, sizeof scratch); /* the params (matched before) */
    req.store = worker_store(s, &err);
    if (!req.store && r->roles != WEB_PUBLIC) {
        fprintf(stderr, "salesplan serve: %s", buf_cstr(&err.msg));
        ret = send_error(s, c, rc, &req, 503, "unavailable", NULL);
        goto out;
    }
    err_clear(&err);
    err_free(&err);

    /* the caller */
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    const char *sid = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sp_session");
    bool have_user = false;
    int64_t now = (int64_t)time(NULL);
    if (req.store && authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        const char *tok = authz + 7;
        while (*tok == ' ') tok++;
        if (strlen(tok) <= 128 && auth_token(req.store, tok, &urec, &err)) {
            have_user = true;
            req.via_token = true;
        } else if (r->roles != WEB_PUBLIC) {
            err_free(&err);
            ret = send_error(s, c, rc, &req, 401, "unauthorized", _("the bearer token is not valid"));
            goto out;
        }
        err_clear(&err);
        err_free(&err);
    } else if (req.store && sid && strlen(sid) <= 128) {
        if (auth_session(req.store, sid, now, &urec, &csrf_session, &err)) {
            have_user = true;
            sr.sid = sid;
        }
        err_clear(&err);
        err_free(&err);
    }
    if (have_user) {
        web_user_from(&urec, &user);
        req.user = &user;
        rc->login = xstrdup(urec.login);
        if (qlang < 0 && user.lang >= 0) {
            req.lang = (sp_lang)user.lang;
            web_set_lang(req.lang);
        }
        req.csrf = csrf_session ? csrf_session : "";
    } else if (!req.via_token) {
        /* no session: a pre-session CSRF token in its own cookie (login form) */
        const char *pre = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sp_csrf");
        if (pre && strlen(pre) >= 20 && strlen(pre) <= 64) {
            req.csrf = pre;
        } else if (r->kind == WEB_PAGE) {
            new_csrf = auth_random(24);
            req.csrf = new_csrf;
        }
    }
    if (r->roles != WEB_PUBLIC) {
        if (!have_user) {
            if (r->kind == WEB_PAGE) {
                buf_t loc = BUF_INIT;
                buf_puts(&loc, "/login?next=");
                web_url(&loc, url);
                web_redirect(&resp, buf_cstr(&loc));
                buf_free(&loc);
                ret = send_resp(s, c, rc, &resp, req.lang, nonce);
                goto out;
            }
            ret = send_error(s, c, rc, &req, 401, "unauthorized", _("sign in, or send a bearer token"));
            goto out;
        }
        if (!(r->roles & (unsigned)user.role)) {
            ret = send_error(s, c, rc, &req, 403, "forbidden", _("your role may not do this"));
            goto out;
        }
    }

    /* the body */
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    req.content_type = ct;
    bool form_post = req.method != WEB_GET && is_form(ct);
    if (rc->body.len) {
        req.body = rc->body.data;
        req.body_len = rc->body.len;
        if (memchr(rc->body.data, 0, rc->body.len) && !(ct && strncasecmp(ct, "multipart/", 10) == 0)) {
            ret = send_error(s, c, rc, &req, 400, "invalid-body", _("the body holds a NUL byte"));
            goto out;
        }
    }

    /* CSRF: every write not made with a bearer token */
    if (req.method != WEB_GET && !req.via_token) {
        const char *given = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
        if (!given && form_post && rc->body.len) {
            /* the csrf field of the form, looked up before the full parse */
            char *copy = xstrndup(rc->body.data, rc->body.len);
            web_field tmp[WEB_FIELDS_MAX];
            size_t k = web_form_parse(copy, tmp, WEB_FIELDS_MAX);
            if (k == (size_t)-1) {
                free(copy);
                ret = send_error(s, c, rc, &req, 400, "invalid-field", _("too many fields, or a bad %-escape"));
                goto out;
            }
            for (size_t i = 0; k != (size_t)-1 && i < k; i++)
                if (str_eq(tmp[i].name, "csrf")) {
                    form = xstrdup(tmp[i].value);
                    break;
                }
            free(copy);
            given = form;
        }
        if (!given && ct && strncasecmp(ct, "multipart/form-data", 19) == 0 && rc->body.len)
            given = form = multipart_field(rc->body.data, rc->body.len, "csrf");
        const char *want = have_user ? csrf_session : MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "sp_csrf");
        if (!ct_eq(given, want)) {
            ret = send_error(s, c, rc, &req, 403, "csrf",
                             _("the form has expired or did not come from this site: reload the page and try again"));
            goto out;
        }
    }

    /* fields: query, then a urlencoded body */
    fields = xcalloc(WEB_FIELDS_MAX, sizeof *fields);
    field_iter it = {fields, 0, WEB_FIELDS_MAX, false};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &it);
    char *formbuf = NULL;
    if (!it.overflow && form_post && rc->body.len) {
        formbuf = xstrndup(rc->body.data, rc->body.len);
        size_t k = web_form_parse(formbuf, fields + it.n, WEB_FIELDS_MAX - it.n);
        if (k == (size_t)-1) it.overflow = true;
        else it.n += k;
    } else if (req.method != WEB_GET && rc->body.len && ct && !is_form(ct) &&
               strncasecmp(ct, "application/json", 16) != 0 && strncasecmp(ct, "multipart/form-data", 19) != 0 &&
               strncasecmp(ct, "text/csv", 8) != 0) {
        ret = send_error(s, c, rc, &req, 415, "unsupported-media-type",
                         _("send application/json, a form, or multipart/form-data"));
        free(formbuf);
        goto out;
    }
    if (it.overflow) {
        ret = send_error(s, c, rc, &req, 400, "invalid-field", _("too many fields, or a bad %-escape"));
        free(formbuf);
        goto out;
    }
    if (!check_fields(r, fields, it.n, form_post, &why)) {
        ret = send_error(s, c, rc, &req, 400, "invalid-field", buf_cstr(&why));
        free(formbuf);
        goto out;
    }
    req.fields = fields;
    req.nfields = it.n;

    /* the handler */
    resp.status = 200;
    resp.content_type = r->kind == WEB_API ? "application/json" : r->kind == WEB_PLAIN
                                                                     ? "text/plain; charset=utf-8"
                                                                     : "text/html; charset=utf-8";
    r->handler(&req, &resp);
    if (req.store && r->writes) req.store->ops->rollback(req.store); /* a handler that left a transaction open */
    if (new_csrf) {
        char *ck = xasprintf("sp_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", new_csrf,
                             sr.secure ? "; Secure" : "");
        web_resp_header(&resp, "Set-Cookie", ck);
        free(ck);
    }
    ret = send_resp(s, c, rc, &resp, web_lang(), nonce);
    free(formbuf);
out:
    web_resp_free(&resp);
    buf_free(&why);
    free(form);
    free(fields);
    free(csrf_session);
    free(new_csrf);
    web_user_clear(&user);
    user_rec_clear(&urec);
    err_free(&err);
    free(nonce);
    return ret;
}

/* find_route: the route of method and path; *path_known when some route
 * has the path (then a wrong method is 405). */
static const web_route *find_route(web_method m, const char *path, size_t *idx, bool *path_known, buf_t *allow)
{
    char scratch[WEB_URL_MAX + 64];
    web_req tmp;
    *path_known = false;
    const web_route *found = NULL;
    for (size_t i = 0; i < web_route_count(); i++) {
        const web_route *r = web_route_at(i);
        memset(&tmp, 0, sizeof tmp);
        if (!web_path_match(r->pattern, path, &tmp, scratch, sizeof scratch)) continue;
        *path_known = true;
        if (allow->len) buf_puts(allow, ", ");
        buf_puts(allow, web_method_name(r->method));
        if (r->method == m && !found) {
            found = r;
            *idx = i;
        }
    }
    return found;
}

static enum MHD_Result add_arg_len(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    size_t *n = cls;
    *n += 2 + (key ? strlen(key) : 0) + (value ? strlen(value) : 0);
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    srv *s = cls;
    (void)version;
    req_ctx *rc = *con_cls;
    if (!rc) {
        rc = xcalloc(1, sizeof *rc);
        rc->t0 = mono();
        rc->route_idx = web_route_count();
        rc->conn = conn_of(c);
        if (rc->conn) atomic_store(&rc->conn->state, 1);
        snprintf(rc->method, sizeof rc->method, "%s", method);
        rc->path = xstrndup(url, 512);
        *con_cls = rc;
        atomic_fetch_add(&s->inflight, 1);
        tls_store_secs = 0; /* this thread's store time, from now on this request's */

        web_method m = web_method_parse(method);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
        bool has_body = (cl && strcmp(cl, "0") != 0) || te;
        web_req none;
        memset(&none, 0, sizeof none);
        none.lang = LANG_EN;
        none.nonce = "none";
        size_t target = strlen(url);
        MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg_len, &target);
        if (target > WEB_URL_MAX) return send_error(s, c, rc, &none, 414, "uri-too-long", NULL);
        if (MHD_get_connection_values(c, MHD_HEADER_KIND, NULL, NULL) > WEB_HEADERS_MAX)
            return send_error(s, c, rc, &none, 431, "headers-too-large", NULL);
        bool path_known = false;
        buf_t allow = BUF_INIT;
        rc->route = m ? find_route(m, url, &rc->route_idx, &path_known, &allow) : NULL;
        snprintf(rc->allow, sizeof rc->allow, "%s", buf_cstr(&allow));
        if (!rc->route) {
            int st = path_known || !m ? 405 : 404;
            if (has_body) {
                /* answer now; the unread body closes the connection */
                web_resp resp = {0};
                enum MHD_Result ret =
                    send_error(s, c, rc, &none, st, st == 405 ? "method-not-allowed" : "not-found", NULL);
                web_resp_free(&resp);
                buf_free(&allow);
                return ret;
            }
            rc->early_status = st;
            buf_free(&allow);
            return MHD_YES;
        }
        buf_free(&allow);
        rc->max_body = rc->route->max_body ? rc->route->max_body : WEB_BODY_MAX_DEFAULT;
        if (rc->max_body > WEB_UPLOAD_MAX) rc->max_body = WEB_UPLOAD_MAX;
        if (m == WEB_GET) rc->max_body = 0;
        if (cl) {
            char *end;
            unsigned long long n = strtoull(cl, &end, 10);
            if (*end || n > rc->max_body) {
                none.route = rc->route->kind == WEB_PAGE ? NULL : rc->route;
                return send_error(s, c, rc, &none, 413, "too-large", NULL);
            }
        }
        return MHD_YES; /* answer on a later call: keeps keep-alive (STACK.md pitfall 1) */
    }
    if (*upload_size) {
        if (rc->early_status || rc->too_big) {
            *upload_size = 0;
            return MHD_YES;
        }
        if (rc->body.len + *upload_size > rc->max_body) {
            rc->too_big = true;
            return MHD_NO; /* a chunked body over the limit: close */
        }
        buf_append(&rc->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (rc->conn) atomic_store(&rc->conn->state, 2);
    return respond(s, c, rc, url);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    srv *s = cls;
    if (!s->cfg.log) return;
    pthread_mutex_lock(&s->log_mu);
    fputs("salesplan serve: ", s->cfg.log);
    vfprintf(s->cfg.log, fmt, ap);
    fflush(s->cfg.log);
    pthread_mutex_unlock(&s->log_mu);
}

/* parse_listen: "HOST:PORT" (HOST may be [v6] or empty for every address). */
static bool parse_listen(const char *spec, struct sockaddr_storage *ss, socklen_t *len, char *host, size_t hostlen,
                         sp_err *err)
{
    const char *colon = strrchr(spec, ':');
    if (!colon) goto bad;
    char h[128];
    size_t hl = (size_t)(colon - spec);
    if (hl >= sizeof h) goto bad;
    memcpy(h, spec, hl);
    h[hl] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535) goto bad;
    memset(ss, 0, sizeof *ss);
    if (h[0] == '[') {
        size_t n = strlen(h);
        if (n < 3 || h[n - 1] != ']') goto bad;
        h[n - 1] = 0;
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, h + 1, &a6->sin6_addr) != 1) goto bad;
        *len = sizeof *a6;
        snprintf(host, hostlen, "[%s]", h + 1);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (!h[0]) a4->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (inet_pton(AF_INET, h, &a4->sin_addr) != 1) goto bad;
        *len = sizeof *a4;
        snprintf(host, hostlen, "%s", h[0] ? h : "0.0.0.0");
    }
    return true;
bad:
    err_set(err, SP_EUSAGE, _("--listen: '%s' is not HOST:PORT (127.0.0.1:8080, [::1]:8080, :8080)"), spec);
    return false;
}

bool web_serve(const web_config *cfg, sp_err *err)
{
    if (!auth_init()) {
        err_set(err, SP_EINTERNAL, "%s", _("cannot start the crypto library (libsodium)"));
        return false;
    }
    if (!dyn_load(&mhd_lib, "libmicrohttpd.so.12", mhd_names, mhd_slots, sizeof mhd_names / sizeof *mhd_names)) {
        err_set(err, SP_EINTERNAL, _("cannot load the HTTP library: %s"), mhd_lib.why);
        return false;
    }
    struct sockaddr_storage ss;
    socklen_t sslen;
    char host[160];
    if (!parse_listen(cfg->listen ? cfg->listen : WEB_DEFAULT_LISTEN, &ss, &sslen, host, sizeof host, err))
        return false;
    /* the workspace must open (and is migrated) before anything listens */
    sp_store *probe = store_open(cfg->db_url, STORE_WRITE, err);
    if (!probe) return false;
    store_close(probe);

    srv *s = xcalloc(1, sizeof *s);
    s->cfg = *cfg;
    s->started = mono();
    s->stats = xcalloc(web_route_count() + 1, sizeof *s->stats);
    pthread_mutex_init(&s->conns_mu, NULL);
    pthread_mutex_init(&s->stores_mu, NULL);
    pthread_mutex_init(&s->log_mu, NULL);

    /* the signals are taken by sigwait in this thread: block them before
     * any thread starts, so every thread inherits the mask */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(cfg->threads ? cfg->threads : 4),
                            MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->request_timeout,
                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_HEADER_BYTES,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                            MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                            MHD_OPTION_END);
    if (!s->d) {
        err_set(err, SP_EIO, _("cannot listen on %s: %s"), cfg->listen ? cfg->listen : WEB_DEFAULT_LISTEN,
                errno ? sys_errmsg(errno) : _("the address is in use or not available"));
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        free(s->stats);
        free(s);
        return false;
    }
    const union MHD_DaemonInfo *pi = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = pi ? pi->port : 0;
    pthread_create(&s->watchdog, NULL, watchdog_main, s);
    printf(_("salesplan serve: listening on http://%s:%u/ (workspace %s)\n"), host, port, cfg->db_url);
    fflush(stdout);
    if (cfg->on_listen) cfg->on_listen(cfg->hook_arg);

    int sig = 0;
    sigwait(&set, &sig);
    /* stop accepting, let the requests in flight finish, then stop */
    atomic_store(&s->stopping, true);
    MHD_socket lfd = MHD_quiesce_daemon(s->d);
    if (lfd != MHD_INVALID_SOCKET) close(lfd);
    if (cfg->on_stop) cfg->on_stop(cfg->hook_arg);
    double deadline = mono() + (double)cfg->request_timeout + 5;
    while (atomic_load(&s->inflight) > 0 && mono() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(s->d);
    atomic_store(&s->watchdog_stop, true);
    pthread_join(s->watchdog, NULL);
    for (store_slot *sl = s->stores, *next; sl; sl = next) {
        next = sl->next;
        store_close(sl->st);
        free(sl);
    }
    if (cfg->log) {
        fprintf(cfg->log, _("salesplan serve: stopped (signal %d) after %llu requests\n"), sig,
                (unsigned long long)atomic_load(&s->total));
        fflush(cfg->log);
    }
    pthread_mutex_destroy(&s->conns_mu);
    pthread_mutex_destroy(&s->stores_mu);
    pthread_mutex_destroy(&s->log_mu);
    free(s->stats);
    free(s);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return true;
}
