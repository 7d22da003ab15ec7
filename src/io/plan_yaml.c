/*
 * plan_yaml.c — reads a plan file (SPEC §4, YAML 1.2, UTF-8) into the core
 * model of core/plan.h.
 *
 * Owns: the mapping from YAML nodes (libfyaml document tree) to sp_plan, the
 * per-place key vocabularies with their "did you mean", the structural
 * checks (types, value syntax of SPEC §3, enum vocabularies, required keys,
 * duplicate ids) and goal inheritance. Every problem is collected with its
 * position; at the end they are sorted by position and appended to the
 * caller's sp_err as "FILE:LINE:COL: message" lines. Semantic checks across
 * items (references, sums, cycles, SMART) are core/plan_check.c's, not here.
 *
 * Bounds (docs/PLAN.md, "Limits"): files up to 16 MiB; at most
 * PLAN_MAX_KEYS keys in one mapping, PLAN_MAX_ITEMS items in one list and
 * PLAN_MAX_NODES values in the whole file, counted by a streaming pre-scan
 * (prescan) before libfyaml builds its document tree, so time and memory
 * stay bounded whatever the shape of the file. libfyaml's own duplicate-key
 * check is quadratic in the keys of a mapping (0.7.12), so the document is
 * built with FYPCF_ALLOW_DUPLICATE_KEYS and duplicates are found here with
 * a hash set per mapping (check_dup_keys), in linear time. Nesting is
 * bounded by libfyaml's depth limit; at most MAX_REPORTED problems are
 * listed (then a count of the rest).
 */
#include <errno.h>
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/i18n.h"
#include "plan_yaml.h"

#define PLAN_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define PLAN_MAX_KEYS 1000
#define PLAN_MAX_ITEMS 10000
#define PLAN_MAX_NODES 200000
#define MAX_REPORTED 500
#define MAXK 16

/* ---- collected problems ---- */
typedef struct perr {
    sp_pos pos;
    size_t seq;
    char *msg;
} perr;

/* A set of ids of one kind (open addressing, string keys borrowed from the
 * plan being built) remembering where each was first seen. */
typedef struct idset {
    const char **keys;
    sp_pos *pos;
    size_t n, cap;
} idset;

enum { IDS_GOAL, IDS_TASK, IDS_STRATEGY, IDS_GROUP, IDS_MEMBER, IDS_ANALYSIS, IDS_CATEGORY, IDS_TIER, IDS_NOTIFY, IDS_COUNT };

typedef struct ctx {
    const char *src;
    const char *text;        /* the document's bytes (for single-quoted scalars) */
    size_t textlen;
    perr *errs;
    size_t nerrs, cap;
    sp_plan *p;
    int fy;                  /* fiscal_year_start, read before any period */
    idset ids[IDS_COUNT];
} ctx;

static void add_err(ctx *c, sp_pos pos, const char *fmt, ...) SP_PRINTF(3, 4);

/* add_err: records one problem at pos (message formatted into a new
 * allocation, freed by finish()). */
static void add_err(ctx *c, sp_pos pos, const char *fmt, ...)
{
    if (c->nerrs == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->errs = xreallocarray(c->errs, c->cap, sizeof *c->errs);
    }
    buf_t b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    c->errs[c->nerrs].pos = pos;
    c->errs[c->nerrs].seq = c->nerrs;
    c->errs[c->nerrs].msg = buf_detach(&b);
    c->nerrs++;
}

static int perr_cmp(const void *a, const void *b)
{
    const perr *x = a, *y = b;
    if (x->pos.line != y->pos.line) return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col) return x->pos.col < y->pos.col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* flush_errs: sorts the problems by position and appends them to err. */
static void flush_errs(ctx *c, sp_err *err)
{
    if (c->nerrs) qsort(c->errs, c->nerrs, sizeof *c->errs, perr_cmp);
    for (size_t i = 0; i < c->nerrs; i++) {
        if (i < MAX_REPORTED) {
            if (c->errs[i].pos.line > 0)
                err_set(err, SP_EINVAL, "%s:%d:%d: %s", c->src, c->errs[i].pos.line, c->errs[i].pos.col,
                        c->errs[i].msg);
            else
                err_set(err, SP_EINVAL, "%s: %s", c->src, c->errs[i].msg);
        }
        free(c->errs[i].msg);
    }
    if (c->nerrs > MAX_REPORTED)
        err_set(err, SP_EINVAL, _("%s: %zu more problems not shown"), c->src, c->nerrs - MAX_REPORTED);
    free(c->errs);
    c->errs = NULL;
    c->nerrs = c->cap = 0;
}

/* ---- id sets ---- */
static size_t str_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* idset_add: true when id is new; false (with *first set) when seen. */
static bool idset_add(idset *s, const char *id, sp_pos pos, sp_pos *first)
{
    if ((s->n + 1) * 2 > s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        const char **nk = xcalloc(ncap, sizeof *nk);
        sp_pos *np = xcalloc(ncap, sizeof *np);
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->keys[i]) continue;
            size_t j = str_hash(s->keys[i]) & (ncap - 1);
            while (nk[j]) j = (j + 1) & (ncap - 1);
            nk[j] = s->keys[i];
            np[j] = s->pos[i];
        }
        free(s->keys);
        free(s->pos);
        s->keys = nk;
        s->pos = np;
        s->cap = ncap;
    }
    size_t j = str_hash(id) & (s->cap - 1);
    while (s->keys[j]) {
        if (strcmp(s->keys[j], id) == 0) {
            *first = s->pos[j];
            return false;
        }
        j = (j + 1) & (s->cap - 1);
    }
    s->keys[j] = id;
    s->pos[j] = pos;
    s->n++;
    return true;
}

static void idset_free(idset *s)
{
    free(s->keys);
    free(s->pos);
}

/* ---- node helpers ---- */
static sp_pos mark_pos(const struct fy_mark *m)
{
    sp_pos p = {0, 0};
    if (m) {
        p.line = m->line + 1;
        p.col = m->column + 1;
    }
    return p;
}

/* node_pos: where a node starts: a scalar's token; a mapping's first key;
 * a sequence's first item; fb for an empty collection or a missing node. */
static sp_pos node_pos(struct fy_node *n, sp_pos fb)
{
    for (int guard = 0; n && guard < 1000; guard++) {
        if (fy_node_is_scalar(n)) {
            struct fy_token *t = fy_node_get_scalar_token(n);
            sp_pos p = t ? mark_pos(fy_token_start_mark(t)) : fb;
            return p.line ? p : fb;
        }
        void *it = NULL;
        if (fy_node_is_mapping(n)) {
            struct fy_node_pair *pr = fy_node_mapping_iterate(n, &it);
            n = pr ? fy_node_pair_key(pr) : NULL;
        } else if (fy_node_is_sequence(n)) {
            n = fy_node_sequence_iterate(n, &it);
        } else {
            break;
        }
    }
    return fb;
}

/* is_null: a missing value, or a plain null scalar ("", "~", "null"). */
static bool is_null(struct fy_node *n)
{
    if (!n) return true;
    if (!fy_node_is_scalar(n) || fy_node_get_style(n) != FYNS_PLAIN) return false;
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s || len == 0) return true;
    return (len == 1 && s[0] == '~') ||
           (len == 4 && (memcmp(s, "null", 4) == 0 || memcmp(s, "Null", 4) == 0 || memcmp(s, "NULL", 4) == 0));
}

static const char *node_kind(struct fy_node *n)
{
    if (is_null(n)) return N_("nothing");
    if (fy_node_is_alias(n)) return N_("an alias");
    if (fy_node_is_mapping(n)) return N_("a mapping");
    if (fy_node_is_sequence(n)) return N_("a list");
    return N_("a single value");
}

/* ---- mappings with a fixed key vocabulary ---- */
typedef struct mapf {
    const char *const *keys;
    size_t nkeys;
    struct fy_node *v[MAXK];
    sp_pos kpos[MAXK];
    bool has[MAXK];
    sp_pos pos;              /* the mapping's own position */
} mapf;

static int hint_line(ctx *c, int line);

/* did_you_mean: the closest key of keys within edit distance 2, or NULL. */
static const char *did_you_mean(const char *word, const char *const *keys, size_t n)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = str_distance(word, keys[i]);
        if (d < bd) {
            bd = d;
            best = keys[i];
        }
    }
    return best;
}

static void unknown_word(ctx *c, sp_pos pos, const char *what, const char *word, const char *const *known, size_t n)
{
    const char *dm = did_you_mean(word, known, n);
    if (dm) add_err(c, pos, _("unknown %s '%s' (did you mean '%s'?)"), _(what), word, dm);
    else add_err(c, pos, _("unknown %s '%s'"), _(what), word);
}

/* single_quoted_dup: the value of a single-quoted scalar read from the
 * document's own bytes ('' → '), or NULL with an error. libfyaml 0.7.12
 * returns corrupted text (and leaks) for single-quoted scalars holding
 * several '' escapes, so we do not use its value; a single-quoted scalar
 * spanning lines (folding rules) is refused with a hint to use double
 * quotes. */
static char *single_quoted_dup(ctx *c, struct fy_node *n, sp_pos pos)
{
    struct fy_token *t = fy_node_get_scalar_token(n);
    const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL;
    const struct fy_mark *b = t ? fy_token_end_mark(t) : NULL;
    /* the token's marks span the text between the quotes */
    if (!a || !b || a->line != b->line || a->input_pos == 0 || b->input_pos >= c->textlen ||
        a->input_pos > b->input_pos || c->text[a->input_pos - 1] != '\'' || c->text[b->input_pos] != '\'') {
        add_err(c, pos, "%s", _("single-quoted text must stay on one line: use double quotes for longer text"));
        return NULL;
    }
    const char *s = c->text + a->input_pos;
    size_t len = b->input_pos - a->input_pos;
    char *out = xmalloc(size_add(len, 1));
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        out[k++] = s[i];
        if (s[i] == '\'' && i + 1 < len && s[i + 1] == '\'') i++;
    }
    out[k] = '\0';
    return out;
}

/* scalar_dup: a scalar's text as a new C string; NULL (with an error) when it
 * contains a NUL character. */
static char *scalar_dup(ctx *c, struct fy_node *n, sp_pos pos)
{
    if (fy_node_get_style(n) == FYNS_SINGLE_QUOTED) return single_quoted_dup(c, n, pos);
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len);
    if (!s) return xstrdup("");
    if (memchr(s, '\0', len)) {
        add_err(c, pos, "%s", _("text contains a NUL character"));
        return NULL;
    }
    return xstrndup(s, len);
}

/* secret_key: whether an unknown key names a secret written in plain text
 * (secret, token, password, api_key…): such a key gets its own error
 * saying where secrets come from, never "did you mean". */
