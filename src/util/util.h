/*
 * util.h — allocation wrappers, the growable buffer, the string pool and the
 * error value used everywhere.
 *
 * Owns: nothing global. Must not include anything from core/, store/, io/, cli/.
 * Allocation wrappers abort on out-of-memory (a programming-level failure we do
 * not try to recover from); every other failure is returned as an sp_err.
 */
#ifndef SP_UTIL_H
#define SP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define SP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SP_PRINTF(a, b)
#endif

/* ---- allocation (abort on OOM, size sums checked) ---- */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: realloc to count*size, aborting on overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
/* arena_add: appends s and its NUL to the growable block *a (*n bytes used
 * of *cap), returning s's offset + 1 (so that 0 stays free for none): the
 * strings of a batch of records kept as offsets while the block may move. */
uintptr_t arena_add(char **a, size_t *n, size_t *cap, const char *s);
char *xstrndup(const char *s, size_t n);
/* xasprintf: formatted string in a new allocation; caller frees. */
char *xasprintf(const char *fmt, ...) SP_PRINTF(1, 2);
/* size_add: a + b, aborting on overflow. */
size_t size_add(size_t a, size_t b);

/* ---- growable byte buffer; always NUL-terminated when data != NULL ---- */
typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf_t;

#define BUF_INIT {NULL, 0, 0}
void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
void buf_printf(buf_t *b, const char *fmt, ...) SP_PRINTF(2, 3);
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
void buf_clear(buf_t *b);            /* len = 0, keeps memory */
void buf_free(buf_t *b);             /* releases memory */
/* buf_cstr: the contents as a C string ("" when empty); owned by the buffer. */
const char *buf_cstr(const buf_t *b);
/* buf_detach: hands the heap string to the caller (who frees it); resets b. */
char *buf_detach(buf_t *b);

/* ---- string pool: interns strings so equal strings share one pointer ---- */
typedef struct strpool strpool_t;
strpool_t *strpool_new(void);
void strpool_free(strpool_t *p);
/* strpool_intern: the pooled copy of s[0..n) (NUL-terminated); lives as long
 * as the pool. n == (size_t)-1 means strlen(s). */
const char *strpool_intern(strpool_t *p, const char *s, size_t n);
size_t strpool_count(const strpool_t *p);
/* strpool_copy: a copy of s[0..n) in the pool's memory WITHOUT interning
 * (for values known to be unique, like record ids: cheaper, and equal
 * strings do not share a pointer). Lives as long as the pool. */
const char *strpool_copy(strpool_t *p, const char *s, size_t n);

/* ---- errors as values ---- */
typedef enum sp_errclass {
    SP_OK = 0,
    SP_EINVAL,     /* invalid input: exit 1 / HTTP 400 */
    SP_EUSAGE,     /* bad usage: exit 2 / HTTP 400 */
    SP_EFORBIDDEN, /* HTTP 403 (or 404 to hide existence) */
    SP_ENOTFOUND,  /* HTTP 404 */
    SP_ECONFLICT,  /* HTTP 409 */
    SP_ETRANSIENT, /* busy / serialization failure: HTTP 503 */
    SP_EIO,        /* cannot read / write a file */
    SP_EINTERNAL,  /* a bug or backend failure: HTTP 500 */
    SP_ERRCLASS_COUNT
} sp_errclass;

/* An error: a class plus a message buffer (possibly many lines, one per
 * problem, each "FILE:LINE:COL: message"). */
typedef struct sp_err {
    sp_errclass cls;
    int count;   /* how many problems were recorded */
    buf_t msg;   /* lines, each ending in '\n' */
} sp_err;

#define SP_ERR_INIT {SP_OK, 0, BUF_INIT}
/* err_set: record one problem (appends a line); the first class set wins. */
void err_set(sp_err *e, sp_errclass cls, const char *fmt, ...) SP_PRINTF(3, 4);
void err_vset(sp_err *e, sp_errclass cls, const char *fmt, va_list ap);
void err_clear(sp_err *e);
void err_free(sp_err *e);
static inline bool err_ok(const sp_err *e) { return e->cls == SP_OK; }
/* err_exit_code: 0 ok, 2 usage, 1 anything else. */
int err_exit_code(const sp_err *e);
/* err_http_status: 200, 400, 403, 404, 409, 503, 500. */
int err_http_status(const sp_err *e);

/* ---- small helpers ---- */
bool str_eq(const char *a, const char *b);            /* NULL-safe */
bool str_ieq(const char *a, const char *b);           /* ASCII case-blind */
/* str_trim: trims ASCII white space in place (and full-width spaces U+3000);
 * returns s. */
char *str_trim(char *s);
/* utf8_width: display columns of a UTF-8 string (CJK wide = 2). */
size_t utf8_width(const char *s);
/* utf8_valid: whether s[0..n) is valid UTF-8. */
bool utf8_valid(const char *s, size_t n);
/* str_distance: Levenshtein distance of two short UTF-8 strings, counted in
 * code points (华男 → 华南 is 1), for "did you mean". Strings over 64 code
 * points answer the longer length. */
size_t str_distance(const char *a, const char *b);
/* utf8_truncate: s cut to at most width display columns (utf8_width), by
 * whole characters, with "…" as the last column when cut; appended to out.
 * width 0 means no limit. */
void utf8_truncate(const char *s, size_t width, buf_t *out);
/* ---- money for people (the machine forms are core/value.c's) ---- */
typedef enum sp_money_unit { MONEY_YUAN, MONEY_WAN, MONEY_UNIT_COUNT } sp_money_unit;
/* money_unit_parse: "yuan" / "元" → MONEY_YUAN, "wan" / "万" → MONEY_WAN;
 * -1 otherwise. */
int money_unit_parse(const char *s);
/* money_shown: an amount in fen as people read it, into buf (>= 48 bytes):
 * MONEY_YUAN "1,234,567.89"; MONEY_WAN in 万 with at most two decimals
 * (rounded half away from zero, trailing zeros dropped), grouped:
 * 5000万 → "5,000万", 45,205,479.45 → "4,520.55万". Returns buf. */
char *money_shown(int64_t fen, sp_money_unit unit, char *buf);

/* text_join_lines: s with every newline replaced by sep (a list kept one
 * item per line, shown on one line), appended to out. */
void text_join_lines(const char *s, const char *sep, buf_t *out);

#endif
