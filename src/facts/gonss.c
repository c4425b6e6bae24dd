/* Name-service lookups a program contains, and who answers them.
 *
 * Go: os/user and net each come in two builds (Go 1.19 and 1.26 sources):
 *   os/user lookup_unix.go, listgroups_unix.go  (!cgo || osusergo): reads
 *     /etc/passwd and /etc/group itself; only it has readColonFile,
 *     findUsername, findUserId, findGroupName, findGroupId,
 *     listGroupsFromReader, the matchUserIndexValue/matchGroupIndexValue
 *     closures;
 *   os/user cgo_lookup_unix.go (cgo && !osusergo): getpwnam_r & co through
 *     cgo (_Cfunc_mygetpwnam_r, 1.26 also _C_getpwnam_r, lookupUnixUid).
 *   net: the Go resolver (net.(*Resolver).goLookupIPCNAMEOrder...) is in
 *     every build; cgo_unix.go (!netgo && cgo) adds getaddrinfo
 *     (net._C2func_getaddrinfo, 1.26 net._C_getaddrinfo) and conf.go then
 *     picks per lookup; cgo_stub.go (netgo || !cgo) leaves Go's alone.
 * Names come from .symtab, else (stripped) from the pclntab function-name
 * table, which also names inlined functions.
 *
 * C library: undefined .dynsym references to getpwnam, getaddrinfo... (a
 * cgo Go binary's too), or, statically linked glibc, their definitions in
 * .symtab (stripped: glibc's "libnss_%s.so%s" module-name format). */
#include <string.h>
#include "facts/gofacts.h"

#define PFX(s, lit) STR_PFX(s, lit)
#define MAX_EVIDENCE 3

static const struct {
	const char *name, *db;
} nss_calls[] = {
	{ "getpwnam", "passwd" }, { "getpwnam_r", "passwd" }, { "getpwuid", "passwd" },
	{ "getpwuid_r", "passwd" }, { "getpwent", "passwd" }, { "getpwent_r", "passwd" },
	{ "getgrnam", "group" }, { "getgrnam_r", "group" }, { "getgrgid", "group" },
	{ "getgrgid_r", "group" }, { "getgrent", "group" }, { "getgrent_r", "group" },
	{ "getgrouplist", "group" }, { "initgroups", "group" },
	{ "getspnam", "shadow" }, { "getspnam_r", "shadow" }, { "getspent", "shadow" }, { "getspent_r", "shadow" },
	{ "getaddrinfo", "hosts" }, { "getnameinfo", "hosts" }, { "gethostbyname", "hosts" },
	{ "gethostbyname2", "hosts" }, { "gethostbyname_r", "hosts" }, { "gethostbyname2_r", "hosts" },
	{ "gethostbyaddr", "hosts" }, { "gethostbyaddr_r", "hosts" }, { "gethostent", "hosts" },
	{ "gethostent_r", "hosts" },
};
#define NCALLS (sizeof(nss_calls) / sizeof(nss_calls[0]))

const char *facts_nss_call_db(const char *call)
{
	for (size_t i = 0; i < NCALLS; i++)
		if (strcmp(call, nss_calls[i].name) == 0)
			return nss_calls[i].db;
	return NULL;
}

struct nscan {
	struct elfview *ev;
	bool dynamic;          /* walking .dynsym */
	bool from_pclntab;
	size_t ngo;            /* os/user. and net. names seen */
	/* Go markers: the first few names of each */
	const char *pure_user[MAX_EVIDENCE], *cgo_user[MAX_EVIDENCE];
	const char *go_res[MAX_EVIDENCE], *cgo_res[MAX_EVIDENCE];
	size_t npure_user, ncgo_user, ngo_res, ncgo_res;
	bool passwd, group;    /* os/user functions for users / groups */
	bool static_defs;      /* defined NSS functions (static glibc) */
	bool files_builtin;
};

static void mark(struct nscan *s, const char **v, size_t *n, const char *name)
{
	if (*n < MAX_EVIDENCE)
		v[(*n)++] = arena_strdup(s->ev->a->arena, name);
	else
		(*n)++;
}

