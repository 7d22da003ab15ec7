/*
 * cmd_tasks.c — `salesplan tasks` and `salesplan task set` (SPEC §1 step 4):
 * the plan's tasks with their stored status and progress, what is overdue,
 * the planned and the forecast schedule — a late task pushes its successors
 * — with slack and the critical path (core/schedule.c), a text Gantt chart
 * of both and each person's load per ISO week; and setting a task's status.
 * Every face shows the forecast's slack, critical flag and path (JSON and
 * CSV also give the planned ones as planned_*); the load view uses the
 * planned dates.
 *
 * Task states live in the workspace keyed by plan id and task id, so they
 * survive a new plan version that keeps the task's id. This file only
 * parses options, calls the verbs (app_tasks, app_tasks_load, app_task_set:
 * plan + schedule + states joined into rows, scope) and renders (table,
 * CSV, Gantt, load; JSON through app_tasks_json, shared with the web).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../core/schedule.h"
#include "../io/csv_read.h"
#include "../io/out.h"
#include "cli.h"

#define LOAD_LIMIT APP_LOAD_LIMIT
#define GANTT_NAME_MAX 28     /* display columns of the name column at most */

static const char *const status_labels[TASK_STATUS_COUNT] = {N_("todo"), N_("doing"), N_("done"), N_("blocked")};

typedef sp_task_row task_row; /* app/app.h */

static bool use_colour(void)
{
    return cli_is_tty() && getenv("NO_COLOR") == NULL;
}

static const char *day_text(sp_day d, char *buf) { return day_format(d, buf); }

/* join: the strings v[0..n) joined by sep into a new allocation. */
static char *join(char *const *v, size_t n, const char *sep)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "");
    for (size_t i = 0; i < n; i++) {
        if (i) buf_puts(&b, sep);
        buf_puts(&b, v[i]);
    }
    return buf_detach(&b);
}

/* ---- the task list ---- */

static bool same_path(const sp_path *a, const sp_path *b)
{
    if (a->n != b->n) return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->idx[i] != b->idx[i]) return false;
    return true;
}

static void put_path(const sp_schedule *s, const sp_path *p, const char *label, buf_t *out)
{
    buf_printf(out, "%s%s", label, _(": "));
    for (size_t i = 0; i < p->n; i++) buf_printf(out, "%s%s", i ? " → " : "", s->t[p->idx[i]].task->id);
    buf_putc(out, '\n');
}

/* render_footer: when the last task ends, as planned and as forecast, and
 * the critical path (the forecast one, and the planned one when they
 * differ). */
static void render_footer(const sp_schedule *s, sp_day as_of, buf_t *out)
{
    char a[16], e[16], f[16];
    if (s->plan.end == SP_DAY_NONE) {
        buf_printf(out, _("as of %s; no tasks\n"), day_text(as_of, a));
        return;
    }
    if (s->fc.end > s->plan.end)
        buf_printf(out, _("as of %s; the last task ends %s as planned, %s as forecast (%d days later)\n"),
                   day_text(as_of, a), day_text(s->plan.end, e), day_text(s->fc.end, f),
                   (int)(s->fc.end - s->plan.end));
    else
        buf_printf(out, _("as of %s; the last task ends %s, as planned\n"), day_text(as_of, a),
                   day_text(s->plan.end, e));
    if (same_path(&s->plan, &s->fc)) {
        if (s->fc.n) put_path(s, &s->fc, _("critical path"), out);
    } else {
        if (s->fc.n) put_path(s, &s->fc, _("critical path (forecast)"), out);
        if (s->plan.n) put_path(s, &s->plan, _("critical path (planned)"), out);
    }
}

