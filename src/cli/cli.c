/*
 * cli.c — the command table (name, handler, help) and helpers shared by the
 * command handlers: errors, --help, opening the workspace, the clock.
 */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../io/plan_yaml.h"

const sp_command sp_commands[] = {
    {"init", init_cmd, N_("create an empty workspace"),
     N_("Usage: salesplan init [--db PATH] [--quiet]\n"
        "Creates the workspace (a SQLite file, default ./salesplan.db) with the\n"
        "current schema. An existing workspace is migrated, never emptied.\n"
        "When the workspace has no user yet, it also adds the first admin of the web\n"
        "UI, login 'admin', and prints its generated password once. --quiet prints\n"
        "nothing and adds no user (add one then with 'salesplan user add').\n"),
     true},
    {"check", check_cmd, N_("validate a plan file (SMART, sums, references, cycles)"),
     N_("Usage: salesplan check FILE [--format table|json] [--as-of DATE]\n"
        "Validates a plan file without changing the workspace. Every problem is\n"
        "printed to stderr as FILE:LINE:COL: error|warning: message, then the\n"
        "S/M/A/R/T verdict of each goal (pass, fail, warning, unknown) with the\n"
        "reasons. Checked: references (owners, collaborators, strategies, budget\n"
        "categories, dependencies, analysis items), additive splits summing to the\n"
        "parent, periods, budget shares (100%) and task budgets, task dates and\n"
        "dependency cycles. A plan workbook (FILE.xlsx, from plan export --format xlsx) is\n"
        "checked the same way, each problem at its sheet and cell (FILE: Goals!G7: ...).\n"
        "With a workspace (--db, SALESPLAN_DB or ./salesplan.db) the Achievable\n"
        "check compares each target with the same period last year (as of --as-of,\n"
        "default today); growth above check.max_growth (default 50%) fails.\n"
        "--format json prints {file, valid, errors, warnings, goals} on stdout.\n"
        "Exit status: 0 valid (warnings allowed), 1 errors, 2 bad usage or unreadable file.\n"
        "The plan file format (every key, type, default and limit): docs/PLAN.md.\n"),
     false},
    {"plan import", plan_import_cmd, N_("store a plan file as a new plan version"),
     N_("Usage: salesplan plan import FILE [--reason TEXT]\n"
        "Validates FILE (like 'check'); when valid and different from the latest\n"
        "stored version, stores it as a new version. Old versions are kept.\n"
        "FILE.xlsx: a workbook as 'plan export' writes it in format xlsx (edited or not).\n"),
     true},
    {"plan export", plan_export_cmd, N_("print a stored plan as YAML or JSON"),
     N_("Usage: salesplan plan export [ID] [--version N] [--format yaml|json|xlsx] [-o FILE]\n"
        "Prints the plan (the only one, or ID / --plan) in the plan-file format.\n"
        "The YAML output passes 'check' and imports back to the same plan.\n"
        "--format xlsx writes a workbook (needs -o FILE.xlsx on a terminal).\n"),
     false},
    {"plan show", plan_show_cmd, N_("the plan table, step by step (text, Markdown or printable HTML)"),
     N_("Usage: salesplan plan show [ID] [--step 1..6] [--format text|md|html] [-o FILE]\n"
        "The stored plan (the only one, ID or --plan) as a director reads it, step by\n"
        "step: 1 goals with their splits; 2 PEST, personas and the SWOT matrix;\n"
        "3 strategies with the goals they serve and the analysis they answer, and the\n"
        "customer tiers; 4 the task chain per strategy; 5 the team and the budget per\n"
        "category; 6 alert thresholds, notify channels (no secrets) and the review\n"
        "rhythm. --step N shows one step. --format html writes one self-contained\n"
        "page to print (A4 landscape, one page per step). -o FILE writes to FILE.\n"),
     false},
    {"plan list", plan_list_cmd, N_("list the plans in the workspace"),
     N_("Usage: salesplan plan list [--format table|json]\n"), false},
    {"import", import_cmd, N_("import a CSV table (all or nothing)"),
     N_("Usage: salesplan import TABLE FILE.csv [--encoding ENC] [--skip-bad REJECTS.csv]\n"
        "                        [--delimiter C|tab] [--strict] [--quiet] [--sheet NAME]\n"
        "TABLE is one of: reps customers leads deals activities invoices spend.\n"
        "FILE.xlsx reads one sheet of a workbook (the first, or --sheet NAME).\n"
        "Reads UTF-8 (with or without BOM), UTF-16 and GB18030/GBK (detected, or\n"
        "--encoding), comma or tab separated, RFC 4180 quoting. Headers are matched\n"
        "case-blind with the aliases of common CRM exports and Chinese names\n"
        "(docs/IMPORT.md lists them). FILE '-' reads standard input.\n"
        "Rows are upserted by id. A bad row stops the import: every bad row is\n"
        "reported as FILE:LINE: column: why (up to 100) and nothing is written.\n"
        "--skip-bad imports the good rows and writes the bad ones with the reason.\n"
        "Rep, customer and budget category names are matched to their ids; a\n"
        "reference to nothing is kept with a warning, or refused with --strict.\n"
        "Exit status: 0 imported, 1 bad data or unreadable file, 2 bad usage.\n"),
     true},
    {"kpi", kpi_cmd, N_("compute a metric for a period, filter and breakdown"),
     N_("Usage: salesplan kpi METRIC --period P [--where KEY=VALUE]... [--by KEY,...]\n"
        "                     [--as-of DATE] [--format table|json|csv|xlsx] [--explain] [--limit N] [-o FILE]\n"
        "METRIC: revenue deals_won avg_deal_size new_customers new_customer_revenue\n"
        "  new_customer_revenue_share renewal_rate leads qualified_leads\n"
        "  lead_conversion_rate win_rate sales_cycle_days visits activities\n"
        "  visits_per_rep gross_margin collection_rate collected pipeline\n"
        "  weighted_pipeline active_customers tier_customers tier_revenue_share spend\n"
        "P: 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W27, 2026-03-01..2026-05-31, FY2026\n"
        "KEY (--where): region industry size team rep product source tier category strategy\n"
        "KEY (--by): month quarter week year day and the --where keys (up to 3)\n"
        "The same --where key given twice means either value; different keys must all match.\n"
        "Nothing dated after the as-of date (default: today) is counted.\n"
        "--explain lists the records behind the number (at most --limit, default 1000).\n"
        "tier_customers and tier_revenue_share: per tier with --by tier, the tier of\n"
        "--where tier=ID, or all customers (share 1) with neither. visits_per_rep counts\n"
        "the visits of the active reps of role rep it divides by (filters on the rep).\n"
        "--format xlsx writes a workbook (ids and names, numbers, a chart); -o FILE writes\n"
        "any format to FILE.\n"
        "Every metric's exact definition: docs/METRICS.md\n"),
     false},
    {"status", status_cmd, N_("every goal: target, actual, pace, projection, status"),
     N_("Usage: salesplan status [--plan ID] [--as-of DATE] [--goal ID] [--format table|json|csv]\n"
        "                        [--unit yuan|wan]\n"
        "For every goal and every child of a split: target, actual, expected to date,\n"
        "projection, attainment and status (not_started, on_track, at_risk, off_track,\n"
        "achieved, missed); per-month goals month by month; revenue goals with\n"
        "pipeline coverage and forecast.\n"
        "--unit wan shows money in 万 (yuan by default); JSON and CSV always carry yuan.\n"),
     false},
    {"alerts", alerts_cmd, N_("stale follow-ups, overdue tasks, off-pace goals, budget overruns, reviews due"),
     N_("Usage: salesplan alerts [--rep ID] [--kind KIND] [--as-of DATE] [--format table|json|csv]\n"
        "                        [--unit yuan|wan]\n"
        "KIND: stale_followup task_overdue goal_off_pace budget_overrun tier_review_due\n"
        "Stale follow-ups: customers with a deal open on the as-of date (default today)\n"
        "whose last activity is more than alerts.stale_followup_days ago (per tier when\n"
        "the plan says so), stalest first; past escalate_after_days also to the owner's\n"
        "team leader. Thresholds and enabled kinds come from the plan; without a plan:\n"
        "7 days and the default tiers, and task, goal and budget alerts are skipped.\n"
        "--rep ID: only alerts addressed to ID (including escalations to ID).\n"
        "Exit status 0 whether or not there are alerts.\n"
        "--unit wan shows money in 万 (yuan by default); JSON and CSV always carry yuan.\n"),
     false},
    {"tasks", tasks_cmd, N_("the task plan: status, overdue, critical path, Gantt chart, load"),
     N_("Usage: salesplan tasks [--owner ID] [--overdue] [--critical] [--gantt] [--load]\n"
        "                       [--as-of DATE] [--format table|json|csv]\n"
        "Every task of the plan with its status and progress ('task set'), overdue days\n"
        "(not done and due before the as-of date, default today), the planned start and\n"
        "due, the forecast end, slack and the critical path (finish-to-start\n"
        "dependencies, durations from start/due). A late task is forecast to finish\n"
        "no earlier than the as-of date, after the days its progress leaves; its\n"
        "successors move with it, and slack and the critical path follow the forecast.\n"
        "--owner ID: tasks ID owns or collaborates on. --overdue: only overdue tasks.\n"
        "--critical: only the forecast critical path, in order. --gantt: a text Gantt\n"
        "chart of the planned and the forecast dates. JSON and CSV also carry the\n"
        "planned values (planned_slack, planned_critical, planned_critical_path).\n"
        "--load: tasks active per person and ISO week (owned, collaborating); more\n"
        "than 3 owned in a week is flagged.\n"),
     false},
    {"task set", task_set_cmd, N_("set a task's status and progress"),
     N_("Usage: salesplan task set TASK_ID --status todo|doing|done|blocked [--progress N]\n"
        "N is 0 to 100 (default 100 for done, else 0). The state is kept by task id\n"
        "across plan versions.\n"),
     true},
    {"funnel", funnel_cmd, N_("reverse funnel: what a revenue goal needs per month"),
     N_("Usage: salesplan funnel --goal ID [--as-of DATE] [--format table|json] [--what-if RATE=CHANGE]...\n"
        "--what-if recomputes the needs with a changed rate beside the current ones:\n"
        "RATE is win_rate, avg_deal_size or lead_conversion_rate; CHANGE is +5pp / -5pp\n"
        "(percentage points), +10% / -10% (relative) or a new value (30%, 0.3, 20万).\n"
        "Repeat it to change several rates; the same rate twice is an error.\n"),
     false},
    {"tiers", tiers_cmd, N_("customers and revenue per tier, movements, reviews due"),
     N_("Usage: salesplan tiers [--as-of DATE] [--since DATE] [--format table|json|csv]\n"
        "                       [--unit yuan|wan]\n"
        "Customers and trailing-12-month won revenue per tier as of DATE (default today);\n"
        "with --since, each customer's tier then and now: counts per from -> to pair and\n"
        "the upgrades and downgrades (50 on screen, all in JSON); the strategic customers\n"
        "with no visit or meeting within review_every_days.\n"
        "--unit wan shows money in 万 (yuan by default); JSON and CSV always carry yuan.\n"),
     false},
    {"budget", budget_cmd, N_("budget per category: allocated, committed, spent, remaining"),
     N_("Usage: salesplan budget [--as-of DATE] [--format table|json|csv] [--unit yuan|wan]\n"
        "Per budget category of the plan: share, allocated (total x share), committed\n"
        "(task budgets), spent (spend in the plan's period up to DATE, default today),\n"
        "remaining, used % and overrun (over alerts.budget_overrun_above); spend per\n"
        "strategy; totals. Needs a plan with a budget section.\n"
        "--unit wan shows money in 万 (yuan by default); JSON and CSV always carry yuan.\n"),
     false},
    {"review add", review_add_cmd, N_("record a monthly review"),
     N_("Usage: salesplan review add --period P [--goal ID] [--cause TEXT]... [--lesson TEXT]...\n"
        "                            [--action TEXT]... [--plan-version N]\n"
        "Records a review: causes of misses, lessons from over-achievement, actions\n"
        "decided (at least one; give --cause, --lesson, --action once per item, as often\n"
        "as needed), optionally about one goal and pointing at the plan\n"
        "version it led to. Prints the new review's id.\n"),
     true},
    {"review list", review_list_cmd, N_("list review records"),
     N_("Usage: salesplan review list [--period P] [--format table|json]\n"),
     false},
    {"actual", actual_cmd, N_("enter the actual of a manual goal"),
     N_("Usage: salesplan actual GOAL VALUE --on DATE\n"
        "For goals with metric manual only: VALUE is a number with at most 2 decimals\n"
        "(the unit of the goal's target). A second value on the same day replaces it.\n"),
     true},
    {"activity add", activity_add_cmd, N_("log a visit, call, e-mail or meeting with a customer"),
     N_("Usage: salesplan activity add CUSTOMER [--kind visit|call|email|meeting|other] [--on DATE]\n"
        "                             [--rep ID] [--id ID]\n"
        "Records one activity with customer CUSTOMER (its id): a visit by default, on\n"
        "DATE (default today in the plan's time zone; never after today), by rep ID\n"
        "(default the customer's owner). The stale follow-up it answers is gone from\n"
        "the next 'alerts'. --id sets the activity's id (an existing id is replaced);\n"
        "by default a new one is made. Prints the id.\n"),
     true},
    {"plan versions", plan_versions_cmd, N_("list the stored versions of a plan"),
     N_("Usage: salesplan plan versions [ID] [--format table|json]\n"),
     false},
    {"plan diff", plan_diff_cmd, N_("what changed between two plan versions"),
     N_("Usage: salesplan plan diff V1 V2 [--format table|json]\n"
        "Lists what changed from version V1 to V2 of the plan (--plan or the only one):\n"
        "plan fields, team, goals (every level of a split), analysis, strategies,\n"
        "tasks, budget total and shares, tiers, alert thresholds, notify channels.\n"),
     false},
    {"report", report_cmd, N_("the review pack of a period (Markdown, HTML or a workbook)"),
     N_("Usage: salesplan report --period P [--as-of DATE] [--format md|html|xlsx] [-o FILE]\n"
        "The review pack of period P (2026-10, 2026-Q3, ...) as of DATE (default: the\n"
        "last day of P, or today while P runs; never later than P's last day): P's own\n"
        "figures beside the figures to date of goals with status, revenue by team,\n"
        "revenue month by month, the reverse funnel, customer tiers, alerts, overdue\n"
        "tasks, budget burn and the review notes recorded for P. A week (2026-W48) is\n"
        "the weekly pack: this week against the whole week before, the deals won,\n"
        "created and lost, leads and visits per rep, each rep's stale follow-ups by\n"
        "customer and the tasks due next week come first. Markdown by default;\n"
        "--format html writes one self-contained, printable page with SVG charts;\n"
        "--format xlsx a workbook, a sheet per section, with native charts.\n"
        "-o FILE writes the pack to FILE instead of standard output.\n"),
     false},
    {"demo", demo_cmd, N_("make a demo workspace with the example plan and a year of data"),
     N_("Usage: salesplan demo [--db PATH] [--scale N] [--lang zh|en] [--seed N] [--as-of DATE]\n"
        "                      [--force] [--quiet]\n"
        "\n"
        "Creates a workspace with the example plan (two versions) and synthetic CRM data\n"
        "fitted to it, from 2025-01-01 up to today (or --as-of): seasonal revenue, reps\n"
        "ahead and behind, goals on and off track, stale follow-ups, an overdue task,\n"
        "a budget category near overrun, review records. The same seed gives the same data.\n"
        "\n"
        "  --scale N     multiply the record counts by N (1: about 30,000 records)\n"
        "  --seed N      seed of the generator (default 1)\n"
        "  --lang zh|en  language of the plan and the data (default: the interface language)\n"
        "  --as-of DATE  last day of the data (default: today in the plan's time zone)\n"
        "  --force       replace a workspace that already holds data\n"
        "  --quiet       print nothing on success\n"),
     true},
    {"snapshot rebuild", snapshot_rebuild_cmd, N_("rebuild the columnar snapshot the queries read"),
     N_("Usage: salesplan snapshot rebuild\n"
        "Writes the snapshot (WORKSPACE.snap beside the workspace): every CRM table as\n"
        "fixed-width columns, memory-mapped by the queries. It is derived data: the\n"
        "workspace stays the source of truth, every import rebuilds it, and a query\n"
        "uses it only when it matches the workspace's data version (otherwise it reads\n"
        "the workspace and, when it can write there, rebuilds it).\n"),
     true},
    {"snapshot status", snapshot_status_cmd, N_("is the snapshot fresh, stale, missing or damaged"),
     N_("Usage: salesplan snapshot status\n"
        "Says whether the snapshot is fresh (matches the workspace), stale (older\n"
        "data), missing or damaged (and why), with its size, strings and rows per table.\n"),
     false},
    {"notify", notify_cmd, N_("send each owner their due reminders through the plan's channels"),
     N_("Usage: salesplan notify [--dry-run] [--as-of DATE] [--channel ID] [--format text|json]\n"
        "                        [--base-url URL]\n"
        "Sends each owner (and, for escalated follow-ups, their team leader) one message\n"
        "per channel of the plan's notify: section with their alerts of the day: stale\n"
        "follow-ups stalest first, overdue tasks, goals off pace, budget overruns,\n"
        "strategic reviews due. Feishu, DingTalk, WeCom, Slack, JSON webhook, e-mail.\n"
        "A message sent once is never sent again the same day (the workspace keeps a\n"
        "log), even when notify runs again or on another server.\n"
        "--dry-run: print exactly what would be sent; send and record nothing.\n"
        "--channel ID: only that channel (its kind, or KIND-N when the plan has several).\n"
        "On a channel's weekly_pack: day, also the weekly pack's summary for the leaders\n"
        "and managers, linking to --base-url URL (default $SALESPLAN_BASE_URL) if given.\n"
        "Exit status 0 when every message went out (or had gone out), 1 otherwise.\n"
        "Settings (SMTP server, timeouts, retries): see docs/NOTIFY.md.\n"),
     true},
    {"ics", ics_cmd, N_("an owner's deadlines, milestones and reviews due as an iCalendar feed"),
     N_("Usage: salesplan ics OWNER [--as-of DATE] [-o FILE]\n"
        "Writes OWNER's task deadlines, milestones and strategic reviews due as all-day\n"
        "events (RFC 5545) for a calendar app to import or subscribe to. Each event keeps\n"
        "its UID; its SEQUENCE grows each time a plan version moves its date. The same\n"
        "workspace gives the same bytes.\n"),
     false},
    {"serve", serve_cmd, N_("the web UI and the JSON API (HTTP)"),
     N_("Usage: salesplan serve [--listen HOST:PORT] [--log-format text|json] [--threads N]\n"
        "                       [--max-connections N] [--per-ip N] [--request-timeout S]\n"
        "                       [--secure-cookies] [--list-routes] [--base-url URL]\n"
        "                       [--no-notify]\n"
        "Serves the workspace (--db) on HOST:PORT (default 127.0.0.1:8080; port 0 picks\n"
        "a free one, printed at start): the pages, /api/v1/ (described at\n"
        "/api/v1/openapi.json), /healthz, /readyz and /metrics. One access log line per\n"
        "request on stderr. SIGTERM or SIGINT: stops accepting, finishes the requests\n"
        "in flight, exits 0. --request-timeout S: a connection must send a whole\n"
        "request within S seconds (default 30). --secure-cookies: behind a TLS proxy.\n"
        "--list-routes prints the route table (method, path, kind, roles, writes).\n"
        "Reminders: each day at each notify: channel's at: (plan time zone) the server\n"
        "runs notify, never twice a day; --no-notify: not; --base-url URL: the server's\n"
        "address for links (docs/NOTIFY.md).\n"
        "Users: 'salesplan user add'. Limits and roles: docs/SERVER.md.\n"),
     false},
    {"user add", user_add_cmd, N_("add a user of the web UI"),
     N_("Usage: salesplan user add LOGIN --role admin|manager|rep|viewer [--rep REP_ID]\n"
        "                          [--groups G,...] [--name NAME] [--language zh|en] [--password-stdin]\n"
        "A rep sees their own records (--rep, required); a manager their plan groups\n"
        "(--groups, required). The password is read from the first line of standard\n"
        "input with --password-stdin, else generated and printed once.\n"),
     true},
    {"user passwd", user_passwd_cmd, N_("set a user's password (ends their sessions)"),
     N_("Usage: salesplan user passwd LOGIN [--password-stdin]\n"), true},
    {"user list", user_list_cmd, N_("list the users"), N_("Usage: salesplan user list [--format table|json]\n"),
     false},
    {"user disable", user_disable_cmd, N_("disable a user (their sessions and tokens stop working)"),
     N_("Usage: salesplan user disable LOGIN\n"), true},
    {"user enable", user_enable_cmd, N_("enable a disabled user"), N_("Usage: salesplan user enable LOGIN\n"), true},
    {"token add", token_add_cmd, N_("add an API bearer token for a user (printed once)"),
     N_("Usage: salesplan token add LOGIN [--label TEXT]\n"
        "The token acts with the user's role: send it as 'Authorization: Bearer TOKEN'.\n"),
     true},
    {"token revoke", token_revoke_cmd, N_("revoke an API token"), N_("Usage: salesplan token revoke ID\n"), true},
    {"token list", token_list_cmd, N_("list the API tokens (never the secrets)"),
     N_("Usage: salesplan token list [--format table|json]\n"), false},
};
const size_t sp_ncommands = sizeof sp_commands / sizeof sp_commands[0];

