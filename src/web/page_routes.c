/*
 * page_routes.c — the route table of the HTML pages (owned by the pages;
 * this is the placeholder the server core starts with: a home page).
 * Every entry is enforced by the server before its handler runs (see web.h).
 */
#include "web.h"

static web_handler_fn page_home;

static void page_home(web_req *req, web_resp *resp)
{
    web_page_begin(req, resp, _("Home"));
    buf_puts(&resp->body, "<h1>");
    web_html(&resp->body, _("salesplan"));
    buf_puts(&resp->body, "</h1><p>");
    web_html(&resp->body, _("Signed in as"));
    buf_puts(&resp->body, " ");
    web_html(&resp->body, req->user ? req->user->login : "");
    buf_puts(&resp->body, "</p>");
    web_page_end(req, resp);
}

const web_route web_page_routes[] = {
    {WEB_GET, "/", page_home, WEB_ANY_ROLE, false, WEB_PAGE, NULL, 0, "home page"},
};
const size_t web_page_nroutes = sizeof web_page_routes / sizeof web_page_routes[0];
