/*
 * store_sqlite.c — the SQLite backend of the store interface (store.h).
 *
 * Owns the SQLite schema and its numbered migrations (PRAGMA user_version),
 * and every SQL statement of this backend. Opened with foreign keys on, WAL,
 * a busy timeout, STRICT tables; the CRM tables are WITHOUT ROWID (the id
 * is the table's key: one b-tree per table instead of two, about 15 % off a
 * large import). Dates are stored as ISO text 'YYYY-MM-DD'
 * (so the file is readable with the sqlite3 CLI), money as INTEGER fen,
 * flags as INTEGER 0/1 (NULL = unknown). Every value is bound, never
 * formatted into SQL text. Statements used per row are prepared once and
 * cached in the handle.
 *
 * Opening (store_sqlite_open, at the end) decides what a file is before
 * anything is written to it: a workspace carries SP_APPLICATION_ID; a
 * workspace of salesplan 0.1 (id 0, our schema) is accepted and stamped by
 * the next writer; an empty file becomes one only for STORE_CREATE;
 * anything else is refused. Readers (STORE_READ) open read-only and never
 * take the write lock; BEGIN IMMEDIATE happens only when a migration is
 * due. Waiting for another writer goes through sq_busy (up to
 * store_wait_limit()). Every error names the workspace file.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <errno.h>

#include "../util/i18n.h"
#include "../util/outfile.h"
#include "snapshot.h"
#include "store.h"
#include "store_sqlite_int.h"

/* DV_TRIGGERS: the three triggers that bump the data version on any
 * change of table t (schema 4). */
#define DV_TRIGGER(t, ev, sfx) \
    "CREATE TRIGGER IF NOT EXISTS " t "_dv_" sfx " AFTER " ev " ON " t " BEGIN UPDATE data_version SET n = n + 1; END;"
#define DV_TRIGGERS(t) DV_TRIGGER(t, "INSERT", "i") DV_TRIGGER(t, "UPDATE", "u") DV_TRIGGER(t, "DELETE", "d")

/* ---- schema: migration N brings user_version from N-1 to N ---- */
static const char *const migrations[] = {
    /* 1: the CRM tables of SPEC §5 and the plan versions */
    "CREATE TABLE reps("
    "  rep_id TEXT PRIMARY KEY, name TEXT NOT NULL, team TEXT, role TEXT,"
    "  region TEXT, industry TEXT, active INTEGER NOT NULL DEFAULT 1) STRICT, WITHOUT ROWID;"
    "CREATE TABLE customers("
    "  customer_id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT, industry TEXT,"
    "  size TEXT, owner_rep_id TEXT, created_on TEXT) STRICT, WITHOUT ROWID;"
    "CREATE TABLE leads("
    "  lead_id TEXT PRIMARY KEY, created_on TEXT NOT NULL, source TEXT, region TEXT,"
    "  industry TEXT, size TEXT, owner_rep_id TEXT, qualified INTEGER NOT NULL DEFAULT 0,"
    "  opportunity_id TEXT) STRICT, WITHOUT ROWID;"
    "CREATE INDEX leads_created ON leads(created_on);"
    "CREATE TABLE deals("
    "  deal_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, owner_rep_id TEXT, product TEXT,"
    "  created_on TEXT NOT NULL, closed_on TEXT, stage TEXT NOT NULL, amount INTEGER NOT NULL,"
    "  cost INTEGER, probability INTEGER, is_new_customer INTEGER, is_renewal INTEGER) STRICT, WITHOUT ROWID;"
    "CREATE INDEX deals_closed ON deals(closed_on);"
    "CREATE INDEX deals_customer ON deals(customer_id);"
    "CREATE TABLE activities("
    "  activity_id TEXT PRIMARY KEY, occurred_on TEXT NOT NULL, rep_id TEXT NOT NULL,"
    "  customer_id TEXT, kind TEXT NOT NULL DEFAULT 'other') STRICT, WITHOUT ROWID;"
    "CREATE INDEX activities_occurred ON activities(occurred_on);"
    "CREATE TABLE invoices("
    "  invoice_id TEXT PRIMARY KEY, deal_id TEXT, customer_id TEXT NOT NULL,"
    "  issued_on TEXT NOT NULL, due_on TEXT NOT NULL, amount INTEGER NOT NULL,"
    "  paid INTEGER NOT NULL DEFAULT 0, paid_on TEXT) STRICT, WITHOUT ROWID;"
    "CREATE INDEX invoices_due ON invoices(due_on);"
    "CREATE TABLE spend("
    "  spend_id TEXT PRIMARY KEY, spent_on TEXT NOT NULL, category TEXT NOT NULL,"
    "  amount INTEGER NOT NULL, strategy_id TEXT, task_id TEXT, note TEXT) STRICT, WITHOUT ROWID;"
    "CREATE TABLE plans("
    "  plan_id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE plan_versions("
    "  plan_id TEXT NOT NULL REFERENCES plans(plan_id), version INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL, reason TEXT, body TEXT NOT NULL,"
    "  PRIMARY KEY(plan_id, version)) STRICT;",
    /* 2: tracking — task states, review records, manual actuals */
    "CREATE TABLE task_states("
    "  plan_id TEXT NOT NULL REFERENCES plans(plan_id), task_id TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('todo','doing','done','blocked')),"
    "  progress INTEGER NOT NULL CHECK (progress BETWEEN 0 AND 100), updated_at TEXT NOT NULL,"
    "  PRIMARY KEY(plan_id, task_id)) STRICT;"
    "CREATE TABLE reviews("
    "  review_id INTEGER PRIMARY KEY, plan_id TEXT NOT NULL REFERENCES plans(plan_id),"
    "  period TEXT NOT NULL, goal_id TEXT, cause TEXT, lesson TEXT, action TEXT,"
    "  plan_version INTEGER, created_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE actuals("
    "  plan_id TEXT NOT NULL REFERENCES plans(plan_id), goal_id TEXT NOT NULL, on_day TEXT NOT NULL,"
    "  value INTEGER NOT NULL, PRIMARY KEY(plan_id, goal_id, on_day)) STRICT;",
    /* 3: the expected close date of deals (SPEC §5 expected_close_on) */
    "ALTER TABLE deals ADD COLUMN expected_close_on TEXT;",
    /* 4: the data version: a counter every write to a CRM table bumps in its
     * own transaction (triggers, so that any writer bumps it; this store's
     * own transactions drop a table's triggers at its first write and
     * recreate them and bump once at commit, see dv_pause). The columnar
     * snapshot (snapshot.c) is used only when it carries the same value. */
    "CREATE TABLE IF NOT EXISTS data_version(k INTEGER PRIMARY KEY CHECK (k = 1), n INTEGER NOT NULL) STRICT;"
    "INSERT OR IGNORE INTO data_version VALUES (1, 1);"
    DV_TRIGGERS("reps") DV_TRIGGERS("customers") DV_TRIGGERS("leads") DV_TRIGGERS("deals")
    DV_TRIGGERS("activities") DV_TRIGGERS("invoices") DV_TRIGGERS("spend"),
    /* 5: reminders sent by `salesplan notify`: one row per message (plan,
     * day, channel, recipient — unique: the same message never goes twice
     * in a day), with what it carried, where, and the channel's answer */
    "CREATE TABLE IF NOT EXISTS notify_log("
    "  plan_id TEXT NOT NULL, day TEXT NOT NULL, channel TEXT NOT NULL, recipient TEXT NOT NULL,"
    "  address TEXT, what TEXT NOT NULL, body TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('sending','sent','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0, answer TEXT, claim_id TEXT NOT NULL,"
    "  claimed_at INTEGER NOT NULL, finished_at INTEGER,"
    "  PRIMARY KEY(plan_id, day, channel, recipient)) STRICT;",
    /* 6: users of the web face, their sessions and API tokens (hashes, never
     * the secrets), and failed logins for rate limiting (store_users.c) */
    "CREATE TABLE IF NOT EXISTS users("
    "  user_id INTEGER PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','manager','rep','viewer')),"
    "  rep_id TEXT, groups TEXT, lang TEXT, pw_hash TEXT,"
    "  disabled INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS sessions("
    "  sid_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(user_id),"
    "  csrf TEXT NOT NULL, created INTEGER NOT NULL, expires INTEGER NOT NULL) STRICT;"
    "CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);"
    "CREATE TABLE IF NOT EXISTS api_tokens("
    "  token_id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
    "  user_id INTEGER NOT NULL REFERENCES users(user_id), label TEXT,"
    "  created_at TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0) STRICT;"
    "CREATE TABLE IF NOT EXISTS login_attempts(key TEXT NOT NULL, at INTEGER NOT NULL) STRICT;"
    "CREATE INDEX IF NOT EXISTS login_attempts_key ON login_attempts(key, at);",
    /* 7: faster imports: drop the indexes no reader needs since queries read
     * the snapshot. deals_customer served no query; activities_occurred only
     * the SQLite fallback's short date ranges, which now scan the table
     * (about a second for ten million rows) instead of rebuilding a
     * ten-million-entry index at every import. */
    "DROP INDEX IF EXISTS deals_customer; DROP INDEX IF EXISTS activities_occurred;",
    /* 8: each rep's e-mail address (the reps CSV's email / 邮箱 column),
     * where notify sends a rep's reminders when the plan's team gives none */
    "ALTER TABLE reps ADD COLUMN email TEXT;",
    /* 9: faster imports, the rest: the date indexes of leads, deals and
     * invoices served only the SQLite fallback's short date ranges (and
     * counting rows by date); queries read the snapshot, an import patches
     * it, and rebuilding them cost every large import of these tables a
     * sort (2 s of CPU for two million leads). The fallback scans instead
     * (a fraction of a second for a million rows). */
    "DROP INDEX IF EXISTS leads_created; DROP INDEX IF EXISTS deals_closed; DROP INDEX IF EXISTS invoices_due;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

_Static_assert(NMIGRATIONS == SP_SCHEMA_VERSION, "one migration per schema version");

/* Column lists of the CRM tables, in the order upsert binds and load reads. */
static const char *const upsert_sql[TBL_COUNT] = {
    [TBL_REPS] = "INSERT OR REPLACE INTO reps(rep_id,name,team,role,region,industry,active,email)"
                 " VALUES(?,?,?,?,?,?,?,?)",
    [TBL_CUSTOMERS] = "INSERT OR REPLACE INTO customers(customer_id,name,region,industry,size,"
                      "owner_rep_id,created_on) VALUES(?,?,?,?,?,?,?)",
    [TBL_LEADS] = "INSERT OR REPLACE INTO leads(lead_id,created_on,source,region,industry,size,"
                  "owner_rep_id,qualified,opportunity_id) VALUES(?,?,?,?,?,?,?,?,?)",
    [TBL_DEALS] = "INSERT OR REPLACE INTO deals(deal_id,customer_id,owner_rep_id,product,created_on,"
                  "closed_on,stage,amount,cost,probability,is_new_customer,is_renewal,expected_close_on)"
                  " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [TBL_ACTIVITIES] = "INSERT OR REPLACE INTO activities(activity_id,occurred_on,rep_id,customer_id,"
                       "kind) VALUES(?,?,?,?,?)",
    [TBL_INVOICES] = "INSERT OR REPLACE INTO invoices(invoice_id,deal_id,customer_id,issued_on,due_on,"
                     "amount,paid,paid_on) VALUES(?,?,?,?,?,?,?,?)",
    [TBL_SPEND] = "INSERT OR REPLACE INTO spend(spend_id,spent_on,category,amount,strategy_id,"
                  "task_id,note) VALUES(?,?,?,?,?,?,?)",
};

/* Load queries: ?1/?2 are the from/to ISO dates of sp_load_spec. Each
 * date-ranged table has two forms: one that lets SQLite use a date index
 * (a short range: few rows, found directly) and one that scans the table in
 * order ('+' keeps the index out: for a wide range, following the index to
 * each row costs far more than reading the whole table — 17 s against
 * 1.2 s for 10M activities). Since schema 8 no CRM table has a date index
 * (queries read the snapshot): both forms scan. */
static const char *const load_sql[TBL_COUNT][2] = {
    [TBL_REPS] = {"SELECT rep_id,name,team,role,region,industry,active FROM reps", NULL},
    [TBL_CUSTOMERS] = {"SELECT customer_id,name,region,industry,size,owner_rep_id,created_on"
                       " FROM customers", NULL},
    [TBL_LEADS] = {"SELECT lead_id,created_on,source,region,industry,size,owner_rep_id,qualified,"
                   "opportunity_id FROM leads WHERE created_on BETWEEN ?1 AND ?2",
                   "SELECT lead_id,created_on,source,region,industry,size,owner_rep_id,qualified,"
                   "opportunity_id FROM leads WHERE +created_on BETWEEN ?1 AND ?2"},
    [TBL_DEALS] = {"SELECT deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,"
                   "cost,probability,is_new_customer,is_renewal,expected_close_on FROM deals"
                   " WHERE created_on <= ?2 OR closed_on BETWEEN ?1 AND ?2",
                   "SELECT deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,"
                   "cost,probability,is_new_customer,is_renewal,expected_close_on FROM deals"
                   " WHERE +created_on <= ?2 OR +closed_on BETWEEN ?1 AND ?2"},
    [TBL_ACTIVITIES] = {"SELECT activity_id,occurred_on,rep_id,customer_id,kind FROM activities"
                        " WHERE occurred_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR kind = ?3)",
                        "SELECT activity_id,occurred_on,rep_id,customer_id,kind FROM activities"
                        " WHERE +occurred_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR kind = ?3)"},
    [TBL_INVOICES] = {"SELECT invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on"
                      " FROM invoices WHERE due_on BETWEEN ?1 AND ?2 OR paid_on BETWEEN ?1 AND ?2",
                      "SELECT invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on"
                      " FROM invoices WHERE +due_on BETWEEN ?1 AND ?2 OR +paid_on BETWEEN ?1 AND ?2"},
    [TBL_SPEND] = {"SELECT spend_id,spent_on,category,amount,strategy_id,task_id,note FROM spend"
                   " WHERE spent_on BETWEEN ?1 AND ?2",
                   "SELECT spend_id,spent_on,category,amount,strategy_id,task_id,note FROM spend"
                   " WHERE +spent_on BETWEEN ?1 AND ?2"},
};

/* deals when only closed ones are needed (sp_load_spec.deals_closed_only) */
static const char *const load_deals_closed[2] = {
    "SELECT deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,"
    "cost,probability,is_new_customer,is_renewal,expected_close_on FROM deals WHERE closed_on BETWEEN ?1 AND ?2",
    "SELECT deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,"
    "cost,probability,is_new_customer,is_renewal,expected_close_on FROM deals WHERE +closed_on BETWEEN ?1 AND ?2",
};

/* Ranges up to this many days use the date index; wider ones scan. */
#define INDEX_MAX_DAYS 45

typedef struct sq_store {
    sp_store base;
    sqlite3 *db;
    sqlite3_stmt *upsert[TBL_COUNT];
    double wait_limit;      /* seconds to wait for another writer */
    double wait_start;      /* monotonic time the current wait began */
    bool wait_said;         /* the waiting notice was printed */
    bool dirty;             /* the open transaction wrote a CRM table: commit refreshes the snapshot */
    unsigned dv_off;        /* tables whose data version triggers this transaction dropped (1 << t) */
    unsigned wrote;         /* CRM tables the open transaction wrote (1 << t): the others are copied
                             * into the new snapshot from the one of the state before it */
    bool v_known;           /* v_before was read at the transaction's first CRM write */
    uint64_t v_before;      /* the data version before the open transaction */
    /* the rows of a table the transaction wrote, known without counting
     * them: the table was empty at its first write and every id written
     * since was greater than the one before (a large file imported into an
     * empty table: the snapshot then needs no count(*) over it). Checked:
     * a wrong count makes the snapshot writer fail, and the snapshot is
     * then written whole, every table counted. */
    unsigned rows_known;    /* 1 << t */
    uint64_t rows[TBL_COUNT];
    char *last_id[TBL_COUNT];
    size_t last_cap[TBL_COUNT];
} sq_store;

static sq_store *SQ(sp_store *s) { return (sq_store *)s; }

/* sq_file: the workspace file of db, for messages. */
static const char *sq_file(sqlite3 *db)
{
    const char *f = db ? sqlite3_db_filename(db, "main") : NULL;
    return f && *f ? f : "?";
}

/* sq_msg: the SQLite error of db (or of rc when db is NULL) in the current
 * language: the result codes a user can act on said plainly, others as
 * SQLite words them. */
static const char *sq_msg(sqlite3 *db, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CANTOPEN: return _("cannot open the file (does its directory exist, and may it be read and written?)");
    case SQLITE_FULL: return _("No space left on device");
    case SQLITE_IOERR: return _("an input/output error");
    case SQLITE_CORRUPT: return _("the file is damaged");
    case SQLITE_PERM: return _("Permission denied");
    case SQLITE_NOMEM: return _("out of memory");
    default: return db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    }
}

/* sq_error: records the SQLite error of db with a context (what may be
 * NULL), naming the workspace file and mapping the result code to an
 * error class: busy → transient with "is busy", read-only → I/O, etc. */
static bool sq_error(sqlite3 *db, int rc, const char *what, sp_err *err)
{
    sp_errclass cls = SP_EINTERNAL;
    int prim = rc & 0xff;
    const char *file = sq_file(db);
    const char *msg = sq_msg(db, rc);
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        err_set(err, SP_ETRANSIENT,
                _("workspace %s is busy: another process is writing (gave up after %.0f s); try again when it has "
                  "finished"),
                file, store_wait_limit());
        return false;
    }
    if (prim == SQLITE_READONLY) {
        err_set(err, SP_EIO, _("workspace %s is read-only: %s"), file, msg);
        return false;
    }
    if (prim == SQLITE_CONSTRAINT) cls = SP_ECONFLICT;
    else if (prim == SQLITE_CANTOPEN || prim == SQLITE_IOERR || prim == SQLITE_FULL) cls = SP_EIO;
    else if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT) cls = SP_EINVAL;
    if (what) err_set(err, cls, _("workspace %s: %s: %s"), file, what, msg);
    else err_set(err, cls, _("workspace %s: %s"), file, msg);
    return false;
}

