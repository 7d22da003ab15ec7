/*
 * store_users.c — the SQLite backend's users, sessions, API tokens and
 * failed logins (schema 5). Secrets never reach the store: sessions and
 * tokens are kept by their hash, passwords as Argon2id strings.
 */
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "store_sqlite_int.h"

void user_rec_clear(sp_user_rec *u)
{
    if (!u) return;
    free(u->login);
    free(u->name);
    free(u->role);
    free(u->rep_id);
    free(u->groups);
    free(u->lang);
    free(u->pw_hash);
    free(u->created_at);
    memset(u, 0, sizeof *u);
}

void user_recs_free(sp_user_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++) user_rec_clear(&v[i]);
    free(v);
}

void token_recs_free(sp_token_rec *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(v[i].login);
        free(v[i].label);
        free(v[i].created_at);
    }
    free(v);
}

static char *dup_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

/* step_done: steps a write once, finalizes, maps errors. */
static bool step_done(sp_store *s, sqlite3_stmt *st, int rc, const char *what, sp_err *err)
{
    if (rc != SQLITE_OK) return sq_fail(s, rc, what, err);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_fail(s, rc, what, err);
    return true;
}

#define USER_COLS "user_id, login, name, role, rep_id, groups, lang, pw_hash, disabled, created_at"

static void read_user(sqlite3_stmt *st, sp_user_rec *u)
{
    u->id = sqlite3_column_int64(st, 0);
    u->login = dup_text(st, 1);
    u->name = dup_text(st, 2);
    u->role = dup_text(st, 3);
    u->rep_id = dup_text(st, 4);
    u->groups = dup_text(st, 5);
    u->lang = dup_text(st, 6);
    u->pw_hash = dup_text(st, 7);
    u->disabled = sqlite3_column_int(st, 8) != 0;
    u->created_at = dup_text(st, 9);
}

bool squ_user_put(sp_store *s, const sp_user_rec *u, bool create, int64_t *id, sp_err *err)
{
    sqlite3 *db = sq_handle(s);
    sqlite3_stmt *st = NULL;
    int rc;
    if (create)
        rc = sqlite3_prepare_v2(db,
                                "INSERT INTO users(login, name, role, rep_id, groups, lang, pw_hash, disabled,"
                                " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, datetime('now'))",
                                -1, &st, NULL);
    else
        rc = sqlite3_prepare_v2(db,
                                "UPDATE users SET name = ?2, role = ?3, rep_id = ?4, groups = ?5, lang = ?6,"
                                " pw_hash = ?7, disabled = ?8 WHERE login = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "users", err);
    sqlite3_bind_text(st, 1, u->login, -1, SQLITE_STATIC);
    bind_opt(st, 2, u->name);
    sqlite3_bind_text(st, 3, u->role, -1, SQLITE_STATIC);
    bind_opt(st, 4, u->rep_id);
    bind_opt(st, 5, u->groups);
    bind_opt(st, 6, u->lang);
    bind_opt(st, 7, u->pw_hash);
    sqlite3_bind_int(st, 8, u->disabled ? 1 : 0);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT_UNIQUE || (create && (rc & 0xff) == SQLITE_CONSTRAINT &&
                                           sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE)) {
        err_set(err, SP_ECONFLICT, _("user %s already exists"), u->login);
        return false;
    }
    if (rc != SQLITE_DONE) return sq_fail(s, rc, "users", err);
    if (!create && sqlite3_changes(db) == 0) {
        err_set(err, SP_ENOTFOUND, _("no user %s"), u->login);
        return false;
    }
    if (id) *id = create ? sqlite3_last_insert_rowid(db) : 0;
    return true;
}

bool squ_user_get(sp_store *s, const char *login, int64_t id, sp_user_rec *out, sp_err *err)
{
    sqlite3 *db = sq_handle(s);
    sqlite3_stmt *st;
    memset(out, 0, sizeof *out);
    int rc = sqlite3_prepare_v2(db,
                                login ? "SELECT " USER_COLS " FROM users WHERE login = ?1"
                                      : "SELECT " USER_COLS " FROM users WHERE user_id = ?1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "users", err);
    if (login) sqlite3_bind_text(st, 1, login, -1, SQLITE_STATIC);
    else sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_user(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        if (login) err_set(err, SP_ENOTFOUND, _("no user %s"), login);
        else err_set(err, SP_ENOTFOUND, _("no user %lld"), (long long)id);
        return false;
    }
    return sq_fail(s, rc, "users", err);
}

bool squ_user_list(sp_store *s, sp_user_rec **out, size_t *n, sp_err *err)
{
    sqlite3 *db = sq_handle(s);
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT " USER_COLS " FROM users ORDER BY login", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "users", err);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        memset(&(*out)[*n], 0, sizeof **out);
        read_user(st, &(*out)[(*n)++]);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        user_recs_free(*out, *n);
        *out = NULL;
        *n = 0;
        return sq_fail(s, rc, "users", err);
    }
    return true;
}

