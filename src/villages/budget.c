/* budget.c - APBDes transparency: a village's budget per year in the
 * standard accounts (Permendagri 20/2018, specs §8): 4 income, 5
 * expenditure in its five fields (bidang), 6 financing; budget (anggaran)
 * against realisation (realisasi).  Entered as a form (PUT, JSON) or a CSV
 * file; either is checked whole and stored whole or not at all, every
 * error named by row and column.  Published budgets are public, as JSON
 * and as CSV, and go to Satu Data (publish.c).
 */
#include "internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "audit.h"
#include "csv.h"
#include "strbuf.h"
#include "util.h"

#define LINES_MAX 500
#define AMOUNT_DIGITS 15

/* The accounts a line may fall under: a line's account is one of these
 * second-level codes or one below it (5.2.1, 5.2.1.01). */
static const struct {
	const char *code, *name;
} accounts[] = {
	{ "4", "Pendapatan" },
	{ "4.1", "Pendapatan Asli Desa" },
	{ "4.2", "Pendapatan Transfer" },
	{ "4.3", "Pendapatan Lain-lain" },
	{ "5", "Belanja" },
	{ "5.1", "Bidang Penyelenggaraan Pemerintahan Desa" },
	{ "5.2", "Bidang Pelaksanaan Pembangunan Desa" },
	{ "5.3", "Bidang Pembinaan Kemasyarakatan" },
	{ "5.4", "Bidang Pemberdayaan Masyarakat" },
	{ "5.5", "Bidang Penanggulangan Bencana, Keadaan Darurat dan Mendesak" },
	{ "6", "Pembiayaan" },
	{ "6.1", "Penerimaan Pembiayaan" },
	{ "6.2", "Pengeluaran Pembiayaan" },
};
#define NACCOUNTS (sizeof(accounts) / sizeof(accounts[0]))

struct budget_line {
	const char *account, *name;
	int64_t budget, realised;
};

/* The standard group (second level) of an account code, or -1 when the
 * code is not digits and dots under one of them. */
static int account_group(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n < 3 || n > 30 || code[n - 1] == '.')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((code[i] >= '0' && code[i] <= '9') || (code[i] == '.' && i > 0 && code[i - 1] != '.')))
			return -1;
	for (size_t i = 0; i < NACCOUNTS; i++)
		if (strlen(accounts[i].code) == 3 && strncmp(code, accounts[i].code, 3) == 0 &&
		    (code[3] == '\0' || code[3] == '.'))
			return (int)i;
	return -1;
}

static int amount_parse(const char *s, bool empty_ok, int64_t *out)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0) {
		*out = 0;
		return empty_ok ? 0 : -1;
	}
	if (n > AMOUNT_DIGITS)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static void problem(json_t *errors, long row, const char *column, const char *message)
{
	json_array_append_new(errors, json_pack("{s:I, s:s, s:s}", "row", (json_int_t)row, "column", column, "message",
						message));
}

/* One line checked; its problems appended to errors. */
static void line_check(struct arena *a, struct budget_line *l, const char *budget, const char *realised,
		       long row, const char *const cols[4], json_t *errors, struct budget_line *seen, size_t nseen)
{
	int g = account_group(l->account);
	if (g < 0)
		problem(errors, row, cols[0], "account must be a code under 4.1-4.3, 5.1-5.5 or 6.1-6.2 (e.g. 5.2.1)");
	for (size_t i = 0; g >= 0 && i < nseen; i++)
		if (strcmp(seen[i].account, l->account) == 0) {
			problem(errors, row, cols[0], arena_printf(a, "account %s is listed twice", l->account));
			break;
		}
	if (l->name && !*l->name)
		l->name = NULL;
	if (!l->name && g >= 0 && strlen(l->account) == 3)
		l->name = accounts[g].name;
	if (!l->name || !village_text_ok(l->name, false) || strlen(l->name) > 300)
		problem(errors, row, cols[1], "name (uraian) is required, up to 300 characters");
	if (amount_parse(budget, false, &l->budget) != 0)
		problem(errors, row, cols[2], "budget (anggaran) must be a whole number of rupiah, digits only");
	if (amount_parse(realised, true, &l->realised) != 0)
		problem(errors, row, cols[3], "realisation (realisasi) must be a whole number of rupiah, digits only, or empty");
}

