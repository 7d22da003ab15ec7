/*
 * html.c — escapers, number forms and the page frame of the web face (see
 * html.h). The style sheet and the script are C strings here: they travel
 * inside the binary and inside each page, under the response's CSP nonce.
 */
#include "html.h"

#include <inttypes.h>
#include <string.h>

/* Translations here are in the page's language (pg->lang), never the
 * process's: a server thread renders in the language of its request. */
#undef _
#define _(s) tr_lang(pg->lang, s)

/* ---- escapers ---- */

void html_text(buf_t *out, const char *s)
{
    const char *p = s ? s : "", *run = p;
    for (; *p; p++) {
        const char *rep;
        switch (*p) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: continue;
        }
        buf_append(out, run, (size_t)(p - run));
        buf_puts(out, rep);
        run = p + 1;
    }
    buf_append(out, run, (size_t)(p - run));
}

void html_attr(buf_t *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': buf_puts(out, "&amp;"); break;
        case '<': buf_puts(out, "&lt;"); break;
        case '>': buf_puts(out, "&gt;"); break;
        case '"': buf_puts(out, "&quot;"); break;
        case '\'': buf_puts(out, "&#39;"); break;
        case '`': buf_puts(out, "&#96;"); break;
        case '=': buf_puts(out, "&#61;"); break;
        case '\n': buf_puts(out, "&#10;"); break;
        case '\r': buf_puts(out, "&#13;"); break;
        case '\t': buf_puts(out, "&#9;"); break;
        default: buf_putc(out, *p);
        }
    }
}

void html_url(buf_t *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
            c == '.' || c == '~') {
            buf_putc(out, (char)c);
        } else {
            buf_putc(out, '%');
            buf_putc(out, hex[c >> 4]);
            buf_putc(out, hex[c & 15]);
        }
    }
}

void html_json(buf_t *out, const char *s)
{
    buf_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '"': buf_puts(out, "\\\""); break;
        case '\\': buf_puts(out, "\\\\"); break;
        case '\n': buf_puts(out, "\\n"); break;
        case '\r': buf_puts(out, "\\r"); break;
        case '\t': buf_puts(out, "\\t"); break;
        case '<': buf_puts(out, "\\u003c"); break;
        case '>': buf_puts(out, "\\u003e"); break;
        case '&': buf_puts(out, "\\u0026"); break;
        case '\'': buf_puts(out, "\\u0027"); break;
        default:
            if (c < 0x20) {
                buf_printf(out, "\\u%04x", c);
            } else if (c == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
                buf_puts(out, p[2] == 0xA8 ? "\\u2028" : "\\u2029");
                p += 2;
            } else {
                buf_putc(out, (char)c);
            }
        }
    }
    buf_putc(out, '"');
}

bool html_href_ok(const char *href)
{
    if (!href || !*href) return false;
    for (const char *p = href; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == '\\') return false;   /* no tricks with controls or backslashes */
    if (href[0] == '/') return href[1] != '/';
    if (href[0] == '?') return true;
    return strncmp(href, "https://", 8) == 0 || strncmp(href, "http://", 7) == 0;
}

void html_href(buf_t *out, const char *href)
{
    html_attr(out, html_href_ok(href) ? href : "#");
}

void html_raw(buf_t *out, const char *s) { buf_puts(out, s ? s : ""); }

void html_tag_text(buf_t *out, const char *tag, const char *attrs, const char *text)
{
    buf_printf(out, "<%s%s%s>", tag, attrs ? " " : "", attrs ? attrs : "");
    html_text(out, text);
    buf_printf(out, "</%s>", tag);
}

/* ---- numbers ---- */

void web_money(buf_t *out, sp_lang lang, sp_money m)
{
    char b[64];
    bool wan = lang == LANG_ZH && (m >= 1000000 || m <= -1000000);
    buf_puts(out, wan ? money_shown(m, MONEY_WAN, b) : money_format_grouped(m, b));
}

void web_pct(buf_t *out, sp_qty q) { qty_pct_display(q, out); }

void web_qty(buf_t *out, sp_lang lang, sp_unit u, sp_qty q)
{
    if (q.null) buf_puts(out, "—");
    else if (u == UNIT_MONEY) web_money(out, lang, qty_round(q));
    else qty_display(u, q, out);   /* ratios are held in ppm: shown in % */
}

