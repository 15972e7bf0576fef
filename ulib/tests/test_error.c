// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error strings, libnl error mapping, enum names.
 */
#include <errno.h>
#include <string.h>
#include <netlink/errno.h>

#include "internal.h"
#include "unit.h"

static void test_strerror(void)
{
	CHECK_STREQ(rdmarpc_strerror(0), "success");
	CHECK_STREQ(rdmarpc_strerror(-EPERM),
		    "operation not permitted: needs CAP_NET_ADMIN");
	CHECK_STREQ(rdmarpc_strerror(EPERM), rdmarpc_strerror(-EPERM));
	CHECK(strstr(rdmarpc_strerror(-EPROTONOSUPPORT), "module not loaded"));
	CHECK(strstr(rdmarpc_strerror(-EPROTONOSUPPORT), "'rdmarpc'"));
	CHECK_STREQ(rdmarpc_strerror(-EINVAL), "Invalid argument");
	CHECK_STREQ(rdmarpc_strerror(-ENODEV), "RDMA device went away");
	CHECK_STREQ(rdmarpc_strerror(-EIO), "Input/output error");
	CHECK_STREQ(rdmarpc_strerror(-99999), "unknown error");
}

static void test_nle_map(void)
{
	CHECK_EQ(rr_nle_to_errno(0), 0);
	CHECK_EQ(rr_nle_to_errno(NLE_NOMEM), ENOMEM);
	CHECK_EQ(rr_nle_to_errno(-NLE_NOMEM), ENOMEM);
	CHECK_EQ(rr_nle_to_errno(NLE_PERM), EPERM);
	CHECK_EQ(rr_nle_to_errno(NLE_OBJ_NOTFOUND), ENOENT);
	CHECK_EQ(rr_nle_to_errno(NLE_DUMP_INTR), EINTR);
	CHECK_EQ(rr_nle_to_errno(NLE_MAX + 5), EIO);
}

static void test_enum_names(void)
{
	CHECK_STREQ(rdmarpc_port_state_str(RDMARPC_PORT_ACTIVE), "ACTIVE");
	CHECK_STREQ(rdmarpc_port_state_str(RDMARPC_PORT_DOWN), "DOWN");
	CHECK_STREQ(rdmarpc_port_state_str(77), "?");
	CHECK_STREQ(rdmarpc_link_layer_str(RDMARPC_LINK_LAYER_ETHERNET),
		    "ethernet");
	CHECK_STREQ(rdmarpc_link_layer_str(RDMARPC_LINK_LAYER_INFINIBAND),
		    "infiniband");
	CHECK_STREQ(rdmarpc_link_layer_str(3), "?");
	CHECK_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_ROCE_V2), "RoCE v2");
	CHECK_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_ROCE_V1), "RoCE v1");
	CHECK_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_IB), "IB");
	CHECK_STREQ(rdmarpc_gid_type_str(255), "?");
}

const struct unit_test error_tests[] = {
	{ "strerror", test_strerror },
	{ "nle_map", test_nle_map },
	{ "enum_names", test_enum_names },
	{ NULL, NULL },
};