static int year_param(struct req *r, int *year)
{
	const char *y = req_param(r, "year");
	char *end;
	long v = y ? strtol(y, &end, 10) : 0;
	if (!y || !*y || *end || v < 2000 || v > 2100)
		return reply_error(r, 404, "not_found", "the year is 2000 to 2100", "year"), -1;
	*year = (int)v;
	return 0;
}

static int refuse_edit(struct req *r)
{
	return reply_error_lang(r, 403, "forbidden", "only this village's operators enter its budget",
				"Hanya operator desa ini yang dapat mengisi APBDes-nya.", NULL);
}

/* Replace the year's lines with lines[0..n), in the request's transaction. */
static int budget_store(struct req *r, const char *kode, int year, const struct budget_line *lines, size_t n,
			const char *how)
{
	char now[24];
	time_iso(app_now(r->app), now);
	if (db_exec(r->db, "INSERT INTO village_budgets (village, year, updated_at, updated_by) VALUES (?, ?, ?, ?) "
			   "ON CONFLICT (village, year) DO UPDATE SET updated_at = excluded.updated_at,"
			   " updated_by = excluded.updated_by", "sisi", kode, (int64_t)year, now, r->caller.user_id) != DB_DONE ||
	    db_exec(r->db, "DELETE FROM village_budget_lines WHERE village = ? AND year = ?", "si", kode,
		    (int64_t)year) != DB_DONE)
		return reply_db_error(r), -1;
	for (size_t i = 0; i < n; i++)
		if (db_exec(r->db, "INSERT INTO village_budget_lines (village, year, account, name, budget, realised) "
				   "VALUES (?, ?, ?, ?, ?, ?)", "sissii", kode, (int64_t)year, lines[i].account, lines[i].name,
			    lines[i].budget, lines[i].realised) != DB_DONE)
			return reply_db_error(r), -1;
	json_t *d = json_pack("{s:s, s:i, s:I, s:s}", "village", kode, "year", year, "lines", (json_int_t)n, "by", how);
	int rc = audit_append(r->db, &r->caller, "village.budget", arena_printf(r->arena, "village:%s", kode), d);
	json_decref(d);
	if (rc == 0)
		rc = villages_page_changed(r, kode);
	return rc != 0 ? (reply_db_error(r), -1) : 0;
}

static int invalid_lines(struct req *r, json_t *errors)
{
	size_t n = json_array_size(errors);
	return reply_json(r, 400, json_pack("{s:{s:s, s:s, s:s}, s:o, s:I}", "error", "code", "invalid_rows", "message",
		arena_printf(r->arena, "%zu error%s: nothing was stored", n, n == 1 ? "" : "s"), "field", "errors",
		"errors", errors, "error_count", (json_int_t)n));
}

/* The year's budget as JSON, or NULL on a database error; *found says
 * whether the village has one (published, unless staff). */
