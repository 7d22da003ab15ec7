/*
 * xlsx_read.c — see xlsx_read.h. Parts are found through the package's
 * relationships (_rels/.rels → the workbook, its _rels → sheets, shared
 * strings, styles), read from the zip into memory under the limits, and
 * parsed with expat (a DOCTYPE stops the parse: no entity is ever
 * declared, so none can expand). Element and attribute names are matched
 * by their local name, whatever namespace prefix a program chose.
 */
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "../core/value.h"
#include "../util/i18n.h"
#include "xlsx_read.h"

#define MAX_FILE (64u * 1024 * 1024)
#define MAX_ENTRIES 10000
#define MAX_PART (64u * 1024 * 1024)
#define MAX_TOTAL (256u * 1024 * 1024)
#define MAX_RATIO 200
#define MAX_SST 1000000
#define MAX_SST_BYTES (64u * 1024 * 1024)
#define MAX_CELL_TEXT (1024u * 1024)
#define MAX_CELLS 2000000
#define MAX_SHEETS 1000
#define MAX_ROW 1048576
#define MAX_COL 16384

typedef struct sheet_ref {
    char *name, *part;
    bool hidden;
} sheet_ref;

struct sp_xlsx {
    char *name;
    void *data;
    zip_t *zip;
    size_t inflated;        /* total bytes read out of the zip */
    sheet_ref *sheets;
    size_t nsheets;
    char **sst;
    size_t nsst;
    bool *date_style;       /* per cellXfs index */
    size_t nstyles;
};

/* ---- helpers ---- */

static const char *local(const char *n)
{
    const char *c = strrchr(n, ':');
    return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts && atts[i]; i += 2)
        if (strcmp(local(atts[i]), name) == 0) return atts[i + 1];
    return NULL;
}

/* read_part: the whole of entry name, under the limits. NULL with *found
 * false when absent; NULL with err when over a limit or unreadable. */
static char *read_part(sp_xlsx *x, const char *name, size_t *len, bool *found, sp_err *err)
{
    *found = false;
    zip_int64_t idx = zip_name_locate(x->zip, name, 0);
    if (idx < 0) return NULL;
    *found = true;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0) {
        err_set(err, SP_EINVAL, "%s: %s: %s", x->name, name, _("unreadable zip entry"));
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0);
    if (!zf) {
        err_set(err, SP_EINVAL, "%s: %s: %s", x->name, name, _("unreadable zip entry"));
        return NULL;
    }
    uint64_t csize = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    buf_t b = BUF_INIT;
    char chunk[65536];
    bool ok = true;
    for (;;) {
        zip_int64_t n = zip_fread(zf, chunk, sizeof chunk);
        if (n < 0) {
            err_set(err, SP_EINVAL, "%s: %s: %s", x->name, name, _("corrupt zip entry"));
            ok = false;
            break;
        }
        if (n == 0) break;
        x->inflated += (size_t)n;
        if (b.len + (size_t)n > MAX_PART || x->inflated > MAX_TOTAL) {
            err_set(err, SP_EINVAL, "%s: %s: %s", x->name, name,
                    _("too large when uncompressed (limit 64 MiB a part, 256 MiB in all)"));
            ok = false;
            break;
        }
        if (b.len + (size_t)n > 1024 * 1024 && (b.len + (size_t)n) / (csize ? csize : 1) > MAX_RATIO) {
            err_set(err, SP_EINVAL, "%s: %s: %s", x->name, name,
                    _("compression ratio over 200:1, refused as a zip bomb"));
            ok = false;
            break;
        }
        buf_append(&b, chunk, (size_t)n);
    }
    zip_fclose(zf);
    if (!ok) {
        buf_free(&b);
        return NULL;
    }
    *len = b.len;
    if (!b.data) return xstrdup("");
    return buf_detach(&b);
}

/* ---- the XML driver ---- */

typedef struct xctx {
    XML_Parser p;
    sp_xlsx *x;
    const char *part;
    sp_err *err;
    bool failed;
    void *user;
} xctx;