static bool sq_exec(sqlite3 *db, const char *sql, sp_err *err)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, NULL, err);
    return true;
}

/* ---- binding helpers ---- */

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s && *s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, i);
}

static void bind_day(sqlite3_stmt *st, int i, sp_day d)
{
    if (d == SP_DAY_NONE) {
        sqlite3_bind_null(st, i);
        return;
    }
    char b[16];
    day_format(d, b);
    sqlite3_bind_text(st, i, b, -1, SQLITE_TRANSIENT);
}

/* bind_day_at: bind_day with the text in b (no copy): b must stay until
 * the statement is stepped (the upserts' few dates per row) */
static void bind_day_at(sqlite3_stmt *st, int i, sp_day d, char b[16])
{
    if (d == SP_DAY_NONE) {
        sqlite3_bind_null(st, i);
        return;
    }
    day_format(d, b);
    sqlite3_bind_text(st, i, b, -1, SQLITE_STATIC);
}

static void bind_tri(sqlite3_stmt *st, int i, sp_tri t)
{
    if (t < 0) sqlite3_bind_null(st, i);
    else sqlite3_bind_int(st, i, t);
}

/* col_text: the row's text in column i (NULL when NULL or empty), valid
 * until the next step; dataset_push_* interns or copies it into the
 * dataset's dictionary. */
static const char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t || !*t) return NULL;
    return (const char *)t;
}

/* col_day: fast parse of the stored 'YYYY-MM-DD' text. */
static sp_day col_day(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    if (!t || sqlite3_column_bytes(st, i) != 10) return SP_DAY_NONE;
    int y = (t[0] - '0') * 1000 + (t[1] - '0') * 100 + (t[2] - '0') * 10 + (t[3] - '0');
    int m = (t[5] - '0') * 10 + (t[6] - '0');
    int d = (t[8] - '0') * 10 + (t[9] - '0');
    return day_from_ymd(y, m, d);
}

static sp_tri col_tri(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return -1;
    return sqlite3_column_int(st, i) ? 1 : 0;
}

static int enum_index(const char *s, const char *(*namefn)(int), int count, int dflt)
{
    if (!s) return dflt;
    for (int i = 0; i < count; i++)
        if (strcmp(s, namefn(i)) == 0) return i;
    return dflt;
}

static const char *role_name_i(int i) { return role_name((sp_role)i); }
static const char *size_name_i(int i) { return size_name((sp_size)i); }
static const char *stage_name_i(int i) { return stage_name((sp_stage)i); }
static const char *kind_name_i(int i) { return actkind_name((sp_actkind)i); }

/* ---- ops ---- */

static void sq_close(sp_store *s)
{
    sq_store *q = SQ(s);
    for (int i = 0; i < TBL_COUNT; i++) {
        sqlite3_finalize(q->upsert[i]);
        free(q->last_id[i]);
    }
    sqlite3_close(q->db);
    free(s->url);
    free(q);
}

static bool dv_triggers(sp_store *s, sp_table t, bool create, sp_err *err);

/* dv_restore: recreates the data version triggers this transaction dropped
 * and bumps the version once for all its rows (before its COMMIT). */
static bool dv_restore(sq_store *q, sp_err *err)
{
    if (!q->dv_off) return true;
    for (int t = 0; t < TBL_COUNT; t++)
        if ((q->dv_off & (1u << t)) && !dv_triggers(&q->base, (sp_table)t, true, err)) return false;
    q->dv_off = 0;
    return sq_exec(q->db, "UPDATE data_version SET n = n + 1", err);
}

/* dv_pause: inside a transaction, the first write to table t drops its
 * triggers (one bump at commit instead of one per row). */
static bool dv_pause(sq_store *q, sp_table t, sp_err *err)
{
    if ((q->dv_off & (1u << t)) || sqlite3_get_autocommit(q->db)) return true;
    if (!dv_triggers(&q->base, t, false, err)) return false;
    q->dv_off |= 1u << t;
    return true;
}

static bool read_data_version(sqlite3 *db, uint64_t *v, sp_err *err);

/* rows_start: the transaction's first write to table t: its rows are
 * known (none) when it is empty. */
static void rows_start(sq_store *q, sp_table t)
{
    static const char *const sql[TBL_COUNT] = {
        [TBL_REPS] = "SELECT 1 FROM reps LIMIT 1",
        [TBL_CUSTOMERS] = "SELECT 1 FROM customers LIMIT 1",
        [TBL_LEADS] = "SELECT 1 FROM leads LIMIT 1",
        [TBL_DEALS] = "SELECT 1 FROM deals LIMIT 1",
        [TBL_ACTIVITIES] = "SELECT 1 FROM activities LIMIT 1",
        [TBL_INVOICES] = "SELECT 1 FROM invoices LIMIT 1",
        [TBL_SPEND] = "SELECT 1 FROM spend LIMIT 1",
    };
    q->rows_known &= ~(1u << t);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, sql[t], -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_DONE) {
        q->rows_known |= 1u << t;
        q->rows[t] = 0;
        if (q->last_id[t]) q->last_id[t][0] = '\0';
    }
    sqlite3_finalize(st);
}

/* rows_note: a row of t with key id was written. */
static void rows_note(sq_store *q, sp_table t, const char *id)
{
    if (!(q->rows_known & (1u << t))) return;
    size_t n = id ? strlen(id) : 0;
    if (!n || (q->rows[t] && strcmp(id, q->last_id[t]) <= 0)) { /* maybe a row written twice */
        q->rows_known &= ~(1u << t);
        return;
    }
    if (n + 1 > q->last_cap[t]) {
        q->last_cap[t] = n + 64;
        q->last_id[t] = xrealloc(q->last_id[t], q->last_cap[t]);
    }
    memcpy(q->last_id[t], id, n + 1);
    q->rows[t]++;
}

/* mark_write: the transaction writes table t: the first CRM write of a
 * transaction notes the data version before it (the version of the
 * snapshot that the commit can patch instead of rewriting it all) */
static void mark_write(sq_store *q, sp_table t)
{
    if (!q->dirty && !q->wrote && !sqlite3_get_autocommit(q->db)) {
        sp_err e = SP_ERR_INIT;
        q->v_known = read_data_version(q->db, &q->v_before, &e);
        err_free(&e);
    }
    if (!(q->wrote & (1u << t)) && !sqlite3_get_autocommit(q->db)) rows_start(q, t);
    q->dirty = true;
    q->wrote |= 1u << t;
}

