/* /etc/nsswitch.conf as glibc reads it, and the image check of a program's
 * name-service lookups: Go's own user/group reader and resolver cannot use
 * NSS modules; C library lookups need every module named to be installed.
 * Verified against glibc 2.36 (Debian bookworm) in tests/cli/t-image-nss.sh. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "check/image_check_int.h"
#include "check/nss.h"
#include "facts/facts.h"

#define MAX_CONF_BYTES (1u << 20)
#define MAX_SOURCES 32u

static const char *const db_names[NSSDB_COUNT] = { "passwd", "group", "shadow", "hosts" };

const char *nss_db_name(int db)
{
	return db >= 0 && db < NSSDB_COUNT ? db_names[db] : "?";
}

int nss_db_index(const char *name)
{
	for (int i = 0; i < NSSDB_COUNT; i++)
		if (strcmp(name, db_names[i]) == 0)
			return i;
	return -1;
}

/* glibc's databases (nss/databases.def): their lines are parsed, any
 * other line (sudoers, automount...) is skipped unread */
static bool glibc_db(const char *name)
{
	static const char *const dbs[] = { "aliases", "ethers", "group", "group_compat", "gshadow", "hosts",
					   "initgroups", "netgroup", "networks", "passwd", "passwd_compat", "protocols",
					   "publickey", "rpc", "services", "shadow", "shadow_compat" };
	for (size_t i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++)
		if (strcmp(name, dbs[i]) == 0)
			return true;
	return false;
}

static bool sp(char c)
{
	return isspace((unsigned char)c) != 0;
}

/* One status=action pair list "[...]" of nss_action_parse.c. Returns the
 * position after ']' or NULL when glibc rejects it; *nf_return says
 * whether the action for NOTFOUND ends up "return" ("!STATUS=ACTION" sets
 * every status but STATUS). */
static const char *criteria(const char *p, const char *end, bool *nf_return)
{
	p++; /* '[' */
	for (;;) {
		while (p < end && sp(*p))
			p++;
		bool not = p < end && *p == '!';
		if (not)
			p++;
		const char *s = p;
		while (p < end && !sp(*p) && *p != '=' && *p != ']')
			p++;
		size_t l = (size_t)(p - s);
		bool is_nf = l == 8 && strncasecmp(s, "NOTFOUND", 8) == 0;
		if (!((l == 7 && (strncasecmp(s, "SUCCESS", 7) == 0 || strncasecmp(s, "UNAVAIL", 7) == 0)) ||
		      (l == 8 && (strncasecmp(s, "NOTFOUND", 8) == 0 || strncasecmp(s, "TRYAGAIN", 8) == 0))))
			return NULL;
		while (p < end && sp(*p))
			p++;
		if (p >= end || *p != '=')
			return NULL;
		p++;
		while (p < end && sp(*p))
			p++;
		s = p;
		while (p < end && !sp(*p) && *p != '=' && *p != ']')
			p++;
		l = (size_t)(p - s);
		if (!((l == 6 && strncasecmp(s, "RETURN", 6) == 0) || (l == 8 && strncasecmp(s, "CONTINUE", 8) == 0) ||
		      (l == 5 && strncasecmp(s, "MERGE", 5) == 0)))
			return NULL;
		if (not != is_nf)
			*nf_return = l == 6;
		while (p < end && sp(*p))
			p++;
		if (p >= end)
			return NULL;
		if (*p == ']')
			return p + 1;
	}
}

/* Sources of one services string; false when glibc rejects it. */
static bool parse_services(struct nss_line *l, const char *p, const char *end, struct goabi_arena *ar)
{
	const char *srcs[MAX_SOURCES];
	size_t n = 0;
	for (;;) {
		while (p < end && sp(*p))
			p++;
		if (p >= end)
			break;
		const char *s = p;
		while (p < end && !sp(*p) && *p != '[')
			p++;
		if (p == s) /* "[" where a name should be: glibc stops reading here */
			break;
		if (n < MAX_SOURCES)
			srcs[n++] = arena_strndup(ar, s, (size_t)(p - s));
		while (p < end && sp(*p))
			p++;
		bool nf_return = false;
		if (p < end && *p == '[' && !(p = criteria(p, end, &nf_return)))
			return false;
		if (nf_return && !l->nreach)
			l->nreach = n;
	}
	if (!l->nreach)
		l->nreach = n;
	l->sources = arena_alloc(ar, (n ? n : 1) * sizeof(*l->sources));
	if (!l->sources)
		return false;
	memcpy(l->sources, srcs, n * sizeof(*srcs));
	l->nsources = n;
	return true;
}

