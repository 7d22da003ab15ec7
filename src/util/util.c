/*
 * util.c — allocation wrappers, buf_t, sp_err and small string helpers.
 * Owns no global state.
 */
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static void oom(void)
{
    fputs("salesplan: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom();
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom();
    return q;
}

void *xreallocarray(void *p, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) oom();
    return xrealloc(p, count * size);
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

uintptr_t arena_add(char **a, size_t *n, size_t *cap, const char *s)
{
    size_t len = strlen(s) + 1;
    if (*n + len > *cap) {
        *cap = (*n + len) * 2;
        *a = xrealloc(*a, *cap);
    }
    memcpy(*a + *n, s, len);
    uintptr_t at = (uintptr_t)*n + 1;
    *n += len;
    return at;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(size_add(n, 1));
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (!b.data) return xstrdup("");
    return buf_detach(&b);
}

size_t size_add(size_t a, size_t b)
{
    if (a > SIZE_MAX - b) oom();
    return a + b;
}

/* ---- buf ---- */

void buf_reserve(buf_t *b, size_t extra)
{
    size_t need = size_add(size_add(b->len, extra), 1);
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

void buf_append(buf_t *b, const void *p, size_t n)
{
    buf_reserve(b, n);
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_puts(buf_t *b, const char *s) { buf_append(b, s, strlen(s)); }
void buf_putc(buf_t *b, char c) { buf_append(b, &c, 1); }

void buf_vprintf(buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) return;
    buf_reserve(b, (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_printf(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_clear(buf_t *b)
{
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

void buf_free(buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

const char *buf_cstr(const buf_t *b) { return b->data ? b->data : ""; }

char *buf_detach(buf_t *b)
{
    char *p = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

/* ---- strpool: open addressing hash set of arena-allocated strings ----
 * Each slot caches the string's hash and length, so a probe compares two
 * integers before it touches the bytes. */

typedef struct pool_chunk {
    struct pool_chunk *next;
    size_t used, cap;
    char data[];
} pool_chunk;

typedef struct pool_slot {
    const char *s;       /* NULL = empty */
    uint32_t hash;
    uint32_t len;
} pool_slot;

struct strpool {
    pool_slot *slots;
    size_t nslots, count;
    pool_chunk *chunks;
};

/* hash_bytes: a 64-bit multiply-mix hash reading 8 bytes at a time. */
static uint64_t hash_bytes(const char *s, size_t n)
{
    const uint64_t m = 0x9E3779B97F4A7C15ULL;
    uint64_t h = (uint64_t)n * m;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * m;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * m;
    h ^= h >> 32;
    h *= 0xD6E8FEB86659FD93ULL;
    h ^= h >> 32;
    return h;
}

strpool_t *strpool_new(void)
{
    strpool_t *p = xcalloc(1, sizeof *p);
    p->nslots = 1024;
    p->slots = xcalloc(p->nslots, sizeof *p->slots);
    return p;
}

void strpool_free(strpool_t *p)
{
    if (!p) return;
    pool_chunk *c = p->chunks;
    while (c) {
        pool_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(p->slots);
    free(p);
}

static char *pool_alloc(strpool_t *p, size_t n)
{
    if (!p->chunks || p->chunks->cap - p->chunks->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        pool_chunk *c = xmalloc(size_add(sizeof *c, cap));
        c->used = 0;
        c->cap = cap;
        c->next = p->chunks;
        p->chunks = c;
    }
    char *r = p->chunks->data + p->chunks->used;
    p->chunks->used += n;
    return r;
}

static void pool_grow(strpool_t *p)
{
    size_t n2 = p->nslots * 2;
    pool_slot *s2 = xcalloc(n2, sizeof *s2);
    for (size_t i = 0; i < p->nslots; i++) {
        if (!p->slots[i].s) continue;
        size_t j = p->slots[i].hash & (n2 - 1);
        while (s2[j].s) j = (j + 1) & (n2 - 1);
        s2[j] = p->slots[i];
    }
    free(p->slots);
    p->slots = s2;
    p->nslots = n2;
}

const char *strpool_intern(strpool_t *p, const char *s, size_t n)
{
    if (n == (size_t)-1) n = strlen(s);
    if (n > UINT32_MAX) abort(); /* strings this long never reach the pool */
    if ((p->count + 1) * 2 > p->nslots) pool_grow(p);
    uint32_t h = (uint32_t)hash_bytes(s, n);
    size_t j = h & (p->nslots - 1);
    while (p->slots[j].s) {
        const pool_slot *t = &p->slots[j];
        if (t->hash == h && t->len == n && memcmp(t->s, s, n) == 0) return t->s;
        j = (j + 1) & (p->nslots - 1);
    }
    char *c = pool_alloc(p, size_add(n, 1));
    memcpy(c, s, n);
    c[n] = '\0';
    p->slots[j] = (pool_slot){c, h, (uint32_t)n};
    p->count++;
    return c;
}

size_t strpool_count(const strpool_t *p) { return p->count; }

const char *strpool_copy(strpool_t *p, const char *s, size_t n)
{
    char *c = pool_alloc(p, size_add(n, 1));
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

/* ---- errors ---- */

void err_vset(sp_err *e, sp_errclass cls, const char *fmt, va_list ap)
{
    if (e->cls == SP_OK) e->cls = cls;
    e->count++;
    buf_vprintf(&e->msg, fmt, ap);
    if (e->msg.len == 0 || e->msg.data[e->msg.len - 1] != '\n') buf_putc(&e->msg, '\n');
}

void err_set(sp_err *e, sp_errclass cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_vset(e, cls, fmt, ap);
    va_end(ap);
}

void err_clear(sp_err *e)
{
    e->cls = SP_OK;
    e->count = 0;
    buf_clear(&e->msg);
}

void err_free(sp_err *e)
{
    buf_free(&e->msg);
    e->cls = SP_OK;
    e->count = 0;
}

int err_exit_code(const sp_err *e)
{
    switch (e->cls) {
    case SP_OK: return 0;
    case SP_EUSAGE: return 2;
    default: return 1;
    }
}

int err_http_status(const sp_err *e)
{
    static const int map[SP_ERRCLASS_COUNT] = {
        [SP_OK] = 200,        [SP_EINVAL] = 400,    [SP_EUSAGE] = 400,
        [SP_EFORBIDDEN] = 403, [SP_ENOTFOUND] = 404, [SP_ECONFLICT] = 409,
        [SP_ETRANSIENT] = 503, [SP_EIO] = 500,       [SP_EINTERNAL] = 500,
    };
    return map[e->cls];
}

/* ---- strings ---- */

bool str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

bool str_ieq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

char *str_trim(char *s)
{
    size_t n = strlen(s);
    for (;;) {
        if (n && isspace((unsigned char)s[n - 1])) n--;
        else if (n >= 3 && (unsigned char)s[n - 3] == 0xE3 && (unsigned char)s[n - 2] == 0x80 &&
                 (unsigned char)s[n - 1] == 0x80) n -= 3;
        else break;
    }
    s[n] = '\0';
    size_t i = 0;
    for (;;) {
        if (isspace((unsigned char)s[i])) i++;
        else if ((unsigned char)s[i] == 0xE3 && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0x80) i += 3;
        else break;
    }
    if (i) memmove(s, s + i, n - i + 1);
    return s;
}

size_t utf8_width(const char *s)
{
    size_t w = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        if (n <= 0) { p++; w++; continue; }
        int cw = utf8proc_charwidth(cp);
        w += cw > 0 ? (size_t)cw : 0;
        p += n;
    }
    return w;
}

bool utf8_valid(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) return false;
        i += (size_t)k;
    }
    return true;
}

/* cps: the code points of s into v (at most max); the count, or max + 1
 * when s has more. A byte that is no UTF-8 counts as one code point. */
static size_t cps(const char *s, int32_t *v, size_t max)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t n = 0;
    while (*p) {
        if (n == max) return max + 1;
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0) {
            cp = 0xDC00 | *p; /* a lone byte: a code point of its own */
            k = 1;
        }
        v[n++] = cp;
        p += k;
    }
    return n;
}

size_t str_distance(const char *a, const char *b)
{
    int32_t va[64], vb[64];
    size_t la = cps(a, va, 64), lb = cps(b, vb, 64);
    if (la > 64 || lb > 64) {
        size_t x = strlen(a), y = strlen(b);
        return x > y ? x : y;
    }
    size_t prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++) prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t c = prev[j - 1] + (va[i - 1] != vb[j - 1]);
            size_t d = prev[j] + 1, e2 = cur[j - 1] + 1;
            cur[j] = c < d ? (c < e2 ? c : e2) : (d < e2 ? d : e2);
        }
        memcpy(prev, cur, sizeof prev);
    }
    return prev[lb];
}

void utf8_truncate(const char *s, size_t width, buf_t *out)
{
    if (!s) return;
    if (width == 0 || utf8_width(s) <= width) {
        buf_puts(out, s);
        return;
    }
    /* keep characters while they fit in width - 1 columns, then "…" */
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t w = 0;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n = utf8proc_iterate(p, -1, &cp);
        int cw = 1;
        if (n <= 0) n = 1;
        else cw = utf8proc_charwidth(cp) > 0 ? utf8proc_charwidth(cp) : 0;
        if (w + (size_t)cw > width - 1) break;
        buf_append(out, p, (size_t)n);
        w += (size_t)cw;
        p += n;
    }
    buf_puts(out, "\xe2\x80\xa6"); /* … (one column) */
}

void text_join_lines(const char *s, const char *sep, buf_t *out)
{
    if (!s) return;
    for (; *s; s++) {
        if (*s == '\n') buf_puts(out, sep);
        else buf_putc(out, *s);
    }
}

int money_unit_parse(const char *s)
{
    if (!s) return -1;
    if (strcmp(s, "yuan") == 0 || strcmp(s, "元") == 0) return MONEY_YUAN;
    if (strcmp(s, "wan") == 0 || strcmp(s, "万") == 0) return MONEY_WAN;
    return -1;
}

/* grouped: the digits of v with a ',' every three, into out. */
static char *grouped(uint64_t v, char *out)
{
    char tmp[32];
    int len = snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    int o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = tmp[i];
    }
    out[o] = '\0';
    return out;
}

char *money_shown(int64_t fen, sp_money_unit unit, char *buf)
{
    uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
    const char *sign = fen < 0 ? "-" : "";
    char g[40];
    if (unit == MONEY_WAN) {
        /* 1万 = 10^6 fen; two decimals of 万 = 10^4 fen, rounded half up */
        uint64_t hundredths = (mag + 5000) / 10000;
        unsigned frac = (unsigned)(hundredths % 100);
        grouped(hundredths / 100, g);
        if (hundredths == 0) sign = "";
        if (frac == 0) snprintf(buf, 48, "%s%s万", sign, g);
        else if (frac % 10 == 0) snprintf(buf, 48, "%s%s.%u万", sign, g, frac / 10);
        else snprintf(buf, 48, "%s%s.%02u万", sign, g, frac);
        return buf;
    }
    grouped(mag / 100, g);
    snprintf(buf, 48, "%s%s.%02u", sign, g, (unsigned)(mag % 100));
    return buf;
}
