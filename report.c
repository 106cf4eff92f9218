// SPDX-License-Identifier: MIT
/* Interval and summary reporting, text and JSON. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include "mem.h"
#include "opts.h"
#include "report.h"

double ncd_gbps(uint64_t bytes, double seconds)
{
	return seconds > 0 ? bytes * 8.0 / seconds / 1e9 : 0.0;
}

/* Length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), 0 if there is none. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] < 0x80 ? 1 : s[0] < 0xc2 ? 0 : s[0] < 0xe0 ? 2 :
		s[0] < 0xf0 ? 3 : s[0] < 0xf5 ? 4 : 0;

	for (int i = 1; i < n; i++)	/* stops at the NUL: never reads past */
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
			(s[0] == 0xed && s[1] >= 0xa0))) ||
	    (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) ||
			(s[0] == 0xf4 && s[1] >= 0x90))))
		return 0;
	return n;
}

/* A JSON string; bytes that are not UTF-8 (a host name or interface from
 * the command line) become U+FFFD, so the document always parses. */
void ncd_json_escape(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs("\\ufffd", f);
			n = 1;
		} else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
	fputc('"', f);
}

const char *ncd_verdict_result(const struct ncd_verdict *v, int pattern_on)
{
	if (!pattern_on)
		return "off";
	/* nothing checked is nothing proven: asked to validate, that fails */
	return v->bad || !v->checked ? "failed" : "ok";
}

