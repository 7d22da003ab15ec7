/*
 * csv_read.c — the delimited-text reader of csv_read.h, and the CSV field
 * writer used for exports and reject files.
 *
 * Owns: encoding detection and streaming conversion to UTF-8 (BOM sniffing,
 * UTF-16 through iconv, a UTF-8 validity check that falls back to GB18030 when
 * the input so far was plain ASCII), delimiter detection, and an RFC 4180
 * state machine that counts physical lines. Nothing else: the meaning of the
 * columns belongs to import.c.
 *
 * Streaming: the input is read in chunks (1 MiB by default) into `raw`; in
 * UTF-8 mode the parse window is `raw` itself (validated in place), otherwise
 * iconv converts `raw` into `dec` and the window is `dec`. Bytes of a
 * multibyte sequence split across two chunks stay pending until the next
 * read. A record is copied into one reusable buffer (fields separated by NUL),
 * so the hot path does no allocation per field or per record once the buffers
 * have grown.
 */
#include "csv_read.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../util/i18n.h"

#define CSV_CHUNK ((size_t)1 << 20)
#define CSV_MAX_FIELD ((size_t)1 << 20)
#define CSV_MAX_FIELDS 4096
#define CSV_MAX_RECORD ((size_t)16 << 20)
/* how much of the first line delimiter detection looks at */
#define CSV_SNIFF ((size_t)64 << 10)

enum { ENC_UTF8, ENC_ICONV };
enum { S_START, S_UNQ, S_QUO, S_QUO_END };
enum { CL_PLAIN, CL_DELIM, CL_LF, CL_CR, CL_QUOTE, CL_NUL };

struct sp_csv {
    char *name;
    /* source */
    FILE *fp;
    bool own_fp;
    bool regular;        /* a regular file: its size is known, shrinking is an error */
    long long start_off; /* where reading started in it (stdin may be positioned) */
    char *mem;
    size_t memlen, mempos;
    bool src_eof;
    size_t consumed, total;
    size_t chunk;
    /* raw bytes: in UTF-8 mode [p,e) lies inside raw and `tail` unvalidated
     * bytes follow e; in iconv mode raw[0..rawlen) is input not yet converted */
    char *raw;
    size_t rawcap, rawlen, tail;
    /* converted bytes (iconv mode) */
    char *dec;
    size_t deccap;
    const char *p, *e;
    int mode;
    bool auto_enc;       /* no BOM, no --encoding: may switch to GB18030 */
    bool saw_non_ascii;  /* UTF-8 mode: non-ASCII bytes were seen */
    bool bad_input;      /* the window ends at an invalid byte sequence */
    bool enc_unknown;    /* ... and the bytes are neither UTF-8 nor GB18030 */
    bool detected;       /* the encoding was detected, not named by the caller */
    bool first_window;
    iconv_t cd;
    char encoding[32];
    /* parser */
    char delim;
    unsigned char cls[256];
    size_t line;         /* current physical line */
    size_t rec_line;     /* where the last record started */
    bool skip_lf;        /* a CR ended the last line: a LF right after belongs to it */
    bool failed;
    /* the record */
    char *rb;
    size_t rlen, rcap;
    size_t *fo;          /* start offsets of the fields */
    char **fv;           /* field pointers handed out */
    size_t nf;
};

/* src_read: reads up to n bytes of the source into dst; 0 at the end.
 * Returns (size_t)-1 on a read error (err set). */
static size_t src_read(sp_csv *c, char *dst, size_t n, sp_err *err)
{
    if (c->src_eof || n == 0) return 0;
    size_t got;
    if (c->fp) {
        got = fread(dst, 1, n, c->fp);
        if (got < n) {
            if (ferror(c->fp)) {
                err_set(err, SP_EIO, "%s: %s", c->name, sys_errmsg(errno ? errno : EIO));
                return (size_t)-1;
            }
            if (got == 0) {
                c->src_eof = true;
                if (c->regular && c->consumed < c->total) {
                    err_set(err, SP_EIO,
                            _("%s: the file changed while being read (%zu bytes when opened, %zu read): "
                              "import it again once nothing writes to it"),
                            c->name, c->total, c->consumed);
                    return (size_t)-1;
                }
            }
        }
    } else {
        got = c->memlen - c->mempos < n ? c->memlen - c->mempos : n;
        memcpy(dst, c->mem + c->mempos, got);
        c->mempos += got;
        if (got == 0) c->src_eof = true;
    }
    c->consumed += got;
    return got;
}

/* utf8_prefix: length of the longest prefix of s[0..n) that is valid UTF-8
 * (overlongs, surrogates and code points above U+10FFFF are invalid). Sets
 * *incomplete when the invalid part is only a sequence cut off by the end
 * of the buffer, *non_ascii when a byte >= 0x80 was seen. */
