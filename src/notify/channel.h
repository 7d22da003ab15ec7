/*
 * channel.h — one reminder channel of the plan (`notify:` entry): its
 * secret, the exact payload of a message for it (JSON for the bots and the
 * webhook, a MIME message for e-mail), the signature, the request through
 * libcurl, and what the channel's answer means. Used by notify.c only.
 */
#ifndef SP_NOTIFY_CHANNEL_H
#define SP_NOTIFY_CHANNEL_H

#include "notify.h"

typedef struct sp_channel {
    const sp_notify *cfg;        /* the plan's entry (borrowed) */
    const char *id;              /* channel id (borrowed) */
    const char *kind;            /* static: "feishu", "dingtalk", "wecom", "slack", "webhook", "email" */
    char *secret;                /* from secret_env / secret_file; NULL when unsigned */
    char *problem;               /* why nothing can go through it (no secret, no SMTP
                                  * server…); NULL when it can */
    bool curl;                   /* libcurl loaded and initialised (channel_free cleans it up) */
} sp_channel;

/* channel_init: reads the secret (never from the plan) and checks the
 * channel can be used; ch->problem says why not. */
void channel_init(sp_channel *ch, const sp_plan *plan, size_t i, const char *id, const sp_notify_opts *o);
void channel_free(sp_channel *ch);

/* channel_prepare: fills m->address, m->url and m->payload (built for the
 * time now) from m's title and text. Returns NULL, or why this message
 * cannot go (malloc'ed; e.g. the recipient has no e-mail address). */
char *channel_prepare(const sp_channel *ch, const sp_plan *plan, const sp_dataset *ds, sp_notify_msg *m, sp_day day,
                      const sp_notify_opts *o, int64_t now);

typedef struct sp_send_result {
    bool ok, retry;              /* delivered; worth trying again */
    long status;                 /* HTTP status or SMTP code; 0 when none */
    long retry_after_ms;         /* the channel's Retry-After; 0 when none */
    char *answer;                /* the answer or the failure (malloc'ed) */
} sp_send_result;

/* channel_send: one attempt: rebuilds the signed payload for time now
 * (m->payload replaced) and sends it. */
void channel_send(const sp_channel *ch, const sp_plan *plan, sp_notify_msg *m, sp_day day, const sp_notify_opts *o,
                  int64_t now, sp_send_result *r);

#endif
