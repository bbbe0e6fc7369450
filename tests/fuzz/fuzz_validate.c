/*
 * fuzz_validate: arbitrary bytes through the decoder and the validator
 * (waot_compile_validate, which is WebAssembly.validate).  No input may
 * crash them, read outside the bytes or leak; a refusal must come as one
 * of the front end's statuses with a one-line message and an offset inside
 * the input.
 */
#include "fuzz.h"

#include "waot_compile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    waot_compile_error err;
    waot_compile_status status = waot_compile_validate(data, size, &err);
    if (status == WAOT_COMPILE_OK)
        return 0;
    FUZZ_REQUIRE(status == WAOT_COMPILE_MALFORMED || status == WAOT_COMPILE_INVALID ||
                     status == WAOT_COMPILE_LIMIT || status == WAOT_COMPILE_NOMEM,
                 "validation gave status %s", waot_compile_status_name(status));
    FUZZ_REQUIRE(fuzz_one_line(err.message), "the error message is not one line: \"%s\"",
                 err.message);
    FUZZ_REQUIRE(err.offset <= size, "error offset %zu beyond the %zu input bytes (%s)",
                 err.offset, size, err.message);
    return 0;
}