static size_t utf8_prefix(const unsigned char *s, size_t n, bool *incomplete, bool *non_ascii)
{
    size_t i = 0;
    *incomplete = false;
    for (;;) {
        /* ASCII fast path, 8 bytes at a time */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        while (i < n && s[i] < 0x80) i++;
        if (i >= n) return n;
        *non_ascii = true;
        unsigned char b = s[i];
        size_t len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) len = 2;
        else if (b == 0xE0) len = 3, lo = 0xA0;
        else if (b >= 0xE1 && b <= 0xEC) len = 3;
        else if (b == 0xED) len = 3, hi = 0x9F;
        else if (b >= 0xEE && b <= 0xEF) len = 3;
        else if (b == 0xF0) len = 4, lo = 0x90;
        else if (b >= 0xF1 && b <= 0xF3) len = 4;
        else if (b == 0xF4) len = 4, hi = 0x8F;
        else return i;
        for (size_t k = 1; k < len; k++) {
            if (i + k >= n) {
                *incomplete = true;
                return i;
            }
            unsigned char x = s[i + k];
            if (k == 1 ? (x < lo || x > hi) : (x < 0x80 || x > 0xBF)) return i;
        }
        i += len;
    }
}

/* ---- encoding detection (no BOM, no --encoding) ----
 * The counts below are taken over the whole input when it can be read twice
 * (a regular file, a buffer), else over the first chunk holding a non-ASCII
 * byte. UTF-8: valid multibyte sequences (u_ok) against invalid bytes
 * (u_bad). GB18030: two-byte pairs whose second byte is >= 0x80 (g_hi: the
 * GB2312 range where nearly all Chinese text lies, and 4-byte sequences),
 * pairs with an ASCII second byte (g_lo: rare characters, but also what a
 * Latin-1 letter followed by an ASCII one looks like) and bytes that fit no
 * sequence (g_bad). */
typedef struct enc_count {
    size_t u_ok, u_bad, g_hi, g_lo, g_bad;
    size_t line;           /* physical lines ended before the first invalid UTF-8 byte */
    bool cr;               /* the last byte counted was a CR */
    size_t bad_line;       /* 1-based line of the first invalid UTF-8 byte, 0: none */
} enc_count;

typedef enum { GUESS_UTF8, GUESS_GB18030, GUESS_NEITHER } enc_guess;

/* count_lines: physical line ends (LF, CRLF, CR) in s[0..n) into k. */
static void count_lines(enc_count *k, const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n') {
            if (!k->cr) k->line++;
            k->cr = false;
        } else if (s[i] == '\r') {
            k->line++;
            k->cr = true;
        } else {
            k->cr = false;
        }
    }
}

/* enc_count_at: counts s[*pu..n) as UTF-8 and s[*pg..n) as GB18030;
 * final: nothing follows. Each scanner stops before a sequence cut off by
 * the end of the buffer and leaves its resume position in *pu / *pg (the
 * two may differ: the caller keeps the bytes from the smaller one). */
static void enc_count_at(enc_count *k, const unsigned char *s, size_t n, bool final, size_t *pu, size_t *pg)
{
    /* UTF-8 */
    size_t i = *pu, stop_u = n;
    for (;;) {
        bool incomplete = false, dummy = false;
        size_t ok = utf8_prefix(s + i, n - i, &incomplete, &dummy);
        /* valid multibyte sequences in s[i..i+ok) */
        for (size_t j = i; j < i + ok; j++)
            if ((s[j] & 0xC0) == 0xC0) k->u_ok++;
        if (!k->bad_line) count_lines(k, s + i, ok);
        i += ok;
        if (i >= n) break;
        if (incomplete && !final) {
            stop_u = i;
            break;
        }
        if (!k->bad_line) k->bad_line = k->line + 1;
        k->u_bad++;
        i++;
    }
    /* GB18030 */
    size_t g = *pg, stop_g = n;
    while (g < n) {
        unsigned char b = s[g];
        if (b < 0x80) {
            g++;
            continue;
        }
        if (b == 0x80 || b == 0xFF) {
            k->g_bad++;
            g++;
            continue;
        }
        if (g + 1 >= n) {
            if (!final) stop_g = g;
            else k->g_bad++;
            break;
        }
        unsigned char t = s[g + 1];
        if (t >= 0x30 && t <= 0x39) {
            if (g + 3 >= n && !final) {
                stop_g = g;
                break;
            }
            if (g + 3 < n && s[g + 2] >= 0x81 && s[g + 2] <= 0xFE && s[g + 3] >= 0x30 && s[g + 3] <= 0x39) {
                k->g_hi++;
                g += 4;
            } else {
                k->g_bad++;
                g++;
            }
        } else if (t >= 0x80 && t <= 0xFE) {
            k->g_hi++;
            g += 2;
        } else if (t >= 0x40 && t <= 0x7E) {
            k->g_lo++;
            g += 2;
        } else {
            k->g_bad++;
            g++;
        }
    }
    *pu = stop_u;
    *pg = stop_g;
}

