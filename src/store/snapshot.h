/*
 * snapshot.h — the columnar snapshot of a workspace (derived persistence).
 *
 * Owns the snapshot file format (one file beside the workspace, WS.db.snap)
 * and its two ways in and out: snapshot_write (the columns and dictionary of
 * a full dataset, temp file + fsync + rename through util/outfile) and
 * snapshot_map (a read-only mapping, verified, that a dataset borrows its
 * columns from: no copy). SQLite stays the source of truth: the file carries
 * the store's data version and is used only when that equals the version read
 * in the same read transaction; anything missing, stale, truncated or damaged
 * is refused (the caller loads from SQLite). No SQL here: the store
 * (store_sqlite.c) reads the version and decides.
 *
 * Format (native little-endian, every offset from the file start):
 *   header (snap_header in snapshot.c), then the section table
 *   (nsections × snap_section), then the sections, each 64-byte aligned:
 *   every column of every table in records.h's SP_*_COLS order, then the
 *   activities sorted by day (occurred_on), then the dictionary in groups (group 0: code 0 and the labels, the interned
 *   strings; group 1 + t: the unique ids, names and notes of table t): the
 *   offsets of each group (uint32 per code), the blob of each group
 *   (NUL-terminated strings), both back to back so that they form one
 *   offset array and one blob; then the hash (open addressing, uint32
 *   codes of the labels by dict_hash).
 * The header's checksum covers the header (checksum field zero) and the
 * section table; each section has its own checksum of its bytes (a
 * Fletcher-like sum over 64-bit words: memory speed). Every value is
 * range-checked (codes < dictionary size, rows < row count or SP_NOROW,
 * enumerations and flags in range, dates valid, every offset of a group
 * inside that group's blob, which ends with a NUL), so even a file with a
 * forged checksum is never read out of bounds. A query checks the labels
 * on open and a table's unique strings only when it first reads one
 * (records.h, sp_dict.lazy): most queries never do.
 */
#ifndef SP_SNAPSHOT_H
#define SP_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/records.h"
#include "../util/util.h"

#define SNAP_MAGIC "SPSNAP\r\n"
#define SNAP_FORMAT 3

typedef enum sp_snap_state {
    SNAP_FRESH,      /* present, verified, same data version */
    SNAP_MISSING,    /* no file */
    SNAP_STALE,      /* verified but of another data version */
    SNAP_DAMAGED,    /* not a snapshot of this format/schema, truncated, bad checksum or values */
} sp_snap_state;

const char *snap_state_name(sp_snap_state s); /* "fresh" … (not translated: a keyword) */

/* What a snapshot holds, for `snapshot status`. */
typedef struct sp_snap_info {
    sp_snap_state state;
    uint64_t data_version;     /* the file's (0 when missing/damaged) */
    uint64_t store_version;    /* the workspace's, read by snapshot_status */
    uint64_t rows[TBL_COUNT];
    uint64_t built[TBL_COUNT]; /* per table: the data version its rows were last read from the store at */
    uint64_t strings;          /* dictionary codes */
    uint64_t file_bytes;
    char why[160];             /* for DAMAGED: what check failed (English, for logs/tests) */
} sp_snap_info;

/* snapshot_path: WS + ".snap" (malloc'ed). */
char *snapshot_path(const char *workspace);

/* snapshot_write: writes ds (a full, owned, indexed dataset) as the snapshot
 * of data_version to path, atomically (temp file, fsync, rename). The
 * workspace is passed for the output guard. */
bool snapshot_write(const char *path, const char *workspace, const sp_dataset *ds, uint64_t data_version,
                    int schema_version, sp_err *err);

/* snapshot_write_prepare: the same up to the rename: *out holds the synced
 * temporary file; the caller renames it into place with outfile_commit
 * (after its own commit) or discards it with outfile_abort. */
typedef struct sp_outfile sp_outfile;
bool snapshot_write_prepare(const char *path, const char *workspace, const sp_dataset *ds, uint64_t data_version,
                            int schema_version, sp_outfile **out, sp_err *err);

/* The streaming writer: snapshot_writer_open with the row count of every
 * table, then every row in table order (sp_table order; exactly the
 * counted rows of each: the struct of records.h for table t), then
 * snapshot_writer_finish: *out holds the synced temporary file (commit or
 * abort it as for snapshot_write_prepare). Memory stays bounded (chunks of
 * rows, the labels, a scratch file for the unique strings). Any failure
 * (also a row count that does not match) makes finish return false with
 * err set; snapshot_writer_abort discards a writer not finished. */
typedef struct sp_snap_writer sp_snap_writer;
sp_snap_writer *snapshot_writer_open(const char *path, const char *workspace, const uint64_t rows[TBL_COUNT],
                                     uint64_t data_version, int schema_version, sp_err *err);
bool snapshot_writer_row(sp_snap_writer *w, sp_table t, const void *rec);
bool snapshot_writer_finish(sp_snap_writer *w, sp_outfile **out);

