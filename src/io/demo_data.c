/*
 * demo_data.c — the demo workspace generator (see demo_data.h).
 *
 * Owns: the embedded example plans (via the generated embedded_examples.h),
 * the demo's PRNG (xorshift64*, seeded through splitmix64: no rand(), no
 * clock), and the synthetic CRM data made to fit the example plan:
 *   - revenue by month follows a seasonal shape (weak Q1 around the Spring
 *     Festival, strong Q4); the plan year lands around 89 % of the linear
 *     pace at the end of November, its Q3 above target, last year about 85 %
 *     of this year (history for seasonal pacing and the growth check); the
 *     monthly sums of won deals are exact (deals are drawn until the month's
 *     amount is filled), so the fit does not depend on the seed;
 *   - new-customer revenue is a fixed share of each month (about 40 % in Q3);
 *   - qualified leads of the plan's lead-goal filter per month around the
 *     target, some months met and some not;
 *   - a manufacturing team (the example plan's) and a second team in other
 *     regions, added to the demo's plan so that the plan lists every rep of
 *     the data (demo_plan_parse), some reps ahead (more and larger
 *     customers) and some behind;
 *   - a handful of stale follow-ups (open deals, no touch for 10–36 days),
 *     every other customer with an open deal touched in the last week;
 *   - strategic customers (T12M over the plan's strategic minimum), one or
 *     two of them without a visit or meeting for longer than the review
 *     interval;
 *   - spend per budget category, marketing at about 98.5 % of its
 *     allocation by late November;
 *   - two plan versions, two review records, the task states.
 * Everything is built in memory first, then written through the store
 * interface (plan versions, then one transaction for the rest).
 */
#include "demo_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded_examples.h"
#include "plan_export.h"
#include "plan_yaml.h"

/* ---------------------------------------------------------------- PRNG -- */

typedef struct rng {
    uint64_t s;
} rng_t;

static void rng_seed(rng_t *r, uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull; /* splitmix64 step */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    r->s = z ? z : 0x2545F4914F6CDD1Dull;
}

static uint64_t rng_next(rng_t *r)
{
    uint64_t x = r->s; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

/* rng_below: uniform in [0, n) (n > 0). */
static uint32_t rng_below(rng_t *r, uint32_t n) { return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32); }

/* rng_int: uniform in [lo, hi] (lo <= hi). */
static int rng_int(rng_t *r, int lo, int hi) { return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1)); }

/* rng_unit: uniform in [0, 1). */
static double rng_unit(rng_t *r) { return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0); }

static bool rng_chance(rng_t *r, double p) { return rng_unit(r) < p; }

/* --------------------------------------------------------- vocabulary -- */

enum { R_EAST, R_NORTH, R_SOUTH, R_SOUTHWEST, NREGION };
enum { I_MFG, I_RETAIL, I_FIN, NINDUSTRY };
enum { P_ERP, P_MES, P_CRM, NPRODUCT };
#define NSOURCE 5
#define NCITY 6
#define NMIDDLE 12
#define NSUFFIX 6

/* [0] English, [1] Chinese. The region and industry of the plan's filters
 * must match examples/plan-*.yaml exactly ("East China"/"Manufacturing",
 * "华东"/"制造业"). */
static const char *const region_txt[2][NREGION] = {
    {"East China", "North China", "South China", "Southwest China"},
    {"华东", "华北", "华南", "西南"},
};
static const char *const industry_txt[2][NINDUSTRY] = {
    {"Manufacturing", "Retail", "Finance"},
    {"制造业", "零售", "金融"},
};
static const char *const product_txt[2][NPRODUCT] = {
    {"ERP", "MES", "CRM Cloud"},
    {"ERP", "MES", "CRM云"},
};
static const char *const source_txt[2][NSOURCE] = {
    {"Website", "Trade show", "Referral", "Phone", "Online ads"},
    {"官网", "展会", "转介绍", "电话", "线上广告"},
};
static const char *const city_txt[2][NREGION][NCITY] = {
    {{"Suzhou", "Wuxi", "Ningbo", "Hangzhou", "Changzhou", "Jiaxing"},
     {"Tianjin", "Shijiazhuang", "Tangshan", "Beijing", "Baoding", "Jinan"},
     {"Shenzhen", "Dongguan", "Foshan", "Guangzhou", "Xiamen", "Zhuhai"},
     {"Chengdu", "Chongqing", "Kunming", "Guiyang", "Mianyang", "Yibin"}},
    {{"苏州", "无锡", "宁波", "杭州", "常州", "嘉兴"},
     {"天津", "石家庄", "唐山", "北京", "保定", "济南"},
     {"深圳", "东莞", "佛山", "广州", "厦门", "珠海"},
     {"成都", "重庆", "昆明", "贵阳", "绵阳", "宜宾"}},
};
static const char *const middle_txt[2][NMIDDLE] = {
    {"Hongda", "Hengxin", "Ruifeng", "Xinyuan", "Boyuan", "Yongtai", "Huayu", "Jincheng", "Zhongke",
     "Haichuan", "Tianrun", "Weiye"},
    {"宏达", "恒信", "瑞丰", "鑫源", "博远", "永泰", "华宇", "金诚", "中科", "海川", "天润", "伟业"},
};
static const char *const suffix_txt[2][NINDUSTRY][NSUFFIX] = {
    {{"Precision Machinery", "Smart Equipment", "Auto Parts", "Electronics", "New Materials", "Motors"},
     {"Supermarkets", "Trading", "Department Store", "Convenience Stores", "Home Furnishing", "Apparel"},
     {"Leasing", "Insurance Agency", "Microfinance", "Wealth Management", "Securities Services", "Payments"}},
    {{"精工机械", "智能装备", "汽车零部件", "精密电子", "新材料", "电机"},
     {"连锁超市", "商贸", "百货", "便利店", "家居", "服饰"},
     {"融资租赁", "保险代理", "小额贷款", "财富管理", "证券服务", "支付"}},
};

/* The reps: the plan's manufacturing group (names taken from the plan when
 * it lists them) and a second team in other regions and industries.
 * rev: how strongly the rep's customers buy (ahead > 1 > behind);
 * share: share of the customers the rep owns. */
typedef struct demo_rep {
    const char *id, *en, *zh, *team;
    sp_role role;
    int region, industry;
    double rev, share;
} demo_rep;

static const demo_rep reps_tab[] = {
    {"r001", "Wang Qiang", "王强", "mfg", ROLE_LEADER, R_EAST, I_MFG, 1.0, 0.10},
    {"r002", "Li Na", "李娜", "mfg", ROLE_REP, R_EAST, I_MFG, 1.35, 0.22},
    {"r003", "Zhao Min", "赵敏", "mfg", ROLE_REP, R_EAST, I_MFG, 0.6, 0.14},
    {"r004", "Chen Jie", "陈杰", "mfg", ROLE_PRESALES, R_EAST, I_MFG, 0.0, 0.0},
    {"r005", "Liu Yang", "刘洋", "retail", ROLE_LEADER, R_SOUTH, I_RETAIL, 1.0, 0.08},
    {"r006", "Sun Yue", "孙悦", "retail", ROLE_REP, R_SOUTH, I_RETAIL, 1.2, 0.16},
    {"r007", "Zhou Peng", "周鹏", "retail", ROLE_REP, R_NORTH, I_FIN, 1.0, 0.16},
    {"r008", "Wu Fang", "吴芳", "retail", ROLE_REP, R_SOUTHWEST, I_RETAIL, 0.75, 0.14},
};
#define NREPS ((int)(sizeof reps_tab / sizeof reps_tab[0]))
#define REP_LEADER_MFG 0
#define REP_PRESALES 3
#define REP_LEADER_RETAIL 4

