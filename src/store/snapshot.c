/*
 * snapshot.c — the columnar snapshot file (format in snapshot.h): writing it
 * from a full dataset, checking it byte by byte, and mapping it read-only
 * as the columns of a borrowed dataset. No SQL: the store supplies the data
 * version and decides when to rebuild.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/outfile.h"

#define SNAP_ALIGN 64
#define SNAP_ENDIAN 0x01020304u

/* The dictionary is stored in groups: group 0 holds code 0 and every
 * label (an interned string: region, product, rep and customer ids…),
 * group 1 + t the unique ids, names and notes of table t, which only
 * record listings read. Each group's codes are a multiple of GROUP_CODES
 * (64 bytes of offsets) and its blob a multiple of SNAP_ALIGN bytes ending
 * with a NUL, so the groups lie back to back: one offset array and one
 * blob, each group checked on its own (the labels on open, the others when
 * first read). */
#define NGROUPS (1 + TBL_COUNT)
#define GROUP_CODES 16

typedef struct snap_header {
    char magic[8];
    uint32_t format, schema;
    uint32_t endian, nsections;
    uint64_t data_version;
    uint64_t rows[TBL_COUNT];
    uint64_t gcodes[NGROUPS];          /* codes of each dictionary group */
    uint64_t gblob[NGROUPS];           /* blob bytes of each group */
    uint64_t nhash;
    uint64_t file_bytes;
    uint64_t checksum;                 /* header (this field 0) + section table */
} snap_header;
_Static_assert(sizeof(snap_header) == 8 + 4 * 4 + 8 + 8 * TBL_COUNT + 16 * NGROUPS + 8 * 3, "packed header");

typedef struct snap_section {
    uint32_t id, elem;                 /* position in the section list, element size */
    uint64_t offset, bytes, checksum;
} snap_section;

/* ---- the column list (records.h's SP_*_COLS, in order) ---- */

typedef struct coldesc {
    int table;
    const char *name;
    size_t size, off;
} coldesc;

#define CD_REP(T, name) {TBL_REPS, #name, sizeof(T), offsetof(sp_rep_cols, name)},
#define CD_CUS(T, name) {TBL_CUSTOMERS, #name, sizeof(T), offsetof(sp_customer_cols, name)},
#define CD_LEA(T, name) {TBL_LEADS, #name, sizeof(T), offsetof(sp_lead_cols, name)},
#define CD_DEA(T, name) {TBL_DEALS, #name, sizeof(T), offsetof(sp_deal_cols, name)},
#define CD_ACT(T, name) {TBL_ACTIVITIES, #name, sizeof(T), offsetof(sp_activity_cols, name)},
#define CD_INV(T, name) {TBL_INVOICES, #name, sizeof(T), offsetof(sp_invoice_cols, name)},
#define CD_SPE(T, name) {TBL_SPEND, #name, sizeof(T), offsetof(sp_spend_cols, name)},

static const coldesc columns[] = {
    SP_REP_COLS(CD_REP) SP_CUSTOMER_COLS(CD_CUS) SP_LEAD_COLS(CD_LEA) SP_DEAL_COLS(CD_DEA)
    SP_ACTIVITY_COLS(CD_ACT) SP_INVOICE_COLS(CD_INV) SP_SPEND_COLS(CD_SPE)
};
#define NCOLS (sizeof columns / sizeof columns[0])
#define SEC_OFF(g) (NCOLS + (g))
#define SEC_BLOB(g) (NCOLS + NGROUPS + (g))
#define SEC_HASH (NCOLS + 2 * NGROUPS)
#define NSECTIONS (SEC_HASH + 1)

static void *table_of(sp_dataset *ds, int t)
{
    switch (t) {
    case TBL_REPS: return &ds->reps;
    case TBL_CUSTOMERS: return &ds->customers;
    case TBL_LEADS: return &ds->leads;
    case TBL_DEALS: return &ds->deals;
    case TBL_ACTIVITIES: return &ds->activities;
    case TBL_INVOICES: return &ds->invoices;
    default: return &ds->spend;
    }
}

/* every column struct starts with size_t n, cap */
static size_t table_rows(const sp_dataset *ds, int t) { return *(const size_t *)table_of((sp_dataset *)ds, t); }
static void **column_slot(sp_dataset *ds, const coldesc *c) { return (void **)((char *)table_of(ds, c->table) + c->off); }

