// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Error strings, libnl error mapping, enum names.
 */
#include <errno.h>
#include <string.h>
#include <netlink/errno.h>

#include "internal.h"
#include "harness.h"

TEST(strerror)
{
	EXPECT_STREQ(rdmarpc_strerror(0), "success");
	EXPECT_STREQ(rdmarpc_strerror(-EPERM),
		     "operation not permitted: needs CAP_NET_ADMIN");
	EXPECT_STREQ(rdmarpc_strerror(EPERM), rdmarpc_strerror(-EPERM));
	EXPECT_TRUE(strstr(rdmarpc_strerror(-EPROTONOSUPPORT),
			   "module not loaded"));
	EXPECT_TRUE(strstr(rdmarpc_strerror(-EPROTONOSUPPORT), "'rdmarpc'"));
	/* The group and the rule that dist/ installs. */
	EXPECT_TRUE(strstr(rdmarpc_strerror(-EACCES), "group rdmarpc"));
	EXPECT_TRUE(strstr(rdmarpc_strerror(-EACCES), "60-rdmarpc.rules"));
	EXPECT_STREQ(rdmarpc_strerror(-EINVAL), "Invalid argument");
	EXPECT_STREQ(rdmarpc_strerror(-ENODEV), "RDMA device went away");
	EXPECT_STREQ(rdmarpc_strerror(-EIO), "Input/output error");
	EXPECT_STREQ(rdmarpc_strerror(-99999), "unknown error");
}

TEST(nle_map)
{
	EXPECT_EQ(rl_nle_to_errno(0), 0);
	EXPECT_EQ(rl_nle_to_errno(NLE_NOMEM), ENOMEM);
	EXPECT_EQ(rl_nle_to_errno(-NLE_NOMEM), ENOMEM);
	EXPECT_EQ(rl_nle_to_errno(NLE_PERM), EPERM);
	EXPECT_EQ(rl_nle_to_errno(NLE_OBJ_NOTFOUND), ENOENT);
	EXPECT_EQ(rl_nle_to_errno(NLE_DUMP_INTR), EINTR);
	EXPECT_EQ(rl_nle_to_errno(NLE_MAX + 5), EIO);
}

TEST(enum_names)
{
	EXPECT_STREQ(rdmarpc_port_state_str(RDMARPC_PORT_ACTIVE), "ACTIVE");
	EXPECT_STREQ(rdmarpc_port_state_str(RDMARPC_PORT_DOWN), "DOWN");
	EXPECT_STREQ(rdmarpc_port_state_str(77), "?");
	EXPECT_STREQ(rdmarpc_link_layer_str(RDMARPC_LINK_LAYER_ETHERNET),
		     "ethernet");
	EXPECT_STREQ(rdmarpc_link_layer_str(RDMARPC_LINK_LAYER_INFINIBAND),
		     "infiniband");
	EXPECT_STREQ(rdmarpc_link_layer_str(3), "?");
	EXPECT_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_ROCE_V2), "RoCE v2");
	EXPECT_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_ROCE_V1), "RoCE v1");
	EXPECT_STREQ(rdmarpc_gid_type_str(RDMARPC_GID_TYPE_IB), "IB");
	EXPECT_STREQ(rdmarpc_gid_type_str(255), "?");
}

TEST(strerror_in)
{
	/* What -ENOENT means depends on the function. */
	EXPECT_TRUE(strstr(rdmarpc_strerror_in("rdmarpc_open", -ENOENT),
			   "no /dev/rdmarpc"));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_peer_del", -ENOENT),
		     "no peer of that name");
	EXPECT_TRUE(strstr(rdmarpc_strerror_in("rdmarpc_reply", ENOENT),
			   "no such request"));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_reply_batch", -ENOENT),
		     rdmarpc_strerror_in("rdmarpc_reply", -ENOENT));
	EXPECT_TRUE(strstr(rdmarpc_strerror_in("rdmarpc_cancel", -ENOENT),
			   "no such call"));
	EXPECT_TRUE(strstr(rdmarpc_strerror_of(rdmarpc_bind, -EADDRINUSE),
			   "another endpoint"));
	EXPECT_TRUE(strstr(rdmarpc_strerror_of(rdmarpc_connect, -EINVAL),
			   "no such peer"));
	/* Elsewhere, and for errors with no meaning of their own there,
	 * the general text. */
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_call", -ENOENT),
		     rdmarpc_strerror(-ENOENT));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_open", -ENOMEM),
		     rdmarpc_strerror(-ENOMEM));
	EXPECT_STREQ(rdmarpc_strerror_in(NULL, -EPERM),
		     rdmarpc_strerror(-EPERM));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_nope", -ENOENT),
		     rdmarpc_strerror(-ENOENT));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_", -ENOENT),
		     rdmarpc_strerror(-ENOENT));
	/* Names are whole words: "reply" is not "reply_error"'s prefix. */
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_re", -ENOENT),
		     rdmarpc_strerror(-ENOENT));
	EXPECT_STREQ(rdmarpc_strerror_in("open", -ENOENT),
		     rdmarpc_strerror(-ENOENT));
	EXPECT_STREQ(rdmarpc_strerror_in("rdmarpc_open", 0), "success");
}
