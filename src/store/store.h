/*
 * store.h — the workspace: one storage interface, several backends.
 *
 * A backend is a struct of function pointers with domain verbs (like SQLite's
 * VFS). Callers never see SQL; no SQL text exists outside store/. Every verb
 * returns false and fills *err on failure. Writes happen between begin() and
 * commit(); a failed verb leaves the transaction to be rolled back by the
 * caller. SQLite (store_sqlite.c) is the default; a PostgreSQL backend
 * implements the same ops (planned, see docs/ARCHITECTURE.md).
 */
#ifndef SP_STORE_H
#define SP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/plan.h"
#include "../core/records.h"
#include "../core/tracking.h"
#include "../util/util.h"
#include "snapshot.h"

#define SP_SCHEMA_VERSION 9

/* The SQLite header's application id of a salesplan workspace ("SPLN"),
 * set by `init` / `demo` (PRAGMA application_id). A file without it is
 * refused, except a workspace of an older salesplan (id 0, our schema),
 * which a writing command stamps. */
#define SP_APPLICATION_ID 0x53504C4E

/* How a command opens the workspace (the command table's `writes` flag
 * picks READ or WRITE). false / true as in older callers mean WRITE /
 * CREATE. */
typedef enum sp_open_mode {
    STORE_WRITE = 0,   /* an existing workspace, read-write; waits for another writer */
    STORE_CREATE = 1,  /* init, demo: create the file, or make a workspace of an empty one */
    STORE_READ = 2,    /* read-only: never takes a write lock, never waits for a writer */
} sp_open_mode;

typedef struct sp_store sp_store;
typedef struct sp_idset sp_idset;   /* see sp_store_ops.idset_open */

typedef struct sp_plan_info {
    char *id, *name;
    int version;            /* latest version */
    char *created_at;       /* "YYYY-MM-DD HH:MM:SS" UTC of the latest version */
    char *reason;           /* of the latest version, may be NULL */
} sp_plan_info;

/* a value the data holds for a filter key, with its label (a rep's name) */
typedef struct sp_known_value {
    char *value, *label;    /* label may be NULL */
} sp_known_value;
void known_values_free(sp_known_value *v, size_t n);

/* One reminder message in the log (notify_log, schema 5): what went to
 * whom, where, on which day, and the channel's answer. Strings borrowed. */
typedef struct sp_notify_entry {
    const char *plan_id;
    sp_day day;              /* the day it is for (plan's time zone) */
    const char *channel;     /* channel id ("feishu", "email-2") */
    const char *recipient;   /* rep id it is addressed to */
    const char *address;     /* e-mail addresses or the URL's host; may be NULL */
    const char *what;        /* the reminders it carries (JSON array of keys) */
    const char *body;        /* the message text */
    const char *claim_id;    /* who took it (host:pid:time) */
    int64_t at;              /* unix seconds: claimed / finished */
    bool sent;               /* notify_finish: sent or failed */
    int attempts;
    const char *answer;      /* the channel's answer (or the failure), may be NULL */
} sp_notify_entry;
/* ---- users of the web face (schema 6; see src/web/ and docs/SERVER.md) ---- */
typedef struct sp_user_rec {
    int64_t id;              /* assigned by user_put on insert */
    char *login;
    char *name;              /* display name, may be NULL */
    char *role;              /* "admin", "manager", "rep", "viewer" */
    char *rep_id;            /* may be NULL */
    char *groups;            /* manager: comma-separated plan group ids, may be NULL */
    char *lang;              /* "zh" / "en" or NULL */
    char *pw_hash;           /* Argon2id string (crypto_pwhash_str), may be NULL: no password login */
    bool disabled;
    char *created_at;        /* "YYYY-MM-DD HH:MM:SS" UTC */
} sp_user_rec;
/* user_rec_clear: frees the members of u (not u). */
void user_rec_clear(sp_user_rec *u);
void user_recs_free(sp_user_rec *v, size_t n);

typedef struct sp_token_rec {
    int64_t id, user_id;
    char *login, *label, *created_at;
    bool revoked;
} sp_token_rec;
void token_recs_free(sp_token_rec *v, size_t n);

