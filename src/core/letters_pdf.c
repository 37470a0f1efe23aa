/* letters_pdf.c - a letter as an A4 PDF (libharu): the letterhead, the
 * number, the body blocks of the service's layout wrapped across as many
 * pages as they need, the signer block beside the verification QR, the
 * copies (tembusan) and "Halaman i dari n" on every page; and a layout read
 * from JSON, for templates kept as data (`pendopo letters issue`).
 *
 * A letter whose text Windows-1252 holds (nearly every Indonesian letter)
 * is set in the standard Helvetica, Arial's metrics, which a PDF names and
 * does not embed: it draws in ~2 ms into ~10 KB.  Embedding a TrueType font
 * costs 30-60 ms and ~190 KB per letter (libharu parses the whole font and
 * maps every code point for each document), so only a letter with another
 * character is drawn again, in UTF-8 with DejaVu embedded from
 * --letters-fonts (Debian's fonts-dejavu-core): every name prints as
 * written, never as '?'.
 */
#include "letters.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "pdf.h"
#include "strbuf.h"
#include "validate.h"

#define PAGE_W 595.28f		/* A4 in points */
#define PAGE_H 841.89f
#define MARGIN_L 70.0f
#define MARGIN_R 56.0f
#define MARGIN_T 48.0f
#define MARGIN_B 64.0f
#define BODY 11.0f		/* body font size */
#define LEAD 15.0f		/* body line height */
#define PAGES_MAX 64
#define QR_SIDE 92.0f

struct pen {
	struct app *app;
	struct arena *a;
	int unicode;		/* the fonts are DejaVu, in UTF-8 */
	int missing;		/* Helvetica lacked a character: draw again */
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Page pages[PAGES_MAX];
	int npages;
	HPDF_Font regular, bold;
	HPDF_Page font_page;	/* the font and size set last, and where */
	HPDF_Font font;
	float size;
	float y;
	int failed;
	HPDF_Page qr_page;	/* where signature() left room for the QR */
	float qr_y;
};

static void new_page(struct pen *p)
{
	if (p->npages == PAGES_MAX) {
		p->failed = 1;
		return;
	}
	p->page = HPDF_AddPage(p->pdf);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->pages[p->npages++] = p->page;
	p->y = PAGE_H - MARGIN_T;
}

/* Room for h points below the pen, on a new page if need be. */
static void ensure(struct pen *p, float h)
{
	if (p->y - h < MARGIN_B)
		new_page(p);
}

/* s as the pen's fonts take it. */
static const char *encoded(struct pen *p, const char *s)
{
	if (p->unicode)
		return s;
	const char *out = pdf_winansi(p->a, s, &p->missing);
	if (!out)
		p->failed = 1;
	return out ? out : "";
}

/* Measured on the font, not the page: setting the page's font to measure
 * wrote a font operator into the content stream for every word. */
static float width_of(struct pen *p, HPDF_Font font, float size, const char *s)
{
	s = encoded(p, s);
	HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s, (HPDF_UINT)strlen(s));
	return (float)tw.width * size / 1000.0f;
}

static void text_at(struct pen *p, HPDF_Font font, float size, float x, float y, const char *s)
{
	if (!s || !*s)
		return;
	s = encoded(p, s);
	/* Set only when it changes (it outlives a text object): libharu clears
	 * a 512-byte buffer byte by byte for every operator it writes. */
	if (p->font_page != p->page || p->font != font || p->size != size) {
		HPDF_Page_SetFontAndSize(p->page, font, size);
		p->font_page = p->page;
		p->font = font;
		p->size = size;
	}
	HPDF_Page_BeginText(p->page);
	HPDF_Page_TextOut(p->page, x, y, s);
	HPDF_Page_EndText(p->page);
}

static void centred(struct pen *p, HPDF_Font font, float size, float lead, const char *s)
{
	if (!s || !*s)
		return;
	ensure(p, lead);
	float w = width_of(p, font, size, s);
	p->y -= lead;
	text_at(p, font, size, MARGIN_L + (PAGE_W - MARGIN_L - MARGIN_R - w) / 2, p->y, s);
}

