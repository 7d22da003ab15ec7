/*
 * cmd_user.c — `salesplan user add|passwd|list|disable|enable` and
 * `salesplan token add|revoke|list`: the users of the web face and their
 * API tokens (src/web/auth.h: Argon2id hashes, tokens kept as SHA-256).
 * A password comes from standard input (--password-stdin, first line) or
 * is generated and printed once; a token is printed once. The checks and
 * the writes are the app verbs' (app/app_users.h), shared with the admin
 * page of the web face: this file parses and prints.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../app/app_users.h"
#include "cli.h"

/* cli's _(): the process language (web.h redefines it for the server) */
#undef _
#define _(s) tr_lang(i18n_lang(), s)

static bool start(void)
{
    if (auth_init()) return true;
    fprintf(stderr, "salesplan: %s\n", _("cannot start the crypto library (libsodium)"));
    return false;
}

/* read_password: the first line of stdin (without the newline); NULL and a
 * message when it is not a valid password. */
static char *read_password(const char *cmd)
{
    char line[AUTH_PASSWORD_MAX + 4];
    if (!fgets(line, sizeof line, stdin)) {
        cli_usage_error(cmd, "%s", _("--password-stdin: no password on standard input"));
        return NULL;
    }
    size_t n = strlen(line);
    if (n && line[n - 1] == '\n') line[--n] = 0;
    if (n && line[n - 1] == '\r') line[--n] = 0;
    const char *why = auth_password_problem(line);
    if (why) {
        fprintf(stderr, "salesplan %s: %s\n", cmd, why);
        return NULL;
    }
    return xstrdup(line);
}

int user_add_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, 0, 'r'},  {"rep", required_argument, 0, 'p'},
                                         {"groups", required_argument, 0, 'g'}, {"name", required_argument, 0, 'n'},
                                         {"language", required_argument, 0, 'l'},
                                         {"password-stdin", no_argument, 0, 's'}, {0, 0, 0, 0}};
    cli_opts o = CLI_OPTS("user add", "", opts, NULL);
    const char *role = NULL, *rep = NULL, *groups = NULL, *name = NULL, *lang = NULL;
    bool from_stdin = false;
    int c;
    while ((c = cli_getopt(&o, argc, argv)) != -1) {
        switch (c) {
        case 'r': role = optarg; break;
        case 'p': rep = optarg; break;
        case 'g': groups = optarg; break;
        case 'n': name = optarg; break;
        case 'l': lang = optarg; break;
        case 's': from_stdin = true; break;
        default: break;
        }
    }
    if (o.rc) return o.rc;
    if (optind + 1 != argc) return cli_usage_error("user add", "%s", _("give one LOGIN"));
    if (!role) return cli_usage_error("user add", "%s", _("--role is required (admin, manager, rep, viewer)"));
    if (str_eq(role, "rep") && !rep)
        return cli_usage_error("user add", "%s", _("a rep needs --rep REP_ID (the rep whose records they see)"));
    if (str_eq(role, "manager") && !groups)
        return cli_usage_error("user add", "%s", _("a manager needs --groups G,... (the plan groups they see)"));
    if (!start()) return 1;
    char *pw = NULL;
    if (from_stdin && !(pw = read_password("user add"))) return 1;
    sp_store *st = cli_open_store(cli, false);
    if (!st) {
        free(pw);
        return 1;
    }
    sp_err err = SP_ERR_INIT;
    sp_user_add_req rq;
    memset(&rq, 0, sizeof rq);
    cli_app_req(cli, st, SP_DAY_NONE, &rq.r);
    rq.login = argv[optind];
    rq.role = role;
    rq.rep = rep;
    rq.groups = groups;
    rq.name = name;
    rq.lang = lang;
    rq.password = pw;
    sp_user_secret res = {0};
    int rc = 0;
    if (!app_user_add(&rq, &res, &err)) {
        rc = cli_app_fail("user add", &err, res.bad_param);
    } else {
        if (!cli->quiet) printf(_("user %s added (%s)\n"), rq.login, role);
        if (res.secret) printf(_("password (shown once): %s\n"), res.secret);
    }
    app_user_secret_free(&res);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    err_free(&err);
    store_close(st);
    return rc;
}

int user_passwd_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"password-stdin", no_argument, 0, 's'}, {0, 0, 0, 0}};
    cli_opts o = CLI_OPTS("user passwd", "", opts, NULL);
    bool from_stdin = false;
    int c;
    while ((c = cli_getopt(&o, argc, argv)) != -1)
        if (c == 's') from_stdin = true;
    if (o.rc) return o.rc;
    if (optind + 1 != argc) return cli_usage_error("user passwd", "%s", _("give one LOGIN"));
    if (!start()) return 1;
    char *pw = NULL;
    if (from_stdin && !(pw = read_password("user passwd"))) return 1;
    sp_store *st = cli_open_store(cli, false);
    int rc = 1;
    sp_err err = SP_ERR_INIT;
    sp_user_secret res = {0};
    if (st) {
        sp_app_req rq;
        cli_app_req(cli, st, SP_DAY_NONE, &rq);
        if (!app_user_passwd(&rq, argv[optind], pw, &res, &err)) {
            rc = cli_app_fail("user passwd", &err, res.bad_param);
        } else {
            rc = 0;
            if (!cli->quiet) printf(_("password of %s changed; their sessions are ended\n"), argv[optind]);
            if (res.secret) printf(_("password (shown once): %s\n"), res.secret);
        }
        store_close(st);
    }
    app_user_secret_free(&res);
    if (pw) {
        memset(pw, 0, strlen(pw));
        free(pw);
    }
    err_free(&err);
    return rc;
}

