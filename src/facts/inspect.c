/* Inspect a file (mapped by src/read/mapfile.c) or a buffer: dispatch ELF
 * objects and ar archives (members recursively, nested up to
 * GOABI_MAX_NESTING) to the fact extractors, and roll member facts up to
 * the archive. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "facts/facts.h"
#include "read/mapfile.h"

static struct goabi_artifact *artifact_new(const char *path, const char *member)
{
	struct goabi_artifact *a;
	/* the artifact and its names in one chunk: an archive of 100000
	 * members took 6.2 KiB a member with 2 KiB first chunks (the artifact
	 * did not fit with its names), 3.2 KiB with this */
	struct goabi_arena *ar = arena_new_sized(sizeof(*a) + 1024);
	if (!ar)
		return NULL;
	a = arena_alloc(ar, sizeof(*a));
	if (!a) {
		arena_free(ar);
		return NULL;
	}
	a->arena = ar;
	a->path = utf8_sanitize(ar, path, strlen(path));
	a->member = member ? utf8_sanitize(ar, member, strlen(member)) : NULL;
	return a;
}

void goabi_artifact_free(struct goabi_artifact *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nmembers; i++)
		goabi_artifact_free(a->members[i]);
	arena_free(a->arena);
}

bool goabi_artifact_has_errors(const struct goabi_artifact *a)
{
	for (size_t i = 0; i < a->ndiags; i++)
		if (a->diags[i].severity == GOABI_DIAG_ERROR)
			return true;
	for (size_t i = 0; i < a->nmembers; i++)
		if (goabi_artifact_has_errors(a->members[i]))
			return true;
	return false;
}

const struct goabi_artifact *goabi_artifact_first_error(const struct goabi_artifact *a)
{
	/* descend into the first member with an error while this level has no diagnostic */
	while (a && !a->ndiags && a->nmembers) {
		const struct goabi_artifact *next = NULL;
		for (size_t i = 0; i < a->nmembers && !next; i++)
			if (goabi_artifact_has_errors(a->members[i]))
				next = a->members[i];
		a = next;
	}
	return a;
}

const char *goabi_conf_name(enum goabi_conf c)
{
	switch (c) {
	case GOABI_KNOWN: return "known";
	case GOABI_INFERRED: return "inferred";
	default: return "unknown";
	}
}

const char *goabi_strerror(int err)
{
	switch (err) {
	case GOABI_OK: return "success";
	case GOABI_ENOMEM: return "out of memory";
	case GOABI_EIO: return "cannot read the file";
	case GOABI_EFORMAT: return "not an ELF file or ar archive";
	case GOABI_ELIMIT: return "a limit was exceeded";
	default: return "unknown error";
	}
}

static void inspect_elf(struct goabi_artifact *a, Elf *elf, const struct goabi_opts *opts)
{
	struct elfview ev;
	a->kind = GOABI_KIND_ELF;
	if (!ev_init(&ev, elf, a, opts))
		return;
	facts_run(&ev); /* the extractor table, extractors.c */
}

static void add_member(struct goabi_artifact *parent, struct goabi_artifact *m)
{
	if (!arena_grow(parent->arena, &parent->members, &parent->memcap, parent->nmembers + 1,
			sizeof(*parent->members))) {
		diag_add(parent, GOABI_DIAG_ERROR, "out of memory after %zu archive members", parent->nmembers);
		goabi_artifact_free(m);
		return;
	}
	parent->members[parent->nmembers++] = m;
}

static void inspect_elf_handle(struct goabi_artifact *a, Elf *elf, const struct goabi_opts *opts, unsigned depth);
static void rollup(struct goabi_artifact *a);
static bool fold_member(struct goabi_artifact *a, struct goabi_artifact *m);

