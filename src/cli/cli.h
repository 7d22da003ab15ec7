/*
 * cli.h — the command-line face: one table of commands (name, handler,
 * summary, usage), dispatched by main.c, plus helpers shared by handlers.
 *
 * A handler parses its own options (cli_getopt: getopt_long that refuses a
 * repeated option unless it is declared repeatable), fills the request of
 * an application verb (app/app.h: cli_app_req), calls it, renders the
 * result (the JSON through the verb's app_*_json writer, shared with the
 * web) and returns an exit code: 0 ok, 1 failure, 2 usage. Commands not
 * yet moved to a verb (check, import, report, demo, plan import/export,
 * snapshot) still call io/, store/ and core/ themselves.
 * Errors go to stderr prefixed "salesplan: ". Handlers never print SQL or
 * touch backend details.
 */
#ifndef SP_CLI_H
#define SP_CLI_H

#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>

#include "../app/app.h"
#include "../core/plan.h"
#include "../io/plan_xlsx.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/outfile.h"
#include "../util/util.h"

typedef struct sp_cli {
    const char *db;          /* --db (global) or NULL */
    const char *plan_id;     /* --plan (global) or NULL */
    bool quiet;
    bool writes;             /* the running command's `writes` flag (main.c sets it) */
    bool lang_set;           /* --lang was given */
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
/* cli_open_store: opens the workspace (--db / SALESPLAN_DB / default):
 * created when create (init, demo), else read-write when the command's
 * table entry says it writes and read-only when it does not (readers never
 * wait for a writer). Prints the error and returns NULL on failure. */
sp_store *cli_open_store(sp_cli *cli, bool create);
/* cli_out_guard: what an output file of the running command must not be:
 * the workspace it uses and input (NULL: none). */
sp_out_guard cli_out_guard(const sp_cli *cli, const char *input);
/* cli_check_output: refuses an output path that is the workspace, one of
 * its files or the input (util/outfile.h) before any work is done: prints
 * why and returns 2; else 0. */
int cli_check_output(const char *path, const sp_out_guard *g);
/* cli_load_plan: the plan named by --plan, or the workspace's only plan;
 * NULL (no error) when the workspace has none; on error prints it and sets
 * *failed. Caller frees with plan_free. */
sp_plan *cli_load_plan(sp_cli *cli, sp_store *st, bool *failed);
/* cli_today: today's date in the plan's time zone (tz may be NULL:
 * Asia/Shanghai), from app_today (the tz database, TZ untouched), unless
 * $SALESPLAN_TODAY pins it. The only place the CLI reads the clock. */
sp_day cli_today(const char *tz);
/* cli_pinned_today: $SALESPLAN_TODAY (the tests' clock), else SP_DAY_NONE. */
sp_day cli_pinned_today(void);
/* cli_print_diags: prints the diagnostics of a check, sorted by position,
 * as "FILE:LINE:COL: error: message" (or warning) to stderr. */
void cli_print_diags(const char *file, const sp_check_result *res);
/* cli_is_tty: stdout is a terminal. */
bool cli_is_tty(void);

typedef enum sp_format { FMT_TABLE, FMT_JSON, FMT_CSV, FMT_YAML, FMT_MD, FMT_HTML } sp_format;
/* cli_parse_format: the --format value among allowed (a bitmask of
 * 1 << sp_format); -1 when not allowed. */
int cli_parse_format(const char *s, unsigned allowed);

/* ---- reading options: one way for every command ---- */

/* cli_opts: the options of one command for cli_getopt. An option (its
 * getopt value, the short letter) given twice is the usage error "--NAME
 * given twice" unless its value is listed in repeatable: no option is ever
 * silently overwritten. Fill with CLI_OPTS(...); the rest is cli_getopt's. */
typedef struct cli_opts {
    const char *cmd;                 /* "review add": names the command in errors */
    const char *shortopts;           /* as for getopt_long */
    const struct option *longopts;   /* as for getopt_long */
    const char *repeatable;          /* values that may repeat ("cla"), or NULL */
    int rc;                          /* after cli_getopt returned -1: 0 done, 2 usage error printed */
    bool started;
    char sopts[64];
    unsigned char seen[256];
} cli_opts;
#define CLI_OPTS(cmd, shortopts, longopts, repeatable) \
    {(cmd), (shortopts), (longopts), (repeatable), 0, false, {0}, {0}}

/* cli_getopt: the next option of argv (getopt_long on it, GNU argument
 * permutation; the first call resets getopt's state), with optarg set as
 * getopt_long sets it. Returns -1 at the end of the options, and also
 * after a usage error it printed itself — an unknown option, a missing
 * value, or a repeated option that is not repeatable — with o->rc = 2.
 * So every loop ends with `if (o.rc) return o.rc;`. Not thread-safe (it
 * is getopt). */
int cli_getopt(cli_opts *o, int argc, char **argv);

/* ---- the preamble most handlers share ---- */

/* cli_format_opt: the --format value arg among allowed (as for
 * cli_parse_format); an unknown one is the usage error "unknown format
 * 'ARG' (table, json, csv)" (the allowed names) of cmd: prints it and
 * returns -1. */
int cli_format_opt(const char *cmd, const char *arg, unsigned allowed);
/* cli_format_only: parses the options of a command whose only option is
 * --format (getopt_long; optind is left at the first argument): *fmt
 * (unchanged when not given) among allowed. Returns 0, or 2 after the
 * usage error of cmd ("unknown option", unknown format). */
int cli_format_only(const char *cmd, int argc, char **argv, unsigned allowed, int *fmt);
/* cli_parse_as_of: the --as-of text (NULL when not given: *out is
 * SP_DAY_NONE); a bad date is the usage error "bad --as-of date 'TEXT':
 * why" of cmd: prints it and returns 2; else returns 0. */
int cli_parse_as_of(const char *cmd, const char *text, sp_day *out);
/* cli_as_of: as_of, or today in the plan's time zone (plan may be NULL)
 * when as_of is SP_DAY_NONE. */
sp_day cli_as_of(sp_day as_of, const sp_plan *plan);
/* cli_no_plan_msg: "the workspace has no plan yet: run 'salesplan plan
 * import FILE' first", translated. */
const char *cli_no_plan_msg(void);
/* cli_open_plan: opens the workspace (cli_open_store) and loads the plan
 * (cli_load_plan). required: a workspace without a plan is an error
 * (cli_no_plan_msg). Returns 0 with *st open and *plan loaded (NULL only
 * when not required); on failure prints why, leaves nothing open and
 * returns 1. The caller closes *st and frees *plan. */
int cli_open_plan(sp_cli *cli, bool required, sp_store **st, sp_plan **plan);
/* cli_emit: writes out to stdout and frees it; returns 1 when stdout
 * fails, else 0. */
int cli_emit(buf_t *out);

/* ---- money as people read it ---- */

/* cli_unit_opt: the --unit value (yuan, 元, wan, 万) of cmd: sets the unit
 * the tables show money in (the process's, yuan by default) and returns 0;
 * an unknown one is the usage error "unknown unit 'ARG' (yuan, wan)":
 * printed, returns -1. JSON and CSV always carry exact yuan. */
int cli_unit_opt(const char *cmd, const char *arg);
/* cli_money: an amount in fen in the display unit (see cli_unit_opt), into
 * buf (>= 48 bytes); returns buf. */
char *cli_money(int64_t fen, char *buf);
/* cli_money_unit: the display unit. */
sp_money_unit cli_money_unit(void);

/* ---- names, not ids, where a person reads ---- */

/* cli_rep_name: the name of rep id (the reps table of ds, else the plan's
 * member), else id itself. ds and plan may be NULL. */
const char *cli_rep_name(const sp_plan *plan, const sp_dataset *ds, const char *id);
/* cli_tier_name: the plan's name of tier id (战略客户), else the translated
 * default name (strategic, key, potential), else id; "—" for NULL. */
const char *cli_tier_name(const sp_plan *plan, const char *id);

/* ---- filter values that match nothing (issue 6.8) ---- */

/* cli_resolve_where: every value of filter f checked against what the
 * workspace's data holds for its key and the plan's own ids (groups,
 * members, tiers or the default tiers, budget categories, strategies). A
 * plan name of a team, rep, tier, category or strategy (制造业组) is
 * replaced by its id when it names exactly one. A value that matches
 * nothing, when anything is known for its key, is the usage error of cmd
 * "no region '华男' in the workspace or the plan (did you mean 华南?);
 * known: …": printed, returns 2. A store failure: printed, returns 1.
 * Else 0 (f's values may have been replaced: they stay malloc'ed). */
int cli_resolve_where(const char *cmd, sp_store *st, const sp_plan *plan, sp_filter *f);
/* cli_warn_goal_filters: one warning on stderr for each value of a goal's
 * filter (every level of a split; each key=value once) that the data does
 * not hold, when the data holds anything for that key: "FILE:LINE:COL:
 * warning: goal G: …" when file is given (check), else "salesplan:
 * warning: goal G: …". Reads only. Returns how many it printed, or -1 on a
 * store failure (printed). */
int cli_warn_goal_filters(sp_store *st, const sp_plan *plan, const char *file);

/* ---- calling the application verbs (app/app.h) ---- */

/* cli_app_req: the common request of a verb from the CLI: the workspace st,
 * --plan, as_of (SP_DAY_NONE: today), the pinned clock, every record
 * (SCOPE_ALL) and the process language. */
void cli_app_req(const sp_cli *cli, sp_store *st, sp_day as_of, sp_app_req *rq);
/* cli_app_fail: reports a verb's error: a bad request parameter
 * (bad_param, SP_EUSAGE) as the usage error of cmd (its first line),
 * anything else as cli_fail. Returns the exit code. */
int cli_app_fail(const char *cmd, const sp_err *err, bool bad_param);
/* cli_print_notes: a verb's notes to stderr ("salesplan: warning: …", or
 * "FILE:LINE:COL: warning: …" when file is given and the note is
 * located). */
void cli_print_notes(const sp_app_notes *notes, const char *file);

/* handlers */
int init_cmd(sp_cli *cli, int argc, char **argv);
int check_cmd(sp_cli *cli, int argc, char **argv);
int plan_import_cmd(sp_cli *cli, int argc, char **argv);
int plan_export_cmd(sp_cli *cli, int argc, char **argv);
int plan_list_cmd(sp_cli *cli, int argc, char **argv);
int plan_show_cmd(sp_cli *cli, int argc, char **argv);
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
int activity_add_cmd(sp_cli *cli, int argc, char **argv);
int plan_versions_cmd(sp_cli *cli, int argc, char **argv);
int plan_diff_cmd(sp_cli *cli, int argc, char **argv);
int report_cmd(sp_cli *cli, int argc, char **argv);
int demo_cmd(sp_cli *cli, int argc, char **argv);
int snapshot_rebuild_cmd(sp_cli *cli, int argc, char **argv);
int snapshot_status_cmd(sp_cli *cli, int argc, char **argv);
int notify_cmd(sp_cli *cli, int argc, char **argv);
int ics_cmd(sp_cli *cli, int argc, char **argv);
/* the web face and its users (cmd_serve.c, cmd_user.c) */
int serve_cmd(sp_cli *cli, int argc, char **argv);
int user_add_cmd(sp_cli *cli, int argc, char **argv);
int user_passwd_cmd(sp_cli *cli, int argc, char **argv);
int user_list_cmd(sp_cli *cli, int argc, char **argv);
int user_disable_cmd(sp_cli *cli, int argc, char **argv);
int user_enable_cmd(sp_cli *cli, int argc, char **argv);
int token_add_cmd(sp_cli *cli, int argc, char **argv);
int token_revoke_cmd(sp_cli *cli, int argc, char **argv);
int token_list_cmd(sp_cli *cli, int argc, char **argv);

void cli_print_xlsx_diags(const char *file, const sp_check_result *res, const sp_xlsx_map *map);

#endif
