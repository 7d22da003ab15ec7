/*
 * page_tasks.c — the tasks page: filters (owner, status), every task with
 * its strategy, owner, dates and status, the status changed inline (a POST
 * form with the CSRF token; the select submits itself when script runs),
 * overdue in red, each owner's load, and the Gantt chart of the forecast
 * schedule with dependencies and the critical path. A rep sees and changes
 * their own tasks; a viewer reads.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/schedule.h"
#include "pages.h"

static const char *strategy_name(const sp_plan *p, const char *id)
{
    for (size_t i = 0; id && i < p->nstrategies; i++)
        if (str_eq(p->strategies[i].id, id)) return p->strategies[i].name ? p->strategies[i].name : id;
    return id ? id : "";
}

/* may_edit: the caller may change task t's status. */
static bool may_edit(const web_req *req, const page_data *pd, const sp_task *t)
{
    if (!req->user || req->user->role == WEB_ROLE_VIEWER) return false;
    if (req->user->role == WEB_ROLE_REP) return page_is_rep(req) && str_eq(t->owner, req->user->rep_id);
    return page_rep_visible(req, pd, t->owner) || req->user->role == WEB_ROLE_ADMIN;
}

/* task_visible: the caller sees task t. */
static bool task_visible(const web_req *req, const page_data *pd, const sp_task *t)
{
    if (!req->user) return false;
    if (req->user->role == WEB_ROLE_REP) return page_is_rep(req) && str_eq(t->owner, req->user->rep_id);
    if (req->user->role == WEB_ROLE_MANAGER && req->user->ngroups) return page_rep_visible(req, pd, t->owner);
    return true;
}

static void status_form(buf_t *o, const web_req *req, const sp_task *t, sp_task_status s)
{
    web_page pg = page_web(req, NAV_TASKS, NULL);
    buf_puts(o, "<form class=\"inline\" method=\"post\" action=\"/tasks/");
    web_url(o, t->id);
    buf_puts(o, "\">");
    html_csrf_field(o, &pg);
    buf_puts(o, "<select name=\"status\" data-autosubmit aria-label=\"");
    web_attr(o, _("status"));
    buf_puts(o, "\" id=\"status-");
    web_attr(o, t->id);
    buf_puts(o, "\">");
    for (int k = 0; k < TASK_STATUS_COUNT; k++) {
        buf_printf(o, "<option value=\"%s\"%s>", task_status_name((sp_task_status)k), k == (int)s ? " selected" : "");
        web_html(o, _(page_task_status_label((sp_task_status)k)));
        buf_puts(o, "</option>");
    }
    buf_puts(o, "</select><button type=\"submit\" class=\"go alt\">");
    web_html(o, _("Save"));
    buf_puts(o, "</button></form>");
}

