/* goabi image's reader: the input as an image tarball (docker save, OCI
 * archive, or a plain layer; gzip layers decompressed by libarchive) under
 * small limits, then every node walked, every symlink resolved inside the
 * image and every kept ELF file mapped and inspected. */
#include "fuzz.h"
#include "fuzz_tmp.h"
#include "read/image.h"

struct walk { struct img_fs *fs; size_t n; };

static void visit(void *ctx, struct img_node *n)
{
	struct walk *w = ctx;
	char buf[4096];
	const char *p = img_path(w->fs, n, buf, sizeof(buf));
	if (!p || w->n++ > 2000)
		return;
	const char *why = NULL;
	img_lookup(w->fs, p, true, &why);
	if (n->type == IMG_REG && n->elf) {
		const uint8_t *b;
		size_t len;
		if (img_map(w->fs, n, &b, &len)) {
			fuzz_inspect(p, b, len);
			img_unmap(n, b, len);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1u << 20))
		return 0;
	const char *f = fuzz_file(0, "image.tar", data, size);
	struct img_limits lim = { .max_bytes = 64u << 20, .max_entries = 10000, .max_path = 1024,
				  .max_symlinks = 40, .max_file = 16u << 20 };
	struct img_fs fs;
	memset(&fs, 0, sizeof(fs));
	fs.blobfd = fs.outerfd = -1; /* img_close must not close descriptor 0 */
	if (img_open(&fs, f, "linux/amd64", NULL, &lim) == 0) {
		struct walk w = { &fs, 0 };
		img_walk(&fs, visit, &w);
		const char *why = NULL;
		img_lookup(&fs, "/lib64/ld-linux-x86-64.so.2", true, &why);
		img_lookup(&fs, "/../../etc/../usr/lib/x86_64-linux-gnu/libc.so.6", true, &why);
	}
	img_close(&fs);
	return 0;
}
