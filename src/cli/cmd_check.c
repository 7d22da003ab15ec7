/*
 * cmd_check.c — `salesplan check FILE [--format table|json] [--as-of DATE]`:
 * validates a plan file (SPEC §4) and prints every problem and the
 * S/M/A/R/T verdict of each goal. A plan workbook (FILE.xlsx, as written
 * by `plan export --format xlsx`) is checked the same way, every problem
 * named by its sheet and cell ("目标!G7: …").
 *
 * Reads the file (io/plan_yaml_check: structural problems become
 * diagnostics and the plan read so far is kept), runs core/plan_check on
 * it, renders every problem of both in one sorted list. When a
 * workspace exists (--db, SALESPLAN_DB or ./salesplan.db), last year's
 * actuals for the Achievable check come from the metric engine over the
 * stored CRM data; without one, the check runs without history. Nothing is
 * ever written. Exit: 0 valid (warnings allowed), 1 errors, 2 bad usage or
 * unreadable file.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../core/metrics.h"
#include "../io/out.h"
#include "../io/plan_xlsx.h"
#include "../io/plan_yaml.h"
#include "cli.h"

/* ---- history from the workspace ---- */

typedef struct hist_ctx {
    const sp_plan *plan;
    sp_dataset *ds;
    sp_tier_level *tiers;
    size_t ntiers;
    sp_day as_of;
} hist_ctx;

/* last_year_query: the kpi query for g's metric and filter over the same
 * period one year earlier; false when the engine cannot compute it. */
static bool last_year_query(const hist_ctx *h, const sp_goal *g, sp_kpi_query *q)
{
    memset(q, 0, sizeof *q);
    if (g->metric >= MET_COUNT || g->metric == MET_MANUAL) return false;
    if (g->period.first == SP_DAY_NONE || g->period.last == SP_DAY_NONE) return false;
    q->metric = g->metric;
    q->period.first = day_minus_year(g->period.first);
    q->period.last = day_minus_year(g->period.last);
    q->period_text = g->period_text;
    q->as_of = h->as_of;
    q->where = g->filter;
    q->tiers = h->tiers;
    q->ntiers = h->ntiers;
    sp_err err = SP_ERR_INIT;
    bool ok = kpi_query_check(q, &err);
    err_free(&err);
    return ok;
}

/* history_cb: sp_history_fn over the loaded dataset; the value in the unit
 * of the goal's metric (fen, count, ppm, hundredths). */
static bool history_cb(const sp_goal *g, int64_t *last_year_actual, void *ctx)
{
    hist_ctx *h = ctx;
    sp_kpi_query q;
    if (!h->ds || !last_year_query(h, g, &q)) return false;
    sp_kpi_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    bool ok = kpi_compute(h->ds, &q, &r, &err);
    if (ok) ok = !r.total.null;
    if (ok) {
        switch (sp_metrics[g->metric].unit) {
        case UNIT_MONEY:
        case UNIT_COUNT: *last_year_actual = r.total.ival; break;
        case UNIT_RATIO:
            ok = r.total.den != 0;
            if (ok) *last_year_actual = (int64_t)llround(r.total.num / r.total.den * 1e6);
            break;
        default:
            ok = r.total.den != 0;
            if (ok) *last_year_actual = (int64_t)llround(r.total.num / r.total.den * 100.0);
            break;
        }
    }
    kpi_result_free(&r);
    err_free(&err);
    return ok;
}

typedef struct spec_acc {
    const hist_ctx *h;
    sp_load_spec spec;
    bool any, kind_set;
    int kind;
} spec_acc;

/* add_goal_spec: widens the union load spec by what g's history needs. */
static void add_goal_spec(const sp_goal *g, void *ctx)
{
    spec_acc *a = ctx;
    sp_kpi_query q;
    if (!last_year_query(a->h, g, &q)) return;
    sp_load_spec one;
    kpi_load_spec(&q, &one);
    for (int t = 0; t < TBL_COUNT; t++)
        if (one.want[t]) load_spec_want(&a->spec, (sp_table)t, one.from[t], one.to[t]);
    if (one.want[TBL_ACTIVITIES]) {
        if (!a->kind_set) a->kind = one.act_kind;
        else if (a->kind != one.act_kind) a->kind = -1;
        a->kind_set = true;
    }
    a->any = true;
}