const sp_command *cli_find(const char *name)
{
    for (size_t i = 0; i < sp_ncommands; i++)
        if (strcmp(sp_commands[i].name, name) == 0) return &sp_commands[i];
    return NULL;
}

int cli_help(const sp_command *cmd)
{
    printf("%s\n\n%s", _(cmd->summary), _(cmd->usage));
    printf("\n%s\n", _("Global options: --db PATH|URL, --plan ID, --lang zh|en, --help."));
    return 0;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "salesplan %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%s\n", _("Run with --help for usage."));
    return 2;
}

int cli_fail(const sp_err *err)
{
    const char *s = buf_cstr(&err->msg);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        /* lines that already name a place (FILE:LINE…) are printed as-is */
        const char *colon = memchr(s, ':', n);
        bool located = colon && colon + 1 < s + n && colon[1] >= '0' && colon[1] <= '9';
        fprintf(stderr, "%s%.*s\n", located ? "" : "salesplan: ", (int)n, s);
        s += n + (nl ? 1 : 0);
    }
    int rc = err_exit_code(err);
    return rc ? rc : 1;
}

sp_store *cli_open_store(sp_cli *cli, bool create)
{
    sp_err err = SP_ERR_INIT;
    sp_open_mode mode = create ? STORE_CREATE : cli->writes ? STORE_WRITE : STORE_READ;
    sp_store *st = store_open(store_default_url(cli->db), mode, &err);
    if (!st) cli_fail(&err);
    err_free(&err);
    return st;
}

