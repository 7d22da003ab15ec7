/*
 * cmd_import.c — `salesplan import TABLE FILE [--encoding ENC]
 * [--skip-bad REJECTS.csv] [--strict] [--quiet] [--sheet NAME]`: one CSV
 * file (or one sheet of a workbook) into one
 * table, all or nothing (io/import.c does the work; this parses options,
 * loads the plans the references are checked against, decides whether to
 * show progress and prints the summary).
 */
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/import.h"
#include "../io/plan_yaml.h"
#include "cli.h"

/* group: "1,234,567" into buf (>= 32 bytes). */
static const char *group(size_t n, char *buf)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%zu", n);
    size_t o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* the import's notes and warnings, one line each on standard error */
static void print_note(void *ctx, const sp_import_note *n)
{
    fprintf((FILE *)ctx, "%s\n", n->text);
}

/* the progress line, rewritten in place; a newline after the last */
static void print_progress(void *ctx, const sp_import_progress *p)
{
    FILE *f = ctx;
    char b[32];
    fprintf(f, _("\rimporting %s: %d%% (%s rows)"), table_name(p->table), p->percent, group(p->rows, b));
    if (p->done) fputc('\n', f);
    fflush(f);
}

int import_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"encoding", required_argument, NULL, 'e'},
                                         {"skip-bad", required_argument, NULL, 's'},
                                         {"delimiter", required_argument, NULL, 'd'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"strict", no_argument, NULL, 'S'},
                                         {"sheet", required_argument, NULL, 'W'},
                                         {NULL, 0, NULL, 0}};
    sp_import_opts io = {0};
    bool quiet = cli->quiet;
    int c;
    cli_opts op = CLI_OPTS("import", "e:s:d:q", opts, NULL);
    while ((c = cli_getopt(&op, argc, argv)) != -1) {
        if (c == 'e') io.csv.encoding = optarg;
        else if (c == 's') io.skip_bad = optarg;
        else if (c == 'q') quiet = true;
        else if (c == 'S') io.strict = true;
        else if (c == 'W') io.sheet = optarg;
        else if (c == 'd') {
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0) io.csv.delimiter = '\t';
            else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n' && optarg[0] != '\r')
                io.csv.delimiter = optarg[0];
            else return cli_usage_error("import", _("--delimiter takes one character or 'tab', not '%s'"), optarg);
        } else return cli_usage_error("import", "%s", _("unknown option"));
    }
    if (op.rc) return op.rc;
    if (argc - optind != 2) return cli_usage_error("import", "%s", _("expects TABLE and FILE"));
    const char *tname = argv[optind], *path = argv[optind + 1];
    int t = table_from_name(tname);
    if (t < 0)
        return cli_usage_error("import", _("unknown table '%s' (reps customers leads deals activities invoices spend)"),
                               tname);
    if (io.csv.encoding) {
        iconv_t cd = iconv_open("UTF-8", io.csv.encoding);
        if (cd == (iconv_t)-1)
            return cli_usage_error("import", _("unknown encoding '%s' (e.g. UTF-8, GB18030, GBK, UTF-16LE, BIG5)"),
                                   io.csv.encoding);
        iconv_close(cd);
    }
    if (io.sheet && !str_ieq(path + (strlen(path) > 5 ? strlen(path) - 5 : 0), ".xlsx"))
        return cli_usage_error("import", "%s", _("--sheet is for workbooks (FILE.xlsx)"));
    /* the file first: a missing file is said before anything is opened */
    struct stat sb;
    if (strcmp(path, "-") != 0 && (stat(path, &sb) != 0 || access(path, R_OK) != 0)) {
        fprintf(stderr, "salesplan: %s: %s\n", path, sys_errmsg(errno));
        return 1;
    }
    if (!quiet) io.sink = (sp_import_sink){.note = print_note, .ctx = stderr};
    if (strcmp(path, "-") != 0 && S_ISREG(sb.st_mode) && !quiet && isatty(STDERR_FILENO) &&
        sb.st_size > 4 * 1024 * 1024)
        io.sink.progress = print_progress;
    /* the rejects file must be neither the input nor the workspace */
    sp_out_guard guard = cli_out_guard(cli, path);
    if (io.skip_bad && cli_check_output(io.skip_bad, &guard)) return 2;

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    /* the plans whose team, budget categories, strategies and tasks the
     * references are checked against: --plan, else every plan */
    sp_plan **plans = NULL;
    size_t nplans = 0;
    sp_plan_info *infos = NULL;
    size_t ninfos = 0;
    if (cli->plan_id) {
        bool failed;
        sp_plan *p = cli_load_plan(cli, st, &failed);
        if (failed) {
            store_close(st);
            return 1;
        }
        if (p) {
            plans = xcalloc(1, sizeof *plans);
            plans[nplans++] = p;
        }
    } else if (st->ops->plan_list(st, &infos, &ninfos, &err)) {
        plans = xcalloc(ninfos ? ninfos : 1, sizeof *plans);
        for (size_t i = 0; i < ninfos; i++) {
            char *text = NULL;
            sp_err perr = SP_ERR_INIT;
            if (st->ops->plan_get(st, infos[i].id, 0, &text, &perr)) {
                sp_plan *p = plan_yaml_parse(text, strlen(text), infos[i].id, &perr);
                if (p) plans[nplans++] = p;
            }
            free(text);
            err_free(&perr);
        }
        plan_info_free(infos, ninfos);
    } else {
        int rc = cli_fail(&err);
        store_close(st);
        err_free(&err);
        return rc;
    }
    io.plans = (const sp_plan *const *)plans;
    io.nplans = nplans;
    sp_import_stats stats;
    sp_import_info info;
    int rc = 0;
    if (!import_file_ex(st, (sp_table)t, path, &io, &stats, &info, &err)) {
        rc = cli_fail(&err);
    } else if (!quiet) {
        char b[32];
        printf(_("%s: %s rows imported from %s (%s)\n"), tname, group(stats.imported, b), path, info.encoding);
        if (stats.matched)
            printf(_("%s: %s names matched to ids (see docs/IMPORT.md, References)\n"), tname,
                   group(stats.matched, b));
        if (stats.warnings)
            printf(_("%s: %s references kept as they are, with a warning (--strict refuses them)\n"), tname,
                   group(stats.warnings, b));
        if (io.skip_bad) {
            printf(_("%s: %s bad rows written to %s\n"), tname, group(stats.rejected, b), io.skip_bad);
        }
    }
    for (size_t i = 0; i < nplans; i++) plan_free(plans[i]);
    free(plans);
    store_close(st);
    err_free(&err);
    return rc;
}
