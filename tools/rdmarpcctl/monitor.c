// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl monitor [--count N] [--timeout SECONDS]
 *
 * One line per event: devices ("new rxe0 port 1: ..." / "del rxe0 port
 * 1"), sessions and peers ("session up ...", "peer down ...": event.c),
 * or with -j one JSON object per line.  Ends on SIGINT/SIGTERM (exit 0),
 * after N events (exit 0), or at the timeout (exit 0, or 1 if fewer than
 * N events were seen).
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct mon {
	struct ctl *ctl;
	uint32_t seen, count;	/* count 0: unlimited */
};

static void on_dev_event(struct mon *m, int cmd, const struct rdmarpc_dev *d)
{
	const char *what = cmd == RDMARPC_CMD_DEV_NEW ? "new" : "del";

	if (m->ctl->json) {
		struct json j;

		json_init(&j, stdout);
		dev_json(&j, d, what);
		printf("\n");
	} else if (cmd == RDMARPC_CMD_DEV_NEW) {
		printf("new ");
		dev_print_summary(d);
	} else {
		printf("del %s port %" PRIu32 "\n", d->name, d->port);
	}
}

static int on_event(const struct rdmarpc_event *ev, void *arg)
{
	struct mon *m = arg;

	if (ev->cmd == RDMARPC_CMD_DEV_NEW || ev->cmd == RDMARPC_CMD_DEV_DEL) {
		on_dev_event(m, ev->cmd, &ev->dev);
	} else if (m->ctl->json) {
		struct json j;

		json_init(&j, stdout);
		event_json(&j, ev);
		printf("\n");
	} else {
		event_print(stdout, ev);
	}
	fflush(stdout);
	m->seen++;
	return m->count && m->seen >= m->count;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_monitor(struct ctl *ctl, int argc, char **argv)
{
	struct mon m = { .ctl = ctl };
	struct sigaction sa;
	struct rdmarpc_nl *nl;
	uint32_t timeout_s = 0;
	int64_t deadline = -1;
	int i, err, ret;

	if (ctl_wants_help(argc, argv))
		return ctl_help("monitor");
	for (i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--count")) {
			if (ctl_parse_u32(argv[++i], &m.count))
				return ctl_usage("monitor");
		} else if (i + 1 < argc && !strcmp(argv[i], "--timeout")) {
			if (ctl_parse_u32(argv[++i], &timeout_s))
				return ctl_usage("monitor");
			deadline = now_ms() + (int64_t)timeout_s * 1000;
		} else {
			return ctl_usage("monitor");
		}
	}

	ret = ctl_open(&nl);
	if (ret)
		return ret;
	err = rdmarpc_nl_subscribe(nl);
	if (err) {
		ret = ctl_error(nl, "monitor", err);
		goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll() returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop && !(m.count && m.seen >= m.count)) {
		int wait_ms = -1;

		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				break;
			wait_ms = left > 1000000 ? 1000000 : (int)left;
		}
		err = rdmarpc_nl_read_events(nl, wait_ms, on_event, &m);
		if (err == -EINTR)
			continue;
		if (err == -ENOBUFS) {
			fprintf(stderr, PROG ": monitor: events were lost "
				"(socket buffer overflow)\n");
			continue;
		}
		if (err < 0) {
			ret = ctl_error(nl, "monitor", err);
			goto out;
		}
	}
	if (!stop && m.count && m.seen < m.count) {
		fprintf(stderr, PROG ": monitor: timed out after %" PRIu32
			" s with %" PRIu32 " of %" PRIu32 " events\n",
			timeout_s, m.seen, m.count);
		ret = EXIT_FAIL;
	}
out:
	rdmarpc_nl_close(nl);
	return ret;
}
