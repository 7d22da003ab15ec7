/*
 * http.c — the helpers of web.h: fields, params, responses, problem+json,
 * escapers; and the server core's validators (http.h).
 */
#include "http.h"

#include <stdlib.h>
#include <string.h>

#include "../io/out.h"

static _Thread_local sp_lang tls_lang = LANG_EN;

sp_lang web_lang(void) { return tls_lang; }
void web_set_lang(sp_lang lang) { tls_lang = lang; }

static const char *const role_names[] = {"viewer", "rep", "manager", "admin"};

const char *web_role_name(web_role r)
{
    for (int i = 0; i < 4; i++)
        if ((unsigned)r == 1u << i) return role_names[i];
    return "?";
}

web_role web_role_parse(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (str_eq(s, role_names[i])) return (web_role)(1u << i);
    return (web_role)0;
}

const char *web_method_name(web_method m)
{
    switch (m) {
    case WEB_GET: return "GET";
    case WEB_POST: return "POST";
    case WEB_PUT: return "PUT";
    case WEB_PATCH: return "PATCH";
    case WEB_DELETE: return "DELETE";
    }
    return "?";
}

web_method web_method_parse(const char *s)
{
    static const web_method all[] = {WEB_GET, WEB_POST, WEB_PUT, WEB_PATCH, WEB_DELETE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (str_eq(s, web_method_name(all[i]))) return all[i];
    if (str_eq(s, "HEAD")) return WEB_GET;
    return (web_method)0;
}

const char *web_param(const web_req *req, const char *name)
{
    for (size_t i = 0; i < req->nparams; i++)
        if (str_eq(req->param_names[i], name)) return req->param_values[i];
    return NULL;
}

const char *web_field_get(const web_req *req, const char *name)
{
    for (size_t i = 0; i < req->nfields; i++)
        if (str_eq(req->fields[i].name, name)) return req->fields[i].value;
    return NULL;
}

size_t web_field_all(const web_req *req, const char *name, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < req->nfields && n < max; i++)
        if (str_eq(req->fields[i].name, name)) out[n++] = req->fields[i].value;
    return n;
}

void web_resp_header(web_resp *resp, const char *name, const char *value)
{
    resp->headers = xreallocarray(resp->headers, resp->nheaders + 1, sizeof *resp->headers);
    resp->headers[resp->nheaders].name = xstrdup(name);
    resp->headers[resp->nheaders].value = xstrdup(value);
    resp->nheaders++;
}

void web_resp_free(web_resp *resp)
{
    buf_free(&resp->body);
    for (size_t i = 0; i < resp->nheaders; i++) {
        free(resp->headers[i].name);
        free(resp->headers[i].value);
    }
    free(resp->headers);
    resp->headers = NULL;
    resp->nheaders = 0;
}

void web_redirect(web_resp *resp, const char *path)
{
    /* only local paths: "/x", never "//host" or "/\host" */
    if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\') path = "/";
    for (const char *p = path; *p; p++)
        if ((unsigned char)*p < 0x20) {
            path = "/";
            break;
        }
    resp->status = 303;
    web_resp_header(resp, "Location", path);
    buf_clear(&resp->body);
}

void web_problem(web_resp *resp, int status, const char *type_slug, const char *title, const char *detail)
{
    resp->status = status;
    resp->content_type = "application/problem+json";
    buf_clear(&resp->body);
    buf_puts(&resp->body, "{\"type\":");
    char *t = xasprintf("https://salesplan.dev/problems/%s", type_slug);
    web_json_str(&resp->body, t);
    free(t);
    buf_puts(&resp->body, ",\"title\":");
    web_json_str(&resp->body, title);
    buf_printf(&resp->body, ",\"status\":%d", status);
    if (detail && *detail) {
        buf_puts(&resp->body, ",\"detail\":");
        web_json_str(&resp->body, detail);
    }
    buf_puts(&resp->body, "}\n");
}