/* text wrapped at word boundaries into [x, x + width], a line at a time
 * (a '\n' breaks a line); a word wider than the line gets one of its own.
 * Each word is measured once: measuring maps every character to its glyph,
 * the costliest step of drawing a letter. */
static void wrap(struct pen *p, struct arena *a, HPDF_Font font, float size, float x, float width, const char *text)
{
	struct strbuf line;
	strbuf_init(&line, a, 256);
	float space = width_of(p, font, size, " "), used = 0;
	for (const char *s = text ? text : ""; ;) {
		size_t n = strcspn(s, " \n");
		char *word = arena_strndup(a, s, n);
		if (!word) {
			p->failed = 1;
			return;
		}
		float w = n ? width_of(p, font, size, word) : 0;
		if (line.len && n && used + space + w > width) {
			ensure(p, LEAD);
			p->y -= LEAD;
			text_at(p, font, size, x, p->y, line.buf);
			strbuf_reset(&line);
			used = 0;
		}
		if (line.len && n) {
			strbuf_addch(&line, ' ');
			used += space;
		}
		strbuf_add(&line, s, n);
		used += w;
		if (line.failed) {
			p->failed = 1;
			return;
		}
		s += n;
		if (*s == '\n' || !*s) {
			ensure(p, LEAD);
			p->y -= LEAD;
			text_at(p, font, size, x, p->y, line.buf);
			strbuf_reset(&line);
			used = 0;
			if (!*s)
				break;
		}
		s++;
	}
}

static const char *const months_id[] = { "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
					 "Agustus", "September", "Oktober", "November", "Desember" };

/* "7 Desember 2026", the WIB date of t. */
static const char *date_id(struct arena *a, time_t t)
{
	char ymd[11];
	int y, m;
	letters_wib_date(t, ymd, &y, &m);
	return arena_printf(a, "%d %s %d", (ymd[8] - '0') * 10 + (ymd[9] - '0'), months_id[m - 1], y);
}

static void letterhead(struct pen *p, const struct letter_layout *lay, const char *issuer_name)
{
	const struct config *cfg = &p->app->cfg;
	centred(p, p->bold, 14, 18, cfg->letterhead);
	centred(p, p->bold, 15, 19, lay->office ? lay->office : issuer_name);
	centred(p, p->regular, 9, 13, lay->address ? lay->address : cfg->letterhead_address);
	p->y -= 8;
	HPDF_Page_SetLineWidth(p->page, 2.2f);
	HPDF_Page_MoveTo(p->page, MARGIN_L, p->y);
	HPDF_Page_LineTo(p->page, PAGE_W - MARGIN_R, p->y);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	HPDF_Page_MoveTo(p->page, MARGIN_L, p->y - 3);
	HPDF_Page_LineTo(p->page, PAGE_W - MARGIN_R, p->y - 3);
	HPDF_Page_Stroke(p->page);
	p->y -= 14;
}

/* "Nomor : ..." and the like: a label column, a colon, the value wrapped. */
static void pair(struct pen *p, struct arena *a, float x, float label_w, const char *label, const char *value)
{
	ensure(p, LEAD);
	text_at(p, p->regular, BODY, x, p->y - LEAD, label);
	text_at(p, p->regular, BODY, x + label_w, p->y - LEAD, ":");
	wrap(p, a, p->regular, BODY, x + label_w + 10, PAGE_W - MARGIN_R - (x + label_w + 10), value ? value : "-");
}