/* Patching: a write that changed some tables writes a new snapshot from
 * the rows of those (streamed from the store) and copies the others from
 * the snapshot of the state before it (the base), without reading them
 * from the store again. snapshot_base_open maps path and verifies it
 * whole (every checksum and value) as the snapshot of expect_version:
 * NULL when missing, stale or damaged (then write it all, as above).
 * snapshot_writer_open_from is snapshot_writer_open with the base's
 * labels kept (same order); then, table by table in sp_table order,
 * either snapshot_writer_row for each row or snapshot_writer_copy (the
 * table unchanged since the base: rows[t] must be its row count there).
 * Copied tables keep their values; their string codes are moved to the
 * new layout and their references (customer_row, rep_row, owner_row)
 * resolved again against the reps and customers written before them.
 * The base must stay open until the writer is finished or aborted. */
typedef struct sp_snap_base sp_snap_base;
sp_snap_base *snapshot_base_open(const char *path, int schema_version, uint64_t expect_version);
/* snapshot_base_check: the same over the bytes p[0..n) (8-byte aligned,
 * kept by the caller until the base is closed): for tests and the fuzz
 * target. */
sp_snap_base *snapshot_base_check(const void *p, size_t n, int schema_version, uint64_t expect_version);
void snapshot_base_rows(const sp_snap_base *b, uint64_t rows[TBL_COUNT]);
void snapshot_base_close(sp_snap_base *b);
sp_snap_writer *snapshot_writer_open_from(const char *path, const char *workspace, const uint64_t rows[TBL_COUNT],
                                          uint64_t data_version, int schema_version, const sp_snap_base *base,
                                          sp_err *err);
bool snapshot_writer_copy(sp_snap_writer *w, sp_table t);
void snapshot_writer_abort(sp_snap_writer *w);

/* snapshot_check: verifies the bytes p[0..n) as a snapshot of schema_version;
 * fills *info (state FRESH when its version is expect_version, STALE when
 * another, DAMAGED with info->why otherwise). Reads nothing outside
 * p[0..n). With ds != NULL and a FRESH result, points ds's columns and
 * dictionary into p (ds must be new and empty; it becomes borrowed).
 * want (NULL: every table and every string, all at once) limits the work
 * to the tables a query needs: the header, the section table, the layout
 * and the labels of the dictionary are always verified, the unique strings
 * of each table when first read (ds_text); the columns (checksums and
 * values) only of the wanted tables
 * and of those their references point into (deals, activities, invoices →
 * customers; customers, activities → reps). The other tables are left
 * empty in ds (n = 0), never exposed unverified. */
sp_snap_state snapshot_check(const void *p, size_t n, int schema_version, uint64_t expect_version,
                             sp_snap_info *info, sp_dataset *ds, const bool *want);

/* snapshot_open: maps path read-only and checks it (as above). On FRESH,
 * ds (new and empty) borrows the mapped columns, owns the mapping (released
 * by dataset_free) and is indexed; otherwise ds is untouched and the mapping
 * released. want as for snapshot_check. info may be NULL. */
sp_snap_state snapshot_open(const char *path, int schema_version, uint64_t expect_version, sp_dataset *ds,
                            const bool *want, sp_snap_info *info);

/* snapshot_check_ex / snapshot_open_ex: the same; with touch_only (the
 * activities are wanted only for last touches: sp_load_spec
 * activities_touch_only), the activities are not verified nor exposed but
 * the day indexes are (sp_dataset touch and visit; customers with them).
 * Otherwise, when the activities are wanted over [act_from, act_to] (not
 * SP_DAY_MIN..SP_DAY_MAX), only the blocks of rows holding those days are
 * verified and exposed (the activities are stored sorted by day): a
 * superset of the rows asked for. touch_only SNAP_WITH_INDEXES: the
 * activities as asked and the day indexes too. With want NULL every section is verified
 * (the indexes too) but the indexes are not exposed. cols (NULL: all; per
 * table as sp_load_spec.cols, 0: all) leaves out the columns of a wanted
 * table that the computation does not read: not verified, their slots
 * NULL in ds (the references are always verified and exposed). */
#define SNAP_WITH_INDEXES 2 /* touch_only: the activities as asked, and the day indexes beside them */
sp_snap_state snapshot_check_ex(const void *p, size_t n, int schema_version, uint64_t expect_version,
                                sp_snap_info *info, sp_dataset *ds, const bool *want, const uint32_t *cols,
                                int touch_only, sp_day act_from, sp_day act_to);
sp_snap_state snapshot_open_ex(const char *path, int schema_version, uint64_t expect_version, sp_dataset *ds,
                               const bool *want, const uint32_t *cols, int touch_only, sp_day act_from,
                               sp_day act_to, sp_snap_info *info);

/* snapshot_cache: on, the process keeps its current mapping of the file
 * and what it verified of it, shared by every later load (any thread) that
 * finds the same file: each section is verified once per mapping. For a
 * long-running process (the server); off (the default) maps and verifies
 * at every load, and frees the kept mapping. */
void snapshot_cache(bool on);
/* snapshot_checked_bytes: the bytes this thread has checksummed so far (tests) */
uint64_t snapshot_checked_bytes(void);

/* snapshot_fix_checksums: recomputes the checksums of the bytes p[0..n)
 * in place (sections in bounds only). For tests and the fuzz target, so
 * that damaged values get past the checksums and meet the value checks. */
void snapshot_fix_checksums(void *p, size_t n);

#endif
