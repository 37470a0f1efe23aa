/* phone.h - telephone numbers in one form, E.164 ("+6281234567890"), for
 * every place a number is taken: registration and profiles, complaint
 * contacts, queue bookings, WhatsApp ids, logins by phone.  Stored and
 * compared in this form only, so "0812-3456-7890", "62 812 3456 7890" and
 * WhatsApp's "6281234567890" are one person.
 */
#ifndef PENDOPO_PHONE_H
#define PENDOPO_PHONE_H

struct arena;

/* The number in E.164 in a, or NULL when in is not a number.  Indonesian
 * numbers may be written the local way ("0812…", "62812…"); any other
 * country needs its "+".  Spaces, dashes, dots and brackets are dropped, as
 * is a trunk 0 after +62 ("+62 (0)812…"). */
char *phone_e164(struct arena *a, const char *in);

/* A WhatsApp id (the digits of an international number) as E.164, or NULL. */
char *phone_from_wa_id(struct arena *a, const char *wa_id);

#endif
