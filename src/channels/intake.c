/* intake.c - complaints by WhatsApp. */
#include "intake.h"

int intake_receive(struct req *r, const struct wa_sender *who, json_t *m, const char *at)
{
	(void)r; (void)who; (void)m; (void)at;
	return 0;
}
