/* The image's file table (read/image.h) as the shared resolver's view
 * (facts/resolve.h): lookups follow the image's symbolic links inside the
 * root, object i is the checked ELF file bins[i], configuration files are
 * mapped from the table (bounded by the resolver). The search directories,
 * DT_NEEDED resolution and symbol versions are the resolver's, the same
 * for the plugin and link checks. */
#include <stdlib.h>
#include <string.h>
#include "check/image_check_int.h"

static ssize_t view_lookup(void *ctx, const char *path)
{
	struct imgchk *c = ctx;
	struct img_node *n = img_lookup(c->fs, path, true, NULL);
	return n && n->type == IMG_REG && n->bin >= 0 && (size_t)n->bin < c->nbins ? n->bin : -1;
}

static const struct rsv_obj *view_obj(void *ctx, size_t i)
{
	struct imgchk *c = ctx;
	return c->robj && i < c->nbins ? &c->robj[i] : NULL;
}

static bool view_map(void *ctx, const char *path, const uint8_t **p, size_t *n, void **tok)
{
	struct imgchk *c = ctx;
	return img_map_path(c->fs, path, p, n, tok);
}

static void view_unmap(void *ctx, void *tok, const uint8_t *p, size_t n)
{
	(void)ctx;
	img_unmap(tok, p, n);
}

static bool view_list(void *ctx, const char *dir, void (*cb)(void *, const char *), void *cbctx)
{
	struct imgchk *c = ctx;
	return img_list_dir(c->fs, dir, cb, cbctx);
}

/* " (glibc 2.17)": the resolver labels the image's C libraries */
static void label_libc(struct imgchk *c, struct rsv_obj *o)
{
	for (size_t i = 0; i < c->nlibcs; i++)
		if (strcmp(c->libcs[i].path, o->path) == 0) {
			o->libc_family = c->libcs[i].family;
			o->libc_version = c->libcs[i].version;
			return;
		}
}

void imgc_resolver(struct imgchk *c)
{
	c->view = (struct rsv_view){ c, view_lookup, view_obj, view_map, view_unmap, view_list };
	rsv_init(&c->rsv, &c->view, c->ar);
	rsv_search_dirs(&c->rsv, c->fs->arch);
	c->glibc_dirs = c->rsv.glibc_dirs;
	c->musl_dirs = c->rsv.musl_dirs;
	c->robj = arena_alloc(c->ar, (c->nbins ? c->nbins : 1) * sizeof(*c->robj));
	for (size_t i = 0; c->robj && i < c->nbins; i++) {
		const struct imgchk_bin *b = &c->bins[i];
		struct rsv_obj *o = &c->robj[i];
		memset(o, 0, sizeof(*o));
		o->path = b->path;
		o->ok = b->ok;
		o->machine = b->machine;
		o->elfclass = b->elfclass;
		o->soname = b->soname;
		o->rpath = b->rpath;
		o->runpath = b->runpath;
		o->needed = b->needed;
		o->nneeded = b->nneeded;
		o->vn = b->vn;
		o->nvn = b->nvn;
		o->verdef = b->verdef;
		o->nverdef = b->nverdef;
		o->glibc_floor = b->glibc_floor;
		o->musl_version = b->musl_version;
		o->go_version = b->go_version;
		label_libc(c, o);
	}
}