double web_qty_double(sp_qty q) { return q.null || q.den == 0 ? 0.0 : (double)q.num / (double)q.den; }

const char *html_status_class(sp_goal_status s)
{
    switch (s) {
    case GOAL_ON_TRACK: return "on";
    case GOAL_AT_RISK: return "risk";
    case GOAL_OFF_TRACK: return "off";
    case GOAL_ACHIEVED: return "done";
    case GOAL_MISSED: return "miss";
    default: return "wait";
    }
}

/* ---- navigation ---- */

static const char *const nav_paths[NAV_COUNT] = {"/",          "/plan",    "/analysis", "/strategies",
                                                 "/tasks",     "/customers", "/followups", "/budget",
                                                 "/reviews",   "/imports", "/users",    "/"};
static const char *const nav_labels[NAV_COUNT] = {N_("Dashboard"),      N_("Plan table"), N_("Analysis"),
                                                  N_("Strategies"),     N_("Tasks"),      N_("Customer tiers"),
                                                  N_("Follow-ups"),     N_("Budget"),     N_("Reviews"),
                                                  N_("Imports"),        N_("Users"),      ""};

const char *web_nav_path(web_nav n) { return (unsigned)n < NAV_COUNT ? nav_paths[n] : "/"; }
const char *web_nav_label(web_nav n) { return (unsigned)n < NAV_COUNT ? nav_labels[n] : ""; }

bool web_nav_allowed(web_nav n, const char *role)
{
    if (n == NAV_NONE) return false;
    if (n == NAV_IMPORTS) return str_eq(role, "admin") || str_eq(role, "manager");
    if (n == NAV_BUDGET) return !str_eq(role, "rep");
    if (n == NAV_USERS) return str_eq(role, "admin");
    return true;
}

/* ---- the frame ---- */

static const char *role_label(const web_page *pg, const char *role)
{
    if (str_eq(role, "admin")) return _("admin");
    if (str_eq(role, "manager")) return _("manager");
    if (str_eq(role, "rep")) return _("rep");
    if (str_eq(role, "viewer")) return _("viewer");
    return role ? role : "";
}

/* lang_link: the current page in language code ("zh" / "en"). */
static void lang_link(buf_t *out, const web_page *pg, const char *code)
{
    const char *path = pg->path && pg->path[0] == '/' && pg->path[1] != '/' ? pg->path : "/";
    buf_t u = BUF_INIT;
    buf_puts(&u, path);
    buf_putc(&u, '?');
    if (pg->query && *pg->query) {
        buf_puts(&u, pg->query);
        buf_putc(&u, '&');
    }
    buf_printf(&u, "lang=%s", code);
    html_href(out, buf_cstr(&u));
    buf_free(&u);
}

