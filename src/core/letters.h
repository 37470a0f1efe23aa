/* letters.h - official letters that anyone can verify: numbered from a
 * per-kind format, their content signed with Ed25519, printed as a PDF with
 * a QR to the public verification page, revocable, optionally certified by
 * BSrE.  Core machinery for every service that issues documents (research
 * permits, village letters, information-request answers).
 *
 * A service issues inside its own write transaction:
 *
 *	struct letter_request q = { .kind = "research_permit", .format = "000.9.2/{seq:3}/Kesbangpol/{year}",
 *		.issuer = "KESBANGPOL", .unit_id = unit, .issuer_name = "Badan Kesbangpol", .subject = ...,
 *		.holder = holder_json, .fields = fields_json, .valid_until = "2027-06-30", .layout = &layout };
 *	struct letter l;
 *	const char *why;
 *	int rc = letter_issue(r->app, r->db, r->arena, &q, &l, &why);
 *	if (rc != LETTERS_OK)
 *		return letters_reply_error(r, rc, why);
 *	... audit_append(..., "permit.issue", ..., {number: l.number}) as the last statement
 *
 * The number is taken only there, so a draft that is never issued takes
 * none, and a transaction that rolls back gives its number back.  The
 * signature covers the canonical content (letter_canonical); the QR holds
 * {base_url}/v/{token}#{key_id}.{signature}: the page's address, and the
 * signature for a reader who checks offline (docs/api.md, "Letters").  The
 * holder's download is the service's route calling letter_pdf(), which
 * draws the stored layout outside the transaction.
 */
#ifndef PENDOPO_LETTERS_H
#define PENDOPO_LETTERS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

#include "module.h"

struct app;
struct arena;
struct caller;
struct cli;
struct db_conn;
struct req;

extern const struct module letters_module;

enum letters_rc {
	LETTERS_OK = 0,
	LETTERS_INVALID = -1,		/* the request or payload is malformed (why says what) */
	LETTERS_NO_KEY = -2,		/* no signing key loaded */
	LETTERS_DB = -3,		/* a database call failed: reply_db_error() */
	LETTERS_NOT_FOUND = -4,
	LETTERS_REVOKED = -5,		/* already revoked */
	LETTERS_RENDER = -6,		/* the PDF could not be drawn (font missing, QR too long) */
	LETTERS_STORAGE = -7,		/* a stored PDF could not be read or written */
	LETTERS_BSRE = -8,		/* BSrE not configured, unreachable, or refused */
	LETTERS_DUPLICATE = -9,		/* the number exists already (the format changed mid-year?) */
};

/* ---- numbering (pure) -------------------------------------------------------- */

/* What a number format's placeholders stand for. */
struct letter_number_parts {
	int64_t seq;			/* {seq}, {seq:N} zero-padded to N digits (1-9) */
	int year;			/* {year} */
	int month;			/* {roman_month}: 1-12 as I..XII */
	const char *unit;		/* {unit}, or NULL when the format may not use it */
	const char *village;		/* {village}, likewise */
};

/* format with its placeholders filled, in a.  LETTERS_INVALID with why
 * (English, static) for an unknown or unclosed placeholder or a missing
 * value. */
int letter_number_format(struct arena *a, const char *format, const struct letter_number_parts *p,
			 const char **out, const char **why);
/* "I".."XII"; NULL outside 1-12. */
const char *letter_roman_month(int month);
/* A format fit for issuing: it fills, holds {seq} and {year} (the sequence
 * restarts each year, so a number without its year would repeat). */
int letter_format_check(const char *format, const char **why);

/* Options of the commands that issue or serve letters (cli.h). */
#define CLI_OPTS_LETTERS                                                                                        \
	{ "--letters-key", "PENDOPO_LETTERS_KEY", "private key that signs letters (pendopo letters keygen)",    \
	  "var/keys/letters.key" },                                                                             \
	{ "--letters-old-keys", "PENDOPO_LETTERS_OLD_KEYS",                                                     \
	  "public key files (.pub) of earlier signing keys, comma-separated", NULL },                          \
	{ "--letterhead", "PENDOPO_LETTERHEAD", "the regency's line atop every letter",                         \
	  "PEMERINTAH KABUPATEN PURBALINGGA" },                                                                 \
	{ "--letterhead-address", "PENDOPO_LETTERHEAD_ADDRESS",                                                 \
	  "address under the office, unless the letter gives its own", "Purbalingga, Jawa Tengah" },           \
	{ "--letters-fonts", "PENDOPO_LETTERS_FONTS", "folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf",  \
	  "/usr/share/fonts/truetype/dejavu" },                                                                 \
	{ "--bsre-url", "PENDOPO_BSRE_URL", "BSrE signing service (https://...); unset: the Ed25519 QR only", NULL }, \
	{ "--bsre-user", "PENDOPO_BSRE_USER", "BSrE client user (HTTP basic auth)", NULL },                     \
	{ "--bsre-password", "PENDOPO_BSRE_PASSWORD", "BSrE client password", NULL }

