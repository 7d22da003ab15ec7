/*
 * page_frame.c — the common HTML frame of every page (web.h's
 * web_page_begin / web_page_end) on top of html.c's html_begin / html_end:
 * the request's language, nonce, CSRF token, user and role become a
 * web_page, and the navigation entry is taken from the path when the page
 * does not name it (page_open).
 */
#include <string.h>

#include "pages.h"

/* nav_of_path: the navigation entry a path belongs to. */
static web_nav nav_of_path(const char *path)
{
    if (!path || str_eq(path, "/")) return NAV_DASHBOARD;
    for (int n = NAV_PLAN; n < NAV_NONE; n++) {
        const char *p = web_nav_path((web_nav)n);
        size_t len = strlen(p);
        if (strncmp(path, p, len) == 0 && (path[len] == 0 || path[len] == '/')) return (web_nav)n;
    }
    if (strncmp(path, "/goals/", 7) == 0) return NAV_DASHBOARD;
    return NAV_NONE;
}

web_page page_web(const web_req *req, web_nav nav, const char *plan_name)
{
    web_page pg;
    memset(&pg, 0, sizeof pg);
    pg.lang = req->lang;
    pg.nonce = req->nonce ? req->nonce : "";
    pg.csrf = req->user && req->csrf && *req->csrf ? req->csrf : NULL;
    pg.user = req->user ? (req->user->name && *req->user->name ? req->user->name : req->user->login) : NULL;
    pg.role = req->user ? web_role_name(req->user->role) : NULL;
    pg.path = req->path;
    pg.plan_name = plan_name;
    pg.nav = nav;
    pg.print = nav == NAV_PLAN;
    return pg;
}

void page_open(const web_req *req, web_resp *resp, const char *title, web_nav nav, const char *plan_name)
{
    web_page pg = page_web(req, nav, plan_name);
    resp->content_type = "text/html; charset=utf-8";
    html_begin(&resp->body, &pg, title);
}

void page_close(const web_req *req, web_resp *resp)
{
    web_page pg = page_web(req, NAV_NONE, NULL);
    html_end(&resp->body, &pg);
}

void web_page_begin(const web_req *req, web_resp *resp, const char *title)
{
    page_open(req, resp, title, nav_of_path(req->path), NULL);
}

void web_page_end(const web_req *req, web_resp *resp) { page_close(req, resp); }
