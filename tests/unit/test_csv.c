/*
 * test_csv.c — the CSV reader (encodings, delimiters, quoting, line numbers,
 * limits, chunk boundaries), the CSV field writer, and the import's header
 * aliases and row parsing. Expected values are written out by hand from
 * SPEC §3/§5, never copied from the code's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/csv_read.h"
#include "io/import.h"

/* dump: every record as "L<line>:f1|f2|…\n", or "ERR:<message>" at the end
 * when reading fails. Caller frees. */
static char *dump(const char *data, size_t len, const char *enc, char delim, size_t chunk)
{
    sp_err err = SP_ERR_INIT;
    sp_csv_opts o = {enc, delim};
    buf_t out = BUF_INIT;
    sp_csv *c = csv_open_mem_chunked(data, len, "t.csv", &o, chunk, &err);
    if (!c) {
        buf_printf(&out, "ERR:%s", buf_cstr(&err.msg));
        err_free(&err);
        return buf_detach(&out);
    }
    char **f;
    size_t n;
    int r;
    while ((r = csv_next(c, &f, &n, &err)) == 1) {
        buf_printf(&out, "L%zu:", csv_line(c));
        for (size_t i = 0; i < n; i++) {
            if (i) buf_putc(&out, '|');
            buf_puts(&out, f[i]);
        }
        buf_putc(&out, '\n');
    }
    if (r < 0) buf_printf(&out, "ERR:%s", buf_cstr(&err.msg));
    csv_close(c);
    err_free(&err);
    buf_puts(&out, "");
    return buf_detach(&out);
}

typedef struct rcase {
    const char *name;
    const char *in;
    size_t len;          /* 0: strlen(in) */
    const char *enc;
    const char *want;
    const char *want_enc;
} rcase;

#define L(s) s, sizeof(s) - 1

static const rcase read_cases[] = {
    {"simple LF", L("a,b\nc,d\n"), NULL, "L1:a|b\nL2:c|d\n", "UTF-8"},
    {"CRLF", L("a,b\r\nc,d\r\n"), NULL, "L1:a|b\nL2:c|d\n", "UTF-8"},
    {"CR only", L("a,b\rc,d\r"), NULL, "L1:a|b\nL2:c|d\n", "UTF-8"},
    {"no final newline", L("a,b\nc,d"), NULL, "L1:a|b\nL2:c|d\n", "UTF-8"},
    {"quoted comma and newline", L("id,note\n1,\"x, y\nz\"\n2,w\n"), NULL,
     "L1:id|note\nL2:1|x, y\nz\nL4:2|w\n", "UTF-8"},
    {"quoted CRLF inside", L("id,note\r\n1,\"x\r\ny\"\r\n2,w\r\n"), NULL,
     "L1:id|note\nL2:1|x\r\ny\nL4:2|w\n", "UTF-8"},
    {"doubled quotes", L("\"a\"\"b\",c\n"), NULL, "L1:a\"b|c\n", "UTF-8"},
    {"empty quoted", L("\"\",x\n"), NULL, "L1:|x\n", "UTF-8"},
    {"blank lines skipped", L("a\n\n\r\n\nb\n"), NULL, "L1:a\nL5:b\n", "UTF-8"},
    {"empty fields", L("a,,c\n,,\n"), NULL, "L1:a||c\nL2:||\n", "UTF-8"},
    {"trailing delimiter", L("a,b,\n"), NULL, "L1:a|b|\n", "UTF-8"},
    {"tab detected", L("a\tb\tc,d\n1\t2\t3,4\n"), NULL, "L1:a|b|c,d\nL2:1|2|3,4\n", "UTF-8"},
    {"comma wins a tie", L("a\tb,c\n"), NULL, "L1:a\tb|c\n", "UTF-8"},
    {"semicolon when nothing else", L("a;b\n1;2\n"), NULL, "L1:a|b\nL2:1|2\n", "UTF-8"},
    {"quote inside unquoted kept", L("a\"b,c\n"), NULL, "L1:a\"b|c\n", "UTF-8"},
    {"text after closing quote kept", L("\"a\"x,b\n"), NULL, "L1:ax|b\n", "UTF-8"},
    {"empty input", L(""), NULL, "", "UTF-8"},
    {"only newlines", L("\n\r\n\n"), NULL, "", "UTF-8"},
    {"UTF-8 BOM stripped", L("\xEF\xBB\xBF客户,金额\n张三,5万\n"), NULL, "L1:客户|金额\nL2:张三|5万\n", "UTF-8"},
    {"UTF-8 Chinese no BOM", L("客户,金额\n"), NULL, "L1:客户|金额\n", "UTF-8"},
    {"GBK detected", L("\xBF\xCD\xBB\xA7,\xBD\xF0\xB6\xEE\n1,2\n"), NULL, "L1:客户|金额\nL2:1|2\n", "GB18030"},
    {"GB18030 euro sign", L("a\n\xA2\xE3\n"), NULL, "L1:a\nL2:€\n", "GB18030"},
    {"GBK named", L("\xBD\xD7\xB6\xCE\n"), "GBK", "L1:阶段\n", "GBK"},
    {"UTF-16LE BOM", L("\xFF\xFE" "a\0,\0\xA2\x5B\n\0" "1\0,\0" "2\0\n\0"), NULL, "L1:a|客\nL2:1|2\n", "UTF-16LE"},
    {"UTF-16BE BOM", L("\xFE\xFF\0a\0,\0b\0\n"), NULL, "L1:a|b\n", "UTF-16BE"},
    {"UTF-16LE tab no BOM", L("a\0\t\0b\0\r\0\n\0"), NULL, "L1:a|b\n", "UTF-16LE"},
    {"UTF-16LE named with BOM", L("\xFF\xFE" "x\0\n\0"), "UTF-16LE", "L1:x\n", "UTF-16LE"},
    {"UTF-8 named keeps BOM out", L("\xEF\xBB\xBFx\n"), "utf-8", "L1:x\n", "UTF-8"},
    {"unterminated quote names the record's line", L("a,b\n1,\"open\n\nstill\n"), NULL,
     "L1:a|b\nERR:t.csv:2: a quoted field is not closed before the end of the file\n", "UTF-8"},
    {"invalid UTF-8 names the line", L("名\nb\n\xFF\xFE\xFD\n"), "UTF-8",
     "L1:名\nL2:b\nERR:t.csv:3: not valid UTF-8 (name the file's encoding with --encoding, e.g. GB18030)\n",
     "UTF-8"},
    {"truncated UTF-8 at end", L("名\n\xE5\x90"), "UTF-8", "L1:名\nERR:t.csv:2: not valid UTF-8 (name the file's encoding with --encoding, e.g. GB18030)\n",
     "UTF-8"},
    {"bad GBK names the line", L("a\nb\n\x81\x20\n"), "GBK", "L1:a\nL2:b\nERR:t.csv:3: invalid GBK byte sequence (wrong --encoding?)\n", "GBK"},
};

