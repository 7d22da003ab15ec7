/*
 * fuzz_csv_file.c — libFuzzer target of the CSV reader through a real file:
 * the input is written to a temporary file and read with csv_open (the path
 * an import takes: open, fstat, whole-file encoding detection with pread,
 * the buffered stream), so the error paths of opening and detection are
 * reached, unlike fuzz_csv which reads from memory. The first byte picks an
 * encoding and the delimiter; the rest is the file. Must never crash, leak,
 * hang or read out of bounds.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

/* temp_file: the one scratch file of this process, created on first use
 * and removed at exit. */
static const char *temp_file(void)
{
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_csv_file_XXXXXX");
        int fd = mkstemp(path);
        if (fd < 0) __builtin_trap();
        close(fd);
    }
    return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encs[] = {NULL, NULL, NULL, NULL, "UTF-8", "GB18030", "UTF-16LE", "LATIN1"};
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const char *p = temp_file();
    int fd = open(p, O_WRONLY | O_TRUNC);
    if (fd < 0) __builtin_trap();
    size_t off = 1;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) __builtin_trap();
        off += (size_t)w;
    }
    close(fd);
    sp_csv_opts o = {encs[sel & 7], (sel & 0x40) ? '\t' : 0};
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open(p, &o, &err);
    if (!c) {
        err_free(&err);
        return 0;
    }
    char **f;
    size_t n;
    int r;
    size_t records = 0;
    while ((r = csv_next(c, &f, &n, &err)) == 1) {
        for (size_t i = 0; i < n; i++)
            if (strlen(f[i]) > ((size_t)1 << 20)) __builtin_trap();
        if (n > 4096 || csv_line(c) < 1) __builtin_trap();
        records++;
    }
    /* after the end or an error, reading again stays at the end / error */
    if (csv_next(c, &f, &n, &err) == 1) __builtin_trap();
    size_t done, total;
    csv_progress(c, &done, &total);
    if (r == 0 && done != total) __builtin_trap(); /* a regular file is read whole */
    (void)records;
    csv_close(c);
    err_free(&err);
    return 0;
}