static void block(struct pen *p, struct arena *a, const struct letter_block *b)
{
	float width = PAGE_W - MARGIN_L - MARGIN_R;
	if (b->heading) {
		ensure(p, 2 * LEAD);
		wrap(p, a, p->bold, BODY, MARGIN_L, width, b->heading);
	}
	switch (b->kind) {
	case LETTER_PARAGRAPH:
		wrap(p, a, p->regular, BODY, MARGIN_L, width, b->text);
		break;
	case LETTER_PAIRS:
		for (size_t i = 0; i < b->n; i++)
			pair(p, a, MARGIN_L + 18, 120, b->pairs[i].label, b->pairs[i].value);
		break;
	case LETTER_LIST:
		for (size_t i = 0; i < b->n; i++) {
			ensure(p, LEAD);
			text_at(p, p->regular, BODY, MARGIN_L, p->y - LEAD, arena_printf(a, "%zu.", i + 1));
			wrap(p, a, p->regular, BODY, MARGIN_L + 22, width - 22, b->items[i]);
		}
		break;
	}
	p->y -= LEAD / 2;
}

/* The place and date, the signer, and the QR to their left with what it
 * is; kept together on one page. */
static void signature(struct pen *p, struct arena *a, const struct letter_layout *lay, const struct letter *l,
		      time_t issued_at)
{
	ensure(p, QR_SIDE + 5 * LEAD);
	float x = PAGE_W / 2 + 20, top = p->y;
	const char *when = date_id(a, issued_at);
	text_at(p, p->regular, BODY, x, top - LEAD,
		lay->place ? arena_printf(a, "%s, %s", lay->place, when) : when);
	float y = top - LEAD;
	if (lay->signer_title) {
		p->y = y;
		wrap(p, a, p->bold, BODY, x, PAGE_W - MARGIN_R - x, lay->signer_title);
		y = p->y;
	}
	p->qr_page = p->page;
	p->qr_y = top - QR_SIDE - 4;
	y -= 3 * LEAD;
	text_at(p, p->bold, BODY, x, y, lay->signer_name);
	if (lay->signer_name) {
		float w = width_of(p, p->bold, BODY, lay->signer_name);
		HPDF_Page_SetLineWidth(p->page, 0.6f);
		HPDF_Page_MoveTo(p->page, x, y - 2);
		HPDF_Page_LineTo(p->page, x + w, y - 2);
		HPDF_Page_Stroke(p->page);
	}
	if (lay->signer_rank)
		text_at(p, p->regular, BODY, x, y -= LEAD, lay->signer_rank);
	if (lay->signer_nip)
		text_at(p, p->regular, BODY, x, y -= LEAD, arena_printf(a, "NIP. %s", lay->signer_nip));
	float qr_bottom = top - QR_SIDE - 4;
	p->y = (y < qr_bottom ? y : qr_bottom) - 4;
	/* What the QR is, under it. */
	const char *kind = strcmp(l->signature_kind, "bsre") == 0
		? "Ditandatangani secara elektronik dengan sertifikat BSrE."
		: "Ditandatangani secara elektronik (Ed25519); pindai QR untuk memeriksa keaslian.";
	wrap(p, a, p->regular, 7.5f, MARGIN_L, PAGE_W - MARGIN_L - MARGIN_R, kind);
	wrap(p, a, p->regular, 7.5f, MARGIN_L, PAGE_W - MARGIN_L - MARGIN_R, l->url);
	p->y -= LEAD / 2;
}

static void footer(struct pen *p, struct arena *a, const struct letter *l)
{
	for (int i = 0; i < p->npages; i++) {
		p->page = p->pages[i];
		const char *s = arena_printf(a, "Nomor %s · Halaman %d dari %d", l->number, i + 1, p->npages);
		float w = width_of(p, p->regular, 8, s);
		text_at(p, p->regular, 8, PAGE_W - MARGIN_R - w, MARGIN_B - 30, s);
	}
}

static HPDF_Font font_load(struct pen *p, struct arena *a, const char *file)
{
	const char *dir = p->app->cfg.letters_fonts ? p->app->cfg.letters_fonts : "/usr/share/fonts/truetype/dejavu";
	const char *name = HPDF_LoadTTFontFromFile(p->pdf, arena_printf(a, "%s/%s", dir, file), HPDF_TRUE);
	return name ? HPDF_GetFont(p->pdf, name, "UTF-8") : NULL;
}

