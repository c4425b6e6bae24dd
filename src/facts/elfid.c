/* Fact 1: ELF identity, with ABI-relevant e_flags decoded. */
#include <stdio.h>
#include <string.h>
#include "facts/facts.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EM_RISCV
#define EM_RISCV 243
#endif

const char *elf_machine_name(unsigned m)
{
	switch (m) {
	case EM_NONE: return "none";
	case EM_SPARC: return "sparc";
	case EM_386: return "i386";
	case EM_68K: return "m68k";
	case EM_MIPS: return "mips";
	case EM_MIPS_RS3_LE: return "mips-rs3-le";
	case EM_PARISC: return "parisc";
	case EM_SPARC32PLUS: return "sparc32plus";
	case EM_PPC: return "ppc";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_ARM: return "arm";
	case EM_SH: return "sh";
	case EM_SPARCV9: return "sparcv9";
	case EM_IA_64: return "ia64";
	case EM_X86_64: return "x86_64";
	case EM_AARCH64: return "aarch64";
	case EM_RISCV: return "riscv";
	case EM_LOONGARCH: return "loongarch";
	case EM_ALPHA: return "alpha";
	case EM_BPF: return "bpf";
	case EM_CSKY: return "csky";
	case EM_ARC: return "arc";
	case EM_XTENSA: return "xtensa";
	case EM_MICROBLAZE: return "microblaze";
	case EM_TILEGX: return "tilegx";
	case EM_M32R: return "m32r";
	default: return "unknown";
	}
}

static const char *osabi_name(unsigned o)
{
	switch (o) {
	case ELFOSABI_SYSV: return "sysv";
	case ELFOSABI_HPUX: return "hpux";
	case ELFOSABI_NETBSD: return "netbsd";
	case ELFOSABI_GNU: return "gnu";
	case ELFOSABI_SOLARIS: return "solaris";
	case ELFOSABI_FREEBSD: return "freebsd";
	case ELFOSABI_OPENBSD: return "openbsd";
	case ELFOSABI_ARM_AEABI: return "arm-aeabi";
	case ELFOSABI_ARM: return "arm";
	case ELFOSABI_STANDALONE: return "standalone";
	default: return "unknown";
	}
}

static const char *type_name(unsigned t)
{
	switch (t) {
	case ET_NONE: return "NONE";
	case ET_REL: return "REL";
	case ET_EXEC: return "EXEC";
	case ET_DYN: return "DYN";
	case ET_CORE: return "CORE";
	default: return "unknown";
	}
}

static void note(struct elfview *ev, const char *s)
{
	strv_push(ev->a->arena, &ev->a->id.flag_notes, arena_strdup(ev->a->arena, s));
}

static void decode_flags(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	uint32_t f = ev->eh.e_flags;
	switch (ev->eh.e_machine) {
	case EM_ARM: {
		unsigned eabi = (f & EF_ARM_EABIMASK) >> 24;
		note(ev, eabi ? arena_printf(a->arena, "eabi=%u", eabi) : "eabi=none (legacy ABI)");
		if (f & 0x400) /* EF_ARM_ABI_FLOAT_HARD */
			note(ev, "float-abi=hard");
		else if (f & 0x200) /* EF_ARM_ABI_FLOAT_SOFT */
			note(ev, "float-abi=soft");
		else
			note(ev, "float-abi=unspecified");
		if (f & EF_ARM_BE8)
			note(ev, "be8");
		break;
	}
	case EM_RISCV: {
		static const char *fabi[] = { "soft", "single", "double", "quad" };
		note(ev, arena_printf(a->arena, "float-abi=%s", fabi[(f >> 1) & 3]));
		if (f & 1)
			note(ev, "rvc");
		if (f & 8)
			note(ev, "rve");
		if (f & 0x10)
			note(ev, "tso");
		break;
	}
	case EM_MIPS:
	case EM_MIPS_RS3_LE: {
		uint32_t abi = f & 0x0000f000;
		if (f & 0x20) /* EF_MIPS_ABI2 */
			note(ev, "abi=n32");
		else if (abi == 0x1000)
			note(ev, "abi=o32");
		else if (abi == 0x2000)
			note(ev, "abi=o64");
		else if (abi == 0x3000)
			note(ev, "abi=eabi32");
		else if (abi == 0x4000)
			note(ev, "abi=eabi64");
		else
			note(ev, ev->ptrsize == 8 ? "abi=n64" : "abi=unspecified");
		note(ev, arena_printf(a->arena, "arch=%#x", (f >> 28) & 0xf));
		if (f & 0x400)
			note(ev, "nan2008");
		if (f & 0x200)
			note(ev, "fp64");
		if (f & 0x4)
			note(ev, "cpic");
		break;
	}
	case EM_PPC64:
		note(ev, arena_printf(a->arena, "abi=elfv%u", (f & 3) ? f & 3 : 1));
		break;
	case EM_LOONGARCH: {
		static const char *fabi[] = { "?", "soft", "single", "double" };
		note(ev, arena_printf(a->arena, "float-abi=%s", fabi[f & 3]));
		note(ev, arena_printf(a->arena, "object-abi=v%u", (f >> 6) & 3));
		break;
	}
	default:
		break;
	}
}

static bool buildid_cb(void *ctx, const char *owner, uint32_t type, const uint8_t *desc,
		       size_t descsz, const char *where)
{
	struct elfview *ev = ctx;
	if (strcmp(owner, "GNU") != 0 || type != NT_GNU_BUILD_ID || descsz == 0 || descsz > 64)
		return true;
	char hex[129];
	for (size_t i = 0; i < descsz; i++)
		snprintf(hex + 2 * i, 3, "%02x", desc[i]);
	ev->a->id.build_id = arena_strdup(ev->a->arena, hex);
	return false;
}

void facts_elfid(struct elfview *ev)
{
	struct goabi_elfid *id = &ev->a->id;
	id->elfclass = ev->ptrsize == 8 ? 64 : 32;
	id->big_endian = ev->be;
	id->machine = ev->eh.e_machine;
	id->machine_name = elf_machine_name(ev->eh.e_machine);
	id->osabi = ev->eh.e_ident[EI_OSABI];
	id->osabi_name = osabi_name(id->osabi);
	id->type = ev->eh.e_type;
	id->type_name = type_name(ev->eh.e_type);
	id->flags = ev->eh.e_flags;
	id->has_sections = ev->sections_ok;
	id->debug_file = ev->debug_only;
	id->nsections = ev->shnum;
	id->nsegments = ev->phnum;
	decode_flags(ev);
	ev_for_each_note(ev, buildid_cb, ev);
}
