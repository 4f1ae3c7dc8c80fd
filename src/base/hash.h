/* FNV-1a, 64-bit (Fowler, Noll and Vo): a fast, stable hash of bytes, for fingerprints of a
 * scenario's text, hash tables and seed derivation. Not for anything an adversary chooses
 * to collide. The value is the same on every platform: bytes are read as unsigned char. */
#ifndef AF_BASE_HASH_H
#define AF_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

/* The offset basis: the hash of no bytes. */
#define AF_FNV1A_INIT UINT64_C(0xcbf29ce484222325)

/* Continues hash h over data[0..n-1]: af_fnv1a(af_fnv1a(AF_FNV1A_INIT, a, na), b, nb) is the
 * hash of a's bytes followed by b's. */
uint64_t af_fnv1a(uint64_t h, const void *data, size_t n);
/* Continues hash h over the bytes of the string s (without its NUL). */
uint64_t af_fnv1a_str(uint64_t h, const char *s);

#endif
