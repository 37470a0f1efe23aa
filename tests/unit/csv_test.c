/* csv_test.c - the RFC 4180 reader: quoting, line endings, errors, lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* The reader works in place and may write one byte past the text, so each
 * test parses a private copy with that byte to spare. */
struct input {
	char *buf;
	struct csv c;
};

static void input_open(struct input *in, const char *text)
{
	size_t len = strlen(text);
	in->buf = malloc(len + 1);
	assert_non_null(in->buf);
	memcpy(in->buf, text, len);
	in->buf[len] = 'X';	/* not a NUL, so a missing terminator shows */
	csv_init(&in->c, in->buf, len);
}

static void expect_record(struct input *in, long line, int n, const char *const *want)
{
	char *f[8];
	assert_int_equal(csv_next(&in->c, f, 8), n);
	assert_int_equal(in->c.line, line);
	for (int i = 0; i < n; i++)
		assert_string_equal(f[i], want[i]);
}

static void simple_lf(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "kode,nama\n33,Jawa Tengah\n");
	expect_record(&in, 1, 2, (const char *[]){ "kode", "nama" });
	expect_record(&in, 2, 2, (const char *[]){ "33", "Jawa Tengah" });
	char *f[2];
	assert_int_equal(csv_next(&in.c, f, 2), CSV_END);
	free(in.buf);
}

static void crlf_and_no_final_newline(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "a,b\r\nc,d\r\ne,f");
	expect_record(&in, 1, 2, (const char *[]){ "a", "b" });
	expect_record(&in, 2, 2, (const char *[]){ "c", "d" });
	expect_record(&in, 3, 2, (const char *[]){ "e", "f" });
	char *f[2];
	assert_int_equal(csv_next(&in.c, f, 2), CSV_END);
	free(in.buf);
}

static void cr_at_end_of_file(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "a,b\r");
	expect_record(&in, 1, 2, (const char *[]){ "a", "b" });
	char *f[2];
	assert_int_equal(csv_next(&in.c, f, 2), CSV_END);
	free(in.buf);
}

static void quoted_commas_and_quotes(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "12.07.28.1007,\"Lubuk Pakam I,II\"\r\n"
			"x,\"say \"\"hi\"\"\",\"\"\r\n"
			"\"a\",b\r\n");
	expect_record(&in, 1, 2, (const char *[]){ "12.07.28.1007", "Lubuk Pakam I,II" });
	expect_record(&in, 2, 3, (const char *[]){ "x", "say \"hi\"", "" });
	expect_record(&in, 3, 2, (const char *[]){ "a", "b" });
	free(in.buf);
}

static void quoted_last_field_without_newline(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "1,\"Lambang Sari I, II, III\"");
	expect_record(&in, 1, 2, (const char *[]){ "1", "Lambang Sari I, II, III" });
	char *f[2];
	assert_int_equal(csv_next(&in.c, f, 2), CSV_END);
	free(in.buf);
}

static void line_break_inside_quotes_counts_lines(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "1,\"two\nlines\"\n2,after\n");
	expect_record(&in, 1, 2, (const char *[]){ "1", "two\nlines" });
	expect_record(&in, 3, 2, (const char *[]){ "2", "after" });
	free(in.buf);
}

static void empty_fields_and_lines(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, ",\n\na,");
	expect_record(&in, 1, 2, (const char *[]){ "", "" });
	expect_record(&in, 2, 1, (const char *[]){ "" });
	expect_record(&in, 3, 2, (const char *[]){ "a", "" });
	free(in.buf);
}

static void bom_skipped(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "\xef\xbb\xbfkode,nama\n");
	expect_record(&in, 1, 2, (const char *[]){ "kode", "nama" });
	free(in.buf);
}

static void stray_quote_in_unquoted_field_is_text(void **state)
{
	(void)state;
	struct input in;
	input_open(&in, "Pasi Kuala Ba'u,5\"7\n");
	expect_record(&in, 1, 2, (const char *[]){ "Pasi Kuala Ba'u", "5\"7" });
	free(in.buf);
}

static void unterminated_quote(void **state)
{
	(void)state;
	struct input in;
	char *f[4];
	input_open(&in, "a,b\nc,\"open\nd,e\n");
	assert_int_equal(csv_next(&in.c, f, 4), 2);
	assert_int_equal(csv_next(&in.c, f, 4), CSV_EQUOTE);
	assert_int_equal(in.c.line, 2);
	free(in.buf);
}

static void text_after_closing_quote(void **state)
{
	(void)state;
	struct input in;
	char *f[4];
	input_open(&in, "\"a\"b,c\n");
	assert_int_equal(csv_next(&in.c, f, 4), CSV_EQUOTE);
	assert_int_equal(in.c.line, 1);
	free(in.buf);
}

static void too_many_fields(void **state)
{
	(void)state;
	struct input in;
	char *f[2];
	input_open(&in, "a,b\n1,2,3\n");
	assert_int_equal(csv_next(&in.c, f, 2), 2);
	assert_int_equal(csv_next(&in.c, f, 2), CSV_EFIELDS);
	assert_int_equal(in.c.line, 2);
	free(in.buf);
}

static void empty_input(void **state)
{
	(void)state;
	struct input in;
	char *f[2];
	input_open(&in, "");
	assert_int_equal(csv_next(&in.c, f, 2), CSV_END);
	free(in.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_lf),
		cmocka_unit_test(crlf_and_no_final_newline),
		cmocka_unit_test(cr_at_end_of_file),
		cmocka_unit_test(quoted_commas_and_quotes),
		cmocka_unit_test(quoted_last_field_without_newline),
		cmocka_unit_test(line_break_inside_quotes_counts_lines),
		cmocka_unit_test(empty_fields_and_lines),
		cmocka_unit_test(bom_skipped),
		cmocka_unit_test(stray_quote_in_unquoted_field_is_text),
		cmocka_unit_test(unterminated_quote),
		cmocka_unit_test(text_after_closing_quote),
		cmocka_unit_test(too_many_fields),
		cmocka_unit_test(empty_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
