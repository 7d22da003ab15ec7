/*
 * test_notify.c — the pure pieces of src/notify: the channels' signatures
 * against the vectors their documentation publishes (Feishu, DingTalk) and
 * one computed independently (Python's hmac) for salesplan's own webhook;
 * what each channel's answer means (their real error shapes in a 200 body,
 * rate limits, HTTP statuses); RFC 2047 subjects; ICS line folding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify/ics.h"
#include "notify/notify.h"
#include "notify/schedule.h"
#include "notify/sign.h"

/* Feishu's documented example: secret SECtestsecret, timestamp 1599360473 */
static void test_feishu_vector(void **state)
{
    (void)state;
    char out[64];
    assert_string_equal(notify_feishu_sign("SECtestsecret", 1599360473, out),
                        "c2MLAVaWavNJMlMWFqI1FxHd+lpLuj92+VxWE3ymvRk=");
}

/* DingTalk's documented example: the same secret, 1599360473000 ms,
 * url-encoded as it goes into &sign= */
static void test_dingtalk_vector(void **state)
{
    (void)state;
    char out[128];
    assert_string_equal(notify_dingtalk_sign("SECtestsecret", 1599360473000LL, out),
                        "vhoLqApxy9zT1hKJD4TEZPeigHt3IUmn3vGb%2FW3zqYg%3D");
}

/* python3 -c 'import hmac,hashlib;
 *   print(hmac.new(b"whsec", b"1599360473.{\"a\":1}", hashlib.sha256).hexdigest())' */
static void test_webhook_signature(void **state)
{
    (void)state;
    char out[72];
    const char *body = "{\"a\":1}";
    assert_string_equal(notify_webhook_sign("whsec", 1599360473, body, strlen(body), out),
                        "sha256=9ad05a84a02be1bb29b980c1e5bc15c7d5bd11b39245e7662d248c2d2c68310c");
}

/* RFC 4648 test vectors */
static void test_base64(void **state)
{
    (void)state;
    char out[16];
    assert_string_equal(notify_base64((const unsigned char *)"", 0, out), "");
    assert_string_equal(notify_base64((const unsigned char *)"f", 1, out), "Zg==");
    assert_string_equal(notify_base64((const unsigned char *)"fo", 2, out), "Zm8=");
    assert_string_equal(notify_base64((const unsigned char *)"foo", 3, out), "Zm9v");
    assert_string_equal(notify_base64((const unsigned char *)"foobar", 6, out), "Zm9vYmFy");
}

static void expect_answer(const char *kind, long status, const char *body, bool fails, bool retry)
{
    bool r = !retry;
    char *why = notify_answer_error(kind, status, body, &r);
    if (fails) assert_non_null(why);
    else assert_null(why);
    if (fails) assert_int_equal(r, retry);
    free(why);
}

static void test_answers(void **state)
{
    (void)state;
    /* Feishu: success (both shapes), signature error, rate limit */
    expect_answer("feishu", 200, "{\"StatusCode\":0,\"StatusMessage\":\"success\",\"code\":0,\"data\":{},\"msg\":\"success\"}",
                  false, false);
    expect_answer("feishu", 200, "{\"StatusCode\":0,\"StatusMessage\":\"success\"}", false, false);
    expect_answer("feishu", 200, "{\"code\":19021,\"data\":{},\"msg\":\"sign match fail or timestamp is not within one "
                                 "hour from current time\"}", true, false);
    expect_answer("feishu", 200, "{\"code\":9499,\"msg\":\"Too Many Requests\"}", true, true);
    /* DingTalk: ok, signature mismatch, over 20 a minute */
    expect_answer("dingtalk", 200, "{\"errcode\":0,\"errmsg\":\"ok\"}", false, false);
    expect_answer("dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", true, false);
    expect_answer("dingtalk", 200, "{\"errcode\":130101,\"errmsg\":\"send too fast, exceed 20 times per minute\"}", true,
                  true);
    /* WeCom: invalid URL, frequency limit */
    expect_answer("wecom", 200, "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}", true, false);
    expect_answer("wecom", 200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}", true, true);
    expect_answer("wecom", 200, "<html>not json</html>", true, false);
    /* HTTP statuses for every kind */
    expect_answer("slack", 200, "ok", false, false);
    expect_answer("slack", 429, "rate_limited", true, true);
    expect_answer("slack", 400, "invalid_payload", true, false);
    expect_answer("webhook", 204, "", false, false);
    expect_answer("webhook", 503, "", true, true);
    expect_answer("webhook", 404, "", true, false);
    /* the reason carries the channel's own message */
    bool r;
    char *why = notify_answer_error("dingtalk", 200, "{\"errcode\":310000,\"errmsg\":\"sign not match\"}", &r);
    assert_non_null(strstr(why, "310000"));
    assert_non_null(strstr(why, "sign not match"));
    free(why);
}

