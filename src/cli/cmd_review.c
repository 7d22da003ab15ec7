/*
 * cmd_review.c — `salesplan review add|list`: the monthly review record of
 * SPEC §1 step 6 (causes of misses, lessons from over-achievement,
 * adjustments decided), kept per plan in the workspace and optionally
 * pointing at the plan version the review led to. Validation of the input
 * (period, goal, version, text sizes) happens here; storage is the store's
 * review_add / review_list.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "cli.h"

#define REVIEW_TEXT_MAX 4000   /* bytes per cause / lesson / action */

#define REVIEW_ITEMS_MAX 20    /* causes (lessons, actions) per review */

/* add_item: appends one --cause / --lesson / --action text to list (the
 * items one per line: the store keeps a review's several causes as one
 * newline-joined text). An empty text is ignored. Returns 0, or 2 after
 * printing a usage error (too long, not UTF-8, several lines, too many). */
static int add_item(const char *opt, const char *s, buf_t *list, int *count)
{
    if (!*s) return 0;
    size_t n = strlen(s);
    if (n > REVIEW_TEXT_MAX) return cli_usage_error("review add", _("%s is longer than %d bytes"), opt, REVIEW_TEXT_MAX);
    if (!utf8_valid(s, n)) return cli_usage_error("review add", _("%s is not valid UTF-8"), opt);
    if (strchr(s, '\n') || strchr(s, '\r'))
        return cli_usage_error("review add", _("%s is one line: give %s again for another one"), opt, opt);
    if (++*count > REVIEW_ITEMS_MAX)
        return cli_usage_error("review add", _("at most %d of %s per review"), REVIEW_ITEMS_MAX, opt);
    if (list->len) buf_putc(list, '\n');
    buf_puts(list, s);
    return 0;
}

/* items_json: the newline-joined items of text as a JSON array ([] for NULL). */
static json_t *items_json(const char *text)
{
    json_t *a = json_array();
    for (const char *p = text; p && *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p += n + (e ? 1 : 0);
    }
    return a;
}

int review_add_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, NULL, 'p'},
                                         {"goal", required_argument, NULL, 'g'},
                                         {"cause", required_argument, NULL, 'c'},
                                         {"lesson", required_argument, NULL, 'l'},
                                         {"action", required_argument, NULL, 'a'},
                                         {"plan-version", required_argument, NULL, 'v'},
                                         {NULL, 0, NULL, 0}};
    const char *period = NULL, *goal = NULL;
    /* a review has several causes, lessons and actions: each option may repeat */
    buf_t items[3] = {BUF_INIT, BUF_INIT, BUF_INIT}; /* cause, lesson, action */
    int counts[3] = {0, 0, 0};
    int version = 0, c, urc = 0;
    cli_opts op = CLI_OPTS("review add", "p:g:c:l:a:v:", opts, "cla");
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'p': period = optarg; break;
        case 'g': goal = optarg; break;
        case 'c': urc = add_item("--cause", optarg, &items[0], &counts[0]); break;
        case 'l': urc = add_item("--lesson", optarg, &items[1], &counts[1]); break;
        case 'a': urc = add_item("--action", optarg, &items[2], &counts[2]); break;
        case 'v': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 1000000)
                urc = cli_usage_error("review add", _("--plan-version needs a version number, not '%s'"), optarg);
            else version = (int)v;
            break;
        }
        default: urc = cli_usage_error("review add", "%s", _("unknown option"));
        }
        if (urc) break;
    }
    if (!urc) urc = op.rc;
    if (!urc && optind < argc) urc = cli_usage_error("review add", _("unexpected argument '%s'"), argv[optind]);
    if (!urc && !period) urc = cli_usage_error("review add", "%s", _("--period is required (e.g. 2026-10)"));
    if (!urc && !items[0].len && !items[1].len && !items[2].len)
        urc = cli_usage_error("review add", "%s", _("give at least one of --cause, --lesson, --action"));
    if (urc) {
        for (int k = 0; k < 3; k++) buf_free(&items[k]);
        return urc;
    }

    sp_store *st;
    sp_plan *plan;
    if (cli_open_plan(cli, true, &st, &plan)) {
        for (int k = 0; k < 3; k++) buf_free(&items[k]);
        return 1;
    }
    sp_err err = SP_ERR_INIT;
    sp_plan_info *vers = NULL;
    size_t nvers = 0;
    int rc = 0;
    sp_period pp;
    const char *why = NULL;
    if (!period_parse(period, plan->fiscal_year_start, &pp, &why)) {
        rc = cli_usage_error("review add", _("--period '%s' is not a period (%s)"), period, why ? _(why) : "");
        goto done;
    }
    if (goal && !plan_find_goal(plan, goal)) {
        fprintf(stderr, _("salesplan: plan %s has no goal '%s'\n"), plan->id, goal);
        rc = 1;
        goto done;
    }
    if (version) {
        if (!st->ops->plan_versions(st, plan->id, &vers, &nvers, &err)) {
            rc = cli_fail(&err);
            goto done;
        }
        bool found = false;
        for (size_t i = 0; i < nvers; i++)
            if (vers[i].version == version) found = true;
        if (!found) {
            fprintf(stderr, _("salesplan: plan %s has no version %d\n"), plan->id, version);
            rc = 1;
            goto done;
        }
    }
    sp_review r = {0};
    r.plan_id = plan->id;
    r.period_text = (char *)period;
    r.goal_id = (char *)goal;
    r.cause = items[0].len ? items[0].data : NULL;
    r.lesson = items[1].len ? items[1].data : NULL;
    r.action = items[2].len ? items[2].data : NULL;
    r.plan_version = version;
    int64_t id = 0;
    if (!st->ops->begin(st, &err) || !st->ops->review_add(st, &r, &id, &err) || !st->ops->commit(st, &err)) {
        st->ops->rollback(st);
        rc = cli_fail(&err);
        goto done;
    }
    printf(_("review %lld recorded\n"), (long long)id);
