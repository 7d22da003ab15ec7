/*
 * cmd_plan_diff.c — `salesplan plan versions` (every stored version of a
 * plan with when and why it was stored) and `salesplan plan diff V1 V2`
 * (what changed between two versions, as readable lines in Chinese or
 * English, or JSON). The comparison itself is core/plandiff.c; this file
 * only resolves the plan, loads both versions and renders.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/plandiff.h"
#include "../io/out.h"
#include "../io/plan_yaml.h"
#include "cli.h"

/* resolve_plan_id: id given, else --plan, else the workspace's only plan.
 * Returns a new string or NULL with the problem in err. */
static char *resolve_plan_id(sp_cli *cli, sp_store *st, const char *given, sp_err *err)
{
    if (given) return xstrdup(given);
    if (cli->plan_id) return xstrdup(cli->plan_id);
    sp_plan_info *infos = NULL;
    size_t n = 0;
    char *id = NULL;
    if (!st->ops->plan_list(st, &infos, &n, err)) return NULL;
    if (n == 1) id = xstrdup(infos[0].id);
    else if (n == 0) err_set(err, SP_EINVAL, "%s", cli_no_plan_msg());
    else err_set(err, SP_EUSAGE, "%s", _("the workspace has several plans: name one with --plan ID"));
    plan_info_free(infos, n);
    return id;
}

int plan_versions_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    if (cli_format_only("plan versions", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt)) return 2;
    if (optind + 1 < argc) return cli_usage_error("plan versions", "%s", _("expects at most one plan ID"));
    const char *given = optind < argc ? argv[optind] : NULL;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_plan_info *v = NULL;
    size_t n = 0;
    int rc = 0;
    char *id = resolve_plan_id(cli, st, given, &err);
    if (!id || !st->ops->plan_versions(st, id, &v, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    if (n == 0) {
        err_set(&err, SP_ENOTFOUND, _("no plan '%s' in the workspace"), id);
        rc = cli_fail(&err);
        goto done;
    }
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(arr, json_pack("{s:i, s:s?, s:s?, s:s?}", "version", v[i].version, "name",
                                                 v[i].name, "created_at", v[i].created_at, "reason", v[i].reason));
        json_t *o = json_pack("{s:s, s:o}", "plan", id, "versions", arr);
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s);
        free(s);
        json_decref(o);
    } else {
        sp_table_out *t = tableout_new(4);
        const char *head[4] = {_("version"), _("stored (UTC)"), _("name"), _("reason")};
        tableout_row(t, head);
        tableout_numeric(t, 0, true);
        for (size_t i = 0; i < n; i++) {
            char ver[16];
            snprintf(ver, sizeof ver, "%d", v[i].version);
            const char *row[4] = {ver, v[i].created_at ? v[i].created_at : "", v[i].name ? v[i].name : "",
                                  v[i].reason ? v[i].reason : ""};
            tableout_row(t, row);
        }
        buf_t b = BUF_INIT;
        tableout_render(t, &b);
        printf(_("plan %s: %zu version(s)\n"), id, n);
        fputs(buf_cstr(&b), stdout);
        buf_free(&b);
        tableout_free(t);
    }
done:
    free(id);
    plan_info_free(v, n);
    store_close(st);
    err_free(&err);
    return rc;
}

/* ---- rendering a diff ---- */

static const char *const entity_labels[DENT_COUNT] = {
    N_("plan"),     N_("group"),    N_("member"),          N_("goal"), N_("PEST factor"),
    N_("persona"),  N_("capability"), N_("strategy"),      N_("task"), N_("budget"),
    N_("budget category"), N_("tier"), N_("alerts"),       N_("notification"),
};