static void render_table(const sp_plan *plan, const sp_schedule *s, const task_row *rows, size_t n, sp_day as_of,
                         buf_t *out)
{
    enum { NC = 13 };
    sp_table_out *t = tableout_new(NC);
    const char *head[NC] = {_("id"),       _("task"),    _("owner"),    _("strategy"), _("start"),
                            _("due"),      _("forecast end"), _("status"), _("progress"), _("overdue"),
                            _("slack"),    _("flags"),   _("depends on")};
    tableout_row(t, head);
    tableout_numeric(t, 8, true);
    tableout_numeric(t, 10, true);
    for (size_t i = 0; i < n; i++) {
        const task_row *r = &rows[i];
        char start[16], due[16], fend[16], prog[16], over[48], slack[16];
        snprintf(prog, sizeof prog, "%d%%", r->progress);
        if (r->overdue) snprintf(over, sizeof over, _("%d day(s)"), (int)r->days_overdue);
        else over[0] = '\0';
        snprintf(slack, sizeof slack, "%d", (int)r->s->fc.slack);
        buf_t flags = BUF_INIT;
        buf_puts(&flags, "");
        if (r->s->fc.critical) buf_puts(&flags, _("critical"));
        if (r->t->milestone) buf_printf(&flags, "%s%s", flags.len ? _(", ") : "", _("milestone"));
        if (r->s->late_start) buf_printf(&flags, "%s%s", flags.len ? _(", ") : "", _("late start"));
        if (r->s->pushed) buf_printf(&flags, "%s%s", flags.len ? _(", ") : "", _("pushed"));
        char *deps = join(r->t->depends_on, r->t->ndepends_on, ", ");
        const char *row[NC] = {r->t->id, r->t->name ? r->t->name : "", r->t->owner ? r->t->owner : "",
                               r->t->strategy ? r->t->strategy : "", day_text(r->t->start, start),
                               day_text(r->t->due, due), day_text(r->s->fc.ef, fend), _(status_labels[r->status]),
                               prog, over, slack, buf_cstr(&flags), deps};
        tableout_row(t, row);
        free(deps);
        buf_free(&flags);
    }
    if (n) tableout_render(t, out);
    else buf_printf(out, "%s\n", _("no tasks match"));
    tableout_free(t);
    (void)plan;
    render_footer(s, as_of, out);
}

static void csv_row(buf_t *out, const char *const *cells, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i) buf_putc(out, ',');
        csv_write_field(out, cells[i]);
    }
    buf_puts(out, "\r\n");
}

static void render_csv(const task_row *rows, size_t n, buf_t *out)
{
    enum { NC = 19 };
    const char *head[NC] = {"id",          "name",           "owner",           "strategy",        "start",
                            "due",         "status",         "progress",        "overdue",         "days_overdue",
                            "slack",       "critical",       "milestone",       "depends_on",      "collaborators",
                            "forecast_start", "forecast_finish", "planned_slack", "planned_critical"};
    csv_row(out, head, NC);
    for (size_t i = 0; i < n; i++) {
        const task_row *r = &rows[i];
        char start[16], due[16], prog[16], days[16], slack[16], fs[16], ff[16], pslack[16];
        snprintf(prog, sizeof prog, "%d", r->progress);
        snprintf(days, sizeof days, "%d", (int)r->days_overdue);
        snprintf(slack, sizeof slack, "%d", (int)r->s->fc.slack);
        snprintf(pslack, sizeof pslack, "%d", (int)r->s->plan.slack);
        char *deps = join(r->t->depends_on, r->t->ndepends_on, ";");
        char *coll = join(r->t->collaborators, r->t->ncollaborators, ";");
        const char *cells[NC] = {r->t->id, r->t->name, r->t->owner, r->t->strategy, day_text(r->t->start, start),
                                 day_text(r->t->due, due), task_status_name(r->status), prog,
                                 r->overdue ? "1" : "0", days, slack, r->s->fc.critical ? "1" : "0",
                                 r->t->milestone ? "1" : "0", deps, coll, day_text(r->s->fc.es, fs),
                                 day_text(r->s->fc.ef, ff), pslack, r->s->plan.critical ? "1" : "0"};
        csv_row(out, cells, NC);
        free(deps);
        free(coll);
    }
}

/* ---- Gantt chart ---- */

/* put_fit: s padded (or cut with "…") to exactly width display columns. */
static void put_fit(buf_t *b, const char *s, size_t width)
{
    size_t total = utf8_width(s);
    size_t room = total > width ? (width ? width - 1 : 0) : width;
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 1;
        char cp[8] = {0};
        size_t k = 0;
        while (k < n && p[k]) {
            cp[k] = (char)p[k];
            k++;
        }
        size_t cw = utf8_width(cp);
        if (w + cw > room) break;
        buf_append(b, cp, k);
        w += cw;
        p += k;
    }
    if (total > width && width) {
        buf_puts(b, "…");
        w++;
    }
    for (; w < width; w++) buf_putc(b, ' ');
}