static bool secret_key(const char *k)
{
    static const char *const parts[] = {"secret", "token", "password", "passwd", "passphrase", "api_key", "apikey"};
    static const char *const whole[] = {"key", "pwd", "pass", "sign", "signature"};
    char low[64];
    size_t n = strlen(k);
    if (n >= sizeof low) return false;
    for (size_t i = 0; i <= n; i++) low[i] = (char)((k[i] >= 'A' && k[i] <= 'Z') ? k[i] - 'A' + 'a' : k[i]);
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++)
        if (strstr(low, parts[i])) return true;
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++)
        if (strcmp(low, whole[i]) == 0) return true;
    return false;
}

/* map_read: reads mapping node n against the key vocabulary keys into m.
 * Reports a non-mapping, unknown keys (with a suggestion) and non-text keys.
 * Returns false when n is not a mapping. */
static bool map_read(ctx *c, struct fy_node *n, sp_pos fb, const char *what, const char *const *keys, size_t nkeys,
                     mapf *m)
{
    memset(m, 0, sizeof *m);
    m->keys = keys;
    m->nkeys = nkeys;
    m->pos = node_pos(n, fb);
    if (!n || !fy_node_is_mapping(n)) {
        add_err(c, m->pos, _("%s: expected a mapping, got %s"), what, _(node_kind(n)));
        /* "id： x" typed with a full-width colon reads as one text value */
        if (n && fy_node_is_scalar(n)) {
            struct fy_token *t = fy_node_get_scalar_token(n);
            const struct fy_mark *a = t ? fy_token_start_mark(t) : NULL, *b = t ? fy_token_end_mark(t) : NULL;
            if (a && b)
                for (int l = a->line + 1; l <= b->line + 1 && l <= a->line + 20; l++) hint_line(c, l);
        }
        return false;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pr);
        sp_pos kp = node_pos(k, m->pos);
        if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k)) {
            add_err(c, kp, _("%s: keys must be plain words"), what);
            continue;
        }
        char *ks = scalar_dup(c, k, kp);
        if (!ks) continue;
        size_t i;
        for (i = 0; i < nkeys; i++)
            if (strcmp(keys[i], ks) == 0) break;
        if (i == nkeys) {
            if (secret_key(ks))
                add_err(c, kp,
                        _("'%s' looks like a secret, and secrets are never written in the plan file: keep it in an "
                          "environment variable named by 'secret_env' or in a file named by 'secret_file' (under "
                          "'notify')"),
                        ks);
            else unknown_word(c, kp, N_("key"), ks, keys, nkeys);
        } else {
            m->v[i] = fy_node_pair_value(pr);
            m->kpos[i] = kp;
            m->has[i] = true;
        }
        free(ks);
    }
    return true;
}

static size_t key_index(const mapf *m, const char *key)
{
    for (size_t i = 0; i < m->nkeys; i++)
        if (strcmp(m->keys[i], key) == 0) return i;
    abort(); /* programming error: a key missing from its vocabulary */
}

static bool fhas(const mapf *m, const char *key) { return m->has[key_index(m, key)]; }
static struct fy_node *fget(const mapf *m, const char *key) { return m->v[key_index(m, key)]; }

/* fpos: the position of key's value (the key's own when the value is empty),
 * or the mapping's position when the key is absent. */
static sp_pos fpos(const mapf *m, const char *key)
{
    size_t i = key_index(m, key);
    if (!m->has[i]) return m->pos;
    return node_pos(m->v[i], m->kpos[i]);
}

static void missing(ctx *c, const mapf *m, const char *what, const char *key)
{
    add_err(c, m->pos, _("%s: missing key '%s'"), what, key);
}

/* ---- typed values ---- */

/* get_text: the value of key as a new string in *out (replacing and freeing
 * any earlier value). Absent: false without error unless required. Errors:
 * not a single value, null, empty (when nonempty), a NUL byte. */
static bool get_text(ctx *c, const mapf *m, const char *what, const char *key, bool required, bool nonempty,
                     char **out)
{
    if (!fhas(m, key)) {
        if (required) missing(c, m, what, key);
        return false;
    }
    struct fy_node *n = fget(m, key);
    sp_pos pos = fpos(m, key);
    if (is_null(n) || !fy_node_is_scalar(n) || fy_node_is_alias(n)) {
        add_err(c, pos, _("%s: '%s' expects a single value, got %s"), what, key, _(node_kind(n)));
        return false;
    }
    char *s = scalar_dup(c, n, pos);
    if (!s) return false;
    if (nonempty && s[strspn(s, " \t")] == '\0') {
        add_err(c, pos, _("%s: '%s' must not be empty"), what, key);
        free(s);
        return false;
    }
    free(*out);
    *out = s;
    return true;
}

/* get_scalar: like get_text but into a temporary the caller frees. */
static char *get_scalar(ctx *c, const mapf *m, const char *what, const char *key, bool required)
{
    char *s = NULL;
    get_text(c, m, what, key, required, true, &s);
    return s;
}

/* parse_int: a whole number of decimal digits (optional sign '-' when
 * allow_neg) into *out; false when malformed or beyond ±10^15. */
static bool parse_int(const char *s, bool allow_neg, int64_t *out)
{
    bool neg = false;
    if (*s == '-' && allow_neg) {
        neg = true;
        s++;
    } else if (*s == '+') {
        s++;
    }
    if (!*s) return false;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return false;
        v = v * 10 + (*s - '0');
        if (v > 1000000000000000) return false;
    }
    *out = neg ? -v : v;
    return true;
}

/* parse_hundredths: a decimal with at most 2 fraction digits, as hundredths
 * ("12.5" -> 1250). */
static bool parse_hundredths(const char *s, bool allow_neg, int64_t *out)
{
    const char *dot = strchr(s, '.');
    char ip[32];
    size_t il = dot ? (size_t)(dot - s) : strlen(s);
    if (il == 0 || il >= sizeof ip) return false;
    memcpy(ip, s, il);
    ip[il] = '\0';
    int64_t whole;
    if (!parse_int(ip, allow_neg, &whole) || ip[il - 1] == '-' || ip[il - 1] == '+') return false;
    int64_t frac = 0;
    if (dot) {
        const char *f = dot + 1;
        size_t fl = strlen(f);
        if (fl == 0 || fl > 2) return false;
        for (size_t i = 0; i < fl; i++) {
            if (f[i] < '0' || f[i] > '9') return false;
            frac = frac * 10 + (f[i] - '0');
        }
        if (fl == 1) frac *= 10;
    }
    bool neg = s[0] == '-';
    int64_t a = (neg ? -whole : whole) * 100 + frac;
    *out = neg ? -a : a;
    return true;
}

/* get_int: key's value as a whole number in [lo, hi]. */
static bool get_int(ctx *c, const mapf *m, const char *what, const char *key, bool required, int64_t lo, int64_t hi,
                    int64_t *out)
{
    char *s = get_scalar(c, m, what, key, required);
    if (!s) return false;
    int64_t v;
    bool ok = parse_int(s, lo < 0, &v) && v >= lo && v <= hi;
    if (!ok) add_err(c, fpos(m, key), _("%s: '%s' expects a whole number from %lld to %lld, got '%s'"), what, key,
                     (long long)lo, (long long)hi, s);
    else *out = v;
    free(s);
    return ok;
}

static bool get_intv(ctx *c, const mapf *m, const char *what, const char *key, bool required, int lo, int hi, int *out)
{
    int64_t v;
    if (!get_int(c, m, what, key, required, lo, hi, &v)) return false;
    *out = (int)v;
    return true;
}

static bool get_bool(ctx *c, const mapf *m, const char *what, const char *key, bool *out)
{
    char *s = get_scalar(c, m, what, key, false);
    if (!s) return false;
    bool ok = true;
    if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) *out = true;
    else if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) *out = false;
    else {
        add_err(c, fpos(m, key), _("%s: '%s' expects true or false, got '%s'"), what, key, s);
        ok = false;
    }
    free(s);
    return ok;
}

/* get_enum: key's value as an index into names (n of them), or -1. */
static int get_enum(ctx *c, const mapf *m, const char *what, const char *key, bool required, const char *const *names,
                    size_t n)
{
    char *s = get_scalar(c, m, what, key, required);
    if (!s) return -1;
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0) {
            free(s);
            return (int)i;
        }
    buf_t b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        if (names[i] && names[i][0]) buf_printf(&b, "%s%s", b.len ? " | " : "", names[i]);
    const char *dm = did_you_mean(s, names, n);
    if (dm && *dm)
        add_err(c, fpos(m, key), _("%s: unknown %s '%s' (did you mean '%s'?); expected %s"), what, key, s, dm,
                buf_cstr(&b));
    else add_err(c, fpos(m, key), _("%s: unknown %s '%s'; expected %s"), what, key, s, buf_cstr(&b));
    buf_free(&b);
    free(s);
    return -1;
}

/* get_nonneg: key's value through parse (money_parse or ratio_parse: both
 * give an int64), refusing negative values; notwhat names what it must be
 * (a message id). */
static bool get_nonneg(ctx *c, const mapf *m, const char *what, const char *key, bool required,
                       bool (*parse)(const char *, int64_t *, const char **), const char *notwhat, int64_t *out)
{
    char *s = get_scalar(c, m, what, key, required);
    if (!s) return false;
    const char *why = NULL;
    int64_t v;
    bool ok = parse(s, &v, &why);
    if (!ok) add_err(c, fpos(m, key), _(notwhat), what, key, s, why ? _(why) : "");
    else if (v < 0) {
        add_err(c, fpos(m, key), _("%s: '%s' must not be negative"), what, key);
        ok = false;
    } else *out = v;
    free(s);
    return ok;
}

static bool get_money(ctx *c, const mapf *m, const char *what, const char *key, bool required, sp_money *out)
{
    return get_nonneg(c, m, what, key, required, money_parse, N_("%s: '%s' is not an amount of money: '%s' (%s)"),
                      out);
}

/* bare_over_one: a ratio written without '%' (or '％') whose value is above
 * 1: "share: 20" meant as 20 % would be read as 2000 %. */
static bool bare_over_one(const char *s, sp_ratio v)
{
    return v > SP_RATIO_ONE && !strchr(s, '%') && !strstr(s, "\xEF\xBC\x85");
}

/* report_bare: the error for a bare ratio above 1, saying how to write it. */
static void report_bare(ctx *c, sp_pos pos, const char *what, const char *key, const char *s, sp_ratio v)
{
    char pct[48], want[48];
    /* what the writer most likely meant: the number as a percentage */
    sp_ratio meant = v / 100;
    add_err(c, pos,
            _("%s: '%s' is %s without '%%', which means %s: write %s for a percentage (or a fraction such as "
              "0.2)"),
            what, key, s, ratio_format_pct(v, pct), ratio_format_pct(meant, want));
}

static bool get_ratio(ctx *c, const mapf *m, const char *what, const char *key, bool required, sp_ratio *out)
{
    sp_ratio v = 0;
    if (!get_nonneg(c, m, what, key, required, ratio_parse, N_("%s: '%s' is not a ratio: '%s' (%s)"), &v))
        return false;
    char *s = get_scalar(c, m, what, key, false);
    bool bare = s && bare_over_one(s, v);
    if (bare) report_bare(c, fpos(m, key), what, key, s, v);
    free(s);
    if (bare) return false;
    *out = v;
    return true;
}

