/* SARIF helpers shared by the result renderer (report/result_sarif.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "goabi/goabi.h"
#include "report/report.h"
#include "report/sarif.h"

char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	size_t n = strlen(path);
	if (n > GOABI_MAX_STRING)
		n = GOABI_MAX_STRING;
	char *out = malloc(3 * n + 8);
	if (!out)
		return NULL;
	size_t k = 0;
	if (path[0] == '/') {
		memcpy(out, "file://", 7);
		k = 7;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c)) {
			out[k++] = (char)c;
		} else {
			out[k++] = '%';
			out[k++] = hex[c >> 4];
			out[k++] = hex[c & 15];
		}
	}
	out[k] = 0;
	return out;
}
