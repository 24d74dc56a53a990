/* SPDX-License-Identifier: BSD-3-Clause */
/* Addresses in text form and errno names. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "droce/droce.h"
#include "env_pvt.h"

bool
env_addr_is_v4mapped(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

static int
parse_prefix(const char *s, unsigned int max, uint8_t *len)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v == 0 || v > max)
		return -EINVAL;
	*len = (uint8_t)v;
	return 0;
}

int
droce_addr_parse(const char *s, uint8_t addr[16], uint8_t *prefix_len)
{
	char buf[DROCE_ADDR_STRLEN];
	const char *slash;
	bool v4;

	if (s == NULL || addr == NULL || strlen(s) >= sizeof(buf))
		return -EINVAL;
	slash = strchr(s, '/');
	if (slash != NULL && prefix_len == NULL)
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash ? slash - s : (long)strlen(s)), s);
	memset(addr, 0, 16);
	v4 = strchr(buf, ':') == NULL;
	if (v4) {
		addr[10] = addr[11] = 0xff;
		if (inet_pton(AF_INET, buf, addr + 12) != 1)
			return -EINVAL;
	} else if (inet_pton(AF_INET6, buf, addr) != 1) {
		return -EINVAL;
	}
	if (prefix_len == NULL)
		return 0;
	*prefix_len = v4 ? 32 : 128;
	return slash != NULL ? parse_prefix(slash + 1, *prefix_len, prefix_len) : 0;
}

const char *
droce_addr_format(const uint8_t addr[16], char *buf, size_t len)
{
	if (env_addr_is_v4mapped(addr))
		inet_ntop(AF_INET, addr + 12, buf, len);
	else
		inet_ntop(AF_INET6, addr, buf, len);
	return buf;
}

const char *
droce_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EHOSTUNREACH:
		return "peer did not answer address resolution";
	case -ENETUNREACH:
		return "port has no address of that family";
	case -EAGAIN:
		return "in progress, try again";
	case -ETIMEDOUT:
		return "timed out";
	case -ENODEV:
		return "no such device";
	case -EBUSY:
		return "device already attached";
	case -EALREADY:
		return "already initialised";
	default:
		return strerror(-err);
	}
}