static bool get_date(ctx *c, const mapf *m, const char *what, const char *key, bool required, sp_day *out)
{
    char *s = get_scalar(c, m, what, key, required);
    if (!s) return false;
    const char *why = NULL;
    sp_day v;
    bool ok = date_parse(s, &v, &why);
    if (!ok) add_err(c, fpos(m, key), _("%s: '%s' is not a date (YYYY-MM-DD): '%s' (%s)"), what, key, s,
                     why ? _(why) : "");
    else *out = v;
    free(s);
    return ok;
}

/* get_period: key's value as a period; the text goes to *text (new). */
static bool get_period(ctx *c, const mapf *m, const char *what, const char *key, bool required, char **text,
                       sp_period *out)
{
    char *s = get_scalar(c, m, what, key, required);
    if (!s) return false;
    const char *why = NULL;
    sp_period v;
    if (!period_parse(s, c->fy, &v, &why)) {
        add_err(c, fpos(m, key), _("%s: '%s' is not a period: '%s' (%s)"), what, key, s, why ? _(why) : "");
        free(s);
        return false;
    }
    free(*text);
    *text = s;
    *out = v;
    return true;
}

/* get_list: key's value as a list of texts (new array of new strings);
 * with posv, also each item's position (new array, same count). */
static bool get_list(ctx *c, const mapf *m, const char *what, const char *key, char ***out, size_t *nout,
                     sp_pos **posv)
{
    if (!fhas(m, key)) return false;
    struct fy_node *n = fget(m, key);
    sp_pos pos = fpos(m, key);
    if (is_null(n)) return false;
    if (!fy_node_is_sequence(n)) {
        add_err(c, pos, _("%s: '%s' expects a list, got %s"), what, key, _(node_kind(n)));
        return false;
    }
    int cnt = fy_node_sequence_item_count(n);
    if (cnt <= 0) return true;
    char **v = xcalloc((size_t)cnt, sizeof *v);
    sp_pos *pv = posv ? xcalloc((size_t)cnt, sizeof *pv) : NULL;
    size_t k = 0;
    void *it = NULL;
    struct fy_node *item;
    bool ok = true;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL && k < (size_t)cnt) {
        sp_pos ip = node_pos(item, pos);
        if (is_null(item) || !fy_node_is_scalar(item) || fy_node_is_alias(item)) {
            add_err(c, ip, _("%s: items of '%s' must be text, got %s"), what, key, _(node_kind(item)));
            ok = false;
            continue;
        }
        char *s = scalar_dup(c, item, ip);
        if (!s) {
            ok = false;
            continue;
        }
        if (s[strspn(s, " \t")] == '\0') {
            add_err(c, ip, _("%s: items of '%s' must not be empty"), what, key);
            free(s);
            ok = false;
            continue;
        }
        if (pv) pv[k] = ip;
        v[k++] = s;
    }
    *out = v;
    *nout = k;
    if (posv) *posv = pv;
    return ok;
}

/* check_id: registers id in set kind; a repeat is an error at pos. */
static void check_id(ctx *c, int kind, const char *id, sp_pos pos, const char *what)
{
    sp_pos first;
    if (!idset_add(&c->ids[kind], id, pos, &first))
        add_err(c, pos, _("duplicate %s id '%s' (first at line %d, column %d)"), _(what), id, first.line, first.col);
}

/* get_id: the required id of an item; registered for duplicates. */
static bool get_id(ctx *c, const mapf *m, const char *what, int kind, char **out)
{
    if (!get_text(c, m, what, "id", true, true, out)) return false;
    check_id(c, kind, *out, fpos(m, "id"), what);
    return true;
}

/* seq_items: the items of a list-valued key; returns the count (0 when
 * absent, null or not a list — the latter reported). */
static int seq_items(ctx *c, struct fy_node *n, sp_pos pos, const char *what)
{
    if (is_null(n)) return 0;
    if (!fy_node_is_sequence(n)) {
        add_err(c, pos, _("'%s' expects a list, got %s"), what, _(node_kind(n)));
        return 0;
    }
    int cnt = fy_node_sequence_item_count(n);
    return cnt > 0 ? cnt : 0;
}

/* ---- filters ---- */
static const char *const dim_keys[] = {"region", "industry", "size", "team", "rep", "product",
                                       "source", "tier", "category", "strategy"};
static const char *const size_words[] = {"", "small", "medium", "large"};

/* read_filter: a mapping of filter dimensions to values into *f (new
 * array). allow_spend admits the spend-only dims category and strategy. */
static bool read_filter(ctx *c, struct fy_node *n, sp_pos fb, const char *what, bool allow_spend, sp_filter *f)
{
    sp_pos pos = node_pos(n, fb);
    f->kv = NULL;
    f->n = 0;
    if (is_null(n)) return true;
    if (!fy_node_is_mapping(n)) {
        add_err(c, pos, _("%s: expected a mapping of filter keys, got %s"), what, _(node_kind(n)));
        return false;
    }
    int cnt = fy_node_mapping_item_count(n);
    if (cnt <= 0) return true;
    f->kv = xcalloc((size_t)cnt, sizeof *f->kv);
    void *it = NULL;
    struct fy_node_pair *pr;
    bool ok = true;
    size_t nd = allow_spend ? DIM_COUNT : DIM_CATEGORY;
    while ((pr = fy_node_mapping_iterate(n, &it)) != NULL && f->n < (size_t)cnt) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        sp_pos kp = node_pos(k, pos);
        if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k)) {
            add_err(c, kp, _("%s: keys must be plain words"), what);
            ok = false;
            continue;
        }
        char *ks = scalar_dup(c, k, kp);
        if (!ks) {
            ok = false;
            continue;
        }
        int d = dim_from_name(ks);
        if (d < 0 || (size_t)d >= nd) {
            if (d >= 0) add_err(c, kp, _("%s: filter key '%s' applies to the spend metric only"), what, ks);
            else unknown_word(c, kp, N_("filter key"), ks, dim_keys, nd);
            free(ks);
            ok = false;
            continue;
        }
        free(ks);
        sp_pos vp = node_pos(v, kp);
        if (is_null(v) || !fy_node_is_scalar(v) || fy_node_is_alias(v)) {
            add_err(c, vp, _("%s: filter '%s' expects text, got %s"), what, dim_name((sp_dim)d), _(node_kind(v)));
            ok = false;
            continue;
        }
        char *vs = scalar_dup(c, v, vp);
        if (!vs) {
            ok = false;
            continue;
        }
        if (!*vs) {
            add_err(c, vp, _("%s: filter '%s' must not be empty"), what, dim_name((sp_dim)d));
            free(vs);
            ok = false;
            continue;
        }
        if (d == DIM_SIZE && strcmp(vs, "small") && strcmp(vs, "medium") && strcmp(vs, "large")) {
            add_err(c, vp, _("%s: unknown size '%s'; expected small | medium | large"), what, vs);
            free(vs);
            ok = false;
            continue;
        }
        f->kv[f->n].dim = (sp_dim)d;
        f->kv[f->n].value = vs;
        f->kv[f->n].pos = vp;
        f->n++;
    }
    return ok;
}

/* ---- the plan section ---- */
static const char *const plan_keys[] = {"id",       "name", "period", "currency", "timezone", "fiscal_year_start",
                                        "pacing"};
static const char *const pacing_words[] = {"linear", "seasonal"};

static bool plan_id_ok(const char *s)
{
    if (!*s) return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) return false;
    return true;
}

static void read_plan(ctx *c, struct fy_node *n, sp_pos fb)
{
    static const char *W = "plan";
    mapf m;
    if (!map_read(c, n, fb, W, plan_keys, sizeof plan_keys / sizeof *plan_keys, &m)) return;
    sp_plan *p = c->p;
    if (get_text(c, &m, W, "id", true, true, &p->id) && !plan_id_ok(p->id))
        add_err(c, fpos(&m, "id"), _("plan: id '%s' may hold only a-z, 0-9, '_' and '-'"), p->id);
    get_text(c, &m, W, "name", true, true, &p->name);
    /* fiscal_year_start was read first (read_fiscal); report its errors here */
    int fy;
    if (get_intv(c, &m, W, "fiscal_year_start", false, 1, 12, &fy)) p->fiscal_year_start = fy;
    get_period(c, &m, W, "period", false, &p->period_text, &p->period);
    char *cur = NULL;
    if (get_text(c, &m, W, "currency", false, true, &cur)) {
        bool ok = strlen(cur) == 3;
        for (size_t i = 0; ok && i < 3; i++) ok = cur[i] >= 'A' && cur[i] <= 'Z';
        if (!ok) {
            add_err(c, fpos(&m, "currency"), _("plan: currency '%s' is not a 3-letter code such as CNY"), cur);
            free(cur);
        } else {
            free(p->currency);
            p->currency = cur;
        }
    }
    char *tz = NULL;
    if (get_text(c, &m, W, "timezone", false, true, &tz)) {
        if (strpbrk(tz, " \t\"'\\")) {
            add_err(c, fpos(&m, "timezone"), _("plan: '%s' is not a time zone name such as Asia/Shanghai"), tz);
            free(tz);
        } else {
            free(p->timezone);
            p->timezone = tz;
        }
    }
    int pc = get_enum(c, &m, W, "pacing", false, pacing_words, 2);
    if (pc >= 0) p->pacing = (sp_pacing)pc;
}

/* read_fiscal: fiscal_year_start from the plan mapping, quietly, before any
 * period is parsed (whatever the key order). */
static void read_fiscal(ctx *c, struct fy_node *plan)
{
    if (!plan || !fy_node_is_mapping(plan)) return;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(plan, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        /* plain scalars only: libfyaml 0.7.12 leaks when it unescapes a
         * single-quoted scalar with '' escapes (see single_quoted_dup) */
        if (!k || !fy_node_is_scalar(k) || !v || !fy_node_is_scalar(v) || fy_node_get_style(k) != FYNS_PLAIN ||
            fy_node_get_style(v) != FYNS_PLAIN)
            continue;
        size_t kl = 0, vl = 0;
        const char *ks = fy_node_get_scalar(k, &kl);
        const char *vs = fy_node_get_scalar(v, &vl);
        if (!ks || kl != 17 || memcmp(ks, "fiscal_year_start", 17) != 0 || !vs || vl == 0 || vl > 2) continue;
        char tmp[3] = {0};
        memcpy(tmp, vs, vl);
        int64_t x;
        if (parse_int(tmp, false, &x) && x >= 1 && x <= 12) c->fy = (int)x;
    }
}

/* ---- team ---- */
static const char *const team_keys[] = {"groups"};
static const char *const group_keys[] = {"id", "name", "focus", "members"};
static const char *const member_keys[] = {"id", "name", "role", "capacity", "email", "mobile", "im_id"};
static const char *const capacity_keys[] = {"visits_per_month"};
static const char *const role_words[] = {"", "leader", "rep", "presales", "manager"};

