/* Human text reporter: one aligned block per artifact, each fact followed
 * by its evidence; members of archives indented under their archive. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/report.h"

void report_put(FILE *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\x%02x", *p);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			fprintf(out, "\\u%04x", *++p);
		else
			fputc(*p, out);
	}
}

/* the wrap width of the report being written (report_text sets it) */
static int wrap_width;

/* columns a UTF-8 string takes (continuation bytes take none) */
static size_t cols(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* s (already escaped: no control bytes) after a prefix of pcols columns,
 * broken at spaces so no line passes width; continuation lines hang under
 * the value column; a word longer than the room is written whole */
static void put_wrapped(FILE *out, const char *s, size_t pcols, int width)
{
	size_t hang = pcols, room = (size_t)width;
	if (hang > room / 2)
		hang = room / 2;
	size_t at = pcols;
	bool fresh = true; /* nothing written on this line after the prefix/hang */
	const char *p = s;
	while (*p) {
		const char *sp = p;
		while (*p == ' ')
			p++;
		size_t nsp = (size_t)(p - sp);
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t wl = (size_t)(p - w), wc = cols(w, wl);
		if (!wl) { /* trailing spaces */
			break;
		}
		if (!fresh && at + nsp + wc > room) {
			fprintf(out, "\n%*s", (int)hang, "");
			at = hang;
			fresh = true;
		}
		if (!fresh || at == pcols) { /* keep the spacing inside a line (and after the label) */
			fprintf(out, "%.*s", (int)nsp, sp);
			at += nsp;
		}
		fwrite(w, 1, wl, out);
		at += wc;
		fresh = false;
	}
}

static void line(FILE *out, int ind, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(FILE *out, int ind, const char *label, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int pre = fprintf(out, "%*s  %-12s ", ind, "", label);
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0) {
		char *esc = NULL;
		size_t elen = 0;
		FILE *m = wrap_width > 0 ? open_memstream(&esc, &elen) : NULL;
		if (m) { /* escaped first, then wrapped: the escapes are part of the text */
			report_put(m, s);
			fclose(m);
			if (pre < 0)
				pre = 0;
			if (esc && cols(esc, elen) + (size_t)pre > (size_t)wrap_width)
				put_wrapped(out, esc, (size_t)pre, wrap_width);
			else if (esc)
				fputs(esc, out);
			free(esc);
		} else {
			report_put(out, s);
		}
		free(s);
	}
	va_end(ap);
	fputc('\n', out);
}

static void fact(FILE *out, int ind, const char *label, const struct goabi_fact *f)
{
	if (!f->value && !f->evidence)
		return;
	const char *v = f->value ? f->value : "unknown";
	if (f->conf == GOABI_KNOWN)
		line(out, ind, label, "%s  [%s]", v, f->evidence ? f->evidence : "");
	else
		line(out, ind, label, "%s  [%s: %s]", v, goabi_conf_name(f->conf), f->evidence ? f->evidence : "");
}

static void list(FILE *out, int ind, const char *label, const struct goabi_strv *sv, size_t max)
{
	if (!sv->n)
		return;
	char buf[4096];
	size_t used = 0;
	for (size_t i = 0; i < sv->n && i < max && used < sizeof(buf) - 64; i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "", sv->v[i]);
	/* snprintf returns what it would have written: a long last entry
	 * leaves used past the end (DT_NEEDED names of 1000 bytes did) */
	if (used > sizeof(buf) - 32)
		used = sizeof(buf) - 32;
	if (sv->n > max)
		snprintf(buf + used, sizeof(buf) - used, ", ... (%zu in all)", sv->n);
	line(out, ind, label, "%s", buf);
}

static void go_block(FILE *out, int ind, const struct goabi_go *g, const struct goabi_typed *t,
		     const struct report_opts *o)
{
	if (!g->toolchain.value) {
		/* unknown with a reason (a truncated file); loader_only leaves
		 * it without one: nothing to say */
		if (g->toolchain.evidence)
			fact(out, ind, "go", &g->toolchain);
		return;
	}
	if (t->toolchain == GOABI_TC_NONE) {
		line(out, ind, "go", "not Go  [%s]", g->toolchain.evidence ? g->toolchain.evidence : "");
		return;
	}
	fact(out, ind, "go", &g->toolchain);
	fact(out, ind, "go version", &g->version);
	if (g->version_range.value)
		fact(out, ind, "pclntab", &g->version_range);
	if (g->main_path)
		line(out, ind, "path", "%s", g->main_path);
	if (g->main.path)
		line(out, ind, "module", "%s%s%s%s%s", g->main.path, g->main.version && *g->main.version ? " " : "",
		     g->main.version ? g->main.version : "", g->main.sum && *g->main.sum ? " " : "",
		     g->main.sum ? g->main.sum : "");
	size_t ndeps = o->verbose ? g->ndeps : (g->ndeps < 8 ? g->ndeps : 8);
	for (size_t i = 0; i < ndeps; i++) {
		const struct goabi_module *m = &g->deps[i];
		line(out, ind, i ? "" : "deps", "%s %s%s%s%s%s", m->path ? m->path : "?", m->version ? m->version : "",
		     m->repl_path ? " => " : "", m->repl_path ? m->repl_path : "",
		     m->repl_version ? " " : "", m->repl_version ? m->repl_version : "");
	}
	if (ndeps < g->ndeps)
		line(out, ind, "", "... %zu more (-v)", g->ndeps - ndeps);
	for (size_t i = 0; i < g->nsettings; i++) {
		const char *v = g->settings[i].value ? g->settings[i].value : "";
		bool q = strpbrk(v, " \t\"") != NULL;
		line(out, ind, i ? "" : "build", "%s=%s%s%s", g->settings[i].key, q ? "\"" : "", v, q ? "\"" : "");
	}
	fact(out, ind, "scheme", &g->scheme);
	if (g->eq_funcs.n || g->hash_funcs.n)
		line(out, ind, "eq/hash", "%zu type equality, %zu type hash functions, %zu itabs", g->eq_funcs.n,
		     g->hash_funcs.n, g->nitabs);
	if (o->verbose) {
		list(out, ind, "eq funcs", &g->eq_funcs, 1000);
		list(out, ind, "hash funcs", &g->hash_funcs, 1000);
	}
	fact(out, ind, "typehash", &g->typehash);
	fact(out, ind, "cgo", &g->cgo);
	if (o->verbose)
		list(out, ind, "cgo evidence", &g->cgo_evidence, 100);
	fact(out, ind, "buildmode", &g->buildmode);
	for (size_t i = 0; i < g->conflicts.n; i++)
		line(out, ind, "CONFLICT", "%s", g->conflicts.v[i]);
}

static void libc_block(FILE *out, int ind, const struct goabi_libc *l, const struct report_opts *o)
{
	fact(out, ind, "linkage", &l->linkage);
	if (l->interp)
		line(out, ind, "interp", "%s", l->interp);
	list(out, ind, "needed", &l->needed, 64);
	if (l->soname)
		line(out, ind, "soname", "%s", l->soname);
	if (l->rpath)
		line(out, ind, "rpath", "%s", l->rpath);
	if (l->runpath)
		line(out, ind, "runpath", "%s", l->runpath);
	fact(out, ind, "libc", &l->family);
	fact(out, ind, "glibc floor", &l->glibc_floor);
	fact(out, ind, "glibcxx", &l->glibcxx_floor);
	fact(out, ind, "cxxabi", &l->cxxabi_floor);
	for (size_t i = 0; i < l->nverneed; i++) {
		char label[64];
		snprintf(label, sizeof(label), "%s", i ? "" : "versions");
		char buf[2048];
		size_t used = snprintf(buf, sizeof(buf), "%s:", l->verneed[i].file);
		for (size_t j = 0; j < l->verneed[i].versions.n && used < sizeof(buf) - 64; j++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, " %s", l->verneed[i].versions.v[j]);
		line(out, ind, label, "%s", buf);
		if (o->verbose)
			list(out, ind, "", &l->verneed[i].symbols, 10000);
	}
	if (l->hash_style.value)
		line(out, ind, "hash style", "%s", l->hash_style.value);
	list(out, ind, "undef libc", &l->undef_libc, o->verbose ? 10000 : 16);
}

/* name-service lookups (docs/inspect.md): shown when there are any */
static void nss_block(FILE *out, int ind, const struct goabi_nss *n, const struct goabi_typed *t)
{
	bool musl = t->libc == GOABI_LIBC_MUSL;
	if (n->go_user.value)
		fact(out, ind, "user lookup", &n->go_user);
	if (n->go_resolver.value)
		fact(out, ind, "resolver", &n->go_resolver);
	if (n->calls.n) {
		char buf[1024];
		size_t used = (size_t)snprintf(buf, sizeof(buf), "%s", n->static_glibc ? "static glibc NSS"
					       : musl ? "none: musl reads the files and asks DNS itself (no NSS, no nsswitch.conf)"
					       : "C library NSS");
		for (size_t i = 0; i < n->databases.n && used < sizeof(buf) - 64; i++)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : ": ", n->databases.v[i]);
		if (n->static_glibc)
			snprintf(buf + used, sizeof(buf) - used, "%s", n->builtin_files_dns ? " (files and dns built in)" : "");
		line(out, ind, "nss", "%s", buf);
		list(out, ind, "nss calls", &n->calls, 32);
	}
}

