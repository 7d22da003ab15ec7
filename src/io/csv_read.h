/*
 * csv_read.h — reading delimited text files: encoding detection and
 * conversion to UTF-8 (BOM, UTF-16LE/BE, GB18030/GBK through iconv),
 * delimiter detection (comma or tab), RFC 4180 quoting with embedded
 * newlines, CRLF or LF. Yields records with the physical line each starts on.
 *
 * Limits (documented in README): a field at most 1 MiB, a record at most
 * 4096 fields; longer input is an error naming the line.
 */
#ifndef SP_CSV_READ_H
#define SP_CSV_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../util/util.h"

typedef struct sp_csv sp_csv;

typedef struct sp_csv_opts {
    const char *encoding;    /* NULL: detect (BOM, UTF-8 validity, else GB18030) */
    char delimiter;          /* 0: detect from the first line (tab if it has more tabs than commas) */
} sp_csv_opts;

/* csv_open: opens path for reading. NULL with err (SP_EIO / SP_EINVAL). */
sp_csv *csv_open(const char *path, const sp_csv_opts *opts, sp_err *err);
/* csv_open_mem: the same over a buffer (copied). name is used in messages. */
sp_csv *csv_open_mem(const char *data, size_t len, const char *name, const sp_csv_opts *opts, sp_err *err);
/* csv_next: reads the next record. Returns 1 with *fields / *nfields valid
 * until the next call (UTF-8, NUL-terminated), 0 at end of file, -1 on error
 * (err says FILE:LINE: why). Blank lines are skipped. */
int csv_next(sp_csv *c, char ***fields, size_t *nfields, sp_err *err);
/* csv_line: physical line (1-based) on which the last record started. */
size_t csv_line(const sp_csv *c);
/* csv_encoding: the encoding in use ("UTF-8", "UTF-16LE", "GB18030"). */
const char *csv_encoding(const sp_csv *c);
/* csv_progress: bytes consumed and total size of the input (0 if unknown). */
void csv_progress(const sp_csv *c, size_t *done, size_t *total);
void csv_close(sp_csv *c);

/* csv_open_mem_chunked: csv_open_mem reading the buffer chunk bytes at a
 * time (0: the default 1 MiB), so tests and the fuzzer can put chunk
 * boundaries inside multibyte sequences, quotes and CRLF pairs. */
sp_csv *csv_open_mem_chunked(const char *data, size_t len, const char *name, const sp_csv_opts *opts,
                             size_t chunk, sp_err *err);
/* csv_delimiter: the delimiter in use (detected or given). */
char csv_delimiter(const sp_csv *c);
/* csv_name: the name used in messages (the path). */
const char *csv_name(const sp_csv *c);

/* csv_write_field: appends one field to out, quoted when needed (RFC 4180),
 * defusing formula injection (a leading = + - @ TAB or CR gets a leading ').
 * Numbers we write go out as they are, not through here. */
void csv_write_field(buf_t *out, const char *s);

#endif
