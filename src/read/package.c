/* Release packages as inputs: .deb (an ar archive whose data.tar.{gz,xz,zst,bz2}
 * member holds the files), .rpm (a cpio payload under any compression
 * libarchive reads) and Alpine .apk (concatenated gzip'd tar streams), read
 * with libarchive (loaded on first use); every regular file that starts like
 * an ELF object or an ar archive is handed to a callback with its path in the
 * package and its bytes. Bounded: an entry larger than PKG_MAX_ENTRY or a
 * package past PKG_MAX_TOTAL bytes of such files is skipped with a note. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "read/package.h"
#include "util/lazylib.h"

#define PKG_MAX_ENTRY ((int64_t)2 << 30) /* 2 GiB */
#define PKG_MAX_TOTAL ((int64_t)16 << 30)

enum pkg_kind pkg_detect(const uint8_t *p, size_t len, const char *name)
{
	if (len >= 8 + 60 + 13 && memcmp(p, "!<arch>\n", 8) == 0 && memcmp(p + 8, "debian-binary", 13) == 0)
		return PKG_DEB;
	if (len >= 4 && p[0] == 0xed && p[1] == 0xab && p[2] == 0xee && p[3] == 0xdb)
		return PKG_RPM;
	size_t n = name ? strlen(name) : 0;
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b && n > 4 && strcmp(name + n - 4, ".apk") == 0)
		return PKG_APK;
	return PKG_NONE;
}

enum pkg_kind pkg_sniff(const char *path)
{
	/* never block on a FIFO or a device: open without waiting and sniff
	 * regular files only (the caller reports what the path is) */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return PKG_NONE;
	struct stat st;
	uint8_t b[96];
	ssize_t n = -1;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = read(fd, b, sizeof(b));
	close(fd);
	return n > 0 ? pkg_detect(b, (size_t)n, path) : PKG_NONE;
}

