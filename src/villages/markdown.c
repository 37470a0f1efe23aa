/* markdown.c - village news is written in Markdown and rendered once, on
 * save, by cmark (CommonMark's reference library).  Its default mode is
 * the safe one: raw HTML blocks and inline HTML are left out, and links or
 * images whose URL is javascript:, vbscript:, file: or data: (but for
 * images of a few raster types) lose their URL, so no script, no event
 * attribute and no scripted link reaches a reader's page.  Never
 * CMARK_OPT_UNSAFE.
 */
#include "internal.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

const char *markdown_html(struct arena *a, const char *md)
{
	char *html = cmark_markdown_to_html(md, strlen(md), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
	if (!html)
		return NULL;
	const char *out = arena_strdup(a, html);
	free(html);
	return out;
}
