/*
 * i18n.h — message catalogs for Simplified Chinese and English.
 *
 * Messages are written in English in the source as _("…") (or N_("…") where
 * only marked). The Chinese catalog is po/zh_CN.po, compiled into the binary
 * at build time (tools/po2c.py), so no locale needs to be installed and a
 * threaded server can pick a language per request: tr_lang() is pure and
 * thread-safe. The current language that _() uses is per thread
 * (thread-local): the CLI sets it once, from LANGUAGE / LC_ALL /
 * LC_MESSAGES / LANG (or --lang); an application verb sets it to its
 * request's language for the time of the call (app/app.h), so two
 * threads translate into two languages side by side.
 */
#ifndef SP_I18N_H
#define SP_I18N_H

typedef enum sp_lang { LANG_EN, LANG_ZH, LANG_COUNT } sp_lang;

/* tr_lang: the translation of msgid in lang (msgid itself when missing). */
const char *tr_lang(sp_lang lang, const char *msgid);
/* the calling thread's language (default English in every thread) */
void i18n_set_lang(sp_lang lang);
sp_lang i18n_lang(void);
/* i18n_lang_from_env: zh when the first set of LANGUAGE, LC_ALL,
 * LC_MESSAGES, LANG starts with "zh". */
sp_lang i18n_lang_from_env(void);
/* i18n_lang_parse: "zh", "zh-CN", "zh_CN.UTF-8" -> LANG_ZH; "en…" -> LANG_EN;
 * -1 when neither. */
int i18n_lang_parse(const char *s);
/* i18n_lang_from_accept: the best of zh/en in an Accept-Language header. */
sp_lang i18n_lang_from_accept(const char *header);

#define _(s) tr_lang(i18n_lang(), s)

/* sys_errmsg: the system error e (an errno value) in the current language:
 * the common ones translated, others as strerror(e) gives them. */
const char *sys_errmsg(int e);
#define N_(s) (s)

#endif