static void report_depth(FILE *out, const struct goabi_artifact *a, const struct report_opts *o, int depth);

/* columns of a line that may hold SGR colour sequences (ESC [ ... m: none) */
static size_t vis_cols(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	}
	return c;
}

void report_wrap_text(FILE *out, const char *text, size_t len, int width)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (width < 20 || vis_cols(p, n) <= (size_t)width) {
			fwrite(p, 1, n, out);
		} else {
			size_t lead = 0;
			while (lead < n && p[lead] == ' ')
				lead++;
			size_t hang = lead + 4 > (size_t)width / 2 ? (size_t)width / 2 : lead + 4;
			size_t at = 0;
			bool fresh = true;
			size_t i = 0;
			while (i < n) {
				size_t sp = i;
				while (i < n && p[i] == ' ')
					i++;
				size_t w = i;
				while (i < n && p[i] != ' ')
					i++;
				if (w == i)
					break;
				size_t wc = vis_cols(p + w, i - w), nsp = w - sp;
				if (!fresh && at + nsp + wc > (size_t)width) {
					fprintf(out, "\n%*s", (int)hang, "");
					at = hang;
					fresh = true;
				} else {
					fwrite(p + sp, 1, nsp, out);
					at += nsp;
				}
				fwrite(p + w, 1, i - w, out);
				at += wc;
				fresh = false;
			}
		}
		if (nl)
			fputc('\n', out);
		p = nl ? nl + 1 : end;
	}
}

