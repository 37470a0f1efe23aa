/* intake.c - complaints by WhatsApp: a guided conversation in Indonesian
 * that files a complaint through the complaints module (complaints.h).
 *
 * Steps: greeting and category (an interactive list) -> description ->
 * location (WhatsApp's location, or a village name matched against the
 * regency's register, asking back when several match) -> anonymous or
 * confidential -> optional photo -> confirm -> the tracking number.
 * "cek MB-2026-000123" answers a complaint's state at any point, "batal"
 * ends the conversation.  The state is a row per sender (keyed on the
 * stable user_id), so it survives restarts and serves every instance; it
 * lapses after two hours without a message.  Replies are queued through
 * the outbox like every other message.  A photo is fetched through the
 * media API before the webhook's transaction (intake_prefetch), never while
 * holding the write lock.
 */
#include "intake.h"
#include "internal.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "complaints/complaints.h"
#include "http.h"
#include "log.h"
#include "outbox.h"
#include "regions.h"
#include "strbuf.h"

#define IDLE_S (2 * 3600)
#define LIST_MAX 10		/* WhatsApp's rows in one list */
#define TITLE_MAX 24		/* characters of a row's title */
#define PHOTO_MAX (5u * 1024 * 1024)

/* ---- replies ------------------------------------------------------------------------------- */

/* The notice's data {list, text} is written as text, keys in order, the
 * list as it came: built as jansson trees and dumped, the reply took
 * 150,000 instructions of a webhook call's 587,000, in the transaction. */
int channels_reply(struct db_conn *c, struct arena *a, const char *to, const char *text, const char *list,
		   const char *at)
{
	struct strbuf d;
	strbuf_init(&d, a, 64 + strlen(text) + (list ? strlen(list) : 0));
	strbuf_addch(&d, '{');
	if (list) {
		strbuf_addstr(&d, "\"list\":");
		strbuf_addstr(&d, list);
		strbuf_addch(&d, ',');
	}
	strbuf_addstr(&d, "\"text\":");
	strbuf_add_json_string(&d, text);
	strbuf_addch(&d, '}');
	if (d.failed)
		return -1;
	return outbox_notify(c, &(struct notice){ .address = arena_printf(a, "wa:%s", to), .topic = "whatsapp.reply",
						  .object = arena_printf(a, "whatsapp:%s", to), .data_json = d.buf }, at);
}

/* At most TITLE_MAX characters of s, cut on a character boundary. */
static const char *title(struct arena *a, const char *s)
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < TITLE_MAX) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	return arena_strndup(a, s, i);
}

/* An interactive list under the text body, as the JSON WhatsApp takes,
 * keys in order: rows of {id, title and, when notes, a description}.
 * NULL when out of memory. */
static const char *list_json(struct arena *a, const char *body, const char *button, const char *const *ids,
			     const char *const *titles, const char *const *notes, size_t n)
{
	struct strbuf l;
	strbuf_init(&l, a, 1024);
	strbuf_addstr(&l, "{\"action\":{\"button\":");
	strbuf_add_json_string(&l, button);
	strbuf_addstr(&l, ",\"sections\":[{\"rows\":[");
	for (size_t i = 0; i < n; i++) {
		strbuf_addstr(&l, i ? ",{" : "{");
		if (notes) {
			strbuf_addstr(&l, "\"description\":");
			strbuf_add_json_string(&l, notes[i]);
			strbuf_addch(&l, ',');
		}
		strbuf_addstr(&l, "\"id\":");
		strbuf_add_json_string(&l, ids[i]);
		strbuf_addstr(&l, ",\"title\":");
		strbuf_add_json_string(&l, title(a, titles[i]));
		strbuf_addch(&l, '}');
	}
	strbuf_addstr(&l, "],\"title\":\"Pilihan\"}]},\"body\":{\"text\":");
	strbuf_add_json_string(&l, body);
	strbuf_addstr(&l, "},\"type\":\"list\"}");
	return l.failed ? NULL : l.buf;
}

/* ---- the conversation's row ------------------------------------------------------------------ */

