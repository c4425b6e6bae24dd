/* Private to src/check/nss.c, image.c and src/cli/image.c: the image's
 * /etc/nsswitch.conf and who answers a program's user, group and host
 * lookups (docs/image.md, "Name-service lookups"). */
#ifndef GOABI_CHECK_NSS_H
#define GOABI_CHECK_NSS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/util.h"

/* The databases goabi follows (bit per database). */
enum { NSSDB_PASSWD, NSSDB_GROUP, NSSDB_SHADOW, NSSDB_HOSTS, NSSDB_COUNT };
const char *nss_db_name(int db);
/* "passwd" -> NSSDB_PASSWD; -1 for any other name */
int nss_db_index(const char *name);

struct nss_line {
	const char **sources;   /* module names in order ("files", "extrausers") */
	size_t nsources;
	size_t nreach;          /* sources asked for an entry the earlier ones do not
				 * know: up to the first with [NOTFOUND=return]; the
				 * rest only when an earlier one is unavailable */
	unsigned line;          /* line number in nsswitch.conf; 0: a default */
	const char *text;       /* the services as written, or the default */
	const char *how;        /* "nsswitch.conf line 9", "glibc's default (no nsswitch.conf)" ... */
};

struct nss_conf {
	bool present;           /* /etc/nsswitch.conf exists in the image */
	struct nss_line db[NSSDB_COUNT];
	const char *error;      /* a line glibc rejects: then every lookup fails */
	unsigned error_line;
};

/* Parse TEXT (n bytes; NULL when the file is absent) as glibc 2.33+ does
 * (nss/nss_database.c process_line, nss/nss_action_parse.c): no comment
 * syntax (a '#' word is a module name; a line whose first word is not a
 * database name is skipped), database names case-sensitive, the last line
 * of a database wins, "shadow" defaults to "passwd"'s line, anything unset
 * to glibc's built-in default. glibc_minor picks the hosts default (2.35
 * changed it from "dns [!UNAVAIL=return] files" to "files dns"); 0 when
 * unknown. */
void nss_conf_parse(struct nss_conf *nc, const char *text, size_t n, int glibc_minor, struct goabi_arena *ar);

#endif