void report_text(FILE *out, const struct goabi_artifact *a, const struct report_opts *o)
{
	wrap_width = o && o->width >= 20 ? o->width : 0; /* the CLI's one thread */
	report_depth(out, a, o, 0);
	wrap_width = 0;
}

/* Mach-O and PE (issue 23): format, OS, its floor, libraries, signature. */
static void os_block(FILE *out, int ind, const struct goabi_artifact *a, const struct report_opts *o)
{
	const struct goabi_os *s = &a->os;
	if (a->kind == GOABI_KIND_MACHO)
		line(out, ind, "format", "Mach-O %s%s%s%s%s", s->filetype ? s->filetype : "", s->platform ? ", platform " : "",
		     s->platform ? s->platform : "", s->sdk ? ", sdk " : "", s->sdk ? s->sdk : "");
	else
		line(out, ind, "format", "%s %s, subsystem %s %s, MajorOperatingSystemVersion %s", s->pe_magic ? s->pe_magic : "PE",
		     s->filetype ? s->filetype : "", s->subsystem ? s->subsystem : "?", s->subsystem_version ? s->subsystem_version : "",
		     s->os_version ? s->os_version : "");
	fact(out, ind, "os", &s->name);
	fact(out, ind, "os floor", &s->floor);
	if (o->verbose) {
		fact(out, ind, "binary min", &s->binary_min);
		fact(out, ind, "go min", &s->toolchain_min);
	}
	for (size_t i = 0; i < s->ndylibs; i++) {
		const struct goabi_dylib *l = &s->dylibs[i];
		if (l->compat)
			line(out, ind, i ? "" : "dylibs", "%s (compatibility %s)%s", l->name, l->compat, l->weak ? " weak" : "");
		else
			line(out, ind, i ? "" : "dlls", "%s (%zu function%s)", l->name, l->imports.n,
			     l->imports.n == 1 ? "" : "s");
		if (o->verbose)
			for (size_t j = 0; j < l->imports.n; j++)
				line(out, ind + 2, "", "%s", l->imports.v[j]);
	}
	if (s->pe_magic)
		fact(out, ind, "c runtime", &s->crt);
	list(out, ind, "rpaths", &s->rpaths, 16);
	fact(out, ind, "signature", &s->signature);
}