/* ---- keys and signatures --------------------------------------------------------- */

#define LETTER_KEY_ID_LEN 16		/* hex of the first 8 bytes of SHA-256(public key) */

/* The signing key and every public key letters may have been signed with
 * (the current one's and earlier ones', so rotation keeps old letters
 * verifiable).  Long-lived: _load/_free. */
struct letter_keys;

/* Reads the private key file (may be absent: then nothing can be signed,
 * but letters signed with the public keys still verify) and the public key
 * files of earlier keys (comma-separated, may be NULL).  NULL with why on
 * a file that exists but is not a key, or a private key readable by others. */
struct letter_keys *letter_keys_load(const char *private_path, const char *public_paths, char *why, size_t len);
void letter_keys_free(struct letter_keys *k);
/* The current signing key's id, or NULL when none is loaded. */
const char *letter_keys_signing_id(const struct letter_keys *k);
/* [{key_id, public_key (base64), current}], newest first. */
json_t *letter_keys_json(const struct letter_keys *k);

/* Writes a new key pair: path (mode 0600, refused if it exists) and
 * path.pub (0644), both base64 text.  The key id into id_out.  0, or -1
 * with why. */
int letter_keygen(const char *path, char id_out[LETTER_KEY_ID_LEN + 1], char *why, size_t len);

/* The canonical text of content: keys sorted, no spaces (jansson's
 * JSON_SORT_KEYS | JSON_COMPACT).  This is what is signed. */
char *letter_canonical(struct arena *a, const json_t *content);

/* Base64 signature of content's canonical text with the signing key, and
 * the key's id.  LETTERS_NO_KEY when there is none. */
int letter_sign(struct arena *a, const struct letter_keys *k, const json_t *content,
		const char **signature, const char **key_id);

/* The same of text already canonical (letter_canonical's): issuance
 * stores that text and signs it without writing it twice. */
int letter_sign_text(struct arena *a, const struct letter_keys *k, const char *text, const char **signature,
		     const char **key_id_out);

enum letter_check {
	LETTER_CHECK_VALID,		/* the signature holds for this content */
	LETTER_CHECK_CHANGED,		/* it does not: content or signature altered */
	LETTER_CHECK_UNKNOWN_KEY,	/* no public key with that id is loaded */
};
/* Checks content's canonical text; letter_verify_text checks text as it
 * is (a stored letter's, canonical when signed).  Valid signatures are
 * remembered by a hash of the bytes checked, so the keys are written to. */
enum letter_check letter_verify(struct letter_keys *k, const json_t *content, const char *signature,
				const char *key_id);
enum letter_check letter_verify_text(struct letter_keys *k, const char *text, const char *signature,
				     const char *key_id);
const char *letter_check_name(enum letter_check c);	/* "valid", "changed", "unknown_key" */

/* A verification payload {content, signature, key_id} as the API gives it
 * and `pendopo letters verify` reads it: LETTERS_OK with the members
 * pointing into payload, or LETTERS_INVALID with why. */
int letter_payload_parse(const json_t *payload, const json_t **content, const char **signature,
			 const char **key_id, const char **why);

/* ---- the printed letter ------------------------------------------------------------ */

/* One block of a letter's body, drawn in order. */
enum letter_block_kind {
	LETTER_PARAGRAPH,		/* text, wrapped and justified to the margins */
	LETTER_PAIRS,			/* label : value lines (the researcher block) */
	LETTER_LIST,			/* numbered items (Dasar, conditions) */
};
struct letter_pair {
	const char *label, *value;
};
struct letter_block {
	enum letter_block_kind kind;
	const char *heading;		/* a line before the block ("Dasar", "Memperhatikan"), or NULL */
	const char *text;		/* LETTER_PARAGRAPH */
	const struct letter_pair *pairs;	/* LETTER_PAIRS */
	const char *const *items;	/* LETTER_LIST */
	size_t n;			/* pairs or items */
};