/* every case at several chunk sizes: the result must not depend on where
 * the chunk boundaries fall */
static void test_read_cases(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1, 2, 3, 5, 7, 64};
    for (size_t i = 0; i < sizeof read_cases / sizeof read_cases[0]; i++) {
        const rcase *rc = &read_cases[i];
        for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
            char *got = dump(rc->in, rc->len, rc->enc, 0, chunks[k]);
            if (strcmp(got, rc->want) != 0) {
                print_error("case '%s' chunk %zu:\n got: [%s]\nwant: [%s]\n", rc->name, chunks[k], got, rc->want);
                free(got);
                fail();
            }
            free(got);
        }
        /* the encoding in use */
        sp_err err = SP_ERR_INIT;
        sp_csv_opts o = {rc->enc, 0};
        sp_csv *c = csv_open_mem(rc->in, rc->len, "t.csv", &o, &err);
        assert_non_null(c);
        if (strcmp(csv_encoding(c), rc->want_enc) != 0) {
            print_error("case '%s': encoding %s, want %s\n", rc->name, csv_encoding(c), rc->want_enc);
            fail();
        }
        csv_close(c);
        err_free(&err);
    }
}

/* a file that is ASCII for more than a chunk, then GBK: the reader switches
 * to GB18030 when the first invalid UTF-8 appears after plain ASCII */
static void test_late_gbk(void **state)
{
    (void)state;
    buf_t in = BUF_INIT, want = BUF_INIT;
    buf_puts(&in, "id,name\n");
    buf_puts(&want, "L1:id|name\n");
    for (int i = 0; i < 50; i++) {
        buf_printf(&in, "%d,plain\n", i);
        buf_printf(&want, "L%d:%d|plain\n", i + 2, i);
    }
    buf_puts(&in, "99,\xBF\xCD\xBB\xA7\n");
    buf_puts(&want, "L52:99|客户\n");
    char *got = dump(in.data, in.len, NULL, 0, 16);
    assert_string_equal(got, want.data);
    free(got);
    buf_free(&in);
    buf_free(&want);
}

/* detection: invalid UTF-8 within the first chunk means GB18030 even after
 * UTF-8-looking bytes (GBK pairs can look like UTF-8); after a first chunk
 * with real UTF-8 text, invalid bytes are an error naming the line */
static void test_detection_chunks(void **state)
{
    (void)state;
    /* "\xC2\xA1" happens to be valid UTF-8 (U+00A1); the GBK 客 after it is not */
    char *got = dump(L("\xC4\xE3\xBA\xC3\n"), NULL, 0, 0); /* GBK 你好 */
    assert_string_equal(got, "L1:你好\n");
    free(got);
    got = dump(L("\xC2\xA1,\xBF\xCD\n"), NULL, 0, 0);
    assert_non_null(strstr(got, "|客\n"));
    assert_null(strstr(got, "ERR"));
    free(got);
    /* a UTF-8 file (its Chinese on every line) with one bad byte, at any
     * chunk size: the bad byte is an error at its own line, as UTF-8 */
    static const size_t chunks[] = {0, 32, 4096};
    for (size_t k = 0; k < 3; k++) {
        buf_t in = BUF_INIT;
        buf_puts(&in, "名\n");
        for (int i = 0; i < 40; i++) buf_puts(&in, "客户\n");
        buf_puts(&in, "\xBF\xCD\n");
        buf_puts(&in, "客户\n");
        got = dump(in.data, in.len, NULL, 0, chunks[k]);
        assert_non_null(strstr(got, "L41:客户\nERR:t.csv:42: not valid UTF-8"));
        free(got);
        buf_free(&in);
    }
    /* as little UTF-8 as bad bytes, and the bytes are no Chinese GB18030
     * either: an error at the line of the first bad byte, not a guess */
    buf_t in = BUF_INIT;
    buf_puts(&in, "名\n");
    for (int i = 0; i < 40; i++) buf_puts(&in, "row\n");
    buf_puts(&in, "\xBF\xCD\n");
    got = dump(in.data, in.len, NULL, 0, 32);
    assert_string_equal(got, "ERR:t.csv:42: the file is neither UTF-8 nor GB18030 text: name its encoding with "
                             "--encoding (e.g. LATIN1, WINDOWS-1252, BIG5)\n");
    free(got);
    buf_free(&in);
}

static void test_explicit_delimiter(void **state)
{
    (void)state;
    char *got = dump(L("a,b\tc\n"), NULL, '\t', 0);
    assert_string_equal(got, "L1:a,b|c\n");
    free(got);
}

/* limits: 4096 fields pass, 4097 fail naming the line; a field over 1 MiB
 * fails naming the line where its record starts */
