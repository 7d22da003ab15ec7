/*
 * api.h — the JSON API /api/v1/… (handlers in api.c, on the app verbs):
 * the route entries routes.c puts in the core table.
 */
#ifndef SP_WEB_API_H
#define SP_WEB_API_H

#include "web.h"

extern const web_field_spec api_status_fields[], api_kpi_fields[], api_alerts_fields[], api_tasks_fields[],
    api_plan_fields[], api_plan_asof_fields[], api_records_fields[], api_reviews_fields[];
web_handler_fn api_status, api_kpi, api_alerts, api_tasks, api_task_patch, api_records, api_plans, api_reviews,
    api_review_add;

/* What openapi.json says of an API route besides the route table
 * (api_doc.c): JSON schemas (text) of the request body (NULL: none) and of
 * the success answer (NULL: no body), its status, and examples. */
typedef struct api_doc {
    web_method method;
    const char *pattern;
    const char *request, *response;
    int status;
    const char *example_request, *example_response;
} api_doc;
/* api_doc_find: the entry of a route, or NULL (undocumented). */
const api_doc *api_doc_find(web_method m, const char *pattern);
/* api_doc_schemas: the members of components/schemas (no braces). */
void api_doc_schemas(buf_t *b);

#define API_RECORDS_BODY (2u * 1024u * 1024u)
#define API_ADMIN WEB_ROLE_ADMIN
#define API_LEADS (WEB_ROLE_MANAGER | WEB_ROLE_ADMIN)
#define API_RECORDS_ROUTE(table)                                                                              \
    {WEB_POST, "/api/v1/" table, api_records, API_ADMIN, true, WEB_API, api_records_fields, API_RECORDS_BODY,   \
     "upsert " table ": one record or {\"records\": [...]}, by the CSV import's rules, all or nothing (201)"},

#define API_ROUTES                                                                                            \
    {WEB_GET, "/api/v1/plans", api_plans, WEB_ANY_ROLE, false, WEB_API, api_plan_fields, 0, "the plans"},         \
    {WEB_GET, "/api/v1/status", api_status, WEB_ANY_ROLE, false, WEB_API, api_status_fields, 0,                     \
     "every goal in the caller's scope: target, actual, pace, projection, status (= salesplan status)"},     \
    {WEB_GET, "/api/v1/kpi", api_kpi, WEB_ANY_ROLE, false, WEB_API, api_kpi_fields, 0,                           \
     "a metric for a period, filter and breakdown (= salesplan kpi --format json)"},                         \
    {WEB_GET, "/api/v1/alerts", api_alerts, WEB_ANY_ROLE, false, WEB_API, api_alerts_fields, 0,                     \
     "the alerts in the caller's scope (= salesplan alerts --format json)"},                                 \
    {WEB_GET, "/api/v1/tasks", api_tasks, WEB_ANY_ROLE, false, WEB_API, api_tasks_fields, 0,                       \
     "the tasks in the caller's scope (= salesplan tasks --format json)"},                                   \
    {WEB_PATCH, "/api/v1/tasks/{id}", api_task_patch, WEB_WRITERS, true, WEB_API, api_plan_fields, 4096,                \
     "set a task's status and progress: {\"status\": \"done\", \"progress\": 100}"},                         \
    {WEB_POST, "/api/v1/activities", api_records, WEB_WRITERS, true, WEB_API, api_plan_asof_fields, API_RECORDS_BODY, \
     "log activities: one record or {\"records\": [...]}, all or nothing (201)"},                          \
    API_RECORDS_ROUTE("deals")                                                                                \
    API_RECORDS_ROUTE("customers")                                                                            \
    API_RECORDS_ROUTE("leads")                                                                                \
    API_RECORDS_ROUTE("invoices")                                                                             \
    API_RECORDS_ROUTE("spend")                                                                                \
    {WEB_GET, "/api/v1/reviews", api_reviews, WEB_ANY_ROLE, false, WEB_API, api_reviews_fields, 0,                \
     "the plan's reviews (= salesplan review list --format json)"},                                          \
    {WEB_POST, "/api/v1/reviews", api_review_add, API_LEADS, true, WEB_API, api_plan_fields, 256 * 1024,         \
     "add a review: {\"period\", \"goal\", \"causes\": [], \"lessons\": [], \"actions\": [], \"plan_version\"} (201)"},

#endif
