/*
 * http.h — internal to the server core: validating fields, parsing form
 * bodies, building web_user from a store record, the thread's language.
 */
#ifndef SP_WEB_HTTP_H
#define SP_WEB_HTTP_H

#include "web.h"

/* web_set_lang: the language web_lang() answers on this thread. */
void web_set_lang(sp_lang lang);
/* web_field_check: whether value passes spec's validator and limit; *why
 * (translated) when not. */
bool web_field_check(const web_field_spec *spec, const char *value, const char **why);
/* web_form_parse: splits an application/x-www-form-urlencoded text (in
 * place: decoded, '+' is a space) into fields; returns how many, or
 * (size_t)-1 when more than max or a bad %-escape. */
size_t web_form_parse(char *s, web_field *out, size_t max);
/* web_path_match: whether path matches pattern; fills the params. */
bool web_path_match(const char *pattern, const char *path, web_req *req, char *scratch, size_t scratch_len);
/* web_resp_free: frees the body and headers. */
void web_resp_free(web_resp *resp);
/* web_method_name: "GET", …; web_method_parse: the method of a name, or 0. */
const char *web_method_name(web_method m);
web_method web_method_parse(const char *s);
/* web_user_from: a web_user over the strings of u (which must outlive it);
 * the groups array is malloc'ed: free with web_user_clear. */
void web_user_from(const sp_user_rec *u, web_user *w);
void web_user_clear(web_user *w);
/* web_error_page: an HTML page for status with message (escaped). */
void web_error_page(const web_req *req, web_resp *resp, int status, const char *message);

#endif