done:
    for (int k = 0; k < 3; k++) buf_free(&items[k]);
    plan_info_free(vers, nvers);
    plan_free(plan);
    store_close(st);
    err_free(&err);
    return rc;
}

int review_list_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"period", required_argument, NULL, 'p'},
                                         {"format", required_argument, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    const char *period = NULL;
    int fmt = FMT_TABLE, c;
    cli_opts op = CLI_OPTS("review list", "p:f:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 'p') {
            period = optarg;
        } else if (c == 'f') {
            if ((fmt = cli_format_opt("review list", optarg, 1u << FMT_TABLE | 1u << FMT_JSON)) < 0) return 2;
        } else {
            return cli_usage_error("review list", "%s", _("unknown option"));
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("review list", _("unexpected argument '%s'"), argv[optind]);
    sp_store *st;
    sp_plan *plan;
    if (cli_open_plan(cli, true, &st, &plan)) return 1;
    sp_err err = SP_ERR_INIT;
    sp_review *v = NULL;
    size_t n = 0;
    int rc = 0;
    if (period) {
        sp_period pp;
        const char *why = NULL;
        if (!period_parse(period, plan->fiscal_year_start, &pp, &why)) {
            rc = cli_usage_error("review list", _("--period '%s' is not a period (%s)"), period, why ? _(why) : "");
            goto done;
        }
    }
    if (!st->ops->review_list(st, plan->id, period, &v, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_pack("{s:I, s:s?, s:s?, s:o, s:o, s:o}", "id", (json_int_t)v[i].id, "period",
                                  v[i].period_text, "goal", v[i].goal_id, "causes", items_json(v[i].cause),
                                  "lessons", items_json(v[i].lesson), "actions", items_json(v[i].action));
            json_object_set_new(o, "plan_version", v[i].plan_version > 0 ? json_integer(v[i].plan_version)
                                                                         : json_null());
            json_object_set_new(o, "created_at", v[i].created_at ? json_string(v[i].created_at) : json_null());
            json_array_append_new(arr, o);
        }
        json_t *o = json_pack("{s:s, s:o}", "plan", plan->id, "reviews", arr);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(o);
    } else if (n == 0) {
        puts(_("no review records yet: add one with 'salesplan review add'"));
    } else {
        sp_table_out *t = tableout_new(8);
        const char *head[8] = {_("id"),     _("period"), _("goal"),         _("cause"),
                               _("lesson"), _("action"), _("plan version"), _("recorded (UTC)")};
        tableout_row(t, head);
        tableout_numeric(t, 0, true);
        tableout_numeric(t, 6, true);
        for (size_t i = 0; i < n; i++) {
            char id[24], ver[16];
            snprintf(id, sizeof id, "%lld", (long long)v[i].id);
            if (v[i].plan_version > 0) snprintf(ver, sizeof ver, "%d", v[i].plan_version);
            else ver[0] = '\0';
            /* several causes (lessons, actions) on one line, "; "-separated */
            buf_t txt[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
            text_join_lines(v[i].cause, _("; "), &txt[0]);
            text_join_lines(v[i].lesson, _("; "), &txt[1]);
            text_join_lines(v[i].action, _("; "), &txt[2]);
            const char *row[8] = {id,
                                  v[i].period_text ? v[i].period_text : "",
                                  v[i].goal_id ? v[i].goal_id : "",
                                  buf_cstr(&txt[0]),
                                  buf_cstr(&txt[1]),
                                  buf_cstr(&txt[2]),
                                  ver,
                                  v[i].created_at ? v[i].created_at : ""};
            tableout_row(t, row);
            for (int k = 0; k < 3; k++) buf_free(&txt[k]);
        }
        buf_t b = BUF_INIT;
        tableout_render(t, &b);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
        tableout_free(t);
    }
done:
    reviews_free(v, n);
    plan_free(plan);
    store_close(st);
    err_free(&err);
    return rc;
}