const char *pkg_kind_name(enum pkg_kind k)
{
	static const char *const names[] = { "none", "deb", "rpm", "apk" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* a nested archive (the .deb's data.tar.*) read straight from the outer one */
struct nested {
	struct archive *outer;
};

static la_ssize_t nested_read(struct archive *a, void *ctx, const void **buf)
{
	(void)a;
	struct nested *n = ctx;
	const void *b;
	size_t sz;
	la_int64_t off;
	int r = archive_read_data_block(n->outer, &b, &sz, &off);
	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK)
		return -1;
	*buf = b;
	return (la_ssize_t)sz;
}

/* ---- the package's own metadata ---- */

static bool binary_magic(const uint8_t *h)
{
	static const uint8_t mo[][4] = { { 0xfe, 0xed, 0xfa, 0xce }, { 0xfe, 0xed, 0xfa, 0xcf },
					  { 0xce, 0xfa, 0xed, 0xfe }, { 0xcf, 0xfa, 0xed, 0xfe } };
	if (memcmp(h, "\x7f" "ELF", 4) == 0 || memcmp(h, "!<arch>\n", 8) == 0 || memcmp(h, "!<thin>\n", 8) == 0)
		return true;
	for (size_t i = 0; i < 4; i++)
		if (memcmp(h, mo[i], 4) == 0)
			return true;
	/* universal Mach-O: 0xcafebabe and a small slice count (not a Java class) */
	if (h[0] == 0xca && h[1] == 0xfe && h[2] == 0xba && (h[3] == 0xbe || h[3] == 0xbf) && !h[4] && !h[5] && !h[6] &&
	    h[7] && h[7] < 45)
		return true;
	return h[0] == 'M' && h[1] == 'Z'; /* PE: confirmed by is_pe once read */
}

static bool is_pe(const uint8_t *b, size_t n)
{
	if (n < 64)
		return false;
	uint32_t off = (uint32_t)b[60] | (uint32_t)b[61] << 8 | (uint32_t)b[62] << 16 | (uint32_t)b[63] << 24;
	return off <= n - 4 && memcmp(b + off, "PE\0\0", 4) == 0;
}

static void cat(char *dst, size_t cap, const char *sep, const char *s, size_t n)
{
	size_t l = strlen(dst);
	if (l && l + strlen(sep) < cap) {
		memcpy(dst + l, sep, strlen(sep) + 1);
		l += strlen(sep);
	}
	if (n > cap - 1 - l)
		n = cap - 1 - l;
	memcpy(dst + l, s, n);
	dst[l + n] = 0;
}

/* numeric comparison of dotted versions ("2.9" < "2.17") */
static int vcmp(const char *a, const char *b)
{
	while (*a || *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		else if (*a)
			break;
		if (*b == '.')
			b++;
		else if (*b)
			break;
	}
	return 0;
}

/* a declared glibc version (Debian "2.34-1", rpm "2.34", epochs dropped) */
static void glibc_at_least(struct pkg_meta *m, const char *v, size_t n)
{
	char buf[32];
	size_t k = 0;
	const char *colon = memchr(v, ':', n);
	if (colon) {
		n -= (size_t)(colon + 1 - v);
		v = colon + 1;
	}
	while (k < n && k + 1 < sizeof(buf) && ((v[k] >= '0' && v[k] <= '9') || v[k] == '.'))
		buf[k] = v[k], k++;
	buf[k] = 0;
	while (k && buf[k - 1] == '.')
		buf[--k] = 0;
	if (k && (!m->glibc_min[0] || vcmp(buf, m->glibc_min) > 0))
		snprintf(m->glibc_min, sizeof(m->glibc_min), "%s", buf);
}

static void set_family(struct pkg_meta *m, const char *f)
{
	if (!m->libc_family[0])
		snprintf(m->libc_family, sizeof(m->libc_family), "%s", f);
}

/* the field a libc declaration was read from, each once ("Depends, Pre-Depends") */
static void note_field(struct pkg_meta *m, const char *field)
{
	size_t fl = strlen(field);
	for (const char *p = m->libc_field; (p = strstr(p, field)) != NULL; p += fl)
		if ((p == m->libc_field || p[-1] == ' ') && (p[fl] == 0 || p[fl] == ','))
			return;
	cat(m->libc_field, sizeof(m->libc_field), ", ", field, fl);
}

/* one dependency name (and version) of field: does it name a libc? */
static void libc_dep(struct pkg_meta *m, const char *field, const char *name, size_t n, const char *ver, size_t vn,
		     const char *as_written, size_t wn)
{
#define IS(lit) (n == sizeof(lit) - 1 && memcmp(name, lit, n) == 0)
#define STARTS(lit) (n >= sizeof(lit) - 1 && memcmp(name, lit, sizeof(lit) - 1) == 0)
	if (IS("libc6") || IS("libc6.1") || IS("libc0.1") || IS("libc0.3") || IS("glibc") || STARTS("libc.so.6")) {
		set_family(m, "glibc");
		if (STARTS("libc.so.6(GLIBC_")) { /* rpm's automatic requirement: libc.so.6(GLIBC_2.34)(64bit) */
			const char *v = name + 16;
			glibc_at_least(m, v, n - 16);
		} else if (ver && vn) {
			glibc_at_least(m, ver, vn);
		}
		cat(m->libc_decl, sizeof(m->libc_decl), ", ", as_written, wn);
		note_field(m, field);
	} else if (IS("musl") || STARTS("so:libc.musl-") || STARTS("libc.musl-")) {
		set_family(m, "musl");
		cat(m->libc_decl, sizeof(m->libc_decl), ", ", as_written, wn);
		note_field(m, field);
	}
#undef IS
#undef STARTS
}

/* Debian: "libc6 (>= 2.34), libgcc-s1 | foo (>= 1)". A lower bound is
 * ">= X", ">> X" or "= X" (libc6-dev's "libc6 (= 2.36-9)": exactly that
 * release, which provides every GLIBC_ version up to 2.36); "<< X" and
 * "<= X" alone give none (deb-control(5), "Syntax of relationship fields"). */
static void deb_depends(struct pkg_meta *m, const char *field, const char *v, size_t n)
{
	const char *end = v + n;
	while (v < end) {
		const char *t = v;
		while (t < end && *t != ',' && *t != '|')
			t++;
		const char *a = v, *b = t;
		while (a < b && (*a == ' ' || *a == '\t' || *a == '\n'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\n'))
			b--;
		const char *ne = a;
		while (ne < b && *ne != ' ' && *ne != '(' && *ne != ':' && *ne != '[')
			ne++;
		const char *ver = NULL;
		size_t vn = 0;
		const char *ge = memchr(a, '(', (size_t)(b - a));
		if (ge && b - ge > 3 && ((ge[1] == '>' && (ge[2] == '=' || ge[2] == '>')) || ge[1] == '=')) {
			ver = ge + (ge[1] == '=' ? 2 : 3);
			while (ver < b && *ver == ' ')
				ver++;
			const char *ve = memchr(ver, ')', (size_t)(b - ver));
			vn = (size_t)((ve ? ve : b) - ver);
		}
		libc_dep(m, field, a, (size_t)(ne - a), ver, vn, a, (size_t)(b - a));
		v = t + 1;
	}
}

/* "Key: value" (deb control) or "key = value" (apk .PKGINFO) lines */
static void meta_lines(struct pkg_meta *m, const char *s, size_t n, bool apk)
{
	const char *end = s + n;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		/* a Debian field's continuation lines start with a space */
		while (!apk && nl && le + 1 < end && (le[1] == ' ' || le[1] == '\t')) {
			nl = memchr(le + 1, '\n', (size_t)(end - le - 1));
			le = nl ? nl : end;
		}
		const char *sep = memchr(s, apk ? '=' : ':', (size_t)(le - s));
		if (sep && s[0] != '#') {
			const char *k = s, *ke = sep, *v = sep + 1;
			while (ke > k && ke[-1] == ' ')
				ke--;
			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			size_t kn = (size_t)(ke - k), vn = (size_t)(le - v);
			int vl = (int)(vn < 255 ? vn : 255);
#define KEY(lit) (kn == sizeof(lit) - 1 && strncasecmp(k, lit, kn) == 0)
			if (KEY("Package") || KEY("pkgname"))
				snprintf(m->name, sizeof(m->name), "%.*s", vl, v);
			else if (KEY("Version") || KEY("pkgver"))
				snprintf(m->version, sizeof(m->version), "%.*s", vl, v);
			else if (KEY("Architecture") || KEY("arch"))
				snprintf(m->arch, sizeof(m->arch), "%.*s", (int)(vn < 63 ? vn : 63), v);
			else if (!apk && KEY("Depends"))
				deb_depends(m, "Depends", v, vn);
			else if (!apk && KEY("Pre-Depends"))
				deb_depends(m, "Pre-Depends", v, vn);
			else if (apk && KEY("depend")) {
				/* "so:libc.musl-x86_64.so.1", "musl>=1.2.4", "glibc" */
				const char *ne = v;
				while (ne < le && *ne != '<' && *ne != '>' && *ne != '=' && *ne != '~' && *ne != ' ')
					ne++;
				const char *ver = ne;
				while (ver < le && (*ver == '<' || *ver == '>' || *ver == '=' || *ver == '~'))
					ver++;
				libc_dep(m, "depend", v, (size_t)(ne - v), ver, (size_t)(le - ver), v, vn);
			}
#undef KEY
			m->read = true;
		}
		s = nl ? nl + 1 : end;
	}
}

#define META_MAX (1u << 20) /* a control file or .PKGINFO larger than this is not read */

static char *read_small(struct archive *a, int64_t size, size_t *len)
{
	if (size < 0 || size > META_MAX)
		return NULL;
	char *b = malloc((size_t)size + 1);
	if (!b)
		return NULL;
	size_t have = 0;
	while (have < (size_t)size) {
		la_ssize_t got = archive_read_data(a, b + have, (size_t)size - have);
		if (got <= 0)
			break;
		have += (size_t)got;
	}
	b[have] = 0;
	*len = have;
	return b;
}

static void apk_meta(struct archive *a, int64_t size, struct pkg_meta *m)
{
	size_t n;
	char *b = read_small(a, size, &n);
	if (b)
		meta_lines(m, b, n, true);
	free(b);
}

/* the control member of a .deb: its ./control file */
static void deb_control(struct archive *outer, struct pkg_meta *m)
{
	struct nested n = { outer };
	struct archive *in = archive_read_new();
	if (!in)
		return;
	archive_read_support_filter_all(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	if (archive_read_open(in, &n, NULL, nested_read, NULL) == ARCHIVE_OK) {
		struct archive_entry *e;
		while (archive_read_next_header(in, &e) == ARCHIVE_OK) {
			const char *p = archive_entry_pathname(e);
			if (!p || (strcmp(p, "./control") != 0 && strcmp(p, "control") != 0))
				continue;
			size_t len;
			char *b = read_small(in, archive_entry_size(e), &len);
			if (b)
				meta_lines(m, b, len, false);
			free(b);
			break;
		}
	}
	archive_read_free(in);
}

/* rpm: the lead (96 bytes), the signature header (padded to 8), the main
 * header; a header is magic 8e ad e8 01, 4 reserved bytes, the number of
 * index entries and the data size (big-endian), 16-byte entries (tag, type,
 * offset, count), then the data. Every count and offset bounded. */
#define RPM_MAX_INDEX 100000u
#define RPM_MAX_DATA (64u << 20)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int rpm_header(int fd, off_t off, uint8_t **idx, uint32_t *nidx, uint8_t **data, uint32_t *dsize, off_t *next,
		      char *err, size_t errlen, const char *which)
{
	uint8_t h[16];
	if (pread(fd, h, 16, off) != 16) {
		snprintf(err, errlen, "the %s header is cut short (at offset %lld)", which, (long long)off);
		return -1;
	}
	if (h[0] != 0x8e || h[1] != 0xad || h[2] != 0xe8 || h[3] != 0x01) {
		snprintf(err, errlen, "no %s header at offset %lld (bad magic)", which, (long long)off);
		return -1;
	}
	uint32_t n = be32(h + 8), ds = be32(h + 12);
	if (n > RPM_MAX_INDEX || ds > RPM_MAX_DATA) {
		snprintf(err, errlen, "the %s header claims %u entries and %u data bytes (limits %u, %u)", which, n, ds,
			 RPM_MAX_INDEX, RPM_MAX_DATA);
		return -1;
	}
	*idx = malloc((size_t)n * 16 + 1);
	*data = malloc((size_t)ds + 1);
	if (!*idx || !*data) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (pread(fd, *idx, (size_t)n * 16, off + 16) != (ssize_t)((size_t)n * 16) ||
	    pread(fd, *data, ds, off + 16 + (off_t)n * 16) != (ssize_t)ds) {
		snprintf(err, errlen, "the %s header is cut short: %u entries and %u data bytes claimed past the end", which,
			 n, ds);
		return -1;
	}
	(*data)[ds] = 0;
	*nidx = n;
	*dsize = ds;
	*next = off + 16 + (off_t)n * 16 + ds;
	return 0;
}

/* the strings of a STRING / STRING_ARRAY / I18NSTRING entry, NULL-separated in out[] */
static size_t rpm_strings(const uint8_t *idx, uint32_t nidx, const uint8_t *data, uint32_t ds, uint32_t tag,
			  const char **out, size_t max)
{
	for (uint32_t i = 0; i < nidx; i++) {
		const uint8_t *e = idx + (size_t)i * 16;
		if (be32(e) != tag)
			continue;
		uint32_t type = be32(e + 4), off = be32(e + 8), cnt = be32(e + 12);
		if ((type != 6 && type != 8 && type != 9) || off >= ds)
			return 0;
		if (type != 8)
			cnt = 1;
		size_t k = 0;
		const char *p = (const char *)data + off, *end = (const char *)data + ds;
		for (uint32_t c = 0; c < cnt && k < max && p < end; c++) {
			out[k++] = p; /* data[ds] is 0: every string ends */
			p += strlen(p) + 1;
		}
		return k;
	}
	return 0;
}

/* the values of an INT32 entry (type 4), at most max; 0 when absent or out of bounds */
static size_t rpm_int32s(const uint8_t *idx, uint32_t nidx, const uint8_t *data, uint32_t ds, uint32_t tag,
			 uint32_t *out, size_t max)
{
	for (uint32_t i = 0; i < nidx; i++) {
		const uint8_t *e = idx + (size_t)i * 16;
		if (be32(e) != tag)
			continue;
		uint32_t type = be32(e + 4), off = be32(e + 8), cnt = be32(e + 12);
		if (type != 4 || off > ds || cnt > (ds - off) / 4)
			return 0;
		size_t k = 0;
		for (; k < cnt && k < max; k++)
			out[k] = be32(data + off + 4 * k);
		return k;
	}
	return 0;
}

/* rpm's dependency sense (rpmds.h): RPMSENSE_LESS 2, GREATER 4, EQUAL 8 */
#define RPMSENSE_LESS 2u
#define RPMSENSE_GREATER 4u
#define RPMSENSE_EQUAL 8u

static int rpm_meta(const char *path, struct pkg_meta *m, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open");
		return -1;
	}
	uint8_t *si = NULL, *sd = NULL, *hi = NULL, *hd = NULL;
	uint32_t sn, sds, hn, hds;
	off_t next;
	int rc = -1;
	if (rpm_header(fd, 96, &si, &sn, &sd, &sds, &next, err, errlen, "signature") == 0) {
		next = (next + 7) & ~(off_t)7;
		if (rpm_header(fd, next, &hi, &hn, &hd, &hds, &next, err, errlen, "main") == 0) {
			const char *v[1];
			char rel[128] = "";
			if (rpm_strings(hi, hn, hd, hds, 1000, v, 1))
				snprintf(m->name, sizeof(m->name), "%s", v[0]);
			if (rpm_strings(hi, hn, hd, hds, 1002, v, 1))
				snprintf(rel, sizeof(rel), "-%.120s", v[0]);
			if (rpm_strings(hi, hn, hd, hds, 1001, v, 1))
				snprintf(m->version, sizeof(m->version), "%.120s%s", v[0], rel);
			if (rpm_strings(hi, hn, hd, hds, 1022, v, 1))
				snprintf(m->arch, sizeof(m->arch), "%s", v[0]);
			/* REQUIRENAME, REQUIREVERSION, REQUIREFLAGS (1049, 1050, 1048): a
			 * version is a lower bound when its sense is >=, > or = (not <, <=) */
			const char *names[4096], *vers[4096];
			uint32_t flags[4096];
			size_t nn = rpm_strings(hi, hn, hd, hds, 1049, names, 4096);
			size_t nv = rpm_strings(hi, hn, hd, hds, 1050, vers, 4096);
			size_t nf = rpm_int32s(hi, hn, hd, hds, 1048, flags, 4096);
			for (size_t i = 0; i < nn; i++) {
				const char *ver = i < nv ? vers[i] : "";
				uint32_t f = i < nf ? flags[i] : RPMSENSE_GREATER | RPMSENSE_EQUAL;
				char op[4] = "", w[600];
				if (*ver) {
					snprintf(op, sizeof(op), "%s%s%s", f & RPMSENSE_LESS ? "<" : "", f & RPMSENSE_GREATER ? ">" : "",
						 f & RPMSENSE_EQUAL ? "=" : "");
					if (!op[0])
						snprintf(op, sizeof(op), ">=");
				}
				snprintf(w, sizeof(w), "%s%s%s%s%s", names[i], *ver ? " " : "", op, *ver ? " " : "", ver);
				bool lower = *ver && !(f & RPMSENSE_LESS) && (f & (RPMSENSE_GREATER | RPMSENSE_EQUAL));
				libc_dep(m, "Requires", names[i], strlen(names[i]), lower ? ver : NULL, lower ? strlen(ver) : 0, w,
					 strlen(w));
			}
			m->read = true;
			rc = 0;
		}
	}
	free(si);
	free(sd);
	free(hi);
	free(hd);
	close(fd);
	return rc;
}

/* the metadata only (image --add reads the files through pkg_data_open):
 * .deb: the control member, which comes before data.tar (deb(5)); .rpm:
 * the main header; .apk: .PKGINFO in the control stream, whose entries are
 * all dot files at the top (the data stream's are not) */
int pkg_meta_read(const char *path, enum pkg_kind kind, struct pkg_meta *meta, char *err, size_t errlen)
{
	memset(meta, 0, sizeof(*meta));
	if (kind == PKG_RPM)
		return rpm_meta(path, meta, err, errlen);
	const char *le = lazylib_error(LAZYLIB_ID_ARCHIVE);
	if (le) {
		snprintf(err, errlen, "%s", le);
		return -1;
	}
	struct archive *a = archive_read_new();
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_filter_all(a);
	if (kind == PKG_APK) {
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
	} else {
		archive_read_support_format_all(a);
	}
	int rc = 0;
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s", archive_error_string(a) ? archive_error_string(a) : "cannot open");
		rc = -1;
	} else {
		struct archive_entry *e;
		int r;
		while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
			const char *m = archive_entry_pathname(e);
			if (!m)
				continue;
			if (kind == PKG_DEB && strncmp(m, "control.tar", 11) == 0) {
				deb_control(a, meta);
				break;
			}
			if (kind == PKG_DEB && strncmp(m, "data.tar", 8) == 0)
				break;
			if (kind == PKG_APK) {
				while (m[0] == '.' && m[1] == '/')
					m += 2;
				if (strcmp(m, ".PKGINFO") == 0) {
					int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
					apk_meta(a, size, meta);
					break;
				}
				if (m[0] != '.' || strchr(m, '/'))
					break;
			}
		}
	}
	archive_read_free(a);
	return rc;
}

