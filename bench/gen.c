/*
 * gen.c — bench-gen: the synthetic CRM data set of the scale benchmark.
 *
 * Writes reps.csv, customers.csv, leads.csv, deals.csv, activities.csv,
 * invoices.csv and spend.csv (UTF-8, comma separated, RFC 4180 quoting,
 * header row with the SPEC §5 column names) into --out DIR. The output is a
 * pure function of --scale, --seed and --year: every table draws from its own
 * xoshiro256** stream seeded by splitmix64 (no rand(), no clock).
 *
 * Scale 1 is about 5,000 reps, 1,000,000 customers, 2,000,000 leads,
 * 1,000,000 deals, 10,000,000 activities, 1,000,000 invoices and 50,000
 * spend rows; the scale multiplies every count (at least 1 row each).
 * Dates spread over the two calendar years YEAR-1 and YEAR (with a seasonal
 * shape, year-on-year growth and quiet weekends), so trailing-12-month and
 * last-year comparisons have data. A few percent of money values are written
 * with the 万 suffix or with quoted thousands separators, some optional
 * fields are empty, as in real CRM exports.
 *
 * Standalone: C17 + libc only (no libm), built by bench/run.sh. Rows are
 * formatted by hand into a large buffer written with fwrite.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

/* ---------------------------------------------------------------- PRNG -- */

typedef struct rng {
    uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Seeds a stream from the run's seed and a per-table constant. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
    uint64_t x = seed ^ (stream * 0xd1342543de82ef95ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

/* xoshiro256** */
static inline uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

/* Uniform integer in [0, n) (n > 0), by multiply-shift (bias negligible). */
static inline uint64_t rng_below(rng *r, uint64_t n)
{
    return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/* Uniform double in [0, 1). */
static inline double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Percent chance: true with probability pct/100. */
static inline bool chance(rng *r, double pct) { return rng_unit(r) * 100.0 < pct; }

/* Picks an index by integer weights. */
static int pick_weighted(rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) total += w[i];
    int x = (int)rng_below(r, (uint64_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i]) return i;
        x -= w[i];
    }
    return n - 1;
}

/* e^x without libm: range reduction by ln 2 and a Taylor series. */
static double my_exp(double x)
{
    const double ln2 = 0.69314718055994530942;
    int k = (int)(x / ln2);
    double r = x - k * ln2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 20; i++) {
        term *= r / i;
        sum += term;
    }
    while (k > 0) { sum *= 2.0; k--; }
    while (k < 0) { sum *= 0.5; k++; }
    return sum;
}

/* Natural log without libm (x > 0): frexp-like reduction and atanh series. */
static double my_log(double x)
{
    const double ln2 = 0.69314718055994530942;
    int k = 0;
    while (x > 2.0) { x *= 0.5; k++; }
    while (x < 1.0) { x *= 2.0; k--; }
    double y = (x - 1.0) / (x + 1.0), y2 = y * y, term = y, sum = 0.0;
    for (int i = 1; i < 60; i += 2) {
        sum += term / i;
        term *= y2;
    }
    return 2.0 * sum + k * ln2;
}

/* Log-uniform amount in fen between lo and hi yuan. */
static int64_t log_uniform_fen(rng *r, double lo, double hi)
{
    double v = lo * my_exp(rng_unit(r) * my_log(hi / lo));
    return (int64_t)(v * 100.0);
}

/* --------------------------------------------------------------- dates -- */

