/* SPDX-License-Identifier: BSD-3-Clause */
/* droce statuses: completions to errno values, and errno values to NDK's NTSTATUS names. */
#include <errno.h>

#include "ndk_pvt.h"

/*
 * Completion status of a work request, as NDK providers report it (WinOF's ND mapping):
 * flushed -> cancelled; retries exhausted -> timeout; local protection and bind errors ->
 * access violation; anything the peer refused -> remote error.
 */
int
status_of_wc(enum eng_wc_status st)
{
	switch (st) {
	case ENG_WC_SUCCESS:
		return 0;
	case ENG_WC_WR_FLUSH_ERR:
		return -ECANCELED;
	case ENG_WC_RETRY_EXC_ERR:
	case ENG_WC_RNR_RETRY_EXC_ERR:
		return -ETIMEDOUT;
	case ENG_WC_LOC_LEN_ERR:
		return -EOVERFLOW;
	case ENG_WC_LOC_PROT_ERR:
	case ENG_WC_MW_BIND_ERR:
		return -EACCES;
	case ENG_WC_REM_INV_REQ_ERR:
	case ENG_WC_REM_ACCESS_ERR:
	case ENG_WC_REM_OP_ERR:
		return -EREMOTEIO;
	default:
		return -EIO;
	}
}

static const struct {
	int status;
	uint32_t nt;
	const char *name;
} table[] = {
	{ 0, 0x00000000, "STATUS_SUCCESS" },
	{ NDK_PENDING, 0x00000103, "STATUS_PENDING" },
	{ -EOVERFLOW, 0x80000005, "STATUS_BUFFER_OVERFLOW" },
	{ -EACCES, 0xC0000005, "STATUS_ACCESS_VIOLATION" },
	{ -EBADF, 0xC0000008, "STATUS_INVALID_HANDLE" },
	{ -EINVAL, 0xC000000D, "STATUS_INVALID_PARAMETER" },
	{ -ENOBUFS, 0xC0000023, "STATUS_BUFFER_TOO_SMALL" },
	{ -EADDRINUSE, 0xC0000043, "STATUS_SHARING_VIOLATION" },
	{ -ENOMEM, 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES" },
	{ -ENOSPC, 0xC000009A, "STATUS_INSUFFICIENT_RESOURCES" },
	{ -ETIMEDOUT, 0xC00000B5, "STATUS_IO_TIMEOUT" },
	{ -ENOTSUP, 0xC00000BB, "STATUS_NOT_SUPPORTED" },
	{ -EIO, 0xC00000E5, "STATUS_INTERNAL_ERROR" },
	{ -ECANCELED, 0xC0000120, "STATUS_CANCELLED" },
	{ -EREMOTEIO, 0xC000013D, "STATUS_REMOTE_RESOURCES" },
	{ -EADDRNOTAVAIL, 0xC0000141, "STATUS_INVALID_ADDRESS" },
	{ -EALREADY, 0xC0000184, "STATUS_INVALID_DEVICE_STATE" },
	{ -ECONNREFUSED, 0xC0000236, "STATUS_CONNECTION_REFUSED" },
	{ -ENOTCONN, 0xC000023A, "STATUS_CONNECTION_INVALID" },
	{ -EISCONN, 0xC000023B, "STATUS_CONNECTION_ACTIVE" },
	{ -ENETUNREACH, 0xC000023C, "STATUS_NETWORK_UNREACHABLE" },
	{ -EHOSTUNREACH, 0xC000023D, "STATUS_HOST_UNREACHABLE" },
	{ -ECONNABORTED, 0xC0000241, "STATUS_CONNECTION_ABORTED" },
	{ -E2BIG, 0xC000042B, "STATUS_IMPLEMENTATION_LIMIT" },
	{ -EPROTONOSUPPORT, 0xC0010004, "NDIS_STATUS_BAD_VERSION" },
};

uint32_t
ndk_status_ntstatus(int status)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(table); i++)
		if (table[i].status == status)
			return table[i].nt;
	return 0xC0000001;	/* STATUS_UNSUCCESSFUL */
}

const char *
ndk_status_name(int status)
{
	unsigned int i;

	for (i = 0; i < RTE_DIM(table); i++)
		if (table[i].status == status)
			return table[i].name;
	return "STATUS_UNSUCCESSFUL";
}