sp_out_guard cli_out_guard(const sp_cli *cli, const char *input)
{
    return (sp_out_guard){store_default_url(cli->db), input};
}

int cli_check_output(const char *path, const sp_out_guard *g)
{
    sp_err err = SP_ERR_INIT;
    int rc = outfile_check(path, g, &err) ? 0 : cli_fail(&err);
    err_free(&err);
    return rc;
}

sp_plan *cli_load_plan(sp_cli *cli, sp_store *st, bool *failed)
{
    sp_err err = SP_ERR_INIT;
    sp_plan *plan = NULL;
    *failed = !app_load_plan(st, cli->plan_id, false, &plan, &err);
    if (*failed) cli_fail(&err);
    err_free(&err);
    return plan;
}

sp_day cli_pinned_today(void)
{
    const char *fake = getenv("SALESPLAN_TODAY"); /* tests pin the clock */
    sp_day d;
    const char *why;
    return fake && date_parse(fake, &d, &why) ? d : SP_DAY_NONE;
}

sp_day cli_today(const char *tz)
{
    sp_day d = cli_pinned_today();
    /* the plan's zone from the tz database, TZ untouched (app/clock.c) */
    return d != SP_DAY_NONE ? d : app_today(tz, (int64_t)time(NULL));
}

bool cli_is_tty(void) { return isatty(STDOUT_FILENO) == 1; }

