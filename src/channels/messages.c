/* messages.c - the wording of notices by email, WhatsApp and SMS: per service
 * and event, in Indonesian, or English for a reader who chose it.
 *
 * A notice carries facts (topic, object, link), never prose, so the words
 * live here once; the reference (the tracking number) comes from the
 * object.  Replies of the WhatsApp intake carry their own text.
 */
#include "internal.h"

#include <jansson.h>
#include <string.h>

#include "outbox.h"
#include "strbuf.h"

struct wording {
	const char *topic;	/* "complaint.answered", or "complaint." for the service's other events */
	const char *id_subject, *id_line;
	const char *en_subject, *en_line;
};

/* %s is the reference. */
static const struct wording wordings[] = {
	{ "complaint.submitted", "Pengaduan %s diterima",
	  "Pengaduan Anda sudah kami terima dengan nomor %s. Simpan nomor ini untuk memantau tindak lanjutnya.",
	  "Complaint %s received",
	  "We have received your complaint under number %s. Keep this number to follow it up." },
	{ "complaint.dispositioned", "Pengaduan %s diteruskan ke perangkat daerah",
	  "Pengaduan %s sudah diverifikasi dan diteruskan ke perangkat daerah yang menanganinya.",
	  "Complaint %s handed to an agency", "Complaint %s was verified and handed to the agency that handles it." },
	{ "complaint.forwarded", "Pengaduan %s dialihkan",
	  "Pengaduan %s dialihkan ke perangkat daerah lain yang berwenang.",
	  "Complaint %s transferred", "Complaint %s was transferred to another agency in charge." },
	{ "complaint.answered", "Pengaduan %s sudah dijawab",
	  "Pengaduan %s sudah dijawab. Silakan baca jawabannya dan beri penilaian.",
	  "Complaint %s answered", "Complaint %s has been answered. Please read the answer and rate it." },
	{ "complaint.rejected", "Pengaduan %s tidak dapat diproses",
	  "Pengaduan %s tidak dapat diproses. Alasannya dapat Anda lihat pada halaman pengaduan.",
	  "Complaint %s not taken up", "Complaint %s cannot be taken up. The reason is on the complaint's page." },
	{ "complaint.closed", "Pengaduan %s selesai", "Pengaduan %s sudah selesai. Terima kasih atas laporan Anda.",
	  "Complaint %s closed", "Complaint %s is closed. Thank you for your report." },
	{ "complaint.reopened", "Pengaduan %s dibuka kembali", "Pengaduan %s dibuka kembali untuk ditindaklanjuti.",
	  "Complaint %s reopened", "Complaint %s was reopened for follow-up." },
	{ "complaint.message", "Pesan baru pada pengaduan %s", "Ada pesan baru pada pengaduan %s.",
	  "New message on complaint %s", "There is a new message on complaint %s." },
	{ "complaint.overdue", "Pengaduan %s melewati tenggat", "Pengaduan %s melewati tenggat penanganan.",
	  "Complaint %s overdue", "Complaint %s is past its due date." },
	{ "complaint.followed", "Pengaduan %s yang Anda ikuti diperbarui",
	  "Ada perkembangan pada pengaduan %s yang Anda ikuti. Lihat halaman pengaduan untuk keadaannya sekarang.",
	  "Complaint %s you follow updated",
	  "There is news on complaint %s, which you follow. Its page shows where it stands now." },
	{ "complaint.", "Pengaduan %s diperbarui", "Ada perkembangan pada pengaduan %s.",
	  "Complaint %s updated", "There is news on complaint %s." },
	{ "permit.", "Izin penelitian %s diperbarui", "Ada perkembangan pada permohonan izin penelitian %s.",
	  "Research permit %s updated", "There is news on research permit application %s." },
	{ "survey.", "Bagaimana layanan kami?",
	  "Mohon luangkan satu menit untuk menilai layanan %s. Penilaian Anda tanpa nama.",
	  "How did we do?", "Please take a minute to rate the service for %s. Your answer is anonymous." },
	{ "", "Pemberitahuan Pendopo", "Ada pemberitahuan baru untuk Anda (%s).",
	  "Pendopo notice", "There is a new notice for you (%s)." },
};

