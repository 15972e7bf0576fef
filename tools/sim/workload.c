// SPDX-License-Identifier: GPL-2.0
/*
 * The verified RPC workload (see workload.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "workload.h"
#include "../bench/hist.h"

#define WL_CLIENT 0
#define WL_SERVER 1

struct wl_pending {
	u64 due;
	u32 handle;
	s32 status;
	struct rr_msg resp;
};

struct wl {
	const struct wl_cfg *cfg;
	struct wl_result *res;
	struct sim *sim;
	u64 seed;
	u32 resp_size;
	u64 next_id;
	u64 finished;
	u8 *execs;		/* per call id, saturating */
	u8 *done;
	u64 *started;		/* per call id: virtual time of its start */
	struct hist *lat;	/* the completed calls' latencies */
	struct rr_msg staged;	/* request for next_id, built once */
	bool have_staged;
	struct wl_pending *pend;	/* deferred replies, FIFO */
	size_t npend, cappend, headpend;
};

static u64 wl_mix(u64 z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Request byte @off of call @id: a pure function of seed, id and offset. */
static void wl_fill_req(const struct wl *w, u64 id, u32 off, u8 *dst, u32 n)
{
	u64 base = w->seed * 0x9e3779b97f4a7c15ull ^ id * 0xd6e8feb86659fd93ull;

	while (n) {
		u64 v = wl_mix(base + (off >> 3));
		u32 k = off & 7;

		for (; k < 8 && n; k++, n--, off++)
			*dst++ = (u8)(v >> (8 * k));
	}
}

/* The response transform: keyed by the call id and the position. */
static inline u8 wl_key(u64 id, u32 j)
{
	return (u8)((id * 0x9e37u) ^ (j * 31u) ^ (j >> 9) ^ 0x5a);
}

static void wl_make_resp(const struct wl *w, u64 id, const struct rr_msg *req,
			 struct rr_msg *resp)
{
	u32 rlen = w->resp_size, off = 0, avail, k;
	unsigned long fail = rr_user_fail_every;
	u8 tmp[RR_CHUNK_SIZE];
	u8 *p;

	/* Injected allocation failures are for the core, not the handler. */
	rr_user_fail_every = 0;
	if (rr_msg_init(resp, rlen)) {
		fprintf(stderr, "wl: response too big\n");
		exit(3);
	}
	while (off < rlen) {
		p = rr_msg_span(resp, off, &avail, RR_MSG_ALLOC);
		if (!p) {
			fprintf(stderr, "wl: response allocation failed\n");
			exit(3);
		}
		if (req->len == rlen) {
			rr_msg_read(req, off, tmp, avail);
		} else {
			for (k = 0; k < avail; k++) {
				u32 j = off + k;

				tmp[k] = 0;
				if (req->len)
					rr_msg_read(req, j % req->len, &tmp[k], 1);
			}
		}
		for (k = 0; k < avail; k++)
			p[k] = tmp[k] ^ wl_key(id, off + k);
		off += avail;
	}
	rr_user_fail_every = fail;
}

static bool wl_check_resp(const struct wl *w, u64 id, const struct rr_msg *resp)
{
	u32 rlen = w->resp_size, off, avail, k;
	u32 qlen = w->cfg->size;
	u8 want[RR_CHUNK_SIZE];
	u8 *p;

	if (resp->len != rlen)
		return false;
	for (off = 0; off < rlen; off += avail) {
		p = rr_msg_span((struct rr_msg *)resp, off, &avail, RR_MSG_FIND);
		if (!p)
			return false;
		if (qlen == rlen) {
			wl_fill_req(w, id, off, want, avail);
		} else {
			for (k = 0; k < avail; k++) {
				want[k] = 0;
				if (qlen)
					wl_fill_req(w, id, (off + k) % qlen,
						    &want[k], 1);
			}
		}
		for (k = 0; k < avail; k++)
			if (p[k] != (u8)(want[k] ^ wl_key(id, off + k)))
				return false;
	}
	return true;
}

/* What call @id carries (enum wl_meta); a key is the call's id. */
static bool wl_has_key(const struct wl *w, u64 id)
{
	return w->cfg->meta == WL_META_ODD && (id & 1);
}

static bool wl_has_deadline(const struct wl *w, u64 id)
{
	return w->cfg->meta == WL_META_DEADLINE ||
	       (w->cfg->meta == WL_META_ODD && (id & 1));
}

static void wl_deliver(void *ctx, struct rr_session *s, u32 handle,
		       u32 method, struct rr_msg *req,
		       const struct rr_req_info *info)
{
	struct sim_node *n = ctx;
	struct wl *w = n->app;
	u64 id = method;
	struct wl_pending *p;
	struct rr_msg resp;

	if (id >= w->cfg->rpcs) {
		w->res->wrong_payloads++;
		return;
	}
	if (info->has_key != wl_has_key(w, id) ||
	    (info->deadline != RR_NO_DEADLINE) != wl_has_deadline(w, id) ||
	    (info->has_key && memcmp(info->key, &id, sizeof(id))))
		w->res->wrong_payloads++;
	if (w->execs[id] == 1)
		w->res->duplicate_executions++;
	if (w->execs[id] < 255)
		w->execs[id]++;
	wl_make_resp(w, id, req, &resp);
	if (!w->cfg->handler_ns) {
		if (rr_server_reply(s, handle, 0, &resp))
			w->res->other_errors++;
		rr_msg_free(&resp);
		return;
	}
	if (w->npend == w->cappend) {
		w->cappend = w->cappend ? 2 * w->cappend : 64;
		w->pend = realloc(w->pend, w->cappend * sizeof(*w->pend));
		if (!w->pend)
			exit(3);
	}
	p = &w->pend[w->npend++];
	p->due = sim_now(w->sim) + w->cfg->handler_ns;
	p->handle = handle;
	p->status = 0;
	rr_msg_move(&p->resp, &resp);
}

static void wl_complete(void *ctx, struct rr_session *s, u64 cookie, int err,
			s32 status, struct rr_msg *resp)
{
	struct sim_node *n = ctx;
	struct wl *w = n->app;

	(void)s;
	if (cookie >= w->cfg->rpcs || w->done[cookie]) {
		w->res->double_completions++;
		return;
	}
	w->done[cookie] = 1;
	w->finished++;
	hist_add(w->lat, sim_now(w->sim) - w->started[cookie]);
	if (err) {
		w->res->failed++;
		if (err == -ETIMEDOUT)
			w->res->timeouts++;
		else
			w->res->other_errors++;
		if (w->cfg->verbose)
			fprintf(stderr, "call %llu failed: %d\n",
				(unsigned long long)cookie, err);
		return;
	}
	if (status || !wl_check_resp(w, cookie, resp)) {
		w->res->wrong_payloads++;
		if (w->cfg->verbose)
			fprintf(stderr, "call %llu: wrong response\n",
				(unsigned long long)cookie);
	}
	w->res->completed++;
}

static const struct rr_ops wl_ops = {
	.tx_get_buf = sim_tx_get_buf,
	.tx_send = sim_tx_send,
	.deliver_request = wl_deliver,
	.complete_call = wl_complete,
};

/*
 * Start calls until the slots are full or all are issued.  Returns true if
 * a call could not start for lack of memory (retry a little later).
 */
static bool wl_fill(struct wl *w, struct rr_session *c)
{
	unsigned long fail = rr_user_fail_every;
	struct rr_call_opts o;
	struct rr_msg req;
	u32 off, avail;
	int err;
	u8 *p;

	while (w->next_id < w->cfg->rpcs) {
		u64 id = w->next_id;

		if (!w->have_staged) {
			rr_user_fail_every = 0;
			if (rr_msg_init(&w->staged, w->cfg->size))
				exit(3);
			for (off = 0; off < w->cfg->size; off += avail) {
				p = rr_msg_span(&w->staged, off, &avail, RR_MSG_ALLOC);
				if (!p)
					exit(3);
				wl_fill_req(w, id, off, p, avail);
			}
			rr_user_fail_every = fail;
			w->have_staged = true;
		}
		rr_msg_move(&req, &w->staged);
		memset(&o, 0, sizeof(o));
		o.deadline = RR_NO_DEADLINE;
		/* Far enough never to matter: only carried. */
		if (wl_has_deadline(w, id))
			o.deadline = sim_now(w->sim) + (1ull << 50);
		if (wl_has_key(w, id)) {
			o.flags = RR_CALL_F_KEY;
			memcpy(o.key, &id, sizeof(id));
		}
		w->started[id] = sim_now(w->sim);
		err = rr_client_call_opts(c, (u32)id, &req, id, sim_now(w->sim),
					  &o);
		if (err == -EBUSY || err == -ENOMEM) {
			rr_msg_move(&w->staged, &req);
			return err == -ENOMEM;
		}
		w->have_staged = false;
		rr_msg_free(&req);
		if (err) {
			fprintf(stderr, "wl: call failed to start: %d\n", err);
			w->done[id] = 1;
			w->finished++;
			w->res->failed++;
			w->res->other_errors++;
		}
		w->next_id++;
		w->res->rpcs_issued++;
	}
	return false;
}

static void wl_reply_due(struct wl *w, struct rr_session *srv)
{
	if (w->cfg->pack)
		rr_session_cork(srv);
	while (w->headpend < w->npend &&
	       w->pend[w->headpend].due <= sim_now(w->sim)) {
		struct wl_pending *p = &w->pend[w->headpend++];

		/* -ESTALE is fine: the client gave up on this one. */
		rr_server_reply(srv, p->handle, p->status, &p->resp);
		rr_msg_free(&p->resp);
	}
	if (w->headpend == w->npend)
		w->headpend = w->npend = 0;
	if (w->cfg->pack)
		rr_session_uncork(srv);
}

void wl_default(struct wl_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	rr_params_default(&cfg->params);
	cfg->net.seed = 1;
	cfg->net.mtu = cfg->params.mtu;
	cfg->net.latency_ns = 5000;
	cfg->net.gbps = 10;
	cfg->rpcs = 1000;
	cfg->size = 32;
	cfg->resp_size = -1;
	cfg->pack = true;
	cfg->max_time_ns = 100000ull * 1000000000ull;
}

int wl_run(const struct wl_cfg *cfg, struct wl_result *res)
{
	struct rr_ids cids = { 0x11, 0xc0ffee01, 0x22, 0xbeef0002 };
	struct rr_ids sids = { 0x22, 0xbeef0002, 0x11, 0xc0ffee01 };
	struct rr_session *cli = NULL, *srv = NULL;
	struct sim_net_cfg net = cfg->net;
	struct wl w = { .cfg = cfg, .res = res };
	long live0 = rr_user_live;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	net.mtu = cfg->params.mtu;
	w.seed = cfg->net.seed;
	w.resp_size = cfg->resp_size < 0 ? cfg->size : (u32)cfg->resp_size;
	w.execs = calloc(cfg->rpcs + 1, 1);
	w.done = calloc(cfg->rpcs + 1, 1);
	w.started = calloc(cfg->rpcs + 1, sizeof(*w.started));
	w.lat = malloc(sizeof(*w.lat));
	if (w.lat)
		hist_init(w.lat);
	w.sim = sim_create(&net);
	if (!w.execs || !w.done || !w.started || !w.lat || !w.sim)
		exit(3);
	cli = rr_session_create(&cfg->params, RR_ROLE_CLIENT, &cids, &wl_ops,
				sim_node(w.sim, WL_CLIENT));
	srv = rr_session_create(&cfg->params, RR_ROLE_SERVER, &sids, &wl_ops,
				sim_node(w.sim, WL_SERVER));
	if (IS_ERR(cli) || IS_ERR(srv)) {
		fprintf(stderr, "wl: bad parameters\n");
		ret = -EINVAL;
		goto out;
	}
	sim_node(w.sim, WL_CLIENT)->app = &w;
	sim_node(w.sim, WL_SERVER)->app = &w;
	sim_attach(w.sim, WL_CLIENT, cli, cids.local_sess, cids.local_tag);
	sim_attach(w.sim, WL_SERVER, srv, sids.local_sess, sids.local_tag);

	rr_user_fail_every = cfg->alloc_fail_every;
	while (w.finished < cfg->rpcs) {
		u64 t, due = RR_NO_DEADLINE;

		bool retry;

		if (cfg->pack)
			rr_session_cork(cli);
		retry = wl_fill(&w, cli);
		if (cfg->pack)
			rr_session_uncork(cli);

		if (w.finished >= cfg->rpcs)
			break;
		if (w.headpend < w.npend)
			due = w.pend[w.headpend].due;
		if (retry && sim_now(w.sim) + 1000 < due)
			due = sim_now(w.sim) + 1000;
		t = sim_next_time(w.sim);
		if (t == RR_NO_DEADLINE && due == RR_NO_DEADLINE) {
			/* Calls outstanding and nothing will ever happen. */
			res->hung = true;
			break;
		}
		if ((t == RR_NO_DEADLINE || t > cfg->max_time_ns) &&
		    due > cfg->max_time_ns) {
			res->hung = true;
			break;
		}
		if (due <= t) {
			sim_advance(w.sim, due);
			wl_reply_due(&w, srv);
		} else {
			sim_step(w.sim);
		}
	}
	rr_user_fail_every = 0;
	res->virtual_time_ns = sim_now(w.sim);
	res->client = *rr_session_stats(cli);
	res->server = *rr_session_stats(srv);
	rr_session_info(cli, &res->client_info);
	res->net = *sim_stats(w.sim);
	res->retransmissions = res->client.retransmits +
			       res->server.retransmits;
	res->lat_p50_ns = hist_quantile(w.lat, 0.5);
	res->lat_p99_ns = hist_quantile(w.lat, 0.99);
out:
	if (!IS_ERR(cli))
		rr_session_destroy(cli);
	if (!IS_ERR(srv))
		rr_session_destroy(srv);
	while (w.headpend < w.npend)
		rr_msg_free(&w.pend[w.headpend++].resp);
	if (w.have_staged)
		rr_msg_free(&w.staged);
	free(w.pend);
	sim_destroy(w.sim);
	free(w.execs);
	free(w.done);
	free(w.started);
	free(w.lat);
	res->leaked = rr_user_live - live0;
	return ret;
}

bool wl_ok(const struct wl_cfg *cfg, const struct wl_result *res)
{
	return !res->hung && res->completed == cfg->rpcs && !res->failed &&
	       !res->duplicate_executions && !res->wrong_payloads &&
	       !res->double_completions && !res->leaked;
}