static void go_name(struct nscan *s, const char *n)
{
	if (PFX(n, "os/user.")) {
		const char *r = n + 8;
		s->ngo++;
		bool user = PFX(r, "findUser") || strstr(r, "matchUserIndexValue") || PFX(r, "lookupUser") ||
			    PFX(r, "_Cfunc_mygetpw") || PFX(r, "_C_getpw");
		bool group = PFX(r, "findGroup") || strstr(r, "matchGroupIndexValue") || PFX(r, "lookupGroup") ||
			     PFX(r, "listGroups") || PFX(r, "_Cfunc_mygetgr") || PFX(r, "_C_getgr");
		s->passwd |= user;
		s->group |= group;
		if (PFX(r, "readColonFile") || PFX(r, "findUser") || PFX(r, "findGroup") || PFX(r, "listGroupsFromReader") ||
		    strstr(r, "matchUserIndexValue") || strstr(r, "matchGroupIndexValue"))
			mark(s, s->pure_user, &s->npure_user, n);
		else if (PFX(r, "_Cfunc_mygetpw") || PFX(r, "_Cfunc_mygetgr") || PFX(r, "_C_getpw") || PFX(r, "_C_getgr") ||
			 PFX(r, "lookupUnixUid") || PFX(r, "lookupUnixGid"))
			mark(s, s->cgo_user, &s->ncgo_user, n);
	} else if (PFX(n, "net.")) {
		s->ngo++;
		if (PFX(n, "net.(*Resolver).goLookup"))
			mark(s, s->go_res, &s->ngo_res, n);
		else if ((PFX(n, "net._C") && strstr(n, "getaddrinfo")) || PFX(n, "net.cgoLookupHostIP") ||
			 PFX(n, "net.cgoLookupIPCNAME") || PFX(n, "net.cgoIPLookup"))
			mark(s, s->cgo_res, &s->ncgo_res, n);
	}
}

static void c_call(struct nscan *s, const char *name, bool defined)
{
	struct goabi_artifact *a = s->ev->a;
	if (name[0] == '_' && (strcmp(name, "_nss_files_getpwnam_r") == 0 || strcmp(name, "__nss_files_fopen") == 0))
		s->files_builtin = defined;
	/* every NSS call is get...( or initgroups: one test before the table */
	if (!PFX(name, "get") && !PFX(name, "initgroups"))
		return;
	/* musl has no NSS: its getpwnam, getaddrinfo... read /etc/passwd,
	 * /etc/hosts and DNS themselves (and ask nscd), never nsswitch.conf */
	bool musl = a->typed.libc == GOABI_LIBC_MUSL;
	for (size_t i = 0; i < NCALLS; i++)
		if (strcmp(name, nss_calls[i].name) == 0) {
			strv_push_unique(a->arena, &a->nss.calls, nss_calls[i].name);
			if (!musl)
				strv_push_unique(a->arena, &a->nss.databases, nss_calls[i].db);
			if (defined)
				s->static_defs = true;
			return;
		}
}

static bool sym_cb(void *ctx, const char *name, const GElf_Sym *sym, size_t ndx)
{
	(void)ndx;
	struct nscan *s = ctx;
	bool defined = sym->st_shndx != SHN_UNDEF;
	if (s->dynamic) {
		if (!defined)
			c_call(s, name, false);
		return true;
	}
	if (name[0] == 'o' || name[0] == 'n')
		go_name(s, name);
	else if (defined && s->ev->a->libc.linkage.value && PFX(s->ev->a->libc.linkage.value, "static"))
		c_call(s, name, true);
	return true;
}

static bool pcln_cb(void *ctx, const char *name, size_t len)
{
	/* name[len] is the table's own NUL (go_pclntab_names) */
	if (len >= 512 || (name[0] != 'o' && name[0] != 'n'))
		return true;
	go_name(ctx, name);
	return true;
}

/* Is TAG among the comma-separated -tags? */
static bool has_tag(const char *tags, const char *tag)
{
	size_t n = strlen(tag);
	for (const char *p = tags; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncmp(p, tag, n) == 0)
			return true;
		p = e ? e + 1 : NULL;
	}
	return false;
}

static const char *names(struct goabi_arena *ar, const char **v, size_t n)
{
	size_t shown = n < MAX_EVIDENCE ? n : MAX_EVIDENCE;
	return arena_printf(ar, "%s%s%s%s%s%s", v[0], shown > 1 ? ", " : "", shown > 1 ? v[1] : "", shown > 2 ? ", " : "",
			    shown > 2 ? v[2] : "", n > shown ? ", ..." : "");
}

/* "; build setting CGO_ENABLED=0" or "; build setting -tags=osusergo" */
static const char *why_setting(struct goabi_arena *ar, const struct goabi_artifact *a, const char *tag)
{
	const char *tags = goabi_go_setting(&a->go, "-tags");
	if (has_tag(tags, tag))
		return arena_printf(ar, "; build setting -tags=%s", tags);
	if (a->typed.cgo_setting == GOABI_CGO_OFF)
		return "; build setting CGO_ENABLED=0";
	return "";
}

