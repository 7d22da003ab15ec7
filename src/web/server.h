/*
 * server.h — the server core: configuration, starting and stopping, and
 * what the core handlers (routes.c) need from the server.
 */
#ifndef SP_WEB_SERVER_H
#define SP_WEB_SERVER_H

#include <stdio.h>

#include "web.h"

typedef struct web_config {
    const char *listen;          /* "127.0.0.1:8080", "[::1]:8080", ":8080" (every address); port 0: any free */
    const char *db_url;
    bool log_json;               /* access log as JSON lines */
    unsigned threads;            /* worker threads (each with its store handle) */
    unsigned max_connections;    /* open connections at once */
    unsigned per_ip;             /* open connections per client address */
    unsigned request_timeout;    /* seconds to receive a whole request (and keep-alive idle time) */
    bool secure_cookies;         /* behind TLS: cookies get Secure */
    FILE *log;                   /* access log (stderr) */
    sp_day today;                /* the pinned clock, or SP_DAY_NONE */
    /* on_listen: called once listening (the reminder scheduler starts);
     * on_stop: at SIGTERM/SIGINT, once no longer accepting and before the
     * requests in flight are drained (the scheduler returns when its send
     * in flight is done). NULL = none. */
    void (*on_listen)(void *arg);
    void (*on_stop)(void *arg);
    void *hook_arg;
} web_config;

#define WEB_DEFAULT_LISTEN "127.0.0.1:8080"
#define WEB_URL_MAX 4096         /* request target, bytes */
#define WEB_HEADERS_MAX 64       /* header lines */
#define WEB_HEADER_BYTES (32 * 1024) /* request line + headers (libmicrohttpd's per-connection memory) */
#define WEB_FIELDS_MAX 128       /* query + form fields */

/* web_serve: serves until SIGTERM or SIGINT, then stops accepting, lets
 * the requests in flight finish and returns true. Prints
 * "listening on http://HOST:PORT/" on stdout once ready. */
bool web_serve(const web_config *cfg, sp_err *err);
/* web_list_routes: every route, one per line: METHOD PATTERN KIND ROLES
 * WRITES (tab-separated; ROLES "public" or a comma list). */
void web_list_routes(buf_t *out);
/* web_route_count / web_route_at: both tables as one list. */
size_t web_route_count(void);
const web_route *web_route_at(size_t i);

/* for the core handlers */
const char *web_client_addr(const web_req *req);
bool web_cookie_secure(const web_req *req);
/* web_session_id: the session cookie of the request, or NULL. */
const char *web_session_id(const web_req *req);
/* web_metrics: the Prometheus text of the server's counters. */
void web_metrics(const web_req *req, buf_t *out);
/* web_ready: whether the workspace answers and its schema is current;
 * *why when not. */
bool web_ready(const web_req *req, buf_t *why);

#endif
