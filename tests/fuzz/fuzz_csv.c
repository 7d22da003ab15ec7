/*
 * fuzz_csv.c — libFuzzer target of the CSV reader and the deals row parser.
 * The first input byte picks the chunk size (so chunk boundaries fall inside
 * multibyte sequences, quotes and CRLF pairs) and an encoding; the rest is
 * the file. The first record is the header of a deals import (when it maps
 * the required columns), every later record goes through the row parser.
 * Must never crash, leak, hang or read out of bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "io/csv_read.h"
#include "io/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t chunks[] = {0, 1, 2, 3, 5, 16, 64, 4096};
    static const char *const encs[] = {NULL, NULL, NULL, NULL, "UTF-8", "GB18030", "UTF-16LE", "UTF-16"};
    if (size < 1) return 0;
    uint8_t sel = data[0];
    sp_csv_opts o = {encs[(sel >> 3) & 7], (sel & 0x40) ? '\t' : 0};
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open_mem_chunked((const char *)data + 1, size - 1, "fuzz.csv", &o, chunks[sel & 7], &err);
    if (!c) {
        err_free(&err);
        return 0;
    }
    char **f;
    size_t n;
    int r;
    sp_import_cols *m = NULL;
    buf_t why = BUF_INIT, out = BUF_INIT;
    bool first = true;
    while ((r = csv_next(c, &f, &n, &err)) == 1) {
        if (first) {
            first = false;
            m = import_cols_new(TBL_DEALS, f, n, "fuzz.csv", NULL, &err);
            err_clear(&err);
            for (size_t i = 0; i < n; i++) (void)import_canonical_column((sp_table)(i % TBL_COUNT), f[i]);
            continue;
        }
        /* every field is NUL-terminated and within the limits */
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(f[i]);
            if (len > ((size_t)1 << 20)) __builtin_trap();
            if (i < 4) csv_write_field(&out, f[i]);
        }
        if (n > 4096 || csv_line(c) < 1) __builtin_trap();
        if (m) {
            sp_any_record rec;
            buf_clear(&why);
            (void)import_parse_row(m, f, n, &rec, &why);
        }
        buf_clear(&out);
    }
    import_cols_free(m);
    buf_free(&why);
    buf_free(&out);
    csv_close(c);
    err_free(&err);
    return 0;
}
