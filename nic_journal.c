// SPDX-License-Identifier: MIT
/*
 * Undo of NIC changes, newest first.  Called by ncd_nic_restore() on a
 * normal end, after a stop (every catchable fatal signal becomes a stop
 * flag, stop.h) and from the atexit backstop: always in normal control
 * flow, so libnl, free() and stdio are fine here.
 *
 * The journal file: one per interface (and network namespace) under
 * $NCDEVMEM_STATE_DIR, default /run/ncdevmem; text, one item per line,
 * "end" last; the writer's pid and start time say whether it still runs.
 * Written to a temporary file, fsynced and renamed over the old one before
 * each change; the first one is linked into place, so of two runs that
 * start together only one owns the interface.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nic_journal.h"
#include "nic_steer.h"
#include "uapi_devmem.h"

/* Failed deletions stay in the journal; a rule already gone is fine. */
static int undo_rules(const char *ifname, struct ncd_journal *j)
{
	int left = 0;

	if (j->rule_pending)
		fprintf(stderr,
			"ncdevmem: restore: an ntuple rule (tcp port %u -> queue %u) may have been added on %s just before the end -> look for it (ethtool -n %s) and delete it by hand\n",
			j->pending_port, j->pending_queue, ifname, ifname);
	j->rule_pending = 0;
	for (int i = j->nrules - 1; i >= 0; i--) {
		int err = ncd_steer_del(ifname, j->rules[i]);

		if (err && err != -ENOENT) {
			fprintf(stderr,
				"ncdevmem: restore: deleting ntuple rule %u on %s: %s -> delete it by hand (ethtool -N %s delete %u)\n",
				j->rules[i], ifname, strerror(-err), ifname,
				j->rules[i]);
			j->rules[left++] = j->rules[i];
		}
	}
	j->nrules = left;
	return left;
}

static int undo_rss(const char *ifname, struct ncd_journal *j)
{
	int err;

	if (!j->rss_saved)
		return 0;
	/* Re-setting the default table would mark RSS "user configured",
	 * which then blocks channel changes; ask for the default instead. */
	if (j->rss_was_default)
		err = ncd_rss_set(ifname, NULL, 0);
	else
		err = ncd_rss_set(ifname, j->rss, j->rss_n);
	if (err) {
		fprintf(stderr,
			"ncdevmem: restore: RSS table of %s: %s -> reset it by hand (ethtool -X %s default)\n",
			ifname, strerror(-err), ifname);
		return 1;
	}
	free(j->rss);
	j->rss = NULL;
	j->rss_saved = 0;
	return 0;
}

static int undo_channels(const char *ifname, int ifindex,
			 struct ncd_journal *j)
{
	if (!j->ch_saved)
		return 0;
	if (ncd_eth_channels_set(&j->ctl, ifindex, &j->ch)) {
		fprintf(stderr,
			"ncdevmem: restore: channels of %s: %s -> set them by hand (ethtool -L %s rx %u tx %u combined %u)\n",
			ifname, j->ctl.err, ifname, j->ch.rx, j->ch.tx,
			j->ch.combined);
		return 1;
	}
	j->ch_saved = 0;
	return 0;
}

/* Back to the driver default split and the old threshold; if the driver
 * default differs from what the user had, set that explicitly.  A split
 * that was on is set on again: drivers report "on" for the default too,
 * and bind-rx after 6.12 wants it set explicitly (7.3: "tcp-data-split is
 * disabled" after a restore to the default). */
static int undo_rings(const char *ifname, int ifindex, struct ncd_journal *j)
{
	struct ncd_rings now;
	int64_t hds = j->rings.have_hds ? (int64_t)j->rings.hds_thresh : -1;
	int err;

	if (!j->rings_saved)
		return 0;
	err = ncd_eth_rings_set(&j->ctl, ifindex,
				j->rings.tcp_data_split == NCD_TCP_DATA_SPLIT_ENABLED ?
				NCD_TCP_DATA_SPLIT_ENABLED :
				NCD_TCP_DATA_SPLIT_UNKNOWN, hds);
	if (!err && !ncd_eth_rings_get(&j->ctl, ifindex, &now) &&
	    now.tcp_data_split != j->rings.tcp_data_split)
		err = ncd_eth_rings_set(&j->ctl, ifindex,
					j->rings.tcp_data_split, -1);
	if (err) {
		fprintf(stderr,
			"ncdevmem: restore: header split of %s: %s -> set it by hand (ethtool -G %s tcp-data-split %s)\n",
			ifname, j->ctl.err, ifname,
			ncd_split_name(j->rings.tcp_data_split));
		return 1;
	}
	j->rings_saved = 0;
	return 0;
}

int ncd_journal_undo(const char *ifname, int ifindex, struct ncd_journal *j)
{
	int failed = undo_rules(ifname, j);

	failed += undo_rss(ifname, j);
	failed += undo_channels(ifname, ifindex, j);
	failed += undo_rings(ifname, ifindex, j);
	return failed;
}


/* ---- the file ---- */

