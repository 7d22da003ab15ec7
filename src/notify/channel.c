/*
 * channel.c — the channels of `notify:` (channel.h): payloads as each
 * service documents them, signatures (sign.c), HTTP and SMTP through
 * libcurl with bounded connect and total timeouts, and the meaning of each
 * service's answer (its error codes in a 200 body, rate limits). The
 * payload shapes are documented in docs/NOTIFY.md; keep the two in step.
 */
#define CURL_DISABLE_TYPECHECK /* curl_easy_setopt is called through a pointer (below) */
#include <curl/curl.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../util/dynload.h"
#include "channel.h"
#include "sign.h"

/* libcurl is loaded when a channel is first set up (util/dynload.h): the
 * other commands do not load it and the twenty libraries behind it */
#define CURL_FNS(X)                                                                                            \
    X(curl_easy_cleanup) X(curl_easy_getinfo) X(curl_easy_init) X(curl_easy_perform) X(curl_easy_setopt)       \
    X(curl_easy_strerror) X(curl_global_cleanup) X(curl_global_init) X(curl_slist_append) X(curl_slist_free_all)
CURL_FNS(DYN_PTR)
static const char *const curl_names[] = {CURL_FNS(DYN_NAME)};
static void **const curl_slots[] = {CURL_FNS(DYN_SLOT)};
static dyn_lib curl_lib = DYN_LIB_INIT;
#define curl_easy_cleanup dyn_curl_easy_cleanup
#undef curl_easy_getinfo /* (curl.h's checking macro) */
#define curl_easy_getinfo dyn_curl_easy_getinfo
#define curl_easy_init dyn_curl_easy_init
#define curl_easy_perform dyn_curl_easy_perform
#undef curl_easy_setopt
#define curl_easy_setopt dyn_curl_easy_setopt
#define curl_easy_strerror dyn_curl_easy_strerror
#define curl_global_cleanup dyn_curl_global_cleanup
#define curl_global_init dyn_curl_global_init
#define curl_slist_append dyn_curl_slist_append
#define curl_slist_free_all dyn_curl_slist_free_all

#define SECRET_MAX 4096
#define ANSWER_MAX 1000

static const char *const kinds[] = {"feishu", "dingtalk", "wecom", "slack", "webhook", "email"};

/* ---- secrets ---- */

static char *read_secret_file(const char *path, char **problem)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *problem = xasprintf(_("cannot read the secret file named by secret_file: %s"), sys_errmsg(errno));
        return NULL;
    }
    char *b = xmalloc(SECRET_MAX + 1);
    size_t n = 0;
    ssize_t r;
    while (n < SECRET_MAX && (r = read(fd, b + n, SECRET_MAX - n)) != 0) {
        if (r < 0) {
            if (errno == EINTR) continue;
            *problem = xasprintf(_("cannot read the secret file named by secret_file: %s"), sys_errmsg(errno));
            close(fd);
            free(b);
            return NULL;
        }
        n += (size_t)r;
    }
    close(fd);
    b[n] = '\0';
    while (n && isspace((unsigned char)b[n - 1])) b[--n] = '\0';
    if (!n) {
        *problem = xstrdup(_("the secret file named by secret_file is empty"));
        free(b);
        return NULL;
    }
    return b;
}