/* enc_count_buf: counts all of s[0..n) (nothing follows). */
static void enc_count_buf(enc_count *k, const unsigned char *s, size_t n)
{
    size_t pu = 0, pg = 0;
    enc_count_at(k, s, n, true, &pu, &pg);
}

/* enc_decide: UTF-8 when valid, or when valid sequences outnumber invalid
 * bytes four to one (a UTF-8 file with a few bad bytes: those are errors
 * at their lines); GB18030 when its pairs are mostly in the range Chinese
 * text uses; else neither (Latin-1, Windows-1252, binary…). */
static enc_guess enc_decide(const enc_count *k)
{
    if (k->u_bad == 0 || k->u_ok >= 4 * k->u_bad) return GUESS_UTF8;
    if (k->g_hi > 0 && k->g_hi >= 4 * k->g_bad && k->g_hi >= k->g_lo) return GUESS_GB18030;
    return GUESS_NEITHER;
}

/* ensure_raw: grows raw so that at least need bytes fit. */
static void ensure_cap(char **buf, size_t *cap, size_t need)
{
    if (*cap >= need) return;
    size_t n = *cap ? *cap : 4096;
    while (n < need) n = size_add(n, n);
    *buf = xrealloc(*buf, n);
    *cap = n;
}

static bool start_iconv(sp_csv *c, const char *from, sp_err *err)
{
    c->cd = iconv_open("UTF-8", from);
    if (c->cd == (iconv_t)-1) {
        err_set(err, SP_EINVAL, _("%s: unknown encoding '%s'"), c->name, from);
        return false;
    }
    c->mode = ENC_ICONV;
    snprintf(c->encoding, sizeof c->encoding, "%s", from);
    return true;
}

/* refill_iconv: keeps the unconsumed window [p,e) at the front of dec and
 * converts more input after it. Returns 1 when the window grew, 0 at the
 * end of input, -1 on error. */
static int refill_iconv(sp_csv *c, sp_err *err)
{
    size_t keep = (size_t)(c->e - c->p);
    if (keep && c->p != c->dec) memmove(c->dec, c->p, keep);
    ensure_cap(&c->dec, &c->deccap, size_add(keep, size_add(c->chunk * 4, 16)));
    bool need_more = false;
    for (;;) {
        /* read more input unless enough is pending */
        if (!c->src_eof && (c->rawlen < c->chunk || need_more)) {
            ensure_cap(&c->raw, &c->rawcap, size_add(c->rawlen, c->chunk));
            size_t got = src_read(c, c->raw + c->rawlen, c->chunk, err);
            if (got == (size_t)-1) return -1;
            c->rawlen += got;
        }
        if (c->rawlen == 0) {
            c->p = c->dec;
            c->e = c->dec + keep;
            return 0;
        }
        char *in = c->raw, *out = c->dec + keep;
        size_t inleft = c->rawlen, outleft = c->deccap - keep;
        size_t r = iconv(c->cd, &in, &inleft, &out, &outleft);
        int e = r == (size_t)-1 ? errno : 0;
        size_t made = (size_t)(out - (c->dec + keep));
        memmove(c->raw, in, inleft);
        c->rawlen = inleft;
        if (e == EILSEQ || (e == EINVAL && c->src_eof)) c->bad_input = true;
        else if (e && e != EINVAL && e != E2BIG) c->bad_input = true;
        if (made > 0 || c->bad_input) {
            c->p = c->dec;
            c->e = c->dec + keep + made;
            return made > 0 ? 1 : 0;
        }
        if (c->src_eof && c->rawlen == 0) {
            c->p = c->dec;
            c->e = c->dec + keep;
            return 0;
        }
        /* an incomplete sequence only: read more */
        need_more = true;
    }
}

/* switch_to_gb18030: UTF-8 detection failed on plain-ASCII input so far:
 * the rest (raw from the window's end on) is converted from GB18030. The
 * unconsumed window moves to dec. */