static void set_default(struct nss_line *l, const char *services, const char *how, struct goabi_arena *ar)
{
	parse_services(l, services, services + strlen(services), ar);
	l->line = 0;
	l->text = services;
	l->how = how;
}

void nss_conf_parse(struct nss_conf *nc, const char *text, size_t n, int glibc_minor, struct goabi_arena *ar)
{
	memset(nc, 0, sizeof(*nc));
	nc->present = text != NULL;
	if (n > MAX_CONF_BYTES)
		n = MAX_CONF_BYTES;
	unsigned lineno = 0;
	for (size_t i = 0; text && i < n && !nc->error;) {
		size_t e = i;
		while (e < n && text[e] != '\n')
			e++;
		lineno++;
		const char *p = text + i, *end = text + e;
		i = e + 1;
		while (p < end && sp(*p))
			p++;
		const char *name = p;
		while (p < end && !sp(*p) && *p != ':')
			p++;
		if (p >= end || p == name)
			continue; /* no ':' and services: glibc skips the line */
		size_t nl = (size_t)(p - name);
		while (p < end && (sp(*p) || *p == ':'))
			p++;
		char dbname[16];
		if (nl >= sizeof(dbname))
			continue;
		memcpy(dbname, name, nl);
		dbname[nl] = 0;
		if (!glibc_db(dbname))
			continue;
		int db = nss_db_index(dbname);
		struct nss_line tmp = { 0 };
		/* an invalid line of any glibc database makes glibc reject
		 * the whole file */
		if (!parse_services(&tmp, p, end, ar)) {
			nc->error = arena_printf(ar, "%s: %.*s", dbname, (int)(end - p), p);
			nc->error_line = lineno;
			break;
		}
		if (db < 0)
			continue;
		tmp.line = lineno;
		tmp.text = arena_strndup(ar, p, (size_t)(end - p));
		tmp.how = arena_printf(ar, "nsswitch.conf line %u", lineno);
		nc->db[db] = tmp;
	}
	/* glibc nss_database_reload: shadow defaults to passwd's line; then
	 * nss_database_select_default (built without LINK_OBSOLETE_NSL, as
	 * Debian's and upstream's default: "files"; hosts "files dns" since
	 * 2.35, "dns [!UNAVAIL=return] files" in 2.33/2.34) */
	if (!nc->db[NSSDB_SHADOW].sources && nc->db[NSSDB_PASSWD].sources) {
		nc->db[NSSDB_SHADOW] = nc->db[NSSDB_PASSWD];
		nc->db[NSSDB_SHADOW].how = arena_printf(ar, "passwd's nsswitch.conf line %u", nc->db[NSSDB_PASSWD].line);
	}
	const char *how = nc->present ? "glibc's default (no line in nsswitch.conf)" : "glibc's default (no nsswitch.conf)";
	for (int d = 0; d < NSSDB_COUNT; d++)
		if (!nc->db[d].sources)
			set_default(&nc->db[d],
				    d == NSSDB_HOSTS ? (glibc_minor && glibc_minor < 35 ? "dns [!UNAVAIL=return] files" : "files dns")
						     : "files",
				    how, ar);
}

/* ---- the image check (called from image.c) ---- */

void imgc_nss_extract(struct imgchk_bin *b, const struct goabi_artifact *a, struct goabi_arena *ar)
{
	const struct goabi_nss *n = &a->nss;
	b->nss_go_user = n->go_user.value ? arena_strdup(ar, n->go_user.value) : NULL;
	b->nss_go_user_ev = n->go_user.evidence ? arena_strdup(ar, n->go_user.evidence) : NULL;
	b->nss_go_res = n->go_resolver.value ? arena_strdup(ar, n->go_resolver.value) : NULL;
	b->nss_go_res_ev = n->go_resolver.evidence ? arena_strdup(ar, n->go_resolver.evidence) : NULL;
	for (size_t i = 0; i < n->go_databases.n; i++) {
		int d = nss_db_index(n->go_databases.v[i]);
		if (d >= 0)
			b->nss_go_dbs |= 1u << d;
	}
	for (size_t i = 0; i < n->databases.n; i++) {
		int d = nss_db_index(n->databases.v[i]);
		if (d >= 0)
			b->nss_c_dbs |= 1u << d;
	}
	for (int d = 0; d < NSSDB_COUNT; d++) {
		char buf[512];
		size_t used = 0;
		buf[0] = 0;
		for (size_t i = 0; i < n->calls.n && used < sizeof(buf) - 64; i++) {
			const char *db = facts_nss_call_db(n->calls.v[i]);
			/* a stripped static program: which calls is unknown */
			if (!db || strcmp(db, nss_db_name(d)) == 0)
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s", used ? ", " : "", n->calls.v[i]);
		}
		b->nss_calls[d] = used ? arena_strdup(ar, buf) : NULL;
	}
	b->nss_static = n->static_glibc;
	b->nss_builtin = n->builtin_files_dns;
}

