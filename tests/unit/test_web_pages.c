/*
 * test_web_pages.c — every page handler run in-process on a demo workspace
 * that holds hostile names (a plan goal, a rep and a customer named with
 * markup, quotes and a javascript: link): no page carries a script or an
 * element that was not ours, every page has its frame in both languages,
 * a rep sees their own records and gets "not found" for anyone else's,
 * logging a visit removes that stale follow-up, changing a task's status
 * is stored, and an import with a bad line lists the line and writes
 * nothing; on an empty workspace every page says what to do first.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/demo_data.h"
#include "io/plan_yaml.h"
#include "store/store.h"
#include "web/auth.h"
#include "web/http.h"
#include "web/pages.h"

static char dir[64], dbpath[96];
static sp_store *st;

#define EVIL_GOAL "营收<script>alert(1)</script>"
#define EVIL_REP "\"><img src=x onerror=alert(2)>"
#define EVIL_CUST "客户'\" onmouseover='alert(3)"

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sp-test-pages-XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/ws.db", dir);
    sp_err err = SP_ERR_INIT;
    st = store_open(dbpath, STORE_CREATE, &err);
    assert_non_null(st);
    sp_plan *plan = demo_plan_parse(LANG_ZH, &err);
    assert_non_null(plan);
    sp_demo_opts o = {LANG_ZH, 1, 7, day_from_ymd(2026, 11, 20)};
    sp_demo_summary sum;
    assert_true(demo_build(st, plan, &o, &sum, &err));
    plan_free(plan);
    /* a plan version whose first goal has a hostile name */
    size_t len;
    const char *text = demo_plan_text(LANG_ZH, &len);
    const char *at = strstr(text, "name: 年度营收");
    assert_non_null(at);
    buf_t b = BUF_INIT;
    buf_append(&b, text, (size_t)(at - text));
    buf_puts(&b, "name: \"" EVIL_GOAL "\"");
    buf_puts(&b, at + strlen("name: 年度营收"));
    sp_plan *p2 = plan_yaml_parse(b.data, b.len, "fy2026", &err);
    if (!p2) fprintf(stderr, "%s", buf_cstr(&err.msg));
    assert_non_null(p2);
    int version;
    bool changed;
    if (!st->ops->plan_put(st, p2->id, p2->name, b.data, "hostile", &version, &changed, &err))
        fprintf(stderr, "%s", buf_cstr(&err.msg));
    assert_true(err_ok(&err));
    assert_true(st->ops->begin(st, &err));
    /* a hostile rep and customer with an open deal and no activity: a stale follow-up */
    sp_rep r = {"r666", EVIL_REP, "mfg", "华东", "制造业", ROLE_REP, true, NULL};
    assert_true(st->ops->upsert(st, TBL_REPS, &r, &err));
    sp_customer c = {"c666", EVIL_CUST, "华东", "javascript:alert(4)", "r666", SIZE_MEDIUM, day_from_ymd(2026, 1, 5)};
    assert_true(st->ops->upsert(st, TBL_CUSTOMERS, &c, &err));
    sp_deal d;
    memset(&d, 0, sizeof d);
    d.id = "d666";
    d.customer_id = "c666";
    d.owner = "r666";
    d.product = "<b>ERP</b>";
    d.created_on = day_from_ymd(2026, 9, 1);
    d.closed_on = SP_DAY_NONE;
    d.stage = STAGE_OPEN;
    d.amount = 12345600;
    d.probability = 50;
    assert_true(st->ops->upsert(st, TBL_DEALS, &d, &err));
    assert_true(st->ops->commit(st, &err));
    plan_free(p2);
    buf_free(&b);
    err_free(&err);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close(st);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

/* ---- calling a handler as the server would ---- */

typedef struct call {
    web_user user;
    web_req req;
    web_resp resp;
    web_field fields[8];
    const char *groups[2];
} call;

static void call_init(call *c, web_role role, const char *rep, sp_lang lang, const char *path)
{
    memset(c, 0, sizeof *c);
    c->user.id = 1;
    c->user.login = "tester";
    c->user.name = "测试";
    c->user.role = role;
    c->user.rep_id = rep;
    c->user.lang = -1;
    c->req.method = WEB_GET;
    c->req.path = path;
    c->req.user = &c->user;
    c->req.lang = lang;
    c->req.csrf = "csrf-token";
    c->req.nonce = "n0nce";
    c->req.store = st;
    c->req.db_url = dbpath;
    c->req.fields = c->fields;
    c->resp.status = 200;
    web_set_lang(lang);
}

