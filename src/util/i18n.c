/*
 * i18n.c — compiled-in message catalogs (see i18n.h). The table comes from
 * po/zh_CN.po via tools/po2c.py as a sorted array searched by bsearch.
 */
#include "i18n.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

typedef struct tr_entry {
    const char *id, *zh;
} tr_entry;

#include "i18n_table.h" /* static const tr_entry tr_zh[]; tr_zh_count */

/* the calling thread's language: the CLI sets it once; a server thread
 * (through the app verbs) per request */
static _Thread_local sp_lang current = LANG_EN;

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const tr_entry *)a)->id, ((const tr_entry *)b)->id);
}

const char *tr_lang(sp_lang lang, const char *msgid)
{
    if (lang != LANG_ZH || !msgid || !*msgid) return msgid;
    tr_entry key = {msgid, NULL};
    const tr_entry *e = bsearch(&key, tr_zh, tr_zh_count, sizeof tr_zh[0], cmp_entry);
    return e && e->zh && *e->zh ? e->zh : msgid;
}

void i18n_set_lang(sp_lang lang) { current = lang; }
sp_lang i18n_lang(void) { return current; }

int i18n_lang_parse(const char *s)
{
    if (!s || !*s) return -1;
    if ((s[0] == 'z' || s[0] == 'Z') && (s[1] == 'h' || s[1] == 'H')) return LANG_ZH;
    if ((s[0] == 'e' || s[0] == 'E') && (s[1] == 'n' || s[1] == 'N')) return LANG_EN;
    if (strcmp(s, "C") == 0 || strcmp(s, "POSIX") == 0 || strncmp(s, "C.", 2) == 0) return LANG_EN;
    return -1;
}

sp_lang i18n_lang_from_env(void)
{
    static const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (!v || !*v) continue;
        int l = i18n_lang_parse(v);
        return l < 0 ? LANG_EN : (sp_lang)l;
    }
    return LANG_EN;
}

sp_lang i18n_lang_from_accept(const char *h)
{
    /* take the highest-q language tag among zh* / en*; ties: first wins */
    if (!h) return LANG_EN;
    double best_q = -1;
    sp_lang best = LANG_EN;
    const char *p = h;
    while (*p) {
        while (*p == ' ' || *p == ',') p++;
        const char *tag = p;
        while (*p && *p != ',' && *p != ';') p++;
        size_t tlen = (size_t)(p - tag);
        double q = 1.0;
        if (*p == ';') {
            const char *qs = strstr(p, "q=");
            const char *comma = strchr(p, ',');
            if (qs && (!comma || qs < comma)) q = strtod(qs + 2, NULL);
            while (*p && *p != ',') p++;
        }
        char t[16];
        if (tlen && tlen < sizeof t) {
            memcpy(t, tag, tlen);
            t[tlen] = '\0';
            int l = i18n_lang_parse(t);
            if (l >= 0 && q > best_q) {
                best_q = q;
                best = (sp_lang)l;
            }
        }
    }
    return best;
}

const char *sys_errmsg(int e)
{
    switch (e) {
    case ENOENT: return _("No such file or directory");
    case EACCES: return _("Permission denied");
    case EPERM: return _("Operation not permitted");
    case EISDIR: return _("Is a directory");
    case ENOTDIR: return _("Not a directory");
    case ENOSPC: return _("No space left on device");
    case EROFS: return _("Read-only file system");
    case ELOOP: return _("Too many levels of symbolic links");
    case EEXIST: return _("File exists");
    case EMFILE:
    case ENFILE: return _("Too many open files");
    default: return strerror(e);
    }
}
