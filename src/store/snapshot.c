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

typedef struct snap_header {
    char magic[8];
    uint32_t format, schema;
    uint32_t endian, nsections;
    uint64_t data_version;
    uint64_t rows[TBL_COUNT];
    uint64_t ndict, nhash, blob_bytes;
    uint64_t file_bytes;
    uint64_t checksum;                 /* header (this field 0) + section table */
} snap_header;
_Static_assert(sizeof(snap_header) == 8 + 4 * 4 + 8 + 8 * TBL_COUNT + 8 * 5, "packed header");

typedef struct snap_section {
    uint32_t id, elem;                 /* position in the column list, element size */
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
#define SEC_OFF NCOLS
#define SEC_BLOB (NCOLS + 1)
#define SEC_HASH (NCOLS + 2)
#define NSECTIONS (NCOLS + 3)

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

const char *snap_state_name(sp_snap_state s)
{
    static const char *const n[] = {"fresh", "missing", "stale", "damaged"};
    return (unsigned)s < 4 ? n[s] : "?";
}

char *snapshot_path(const char *workspace) { return xasprintf("%s.snap", workspace); }

/* checksum: a 64-bit multiply-mix over 8-byte words, 4 lanes. */
static uint64_t checksum(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *b = p;
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h[4] = {seed ^ n, seed + m, seed * 3 + 1, ~seed};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, b + i + 8 * k, 8);
            h[k] = (h[k] ^ w) * m;
            h[k] ^= h[k] >> 31;
        }
    uint64_t r = h[0] ^ (h[1] * 3) ^ (h[2] * 5) ^ (h[3] * 7);
    for (; i < n; i++) r = (r ^ b[i]) * m;
    r ^= r >> 29;
    return r * m;
}

/* ---- writing ---- */

static size_t align_up(size_t x) { return (x + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1); }

static bool write_pad(sp_outfile *o, size_t *pos, sp_err *err)
{
    static const char zero[SNAP_ALIGN];
    size_t to = align_up(*pos);
    if (to > *pos && !outfile_write(o, zero, to - *pos, err)) return false;
    *pos = to;
    return true;
}

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
    /* the dictionary: offsets, blob, hash of the interned codes */
    size_t nd = ds->dict.n, blob_bytes = 1, ninterned = 0;
    for (size_t c = 1; c < nd; c++) {
        blob_bytes = size_add(blob_bytes, strlen(ds->dict.ptr[c]) + 1);
        size_t x;
        if (ptrmap_get(ds->dict.code_of, ds->dict.ptr[c], &x)) ninterned++;
    }
    if (blob_bytes > UINT32_MAX) {
        err_set(err, SP_EINVAL, "snapshot: the strings exceed 4 GiB");
        return false;
    }
    uint32_t *off = xcalloc(nd, sizeof *off);
    char *blob = xmalloc(blob_bytes);
    size_t nhash = 16;
    while (nhash < ninterned * 2) nhash *= 2;
    uint32_t *hash = xcalloc(nhash, sizeof *hash);
    blob[0] = 0;
    size_t at = 1;
    for (size_t c = 1; c < nd; c++) {
        size_t len = strlen(ds->dict.ptr[c]) + 1;
        off[c] = (uint32_t)at;
        memcpy(blob + at, ds->dict.ptr[c], len);
        at += len;
        size_t x;
        if (!ptrmap_get(ds->dict.code_of, ds->dict.ptr[c], &x)) continue;
        size_t j = dict_hash(ds->dict.ptr[c]) & (nhash - 1);
        while (hash[j]) j = (j + 1) & (nhash - 1);
        hash[j] = (uint32_t)c;
    }

    snap_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SNAP_MAGIC, 8);
    h.format = SNAP_FORMAT;
    h.schema = (uint32_t)schema_version;
    h.endian = SNAP_ENDIAN;
    h.nsections = (uint32_t)NSECTIONS;
    h.data_version = data_version;
    for (int t = 0; t < TBL_COUNT; t++) h.rows[t] = table_rows(ds, t);
    h.ndict = nd;
    h.nhash = nhash;
    h.blob_bytes = blob_bytes;

    snap_section *sec = xcalloc(NSECTIONS, sizeof *sec);
    const void *data[NSECTIONS];
    size_t pos = align_up(sizeof h + NSECTIONS * sizeof *sec);
    for (size_t i = 0; i < NSECTIONS; i++) {
        size_t elem, count;
        if (i < NCOLS) {
            elem = columns[i].size;
            count = table_rows(ds, columns[i].table);
            data[i] = *column_slot(ds, &columns[i]);
        } else if (i == SEC_OFF) {
            elem = 4, count = nd, data[i] = off;
        } else if (i == SEC_BLOB) {
            elem = 1, count = blob_bytes, data[i] = blob;
        } else {
            elem = 4, count = nhash, data[i] = hash;
        }
        sec[i].id = (uint32_t)i;
        sec[i].elem = (uint32_t)elem;
        sec[i].offset = pos;
        sec[i].bytes = (uint64_t)elem * count;
        sec[i].checksum = count ? checksum(data[i], elem * count, i) : 0;
        pos = align_up(size_add(pos, elem * count));
    }
    h.file_bytes = pos;
    uint64_t sum = checksum(&h, sizeof h, 0);
    h.checksum = checksum(sec, NSECTIONS * sizeof *sec, sum);

    sp_out_guard g = {workspace, NULL};
    sp_outfile *o = outfile_open(path, &g, err);
    bool ok = o != NULL;
    size_t wpos = 0;
    if (ok) ok = outfile_write(o, &h, sizeof h, err) && outfile_write(o, sec, NSECTIONS * sizeof *sec, err);
    wpos = sizeof h + NSECTIONS * sizeof *sec;
    for (size_t i = 0; ok && i < NSECTIONS; i++) {
        ok = write_pad(o, &wpos, err);
        if (ok && sec[i].bytes) ok = outfile_write(o, data[i], sec[i].bytes, err);
        wpos += sec[i].bytes;
    }
    if (ok) ok = write_pad(o, &wpos, err);
    if (ok) ok = outfile_sync(o, err);
    if (ok) *out = o;
    else outfile_abort(o);
    free(sec);
    free(off);
    free(blob);
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

