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
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "../util/outfile.h"

#define SNAP_ALIGN 64
#define SNAP_ENDIAN 0x01020304u

/* The dictionary is stored in groups, in code order: group t (t <
 * TBL_COUNT) the unique ids, names and notes of table t, which only record
 * listings read, then group LABELS: every label (an interned string:
 * region, product, rep and customer ids…). Codes are fixed before a row is
 * read, so that the snapshot can be written streaming: the text of table t,
 * row r, text column k has code gfirst[t] + r × ntext(t) + k (code 0 is
 * the first code of group 0, the reps, which have no text), the labels
 * follow all text groups in first-seen order. Each group's codes are a
 * multiple of GROUP_CODES (64 bytes of offsets) and its blob a multiple of
 * SNAP_ALIGN bytes ending with a NUL (a text group's blob also starts with
 * one, for empty cells), so the groups lie back to back: one offset array
 * and one blob, each group checked on its own (the labels on open, the
 * others when first read). */
#define NGROUPS (TBL_COUNT + 1)
#define LABELS TBL_COUNT
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
    uint64_t ntouch, nvisit;           /* entries of the day indexes */
    uint64_t built[TBL_COUNT];         /* per table: the data version its rows were read from the store at */
    uint64_t file_bytes;
    uint64_t checksum;                 /* header (this field 0) + section table */
} snap_header;
_Static_assert(sizeof(snap_header) == 8 + 4 * 4 + 8 + 16 * TBL_COUNT + 16 * NGROUPS + 8 * 5, "packed header");

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

/* the column indexes, in columns[] order */
#define CI_REP(T, name) CI_REP_##name,
#define CI_CUS(T, name) CI_CUS_##name,
#define CI_LEA(T, name) CI_LEA_##name,
#define CI_DEA(T, name) CI_DEA_##name,
#define CI_ACT(T, name) CI_ACT_##name,
#define CI_INV(T, name) CI_INV_##name,
#define CI_SPE(T, name) CI_SPE_##name,
enum {
    SP_REP_COLS(CI_REP) SP_CUSTOMER_COLS(CI_CUS) SP_LEAD_COLS(CI_LEA) SP_DEAL_COLS(CI_DEA)
    SP_ACTIVITY_COLS(CI_ACT) SP_INVOICE_COLS(CI_INV) SP_SPEND_COLS(CI_SPE) CI_COUNT
};
_Static_assert(CI_COUNT == NCOLS, "one index per column");
#define SEC_OFF(g) (NCOLS + (g))
#define SEC_BLOB(g) (NCOLS + NGROUPS + (g))
#define SEC_HASH (NCOLS + 2 * NGROUPS)
/* the derived day indexes (records.h sp_day_index): offsets per customer
 * row (+ 1), days */
#define SEC_TOFF (SEC_HASH + 1)
#define SEC_TDAY (SEC_HASH + 2)
#define SEC_VOFF (SEC_HASH + 3)
#define SEC_VDAY (SEC_HASH + 4)
/* the activities are stored sorted by day (occurred_on), with a checksum
 * per block of SNAP_BLOCK rows of each of their columns (column-major), so
 * that a query over a few days checks and touches only their blocks */
#define SEC_ABLK (SEC_HASH + 5)
#define NSECTIONS (SEC_HASH + 6)
#define SNAP_BLOCK 65536
#define ACT_FIRST CI_ACT_id
#define ACT_NCOLS (CI_INV_id - CI_ACT_id)

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

/* is_row: a resolved reference (a row number of another table) */
static bool is_row(const coldesc *c)
{
    size_t len = strlen(c->name);
    return len > 4 && strcmp(c->name + len - 4, "_row") == 0;
}

/* is_code: a column of string codes (labels or text) */
static bool is_code(const coldesc *c)
{
    size_t len = strlen(c->name);
    return c->size == sizeof(sp_str) && !is_row(c) && !(len > 3 && strcmp(c->name + len - 3, "_on") == 0);
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

static _Thread_local uint64_t tl_ck_bytes; /* bytes checksummed by this thread (snapshot_checked_bytes) */

static void ck_update(ck_t *c, const void *p, size_t n)
{
    const unsigned char *b = p;
    c->total += n;
    tl_ck_bytes += n;
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

/* ---- verified pages are given back ----
 * A query verifies every column it may read (checksum, value ranges), which
 * touches all their pages; most of them the query never reads again (a
 * month of 2M leads, the ids of 1M customers…). When the bytes are a
 * read-only mapping of the file (snapshot_open_ex, never a buffer of the
 * caller's: snapshot_check), the pages are dropped once checked, so the
 * peak memory counts only the pages the query then reads: they come back
 * from the page cache with the same bytes (the file is never written in
 * place: a new snapshot is renamed over it). */
static _Thread_local bool tl_mapped;

static void drop(const void *p, size_t n)
{
    if (!tl_mapped || n == 0) return;
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = ((uintptr_t)p + pg - 1) & ~(pg - 1), e = ((uintptr_t)p + n) & ~(pg - 1);
    if (e > a) (void)madvise((void *)a, e - a, MADV_DONTNEED);
}

static size_t align_up(size_t x) { return (x + SNAP_ALIGN - 1) & ~(size_t)(SNAP_ALIGN - 1); }
static uint64_t round_codes(uint64_t n) { return (n + GROUP_CODES - 1) / GROUP_CODES * GROUP_CODES; }

/* sec_shape: element size and count of section i under header h */
static void sec_shape(const snap_header *h, size_t i, uint64_t *elem, uint64_t *count)
{
    if (i < NCOLS) *elem = columns[i].size, *count = h->rows[columns[i].table];
    else if (i < SEC_BLOB(0)) *elem = 4, *count = h->gcodes[i - SEC_OFF(0)];
    else if (i < SEC_HASH) *elem = 1, *count = h->gblob[i - SEC_BLOB(0)];
    else if (i == SEC_HASH) *elem = 4, *count = h->nhash;
    else if (i == SEC_TOFF || i == SEC_VOFF) *elem = 4, *count = h->rows[TBL_CUSTOMERS] + 1;
    else if (i == SEC_ABLK) *elem = 8, *count = ACT_NCOLS * ((h->rows[TBL_ACTIVITIES] + SNAP_BLOCK - 1) / SNAP_BLOCK);
    else *elem = 4, *count = i == SEC_TDAY ? h->ntouch : h->nvisit;
}


/* ntext: the text columns of table t */
static int ntext(int t)
{
    int n = 0;
    for (size_t i = 0; i < NCOLS; i++) n += columns[i].table == t && is_text(&columns[i]);
    return n;
}

#define CHUNK 8192

/* A verified snapshot of the state before a write, mapped read-only: the
 * writer copies the tables the write did not touch from it (the columns,
 * their text, the labels they use) instead of reading them from the store
 * again. Its codes are shifted to the new layout and its references
 * resolved again against the new reps and customers. */
struct sp_snap_base {
    const unsigned char *p;
    size_t n;
    snap_header h;
    snap_section sec[NSECTIONS];
    uint64_t gfirst[NGROUPS];          /* first code of each dictionary group */
    uint64_t nlabels;                  /* labels in use (the others pad the group) */
    bool owned;                        /* p is this base's mapping */
};

/* a row waiting in the writer (pend_add) */
typedef union pend_rec {
    sp_deal deal;
    sp_activity activity;
    sp_invoice invoice;
} pend_rec;
#define PEND_ROWS 256
#define PEND_MAXSTR 4

/* The streaming writer: rows arrive table by table (in sp_table order,
 * exactly the announced count each); the columns are written in chunks at
 * their final offsets, the text of each table to its offsets and to a
 * scratch file (copied into place at the end, when the size of the labels
 * before it is known); labels are interned in memory (a few per row at
 * most: small). Memory: the chunk buffers, the labels and, per label, the
 * row of the rep and of the customer it names. */
struct sp_snap_writer {
    sp_outfile *o;
    sp_err *err;
    bool ok;
    snap_header h;
    snap_section sec[NSECTIONS];
    uint64_t gfirst[NGROUPS], bfirst[NGROUPS];
    int cur;                           /* the table being written (-1: none yet) */
    int ntext[TBL_COUNT];
    uint64_t row;                      /* its rows so far */
    size_t nbuf;                       /* rows in the chunk buffers */
    unsigned char *buf[NCOLS];
    ck_t ck[NSECTIONS];
    /* the text of the current table: offsets (row-major) and the scratch file */
    uint32_t *toff;
    size_t ntoff;
    int tfd;
    unsigned char *tbuf;
    size_t ntbuf;
    uint64_t tbytes;                   /* text blob bytes so far (all groups) */
    uint64_t gused;                    /* blob bytes of the current text group */
    /* labels: strings back to back (lpool, loff), a hash of idx + 1 */
    char *lpool;
    size_t lpool_n, lpool_cap;
    uint32_t *loff, *lrep, *lcust;     /* per label: offset in lpool, rep row, customer row */
    size_t nlabels, lcap;
    uint64_t *lhash;                   /* per slot: the label's hash << 32 | its index + 1 */
    size_t nlhash;
    /* the activities with a customer and a day, for the day indexes */
    uint32_t *acust;
    sp_day *aday;
    uint8_t *avisit;
    size_t nact;
    /* the activities in arrival order (sorted by day at the table's end) */
    int sfd;
    uint64_t sbase[NCOLS];
    uint64_t *ablk;                    /* block checksums, column-major */
    const sp_snap_base *base;          /* the snapshot tables are copied from (or NULL) */
    bool copied;                       /* the current table was copied from base */
    unsigned copied_all;               /* the tables copied (1 << t) */
    bool idx_base;                     /* the day indexes copied from base (activities and customers were) */
    /* rows of the current table waiting for their labels to be looked up
     * in a batch (deals, activities, invoices: see pend_drain), their
     * strings copied to parena (offsets + 1 until the batch is drained) */
    pend_rec *pend;
    size_t npend;
    char *parena;
    size_t parena_n, parena_cap;
    uint32_t *phash, *pcand;           /* per label of the batch: its hash, its candidate label + 1 */
    const char **pstr;
};

static void w_fail(sp_snap_writer *w, const char *what)
{
    if (w->ok) err_set(w->err, SP_EINTERNAL, "snapshot: %s", what);
    w->ok = false;
}

static void w_at(sp_snap_writer *w, const void *p, size_t n, uint64_t at)
{
    if (w->ok && n) w->ok = outfile_write_at(w->o, p, n, at, w->err);
}

static uint32_t label(sp_snap_writer *w, const char *s)
{
    if (!s || !*s) return UINT32_MAX;
    uint32_t hv = dict_hash(s);
    size_t j = hv & (w->nlhash - 1);
    for (; w->lhash[j]; j = (j + 1) & (w->nlhash - 1)) {
        if ((uint32_t)(w->lhash[j] >> 32) != hv) continue; /* no string read for another hash */
        uint32_t x = (uint32_t)w->lhash[j] - 1;
        if (strcmp(w->lpool + w->loff[x], s) == 0) return x;
    }
    size_t len = strlen(s) + 1;
    if (w->lpool_n + len > w->lpool_cap) {
        while (w->lpool_n + len > w->lpool_cap) w->lpool_cap *= 2;
        w->lpool = xrealloc(w->lpool, w->lpool_cap);
    }
    if (w->nlabels == w->lcap) {
        w->lcap *= 2;
        w->loff = xreallocarray(w->loff, w->lcap, sizeof *w->loff);
        w->lrep = xreallocarray(w->lrep, w->lcap, sizeof *w->lrep);
        w->lcust = xreallocarray(w->lcust, w->lcap, sizeof *w->lcust);
    }
    uint32_t x = (uint32_t)w->nlabels++;
    w->loff[x] = (uint32_t)w->lpool_n;
    w->lrep[x] = w->lcust[x] = SP_NOROW;
    memcpy(w->lpool + w->lpool_n, s, len);
    w->lpool_n += len;
    w->lhash[j] = (uint64_t)hv << 32 | (x + 1);
    if (w->nlabels * 2 > w->nlhash) {
        size_t n2 = w->nlhash * 2;
        uint64_t *h2 = xcalloc(n2, sizeof *h2);
        for (size_t k = 0; k < w->nlhash; k++) {
            if (!w->lhash[k]) continue;
            size_t i = (size_t)(w->lhash[k] >> 32) & (n2 - 1);
            while (h2[i]) i = (i + 1) & (n2 - 1);
            h2[i] = w->lhash[k];
        }
        free(w->lhash);
        w->lhash = h2;
        w->nlhash = n2;
    }
    if (w->lpool_n > UINT32_MAX) w_fail(w, "the labels exceed 4 GiB");
    return x;
}

static uint32_t lcode(sp_snap_writer *w, const char *s)
{
    uint32_t x = label(w, s);
    return x == UINT32_MAX ? 0 : (uint32_t)(w->gfirst[LABELS] + x);
}

static void t_flush(sp_snap_writer *w)
{
    size_t at = 0;
    while (w->ok && at < w->ntbuf) {
        ssize_t k = write(w->tfd, w->tbuf + at, w->ntbuf - at);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            err_set(w->err, SP_EIO, "snapshot: %s", strerror(errno));
            w->ok = false;
            break;
        }
        at += (size_t)k;
    }
    w->ntbuf = 0;
}

static void t_bytes(sp_snap_writer *w, int g, const void *p, size_t n)
{
    ck_update(&w->ck[SEC_BLOB(g)], p, n);
    w->tbytes += n;
    w->gused += n;
    const unsigned char *b = p;
    while (n) {
        if (w->ntbuf == 1 << 20) t_flush(w);
        size_t k = ((size_t)1 << 20) - w->ntbuf < n ? ((size_t)1 << 20) - w->ntbuf : n;
        memcpy(w->tbuf + w->ntbuf, b, k);
        w->ntbuf += k, b += k, n -= k;
    }
}

/* text: the code of text cell s of the current row (its string goes to the
 * scratch file); 0 when empty */
static uint32_t text(sp_snap_writer *w, const char *s)
{
    int t = w->cur, nt = w->ntext[t];
    uint32_t off = (uint32_t)w->bfirst[t];
    if (s && *s) {
        off = (uint32_t)(w->bfirst[t] + w->gused);
        t_bytes(w, t, s, strlen(s) + 1);
        if (w->tbytes > UINT32_MAX) w_fail(w, "the strings exceed 4 GiB");
    }
    uint32_t c = (uint32_t)(w->gfirst[t] + w->row * (uint64_t)nt + w->ntoff % (size_t)nt);
    w->toff[w->ntoff++] = off;
    return s && *s ? c : 0;
}

static void s_at(sp_snap_writer *w, const void *p, size_t n, uint64_t at)
{
    const char *b = p;
    while (w->ok && n) {
        ssize_t k = pwrite(w->sfd, b, n, (off_t)at);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            err_set(w->err, SP_EIO, "snapshot: %s", strerror(errno));
            w->ok = false;
            return;
        }
        b += k, n -= (size_t)k, at += (uint64_t)k;
    }
}

