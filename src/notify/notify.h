/*
 * notify.h — reminders that reach people (`salesplan notify`, and the
 * server's daily schedule): each owner's due alerts of SPEC §8, one message
 * per owner per channel per day, sent through the plan's `notify:` channels
 * (Feishu, DingTalk, WeCom group bots, Slack, a JSON webhook, e-mail over
 * SMTP) and recorded in the workspace so the same message never goes twice
 * in a day (docs/NOTIFY.md).
 *
 * This is an application verb between the faces and the store: it loads
 * the data through the store, computes the alerts with core/alerts (it does
 * not re-implement them), builds the messages, and talks HTTP / SMTP through
 * libcurl. On a channel's weekly_pack weekday it also sends the leaders and
 * managers a summary of the weekly pack (report_week_summary). It never
 * prints and never exits: everything it did is in the
 * result, which a face renders. Secrets come from the environment or a file
 * named by the channel (secret_env / secret_file), never from the plan.
 * Thread-safe as long as each thread has its own store handle.
 */
#ifndef SP_NOTIFY_H
#define SP_NOTIFY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../core/alerts.h"
#include "../core/plan.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

typedef struct sp_notify_opts {
    bool dry_run;                /* build and report, send and record nothing */
    const char *channel;         /* only this channel id (notify_channel_id); NULL = all */
    sp_lang lang;                /* the messages' language */
    int64_t now;                 /* unix seconds for signatures and the log; 0 = the clock */
    /* transport (notify_opts_init fills them from the environment) */
    long connect_timeout_ms;     /* SALESPLAN_NOTIFY_CONNECT_TIMEOUT (s), default 5 */
    long timeout_ms;             /* SALESPLAN_NOTIFY_TIMEOUT (s): a whole attempt, default 20 */
    int attempts;                /* SALESPLAN_NOTIFY_RETRIES + 1: tries per message, default 3 (1..10) */
    long backoff_ms;             /* SALESPLAN_NOTIFY_BACKOFF_MS: first wait, doubled each retry,
                                  * default 2000; waits are capped at 60 s */
    long pace_ms;                /* SALESPLAN_NOTIFY_PACE_MS: -1 = each kind's own pace
                                  * (DingTalk, WeCom 3 s; Slack 1 s; Feishu 0.2 s) */
    const char *smtp_url;        /* SALESPLAN_SMTP_URL: smtp://HOST[:PORT] (STARTTLS) or
                                  * smtps://HOST[:PORT] (implicit TLS) */
    const char *smtp_user;       /* SALESPLAN_SMTP_USER (the password is the channel's secret) */
    const char *smtp_from;       /* SALESPLAN_SMTP_FROM: the sender address */
    bool smtp_plain;             /* SALESPLAN_SMTP_TLS=none: no STARTTLS (a local relay) */
    const char *claim_id;        /* who sends (host:pid:time); NULL = made up */
    const char *base_url;        /* the web server's address for links (the weekly pack's
                                  * summary); NULL = no link */
    const atomic_bool *stop;     /* when set becomes true: no new message is started (the one
                                  * being sent finishes, without further retries); NULL = never */
} sp_notify_opts;

/* notify_opts_init: defaults, then the environment (above). */
void notify_opts_init(sp_notify_opts *o);

typedef enum sp_notify_outcome {
    NOTIFY_SENT,                 /* the channel took it */
    NOTIFY_FAILED,               /* gave up (answer says why); not recorded as sent */
    NOTIFY_ALREADY_SENT,         /* sent earlier the same day: skipped */
    NOTIFY_IN_FLIGHT,            /* another process is sending it now: skipped */
    NOTIFY_DRY_RUN,              /* --dry-run: what would be sent */
    NOTIFY_OUTCOME_COUNT
} sp_notify_outcome;
const char *notify_outcome_name(sp_notify_outcome o); /* "sent", "failed", … */

/* One message: to one recipient through one channel. Every string is
 * owned (freed by notify_result_free). */
