// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpc-sim: run N RPCs through the session core between a simulated
 * client and server over a lossy network, and verify every one of them.
 * Exit status 0 only if every call completed exactly once with the right
 * bytes, nothing ran twice and nothing leaked.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/workload.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: rdmarpc-sim [options]\n"
"  --rpcs N            calls to run (1000)\n"
"  --size BYTES        request size (32)\n"
"  --resp-size BYTES   response size (= request size)\n"
"  --loss P --reorder P --duplicate P --corrupt P   fault rates, 0..1\n"
"  --tail P --tail-us US   a long RTT tail: a fraction P of packets\n"
"                      comes 0.5 to 1.5 x US late\n"
"  --tx-fail P         send buffer unavailable with probability P\n"
"  --alloc-fail N      fail every Nth allocation in the core\n"
"  --seed S            random seed (1)\n"
"  --mtu BYTES         datagram size (1024)\n"
"  --latency-us US     one-way latency (5)\n"
"  --bandwidth GBPS    link rate in Gbit/s (10)\n"
"  --slots N --credits N --max-msg BYTES\n"
"  --rto-init-us US --rto-min-us US --rto-max-us US --max-retries N\n"
"  --call-timeout-us US  give up on a call after this long (0: never)\n"
"  --cc aimd|delay|fixed --init-cwnd N --no-crc\n"
"  --handler-us US     the server answers this long after the request\n"
"  --no-pack           calls started together and answers due together\n"
"                      leave one datagram each (default: packed)\n"
"  --meta odd|none|deadline  what calls carry: a deadline and a key on odd\n"
"                      calls (the default), nothing, a deadline on each\n"
"  --max-time-s S      virtual time limit (100000)\n"
"  --json              one JSON object instead of the summary\n"
"  --verbose           report each failed call\n");
}

enum {
	OPT_RPCS = 256, OPT_SIZE, OPT_RESP_SIZE, OPT_LOSS, OPT_REORDER,
	OPT_DUP, OPT_CORRUPT, OPT_TXFAIL, OPT_ALLOCFAIL, OPT_SEED, OPT_MTU,
	OPT_LAT, OPT_BW, OPT_SLOTS, OPT_CREDITS, OPT_MAXMSG, OPT_RTOINIT,
	OPT_RTOMIN, OPT_RTOMAX, OPT_RETRIES, OPT_CALLTO, OPT_CC, OPT_CWND,
	OPT_NOCRC, OPT_HANDLER, OPT_META, OPT_MAXTIME, OPT_JSON, OPT_VERBOSE,
	OPT_TAIL, OPT_TAIL_US, OPT_NOPACK, OPT_HELP,
};

static const struct option opts[] = {
	{ "rpcs", required_argument, NULL, OPT_RPCS },
	{ "size", required_argument, NULL, OPT_SIZE },
	{ "resp-size", required_argument, NULL, OPT_RESP_SIZE },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "reorder", required_argument, NULL, OPT_REORDER },
	{ "duplicate", required_argument, NULL, OPT_DUP },
	{ "corrupt", required_argument, NULL, OPT_CORRUPT },
	{ "tx-fail", required_argument, NULL, OPT_TXFAIL },
	{ "alloc-fail", required_argument, NULL, OPT_ALLOCFAIL },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "mtu", required_argument, NULL, OPT_MTU },
	{ "latency-us", required_argument, NULL, OPT_LAT },
	{ "bandwidth", required_argument, NULL, OPT_BW },
	{ "slots", required_argument, NULL, OPT_SLOTS },
	{ "credits", required_argument, NULL, OPT_CREDITS },
	{ "max-msg", required_argument, NULL, OPT_MAXMSG },
	{ "rto-init-us", required_argument, NULL, OPT_RTOINIT },
	{ "rto-min-us", required_argument, NULL, OPT_RTOMIN },
	{ "rto-max-us", required_argument, NULL, OPT_RTOMAX },
	{ "max-retries", required_argument, NULL, OPT_RETRIES },
	{ "call-timeout-us", required_argument, NULL, OPT_CALLTO },
	{ "cc", required_argument, NULL, OPT_CC },
	{ "init-cwnd", required_argument, NULL, OPT_CWND },
	{ "no-crc", no_argument, NULL, OPT_NOCRC },
	{ "handler-us", required_argument, NULL, OPT_HANDLER },
	{ "meta", required_argument, NULL, OPT_META },
	{ "max-time-s", required_argument, NULL, OPT_MAXTIME },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "verbose", no_argument, NULL, OPT_VERBOSE },
	{ "tail", required_argument, NULL, OPT_TAIL },
	{ "tail-us", required_argument, NULL, OPT_TAIL_US },
	{ "no-pack", no_argument, NULL, OPT_NOPACK },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static double num(const char *name, const char *s, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "rdmarpc-sim: bad --%s '%s' (%g..%g)\n", name,
			s, lo, hi);
		exit(2);
	}
	return v;
}