/* is_code: column c holds string codes (dates are 4 bytes too) */
static bool is_code(const coldesc *c)
{
    size_t len = strlen(c->name);
    return c->size == sizeof(sp_str) && !(len > 3 && strcmp(c->name + len - 3, "_on") == 0) &&
           !(len > 4 && strcmp(c->name + len - 4, "_row") == 0);
}

/* is_text: a column of unique strings (records.c copies them, never interns) */
static bool is_text(const coldesc *c)
{
    static const struct { int t; const char *name; } text[] = {
        {TBL_CUSTOMERS, "name"}, {TBL_LEADS, "id"}, {TBL_LEADS, "opportunity_id"}, {TBL_DEALS, "id"},
        {TBL_ACTIVITIES, "id"}, {TBL_INVOICES, "id"}, {TBL_INVOICES, "deal_id"}, {TBL_SPEND, "id"},
        {TBL_SPEND, "note"},
    };
    for (size_t k = 0; k < sizeof text / sizeof text[0]; k++)
        if (c->table == text[k].t && strcmp(c->name, text[k].name) == 0) return true;
    return false;
}

const char *snap_state_name(sp_snap_state s)
{
    static const char *const n[] = {"fresh", "missing", "stale", "damaged"};
    return (unsigned)s < 4 ? n[s] : "?";
}

char *snapshot_path(const char *workspace) { return xasprintf("%s.snap", workspace); }

/* ---- checksum: four lanes of (sum, sum of sums) over 8-byte words, a
 * Fletcher-like sum that runs at memory speed; any change of one word
 * changes its lane's sum. Incremental: the same value however the bytes
 * are split into ck_update calls. ---- */

typedef struct ck_t {
    uint64_t a[4], s[4], seed, total;
    unsigned char buf[32];
    size_t nbuf;
} ck_t;

static void ck_init(ck_t *c, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->seed = seed;
    for (int k = 0; k < 4; k++) c->a[k] = seed + (uint64_t)k;
}

static inline void ck_block(ck_t *c, const unsigned char *b)
{
    for (int k = 0; k < 4; k++) {
        uint64_t w;
        memcpy(&w, b + 8 * k, 8);
        c->a[k] += w;
        c->s[k] += c->a[k];
    }
}

static void ck_update(ck_t *c, const void *p, size_t n)
{
    const unsigned char *b = p;
    c->total += n;
    if (c->nbuf) {
        size_t take = 32 - c->nbuf < n ? 32 - c->nbuf : n;
        memcpy(c->buf + c->nbuf, b, take);
        c->nbuf += take, b += take, n -= take;
        if (c->nbuf < 32) return;
        ck_block(c, c->buf);
        c->nbuf = 0;
    }
    uint64_t a0 = c->a[0], a1 = c->a[1], a2 = c->a[2], a3 = c->a[3];
    uint64_t s0 = c->s[0], s1 = c->s[1], s2 = c->s[2], s3 = c->s[3];
    for (; n >= 32; b += 32, n -= 32) {
        uint64_t w[4];
        memcpy(w, b, 32);
        a0 += w[0], a1 += w[1], a2 += w[2], a3 += w[3];
        s0 += a0, s1 += a1, s2 += a2, s3 += a3;
    }
    c->a[0] = a0, c->a[1] = a1, c->a[2] = a2, c->a[3] = a3;
    c->s[0] = s0, c->s[1] = s1, c->s[2] = s2, c->s[3] = s3;
    memcpy(c->buf, b, n);
    c->nbuf = n;
}

static uint64_t ck_final(const ck_t *c)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t r = (c->seed ^ c->total) * m;
    for (int k = 0; k < 4; k++) {
        r = (r ^ c->a[k]) * m;
        r ^= r >> 29;
        r = (r ^ c->s[k]) * m;
        r ^= r >> 31;
    }
    for (size_t i = 0; i < c->nbuf; i++) r = (r ^ c->buf[i]) * m;
    r ^= r >> 29;
    return r * m;
}

static uint64_t checksum(const void *p, size_t n, uint64_t seed)
{
    ck_t c;
    ck_init(&c, seed);
    ck_update(&c, p, n);
    return ck_final(&c);
}

/* ---- writing ---- */

static size_t align_up(size_t x) { return (x + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1); }
static uint64_t round_codes(uint64_t n) { return (n + GROUP_CODES - 1) / GROUP_CODES * GROUP_CODES; }