bool squ_session_put(sp_store *s, const char *sid_hash, int64_t user_id, const char *csrf, int64_t now,
                     int64_t expires, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                "INSERT INTO sessions(sid_hash, user_id, csrf, created, expires)"
                                " VALUES(?1, ?2, ?3, ?4, ?5)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, user_id);
        sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
        sqlite3_bind_int64(st, 5, expires);
    }
    return step_done(s, st, rc, "sessions", err);
}

bool squ_session_get(sp_store *s, const char *sid_hash, int64_t now, int64_t *user_id, char **csrf, sp_err *err)
{
    sqlite3_stmt *st;
    *csrf = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                "SELECT s.user_id, s.csrf FROM sessions s JOIN users u ON u.user_id = s.user_id"
                                " WHERE s.sid_hash = ?1 AND s.expires > ?2 AND u.disabled = 0",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "sessions", err);
    sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *user_id = sqlite3_column_int64(st, 0);
        *csrf = dup_text(st, 1);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        err_set(err, SP_ENOTFOUND, "%s", _("no such session"));
        return false;
    }
    return sq_fail(s, rc, "sessions", err);
}

bool squ_session_delete(sp_store *s, const char *sid_hash, int64_t user_id, int64_t now, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                sid_hash ? "DELETE FROM sessions WHERE sid_hash = ?1 OR expires <= ?2"
                                         : "DELETE FROM sessions WHERE user_id = ?1 OR expires <= ?2",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        if (sid_hash) sqlite3_bind_text(st, 1, sid_hash, -1, SQLITE_STATIC);
        else sqlite3_bind_int64(st, 1, user_id);
        sqlite3_bind_int64(st, 2, now);
    }
    return step_done(s, st, rc, "sessions", err);
}

bool squ_token_put(sp_store *s, const char *token_hash, int64_t user_id, const char *label, int64_t *id,
                   sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                "INSERT INTO api_tokens(token_hash, user_id, label, created_at)"
                                " VALUES(?1, ?2, ?3, datetime('now'))",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, user_id);
        bind_opt(st, 3, label);
    }
    if (!step_done(s, st, rc, "api_tokens", err)) return false;
    if (id) *id = sqlite3_last_insert_rowid(sq_handle(s));
    return true;
}

bool squ_token_get(sp_store *s, const char *token_hash, int64_t *user_id, sp_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                "SELECT t.user_id FROM api_tokens t JOIN users u ON u.user_id = t.user_id"
                                " WHERE t.token_hash = ?1 AND t.revoked = 0 AND u.disabled = 0",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "api_tokens", err);
    sqlite3_bind_text(st, 1, token_hash, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *user_id = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
        err_set(err, SP_ENOTFOUND, "%s", _("no such token"));
        return false;
    }
    return sq_fail(s, rc, "api_tokens", err);
}

bool squ_token_revoke(sp_store *s, int64_t id, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s), "UPDATE api_tokens SET revoked = 1 WHERE token_id = ?1", -1, &st,
                                NULL);
    if (rc == SQLITE_OK) sqlite3_bind_int64(st, 1, id);
    if (!step_done(s, st, rc, "api_tokens", err)) return false;
    if (sqlite3_changes(sq_handle(s)) == 0) {
        err_set(err, SP_ENOTFOUND, _("no token %lld"), (long long)id);
        return false;
    }
    return true;
}

bool squ_token_list(sp_store *s, sp_token_rec **out, size_t *n, sp_err *err)
{
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(sq_handle(s),
                                "SELECT t.token_id, t.user_id, u.login, t.label, t.created_at, t.revoked"
                                " FROM api_tokens t JOIN users u ON u.user_id = t.user_id ORDER BY t.token_id",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "api_tokens", err);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        sp_token_rec *t = &(*out)[(*n)++];
        t->id = sqlite3_column_int64(st, 0);
        t->user_id = sqlite3_column_int64(st, 1);
        t->login = dup_text(st, 2);
        t->label = dup_text(st, 3);
        t->created_at = dup_text(st, 4);
        t->revoked = sqlite3_column_int(st, 5) != 0;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        token_recs_free(*out, *n);
        *out = NULL;
        *n = 0;
        return sq_fail(s, rc, "api_tokens", err);
    }
    return true;
}

bool squ_login_failures(sp_store *s, const char *key, bool record, int64_t now, int64_t since, int *n,
                        sp_err *err)
{
    sqlite3 *db = sq_handle(s);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "DELETE FROM login_attempts WHERE key = ?1 AND at < ?2", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, since);
    }
    if (!step_done(s, st, rc, "login_attempts", err)) return false;
    if (record) {
        rc = sqlite3_prepare_v2(db, "INSERT INTO login_attempts(key, at) VALUES(?1, ?2)", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 2, now);
        }
        if (!step_done(s, st, rc, "login_attempts", err)) return false;
    }
    rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM login_attempts WHERE key = ?1 AND at >= ?2", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(s, rc, "login_attempts", err);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, since);
    rc = sqlite3_step(st);
    *n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_fail(s, rc, "login_attempts", err);
    return true;
}

bool squ_login_clear(sp_store *s, const char *key, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(sq_handle(s), "DELETE FROM login_attempts WHERE key = ?1", -1, &st, NULL);
    if (rc == SQLITE_OK) sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    return step_done(s, st, rc, "login_attempts", err);
}