static void call_field(call *c, const char *name, const char *value)
{
    c->fields[c->req.nfields++] = (web_field){name, value};
}

static void call_param(call *c, const char *name, const char *value)
{
    c->req.param_names[c->req.nparams] = name;
    c->req.param_values[c->req.nparams++] = value;
}

static void call_free(call *c)
{
    buf_free(&c->resp.body);
    for (size_t i = 0; i < c->resp.nheaders; i++) {
        free(c->resp.headers[i].name);
        free(c->resp.headers[i].value);
    }
    free(c->resp.headers);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++) n++;
    return n;
}

/* assert_safe: one script element (ours, under the nonce), no hostile
 * markup, no javascript: link, no inline style or handler. */
static void assert_safe(const char *page, const char *s)
{
    /* the hostile text may appear, escaped ("&lt;img src=x onerror=…"): what
     * must not appear is a tag it opens or an attribute it closes */
    if (count(s, "<script") != 1 || !strstr(s, "<script nonce=\"n0nce\">") || strstr(s, "<img") ||
        strstr(s, "\" onmouseover") || strstr(s, "' onmouseover") || strstr(s, "href=\"javascript") ||
        strstr(s, " style=\"") || strstr(s, "<b>ERP")) {
        fprintf(stderr, "unsafe page %s:\n%s\n", page, s);
        fail();
    }
}

static const char *const pages[] = {"/",        "/plan",    "/tasks",    "/customers", "/followups", "/budget",
                                    "/reviews", "/imports", "/analysis", "/strategies", "/users"};

static web_handler_fn *handler_of(const char *path, web_method m)
{
    for (size_t i = 0; i < web_page_nroutes; i++)
        if (web_page_routes[i].method == m && str_eq(web_page_routes[i].pattern, path))
            return web_page_routes[i].handler;
    return NULL;
}

static void test_every_page_escapes(void **state)
{
    (void)state;
    for (int l = 0; l < LANG_COUNT; l++)
        for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
            call c;
            call_init(&c, WEB_ROLE_ADMIN, NULL, (sp_lang)l, pages[i]);
            web_handler_fn *h = handler_of(pages[i], WEB_GET);
            assert_non_null(h);
            h(&c.req, &c.resp);
            const char *s = buf_cstr(&c.resp.body);
            if (c.resp.status != 200) fprintf(stderr, "%s: %d\n%s\n", pages[i], c.resp.status, s);
            assert_int_equal(c.resp.status, 200);
            assert_safe(pages[i], s);
            assert_non_null(strstr(s, l == LANG_ZH ? "<html lang=\"zh-CN\">" : "<html lang=\"en\">"));
            assert_non_null(strstr(s, "</html>"));
            call_free(&c);
        }
    /* the hostile names are there, escaped */
    call c;
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/");
    page_dashboard(&c.req, &c.resp);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "营收&lt;script&gt;alert(1)&lt;/script&gt;"));
    call_free(&c);
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/followups");
    page_followups(&c.req, &c.resp);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "客户&#39;&quot; onmouseover&#61;&#39;alert(3)") ||
                    strstr(buf_cstr(&c.resp.body), "客户&#39;&quot; onmouseover=&#39;alert(3)"));
    assert_non_null(strstr(buf_cstr(&c.resp.body), "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    call_free(&c);
    /* the goal detail of the hostile goal */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_ZH, "/goals/revenue");
    call_param(&c, "id", "revenue");
    page_goal(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 200);
    assert_safe("/goals/revenue", buf_cstr(&c.resp.body));
    call_free(&c);
}