/* sec_shape: element size and count of section i under header h */
static void sec_shape(const snap_header *h, size_t i, uint64_t *elem, uint64_t *count)
{
    if (i < NCOLS) *elem = columns[i].size, *count = h->rows[columns[i].table];
    else if (i < SEC_BLOB(0)) *elem = 4, *count = h->gcodes[i - SEC_OFF(0)];
    else if (i < SEC_HASH) *elem = 1, *count = h->gblob[i - SEC_BLOB(0)];
    else *elem = 4, *count = h->nhash;
}

/* a section being written: bytes go to the file and into its checksum */
typedef struct wsec {
    sp_outfile *o;
    ck_t ck;
    uint64_t pos;                      /* file position */
    sp_err *err;
    bool ok;
} wsec;

static void w_bytes(wsec *w, const void *p, size_t n)
{
    if (!w->ok || !n) return;
    ck_update(&w->ck, p, n);
    w->ok = outfile_write(w->o, p, n, w->err);
    w->pos += n;
}

static void w_pad(wsec *w)
{
    static const char zero[SNAP_ALIGN];
    size_t to = align_up(w->pos);
    if (!w->ok || to == w->pos) return;
    w->ok = outfile_write(w->o, zero, to - w->pos, w->err);
    w->pos = to;
}

#define CHUNK 16384

bool snapshot_write(const char *path, const char *workspace, const sp_dataset *ds, uint64_t data_version,
                    int schema_version, sp_err *err)
{
    sp_outfile *o = NULL;
    if (!snapshot_write_prepare(path, workspace, ds, data_version, schema_version, &o, err)) return false;
    return outfile_commit(o, err);
}

