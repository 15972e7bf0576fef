/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmarpcctl: shared declarations of the subcommands.
 */
#ifndef RDMARPCCTL_H
#define RDMARPCCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <librdmarpc.h>

#include "json.h"

#define PROG "rdmarpcctl"

/* Exit codes. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* the operation failed */
	EXIT_USAGE = 2,		/* bad command line */
	EXIT_NOMODULE = 3,	/* the module is not loaded */
	EXIT_PERM = 4,		/* needs CAP_NET_ADMIN */
};

/* Output forms (struct ctl's json, and ctl_params_print()'s). */
enum {
	CTL_TEXT = 0,
	CTL_JSON = 1,		/* -j */
	CTL_JSON_PRETTY = 2,	/* -j -p */
};

struct ctl {
	int json;		/* CTL_TEXT, CTL_JSON or CTL_JSON_PRETTY */
};

struct subcommand {
	const char *name;
	int (*fn)(struct ctl *ctl, int argc, char **argv);
	const char *usage;	/* arguments, after the name */
	const char *help;
	void (*more_help)(FILE *f);	/* after usage and help, or NULL */
};

/* Open a handle; on failure print why and return the exit code. */
int ctl_open(struct rdmarpc_nl **nl);
/* Print a failed operation (with the kernel's extack); return exit code. */
int ctl_error(const struct rdmarpc_nl *nl, const char *op, int err);
/* The same, in the words of @func, the library function that failed. */
int ctl_error_in(const struct rdmarpc_nl *nl, const char *op,
		 const char *func, int err);
/* Print usage of a subcommand to stderr; return EXIT_USAGE. */
int ctl_usage(const char *name);
/* True if argv[0] asks for help ("help", "-h", "--help"). */
int ctl_wants_help(int argc, char **argv);
/* Print usage of a subcommand to stdout; return EXIT_OK. */
int ctl_help(const char *name);

/* Parse a whole string as an unsigned/signed number (base 0); 0 or -1. */
int ctl_parse_u32(const char *s, uint32_t *v);
int ctl_parse_s32(const char *s, int32_t *v);

/*
 * A probability as parts per million: "0.05" (a fraction, has a '.'),
 * "5%", "50000ppm" or a bare integer (ppm); at most 1 (1000000 ppm).
 */
int ctl_parse_ppm(const char *s, uint32_t *ppm);
/* Exactly 2 * len hex digits into out; 0 or -1. */
int ctl_parse_hex(const char *s, uint8_t *out, size_t len);
/*
 * A pre-shared key read from @fd: 2 * @len hex digits, with any white
 * space around them (a trailing newline).  A regular file (however it was
 * opened: a path, or standard input redirected from one) that its group
 * or others may read or write is refused, as ssh refuses such a private
 * key; a pipe or terminal is taken.  0, or with @why set to a string
 * saying what is wrong: -EACCES (the file's mode), -EINVAL (no key in
 * it), or read()'s error.
 */
int ctl_psk_read(int fd, uint8_t *out, size_t len, const char **why);
/* "on"/"1" or "off"/"0"; 0 or -1. */
int ctl_parse_onoff(const char *s, int *on);
/* "aa:bb:cc:dd:ee:ff" (buf of 18 bytes or more). */
void ctl_mac_str(const uint8_t mac[6], char *buf, size_t len);

/* "fe80::1" for a 16-byte GID. */
void ctl_gid_str(const uint8_t gid[16], char *buf, size_t len);

/*
 * A module parameter, a row of the ABI's table (rdmarpc_params.h), which
 * has one per attribute, in order: ctl_params[attr - 1].
 */
struct ctl_param {
	const char *name;
	int attr;		/* RDMARPC_PARAM_A_* */
	int type;		/* enum rdmarpc_param_type */
	size_t off;		/* of its field in struct rdmarpc_params */
	int64_t min, max;
	int64_t def;
	bool zero_off;		/* 0 is taken too, outside the range: off */
};

#define CTL_N_PARAMS	((size_t)RDMARPC_PARAM_A_MAX)
extern const struct ctl_param ctl_params[];

/* The parameter called @name, or NULL. */
const struct ctl_param *ctl_param_find(const char *name);
/* Parameter @c's value in @p. */
int64_t ctl_param_value(const struct rdmarpc_params *p,
			const struct ctl_param *c);
/*
 * Parse @s as a value of @c (no range check: the module's) into @p and
 * flag it in p->present; 0, or -1 if @s is no value of @c's form.
 */
int ctl_param_parse(struct rdmarpc_params *p, const struct ctl_param *c,
		    const char *s);
/*
 * The parameters flagged in p->present, in the table's order: a line
 * "name value" each, in a form `set' takes back, or a JSON object of
 * plain numbers.
 */
void ctl_params_print(FILE *f, const struct rdmarpc_params *p, int json);
/* Every parameter with the values it takes and its default. */
void ctl_params_help(FILE *f);