static void test_rep_scope(void **state)
{
    (void)state;
    call c;
    /* r666's follow-ups hold their customer, r002's do not */
    call_init(&c, WEB_ROLE_REP, "r666", LANG_EN, "/followups");
    page_followups(&c.req, &c.resp);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "id=\"stale-c666\""));
    call_free(&c);
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/followups");
    page_followups(&c.req, &c.resp);
    assert_null(strstr(buf_cstr(&c.resp.body), "stale-c666"));
    call_free(&c);
    /* a rep lands on their own dashboard */
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/");
    page_dashboard(&c.req, &c.resp);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "My dashboard"));
    assert_null(strstr(buf_cstr(&c.resp.body), "name=\"team\""));
    call_free(&c);
    /* another rep's customer: not found, the same as none */
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/activities");
    c.req.method = WEB_POST;
    call_field(&c, "customer", "c666");
    call_field(&c, "kind", "visit");
    page_activity_add(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 404);
    call_free(&c);
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/activities");
    c.req.method = WEB_POST;
    call_field(&c, "customer", "c-none");
    call_field(&c, "kind", "visit");
    page_activity_add(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 404);
    call_free(&c);
    /* a task that is not theirs: not found */
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/tasks/bench-select");
    c.req.method = WEB_POST;
    call_param(&c, "id", "bench-select");
    call_field(&c, "status", "done");
    page_task_set(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 404);
    call_free(&c);
    /* a goal that is not theirs: not found */
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/goals/revenue");
    call_param(&c, "id", "revenue");
    page_goal(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 404);
    call_free(&c);
}

static void test_writes(void **state)
{
    (void)state;
    call c;
    /* log a visit: the stale follow-up leaves the list */
    call_init(&c, WEB_ROLE_REP, "r666", LANG_EN, "/activities");
    c.req.method = WEB_POST;
    call_field(&c, "customer", "c666");
    call_field(&c, "kind", "visit");
    page_activity_add(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 303);
    call_free(&c);
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/followups");
    page_followups(&c.req, &c.resp);
    assert_null(strstr(buf_cstr(&c.resp.body), "stale-c666"));
    call_free(&c);
    /* change a task's status: stored */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/tasks/bench-select");
    c.req.method = WEB_POST;
    call_param(&c, "id", "bench-select");
    call_field(&c, "status", "blocked");
    page_task_set(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 303);
    call_free(&c);
    sp_task_state *ts = NULL;
    size_t n = 0;
    sp_err err = SP_ERR_INIT;
    assert_true(st->ops->task_states(st, "fy2026", &ts, &n, &err));
    bool found = false;
    for (size_t i = 0; i < n; i++)
        if (str_eq(ts[i].task_id, "bench-select")) found = ts[i].status == TASK_BLOCKED;
    assert_true(found);
    task_states_free(ts, n);
    /* an import with a bad line: the line listed, nothing written */
    int64_t before, after;
    assert_true(st->ops->count(st, TBL_DEALS, &before, &err));
    const char *body = "--B0und\r\nContent-Disposition: form-data; name=\"table\"\r\n\r\ndeals\r\n"
                       "--B0und\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bad<x>.csv\"\r\n"
                       "Content-Type: text/csv\r\n\r\n"
                       "deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount\n"
                       "u1,c666,r666,CRM,2026-01-05,2026-02-01,won,1000\n"
                       "u2,c666,r666,CRM,not-a-date,,open,2000\n"
                       "\r\n--B0und--\r\n";
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/imports");
    c.req.method = WEB_POST;
    c.req.body = body;
    c.req.body_len = strlen(body);
    c.req.content_type = "multipart/form-data; boundary=B0und";
    page_import_post(&c.req, &c.resp);
    const char *s = buf_cstr(&c.resp.body);
    assert_non_null(strstr(s, "id=\"import-errors\""));
    assert_non_null(strstr(s, "bad&lt;x&gt;.csv:3:"));
    assert_null(strstr(s, "/tmp/salesplan-upload"));
    assert_safe("/imports (errors)", s);
    call_free(&c);
    assert_true(st->ops->count(st, TBL_DEALS, &after, &err));
    assert_int_equal(before, after);
    err_free(&err);
}

/* an empty workspace: every page answers and says what to do first */
static void test_empty_workspace(void **state)
{
    (void)state;
    char path[128];
    snprintf(path, sizeof path, "%s/empty.db", dir);
    sp_err err = SP_ERR_INIT;
    sp_store *empty = store_open(path, STORE_CREATE, &err);
    assert_non_null(empty);
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        if (str_eq(pages[i], "/imports") || str_eq(pages[i], "/users")) continue;   /* the form is what to do */
        call c;
        call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_ZH, pages[i]);
        c.req.store = empty;
        handler_of(pages[i], WEB_GET)(&c.req, &c.resp);
        const char *s = buf_cstr(&c.resp.body);
        if (c.resp.status != 200 || !strstr(s, "class=\"empty\"") || !strstr(s, "salesplan ")) {
            fprintf(stderr, "%s on an empty workspace: %d\n%s\n", pages[i], c.resp.status, s);
            fail();
        }
        assert_safe(pages[i], s);
        call_free(&c);
    }
    store_close(empty);
    err_free(&err);
}

