/* Replays every file of a folder (the store target's seeds and any crash found, see README)
 * through the body of fuzz_store.c in the ordinary suite, so that the store reader is run on
 * them in every build, the sanitized one included.
 *
 * Run as: replay_store DIR */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) return 2;
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        char *data;
        size_t len;
        if (af_read_stream(f, 1 << 24, &data, &len, NULL) == AF_OK) {
            LLVMFuzzerTestOneInput((const uint8_t *)data, len);
            /* And each input cut short, and with a byte changed, a few ways. */
            for (size_t k = 1; k < 8 && len > 2; k++) {
                LLVMFuzzerTestOneInput((const uint8_t *)data, len * k / 8);
                char saved = data[1 + len * k / 8 % (len - 1)];
                data[1 + len * k / 8 % (len - 1)] ^= (char)(1u << k);
                LLVMFuzzerTestOneInput((const uint8_t *)data, len);
                data[1 + len * k / 8 % (len - 1)] = saved;
            }
            free(data);
            n++;
        }
        fclose(f);
    }
    closedir(d);
    printf("replayed %zu inputs\n", n);
    return n > 0 ? 0 : 1;
}