void imgc_nss_load(struct imgchk *c)
{
	struct nss_conf *nc = arena_alloc(c->ar, sizeof(*nc));
	if (!nc)
		return;
	int minor = 0;
	for (size_t i = 0; i < c->nlibcs; i++)
		if (strcmp(c->libcs[i].family, "glibc") == 0 && c->libcs[i].version && strncmp(c->libcs[i].version, "2.", 2) == 0) {
			minor = atoi(c->libcs[i].version + 2);
			break;
		}
	c->glibc_minor = minor;
	struct img_node *n = img_lookup(c->fs, "/etc/nsswitch.conf", true, NULL);
	bool present = n && n->type == IMG_REG;
	const uint8_t *p = NULL;
	size_t len = 0;
	bool mapped = present && img_map(c->fs, n, &p, &len);
	/* an empty (or unreadable) file is still a file: glibc's defaults apply */
	nss_conf_parse(nc, present ? (mapped ? (const char *)p : "") : NULL, mapped ? len : 0, minor, c->ar);
	if (mapped)
		img_unmap(n, p, len);
	c->nss = nc;
}

/* "os/user.readColonFile; build setting CGO_ENABLED=0" from the fact's
 * evidence "functions A, B, ...: what; build setting X" */
static const char *short_evidence(struct imgchk *c, const char *ev)
{
	if (!ev)
		return "";
	const char *f = strstr(ev, "functions ");
	const char *name = f ? f + 10 : ev;
	size_t nl = strcspn(name, ",: ");
	const char *set = strstr(ev, "; build setting ");
	return arena_printf(c->ar, "%.*s%s%s", (int)nl, name, set ? "; " : "", set ? set + 2 : "");
}

/* sources of db that Go's own code does not implement, as "'a', 'b'" */
static const char *foreign_sources(struct imgchk *c, const struct nss_line *l, bool hosts, size_t *count)
{
	char buf[512];
	size_t used = 0;
	*count = 0;
	buf[0] = 0;
	for (size_t i = 0; i < l->nreach; i++) {
		const char *s = l->sources[i];
		/* Go implements files (and for hosts DNS); compat reads the same
		 * /etc/passwd and /etc/group (its NIS +/- entries aside); a word
		 * starting with '#' is a comment to Go and names no module */
		if (strcmp(s, "files") == 0 || (hosts && strcmp(s, "dns") == 0) || (!hosts && strcmp(s, "compat") == 0) ||
		    s[0] == '#')
			continue;
		if (used < sizeof(buf) - 64)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s'%s'", *count ? ", " : "", s);
		(*count)++;
	}
	return arena_strdup(c->ar, buf);
}

static bool module_present(struct imgchk *c, const struct imgchk_bin *b, const char *module)
{
	for (size_t i = 0; i < c->glibc_dirs.n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/libnss_%s.so.2", c->glibc_dirs.v[i], module);
		struct img_node *n = img_lookup(c->fs, path, true, NULL);
		if (n && n->type == IMG_REG && n->bin >= 0 && c->bins[n->bin].ok && c->bins[n->bin].machine == b->machine &&
		    c->bins[n->bin].elfclass == b->elfclass)
			return true;
	}
	return false;
}

static const char *all_calls(struct imgchk *c, const struct imgchk_bin *b)
{
	const char *r = NULL;
	for (int d = 0; d < NSSDB_COUNT; d++)
		if (b->nss_calls[d])
			r = r ? arena_printf(c->ar, "%s, %s", r, b->nss_calls[d]) : b->nss_calls[d];
	return r ? r : "?";
}

