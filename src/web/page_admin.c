/*
 * page_admin.c — users and API tokens (/users, admins only: the route
 * table says so). The list of users with their role, what they see, their
 * language and state; adding a user (the password generated and shown
 * once), disabling, enabling, resetting a password (shown once; their
 * sessions end); the API tokens with their user and label, creating one
 * (shown once) and revoking one. Every write is a POST form with the CSRF
 * token and goes through the same app verbs as `salesplan user …` and
 * `token …` (app/app_users.h), each in one transaction.
 *
 * A secret appears only in the answer to the POST that made it (responses
 * carry Cache-Control: no-store); it is never stored or logged.
 */
#include <stdlib.h>
#include <string.h>

#include "../app/app_users.h"
#include "pages.h"

/* the app request of an admin's write: the store and the language */
static sp_app_req admin_req(const web_req *req)
{
    sp_app_req r;
    memset(&r, 0, sizeof r);
    r.st = req->store;
    r.scope.kind = SCOPE_ALL;
    r.lang = req->lang;
    r.today = req->today;
    r.as_of = SP_DAY_NONE;
    return r;
}

static const char *role_label(const char *role)
{
    if (str_eq(role, "admin")) return _("admin");
    if (str_eq(role, "manager")) return _("manager");
    if (str_eq(role, "rep")) return _("rep");
    if (str_eq(role, "viewer")) return _("viewer");
    return role ? role : "";
}

/* group_names: a manager's comma-separated groups by their names. */
static void group_names(buf_t *o, const page_data *pd, const char *groups)
{
    const char *s = groups;
    bool first = true;
    while (s && *s) {
        size_t n = strcspn(s, ",");
        char *id = xstrndup(s, n);
        if (!first) buf_puts(o, _(", "));
        first = false;
        web_html(o, page_team_name(pd, id));
        free(id);
        s += n + (s[n] ? 1 : 0);
    }
}

/* ---- the secret shown once ---- */

typedef struct admin_notice {
    const char *ok;                  /* a success message, or NULL */
    const char *secret_intro;        /* what the secret is (with the secret) */
    const char *secret;
    const char *secret_after;
    const sp_err *err;               /* an error to show, or NULL */
    bool keep_form;                  /* refill the add-user form from the request */
} admin_notice;

static void show_notice(buf_t *o, const admin_notice *n)
{
    if (n->err) {
        buf_t m = BUF_INIT;
        buf_puts(&m, buf_cstr(&n->err->msg));
        while (m.len && m.data[m.len - 1] == '\n') m.data[--m.len] = 0;
        html_notice(o, "error", buf_cstr(&m));
        buf_free(&m);
    }
    if (n->ok && !n->secret) html_notice(o, "ok", n->ok);
    if (n->secret) {
        buf_puts(o, "<div class=\"notice ok once\" role=\"status\"><p>");
        web_html(o, n->ok);
        buf_puts(o, " ");
        web_html(o, n->secret_intro);
        buf_puts(o, "</p><p><code class=\"secret\" id=\"secret\">");
        web_html(o, n->secret);
        buf_puts(o, "</code></p><p class=\"small\">");
        web_html(o, n->secret_after);
        buf_puts(o, "</p></div>\n");
    }
}

/* ---- the page ---- */

static void csrf(buf_t *o, const web_req *req)
{
    web_page pg = page_web(req, NAV_USERS, NULL);
    html_csrf_field(o, &pg);
}

/* post_button: a one-button POST form to base + seg (escaped) + verb; with
 * confirm, the page script asks first (without script it posts at once). */
static void post_button(buf_t *o, const web_req *req, const char *base, const char *seg, const char *verb,
                        const char *label, const char *cls, const char *id, const char *confirm)
{
    buf_puts(o, "<form method=\"post\" class=\"inline\" action=\"");
    buf_puts(o, base);
    web_url(o, seg);
    buf_puts(o, verb);
    buf_puts(o, "\"");
    if (confirm) {
        buf_puts(o, " data-confirm=\"");
        web_attr(o, confirm);
        buf_puts(o, "\"");
    }
    buf_puts(o, ">");
    csrf(o, req);
    buf_printf(o, "<button type=\"submit\" class=\"sm %s\"", cls);
    if (id) {
        buf_puts(o, " id=\"");
        web_attr(o, id);
        buf_puts(o, "\"");
    }
    buf_puts(o, ">");
    web_html(o, label);
    buf_puts(o, "</button></form>");
}

