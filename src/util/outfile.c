/*
 * outfile.c — guarded, atomic file output (see outfile.h). Owns the
 * temporary-file-and-rename dance and the "is this the workspace?" check;
 * knows nothing of what is written.
 */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"

struct sp_outfile {
    char *path;      /* as the user named it (for messages) */
    char *dest;      /* where the file lands (a symlink resolved) */
    char *tmp;       /* the temporary file, NULL when writing dest directly */
    int fd;
    bool synced;     /* nothing written since the last fsync */
};

/* canon: an absolute name for path that does not depend on how it is
 * spelled: realpath() when it exists, else the real directory joined with
 * the last component. malloc'ed. */
static char *canon(const char *path)
{
    char *r = realpath(path, NULL);
    if (r) return r;
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    const char *base = slash ? slash + 1 : path;
    char *rdir = realpath(dir, NULL);
    free(dir);
    if (!rdir) return xstrdup(path);
    char *out = xasprintf("%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/", base);
    free(rdir);
    return out;
}

/* same_file: whether candidate is the file out names: the same inode when
 * both exist, else the same resolved name. */
static bool same_file(const char *out_canon, const struct stat *out_st, bool out_exists, const char *candidate)
{
    struct stat cs;
    bool c_exists = stat(candidate, &cs) == 0;
    if (out_exists && c_exists) return out_st->st_dev == cs.st_dev && out_st->st_ino == cs.st_ino;
    char *cc = canon(candidate);
    bool same = strcmp(cc, out_canon) == 0;
    free(cc);
    return same;
}

bool outfile_check(const char *path, const sp_out_guard *g, sp_err *err)
{
    if (!g) return true;
    struct stat os;
    bool exists = stat(path, &os) == 0;
    char *oc = canon(path);
    bool ok = true;
    if (g->workspace && *g->workspace) {
        static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
        for (size_t i = 0; i < sizeof sfx / sizeof sfx[0] && ok; i++) {
            char *cand = xasprintf("%s%s", g->workspace, sfx[i]);
            if (same_file(oc, &os, exists, cand)) {
                ok = false;
                if (i == 0)
                    err_set(err, SP_EUSAGE, _("refusing to write %s: it is the workspace %s; choose another output file"),
                            path, g->workspace);
                else
                    err_set(err, SP_EUSAGE,
                            _("refusing to write %s: it is the %s file of the workspace %s; choose another output file"),
                            path, sfx[i] + 1, g->workspace);
            }
            free(cand);
        }
    }
    if (ok && g->input && *g->input && strcmp(g->input, "-") != 0 && same_file(oc, &os, exists, g->input)) {
        ok = false;
        err_set(err, SP_EUSAGE, _("refusing to write %s: it is the input file %s; choose another output file"), path,
                g->input);
    }
    free(oc);
    return ok;
}