/* sort_activities: the activities, written in arrival order to the scratch
 * file, go to their sections sorted by day (a counting sort; the empty day
 * first, ties in arrival order), with their section and block checksums */
static void sort_activities(sp_snap_writer *w)
{
    uint64_t n = w->h.rows[TBL_ACTIVITIES];
    uint64_t nb = (n + SNAP_BLOCK - 1) / SNAP_BLOCK;
    w->ablk = xcalloc(ACT_NCOLS * nb + 1, sizeof *w->ablk);
    if (!n || !w->ok) return;
    uint64_t total = w->sbase[ACT_FIRST + ACT_NCOLS - 1] + n * columns[ACT_FIRST + ACT_NCOLS - 1].size;
    void *map = mmap(NULL, total, PROT_READ, MAP_SHARED, w->sfd, 0);
    if (map == MAP_FAILED) {
        err_set(w->err, SP_EIO, "snapshot: %s", strerror(errno));
        w->ok = false;
        return;
    }
    const unsigned char *m = map;
    const sp_day *day = (const sp_day *)(const void *)(m + w->sbase[CI_ACT_occurred_on]);
    sp_day lo = SP_DAY_MAX, hi = SP_DAY_MIN;
    for (uint64_t r = 0; r < n; r++)
        if (day[r] != SP_DAY_NONE) {
            if (day[r] < lo) lo = day[r];
            if (day[r] > hi) hi = day[r];
        }
    size_t nk = hi >= lo ? (size_t)(hi - lo) + 2 : 1; /* slot 0: no day */
    uint32_t *cnt = xcalloc(nk + 1, sizeof *cnt);
    for (uint64_t r = 0; r < n; r++) cnt[day[r] == SP_DAY_NONE ? 0 : (size_t)(day[r] - lo) + 1]++;
    uint32_t sum = 0;
    for (size_t k = 0; k < nk; k++) {
        uint32_t c = cnt[k];
        cnt[k] = sum;
        sum += c;
    }
    uint32_t *perm = xmalloc(n * sizeof *perm);
    for (uint64_t r = 0; r < n; r++) perm[cnt[day[r] == SP_DAY_NONE ? 0 : (size_t)(day[r] - lo) + 1]++] = (uint32_t)r;
    free(cnt);
    madvise(map, total, MADV_DONTNEED); /* the days read: out of memory before the columns are */
    for (int c = 0; c < ACT_NCOLS && w->ok; c++) {
        size_t i = ACT_FIRST + (size_t)c, sz = columns[i].size;
        const unsigned char *src = m + w->sbase[i];
        ck_t bck;
        ck_init(&bck, i);
        for (uint64_t r = 0; r < n && w->ok; r += CHUNK) {
            size_t k = n - r < CHUNK ? (size_t)(n - r) : CHUNK;
            unsigned char *dst = w->buf[i];
            if (sz == 1) for (size_t j = 0; j < k; j++) dst[j] = src[perm[r + j]];
            else if (sz == 4) for (size_t j = 0; j < k; j++) memcpy(dst + 4 * j, src + 4 * (size_t)perm[r + j], 4);
            else for (size_t j = 0; j < k; j++) memcpy(dst + sz * j, src + sz * (size_t)perm[r + j], sz);
            ck_update(&w->ck[i], dst, k * sz);
            ck_update(&bck, dst, k * sz);
            w_at(w, dst, k * sz, w->sec[i].offset + r * sz);
            if ((r + k) % SNAP_BLOCK == 0 || r + k == n) {
                w->ablk[(size_t)c * nb + (r + k - 1) / SNAP_BLOCK] = ck_final(&bck);
                ck_init(&bck, i);
            }
        }
        madvise(map, total, MADV_DONTNEED);
    }
    free(perm);
    munmap(map, total);
}

static void flush_chunk(sp_snap_writer *w)
{
    int t = w->cur;
    if (t < 0 || !w->nbuf) return;
    uint64_t row0 = w->row - w->nbuf;
    for (size_t i = 0; i < NCOLS; i++) {
        if (columns[i].table != t) continue;
        size_t n = w->nbuf * columns[i].size;
        if (t == TBL_ACTIVITIES) { /* to the scratch file, sorted at the end */
            s_at(w, w->buf[i], n, w->sbase[i] + row0 * columns[i].size);
            continue;
        }
        ck_update(&w->ck[i], w->buf[i], n);
        w_at(w, w->buf[i], n, w->sec[i].offset + row0 * columns[i].size);
    }
    if (w->ntoff) {
        int k = w->ntext[t];
        ck_update(&w->ck[SEC_OFF(t)], w->toff, w->ntoff * 4);
        w_at(w, w->toff, w->ntoff * 4, w->sec[SEC_OFF(t)].offset + row0 * (uint64_t)k * 4);
    }
    w->nbuf = 0;
    w->ntoff = 0;
}

static void pend_drain(sp_snap_writer *w);

/* table_end: the current table is complete: its checksums, the padding of
 * its text offsets and blob */
static void table_end(sp_snap_writer *w)
{
    int t = w->cur;
    if (t < 0) return;
    pend_drain(w);
    flush_chunk(w);
    if (w->row != w->h.rows[t]) w_fail(w, "row count changed while writing");
    if (t == TBL_ACTIVITIES && !w->copied) sort_activities(w);
    for (size_t i = 0; i < NCOLS; i++)
        if (columns[i].table == t) w->sec[i].checksum = w->sec[i].bytes ? ck_final(&w->ck[i]) : 0;
    uint64_t used = w->h.rows[t] * (uint64_t)w->ntext[t];
    uint32_t pad[GROUP_CODES];
    for (int k = 0; k < GROUP_CODES; k++) pad[k] = (uint32_t)w->bfirst[t];
    uint64_t left = w->h.gcodes[t] - used;
    ck_update(&w->ck[SEC_OFF(t)], pad, left * 4); /* fewer than GROUP_CODES */
    w_at(w, pad, left * 4, w->sec[SEC_OFF(t)].offset + used * 4);
    w->sec[SEC_OFF(t)].checksum = w->sec[SEC_OFF(t)].bytes ? ck_final(&w->ck[SEC_OFF(t)]) : 0;
    /* the blob: padded with NULs to its aligned size */
    uint64_t want = align_up(w->gused);
    static const unsigned char zero[SNAP_ALIGN];
    if (w->gused < want) t_bytes(w, t, zero, want - w->gused);
    w->h.gblob[t] = w->gused;
    w->sec[SEC_BLOB(t)].checksum = w->gused ? ck_final(&w->ck[SEC_BLOB(t)]) : 0;
}

/* table_begin: table t starts (its rows streamed, or copied from the base:
 * then its blob, leading NUL included, comes whole from there) */
static void table_begin(sp_snap_writer *w, int t, bool copy)
{
    if (w->cur >= 0) table_end(w);
    w->cur = t;
    w->copied = copy;
    w->row = 0;
    w->nbuf = 0;
    w->ntoff = 0;
    w->gused = 0;
    w->bfirst[t] = w->tbytes;
    if (w->h.gcodes[t] && !copy) {
        static const unsigned char nul = 0;
        t_bytes(w, t, &nul, 1); /* empty cells and padding point here */
    }
}

static void seed_labels(sp_snap_writer *w, const sp_snap_base *b);

sp_snap_writer *snapshot_writer_open(const char *path, const char *workspace, const uint64_t rows[TBL_COUNT],
                                     uint64_t data_version, int schema_version, sp_err *err)
{
    return snapshot_writer_open_from(path, workspace, rows, data_version, schema_version, NULL, err);
}