void pkg_describe(const struct pkg_meta *m, enum pkg_kind kind, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s %s %s; libc: %s", pkg_kind_name(kind), m->name, m->version, m->arch,
		 m->libc_decl[0] ? m->libc_decl : "none declared");
}

bool pkg_rule_unverified(const char *rule)
{
	return rule && strcmp(rule, "package-libc-undeclared") == 0;
}

/* ---- the declaration against a binary ---- */

static const char *arch_machine(const char *a)
{
	static const char *const map[][2] = {
		{ "amd64", "x86_64" },   { "x86_64", "x86_64" }, { "arm64", "aarch64" },  { "aarch64", "aarch64" },
		{ "i386", "i386" },      { "i486", "i386" },     { "i586", "i386" },      { "i686", "i386" },
		{ "x86", "i386" },       { "armhf", "arm" },     { "armel", "arm" },      { "armv7", "arm" },
		{ "armv7hl", "arm" },    { "armhfp", "arm" },    { "armv6hl", "arm" },    { "ppc64el", "ppc64" },
		{ "ppc64le", "ppc64" },  { "ppc64", "ppc64" },   { "s390x", "s390" },     { "riscv64", "riscv" },
		{ "loong64", "loongarch" }, { "loongarch64", "loongarch" }, { "mips64el", "mips" }, { "mipsel", "mips" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i][0], a) == 0)
			return map[i][1];
	return NULL; /* all, noarch, any, unknown: no claim */
}