static void inspect_archive(struct goabi_artifact *a, Elf *ar, const struct goabi_opts *opts, unsigned depth)
{
	a->kind = GOABI_KIND_AR;
	if (depth >= GOABI_MAX_NESTING) {
		diag_add(a, GOABI_DIAG_ERROR, "archive nested deeper than the limit of %u", GOABI_MAX_NESTING);
		return;
	}
	/* the symbol index's size: reported, not on --brief's line (libelf
	 * decodes every entry of it: libc.a's 10 000) */
	size_t nsym = 0;
	if (!opts->brief && elf_getarsym(ar, &nsym) && nsym > 0)
		a->nsymidx = nsym - 1; /* libelf adds a terminating entry */
	Elf_Cmd cmd = ELF_C_READ_MMAP;
	Elf *m;
	size_t count = 0;
	while ((m = elf_begin(-1, cmd, ar)) != NULL) {
		/* elf_getarhdr returns the parent's current header: copy what we
		 * need before elf_next() moves it on */
		Elf_Arhdr *h = elf_getarhdr(m);
		if (!h) {
			diag_add(a, GOABI_DIAG_ERROR, "unreadable archive member header: %s", elf_errmsg(-1));
			elf_end(m);
			break;
		}
		if (!h->ar_name || strcmp(h->ar_name, "/") == 0 || strcmp(h->ar_name, "//") == 0 ||
		    strcmp(h->ar_name, "/SYM64/") == 0) {
			cmd = elf_next(m);
			elf_end(m);
			if (cmd == ELF_C_NULL)
				break;
			continue;
		}
		/* BSD archives (4.4BSD, llvm-ar --format=bsd, macOS ar): "#1/N" means
		 * the member name is the first N bytes of the member data, which
		 * libelf does not skip; the symbol index is "__.SYMDEF*" */
		char bsdname[256];
		size_t bsdlen = 0;
		const char *mname = h->ar_name;
		if (h->ar_rawname && strncmp(h->ar_rawname, "#1/", 3) == 0) {
			char *end;
			unsigned long nl = strtoul(h->ar_rawname + 3, &end, 10);
			size_t rsz = 0;
			const char *raw = elf_rawfile(m, &rsz);
			if (!raw || nl > rsz || nl > 4096) {
				diag_add(a, GOABI_DIAG_ERROR, "BSD archive member name length %lu is past the member's end", nl);
			} else {
				size_t l = strnlen(raw, nl);
				snprintf(bsdname, sizeof(bsdname), "%.*s", (int)(l < 255 ? l : 255), raw);
				mname = bsdname;
				bsdlen = nl;
			}
		}
		if (strncmp(mname, "__.SYMDEF", 9) == 0) {
			size_t rsz = 0;
			const uint8_t *raw = (const uint8_t *)elf_rawfile(m, &rsz);
			/* ranlib table: size in bytes (4 or 8), then {strx, off} pairs */
			bool is64 = strstr(mname, "_64") != NULL;
			if (raw && rsz >= bsdlen + (is64 ? 8 : 4)) {
				uint64_t tsz = is64 ? rd64(raw + bsdlen, false) : rd32(raw + bsdlen, false);
				if (tsz > rsz)
					tsz = is64 ? rd64(raw + bsdlen, true) : rd32(raw + bsdlen, true);
				if (tsz <= rsz)
					a->nsymidx = (size_t)(tsz / (is64 ? 16 : 8));
			}
			cmd = elf_next(m);
			elf_end(m);
			if (cmd == ELF_C_NULL)
				break;
			continue;
		}
		if (++count > GOABI_MAX_MEMBERS) {
			diag_add(a, GOABI_DIAG_ERROR, "archive has more than the limit of %u members", GOABI_MAX_MEMBERS);
			elf_end(m);
			break;
		}
		struct goabi_artifact *ma = artifact_new(a->path, mname);
		if (!ma) {
			diag_add(a, GOABI_DIAG_ERROR, "out of memory after %zu archive members", count - 1);
			elf_end(m);
			break;
		}
		ma->size = (uint64_t)h->ar_size;
		if (bsdlen) {
			size_t rsz = 0;
			char *raw = elf_rawfile(m, &rsz);
			Elf *inner = raw ? elf_memory(raw + bsdlen, rsz - bsdlen) : NULL;
			ma->size = rsz - bsdlen;
			if (inner) {
				inspect_elf_handle(ma, inner, opts, depth + 1);
				if (ma->kind == GOABI_KIND_AR)
					rollup(ma);
				elf_end(inner);
			} else {
				diag_add(ma, GOABI_DIAG_ERROR, "libelf cannot read it: %s", elf_errmsg(-1));
			}
		} else {
			inspect_elf_handle(ma, m, opts, depth + 1);
			if (ma->kind == GOABI_KIND_AR)
				rollup(ma);
		}
		if (opts->brief && fold_member(a, ma))
			goabi_artifact_free(ma);
		else
			add_member(a, ma);
		cmd = elf_next(m);
		elf_end(m);
		if (cmd == ELF_C_NULL)
			break;
	}
	/* read the error once (elf_errno resets it); an archive of no members
	 * ("!<arch>\n" alone, glibc's libdl.a) is valid: ar t lists nothing */
	int err = elf_errno();
	size_t arsz = 0;
	(void)elf_rawfile(ar, &arsz);
	if (err != 0 && count == 0 && arsz > 8)
		diag_add(a, GOABI_DIAG_ERROR, "archive members are unreadable: %s", elf_errmsg(err));
}

