/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What a net_memif port needs beyond the ethdev API: DPDK 22.11's memif shares 4 KiB
 * pages that fault on first use, and its close races with its own interrupt thread.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_devargs.h>
#include <rte_ethdev.h>

#include "port_pvt.h"

bool
port_is_memif(uint16_t port_id)
{
	struct rte_eth_dev_info info;

	return rte_eth_dev_info_get(port_id, &info) == 0 && info.driver_name != NULL &&
	       strcmp(info.driver_name, "net_memif") == 0;
}

/*
 * memif's shared memory (rings and packet buffers, memfds named memif_region_<n>, which
 * both ends map) comes in 4 KiB pages, each faulted in on its first use: about one
 * fault per packet over the first pass through a 1024-slot ring. On this project's
 * paravirtualised (PVM) hosts the first access to a page costs a hypervisor fault
 * besides the kernel's, 10-20 us: a send_lat ping-pong took 46 us a round trip for its
 * first ~500 iterations and 3.5 us after (rsize=8: the first ~125). So when the link
 * comes up (the regions are mapped by then) every page is faulted in: MADV_POPULATE_WRITE
 * (Linux 5.14) for the kernel's part, then a write to each page for the hypervisor's,
 * which the madvise does not prepay (with it alone the first pass still cost 12 us a
 * round trip). The write is a compare-and-swap of the page's first word with itself:
 * atomic, so a word the peer writes at the same time keeps its value.
 */
static unsigned int
touch(unsigned long lo, unsigned long hi)
{
	unsigned int n = 0;
	unsigned long a;

	for (a = lo; a < hi; a += 4096, n++) {
		uint64_t *w = (uint64_t *)a;
		uint64_t v = __atomic_load_n(w, __ATOMIC_RELAXED);

		(void)__atomic_compare_exchange_n(w, &v, v, false, __ATOMIC_RELAXED,
						  __ATOMIC_RELAXED);
	}
	return n;
}

static unsigned int
memif_prefault(void)
{
	unsigned long lo, hi;
	unsigned int n = 0;
	char line[512], perm[5];
	FILE *f = fopen("/proc/self/maps", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strstr(line, "/memfd:memif_region_") == NULL ||
		    sscanf(line, "%lx-%lx %4s", &lo, &hi, perm) != 3 || hi <= lo ||
		    strncmp(perm, "rw", 2) != 0)
			continue;
#ifdef MADV_POPULATE_WRITE
		(void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#endif
		n += touch(lo, hi);
	}
	fclose(f);
	return n;
}

/* Link checks every this many polls (about a millisecond on a busy poller). */
#define MEMIF_WATCH_POLLS	1024

void
port_memif_watch(struct port *port)
{
	struct rte_eth_link link;
	unsigned int n;

	if ((++port->memif_polls & (MEMIF_WATCH_POLLS - 1)) != 0 ||
	    rte_eth_link_get_nowait(port->port_id, &link) != 0)
		return;
	/* A peer that reconnects brings new regions: fault them in again. */
	if (link.link_status == RTE_ETH_LINK_DOWN) {
		port->memif_faulted = false;
		return;
	}
	if (port->memif_faulted)
		return;
	port->memif_faulted = true;
	n = memif_prefault();
	port->ctr[PORT_MEMIF_PAGES_FAULTED] += n;
	PORT_LOG(DEBUG, "%s: link up, %u pages of shared memory faulted in", port->devname, n);
}

/*
 * The two ends of a net_memif link must not take it down together, nor under a poller.
 * DPDK 22.11's memif frees the shared rings from its interrupt thread when the peer goes
 * away, even while a poller is inside rte_eth_rx_burst(); and a close racing with that
 * handler frees the device under it (a SIGSEGV in eal-intr-thread at exit). So the ends
 * take turns: the client, whose engine has stopped, gives the server PORT_MEMIF_LINGER_MS
 * to stop polling too, then goes; the server waits until the client's close has taken
 * its link down (at most PORT_MEMIF_PEER_WAIT_MS, for a peer that never closes), then
 * gives the handler that did it PORT_MEMIF_SETTLE_MS to return. (An EAL alarm as a
 * barrier with the interrupt thread is worse: rte_eal_cleanup() then unregisters the
 * alarm's handler, which wakes that thread to walk its sources, among them memif's
 * listener, freed by the close without being unregistered.)
 */
#define PORT_MEMIF_LINGER_MS	300
#define PORT_MEMIF_PEER_WAIT_MS	5000
#define PORT_MEMIF_SETTLE_MS	50

void
port_memif_take_turn(const struct port *port)
{
	struct rte_eth_dev_info info;
	const struct rte_devargs *da;
	struct rte_eth_link link;
	unsigned int ms;

	/* A net_memif device, probed by us or by the EAL; its role is in its devargs. */
	if (!port->memif || rte_eth_dev_info_get(port->port_id, &info) != 0)
		return;
	da = info.device != NULL ? rte_dev_devargs(info.device) : NULL;
	if (da != NULL && da->args != NULL &&
	    (strstr(da->args, "role=client") != NULL || strstr(da->args, "role=slave") != NULL)) {
		rte_delay_us_sleep(PORT_MEMIF_LINGER_MS * 1000);
		return;
	}
	for (ms = 0; ms < PORT_MEMIF_PEER_WAIT_MS; ms += 10) {
		if (rte_eth_link_get_nowait(port->port_id, &link) != 0 ||
		    link.link_status == RTE_ETH_LINK_DOWN)
			break;
		rte_delay_us_sleep(10 * 1000);
	}
	rte_delay_us_sleep(PORT_MEMIF_SETTLE_MS * 1000);
}