/* Day table: index 0 is (YEAR-5)-01-01, through (YEAR+1)-12-31. */
static int g_ndays;
static char (*g_datestr)[11];
static int g_month_of[3000]; /* 1..12 */
static int g_wday_of[3000];  /* 0 = Monday */
static int g_lo, g_hi;       /* the main range: (YEAR-1)-01-01 .. YEAR-12-31 */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Fills the day table for the years around `year`. */
static void dates_init(int year)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    g_datestr = malloc(3000 * sizeof *g_datestr);
    if (!g_datestr) abort();
    int n = 0;
    /* weekday of Jan 1 of year-5 (Zeller-free: count from 1970-01-01, a Thursday) */
    long days = 0;
    for (int y = 1970; y < year - 5; y++) days += is_leap(y) ? 366 : 365;
    int wd = (int)((days + 3) % 7); /* 1970-01-01 is Thursday = 3 when Monday = 0 */
    for (int y = year - 5; y <= year + 1; y++) {
        if (y == year - 1) g_lo = n;
        for (int m = 1; m <= 12; m++) {
            int md = mdays[m - 1] + (m == 2 && is_leap(y));
            for (int d = 1; d <= md; d++) {
                char *o = g_datestr[n];
                o[0] = (char)('0' + y / 1000 % 10);
                o[1] = (char)('0' + y / 100 % 10);
                o[2] = (char)('0' + y / 10 % 10);
                o[3] = (char)('0' + y % 10);
                o[4] = '-';
                o[5] = (char)('0' + m / 10);
                o[6] = (char)('0' + m % 10);
                o[7] = '-';
                o[8] = (char)('0' + d / 10);
                o[9] = (char)('0' + d % 10);
                o[10] = '\0';
                g_month_of[n] = m;
                g_wday_of[n] = wd;
                wd = (wd + 1) % 7;
                n++;
            }
        }
        if (y == year) g_hi = n - 1;
    }
    g_ndays = n;
}

/* Cumulative day weights over [g_lo - pre, g_hi] for one kind of record. */
typedef struct daydist {
    int first, n;
    double *cum;
} daydist;

/* Builds a distribution: seasonal month shape, `growth` more in the last
 * day than the first, weekends weighted by `weekend`. Allocates dd->cum. */
static void daydist_init(daydist *dd, int first, int last, double growth, double weekend)
{
    static const double season[12] = {0.85, 0.6, 1.0, 1.0, 1.0, 1.1, 0.9, 0.9, 1.1, 0.9, 1.1, 1.3};
    dd->first = first;
    dd->n = last - first + 1;
    dd->cum = malloc((size_t)dd->n * sizeof *dd->cum);
    if (!dd->cum) abort();
    double acc = 0;
    for (int i = 0; i < dd->n; i++) {
        int d = first + i;
        double w = season[g_month_of[d] - 1] * (1.0 + growth * i / (dd->n > 1 ? dd->n - 1 : 1));
        if (g_wday_of[d] >= 5) w *= weekend;
        acc += w;
        dd->cum[i] = acc;
    }
}

static int daydist_pick(const daydist *dd, rng *r)
{
    double x = rng_unit(r) * dd->cum[dd->n - 1];
    int lo = 0, hi = dd->n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (dd->cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return dd->first + lo;
}

/* -------------------------------------------------------------- writer -- */

#define WBUF (4u << 20)

typedef struct writer {
    FILE *f;
    char *buf;
    size_t n;
    uint64_t rows, bytes;
    const char *name;
} writer;

static char g_outdir[4096];

static void die(const char *what)
{
    fprintf(stderr, "bench-gen: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Opens DIR/name and writes the header row. Allocates the buffer. */
static void w_open(writer *w, const char *name, const char *header)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", g_outdir, name);
    w->f = fopen(path, "wb");
    if (!w->f) die(path);
    w->buf = malloc(WBUF + 4096);
    if (!w->buf) abort();
    w->n = 0;
    w->rows = 0;
    w->bytes = 0;
    w->name = name;
    size_t hl = strlen(header);
    memcpy(w->buf, header, hl);
    w->n = hl;
    w->buf[w->n++] = '\n';
}

static void w_flush(writer *w)
{
    if (w->n && fwrite(w->buf, 1, w->n, w->f) != w->n) die(w->name);
    w->bytes += w->n;
    w->n = 0;
}

/* Ends a row; flushes when the buffer is nearly full. */
static inline void w_eol(writer *w)
{
    w->buf[w->n++] = '\n';
    w->rows++;
    if (w->n >= WBUF) w_flush(w);
}

static void w_close(writer *w)
{
    w_flush(w);
    if (fclose(w->f) != 0) die(w->name);
    free(w->buf);
    printf("  %-15s %10llu rows %10.1f MB\n", w->name, (unsigned long long)w->rows,
           (double)w->bytes / 1e6);
}

static inline void w_str(writer *w, const char *s)
{
    size_t l = strlen(s);
    memcpy(w->buf + w->n, s, l);
    w->n += l;
}

static inline void w_ch(writer *w, char c) { w->buf[w->n++] = c; }
static inline void w_comma(writer *w) { w->buf[w->n++] = ','; }

/* Unsigned decimal, left-padded with zeros to `width` digits. */
static inline void w_uint(writer *w, uint64_t v, int width)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k < width) tmp[k++] = '0';
    while (k) w->buf[w->n++] = tmp[--k];
}