static void users_table(buf_t *o, const web_req *req, const page_data *pd, const sp_user_rec *v, size_t n)
{
    static const char *const head[] = {N_("user"), N_("role"), N_("sees"), N_("language"), N_("state"),
                                       N_("created (UTC)"), N_("actions")};
    buf_puts(o, "<section class=\"card\" id=\"users\"><h2>");
    buf_printf(o, _("Users (%zu)"), n);
    buf_puts(o, "</h2><div class=\"scroll\"><table class=\"resp users\"><thead><tr>");
    for (size_t k = 0; k < sizeof head / sizeof head[0]; k++) {
        buf_puts(o, "<th>");
        web_html(o, _(head[k]));
        buf_puts(o, "</th>");
    }
    buf_puts(o, "</tr></thead><tbody>");
    for (size_t i = 0; i < n; i++) {
        const sp_user_rec *u = &v[i];
        buf_puts(o, "<tr id=\"user-");
        web_attr(o, u->login);
        buf_puts(o, u->disabled ? "\" class=\"off\">" : "\">");
        buf_puts(o, "<td data-l=\"\"><b>");
        web_html(o, u->name && *u->name ? u->name : u->login);
        buf_puts(o, "</b>");
        if (u->name && *u->name) {
            buf_puts(o, " <span class=\"small muted\">");
            web_html(o, u->login);
            buf_puts(o, "</span>");
        }
        if (req->user && str_eq(req->user->login, u->login)) {
            buf_puts(o, " <span class=\"tag\">");
            web_html(o, _("you"));
            buf_puts(o, "</span>");
        }
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("role"));
        buf_puts(o, "\">");
        web_html(o, role_label(u->role));
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("sees"));
        buf_puts(o, "\">");
        if (str_eq(u->role, "rep")) {
            web_html(o, page_rep_name(pd, u->rep_id));
        } else if (str_eq(u->role, "manager")) {
            group_names(o, pd, u->groups);
        } else {
            web_html(o, _("everything"));
        }
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("language"));
        buf_puts(o, "\">");
        web_html(o, str_eq(u->lang, "zh") ? "中文" : str_eq(u->lang, "en") ? "English" : _("the browser's"));
        buf_puts(o, "</td><td data-l=\"");
        web_attr(o, _("state"));
        buf_puts(o, "\">");
        buf_puts(o, u->disabled ? "<span class=\"st wait\">" : "<span class=\"st on\">");
        web_html(o, u->disabled ? _("disabled") : _("active"));
        buf_puts(o, "</span></td><td data-l=\"");
        web_attr(o, _("created (UTC)"));
        buf_puts(o, "\">");
        web_html(o, u->created_at);
        buf_puts(o, "</td><td data-l=\"\"><div class=\"acts\">");
        buf_t id = BUF_INIT;
        buf_printf(&id, "%s-%s", u->disabled ? "enable" : "disable", u->login);
        if (u->disabled)
            post_button(o, req, "/users/", u->login, "/enable", _("Enable"), "", buf_cstr(&id), NULL);
        else post_button(o, req, "/users/", u->login, "/disable", _("Disable"), "alt", buf_cstr(&id), NULL);
        buf_clear(&id);
        buf_printf(&id, "passwd-%s", u->login);
        post_button(o, req, "/users/", u->login, "/password", _("New password"), "alt", buf_cstr(&id),
                    _("Make a new password? The old one stops working and their sessions end."));
        buf_free(&id);
        buf_puts(o, "</div></td></tr>\n");
    }
    buf_puts(o, "</tbody></table></div>");
    buf_puts(o, "<p class=\"small muted\">");
    web_html(o, _("Disabling a user ends their sessions and stops their API tokens at once; a new password "
                  "ends their sessions. The last enabled admin cannot be disabled."));
    buf_puts(o, "</p></section>\n");
}

static void opt(buf_t *o, const char *value, const char *label, const char *cur)
{
    buf_puts(o, "<option value=\"");
    web_attr(o, value);
    buf_puts(o, cur && str_eq(cur, value) ? "\" selected>" : "\">");
    web_html(o, label);
    buf_puts(o, "</option>");
}

