/*
 * keyring.c - see keyring.h. XChaCha20-Poly1305 (libsodium) with a random
 * 24-byte nonce per value; the field name is the associated data.
 */
#include "keyring.h"

#include "err.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEYLEN 32
#define MAXKEYS 64

struct key {
    int id;
    unsigned char k[KEYLEN];
};

struct keyring {
    unsigned char hash_key[KEYLEN];
    struct key keys[MAXKEYS];
    int n;
    int active; /* index of the highest id */
};

static int
parse_hex(const char *hex, unsigned char out[KEYLEN])
{
    size_t bin_len;
    if (strlen(hex) != 2 * KEYLEN ||
        sodium_hex2bin(out, KEYLEN, hex, strlen(hex), NULL, &bin_len,
                       NULL) != 0 ||
        bin_len != KEYLEN)
        return ERR_INVAL;
    return 0;
}

static int
write_new(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        str_fmt(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return ERR_IO;
    }
    unsigned char h[KEYLEN], k[KEYLEN];
    randombytes_buf(h, sizeof(h));
    randombytes_buf(k, sizeof(k));
    char hh[2 * KEYLEN + 1], kh[2 * KEYLEN + 1];
    sodium_bin2hex(hh, sizeof(hh), h, sizeof(h));
    sodium_bin2hex(kh, sizeof(kh), k, sizeof(k));
    char text[512];
    int n = snprintf(text, sizeof(text),
                     "# dangxiao field-encryption keys. Keep this file "
                     "outside the database,\n# readable by the service "
                     "only, and back it up apart from the data.\n"
                     "hash %s\n1 %s\n",
                     hh, kh);
    sodium_memzero(h, sizeof(h));
    sodium_memzero(k, sizeof(k));
    bool ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
    sodium_memzero(text, sizeof(text));
    close(fd);
    if (!ok) {
        str_fmt(err, errlen, "%s: cannot write", path);
        return ERR_IO;
    }
    return 0;
}

struct keyring *
keyring_load(const char *path, bool create, char *err, size_t errlen)
{
    if (path == NULL || *path == '\0') {
        str_copy(err, errlen, "no key file configured (key_file)");
        return NULL;
    }
    if (access(path, F_OK) != 0 && create &&
        write_new(path, err, errlen) != 0)
        return NULL;
    FILE *fp = fopen(path, "r");
    if (fp == NULL) {
        str_fmt(err, errlen, "%s: cannot open key file: %s", path,
                strerror(errno));
        return NULL;
    }
    struct keyring *k = sodium_malloc(sizeof(*k));
    if (k == NULL)
        abort();
    memset(k, 0, sizeof(*k));
    bool have_hash = false;
    char line[256];
    int lineno = 0;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '#' || *p == '\0')
            continue;
        char name[16], hex[128];
        if (sscanf(p, "%15s %127s", name, hex) != 2)
            goto bad;
        if (strcmp(name, "hash") == 0) {
            if (parse_hex(hex, k->hash_key) != 0)
                goto bad;
            have_hash = true;
            continue;
        }
        int64_t id;
        if (parse_i64(name, &id) != 0 || id < 1 || id > 1000000 ||
            k->n == MAXKEYS || parse_hex(hex, k->keys[k->n].k) != 0)
            goto bad;
        k->keys[k->n].id = (int)id;
        if (k->n == 0 || id > k->keys[k->active].id)
            k->active = k->n;
        k->n++;
    }
    sodium_memzero(line, sizeof(line));
    fclose(fp);
    if (!have_hash || k->n == 0) {
        str_fmt(err, errlen, "%s: needs a 'hash' line and at least one key",
                path);
        sodium_free(k);
        return NULL;
    }
    return k;
bad:
    str_fmt(err, errlen, "%s:%d: expected 'hash HEX' or 'ID HEX' with 64 "
                         "hex digits",
            path, lineno);
    sodium_memzero(line, sizeof(line));
    fclose(fp);
    sodium_free(k);
    return NULL;
}

void
keyring_free(struct keyring *k)
{
    if (k)
        sodium_free(k); /* zeroes the memory */
}

