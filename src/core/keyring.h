/*
 * keyring.h - field encryption for personal identifiers (DOMAIN.md §2.2,
 * class C2: ID numbers, phone numbers). Keys live in a key file outside
 * the database; every ciphertext names the key that made it, so keys can
 * rotate: new values use the newest key, old ones still decrypt.
 *
 * Key file, one key per line (hex, 32 bytes), mode 0600:
 *     hash <64 hex>     the key of the keyed hash (never rotates: it is
 *                       what finds duplicates)
 *     1 <64 hex>        encryption keys by id; the highest id encrypts
 *     2 <64 hex>
 *
 * The audit chain's MAC key (audit.c, HMAC-SM3) is not a line of its own:
 * it is derived from the hash key (BLAKE2b KDF, context "dxaudit1"), so
 * every key file made before the chain was keyed already holds it, and a
 * backup of the key file carries it. Like the hash key it never rotates.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct keyring;

/* Reads the key file at path. When it does not exist and create is true,
 * makes one with a hash key and key 1 (mode 0600). Returns NULL with the
 * reason in err. Free with keyring_free(). */
struct keyring *keyring_load(const char *path, bool create, char *err,
                             size_t errlen);
void keyring_free(struct keyring *k);
/* Appends a new encryption key (id = highest + 1) to the file at path and
 * to k. 0 or ERR_IO. */
int keyring_rotate(struct keyring *k, const char *path, int *new_id);

/* Encrypts plaintext for a field (the field name is authenticated with
 * it, so a value cannot be moved to another column). Writes
 * "k<id>:<base64url>" into out. 0 or ERR_RANGE when out is too small. */
int keyring_seal(const struct keyring *k, const char *field,
                 const char *plaintext, char *out, size_t outlen);
/* Decrypts what keyring_seal wrote. 0; ERR_NOTFOUND (unknown key id);
 * ERR_INVAL (damaged or not for this field); ERR_RANGE (out too small). */
int keyring_open(const struct keyring *k, const char *field,
                 const char *sealed, char *out, size_t outlen);
/* The keyed hash (BLAKE2b-256 under the hash key) of field:value, as 64
 * hex characters: equal values hash equal, for exact search and
 * duplicate detection, without storing the value. */
void keyring_hash(const struct keyring *k, const char *field,
                  const char *value, char out[65]);
/* The audit chain's MAC key (32 bytes into out), derived from the hash
 * key; see above. */
void keyring_audit_key(const struct keyring *k, unsigned char out[32]);
/* The id of the key that sealed a value, or -1. */
int keyring_key_id(const char *sealed);
