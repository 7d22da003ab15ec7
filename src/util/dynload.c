/*
 * dynload.c — loading a shared library when first needed (see dynload.h).
 */
#include "dynload.h"

#include <dlfcn.h>
#include <stdio.h>

/* the library being loaded by the pthread_once routine (which takes no
 * argument); guarded by the once itself */
static _Thread_local dyn_lib *tl_lib;

static void load_once(void)
{
    dyn_lib *l = tl_lib;
    void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(l->why, sizeof l->why, "%s", e ? e : l->soname);
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        void *f = dlsym(h, l->names[i]);
        if (!f) {
            snprintf(l->why, sizeof l->why, "%s: no function %s", l->soname, l->names[i]);
            return; /* (the handle stays open: the process may try nothing else with it) */
        }
        *l->slots[i] = f;
    }
    l->ok = true;
}

bool dyn_load(dyn_lib *lib, const char *soname, const char *const *names, void **const *slots, size_t n)
{
    tl_lib = lib;
    lib->soname = soname;
    lib->names = names;
    lib->slots = slots;
    lib->n = n;
    pthread_once(&lib->once, load_once);
    tl_lib = NULL;
    return lib->ok;
}