void imgc_nss_check(struct imgchk *c, struct imgchk_bin *b)
{
	const struct nss_conf *nc = c->nss;
	if (!nc || !(b->nss_go_dbs || b->nss_c_dbs))
		return;
	bool program = b->executable || b->link == GOABI_LINK_STATIC_PIE;
	if (!program)
		return;
	/* Go's own readers: every source besides files (and dns) is bypassed */
	for (int d = 0; d < NSSDB_COUNT; d++) {
		if (!(b->nss_go_dbs & (1u << d)))
			continue;
		const struct nss_line *l = &nc->db[d];
		size_t nf;
		bool hosts = d == NSSDB_HOSTS;
		const char *f = foreign_sources(c, l, hosts, &nf);
		if (!nf)
			continue;
		if (hosts)
			imgc_problem(c, b, false, "image/nss-go-resolver",
				     arena_printf(c->ar, "hosts: NSS source%s %s (%s) not used by Go's resolver, which reads /etc/hosts and asks DNS itself (%s): names only %s resolve%s are not found",
						  nf > 1 ? "s" : "", f, l->how, short_evidence(c, b->nss_go_res_ev),
						  nf > 1 ? "they" : "it", nf > 1 ? "" : "s"));
		else
			imgc_problem(c, b, false, "image/nss-go-user",
				     arena_printf(c->ar, "%s: NSS source%s %s (%s) not used by Go's os/user, which reads /etc/%s itself (%s): %s only %s know%s are not found",
						  nss_db_name(d), nf > 1 ? "s" : "", f, l->how, nss_db_name(d),
						  short_evidence(c, b->nss_go_user_ev), d == NSSDB_PASSWD ? "users" : "groups",
						  nf > 1 ? "they" : "it", nf > 1 ? "" : "s"));
	}
	if (!b->nss_c_dbs)
		return;
	/* the C library's NSS: glibc rejects a file with an invalid line */
	if (nc->error) {
		imgc_problem(c, b, false, "image/nss-invalid-conf",
			     arena_printf(c->ar, "nsswitch.conf line %u is invalid for glibc (%s): glibc rejects the file and every NSS lookup (%s) fails",
					  nc->error_line, nc->error, all_calls(c, b)));
		return;
	}
	bool musl = b->fam == GOABI_LIBC_MUSL;
	if (musl)
		return; /* musl has no NSS modules */
	/* files and dns are inside libc since glibc 2.34 (a static program's
	 * own copy: nss_files symbols) */
	bool builtin = b->nss_static ? b->nss_builtin : c->glibc_minor >= 34;
	for (int d = 0; d < NSSDB_COUNT; d++) {
		if (!(b->nss_c_dbs & (1u << d)))
			continue;
		const struct nss_line *l = &nc->db[d];
		for (size_t i = 0; i < l->nreach; i++) {
			const char *s = l->sources[i];
			if (s[0] == '#' || (builtin && (strcmp(s, "files") == 0 || strcmp(s, "dns") == 0)))
				continue;
			if (!module_present(c, b, s)) {
				imgc_problem(c, b, false, "image/nss-missing-module",
					     arena_printf(c->ar, "%s: NSS module libnss_%s.so.2 (%s) not found on the library path: %s skip%s the source, entries only it knows are not found",
							  nss_db_name(d), s, l->how, b->nss_calls[d] ? b->nss_calls[d] : "lookups",
							  b->nss_calls[d] && strchr(b->nss_calls[d], ',') ? "" : "s"));
			} else if (b->nss_static && builtin && c->glibc_minor && c->glibc_minor < 34) {
				imgc_problem(c, b, false, "image/nss-static-glibc-mismatch",
					     arena_printf(c->ar, "%s: statically linked glibc (2.34 or later: files and dns built in) loads libnss_%s.so.2 with the image's glibc 2.%d: NSS modules must come from the glibc the program was linked with",
							  nss_db_name(d), s, c->glibc_minor));
			} else if (b->nss_static && !c->glibc_minor) {
				imgc_problem(c, b, false, "image/nss-static-no-glibc",
					     arena_printf(c->ar, "%s: statically linked glibc loads libnss_%s.so.2, which needs the image's libc.so.6 of the same glibc; the image has no glibc libc.so.6",
							  nss_db_name(d), s));
			}
		}
	}
}