/* An id: prefix + zero-padded number. */
static inline void w_id(writer *w, const char *prefix, uint64_t v, int width)
{
    w_str(w, prefix);
    w_uint(w, v, width);
}

static inline void w_date(writer *w, int day)
{
    memcpy(w->buf + w->n, g_datestr[day], 10);
    w->n += 10;
}

/* Money in fen as plain "1234.50". */
static inline void w_money_plain(writer *w, int64_t fen)
{
    w_uint(w, (uint64_t)(fen / 100), 1);
    w_ch(w, '.');
    w_uint(w, (uint64_t)(fen % 100), 2);
}

/* Money in fen, mostly plain; `wan_pct` percent with the 万 suffix (the
 * amount is then rounded to 0.01万 = 100 yuan, and the caller gets the
 * rounded value back), 1 % as a quoted "1,234,567.89". */
static int64_t w_money(writer *w, rng *r, int64_t fen, double wan_pct)
{
    double u = rng_unit(r) * 100.0;
    if (u < wan_pct && fen >= 1000000) {
        fen = (fen + 5000) / 10000 * 10000; /* to a multiple of 100 yuan */
        uint64_t hundreds = (uint64_t)(fen / 10000); /* in 0.01万 */
        w_uint(w, hundreds / 100, 1);
        uint64_t frac = hundreds % 100;
        if (frac) {
            w_ch(w, '.');
            w_ch(w, (char)('0' + frac / 10));
            if (frac % 10) w_ch(w, (char)('0' + frac % 10));
        }
        w_str(w, "万");
        return fen;
    }
    if (u >= 99.0 && fen >= 100000) { /* ≥ 1,000 yuan: thousands separators */
        char digits[24];
        int k = snprintf(digits, sizeof digits, "%lld", (long long)(fen / 100));
        w_ch(w, '"');
        for (int i = 0; i < k; i++) {
            if (i && (k - i) % 3 == 0) w_ch(w, ',');
            w_ch(w, digits[i]);
        }
        w_ch(w, '.');
        w_uint(w, (uint64_t)(fen % 100), 2);
        w_ch(w, '"');
        return fen;
    }
    w_money_plain(w, fen);
    return fen;
}

/* ----------------------------------------------------------- vocabulary -- */

static const char *const regions[] = {"华东", "华南", "华北", "西南", "华中", "西北", "东北"};
static const int region_w[] = {30, 20, 18, 10, 10, 5, 7};
#define NREGION 7

static const char *const industries[] = {"制造业", "零售", "金融", "医疗", "教育",
                                         "互联网", "物流", "能源", "房地产", "政府"};
static const int industry_w[] = {25, 15, 12, 8, 7, 10, 8, 5, 5, 5};
#define NINDUSTRY 10

static const char *const sizes[] = {"small", "medium", "large"};

static const char *const products[] = {"CRM标准版", "CRM专业版", "数据平台", "实施服务", "培训服务", "运维服务"};
static const int product_w[] = {30, 20, 10, 20, 8, 12};
static const double product_mult[] = {0.6, 1.2, 2.5, 1.0, 0.3, 0.5};
#define NPRODUCT 6

static const char *const sources[] = {"官网", "展会", "转介绍", "电话营销", "合作伙伴", "广告", "社交媒体"};
static const int source_w[] = {25, 15, 15, 15, 10, 12, 8};
#define NSOURCE 7

static const char *const kinds[] = {"visit", "call", "email", "meeting", "other"};
static const int kind_w[] = {30, 35, 20, 10, 5};

static const char *const categories[] = {"marketing", "customer_ops", "training", "reserve"};
static const int category_w[] = {40, 30, 20, 10};

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"};
static const char *const given[] = {"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇",
                                    "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚",
                                    "桂英", "丹", "萍", "鹏", "华", "红", "玉兰", "飞", "建华", "志强"};

static const char *const cities[] = {"上海", "杭州", "苏州", "南京", "深圳", "广州", "北京", "天津",
                                     "成都", "重庆", "武汉", "长沙", "西安", "沈阳", "宁波", "佛山"};
