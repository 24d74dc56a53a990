/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * An application outside the droce tree: built only from the installed headers and
 * `pkg-config --cflags --libs libdroce`, it starts the EAL through droce, attaches a
 * net_null port and prints what droce says about it.
 */
#include <stdio.h>

#include <droce/droce.h>

int
main(int argc, char **argv)
{
	const char *vdev[] = { "net_null0" };
	struct droce_eal_conf ec = { .vdevs = vdev, .nb_vdevs = 1 };
	struct droce_port_conf pc = { .mtu = 9000 };
	struct droce_port *port;
	char buf[DROCE_ADDR_STRLEN];
	int ret;

	(void)argc;
	ret = droce_eal_init(argv[0], &ec);
	if (ret != 0) {
		fprintf(stderr, "eal: %s\n", droce_strerror(ret));
		return 1;
	}
	ret = droce_port_attach("net_null0", &pc, &port);
	if (ret != 0) {
		fprintf(stderr, "attach: %s\n", droce_strerror(ret));
		return 1;
	}
	ret = droce_port_addr_add(port, "2001:db8::7/64");
	droce_port_addr_get(port, ret, buf, sizeof(buf));
	printf("outside app: gid[%d] %s path_mtu %u\n", ret, buf, droce_port_path_mtu(port));
	droce_port_detach(port);
	droce_eal_cleanup();
	return 0;
}
