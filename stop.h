/* SPDX-License-Identifier: MIT */
/*
 * The one signal model.  main() blocks every catchable fatal signal that
 * can come from outside (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGALRM, SIGUSR2,
 * SIGXCPU, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSTKFLT, the real-time ones)
 * before any thread or NIC change (every thread inherits the mask); one
 * waiter thread takes them with sigwait() and turns the first into a stop
 * request: a flag plus
 * a callback run on the waiter thread (never in a signal handler).  Code
 * that changes things checks ncd_stop_signal() and undoes in normal control
 * flow; atexit() hooks are the backstop.  The process then exits 128+N.
 * SIGUSR1 is run.c's wake-up between threads: blocked too, and one sent
 * from outside is dropped.  SIGPIPE is ignored (main()).
 */
#ifndef NCD_STOP_H
#define NCD_STOP_H

#include <signal.h>

/* Block the set below in the calling thread and start the waiter.  Call
 * first thing in main(), before any other thread exists.  0 or -errno. */
int ncd_stop_init(void);
/* The signals the waiter takes. */
void ncd_stop_sigset(sigset_t *set);
/* The signal that asked to stop, 0 if none (any thread). */
int ncd_stop_signal(void);
/* Call @fn(@arg) on a stop, at once if one already came; NULL disarms.
 * @fn runs on the waiter thread: it must be thread-safe. */
void ncd_stop_notify(void (*fn)(void *arg), void *arg);
/* Print "ncdevmem: <signal>, stopping" once per process. */
void ncd_stop_announce(void);
/* Block until a stop (test helpers that wait to be killed). */
int ncd_stop_wait(void);
/* @rc, or 128 + the signal when a stop came: the shell's convention. */
int ncd_stop_exit_code(int rc);

#endif