struct talk {
	const char *step;	/* NULL: none (or lapsed) */
	json_t *data;		/* what was told so far */
};

static int talk_load(struct req *r, const char *key, struct talk *t)
{
	t->step = NULL;
	t->data = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT step, data FROM wa_conversations WHERE wa_key = ? AND updated_at >= ?",
				      "si", key, (int64_t)app_now(r->app) - IDLE_S);
	if (!st)
		return -1;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		t->step = arena_strdup(r->arena, db_col_text(st, 0));
		t->data = json_loads(db_col_text(st, 1), 0, NULL);
	}
	db_done(st);
	if (!t->data)
		t->data = json_object();
	return rc == DB_ROW || rc == DB_DONE ? 0 : -1;
}

static int talk_save(struct req *r, const char *key, const struct talk *t)
{
	const char *data = arena_json_dumps(r->arena, t->data, JSON_COMPACT | JSON_SORT_KEYS);
	return db_exec(r->db, "INSERT INTO wa_conversations (wa_key, step, data, updated_at) VALUES (?, ?, ?, ?)"
			      " ON CONFLICT (wa_key) DO UPDATE SET step = excluded.step, data = excluded.data,"
			      " updated_at = excluded.updated_at", "sssi", key, t->step, data,
		       (int64_t)app_now(r->app)) == DB_DONE ? 0 : -1;
}

static int talk_end(struct req *r, const char *key)
{
	return db_exec(r->db, "DELETE FROM wa_conversations WHERE wa_key = ?", "s", key) == DB_DONE ? 0 : -1;
}

static const char *data_str(const struct talk *t, const char *k)
{
	return json_string_value(json_object_get(t->data, k));
}

static void data_set(struct talk *t, const char *k, const char *v)
{
	json_object_set_new(t->data, k, v ? json_string(v) : json_null());
}

/* ---- reading a message ---------------------------------------------------------------------- */

void intake_said_read(struct arena *a, json_t *m, struct said *s)
{
	memset(s, 0, sizeof(*s));
	s->type = json_string_value(json_object_get(m, "type"));
	if (!s->type)
		s->type = "";
	const char *text = json_string_value(json_object_get(json_object_get(m, "text"), "body"));
	if (text) {
		while (isspace((unsigned char)*text))
			text++;
		size_t n = strlen(text);
		while (n && isspace((unsigned char)text[n - 1]))
			n--;
		s->text = arena_strndup(a, text, n);
	}
	json_t *in = json_object_get(m, "interactive");
	const char *choice = json_string_value(json_object_get(json_object_get(in, "list_reply"), "id"));
	if (!choice)
		choice = json_string_value(json_object_get(json_object_get(in, "button_reply"), "id"));
	s->choice = choice;
	s->location = json_object_get(m, "location");
	s->image = json_string_value(json_object_get(json_object_get(m, "image"), "id"));
}

static int word_is(const char *text, const char *word)
{
	return text && strcasecmp(text, word) == 0;
}

/* ---- the steps ------------------------------------------------------------------------------ */

struct turn {
	struct req *r;
	const struct wa_sender *who;
	const char *at;
	struct talk t;
};

static int say(struct turn *u, const char *text, const char *list)
{
	return channels_reply(u->r->db, u->r->arena, u->who->send_to, text, list, u->at);
}

/* A reply with its list; a list that could not be made (out of memory)
 * fails the reply rather than let it go without. */
static int say_list(struct turn *u, const char *text, const char *list)
{
	return list ? say(u, text, list) : -1;
}

/* cats: the n categories on offer, as complaint_categories_choose() gave them. */
static int ask_category(struct turn *u, const char *lead, const struct complaint_category_choice *cats, int n)
{
	if (n < 0)
		return -1;
	if (n == 0)
		return say(u, "Maaf, layanan pengaduan belum menerima laporan saat ini.", NULL);
	const char *ids[LIST_MAX], *titles[LIST_MAX];
	for (int i = 0; i < n; i++) {
		ids[i] = cats[i].code;
		titles[i] = cats[i].name;
	}
	u->t.step = "category";
	return say_list(u, lead, list_json(u->r->arena, lead, "Pilih kategori", ids, titles, NULL, (size_t)n));
}

