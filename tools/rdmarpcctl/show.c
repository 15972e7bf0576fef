// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl: what the show commands share: counter tables printed as text
 * or JSON, and the list-then-print skeleton of `peer show [NAME]' and
 * `session show [ID]'.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

void ctl_counters_json(struct json *j, const struct ctl_counter *c, size_t n,
		       const void *base, uint32_t present)
{
	size_t i;

	json_obj_begin(j);
	for (i = 0; i < n; i++) {
		if (!(present & (1U << c[i].attr)))
			continue;
		json_key(j, c[i].key);
		json_u64(j, ctl_counter_value(&c[i], base));
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
		printf(" %" PRIu64, ctl_counter_value(&c[i], base));
		sep = "  ";
	}
	printf("\n");
}

void ctl_json_init(const struct ctl *ctl, struct json *j)
{
	json_init_pretty(j, stdout, ctl->json == CTL_JSON_PRETTY);
}

int ctl_list_show_one(struct ctl *ctl, const struct ctl_list *l,
		      const char *kind, const char *name,
		      int (*match)(const void *item, const char *name))
{
	struct rdmarpc_nl *nl;
	void *items = NULL;
	size_t n = 0, i, shown = 0;
	struct json j;
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
		ctl_json_init(ctl, &j);
		json_arr_begin(&j);
	}
	for (i = 0; i < n; i++) {
		const void *item = (const unsigned char *)items + i * l->size;

		if (name && !match(item, name))
			continue;
		if (ctl->json)
			l->json(&j, item);
		else
			l->print(item);
		shown++;
	}
	if (ctl->json) {
		json_arr_end(&j);
		printf("\n");
	}
	if (name && !shown) {
		fprintf(stderr, PROG ": %s: no %s '%s'\n", l->op, kind, name);
		ret = EXIT_FAIL;
	}
	free(items);
out:
	rdmarpc_nl_close(nl);
	return ret;
}

int ctl_list_show(struct ctl *ctl, const struct ctl_list *l)
{
	return ctl_list_show_one(ctl, l, NULL, NULL, NULL);
}