const char *pkg_compare(const struct pkg_meta *m, const char *family, const char *glibc_floor, const char *machine,
			bool dynamic, char *msg, size_t msglen)
{
	if (!m || !m->read)
		return NULL;
	const char *want = arch_machine(m->arch);
	if (want && machine && strcmp(machine, "unknown") != 0 && strcmp(want, machine) != 0) {
		snprintf(msg, msglen, "the package is for architecture %s, the binary for %s", m->arch, machine);
		return "package-arch";
	}
	if (!dynamic || !family || (strcmp(family, "glibc") != 0 && strcmp(family, "musl") != 0))
		return NULL;
	if (!m->libc_family[0]) {
		snprintf(msg, msglen, "the package declares no dependency on a C library, the binary needs %s%s%s", family,
			 glibc_floor ? " " : "", glibc_floor ? glibc_floor : "");
		return "package-libc-undeclared";
	}
	if (strcmp(m->libc_family, family) != 0) {
		snprintf(msg, msglen, "the package declares %s (%s), the binary needs %s", m->libc_family, m->libc_decl,
			 family);
		return "package-libc";
	}
	if (strcmp(family, "glibc") == 0 && glibc_floor && strncmp(glibc_floor, "GLIBC_", 6) == 0 &&
	    (!m->glibc_min[0] || vcmp(m->glibc_min, glibc_floor + 6) < 0)) {
		if (m->glibc_min[0])
			snprintf(msg, msglen, "the package declares %s, lower than the %s the binary needs", m->libc_decl,
				 glibc_floor);
		else /* "libc6", "libc6 (<< 2.40)", "glibc < 2.40": installs with any older glibc */
			snprintf(msg, msglen, "the package declares %s, no lowest glibc version, the binary needs %s",
				 m->libc_decl, glibc_floor);
		return "package-libc";
	}
	return NULL;
}

