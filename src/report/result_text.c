/* The text rendering of any check's result: a header line with the check
 * and its verdict, the summary lines, each judged item with its verdict,
 * the inputs that could not be read, then the findings grouped by severity
 * (worst first) with their subject, message, the tool's own words and, with
 * -v, evidence and properties. Every string from a file goes through
 * report_put (control characters escaped). */
#include <string.h>
#include "goabi/result.h"
#include "report/report.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_GRN "\033[32m"
#define C_MAG "\033[35m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char *verdict_color(enum goabi_verdict v)
{
	switch (v) {
	case GOABI_VERDICT_PASS: return C_GRN;
	case GOABI_VERDICT_WARN: return C_YEL;
	case GOABI_VERDICT_UNKNOWN: return C_MAG;
	case GOABI_VERDICT_FAIL:
	case GOABI_VERDICT_ERROR: break;
	}
	return C_RED;
}

static const char *sev_color(enum goabi_finding_sev s)
{
	switch (s) {
	case GOABI_SEV_NOTE: return "";
	case GOABI_SEV_WARNING: return C_YEL;
	case GOABI_SEV_UNKNOWN: return C_MAG;
	case GOABI_SEV_ERROR: break;
	}
	return C_RED;
}

static void on(FILE *out, const struct report_opts *o, const char *c)
{
	if (o && o->color && c && *c)
		fputs(c, out);
}

static void off(FILE *out, const struct report_opts *o, const char *c)
{
	if (o && o->color && c && *c)
		fputs(C_OFF, out);
}

/* path(member) [symbol] {layer}: what a finding or judged item is about */
static bool subject(FILE *out, const struct goabi_subject *s)
{
	bool any = false;
	if (s->path) {
		report_put(out, s->path);
		any = true;
	}
	if (s->member) {
		fputc('(', out);
		report_put(out, s->member);
		fputc(')', out);
		any = true;
	}
	if (s->symbol) {
		fputs(any ? " " : "", out);
		fputc('\'', out);
		report_put(out, s->symbol);
		fputc('\'', out);
		any = true;
	}
	if (s->layer) {
		fputs(any ? " " : "", out);
		fputs("[layer ", out);
		report_put(out, s->layer);
		fputc(']', out);
		any = true;
	}
	return any;
}

static void props(FILE *out, int ind, const struct goabi_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		fprintf(out, "%*s", ind, "");
		report_put(out, p->v[i].name);
		fputs(": ", out);
		report_put(out, p->v[i].value ? p->v[i].value : "(none)");
		fputc('\n', out);
	}
}

static const char *sev_title(enum goabi_finding_sev s)
{
	switch (s) {
	case GOABI_SEV_ERROR: return "errors";
	case GOABI_SEV_UNKNOWN: return "unknown";
	case GOABI_SEV_WARNING: return "warnings";
	case GOABI_SEV_NOTE: break;
	}
	return "notes";
}

/* judged items listed in full without -v up to this many */
#define TEXT_JUDGED_MAX 20

void report_result_text(FILE *out, const struct goabi_result *r, const struct report_opts *o)
{
	bool verbose = o && o->verbose;
	const char *vc = verdict_color(r->verdict);
	fputs("goabi ", out);
	report_put(out, r->check ? r->check : "");
	fputs(": ", out);
	on(out, o, C_BOLD);
	on(out, o, vc);
	report_put(out, r->verdict_word ? r->verdict_word : goabi_verdict_name(r->verdict));
	off(out, o, vc);
	if (r->verdict_word && strcmp(r->verdict_word, goabi_verdict_name(r->verdict)) != 0)
		fprintf(out, " [%s]", goabi_verdict_name(r->verdict));
	fputc('\n', out);
	/* summary: aligned "  name  value" lines */
	size_t w = 0;
	for (size_t i = 0; i < r->summary.n; i++)
		if (strlen(r->summary.v[i].name) > w)
			w = strlen(r->summary.v[i].name);
	if (w > 24)
		w = 24;
	for (size_t i = 0; i < r->summary.n; i++) {
		fputs("  ", out);
		report_put(out, r->summary.v[i].name);
		size_t n = strlen(r->summary.v[i].name);
		fprintf(out, "%*s  ", (int)(n < w ? w - n : 0), "");
		report_put(out, r->summary.v[i].value ? r->summary.v[i].value : "(none)");
		fputc('\n', out);
	}
	if (r->njudged) {
		fputc('\n', out);
		/* a long list (an image of 1000 binaries) shows only what did not
		 * pass unless -v: the summary above has the counts */
		bool brief = !verbose && r->njudged > TEXT_JUDGED_MAX;
		size_t hidden = 0;
		for (size_t i = 0; i < r->njudged; i++) {
			const struct goabi_judged *j = &r->judged[i];
			if (brief && j->verdict == GOABI_VERDICT_PASS) {
				hidden++;
				continue;
			}
			fputs("  ", out);
			if (!subject(out, &j->subject))
				fputs("(input)", out);
			fputs(": ", out);
			const char *c = verdict_color(j->verdict);
			on(out, o, c);
			report_put(out, j->verdict_word ? j->verdict_word : goabi_verdict_name(j->verdict));
			off(out, o, c);
			fputc('\n', out);
			if (verbose)
				props(out, 6, &j->props);
		}
		if (hidden)
			fprintf(out, "  ... and %zu more that pass (-v lists every one)\n", hidden);
	}
	if (r->nerrors) {
		fprintf(out, "\ninputs not read (%zu):\n", r->nerrors);
		for (size_t i = 0; i < r->nerrors; i++) {
			const struct goabi_input_error *e = &r->errors[i];
			fputs("  ", out);
			if (e->file) {
				fputc('\'', out);
				report_put(out, e->file);
				if (e->member) {
					fputc('(', out);
					report_put(out, e->member);
					fputc(')', out);
				}
				fputs("': ", out);
			}
			report_put(out, e->message);
			fputc('\n', out);
		}
	}
	static const enum goabi_finding_sev order[] = { GOABI_SEV_ERROR, GOABI_SEV_UNKNOWN, GOABI_SEV_WARNING, GOABI_SEV_NOTE };
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		size_t n = 0;
		for (size_t i = 0; i < r->nfindings; i++)
			n += r->findings[i].sev == order[k];
		if (!n)
			continue;
		const char *c = sev_color(order[k]);
		fputc('\n', out);
		on(out, o, c);
		fprintf(out, "%s (%zu):", sev_title(order[k]), n);
		off(out, o, c);
		fputc('\n', out);
		for (size_t i = 0; i < r->nfindings; i++) {
			const struct goabi_finding *f = &r->findings[i];
			if (f->sev != order[k])
				continue;
			fputs("  ", out);
			if (subject(out, &f->subject))
				fputs(": ", out);
			report_put(out, f->message ? f->message : "");
			if (f->rule) {
				fputs(" [", out);
				report_put(out, f->rule);
				if (f->conf != GOABI_KNOWN) {
					fputs(", ", out);
					fputs(goabi_conf_name(f->conf), out);
				}
				fputc(']', out);
			}
			fputc('\n', out);
			if (f->tool_says) {
				fputs("      ", out);
				report_put(out, f->tool_says);
				fputc('\n', out);
			}
			if (verbose) {
				for (size_t e = 0; e < f->evidence.n; e++) {
					fputs("      evidence: ", out);
					report_put(out, f->evidence.v[e]);
					fputc('\n', out);
				}
				props(out, 6, &f->props);
			}
		}
	}
}
