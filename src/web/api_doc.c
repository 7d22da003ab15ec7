/*
 * api_doc.c — what /api/v1/openapi.json says of each API route besides
 * what the route table holds: the JSON schema of its request body and of
 * its answer, the answer's status, and an example of both (the tests
 * check that every API route of the table has an entry here, that the
 * examples validate against the schemas, and that real answers do).
 *
 * The record bodies (deals, customers, …) are generated from the import's
 * own column list (io/import.c), so the description cannot drift from
 * the rules that validate them.
 */
#include <string.h>

#include "../io/import.h"
#include "../app/app.h"
#include "api.h"
#include "http.h"

#define NUM_N "{\"type\":\"number\",\"nullable\":true}"
#define STR "{\"type\":\"string\"}"
#define STR_N "{\"type\":\"string\",\"nullable\":true}"
#define DATE "{\"type\":\"string\",\"format\":\"date\"}"
#define DATE_N "{\"type\":\"string\",\"format\":\"date\",\"nullable\":true}"
#define INT "{\"type\":\"integer\"}"
#define STRS "{\"type\":\"array\",\"items\":" STR "}"

/* the fixed schemas (components/schemas) */
static const char *const fixed_schemas =
    "\"Problem\":{\"type\":\"object\",\"required\":[\"type\",\"title\",\"status\"],\"properties\":{"
    "\"type\":" STR ",\"title\":" STR ",\"status\":" INT ",\"detail\":" STR ","
    "\"errors\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/RecordMessage\"}}}},"
    "\"RecordMessage\":{\"type\":\"object\",\"required\":[\"index\",\"field\",\"message\"],"
    "\"additionalProperties\":false,\"properties\":{\"index\":{\"type\":\"integer\",\"minimum\":0},"
    "\"field\":" STR_N ",\"message\":" STR "}},"
    "\"Me\":{\"type\":\"object\",\"required\":[\"login\",\"name\",\"role\",\"rep\",\"groups\",\"lang\",\"csrf\"],"
    "\"additionalProperties\":false,\"properties\":{\"login\":" STR ",\"name\":" STR ","
    "\"role\":{\"type\":\"string\",\"enum\":[\"admin\",\"manager\",\"rep\",\"viewer\"]},\"rep\":" STR_N ","
    "\"groups\":" STRS ",\"lang\":{\"type\":\"string\",\"enum\":[\"zh\",\"en\"]},\"csrf\":" STR "}},"
    "\"Plans\":{\"type\":\"object\",\"required\":[\"plans\"],\"additionalProperties\":false,\"properties\":{"
    "\"plans\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"name\",\"version\"],"
    "\"additionalProperties\":false,\"properties\":{\"id\":" STR ",\"name\":" STR ",\"version\":" INT ","
    "\"created_at\":" STR_N ",\"reason\":" STR_N "}}}}},"
    "\"Goal\":{\"type\":\"object\",\"required\":[\"id\",\"metric\",\"period\",\"status\",\"children\"],\"properties\":{"
    "\"id\":" STR ",\"name\":" STR_N ",\"metric\":" STR ",\"unit\":" STR_N ",\"period\":" STR ","
    "\"direction\":" STR_N ",\"target\":" NUM_N ",\"actual\":" NUM_N ",\"expected\":" NUM_N ",\"projection\":" NUM_N
    ",\"attainment\":" NUM_N ",\"status\":" STR ",\"pacing\":" STR_N ",\"pipeline\":" NUM_N
    ",\"pipeline_coverage\":" NUM_N ",\"forecast\":" NUM_N ","
    "\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Goal\"}}}},"
    "\"Status\":{\"type\":\"object\",\"required\":[\"plan\",\"as_of\",\"goals\"],\"properties\":{\"plan\":" STR ","
    "\"as_of\":" DATE ",\"goals\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Goal\"}}}},"
    "\"Kpi\":{\"type\":\"object\",\"required\":[\"metric\",\"unit\",\"period\",\"as_of\",\"where\",\"by\",\"rows\","
    "\"total\"],\"properties\":{\"metric\":" STR ",\"unit\":" STR ",\"period\":" STR ",\"as_of\":" DATE ","
    "\"where\":{\"type\":\"object\"},\"by\":" STRS ","
    "\"rows\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"value\"],\"properties\":{"
    "\"value\":" NUM_N "}}},\"total\":" NUM_N ","
    "\"explain\":{\"type\":\"object\",\"required\":[\"count\",\"records\"],\"properties\":{\"count\":" INT ","
    "\"records\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"table\",\"id\"],"
    "\"properties\":{\"table\":" STR ",\"id\":" STR ",\"date\":" DATE_N "}}}}}}},"
    "\"Alerts\":{\"type\":\"object\",\"required\":[\"as_of\",\"counts\",\"alerts\"],\"properties\":{\"as_of\":" DATE ","
    "\"counts\":{\"type\":\"object\",\"additionalProperties\":" INT "},"
    "\"alerts\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"kind\"],\"properties\":{"
    "\"kind\":{\"type\":\"string\",\"enum\":[\"stale_followup\",\"task_overdue\",\"goal_off_pace\","
    "\"budget_overrun\",\"tier_review_due\"]},\"owner\":" STR_N ",\"to\":" STRS ",\"days\":" INT "}}}}},"
    "\"Task\":{\"type\":\"object\",\"required\":[\"id\",\"name\",\"status\",\"progress\",\"overdue\"],\"properties\":{"
    "\"id\":" STR ",\"name\":" STR ",\"owner\":" STR_N ",\"collaborators\":" STRS ",\"strategy\":" STR_N ","
    "\"start\":" DATE_N ",\"due\":" DATE_N ",\"status\":{\"type\":\"string\",\"enum\":[\"todo\",\"doing\",\"done\","
    "\"blocked\"]},\"progress\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100},\"overdue\":{\"type\":\"boolean\"},"
    "\"days_overdue\":" INT ",\"critical\":{\"type\":\"boolean\"},\"depends_on\":" STRS "}},"
    "\"Tasks\":{\"type\":\"object\",\"required\":[\"plan\",\"as_of\",\"tasks\",\"critical_path\"],\"properties\":{"
    "\"plan\":" STR ",\"as_of\":" DATE ",\"tasks\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/components/schemas/Task\"}},"
    "\"critical_path\":" STRS ",\"planned_critical_path\":" STRS ",\"planned_end\":" DATE_N ",\"forecast_end\":" DATE_N
    "}},"
    "\"TaskPatch\":{\"type\":\"object\",\"required\":[\"status\"],\"additionalProperties\":false,\"properties\":{"
    "\"status\":{\"type\":\"string\",\"enum\":[\"todo\",\"doing\",\"done\",\"blocked\"]},"
    "\"progress\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}}},"
    "\"TaskState\":{\"type\":\"object\",\"required\":[\"task\",\"status\",\"progress\"],\"additionalProperties\":false,"
    "\"properties\":{\"task\":" STR ",\"status\":{\"type\":\"string\",\"enum\":[\"todo\",\"doing\",\"done\",\"blocked\"]},"
    "\"progress\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}}},"
    "\"Reviews\":{\"type\":\"object\",\"required\":[\"plan\",\"reviews\"],\"additionalProperties\":false,\"properties\":{"
    "\"plan\":" STR ",\"reviews\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"period\","
    "\"goal\",\"causes\",\"lessons\",\"actions\",\"plan_version\",\"created_at\"],\"additionalProperties\":false,"
    "\"properties\":{\"id\":" INT ",\"period\":" STR ",\"goal\":" STR_N ",\"causes\":" STRS ",\"lessons\":" STRS
    ",\"actions\":" STRS ",\"plan_version\":{\"type\":\"integer\",\"nullable\":true},\"created_at\":" STR_N "}}}}},"
    "\"ReviewAdd\":{\"type\":\"object\",\"required\":[\"period\"],\"additionalProperties\":false,\"properties\":{"
    "\"period\":{\"type\":\"string\",\"maxLength\":32},\"goal\":" STR_N ","
    "\"causes\":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"type\":\"string\",\"maxLength\":4000}},"
    "\"lessons\":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"type\":\"string\",\"maxLength\":4000}},"
    "\"actions\":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"type\":\"string\",\"maxLength\":4000}},"
    "\"plan_version\":{\"type\":\"integer\",\"minimum\":1,\"nullable\":true}}},"
    "\"ReviewCreated\":{\"type\":\"object\",\"required\":[\"id\",\"period\",\"goal\"],\"additionalProperties\":false,"
    "\"properties\":{\"id\":" INT ",\"period\":" STR ",\"goal\":" STR_N "}},"
    "\"ActivitiesCreated\":{\"type\":\"object\",\"required\":[\"created\"],\"additionalProperties\":false,"
    "\"properties\":{\"created\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\","
    "\"customer_id\",\"rep_id\",\"occurred_on\",\"kind\"],\"additionalProperties\":false,\"properties\":{"
    "\"id\":" STR ",\"customer_id\":" STR ",\"rep_id\":" STR ",\"occurred_on\":" DATE ","
    "\"kind\":{\"type\":\"string\",\"enum\":[\"visit\",\"call\",\"email\",\"meeting\",\"other\"]}}}}}},"
    "\"RecordsWritten\":{\"type\":\"object\",\"required\":[\"table\",\"written\",\"ids\",\"matched\",\"warnings\"],"
    "\"additionalProperties\":false,\"properties\":{\"table\":" STR ",\"written\":{\"type\":\"integer\","
    "\"minimum\":1},\"ids\":" STRS ",\"matched\":" INT ",\"warnings\":{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/components/schemas/RecordMessage\"}}}},"
    "\"OpenApi\":{\"type\":\"object\",\"required\":[\"openapi\",\"info\",\"paths\"],\"properties\":{\"openapi\":" STR
    ",\"info\":{\"type\":\"object\"},\"paths\":{\"type\":\"object\"}}}";