static const char *const privacy_ids[] = { "biasa", "anonim", "rahasia" };
static const char *const privacy_titles[] = { "Biasa", "Anonim (tanpa nama)", "Rahasia" };

static int ask_privacy(struct turn *u)
{
	u->t.step = "privacy";
	const char *text = "Bagaimana identitas Anda ditampilkan? *Biasa*: nama Anda terlihat oleh petugas. *Anonim*: "
			   "nama Anda tidak ditampilkan kepada perangkat daerah. *Rahasia*: laporan tidak tampil untuk "
			   "umum.";
	return say_list(u, text, list_json(u->r->arena, text, "Pilih", privacy_ids, privacy_titles, NULL, 3));
}

static int ask_confirm(struct turn *u)
{
	u->t.step = "confirm";
	const char *where = data_str(&u->t, "village_name");
	if (!where)
		where = data_str(&u->t, "address") ? data_str(&u->t, "address") : "titik lokasi yang Anda kirim";
	return say(u, arena_printf(u->r->arena, "Periksa kembali laporan Anda:\n\n*Kategori:* %s\n*Uraian:* %s\n"
			"*Lokasi:* %s\n*Identitas:* %s\n*Foto:* %s\n\nKetik *YA* untuk mengirim atau *BATAL* untuk "
			"membatalkan.", data_str(&u->t, "category_name"), data_str(&u->t, "description"), where,
			data_str(&u->t, "privacy"), data_str(&u->t, "photo") ? "ada" : "tidak ada"), NULL);
}

static char *lower(struct arena *a, const char *s)
{
	char *l = arena_strdup(a, s);
	for (char *p = l; p && *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* Villages of the regency whose name is text (or, failing that, holds
 * it): up to LIST_MAX into out, with their districts' names.  Their
 * number, or -1. */
static int villages_named(struct turn *u, const char *text, struct region *out, const char **district)
{
	struct region *districts, *villages;
	size_t nd, nv;
	int exact = 0, near = 0;
	struct region found_exact[LIST_MAX], found_near[LIST_MAX];
	const char *in_exact[LIST_MAX], *in_near[LIST_MAX];
	const char *want = lower(u->r->arena, text);
	if (regions_children(u->r->db, u->r->arena, u->r->app->cfg.regency_code, &districts, &nd) != 0)
		return -1;
	for (size_t d = 0; d < nd; d++) {
		if (regions_children(u->r->db, u->r->arena, districts[d].kode, &villages, &nv) != 0)
			return -1;
		for (size_t v = 0; v < nv; v++) {
			const char *name = lower(u->r->arena, villages[v].nama);
			if (strcmp(name, want) == 0 && exact < LIST_MAX) {
				in_exact[exact] = districts[d].nama;
				found_exact[exact++] = villages[v];
			} else if (strstr(name, want) && near < LIST_MAX) {
				in_near[near] = districts[d].nama;
				found_near[near++] = villages[v];
			}
		}
	}
	int n = exact ? exact : near;
	memcpy(out, exact ? found_exact : found_near, (size_t)n * sizeof(*out));
	memcpy(district, exact ? in_exact : in_near, (size_t)n * sizeof(*district));
	return n;
}

static int take_village(struct turn *u, const struct region *v)
{
	const char *district = NULL;
	char dcode[16];
	snprintf(dcode, sizeof(dcode), "%.8s", v->kode);
	if (regions_lookup(u->r->db, u->r->arena, dcode, &district, NULL) < 0)
		return -1;
	data_set(&u->t, "village", v->kode);
	data_set(&u->t, "village_name", district ? arena_printf(u->r->arena, "%s, Kec. %s", v->nama, district) : v->nama);
	return ask_privacy(u);
}

static int on_location(struct turn *u, const struct said *s)
{
	if (s->location) {
		json_t *lat = json_object_get(s->location, "latitude"), *lon = json_object_get(s->location, "longitude");
		if (!json_is_number(lat) || !json_is_number(lon))
			return say(u, "Lokasi tidak terbaca. Kirim ulang lokasi atau ketik nama desa/kelurahan.", NULL);
		json_object_set(u->t.data, "lat", lat);
		json_object_set(u->t.data, "lon", lon);
		const char *name = json_string_value(json_object_get(s->location, "name"));
		const char *addr = json_string_value(json_object_get(s->location, "address"));
		data_set(&u->t, "address", addr ? addr : name);
		return ask_privacy(u);
	}
	if (!s->text || strlen(s->text) < 3)
		return say(u, "Kirim lokasi kejadian (📎 → Lokasi) atau ketik nama desa/kelurahannya.", NULL);
	struct region found[LIST_MAX];
	const char *district[LIST_MAX];
	int n = villages_named(u, s->text, found, district);
	if (n < 0)
		return -1;
	if (n == 0)
		return say(u, arena_printf(u->r->arena, "Desa/kelurahan \"%s\" tidak ditemukan di kabupaten ini. Periksa "
				"ejaannya, atau kirim lokasi (📎 → Lokasi).", s->text), NULL);
	if (n == 1)
		return take_village(u, &found[0]);
	const char *ids[LIST_MAX], *titles[LIST_MAX], *notes[LIST_MAX];
	json_t *offered = json_array();
	for (int i = 0; i < n; i++) {
		ids[i] = found[i].kode;
		titles[i] = found[i].nama;
		notes[i] = arena_printf(u->r->arena, "Kec. %s", district[i]);
		json_array_append_new(offered, json_string(found[i].kode));
	}
	json_object_set_new(u->t.data, "offered", offered);
	u->t.step = "village";
	const char *text = arena_printf(u->r->arena, "Ada %d desa/kelurahan bernama mirip \"%s\". Pilih yang Anda "
					"maksud.", n, s->text);
	return say_list(u, text, list_json(u->r->arena, text, "Pilih desa", ids, titles, notes, (size_t)n));
}

static int on_village(struct turn *u, const struct said *s)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(u->t.data, "offered"), i, v) {
		/* A copy: the offer is dropped below, and its strings with it. */
		const char *code = arena_strdup(u->r->arena, json_string_value(v));
		const char *name;
		if (s->choice && code && strcmp(s->choice, code) == 0 &&
		    regions_lookup(u->r->db, u->r->arena, code, &name, NULL) == 0) {
			json_object_del(u->t.data, "offered");
			return take_village(u, &(struct region){ .kode = code, .nama = name, .level = 4 });
		}
	}
	u->t.step = "location";
	json_object_del(u->t.data, "offered");
	return on_location(u, s);
}

