/* The extractor order for ELF objects, as one table: each extractor with
 * the parts of the model it reads and writes. inspect.c runs them in this
 * order (facts_run); tests/unit/test_extractors.c checks that every part an
 * extractor reads is written by an earlier one and by no later one.
 * Adding an extractor: a row here, with honest reads and writes (the parts
 * are listed in facts.h, enum facts_part). Go's own object format
 * (facts_goobj) and the archive roll-up (inspect.c rollup) are not ELF
 * objects and run outside this table. */
#include "facts/facts.h"

static bool always(struct elfview *ev)
{
	(void)ev;
	return true;
}

static bool is_core(struct elfview *ev)
{
	return ev->eh.e_type == ET_CORE;
}

static void core_note(struct elfview *ev)
{
	diag_add(ev->a, GOABI_DIAG_WARNING, "core file: only the ELF identity is reported");
}

/* loader_only reads Go facts only where Go shows cheaply (goevident.c) */
static bool want_go(struct elfview *ev)
{
	return !(ev->opts && ev->opts->loader_only) || facts_go_evident(ev);
}

/* not for opts.brief: facts the --brief line does not print */
static bool not_brief(struct elfview *ev)
{
	return !(ev->opts && ev->opts->brief);
}

/* the exported C ABI, unless loader_only or brief; with no_dwarf only when
 * the toolchain is known (Go's _cgoexp_ names need no DWARF) */
static bool want_cabi(struct elfview *ev)
{
	const struct goabi_opts *o = ev->opts;
	return !(o && (o->loader_only || o->brief)) && (!(o && o->no_dwarf) || ev->a->typed.toolchain != GOABI_TC_UNSET);
}

static const struct facts_extractor table[] = {
	{ "elfid", facts_elfid, always, false, 0, FP_ID },
	{ "core", core_note, is_core, true, FP_ID, 0 },
	/* linkage, PT_INTERP, DT_NEEDED, version needs and definitions, floors, hash style; id.pie */
	{ "libc", facts_libc, always, false, FP_ID, FP_LOADER | FP_PIE },
	/* toolchain, version, scheme, type hash, cgo (DT_NEEDED when no symbols),
	 * build mode (PT_INTERP), conflicts */
	{ "go", facts_go, want_go, false, FP_ID | FP_LOADER, FP_GO },
	/* a cgo-less gc binary has no libc; static ones by their symbols */
	{ "libc_family", facts_libc_family, always, false, FP_ID | FP_LOADER | FP_GO, FP_LIBC_FAMILY },
	/* the OS and its kernel floor: .note.ABI-tag against the Go release's minimum */
	{ "os", facts_os_elf, not_brief, false, FP_ID | FP_LOADER | FP_GO, FP_OS },
	{ "nss", facts_nss, not_brief, false, FP_ID | FP_LOADER | FP_GO | FP_LIBC_FAMILY, FP_NSS },
	{ "cabi", facts_cabi, want_cabi, false, FP_ID | FP_GO, FP_CABI },
	/* declared level from build settings and notes, --isa scan (pclntab, toolchain) */
	{ "isa", facts_isa, always, false, FP_ID | FP_GO, FP_ISA },
};

const struct facts_extractor *facts_extractors(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

void facts_run(struct elfview *ev)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (!table[i].when(ev))
			continue;
		table[i].run(ev);
		if (table[i].stop)
			return;
	}
}