sp_snap_writer *snapshot_writer_open_from(const char *path, const char *workspace, const uint64_t rows[TBL_COUNT],
                                          uint64_t data_version, int schema_version, const sp_snap_base *base,
                                          sp_err *err)
{
    for (int t = 0; t < TBL_COUNT; t++)
        if (rows[t] >= SP_NOROW) {
            err_set(err, SP_EINVAL, "snapshot: too many rows");
            return NULL;
        }
    sp_snap_writer *w = xcalloc(1, sizeof *w);
    w->err = err;
    w->ok = true;
    w->cur = -1;
    w->tfd = -1;
    snap_header *h = &w->h;
    memcpy(h->magic, SNAP_MAGIC, 8);
    h->format = SNAP_FORMAT;
    h->schema = (uint32_t)schema_version;
    h->endian = SNAP_ENDIAN;
    h->nsections = (uint32_t)NSECTIONS;
    h->data_version = data_version;
    uint64_t code = 0;
    for (int t = 0; t < TBL_COUNT; t++) {
        w->ntext[t] = ntext(t);
        h->rows[t] = rows[t];
        h->built[t] = data_version;
        w->gfirst[t] = code;
        h->gcodes[t] = t == 0 ? GROUP_CODES : round_codes(rows[t] * (uint64_t)ntext(t));
        code += h->gcodes[t];
    }
    w->gfirst[LABELS] = code;
    if (code >= UINT32_MAX / 2) {
        free(w);
        err_set(err, SP_EINVAL, "snapshot: too many strings");
        return NULL;
    }
    /* the offsets of the columns and of the text groups' offsets */
    uint64_t pos = align_up(sizeof *h + NSECTIONS * sizeof(snap_section));
    for (size_t i = 0; i < SEC_OFF(LABELS); i++) {
        uint64_t elem, count;
        sec_shape(h, i, &elem, &count);
        w->sec[i].id = (uint32_t)i;
        w->sec[i].elem = (uint32_t)elem;
        w->sec[i].offset = pos;
        w->sec[i].bytes = elem * count;
        pos = align_up(pos + elem * count);
    }
    w->sec[SEC_OFF(LABELS)].offset = pos;
    for (size_t i = 0; i < NSECTIONS; i++) ck_init(&w->ck[i], i);
    sp_out_guard guard = {workspace, NULL};
    w->o = outfile_open(path, &guard, err);
    if (!w->o) {
        free(w);
        return NULL;
    }
    char *tp = xasprintf("%s.strings-XXXXXX", path);
    w->tfd = mkstemp(tp);
    if (w->tfd >= 0) unlink(tp);
    else {
        err_set(err, SP_EIO, "%s: %s", tp, strerror(errno));
        w->ok = false;
    }
    free(tp);
    for (size_t i = 0; i < NCOLS; i++) w->buf[i] = xmalloc(CHUNK * columns[i].size);
    w->sfd = -1;
    if (w->ok) {
        char *sp = xasprintf("%s.rows-XXXXXX", path);
        w->sfd = mkstemp(sp);
        if (w->sfd >= 0) unlink(sp);
        else {
            err_set(err, SP_EIO, "%s: %s", sp, strerror(errno));
            w->ok = false;
        }
        free(sp);
        uint64_t at = 0;
        for (size_t i = 0; i < NCOLS; i++)
            if (columns[i].table == TBL_ACTIVITIES) {
                w->sbase[i] = at;
                at = align_up(at + rows[TBL_ACTIVITIES] * columns[i].size);
            }
    }
    w->toff = xmalloc(CHUNK * 4 * sizeof *w->toff);
    w->tbuf = xmalloc((size_t)1 << 20);
    w->lpool_cap = 1 << 16;
    w->lpool = xmalloc(w->lpool_cap);
    w->lcap = 1024;
    w->loff = xmalloc(w->lcap * sizeof *w->loff);
    w->lrep = xmalloc(w->lcap * sizeof *w->lrep);
    w->lcust = xmalloc(w->lcap * sizeof *w->lcust);
    w->nlhash = 4096;
    w->lhash = xcalloc(w->nlhash, sizeof *w->lhash);
    if (base) seed_labels(w, base);
    return w;
}

/* huge: the 2 MiB pages inside [p, p + n) are asked to be huge pages
 * (transparent huge pages, where the system gives them on request): the
 * labels are read at random, and a TLB miss per lookup costs as much as
 * the cache miss. Only speed: ignored where not supported. */