static const char *const words[] = {"华信", "鼎盛", "宏达", "恒通", "瑞丰", "金桥", "天成", "博远",
                                    "中科", "新锐", "卓越", "海纳", "润泽", "星辰", "远航", "启明"};
static const char *const trades[] = {"科技", "机械", "贸易", "电子", "医药", "物流", "实业", "信息技术",
                                     "制造", "商贸"};

static const char *const strategies[] = {"east-mfg", "retail-up", "fin-key", "channel-2026", "renewal-push"};
static const char *const notes[] = {"展会费用", "客户答谢会", "销售培训", "差旅", "市场活动物料",
                                    "线上广告投放", "备用金支出", "客户拜访礼品"};

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------- tables -- */

typedef struct world {
    uint64_t seed;
    double scale;
    int year;
    /* counts */
    uint64_t nreps, ncust, nleads, ndeals, nacts, ninv, nspend;
    /* reps */
    int *rep_region;          /* region of each rep */
    int *region_reps[NREGION]; /* rep indices per region (owners: leaders and reps) */
    int region_nreps[NREGION];
    /* customers */
    int32_t *cust_owner;
    uint8_t *cust_region, *cust_size, *cust_flags; /* flags: 1 key account, 2 has a deal */
    int16_t *cust_created;
    uint64_t *key_custs;
    uint64_t nkey;
    /* deals */
    int32_t *deal_cust;
    int64_t *deal_amount;
    int16_t *deal_closed; /* day index, -1 when open */
    uint32_t *won;        /* indices of won deals */
    uint64_t nwon;
} world;

static uint64_t scaled(double base, double scale)
{
    double v = base * scale + 0.5;
    return v < 1.0 ? 1 : (uint64_t)v;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz);
    if (!p) {
        fprintf(stderr, "bench-gen: out of memory\n");
        exit(1);
    }
    return p;
}

/* A rep that can own customers in region reg (any rep when it has none). */
static int pick_owner(const world *wd, rng *r, int reg)
{
    if (wd->region_nreps[reg] > 0)
        return wd->region_reps[reg][rng_below(r, (uint64_t)wd->region_nreps[reg])];
    return (int)rng_below(r, wd->nreps);
}

static void w_name(writer *w, rng *r)
{
    w_str(w, surnames[rng_below(r, N(surnames))]);
    w_str(w, given[rng_below(r, N(given))]);
    if (chance(r, 40)) w_str(w, given[rng_below(r, N(given))]);
}

/* reps.csv: teams of ten (a leader, a presales, eight reps), one team per
 * region/industry drawn per team; r00010 is the sales manager. */
static void gen_reps(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 1);
    writer w;
    w_open(&w, "reps.csv", "rep_id,name,team,role,region,industry,active");
    wd->rep_region = xcalloc(wd->nreps, sizeof(int));
    for (int g = 0; g < NREGION; g++) wd->region_reps[g] = xcalloc(wd->nreps, sizeof(int));
    int team_region = 0, team_industry = 0;
    for (uint64_t i = 0; i < wd->nreps; i++) {
        uint64_t team = i / 10, pos = i % 10;
        if (pos == 0) {
            team_region = pick_weighted(&r, region_w, NREGION);
            team_industry = pick_weighted(&r, industry_w, NINDUSTRY);
        }
        const char *role = i == 9 ? "manager" : pos == 0 ? "leader" : pos == 9 ? "presales" : "rep";
        bool active = i == 9 || pos == 0 || !chance(&r, 4);
        wd->rep_region[i] = team_region;
        if (active && pos != 9)
            wd->region_reps[team_region][wd->region_nreps[team_region]++] = (int)i;
        w_id(&w, "r", i + 1, 5);
        w_comma(&w);
        w_name(&w, &r);
        w_comma(&w);
        w_id(&w, "t", team + 1, 3);
        w_comma(&w);
        w_str(&w, role);
        w_comma(&w);
        w_str(&w, regions[team_region]);
        w_comma(&w);
        w_str(&w, industries[team_industry]);
        w_comma(&w);
        w_ch(&w, active ? '1' : '0');
        w_eol(&w);
    }
    w_close(&w);
}

/* customers.csv: 2 % key accounts (mostly large), created over the last
 * five years, owned by a rep of their region. */