/* decode_b_words: the text of "=?UTF-8?B?…?=" words (joined by CRLF SP). */
static char *decode_b_words(const char *s)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    buf_t out = BUF_INIT;
    const char *p = s;
    while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
        p += 10;
        const char *e = strstr(p, "?=");
        assert_non_null(e);
        unsigned v = 0;
        int bits = 0;
        for (; p < e; p++) {
            if (*p == '=') continue;
            v = (v << 6) | (unsigned)(strchr(tab, *p) - tab);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                buf_putc(&out, (char)((v >> bits) & 0xFF));
            }
        }
        p = e + 2;
    }
    return buf_detach(&out);
}

static void test_rfc2047(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    notify_rfc2047("Sales reminders 2026-06-30: Li Na", &b);
    assert_string_equal(buf_cstr(&b), "Sales reminders 2026-06-30: Li Na"); /* ASCII stays as it is */
    buf_clear(&b);
    const char *zh = "销售提醒 2026-06-30：为河北丰收合作社准备2027年度联合收割机与播种机的报价单";
    notify_rfc2047(zh, &b);
    /* several words, each at most 75 characters, decoding to the text:
     * no word ends inside a UTF-8 character */
    const char *s = buf_cstr(&b);
    assert_non_null(strstr(s, "\r\n "));
    for (const char *w = s; w;) {
        const char *end = strstr(w, "\r\n ");
        size_t n = end ? (size_t)(end - w) : strlen(w);
        assert_true(n <= 75);
        char *one = xstrndup(w, n);
        char *dec = decode_b_words(one);
        assert_true(utf8_valid(dec, strlen(dec)));
        free(dec);
        free(one);
        w = end ? end + 3 : NULL;
    }
    char *dec = decode_b_words(s);
    assert_string_equal(dec, zh);
    free(dec);
    buf_free(&b);
}

static void test_ics_fold(void **state)
{
    (void)state;
    buf_t b = BUF_INIT;
    ics_line(&b, "UID", "short");
    assert_string_equal(buf_cstr(&b), "UID:short\r\n");
    buf_clear(&b);
    /* 30 three-byte characters after "SUMMARY:" (8 + 90 = 98 octets) */
    buf_t v = BUF_INIT;
    for (int i = 0; i < 30; i++) buf_puts(&v, "报");
    ics_line(&b, "SUMMARY", buf_cstr(&v));
    const char *s = buf_cstr(&b);
    /* first line: 8 + 22 characters = 74 octets (a 25th byte would split one) */
    const char *crlf = strstr(s, "\r\n");
    assert_int_equal(crlf - s, 74);
    assert_true(crlf[2] == ' ');
    /* unfolded, it is the original line */
    buf_t u = BUF_INIT;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
            p += 2;
            continue;
        }
        buf_putc(&u, *p);
    }
    char *want = xasprintf("SUMMARY:%s\r\n", buf_cstr(&v));
    assert_string_equal(buf_cstr(&u), want);
    free(want);
    buf_free(&u);
    buf_clear(&b);
    ics_escape("a,b;c\\d\ne", &b);
    assert_string_equal(buf_cstr(&b), "a\\,b\\;c\\\\d\\ne");
    buf_free(&b);
    buf_free(&v);
}

/* The store's notify_log verbs (schema 5): a message is claimed once; a
 * second claimant (another run, another process) gets it only when the
 * first failed or left it 'sending' past the stale time. */
