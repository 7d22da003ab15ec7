/*
 * import.h — CSV import of the seven tables of SPEC §5: header aliases,
 * value parsing per column, all-or-nothing upsert through the store.
 */
#ifndef SP_IMPORT_H
#define SP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../core/plan.h"
#include "../core/records.h"
#include "../store/store.h"
#include "csv_read.h"

/* What an import has to say besides its result — notes on the header,
 * warnings on rows, progress — comes back as values through a sink, never
 * printed from here: the CLI prints them (cmd_import.c), a web face shows
 * them. */
typedef enum sp_note_kind {
    SP_NOTE_COLUMN,          /* the header: a column ignored, or read where another is empty */
    SP_NOTE_WARNING,         /* a row: a reference kept as it is (line is the row's) */
    SP_NOTE_TRUNCATED,       /* more warnings than are listed (MAX 100) */
} sp_note_kind;

typedef struct sp_import_note {
    sp_note_kind kind;
    size_t line;             /* the row's physical line (warnings), else 0 */
    const char *text;        /* the message in the current language, one line without
                              * its newline, e.g. "FILE:3: 负责人: '孙丽' is no rep …; kept as is";
                              * valid during the call */
} sp_import_note;

typedef struct sp_import_progress {
    sp_table table;
    size_t rows;             /* rows read so far */
    size_t bytes, total;     /* input bytes consumed, and the file's size (0: unknown) */
    int percent;             /* 0 to 100 (0 when the size is unknown) */
    bool done;               /* the last call, after the last row */
} sp_import_progress;

typedef struct sp_import_sink {
    void (*note)(void *ctx, const sp_import_note *n);          /* NULL: notes are dropped */
    /* NULL: no progress; else called at most five times a second while
     * rows are read, and once with done set */
    void (*progress)(void *ctx, const sp_import_progress *p);
    void *ctx;
} sp_import_sink;

typedef struct sp_import_opts {
    sp_csv_opts csv;
    const char *skip_bad;    /* REJECTS.csv path, or NULL: all or nothing */
    sp_import_sink sink;     /* notes, warnings and progress (all optional) */
    /* references (docs/IMPORT.md "References"): rep, customer, category,
     * strategy and task columns are checked against the workspace's reps
     * and customers and these plans' team, budget, strategies and tasks
     * (borrowed; none: only the workspace). A display name that names one
     * record is replaced by its id; a value that names none (or several) is
     * kept with a warning, or is an error with strict. */
    const sp_plan *const *plans;
    size_t nplans;
    bool strict;
    const char *sheet;       /* a workbook (.xlsx): the sheet to read; NULL: the first */
} sp_import_opts;

typedef struct sp_import_stats {
    size_t rows, imported, rejected;
    size_t matched;          /* display names replaced by ids */
    size_t warnings;         /* references kept as they are (not strict) */
} sp_import_stats;

/* import_file: imports path into table t in one transaction. Without
 * skip_bad, any bad row fails the whole import: err lists
 * "FILE:LINE: column: why" for each bad row (up to 100) and nothing is
 * written. With skip_bad, the good rows are written and the bad ones go to
 * that file with a "reason" column. */
bool import_file(sp_store *st, sp_table t, const char *path, const sp_import_opts *opts,
                 sp_import_stats *stats, sp_err *err);

/* sp_import_info: what import_file_ex found out about the file. */
typedef struct sp_import_info {
    char encoding[32];       /* "UTF-8", "GB18030", "UTF-16LE", … */
    char delimiter;          /* ',' or '\t' (or ';') */
} sp_import_info;

/* import_file_ex: import_file, giving notes, warnings and progress to
 * opts->sink (import_file prints them on stderr instead) and filling *info
 * (may be NULL). */
bool import_file_ex(sp_store *st, sp_table t, const char *path, const sp_import_opts *opts,
                    sp_import_stats *stats, sp_import_info *info, sp_err *err);

/* (sp_any_record, one parsed record of any table: core/records.h) */

/* The mapping of a file's header onto the columns of a table. */
typedef struct sp_import_cols sp_import_cols;
/* import_cols_new: maps the header cells (matched case-blind, trimmed, with
 * aliases) of table t. Unknown and duplicate columns are ignored with a
 * note (SP_NOTE_COLUMN) to sink (NULL: silent). A missing required column
 * is an error naming file and column (SP_EINVAL): NULL. Free with
 * import_cols_free. */
sp_import_cols *import_cols_new(sp_table t, char **header, size_t n, const char *file, const sp_import_sink *sink,
                                sp_err *err);
void import_cols_free(sp_import_cols *m);
/* import_cols_count: the number of header cells. */
size_t import_cols_count(const sp_import_cols *m);
/* import_parse_row: parses one record (fields are trimmed in place; string
 * members of *rec point into them, NULL when empty). Returns true when
 * valid; otherwise appends one "column: why\n" line per problem to why
 * (column = the header cell as written). */
bool import_parse_row(const sp_import_cols *m, char **fields, size_t n, sp_any_record *rec, buf_t *why);
/* import_column_aliases: the '|' separated aliases of a canonical column
 * (for docs and tests); NULL when t has no such column. */
const char *import_column_aliases(sp_table t, const char *column);

/* import_column_at: the canonical name of the i-th column of table t, in
 * the order of docs/IMPORT.md; NULL past the last. A name may come twice
 * (deals: probability as a percentage, then as a fraction). For faces
 * that take a record field by field (the JSON API) and give the absent
 * columns as empty cells, so that import_parse_row says what is missing. */
const char *import_column_at(sp_table t, size_t i);
/* import_column_required: whether a file of t must have that column. */
bool import_column_required(sp_table t, const char *column);

/* References checked as a file's are (docs/IMPORT.md "References"), for
 * faces that take records one by one: import_refs_open loads what the
 * columns of table t may name (reps and customers of the workspace, the
 * plans of opts); import_refs_apply replaces a name of one record by its
 * id (*matched counts them) and appends a "column: why" line to warn for
 * a value that names nothing or several (a warning, or an error with
 * strict, as in import_file). The record's strings may point into r
 * afterwards: use it before import_refs_close. */
typedef struct import_refs sp_import_refs;
sp_import_refs *import_refs_open(sp_store *st, sp_table t, const sp_import_opts *opts, sp_err *err);
void import_refs_apply(const sp_import_refs *r, const sp_import_cols *m, sp_any_record *rec, buf_t *warn,
                       size_t *matched);
void import_refs_close(sp_import_refs *r);

/* import_alias_table: for docs/tests, the canonical column of a header as
 * matched (case-blind, aliases); NULL when unknown. */
const char *import_canonical_column(sp_table t, const char *header);

#endif
