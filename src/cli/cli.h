/*
 * cli.h — the command-line face: one table of commands (name, handler,
 * summary, usage), dispatched by main.c, plus helpers shared by handlers.
 *
 * A handler parses its own options (getopt_long), calls io/, store/ and
 * core/, renders, and returns an exit code: 0 ok, 1 failure, 2 usage.
 * Errors go to stderr prefixed "salesplan: ". Handlers never print SQL or
 * touch backend details.
 */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "../core/plan.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

typedef struct sp_cli {
    const char *db;          /* --db (global) or NULL */
    const char *plan_id;     /* --plan (global) or NULL */
    bool quiet;
} sp_cli;

typedef int (*sp_cmd_fn)(sp_cli *cli, int argc, char **argv);

typedef struct sp_command {
    const char *name;        /* "kpi", or "plan import" for a sub-command */
    sp_cmd_fn fn;
    const char *summary;     /* one line, English, translated at print */
    const char *usage;       /* full --help text, English, translated */
    bool writes;             /* writes to the workspace */
} sp_command;

extern const sp_command sp_commands[];
extern const size_t sp_ncommands;

/* cli_usage_error: prints "salesplan CMD: msg" and the hint to --help;
 * returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) SP_PRINTF(2, 3);
/* cli_fail: prints every line of err prefixed "salesplan: " (or as-is when
 * lines carry a FILE:LINE prefix); returns err_exit_code(err) (1 when ok). */
int cli_fail(const sp_err *err);
/* cli_help: prints the usage of cmd to stdout; returns 0. */
int cli_help(const sp_command *cmd);
const sp_command *cli_find(const char *name);
/* cli_open_store: opens the workspace (--db / SALESPLAN_DB / default);
 * prints the error and returns NULL on failure. create: for `init`. */
sp_store *cli_open_store(sp_cli *cli, bool create);
/* cli_load_plan: the plan named by --plan, or the workspace's only plan;
 * NULL (no error) when the workspace has none; on error prints it and sets
 * *failed. Caller frees with plan_free. */
sp_plan *cli_load_plan(sp_cli *cli, sp_store *st, bool *failed);
/* cli_today: today's date in the plan's time zone (tz may be NULL:
 * Asia/Shanghai). The only place the CLI reads the clock. */
sp_day cli_today(const char *tz);
/* cli_print_diags: prints the diagnostics of a check, sorted by position,
 * as "FILE:LINE:COL: error: message" (or warning) to stderr. */
void cli_print_diags(const char *file, const sp_check_result *res);
/* cli_is_tty: stdout is a terminal. */
bool cli_is_tty(void);

typedef enum sp_format { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_YAML, FMT_MD, FMT_HTML } sp_format;
/* cli_parse_format: the --format value among allowed (a bitmask of
 * 1 << sp_format); -1 when not allowed. */
int cli_parse_format(const char *s, unsigned allowed);

/* handlers */
int init_cmd(sp_cli *cli, int argc, char **argv);
int check_cmd(sp_cli *cli, int argc, char **argv);
int plan_import_cmd(sp_cli *cli, int argc, char **argv);
int plan_export_cmd(sp_cli *cli, int argc, char **argv);
int plan_list_cmd(sp_cli *cli, int argc, char **argv);
int import_cmd(sp_cli *cli, int argc, char **argv);
int kpi_cmd(sp_cli *cli, int argc, char **argv);
/* tracking commands (issue: status, alerts, tasks, funnel, tiers, budget,
 * reviews, actuals, plan versions/diff, report, demo) */
int status_cmd(sp_cli *cli, int argc, char **argv);
int funnel_cmd(sp_cli *cli, int argc, char **argv);
int alerts_cmd(sp_cli *cli, int argc, char **argv);
int tiers_cmd(sp_cli *cli, int argc, char **argv);
int budget_cmd(sp_cli *cli, int argc, char **argv);
int tasks_cmd(sp_cli *cli, int argc, char **argv);
int task_set_cmd(sp_cli *cli, int argc, char **argv);
int review_add_cmd(sp_cli *cli, int argc, char **argv);
int review_list_cmd(sp_cli *cli, int argc, char **argv);
int actual_cmd(sp_cli *cli, int argc, char **argv);
int plan_versions_cmd(sp_cli *cli, int argc, char **argv);
int plan_diff_cmd(sp_cli *cli, int argc, char **argv);
int report_cmd(sp_cli *cli, int argc, char **argv);
int demo_cmd(sp_cli *cli, int argc, char **argv);

#endif
