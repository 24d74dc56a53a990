/* SPDX-License-Identifier: BSD-3-Clause */
/* Protection domains: a number the engine checks keys against, and a privileged key. */
#include <errno.h>
#include <stdlib.h>

#include "ndk_pvt.h"

static void
pd_create_run(struct ctl_item *it)
{
	struct lib_pd *pd = container_of(it, struct lib_pd, o.item);

	obj_create_done(&pd->o, eng_mr_reg_privileged(pd->o.ad->eng, pd->pdn, &pd->priv));
}

static bool
pd_close_poll(struct obj *o)
{
	struct lib_pd *pd = container_of(o, struct lib_pd, o);

	/* Every MR, MW, SRQ and QP of the PD has closed (no references are left). */
	if (!pd->priv_closing) {
		eng_mr_close_start(pd->priv);
		pd->priv_closing = true;
	}
	return eng_mr_close_poll(pd->priv);
}

static void
pd_free(struct obj *o)
{
	free(container_of(o, struct lib_pd, o));
}

static const struct obj_ops pd_ops = {
	.name = "pd",
	.close_poll = pd_close_poll,
	.free = pd_free,
};

int
pd_create(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx, struct ndk_pd **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct lib_pd *pd;

	RTE_SET_USED(out);	/* a pending create hands the PD to cb only */
	if (cb == NULL)
		return -EINVAL;
	if (obj_parent_ok(&ad->o) != 0)
		return -EBADF;
	pd = calloc(1, sizeof(*pd));
	if (pd == NULL)
		return -ENOMEM;
	obj_init(&pd->o, ad, NDK_OBJECT_PD, &pd_dispatch, &pd_ops);
	/* PD numbers start at 1; they only need to differ within the engine. */
	pd->pdn = __atomic_add_fetch(&ad->next_pd, 1, __ATOMIC_RELAXED);
	return obj_create_pending(&pd->o, pd_create_run, cb, ctx);
}

static int
get_privileged_token(struct ndk_pd *pub, uint32_t *token)
{
	struct lib_pd *pd = (struct lib_pd *)pub;

	if (token == NULL)
		return -EINVAL;
	*token = eng_mr_lkey(pd->priv);
	return 0;
}

const struct ndk_pd_dispatch pd_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.create_mr = mr_create,
	.create_mw = mw_create,
	.create_srq = srq_create,
	.create_qp = qp_create,
	.create_qp_with_srq = qp_create_with_srq,
	.get_privileged_token = get_privileged_token,
};