static void x_fail(xctx *c, const char *why)
{
    if (c->failed) return;
    c->failed = true;
    err_set(c->err, SP_EINVAL, "%s: %s: %s", c->x->name, c->part, why);
    XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                               int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    x_fail(ud, _("a DOCTYPE (entity declarations) is not allowed in a workbook"));
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int vlen,
                              const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
                              const XML_Char *notation)
{
    (void)name, (void)is_param, (void)value, (void)vlen, (void)base, (void)sysid, (void)pubid, (void)notation;
    x_fail(ud, _("an entity declaration is not allowed in a workbook"));
}

static bool xml_run(xctx *c, const char *data, size_t len, XML_StartElementHandler s, XML_EndElementHandler e,
                    XML_CharacterDataHandler t)
{
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p) {
        err_set(c->err, SP_EINVAL, "%s: %s", c->x->name, _("out of memory"));
        return false;
    }
    c->p = p;
    XML_SetUserData(p, c);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetElementHandler(p, s, e);
    if (t) XML_SetCharacterDataHandler(p, t);
    /* feed in slices: len may exceed INT_MAX in principle */
    size_t off = 0;
    bool ok = true;
    do {
        size_t n = len - off > (1u << 20) ? (1u << 20) : len - off;
        bool last = off + n == len;
        if (XML_Parse(p, data + off, (int)n, last) == XML_STATUS_ERROR) {
            if (!c->failed) {
                err_set(c->err, SP_EINVAL, "%s: %s:%lu:%lu: %s %s", c->x->name, c->part,
                        (unsigned long)XML_GetCurrentLineNumber(p), (unsigned long)XML_GetCurrentColumnNumber(p),
                        _("bad XML:"), XML_ErrorString(XML_GetErrorCode(p)));
                c->failed = true;
            }
            ok = false;
            break;
        }
        off += n;
    } while (off < len);
    XML_ParserFree(p);
    return ok && !c->failed;
}

/* ---- relationships ---- */

typedef struct rel {
    char *id, *type, *target;
} rel;
typedef struct rels {
    rel *v;
    size_t n, cap;
} rels;

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *c = ud;
    rels *r = c->user;
    if (strcmp(local(name), "Relationship") != 0) return;
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
    if (!id || !target) return;
    if (r->n == MAX_ENTRIES) {
        x_fail(c, _("too many relationships"));
        return;
    }
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
    }
    r->v[r->n++] = (rel){xstrdup(id), xstrdup(type ? type : ""), xstrdup(target)};
}

static void XMLCALL no_end(void *ud, const XML_Char *name) { (void)ud, (void)name; }

static void rels_free(rels *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].id);
        free(r->v[i].type);
        free(r->v[i].target);
    }
    free(r->v);
    r->v = NULL;
    r->n = r->cap = 0;
}

/* resolve: target relative to dir ("xl/"), or absolute ("/xl/…"), with
 * "." and ".." folded; NULL when it climbs out of the package. */
static char *resolve(const char *dir, const char *target)
{
    buf_t in = BUF_INIT;
    if (target[0] == '/') buf_puts(&in, target + 1);
    else {
        buf_puts(&in, dir);
        buf_puts(&in, target);
    }
    char *s = buf_detach(&in);
    char **seg = xcalloc(strlen(s) + 2, sizeof *seg);
    size_t n = 0;
    bool bad = false;
    for (char *save = NULL, *t = strtok_r(s, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0) continue;
        if (strcmp(t, "..") == 0) {
            if (n == 0) {
                bad = true;
                break;
            }
            n--;
            continue;
        }
        seg[n++] = t;
    }
    char *out = NULL;
    if (!bad && n) {
        buf_t b = BUF_INIT;
        for (size_t i = 0; i < n; i++) {
            if (i) buf_putc(&b, '/');
            buf_puts(&b, seg[i]);
        }
        out = buf_detach(&b);
    }
    free(seg);
    free(s);
    return out;
}

static bool load_rels(sp_xlsx *x, const char *part, rels *r, sp_err *err)
{
    size_t len;
    bool found;
    char *d = read_part(x, part, &len, &found, err);
    if (!d) return !found;
    xctx c = {.x = x, .part = part, .err = err, .user = r};
    bool ok = xml_run(&c, d, len, rels_start, no_end, NULL);
    free(d);
    return ok;
}