static void huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    uintptr_t a = ((uintptr_t)p + ((uintptr_t)2 << 20) - 1) & ~(((uintptr_t)2 << 20) - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(((uintptr_t)2 << 20) - 1);
    if (e > a) (void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

/* seed_labels: the labels of base, in its order, become the first labels
 * (same index, so that a label code of base maps to the new one by adding
 * the shift of the labels group); they name no rep or customer until the
 * rows of those are written or copied. */
static void seed_labels(sp_snap_writer *w, const sp_snap_base *b)
{
    w->base = b;
    uint64_t n = b->nlabels;
    if (!n) return;
    const uint32_t *off = (const uint32_t *)(const void *)(b->p + b->sec[SEC_OFF(LABELS)].offset);
    const char *blob0 = (const char *)(b->p + b->sec[SEC_BLOB(0)].offset);
    uint64_t lb = b->sec[SEC_BLOB(LABELS)].offset - b->sec[SEC_BLOB(0)].offset;
    uint64_t end = b->h.gblob[LABELS]; /* whole (verified: every offset inside, a NUL at its end) */
    while (w->lpool_cap < end) w->lpool_cap *= 2;
    w->lpool = xrealloc(w->lpool, w->lpool_cap);
    huge(w->lpool, w->lpool_cap);
    memcpy(w->lpool, blob0 + lb, end);
    w->lpool_n = end;
    while (w->lcap < n) w->lcap *= 2;
    w->loff = xreallocarray(w->loff, w->lcap, sizeof *w->loff);
    w->lrep = xreallocarray(w->lrep, w->lcap, sizeof *w->lrep);
    w->lcust = xreallocarray(w->lcust, w->lcap, sizeof *w->lcust);
    huge(w->loff, w->lcap * sizeof *w->loff);
    huge(w->lrep, w->lcap * sizeof *w->lrep);
    huge(w->lcust, w->lcap * sizeof *w->lcust);
    while (w->nlhash < 2 * n) w->nlhash *= 2;
    free(w->lhash);
    w->lhash = xcalloc(w->nlhash, sizeof *w->lhash);
    huge(w->lhash, w->nlhash * sizeof *w->lhash);
    for (uint64_t x = 0; x < n; x++) {
        w->loff[x] = (uint32_t)(off[x] - lb);
        w->lrep[x] = w->lcust[x] = SP_NOROW;
        uint32_t hv = dict_hash(w->lpool + w->loff[x]);
        size_t j = hv & (w->nlhash - 1);
        while (w->lhash[j]) j = (j + 1) & (w->nlhash - 1);
        w->lhash[j] = (uint64_t)hv << 32 | (x + 1);
    }
    w->nlabels = n;
}

#define PUT(ci, T, v) (((T *)(void *)w->buf[ci])[k] = (v))

static uint32_t rep_row(sp_snap_writer *w, uint32_t code)
{
    return code ? w->lrep[code - w->gfirst[LABELS]] : SP_NOROW;
}
static uint32_t cust_row(sp_snap_writer *w, uint32_t code)
{
    return code ? w->lcust[code - w->gfirst[LABELS]] : SP_NOROW;
}

/* row_put: one row of the current table t into the chunk buffers. */
static void row_put(sp_snap_writer *w, sp_table t, const void *rec)
{
    size_t k = w->nbuf;
    uint32_t row = (uint32_t)w->row;
    switch (t) {
    case TBL_REPS: {
        const sp_rep *r = rec;
        uint32_t id = lcode(w, r->id);
        PUT(CI_REP_id, sp_str, id);
        if (id) w->lrep[id - w->gfirst[LABELS]] = row;
        PUT(CI_REP_name, sp_str, lcode(w, r->name));
        PUT(CI_REP_team, sp_str, lcode(w, r->team));
        PUT(CI_REP_region, sp_str, lcode(w, r->region));
        PUT(CI_REP_industry, sp_str, lcode(w, r->industry));
        PUT(CI_REP_role, uint8_t, (uint8_t)r->role);
        PUT(CI_REP_active, int8_t, r->active ? 1 : 0);
        break;
    }
    case TBL_CUSTOMERS: {
        const sp_customer *r = rec;
        uint32_t id = lcode(w, r->id), owner = lcode(w, r->owner);
        PUT(CI_CUS_id, sp_str, id);
        if (id) w->lcust[id - w->gfirst[LABELS]] = row;
        PUT(CI_CUS_name, sp_str, text(w, r->name));
        PUT(CI_CUS_region, sp_str, lcode(w, r->region));
        PUT(CI_CUS_industry, sp_str, lcode(w, r->industry));
        PUT(CI_CUS_owner, sp_str, owner);
        PUT(CI_CUS_size, uint8_t, (uint8_t)r->size);
        PUT(CI_CUS_created_on, sp_day, r->created_on);
        PUT(CI_CUS_owner_row, uint32_t, rep_row(w, owner));
        break;
    }
    case TBL_LEADS: {
        const sp_lead *r = rec;
        PUT(CI_LEA_id, sp_str, text(w, r->id));
        PUT(CI_LEA_source, sp_str, lcode(w, r->source));
        PUT(CI_LEA_region, sp_str, lcode(w, r->region));
        PUT(CI_LEA_industry, sp_str, lcode(w, r->industry));
        PUT(CI_LEA_owner, sp_str, lcode(w, r->owner));
        PUT(CI_LEA_opportunity_id, sp_str, text(w, r->opportunity_id));
        PUT(CI_LEA_size, uint8_t, (uint8_t)r->size);
        PUT(CI_LEA_created_on, sp_day, r->created_on);
        PUT(CI_LEA_qualified, int8_t, r->qualified ? 1 : 0);
        break;
    }
    case TBL_DEALS: {
        const sp_deal *r = rec;
        uint32_t cu = lcode(w, r->customer_id);
        PUT(CI_DEA_id, sp_str, text(w, r->id));
        PUT(CI_DEA_customer_id, sp_str, cu);
        PUT(CI_DEA_owner, sp_str, lcode(w, r->owner));
        PUT(CI_DEA_product, sp_str, lcode(w, r->product));
        PUT(CI_DEA_created_on, sp_day, r->created_on);
        PUT(CI_DEA_closed_on, sp_day, r->closed_on);
        PUT(CI_DEA_expected_close_on, sp_day, r->has_expected_close ? r->expected_close_on : SP_DAY_NONE);
        PUT(CI_DEA_stage, uint8_t, (uint8_t)r->stage);
        PUT(CI_DEA_amount, sp_money, r->amount);
        PUT(CI_DEA_cost, sp_money, r->cost);
        PUT(CI_DEA_has_cost, int8_t, r->has_cost ? 1 : 0);
        PUT(CI_DEA_probability, int8_t, r->probability);
        PUT(CI_DEA_is_new_customer, int8_t, r->is_new_customer);
        PUT(CI_DEA_is_renewal, int8_t, r->is_renewal);
        PUT(CI_DEA_has_expected_close, int8_t, r->has_expected_close ? 1 : 0);
        PUT(CI_DEA_customer_row, uint32_t, cust_row(w, cu));
        break;
    }
    case TBL_ACTIVITIES: {
        const sp_activity *r = rec;
        uint32_t rep = lcode(w, r->rep), cu = lcode(w, r->customer_id);
        PUT(CI_ACT_id, sp_str, text(w, r->id));
        PUT(CI_ACT_rep, sp_str, rep);
        PUT(CI_ACT_customer_id, sp_str, cu);
        PUT(CI_ACT_occurred_on, sp_day, r->occurred_on);
        PUT(CI_ACT_kind, uint8_t, (uint8_t)r->kind);
        uint32_t crow = cust_row(w, cu);
        PUT(CI_ACT_customer_row, uint32_t, crow);
        PUT(CI_ACT_rep_row, uint32_t, rep_row(w, rep));
        if (crow != SP_NOROW && r->occurred_on != SP_DAY_NONE) {
            if (!w->acust) {
                size_t n = w->h.rows[TBL_ACTIVITIES] ? w->h.rows[TBL_ACTIVITIES] : 1;
                w->acust = xmalloc(n * sizeof *w->acust);
                w->aday = xmalloc(n * sizeof *w->aday);
                w->avisit = xmalloc(n);
            }
            w->acust[w->nact] = crow;
            w->aday[w->nact] = r->occurred_on;
            w->avisit[w->nact++] = r->kind == ACT_VISIT || r->kind == ACT_MEETING;
        }
        break;
    }
    case TBL_INVOICES: {
        const sp_invoice *r = rec;
        uint32_t cu;
        PUT(CI_INV_id, sp_str, text(w, r->id));
        PUT(CI_INV_deal_id, sp_str, text(w, r->deal_id));
        PUT(CI_INV_customer_id, sp_str, cu = lcode(w, r->customer_id));
        PUT(CI_INV_issued_on, sp_day, r->issued_on);
        PUT(CI_INV_due_on, sp_day, r->due_on);
        PUT(CI_INV_paid_on, sp_day, r->paid_on);
        PUT(CI_INV_amount, sp_money, r->amount);
        PUT(CI_INV_paid, sp_money, r->paid);
        PUT(CI_INV_customer_row, uint32_t, cust_row(w, cu));
        break;
    }
    case TBL_SPEND: {
        const sp_spend *r = rec;
        PUT(CI_SPE_id, sp_str, text(w, r->id));
        PUT(CI_SPE_category, sp_str, lcode(w, r->category));
        PUT(CI_SPE_strategy_id, sp_str, lcode(w, r->strategy_id));
        PUT(CI_SPE_task_id, sp_str, lcode(w, r->task_id));
        PUT(CI_SPE_note, sp_str, text(w, r->note));
        PUT(CI_SPE_spent_on, sp_day, r->spent_on);
        PUT(CI_SPE_amount, sp_money, r->amount);
        break;
    }
    default:
        w_fail(w, "bad table");
        return;
    }
    w->row++;
    if (++w->nbuf == CHUNK) flush_chunk(w);
}

/* ---- labels looked up in batches ----
 * The rows of the large tables that name customers (deals, activities,
 * invoices) come in key order, their customer ids in random order: each
 * lookup in the labels of a million customers is a chain of memory round
 * trips (hash slot, label offset, string, customer row). Such rows wait
 * here, PEND_ROWS at a time with their strings copied; pend_drain then
 * walks the chain for the whole batch one link at a time, prefetching the
 * next link of every label, and only then puts the rows in order through
 * row_put, exactly as one by one (same labels, same codes, same order):
 * the lookups it makes find their memory in the cache. */

/* pend_shape: for table t, the number of leading string members of its
 * record (sp_deal, sp_activity, sp_invoice start with them) and which of
 * them are labels (bit i: member i); 0 for a table that does not wait. */
static int pend_shape(int t, unsigned *labels)
{
    switch (t) {
    case TBL_DEALS: *labels = 0xEu; return 4;     /* id; customer_id, owner, product */
    case TBL_ACTIVITIES: *labels = 0x6u; return 3; /* id; rep, customer_id */
    case TBL_INVOICES: *labels = 0x4u; return 3;  /* id, deal_id; customer_id */
    default: *labels = 0; return 0;
    }
}

static const char **pend_str(pend_rec *r, int i) { return (const char **)(void *)r + i; }

static void pend_drain(sp_snap_writer *w)
{
    size_t n = w->npend;
    if (!n) return;
    w->npend = 0;
    unsigned labels;
    int ns = pend_shape(w->cur, &labels);
    size_t m = 0;
    /* the strings back from offsets; each label's hash, its slot asked for */
    for (size_t r = 0; r < n; r++)
        for (int i = 0; i < ns; i++) {
            const char **f = pend_str(&w->pend[r], i);
            if (*f) *f = w->parena + ((uintptr_t)*f - 1);
            if (!(labels & (1u << i)) || !*f || !**f) continue;
            w->pstr[m] = *f;
            w->phash[m] = dict_hash(*f);
            __builtin_prefetch(&w->lhash[w->phash[m] & (w->nlhash - 1)]);
            m++;
        }
    /* the label each hash names (no string read yet): its offset and rows */
    for (size_t j = 0; j < m; j++) {
        uint32_t hv = w->phash[j];
        w->pcand[j] = 0;
        for (size_t x = hv & (w->nlhash - 1); w->lhash[x]; x = (x + 1) & (w->nlhash - 1))
            if ((uint32_t)(w->lhash[x] >> 32) == hv) {
                uint32_t c = (uint32_t)w->lhash[x];
                w->pcand[j] = c;
                __builtin_prefetch(&w->loff[c - 1]);
                __builtin_prefetch(&w->lcust[c - 1]);
                __builtin_prefetch(&w->lrep[c - 1]);
                break;
            }
    }
    /* the strings compared */
    for (size_t j = 0; j < m; j++)
        if (w->pcand[j]) { /* strcmp reads up to 32 bytes at once: maybe two lines */
            const char *p = w->lpool + w->loff[w->pcand[j] - 1];
            __builtin_prefetch(p);
            __builtin_prefetch(p + 31);
        }
    for (size_t r = 0; r < n && w->ok; r++) row_put(w, (sp_table)w->cur, &w->pend[r]);
    w->parena_n = 0;
}

/* pend_add: rec of table t waits, its strings copied. */
static void pend_add(sp_snap_writer *w, int t, const void *rec, int ns)
{
    if (!w->pend) {
        w->pend = xmalloc(PEND_ROWS * sizeof *w->pend);
        w->phash = xmalloc(PEND_ROWS * PEND_MAXSTR * sizeof *w->phash);
        w->pcand = xmalloc(PEND_ROWS * PEND_MAXSTR * sizeof *w->pcand);
        w->pstr = xmalloc(PEND_ROWS * PEND_MAXSTR * sizeof *w->pstr);
    }
    pend_rec *p = &w->pend[w->npend++];
    memcpy(p, rec, t == TBL_DEALS ? sizeof(sp_deal) : t == TBL_ACTIVITIES ? sizeof(sp_activity) : sizeof(sp_invoice));
    for (int i = 0; i < ns; i++) {
        const char **f = pend_str(p, i);
        if (*f) *f = (const char *)arena_add(&w->parena, &w->parena_n, &w->parena_cap, *f);
    }
    if (w->npend == PEND_ROWS) pend_drain(w);
}

bool snapshot_writer_row(sp_snap_writer *w, sp_table t, const void *rec)
{
    if (!w->ok) return false;
    if ((int)t < w->cur) {
        w_fail(w, "tables out of order");
        return false;
    }
    while (w->cur < (int)t) table_begin(w, w->cur + 1, false); /* tables without rows between */
    if (w->row + w->npend >= w->h.rows[t]) {
        w_fail(w, "more rows than counted");
        return false;
    }
    if ((unsigned)t >= TBL_COUNT) {
        w_fail(w, "bad table");
        return false;
    }
    unsigned labels;
    int ns = pend_shape((int)t, &labels);
    if (ns) pend_add(w, (int)t, rec, ns);
    else row_put(w, t, rec);
    return w->ok;
}

/* ref_source: for a resolved reference column, the column of the code it
 * resolves (-1 for any other column) */
static int ref_source(size_t i)
{
    switch (i) {
    case CI_CUS_owner_row: return CI_CUS_owner;
    case CI_DEA_customer_row: return CI_DEA_customer_id;
    case CI_ACT_customer_row: return CI_ACT_customer_id;
    case CI_ACT_rep_row: return CI_ACT_rep;
    case CI_INV_customer_row: return CI_INV_customer_id;
    default: return -1;
    }
}

/* base_drop: the base's pages of [at, at + n) leave this process's memory
 * (they were read; a read-only file mapping reads them again if needed) */
static void base_drop(const sp_snap_base *b, uint64_t at, uint64_t n)
{
    uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE), lo = at / pg * pg, hi = at + n;
    if (b->owned && n && hi <= b->n) madvise((void *)(b->p + lo), hi - lo, MADV_DONTNEED);
}

bool snapshot_writer_copy(sp_snap_writer *w, sp_table t)
{
    if (!w->ok) return false;
    const sp_snap_base *b = w->base;
    if (!b || (int)t <= w->cur || (int)t >= TBL_COUNT || b->h.rows[t] != w->h.rows[t]) {
        w_fail(w, "cannot copy a table from the old snapshot");
        return false;
    }
    while (w->cur < (int)t - 1) table_begin(w, w->cur + 1, false);
    table_begin(w, (int)t, true);
    w->h.built[t] = b->h.built[t];
    w->copied_all |= 1u << t;
    /* the day indexes hold customer rows and the activities' days: both
     * unchanged, they are copied whole at the end */
    bool index = t == TBL_ACTIVITIES && !(w->copied_all & (1u << TBL_CUSTOMERS));
    if (t == TBL_ACTIVITIES) w->idx_base = !index;
    uint64_t n = w->h.rows[t], lnew = w->gfirst[LABELS], lold = b->gfirst[LABELS];
    uint64_t tnew = w->gfirst[t], told = b->gfirst[t];
    bool act = t == TBL_ACTIVITIES;
    uint64_t nb = (n + SNAP_BLOCK - 1) / SNAP_BLOCK;
    ck_t bck[ACT_NCOLS];
    if (act) {
        w->ablk = xcalloc(ACT_NCOLS * nb + 1, sizeof *w->ablk);
        for (int c = 0; c < ACT_NCOLS; c++) ck_init(&bck[c], ACT_FIRST + (size_t)c);
        if (n && index && !w->acust) {
            w->acust = xmalloc(n * sizeof *w->acust);
            w->aday = xmalloc(n * sizeof *w->aday);
            w->avisit = xmalloc(n);
        }
    }
    /* the base's sections are checked as they are read: their checksums
     * (old[]), and every code in its group (a code indexes the labels) */
    ck_t old[NCOLS];
    for (size_t i = 0; i < NCOLS; i++) ck_init(&old[i], i);
    uint64_t lcodes = b->nlabels, tcodes = b->h.gcodes[t]; /* a label code past the labels: only forged */
    bool bad = false;
    for (uint64_t r0 = 0; w->ok && r0 < n; r0 += CHUNK) {
        size_t k = n - r0 < CHUNK ? (size_t)(n - r0) : CHUNK;
        /* codes shifted to the new layout, other values as they are */
        for (size_t i = 0; i < NCOLS; i++) {
            if (columns[i].table != (int)t) continue;
            size_t sz = columns[i].size;
            const unsigned char *src = b->p + b->sec[i].offset + r0 * sz;
            ck_update(&old[i], src, k * sz);
            if (ref_source(i) >= 0) continue;
            if (is_code(&columns[i])) {
                const sp_str *v = (const sp_str *)(const void *)src;
                sp_str *d = (sp_str *)(void *)w->buf[i];
                if (is_text(&columns[i]))
                    for (size_t j = 0; j < k; j++) {
                        bad |= v[j] && (v[j] < told || v[j] - told >= tcodes);
                        d[j] = v[j] ? (sp_str)(v[j] - told + tnew) : 0;
                    }
                else
                    for (size_t j = 0; j < k; j++) {
                        bad |= v[j] && (v[j] < lold || v[j] - lold >= lcodes);
                        d[j] = v[j] ? (sp_str)(v[j] - lold + lnew) : 0;
                    }
            } else {
                memcpy(w->buf[i], src, k * sz);
            }
        }
        if (bad) {
            w_fail(w, "the old snapshot holds a code out of range");
            break;
        }
        /* copied reps and customers: each id label names its row */
        if (t == TBL_REPS || t == TBL_CUSTOMERS) {
            const sp_str *id = (const sp_str *)(void *)w->buf[t == TBL_REPS ? CI_REP_id : CI_CUS_id];
            uint32_t *l = t == TBL_REPS ? w->lrep : w->lcust;
            for (size_t j = 0; j < k; j++)
                if (id[j]) l[id[j] - lnew] = (uint32_t)(r0 + j);
        }
        /* references resolved again: the rows they point to may have moved */
        for (size_t i = 0; i < NCOLS; i++) {
            int from = columns[i].table == (int)t ? ref_source(i) : -1;
            if (from < 0) continue;
            const sp_str *code = (const sp_str *)(void *)w->buf[from];
            uint32_t *d = (uint32_t *)(void *)w->buf[i];
            bool cust = strcmp(columns[i].name, "customer_row") == 0;
            for (size_t j = 0; j < k; j++) d[j] = cust ? cust_row(w, code[j]) : rep_row(w, code[j]);
        }
        if (act && index) {
            const uint32_t *crow = (const uint32_t *)(void *)w->buf[CI_ACT_customer_row];
            const sp_day *day = (const sp_day *)(void *)w->buf[CI_ACT_occurred_on];
            const uint8_t *kind = w->buf[CI_ACT_kind];
            for (size_t j = 0; j < k; j++)
                if (crow[j] != SP_NOROW && day[j] != SP_DAY_NONE) {
                    w->acust[w->nact] = crow[j];
                    w->aday[w->nact] = day[j];
                    w->avisit[w->nact++] = kind[j] == ACT_VISIT || kind[j] == ACT_MEETING;
                }
        }
        for (size_t i = 0; i < NCOLS; i++) {
            if (columns[i].table != (int)t) continue;
            size_t bytes = k * columns[i].size;
            ck_update(&w->ck[i], w->buf[i], bytes);
            w_at(w, w->buf[i], bytes, w->sec[i].offset + r0 * columns[i].size);
            if (act) {
                size_t c = i - ACT_FIRST;
                ck_update(&bck[c], w->buf[i], bytes);
                if ((r0 + k) % SNAP_BLOCK == 0 || r0 + k == n) {
                    w->ablk[c * nb + (r0 + k - 1) / SNAP_BLOCK] = ck_final(&bck[c]);
                    ck_init(&bck[c], i);
                }
            }
        }
        if ((r0 + k) % SNAP_BLOCK == 0 || r0 + k == n) /* the pages read, out of memory */
            for (size_t i = 0; i < NCOLS; i++)
                if (columns[i].table == (int)t) {
                    uint64_t from = (r0 + k) % SNAP_BLOCK ? r0 / SNAP_BLOCK * SNAP_BLOCK : r0 + k - SNAP_BLOCK;
                    base_drop(b, b->sec[i].offset + from * columns[i].size, (r0 + k - from) * columns[i].size);
                }
    }
    for (size_t i = 0; w->ok && i < NCOLS; i++)
        if (columns[i].table == (int)t && b->sec[i].bytes && ck_final(&old[i]) != b->sec[i].checksum)
            w_fail(w, "the old snapshot has a section checksum wrong");
    /* the text: offsets shifted to the new blob position, the blob as it is */
    uint64_t used = n * (uint64_t)w->ntext[t];
    uint64_t bold = b->sec[SEC_BLOB(t)].offset - b->sec[SEC_BLOB(0)].offset, bnew = w->bfirst[t];
    const snap_section *so = &b->sec[SEC_OFF(t)], *sb = &b->sec[SEC_BLOB(t)];
    const uint32_t *off = (const uint32_t *)(const void *)(b->p + so->offset);
    if (w->ok && so->bytes && checksum(off, so->bytes, SEC_OFF(t)) != so->checksum)
        w_fail(w, "the old snapshot has a section checksum wrong");
    for (uint64_t x = 0; w->ok && x < used; x += CHUNK * 4) {
        size_t k = used - x < CHUNK * 4 ? (size_t)(used - x) : CHUNK * 4;
        for (size_t j = 0; j < k; j++) w->toff[j] = (uint32_t)(off[x + j] - bold + bnew);
        ck_update(&w->ck[SEC_OFF(t)], w->toff, k * 4);
        w_at(w, w->toff, k * 4, w->sec[SEC_OFF(t)].offset + x * 4);
    }
    base_drop(b, so->offset, so->bytes);
    ck_t cb;
    ck_init(&cb, SEC_BLOB(t));
    for (uint64_t x = 0; w->ok && x < sb->bytes; x += (uint64_t)1 << 24) {
        size_t k = sb->bytes - x < ((uint64_t)1 << 24) ? (size_t)(sb->bytes - x) : (size_t)1 << 24;
        ck_update(&cb, b->p + sb->offset + x, k);
        t_bytes(w, (int)t, b->p + sb->offset + x, k);
        base_drop(b, sb->offset + x, k);
    }
    if (w->ok && sb->bytes && ck_final(&cb) != sb->checksum) w_fail(w, "the old snapshot has a section checksum wrong");
    if (w->tbytes > UINT32_MAX) w_fail(w, "the strings exceed 4 GiB");
    w->row = n;
    return w->ok;
}

void snapshot_writer_abort(sp_snap_writer *w)
{
    if (!w) return;
    if (w->o) outfile_abort(w->o);
    if (w->tfd >= 0) close(w->tfd);
    for (size_t i = 0; i < NCOLS; i++) free(w->buf[i]);
    free(w->toff);
    free(w->tbuf);
    free(w->lpool);
    free(w->loff);
    free(w->lrep);
    free(w->lcust);
    free(w->lhash);
    free(w->acust);
    free(w->aday);
    free(w->avisit);
    free(w->ablk);
    free(w->pend);
    free(w->parena);
    free(w->phash);
    free(w->pcand);
    free(w->pstr);
    if (w->sfd >= 0) close(w->sfd);
    free(w);
}

static int day_cmp(const void *a, const void *b)
{
    sp_day x = *(const sp_day *)a, y = *(const sp_day *)b;
    return x < y ? -1 : x > y;
}

/* build_index: the day index of the activities (visits only when visits):
 * per customer row, its distinct days ascending. */
static void build_index(const sp_snap_writer *w, bool visits, size_t ncust, uint32_t **off_out, sp_day **day_out,
                        uint64_t *n_out)
{
    uint32_t *off = xcalloc(ncust + 1, sizeof *off);
    size_t total = 0;
    for (size_t i = 0; i < w->nact; i++)
        if (!visits || w->avisit[i]) off[w->acust[i] + 1]++, total++;
    for (size_t c = 0; c < ncust; c++) off[c + 1] += off[c];
    sp_day *day = xmalloc((total ? total : 1) * sizeof *day);
    uint32_t *pos = xmalloc((ncust ? ncust : 1) * sizeof *pos);
    memcpy(pos, off, ncust * sizeof *pos);
    for (size_t i = 0; i < w->nact; i++)
        if (!visits || w->avisit[i]) day[pos[w->acust[i]]++] = w->aday[i];
    free(pos);
    /* sort each customer's days and keep the distinct ones, compacting */
    size_t out = 0;
    for (size_t c = 0; c < ncust; c++) {
        size_t lo = off[c], hi = off[c + 1];
        sp_day *d = day + lo;
        size_t n = hi - lo;
        if (n <= 16) {
            for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && d[j - 1] > d[j]; j--) {
                    sp_day t = d[j];
                    d[j] = d[j - 1];
                    d[j - 1] = t;
                }
        } else {
            qsort(d, n, sizeof *d, day_cmp);
        }
        off[c] = (uint32_t)out;
        for (size_t i = 0; i < n; i++)
            if (i == 0 || d[i] != d[i - 1]) day[out++] = d[i];
    }
    off[ncust] = (uint32_t)out;
    *off_out = off;
    *day_out = day;
    *n_out = out;
}

