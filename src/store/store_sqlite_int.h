/*
 * store_sqlite_int.h — internal to the SQLite backend: what its second file
 * (store_users.c: users, sessions, tokens, login attempts) needs from
 * store_sqlite.c. Nothing above store/ includes this.
 */
#ifndef SP_STORE_SQLITE_INT_H
#define SP_STORE_SQLITE_INT_H

#include <sqlite3.h>

#include "store.h"

/* sq_handle: the connection of a SQLite store. */
sqlite3 *sq_handle(sp_store *s);
/* sq_fail: records the SQLite error rc (as store_sqlite.c does: file
 * named, class mapped); returns false. */
bool sq_fail(sp_store *s, int rc, const char *what, sp_err *err);

bool squ_user_put(sp_store *s, const sp_user_rec *u, bool create, int64_t *id, sp_err *err);
bool squ_user_get(sp_store *s, const char *login, int64_t id, sp_user_rec *out, sp_err *err);
bool squ_user_list(sp_store *s, sp_user_rec **out, size_t *n, sp_err *err);
bool squ_session_put(sp_store *s, const char *sid_hash, int64_t user_id, const char *csrf, int64_t now,
                     int64_t expires, sp_err *err);
bool squ_session_get(sp_store *s, const char *sid_hash, int64_t now, int64_t *user_id, char **csrf, sp_err *err);
bool squ_session_delete(sp_store *s, const char *sid_hash, int64_t user_id, int64_t now, sp_err *err);
bool squ_token_put(sp_store *s, const char *token_hash, int64_t user_id, const char *label, int64_t *id,
                   sp_err *err);
bool squ_token_get(sp_store *s, const char *token_hash, int64_t *user_id, sp_err *err);
bool squ_token_revoke(sp_store *s, int64_t id, sp_err *err);
bool squ_token_list(sp_store *s, sp_token_rec **out, size_t *n, sp_err *err);
bool squ_login_failures(sp_store *s, const char *key, bool record, int64_t now, int64_t since, int *n,
                        sp_err *err);
bool squ_login_clear(sp_store *s, const char *key, sp_err *err);

#define SQ_USER_OPS                                                                                     \
    .user_put = squ_user_put, .user_get = squ_user_get, .user_list = squ_user_list,                    \
    .session_put = squ_session_put, .session_get = squ_session_get,                                    \
    .session_delete = squ_session_delete, .token_put = squ_token_put, .token_get = squ_token_get,      \
    .token_revoke = squ_token_revoke, .token_list = squ_token_list,                                    \
    .login_failures = squ_login_failures, .login_clear = squ_login_clear,

#endif
