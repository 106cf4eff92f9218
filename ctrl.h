/* SPDX-License-Identifier: MIT */
/*
 * The control connection between two ncdevmem ends (protocol: ctrl_proto.h).
 * It is a TCP connection of its own on port -p + 1 (-p - 1 for 65535): the
 * devmem steering rule matches the data port, so control traffic never
 * lands in device memory and never touches the rule.
 *
 * Client: dial it (bounded by --connect-timeout), send HELLO with its
 * settings, get ACCEPT with the settings both ends run or REFUSE with
 * why.  Nothing listening, or no well-formed reply in time: the server is
 * not ncdevmem (nc, socat, the kernel selftest) and the run goes on as
 * before, on the client's own options.
 * Server: listen on it next to the data port and wait for whichever comes
 * first: a HELLO (an ncdevmem client) or a data connection (anything else:
 * the server runs on its own options).  A control peer that sends garbage
 * or nothing within --connect-timeout is dropped with one line.
 * At the end both ends send RESULT and read the peer's (--idle-timeout).
 */
#ifndef NCD_CTRL_H
#define NCD_CTRL_H

#include <netinet/in.h>
#include "ctrl_proto.h"
#include "opts.h"

struct ncd_ctrl {
	int fd;			/* -1: no control connection (plain peer) */
	struct in6_addr peer;	/* the server accepts data flows only from it */
	struct ncd_ctrl_settings agreed;	/* what both ends run */
};

/* The control port for data port @port. */
uint16_t ncd_ctrl_port(uint16_t port);

/*
 * Client: negotiate.  0 with c->fd >= 0 and @o changed to the agreed
 * settings, 0 with c->fd == -1 (no ncdevmem server: @o unchanged),
 * NCD_EXIT_USAGE when refused, NCD_EXIT_FAIL (printed).
 */
int ncd_ctrl_client(struct ncd_ctrl *c, struct ncd_opts *o);

/* Server: the control listener, or -1 (quietly: runs go on without it;
 * ncd_ctrl_listen_note() says so once the data port is ours). */
int ncd_ctrl_listen(const struct ncd_opts *o);
void ncd_ctrl_listen_note(const struct ncd_opts *o, int fd);
/*
 * Server: wait on @ctrl_lfd and @data_lfd.  0 with c->fd == -1: a data
 * connection came first (it stays queued).  0 with c->fd >= 0: @o holds
 * the agreed settings, to be confirmed with ncd_ctrl_accept() or
 * ncd_ctrl_refuse().  NCD_EXIT_USAGE: refused (conflict; both ends got the
 * line).  -EINTR: stopped.  NCD_EXIT_FAIL: no peer within --time.
 */
int ncd_ctrl_server_wait(struct ncd_ctrl *c, int ctrl_lfd, int data_lfd,
			 struct ncd_opts *o);
int ncd_ctrl_accept(struct ncd_ctrl *c, const struct ncd_opts *o);
/* Print "ncdevmem: <why>" and send it as REFUSE. */
void ncd_ctrl_refuse(struct ncd_ctrl *c, const char *why);

/* Both: send @mine, read the peer's into @peer within @secs (0: 10 s).
 * 0, or -1 with a line printed. */
int ncd_ctrl_results(struct ncd_ctrl *c, const struct ncd_ctrl_result *mine,
		     struct ncd_ctrl_result *peer, double secs);
/* Both, at the end of a run: when there is a control connection, trade
 * @rep's results for the peer's (into @peer) and let @rep show them. */
struct ncd_report;
void ncd_ctrl_trade(struct ncd_ctrl *c, struct ncd_report *rep,
		    struct ncd_ctrl_result *peer, double secs);
void ncd_ctrl_close(struct ncd_ctrl *c);

/* The settings @o carries (pure; unit-tested). */
void ncd_ctrl_settings_of(const struct ncd_opts *o, struct ncd_ctrl_settings *s);
/* Server @o meets client @s: what both run into @out (a setting given on
 * one end wins over the other's default).  0, or -1 with the conflict in
 * @why. */
int ncd_ctrl_merge(const struct ncd_opts *o, const struct ncd_ctrl_settings *s,
		   struct ncd_ctrl_settings *out, char *why, size_t wlen);
/* Put the agreed settings @s into @o, for the end that @o describes. */
void ncd_ctrl_apply(struct ncd_opts *o, const struct ncd_ctrl_settings *s);

#endif
