/*
 * web_app.h — from a web request to an app request: the caller's scope
 * (admin, viewer: everything; manager: their groups; rep: their own
 * records), language, plan (?plan=), as-of date (?as_of=) and the pinned
 * clock. For the API (api.c) and the pages.
 */
#ifndef SP_WEB_APP_H
#define SP_WEB_APP_H

#include "../app/app.h"
#include "web.h"

/* web_app_req: rq filled from req (fields "plan" and "as_of" when the route
 * declares them). */
void web_app_req(const web_req *req, sp_app_req *rq);

#endif
