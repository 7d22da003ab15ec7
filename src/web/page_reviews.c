/*
 * page_reviews.c — monthly reviews (复盘): the form to add one (period,
 * goal, several causes, lessons and actions, one per line) and the list,
 * newest first; the plan's history: every version with the diff between
 * any two (core/plandiff.c).
 */
#include <stdlib.h>
#include <string.h>

#include "../core/plandiff.h"
#include "../io/plan_yaml.h"
#include "pages.h"

/* lines_list: a text kept one item per line as a <ul>. */
static void lines_list(buf_t *o, const char *s)
{
    if (!s || !*s) {
        buf_puts(o, "—");
        return;
    }
    buf_puts(o, "<ul>");
    while (*s) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n) {
            char *item = xstrndup(s, n);
            buf_puts(o, "<li>");
            web_html(o, item);
            buf_puts(o, "</li>");
            free(item);
        }
        s += n + (e ? 1 : 0);
    }
    buf_puts(o, "</ul>");
}

static sp_plan *plan_version(sp_store *st, const char *id, int version, sp_err *err)
{
    char *text = NULL;
    if (!st->ops->plan_get(st, id, version, &text, err)) return NULL;
    sp_plan *p = plan_yaml_parse(text, strlen(text), id, err);
    free(text);
    return p;
}

static void history(buf_t *o, const web_req *req, const page_data *pd)
{
    sp_plan_info *v = NULL;
    size_t n = 0;
    sp_err err = SP_ERR_INIT;
    buf_puts(o, "<div class=\"card\" id=\"history\"><h2>");
    web_html(o, _("Plan history"));
    buf_puts(o, "</h2>");
    if (!req->store->ops->plan_versions(req->store, pd->plan->id, &v, &n, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        err_free(&err);
        buf_puts(o, "</div>");
        return;
    }
    buf_puts(o, "<div class=\"scroll\"><table><thead><tr><th>");
    web_html(o, _("version"));
    buf_puts(o, "</th><th>");
    web_html(o, _("recorded (UTC)"));
    buf_puts(o, "</th><th>");
    web_html(o, _("reason"));
    buf_puts(o, "</th></tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        buf_printf(o, "<tr><td>%d</td><td>", v[i].version);
        web_html(o, v[i].created_at);
        buf_puts(o, "</td><td>");
        web_html(o, v[i].reason ? v[i].reason : "");
        buf_puts(o, "</td></tr>");
    }
    buf_puts(o, "</tbody></table></div>");
    int latest = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i].version > latest) latest = v[i].version;
    if (latest >= 2) {
        const char *fa = web_field_get(req, "from"), *fb = web_field_get(req, "to");
        int a = fa ? atoi(fa) : latest - 1, b = fb ? atoi(fb) : latest;
        if (a < 1 || a > latest) a = latest - 1;
        if (b < 1 || b > latest) b = latest;
        buf_puts(o, "<form class=\"filters noprint compare\" method=\"get\" action=\"/reviews#history\"><label>");
        web_html(o, _("from version"));
        buf_puts(o, "<select name=\"from\">");
        for (int k = 1; k <= latest; k++) buf_printf(o, "<option%s>%d</option>", k == a ? " selected" : "", k);
        buf_puts(o, "</select></label><label>");
        web_html(o, _("to version"));
        buf_puts(o, "<select name=\"to\">");
        for (int k = 1; k <= latest; k++) buf_printf(o, "<option%s>%d</option>", k == b ? " selected" : "", k);
        buf_puts(o, "</select></label><button type=\"submit\">");
        web_html(o, _("Compare"));
        buf_puts(o, "</button></form>");
        sp_plan *pa = plan_version(req->store, pd->plan->id, a, &err);
        sp_plan *pb = pa ? plan_version(req->store, pd->plan->id, b, &err) : NULL;
        if (pa && pb) {
            sp_plan_diff d;
            memset(&d, 0, sizeof d);
            plan_diff(pa, pb, &d);
            if (!d.n) html_notice(o, "info", _("The two versions are the same."));
            else {
                static const char *const entities[DENT_COUNT] = {
                    N_("plan"),     N_("team"),       N_("member"),     N_("goal"),        N_("PEST factor"),
                    N_("persona"),  N_("capability"), N_("strategy"),   N_("task"),        N_("budget"),
                    N_("budget category"), N_("tier"), N_("alert thresholds"), N_("notify channel")};
                static const char *const kinds[DIFF_KIND_COUNT] = {N_("added"), N_("removed"), N_("changed")};
                buf_puts(o, "<div class=\"scroll\"><table class=\"diff\"><thead><tr><th></th><th>");
                web_html(o, _("what"));
                buf_puts(o, "</th><th>");
                web_html(o, _("before"));
                buf_puts(o, "</th><th>");
                web_html(o, _("after"));
                buf_puts(o, "</th></tr></thead><tbody>");
                for (size_t i = 0; i < d.n; i++) {
                    const sp_diff_change *c = &d.v[i];
                    buf_puts(o, "<tr><td>");
                    web_html(o, _(kinds[c->kind]));
                    buf_puts(o, "</td><td>");
                    web_html(o, (unsigned)c->entity < DENT_COUNT ? _(entities[c->entity]) : "");
                    buf_puts(o, " ");
                    /* a goal by its name in the newer version, else its id */
                    const sp_goal *g = c->entity == DENT_GOAL ? plan_find_goal(pb, c->id) : NULL;
                    if (!g && c->entity == DENT_GOAL) g = plan_find_goal(pa, c->id);
                    web_html(o, g && g->name && *g->name ? g->name : c->id);
                    if (c->field) {
                        buf_puts(o, " · ");
                        web_html(o, c->field);
                    }
                    buf_puts(o, "</td><td>");
                    web_html(o, c->old_text ? c->old_text : "");
                    buf_puts(o, "</td><td>");
                    web_html(o, c->new_text ? c->new_text : "");
                    buf_puts(o, "</td></tr>");
                }
                buf_puts(o, "</tbody></table></div>");
            }
            plan_diff_free(&d);
        } else {
            html_notice(o, "error", buf_cstr(&err.msg));
        }
        if (pa) plan_free(pa);
        if (pb) plan_free(pb);
    }
    buf_puts(o, "</div>\n");
    plan_info_free(v, n);
    err_free(&err);
}