void channel_init(sp_channel *ch, const sp_plan *plan, size_t i, const char *id, const sp_notify_opts *o)
{
    memset(ch, 0, sizeof *ch);
    ch->cfg = &plan->notify[i];
    ch->id = id;
    ch->kind = "webhook";
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
        if (str_eq(ch->cfg->kind, kinds[k])) ch->kind = kinds[k];
    if (!dyn_load(&curl_lib, "libcurl.so.4", curl_names, curl_slots, sizeof curl_names / sizeof *curl_names)) {
        ch->problem = xasprintf(_("cannot load the network library: %s"), curl_lib.why);
        return;
    }
    ch->curl = true;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (ch->cfg->secret_env) {
        const char *v = getenv(ch->cfg->secret_env);
        if (v && *v) ch->secret = xstrdup(v);
        else ch->problem = xasprintf(_("the secret is missing: $%s is not set"), ch->cfg->secret_env);
    } else if (ch->cfg->secret_file) {
        ch->secret = read_secret_file(ch->cfg->secret_file, &ch->problem);
    }
    if (ch->problem) return;
    if (str_eq(ch->kind, "email")) {
        if (!o->smtp_url || !*o->smtp_url)
            ch->problem = xstrdup(_("no SMTP server: set SALESPLAN_SMTP_URL (smtp://HOST:587 or smtps://HOST:465)"));
        else if (strncmp(o->smtp_url, "smtp://", 7) != 0 && strncmp(o->smtp_url, "smtps://", 8) != 0)
            ch->problem = xstrdup(_("SALESPLAN_SMTP_URL must start with smtp:// or smtps://"));
        else if (!o->smtp_from || !plan_email_ok(o->smtp_from))
            ch->problem = xstrdup(_("no sender address: set SALESPLAN_SMTP_FROM to an e-mail address"));
        else if (o->smtp_user && *o->smtp_user && !ch->secret)
            ch->problem = xstrdup(_("SALESPLAN_SMTP_USER is set but the channel has no secret_env or secret_file "
                                    "holding the password"));
    } else if (!ch->cfg->url || !*ch->cfg->url) {
        ch->problem = xstrdup(_("the channel has no url"));
    }
}

void channel_free(sp_channel *ch)
{
    free(ch->secret);
    free(ch->problem);
    if (ch->curl) curl_global_cleanup();
    memset(ch, 0, sizeof *ch);
}

/* ---- payloads ---- */

/* url_shown: the URL without its query (tokens live there). */
static char *url_shown(const char *url)
{
    const char *q = strchr(url, '?');
    return q ? xasprintf("%.*s?…", (int)(q - url), url) : xstrdup(url);
}

static char *url_host(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = strcspn(p, "/?#");
    const char *at = memchr(p, '@', n);
    if (at) {
        n -= (size_t)(at + 1 - p);
        p = at + 1;
    }
    return xstrndup(p, n);
}

/* limit: text cut at the last line that fits max bytes, then "…". */
static void text_limited(const char *s, size_t max, buf_t *out)
{
    size_t n = strlen(s);
    if (n <= max) {
        buf_puts(out, s);
        return;
    }
    size_t cut = max > 4 ? max - 4 : 0;
    while (cut > 0 && s[cut] != '\n') cut--;
    buf_append(out, s, cut);
    buf_puts(out, "\n…");
}

static char *dumps(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s ? s : xstrdup("{}");
}

static json_t *jstr(const char *s) { return json_string(s ? s : ""); }

/* build: the request for m at time now: *url (malloc'ed: the real one,
 * with any signature), m->payload (replaced). */
#define MENTIONS_MAX 16

/* mentions: whom m @-mentions: its recipient, or for the weekly pack sent
 * once to a channel ("team"), every leader and manager of the plan. */
static size_t mentions(const sp_plan *plan, const sp_notify_msg *m, const sp_member **out)
{
    size_t n = 0;
    if (m->pack && str_eq(m->recipient, "team")) {
        for (size_t g = 0; g < plan->ngroups; g++)
            for (size_t k = 0; k < plan->groups[g].nmembers && n < MENTIONS_MAX; k++) {
                const sp_member *x = &plan->groups[g].members[k];
                if (x->role != ROLE_LEADER && x->role != ROLE_MANAGER) continue;
                bool dup = false;
                for (size_t j = 0; j < n; j++) dup |= str_eq(out[j]->id, x->id);
                if (!dup) out[n++] = x;
            }
        return n;
    }
    const sp_member *mem = plan_find_member(plan, m->recipient, NULL);
    if (mem) out[n++] = mem;
    return n;
}