static const char *state_dir(void)
{
	const char *d = getenv("NCDEVMEM_STATE_DIR");

	return d && *d ? d : "/run/ncdevmem";
}

/* <dir>/<ifname>.journal in the first network namespace, else with the
 * namespace's inode: two namespaces may both have an eth0. */
static void journal_path(const char *ifname, char *path, size_t len)
{
	struct stat me = { 0 }, init = { 0 };

	if (!stat("/proc/self/ns/net", &me) && !stat("/proc/1/ns/net", &init) &&
	    me.st_ino == init.st_ino && me.st_dev == init.st_dev)
		snprintf(path, len, "%s/%s.journal", state_dir(), ifname);
	else
		snprintf(path, len, "%s/%s@netns%lu.journal", state_dir(), ifname,
			 (unsigned long)me.st_ino);
}

/* Start time of @pid (clock ticks since boot), 0 if it is gone or a zombie:
 * with the pid it names one process, even after the pid is reused. */
static unsigned long long proc_start(long pid)
{
	char path[64], buf[1024], *s;
	unsigned long long start = 0;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	s = strrchr(buf, ')');	/* the name may hold spaces and ')' */
	if (!s || !s[1] || !s[2] || s[2] == 'Z' || s[2] == 'X')
		return 0;
	s += 2;			/* field 3, state; start time is field 22 */
	for (int field = 3; field < 22 && s; field++) {
		s = strchr(s, ' ');
		if (s)
			s++;
	}
	if (s)
		start = strtoull(s, NULL, 10);
	return start;
}

static int write_items(FILE *f, const char *ifname, const struct ncd_journal *j)
{
	fprintf(f, "ncdevmem-journal 1\nowner %ld %llu\nifname %s\n",
		(long)getpid(), proc_start(getpid()), ifname);
	if (j->rings_saved)
		fprintf(f, "rings %u %d %u\n", j->rings.tcp_data_split,
			j->rings.have_hds, j->rings.hds_thresh);
	if (j->ch_saved)
		fprintf(f, "channels %u %u %u %u %u\n", j->ch.present, j->ch.rx,
			j->ch.tx, j->ch.other, j->ch.combined);
	if (j->rss_saved) {
		fprintf(f, "rss %d %u", j->rss_was_default, j->rss_n);
		for (uint32_t i = 0; i < j->rss_n; i++)
			fprintf(f, " %u", j->rss[i]);
		fputc('\n', f);
	}
	for (int i = 0; i < j->nrules; i++)
		fprintf(f, "rule %u\n", j->rules[i]);
	if (j->rule_pending)
		fprintf(f, "rule-pending %u %u\n", j->pending_queue,
			j->pending_port);
	if (j->bound)
		fprintf(f, "bound rx\n");
	fprintf(f, "end\n");
	return fflush(f) || ferror(f) ? -EIO : 0;
}

static int parse_rss(const char *s, struct ncd_journal *j)
{
	int n;

	if (sscanf(s, "rss %d %u%n", &j->rss_was_default, &j->rss_n, &n) != 2 ||
	    !j->rss_n || j->rss_n > 65536)
		return -1;
	j->rss = calloc(j->rss_n, sizeof(*j->rss));
	if (!j->rss)
		return -1;
	s += n;
	for (uint32_t i = 0; i < j->rss_n; i++) {
		char *end;

		j->rss[i] = strtoul(s, &end, 10);
		if (end == s)
			return -1;
		s = end;
	}
	j->rss_saved = 1;
	return 0;
}

/* One line into @j; -1 when it is not a journal line. */
static int parse_line(const char *s, struct ncd_journal *j, long *pid,
		      unsigned long long *start, int *end)
{
	unsigned int a, b, c, d, e;
	int h;

	if (sscanf(s, "owner %ld %llu", pid, start) == 2 ||
	    !strncmp(s, "ifname ", 7)) {
		/* who wrote it; the name is in the file name too */
	} else if (!strcmp(s, "bound rx\n")) {
		j->bound = 1;
	} else if (sscanf(s, "rings %u %d %u", &a, &h, &b) == 3) {
		j->rings.have_split = 1;
		j->rings.tcp_data_split = a;
		j->rings.have_hds = h;
		j->rings.hds_thresh = b;
		j->rings_saved = 1;
	} else if (sscanf(s, "channels %u %u %u %u %u", &a, &b, &c, &d, &e) == 5) {
		j->ch = (struct ncd_channels){ .present = a, .rx = b, .tx = c,
					       .other = d, .combined = e };
		j->ch_saved = 1;
	} else if (!strncmp(s, "rss ", 4)) {
		return j->rss_saved ? -1 : parse_rss(s, j);
	} else if (sscanf(s, "rule-pending %u %u", &a, &b) == 2) {
		j->rule_pending = 1;
		j->pending_queue = a;
		j->pending_port = b;
	} else if (sscanf(s, "rule %u", &a) == 1 &&
		   j->nrules < NCD_JOURNAL_MAX_RULES) {
		j->rules[j->nrules++] = a;
	} else if (!strcmp(s, "end\n")) {
		*end = 1;
	} else {
		return -1;
	}
	return 0;
}