static void process_cpu(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
	*sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Peak resident memory of the process, KiB (Linux reports KiB). */
static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int ncd_report_init(struct ncd_report *r, const struct ncd_opts *o,
		    const char *role, struct ncd_flow_stats *flows,
		    unsigned int nflows, FILE *text)
{
	memset(r, 0, sizeof(*r));
	r->o = o;
	r->role = role;
	r->flows = flows;
	r->nflows = nflows;
	r->text = text;
	r->last_bytes = calloc(nflows, sizeof(*r->last_bytes));
	if (!r->last_bytes)
		return -1;
	/* intervals wait for the end of the document in an unlinked file, so
	 * a long -J run holds no more memory than a short one */
	if (o->json) {
		r->json_iv_f = tmpfile();
		if (!r->json_iv_f) {
			fprintf(stderr, "ncdevmem: no temporary file for the -J intervals: %s: check TMPDIR\n",
				strerror(errno));
			return -1;
		}
	}
	return 0;
}

void ncd_report_start(struct ncd_report *r)
{
	if (r->t0)
		return;
	r->t0 = ncd_now();
	process_cpu(&r->ru_user0, &r->ru_sys0);
}

static const char *unit_bytes(double b, double *out)
{
	static const char *const u[] = { "Bytes", "KBytes", "MBytes", "GBytes", "TBytes" };
	int i = 0;

	while (b >= 1024 && i < 4) {
		b /= 1024;
		i++;
	}
	*out = b;
	return u[i];
}

static void text_line(struct ncd_report *r, const char *id, double a, double b,
		      uint64_t bytes)
{
	double v;
	const char *u = unit_bytes(bytes, &v);

	fprintf(r->text, "[%5s] %7.2f-%-7.2f sec %8.2f %-6s %8.3f Gbits/sec\n",
		id, a, b, v, u, ncd_gbps(bytes, b - a));
}

static void json_stream(FILE *f, unsigned int id, double a, double b,
			uint64_t bytes, int last)
{
	fprintf(f, "{\"id\":%u,\"start\":%.6f,\"end\":%.6f,\"seconds\":%.6f,"
		"\"bytes\":%llu,\"bits_per_second\":%.1f}%s",
		id, a, b, b - a, (unsigned long long)bytes,
		ncd_gbps(bytes, b - a) * 1e9, last ? "" : ",");
}

void ncd_report_interval(struct ncd_report *r)
{
	double now = ncd_now() - r->t0, a = r->last_t;
	uint64_t sum = 0;
	char id[12];

	if (!r->t0 || now <= a)
		return;
	if (r->json_iv_f)
		fprintf(r->json_iv_f, "%s{\"streams\":[", r->nintervals ? "," : "");
	for (unsigned int i = 0; i < r->nflows; i++) {
		uint64_t b = atomic_load(&r->flows[i].bytes);
		uint64_t d = b - r->last_bytes[i];

		r->last_bytes[i] = b;
		sum += d;
		if (r->json_iv_f)
			json_stream(r->json_iv_f, i + 1, a, now, d, i + 1 == r->nflows);
		else if (r->nflows > 1) {
			snprintf(id, sizeof(id), "%u", i + 1);
			text_line(r, id, a, now, d);
		}
	}
	if (r->json_iv_f) {
		fputs("],\"sum\":", r->json_iv_f);
		json_stream(r->json_iv_f, 0, a, now, sum, 1);
		fputs("}", r->json_iv_f);
	} else {
		text_line(r, r->nflows > 1 ? "SUM" : "1", a, now, sum);
	}
	r->nintervals++;
	r->last_t = now;
}

static double flow_secs(const struct ncd_flow_stats *f)
{
	return f->t_end > f->t_start ? f->t_end - f->t_start : 0;
}

/* devmem: fragments given back per SO_DEVMEM_DONTNEED call */
/* "[id] devmem: frags 9, dontneed_by limit 1, ..." */
static void text_counters(FILE *t, const char *id, const struct ncd_counters *cs)
{
	if (!cs->group)
		return;
	fprintf(t, "[%5s] %s:", id, cs->group);
	for (unsigned int i = 0; i < cs->n; i++) {
		const char *name = cs->c[i].name, *dot = strchr(name, '.');

		fprintf(t, "%s %.*s%s%s %.*f", i ? "," : "",
			dot ? (int)(dot - name) : (int)strlen(name), name,
			dot ? " " : "", dot ? dot + 1 : "", cs->c[i].decimals,
			cs->c[i].value);
	}
	fputc('\n', t);
}

/* Length of the nested-object prefix of @name ("a." of "a.b"), 0 if none. */
static int group_len(const char *name)
{
	const char *dot = strchr(name, '.');

	return dot ? (int)(dot - name) + 1 : 0;
}

/* ,"devmem":{"frags":9,"dontneed_by":{"limit":1,...}} */
static void json_counters(FILE *f, const struct ncd_counters *cs)
{
	int open = 0;	/* prefix length of the nested object open now */

	if (!cs->group)
		return;
	fprintf(f, ",\"%s\":{", cs->group);
	for (unsigned int i = 0; i < cs->n; i++) {
		const char *name = cs->c[i].name;
		int g = group_len(name);

		if (open && (g != open || strncmp(name, cs->c[i - 1].name, g))) {
			fputc('}', f);
			open = 0;
		}
		if (i)
			fputc(',', f);
		if (g && !open) {
			fprintf(f, "\"%.*s\":{", g - 1, name);
			open = g;
		}
		fprintf(f, "\"%s\":%.*f", name + g, cs->c[i].decimals,
			cs->c[i].value);
	}
	fputs(open ? "}}" : "}", f);
}

static void text_verdict(FILE *t, const char *id, const struct ncd_verdict *v,
			 int pattern_on)
{
	if (!pattern_on)
		return;
	if (!v->checked) {
		fprintf(t, "[%5s] validation: FAILED, no payload received (0 bytes checked)\n", id);
		return;
	}
	if (!v->bad) {
		fprintf(t, "[%5s] validation: ok, %llu bytes checked\n", id,
			(unsigned long long)v->checked);
		return;
	}
	fprintf(t, "[%5s] validation: FAILED, %llu of %llu bytes wrong; first at stream offset %llu: expected 0x%02x, got 0x%02x\n",
		id, (unsigned long long)v->bad, (unsigned long long)v->checked,
		(unsigned long long)v->first_off, v->expected, v->actual);
}

static void text_conns(FILE *t, const struct ncd_conn_counts *c)
{
	if (!c || !(c->empty || c->silent || c->refused || c->rejected))
		return;	/* nothing but flows: nothing to say */
	fprintf(t, "connections: %llu flow%s, %llu empty (closed without data), %llu silent, %llu refused (beyond -P), %llu rejected (not the -c address)\n",
		c->flows, c->flows == 1 ? "" : "s", c->empty, c->silent,
		c->refused, c->rejected);
}

static void json_conns(FILE *f, const struct ncd_conn_counts *c)
{
	if (!c)
		return;
	fprintf(f, "\"connections\":{\"flows\":%llu,\"empty\":%llu,\"silent\":%llu,\"refused\":%llu,\"rejected\":%llu},",
		c->flows, c->empty, c->silent, c->refused, c->rejected);
}

static void text_summary(struct ncd_report *r, const struct ncd_verdict *all,
			 uint64_t total, double secs, double cu, double cs,
			 int pattern_on)
{
	FILE *t = r->text;
	char id[12];

	fprintf(t, "- - - - - - - - - - - - - - - - - - - - - - - - -\n");
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *f = &r->flows[i];

		snprintf(id, sizeof(id), "%u", i + 1);
		text_line(r, id, f->t_start, f->t_end, atomic_load(&f->bytes));
		fprintf(t, "[%5s] cpu: user %.2f s, sys %.2f s%s%s\n", id,
			f->cpu_user, f->cpu_sys, f->error[0] ? "; error: " : "",
			f->error);
		text_counters(t, id, &f->counters);
		if (f->counters.linear_bytes)
			fprintf(t, "[%5s] %llu payload bytes landed in host memory (SCM_DEVMEM_LINEAR)\n",
				id, f->counters.linear_bytes);
		if (r->nflows > 1)
			text_verdict(t, id, &f->verdict, pattern_on);
	}
	if (r->nflows > 1)
		text_line(r, "SUM", 0, secs, total);
	text_verdict(t, r->nflows > 1 ? "SUM" : "1", all, pattern_on);
	text_conns(t, r->conns);
	fprintf(t, "%s %s/%s: %llu bytes in %.2f s = %.3f Gbits/sec; cpu user %.2f s sys %.2f s (%.2f s per GB); max RSS %.1f MB\n",
		r->role, ncd_mode_name(r->o->mode),
		ncd_mem_kind_name(r->o->mem), (unsigned long long)total, secs,
		ncd_gbps(total, secs), cu, cs,
		total ? (cu + cs) / (total / 1e9) : 0.0,
		max_rss_kb() * 1024 / 1e6);
}

