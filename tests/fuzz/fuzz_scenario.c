/* libFuzzer target: see fuzz_targets.h. Built with -Dfuzz=true and clang. */
#include "fuzz_targets.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_scenario(data, size);
}
