// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl: what the show commands share: counter tables printed as text
 * or JSON, and the list-then-print skeleton of `peer show' and
 * `session show'.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static uint64_t counter_value(const struct ctl_counter *c, const void *base)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)base + c->off, sizeof(v));
	return v;
}

void ctl_counters_json(struct json *j, const struct ctl_counter *c, size_t n,
		       const void *base, uint32_t present)
{
	size_t i;

	json_obj_begin(j);
	for (i = 0; i < n; i++) {
		if (!(present & (1U << c[i].attr)))
			continue;
		json_key(j, c[i].key);
		json_u64(j, counter_value(&c[i], base));
	}
	json_obj_end(j);
}

/* "accepted 1  refused 0  ...": keys with '-' for '_'. */
void ctl_counters_print(const struct ctl_counter *c, size_t n,
			const void *base, uint32_t present)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < n; i++) {
		const char *k;

		if (!(present & (1U << c[i].attr)))
			continue;
		printf("%s", sep);
		for (k = c[i].key; *k; k++)
			putchar(*k == '_' ? '-' : *k);
		printf(" %" PRIu64, counter_value(&c[i], base));
		sep = "  ";
	}
	printf("\n");
}

int ctl_list_show(struct ctl *ctl, const struct ctl_list *l)
{
	struct rdmarpc_nl *nl;
	void *items = NULL;
	size_t n = 0, i;
	int err, ret;

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = l->list(nl, &items, &n);
	if (err) {
		ret = ctl_error(nl, l->op, err);
		goto out;
	}
	if (ctl->json) {
		struct json j;

		json_init(&j, stdout);
		json_arr_begin(&j);
		for (i = 0; i < n; i++)
			l->json(&j, (const unsigned char *)items + i * l->size);
		json_arr_end(&j);
		printf("\n");
	} else {
		for (i = 0; i < n; i++)
			l->print((const unsigned char *)items + i * l->size);
	}
	free(items);
out:
	rdmarpc_nl_close(nl);
	return ret;
}