void page_reviews(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_review *rv = NULL;
    size_t nrv = 0;
    if (!page_begin(req, resp, &pd, _("Reviews"), NAV_REVIEWS)) return;
    page_notice_from(req, o);
    if (!pd.plan) {
        page_no_plan(o);
        goto out;
    }
    bool can_write = req->user && (req->user->role == WEB_ROLE_ADMIN || req->user->role == WEB_ROLE_MANAGER);
    if (can_write) {
        web_page pg = page_web(req, NAV_REVIEWS, NULL);
        char month[16];
        grain_label(GRAIN_MONTH, pd.as_of, month);
        buf_puts(o, "<details class=\"card\"><summary><b>");
        web_html(o, _("Add a review"));
        buf_puts(o, "</b></summary><form class=\"stack\" method=\"post\" action=\"/reviews\">");
        html_csrf_field(o, &pg);
        buf_puts(o, "<label>");
        web_html(o, _("period"));
        buf_printf(o, "<input name=\"period\" required value=\"%s\"></label><label>", month);
        web_html(o, _("goal"));
        buf_puts(o, "<select name=\"goal\"><option value=\"\">");
        web_html(o, _("(the whole plan)"));
        buf_puts(o, "</option>");
        for (size_t i = 0; i < pd.plan->ngoals; i++) {
            buf_puts(o, "<option value=\"");
            web_attr(o, pd.plan->goals[i].id);
            buf_puts(o, "\">");
            web_html(o, page_goal_name(&pd, pd.plan->goals[i].id));
            buf_puts(o, "</option>");
        }
        static const char *const areas[3][2] = {{"cause", N_("causes (one per line)")},
                                                {"lesson", N_("lessons (one per line)")},
                                                {"action", N_("actions (one per line)")}};
        buf_puts(o, "</select></label>");
        for (int k = 0; k < 3; k++) {
            buf_puts(o, "<label>");
            web_html(o, _(areas[k][1]));
            buf_printf(o, "<textarea name=\"%s\" rows=\"3\"></textarea></label>", areas[k][0]);
        }
        buf_puts(o, "<div><button type=\"submit\">");
        web_html(o, _("Save the review"));
        buf_puts(o, "</button></div></form></details>\n");
    }
    if (!req->store->ops->review_list(req->store, pd.plan->id, NULL, &rv, &nrv, &err)) {
        html_notice(o, "error", buf_cstr(&err.msg));
        goto out;
    }
    if (!nrv) {
        html_empty(o, _("No review yet"),
                   _("Each month, record why goals were missed or beaten and what the team will do next."),
                   "salesplan review add --period 2026-10 --cause \"…\" --action \"…\"");
    } else {
        buf_puts(o, "<div class=\"card\"><div class=\"scroll\"><table class=\"resp\"><thead><tr><th>");
        static const char *const head[] = {N_("period"), N_("goal"), N_("cause"), N_("lesson"), N_("action")};
        for (size_t k = 0; k < 5; k++) {
            if (k) buf_puts(o, "</th><th>");
            web_html(o, _(head[k]));
        }
        buf_puts(o, "</th></tr></thead><tbody>");
        for (size_t j = nrv; j-- > 0;) {
            const sp_review *r = &rv[j];
            buf_puts(o, "<tr><td data-l=\"\"><b>");
            web_html(o, r->period_text);
            buf_puts(o, "</b></td><td data-l=\"");
            web_attr(o, _("goal"));
            buf_puts(o, "\">");
            web_html(o, r->goal_id ? page_goal_name(&pd, r->goal_id) : "—");
            const char *txt[3] = {r->cause, r->lesson, r->action};
            for (int k = 0; k < 3; k++) {
                buf_puts(o, "</td><td data-l=\"");
                web_attr(o, _(head[2 + k]));
                buf_puts(o, "\">");
                lines_list(o, txt[k]);
            }
            buf_puts(o, "</td></tr>");
        }
        buf_puts(o, "</tbody></table></div></div>\n");
    }
    history(o, req, &pd);
out:
    reviews_free(rv, nrv);
    page_close(req, resp);
    page_data_free(&pd);
    err_free(&err);
}