typedef struct sp_store_ops {
    const char *name;                                   /* "sqlite" */
    void (*close)(sp_store *s);
    bool (*begin)(sp_store *s, sp_err *err);
    bool (*commit)(sp_store *s, sp_err *err);
    void (*rollback)(sp_store *s);
    /* upsert one record of table t (rec points to sp_rep, sp_customer, …
     * matching t); replaces the row with the same id. */
    bool (*upsert)(sp_store *s, sp_table t, const void *rec, sp_err *err);
    /* load what spec wants into ds (columns, strings in its dictionary), then
     * dataset_index(ds). A fresh snapshot gives the wanted tables whole
     * (borrowed from the mapping): callers get at least what spec asks for.
     * One load per dataset. */
    bool (*load)(sp_store *s, const sp_load_spec *spec, sp_dataset *ds, sp_err *err);
    bool (*count)(sp_store *s, sp_table t, int64_t *n, sp_err *err);
    /* plan_put: store text (canonical YAML) as a new version of plan_id when
     * it differs from the latest; *version gets the latest version number,
     * *changed whether a new one was written. reason may be NULL. */
    bool (*plan_put)(sp_store *s, const char *plan_id, const char *name, const char *text,
                     const char *reason, int *version, bool *changed, sp_err *err);
    /* plan_get: text of version (0 = latest) of plan_id; *text malloc'ed,
     * caller frees. SP_ENOTFOUND when absent. */
    bool (*plan_get)(sp_store *s, const char *plan_id, int version, char **text, sp_err *err);
    /* plan_list: one entry per plan id (latest version); *out malloc'ed,
     * free with plan_info_free. */
    bool (*plan_list)(sp_store *s, sp_plan_info **out, size_t *n, sp_err *err);
    /* plan_versions: every version of plan_id, oldest first. */
    bool (*plan_versions)(sp_store *s, const char *plan_id, sp_plan_info **out, size_t *n, sp_err *err);
    bool (*schema_version)(sp_store *s, int *version, sp_err *err);
    /* bulk_begin / bulk_end: inside a transaction, around a large load of
     * table t: the backend may drop t's secondary indexes and rebuild them
     * at bulk_end (faster than maintaining them row by row). A rollback
     * undoes both. (SQLite, since schema 8: no secondary index to drop.) */
    bool (*bulk_begin)(sp_store *s, sp_table t, sp_err *err);
    bool (*bulk_end)(sp_store *s, sp_table t, sp_err *err);

    /* ---- tracking (schema 2) ---- */
    /* task_set: status and progress of task_id of plan_id (one transaction). */
    bool (*task_set)(sp_store *s, const char *plan_id, const char *task_id, sp_task_status status,
                     int progress, sp_err *err);
    /* task_states: every stored state of plan_id; free with task_states_free. */
    bool (*task_states)(sp_store *s, const char *plan_id, sp_task_state **out, size_t *n, sp_err *err);
    /* review_add: stores r (id and created_at are assigned); *id gets the id. */
    bool (*review_add)(sp_store *s, const sp_review *r, int64_t *id, sp_err *err);
    /* review_list: reviews of plan_id, oldest first; period NULL = all. */
    bool (*review_list)(sp_store *s, const char *plan_id, const char *period, sp_review **out, size_t *n,
                        sp_err *err);
    /* actual_set: the manual actual of goal_id on a day (replaces that day's). */
    bool (*actual_set)(sp_store *s, const char *plan_id, const char *goal_id, sp_day on, int64_t value,
                       sp_err *err);
    /* actual_list: manual actuals of plan_id (goal_id NULL = all), by day. */
    bool (*actual_list)(sp_store *s, const char *plan_id, const char *goal_id, sp_actual **out, size_t *n,
                        sp_err *err);

    /* ---- what the data holds (for "did you mean") ---- */
    /* filter_values: the values of filter key dim (SPEC §6) the data holds.
     * When value is not NULL and some record holds it, *found is true and
     * nothing is listed (cheap: stops at the first record). Otherwise
     * *found is false and *out lists every distinct non-empty value, sorted:
     * region, industry, size (customers, leads, reps), team (reps), rep (rep
     * ids of the reps table and of every record's owner, labelled with the
     * rep's name when known), product (deals), source (leads), category and
     * strategy (spend); tier: none (tiers are the plan's). Free *out with
     * known_values_free. */
    bool (*filter_values)(sp_store *s, sp_dim dim, const char *value, bool *found, sp_known_value **out,
                          size_t *n, sp_err *err);
    /* ---- imports ---- */
    /* each_name: calls fn(ctx, id, name) for every row of t (TBL_REPS or
     * TBL_CUSTOMERS: its id and display name, name NULL when empty), one
     * row at a time (the strings live during the call only), in one read. */
    bool (*each_name)(sp_store *s, sp_table t, void (*fn)(void *ctx, const char *id, const char *name), void *ctx,
                      sp_err *err);
    /* idset_open: a set of the ids of one import file, to find an id used
     * twice: kept on disk (a private temporary database, deleted at
     * idset_close), so memory stays flat however many rows a file has. The
     * set is independent of s and of its transactions: it may be used by
     * another thread than s (one thread at a time). NULL with err. */
    sp_idset *(*idset_open)(sp_store *s, sp_err *err);
    /* idset_add: remembers id with its line; *first gets 0 when id is new,
     * else the line it came with first (nothing is changed then). */
    bool (*idset_add)(sp_idset *set, const char *id, size_t line, size_t *first, sp_err *err);
    void (*idset_close)(sp_idset *set);
    /* ---- the columnar snapshot (derived, see store/snapshot.h) ---- */
    /* snapshot_rebuild: writes the snapshot of the current data (under the
     * write lock, so no writer changes it meanwhile). */
    bool (*snapshot_rebuild)(sp_store *s, sp_err *err);
    /* snapshot_status: what the snapshot file holds and whether it is fresh
     * (its data version read in one read transaction with the store's);
     * *path (may be NULL) gets its file name, malloc'ed. */
    bool (*snapshot_status)(sp_store *s, sp_snap_info *info, char **path, sp_err *err);

    /* ---- reminders sent (schema 5: notify_log; see src/notify/notify.h) ---- */
    /* notify_claim: takes the one message of (plan_id, day, channel,
     * recipient) for sending, atomically (one statement under the table's
     * unique key, so two processes never both take it): inserts it as
     * 'sending', or takes over a 'failed' one or a 'sending' one claimed
     * before stale_before (a crashed sender). *claimed false when it is
     * already 'sent' or being sent by another; then *state (malloc'ed, may
     * be NULL) says which. what, address and body are recorded as given. */
    bool (*notify_claim)(sp_store *s, const sp_notify_entry *e, int64_t stale_before, bool *claimed,
                         char **state, sp_err *err);
    /* notify_finish: records the outcome of the claim e->claim_id took:
     * state 'sent' or 'failed', attempts, the channel's answer, finished at
     * e->at. Nothing happens when another claim has taken it over since. */
    bool (*notify_finish)(sp_store *s, const sp_notify_entry *e, sp_err *err);
    /* notify_state: the state of that message ('sending', 'sent',
     * 'failed'), *state NULL when none was recorded (malloc'ed). */
    bool (*notify_state)(sp_store *s, const sp_notify_entry *e, char **state, sp_err *err);
    /* rep_emails: calls fn(ctx, rep_id, email) for every rep of the reps
     * table with an e-mail address (schema 8), by rep id; the strings live
     * during the call only. */
    bool (*rep_emails)(sp_store *s, void (*fn)(void *ctx, const char *id, const char *email), void *ctx,
                       sp_err *err);
    /* ---- users, sessions, tokens, login attempts (schema 6) ----
     * Secrets are never stored: sessions and tokens by a hash the caller
     * computes (hex text); passwords as Argon2id strings. Times are Unix
     * seconds given by the caller (the store reads no clock for them). */
    /* user_put: insert u (create: SP_ECONFLICT when the login exists;
     * *id gets the new id) or replace every field of the user with u->login
     * (SP_ENOTFOUND when absent). */
    bool (*user_put)(sp_store *s, const sp_user_rec *u, bool create, int64_t *id, sp_err *err);
    /* user_get: the user with login (when not NULL) or id; SP_ENOTFOUND
     * when absent. Free with user_rec_clear. */
    bool (*user_get)(sp_store *s, const char *login, int64_t id, sp_user_rec *out, sp_err *err);
    /* user_list: every user, by login. */
    bool (*user_list)(sp_store *s, sp_user_rec **out, size_t *n, sp_err *err);
    /* session_put: a new session of user_id with its CSRF token. */
    bool (*session_put)(sp_store *s, const char *sid_hash, int64_t user_id, const char *csrf, int64_t now,
                        int64_t expires, sp_err *err);
    /* session_get: the user of a live session (not expired at now, user
     * not disabled) and its CSRF token (*csrf malloc'ed); SP_ENOTFOUND
     * otherwise. */
    bool (*session_get)(sp_store *s, const char *sid_hash, int64_t now, int64_t *user_id, char **csrf,
                        sp_err *err);
    /* session_delete: the session sid_hash (when not NULL), else every
     * session of user_id; also every expired session (before now). */
    bool (*session_delete)(sp_store *s, const char *sid_hash, int64_t user_id, int64_t now, sp_err *err);
    /* token_put: a new API token of user_id; *id gets its id. */
    bool (*token_put)(sp_store *s, const char *token_hash, int64_t user_id, const char *label, int64_t *id,
                      sp_err *err);
    /* token_get: the user of a token not revoked (user not disabled);
     * SP_ENOTFOUND otherwise. */
    bool (*token_get)(sp_store *s, const char *token_hash, int64_t *user_id, sp_err *err);
    /* token_revoke: revokes token id; SP_ENOTFOUND when absent. */
    bool (*token_revoke)(sp_store *s, int64_t id, sp_err *err);
    /* token_list: every token (not the secrets), by id. */
    bool (*token_list)(sp_store *s, sp_token_rec **out, size_t *n, sp_err *err);
    /* login_failures: records a failed login for key (when record) at now,
     * forgets failures older than since, and *n gets how many failures key
     * has since `since`. login_clear forgets key's failures. */
    bool (*login_failures)(sp_store *s, const char *key, bool record, int64_t now, int64_t since, int *n,
                           sp_err *err);
    bool (*login_clear)(sp_store *s, const char *key, sp_err *err);
} sp_store_ops;