/* workspace_url: the workspace to read history from, or NULL when there is
 * none (a SQLite file that does not exist is no workspace). */
static const char *workspace_url(const sp_cli *cli)
{
    const char *url = store_default_url(cli->db);
    if (!url || !*url) return NULL;
    if (strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0) return url;
    struct stat st;
    return stat(url, &st) == 0 ? url : NULL;
}

/* open_history: loads the CRM data the history of plan's goals needs into
 * h->ds (allocated; freed by close_history). Without a workspace, or when it
 * cannot be read (a warning is printed), h->ds stays NULL. */
static void open_history(sp_cli *cli, const sp_plan *plan, sp_day as_of, hist_ctx *h)
{
    memset(h, 0, sizeof *h);
    h->plan = plan;
    h->as_of = as_of;
    const char *url = workspace_url(cli);
    if (!url) return;
    tiers_from_plan(plan, &h->tiers, &h->ntiers);
    spec_acc acc;
    memset(&acc, 0, sizeof acc);
    acc.h = h;
    load_spec_init(&acc.spec);
    plan_goal_walk(plan, add_goal_spec, &acc);
    if (!acc.any) return;
    acc.spec.act_kind = acc.kind_set ? acc.kind : -1;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(url, STORE_READ, &err);
    if (st) {
        h->ds = dataset_new();
        if (!st->ops->load(st, &acc.spec, h->ds, &err)) {
            dataset_free(h->ds);
            h->ds = NULL;
        }
        store_close(st);
    }
    if (!err_ok(&err)) {
        const char *m = buf_cstr(&err.msg);
        fprintf(stderr, _("salesplan: warning: no history for the Achievable check: %.*s\n"), (int)strcspn(m, "\n"),
                m);
    }
    err_free(&err);
}

/* warn_filters: a warning for each goal filter value the workspace's data
 * does not hold (issue 6.8), when there is a workspace. Reads only. */
static void warn_filters(sp_cli *cli, const sp_plan *plan, const char *file)
{
    const char *url = workspace_url(cli);
    if (!url) return;
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(url, false, &err);
    if (st) {
        cli_warn_goal_filters(st, plan, file);
        store_close(st);
    }
    err_free(&err);
}

static void close_history(hist_ctx *h)
{
    dataset_free(h->ds);
    free(h->tiers);
    memset(h, 0, sizeof *h);
}

/* ---- a plan workbook ---- */

#define XLSX_MAX_BYTES (64u * 1024 * 1024)   /* as plan import of a workbook */

/* ---- rendering ---- */

static const char *const verdict_words[] = {"pass", "warn", "fail", "unknown"};
static const char *const verdict_glyphs[] = {"✓", "!", "✗", "?"};
static const char *const letters[SMART_COUNT] = {"S", "M", "A", "R", "T"};

static int diag_pos_cmp(const void *a, const void *b)
{
    const sp_diag *x = *(const sp_diag *const *)a, *y = *(const sp_diag *const *)b;
    if (x->pos.line != y->pos.line) return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col) return x->pos.col < y->pos.col ? -1 : 1;
    return x < y ? -1 : x > y;
}

static size_t goal_depth(const sp_goal *g)
{
    size_t d = 0;
    for (const sp_goal *x = g->parent; x; x = x->parent) d++;
    return d;
}

/* render_table: the SMART table (one row per goal; the reasons of the
 * letters that did not pass in the last column, one per line) and a
 * summary line, to stdout. */