static unsigned char *draw(struct app *app, struct arena *a, const struct letter *l,
			   const struct letter_layout *lay, const char *issuer_name, time_t issued_at, int unicode,
			   int *missing, size_t *len)
{
	HPDF_STATUS err;
	struct pen p = { .app = app, .a = a, .unicode = unicode, .pdf = pdf_new(&err) };
	unsigned char *out = NULL;
	*missing = 0;
	if (!p.pdf)
		return NULL;
	if (unicode) {
		HPDF_UseUTFEncodings(p.pdf);
		HPDF_SetCurrentEncoder(p.pdf, "UTF-8");
		p.regular = font_load(&p, a, "DejaVuSans.ttf");
		p.bold = font_load(&p, a, "DejaVuSans-Bold.ttf");
	} else {
		/* The content stream left uncompressed: deflating its ~4 KB cost
		 * 0.4 M instructions, 9 % of drawing, for 2.6 KB less to send. */
		HPDF_SetCompressionMode(p.pdf, HPDF_COMP_IMAGE);
		p.regular = HPDF_GetFont(p.pdf, "Helvetica", "WinAnsiEncoding");
		p.bold = HPDF_GetFont(p.pdf, "Helvetica-Bold", "WinAnsiEncoding");
	}
	if (!p.regular || !p.bold || err != HPDF_OK)
		goto done;
	HPDF_SetInfoAttr(p.pdf, HPDF_INFO_CREATOR, "Pendopo");
	HPDF_SetInfoAttr(p.pdf, HPDF_INFO_TITLE, l->number);
	new_page(&p);

	letterhead(&p, lay, issuer_name ? issuer_name : "");
	if (lay->title) {
		centred(&p, p.bold, 12, LEAD + 4, lay->title);
		centred(&p, p.regular, BODY, LEAD, arena_printf(a, "Nomor: %s", l->number));
		p.y -= LEAD;
	} else {
		pair(&p, a, MARGIN_L, 60, "Nomor", l->number);
		if (lay->sifat)
			pair(&p, a, MARGIN_L, 60, "Sifat", lay->sifat);
		if (lay->lampiran)
			pair(&p, a, MARGIN_L, 60, "Lampiran", lay->lampiran);
		if (lay->hal)
			pair(&p, a, MARGIN_L, 60, "Hal", lay->hal);
		p.y -= LEAD / 2;
	}
	if (lay->naddressees) {
		wrap(&p, a, p.regular, BODY, MARGIN_L, 300, "Kepada Yth.");
		for (size_t i = 0; i < lay->naddressees; i++)
			wrap(&p, a, p.regular, BODY, MARGIN_L, 300, lay->addressees[i]);
		p.y -= LEAD / 2;
	}
	for (size_t i = 0; i < lay->nblocks; i++)
		block(&p, a, &lay->blocks[i]);
	signature(&p, a, lay, l, issued_at);
	if (lay->ncopies) {
		wrap(&p, a, p.regular, 9, MARGIN_L, 300, "Tembusan:");
		for (size_t i = 0; i < lay->ncopies; i++)
			wrap(&p, a, p.regular, 9, MARGIN_L, PAGE_W - MARGIN_L - MARGIN_R,
			     arena_printf(a, "%zu. %s", i + 1, lay->copies[i]));
	}
	footer(&p, a, l);
	*missing = p.missing;
	/* The QR last, and only into a document that will be saved: libharu
	 * 2.3 frees a 1-bit image's CCITT parameters when it writes the image,
	 * so a document freed unsaved (Helvetica lacked a character) leaks them. */
	if (!p.failed && !p.missing && err == HPDF_OK &&
	    pdf_draw_qr(p.pdf, p.qr_page, l->qr, MARGIN_L, p.qr_y, QR_SIDE) == 0)
		out = pdf_bytes(a, p.pdf, len);
done:
	HPDF_Free(p.pdf);
	return out;
}

unsigned char *letter_render(struct app *app, struct arena *a, const struct letter *l,
			     const struct letter_layout *lay, const char *issuer_name, time_t issued_at, size_t *len)
{
	int missing = 0;
	unsigned char *out = draw(app, a, l, lay, issuer_name, issued_at, 0, &missing, len);
	return missing ? draw(app, a, l, lay, issuer_name, issued_at, 1, &missing, len) : out;
}