/* field keys of the plan file and their display labels */
static const struct {
    const char *key, *label;
} field_labels[] = {
    {"id", N_("id")},
    {"name", N_("name")},
    {"period", N_("period")},
    {"currency", N_("currency")},
    {"timezone", N_("time zone")},
    {"fiscal_year_start", N_("fiscal year start")},
    {"pacing", N_("pacing")},
    {"check.max_growth", N_("max growth")},
    {"focus", N_("focus")},
    {"role", N_("role")},
    {"group", N_("group")},
    {"capacity.visits_per_month", N_("visits per month")},
    {"parent", N_("parent goal")},
    {"type", N_("type")},
    {"metric", N_("metric")},
    {"target", N_("target")},
    {"owner", N_("owner")},
    {"direction", N_("direction")},
    {"per", N_("per")},
    {"supports", N_("supports")},
    {"filter", N_("filter")},
    {"factor", N_("factor")},
    {"effect", N_("effect")},
    {"impact", N_("impact")},
    {"text", N_("text")},
    {"industry", N_("industry")},
    {"size", N_("size")},
    {"pains", N_("pains")},
    {"decision_chain", N_("decision chain")},
    {"premium", N_("premium")},
    {"kind", N_("kind")},
    {"category", N_("category")},
    {"goals", N_("goals")},
    {"answers", N_("answers")},
    {"priority", N_("priority")},
    {"strategy", N_("strategy")},
    {"collaborators", N_("collaborators")},
    {"start", N_("start")},
    {"due", N_("due")},
    {"depends_on", N_("depends on")},
    {"milestone", N_("milestone")},
    {"deliverable", N_("deliverable")},
    {"budget", N_("budget")},
    {"budget.category", N_("budget category")},
    {"budget.amount", N_("budget amount")},
    {"resources", N_("resources")},
    {"total", N_("total")},
    {"share", N_("share")},
    {"min", N_("minimum")},
    {"review_every_days", N_("review every (days)")},
    {"stale_followup_days", N_("stale follow-up (days)")},
    {"escalate_after_days", N_("escalate after (days)")},
    {"goal_off_pace_below", N_("goal off pace below")},
    {"budget_overrun_above", N_("budget overrun above")},
    {"task_overdue", N_("task overdue")},
    {"tier_review_due", N_("tier review due")},
    {"url", N_("URL")},
    {"secret_env", N_("secret variable")},
    {"secret_file", N_("secret file")},
    {"to", N_("to")},
    {"to_owner", N_("to owner")},
    {"at", N_("send at")},
    {"weekly_pack", N_("weekly pack on")},
    {"email", N_("e-mail address")},
    {"mobile", N_("mobile")},
    {"im_id", N_("IM id")},
};

static const char *field_label(const char *key)
{
    for (size_t i = 0; i < sizeof field_labels / sizeof field_labels[0]; i++)
        if (strcmp(field_labels[i].key, key) == 0) return _(field_labels[i].label);
    return key;
}

/* json_typed: a changed value as JSON: null when absent (text NULL), money
 * as a number with two decimals, ratios as fractions, whole numbers as
 * integers, flags as true/false, dates and text as strings. */
static void json_typed(buf_t *o, sp_diff_vtype t, const char *text, int64_t v)
{
    if (!text) {
        buf_puts(o, "null");
        return;
    }
    switch (t) {
    case DV_MONEY: out_json_money(o, v); break;
    case DV_RATIO: out_json_ratio(o, (sp_ratio)v); break;
    case DV_INT: buf_printf(o, "%lld", (long long)v); break;
    case DV_HUNDREDTHS: out_json_hundredths(o, v); break;
    case DV_BOOL: buf_puts(o, v ? "true" : "false"); break;
    default: out_json_string(o, text); break;
    }
}

/* render_change: one line (no newline) for change c, in the process
 * language, appended to out. */
static void render_change(const sp_diff_change *c, buf_t *out)
{
    const char *ent = _(entity_labels[c->entity]);
    /* the subject: "goal revenue-q4", or just "budget" when it has no id */
    char *subj = *c->id ? xasprintf("%s %s", ent, c->id) : xstrdup(ent);
    const char *none = _("(none)");
    switch (c->kind) {
    case DIFF_ADDED:
        if (c->new_text) buf_printf(out, _("%s added: %s"), subj, c->new_text);
        else buf_printf(out, _("%s added"), subj);
        break;
    case DIFF_REMOVED:
        if (c->old_text) buf_printf(out, _("%s removed: %s"), subj, c->old_text);
        else buf_printf(out, _("%s removed"), subj);
        break;
    default:
        if (!c->old_text && !c->new_text)
            buf_printf(out, _("%s: %s changed"), subj, field_label(c->field));
        else
            buf_printf(out, _("%s: %s %s → %s"), subj, field_label(c->field), c->old_text ? c->old_text : none,
                       c->new_text ? c->new_text : none);
        break;
    }
    free(subj);
}