int cli_parse_format(const char *s, unsigned allowed)
{
    static const char *names[] = {"table", "json", "csv", "yaml", "md", "html"};
    for (int i = 0; i < (int)(sizeof names / sizeof names[0]); i++)
        if (strcmp(s, names[i]) == 0 && (allowed & (1u << i))) return i;
    return -1;
}

int cli_format_opt(const char *cmd, const char *arg, unsigned allowed)
{
    static const char *const names[] = {"table", "json", "csv", "yaml", "md", "html"};
    int fmt = cli_parse_format(arg, allowed);
    if (fmt >= 0) return fmt;
    /* name exactly the formats this command takes */
    buf_t list = BUF_INIT;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(allowed & (1u << i))) continue;
        if (list.len) buf_puts(&list, ", ");
        buf_puts(&list, names[i]);
    }
    cli_usage_error(cmd, _("unknown format '%s' (%s)"), arg, buf_cstr(&list));
    buf_free(&list);
    return -1;
}

int cli_format_only(const char *cmd, int argc, char **argv, unsigned allowed, int *fmt)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    int c;
    cli_opts op = CLI_OPTS(cmd, "f:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1)
        if ((*fmt = cli_format_opt(cmd, optarg, allowed)) < 0) return 2;
    return op.rc;
}