static bool type_is(const char *type, const char *suffix)
{
    size_t a = strlen(type), b = strlen(suffix);
    return a >= b && strcmp(type + a - b, suffix) == 0;
}

/* ---- workbook.xml ---- */

typedef struct wb_ctx {
    rels *r;
    const char *dir;
} wb_ctx;

static void XMLCALL wb_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *c = ud;
    wb_ctx *w = c->user;
    sp_xlsx *x = c->x;
    if (strcmp(local(name), "sheet") != 0) return;
    const char *nm = attr(atts, "name"), *rid = attr(atts, "id"), *state = attr(atts, "state");
    if (!nm || !rid) return;
    const char *target = NULL;
    for (size_t i = 0; i < w->r->n; i++)
        if (strcmp(w->r->v[i].id, rid) == 0) target = w->r->v[i].target;
    if (!target) return;   /* a chartsheet or a dangling id: not a table */
    char *part = resolve(w->dir, target);
    if (!part) {
        x_fail(c, _("a sheet's part name climbs out of the package"));
        return;
    }
    if (x->nsheets == MAX_SHEETS) {
        free(part);
        x_fail(c, _("too many sheets (limit 1,000)"));
        return;
    }
    x->sheets = xreallocarray(x->sheets, x->nsheets + 1, sizeof *x->sheets);
    x->sheets[x->nsheets++] = (sheet_ref){xstrdup(nm), part, state && strcmp(state, "visible") != 0};
}

/* ---- sharedStrings.xml ---- */

typedef struct sst_ctx {
    buf_t cur;
    bool in_si, in_t;
    int skip;              /* inside rPh / phoneticPr: not part of the text */
    size_t bytes;
} sst_ctx;

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    xctx *c = ud;
    sst_ctx *s = c->user;
    const char *l = local(name);
    if (strcmp(l, "si") == 0) {
        s->in_si = true;
        buf_clear(&s->cur);
    } else if (strcmp(l, "rPh") == 0) s->skip++;
    else if (strcmp(l, "t") == 0 && s->in_si && !s->skip) s->in_t = true;
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
    xctx *c = ud;
    sst_ctx *s = c->user;
    sp_xlsx *x = c->x;
    const char *l = local(name);
    if (strcmp(l, "t") == 0) s->in_t = false;
    else if (strcmp(l, "rPh") == 0 && s->skip) s->skip--;
    else if (strcmp(l, "si") == 0 && s->in_si) {
        s->in_si = false;
        if (x->nsst == MAX_SST) {
            x_fail(c, _("too many shared strings (limit 1,000,000)"));
            return;
        }
        if ((x->nsst & (x->nsst - 1)) == 0)
            x->sst = xreallocarray(x->sst, x->nsst ? x->nsst * 2 : 1, sizeof *x->sst);
        x->sst[x->nsst++] = xstrdup(buf_cstr(&s->cur));
    }
}

static void XMLCALL sst_text(void *ud, const XML_Char *t, int n)
{
    xctx *c = ud;
    sst_ctx *s = c->user;
    if (!s->in_t) return;
    s->bytes += (size_t)n;
    if (s->bytes > MAX_SST_BYTES) {
        x_fail(c, _("shared strings over 64 MiB"));
        return;
    }
    if (s->cur.len + (size_t)n > MAX_CELL_TEXT) {
        x_fail(c, _("a string over 1 MiB"));
        return;
    }
    buf_append(&s->cur, t, (size_t)n);
}

/* ---- styles.xml: which cell formats are dates ---- */

typedef struct fmt_code {
    int id;
    bool date;
} fmt_code;

typedef struct sty_ctx {
    fmt_code *codes;
    size_t ncodes;
    bool in_xfs;
} sty_ctx;

