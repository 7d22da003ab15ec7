/*
 * import.h — CSV import of the seven tables of SPEC §5: header aliases,
 * value parsing per column, all-or-nothing upsert through the store.
 */
#ifndef SP_IMPORT_H
#define SP_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "../core/records.h"
#include "../store/store.h"
#include "csv_read.h"

typedef struct sp_import_opts {
    sp_csv_opts csv;
    const char *skip_bad;    /* REJECTS.csv path, or NULL: all or nothing */
    bool progress;           /* print a progress line on stderr */
} sp_import_opts;

typedef struct sp_import_stats {
    size_t rows, imported, rejected;
} sp_import_stats;

/* import_file: imports path into table t in one transaction. Without
 * skip_bad, any bad row fails the whole import: err lists
 * "FILE:LINE: column: why" for each bad row (up to 100) and nothing is
 * written. With skip_bad, the good rows are written and the bad ones go to
 * that file with a "reason" column. */
bool import_file(sp_store *st, sp_table t, const char *path, const sp_import_opts *opts,
                 sp_import_stats *stats, sp_err *err);

/* import_alias_table: for docs/tests, the canonical column of a header as
 * matched (case-blind, aliases); NULL when unknown. */
const char *import_canonical_column(sp_table t, const char *header);

#endif