/* Revenue of each month of the plan year in 万 (sum 4750万 against a
 * 5000万 target): weak around the Spring Festival, strong in Q4. */
static const int rev_wan[12] = {260, 200, 330, 350, 370, 400, 400, 390, 450, 470, 480, 650};
/* Qualified leads of the lead goal's filter: offset from 200 per month. */
static const int lead_off[12] = {-45, -70, 12, 18, -8, 22, 6, -12, 26, 9, 14, 30};
/* Days without a touch of the stale follow-ups (two past 14: escalated). */
static const int stale_days[] = {10, 12, 13, 19, 36};
#define NSTALE ((int)(sizeof stale_days / sizeof stale_days[0]))

#define FEN_PER_WAN 1000000LL   /* 1万 yuan = 10^6 fen */

/* ------------------------------------------------------------ records -- */

typedef struct dcust {
    sp_day created;
    double w;            /* revenue weight (existing-customer stream) */
    int64_t t12m;        /* won revenue of the last 12 months as of D */
    sp_day open_since;   /* earliest open deal's created_on, SP_DAY_NONE */
    sp_day touch;        /* a stale customer's last touch */
    uint8_t owner, region, industry, size;
    uint8_t city, middle, suffix;
    bool legacy, has_won, stale, neglected;
} dcust;

typedef struct ddeal {
    int32_t cust;
    sp_day created, closed;
    sp_money amount, cost;
    uint8_t owner, product, stage;
    int8_t prob, is_new, is_renewal;
    bool has_cost;
} ddeal;

typedef struct dlead {
    sp_day created;
    int32_t opp;         /* deal index, -1 */
    int32_t seq;
    uint8_t source, region, industry, owner, size;
    bool qualified;
} dlead;

typedef struct dact {
    sp_day on;
    int32_t cust;
    int32_t seq;
    uint8_t rep, kind;
    bool dead;
} dact;

typedef struct dspend {
    sp_day on;
    int32_t seq;
    sp_money amount;
    int16_t cat, task;   /* index into the plan's categories / tasks + 1 (0 none) */
    uint8_t note;
    bool strategy;
} dspend;

typedef struct gen {
    rng_t r;
    int zh;              /* 1: Chinese text */
    int scale;
    int plan_year;
    sp_day start, D;
    sp_money round_unit;
    dcust *c;
    size_t nc, capc;
    ddeal *d;
    size_t nd, capd;
    dlead *l;
    size_t nl, capl;
    dact *a;
    size_t na, capa;
    dspend *s;
    size_t ns, caps;
    double owner_cum[NREPS];
} gen_t;

/* grow: makes room for one more element in an array of n used of *cap. */
static void *grow(void *p, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap) return p;
    *cap = *cap ? *cap * 2 : 256;
    return xreallocarray(p, *cap, elem);
}

static sp_day day_max(sp_day a, sp_day b) { return a > b ? a : b; }
static sp_day day_min(sp_day a, sp_day b) { return a < b ? a : b; }

/* rand_day: a day in [lo, hi], mostly on a weekday; February (the Spring
 * Festival) quieter when quiet_feb. */
static sp_day rand_day(gen_t *g, sp_day lo, sp_day hi, bool quiet_feb)
{
    if (hi < lo) return hi;
    sp_day d = lo;
    for (int tries = 0; tries < 4; tries++) {
        d = lo + (sp_day)rng_below(&g->r, (uint32_t)(hi - lo + 1));
        if (day_weekday(d) >= 6 && rng_chance(&g->r, 0.85)) continue;
        if (quiet_feb) {
            int y, m, dd;
            day_to_ymd(d, &y, &m, &dd);
            if (m == 2 && rng_chance(&g->r, 0.4)) continue;
        }
        break;
    }
    return d;
}

/* draw_amount: a deal amount around base (fen) divided by the scale,
 * rounded to the demo's unit. */
static sp_money draw_amount(gen_t *g, sp_money base)
{
    double u = 0.5 + rng_unit(&g->r);
    if (rng_chance(&g->r, 0.05)) u *= 2.5;
    sp_money v = (sp_money)((double)base * u / g->scale);
    v = v / g->round_unit * g->round_unit;
    return v < g->round_unit ? g->round_unit : v;
}

static sp_money size_base(int size)
{
    switch (size) {
    case SIZE_LARGE: return 20 * FEN_PER_WAN;
    case SIZE_MEDIUM: return 10 * FEN_PER_WAN;
    default: return 5 * FEN_PER_WAN;
    }
}

/* year_permille: the revenue level of year y against the plan year. */
static int64_t year_permille(int plan_year, int y)
{
    int64_t f = 1000;
    for (int k = y; k < plan_year; k++) f = f * 850 / 1000;
    for (int k = plan_year; k < y; k++) f = f * 1100 / 1000;
    return f;
}

static int pick_owner(gen_t *g)
{
    double u = rng_unit(&g->r) * g->owner_cum[NREPS - 1];
    for (int i = 0; i < NREPS; i++)
        if (u < g->owner_cum[i] && reps_tab[i].share > 0) return i;
    return 1;
}

/* new_customer: appends a customer owned by rep owner, created on day;
 * returns its index. Region and industry follow the owner's team. */
static int32_t new_customer(gen_t *g, int owner, sp_day created, bool legacy)
{
    g->c = grow(g->c, g->nc, &g->capc, sizeof *g->c);
    dcust *c = &g->c[g->nc];
    memset(c, 0, sizeof *c);
    const demo_rep *rp = &reps_tab[owner];
    c->owner = (uint8_t)owner;
    c->created = created;
    c->legacy = legacy;
    c->open_since = SP_DAY_NONE;
    if (rp->industry == I_MFG) {
        c->industry = I_MFG;
        c->region = rng_chance(&g->r, 0.85) ? R_EAST : R_NORTH;
    } else {
        c->region = (uint8_t)(rng_chance(&g->r, 0.85) ? rp->region : rng_int(&g->r, R_NORTH, R_SOUTHWEST));
        c->industry = (uint8_t)(rng_chance(&g->r, 0.8) ? rp->industry : (rp->industry == I_FIN ? I_RETAIL : I_FIN));
    }
    double u = rng_unit(&g->r);
    c->w = (0.3 + 2.7 * u * u) * rp->rev;
    c->size = (uint8_t)(c->w > 2.0 ? SIZE_LARGE : c->w > 0.8 ? SIZE_MEDIUM : SIZE_SMALL);
    if (rng_chance(&g->r, 0.15)) c->size = (uint8_t)rng_int(&g->r, SIZE_SMALL, SIZE_LARGE);
    c->city = (uint8_t)rng_below(&g->r, NCITY);
    c->middle = (uint8_t)rng_below(&g->r, NMIDDLE);
    c->suffix = (uint8_t)rng_below(&g->r, NSUFFIX);
    return (int32_t)g->nc++;
}