static void json_verdict(FILE *f, const struct ncd_verdict *v, int pattern_on)
{
	fprintf(f, "\"validation\":{\"result\":\"%s\",\"checked_bytes\":%llu,\"bad_bytes\":%llu",
		ncd_verdict_result(v, pattern_on),
		(unsigned long long)v->checked, (unsigned long long)v->bad);
	if (v->have_first)
		fprintf(f, ",\"first_bad_offset\":%llu,\"expected\":%u,\"actual\":%u",
			(unsigned long long)v->first_off, v->expected, v->actual);
	fputc('}', f);
}

static void copy_intervals(FILE *from, FILE *to)
{
	char buf[8192];
	size_t n;

	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
}

static void json_start(struct ncd_report *r, FILE *f)
{
	const struct ncd_opts *o = r->o;
	struct utsname u;
	static const char *const pats[] = { "none", "offset", "upstream" };

	uname(&u);
	fprintf(f, "{\"start\":{\"tool\":\"ncdevmem\",\"role\":\"%s\",\"mode\":\"%s\",\"mem\":\"%s\","
		"\"flows\":%u,\"pattern\":\"%s\",\"seed\":%llu,\"period\":%llu,"
		"\"host_validator\":\"%s\",\"timestamp\":%lld,\"kernel\":",
		r->role, ncd_mode_name(o->mode), ncd_mem_kind_name(o->mem),
		r->nflows, pats[o->pat.kind], (unsigned long long)o->pat.seed,
		(unsigned long long)o->pat.period, ncd_pattern_isa(),
		(long long)time(NULL));
	ncd_json_escape(f, u.release);
	fputs(",\"interface\":", f);
	if (o->ifname)
		ncd_json_escape(f, o->ifname);
	else
		fputs("null", f);
	fprintf(f, ",\"port\":%u},\n\"intervals\":[", o->port);
	if (r->json_iv_f)
		copy_intervals(r->json_iv_f, f);
	fputs("],\n", f);
}

