/*
 * auth.c — passwords (Argon2id), random secrets and their hashes, login
 * with rate limiting, sessions and bearer tokens (see auth.h).
 */
#include "auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"

/* a hash to verify against when the login does not exist, so that an
 * unknown login takes as long as a wrong password */
static char *dummy_hash(void)
{
    static char h[256];
    static int done;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        char *tmp = NULL;
        sp_err e = SP_ERR_INIT;
        if (auth_password_hash("not a password", &tmp, &e) && strlen(tmp) < sizeof h) {
            memcpy(h, tmp, strlen(tmp) + 1);
            __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
        }
        free(tmp);
        err_free(&e);
    }
    return __atomic_load_n(&done, __ATOMIC_ACQUIRE) ? h : NULL;
}

auth_result auth_login(sp_store *st, const char *login, const char *pw, const char *addr, int64_t now,
                       sp_user_rec *user, char **sid, char **csrf, int *retry_after, sp_err *err)
{
    *sid = *csrf = NULL;
    *retry_after = 0;
    memset(user, 0, sizeof *user);
    char ukey[AUTH_LOGIN_MAX + 8], akey[128];
    snprintf(ukey, sizeof ukey, "u:%.64s", login ? login : "");
    snprintf(akey, sizeof akey, "a:%.100s", addr ? addr : "?");
    int nu = 0, na = 0;
    int64_t since = now - AUTH_WINDOW;
    if (!st->ops->login_failures(st, ukey, false, now, since, &nu, err) ||
        !st->ops->login_failures(st, akey, false, now, since, &na, err))
        return AUTH_BAD;
    if (nu >= AUTH_MAX_FAIL_ACCOUNT || na >= AUTH_MAX_FAIL_ADDR) {
        *retry_after = AUTH_WINDOW;
        return AUTH_LOCKED;
    }
    sp_err e2 = SP_ERR_INIT;
    bool found = login && !auth_login_problem(login) && st->ops->user_get(st, login, 0, user, &e2);
    if (!found && e2.cls != SP_OK && e2.cls != SP_ENOTFOUND) {
        err_set(err, e2.cls, "%s", buf_cstr(&e2.msg));
        err_free(&e2);
        return AUTH_BAD;
    }
    err_free(&e2);
    bool ok;
    if (found && user->pw_hash && !user->disabled) {
        ok = auth_password_ok(user->pw_hash, pw);
    } else {
        const char *d = dummy_hash();
        if (d) (void)auth_password_ok(d, pw ? pw : "");
        ok = false;
    }
    if (!ok) {
        user_rec_clear(user);
        if (!st->ops->login_failures(st, ukey, true, now, since, &nu, err) ||
            !st->ops->login_failures(st, akey, true, now, since, &na, err))
            return AUTH_BAD;
        return AUTH_BAD;
    }
    char *s = auth_random(32), *c = auth_random(32);
    char h[65];
    auth_secret_hash(s, h);
    if (!st->ops->login_clear(st, ukey, err) ||
        !st->ops->session_put(st, h, user->id, c, now, now + AUTH_SESSION_TTL, err)) {
        free(s);
        free(c);
        user_rec_clear(user);
        return AUTH_BAD;
    }
    *sid = s;
    *csrf = c;
    return AUTH_OK;
}

bool auth_session(sp_store *st, const char *sid, int64_t now, sp_user_rec *user, char **csrf, sp_err *err)
{
    char h[65];
    int64_t uid = 0;
    memset(user, 0, sizeof *user);
    *csrf = NULL;
    auth_secret_hash(sid, h);
    if (!st->ops->session_get(st, h, now, &uid, csrf, err)) return false;
    if (!st->ops->user_get(st, NULL, uid, user, err)) {
        free(*csrf);
        *csrf = NULL;
        return false;
    }
    return true;
}

bool auth_token(sp_store *st, const char *tok, sp_user_rec *user, sp_err *err)
{
    char h[65];
    int64_t uid = 0;
    memset(user, 0, sizeof *user);
    auth_secret_hash(tok, h);
    if (!st->ops->token_get(st, h, &uid, err)) return false;
    return st->ops->user_get(st, NULL, uid, user, err);
}

bool auth_logout(sp_store *st, const char *sid, int64_t user_id, bool everywhere, int64_t now, sp_err *err)
{
    if (everywhere) return st->ops->session_delete(st, NULL, user_id, now, err);
    char h[65];
    auth_secret_hash(sid, h);
    return st->ops->session_delete(st, h, 0, now, err);
}
