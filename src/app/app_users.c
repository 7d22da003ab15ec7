/*
 * app_users.c — users and API tokens as verbs (see app_users.h): the
 * checks of a login, role, scope fields, password and label; Argon2id
 * hashes and random secrets (libsodium); each write in one transaction;
 * the JSON shapes of `user list` and `token list`.
 *
 * Owns: the password and login rules. Prints nothing; no SQL (the store's
 * user_* and token_* verbs).
 */
#include "app_users.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../io/out.h"
#include "app_int.h"

#define PW_OPS 2u
#define PW_MEM (19u * 1024u * 1024u)

/* ---- primitives ---- */

bool auth_init(void) { return sodium_init() >= 0; }

static bool has_ctl(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return true;
    return false;
}

const char *auth_password_problem(const char *pw)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < AUTH_PASSWORD_MIN) return _("the password is too short (at least 8 characters)");
    if (n > AUTH_PASSWORD_MAX) return _("the password is too long (at most 256 bytes)");
    if (!utf8_valid(pw, n) || has_ctl(pw)) return _("the password holds invalid characters");
    return NULL;
}

const char *auth_login_problem(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0) return _("the login is empty");
    if (n > AUTH_LOGIN_MAX) return _("the login is too long (at most 64 bytes)");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
              *p == '_' || *p == '-' || *p == '@'))
            return _("a login holds only letters, digits and . _ - @");
    return NULL;
}

bool auth_password_hash(const char *pw, char **out, sp_err *err)
{
    char h[crypto_pwhash_argon2id_STRBYTES];
    if (crypto_pwhash_argon2id_str(h, pw, strlen(pw), PW_OPS, PW_MEM) != 0) {
        err_set(err, SP_EINTERNAL, "%s", _("cannot hash the password (out of memory)"));
        return false;
    }
    *out = xstrdup(h);
    return true;
}

bool auth_password_ok(const char *hash, const char *pw)
{
    if (!hash || !pw) return false;
    return crypto_pwhash_argon2id_str_verify(hash, pw, strlen(pw)) == 0;
}

char *auth_random(size_t nbytes)
{
    unsigned char raw[64];
    if (nbytes > sizeof raw) nbytes = sizeof raw;
    randombytes_buf(raw, nbytes);
    size_t len = sodium_base64_ENCODED_LEN(nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(len);
    sodium_bin2base64(out, len, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    return out;
}

void auth_secret_hash(const char *secret, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)secret, strlen(secret));
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* ---- helpers ---- */

void app_user_secret_free(sp_user_secret *s)
{
    if (s->secret) {
        sodium_memzero(s->secret, strlen(s->secret));
        free(s->secret);
    }
    s->secret = NULL;
}

static bool usage(sp_user_secret *res, sp_err *err, const char *msg)
{
    err_set(err, SP_EUSAGE, "%s", msg);
    if (res) res->bad_param = true;
    return false;
}

static bool role_ok(const char *r)
{
    return r && (str_eq(r, "admin") || str_eq(r, "manager") || str_eq(r, "rep") || str_eq(r, "viewer"));
}

/* text_ok: at most max bytes of UTF-8 without control characters. */
static bool text_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    return n <= max && utf8_valid(s, n) && !has_ctl(s);
}

static bool groups_ok(const char *g)
{
    if (!*g || strlen(g) > APP_GROUPS_MAX || g[0] == ',' || g[strlen(g) - 1] == ',' || strstr(g, ",,"))
        return false;
    for (const char *p = g; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == ' ' || *p == 0x7f) return false;
    return utf8_valid(g, strlen(g));
}

/* hash_new: the password given (checked) or a generated one (into
 * res->secret), hashed into *hash. */
static bool hash_new(const char *password, sp_user_secret *res, char **hash, sp_err *err)
{
    if (password) {
        const char *why = auth_password_problem(password);
        if (why) return usage(res, err, why);
    } else {
        res->secret = auth_random(12);
        password = res->secret;
    }
    return auth_password_hash(password, hash, err);
}

static bool load_user(sp_store *st, const char *login, sp_user_rec *u, sp_err *err)
{
    if (!login || auth_login_problem(login)) {
        err_set(err, SP_ENOTFOUND, _("no user '%s'"), login ? login : "");
        return false;
    }
    return st->ops->user_get(st, login, 0, u, err);
}

/* ---- users ---- */

