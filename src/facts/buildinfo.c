/* Go build info: the "\xff Go buildinf:" header, 16-byte aligned, in
 * .go.buildinfo or (sections stripped) the first writable PT_LOAD.
 * Layout from Go 1.19 src/debug/buildinfo/buildinfo.go:
 *   [0:14] magic, [14] pointer size, [15] flags (bit0 big-endian,
 *   bit1 inline strings). Inline (Go 1.18+): uvarint-prefixed version and
 *   module-info strings at +32. Otherwise (before 1.18): two pointers at +16
 *   to Go string headers {ptr, len}. */
#include <stdlib.h>
#include <string.h>
#include "facts/gofacts.h"

static const uint8_t magic[14] = "\xff Go buildinf:";
#define MODINFO_SENTINEL_LEN 16

static const char *modinfo_line_field(struct goabi_artifact *a, char **line)
{
	char *s = *line;
	if (!s)
		return NULL;
	char *tab = strchr(s, '\t');
	if (tab) {
		*tab = 0;
		*line = tab + 1;
	} else {
		*line = NULL;
	}
	return arena_strdup(a->arena, s);
}

/* Undo Go's strconv.Quote for build setting values ("-ldflags=\"-s -w\""). */
static const char *unquote(struct goabi_artifact *a, const char *v)
{
	size_t n = strlen(v);
	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return v;
	char *o = arena_alloc(a->arena, n);
	if (!o)
		return v;
	size_t j = 0;
	for (size_t i = 1; i + 1 < n; i++) {
		if (v[i] != '\\' || i + 2 >= n) {
			o[j++] = v[i];
			continue;
		}
		char c = v[++i];
		switch (c) {
		case 'n': o[j++] = '\n'; break;
		case 't': o[j++] = '\t'; break;
		case 'r': o[j++] = '\r'; break;
		case 'x':
			if (i + 2 < n - 1) {
				char hex[3] = { v[i + 1], v[i + 2], 0 };
				o[j++] = (char)strtoul(hex, NULL, 16);
				i += 2;
			}
			break;
		default: o[j++] = c; break;
		}
	}
	o[j] = 0;
	return o;
}

static void fill_module(struct goabi_artifact *a, struct goabi_module *m, char *rest, bool repl)
{
	const char *p = modinfo_line_field(a, &rest);
	const char *v = modinfo_line_field(a, &rest);
	const char *s = modinfo_line_field(a, &rest);
	if (repl) {
		m->repl_path = p;
		m->repl_version = v;
		m->repl_sum = s;
	} else {
		m->path = p;
		m->version = v;
		m->sum = s;
	}
}


void go_setting_add(struct goabi_artifact *a, const char *key, const char *value)
{
	struct goabi_go *g = &a->go;
	if (g->nsettings >= GOABI_MAX_LIST ||
	    !arena_grow(a->arena, &g->settings, &g->setcap, g->nsettings + 1, sizeof(*g->settings)))
		return;
	g->settings[g->nsettings].key = arena_strdup(a->arena, key);
	g->settings[g->nsettings].value = value;
	g->nsettings++;
}
void go_modinfo_parse(struct goabi_artifact *a, const char *s, size_t n)
{
	struct goabi_go *g = &a->go;
	char *text = utf8_sanitize(a->arena, s, n);
	if (!text)
		return;
	g->has_modinfo = true;
	struct goabi_module *last = NULL;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = 0;
		char *rest = tab + 1;
		if (strcmp(line, "path") == 0) {
			g->main_path = arena_strdup(a->arena, rest);
		} else if (strcmp(line, "mod") == 0) {
			fill_module(a, &g->main, rest, false);
			last = &g->main;
		} else if (strcmp(line, "dep") == 0) {
			if (g->ndeps >= GOABI_MAX_MODULES) {
				diag_add(a, GOABI_DIAG_WARNING, "build info lists more than the limit of %u modules; the rest are ignored",
					 GOABI_MAX_MODULES);
				continue;
			}
			if (!arena_grow(a->arena, &g->deps, &g->depcap, g->ndeps + 1, sizeof(*g->deps)))
				continue;
			last = &g->deps[g->ndeps++];
			memset(last, 0, sizeof(*last));
			fill_module(a, last, rest, false);
		} else if (strcmp(line, "=>") == 0) {
			if (last)
				fill_module(a, last, rest, true);
		} else if (strcmp(line, "build") == 0) {
			char *eq = strchr(rest, '=');
			/* keys may be quoted too when they contain '=' or spaces; rare */
			if (!eq)
				continue;
			*eq = 0;
			go_setting_add(a, rest, unquote(a, arena_strdup(a->arena, eq + 1)));
		}
	}
}