static void render_table(const char *file, const sp_check_result *res)
{
    sp_table_out *t = tableout_new(7);
    const char *head[7] = {_("goal"), "S", "M", "A", "R", "T", _("notes")};
    tableout_row(t, head);
    for (size_t i = 0; i < res->nsmart; i++) {
        const sp_smart *sm = &res->smart[i];
        const sp_goal *g = sm->goal;
        buf_t name = BUF_INIT;
        for (size_t d = g ? goal_depth(g) : 0; d > 0; d--) buf_puts(&name, "  ");
        buf_puts(&name, sm->goal_id ? sm->goal_id : "?");
        const char *row[7];
        row[0] = buf_cstr(&name);
        for (int l = 0; l < SMART_COUNT; l++) row[1 + l] = verdict_glyphs[sm->v[l]];
        row[6] = "";
        bool first = true;
        for (int l = 0; l < SMART_COUNT; l++) {
            if (sm->v[l] == VERDICT_PASS) continue;
            char *note = xasprintf("%s: %s", letters[l], sm->reason[l] ? sm->reason[l] : "");
            if (first) {
                row[6] = note;
                tableout_row(t, row);
                first = false;
            } else {
                const char *more[7] = {"", "", "", "", "", "", note};
                tableout_row(t, more);
            }
            free(note);
        }
        if (first) tableout_row(t, row);
        buf_free(&name);
    }
    buf_t out = BUF_INIT;
    if (res->nsmart) {
        tableout_render(t, &out);
        buf_printf(&out, "%s\n", _("✓ pass  ✗ fail  ! warning  ? unknown"));
    }
    tableout_free(t);
    if (res->nerrors)
        buf_printf(&out, _("%s: %zu error(s), %zu warning(s)\n"), file, res->nerrors, res->nwarnings);
    else if (res->nwarnings)
        buf_printf(&out, _("%s: valid, %zu warning(s)\n"), file, res->nwarnings);
    else
        buf_printf(&out, _("%s: valid\n"), file);
    fwrite(out.data ? out.data : "", 1, out.len, stdout);
    buf_free(&out);
}

/* the cells of a workbook's YAML lines (NULL: a plan file) */
static const sp_xlsx_map *json_map;

static json_t *diag_json(int line, int col, const char *msg)
{
    json_t *o = json_object();
    const char *cell = json_map ? plan_xlsx_where(json_map, line) : NULL;
    if (json_map) {
        /* a workbook has no lines: the sheet and cell instead */
        json_object_set_new(o, "cell", cell ? json_string(cell) : json_null());
        line = col = 0;
    }
    json_object_set_new(o, "line", json_integer(line));
    json_object_set_new(o, "col", json_integer(col));
    json_object_set_new(o, "message", json_string(msg));
    return o;
}

/* print_json: the whole result as one JSON document to stdout. errors may
 * come pre-built (parse errors); then res is NULL. */
static void print_json(const char *file, const sp_check_result *res, json_t *parse_errors)
{
    json_t *root = json_object();
    json_object_set_new(root, "file", json_string(file));
    json_t *errors = parse_errors ? parse_errors : json_array();
    json_t *warnings = json_array();
    json_t *goals = json_array();
    if (res) {
        const sp_diag **v = xcalloc(res->ndiags ? res->ndiags : 1, sizeof *v);
        for (size_t i = 0; i < res->ndiags; i++) v[i] = &res->diags[i];
        qsort(v, res->ndiags, sizeof *v, diag_pos_cmp);
        for (size_t i = 0; i < res->ndiags; i++)
            json_array_append_new(v[i]->sev == SEV_ERROR ? errors : warnings,
                                  diag_json(v[i]->pos.line, v[i]->pos.col, v[i]->msg));
        free(v);
        for (size_t i = 0; i < res->nsmart; i++) {
            const sp_smart *sm = &res->smart[i];
            const sp_goal *g = sm->goal;
            json_t *o = json_object();
            json_object_set_new(o, "id", json_string(sm->goal_id ? sm->goal_id : ""));
            if (g && g->name) json_object_set_new(o, "name", json_string(g->name));
            for (int l = 0; l < SMART_COUNT; l++) {
                json_t *x = json_object();
                json_object_set_new(x, "verdict", json_string(verdict_words[sm->v[l]]));
                json_object_set_new(x, "reason", sm->reason[l] && *sm->reason[l] ? json_string(sm->reason[l])
                                                                                    : json_null());
                json_object_set_new(o, letters[l], x);
            }
            json_array_append_new(goals, o);
        }
    }
    json_object_set_new(root, "valid", json_boolean(json_array_size(errors) == 0));
    json_object_set_new(root, "errors", errors);
    json_object_set_new(root, "warnings", warnings);
    json_object_set_new(root, "goals", goals);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
    }
    free(s);
    json_decref(root);
}