typedef struct sp_notify_msg {
    char *channel;               /* channel id */
    const char *kind;            /* "feishu" …, static */
    char *recipient;             /* rep id */
    char *recipient_name;
    char *address;               /* e-mail addresses, or the URL's host */
    char *url;                   /* the request URL, query values hidden */
    char *title;                 /* the e-mail subject / first line */
    char *text;                  /* the message text */
    char *payload;               /* the exact body sent (JSON, or the whole e-mail) */
    char *what;                  /* JSON array of the reminders' keys */
    size_t nalerts;
    sp_notify_outcome outcome;
    int attempts;
    long http_status;            /* 0 when none (SMTP, transport failure) */
    char *answer;                /* the channel's answer or why it failed */
    char *email;                 /* the recipient's address: the plan member's email, else the
                                  * reps table's; NULL when neither */
    char *pack;                  /* the weekly pack's summary: its week ("2026-W48"); NULL for
                                  * the daily reminders */
} sp_notify_msg;

typedef struct sp_notify_result {
    sp_day day;
    sp_notify_msg *v;
    size_t n;
    size_t count[NOTIFY_OUTCOME_COUNT];
    size_t nalerts;              /* alerts computed (before grouping) */
    bool stopped;                /* opts->stop came: messages not started are left for later */
} sp_notify_result;

/* notify_run: computes the alerts of plan as of as_of over the workspace,
 * groups them per recipient and channel, and sends each message (or, with
 * dry_run, only builds it). Messages already sent that day (notify_log)
 * are skipped; each one sent or failed is recorded. A failing channel does
 * not stop the others. Returns false (err) only when nothing could be
 * computed (store failure, unknown channel id: SP_EUSAGE); failed messages
 * are in the result (count[NOTIFY_FAILED]). out zeroed by the caller; free
 * with notify_result_free. */
bool notify_run(sp_store *st, const sp_plan *plan, sp_day as_of, const sp_notify_opts *opts, sp_notify_result *out,
                sp_err *err);
void notify_result_free(sp_notify_result *r);

/* notify_lang: the language of plan's messages: Chinese when the plan's
 * name is written in Chinese, else fallback. */
sp_lang notify_lang(const sp_plan *plan, sp_lang fallback);

/* notify_weekly_week: the week whose pack goes out on day (a channel's
 * weekly_pack weekday): the ISO week of the day before ("2026-W48" into
 * buf, >= 16 bytes): on a Monday the week just ended, on other days the
 * week so far. */
const char *notify_weekly_week(sp_day day, char buf[16]);

/* notify_channel_problem: why plan->notify[i] cannot send anything now
 * (its secret is missing, no SMTP server…), malloc'ed; NULL when it can. */
char *notify_channel_problem(const sp_plan *plan, size_t i, const sp_notify_opts *o);

/* notify_channel_id: the id of plan->notify[i]: its kind when it is the
 * only channel of that kind, else KIND-N (N counts that kind from 1).
 * Into buf (>= 32 bytes). */
const char *notify_channel_id(const sp_plan *plan, size_t i, char buf[32]);

/* notify_gather: the alerts of plan as of as_of (every kind the plan
 * enables), loading the data they need into ds (dataset_new'ed by the
 * caller). out zeroed by the caller; free with alerts_result_free. Shared by
 * notify and ics. */
bool notify_gather(sp_store *st, const sp_plan *plan, sp_day as_of, sp_dataset *ds, sp_alerts_result *out,
                   sp_err *err);

/* ---- pieces, exposed for the unit tests ---- */

/* notify_rfc2047: s as an RFC 2047 header value: s itself when it is
 * printable ASCII, else "=?UTF-8?B?…?=" words of at most 75 characters
 * joined by CRLF SP, never splitting a UTF-8 character. Appends to out. */
void notify_rfc2047(const char *s, buf_t *out);
/* notify_answer_error: classifies a channel's answer: returns NULL when
 * kind's answer (HTTP status, body) means delivered, else a malloc'ed
 * reason; *retry says whether trying again may help (5xx, 429, rate
 * limits). */
char *notify_answer_error(const char *kind, long status, const char *body, bool *retry);

#endif
