/*
 * sign.h — the signatures of the reminder channels (docs/NOTIFY.md):
 * Feishu and DingTalk group bots, and salesplan's own JSON webhook.
 * HMAC-SHA256 from OpenSSL's libcrypto. Pure: the timestamp and the secret
 * are passed in; results are written into caller buffers.
 */
#ifndef SP_NOTIFY_SIGN_H
#define SP_NOTIFY_SIGN_H

#include <stddef.h>
#include <stdint.h>

/* notify_hmac_sha256: HMAC-SHA256 of msg keyed with key into out (32 bytes). */
void notify_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t msglen, unsigned char out[32]);
/* notify_base64: standard base64 (with '=' padding) of n bytes into out
 * (>= 4 * ((n + 2) / 3) + 1 bytes); returns out. */
char *notify_base64(const unsigned char *p, size_t n, char *out);
/* notify_feishu_sign: Feishu's bot signature: base64 of HMAC-SHA256 keyed
 * with "TIMESTAMP\nSECRET" over an empty message; ts in seconds. out >= 64 bytes. */
char *notify_feishu_sign(const char *secret, int64_t ts, char out[64]);
/* notify_dingtalk_sign: DingTalk's bot signature: base64 of HMAC-SHA256
 * keyed with SECRET over "TIMESTAMP\nSECRET", then URL-encoded (the value
 * of &sign=); ts in milliseconds. out >= 128 bytes. */
char *notify_dingtalk_sign(const char *secret, int64_t ts_ms, char out[128]);
/* notify_webhook_sign: salesplan's webhook signature "sha256=HEX" of
 * HMAC-SHA256 keyed with SECRET over "TIMESTAMP.BODY"; ts in seconds.
 * out >= 72 bytes. */
char *notify_webhook_sign(const char *secret, int64_t ts, const char *body, size_t bodylen, char out[72]);

#endif