static int product_for(gen_t *g, int industry)
{
    double u = rng_unit(&g->r);
    if (industry == I_MFG) return u < 0.45 ? P_MES : u < 0.85 ? P_ERP : P_CRM;
    return u < 0.5 ? P_CRM : P_ERP;
}

/* push_deal: appends a deal of customer ci; returns its index. */
static size_t push_deal(gen_t *g, int32_t ci, sp_day created, sp_day closed, sp_stage stage, sp_money amount)
{
    g->d = grow(g->d, g->nd, &g->capd, sizeof *g->d);
    ddeal *d = &g->d[g->nd];
    memset(d, 0, sizeof *d);
    const dcust *c = &g->c[ci];
    d->cust = ci;
    d->owner = c->owner;
    d->created = day_max(created, c->created);
    d->closed = closed;
    d->stage = (uint8_t)stage;
    d->amount = amount;
    d->product = (uint8_t)product_for(g, c->industry);
    d->is_new = -1;
    d->is_renewal = -1;
    if (rng_chance(&g->r, 0.85)) {
        d->has_cost = true;
        d->cost = (sp_money)((double)amount * (0.42 + 0.26 * rng_unit(&g->r)));
    }
    d->prob = stage == STAGE_WON ? 100 : stage == STAGE_LOST ? 0 : (int8_t)(10 + 20 * rng_int(&g->r, 0, 4));
    return g->nd++;
}

/* customer_before: a random customer created on or before day (falls back
 * to the first legacy customer, created before any deal). */
static int32_t customer_before(gen_t *g, sp_day day)
{
    for (int tries = 0; tries < 30; tries++) {
        int32_t i = (int32_t)rng_below(&g->r, (uint32_t)g->nc);
        if (g->c[i].created <= day) return i;
    }
    return 0;
}

/* ------------------------------------------------------------- deals -- */

/* gen_customers_legacy: the customers that exist before the data starts;
 * the first five are the big accounts, the next ten large ones. */
static void gen_customers_legacy(gen_t *g)
{
    static const int anchor_owner[5] = {1, 0, 1, 5, 6};
    int n = 95 * g->scale;
    for (int i = 0; i < n; i++) {
        int owner = i < 5 ? anchor_owner[i] : pick_owner(g);
        sp_day created = g->start - 5 * 365 + (sp_day)rng_below(&g->r, 5 * 365 - 185);
        new_customer(g, owner, created, true);
    }
    double sum = 0;
    for (int i = 15; i < n; i++) sum += g->c[i].w;
    for (int i = 0; i < 15 && i < n; i++) {
        dcust *c = &g->c[i];
        c->w = i < 5 ? sum * 0.3 * (0.8 + 0.5 * rng_unit(&g->r)) : sum * 0.08 * (0.7 + 0.6 * rng_unit(&g->r));
        c->size = SIZE_LARGE;
    }
}

/* gen_won: won deals month by month; each month's amount is filled
 * exactly, split between first deals of new customers (created on the way)
 * and repeat business of established customers picked by weight. */
static void gen_won(gen_t *g)
{
    int y, m, dd, y1, m1;
    day_to_ymd(g->start, &y, &m, &dd);
    day_to_ymd(g->D, &y1, &m1, &dd);
    int32_t *pool = NULL;
    double *cum = NULL;
    size_t cap = 0;
    for (; y < y1 || (y == y1 && m <= m1); m == 12 ? (m = 1, y++) : m++) {
        sp_day mfirst = day_from_ymd(y, m, 1);
        int dim = days_in_month(y, m);
        sp_day lo = day_max(mfirst, g->start), hi = day_min(mfirst + dim - 1, g->D);
        int64_t full = rev_wan[m - 1] * FEN_PER_WAN * year_permille(g->plan_year, y) / 1000;
        int64_t total = full * (hi - lo + 1) / dim;
        total = total / g->round_unit * g->round_unit;
        int share = 330;
        if (y == g->plan_year && m == 7) share = 410;
        if (y == g->plan_year && m == 8) share = 390;
        if (y == g->plan_year && m == 9) share = 420;
        int64_t tnew = total * share / 1000 / g->round_unit * g->round_unit;

        /* the established customers of this month, cumulative weights */
        if (cap < g->nc) {
            cap = g->nc * 2;
            pool = xreallocarray(pool, cap, sizeof *pool);
            cum = xreallocarray(cum, cap, sizeof *cum);
        }
        size_t np = 0;
        double acc = 0;
        for (size_t i = 0; i < g->nc; i++) {
            if (!(g->c[i].legacy || g->c[i].has_won) || g->c[i].created > lo) continue;
            acc += g->c[i].w;
            pool[np] = (int32_t)i;
            cum[np++] = acc;
        }

        for (int stream = 0; stream < 2; stream++) {
            int64_t rem = stream == 0 ? tnew : total - tnew;
            while (rem > 0) {
                bool fresh = stream == 0 || np == 0;
                int32_t ci = -1;
                if (!fresh) {
                    double u = rng_unit(&g->r) * acc;
                    size_t a = 0, b = np - 1;
                    while (a < b) {
                        size_t mid = (a + b) / 2;
                        if (cum[mid] > u) b = mid;
                        else a = mid + 1;
                    }
                    ci = pool[a];
                }
                sp_money base = fresh ? 12 * FEN_PER_WAN : size_base(g->c[ci].size);
                sp_money amount = draw_amount(g, base);
                sp_money minchunk = base / 4 / g->scale;
                if (amount >= rem || rem - amount < minchunk) amount = rem;
                sp_day closed = rand_day(g, lo, hi, false);
                int cycle = fresh ? rng_int(&g->r, 30, 150) : rng_int(&g->r, 15, 90);
                if (fresh) {
                    sp_day created = closed - cycle - rng_int(&g->r, 0, 45);
                    ci = new_customer(g, pick_owner(g), created, false);
                }
                size_t di = push_deal(g, ci, closed - cycle, closed, STAGE_WON, amount);
                g->d[di].is_new = fresh ? 1 : 0;
                g->d[di].is_renewal = (!fresh && rng_chance(&g->r, 0.35)) ? 1 : 0;
                g->c[ci].has_won = true;
                rem -= amount;
            }
        }
    }
    free(pool);
    free(cum);
}

/* gen_lost_open: lost deals beside the won ones (win rate about 42 %), and
 * the open pipeline created in the last 100 days. */
static void gen_lost_open(gen_t *g)
{
    size_t nwon = g->nd;
    for (size_t i = 0; i < nwon; i++) {
        int k = 1 + (rng_chance(&g->r, 0.4) ? 1 : 0);
        for (int j = 0; j < k; j++) {
            sp_day closed = g->d[i].closed + rng_int(&g->r, -20, 20);
            closed = day_min(day_max(closed, g->start), g->D);
            sp_day created = closed - rng_int(&g->r, 15, 120);
            int32_t ci = customer_before(g, created);
            push_deal(g, ci, created, closed, STAGE_LOST, draw_amount(g, size_base(g->c[ci].size)));
        }
    }
    int nopen = 250 * g->scale;
    for (int i = 0; i < nopen; i++) {
        sp_day created = rand_day(g, day_max(g->start, g->D - 100), g->D - 1, false);
        int32_t ci = customer_before(g, created);
        if (rng_chance(&g->r, 0.6)) {
            for (int tries = 0; tries < 10 && !(g->c[ci].has_won && g->c[ci].created <= created); tries++)
                ci = customer_before(g, created);
        }
        push_deal(g, ci, created, SP_DAY_NONE, STAGE_OPEN, draw_amount(g, size_base(g->c[ci].size)));
    }
}

