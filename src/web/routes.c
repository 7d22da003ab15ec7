/*
 * routes.c — the server core's routes: health, readiness, metrics, signing
 * in and out, the OpenAPI description (generated from this table), and
 * the JSON API (handlers in api.c).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "auth.h"
#include "http.h"
#include "server.h"

/* ---- machine endpoints ---- */

static void healthz(web_req *req, web_resp *resp)
{
    (void)req;
    buf_puts(&resp->body, "ok\n");
}

static void readyz(web_req *req, web_resp *resp)
{
    buf_t why = BUF_INIT;
    if (web_ready(req, &why)) {
        buf_puts(&resp->body, "ready\n");
    } else {
        resp->status = 503;
        buf_puts(&resp->body, "not ready: ");
        buf_puts(&resp->body, buf_cstr(&why));
    }
    buf_free(&why);
}

static void metrics(web_req *req, web_resp *resp)
{
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    web_metrics(req, &resp->body);
}

/* ---- signing in and out ---- */

static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\') return "/";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\') return "/";
    return next;
}

static void login_form(web_req *req, web_resp *resp, const char *message, const char *login)
{
    web_page_begin(req, resp, _("Sign in"));
    buf_t *b = &resp->body;
    buf_puts(b, "<section class=\"login\"><h1>");
    web_html(b, _("Sign in to salesplan"));
    buf_puts(b, "</h1>");
    if (message) {
        buf_puts(b, "<p class=\"error\" role=\"alert\">");
        web_html(b, message);
        buf_puts(b, "</p>");
    }
    buf_puts(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"");
    web_attr(b, req->csrf);
    buf_puts(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
    web_attr(b, safe_next(web_field_get(req, "next")));
    buf_puts(b, "\"><p><label for=\"login\">");
    web_html(b, _("Login"));
    buf_puts(b, "</label><br><input id=\"login\" name=\"login\" autocomplete=\"username\" required maxlength=\"64\" "
                "autofocus value=\"");
    web_attr(b, login ? login : "");
    buf_puts(b, "\"></p><p><label for=\"password\">");
    web_html(b, _("Password"));
    buf_puts(b, "</label><br><input id=\"password\" name=\"password\" type=\"password\" "
                "autocomplete=\"current-password\" required maxlength=\"256\"></p><p><button type=\"submit\">");
    web_html(b, _("Sign in"));
    buf_puts(b, "</button></p></form><p class=\"lang\"><a href=\"/login?lang=zh\">中文</a> · "
                "<a href=\"/login?lang=en\">English</a></p></section>");
    web_page_end(req, resp);
}

static void login_get(web_req *req, web_resp *resp)
{
    if (req->user) {
        web_redirect(resp, safe_next(web_field_get(req, "next")));
        return;
    }
    login_form(req, resp, NULL, NULL);
}

static void set_session_cookie(const web_req *req, web_resp *resp, const char *sid, int max_age)
{
    char *ck = xasprintf("sp_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", sid, max_age,
                         web_cookie_secure(req) ? "; Secure" : "");
    web_resp_header(resp, "Set-Cookie", ck);
    free(ck);
}

static void login_post(web_req *req, web_resp *resp)
{
    const char *login = web_field_get(req, "login");
    const char *pw = web_field_get(req, "password");
    sp_err err = SP_ERR_INIT;
    sp_user_rec u;
    char *sid = NULL, *csrf = NULL;
    int retry = 0;
    auth_result r = auth_login(req->store, login, pw, web_client_addr(req), (int64_t)time(NULL), &u, &sid, &csrf,
                               &retry, &err);
    if (!err_ok(&err)) {
        web_fail(req, resp, &err);
    } else if (r == AUTH_LOCKED) {
        login_form(req, resp, _("too many failed sign-ins: wait 15 minutes and try again"), login);
        resp->status = 429;
        char ra[16];
        snprintf(ra, sizeof ra, "%d", retry);
        web_resp_header(resp, "Retry-After", ra);
    } else if (r == AUTH_BAD) {
        login_form(req, resp, _("wrong login or password"), login);
        resp->status = 401;
    } else {
        set_session_cookie(req, resp, sid, AUTH_SESSION_TTL);
        web_resp_header(resp, "Set-Cookie", "sp_csrf=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        web_redirect(resp, safe_next(web_field_get(req, "next")));
    }
    user_rec_clear(&u);
    free(sid);
    free(csrf);
    err_free(&err);
}

static bool truthy(const char *v) { return v && (str_eq(v, "1") || str_eq(v, "true") || str_eq(v, "on")); }

static void logout_post(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    const char *sid = web_session_id(req);
    bool everywhere = truthy(web_field_get(req, "everywhere"));
    if (!auth_logout(req->store, sid ? sid : "", req->user->id, everywhere || !sid, (int64_t)time(NULL), &err)) {
        web_fail(req, resp, &err);
        err_free(&err);
        return;
    }
    set_session_cookie(req, resp, "", 0);
    if (req->route->kind == WEB_API) {
        resp->status = 204;
        return;
    }
    web_redirect(resp, "/login");
}

/* ---- the API's own description ---- */

static const char *json_type(web_ftype t)
{
    return t == WF_INT ? "integer" : t == WF_BOOL ? "boolean" : "string";
}

static void openapi(web_req *req, web_resp *resp)
{
    (void)req;
    buf_t *b = &resp->body;
    buf_puts(b, "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"salesplan API\",\"version\":\"" SP_VERSION "\"},"
                "\"components\":{\"securitySchemes\":{\"bearer\":{\"type\":\"http\",\"scheme\":\"bearer\"},"
                "\"session\":{\"type\":\"apiKey\",\"in\":\"cookie\",\"name\":\"sp_session\"}},"
                "\"schemas\":{");
    api_doc_schemas(b);
    buf_puts(b, "}},\"paths\":{");
    bool first_path = true;
    size_t n = web_route_count();
    for (size_t i = 0; i < n; i++) {
        const web_route *r = web_route_at(i);
        if (r->kind != WEB_API) continue;
        /* one entry per path: gather every method of this path at its first route */
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++) {
            const web_route *q = web_route_at(j);
            seen = q->kind == WEB_API && str_eq(q->pattern, r->pattern);
        }
        if (seen) continue;
        if (!first_path) buf_putc(b, ',');
        first_path = false;
        web_json_str(b, r->pattern);
        buf_puts(b, ":{");
        bool first_m = true;
        for (size_t j = i; j < n; j++) {
            const web_route *q = web_route_at(j);
            if (q->kind != WEB_API || !str_eq(q->pattern, r->pattern)) continue;
            if (!first_m) buf_putc(b, ',');
            first_m = false;
            char m[8];
            snprintf(m, sizeof m, "%s", web_method_name(q->method));
            for (char *p = m; *p; p++) *p = (char)(*p - 'A' + 'a');
            buf_printf(b, "\"%s\":{\"summary\":", m);
            web_json_str(b, q->summary ? q->summary : "");
            buf_puts(b, ",\"x-roles\":\"");
            if (q->roles == WEB_PUBLIC) buf_puts(b, "public");
            else
                for (unsigned ro = WEB_ROLE_ADMIN, f = 1; ro; ro >>= 1)
                    if (q->roles & ro) {
                        buf_printf(b, "%s%s", f ? "" : ",", web_role_name((web_role)ro));
                        f = 0;
                    }
            buf_puts(b, "\"");
            if (q->roles == WEB_PUBLIC) buf_puts(b, ",\"security\":[]");
            else buf_puts(b, ",\"security\":[{\"bearer\":[]},{\"session\":[]}]");
            buf_puts(b, ",\"parameters\":[");
            bool first_p = true;
            /* path params */
            for (const char *p = strchr(q->pattern, '{'); p; p = strchr(p + 1, '{')) {
                const char *close = strchr(p, '}');
                if (!close) break;
                buf_printf(b, "%s{\"name\":\"%.*s\",\"in\":\"path\",\"required\":true,\"schema\":{\"type\":\"string\"}}",
                           first_p ? "" : ",", (int)(close - p - 1), p + 1);
                first_p = false;
            }
            for (const web_field_spec *f = q->fields; f && f->name; f++) {
                buf_printf(b, "%s{\"name\":\"%s\",\"in\":\"query\",\"required\":%s,\"schema\":{\"type\":\"%s\"",
                           first_p ? "" : ",", f->name, f->required ? "true" : "false", json_type(f->type));
                if (f->type == WF_ENUM && f->choices) {
                    buf_puts(b, ",\"enum\":[");
                    const char *c = f->choices;
                    bool fc = true;
                    while (*c) {
                        const char *bar = strchr(c, '|');
                        size_t len = bar ? (size_t)(bar - c) : strlen(c);
                        buf_printf(b, "%s\"%.*s\"", fc ? "" : ",", (int)len, c);
                        fc = false;
                        if (!bar) break;
                        c = bar + 1;
                    }
                    buf_puts(b, "]");
                }
                if (f->type == WF_DATE) buf_puts(b, ",\"format\":\"date\"");
                if (f->type != WF_INT && f->type != WF_BOOL)
                    buf_printf(b, ",\"maxLength\":%zu", f->max_len ? f->max_len : (size_t)WEB_FIELD_MAX);
                buf_puts(b, "}");
                if (f->repeat) buf_puts(b, ",\"explode\":true");
                buf_puts(b, "}");
                first_p = false;
            }
            buf_puts(b, "]");
            const api_doc *doc = api_doc_find(q->method, q->pattern);
            if (doc && doc->request) {
                buf_puts(b, ",\"requestBody\":{\"required\":true,\"content\":{\"application/json\":{\"schema\":");
                buf_puts(b, doc->request);
                if (doc->example_request) {
                    buf_puts(b, ",\"example\":");
                    buf_puts(b, doc->example_request);
                }
                buf_puts(b, "}}}");
            } else if (!doc && q->method != WEB_GET) {
                buf_puts(b, ",\"requestBody\":{\"required\":false,\"content\":{\"application/json\":{\"schema\":"
                            "{\"type\":\"object\"}}}}");
            }
            if (q->method != WEB_GET)
                buf_printf(b, ",\"x-max-body\":%zu", q->max_body ? q->max_body : (size_t)WEB_BODY_MAX_DEFAULT);
            if (!doc) buf_puts(b, ",\"x-undocumented\":true");
            int ok_status = doc ? doc->status : q->method == WEB_POST && q->writes ? 201 : 200;
            buf_printf(b, ",\"responses\":{\"%d\":{\"description\":\"%s\"", ok_status,
                       ok_status == 201 ? "Created" : ok_status == 204 ? "No content" : "OK");
            if (!doc || doc->response) {
                buf_puts(b, ",\"content\":{\"application/json\":{\"schema\":");
                buf_puts(b, doc ? doc->response : "{\"type\":\"object\"}");
                if (doc && doc->example_response) {
                    buf_puts(b, ",\"example\":");
                    buf_puts(b, doc->example_response);
                }
                buf_puts(b, "}}");
            }
            buf_puts(b, "},");
            buf_puts(b, "\"default\":{\"description\":\"Error\",\"content\":{\"application/problem+json\":"
                        "{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}}}}}");
        }
        buf_putc(b, '}');
    }
    buf_puts(b, "}}\n");
}

static void me(web_req *req, web_resp *resp)
{
    buf_t *b = &resp->body;
    buf_puts(b, "{\"login\":");
    web_json_str(b, req->user->login);
    buf_puts(b, ",\"name\":");
    web_json_str(b, req->user->name);
    buf_puts(b, ",\"role\":");
    web_json_str(b, web_role_name(req->user->role));
    buf_puts(b, ",\"rep\":");
    if (req->user->rep_id) web_json_str(b, req->user->rep_id);
    else buf_puts(b, "null");
    buf_puts(b, ",\"groups\":[");
    for (size_t i = 0; i < req->user->ngroups; i++) {
        if (i) buf_putc(b, ',');
        web_json_str(b, req->user->groups[i]);
    }
    buf_printf(b, "],\"lang\":\"%s\",\"csrf\":", req->lang == LANG_ZH ? "zh" : "en");
    web_json_str(b, req->via_token ? "" : req->csrf);
    buf_puts(b, "}\n");
}

static const web_field_spec login_get_fields[] = {
    {.name = "next", .type = WF_TEXT, .max_len = 512},
    {.name = NULL},
};
static const web_field_spec login_post_fields[] = {
    {.name = "login", .type = WF_TEXT, .required = true, .max_len = AUTH_LOGIN_MAX},
    {.name = "password", .type = WF_TEXT, .required = true, .max_len = AUTH_PASSWORD_MAX},
    {.name = "next", .type = WF_TEXT, .max_len = 512},
    {.name = NULL},
};
static const web_field_spec logout_fields[] = {
    {.name = "everywhere", .type = WF_BOOL},
    {.name = NULL},
};

const web_route web_core_routes[] = {
    {WEB_GET, "/healthz", healthz, WEB_PUBLIC, false, WEB_PLAIN, NULL, 0, "liveness: the process answers"},
    {WEB_GET, "/readyz", readyz, WEB_PUBLIC, false, WEB_PLAIN, NULL, 0,
     "readiness: the workspace answers and its schema is current"},
    {WEB_GET, "/metrics", metrics, WEB_PUBLIC, false, WEB_PLAIN, NULL, 0, "Prometheus text metrics"},
    {WEB_GET, "/login", login_get, WEB_PUBLIC, false, WEB_PAGE, login_get_fields, 0, "the sign-in page"},
    {WEB_POST, "/login", login_post, WEB_PUBLIC, true, WEB_PAGE, login_post_fields, 4096, "sign in"},
    {WEB_POST, "/logout", logout_post, WEB_ANY_ROLE, true, WEB_PAGE, logout_fields, 1024,
     "sign out (everywhere=1: every session of the user)"},
    {WEB_GET, "/api/v1/openapi.json", openapi, WEB_PUBLIC, false, WEB_API, NULL, 0,
     "this description of the API"},
    {WEB_GET, "/api/v1/me", me, WEB_ANY_ROLE, false, WEB_API, NULL, 0, "the caller: login, role, scope"},
    {WEB_POST, "/api/v1/logout", logout_post, WEB_ANY_ROLE, true, WEB_API, logout_fields, 1024,
     "end the session (everywhere=1: every session of the user)"},
    API_ROUTES
};
const size_t web_core_nroutes = sizeof web_core_routes / sizeof web_core_routes[0];