static void inspect_elf_handle(struct goabi_artifact *a, Elf *elf, const struct goabi_opts *opts, unsigned depth)
{
	switch (elf_kind(elf)) {
	case ELF_K_ELF:
		inspect_elf(a, elf, opts);
		break;
	case ELF_K_AR:
		inspect_archive(a, elf, opts, depth);
		break;
	default: {
		size_t n = 0;
		const uint8_t *raw = (const uint8_t *)elf_rawfile(elf, &n);
		if (raw && facts_goobj(a, raw, n, opts))
			break;
		a->kind = GOABI_KIND_OTHER;
		diag_add(a, GOABI_DIAG_ERROR, "not an ELF file or ar archive");
		break;
	}
	}
}

/* Roll member facts up to the archive: the Go facts of go.o (or the first
 * Go member), cgo if any member carries cgo symbols, exports merged. */
static void fact_copy(struct goabi_artifact *a, struct goabi_fact *dst, const struct goabi_fact *src, const char *member)
{
	if (!src->value && src->conf == GOABI_UNKNOWN)
		return;
	dst->value = arena_strdup(a->arena, src->value);
	dst->conf = src->conf;
	dst->evidence = arena_printf(a->arena, "member %s: %s", member, src->evidence ? src->evidence : "");
}

/* Undefined libc symbols across members (nested archives included), less
 * those some member defines: what the archive needs from the C library. The
 * family follows from glibc-only or musl-only names among them. */
static void collect_libc(struct goabi_artifact *a, struct goabi_artifact *m, bool def)
{
	if (m->kind == GOABI_KIND_AR) {
		for (size_t i = 0; i < m->nmembers; i++)
			collect_libc(a, m->members[i], def);
		return;
	}
	const struct goabi_strv *sv = def ? &m->libc.def_libc : &m->libc.undef_libc;
	for (size_t i = 0; i < sv->n && a->libc.undef_libc.n < GOABI_MAX_LIST; i++) {
		if (def)
			strv_push_unique(a->arena, &a->libc.def_libc, sv->v[i]);
		else if (!strv_contains(&a->libc.def_libc, sv->v[i]))
			strv_push_unique(a->arena, &a->libc.undef_libc, sv->v[i]);
	}
}

/* --brief: a member that is a plain ELF object (not Go, no cgo names, no
 * diagnostic, no --isa scan, no members of its own) leaves only its libc
 * names, its declared ISA and its machine to the roll-up: they are taken
 * now and the member freed, so an archive of thousands of objects (libc.a)
 * does not keep thousands of artifacts (fresh memory is most of what they
 * cost). The undefined names are kept unfiltered until libc_rollup, which
 * drops those some member defines, as for kept members. */
static bool fold_member(struct goabi_artifact *a, struct goabi_artifact *m)
{
	if (m->kind != GOABI_KIND_ELF || m->ndiags || m->nmembers || m->nfolded || goabi_go_is_go(&m->go) ||
	    m->go.cgo_evidence.n || m->isa.scanned || m->cabi.nexports)
		return false;
	struct goabi_libc *lc = &a->libc;
	for (size_t i = 0; i < m->libc.def_libc.n && lc->def_libc.n < GOABI_MAX_LIST; i++)
		strv_push_unique(a->arena, &lc->def_libc, m->libc.def_libc.v[i]);
	for (size_t i = 0; i < m->libc.undef_libc.n && lc->undef_libc.n < GOABI_MAX_LIST; i++)
		strv_push_unique(a->arena, &lc->undef_libc, m->libc.undef_libc.v[i]);
	facts_isa_roll_member(a, m);
	if (!a->id.machine_name && m->id.machine_name) {
		/* a deep copy: the member's arena goes */
		struct goabi_elfid *d = &a->id;
		*d = m->id;
		d->machine_name = arena_strdup(a->arena, m->id.machine_name);
		d->osabi_name = arena_strdup(a->arena, m->id.osabi_name);
		d->type_name = arena_strdup(a->arena, m->id.type_name);
		d->build_id = arena_strdup(a->arena, m->id.build_id);
		memset(&d->flag_notes, 0, sizeof(d->flag_notes));
		for (size_t i = 0; i < m->id.flag_notes.n; i++)
			strv_push(a->arena, &d->flag_notes, arena_strdup(a->arena, m->id.flag_notes.v[i]));
	}
	if (!a->machine.value && m->machine.value)
		fact_copy(a, &a->machine, &m->machine, m->member);
	a->nfolded++;
	return true;
}