/* gantt_columns: the time axis over [lo, hi]: one period per column, by
 * day when the span is under 6 weeks, by ISO week up to two years, else by
 * month. Returns a new array of *n periods; *grain gets the grain. */
static sp_period *gantt_columns(sp_day lo, sp_day hi, size_t *n, sp_grain *grain)
{
    sp_grain g = hi - lo + 1 < 42 ? GRAIN_DAY : (hi - lo) / 7 < 104 ? GRAIN_WEEK : GRAIN_MONTH;
    size_t cap = 16, k = 0;
    sp_period *v = xcalloc(cap, sizeof *v);
    for (sp_period p = grain_bucket(g, lo); p.first <= hi; p = grain_bucket(g, p.last + 1)) {
        if (k == cap) {
            cap *= 2;
            v = xreallocarray(v, cap, sizeof *v);
        }
        v[k++] = p;
    }
    *n = k;
    *grain = g;
    return v;
}

/* render_gantt: one row per task over the span of both schedules: a cell
 * is '█' where the task is planned and forecast, '▓' where it is only
 * forecast (it runs later than planned), '░' where it was planned but is no
 * longer forecast; a milestone is '◆' on its forecast day ('◇' on its
 * planned day when that differs). Critical rows (forecast) are marked. */
static void render_gantt(const sp_schedule *s, const task_row *rows, size_t n, sp_day as_of, buf_t *out)
{
    (void)s;
    if (n == 0) {
        buf_printf(out, "%s\n", _("no tasks match"));
        return;
    }
    sp_day lo = rows[0].s->plan.es, hi = rows[0].s->plan.ef;
    size_t namew = 4;
    for (size_t i = 0; i < n; i++) {
        const sp_sched_task *st = rows[i].s;
        if (st->plan.es < lo) lo = st->plan.es;
        if (st->fc.es < lo) lo = st->fc.es;
        if (st->plan.ef > hi) hi = st->plan.ef;
        if (st->fc.ef > hi) hi = st->fc.ef;
        size_t w = utf8_width(rows[i].t->name ? rows[i].t->name : rows[i].t->id);
        if (w > namew) namew = w;
    }
    if (namew > GANTT_NAME_MAX) namew = GANTT_NAME_MAX;
    size_t ncol;
    sp_grain g;
    sp_period *cols = gantt_columns(lo, hi, &ncol, &g);
    bool colour = use_colour();
    char a[16], b[16], c[16];
    const char *unit = g == GRAIN_DAY ? _("one column = one day")
                       : g == GRAIN_WEEK ? _("one column = one ISO week")
                                         : _("one column = one month");
    buf_printf(out, _("Gantt chart %s … %s, %s, as of %s\n"), day_text(cols[0].first, a),
               day_text(cols[ncol - 1].last, b), unit, day_text(as_of, c));
    /* axis labels (two characters each): the day of month on Mondays (by
     * day), the month where a month begins, taking a week's month from its
     * Thursday as ISO does (by week), each quarter's first month (by
     * month). Labels are at least 4 columns apart, except possibly the
     * first two: then the first is dropped (the title gives the start). */
    bool *label = xcalloc(ncol, sizeof *label);
    int *val = xcalloc(ncol, sizeof *val);
    int prev_m = 0;
    for (size_t k = 0; k < ncol; k++) {
        int y, m, d;
        day_to_ymd(g == GRAIN_WEEK ? cols[k].first + 3 : cols[k].first, &y, &m, &d);
        if (g == GRAIN_DAY) label[k] = k == 0 || day_weekday(cols[k].first) == 1, val[k] = d;
        else if (g == GRAIN_WEEK) label[k] = k == 0 || m != prev_m, val[k] = m;
        else label[k] = k == 0 || (m - 1) % 3 == 0, val[k] = m;
        prev_m = m;
    }
    if (ncol > 1 && label[1]) label[0] = false;
    buf_puts(out, "  ");
    for (size_t k = 0; k < namew + 1; k++) buf_putc(out, ' ');
    for (size_t k = 0; k < ncol; k++) {
        if (label[k] && k + 1 < ncol) {
            buf_printf(out, "%02d", val[k]);
            k++;
        } else {
            buf_putc(out, ' ');
        }
    }
    while (out->len && out->data[out->len - 1] == ' ') out->data[--out->len] = '\0'; /* no trailing blanks */
    buf_putc(out, '\n');
    free(label);
    free(val);
    for (size_t i = 0; i < n; i++) {
        const task_row *r = &rows[i];
        const sp_sched_task *st = r->s;
        bool crit = st->fc.critical;
        buf_putc(out, crit && !colour ? '!' : ' ');
        buf_putc(out, ' ');
        put_fit(out, r->t->name ? r->t->name : r->t->id, namew);
        buf_putc(out, ' ');
        if (crit && colour) buf_puts(out, "\033[31m");
        for (size_t k = 0; k < ncol; k++) {
            bool planned = st->plan.es <= cols[k].last && st->plan.ef >= cols[k].first;
            bool forecast = st->fc.es <= cols[k].last && st->fc.ef >= cols[k].first;
            if (r->t->milestone && period_contains(cols[k], st->fc.ef)) buf_puts(out, "◆");
            else if (r->t->milestone && period_contains(cols[k], st->plan.ef)) buf_puts(out, "◇");
            else if (planned && forecast) buf_puts(out, "█");
            else if (forecast) buf_puts(out, "▓");
            else if (planned) buf_puts(out, "░");
            else if (period_contains(cols[k], as_of)) buf_putc(out, '|');
            else buf_putc(out, ' ');
        }
        if (crit && colour) buf_puts(out, "\033[0m");
        buf_printf(out, "  %s %s %s %d%%", r->t->id, r->t->owner ? r->t->owner : "", _(status_labels[r->status]),
                   r->progress);
        if (r->overdue) buf_printf(out, " %s", _("overdue"));
        if (st->delay > 0) {
            char f[16];
            buf_printf(out, " %s %s", _("forecast end"), day_text(st->fc.ef, f));
        }
        buf_putc(out, '\n');
    }
    buf_puts(out, _("█ planned and forecast  ▓ forecast later than planned  ░ planned, no longer forecast\n"));
    buf_printf(out, _("◆ milestone (◇ as planned)  | today  %s critical path (forecast)\n"),
               colour ? _("red =") : "!");
    free(cols);
}

