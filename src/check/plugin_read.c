/* goabi plugin: what the prediction needs of one host or plugin file.
 *
 * The file is mapped once by the shared loader (src/facts/loader.h): Go
 * facts are inspected from that mapping, and so are the plugin facts
 * (package hashes, pkghashes relocations, plugin path, moduledata size:
 * src/read/goplugin.c). Nothing here reads bytes. */
#include <stdlib.h>
#include <string.h>
#include "check/plugin.h"
#include "read/mapfile.h"

const struct rd_pkghash *plg_find_export(const struct plg_module *m, const char *sym)
{
	for (size_t i = 0; i < m->nexports; i++)
		if (m->exports[i].sym && strcmp(m->exports[i].sym, sym) == 0)
			return &m->exports[i];
	return NULL;
}

static void read_elf(struct ldr *l, const struct ldr_file *f, struct plg_module *m)
{
	struct rd_goplugin g;
	ldr_goplugin(l, f, &g);
	m->pluginpath = g.pluginpath;
	m->pluginpath_evidence = g.pluginpath_evidence;
	m->moduledata_size = g.moduledata_size;
	m->exports = g.exports;
	m->nexports = g.nexports;
	m->pkghashes = g.pkghashes;
	m->npkghashes = g.npkghashes;
	m->pkghash_evidence = g.pkghash_evidence;
	m->links_plugin_pkg = g.links_plugin_pkg;
}

void plg_read_module(struct goabi_arena *ar, struct ldr *l, struct plg_module *m)
{
	if (!rd_file_id(m->path, &m->dev, &m->ino)) {
		m->error = "cannot read the file";
		return;
	}
	char *rp = realpath(m->path, NULL);
	if (rp) {
		m->real = arena_strdup(ar, rp);
		free(rp);
	}
	const struct ldr_file *f = ldr_load(l, m->path);
	m->a = ldr_facts(l, f, false);
	if (!m->a) {
		m->error = goabi_strerror(f ? GOABI_EIO : GOABI_ENOMEM);
		return;
	}
	const struct goabi_artifact *a = m->a;
	if (a->kind != GOABI_KIND_ELF || !a->id.elfclass) {
		m->error = a->kind == GOABI_KIND_AR ? "an ar archive, not a shared object or executable"
			   : a->ndiags ? a->diags[0].message : "not an ELF file";
		return;
	}
	m->readable = true;
	m->elfclass = a->id.elfclass;
	m->machine = a->id.machine;
	m->machine_name = a->id.machine_name;
	m->etype = a->id.type;
	m->big_endian = a->id.big_endian;
	const struct goabi_go *g = &a->go;
	m->is_go = a->typed.toolchain == GOABI_TC_GC;
	if (g->version.value) {
		m->go_version = g->version.value;
		m->go_version_exact = true;
	} else {
		m->go_version = g->version_range.value;
	}
	m->cgo = g->cgo.value;
	m->buildmode = g->buildmode.value;
	read_elf(l, f, m);
	if (!m->pluginpath && m->npkghashes) {
		/* stripped plugin: the main package is compiled as the plugin path
		 * (cmd/go passes -p and -pluginpath alike): the build info's path,
		 * or for files named on the command line "plugin/unnamed-HASH" */
		const char *mp = g->main_path;
		for (size_t i = 0; i < m->npkghashes && !m->pluginpath; i++) {
			const char *p = m->pkghashes[i].pkg;
			if (!p)
				continue;
			if ((mp && strcmp(p, mp) == 0) || strncmp(p, "plugin/unnamed-", 15) == 0) {
				m->pluginpath = p;
				m->pluginpath_evidence = mp && strcmp(p, mp) == 0
					? "inferred: build info path, also a package in pkghashes (no .symtab)"
					: "inferred: package plugin/unnamed-* in pkghashes (no .symtab)";
			}
		}
	}
}