bool snapshot_write_prepare(const char *path, const char *workspace, const sp_dataset *cds, uint64_t data_version,
                            int schema_version, sp_outfile **out, sp_err *err)
{
    *out = NULL;
    sp_dataset *ds = (sp_dataset *)cds; /* only read */
    if (ds->borrowed || !ds->dict.ptr) {
        err_set(err, SP_EINTERNAL, "snapshot: the dataset is not an owned one");
        return false;
    }
    /* the dictionary groups: which codes are text of which table, then the
     * new numbering (labels in their order, then each table's text in row
     * order), remap old -> new and inv new -> old (UINT32_MAX: padding) */
    size_t nd = ds->dict.n;
    uint8_t *grp = xcalloc(nd ? nd : 1, 1);
    for (size_t i = 0; i < NCOLS; i++) {
        if (!is_text(&columns[i])) continue;
        const sp_str *v = *column_slot(ds, &columns[i]);
        size_t n = table_rows(ds, columns[i].table);
        for (size_t r = 0; r < n; r++)
            if (v[r] && v[r] < nd) grp[v[r]] = (uint8_t)(1 + columns[i].table);
    }
    snap_header h;
    memset(&h, 0, sizeof h);
    uint32_t *remap = xmalloc((nd ? nd : 1) * sizeof *remap);
    uint64_t nnew = 0, gfirst[NGROUPS];
    for (size_t c = 0; c < nd; c++) remap[c] = UINT32_MAX;
    gfirst[0] = 0;
    for (size_t c = 0; c < nd; c++)
        if (!grp[c]) remap[c] = (uint32_t)nnew++;
    h.gcodes[0] = round_codes(nnew);
    nnew = h.gcodes[0];
    for (int g = 1; g < NGROUPS; g++) {
        gfirst[g] = nnew;
        for (size_t i = 0; i < NCOLS; i++) {
            if (columns[i].table != g - 1 || !is_text(&columns[i])) continue;
            const sp_str *v = *column_slot(ds, &columns[i]);
            size_t n = table_rows(ds, columns[i].table);
            for (size_t r = 0; r < n; r++)
                if (v[r] && v[r] < nd && grp[v[r]] == g && remap[v[r]] == UINT32_MAX) remap[v[r]] = (uint32_t)nnew++;
        }
        h.gcodes[g] = round_codes(nnew - gfirst[g]);
        nnew = gfirst[g] + h.gcodes[g];
    }
    if (nnew >= UINT32_MAX) {
        free(grp), free(remap);
        err_set(err, SP_EINVAL, "snapshot: too many strings");
        return false;
    }
    uint32_t *inv = xmalloc((nnew ? nnew : 1) * sizeof *inv);
    for (size_t c = 0; c < nnew; c++) inv[c] = UINT32_MAX;
    for (size_t c = 0; c < nd; c++)
        if (remap[c] != UINT32_MAX) inv[remap[c]] = (uint32_t)c;
    free(grp);
    /* blob sizes: group 0 starts with the NUL of code 0 */
    uint64_t bfirst[NGROUPS], btotal = 0;
    size_t nlabels = 0;
    for (int g = 0; g < NGROUPS; g++) {
        uint64_t bytes = 0;
        for (uint64_t c = gfirst[g]; c < gfirst[g] + h.gcodes[g]; c++) {
            if (c == 0) bytes += 1;
            else if (inv[c] != UINT32_MAX) bytes += strlen(ds->dict.ptr[inv[c]]) + 1, nlabels += g == 0;
        }
        if (h.gcodes[g] && !bytes) bytes = 1;
        bfirst[g] = btotal;
        h.gblob[g] = align_up(bytes);
        btotal += h.gblob[g];
    }
    if (btotal > UINT32_MAX) {
        free(remap), free(inv);
        err_set(err, SP_EINVAL, "snapshot: the strings exceed 4 GiB");
        return false;
    }
    size_t nhash = 16;
    while (nhash < nlabels * 2) nhash *= 2;
    uint32_t *hash = xcalloc(nhash, sizeof *hash);
    for (uint64_t c = 1; c < h.gcodes[0]; c++) {
        if (inv[c] == UINT32_MAX) continue;
        size_t j = dict_hash(ds->dict.ptr[inv[c]]) & (nhash - 1);
        while (hash[j]) j = (j + 1) & (nhash - 1);
        hash[j] = (uint32_t)c;
    }

    memcpy(h.magic, SNAP_MAGIC, 8);
    h.format = SNAP_FORMAT;
    h.schema = (uint32_t)schema_version;
    h.endian = SNAP_ENDIAN;
    h.nsections = (uint32_t)NSECTIONS;
    h.data_version = data_version;
    for (int t = 0; t < TBL_COUNT; t++) h.rows[t] = table_rows(ds, t);
    h.nhash = nhash;
    snap_section *sec = xcalloc(NSECTIONS, sizeof *sec);
    size_t pos = align_up(sizeof h + NSECTIONS * sizeof *sec);
    for (size_t i = 0; i < NSECTIONS; i++) {
        uint64_t elem, count;
        sec_shape(&h, i, &elem, &count);
        sec[i].id = (uint32_t)i;
        sec[i].elem = (uint32_t)elem;
        sec[i].offset = pos;
        sec[i].bytes = elem * count;
        pos = align_up(size_add(pos, elem * count));
    }
    h.file_bytes = pos;

    /* write: a blank header and table, every section in order (checksummed
     * as it goes), then the header and table over the blank */
    sp_out_guard guard = {workspace, NULL};
    sp_outfile *o = outfile_open(path, &guard, err);
    bool ok = o != NULL;
    wsec w;
    memset(&w, 0, sizeof w);
    w.o = o, w.err = err, w.ok = ok;
    if (ok) {
        unsigned char *blank = xcalloc(1, sec[0].offset);
        w.ok = outfile_write(o, blank, sec[0].offset, err);
        w.pos = sec[0].offset;
        free(blank);
    }
    uint32_t *buf = xmalloc(CHUNK * sizeof *buf);
    char *sbuf = xmalloc(CHUNK * 16);
    for (size_t i = 0; w.ok && i < NSECTIONS; i++) {
        ck_init(&w.ck, i);
        if (i < NCOLS) {
            const void *data = *column_slot(ds, &columns[i]);
            size_t n = table_rows(ds, columns[i].table);
            if (!is_code(&columns[i])) {
                w_bytes(&w, data, n * columns[i].size);
            } else {
                const sp_str *v = data;
                for (size_t r = 0; r < n; r += CHUNK) {
                    size_t k = n - r < CHUNK ? n - r : CHUNK;
                    for (size_t j = 0; j < k; j++) buf[j] = v[r + j] < nd ? remap[v[r + j]] : 0;
                    for (size_t j = 0; j < k; j++) if (buf[j] == UINT32_MAX) buf[j] = 0;
                    w_bytes(&w, buf, k * sizeof *buf);
                }
            }
        } else if (i < SEC_BLOB(0)) {
            int g = (int)(i - SEC_OFF(0));
            uint64_t at = bfirst[g] + (g == 0);
            for (uint64_t c = gfirst[g], end = gfirst[g] + h.gcodes[g]; c < end;) {
                size_t k = 0;
                for (; k < CHUNK && c < end; k++, c++) {
                    if (c == 0) buf[k] = 0;
                    else if (inv[c] == UINT32_MAX) buf[k] = (uint32_t)(bfirst[g] + h.gblob[g] - 1);
                    else {
                        buf[k] = (uint32_t)at;
                        at += strlen(ds->dict.ptr[inv[c]]) + 1;
                    }
                }
                w_bytes(&w, buf, k * sizeof *buf);
            }
        } else if (i < SEC_HASH) {
            int g = (int)(i - SEC_BLOB(0));
            size_t used = 0, fill = 0;
            if (g == 0 && h.gcodes[0]) sbuf[fill++] = 0, used++;
            for (uint64_t c = gfirst[g] + (g == 0); c < gfirst[g] + h.gcodes[g]; c++) {
                if (inv[c] == UINT32_MAX) continue;
                const char *str = ds->dict.ptr[inv[c]];
                size_t len = strlen(str) + 1;
                if (fill + len > CHUNK * 16) {
                    w_bytes(&w, sbuf, fill);
                    fill = 0;
                }
                if (len > CHUNK * 16) w_bytes(&w, str, len);
                else memcpy(sbuf + fill, str, len), fill += len;
                used += len;
            }
            w_bytes(&w, sbuf, fill);
            memset(sbuf, 0, SNAP_ALIGN);
            while (used < h.gblob[g]) {
                size_t k = h.gblob[g] - used < SNAP_ALIGN ? h.gblob[g] - used : SNAP_ALIGN;
                w_bytes(&w, sbuf, k);
                used += k;
            }
        } else {
            w_bytes(&w, hash, nhash * sizeof *hash);
        }
        sec[i].checksum = sec[i].bytes ? ck_final(&w.ck) : 0;
        w_pad(&w);
    }
    free(buf);
    free(sbuf);
    ok = w.ok;
    if (ok && w.pos != h.file_bytes) {
        err_set(err, SP_EINTERNAL, "snapshot: wrote %llu bytes, expected %llu", (unsigned long long)w.pos,
                (unsigned long long)h.file_bytes);
        ok = false;
    }
    if (ok) {
        uint64_t sum = checksum(&h, sizeof h, 0);
        h.checksum = checksum(sec, NSECTIONS * sizeof *sec, sum);
        ok = outfile_write_at(o, &h, sizeof h, 0, err) &&
             outfile_write_at(o, sec, NSECTIONS * sizeof *sec, sizeof h, err);
    }
    if (ok) ok = outfile_sync(o, err);
    if (ok) *out = o;
    else outfile_abort(o);
    free(sec);
    free(remap);
    free(inv);
    free(hash);
    return ok;
}