/* A letter as printed: the service's template for its kind, filled from
 * the letter's fields.  Everything is UTF-8; NULL members are left out.
 * The number, the date and the QR come from the issued letter. */
struct letter_layout {
	const char *office;		/* the issuing office under the regency's line; NULL: issuer_name */
	const char *address;		/* the office's address; NULL: --letterhead-address */
	const char *title;		/* a centred title (SURAT KETERANGAN PENELITIAN), or NULL */
	const char *place;		/* where it is signed: "Purbalingga" */
	const char *sifat, *lampiran, *hal;	/* beside Nomor, for a letter in correspondence form */
	const char *const *addressees;	/* "Kepada Yth." lines */
	size_t naddressees;
	const struct letter_block *blocks;
	size_t nblocks;
	const char *signer_title;	/* "KEPALA BADAN KESBANGPOL" */
	const char *signer_name;
	const char *signer_rank;	/* "Pembina Utama Muda", or NULL */
	const char *signer_nip;
	const char *const *copies;	/* Tembusan */
	size_t ncopies;
};

/* A layout kept as data: {office, address, title, place, sifat, lampiran,
 * hal, addressees: [..], blocks: [{heading?, text} | {heading?, items: [..]}
 * | {heading?, pairs: [[label, value], ..]}], signer: {title, name, rank,
 * nip}, copies: [..]}, copied into a.  LETTERS_INVALID with why. */
int letter_layout_from_json(struct arena *a, const json_t *j, struct letter_layout *out, const char **why);
/* The same layout as that JSON's text, in a (NULL when out of memory). */
char *letter_layout_text(struct arena *a, const struct letter_layout *l);

/* ---- issuing, reading, revoking ---------------------------------------------------- */

struct letter_request {
	const char *kind;		/* "research_permit" */
	const char *format;		/* number format, letter_number_format() */
	const char *sequence;		/* the counter's group; NULL: kind (kinds sharing a register share one) */
	const char *issuer;		/* stable key of the issuer: a unit's code or a village's Kemendagri code */
	int64_t unit_id;		/* issuing unit (who may revoke), 0 when a village issues */
	const char *village;		/* issuing village's code, NULL when a unit issues */
	const char *unit_label;		/* {unit} */
	const char *village_label;	/* {village} */
	const char *issuer_name;	/* the issuer as the letter names it */
	const char *subject;		/* what the letter is (Hal) */
	json_t *holder;			/* object: who the letter is for, as printed (borrowed) */
	int64_t holder_user_id;		/* the holder's account, 0 when none */
	json_t *fields;			/* object: the kind's content (borrowed), or NULL */
	const char *valid_from;		/* YYYY-MM-DD, or NULL */
	const char *valid_until;	/* YYYY-MM-DD, or NULL: no end */
	const struct letter_layout *layout;	/* how it is printed */
	time_t issued_at;		/* 0: the service clock now */
};

/* An issued letter, in the caller's arena. */
struct letter {
	int64_t id;
	const char *token;		/* random, URL-safe: /v/{token} */
	const char *number;
	const char *kind;
	const char *issuer;
	int64_t unit_id;		/* 0: a village's */
	const char *village;
	int64_t holder_user_id;
	const char *content;		/* canonical JSON text, as signed */
	const char *signature;
	const char *key_id;
	const char *signature_kind;	/* "ed25519", or "bsre" once certified */
	const char *status;		/* "issued" or "revoked" */
	const char *revoked_at;
	const char *revoked_reason;
	const char *valid_until;
	const char *layout;		/* how it is printed (JSON, letter_layout_from_json), or NULL */
	const char *bsre_pdf_sha;	/* the BSrE-certified PDF (files.h), or NULL */
	const char *url;		/* {base_url}/v/{token} */
	const char *qr;			/* the QR's text */
};

/* Numbers, signs and stores a letter (its layout with it) in the caller's
 * write transaction on c; fills out.  LETTERS_INVALID with why,
 * LETTERS_NO_KEY, LETTERS_DUPLICATE, LETTERS_DB.  The PDF is drawn by
 * letter_pdf(), outside the transaction. */
int letter_issue(struct app *app, struct db_conn *c, struct arena *a, const struct letter_request *q,
		 struct letter *out, const char **why);