/* phone_ok: digits (5 to 20 of them) with blanks, '+', '-', '(' or ')'. */
static bool phone_ok(const char *s)
{
    size_t digits = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') digits++;
        else if (!strchr(" +-()", *s)) return false;
    }
    return digits >= 5 && digits <= 20;
}

static void read_member(ctx *c, struct fy_node *n, sp_pos fb, sp_member *mb)
{
    static const char *W = "member";
    mapf m;
    if (!map_read(c, n, fb, W, member_keys, sizeof member_keys / sizeof *member_keys, &m)) return;
    mb->pos = m.pos;
    get_id(c, &m, W, IDS_MEMBER, &mb->id);
    get_text(c, &m, W, "name", false, false, &mb->name);
    if (get_text(c, &m, W, "email", false, true, &mb->email) && !plan_email_ok(mb->email))
        add_err(c, fpos(&m, "email"), _("%s: '%s' is not an e-mail address: '%s' (write it as name@example.com)"), W,
                "email", mb->email);
    if (get_text(c, &m, W, "mobile", false, true, &mb->mobile) && !phone_ok(mb->mobile))
        add_err(c, fpos(&m, "mobile"),
                _("%s: '%s' is not a phone number: '%s' (digits, with spaces, '+', '-' or brackets at most)"), W,
                "mobile", mb->mobile);
    get_text(c, &m, W, "im_id", false, true, &mb->im_id);
    mb->pos_email = fpos(&m, "email");
    mb->pos_mobile = fpos(&m, "mobile");
    mb->pos_im_id = fpos(&m, "im_id");
    int r = get_enum(c, &m, W, "role", false, role_words, 5);
    if (r > 0) mb->role = (sp_role)r;
    if (fhas(&m, "capacity")) {
        mapf cm;
        if (map_read(c, fget(&m, "capacity"), fpos(&m, "capacity"), "capacity", capacity_keys, 1, &cm)) {
            int64_t v;
            if (get_int(c, &cm, "capacity", "visits_per_month", false, 0, 100000, &v)) {
                mb->has_visits_capacity = true;
                mb->visits_per_month = v;
            }
        }
    }
}

static void read_group(ctx *c, struct fy_node *n, sp_pos fb, sp_group *g)
{
    static const char *W = "group";
    mapf m;
    if (!map_read(c, n, fb, W, group_keys, 4, &m)) return;
    g->pos = m.pos;
    get_id(c, &m, W, IDS_GROUP, &g->id);
    get_text(c, &m, W, "name", false, false, &g->name);
    if (fhas(&m, "focus")) read_filter(c, fget(&m, "focus"), fpos(&m, "focus"), "focus", false, &g->focus);
    if (fhas(&m, "members")) {
        struct fy_node *ms = fget(&m, "members");
        int cnt = seq_items(c, ms, fpos(&m, "members"), "members");
        if (cnt > 0) {
            g->members = xcalloc((size_t)cnt, sizeof *g->members);
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(ms, &it)) != NULL && g->nmembers < (size_t)cnt)
                read_member(c, item, fpos(&m, "members"), &g->members[g->nmembers++]);
        }
    }
}

static void read_team(ctx *c, struct fy_node *n, sp_pos fb)
{
    mapf m;
    if (!map_read(c, n, fb, "team", team_keys, 1, &m)) return;
    if (!fhas(&m, "groups")) return;
    struct fy_node *gs = fget(&m, "groups");
    int cnt = seq_items(c, gs, fpos(&m, "groups"), "groups");
    if (cnt <= 0) return;
    sp_plan *p = c->p;
    p->groups = xcalloc((size_t)cnt, sizeof *p->groups);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(gs, &it)) != NULL && p->ngroups < (size_t)cnt)
        read_group(c, item, fpos(&m, "groups"), &p->groups[p->ngroups++]);
}

/* ---- goals ---- */
static const char *const goal_keys[] = {"id",        "name",   "type",     "metric", "target", "period",
                                        "owner",     "direction", "per",   "supports", "filter", "children",
                                        "splits"};
static const char *const split_keys[] = {"by", "children"};
/* what a split may be by: the filter dimensions of a goal, then period grains */
static const char *const split_by_words[] = {"region", "industry", "size",    "team",  "rep",  "product",
                                             "source", "tier",     "half",    "quarter", "month", "week"};
#define SPLIT_BY_DIMS 8
static const char *const type_words[] = {"result", "process"};
static const char *const dir_words[] = {"at_least", "at_most"};
static const char *const per_words[] = {"month"};


/* parse_target: text s in the unit of metric; false with an error. */
static bool parse_target(ctx *c, sp_pos pos, sp_metric met, const char *s, int64_t *out)
{
    const char *why = NULL;
    sp_unit u = sp_metrics[met].unit;
    bool ok = false;
    switch (u) {
    case UNIT_MONEY:
        ok = money_parse(s, out, &why);
        if (ok && *out < 0) ok = false, why = N_("negative");
        break;
    case UNIT_RATIO:
        ok = ratio_parse(s, out, &why);
        if (ok && *out < 0) ok = false, why = N_("negative");
        if (ok && bare_over_one(s, *out)) {
            report_bare(c, pos, "goal", "target", s, *out);
            return false;
        }
        break;
    case UNIT_COUNT:
        ok = parse_int(s, false, out);
        if (!ok) why = N_("expected a whole number");
        break;
    case UNIT_DAYS:
    case UNIT_COUNT_PER_MONTH:
        ok = parse_hundredths(s, false, out);
        if (!ok) why = N_("expected a number with at most 2 decimals");
        break;
    case UNIT_MANUAL:
    case UNIT_KIND_COUNT:
        ok = parse_hundredths(s, true, out);
        if (!ok) why = N_("expected a number with at most 2 decimals");
        break;
    }
    if (!ok)
        add_err(c, pos, _("goal: target '%s' is not a %s value for metric %s (%s)"), s, unit_name(u),
                sp_metrics[met].name, why ? _(why) : "");
    return ok;
}

/* merge_filter: g->filter = parent's filter with own's values overriding
 * the same dimensions and own's new dimensions appended; frees own. */
static void merge_filter(sp_filter *dst, const sp_filter *parent, sp_filter *own)
{
    size_t n = size_add(parent->n, own->n);
    sp_filter f = {NULL, 0};
    if (n) f.kv = xcalloc(n, sizeof *f.kv);
    for (size_t i = 0; i < parent->n; i++) {
        const sp_filter_kv *src = &parent->kv[i];
        for (size_t j = 0; j < own->n; j++)
            if (own->kv[j].dim == src->dim) src = &own->kv[j];
        f.kv[f.n] = *src;
        f.kv[f.n].value = xstrdup(src->value);
        f.n++;
    }
    for (size_t j = 0; j < own->n; j++) {
        bool seen = false;
        for (size_t i = 0; i < parent->n; i++) seen = seen || parent->kv[i].dim == own->kv[j].dim;
        if (seen) continue;
        f.kv[f.n] = own->kv[j];
        f.kv[f.n].value = xstrdup(own->kv[j].value);
        f.n++;
    }
    for (size_t j = 0; j < own->n; j++) free(own->kv[j].value);
    free(own->kv);
    own->kv = NULL;
    own->n = 0;
    *dst = f;
}

static void read_goal(ctx *c, struct fy_node *n, sp_pos fb, sp_goal *parent, sp_goal *g);
static void read_split(ctx *c, struct fy_node *n, sp_pos fb, sp_goal *parent, sp_split *sp);

/* read_goal: one goal (and its children, recursively) into g, inheriting
 * from parent (NULL for a top-level goal). A bad metric leaves g->metric =
 * MET_COUNT so that the target is not parsed against the wrong unit. */
static void read_goal(ctx *c, struct fy_node *n, sp_pos fb, sp_goal *parent, sp_goal *g)
{
    static const char *W = "goal";
    mapf m;
    g->parent = parent;
    g->metric = MET_COUNT;
    g->period.first = g->period.last = SP_DAY_NONE;
    if (!map_read(c, n, fb, W, goal_keys, sizeof goal_keys / sizeof *goal_keys, &m)) return;
    g->pos = m.pos;
    get_id(c, &m, W, IDS_GOAL, &g->id);
    g->name_given = get_text(c, &m, W, "name", false, false, &g->name);

    int t = get_enum(c, &m, W, "type", false, type_words, 2);
    g->has_type = fhas(&m, "type");
    if (t >= 0) g->type = (sp_goal_type)t;
    else if (!g->has_type && parent) g->type = parent->type;

    g->has_metric = fhas(&m, "metric");
    if (g->has_metric) {
        const char *metric_names[MET_COUNT];
        for (int i = 0; i < MET_COUNT; i++) metric_names[i] = sp_metrics[i].name;
        int mt = get_enum(c, &m, W, "metric", true, metric_names, MET_COUNT);
        if (mt >= 0) g->metric = (sp_metric)mt;
        g->pos_metric = fpos(&m, "metric");
    } else if (parent) {
        g->metric = parent->metric;
        g->pos_metric = parent->pos_metric;
    } else {
        missing(c, &m, W, "metric");
    }

    g->has_owner = fhas(&m, "owner");
    if (g->has_owner) {
        get_text(c, &m, W, "owner", false, true, &g->owner);
        g->pos_owner = fpos(&m, "owner");
    } else if (parent && parent->owner) {
        g->owner = xstrdup(parent->owner);
        g->pos_owner = parent->pos_owner;
    }

    g->has_direction = fhas(&m, "direction");
    int d = get_enum(c, &m, W, "direction", false, dir_words, 2);
    if (d >= 0) g->direction = (sp_direction)d;
    else if (!g->has_direction && parent) g->direction = parent->direction;

    g->has_per = fhas(&m, "per");
    if (g->has_per) g->per_month = get_enum(c, &m, W, "per", false, per_words, 1) == 0;
    else if (parent) g->per_month = parent->per_month;

    g->has_filter = fhas(&m, "filter");
    sp_filter own = {NULL, 0};
    if (g->has_filter)
        read_filter(c, fget(&m, "filter"), fpos(&m, "filter"), W, g->metric == MET_SPEND, &own);

    g->has_period = fhas(&m, "period");
    if (g->has_period) {
        get_period(c, &m, W, "period", true, &g->period_text, &g->period);
        g->pos_period = fpos(&m, "period");
    } else if (parent) {
        g->period_text = parent->period_text ? xstrdup(parent->period_text) : NULL;
        g->period = parent->period;
        g->pos_period = parent->pos_period;
    } else {
        missing(c, &m, W, "period");
    }

    g->has_target = fhas(&m, "target");
    if (g->has_target) {
        g->pos_target = fpos(&m, "target");
        g->has_target = get_text(c, &m, W, "target", true, true, &g->target_text);
        if (g->has_target && g->metric < MET_COUNT)
            g->has_target = parse_target(c, g->pos_target, g->metric, g->target_text, &g->target);
    } else {
        missing(c, &m, W, "target");
    }

    get_list(c, &m, W, "supports", &g->supports, &g->nsupports, &g->pos_supports);

    /* the default name of a child: "<parent name> <period or filter>" */
    if (!g->name_given && parent) {
        buf_t b = BUF_INIT;
        buf_puts(&b, parent->name ? parent->name : (parent->id ? parent->id : ""));
        if (g->has_period && g->period_text) {
            buf_printf(&b, " %s", g->period_text);
        } else if (own.n) {
            for (size_t i = 0; i < own.n; i++) buf_printf(&b, " %s", own.kv[i].value);
        } else if (g->id) {
            buf_printf(&b, " %s", g->id);
        }
        g->name = buf_detach(&b);
    }
    if (parent) merge_filter(&g->filter, &parent->filter, &own);
    else g->filter = own;

    if (fhas(&m, "children")) {
        struct fy_node *cs = fget(&m, "children");
        int cnt = seq_items(c, cs, fpos(&m, "children"), "children");
        if (cnt > 0) {
            g->children = xcalloc((size_t)cnt, sizeof *g->children);
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(cs, &it)) != NULL && g->nchildren < (size_t)cnt)
                read_goal(c, item, fpos(&m, "children"), g, &g->children[g->nchildren++]);
        }
    }
    if (fhas(&m, "splits")) {
        struct fy_node *ss = fget(&m, "splits");
        int cnt = seq_items(c, ss, fpos(&m, "splits"), "splits");
        if (cnt > 0) {
            g->splits = xcalloc((size_t)cnt, sizeof *g->splits);
            void *it = NULL;
            struct fy_node *item;
            while ((item = fy_node_sequence_iterate(ss, &it)) != NULL && g->nsplits < (size_t)cnt)
                read_split(c, item, fpos(&m, "splits"), g, &g->splits[g->nsplits++]);
        }
    }
}