/* ---- the record bodies, from the import's columns ---- */

static const char *const record_tables[] = {"activities", "deals", "customers", "leads", "invoices", "spend"};

/* schema_name: "DealsRecord" … into out. */
static void schema_name(const char *table, const char *suffix, buf_t *out)
{
    buf_putc(out, (char)(table[0] - 'a' + 'A'));
    buf_puts(out, table + 1);
    buf_puts(out, suffix);
}

static void record_schema(sp_table t, buf_t *b)
{
    const char *tn = table_name(t);
    buf_putc(b, '"');
    schema_name(tn, "Record", b);
    buf_printf(b, "\":{\"type\":\"object\",\"description\":\"one row of %s as a CSV import reads it "
                  "(docs/IMPORT.md): the canonical columns below or any of their import aliases; values as "
                  "text, numbers or true/false; null or absent: empty\",\"required\":[",
               tn);
    bool first = true;
    for (size_t i = 0; import_column_at(t, i); i++) {
        const char *c = import_column_at(t, i);
        bool dup = false;
        for (size_t j = 0; j < i; j++) dup = dup || strcmp(import_column_at(t, j), c) == 0;
        /* activities follow `activity add`: only the customer is required */
        bool req = t == TBL_ACTIVITIES ? strcmp(c, "customer_id") == 0 : import_column_required(t, c);
        if (dup || !req) continue;
        buf_printf(b, "%s\"%s\"", first ? "" : ",", c);
        first = false;
    }
    buf_puts(b, "],\"properties\":{");
    first = true;
    for (size_t i = 0; import_column_at(t, i); i++) {
        const char *c = import_column_at(t, i);
        bool dup = false;
        for (size_t j = 0; j < i; j++) dup = dup || strcmp(import_column_at(t, j), c) == 0;
        if (dup) continue;
        buf_printf(b, "%s\"%s\":{\"nullable\":true,\"oneOf\":[{\"type\":\"string\",\"maxLength\":%d},"
                      "{\"type\":\"number\"},{\"type\":\"boolean\"}]}",
                   first ? "" : ",", c, APP_RECORD_VALUE_MAX);
        first = false;
    }
    buf_puts(b, "}},\"");
    schema_name(tn, "Body", b);
    buf_puts(b, "\":{\"oneOf\":[{\"$ref\":\"#/components/schemas/");
    schema_name(tn, "Record", b);
    buf_puts(b, "\"},{\"type\":\"object\",\"required\":[\"records\"],\"additionalProperties\":false,\"properties\":"
                "{\"records\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":1000,\"items\":{\"$ref\":"
                "\"#/components/schemas/");
    schema_name(tn, "Record", b);
    buf_puts(b, "\"}}}},{\"type\":\"array\",\"minItems\":1,\"maxItems\":1000,\"items\":{\"$ref\":"
                "\"#/components/schemas/");
    schema_name(tn, "Record", b);
    buf_puts(b, "\"}}]}");
}