static const char *err_slug(sp_errclass c)
{
    switch (c) {
    case SP_EINVAL: return "invalid-input";
    case SP_EUSAGE: return "invalid-request";
    case SP_EFORBIDDEN: /* hidden as not found */
    case SP_ENOTFOUND: return "not-found";
    case SP_ECONFLICT: return "conflict";
    case SP_ETRANSIENT: return "busy";
    default: return "internal";
    }
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return _("Bad request");
    case 401: return _("Not signed in");
    case 403: return _("Forbidden");
    case 404: return _("Not found");
    case 405: return _("Method not allowed");
    case 409: return _("Conflict");
    case 413: return _("Request too large");
    case 415: return _("Unsupported media type");
    case 429: return _("Too many requests");
    case 503: return _("Service unavailable");
    default: return _("Internal error");
    }
}

void web_fail(const web_req *req, web_resp *resp, const sp_err *err)
{
    int status = err->cls == SP_EFORBIDDEN ? 404 : err_http_status(err);
    if (status < 400) status = 500;
    buf_t detail = BUF_INIT;
    /* one line per problem; the last newline dropped */
    buf_puts(&detail, buf_cstr(&err->msg));
    while (detail.len && detail.data[detail.len - 1] == '\n') detail.data[--detail.len] = 0;
    if (err->cls == SP_EFORBIDDEN) buf_clear(&detail);
    if (status == 500) {
        /* internals stay in the log, not in the answer */
        buf_clear(&detail);
        buf_puts(&detail, _("an internal error occurred; it is in the server's log"));
    }
    buf_clear(&resp->body);
    if (req && req->route && req->route->kind == WEB_PAGE) {
        web_error_page(req, resp, status, buf_cstr(&detail));
    } else {
        web_problem(resp, status, err_slug(err->cls), status_title(status), buf_cstr(&detail));
    }
    buf_free(&detail);
}

void web_error_page(const web_req *req, web_resp *resp, int status, const char *message)
{
    buf_clear(&resp->body);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    if (req && req->route) {
        web_page_begin(req, resp, status_title(status));
    } else {
        buf_printf(&resp->body, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\"><title>",
                   web_lang() == LANG_ZH ? "zh-CN" : "en");
        web_html(&resp->body, status_title(status));
        buf_puts(&resp->body, "</title></head><body><main>");
    }
    buf_puts(&resp->body, "<h1>");
    web_html(&resp->body, status_title(status));
    buf_puts(&resp->body, "</h1>");
    if (message && *message) {
        buf_puts(&resp->body, "<p class=\"error\">");
        web_html(&resp->body, message);
        buf_puts(&resp->body, "</p>");
    }
    buf_puts(&resp->body, "<p><a href=\"/\">");
    web_html(&resp->body, _("Home"));
    buf_puts(&resp->body, "</a></p>");
    if (req && req->route) web_page_end(req, resp);
    else buf_puts(&resp->body, "</main></body></html>\n");
}

/* ---- escapers ---- */

void web_html(buf_t *out, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(out, "&amp;"); break;
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        case '\'': buf_puts(out, "&#39;"); break;
        default: buf_putc(out, *s);
        }
    }
}

void web_attr(buf_t *out, const char *s)
{
    if (!s) return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&') buf_puts(out, "&amp;");
        else if (c == '<') buf_puts(out, "&lt;");
        else if (c == '>') buf_puts(out, "&gt;");
        else if (c == '"') buf_puts(out, "&quot;");
        else if (c == '\'') buf_puts(out, "&#39;");
        else if (c == '`') buf_puts(out, "&#96;");
        else if (c == '=') buf_puts(out, "&#61;");
        else if (c < 0x20) buf_printf(out, "&#%u;", c);
        else buf_putc(out, (char)c);
    }
}

void web_url(buf_t *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s) return;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            buf_putc(out, (char)c);
        } else {
            buf_putc(out, '%');
            buf_putc(out, hex[c >> 4]);
            buf_putc(out, hex[c & 15]);
        }
    }
}