static void libc_rollup(struct goabi_artifact *a)
{
	struct goabi_libc *lc = &a->libc;
	for (size_t i = 0; i < a->nmembers; i++)
		collect_libc(a, a->members[i], true);
	if (a->nfolded) {
		/* the folded members' undefined names, less every member's definitions */
		struct goabi_strv folded = lc->undef_libc;
		memset(&lc->undef_libc, 0, sizeof(lc->undef_libc));
		for (size_t i = 0; i < folded.n; i++)
			if (!strv_contains(&lc->def_libc, folded.v[i]))
				strv_push_unique(a->arena, &lc->undef_libc, folded.v[i]);
	}
	for (size_t i = 0; i < a->nmembers; i++)
		collect_libc(a, a->members[i], false);
	fact_set_typed(a, FT_LINKAGE, GOABI_KNOWN, "relocatable", "ar archive of %zu members", a->nmembers + a->nfolded);
	size_t ng = 0, nm = 0;
	const char *g = NULL, *mu = NULL;
	for (size_t i = 0; i < lc->undef_libc.n; i++) {
		char t = libc_symbol_tag(lc->undef_libc.v[i]);
		if (t == 'g' && !ng++)
			g = lc->undef_libc.v[i];
		if (t == 'm' && !nm++)
			mu = lc->undef_libc.v[i];
	}
	if (ng && !nm)
		fact_set_typed(a, FT_LIBC, GOABI_INFERRED, "glibc",
			 "archive members leave %zu symbols undefined that only glibc exports (%s)", ng, g);
	else if (nm && !ng)
		fact_set_typed(a, FT_LIBC, GOABI_INFERRED, "musl",
			 "archive members leave %zu symbols undefined that only musl exports (%s)", nm, mu);
	else
		fact_set_typed(a, FT_LIBC, GOABI_UNKNOWN, NULL,
			 "archive: decided at link time (%zu undefined libc symbols not defined by a member%s)",
			 lc->undef_libc.n, ng && nm ? ", some glibc-only, some musl-only" : ", all exported by both glibc and musl");
}

/* Exports of an archive, in two passes so member order does not matter:
 * first the names from _cgoexp_ symbols (go.o), then the prototypes (and any
 * export known only from DWARF) from the _cgo_export.c members. A DWARF
 * entry is already validated by its _cgoexp_ declaration (cabi_dwarf.c). */
static void rollup_exports(struct goabi_artifact *a)
{
	struct goabi_cabi *ac = &a->cabi;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < a->nmembers; i++) {
			const struct goabi_artifact *m = a->members[i];
			const struct goabi_cabi *mc = &m->cabi;
			ac->dwarf |= mc->dwarf;
			for (size_t j = 0; j < mc->nexports; j++) {
				const struct goabi_export *e = &mc->exports[j];
				bool from_sym = e->evidence && strncmp(e->evidence, "symbol ", 7) == 0;
				if (from_sym != (pass == 0))
					continue;
				size_t k;
				for (k = 0; k < ac->nexports; k++)
					if (strcmp(ac->exports[k].name, e->name) == 0)
						break;
				if (k == ac->nexports) {
					if (k >= GOABI_MAX_LIST ||
					    !arena_grow(a->arena, &ac->exports, &ac->cap, k + 1, sizeof(*ac->exports)))
						return;
					ac->nexports++;
					ac->exports[k] = *e;
					ac->exports[k].evidence = arena_printf(a->arena, "member %s: %s", m->member,
									       e->evidence ? e->evidence : "");
				} else if (!ac->exports[k].prototype && e->prototype) {
					ac->exports[k].prototype = e->prototype;
					ac->exports[k].layout = e->layout;
					ac->exports[k].evidence = arena_printf(a->arena, "%s; prototype from member %s: %s",
									       ac->exports[k].evidence, m->member,
									       e->evidence ? e->evidence : "");
				}
			}
		}
	}
	for (size_t k = 0; k < ac->nexports; k++)
		if (!ac->exports[k].prototype)
			ac->exports[k].evidence = arena_printf(a->arena, "%s; prototype unknown: %s", ac->exports[k].evidence,
							       ac->dwarf ? "no member's DWARF has a _cgo_export.c definition for it"
									 : "no member has DWARF");
}