static void build(const sp_channel *ch, const sp_plan *plan, sp_notify_msg *m, sp_day day, const sp_notify_opts *o,
                  int64_t now, char **url)
{
    const sp_member *mem[MENTIONS_MAX];
    size_t nmem = mentions(plan, m, mem);
    bool single = !(m->pack && str_eq(m->recipient, "team"));
    const sp_member *one = single && nmem ? mem[0] : NULL;
    const char *mobile = one && one->mobile ? one->mobile : NULL;
    const char *im = one && one->im_id ? one->im_id : NULL;
    buf_t content = BUF_INIT;
    json_t *root = json_object();
    *url = ch->cfg->url ? xstrdup(ch->cfg->url) : NULL;
    free(m->payload);
    m->payload = NULL;
    if (str_eq(ch->kind, "feishu")) {
        for (size_t k = 0; k < nmem; k++)
            if (mem[k]->im_id)
                buf_printf(&content, "<at user_id=\"%s\">%s</at> ", mem[k]->im_id,
                           single ? m->recipient_name : mem[k]->name ? mem[k]->name : mem[k]->id);
        buf_printf(&content, "%s\n\n", m->title);
        text_limited(m->text, 20000, &content);
        if (ch->secret) {
            char ts[24], sig[64];
            snprintf(ts, sizeof ts, "%lld", (long long)now);
            json_object_set_new(root, "timestamp", json_string(ts));
            json_object_set_new(root, "sign", json_string(notify_feishu_sign(ch->secret, now, sig)));
        }
        json_object_set_new(root, "msg_type", json_string("text"));
        json_t *c = json_object();
        json_object_set_new(c, "text", json_string(buf_cstr(&content)));
        json_object_set_new(root, "content", c);
    } else if (str_eq(ch->kind, "dingtalk")) {
        for (size_t k = 0; k < nmem; k++) {
            if (mem[k]->mobile) buf_printf(&content, "@%s ", mem[k]->mobile);
            else if (mem[k]->im_id) buf_printf(&content, "@%s ", mem[k]->im_id);
        }
        buf_printf(&content, "%s\n\n", m->title);
        text_limited(m->text, 15000, &content);
        json_object_set_new(root, "msgtype", json_string("text"));
        json_t *t = json_object();
        json_object_set_new(t, "content", json_string(buf_cstr(&content)));
        json_object_set_new(root, "text", t);
        json_t *at = json_object(), *mob = json_array(), *ids = json_array();
        for (size_t k = 0; k < nmem; k++) {
            if (mem[k]->mobile) json_array_append_new(mob, json_string(mem[k]->mobile));
            if (mem[k]->im_id) json_array_append_new(ids, json_string(mem[k]->im_id));
        }
        json_object_set_new(at, "atMobiles", mob);
        json_object_set_new(at, "atUserIds", ids);
        json_object_set_new(at, "isAtAll", json_false());
        json_object_set_new(root, "at", at);
        if (ch->secret && *url) {
            char sig[128];
            char *u = xasprintf("%s%ctimestamp=%lld&sign=%s", *url, strchr(*url, '?') ? '&' : '?',
                                (long long)now * 1000, notify_dingtalk_sign(ch->secret, now * 1000, sig));
            free(*url);
            *url = u;
        }
    } else if (str_eq(ch->kind, "wecom")) {
        buf_printf(&content, "%s\n\n", m->title);
        text_limited(m->text, 1800, &content); /* WeCom takes 2048 bytes */
        json_object_set_new(root, "msgtype", json_string("text"));
        json_t *t = json_object(), *ids = json_array(), *mob = json_array();
        json_object_set_new(t, "content", json_string(buf_cstr(&content)));
        for (size_t k = 0; k < nmem; k++) {
            if (mem[k]->im_id) json_array_append_new(ids, json_string(mem[k]->im_id));
            if (mem[k]->mobile) json_array_append_new(mob, json_string(mem[k]->mobile));
        }
        json_object_set_new(t, "mentioned_list", ids);
        json_object_set_new(t, "mentioned_mobile_list", mob);
        json_object_set_new(root, "text", t);
    } else if (str_eq(ch->kind, "slack")) {
        for (size_t k = 0; k < nmem; k++)
            if (mem[k]->im_id) buf_printf(&content, "<@%s> ", mem[k]->im_id);
        buf_printf(&content, "*%s*\n\n", m->title);
        text_limited(m->text, 35000, &content);
        json_object_set_new(root, "text", json_string(buf_cstr(&content)));
    } else if (str_eq(ch->kind, "webhook")) {
        char db[16];
        json_object_set_new(root, "version", json_integer(1));
        json_object_set_new(root, "plan", jstr(plan->id));
        json_object_set_new(root, "day", json_string(day_format(day, db)));
        json_object_set_new(root, "channel", jstr(ch->id));
        json_object_set_new(root, "lang", json_string(o->lang == LANG_ZH ? "zh" : "en"));
        json_t *r = json_object();
        json_object_set_new(r, "id", jstr(m->recipient));
        json_object_set_new(r, "name", jstr(m->recipient_name));
        json_object_set_new(r, "email", m->email ? json_string(m->email) : json_null());
        json_object_set_new(r, "mobile", mobile ? json_string(mobile) : json_null());
        json_object_set_new(r, "im_id", im ? json_string(im) : json_null());
        json_object_set_new(root, "recipient", r);
        json_object_set_new(root, "title", jstr(m->title));
        json_object_set_new(root, "text", jstr(m->text));
        json_t *w = json_loads(m->what ? m->what : "[]", 0, NULL);
        json_object_set_new(root, "reminders", w ? w : json_array());
        if (m->pack) json_object_set_new(root, "weekly_pack", json_string(m->pack));
    } else { /* email: the whole message */
        json_decref(root);
        root = NULL;
        buf_t e = BUF_INIT;
        char date[64];
        time_t t = (time_t)now;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
        char db[16];
        buf_printf(&e, "Date: %s\r\n", date);
        buf_printf(&e, "From: salesplan <%s>\r\n", o->smtp_from ? o->smtp_from : "");
        buf_printf(&e, "To: %s\r\n", m->address ? m->address : "");
        buf_puts(&e, "Subject: ");
        notify_rfc2047(m->title, &e);
        buf_puts(&e, "\r\n");
        buf_printf(&e, "Message-ID: <%s.%s.%s%s.", plan->id, day_format(day, db), ch->id, m->pack ? ".weekly" : "");
        for (const char *p = m->recipient; *p; p++) /* a rep id from a CSV: keep the header one safe token */
            buf_putc(&e, isalnum((unsigned char)*p) || *p == '-' || *p == '_' ? *p : '_');
        buf_puts(&e, "@salesplan>\r\n");
        buf_puts(&e, "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n");
        buf_t body = BUF_INIT;
        for (const char *p = m->text; *p; p++) { /* CRLF line ends */
            if (*p == '\n') buf_putc(&body, '\r');
            buf_putc(&body, *p);
        }
        const unsigned char *bp = (const unsigned char *)(body.data ? body.data : "");
        char line[80];
        for (size_t off = 0; off < body.len; off += 57) {
            size_t n = body.len - off < 57 ? body.len - off : 57;
            buf_puts(&e, notify_base64(bp + off, n, line));
            buf_puts(&e, "\r\n");
        }
        buf_free(&body);
        m->payload = buf_detach(&e);
    }
    if (root) m->payload = dumps(root);
    buf_free(&content);
}

