/*
 * web.h — the HTTP face (`salesplan serve`): the interface between the
 * server core (server.c, routes.c, auth.c, http.c) and the handlers (the
 * pages in page_*.c, the JSON API in api.c).
 *
 * One route table says, for every route: method, path pattern, handler,
 * the roles allowed, whether it writes, and its input fields with their
 * validators and limits. The server enforces all of it centrally BEFORE a
 * handler runs: method, authentication (session cookie or bearer token),
 * role, CSRF token (form POSTs), every field present in the query string or
 * the form body declared and valid (unknown fields → 400), required fields
 * present. A handler therefore only ever sees a caller allowed to call it
 * and fields that passed their validator.
 *
 * Threads: the server runs a pool of worker threads; each has its own store
 * handle (req->store), opened read-write on the workspace. A handler runs on
 * one worker and must not keep anything from req after it returns.
 * A route with .writes = true makes its writes in one transaction (the app
 * verbs begin and commit their own; a handler calling store verbs itself
 * wraps them in begin/commit and rolls back on error); a handler of a
 * reading route must not write.
 *
 * Language: inside src/web/, _() translates into the language of the
 * request being served (thread-local; see web_lang()), never the process's.
 *
 * Escaping: every value written into HTML goes through web_html(), into an
 * attribute through web_attr(), into a URL component through web_url(),
 * into JSON through web_json_str(). The Content-Security-Policy is
 *   default-src 'none'; script-src 'nonce-N'; style-src 'self' 'nonce-N';
 *   img-src 'self' data:; form-action 'self'; connect-src 'self';
 *   base-uri 'none'; frame-ancestors 'none'
 * so a <script> or <style> element needs nonce="req->nonce", style=""
 * attributes are ignored (use classes, or SVG presentation attributes
 * such as width= and fill=), and nothing loads from outside the server.
 *
 * Files: server.c, routes.c, auth.c, http.c, api.c, cmd_serve.c and
 * cmd_user.c are the server core's; page_*.c (page_routes.c with the page
 * route table, page_frame.c with web_page_begin/end) are the pages'.
 *
 * This interface is stable: add to it, never change what is here.
 */
#ifndef SP_WEB_H
#define SP_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/value.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* ---- methods, roles ---- */

typedef enum web_method {
    WEB_GET = 1,
    WEB_POST = 2,
    WEB_PUT = 4,
    WEB_PATCH = 8,
    WEB_DELETE = 16,
} web_method;

/* Roles as bits, so a route lists every role it allows. */
typedef enum web_role {
    WEB_ROLE_VIEWER = 1,   /* reads everything, writes nothing */
    WEB_ROLE_REP = 2,      /* their own tasks, customers, alerts; logs activities, updates their tasks */
    WEB_ROLE_MANAGER = 4,  /* their groups (plan teams) */
    WEB_ROLE_ADMIN = 8,    /* everything, users and tokens */
} web_role;
#define WEB_PUBLIC 0u      /* .roles = WEB_PUBLIC: no login needed */
#define WEB_ANY_ROLE (WEB_ROLE_VIEWER | WEB_ROLE_REP | WEB_ROLE_MANAGER | WEB_ROLE_ADMIN)
#define WEB_WRITERS (WEB_ROLE_REP | WEB_ROLE_MANAGER | WEB_ROLE_ADMIN)

/* web_role_name: "admin", "manager", "rep", "viewer"; web_role_parse: the
 * role of a name, or 0. */
const char *web_role_name(web_role r);
web_role web_role_parse(const char *s);

/* The caller (from a session cookie or a bearer token). */
typedef struct web_user {
    int64_t id;
    const char *login;
    const char *name;              /* display name (may equal login) */
    web_role role;
    const char *rep_id;            /* rep: the rep they are (their records); else may be NULL */
    const char *const *groups;     /* manager: the plan groups (team ids) they see */
    size_t ngroups;
    int lang;                      /* their language setting (sp_lang), or -1: none */
} web_user;

/* ---- the route table ---- */

/* Field validators. Every field is also bounded by max_len bytes (0 means
 * the default, WEB_FIELD_MAX) and must be valid UTF-8 without control
 * characters (tab and newline only in WF_TEXT). */
typedef enum web_ftype {
    WF_TEXT,       /* any text */
    WF_ID,         /* an id: letters, digits, CJK, and - _ . : @ (no spaces) */
    WF_INT,        /* decimal integer within [min, max] */
    WF_DATE,       /* YYYY-MM-DD (date_parse) */
    WF_ENUM,       /* one of choices, "a|b|c" */
    WF_PERIOD,     /* a period as the CLI's --period takes it (syntax only) */
    WF_LIST,       /* comma-separated WF_ID values ("month,region") */
    WF_WHERE,      /* KEY:VALUE or KEY=VALUE (a filter, like --where) */
    WF_BOOL,       /* 1, 0, true, false, on, off */
} web_ftype;

#define WEB_FIELD_MAX 1024

typedef struct web_field_spec {
    const char *name;
    web_ftype type;
    bool required;
    bool repeat;             /* may be given more than once (web_field_all) */
    size_t max_len;          /* 0: WEB_FIELD_MAX */
    int64_t min, max;        /* WF_INT bounds (both 0: any int64) */
    const char *choices;     /* WF_ENUM: "todo|doing|done|blocked" */
} web_field_spec;

/* The handler's output. */
typedef struct web_header {
    char *name, *value;
} web_header;

typedef struct web_resp {
    int status;                  /* 200 unless set */
    const char *content_type;    /* static string; default "text/html; charset=utf-8" */
    buf_t body;
    web_header *headers;         /* extra headers (web_resp_header) */
    size_t nheaders;
} web_resp;

