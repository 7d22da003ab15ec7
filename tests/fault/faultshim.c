/*
 * faultshim.c — an LD_PRELOAD library for fault-injection tests, in the
 * manner of SQLite's own I/O-error tests: it fails the Nth write, read or
 * fsync of the process on a regular file, and can make a directory look
 * like a read-only file system. Test-only; never linked into salesplan.
 *
 * Environment (all optional; without SP_FAULT_OPS and SP_FAULT_ROFS the
 * shim changes nothing):
 *   SP_FAULT_OPS      comma list of the operations counted: write, read, fsync
 *                     (write: write, pwrite, pwrite64, writev; read: read,
 *                     pread, pread64; fsync: fsync, fdatasync)
 *   SP_FAULT_N        the 1-based number of the counted operation that fails
 *   SP_FAULT_PERSIST  1: every counted operation from the Nth on fails (a
 *                     disk that has gone bad), else only the Nth
 *   SP_FAULT_ERRNO    EIO (default), ENOSPC or EROFS: the errno of a failure
 *   SP_FAULT_FIRED    a file created (empty) when the first fault fires, so
 *                     the test knows the command met a fault
 *   SP_FAULT_COUNT    a file that gets the number of counted operations when
 *                     the process exits (to size a test's loop)
 *   SP_FAULT_ROFS     a directory: opening a file under it for writing or
 *                     creation, access(W_OK), unlink, rename and mkdir there
 *                     fail with EROFS, as on a read-only mount
 * Only regular files count (not the terminal, pipes or standard streams).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { OP_WRITE = 1, OP_READ = 2, OP_FSYNC = 4 };

static int want_ops = -1; /* -1: not read yet */
static long fail_at, counted;
static bool persist, fired;
static int fail_errno = EIO;
static const char *fired_path, *rofs_dir;
static size_t rofs_len;

static void init(void)
{
    if (want_ops >= 0) return;
    want_ops = 0;
    const char *ops = getenv("SP_FAULT_OPS");
    if (ops) {
        if (strstr(ops, "write")) want_ops |= OP_WRITE;
        if (strstr(ops, "read")) want_ops |= OP_READ;
        if (strstr(ops, "fsync")) want_ops |= OP_FSYNC;
    }
    const char *n = getenv("SP_FAULT_N");
    fail_at = n ? atol(n) : 0;
    const char *p = getenv("SP_FAULT_PERSIST");
    persist = p && strcmp(p, "1") == 0;
    const char *e = getenv("SP_FAULT_ERRNO");
    if (e && strcmp(e, "ENOSPC") == 0) fail_errno = ENOSPC;
    else if (e && strcmp(e, "EROFS") == 0) fail_errno = EROFS;
    fired_path = getenv("SP_FAULT_FIRED");
    rofs_dir = getenv("SP_FAULT_ROFS");
    if (rofs_dir && !*rofs_dir) rofs_dir = NULL;
    rofs_len = rofs_dir ? strlen(rofs_dir) : 0;
    while (rofs_len > 1 && rofs_dir[rofs_len - 1] == '/') rofs_len--;
}

