/* ISA scan, results: levels, extensions, evidence and the --isa-detail
 * lines, from the functions' extensions and guards. */
#include <stdio.h>
#include <string.h>
#include "facts/isa_priv.h"

/* level: 2-4 = x86-64-vN; 1 = 386-sse2 tier; 8 = arm64 v8.1 */
static const struct {
	const char *name;
	int level;
} ext_info[X_N] = {
	[X_CX16] = { "CMPXCHG16B", 2 }, [X_LAHF] = { "LAHF-SAHF", 2 }, [X_POPCNT] = { "POPCNT", 2 },
	[X_SSE3] = { "SSE3", 2 }, [X_SSSE3] = { "SSSE3", 2 }, [X_SSE41] = { "SSE4.1", 2 },
	[X_SSE42] = { "SSE4.2", 2 }, [X_AVX] = { "AVX", 3 }, [X_AVX2] = { "AVX2", 3 },
	[X_BMI1] = { "BMI1", 3 }, [X_BMI2] = { "BMI2", 3 }, [X_F16C] = { "F16C", 3 },
	[X_FMA] = { "FMA", 3 }, [X_LZCNT] = { "LZCNT", 3 }, [X_MOVBE] = { "MOVBE", 3 },
	[X_OSXSAVE] = { "OSXSAVE", 3 }, [X_AVX512F] = { "AVX512F", 4 }, [X_AVX512BW] = { "AVX512BW", 4 },
	[X_AVX512CD] = { "AVX512CD", 4 }, [X_AVX512DQ] = { "AVX512DQ", 4 }, [X_AVX512VL] = { "AVX512VL", 4 },
	[X_AES] = { "AES", 0 }, [X_PCLMUL] = { "PCLMULQDQ", 0 }, [X_SHA] = { "SHA", 0 },
	[X_ADX] = { "ADX", 0 }, [X_SSE4A] = { "SSE4A", 0 }, [X_FMA4] = { "FMA4", 0 },
	[X_XOP] = { "XOP", 0 }, [X_TBM] = { "TBM", 0 }, [X_AVX512X] = { "AVX512-other", 0 },
	[X_SSE] = { "SSE", 1 }, [X_SSE2] = { "SSE2", 1 }, [X_LSE] = { "LSE", 8 },
	/* F3 0F BC runs as BSF on CPUs without BMI1 (GCC emits "rep bsf" for
	 * __builtin_ctz in generic code): reported, never raises the level */
	[X_TZCNT] = { "TZCNT", 0 },
};

static const char *level_name(enum arch arch, int lvl)
{
	switch (arch) {
	case A_X64:
		return lvl >= 4 ? "x86-64-v4" : lvl == 3 ? "x86-64-v3" : lvl == 2 ? "x86-64-v2" : "x86-64-v1";
	case A_X32:
		return lvl >= 1 ? "386-sse2" : "386-softfloat";
	case A_A64:
		return lvl >= 8 ? "arm64-v8.1" : "arm64-v8.0";
	default:
		return NULL;
	}
}

int isa_mask_level(uint64_t m)
{
	int l = 0;
	for (int x = 0; x < X_N; x++)
		if ((m & BIT(x)) && ext_info[x].level > l && (ext_info[x].level != 1 || l < 1))
			l = ext_info[x].level;
	return l;
}

/* Level of a declared string ("x86-64-v3", "386-sse2", "arm64-v8.1"). */
int isa_declared_level(const char *v)
{
	if (!v)
		return -1;
	if (strncmp(v, "x86-64-v", 8) == 0)
		return v[8] >= '2' && v[8] <= '4' ? v[8] - '0' : 0;
	if (strcmp(v, "386-sse2") == 0)
		return 1;
	if (strcmp(v, "386-softfloat") == 0)
		return 0;
	if (strncmp(v, "arm64-v", 7) == 0)
		return strcmp(v + 7, "8.0") > 0 ? 8 : 0;
	return -1;
}

static const char *fname(struct scan *s, const struct fn *f)
{
	if (f->name)
		return arena_strdup(s->a->arena, f->name);
	return arena_printf(s->a->arena, "?@%#llx", (unsigned long long)f->lo);
}

/* "prefix a, b, c (+N more)" with at most 40 names */
static const char *name_list(struct goabi_artifact *a, const char *prefix, const struct goabi_strv *sv)
{
	size_t len = strlen(prefix) + 32, n = sv->n < 40 ? sv->n : 40;
	for (size_t i = 0; i < n; i++)
		len += strlen(sv->v[i]) + 2;
	char *b = arena_alloc(a->arena, len);
	if (!b)
		return prefix;
	size_t at = (size_t)snprintf(b, len, "%s", prefix);
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(b + at, len - at, "%s%s", i ? ", " : "", sv->v[i]);
	if (sv->n > n)
		snprintf(b + at, len - at, " (+%zu more)", sv->n - n);
	return b;
}

