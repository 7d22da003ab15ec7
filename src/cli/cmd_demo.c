/*
 * cmd_demo.c — `salesplan demo`: a workspace with the example plan and
 * synthetic CRM data fitted to it (io/demo_data.c), for trying every
 * command at once.
 *
 * Owns: the options (--scale, --seed, --as-of, --force; --db and --lang are
 * global), the refusal to overwrite a workspace that holds data (unless
 * --force, which deletes the file and its -wal/-shm first), and the summary
 * printed afterwards (rows per table, plan versions, time taken, what to try
 * next). The language of the plan and data is the interface language
 * (--lang, else the locale). The as-of date is today in the plan's time zone
 * (cli_today, so SALESPLAN_TODAY pins it) unless --as-of says otherwise.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../io/demo_data.h"
#include "cli.h"

/* holds_data: whether the workspace at url has any record or plan. *failed
 * is set (and the error printed) when it cannot be opened. */
static bool holds_data(const char *url, bool *failed)
{
    sp_err err = SP_ERR_INIT;
    *failed = false;
    sp_store *st = store_open(url, STORE_READ, &err);
    if (!st) {
        cli_fail(&err);
        err_free(&err);
        *failed = true;
        return false;
    }
    bool any = false;
    for (int t = 0; t < TBL_COUNT && !any; t++) {
        int64_t n = 0;
        if (st->ops->count(st, (sp_table)t, &n, &err) && n > 0) any = true;
    }
    sp_plan_info *infos = NULL;
    size_t np = 0;
    if (!any && st->ops->plan_list(st, &infos, &np, &err) && np > 0) any = true;
    plan_info_free(infos, np);
    store_close(st);
    err_free(&err);
    return any;
}

/* remove_workspace: deletes path and its -wal / -shm; false with a message
 * when the main file cannot be deleted. */
static bool remove_workspace(const char *path)
{
    static const char *const sfx[] = {"-wal", "-shm", "-journal"};
    if (unlink(path) != 0 && errno != ENOENT) {
        fprintf(stderr, "salesplan: %s: %s\n", path, sys_errmsg(errno));
        return false;
    }
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        char *p = xasprintf("%s%s", path, sfx[i]);
        unlink(p);
        free(p);
    }
    return true;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int demo_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"scale", required_argument, NULL, 'n'},
                                         {"seed", required_argument, NULL, 's'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    sp_demo_opts o = {.lang = i18n_lang(), .scale = 1, .seed = 1, .as_of = SP_DAY_NONE};
    bool force = false, quiet = cli->quiet;
    const char *why;
    int c;
    cli_opts op = CLI_OPTS("demo", "fq", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'n': {
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno || !end || *end || end == optarg || v < 1 || v > 1000)
                return cli_usage_error("demo", _("--scale wants a whole number from 1 to 1000, not '%s'"), optarg);
            o.scale = (int)v;
            break;
        }
        case 's': {
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || !end || *end || end == optarg || optarg[0] == '-')
                return cli_usage_error("demo", _("--seed wants a whole number, not '%s'"), optarg);
            o.seed = (uint64_t)v;
            break;
        }
        case 'a':
            if (!date_parse(optarg, &o.as_of, &why))
                return cli_usage_error("demo", _("--as-of '%s' is not a date YYYY-MM-DD (%s)"), optarg, why);
            break;
        case 'f': force = true; break;
        case 'q': quiet = true; break;
        default:
            return cli_usage_error("demo", _("unknown option '%s'"), argv[optind - 1]);
        }
    }
    if (op.rc) return op.rc;
    if (optind < argc) return cli_usage_error("demo", _("unexpected argument '%s'"), argv[optind]);

    sp_err err = SP_ERR_INIT;
    sp_plan *plan = demo_plan_parse(o.lang, &err);
    if (!plan) { /* the embedded example is broken: a bug */
        int rc = cli_fail(&err);
        err_free(&err);
        return rc;
    }
    bool pinned = o.as_of != SP_DAY_NONE;
    if (!pinned) o.as_of = cli_today(plan->timezone);

    const char *url = store_default_url(cli->db);
    bool is_file = strstr(url, "://") == NULL;
    struct stat sb;
    bool existed = is_file && stat(url, &sb) == 0;
    if (!is_file || (existed && sb.st_size > 0)) {
        bool failed;
        bool any = holds_data(url, &failed);
        if (failed) {
            plan_free(plan);
            return 1;
        }
        if (any && !force) {
            fprintf(stderr, _("salesplan: %s already holds data; use --force to replace it, or --db to name "
                              "another workspace\n"),
                    url);
            plan_free(plan);
            return 1;
        }
        if (any && !is_file) {
            fprintf(stderr, _("salesplan: --force can only replace a workspace file, not %s\n"), url);
            plan_free(plan);
            return 1;
        }
        if (any && !remove_workspace(url)) {
            plan_free(plan);
            return 1;
        }
        if (any) existed = false;
    }

    double t0 = now_seconds();
    sp_store *st = store_open(url, STORE_CREATE, &err);
    if (!st) {
        int rc = cli_fail(&err);
        err_free(&err);
        plan_free(plan);
        return rc;
    }
    sp_demo_summary sum;
    bool ok = demo_build(st, plan, &o, &sum, &err);
    store_close(st);
    double secs = now_seconds() - t0;
    if (!ok) {
        int rc = cli_fail(&err);
        err_free(&err);
        if (is_file && !existed) remove_workspace(url); /* no half-made demo */
        plan_free(plan);
        return rc;
    }

    if (!quiet) {
        char d1[16], d2[16];
        printf(_("Demo workspace created: %s\n"), url);
        char seed[24];
        snprintf(seed, sizeof seed, "%" PRIu64, o.seed);
        printf(_("Plan %s (%s), data %s .. %s, scale %d, seed %s\n\n"), plan->id, plan->name,
               day_format(sum.first_day, d1), day_format(o.as_of, d2), o.scale, seed);
        int64_t total = 0;
        for (int t = 0; t < TBL_COUNT; t++) {
            const char *name = table_name((sp_table)t);
            printf("  %s%*s %10" PRId64 "\n", name, (int)(12 - utf8_width(name)), "", sum.rows[t]);
            total += sum.rows[t];
        }
        const char *tot = _("total");
        size_t w = utf8_width(tot);
        printf("  %s%*s %10" PRId64 "\n", tot, (int)(w < 12 ? 12 - w : 0), "", total);
        printf(_("\nplan versions: %d, reviews: %d, task states: %d\n"), sum.plan_versions, sum.reviews,
               sum.task_states);
        printf(_("Created in %.2f s.\n\n"), secs);
        printf("%s\n", _("Try next:"));
        char *dbopt = cli->db ? xasprintf(" --db %s", cli->db) : xstrdup("");
        char *asof = pinned ? xasprintf(" --as-of %s", d2) : xstrdup("");
        int y = 2026, m, d;
        if (plan->period.first != SP_DAY_NONE) day_to_ymd(plan->period.first, &y, &m, &d);
        printf("  salesplan%s status%s\n", dbopt, asof);
        printf("  salesplan%s alerts%s\n", dbopt, asof);
        printf("  salesplan%s kpi revenue --period %d --by month%s\n", dbopt, y, asof);
        free(dbopt);
        free(asof);
    }
    plan_free(plan);
    err_free(&err);
    return 0;
}