sp_snap_state snapshot_check(const void *p, size_t n, int schema_version, uint64_t expect_version,
                             sp_snap_info *info, sp_dataset *ds, const bool *want)
{
    bool use[TBL_COUNT];
    closure(want, use);
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
    if (!bad && (h.ndict < 1 || h.ndict > UINT32_MAX || h.blob_bytes < 1 || h.blob_bytes > UINT32_MAX ||
                 h.nhash < 1 || (h.nhash & (h.nhash - 1)) != 0))
        bad = "dictionary sizes";
    /* the layout is strict: each section at the next aligned offset after
     * the previous one, every gap zero, the file ending aligned after the
     * last: no byte of the file goes unchecked */
    uint64_t expect_off = align_up(table_end);
    for (size_t i = 0; !bad && i < NSECTIONS; i++) {
        if (sec[i].offset != expect_off) {
            bad = "section layout";
            break;
        }
        uint64_t elem = i < NCOLS ? columns[i].size : i == SEC_BLOB ? 1 : 4;
        uint64_t count = i < NCOLS ? h.rows[columns[i].table] : i == SEC_OFF ? h.ndict : i == SEC_BLOB ? h.blob_bytes : h.nhash;
        if (count > UINT64_MAX / 8) bad = "row count";
        else if (sec[i].id != i || sec[i].elem != elem || sec[i].bytes != elem * count) bad = "section sizes";
        else if (sec[i].offset % SNAP_ALIGN || sec[i].offset < table_end || sec[i].offset > n ||
                 sec[i].bytes > n - sec[i].offset)
            bad = "section bounds";
        else if (sec[i].bytes && (i >= NCOLS || use[columns[i].table]) &&
                 checksum(b + sec[i].offset, sec[i].bytes, i) != sec[i].checksum)
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
    for (size_t k = sizeof h + NSECTIONS * sizeof(snap_section); !bad && k < align_up(table_end); k++)
        if (b[k]) bad = "padding";
    if (bad) {
        free(sec);
        DAMAGED("%s", bad);
    }
    for (int t = 0; t < TBL_COUNT; t++) {
        if (h.rows[t] >= SP_NOROW) {
            free(sec);
            DAMAGED("row count");
        }
        info->rows[t] = h.rows[t];
    }
    info->strings = h.ndict;
    info->data_version = h.data_version;
    /* the dictionary: offsets inside the blob, which ends with a NUL */
    const uint32_t *off = (const uint32_t *)(b + sec[SEC_OFF].offset);
    const char *blob = (const char *)(b + sec[SEC_BLOB].offset);
    const uint32_t *hash = (const uint32_t *)(b + sec[SEC_HASH].offset);
    if (blob[h.blob_bytes - 1] != 0) bad = "dictionary blob";
    for (size_t c = 0; !bad && c < h.ndict; c++)
        if (off[c] >= h.blob_bytes) bad = "dictionary offsets";
    for (size_t j = 0; !bad && j < h.nhash; j++)
        if (hash[j] >= h.ndict) bad = "dictionary hash";
    for (size_t i = 0; !bad && i < NCOLS; i++)
        if (use[columns[i].table] && !check_values(&columns[i], b + sec[i].offset, h.rows[columns[i].table], h.rows, h.ndict))
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
        ds->dict.n = ds->dict.cap = h.ndict;
        ds->dict.blob = blob;
        ds->dict.off = off;
        ds->dict.hash = hash;
        ds->dict.nhash = h.nhash;
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