void html_csrf_field(buf_t *out, const web_page *pg)
{
    if (!pg->csrf) return;
    buf_puts(out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_attr(out, pg->csrf);
    buf_puts(out, "\">");
}

void html_begin(buf_t *out, const web_page *pg, const char *title)
{
    buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
               pg->lang == LANG_ZH ? "zh-CN" : "en");
    buf_puts(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<link rel=\"icon\" href=\"data:,\">\n<title>");
    html_text(out, title);
    buf_puts(out, " · salesplan</title>\n<style nonce=\"");
    html_attr(out, pg->nonce);
    buf_puts(out, "\">\n");
    html_raw(out, web_css);
    buf_puts(out, "</style>\n</head>\n<body");
    if (pg->print) buf_puts(out, " class=\"printable\"");
    buf_puts(out, ">\n<header class=\"top\">\n<div class=\"brand\"><a href=\"/\">salesplan</a>");
    if (pg->plan_name && *pg->plan_name) {
        buf_puts(out, "<span class=\"planname\">");
        html_text(out, pg->plan_name);
        buf_puts(out, "</span>");
    }
    buf_puts(out, "</div>\n");
    if (pg->user) {
        buf_puts(out, "<nav class=\"main\" aria-label=\"");
        html_attr(out, _("Main"));
        buf_puts(out, "\">");
        for (int n = 0; n < NAV_NONE; n++) {
            if (!web_nav_allowed((web_nav)n, pg->role)) continue;
            buf_puts(out, "<a href=\"");
            html_href(out, nav_paths[n]);
            buf_puts(out, n == (int)pg->nav ? "\" class=\"cur\" aria-current=\"page\">" : "\">");
            html_text(out, _(nav_labels[n]));
            buf_puts(out, "</a>");
        }
        buf_puts(out, "</nav>\n");
    }
    buf_puts(out, "<div class=\"tools\"><span class=\"langs\">");
    if (pg->lang == LANG_ZH) {
        buf_puts(out, "<b>中文</b> · <a id=\"lang-en\" hreflang=\"en\" href=\"");
        lang_link(out, pg, "en");
        buf_puts(out, "\">English</a>");
    } else {
        buf_puts(out, "<a id=\"lang-zh\" hreflang=\"zh-CN\" href=\"");
        lang_link(out, pg, "zh");
        buf_puts(out, "\">中文</a> · <b>English</b>");
    }
    buf_puts(out, "</span>");
    if (pg->user) {
        buf_puts(out, "<span class=\"user\"><span class=\"who\">");
        html_text(out, pg->user);
        buf_puts(out, "</span> <span class=\"role\">");
        html_text(out, role_label(pg, pg->role));
        buf_puts(out, "</span></span><form method=\"post\" action=\"/logout\" class=\"logout\">");
        html_csrf_field(out, pg);
        buf_puts(out, "<button type=\"submit\">");
        html_text(out, _("Log out"));
        buf_puts(out, "</button></form>");
    }
    buf_puts(out, "</div>\n</header>\n<main>\n");
}

void html_end(buf_t *out, const web_page *pg)
{
    buf_puts(out, "</main>\n<footer>salesplan " SP_VERSION "</footer>\n<script nonce=\"");
    html_attr(out, pg->nonce);
    buf_puts(out, "\">\n");
    html_raw(out, web_js);
    buf_puts(out, "</script>\n</body>\n</html>\n");
}

void html_empty(buf_t *out, const char *title, const char *what, const char *command)
{
    buf_puts(out, "<div class=\"empty\">");
    html_tag_text(out, "h2", NULL, title);
    html_tag_text(out, "p", NULL, what);
    if (command && *command) html_tag_text(out, "pre", NULL, command);
    buf_puts(out, "</div>\n");
}

void html_notice(buf_t *out, const char *kind, const char *text)
{
    const char *k = str_eq(kind, "ok") ? "ok" : str_eq(kind, "error") ? "error" : "info";
    buf_printf(out, "<div class=\"notice %s\" role=\"%s\">", k, str_eq(k, "error") ? "alert" : "status");
    html_text(out, text);
    buf_puts(out, "</div>\n");
}

/* ---- the style sheet ---- */