bool app_user_add(const sp_user_add_req *rq, sp_user_secret *res, sp_err *err)
{
    sp_lang old = app_lang_enter(&rq->r);
    sp_store *st = rq->r.st;
    bool ok = false;
    char *hash = NULL;
    const char *why = auth_login_problem(rq->login);
    int lang = rq->lang && *rq->lang ? i18n_lang_parse(rq->lang) : LANG_COUNT;
    if (why) usage(res, err, why);
    else if (!role_ok(rq->role)) usage(res, err, _("the role is one of admin, manager, rep, viewer"));
    else if (str_eq(rq->role, "rep") && !(rq->rep && *rq->rep))
        usage(res, err, _("a rep needs the rep whose records they see"));
    else if (rq->rep && *rq->rep && !text_ok(rq->rep, 200)) usage(res, err, _("the rep id is not valid"));
    else if (str_eq(rq->role, "manager") && !(rq->groups && *rq->groups))
        usage(res, err, _("a manager needs the plan groups they see"));
    else if (rq->groups && *rq->groups && !groups_ok(rq->groups))
        usage(res, err, _("groups: group ids separated by commas, without spaces"));
    else if (rq->name && !text_ok(rq->name, APP_USER_NAME_MAX))
        usage(res, err, _("the name is at most 200 bytes of UTF-8 on one line"));
    else if (lang < 0) usage(res, err, _("the language is zh or en"));
    else if (hash_new(rq->password, res, &hash, err)) {
        sp_user_rec u;
        memset(&u, 0, sizeof u);
        u.login = (char *)rq->login;
        u.role = (char *)rq->role;
        u.rep_id = rq->rep && *rq->rep ? (char *)rq->rep : NULL;
        u.groups = rq->groups && *rq->groups ? (char *)rq->groups : NULL;
        u.name = rq->name && *rq->name ? (char *)rq->name : NULL;
        u.lang = lang == LANG_ZH ? (char *)"zh" : lang == LANG_EN ? (char *)"en" : NULL;
        u.pw_hash = hash;
        if (st->ops->begin(st, err)) {
            if (st->ops->user_put(st, &u, true, &res->id, err) && st->ops->commit(st, err)) ok = true;
            else st->ops->rollback(st);
        }
        if (!ok && err->cls == SP_ECONFLICT) {
            err_clear(err);
            err_set(err, SP_ECONFLICT, _("a user '%s' exists already"), rq->login);
        }
    }
    if (!ok) app_user_secret_free(res);
    free(hash);
    app_lang_leave(old);
    return ok;
}

bool app_user_passwd(const sp_app_req *r, const char *login, const char *password, sp_user_secret *res,
                     sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    sp_store *st = r->st;
    sp_user_rec u;
    memset(&u, 0, sizeof u);
    bool ok = false;
    if (load_user(st, login, &u, err)) {
        char *hash = NULL;
        if (hash_new(password, res, &hash, err)) {
            free(u.pw_hash);
            u.pw_hash = hash;
            res->id = u.id;
            /* a new password ends every session of the user */
            if (st->ops->begin(st, err)) {
                if (st->ops->user_put(st, &u, false, NULL, err) && st->ops->session_delete(st, NULL, u.id, 0, err) &&
                    st->ops->commit(st, err))
                    ok = true;
                else st->ops->rollback(st);
            }
        }
    }
    if (!ok) app_user_secret_free(res);
    user_rec_clear(&u);
    app_lang_leave(old);
    return ok;
}

/* enabled_admins: how many admins are not disabled. */
static bool enabled_admins(sp_store *st, size_t *n, sp_err *err)
{
    sp_user_rec *v = NULL;
    size_t nv = 0;
    *n = 0;
    if (!st->ops->user_list(st, &v, &nv, err)) return false;
    for (size_t i = 0; i < nv; i++) *n += str_eq(v[i].role, "admin") && !v[i].disabled;
    user_recs_free(v, nv);
    return true;
}

bool app_user_set_disabled(const sp_app_req *r, const char *login, bool disabled, sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    sp_store *st = r->st;
    sp_user_rec u;
    memset(&u, 0, sizeof u);
    bool ok = false;
    if (!st->ops->begin(st, err)) goto out;
    if (!load_user(st, login, &u, err)) goto fail;
    if (disabled && !u.disabled && str_eq(u.role, "admin")) {
        size_t n = 0;
        if (!enabled_admins(st, &n, err)) goto fail;
        if (n <= 1) {
            err_set(err, SP_ECONFLICT, _("%s is the last enabled admin: add or enable another admin first"), u.login);
            goto fail;
        }
    }
    u.disabled = disabled;
    if (!st->ops->user_put(st, &u, false, NULL, err) ||
        (disabled && !st->ops->session_delete(st, NULL, u.id, 0, err)) || !st->ops->commit(st, err))
        goto fail;
    ok = true;
    goto out;
fail:
    st->ops->rollback(st);
out:
    user_rec_clear(&u);
    app_lang_leave(old);
    return ok;
}

