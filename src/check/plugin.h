/* goabi plugin: predict what Go's plugin.Open returns for each plugin a
 * host opens, in order, without loading anything (docs/plugin.md).
 *
 * The model follows plugin/plugin_dlopen.go (open) and runtime/plugin.go
 * (plugin_lastmoduleinit) of Go 1.19 to 1.27, and glibc's dlopen with
 * RTLD_NOW|RTLD_GLOBAL:
 *   - realpath: a path opened before returns the cached result;
 *   - dlopen: class, machine, type, every DT_NEEDED and symbol version;
 *   - the new module: a Go plugin built by the host's toolchain appends its
 *     moduledata to the runtime's list; anything else (a C library, a Go
 *     c-shared library, a plugin of another Go release, whose moduledata
 *     layout differs) does not, and the runtime then takes the last module
 *     of its list: none or a failed one throws "runtime: no plugin module
 *     data" (the process aborts), an initialised one gives "plugin already
 *     loaded";
 *   - the plugin path of an active module: "plugin already loaded";
 *   - pkghashes in the plugin's order: each link-time hash against the
 *     go:link.pkghash.P the dynamic linker binds, the first definition in
 *     global scope (host, then every plugin dlopen accepted, failed ones
 *     too, then the plugin itself).
 * Nothing is executed.
 *
 * Internal to the plugin check (src/check/plugin*.c): others call
 * goabi_plugin_check (goabi/checks.h), which returns the one result model. */
#ifndef GOABI_CHECK_PLUGIN_H
#define GOABI_CHECK_PLUGIN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "goabi/goabi.h"
#include "facts/loader.h"

#define PLG_MAX_PLUGINS 4096u

/* What the prediction needs of one ELF file (host or plugin). */
struct plg_module {
	const char *path;         /* as given */
	const char *real;         /* realpath(3) on this machine */
	dev_t dev;
	ino_t ino;
	const struct goabi_artifact *a; /* inspected by the loader (loader facts and Go facts) */
	bool readable;            /* an ELF file goabi could read */
	const char *error;        /* why not */
	int elfclass;
	unsigned machine, etype;
	const char *machine_name;
	bool big_endian;
	bool is_go;               /* Go evidence (gc) */
	const char *go_version;   /* exact, else the pclntab range, else NULL */
	bool go_version_exact;
	const char *cgo;          /* "1", "0", NULL unknown */
	const char *buildmode;
	const char *pluginpath;   /* NULL when unknown */
	const char *pluginpath_evidence;
	uint64_t moduledata_size; /* st_size of runtime.firstmoduledata, 0 unknown */
	/* go:link.pkghash.P defined in .dynsym: what this module provides to
	 * later dlopens (global scope) */
	const struct rd_pkghash *exports;
	size_t nexports;
	/* plugins: moduledata pkghashes in order, from the dynamic relocations
	 * that fill their runtimehash pointers; bytes = the link-time hash
	 * (the plugin's own pkghashbytes.P, written from the same fingerprint) */
	const struct rd_pkghash *pkghashes;
	size_t npkghashes;
	const char *pkghash_evidence;
	bool links_plugin_pkg;    /* exports go:link.pkghash.plugin */
};

enum plg_outcome {
	PLG_LOADS,        /* plugin.Open returns the plugin */
	PLG_ERROR,        /* plugin.Open returns an error */
	PLG_FATAL,        /* the runtime throws: the process aborts (exit 2) */
	PLG_NOT_REACHED,  /* an earlier plugin aborted the process */
};

struct plg_verdict {
	const struct plg_module *m;
	enum plg_outcome outcome;
	const char *rule;     /* "loads", "cached", "previous-failure", "dlopen",
			       * "not-implemented", "no-module-data", "not-registered",
			       * "already-loaded", "pkghash", "not-reached" */
	const char *error;    /* what plugin.Open returns (or the runtime prints
			       * for PLG_FATAL); NULL when it loads */
	enum goabi_conf conf;
	const char *package;  /* pkghash: the package */
	const char *plugin_hash, *provider_hash; /* hex */
	const char *provider; /* path of the module whose hash was bound */
	struct goabi_strv evidence;
};

struct plg_opts {
	const char *root;     /* library resolution root, "/" by default */
};

struct plg_result {
	struct goabi_arena *ar;
	struct plg_module host;
	struct plg_module *plugins;
	size_t nplugins;
	struct plg_verdict *verdicts; /* one per plugin, in load order */
	struct goabi_strv host_notes; /* facts about the host used */
	const char *usage_file;       /* the input that cannot be read / used */
	const char *usage_error;      /* and why (no file name in it) */
	struct ldr *ldr;              /* the shared loader: every file read once (plg_result_free) */
};

/* Read the host and the plugins and predict every plugin.Open in order.
 * Returns 0, or a negative goabi_err (out of memory). res->usage_error is
 * set when an input is unreadable or the host cannot open plugins at all
 * for a reason that is not a plugin.Open answer. */
int plg_check(struct plg_result *res, const char *host, char *const *plugins, size_t nplugins,
	      const struct plg_opts *o);
void plg_result_free(struct plg_result *res);
const char *plg_outcome_name(enum plg_outcome o);

/* plugin_read.c: fill m (path set, everything else zero) from the file,
 * read through the loader l. */
void plg_read_module(struct goabi_arena *ar, struct ldr *l, struct plg_module *m);
const struct rd_pkghash *plg_find_export(const struct plg_module *m, const char *sym);

/* plugin_dlopen.c: the dlopen(3) error glibc gives for m loaded into host
 * with libraries resolved under root, or NULL when dlopen succeeds. The
 * message is dlerror()'s text; evidence goes to ev. The files of the
 * plugin's DT_NEEDED closure are read through the loader l. */
const char *plg_dlopen_error(struct goabi_arena *ar, struct ldr *l, const struct plg_module *host,
			     const struct plg_module *m, const char *root, struct goabi_strv *ev);

#endif
