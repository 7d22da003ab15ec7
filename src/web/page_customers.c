/*
 * page_customers.c — customers by tier (counts and T12M revenue per tier,
 * movements between tiers since the plan's start, strategic reviews due)
 * and the stale follow-ups per rep, stalest first, each with "log a visit"
 * and "log a call" buttons: one click on the page and the activity is
 * recorded (POST /activities, CSRF-checked by the server), after which
 * the alert is gone. A rep sees their own customers only; a customer
 * outside the caller's scope is "not found", the same as one that does
 * not exist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pages.h"

static bool customer_visible(const web_req *req, const page_data *pd, const char *owner)
{
    if (!req->user) return false;
    if (req->user->role == WEB_ROLE_REP || (req->user->role == WEB_ROLE_MANAGER && req->user->ngroups))
        return page_rep_visible(req, pd, owner);
    return true;
}

void page_customers(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    if (!page_begin(req, resp, &pd, _("Customer tiers"), NAV_CUSTOMERS)) return;
    if (pd.ds->customers.n == 0) {
        html_empty(o, _("No customer yet"),
                   _("Import your customers and won deals: the tiers follow from each customer's won revenue over "
                     "the last 12 months."),
                   "salesplan import customers customers.csv\nsalesplan import deals deals.csv");
        goto out;
    }
    sp_day since = pd.plan && pd.plan->period.first < pd.as_of ? pd.plan->period.first : pd.as_of - 90;
    sp_review_rule rule;
    alerts_review_rule(pd.plan, &rule);
    sp_tiers_report tr;
    memset(&tr, 0, sizeof tr);
    tiers_compute(pd.ds, pd.tiers, pd.ntiers, &rule, pd.as_of, since, &tr);
    buf_puts(o, "<p class=\"sub\">");
    web_html(o, _("as of"));
    buf_puts(o, " ");
    page_date(o, pd.as_of);
    buf_puts(o, " · ");
    web_html(o, _("tier by won revenue over the last 12 months (T12M)"));
    buf_puts(o, "</p><div class=\"card\"><div class=\"scroll\"><table><thead><tr><th>");
    web_html(o, _("tier"));
    buf_puts(o, "</th><th class=\"n\">");
    web_html(o, _("from"));
    buf_puts(o, "</th><th class=\"n\">");
    web_html(o, _("customers"));
    buf_puts(o, "</th><th class=\"n\">");
    web_html(o, _("T12M revenue"));
    buf_puts(o, "</th><th class=\"n\">");
    web_html(o, _("share"));
    buf_puts(o, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < tr.nrows; i++) {
        buf_puts(o, "<tr><td>");
        web_html(o, tr.rows[i].tier ? page_tier_name(&pd, tr.rows[i].tier) : _("(no tier)"));
        buf_puts(o, "</td><td class=\"n\">");
        if (tr.rows[i].tier) web_money(o, req->lang, tr.rows[i].min);
        buf_printf(o, "</td><td class=\"n\">%zu</td><td class=\"n\">", tr.rows[i].customers);
        web_money(o, req->lang, tr.rows[i].t12m);
        buf_puts(o, "</td><td class=\"n\">");
        web_pct(o, tr.t12m_total ? qty_make(tr.rows[i].t12m, tr.t12m_total) : qty_null());
        buf_puts(o, "</td></tr>");
    }
    buf_printf(o, "<tr class=\"total\"><td>%s</td><td></td><td class=\"n\">%zu</td><td class=\"n\">", _("total"),
               tr.customers);
    web_money(o, req->lang, tr.t12m_total);
    buf_puts(o, "</td><td></td></tr></tbody></table></div></div>\n");

    /* movements */
    buf_puts(o, "<div class=\"grid\"><div class=\"card\"><h2>");
    web_html(o, _("Movements"));
    buf_puts(o, "</h2><p class=\"sub\">");
    web_html(o, _("since"));
    buf_puts(o, " ");
    page_date(o, since);
    buf_printf(o, " · ↑ %zu · ↓ %zu</p>", tr.nupgrades, tr.ndowngrades);
    size_t shown = 0;
    buf_puts(o, "<div class=\"scroll\"><table><tbody>");
    for (size_t i = 0; i < tr.nmoves && shown < 30; i++) {
        const sp_tier_move *m = &tr.moves[i];
        sp_customer c;
        if (!page_customer(&pd, m->customer_id, &c) || !customer_visible(req, &pd, c.owner)) continue;
        buf_printf(o, "<tr><td>%s ", m->upgrade ? "↑" : "<span class=\"red\">↓</span>");
        web_html(o, c.name ? c.name : m->customer_id);
        buf_puts(o, "</td><td>");
        web_html(o, m->from ? page_tier_name(&pd, m->from) : _("(no tier)"));
        buf_puts(o, " → ");
        web_html(o, m->to ? page_tier_name(&pd, m->to) : _("(no tier)"));
        buf_puts(o, "</td><td class=\"n\">");
        web_money(o, req->lang, m->t12m_now);
        buf_puts(o, "</td></tr>");
        shown++;
    }
    buf_puts(o, "</tbody></table></div>");
    if (!shown) {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, _("(none)"));
        buf_puts(o, "</p>");
    }
    buf_puts(o, "</div><div class=\"card\"><h2>");
    web_html(o, _("Strategic reviews due"));
    buf_puts(o, "</h2><div class=\"scroll\"><table><tbody>");
    shown = 0;
    for (size_t i = 0; i < tr.nreviews && shown < 30; i++) {
        const sp_alert *a = &tr.reviews[i];
        if (!customer_visible(req, &pd, a->owner)) continue;
        buf_puts(o, "<tr><td>");
        web_html(o, page_customer_name(&pd, a->customer_id));
        buf_puts(o, "</td><td>");
        web_html(o, page_rep_name(&pd, a->owner));
        buf_puts(o, "</td><td class=\"n red\">");
        buf_printf(o, _("%d days"), (int)a->days);
        buf_puts(o, "</td></tr>");
        shown++;
    }
    buf_puts(o, "</tbody></table></div>");
    if (!shown) html_notice(o, "ok", _("Every strategic customer was visited recently."));
    buf_puts(o, "</div></div>\n");
    tiers_report_free(&tr);
