/* The narrow loader view of the image check (check/image_loader.h) for other
 * checks: run the check over a file table and copy out, per ELF file, what
 * its DT_NEEDED resolved to and its problems and notes. */
#include <stdlib.h>
#include <string.h>
#include "check/image_check_int.h"

void imgc_search_paths(struct imgc *c)
{
	imgchk_search_dirs(c->fs, c->ar, &c->glibc_dirs, &c->musl_dirs);
}

static void copy_strv(struct goabi_arena *ar, struct goabi_strv *to, const struct goabi_strv *from)
{
	for (size_t i = 0; i < from->n; i++)
		strv_push(ar, to, arena_strdup(ar, from->v[i]));
}

int imgc_run(struct imgc *c, struct img_fs *fs, const struct imgc_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->fs = fs;
	c->ar = arena_new();
	if (!c->ar)
		return GOABI_ENOMEM;
	c->own_ar = true;
	struct imgchk *k = calloc(1, sizeof(*k));
	if (!k)
		return GOABI_ENOMEM;
	int rc = imgchk_run(k, fs, o);
	if (rc == 0) {
		c->glibc_dirs = (struct goabi_strv){ 0 };
		copy_strv(c->ar, &c->glibc_dirs, &k->glibc_dirs);
		copy_strv(c->ar, &c->musl_dirs, &k->musl_dirs);
		c->bins = arena_alloc(c->ar, (k->nbins ? k->nbins : 1) * sizeof(*c->bins));
		if (!c->bins)
			rc = GOABI_ENOMEM;
		for (size_t i = 0; c->bins && i < k->nbins; i++) {
			struct imgc_bin *b = &c->bins[c->nbins++];
			memset(b, 0, sizeof(*b));
			b->path = arena_strdup(c->ar, k->bins[i].path);
			copy_strv(c->ar, &b->deps, &k->bins[i].deps);
			copy_strv(c->ar, &b->problems, &k->bins[i].problems);
			copy_strv(c->ar, &b->notes, &k->bins[i].notes);
		}
	}
	imgchk_free(k);
	free(k);
	return rc;
}

void imgc_free(struct imgc *c)
{
	if (c->own_ar)
		arena_free(c->ar);
	memset(c, 0, sizeof(*c));
}
