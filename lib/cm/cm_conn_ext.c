/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * NDK_EXT_DROCE_CONN: the transport parameters of a connection (local ACK timeout, retry
 * and RNR retry counts, a path MTU cap), which NDK leaves to the provider and rdma_cm
 * users set with rdma_set_option() and QP attributes. The active side puts them in its
 * REQ; the passive side takes the REQ's (IBA 12.7: the REQ carries the path).
 */
#include <errno.h>

#include <droce/ndk_ext.h>

#include "cm_pvt.h"

static const uint32_t mtu_bytes[] = { 0, 256, 512, 1024, 2048, 4096 };

static struct lib_conn *
conn_of(struct ndk_connector *pub, int *err)
{
	return (struct lib_conn *)obj_get(pub, NDK_OBJECT_CONNECTOR, err);
}

static int
set_params(struct ndk_connector *pub, const struct droce_conn_params *p)
{
	struct lib_conn *c;
	struct cm *cm;
	int ret;

	c = conn_of(pub, &ret);
	if (c == NULL)
		return ret;
	if (p == NULL || p->ack_timeout > 31 || p->retry_cnt > 7 || p->rnr_retry > 7 ||
	    (p->path_mtu != 0 && (p->path_mtu < 256 || p->path_mtu > 4096 ||
				  (p->path_mtu & (p->path_mtu - 1)) != 0)))
		return -EINVAL;
	cm = c->o.ad->cm;
	if (cm == NULL)
		return -ENOTSUP;
	pthread_mutex_lock(&cm->lock);
	if (c->lis != NULL)
		ret = -EINVAL;		/* passive: the REQ decided */
	else if (c->st != CONN_IDLE || c->qp != NULL)
		ret = -EISCONN;
	if (ret == 0) {
		c->ack_timeout = p->ack_timeout != 0 ? p->ack_timeout : CM_ACK_TIMEOUT;
		c->retry = p->retry_cnt != 0 ? p->retry_cnt : 7;
		c->rnr_retry = p->rnr_retry != 0 ? p->rnr_retry : 7;
		c->max_mtu = p->path_mtu != 0 ? cm_mtu_enum(p->path_mtu) : 0;
		c->params_set = true;
	}
	pthread_mutex_unlock(&cm->lock);
	return ret;
}

static int
get_params(struct ndk_connector *pub, struct droce_conn_params *p)
{
	struct lib_conn *c;
	struct cm *cm;
	int ret;

	c = conn_of(pub, &ret);
	if (c == NULL)
		return ret;
	if (p == NULL)
		return -EINVAL;
	cm = c->o.ad->cm;
	if (cm == NULL)
		return -ENOTSUP;
	pthread_mutex_lock(&cm->lock);
	switch (c->st) {
	case CONN_IDLE:
	case CONN_RESOLVING:
	case CONN_REQ_SENT:
		ret = -ENOTCONN;
		break;
	default:
		p->ack_timeout = c->ack_timeout;
		p->retry_cnt = c->retry;
		p->rnr_retry = c->rnr_retry;
		p->path_mtu = c->path_mtu < RTE_DIM(mtu_bytes) ? mtu_bytes[c->path_mtu] : 0;
		break;
	}
	pthread_mutex_unlock(&cm->lock);
	return ret;
}

static const struct droce_conn_ext conn_ext = {
	.set_params = set_params,
	.get_params = get_params,
};

int
conn_query_extension(struct ndk_object_header *obj, uint32_t id, struct ndk_version version,
		     const void **dispatch)
{
	RTE_SET_USED(obj);
	if (dispatch == NULL)
		return -EINVAL;
	*dispatch = NULL;
	if (id != NDK_EXT_DROCE_CONN || version.major != 1)
		return -ENOTSUP;
	*dispatch = &conn_ext;
	return 0;
}
