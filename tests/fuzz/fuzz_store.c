/* libFuzzer target: the result store reader (src/experiment/store.c, tables.c).
 *
 * Input: one byte that chooses what is fuzzed, then the bytes. Odd: a packed job blob, read by
 * exp_tables_unpack. Even: a whole DIR/results.sqlite, opened as a resume opens it (schema
 * and format check, every job verified against its checksum), then read as the exports read
 * it (a point's metrics, a job's tables, unpacked). The property is the one of every store in
 * the hostile corpus (tests/cli/test_hardening.py): any status, never a crash, a leak, an
 * uninitialised read or a hang. The seeds in corpus/store are a small good store and a blob.
 *
 * The scratch folder is made once per process (a fuzz harness, not library code). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aidflow/model.h"
#include "experiment/exp_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *scratch_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/af_fuzz_store_XXXXXX");
        if (!mkdtemp(dir)) abort();
    }
    return dir;
}

static void unpack(const unsigned char *blob, size_t len)
{
    af_result *r = NULL;
    af_error err;
    if (exp_tables_unpack(blob, len, &r, &err) == AF_OK) af_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    if (data[0] & 1) {
        unpack(data + 1, size - 1);
        return 0;
    }
    const char *dir = scratch_dir();
    char path[128];
    static const char *const suffix[] = {"-wal", "-shm", "-journal", ""};
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/results.sqlite%s", dir, suffix[i]);
        unlink(path);
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) abort();
    if (size > 1 && write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) abort();
    close(fd);
    exp_store *s = NULL;
    af_error err;
    if (exp_store_open(&s, dir, false, false, &err) != AF_OK) return 0;
    bool done[16];
    if (exp_store_done(s, done, 16, &err) == AF_OK) {
        exp_point_data d;
        if (exp_store_point_data(s, 0, 4, &d, &err) == AF_OK) exp_point_data_free(&d);
        for (uint64_t job = 0; job < 4; job++) {
            unsigned char *blob = NULL;
            size_t len = 0;
            if (exp_store_get_tables(s, job, &blob, &len, &err) == AF_OK) unpack(blob, len);
            free(blob);
        }
    }
    exp_store_close(s);
    return 0;
}