/* opt_name: "--period" (or "-x" for a short-only option) for the option
 * whose getopt value is c, into buf (>= 64 bytes). */
static const char *opt_name(const cli_opts *o, int c, char *buf, size_t size)
{
    for (const struct option *l = o->longopts; l && l->name; l++)
        if (l->val == c && !l->flag) {
            snprintf(buf, size, "--%s", l->name);
            return buf;
        }
    snprintf(buf, size, "-%c", c);
    return buf;
}

int cli_getopt(cli_opts *o, int argc, char **argv)
{
    if (!o->started) {
        o->started = true;
        o->rc = 0;
        memset(o->seen, 0, sizeof o->seen);
        /* ':' first: a missing value is told apart from an unknown option */
        const char *s = o->shortopts ? o->shortopts : "";
        while (*s == ':' || *s == '+' || *s == '-') s++;
        snprintf(o->sopts, sizeof o->sopts, ":%s", s);
        optind = 0;
        opterr = 0;
    }
    if (o->rc) return -1;
    int c = getopt_long(argc, argv, o->sopts, o->longopts, NULL);
    if (c == -1) return -1;
    char name[80];
    if (c == '?' || c == ':') {
        /* the word as typed: argv[optind - 1] is the offending word */
        const char *word = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "";
        if (c == ':') {
            if (optopt) opt_name(o, optopt, name, sizeof name);
            else snprintf(name, sizeof name, "%s", word);
            o->rc = cli_usage_error(o->cmd, _("option '%s' needs a value"), name);
        } else {
            o->rc = cli_usage_error(o->cmd, _("unknown option '%s'"), word);
        }
        return -1;
    }
    unsigned char k = (unsigned char)c;
    if (o->seen[k] && !(o->repeatable && c > 0 && c < 256 && strchr(o->repeatable, c))) {
        o->rc = cli_usage_error(o->cmd, _("%s given twice"), opt_name(o, c, name, sizeof name));
        return -1;
    }
    o->seen[k] = 1;
    return c;
}

