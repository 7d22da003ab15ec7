/*
 * app_int.h — helpers shared by the files of src/app/ (not for faces).
 */
#ifndef SP_APP_INT_H
#define SP_APP_INT_H

#include "app.h"

/* app_lang_enter: sets the thread's language to the request's; returns the
 * one to give back to app_lang_leave when the verb returns. */
sp_lang app_lang_enter(const sp_app_req *rq);
void app_lang_leave(sp_lang old);
/* app_notes_from_err: each line of err as an unlocated note. */
void app_notes_from_err(sp_app_notes *notes, const sp_err *err);
/* app_scope_filter: f narrowed to the caller's scope (app.c). */
bool app_scope_filter(const sp_scope *scope, const sp_plan *plan, sp_filter *f, sp_err *err);

#endif
