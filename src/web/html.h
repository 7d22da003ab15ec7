/*
 * html.h — writing the pages of the web face: one escaper per output
 * context and the page frame every page shares.
 *
 * Owns: the escapers (HTML text, HTML attribute value, URL component, a
 * JSON string inside <script>), a URL filter that keeps only our own
 * relative links and http(s) links, the page layout (header with
 * navigation, language switch, user menu; footer), the embedded style
 * sheet (responsive down to a phone; print rules, A4 landscape) and the
 * little script the pages need, both carried in the page under the
 * request's CSP nonce (nothing is loaded from outside), and the number
 * forms people read (money in 万 in Chinese when large, percentages).
 *
 * Must not: read the workspace, the clock or the request itself. Every
 * function appends to a buf_t owned by the caller; nothing is allocated
 * that the caller must free unless said. The default writers escape; the
 * one that does not is named html_raw so that it is easy to grep.
 */
#ifndef SP_WEB_HTML_H
#define SP_WEB_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/pace.h"
#include "../core/value.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* ---- escapers ---- */

/* html_text: s as HTML text: & < > " ' as entities (NULL = ""). */
void html_text(buf_t *out, const char *s);
/* html_attr: s for a double-quoted attribute value: as html_text, plus
 * backtick, '=' and line breaks as numeric references (NULL = ""). */
void html_attr(buf_t *out, const char *s);
/* html_url: s percent-encoded as one URL component (query value or path
 * segment): every byte but A-Z a-z 0-9 - _ . ~ as %XX. */
void html_url(buf_t *out, const char *s);
/* html_json: s as a JSON string literal (with its quotes) that is safe
 * inside a <script> element: < > & U+2028 U+2029 and controls as \uXXXX,
 * so "</script>" or "<!--" can never close or change the element. */
void html_json(buf_t *out, const char *s);
/* html_href_ok: whether href may be written into an href or action: a
 * path of this site ("/…" but not "//…"), a query ("?…") or an
 * http(s):// URL; never javascript:, data: or any other scheme. */
bool html_href_ok(const char *href);
/* html_href: appends href escaped for an attribute when html_href_ok,
 * else "#" (a hostile link becomes a dead one). */
void html_href(buf_t *out, const char *href);
/* html_raw: appends s unescaped: only for markup this code wrote. */
void html_raw(buf_t *out, const char *s);
/* html_tag_text: "<TAG ATTRS>" + escaped text + "</TAG>"; attrs is raw
 * markup written by the caller (may be NULL). */
void html_tag_text(buf_t *out, const char *tag, const char *attrs, const char *text);

/* ---- numbers for people ---- */

/* web_money: an amount as the reader wants it: in Chinese in 万 from
 * 1万 up ("4,036万", "4,520.55万"), else yuan with cents, grouped. */
void web_money(buf_t *out, sp_lang lang, sp_money m);
/* web_qty: q in unit u (money as web_money, others as qty_display:
 * ratios, held in ppm, in %; "—" when null). */
void web_qty(buf_t *out, sp_lang lang, sp_unit u, sp_qty q);
/* web_pct: q as a percentage with one decimal ("—" when null). */
void web_pct(buf_t *out, sp_qty q);
/* web_qty_double: q as a double for geometry only (0 when null). */
double web_qty_double(sp_qty q);

/* ---- the page frame ---- */

/* The navigation entries; a page names its own to mark it current. */
typedef enum web_nav {
    NAV_DASHBOARD,
    NAV_PLAN,
    NAV_ANALYSIS,
    NAV_STRATEGIES,
    NAV_TASKS,
    NAV_CUSTOMERS,
    NAV_FOLLOWUPS,
    NAV_BUDGET,
    NAV_REVIEWS,
    NAV_IMPORTS,
    NAV_USERS,
    NAV_NONE,
    NAV_COUNT
} web_nav;

/* Everything the frame needs to know about the request; borrowed. */
typedef struct web_page {
    sp_lang lang;
    const char *nonce;               /* CSP nonce of this response (base64) */
    const char *csrf;                /* the session's CSRF token for forms; NULL when logged out */
    const char *user;                /* the caller's display name; NULL when logged out */
    const char *role;                /* "admin", "manager", "rep", "viewer" */
    const char *path;                /* the request path, for the language switch */
    const char *query;               /* the query string without lang (may be NULL) */
    const char *plan_name;           /* the workspace's plan, shown in the header (may be NULL) */
    web_nav nav;                     /* the current entry */
    bool print;                      /* a page made to be printed (the plan table) */
} web_page;

/* web_nav_path: the path of a navigation entry ("/", "/plan", …). */
const char *web_nav_path(web_nav n);
/* web_nav_label: its label (English msgid; translate with _()). */
const char *web_nav_label(web_nav n);
/* web_nav_allowed: whether a role sees an entry (imports are for admins
 * and managers; a rep sees neither the budget nor imports; users and
 * tokens are for admins). */
bool web_nav_allowed(web_nav n, const char *role);

/* html_begin: the doctype, head (title, embedded style under the nonce),
 * the header with navigation, language switch and user menu, and opens
 * <main>. title is plain text (escaped here). */
void html_begin(buf_t *out, const web_page *pg, const char *title);
/* html_end: closes <main>, the footer and the page script (nonce). */
void html_end(buf_t *out, const web_page *pg);
/* html_csrf_field: the hidden CSRF input of a form (nothing when
 * pg->csrf is NULL). */
void html_csrf_field(buf_t *out, const web_page *pg);
/* html_empty: the box an empty page shows: a heading, what to do first
 * and the command to run (text; may be NULL). */
void html_empty(buf_t *out, const char *title, const char *what, const char *command);
/* html_notice: a message box; kind "ok", "error" or "info"; text escaped. */
void html_notice(buf_t *out, const char *kind, const char *text);

/* The embedded style sheet and script (also for tests and the plan
 * table's print page). */
extern const char web_css[];
extern const char web_js[];

/* html_status_class: the CSS class of a goal status ("on", "risk",
 * "off", "done", "miss", "wait"). */
const char *html_status_class(sp_goal_status s);

#endif