struct walk {
	enum pkg_kind kind;
	struct pkg_meta *meta;
	pkg_entry_fn fn;
	void *ctx;
	int64_t total;
	size_t nfiles;
	char *err;
	size_t errlen;
};

/* every regular file of archive a: ELF and ar ones to the callback */
static int entries(struct archive *a, struct walk *w, const char *what)
{
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
		const char *name = archive_entry_pathname(e);
		if (!name)
			continue;
		/* "./usr/bin/tool" (deb, apk), "/usr/bin/tool" or "./usr/..." (rpm): "usr/bin/tool" */
		for (;;) {
			if (name[0] == '.' && name[1] == '/')
				name += 2;
			else if (name[0] == '/')
				name++;
			else
				break;
		}
		if (size < 8)
			continue;
		if (w->meta && w->kind == PKG_APK && strcmp(name, ".PKGINFO") == 0) {
			apk_meta(a, size, w->meta);
			continue;
		}
		uint8_t head[8];
		la_ssize_t got = archive_read_data(a, head, sizeof(head));
		if (got < 0)
			break;
		if (got < 8 || !binary_magic(head))
			continue;
		if (size > PKG_MAX_ENTRY || w->total + size > PKG_MAX_TOTAL) {
			w->fn(w->ctx, name, NULL, (size_t)size, "larger than goabi reads from a package");
			continue;
		}
		uint8_t *buf = malloc((size_t)size);
		if (!buf) {
			w->fn(w->ctx, name, NULL, (size_t)size, "out of memory");
			continue;
		}
		memcpy(buf, head, 8);
		size_t have = 8;
		while (have < (size_t)size) {
			got = archive_read_data(a, buf + have, (size_t)size - have);
			if (got <= 0)
				break;
			have += (size_t)got;
		}
		if (head[0] == 'M' && !is_pe(buf, have)) { /* "MZ" but no PE header: a DOS program or data */
			free(buf);
			continue;
		}
		w->total += size;
		w->nfiles++;
		w->fn(w->ctx, name, buf, have, have < (size_t)size ? "the package ends inside this file" : NULL);
		free(buf);
	}
	if (r != ARCHIVE_EOF) {
		snprintf(w->err, w->errlen, "%s: %s", what, archive_error_string(a) ? archive_error_string(a) : "unreadable");
		return -1;
	}
	return 0;
}