/* Read a Go string header {ptr, len} at vaddr (pre-1.18 layout). */
static const char *go_string_at(struct elfview *ev, uint64_t vaddr, int ptrsize, bool be, size_t *outlen)
{
	const uint8_t *h;
	if (!ev_vaddr(ev, vaddr, 2 * (uint64_t)ptrsize, &h, NULL))
		return NULL;
	uint64_t data = rdptr(h, be, ptrsize), len = rdptr(h + ptrsize, be, ptrsize);
	if (len > GOABI_MAX_STRING)
		return NULL;
	const uint8_t *p;
	if (len && !ev_vaddr(ev, data, len, &p, NULL))
		return NULL;
	*outlen = (size_t)len;
	return len ? (const char *)p : "";
}

/* Is the 32-byte header at p (n bytes to the end of its data) one that
 * debug/buildinfo would decode? Pointer size 4 or 8, no flag bit but
 * big-endian (1) and inline strings (2); inline: a non-empty version and the
 * module info each a uvarint length and the bytes inside the data; pointer
 * layout: the version pointer inside an address range of the file. A stray
 * copy of the magic (the debug/buildinfo package's own, in gccgo's libgo)
 * fails this. */
static bool header_plausible(const struct elfview *ev, const uint8_t *p, size_t n)
{
	if (n < 32 || (p[14] != 4 && p[14] != 8) || (p[15] & ~3u))
		return false;
	int ptrsize = p[14];
	bool be = p[15] & 1;
	if (p[15] & 2) {
		struct cur c = cur_make(p, n, be, ptrsize);
		cur_seek(&c, 32);
		uint64_t l;
		const uint8_t *b;
		if (!cur_uvarint(&c, &l) || l == 0 || l > GOABI_MAX_STRING || !cur_bytes(&c, l, &b))
			return false;
		return cur_uvarint(&c, &l) && l <= GOABI_MAX_MODINFO && cur_bytes(&c, l, &b);
	}
	if (ev->eh.e_type == ET_REL)
		return true; /* pointers need relocations: parse_at says so */
	const uint8_t *h;
	return ev_vaddr(ev, rdptr(p + 16, be, ptrsize), 2 * (uint64_t)ptrsize, &h, NULL);
}

