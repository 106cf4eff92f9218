// SPDX-License-Identifier: MIT
/* Every catchable fatal signal as a stop request, taken by one waiter
 * thread; see stop.h. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include "stop.h"

static _Atomic int stop_sig;
static atomic_flag announced = ATOMIC_FLAG_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stopped = PTHREAD_COND_INITIALIZER;
static void (*notify_fn)(void *);
static void *notify_arg;

static void stop_set(int sig)
{
	pthread_mutex_lock(&lock);
	if (!atomic_load(&stop_sig)) {
		atomic_store(&stop_sig, sig);
		if (notify_fn)
			notify_fn(notify_arg);
		pthread_cond_broadcast(&stopped);
	}
	pthread_mutex_unlock(&lock);
}

static void *waiter(void *set)
{
	int sig;

	while (sigwait(set, &sig) == 0) {
		if (sig == SIGUSR1)
			continue;	/* run.c's wake-up; one from outside is dropped */
		stop_set(sig);
	}
	return NULL;
}

/*
 * The signals whose default action ends the process and that can arrive
 * from outside: blocked everywhere, so none of them can kill us before the
 * NIC is restored.  The synchronous ones (SIGSEGV, SIGBUS, SIGFPE, SIGILL,
 * SIGTRAP, SIGSYS, SIGABRT) are crashes: the on-disk journal covers them,
 * as it covers SIGKILL.  SIGPIPE is ignored in main().
 */
void ncd_stop_sigset(sigset_t *set)
{
	static const int sigs[] = {
		SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
		SIGSTKFLT,
#endif
		SIGXCPU, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
		SIGPWR,
#endif
	};

	sigemptyset(set);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(set, sigs[i]);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(set, s);
}

int ncd_stop_init(void)
{
	static sigset_t set;
	pthread_t t;
	int err;

	ncd_stop_sigset(&set);
	err = pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (!err)
		err = pthread_create(&t, NULL, waiter, &set);
	if (!err)
		pthread_detach(t);
	return -err;
}

int ncd_stop_signal(void)
{
	return atomic_load(&stop_sig);
}

void ncd_stop_notify(void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&lock);
	notify_fn = fn;
	notify_arg = arg;
	if (fn && atomic_load(&stop_sig))
		fn(arg);
	pthread_mutex_unlock(&lock);
}

void ncd_stop_announce(void)
{
	int sig = atomic_load(&stop_sig);

	if (sig && !atomic_flag_test_and_set(&announced))
		fprintf(stderr, "ncdevmem: %s, stopping\n", strsignal(sig));
}

int ncd_stop_wait(void)
{
	pthread_mutex_lock(&lock);
	while (!atomic_load(&stop_sig))
		pthread_cond_wait(&stopped, &lock);
	pthread_mutex_unlock(&lock);
	return atomic_load(&stop_sig);
}

int ncd_stop_exit_code(int rc)
{
	int sig = atomic_load(&stop_sig);

	return sig ? 128 + sig : rc;
}