static void rollup(struct goabi_artifact *a)
{
	libc_rollup(a);
	struct goabi_go *go = &a->go;
	struct goabi_artifact *gm = NULL;
	facts_isa_rollup(a);
	size_t ngo = 0;
	for (size_t i = 0; i < a->nmembers; i++) {
		struct goabi_artifact *m = a->members[i];
		if (goabi_go_is_go(&m->go)) {
			ngo++;
			if (!gm || (m->member && (strcmp(m->member, "go.o") == 0 || strcmp(m->member, "_go_.o") == 0)))
				gm = m;
		}
		if (!a->id.machine_name && m->id.machine_name)
			a->id = m->id;
		if (!a->machine.value && m->machine.value)
			fact_copy(a, &a->machine, &m->machine, m->member);
	}
	if (!gm) {
		fact_set_typed(a, FT_TOOLCHAIN, GOABI_KNOWN, "none", "no member carries Go build info, pclntab or runtime symbols");
		facts_retype(a);
		return;
	}
	fact_copy(a, &go->toolchain, &gm->go.toolchain, gm->member);
	fact_copy(a, &go->version, &gm->go.version, gm->member);
	fact_copy(a, &go->version_range, &gm->go.version_range, gm->member);
	fact_copy(a, &go->scheme, &gm->go.scheme, gm->member);
	fact_copy(a, &go->typehash, &gm->go.typehash, gm->member);
	fact_copy(a, &go->buildmode, &gm->go.buildmode, gm->member);
	fact_copy(a, &go->cgo_setting, &gm->go.cgo_setting, gm->member);
	go->main_path = gm->go.main_path;
	go->main = gm->go.main;
	go->deps = gm->go.deps;
	go->ndeps = gm->go.ndeps;
	go->settings = gm->go.settings;
	go->nsettings = gm->go.nsettings;
	go->has_modinfo = gm->go.has_modinfo;
	go->buildinfo_where = gm->go.buildinfo_where;
	go->pclntab_where = gm->go.pclntab_where;
	go->pclntab_magic = gm->go.pclntab_magic;
	go->nfunc = gm->go.nfunc;
	go->eq_funcs = gm->go.eq_funcs;
	go->hash_funcs = gm->go.hash_funcs;
	go->nitabs = gm->go.nitabs;
	if (ngo > 1) {
		size_t nver = 0;
		for (size_t i = 0; i < a->nmembers; i++)
			if (a->members[i]->kind == GOABI_KIND_ELF && a->members[i]->go.version.value &&
			    a->members[i]->go.version.conf == GOABI_KNOWN)
				nver++;
		if (nver > 1)
			strv_push(a->arena, &go->conflicts,
				  arena_printf(a->arena, "%zu members carry their own Go build info: more than one Go runtime", nver));
	}
	for (size_t i = 0; i < gm->go.conflicts.n; i++)
		strv_push(a->arena, &go->conflicts, gm->go.conflicts.v[i]);
	/* cgo evidence from every member */
	struct goabi_artifact *cg = NULL;
	for (size_t i = 0; i < a->nmembers; i++) {
		struct goabi_artifact *m = a->members[i];
		for (size_t j = 0; j < m->go.cgo_evidence.n; j++)
			strv_push_unique(a->arena, &go->cgo_evidence,
					 arena_printf(a->arena, "%s (member %s)", m->go.cgo_evidence.v[j], m->member));
		if (m->typed.cgo == GOABI_CGO_ON && !cg)
			cg = m;
	}
	if (gm->kind == GOABI_KIND_GOOBJ && !go->cgo_evidence.n)
		fact_set_typed(a, FT_CGO, GOABI_UNKNOWN, NULL, "member %s: %s", gm->member,
			 gm->go.cgo.evidence ? gm->go.cgo.evidence : "");
	else if (gm->go.cgo.conf == GOABI_KNOWN && gm->go.cgo.value && strstr(gm->go.cgo.evidence, "build setting"))
		fact_copy(a, &go->cgo, &gm->go.cgo, gm->member);
	else if (go->cgo_evidence.n)
		fact_set_typed(a, FT_CGO, GOABI_KNOWN, "1", "cgo symbols in members (%s)", go->cgo_evidence.v[0]);
	else
		fact_set_typed(a, FT_CGO, GOABI_INFERRED, "0", "no member has cgo symbols");
	rollup_exports(a);
	facts_retype(a); /* the facts copied from members above */
}