/* ---- a layout from JSON ------------------------------------------------------------ */

static const char *str(struct arena *a, const json_t *j, const char *key)
{
	const json_t *v = json_object_get(j, key);
	return json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
}

/* An array of strings into a; -1 when it is something else. */
static int strings(struct arena *a, const json_t *j, const char *key, const char *const **out, size_t *n)
{
	const json_t *arr = json_object_get(j, key);
	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return -1;
	const char **v = arena_alloc(a, (json_array_size(arr) + 1) * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *s = json_array_get(arr, i);
		if (!json_is_string(s))
			return -1;
		v[i] = arena_strdup(a, json_string_value(s));
	}
	*out = v;
	*n = json_array_size(arr);
	return 0;
}

static int block_from_json(struct arena *a, const json_t *j, struct letter_block *b)
{
	if (!json_is_object(j))
		return -1;
	b->heading = str(a, j, "heading");
	const json_t *pairs = json_object_get(j, "pairs");
	if (json_object_get(j, "text")) {
		b->kind = LETTER_PARAGRAPH;
		b->text = str(a, j, "text");
		return b->text ? 0 : -1;
	}
	if (json_object_get(j, "items")) {
		b->kind = LETTER_LIST;
		return strings(a, j, "items", &b->items, &b->n);
	}
	if (!json_is_array(pairs))
		return -1;
	b->kind = LETTER_PAIRS;
	struct letter_pair *v = arena_alloc(a, (json_array_size(pairs) + 1) * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < json_array_size(pairs); i++) {
		const json_t *pr = json_array_get(pairs, i);
		if (!json_is_array(pr) || json_array_size(pr) != 2 || !json_is_string(json_array_get(pr, 0)) ||
		    !json_is_string(json_array_get(pr, 1)))
			return -1;
		v[i].label = arena_strdup(a, json_string_value(json_array_get(pr, 0)));
		v[i].value = arena_strdup(a, json_string_value(json_array_get(pr, 1)));
	}
	b->pairs = v;
	b->n = json_array_size(pairs);
	return 0;
}

int letter_layout_from_json(struct arena *a, const json_t *j, struct letter_layout *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	const json_t *signer = json_object_get(j, "signer"), *blocks = json_object_get(j, "blocks");
	*why = "layout: an object with office, address, title, place, sifat, lampiran, hal (strings), addressees "
	       "and copies (arrays of strings), blocks (array of {heading?, text | items | pairs}) and signer "
	       "{title, name, rank, nip}";
	if (!json_is_object(j) || (signer && !json_is_object(signer)) || (blocks && !json_is_array(blocks)))
		return LETTERS_INVALID;
	out->office = str(a, j, "office");
	out->address = str(a, j, "address");
	out->title = str(a, j, "title");
	out->place = str(a, j, "place");
	out->sifat = str(a, j, "sifat");
	out->lampiran = str(a, j, "lampiran");
	out->hal = str(a, j, "hal");
	out->signer_title = str(a, signer, "title");
	out->signer_name = str(a, signer, "name");
	out->signer_rank = str(a, signer, "rank");
	out->signer_nip = str(a, signer, "nip");
	if (strings(a, j, "addressees", &out->addressees, &out->naddressees) != 0 ||
	    strings(a, j, "copies", &out->copies, &out->ncopies) != 0)
		return LETTERS_INVALID;
	size_t n = json_array_size(blocks);
	struct letter_block *b = arena_alloc(a, (n + 1) * sizeof(*b));
	if (!b)
		return LETTERS_INVALID;
	memset(b, 0, (n + 1) * sizeof(*b));
	for (size_t i = 0; i < n; i++)
		if (block_from_json(a, json_array_get(blocks, i), &b[i]) != 0)
			return LETTERS_INVALID;
	out->blocks = b;
	out->nblocks = n;
	*why = NULL;
	return LETTERS_OK;
}