static bool switch_to_gb18030(sp_csv *c, size_t from, sp_err *err)
{
    if (!start_iconv(c, "GB18030", err)) return false;
    size_t keep = (size_t)(c->e - c->p);
    ensure_cap(&c->dec, &c->deccap, size_add(keep, size_add(c->chunk * 4, 16)));
    memmove(c->dec, c->p, keep);
    memmove(c->raw, c->raw + from, c->rawlen - from);
    c->rawlen -= from;
    c->p = c->dec;
    c->e = c->dec + keep;
    c->tail = 0;
    return true;
}

/* refill_utf8: keeps [p,e) plus the unvalidated tail at the front of raw,
 * reads a chunk after them and validates it. Returns 1 / 0 / -1 as above. */
static int refill_utf8(sp_csv *c, sp_err *err)
{
    size_t keep = (size_t)(c->e - c->p);
    size_t have = keep + c->tail;
    if (have && c->p != c->raw) memmove(c->raw, c->p, have);
    for (;;) {
        ensure_cap(&c->raw, &c->rawcap, size_add(have, c->chunk));
        c->p = c->raw;
        c->e = c->raw + keep;
        size_t got = src_read(c, c->raw + have, c->chunk, err);
        if (got == (size_t)-1) return -1;
        c->rawlen = have + got;
        if (c->rawlen == keep) return 0;
        bool incomplete, non_ascii = false;
        size_t ok = keep + utf8_prefix((unsigned char *)c->raw + keep, c->rawlen - keep, &incomplete,
                                       &non_ascii);
        if (ok < c->rawlen && (!incomplete || c->src_eof)) {
            /* not UTF-8. A stream that was plain ASCII so far: this chunk
             * decides (enc_decide) */
            if (c->auto_enc && !c->saw_non_ascii) {
                enc_count k = {0};
                enc_count_buf(&k, (const unsigned char *)c->raw + keep, c->rawlen - keep);
                enc_guess g = enc_decide(&k);
                c->auto_enc = false;
                if (g == GUESS_GB18030) {
                    if (!switch_to_gb18030(c, keep, err)) return -1;
                    return refill_iconv(c, err);
                }
                if (g == GUESS_NEITHER) c->enc_unknown = true;
            }
            c->bad_input = true;
        }
        if (non_ascii) c->saw_non_ascii = true;
        c->e = c->raw + ok;
        c->tail = c->bad_input ? 0 : c->rawlen - ok;
        if (ok > keep) return 1;
        if (c->bad_input) return 0;
        /* only part of a multibyte sequence so far: read more */
        have = c->rawlen;
    }
}

/* refill: more data after the unconsumed window; handles a BOM in the very
 * first window. */
static int refill(sp_csv *c, sp_err *err)
{
    if (c->bad_input) return 0;
    int r = c->mode == ENC_UTF8 ? refill_utf8(c, err) : refill_iconv(c, err);
    if (r > 0 && c->first_window) {
        /* a BOM that survived conversion (e.g. a UTF-8 BOM after --encoding UTF-16LE) */
        if (c->e - c->p >= 3 && memcmp(c->p, "\xEF\xBB\xBF", 3) == 0) c->p += 3;
        c->first_window = false;
    }
    return r;
}

/* input_error: the error for an invalid byte sequence at the current line. */
static int input_error(sp_csv *c, sp_err *err)
{
    if (c->enc_unknown)
        err_set(err, SP_EINVAL, _("%s:%zu: the file is neither UTF-8 nor GB18030 text: name its encoding with "
                                  "--encoding (e.g. LATIN1, WINDOWS-1252, BIG5)"),
                c->name, c->line);
    else if (c->mode == ENC_UTF8)
        err_set(err, SP_EINVAL,
                _("%s:%zu: not valid UTF-8 (name the file's encoding with --encoding, e.g. GB18030)"),
                c->name, c->line);
    else if (c->detected)
        err_set(err, SP_EINVAL,
                _("%s:%zu: invalid %s byte sequence (the encoding was detected, not named: name it with --encoding)"),
                c->name, c->line, c->encoding);
    else
        err_set(err, SP_EINVAL, _("%s:%zu: invalid %s byte sequence (wrong --encoding?)"), c->name,
                c->line, c->encoding);
    c->failed = true;
    return -1;
}

/* set_delim: builds the byte classes for delimiter d. */
static void set_delim(sp_csv *c, char d)
{
    c->delim = d;
    memset(c->cls, CL_PLAIN, sizeof c->cls);
    c->cls[(unsigned char)d] = CL_DELIM;
    c->cls['\n'] = CL_LF;
    c->cls['\r'] = CL_CR;
    c->cls['"'] = CL_QUOTE;
    c->cls[0] = CL_NUL;
}

/* sniff_delimiter: looks at the first line (refilling until it is complete,
 * up to CSV_SNIFF bytes): tab when it has more tabs than commas, ';' when it
 * has neither but semicolons, else comma. */