out:
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}

/* ---- stale follow-ups ---- */

/* a stale follow-up with its owner's stalest days, so that the rep with
 * the stalest customer comes first */
typedef struct stale_ref {
    const sp_alert *a;
    int32_t owner_max;
} stale_ref;

static int stale_cmp(const void *pa, const void *pb)
{
    const stale_ref *ra = pa, *rb = pb;
    const sp_alert *x = ra->a, *y = rb->a;
    if (ra->owner_max != rb->owner_max) return ra->owner_max > rb->owner_max ? -1 : 1;
    int c = strcmp(x->owner ? x->owner : "", y->owner ? y->owner : "");
    if (c) return c;
    if (x->days != y->days) return x->days > y->days ? -1 : 1;
    return strcmp(x->customer_id ? x->customer_id : "", y->customer_id ? y->customer_id : "");
}

static void log_form(buf_t *o, const web_req *req, const char *customer)
{
    web_page pg = page_web(req, NAV_FOLLOWUPS, NULL);
    buf_puts(o, "<form class=\"inline\" method=\"post\" action=\"/activities\">");
    html_csrf_field(o, &pg);
    buf_puts(o, "<input type=\"hidden\" name=\"customer\" value=\"");
    web_attr(o, customer);
    buf_puts(o, "\"><button type=\"submit\" name=\"kind\" value=\"visit\" class=\"log-visit\">");
    web_html(o, _("Log a visit"));
    buf_puts(o, "</button><button type=\"submit\" name=\"kind\" value=\"call\" class=\"alt\">");
    web_html(o, _("Log a call"));
    buf_puts(o, "</button></form>");
}

#define FOLLOWUP_GROUPS 50 /* reps on a page */
#define FOLLOWUP_ROWS 20   /* customers of a rep on a page of all reps */

/* followups_query: the query string of a follow-ups link: the as-of date
 * kept, then rep (when given) or page (when > 1) */
static void followups_query(buf_t *o, const web_req *req, const char *rep, size_t page)
{
    const char *asof = web_field_get(req, "as_of");
    const char *sep = "?"; /* (in an attribute: & as &amp;) */
    if (asof && *asof) {
        buf_puts(o, "?as_of=");
        html_url(o, asof);
        sep = "&amp;";
    }
    if (rep) {
        buf_printf(o, "%srep=", sep);
        html_url(o, rep);
    } else if (page > 1) {
        buf_printf(o, "%spage=%zu", sep, page);
    }
}

/* followups_group_end: closes a rep's table, with a link to all of its
 * customers when only some were shown */
static void followups_group_end(buf_t *o, const web_req *req, const char *rep, size_t cnt, size_t shown, bool all)
{
    buf_puts(o, "</tbody></table></div>");
    if (!all && shown < cnt) {
        buf_puts(o, "<p class=\"small\"><a href=\"/followups");
        followups_query(o, req, rep, 0);
        buf_puts(o, "\">");
        char line[80];
        snprintf(line, sizeof line, _("all %zu of this rep"), cnt);
        web_html(o, line);
        buf_puts(o, "</a></p>");
    }
    buf_puts(o, "</div>\n");
}

