/* Shared pieces of the libFuzzer targets: run both reporters over an
 * artifact (the JSON must be valid UTF-8 that jansson reads back), and build
 * a small synthetic ELF around fuzzer-chosen section bytes so that one
 * parser gets the input without the fuzzer having to discover ELF first. */
#ifndef GOABI_FUZZ_H
#define GOABI_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <jansson.h>
#include "goabi/goabi.h"
#include "report/report.h"

static inline int fuzz_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) { i++; continue; }
		if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
		else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
		else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
		else return 0;
		if (len > n - i) return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80) return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/* Both reporters; aborts (a finding) when the JSON is not valid. */
static inline void fuzz_report(const struct goabi_artifact *a)
{
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	struct report_opts ro = { .verbose = true, .isa_detail = true };
	report_text(devnull, a, &ro);
	ro.verbose = false;
	report_text(devnull, a, &ro);
	json_t *j = report_json(a, &ro);
	if (!j)
		abort();
	char *s = json_dumps(j, JSON_COMPACT);
	if (!s || !fuzz_utf8_valid((const unsigned char *)s, strlen(s)))
		abort();
	json_error_t err;
	json_t *back = json_loads(s, 0, &err);
	if (!back)
		abort();
	json_decref(back);
	free(s);
	json_decref(j);
}

static inline void fuzz_inspect(const char *name, const uint8_t *p, size_t n)
{
	struct goabi_opts o = { .isa = true, .isa_detail = true };
	struct goabi_artifact *a = NULL;
	goabi_inspect_buffer(name, p, n, &o, &a);
	if (a) {
		fuzz_report(a);
		goabi_artifact_free(a);
	}
}

/* ---- synthetic ELF ---- */
struct synth_sec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	const uint8_t *data;
	size_t len;
	int link;         /* index into the synth_sec array, -1 none */
	uint32_t info;
	uint64_t entsize;
};

struct synth {
	int is64, be;
	uint16_t type;    /* ET_EXEC, ET_DYN, ET_REL */
	int no_shdrs;     /* drop section headers (stripped -s style) */
	int load_flags;   /* PF_* of the one PT_LOAD covering the file */
};

struct sbuf { uint8_t *p; size_t n, cap; };

static inline void sb_need(struct sbuf *b, size_t n)
{
	if (b->n + n <= b->cap)
		return;
	size_t c = b->cap ? b->cap : 4096;
	while (c < b->n + n)
		c *= 2;
	b->p = realloc(b->p, c);
	if (!b->p)
		abort();
	b->cap = c;
}
static inline void sb_put(struct sbuf *b, const void *p, size_t n)
{
	sb_need(b, n);
	if (n)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}
static inline void sb_align(struct sbuf *b, size_t al)
{
	static const uint8_t z[16];
	while (b->n % al)
		sb_put(b, z, 1);
}
static inline void sb_int(struct sbuf *b, uint64_t v, int size, int be)
{
	uint8_t t[8];
	for (int i = 0; i < size; i++)
		t[i] = (uint8_t)(be ? v >> (8 * (size - 1 - i)) : v >> (8 * i));
	sb_put(b, t, (size_t)size);
}
static inline void sb_set(struct sbuf *b, size_t at, uint64_t v, int size, int be)
{
	for (int i = 0; i < size; i++)
		b->p[at + i] = (uint8_t)(be ? v >> (8 * (size - 1 - i)) : v >> (8 * i));
}

/* Layout: ELF header, program headers (PT_LOAD over the whole file at
 * vaddr == file offset, PT_DYNAMIC over an SHT_DYNAMIC section), section
 * bytes, .shstrtab, section headers. Returns a malloc'ed buffer. */