/*
 * A u64 counter of a stats struct: attribute (its present bit), key,
 * place, and the kind and help sentence of its row in rdmarpc_counters.h.
 */
struct ctl_counter {
	int attr;
	const char *key;	/* JSON key; in text with '-' for '_' */
	size_t off;
	bool gauge;		/* a level, not a count that only grows */
	const char *help;
};

#define CTL_KIND_COUNTER	false
#define CTL_KIND_GAUGE		true
/* A row of rdmarpc_counters.h's list (NAME, name, kind, help) of @type. */
#define CTL_COUNTER(attr, type, field, kind, help) \
	{ attr, #field, offsetof(type, field), CTL_KIND_##kind, help }
#define CTL_N(table) (sizeof(table) / sizeof((table)[0]))

/* The tables of counters.c, one per list of rdmarpc_counters.h. */
extern const struct ctl_counter ctl_port_counters[];
extern const struct ctl_counter ctl_sess_counters[];
extern const struct ctl_counter ctl_hs_counters[];
extern const struct ctl_counter ctl_fault_counters[];
extern const struct ctl_counter ctl_rpc_counters[];
extern const size_t ctl_n_port_counters, ctl_n_sess_counters,
	ctl_n_hs_counters, ctl_n_fault_counters, ctl_n_rpc_counters;

/*
 * The Prometheus text format (version 0.0.4, which node_exporter's
 * textfile collector reads): one metric family per counter of @c,
 * "rdmarpc_<group>_<key>" with "_total" for a counter, its # HELP and
 * # TYPE lines, then a sample for each of the @n series that has the
 * counter.  A series is a stats struct and its labels, a string of
 * name="value" pairs separated by commas ("" for none), values escaped
 * by ctl_prom_label().
 */
struct ctl_prom_series {
	const char *labels;
	const void *base;
	uint32_t present;
};

void ctl_prom_family(FILE *f, const char *group, const struct ctl_counter *c,
		     size_t n_counters, const struct ctl_prom_series *s,
		     size_t n);
/* Append name="value" to @buf (after a comma if not empty); -1 if no room. */
int ctl_prom_label(char *buf, size_t len, const char *name,
		   const char *value);

/* Counter @c's value in the stats struct @base. */
uint64_t ctl_counter_value(const struct ctl_counter *c, const void *base);
/* The counters flagged in @present, as a JSON object. */
void ctl_counters_json(struct json *j, const struct ctl_counter *c, size_t n,
		       const void *base, uint32_t present);
/* The same as "key N  key N ..." and a newline. */
void ctl_counters_print(const struct ctl_counter *c, size_t n,
			const void *base, uint32_t present);

/*
 * A `show' of a dump: list the objects, then print each one as text or,
 * with -j, as a JSON array.  On failure, says so as @op.
 */
struct ctl_list {
	const char *op;
	size_t size;		/* of one object */
	int (*list)(struct rdmarpc_nl *nl, void **items, size_t *n);
	void (*print)(const void *item);
	void (*json)(struct json *j, const void *item);
};

int ctl_list_show(struct ctl *ctl, const struct ctl_list *l);
/*
 * The same for the one object @name names (@match says which): an error,
 * "no KIND 'NAME'", and EXIT_FAIL if none does.  NULL @name: all.
 */
int ctl_list_show_one(struct ctl *ctl, const struct ctl_list *l,
		      const char *kind, const char *name,
		      int (*match)(const void *item, const char *name));
/* A JSON writer on stdout in @ctl's form (compact or pretty). */
void ctl_json_init(const struct ctl *ctl, struct json *j);

/* Printers shared by dev and monitor. */
void dev_print_summary(const struct rdmarpc_dev *d);
void dev_json(struct json *j, const struct rdmarpc_dev *d, const char *event);
void dev_stats_json(struct json *j, const struct rdmarpc_dev_stats *s);
/* Printers of peers and sessions. */
void sess_stats_json(struct json *j, const struct rdmarpc_sess_stats *s);
void sess_stats_print(const struct rdmarpc_sess_stats *s);
/* A session or peer event (event.c); devices' are dev.c's. */
void event_print(FILE *f, const struct rdmarpc_event *ev);
void event_json(struct json *j, const struct rdmarpc_event *ev);

int cmd_dev(struct ctl *ctl, int argc, char **argv);
int cmd_param(struct ctl *ctl, int argc, char **argv);
int cmd_set(struct ctl *ctl, int argc, char **argv);
int cmd_loopback(struct ctl *ctl, int argc, char **argv);
int cmd_monitor(struct ctl *ctl, int argc, char **argv);
int cmd_peer(struct ctl *ctl, int argc, char **argv);
int cmd_session(struct ctl *ctl, int argc, char **argv);
int cmd_stats(struct ctl *ctl, int argc, char **argv);


#endif /* RDMARPCCTL_H */
