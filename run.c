// SPDX-License-Identifier: MIT
/* Flow threads and the time-keeping main thread; see run.h. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "run.h"
#include "stop.h"

#define SIG_FLOW	SIGUSR1		/* a flow started or ended */

static void on_flow_signal(int sig)
{
	/* never runs while blocked; keeps a late SIGUSR1 from killing us */
}

int ncd_run_init(struct ncd_run *r, const struct ncd_opts *o, const char *role,
		 unsigned int nflows, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->nflows = nflows;
	r->ctx = ctx;
	r->listen_fd = -1;
	r->main_thread = pthread_self();
	signal(SIG_FLOW, on_flow_signal);
	pthread_mutex_init(&r->lock, NULL);
	for (unsigned int i = 0; i < nflows; i++) {
		r->fds[i] = -1;
		r->flows[i] = (struct ncd_flow){ .run = r, .idx = i,
						 .side_idx = i,
						 .st = &r->stats[i] };
		r->stats[i].sending = !strcmp(role, "sender");
	}
	return ncd_report_init(&r->rep, o, role, r->stats, nflows, stderr);
}

static void notify_main(struct ncd_run *r)
{
	pthread_kill(r->main_thread, SIG_FLOW);
}

void ncd_flow_begin(struct ncd_flow *f, int fd)
{
	struct ncd_run *r = f->run;

	pthread_mutex_lock(&r->lock);
	ncd_report_start(&r->rep);
	f->st->t_start = ncd_now() - r->rep.t0;
	f->st->socket = fd;
	ncd_sock_names(fd, &f->st->names);
	pthread_mutex_unlock(&r->lock);
	atomic_store(&r->fds[f->idx], fd);
	atomic_store(&f->st->started, 1);
	if (atomic_load(&r->stop))	/* stop raced with the connect */
		shutdown(fd, SHUT_RDWR);
	notify_main(r);
}

/* Under r->lock: fold a TCP_INFO sample of flow @i, if it has a socket. */
static void sample_tcp(struct ncd_run *r, unsigned int i)
{
	struct ncd_tcp_sample s;
	int fd = atomic_load(&r->fds[i]);

	if (fd >= 0 && !ncd_tcp_sample(fd, &s))
		ncd_report_tcp(&r->stats[i], &s);
}

void ncd_flow_close(struct ncd_flow *f, int fd)
{
	struct ncd_run *r = f->run;

	pthread_mutex_lock(&r->lock);
	sample_tcp(r, f->idx);		/* the last word on this connection */
	atomic_store(&r->fds[f->idx], -1);
	pthread_mutex_unlock(&r->lock);
	close(fd);
}

void ncd_flow_end(struct ncd_flow *f)
{
	struct ncd_run *r = f->run;
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	f->st->cpu_user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	f->st->cpu_sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (r->rep.t0)
		f->st->t_end = ncd_now() - r->rep.t0;
	atomic_store(&r->fds[f->idx], -1);
	atomic_fetch_add(&r->done, 1);
	notify_main(r);
}

static int flow_record(struct ncd_flow *f, const char *fmt, va_list ap)
{
	if (f->st->error[0])
		return 0;
	vsnprintf(f->st->error, sizeof(f->st->error), fmt, ap);
	return 1;
}

void ncd_flow_error(struct ncd_flow *f, const char *fmt, ...)
{
	va_list ap;
	int first;

	va_start(ap, fmt);
	first = flow_record(f, fmt, ap);
	va_end(ap);
	if (first)
		fprintf(stderr, "ncdevmem: flow %u: %s\n", f->idx + 1, f->st->error);
}

void ncd_flow_record(struct ncd_flow *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	flow_record(f, fmt, ap);
	va_end(ap);
}

void ncd_run_stop(struct ncd_run *r)
{
	atomic_store(&r->stop, 1);
	if (r->listen_fd >= 0)
		shutdown(r->listen_fd, SHUT_RDWR);	/* wakes accept() */
	for (unsigned int i = 0; i < r->nflows; i++) {
		int fd = atomic_load(&r->fds[i]);

		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
	}
}

static void *flow_main(void *arg)
{
	struct ncd_flow *f = arg;
	f->run->fn(f);
	ncd_flow_end(f);
	return NULL;
}

/* How long until the next interval report or the --time limit, or -1. */
static double next_wakeup(struct ncd_run *r, double *iv_at, double *end_at)
{
	const struct ncd_opts *o = r->o;
	double now, t = -1;

	if (!r->rep.t0)
		return -1;
	now = ncd_now();
	if (o->interval_s > 0) {
		if (!*iv_at)
			*iv_at = r->rep.t0 + o->interval_s;
		t = *iv_at - now;
	}
	if (o->omit_s > 0 && !r->rep.omit_done) {	/* -O ends */
		double omit_at = r->rep.t0 + o->omit_s - now;

		if (t < 0 || omit_at < t)
			t = omit_at;
	}
	if (o->time_s > 0) {	/* as in iperf3, --time starts after -O */
		*end_at = r->rep.t0 + o->omit_s + o->time_s;
		if (t < 0 || *end_at - now < t)
			t = *end_at - now;
	}
	return t < 0 && t != -1 ? 0 : t;
}