static int on_confirm(struct turn *u, const struct said *s, const struct intake_photo *photo)
{
	if (!word_is(s->text, "ya") && !word_is(s->choice, "ya"))
		return ask_confirm(u);
	if (data_str(&u->t, "photo") && (!photo || photo->state != PHOTO_READY)) {
		data_set(&u->t, "photo", NULL);
		u->t.step = "photo";
		return say(u, photo && photo->state == PHOTO_UNREADABLE
			   ? "Berkas yang Anda kirim bukan foto JPEG/PNG yang utuh. Kirim foto lain atau ketik *LEWATI*."
			   : "Maaf, foto Anda tidak dapat kami ambil. Kirim ulang fotonya atau ketik *LEWATI*.", NULL);
	}
	const char *privacy = data_str(&u->t, "privacy");
	json_t *lat = json_object_get(u->t.data, "lat"), *lon = json_object_get(u->t.data, "lon");
	struct complaint_intake in = {
		.channel = "whatsapp", .category = data_str(&u->t, "category"),
		.description = data_str(&u->t, "description"), .village = data_str(&u->t, "village"),
		.address = data_str(&u->t, "address"), .has_location = json_is_number(lat) && json_is_number(lon),
		.lat = json_number_value(lat), .lon = json_number_value(lon),
		.anonymous = privacy && strcmp(privacy, "anonim") == 0,
		.confidential = privacy && strcmp(privacy, "rahasia") == 0,
		.name = u->who->name, .phone = u->who->phone,
		.photo = data_str(&u->t, "photo") ? &photo->photo : NULL,
	};
	const char *tracking, *key, *why, *field;
	int rc = complaint_intake_file(u->r, &in, &tracking, &key, &why, &field);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		log_info("whatsapp intake: complaint refused", LOG_F("why", why), LOG_F("field", field ? field : ""));
		if (talk_end(u->r, u->who->key) != 0)
			return -1;
		u->t.step = NULL;
		return say(u, "Maaf, laporan belum dapat dicatat. Silakan mulai lagi dengan mengetik *HALO*, atau "
			      "laporkan melalui situs web kami.", NULL);
	}
	if (talk_end(u->r, u->who->key) != 0)
		return -1;
	u->t.step = NULL;
	const char *base = u->r->app->cfg.base_url ? u->r->app->cfg.base_url : "";
	const char *link = key ? arena_printf(u->r->arena, "%s/complaints/case.html?no=%s#key=%s", base, tracking, key)
			       : arena_printf(u->r->arena, "%s/complaints/case.html?no=%s", base, tracking);
	return say(u, arena_printf(u->r->arena, "Terima kasih. Pengaduan Anda tercatat dengan nomor *%s*.\n\nPantau "
			"perkembangannya di %s (simpan tautan ini), atau ketik *cek %s* kapan saja. Kabar berikutnya "
			"kami kirim ke percakapan ini.", tracking, link, tracking), NULL);
}

