/* goabi audit: a release policy (JSON file or flags) and its evaluation
 * over inspected artifacts (docs/audit.md). Reads only the model. */
#ifndef GOABI_CHECK_POLICY_H
#define GOABI_CHECK_POLICY_H

#include "goabi/goabi.h"

/* Rule identifiers: the policy file keys, the flag names and the SARIF rule ids. */
enum policy_rule {
	RULE_MAX_GLIBC,
	RULE_LIBC,
	RULE_REQUIRE_STATIC,
	RULE_CGO,
	RULE_MIN_GO,
	RULE_MAX_ISA,
	RULE_REQUIRE_TRIMPATH,
	RULE_FORBID_VCS_MODIFIED,
	RULE_FORBID_MODULE,
	RULE_BUILDMODE,
	RULE_FORBID_PURE_GO_NSS,
	RULE_MAX_MACOS,          /* Mach-O: os.floor "macos X.Y" at most this (docs/macho-pe.md) */
	RULE_MAX_WINDOWS,        /* PE: os.floor "windows N" at most this */
	RULE_REQUIRE_SIGNATURE,  /* Mach-O LC_CODE_SIGNATURE / PE certificate table present */
	RULE_FORBID_DLL,         /* PE imported DLLs, case-insensitive */
	RULE_MAX_LINUX,          /* ELF (Linux): os.floor "linux X.Y[.Z]", the kernel, at most this */
	RULE_COUNT
};

#define POLICY_MAX_ITEMS 256u  /* entries of one list rule */

struct policy {
	bool set[RULE_COUNT];           /* which rules are in force */
	char *max_glibc;                /* "2.28" (a "GLIBC_" prefix is accepted) */
	char *libc[4];                  /* allowed families: glibc, musl, none */
	enum goabi_libc_family libc_t[4]; /* the same, typed */
	size_t nlibc;
	bool cgo_on;                    /* cgo: on (true) or off */
	char *min_go[POLICY_MAX_ITEMS]; /* oldest accepted release per Go minor: "go1.22.7" */
	size_t nmin_go;
	int max_isa;                    /* x86-64-vN: N */
	char *forbid[POLICY_MAX_ITEMS]; /* "module", "module@v1.2.3", "module@<v1.2.3", "module@>=v1,<v2" */
	size_t nforbid;
	char *buildmode[16];            /* allowed build modes */
	enum goabi_buildmode buildmode_t[16]; /* the same, typed */
	size_t nbuildmode;
	char *max_macos;                /* "11.0" */
	char *max_linux;                /* "3.2", "2.6.32" */
	char *max_windows;              /* "10", "8.1", "7", "nt6.1" (as os.floor names them) */
	char *forbid_dll[POLICY_MAX_ITEMS]; /* "winmm.dll" */
	size_t nforbid_dll;
};

struct policy_finding {
	enum policy_rule rule;
	bool broken;          /* false: the rule could not be verified (reported as a note) */
	char *where;          /* file path, with "(member)" when about a member */
	char *message;
	char *key;            /* what tells two findings of one rule and file apart
			       * (forbid-module: the entry and module; max-isa:
			       * declared/required), NULL otherwise; SARIF
			       * fingerprints include it */
};

struct policy_result {
	struct policy_finding *v;
	size_t n, cap;
	size_t nbroken, nunverified, nchecked;
};

void policy_init(struct policy *p);
void policy_release(struct policy *p);
/* Parse a policy JSON file into p (rules given there are set). Returns 0,
 * or -1 with a message in err. */
int policy_load(struct policy *p, const char *path, char *err, size_t errlen);
/* Set one rule from a flag value (the same syntax as the file's strings;
 * lists comma-separated). Returns 0, or -1 with a message in err. */
int policy_set(struct policy *p, enum policy_rule r, const char *value, char *err, size_t errlen);

/* Evaluate every rule in force on one artifact; appends findings. */
void policy_check(const struct policy *p, const struct goabi_artifact *a, struct policy_result *res);
void policy_result_release(struct policy_result *res);

const char *policy_rule_id(enum policy_rule r);        /* "max-glibc" ... */
const char *policy_rule_name(enum policy_rule r);      /* "MaxGlibc" ... */
const char *policy_rule_summary(enum policy_rule r);   /* one sentence */
/* The rule's setting as text, for reports ("2.28", "glibc", "go1.22.7,go1.23.1"). */
char *policy_rule_value(const struct policy *p, enum policy_rule r);

/* The audit as a struct goabi_result: src/check/audit.c, the public
 * goabi_policy_* / goabi_audit_* calls of include/goabi/checks.h. */

#endif
