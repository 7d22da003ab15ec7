/*
 * sign.c — channel signatures (sign.h). Owns nothing but HMAC-SHA256,
 * base64 and the URL-encoding of a base64 value.
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/util.h"
#include "sign.h"

void notify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen, unsigned char out[32])
{
    unsigned int n = 32;
    static const unsigned char empty = 0;
    if (!HMAC(EVP_sha256(), key, (int)keylen, msglen ? msg : &empty, msglen, out, &n)) memset(out, 0, 32);
}

char *notify_base64(const unsigned char *p, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

char *notify_feishu_sign(const char *secret, int64_t ts, char out[64])
{
    char *key = xasprintf("%lld\n%s", (long long)ts, secret);
    unsigned char mac[32];
    notify_hmac_sha256(key, strlen(key), "", 0, mac);
    free(key);
    return notify_base64(mac, sizeof mac, out);
}

char *notify_dingtalk_sign(const char *secret, int64_t ts_ms, char out[128])
{
    char *msg = xasprintf("%lld\n%s", (long long)ts_ms, secret);
    unsigned char mac[32];
    char b64[64];
    notify_hmac_sha256(secret, strlen(secret), msg, strlen(msg), mac);
    free(msg);
    notify_base64(mac, sizeof mac, b64);
    size_t o = 0;
    for (const char *s = b64; *s; s++) {
        if (*s == '+' || *s == '/' || *s == '=') o += (size_t)snprintf(out + o, 4, "%%%02X", (unsigned char)*s);
        else out[o++] = *s;
    }
    out[o] = '\0';
    return out;
}

char *notify_webhook_sign(const char *secret, int64_t ts, const char *body, size_t bodylen, char out[72])
{
    buf_t m = BUF_INIT;
    buf_printf(&m, "%lld.", (long long)ts);
    buf_append(&m, body, bodylen);
    unsigned char mac[32];
    notify_hmac_sha256(secret, strlen(secret), m.data ? m.data : "", m.len, mac);
    buf_free(&m);
    memcpy(out, "sha256=", 7);
    for (int i = 0; i < 32; i++) snprintf(out + 7 + 2 * i, 3, "%02x", mac[i]);
    return out;
}