static const char *state_words(const char *state)
{
	static const char *const words[][2] = {
		{ "submitted", "sudah diterima dan sedang diverifikasi" },
		{ "in_progress", "sedang ditangani oleh perangkat daerah" },
		{ "answered", "sudah dijawab; silakan baca jawabannya" },
		{ "closed", "sudah selesai" },
		{ "rejected", "tidak dapat diproses" },
	};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(state, words[i][0]) == 0)
			return words[i][1];
	return state;
}

static int on_check(struct turn *u, const char *tracking)
{
	const char *state;
	char *no = lower(u->r->arena, tracking);
	for (char *p = no; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	int rc = complaint_intake_status(u->r, no, u->who->phone, &state);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return say(u, arena_printf(u->r->arena, "Pengaduan %s tidak ditemukan. Periksa kembali nomornya.", no), NULL);
	return say(u, arena_printf(u->r->arena, "Pengaduan *%s* %s.\n%s/complaints/case.html?no=%s", no,
				   state_words(state), u->r->app->cfg.base_url ? u->r->app->cfg.base_url : "", no), NULL);
}

/* ---- entry points ----------------------------------------------------------------------------- */

int intake_may_prefetch(struct req *r, json_t *m)
{
	struct said s;
	intake_said_read(r->arena, m, &s);
	return word_is(s.text, "ya") && channels_whatsapp_on(r->app->channels);
}

int intake_prefetch(struct req *r, const struct wa_sender *who, json_t *m, struct intake_photo *photo)
{
	struct talk t;
	const struct channels *ch = r->app->channels;
	memset(photo, 0, sizeof(*photo));
	if (!intake_may_prefetch(r, m) || talk_load(r, who->key, &t) != 0)
		return 0;
	const char *media = t.step && strcmp(t.step, "confirm") == 0 ? data_str(&t, "photo") : NULL;
	if (media) {
		char detail[DETAIL_MAX] = "";
		const char *bytes, *en, *id;
		size_t len;
		photo->state = PHOTO_NOT_FETCHED;
		int rc = whatsapp_media(ch, r->arena, media, PHOTO_MAX, &bytes, &len, detail);
		if (rc != 0)
			log_warn("whatsapp intake: photo not fetched", LOG_F("detail", detail));
		else if ((rc = complaint_photo_make(r, bytes, len, &photo->photo, &en, &id)) == 0)
			photo->state = PHOTO_READY;
		else if (rc == 1)
			photo->state = PHOTO_UNREADABLE;
	}
	json_decref(t.data);
	return 0;
}

int intake_receive(struct req *r, const struct wa_sender *who, json_t *m, const char *at,
		   const struct intake_photo *photo)
{
	struct turn u = { .r = r, .who = who, .at = at };
	struct said s;
	intake_said_read(r->arena, m, &s);
	if (talk_load(r, who->key, &u.t) != 0)
		return -1;
	const char *step = u.t.step;
	int rc = 0;
	if (s.text && strncasecmp(s.text, "cek ", 4) == 0) {
		rc = on_check(&u, s.text + 4);
		goto out;	/* the conversation stays where it was */
	}
	if (word_is(s.text, "batal") && step) {
		rc = talk_end(r, who->key);
		if (rc == 0)
			rc = say(&u, "Baik, laporan dibatalkan. Ketik *HALO* untuk memulai lagi.", NULL);
		goto out;
	}
	struct complaint_category_choice cats[LIST_MAX];
	if (!step) {
		const char *hello = who->name ? arena_printf(r->arena, "Halo %s! ", who->name) : "Halo! ";
		rc = ask_category(&u, arena_printf(r->arena, "%sIni layanan pengaduan Matur Bupati Kabupaten Purbalingga. "
						   "Kami akan menanyakan beberapa hal untuk mencatat pengaduan Anda. "
						   "Ketik *BATAL* kapan saja untuk berhenti, atau *cek NOMOR* untuk "
						   "melihat status pengaduan.", hello),
				  cats, complaint_categories_choose(r->db, r->arena, cats, LIST_MAX));
	} else if (strcmp(step, "category") == 0) {
		int n = complaint_categories_choose(r->db, r->arena, cats, LIST_MAX), pick = -1;
		if (n < 0) {
			rc = -1;
			goto out;
		}
		for (int i = 0; i < n && pick < 0; i++)
			if ((s.choice && strcmp(s.choice, cats[i].code) == 0) || (s.text && atoi(s.text) == i + 1))
				pick = i;
		if (pick < 0) {
			rc = ask_category(&u, "Pilih salah satu kategori dari daftar.", cats, n);
		} else {
			data_set(&u.t, "category", cats[pick].code);
			data_set(&u.t, "category_name", cats[pick].name);
			u.t.step = "description";
			rc = say(&u, arena_printf(r->arena, "Kategori: *%s*. Ceritakan masalahnya: apa yang terjadi, di mana, "
						  "dan sejak kapan.", cats[pick].name), NULL);
		}
	} else if (strcmp(step, "description") == 0) {
		if (!s.text || strlen(s.text) < 10) {
			rc = say(&u, "Mohon ceritakan dengan kalimat yang lebih lengkap (paling sedikit 10 huruf).", NULL);
		} else {
			data_set(&u.t, "description", s.text);
			u.t.step = "location";
			rc = say(&u, "Di mana lokasinya? Kirim lokasi (📎 → Lokasi) atau ketik nama desa/kelurahannya.", NULL);
		}
	} else if (strcmp(step, "location") == 0) {
		rc = on_location(&u, &s);
	} else if (strcmp(step, "village") == 0) {
		rc = on_village(&u, &s);
	} else if (strcmp(step, "privacy") == 0) {
		const char *pick = NULL;
		for (size_t i = 0; i < 3 && !pick; i++)
			if ((s.choice && strcmp(s.choice, privacy_ids[i]) == 0) || word_is(s.text, privacy_ids[i]))
				pick = privacy_ids[i];
		if (!pick) {
			rc = ask_privacy(&u);
		} else {
			data_set(&u.t, "privacy", pick);
			u.t.step = "photo";
			rc = say(&u, "Ada foto kejadiannya? Kirim satu foto, atau ketik *LEWATI*.", NULL);
		}
	} else if (strcmp(step, "photo") == 0) {
		if (s.image) {
			data_set(&u.t, "photo", s.image);
			rc = ask_confirm(&u);
		} else if (word_is(s.text, "lewati")) {
			rc = ask_confirm(&u);
		} else {
			rc = say(&u, "Kirim satu foto, atau ketik *LEWATI* bila tidak ada.", NULL);
		}
	} else {
		rc = on_confirm(&u, &s, photo);
	}
	if (rc == 0 && u.t.step)
		rc = talk_save(r, who->key, &u.t);
out:
	json_decref(u.t.data);
	return rc;
}
