/* FNV-1a, 64-bit. See hash.h. */
#include "base/hash.h"

#include <string.h>

uint64_t af_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t af_fnv1a_str(uint64_t h, const char *s) { return af_fnv1a(h, s, strlen(s)); }
