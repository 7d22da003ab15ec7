/*
 * cmd_review.c — `salesplan review add|list`: the monthly review record of
 * SPEC §1 step 6 (causes of misses, lessons from over-achievement,
 * adjustments decided), kept per plan in the workspace and optionally
 * pointing at the plan version the review led to. This file parses and
 * renders; validation (period, goal, version, text sizes) and storage are
 * the verbs app_review_add / app_review_list (app/app_review.c).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "cli.h"

/* add_item: appends one --cause / --lesson / --action text to v (the
 * count-th of its kind), after app_review_item_check. An empty text is
 * ignored. Returns 0, or 2 after printing a usage error (too long, not
 * UTF-8, several lines, too many). */
static int add_item(const char *opt, const char *s, const char ***v, size_t *n)
{
    if (!*s) return 0;
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_review_item_check(opt, s, (int)*n + 1, &err)) {
        const char *m = buf_cstr(&err.msg);
        rc = cli_usage_error("review add", "%.*s", (int)strcspn(m, "\n"), m);
    } else {
        *v = xreallocarray(*v, *n + 1, sizeof **v);
        (*v)[(*n)++] = s;
    }
    err_free(&err);
    return rc;
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
    const char **items[3] = {NULL, NULL, NULL}; /* cause, lesson, action */
    size_t counts[3] = {0, 0, 0};
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
    if (!urc && !counts[0] && !counts[1] && !counts[2])
        urc = cli_usage_error("review add", "%s", _("give at least one of --cause, --lesson, --action"));
    if (urc) {
        for (int k = 0; k < 3; k++) free(items[k]);
        return urc;
    }

    sp_store *st = cli_open_store(cli, false);
    if (!st) {
        for (int k = 0; k < 3; k++) free(items[k]);
        return 1;
    }
    sp_review_add_req rq = {.period = period, .goal_id = goal, .causes = items[0], .ncauses = counts[0],
                            .lessons = items[1], .nlessons = counts[1], .actions = items[2], .nactions = counts[2],
                            .plan_version = version};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_review_add_res res = {0};
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    if (!app_review_add(&rq, &res, &err)) rc = cli_app_fail("review add", &err, res.bad_param);
    else printf(_("review %lld recorded\n"), (long long)res.id);
    for (int k = 0; k < 3; k++) free(items[k]);
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
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_review_list_req rq = {.period = period};
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    sp_review_list_res res;
    memset(&res, 0, sizeof res);
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    const sp_review *v = NULL;
    size_t n = 0;
    if (!app_review_list(&rq, &res, &err)) {
        rc = cli_app_fail("review list", &err, res.bad_param);
        goto done;
    }
    v = res.v;
    n = res.n;
    if (fmt == FMT_JSON) {
        buf_t b = BUF_INIT;
        app_review_list_json(&res, &b);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
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
    app_review_list_free(&res);
    store_close(st);
    err_free(&err);
    return rc;
}
