/*
 * clock.c — today's date in a plan's time zone, without touching the
 * process environment.
 *
 * The C library answers "what is the local time in zone Z" only through
 * the process-wide TZ variable, which a threaded server cannot set per
 * request. So the offset is read here from the zone's TZif file
 * (RFC 8536) in /usr/share/zoneinfo: the transition times and local time
 * types, and past the last transition the POSIX TZ rule of the file's
 * footer (std offset [dst [offset] [,start[/time],end[/time]]], the rules
 * Mm.w.d, Jn and n). Each call reads the file afresh into its own memory:
 * no cache, no shared state, thread-safe.
 *
 * Owns: nothing global. Must not: call setenv, tzset, localtime.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_MAX_FILE (1u << 20)   /* real zone files are a few KiB */

/* tz_name_ok: an IANA name: letters, digits, '/', '_', '-', '+', no "..",
 * not absolute, at most 255 bytes. */
static bool tz_name_ok(const char *tz)
{
    size_t n = strlen(tz);
    if (!n || n > 255 || tz[0] == '/' || strstr(tz, "..")) return false;
    for (const char *p = tz; *p; p++) {
        char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
              c == '-' || c == '+'))
            return false;
    }
    return true;
}

/* read_file: the whole file into a new allocation (*size bytes); false
 * when it cannot be read or is over TZ_MAX_FILE. */
static bool read_file(const char *path, unsigned char **data, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 || (uint64_t)sb.st_size > TZ_MAX_FILE) {
        close(fd);
        return false;
    }
    size_t n = (size_t)sb.st_size, got = 0;
    unsigned char *buf = xmalloc(n);
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        free(buf);
        return false;
    }
    *data = buf;
    *size = n;
    return true;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

/* ---- the POSIX TZ rule (the footer) ---- */

/* days_from_civil: days since 1970-01-01 of y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int64_t y, int m)
{
    static const int md[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* year_of: the Gregorian year of unix day d. */
static int64_t year_of(int64_t d)
{
    int64_t y = 1970 + d / 366;
    if (d < 0) y = 1970 + d / 365 - 1;
    while (days_from_civil(y + 1, 1, 1) <= d) y++;
    while (days_from_civil(y, 1, 1) > d) y--;
    return y;
}

typedef struct tz_rule {
    char type;          /* 'J' (1..365, no Feb 29), 'D' (0..365), 'M' */
    int day, week, month;
    int32_t time;       /* seconds after local midnight (may be negative or > 24 h) */
} tz_rule;

typedef struct tz_posix {
    int32_t std_off, dst_off;   /* seconds east of UTC */
    bool has_dst;
    tz_rule start, end;
} tz_posix;

static const char *parse_name(const char *p)
{
    if (*p == '<') {
        const char *q = strchr(p, '>');
        return q && q > p + 1 ? q + 1 : NULL;
    }
    const char *s = p;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) p++;
    return p - s >= 3 ? p : NULL;
}

/* parse_hms: [+-]h[h][:mm[:ss]] into seconds; NULL when malformed. */
static const char *parse_hms(const char *p, int32_t *secs, int max_hours)
{
    int sign = 1;
    if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
    if (*p < '0' || *p > '9') return NULL;
    int32_t h = 0, m = 0, s = 0;
    while (*p >= '0' && *p <= '9') {
        h = h * 10 + (*p++ - '0');
        if (h > max_hours) return NULL;
    }
    if (*p == ':') {
        p++;
        if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9') return NULL;
        m = (p[0] - '0') * 10 + (p[1] - '0');
        p += 2;
        if (*p == ':') {
            p++;
            if (p[0] < '0' || p[0] > '5' || p[1] < '0' || p[1] > '9') return NULL;
            s = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        }
    }
    *secs = sign * (h * 3600 + m * 60 + s);
    return p;
}

static const char *parse_num(const char *p, int *v, int lo, int hi)
{
    if (*p < '0' || *p > '9') return NULL;
    int n = 0;
    while (*p >= '0' && *p <= '9') {
        n = n * 10 + (*p++ - '0');
        if (n > hi) return NULL;
    }
    if (n < lo) return NULL;
    *v = n;
    return p;
}

static const char *parse_rule(const char *p, tz_rule *r)
{
    memset(r, 0, sizeof *r);
    if (*p == 'J') {
        r->type = 'J';
        p = parse_num(p + 1, &r->day, 1, 365);
    } else if (*p == 'M') {
        r->type = 'M';
        p = parse_num(p + 1, &r->month, 1, 12);
        if (p && *p == '.') p = parse_num(p + 1, &r->week, 1, 5);
        else p = NULL;
        if (p && *p == '.') p = parse_num(p + 1, &r->day, 0, 6);
        else p = NULL;
    } else {
        r->type = 'D';
        p = parse_num(p, &r->day, 0, 365);
    }
    if (!p) return NULL;
    r->time = 2 * 3600;
    if (*p == '/') p = parse_hms(p + 1, &r->time, 167);
    return p;
}

/* parse_posix: a POSIX TZ string ("CST-8", "EST5EDT,M3.2.0,M11.1.0"). */
static bool parse_posix(const char *s, tz_posix *z)
{
    memset(z, 0, sizeof *z);
    const char *p = parse_name(s);
    int32_t off;
    if (!p || !(p = parse_hms(p, &off, 24))) return false;
    z->std_off = -off;
    z->dst_off = z->std_off;
    if (!*p) return true;
    if (!(p = parse_name(p))) return false;
    z->has_dst = true;
    z->dst_off = z->std_off + 3600;
    if (*p && *p != ',') {
        if (!(p = parse_hms(p, &off, 24))) return false;
        z->dst_off = -off;
    }
    if (!*p) { /* no rule: the US rule, as the C library assumes */
        parse_rule("M3.2.0", &z->start);
        parse_rule("M11.1.0", &z->end);
        return true;
    }
    if (*p != ',' || !(p = parse_rule(p + 1, &z->start)) || *p != ',' || !(p = parse_rule(p + 1, &z->end)))
        return false;
    return *p == '\0';
}