/* the analysis board and the strategies: the plan's items, names, links */
static void test_analysis_and_strategies(void **state)
{
    (void)state;
    call c;
    call_init(&c, WEB_ROLE_VIEWER, NULL, LANG_ZH, "/analysis");
    page_analysis(&c.req, &c.resp);
    const char *s = buf_cstr(&c.resp.body);
    assert_int_equal(c.resp.status, 200);
    assert_non_null(strstr(s, "id=\"pest\""));
    assert_non_null(strstr(s, "政治"));                       /* a PEST factor */
    assert_non_null(strstr(s, "行业政策鼓励数字化转型"));     /* its item, from the demo plan */
    assert_non_null(strstr(s, "id=\"swot-s\""));
    assert_non_null(strstr(s, "优势（S）"));
    assert_non_null(strstr(s, "id=\"swot-t\""));
    assert_non_null(strstr(s, "href=\"/strategies#s-east-mfg\""));   /* answered by, linked */
    call_free(&c);
    call_init(&c, WEB_ROLE_VIEWER, NULL, LANG_EN, "/strategies");
    page_strategies(&c.req, &c.resp);
    s = buf_cstr(&c.resp.body);
    assert_int_equal(c.resp.status, 200);
    assert_non_null(strstr(s, "id=\"s-east-mfg\""));
    assert_non_null(strstr(s, "href=\"/goals/revenue\""));               /* a goal it serves */
    assert_non_null(strstr(s, "营收&lt;script&gt;alert(1)&lt;/script&gt;"));  /* by its (hostile) name */
    assert_non_null(strstr(s, "href=\"/analysis#a-p1\""));               /* an item it answers */
    assert_safe("/strategies", s);
    call_free(&c);
    /* a rep sees the goal's name but no link to a goal outside their scope */
    call_init(&c, WEB_ROLE_REP, "r002", LANG_EN, "/strategies");
    page_strategies(&c.req, &c.resp);
    assert_null(strstr(buf_cstr(&c.resp.body), "href=\"/goals/revenue\""));
    call_free(&c);
}

/* the users page: add a user (the password shown once), a token made and
 * revoked, the last admin kept, hostile names escaped */