static bool sq_begin(sp_store *s, sp_err *err)
{
    SQ(s)->rows_known = 0;
    SQ(s)->dirty = false;
    SQ(s)->dv_off = 0;
    SQ(s)->wrote = 0;
    SQ(s)->v_known = false;
    return sq_exec(SQ(s)->db, "BEGIN IMMEDIATE", err);
}

static sp_outfile *snap_prepare(sq_store *q);

/* sq_commit: when the transaction wrote a CRM table, the snapshot of the
 * new state is written and synced to a temporary file BEFORE the commit
 * (this connection is still the only writer, and reads its own writes),
 * and renamed into place only after the commit succeeded. A failed commit
 * discards it; a crash between commit and rename leaves the old snapshot,
 * which is stale (another data version) and therefore bypassed. */
static bool sq_commit(sp_store *s, sp_err *err)
{
    sq_store *q = SQ(s);
    if (!dv_restore(q, err)) return false; /* the caller rolls back */
    sp_outfile *o = q->dirty ? snap_prepare(q) : NULL;
    q->dirty = false;
    q->wrote = 0;
    q->v_known = false;
    q->rows_known = 0;
    if (!sq_exec(q->db, "COMMIT", err)) {
        outfile_abort(o);
        return false;
    }
    if (o) {
        sp_err e = SP_ERR_INIT;
        outfile_commit(o, &e); /* derived data: a failure only costs speed */
        err_free(&e);
    }
    return true;
}