/* ---- load per person and ISO week ---- */

typedef sp_load_cell load_cell; /* app/app.h */

static void render_load(const sp_plan *plan, const load_cell *v, size_t n, int fmt, buf_t *out)
{
    if (fmt == FMT_CSV) {
        const char *head[7] = {"owner", "name", "week", "week_start", "tasks", "collaborating", "overloaded"};
        csv_row(out, head, 7);
    }
    sp_table_out *t = fmt == FMT_TABLE ? tableout_new(6) : NULL;
    if (t) {
        const char *head[6] = {_("owner"), _("name"), _("week"), _("tasks owned"), _("collaborating"), ""};
        tableout_row(t, head);
        tableout_numeric(t, 3, true);
        tableout_numeric(t, 4, true);
    }
    for (size_t i = 0; i < n; i++) {
        char wk[16], ws[16], own[16], col[16];
        const sp_member *m = plan_find_member(plan, v[i].who, NULL);
        grain_label(GRAIN_WEEK, v[i].week, wk);
        snprintf(own, sizeof own, "%d", v[i].owned);
        snprintf(col, sizeof col, "%d", v[i].collab);
        bool over = v[i].owned > LOAD_LIMIT;
        if (t) {
            const char *row[6] = {v[i].who, m && m->name ? m->name : "", wk, own, col, over ? _("overloaded") : ""};
            tableout_row(t, row);
        } else {
            const char *row[7] = {v[i].who, m && m->name ? m->name : "", wk, day_text(v[i].week, ws), own, col,
                                  over ? "1" : "0"};
            csv_row(out, row, 7);
        }
    }
    if (t) {
        if (n) tableout_render(t, out);
        else buf_printf(out, "%s\n", _("no tasks match"));
        buf_printf(out, _("overloaded: more than %d owned tasks active in the week\n"), LOAD_LIMIT);
        tableout_free(t);
    }
}