/* read_split: one entry of a goal's `splits:` ({by, children}) into sp;
 * its children are goals of parent (same inheritance as `children`). Each
 * child must name what the split is by: its own filter on that dimension,
 * or its own period for a period grain. */
static void read_split(ctx *c, struct fy_node *n, sp_pos fb, sp_goal *parent, sp_split *sp)
{
    static const char *W = "split";
    mapf m;
    if (!map_read(c, n, fb, W, split_keys, 2, &m)) return;
    sp->pos = m.pos;
    int by = get_enum(c, &m, W, "by", true, split_by_words, sizeof split_by_words / sizeof *split_by_words);
    sp->pos_by = fpos(&m, "by");
    if (by >= 0) sp->by = xstrdup(split_by_words[by]);
    if (!fhas(&m, "children")) {
        missing(c, &m, W, "children");
        return;
    }
    struct fy_node *cs = fget(&m, "children");
    int cnt = seq_items(c, cs, fpos(&m, "children"), "children");
    if (cnt <= 0) return;
    sp->children = xcalloc((size_t)cnt, sizeof *sp->children);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(cs, &it)) != NULL && sp->nchildren < (size_t)cnt) {
        sp_goal *ch = &sp->children[sp->nchildren++];
        read_goal(c, item, fpos(&m, "children"), parent, ch);
        ch->split_by = sp->by;
        if (by < 0) continue;
        bool named = false;
        if (by < SPLIT_BY_DIMS) {
            int d = dim_from_name(sp->by);
            for (size_t k = 0; ch->has_filter && k < ch->filter.n; k++) named = named || (int)ch->filter.kv[k].dim == d;
            if (!named)
                add_err(c, ch->pos.line ? ch->pos : m.pos,
                        _("goal '%s': a child of a split by %s needs its own filter on %s (filter: {%s: …})"),
                        ch->id ? ch->id : "?", sp->by, sp->by, sp->by);
        } else if (!ch->has_period) {
            add_err(c, ch->pos.line ? ch->pos : m.pos, _("goal '%s': a child of a split by %s needs its own period"),
                    ch->id ? ch->id : "?", sp->by);
        }
    }
}

static void read_goals(ctx *c, struct fy_node *n, sp_pos fb)
{
    int cnt = seq_items(c, n, node_pos(n, fb), "goals");
    if (cnt <= 0) return;
    sp_plan *p = c->p;
    p->goals = xcalloc((size_t)cnt, sizeof *p->goals);
    void *it = NULL;
    struct fy_node *item;
    while ((item = fy_node_sequence_iterate(n, &it)) != NULL && p->ngoals < (size_t)cnt)
        read_goal(c, item, fb, NULL, &p->goals[p->ngoals++]);
}

/* fix_parents: sets parent pointers after every array is final, and turns
 * the internal "bad metric" marker back into a valid enum value. */
static void fix_parents(sp_goal *gs, size_t n, sp_goal *parent)
{
    for (size_t i = 0; i < n; i++) {
        gs[i].parent = parent;
        if (gs[i].metric >= MET_COUNT) gs[i].metric = MET_MANUAL;
        fix_parents(gs[i].children, gs[i].nchildren, &gs[i]);
        for (size_t k = 0; k < gs[i].nsplits; k++) {
            fix_parents(gs[i].splits[k].children, gs[i].splits[k].nchildren, &gs[i]);
            for (size_t j = 0; j < gs[i].splits[k].nchildren; j++) gs[i].splits[k].children[j].split_by = gs[i].splits[k].by;
        }
    }
}

/* ---- analysis ---- */
static const char *const analysis_keys[] = {"pest", "personas", "capabilities"};
static const char *const pest_keys[] = {"id", "factor", "effect", "impact", "text"};
static const char *const persona_keys[] = {"id", "industry", "size", "pains", "decision_chain", "premium"};
static const char *const cap_keys[] = {"id", "kind", "text"};
static const char *const factor_words[] = {"political", "economic", "social", "technological"};
static const char *const effect_words[] = {"opportunity", "threat"};
static const char *const capkind_words[] = {"strength", "weakness", "constraint"};

static void read_pest(ctx *c, struct fy_node *n, sp_pos fb, sp_pest *x)
{
    static const char *W = "pest";
    mapf m;
    if (!map_read(c, n, fb, W, pest_keys, 5, &m)) return;
    x->pos = m.pos;
    get_id(c, &m, W, IDS_ANALYSIS, &x->id);
    int f = get_enum(c, &m, W, "factor", true, factor_words, 4);
    if (f >= 0) x->factor = (sp_pest_factor)f;
    int e = get_enum(c, &m, W, "effect", true, effect_words, 2);
    if (e >= 0) x->effect = (sp_effect)e;
    get_intv(c, &m, W, "impact", false, 1, 5, &x->impact);
    get_text(c, &m, W, "text", false, false, &x->text);
}

/* parse_premium: "20%..30%" or a single ratio. */
static bool parse_premium(const char *s, sp_ratio *lo, sp_ratio *hi)
{
    const char *dd = strstr(s, "..");
    const char *why;
    if (!dd) {
        if (!ratio_parse(s, lo, &why) || *lo < 0) return false;
        *hi = *lo;
        return true;
    }
    char *a = xstrndup(s, (size_t)(dd - s));
    bool ok = ratio_parse(a, lo, &why) && ratio_parse(dd + 2, hi, &why) && *lo >= 0 && *lo <= *hi;
    free(a);
    return ok;
}

static void read_persona(ctx *c, struct fy_node *n, sp_pos fb, sp_persona *x)
{
    static const char *W = "persona";
    mapf m;
    if (!map_read(c, n, fb, W, persona_keys, 6, &m)) return;
    x->pos = m.pos;
    get_id(c, &m, W, IDS_ANALYSIS, &x->id);
    get_text(c, &m, W, "industry", false, false, &x->industry);
    int s = get_enum(c, &m, W, "size", false, size_words, 4);
    if (s > 0) x->size = (sp_size)s;
    get_list(c, &m, W, "pains", &x->pains, &x->npains, NULL);
    get_list(c, &m, W, "decision_chain", &x->decision_chain, &x->ndecision_chain, NULL);
    if (get_text(c, &m, W, "premium", false, true, &x->premium_text)) {
        const char *dd = strstr(x->premium_text, "..");
        bool ok = parse_premium(x->premium_text, &x->premium_lo, &x->premium_hi);
        char *lo = dd ? xstrndup(x->premium_text, (size_t)(dd - x->premium_text)) : xstrdup(x->premium_text);
        if (ok && bare_over_one(lo, x->premium_lo))
            report_bare(c, fpos(&m, "premium"), W, "premium", lo, x->premium_lo);
        else if (ok && dd && bare_over_one(dd + 2, x->premium_hi))
            report_bare(c, fpos(&m, "premium"), W, "premium", dd + 2, x->premium_hi);
        else if (ok) x->has_premium = true;
        free(lo);
        if (!ok) add_err(c, fpos(&m, "premium"), _("persona: premium '%s' is not a ratio or a range like 20%%..30%%"),
                         x->premium_text);
    }
}

static void read_capability(ctx *c, struct fy_node *n, sp_pos fb, sp_capability *x)
{
    static const char *W = "capability";
    mapf m;
    if (!map_read(c, n, fb, W, cap_keys, 3, &m)) return;
    x->pos = m.pos;
    get_id(c, &m, W, IDS_ANALYSIS, &x->id);
    int k = get_enum(c, &m, W, "kind", true, capkind_words, 3);
    if (k >= 0) x->kind = (sp_cap_kind)k;
    get_text(c, &m, W, "text", false, false, &x->text);
}

/* READ_LIST: reads the list node N into the array ARR / count NARR with
 * reader FN (one item per element, array sized up front). */
#define READ_LIST(c, N, pos, what, ARR, NARR, FN)                                         \
    do {                                                                                  \
        int cnt_ = seq_items((c), (N), (pos), (what));                                    \
        if (cnt_ > 0) {                                                                   \
            (ARR) = xcalloc((size_t)cnt_, sizeof *(ARR));                                 \
            void *it_ = NULL;                                                             \
            struct fy_node *item_;                                                        \
            while ((item_ = fy_node_sequence_iterate((N), &it_)) != NULL && (NARR) < (size_t)cnt_) \
                FN((c), item_, (pos), &(ARR)[(NARR)++]);                                  \
        }                                                                                 \
    } while (0)

static void read_analysis(ctx *c, struct fy_node *n, sp_pos fb)
{
    mapf m;
    if (!map_read(c, n, fb, "analysis", analysis_keys, 3, &m)) return;
    sp_plan *p = c->p;
    if (fhas(&m, "pest")) READ_LIST(c, fget(&m, "pest"), fpos(&m, "pest"), "pest", p->pest, p->npest, read_pest);
    if (fhas(&m, "personas"))
        READ_LIST(c, fget(&m, "personas"), fpos(&m, "personas"), "personas", p->personas, p->npersonas, read_persona);
    if (fhas(&m, "capabilities"))
        READ_LIST(c, fget(&m, "capabilities"), fpos(&m, "capabilities"), "capabilities", p->capabilities,
                  p->ncapabilities, read_capability);
}

