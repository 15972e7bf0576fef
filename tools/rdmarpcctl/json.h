/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal streaming JSON writer: commas are placed automatically, strings
 * are escaped (control characters, quotes, backslashes; invalid UTF-8
 * becomes U+FFFD so the output is always valid JSON).  Compact by default;
 * pretty as iproute2's `-j -p' prints: each key on a line of its own,
 * indented four spaces per level of nesting, "key": value, a container
 * closed on a line of its own when it broke lines, arrays of plain values
 * on one line.
 */
#ifndef RDMARPCCTL_JSON_H
#define RDMARPCCTL_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	32	/* deeper is written, but not indented */

struct json {
	FILE *f;
	int need_comma;
	int pretty;
	unsigned int depth;
	uint32_t broke;		/* bit d: the container at depth d broke lines */
};

void json_init(struct json *j, FILE *f);
/* The same, pretty-printed if @pretty. */
void json_init_pretty(struct json *j, FILE *f, int pretty);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_u64(struct json *j, uint64_t v);
void json_s64(struct json *j, int64_t v);
void json_double(struct json *j, double v);

/* Write s as a quoted, escaped JSON string. */
void json_write_string(FILE *f, const char *s);

#endif /* RDMARPCCTL_JSON_H */
