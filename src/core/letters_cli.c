/* letters_cli.c - the letters' commands and configuration: `letters
 * keygen` (a signing key pair), `letters verify` (a payload checked offline
 * against the public keys), `letters issue` (a letter an administrator
 * issues by hand from a JSON file), and letters_setup(), which reads the
 * options and keys for `serve` and for these commands.
 */
#include "letters.h"
#include "letters_int.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "cli.h"
#include "db.h"
#include "http.h"
#include "log.h"
#include "orgs.h"

int letters_setup(const struct cli *cli, struct app *app)
{
	struct config *cfg = &app->cfg;
	cfg->letterhead = cli_opt(cli, "--letterhead");
	cfg->letterhead_address = cli_opt(cli, "--letterhead-address");
	cfg->letters_fonts = cli_opt(cli, "--letters-fonts");
	cfg->bsre_url = cli_opt(cli, "--bsre-url");
	cfg->bsre_user = cli_opt(cli, "--bsre-user");
	cfg->bsre_password = cli_opt(cli, "--bsre-password");
	if (cfg->bsre_url && *cfg->bsre_url && curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "pendopo %s: libcurl failed to initialise (--bsre-url)\n", cli->cmd->name);
		return 1;
	}
	char why[512];
	const char *key = cli_opt(cli, "--letters-key");
	app->letter_keys = letter_keys_load(key, cli_opt(cli, "--letters-old-keys"), why, sizeof(why));
	if (!app->letter_keys) {
		fprintf(stderr, "pendopo %s: letters keys: %s\n", cli->cmd->name, why);
		return 2;
	}
	if (!letter_keys_signing_id(app->letter_keys))
		log_warn("no letters signing key: letters cannot be issued until `pendopo letters keygen`",
			 LOG_F("letters_key", key ? key : ""));
	return 0;
}

/* ---- letters keygen ------------------------------------------------------------------ */

/* The folder a file goes in, and those above it. */
static int mkdir_parents(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	return mkdir_all(dir, 0700);
}

static int keygen_command(struct cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 0)
		return cli_usage(cli);
	const char *path = cli_opt(cli, "--letters-key");
	char id[LETTER_KEY_ID_LEN + 1], why[512];
	if (mkdir_parents(path) != 0) {
		fprintf(stderr, "pendopo letters keygen: cannot make the folder of %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (letter_keygen(path, id, why, sizeof(why)) != 0) {
		fprintf(stderr, "pendopo letters keygen: %s\n", why);
		return 1;
	}
	printf("key id:      %s\nprivate key: %s (mode 0600: keep it secret, back it up)\npublic key:  %s.pub\n", id,
	       path, path);
	return 0;
}

/* ---- letters verify ------------------------------------------------------------------ */

/* Exit codes of `letters verify`, documented in its summary and README. */
enum { VERIFY_VALID = 0, VERIFY_CHANGED = 1, VERIFY_MISUSE = 2, VERIFY_UNKNOWN_KEY = 3, VERIFY_EXPIRED = 4 };