static void test_limits(void **state)
{
    (void)state;
    buf_t in = BUF_INIT;
    buf_puts(&in, "h\n");
    for (int i = 0; i < 4096; i++) buf_puts(&in, i ? ",x" : "x");
    buf_puts(&in, "\n");
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open_mem(in.data, in.len, "big.csv", NULL, &err);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(n, 4096);
    assert_int_equal(csv_next(c, &f, &n, &err), 0);
    csv_close(c);

    buf_clear(&in);
    buf_puts(&in, "h\nok\n");
    for (int i = 0; i < 4097; i++) buf_puts(&in, i ? ",x" : "x");
    buf_puts(&in, "\n");
    c = csv_open_mem(in.data, in.len, "big.csv", NULL, &err);
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(csv_next(c, &f, &n, &err), -1);
    assert_non_null(strstr(buf_cstr(&err.msg), "big.csv:3: more than 4096 fields"));
    csv_close(c);
    err_free(&err);

    /* exactly 1 MiB is fine, one byte more is not (quoted and unquoted) */
    for (int quoted = 0; quoted < 2; quoted++) {
        for (size_t extra = 0; extra < 2; extra++) {
            buf_clear(&in);
            buf_puts(&in, "h\n\n");
            size_t len = ((size_t)1 << 20) + extra;
            if (quoted) buf_putc(&in, '"');
            buf_reserve(&in, len + 8);
            memset(in.data + in.len, 'y', len);
            in.len += len;
            in.data[in.len] = '\0';
            if (quoted) buf_puts(&in, "\"\n");
            else buf_puts(&in, "\n");
            c = csv_open_mem(in.data, in.len, "big.csv", NULL, &err);
            assert_int_equal(csv_next(c, &f, &n, &err), 1);
            int r = csv_next(c, &f, &n, &err);
            if (extra == 0) {
                assert_int_equal(r, 1);
                assert_int_equal(strlen(f[0]), len);
            } else {
                assert_int_equal(r, -1);
                assert_non_null(strstr(buf_cstr(&err.msg), "big.csv:3: a field or record is too long"));
            }
            csv_close(c);
            err_free(&err);
        }
    }
    buf_free(&in);
}

static void test_open_missing(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    assert_null(csv_open("/nonexistent/dir/x.csv", NULL, &err));
    assert_int_equal(err.cls, SP_EIO);
    assert_non_null(strstr(buf_cstr(&err.msg), "/nonexistent/dir/x.csv"));
    err_free(&err);
    sp_csv_opts o = {"NO-SUCH-ENCODING", 0};
    assert_null(csv_open_mem("a\n", 2, "t.csv", &o, &err));
    assert_int_equal(err.cls, SP_EINVAL);
    err_free(&err);
}

/* a NUL byte inside a field is an error naming its line and column, not
 * a silent cut (two ids differing after a NUL would merge) */
static void test_nul_byte(void **state)
{
    (void)state;
    static const size_t chunks[] = {0, 1, 3, 64};
    for (size_t k = 0; k < 4; k++) {
        char *got = dump(L("id,name\n1,a\0b\n"), NULL, 0, chunks[k]);
        assert_string_equal(got, "L1:id|name\nERR:t.csv:2: a NUL byte in column 2 (not text: a binary file, or an "
                                 "encoding to name with --encoding?)\n");
        free(got);
        got = dump(L("id,note\n1,\"x\ny\0\"\n"), NULL, 0, chunks[k]);
        assert_non_null(strstr(got, "L1:id|note\nERR:t.csv:3: a NUL byte in column 2 "));
        free(got);
        got = dump(L("id,note\n\0,x\n"), NULL, 0, chunks[k]);
        assert_non_null(strstr(got, "ERR:t.csv:2: a NUL byte in column 1 "));
        free(got);
        got = dump(L("id,note\n\"a\"\0,x\n"), NULL, 0, chunks[k]);
        assert_non_null(strstr(got, "ERR:t.csv:2: a NUL byte in column 1 "));
        free(got);
    }
}

/* scratch directory for the file tests */
static char *scratch(void)
{
    char tmpl[] = "/tmp/sp_csv_XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

static char *path_in(const char *dir, const char *name)
{
    buf_t b = BUF_INIT;
    buf_printf(&b, "%s/%s", dir, name);
    return buf_detach(&b);
}

static void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

/* open_fails: csv_open(path) fails with a message holding path and want */
static void open_fails(const char *path, const char *want)
{
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open(path, NULL, &err);
    if (c) {
        csv_close(c);
        print_error("%s: opened, wanted an error with '%s'\n", path, want);
        fail();
    }
    if (!strstr(buf_cstr(&err.msg), path) || !strstr(buf_cstr(&err.msg), want)) {
        print_error("%s: error '%s', wanted '%s'\n", path, buf_cstr(&err.msg), want);
        fail();
    }
    err_free(&err);
}

/* every error path of csv_open on real paths (tests run as root: no
 * permission bits can make a file unreadable, so unreadable means a
 * dangling symlink or a symlink loop) */
static void test_open_errors(void **state)
{
    (void)state;
    alarm(20); /* a hang fails the test instead of stalling the suite */
    char *dir = scratch();
    open_fails(dir, strerror(EISDIR));
    char *dangling = path_in(dir, "dangling.csv");
    assert_int_equal(symlink("/nonexistent/target.csv", dangling), 0);
    open_fails(dangling, strerror(ENOENT));
    char *la = path_in(dir, "loop_a.csv"), *lb = path_in(dir, "loop_b.csv");
    assert_int_equal(symlink(lb, la), 0);
    assert_int_equal(symlink(la, lb), 0);
    open_fails(la, strerror(ELOOP));
    open_fails("/dev/zero", "not a regular file");
    /* an unknown encoding on a real file: the error, no crash */
    {
        char *pth = path_in(dir, "enc.csv");
        write_file(pth, "a,b\n", 4);
        sp_csv_opts o = {"NO-SUCH-ENCODING", 0};
        sp_err e2 = SP_ERR_INIT;
        assert_null(csv_open(pth, &o, &e2));
        assert_non_null(strstr(buf_cstr(&e2.msg), "unknown encoding 'NO-SUCH-ENCODING'"));
        err_free(&e2);
        unlink(pth);
        free(pth);
    }
    open_fails("/dev/null", "not a regular file");
    /* a FIFO nobody writes to: no hang, it reads as empty */
    char *fifo = path_in(dir, "fifo.csv");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open(fifo, NULL, &err);
    assert_non_null(c);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, &err), 0);
    csv_close(c);
    /* a FIFO with a writer is read like a file */
    int hold = open(fifo, O_RDONLY | O_NONBLOCK);
    assert_true(hold >= 0);
    int wfd = open(fifo, O_WRONLY);
    assert_true(wfd >= 0);
    const char msg[] = "a,b\n1,2\n";
    assert_int_equal(write(wfd, msg, sizeof msg - 1), (ssize_t)(sizeof msg - 1));
    close(wfd); /* the data stays in the pipe: a reader holds it */
    c = csv_open(fifo, NULL, &err);
    assert_non_null(c);
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_string_equal(f[1], "2");
    assert_int_equal(csv_next(c, &f, &n, &err), 0);
    csv_close(c);
    close(hold);
    unlink(fifo);
    alarm(0);
    unlink(dangling);
    unlink(la);
    unlink(lb);
    rmdir(dir);
    free(dangling);
    free(la);
    free(lb);
    free(fifo);
    free(dir);
    err_free(&err);
}

