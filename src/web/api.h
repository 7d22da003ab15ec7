/*
 * api.h — the JSON API /api/v1/… (handlers in api.c, on the app verbs):
 * the route entries routes.c puts in the core table.
 */
#ifndef SP_WEB_API_H
#define SP_WEB_API_H

#include "web.h"

#define API_ROUTES

#endif