static int verify_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	json_error_t jerr;
	json_t *payload = strcmp(argv[0], "-") == 0 ? json_loadf(stdin, 0, &jerr) : json_load_file(argv[0], 0, &jerr);
	const json_t *content;
	const char *signature, *key_id, *why;
	if (!payload) {
		fprintf(stderr, "pendopo letters verify: %s: %s (line %d)\n", argv[0], jerr.text, jerr.line);
		return VERIFY_MISUSE;
	}
	if (letter_payload_parse(payload, &content, &signature, &key_id, &why) != LETTERS_OK) {
		fprintf(stderr, "pendopo letters verify: %s: %s\n", argv[0], why);
		json_decref(payload);
		return VERIFY_MISUSE;
	}
	char err[512];
	struct letter_keys *keys = letter_keys_load(cli_opt(cli, "--letters-key"), cli_opt(cli, "--letters-old-keys"),
						    err, sizeof(err));
	if (!keys) {
		fprintf(stderr, "pendopo letters verify: %s\n", err);
		json_decref(payload);
		return VERIFY_MISUSE;
	}
	enum letter_check check = letter_verify(keys, content, signature, key_id);
	const char *until = json_string_value(json_object_get(content, "valid_until"));
	const char *number = json_string_value(json_object_get(content, "number"));
	char today[11];
	int y, m;
	letters_wib_date(time(NULL), today, &y, &m);
	int expired = check == LETTER_CHECK_VALID && until && strcmp(until, today) < 0;
	int rc = check == LETTER_CHECK_CHANGED ? VERIFY_CHANGED : check == LETTER_CHECK_UNKNOWN_KEY ? VERIFY_UNKNOWN_KEY
		: expired ? VERIFY_EXPIRED : VERIFY_VALID;
	printf("%s\n", expired ? "expired" : letter_check_name(check));
	printf("number: %s\nkey id: %s\n", number ? number : "-", key_id);
	if (check == LETTER_CHECK_VALID)
		printf("note: revocation is known online only: the letter's QR opens its page\n");
	letter_keys_free(keys);
	json_decref(payload);
	return rc;
}

/* ---- letters issue ------------------------------------------------------------------- */

static const char *jstr(const json_t *j, const char *key)
{
	return json_string_value(json_object_get(j, key));
}

/* The request of a JSON file; 0, or -1 said on stderr. */
static int request_from_json(struct db_conn *c, struct arena *a, const json_t *j, struct letter_request *q,
			     struct letter_layout *layout)
{
	static const char *const known[] = { "kind", "format", "sequence", "unit", "village", "unit_label",
					     "village_label", "issuer_name", "subject", "holder", "fields",
					     "valid_from", "valid_until", "layout", NULL };
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)j, key, v) {
		size_t i = 0;
		while (known[i] && strcmp(known[i], key) != 0)
			i++;
		if (!known[i]) {
			fprintf(stderr, "pendopo letters issue: unknown member \"%s\"\n", key);
			return -1;
		}
	}
	*q = (struct letter_request){
		.kind = jstr(j, "kind"), .format = jstr(j, "format"), .sequence = jstr(j, "sequence"),
		.village = jstr(j, "village"), .unit_label = jstr(j, "unit_label"),
		.village_label = jstr(j, "village_label"), .issuer_name = jstr(j, "issuer_name"),
		.subject = jstr(j, "subject"), .holder = json_object_get(j, "holder"),
		.fields = json_object_get(j, "fields"), .valid_from = jstr(j, "valid_from"),
		.valid_until = jstr(j, "valid_until"),
	};
	const char *unit = jstr(j, "unit"), *why;
	if (unit) {
		const char *code, *name;
		if (orgs_id_by_code(c, unit, &q->unit_id) != 0 || orgs_code_name(c, a, q->unit_id, &code, &name) != 0) {
			fprintf(stderr, "pendopo letters issue: no organisation unit \"%s\"\n", unit);
			return -1;
		}
		q->issuer = code;
		if (!q->issuer_name)
			q->issuer_name = name;
	} else {
		q->issuer = q->village;
	}
	if (json_object_get(j, "layout")) {
		if (letter_layout_from_json(a, json_object_get(j, "layout"), layout, &why) != LETTERS_OK) {
			fprintf(stderr, "pendopo letters issue: %s\n", why);
			return -1;
		}
		q->layout = layout;
	}
	return 0;
}