static json_t *budget_json(struct req *r, const char *kode, int year, bool staff, bool *found)
{
	struct db_stmt *st = db_query(r->db, "SELECT published_at, updated_at FROM village_budgets WHERE village = ? "
					     "AND year = ? AND (? = 1 OR published_at IS NOT NULL)", "sib", kode,
				      (int64_t)year, (int)staff);
	if (!st)
		return NULL;
	int rc = db_step(st);
	const char *published = rc == DB_ROW && !db_col_is_null(st, 0) ? arena_strdup(r->arena, db_col_text(st, 0)) : NULL;
	const char *updated = rc == DB_ROW ? arena_strdup(r->arena, db_col_text(st, 1)) : NULL;
	db_done(st);
	*found = rc == DB_ROW;
	if (rc != DB_ROW)
		return rc == DB_DONE ? json_null() : NULL;
	st = db_query(r->db, "SELECT account, name, budget, realised FROM village_budget_lines WHERE village = ? AND year = ?"
			     " ORDER BY account", "si", kode, (int64_t)year);
	if (!st)
		return NULL;
	json_t *lines = json_array();
	int64_t sum[NACCOUNTS][2] = { { 0 } };
	while ((rc = db_step(st)) == DB_ROW) {
		const char *acc = db_col_text(st, 0);
		int64_t b = db_col_int(st, 2), re = db_col_int(st, 3);
		json_array_append_new(lines, json_pack("{s:s, s:s, s:I, s:I}", "account", acc, "name", db_col_text(st, 1),
						       "budget", (json_int_t)b, "realised", (json_int_t)re));
		int g = account_group(acc);
		for (size_t i = 0; g >= 0 && i < NACCOUNTS; i++)
			if ((int)i == g || (strlen(accounts[i].code) == 1 && accounts[i].code[0] == acc[0])) {
				sum[i][0] += b;
				sum[i][1] += re;
			}
	}
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(lines);
		return NULL;
	}
	json_t *groups = json_array();
	int64_t total[3][2] = { { 0 } };
	for (size_t i = 0; i < NACCOUNTS; i++) {
		json_array_append_new(groups, json_pack("{s:s, s:s, s:i, s:I, s:I}", "account", accounts[i].code, "name",
			accounts[i].name, "level", strlen(accounts[i].code) == 1 ? 1 : 2, "budget", (json_int_t)sum[i][0],
			"realised", (json_int_t)sum[i][1]));
		if (strlen(accounts[i].code) == 1)
			for (int k = 0; k < 2; k++)
				total[accounts[i].code[0] - '4'][k] = sum[i][k];
	}
	int64_t fin_in[2] = { 0 }, fin_out[2] = { 0 };
	for (size_t i = 0; i < NACCOUNTS; i++)
		for (int k = 0; k < 2; k++) {
			if (strcmp(accounts[i].code, "6.1") == 0)
				fin_in[k] = sum[i][k];
			if (strcmp(accounts[i].code, "6.2") == 0)
				fin_out[k] = sum[i][k];
		}
	return json_pack("{s:i, s:s?, s:s, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}}", "year", year, "published_at",
		published, "updated_at", updated, "lines", lines, "groups", groups, "summary",
		"income_budget", (json_int_t)total[0][0], "income_realised", (json_int_t)total[0][1],
		"expenditure_budget", (json_int_t)total[1][0], "expenditure_realised", (json_int_t)total[1][1],
		"net_financing_budget", (json_int_t)(fin_in[0] - fin_out[0]),
		"net_financing_realised", (json_int_t)(fin_in[1] - fin_out[1]));
}

static bool budget_staff(struct req *r, const char *kode)
{
	return village_may_edit(r, kode) || can(&r->caller, &villages_approve, &(struct object){ .village = kode }) ||
	       can(&r->caller, &villages_oversee, NULL);
}

/* GET /api/villages/{kode}/budget/{year}: the public see a published one. */
int villages_budget_get(struct req *r)
{
	struct village v;
	int year;
	bool found;
	if (village_open(r, &v) || year_param(r, &year))
		return 0;
	json_t *b = budget_json(r, v.kode, year, budget_staff(r, v.kode), &found);
	if (!b)
		return reply_db_error(r);
	if (!found)
		return reply_error_lang(r, 404, "not_found", "this village has published no budget for that year",
					"Desa ini belum mempublikasikan APBDes tahun tersebut.", NULL);
	return reply_json(r, 200, json_pack("{s:s, s:s, s:o}", "village", v.kode, "nama", v.nama, "budget", b));
}