static void print_json(const struct wl_cfg *c, const struct wl_result *r,
		       bool ok)
{
	printf("{\"ok\":%s,\"rpcs\":%llu,\"size\":%u,\"seed\":%llu,"
	       "\"completed\":%llu,\"failed\":%llu,\"timeouts\":%llu,"
	       "\"duplicate_executions\":%llu,\"wrong_payloads\":%llu,"
	       "\"double_completions\":%llu,\"retransmissions\":%llu,"
	       "\"virtual_time_us\":%llu,\"rto_fires\":%llu,"
	       "\"spurious_rtos\":%llu,"
	       "\"crc_drops\":%llu,\"dup_requests\":%llu,"
	       "\"cwnd_decreases\":%llu,\"credit_stalls\":%llu,"
	       "\"tx_stalls\":%llu,\"rx_nomem\":%llu,"
	       "\"datagrams_sent\":%llu,\"packets_packed\":%llu,"
	       "\"packets_lost\":%llu,"
	       "\"packets_reordered\":%llu,\"packets_duplicated\":%llu,"
	       "\"packets_corrupted\":%llu,\"packets_delayed\":%llu,"
	       "\"lat_p50_us\":%.1f,\"lat_p99_us\":%.1f,"
	       "\"srtt_ns\":%llu,\"rto_ns\":%llu,"
	       "\"cwnd\":%u,\"hung\":%s,\"leaked_allocations\":%ld}\n",
	       ok ? "true" : "false", (unsigned long long)c->rpcs, c->size,
	       (unsigned long long)c->net.seed,
	       (unsigned long long)r->completed,
	       (unsigned long long)r->failed, (unsigned long long)r->timeouts,
	       (unsigned long long)r->duplicate_executions,
	       (unsigned long long)r->wrong_payloads,
	       (unsigned long long)r->double_completions,
	       (unsigned long long)r->retransmissions,
	       (unsigned long long)(r->virtual_time_ns / 1000),
	       (unsigned long long)r->client.rto_fires,
	       (unsigned long long)r->client.spurious_rtos,
	       (unsigned long long)(r->client.crc_drops + r->server.crc_drops),
	       (unsigned long long)r->server.dup_requests,
	       (unsigned long long)r->client.cwnd_decreases,
	       (unsigned long long)r->client.credit_stalls,
	       (unsigned long long)(r->client.tx_stalls + r->server.tx_stalls),
	       (unsigned long long)(r->client.rx_nomem + r->server.rx_nomem),
	       (unsigned long long)r->net.sent,
	       (unsigned long long)(r->client.tx_packed + r->server.tx_packed),
	       (unsigned long long)r->net.lost,
	       (unsigned long long)r->net.reordered,
	       (unsigned long long)r->net.duplicated,
	       (unsigned long long)r->net.corrupted,
	       (unsigned long long)r->net.delayed,
	       r->lat_p50_ns / 1e3, r->lat_p99_ns / 1e3,
	       (unsigned long long)r->client_info.srtt_ns,
	       (unsigned long long)r->client_info.rto_ns,
	       r->client_info.cwnd, r->hung ? "true" : "false", r->leaked);
}

static void print_human(const struct wl_cfg *c, const struct wl_result *r,
			bool ok)
{
	printf("rdmarpc-sim: %llu RPCs of %u bytes, seed %llu: %s\n",
	       (unsigned long long)c->rpcs, c->size,
	       (unsigned long long)c->net.seed, ok ? "OK" : "FAILED");
	printf("  completed %llu, failed %llu (timeouts %llu), duplicate executions %llu, wrong payloads %llu\n",
	       (unsigned long long)r->completed, (unsigned long long)r->failed,
	       (unsigned long long)r->timeouts,
	       (unsigned long long)r->duplicate_executions,
	       (unsigned long long)r->wrong_payloads);
	printf("  virtual time %.3f ms, datagrams %llu (%llu packets packed behind another; lost %llu, reordered %llu, duplicated %llu, corrupted %llu, delayed %llu)\n",
	       r->virtual_time_ns / 1e6, (unsigned long long)r->net.sent,
	       (unsigned long long)(r->client.tx_packed + r->server.tx_packed),
	       (unsigned long long)r->net.lost,
	       (unsigned long long)r->net.reordered,
	       (unsigned long long)r->net.duplicated,
	       (unsigned long long)r->net.corrupted,
	       (unsigned long long)r->net.delayed);
	printf("  call latency p50 %.1f us, p99 %.1f us\n",
	       r->lat_p50_ns / 1e3, r->lat_p99_ns / 1e3);
	printf("  retransmissions %llu, RTO fires %llu (spurious %llu), CRC drops %llu, duplicate request packets %llu, cwnd cuts %llu\n",
	       (unsigned long long)r->retransmissions,
	       (unsigned long long)r->client.rto_fires,
	       (unsigned long long)r->client.spurious_rtos,
	       (unsigned long long)(r->client.crc_drops + r->server.crc_drops),
	       (unsigned long long)r->server.dup_requests,
	       (unsigned long long)r->client.cwnd_decreases);
	printf("  srtt %.1f us, rto %.1f us, cwnd %u%s%s\n",
	       r->client_info.srtt_ns / 1e3, r->client_info.rto_ns / 1e3,
	       r->client_info.cwnd, r->hung ? ", HUNG" : "",
	       r->leaked ? ", LEAKED MEMORY" : "");
}