/* a file that shrinks while it is read is an error, not a short import */
static void test_shrink(void **state)
{
    (void)state;
    char *dir = scratch();
    char *p = path_in(dir, "shrink.csv");
    buf_t in = BUF_INIT;
    buf_puts(&in, "id,name\n");
    for (int i = 0; in.len < ((size_t)3 << 20); i++) buf_printf(&in, "%d,name %d\n", i, i);
    write_file(p, in.data, in.len);
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open(p, NULL, &err);
    assert_non_null(c);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(truncate(p, 100), 0);
    int r;
    size_t rows = 0;
    while ((r = csv_next(c, &f, &n, &err)) == 1) rows++;
    assert_int_equal(r, -1);
    assert_non_null(strstr(buf_cstr(&err.msg), "the file changed while being read"));
    assert_true(rows < 200000);
    csv_close(c);
    err_free(&err);
    unlink(p);
    rmdir(dir);
    free(p);
    free(dir);
    buf_free(&in);
}

/* detection looks at the whole file: ASCII for more than a MiB, then a
 * Latin-1 letter (not UTF-8, not Chinese GB18030) is refused at its line
 * before anything is read; ASCII then GBK is GB18030 from the start */
static void test_detection_whole_file(void **state)
{
    (void)state;
    char *dir = scratch();
    char *p = path_in(dir, "late.csv");
    buf_t in = BUF_INIT;
    buf_puts(&in, "id,name\n");
    size_t line = 1;
    while (in.len < ((size_t)1 << 20) + 4096) {
        buf_printf(&in, "%zu,plain\n", line);
        line++;
    }
    size_t bad_line = line + 1;
    buf_puts(&in, "99,Caf\xE9s\n");
    write_file(p, in.data, in.len);
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open(p, NULL, &err);
    assert_null(c);
    char want[256];
    snprintf(want, sizeof want, "%s:%zu: the file is neither UTF-8 nor GB18030 text", p, bad_line);
    if (!strstr(buf_cstr(&err.msg), want)) {
        print_error("got '%s', want '%s'\n", buf_cstr(&err.msg), want);
        fail();
    }
    err_free(&err);
    /* the same with GBK: GB18030 is named before the first record */
    in.len -= strlen("99,Caf\xE9s\n");
    buf_puts(&in, "99,\xBF\xCD\xBB\xA7\n");
    write_file(p, in.data, in.len);
    c = csv_open(p, NULL, &err);
    assert_non_null(c);
    assert_string_equal(csv_encoding(c), "GB18030");
    char **f;
    size_t n;
    int r;
    const char *last = NULL;
    char keep[64] = "";
    while ((r = csv_next(c, &f, &n, &err)) == 1) {
        if (n == 2) snprintf(keep, sizeof keep, "%s", f[1]);
        last = keep;
    }
    assert_int_equal(r, 0);
    assert_non_null(last);
    assert_string_equal(keep, "客户");
    csv_close(c);
    err_free(&err);
    unlink(p);
    rmdir(dir);
    free(p);
    free(dir);
    buf_free(&in);
}

static void test_write_field(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\""},
        {"+1", "\"'+1\""},
        {"-2", "\"'-2\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"客户", "客户"},
        {"a=b", "a=b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        buf_t b = BUF_INIT;
        csv_write_field(&b, cases[i].in);
        assert_string_equal(buf_cstr(&b), cases[i].want);
        buf_free(&b);
    }
    buf_t b = BUF_INIT;
    csv_write_field(&b, NULL);
    assert_string_equal(buf_cstr(&b), "");
    buf_free(&b);
}

/* written fields read back to the same values */
static void test_write_read_roundtrip(void **state)
{
    (void)state;
    static const char *vals[] = {"a,b", "q\"q", "x\r\ny", "", "plain", "客户 名称"};
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < 6; i++) {
        if (i) buf_putc(&b, ',');
        csv_write_field(&b, vals[i]);
    }
    buf_puts(&b, "\n");
    sp_err err = SP_ERR_INIT;
    sp_csv *c = csv_open_mem(b.data, b.len, "rt.csv", NULL, &err);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < 6; i++) assert_string_equal(f[i], vals[i]);
    csv_close(c);
    buf_free(&b);
}

/* ---- header aliases ---- */