void api_doc_schemas(buf_t *b)
{
    buf_puts(b, fixed_schemas);
    for (size_t i = 0; i < sizeof record_tables / sizeof record_tables[0]; i++) {
        buf_putc(b, ',');
        record_schema((sp_table)table_from_name(record_tables[i]), b);
    }
}

/* ---- per route ---- */

#define REF(name) "{\"$ref\":\"#/components/schemas/" name "\"}"
#define RECORDS_DOC(tbl, Tbl, ex_req, ex_resp)                                                              \
    {WEB_POST, "/api/v1/" tbl, REF(Tbl "Body"), REF("RecordsWritten"), 201, ex_req, ex_resp}

static const api_doc docs[] = {
    {WEB_GET, "/api/v1/openapi.json", NULL, REF("OpenApi"), 200, NULL,
     "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"salesplan API\"},\"paths\":{}}"},
    {WEB_GET, "/api/v1/me", NULL, REF("Me"), 200, NULL,
     "{\"login\":\"director\",\"name\":\"Director\",\"role\":\"admin\",\"rep\":null,\"groups\":[],\"lang\":\"zh\","
     "\"csrf\":\"\"}"},
    {WEB_POST, "/api/v1/logout", NULL, NULL, 204, NULL, NULL},
    {WEB_GET, "/api/v1/plans", NULL, REF("Plans"), 200, NULL,
     "{\"plans\":[{\"id\":\"fy2026\",\"name\":\"2026 Annual Sales Plan\",\"version\":2,"
     "\"created_at\":\"2026-11-29 02:15:45\",\"reason\":\"raise Q4\"}]}"},
    {WEB_GET, "/api/v1/status", NULL, REF("Status"), 200, NULL,
     "{\"plan\":\"fy2026\",\"as_of\":\"2026-06-30\",\"goals\":[{\"id\":\"revenue\",\"name\":\"Annual revenue\","
     "\"metric\":\"revenue\",\"unit\":\"money\",\"period\":\"2026\",\"direction\":\"at_least\",\"target\":50000000.0,"
     "\"actual\":19112000.5,\"expected\":24794520.55,\"projection\":38540774.49,\"attainment\":0.3822,"
     "\"status\":\"off_track\",\"pacing\":\"linear\",\"pipeline\":28665600.0,\"pipeline_coverage\":0.928,"
     "\"forecast\":32210400.5,\"children\":[]}]}"},
    {WEB_GET, "/api/v1/kpi", NULL, REF("Kpi"), 200, NULL,
     "{\"metric\":\"revenue\",\"unit\":\"money\",\"period\":\"2026\",\"as_of\":\"2026-06-30\",\"where\":{},"
     "\"by\":[\"month\"],\"rows\":[{\"month\":\"2026-01\",\"value\":2600000.0}],\"total\":19112000.5}"},
    {WEB_GET, "/api/v1/alerts", NULL, REF("Alerts"), 200, NULL,
     "{\"as_of\":\"2026-06-30\",\"counts\":{\"stale_followup\":1,\"task_overdue\":0,\"goal_off_pace\":0,"
     "\"budget_overrun\":0,\"tier_review_due\":0},\"alerts\":[{\"kind\":\"stale_followup\",\"owner\":\"r003\","
     "\"customer_id\":\"c00147\",\"last_touch\":\"2026-05-25\",\"days\":36,\"tier\":\"potential\","
     "\"escalated\":true,\"to\":[\"r003\",\"r001\"]}]}"},
    {WEB_GET, "/api/v1/tasks", NULL, REF("Tasks"), 200, NULL,
     "{\"plan\":\"fy2026\",\"as_of\":\"2026-06-30\",\"tasks\":[{\"id\":\"bench-select\",\"name\":\"Select 3 "
     "prospective customers\",\"owner\":\"r001\",\"collaborators\":[\"r004\"],\"start\":\"2026-04-01\","
     "\"due\":\"2026-04-15\",\"status\":\"doing\",\"progress\":60,\"overdue\":true,\"days_overdue\":76,"
     "\"critical\":true,\"depends_on\":[]}],\"critical_path\":[\"bench-select\"],\"planned_critical_path\":"
     "[\"bench-select\"],\"planned_end\":\"2026-04-15\",\"forecast_end\":\"2026-07-05\"}"},
    {WEB_PATCH, "/api/v1/tasks/{id}", REF("TaskPatch"), REF("TaskState"), 200,
     "{\"status\":\"done\",\"progress\":100}", "{\"task\":\"bench-select\",\"status\":\"done\",\"progress\":100}"},
    {WEB_POST, "/api/v1/activities", REF("ActivitiesBody"), REF("ActivitiesCreated"), 201,
     "{\"records\":[{\"customer_id\":\"c00001\",\"kind\":\"visit\",\"occurred_on\":\"2026-06-29\"},"
     "{\"customer_id\":\"c00002\",\"kind\":\"call\",\"rep_id\":\"r002\",\"activity_id\":\"crm-7731\"}]}",
     "{\"created\":[{\"id\":\"act-c00001-20260629-3f2a9c01\",\"customer_id\":\"c00001\",\"rep_id\":\"r005\","
     "\"occurred_on\":\"2026-06-29\",\"kind\":\"visit\"},{\"id\":\"crm-7731\",\"customer_id\":\"c00002\","
     "\"rep_id\":\"r002\",\"occurred_on\":\"2026-06-30\",\"kind\":\"call\"}]}"},
    RECORDS_DOC("deals", "Deals",
                "{\"records\":[{\"deal_id\":\"crm-d-1001\",\"customer_id\":\"c00001\",\"owner_rep_id\":\"r005\","
                "\"created_on\":\"2026-06-01\",\"stage\":\"won\",\"amount\":\"120000.50\",\"closed_on\":\"2026-06-20\","
                "\"product\":\"ERP\"},{\"deal_id\":\"crm-d-1002\",\"customer_id\":\"c00002\",\"created_on\":"
                "\"2026-06-02\",\"stage\":\"open\",\"amount\":35000,\"probability\":40}]}",
                "{\"table\":\"deals\",\"written\":2,\"ids\":[\"crm-d-1001\",\"crm-d-1002\"],\"matched\":0,"
                "\"warnings\":[]}"),
    RECORDS_DOC("customers", "Customers",
                "{\"customer_id\":\"crm-c-77\",\"name\":\"Hangzhou Tea Trading Co.\",\"region\":\"East China\","
                "\"industry\":\"Retail\",\"size\":\"medium\",\"owner_rep_id\":\"r005\",\"created_on\":\"2026-06-01\"}",
                "{\"table\":\"customers\",\"written\":1,\"ids\":[\"crm-c-77\"],\"matched\":0,\"warnings\":[]}"),
    RECORDS_DOC("leads", "Leads",
                "[{\"lead_id\":\"crm-l-5\",\"created_on\":\"2026-06-03\",\"source\":\"trade show\",\"owner_rep_id\":"
                "\"r002\",\"qualified\":true}]",
                "{\"table\":\"leads\",\"written\":1,\"ids\":[\"crm-l-5\"],\"matched\":0,\"warnings\":[]}"),
    RECORDS_DOC("invoices", "Invoices",
                "{\"invoice_id\":\"crm-i-9\",\"deal_id\":\"crm-d-1001\",\"customer_id\":\"c00001\",\"issued_on\":"
                "\"2026-06-21\",\"due_on\":\"2026-07-21\",\"amount\":\"120000.50\",\"paid\":0}",
                "{\"table\":\"invoices\",\"written\":1,\"ids\":[\"crm-i-9\"],\"matched\":0,\"warnings\":[]}"),
    RECORDS_DOC("spend", "Spend",
                "{\"spend_id\":\"crm-s-3\",\"spent_on\":\"2026-06-05\",\"category\":\"events\",\"amount\":\"8000\","
                "\"note\":\"booth\"}",
                "{\"table\":\"spend\",\"written\":1,\"ids\":[\"crm-s-3\"],\"matched\":0,\"warnings\":[{\"index\":0,"
                "\"field\":\"category\",\"message\":\"'events' is no budget category of the plan (neither an id "
                "nor a name)\"}]}"),
    {WEB_GET, "/api/v1/reviews", NULL, REF("Reviews"), 200, NULL,
     "{\"plan\":\"fy2026\",\"reviews\":[{\"id\":1,\"period\":\"2026-10\",\"goal\":\"revenue\",\"causes\":[\"two "
     "large deals slipped\"],\"lessons\":[],\"actions\":[\"weekly deal review\",\"add a presales engineer\"],"
     "\"plan_version\":null,\"created_at\":\"2026-11-02 09:00:00\"}]}"},
    {WEB_POST, "/api/v1/reviews", REF("ReviewAdd"), REF("ReviewCreated"), 201,
     "{\"period\":\"2026-10\",\"goal\":\"revenue\",\"causes\":[\"two large deals slipped\"],\"actions\":[\"weekly "
     "deal review\",\"add a presales engineer\"]}",
     "{\"id\":1,\"period\":\"2026-10\",\"goal\":\"revenue\"}"},
};

const api_doc *api_doc_find(web_method m, const char *pattern)
{
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if (docs[i].method == m && strcmp(docs[i].pattern, pattern) == 0) return &docs[i];
    return NULL;
}