/* depth: archive nesting; members are indented two columns per level */
static void report_depth(FILE *out, const struct goabi_artifact *a, const struct report_opts *o, int depth)
{
	int ind = 2 * depth;
	fprintf(out, "%*s", ind, "");
	report_put(out, a->path);
	if (a->member) {
		fputc('(', out);
		report_put(out, a->member);
		fputc(')', out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < a->ndiags; i++)
		line(out, ind, a->diags[i].severity == GOABI_DIAG_ERROR ? "ERROR" : "warning", "%s", a->diags[i].message);
	if (a->kind == GOABI_KIND_OTHER)
		return;
	const struct goabi_elfid *id = &a->id;
	if (a->kind == GOABI_KIND_AR)
		line(out, ind, "archive", "%zu members%s, %zu symbol index entries", a->nmembers, a->thin ? " (thin)" : "",
		     a->nsymidx);
	if (a->kind == GOABI_KIND_GOOBJ)
		line(out, ind, "format", "Go object file (cmd/internal/goobj), not ELF: only the Go linker reads it");
	if (id->machine_name) {
		char flags[512] = "";
		size_t used = 0;
		for (size_t i = 0; i < id->flag_notes.n && used < sizeof(flags) - 64; i++)
			used += (size_t)snprintf(flags + used, sizeof(flags) - used, " %s", id->flag_notes.v[i]);
		line(out, ind, "elf", "ELF%d %s-endian %s %s%s osabi=%s flags=%#x%s%s%s", id->elfclass,
		     id->big_endian ? "big" : "little", id->machine_name, id->type_name, id->pie ? " (PIE)" : "",
		     id->osabi_name, id->flags, flags, id->has_sections ? "" : " (no section headers)",
		     id->debug_file ? " (separate debug file: code and data are not in it)" : "");
		if (o->verbose && id->build_id)
			line(out, ind, "build-id", "%s", id->build_id);
	}
	if (a->machine.value || a->machine.evidence)
		fact(out, ind, "machine", &a->machine);
	if (a->kind == GOABI_KIND_MACHO || a->kind == GOABI_KIND_PE)
		os_block(out, ind, a, o);
	go_block(out, ind, &a->go, &a->typed, o);
	if (a->kind == GOABI_KIND_ELF && a->os.floor.evidence)
		fact(out, ind, "os floor", &a->os.floor);
	if (a->kind == GOABI_KIND_ELF)
		libc_block(out, ind, &a->libc, o);
	if (a->kind == GOABI_KIND_ELF)
		nss_block(out, ind, &a->nss, &a->typed);
	if (a->kind == GOABI_KIND_ELF || a->isa.scanned || a->isa.declared.value) {
		fact(out, ind, "isa declared", &a->isa.declared);
		if (a->isa.scanned) {
			fact(out, ind, "isa required", &a->isa.required);
			fact(out, ind, "isa used", &a->isa.used);
		}
		for (size_t i = 0; i < a->isa.conflicts.n; i++)
			line(out, ind, i ? "" : "isa conflict", "%s", a->isa.conflicts.v[i]);
		if (o->isa_detail && (a->isa.has_note_isa || a->isa.note_features)) {
			/* GNU_PROPERTY_X86_ISA_1_* bits: baseline, v2, v3, v4; FEATURE_1_AND: IBT, SHSTK */
			static const char *lv[] = { "baseline", "v2", "v3", "v4" };
			char need[64] = "", used[64] = "";
			size_t n1 = 0, n2 = 0;
			for (int b = 0; b < 4; b++) {
				if (a->isa.note_isa_needed & (1u << b))
					n1 += (size_t)snprintf(need + n1, sizeof(need) - n1, "%s%s", n1 ? "," : "", lv[b]);
				if (a->isa.note_isa_used & (1u << b))
					n2 += (size_t)snprintf(used + n2, sizeof(used) - n2, "%s%s", n2 ? "," : "", lv[b]);
			}
			line(out, ind, "isa note", "needed %s; used %s; CET%s%s%s", n1 ? need : "-", n2 ? used : "-",
			     a->isa.note_features & 1 ? " IBT" : "", a->isa.note_features & 2 ? " SHSTK" : "",
			     a->isa.note_features & 3 ? "" : " none");
		}
		if (o->isa_detail) {
			list(out, ind, "extensions", &a->isa.extensions, 1000);
			for (size_t i = 0; i < a->isa.detail.n; i++)
				line(out, ind, i ? "" : "isa detail", "%s", a->isa.detail.v[i]);
			for (size_t i = 0; i < a->isa.guards.n; i++)
				line(out, ind, i ? "" : "isa guards", "%s", a->isa.guards.v[i]);
		}
	}
	for (size_t i = 0; i < a->cabi.nexports; i++) {
		const struct goabi_export *e = &a->cabi.exports[i];
		line(out, ind, i ? "" : "exports", "%s  [%s]", e->prototype ? e->prototype : e->name,
		     e->evidence ? e->evidence : "");
	}
	if (a->kind == GOABI_KIND_AR) {
		fact(out, ind, "libc", &a->libc.family);
		list(out, ind, "undef libc", &a->libc.undef_libc, o->verbose ? 10000 : 16);
	}
	if (a->kind == GOABI_KIND_MACHO)
		for (size_t i = 0; i < a->nmembers; i++)
			report_depth(out, a->members[i], o, depth + 1);
	if (a->kind == GOABI_KIND_AR && (o->verbose || a->nmembers <= 8)) {
		for (size_t i = 0; i < a->nmembers; i++)
			report_depth(out, a->members[i], o, depth + 1);
	} else if (a->kind == GOABI_KIND_AR) {
		line(out, ind, "", "(%zu members: -v to list them)", a->nmembers);
	}
}