static void go_facts(struct nscan *s)
{
	struct goabi_artifact *a = s->ev->a;
	struct goabi_nss *nss = &a->nss;
	struct goabi_arena *ar = a->arena;
	const char *src = s->from_pclntab ? "pclntab functions" : "functions";
	if (s->npure_user) {
		fact_set(a, &nss->go_user, GOABI_KNOWN, "pure",
			 "%s %s: os/user reads /etc/passwd and /etc/group itself (lookup_unix.go)%s", src,
			 names(ar, s->pure_user, s->npure_user), why_setting(ar, a, "osusergo"));
		bool both = !s->passwd && !s->group;
		if (s->passwd || both)
			strv_push_unique(ar, &nss->go_databases, "passwd");
		if (s->group || both)
			strv_push_unique(ar, &nss->go_databases, "group");
	} else if (s->ncgo_user) {
		fact_set(a, &nss->go_user, GOABI_KNOWN, "cgo", "%s %s: os/user calls the C library (cgo_lookup_unix.go)", src,
			 names(ar, s->cgo_user, s->ncgo_user));
	}
	if (s->ngo_res && !s->ncgo_res) {
		fact_set(a, &nss->go_resolver, GOABI_KNOWN, "pure",
			 "%s %s and no getaddrinfo wrapper: only Go's resolver (files and DNS)%s", src,
			 names(ar, s->go_res, s->ngo_res), why_setting(ar, a, "netgo"));
		strv_push_unique(ar, &nss->go_databases, "hosts");
	} else if (s->ncgo_res) {
		fact_set(a, &nss->go_resolver, GOABI_KNOWN, "cgo",
			 "%s %s: getaddrinfo for the nsswitch.conf sources Go's resolver does not implement (conf.go)", src,
			 names(ar, s->cgo_res, s->ncgo_res));
	}
}

void facts_nss(struct elfview *ev)
{
	struct goabi_artifact *a = ev->a;
	if (ev->eh.e_type != ET_EXEC && ev->eh.e_type != ET_DYN)
		return;
	/* goabi image judges programs only: its loader-only reading skips the
	 * symbol walk of shared libraries (most of an image's ELF files) */
	if (ev->opts && ev->opts->loader_only && ev->eh.e_type == ET_DYN && !a->libc.interp &&
	    a->typed.linkage != GOABI_LINK_STATIC_PIE)
		return;
	struct nscan s = { .ev = ev };
	bool is_gc = a->typed.toolchain == GOABI_TC_GC;
	/* musl has no NSS modules (it reads the files and asks nscd) */
	bool is_static = (a->typed.linkage == GOABI_LINK_STATIC || a->typed.linkage == GOABI_LINK_STATIC_PIE) &&
			 a->typed.libc != GOABI_LIBC_MUSL;
	s.dynamic = true;
	ev_for_each_symbol(ev, true, sym_cb, &s);
	s.dynamic = false;
	size_t nsym = 0;
	bool linked_static = a->libc.linkage.value && PFX(a->libc.linkage.value, "static");
	/* only the names sym_cb acts on are read, by their first two bytes:
	 * os/user., net. (go_name); in static programs also the C library's
	 * own definitions _nss_files_getpwnam_r, __nss_files_fopen, get...,
	 * initgroups (c_call) */
	static const char *const keys[] = { "os", "ne", "_n", "__", "ge", "in" };
	if (is_static || (is_gc && linked_static))
		nsym = ev_for_each_symbol_keys(ev, false, keys, sizeof(keys) / sizeof(keys[0]), sym_cb, &s);
	else if (is_gc)
		nsym = ev_for_each_symbol_keys(ev, false, keys, 2, sym_cb, &s);
	if (is_gc && !s.ngo) {
		/* stripped: the pclntab function-name table (also names inlined functions) */
		struct pclntab pt;
		if (go_pclntab_find(ev, NULL, &pt)) {
			s.from_pclntab = true;
			go_pclntab_names(ev, &pt, pcln_cb, &s);
		}
	}
	if (is_gc)
		go_facts(&s);
	if (is_static && s.static_defs) {
		a->nss.static_glibc = true;
		a->nss.builtin_files_dns = s.files_builtin;
	} else if (is_static && !nsym && ev->sections_ok && !is_gc) {
		/* stripped static program: glibc's module-name format in .rodata
		 * (nss/nss_module.c); which databases it uses cannot be told */
		GElf_Shdr sh;
		const uint8_t *p;
		size_t n;
		static const char fmt[] = "libnss_%s.so%s";
		if (ev_section(ev, ".rodata", &sh) && ev_section_bytes(ev, &sh, &p, &n) && memmem(p, n, fmt, sizeof(fmt) - 1)) {
			a->nss.static_glibc = true;
			strv_push_unique(a->arena, &a->nss.calls, "(stripped: \"libnss_%s.so%s\" in .rodata)");
			static const char *const dbs[] = { "passwd", "group", "shadow", "hosts" };
			for (size_t i = 0; i < 4; i++)
				strv_push_unique(a->arena, &a->nss.databases, dbs[i]);
		}
	}
}
