/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tgt_nqn.c: NVMe Qualified Names (NVMe Base 2.0 4.5). Checked where a name enters the
 * target: the config (subsystem and host NQNs) and the Connect data.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "nvmf_wire.h"

#define NQN_DATE_END	12	/* "nqn.yyyy-mm." */
#define NQN_LABEL_MAX	63	/* RFC 1035 2.3.4: a domain label is at most 63 bytes */
#define NQN_UUID_LEN	36	/* 8-4-4-4-12 */

/* strlen(s), or max + 1 when longer than max: never reads past the NUL or s[max]. */
static size_t
bounded_len(const char *s, size_t max)
{
	size_t n = 0;

	while (n <= max && s[n] != '\0')
		n++;
	return n;
}

/* Fill why (when given) and return err: one line per refusal. */
static int
refuse(char *why, size_t why_len, int err, const char *reason)
{
	if (why != NULL && why_len > 0)
		snprintf(why, why_len, "%s", reason);
	return err;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* RFC 4122 3: the string form, hex digit groups of 8-4-4-4-12 (either case). */
static bool
is_uuid(const char *s)
{
	size_t i;

	if (strlen(s) != NQN_UUID_LEN)
		return false;
	for (i = 0; i < NQN_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !is_hex(s[i]))
			return false;
	}
	return true;
}

/* "yyyy-mm." after "nqn.": the date the naming authority owned the domain. */
static const char *
check_date(const char *nqn)
{
	int month;

	if (!is_digit(nqn[4]) || !is_digit(nqn[5]) || !is_digit(nqn[6]) || !is_digit(nqn[7]))
		return "year is not 4 digits (nqn.yyyy-mm.)";
	if (nqn[8] != '-' || !is_digit(nqn[9]) || !is_digit(nqn[10]))
		return "month is not 2 digits (nqn.yyyy-mm.)";
	month = (nqn[9] - '0') * 10 + (nqn[10] - '0');
	if (month < 1 || month > 12)
		return "month is not 01-12";
	if (nqn[11] != '.')
		return "no '.' after the date (nqn.yyyy-mm.)";
	return NULL;
}

/*
 * The reverse domain name in [s, end): labels of letters, digits and '-' separated by '.',
 * each starting with a letter and ending with a letter or digit (RFC 1035 2.3.1, the rule
 * SPDK applies).
 */
static const char *
check_domain(const char *s, const char *end)
{
	size_t label = 0;

	if (s == end)
		return "empty reverse domain name";
	for (; s < end; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return "domain label empty or ending with '-'";
			label = 0;
			continue;
		}
		if (label == 0 && !is_alpha(*s))
			return "domain label does not start with a letter";
		if (!is_alpha(*s) && !is_digit(*s) && *s != '-')
			return "domain label has a character other than letter, digit, '-'";
		if (++label > NQN_LABEL_MAX)
			return "domain label longer than 63 bytes";
	}
	if (label == 0 || end[-1] == '-')
		return "domain label empty or ending with '-'";
	return NULL;
}

/* Bytes of the UTF-8 sequence led by c (RFC 3629 3), 0 when c cannot lead one. */
static size_t
utf8_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef)
		return 3;
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	return 0;
}

/*
 * The string after ':' is UTF-8 (NVMe Base 2.0 4.5). Lead bytes and continuations are
 * checked; overlong 3- and 4-byte forms and surrogates are not, a host never sends them.
 */
static const char *
check_user(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, i;

	if (*p == '\0')
		return "empty string after ':'";
	while (*p != '\0') {
		if (*p < 0x20 || *p == 0x7f)
			return "control character";
		n = utf8_len(*p);
		if (n == 0)
			return "not UTF-8";
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return "not UTF-8";
		p += n;
	}
	return NULL;
}

/* The "nqn.yyyy-mm.<reverse domain>:<string>" form. */
static const char *
check_named(const char *nqn)
{
	const char *colon;
	const char *err;

	if (strncmp(nqn, "nqn.", 4) != 0)
		return "does not start with \"nqn.\"";
	if (strlen(nqn) < NQN_DATE_END)
		return "too short for nqn.yyyy-mm.";
	err = check_date(nqn);
	if (err != NULL)
		return err;
	colon = strchr(nqn + NQN_DATE_END, ':');
	if (colon == NULL)
		return "no ':' after the reverse domain name";
	err = check_domain(nqn + NQN_DATE_END, colon);
	if (err != NULL)
		return err;
	return check_user(colon + 1);
}

bool
nvmf_nqn_is_discovery(const char *nqn)
{
	return strcmp(nqn, NVMF_DISCOVERY_NQN) == 0;
}

int
nvmf_nqn_check(const char *nqn, char *why, size_t why_len)
{
	size_t plen = strlen(NVMF_UUID_NQN_PREFIX);
	size_t len = bounded_len(nqn, NVMF_NQN_MAX_LEN);
	const char *err;

	if (len == 0)
		return refuse(why, why_len, -EINVAL, "empty");
	/* NVMe Base 2.0 4.5: 223 bytes at most, not counting the NUL. */
	if (len > NVMF_NQN_MAX_LEN)
		return refuse(why, why_len, -ENAMETOOLONG, "longer than 223 bytes");
	if (nvmf_nqn_is_discovery(nqn))
		return 0;
	if (strncmp(nqn, NVMF_UUID_NQN_PREFIX, plen) == 0) {
		if (!is_uuid(nqn + plen))
			return refuse(why, why_len, -EINVAL,
				      "UUID form without a 36-character UUID");
		return 0;
	}
	err = check_named(nqn);
	if (err != NULL)
		return refuse(why, why_len, -EINVAL, err);
	return 0;
}