/* rep_options: every rep of the reps table, then the plan's members not
 * in it, by name with their team. */
static void rep_options(buf_t *o, const page_data *pd, const char *cur)
{
    opt(o, "", "—", cur);
    for (size_t i = 0; pd->ds && i < pd->ds->reps.n; i++) {
        const sp_rep *r = &pd->ds->rep_rows[i];
        buf_t l = BUF_INIT;
        buf_puts(&l, page_rep_name(pd, r->id));
        if (r->team && *r->team) buf_printf(&l, " · %s", page_team_name(pd, r->team));
        opt(o, r->id, buf_cstr(&l), cur);
        buf_free(&l);
    }
    for (size_t g = 0; pd->plan && g < pd->plan->ngroups; g++)
        for (size_t m = 0; m < pd->plan->groups[g].nmembers; m++) {
            const sp_member *x = &pd->plan->groups[g].members[m];
            if (page_rep(pd, x->id)) continue;
            buf_t l = BUF_INIT;
            buf_printf(&l, "%s · %s", x->name && *x->name ? x->name : x->id, page_team_name(pd, pd->plan->groups[g].id));
            opt(o, x->id, buf_cstr(&l), cur);
            buf_free(&l);
        }
}

static void add_user_form(buf_t *o, const web_req *req, const page_data *pd, bool keep, bool open)
{
    const char *login = keep ? web_field_get(req, "login") : NULL;
    const char *name = keep ? web_field_get(req, "name") : NULL;
    const char *role = keep ? web_field_get(req, "role") : "rep";
    const char *rep = keep ? web_field_get(req, "rep") : NULL;
    const char *lang = keep ? web_field_get(req, "language") : NULL;
    buf_puts(o, open ? "<details class=\"card\" id=\"add-user\" open><summary><b>"
                     : "<details class=\"card\" id=\"add-user\"><summary><b>");
    web_html(o, _("Add a user"));
    buf_puts(o, "</b></summary><form class=\"stack\" method=\"post\" action=\"/users\">");
    csrf(o, req);
    buf_puts(o, "<label>");
    web_html(o, _("login (letters, digits and . _ - @)"));
    buf_printf(o, "<input name=\"login\" id=\"new-login\" required maxlength=\"%d\" autocomplete=\"off\" "
                  "pattern=\"[A-Za-z0-9._@\\-]+\" value=\"", AUTH_LOGIN_MAX);
    web_attr(o, login);
    buf_puts(o, "\"></label><label>");
    web_html(o, _("name shown on the pages"));
    buf_printf(o, "<input name=\"name\" id=\"new-name\" maxlength=\"%d\" value=\"", APP_USER_NAME_MAX);
    web_attr(o, name);
    buf_puts(o, "\"></label><label>");
    web_html(o, _("role"));
    buf_puts(o, "<select name=\"role\" id=\"new-role\">");
    static const char *const roles[4] = {"rep", "manager", "viewer", "admin"};
    static const char *const what[4] = {N_("rep: their own customers, tasks and follow-ups"),
                                        N_("manager: their groups' numbers and people"),
                                        N_("viewer: reads everything, changes nothing"),
                                        N_("admin: everything, users and tokens")};
    for (int k = 0; k < 4; k++) opt(o, roles[k], _(what[k]), role);
    buf_puts(o, "</select></label><label>");
    web_html(o, _("for a rep: which rep they are"));
    buf_puts(o, "<select name=\"rep\" id=\"new-rep\">");
    rep_options(o, pd, rep);
    buf_puts(o, "</select></label>");
    if (pd->plan && pd->plan->ngroups) {
        buf_puts(o, "<fieldset class=\"checks\"><legend>");
        web_html(o, _("for a manager: the groups they lead"));
        buf_puts(o, "</legend>");
        const char *chosen[64];
        size_t nchosen = keep ? web_field_all(req, "groups", chosen, 64) : 0;
        for (size_t g = 0; g < pd->plan->ngroups; g++) {
            const char *gid = pd->plan->groups[g].id;
            bool on = false;
            for (size_t k = 0; k < nchosen; k++) on = on || str_eq(chosen[k], gid);
            buf_puts(o, "<label><input type=\"checkbox\" name=\"groups\" value=\"");
            web_attr(o, gid);
            buf_puts(o, on ? "\" checked> " : "\"> ");
            web_html(o, page_team_name(pd, gid));
            buf_puts(o, "</label>");
        }
        buf_puts(o, "</fieldset>");
    }
    buf_puts(o, "<label>");
    web_html(o, _("language"));
    buf_puts(o, "<select name=\"language\">");
    opt(o, "", _("the browser's"), lang);
    opt(o, "zh", "中文", lang);
    opt(o, "en", "English", lang);
    buf_puts(o, "</select></label><div><button type=\"submit\" id=\"add-user-go\">");
    web_html(o, _("Add the user"));
    buf_puts(o, "</button></div><p class=\"small muted\">");
    web_html(o, _("A password is generated and shown once on the next page: give it to the person; an admin can "
                  "make a new one here at any time."));
    buf_puts(o, "</p></form></details>\n");
}