static int sniff_delimiter(sp_csv *c, sp_err *err)
{
    for (;;) {
        const char *nl = memchr(c->p, '\n', (size_t)(c->e - c->p));
        if (nl || (size_t)(c->e - c->p) >= CSV_SNIFF || c->bad_input) break;
        int r = refill(c, err);
        if (r < 0) return -1;
        if (r == 0) break;
    }
    size_t tabs = 0, commas = 0, semis = 0;
    bool q = false;
    for (const char *s = c->p; s < c->e && (q || *s != '\n'); s++) {
        if (*s == '"') q = !q;
        else if (q) continue;
        else if (*s == '\t') tabs++;
        else if (*s == ',') commas++;
        else if (*s == ';') semis++;
    }
    char d = ',';
    if (tabs > commas) d = '\t';
    else if (commas == 0 && semis > 0) d = ';';
    set_delim(c, d);
    return 0;
}

/* csv_start: BOM / encoding setup and the first window. Takes ownership of
 * the source in c. Returns c, or NULL (c freed) on error. */
/* prescan: the encoding counts over the whole input when it can be read
 * twice (a buffer, a regular file: read again with pread, without moving
 * the stream); false when it cannot (a pipe) or on a read error. */
static bool prescan(sp_csv *c, enc_count *k)
{
    memset(k, 0, sizeof *k);
    if (c->mem) {
        enc_count_buf(k, (const unsigned char *)c->mem, c->memlen);
        return true;
    }
    if (!c->regular || !c->fp) return false;
    int fd = fileno(c->fp);
    size_t cap = c->chunk + 4;
    unsigned char *b = xmalloc(cap);
    size_t have = 0, pu = 0, pg = 0;
    long long off = c->start_off;
    bool ok = true;
    for (;;) {
        ssize_t got = pread(fd, b + have, cap - have, (off_t)off);
        if (got < 0) {
            if (errno == EINTR) continue;
            ok = false;
            break;
        }
        off += got;
        have += (size_t)got;
        bool final = got == 0;
        enc_count_at(k, b, have, final, &pu, &pg);
        if (final) break;
        /* keep what a scanner has not counted yet (a few bytes) */
        size_t used = pu < pg ? pu : pg;
        memmove(b, b + used, have - used);
        have -= used;
        pu -= used;
        pg -= used;
    }
    free(b);
    return ok;
}

