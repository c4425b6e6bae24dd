/* Fact 7: exported C ABI. Export names come from cgo's _cgoexp_<hash>_<Name>
 * symbols; prototypes come from the DWARF of _cgo_export.c (see cabi_dwarf.c). */
#include <string.h>
#include "facts/facts.h"

struct exp_ctx {
	struct elfview *ev;
};

static bool exp_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	struct exp_ctx *c = ctx;
	struct goabi_artifact *a = c->ev->a;
	if (strncmp(name, "_cgoexp_", 8) != 0 || sym->st_shndx == SHN_UNDEF)
		return true;
	/* _cgoexp_<12 hex>_<Name> */
	const char *p = name + 8;
	const char *us = strchr(p, '_');
	if (!us || !us[1])
		return true;
	const char *ename = us + 1;
	for (size_t i = 0; i < a->cabi.nexports; i++)
		if (strcmp(a->cabi.exports[i].name, ename) == 0)
			return true;
	if (a->cabi.nexports >= GOABI_MAX_LIST ||
	    !arena_grow(a->arena, &a->cabi.exports, &a->cabi.cap, a->cabi.nexports + 1, sizeof(*a->cabi.exports)))
		return false;
	struct goabi_export *e = &a->cabi.exports[a->cabi.nexports++];
	e->name = utf8_sanitize(a->arena, ename, strlen(ename));
	e->prototype = NULL;
	e->evidence = arena_printf(a->arena, "symbol %s", e->name == ename ? name : utf8_sanitize(a->arena, name, strlen(name)));
	return true;
}

void cabi_dwarf_prototypes(struct elfview *ev);

void facts_cabi(struct elfview *ev)
{
	struct exp_ctx c = { ev };
	ev_for_each_symbol(ev, false, exp_cb, &c);
	ev_for_each_symbol(ev, true, exp_cb, &c);
	if (!ev->opts->no_dwarf)
		cabi_dwarf_prototypes(ev);
}