static void gen_customers(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 2);
    writer w;
    w_open(&w, "customers.csv", "customer_id,name,region,industry,size,owner_rep_id,created_on");
    uint64_t n = wd->ncust;
    wd->cust_owner = xcalloc(n, sizeof(int32_t));
    wd->cust_region = xcalloc(n, 1);
    wd->cust_size = xcalloc(n, 1);
    wd->cust_flags = xcalloc(n, 1);
    wd->cust_created = xcalloc(n, sizeof(int16_t));
    wd->key_custs = xcalloc(n / 50 + 1, sizeof(uint64_t));
    daydist old, recent;
    daydist_init(&old, g_lo - 3 * 365, g_lo - 1, 0.3, 0.3);
    daydist_init(&recent, g_lo, g_hi, 0.2, 0.3);
    for (uint64_t i = 0; i < n; i++) {
        bool key = i % 50 == 7 || n < 50;
        int reg = pick_weighted(&r, region_w, NREGION);
        int ind = pick_weighted(&r, industry_w, NINDUSTRY);
        int size = key ? (chance(&r, 70) ? 2 : 1) : (int)(chance(&r, 60) ? 0 : chance(&r, 75) ? 1 : 2);
        int owner = pick_owner(wd, &r, reg);
        int created = chance(&r, 45) ? daydist_pick(&old, &r) : daydist_pick(&recent, &r);
        if (key) {
            wd->key_custs[wd->nkey++] = i;
            wd->cust_flags[i] |= 1;
            if (created > g_lo) created = g_lo - 1 - (int)rng_below(&r, 700); /* long-standing */
        }
        wd->cust_owner[i] = owner;
        wd->cust_region[i] = (uint8_t)reg;
        wd->cust_size[i] = (uint8_t)size;
        wd->cust_created[i] = (int16_t)created;
        w_id(&w, "c", i + 1, 7);
        w_comma(&w);
        w_str(&w, cities[rng_below(&r, N(cities))]);
        w_str(&w, words[rng_below(&r, N(words))]);
        w_str(&w, trades[rng_below(&r, N(trades))]);
        w_str(&w, chance(&r, 70) ? "有限公司" : "股份有限公司");
        w_uint(&w, i + 1, 1); /* keeps names distinct, like a CRM's disambiguation */
        w_comma(&w);
        if (!chance(&r, 2)) w_str(&w, regions[reg]);
        w_comma(&w);
        if (!chance(&r, 3)) w_str(&w, industries[ind]);
        w_comma(&w);
        if (!chance(&r, 5)) w_str(&w, sizes[size]);
        w_comma(&w);
        w_id(&w, "r", (uint64_t)owner + 1, 5);
        w_comma(&w);
        w_date(&w, created);
        w_eol(&w);
    }
    free(old.cum);
    free(recent.cum);
    w_close(&w);
}

/* deals.csv: 15 % of deals go to the key accounts; amounts log-uniform by
 * customer size and product; sales cycles of one week to eight months;
 * deals that would close after YEAR-12-31 (and 8 % more) are still open. */
