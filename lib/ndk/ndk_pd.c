/* SPDX-License-Identifier: BSD-3-Clause */
/* Protection domains: a number the engine checks keys against, and a privileged key. */
#include <errno.h>
#include <stdlib.h>

#include "ndk_pvt.h"

int ndk_create_pd_impl(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx,
		       struct ndk_pd **out);

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
ndk_create_pd_impl(struct ndk_adapter *pub, ndk_create_cb cb, void *ctx, struct ndk_pd **out)
{
	struct adapter *ad = (struct adapter *)pub;
	struct lib_pd *pd;

	RTE_SET_USED(out);	/* a pending create hands the PD to cb only */
	if (cb == NULL)
		return -EINVAL;
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

int ndk_create_mr_impl(struct ndk_pd *pub, bool fast, ndk_create_cb cb, void *ctx,
		       struct ndk_mr **out);
int ndk_create_mw_impl(struct ndk_pd *pub, ndk_create_cb cb, void *ctx, struct ndk_mw **out);
int ndk_create_srq_impl(struct ndk_pd *pub, uint32_t depth, uint32_t max_sge,
			uint32_t threshold, ndk_srq_notify_cb notify, void *notify_ctx,
			int lcore_hint, ndk_create_cb cb, void *ctx, struct ndk_srq **out);
int ndk_create_qp_impl(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq,
		       void *qp_ctx, uint32_t rq_depth, uint32_t iq_depth, uint32_t max_rsge,
		       uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
		       struct ndk_qp **out);
int ndk_create_qp_srq_impl(struct ndk_pd *pub, struct ndk_cq *rcq, struct ndk_cq *icq,
			   struct ndk_srq *srq, void *qp_ctx, uint32_t iq_depth,
			   uint32_t max_isge, uint32_t inline_size, ndk_create_cb cb, void *ctx,
			   struct ndk_qp **out);

const struct ndk_pd_dispatch pd_dispatch = {
	.close = obj_close_fn,
	.query_extension = ext_none,
	.create_mr = ndk_create_mr_impl,
	.create_mw = ndk_create_mw_impl,
	.create_srq = ndk_create_srq_impl,
	.create_qp = ndk_create_qp_impl,
	.create_qp_with_srq = ndk_create_qp_srq_impl,
	.get_privileged_token = get_privileged_token,
};