static void tokens_section(buf_t *o, const web_req *req, const sp_user_rec *users, size_t nu,
                           const sp_token_rec *v, size_t n)
{
    buf_puts(o, "<section class=\"card\" id=\"tokens\"><h2>");
    web_html(o, _("API tokens"));
    buf_puts(o, "</h2><p class=\"small muted\">");
    web_html(o, _("A token lets another program (a CRM, a script) use /api/v1/ as its user, with the user's role: "
                  "send it as 'Authorization: Bearer TOKEN'. It is shown once, when it is made."));
    buf_puts(o, "</p>");
    size_t live = 0;
    for (size_t i = 0; i < n; i++) live += !v[i].revoked;
    if (!n) {
        buf_puts(o, "<p class=\"muted\" id=\"no-tokens\">");
        web_html(o, _("No token yet."));
        buf_puts(o, "</p>");
    } else {
        static const char *const head[] = {N_("token"), N_("user"), N_("label"), N_("created (UTC)"), N_("state"),
                                           N_("actions")};
        buf_puts(o, "<div class=\"scroll\"><table class=\"resp tokens\"><thead><tr>");
        for (size_t k = 0; k < sizeof head / sizeof head[0]; k++) {
            buf_puts(o, "<th>");
            web_html(o, _(head[k]));
            buf_puts(o, "</th>");
        }
        buf_puts(o, "</tr></thead><tbody>");
        for (size_t i = 0; i < n; i++) {
            const sp_token_rec *t = &v[i];
            buf_printf(o, "<tr id=\"token-%lld\"%s><td data-l=\"\"><b>#%lld</b></td><td data-l=\"", (long long)t->id,
                       t->revoked ? " class=\"off\"" : "", (long long)t->id);
            web_attr(o, _("user"));
            buf_puts(o, "\">");
            const char *who = t->login;
            for (size_t k = 0; k < nu; k++)
                if (str_eq(users[k].login, t->login) && users[k].name && *users[k].name) who = users[k].name;
            web_html(o, who);
            buf_puts(o, "</td><td data-l=\"");
            web_attr(o, _("label"));
            buf_puts(o, "\">");
            web_html(o, t->label && *t->label ? t->label : "—");
            buf_puts(o, "</td><td data-l=\"");
            web_attr(o, _("created (UTC)"));
            buf_puts(o, "\">");
            web_html(o, t->created_at);
            buf_puts(o, "</td><td data-l=\"");
            web_attr(o, _("state"));
            buf_puts(o, "\">");
            buf_puts(o, t->revoked ? "<span class=\"st wait\">" : "<span class=\"st on\">");
            web_html(o, t->revoked ? _("revoked") : _("active"));
            buf_puts(o, "</span></td><td data-l=\"\">");
            if (!t->revoked) {
                char seg[32], id[40];
                snprintf(seg, sizeof seg, "%lld", (long long)t->id);
                snprintf(id, sizeof id, "revoke-%lld", (long long)t->id);
                post_button(o, req, "/tokens/", seg, "/revoke", _("Revoke"), "alt", id,
                            _("Revoke this token? The program that uses it stops working at once."));
            }
            buf_puts(o, "</td></tr>\n");
        }
        buf_puts(o, "</tbody></table></div>");
        buf_puts(o, "<p class=\"small muted\">");
        buf_printf(o, _("%zu active, %zu revoked"), live, n - live);
        buf_puts(o, "</p>");
    }
    buf_puts(o, "<form class=\"filters\" method=\"post\" action=\"/tokens\">");
    csrf(o, req);
    buf_puts(o, "<label>");
    web_html(o, _("user"));
    buf_puts(o, "<select name=\"login\" id=\"token-user\">");
    for (size_t k = 0; k < nu; k++) {
        if (users[k].disabled) continue;
        buf_t l = BUF_INIT;
        if (users[k].name && *users[k].name) buf_printf(&l, "%s (%s)", users[k].name, users[k].login);
        else buf_puts(&l, users[k].login);
        buf_printf(&l, " · %s", role_label(users[k].role));
        opt(o, users[k].login, buf_cstr(&l), req->user ? req->user->login : NULL);
        buf_free(&l);
    }
    buf_puts(o, "</select></label><label>");
    web_html(o, _("label (what uses it)"));
    buf_printf(o, "<input name=\"label\" id=\"token-label\" maxlength=\"%d\"></label>", APP_TOKEN_LABEL_MAX);
    buf_puts(o, "<button type=\"submit\" id=\"token-go\">");
    web_html(o, _("Make a token"));
    buf_puts(o, "</button></form></section>\n");
}