static void gen_deals(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 3);
    writer w;
    w_open(&w, "deals.csv",
           "deal_id,customer_id,owner_rep_id,product,created_on,closed_on,stage,amount,cost,"
           "probability,is_new_customer,is_renewal");
    uint64_t n = wd->ndeals;
    wd->deal_cust = xcalloc(n, sizeof(int32_t));
    wd->deal_amount = xcalloc(n, sizeof(int64_t));
    wd->deal_closed = xcalloc(n, sizeof(int16_t));
    wd->won = xcalloc(n, sizeof(uint32_t));
    daydist created_d;
    daydist_init(&created_d, g_lo - 240, g_hi, 0.2, 0.15);
    static const double size_lo[3] = {5000, 20000, 100000}, size_hi[3] = {100000, 500000, 3000000};
    for (uint64_t i = 0; i < n; i++) {
        uint64_t c = (wd->nkey && chance(&r, 15)) ? wd->key_custs[rng_below(&r, wd->nkey)]
                                                  : rng_below(&r, wd->ncust);
        int prod = pick_weighted(&r, product_w, NPRODUCT);
        int created = daydist_pick(&created_d, &r);
        if (created < wd->cust_created[c]) created = wd->cust_created[c];
        int cycle = 7 + (int)(rng_below(&r, 60) + rng_below(&r, 60) + rng_below(&r, 120));
        int closed = created + cycle;
        int size = wd->cust_size[c];
        int64_t amount = (int64_t)((double)log_uniform_fen(&r, size_lo[size], size_hi[size]) *
                                   product_mult[prod]);
        if (amount < 100000) amount = 100000 + (int64_t)rng_below(&r, 100);
        if (closed > g_hi || chance(&r, 8)) closed = -1;
        const char *stage = closed < 0 ? "open" : chance(&r, 58) ? "won" : "lost";
        bool first = !(wd->cust_flags[c] & 2);
        wd->cust_flags[c] |= 2;
        int owner = chance(&r, 90) ? wd->cust_owner[c] : pick_owner(wd, &r, wd->cust_region[c]);

        w_id(&w, "d", i + 1, 7);
        w_comma(&w);
        w_id(&w, "c", c + 1, 7);
        w_comma(&w);
        w_id(&w, "r", (uint64_t)owner + 1, 5);
        w_comma(&w);
        w_str(&w, products[prod]);
        w_comma(&w);
        w_date(&w, created);
        w_comma(&w);
        if (closed >= 0) w_date(&w, closed);
        w_comma(&w);
        w_str(&w, stage);
        w_comma(&w);
        amount = w_money(&w, &r, amount, 3.0);
        w_comma(&w);
        if (!chance(&r, 20)) w_money_plain(&w, amount * (40 + (int64_t)rng_below(&r, 41)) / 100);
        w_comma(&w);
        if (!chance(&r, 10)) {
            int p = stage[0] == 'w' ? 100 : stage[0] == 'l' ? 0 : 10 * (1 + (int)rng_below(&r, 9));
            w_uint(&w, (uint64_t)p, 1);
        }
        w_comma(&w);
        if (chance(&r, 50)) w_ch(&w, first ? '1' : '0');
        w_comma(&w);
        if (!chance(&r, 30)) w_ch(&w, (!first && chance(&r, 30)) ? '1' : '0');
        w_eol(&w);

        wd->deal_cust[i] = (int32_t)c;
        wd->deal_amount[i] = amount;
        wd->deal_closed[i] = (int16_t)closed;
        if (stage[0] == 'w') wd->won[wd->nwon++] = (uint32_t)i;
    }
    free(created_d.cum);
    w_close(&w);
}

/* leads.csv: 35 % qualified, 40 % of those linked to a deal. */
static void gen_leads(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 4);
    writer w;
    w_open(&w, "leads.csv", "lead_id,created_on,source,region,industry,owner_rep_id,qualified,opportunity_id");
    daydist dd;
    daydist_init(&dd, g_lo, g_hi, 0.3, 0.4);
    for (uint64_t i = 0; i < wd->nleads; i++) {
        int reg = pick_weighted(&r, region_w, NREGION);
        bool qualified = chance(&r, 35);
        w_id(&w, "l", i + 1, 7);
        w_comma(&w);
        w_date(&w, daydist_pick(&dd, &r));
        w_comma(&w);
        if (!chance(&r, 5)) w_str(&w, sources[pick_weighted(&r, source_w, NSOURCE)]);
        w_comma(&w);
        w_str(&w, regions[reg]);
        w_comma(&w);
        if (!chance(&r, 10)) w_str(&w, industries[pick_weighted(&r, industry_w, NINDUSTRY)]);
        w_comma(&w);
        if (!chance(&r, 15)) w_id(&w, "r", (uint64_t)pick_owner(wd, &r, reg) + 1, 5);
        w_comma(&w);
        w_ch(&w, qualified ? '1' : '0');
        w_comma(&w);
        if (qualified && chance(&r, 40)) w_id(&w, "d", rng_below(&r, wd->ndeals) + 1, 7);
        w_eol(&w);
    }
    free(dd.cum);
    w_close(&w);
}

/* activities.csv: mostly by the customer's owner, 8 % without a customer,
 * few on weekends. */