static void sq_rollback(sp_store *s)
{
    SQ(s)->rows_known = 0;
    SQ(s)->dirty = false;
    SQ(s)->wrote = 0;
    SQ(s)->v_known = false;
    SQ(s)->dv_off = 0; /* the DROP TRIGGERs roll back with the rest */
    if (!sqlite3_get_autocommit(SQ(s)->db)) sqlite3_exec(SQ(s)->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool sq_upsert(sp_store *s, sp_table t, const void *rec, sp_err *err)
{
    sq_store *q = SQ(s);
    if ((unsigned)t >= TBL_COUNT) {
        err_set(err, SP_EINTERNAL, "upsert: bad table %d", (int)t);
        return false;
    }
    mark_write(q, t);
    if (!dv_pause(q, t, err)) return false;
    if (!q->upsert[t]) {
        int rc = sqlite3_prepare_v3(q->db, upsert_sql[t], -1, SQLITE_PREPARE_PERSISTENT, &q->upsert[t], NULL);
        if (rc != SQLITE_OK) return sq_error(q->db, rc, "prepare", err);
    }
    sqlite3_stmt *st = q->upsert[t];
    char dbuf[3][16]; /* the row's dates as text, bound without a copy */
    switch (t) {
    case TBL_REPS: {
        const sp_rep *r = rec;
        bind_text(st, 1, r->id);
        bind_text(st, 2, r->name);
        bind_text(st, 3, r->team);
        bind_text(st, 4, r->role ? role_name(r->role) : NULL);
        bind_text(st, 5, r->region);
        bind_text(st, 6, r->industry);
        sqlite3_bind_int(st, 7, r->active ? 1 : 0);
        bind_text(st, 8, r->email);
        break;
    }
    case TBL_CUSTOMERS: {
        const sp_customer *r = rec;
        bind_text(st, 1, r->id);
        bind_text(st, 2, r->name);
        bind_text(st, 3, r->region);
        bind_text(st, 4, r->industry);
        bind_text(st, 5, r->size ? size_name(r->size) : NULL);
        bind_text(st, 6, r->owner);
        bind_day_at(st, 7, r->created_on, dbuf[0]);
        break;
    }
    case TBL_LEADS: {
        const sp_lead *r = rec;
        bind_text(st, 1, r->id);
        bind_day_at(st, 2, r->created_on, dbuf[0]);
        bind_text(st, 3, r->source);
        bind_text(st, 4, r->region);
        bind_text(st, 5, r->industry);
        bind_text(st, 6, r->size ? size_name(r->size) : NULL);
        bind_text(st, 7, r->owner);
        sqlite3_bind_int(st, 8, r->qualified ? 1 : 0);
        bind_text(st, 9, r->opportunity_id);
        break;
    }
    case TBL_DEALS: {
        const sp_deal *r = rec;
        bind_text(st, 1, r->id);
        bind_text(st, 2, r->customer_id);
        bind_text(st, 3, r->owner);
        bind_text(st, 4, r->product);
        bind_day_at(st, 5, r->created_on, dbuf[0]);
        bind_day_at(st, 6, r->closed_on, dbuf[1]);
        bind_text(st, 7, stage_name(r->stage));
        sqlite3_bind_int64(st, 8, r->amount);
        if (r->has_cost) sqlite3_bind_int64(st, 9, r->cost);
        else sqlite3_bind_null(st, 9);
        if (r->probability >= 0) sqlite3_bind_int(st, 10, r->probability);
        else sqlite3_bind_null(st, 10);
        bind_tri(st, 11, r->is_new_customer);
        bind_tri(st, 12, r->is_renewal);
        bind_day_at(st, 13, r->has_expected_close ? r->expected_close_on : SP_DAY_NONE, dbuf[2]);
        break;
    }
    case TBL_ACTIVITIES: {
        const sp_activity *r = rec;
        bind_text(st, 1, r->id);
        bind_day_at(st, 2, r->occurred_on, dbuf[0]);
        bind_text(st, 3, r->rep);
        bind_text(st, 4, r->customer_id);
        bind_text(st, 5, actkind_name(r->kind));
        break;
    }
    case TBL_INVOICES: {
        const sp_invoice *r = rec;
        bind_text(st, 1, r->id);
        bind_text(st, 2, r->deal_id);
        bind_text(st, 3, r->customer_id);
        bind_day_at(st, 4, r->issued_on, dbuf[0]);
        bind_day_at(st, 5, r->due_on, dbuf[1]);
        sqlite3_bind_int64(st, 6, r->amount);
        sqlite3_bind_int64(st, 7, r->paid);
        bind_day_at(st, 8, r->paid_on, dbuf[2]);
        break;
    }
    case TBL_SPEND: {
        const sp_spend *r = rec;
        bind_text(st, 1, r->id);
        bind_day_at(st, 2, r->spent_on, dbuf[0]);
        bind_text(st, 3, r->category);
        sqlite3_bind_int64(st, 4, r->amount);
        bind_text(st, 5, r->strategy_id);
        bind_text(st, 6, r->task_id);
        bind_text(st, 7, r->note);
        break;
    }
    default:
        err_set(err, SP_EINTERNAL, "upsert: bad table %d", (int)t);
        return false;
    }
    int rc = sqlite3_step(st); /* every parameter was bound: no clearing */
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_error(q->db, rc, table_name(t), err);
    rows_note(q, t, *(const char *const *)rec); /* every record starts with its id */
    return true;
}

/* a receiver of loaded rows: the struct of records.h for table t */
typedef bool (*row_sink)(void *ctx, sp_table t, const void *rec);

static bool push_row(void *ctx, sp_table t, const void *rec)
{
    sp_dataset *ds = ctx;
    switch (t) {
    case TBL_REPS: dataset_push_rep(ds, rec); break;
    case TBL_CUSTOMERS: dataset_push_customer(ds, rec); break;
    case TBL_LEADS: dataset_push_lead(ds, rec); break;
    case TBL_DEALS: dataset_push_deal(ds, rec); break;
    case TBL_ACTIVITIES: dataset_push_activity(ds, rec); break;
    case TBL_INVOICES: dataset_push_invoice(ds, rec); break;
    case TBL_SPEND: dataset_push_spend(ds, rec); break;
    default: break;
    }
    return true;
}

/* load_sql_of: the query load_rows runs for t under spec (narrow: through
 * the date index) */
static const char *load_sql_of(sp_table t, const sp_load_spec *spec)
{
    bool narrow = spec->from[t] > SP_DAY_MIN && spec->to[t] < SP_DAY_MAX &&
                  spec->to[t] - spec->from[t] <= INDEX_MAX_DAYS;
    const char *sql = load_sql[t][narrow || !load_sql[t][1] ? 0 : 1];
    if (t == TBL_DEALS && spec->deals_closed_only) sql = load_deals_closed[narrow ? 0 : 1];
    return sql;
}

static void load_bind(sqlite3_stmt *st, sp_table t, const sp_load_spec *spec)
{
    if (sqlite3_bind_parameter_count(st) < 2) return;
    char from[16] = "0000-01-01", to[16] = "9999-12-31";
    if (spec->from[t] > SP_DAY_MIN) day_format(spec->from[t], from);
    if (spec->to[t] < SP_DAY_MAX) day_format(spec->to[t], to);
    sqlite3_bind_text(st, 1, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
    if (t == TBL_ACTIVITIES) {
        if (spec->act_kind >= 0) bind_text(st, 3, actkind_name((sp_actkind)spec->act_kind));
        else sqlite3_bind_null(st, 3);
    }
}

/* count_full: how many rows a full load (full_spec) gives for t: the same
 * predicates as load_sql[t][0] over every date, without the columns (and
 * the every-kind test) they do not need. */
static const char *const count_full_sql[TBL_COUNT] = {
    [TBL_REPS] = "SELECT count(*) FROM reps",
    [TBL_CUSTOMERS] = "SELECT count(*) FROM customers",
    [TBL_LEADS] = "SELECT count(*) FROM leads WHERE created_on BETWEEN ?1 AND ?2",
    [TBL_DEALS] = "SELECT count(*) FROM deals WHERE created_on <= ?2 OR closed_on BETWEEN ?1 AND ?2",
    [TBL_ACTIVITIES] = "SELECT count(*) FROM activities WHERE occurred_on BETWEEN ?1 AND ?2",
    [TBL_INVOICES] = "SELECT count(*) FROM invoices WHERE due_on BETWEEN ?1 AND ?2 OR paid_on BETWEEN ?1 AND ?2",
    [TBL_SPEND] = "SELECT count(*) FROM spend WHERE spent_on BETWEEN ?1 AND ?2",
};

static bool count_full(sq_store *q, sp_table t, uint64_t *n, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(q->db, count_full_sql[t], -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(q->db, rc, "prepare", err);
    if (sqlite3_bind_parameter_count(st) >= 2) {
        sqlite3_bind_text(st, 1, "0000-01-01", -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, "9999-12-31", -1, SQLITE_STATIC);
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *n = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_error(q->db, rc, table_name(t), err);
    return true;
}

static bool load_rows(sq_store *q, sp_table t, const sp_load_spec *spec, row_sink sink, void *ctx, sp_err *err);

/* ---- imports: names for references, ids seen twice ---- */

static bool sq_each_name(sp_store *s, sp_table t, void (*fn)(void *ctx, const char *id, const char *name), void *ctx,
                         sp_err *err)
{
    sq_store *q = SQ(s);
    const char *sql = t == TBL_REPS ? "SELECT rep_id, name FROM reps"
                      : t == TBL_CUSTOMERS ? "SELECT customer_id, name FROM customers" : NULL;
    if (!sql) {
        err_set(err, SP_EINTERNAL, "each_name: %s has no names", table_name(t));
        return false;
    }
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(q->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(q->db, rc, "prepare", err);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) fn(ctx, col_text(st, 0), col_text(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(q->db, rc, table_name(t), err);
    return true;
}

static void sq_global(void);

/* The id set of an import file: a private temporary database (journal
 * off: it dies with the set; one transaction, never committed, so no
 * per-row commit; a small cache: the rest goes to a temporary file, not to
 * memory). Its own connection: another thread may use it.
 *
 * Most files list their ids in increasing order (exports sorted by key):
 * while each id is greater (strcmp) than the one before, it cannot have
 * come before, and the ids only go, with their lines, to an unlinked
 * temporary file (the run), not to the database. The first id out of
 * order moves the run into the database (in key order: appends), and
 * from there every id is looked up. */
struct sp_idset {
    sqlite3 *db;
    sqlite3_stmt *ins, *get;
    FILE *run;               /* the increasing ids so far, or NULL (in the database) */
    char *last;              /* the last id of the run */
    size_t last_cap;
    bool any;                /* the run has an id */
};

static void sq_idset_close(sp_idset *set)
{
    if (!set) return;
    if (set->run) fclose(set->run);
    free(set->last);
    sqlite3_finalize(set->ins);
    sqlite3_finalize(set->get);
    sqlite3_close(set->db);
    free(set);
}

/* idset_insert: id with its line into the database (new: *dup false). */
static int idset_insert(sp_idset *set, const char *id, size_t len, size_t line, bool *dup)
{
    sqlite3_bind_text(set->ins, 1, id, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(set->ins, 2, (sqlite3_int64)line);
    int rc = sqlite3_step(set->ins);
    sqlite3_reset(set->ins);
    *dup = rc == SQLITE_DONE && sqlite3_changes(set->db) == 0;
    return rc;
}

/* idset_unrun: the run's ids into the database; the run ends. */
static int idset_unrun(sp_idset *set)
{
    FILE *f = set->run;
    set->run = NULL;
    int rc = SQLITE_DONE;
    if (fflush(f) != 0 || fseek(f, 0, SEEK_SET) != 0) rc = SQLITE_IOERR;
    char *id = NULL;
    size_t cap = 0;
    for (;;) {
        uint32_t len;
        uint64_t line;
        if (rc != SQLITE_DONE || fread(&len, sizeof len, 1, f) != 1) break;
        if (len + 1 > cap) {
            cap = (size_t)len + 64;
            id = xrealloc(id, cap);
        }
        if (fread(id, 1, len, f) != len || fread(&line, sizeof line, 1, f) != 1) {
            rc = SQLITE_IOERR;
            break;
        }
        bool dup;
        rc = idset_insert(set, id, len, (size_t)line, &dup);
    }
    if (rc == SQLITE_DONE && ferror(f)) rc = SQLITE_IOERR;
    free(id);
    fclose(f);
    return rc;
}

static sp_idset *sq_idset_open(sp_store *s, sp_err *err)
{
    (void)s;
    sq_global();
    sp_idset *set = xcalloc(1, sizeof *set);
    int rc = sqlite3_open_v2("", &set->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(set->db,
                          "PRAGMA temp_store = FILE; PRAGMA cache_size = -8192; PRAGMA journal_mode = OFF;"
                          " PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE;"
                          " CREATE TABLE seen(id TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;"
                          " BEGIN",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(set->db, "INSERT INTO seen VALUES(?1, ?2) ON CONFLICT DO NOTHING", -1,
                                SQLITE_PREPARE_PERSISTENT, &set->ins, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(set->db, "SELECT line FROM seen WHERE id = ?1", -1, SQLITE_PREPARE_PERSISTENT,
                                &set->get, NULL);
    if (rc != SQLITE_OK) {
        err_set(err, SP_EIO, _("cannot make a temporary database (to find ids used twice in a file): %s"),
                sq_msg(set->db, rc));
        sq_idset_close(set);
        return NULL;
    }
    set->run = tmpfile(); /* none: every id goes to the database */
    if (set->run) setvbuf(set->run, NULL, _IOFBF, (size_t)1 << 20);
    return set;
}

static bool sq_idset_add(sp_idset *set, const char *id, size_t line, size_t *first, sp_err *err)
{
    *first = 0;
    size_t len = strlen(id);
    int rc = SQLITE_DONE;
    if (set->run && len < UINT32_MAX) {
        if (!set->any || strcmp(id, set->last) > 0) { /* greater than every id before */
            uint32_t l32 = (uint32_t)len;
            uint64_t l64 = (uint64_t)line;
            if (fwrite(&l32, sizeof l32, 1, set->run) == 1 && fwrite(id, 1, len, set->run) == len &&
                fwrite(&l64, sizeof l64, 1, set->run) == 1) {
                if (len + 1 > set->last_cap) {
                    set->last_cap = len + 64;
                    set->last = xrealloc(set->last, set->last_cap);
                }
                memcpy(set->last, id, len + 1);
                set->any = true;
                return true;
            }
        }
        rc = idset_unrun(set);
    }
    bool dup = false;
    if (rc == SQLITE_DONE) rc = idset_insert(set, id, len, line, &dup);
    if (dup) {
        sqlite3_bind_text(set->get, 1, id, -1, SQLITE_STATIC);
        rc = sqlite3_step(set->get);
        if (rc == SQLITE_ROW) {
            *first = (size_t)sqlite3_column_int64(set->get, 0);
            rc = SQLITE_DONE;
        }
        sqlite3_reset(set->get);
    }
    if (rc != SQLITE_DONE) {
        err_set(err, SP_EIO, _("the temporary database (to find ids used twice in a file) failed: %s"),
                sq_msg(set->db, rc));
        return false;
    }
    return true;
}

/* load_table: runs load_sql[t] over [from, to] and pushes every row. */
static bool load_table(sq_store *q, sp_table t, const sp_load_spec *spec, sp_dataset *ds, sp_err *err)
{
    return load_rows(q, t, spec, push_row, ds, err);
}

/* load_rows: runs load_sql[t] over [from, to] and gives every row to sink
 * (which may stop the load by returning false: err is then "interrupted"). */
static bool load_rows(sq_store *q, sp_table t, const sp_load_spec *spec, row_sink sink, void *ctx, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(q->db, load_sql_of(t, spec), -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(q->db, rc, "prepare", err);
    load_bind(st, t, spec);
    bool stopped = false;
    while (!stopped && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        switch (t) {
        case TBL_REPS: {
            sp_rep r = {0};
            r.id = col_text(st, 0);
            r.name = col_text(st, 1);
            r.team = col_text(st, 2);
            r.role = (sp_role)enum_index((const char *)sqlite3_column_text(st, 3), role_name_i, ROLE_COUNT, ROLE_NONE);
            r.region = col_text(st, 4);
            r.industry = col_text(st, 5);
            r.active = sqlite3_column_int(st, 6) != 0;
            stopped = !sink(ctx, TBL_REPS, &r);
            break;
        }
        case TBL_CUSTOMERS: {
            sp_customer r = {0};
            r.id = col_text(st, 0);
            r.name = col_text(st, 1);
            r.region = col_text(st, 2);
            r.industry = col_text(st, 3);
            r.size = (sp_size)enum_index((const char *)sqlite3_column_text(st, 4), size_name_i, SIZE_COUNT, SIZE_NONE);
            r.owner = col_text(st, 5);
            r.created_on = col_day(st, 6);
            stopped = !sink(ctx, TBL_CUSTOMERS, &r);
            break;
        }
        case TBL_LEADS: {
            sp_lead r = {0};
            r.id = col_text(st, 0);
            r.created_on = col_day(st, 1);
            r.source = col_text(st, 2);
            r.region = col_text(st, 3);
            r.industry = col_text(st, 4);
            r.size = (sp_size)enum_index((const char *)sqlite3_column_text(st, 5), size_name_i, SIZE_COUNT, SIZE_NONE);
            r.owner = col_text(st, 6);
            r.qualified = sqlite3_column_int(st, 7) != 0;
            r.opportunity_id = col_text(st, 8);
            stopped = !sink(ctx, TBL_LEADS, &r);
            break;
        }
        case TBL_DEALS: {
            sp_deal r = {0};
            r.id = col_text(st, 0);
            r.customer_id = col_text(st, 1);
            r.owner = col_text(st, 2);
            r.product = col_text(st, 3);
            r.created_on = col_day(st, 4);
            r.closed_on = col_day(st, 5);
            r.stage = (sp_stage)enum_index((const char *)sqlite3_column_text(st, 6), stage_name_i, STAGE_COUNT, STAGE_OPEN);
            r.amount = sqlite3_column_int64(st, 7);
            r.has_cost = sqlite3_column_type(st, 8) != SQLITE_NULL;
            r.cost = r.has_cost ? sqlite3_column_int64(st, 8) : 0;
            r.probability = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : (int8_t)sqlite3_column_int(st, 9);
            r.is_new_customer = col_tri(st, 10);
            r.is_renewal = col_tri(st, 11);
            r.expected_close_on = col_day(st, 12);
            r.has_expected_close = r.expected_close_on != SP_DAY_NONE;
            stopped = !sink(ctx, TBL_DEALS, &r);
            break;
        }
        case TBL_ACTIVITIES: {
            sp_activity r = {0};
            r.id = col_text(st, 0);
            r.occurred_on = col_day(st, 1);
            r.rep = col_text(st, 2);
            r.customer_id = col_text(st, 3);
            r.kind = (sp_actkind)enum_index((const char *)sqlite3_column_text(st, 4), kind_name_i, ACT_KIND_COUNT, ACT_OTHER);
            stopped = !sink(ctx, TBL_ACTIVITIES, &r);
            break;
        }
        case TBL_INVOICES: {
            sp_invoice r = {0};
            r.id = col_text(st, 0);
            r.deal_id = col_text(st, 1);
            r.customer_id = col_text(st, 2);
            r.issued_on = col_day(st, 3);
            r.due_on = col_day(st, 4);
            r.amount = sqlite3_column_int64(st, 5);
            r.paid = sqlite3_column_int64(st, 6);
            r.paid_on = col_day(st, 7);
            stopped = !sink(ctx, TBL_INVOICES, &r);
            break;
        }
        case TBL_SPEND: {
            sp_spend r = {0};
            r.id = col_text(st, 0);
            r.spent_on = col_day(st, 1);
            r.category = col_text(st, 2);
            r.amount = sqlite3_column_int64(st, 3);
            r.strategy_id = col_text(st, 4);
            r.task_id = col_text(st, 5);
            r.note = col_text(st, 6);
            stopped = !sink(ctx, TBL_SPEND, &r);
            break;
        }
        default:
            break;
        }
    }
    bool ok = !stopped && rc == SQLITE_DONE;
    if (stopped) err_set(err, SP_EINTERNAL, "load of %s interrupted", table_name(t));
    else if (!ok) sq_error(q->db, rc, table_name(t), err);
    sqlite3_finalize(st);
    return ok;
}

/* ---- the data version and the snapshot (snapshot.c) ---- */

typedef enum snap_mode { SNAPMODE_AUTO, SNAPMODE_READ, SNAPMODE_OFF } snap_mode;

/* snap_mode_get: $SALESPLAN_SNAPSHOT: "off" (never read or write the
 * snapshot), "read" (use a fresh one, never write one), else automatic. */
static snap_mode snap_mode_get(void)
{
    const char *v = getenv("SALESPLAN_SNAPSHOT");
    if (v && strcmp(v, "off") == 0) return SNAPMODE_OFF;
    if (v && strcmp(v, "read") == 0) return SNAPMODE_READ;
    return SNAPMODE_AUTO;
}

/* read_data_version: the stored counter (inside the caller's transaction). */
static bool read_data_version(sqlite3 *db, uint64_t *v, sp_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT n FROM data_version WHERE k = 1", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "data version", err);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *v = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_error(db, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, "data version", err);
    return true;
}

/* snap_file: the snapshot path of this workspace (malloc'ed), or NULL for
 * a workspace that is not a named file. */
static char *snap_file(sq_store *q)
{
    const char *f = sqlite3_db_filename(q->db, "main");
    if (!f || !*f) return NULL;
    return snapshot_path(f);
}

/* snap_writable: whether a snapshot can be written beside the workspace. */
static bool snap_writable(sq_store *q)
{
    const char *f = sqlite3_db_filename(q->db, "main");
    if (!f || !*f || access(f, W_OK) != 0) return false;
    char *dir = xstrdup(f), *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = 0;
    bool ok = access(slash ? dir : ".", W_OK) == 0;
    free(dir);
    return ok;
}

static bool load_tables(sq_store *q, const sp_load_spec *spec, sp_dataset *ds, sp_err *err)
{
    bool ok = true;
    for (int t = 0; t < TBL_COUNT && ok; t++)
        if (spec->want[t]) ok = load_table(q, (sp_table)t, spec, ds, err);
    return ok;
}

static void full_spec(sp_load_spec *spec)
{
    load_spec_init(spec);
    for (int t = 0; t < TBL_COUNT; t++) load_spec_want(spec, (sp_table)t, SP_DAY_MIN, SP_DAY_MAX);
}

static bool write_row(void *ctx, sp_table t, const void *rec) { return snapshot_writer_row(ctx, t, rec); }

/* ---- a table's rows for the snapshot, read on a second thread ----
 * While the snapshot writer takes one batch of rows, a feeder thread steps
 * the query for the next (SQLite's reading and the writer's lookups and
 * writes each get a core). The connection is the feeder's alone until it
 * ends; the records' strings are copied into the batch. */
#define FEED_ROWS 2048
#define FEED_N 3

typedef sp_any_record feed_rec;

typedef struct feed_batch {
    feed_rec rec[FEED_ROWS];
    size_t n;
    char *arena;
    size_t alen, acap;
} feed_batch;

typedef struct feeder {
    sq_store *q;
    sp_table t;
    const sp_load_spec *spec;
    feed_batch *b;              /* FEED_N */
    bool full[FEED_N];
    size_t pi, ci;
    bool done, stop, ok;
    sp_err err;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} feeder;

/* feed_strs: the number of leading string members of table t's record */
static int feed_strs(sp_table t, size_t *size)
{
    switch (t) {
    case TBL_REPS: *size = sizeof(sp_rep); return 5;
    case TBL_CUSTOMERS: *size = sizeof(sp_customer); return 5;
    case TBL_LEADS: *size = sizeof(sp_lead); return 6;
    case TBL_DEALS: *size = sizeof(sp_deal); return 4;
    case TBL_ACTIVITIES: *size = sizeof(sp_activity); return 3;
    case TBL_INVOICES: *size = sizeof(sp_invoice); return 3;
    default: *size = sizeof(sp_spend); return 5;
    }
}

/* feed_hand: the batch being filled goes to the writer (its strings from
 * offsets to pointers); waits for the next one to be free. false: the
 * writer stopped. */
static bool feed_hand(feeder *f)
{
    feed_batch *b = &f->b[f->pi];
    size_t size;
    int ns = feed_strs(f->t, &size);
    for (size_t r = 0; r < b->n; r++)
        for (int i = 0; i < ns; i++) {
            const char **s = (const char **)(void *)&b->rec[r] + i;
            if (*s) *s = b->arena + ((uintptr_t)*s - 1);
        }
    pthread_mutex_lock(&f->mu);
    f->full[f->pi] = true;
    f->pi = (f->pi + 1) % FEED_N;
    pthread_cond_broadcast(&f->cv);
    while (f->full[f->pi] && !f->stop) pthread_cond_wait(&f->cv, &f->mu);
    bool go = !f->stop;
    pthread_mutex_unlock(&f->mu);
    f->b[f->pi].n = 0;
    f->b[f->pi].alen = 0;
    return go;
}

static bool feed_row(void *ctx, sp_table t, const void *rec)
{
    feeder *f = ctx;
    feed_batch *b = &f->b[f->pi];
    size_t size;
    int ns = feed_strs(t, &size);
    feed_rec *d = &b->rec[b->n];
    memcpy(d, rec, size);
    for (int i = 0; i < ns; i++) {
        const char **s = (const char **)(void *)d + i;
        if (*s) *s = (const char *)arena_add(&b->arena, &b->alen, &b->acap, *s);
    }
    return ++b->n < FEED_ROWS || feed_hand(f);
}

static void *feed_main(void *arg)
{
    feeder *f = arg;
    f->ok = load_rows(f->q, f->t, f->spec, feed_row, f, &f->err);
    if (f->ok && f->b[f->pi].n) feed_hand(f);
    pthread_mutex_lock(&f->mu);
    f->done = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

/* feed_rows: every row load_rows gives for t, to the writer w, the query
 * stepped on a second thread (on this one when none can be started). */
static bool feed_rows(sq_store *q, sp_table t, const sp_load_spec *spec, sp_snap_writer *w, sp_err *err)
{
    feeder f = {.q = q, .t = t, .spec = spec, .err = SP_ERR_INIT};
    f.b = xcalloc(FEED_N, sizeof *f.b);
    pthread_mutex_init(&f.mu, NULL);
    pthread_cond_init(&f.cv, NULL);
    pthread_t th;
    bool ok = true;
    if (pthread_create(&th, NULL, feed_main, &f) != 0) {
        ok = load_rows(q, t, spec, write_row, w, err);
    } else {
        bool writer_ok = true;
        for (;;) {
            pthread_mutex_lock(&f.mu);
            while (!f.full[f.ci] && !f.done) pthread_cond_wait(&f.cv, &f.mu);
            bool have = f.full[f.ci];
            pthread_mutex_unlock(&f.mu);
            if (!have) break;
            feed_batch *b = &f.b[f.ci];
            for (size_t r = 0; writer_ok && r < b->n; r++) writer_ok = snapshot_writer_row(w, t, &b->rec[r]);
            pthread_mutex_lock(&f.mu);
            f.full[f.ci] = false;
            f.ci = (f.ci + 1) % FEED_N;
            if (!writer_ok) f.stop = true;
            pthread_cond_broadcast(&f.cv);
            pthread_mutex_unlock(&f.mu);
            if (!writer_ok) break;
        }
        pthread_join(th, NULL);
        ok = writer_ok && f.ok;
        if (writer_ok && !f.ok) { /* the query's error, here */
            const char *m = buf_cstr(&f.err.msg);
            size_t len = strlen(m);
            while (len && m[len - 1] == '\n') len--;
            err_set(err, f.err.cls ? f.err.cls : SP_EINTERNAL, "%.*s", (int)len, m);
        }
    }
    err_free(&f.err);
    for (int i = 0; i < FEED_N; i++) free(f.b[i].arena);
    free(f.b);
    pthread_mutex_destroy(&f.mu);
    pthread_cond_destroy(&f.cv);
    return ok;
}

/* snap_stream: inside the caller's transaction, streams every CRM row
 * (what a full load returns) into a new snapshot of data version v:
 * counts first, then each table in one scan; memory stays bounded. *out:
 * the synced temporary file for the caller to commit or abort. */
static bool snap_stream(sq_store *q, const char *path, uint64_t v, sp_outfile **out, sp_err *err)
{
    *out = NULL;
    sp_load_spec spec;
    full_spec(&spec);
    uint64_t rows[TBL_COUNT];
    for (int t = 0; t < TBL_COUNT; t++)
        if (!count_full(q, (sp_table)t, &rows[t], err)) return false;
    sp_snap_writer *w = snapshot_writer_open(path, sqlite3_db_filename(q->db, "main"), rows, v, SP_SCHEMA_VERSION, err);
    if (!w) return false;
    for (int t = 0; t < TBL_COUNT; t++)
        if (!feed_rows(q, (sp_table)t, &spec, w, err)) {
            snapshot_writer_abort(w);
            return false;
        }
    return snapshot_writer_finish(w, out);
}

/* snap_patch: inside the caller's write transaction, the new snapshot (of
 * data version v) from base (the verified snapshot of the state before the
 * transaction): the tables in wrote streamed from the store, the others
 * copied from base. */
static bool snap_patch(sq_store *q, const char *path, uint64_t v, const sp_snap_base *base, unsigned wrote,
                       sp_outfile **out, sp_err *err)
{
    *out = NULL;
    sp_load_spec spec;
    full_spec(&spec);
    uint64_t rows[TBL_COUNT];
    snapshot_base_rows(base, rows);
    for (int t = 0; t < TBL_COUNT; t++) {
        if (!(wrote & (1u << t))) continue;
        if (q->rows_known & (1u << t)) rows[t] = q->rows[t];
        else if (!count_full(q, (sp_table)t, &rows[t], err)) return false;
    }
    sp_snap_writer *w = snapshot_writer_open_from(path, sqlite3_db_filename(q->db, "main"), rows, v,
                                                  SP_SCHEMA_VERSION, base, err);
    if (!w) return false;
    for (int t = 0; t < TBL_COUNT; t++) {
        bool ok = wrote & (1u << t) ? feed_rows(q, (sp_table)t, &spec, w, err)
                                    : snapshot_writer_copy(w, (sp_table)t);
        if (!ok) {
            snapshot_writer_abort(w);
            if (err_ok(err)) err_set(err, SP_EINTERNAL, "snapshot: patching %s failed", table_name((sp_table)t));
            return false;
        }
    }
    return snapshot_writer_finish(w, out);
}

/* snap_build: inside the caller's transaction, writes (and syncs) the
 * snapshot of every CRM row to a temporary file; the caller commits it
 * (outfile_commit) or discards it. NULL when off or on any failure. With
 * base (the snapshot of data version v_before, verified), only the
 * tables in wrote are read from the store, the others copied from it. */
static sp_outfile *snap_build_from(sq_store *q, uint64_t v, bool patch, uint64_t v_before, unsigned wrote)
{
    char *path = snap_file(q);
    if (!path || !snap_writable(q)) {
        free(path);
        return NULL;
    }
    sp_err e = SP_ERR_INIT;
    sp_outfile *o = NULL;
    sp_snap_base *base = patch ? snapshot_base_open(path, SP_SCHEMA_VERSION, v_before) : NULL;
    bool done = false;
    if (base) {
        /* a base damaged inside a copied section fails here: then whole */
        done = snap_patch(q, path, v, base, wrote, &o, &e);
        snapshot_base_close(base);
        err_clear(&e);
    }
    if (!done && !snap_stream(q, path, v, &o, &e)) o = NULL;
    err_free(&e);
    free(path);
    return o;
}

static sp_outfile *snap_build(sq_store *q, uint64_t v) { return snap_build_from(q, v, false, 0, 0); }

static sp_outfile *snap_prepare(sq_store *q)
{
    if (snap_mode_get() != SNAPMODE_AUTO) return NULL;
    uint64_t v;
    sp_err e = SP_ERR_INIT;
    bool ok = read_data_version(q->db, &v, &e);
    err_free(&e);
    if (!ok) return NULL;
    /* the writer's memory instead of the page cache's: the rows are read
     * once, in order (the transaction's pages spill to the WAL) */
    sqlite3_exec(q->db, "PRAGMA cache_size = -8192", NULL, NULL, NULL);
    /* the transaction's pages still in the cache go to the WAL now (the
     * commit would write them) and leave memory: a smaller cache does not
     * drop pages that were written */
    sqlite3_db_cacheflush(q->db);
    sqlite3_db_release_memory(q->db);
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    sp_outfile *o = snap_build_from(q, v, q->v_known && q->wrote, q->v_before, q->wrote);
    sqlite3_exec(q->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
    return o;
}

/* sq_load: one read transaction (a consistent state across tables). A
 * fresh snapshot (same data version, read in this transaction) gives the
 * wanted tables whole (and those they refer to), borrowed from the mapping; otherwise the rows come from
 * SQLite, and when the snapshot is missing, stale or damaged and the
 * workspace writable, every table is loaded (a superset of the spec) and
 * the snapshot rebuilt from it, renamed into place after the read ends. */
static bool sq_load(sp_store *s, const sp_load_spec *spec, sp_dataset *ds, sp_err *err)
{
    sq_store *q = SQ(s);
    if (ds->borrowed) { /* one load per dataset: a mapped one cannot grow */
        err_set(err, SP_EINTERNAL, "load: the dataset is already loaded from a snapshot");
        return false;
    }
    if (!sq_exec(q->db, "BEGIN", err)) return false;
    snap_mode mode = snap_mode_get();
    bool empty = ds->dict.n <= 1 && !ds->reps.n && !ds->customers.n && !ds->leads.n && !ds->deals.n &&
                 !ds->activities.n && !ds->invoices.n && !ds->spend.n;
    uint64_t v = 0;
    bool rebuild = false;
    if (mode != SNAPMODE_OFF && empty) {
        char *path = snap_file(q);
        sp_err e = SP_ERR_INIT;
        if (path && read_data_version(q->db, &v, &e)) {
            sp_snap_state st = snapshot_open_ex(path, SP_SCHEMA_VERSION, v, ds, spec->want, spec->cols,
                                                spec->activities_touch_only ? 1 : spec->day_indexes ? SNAP_WITH_INDEXES : 0,
                                                spec->from[TBL_ACTIVITIES], spec->to[TBL_ACTIVITIES], NULL);
            if (st == SNAP_FRESH) {
                free(path);
                err_free(&e);
                sq_exec(q->db, "COMMIT", err);
                return true;
            }
            rebuild = mode == SNAPMODE_AUTO && snap_writable(q);
        }
        err_free(&e);
        free(path);
    }
    /* the snapshot is rebuilt streaming (bounded memory), then this query
     * loads what it needs as without one */
    sp_outfile *o = rebuild ? snap_build(q, v) : NULL;
    bool ok = load_tables(q, spec, ds, err);
    if (ok) dataset_index(ds);
    sq_exec(q->db, ok ? "COMMIT" : "ROLLBACK", err);
    if (o) {
        sp_err e = SP_ERR_INIT;
        outfile_commit(o, &e);
        err_free(&e);
    }
    return ok;
}

/* sq_snapshot_rebuild: under the write lock (no writer can change the
 * data meanwhile), a snapshot of the current state. */
static bool sq_snapshot_rebuild(sp_store *s, sp_err *err)
{
    sq_store *q = SQ(s);
    char *path = snap_file(q);
    if (!path) {
        err_set(err, SP_EUSAGE, "%s", _("this workspace is not a file: it has no snapshot"));
        return false;
    }
    if (!snap_writable(q)) {
        err_set(err, SP_EIO, _("cannot write the snapshot %s: the workspace or its directory is read-only"), path);
        free(path);
        return false;
    }
    if (!sq_exec(q->db, "BEGIN IMMEDIATE", err)) {
        free(path);
        return false;
    }
    uint64_t v;
    sp_outfile *o = NULL;
    bool ok = read_data_version(q->db, &v, err) && snap_stream(q, path, v, &o, err);
    if (!sq_exec(q->db, ok ? "COMMIT" : "ROLLBACK", ok ? err : NULL)) ok = false;
    if (ok) ok = outfile_commit(o, err);
    else outfile_abort(o);
    free(path);
    return ok;
}

static bool sq_snapshot_status(sp_store *s, sp_snap_info *info, char **path_out, sp_err *err)
{
    sq_store *q = SQ(s);
    char *path = snap_file(q);
    if (!path) {
        err_set(err, SP_EUSAGE, "%s", _("this workspace is not a file: it has no snapshot"));
        return false;
    }
    uint64_t v = 0;
    if (!sq_exec(q->db, "BEGIN", err)) {
        free(path);
        return false;
    }
    bool ok = read_data_version(q->db, &v, err);
    if (ok) {
        snapshot_open(path, SP_SCHEMA_VERSION, v, NULL, NULL, info);
        info->store_version = v;
    }
    sq_exec(q->db, "COMMIT", NULL);
    if (ok && path_out) *path_out = path;
    else free(path);
    return ok;
}

static bool sq_count(sp_store *s, sp_table t, int64_t *n, sp_err *err)
{
    static const char *const sql[TBL_COUNT] = {
        "SELECT count(*) FROM reps",       "SELECT count(*) FROM customers",
        "SELECT count(*) FROM leads",      "SELECT count(*) FROM deals",
        "SELECT count(*) FROM activities", "SELECT count(*) FROM invoices",
        "SELECT count(*) FROM spend",
    };
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(SQ(s)->db, sql[t], -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(SQ(s)->db, rc, "prepare", err);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_error(SQ(s)->db, rc, "count", err);
    return true;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

static bool sq_plan_put(sp_store *s, const char *plan_id, const char *name, const char *text,
                        const char *reason, int *version, bool *changed, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    int rc;
    *changed = false;
    *version = 0;
    if (!sq_exec(db, "BEGIN IMMEDIATE", err)) return false;
    rc = sqlite3_prepare_v2(db, "SELECT version, body FROM plan_versions WHERE plan_id = ?1"
                                " ORDER BY version DESC LIMIT 1", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *version = sqlite3_column_int(st, 0);
        const char *body = (const char *)sqlite3_column_text(st, 1);
        if (body && strcmp(body, text) == 0) {
            sqlite3_finalize(st);
            return sq_exec(db, "COMMIT", err);
        }
    } else if (rc != SQLITE_DONE) {
        goto fail;
    }
    sqlite3_finalize(st);
    st = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO plans(plan_id, name, created_at) VALUES(?1, ?2, datetime('now'))"
                                " ON CONFLICT(plan_id) DO UPDATE SET name = excluded.name", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name ? name : plan_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) goto fail;
    sqlite3_finalize(st);
    st = NULL;
    rc = sqlite3_prepare_v2(db, "INSERT INTO plan_versions(plan_id, version, created_at, reason, body)"
                                " VALUES(?1, ?2, datetime('now'), ?3, ?4)", -1, &st, NULL);
    if (rc != SQLITE_OK) goto fail;
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, *version + 1);
    bind_text(st, 3, reason);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc != SQLITE_DONE) goto fail;
    sqlite3_finalize(st);
    *version += 1;
    *changed = true;
    return sq_exec(db, "COMMIT", err);
fail:
    sq_error(db, rc, "plan", err);
    sqlite3_finalize(st);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

static bool sq_plan_get(sp_store *s, const char *plan_id, int version, char **text, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT body FROM plan_versions WHERE plan_id = ?1"
                                    " AND (?2 = 0 OR version = ?2) ORDER BY version DESC LIMIT 1",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, version);
    rc = sqlite3_step(st);
    bool ok = false;
    if (rc == SQLITE_ROW) {
        *text = dup_col(st, 0);
        ok = true;
    } else if (rc == SQLITE_DONE) {
        if (version) err_set(err, SP_ENOTFOUND, _("plan '%s' has no version %d"), plan_id, version);
        else err_set(err, SP_ENOTFOUND, _("no plan '%s' in the workspace"), plan_id);
    } else {
        sq_error(db, rc, "plan", err);
    }
    sqlite3_finalize(st);
    return ok;
}

/* plan_query: rows of (plan_id, name, version, created_at, reason). */
static bool plan_query(sqlite3 *db, const char *sql, const char *arg, sp_plan_info **out, size_t *n,
                       sp_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    if (arg) sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        sp_plan_info *p = &(*out)[(*n)++];
        p->id = dup_col(st, 0);
        p->name = dup_col(st, 1);
        p->version = sqlite3_column_int(st, 2);
        p->created_at = dup_col(st, 3);
        p->reason = dup_col(st, 4);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "plan", err);
    return true;
}

static bool sq_plan_list(sp_store *s, sp_plan_info **out, size_t *n, sp_err *err)
{
    return plan_query(SQ(s)->db,
                      "SELECT p.plan_id, p.name, v.version, v.created_at, v.reason FROM plans p"
                      " JOIN plan_versions v ON v.plan_id = p.plan_id AND v.version ="
                      " (SELECT max(version) FROM plan_versions WHERE plan_id = p.plan_id)"
                      " ORDER BY p.plan_id",
                      NULL, out, n, err);
}

static bool sq_plan_versions(sp_store *s, const char *plan_id, sp_plan_info **out, size_t *n, sp_err *err)
{
    return plan_query(SQ(s)->db,
                      "SELECT p.plan_id, p.name, v.version, v.created_at, v.reason FROM plans p"
                      " JOIN plan_versions v ON v.plan_id = p.plan_id WHERE p.plan_id = ?1"
                      " ORDER BY v.version",
                      plan_id, out, n, err);
}

static bool get_user_version(sqlite3 *db, int *v, sp_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "schema", err);
    rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return sq_error(db, rc, "schema", err);
    return true;
}

static bool sq_schema_version(sp_store *s, int *version, sp_err *err)
{
    return get_user_version(SQ(s)->db, version, err);
}

/* ---- bulk loads ---- */

/* dv_triggers: drops (create false) or recreates table t's data version
 * triggers (schema 4). */
static bool dv_triggers(sp_store *s, sp_table t, bool create, sp_err *err)
{
    static const char *const ev[3][2] = {{"INSERT", "i"}, {"UPDATE", "u"}, {"DELETE", "d"}};
    char sql[256];
    for (int i = 0; i < 3; i++) {
        if (create)
            snprintf(sql, sizeof sql,
                     "CREATE TRIGGER IF NOT EXISTS %s_dv_%s AFTER %s ON %s BEGIN UPDATE data_version SET n = n + 1; END",
                     table_name(t), ev[i][1], ev[i][0], table_name(t));
        else
            snprintf(sql, sizeof sql, "DROP TRIGGER IF EXISTS %s_dv_%s", table_name(t), ev[i][1]);
        if (!sq_exec(SQ(s)->db, sql, err)) return false;
    }
    return true;
}

static bool sq_bulk_begin(sp_store *s, sp_table t, sp_err *err)
{
    mark_write(SQ(s), t);
    /* a cached upsert statement may refer to the old schema: re-prepare */
    sqlite3_finalize(SQ(s)->upsert[t]);
    SQ(s)->upsert[t] = NULL;
    return dv_pause(SQ(s), t, err);
}

/* sq_bulk_end: nothing left to do since schema 8 (the CRM tables keep no
 * secondary index: the import of a large file no longer rebuilds one). */
static bool sq_bulk_end(sp_store *s, sp_table t, sp_err *err)
{
    (void)s, (void)t, (void)err;
    return true;
}

/* ---- tracking ---- */

/* run_write: steps a prepared write statement once and finalizes it. */
static bool run_write(sqlite3 *db, sqlite3_stmt *st, int rc, sp_err *err)
{
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "write", err);
    return true;
}

static bool sq_task_set(sp_store *s, const char *plan_id, const char *task_id, sp_task_status status,
                        int progress, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO task_states(plan_id, task_id, status, progress, updated_at)"
                                    " VALUES(?1, ?2, ?3, ?4, datetime('now')) ON CONFLICT(plan_id, task_id)"
                                    " DO UPDATE SET status = excluded.status, progress = excluded.progress,"
                                    " updated_at = excluded.updated_at", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, task_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, task_status_name(status), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, progress);
    }
    return run_write(db, st, rc, err);
}

static bool sq_task_states(sp_store *s, const char *plan_id, sp_task_state **out, size_t *n, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT task_id, status, progress, updated_at FROM task_states"
                                    " WHERE plan_id = ?1 ORDER BY task_id", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        sp_task_state *t = &(*out)[(*n)++];
        t->task_id = dup_col(st, 0);
        int k = task_status_from_name((const char *)sqlite3_column_text(st, 1));
        t->status = k < 0 ? TASK_TODO : (sp_task_status)k;
        t->progress = sqlite3_column_int(st, 2);
        t->updated_at = dup_col(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "task_states", err);
    return true;
}

static bool sq_review_add(sp_store *s, const sp_review *r, int64_t *id, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO reviews(plan_id, period, goal_id, cause, lesson, action,"
                                    " plan_version, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, datetime('now'))",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_text(st, 1, r->plan_id);
        bind_text(st, 2, r->period_text);
        bind_text(st, 3, r->goal_id);
        bind_text(st, 4, r->cause);
        bind_text(st, 5, r->lesson);
        bind_text(st, 6, r->action);
        if (r->plan_version > 0) sqlite3_bind_int(st, 7, r->plan_version);
        else sqlite3_bind_null(st, 7);
    }
    if (!run_write(db, st, rc, err)) return false;
    *id = sqlite3_last_insert_rowid(db);
    return true;
}

static bool sq_review_list(sp_store *s, const char *plan_id, const char *period, sp_review **out, size_t *n,
                           sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT review_id, plan_id, period, goal_id, cause, lesson, action,"
                                    " plan_version, created_at FROM reviews WHERE plan_id = ?1"
                                    " AND (?2 IS NULL OR period = ?2) ORDER BY review_id", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    bind_text(st, 2, period);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        sp_review *r = &(*out)[(*n)++];
        r->id = sqlite3_column_int64(st, 0);
        r->plan_id = dup_col(st, 1);
        r->period_text = dup_col(st, 2);
        r->goal_id = dup_col(st, 3);
        r->cause = dup_col(st, 4);
        r->lesson = dup_col(st, 5);
        r->action = dup_col(st, 6);
        r->plan_version = sqlite3_column_int(st, 7);
        r->created_at = dup_col(st, 8);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "reviews", err);
    return true;
}

static bool sq_actual_set(sp_store *s, const char *plan_id, const char *goal_id, sp_day on, int64_t value,
                          sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "INSERT INTO actuals(plan_id, goal_id, on_day, value) VALUES(?1, ?2, ?3, ?4)"
                                    " ON CONFLICT(plan_id, goal_id, on_day) DO UPDATE SET value = excluded.value",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, goal_id, -1, SQLITE_STATIC);
        bind_day(st, 3, on);
        sqlite3_bind_int64(st, 4, value);
    }
    return run_write(db, st, rc, err);
}

static bool sq_actual_list(sp_store *s, const char *plan_id, const char *goal_id, sp_actual **out, size_t *n,
                           sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT goal_id, on_day, value FROM actuals WHERE plan_id = ?1"
                                    " AND (?2 IS NULL OR goal_id = ?2) ORDER BY goal_id, on_day", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    sqlite3_bind_text(st, 1, plan_id, -1, SQLITE_STATIC);
    bind_text(st, 2, goal_id);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xreallocarray(*out, cap, sizeof **out);
        }
        sp_actual *a = &(*out)[(*n)++];
        a->goal_id = dup_col(st, 0);
        a->on = col_day(st, 1);
        a->value = sqlite3_column_int64(st, 2);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "actuals", err);
    return true;
}

/* The values of each filter key: (value, label) rows; ?1 probes one value
 * (NULL: list them all). The owner columns are read DISTINCT per table. */
static const char *const filter_values_sql[DIM_COUNT] = {
    [DIM_REGION] = "SELECT region, NULL FROM customers WHERE region <> '' AND (?1 IS NULL OR region = ?1)"
                   " UNION SELECT region, NULL FROM leads WHERE region <> '' AND (?1 IS NULL OR region = ?1)"
                   " UNION SELECT region, NULL FROM reps WHERE region <> '' AND (?1 IS NULL OR region = ?1)",
    [DIM_INDUSTRY] = "SELECT industry, NULL FROM customers WHERE industry <> '' AND (?1 IS NULL OR industry = ?1)"
                     " UNION SELECT industry, NULL FROM leads WHERE industry <> '' AND (?1 IS NULL OR industry = ?1)"
                     " UNION SELECT industry, NULL FROM reps WHERE industry <> '' AND (?1 IS NULL OR industry = ?1)",
    [DIM_SIZE] = "SELECT size, NULL FROM customers WHERE size <> '' AND (?1 IS NULL OR size = ?1)"
                 " UNION SELECT size, NULL FROM leads WHERE size <> '' AND (?1 IS NULL OR size = ?1)",
    [DIM_TEAM] = "SELECT DISTINCT team, NULL FROM reps WHERE team <> '' AND (?1 IS NULL OR team = ?1)",
    [DIM_REP] = "SELECT v, max(l) FROM (SELECT rep_id v, name l FROM reps WHERE (?1 IS NULL OR rep_id = ?1)"
                " UNION ALL SELECT DISTINCT owner_rep_id, NULL FROM customers WHERE (?1 IS NULL OR owner_rep_id = ?1)"
                " UNION ALL SELECT DISTINCT owner_rep_id, NULL FROM deals WHERE (?1 IS NULL OR owner_rep_id = ?1)"
                " UNION ALL SELECT DISTINCT owner_rep_id, NULL FROM leads WHERE (?1 IS NULL OR owner_rep_id = ?1))"
                " WHERE v <> '' GROUP BY v",
    [DIM_PRODUCT] = "SELECT DISTINCT product, NULL FROM deals WHERE product <> '' AND (?1 IS NULL OR product = ?1)",
    [DIM_SOURCE] = "SELECT DISTINCT source, NULL FROM leads WHERE source <> '' AND (?1 IS NULL OR source = ?1)",
    [DIM_TIER] = NULL,
    [DIM_CATEGORY] = "SELECT DISTINCT category, NULL FROM spend WHERE category <> '' AND (?1 IS NULL OR category = ?1)",
    [DIM_STRATEGY] = "SELECT DISTINCT strategy_id, NULL FROM spend WHERE strategy_id <> ''"
                     " AND (?1 IS NULL OR strategy_id = ?1)",
};

/* The probe for one value (?1): does any record hold it? UNION ALL and no
 * DISTINCT, so that SQLite stops at the first row (LIMIT 1). */
static const char *const filter_probe_sql[DIM_COUNT] = {
    [DIM_REGION] = "SELECT 1 FROM customers WHERE region = ?1 UNION ALL SELECT 1 FROM leads WHERE region = ?1"
                   " UNION ALL SELECT 1 FROM reps WHERE region = ?1",
    [DIM_INDUSTRY] = "SELECT 1 FROM customers WHERE industry = ?1 UNION ALL SELECT 1 FROM leads WHERE industry = ?1"
                     " UNION ALL SELECT 1 FROM reps WHERE industry = ?1",
    [DIM_SIZE] = "SELECT 1 FROM customers WHERE size = ?1 UNION ALL SELECT 1 FROM leads WHERE size = ?1",
    [DIM_TEAM] = "SELECT 1 FROM reps WHERE team = ?1",
    [DIM_REP] = "SELECT 1 FROM reps WHERE rep_id = ?1 UNION ALL SELECT 1 FROM customers WHERE owner_rep_id = ?1"
                " UNION ALL SELECT 1 FROM deals WHERE owner_rep_id = ?1 UNION ALL SELECT 1 FROM leads"
                " WHERE owner_rep_id = ?1",
    [DIM_PRODUCT] = "SELECT 1 FROM deals WHERE product = ?1",
    [DIM_SOURCE] = "SELECT 1 FROM leads WHERE source = ?1",
    [DIM_TIER] = NULL,
    [DIM_CATEGORY] = "SELECT 1 FROM spend WHERE category = ?1",
    [DIM_STRATEGY] = "SELECT 1 FROM spend WHERE strategy_id = ?1",
};

static bool sq_filter_values(sp_store *s, sp_dim dim, const char *value, bool *found, sp_known_value **out,
                             size_t *n, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    *out = NULL;
    *n = 0;
    *found = false;
    if ((unsigned)dim >= DIM_COUNT || !filter_values_sql[dim]) return true;
    for (int pass = value ? 0 : 1; pass < 2; pass++) {
        /* pass 0: does any record hold value? (LIMIT 1 stops at the first);
         * pass 1: every value, sorted */
        char *sql = pass == 0 ? xasprintf("%s LIMIT 1", filter_probe_sql[dim])
                              : xasprintf("SELECT * FROM (%s) ORDER BY 1", filter_values_sql[dim]);
        sqlite3_stmt *st;
        int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
        free(sql);
        if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
        if (pass == 0) sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
        else sqlite3_bind_null(st, 1);
        size_t cap = 0;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (pass == 0) {
                *found = true;
                continue;
            }
            if (*n == cap) {
                cap = cap ? cap * 2 : 16;
                *out = xreallocarray(*out, cap, sizeof **out);
            }
            sp_known_value *k = &(*out)[(*n)++];
            k->value = dup_col(st, 0);
            k->label = dup_col(st, 1);
            if (!k->value) (*n)--;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            known_values_free(*out, *n);
            *out = NULL;
            *n = 0;
            return sq_error(db, rc, "filter values", err);
        }
        if (*found) return true;
    }
    return true;
}

/* ---- reminders sent (schema 5) ---- */

static void bind_entry_key(sqlite3_stmt *st, const sp_notify_entry *e, char day[16])
{
    sqlite3_bind_text(st, 1, e->plan_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, day_format(e->day, day), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, e->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, e->recipient, -1, SQLITE_STATIC);
}

static bool sq_notify_state(sp_store *s, const sp_notify_entry *e, char **state, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st;
    char day[16];
    *state = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT state FROM notify_log WHERE plan_id = ?1 AND day = ?2 AND channel = ?3"
                                    " AND recipient = ?4", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    bind_entry_key(st, e, day);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *state = dup_col(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sq_error(db, rc, "read", err);
    return true;
}

static bool sq_notify_claim(sp_store *s, const sp_notify_entry *e, int64_t stale_before, bool *claimed,
                            char **state, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    char day[16];
    *claimed = false;
    if (state) *state = NULL;
    /* one statement: its own transaction, serialised by the write lock;
     * the primary key makes a second claim an update that only a failed
     * or abandoned message allows */
    int rc = sqlite3_prepare_v2(db,
        "INSERT INTO notify_log(plan_id, day, channel, recipient, address, what, body, state, attempts,"
        " claim_id, claimed_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sending', 0, ?8, ?9)"
        " ON CONFLICT(plan_id, day, channel, recipient) DO UPDATE SET address = excluded.address,"
        " what = excluded.what, body = excluded.body, state = 'sending', claim_id = excluded.claim_id,"
        " claimed_at = excluded.claimed_at, finished_at = NULL"
        " WHERE notify_log.state = 'failed' OR (notify_log.state = 'sending' AND notify_log.claimed_at < ?10)",
        -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    bind_entry_key(st, e, day);
    sqlite3_bind_text(st, 5, e->address, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->what ? e->what : "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, e->body ? e->body : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, e->claim_id ? e->claim_id : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, e->at);
    sqlite3_bind_int64(st, 10, stale_before);
    if (!run_write(db, st, rc, err)) return false;
    *claimed = sqlite3_changes(db) == 1;
    if (!*claimed && state) return sq_notify_state(s, e, state, err);
    return true;
}

static bool sq_notify_finish(sp_store *s, const sp_notify_entry *e, sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    char day[16];
    int rc = sqlite3_prepare_v2(db, "UPDATE notify_log SET state = ?5, attempts = ?6, answer = ?7, finished_at = ?8"
                                    " WHERE plan_id = ?1 AND day = ?2 AND channel = ?3 AND recipient = ?4"
                                    " AND claim_id = ?9", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind_entry_key(st, e, day);
        sqlite3_bind_text(st, 5, e->sent ? "sent" : "failed", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 6, e->attempts);
        sqlite3_bind_text(st, 7, e->answer, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, e->at);
        sqlite3_bind_text(st, 9, e->claim_id ? e->claim_id : "", -1, SQLITE_STATIC);
    }
    return run_write(db, st, rc, err);
}

/* ---- reps' e-mail addresses (schema 8, for notify) ---- */

static bool sq_rep_emails(sp_store *s, void (*fn)(void *ctx, const char *id, const char *email), void *ctx,
                          sp_err *err)
{
    sqlite3 *db = SQ(s)->db;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT rep_id, email FROM reps WHERE email IS NOT NULL AND email <> ''"
                                    " ORDER BY rep_id", -1, &st, NULL);
    if (rc != SQLITE_OK) return sq_error(db, rc, "prepare", err);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_error(db, rc, "read", err);
    return true;
}

static const sp_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .upsert = sq_upsert,
    .load = sq_load,
    .count = sq_count,
    .plan_put = sq_plan_put,
    .plan_get = sq_plan_get,
    .plan_list = sq_plan_list,
    .plan_versions = sq_plan_versions,
    .schema_version = sq_schema_version,
    .bulk_begin = sq_bulk_begin,
    .bulk_end = sq_bulk_end,
    .task_set = sq_task_set,
    .task_states = sq_task_states,
    .review_add = sq_review_add,
    .review_list = sq_review_list,
    .actual_set = sq_actual_set,
    .actual_list = sq_actual_list,
    .filter_values = sq_filter_values,
    .each_name = sq_each_name,
    .idset_open = sq_idset_open,
    .idset_add = sq_idset_add,
    .idset_close = sq_idset_close,
    .snapshot_rebuild = sq_snapshot_rebuild,
    .snapshot_status = sq_snapshot_status,
    .notify_claim = sq_notify_claim,
    .notify_finish = sq_notify_finish,
    .notify_state = sq_notify_state,
    .rep_emails = sq_rep_emails,
    SQ_USER_OPS
};

sqlite3 *sq_handle(sp_store *s) { return SQ(s)->db; }
bool sq_fail(sp_store *s, int rc, const char *what, sp_err *err) { return sq_error(SQ(s)->db, rc, what, err); }

/* ---- opening: what the file is, migrations, waiting for writers ---- */

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* sq_busy: SQLite's busy handler: sleeps and retries until the store's
 * wait limit, saying once (after a second, when a notice stream is set)
 * that it waits for another writer. Returns 0 to give up. */
static int sq_busy(void *arg, int count)
{
    sq_store *q = arg;
    double now = mono_now();
    if (count == 0) {
        q->wait_start = now;
        q->wait_said = false;
    }
    double waited = now - q->wait_start;
    if (waited >= q->wait_limit) return 0;
    FILE *f = store_wait_notice();
    if (f && !q->wait_said && waited >= 1.0) {
        fprintf(f, _("salesplan: waiting for the workspace %s: another process is writing (up to %.0f s)...\n"),
                q->base.url, q->wait_limit);
        fflush(f);
        q->wait_said = true;
    }
    double left = q->wait_limit - waited;
    double nap = count < 6 ? 0.001 * (double)(1 << count) : 0.05;
    if (nap > left) nap = left;
    struct timespec ts = {(time_t)nap, (long)((nap - (double)(time_t)nap) * 1e9)};
    nanosleep(&ts, NULL);
    return 1;
}

/* What a file holds, read in one read transaction. */
typedef struct sq_info {
    int app_id, version;
    int64_t objects;        /* rows of sqlite_master */
    int64_t our_tables;     /* of deals, plan_versions */
} sq_info;

typedef enum sq_kind { KIND_OURS, KIND_LEGACY, KIND_EMPTY, KIND_FOREIGN } sq_kind;

static bool int_pragma(sqlite3 *db, const char *sql, int64_t *out, int64_t *out2, int *rc_out)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(st, 0);
            if (out2) *out2 = sqlite3_column_int64(st, 1);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(st);
    *rc_out = rc;
    return rc == SQLITE_OK;
}

/* inspect: reads the header fields and the schema objects (inside the
 * caller's transaction, or each statement in its own read transaction).
 * Returns the SQLite result code. */
static int inspect(sqlite3 *db, sq_info *in)
{
    int64_t a = 0, v = 0, n = 0, ours = 0;
    int rc;
    if (!int_pragma(db, "PRAGMA application_id", &a, NULL, &rc) || !int_pragma(db, "PRAGMA user_version", &v, NULL, &rc) ||
        !int_pragma(db, "SELECT count(*), count(CASE WHEN type = 'table' AND name IN ('deals', 'plan_versions')"
                        " THEN 1 END) FROM sqlite_master", &n, &ours, &rc))
        return rc;
    in->app_id = (int)a;
    in->version = (int)v;
    in->objects = n;
    in->our_tables = ours;
    return SQLITE_OK;
}

/* inspect_tx: inspect in one read transaction (no write lock). */
static int inspect_tx(sqlite3 *db, sq_info *in)
{
    int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if (rc != SQLITE_OK) return rc;
    rc = inspect(db, in);
    sqlite3_exec(db, rc == SQLITE_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static sq_kind classify(const sq_info *in)
{
    if (in->app_id == SP_APPLICATION_ID) return KIND_OURS;
    if (in->app_id == 0 && in->version >= 1 && in->our_tables == 2) return KIND_LEGACY;
    if (in->app_id == 0 && in->version == 0 && in->objects == 0) return KIND_EMPTY;
    return KIND_FOREIGN;
}

/* refuse_kind: the error for a file that is not a workspace (mode: whether
 * an empty one may be made one). false when refused. */
static bool refuse_kind(sq_kind k, const sq_info *in, const char *path, sp_open_mode mode, sp_err *err)
{
    if (k == KIND_FOREIGN) {
        if (in->app_id != 0)
            err_set(err, SP_EINVAL,
                    _("%s is not a salesplan workspace: it is a SQLite database of another program (application id "
                      "%d); it was left untouched"),
                    path, in->app_id);
        else
            err_set(err, SP_EINVAL,
                    _("%s is not a salesplan workspace: it is a SQLite database of another program; it was left "
                      "untouched"),
                    path);
        return false;
    }
    if (k == KIND_EMPTY && mode != STORE_CREATE) {
        err_set(err, SP_EINVAL,
                _("%s is not a salesplan workspace (it is empty): only 'salesplan init' or 'salesplan demo' make one"),
                path);
        return false;
    }
    if (in->version > SP_SCHEMA_VERSION) {
        err_set(err, SP_EINVAL,
                _("%s: the workspace has schema version %d, newer than this salesplan understands (%d); "
                  "use a newer salesplan"),
                path, in->version, SP_SCHEMA_VERSION);
        return false;
    }
    return true;
}

/* open_error: the error of a failed first read of path, said plainly. */
static bool open_error(sqlite3 *db, int rc, const char *path, sp_err *err)
{
    if ((rc & 0xff) == SQLITE_NOTADB) {
        err_set(err, SP_EINVAL, _("%s is not a salesplan workspace (not a SQLite database)"), path);
        return false;
    }
    if (!db) {
        err_set(err, SP_EIO, _("workspace %s: %s"), path, sq_msg(NULL, rc));
        return false;
    }
    return sq_error(db, rc, NULL, err);
}

/* migrate: under the write lock, re-reads what the file is (another
 * process may have migrated it meanwhile), runs the pending migrations and
 * stamps the application id, in one transaction. */
static bool migrate(sqlite3 *db, const char *path, sp_open_mode mode, sp_err *err)
{
    if (!sq_exec(db, "BEGIN IMMEDIATE", err)) return false;
    sq_info in;
    int rc = inspect(db, &in);
    if (rc != SQLITE_OK) {
        open_error(db, rc, path, err);
        goto fail;
    }
    sq_kind k = classify(&in);
    if (!refuse_kind(k, &in, path, mode, err)) goto fail;
    for (int i = in.version; i < SP_SCHEMA_VERSION; i++) {
        if (!sq_exec(db, migrations[i], err)) goto fail;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", i + 1);
        if (!sq_exec(db, pragma, err)) goto fail;
    }
    if (in.app_id != SP_APPLICATION_ID) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d", SP_APPLICATION_ID);
        if (!sq_exec(db, pragma, err)) goto fail;
    }
    return sq_exec(db, "COMMIT", err);
fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return false;
}

/* ensure_wal: WAL journal mode (readers never wait for the writer); a
 * no-op on a workspace that has it. */
static bool ensure_wal(sqlite3 *db, sp_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
    bool wal = false;
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *m = sqlite3_column_text(st, 0);
        wal = m && strcmp((const char *)m, "wal") == 0;
    }
    sqlite3_finalize(st);
    if (wal) return true;
    return sq_exec(db, "PRAGMA journal_mode = WAL", err);
}

/* uri_for: "file:PATH?immutable=1" with PATH percent-encoded. malloc'ed. */
static char *uri_immutable(const char *path)
{
    buf_t b = BUF_INIT;
    buf_puts(&b, "file:");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (*p == '%' || *p == '?' || *p == '#' || *p < 0x20) buf_printf(&b, "%%%02X", *p);
        else buf_putc(&b, (char)*p);
    }
    buf_puts(&b, "?immutable=1");
    char *s = xstrdup(buf_cstr(&b));
    buf_free(&b);
    return s;
}

/* dir_writable: whether new files (-wal, -shm) can be made beside path. */
static bool dir_writable(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    bool ok = access(dir, W_OK) == 0;
    free(dir);
    return ok;
}

/* sq_connect: opens path with flags (path may be a URI), busy handler
 * and the per-connection settings. On failure returns NULL with *rc_out
 * the SQLite code, and err set unless that code is SQLITE_CANTOPEN (the
 * first read failed: the caller may retry) or SQLITE_READONLY (asked for
 * read-write, got read-only: the caller says what that means). */
/* sq_global: once, before SQLite's first use: no memory statistics (they
 * take a global mutex around every allocation, which the importer's two
 * threads, each with its own connection, fought over: 10 % of an import) */
static void sq_global_once(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }
static void sq_global(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sq_global_once);
}

