/*
 * cmd_serve.c — `salesplan serve`: options, then the server (src/web/),
 * with the reminder scheduler (src/notify/schedule.c) started once it
 * listens and stopped at SIGTERM (unless --no-notify).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../notify/schedule.h"
#include "../web/server.h"
#include "cli.h"

#undef _
#define _(s) tr_lang(i18n_lang(), s)

static bool uint_opt(const char *name, const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    char *end;
    long x = strtol(v, &end, 10);
    if (*end || end == v || x < (long)lo || x > (long)hi) {
        cli_usage_error("serve", _("--%s must be a whole number from %u to %u"), name, lo, hi);
        return false;
    }
    *out = (unsigned)x;
    return true;
}

typedef struct sched_hook {
    sp_sched_config cfg;
    sp_notify_sched *sched;
} sched_hook;

static void sched_on_listen(void *arg)
{
    sched_hook *h = arg;
    sp_err err = SP_ERR_INIT;
    h->sched = notify_sched_start(&h->cfg, &err);
    if (!h->sched) fprintf(stderr, "salesplan serve: %s\n", buf_cstr(&err.msg));
    err_free(&err);
}

static void sched_on_stop(void *arg)
{
    sched_hook *h = arg;
    notify_sched_stop(h->sched);
    h->sched = NULL;
}

/* hint_first_user: on stderr, how to make the first user when the
 * workspace has none (nobody could sign in). Silent on any failure: the
 * server reports those itself. */
static void hint_first_user(const char *url)
{
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(url, STORE_READ, &err);
    sp_user_rec *v = NULL;
    size_t n = 0;
    bool known = st && st->ops->user_list(st, &v, &n, &err);
    user_recs_free(v, n);
    if (st) store_close(st);
    err_free(&err);
    if (known && n == 0)
        fprintf(stderr, "salesplan serve: %s\n",
                _("no user can sign in yet: run 'salesplan init' (it adds the first admin and prints its password) "
                  "or 'salesplan user add LOGIN --role admin'"));
}

int serve_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, 0, 'l'},
                                         {"log-format", required_argument, 0, 'f'},
                                         {"threads", required_argument, 0, 't'},
                                         {"max-connections", required_argument, 0, 'c'},
                                         {"per-ip", required_argument, 0, 'p'},
                                         {"request-timeout", required_argument, 0, 'T'},
                                         {"secure-cookies", no_argument, 0, 's'},
                                         {"list-routes", no_argument, 0, 'L'},
                                         {"base-url", required_argument, 0, 'b'},
                                         {"no-notify", no_argument, 0, 'N'},
                                         {0, 0, 0, 0}};
    cli_opts o = CLI_OPTS("serve", "", opts, NULL);
    web_config cfg = {.listen = WEB_DEFAULT_LISTEN, .threads = 4, .max_connections = 256, .per_ip = 64,
                      .request_timeout = 30, .log = stderr};
    bool list = false, no_notify = false;
    const char *base_url = getenv("SALESPLAN_BASE_URL");
    const char *threads = NULL, *maxc = NULL, *perip = NULL, *timeout = NULL;
    int c;
    while ((c = cli_getopt(&o, argc, argv)) != -1) {
        switch (c) {
        case 'l': cfg.listen = optarg; break;
        case 'f':
            if (str_eq(optarg, "json")) cfg.log_json = true;
            else if (!str_eq(optarg, "text"))
                return cli_usage_error("serve", _("unknown log format '%s' (text, json)"), optarg);
            break;
        case 't': threads = optarg; break;
        case 'c': maxc = optarg; break;
        case 'p': perip = optarg; break;
        case 'T': timeout = optarg; break;
        case 's': cfg.secure_cookies = true; break;
        case 'L': list = true; break;
        case 'b': base_url = optarg; break;
        case 'N': no_notify = true; break;
        default: break;
        }
    }
    if (o.rc) return o.rc;
    if ((threads && !uint_opt("threads", threads, 1, 64, &cfg.threads)) ||
        (maxc && !uint_opt("max-connections", maxc, 1, 10000, &cfg.max_connections)) ||
        (perip && !uint_opt("per-ip", perip, 1, 10000, &cfg.per_ip)) ||
        (timeout && !uint_opt("request-timeout", timeout, 1, 3600, &cfg.request_timeout)))
        return 2;
    if (optind != argc) return cli_usage_error("serve", "%s", _("takes no arguments"));
    if (list) {
        buf_t out = BUF_INIT;
        web_list_routes(&out);
        return cli_emit(&out);
    }
    cfg.db_url = store_default_url(cli->db);
    cfg.today = cli_pinned_today();
    if (base_url && *base_url && strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0)
        return cli_usage_error("serve", _("--base-url must start with http:// or https:// (got '%s')"), base_url);
    sched_hook hook = {{cfg.db_url, base_url && *base_url ? base_url : NULL, stderr}, NULL};
    if (!no_notify) {
        cfg.on_listen = sched_on_listen;
        cfg.on_stop = sched_on_stop;
        cfg.hook_arg = &hook;
    }
    hint_first_user(cfg.db_url);
    sp_err err = SP_ERR_INIT;
    /* one load per request on every worker: the snapshot is mapped and
     * verified once, not per request */
    store_snapshot_cache(true);
    int rc = web_serve(&cfg, &err) ? 0 : cli_fail(&err);
    store_snapshot_cache(false);
    err_free(&err);
    return rc;
}