int main(int argc, char **argv)
{
	struct wl_cfg cfg;
	struct wl_result res;
	bool json = false, ok;
	int o;

	wl_default(&cfg);
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *n = opts[o >= 256 && o < OPT_HELP ? o - 256 : 0].name;

		switch (o) {
		case OPT_RPCS: cfg.rpcs = (u64)num(n, optarg, 0, 1e9); break;
		case OPT_SIZE: cfg.size = (u32)num(n, optarg, 0, RR_MSG_MAX); break;
		case OPT_RESP_SIZE: cfg.resp_size = (s64)num(n, optarg, 0, RR_MSG_MAX); break;
		case OPT_LOSS: cfg.net.loss = num(n, optarg, 0, 1); break;
		case OPT_REORDER: cfg.net.reorder = num(n, optarg, 0, 1); break;
		case OPT_TAIL: cfg.net.tail = num(n, optarg, 0, 1); break;
		case OPT_TAIL_US: cfg.net.tail_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_DUP: cfg.net.duplicate = num(n, optarg, 0, 1); break;
		case OPT_CORRUPT: cfg.net.corrupt = num(n, optarg, 0, 1); break;
		case OPT_TXFAIL: cfg.net.tx_fail = num(n, optarg, 0, 0.99); break;
		case OPT_ALLOCFAIL: cfg.alloc_fail_every = (unsigned long)num(n, optarg, 0, 1e12); break;
		case OPT_SEED: cfg.net.seed = strtoull(optarg, NULL, 0); break;
		case OPT_MTU: cfg.params.mtu = (u32)num(n, optarg, RR_MIN_MTU, RR_MAX_MTU); break;
		case OPT_LAT: cfg.net.latency_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_BW: cfg.net.gbps = num(n, optarg, 0, 1e6); break;
		case OPT_SLOTS: cfg.params.slots = (u32)num(n, optarg, 1, RR_MAX_SLOTS); break;
		case OPT_CREDITS: cfg.params.credits = (u32)num(n, optarg, 1, RR_MAX_CREDITS); break;
		case OPT_MAXMSG: cfg.params.max_msg = (u32)num(n, optarg, 0, RR_MSG_MAX); break;
		case OPT_RTOINIT: cfg.params.rto_init_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_RTOMIN: cfg.params.rto_min_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_RTOMAX: cfg.params.rto_max_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_RETRIES: cfg.params.max_retries = (u32)num(n, optarg, 0, 1e6); break;
		case OPT_CALLTO: cfg.params.call_timeout_ns = (u64)(num(n, optarg, 0, 1e12) * 1000); break;
		case OPT_CC:
			if (!strcmp(optarg, "aimd")) {
				cfg.params.cc_algo = RR_CC_AIMD;
			} else if (!strcmp(optarg, "delay")) {
				cfg.params.cc_algo = RR_CC_DELAY;
			} else if (!strcmp(optarg, "fixed")) {
				cfg.params.cc_algo = RR_CC_FIXED;
			} else {
				fprintf(stderr, "rdmarpc-sim: --cc aimd|delay|fixed\n");
				return 2;
			}
			break;
		case OPT_CWND: cfg.params.cc_init_cwnd = (u32)num(n, optarg, 0, RR_MAX_CREDITS); break;
		case OPT_NOCRC: cfg.params.crc = false; break;
		case OPT_NOPACK: cfg.pack = false; break;
		case OPT_HANDLER: cfg.handler_ns = (u64)(num(n, optarg, 0, 1e9) * 1000); break;
		case OPT_META:
			if (!strcmp(optarg, "odd")) {
				cfg.meta = WL_META_ODD;
			} else if (!strcmp(optarg, "none")) {
				cfg.meta = WL_META_NONE;
			} else if (!strcmp(optarg, "deadline")) {
				cfg.meta = WL_META_DEADLINE;
			} else {
				fprintf(stderr, "rdmarpc-sim: --meta odd|none|deadline\n");
				return 2;
			}
			break;
		case OPT_MAXTIME: cfg.max_time_ns = (u64)(num(n, optarg, 0, 1e9) * 1e9); break;
		case OPT_JSON: json = true; break;
		case OPT_VERBOSE: cfg.verbose = true; break;
		case 'h':
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (cfg.params.cc_init_cwnd > cfg.params.credits)
		cfg.params.cc_init_cwnd = cfg.params.credits;
	if (rr_params_check(&cfg.params)) {
		fprintf(stderr, "rdmarpc-sim: inconsistent session parameters\n");
		return 2;
	}
	if (cfg.size > cfg.params.max_msg ||
	    (cfg.resp_size > 0 && (u64)cfg.resp_size > cfg.params.max_msg)) {
		fprintf(stderr, "rdmarpc-sim: message larger than --max-msg\n");
		return 2;
	}
	if (wl_run(&cfg, &res))
		return 2;
	ok = wl_ok(&cfg, &res);
	if (json)
		print_json(&cfg, &res, ok);
	else
		print_human(&cfg, &res, ok);
	return ok ? 0 : 1;
}