static sp_csv *csv_start(sp_csv *c, const sp_csv_opts *opts, sp_err *err)
{
    c->line = 1;
    c->first_window = true;
    c->cd = (iconv_t)-1;
    if (!c->chunk) {
        /* a small input of known size needs no 1 MiB buffers (and the
         * 4 MiB conversion buffer that goes with them) */
        c->chunk = CSV_CHUNK;
        if ((c->mem || c->regular) && c->total < CSV_CHUNK) c->chunk = c->total < 4096 ? 4096 : c->total;
    }
    c->rcap = 4096;
    c->rb = xmalloc(c->rcap);
    c->fo = xcalloc(CSV_MAX_FIELDS + 1, sizeof *c->fo);
    c->fv = xcalloc(CSV_MAX_FIELDS + 1, sizeof *c->fv);
    /* the first bytes, for a BOM */
    ensure_cap(&c->raw, &c->rawcap, size_add(c->chunk, 8));
    size_t have = 0;
    while (have < 4) {
        size_t got = src_read(c, c->raw + have, 4 - have, err);
        if (got == (size_t)-1) goto fail;
        if (got == 0) break;
        have += got;
    }
    const unsigned char *b = (const unsigned char *)c->raw;
    const char *enc = opts ? opts->encoding : NULL;
    size_t bom = 0;
    const char *bom_enc = NULL;
    if (have >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) bom = 3, bom_enc = "UTF-8";
    else if (have >= 2 && b[0] == 0xFF && b[1] == 0xFE) bom = 2, bom_enc = "UTF-16LE";
    else if (have >= 2 && b[0] == 0xFE && b[1] == 0xFF) bom = 2, bom_enc = "UTF-16BE";
    if (enc && *enc) {
        /* the user's name wins; a BOM of the same family is dropped */
        bool utf8 = strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
        bool utf16 = strncasecmp(enc, "UTF-16", 6) == 0 || strncasecmp(enc, "UTF16", 5) == 0;
        if (!((utf8 && bom == 3) || (utf16 && bom == 2))) bom = 0;
        if (utf8) {
            c->mode = ENC_UTF8;
            snprintf(c->encoding, sizeof c->encoding, "UTF-8");
        } else if (!start_iconv(c, enc, err)) {
            goto fail;
        }
        /* "UTF-16" alone means: BOM says the byte order */
        if (utf16 && (strcasecmp(enc, "UTF-16") == 0 || strcasecmp(enc, "UTF16") == 0) && bom_enc)
            snprintf(c->encoding, sizeof c->encoding, "%s", bom_enc), bom = 0;
    } else if (bom_enc) {
        c->detected = true;
        if (bom == 3) {
            c->mode = ENC_UTF8;
            snprintf(c->encoding, sizeof c->encoding, "UTF-8");
        } else if (!start_iconv(c, bom_enc, err)) {
            goto fail;
        }
    } else if (have >= 2 && b[0] && !b[1]) {
        c->detected = true;
        if (!start_iconv(c, "UTF-16LE", err)) goto fail; /* ASCII text in UTF-16LE */
    } else if (have >= 2 && !b[0] && b[1]) {
        c->detected = true;
        if (!start_iconv(c, "UTF-16BE", err)) goto fail;
    } else {
        c->mode = ENC_UTF8;
        c->detected = true;
        snprintf(c->encoding, sizeof c->encoding, "UTF-8");
        /* the whole input decides when it can be read twice; a stream is
         * decided by its first chunk with non-ASCII bytes (refill_utf8) */
        enc_count k;
        if (prescan(c, &k)) {
            enc_guess g = enc_decide(&k);
            if (g == GUESS_GB18030) {
                if (!start_iconv(c, "GB18030", err)) goto fail;
            } else if (g == GUESS_NEITHER) {
                c->enc_unknown = true;
                c->line = k.bad_line ? k.bad_line : 1;
                input_error(c, err);
                goto fail;
            }
        } else {
            c->auto_enc = true;
        }
    }
    memmove(c->raw, c->raw + bom, have - bom);
    have -= bom;
    if (c->mode == ENC_UTF8) {
        /* the bytes read so far are the unvalidated tail of an empty window */
        c->p = c->e = c->raw;
        c->tail = have;
    } else {
        c->rawlen = have;
        ensure_cap(&c->dec, &c->deccap, c->chunk * 4 + 16);
        c->p = c->e = c->dec;
    }
    if (opts && opts->delimiter) {
        set_delim(c, opts->delimiter);
    } else if (sniff_delimiter(c, err) < 0) {
        goto fail;
    }
    return c;
fail:
    csv_close(c);
    return NULL;
}

sp_csv *csv_open(const char *path, const sp_csv_opts *opts, sp_err *err)
{
    sp_csv *c = xcalloc(1, sizeof *c);
    c->cd = (iconv_t)-1;
    c->name = xstrdup(path);
    int fd;
    bool is_stdin = strcmp(path, "-") == 0;
    if (is_stdin) {
        fd = STDIN_FILENO;
    } else {
        /* O_NONBLOCK: opening a FIFO that has no writer must not hang (it
         * then reads as empty); blocking reads are restored below */
        fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
            csv_close(c);
            return NULL;
        }
    }
    struct stat stt;
    if (fstat(fd, &stt) != 0) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
        if (!is_stdin) close(fd);
        csv_close(c);
        return NULL;
    }
    /* regular files and pipes are read; a directory, a device (/dev/zero
     * would never end) or a socket is refused (standard input is read as
     * it comes) */
    const char *refuse = NULL;
    if (S_ISDIR(stt.st_mode)) refuse = sys_errmsg(EISDIR);
    else if (!is_stdin && !S_ISREG(stt.st_mode) && !S_ISFIFO(stt.st_mode))
        refuse = _("not a regular file (a device or a socket cannot be imported)");
    if (refuse) {
        err_set(err, SP_EIO, "%s: %s", path, refuse);
        if (!is_stdin) close(fd);
        csv_close(c);
        return NULL;
    }
    if (is_stdin) {
        c->fp = stdin;
    } else {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        c->fp = fdopen(fd, "rb");
        if (!c->fp) {
            err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
            close(fd);
            csv_close(c);
            return NULL;
        }
        c->own_fp = true;
    }
    if (S_ISREG(stt.st_mode)) {
        off_t at = lseek(fd, 0, SEEK_CUR);
        c->start_off = at > 0 ? (long long)at : 0;
        if (stt.st_size >= c->start_off) {
            c->regular = true;
            c->total = (size_t)(stt.st_size - c->start_off);
        }
    }
    return csv_start(c, opts, err);
}