/* tier_strategic: the plan's strategic level (id "strategic", else the
 * highest min): its minimum and review interval. */
static void tier_strategic(const sp_plan *p, sp_money *min, int *review_days)
{
    *min = 100 * FEN_PER_WAN;
    *review_days = 30;
    const sp_tier *best = NULL;
    for (size_t i = 0; i < p->ntiers; i++) {
        if (str_eq(p->tiers[i].id, "strategic")) {
            best = &p->tiers[i];
            break;
        }
        if (!best || p->tiers[i].min > best->min) best = &p->tiers[i];
    }
    if (best) {
        *min = best->min;
        if (best->review_every_days > 0) *review_days = best->review_every_days;
    }
}

/* mark_customers: T12M and open deals per customer; picks the neglected
 * strategic customers and the stale follow-ups, and moves the stale ones'
 * open deals before their last touch. */
static void mark_customers(gen_t *g, sp_money strategic_min)
{
    sp_day year_ago = day_minus_year(g->D);
    for (size_t i = 0; i < g->nd; i++) {
        ddeal *d = &g->d[i];
        dcust *c = &g->c[d->cust];
        if (d->stage == STAGE_WON && d->closed > year_ago && d->closed <= g->D) c->t12m += d->amount;
        if (d->stage == STAGE_OPEN && (c->open_since == SP_DAY_NONE || d->created < c->open_since))
            c->open_since = d->created;
    }
    /* two strategic customers (one when there is only one) nobody has
     * visited lately */
    size_t nstrat = 0;
    for (size_t i = 0; i < g->nc; i++) nstrat += g->c[i].t12m >= strategic_min;
    size_t want = nstrat >= 4 ? 2 : nstrat > 0 ? 1 : 0;
    for (size_t got = 0; got < want;) {
        size_t k = rng_below(&g->r, (uint32_t)nstrat), i = 0;
        for (;; i++) /* the k-th strategic customer */
            if (g->c[i].t12m >= strategic_min && k-- == 0) break;
        if (!g->c[i].neglected) {
            g->c[i].neglected = true;
            got++;
        }
    }
    /* stale follow-ups: customers with an open deal, not strategic, distinct
     * owners first */
    bool used[NREPS] = {false};
    int nst = 0;
    for (int pass = 0; pass < 2 && nst < NSTALE; pass++) {
        for (int tries = 0; tries < 4000 && nst < NSTALE; tries++) {
            size_t i = rng_below(&g->r, (uint32_t)g->nc);
            dcust *c = &g->c[i];
            if (c->open_since == SP_DAY_NONE || c->t12m >= strategic_min || c->stale) continue;
            if (pass == 0 && used[c->owner]) continue;
            int k = stale_days[nst];
            if (c->created > g->D - k - 25) continue;
            c->stale = true;
            used[c->owner] = true;
            /* its open deals predate the last touch */
            for (size_t j = 0; j < g->nd; j++) {
                ddeal *d = &g->d[j];
                if ((size_t)d->cust != i || d->stage != STAGE_OPEN) continue;
                if (d->created > g->D - k - 3) d->created = g->D - k - rng_int(&g->r, 3, 20);
                if (d->created < c->created) d->created = c->created;
            }
            c->touch = g->D - k;
            nst++;
        }
    }
}

/* ------------------------------------------------------------- leads -- */

static void push_lead(gen_t *g, sp_day created, int region, int industry, int owner, bool qualified)
{
    g->l = grow(g->l, g->nl, &g->capl, sizeof *g->l);
    dlead *l = &g->l[g->nl];
    l->created = created;
    l->opp = -1;
    l->seq = (int32_t)g->nl;
    l->source = (uint8_t)rng_below(&g->r, NSOURCE);
    l->region = (uint8_t)region;
    l->industry = (uint8_t)industry;
    l->owner = (uint8_t)owner;
    l->size = (uint8_t)rng_int(&g->r, SIZE_SMALL, SIZE_LARGE);
    l->qualified = qualified;
    g->nl++;
}