/* GNU thin archive: "!<thin>\n", members are paths beside the archive. libelf
 * does not read them, so the headers are parsed here (60-byte ar headers).
 * thin_left: bytes that thin-archive members may still map in this
 * inspection (GOABI_MAX_THIN_BYTES); NULL when inspecting a buffer, whose
 * thin members are never looked up in the file system. */
static int inspect_thin(struct goabi_artifact *a, const uint8_t *p, size_t n, const struct goabi_opts *opts,
			unsigned depth, uint64_t *thin_left);

/* A universal Mach-O slice: a member of the file, like an archive's. */
static struct goabi_artifact *slice_member(struct goabi_artifact *parent, const char *name)
{
	struct goabi_artifact *m = artifact_new(parent->path, name);
	if (m)
		add_member(parent, m);
	return m;
}

static int inspect_mem(struct goabi_artifact *a, void *buf, size_t n, const struct goabi_opts *opts, unsigned depth,
		       uint64_t *thin_left)
{
	if (n >= 8 && memcmp(buf, "!<thin>\n", 8) == 0)
		return inspect_thin(a, buf, n, opts, depth, thin_left);
	if (facts_foreign(a, buf, n, opts, slice_member))
		return 0;
	Elf *elf = elf_memory(buf, n);
	if (!elf) {
		diag_add(a, GOABI_DIAG_ERROR, "libelf cannot read it: %s", elf_errmsg(-1));
		return 0;
	}
	if (elf_kind(elf) == ELF_K_NONE) {
		if (facts_goobj(a, buf, n, opts)) {
			elf_end(elf);
			return 0;
		}
		a->kind = GOABI_KIND_OTHER;
		if (n >= 4 && memcmp(buf, "\x7f" "ELF", 4) == 0)
			diag_add(a, GOABI_DIAG_ERROR, "ELF header is truncated or invalid (%zu bytes)", n);
		else
			diag_add(a, GOABI_DIAG_ERROR, "not an ELF file or ar archive");
		elf_end(elf);
		return 0;
	}
	inspect_elf_handle(a, elf, opts, depth);
	if (a->kind == GOABI_KIND_AR)
		rollup(a);
	elf_end(elf);
	return 0;
}

/* One member of a thin archive: the file it names, mapped and inspected
 * unless it is a thin archive itself or would pass the byte budget. */
static void inspect_thin_member(struct goabi_artifact *m, const char *full, const struct goabi_opts *opts,
				unsigned depth, uint64_t *thin_left)
{
	struct rd_map map;
	char err[256];
	if (rd_map_file(full, 0, &map, err, sizeof(err)) != RD_MAP_OK) {
		diag_add(m, GOABI_DIAG_ERROR, "thin archive member '%s': %s", full, err);
		return;
	}
	size_t len = map.len;
	m->size = len;
	/* a thin archive naming itself, or naming thin archives
	 * that name it back, would fan out without end */
	if (len > *thin_left)
		diag_add(m, GOABI_DIAG_ERROR, "thin archive members add up to more than the limit of %llu bytes",
			 (unsigned long long)GOABI_MAX_THIN_BYTES);
	else if (len >= 8 && memcmp(map.p, "!<thin>\n", 8) == 0)
		diag_add(m, GOABI_DIAG_ERROR, "thin archive member '%s' is itself a thin archive: not followed", full);
	else if (len)
		inspect_mem(m, map.p, len, opts, depth + 1, thin_left);
	if (len <= *thin_left)
		*thin_left -= len;
	rd_unmap(&map);
}

