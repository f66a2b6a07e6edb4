/* hc_hash.h: SHA-256 of the files a run writes (host only), so a table quoted in a report
 * can be traced to the run that made it: the manifest records each file's digest
 * (src/outputs/output.c), and `sha256sum FILE` must print the same. The digest itself is
 * Debian's nettle (libnettle), not a copy of the algorithm. */
#ifndef HC_HASH_H
#define HC_HASH_H

#include <stddef.h>
#include "hc_error.h"

#define HC_SHA256_HEX 65 /**< 64 lowercase hex digits and a NUL */

/* The digest of data[0..len) as lowercase hex, as sha256sum prints it. */
void hc_sha256_hex(const void *data, size_t len, char hex[HC_SHA256_HEX]);

/* The digest of the whole file at `path` and its size in bytes. Returns 0, or 1 with err
 * filled when the file cannot be read. */
int hc_sha256_file(const char *path, char hex[HC_SHA256_HEX], long long *bytes, hc_error *err);

#endif