/* ---- checking ---- */

#define DAMAGED(...)                                                                   \
    do {                                                                               \
        snprintf(info->why, sizeof info->why, __VA_ARGS__);                            \
        return info->state = SNAP_DAMAGED;                                             \
    } while (0)

/* check_values: every value of column c (n elements at p) in its range. */
static bool check_values(const coldesc *c, const void *p, size_t n, const uint64_t rows[], uint64_t ndict)
{
    const char *nm = c->name;
    size_t len = strlen(nm);
    if (c->size == 4 && len > 4 && strcmp(nm + len - 4, "_row") == 0) {
        uint64_t lim = strcmp(nm, "customer_row") == 0 ? rows[TBL_CUSTOMERS] : rows[TBL_REPS];
        const uint32_t *v = p;
        for (size_t i = 0; i < n; i++)
            if (v[i] != SP_NOROW && v[i] >= lim) return false;
        return true;
    }
    if (c->size == sizeof(sp_str) && strcmp(nm + (len > 3 ? len - 3 : 0), "_on") != 0) {
        const sp_str *v = p; /* a string code */
        for (size_t i = 0; i < n; i++)
            if (v[i] >= ndict) return false;
        return true;
    }
    if (c->size == sizeof(sp_day)) {
        const sp_day *v = p;
        for (size_t i = 0; i < n; i++)
            if (v[i] != SP_DAY_NONE && (v[i] < SP_DAY_MIN || v[i] > SP_DAY_MAX)) return false;
        return true;
    }
    if (c->size == 1) {
        int lo = 0, hi = 1;
        if (strcmp(nm, "role") == 0) hi = ROLE_COUNT - 1;
        else if (strcmp(nm, "size") == 0) hi = SIZE_COUNT - 1;
        else if (strcmp(nm, "stage") == 0) hi = STAGE_COUNT - 1;
        else if (strcmp(nm, "kind") == 0) hi = ACT_KIND_COUNT - 1;
        else if (strcmp(nm, "probability") == 0) lo = -1, hi = 100;
        else if (strcmp(nm, "is_new_customer") == 0 || strcmp(nm, "is_renewal") == 0) lo = -1;
        const unsigned char *u = p;
        const signed char *s = p;
        bool is_unsigned = strcmp(nm, "role") == 0 || strcmp(nm, "size") == 0 || strcmp(nm, "stage") == 0 ||
                           strcmp(nm, "kind") == 0;
        for (size_t i = 0; i < n; i++) {
            int x = is_unsigned ? u[i] : s[i];
            if (x < lo || x > hi) return false;
        }
        return true;
    }
    return true; /* money: any int64 */
}

