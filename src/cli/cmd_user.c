/*
 * cmd_user.c — `salesplan user add|passwd|list|disable|enable` and
 * `salesplan token add|revoke|list`: the users of the web face and their
 * API tokens (src/web/auth.h: Argon2id hashes, tokens kept as SHA-256).
 * A password comes from standard input (--password-stdin, first line) or
 * is generated and printed once; a token is printed once.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "../web/auth.h"
#include "../web/web.h"
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

/* new_password: from stdin, or generated (then *generated). */
static char *new_password(const char *cmd, bool from_stdin, bool *generated)
{
    *generated = !from_stdin;
    return from_stdin ? read_password(cmd) : auth_random(12);
}

static bool valid_groups(const char *g)
{
    if (strlen(g) > 1024) return false;
    for (const char *p = g; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == ' ') return false;
    return true;
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
    const char *login = argv[optind];
    const char *why = auth_login_problem(login);
    if (why) return cli_usage_error("user add", "%s: '%s'", why, login);
    if (!role) return cli_usage_error("user add", "%s", _("--role is required (admin, manager, rep, viewer)"));
    if (!web_role_parse(role))
        return cli_usage_error("user add", _("unknown role '%s' (admin, manager, rep, viewer)"), role);
    if (str_eq(role, "rep") && !rep)
        return cli_usage_error("user add", "%s", _("a rep needs --rep REP_ID (the rep whose records they see)"));
    if (str_eq(role, "manager") && !groups)
        return cli_usage_error("user add", "%s", _("a manager needs --groups G,... (the plan groups they see)"));
    if (groups && !valid_groups(groups))
        return cli_usage_error("user add", "%s", _("--groups: group ids separated by commas, without spaces"));
    if (lang && i18n_lang_parse(lang) < 0)
        return cli_usage_error("user add", _("unknown language '%s' (zh, en)"), lang);
    if (!start()) return 1;
    bool generated;
    char *pw = new_password("user add", from_stdin, &generated);
    if (!pw) return 1;
    sp_store *st = cli_open_store(cli, false);
    if (!st) {
        free(pw);
        return 1;
    }
    sp_err err = SP_ERR_INIT;
    sp_user_rec u = {0};
    u.login = (char *)login;
    u.role = (char *)role;
    u.rep_id = (char *)rep;
    u.groups = (char *)groups;
    u.name = (char *)name;
    u.lang = lang ? (char *)(i18n_lang_parse(lang) == LANG_ZH ? "zh" : "en") : NULL;
    int rc = 0;
    int64_t id = 0;
    if (!auth_password_hash(pw, &u.pw_hash, &err) || !st->ops->user_put(st, &u, true, &id, &err)) {
        rc = cli_fail(&err);
    } else {
        if (!cli->quiet) printf(_("user %s added (%s)\n"), login, role);
        if (generated) printf(_("password (shown once): %s\n"), pw);
    }
    free(u.pw_hash);
    memset(pw, 0, strlen(pw));
    free(pw);
    err_free(&err);
    store_close(st);
    return rc;
}