bool snapshot_writer_finish(sp_snap_writer *w, sp_outfile **out)
{
    *out = NULL;
    /* every remaining table (empty ones included) */
    while (w->ok && w->cur < TBL_COUNT - 1) table_begin(w, w->cur + 1, false);
    if (w->cur >= 0) table_end(w);
    t_flush(w);
    snap_header *h = &w->h;
    /* the labels: offsets, then the blob after the text blobs */
    h->gcodes[LABELS] = round_codes(w->nlabels);
    h->gblob[LABELS] = align_up(w->lpool_n);
    uint64_t lbfirst = w->tbytes;
    if (w->ok && lbfirst + h->gblob[LABELS] > UINT32_MAX) w_fail(w, "the strings exceed 4 GiB");
    size_t nhash = 16;
    while (nhash < w->nlabels * 2) nhash *= 2;
    h->nhash = nhash;
    uint32_t *toff = NULL, *voff = NULL;
    sp_day *tday = NULL, *vday = NULL;
    if (w->ok && w->idx_base) { /* the activities and the customers copied: their indexes as they were */
        h->ntouch = w->base->h.ntouch;
        h->nvisit = w->base->h.nvisit;
    } else if (w->ok) {
        build_index(w, false, h->rows[TBL_CUSTOMERS], &toff, &tday, &h->ntouch);
        build_index(w, true, h->rows[TBL_CUSTOMERS], &voff, &vday, &h->nvisit);
    }
    free(w->acust), free(w->aday), free(w->avisit);
    w->acust = NULL, w->aday = NULL, w->avisit = NULL;
    for (size_t i = SEC_OFF(LABELS); i < NSECTIONS; i++) {
        uint64_t elem, count;
        sec_shape(h, i, &elem, &count);
        w->sec[i].id = (uint32_t)i;
        w->sec[i].elem = (uint32_t)elem;
        if (i > SEC_OFF(LABELS)) w->sec[i].offset = align_up(w->sec[i - 1].offset + w->sec[i - 1].bytes);
        w->sec[i].bytes = elem * count;
    }
    h->file_bytes = align_up(w->sec[NSECTIONS - 1].offset + w->sec[NSECTIONS - 1].bytes);
    if (w->ok) {
        ck_t *c = &w->ck[SEC_OFF(LABELS)];
        uint32_t *b = w->toff;
        size_t nb = 0;
        uint64_t at = w->sec[SEC_OFF(LABELS)].offset;
        for (uint64_t x = 0; x < h->gcodes[LABELS]; x++) {
            b[nb++] = (uint32_t)(lbfirst + (x < w->nlabels ? w->loff[x] : h->gblob[LABELS] - 1));
            if (nb == CHUNK || x + 1 == h->gcodes[LABELS]) {
                ck_update(c, b, nb * 4);
                w_at(w, b, nb * 4, at);
                at += nb * 4;
                nb = 0;
            }
        }
        w->sec[SEC_OFF(LABELS)].checksum = h->gcodes[LABELS] ? ck_final(c) : 0;
    }
    /* the text blobs, copied from the scratch file */
    uint64_t at = w->sec[SEC_BLOB(0)].offset;
    for (uint64_t done = 0; w->ok && done < w->tbytes;) {
        size_t want = w->tbytes - done < ((size_t)1 << 20) ? (size_t)(w->tbytes - done) : (size_t)1 << 20;
        ssize_t k = pread(w->tfd, w->tbuf, want, (off_t)done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            err_set(w->err, SP_EIO, "snapshot: %s", k < 0 ? strerror(errno) : "short read");
            w->ok = false;
            break;
        }
        w_at(w, w->tbuf, (size_t)k, at + done);
        done += (uint64_t)k;
    }
    if (w->ok && h->gblob[LABELS]) {
        if (h->gblob[LABELS] > w->lpool_cap) w->lpool = xrealloc(w->lpool, h->gblob[LABELS]);
        memset(w->lpool + w->lpool_n, 0, h->gblob[LABELS] - w->lpool_n);
        w->sec[SEC_BLOB(LABELS)].checksum = checksum(w->lpool, h->gblob[LABELS], SEC_BLOB(LABELS));
        w_at(w, w->lpool, h->gblob[LABELS], w->sec[SEC_BLOB(LABELS)].offset);
    }
    if (w->ok) {
        uint32_t *hash = xcalloc(nhash, sizeof *hash);
        for (size_t x = 0; x < w->nlabels; x++) {
            size_t j = dict_hash(w->lpool + w->loff[x]) & (nhash - 1);
            while (hash[j]) j = (j + 1) & (nhash - 1);
            hash[j] = (uint32_t)(w->gfirst[LABELS] + x);
        }
        w->sec[SEC_HASH].checksum = checksum(hash, nhash * 4, SEC_HASH);
        w_at(w, hash, nhash * 4, w->sec[SEC_HASH].offset);
        free(hash);
    }
    const void *idx[5] = {toff, tday, voff, vday, w->ablk};
    for (int k = 0; w->ok && k < 5; k++) {
        snap_section *x = &w->sec[SEC_TOFF + k];
        if (k < 4 && w->idx_base) { /* copied, checked against the base's checksum as it goes */
            const snap_section *y = &w->base->sec[SEC_TOFF + k];
            ck_t c;
            ck_init(&c, SEC_TOFF + (size_t)k);
            for (uint64_t pos = 0; w->ok && pos < y->bytes; pos += (uint64_t)1 << 24) {
                size_t n = y->bytes - pos < ((uint64_t)1 << 24) ? (size_t)(y->bytes - pos) : (size_t)1 << 24;
                ck_update(&c, w->base->p + y->offset + pos, n);
                w_at(w, w->base->p + y->offset + pos, n, x->offset + pos);
                base_drop(w->base, y->offset + pos, n);
            }
            x->checksum = x->bytes ? ck_final(&c) : 0;
            if (w->ok && (y->bytes != x->bytes || x->checksum != y->checksum))
                w_fail(w, "the old snapshot has a section checksum wrong");
            continue;
        }
        x->checksum = x->bytes ? checksum(idx[k], x->bytes, SEC_TOFF + (size_t)k) : 0;
        w_at(w, idx[k], x->bytes, x->offset);
    }
    free(toff), free(tday), free(voff), free(vday);
    {
        static const unsigned char zero[SNAP_ALIGN];
        uint64_t end = 0;
        for (size_t i = 0; i < NSECTIONS; i++)
            if (w->sec[i].bytes && w->sec[i].offset + w->sec[i].bytes > end) end = w->sec[i].offset + w->sec[i].bytes;
        if (end < h->file_bytes) w_at(w, zero, h->file_bytes - end, end); /* the file ends aligned */
    }
    if (w->ok) {
        h->checksum = 0;
        uint64_t sum = checksum(h, sizeof *h, 0);
        h->checksum = checksum(w->sec, NSECTIONS * sizeof(snap_section), sum);
        w_at(w, h, sizeof *h, 0);
        w_at(w, w->sec, NSECTIONS * sizeof(snap_section), sizeof *h);
    }
    if (w->ok) w->ok = outfile_sync(w->o, w->err);
    bool ok = w->ok;
    if (ok) {
        *out = w->o;
        w->o = NULL;
    }
    snapshot_writer_abort(w);
    return ok;
}