/* The layout is written as text, not built as a jansson tree and dumped:
 * the tree cost an issuance 0.22 M instructions.  A string that is not
 * UTF-8 is left out, as json_string() left it out. */
static void put_str(struct strbuf *sb, const char *key, const char *v)
{
	if (!v || !utf8_valid(v))
		return;
	if (sb->len > 1)
		strbuf_addch(sb, ',');
	strbuf_add_json_string(sb, key);
	strbuf_addch(sb, ':');
	strbuf_add_json_string(sb, v);
}

static void put_strings(struct strbuf *sb, const char *key, const char *const *v, size_t n)
{
	if (sb->len > 1)
		strbuf_addch(sb, ',');
	strbuf_addf(sb, "\"%s\":[", key);
	size_t start = sb->len;
	for (size_t i = 0; i < n; i++) {
		if (!v[i] || !utf8_valid(v[i]))
			continue;
		if (sb->len > start)
			strbuf_addch(sb, ',');
		strbuf_add_json_string(sb, v[i]);
	}
	strbuf_addch(sb, ']');
}

/* An object's members into sb, as {...}: put_str() and put_strings() see
 * it as empty while only its brace is there. */
static void block_text(struct strbuf *sb, struct arena *a, const struct letter_block *b)
{
	struct strbuf o;
	strbuf_init(&o, a, 256);
	strbuf_addch(&o, '{');
	put_str(&o, "heading", b->heading);
	if (b->kind == LETTER_PARAGRAPH) {
		put_str(&o, "text", b->text ? b->text : "");
	} else if (b->kind == LETTER_LIST) {
		put_strings(&o, "items", b->items, b->n);
	} else {
		if (o.len > 1)
			strbuf_addch(&o, ',');
		strbuf_addstr(&o, "\"pairs\":[");
		for (size_t k = 0; k < b->n; k++) {
			const char *label = b->pairs[k].label ? b->pairs[k].label : "";
			const char *value = b->pairs[k].value ? b->pairs[k].value : "";
			if (!utf8_valid(label) || !utf8_valid(value))
				continue;
			if (o.buf[o.len - 1] != '[')
				strbuf_addch(&o, ',');
			strbuf_addch(&o, '[');
			strbuf_add_json_string(&o, label);
			strbuf_addch(&o, ',');
			strbuf_add_json_string(&o, value);
			strbuf_addch(&o, ']');
		}
		strbuf_addch(&o, ']');
	}
	strbuf_addch(&o, '}');
	if (o.failed)
		sb->failed = true;
	strbuf_add(sb, o.buf, o.len);
}

char *letter_layout_text(struct arena *a, const struct letter_layout *l)
{
	struct strbuf sb, signer;
	strbuf_init(&sb, a, 2048);
	strbuf_addch(&sb, '{');
	put_str(&sb, "office", l->office);
	put_str(&sb, "address", l->address);
	put_str(&sb, "title", l->title);
	put_str(&sb, "place", l->place);
	put_str(&sb, "sifat", l->sifat);
	put_str(&sb, "lampiran", l->lampiran);
	put_str(&sb, "hal", l->hal);
	put_strings(&sb, "addressees", l->addressees, l->naddressees);
	put_strings(&sb, "copies", l->copies, l->ncopies);
	strbuf_addstr(&sb, ",\"blocks\":[");
	for (size_t i = 0; i < l->nblocks; i++) {
		if (i)
			strbuf_addch(&sb, ',');
		block_text(&sb, a, &l->blocks[i]);
	}
	strbuf_addstr(&sb, "],\"signer\":");
	strbuf_init(&signer, a, 256);
	strbuf_addch(&signer, '{');
	put_str(&signer, "title", l->signer_title);
	put_str(&signer, "name", l->signer_name);
	put_str(&signer, "rank", l->signer_rank);
	put_str(&signer, "nip", l->signer_nip);
	strbuf_addch(&signer, '}');
	strbuf_add(&sb, signer.buf, signer.len);
	strbuf_addch(&sb, '}');
	return sb.failed || signer.failed ? NULL : sb.buf;
}