static const char *ext_names(struct goabi_artifact *a, const struct goabi_strv *sv)
{
	const char *r = "";
	for (size_t i = 0; i < sv->n && i < 12; i++)
		r = arena_printf(a->arena, "%s%s%s", r, i ? " " : "", sv->v[i]);
	if (sv->n > 12)
		r = arena_printf(a->arena, "%s (+%zu more)", r, sv->n - 12);
	return r;
}

/* "root -> f1 -> f": how a proven function is reached from an entry point
 * (the last 6 names at most). */
static const char *call_chain(struct scan *s, const struct fn *f)
{
	const char *names[6];
	size_t n = 0, i = (size_t)(f - s->f);
	bool cut = false;
	for (;;) {
		names[n++] = fname(s, &s->f[i]);
		size_t up = s->via ? s->via[i] : i;
		if (up == i || up >= s->nf)
			break;
		if (n == 6) {
			cut = true;
			break;
		}
		i = up;
	}
	const char *r = cut ? "... -> " : "";
	for (size_t k = n; k-- > 0;)
		r = arena_printf(s->a->arena, "%s%s%s", r, names[k], k ? " -> " : "");
	return r;
}

void isa_results(struct scan *s)
{
	struct goabi_artifact *a = s->a;
	struct goabi_isa *isa = &a->isa;
	bool detail = s->ev->opts && s->ev->opts->isa_detail;
	uint64_t used = 0, req = 0, unp = 0;
	size_t nreq[X_N] = { 0 }, ngd[X_N] = { 0 }, nunp[X_N] = { 0 };
	const struct fn *first_req[X_N] = { 0 }, *first_unp[X_N] = { 0 };
	for (size_t i = 0; i < s->nf; i++) {
		const struct fn *f = &s->f[i];
		if (!f->ext)
			continue;
		used |= f->ext;
		if (f->flags & F_GUARDED)
			;
		else if (f->flags & F_PROVEN)
			req |= f->ext;
		else
			unp |= f->ext;
		for (int x = 0; x < X_N; x++) {
			if (!(f->ext & BIT(x)))
				continue;
			if (f->flags & F_GUARDED)
				ngd[x]++;
			else if (!(f->flags & F_PROVEN)) {
				if (!nunp[x]++)
					first_unp[x] = f;
			} else if (!nreq[x]++)
				first_req[x] = f;
		}
	}
	isa->nfuncs = s->nf;
	isa->functions_from = s->funcs_from;
	/* extensions, by level then name order of the table */
	size_t n = 0;
	for (int x = 0; x < X_N; x++)
		n += (used & BIT(x)) != 0;
	isa->exts = n ? arena_alloc(a->arena, n * sizeof(*isa->exts)) : NULL;
	if (n && !isa->exts)
		return;
	static const int order[] = { 2, 3, 4, 1, 8, 0 };
	for (size_t oi = 0; oi < sizeof(order) / sizeof(order[0]); oi++) {
		for (int x = 0; x < X_N; x++) {
			if (!(used & BIT(x)) || ext_info[x].level != order[oi])
				continue;
			struct goabi_isa_ext *e = &isa->exts[isa->nexts++];
			e->name = ext_info[x].name;
			e->level = ext_info[x].level ? level_name(s->arch, ext_info[x].level) : NULL;
			e->nrequired = nreq[x];
			e->nguarded = ngd[x];
			e->nunproven = nunp[x];
			strv_push(a->arena, &isa->extensions, e->name);
			if (!detail)
				continue;
			for (size_t i = 0; i < s->nf; i++) {
				const struct fn *f = &s->f[i];
				if (!(f->ext & BIT(x)))
					continue;
				struct goabi_strv *sv = (f->flags & F_GUARDED) ? &e->guarded_in
							: (f->flags & F_PROVEN) ? &e->required_by : &e->unproven_in;
				if (sv->n < GOABI_MAX_LIST)
					strv_push(a->arena, sv, fname(s, f));
			}
		}
	}
	/* guards recognised */
	for (size_t i = 0; i < s->nfl && isa->guards.n < 64; i++)
		strv_push(a->arena, &isa->guards,
			  arena_printf(a->arena, "%#llx+%llu %s", (unsigned long long)s->fl[i].lo,
				       (unsigned long long)(s->fl[i].hi - s->fl[i].lo), s->fl[i].what));
	/* facts */
	int lu = isa_mask_level(used), lr = isa_mask_level(req);
	size_t nlisted = 0;
	for (size_t i = 0; i < s->nf; i++)
		if ((s->f[i].flags & F_LISTED) && isa_mask_level(s->f[i].ext) > 0)
			nlisted++;
	const char *why = s->nfl || !req ? "" : "; no CPU-feature variable found, so only CPUID, ifunc and caller guards count";
	if (nlisted)
		why = arena_printf(a->arena, "%s; %zu functions (crypto/aes, Go GC AVX-512 kernels, runtime.asyncPreempt) counted as guarded by the fallback list", why,
				   nlisted);
	fact_set_typed(a, FT_ISA_USED, GOABI_KNOWN, level_name(s->arch, lu),
		 "disassembly of %llu bytes of code in %llu functions (from %s)%s%s",
		 (unsigned long long)isa->text_bytes, (unsigned long long)s->nf, s->funcs_from,
		 n ? ": " : ", no extension beyond the baseline", n ? ext_names(a, &isa->extensions) : "");
	const char *reqev;
	int top = -1, utop = -1, lu2 = isa_mask_level(unp);
	for (int x = 0; x < X_N; x++) {
		if ((req & BIT(x)) && ext_info[x].level == lr && lr && top < 0)
			top = x;
		if ((unp & BIT(x)) && ext_info[x].level == lu2 && lu2 && utop < 0)
			utop = x;
	}
	if (utop >= 0 && lu2 > lr) {
		/* what was not counted, and why */
		size_t nu = 0;
		for (int x = 0; x < X_N; x++)
			if (ext_info[x].level > lr)
				nu += nunp[x];
		why = arena_printf(a->arena, "%s; not counted: %s in %s%s and other extensions above %s in %zu "
				   "function uses with no CPU-feature test found but not proven to run without one "
				   "(not reached from an entry point by direct calls%s)",
				   why, ext_info[utop].name, fname(s, first_unp[utop]),
				   nunp[utop] > 1 ? arena_printf(a->arena, " (+%zu more)", nunp[utop] - 1) : "",
				   level_name(s->arch, lr), nu,
				   s->go ? ", or Go code named for an extension or in a package that tests CPU features" : "");
	}
	if (top >= 0)
		reqev = arena_printf(a->arena, "unguarded %s in %s%s, reached without a CPU-feature test: %s%s",
				     ext_info[top].name, fname(s, first_req[top]),
				     nreq[top] > 1 ? arena_printf(a->arena, " and %zu more functions", nreq[top] - 1) : "",
				     call_chain(s, first_req[top]), why);
	else
		reqev = arena_printf(a->arena, "no extension beyond the baseline in code proven to run unguarded%s%s",
				     used ? (unp ? " (the others are behind CPU-feature checks or not proven reachable without one)"
						 : " (extensions only behind CPU-feature checks)")
					  : "",
				     why);
	int dl = isa_declared_level(isa->declared.value);
	bool go_check = a->isa.declared.evidence && strstr(a->isa.declared.evidence, "GOAMD64");
	if (go_check && dl > lr && s->arch == A_X64) {
		/* runtime/asm_amd64.s refuses to start below GOAMD64 */
		fact_set_typed(a, FT_ISA_REQUIRED, GOABI_KNOWN, isa->declared.value,
			 "the Go runtime checks GOAMD64=v%d at start-up (runtime/asm_amd64.s); the code alone needs %s: %s",
			 dl, level_name(s->arch, lr), reqev);
	} else {
		fact_set_typed(a, FT_ISA_REQUIRED, GOABI_INFERRED, level_name(s->arch, lr), "%s", reqev);
	}
	if (dl >= 0 && lr > dl && top >= 0)
		strv_push(a->arena, &isa->conflicts,
			  arena_printf(a->arena, "declares %s (%s) but %s needs %s (%s, unguarded)",
				       isa->declared.value, isa->declared.evidence ? isa->declared.evidence : "",
				       fname(s, first_req[top]), level_name(s->arch, lr), ext_info[top].name));
	/* detail lines */
	for (size_t i = 0; i < isa->nexts; i++) {
		const struct goabi_isa_ext *e = &isa->exts[i];
		strv_push(a->arena, &isa->detail,
			  arena_printf(a->arena, "%s%s%s%s: %zu unguarded, %zu unproven, %zu guarded functions", e->name,
				       e->level ? " (" : "", e->level ? e->level : "", e->level ? ")" : "",
				       e->nrequired, e->nunproven, e->nguarded));
		if (e->required_by.n)
			strv_push(a->arena, &isa->detail, name_list(a, "  unguarded: ", &e->required_by));
		if (e->unproven_in.n)
			strv_push(a->arena, &isa->detail, name_list(a, "  unproven:  ", &e->unproven_in));
		if (e->guarded_in.n)
			strv_push(a->arena, &isa->detail, name_list(a, "  guarded:   ", &e->guarded_in));
	}
}
