/*
 * auth.h — passwords, secrets, sessions, tokens and login rate limiting
 * for the web face and the `user` / `token` commands (libsodium).
 *
 * Passwords: Argon2id (app/app_users.h: auth_password_hash and the rules).
 * Session ids and API tokens: 32 random bytes, base64url; the store keeps
 * only their SHA-256 (hex). Failed logins are counted in the workspace per
 * account and per client address over AUTH_WINDOW seconds.
 */
#ifndef SP_WEB_AUTH_H
#define SP_WEB_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "../app/app_users.h"   /* passwords, secrets, login rules */
#include "../store/store.h"
#include "../util/util.h"

#define AUTH_WINDOW (15 * 60)            /* seconds the failures are counted over */
#define AUTH_MAX_FAIL_ACCOUNT 5          /* failures per account in the window, then locked */
#define AUTH_MAX_FAIL_ADDR 20            /* failures per client address in the window */
#define AUTH_SESSION_TTL (12 * 3600)     /* a session lives 12 hours */

typedef enum auth_result { AUTH_OK, AUTH_BAD, AUTH_LOCKED } auth_result;

/* auth_login: checks the rate limits of login and addr, then the password
 * of an enabled user. AUTH_OK: *sid (the cookie value) and *csrf new,
 * malloc'ed, the session stored, *user filled. AUTH_BAD: wrong login or
 * password (the failure counted). AUTH_LOCKED: too many failures,
 * *retry_after seconds to wait. false return value only via err (store
 * failure): then the result is AUTH_BAD and err is set. */
auth_result auth_login(sp_store *st, const char *login, const char *pw, const char *addr, int64_t now,
                       sp_user_rec *user, char **sid, char **csrf, int *retry_after, sp_err *err);
/* auth_session: the user of session cookie sid (live, user enabled) and its
 * CSRF token; false with SP_ENOTFOUND when none. */
bool auth_session(sp_store *st, const char *sid, int64_t now, sp_user_rec *user, char **csrf, sp_err *err);
/* auth_token: the user of bearer token tok; false with SP_ENOTFOUND. */
bool auth_token(sp_store *st, const char *tok, sp_user_rec *user, sp_err *err);
/* auth_logout: ends session sid, or every session of its user. */
bool auth_logout(sp_store *st, const char *sid, int64_t user_id, bool everywhere, int64_t now, sp_err *err);

#endif