/* parse_error_lines: the lines of a parse error ("FILE:LINE:COL: message",
 * or "FILE: message") as JSON error objects. */
static json_t *parse_error_lines(const char *file, const sp_err *err)
{
    json_t *arr = json_array();
    const char *s = buf_cstr(&err->msg);
    size_t flen = strlen(file);
    while (*s) {
        size_t n = strcspn(s, "\n");
        char *line = xstrndup(s, n);
        const char *m = line;
        long ln = 0, col = 0;
        if (strncmp(m, file, flen) == 0 && m[flen] == ':') {
            m += flen + 1;
            char *end;
            ln = strtol(m, &end, 10);
            if (end != m && *end == ':') {
                m = end + 1;
                col = strtol(m, &end, 10);
                if (end != m && *end == ':') m = end + 1;
                else col = 0;
            } else {
                ln = 0;
            }
            while (*m == ' ') m++;
        }
        json_array_append_new(arr, diag_json((int)ln, (int)col, m));
        free(line);
        s += n + (s[n] ? 1 : 0);
    }
    return arr;
}

/* print_err_lines: every line of err to stderr as it is (each names the
 * file, most with LINE:COL). */
static void print_err_lines(const sp_err *err)
{
    const char *s = buf_cstr(&err->msg);
    fputs(s, stderr);
    if (*s && s[strlen(s) - 1] != '\n') fputc('\n', stderr);
}

int check_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {NULL, 0, NULL, 0}};
    int format = FMT_TABLE, c;
    const char *as_of_text = NULL;
    cli_opts op = CLI_OPTS("check", "f:a:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'f':
            if ((format = cli_format_opt("check", optarg, 1u << FMT_TABLE | 1u << FMT_JSON)) < 0) return 2;
            break;
        case 'a': as_of_text = optarg; break;
        default: return cli_usage_error("check", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind >= argc) return cli_usage_error("check", "%s", _("expects a plan FILE"));
    if (optind + 1 < argc) return cli_usage_error("check", _("unexpected argument '%s'"), argv[optind + 1]);
    const char *file = argv[optind];
    sp_day as_of;
    if (cli_parse_as_of("check", as_of_text, &as_of)) return 2;

    /* every problem in one run: the reader's (structural) ones go into res
     * and the plan read so far is checked too */
    sp_err err = SP_ERR_INIT;
    sp_check_result res;
    memset(&res, 0, sizeof res);
    sp_xlsx_map *map = NULL;
    bool xlsx = plan_xlsx_is(file);
    sp_plan *plan = xlsx ? plan_xlsx_check_file(file, &res, &map, &err) : plan_yaml_check_file(file, &res, &err);
    if (!err_ok(&err)) {
        int rc = 1;
        if (err.cls == SP_EIO) {
            const char *m = buf_cstr(&err.msg);
            size_t flen = strlen(file);
            const char *reason = strncmp(m, file, flen) == 0 && m[flen] == ':' ? m + flen + 1 : m;
            while (*reason == ' ') reason++;
            fprintf(stderr, _("salesplan check: cannot read '%s': %.*s\n"), file, (int)strcspn(reason, "\n"),
                    reason);
            rc = 2;
        } else {
            print_err_lines(&err);
            if (format == FMT_JSON) print_json(file, NULL, parse_error_lines(file, &err));
        }
        err_free(&err);
        check_result_free(&res);
        plan_free(plan);
        plan_xlsx_map_free(map);
        return rc;
    }
    err_free(&err);

    hist_ctx h;
    memset(&h, 0, sizeof h);
    if (plan) {
        open_history(cli, plan, cli_as_of(as_of, plan), &h);
        plan_check(plan, h.ds ? history_cb : NULL, &h, &res);
    }
    if (xlsx) cli_print_xlsx_diags(file, &res, map);
    else cli_print_diags(file, &res);
    if (plan) warn_filters(cli, plan, file);
    json_map = map;
    if (format == FMT_JSON) print_json(file, &res, NULL);
    else render_table(file, &res);
    json_map = NULL;
    int rc = res.nerrors ? 1 : 0;
    if (fflush(stdout) != 0) rc = 1;
    check_result_free(&res);
    close_history(&h);
    plan_free(plan);
    plan_xlsx_map_free(map);
    return rc;
}