typedef enum web_kind {
    WEB_PAGE,   /* HTML: session cookie; no login → 303 to /login; POST forms need the CSRF field "csrf"
                 * (urlencoded or a multipart/form-data part named "csrf") */
    WEB_API,    /* JSON: bearer token or session (then X-CSRF-Token on writes); errors as problem+json */
    WEB_PLAIN,  /* text/plain machine endpoints (healthz, metrics): no cookies, no CSRF */
} web_kind;

typedef struct web_req web_req;
typedef void web_handler_fn(web_req *req, web_resp *resp);

typedef struct web_route {
    web_method method;           /* one method per entry */
    const char *pattern;         /* "/api/v1/tasks/{id}": {name} matches one non-empty segment */
    web_handler_fn *handler;
    unsigned roles;              /* WEB_PUBLIC or a set of web_role bits */
    bool writes;                 /* runs in one write transaction; needs CSRF when from a form */
    web_kind kind;
    const web_field_spec *fields; /* query and form (urlencoded) fields, ended by {.name = NULL}; NULL: none */
    size_t max_body;             /* request body limit; 0: WEB_BODY_MAX_DEFAULT (no body for GET) */
    const char *summary;         /* one line, English (for --list-routes and openapi) */
} web_route;

#define WEB_BODY_MAX_DEFAULT (64u * 1024u)
#define WEB_UPLOAD_MAX (32u * 1024u * 1024u)   /* largest body any route may declare (imports) */

/* The routes of the pages (page_routes.c, owned by the pages) and of the
 * server core and the API (routes.c). The server reads both tables. */
extern const web_route web_page_routes[];
extern const size_t web_page_nroutes;
extern const web_route web_core_routes[];
extern const size_t web_core_nroutes;

/* ---- the request context ---- */

typedef struct web_field {
    const char *name, *value;    /* decoded, validated */
} web_field;

#define WEB_MAX_PARAMS 4

struct web_req {
    web_method method;
    const char *path;            /* decoded path, without the query string */
    const web_route *route;
    const char *param_names[WEB_MAX_PARAMS];  /* route {params}, in order */
    const char *param_values[WEB_MAX_PARAMS]; /* decoded, non-empty, bounded */
    size_t nparams;
    const web_field *fields;     /* query + urlencoded form fields, in order, all declared and valid */
    size_t nfields;
    const char *body;            /* raw body (JSON, multipart), NUL-terminated; NULL when none */
    size_t body_len;
    const char *content_type;    /* request Content-Type, or NULL */
    const web_user *user;        /* NULL on a public route when nobody is logged in */
    bool via_token;              /* authenticated by a bearer token (no cookies) */
    sp_lang lang;                /* chosen: ?lang=, else the user's setting, else Accept-Language */
    const char *csrf;            /* the session's CSRF token for forms ("" without a session) */
    const char *nonce;           /* this response's CSP script nonce */
    sp_store *store;             /* this worker's store handle */
    const char *db_url;          /* the workspace */
    void *server;                /* opaque: the server (for the core handlers) */
    sp_day today;                /* the pinned clock ($SALESPLAN_TODAY at start), or SP_DAY_NONE */
};

/* web_param: the value of route param name ("id"), or NULL. */
const char *web_param(const web_req *req, const char *name);
/* web_field_get: the first value of field name, or NULL when absent. */
const char *web_field_get(const web_req *req, const char *name);
/* web_field_all: every value of a repeated field, in order; returns how
 * many (up to max) were written into out. */
size_t web_field_all(const web_req *req, const char *name, const char **out, size_t max);
/* web_lang: the language of the request served by the calling thread. */
sp_lang web_lang(void);

/* web_count_import: counts an import through the server (a CSV upload, the
 * API's record upserts) for /metrics: table (sp_table), whether it was
 * written, and the rows written. */
void web_count_import(const web_req *req, int table, bool ok, size_t rows);

/* ---- building the response ---- */

void web_resp_header(web_resp *resp, const char *name, const char *value);
/* web_redirect: 303 See Other to a local path (must start with '/'). */
void web_redirect(web_resp *resp, const char *path);
/* web_fail: the error err as the route's kind wants it: an HTML error page
 * (WEB_PAGE) or application/problem+json (WEB_API), with the status of
 * err_http_status (SP_EFORBIDDEN on a record → 404, to hide existence). */
void web_fail(const web_req *req, web_resp *resp, const sp_err *err);
/* web_problem: application/problem+json with a stable type
 * ("https://salesplan.dev/problems/" + type_slug), title and detail. */
void web_problem(web_resp *resp, int status, const char *type_slug, const char *title, const char *detail);

/* ---- escapers: one per output context ---- */
void web_html(buf_t *out, const char *s);      /* text between tags: & < > " ' */
void web_attr(buf_t *out, const char *s);      /* a quoted attribute value */
void web_url(buf_t *out, const char *s);       /* a URL component (percent-encoded, UTF-8 kept encoded) */
void web_json_str(buf_t *out, const char *s);  /* a JSON string literal with its quotes */

/* web_page_begin / web_page_end: the common HTML frame (doctype, lang,
 * title, the embedded stylesheet, the navigation for req->user's role, the
 * logout form with its CSRF token) around a page's content. */
void web_page_begin(const web_req *req, web_resp *resp, const char *title);
void web_page_end(const web_req *req, web_resp *resp);

/* Inside src/web/, _() translates into the request's language. */
#undef _
#define _(s) tr_lang(web_lang(), s)

#endif