sp_csv *csv_open_mem_chunked(const char *data, size_t len, const char *name, const sp_csv_opts *opts,
                             size_t chunk, sp_err *err)
{
    sp_csv *c = xcalloc(1, sizeof *c);
    c->cd = (iconv_t)-1;
    c->name = xstrdup(name ? name : "<input>");
    c->mem = xmalloc(len ? len : 1);
    if (len) memcpy(c->mem, data, len);
    c->memlen = len;
    c->total = len;
    c->chunk = chunk; /* 0: csv_start picks */
    return csv_start(c, opts, err);
}

sp_csv *csv_open_mem(const char *data, size_t len, const char *name, const sp_csv_opts *opts, sp_err *err)
{
    return csv_open_mem_chunked(data, len, name, opts, 0, err);
}

/* rec_append: appends n bytes to the record buffer. */
static inline void rec_append(sp_csv *c, const char *s, size_t n)
{
    if (c->rlen + n + 1 > c->rcap) ensure_cap(&c->rb, &c->rcap, size_add(size_add(c->rlen, n), 1));
    memcpy(c->rb + c->rlen, s, n);
    c->rlen += n;
}

static inline void rec_putc(sp_csv *c, char ch)
{
    if (c->rlen + 2 > c->rcap) ensure_cap(&c->rb, &c->rcap, size_add(c->rlen, 2));
    c->rb[c->rlen++] = ch;
}

static int limit_error(sp_csv *c, sp_err *err, bool fields)
{
    if (fields)
        err_set(err, SP_EINVAL, _("%s:%zu: more than %d fields in one record"), c->name, c->rec_line,
                CSV_MAX_FIELDS);
    else
        err_set(err, SP_EINVAL, _("%s:%zu: a field or record is too long (limits: 1 MiB a field, 16 MiB a record)"),
                c->name, c->rec_line);
    c->failed = true;
    return -1;
}

/* nul_error: a NUL byte in field nf + 1 on physical line `line`. */
static int nul_error(sp_csv *c, size_t line, sp_err *err)
{
    err_set(err, SP_EINVAL,
            _("%s:%zu: a NUL byte in column %zu (not text: a binary file, or an encoding to name with --encoding?)"),
            c->name, line, c->nf + 1);
    c->failed = true;
    return -1;
}

/* end_field: terminates the current field; -1 past the field count limit. */
static inline int end_field(sp_csv *c, sp_err *err)
{
    if (c->rlen - c->fo[c->nf] > CSV_MAX_FIELD || c->rlen > CSV_MAX_RECORD) return limit_error(c, err, false);
    rec_putc(c, '\0');
    c->nf++;
    if (c->nf >= CSV_MAX_FIELDS) {
        /* one more field starts only if a delimiter follows: checked by caller */
        c->fo[c->nf] = c->rlen;
        return 0;
    }
    c->fo[c->nf] = c->rlen;
    return 0;
}

/* finish: hands out the record. */
static int finish(sp_csv *c, char ***fields, size_t *nfields)
{
    for (size_t i = 0; i < c->nf; i++) c->fv[i] = c->rb + c->fo[i];
    c->fv[c->nf] = NULL;
    *fields = c->fv;
    *nfields = c->nf;
    return 1;
}

