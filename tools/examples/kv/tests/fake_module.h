/* SPDX-License-Identifier: MIT */
/* The in-process stand-in for /dev/rdmarpc of the kv host test. */
#ifndef KV_FAKE_MODULE_H
#define KV_FAKE_MODULE_H

#include <stdint.h>

/* The next wait of every endpoint returns -EINTR, as after a signal. */
void fake_interrupt(void);
/* Some endpoint serves method @id. */
int fake_bound(uint32_t id);
/* Threads waiting in rdmarpc_recv() right now. */
unsigned int fake_recv_waiters(void);

#endif