/* ---- strategies and tasks ---- */
static const char *const strategy_keys[] = {"id", "category", "name", "goals", "answers", "priority"};
static const char *const strat_words[] = {"market", "product", "customer", "channel"};
static const char *const task_keys[] = {"id",        "strategy",  "name",        "owner",  "collaborators",
                                        "start",     "due",       "depends_on",  "milestone", "deliverable",
                                        "budget",    "resources"};
static const char *const task_budget_keys[] = {"category", "amount"};

static void read_strategy(ctx *c, struct fy_node *n, sp_pos fb, sp_strategy *s)
{
    static const char *W = "strategy";
    mapf m;
    if (!map_read(c, n, fb, W, strategy_keys, 6, &m)) return;
    s->pos = m.pos;
    get_id(c, &m, W, IDS_STRATEGY, &s->id);
    int k = get_enum(c, &m, W, "category", true, strat_words, 4);
    if (k >= 0) s->category = (sp_strategy_cat)k;
    get_text(c, &m, W, "name", false, false, &s->name);
    get_list(c, &m, W, "goals", &s->goals, &s->ngoals, &s->pos_goals);
    get_list(c, &m, W, "answers", &s->answers, &s->nanswers, &s->pos_answers);
    get_intv(c, &m, W, "priority", false, 1, 1000, &s->priority);
}

static void read_task(ctx *c, struct fy_node *n, sp_pos fb, sp_task *t)
{
    static const char *W = "task";
    mapf m;
    t->start = t->due = SP_DAY_NONE;
    if (!map_read(c, n, fb, W, task_keys, sizeof task_keys / sizeof *task_keys, &m)) return;
    t->pos = m.pos;
    get_id(c, &m, W, IDS_TASK, &t->id);
    get_text(c, &m, W, "strategy", false, true, &t->strategy);
    t->pos_strategy = fpos(&m, "strategy");
    get_text(c, &m, W, "name", false, false, &t->name);
    get_text(c, &m, W, "owner", true, true, &t->owner);
    t->pos_owner = fpos(&m, "owner");
    get_list(c, &m, W, "collaborators", &t->collaborators, &t->ncollaborators, &t->pos_collaborators);
    get_date(c, &m, W, "start", true, &t->start);
    t->pos_start = fpos(&m, "start");
    get_date(c, &m, W, "due", true, &t->due);
    t->pos_due = fpos(&m, "due");
    get_list(c, &m, W, "depends_on", &t->depends_on, &t->ndepends_on, &t->pos_depends_on);
    get_bool(c, &m, W, "milestone", &t->milestone);
    get_text(c, &m, W, "deliverable", false, false, &t->deliverable);
    if (fhas(&m, "budget")) {
        mapf bm;
        if (map_read(c, fget(&m, "budget"), fpos(&m, "budget"), "task budget", task_budget_keys, 2, &bm)) {
            bool a = get_text(c, &bm, "task budget", "category", true, true, &t->budget_category);
            bool b = get_money(c, &bm, "task budget", "amount", true, &t->budget_amount);
            t->pos_budget_category = fpos(&bm, "category");
            t->pos_budget_amount = fpos(&bm, "amount");
            t->has_budget = a && b;
        }
    }
    get_list(c, &m, W, "resources", &t->resources, &t->nresources, NULL);
}

/* ---- budget, tiers, alerts, notify, check ---- */
static const char *const budget_keys[] = {"total", "categories"};
static const char *const cat_keys[] = {"id", "name", "share"};
static const char *const tier_keys[] = {"id", "name", "min", "review_every_days"};
static const char *const alert_keys[] = {"stale_followup_days", "escalate_after_days", "goal_off_pace_below",
                                         "budget_overrun_above", "task_overdue", "tier_review_due"};
static const char *const notify_keys[] = {"kind", "url",      "secret_env", "secret_file",
                                          "to",   "to_owner", "at",         "weekly_pack"};
static const char *const weekday_words[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
static const char *const notify_words[] = {"feishu", "dingtalk", "wecom", "slack", "webhook", "email"};
static const char *const check_keys[] = {"max_growth"};

static void read_category(ctx *c, struct fy_node *n, sp_pos fb, sp_budget_cat *x)
{
    static const char *W = "budget category";
    mapf m;
    if (!map_read(c, n, fb, W, cat_keys, 3, &m)) return;
    x->pos = m.pos;
    get_id(c, &m, W, IDS_CATEGORY, &x->id);
    get_text(c, &m, W, "name", false, false, &x->name);
    x->share_invalid = fhas(&m, "share") && !get_ratio(c, &m, W, "share", false, &x->share);
    x->pos_share = fpos(&m, "share");
}

static void read_budget(ctx *c, struct fy_node *n, sp_pos fb)
{
    mapf m;
    if (!map_read(c, n, fb, "budget", budget_keys, 2, &m)) return;
    sp_plan *p = c->p;
    p->has_budget = true;
    get_money(c, &m, "budget", "total", false, &p->budget_total);
    if (fhas(&m, "categories"))
        READ_LIST(c, fget(&m, "categories"), fpos(&m, "categories"), "categories", p->budget_cats, p->nbudget_cats,
                  read_category);
}

static void read_tier(ctx *c, struct fy_node *n, sp_pos fb, sp_tier *x)
{
    static const char *W = "tier";
    mapf m;
    if (!map_read(c, n, fb, W, tier_keys, 4, &m)) return;
    x->pos = m.pos;
    get_id(c, &m, W, IDS_TIER, &x->id);
    get_text(c, &m, W, "name", false, false, &x->name);
    get_money(c, &m, W, "min", true, &x->min);
    get_intv(c, &m, W, "review_every_days", false, 1, 3660, &x->review_every_days);
}

/* read_stale: stale_followup_days as a number or a map tier -> days. */
static void read_stale(ctx *c, const mapf *m)
{
    static const char *W = "alerts";
    struct fy_node *n = fget(m, "stale_followup_days");
    sp_alerts_cfg *a = &c->p->alerts;
    if (n && fy_node_is_mapping(n)) {
        int cnt = fy_node_mapping_item_count(n);
        if (cnt <= 0) return;
        a->stale_by_tier = xcalloc((size_t)cnt, sizeof *a->stale_by_tier);
        void *it = NULL;
        struct fy_node_pair *pr;
        sp_pos base = fpos(m, "stale_followup_days");
        while ((pr = fy_node_mapping_iterate(n, &it)) != NULL && a->nstale_by_tier < (size_t)cnt) {
            struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
            sp_pos kp = node_pos(k, base), vp = node_pos(v, kp);
            if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k) || is_null(k)) {
                add_err(c, kp, _("%s: keys must be plain words"), W);
                continue;
            }
            char *ks = scalar_dup(c, k, kp);
            if (!ks) continue;
            char *vs = (v && fy_node_is_scalar(v) && !fy_node_is_alias(v)) ? scalar_dup(c, v, vp) : NULL;
            int64_t d;
            if (!vs || !parse_int(vs, false, &d) || d < 1 || d > 3660) {
                add_err(c, vp, _("alerts: stale_followup_days of tier '%s' expects a whole number from 1 to 3660"),
                        ks);
                free(ks);
                free(vs);
                continue;
            }
            free(vs);
            a->stale_by_tier[a->nstale_by_tier].tier = ks;
            a->stale_by_tier[a->nstale_by_tier].days = (int)d;
            a->nstale_by_tier++;
        }
        return;
    }
    get_intv(c, m, W, "stale_followup_days", false, 1, 3660, &a->stale_followup_days);
}

static void read_alerts(ctx *c, struct fy_node *n, sp_pos fb)
{
    static const char *W = "alerts";
    mapf m;
    if (!map_read(c, n, fb, W, alert_keys, 6, &m)) return;
    sp_alerts_cfg *a = &c->p->alerts;
    if (fhas(&m, "stale_followup_days")) read_stale(c, &m);
    get_intv(c, &m, W, "escalate_after_days", false, 1, 3660, &a->escalate_after_days);
    get_ratio(c, &m, W, "goal_off_pace_below", false, &a->goal_off_pace_below);
    get_ratio(c, &m, W, "budget_overrun_above", false, &a->budget_overrun_above);
    get_bool(c, &m, W, "task_overdue", &a->task_overdue);
    get_bool(c, &m, W, "tier_review_due", &a->tier_review_due);
}