/* email_rcpts: the addresses of m: the member's e-mail (to_owner) and the
 * channel's `to` list, comma-separated, without duplicates. */
static char *email_rcpts(const sp_channel *ch, const sp_plan *plan, const sp_notify_msg *m)
{
    buf_t b = BUF_INIT;
    (void)plan;
    if (ch->cfg->to_owner && m->email) buf_puts(&b, m->email);
    if (ch->cfg->to) {
        char *list = xstrdup(ch->cfg->to);
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            t = str_trim(t);
            if (!*t) continue;
            bool dup = false;
            char *have = xstrdup(buf_cstr(&b));
            for (char *s2 = NULL, *h = strtok_r(have, ",", &s2); h; h = strtok_r(NULL, ",", &s2))
                dup |= str_ieq(h, t);
            free(have);
            if (dup) continue;
            if (b.len) buf_putc(&b, ',');
            buf_puts(&b, t);
        }
        free(list);
    }
    if (!b.len) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b);
}

char *channel_prepare(const sp_channel *ch, const sp_plan *plan, const sp_dataset *ds, sp_notify_msg *m, sp_day day,
                      const sp_notify_opts *o, int64_t now)
{
    (void)ds;
    char *problem = NULL;
    if (str_eq(ch->kind, "email")) {
        m->address = email_rcpts(ch, plan, m);
        m->url = o->smtp_url ? url_shown(o->smtp_url) : NULL;
        if (!m->address)
            problem = xasprintf(_("%s has no e-mail address: give the member an email: in the plan's team, "
                                  "or the rep an email column in the reps table"),
                                m->recipient);
    } else if (ch->cfg->url) {
        m->address = url_host(ch->cfg->url);
        m->url = url_shown(ch->cfg->url);
    }
    char *url = NULL;
    build(ch, plan, m, day, o, now, &url);
    free(url);
    return problem;
}