/* closure: the tables to verify and expose: the wanted ones (all when
 * want is NULL) and those their resolved references point into. */
static void closure(const bool *want, bool out[TBL_COUNT])
{
    for (int t = 0; t < TBL_COUNT; t++) out[t] = !want || want[t];
    if (out[TBL_DEALS] || out[TBL_ACTIVITIES] || out[TBL_INVOICES]) out[TBL_CUSTOMERS] = true;
    if (out[TBL_CUSTOMERS] || out[TBL_ACTIVITIES]) out[TBL_REPS] = true;
}

/* group_ok: dictionary group g: its offsets and blob match their checksums
 * (when sum), the blob ends with a NUL and every offset points into it, so
 * every string of the group ends inside the group. */
static bool group_ok(const unsigned char *b, const snap_section *sec, const snap_header *h, int g, bool sum)
{
    const snap_section *so = &sec[SEC_OFF(g)], *sb = &sec[SEC_BLOB(g)];
    if (sum && so->bytes && checksum(b + so->offset, so->bytes, SEC_OFF(g)) != so->checksum) return false;
    if (sum && sb->bytes && checksum(b + sb->offset, sb->bytes, SEC_BLOB(g)) != sb->checksum) return false;
    if (!h->gcodes[g]) return true;
    uint64_t bfirst = sb->offset - sec[SEC_BLOB(0)].offset, bend = bfirst + h->gblob[g];
    if (b[sb->offset + sb->bytes - 1] != 0) return false;
    const uint32_t *off = (const uint32_t *)(b + so->offset);
    for (uint64_t c = 0; c < h->gcodes[g]; c++)
        if (off[c] < bfirst || off[c] >= bend) return false;
    return true;
}

/* the lazily checked groups of a borrowed dataset */
typedef struct snap_lazy {
    const unsigned char *base;
    snap_header h;
    snap_section sec[NSECTIONS];
    int group[SP_DICT_LAZY];
} snap_lazy;

static bool lazy_verify(void *ctx, size_t k)
{
    snap_lazy *z = ctx;
    return k < SP_DICT_LAZY && group_ok(z->base, z->sec, &z->h, z->group[k], true);
}

static void lazy_free(void *ctx) { free(ctx); }