static void json_end(struct ncd_report *r, FILE *f, const struct ncd_verdict *all,
		     uint64_t total, double secs, double cu, double cs,
		     int pattern_on, int interrupted, int rc)
{
	fputs("\"end\":{\"streams\":[", f);
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *fl = &r->flows[i];

		fprintf(f, "%s{\"id\":%u,\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f,"
			"\"cpu_user_seconds\":%.3f,\"cpu_system_seconds\":%.3f,\"linear_bytes\":%llu,",
			i ? "," : "", i + 1, flow_secs(fl),
			(unsigned long long)atomic_load(&fl->bytes),
			ncd_gbps(atomic_load(&fl->bytes), flow_secs(fl)) * 1e9,
			fl->cpu_user, fl->cpu_sys,
			fl->counters.linear_bytes);
		json_verdict(f, &fl->verdict, pattern_on);
		json_counters(f, &fl->counters);
		fputs(",\"error\":", f);
		if (fl->error[0])
			ncd_json_escape(f, fl->error);
		else
			fputs("null", f);
		fputc('}', f);
	}
	fprintf(f, "],\"sum\":{\"seconds\":%.6f,\"bytes\":%llu,\"bits_per_second\":%.1f,",
		secs, (unsigned long long)total, ncd_gbps(total, secs) * 1e9);
	json_verdict(f, all, pattern_on);
	fputs("},", f);
	json_conns(f, r->conns);
	fprintf(f, "\"cpu_seconds\":{\"user\":%.3f,\"system\":%.3f},"
		"\"cpu_utilization_percent\":{\"user\":%.2f,\"system\":%.2f},"
		"\"cpu_seconds_per_gb\":%.4f,\"max_rss_kb\":%ld,"
		"\"interrupted_by_signal\":%d,"
		"\"result\":\"%s\",\"exit_code\":%d}}\n",
		cu, cs, secs > 0 ? 100 * cu / secs : 0, secs > 0 ? 100 * cs / secs : 0,
		total ? (cu + cs) / (total / 1e9) : 0.0, max_rss_kb(), interrupted,
		rc ? "failed" : "ok", rc);
}

/* A report that did not reach its reader is a failed run: a truncated JSON
 * document must never come with exit 0.  stderr gets a line if it can. */
static int output_failed(FILE *json_out)
{
	if (json_out && (fflush(json_out) == EOF || ferror(json_out))) {
		fprintf(stderr, "ncdevmem: writing the JSON report failed: %s: check where stdout goes (disk full?)\n",
			strerror(errno));
		return 1;
	}
	return fflush(stderr) == EOF || ferror(stderr);
}

int ncd_report_finish(struct ncd_report *r, FILE *json_out, int interrupted)
{
	struct ncd_verdict all = { 0 };
	/* Only a receiver checks payload; a sender's verdict is always empty. */
	int pattern_on = r->o->pat.kind != NCD_PAT_NONE && r->o->listen;
	uint64_t total = 0;
	double secs = 0, cu = 0, cs = 0;
	int rc = 0;

	if (r->t0) {
		process_cpu(&cu, &cs);
		cu -= r->ru_user0;
		cs -= r->ru_sys0;
	}
	for (unsigned int i = 0; i < r->nflows; i++) {
		struct ncd_flow_stats *f = &r->flows[i];

		total += atomic_load(&f->bytes);
		ncd_verdict_merge(&all, &f->verdict);
		if (f->t_end > secs)
			secs = f->t_end;
		if (f->error[0])
			rc = NCD_EXIT_FAIL;
	}
	if (all.bad || (pattern_on && !all.checked))
		rc = NCD_EXIT_FAIL;	/* wrong bytes, or none to check */
	if (interrupted)	/* like a shell: the run did not finish */
		rc = 128 + interrupted;
	if (json_out) {
		json_start(r, json_out);
		json_end(r, json_out, &all, total, secs, cu, cs, pattern_on,
			 interrupted, rc);
	} else {
		text_summary(r, &all, total, secs, cu, cs, pattern_on);
	}
	return output_failed(json_out) && !rc ? NCD_EXIT_FAIL : rc;
}

void ncd_report_free(struct ncd_report *r)
{
	if (r->json_iv_f)
		fclose(r->json_iv_f);
	free(r->last_bytes);
	r->json_iv_f = NULL;
	r->last_bytes = NULL;
}
