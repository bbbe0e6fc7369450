/*
 * fuzz_compile: the whole compiler on valid modules.  Bytes that validate
 * are compiled to a precompiled module in memory (waot_compile_to_memory),
 * which must succeed: a valid module the compiler refuses, or one whose
 * output the runtime cannot load, is a finding.  The loaded module is
 * instantiated when it has no imports to satisfy, which runs the runtime's
 * allocation of memories, tables and globals and its segment
 * initialisation, and must end in success, a trap (a segment out of bounds)
 * or a clean out-of-memory.
 *
 * Half the inputs are compiled --interruptible, so that the polls are
 * fuzzed too and so that modules with a start function can be
 * instantiated: their start function runs under a deadline
 * (waot_config.start_timeout_ns), which stops a loop in it.  A start
 * function in a module compiled without polls is not run.  Most inputs
 * compile at -O0; small ones at -O1 or -O2, so the optimiser is fuzzed too
 * without slowing every run down.  Both choices come from the sum of the
 * input's bytes, so a crash reproduces.
 *
 * The back end is found through $WAOT_CODEGEN (scripts/fuzz.sh and ctest
 * set it).
 */
#include "fuzz.h"

#include "waot.h"
#include "waot_compile.h"

/* The largest module compiled with optimisation. */
#define FUZZ_COMPILE_OPTIMISED_MAX 4096

/* What the inputs came to, printed at exit (scripts/fuzz.sh shows it):
 * most mutations of a valid module are invalid and stop at validation. */
static unsigned long fuzz_compiled[4], fuzz_instantiated, fuzz_started;

static void fuzz_compile_report(void)
{
    fprintf(stderr, "fuzz_compile: compiled %lu valid modules (-O0 %lu, -O1 %lu, -O2 %lu), "
            "instantiated %lu (%lu with a start function)\n",
            fuzz_compiled[0] + fuzz_compiled[1] + fuzz_compiled[2], fuzz_compiled[0],
            fuzz_compiled[1], fuzz_compiled[2], fuzz_instantiated, fuzz_started);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    atexit(fuzz_compile_report);
    /* Memories beyond 256 MiB are refused at instantiation (a clean
     * out-of-memory), so that inputs do not fight over the machine; a start
     * function has 50 ms. */
    waot_configure(&(waot_config){.max_memory_pages = 4096, .start_timeout_ns = 50000000});
    return 0;
}

static waot_compile_options fuzz_compile_options(const uint8_t *data, size_t size)
{
    unsigned sum = 0;
    for (size_t i = 0; i < size; i++)
        sum += data[i];
    waot_compile_options options = waot_compile_default_options();
    options.opt_level = size > FUZZ_COMPILE_OPTIMISED_MAX ? 0 : sum % 8 == 6 ? 1 : sum % 8 == 7 ? 2 : 0;
    options.interruptible = sum / 8 % 2;
    return options;
}

static void fuzz_compile_instantiate(waot_module *module)
{
    waot_linker *linker = NULL;
    FUZZ_REQUIRE(waot_linker_new(&linker) == WAOT_OK, "cannot create a linker");
    waot_instance *instance = NULL;
    waot_error err;
    waot_status status = waot_instantiate(linker, module, &instance, &err);
    fuzz_instantiated++;
    fuzz_started += waot_module_descriptor(module)->start_func != WAOT_ABI_NO_START;
    FUZZ_REQUIRE(status == WAOT_OK || status == WAOT_ERROR_TRAP || status == WAOT_ERROR_NOMEM,
                 "instantiating a module without imports: %s: %s", waot_status_name(status),
                 err.message);
    if (status != WAOT_OK)
        FUZZ_REQUIRE(fuzz_one_line(err.message), "the error message is not one line: \"%s\"",
                     err.message);
    waot_instance_free(instance);
    waot_linker_free(linker);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (waot_compile_validate(data, size, NULL) != WAOT_COMPILE_OK)
        return 0;
    waot_compile_options options = fuzz_compile_options(data, size);
    uint8_t *cwasm = NULL;
    size_t cwasm_size = 0;
    waot_compile_error cerr;
    waot_compile_status cstatus =
        waot_compile_to_memory(data, size, &options, &cwasm, &cwasm_size, &cerr);
    FUZZ_REQUIRE(cstatus == WAOT_COMPILE_OK, "a valid module failed to compile at -O%u: %s: %s",
                 options.opt_level, waot_compile_status_name(cstatus), cerr.message);
    fuzz_compiled[options.opt_level]++;

    waot_module *module = NULL;
    waot_error err;
    waot_status status = waot_module_load_memory(cwasm, cwasm_size, &module, &err);
    free(cwasm);
    FUZZ_REQUIRE(status == WAOT_OK, "the compiled module does not load: %s: %s",
                 waot_status_name(status), err.message);
    if (waot_module_import_count(module) == 0 &&
        (options.interruptible || waot_module_descriptor(module)->start_func == WAOT_ABI_NO_START))
        fuzz_compile_instantiate(module);
    waot_module_free(module);
    return 0;
}