int tasks_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"owner", required_argument, NULL, 'o'},
                                         {"overdue", no_argument, NULL, 'O'},
                                         {"critical", no_argument, NULL, 'c'},
                                         {"gantt", no_argument, NULL, 'g'},
                                         {"load", no_argument, NULL, 'l'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    const char *owner = NULL, *as_of_text = NULL;
    bool only_overdue = false, only_critical = false, gantt = false, load = false, fmt_given = false;
    int fmt = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("tasks", "o:Ocgla:f:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'o': owner = optarg; break;
        case 'O': only_overdue = true; break;
        case 'c': only_critical = true; break;
        case 'g': gantt = true; break;
        case 'l': load = true; break;
        case 'a': as_of_text = optarg; break;
        case 'f':
            if ((fmt = cli_format_opt("tasks", optarg, 1u << FMT_TABLE | 1u << FMT_JSON | 1u << FMT_CSV)) < 0)
                return 2;
            fmt_given = true;
            break;
        default: return cli_usage_error("tasks", "%s", _("unknown option"));
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("tasks", _("unexpected argument '%s'"), argv[optind]);
    if (gantt && load) return cli_usage_error("tasks", "%s", _("--gantt and --load are separate views: pick one"));
    if (gantt && fmt_given && fmt != FMT_TABLE)
        return cli_usage_error("tasks", "%s", _("--gantt draws text on the terminal: it takes no --format"));
    sp_day as_of;
    if (cli_parse_as_of("tasks", as_of_text, &as_of)) return 2;

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_tasks_req rq = {.owner = owner, .only_overdue = only_overdue, .only_critical = only_critical,
                       .keep_people = load};
    cli_app_req(cli, st, as_of, &rq.r);
    sp_tasks_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_tasks(&rq, &res, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    buf_t out = BUF_INIT;
    if (load) {
        size_t nl = 0;
        load_cell *lv = app_tasks_load(&res, owner, &nl);
        if (fmt == FMT_JSON) app_tasks_load_json(&res, lv, nl, &out);
        else render_load(res.plan, lv, nl, fmt, &out);
        free(lv);
    } else if (gantt) {
        render_gantt(&res.sched, res.rows, res.n, res.as_of, &out);
    } else if (fmt == FMT_JSON) {
        app_tasks_json(&res, &out);
    } else if (fmt == FMT_CSV) {
        render_csv(res.rows, res.n, &out);
    } else {
        render_table(res.plan, &res.sched, res.rows, res.n, res.as_of, &out);
    }
    fputs(buf_cstr(&out), stdout);
    buf_free(&out);
done:
    app_tasks_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}

int task_set_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"status", required_argument, NULL, 's'},
                                         {"progress", required_argument, NULL, 'p'},
                                         {NULL, 0, NULL, 0}};
    int status = -1, progress = -1, c;
    cli_opts op = CLI_OPTS("task set", "s:p:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 's') {
            status = task_status_from_name(optarg);
            if (status < 0)
                return cli_usage_error("task set", _("unknown status '%s' (todo, doing, done, blocked)"), optarg);
        } else if (c == 'p') {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 0 || v > 100)
                return cli_usage_error("task set", _("--progress needs a whole number from 0 to 100, not '%s'"),
                                       optarg);
            progress = (int)v;
        } else {
            return cli_usage_error("task set", "%s", _("unknown option"));
        }
    }
    if (op.rc) return op.rc;
    if (optind + 1 != argc) return cli_usage_error("task set", "%s", _("expects one TASK_ID"));
    if (status < 0) return cli_usage_error("task set", "%s", _("--status is required (todo, doing, done, blocked)"));
    const char *id = argv[optind];

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_task_set_req rq = {.task_id = id, .status = (sp_task_status)status, .progress = progress};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_task_set_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_task_set(&rq, &res, &err)) rc = cli_fail(&err);
    else printf(_("task %s: %s, %d%%\n"), id, _(status_labels[status]), res.progress);
    app_task_set_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}
