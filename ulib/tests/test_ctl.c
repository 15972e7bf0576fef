// SPDX-License-Identifier: GPL-2.0
/*
 * rdmarpcctl's command-line parsers: probabilities, hex keys, on/off, MACs.
 */
#include <stdint.h>
#include <string.h>

#include "ctl.h"
#include "harness.h"

TEST(ctl_ppm)
{
	uint32_t v = 7;

	EXPECT_EQ(ctl_parse_ppm("0.05", &v), 0);
	EXPECT_EQ(v, 50000);
	EXPECT_EQ(ctl_parse_ppm("0", &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(ctl_parse_ppm("1.0", &v), 0);
	EXPECT_EQ(v, 1000000);
	EXPECT_EQ(ctl_parse_ppm("1", &v), 0);	/* bare integer: ppm */
	EXPECT_EQ(v, 1);
	EXPECT_EQ(ctl_parse_ppm("5%", &v), 0);
	EXPECT_EQ(v, 50000);
	EXPECT_EQ(ctl_parse_ppm("0.5%", &v), 0);
	EXPECT_EQ(v, 5000);
	EXPECT_EQ(ctl_parse_ppm("100%", &v), 0);
	EXPECT_EQ(v, 1000000);
	EXPECT_EQ(ctl_parse_ppm("250ppm", &v), 0);
	EXPECT_EQ(v, 250);
	EXPECT_EQ(ctl_parse_ppm("1e-3", &v), 0);
	EXPECT_EQ(v, 1000);
	EXPECT_EQ(ctl_parse_ppm("0.0000001", &v), 0);
	EXPECT_EQ(v, 0);
	EXPECT_EQ(ctl_parse_ppm("1000000", &v), 0);
	v = 7;
	EXPECT_EQ(ctl_parse_ppm("1000001", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("1.5", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("101%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("-0.1", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("+0.1", &v), -1);
	EXPECT_EQ(ctl_parse_ppm(".5", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("0.5x", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("nan", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("inf%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("%", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("ppm", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("1.5ppm", &v), -1);
	EXPECT_EQ(ctl_parse_ppm("", &v), -1);
	EXPECT_EQ(v, 7);
}

TEST(ctl_hex)
{
	uint8_t k[4];

	EXPECT_EQ(ctl_parse_hex("00aBcDff", k, 4), 0);
	EXPECT_TRUE(!memcmp(k, "\x00\xab\xcd\xff", 4));
	EXPECT_EQ(ctl_parse_hex("00abcdf", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("00abcdfff", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("00abcdfg", k, 4), -1);
	EXPECT_EQ(ctl_parse_hex("", k, 0), 0);
}

TEST(ctl_onoff_mac)
{
	const uint8_t mac[6] = { 0x02, 0xab, 0, 0x10, 0xff, 0x9 };
	char buf[18];
	int on = 5;

	EXPECT_EQ(ctl_parse_onoff("on", &on), 0);
	EXPECT_EQ(on, 1);
	EXPECT_EQ(ctl_parse_onoff("off", &on), 0);
	EXPECT_EQ(on, 0);
	EXPECT_EQ(ctl_parse_onoff("1", &on), 0);
	EXPECT_EQ(on, 1);
	EXPECT_EQ(ctl_parse_onoff("yes", &on), -1);
	ctl_mac_str(mac, buf, sizeof(buf));
	EXPECT_STREQ(buf, "02:ab:00:10:ff:09");
}