/* REAL(name): real_name, the next definition of name (libc's). */
#define REAL(name) \
    static __typeof__(&name) real_##name; \
    if (!real_##name) real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name)

static bool regular_fd(int fd)
{
    struct stat sb;
    return fd > 2 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* should_fail: counts one operation of kind op on fd; true when it must fail. */
static bool should_fail(int op, int fd)
{
    init();
    if (!(want_ops & op) || fail_at <= 0 || !regular_fd(fd)) return false;
    counted++;
    bool fail = persist ? counted >= fail_at : counted == fail_at;
    if (fail && !fired) {
        fired = true;
        if (fired_path) {
            REAL(open);
            int f = real_open(fired_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (f >= 0) close(f);
        }
    }
    if (fail) errno = fail_errno;
    return fail;
}

/* under_rofs: whether path lies in the simulated read-only directory. */
static bool under_rofs(const char *path)
{
    init();
    if (!rofs_dir) return false;
    char buf[4096];
    const char *abs = path;
    if (path[0] != '/') {
        if (!getcwd(buf, sizeof buf - 1)) return false;
        size_t l = strlen(buf);
        snprintf(buf + l, sizeof buf - l, "/%s", path);
        abs = buf;
    }
    if (strncmp(abs, rofs_dir, rofs_len) != 0) return false;
    return abs[rofs_len] == '/' || abs[rofs_len] == '\0';
}

static bool rofs_block(const char *path, int flags)
{
    if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) && under_rofs(path)) {
        errno = EROFS;
        return true;
    }
    return false;
}

__attribute__((destructor)) static void report_count(void)
{
    const char *p = getenv("SP_FAULT_COUNT");
    if (!p || want_ops <= 0) return;
    FILE *f = fopen(p, "w");
    if (f) {
        fprintf(f, "%ld\n", counted);
        fclose(f);
    }
}

/* ---- the intercepted calls ---- */

ssize_t write(int fd, const void *b, size_t n)
{
    REAL(write);
    if (should_fail(OP_WRITE, fd)) return -1;
    return real_write(fd, b, n);
}

ssize_t pwrite(int fd, const void *b, size_t n, off_t off)
{
    REAL(pwrite);
    if (should_fail(OP_WRITE, fd)) return -1;
    return real_pwrite(fd, b, n, off);
}

ssize_t pwrite64(int fd, const void *b, size_t n, off64_t off)
{
    REAL(pwrite64);
    if (should_fail(OP_WRITE, fd)) return -1;
    return real_pwrite64(fd, b, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    REAL(writev);
    if (should_fail(OP_WRITE, fd)) return -1;
    return real_writev(fd, iov, cnt);
}

ssize_t read(int fd, void *b, size_t n)
{
    REAL(read);
    if (should_fail(OP_READ, fd)) return -1;
    return real_read(fd, b, n);
}

ssize_t pread(int fd, void *b, size_t n, off_t off)
{
    REAL(pread);
    if (should_fail(OP_READ, fd)) return -1;
    return real_pread(fd, b, n, off);
}

ssize_t pread64(int fd, void *b, size_t n, off64_t off)
{
    REAL(pread64);
    if (should_fail(OP_READ, fd)) return -1;
    return real_pread64(fd, b, n, off);
}

int fsync(int fd)
{
    REAL(fsync);
    if (should_fail(OP_FSYNC, fd)) return -1;
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync);
    if (should_fail(OP_FSYNC, fd)) return -1;
    return real_fdatasync(fd);
}

int open(const char *path, int flags, ...)
{
    REAL(open);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (rofs_block(path, flags)) return -1;
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    REAL(open64);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (rofs_block(path, flags)) return -1;
    return real_open64(path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    REAL(openat);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if ((dirfd == AT_FDCWD || path[0] == '/') && rofs_block(path, flags)) return -1;
    return real_openat(dirfd, path, flags, mode);
}

int access(const char *path, int how)
{
    REAL(access);
    if ((how & W_OK) && under_rofs(path)) {
        errno = EROFS;
        return -1;
    }
    return real_access(path, how);
}

int unlink(const char *path)
{
    REAL(unlink);
    if (under_rofs(path)) {
        errno = EROFS;
        return -1;
    }
    return real_unlink(path);
}

int rename(const char *from, const char *to)
{
    REAL(rename);
    if (under_rofs(from) || under_rofs(to)) {
        errno = EROFS;
        return -1;
    }
    return real_rename(from, to);
}

int mkdir(const char *path, mode_t mode)
{
    REAL(mkdir);
    if (under_rofs(path)) {
        errno = EROFS;
        return -1;
    }
    return real_mkdir(path, mode);
}