static bool builtin_date(int id)
{
    return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/* code_is_date: y, d, or m/h/s outside quotes, brackets and escapes
 * (elapsed-time and colour codes in brackets do not count). */
static bool code_is_date(const char *f)
{
    bool q = false;
    for (const char *p = f; *p; p++) {
        if (*p == '"') q = !q;
        else if (q) continue;
        else if (*p == '\\' || *p == '_' || *p == '*') {
            if (p[1]) p++;
        } else if (*p == '[') {
            const char *e = strchr(p, ']');
            if (!e) return false;
            p = e;
        } else if (strchr("yYdDmMhHsS", *p)) return true;
    }
    return false;
}

static void XMLCALL sty_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *c = ud;
    sty_ctx *s = c->user;
    sp_xlsx *x = c->x;
    const char *l = local(name);
    if (strcmp(l, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (!id || !code || s->ncodes >= 10000) return;
        s->codes = xreallocarray(s->codes, s->ncodes + 1, sizeof *s->codes);
        s->codes[s->ncodes++] = (fmt_code){atoi(id), code_is_date(code)};
    } else if (strcmp(l, "cellXfs") == 0) {
        s->in_xfs = true;
    } else if (strcmp(l, "xf") == 0 && s->in_xfs) {
        if (x->nstyles >= 100000) {
            x_fail(c, _("too many cell formats"));
            return;
        }
        const char *id = attr(atts, "numFmtId");
        int nid = id ? atoi(id) : 0;
        bool d = builtin_date(nid);
        for (size_t i = 0; i < s->ncodes; i++)
            if (s->codes[i].id == nid) d = s->codes[i].date;
        x->date_style = xreallocarray(x->date_style, x->nstyles + 1, sizeof *x->date_style);
        x->date_style[x->nstyles++] = d;
    }
}

static void XMLCALL sty_end(void *ud, const XML_Char *name)
{
    xctx *c = ud;
    sty_ctx *s = c->user;
    if (strcmp(local(name), "cellXfs") == 0) s->in_xfs = false;
}

/* ---- opening ---- */

bool xlsx_looks_like(const void *data, size_t len)
{
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static bool open_parts(sp_xlsx *x, sp_err *err)
{
    /* the workbook part: from the package relationships, else the usual name */
    rels top = {0};
    if (!load_rels(x, "_rels/.rels", &top, err)) return false;
    char *wbpart = NULL;
    for (size_t i = 0; i < top.n && !wbpart; i++)
        if (type_is(top.v[i].type, "/officeDocument")) wbpart = resolve("", top.v[i].target);
    rels_free(&top);
    if (!wbpart) wbpart = xstrdup("xl/workbook.xml");
    /* its directory and relationships */
    const char *slash = strrchr(wbpart, '/');
    char *dir = slash ? xstrndup(wbpart, (size_t)(slash - wbpart) + 1) : xstrdup("");
    char *relpart = xasprintf("%s_rels/%s.rels", dir, slash ? slash + 1 : wbpart);
    rels r = {0};
    bool ok = load_rels(x, relpart, &r, err);
    size_t len;
    bool found;
    char *d = ok ? read_part(x, wbpart, &len, &found, err) : NULL;
    if (ok && !d) {
        if (found) ok = false;
        else {
            err_set(err, SP_EINVAL, "%s: %s", x->name, _("not a workbook (no xl/workbook.xml)"));
            ok = false;
        }
    }
    if (ok) {
        wb_ctx w = {&r, dir};
        xctx c = {.x = x, .part = wbpart, .err = err, .user = &w};
        ok = xml_run(&c, d, len, wb_start, no_end, NULL);
    }
    free(d);
    /* shared strings and styles (both optional) */
    char *sstpart = NULL, *stypart = NULL;
    for (size_t i = 0; ok && i < r.n; i++) {
        if (!sstpart && type_is(r.v[i].type, "/sharedStrings")) sstpart = resolve(dir, r.v[i].target);
        if (!stypart && type_is(r.v[i].type, "/styles")) stypart = resolve(dir, r.v[i].target);
    }
    if (ok && sstpart) {
        d = read_part(x, sstpart, &len, &found, err);
        if (d) {
            sst_ctx s = {0};
            xctx c = {.x = x, .part = sstpart, .err = err, .user = &s};
            ok = xml_run(&c, d, len, sst_start, sst_end, sst_text);
            buf_free(&s.cur);
            free(d);
        } else if (found) ok = false;
    }
    if (ok && stypart) {
        d = read_part(x, stypart, &len, &found, err);
        if (d) {
            sty_ctx s = {0};
            xctx c = {.x = x, .part = stypart, .err = err, .user = &s};
            ok = xml_run(&c, d, len, sty_start, sty_end, NULL);
            free(s.codes);
            free(d);
        } else if (found) ok = false;
    }
    if (ok && x->nsheets == 0) {
        err_set(err, SP_EINVAL, "%s: %s", x->name, _("the workbook has no sheet"));
        ok = false;
    }
    free(sstpart);
    free(stypart);
    rels_free(&r);
    free(relpart);
    free(dir);
    free(wbpart);
    return ok;
}

sp_xlsx *xlsx_open_mem(const void *data, size_t len, const char *name, sp_err *err)
{
    if (len > MAX_FILE) {
        err_set(err, SP_EINVAL, "%s: %s", name, _("workbook over 64 MiB"));
        return NULL;
    }
    if (!xlsx_looks_like(data, len)) {
        err_set(err, SP_EINVAL, "%s: %s", name, _("not a workbook (.xlsx is a zip file)"));
        return NULL;
    }
    sp_xlsx *x = xcalloc(1, sizeof *x);
    x->name = xstrdup(name);
    x->data = xmalloc(len);
    memcpy(x->data, data, len);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(x->data, len, 0, &ze);
    if (src) {
        x->zip = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
        if (!x->zip) zip_source_free(src);
    }
    if (!x->zip) {
        err_set(err, SP_EINVAL, "%s: %s: %s", name, _("not a readable zip file"), zip_error_strerror(&ze));
        zip_error_fini(&ze);
        xlsx_close(x);
        return NULL;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(x->zip, 0);
    if (n < 0 || n > MAX_ENTRIES) {
        err_set(err, SP_EINVAL, "%s: %s", name, _("too many zip entries (limit 10,000)"));
        xlsx_close(x);
        return NULL;
    }
    if (!open_parts(x, err)) {
        xlsx_close(x);
        return NULL;
    }
    return x;
}

sp_xlsx *xlsx_open(const char *path, sp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
        return NULL;
    }
    buf_t b = BUF_INIT;
    char chunk[65536];
    size_t n;
    bool big = false;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > MAX_FILE) {
            big = true;
            break;
        }
        buf_append(&b, chunk, n);
    }
    bool bad = ferror(f);
    int e = errno;
    fclose(f);
    sp_xlsx *x = NULL;
    if (bad) err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(e));
    else if (big) err_set(err, SP_EINVAL, "%s: %s", path, _("workbook over 64 MiB"));
    else x = xlsx_open_mem(b.data ? b.data : "", b.len, path, err);
    buf_free(&b);
    return x;
}