/* load_user: the user LOGIN (argv[optind]) or a printed error. */
static bool load_user(const char *cmd, sp_store *st, const char *login, sp_user_rec *u, int *rc)
{
    sp_err err = SP_ERR_INIT;
    bool ok = st->ops->user_get(st, login, 0, u, &err);
    if (!ok) *rc = cli_fail(&err);
    (void)cmd;
    err_free(&err);
    return ok;
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
    bool generated;
    char *pw = new_password("user passwd", from_stdin, &generated);
    if (!pw) return 1;
    sp_store *st = cli_open_store(cli, false);
    int rc = 1;
    sp_user_rec u = {0};
    sp_err err = SP_ERR_INIT;
    if (!st) goto done;
    if (!load_user("user passwd", st, argv[optind], &u, &rc)) goto done;
    free(u.pw_hash);
    u.pw_hash = NULL;
    /* a new password ends every session of the user */
    if (!auth_password_hash(pw, &u.pw_hash, &err) || !st->ops->begin(st, &err) ||
        !st->ops->user_put(st, &u, false, NULL, &err) ||
        !st->ops->session_delete(st, NULL, u.id, 0, &err) || !st->ops->commit(st, &err)) {
        st->ops->rollback(st);
        rc = cli_fail(&err);
        goto done;
    }
    rc = 0;
    if (!cli->quiet) printf(_("password of %s changed; their sessions are ended\n"), u.login);
    if (generated) printf(_("password (shown once): %s\n"), pw);
done:
    memset(pw, 0, strlen(pw));
    free(pw);
    user_rec_clear(&u);
    err_free(&err);
    if (st) store_close(st);
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
    sp_user_rec u = {0};
    sp_err err = SP_ERR_INIT;
    if (load_user(cmd, st, argv[optind], &u, &rc)) {
        u.disabled = disabled;
        if (!st->ops->begin(st, &err) || !st->ops->user_put(st, &u, false, NULL, &err) ||
            (disabled && !st->ops->session_delete(st, NULL, u.id, 0, &err)) || !st->ops->commit(st, &err)) {
            st->ops->rollback(st);
            rc = cli_fail(&err);
        } else if (!cli->quiet) {
            printf(disabled ? _("user %s disabled: their sessions and tokens no longer work\n")
                            : _("user %s enabled\n"),
                   u.login);
        }
    }
    user_rec_clear(&u);
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
    if (!st->ops->user_list(st, &v, &n, &err)) {
        rc = cli_fail(&err);
        goto done;
    }
    buf_t out = BUF_INIT;
    if (fmt == FMT_JSON) {
        buf_puts(&out, "{\"users\":[");
        for (size_t i = 0; i < n; i++) {
            buf_puts(&out, i ? ",{\"login\":" : "{\"login\":");
            out_json_string(&out, v[i].login);
            buf_puts(&out, ",\"name\":");
            out_json_text(&out, v[i].name);
            buf_puts(&out, ",\"role\":");
            out_json_string(&out, v[i].role);
            buf_puts(&out, ",\"rep\":");
            out_json_text(&out, v[i].rep_id);
            buf_puts(&out, ",\"groups\":");
            out_json_text(&out, v[i].groups);
            buf_printf(&out, ",\"disabled\":%s,\"created_at\":", v[i].disabled ? "true" : "false");
            out_json_string(&out, v[i].created_at);
            buf_puts(&out, "}");
        }
        buf_puts(&out, "]}\n");
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
    if (label && (strlen(label) > 200 || !utf8_valid(label, strlen(label))))
        return cli_usage_error("token add", "%s", _("--label: at most 200 bytes of UTF-8"));
    if (!start()) return 1;
    sp_store *st = cli_open_store(cli, false);
    if (!st) return 1;
    int rc = 0;
    sp_user_rec u = {0};
    sp_err err = SP_ERR_INIT;
    if (load_user("token add", st, argv[optind], &u, &rc)) {
        char *tok = auth_random(32);
        char *full = xasprintf("sp_%s", tok);
        char h[65];
        auth_secret_hash(full, h);
        int64_t id = 0;
        if (!st->ops->token_put(st, h, u.id, label, &id, &err)) {
            rc = cli_fail(&err);
        } else {
            if (!cli->quiet) printf(_("token %lld of %s (%s) added; shown once:\n"), (long long)id, u.login, u.role);
            printf("%s\n", full);
        }
        memset(full, 0, strlen(full));
        free(full);
        free(tok);
    }
    user_rec_clear(&u);
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
    if (!st->ops->token_revoke(st, id, &err)) rc = cli_fail(&err);
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
    if (!st->ops->token_list(st, &v, &n, &err)) {
        rc = cli_fail(&err);
    } else {
        buf_t out = BUF_INIT;
        if (fmt == FMT_JSON) {
            buf_puts(&out, "{\"tokens\":[");
            for (size_t i = 0; i < n; i++) {
                buf_printf(&out, "%s{\"id\":%lld,\"login\":", i ? "," : "", (long long)v[i].id);
                out_json_string(&out, v[i].login);
                buf_puts(&out, ",\"label\":");
                out_json_text(&out, v[i].label);
                buf_printf(&out, ",\"revoked\":%s,\"created_at\":", v[i].revoked ? "true" : "false");
                out_json_string(&out, v[i].created_at);
                buf_puts(&out, "}");
            }
            buf_puts(&out, "]}\n");
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