static void test_users_page(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    assert_true(auth_init());
    call c;
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/users");
    c.req.method = WEB_POST;
    call_field(&c, "login", "boss");
    call_field(&c, "role", "admin");
    call_field(&c, "name", EVIL_REP);
    page_user_add(&c.req, &c.resp);
    const char *s = buf_cstr(&c.resp.body);
    assert_int_equal(c.resp.status, 200);
    const char *code = strstr(s, "<code class=\"secret\" id=\"secret\">");
    assert_non_null(code);
    char pw[64] = {0};
    sscanf(code + strlen("<code class=\"secret\" id=\"secret\">"), "%63[^<]", pw);
    sp_user_rec u;
    assert_true(st->ops->user_get(st, "boss", 0, &u, &err));
    assert_true(auth_password_ok(u.pw_hash, pw));
    user_rec_clear(&u);
    assert_safe("/users (added)", s);
    assert_non_null(strstr(s, "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"));
    call_free(&c);
    /* the same login again: 409, the form kept, nothing shown once */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_ZH, "/users");
    c.req.method = WEB_POST;
    call_field(&c, "login", "boss");
    call_field(&c, "role", "viewer");
    page_user_add(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 409);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "已存在"));
    assert_null(strstr(buf_cstr(&c.resp.body), "id=\"secret\""));
    call_free(&c);
    /* the only admin cannot be disabled; boss is then disabled */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/users/boss/disable");
    c.req.method = WEB_POST;
    call_param(&c, "login", "boss");
    page_user_disable(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 409);
    assert_non_null(strstr(buf_cstr(&c.resp.body), "last enabled admin"));
    call_free(&c);
    /* a token for boss: shown once, works until revoked */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/tokens");
    c.req.method = WEB_POST;
    call_field(&c, "login", "boss");
    call_field(&c, "label", "<script>crm</script>");
    page_token_add(&c.req, &c.resp);
    s = buf_cstr(&c.resp.body);
    assert_int_equal(c.resp.status, 200);
    code = strstr(s, "id=\"secret\">sp_");
    assert_non_null(code);
    char tok[80] = {0};
    sscanf(code + strlen("id=\"secret\">"), "%79[^<]", tok);
    assert_safe("/tokens (made)", s);
    char h[65];
    auth_secret_hash(tok, h);
    int64_t uid, tid = 0;
    assert_true(st->ops->token_get(st, h, &uid, &err));
    sp_token_rec *tv;
    size_t nt;
    assert_true(st->ops->token_list(st, &tv, &nt, &err));
    for (size_t i = 0; i < nt; i++)
        if (str_eq(tv[i].login, "boss")) tid = tv[i].id;
    token_recs_free(tv, nt);
    call_free(&c);
    char idtxt[32];
    snprintf(idtxt, sizeof idtxt, "%lld", (long long)tid);
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/tokens/x/revoke");
    c.req.method = WEB_POST;
    call_param(&c, "id", idtxt);
    page_token_revoke(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 303);
    call_free(&c);
    assert_false(st->ops->token_get(st, h, &uid, &err));
    err_clear(&err);
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/tokens/x/revoke");
    c.req.method = WEB_POST;
    call_param(&c, "id", "no-such-id");
    page_token_revoke(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 404);
    call_free(&c);
    /* a new password: shown once, the old one stops */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_EN, "/users/boss/password");
    c.req.method = WEB_POST;
    call_param(&c, "login", "boss");
    page_user_passwd(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 200);
    char pw2[64] = {0};
    code = strstr(buf_cstr(&c.resp.body), "id=\"secret\">");
    assert_non_null(code);
    sscanf(code + strlen("id=\"secret\">"), "%63[^<]", pw2);
    assert_true(st->ops->user_get(st, "boss", 0, &u, &err));
    assert_true(auth_password_ok(u.pw_hash, pw2));
    assert_false(auth_password_ok(u.pw_hash, pw));
    user_rec_clear(&u);
    call_free(&c);
    /* the list shows the user by name, the token revoked */
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_ZH, "/users");
    page_users(&c.req, &c.resp);
    s = buf_cstr(&c.resp.body);
    assert_non_null(strstr(s, "id=\"user-boss\""));
    assert_non_null(strstr(s, "已吊销"));
    assert_null(strstr(s, tok));
    assert_non_null(strstr(s, "action=\"/users/boss/password\" data-confirm=\"重设密码？"));   /* asks first */
    assert_safe("/users", s);
    call_free(&c);
    err_free(&err);
}

/* the leaderboard ranks a rep whose role the reps table leaves empty (and
 * who is not in the plan's team), never a leader of the plan's team */
static void test_leaderboard_roles(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    assert_true(st->ops->begin(st, &err));
    sp_rep r = {"r777", "无角色销售", "mfg", "华东", "制造业", ROLE_NONE, true, NULL};
    assert_true(st->ops->upsert(st, TBL_REPS, &r, &err));
    sp_customer cu = {"c777", "七七七公司", "华东", "制造业", "r777", SIZE_MEDIUM, day_from_ymd(2026, 1, 5)};
    assert_true(st->ops->upsert(st, TBL_CUSTOMERS, &cu, &err));
    sp_deal d;
    memset(&d, 0, sizeof d);
    d.id = "d777";
    d.customer_id = "c777";
    d.owner = "r777";
    d.product = "ERP";
    d.created_on = day_from_ymd(2026, 3, 1);
    d.closed_on = day_from_ymd(2026, 10, 10);
    d.stage = STAGE_WON;
    d.amount = 99900000;
    assert_true(st->ops->upsert(st, TBL_DEALS, &d, &err));
    assert_true(st->ops->commit(st, &err));
    err_free(&err);
    call c;
    call_init(&c, WEB_ROLE_ADMIN, NULL, LANG_ZH, "/");
    page_dashboard(&c.req, &c.resp);
    assert_int_equal(c.resp.status, 200);
    const char *rank = strstr(buf_cstr(&c.resp.body), "<table class=\"rank\">");
    assert_non_null(rank);
    const char *end = strstr(rank, "</table>");
    assert_non_null(end);
    const char *who = strstr(rank, "无角色销售");
    assert_true(who && who < end);
    const char *leader = strstr(rank, "王强");   /* the demo plan's team leader */
    assert_true(!leader || leader > end);
    call_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_page_escapes),
        cmocka_unit_test(test_rep_scope),
        cmocka_unit_test(test_writes),
        cmocka_unit_test(test_empty_workspace),
        cmocka_unit_test(test_analysis_and_strategies),
        cmocka_unit_test(test_users_page),
        cmocka_unit_test(test_leaderboard_roles),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