sp_snap_state snapshot_check(const void *p, size_t n, int schema_version, uint64_t expect_version,
                             sp_snap_info *info, sp_dataset *ds, const bool *want)
{
    bool use[TBL_COUNT], eager[NGROUPS];
    closure(want, use);
    for (int g = 0; g < NGROUPS; g++) eager[g] = !want || g == 0;
    memset(info, 0, sizeof *info);
    info->file_bytes = n;
    const unsigned char *b = p;
    snap_header h;
    if (n < sizeof h) DAMAGED("shorter than a header (%zu bytes)", n);
    if ((uintptr_t)p % 8) DAMAGED("not 8-byte aligned in memory");
    memcpy(&h, b, sizeof h);
    if (memcmp(h.magic, SNAP_MAGIC, 8) != 0) DAMAGED("not a snapshot (magic)");
    if (h.endian != SNAP_ENDIAN) DAMAGED("another byte order");
    if (h.format != SNAP_FORMAT) DAMAGED("format %u, this binary reads %d", h.format, SNAP_FORMAT);
    if (h.schema != (uint32_t)schema_version) DAMAGED("schema %u, the workspace has %d", h.schema, schema_version);
    if (h.nsections != NSECTIONS) DAMAGED("%u sections, expected %zu", h.nsections, (size_t)NSECTIONS);
    if (h.file_bytes != n) DAMAGED("%zu bytes, the header says %llu (truncated?)", n, (unsigned long long)h.file_bytes);
    size_t table_end = sizeof h + NSECTIONS * sizeof(snap_section);
    if (n < table_end) DAMAGED("shorter than its section table");
    snap_section *sec = xmalloc(NSECTIONS * sizeof *sec);
    memcpy(sec, b + sizeof h, NSECTIONS * sizeof *sec);
    uint64_t want_sum = h.checksum;
    h.checksum = 0;
    uint64_t sum = checksum(&h, sizeof h, 0);
    sum = checksum(sec, NSECTIONS * sizeof *sec, sum);
    h.checksum = want_sum;
    const char *bad = NULL;
    if (sum != want_sum) bad = "header checksum";
    uint64_t ndict = 0, nblob = 0;
    for (int g = 0; !bad && g < NGROUPS; g++) {
        if (h.gcodes[g] % GROUP_CODES || h.gblob[g] % SNAP_ALIGN || (h.gcodes[g] == 0) != (h.gblob[g] == 0) ||
            h.gcodes[g] > UINT32_MAX || h.gblob[g] > UINT32_MAX)
            bad = "dictionary sizes";
        ndict += h.gcodes[g];
        nblob += h.gblob[g];
    }
    if (!bad && (h.gcodes[0] < GROUP_CODES || ndict >= UINT32_MAX || nblob > UINT32_MAX || h.nhash < 1 ||
                 h.nhash > UINT32_MAX || (h.nhash & (h.nhash - 1)) != 0))
        bad = "dictionary sizes";
    for (int t = 0; !bad && t < TBL_COUNT; t++)
        if (h.rows[t] >= SP_NOROW) bad = "row count";
    /* the layout is strict: each section at the next aligned offset after
     * the previous one, every gap zero, the file ending aligned after the
     * last: no byte of the file goes unchecked */
    uint64_t expect_off = align_up(table_end);
    for (size_t i = 0; !bad && i < NSECTIONS; i++) {
        if (sec[i].offset != expect_off) {
            bad = "section layout";
            break;
        }
        uint64_t elem, count;
        sec_shape(&h, i, &elem, &count);
        bool sum_now = i < NCOLS ? use[columns[i].table] : i == SEC_HASH;
        if (sec[i].id != i || sec[i].elem != elem || sec[i].bytes != elem * count) bad = "section sizes";
        else if (sec[i].offset % SNAP_ALIGN || sec[i].offset < table_end || sec[i].offset > n ||
                 sec[i].bytes > n - sec[i].offset)
            bad = "section bounds";
        else if (sec[i].bytes && sum_now && checksum(b + sec[i].offset, sec[i].bytes, i) != sec[i].checksum)
            bad = "section checksum";
        if (!bad) {
            uint64_t end = sec[i].offset + sec[i].bytes, next = align_up(end);
            if (next > n) bad = "section bounds";
            for (uint64_t k = end; !bad && k < next; k++)
                if (b[k]) bad = "padding";
            expect_off = next;
        }
    }
    if (!bad && expect_off != n) bad = "file size";
    for (size_t k = table_end; !bad && k < align_up(table_end); k++)
        if (b[k]) bad = "padding";
    /* the groups lie back to back: one offset array, one blob */
    for (int g = 1; !bad && g < NGROUPS; g++)
        if (sec[SEC_OFF(g)].offset != sec[SEC_OFF(g - 1)].offset + sec[SEC_OFF(g - 1)].bytes ||
            sec[SEC_BLOB(g)].offset != sec[SEC_BLOB(g - 1)].offset + sec[SEC_BLOB(g - 1)].bytes)
            bad = "section layout";
    if (bad) {
        free(sec);
        DAMAGED("%s", bad);
    }
    for (int t = 0; t < TBL_COUNT; t++) info->rows[t] = h.rows[t];
    info->strings = ndict;
    info->data_version = h.data_version;
    /* the dictionary: the eager groups whole, the hash (labels only) */
    for (int g = 0; !bad && g < NGROUPS; g++)
        if (eager[g] && !group_ok(b, sec, &h, g, true)) bad = "dictionary";
    if (bad) {
        free(sec);
        DAMAGED("%s", bad);
    }
    const uint32_t *off = (const uint32_t *)(b + sec[SEC_OFF(0)].offset);
    const char *blob = (const char *)(b + sec[SEC_BLOB(0)].offset);
    const uint32_t *hash = (const uint32_t *)(b + sec[SEC_HASH].offset);
    for (size_t j = 0; !bad && j < h.nhash; j++)
        if (hash[j] >= h.gcodes[0]) bad = "dictionary hash";
    for (size_t i = 0; !bad && i < NCOLS; i++)
        if (use[columns[i].table] && !check_values(&columns[i], b + sec[i].offset, h.rows[columns[i].table], h.rows, ndict))
            bad = columns[i].name;
    if (bad) {
        free(sec);
        DAMAGED("values out of range (%s)", bad);
    }
    if (h.data_version != expect_version) {
        free(sec);
        return info->state = SNAP_STALE;
    }
    if (ds) {
        /* borrow: the columns and the dictionary point into p */
        free(ds->dict.ptr);
        ds->dict.ptr = NULL;
        ptrmap_free(ds->dict.code_of);
        ds->dict.code_of = NULL;
        ds->dict.n = ds->dict.cap = ndict;
        ds->dict.blob = blob;
        ds->dict.off = off;
        ds->dict.hash = hash;
        ds->dict.nhash = h.nhash;
        ds->dict.nverified = h.gcodes[0];
        ds->dict.nlazy = 0;
        snap_lazy *z = NULL;
        uint64_t first = 0;
        bool all = true;
        for (int g = 0; g < NGROUPS; g++) {
            if (g > 0 && h.gcodes[g]) {
                if (eager[g] && all) ds->dict.nverified = first + h.gcodes[g];
                else {
                    all = false;
                    if (!z) {
                        z = xcalloc(1, sizeof *z);
                        z->base = b;
                        z->h = h;
                        memcpy(z->sec, sec, sizeof z->sec);
                    }
                    size_t k = ds->dict.nlazy++;
                    z->group[k] = g;
                    ds->dict.lazy[k] = (sp_dict_range){(uint32_t)first, (uint32_t)(first + h.gcodes[g]), eager[g] ? 1 : 0};
                }
            }
            first += h.gcodes[g];
        }
        if (z) {
            ds->dict.lazy_ctx = z;
            ds->dict.lazy_verify = lazy_verify;
            ds->dict.lazy_free = lazy_free;
        }
        for (size_t i = 0; i < NCOLS; i++) *column_slot(ds, &columns[i]) = (void *)(b + sec[i].offset);
        for (int t = 0; t < TBL_COUNT; t++) {
            size_t *tn = table_of(ds, t);
            tn[0] = tn[1] = use[t] ? h.rows[t] : 0; /* a table not verified is not seen */
        }
        ds->borrowed = true;
    }
    free(sec);
    return info->state = SNAP_FRESH;
}