static int write_file(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

static int issue_command(struct cli *cli, int argc, char **argv)
{
	if (argc != 1)
		return cli_usage(cli);
	json_error_t jerr;
	json_t *j = json_load_file(argv[0], 0, &jerr);
	if (!json_is_object(j)) {
		fprintf(stderr, "pendopo letters issue: %s: %s\n", argv[0], j ? "not a JSON object" : jerr.text);
		json_decref(j);
		return 2;
	}
	struct app app;
	int rc = cli_app(cli, &app, 1);
	if (rc == 0 && (rc = letters_setup(cli, &app)) != 0)
		db_close(app.db);
	if (rc) {
		json_decref(j);
		return rc;
	}
	struct arena *a = arena_new(65536);
	struct db_conn *c = db_acquire(app.db);
	struct letter_request q;
	struct letter_layout layout;
	struct letter l;
	const struct caller cli_caller = { .name = "cli" };
	const char *why = NULL, *pdf_out = cli_opt(cli, "--pdf");
	rc = 1;
	if (!a || request_from_json(c, a, j, &q, &layout) != 0)
		goto done;
	if (db_tx_begin(c) != DB_OK)
		goto failed;
	int issued = letter_issue(&app, c, a, &q, &l, &why);
	if (issued != LETTERS_OK) {
		db_tx_rollback(c);
		fprintf(stderr, "pendopo letters issue: %s\n", why ? why : db_errmsg(c));
		goto done;
	}
	json_t *details = json_pack("{s:s,s:s}", "number", l.number, "kind", l.kind);
	int audited = audit_append(c, &cli_caller, "letter.issue", arena_printf(a, "letter:%lld", (long long)l.id),
				   details);
	json_decref(details);
	if (audited != 0 || db_tx_commit(c) != DB_OK)
		goto failed;
	unsigned char *pdf;
	size_t len;
	if (pdf_out && (letter_pdf(&app, &l, a, &pdf, &len) != LETTERS_OK || write_file(pdf_out, pdf, len) != 0)) {
		fprintf(stderr, "pendopo letters issue: issued %s, but its PDF could not be written to %s\n", l.number,
			pdf_out);
		goto done;
	}
	json_t *out = json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)l.id, "token", l.token, "number", l.number,
				"url", l.url, "qr", l.qr);
	char *text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	if (text)
		puts(text);
	free(text);
	json_decref(out);
	rc = 0;
	goto done;
failed:
	db_tx_rollback(c);
	fprintf(stderr, "pendopo letters issue: not stored: %s\n", db_errmsg(c));
done:
	db_release(app.db, c);
	db_close(app.db);
	letter_keys_free(app.letter_keys);
	arena_free(a);
	json_decref(j);
	return rc;
}

static const struct cli_opt keygen_opts[] = {
	{ "--letters-key", "PENDOPO_LETTERS_KEY", "where to write the private key (the public one gets .pub)",
	  "var/keys/letters.key" },
	{ 0 },
};
static const struct cli_opt verify_opts[] = {
	{ "--letters-key", "PENDOPO_LETTERS_KEY", "the key file; its .pub alone suffices", "var/keys/letters.key" },
	{ "--letters-old-keys", "PENDOPO_LETTERS_OLD_KEYS", "public key files of earlier keys, comma-separated", NULL },
	{ 0 },
};
static const struct cli_opt issue_opts[] = {
	CLI_OPT_DB,
	CLI_OPT_DATA_DIR,
	CLI_OPT_BASE_URL,
	CLI_OPTS_LETTERS,
	{ "--pdf", NULL, "also write the letter's PDF to this file", NULL },
	{ "--clock", "PENDOPO_CLOCK", "issue as if the service clock read this UTC time", NULL },
	{ 0 },
};

const struct command letters_commands[] = {
	{ "letters keygen", "letters keygen [--letters-key PATH]",
	  "Make the key pair that signs letters: PATH (private, mode 0600) and PATH.pub.", keygen_opts, keygen_command },
	{ "letters verify", "letters verify FILE.json [--letters-key PATH] [--letters-old-keys LIST]",
	  "Check a letter's payload {content, signature, key_id} offline; prints valid, changed, unknown_key or "
	  "expired; exit 0 valid, 1 changed, 2 unreadable, 3 unknown key, 4 expired.", verify_opts, verify_command },
	{ "letters issue", "letters issue FILE.json [--pdf OUT.pdf] [options]",
	  "Issue a letter by hand (an administrator's manual letter) from a JSON request; prints its number and URL.",
	  issue_opts, issue_command },
	{ 0 },
};