/* render: the whole page with a notice; status as given. */
static void render(web_req *req, web_resp *resp, int status, const admin_notice *n)
{
    buf_t *o = &resp->body;
    page_data pd;
    sp_err err = SP_ERR_INIT;
    sp_user_rec *users = NULL;
    sp_token_rec *tokens = NULL;
    size_t nu = 0, nt = 0;
    sp_app_req r = admin_req(req);
    buf_clear(o);
    if (!page_data_load_people(req, &pd, &err) || !app_user_list(&r, &users, &nu, &err) ||
        !app_token_list(&r, &tokens, &nt, &err)) {
        page_data_free(&pd);
        web_fail(req, resp, &err);
        goto out;
    }
    resp->status = status;
    page_open(req, resp, _("Users and API tokens"), NAV_USERS, pd.plan ? pd.plan->name : NULL);
    buf_puts(o, "<h1>");
    web_html(o, _("Users and API tokens"));
    buf_puts(o, "</h1>");
    show_notice(o, n);
    const char *done = web_field_get(req, "done");
    static const char *const keys[] = {"disabled", "enabled", "revoked"};
    static const char *const texts[] = {N_("User disabled: their sessions and tokens stopped at once."),
                                        N_("User enabled: they can sign in again."),
                                        N_("Token revoked: it no longer works.")};
    for (size_t k = 0; done && k < sizeof keys / sizeof keys[0]; k++)
        if (str_eq(done, keys[k])) html_notice(o, "ok", _(texts[k]));
    users_table(o, req, &pd, users, nu);
    add_user_form(o, req, &pd, n->keep_form, n->keep_form || nu <= 1);
    tokens_section(o, req, users, nu, tokens, nt);
    page_close(req, resp);
    page_data_free(&pd);
out:
    user_recs_free(users, nu);
    token_recs_free(tokens, nt);
    err_free(&err);
}

/* fail_page: the page with err above it (400, 404, 409: the admin can
 * act on it), or the server's error page when it is internal. */
static void fail_page(web_req *req, web_resp *resp, const sp_err *err, bool keep_form)
{
    int s = err_http_status(err);
    if (s < 400 || s >= 500) {
        web_fail(req, resp, err);
        return;
    }
    admin_notice n = {0};
    n.err = err;
    n.keep_form = keep_form;
    render(req, resp, s, &n);
}

void page_users(web_req *req, web_resp *resp)
{
    admin_notice n = {0};
    render(req, resp, 200, &n);
}

/* join_groups: the repeated groups field as "a,b". */
static char *join_groups(const web_req *req)
{
    const char *v[64];
    size_t n = web_field_all(req, "groups", v, 64);
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (!*v[i]) continue;
        if (b.len) buf_putc(&b, ',');
        buf_puts(&b, v[i]);
    }
    return b.len ? buf_detach(&b) : (buf_free(&b), NULL);
}