/* PUT /api/villages/{kode}/budget/{year} {lines: [{account, name, budget, realised}]} */
int villages_budget_put(struct req *r)
{
	struct village v;
	int year;
	if (village_open(r, &v) || year_param(r, &year))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	json_t *arr = json_object_get(r->body, "lines");
	size_t n = json_array_size(arr);
	if (n > LINES_MAX)
		return reply_error(r, 400, "invalid", "a budget has at most 500 lines", "lines");
	static const char *const cols[4] = { "account", "name", "budget", "realised" };
	struct budget_line *lines = arena_alloc(r->arena, (n + 1) * sizeof(*lines));
	json_t *errors = json_array();
	for (size_t i = 0; lines && i < n; i++) {
		json_t *o = json_array_get(arr, i), *b = json_object_get(o, "budget"), *re = json_object_get(o, "realised");
		const char *bs = json_is_integer(b) && json_integer_value(b) >= 0
					 ? arena_printf(r->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(b)) : "x";
		const char *rs = !re || json_is_null(re) ? ""
			: json_is_integer(re) && json_integer_value(re) >= 0
				  ? arena_printf(r->arena, "%" JSON_INTEGER_FORMAT, json_integer_value(re)) : "x";
		lines[i] = (struct budget_line){ json_string_value(json_object_get(o, "account")),
						 json_string_value(json_object_get(o, "name")), 0, 0 };
		line_check(r->arena, &lines[i], bs, rs, (long)i + 1, cols, errors, lines, i);
	}
	if (json_array_size(errors))
		return invalid_lines(r, errors);
	json_decref(errors);
	if (!lines || budget_store(r, v.kode, year, lines, n, "form"))
		return lines ? 0 : reply_error(r, 500, "internal", "out of memory", NULL);
	return villages_budget_get(r);
}

/* POST /api/villages/{kode}/budget/{year}/import: a CSV file with the
 * header akun,uraian,anggaran,realisasi (in any order). */
int villages_budget_import(struct req *r)
{
	struct village v;
	int year;
	if (village_open(r, &v) || year_param(r, &year))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	char *buf = arena_alloc(r->arena, r->body_len + 1);
	if (!buf)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	memcpy(buf, r->body_raw ? r->body_raw : "", r->body_len);
	buf[r->body_len] = '\0';
	struct csv c;
	char *f[8];
	csv_init(&c, buf, r->body_len);
	static const char *const cols[4] = { "akun", "uraian", "anggaran", "realisasi" };
	int at[4] = { -1, -1, -1, -1 };
	int nf = csv_next(&c, f, 8);
	json_t *errors = json_array();
	for (int i = 0; i < nf; i++)
		for (int k = 0; k < 4; k++)
			if (strcmp(f[i], cols[k]) == 0)
				at[k] = i;
	for (int k = 0; k < 4; k++)
		if (at[k] < 0 && k != 3)
			problem(errors, 1, cols[k], arena_printf(r->arena, "the header has no column %s "
				"(akun,uraian,anggaran,realisasi)", cols[k]));
	if (json_array_size(errors))
		return invalid_lines(r, errors);
	struct budget_line *lines = arena_alloc(r->arena, (LINES_MAX + 1) * sizeof(*lines));
	size_t n = 0;
	while (lines && (nf = csv_next(&c, f, 8)) != CSV_END) {
		if (nf < 0) {
			problem(errors, c.line, "", nf == CSV_EQUOTE ? "a quote is not closed, or text follows a closing quote"
								     : "more than 8 columns");
			break;
		}
		if (nf == 1 && !*f[0])
			continue;
		if (n == LINES_MAX) {
			problem(errors, c.line, "", "a budget has at most 500 lines");
			break;
		}
		const char *val[4];
		for (int k = 0; k < 4; k++)
			val[k] = at[k] >= 0 && at[k] < nf ? f[at[k]] : "";
		lines[n] = (struct budget_line){ val[0], val[1], 0, 0 };
		line_check(r->arena, &lines[n], val[2], val[3], c.line, cols, errors, lines, n);
		n++;
	}
	if (!lines)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	if (!json_array_size(errors) && n == 0)
		problem(errors, 2, "", "the file has no budget lines");
	if (json_array_size(errors))
		return invalid_lines(r, errors);
	json_decref(errors);
	if (budget_store(r, v.kode, year, lines, n, "csv"))
		return 0;
	return villages_budget_get(r);
}

