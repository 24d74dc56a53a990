/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef RPING_H
#define RPING_H

/*
 * droce-rping: librdmacm's rping on droce's public API. The wire protocol is rping's: an
 * RC connection made by rdma_cm (the CM here), then per ping the client advertises its
 * source buffer in a 16-byte SEND, the server RDMA READs it and answers "go ahead", the
 * client advertises its sink buffer, the server RDMA WRITEs the data back and answers
 * again. Nobody but rping's own byte layout is assumed of the peer.
 */

#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <droce/droce.h>
#include <droce/ndk.h>

#include "app_opts.h"

#define RPING_PORT		7174
#define RPING_BUFSIZE		(64 * 1024)	/* rping's largest buffer (+1) */
#define RPING_MSG_FMT		"rdma-ping-%d: "
/* rping: sizeof(stringify(INT_MAX)) + sizeof(RPING_MSG_FMT), INT_MAX as "0x7fffffff". */
#define RPING_MIN_SIZE		(11 + (int)sizeof(RPING_MSG_FMT))
#define RPING_SQ_DEPTH		16		/* rping's send queue depth */
#define RPING_STEP_MS		30000		/* one step of a ping may take this long */

/* rping's advertisement, every field in network byte order. */
struct rping_info {
	uint64_t buf;
	uint32_t rkey;
	uint32_t size;
};

/* rping's states, in its order: the server's receive handler compares them. */
enum rping_state {
	ST_IDLE = 1,
	ST_CONNECTED = 5,
	ST_READ_ADV,
	ST_READ_COMPLETE,
	ST_WRITE_ADV,
	ST_WRITE_COMPLETE,
	ST_DISCONNECTED,
	ST_ERROR,
};

struct rping_opts {
	struct app_port_opts port;
	bool server;
	bool client;
	struct sockaddr_storage addr;	/* -a: listen on (server) or connect to (client) */
	struct sockaddr_storage src;	/* -I: the client's source address */
	bool has_src;
	uint16_t tcp_port;		/* -p */
	int count;			/* -C; 0 = until interrupted, as rping */
	int size;			/* -S */
	bool verbose, validate, debug;
};

/* One run: the environment, the NDK objects and the protocol state. */
struct rping {
	struct rping_opts *o;
	struct droce_port *port;
	struct droce_engine *eng;
	struct ndk_adapter *ad;
	struct ndk_pd *pd;
	struct ndk_cq *cq;
	struct ndk_qp *qp;
	struct ndk_mr *recv_mr, *send_mr, *rdma_mr, *start_mr;
	struct ndk_listener *lis;
	struct ndk_connector *conn;
	struct rping_info recv_buf, send_buf;
	char *rdma_buf, *start_buf;
	uint32_t rdma_len;		/* size of rdma_buf */
	enum rping_state state;
	uint64_t remote_addr;		/* the peer's last advertisement, host order */
	uint32_t remote_rkey, remote_len;
	int pings;			/* completed */
	/* Set by callbacks (any thread), each followed by a post of sem. */
	sem_t sem;
	int disconnected;
	int pending;			/* requests and closes not called back yet */
	int status;			/* the last request's status */
	struct ndk_object_header *created;
	struct ndk_connector *incoming;
};

extern volatile int rping_stop;		/* SIGINT / SIGTERM */

#define DBG(r, ...) do { if ((r)->o->debug) printf("droce-rping: " __VA_ARGS__); } while (0)

/* res.c: objects and waiting. */
int res_open(struct rping *r);
void res_close(struct rping *r);
void res_nap(struct rping *r, unsigned int ms);
int res_request(struct rping *r, int ret, const char *what);
int res_wait(struct rping *r, int *flag, int want, unsigned int ms);
void res_request_cb(void *ctx, int status);

/* ping.c: rping's two roles. 0 when every ping completed. */
int ping_client(struct rping *r);
int ping_server(struct rping *r);

#endif /* RPING_H */
