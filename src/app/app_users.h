/*
 * app_users.h — the users of the web face and their API tokens, as verbs
 * shared by the CLI (`salesplan user …`, `token …`, `init`) and the admin
 * page of the web face (/users): one place that checks a login, a role, a
 * password, hashes it, makes a secret and writes it in one transaction.
 *
 * Also owns the primitives under them (libsodium): Argon2id password
 * hashes (2 passes, 19 MiB), random secrets as base64url, the SHA-256 the
 * store keeps instead of a session id or a token, and the rules a login
 * and a password follow. web/auth.c (sessions, sign-in) builds on these.
 *
 * Who may call a verb is the face's business (the route table allows the
 * admin page to admins only; the CLI is whoever holds the workspace file):
 * these verbs take no scope. Every message is in the request's language.
 * A secret (a generated password, a token) is returned once in the result
 * and never stored: app_user_secret_free wipes it.
 */
#ifndef SP_APP_USERS_H
#define SP_APP_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

#define AUTH_PASSWORD_MIN 8              /* bytes */
#define AUTH_PASSWORD_MAX 256            /* bytes */
#define AUTH_LOGIN_MAX 64                /* bytes */
#define APP_USER_NAME_MAX 200            /* bytes of a display name */
#define APP_TOKEN_LABEL_MAX 200          /* bytes of a token's label */
#define APP_GROUPS_MAX 1024              /* bytes of a manager's group list */

/* ---- primitives ---- */

/* auth_init: libsodium's; false when it cannot start. Idempotent. */
bool auth_init(void);
/* auth_password_problem: why pw cannot be a password (too short, too
 * long, not UTF-8, control characters), translated; NULL when fine. */
const char *auth_password_problem(const char *pw);
/* auth_login_problem: why s cannot be a login; NULL when fine. */
const char *auth_login_problem(const char *s);
/* auth_password_hash: Argon2id string of pw in *out (malloc'ed). */
bool auth_password_hash(const char *pw, char **out, sp_err *err);
/* auth_password_ok: pw matches hash (constant time in pw). */
bool auth_password_ok(const char *hash, const char *pw);
/* auth_random: nbytes (at most 64) random bytes as base64url (no
 * padding), malloc'ed. */
char *auth_random(size_t nbytes);
/* auth_secret_hash: SHA-256 of secret as 64 hex digits + NUL. */
void auth_secret_hash(const char *secret, char out[65]);

/* ---- verbs ---- */

/* What a verb that makes a secret returns. */
typedef struct sp_user_secret {
    int64_t id;                      /* the new user's or token's id */
    char *secret;                    /* the generated password or the token, shown once; NULL when the
                                      * caller gave the password */
    bool bad_param;                  /* the error is about the request (a usage error in the CLI) */
} sp_user_secret;
/* app_user_secret_free: wipes and frees the secret. */
void app_user_secret_free(sp_user_secret *s);

typedef struct sp_user_add_req {
    sp_app_req r;                    /* st (writable) and lang */
    const char *login;               /* letters, digits, . _ - @; at most 64 bytes */
    const char *role;                /* admin | manager | rep | viewer */
    const char *rep;                 /* rep: the rep id whose records they see (required) */
    const char *groups;              /* manager: plan group ids, comma-separated (required) */
    const char *name;                /* display name, may be NULL */
    const char *lang;                /* "zh" / "en" (also "zh_CN" …) or NULL */
    const char *password;            /* NULL: generated (16 base64url characters) */
} sp_user_add_req;

/* app_user_add: checks the request, hashes the password and adds the user
 * in one transaction. A login that exists: SP_ECONFLICT. res zeroed by the
 * caller; free with app_user_secret_free. */
bool app_user_add(const sp_user_add_req *rq, sp_user_secret *res, sp_err *err);
/* app_user_passwd: a new password for login (password, or generated into
 * res->secret when NULL) and the end of every session of the user, in one
 * transaction. An unknown login: SP_ENOTFOUND. */
bool app_user_passwd(const sp_app_req *r, const char *login, const char *password, sp_user_secret *res,
                     sp_err *err);
/* app_user_set_disabled: disables (and ends every session of) or enables
 * login, in one transaction. The last enabled admin cannot be disabled
 * (SP_ECONFLICT): someone must be able to sign in and manage the users.
 * An unknown login: SP_ENOTFOUND. */
bool app_user_set_disabled(const sp_app_req *r, const char *login, bool disabled, sp_err *err);
/* app_user_list: every user by login (free with user_recs_free; the
 * password hashes are not read out: pw_hash is NULL). */
bool app_user_list(const sp_app_req *r, sp_user_rec **out, size_t *n, sp_err *err);
/* app_users_json: {"users": [{"login", "name", "role", "rep", "groups",
 * "disabled", "created_at"}]} and a newline (`user list --format json`). */
void app_users_json(const sp_user_rec *v, size_t n, buf_t *out);
/* app_first_admin: when the workspace has no user at all, adds an admin
 * named login with a generated password (res->secret) and sets *created;
 * otherwise changes nothing (*created false). For `salesplan init`. */
bool app_first_admin(const sp_app_req *r, const char *login, sp_user_secret *res, bool *created, sp_err *err);

/* app_token_add: a new API token ("sp_" + 43 base64url characters) of
 * login with an optional label (at most 200 bytes of UTF-8, one line);
 * the store keeps its SHA-256 only. res->secret is the token, res->id its
 * id. An unknown login: SP_ENOTFOUND. */
bool app_token_add(const sp_app_req *r, const char *login, const char *label, sp_user_secret *res, sp_err *err);
/* app_token_revoke: revokes token id (SP_ENOTFOUND when absent). */
bool app_token_revoke(const sp_app_req *r, int64_t id, sp_err *err);
/* app_token_list: every token by id, never a secret (free with
 * token_recs_free). */
bool app_token_list(const sp_app_req *r, sp_token_rec **out, size_t *n, sp_err *err);
/* app_tokens_json: {"tokens": [{"id", "login", "label", "revoked",
 * "created_at"}]} and a newline (`token list --format json`). */
void app_tokens_json(const sp_token_rec *v, size_t n, buf_t *out);

#endif
