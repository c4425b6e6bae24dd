/* goabi plugin: the prediction (model in check/plugin.h, docs/plugin.md). */
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/plugin.h"
#include "goabi/checks.h"
#include "util/util.h"

const char *plg_outcome_name(enum plg_outcome o)
{
	switch (o) {
	case PLG_LOADS: return "loads";
	case PLG_ERROR: return "error";
	case PLG_FATAL: return "fatal";
	default: return "not reached";
	}
}

static const char *hex(struct goabi_arena *ar, const struct rd_pkghash *h)
{
	if (!h || !h->len)
		return NULL;
	char buf[RD_PKGHASH_MAX * 2 + 1];
	for (size_t i = 0; i < h->len; i++)
		snprintf(buf + 2 * i, 3, "%02x", h->bytes[i]);
	return arena_strdup(ar, buf);
}

/* A module the runtime has seen (firstmoduledata.next list): plugins whose
 * addmoduledata reached the host's list. */
struct rt_mod {
	const struct plg_module *m;
	bool bad;
};

/* One object in the dynamic linker's global scope (RTLD_GLOBAL). */
struct scope_obj {
	const struct plg_module *m;
};

struct cached {
	const char *real;
	const char *err; /* lastmoduleinit error, NULL when it loaded */
};

struct state {
	struct plg_result *r;
	struct rt_mod *mods;
	size_t nmods;
	struct scope_obj *scope;
	size_t nscope;
	struct cached *cache;
	size_t ncache;
	bool chain_ok;  /* lastmoduledatap still points into the host's list */
	bool aborted;
};

/* plugin.Open trims ".so" from the name before lastmoduleinit's errors
 * (plugin_dlopen.go); dlopen errors and previous failures keep it. */
static const char *open_name(struct goabi_arena *ar, const char *name, bool trim)
{
	size_t l = strlen(name);
	if (trim && l > 3 && strcmp(name + l - 3, ".so") == 0)
		return arena_strndup(ar, name, l - 3);
	return name;
}