static void test_aliases(void **state)
{
    (void)state;
    static const struct {
        sp_table t;
        const char *header, *want;
    } cases[] = {
        {TBL_DEALS, "deal_id", "deal_id"},
        {TBL_DEALS, "  DEAL_ID ", "deal_id"},
        {TBL_DEALS, "Deal ID", "deal_id"},
        {TBL_DEALS, "Opportunity ID", "deal_id"},
        {TBL_DEALS, "Deal - ID", "deal_id"},
        {TBL_DEALS, "商机编号", "deal_id"},
        {TBL_DEALS, "Account ID", "customer_id"},
        {TBL_DEALS, "Associated Company ID", "customer_id"},
        {TBL_DEALS, "Organization - ID", "customer_id"},
        {TBL_DEALS, "客户ID", "customer_id"},
        {TBL_DEALS, "客户编号", "customer_id"},
        {TBL_DEALS, "Opportunity Owner", "owner_rep_id"},
        {TBL_DEALS, "Deal owner", "owner_rep_id"},
        {TBL_DEALS, "Salesperson", "owner_rep_id"},
        {TBL_DEALS, "负责人", "owner_rep_id"},
        {TBL_DEALS, "Amount", "amount"},
        {TBL_DEALS, "Deal - Value", "amount"},
        {TBL_DEALS, "Expected Revenue", "amount"},
        {TBL_DEALS, "金额", "amount"},
        {TBL_DEALS, "Close Date", "expected_close_on"},
        {TBL_DEALS, "CloseDate", "expected_close_on"},
        {TBL_DEALS, "Expected Closing", "expected_close_on"},
        {TBL_DEALS, "date_deadline", "expected_close_on"},
        {TBL_DEALS, "Deal - Expected close date", "expected_close_on"},
        {TBL_DEALS, "预计成交日期", "expected_close_on"},
        {TBL_DEALS, "预计关闭日期", "expected_close_on"},
        {TBL_DEALS, "Deal - Lost time", "closed_on"},
        {TBL_DEALS, "Deal probability", "probability"},
        {TBL_DEALS, "IsWon", "is_won"},
        {TBL_DEALS, "IsClosed", "is_closed"},
        {TBL_DEALS, "Closed Date", "closed_on"},
        {TBL_DEALS, "Deal - Won time", "closed_on"},
        {TBL_DEALS, "成交日期", "closed_on"},
        {TBL_DEALS, "关闭日期", "closed_on"},
        {TBL_DEALS, "Created Date", "created_on"},
        {TBL_DEALS, "Create Date", "created_on"},
        {TBL_DEALS, "Created on", "created_on"},
        {TBL_DEALS, "Deal - Deal created", "created_on"},
        {TBL_DEALS, "创建日期", "created_on"},
        {TBL_DEALS, "Stage", "stage"},
        {TBL_DEALS, "Deal Stage", "stage"},
        {TBL_DEALS, "Deal - Status", "stage"},
        {TBL_DEALS, "阶段", "stage"},
        {TBL_DEALS, "Probability (%)", "probability"},
        {TBL_DEALS, "赢率", "probability"},
        {TBL_DEALS, "概率", "probability"},
        {TBL_DEALS, "Product", "product"},
        {TBL_DEALS, "产品", "product"},
        {TBL_DEALS, "成本", "cost"},
        {TBL_DEALS, "是否新客户", "is_new_customer"},
        {TBL_DEALS, "是否续约", "is_renewal"},
        {TBL_DEALS, "Opportunity Name", NULL},
        {TBL_DEALS, "", NULL},
        {TBL_CUSTOMERS, "客户名称", "name"},
        {TBL_CUSTOMERS, "Account Name", "name"},
        {TBL_CUSTOMERS, "区域", "region"},
        {TBL_CUSTOMERS, "地区", "region"},
        {TBL_CUSTOMERS, "行业", "industry"},
        {TBL_CUSTOMERS, "规模", "size"},
        {TBL_CUSTOMERS, "id", "customer_id"},
        {TBL_REPS, "姓名", "name"},
        {TBL_REPS, "团队", "team"},
        {TBL_REPS, "角色", "role"},
        {TBL_REPS, "是否在职", "active"},
        {TBL_REPS, "销售编号", "rep_id"},
        {TBL_LEADS, "来源", "source"},
        {TBL_LEADS, "是否有效", "qualified"},
        {TBL_LEADS, "是否合格", "qualified"},
        {TBL_LEADS, "规模", "size"},
        {TBL_LEADS, "商机编号", "opportunity_id"},
        {TBL_ACTIVITIES, "日期", "occurred_on"},
        {TBL_ACTIVITIES, "类型", "kind"},
        {TBL_ACTIVITIES, "销售编号", "rep_id"},
        {TBL_INVOICES, "发票编号", "invoice_id"},
        {TBL_INVOICES, "开票日期", "issued_on"},
        {TBL_INVOICES, "到期日", "due_on"},
        {TBL_INVOICES, "已付金额", "paid"},
        {TBL_INVOICES, "回款金额", "paid"},
        {TBL_INVOICES, "回款日期", "paid_on"},
        {TBL_SPEND, "费用编号", "spend_id"},
        {TBL_SPEND, "费用日期", "spent_on"},
        {TBL_SPEND, "类别", "category"},
        {TBL_SPEND, "策略", "strategy_id"},
        {TBL_SPEND, "任务", "task_id"},
        {TBL_SPEND, "备注", "note"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = import_canonical_column(cases[i].t, cases[i].header);
        if (!str_eq(got, cases[i].want)) {
            print_error("%s '%s': got %s, want %s\n", table_name(cases[i].t), cases[i].header,
                        got ? got : "NULL", cases[i].want ? cases[i].want : "NULL");
            fail();
        }
    }
}

/* no alias of one column of a table is also an alias of another column of
 * the same table (the first would silently win) */
static void test_aliases_unambiguous(void **state)
{
    (void)state;
    static const char *const cols[TBL_COUNT][16] = {
        {"rep_id", "name", "team", "role", "region", "industry", "active"},
        {"customer_id", "name", "region", "industry", "size", "owner_rep_id", "created_on"},
        {"lead_id", "created_on", "source", "region", "industry", "size", "owner_rep_id", "qualified",
         "opportunity_id"},
        {"deal_id", "customer_id", "owner_rep_id", "product", "created_on", "closed_on", "stage", "amount", "cost",
         "probability", "is_new_customer", "is_renewal", "expected_close_on", "is_won", "is_closed"},
        {"activity_id", "occurred_on", "rep_id", "customer_id", "kind"},
        {"invoice_id", "deal_id", "customer_id", "issued_on", "due_on", "amount", "paid", "paid_on"},
        {"spend_id", "spent_on", "category", "amount", "strategy_id", "task_id", "note"},
    };
    for (int t = 0; t < TBL_COUNT; t++) {
        for (int k = 0; cols[t][k]; k++) {
            const char *al = import_column_aliases((sp_table)t, cols[t][k]);
            assert_non_null(al);
            assert_string_equal(import_canonical_column((sp_table)t, cols[t][k]), cols[t][k]);
            char *copy = xstrdup(al);
            for (char *save = NULL, *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
                const char *got = import_canonical_column((sp_table)t, w);
                if (!str_eq(got, cols[t][k])) {
                    print_error("%s: alias '%s' of %s maps to %s\n", table_name((sp_table)t), w, cols[t][k],
                                got ? got : "NULL");
                    fail();
                }
            }
            free(copy);
        }
    }
}

/* ---- row parsing ---- */

static sp_import_cols *cols_of(sp_table t, const char *header_csv, sp_err *err)
{
    sp_csv *c = csv_open_mem(header_csv, strlen(header_csv), "h.csv", NULL, err);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, err), 1);
    sp_import_cols *m = import_cols_new(t, f, n, "in.csv", NULL, err);
    csv_close(c);
    return m;
}