bool snapshot_write(const char *path, const char *workspace, const sp_dataset *ds, uint64_t data_version,
                    int schema_version, sp_err *err)
{
    sp_outfile *o = NULL;
    if (!snapshot_write_prepare(path, workspace, ds, data_version, schema_version, &o, err)) return false;
    return outfile_commit(o, err);
}

bool snapshot_write_prepare(const char *path, const char *workspace, const sp_dataset *ds, uint64_t data_version,
                            int schema_version, sp_outfile **out, sp_err *err)
{
    *out = NULL;
    uint64_t rows[TBL_COUNT];
    for (int t = 0; t < TBL_COUNT; t++) rows[t] = table_rows(ds, t);
    sp_snap_writer *w = snapshot_writer_open(path, workspace, rows, data_version, schema_version, err);
    if (!w) return false;
    bool ok = true;
    for (size_t i = 0; ok && i < ds->reps.n; i++) {
        sp_rep r = rep_at(ds, i);
        ok = snapshot_writer_row(w, TBL_REPS, &r);
    }
    for (size_t i = 0; ok && i < ds->customers.n; i++) {
        sp_customer r = customer_at(ds, i);
        ok = snapshot_writer_row(w, TBL_CUSTOMERS, &r);
    }
    for (size_t i = 0; ok && i < ds->leads.n; i++) {
        sp_lead r = lead_at(ds, i);
        ok = snapshot_writer_row(w, TBL_LEADS, &r);
    }
    for (size_t i = 0; ok && i < ds->deals.n; i++) {
        sp_deal r = deal_at(ds, i);
        ok = snapshot_writer_row(w, TBL_DEALS, &r);
    }
    for (size_t i = 0; ok && i < ds->activities.n; i++) {
        sp_activity r = activity_at(ds, i);
        ok = snapshot_writer_row(w, TBL_ACTIVITIES, &r);
    }
    for (size_t i = 0; ok && i < ds->invoices.n; i++) {
        sp_invoice r = invoice_at(ds, i);
        ok = snapshot_writer_row(w, TBL_INVOICES, &r);
    }
    for (size_t i = 0; ok && i < ds->spend.n; i++) {
        sp_spend r = spend_at(ds, i);
        ok = snapshot_writer_row(w, TBL_SPEND, &r);
    }
    if (!ok) {
        snapshot_writer_abort(w);
        return false;
    }
    return snapshot_writer_finish(w, out);
}

/* ---- checking ---- */

/* What a process has verified of one mapping of the file, so that a
 * long-running process (the server: one load per request, on several
 * threads) verifies each section once per mapping, not once per load: the
 * bytes of a mapping never change (the file is never written in place: a
 * new snapshot is renamed over it, and a new mapping is made of it). Flags
 * only go from 0 to 1; two threads verifying the same section at once both
 * find it good. */
typedef struct snap_seen {
    _Atomic unsigned char sec[NSECTIONS];   /* checksum (and a column's values) good */
    _Atomic unsigned char group[NGROUPS];   /* dictionary group good (group_ok) */
    _Atomic unsigned char hash, index[2];
    _Atomic unsigned char *blk;             /* activities: per column × block, its checksum good */
    size_t nblk;
} snap_seen;

static _Thread_local snap_seen *tl_seen;

/* SEEN(field): verified already; SEE(field): verified now (no record: nothing) */
#define SEEN(field) (tl_seen && atomic_load_explicit(&tl_seen->field, memory_order_acquire))
#define SEE(field)                                                                                             \
    do {                                                                                                       \
        if (tl_seen) atomic_store_explicit(&tl_seen->field, 1, memory_order_release);                          \
    } while (0)

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

/* sum_and_check: column c's n bytes at p match want_sum (seed: the
 * section's number), and, when vals is not NULL, *vals says whether every
 * value is in range: one pass, a chunk at a time, so that each chunk is
 * checked while in the cache */
static bool sum_and_check(const unsigned char *p, size_t n, uint64_t seed, uint64_t want_sum, const coldesc *c,
                          const uint64_t rows[], uint64_t ndict, bool *vals)
{
    const size_t step = 64 * 1024; /* a multiple of every element size */
    ck_t ck;
    ck_init(&ck, seed);
    for (size_t at = 0; at < n; at += step) {
        size_t len = n - at < step ? n - at : step;
        ck_update(&ck, p + at, len);
        if (vals && *vals && !check_values(c, p + at, len / c->size, rows, ndict)) *vals = false;
    }
    return ck_final(&ck) == want_sum;
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
    drop(b + so->offset, so->bytes);
    drop(b + sb->offset, sb->bytes);
    return true;
}

/* the lazily checked groups of a borrowed dataset */
typedef struct snap_lazy {
    void *zeros;                       /* mapped zeros for the columns not exposed */
    size_t nzeros;
    const unsigned char *base;
    bool mapped;                       /* base is snapshot_open_ex's mapping (drop) */
    snap_seen *seen;                   /* what this process verified of the mapping (NULL: none kept) */
    snap_header h;
    snap_section sec[NSECTIONS];
    int group[SP_DICT_LAZY];
} snap_lazy;

/* hash_ok: the label hash holds only label codes (its checksum is checked
 * with the sections, or by lazy_verify) */
static bool hash_ok(const unsigned char *b, const snap_section *sec, const snap_header *h)
{
    uint64_t ndict = 0;
    for (int g = 0; g < NGROUPS; g++) ndict += h->gcodes[g];
    uint64_t lfirst = ndict - h->gcodes[LABELS];
    const uint32_t *hash = (const uint32_t *)(b + sec[SEC_HASH].offset);
    for (size_t j = 0; j < h->nhash; j++)
        if (hash[j] && (hash[j] < lfirst || hash[j] >= ndict)) return false;
    return true;
}

static bool lazy_verify(void *ctx, size_t k)
{
    snap_lazy *z = ctx;
    bool saved = tl_mapped, ok;
    snap_seen *saved_seen = tl_seen;
    tl_mapped = z->mapped;
    tl_seen = z->seen;
    if (k == SP_DICT_HASH) {
        const snap_section *x = &z->sec[SEC_HASH];
        ok = SEEN(hash) ||
             (checksum(z->base + x->offset, x->bytes, SEC_HASH) == x->checksum && hash_ok(z->base, z->sec, &z->h));
        if (ok && !SEEN(hash)) {
            drop(z->base + x->offset, x->bytes);
            SEE(hash);
        }
    } else {
        ok = k < SP_DICT_LAZY && (SEEN(group[z->group[k]]) || group_ok(z->base, z->sec, &z->h, z->group[k], true));
        if (ok) SEE(group[z->group[k]]);
    }
    tl_mapped = saved;
    tl_seen = saved_seen;
    return ok;
}