static int read_journal(const char *path, struct ncd_journal *j, long *pid,
			unsigned long long *start)
{
	char *line = NULL;
	size_t cap = 0;
	int end = 0, bad = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return errno == ENOENT ? NCD_JOURNAL_NONE : NCD_JOURNAL_BAD;
	if (getline(&line, &cap, f) < 0 || strcmp(line, "ncdevmem-journal 1\n"))
		bad = 1;
	while (!bad && !end && getline(&line, &cap, f) >= 0)
		bad = parse_line(line, j, pid, start, &end);
	free(line);
	fclose(f);
	return bad || !end || *pid <= 0 ? NCD_JOURNAL_BAD : NCD_JOURNAL_DEAD;
}

int ncd_journal_find(const char *ifname, char *path, size_t len, long *pid,
		     struct ncd_journal *out)
{
	struct ncd_journal tmp = { 0 }, *j = &tmp;
	unsigned long long start = 0, now;
	long owner = 0;
	int st;

	if (out) {
		struct ncd_nl ctl = out->ctl;	/* the caller's socket */

		free(out->rss);
		memset(out, 0, sizeof(*out));
		out->ctl = ctl;
		j = out;
	}
	journal_path(ifname, path, len);
	st = read_journal(path, j, &owner, &start);
	if (j == &tmp)
		free(tmp.rss);
	if (pid)
		*pid = owner;
	if (st != NCD_JOURNAL_DEAD)
		return st;
	now = proc_start(owner);
	if (now && now == start)
		return owner == (long)getpid() ? NCD_JOURNAL_MINE :
						 NCD_JOURNAL_LIVE;
	return NCD_JOURNAL_DEAD;
}

/* One line on why @ifname's journal stops us; 0 when it does not.  A live
 * owner stops only a run that is about to change the NIC (@live). */
int ncd_journal_refuse(const char *ifname, int live)
{
	char path[PATH_MAX];
	long pid;

	switch (ncd_journal_find(ifname, path, sizeof(path), &pid, NULL)) {
	case NCD_JOURNAL_LIVE:
		if (!live)
			return 0;
		fprintf(stderr,
			"ncdevmem: %s is being changed by ncdevmem pid %ld (journal %s) -> wait for it to end or stop it (kill %ld): it restores %s itself\n",
			ifname, pid, path, pid, ifname);
		return -EBUSY;
	case NCD_JOURNAL_DEAD:
		fprintf(stderr,
			"ncdevmem: %s was left changed by ncdevmem pid %ld, which died (journal %s) -> run ncdevmem --restore -f %s\n",
			ifname, pid, path, ifname);
		return -EBUSY;
	case NCD_JOURNAL_BAD:
		fprintf(stderr,
			"ncdevmem: NIC journal %s cannot be read -> restore %s by hand (ethtool -L/-G/-X/-N), then delete %s\n",
			path, ifname, path);
		return -EBUSY;
	}
	return 0;
}

static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int write_tmp(const char *tmp, const char *ifname,
		     const struct ncd_journal *j)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *f;
	int err;

	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		return err;
	}
	err = write_items(f, ifname, j);
	if (!err && fsync(fd))
		err = -errno;
	if (fclose(f) && !err)
		err = -EIO;
	return err;
}

int ncd_journal_save(const char *ifname, struct ncd_journal *j)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	const char *dir = state_dir();
	int first = !j->path[0], err = 0, st = NCD_JOURNAL_NONE;

	if (first) {
		err = ncd_journal_refuse(ifname, 1);
		if (err)
			return err;
		st = ncd_journal_find(ifname, path, sizeof(path), NULL, NULL);
		if (mkdir(dir, 0755) && errno != EEXIST)
			err = -errno;
	} else {
		snprintf(path, sizeof(path), "%s", j->path);
	}
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if (!err)
		err = write_tmp(tmp, ifname, j);
	/* link() fails if someone else got there first; rename() replaces */
	if (!err && first && st != NCD_JOURNAL_MINE)
		err = link(tmp, path) ? -errno : 0;
	else if (!err && rename(tmp, path))
		err = -errno;
	unlink(tmp);
	if (err == -EEXIST)
		return ncd_journal_refuse(ifname, 1) ?: -EBUSY;
	if (err) {
		fprintf(stderr,
			"ncdevmem: NIC journal %s: %s -> ncdevmem records what it changes there first; make %s writable or set NCDEVMEM_STATE_DIR\n",
			path, strerror(-err), dir);
		return err;
	}
	sync_dir(dir);
	snprintf(j->path, sizeof(j->path), "%s", path);
	return 0;
}

void ncd_journal_drop(struct ncd_journal *j)
{
	if (!j->path[0])
		return;
	if (unlink(j->path) && errno != ENOENT)
		fprintf(stderr,
			"ncdevmem: removing NIC journal %s: %s -> delete it by hand (the NIC is restored)\n",
			j->path, strerror(errno));
	else
		sync_dir(state_dir());
	j->path[0] = 0;
}