/* parse_line: parses one CSV line with m; returns the problems ("" when
 * valid). The fields live in a static buffer until the next call. */
static char *parse_line(const sp_import_cols *m, const char *line, sp_any_record *rec)
{
    static sp_csv *c;
    sp_err err = SP_ERR_INIT;
    if (c) csv_close(c);
    c = NULL;
    if (!line) return NULL;
    c = csv_open_mem(line, strlen(line), "r.csv", NULL, &err);
    char **f;
    size_t n;
    assert_int_equal(csv_next(c, &f, &n, &err), 1);
    buf_t why = BUF_INIT;
    bool ok = import_parse_row(m, f, n, rec, &why);
    assert_true(ok == (why.len == 0));
    buf_puts(&why, "");
    return buf_detach(&why);
}

static void test_parse_deals(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_import_cols *m = cols_of(TBL_DEALS,
                                "Opportunity ID,Account ID,Opportunity Owner,Amount,Close Date,Created Date,"
                                "Stage,Probability (%),Product,成本,是否新客户,是否续约,Ignored\n",
                                &err);
    assert_non_null(m);
    sp_any_record r;
    char *why = parse_line(m, "D1, C1 ,R1,\"1,200,000.50\",2026/7/15,2026-07-01 14:30:00,Closed Won,40%,Pro,5000万,是,0,zz\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_string_equal(r.deal.id, "D1");
    assert_string_equal(r.deal.customer_id, "C1");
    assert_string_equal(r.deal.owner, "R1");
    assert_string_equal(r.deal.product, "Pro");
    assert_int_equal(r.deal.amount, 120000050);
    assert_true(r.deal.has_cost);
    assert_int_equal(r.deal.cost, (sp_money)50000000 * 100);
    assert_int_equal(r.deal.closed_on, day_from_ymd(2026, 7, 15));
    assert_int_equal(r.deal.created_on, day_from_ymd(2026, 7, 1));
    assert_int_equal(r.deal.stage, STAGE_WON);
    assert_int_equal(r.deal.probability, 40);
    assert_int_equal(r.deal.is_new_customer, 1);
    assert_int_equal(r.deal.is_renewal, 0);

    /* optional columns empty: NULL / SP_DAY_NONE / -1 / no cost */
    why = parse_line(m, "D2,C1,,1.2亿,,2026年7月15日,进行中,,,,,\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_null(r.deal.owner);
    assert_null(r.deal.product);
    assert_int_equal(r.deal.amount, (sp_money)120000000 * 100);
    assert_false(r.deal.has_cost);
    assert_int_equal(r.deal.closed_on, SP_DAY_NONE);
    assert_int_equal(r.deal.created_on, day_from_ymd(2026, 7, 15));
    assert_int_equal(r.deal.stage, STAGE_OPEN);
    assert_int_equal(r.deal.probability, -1);
    assert_int_equal(r.deal.is_new_customer, -1);
    assert_int_equal(r.deal.is_renewal, -1);

    /* Excel serial 46218 = 2026-07-15 (46218 days after 1899-12-30) */
    why = parse_line(m, "D3,C1,,5,46218,2026.07.15,丢单,0.4,,,Y,n\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.deal.closed_on, day_from_ymd(2026, 7, 15));
    assert_int_equal(r.deal.created_on, day_from_ymd(2026, 7, 15));
    assert_int_equal(r.deal.stage, STAGE_LOST);
    assert_int_equal(r.deal.probability, 40);
    assert_int_equal(r.deal.amount, 500);

    /* bad values: one problem per bad cell, named by the header as written */
    why = parse_line(m, ",C1,,abc,2026-13-01,2026-01-01,maybe,140,,,perhaps,\n", &r);
    assert_non_null(strstr(why, "Opportunity ID: required value is empty\n"));
    assert_non_null(strstr(why, "Amount: not an amount 'abc'"));
    assert_non_null(strstr(why, "Close Date: not a date '2026-13-01'"));
    assert_non_null(strstr(why, "Stage: unknown stage 'maybe'"));
    assert_non_null(strstr(why, "Probability (%): not a probability '140'"));
    assert_non_null(strstr(why, "是否新客户: not a yes/no value 'perhaps'"));
    free(why);

    /* a short row: missing cells are empty; required ones are errors */
    why = parse_line(m, "D4,C1\n", &r);
    assert_non_null(strstr(why, "Amount: required value is empty"));
    assert_non_null(strstr(why, "Created Date: required value is empty"));
    assert_non_null(strstr(why, "Stage: required value is empty"));
    free(why);
    /* extra non-empty cells beyond the header */
    why = parse_line(m, "D5,C1,,1,,2026-01-01,open,,,,,,,surprise\n", &r);
    assert_non_null(strstr(why, "row: 14 fields, but the header has 13"));
    free(why);
    parse_line(NULL, NULL, NULL);
    import_cols_free(m);
    err_free(&err);
}

/* the CRM rules: IsWon/IsClosed decide the stage (even a custom one), a
 * closed deal without a closed date takes its (expected) close date, an
 * open one keeps it as expected only, HubSpot's probability is a fraction,
 * Pipedrive's probability is a percentage, and of several columns for one
 * field the first non-empty in alias order is read */
static void test_parse_crm_rules(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_import_cols *m = cols_of(TBL_DEALS, "Id,AccountId,Amount,StageName,CloseDate,CreatedDate,IsWon,IsClosed\n", &err);
    assert_non_null(m);
    sp_any_record r;
    char *why = parse_line(m, "D1,C1,100,Contract Signed,2026-08-01,2026-07-27T17:40:52.000+0000,true,true\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.deal.stage, STAGE_WON);
    assert_int_equal(r.deal.closed_on, day_from_ymd(2026, 8, 1));
    assert_true(r.deal.has_expected_close);
    assert_int_equal(r.deal.expected_close_on, day_from_ymd(2026, 8, 1));
    assert_int_equal(r.deal.created_on, day_from_ymd(2026, 7, 27));
    why = parse_line(m, "D2,C1,100,Closed Won,2026-08-01,2026-07-27,false,true\n", &r);
    free(why);
    assert_int_equal(r.deal.stage, STAGE_LOST);
    why = parse_line(m, "D3,C1,100,Closed Won,2026-09-30,2026-07-27,false,false\n", &r);
    free(why);
    assert_int_equal(r.deal.stage, STAGE_OPEN);
    assert_int_equal(r.deal.closed_on, SP_DAY_NONE);
    assert_int_equal(r.deal.expected_close_on, day_from_ymd(2026, 9, 30));
    /* without the flags an unknown stage is still an error */
    why = parse_line(m, "D4,C1,100,Contract Signed,2026-08-01,2026-07-27,,\n", &r);
    assert_non_null(strstr(why, "StageName: unknown stage 'Contract Signed'"));
    free(why);
    parse_line(NULL, NULL, NULL);
    import_cols_free(m);

    m = cols_of(TBL_DEALS, "Record ID,Associated Company,Amount,Deal Stage,Create Date,Deal probability,"
                           "Associated Company IDs (Primary)\n", &err);
    assert_non_null(m);
    static const struct {
        const char *p;
        int want;
    } fr[] = {{"1", 100}, {"0", 0}, {"0.2", 20}, {"0.125", 13}, {"1.0", 100}, {".5", 50}, {"40%", 40}};
    for (size_t i = 0; i < sizeof fr / sizeof fr[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "H1,Acme,1,closedwon,2026-01-01,%s,\n", fr[i].p);
        why = parse_line(m, line, &r);
        assert_string_equal(why, "");
        free(why);
        assert_int_equal(r.deal.probability, fr[i].want);
    }
    why = parse_line(m, "H1,Acme,1,closedwon,2026-01-01,40,\n", &r);
    assert_non_null(strstr(why, "Deal probability: not a probability '40' (a fraction from 0 to 1"));
    free(why);
    /* the company id when given, else its name */
    why = parse_line(m, "H2,Acme Ltd,1,closedwon,2026-01-01,,C7\n", &r);
    free(why);
    assert_string_equal(r.deal.customer_id, "C7");
    why = parse_line(m, "H3,Acme Ltd,1,closedwon,2026-01-01,,\n", &r);
    free(why);
    assert_string_equal(r.deal.customer_id, "Acme Ltd");
    parse_line(NULL, NULL, NULL);
    import_cols_free(m);

    m = cols_of(TBL_DEALS, "Deal - ID,Deal - Organization,Deal - Value,Deal - Stage,Deal - Status,Deal - Won time,"
                           "Deal - Lost time,Deal - Deal created,Deal - Probability\n", &err);
    assert_non_null(m);
    why = parse_line(m, "7,Acme,1,Qualified,lost,,2026-06-10 16:30:00,2026-04-02 08:00:00,40\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.deal.stage, STAGE_LOST);                   /* Status wins over Stage */
    assert_int_equal(r.deal.closed_on, day_from_ymd(2026, 6, 10)); /* the lost time */
    assert_int_equal(r.deal.probability, 40);                      /* a percentage */
    parse_line(NULL, NULL, NULL);
    import_cols_free(m);
    err_free(&err);
}

static void test_stage_words(void **state)
{
    (void)state;
    static const struct {
        const char *v;
        int want;
    } cases[] = {
        {"won", STAGE_WON}, {"Won", STAGE_WON}, {"Closed Won", STAGE_WON}, {"closedwon", STAGE_WON},
        {"CLOSED_WON", STAGE_WON}, {"赢单", STAGE_WON}, {"成交", STAGE_WON},
        {"lost", STAGE_LOST}, {"Closed Lost", STAGE_LOST}, {"closedlost", STAGE_LOST}, {"输单", STAGE_LOST},
        {"丢单", STAGE_LOST},
        {"open", STAGE_OPEN}, {"进行中", STAGE_OPEN}, {"Prospecting", STAGE_OPEN},
        {"Negotiation/Review", STAGE_OPEN}, {"appointmentscheduled", STAGE_OPEN}, {"Proposition", STAGE_OPEN},
        {"nonsense", -1},
    };
    sp_err err = SP_ERR_INIT;
    sp_import_cols *m = cols_of(TBL_DEALS, "deal_id,customer_id,created_on,stage,amount\n", &err);
    assert_non_null(m);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[128];
        snprintf(line, sizeof line, "d,c,2026-01-01,\"%s\",1\n", cases[i].v);
        sp_any_record r;
        char *why = parse_line(m, line, &r);
        if (cases[i].want < 0) assert_non_null(strstr(why, "stage: unknown stage"));
        else if (*why || (int)r.deal.stage != cases[i].want) {
            print_error("stage '%s': %s %d\n", cases[i].v, why, (int)r.deal.stage);
            fail();
        }
        free(why);
    }
    parse_line(NULL, NULL, NULL);
    import_cols_free(m);
}

static void test_parse_other_tables(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_any_record r;
    char *why;

    sp_import_cols *m = cols_of(TBL_REPS, "销售编号,姓名,团队,角色,区域,行业,是否在职\n", &err);
    assert_non_null(m);
    why = parse_line(m, "R1,张三,华东一组,组长,华东,制造,否\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_string_equal(r.rep.name, "张三");
    assert_int_equal(r.rep.role, ROLE_LEADER);
    assert_false(r.rep.active);
    why = parse_line(m, "R2,李四,,售前,,,\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.rep.role, ROLE_PRESALES);
    assert_true(r.rep.active); /* default when empty */
    assert_null(r.rep.team);
    static const struct {
        const char *v;
        bool want;
    } bools[] = {{"1", true}, {"是", true}, {"TRUE", true}, {"Yes", true}, {"y", true}, {"Y", true},
                 {"Active", true}, {"0", false}, {"否", false}, {"false", false}, {"NO", false}, {"n", false},
                 {"N", false}, {"Inactive", false}, {"离职", false}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        char line[96];
        snprintf(line, sizeof line, "R9,x,,,,,%s\n", bools[i].v);
        why = parse_line(m, line, &r);
        assert_string_equal(why, "");
        free(why);
        if (r.rep.active != bools[i].want) {
            print_error("yes/no '%s'\n", bools[i].v);
            fail();
        }
    }
    why = parse_line(m, "R9,x,,,,,maybe\n", &r);
    assert_non_null(strstr(why, "是否在职: not a yes/no value 'maybe'"));
    free(why);
    why = parse_line(m, "R3,王五,,boss,,,\n", &r);
    assert_non_null(strstr(why, "角色: unknown role 'boss'"));
    free(why);
    import_cols_free(m);

    m = cols_of(TBL_CUSTOMERS, "客户编号,客户名称,规模,负责人,创建日期\n", &err);
    assert_non_null(m);
    why = parse_line(m, "C1,某某公司,大型,R1,2025-12-31T09:00:00+08:00\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.customer.size, SIZE_LARGE);
    assert_string_equal(r.customer.owner, "R1");
    assert_int_equal(r.customer.created_on, day_from_ymd(2025, 12, 31));
    why = parse_line(m, "C2,乙,小,,\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.customer.size, SIZE_SMALL);
    assert_int_equal(r.customer.created_on, SP_DAY_NONE);
    import_cols_free(m);

    m = cols_of(TBL_LEADS, "lead_id,created_on,source,size,qualified\n", &err);
    assert_non_null(m);
    why = parse_line(m, "L1,2026-03-02,展会,medium,是\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_true(r.lead.qualified);
    assert_int_equal(r.lead.size, SIZE_MEDIUM);
    why = parse_line(m, "L2,2026-03-02,,,\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_false(r.lead.qualified);
    assert_int_equal(r.lead.size, SIZE_NONE);
    import_cols_free(m);

    m = cols_of(TBL_ACTIVITIES, "activity_id,日期,rep_id,customer_id,类型\n", &err);
    assert_non_null(m);
    static const struct {
        const char *v;
        sp_actkind k;
    } kinds[] = {{"拜访", ACT_VISIT}, {"Call", ACT_CALL}, {"邮件", ACT_EMAIL}, {"会议", ACT_MEETING},
                 {"其他", ACT_OTHER}, {"visit", ACT_VISIT}, {"", ACT_OTHER}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char line[96];
        snprintf(line, sizeof line, "A1,2026-02-03,R1,,%s\n", kinds[i].v);
        why = parse_line(m, line, &r);
        assert_string_equal(why, "");
        free(why);
        assert_int_equal(r.activity.kind, kinds[i].k);
    }
    import_cols_free(m);

    m = cols_of(TBL_INVOICES, "发票编号,客户编号,开票日期,到期日,金额,已付金额,回款日期\n", &err);
    assert_non_null(m);
    why = parse_line(m, "I1,C1,2026-01-05,2026-02-04,10万,¥50000.00,2026-01-20\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.invoice.amount, (sp_money)100000 * 100);
    assert_int_equal(r.invoice.paid, (sp_money)50000 * 100);
    why = parse_line(m, "I2,C1,2026-01-05,2026-02-04,100,,\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.invoice.paid, 0);
    assert_int_equal(r.invoice.paid_on, SP_DAY_NONE);
    import_cols_free(m);

    m = cols_of(TBL_SPEND, "费用编号,费用日期,类别,金额,策略,任务,备注\n", &err);
    assert_non_null(m);
    why = parse_line(m, "S1,2026-04-01,市场活动,3.5万,ST1,T1,展会\n", &r);
    assert_string_equal(why, "");
    free(why);
    assert_int_equal(r.spend.amount, (sp_money)35000 * 100);
    assert_string_equal(r.spend.note, "展会");
    import_cols_free(m);

    parse_line(NULL, NULL, NULL);
    assert_true(err_ok(&err));
    err_free(&err);
}

static void test_missing_required_column(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    sp_import_cols *m = cols_of(TBL_DEALS, "deal_id,customer_id,created_on,amount\n", &err);
    assert_null(m);
    assert_int_equal(err.cls, SP_EINVAL);
    assert_non_null(strstr(buf_cstr(&err.msg), "in.csv: missing required column 'stage'"));
    err_free(&err);
    m = cols_of(TBL_ACTIVITIES, "activity_id,kind\n", &err);
    assert_null(m);
    assert_non_null(strstr(buf_cstr(&err.msg), "'occurred_on'"));
    assert_non_null(strstr(buf_cstr(&err.msg), "'rep_id'"));
    assert_int_equal(err.count, 2);
    err_free(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_cases),
        cmocka_unit_test(test_late_gbk),
        cmocka_unit_test(test_detection_chunks),
        cmocka_unit_test(test_explicit_delimiter),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_open_missing),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_shrink),
        cmocka_unit_test(test_detection_whole_file),
        cmocka_unit_test(test_write_field),
        cmocka_unit_test(test_write_read_roundtrip),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_aliases_unambiguous),
        cmocka_unit_test(test_parse_deals),
        cmocka_unit_test(test_parse_crm_rules),
        cmocka_unit_test(test_stage_words),
        cmocka_unit_test(test_parse_other_tables),
        cmocka_unit_test(test_missing_required_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
