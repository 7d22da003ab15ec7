/*
 * page_routes.c — the route table of the HTML pages. Every entry is
 * enforced by the server before its handler runs (see web.h): method,
 * login, role, CSRF token on POST, every field declared and valid.
 * Filter fields of GET forms are WF_TEXT because a select's "all" sends
 * an empty value; the handlers compare them with known ids only.
 */
#include "pages.h"

#define LANG_F {"lang", WF_ENUM, false, false, 0, 0, 0, "zh|en"}
#define ASOF_F {"as_of", WF_DATE, false, false, 0, 0, 0, NULL}
#define OK_F {"ok", WF_ENUM, false, false, 0, 0, 0, "task|visit|review|import"}
#define END_F {NULL, WF_TEXT, false, false, 0, 0, 0, NULL}

static const web_field_spec f_dashboard[] = {
    {"team", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"region", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"rep", WF_TEXT, false, false, 200, 0, 0, NULL},
    ASOF_F, OK_F, LANG_F, END_F,
};
static const web_field_spec f_asof[] = {ASOF_F, OK_F, LANG_F, END_F};
static const web_field_spec f_followups[] = {
    {"rep", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"page", WF_INT, false, false, 0, 1, 1000000, NULL},
    ASOF_F, OK_F, LANG_F, END_F,
};
static const web_field_spec f_lang[] = {LANG_F, END_F};
static const web_field_spec f_tasks[] = {
    {"owner", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"status", WF_TEXT, false, false, 16, 0, 0, NULL},
    ASOF_F, OK_F, LANG_F, END_F,
};
static const web_field_spec f_task_set[] = {
    {"status", WF_ENUM, true, false, 0, 0, 0, "todo|doing|done|blocked"},
    {"progress", WF_INT, false, false, 0, 0, 100, NULL},
    END_F,
};
static const web_field_spec f_activity[] = {
    {"customer", WF_ID, true, false, 200, 0, 0, NULL},
    {"kind", WF_ENUM, true, false, 0, 0, 0, "visit|call|meeting|email"},
    {"date", WF_DATE, false, false, 0, 0, 0, NULL},
    END_F,
};
static const web_field_spec f_reviews[] = {
    {"from", WF_INT, false, false, 0, 1, 1000000, NULL},
    {"to", WF_INT, false, false, 0, 1, 1000000, NULL},
    ASOF_F, OK_F, LANG_F, END_F,
};
static const web_field_spec f_review_add[] = {
    {"period", WF_PERIOD, true, false, 32, 0, 0, NULL},
    {"goal", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"cause", WF_TEXT, false, false, 4000, 0, 0, NULL},
    {"lesson", WF_TEXT, false, false, 4000, 0, 0, NULL},
    {"action", WF_TEXT, false, false, 4000, 0, 0, NULL},
    END_F,
};
static const web_field_spec f_import[] = {LANG_F, END_F};   /* table and file are in the multipart body */
static const web_field_spec f_users[] = {
    {"done", WF_ENUM, false, false, 0, 0, 0, "disabled|enabled|revoked"},
    LANG_F, END_F,
};
static const web_field_spec f_user_add[] = {
    {"login", WF_TEXT, true, false, 64, 0, 0, NULL},
    {"name", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"role", WF_ENUM, true, false, 0, 0, 0, "admin|manager|rep|viewer"},
    {"rep", WF_TEXT, false, false, 200, 0, 0, NULL},
    {"groups", WF_ID, false, true, 200, 0, 0, NULL},
    {"language", WF_TEXT, false, false, 8, 0, 0, NULL},
    END_F,
};
static const web_field_spec f_token_add[] = {
    {"login", WF_TEXT, true, false, 64, 0, 0, NULL},
    {"label", WF_TEXT, false, false, 200, 0, 0, NULL},
    END_F,
};
static const web_field_spec f_none[] = {END_F};

#define READERS WEB_ANY_ROLE
#define LEADS (WEB_ROLE_MANAGER | WEB_ROLE_ADMIN)
#define ADMIN WEB_ROLE_ADMIN

const web_route web_page_routes[] = {
    {WEB_GET, "/", page_dashboard, READERS, false, WEB_PAGE, f_dashboard, 0, "dashboard"},
    {WEB_GET, "/goals/{id}", page_goal, READERS, false, WEB_PAGE, f_asof, 0, "goal detail with breakdowns"},
    {WEB_GET, "/plan", page_plan, READERS, false, WEB_PAGE, f_lang, 0, "the plan table, printable"},
    {WEB_GET, "/analysis", page_analysis, READERS, false, WEB_PAGE, f_lang, 0,
     "the analysis board: PEST, personas, SWOT"},
    {WEB_GET, "/strategies", page_strategies, READERS, false, WEB_PAGE, f_asof, 0,
     "strategies with the goals they serve and the analysis they answer"},
    {WEB_GET, "/tasks", page_tasks, READERS, false, WEB_PAGE, f_tasks, 0, "tasks with the Gantt chart"},
    {WEB_POST, "/tasks/{id}", page_task_set, WEB_WRITERS, true, WEB_PAGE, f_task_set, 0, "change a task's status"},
    {WEB_GET, "/customers", page_customers, READERS, false, WEB_PAGE, f_asof, 0, "customers by tier"},
    {WEB_GET, "/followups", page_followups, READERS, false, WEB_PAGE, f_followups, 0, "stale follow-ups per rep"},
    {WEB_POST, "/activities", page_activity_add, WEB_WRITERS, true, WEB_PAGE, f_activity, 0,
     "log a visit or a call"},
    {WEB_GET, "/budget", page_budget, WEB_ROLE_VIEWER | LEADS, false, WEB_PAGE, f_asof, 0, "budget burn"},
    {WEB_GET, "/reviews", page_reviews, READERS, false, WEB_PAGE, f_reviews, 0, "reviews and plan history"},
    {WEB_POST, "/reviews", page_review_add, LEADS, true, WEB_PAGE, f_review_add, 0, "add a monthly review"},
    {WEB_GET, "/imports", page_imports, LEADS, false, WEB_PAGE, f_lang, 0, "the import form"},
    /* not .writes: the importer runs its own all-or-nothing transaction */
    {WEB_POST, "/imports", page_import_post, LEADS, false, WEB_PAGE, f_import, WEB_UPLOAD_MAX,
     "import a CSV file"},
    {WEB_GET, "/users", page_users, ADMIN, false, WEB_PAGE, f_users, 0, "users and API tokens"},
    {WEB_POST, "/users", page_user_add, ADMIN, true, WEB_PAGE, f_user_add, 0,
     "add a user (the password is shown once)"},
    {WEB_POST, "/users/{login}/disable", page_user_disable, ADMIN, true, WEB_PAGE, f_none, 0, "disable a user"},
    {WEB_POST, "/users/{login}/enable", page_user_enable, ADMIN, true, WEB_PAGE, f_none, 0, "enable a user"},
    {WEB_POST, "/users/{login}/password", page_user_passwd, ADMIN, true, WEB_PAGE, f_none, 0,
     "a new password for a user (shown once; their sessions end)"},
    {WEB_POST, "/tokens", page_token_add, ADMIN, true, WEB_PAGE, f_token_add, 0, "make an API token (shown once)"},
    {WEB_POST, "/tokens/{id}/revoke", page_token_revoke, ADMIN, true, WEB_PAGE, f_none, 0, "revoke an API token"},
};
const size_t web_page_nroutes = sizeof web_page_routes / sizeof web_page_routes[0];
