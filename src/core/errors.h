/* errors.h - the error codes the API answers with, each with a generic text
 * in English and Indonesian, and the caller's language.
 *
 * The code is the contract: clients key on it, the web pages word it
 * themselves. The message is for people; a request that asks for
 * Indonesian (Accept-Language: id) gets the call site's Indonesian text
 * when it has one, else the registry's (reply_error_lang in http.h).
 */
#ifndef PENDOPO_ERRORS_H
#define PENDOPO_ERRORS_H

#include "arena.h"

enum lang { LANG_EN, LANG_ID };

struct error_text {
	const char *code;
	const char *en;
	const char *id;
	const char *id_field;	/* Indonesian naming the field (one %s), or NULL */
};

/* Every code the server emits, ended by a { NULL } entry. */
extern const struct error_text error_texts[];

/* The entry for code, or NULL when the registry has none. */
const struct error_text *error_text_find(const char *code);

/* The caller's language from an Accept-Language header: the preferred of
 * id and en by q-value (the first on a tie), English when neither or none. */
enum lang lang_from_accept(const char *header);

/* The registry's Indonesian for code, naming field where the entry can;
 * NULL for a code it does not know. */
const char *error_text_id(struct arena *a, const char *code, const char *field);

#endif