static int wait_signal(const sigset_t *set, double secs)
{
	struct timespec ts;
	int sig;

	if (secs < 0)
		return sigwaitinfo(set, NULL);
	ts.tv_sec = (time_t)secs;
	ts.tv_nsec = (long)((secs - ts.tv_sec) * 1e9);
	sig = sigtimedwait(set, NULL, &ts);
	return sig < 0 && errno == EAGAIN ? 0 : sig;
}

/* --bidir at the time limit: this end's sending flows end (their peers
 * see the end of stream); its receiving flows run until the peer's do. */
static void stop_senders(struct ncd_run *r)
{
	atomic_store(&r->stop_tx, 1);
	for (unsigned int i = 0; i < r->nflows; i++) {
		int fd = atomic_load(&r->fds[i]);

		if (fd >= 0 && r->stats[i].sending)
			shutdown(fd, SHUT_RDWR);
	}
}

/* One step of the main loop after a wake-up: reports and the time limit. */
static void on_tick(struct ncd_run *r, double *iv_at, double end_at)
{
	double now = ncd_now();

	if (r->o->omit_s > 0 && r->rep.t0 && !r->rep.omit_done &&
	    now >= r->rep.t0 + r->o->omit_s) {
		pthread_mutex_lock(&r->lock);
		for (unsigned int i = 0; i < r->nflows; i++)
			sample_tcp(r, i);
		ncd_report_omit_end(&r->rep);
		pthread_mutex_unlock(&r->lock);
		if (*iv_at)	/* intervals start afresh, as iperf3's do */
			*iv_at = now + r->o->interval_s;
	}
	if (*iv_at && now >= *iv_at) {
		/* sockets close only under the lock (ncd_flow_close) */
		pthread_mutex_lock(&r->lock);
		for (unsigned int i = 0; i < r->nflows; i++)
			sample_tcp(r, i);
		ncd_report_interval(&r->rep);
		pthread_mutex_unlock(&r->lock);
		while (*iv_at <= now)
			*iv_at += r->o->interval_s;
	}
	if (end_at && now >= end_at && !atomic_load(&r->stop) &&
	    !atomic_load(&r->stop_tx)) {
		if (r->o->dir == NCD_DIR_BIDIR)
			stop_senders(r);
		else
			ncd_run_stop(r);
	}
}

/* On the stop waiter's thread: wind the flows down, wake the main thread. */
static void on_stop(void *arg)
{
	struct ncd_run *r = arg;

	ncd_run_stop(r);
	notify_main(r);
}

/* Flows @first.. got no thread: each is a failure, never an empty pass. */
static void fail_unstarted(struct ncd_run *r, unsigned int first)
{
	fprintf(stderr, "ncdevmem: cannot start flow %u: too many threads? lower -P\n",
		first + 1);
	for (unsigned int i = first; i < r->nflows; i++)
		ncd_flow_record(&r->flows[i], "not started: no thread for it");
	ncd_run_stop(r);
}

int ncd_run_flows(struct ncd_run *r, ncd_flow_fn fn)
{
	pthread_t tids[NCD_MAX_FLOWS];
	double iv_at = 0, end_at = 0;
	sigset_t set, old;
	unsigned int i, started = 0;
	int interrupted = 0;

	r->fn = fn;
	sigemptyset(&set);
	sigaddset(&set, SIG_FLOW);
	pthread_sigmask(SIG_BLOCK, &set, &old);	/* threads inherit it */
	ncd_stop_notify(on_stop, r);
	if (ncd_stop_signal())	/* came before the callback was in place */
		ncd_run_stop(r);
	for (i = 0; i < r->nflows; i++, started++) {
		if (pthread_create(&tids[i], NULL, flow_main, &r->flows[i])) {
			fail_unstarted(r, i);
			break;
		}
	}
	while ((unsigned int)atomic_load(&r->done) < started) {
		wait_signal(&set, next_wakeup(r, &iv_at, &end_at));
		if (ncd_stop_signal() && !interrupted) {
			interrupted = ncd_stop_signal();
			ncd_stop_announce();
			ncd_run_stop(r);
		}
		on_tick(r, &iv_at, end_at);
		ncd_report_poll(&r->rep);	/* --json-stream's start event */
	}
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	/* the tail interval: when it is long enough to mean something, or
	 * when it holds bytes or retransmits the end's totals count */
	if (r->o->interval_s > 0 && (ncd_report_pending(&r->rep) ||
	    r->rep.last_t < ncd_now() - r->rep.t0 - 0.05))
		ncd_report_interval(&r->rep);
	ncd_stop_notify(NULL, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return interrupted;
}