int cli_parse_as_of(const char *cmd, const char *text, sp_day *out)
{
    const char *why = NULL;
    *out = SP_DAY_NONE;
    if (text && !date_parse(text, out, &why)) {
        *out = SP_DAY_NONE;
        return cli_usage_error(cmd, _("bad --as-of date '%s': %s"), text, _(why));
    }
    return 0;
}

sp_day cli_as_of(sp_day as_of, const sp_plan *plan)
{
    return as_of != SP_DAY_NONE ? as_of : cli_today(plan ? plan->timezone : NULL);
}

const char *cli_no_plan_msg(void) { return app_no_plan_msg(); }

int cli_open_plan(sp_cli *cli, bool required, sp_store **st, sp_plan **plan)
{
    *plan = NULL;
    *st = cli_open_store(cli, false);
    if (!*st) return 1;
    bool failed = false;
    *plan = cli_load_plan(cli, *st, &failed);
    if (!failed && !*plan && required) {
        fprintf(stderr, "salesplan: %s\n", cli_no_plan_msg());
        failed = true;
    }
    if (failed) {
        store_close(*st);
        *st = NULL;
        return 1;
    }
    return 0;
}

int cli_emit(buf_t *out)
{
    fwrite(out->data ? out->data : "", 1, out->len, stdout);
    buf_free(out);
    return fflush(stdout) != 0 ? 1 : 0;
}

