/*
 * cmd_notify.c — `salesplan notify [--dry-run] [--as-of DATE] [--channel ID]
 * [--format text|json] [--base-url URL]`: parses the options, opens the workspace and the
 * plan, picks the messages' language, calls notify_run (src/notify) and
 * renders what happened to each message. Exit 0 when every message went
 * out (or had gone out earlier that day), 1 when any failed, 2 on usage.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "../notify/notify.h"
#include "cli.h"

static const char *outcome_label(sp_notify_outcome o)
{
    switch (o) {
    case NOTIFY_SENT: return _("sent");
    case NOTIFY_FAILED: return _("FAILED");
    case NOTIFY_ALREADY_SENT: return _("already sent today");
    case NOTIFY_IN_FLIGHT: return _("being sent by another process");
    case NOTIFY_DRY_RUN: return _("would send");
    default: return "?";
    }
}

static void render_text(const sp_notify_result *r, bool dry, buf_t *out)
{
    char db[16];
    for (size_t i = 0; i < r->n; i++) {
        const sp_notify_msg *m = &r->v[i];
        if (dry && m->outcome == NOTIFY_DRY_RUN) {
            buf_printf(out, "==== %s → %s (%s)", m->channel, m->recipient_name, m->recipient);
            if (m->pack) buf_printf(out, _(", weekly pack %s"), m->pack);
            if (m->address) buf_printf(out, " <%s>", m->address);
            buf_puts(out, " ====\n");
            if (m->answer) buf_printf(out, _("would fail: %s\n"), m->answer);
            if (m->url) buf_printf(out, "%s %s\n", str_eq(m->kind, "email") ? "SMTP" : "POST", m->url);
            buf_printf(out, "%s\n%s\n", m->title, m->text);
            buf_printf(out, "---- %s ----\n%s\n\n", _("payload"), m->payload ? m->payload : "");
            continue;
        }
        buf_printf(out, "%s: %s → %s (%s)", outcome_label(m->outcome), m->channel, m->recipient_name, m->recipient);
        if (m->pack) buf_printf(out, _(", weekly pack %s"), m->pack);
        if (m->outcome == NOTIFY_SENT || m->outcome == NOTIFY_DRY_RUN)
            buf_printf(out, _(", reminders: %zu"), m->nalerts);
        if (m->outcome == NOTIFY_FAILED && m->answer) {
            if (m->attempts > 1) buf_printf(out, _(": %s (after %d attempts)"), m->answer, m->attempts);
            else buf_printf(out, ": %s", m->answer);
        }
        buf_putc(out, '\n');
    }
    buf_printf(out, _("Reminders for %s: %zu alerts, %zu messages: %zu sent, %zu failed, %zu already sent, %zu "
                      "in flight"),
               day_format(r->day, db), r->nalerts, r->n, r->count[NOTIFY_SENT], r->count[NOTIFY_FAILED],
               r->count[NOTIFY_ALREADY_SENT], r->count[NOTIFY_IN_FLIGHT]);
    if (dry) buf_printf(out, _(", %zu would be sent (dry run)"), r->count[NOTIFY_DRY_RUN]);
    buf_putc(out, '\n');
}

static void render_json(const sp_notify_result *r, bool dry, buf_t *out)
{
    buf_puts(out, "{\"day\": ");
    out_json_day(out, r->day);
    buf_printf(out, ", \"dry_run\": %s, \"alerts\": %zu, \"counts\": {", dry ? "true" : "false", r->nalerts);
    for (int k = 0; k < NOTIFY_OUTCOME_COUNT; k++)
        buf_printf(out, "%s\"%s\": %zu", k ? ", " : "", notify_outcome_name((sp_notify_outcome)k), r->count[k]);
    buf_puts(out, "}, \"messages\": [");
    for (size_t i = 0; i < r->n; i++) {
        const sp_notify_msg *m = &r->v[i];
        buf_puts(out, i ? ",\n  {" : "\n  {");
        buf_puts(out, "\"channel\": ");
        out_json_string(out, m->channel);
        buf_puts(out, ", \"kind\": ");
        out_json_string(out, m->kind);
        buf_puts(out, ", \"recipient\": ");
        out_json_string(out, m->recipient);
        buf_puts(out, ", \"name\": ");
        out_json_string(out, m->recipient_name);
        buf_puts(out, ", \"address\": ");
        out_json_string(out, m->address);
        buf_puts(out, ", \"weekly_pack\": ");
        out_json_string(out, m->pack);
        buf_puts(out, ", \"outcome\": ");
        out_json_string(out, notify_outcome_name(m->outcome));
        buf_printf(out, ", \"attempts\": %d, \"status\": %ld, \"answer\": ", m->attempts, m->http_status);
        out_json_string(out, m->answer);
        buf_printf(out, ", \"reminders\": %s, \"title\": ", m->what ? m->what : "[]");
        out_json_string(out, m->title);
        buf_puts(out, ", \"text\": ");
        out_json_string(out, m->text);
        buf_puts(out, ", \"payload\": ");
        out_json_string(out, m->payload);
        buf_putc(out, '}');
    }
    buf_puts(out, r->n ? "\n]}\n" : "]}\n");
}

int notify_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"dry-run", no_argument, NULL, 'n'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"channel", required_argument, NULL, 'c'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"base-url", required_argument, NULL, 'b'},
                                         {NULL, 0, NULL, 0}};
    const char *as_of_s = NULL, *channel = NULL, *base_url = getenv("SALESPLAN_BASE_URL");
    bool dry = false, json = false;
    int c;
    cli_opts op = CLI_OPTS("notify", "na:c:f:b:", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        switch (c) {
        case 'n': dry = true; break;
        case 'a': as_of_s = optarg; break;
        case 'c': channel = optarg; break;
        case 'b': base_url = optarg; break;
        case 'f':
            if (str_eq(optarg, "json")) json = true;
            else if (str_eq(optarg, "text")) json = false;
            else return cli_usage_error("notify", _("unknown format '%s' (%s)"), optarg, "text, json");
            break;
        default: return cli_usage_error("notify", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("notify", _("unexpected argument '%s'"), argv[optind]);
    sp_day as_of;
    if (cli_parse_as_of("notify", as_of_s, &as_of)) return 2;
    sp_store *st;
    sp_plan *plan;
    if (cli_open_plan(cli, true, &st, &plan)) return 1;
    as_of = cli_as_of(as_of, plan);

    sp_notify_opts o;
    notify_opts_init(&o);
    o.dry_run = dry;
    o.channel = channel;
    /* the team's language: --lang, else Chinese for a plan written in Chinese */
    o.lang = cli->lang_set ? i18n_lang() : notify_lang(plan, i18n_lang());
    o.base_url = base_url && *base_url ? base_url : NULL;
    sp_notify_result r;
    memset(&r, 0, sizeof r);
    sp_err err = SP_ERR_INIT;
    int rc;
    if (!plan->nnotify && !channel) {
        fprintf(stderr, "salesplan: %s\n", _("the plan has no notify: section: nothing to send (see docs/NOTIFY.md)"));
        rc = 0;
    } else if (!notify_run(st, plan, as_of, &o, &r, &err)) {
        rc = err.cls == SP_EUSAGE ? (fprintf(stderr, "salesplan notify: %s", buf_cstr(&err.msg)), 2) : cli_fail(&err);
    } else {
        buf_t out = BUF_INIT;
        if (json) render_json(&r, dry, &out);
        else render_text(&r, dry, &out);
        rc = cli_emit(&out);
        if (!rc && r.count[NOTIFY_FAILED]) rc = 1;
        if (!dry && r.count[NOTIFY_FAILED])
            fprintf(stderr, "salesplan: %s\n", _("some reminders did not go out (see above); run notify again to retry"));
    }
    notify_result_free(&r);
    err_free(&err);
    plan_free(plan);
    store_close(st);
    return rc;
}
