// SPDX-License-Identifier: GPL-2.0
/*
 * Pure parsers and formatters of the command line (host unit tests run
 * them): probabilities, hex keys, key files, on/off, MAC addresses.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ctl.h"

int ctl_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int ctl_parse_s32(const char *s, int32_t *v)
{
	long long x;
	char *end;

	if (!*s)
		return -1;
	errno = 0;
	x = strtoll(s, &end, 0);
	if (errno || *end || x < INT32_MIN || x > INT32_MAX)
		return -1;
	*v = (int32_t)x;
	return 0;
}

int ctl_parse_ppm(const char *s, uint32_t *ppm)
{
	size_t n = strlen(s);
	double v, scale;
	char num[32], *end;
	uint32_t x;

	if (!n || n >= sizeof(num) || *s == '-' || *s == '+')
		return -1;
	memcpy(num, s, n + 1);
	if (n > 3 && !strcmp(num + n - 3, "ppm")) {
		num[n - 3] = '\0';
		if (strchr(num, '.') || ctl_parse_u32(num, &x) ||
		    x > RDMARPC_PPM)
			return -1;
		*ppm = x;
		return 0;
	}
	if (num[n - 1] == '%') {
		num[n - 1] = '\0';
		scale = RDMARPC_PPM / 100.0;
	} else if (strchr(num, '.') || strchr(num, 'e') || strchr(num, 'E')) {
		scale = RDMARPC_PPM;
	} else {
		/* A bare integer is in parts per million. */
		if (ctl_parse_u32(num, &x) || x > RDMARPC_PPM)
			return -1;
		*ppm = x;
		return 0;
	}
	if (!num[0] || num[0] == '.' || !strchr("0123456789", num[0]))
		return -1;
	errno = 0;
	v = strtod(num, &end);
	if (errno || *end || !isfinite(v) || v < 0)
		return -1;
	v = v * scale;
	if (v > RDMARPC_PPM)
		return -1;
	*ppm = (uint32_t)llround(v);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int ctl_parse_hex(const char *s, uint8_t *out, size_t len)
{
	size_t i;

	if (strlen(s) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* Room for a key with generous white space; more is no key file. */
#define PSK_FILE_MAX	1024

int ctl_psk_read(int fd, uint8_t *out, size_t len, const char **why)
{
	char buf[PSK_FILE_MAX + 1];
	size_t n = 0, start = 0;
	struct stat st;
	ssize_t r;
	int ret = -EINVAL;

	if (fstat(fd, &st)) {
		*why = strerror(errno);
		return -errno;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		*why = "group or others may read or write it (chmod 600 it)";
		return -EACCES;
	}
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			*why = strerror(errno);
			goto out;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	if (n > PSK_FILE_MAX) {
		*why = "too long for a key";
		goto out;
	}
	while (n && isspace((unsigned char)buf[n - 1]))
		n--;
	while (start < n && isspace((unsigned char)buf[start]))
		start++;
	buf[n] = '\0';
	if (start == n)
		*why = "empty";
	else if (ctl_parse_hex(buf + start, out, len))
		*why = "not a key in hex digits";
	else
		ret = 0;
out:
	explicit_bzero(buf, sizeof(buf));
	return ret;
}

int ctl_parse_onoff(const char *s, int *on)
{
	if (!strcmp(s, "on") || !strcmp(s, "1")) {
		*on = 1;
		return 0;
	}
	if (!strcmp(s, "off") || !strcmp(s, "0")) {
		*on = 0;
		return 0;
	}
	return -1;
}

void ctl_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}