static int diag_cmp(const void *a, const void *b)
{
    const sp_diag *x = *(const sp_diag *const *)a, *y = *(const sp_diag *const *)b;
    if (x->pos.line != y->pos.line) return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col) return x->pos.col < y->pos.col ? -1 : 1;
    return x < y ? -1 : x > y;
}

void cli_print_diags(const char *file, const sp_check_result *res)
{
    const sp_diag **v = xcalloc(res->ndiags, sizeof *v);
    for (size_t i = 0; i < res->ndiags; i++) v[i] = &res->diags[i];
    qsort(v, res->ndiags, sizeof *v, diag_cmp);
    for (size_t i = 0; i < res->ndiags; i++) {
        const char *sev = v[i]->sev == SEV_ERROR ? _("error") : _("warning");
        fprintf(stderr, "%s:%d:%d: %s%s%s\n", file, v[i]->pos.line, v[i]->pos.col, sev, _(": "), v[i]->msg);
    }
    free(v);
}

/* ---- filter values that match nothing (issue 6.8): app/app.c ---- */

int cli_resolve_where(const char *cmd, sp_store *st, const sp_plan *plan, sp_filter *f)
{
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_resolve_where(st, plan, f, &err))
        rc = err.cls == SP_EUSAGE ? cli_usage_error(cmd, "%s", buf_cstr(&err.msg)) : cli_fail(&err);
    err_free(&err);
    return rc;
}