static void ev(struct plg_result *r, struct plg_verdict *v, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void ev(struct plg_result *r, struct plg_verdict *v, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	strv_push(r->ar, &v->evidence, arena_strdup(r->ar, buf));
}

/* Does the plugin's moduledata reach the host's list? Only when its
 * runtime.addmoduledata writes the layout the host reads: the same
 * moduledata (st_size of runtime.firstmoduledata), else the same Go minor. */
static bool same_layout(const struct plg_module *h, const struct plg_module *p, struct plg_result *r,
			struct plg_verdict *v, enum goabi_conf *conf)
{
	*conf = GOABI_KNOWN;
	if (h->moduledata_size && p->moduledata_size) {
		if (h->moduledata_size != p->moduledata_size) {
			ev(r, v, "runtime.firstmoduledata is %llu bytes in the host (%s), %llu in the plugin (%s): "
			   "the plugin's addmoduledata links its moduledata where the host's runtime does not look",
			   (unsigned long long)h->moduledata_size, h->go_version ? h->go_version : "Go version unknown",
			   (unsigned long long)p->moduledata_size, p->go_version ? p->go_version : "Go version unknown");
			return false;
		}
		if (h->go_version_exact && p->go_version_exact && go_minor(h->go_version) != go_minor(p->go_version)) {
			*conf = GOABI_INFERRED;
			ev(r, v, "host %s, plugin %s: other Go releases (moduledata of the same size)", h->go_version,
			   p->go_version);
			return false;
		}
		return true;
	}
	if (h->go_version_exact && p->go_version_exact && go_minor(h->go_version) != go_minor(p->go_version)) {
		*conf = GOABI_INFERRED;
		ev(r, v, "host %s, plugin %s: other Go releases", h->go_version, p->go_version);
		return false;
	}
	return true;
}

static const struct plg_module *provider(const struct state *s, const struct plg_module *self, const char *sym,
					 const struct rd_pkghash **out)
{
	for (size_t i = 0; i < s->nscope; i++) {
		const struct rd_pkghash *h = plg_find_export(s->scope[i].m, sym);
		if (h) {
			*out = h;
			return s->scope[i].m;
		}
	}
	*out = plg_find_export(self, sym);
	return *out ? self : NULL;
}

static void predict(struct state *s, size_t idx)
{
	struct plg_result *r = s->r;
	struct goabi_arena *ar = r->ar;
	const struct plg_module *host = &r->host;
	const struct plg_module *m = &r->plugins[idx];
	struct plg_verdict *v = &r->verdicts[idx];
	v->m = m;
	v->conf = GOABI_KNOWN;
	if (s->aborted) {
		v->outcome = PLG_NOT_REACHED;
		v->rule = "not-reached";
		ev(r, v, "an earlier plugin.Open aborted the process");
		return;
	}
	if (host->cgo && strcmp(host->cgo, "0") == 0) {
		/* plugin_stubs.go: built when !cgo */
		v->outcome = PLG_ERROR;
		v->rule = "not-implemented";
		v->error = "plugin: not implemented";
		ev(r, v, "host built with CGO_ENABLED=0 (%s): package plugin is the stub of plugin_stubs.go",
		   host->a && host->a->go.cgo.evidence ? host->a->go.cgo.evidence : "cgo fact");
		return;
	}
	if (!m->real) {
		v->outcome = PLG_ERROR;
		v->rule = "realpath";
		v->error = arena_printf(ar, "plugin.Open(\"%s\"): realpath failed", m->path);
		ev(r, v, "realpath(3) of '%s' fails here", m->path);
		return;
	}
	for (size_t i = 0; i < s->ncache; i++)
		if (strcmp(s->cache[i].real, m->real) == 0) {
			if (s->cache[i].err) {
				v->outcome = PLG_ERROR;
				v->rule = "previous-failure";
				v->error = arena_printf(ar, "plugin.Open(\"%s\"): %s (previous failure)", m->path, s->cache[i].err);
			} else {
				v->outcome = PLG_LOADS;
				v->rule = "cached";
			}
			ev(r, v, "%s was opened before (plugin.Open keeps its result by real path)", m->real);
			return;
		}
	if (!m->readable) {
		v->outcome = PLG_ERROR;
		v->rule = "dlopen";
		v->conf = GOABI_INFERRED;
		v->error = arena_printf(ar, "plugin.Open(\"%s\"): %s: %s", m->path, m->real,
					m->a && m->a->size < 64 ? "file too short" : "invalid ELF header");
		ev(r, v, "not an ELF file: %s", m->error ? m->error : "?");
		return;
	}
	/* decided by predict_loaded */
}

static void predict_loaded(struct state *s, size_t idx, const struct plg_opts *o)
{
	struct plg_result *r = s->r;
	struct goabi_arena *ar = r->ar;
	const struct plg_module *host = &r->host;
	const struct plg_module *m = &r->plugins[idx];
	struct plg_verdict *v = &r->verdicts[idx];
	const char *dlerr = plg_dlopen_error(ar, r->ldr, host, m, o->root, &v->evidence);
	if (dlerr) {
		v->outcome = PLG_ERROR;
		v->rule = "dlopen";
		v->error = arena_printf(ar, "plugin.Open(\"%s\"): %s", m->path, dlerr);
		return; /* not cached: the next open tries dlopen again */
	}
	const char *name = open_name(ar, m->path, true);
	/* dlopen accepted it. The same file already loaded (another name, a
	 * hard link) gives the loaded handle and runs nothing. */
	bool dup = false;
	for (size_t i = 0; i < s->nscope && !dup; i++)
		if (s->scope[i].m->dev == m->dev && s->scope[i].m->ino == m->ino && s->scope[i].m != host)
			dup = true;
	bool registered = false;
	enum goabi_conf lconf = GOABI_KNOWN;
	bool is_plugin = m->is_go && m->npkghashes > 0;
	if (dup) {
		ev(r, v, "the same file (device %llu, inode %llu) is loaded already: dlopen returns its handle",
		   (unsigned long long)m->dev, (unsigned long long)m->ino);
	} else if (!is_plugin) {
		ev(r, v, "not a Go plugin (%s): it adds no module data",
		   !m->is_go ? "no Go evidence" : m->buildmode ? arena_printf(ar, "build mode %s", m->buildmode)
		   : "no pkghashes relocations");
	} else if (!same_layout(host, m, r, v, &lconf)) {
		s->chain_ok = false;
		v->conf = lconf;
	} else if (!s->chain_ok) {
		ev(r, v, "an earlier plugin of another Go release moved runtime.lastmoduledatap off the host's list");
		v->conf = GOABI_INFERRED;
	} else {
		registered = true;
	}
	if (!dup) {
		struct scope_obj *ns = arena_alloc(ar, (s->nscope + 1) * sizeof(*ns));
		if (ns) {
			if (s->nscope)
				memcpy(ns, s->scope, s->nscope * sizeof(*ns));
			ns[s->nscope++].m = m;
			s->scope = ns;
		}
	}
	struct rt_mod *self = NULL;
	if (registered) {
		struct rt_mod *nm = arena_alloc(ar, (s->nmods + 1) * sizeof(*nm));
		if (nm) {
			if (s->nmods)
				memcpy(nm, s->mods, s->nmods * sizeof(*nm));
			nm[s->nmods] = (struct rt_mod){ m, false };
			s->mods = nm;
			self = &s->mods[s->nmods++];
		}
	}
	const char *err = NULL;
	/* plugin_lastmoduleinit: the last module, unless it is marked bad */
	struct rt_mod *last = s->nmods ? &s->mods[s->nmods - 1] : NULL;
	if (!last || last->bad) {
		v->outcome = PLG_FATAL;
		v->rule = "no-module-data";
		v->error = "fatal error: runtime: no plugin module data";
		if (v->conf == GOABI_KNOWN)
			v->conf = lconf;
		ev(r, v, last ? "the last module the runtime knows (%s) failed its plugin.Open: "
			   "runtime.throw, exit status 2" : "%sno plugin module is in the runtime's list: runtime.throw, exit status 2",
		   last ? last->m->path : "");
		s->aborted = true;
		return;
	}
	if (!registered) {
		err = "plugin already loaded";
		v->rule = "not-registered";
		ev(r, v, "the runtime takes the last module in its list, %s, initialised already", last->m->path);
	} else {
		for (size_t i = 0; i + 1 < s->nmods && !err; i++) {
			const struct rt_mod *a = &s->mods[i];
			if (!a->bad && a->m->pluginpath && m->pluginpath && strcmp(a->m->pluginpath, m->pluginpath) == 0) {
				err = "plugin already loaded";
				v->rule = "already-loaded";
				ev(r, v, "plugin path %s (%s) is the path of %s, loaded before", m->pluginpath,
				   m->pluginpath_evidence ? m->pluginpath_evidence : "?", a->m->path);
				if (m->pluginpath_evidence && strncmp(m->pluginpath_evidence, "inferred", 8) == 0)
					v->conf = GOABI_INFERRED;
			}
		}
		if (!m->pluginpath)
			ev(r, v, "plugin path unknown (no .symtab): the already-loaded rule was not checked");
		for (size_t i = 0; i < m->npkghashes && !err; i++) {
			const struct rd_pkghash *want = &m->pkghashes[i];
			const struct rd_pkghash *got = NULL;
			const struct plg_module *pm = provider(s, m, want->sym, &got);
			if (!pm || !got || !want->len || !got->len)
				continue;
			if (want->len != got->len || memcmp(want->bytes, got->bytes, want->len) != 0) {
				err = arena_printf(ar, "plugin was built with a different version of package %s", want->pkg);
				v->rule = "pkghash";
				v->package = want->pkg;
				v->plugin_hash = hex(ar, want);
				v->provider_hash = hex(ar, got);
				v->provider = pm->path;
				ev(r, v, "pkghashes entry %zu of %zu: %s is %s in the plugin, %s in %s (first definition of %s in global scope)",
				   i + 1, m->npkghashes, want->pkg, v->plugin_hash, v->provider_hash, pm->path, want->sym);
			}
		}
		if (!err)
			ev(r, v, "%zu package hashes equal the first definitions in global scope (%s)", m->npkghashes,
			   m->pkghash_evidence ? m->pkghash_evidence : "");
	}
	if (err) {
		if (self)
			self->bad = true;
		v->outcome = PLG_ERROR;
		v->error = arena_printf(ar, "plugin.Open(\"%s\"): %s", name, err);
	} else {
		v->outcome = PLG_LOADS;
		v->rule = "loads";
	}
	struct cached *nc = arena_alloc(ar, (s->ncache + 1) * sizeof(*nc));
	if (nc) {
		if (s->ncache)
			memcpy(nc, s->cache, s->ncache * sizeof(*nc));
		nc[s->ncache++] = (struct cached){ m->real, err };
		s->cache = nc;
	}
}

int plg_check(struct plg_result *r, const char *host, char *const *plugins, size_t nplugins, const struct plg_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->ar = arena_new();
	if (!r->ar)
		return GOABI_ENOMEM;
	r->nplugins = nplugins;
	r->plugins = arena_alloc(r->ar, (nplugins ? nplugins : 1) * sizeof(*r->plugins));
	r->verdicts = arena_alloc(r->ar, (nplugins ? nplugins : 1) * sizeof(*r->verdicts));
	if (!r->plugins || !r->verdicts)
		return GOABI_ENOMEM;
	r->ldr = ldr_new(r->ar, 0);
	if (!r->ldr)
		return GOABI_ENOMEM;
	r->host.path = host;
	plg_read_module(r->ar, r->ldr, &r->host);
	if (!r->host.readable) {
		r->usage_file = host;
		r->usage_error = r->host.error ? r->host.error : "unreadable";
		return 0;
	}
	struct plg_module *h = &r->host;
	if (!h->is_go) {
		r->usage_file = host;
		r->usage_error = "not a Go program (no Go evidence)";
		return 0;
	}
	strv_push(r->ar, &r->host_notes, arena_printf(r->ar, "Go %s, cgo %s, %zu go:link.pkghash.* exported",
						    h->go_version ? h->go_version : "version unknown",
						    h->cgo ? h->cgo : "unknown", h->nexports));
	bool nocgo = h->cgo && strcmp(h->cgo, "0") == 0;
	if (!nocgo && !h->links_plugin_pkg) {
		r->usage_file = host;
		r->usage_error = "does not link package plugin with cgo "
				 "(no go:link.pkghash.plugin in .dynsym): it cannot call plugin.Open";
	}
	for (size_t i = 0; i < nplugins; i++) {
		r->plugins[i].path = plugins[i];
		plg_read_module(r->ar, r->ldr, &r->plugins[i]);
		if (!r->plugins[i].real && !r->usage_error) {
			r->usage_file = plugins[i];
			r->usage_error = "cannot read the file";
		}
	}
	if (r->usage_error && h->links_plugin_pkg == false && !nocgo)
		return 0;
	struct state s = { .r = r, .chain_ok = true };
	s.scope = arena_alloc(r->ar, sizeof(*s.scope));
	if (!s.scope)
		return GOABI_ENOMEM;
	s.scope[0].m = h;
	s.nscope = 1;
	for (size_t i = 0; i < nplugins; i++) {
		struct plg_verdict *v = &r->verdicts[i];
		predict(&s, i);
		if (!v->rule)
			predict_loaded(&s, i, o);
	}
	return 0;
}

void plg_result_free(struct plg_result *r)
{
	ldr_free(r->ldr); /* the modules' facts with it */
	arena_free(r->ar);
	memset(r, 0, sizeof(*r));
}

/* ---- the one result model (goabi/checks.h) ---- */

/* One plain sentence per rule: why plugin.Open does not return the plugin. */
static const char *rule_message(struct goabi_arena *ar, const struct plg_verdict *v, const struct plg_module *host)
{
	const char *r = v->rule ? v->rule : "";
	if (strcmp(r, "pkghash") == 0)
		return arena_printf(ar, "built with another version of package %s (%s in the plugin, %s in %s, bound first)",
				    v->package ? v->package : "?", v->plugin_hash ? v->plugin_hash : "?",
				    v->provider_hash ? v->provider_hash : "?", v->provider ? v->provider : "?");
	if (strcmp(r, "dlopen") == 0)
		return "dlopen(3) rejects it";
	if (strcmp(r, "not-implemented") == 0)
		return arena_printf(ar, "the host %s is built without cgo: its plugin.Open is the stub that always fails",
				    host->path);
	if (strcmp(r, "realpath") == 0)
		return "its path does not resolve (realpath fails)";
	if (strcmp(r, "previous-failure") == 0)
		return "the same file failed to load before: plugin.Open returns the cached error";
	if (strcmp(r, "no-module-data") == 0)
		return "the runtime finds no plugin module data to initialise and aborts the process (exit status 2)";
	if (strcmp(r, "not-registered") == 0)
		return "its module data does not reach the host runtime's module list (not a Go plugin of the host's release)";
	if (strcmp(r, "already-loaded") == 0)
		return "a plugin with the same plugin path is loaded already";
	if (strcmp(r, "not-reached") == 0)
		return "never opened: an earlier plugin aborted the process";
	return "plugin.Open does not return the plugin";
}

static const char *outcome_word(enum plg_outcome o)
{
	switch (o) {
	case PLG_LOADS: return "loads";
	case PLG_ERROR: return "fails";
	case PLG_FATAL: return "aborts";
	default: return "not reached";
	}
}

static enum goabi_verdict outcome_verdict(enum plg_outcome o)
{
	switch (o) {
	case PLG_LOADS: return GOABI_VERDICT_PASS;
	case PLG_ERROR:
	case PLG_FATAL: return GOABI_VERDICT_FAIL;
	default: return GOABI_VERDICT_UNKNOWN;
	}
}

struct conv {
	struct goabi_result *r;
	bool oom;
};

static void put(struct conv *c, struct goabi_props *p, const char *name, const char *value)
{
	if (!goabi_props_add(c->r, p, name, value))
		c->oom = true;
}

static const char *num(struct goabi_arena *ar, unsigned long long v)
{
	return arena_printf(ar, "%llu", v);
}

static const char *joined(struct goabi_arena *ar, const struct goabi_strv *sv)
{
	const char *s = NULL;
	for (size_t i = 0; i < sv->n; i++)
		s = s ? arena_printf(ar, "%s; %s", s, sv->v[i]) : sv->v[i];
	return s;
}

static void to_result(struct conv *c, const struct plg_result *pr, const char *root)
{
	struct goabi_result *r = c->r;
	struct goabi_arena *ar = pr->ar;
	const struct plg_module *h = &pr->host;
	put(c, &r->summary, "host", h->path);
	put(c, &r->summary, "host_go_version", h->go_version);
	put(c, &r->summary, "host_cgo", h->cgo);
	put(c, &r->summary, "host_links_plugin", h->readable ? (h->links_plugin_pkg ? "true" : "false") : NULL);
	put(c, &r->summary, "host_pkghash_exports", h->readable ? num(ar, h->nexports) : NULL);
	put(c, &r->summary, "host_moduledata_size", h->moduledata_size ? num(ar, h->moduledata_size) : NULL);
	put(c, &r->summary, "root", root ? root : "/");
	size_t loads = 0, fails = 0, aborts = 0;
	for (size_t i = 0; i < pr->nplugins; i++) {
		const struct plg_verdict *v = &pr->verdicts[i];
		const struct plg_module *m = &pr->plugins[i];
		if (!v->rule)
			continue; /* not predicted (the host cannot open plugins) */
		enum goabi_verdict jv = outcome_verdict(v->outcome);
		struct goabi_judged *j = goabi_result_add_judged(r, m->path, NULL, jv, outcome_word(v->outcome));
		if (!j) {
			c->oom = true;
			return;
		}
		goabi_result_raise(r, jv == GOABI_VERDICT_UNKNOWN ? GOABI_VERDICT_FAIL : jv);
		loads += v->outcome == PLG_LOADS;
		fails += v->outcome == PLG_ERROR;
		aborts += v->outcome == PLG_FATAL;
		put(c, &j->props, "outcome", v->outcome == PLG_NOT_REACHED ? "not-reached" : plg_outcome_name(v->outcome));
		put(c, &j->props, "rule", v->rule);
		put(c, &j->props, "error", v->error);
		put(c, &j->props, "confidence", goabi_conf_name(v->conf));
		put(c, &j->props, "real_path", m->real);
		put(c, &j->props, "go_version", m->go_version);
		put(c, &j->props, "plugin_path", m->pluginpath);
		put(c, &j->props, "pkghashes", num(ar, m->npkghashes));
		put(c, &j->props, "evidence", joined(ar, &v->evidence));
		if (v->outcome == PLG_LOADS)
			continue;
		static const enum goabi_finding_sev sev[] = { [PLG_LOADS] = GOABI_SEV_NOTE, [PLG_ERROR] = GOABI_SEV_ERROR,
							      [PLG_FATAL] = GOABI_SEV_ERROR, [PLG_NOT_REACHED] = GOABI_SEV_NOTE };
		struct goabi_finding *f = goabi_result_add_finding(r, arena_printf(ar, "plugin/%s", v->rule), sev[v->outcome],
								   "%s", rule_message(ar, v, h));
		if (!f) {
			c->oom = true;
			return;
		}
		f->conf = v->conf;
		f->subject.path = goabi_result_str(r, m->path);
		f->subject.symbol = goabi_result_str(r, v->package);
		f->tool_says = goabi_result_str(r, v->error);
		f->key = goabi_result_str(r, num(ar, i)); /* the same file opened twice: two findings */
		for (size_t k = 0; k < v->evidence.n; k++)
			if (!strv_push(r->arena, &f->evidence, goabi_result_str(r, v->evidence.v[k])))
				c->oom = true;
		put(c, &f->props, "outcome", v->outcome == PLG_NOT_REACHED ? "not-reached" : plg_outcome_name(v->outcome));
		if (v->package) { /* pkghash: the package, both hashes, whose hash was bound */
			put(c, &f->props, "package", v->package);
			put(c, &f->props, "plugin_hash", v->plugin_hash);
			put(c, &f->props, "provider_hash", v->provider_hash);
			put(c, &f->props, "provider", v->provider);
		}
	}
	put(c, &r->summary, "loads", num(ar, loads));
	put(c, &r->summary, "fails", num(ar, fails));
	put(c, &r->summary, "aborts", num(ar, aborts));
	r->verdict_word = aborts ? "a plugin aborts the process" : fails ? "a plugin fails to load" : "every plugin loads";
	if (pr->usage_error) {
		if (!goabi_result_add_error(r, pr->usage_file, NULL, pr->usage_error))
			c->oom = true;
		goabi_result_raise(r, GOABI_VERDICT_ERROR);
		r->verdict_word = "input unusable";
	}
}

int goabi_plugin_check(const char *host, char *const *plugins, size_t n, const char *root,
		       struct goabi_result **out)
{
	*out = NULL;
	if (!host || (n && !plugins))
		return GOABI_EFORMAT;
	if (n > PLG_MAX_PLUGINS)
		return GOABI_ELIMIT;
	struct plg_result pr;
	struct plg_opts o = { .root = root ? root : "/" };
	int err = plg_check(&pr, host, plugins, n, &o);
	if (err) {
		plg_result_free(&pr);
		return err;
	}
	struct conv c = { goabi_result_new("plugin"), false };
	if (c.r)
		to_result(&c, &pr, o.root);
	plg_result_free(&pr);
	if (!c.r || c.oom) {
		goabi_result_free(c.r);
		return GOABI_ENOMEM;
	}
	*out = c.r;
	return 0;
}
