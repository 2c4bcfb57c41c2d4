/* fuzz_registry: libFuzzer target for registry_parse() (common/registry.h). Any bytes, read
 * as a registry export, must parse or be refused without a crash, a leak, undefined behaviour
 * or a hang, and every record returned must have passed validation.
 *
 * Not wired into tests/fuzz/CMakeLists.txt (another engineer's file); build it by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. \
 *     tests/fuzz/fuzz_registry.c common/registry.c common/csv.c common/charset.c \
 *     common/utf8.c common/strbuf.c common/error.c common/sha256.c -lcurl -lcrypto \
 *     -o /tmp/fuzz_registry
 *   mkdir -p /tmp/reg-corpus
 *   /tmp/fuzz_registry -max_total_time=180 -max_len=8192 -timeout=5 /tmp/reg-corpus docs/demo
 * (libFuzzer writes new inputs into the FIRST directory: never name a tracked one first). */
#include "common/registry.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct registry reg;
    struct sc_error err = {{0}};
    int rc = registry_parse((const char *)data, size, &reg, &err);
    if (rc == 0) {
        for (size_t i = 0; i < reg.nrecords; i++) {
            for (int f = 0; f < REG_NFIELDS; f++)
                if (!reg.records[i].field[f])
                    abort();
            if (registry_check_code(reg.records[i].field[REG_CODE]))
                abort();
            if (!registry_status_canonical(reg.records[i].field[REG_STATUS]))
                abort();
        }
    }
    registry_free(&reg);
    return 0;
}