static void gen_activities(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 5);
    writer w;
    w_open(&w, "activities.csv", "activity_id,occurred_on,rep_id,customer_id,kind");
    daydist dd;
    daydist_init(&dd, g_lo, g_hi, 0.2, 0.1);
    for (uint64_t i = 0; i < wd->nacts; i++) {
        bool has_cust = !chance(&r, 8);
        uint64_t c = (wd->nkey && chance(&r, 10)) ? wd->key_custs[rng_below(&r, wd->nkey)]
                                                  : rng_below(&r, wd->ncust);
        uint64_t rep = has_cust && chance(&r, 85) ? (uint64_t)wd->cust_owner[c] : rng_below(&r, wd->nreps);
        w_id(&w, "a", i + 1, 8);
        w_comma(&w);
        w_date(&w, daydist_pick(&dd, &r));
        w_comma(&w);
        w_id(&w, "r", rep + 1, 5);
        w_comma(&w);
        if (has_cust) w_id(&w, "c", c + 1, 7);
        w_comma(&w);
        w_str(&w, kinds[pick_weighted(&r, kind_w, N(kinds))]);
        w_eol(&w);
    }
    free(dd.cum);
    w_close(&w);
}

/* invoices.csv: instalments of won deals (5 % without a deal): 65 % paid
 * on time, 12 % paid late, 11 % partly paid, 12 % unpaid; payments after
 * YEAR-12-31 have not happened yet. */
static void gen_invoices(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 6);
    writer w;
    w_open(&w, "invoices.csv", "invoice_id,deal_id,customer_id,issued_on,due_on,amount,paid,paid_on");
    daydist dd;
    daydist_init(&dd, g_lo, g_hi, 0.2, 0.1);
    static const int terms[] = {15, 30, 30, 45, 60, 90};
    for (uint64_t i = 0; i < wd->ninv; i++) {
        bool with_deal = wd->nwon > 0 && !chance(&r, 5);
        uint64_t c;
        int issued;
        int64_t amount;
        uint32_t d = 0;
        if (with_deal) {
            d = wd->won[rng_below(&r, wd->nwon)];
            c = (uint64_t)wd->deal_cust[d];
            issued = wd->deal_closed[d] + (int)rng_below(&r, 200);
            amount = wd->deal_amount[d] * (20 + (int64_t)rng_below(&r, 81)) / 100;
        } else {
            c = rng_below(&r, wd->ncust);
            issued = daydist_pick(&dd, &r);
            amount = log_uniform_fen(&r, 1000, 200000);
        }
        if (issued > g_hi) issued = g_hi - (int)rng_below(&r, 30);
        if (amount < 100) amount = 100;
        int due = issued + terms[rng_below(&r, N(terms))];
        int kind = (int)rng_below(&r, 100);
        int64_t paid = 0;
        int paid_on = -1;
        if (kind < 65) {
            paid = amount;
            paid_on = issued + (int)rng_below(&r, (uint64_t)(due - issued + 1));
        } else if (kind < 77) {
            paid = amount;
            paid_on = due + 1 + (int)rng_below(&r, 120);
        } else if (kind < 88) {
            paid = amount * (10 + (int64_t)rng_below(&r, 81)) / 100;
            paid_on = issued + (int)rng_below(&r, 150);
        }
        if (paid_on > g_hi) {
            paid = 0;
            paid_on = -1;
        }
        w_id(&w, "i", i + 1, 7);
        w_comma(&w);
        if (with_deal) w_id(&w, "d", (uint64_t)d + 1, 7);
        w_comma(&w);
        w_id(&w, "c", c + 1, 7);
        w_comma(&w);
        w_date(&w, issued);
        w_comma(&w);
        w_date(&w, due);
        w_comma(&w);
        w_money(&w, &r, amount, 0.0);
        w_comma(&w);
        w_money_plain(&w, paid);
        w_comma(&w);
        if (paid_on >= 0) w_date(&w, paid_on);
        w_eol(&w);
    }
    free(dd.cum);
    w_close(&w);
}

/* spend.csv: by category; some with a strategy and task; notes, a few of
 * them with a comma (quoted). */