static int set_disabled(sp_cli *cli, int argc, char **argv, const char *cmd, bool disabled)
{
    int rc = 0;
    static const struct option none[] = {{0, 0, 0, 0}};
    cli_opts o = CLI_OPTS(cmd, "", none, NULL);
    while (cli_getopt(&o, argc, argv) != -1) {
    }
    if (o.rc) return o.rc;
    if (optind + 1 != argc) return cli_usage_error(cmd, "%s", _("give one LOGIN"));
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (!app_user_set_disabled(&rq, argv[optind], disabled, &err))
        rc = cli_fail(&err);
    else if (!cli->quiet)
        printf(disabled ? _("user %s disabled: their sessions and tokens no longer work\n") : _("user %s enabled\n"),
               argv[optind]);
    err_free(&err);
    store_close(st);
    return rc;
}

int user_disable_cmd(sp_cli *cli, int argc, char **argv) { return set_disabled(cli, argc, argv, "user disable", true); }
int user_enable_cmd(sp_cli *cli, int argc, char **argv) { return set_disabled(cli, argc, argv, "user enable", false); }

int user_list_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    int rc = cli_format_only("user list", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt);
    if (rc) return rc;
    if (optind != argc) return cli_usage_error("user list", "%s", _("takes no arguments"));
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_user_rec *v = NULL;
    size_t n = 0;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (!app_user_list(&rq, &v, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    buf_t out = BUF_INIT;
    if (fmt == FMT_JSON) {
        app_users_json(v, n, &out);
    } else {
        buf_printf(&out, "%-20s %-8s %-12s %-20s %s\n", _("LOGIN"), _("ROLE"), _("REP"), _("GROUPS"), _("STATE"));
        for (size_t i = 0; i < n; i++)
            buf_printf(&out, "%-20s %-8s %-12s %-20s %s\n", v[i].login, v[i].role, v[i].rep_id ? v[i].rep_id : "-",
                       v[i].groups ? v[i].groups : "-", v[i].disabled ? _("disabled") : _("active"));
    }
    rc = cli_emit(&out);
done:
    user_recs_free(v, n);
    err_free(&err);
    store_close(st);
    return rc;
}

int token_add_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option opts[] = {{"label", required_argument, 0, 'l'}, {0, 0, 0, 0}};
    cli_opts o = CLI_OPTS("token add", "", opts, NULL);
    const char *label = NULL;
    int c;
    while ((c = cli_getopt(&o, argc, argv)) != -1)
        if (c == 'l') label = optarg;
    if (o.rc) return o.rc;
    if (optind + 1 != argc) return cli_usage_error("token add", "%s", _("give one LOGIN"));
    if (!start()) return 1;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    int rc = 0;
    sp_err err = SP_ERR_INIT;
    sp_user_secret res = {0};
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (!app_token_add(&rq, argv[optind], label, &res, &err)) {
        rc = cli_app_fail("token add", &err, res.bad_param);
    } else {
        if (!cli->quiet) printf(_("token %lld of %s added; shown once:\n"), (long long)res.id, argv[optind]);
        printf("%s\n", res.secret);
    }
    app_user_secret_free(&res);
    err_free(&err);
    store_close(st);
    return rc;
}

int token_revoke_cmd(sp_cli *cli, int argc, char **argv)
{
    static const struct option none[] = {{0, 0, 0, 0}};
    cli_opts o = CLI_OPTS("token revoke", "", none, NULL);
    while (cli_getopt(&o, argc, argv) != -1) {
    }
    if (o.rc) return o.rc;
    if (optind + 1 != argc) return cli_usage_error("token revoke", "%s", _("give one token ID"));
    char *end;
    long long id = strtoll(argv[optind], &end, 10);
    if (*end || end == argv[optind] || id <= 0)
        return cli_usage_error("token revoke", _("bad token id '%s' (see 'salesplan token list')"), argv[optind]);
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    int rc = 0;
    sp_err err = SP_ERR_INIT;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (!app_token_revoke(&rq, id, &err)) rc = cli_fail(&err);
    else if (!cli->quiet) printf(_("token %lld revoked\n"), id);
    err_free(&err);
    store_close(st);
    return rc;
}

int token_list_cmd(sp_cli *cli, int argc, char **argv)
{
    int fmt = FMT_TABLE;
    int rc = cli_format_only("token list", argc, argv, 1u << FMT_TABLE | 1u << FMT_JSON, &fmt);
    if (rc) return rc;
    if (optind != argc) return cli_usage_error("token list", "%s", _("takes no arguments"));
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    sp_err err = SP_ERR_INIT;
    sp_token_rec *v = NULL;
    size_t n = 0;
    sp_app_req rq;
    cli_app_req(cli, st, SP_DAY_NONE, &rq);
    if (!app_token_list(&rq, &v, &n, &err)) {
        rc = cli_fail(&err);
    } else {
        buf_t out = BUF_INIT;
        if (fmt == FMT_JSON) {
            app_tokens_json(v, n, &out);
        } else {
            buf_printf(&out, "%-6s %-20s %-10s %-20s %s\n", _("ID"), _("LOGIN"), _("STATE"), _("CREATED"),
                       _("LABEL"));
            for (size_t i = 0; i < n; i++)
                buf_printf(&out, "%-6lld %-20s %-10s %-20s %s\n", (long long)v[i].id, v[i].login,
                           v[i].revoked ? _("revoked") : _("active"), v[i].created_at,
                           v[i].label ? v[i].label : "");
        }
        rc = cli_emit(&out);
    }
    token_recs_free(v, n);
    err_free(&err);
    store_close(st);
    return rc;
}