static int lead_cmp(const void *a, const void *b)
{
    const dlead *x = a, *y = b;
    if (x->created != y->created) return x->created < y->created ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* gen_leads: the lead goal's filter (East China manufacturing) month by
 * month around the 200 target, then leads elsewhere; sorted by date; then
 * about half of the deals get the qualified lead they came from. */
static void gen_leads(gen_t *g)
{
    int y, m, dd, y1, m1;
    day_to_ymd(g->start, &y, &m, &dd);
    day_to_ymd(g->D, &y1, &m1, &dd);
    size_t in_filter = 0;
    for (; y < y1 || (y == y1 && m <= m1); m == 12 ? (m = 1, y++) : m++) {
        sp_day mfirst = day_from_ymd(y, m, 1);
        int dim = days_in_month(y, m);
        sp_day lo = day_max(mfirst, g->start), hi = day_min(mfirst + dim - 1, g->D);
        int off = lead_off[m - 1];
        int jitter = rng_int(&g->r, 0, 4);
        int64_t q = 200 + off + (off >= 0 ? jitter : -jitter);
        if (y != g->plan_year) q = q * (y < g->plan_year ? 750 : 1100) / 1000;
        q = q * (hi - lo + 1) / dim;
        int64_t unq = q * rng_int(&g->r, 48, 60) / 100;
        for (int64_t i = 0; i < q + unq; i++) {
            double u = rng_unit(&g->r);
            int owner = u < 0.5 ? REP_PRESALES : u < 0.75 ? 1 : 2;
            push_lead(g, rand_day(g, lo, hi, false), R_EAST, I_MFG, owner, i < q);
        }
        in_filter += (size_t)(q + unq);
    }
    /* elsewhere: enough that the table grows with the scale */
    size_t others = 1500 * (size_t)g->scale + (size_t)(g->scale - 1) * in_filter;
    for (size_t i = 0; i < others; i++) {
        int owner = 4 + (int)rng_below(&g->r, 4);
        int region = reps_tab[owner].region, industry = reps_tab[owner].industry;
        if (rng_chance(&g->r, 0.2)) { /* manufacturing outside East China */
            owner = 1 + (int)rng_below(&g->r, 2);
            region = R_NORTH;
            industry = I_MFG;
        } else if (rng_chance(&g->r, 0.1)) { /* East China, not manufacturing */
            region = R_EAST;
            industry = I_RETAIL;
        }
        /* one draw per statement: argument evaluation order is unspecified,
         * and compilers differ, so the data would too */
        sp_day created = rand_day(g, g->start, g->D, true);
        bool qualified = rng_chance(&g->r, 0.45);
        push_lead(g, created, region, industry, owner, qualified);
    }
    qsort(g->l, g->nl, sizeof *g->l, lead_cmp);
    /* deal <- lead: a qualified lead created up to 30 days before the deal */
    for (size_t i = 0; i < g->nd; i++) {
        if (!rng_chance(&g->r, 0.55)) continue;
        sp_day hi = g->d[i].created, lo = hi - 30;
        size_t a = 0, b = g->nl;
        while (a < b) {
            size_t mid = (a + b) / 2;
            if (g->l[mid].created < lo) a = mid + 1;
            else b = mid;
        }
        size_t first = a;
        b = g->nl;
        while (a < b) {
            size_t mid = (a + b) / 2;
            if (g->l[mid].created <= hi) a = mid + 1;
            else b = mid;
        }
        if (a <= first) continue;
        for (int tries = 0; tries < 6; tries++) {
            dlead *l = &g->l[first + rng_below(&g->r, (uint32_t)(a - first))];
            if (l->qualified && l->opp < 0) {
                l->opp = (int32_t)i;
                break;
            }
        }
    }
}

/* -------------------------------------------------------- activities -- */

static void push_act(gen_t *g, sp_day on, int32_t ci, int rep, int kind)
{
    g->a = grow(g->a, g->na, &g->capa, sizeof *g->a);
    dact *a = &g->a[g->na];
    a->on = on;
    a->cust = ci;
    a->seq = (int32_t)g->na;
    a->rep = (uint8_t)rep;
    a->kind = (uint8_t)kind;
    a->dead = false;
    g->na++;
}

static int rand_kind(gen_t *g)
{
    double u = rng_unit(&g->r);
    return u < 0.07 ? ACT_VISIT : u < 0.56 ? ACT_CALL : u < 0.83 ? ACT_EMAIL : u < 0.93 ? ACT_MEETING : ACT_OTHER;
}

/* act_rep: who touches customer c: mostly its owner, sometimes presales or
 * the team leader. */
static int act_rep(gen_t *g, const dcust *c)
{
    if (!rng_chance(&g->r, 0.15)) return c->owner;
    if (reps_tab[c->owner].industry == I_MFG) return rng_chance(&g->r, 0.6) ? REP_PRESALES : REP_LEADER_MFG;
    return REP_LEADER_RETAIL;
}

static int act_cmp(const void *a, const void *b)
{
    const dact *x = a, *y = b;
    if (x->on != y->on) return x->on < y->on ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* gen_activities: 20,000 × scale touches spread over the customers (by a
 * damped revenue weight) and the days, then the follow-up story: stale
 * customers untouched since their day, neglected strategic customers
 * without visits or meetings, everyone else with an open deal touched in
 * the last week, every other strategic customer visited within its review
 * interval. Sorted by date. */
static void gen_activities(gen_t *g, sp_money strategic_min, int review_days)
{
    double *cum = xcalloc(g->nc, sizeof *cum);
    double mean = 0, acc = 0;
    for (size_t i = 0; i < g->nc; i++) mean += g->c[i].w;
    mean /= (double)g->nc;
    for (size_t i = 0; i < g->nc; i++) {
        double w = g->c[i].w / mean;
        acc += 1.0 + (w > 6 ? 6 : w);
        cum[i] = acc;
    }
    size_t n = 20000 * (size_t)g->scale;
    for (size_t k = 0; k < n; k++) {
        size_t ci;
        if (rng_chance(&g->r, 0.4)) {
            ci = rng_below(&g->r, (uint32_t)g->nc);
        } else {
            double u = rng_unit(&g->r) * acc;
            size_t a = 0, b = g->nc - 1;
            while (a < b) {
                size_t mid = (a + b) / 2;
                if (cum[mid] > u) b = mid;
                else a = mid + 1;
            }
            ci = a;
        }
        const dcust *c = &g->c[ci];
        sp_day on = rand_day(g, day_max(g->start, c->created), g->D, true);
        int rep = act_rep(g, c); /* one draw per statement (see gen_leads) */
        int kind = rand_kind(g);
        push_act(g, on, (int32_t)ci, rep, kind);
    }
    free(cum);

    /* the story */
    sp_day *last = xcalloc(g->nc, sizeof *last), *last_vm = xcalloc(g->nc, sizeof *last_vm);
    for (size_t i = 0; i < g->nc; i++) last[i] = last_vm[i] = SP_DAY_NONE;
    for (size_t k = 0; k < g->na; k++) {
        dact *a = &g->a[k];
        dcust *c = &g->c[a->cust];
        if (c->stale && a->on > c->touch) a->dead = true;
        if (c->neglected && a->on > g->D - review_days - 12 && (a->kind == ACT_VISIT || a->kind == ACT_MEETING))
            a->kind = ACT_CALL;
        if (a->dead) continue;
        if (last[a->cust] == SP_DAY_NONE || a->on > last[a->cust]) last[a->cust] = a->on;
        if ((a->kind == ACT_VISIT || a->kind == ACT_MEETING) && (last_vm[a->cust] == SP_DAY_NONE || a->on > last_vm[a->cust]))
            last_vm[a->cust] = a->on;
    }
    for (size_t i = 0; i < g->nc; i++) {
        dcust *c = &g->c[i];
        if (c->stale) {
            push_act(g, c->touch, (int32_t)i, c->owner, rng_chance(&g->r, 0.5) ? ACT_CALL : ACT_EMAIL);
            continue;
        }
        if (c->t12m >= strategic_min && !c->neglected && review_days > 5 &&
            (last_vm[i] == SP_DAY_NONE || last_vm[i] < g->D - review_days + 5)) {
            sp_day on = rand_day(g, day_max(c->created, g->D - review_days + 5), g->D, true);
            push_act(g, on, (int32_t)i, c->owner, ACT_VISIT);
            if (last[i] == SP_DAY_NONE || on > last[i]) last[i] = on;
        }
        if (c->open_since != SP_DAY_NONE && (last[i] == SP_DAY_NONE || last[i] < g->D - 6)) {
            sp_day on = rand_day(g, day_max(c->created, g->D - 5), g->D, true);
            int rep = act_rep(g, c); /* one draw per statement (see gen_leads) */
            int kind = (c->neglected || rng_chance(&g->r, 0.5)) ? ACT_CALL : ACT_VISIT;
            push_act(g, on, (int32_t)i, rep, kind);
        }
    }
    free(last);
    free(last_vm);
    qsort(g->a, g->na, sizeof *g->a, act_cmp);
}

/* ------------------------------------------------------------- spend -- */

static int spend_cmp(const void *a, const void *b)
{
    const dspend *x = a, *y = b;
    if (x->on != y->on) return x->on < y->on ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* cat_rate: the yearly burn of a category in per mille of its allocation. */
static int64_t cat_rate(const char *id)
{
    if (str_eq(id, "marketing")) return 1090; /* ~98.5 % by late November */
    if (str_eq(id, "customer_ops")) return 800;
    if (str_eq(id, "training")) return 650;
    if (str_eq(id, "reserve")) return 250;
    return 700;
}

/* gen_spend: per budget category of the plan, month by month, so that the
 * cumulative spend of a year follows allocation × rate × elapsed share of
 * the year (80 % of that the years before the plan's); items tagged with
 * the first strategy (marketing) and with the tasks whose budget they pay. */
static void gen_spend(gen_t *g, const sp_plan *p)
{
    if (!p->has_budget) return;
    int y0, y1, m, dd;
    day_to_ymd(g->start, &y0, &m, &dd);
    day_to_ymd(g->D, &y1, &m, &dd);
    for (size_t ci = 0; ci < p->nbudget_cats; ci++) {
        const sp_budget_cat *cat = &p->budget_cats[ci];
        int64_t alloc = p->budget_total * cat->share / SP_RATIO_ONE;
        int64_t rate = cat_rate(cat->id);
        bool mkt = str_eq(cat->id, "marketing");
        for (int y = y0; y <= y1; y++) {
            int64_t yf = y == g->plan_year ? 1000 : y < g->plan_year ? 800 : 1000;
            sp_day jan1 = day_from_ymd(y, 1, 1);
            int64_t ydays = is_leap(y) ? 366 : 365;
            int64_t prev = 0;
            for (int mm = 1; mm <= 12; mm++) {
                sp_day mfirst = day_from_ymd(y, mm, 1);
                sp_day lo = day_max(mfirst, g->start), hi = day_min(mfirst + days_in_month(y, mm) - 1, g->D);
                if (hi < lo) continue;
                int64_t elapsed = hi - day_max(jan1, g->start) + 1;
                int64_t cumt = alloc * rate / 1000 * yf / 1000 * elapsed / ydays;
                int64_t rem = cumt - prev;
                prev = cumt;
                sp_money avg = 12000 * 100 / g->scale;
                while (rem > 0) {
                    sp_money a = (sp_money)((double)avg * (0.3 + 1.4 * rng_unit(&g->r)));
                    a = a / 100 * 100;
                    if (a < 100) a = 100;
                    if (a >= rem || rem - a < avg / 5) a = rem;
                    g->s = grow(g->s, g->ns, &g->caps, sizeof *g->s);
                    dspend *s = &g->s[g->ns];
                    memset(s, 0, sizeof *s);
                    s->on = rand_day(g, lo, hi, false);
                    s->seq = (int32_t)g->ns;
                    s->amount = a;
                    s->cat = (int16_t)(ci + 1);
                    s->note = (uint8_t)rng_below(&g->r, 4);
                    s->strategy = mkt && p->nstrategies > 0 && rng_chance(&g->r, 0.6);
                    g->ns++;
                    rem -= a;
                }
            }
        }
    }
    qsort(g->s, g->ns, sizeof *g->s, spend_cmp);
    /* the tasks' budgets: up to two items of the category in the task's dates */
    for (size_t t = 0; t < p->ntasks; t++) {
        const sp_task *tk = &p->tasks[t];
        if (!tk->has_budget || !tk->budget_category) continue;
        int tagged = 0;
        for (size_t i = 0; i < g->ns && tagged < 2; i++) {
            dspend *s = &g->s[i];
            if (s->on < tk->start || s->on > tk->due || s->task) continue;
            if (!str_eq(p->budget_cats[s->cat - 1].id, tk->budget_category)) continue;
            s->task = (int16_t)(t + 1);
            s->strategy = tk->strategy != NULL;
            tagged++;
        }
    }
}

/* ------------------------------------------------------------- write -- */

static const char *const spend_note[2][5][4] = {
    {{"Trade show booth", "Online ads", "Industry summit", "Brochures"},
     {"Customer appreciation event", "Customer visit travel", "Gifts", "User group meeting"},
     {"Sales training", "Product training", "Negotiation workshop", "Certification"},
     {"Contingency", "Urgent travel", "Emergency support", "Other"},
     {"Expense", "Expense", "Expense", "Expense"}},
    {{"展会展位", "线上广告", "行业峰会", "宣传物料"},
     {"客户答谢会", "客户拜访差旅", "礼品", "用户交流会"},
     {"销售培训", "产品培训", "谈判工作坊", "认证考试"},
     {"应急支出", "紧急差旅", "紧急支持", "其他"},
     {"费用", "费用", "费用", "费用"}},
};

static int note_row(const char *cat)
{
    if (str_eq(cat, "marketing")) return 0;
    if (str_eq(cat, "customer_ops")) return 1;
    if (str_eq(cat, "training")) return 2;
    if (str_eq(cat, "reserve")) return 3;
    return 4;
}

/* rank_by_day: rank[i] = 1-based position of element i when sorted by
 * (day, i). Returns a new array. */
static uint32_t *rank_by_day(const sp_day *days, size_t n)
{
    size_t *ord = xcalloc(n ? n : 1, sizeof *ord);
    for (size_t i = 0; i < n; i++) ord[i] = i;
    /* insertion into buckets by day: counting sort over the day range */
    sp_day lo = 0, hi = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || days[i] < lo) lo = days[i];
        if (i == 0 || days[i] > hi) hi = days[i];
    }
    size_t span = n ? (size_t)(hi - lo) + 2 : 1;
    size_t *count = xcalloc(span, sizeof *count);
    for (size_t i = 0; i < n; i++) count[(size_t)(days[i] - lo) + 1]++;
    for (size_t k = 1; k < span; k++) count[k] += count[k - 1];
    for (size_t i = 0; i < n; i++) ord[count[(size_t)(days[i] - lo)]++] = i;
    uint32_t *rank = xcalloc(n ? n : 1, sizeof *rank);
    for (size_t k = 0; k < n; k++) rank[ord[k]] = (uint32_t)(k + 1);
    free(count);
    free(ord);
    return rank;
}

/* write_all: every CRM record through st->ops->upsert (inside the caller's
 * transaction), counting rows into sum. */
static bool write_all(gen_t *g, sp_store *st, const sp_plan *p, sp_demo_summary *sum, sp_err *err)
{
    const int L = g->zh;
    char id[32], id2[32], id3[32], name[160];

    for (int i = 0; i < NREPS; i++) {
        const demo_rep *rp = &reps_tab[i];
        const sp_member *mem = plan_find_member(p, rp->id, NULL);
        sp_rep r = {.id = rp->id,
                    .name = mem && mem->name ? mem->name : (L ? rp->zh : rp->en),
                    .team = rp->team,
                    .region = region_txt[L][rp->region],
                    .industry = industry_txt[L][rp->industry],
                    .role = rp->role,
                    .active = true};
        if (!st->ops->upsert(st, TBL_REPS, &r, err)) return false;
        sum->rows[TBL_REPS]++;
    }

    /* customers and deals numbered in date order */
    sp_day *days = xcalloc(g->nc > g->nd ? g->nc + 1 : g->nd + 1, sizeof *days);
    for (size_t i = 0; i < g->nc; i++) days[i] = g->c[i].created;
    uint32_t *crank = rank_by_day(days, g->nc);
    for (size_t i = 0; i < g->nd; i++) days[i] = g->d[i].created;
    uint32_t *drank = rank_by_day(days, g->nd);
    free(days);
    size_t *corder = xcalloc(g->nc + 1, sizeof *corder), *dorder = xcalloc(g->nd + 1, sizeof *dorder);
    for (size_t i = 0; i < g->nc; i++) corder[crank[i] - 1] = i;
    for (size_t i = 0; i < g->nd; i++) dorder[drank[i] - 1] = i;
    bool ok = true;

    for (size_t k = 0; k < g->nc && ok; k++) {
        const dcust *c = &g->c[corder[k]];
        snprintf(id, sizeof id, "c%05zu", k + 1);
        if (L)
            snprintf(name, sizeof name, "%s%s%s有限公司", city_txt[1][c->region][c->city], middle_txt[1][c->middle],
                     suffix_txt[1][c->industry][c->suffix]);
        else
            snprintf(name, sizeof name, "%s %s %s Co., Ltd.", city_txt[0][c->region][c->city],
                     middle_txt[0][c->middle], suffix_txt[0][c->industry][c->suffix]);
        sp_customer r = {.id = id,
                         .name = name,
                         .region = region_txt[L][c->region],
                         .industry = industry_txt[L][c->industry],
                         .owner = reps_tab[c->owner].id,
                         .size = (sp_size)c->size,
                         .created_on = c->created};
        ok = st->ops->upsert(st, TBL_CUSTOMERS, &r, err);
        sum->rows[TBL_CUSTOMERS]++;
    }

    rng_t ir;
    rng_seed(&ir, g->r.s ^ 0x5DEECE66Dull);
    for (size_t k = 0; k < g->nd && ok; k++) {
        const ddeal *d = &g->d[dorder[k]];
        snprintf(id, sizeof id, "d%06zu", k + 1);
        snprintf(id2, sizeof id2, "c%05u", crank[d->cust]);
        sp_deal r = {.id = id,
                     .customer_id = id2,
                     .owner = reps_tab[d->owner].id,
                     .product = product_txt[L][d->product],
                     .created_on = d->created,
                     .closed_on = d->closed,
                     .stage = (sp_stage)d->stage,
                     .amount = d->amount,
                     .cost = d->cost,
                     .has_cost = d->has_cost,
                     .probability = d->prob,
                     .is_new_customer = d->is_new,
                     .is_renewal = d->is_renewal};
        ok = st->ops->upsert(st, TBL_DEALS, &r, err);
        sum->rows[TBL_DEALS]++;
        if (!ok || d->stage != STAGE_WON) continue;
        /* its invoice: due 30 days after closing; most paid on time */
        snprintf(id3, sizeof id3, "i%06zu", k + 1);
        sp_invoice iv = {.id = id3, .deal_id = id, .customer_id = id2, .issued_on = d->closed,
                         .due_on = d->closed + 30, .amount = d->amount, .paid = 0, .paid_on = SP_DAY_NONE};
        double u = rng_unit(&ir);
        if (iv.due_on <= g->D) {
            if (u < 0.75) {
                iv.paid = d->amount;
                iv.paid_on = iv.due_on - rng_int(&ir, 0, 20);
            } else if (u < 0.88) {
                sp_day late = iv.due_on + rng_int(&ir, 1, 45);
                if (late <= g->D) iv.paid = d->amount, iv.paid_on = late;
            } else if (u < 0.95) {
                iv.paid = d->amount / 2 / 100 * 100;
                iv.paid_on = iv.due_on - rng_int(&ir, 0, 10);
            }
        } else if (u < 0.3) {
            iv.paid = d->amount;
            iv.paid_on = iv.issued_on + rng_int(&ir, 0, (int)(g->D - iv.issued_on));
        }
        ok = st->ops->upsert(st, TBL_INVOICES, &iv, err);
        sum->rows[TBL_INVOICES]++;
    }

    for (size_t k = 0; k < g->nl && ok; k++) {
        const dlead *l = &g->l[k];
        snprintf(id, sizeof id, "l%06zu", k + 1);
        if (l->opp >= 0) snprintf(id2, sizeof id2, "d%06u", drank[l->opp]);
        sp_lead r = {.id = id,
                     .source = source_txt[L][l->source],
                     .region = region_txt[L][l->region],
                     .industry = industry_txt[L][l->industry],
                     .owner = reps_tab[l->owner].id,
                     .opportunity_id = l->opp >= 0 ? id2 : NULL,
                     .size = (sp_size)l->size,
                     .created_on = l->created,
                     .qualified = l->qualified};
        ok = st->ops->upsert(st, TBL_LEADS, &r, err);
        sum->rows[TBL_LEADS]++;
    }

    size_t an = 0;
    for (size_t k = 0; k < g->na && ok; k++) {
        const dact *a = &g->a[k];
        if (a->dead) continue;
        snprintf(id, sizeof id, "a%07zu", ++an);
        snprintf(id2, sizeof id2, "c%05u", crank[a->cust]);
        sp_activity r = {.id = id, .rep = reps_tab[a->rep].id, .customer_id = id2, .occurred_on = a->on,
                         .kind = (sp_actkind)a->kind};
        ok = st->ops->upsert(st, TBL_ACTIVITIES, &r, err);
        sum->rows[TBL_ACTIVITIES]++;
    }

    for (size_t k = 0; k < g->ns && ok; k++) {
        const dspend *s = &g->s[k];
        const char *cat = p->budget_cats[s->cat - 1].id;
        snprintf(id, sizeof id, "s%05zu", k + 1);
        const char *strategy = NULL;
        if (s->task) strategy = p->tasks[s->task - 1].strategy;
        else if (s->strategy && p->nstrategies) strategy = p->strategies[0].id;
        sp_spend r = {.id = id,
                      .category = cat,
                      .strategy_id = strategy,
                      .task_id = s->task ? p->tasks[s->task - 1].id : NULL,
                      .note = spend_note[L][note_row(cat)][s->note],
                      .spent_on = s->on,
                      .amount = s->amount};
        ok = st->ops->upsert(st, TBL_SPEND, &r, err);
        sum->rows[TBL_SPEND]++;
    }
    free(crank);
    free(drank);
    free(corder);
    free(dorder);
    return ok;
}

/* -------------------------------------------------- plan and tracking -- */

const char *demo_plan_text(sp_lang lang, size_t *len)
{
    if (lang == LANG_ZH) {
        *len = example_plan_zh_len;
        return example_plan_zh;
    }
    *len = example_plan_en_len;
    return example_plan_en;
}

/* the demo's second team: the reps of reps_tab outside the example plan's
 * group (the plan must list every rep of the data, or the reverse funnel
 * compares the whole company's needs with one team's capacity) */
static const char *const team2_name[2] = {"Retail & Services Team", "零售与服务组"};

/* demo_text: the example plan of lang with a second group holding every rep
 * of reps_tab the example does not list (new text, caller frees). The group
 * goes right before the top-level "goals:" key, inside team.groups. */
static char *demo_text(sp_lang lang, size_t *len)
{
    size_t n;
    const char *text = demo_plan_text(lang, &n);
    const int L = lang == LANG_ZH;
    const char *at = NULL; /* the text need not end in a NUL */
    for (size_t i = 0; i + 7 <= n && !at; i++)
        if (memcmp(text + i, "\ngoals:", 7) == 0) at = text + i;
    buf_t b = BUF_INIT;
    if (!at) { /* not the shape expected: the example as is */
        buf_append(&b, text, n);
        *len = b.len;
        return buf_detach(&b);
    }
    buf_append(&b, text, (size_t)(at - text) + 1);
    buf_printf(&b, "    - id: %s\n      name: %s\n      members:\n", reps_tab[REP_LEADER_RETAIL].team, team2_name[L]);
    for (int i = 0; i < NREPS; i++) {
        const demo_rep *rp = &reps_tab[i];
        if (strcmp(rp->team, reps_tab[REP_LEADER_RETAIL].team) != 0) continue;
        buf_printf(&b, "        - {id: %s, name: %s, role: %s}\n", rp->id, L ? rp->zh : rp->en, role_name(rp->role));
    }
    buf_append(&b, at + 1, n - (size_t)(at + 1 - text));
    *len = b.len;
    return buf_detach(&b);
}

sp_plan *demo_plan_parse(sp_lang lang, sp_err *err)
{
    size_t len;
    char *text = demo_text(lang, &len);
    sp_plan *p = plan_yaml_parse(text, len, lang == LANG_ZH ? "examples/plan-zh.yaml" : "examples/plan-en.yaml", err);
    free(text);
    return p;
}

/* lower_target: g's target minus delta fen, with its text to match. */
static void lower_target(sp_goal *g, sp_money delta)
{
    g->target -= delta;
    free(g->target_text);
    if (g->target % FEN_PER_WAN == 0) g->target_text = xasprintf("%lld万", (long long)(g->target / FEN_PER_WAN));
    else {
        char b[32];
        g->target_text = xstrdup(money_format(g->target, b));
    }
}

/* initial_version: the canonical YAML of the example with the first split
 * revenue goal and its last child 100万 lower (the plan before Q4 was
 * raised); new text, caller frees. NULL with err set on failure. */
static char *initial_version(sp_lang lang, sp_err *err)
{
    sp_plan *v1 = demo_plan_parse(lang, err);
    if (!v1) return NULL;
    for (size_t i = 0; i < v1->ngoals; i++) {
        sp_goal *g = &v1->goals[i];
        if (g->metric != MET_REVENUE || g->nchildren == 0) continue;
        lower_target(g, 100 * FEN_PER_WAN);
        lower_target(&g->children[g->nchildren - 1], 100 * FEN_PER_WAN);
        for (size_t k = 0; k < g->nsplits; k++) /* each further split sums to the parent too */
            if (g->splits[k].nchildren)
                lower_target(&g->splits[k].children[g->splits[k].nchildren - 1], 100 * FEN_PER_WAN);
        break;
    }
    char *text = plan_export_yaml(v1);
    plan_free(v1);
    return text;
}

typedef struct demo_review {
    int month;
    const char *goal;
    bool led_to_v2;
    const char *text[2][3]; /* [lang][cause, lesson, action] */
} demo_review;

static const demo_review reviews_tab[] = {
    {9, "revenue-q3", true,
     {{"Q3 revenue met: two strategic customers renewed early in August and September; 12 new "
       "manufacturing customers signed in East China",
       "Quarterly visits to strategic customers kept renewals on schedule; referral leads convert fastest",
       "Raise the Q4 target by 1M (plan version 2); the team copies Li Na's renewal playbook"},
      {"Q3 营收达成：两家战略客户在 8–9 月提前续约，华东制造业新签客户 12 家",
       "战略客户的季度拜访保证了续约节奏；转介绍线索转化最快",
       "Q4 目标上调 100万（计划第 2 版）；组内复制李娜的续约打法"}}},
    {10, "revenue", false,
     {{"Annual revenue is about 11% behind the linear pace: the Spring Festival hit Q1 hard and Zhao "
       "Min's accounts lack opportunities",
       "Trade-show leads take about 30 days longer to convert than planned",
       "Review stalled deals every week from November; marketing budget is nearly used up: no new "
       "campaigns, push referrals instead"},
      {"年度营收落后线性进度约 11%：一季度受春节影响大，赵敏负责的客户商机不足",
       "展会线索的转化周期比预期长约 30 天",
       "11 月起每周复盘停滞商机；市场预算已接近上限，暂停新增投放，改推转介绍"}}},
};

/* write_tracking: the review records whose month has ended by D and the
 * states of the plan's started tasks (in progress; overdue when past due). */
static bool write_tracking(gen_t *g, sp_store *st, const sp_plan *p, int v2, sp_demo_summary *sum, sp_err *err)
{
    for (size_t i = 0; i < sizeof reviews_tab / sizeof reviews_tab[0]; i++) {
        const demo_review *rv = &reviews_tab[i];
        int y = g->plan_year;
        sp_day end = day_from_ymd(y, rv->month, days_in_month(y, rv->month));
        if (end >= g->D) continue;
        char period[16];
        snprintf(period, sizeof period, "%04d-%02d", y, rv->month);
        sp_review r = {.plan_id = p->id,
                       .period_text = period,
                       .goal_id = plan_find_goal(p, rv->goal) ? (char *)rv->goal : NULL,
                       .cause = (char *)rv->text[g->zh][0],
                       .lesson = (char *)rv->text[g->zh][1],
                       .action = (char *)rv->text[g->zh][2],
                       .plan_version = rv->led_to_v2 ? v2 : 0};
        int64_t rid;
        if (!st->ops->review_add(st, &r, &rid, err)) return false;
        sum->reviews++;
    }
    for (size_t i = 0; i < p->ntasks; i++) {
        const sp_task *t = &p->tasks[i];
        if (t->start == SP_DAY_NONE || t->start > g->D) continue;
        if (!st->ops->task_set(st, p->id, t->id, TASK_DOING, 60, err)) return false;
        sum->task_states++;
    }
    return true;
}

static void gen_free(gen_t *g)
{
    free(g->c);
    free(g->d);
    free(g->l);
    free(g->a);
    free(g->s);
}

bool demo_build(sp_store *st, const sp_plan *plan, const sp_demo_opts *o, sp_demo_summary *sum, sp_err *err)
{
    memset(sum, 0, sizeof *sum);
    gen_t g;
    memset(&g, 0, sizeof g);
    rng_seed(&g.r, o->seed);
    g.zh = o->lang == LANG_ZH ? 1 : 0;
    g.scale = o->scale < 1 ? 1 : o->scale;
    g.round_unit = g.scale <= 10 ? 10000 : 100;
    g.D = o->as_of;
    int y, m, d;
    if (plan->period.first != SP_DAY_NONE) {
        day_to_ymd(plan->period.first, &y, &m, &d);
        g.plan_year = y;
    } else {
        g.plan_year = 2026;
    }
    g.start = day_min(day_from_ymd(g.plan_year - 1, 1, 1), g.D - 365);
    sum->first_day = g.start;
    double acc = 0;
    for (int i = 0; i < NREPS; i++) {
        acc += reps_tab[i].share;
        g.owner_cum[i] = acc;
    }
    sp_money strategic_min;
    int review_days;
    tier_strategic(plan, &strategic_min, &review_days);

    gen_customers_legacy(&g);
    gen_won(&g);
    gen_lost_open(&g);
    mark_customers(&g, strategic_min);
    gen_leads(&g);
    gen_activities(&g, strategic_min, review_days);
    gen_spend(&g, plan);

    bool ok = false;
    int version = 0, v2 = 0;
    bool changed;
    char *t1 = initial_version(o->lang, err);
    char *t2 = plan_export_yaml(plan);
    const char *reason1 = g.zh ? "年初计划" : "initial plan";
    const char *reason2 = g.zh ? "Q4 上调" : "raise Q4";
    if (!t1) goto done;
    if (!st->ops->plan_put(st, plan->id, plan->name, t1, reason1, &version, &changed, err)) goto done;
    sum->plan_versions += changed;
    if (!st->ops->plan_put(st, plan->id, plan->name, t2, reason2, &v2, &changed, err)) goto done;
    sum->plan_versions += changed;

    if (!st->ops->begin(st, err)) goto done;
    if (!write_all(&g, st, plan, sum, err) || !write_tracking(&g, st, plan, v2, sum, err) ||
        !st->ops->commit(st, err)) {
        st->ops->rollback(st);
        goto done;
    }
    ok = true;
done:
    free(t1);
    free(t2);
    gen_free(&g);
    return ok;
}
