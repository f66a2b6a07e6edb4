/* hash.c: SHA-256 of buffers and files through nettle (hc_hash.h). */
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <string.h>
#include "hc_hash.h"

static void to_hex(const uint8_t *digest, char hex[HC_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    int i;
    for (i = 0; i < SHA256_DIGEST_SIZE; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[2 * SHA256_DIGEST_SIZE] = '\0';
}

void hc_sha256_hex(const void *data, size_t len, char hex[HC_SHA256_HEX])
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE];
    sha256_init(&ctx);
    sha256_update(&ctx, len, (const uint8_t *)data);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    to_hex(digest, hex);
}

int hc_sha256_file(const char *path, char hex[HC_SHA256_HEX], long long *bytes, hc_error *err)
{
    struct sha256_ctx ctx;
    uint8_t digest[SHA256_DIGEST_SIZE], buf[1 << 16];
    long long total = 0;
    size_t got;
    FILE *f = fopen(path, "rb");
    if (!f) return hc_fail(err, "%s: cannot read to hash it: %s", path, strerror(errno));
    sha256_init(&ctx);
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        sha256_update(&ctx, got, buf);
        total += (long long)got;
    }
    if (ferror(f)) {
        const int saved = errno;
        fclose(f);
        return hc_fail(err, "%s: cannot read to hash it: %s", path, strerror(saved));
    }
    fclose(f);
    sha256_digest(&ctx, SHA256_DIGEST_SIZE, digest);
    to_hex(digest, hex);
    if (bytes) *bytes = total;
    return 0;
}
