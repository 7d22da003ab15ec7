/*
 * outfile.h — the one way a command writes a file (report -o, plan export
 * -o, the import's --skip-bad rejects file, any future -o).
 *
 * Two guarantees:
 *  1. The output is never the workspace, one of its -wal / -shm / -journal
 *     files, or the file being read: compared by device and inode (so a
 *     hard link, a symlink or "./x" is caught) and by resolved name (so a
 *     -wal that does not exist yet is caught too). Refused as a usage error
 *     naming both files, before anything is written.
 *  2. The output appears whole or not at all: it is written to a temporary
 *     file in the same directory (".NAME.tmp-…"), flushed to disk (fsync)
 *     and renamed over NAME; a failed or interrupted write leaves NAME as it
 *     was. A symlink is followed (its target is replaced); an existing file
 *     keeps its permission bits. A destination that is not a regular file
 *     (/dev/stdout, a FIFO) is written directly: it cannot be renamed over.
 *
 * Depends on util only (errors, i18n); no SQL, no stdio buffering (callers
 * build the bytes in a buf_t and write them in large pieces).
 */
#ifndef SP_OUTFILE_H
#define SP_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What an output must not be. Either member may be NULL; input "-"
 * (standard input) is ignored; a workspace URL that is not a file
 * (postgres://…) matches nothing. */
typedef struct sp_out_guard {
    const char *workspace;   /* the workspace file: it, FILE-wal, FILE-shm, FILE-journal */
    const char *input;       /* the file the command reads */
} sp_out_guard;

typedef struct sp_outfile sp_outfile;

/* outfile_check: false (SP_EUSAGE, "refusing to write PATH: it is the
 * workspace WS …") when path is one of the guarded files; true otherwise.
 * g may be NULL. Touches nothing. */
bool outfile_check(const char *path, const sp_out_guard *g, sp_err *err);

/* outfile_open: checks path (outfile_check) and opens a temporary file
 * beside it. Returns NULL with err set (SP_EUSAGE for a guarded path,
 * SP_EIO when the directory cannot be written). Finish with outfile_commit
 * or outfile_abort, which free the handle. */
sp_outfile *outfile_open(const char *path, const sp_out_guard *g, sp_err *err);
/* outfile_write: appends n bytes; false with "PATH: why" (SP_EIO). */
bool outfile_write(sp_outfile *o, const void *data, size_t n, sp_err *err);
/* outfile_write_at: writes n bytes at offset (over bytes already written,
 * e.g. a header completed last); false with "PATH: why" (SP_EIO). */
bool outfile_write_at(sp_outfile *o, const void *data, size_t n, uint64_t offset, sp_err *err);
/* outfile_sync: flushes what was written to disk (fsync) without making it
 * visible yet, so that a caller can sync before its own commit and rename
 * after it; false with "PATH: why" (SP_EIO). */
bool outfile_sync(sp_outfile *o, sp_err *err);
/* outfile_commit: fsync (unless synced since the last write), close and rename into place (then syncs the
 * directory); frees o. On failure the temporary file is removed, the old
 * file (if any) is untouched, and err says why (SP_EIO). */
bool outfile_commit(sp_outfile *o, sp_err *err);
/* outfile_abort: removes the temporary file and frees o (NULL: nothing). */
void outfile_abort(sp_outfile *o);
/* outfile_write_all: open, write data, commit: the whole file at once. */
bool outfile_write_all(const char *path, const sp_out_guard *g, const void *data, size_t n, sp_err *err);

#endif