void web_json_str(buf_t *out, const char *s)
{
    /* out_json_string also escapes < > & / as \u00XX? keep our own: the
     * answer is safe inside HTML too (no "</script>") */
    static const char hex[] = "0123456789abcdef";
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if (c == '"') buf_puts(out, "\\\"");
        else if (c == '\\') buf_puts(out, "\\\\");
        else if (c == '\n') buf_puts(out, "\\n");
        else if (c == '\r') buf_puts(out, "\\r");
        else if (c == '\t') buf_puts(out, "\\t");
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7f) {
            buf_puts(out, "\\u00");
            buf_putc(out, hex[c >> 4]);
            buf_putc(out, hex[c & 15]);
        } else buf_putc(out, (char)c);
    }
    buf_putc(out, '"');
}

/* ---- validators ---- */

static bool has_ctl(const char *s, bool text)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (text && (*p == '\t' || *p == '\n' || *p == '\r')) continue;
        if (*p < 0x20 || *p == 0x7f) return true;
    }
    return false;
}

static bool id_char_ok(const unsigned char *p)
{
    unsigned char c = *p;
    if (c >= 0x80) return true; /* CJK and other letters (UTF-8 checked apart) */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.' || c == ':' || c == '@';
}

static bool is_id(const char *s, const char *end)
{
    if (s == end) return false;
    for (const unsigned char *p = (const unsigned char *)s; p < (const unsigned char *)end; p++)
        if (!id_char_ok(p)) return false;
    return true;
}

bool web_field_check(const web_field_spec *spec, const char *v, const char **why)
{
    size_t n = strlen(v);
    size_t max = spec->max_len ? spec->max_len : WEB_FIELD_MAX;
    if (n > max) {
        *why = _("too long");
        return false;
    }
    if (!utf8_valid(v, n)) {
        *why = _("not valid UTF-8");
        return false;
    }
    if (has_ctl(v, spec->type == WF_TEXT)) {
        *why = _("holds control characters");
        return false;
    }
    if (spec->required && n == 0) {
        *why = _("is empty");
        return false;
    }
    if (n == 0) return true; /* an empty optional value means "not given" */
    switch (spec->type) {
    case WF_TEXT: return true;
    case WF_ID:
        if (!is_id(v, v + n)) {
            *why = _("not an id (letters, digits and - _ . : @)");
            return false;
        }
        return true;
    case WF_INT: {
        char *end;
        long long x = strtoll(v, &end, 10);
        bool ok = *end == 0 && end != v && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) && n <= 19;
        if (ok && (spec->min || spec->max) && (x < spec->min || x > spec->max)) ok = false;
        if (!ok) *why = _("not a whole number in range");
        return ok;
    }
    case WF_DATE: {
        sp_day d;
        const char *w;
        if (!date_parse(v, &d, &w)) {
            *why = _("not a date (YYYY-MM-DD)");
            return false;
        }
        return true;
    }
    case WF_ENUM: {
        const char *c = spec->choices ? spec->choices : "";
        while (*c) {
            const char *bar = strchr(c, '|');
            size_t len = bar ? (size_t)(bar - c) : strlen(c);
            if (len == n && strncmp(c, v, n) == 0) return true;
            if (!bar) break;
            c = bar + 1;
        }
        *why = _("not one of the allowed values");
        return false;
    }
    case WF_PERIOD:
        for (const unsigned char *p = (const unsigned char *)v; *p; p++)
            if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == 'H' || *p == 'Q' || *p == 'W' ||
                  *p == 'F' || *p == 'Y')) {
                *why = _("not a period (2026, 2026-Q3, 2026-07, FY2026, A..B)");
                return false;
            }
        return true;
    case WF_LIST: {
        const char *p = v;
        for (;;) {
            const char *comma = strchr(p, ',');
            const char *end = comma ? comma : v + n;
            if (!is_id(p, end)) {
                *why = _("not a list of ids separated by commas");
                return false;
            }
            if (!comma) break;
            p = comma + 1;
        }
        return true;
    }
    case WF_WHERE: {
        const char *sep = strpbrk(v, ":=");
        if (!sep || sep == v || !is_id(v, sep) || !sep[1]) {
            *why = _("not a filter KEY:VALUE");
            return false;
        }
        return true;
    }
    case WF_BOOL:
        if (str_eq(v, "1") || str_eq(v, "0") || str_eq(v, "true") || str_eq(v, "false") || str_eq(v, "on") ||
            str_eq(v, "off"))
            return true;
        *why = _("not a yes/no value (1, 0, true, false, on, off)");
        return false;
    }
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* url_decode: in place; false on a bad escape. */
static bool url_decode(char *s, bool plus)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '%') {
            int a = hexval(r[1]), b = a >= 0 ? hexval(r[2]) : -1;
            if (a < 0 || b < 0) return false;
            char c = (char)(a * 16 + b);
            if (c == 0) return false;
            *w++ = c;
            r += 2;
        } else if (plus && *r == '+') {
            *w++ = ' ';
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return true;
}