int
keyring_rotate(struct keyring *k, const char *path, int *new_id)
{
    if (k->n == MAXKEYS)
        return ERR_RANGE;
    struct key *nk = &k->keys[k->n];
    nk->id = k->keys[k->active].id + 1;
    randombytes_buf(nk->k, KEYLEN);
    char hex[2 * KEYLEN + 1];
    sodium_bin2hex(hex, sizeof(hex), nk->k, KEYLEN);
    FILE *fp = fopen(path, "a");
    if (fp == NULL)
        return ERR_IO;
    int ok = fprintf(fp, "%d %s\n", nk->id, hex) > 0;
    sodium_memzero(hex, sizeof(hex));
    ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0 && ok;
    fclose(fp);
    if (!ok)
        return ERR_IO;
    k->active = k->n++;
    *new_id = nk->id;
    return 0;
}

int
keyring_seal(const struct keyring *k, const char *field,
             const char *plaintext, char *out, size_t outlen)
{
    const struct key *key = &k->keys[k->active];
    size_t pl = strlen(plaintext);
    unsigned char buf[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 256 +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES];
    if (pl > 256)
        return ERR_RANGE;
    unsigned char *nonce = buf;
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long clen;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
        (const unsigned char *)plaintext, pl, (const unsigned char *)field,
        strlen(field), NULL, nonce, key->k);
    size_t total = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen;
    char prefix[16];
    int n = snprintf(prefix, sizeof(prefix), "k%d:", key->id);
    size_t need = (size_t)n + sodium_base64_ENCODED_LEN(
                                  total, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    if (need > outlen)
        return ERR_RANGE;
    memcpy(out, prefix, (size_t)n);
    sodium_bin2base64(out + n, outlen - (size_t)n, buf, total,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return 0;
}

int
keyring_key_id(const char *sealed)
{
    if (sealed == NULL || sealed[0] != 'k')
        return -1;
    char *end;
    long id = strtol(sealed + 1, &end, 10);
    if (*end != ':' || id < 1)
        return -1;
    return (int)id;
}

int
keyring_open(const struct keyring *k, const char *field, const char *sealed,
             char *out, size_t outlen)
{
    int id = keyring_key_id(sealed);
    if (id < 0)
        return ERR_INVAL;
    const struct key *key = NULL;
    for (int i = 0; i < k->n; i++)
        if (k->keys[i].id == id)
            key = &k->keys[i];
    if (key == NULL)
        return ERR_NOTFOUND;
    const char *b64 = strchr(sealed, ':') + 1;
    unsigned char buf[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + 256 +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES];
    size_t blen;
    if (sodium_base642bin(buf, sizeof(buf), b64, strlen(b64), NULL, &blen,
                          NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING) !=
            0 ||
        blen < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                   crypto_aead_xchacha20poly1305_ietf_ABYTES)
        return ERR_INVAL;
    unsigned char plain[256];
    unsigned long long plen;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plen, NULL,
            buf + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
            (const unsigned char *)field, strlen(field), buf, key->k) != 0)
        return ERR_INVAL;
    if (plen + 1 > outlen) {
        sodium_memzero(plain, sizeof(plain));
        return ERR_RANGE;
    }
    memcpy(out, plain, plen);
    out[plen] = '\0';
    sodium_memzero(plain, sizeof(plain));
    return 0;
}

void
keyring_audit_key(const struct keyring *k, unsigned char out[32])
{
    /* Subkey 1 of the hash key under the context "dxaudit1": knowing the
     * audit key tells nothing about the hash key, nor the reverse. */
    crypto_kdf_derive_from_key(out, 32, 1, "dxaudit1", k->hash_key);
}

void
keyring_hash(const struct keyring *k, const char *field, const char *value,
             char out[65])
{
    crypto_generichash_state st;
    crypto_generichash_init(&st, k->hash_key, KEYLEN, 32);
    crypto_generichash_update(&st, (const unsigned char *)field,
                              strlen(field));
    crypto_generichash_update(&st, (const unsigned char *)"\x1f", 1);
    crypto_generichash_update(&st, (const unsigned char *)value,
                              strlen(value));
    unsigned char h[32];
    crypto_generichash_final(&st, h, sizeof(h));
    hex_encode(h, sizeof(h), out);
}