void page_followups(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    if (!page_begin(req, resp, &pd, _("Stale follow-ups"), NAV_FOLLOWUPS)) return;
    page_notice_from(req, o);
    sp_alerts_result al;
    const char *me = page_is_rep(req) ? req->user->rep_id : NULL;
    page_alerts(req, &pd, NULL, 0, me, 1u << ALERT_STALE_FOLLOWUP, &al);
    buf_puts(o, "<p class=\"sub\">");
    web_html(o, _("customers with an open deal and no activity for longer than the plan allows, per rep, stalest "
                  "first"));
    buf_puts(o, "</p>");
    stale_ref *refs = xcalloc(al.n ? al.n : 1, sizeof *refs);
    size_t n = 0;
    for (size_t i = 0; i < al.n; i++)
        if (al.v[i].kind == ALERT_STALE_FOLLOWUP) refs[n++].a = &al.v[i];
    /* by owner first (owner_max all 0), then each owner's stalest, then the final order */
    qsort(refs, n, sizeof *refs, stale_cmp);
    for (size_t i = 0, j; i < n; i = j) {
        int32_t m = 0;
        for (j = i; j < n && str_eq(refs[j].a->owner, refs[i].a->owner); j++)
            if (refs[j].a->days > m) m = refs[j].a->days;
        for (size_t k = i; k < j; k++) refs[k].owner_max = m;
    }
    qsort(refs, n, sizeof *refs, stale_cmp);
    const sp_alert **v = xcalloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = refs[i].a;
    free(refs);
    if (pd.ds->deals.n == 0) {
        html_empty(o, _("No open deal yet"),
                   _("Follow-ups are tracked for customers with an open deal: import deals and activities."),
                   "salesplan import deals deals.csv\nsalesplan import activities activities.csv");
    } else if (n == 0) {
        html_notice(o, "ok", _("No stale follow-up: every customer with an open deal was touched recently."));
    }
    /* at scale a page shows a part: FOLLOWUP_GROUPS reps a page, each with
     * its FOLLOWUP_ROWS stalest customers and a link to all of them
     * (?rep=ID), pages of reps by ?page=N */
    size_t ngroups = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || !str_eq(v[i]->owner ? v[i]->owner : "", v[i - 1]->owner ? v[i - 1]->owner : "")) ngroups++;
    const char *only = web_field_get(req, "rep");
    if (only && !*only) only = NULL;
    const char *pf = web_field_get(req, "page");
    size_t npages = ngroups ? (ngroups + FOLLOWUP_GROUPS - 1) / FOLLOWUP_GROUPS : 1;
    size_t pg = pf && *pf ? (size_t)strtoul(pf, NULL, 10) : 1;
    if (pg < 1) pg = 1;
    if (pg > npages) pg = npages;
    if (n > 0) {
        buf_puts(o, "<p class=\"small muted\">");
        char line[160];
        snprintf(line, sizeof line, _("%zu customers of %zu reps"), n, ngroups);
        web_html(o, line);
        if (only) {
            buf_puts(o, " · <a href=\"/followups");
            followups_query(o, req, NULL, 0);
            buf_puts(o, "\">");
            web_html(o, _("all reps"));
            buf_puts(o, "</a>");
        }
        buf_puts(o, "</p>");
    }
    const char *cur = NULL;
    size_t group = 0, shown = 0, cnt = 0;
    bool skip = true;
    for (size_t i = 0; i < n; i++) {
        const sp_alert *a = v[i];
        if (!cur || !str_eq(cur, a->owner ? a->owner : "")) {
            if (cur && !skip) followups_group_end(o, req, cur, cnt, shown, only != NULL);
            cur = a->owner ? a->owner : "";
            group++;
            cnt = shown = 0;
            for (size_t k = i; k < n && str_eq(v[k]->owner ? v[k]->owner : "", cur); k++) cnt++;
            skip = only ? !str_eq(cur, only) : group <= (pg - 1) * FOLLOWUP_GROUPS || group > pg * FOLLOWUP_GROUPS;
            if (skip) continue;
            buf_puts(o, "<div class=\"card\"><h2>");
            web_html(o, page_rep_name(&pd, cur));
            buf_printf(o, " <span class=\"small muted\">(%zu)</span></h2><div class=\"scroll\"><table "
                          "class=\"resp stale\"><thead><tr><th>", cnt);
            web_html(o, _("customer"));
            buf_puts(o, "</th><th>");
            web_html(o, _("tier"));
            buf_puts(o, "</th><th>");
            web_html(o, _("last touch"));
            buf_puts(o, "</th><th class=\"n\">");
            web_html(o, _("days"));
            buf_puts(o, "</th><th></th></tr></thead><tbody>\n");
        }
        if (skip || (!only && shown >= FOLLOWUP_ROWS)) continue;
        shown++;
        buf_puts(o, "<tr id=\"stale-");
        web_attr(o, a->customer_id);
        buf_puts(o, "\"><td data-l=\"\"><b>");
        web_html(o, page_customer_name(&pd, a->customer_id));
        buf_puts(o, "</b>");
        if (a->escalated) {
            buf_puts(o, " <span class=\"small red\">");
            web_html(o, _("escalated"));
            buf_puts(o, "</span>");
        }
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("tier"));
        buf_puts(o, "\">");
        web_html(o, a->tier ? page_tier_name(&pd, a->tier) : "—");
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("last touch"));
        buf_puts(o, "\">");
        if (a->last_touch != SP_DAY_NONE) page_date(o, a->last_touch);
        else web_html(o, _("never"));
        buf_puts(o, "</td><td class=\"n red\" data-l=\"");
        web_attr(o, _("days"));
        buf_printf(o, "\">%d</td><td data-l=\"\">", (int)a->days);
        if (req->user && req->user->role != WEB_ROLE_VIEWER) log_form(o, req, a->customer_id);
        buf_puts(o, "</td></tr>\n");
    }
    if (cur && !skip) followups_group_end(o, req, cur, cnt, shown, only != NULL);
    if (!only && npages > 1) { /* the pages of reps */
        buf_puts(o, "<p class=\"pager\">");
        if (pg > 1) {
            buf_puts(o, "<a href=\"/followups");
            followups_query(o, req, NULL, pg - 1);
            buf_puts(o, "\">");
            web_html(o, _("← previous"));
            buf_puts(o, "</a> ");
        }
        char line[80];
        snprintf(line, sizeof line, _("page %zu of %zu"), pg, npages);
        web_html(o, line);
        if (pg < npages) {
            buf_puts(o, " <a href=\"/followups");
            followups_query(o, req, NULL, pg + 1);
            buf_puts(o, "\">");
            web_html(o, _("next →"));
            buf_puts(o, "</a>");
        }
        buf_puts(o, "</p>");
    }
    free(v);
    alerts_result_free(&al);
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}