size_t web_form_parse(char *s, web_field *out, size_t max)
{
    size_t n = 0;
    char *p = s;
    while (p && *p) {
        char *amp = strchr(p, '&');
        if (amp) *amp = 0;
        if (*p) {
            if (n == max) return (size_t)-1;
            char *eq = strchr(p, '=');
            char *val = p + strlen(p); /* no '=': the empty string, writable */
            if (eq) {
                *eq = 0;
                val = eq + 1;
            }
            if (!url_decode(p, true) || !url_decode(val, true)) return (size_t)-1;
            out[n].name = p;
            out[n].value = val;
            n++;
        }
        p = amp ? amp + 1 : NULL;
    }
    return n;
}

bool web_path_match(const char *pattern, const char *path, web_req *req, char *scratch, size_t scratch_len)
{
    size_t np = 0, used = 0;
    const char *a = pattern, *b = path;
    while (*a && *b) {
        if (*a == '{') {
            const char *close = strchr(a, '}');
            if (!close) return false;
            const char *seg_end = strchr(b, '/');
            if (!seg_end) seg_end = b + strlen(b);
            size_t len = (size_t)(seg_end - b);
            size_t nlen = (size_t)(close - a - 1);
            if (len == 0 || np == WEB_MAX_PARAMS || used + len + nlen + 2 > scratch_len) return false;
            char *name = scratch + used;
            memcpy(name, a + 1, nlen);
            name[nlen] = 0;
            used += nlen + 1;
            char *val = scratch + used;
            memcpy(val, b, len);
            val[len] = 0;
            used += len + 1;
            req->param_names[np] = name;
            req->param_values[np] = val;
            np++;
            a = close + 1;
            b = seg_end;
        } else if (*a == *b) {
            a++;
            b++;
        } else {
            return false;
        }
    }
    if (*a || *b) return false;
    req->nparams = np;
    return true;
}

void web_user_from(const sp_user_rec *u, web_user *w)
{
    memset(w, 0, sizeof *w);
    w->id = u->id;
    w->login = u->login;
    w->name = u->name && *u->name ? u->name : u->login;
    w->role = web_role_parse(u->role);
    w->rep_id = u->rep_id;
    w->lang = u->lang ? i18n_lang_parse(u->lang) : -1;
    if (u->groups && *u->groups) {
        size_t cap = 1;
        for (const char *p = u->groups; *p; p++)
            if (*p == ',') cap++;
        /* one allocation: the pointer array, then a copy of the text */
        size_t textlen = strlen(u->groups) + 1;
        char **arr = xmalloc(size_add(cap * sizeof(char *), textlen));
        char *text = (char *)(arr + cap);
        memcpy(text, u->groups, textlen);
        size_t n = 0;
        char *save = NULL;
        for (char *tok = strtok_r(text, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
            if (*tok) arr[n++] = tok;
        w->groups = (const char *const *)arr;
        w->ngroups = n;
    }
}

void web_user_clear(web_user *w)
{
    free((void *)w->groups);
    memset(w, 0, sizeof *w);
}