/* open_tmp: a new file beside dest, named ".BASE.tmp-PID-N"; -1 with errno. */
static int open_tmp(const char *dest, char **tmp_out)
{
    const char *slash = strrchr(dest, '/');
    size_t dlen = slash ? (size_t)(slash - dest) + 1 : 0;
    const char *base = slash ? slash + 1 : dest;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned seed = (unsigned)ts.tv_nsec ^ (unsigned)getpid();
    for (int attempt = 0; attempt < 100; attempt++) {
        seed = seed * 1103515245u + 12345u;
        char *tmp = xasprintf("%.*s.%s.tmp-%d-%06x", (int)dlen, dest, base, (int)getpid(), seed & 0xffffffu);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp_out = tmp;
            return fd;
        }
        int e = errno;
        free(tmp);
        if (e != EEXIST) {
            errno = e;
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

sp_outfile *outfile_open(const char *path, const sp_out_guard *g, sp_err *err)
{
    if (!path || !*path) {
        err_set(err, SP_EUSAGE, "%s", _("the output needs a file name"));
        return NULL;
    }
    if (!outfile_check(path, g, err)) return NULL;
    sp_outfile *o = xcalloc(1, sizeof *o);
    o->path = xstrdup(path);
    o->fd = -1;
    struct stat ls, st;
    bool exists = stat(path, &st) == 0;
    /* follow a symlink: replace what it points at, not the link */
    if (exists && lstat(path, &ls) == 0 && S_ISLNK(ls.st_mode)) {
        o->dest = realpath(path, NULL);
        if (!o->dest) o->dest = xstrdup(path);
    } else {
        o->dest = xstrdup(path);
    }
    if (exists && S_ISDIR(st.st_mode)) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(EISDIR));
        goto fail;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        /* a device or a FIFO: written in place */
        o->fd = open(o->dest, O_WRONLY | O_CLOEXEC);
        if (o->fd < 0) {
            err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
            goto fail;
        }
        return o;
    }
    o->fd = open_tmp(o->dest, &o->tmp);
    if (o->fd < 0) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
        goto fail;
    }
    /* keep the permission bits of the file being replaced */
    if (exists) (void)fchmod(o->fd, st.st_mode & 07777);
    return o;
fail:
    outfile_abort(o);
    return NULL;
}

bool outfile_write(sp_outfile *o, const void *data, size_t n, sp_err *err)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = write(o->fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            err_set(err, SP_EIO, "%s: %s", o->path, sys_errmsg(errno));
            return false;
        }
        p += w;
        n -= (size_t)w;
        o->synced = false;
    }
    return true;
}

bool outfile_write_at(sp_outfile *o, const void *data, size_t n, uint64_t offset, sp_err *err)
{
    const char *p = data;
    while (n > 0) {
        ssize_t w = pwrite(o->fd, p, n, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR) continue;
            err_set(err, SP_EIO, "%s: %s", o->path, sys_errmsg(errno));
            return false;
        }
        p += w;
        n -= (size_t)w;
        offset += (uint64_t)w;
        o->synced = false;
    }
    return true;
}

bool outfile_sync(sp_outfile *o, sp_err *err)
{
    if (o->synced || !o->tmp) return true;
    if (fsync(o->fd) != 0) {
        err_set(err, SP_EIO, "%s: %s", o->path, sys_errmsg(errno));
        return false;
    }
    o->synced = true;
    return true;
}

/* sync_dir: makes the rename itself durable (best effort). */
static void sync_dir(const char *dest)
{
    const char *slash = strrchr(dest, '/');
    char *dir = slash ? xstrndup(dest, slash == dest ? 1 : (size_t)(slash - dest)) : xstrdup(".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

bool outfile_commit(sp_outfile *o, sp_err *err)
{
    bool ok = true;
    if (!outfile_sync(o, err)) ok = false;
    if (close(o->fd) != 0 && ok) {
        err_set(err, SP_EIO, "%s: %s", o->path, sys_errmsg(errno));
        ok = false;
    }
    o->fd = -1;
    if (ok && o->tmp) {
        if (rename(o->tmp, o->dest) != 0) {
            err_set(err, SP_EIO, "%s: %s", o->path, sys_errmsg(errno));
            ok = false;
        } else {
            free(o->tmp);
            o->tmp = NULL; /* landed: nothing to remove */
            sync_dir(o->dest);
        }
    }
    outfile_abort(o);
    return ok;
}

void outfile_abort(sp_outfile *o)
{
    if (!o) return;
    if (o->fd >= 0) close(o->fd);
    if (o->tmp) unlink(o->tmp);
    free(o->tmp);
    free(o->dest);
    free(o->path);
    free(o);
}

bool outfile_write_all(const char *path, const sp_out_guard *g, const void *data, size_t n, sp_err *err)
{
    sp_outfile *o = outfile_open(path, g, err);
    if (!o) return false;
    if (!outfile_write(o, data, n, err)) {
        outfile_abort(o);
        return false;
    }
    return outfile_commit(o, err);
}