/* rule_day: the unix day of rule r in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
    int64_t jan1 = days_from_civil(y, 1, 1);
    switch (r->type) {
    case 'J': return jan1 + r->day - 1 + (leap(y) && r->day >= 60 ? 1 : 0);
    case 'D': return jan1 + r->day;
    default: {
        int64_t first = days_from_civil(y, r->month, 1);
        int wd = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
        int64_t d = 1 + (r->day - wd + 7) % 7 + (int64_t)(r->week - 1) * 7;
        while (d > month_days(y, r->month)) d -= 7;
        return first + d - 1;
    }
    }
}

/* posix_offset: the offset of z at unix time t. */
static int32_t posix_offset(const tz_posix *z, int64_t t)
{
    if (!z->has_dst) return z->std_off;
    int64_t y = year_of((t + z->std_off) / 86400 - ((t + z->std_off) % 86400 < 0));
    /* the transitions of years y-1 .. y+1 around t decide (southern zones
     * span the new year) */
    for (int64_t yy = y + 1; yy >= y - 1; yy--) {
        int64_t start = rule_day(&z->start, yy) * 86400 + z->start.time - z->std_off;
        int64_t end = rule_day(&z->end, yy) * 86400 + z->end.time - z->dst_off;
        /* the latest transition at or before t wins */
        bool s_ok = start <= t, e_ok = end <= t;
        if (s_ok && e_ok) return start > end ? z->dst_off : z->std_off;
        if (s_ok) return z->dst_off;
        if (e_ok) return z->std_off;
    }
    return z->std_off;
}

/* ---- the TZif file ---- */

bool tz_utc_offset(const char *tz, int64_t t, int32_t *offset)
{
    if (!tz || !tz_name_ok(tz)) return false;
    char path[sizeof TZ_DIR + 256];
    snprintf(path, sizeof path, "%s%s", TZ_DIR, tz);
    unsigned char *f = NULL;
    size_t size = 0;
    if (!read_file(path, &f, &size)) return false;
    bool ok = false;
    const unsigned char *p = f, *endp = f + size;
    if (size < 44 || memcmp(p, "TZif", 4) != 0) goto done;
    int version = p[4];
    size_t tsize = 4;
    for (int pass = 0; pass < 2; pass++) {
        if ((size_t)(endp - p) < 44 || memcmp(p, "TZif", 4) != 0) goto done;
        uint32_t isutcnt = be32(p + 20), isstdcnt = be32(p + 24), leapcnt = be32(p + 28), timecnt = be32(p + 32),
                 typecnt = be32(p + 36), charcnt = be32(p + 40);
        if (typecnt == 0 || typecnt > 256 || timecnt > 100000 || leapcnt > 100000 || charcnt > 100000 ||
            isutcnt > 256 || isstdcnt > 256)
            goto done;
        size_t body = (size_t)timecnt * tsize + timecnt + (size_t)typecnt * 6 + charcnt +
                      (size_t)leapcnt * (tsize + 4) + isstdcnt + isutcnt;
        p += 44;
        if ((size_t)(endp - p) < body) goto done;
        if (pass == 0 && version >= '2') { /* skip the 32-bit block: read the 64-bit one */
            p += body;
            tsize = 8;
            continue;
        }
        const unsigned char *times = p, *idx = p + (size_t)timecnt * tsize, *types = idx + timecnt;
        const unsigned char *footer = p + body;
        /* the type for t: type 0 before the first transition */
        size_t type = 0;
        size_t lo = 0, hi = timecnt; /* the first transition > t */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int64_t tm = tsize == 8 ? be64(times + mid * 8) : (int64_t)(int32_t)be32(times + mid * 4);
            if (tm <= t) lo = mid + 1;
            else hi = mid;
        }
        if (lo > 0) type = idx[lo - 1];
        if (type >= typecnt) goto done;
        *offset = (int32_t)be32(types + type * 6);
        ok = true;
        /* past the last transition (or with none), the footer's rule */
        if (tsize == 8 && (lo == timecnt) && footer < endp && *footer == '\n') {
            const unsigned char *nl = memchr(footer + 1, '\n', (size_t)(endp - footer - 1));
            if (nl && nl > footer + 1) {
                char *rule = xstrndup((const char *)footer + 1, (size_t)(nl - footer - 1));
                tz_posix z;
                if (parse_posix(rule, &z)) *offset = posix_offset(&z, t);
                free(rule);
            }
        }
        break;
    }
done:
    free(f);
    return ok;
}

sp_day app_today(const char *tz, int64_t now)
{
    int32_t off = 0;
    if (!tz_utc_offset(tz && *tz ? tz : "Asia/Shanghai", now, &off)) off = 0;
    int64_t local = now + off;
    int64_t days = local / 86400 - (local % 86400 < 0);
    int64_t y = year_of(days);
    int64_t doy = days - days_from_civil(y, 1, 1);
    int m = 1;
    while (doy >= month_days(y, m)) doy -= month_days(y, m++);
    return day_from_ymd((int)y, m, (int)doy + 1);
}
