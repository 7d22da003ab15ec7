/*
 * dynload.h — a shared library loaded when first needed (dlopen), so that
 * the commands that never use it do not pay for loading it and its own
 * dependencies at every start: libcurl (notify: ~20 libraries) and
 * libmicrohttpd (serve: GnuTLS and its own) took about 4 ms of every
 * process's start, more than many whole queries.
 *
 * A user lists the functions it calls and gives each a pointer of the
 * declared type (from the library's own header):
 *
 *   #define MY_FNS(X) X(lib_open) X(lib_close)
 *   MY_FNS(DYN_PTR)                       // static __typeof__(&lib_open) dyn_lib_open; …
 *   static const char *const my_names[] = {MY_FNS(DYN_NAME)};
 *   static void **const my_slots[] = {MY_FNS(DYN_SLOT)};
 *   #define lib_open dyn_lib_open         // the calls go through the pointers
 *
 * and calls dyn_load(&lib, "libfoo.so.1", my_names, my_slots, n) before the
 * first call: true when every function was found (once per process; safe
 * from any thread).
 */
#ifndef SP_DYNLOAD_H
#define SP_DYNLOAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define DYN_PTR(f) static __typeof__(&f) dyn_##f;
#define DYN_NAME(f) #f,
#define DYN_SLOT(f) (void **)&dyn_##f,

typedef struct dyn_lib {
    pthread_once_t once;
    bool ok;
    char why[256];                     /* why it could not be loaded */
    const char *soname;
    const char *const *names;
    void **const *slots;
    size_t n;
} dyn_lib;

#define DYN_LIB_INIT {PTHREAD_ONCE_INIT, false, "", NULL, NULL, NULL, 0}

/* dyn_load: loads soname and resolves names into slots the first time;
 * false (lib->why says why) when the library or a function is missing. */
bool dyn_load(dyn_lib *lib, const char *soname, const char *const *names, void **const *slots, size_t n);

#endif