/* env_name_ok: an environment variable name: [A-Za-z_][A-Za-z0-9_]*. */
static bool env_name_ok(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9')) return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* check_addresses: the e-mail channel's 'to': one address or several
 * separated by ',' (blanks around them allowed); each must be an e-mail
 * address. */
static void check_addresses(ctx *c, sp_pos pos, const char *to)
{
    const char *s = to;
    for (;;) {
        size_t n = strcspn(s, ",");
        char *one = xstrndup(s, n);
        char *a = one + strspn(one, " ");
        size_t l = strlen(a);
        while (l && a[l - 1] == ' ') a[--l] = '\0';
        if (!plan_email_ok(a))
            add_err(c, pos, _("%s: '%s' is not an e-mail address: '%s' (write it as name@example.com)"), "notify",
                    "to", a);
        free(one);
        if (!s[n]) break;
        s += n + 1;
    }
}

static void read_notify(ctx *c, struct fy_node *n, sp_pos fb, sp_notify *x)
{
    static const char *W = "notify";
    mapf m;
    if (!map_read(c, n, fb, W, notify_keys, sizeof notify_keys / sizeof *notify_keys, &m)) return;
    x->pos = m.pos;
    x->at = -1;
    int k = get_enum(c, &m, W, "kind", true, notify_words, 6);
    if (k >= 0) x->kind = xstrdup(notify_words[k]);
    get_text(c, &m, W, "url", false, true, &x->url);
    /* the value is not echoed: it may be the secret itself, pasted by mistake */
    if (get_text(c, &m, W, "secret_env", false, true, &x->secret_env) && !env_name_ok(x->secret_env))
        add_err(c, fpos(&m, "secret_env"), "%s",
                _("notify: 'secret_env' names an environment variable (letters, digits and '_', such as "
                  "FEISHU_SECRET) that holds the secret; it must not hold the secret itself"));
    get_text(c, &m, W, "secret_file", false, true, &x->secret_file);
    if (fhas(&m, "secret_env") && fhas(&m, "secret_file"))
        add_err(c, m.kpos[key_index(&m, "secret_file")], "%s",
                _("notify: give either 'secret_env' or 'secret_file', not both"));
    get_text(c, &m, W, "to", false, true, &x->to);
    get_bool(c, &m, W, "to_owner", &x->to_owner);
    char *s = get_scalar(c, &m, W, "at", false);
    if (s && !plan_time_parse(s, &x->at)) {
        x->at = -1;
        add_err(c, fpos(&m, "at"),
                _("notify: 'at' expects a time of day HH:MM from 00:00 to 23:59 (24-hour, in the plan's time "
                  "zone), got '%s'"),
                s);
    }
    free(s);
    x->pos_at = fpos(&m, "at");
    s = get_scalar(c, &m, W, "weekly_pack", false);
    if (s) {
        int wd = plan_weekday_from_name(s);
        if (wd > 0) x->weekly_pack = wd;
        else {
            const char *dm = did_you_mean(s, weekday_words, 7);
            if (dm)
                add_err(c, fpos(&m, "weekly_pack"),
                        _("notify: unknown weekday '%s' for 'weekly_pack' (did you mean '%s'?); expected monday … "
                          "sunday or 周一 … 周日"),
                        s, dm);
            else
                add_err(c, fpos(&m, "weekly_pack"),
                        _("notify: unknown weekday '%s' for 'weekly_pack'; expected monday … sunday or 周一 … 周日"),
                        s);
        }
    }
    free(s);
    x->pos_weekly_pack = fpos(&m, "weekly_pack");
    if (k == 5 && x->to) check_addresses(c, fpos(&m, "to"), x->to);
    if (k >= 0 && k != 5 && !fhas(&m, "url")) add_err(c, m.pos, _("notify: kind '%s' needs a url"), notify_words[k]);
    if (k == 5 && !fhas(&m, "to") && !x->to_owner)
        add_err(c, m.pos, "%s", _("notify: kind 'email' needs 'to' or 'to_owner: true'"));
    if (x->url && strncmp(x->url, "https://", 8) != 0 && strncmp(x->url, "http://", 7) != 0)
        add_err(c, fpos(&m, "url"), _("notify: url '%s' must start with https:// or http://"), x->url);
}

static void read_check(ctx *c, struct fy_node *n, sp_pos fb)
{
    mapf m;
    if (!map_read(c, n, fb, "check", check_keys, 1, &m)) return;
    get_ratio(c, &m, "check", "max_growth", false, &c->p->max_growth);
}

/* ---- the document ---- */
static const char *const top_keys[] = {"plan",  "team",  "goals",  "analysis", "strategies", "tasks",
                                       "budget", "tiers", "alerts", "notify",   "check"};

static void read_root(ctx *c, struct fy_node *root)
{
    sp_pos one = {1, 1};
    mapf m;
    if (!map_read(c, root, one, "plan file", top_keys, sizeof top_keys / sizeof *top_keys, &m)) return;
    sp_plan *p = c->p;
    read_fiscal(c, fget(&m, "plan"));
    if (fhas(&m, "plan")) read_plan(c, fget(&m, "plan"), m.kpos[0]);
    else add_err(c, m.pos, "%s", _("missing key 'plan'"));
    if (fhas(&m, "team")) read_team(c, fget(&m, "team"), fpos(&m, "team"));
    if (fhas(&m, "goals")) read_goals(c, fget(&m, "goals"), fpos(&m, "goals"));
    if (fhas(&m, "analysis")) read_analysis(c, fget(&m, "analysis"), fpos(&m, "analysis"));
    if (fhas(&m, "strategies"))
        READ_LIST(c, fget(&m, "strategies"), fpos(&m, "strategies"), "strategies", p->strategies, p->nstrategies,
                  read_strategy);
    if (fhas(&m, "tasks")) READ_LIST(c, fget(&m, "tasks"), fpos(&m, "tasks"), "tasks", p->tasks, p->ntasks, read_task);
    if (fhas(&m, "budget")) read_budget(c, fget(&m, "budget"), fpos(&m, "budget"));
    if (fhas(&m, "tiers")) READ_LIST(c, fget(&m, "tiers"), fpos(&m, "tiers"), "tiers", p->tiers, p->ntiers, read_tier);
    if (fhas(&m, "alerts")) read_alerts(c, fget(&m, "alerts"), fpos(&m, "alerts"));
    if (fhas(&m, "notify"))
        READ_LIST(c, fget(&m, "notify"), fpos(&m, "notify"), "notify", p->notify, p->nnotify, read_notify);
    if (fhas(&m, "check")) read_check(c, fget(&m, "check"), fpos(&m, "check"));
}

/* reject_aliases: anchors and aliases are not part of the plan format
 * (aliases would let a small file expand hugely); reports each one. Runs
 * before any scalar text is read: libfyaml 0.7.12 leaks the unescaped text
 * of an anchored mapping key read with fy_node_get_scalar. */
static void reject_aliases(ctx *c, struct fy_node *n, int depth)
{
    if (!n || depth > 200) return;
    if (fy_node_get_anchor(n)) {
        add_err(c, node_pos(n, (sp_pos){1, 1}), "%s", _("anchors (&name) are not supported in a plan file"));
        return;
    }
    if (fy_node_is_alias(n)) {
        /* libfyaml marks an alias at its name, after the '*' */
        sp_pos pos = node_pos(n, (sp_pos){1, 1});
        if (pos.col > 1) pos.col--;
        add_err(c, pos, "%s", _("aliases (*name) are not supported in a plan file"));
        return;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *pr;
        while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
            reject_aliases(c, fy_node_pair_key(pr), depth + 1);
            reject_aliases(c, fy_node_pair_value(pr), depth + 1);
        }
    } else if (fy_node_is_sequence(n)) {
        struct fy_node *x;
        while ((x = fy_node_sequence_iterate(n, &it)) != NULL) reject_aliases(c, x, depth + 1);
    }
}

/* ---- bounds and duplicate keys ---- */

/* prescan: streams the parser's events over text (no document is built)
 * and counts keys per mapping, items per list and values in the whole file
 * against PLAN_MAX_KEYS, PLAN_MAX_ITEMS and PLAN_MAX_NODES. Reports the
 * first limit passed at the value that passes it and returns false. Stops
 * quietly at a syntax error (the document build reports it). Memory: one
 * counter per nesting level. */
static bool prescan(ctx *c, const char *text, size_t len)
{
    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (!diag) return true;
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.flags = (enum fy_parse_cfg_flags)(FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2 |
                                         FYPCF_JSON_NONE);
    pc.diag = diag;
    struct fy_parser *fyp = fy_parser_create(&pc);
    if (!fyp) {
        fy_diag_destroy(diag);
        return true;
    }
    bool ok = true;
    if (fy_parser_set_string(fyp, len ? text : "", len) != 0) goto done;
    size_t *count = NULL;   /* values seen in each open collection */
    bool *is_map = NULL;
    size_t depth = 0, cap = 0, nodes = 0;
    struct fy_event *ev;
    while (ok && (ev = fy_parser_parse(fyp)) != NULL) {
        enum fy_event_type t = ev->type;
        bool value = t == FYET_SCALAR || t == FYET_ALIAS || t == FYET_MAPPING_START || t == FYET_SEQUENCE_START;
        if (value) {
            sp_pos pos = mark_pos(fy_event_start_mark(ev));
            if (!pos.line) pos = (sp_pos){1, 1};
            if (++nodes > PLAN_MAX_NODES) {
                add_err(c, pos, _("the plan file holds more than %d values (keys, values and lists count)"),
                        PLAN_MAX_NODES);
                ok = false;
            } else if (depth) {
                size_t n = ++count[depth - 1];
                if (is_map[depth - 1] && n % 2 == 1 && n / 2 + 1 > PLAN_MAX_KEYS) {
                    add_err(c, pos, _("a mapping may hold at most %d keys"), PLAN_MAX_KEYS);
                    ok = false;
                } else if (!is_map[depth - 1] && n > PLAN_MAX_ITEMS) {
                    add_err(c, pos, _("a list may hold at most %d items"), PLAN_MAX_ITEMS);
                    ok = false;
                }
            }
        }
        if (ok && (t == FYET_MAPPING_START || t == FYET_SEQUENCE_START)) {
            if (depth == cap) {
                cap = cap ? cap * 2 : 32;
                count = xreallocarray(count, cap, sizeof *count);
                is_map = xreallocarray(is_map, cap, sizeof *is_map);
            }
            count[depth] = 0;
            is_map[depth] = t == FYET_MAPPING_START;
            depth++;
        } else if ((t == FYET_MAPPING_END || t == FYET_SEQUENCE_END) && depth) {
            depth--;
        }
        fy_parser_event_free(fyp, ev);
    }
    free(count);
    free(is_map);
done:
    fy_parser_destroy(fyp);
    fy_diag_destroy(diag);
    return ok;
}

/* check_dup_keys: every mapping under n (depth-first) has distinct keys;
 * a repeat is reported at the repeated key, naming the first. Linear in
 * the number of keys (a hash set per mapping, sized by its key count).
 * Keys that are not single values are skipped (map_read reports them). */
static void check_dup_keys(ctx *c, struct fy_node *n, int depth)
{
    if (!n || depth > 200) return;
    void *it = NULL;
    if (fy_node_is_sequence(n)) {
        struct fy_node *x;
        while ((x = fy_node_sequence_iterate(n, &it)) != NULL) check_dup_keys(c, x, depth + 1);
        return;
    }
    if (!fy_node_is_mapping(n)) return;
    int cnt = fy_node_mapping_item_count(n);
    if (cnt <= 0) return;
    size_t cap = 8;
    while (cap < (size_t)cnt * 2) cap *= 2;
    char **keys = xcalloc(cap, sizeof *keys);
    sp_pos *pos = xcalloc(cap, sizeof *pos);
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pr);
        if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k)) continue;
        sp_pos kp = node_pos(k, (sp_pos){1, 1});
        size_t before = c->nerrs;
        char *s = scalar_dup(c, k, kp);
        if (!s) { /* map_read reports the bad key itself */
            while (c->nerrs > before) free(c->errs[--c->nerrs].msg);
            continue;
        }
        size_t j = str_hash(s) & (cap - 1);
        while (keys[j] && strcmp(keys[j], s) != 0) j = (j + 1) & (cap - 1);
        if (keys[j]) {
            add_err(c, kp, _("duplicate key '%s' (first at line %d, column %d)"), s, pos[j].line, pos[j].col);
            free(s);
        } else {
            keys[j] = s;
            pos[j] = kp;
        }
    }
    for (size_t j = 0; j < cap; j++) free(keys[j]);
    free(keys);
    free(pos);
    it = NULL;
    while ((pr = fy_node_mapping_iterate(n, &it)) != NULL) check_dup_keys(c, fy_node_pair_value(pr), depth + 1);
}

/* ---- YAML syntax messages in the user's language, with hints ---- */

/* libfyaml's most common messages, marked for translation (libfyaml itself
 * speaks English only); any other message is shown as libfyaml wrote it. */