/* The letter of token (LETTERS_NOT_FOUND when none), of id, or of an
 * issuer's number; url and qr are filled from app's --base-url. */
int letter_read(const struct app *app, struct db_conn *c, struct arena *a, const char *token, struct letter *out);
int letter_read_id(const struct app *app, struct db_conn *c, struct arena *a, int64_t id, struct letter *out);
int letter_find(const struct app *app, struct db_conn *c, struct arena *a, const char *issuer, const char *number,
		struct letter *out);

/* Revokes a letter with a reason, audited, in the caller's write
 * transaction: LETTERS_REVOKED if it already is. */
int letter_revoke(struct app *app, struct db_conn *c, struct arena *a, const struct caller *by,
		  const char *token, const char *reason);

/* May caller revoke, certify or download this letter as staff of its
 * issuer (officers and heads of the issuing unit, operators of the
 * issuing village, admins)?  May they fetch its PDF (staff, or the
 * holder)? */
int letter_may_manage(const struct caller *caller, const struct letter *l);
int letter_may_fetch(const struct caller *caller, const struct letter *l);

/* The letter's PDF, for a service's download route: the BSrE-certified
 * one once there is one, else drawn from its layout (tens of
 * milliseconds; call it outside any write transaction).  LETTERS_OK with
 * the bytes in a, LETTERS_NOT_FOUND for a letter without a layout,
 * LETTERS_RENDER, LETTERS_STORAGE. */
int letter_pdf(struct app *app, const struct letter *l, struct arena *a, unsigned char **pdf, size_t *len);

/* Draws the letter's PDF from a layout (letter_pdf does; exposed for
 * previews); issuer_name and issued_at are the content's, read by the
 * caller so the content is parsed once. */
unsigned char *letter_render(struct app *app, struct arena *a, const struct letter *l,
			     const struct letter_layout *layout, const char *issuer_name, time_t issued_at,
			     size_t *len);

/* What the verification page says of a letter, as JSON text in a:
 * {status: valid | changed | unknown_key | revoked | expired,
 *  signature_kind: ed25519 | bsre, registered, url, revoked: {at, reason},
 *  payload: {content, signature, key_id}} - payload.content is what the
 * letter shows, and the payload is what `pendopo letters verify` checks
 * offline.  today: YYYY-MM-DD (WIB).  NULL when out of memory. */
const char *letter_verification(const struct app *app, struct arena *a, const struct letter *l, const char *today);
/* The same for a payload (content, signature, key_id) checked against the
 * keys, l the registered letter of its issuer and number, or NULL. */
const char *letters_verdict(const struct app *app, struct arena *a, const struct letter *l, const json_t *content,
			    const char *signature, const char *key_id, const char *today);
/* A letter as a service shows it beside its case: {number, status,
 * revoked: {at, reason} | null, signature_kind, valid_until, url, token,
 * pdf (the service's own download path), manage (may the caller revoke
 * it), bsre (may the caller have it certified now)}.  New reference. */
json_t *letter_json(const struct app *app, const struct caller *caller, const struct letter *l, const char *pdf);
/* {base_url}/v/{token}, in a. */
const char *letters_url(const struct app *app, struct arena *a, const char *token);

/* Sends the letter's PDF to BSrE for a certified signature with the
 * signer's NIK and passphrase (used once, never stored) and stores the
 * signed PDF.  Runs outside any transaction (a network call); opens its own
 * to record the result.  LETTERS_BSRE with why when BSrE is not configured
 * or refuses. */
int letter_bsre_sign(struct app *app, struct db_conn *c, struct arena *a, const struct caller *by,
		     const char *token, const char *nik, const char *passphrase, const char **why, int *http_status);

/* The answer to a failed letters call (rc < 0) in a handler: 400 invalid
 * (why), 503 signing_unavailable, 404, 409 already_revoked or conflict,
 * 503 storage_error, reply_db_error(), or 500. */
int letters_reply_error(struct req *r, int rc, const char *why);

/* The letters configuration of a command (serve, letters issue): its
 * --letters-* / --letterhead* / --bsre-* options into app->cfg and the keys
 * into app->letter_keys.  0, or an exit code (said on stderr). */
int letters_setup(const struct cli *cli, struct app *app);

/* WIB local date of t as YYYY-MM-DD, and its year and month. */
void letters_wib_date(time_t t, char out[11], int *year, int *month);

#endif