/* print_note: one note to stderr: "FILE:LINE:COL: warning: …" when file
 * is given and the note is located, else "salesplan: [warning: ]…". */
static void print_note(const sp_app_note *x, const char *file)
{
    const char *w = x->warning ? _("warning") : "";
    const char *sep = x->warning ? _(": ") : "";
    if (file && x->line > 0) fprintf(stderr, "%s:%d:%d: %s%s%s\n", file, x->line, x->col, w, sep, x->text);
    else fprintf(stderr, "salesplan: %s%s%s\n", w, sep, x->text);
}

void cli_print_notes(const sp_app_notes *notes, const char *file)
{
    for (size_t i = 0; i < notes->n; i++) print_note(&notes->v[i], file);
}

int cli_warn_goal_filters(sp_store *st, const sp_plan *plan, const char *file)
{
    sp_err err = SP_ERR_INIT;
    sp_app_notes notes = {NULL, 0};
    bool ok = app_goal_filter_notes(st, plan, &notes, &err);
    cli_print_notes(&notes, file);
    int count = (int)notes.n;
    if (!ok) {
        cli_fail(&err);
        count = -1;
    }
    app_notes_free(&notes);
    err_free(&err);
    return count;
}

void cli_app_req(const sp_cli *cli, sp_store *st, sp_day as_of, sp_app_req *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->st = st;
    rq->plan_id = cli->plan_id;
    rq->as_of = as_of;
    rq->today = cli_pinned_today();
    rq->scope.kind = SCOPE_ALL;
    rq->lang = i18n_lang();
}

int cli_app_fail(const char *cmd, const sp_err *err, bool bad_param)
{
    if (bad_param && err->cls == SP_EUSAGE) {
        const char *s = buf_cstr(&err->msg);
        return cli_usage_error(cmd, "%.*s", (int)strcspn(s, "\n"), s);
    }
    return cli_fail(err);
}

/* ---- money as people read it ---- */

static sp_money_unit display_unit = MONEY_YUAN; /* the CLI is one thread */

int cli_unit_opt(const char *cmd, const char *arg)
{
    int u = money_unit_parse(arg);
    if (u < 0) {
        cli_usage_error(cmd, _("unknown unit '%s' (yuan, wan)"), arg);
        return -1;
    }
    display_unit = (sp_money_unit)u;
    return 0;
}

char *cli_money(int64_t fen, char *buf) { return money_shown(fen, display_unit, buf); }

sp_money_unit cli_money_unit(void) { return display_unit; }

/* ---- names, not ids, where a person reads ---- */

const char *cli_rep_name(const sp_plan *plan, const sp_dataset *ds, const char *id)
{
    return app_rep_name(plan, ds, id);
}

const char *cli_tier_name(const sp_plan *plan, const char *id) { return app_tier_name(plan, id, i18n_lang()); }

/* cli_print_xlsx_diags: check's diagnostics of a plan read from a workbook,
 * errors first, each at its sheet and cell ("FILE: 目标!G7: error: …"), to
 * stderr (check FILE.xlsx, plan import FILE.xlsx). */
void cli_print_xlsx_diags(const char *file, const sp_check_result *res, const sp_xlsx_map *map)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < res->ndiags; i++) {
            const sp_diag *d = &res->diags[i];
            if ((pass == 0) != (d->sev == SEV_ERROR)) continue;
            const char *w = plan_xlsx_where(map, d->pos.line);
            const char *sev = d->sev == SEV_ERROR ? _("error") : _("warning");
            if (w) fprintf(stderr, "%s: %s: %s%s%s\n", file, w, sev, _(": "), d->msg);
            else fprintf(stderr, "%s: %s%s%s\n", file, sev, _(": "), d->msg);
        }
}