static const char *const fy_messages[] = {
    N_("invalid multiline plain key"),
    N_("tab character may not be used as indentation"),
    N_("invalid tab used as indentation"),
    N_("invalid tab character as indent instead of space"),
    N_("invalid tab as indendation in a mapping"),
    N_("flow sequence without a closing bracket"),
    N_("flow mapping without a closing brace"),
    N_("double-quoted scalar without closing quote"),
    N_("single-quoted scalar without closing quote"),
    N_("invalid indentation in mapping"),
    N_("missing comma in flow mapping"),
    N_("missing comma in flow sequence"),
    N_("invalid scalar at the end of block sequence"),
    N_("invalid nested block mapping on the same line"),
    N_("block sequence entries not allowed in this context"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected node content"),
    N_("invalid mapping key (not allowed in this context)"),
    N_("invalid block mapping key on same line as previous key"),
    N_("invalid value after mapping"),
    N_("missing ':'"),
    N_("missing mapping value"),
    N_("invalid trailing content after double-quoted scalar"),
    N_("invalid trailing content after single-quoted scalar"),
    N_("block sequence on the same line as a mapping key"),
    N_("wrongly indented flow sequence"),
    N_("wrongly indented flow mapping"),
    N_("flow mapping with invalid extra closing brace"),
    N_("flow sequence with invalid extra closing bracket"),
    N_("Max depth (64) exceeded"),
};

/* fy_message: the translation of one of libfyaml's messages (the message
 * itself when it is not one of fy_messages). */
static const char *fy_message(const char *msg)
{
    for (size_t i = 0; i < sizeof fy_messages / sizeof *fy_messages; i++)
        if (strcmp(fy_messages[i], msg) == 0) return _(fy_messages[i]);
    return msg;
}

/* line_span: the bytes of 1-based line `line` of text, or false. */
static bool line_span(const ctx *c, int line, const char **a, const char **b)
{
    if (line < 1) return false;
    const char *s = c->text, *end = c->text + c->textlen;
    for (int l = 1; l < line; l++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) return false;
        s = nl + 1;
    }
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    *a = s;
    *b = nl ? nl : end;
    return true;
}

/* col_of: the 1-based column (in characters) of byte p on a line from a. */
static int col_of(const char *a, const char *p)
{
    int col = 1;
    for (const char *q = a; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80) col++;
    return col;
}

#define FW_COLON "\xEF\xBC\x9A"   /* U+FF1A FULLWIDTH COLON */
#define FW_SPACE "\xE3\x80\x80"   /* U+3000 IDEOGRAPHIC SPACE */

/* hint_line: looks at line `line` of the source for the typing slips a
 * Chinese input method makes in YAML and adds one hint per slip found:
 * a full-width colon '：' right after a key, a full-width space (U+3000)
 * in the indentation or after a colon, a tab in the indentation. Returns
 * how many hints were added. */
static int hint_line(ctx *c, int line)
{
    const char *a, *b;
    if (!line_span(c, line, &a, &b)) return 0;
    int n = 0;
    /* indentation: spaces, tabs and full-width spaces */
    const char *p = a;
    const char *tab = NULL, *fws = NULL;
    while (p < b) {
        if (*p == ' ') p++;
        else if (*p == '\t') {
            if (!tab) tab = p;
            p++;
        } else if (b - p >= 3 && memcmp(p, FW_SPACE, 3) == 0) {
            if (!fws) fws = p;
            p += 3;
        } else break;
    }
    if (p < b && *p == '-' && (p + 1 == b || p[1] == ' ')) {
        p++;
        while (p < b && *p == ' ') p++;
    }
    /* a key followed by a full-width colon */
    const char *k = p;
    while (k < b && ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') || *k == '_'))
        k++;
    while (k < b && *k == ' ') k++;
    if (k > p && b - k >= 3 && memcmp(k, FW_COLON, 3) == 0) {
        add_err(c, (sp_pos){line, col_of(a, k)}, "%s",
                _("hint: this line has a full-width colon '：' after the key; YAML needs the ASCII colon ':' followed "
                  "by a space (switch the input method to half-width)"));
        n++;
    }
    /* a full-width space after an ASCII colon */
    const char *colon = memchr(p, ':', (size_t)(b - p));
    if (!fws && colon && b - colon >= 4 && memcmp(colon + 1, FW_SPACE, 3) == 0) fws = colon + 1;
    if (fws) {
        add_err(c, (sp_pos){line, col_of(a, fws)}, "%s",
                _("hint: this line has a full-width space (U+3000) where YAML needs ASCII spaces"));
        n++;
    }
    if (tab) {
        add_err(c, (sp_pos){line, col_of(a, tab)}, "%s",
                _("hint: this line is indented with a tab; YAML indents with spaces only"));
        n++;
    }
    return n;
}

/* add_hints: hints for the lines around a syntax error (the line before,
 * its own, the line after: libfyaml often notices a slip one line late);
 * each line is looked at once (last_hinted). */
static void add_hints(ctx *c, int line, int *last_hinted)
{
    for (int l = line - 1; l <= line + 1; l++) {
        if (l <= *last_hinted) continue;
        hint_line(c, l);
        *last_hinted = l;
    }
}

/* parse_core: the whole reading of text into a plan under c (source name,
 * text and error list set by the caller). Returns the plan read, with its
 * structural problems in c->errs; NULL when the text is not a YAML plan at
 * all (syntax errors, limits passed, anchors: those are in c->errs). */
static sp_plan *parse_core(ctx *c)
{
    if (!prescan(c, c->text, c->textlen)) return NULL;

    struct fy_diag_cfg dc;
    fy_diag_cfg_default(&dc);
    dc.fp = NULL;
    dc.colorize = false;
    struct fy_diag *diag = fy_diag_create(&dc);
    if (!diag) {
        add_err(c, (sp_pos){1, 1}, "%s", _("cannot set up the YAML parser"));
        return NULL;
    }
    fy_diag_set_collect_errors(diag, true);
    struct fy_parse_cfg pc;
    memset(&pc, 0, sizeof pc);
    /* duplicate keys are found by check_dup_keys (libfyaml's own check is
     * quadratic in the keys of a mapping) */
    pc.flags = (enum fy_parse_cfg_flags)(FYPCF_QUIET | FYPCF_COLLECT_DIAG | FYPCF_DEFAULT_VERSION_1_2 |
                                         FYPCF_JSON_NONE | FYPCF_ALLOW_DUPLICATE_KEYS);
    pc.diag = diag;
    struct fy_document *doc = fy_document_build_from_string(&pc, c->textlen ? c->text : "", c->textlen);

    /* YAML syntax errors: report them all (with hints) and stop */
    void *it = NULL;
    struct fy_diag_error *de;
    int last_hinted = 0;
    size_t before = c->nerrs;
    while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
        if (de->type < FYET_ERROR) continue;
        sp_pos pos = {de->line > 0 ? de->line : 1, de->column > 0 ? de->column : 1};
        add_err(c, pos, "%s", de->msg ? fy_message(de->msg) : _("YAML syntax error"));
        add_hints(c, pos.line, &last_hinted);
    }
    /* an empty stream (nothing but comments) builds no document */
    if (c->nerrs == before && (!doc || !fy_document_root(doc)))
        add_err(c, (sp_pos){1, 1}, "%s", _("the plan file is empty"));
    if (c->nerrs == before && fy_diag_got_error(diag)) add_err(c, (sp_pos){1, 1}, "%s", _("YAML syntax error"));
    sp_plan *p = NULL;
    if (c->nerrs == before) {
        struct fy_node *root = fy_document_root(doc);
        reject_aliases(c, root, 0);
        if (c->nerrs == before) {
            check_dup_keys(c, root, 0);
            p = plan_new();
            p->source_name = xstrdup(c->src);
            c->p = p;
            read_root(c, root);
            fix_parents(p->goals, p->ngoals, NULL);
        }
    }
    if (doc) fy_document_destroy(doc);
    fy_diag_destroy(diag);
    for (int i = 0; i < IDS_COUNT; i++) idset_free(&c->ids[i]);
    return p;
}

/* ctx_init: c for text (the file-level refusals: size, UTF-8) or false
 * with the refusal in err. */
static bool ctx_init(ctx *c, const char *text, size_t len, const char *src, sp_err *err)
{
    memset(c, 0, sizeof *c);
    if (len > PLAN_MAX_BYTES) {
        err_set(err, SP_EINVAL, _("%s: a plan file may hold at most 16 MiB"), src);
        return false;
    }
    if (!utf8_valid(text, len) || memchr(text, '\0', len)) {
        err_set(err, SP_EINVAL, _("%s: not valid UTF-8"), src);
        return false;
    }
    c->src = src;
    c->text = text;
    c->textlen = len;
    c->fy = 1;
    return true;
}

sp_plan *plan_yaml_parse(const char *text, size_t len, const char *source_name, sp_err *err)
{
    const char *src = source_name ? source_name : "<plan>";
    ctx c;
    if (!ctx_init(&c, text, len, src, err)) return NULL;
    sp_plan *p = parse_core(&c);
    if (c.nerrs) {
        flush_errs(&c, err);
        plan_free(p);
        return NULL;
    }
    free(c.errs);
    return p;
}

sp_plan *plan_yaml_check(const char *text, size_t len, const char *source_name, sp_check_result *res, sp_err *err)
{
    const char *src = source_name ? source_name : "<plan>";
    ctx c;
    if (!ctx_init(&c, text, len, src, err)) return NULL;
    sp_plan *p = parse_core(&c);
    if (c.nerrs) qsort(c.errs, c.nerrs, sizeof *c.errs, perr_cmp);
    for (size_t i = 0; i < c.nerrs; i++) {
        if (i < MAX_REPORTED) check_add(res, SEV_ERROR, c.errs[i].pos, "%s", c.errs[i].msg);
        free(c.errs[i].msg);
    }
    if (c.nerrs > MAX_REPORTED)
        check_add(res, SEV_ERROR, c.errs[MAX_REPORTED - 1].pos, _("%zu more problems not shown"),
                  c.nerrs - MAX_REPORTED);
    free(c.errs);
    return p;
}

/* read_file: path's bytes into b (SP_EIO with the reason, or SP_EINVAL
 * when over 16 MiB). */
static bool read_file(const char *path, buf_t *b, sp_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(errno));
        return false;
    }
    bool too_big = false;
    for (;;) {
        buf_reserve(b, 65536);
        size_t got = fread(b->data + b->len, 1, 65536, f);
        b->len += got;
        b->data[b->len] = '\0';
        if (b->len > PLAN_MAX_BYTES) {
            too_big = true;
            break;
        }
        if (got < 65536) break;
    }
    int rerr = ferror(f) ? errno : 0;
    fclose(f);
    if (rerr) err_set(err, SP_EIO, "%s: %s", path, sys_errmsg(rerr ? rerr : EIO));
    else if (too_big) err_set(err, SP_EINVAL, _("%s: a plan file may hold at most 16 MiB"), path);
    return !rerr && !too_big;
}

sp_plan *plan_yaml_load_file(const char *path, sp_err *err)
{
    buf_t b = BUF_INIT;
    sp_plan *p = NULL;
    if (read_file(path, &b, err)) p = plan_yaml_parse(b.data ? b.data : "", b.len, path, err);
    buf_free(&b);
    return p;
}

sp_plan *plan_yaml_check_file(const char *path, sp_check_result *res, sp_err *err)
{
    buf_t b = BUF_INIT;
    sp_plan *p = NULL;
    if (read_file(path, &b, err)) p = plan_yaml_check(b.data ? b.data : "", b.len, path, res, err);
    buf_free(&b);
    return p;
}