/* GET /api/villages/{kode}/budget/{year}/csv: the same lines as the import takes. */
int villages_budget_csv(struct req *r)
{
	struct village v;
	int year;
	bool found;
	if (village_open(r, &v) || year_param(r, &year))
		return 0;
	json_t *b = budget_json(r, v.kode, year, budget_staff(r, v.kode), &found);
	if (!b)
		return reply_db_error(r);
	if (!found)
		return reply_error(r, 404, "not_found", "this village has published no budget for that year", NULL);
	struct strbuf sb;
	strbuf_init(&sb, r->arena, 4096);
	strbuf_addstr(&sb, "akun,uraian,anggaran,realisasi\r\n");
	size_t i;
	json_t *l;
	json_array_foreach(json_object_get(b, "lines"), i, l) {
		strbuf_add_csv(&sb, json_string_value(json_object_get(l, "account")), true);
		strbuf_addch(&sb, ',');
		strbuf_add_csv(&sb, json_string_value(json_object_get(l, "name")), true);
		strbuf_addf(&sb, ",%" JSON_INTEGER_FORMAT ",%" JSON_INTEGER_FORMAT "\r\n",
			    json_integer_value(json_object_get(l, "budget")), json_integer_value(json_object_get(l, "realised")));
	}
	json_decref(b);
	if (sb.failed)
		return reply_error(r, 500, "internal", "out of memory", NULL);
	reply_header(r, "Content-Disposition", arena_printf(r->arena, "attachment; filename=\"apbdes-%s-%d.csv\"",
							    village_code_digits(r->arena, v.kode), year));
	return reply_text(r, 200, "text/csv; charset=utf-8", sb.buf, sb.len);
}

/* POST /api/villages/{kode}/budget/{year}/publish {published} */
int villages_budget_publish(struct req *r)
{
	struct village v;
	int year;
	if (village_open(r, &v) || year_param(r, &year))
		return 0;
	if (!village_may_edit(r, v.kode))
		return refuse_edit(r);
	bool pub = json_is_true(json_object_get(r->body, "published"));
	char now[24];
	time_iso(app_now(r->app), now);
	if (db_exec(r->db, "UPDATE village_budgets SET published_at = CASE WHEN ? = 1 THEN COALESCE(published_at, ?)"
			   " ELSE NULL END WHERE village = ? AND year = ?", "bssi", (int)pub, now, v.kode,
		    (int64_t)year) != DB_DONE)
		return reply_db_error(r);
	if (db_changes(r->db) == 0)
		return reply_error_lang(r, 404, "not_found", "enter the year's budget first",
					"Isi APBDes tahun tersebut terlebih dahulu.", NULL);
	json_t *d = json_pack("{s:s, s:i, s:b}", "village", v.kode, "year", year, "published", (int)pub);
	int rc = audit_append(r->db, &r->caller, "village.budget_publish", arena_printf(r->arena, "village:%s", v.kode), d);
	json_decref(d);
	if (rc == 0)
		rc = villages_page_changed(r, v.kode);
	if (rc != 0)
		return reply_db_error(r);
	return villages_budget_get(r);
}

json_t *villages_budget_years(struct req *r, const char *kode, bool published_only)
{
	struct db_stmt *st = db_query(r->db, "SELECT year, published_at FROM village_budgets WHERE village = ? AND"
					     " (? = 0 OR published_at IS NOT NULL) ORDER BY year DESC", "sb", kode,
				      (int)published_only);
	if (!st)
		return NULL;
	json_t *a = json_array();
	int rc;
	while ((rc = db_step(st)) == DB_ROW)
		json_array_append_new(a, json_pack("{s:I, s:b}", "year", (json_int_t)db_col_int(st, 0), "published",
						   !db_col_is_null(st, 1)));
	db_done(st);
	if (rc != DB_DONE) {
		json_decref(a);
		return NULL;
	}
	return a;
}
