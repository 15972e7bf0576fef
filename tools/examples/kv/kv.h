/* SPDX-License-Identifier: MIT */
/*
 * What kv_server and kv_client share: short names for the generated types
 * of kv.proto, and the service's limits.
 */
#ifndef KV_H
#define KV_H

#include <rdmarpc-protobuf.h>

#include "kv.pb-c.h"

#define KV_MAX_KEY		1024	/* bytes */
#define KV_SCAN_DEFAULT		1000	/* entries when the limit is 0 */
#define KV_SCAN_MAX		100000	/* OUT_OF_RANGE above */

typedef Rdmarpc__Examples__Kv__Value Value;
typedef Rdmarpc__Examples__Kv__Record Record;
typedef Rdmarpc__Examples__Kv__Record__Attr Attr;
typedef Rdmarpc__Examples__Kv__Record__Point Point;
typedef Rdmarpc__Examples__Kv__Record__CountersEntry CountersEntry;
typedef Rdmarpc__Examples__Kv__Entry Entry;
typedef Rdmarpc__Examples__Kv__GetRequest GetRequest;
typedef Rdmarpc__Examples__Kv__GetResponse GetResponse;
typedef Rdmarpc__Examples__Kv__PutRequest PutRequest;
typedef Rdmarpc__Examples__Kv__PutResponse PutResponse;
typedef Rdmarpc__Examples__Kv__DeleteRequest DeleteRequest;
typedef Rdmarpc__Examples__Kv__DeleteResponse DeleteResponse;
typedef Rdmarpc__Examples__Kv__ScanRequest ScanRequest;
typedef Rdmarpc__Examples__Kv__ScanResponse ScanResponse;
typedef Rdmarpc__Examples__Kv__Kv_Service KvService;

#define KV_DESC			(&rdmarpc__examples__kv__kv__descriptor)
#define KV_VALUE_DESC		(&rdmarpc__examples__kv__value__descriptor)

/* Method indexes in KV_DESC, in the .proto's order. */
enum { KV_GET, KV_PUT, KV_DELETE, KV_SCAN, KV_N_METHODS };

#define KIND(x)			RDMARPC__EXAMPLES__KV__VALUE__KIND_##x
#define KIND_NOT_SET		RDMARPC__EXAMPLES__KV__VALUE__KIND__NOT_SET
#define PUT_MODE(x)		RDMARPC__EXAMPLES__KV__PUT_MODE__PUT_MODE_##x
#define COLOR(x)		RDMARPC__EXAMPLES__KV__COLOR__COLOR_##x

#endif