bool app_user_list(const sp_app_req *r, sp_user_rec **out, size_t *n, sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    bool ok = r->st->ops->user_list(r->st, out, n, err);
    for (size_t i = 0; ok && i < *n; i++) {
        free((*out)[i].pw_hash);
        (*out)[i].pw_hash = NULL;
    }
    app_lang_leave(old);
    return ok;
}

void app_users_json(const sp_user_rec *v, size_t n, buf_t *out)
{
    buf_puts(out, "{\"users\":[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(out, i ? ",{\"login\":" : "{\"login\":");
        out_json_string(out, v[i].login);
        buf_puts(out, ",\"name\":");
        out_json_text(out, v[i].name);
        buf_puts(out, ",\"role\":");
        out_json_string(out, v[i].role);
        buf_puts(out, ",\"rep\":");
        out_json_text(out, v[i].rep_id);
        buf_puts(out, ",\"groups\":");
        out_json_text(out, v[i].groups);
        buf_printf(out, ",\"disabled\":%s,\"created_at\":", v[i].disabled ? "true" : "false");
        out_json_string(out, v[i].created_at);
        buf_puts(out, "}");
    }
    buf_puts(out, "]}\n");
}

bool app_first_admin(const sp_app_req *r, const char *login, sp_user_secret *res, bool *created, sp_err *err)
{
    *created = false;
    sp_user_rec *v = NULL;
    size_t n = 0;
    if (!r->st->ops->user_list(r->st, &v, &n, err)) return false;
    user_recs_free(v, n);
    if (n) return true;
    sp_user_add_req rq;
    memset(&rq, 0, sizeof rq);
    rq.r = *r;
    rq.login = login;
    rq.role = "admin";
    if (!app_user_add(&rq, res, err)) {
        if (err->cls != SP_ECONFLICT) return false;
        err_clear(err);   /* another process made the first user meanwhile */
        return true;
    }
    *created = true;
    return true;
}

/* ---- tokens ---- */

bool app_token_add(const sp_app_req *r, const char *login, const char *label, sp_user_secret *res, sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    sp_store *st = r->st;
    sp_user_rec u;
    memset(&u, 0, sizeof u);
    bool ok = false;
    if (label && !text_ok(label, APP_TOKEN_LABEL_MAX)) {
        usage(res, err, _("the label is at most 200 bytes of UTF-8 on one line"));
    } else if (load_user(st, login, &u, err)) {
        char *tok = auth_random(32);
        res->secret = xasprintf("sp_%s", tok);
        sodium_memzero(tok, strlen(tok));
        free(tok);
        char h[65];
        auth_secret_hash(res->secret, h);
        if (st->ops->begin(st, err)) {
            if (st->ops->token_put(st, h, u.id, label && *label ? label : NULL, &res->id, err) &&
                st->ops->commit(st, err))
                ok = true;
            else st->ops->rollback(st);
        }
    }
    if (!ok) app_user_secret_free(res);
    user_rec_clear(&u);
    app_lang_leave(old);
    return ok;
}

bool app_token_revoke(const sp_app_req *r, int64_t id, sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    sp_store *st = r->st;
    bool ok = false;
    if (st->ops->begin(st, err)) {
        if (st->ops->token_revoke(st, id, err) && st->ops->commit(st, err)) ok = true;
        else st->ops->rollback(st);
    }
    app_lang_leave(old);
    return ok;
}

bool app_token_list(const sp_app_req *r, sp_token_rec **out, size_t *n, sp_err *err)
{
    sp_lang old = app_lang_enter(r);
    bool ok = r->st->ops->token_list(r->st, out, n, err);
    app_lang_leave(old);
    return ok;
}

void app_tokens_json(const sp_token_rec *v, size_t n, buf_t *out)
{
    buf_puts(out, "{\"tokens\":[");
    for (size_t i = 0; i < n; i++) {
        buf_printf(out, "%s{\"id\":%lld,\"login\":", i ? "," : "", (long long)v[i].id);
        out_json_string(out, v[i].login);
        buf_puts(out, ",\"label\":");
        out_json_text(out, v[i].label);
        buf_printf(out, ",\"revoked\":%s,\"created_at\":", v[i].revoked ? "true" : "false");
        out_json_string(out, v[i].created_at);
        buf_puts(out, "}");
    }
    buf_puts(out, "]}\n");
}