/* items: text with CRLF and blank lines dropped, one item per line; NULL
 * when empty. Caller frees. */
static char *items(const char *s)
{
    buf_t b = BUF_INIT;
    while (s && *s) {
        const char *e = s + strcspn(s, "\r\n");
        char *line = xstrndup(s, (size_t)(e - s));
        str_trim(line);
        if (*line) {
            if (b.len) buf_putc(&b, '\n');
            buf_puts(&b, line);
        }
        free(line);
        s = e + strspn(e, "\r\n");
    }
    return b.len ? buf_detach(&b) : (buf_free(&b), NULL);
}

/* POST /reviews: period goal cause lesson action. */
void page_review_add(web_req *req, web_resp *resp)
{
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_review r;
    memset(&r, 0, sizeof r);
    if (!page_data_load(req, &pd, &err)) goto fail;
    if (!pd.plan) {
        err_set(&err, SP_ENOTFOUND, "%s", _("the workspace has no plan yet"));
        goto fail;
    }
    const char *period = web_field_get(req, "period"), *goal = web_field_get(req, "goal");
    sp_period p;
    const char *why = NULL;
    if (!period || !period_parse(period, pd.plan->fiscal_year_start, &p, &why)) {
        err_set(&err, SP_EINVAL, _("bad period '%s'"), period ? period : "");
        goto fail;
    }
    if (goal && *goal && !plan_find_goal(pd.plan, goal)) {
        err_set(&err, SP_EINVAL, _("no goal '%s'"), goal);
        goto fail;
    }
    r.plan_id = pd.plan->id;
    r.period_text = (char *)period;
    r.goal_id = goal && *goal ? (char *)goal : NULL;
    r.cause = items(web_field_get(req, "cause"));
    r.lesson = items(web_field_get(req, "lesson"));
    r.action = items(web_field_get(req, "action"));
    if (!r.cause && !r.lesson && !r.action) {
        err_set(&err, SP_EINVAL, "%s", _("give at least one cause, lesson or action"));
        goto fail;
    }
    int64_t id;
    if (!req->store->ops->begin(req->store, &err)) goto fail;
    if (!req->store->ops->review_add(req->store, &r, &id, &err) || !req->store->ops->commit(req->store, &err)) {
        req->store->ops->rollback(req->store);
        goto fail;
    }
    web_redirect(resp, "/reviews?ok=review");
    goto done;
fail:
    web_fail(req, resp, &err);
done:
    free(r.cause);
    free(r.lesson);
    free(r.action);
    page_data_free(&pd);
    err_free(&err);
}