/* parse_version: a version number >= 1, or -1. */
static int parse_version(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 1000000) return -1;
    return (int)v;
}

/* load_version: version v of plan id, parsed; NULL with err. */
static sp_plan *load_version(sp_store *st, const char *id, int v, sp_err *err)
{
    char *text = NULL;
    if (!st->ops->plan_get(st, id, v, &text, err)) return NULL;
    char *name = xasprintf("%s@%d", id, v);
    sp_plan *p = plan_yaml_parse(text, strlen(text), name, err);
    free(name);
    free(text);
    return p;
}

int plan_diff_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    if (cli_format_only("plan diff", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt)) return 2;
    if (optind + 2 != argc) return cli_usage_error("plan diff", "%s", _("expects two version numbers V1 V2"));
    int v1 = parse_version(argv[optind]), v2 = parse_version(argv[optind + 1]);
    if (v1 < 0 || v2 < 0)
        return cli_usage_error("plan diff", _("a version is a number from 1, not '%s'"),
                               v1 < 0 ? argv[optind] : argv[optind + 1]);
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    int rc = 0;
    sp_plan *a = NULL, *b = NULL;
    sp_plan_info *infos = NULL;
    size_t ninfos = 0;
    sp_plan_diff d = {0};
    char *id = resolve_plan_id(cli, st, NULL, &err);
    if (!id || !(a = load_version(st, id, v1, &err)) || !(b = load_version(st, id, v2, &err))) {
        rc = cli_fail(&err);
        goto done;
    }
    plan_diff(a, b, &d);
    /* the reason the newer version was stored, when known */
    const char *reason = NULL;
    if (st->ops->plan_versions(st, id, &infos, &ninfos, &err))
        for (size_t i = 0; i < ninfos; i++)
            if (infos[i].version == v2) reason = infos[i].reason;
    err_clear(&err);
    if (fmt == FMT_JSON) {
        /* hand-written so money keeps its two decimals exactly (SPEC §6) */
        buf_t o = BUF_INIT, line = BUF_INIT;
        buf_puts(&o, "{\n  \"plan\": ");
        out_json_string(&o, id);
        buf_printf(&o, ",\n  \"from\": %d,\n  \"to\": %d,\n  \"reason\": ", v1, v2);
        out_json_string(&o, reason);
        buf_puts(&o, ",\n  \"changes\": [");
        for (size_t i = 0; i < d.n; i++) {
            const sp_diff_change *x = &d.v[i];
            buf_clear(&line);
            render_change(x, &line);
            buf_puts(&o, i ? ",\n    {" : "\n    {");
            buf_puts(&o, "\"kind\": ");
            out_json_string(&o, diff_kind_name(x->kind));
            buf_puts(&o, ", \"entity\": ");
            out_json_string(&o, diff_entity_name(x->entity));
            buf_puts(&o, ", \"id\": ");
            out_json_string(&o, x->id);
            buf_puts(&o, ", \"field\": ");
            out_json_string(&o, x->field);
            buf_puts(&o, ", \"old\": ");
            json_typed(&o, x->vtype, x->old_text, x->old_v);
            buf_puts(&o, ", \"new\": ");
            json_typed(&o, x->vtype, x->new_text, x->new_v);
            buf_puts(&o, ", \"text\": ");
            out_json_string(&o, buf_cstr(&line));
            buf_putc(&o, '}');
        }
        buf_puts(&o, d.n ? "\n  ]\n}\n" : "]\n}\n");
        buf_free(&line);
        rc = cli_emit(&o);
    } else {
        printf(_("plan %s: version %d → version %d\n"), id, v1, v2);
        if (reason) printf(_("reason: %s\n"), reason);
        if (d.n == 0) puts(_("no changes"));
        buf_t line = BUF_INIT;
        for (size_t i = 0; i < d.n; i++) {
            buf_clear(&line);
            render_change(&d.v[i], &line);
            printf("  %s\n", buf_cstr(&line));
        }
        buf_free(&line);
        if (d.n) printf(_("%zu change(s)\n"), d.n);
    }
done:
    plan_diff_free(&d);
    plan_info_free(infos, ninfos);
    plan_free(a);
    plan_free(b);
    free(id);
    store_close(st);
    err_free(&err);
    return rc;
}