/* POST /users: login name role rep groups… language */
void page_user_add(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    sp_user_add_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r = admin_req(req);
    rq.login = web_field_get(req, "login");
    rq.name = web_field_get(req, "name");
    rq.role = web_field_get(req, "role");
    const char *rep = web_field_get(req, "rep");
    char *groups = join_groups(req);
    /* a rep's scope is one rep, a manager's their groups: the other field of the form is ignored */
    rq.rep = rq.role && str_eq(rq.role, "rep") ? rep : NULL;
    rq.groups = rq.role && str_eq(rq.role, "manager") ? groups : NULL;
    rq.lang = web_field_get(req, "language");
    sp_user_secret res = {0};
    admin_notice n = {0};
    buf_t ok = BUF_INIT;
    if (app_user_add(&rq, &res, &err)) {
        buf_printf(&ok, _("User %s added."), rq.login);
        n.ok = buf_cstr(&ok);
        n.secret_intro = _("Their password, shown only this once:");
        n.secret = res.secret;
        n.secret_after = _("Give it to them in person or by a private message; they sign in at /login.");
        render(req, resp, 200, &n);
    } else {
        fail_page(req, resp, &err, true);
    }
    app_user_secret_free(&res);
    buf_free(&ok);
    free(groups);
    err_free(&err);
}

static void set_disabled(web_req *req, web_resp *resp, bool disabled)
{
    sp_err err = SP_ERR_INIT;
    sp_app_req r = admin_req(req);
    if (app_user_set_disabled(&r, web_param(req, "login"), disabled, &err)) {
        web_redirect(resp, disabled ? "/users?done=disabled" : "/users?done=enabled");
    } else {
        fail_page(req, resp, &err, false);
    }
    err_free(&err);
}

void page_user_disable(web_req *req, web_resp *resp) { set_disabled(req, resp, true); }
void page_user_enable(web_req *req, web_resp *resp) { set_disabled(req, resp, false); }

/* POST /users/{login}/password: a new generated password, shown once. */
void page_user_passwd(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    sp_app_req r = admin_req(req);
    sp_user_secret res = {0};
    admin_notice n = {0};
    buf_t ok = BUF_INIT;
    const char *login = web_param(req, "login");
    if (app_user_passwd(&r, login, NULL, &res, &err)) {
        buf_printf(&ok, _("New password for %s; their sessions are ended."), login);
        n.ok = buf_cstr(&ok);
        n.secret_intro = _("The password, shown only this once:");
        n.secret = res.secret;
        n.secret_after = _("Give it to them in person or by a private message; they sign in at /login.");
        render(req, resp, 200, &n);
    } else {
        fail_page(req, resp, &err, false);
    }
    app_user_secret_free(&res);
    buf_free(&ok);
    err_free(&err);
}

/* POST /tokens: login label */
void page_token_add(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    sp_app_req r = admin_req(req);
    sp_user_secret res = {0};
    admin_notice n = {0};
    buf_t ok = BUF_INIT;
    const char *login = web_field_get(req, "login");
    if (app_token_add(&r, login, web_field_get(req, "label"), &res, &err)) {
        buf_printf(&ok, _("Token #%lld of %s made."), (long long)res.id, login);
        n.ok = buf_cstr(&ok);
        n.secret_intro = _("The token, shown only this once:");
        n.secret = res.secret;
        n.secret_after = _("Store it where the program that uses it keeps its secrets; revoke it here when it is "
                           "no longer needed.");
        render(req, resp, 200, &n);
    } else {
        fail_page(req, resp, &err, false);
    }
    app_user_secret_free(&res);
    buf_free(&ok);
    err_free(&err);
}

/* POST /tokens/{id}/revoke */
void page_token_revoke(web_req *req, web_resp *resp)
{
    sp_err err = SP_ERR_INIT;
    sp_app_req r = admin_req(req);
    const char *s = web_param(req, "id");
    char *end = NULL;
    long long id = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || id <= 0) err_set(&err, SP_ENOTFOUND, _("no token '%s'"), s ? s : "");
    if (err_ok(&err) && app_token_revoke(&r, id, &err)) {
        web_redirect(resp, "/users?done=revoked#tokens");
    } else {
        fail_page(req, resp, &err, false);
    }
    err_free(&err);
}
