/*
 * ics.h — an owner's calendar (`salesplan ics OWNER`, and later
 * /ics/OWNER.ics): task deadlines, milestones and strategic reviews due as
 * all-day VEVENTs (RFC 5545; calendar apps ignore VTODO in subscriptions).
 *
 * Deterministic: the same workspace and as-of date give the same bytes.
 * UIDs are stable (task-ID@PLAN.salesplan, review-CUSTOMER-…); a task's
 * SEQUENCE is the number of times its due date moved across the stored
 * versions of the plan, so a calendar replaces the old date; DTSTAMP is the
 * time the current plan version was stored. Lines end in CRLF and are folded
 * at 75 octets without splitting a UTF-8 character.
 */
#ifndef SP_NOTIFY_ICS_H
#define SP_NOTIFY_ICS_H

#include "../core/plan.h"
#include "../store/store.h"
#include "../util/i18n.h"
#include "../util/util.h"

/* ics_feed: OWNER's feed into out (text in lang). SP_ENOTFOUND when owner is
 * neither a member of the plan's team nor in the reps table. */
bool ics_feed(sp_store *st, const sp_plan *plan, const char *owner, sp_day as_of, sp_lang lang, buf_t *out,
              sp_err *err);

/* ics_line: appends "NAME:VALUE" (value already escaped) folded at 75
 * octets, ending in CRLF. ics_escape: TEXT escaping (\\ ; , newline). */
void ics_line(buf_t *out, const char *name, const char *value);
void ics_escape(const char *s, buf_t *out);

#endif