int csv_next(sp_csv *c, char ***fields, size_t *nfields, sp_err *err)
{
    *fields = NULL;
    *nfields = 0;
    if (c->failed) {
        err_set(err, SP_EINVAL, "%s:%zu: %s", c->name, c->line, _("read stopped after an earlier error"));
        return -1;
    }
    c->rlen = 0;
    c->nf = 0;
    c->fo[0] = 0;
    int state = S_START;
    bool started = false;
    const unsigned char *cls = c->cls;
    for (;;) {
        if (c->p >= c->e) {
            if (c->bad_input) return input_error(c, err);
            int r = refill(c, err);
            if (r < 0) {
                c->failed = true;
                return -1;
            }
            if (r == 0 && c->p >= c->e) {
                if (c->bad_input) return input_error(c, err);
                /* end of input */
                if (!started) return 0;
                if (state == S_QUO) {
                    err_set(err, SP_EINVAL, _("%s:%zu: a quoted field is not closed before the end of the file"),
                            c->name, c->rec_line);
                    c->failed = true;
                    return -1;
                }
                if (end_field(c, err) < 0) return -1;
                return finish(c, fields, nfields);
            }
            continue;
        }
        const char *p = c->p, *e = c->e;
        if (!started) {
            /* blank lines and the LF of a CRLF are skipped before a record */
            unsigned char ch = (unsigned char)*p;
            if (c->skip_lf) {
                c->skip_lf = false;
                if (ch == '\n') {
                    c->p = p + 1;
                    continue;
                }
            }
            if (ch == '\n' || ch == '\r') {
                c->line++;
                c->skip_lf = ch == '\r';
                c->p = p + 1;
                continue;
            }
            started = true;
            c->rec_line = c->line;
        }
        switch (state) {
        case S_START:
            if (*p == '"') {
                c->p = p + 1;
                state = S_QUO;
                break;
            }
            state = S_UNQ;
            /* fall through */
        case S_UNQ: {
            const char *q = p;
            while (q < e && cls[(unsigned char)*q] == CL_PLAIN) q++;
            if (q > p) {
                if (c->rlen - c->fo[c->nf] + (size_t)(q - p) > CSV_MAX_FIELD) return limit_error(c, err, false);
                rec_append(c, p, (size_t)(q - p));
            }
            c->p = q;
            if (q == e) break;
            switch (cls[(unsigned char)*q]) {
            case CL_DELIM:
                c->p = q + 1;
                if (end_field(c, err) < 0) return -1;
                if (c->nf >= CSV_MAX_FIELDS) return limit_error(c, err, true);
                state = S_START;
                break;
            case CL_QUOTE:
                rec_putc(c, '"'); /* a quote inside an unquoted field is kept as is */
                c->p = q + 1;
                break;
            case CL_NUL:
                return nul_error(c, c->line, err);
            default: /* CR or LF ends the record */
                c->p = q + 1;
                c->line++;
                c->skip_lf = *q == '\r';
                if (end_field(c, err) < 0) return -1;
                return finish(c, fields, nfields);
            }
            break;
        }
        case S_QUO: {
            const char *q = memchr(p, '"', (size_t)(e - p));
            const char *stop = q ? q : e;
            const char *z = memchr(p, '\0', (size_t)(stop - p));
            if (z) {
                size_t line = c->line;
                for (const char *s = p; (s = memchr(s, '\n', (size_t)(z - s))) != NULL; s++) line++;
                return nul_error(c, line, err);
            }
            for (const char *s = p; (s = memchr(s, '\n', (size_t)(stop - s))) != NULL; s++) c->line++;
            if (c->rlen - c->fo[c->nf] + (size_t)(stop - p) > CSV_MAX_FIELD) return limit_error(c, err, false);
            rec_append(c, p, (size_t)(stop - p));
            if (q) {
                c->p = q + 1;
                state = S_QUO_END;
            } else {
                c->p = e;
            }
            break;
        }
        case S_QUO_END:
            switch (cls[(unsigned char)*p]) {
            case CL_QUOTE: /* "" inside quotes */
                rec_putc(c, '"');
                c->p = p + 1;
                state = S_QUO;
                break;
            case CL_DELIM:
                c->p = p + 1;
                if (end_field(c, err) < 0) return -1;
                if (c->nf >= CSV_MAX_FIELDS) return limit_error(c, err, true);
                state = S_START;
                break;
            case CL_LF:
            case CL_CR:
                c->p = p + 1;
                c->line++;
                c->skip_lf = *p == '\r';
                if (end_field(c, err) < 0) return -1;
                return finish(c, fields, nfields);
            case CL_NUL:
                return nul_error(c, c->line, err);
            default: /* text after the closing quote: kept, leniently */
                state = S_UNQ;
                break;
            }
            break;
        }
    }
}

size_t csv_line(const sp_csv *c) { return c->rec_line ? c->rec_line : c->line; }

const char *csv_encoding(const sp_csv *c) { return c->encoding; }

char csv_delimiter(const sp_csv *c) { return c->delim; }

const char *csv_name(const sp_csv *c) { return c->name; }

void csv_progress(const sp_csv *c, size_t *done, size_t *total)
{
    *done = c->consumed;
    *total = c->total;
}

void csv_close(sp_csv *c)
{
    if (!c) return;
    if (c->own_fp && c->fp) fclose(c->fp);
    if (c->cd != (iconv_t)-1) iconv_close(c->cd);
    free(c->name);
    free(c->mem);
    free(c->raw);
    free(c->dec);
    free(c->rb);
    free(c->fo);
    free(c->fv);
    free(c);
}

void csv_write_field(buf_t *out, const char *s)
{
    if (!s) s = "";
    /* OWASP: a leading = + - @ TAB or CR could run as a formula */
    bool formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
    bool quote = formula || *s == ' ' || strpbrk(s, ",\"\r\n\t;") != NULL;
    size_t n = strlen(s);
    if (n && s[n - 1] == ' ') quote = true;
    if (!quote) {
        buf_append(out, s, n);
        return;
    }
    buf_putc(out, '"');
    if (formula) buf_putc(out, '\'');
    for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
        buf_append(out, s, (size_t)(q - s + 1));
        buf_putc(out, '"');
    }
    buf_puts(out, s);
    buf_putc(out, '"');
}