static sqlite3 *sq_connect(sq_store *q, const char *path, int flags, int *rc_out, sp_err *err)
{
    sq_global();
    sqlite3 *db = NULL;
    *rc_out = SQLITE_OK;
    int rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        *rc_out = rc;
        err_set(err, SP_EIO, _("workspace %s: %s"), q->base.url, sq_msg(db, rc));
        sqlite3_close(db);
        return NULL;
    }
    if ((flags & SQLITE_OPEN_READWRITE) && sqlite3_db_readonly(db, "main") == 1) {
        *rc_out = SQLITE_READONLY;
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_handler(db, sq_busy, q);
    /* none of these writes to the file (but the first reads its schema) */
    rc = sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                          " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        *rc_out = rc;
        if ((rc & 0xff) != SQLITE_CANTOPEN) open_error(db, rc, q->base.url, err);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* readonly_reason: why path cannot be written (strerror), for messages. */
static const char *readonly_reason(const char *path)
{
    if (access(path, W_OK) != 0) return sys_errmsg(errno);
    return _("opened read-only");
}

sp_store *store_sqlite_open(const char *path, sp_open_mode mode, sp_err *err)
{
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && mode != STORE_CREATE) {
        err_set(err, SP_ENOTFOUND, _("no workspace at %s: run 'salesplan init' (or 'salesplan demo') first, or name one with --db"),
                path);
        return NULL;
    }
    if (exists && S_ISDIR(sb.st_mode)) {
        err_set(err, SP_EINVAL, _("%s is a directory, not a salesplan workspace"), path);
        return NULL;
    }
    sq_store *q = xcalloc(1, sizeof *q);
    q->base.ops = &sqlite_ops;
    q->base.url = xstrdup(path);
    q->wait_limit = store_wait_limit();
    sqlite3 *db = NULL;
    sq_info in;
    int rc;

    if (mode == STORE_READ) {
        db = sq_connect(q, path, SQLITE_OPEN_READONLY, &rc, err);
        if (db) rc = inspect_tx(db, &in);
        else if ((rc & 0xff) != SQLITE_CANTOPEN) goto fail;
        if ((rc & 0xff) == SQLITE_CANTOPEN && !dir_writable(path)) {
            /* a read-only directory or file system: the -shm and -wal
             * files cannot be made. With no -wal holding changes nobody
             * can be writing: read the file as it is. */
            char *wal = xasprintf("%s-wal", path);
            struct stat ws;
            bool pending = stat(wal, &ws) == 0 && ws.st_size > 0;
            free(wal);
            if (pending) {
                err_set(err, SP_EIO,
                        _("workspace %s cannot be read: its -wal file holds changes and its directory is read-only"),
                        path);
                goto fail;
            }
            sqlite3_close(db);
            char *uri = uri_immutable(path);
            db = sq_connect(q, uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, &rc, err);
            free(uri);
            if (db) rc = inspect_tx(db, &in);
            else if ((rc & 0xff) != SQLITE_CANTOPEN) goto fail;
        }
        if (rc != SQLITE_OK) {
            open_error(db, rc, path, err);
            goto fail;
        }
        sq_kind k = classify(&in);
        if (!refuse_kind(k, &in, path, mode, err)) goto fail;
        if (in.version == SP_SCHEMA_VERSION) goto done; /* the usual case: no lock taken */
        /* an older schema: upgrade it when the file can be written (as a
         * writer would), else explain */
        sqlite3_close(db);
        db = sq_connect(q, path, SQLITE_OPEN_READWRITE, &rc, err);
        if (!db && rc != SQLITE_READONLY) {
            if ((rc & 0xff) == SQLITE_CANTOPEN) open_error(NULL, rc, path, err);
            goto fail;
        }
        if (!db) {
            err_set(err, SP_EIO,
                    _("workspace %s has schema version %d, older than this salesplan (%d), and is read-only (%s): "
                      "upgrade it where it can be written ('salesplan init --db FILE'), or use the salesplan that "
                      "made it"),
                    path, in.version, SP_SCHEMA_VERSION, readonly_reason(path));
            goto fail;
        }
        if (!ensure_wal(db, err) || !migrate(db, path, STORE_WRITE, err)) goto fail;
        goto done;
    }

    db = sq_connect(q, path, SQLITE_OPEN_READWRITE | (mode == STORE_CREATE ? SQLITE_OPEN_CREATE : 0), &rc, err);
    if (!db) {
        if (rc == SQLITE_READONLY)
            err_set(err, SP_EIO, _("workspace %s is read-only (%s): this command writes to it"), path,
                    readonly_reason(path));
        else if ((rc & 0xff) == SQLITE_CANTOPEN && err_ok(err))
            open_error(NULL, rc, path, err);
        goto fail;
    }
    /* what the file is, without a write lock */
    rc = inspect_tx(db, &in);
    if (rc != SQLITE_OK) {
        open_error(db, rc, path, err);
        goto fail;
    }
    sq_kind kind = classify(&in);
    if (!refuse_kind(kind, &in, path, mode, err)) goto fail;
    /* a new workspace: 16 KiB pages (before anything is written; a file
     * keeps the page size it was made with). Fewer, wider b-tree pages: a
     * large import splits and seeks less (about 10 % of its inserts) */
    if (kind == KIND_EMPTY && !sq_exec(db, "PRAGMA page_size = 16384", err)) goto fail;
    if (!ensure_wal(db, err)) goto fail;
    /* the write lock only when something is due: a migration, or the
     * application id of a workspace made by an older salesplan */
    if ((in.version < SP_SCHEMA_VERSION || in.app_id != SP_APPLICATION_ID) && !migrate(db, path, mode, err))
        goto fail;
done:
    q->db = db;
    return &q->base;
fail:
    sqlite3_close(db);
    free(q->base.url);
    free(q);
    return NULL;
}