void xlsx_close(sp_xlsx *x)
{
    if (!x) return;
    if (x->zip) zip_discard(x->zip);
    for (size_t i = 0; i < x->nsheets; i++) {
        free(x->sheets[i].name);
        free(x->sheets[i].part);
    }
    free(x->sheets);
    for (size_t i = 0; i < x->nsst; i++) free(x->sst[i]);
    free(x->sst);
    free(x->date_style);
    free(x->data);
    free(x->name);
    free(x);
}

size_t xlsx_sheet_count(const sp_xlsx *x) { return x->nsheets; }
const char *xlsx_sheet_name(const sp_xlsx *x, size_t i) { return i < x->nsheets ? x->sheets[i].name : NULL; }
bool xlsx_sheet_hidden(const sp_xlsx *x, size_t i) { return i < x->nsheets && x->sheets[i].hidden; }

/* ---- a sheet ---- */

typedef struct raw_cell {
    int row, col;
    sp_xcell c;
} raw_cell;

typedef struct sh_ctx {
    raw_cell *v;
    size_t n, cap;
    int row, col;          /* the current row, the last cell's col */
    bool in_c, in_v, in_is, in_t;
    int skip;
    char type[12];
    int style;
    int crow, ccol;
    buf_t val;
} sh_ctx;