static const struct wording *wording_for(const char *topic)
{
	for (size_t i = 0; i < sizeof(wordings) / sizeof(wordings[0]); i++) {
		const char *t = wordings[i].topic;
		size_t n = strlen(t);
		if (n && t[n - 1] != '.' ? strcmp(topic, t) == 0 : strncmp(topic, t, n) == 0)
			return &wordings[i];
	}
	return &wordings[sizeof(wordings) / sizeof(wordings[0]) - 1];
}

static int reply_compose(struct arena *a, const struct outbox_item *it, struct message *m)
{
	json_t *d = json_loads(it->data, 0, NULL);
	const char *text = json_string_value(json_object_get(d, "text"));
	json_t *list = json_object_get(d, "list");
	m->text = text ? arena_strdup(a, text) : NULL;
	m->list = json_is_object(list) ? arena_json_dumps(a, list, JSON_COMPACT) : NULL;
	json_decref(d);
	return m->text ? 0 : -1;
}

/* A one-time code: the subject carries it too, since outside WhatsApp's
 * 24 hours the template sends the subject alone. */
static int code_compose(struct arena *a, const struct outbox_item *it, struct message *m)
{
	json_t *d = json_loads(it->data, 0, NULL);
	const char *code = json_string_value(json_object_get(d, "code"));
	int en = strcmp(m->lang, "en") == 0;
	if (code) {
		m->code = arena_strdup(a, code);
		m->subject = arena_printf(a, en ? "Pendopo login code: %s" : "Kode masuk Pendopo: %s", code);
		m->text = arena_printf(a, en ? "%s is your Pendopo login code. It is valid for 5 minutes. Never give it "
					       "to anyone, including our staff."
					     : "%s adalah kode masuk Pendopo Anda. Berlaku 5 menit. Jangan berikan kode "
					       "ini kepada siapa pun, termasuk petugas kami.", code);
	}
	json_decref(d);
	return code ? 0 : -1;
}

int message_compose(struct arena *a, const char *base_url, const struct outbox_item *it, const char *channel,
		    struct message *m)
{
	m->lang = it->lang && strcmp(it->lang, "en") == 0 ? "en" : "id";
	if (strcmp(it->topic, "whatsapp.reply") == 0)
		return reply_compose(a, it, m);
	if (strcmp(it->topic, OUTBOX_TOPIC_CODE) == 0)
		return code_compose(a, it, m);
	const struct wording *w = wording_for(it->topic);
	int en = strcmp(m->lang, "en") == 0;
	const char *colon = strchr(it->object, ':');
	const char *ref = colon ? colon + 1 : it->object;
	const char *line = arena_printf(a, en ? w->en_line : w->id_line, ref);
	const char *url = it->link ? arena_printf(a, "%s%s", base_url ? base_url : "", it->link) : NULL;
	const char *open = en ? "Open" : "Buka";
	m->subject = arena_printf(a, en ? w->en_subject : w->id_subject, ref);
	if (strcmp(channel, CH_WHATSAPP) == 0 || strcmp(channel, CH_SMS) == 0) {
		m->text = url ? arena_printf(a, "%s\n%s: %s", line, open, url) : line;
		return 0;
	}
	const char *sign = en ? "Pendopo - public services of the regency" : "Pendopo - layanan publik kabupaten";
	m->text = url ? arena_printf(a, "%s\n\n%s: %s\n\n-- \n%s\n", line, open, url, sign)
		      : arena_printf(a, "%s\n\n-- \n%s\n", line, sign);
	struct strbuf sb;
	strbuf_init(&sb, a, 512);
	strbuf_addf(&sb, "<!doctype html><html lang=\"%s\"><body style=\"font-family:sans-serif\"><p>", m->lang);
	strbuf_add_markup(&sb, line);
	strbuf_addstr(&sb, "</p>");
	if (url) {
		strbuf_addstr(&sb, "<p><a href=\"");
		strbuf_add_markup(&sb, url);
		strbuf_addstr(&sb, "\">");
		strbuf_addstr(&sb, open);
		strbuf_addstr(&sb, "</a></p>");
	}
	strbuf_addstr(&sb, "<p style=\"color:#555\">");
	strbuf_add_markup(&sb, sign);
	strbuf_addstr(&sb, "</p></body></html>\n");
	m->html = sb.failed ? NULL : sb.buf;
	return m->html ? 0 : -1;
}

const char *message_summary(const struct message *m)
{
	return m->subject ? m->subject : m->text;
}