/* POST /activities: customer=ID kind=visit|call|meeting|email [date],
 * through the app layer's activity add (the CLI's `activity add`): one
 * transaction; the activity is the caller's when they are a rep, else the
 * customer's owner's; dated today unless date is given (not after today).
 * A customer outside the caller's scope is not found, as one that does
 * not exist. */
void page_activity_add(web_req *req, web_resp *resp)
{
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_activity_add_res res;
    memset(&res, 0, sizeof res);
    const char *cid = web_field_get(req, "customer"), *kind = web_field_get(req, "kind");
    const char *date = web_field_get(req, "date");
    if (!page_data_load(req, &pd, &err)) goto fail;
    sp_customer c;
    if (!cid || !page_customer(&pd, cid, &c) || !customer_visible(req, &pd, c.owner)) {
        err_set(&err, SP_ENOTFOUND, _("no customer '%s'"), cid ? cid : "");
        goto fail;
    }
    sp_day on = pd.today;
    const char *why = NULL;
    if (date && *date && (!date_parse(date, &on, &why) || on > pd.today)) {
        err_set(&err, SP_EINVAL, _("bad date '%s'"), date);
        goto fail;
    }
    sp_activity_add_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r.st = req->store;
    rq.r.plan_id = pd.plan ? pd.plan->id : NULL;
    rq.r.as_of = SP_DAY_NONE;
    rq.r.today = pd.today;
    rq.r.scope = page_scope(req);
    rq.r.lang = req->lang;
    rq.customer_id = c.id;
    rq.kind = str_eq(kind, "call") ? ACT_CALL : str_eq(kind, "meeting") ? ACT_MEETING
              : str_eq(kind, "email") ? ACT_EMAIL : ACT_VISIT;
    rq.on = on;
    rq.rep = page_is_rep(req) ? req->user->rep_id : NULL;
    if (!app_activity_add(&rq, &res, &err)) goto fail;
    web_redirect(resp, "/followups?ok=visit");
    goto done;
fail:
    web_fail(req, resp, &err);
done:
    app_activity_add_free(&res);
    page_data_free(&pd);
    err_free(&err);
}