const char web_css[] =
    ":root{--ink:#1d2733;--mute:#5f6b78;--line:#d5dce4;--bg:#f3f5f8;--card:#fff;--pri:#1f5f99;--pri2:#e8f0f8;"
    "--on:#2e7d32;--risk:#e09100;--off:#c62828;--done:#1b5e20;--miss:#8e1b1b;--wait:#8a94a0}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;font-family:\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\","
    "system-ui,sans-serif;font-size:15px;line-height:1.45;color:var(--ink);background:var(--bg)}\n"
    "a{color:var(--pri);text-decoration:none}a:hover{text-decoration:underline}\n"
    "header.top{display:flex;flex-wrap:wrap;align-items:center;gap:4px 14px;background:#183b5c;color:#fff;"
    "padding:8px 18px}\n"
    "header.top a{color:#dce8f5}\n"
    ".brand a{font-weight:bold;font-size:18px;color:#fff}.planname{margin-left:10px;color:#b9cde2;font-size:13px}\n"
    "nav.main{display:flex;gap:2px;flex-wrap:wrap;flex:1}\n"
    "nav.main a{padding:6px 8px;border-radius:4px;white-space:nowrap}\n"
    "nav.main a.cur{background:#2d5b86;color:#fff}\n"
    ".tools{display:flex;align-items:center;gap:12px;font-size:13px;margin-left:auto}\n"
    ".tools b{color:#fff}.user .role{color:#b9cde2}\n"
    "form.logout{display:inline;margin:0}form.logout button{background:none;border:1px solid #6f8fb0;color:#fff;"
    "border-radius:4px;padding:3px 8px;cursor:pointer;font-size:13px}\n"
    "main{max-width:1280px;margin:0 auto;padding:16px 18px 32px}\n"
    "footer{text-align:center;color:var(--mute);font-size:12px;padding:12px}\n"
    "h1{font-size:22px;margin:4px 0 12px}h2{font-size:17px;margin:0 0 10px}h3{font-size:15px;margin:12px 0 6px}\n"
    ".sub{color:var(--mute);font-size:13px;margin:-6px 0 12px}\n"
    ".card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;"
    "margin:0 0 16px;min-width:0}\n"
    ".grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:16px}\n"
    ".grid>.card{margin:0}.grid{margin:0 0 16px}\n"
    ".tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;margin:0 0 16px}\n"
    ".tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}\n"
    ".tile .v{font-size:24px;font-weight:bold}.tile .k{color:var(--mute);font-size:13px}\n"
    ".tile.warn .v{color:var(--off)}.tile.ok .v{color:var(--on)}\n"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}\n"
    "table{border-collapse:collapse;width:100%}\n"
    "th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:middle}\n"
    "th{background:#eef2f6;font-weight:600;font-size:13px;white-space:nowrap}\n"
    "td.n,th.n{text-align:right;white-space:nowrap}\n"
    "tr.sub1 td:first-child{padding-left:24px}tr.sub2 td:first-child{padding-left:40px}\n"
    "tr.late td{color:var(--off)}tr.total td{font-weight:bold;background:#f6f8fa}\n"
    ".st{display:inline-block;border-radius:10px;padding:1px 9px;font-size:12px;color:#fff;white-space:nowrap}\n"
    ".st.on{background:var(--on)}.st.risk{background:var(--risk)}.st.off{background:var(--off)}"
    ".st.done{background:var(--done)}.st.miss{background:var(--miss)}.st.wait{background:var(--wait)}\n"
    "svg{max-width:100%;height:auto;display:block}svg text{font-family:inherit}\n"
    "svg.bar{width:160px;min-width:120px}svg.trend,svg.budget,svg.funnel{width:100%;max-width:820px}svg.budget,svg.funnel{min-width:460px}svg.gantt{min-width:720px;width:100%}\n"
    "table.stale th:first-child{width:40%}table.stale th:nth-child(2),table.stale th:nth-child(3){width:14%}"
    "table.stale th:nth-child(4){width:8%}\n"
    "form.filters{display:flex;flex-wrap:wrap;gap:8px 12px;align-items:end;margin:0 0 14px}\n"
    "form.compare{margin-top:14px}\n"
    "form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--mute)}\n"
    "input,select,textarea,button{font:inherit;font-size:14px}\n"
    "input,select,textarea{border:1px solid #b8c2cc;border-radius:4px;padding:5px 7px;background:#fff}\n"
    "button,.btn{background:var(--pri);color:#fff;border:0;border-radius:4px;padding:6px 12px;cursor:pointer;"
    "display:inline-block}\n"
    "button.alt,.btn.alt{background:#e3e9ef;color:var(--ink)}\n"
    "form.inline{display:flex;gap:6px;align-items:center;margin:0}\n"
    ".js form.inline button.go{display:none}\n"
    "form.stack{display:grid;gap:10px;max-width:560px}form.stack label{display:grid;gap:3px;font-size:13px}\n"
    ".notice{border-radius:6px;padding:10px 14px;margin:0 0 14px}\n"
    ".notice.ok{background:#e7f4ea;border:1px solid #9bcfa5}.notice.error{background:#fdecec;border:1px solid #e5a0a0}"
    ".notice.info{background:var(--pri2);border:1px solid #a9c3dd}\n"
    ".empty{background:var(--card);border:2px dashed var(--line);border-radius:8px;padding:24px;text-align:center}\n"
    ".empty pre{display:inline-block;text-align:left;background:#f0f3f6;padding:8px 12px;border-radius:4px}\n"
    "ul.errors{color:var(--off);font-family:monospace;font-size:13px}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--mute)}\n"
    ".legend i{display:inline-block;width:12px;height:12px;border-radius:2px;vertical-align:-1px;margin-right:4px}\n"
    ".k-act{background:#1f5f99}.k-tgt{background:#9aa7b4}.k-alloc{background:#c9d6e3}.k-comm{background:#7aa6d1}"
    ".k-spent{background:#1f5f99}.k-over{background:#c62828}.k-crit{background:#c62828}.k-task{background:#5b8fc4}"
    ".k-done{background:#9bc79f}\n"
    ".login{max-width:380px;margin:40px auto;background:var(--card);border:1px solid var(--line);border-radius:8px;"
    "padding:18px 22px}.login input{width:100%}p.error{color:var(--off)}\n"
    ".muted{color:var(--mute)}.red{color:var(--off)}.small{font-size:12px}\n"
    ".swot{display:grid;grid-template-columns:1fr 1fr;gap:8px}\n"
    ".swot>div{border:1px solid var(--line);border-radius:6px;padding:8px 12px}\n"
    ".swot .s{background:#edf6ee}.swot .w{background:#fbeeee}.swot .o{background:#edf2fb}.swot .t{background:#fbf4e4}\n"
    "section.step{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;"
    "margin:0 0 16px;overflow-x:auto}\n"
    "section.step .plan{color:var(--mute);font-size:12px}\n"
    "section.step table{margin:0 0 8px}section.step th,section.step td{border:1px solid var(--line)}\n"
    /* the analysis board, the strategies, the users page */
    ".pest{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:10px}\n"
    ".pest>.pf{border:1px solid var(--line);border-top:4px solid var(--pri);border-radius:6px;padding:8px 12px;"
    "min-width:0}\n"
    ".pf.pol{border-top-color:#6a4c93}.pf.eco{border-top-color:#1f5f99}.pf.soc{border-top-color:#2e7d32}"
    ".pf.tec{border-top-color:#e09100}\n"
    ".pf h3{margin:2px 0 6px}.pf .letter{display:inline-block;width:22px;height:22px;line-height:22px;"
    "text-align:center;border-radius:50%;background:#eef2f6;margin-right:4px;font-size:13px}\n"
    "ul.items{list-style:none;margin:6px 0 0;padding:0}ul.items>li{padding:6px 0;border-top:1px solid #e6ebf0}"
    "ul.items>li:first-child{border-top:0}\n"
    ".pf .meta{display:flex;align-items:center;gap:8px;margin-bottom:2px}\n"
    ".eff{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;white-space:nowrap}"
    ".eff.opp{background:#e3f1e5;color:#1b5e20}.eff.thr{background:#fbe3e3;color:#8e1b1b}\n"
    ".imp{white-space:nowrap}.imp i{display:inline-block;width:7px;height:7px;border-radius:50%;"
    "background:#d5dce4;margin-right:2px}.imp i.on{background:#183b5c}\n"
    ".by{color:var(--mute);margin-top:2px}\n"
    ".swot.board{grid-template-columns:1fr 1fr;gap:10px}.swot.board>div{padding:10px 14px;min-height:90px;"
    "min-width:0}.swot.board h3{margin:0}\n"
    ".tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;background:#e6ebf0;"
    "color:#3d4a57;white-space:nowrap;font-weight:normal}\n"
    ".personas{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}\n"
    ".persona{border:1px solid var(--line);border-radius:6px;padding:8px 12px}.persona h3{margin:2px 0 6px}\n"
    ".persona dl{margin:0}.persona dt{font-size:12px;color:var(--mute);margin-top:4px}.persona dd{margin:2px 0}\n"
    "ul.chips,ol.chain{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px}\n"
    "ul.chips li{background:#fbf4e4;border-radius:4px;padding:0 8px}"
    "ol.chain li span{background:var(--pri2);border-radius:4px;padding:0 8px}"
    "ol.chain li+li::before{content:\"\\2192\";color:var(--mute);margin:0 4px 0 0}\n"
    ".strat h2{display:flex;flex-wrap:wrap;align-items:center;gap:6px}\n"
    ".prio{display:inline-block;min-width:24px;height:24px;line-height:24px;text-align:center;border-radius:50%;"
    "background:var(--pri);color:#fff;font-size:13px}\n"
    ".cols{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:8px 20px}.cols h3{margin:4px 0 6px}\n"
    "ul.served{list-style:none;margin:0;padding:0}ul.served li{display:flex;flex-wrap:wrap;align-items:center;"
    "gap:4px 10px;padding:5px 0;border-top:1px solid #e6ebf0}ul.served li:first-child{border-top:0}\n"
    "ul.served .goal{flex:1 1 160px}ul.served .gs{display:flex;align-items:center;gap:6px}"
    "ul.served svg.bar{width:110px;min-width:90px}\n"
    ".tasksline{margin:10px 0 0;color:var(--mute)}\n"
    "tr.off td{color:var(--mute)}.acts{display:flex;flex-wrap:wrap;gap:6px}\n"
    "button.sm{padding:3px 9px;font-size:13px}\n"
    "code.secret{display:inline-block;font-family:monospace;font-size:18px;background:#fff;"
    "border:1px dashed #2e7d32;border-radius:4px;padding:6px 12px;user-select:all;word-break:break-all}\n"
    ".notice.once p{margin:4px 0}details.card>summary{cursor:pointer}details.card[open]>summary{margin-bottom:10px}\n"
    "fieldset.checks{border:1px solid var(--line);border-radius:4px;padding:6px 10px;display:flex;flex-wrap:wrap;"
    "gap:4px 14px;font-size:13px}fieldset.checks legend{color:var(--ink);padding:0 4px}"
    "fieldset.checks label{display:flex;gap:4px;align-items:center}\n"
    "@media (max-width:1000px){.pest{grid-template-columns:repeat(2,minmax(0,1fr))}}\n"
    "@media (max-width:700px){body{font-size:14px}header.top{padding:8px 10px}main{padding:10px}"
    "nav.main{order:3;flex-basis:100%;flex-wrap:nowrap;overflow-x:auto}.tools{margin-left:auto}"
    ".grid{grid-template-columns:1fr}.swot{grid-template-columns:1fr}th,td{padding:5px 6px}"
    "table.resp thead{display:none}table.resp tr{display:block;border-bottom:1px solid var(--line);padding:6px 0}"
    "table.resp td{display:flex;justify-content:space-between;gap:8px;border:0;padding:2px 4px;text-align:right}"
    "table.resp td::before{content:attr(data-l);color:var(--mute);text-align:left}"
    "table.resp td[data-l=\"\"]{display:block;text-align:left;font-size:15px}table.resp td[data-l=\"\"]::before{content:none}"
    "svg.bar{width:140px}.pest,.cols{grid-template-columns:1fr}.swot.board{grid-template-columns:1fr 1fr;gap:6px}"
    ".swot.board>div{padding:8px 9px}}\n"
    "@media print{@page{size:A4 landscape;margin:12mm}body{background:#fff;font-size:10pt}"
    "header.top,footer,.noprint,form{display:none}main{max-width:none;padding:0}"
    ".card,section.step{border:0;padding:0;margin:0 0 8px}"
    "section.step{page-break-after:always;break-after:page}section.step:last-of-type{page-break-after:auto;"
    "break-after:auto}thead{display:table-header-group}tr{page-break-inside:avoid;break-inside:avoid}}\n";

/* ---- the script: progressive only (every form works without it) ---- */

const char web_js[] =
    "document.documentElement.classList.add('js');\n"
    "document.querySelectorAll('select[data-autosubmit]').forEach(function(s){\n"
    "  s.addEventListener('change',function(){ if(s.form) s.form.submit(); });\n"
    "});\n"
    "document.querySelectorAll('[data-print]').forEach(function(b){\n"
    "  b.addEventListener('click',function(e){ e.preventDefault(); window.print(); });\n"
    "});\n"
    "document.querySelectorAll('form[data-confirm]').forEach(function(f){\n"
    "  f.addEventListener('submit',function(e){ if(!window.confirm(f.getAttribute('data-confirm'))) e.preventDefault(); });\n"
    "});\n"
    "document.querySelectorAll('form[data-progress]').forEach(function(f){\n"
    "  f.addEventListener('submit',function(){ var p=f.querySelector('.progress'); if(p) p.hidden=false;"
    " var b=f.querySelector('button[type=submit]'); if(b) b.disabled=true; });\n"
    "});\n";