/* ---- what an answer means ---- */

static char *clip(const char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) n--;
    if (n > ANSWER_MAX) n = ANSWER_MAX;
    return xstrndup(s, n);
}

char *notify_answer_error(const char *kind, long status, const char *body, bool *retry)
{
    *retry = false;
    body = body ? body : "";
    if (status == 429 || status >= 500) {
        *retry = true;
        return xasprintf("HTTP %ld: %s", status, body);
    }
    if (status < 200 || status >= 300) return xasprintf("HTTP %ld: %s", status, body);
    bool bot = str_eq(kind, "feishu") || str_eq(kind, "dingtalk") || str_eq(kind, "wecom");
    if (!bot) return NULL;
    json_t *j = json_loads(body, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        return xasprintf(_("unexpected answer: %s"), body);
    }
    const char *ck = str_eq(kind, "feishu") ? "code" : "errcode";
    const char *mk = str_eq(kind, "feishu") ? "msg" : "errmsg";
    json_t *code = json_object_get(j, ck);
    if (!code && str_eq(kind, "feishu")) { /* the older answer shape */
        code = json_object_get(j, "StatusCode");
        mk = "StatusMessage";
    }
    if (!json_is_integer(code)) {
        json_decref(j);
        return xasprintf(_("unexpected answer: %s"), body);
    }
    json_int_t c = json_integer_value(code);
    char *res = NULL;
    if (c != 0) {
        const char *msg = json_string_value(json_object_get(j, mk));
        res = xasprintf("%s %lld: %s", ck, (long long)c, msg ? msg : body);
        /* rate limits and "busy": Feishu 9499 / 11232, DingTalk 130101
         * (over 20 a minute), WeCom 45009 (API frequency), -1 busy */
        *retry = c == 9499 || c == 11232 || c == 130101 || c == 45009 || c == -1;
    }
    json_decref(j);
    return res;
}

/* ---- the transfer ---- */

typedef struct xfer {
    buf_t resp;
    long retry_after_ms;
    const char *up;
    size_t uplen, upoff;
} xfer;

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n;
    if (x->resp.len < 65536) buf_append(&x->resp, p, len < 65536 - x->resp.len ? len : 65536 - x->resp.len);
    return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n;
    if (len > 12 && strncasecmp(p, "retry-after:", 12) == 0) {
        long s = strtol(p + 12, NULL, 10);
        if (s > 0 && s < 3600) x->retry_after_ms = s * 1000;
    }
    return len;
}

static size_t on_read(char *p, size_t sz, size_t n, void *ud)
{
    xfer *x = ud;
    size_t len = sz * n, left = x->uplen - x->upoff;
    if (len > left) len = left;
    memcpy(p, x->up + x->upoff, len);
    x->upoff += len;
    return len;
}

static bool curl_retryable(CURLcode c)
{
    switch (c) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return true;
    default: return false;
    }
}

static void base_opts(CURL *h, const sp_notify_opts *o, char *errbuf)
{
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "salesplan/" SP_VERSION);
}

static void transfer_failed(CURLcode c, const char *errbuf, sp_send_result *r)
{
    r->retry = curl_retryable(c);
    r->answer = xasprintf("%s%s%s", curl_easy_strerror(c), *errbuf ? ": " : "", errbuf);
}