static void lazy_free(void *ctx)
{
    snap_lazy *z = ctx;
    if (z && z->nzeros) munmap(z->zeros, z->nzeros);
    free(z);
}

sp_snap_state snapshot_check(const void *p, size_t n, int schema_version, uint64_t expect_version,
                             sp_snap_info *info, sp_dataset *ds, const bool *want)
{
    return snapshot_check_ex(p, n, schema_version, expect_version, info, ds, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX);
}

/* index_ok: day index k (0 touch, 1 visit): offsets from 0 rising to the
 * day count, every day valid and each customer's days strictly rising */
static bool index_ok(const unsigned char *b, const snap_section *sec, const snap_header *h, int k)
{
    const uint32_t *off = (const uint32_t *)(b + sec[SEC_TOFF + 2 * k].offset);
    const sp_day *day = (const sp_day *)(b + sec[SEC_TDAY + 2 * k].offset);
    uint64_t nc = h->rows[TBL_CUSTOMERS], nd = k ? h->nvisit : h->ntouch;
    if (off[0] != 0 || off[nc] != nd) return false;
    for (uint64_t c = 0; c < nc; c++) {
        if (off[c] > off[c + 1] || off[c + 1] > nd) return false;
        for (uint32_t i = off[c]; i < off[c + 1]; i++)
            if (day[i] == SP_DAY_NONE || day[i] < SP_DAY_MIN || day[i] > SP_DAY_MAX || (i > off[c] && day[i] <= day[i - 1]))
                return false;
    }
    drop(off, (nc + 1) * sizeof *off);
    drop(day, nd * sizeof *day);
    return true;
}

/* seen_blocks: the per-block flags of the activities (n = columns ×
 * blocks), made on first use; NULL when they cannot be (then every block is
 * verified as without a record) */
static pthread_mutex_t seen_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic unsigned char *seen_blocks(snap_seen *v, size_t n)
{
    pthread_mutex_lock(&seen_mu);
    if (!v->blk) {
        v->blk = calloc(n ? n : 1, 1);
        v->nblk = v->blk ? n : 0;
    }
    _Atomic unsigned char *r = v->nblk == n ? v->blk : NULL;
    pthread_mutex_unlock(&seen_mu);
    return r;
}