void page_tasks(web_req *req, web_resp *resp)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_schedule sch;
    memset(&sch, 0, sizeof sch);
    bool have_sch = false;
    if (!page_begin(req, resp, &pd, _("Tasks"), NAV_TASKS)) return;
    page_notice_from(req, o);
    if (!pd.plan) {
        page_no_plan(o);
        goto out;
    }
    if (pd.plan->ntasks == 0) {
        html_empty(o, _("No task in the plan"),
                   _("Step 4 of the plan lists the tasks of each strategy: add them to the plan file and import it "
                     "again."),
                   "salesplan plan import plan.yaml");
        goto out;
    }
    const char *fowner = web_field_get(req, "owner"), *fstatus = web_field_get(req, "status");
    if (fowner && !*fowner) fowner = NULL;
    if (fstatus && !*fstatus) fstatus = NULL;
    if (schedule_compute(pd.plan, pd.states, pd.nstates, pd.as_of, &sch, &err)) have_sch = true;
    else {
        html_notice(o, "error", buf_cstr(&err.msg));
        err_clear(&err);
    }

    /* filters */
    buf_puts(o, "<form class=\"filters noprint\" method=\"get\" action=\"/tasks\">");
    if (!page_is_rep(req)) {
        buf_puts(o, "<label>");
        web_html(o, _("owner"));
        buf_puts(o, "<select name=\"owner\"><option value=\"\">");
        web_html(o, _("all"));
        buf_puts(o, "</option>");
        for (size_t i = 0; i < pd.plan->ntasks; i++) {
            const char *ow = pd.plan->tasks[i].owner;
            bool dup = false;
            for (size_t k = 0; k < i && !dup; k++) dup = str_eq(pd.plan->tasks[k].owner, ow);
            if (dup || !ow) continue;
            buf_puts(o, "<option value=\"");
            web_attr(o, ow);
            buf_puts(o, str_eq(ow, fowner) ? "\" selected>" : "\">");
            web_html(o, page_rep_name(&pd, ow));
            buf_puts(o, "</option>");
        }
        buf_puts(o, "</select></label>");
    }
    buf_puts(o, "<label>");
    web_html(o, _("status"));
    buf_puts(o, "<select name=\"status\"><option value=\"\">");
    web_html(o, _("all"));
    buf_puts(o, "</option>");
    for (int k = 0; k < TASK_STATUS_COUNT; k++) {
        const char *nm = task_status_name((sp_task_status)k);
        buf_printf(o, "<option value=\"%s\"%s>", nm, str_eq(nm, fstatus) ? " selected" : "");
        web_html(o, _(page_task_status_label((sp_task_status)k)));
        buf_puts(o, "</option>");
    }
    buf_puts(o, "</select></label><button type=\"submit\">");
    web_html(o, _("Apply"));
    buf_puts(o, "</button></form>\n");

    /* the table */
    static const char *const head[] = {N_("task"), N_("strategy"), N_("owner"), N_("start"), N_("due"),
                                       N_("status"), N_("slack")};
    buf_puts(o, "<div class=\"card\"><div class=\"scroll\"><table class=\"resp tasks\"><thead><tr>");
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
        buf_puts(o, i == 6 ? "<th class=\"n\">" : "<th>");
        web_html(o, _(head[i]));
        buf_puts(o, "</th>");
    }
    buf_puts(o, "</tr></thead><tbody>\n");
    size_t *sel = xcalloc(pd.plan->ntasks, sizeof *sel), nsel = 0;
    size_t nowners = 0;
    typedef struct { const char *owner; int open, late; } load_t;
    load_t *load = xcalloc(pd.plan->ntasks, sizeof *load);
    for (size_t i = 0; i < pd.plan->ntasks; i++) {
        const sp_task *t = &pd.plan->tasks[i];
        if (!task_visible(req, &pd, t)) continue;
        int progress = 0;
        sp_task_status s = page_task_status(&pd, t->id, &progress);
        bool late = s != TASK_DONE && t->due != SP_DAY_NONE && t->due < pd.as_of;
        /* each owner's load: open tasks, late ones */
        if (s != TASK_DONE && t->owner) {
            size_t k = 0;
            while (k < nowners && !str_eq(load[k].owner, t->owner)) k++;
            if (k == nowners) load[nowners++].owner = t->owner;
            load[k].open++;
            if (late) load[k].late++;
        }
        if (fowner && !str_eq(t->owner, fowner)) continue;
        if (fstatus && !str_eq(task_status_name(s), fstatus)) continue;
        sel[nsel++] = i;
        buf_printf(o, "<tr id=\"task-");
        web_attr(o, t->id);
        buf_puts(o, late ? "\" class=\"late\">" : "\">");
        buf_puts(o, "<td data-l=\"\"><b>");
        web_html(o, t->name ? t->name : t->id);
        buf_puts(o, "</b>");
        if (t->milestone) {
            buf_puts(o, " <span class=\"small muted\">◆ ");
            web_html(o, _("milestone"));
            buf_puts(o, "</span>");
        }
        if (late) {
            buf_puts(o, " <span class=\"small red\">");
            buf_printf(o, _("%d days late"), (int)(pd.as_of - t->due));
            buf_puts(o, "</span>");
        }
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("strategy"));
        buf_puts(o, "\">");
        web_html(o, strategy_name(pd.plan, t->strategy));
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("owner"));
        buf_puts(o, "\">");
        web_html(o, page_rep_name(&pd, t->owner));
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("start"));
        buf_puts(o, "\">");
        page_date(o, t->start);
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("due"));
        buf_puts(o, "\">");
        page_date(o, t->due);
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("status"));
        buf_puts(o, "\">");
        if (may_edit(req, &pd, t)) status_form(o, req, t, s);
        else web_html(o, _(page_task_status_label(s)));
        buf_puts(o, "</td><td class=\"n\" data-l=\"");
        web_attr(o, _("slack"));
        buf_puts(o, "\">");
        if (have_sch && i < sch.n) {
            if (sch.t[i].fc.critical) {
                buf_puts(o, "<span class=\"red\">");
                web_html(o, _("critical"));
                buf_puts(o, "</span>");
            } else {
                buf_printf(o, _("%d days"), (int)sch.t[i].fc.slack);
            }
        }
        buf_puts(o, "</td></tr>\n");
    }
    buf_puts(o, "</tbody></table></div>");
    if (!nsel) {
        buf_puts(o, "<p class=\"muted\">");
        web_html(o, _("No task matches the filter."));
        buf_puts(o, "</p>");
    }
    buf_puts(o, "</div>\n");

    /* Gantt of the forecast schedule */
    if (have_sch && nsel) {
        svg_gantt_task *gt = xcalloc(nsel, sizeof *gt);
        size_t **deps = xcalloc(nsel, sizeof *deps);
        for (size_t j = 0; j < nsel; j++) {
            const sp_sched_task *st = &sch.t[sel[j]];
            const sp_task *t = st->task;
            gt[j].label = t->name ? t->name : t->id;
            gt[j].owner = page_rep_name(&pd, t->owner);
            gt[j].start = st->fc.es != SP_DAY_NONE ? st->fc.es : t->start;
            gt[j].end = st->fc.ef != SP_DAY_NONE ? st->fc.ef : t->due;
            gt[j].critical = st->fc.critical;
            gt[j].done = st->done;
            gt[j].late = st->late;
            gt[j].milestone = t->milestone;
            deps[j] = xcalloc(t->ndepends_on ? t->ndepends_on : 1, sizeof **deps);
            for (size_t d = 0; d < t->ndepends_on; d++)
                for (size_t k = 0; k < nsel; k++)
                    if (str_eq(pd.plan->tasks[sel[k]].id, t->depends_on[d])) deps[j][gt[j].ndeps++] = k;
            gt[j].deps = deps[j];
        }
        buf_puts(o, "<div class=\"card\"><h2>");
        web_html(o, _("Gantt chart"));
        buf_puts(o, "</h2><p class=\"sub\">");
        web_html(o, _("forecast as of today: a late task pushes the tasks that depend on it"));
        buf_puts(o, "</p><div class=\"scroll\">");
        svg_gantt(o, req->lang, gt, nsel, pd.as_of, _("Gantt chart"));
        buf_puts(o, "</div><div class=\"legend\"><span><i class=\"k-crit\"></i>");
        web_html(o, _("critical path"));
        buf_puts(o, "</span><span><i class=\"k-task\"></i>");
        web_html(o, _("task"));
        buf_puts(o, "</span><span><i class=\"k-done\"></i>");
        web_html(o, _("done"));
        buf_puts(o, "</span></div></div>\n");
        for (size_t j = 0; j < nsel; j++) free(deps[j]);
        free(deps);
        free(gt);
    }

    /* each owner's load */
    if (nowners && !page_is_rep(req)) {
        buf_puts(o, "<div class=\"card\"><h2>");
        web_html(o, _("Load per owner"));
        buf_puts(o, "</h2><div class=\"scroll\"><table><thead><tr><th>");
        web_html(o, _("owner"));
        buf_puts(o, "</th><th class=\"n\">");
        web_html(o, _("open tasks"));
        buf_puts(o, "</th><th class=\"n\">");
        web_html(o, _("overdue"));
        buf_puts(o, "</th></tr></thead><tbody>");
        for (size_t k = 0; k < nowners; k++) {
            buf_puts(o, "<tr><td><a href=\"/tasks?owner=");
            web_url(o, load[k].owner);
            buf_puts(o, "\">");
            web_html(o, page_rep_name(&pd, load[k].owner));
            buf_printf(o, "</a></td><td class=\"n\">%d</td><td class=\"n%s\">%d</td></tr>", load[k].open,
                       load[k].late ? " red" : "", load[k].late);
        }
        buf_puts(o, "</tbody></table></div></div>\n");
    }
    free(load);
    free(sel);
