// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl's counter tables, made from the ABI's lists
 * (rdmarpc_counters.h: attribute, name, kind, help), and the Prometheus
 * text format of them.  Pure functions (host unit tests run them).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "ctl.h"

const struct ctl_counter ctl_port_counters[] = {
#define RDMARPC_PORT_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_STAT_A_##NAME, struct rdmarpc_dev_stats, name, \
		    __VA_ARGS__),
#include <rdmarpc_counters.h>
};

const struct ctl_counter ctl_sess_counters[] = {
#define RDMARPC_SESS_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_SSTAT_A_##NAME, struct rdmarpc_sess_stats, name, \
		    __VA_ARGS__),
#include <rdmarpc_counters.h>
};

const struct ctl_counter ctl_hs_counters[] = {
#define RDMARPC_HS_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_HSTAT_A_##NAME, struct rdmarpc_hs_stats, name, \
		    __VA_ARGS__),
#include <rdmarpc_counters.h>
};

const struct ctl_counter ctl_fault_counters[] = {
#define RDMARPC_FAULT_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_FSTAT_A_##NAME, struct rdmarpc_fault_stats, name, \
		    __VA_ARGS__),
#include <rdmarpc_counters.h>
};

const struct ctl_counter ctl_rpc_counters[] = {
#define RDMARPC_RPC_COUNTER(NAME, name, ...) \
	CTL_COUNTER(RDMARPC_RSTAT_A_##NAME, struct rdmarpc_rpc_stats, name, \
		    __VA_ARGS__),
#include <rdmarpc_counters.h>
};

const size_t ctl_n_port_counters = CTL_N(ctl_port_counters);
const size_t ctl_n_sess_counters = CTL_N(ctl_sess_counters);
const size_t ctl_n_hs_counters = CTL_N(ctl_hs_counters);
const size_t ctl_n_fault_counters = CTL_N(ctl_fault_counters);
const size_t ctl_n_rpc_counters = CTL_N(ctl_rpc_counters);

/* @s with backslash and newline escaped, and '"' too if @quote. */
static void prom_escaped(FILE *f, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

int ctl_prom_label(char *buf, size_t len, const char *name,
		   const char *value)
{
	size_t n = strlen(buf);
	FILE *f;
	int ret;

	f = fmemopen(buf + n, len - n, "w");
	if (!f)
		return -1;
	fprintf(f, "%s%s=\"", n ? "," : "", name);
	prom_escaped(f, value, true);
	fputc('"', f);
	/* fmemopen's NUL needs a byte beyond what was written. */
	ret = ferror(f) || ftell(f) >= (long)(len - n) ? -1 : 0;
	fclose(f);
	if (ret)
		buf[n] = '\0';
	return ret;
}

uint64_t ctl_counter_value(const struct ctl_counter *c, const void *base)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)base + c->off, sizeof(v));
	return v;
}

void ctl_prom_family(FILE *f, const char *group, const struct ctl_counter *c,
		     size_t n_counters, const struct ctl_prom_series *s,
		     size_t n)
{
	size_t k, i;

	for (k = 0; k < n_counters; k++) {
		const char *suffix = c[k].gauge ? "" : "_total";
		uint32_t bit = 1U << c[k].attr;
		bool head = false;

		for (i = 0; i < n; i++) {
			if (!(s[i].present & bit))
				continue;
			if (!head) {
				fprintf(f, "# HELP rdmarpc_%s_%s%s ", group,
					c[k].key, suffix);
				prom_escaped(f, c[k].help, false);
				fprintf(f, "\n# TYPE rdmarpc_%s_%s%s %s\n",
					group, c[k].key, suffix,
					c[k].gauge ? "gauge" : "counter");
				head = true;
			}
			fprintf(f, "rdmarpc_%s_%s%s", group, c[k].key, suffix);
			if (s[i].labels[0])
				fprintf(f, "{%s}", s[i].labels);
			fprintf(f, " %" PRIu64 "\n", ctl_counter_value(&c[k], s[i].base));
		}
	}
}