/* parse_ref: "B7" → col 1, row 7; false when malformed or out of range. */
static bool parse_ref(const char *s, int *col, int *row)
{
    long c = 0, r = 0;
    const char *p = s;
    while (*p >= 'A' && *p <= 'Z') {
        c = c * 26 + (*p - 'A' + 1);
        if (c > MAX_COL) return false;
        p++;
    }
    if (p == s) return false;
    const char *digits = p;
    while (*p >= '0' && *p <= '9') {
        r = r * 10 + (*p - '0');
        if (r > MAX_ROW) return false;
        p++;
    }
    if (p == digits || *p || r < 1) return false;
    *col = (int)c - 1;
    *row = (int)r;
    return true;
}

static void XMLCALL sh_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xctx *c = ud;
    sh_ctx *s = c->user;
    const char *l = local(name);
    if (strcmp(l, "row") == 0) {
        const char *r = attr(atts, "r");
        if (r) {
            char *end;
            long v = strtol(r, &end, 10);
            if (*end || v < 1 || v > MAX_ROW) {
                x_fail(c, _("bad row number"));
                return;
            }
            s->row = (int)v;
        } else {
            s->row++;
        }
        s->col = -1;
    } else if (strcmp(l, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *st = attr(atts, "s");
        if (r) {
            if (!parse_ref(r, &s->ccol, &s->crow)) {
                x_fail(c, _("bad cell reference"));
                return;
            }
        } else {
            s->crow = s->row > 0 ? s->row : 1;
            s->ccol = s->col + 1;
            if (s->ccol >= MAX_COL) {
                x_fail(c, _("bad cell reference"));
                return;
            }
        }
        s->row = s->crow;
        s->col = s->ccol;
        snprintf(s->type, sizeof s->type, "%s", t ? t : "n");
        s->style = st ? atoi(st) : 0;
        s->in_c = true;
        buf_clear(&s->val);
    } else if (s->in_c && strcmp(l, "v") == 0) {
        s->in_v = true;
    } else if (s->in_c && strcmp(l, "is") == 0) {
        s->in_is = true;
    } else if (s->in_is && strcmp(l, "rPh") == 0) {
        s->skip++;
    } else if (s->in_is && !s->skip && strcmp(l, "t") == 0) {
        s->in_t = true;
    }
}

static void XMLCALL sh_text(void *ud, const XML_Char *t, int n)
{
    xctx *c = ud;
    sh_ctx *s = c->user;
    if (!(s->in_v || s->in_t)) return;
    if (s->val.len + (size_t)n > MAX_CELL_TEXT) {
        x_fail(c, _("a cell over 1 MiB"));
        return;
    }
    buf_append(&s->val, t, (size_t)n);
}

static void XMLCALL sh_end(void *ud, const XML_Char *name)
{
    xctx *c = ud;
    sh_ctx *s = c->user;
    sp_xlsx *x = c->x;
    const char *l = local(name);
    if (strcmp(l, "v") == 0) s->in_v = false;
    else if (strcmp(l, "t") == 0) s->in_t = false;
    else if (strcmp(l, "rPh") == 0 && s->skip) s->skip--;
    else if (strcmp(l, "is") == 0) s->in_is = false;
    else if (strcmp(l, "c") == 0 && s->in_c) {
        s->in_c = false;
        sp_xcell cell = {.col = s->ccol, .kind = XC_EMPTY};
        const char *v = buf_cstr(&s->val);
        if (strcmp(s->type, "s") == 0) {
            char *end;
            errno = 0;
            unsigned long k = strtoul(v, &end, 10);
            if (!*v || *end || errno || k >= x->nsst) {
                x_fail(c, _("a shared-string index out of range"));
                return;
            }
            cell.kind = XC_TEXT;
            cell.text = xstrdup(x->sst[k]);
        } else if (strcmp(s->type, "inlineStr") == 0 || strcmp(s->type, "str") == 0) {
            cell.kind = XC_TEXT;
            cell.text = xstrdup(v);
        } else if (strcmp(s->type, "b") == 0) {
            if (!*v) return;
            cell.kind = XC_BOOL;
            cell.num = strcmp(v, "1") == 0 || strcmp(v, "true") == 0;
            cell.text = xstrdup(cell.num != 0 ? "TRUE" : "FALSE");
        } else if (strcmp(s->type, "e") == 0) {
            cell.kind = XC_ERROR;
            cell.text = xstrdup(v);
        } else if (strcmp(s->type, "d") == 0) {
            /* an ISO 8601 date: kept as text, the date parsers read it */
            if (!*v) return;
            cell.kind = XC_TEXT;
            cell.text = xstrndup(v, strnlen(v, 10));
        } else {
            if (!*v) return;   /* a styled empty cell */
            char *end;
            double d = strtod(v, &end);
            if (*end || !isfinite(d)) {
                x_fail(c, _("a number cell that is not a number"));
                return;
            }
            cell.kind = XC_NUM;
            cell.num = d;
            cell.text = xstrdup(v);
            cell.date = s->style >= 0 && (size_t)s->style < x->nstyles && x->date_style[s->style];
        }
        if (s->n == MAX_CELLS) {
            free(cell.text);
            x_fail(c, _("too many cells in a sheet (limit 2,000,000)"));
            return;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
        }
        s->v[s->n++] = (raw_cell){s->crow, s->ccol, cell};
    }
}