void snapshot_fix_checksums(void *p, size_t n)
{
    unsigned char *b = p;
    snap_header h;
    if (n < sizeof h) return;
    memcpy(&h, b, sizeof h);
    if (h.nsections != NSECTIONS || n < sizeof h + NSECTIONS * sizeof(snap_section)) return;
    snap_section *sec = (snap_section *)(void *)(b + sizeof h);
    for (size_t i = 0; i < NSECTIONS; i++) {
        snap_section x;
        memcpy(&x, &sec[i], sizeof x);
        if (x.offset > n || x.bytes > n - x.offset) continue;
        x.checksum = x.bytes ? checksum(b + x.offset, x.bytes, i) : 0;
        memcpy(&sec[i], &x, sizeof x);
    }
    h.checksum = 0;
    uint64_t sum = checksum(&h, sizeof h, 0);
    h.checksum = checksum(sec, NSECTIONS * sizeof *sec, sum);
    memcpy(b, &h, sizeof h);
}

/* ---- mapping ---- */

typedef struct snap_map {
    void *p;
    size_t n;
} snap_map;

static void unmap(void *owner)
{
    snap_map *m = owner;
    if (m->n) munmap(m->p, m->n);
    free(m);
}

sp_snap_state snapshot_open(const char *path, int schema_version, uint64_t expect_version, sp_dataset *ds,
                            const bool *want, sp_snap_info *info)
{
    sp_snap_info local;
    if (!info) info = &local;
    memset(info, 0, sizeof *info);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return info->state = SNAP_MISSING;
        snprintf(info->why, sizeof info->why, "cannot open: %s", strerror(errno));
        return info->state = SNAP_DAMAGED;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        DAMAGED("not a regular, non-empty file");
    }
    size_t n = (size_t)st.st_size;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) DAMAGED("cannot map: %s", strerror(errno));
    sp_snap_state s = snapshot_check(p, n, schema_version, expect_version, info, ds, want);
    if (s != SNAP_FRESH || !ds) {
        munmap(p, n);
        return s;
    }
    snap_map *m = xmalloc(sizeof *m);
    m->p = p;
    m->n = n;
    ds->owner = m;
    ds->release = unmap;
    dataset_index(ds);
    return s;
}
