/*
 * cmd_import.c — `salesplan import TABLE FILE [--encoding ENC]
 * [--skip-bad REJECTS.csv] [--quiet]`: one CSV file into one table, all or
 * nothing (io/import.c does the work; this parses options, decides whether
 * to show progress and prints the summary).
 */
#include <errno.h>
#include <getopt.h>
#include <iconv.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../io/import.h"
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

int import_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"encoding", required_argument, NULL, 'e'},
                                         {"skip-bad", required_argument, NULL, 's'},
                                         {"delimiter", required_argument, NULL, 'd'},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {NULL, 0, NULL, 0}};
    sp_import_opts io = {0};
    bool quiet = cli->quiet;
    int c;
    optind = 0;
    while ((c = getopt_long(argc, argv, "e:s:d:q", opts, NULL)) != -1) {
        if (c == 'e') io.csv.encoding = optarg;
        else if (c == 's') io.skip_bad = optarg;
        else if (c == 'q') quiet = true;
        else if (c == 'd') {
            if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0) io.csv.delimiter = '\t';
            else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n' && optarg[0] != '\r')
                io.csv.delimiter = optarg[0];
            else return cli_usage_error("import", _("--delimiter takes one character or 'tab', not '%s'"), optarg);
        } else return cli_usage_error("import", "%s", _("unknown option"));
    }
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
    /* the file first: a missing file is said before anything is opened */
    struct stat sb;
    if (strcmp(path, "-") != 0 && (stat(path, &sb) != 0 || access(path, R_OK) != 0)) {
        fprintf(stderr, "salesplan: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (strcmp(path, "-") != 0 && S_ISREG(sb.st_mode))
        io.progress = !quiet && isatty(STDERR_FILENO) && sb.st_size > 4 * 1024 * 1024;
    /* the rejects file must be neither the input nor the workspace */
    sp_out_guard guard = cli_out_guard(cli, path);
    if (io.skip_bad && cli_check_output(io.skip_bad, &guard)) return 2;

    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_import_stats stats;
    sp_import_info info;
    int rc = 0;
    if (!import_file_ex(st, (sp_table)t, path, &io, quiet ? NULL : stderr, &stats, &info, &err)) {
        rc = cli_fail(&err);
    } else if (!quiet) {
        char b[32];
        printf(_("%s: %s rows imported from %s (%s)\n"), tname, group(stats.imported, b), path, info.encoding);
        if (io.skip_bad) {
            printf(_("%s: %s bad rows written to %s\n"), tname, group(stats.rejected, b), io.skip_bad);
        }
    }
    store_close(st);
    err_free(&err);
    return rc;
}