static void http_send(const sp_channel *ch, const char *url, const sp_notify_msg *m, const sp_notify_opts *o,
                      int64_t now, sp_send_result *r)
{
    CURL *h = curl_easy_init();
    char errbuf[CURL_ERROR_SIZE] = "";
    xfer x = {BUF_INIT, 0, NULL, 0, 0};
    struct curl_slist *hd = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    if (str_eq(ch->kind, "webhook")) {
        char *t = xasprintf("X-Salesplan-Timestamp: %lld", (long long)now);
        hd = curl_slist_append(hd, t);
        free(t);
        if (ch->secret) {
            char sig[72];
            notify_webhook_sign(ch->secret, now, m->payload, strlen(m->payload), sig);
            char *s = xasprintf("X-Salesplan-Signature: %s", sig);
            hd = curl_slist_append(hd, s);
            free(s);
        }
    }
    hd = curl_slist_append(hd, "Expect:");
    base_opts(h, o, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, m->payload);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(m->payload));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &x);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &x);
    CURLcode c = curl_easy_perform(h);
    if (c != CURLE_OK) {
        transfer_failed(c, errbuf, r);
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
        char *body = clip(buf_cstr(&x.resp));
        char *why = notify_answer_error(ch->kind, r->status, body, &r->retry);
        if (why) {
            r->answer = why;
            free(body);
        } else {
            r->ok = true;
            r->answer = *body ? body : xasprintf("HTTP %ld", r->status);
            if (!*body) free(body);
        }
        r->retry_after_ms = x.retry_after_ms;
    }
    curl_slist_free_all(hd);
    buf_free(&x.resp);
    curl_easy_cleanup(h);
}

static void smtp_send(const sp_channel *ch, const sp_notify_msg *m, const sp_notify_opts *o, sp_send_result *r)
{
    CURL *h = curl_easy_init();
    char errbuf[CURL_ERROR_SIZE] = "";
    xfer x = {BUF_INIT, 0, m->payload, strlen(m->payload), 0};
    struct curl_slist *rc = NULL;
    char *list = xstrdup(m->address ? m->address : "");
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *a = xasprintf("<%s>", t);
        rc = curl_slist_append(rc, a);
        free(a);
    }
    free(list);
    char *from = xasprintf("<%s>", o->smtp_from);
    base_opts(h, o, errbuf);
    curl_easy_setopt(h, CURLOPT_URL, o->smtp_url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rc);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(h, CURLOPT_READDATA, &x);
    if (strncmp(o->smtp_url, "smtp://", 7) == 0 && !o->smtp_plain)
        curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL); /* STARTTLS or nothing */
    if (o->smtp_user && *o->smtp_user) {
        curl_easy_setopt(h, CURLOPT_USERNAME, o->smtp_user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, ch->secret ? ch->secret : "");
    }
    CURLcode c = curl_easy_perform(h);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
    if (c != CURLE_OK) {
        transfer_failed(c, errbuf, r);
        /* 4xx from the server is temporary in SMTP, 5xx permanent */
        if (r->status >= 400 && r->status < 500) r->retry = true;
        if (r->status >= 500) r->retry = false;
    } else {
        r->ok = true;
        r->answer = xasprintf("SMTP %ld", r->status);
    }
    free(from);
    curl_slist_free_all(rc);
    curl_easy_cleanup(h);
}

void channel_send(const sp_channel *ch, const sp_plan *plan, sp_notify_msg *m, sp_day day, const sp_notify_opts *o,
                  int64_t now, sp_send_result *r)
{
    memset(r, 0, sizeof *r);
    char *url = NULL;
    build(ch, plan, m, day, o, now, &url);
    if (str_eq(ch->kind, "email")) smtp_send(ch, m, o, r);
    else http_send(ch, url, m, o, now, r);
    free(url);
}

void notify_rfc2047(const char *s, buf_t *out)
{
    bool plain = true;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) plain &= *p >= 0x20 && *p < 0x7f;
    if (plain && strstr(s, "=?") == NULL) {
        buf_puts(out, s);
        return;
    }
    /* at most 45 bytes per word: 60 base64 characters + 12 = 72 < 75 */
    size_t n = strlen(s), off = 0;
    char b64[64];
    bool first = true;
    while (off < n) {
        size_t take = n - off < 45 ? n - off : 45;
        if (off + take < n) /* back off to the start of a UTF-8 character */
            while (take > 0 && ((unsigned char)s[off + take] & 0xC0) == 0x80) take--;
        if (take == 0) take = 1;
        if (!first) buf_puts(out, "\r\n ");
        first = false;
        buf_printf(out, "=?UTF-8?B?%s?=", notify_base64((const unsigned char *)s + off, take, b64));
        off += take;
    }
}
