/*
 * test_outfile.c — util/outfile: outputs never land on the workspace, its
 * -wal/-shm/-journal files or the input (by inode and by resolved name),
 * and land whole: no temporary file left, the old file kept on failure,
 * permissions kept, symlinks followed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outfile.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/sp-test-outfile-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d) closedir(d);
    rmdir(dir);
    return 0;
}

static char *path_in(const char *name)
{
    static char p[64][256];
    static int k;
    k = (k + 1) % 64;
    snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
    return p[k];
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static char *get(const char *path)
{
    static char b[4096];
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t n = fread(b, 1, sizeof b - 1, f);
    b[n] = '\0';
    fclose(f);
    return b;
}

/* temps_left: files in dir whose name holds ".tmp-". */
static int temps_left(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strstr(e->d_name, ".tmp-")) n++;
    closedir(d);
    return n;
}

static void refused(const char *out, const sp_out_guard *g, const char *needle)
{
    sp_err err = SP_ERR_INIT;
    assert_false(outfile_check(out, g, &err));
    assert_int_equal(err.cls, SP_EUSAGE);
    if (!strstr(buf_cstr(&err.msg), needle)) fail_msg("'%s' not in '%s'", needle, buf_cstr(&err.msg));
    err_free(&err);
    assert_null(outfile_open(out, g, &err));
    err_free(&err);
}

static void test_guard(void **state)
{
    (void)state;
    char *ws = path_in("ws.db");
    put(ws, "workspace");
    put(path_in("ws.db-shm"), "shm");
    put(path_in("in.csv"), "a,b\n");
    sp_out_guard g = {ws, path_in("in.csv")};
    refused(ws, &g, "it is the workspace");
    char *dotted = path_in("./ws.db");
    refused(dotted, &g, "it is the workspace");
    assert_int_equal(link(ws, path_in("hard.db")), 0);
    refused(path_in("hard.db"), &g, "it is the workspace");
    assert_int_equal(symlink("ws.db", path_in("sym.db")), 0);
    refused(path_in("sym.db"), &g, "it is the workspace");
    refused(path_in("ws.db-shm"), &g, "it is the shm file of the workspace");
    refused(path_in("ws.db-wal"), &g, "it is the wal file of the workspace");   /* does not exist */
    refused(path_in("ws.db-journal"), &g, "it is the journal file of the workspace");
    refused(path_in("in.csv"), &g, "it is the input file");
    assert_int_equal(link(path_in("in.csv"), path_in("in2.csv")), 0);
    refused(path_in("in2.csv"), &g, "it is the input file");
    /* the message names both files */
    sp_err err = SP_ERR_INIT;
    assert_false(outfile_check(ws, &g, &err));
    assert_non_null(strstr(buf_cstr(&err.msg), "refusing to write"));
    assert_non_null(strstr(buf_cstr(&err.msg), ws));
    err_free(&err);
    /* other names pass; "-" and a URL guard nothing */
    assert_true(outfile_check(path_in("other.csv"), &g, &err));
    assert_true(outfile_check(path_in("ws.db.bak"), &g, &err));
    sp_out_guard g2 = {"postgres://x/y", "-"};
    assert_true(outfile_check(path_in("ws.db"), &g2, &err));
    assert_true(outfile_check(path_in("ws.db"), NULL, &err));
    assert_true(err_ok(&err));
    assert_string_equal(get(ws), "workspace");
}

static void test_whole_or_nothing(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    char *out = path_in("out.txt");
    assert_true(outfile_write_all(out, NULL, "hello\n", 6, &err));
    assert_string_equal(get(out), "hello\n");
    assert_int_equal(temps_left(), 0);
    /* an aborted write leaves the old file as it was, and no temp */
    sp_outfile *o = outfile_open(out, NULL, &err);
    assert_non_null(o);
    assert_true(outfile_write(o, "half", 4, &err));
    assert_int_equal(temps_left(), 1);
    assert_string_equal(get(out), "hello\n");
    outfile_abort(o);
    assert_string_equal(get(out), "hello\n");
    assert_int_equal(temps_left(), 0);
    /* a streamed write: synced, then renamed */
    o = outfile_open(out, NULL, &err);
    assert_non_null(o);
    assert_true(outfile_write(o, "one ", 4, &err));
    assert_true(outfile_sync(o, &err));
    assert_string_equal(get(out), "hello\n");
    assert_true(outfile_write(o, "two\n", 4, &err));
    assert_true(outfile_commit(o, &err));
    assert_string_equal(get(out), "one two\n");
    assert_int_equal(temps_left(), 0);
    err_free(&err);
}

static void test_mode_symlink_and_errors(void **state)
{
    (void)state;
    sp_err err = SP_ERR_INIT;
    char *out = path_in("kept.txt");
    put(out, "old");
    assert_int_equal(chmod(out, 0640), 0);
    assert_true(outfile_write_all(out, NULL, "new", 3, &err));
    struct stat sb;
    assert_int_equal(stat(out, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
    assert_string_equal(get(out), "new");
    /* a symlink: its target is replaced, the link stays */
    put(path_in("real.txt"), "old");
    assert_int_equal(symlink("real.txt", path_in("link.txt")), 0);
    assert_true(outfile_write_all(path_in("link.txt"), NULL, "via link", 8, &err));
    assert_int_equal(lstat(path_in("link.txt"), &sb), 0);
    assert_true(S_ISLNK(sb.st_mode));
    assert_string_equal(get(path_in("real.txt")), "via link");
    /* not a regular file: written in place */
    assert_true(outfile_write_all("/dev/null", NULL, "x", 1, &err));
    assert_true(err_ok(&err));
    /* a directory, a missing directory: SP_EIO naming the path */
    assert_false(outfile_write_all(dir, NULL, "x", 1, &err));
    assert_int_equal(err.cls, SP_EIO);
    err_free(&err);
    char *missing = path_in("nodir/x.txt");
    assert_false(outfile_write_all(missing, NULL, "x", 1, &err));
    assert_int_equal(err.cls, SP_EIO);
    assert_non_null(strstr(buf_cstr(&err.msg), missing));
    err_free(&err);
    assert_null(outfile_open("", NULL, &err));
    assert_int_equal(err.cls, SP_EUSAGE);
    err_free(&err);
    assert_int_equal(temps_left(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_symlink_and_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