int pkg_read(const char *path, enum pkg_kind kind, pkg_entry_fn fn, void *ctx, struct pkg_meta *meta, char *err,
	     size_t errlen)
{
	const char *le = lazylib_error(LAZYLIB_ID_ARCHIVE);
	if (le) {
		snprintf(err, errlen, "%s", le);
		return -1;
	}
	if (meta)
		memset(meta, 0, sizeof(*meta));
	struct walk w = { kind, meta, fn, ctx, 0, 0, err, errlen };
	struct archive *a = archive_read_new();
	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	int rc = 0;
	/* the rpm header first: its own diagnostics (libarchive only says "Unrecognized archive format") */
	if (kind == PKG_RPM && rpm_meta(path, meta ? meta : &(struct pkg_meta){ 0 }, err, errlen) != 0) {
		archive_read_free(a);
		return -1;
	}
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s", archive_error_string(a) ? archive_error_string(a) : "cannot open");
		archive_read_free(a);
		return -1;
	}
	if (kind != PKG_DEB) {
		rc = entries(a, &w, pkg_kind_name(kind));
	} else {
		/* the ar members: debian-binary, control.tar.*, data.tar.* */
		struct archive_entry *e;
		int r;
		bool data = false;
		while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
			const char *m = archive_entry_pathname(e);
			if (m && meta && strncmp(m, "control.tar", 11) == 0) {
				deb_control(a, meta);
				continue;
			}
			if (!m || strncmp(m, "data.tar", 8) != 0)
				continue;
			data = true;
			struct nested n = { a };
			struct archive *in = archive_read_new();
			if (!in) {
				rc = -1;
				snprintf(err, errlen, "out of memory");
				break;
			}
			archive_read_support_filter_all(in);
			archive_read_support_format_tar(in);
			archive_read_support_format_gnutar(in);
			if (archive_read_open(in, &n, NULL, nested_read, NULL) != ARCHIVE_OK) {
				snprintf(err, errlen, "%s: %s", m, archive_error_string(in) ? archive_error_string(in) : "unreadable");
				rc = -1;
			} else {
				rc = entries(in, &w, m);
			}
			archive_read_free(in);
			break;
		}
		if (rc == 0 && !data) {
			snprintf(err, errlen, "no data.tar member: not a Debian binary package");
			rc = -1;
		}
	}
	archive_read_free(a);
	return rc;
}

