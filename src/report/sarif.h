/* SARIF helpers shared by the one SARIF renderer (report/result_sarif.c,
 * OASIS SARIF 2.1.0; checked in tests against testdata/sarif-2.1.0-schema.json). */
#ifndef GOABI_REPORT_SARIF_H
#define GOABI_REPORT_SARIF_H

/* An error that kept an input from being (fully) read: reported in
 * invocations[0].toolExecutionNotifications (level error). */
struct sarif_note {
	const char *file;     /* may be NULL */
	const char *message;
};

/* A path as a SARIF uri-reference: relative paths stay relative (percent-
 * encoded), absolute ones become file:// URIs. Caller frees. */
char *sarif_uri(const char *path);

#endif