static void gen_spend(world *wd)
{
    rng r;
    rng_seed(&r, wd->seed, 7);
    writer w;
    w_open(&w, "spend.csv", "spend_id,spent_on,category,amount,strategy_id,task_id,note");
    daydist dd;
    daydist_init(&dd, g_lo, g_hi, 0.1, 0.2);
    for (uint64_t i = 0; i < wd->nspend; i++) {
        w_id(&w, "s", i + 1, 6);
        w_comma(&w);
        w_date(&w, daydist_pick(&dd, &r));
        w_comma(&w);
        w_str(&w, categories[pick_weighted(&r, category_w, N(categories))]);
        w_comma(&w);
        w_money(&w, &r, log_uniform_fen(&r, 100, 50000), 2.0);
        w_comma(&w);
        bool strat = chance(&r, 50);
        if (strat) w_str(&w, strategies[rng_below(&r, N(strategies))]);
        w_comma(&w);
        if (strat && chance(&r, 60)) w_id(&w, "task-", rng_below(&r, 200) + 1, 3);
        w_comma(&w);
        if (chance(&r, 3)) {
            w_ch(&w, '"');
            w_str(&w, notes[rng_below(&r, N(notes))]);
            w_str(&w, ", 含差旅");
            w_ch(&w, '"');
        } else if (chance(&r, 70)) {
            w_str(&w, notes[rng_below(&r, N(notes))]);
        }
        w_eol(&w);
    }
    free(dd.cum);
    w_close(&w);
}

/* ---------------------------------------------------------------- main -- */

static void usage(FILE *f)
{
    fprintf(f, "Usage: bench-gen --scale S --out DIR [--seed N] [--year YYYY]\n"
               "Writes the benchmark's CRM CSV files (SPEC section 5) into DIR.\n"
               "Scale 1: 5,000 reps, 1M customers, 2M leads, 1M deals, 10M activities,\n"
               "1M invoices, 50,000 spend rows; S multiplies every count (min 1).\n");
}

int main(int argc, char **argv)
{
    world wd;
    memset(&wd, 0, sizeof wd);
    wd.seed = 1;
    wd.scale = -1;
    wd.year = 2026;
    const char *out = NULL;
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        char *end = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(a, "--scale") && v) {
            wd.scale = strtod(v, &end);
            if (*end || !(wd.scale > 0) || wd.scale > 100) {
                fprintf(stderr, "bench-gen: bad --scale '%s' (a number in (0, 100])\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--out") && v) {
            out = v;
        } else if (!strcmp(a, "--seed") && v) {
            errno = 0;
            wd.seed = strtoull(v, &end, 10);
            if (*end || errno) {
                fprintf(stderr, "bench-gen: bad --seed '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(a, "--year") && v) {
            long y = strtol(v, &end, 10);
            if (*end || y < 1980 || y > 9000) {
                fprintf(stderr, "bench-gen: bad --year '%s'\n", v);
                return 2;
            }
            wd.year = (int)y;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (wd.scale <= 0 || !out) {
        usage(stderr);
        return 2;
    }
    if (strlen(out) >= sizeof g_outdir - 32) {
        fprintf(stderr, "bench-gen: output path too long\n");
        return 2;
    }
    strcpy(g_outdir, out);
    if (mkdir(out, 0777) != 0 && errno != EEXIST) die(out);

    wd.nreps = scaled(5000, wd.scale);
    wd.ncust = scaled(1000000, wd.scale);
    wd.nleads = scaled(2000000, wd.scale);
    wd.ndeals = scaled(1000000, wd.scale);
    wd.nacts = scaled(10000000, wd.scale);
    wd.ninv = scaled(1000000, wd.scale);
    wd.nspend = scaled(50000, wd.scale);
    if (wd.ndeals > UINT32_MAX || wd.ncust > INT32_MAX) {
        fprintf(stderr, "bench-gen: scale too large\n");
        return 2;
    }
    dates_init(wd.year);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    printf("bench-gen: scale %g, seed %llu, years %d-%d -> %s\n", wd.scale, (unsigned long long)wd.seed,
           wd.year - 1, wd.year, out);
    fflush(stdout);
    gen_reps(&wd);
    gen_customers(&wd);
    gen_deals(&wd);
    gen_leads(&wd);
    gen_activities(&wd);
    gen_invoices(&wd);
    gen_spend(&wd);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("bench-gen: done in %.1f s\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

    free(wd.rep_region);
    for (int g = 0; g < NREGION; g++) free(wd.region_reps[g]);
    free(wd.cust_owner);
    free(wd.cust_region);
    free(wd.cust_size);
    free(wd.cust_flags);
    free(wd.cust_created);
    free(wd.key_custs);
    free(wd.deal_cust);
    free(wd.deal_amount);
    free(wd.deal_closed);
    free(wd.won);
    free(g_datestr);
    return 0;
}
