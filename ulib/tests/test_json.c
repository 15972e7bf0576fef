// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rdmarpcctl's JSON writer: escaping and structure.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "harness.h"

/* json_write_string(s) into a fresh string (caller frees). */
static char *escaped(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_write_string(f, s);
	fclose(f);
	return buf;
}

#define EXPECT_ESC(in, out) do {					\
		char *_e = escaped(in);					\
		EXPECT_STREQ(_e, out);					\
		free(_e);						\
	} while (0)

TEST(json_escape)
{
	EXPECT_ESC("", "\"\"");
	EXPECT_ESC("rxe0", "\"rxe0\"");
	EXPECT_ESC("a\"b", "\"a\\\"b\"");
	EXPECT_ESC("a\\b", "\"a\\\\b\"");
	EXPECT_ESC("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
	EXPECT_ESC("\x01\x1f", "\"\\u0001\\u001f\"");
	EXPECT_ESC("\x7f", "\"\x7f\"");
	EXPECT_ESC("/", "\"/\"");
	/* Valid UTF-8 passes through: é, €, U+1F600. */
	EXPECT_ESC("\xc3\xa9", "\"\xc3\xa9\"");
	EXPECT_ESC("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	EXPECT_ESC("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
}

TEST(json_escape_invalid_utf8)
{
	EXPECT_ESC("\xff", "\"\\ufffd\"");
	EXPECT_ESC("a\x80z", "\"a\\ufffdz\"");
	EXPECT_ESC("\xc0\xaf", "\"\\ufffd\\ufffd\"");		/* overlong */
	EXPECT_ESC("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	EXPECT_ESC("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");	/* surrogate */
	EXPECT_ESC("\xf4\x90\x80\x80",
		  "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	EXPECT_ESC("\xe2\x82", "\"\\ufffd\\ufffd\"");	/* cut at the end */
	EXPECT_ESC("\xc3", "\"\\ufffd\"");
}

TEST(json_writer)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "dev");
	json_str(&j, "rx\"e0");
	json_key(&j, "port");
	json_u64(&j, 1);
	json_key(&j, "gid_index");
	json_s64(&j, -1);
	json_key(&j, "gids");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_obj_begin(&j);
	json_key(&j, "q");
	json_u64(&j, 18446744073709551615ULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_key(&j, "us");
	json_double(&j, 12.5);
	json_key(&j, "nan");
	json_double(&j, NAN);
	json_obj_end(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	fclose(f);
	EXPECT_STREQ(buf, "[{\"dev\":\"rx\\\"e0\",\"port\":1,\"gid_index\":-1,"
		     "\"gids\":[{},{\"q\":18446744073709551615}],"
		     "\"us\":12.500,\"nan\":null},{}]");
	free(buf);
}

/* The same objects pretty-printed: iproute2's `-j -p' layout. */
TEST(json_writer_pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init_pretty(&j, f, 1);
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "dev");
	json_str(&j, "rxe0");
	json_key(&j, "gids");
	json_arr_begin(&j);
	json_u64(&j, 1);
	json_u64(&j, 2);
	json_arr_end(&j);
	json_key(&j, "empty");
	json_obj_begin(&j);
	json_obj_end(&j);
	json_key(&j, "stats");
	json_obj_begin(&j);
	json_key(&j, "tx");
	json_u64(&j, 7);
	json_obj_end(&j);
	json_obj_end(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_end(&j);
	fclose(f);
	EXPECT_STREQ(buf, "[{\n"
		     "        \"dev\": \"rxe0\",\n"
		     "        \"gids\": [1,2],\n"
		     "        \"empty\": {},\n"
		     "        \"stats\": {\n"
		     "            \"tx\": 7\n"
		     "        }\n"
		     "    },{}\n"
		     "]");
	free(buf);

	/* Compact is unchanged by the pretty writer's bookkeeping. */
	buf = NULL;
	f = open_memstream(&buf, &len);
	json_init_pretty(&j, f, 0);
	json_obj_begin(&j);
	json_key(&j, "a");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_key(&j, "b");
	json_u64(&j, 1);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	fclose(f);
	EXPECT_STREQ(buf, "{\"a\":[{\"b\":1}]}");
	free(buf);
}