static int raw_cmp(const void *a, const void *b)
{
    const raw_cell *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    return 0;
}

bool xlsx_read_sheet(sp_xlsx *x, size_t i, sp_xtable *t, sp_err *err)
{
    memset(t, 0, sizeof *t);
    if (i >= x->nsheets) {
        err_set(err, SP_EINVAL, "%s: %s", x->name, _("no such sheet"));
        return false;
    }
    size_t len;
    bool found;
    char *d = read_part(x, x->sheets[i].part, &len, &found, err);
    if (!d) {
        if (!found)
            err_set(err, SP_EINVAL, "%s: %s: %s", x->name, x->sheets[i].name, _("the sheet's part is missing"));
        return false;
    }
    sh_ctx s = {0};
    xctx c = {.x = x, .part = x->sheets[i].name, .err = err, .user = &s};
    bool ok = xml_run(&c, d, len, sh_start, sh_end, sh_text);
    free(d);
    buf_free(&s.val);
    if (ok) {
        if (s.n) qsort(s.v, s.n, sizeof *s.v, raw_cmp);
        for (size_t k = 0; k < s.n;) {
            size_t j = k;
            while (j < s.n && s.v[j].row == s.v[k].row) j++;
            t->rows = xreallocarray(t->rows, t->nrows + 1, sizeof *t->rows);
            sp_xrow *r = &t->rows[t->nrows++];
            r->row = s.v[k].row;
            r->cells = xcalloc(j - k, sizeof *r->cells);
            r->ncells = 0;
            for (size_t m = k; m < j; m++) {
                /* a duplicated reference: the last one wins */
                if (r->ncells && r->cells[r->ncells - 1].col == s.v[m].col) {
                    free(r->cells[r->ncells - 1].text);
                    r->ncells--;
                }
                r->cells[r->ncells++] = s.v[m].c;
            }
            k = j;
        }
    } else {
        for (size_t k = 0; k < s.n; k++) free(s.v[k].c.text);
    }
    free(s.v);
    return ok;
}

void xtable_free(sp_xtable *t)
{
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->rows[i].ncells; j++) free(t->rows[i].cells[j].text);
        free(t->rows[i].cells);
    }
    free(t->rows);
    t->rows = NULL;
    t->nrows = 0;
}

const sp_xcell *xrow_cell(const sp_xrow *r, int col)
{
    size_t lo = 0, hi = r->ncells;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->cells[mid].col < col) lo = mid + 1;
        else hi = mid;
    }
    if (lo < r->ncells && r->cells[lo].col == col && r->cells[lo].kind != XC_EMPTY) return &r->cells[lo];
    return NULL;
}

char *xlsx_cell_ref(int col, int row, char *buf)
{
    char tmp[8];
    int n = 0, c = col + 1;
    while (c > 0 && n < 7) {
        tmp[n++] = (char)('A' + (c - 1) % 26);
        c = (c - 1) / 26;
    }
    for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
    snprintf(buf + n, 16 - (size_t)n, "%d", row);
    return buf;
}

bool xlsx_day_from_serial(double serial, int32_t *day)
{
    if (!(serial >= 61 && serial < 2958466)) return false;
    *day = (int32_t)floor(serial) - 25569;
    return true;
}

/* ---- a sheet as CSV ---- */