sp_snap_state snapshot_check_ex(const void *p, size_t n, int schema_version, uint64_t expect_version,
                                sp_snap_info *info, sp_dataset *ds, const bool *want, const uint32_t *cols,
                                int touch_only, sp_day act_from, sp_day act_to)
{
    bool use[TBL_COUNT], eager[NGROUPS];
    bool wants[TBL_COUNT], index = false;
    if (want && touch_only == SNAP_WITH_INDEXES && want[TBL_ACTIVITIES]) {
        index = true; /* the activities as asked, and the day indexes beside them */
    } else if (want && touch_only && want[TBL_ACTIVITIES]) {
        /* the activities only for last touches: the day indexes instead */
        memcpy(wants, want, sizeof wants);
        wants[TBL_ACTIVITIES] = false;
        wants[TBL_CUSTOMERS] = true;
        want = wants;
        index = true;
    }
    closure(want, use);
    /* ranged: only the activities of [act_from, act_to] are wanted (the
     * rows around them, whole blocks, are exposed: a superset) */
    bool ranged = want && want[TBL_ACTIVITIES] && (act_from > SP_DAY_MIN || act_to < SP_DAY_MAX);
    /* real[c]: column c is verified and exposed: every column of a wanted
     * table; of a table only referred to (closure), its references alone
     * (so that rows stay in bounds): its other columns read as zeros (empty
     * strings, no rows' values), as if the table were not loaded */
    /* gone[c]: column c of a wanted table that the computation does not
     * read (cols, sp_load_spec.cols): neither verified nor exposed, its
     * slot NULL, so that a read of it is a crash, never a silent zero; the
     * references are always verified and exposed */
    bool real[NCOLS], gone[NCOLS];
    for (size_t i = 0, k = 0; i < NCOLS; i++) {
        int t = columns[i].table;
        k = i > 0 && columns[i - 1].table == t ? k + 1 : 0; /* the column's number in its table */
        gone[i] = use[t] && want && want[t] && cols && cols[t] && !(cols[t] >> k & 1) && !is_row(&columns[i]);
        real[i] = use[t] && (!want || want[t] || is_row(&columns[i])) && !gone[i];
    }
    for (int g = 0; g < NGROUPS; g++) eager[g] = !want || g == LABELS || g == 0; /* group 0: code 0 only */
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
    if (!bad && (h.ntouch >= UINT32_MAX || h.nvisit >= UINT32_MAX)) bad = "index sizes";
    if (!bad && (h.gcodes[0] < GROUP_CODES || ndict >= UINT32_MAX || nblob > UINT32_MAX || h.nhash < 1 ||
                 h.nhash > UINT32_MAX || (h.nhash & (h.nhash - 1)) != 0))
        bad = "dictionary sizes";
    for (int t = 0; !bad && t < TBL_COUNT; t++)
        if (h.rows[t] >= SP_NOROW) bad = "row count";
    /* the layout is strict: each section at the next aligned offset after
     * the previous one, every gap zero, the file ending aligned after the
     * last: no byte of the file goes unchecked */
    uint64_t expect_off = align_up(table_end);
    const char *badval = NULL; /* the first column whose values are out of range */
    for (size_t i = 0; !bad && i < NSECTIONS; i++) {
        if (sec[i].offset != expect_off) {
            bad = "section layout";
            break;
        }
        uint64_t elem, count;
        sec_shape(&h, i, &elem, &count);
        bool sum_now = i < NCOLS ? real[i] && !(ranged && columns[i].table == TBL_ACTIVITIES)
                                 : (i == SEC_HASH && !want) || (i == SEC_ABLK && (ranged || !want)) ||
                                       (i >= SEC_TOFF && i <= SEC_VDAY && (index || !want));
        if (sec[i].id != i || sec[i].elem != elem || sec[i].bytes != elem * count) bad = "section sizes";
        else if (sec[i].offset % SNAP_ALIGN || sec[i].offset < table_end || sec[i].offset > n ||
                 sec[i].bytes > n - sec[i].offset)
            bad = "section bounds";
        else if (sum_now && SEEN(sec[i]))
            ; /* verified by an earlier load of this mapping */
        else if (sec[i].bytes && sum_now && i < NCOLS) {
            /* a column: its checksum and its values in one pass, a chunk at a
             * time while the chunk is in the cache (the first bad value is
             * reported below, after the layout and the dictionary); then its
             * pages are given back, unless the query named the columns it
             * reads (cols): it reads these next */
            bool vals = true;
            if (!sum_and_check(b + sec[i].offset, sec[i].bytes, i, sec[i].checksum, &columns[i], h.rows, ndict,
                               badval ? NULL : &vals))
                bad = "section checksum";
            else if (!vals) badval = columns[i].name;
            else if (!badval) SEE(sec[i]);
            int t = columns[i].table;
            if (!(cols && want && want[t] && cols[t])) drop(b + sec[i].offset, sec[i].bytes);
        } else if (sec[i].bytes && sum_now && checksum(b + sec[i].offset, sec[i].bytes, i) != sec[i].checksum)
            bad = "section checksum";
        else if (sum_now && i != SEC_HASH && !(i >= SEC_TOFF && i <= SEC_VDAY)) {
            drop(b + sec[i].offset, sec[i].bytes); /* (the hash and the indexes are read next) */
            SEE(sec[i]);
        } else if (sum_now)
            SEE(sec[i]); /* the hash's or an index's checksum (their contents: below) */
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
    for (int t = 0; t < TBL_COUNT; t++) info->rows[t] = h.rows[t], info->built[t] = h.built[t];
    info->strings = ndict;
    info->data_version = h.data_version;
    /* the dictionary: the eager groups whole, the hash (labels only) */
    for (int g = 0; !bad && g < NGROUPS; g++) {
        if (!eager[g] || SEEN(group[g])) continue;
        if (!group_ok(b, sec, &h, g, true)) bad = "dictionary";
        else SEE(group[g]);
    }
    if (bad) {
        free(sec);
        DAMAGED("%s", bad);
    }
    const uint32_t *off = (const uint32_t *)(b + sec[SEC_OFF(0)].offset);
    const char *blob = (const char *)(b + sec[SEC_BLOB(0)].offset);
    const uint32_t *hash = (const uint32_t *)(b + sec[SEC_HASH].offset);
    uint64_t lfirst = ndict - h.gcodes[LABELS];
    (void)hash;
    if (!bad && !want && !SEEN(hash)) { /* else checked when first used */
        if (!hash_ok(b, sec, &h)) bad = "dictionary hash";
        else SEE(hash); /* (its checksum: with the sections, above) */
    }
    if (!bad && !want) drop(b + sec[SEC_HASH].offset, sec[SEC_HASH].bytes);
    for (int k = 0; !bad && k < 2; k++) {
        if (!(index || !want) || SEEN(index[k])) continue;
        if (!index_ok(b, sec, &h, k)) bad = k ? "visit index" : "touch index";
        else SEE(index[k]);
    }
    /* ranged: the blocks of the activities holding the days asked for */
    uint64_t afirst = 0, an = h.rows[TBL_ACTIVITIES];
    if (!bad && ranged) {
        const sp_day *day = (const sp_day *)(const void *)(b + sec[CI_ACT_occurred_on].offset);
        uint64_t lo = 0, hi = an, x, y;
        for (x = 0, y = an; x < y;) { /* first day >= from */
            uint64_t mid = x + (y - x) / 2;
            if (day[mid] == SP_DAY_NONE || day[mid] < act_from) x = mid + 1;
            else y = mid;
        }
        lo = x;
        for (x = lo, y = an; x < y;) { /* first day > to */
            uint64_t mid = x + (y - x) / 2;
            if (day[mid] != SP_DAY_NONE && day[mid] > act_to) y = mid;
            else x = mid + 1;
        }
        hi = x;
        uint64_t nb = (an + SNAP_BLOCK - 1) / SNAP_BLOCK;
        uint64_t blo = lo / SNAP_BLOCK, bhi = hi > lo ? (hi + SNAP_BLOCK - 1) / SNAP_BLOCK : blo;
        const uint64_t *blk = (const uint64_t *)(const void *)(b + sec[SEC_ABLK].offset);
        afirst = blo * SNAP_BLOCK;
        uint64_t aend = bhi * SNAP_BLOCK < an ? bhi * SNAP_BLOCK : an;
        an = aend > afirst ? aend - afirst : 0;
        for (int c = 0; !bad && c < ACT_NCOLS; c++) {
            size_t i = ACT_FIRST + (size_t)c, sz = columns[i].size;
            if (!real[i]) continue; /* not read (gone) */
            _Atomic unsigned char *bseen = tl_seen ? seen_blocks(tl_seen, (size_t)ACT_NCOLS * nb) : NULL;
            bool all_seen = bseen != NULL;
            for (uint64_t k = blo; !bad && k < bhi; k++) {
                if (bseen && atomic_load_explicit(&bseen[(size_t)c * nb + k], memory_order_acquire)) continue;
                all_seen = false;
                uint64_t r0 = k * SNAP_BLOCK, r1 = r0 + SNAP_BLOCK < h.rows[TBL_ACTIVITIES] ? r0 + SNAP_BLOCK : h.rows[TBL_ACTIVITIES];
                if (checksum(b + sec[i].offset + r0 * sz, (r1 - r0) * sz, i) != blk[(size_t)c * nb + k]) bad = "block checksum";
                else if (!check_values(&columns[i], b + sec[i].offset + r0 * sz, r1 - r0, h.rows, ndict)) bad = columns[i].name;
                else if (bseen) atomic_store_explicit(&bseen[(size_t)c * nb + k], 1, memory_order_release);
            }
            if (all_seen) continue; /* (nothing verified: nothing to give back) */
            if (!bad && bhi > blo) {
                uint64_t r1 = bhi * SNAP_BLOCK < h.rows[TBL_ACTIVITIES] ? bhi * SNAP_BLOCK : h.rows[TBL_ACTIVITIES];
                drop(b + sec[i].offset + blo * SNAP_BLOCK * sz, (r1 - blo * SNAP_BLOCK) * sz);
            }
        }
    }
    if (!bad && badval) bad = badval; /* (checked with its checksum, above) */
    if (bad) {
        free(sec);
        DAMAGED("values out of range (%s)", bad);
    }
    if (h.data_version != expect_version) {
        free(sec);
        return info->state = SNAP_STALE;
    }
    /* the strings are read at random (a label here, an id there): no
     * read-around of their pages, which would map 16 pages for each */
    if (tl_mapped && ds) {
        uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
        uintptr_t a = ((uintptr_t)(b + sec[SEC_OFF(0)].offset)) & ~(pg - 1);
        uintptr_t e = (uintptr_t)(b + sec[SEC_HASH].offset + sec[SEC_HASH].bytes);
        if (e > a) (void)madvise((void *)a, e - a, MADV_RANDOM);
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
        ds->dict.vfirst = 0;
        ds->dict.nlazy = 0;
        ds->dict.hash_state = want ? 0 : 1;
        snap_lazy *z = xcalloc(1, sizeof *z);
        z->base = b;
        z->mapped = tl_mapped;
        z->seen = tl_seen;
        z->h = h;
        memcpy(z->sec, sec, sizeof z->sec);
        /* the zeros the columns not exposed read (an untouched anonymous
         * mapping: no memory) */
        uint64_t zbytes = 0;
        for (size_t i = 0; i < NCOLS; i++)
            if (use[columns[i].table] && !real[i] && !gone[i] && h.rows[columns[i].table] * columns[i].size > zbytes)
                zbytes = h.rows[columns[i].table] * columns[i].size;
        if (zbytes) {
            void *zm = mmap(NULL, zbytes, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (zm == MAP_FAILED) {
                free(z);
                free(sec);
                DAMAGED("cannot map %llu bytes of zeros", (unsigned long long)zbytes);
            }
            z->zeros = zm;
            z->nzeros = zbytes;
        }
        bool all = true;
        for (int g = 0; g < LABELS; g++) all = all && eager[g];
        if (!all) {
            ds->dict.vfirst = lfirst;
            uint64_t first = 0;
            for (int g = 0; g < LABELS; g++) {
                if (h.gcodes[g]) {
                    size_t k = ds->dict.nlazy++;
                    z->group[k] = g;
                    ds->dict.lazy[k] = (sp_dict_range){(uint32_t)first, (uint32_t)(first + h.gcodes[g]), eager[g] ? 1 : 0};
                }
                first += h.gcodes[g];
            }
        }
        ds->dict.lazy_ctx = z;
        ds->dict.lazy_verify = lazy_verify;
        ds->dict.lazy_free = lazy_free;
        for (size_t i = 0; i < NCOLS; i++) {
            uint64_t skip = ranged && columns[i].table == TBL_ACTIVITIES ? afirst * columns[i].size : 0;
            *column_slot(ds, &columns[i]) = real[i] ? (void *)(b + sec[i].offset + skip) : gone[i] ? NULL : z->zeros;
        }
        for (int t = 0; t < TBL_COUNT; t++) {
            size_t *tn = table_of(ds, t);
            tn[0] = tn[1] = use[t] ? h.rows[t] : 0; /* a table not verified is not seen */
        }
        if (ranged) ds->activities.n = ds->activities.cap = an;
        if (index) {
            ds->touch = (sp_day_index){(const uint32_t *)(b + sec[SEC_TOFF].offset), (const sp_day *)(b + sec[SEC_TDAY].offset)};
            ds->visit = (sp_day_index){(const uint32_t *)(b + sec[SEC_VOFF].offset), (const sp_day *)(b + sec[SEC_VDAY].offset)};
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

/* A mapping of the file, with what this process verified of it. With the
 * cache on (snapshot_cache(true): the server), the current mapping is kept
 * and shared by the loads that find the same file (device, inode, size,
 * change and modification times): each section is verified once per
 * mapping, not once per request. A dataset holds a reference; a mapping is
 * unmapped when no dataset holds it and it is not the current one. */
typedef struct snap_map {
    void *p;
    size_t n;
    dev_t dev;
    ino_t ino;
    struct timespec mtime, ctime;
    char *path;
    unsigned refs;                     /* datasets, + 1 while current (under map_mu) */
    snap_seen seen;
} snap_map;

static pthread_mutex_t map_mu = PTHREAD_MUTEX_INITIALIZER;
static snap_map *map_cur;              /* the cache (NULL when off or nothing yet) */
static atomic_bool map_cache_on;

static void map_unref(snap_map *m) /* under map_mu */
{
    if (--m->refs) return;
    if (m->n) munmap(m->p, m->n);
    free(m->seen.blk);
    free(m->path);
    free(m);
}

static void unmap(void *owner)
{
    pthread_mutex_lock(&map_mu);
    map_unref(owner);
    pthread_mutex_unlock(&map_mu);
}

uint64_t snapshot_checked_bytes(void) { return tl_ck_bytes; }

void snapshot_cache(bool on)
{
    atomic_store(&map_cache_on, on);
    if (on) return;
    pthread_mutex_lock(&map_mu);
    if (map_cur) map_unref(map_cur);
    map_cur = NULL;
    pthread_mutex_unlock(&map_mu);
}

static bool same_file(const snap_map *m, const char *path, const struct stat *st)
{
    return m->dev == st->st_dev && m->ino == st->st_ino && m->n == (size_t)st->st_size &&
           m->mtime.tv_sec == st->st_mtim.tv_sec && m->mtime.tv_nsec == st->st_mtim.tv_nsec &&
           m->ctime.tv_sec == st->st_ctim.tv_sec && m->ctime.tv_nsec == st->st_ctim.tv_nsec && strcmp(m->path, path) == 0;
}

sp_snap_state snapshot_open(const char *path, int schema_version, uint64_t expect_version, sp_dataset *ds,
                            const bool *want, sp_snap_info *info)
{
    return snapshot_open_ex(path, schema_version, expect_version, ds, want, NULL, false, SP_DAY_MIN, SP_DAY_MAX, info);
}

sp_snap_state snapshot_open_ex(const char *path, int schema_version, uint64_t expect_version, sp_dataset *ds,
                               const bool *want, const uint32_t *cols, int touch_only, sp_day act_from, sp_day act_to,
                               sp_snap_info *info)
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
    bool cache = atomic_load(&map_cache_on);
    snap_map *m = NULL;
    pthread_mutex_lock(&map_mu);
    if (cache && map_cur && same_file(map_cur, path, &st)) {
        m = map_cur;
        m->refs++;
    }
    pthread_mutex_unlock(&map_mu);
    if (!m) {
        size_t n = (size_t)st.st_size;
        void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            close(fd);
            DAMAGED("cannot map: %s", strerror(errno));
        }
        m = xcalloc(1, sizeof *m);
        m->p = p;
        m->n = n;
        m->dev = st.st_dev;
        m->ino = st.st_ino;
        m->mtime = st.st_mtim;
        m->ctime = st.st_ctim;
        m->path = xstrdup(path);
        m->refs = 1;
        if (cache) {
            pthread_mutex_lock(&map_mu);
            if (map_cur) map_unref(map_cur);
            map_cur = m;
            m->refs++;
            pthread_mutex_unlock(&map_mu);
        }
    }
    close(fd);
    bool saved = tl_mapped;
    snap_seen *saved_seen = tl_seen;
    tl_mapped = true; /* p is our read-only mapping of the file: verified pages may be dropped */
    tl_seen = cache ? &m->seen : NULL;
    sp_snap_state s = snapshot_check_ex(m->p, m->n, schema_version, expect_version, info, ds, want, cols, touch_only,
                                        act_from, act_to);
    tl_mapped = saved;
    tl_seen = saved_seen;
    if (s != SNAP_FRESH || !ds) {
        unmap(m);
        return s;
    }
    ds->owner = m;
    ds->release = unmap;
    dataset_index(ds);
    return s;
}

/* ---- the base of a patched snapshot ---- */

/* base_of: p[0..n) checked as the snapshot of expect_version: the header,
 * the layout and the labels here; each copied section's checksum and codes
 * as it is copied (snapshot_writer_copy), so that the base is read once,
 * and dropped from memory as it goes. owned: munmap on close. */
static sp_snap_base *base_of(const void *p, size_t n, int schema_version, uint64_t expect_version, bool owned)
{
    sp_snap_info info;
    bool none[TBL_COUNT] = {false};
    if (snapshot_check_ex(p, n, schema_version, expect_version, &info, NULL, none, NULL, false, SP_DAY_MIN, SP_DAY_MAX) !=
        SNAP_FRESH)
        return NULL;
    sp_snap_base *b = xcalloc(1, sizeof *b);
    b->p = p;
    b->n = n;
    b->owned = owned;
    memcpy(&b->h, p, sizeof b->h);
    memcpy(b->sec, b->p + sizeof b->h, sizeof b->sec);
    uint64_t first = 0;
    for (int g = 0; g < NGROUPS; g++) {
        b->gfirst[g] = first;
        first += b->h.gcodes[g];
    }
    const uint32_t *off = (const uint32_t *)(const void *)(b->p + b->sec[SEC_OFF(LABELS)].offset);
    const char *blob0 = (const char *)(b->p + b->sec[SEC_BLOB(0)].offset);
    uint64_t k = b->h.gcodes[LABELS];
    while (k && !blob0[off[k - 1]]) k--; /* the padding codes: empty (a label never is) */
    b->nlabels = k;
    return b;
}

sp_snap_base *snapshot_base_check(const void *p, size_t n, int schema_version, uint64_t expect_version)
{
    return base_of(p, n, schema_version, expect_version, false);
}

sp_snap_base *snapshot_base_open(const char *path, int schema_version, uint64_t expect_version)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    void *p = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return NULL;
    sp_snap_base *b = base_of(p, n, schema_version, expect_version, true);
    if (!b) munmap(p, n);
    return b;
}

void snapshot_base_rows(const sp_snap_base *b, uint64_t rows[TBL_COUNT])
{
    for (int t = 0; t < TBL_COUNT; t++) rows[t] = b->h.rows[t];
}

void snapshot_base_close(sp_snap_base *b)
{
    if (!b) return;
    if (b->owned) munmap((void *)b->p, b->n);
    free(b);
}