struct sp_store {
    const sp_store_ops *ops;
    char *url;              /* what was opened */
};

/* store_open: open the workspace named by url (a file path: SQLite, or a
 * postgres:// URL) in mode. Only STORE_CREATE makes a workspace (of a
 * missing file, an empty file or an empty database); every mode refuses a
 * file that is not a workspace (another program's database, not a
 * database), naming it, without writing to it. An older schema is
 * migrated in one transaction (a STORE_READ open of a writable file
 * migrates too; of a read-only one it explains); a newer one is refused
 * (SP_EINVAL). A writer refuses a read-only workspace (SP_EIO). Every
 * error names the file. Returns NULL on failure. */
sp_store *store_open(const char *url, sp_open_mode mode, sp_err *err);
void store_close(sp_store *s);
/* store_wait_limit: how long (seconds) a writer waits for another writer
 * before giving up: $SALESPLAN_BUSY_TIMEOUT (seconds, may be fractional),
 * default 60. */
double store_wait_limit(void);
/* store_set_wait_notice: where to say that a writer is waiting for
 * another (the CLI passes stderr when it is a terminal); NULL = silent
 * (the default). Set once at start-up, before any thread. */
void store_set_wait_notice(FILE *f);

/* store_snapshot_cache: for a long-running process (serve): keep the
 * workspace snapshot's mapping between loads and verify each part of it
 * once (store/snapshot.h snapshot_cache) instead of at every load. */
void store_snapshot_cache(bool on);
/* store_wait_notice: the stream set above, or NULL. */
FILE *store_wait_notice(void);
/* store_default_url: --db value, else $SALESPLAN_DB, else "./salesplan.db". */
const char *store_default_url(const char *db_opt);
void plan_info_free(sp_plan_info *v, size_t n);

/* backends */
sp_store *store_sqlite_open(const char *path, sp_open_mode mode, sp_err *err);

#endif