static int inspect_thin(struct goabi_artifact *a, const uint8_t *p, size_t n, const struct goabi_opts *opts,
			unsigned depth, uint64_t *thin_left)
{
	a->kind = GOABI_KIND_AR;
	a->thin = true;
	if (depth >= GOABI_MAX_NESTING) {
		diag_add(a, GOABI_DIAG_ERROR, "archive nested deeper than the limit of %u", GOABI_MAX_NESTING);
		return 0;
	}
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", a->path);
	char *d = dirname(dir);
	const uint8_t *longnames = NULL;
	size_t nlong = 0, off = 8, count = 0;
	while (off < n && n - off >= 60) {
		const uint8_t *h = p + off;
		if (h[58] != '`' || h[59] != '\n') {
			diag_add(a, GOABI_DIAG_ERROR, "thin archive header at offset %zu is malformed", off);
			break;
		}
		char szs[11];
		memcpy(szs, h + 48, 10);
		szs[10] = 0;
		char *end;
		unsigned long long size = strtoull(szs, &end, 10);
		char name[4096];
		off += 60;
		if (h[0] == '/' && (h[1] == ' ' || (h[1] == 'S' && memcmp(h, "/SYM64/", 7) == 0))) {
			if (!range_ok(off, size, n))
				break;
			/* GNU symbol index: big-endian entry count (4 or 8 bytes) */
			bool is64 = h[1] == 'S';
			if (size >= (is64 ? 8u : 4u))
				a->nsymidx = (size_t)(is64 ? rd64(p + off, true) : rd32(p + off, true));
			off += size + (size & 1);
			continue;
		}
		if (h[0] == '/' && h[1] == '/') {
			if (!range_ok(off, size, n)) {
				diag_add(a, GOABI_DIAG_ERROR, "thin archive name table size %llu is past the end", size);
				break;
			}
			longnames = p + off;
			nlong = (size_t)size;
			off += size + (size & 1);
			continue;
		}
		if (h[0] == '/' && longnames) {
			unsigned long idx = strtoul((const char *)h + 1, NULL, 10);
			if (idx >= nlong) {
				diag_add(a, GOABI_DIAG_ERROR, "thin archive member name offset %lu is outside the name table", idx);
				continue;
			}
			const uint8_t *s = longnames + idx, *e = memchr(s, '\n', nlong - idx);
			size_t l = e ? (size_t)(e - s) : nlong - idx;
			if (l && s[l - 1] == '/')
				l--;
			snprintf(name, sizeof(name), "%.*s", (int)(l < 4000 ? l : 4000), s);
		} else {
			size_t l = 0;
			while (l < 16 && h[l] != '/' && h[l] != ' ')
				l++;
			snprintf(name, sizeof(name), "%.*s", (int)l, h);
		}
		if (++count > GOABI_MAX_MEMBERS) {
			diag_add(a, GOABI_DIAG_ERROR, "archive has more than the limit of %u members", GOABI_MAX_MEMBERS);
			break;
		}
		/* member data is not in a thin archive: read the referenced file */
		char full[8300];
		if (name[0] == '/')
			snprintf(full, sizeof(full), "%s", name);
		else
			snprintf(full, sizeof(full), "%s/%s", d, name);
		struct goabi_artifact *m = artifact_new(a->path, name);
		if (!m) {
			diag_add(a, GOABI_DIAG_ERROR, "out of memory after %zu archive members", count - 1);
			break;
		}
		if (!thin_left)
			diag_add(m, GOABI_DIAG_ERROR, "thin archive member '%s' is outside the buffer: not read", name);
		else
			inspect_thin_member(m, full, opts, depth, thin_left);
		add_member(a, m);
	}
	rollup(a);
	return 0;
}

/* A file's mapping (path names it; a thin archive's members are the files
 * beside it, within GOABI_MAX_THIN_BYTES) */
static int inspect_mapped(struct goabi_artifact *a, void *buf, size_t len, const struct goabi_opts *opts)
{
	a->size = len;
	if (len == 0) {
		a->kind = GOABI_KIND_OTHER;
		diag_add(a, GOABI_DIAG_ERROR, "empty file");
		return 0;
	}
	uint64_t thin_left = GOABI_MAX_THIN_BYTES;
	return inspect_mem(a, buf, len, opts, 0, &thin_left);
}

/* --brief reads no more of a Go object than its header line (facts_goobj):
 * an archive of Go objects is read sparsely (RD_MAP_GO_ARCHIVE); and a few
 * pages of a program, so only files up to 256 KiB are copied
 * (RD_MAP_SCRATCH_SMALL; --brief -r CPU, limit 64 KiB / 256 KiB / 2 MiB:
 * Debian corpus 151 / 146 / 161 ms, /usr 3004 / 2449 / 2391 ms: its many
 * C libraries of a few hundred KiB are read through more pages); an ar
 * archive of other objects is read whole up to 16 MiB
 * (RD_MAP_ARCHIVE_WHOLE: every member's headers and symbols are read, so
 * most of its pages; the C archives of the Debian corpus, libc.a among
 * them, 28.2 -> 22.1 ms) */
