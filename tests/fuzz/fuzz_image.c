/*
 * fuzz_image.c - the picture header reader (image_sniff) on an upload's
 * bytes, straight from the client: a copy of exactly the input, so a read
 * past it is caught, and a size it accepts is one it promises to keep.
 */
#include "fuzz.h"

#include "../../src/core/image.h"
#include "../../src/core/util.h"

#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *b = xmalloc(size ? size : 1);
    memcpy(b, data, size);
    struct image_info in;
    int rc = image_sniff(b, size, &in);
    if (rc == 0) {
        FUZZ_ASSERT(in.width >= 1 && in.width <= IMAGE_MAX_SIDE);
        FUZZ_ASSERT(in.height >= 1 && in.height <= IMAGE_MAX_SIDE);
    }
    free(b);
    return 0;
}