static inline uint8_t *synth_elf(const struct synth *s, const struct synth_sec *secs, size_t nsec, size_t *outlen)
{
	struct sbuf b = { 0 };
	int w = s->is64 ? 8 : 4, be = s->be;
	size_t ehsz = s->is64 ? 64 : 52, phsz = s->is64 ? 56 : 32, shsz = s->is64 ? 64 : 40;
	int dyn = -1;
	for (size_t i = 0; i < nsec; i++)
		if (secs[i].type == SHT_DYNAMIC)
			dyn = (int)i;
	size_t nph = s->type == ET_REL ? 0 : 1 + (dyn >= 0);
	sb_need(&b, ehsz + nph * phsz);
	memset(b.p, 0, ehsz + nph * phsz);
	b.n = ehsz + nph * phsz;
	size_t *off = calloc(nsec + 1, sizeof(size_t));
	for (size_t i = 0; i < nsec; i++) {
		sb_align(&b, 8);
		off[i] = b.n;
		sb_put(&b, secs[i].data, secs[i].len);
	}
	/* .shstrtab */
	size_t shstr_off = b.n, *name_off = calloc(nsec + 2, sizeof(size_t));
	sb_put(&b, "", 1);
	for (size_t i = 0; i < nsec; i++) {
		name_off[i] = b.n - shstr_off;
		sb_put(&b, secs[i].name, strlen(secs[i].name) + 1);
	}
	name_off[nsec] = b.n - shstr_off;
	sb_put(&b, ".shstrtab", 10);
	size_t shstr_len = b.n - shstr_off;
	sb_align(&b, 8);
	size_t shoff = b.n;
	size_t shnum = s->no_shdrs ? 0 : nsec + 2;
	if (shnum) {
		for (size_t i = 0; i < shnum; i++) {
			size_t at = b.n;
			sb_need(&b, shsz);
			memset(b.p + at, 0, shsz);
			b.n += shsz;
			if (i == 0)
				continue;
			const struct synth_sec *x = i <= nsec ? &secs[i - 1] : NULL;
			uint64_t so = x ? off[i - 1] : shstr_off, sl = x ? x->len : shstr_len;
			uint64_t addr = x && (x->flags & SHF_ALLOC) && s->type != ET_REL ? so : 0;
			uint32_t link = x && x->link >= 0 ? (uint32_t)x->link + 1 : 0;
			sb_set(&b, at + 0, name_off[i - 1], 4, be);
			sb_set(&b, at + 4, x ? x->type : SHT_STRTAB, 4, be);
			if (s->is64) {
				sb_set(&b, at + 8, x ? x->flags : 0, 8, be);
				sb_set(&b, at + 16, addr, 8, be);
				sb_set(&b, at + 24, so, 8, be);
				sb_set(&b, at + 32, sl, 8, be);
				sb_set(&b, at + 40, link, 4, be);
				sb_set(&b, at + 44, x ? x->info : 0, 4, be);
				sb_set(&b, at + 48, 8, 8, be);
				sb_set(&b, at + 56, x ? x->entsize : 0, 8, be);
			} else {
				sb_set(&b, at + 8, x ? x->flags : 0, 4, be);
				sb_set(&b, at + 12, addr, 4, be);
				sb_set(&b, at + 16, so, 4, be);
				sb_set(&b, at + 20, sl, 4, be);
				sb_set(&b, at + 24, link, 4, be);
				sb_set(&b, at + 28, x ? x->info : 0, 4, be);
				sb_set(&b, at + 32, 4, 4, be);
				sb_set(&b, at + 36, x ? x->entsize : 0, 4, be);
			}
		}
	}
	/* ELF header */
	uint8_t *e = b.p;
	memcpy(e, ELFMAG, SELFMAG);
	e[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	e[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	e[EI_VERSION] = EV_CURRENT;
	sb_set(&b, 16, s->type, 2, be);
	sb_set(&b, 18, s->is64 ? EM_X86_64 : EM_386, 2, be);
	sb_set(&b, 20, EV_CURRENT, 4, be);
	size_t p = 24;
	sb_set(&b, p, s->type == ET_REL ? 0 : ehsz, w, be); p += w;           /* e_entry */
	sb_set(&b, p, nph ? ehsz : 0, w, be); p += w;                       /* e_phoff */
	sb_set(&b, p, shnum ? shoff : 0, w, be); p += w;                    /* e_shoff */
	sb_set(&b, p, 0, 4, be); p += 4;                                    /* e_flags */
	sb_set(&b, p, ehsz, 2, be); p += 2;
	sb_set(&b, p, nph ? phsz : 0, 2, be); p += 2;
	sb_set(&b, p, nph, 2, be); p += 2;
	sb_set(&b, p, shnum ? shsz : 0, 2, be); p += 2;
	sb_set(&b, p, shnum, 2, be); p += 2;
	sb_set(&b, p, shnum ? nsec + 1 : 0, 2, be);
	/* program headers */
	for (size_t i = 0; i < nph; i++) {
		size_t at = ehsz + i * phsz;
		uint32_t type = i == 0 ? PT_LOAD : PT_DYNAMIC;
		uint64_t po = i == 0 ? 0 : off[dyn], pl = i == 0 ? b.n : secs[dyn].len;
		uint32_t fl = i == 0 ? (uint32_t)s->load_flags : PF_R | PF_W;
		sb_set(&b, at, type, 4, be);
		if (s->is64) {
			sb_set(&b, at + 4, fl, 4, be);
			sb_set(&b, at + 8, po, 8, be);
			sb_set(&b, at + 16, po, 8, be);
			sb_set(&b, at + 24, po, 8, be);
			sb_set(&b, at + 32, pl, 8, be);
			sb_set(&b, at + 40, pl, 8, be);
			sb_set(&b, at + 48, i == 0 ? 0x1000 : 8, 8, be);
		} else {
			sb_set(&b, at + 4, po, 4, be);
			sb_set(&b, at + 8, po, 4, be);
			sb_set(&b, at + 12, po, 4, be);
			sb_set(&b, at + 16, pl, 4, be);
			sb_set(&b, at + 20, pl, 4, be);
			sb_set(&b, at + 24, fl, 4, be);
			sb_set(&b, at + 28, i == 0 ? 0x1000 : 4, 4, be);
		}
	}
	free(off);
	free(name_off);
	*outlen = b.n;
	return b.p;
}

/* Split data into k parts: the first 2k bytes are little-endian u16 lengths,
 * each clipped to what is left; the last part takes the rest. */
static inline void fuzz_split(const uint8_t *d, size_t n, size_t k, const uint8_t **part, size_t *len)
{
	size_t hdr = 2 * k < n ? 2 * k : n;
	const uint8_t *p = d + hdr;
	size_t left = n - hdr;
	for (size_t i = 0; i < k; i++) {
		size_t want = 2 * i + 1 < hdr ? (size_t)(d[2 * i] | d[2 * i + 1] << 8) : left;
		if (i == k - 1 || want > left)
			want = left;
		part[i] = p;
		len[i] = want;
		p += want;
		left -= want;
	}
}

#endif
