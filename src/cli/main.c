/*
 * main.c — entry point: global options (--db, --plan, --lang, --version,
 * --help) anywhere on the line, then dispatch through the command table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void print_overview(void)
{
    printf("%s\n\n", _("salesplan — turn a sales target into a tracked plan"));
    printf("%s: salesplan [--db PATH|URL] [--plan ID] [--lang zh|en] COMMAND [ARGS]\n\n", _("Usage"));
    printf("%s:\n", _("Commands"));
    for (size_t i = 0; i < sp_ncommands; i++) {
        const char *n = sp_commands[i].name;
        size_t w = utf8_width(n);
        printf("  %s%*s  %s\n", n, (int)(w < 16 ? 16 - w : 0), "", _(sp_commands[i].summary));
    }
    printf("\n%s\n", _("Run 'salesplan COMMAND --help' for the options of a command."));
    printf("%s\n", _("The workspace is --db, else $SALESPLAN_DB, else ./salesplan.db."));
}

/* take_opt: if argv[i] is --name VALUE or --name=VALUE, store the value,
 * remove the option from argv and return true. */
static bool take_opt(int *argc, char **argv, int i, const char *name, const char **val, bool *bad)
{
    size_t n = strlen(name);
    const char *a = argv[i];
    if (strncmp(a, name, n) != 0) return false;
    int drop;
    if ((a[n] == '=' || a[n] == '\0') && *val) { /* never silently overwritten */
        fprintf(stderr, "salesplan: %s %s\n", name, _("given twice"));
        *bad = true;
        return true;
    }
    if (a[n] == '=') {
        *val = a + n + 1;
        drop = 1;
    } else if (a[n] == '\0') {
        if (i + 1 >= *argc) {
            fprintf(stderr, "salesplan: %s %s\n", name, _("needs a value"));
            *bad = true;
            return true;
        }
        *val = argv[i + 1];
        drop = 2;
    } else {
        return false;
    }
    memmove(argv + i, argv + i + drop, (size_t)(*argc - i - drop + 1) * sizeof *argv);
    *argc -= drop;
    return true;
}

int main(int argc, char **argv)
{
    sp_cli cli = {0};
    i18n_set_lang(i18n_lang_from_env());
    const char *lang = NULL;
    bool bad = false;
    for (int i = 1; i < argc && !bad;) {
        if (strcmp(argv[i], "--") == 0) break;
        if (take_opt(&argc, argv, i, "--db", &cli.db, &bad)) continue;
        if (take_opt(&argc, argv, i, "--plan", &cli.plan_id, &bad)) continue;
        if (take_opt(&argc, argv, i, "--lang", &lang, &bad)) continue;
        i++;
    }
    if (bad) return 2;
    if (lang) {
        int l = i18n_lang_parse(lang);
        if (l < 0) {
            fprintf(stderr, "salesplan: --lang: %s '%s' (zh, en)\n", _("unknown language"), lang);
            return 2;
        }
        i18n_set_lang((sp_lang)l);
        cli.lang_set = true;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        if (argc >= 3 && strcmp(argv[1], "help") == 0) {
            const sp_command *c = cli_find(argv[2]);
            if (c) return cli_help(c);
        }
        print_overview();
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("salesplan %s\n", SP_VERSION);
        return 0;
    }
    /* sub-commands: "plan import" etc. */
    const sp_command *cmd = NULL;
    int skip = 1;
    if (argc >= 3) {
        char two[128];
        snprintf(two, sizeof two, "%s %s", argv[1], argv[2]);
        cmd = cli_find(two);
        if (cmd) skip = 2;
    }
    if (!cmd) cmd = cli_find(argv[1]);
    if (!cmd) {
        /* a group name alone ("plan"): list its sub-commands */
        bool group = false;
        size_t n = strlen(argv[1]);
        for (size_t i = 0; i < sp_ncommands; i++) {
            if (strncmp(sp_commands[i].name, argv[1], n) == 0 && sp_commands[i].name[n] == ' ') {
                if (!group) printf("%s:\n", _("Commands"));
                group = true;
                printf("  %-16s  %s\n", sp_commands[i].name, _(sp_commands[i].summary));
            }
        }
        if (group) {
            bool help = argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0);
            return help ? 0 : 2;
        }
        fprintf(stderr, "salesplan: %s '%s'. %s\n", _("unknown command"), argv[1],
                _("Run 'salesplan --help' for the list."));
        return 2;
    }
    for (int i = skip; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return cli_help(cmd);
    }
    /* readers open the workspace read-only; a writer kept waiting by
     * another says so on a terminal */
    cli.writes = cmd->writes;
    if (isatty(STDERR_FILENO) == 1) store_set_wait_notice(stderr);
    /* argv for the handler: argv[0] = command name */
    return cmd->fn(&cli, argc - skip, argv + skip);
}
