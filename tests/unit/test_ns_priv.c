// SPDX-License-Identifier: MIT
/* What EPERM from a bind means, by user namespace (ns_priv.c): a child
 * process moves into a new user namespace (its network namespace still
 * owned by ours), then into a new network namespace that it owns. */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "nic_hint.h"
#include "ns_priv.h"

static int hint_is(const char *want)
{
	return strstr(ncd_nic_hint(-EPERM, NULL), want) != NULL;
}

/* exit codes: 0 ok, 10+n the nth expectation failed, 77 no user ns here */
static int child(void)
{
	if (unshare(CLONE_NEWUSER))
		return 77;
	if (ncd_ns_priv() != NCD_NS_FOREIGN_NETNS)
		return 10;
	if (!hint_is("ours does not own it"))
		return 11;
	if (unshare(CLONE_NEWNET))
		return 12;
	if (ncd_ns_priv() != NCD_NS_OWNS_NETNS)
		return 13;
	if (!hint_is("in this user namespace, which owns the network namespace"))
		return 14;
	return 0;
}

static void test_by_namespace(void **state)
{
	int st;
	pid_t pid;

	if (ncd_ns_priv() != NCD_NS_INIT)
		skip();	/* the test itself runs in a container */
	assert_true(hint_is("needs CAP_NET_ADMIN (run as root)"));
	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		_exit(child());
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	if (WEXITSTATUS(st) == 77)
		skip();	/* user namespaces disabled */
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* extack text keeps precedence over the errno */
static void test_texts(void **state)
{
	assert_string_not_equal(ncd_ns_eperm_hint(NCD_NS_OWNS_NETNS),
				ncd_ns_eperm_hint(NCD_NS_FOREIGN_NETNS));
	assert_non_null(strstr(ncd_nic_hint(-EPERM, "tcp-data-split is disabled"),
			       "header split"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_namespace),
		cmocka_unit_test(test_texts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