static unsigned map_flags(const struct goabi_opts *opts)
{
	return RD_MAP_SCRATCH | (opts->brief ? RD_MAP_GO_ARCHIVE | RD_MAP_SCRATCH_SMALL | RD_MAP_ARCHIVE_WHOLE : 0);
}

int goabi_inspect_path(const char *path, const struct goabi_opts *opts, struct goabi_artifact **out)
{
	static const struct goabi_opts defaults;
	if (!opts)
		opts = &defaults;
	elf_version(EV_CURRENT);
	struct goabi_artifact *a = artifact_new(path, NULL);
	if (!a)
		return GOABI_ENOMEM;
	*out = a;
	struct rd_map map;
	char err[256];
	if (rd_map_file(path, map_flags(opts), &map, err, sizeof(err)) != RD_MAP_OK) {
		a->kind = GOABI_KIND_OTHER;
		diag_add(a, GOABI_DIAG_ERROR, "%s", err);
		return GOABI_EIO;
	}
	int rc = inspect_mapped(a, map.p, map.len, opts);
	rd_unmap(&map);
	return rc;
}

int facts_inspect_fd(const char *path, int fd, const void *head, size_t nhead, const struct goabi_opts *opts,
		     struct goabi_artifact **out)
{
	static const struct goabi_opts defaults;
	if (!opts)
		opts = &defaults;
	elf_version(EV_CURRENT);
	struct goabi_artifact *a = artifact_new(path, NULL);
	if (!a)
		return GOABI_ENOMEM;
	*out = a;
	struct rd_map map;
	char err[256];
	if (rd_map_fd(fd, head, nhead, map_flags(opts), &map, err, sizeof(err)) != RD_MAP_OK) {
		a->kind = GOABI_KIND_OTHER;
		diag_add(a, GOABI_DIAG_ERROR, "%s", err);
		return GOABI_EIO;
	}
	int rc = inspect_mapped(a, map.p, map.len, opts);
	rd_unmap(&map);
	return rc;
}

int facts_inspect_mapped(const char *path, void *buf, size_t len, const struct goabi_opts *opts,
			 struct goabi_artifact **out)
{
	static const struct goabi_opts defaults;
	elf_version(EV_CURRENT);
	struct goabi_artifact *a = artifact_new(path, NULL);
	if (!a)
		return GOABI_ENOMEM;
	*out = a;
	return inspect_mapped(a, buf, len, opts ? opts : &defaults);
}

/* Common start of the buffer entry points: a new artifact in *out, *ap left
 * NULL when there is nothing more to read (an empty buffer). */
static int artifact_start(const char *name, size_t len, struct goabi_artifact **out,
			  struct goabi_artifact **ap)
{
	*ap = NULL;
	elf_version(EV_CURRENT);
	struct goabi_artifact *a = artifact_new(name, NULL);
	if (!a)
		return GOABI_ENOMEM;
	*out = a;
	a->size = len;
	if (len == 0) {
		a->kind = GOABI_KIND_OTHER;
		diag_add(a, GOABI_DIAG_ERROR, "empty file");
		return 0;
	}
	*ap = a;
	return 0;
}

int goabi_inspect_private(const char *name, void *buf, size_t len, const struct goabi_opts *opts,
			  struct goabi_artifact **out)
{
	static const struct goabi_opts defaults;
	struct goabi_artifact *a;
	int rc = artifact_start(name, len, out, &a);
	if (rc != 0 || !a)
		return rc;
	return inspect_mem(a, buf, len, opts ? opts : &defaults, 0, NULL);
}

int goabi_inspect_buffer(const char *name, const void *buf, size_t len, const struct goabi_opts *opts,
			 struct goabi_artifact **out)
{
	static const struct goabi_opts defaults;
	if (!opts)
		opts = &defaults;
	struct goabi_artifact *a;
	int rc0 = artifact_start(name, len, out, &a);
	if (rc0 != 0 || !a)
		return rc0;
	/* libelf may convert in place: work on a private copy. malloc, not
	 * mmap: AddressSanitizer then catches a read one byte past the end,
	 * which a page-rounded mapping would hide from the fuzzers */
	void *copy = malloc(len);
	if (!copy)
		return GOABI_ENOMEM;
	memcpy(copy, buf, len);
	int rc = inspect_mem(a, copy, len, opts, 0, NULL);
	free(copy);
	return rc;
}