/* the tests' clock of the server's schedule: an ISO time with its offset */
static void test_sched_clock(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_true(notify_sched_parse_clock("2026-06-30T08:59:00+08:00", &t));
    assert_int_equal(t, 1782781140); /* date -d '2026-06-30T00:59:00Z' +%s */
    assert_true(notify_sched_parse_clock("2026-06-30T00:59Z", &t));
    assert_int_equal(t, 1782781140);
    assert_true(notify_sched_parse_clock("2026-06-29T19:59:00-05:00", &t));
    assert_int_equal(t, 1782781140);
    const char *bad[] = {"", "2026-06-30", "2026-06-30T08:59:00", "2026-02-30T08:00Z", "2026-06-30T24:00Z",
                         "2026-06-30T08:60Z", "2026-06-30T08:59:00+8", "2026-06-30T08:59:00Zx", "tomorrow"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_false(notify_sched_parse_clock(bad[i], &t));
}

/* the weekly pack due on a day is that of the week of the day before */
static void test_weekly_week(void **state)
{
    (void)state;
    char b[16];
    assert_string_equal(notify_weekly_week(day_from_ymd(2026, 6, 29), b), "2026-W26"); /* a Monday */
    assert_string_equal(notify_weekly_week(day_from_ymd(2026, 7, 3), b), "2026-W27");  /* a Friday */
    assert_string_equal(notify_weekly_week(day_from_ymd(2027, 1, 4), b), "2026-W53");  /* across the year */
}

static void test_notify_log(void **state)
{
    (void)state;
    char path[] = "/tmp/sp-test-notify-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    sp_err err = SP_ERR_INIT;
    sp_store *st = store_open(path, STORE_CREATE, &err);
    assert_non_null(st);
    sp_notify_entry e = {"lanting", day_from_ymd(2026, 6, 30), "feishu", "s02", "open.feishu.cn",
                         "[\"stale_followup:k1\"]", "text", "host:1:1", 1000, false, 0, NULL};
    bool claimed = false;
    char *s = NULL;
    assert_true(st->ops->notify_state(st, &e, &s, &err));
    assert_null(s);
    assert_true(st->ops->notify_claim(st, &e, 0, &claimed, &s, &err));
    assert_true(claimed);
    assert_null(s);
    /* a second claimant while it is being sent: refused, told 'sending' */
    sp_notify_entry e2 = e;
    e2.claim_id = "host:2:1";
    e2.at = 1100;
    assert_true(st->ops->notify_claim(st, &e2, 900, &claimed, &s, &err));
    assert_false(claimed);
    assert_string_equal(s, "sending");
    free(s);
    /* the finish of a claim that is not the holder's changes nothing */
    e2.sent = true;
    assert_true(st->ops->notify_finish(st, &e2, &err));
    assert_true(st->ops->notify_state(st, &e, &s, &err));
    assert_string_equal(s, "sending");
    free(s);
    /* the holder fails: the next claimant may try again */
    e.sent = false;
    e.attempts = 3;
    e.answer = "code 19021: sign match fail";
    assert_true(st->ops->notify_finish(st, &e, &err));
    assert_true(st->ops->notify_claim(st, &e2, 900, &claimed, &s, &err));
    assert_true(claimed);
    /* sent: nobody gets it again that day, stale or not */
    e2.sent = true;
    e2.attempts = 1;
    e2.answer = "ok";
    assert_true(st->ops->notify_finish(st, &e2, &err));
    sp_notify_entry e3 = e;
    e3.claim_id = "host:3:1";
    e3.at = 99999;
    assert_true(st->ops->notify_claim(st, &e3, 99000, &claimed, &s, &err));
    assert_false(claimed);
    assert_string_equal(s, "sent");
    free(s);
    /* the next day, or another recipient or channel, is another message */
    e3.day++;
    assert_true(st->ops->notify_claim(st, &e3, 0, &claimed, &s, &err));
    assert_true(claimed);
    /* a 'sending' left by a dead sender is taken over after the stale time */
    sp_notify_entry e4 = e3;
    e4.claim_id = "host:4:1";
    assert_true(st->ops->notify_claim(st, &e4, e3.at, &claimed, &s, &err)); /* claimed at == cutoff: not stale */
    assert_false(claimed);
    free(s);
    assert_true(st->ops->notify_claim(st, &e4, e3.at + 1, &claimed, &s, &err));
    assert_true(claimed);
    assert_true(err_ok(&err));
    store_close(st);
    char p2[64];
    unlink(path);
    snprintf(p2, sizeof p2, "%s.snap", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feishu_vector), cmocka_unit_test(test_dingtalk_vector),
        cmocka_unit_test(test_webhook_signature), cmocka_unit_test(test_base64),
        cmocka_unit_test(test_answers), cmocka_unit_test(test_rfc2047),
        cmocka_unit_test(test_ics_fold), cmocka_unit_test(test_notify_log),
        cmocka_unit_test(test_sched_clock), cmocka_unit_test(test_weekly_week),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