/* ---- every file of the package, as a libarchive stream (image --add) ---- */
struct pkg_data {
	struct archive *outer; /* .deb: the ar archive around data.tar.* */
	struct archive *in;    /* the entries: data.tar.*, the rpm payload, the apk streams */
	struct nested n;
};

void pkg_data_close(struct pkg_data *d)
{
	if (!d)
		return;
	if (d->in)
		archive_read_free(d->in);
	if (d->outer)
		archive_read_free(d->outer);
	free(d);
}

struct archive *pkg_data_open(const char *path, enum pkg_kind kind, struct pkg_data **out, char *err, size_t errlen)
{
	*out = NULL;
	const char *le = lazylib_error(LAZYLIB_ID_ARCHIVE);
	if (le) {
		snprintf(err, errlen, "%s", le);
		return NULL;
	}
	struct pkg_data *d = calloc(1, sizeof(*d));
	if (!d) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (kind == PKG_RPM) { /* the header's own diagnostics first, as pkg_read */
		struct pkg_meta m;
		if (rpm_meta(path, &m, err, errlen) != 0) {
			free(d);
			return NULL;
		}
	}
	struct archive *a = archive_read_new();
	if (!a) {
		free(d);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	archive_read_support_filter_all(a);
	if (kind == PKG_APK) {
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
	} else { /* the .deb's ar, the rpm's cpio payload */
		archive_read_support_format_all(a);
	}
	if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s", archive_error_string(a) ? archive_error_string(a) : "cannot open");
		archive_read_free(a);
		free(d);
		return NULL;
	}
	if (kind != PKG_DEB) {
		d->in = a;
		*out = d;
		return a;
	}
	d->outer = a;
	struct archive_entry *e;
	int r;
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *m = archive_entry_pathname(e);
		if (!m || strncmp(m, "data.tar", 8) != 0)
			continue;
		d->n.outer = a;
		d->in = archive_read_new();
		if (!d->in) {
			snprintf(err, errlen, "out of memory");
			break;
		}
		archive_read_support_filter_all(d->in);
		archive_read_support_format_tar(d->in);
		archive_read_support_format_gnutar(d->in);
		if (archive_read_open(d->in, &d->n, NULL, nested_read, NULL) != ARCHIVE_OK) {
			snprintf(err, errlen, "%s: %s", m, archive_error_string(d->in) ? archive_error_string(d->in) : "unreadable");
			break;
		}
		*out = d;
		return d->in;
	}
	if (!d->in && r != ARCHIVE_OK && r != ARCHIVE_WARN)
		snprintf(err, errlen, "no data.tar member: not a Debian binary package");
	pkg_data_close(d);
	return NULL;
}

bool pkg_data_skip(enum pkg_kind kind, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	/* apk: the control stream's files (.PKGINFO, .SIGN.RSA.*, .pre-install...) sit at the top */
	return kind == PKG_APK && name[0] == '.' && !strchr(name, '/');
}
