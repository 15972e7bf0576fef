// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming JSON writer for rdmarpcctl -j.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;	/* overlong, out of range, or a surrogate */
	return n;
}

void json_write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':  fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		}
		if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (!n) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
	fputc('"', f);
}

void json_init_pretty(struct json *j, FILE *f, int pretty)
{
	j->f = f;
	j->need_comma = 0;
	j->pretty = pretty;
	j->depth = 0;
	j->broke = 0;
}

void json_init(struct json *j, FILE *f)
{
	json_init_pretty(j, f, 0);
}

static void sep(struct json *j)
{
	if (j->need_comma)
		fputc(',', j->f);
	j->need_comma = 0;
}

/* Pretty: a new line, indented to the current depth. */
static void newline(struct json *j)
{
	unsigned int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth && i < JSON_MAX_DEPTH; i++)
		fputs("    ", j->f);
	if (j->depth < JSON_MAX_DEPTH)
		j->broke |= 1U << j->depth;
}

static void begin(struct json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	j->depth++;
	if (j->depth < JSON_MAX_DEPTH)
		j->broke &= ~(1U << j->depth);
}

static void end(struct json *j, char c)
{
	int broke = j->depth < JSON_MAX_DEPTH &&
		    (j->broke & (1U << j->depth));

	if (j->depth)
		j->depth--;
	if (j->pretty && broke)
		newline(j);
	fputc(c, j->f);
	j->need_comma = 1;
}

void json_obj_begin(struct json *j)
{
	begin(j, '{');
}

void json_obj_end(struct json *j)
{
	end(j, '}');
}

void json_arr_begin(struct json *j)
{
	begin(j, '[');
}

void json_arr_end(struct json *j)
{
	end(j, ']');
}

void json_key(struct json *j, const char *key)
{
	sep(j);
	if (j->pretty)
		newline(j);
	json_write_string(j->f, key);
	fputc(':', j->f);
	if (j->pretty)
		fputc(' ', j->f);
}

void json_str(struct json *j, const char *s)
{
	sep(j);
	json_write_string(j->f, s);
	j->need_comma = 1;
}

void json_u64(struct json *j, uint64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRIu64, v);
	j->need_comma = 1;
}

void json_s64(struct json *j, int64_t v)
{
	sep(j);
	fprintf(j->f, "%" PRId64, v);
	j->need_comma = 1;
}

void json_double(struct json *j, double v)
{
	sep(j);
	if (isfinite(v))
		fprintf(j->f, "%.3f", v);
	else
		fputs("null", j->f);	/* JSON has no inf/nan */
	j->need_comma = 1;
}
