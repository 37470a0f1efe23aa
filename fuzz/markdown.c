/* markdown.c - fuzz target: a village's news in Markdown, rendered to the
 * HTML the public page shows.  Safe mode must hold: no raw tag from the
 * input survives (cmark writes "<!-- raw HTML omitted -->" instead), so
 * no "<script" and no "javascript:" link. */
#include "fuzz.h"
#include "villages/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(8192);
	if (!a)
		abort();
	const char *html = markdown_html(a, fuzz_string(a, data, size));
	if (html && (strcasestr(html, "<script") || strcasestr(html, "href=\"javascript:") ||
		     strcasestr(html, "src=\"javascript:")))
		abort();
	arena_free(a);
	return 0;
}