static bool parse_at(struct elfview *ev, const uint8_t *p, size_t n, const char *where, uint64_t off)
{
	struct goabi_artifact *a = ev->a;
	struct goabi_go *g = &a->go;
	if (n < 32)
		return false;
	int ptrsize = p[14];
	uint8_t flags = p[15];
	bool be = flags & 1;
	if (ptrsize != 4 && ptrsize != 8) {
		diag_add(a, GOABI_DIAG_ERROR, "build info in %s has an invalid pointer size %d", where, ptrsize);
		return false;
	}
	const char *ver = NULL, *mod = NULL;
	size_t vlen = 0, mlen = 0;
	if (flags & 2) {
		struct cur c = cur_make(p, n, be, ptrsize);
		cur_seek(&c, 32);
		uint64_t l = 0;
		const uint8_t *b;
		bool have_len = cur_uvarint(&c, &l);
		if (!have_len || l > GOABI_MAX_STRING || !cur_bytes(&c, l, &b)) {
			if (have_len && l > GOABI_MAX_STRING)
				diag_add(a, GOABI_DIAG_ERROR, "build info in %s: version string of %llu bytes exceeds the limit of %u",
					 where, (unsigned long long)l, GOABI_MAX_STRING);
			else
				diag_add(a, GOABI_DIAG_ERROR, "build info in %s: version string length is invalid or past the end", where);
			return false;
		}
		ver = (const char *)b;
		vlen = (size_t)l;
		if (!cur_uvarint(&c, &l) || l > GOABI_MAX_MODINFO || !cur_bytes(&c, l, &b)) {
			diag_add(a, GOABI_DIAG_ERROR, "build info in %s: module info length is invalid or past the end", where);
		} else {
			mod = (const char *)b;
			mlen = (size_t)l;
		}
	} else {
		if (ev->eh.e_type == ET_REL) {
			diag_add(a, GOABI_DIAG_WARNING, "build info in %s uses the pre-1.18 pointer layout, which needs relocations in an object file", where);
			return false;
		}
		uint64_t vp = rdptr(p + 16, be, ptrsize), mp = rdptr(p + 16 + ptrsize, be, ptrsize);
		ver = go_string_at(ev, vp, ptrsize, be, &vlen);
		if (!ver) {
			diag_add(a, GOABI_DIAG_ERROR, "build info in %s: version pointer %#llx does not resolve", where, (unsigned long long)vp);
			return false;
		}
		mod = go_string_at(ev, mp, ptrsize, be, &mlen);
	}
	g->buildinfo_where = arena_printf(a->arena, "%s+%#llx (%s layout, %d-byte pointers, %s)", where,
					  (unsigned long long)off, flags & 2 ? "inline" : "pointer", ptrsize,
					  be ? "big-endian" : "little-endian");
	if (vlen) {
		const char *v = utf8_sanitize(a->arena, ver, vlen);
		fact_set(a, &g->version, GOABI_KNOWN, v, "build info (%s)", g->buildinfo_where);
		fact_set_typed(a, FT_TOOLCHAIN, GOABI_KNOWN, "gc", "build info header");
	}
	/* module info framed by 16-byte sentinels; "\n" precedes the end one */
	if (mod && mlen >= 2 * MODINFO_SENTINEL_LEN + 1 && mod[mlen - MODINFO_SENTINEL_LEN - 1] == '\n')
		go_modinfo_parse(a, mod + MODINFO_SENTINEL_LEN, mlen - 2 * MODINFO_SENTINEL_LEN);
	return true;
}

/* The first 16-byte-aligned header in p. In .go.buildinfo (section: the
 * linker's own place for it) a header that does not decode is an error;
 * found by scanning other data, it is only a copy of the magic string:
 * skipped, and the search goes on. */
static bool search(struct elfview *ev, const uint8_t *p, size_t n, const char *where, bool section)
{
	size_t base = 0;
	while (base < n) {
		int64_t at = find_bytes(p + base, n - base, magic, sizeof(magic), 16);
		if (at < 0)
			return false;
		size_t off = base + (size_t)at;
		if (section || header_plausible(ev, p + off, n - off)) {
			parse_at(ev, p + off, n - off, where, (uint64_t)off);
			return true;
		}
		base = off + 16;
	}
	return false;
}

void go_buildinfo(struct elfview *ev)
{
	GElf_Shdr sh;
	const uint8_t *p;
	size_t n;
	if (ev_section(ev, ".go.buildinfo", &sh) && ev_section_bytes(ev, &sh, &p, &n) && search(ev, p, n, ".go.buildinfo", true))
		return;
	if (ev->eh.e_type == ET_REL && ev->sections_ok) {
		/* go.o: the go:buildinfo data sits in an ordinary data section,
		 * a writable one (it held pointers to relocate before Go 1.18, and
		 * the linker keeps it with them: in executables it is in the
		 * first writable segment, where go version looks). Read-only
		 * data is not searched: ICU's libicudata.a is one 31 MB object. */
		Elf_Scn *scn = NULL;
		while ((scn = elf_nextscn(ev->elf, scn)) != NULL) {
			if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS || (sh.sh_flags & SHF_EXECINSTR) ||
			    !(sh.sh_flags & SHF_WRITE))
				continue;
			if (ev_section_bytes(ev, &sh, &p, &n) && search(ev, p, n, ev_section_name(ev, &sh), false))
				return;
		}
		return;
	}
	/* stripped or unusual: writable, non-executable PT_LOAD segments */
	for (size_t i = 0; i < ev->phnum; i++) {
		GElf_Phdr ph;
		if (!ev_phdr(ev, i, &ph) || ph.p_type != PT_LOAD || !(ph.p_flags & PF_W) || (ph.p_flags & PF_X))
			continue;
		if (!range_ok(ph.p_offset, ph.p_filesz, ev->size))
			continue;
		if (search(ev, ev->raw + ph.p_offset, ph.p_filesz,
			   arena_printf(ev->a->arena, "PT_LOAD[%zu]", i), false))
			return;
	}
}
