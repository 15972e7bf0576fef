// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters as rdmarpcctl shows and takes them, made from the
 * ABI's table (rdmarpc_params.h).  Pure functions over struct
 * rdmarpc_params (host unit tests run them).
 *
 * A value reads as a number of the row's type, but for three forms:
 * BOOL is "on" or "off" (set also takes 1 and 0); a range of
 * 0..RDMARPC_PPM is a probability, "Nppm" (set also takes 0.05, 5% and a
 * bare N); gid_index -1 is "auto".  JSON gives plain numbers.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

const struct ctl_param ctl_params[] = {
#define RDMARPC_PARAM(ATTR, pname, ptype, pmode, pdef, pmin, pmax, pzero, ...) \
	{								\
		.name = #pname,						\
		.attr = RDMARPC_PARAM_A_##ATTR,				\
		.type = RDMARPC_PARAM_##ptype,				\
		.off = offsetof(struct rdmarpc_params, pname),		\
		.min = pmin,						\
		.max = pmax,						\
		.def = pdef,						\
		.zero_off = pzero,					\
	},
#include <rdmarpc_params.h>
};

_Static_assert(CTL_N(ctl_params) == CTL_N_PARAMS, "a row per attribute");

enum form { NUMBER, ONOFF, PPM, AUTO };

static enum form form_of(const struct ctl_param *c)
{
	if (c->type == RDMARPC_PARAM_BOOL)
		return ONOFF;
	if (c->type == RDMARPC_PARAM_U32 && c->min == 0 &&
	    c->max == RDMARPC_PPM)
		return PPM;
	if (c->attr == RDMARPC_PARAM_A_GID_INDEX)
		return AUTO;
	return NUMBER;
}

const struct ctl_param *ctl_param_find(const char *name)
{
	size_t k;

	for (k = 0; k < CTL_N_PARAMS; k++)
		if (!strcmp(ctl_params[k].name, name))
			return &ctl_params[k];
	return NULL;
}

/*
 * The field of @c in @p, of the row's type (librdmarpc does not build
 * unless each field has its row's type).
 */
int64_t ctl_param_value(const struct rdmarpc_params *p,
			const struct ctl_param *c)
{
	const unsigned char *f = (const unsigned char *)p + c->off;
	uint32_t u32;
	int32_t s32;
	uint16_t u16;
	uint8_t u8;

	switch (c->type) {
	case RDMARPC_PARAM_S32:
		memcpy(&s32, f, sizeof(s32));
		return s32;
	case RDMARPC_PARAM_U16:
		memcpy(&u16, f, sizeof(u16));
		return u16;
	case RDMARPC_PARAM_BOOL:
		memcpy(&u8, f, sizeof(u8));
		return u8;
	default:
		memcpy(&u32, f, sizeof(u32));
		return u32;
	}
}

/* Store @v, which fits the row's type, and flag it present. */
static void param_store(struct rdmarpc_params *p, const struct ctl_param *c,
			int64_t v)
{
	unsigned char *f = (unsigned char *)p + c->off;
	uint32_t u32 = (uint32_t)v;
	int32_t s32 = (int32_t)v;
	uint16_t u16 = (uint16_t)v;
	uint8_t u8 = (uint8_t)v;

	switch (c->type) {
	case RDMARPC_PARAM_S32:
		memcpy(f, &s32, sizeof(s32));
		break;
	case RDMARPC_PARAM_U16:
		memcpy(f, &u16, sizeof(u16));
		break;
	case RDMARPC_PARAM_BOOL:
		memcpy(f, &u8, sizeof(u8));
		break;
	default:
		memcpy(f, &u32, sizeof(u32));
	}
	p->present |= RDMARPC_PARAM_BIT(c->attr);
}

int ctl_param_parse(struct rdmarpc_params *p, const struct ctl_param *c,
		    const char *s)
{
	uint32_t u;
	int32_t i;
	int on;

	switch (form_of(c)) {
	case ONOFF:
		if (ctl_parse_onoff(s, &on))
			return -1;
		param_store(p, c, on);
		return 0;
	case PPM:
		if (ctl_parse_ppm(s, &u))
			return -1;
		param_store(p, c, u);
		return 0;
	case AUTO:
		if (!strcmp(s, "auto")) {
			param_store(p, c, -1);
			return 0;
		}
		break;
	case NUMBER:
		break;
	}
	if (c->type == RDMARPC_PARAM_S32) {
		if (ctl_parse_s32(s, &i))
			return -1;
		param_store(p, c, i);
		return 0;
	}
	if (ctl_parse_u32(s, &u) ||
	    (c->type == RDMARPC_PARAM_U16 && u > UINT16_MAX))
		return -1;
	param_store(p, c, u);
	return 0;
}

/* @v as text, in a form that set takes back. */
static void print_value(FILE *f, const struct ctl_param *c, int64_t v)
{
	switch (form_of(c)) {
	case ONOFF:
		fputs(v ? "on" : "off", f);
		return;
	case PPM:
		fprintf(f, "%" PRId64 "ppm", v);
		return;
	case AUTO:
		if (v == -1) {
			fputs("auto", f);
			return;
		}
		break;
	case NUMBER:
		break;
	}
	fprintf(f, "%" PRId64, v);
}

void ctl_params_print(FILE *f, const struct rdmarpc_params *p, int json)
{
	struct json j;
	size_t k;

	if (json) {
		json_init_pretty(&j, f, json == CTL_JSON_PRETTY);
		json_obj_begin(&j);
	}
	for (k = 0; k < CTL_N_PARAMS; k++) {
		const struct ctl_param *c = &ctl_params[k];
		int64_t v;

		if (!(p->present & RDMARPC_PARAM_BIT(c->attr)))
			continue;
		v = ctl_param_value(p, c);
		if (json) {
			json_key(&j, c->name);
			json_s64(&j, v);
			continue;
		}
		fprintf(f, "%s ", c->name);
		print_value(f, c, v);
		fputc('\n', f);
	}
	if (json) {
		json_obj_end(&j);
		fputc('\n', f);
	}
}

void ctl_params_help(FILE *f)
{
	size_t k;

	fprintf(f, "  Each PARAM, the VALUEs it takes and its default "
		"(modinfo rdmarpc\n  describes them):\n");
	for (k = 0; k < CTL_N_PARAMS; k++) {
		const struct ctl_param *c = &ctl_params[k];
		enum form form = form_of(c);

		fprintf(f, "    %-20s ", c->name);
		if (form == ONOFF)
			fputs("on or off", f);
		else if (form == AUTO && c->min == -1)
			fprintf(f, "auto or 0..%" PRId64, c->max);
		else
			fprintf(f, "%s%" PRId64 "..%" PRId64 "%s",
				c->zero_off ? "0 (off) or " : "", c->min,
				c->max, form == PPM ? "ppm" : "");
		fputs(" (default ", f);
		print_value(f, c, c->def);
		fputs(")\n", f);
	}
	fprintf(f, "  A probability in ppm is also taken as a fraction (0.05) "
		"or a percentage (5%%).\n"
		"  tcp_port is set at module load only: set refuses a new "
		"value (EBUSY).\n");
}