bool xlsx_file_is(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    if (n > 5 && str_ieq(path + n - 5, ".xlsx")) return true;
    if (!path || strcmp(path, "-") == 0) return false;
    /* sniff regular files only: a FIFO or a device must not be read twice */
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) return false;
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char head[4];
    bool zip = fread(head, 1, 4, f) == 4 && xlsx_looks_like(head, 4);
    fclose(f);
    return zip;
}

static void csv_cell(buf_t *b, const char *s)
{
    bool q = strpbrk(s, ",\"\r\n") != NULL || (*s == ' ' || (*s && s[strlen(s) - 1] == ' '));
    if (q) buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"') buf_puts(b, "\"\"");
        else if (*s == '\r' || *s == '\n') {
            if (!(*s == '\n' && s[-1] == '\r')) buf_putc(b, ' ');
        } else buf_putc(b, *s);
    }
    if (q) buf_putc(b, '"');
}

sp_csv *xlsx_csv_open(const char *path, const char *sheet, bool (*is_date)(const char *header, void *ctx), void *ctx,
                      sp_err *err)
{
    sp_xlsx *x = xlsx_open(path, err);
    if (!x) return NULL;
    size_t idx = x->nsheets;
    for (size_t i = 0; i < x->nsheets; i++)
        if (sheet ? strcmp(x->sheets[i].name, sheet) == 0 : !x->sheets[i].hidden) {
            idx = i;
            break;
        }
    if (idx == x->nsheets) {
        buf_t names = BUF_INIT;
        for (size_t i = 0; i < x->nsheets; i++) buf_printf(&names, "%s'%s'", i ? ", " : "", x->sheets[i].name);
        if (sheet) err_set(err, SP_EUSAGE, _("%s: no sheet '%s' (the sheets: %s)"), path, sheet, buf_cstr(&names));
        else err_set(err, SP_EINVAL, "%s: %s", path, _("the workbook has no visible sheet"));
        buf_free(&names);
        xlsx_close(x);
        return NULL;
    }
    sp_xtable t;
    if (!xlsx_read_sheet(x, idx, &t, err)) {
        xlsx_close(x);
        return NULL;
    }
    /* the header row (the first with cells) decides the date columns */
    bool *datecol = NULL;
    int ncols = 0;
    if (t.nrows) {
        const sp_xrow *h = &t.rows[0];
        ncols = h->ncells ? h->cells[h->ncells - 1].col + 1 : 0;
        datecol = xcalloc((size_t)ncols + 1, sizeof *datecol);
        for (size_t k = 0; k < h->ncells; k++)
            if (h->cells[k].kind == XC_TEXT && is_date && is_date(h->cells[k].text, ctx))
                datecol[h->cells[k].col] = true;
    }
    buf_t b = BUF_INIT;
    int line = 1;
    for (size_t i = 0; i < t.nrows; i++) {
        const sp_xrow *r = &t.rows[i];
        while (line < r->row) {
            buf_puts(&b, "\n");
            line++;
        }
        int col = 0;
        for (size_t k = 0; k < r->ncells; k++) {
            const sp_xcell *c = &r->cells[k];
            while (col < c->col) {
                buf_putc(&b, ',');
                col++;
            }
            char tmp[64];
            const char *v = c->text ? c->text : "";
            if (c->kind == XC_NUM) {
                int32_t d;
                bool as_date = c->date || (c->col < ncols && datecol[c->col]);
                if (as_date && xlsx_day_from_serial(c->num, &d)) v = day_format(d, tmp);
                else {
                    snprintf(tmp, sizeof tmp, "%.15g", c->num);
                    v = tmp;
                }
            } else if (c->kind == XC_BOOL) {
                v = c->num != 0 ? "true" : "false";
            }
            csv_cell(&b, v);
        }
        buf_puts(&b, "\n");
        line++;
    }
    free(datecol);
    xtable_free(&t);
    char *name = xasprintf("%s", path);
    xlsx_close(x);
    sp_csv_opts o = {"UTF-8", ','};
    sp_csv *c = csv_open_mem(b.data ? b.data : "", b.len, name, &o, err);
    free(name);
    buf_free(&b);
    return c;
}