out:
    page_close(req, resp);
    if (have_sch) schedule_free(&sch);
    page_data_free(&pd);
    err_free(&err);
}

/* POST /tasks/{id}: status=todo|doing|done|blocked [progress=0..100],
 * through the app layer's task set (the CLI's `tasks set`): one
 * transaction, the caller's scope enforced there too (a task outside it is
 * not found). The progress is kept unless given (done: 100). */
void page_task_set(web_req *req, web_resp *resp)
{
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_task_set_res res;
    memset(&res, 0, sizeof res);
    const char *id = web_param(req, "id");
    const char *st = web_field_get(req, "status"), *pr = web_field_get(req, "progress");
    if (!page_data_load(req, &pd, &err)) goto fail;
    const sp_task *t = NULL;
    for (size_t i = 0; pd.plan && i < pd.plan->ntasks; i++)
        if (str_eq(pd.plan->tasks[i].id, id)) t = &pd.plan->tasks[i];
    if (!t || !task_visible(req, &pd, t) || !may_edit(req, &pd, t)) {
        err_set(&err, SP_ENOTFOUND, _("no task '%s'"), id ? id : "");
        goto fail;
    }
    int s = task_status_from_name(st);
    if (s < 0) {
        err_set(&err, SP_EINVAL, _("unknown status '%s'"), st ? st : "");
        goto fail;
    }
    int progress = 0;
    page_task_status(&pd, t->id, &progress);
    if (pr && *pr) progress = atoi(pr);
    if (s == TASK_DONE) progress = 100;
    if (progress < 0 || progress > 100) progress = progress < 0 ? 0 : 100;
    sp_task_set_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r.st = req->store;
    rq.r.plan_id = pd.plan->id;
    rq.r.as_of = SP_DAY_NONE;
    rq.r.today = pd.today;
    rq.r.scope = page_scope(req);
    rq.r.lang = req->lang;
    rq.task_id = t->id;
    rq.status = (sp_task_status)s;
    rq.progress = progress;
    if (!app_task_set(&rq, &res, &err)) goto fail;
    web_redirect(resp, "/tasks?ok=task");
    goto done;
fail:
    web_fail(req, resp, &err);
done:
    app_task_set_free(&res);
    page_data_free(&pd);
    err_free(&err);
}
