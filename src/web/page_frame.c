/*
 * page_frame.c — the common HTML frame of every page (owned by the pages;
 * this is the server core's minimal placeholder).
 */
#include "web.h"

void web_page_begin(const web_req *req, web_resp *resp, const char *title)
{
    buf_t *b = &resp->body;
    resp->content_type = "text/html; charset=utf-8";
    buf_printf(b, "<!doctype html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>",
               req->lang == LANG_ZH ? "zh-CN" : "en");
    web_html(b, title);
    buf_puts(b, "</title></head><body>");
    if (req->user) {
        buf_puts(b, "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"");
        web_attr(b, req->csrf);
        buf_puts(b, "\"><button type=\"submit\">");
        web_html(b, _("Log out"));
        buf_puts(b, "</button></form>");
    }
    buf_puts(b, "<main>");
}

void web_page_end(const web_req *req, web_resp *resp)
{
    (void)req;
    buf_puts(&resp->body, "</main></body></html>\n");
}
