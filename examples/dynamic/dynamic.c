/*
 * examples/dynamic: embedding waot's runtime to run a precompiled module.
 *
 * Usage: waot-example-dynamic GREET.cwasm [START_TRAP.cwasm [SHARED.cwasm]]
 *
 * Loads a module compiled ahead of time (`waot compile greet.wasm`), lists
 * its imports and exports with their types, binds the host function
 * env.log(ptr, len), which prints a string out of the caller's linear
 * memory, and a host-created global env.scale, then calls exports: one
 * that logs, one that adds, one that traps (the message is printed and the
 * program carries on with the same instance), and one that grows memory,
 * checking that the host's pointer into memory stays valid.  It also shows
 * the distinct failures of instantiation: a LinkError when an import is
 * missing and, given the second module, a trap in a start function.  Given
 * the third, it creates a memory, a table and a global on the host side and
 * shares them between two instances that import them.
 * Links against waot_runtime only: no compiler, no LLVM.  Exits 0 when
 * every check passed.
 */
#include "waot.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int dynamic_failures;

static void dynamic_check(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAILED: %s\n", what);
        dynamic_failures++;
    }
}

static const char *dynamic_value_type(uint32_t type)
{
    switch (type) {
    case WAOT_ABI_I32: return "i32";
    case WAOT_ABI_I64: return "i64";
    case WAOT_ABI_F32: return "f32";
    case WAOT_ABI_F64: return "f64";
    case WAOT_ABI_V128: return "v128";
    case WAOT_ABI_FUNCREF: return "funcref";
    case WAOT_ABI_EXTERNREF: return "externref";
    default: return "?";
    }
}

static void dynamic_print_limits(const waot_abi_limits *limits)
{
    if (limits->has_max)
        printf("%" PRIu64 "..%" PRIu64, limits->min, limits->max);
    else
        printf("%" PRIu64 "..", limits->min);
}

static void dynamic_print_type(const waot_extern_type *type)
{
    switch (type->kind) {
    case WAOT_ABI_EXTERN_FUNC: {
        const waot_abi_functype *f = type->func;
        printf("func (");
        for (uint32_t i = 0; i < f->param_count; i++)
            printf("%s%s", i ? " " : "", dynamic_value_type(f->types[i]));
        printf(") -> (");
        for (uint32_t i = 0; i < f->result_count; i++)
            printf("%s%s", i ? " " : "", dynamic_value_type(f->types[f->param_count + i]));
        printf(")");
        break;
    }
    case WAOT_ABI_EXTERN_TABLE:
        printf("table %s ", dynamic_value_type(type->table.elem_type));
        dynamic_print_limits(&type->table.limits);
        break;
    case WAOT_ABI_EXTERN_MEMORY:
        printf("memory ");
        dynamic_print_limits(&type->memory);
        break;
    case WAOT_ABI_EXTERN_GLOBAL:
        printf("global %s%s", type->global.is_mutable ? "mut " : "",
               dynamic_value_type(type->global.type));
        break;
    }
    printf("\n");
}

static void dynamic_list(const waot_module *module)
{
    uint32_t imports = waot_module_import_count(module);
    printf("imports (%" PRIu32 "):\n", imports);
    for (uint32_t i = 0; i < imports; i++) {
        waot_import_info info;
        if (waot_module_import(module, i, &info) != WAOT_OK)
            continue;
        printf("  %.*s.%.*s: ", (int)info.module.len, info.module.bytes, (int)info.field.len,
               info.field.bytes);
        dynamic_print_type(&info.type);
    }
    uint32_t exports = waot_module_export_count(module);
    printf("exports (%" PRIu32 "):\n", exports);
    for (uint32_t i = 0; i < exports; i++) {
        waot_export_info info;
        if (waot_module_export(module, i, &info) != WAOT_OK)
            continue;
        printf("  %.*s: ", (int)info.name.len, info.name.bytes);
        dynamic_print_type(&info.type);
    }
    waot_import_info past;
    dynamic_check(waot_module_import(module, imports, &past) == WAOT_ERROR_NOT_FOUND,
                  "an import index past the count is refused");
}

/* env.log(ptr, len): prints len bytes of the caller's memory at ptr.  A
 * string outside memory makes the host function fail, which traps the
 * wasm call that made it. */
static void dynamic_log(waot_abi_host_closure *closure, const waot_abi_value *args,
                        waot_abi_value *results)
{
    unsigned *logged = closure->user;
    waot_memory *memory = waot_caller_memory(closure, 0);
    uint32_t ptr = (uint32_t)args[0].i32, len = (uint32_t)args[1].i32;
    if (!memory || (uint64_t)ptr + len > waot_memory_size(memory))
        waot_host_trap(closure);
    printf("log: %.*s\n", (int)len, (const char *)waot_memory_data(memory) + ptr);
    ++*logged;
}

static waot_value dynamic_i32(int32_t v)
{
    return (waot_value){.type = WAOT_ABI_I32, .of.i32 = v};
}

/* Calls name(a, b) -> i32; returns the status, the result in *out. */
static waot_status dynamic_call2(waot_instance *instance, const char *name, int32_t a, int32_t b,
                                 int32_t *out, waot_error *err)
{
    waot_value args[2] = {dynamic_i32(a), dynamic_i32(b)};
    waot_value result;
    waot_status status = waot_call(instance, name, args, 2, &result, 1, err);
    if (status == WAOT_OK)
        *out = result.of.i32;
    return status;
}

/* Instantiating a module whose start function traps: WAOT_ERROR_TRAP. */
static void dynamic_start_trap(const char *path)
{
    waot_module *module;
    waot_error err;
    if (waot_module_load(path, &module, &err) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        dynamic_failures++;
        return;
    }
    waot_instance *instance = NULL;
    waot_status status = waot_instantiate(NULL, module, &instance, &err);
    printf("instantiate %s: %s: %s\n", path, waot_status_name(status), err.message);
    dynamic_check(status == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_UNREACHABLE,
                  "a trapping start function fails instantiation with a trap");
    dynamic_check(instance == NULL, "no instance after a start trap");
    waot_module_free(module);
}

/* Host-created memory, table and global imported by two instances. */
static void dynamic_shared(const char *path)
{
    waot_module *module;
    waot_linker *linker;
    waot_memory *memory;
    waot_table *table;
    waot_global *counter;
    waot_error err;
    waot_value five = dynamic_i32(5);
    if (waot_module_load(path, &module, &err) != WAOT_OK ||
        waot_memory_new(1, 2, true, &memory, &err) != WAOT_OK ||
        waot_table_new(WAOT_ABI_FUNCREF, 1, 10, true, &table, &err) != WAOT_OK ||
        waot_global_new(five, true, &counter) != WAOT_OK || waot_linker_new(&linker) != WAOT_OK) {
        fprintf(stderr, "%s\n", err.message);
        dynamic_failures++;
        return;
    }
    dynamic_check(waot_linker_define_memory_object(linker, "env", "memory", memory) == WAOT_OK &&
                      waot_linker_define_table_object(linker, "env", "table", table) == WAOT_OK &&
                      waot_linker_define_global_object(linker, "env", "counter", counter) ==
                          WAOT_OK,
                  "defining host objects");
    waot_instance *a = NULL, *b = NULL;
    dynamic_check(waot_instantiate(linker, module, &a, &err) == WAOT_OK &&
                      waot_instantiate(linker, module, &b, &err) == WAOT_OK,
                  "two instances import the host objects");
    if (!a || !b) {
        fprintf(stderr, "%s\n", err.message);
        return;
    }
    waot_memory_data(memory)[1] = 9;
    waot_value r;
    dynamic_check(waot_call(a, "bump", NULL, 0, &r, 1, &err) == WAOT_OK && r.of.i32 == 9,
                  "wasm reads the host's byte");
    dynamic_check(waot_call(b, "bump", NULL, 0, &r, 1, &err) == WAOT_OK,
                  "the second instance runs");
    waot_value now = waot_global_value(counter);
    uint8_t first = 0;
    dynamic_check(now.of.i32 == 7 && waot_memory_read(memory, 0, &first, 1) == WAOT_OK &&
                      first == 7,
                  "both instances bumped the shared global and memory");
    uint32_t old_size = 0;
    waot_value null_ref = {.type = WAOT_ABI_FUNCREF};
    dynamic_check(waot_table_grow(table, 2, null_ref, &old_size) == WAOT_OK && old_size == 1,
                  "table grow from the host");
    dynamic_check(waot_call(a, "table_size", NULL, 0, &r, 1, &err) == WAOT_OK && r.of.i32 == 3,
                  "wasm sees the grown table");
    dynamic_check(waot_table_set(table, 0, dynamic_i32(1)) == WAOT_ERROR_ARGUMENT,
                  "a table refuses a value of another type");
    dynamic_check(waot_global_set(counter, dynamic_i32(0)) == WAOT_OK, "setting the global");
    printf("shared: counter %d, memory[0] %u, table size %u\n", (int)now.of.i32, first,
           waot_table_size(table));
    /* Free in any order: the instances keep what they imported. */
    waot_memory_free(memory);
    waot_table_free(table);
    waot_global_free(counter);
    waot_linker_free(linker);
    dynamic_check(waot_call(b, "bump", NULL, 0, &r, 1, &err) == WAOT_OK,
                  "imported objects outlive the host's handles");
    waot_instance_free(a);
    waot_instance_free(b);
    waot_module_free(module);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s GREET.cwasm [START_TRAP.cwasm]\n", argv[0]);
        return 2;
    }
    waot_error err;
    waot_module *module;
    if (waot_module_load(argv[1], &module, &err) != WAOT_OK) {
        fprintf(stderr, "%s: %s\n", waot_status_name(err.status), err.message);
        return 1;
    }
    dynamic_list(module);

    /* Without the imports: a LinkError naming the first missing one. */
    waot_linker *linker;
    waot_instance *instance = NULL;
    if (waot_linker_new(&linker) != WAOT_OK)
        return 1;
    waot_status status = waot_instantiate(linker, module, &instance, &err);
    printf("instantiate without imports: %s: %s\n", waot_status_name(status), err.message);
    dynamic_check(status == WAOT_ERROR_LINK, "a missing import is a link error");

    /* The imports: a host function and a host-created global. */
    unsigned logged = 0;
    static const uint8_t log_params[] = {WAOT_ABI_I32, WAOT_ABI_I32};
    waot_global *scale;
    if (waot_linker_define_func(linker, "env", "log", log_params, 2, NULL, 0, dynamic_log,
                                &logged) != WAOT_OK ||
        waot_global_new(dynamic_i32(1), false, &scale) != WAOT_OK ||
        waot_linker_define_global_object(linker, "env", "scale", scale) != WAOT_OK)
        return 1;
    waot_global_free(scale); /* the linker holds its own reference */
    if (waot_instantiate(linker, module, &instance, &err) != WAOT_OK) {
        fprintf(stderr, "%s: %s\n", waot_status_name(err.status), err.message);
        return 1;
    }

    status = waot_call(instance, "greet", NULL, 0, NULL, 0, &err);
    dynamic_check(status == WAOT_OK && logged == 1, "greet logs once");

    int32_t sum = 0;
    status = dynamic_call2(instance, "add", 40, 2, &sum, &err);
    printf("add(40, 2) = %d\n", (int)sum);
    dynamic_check(status == WAOT_OK && sum == 42, "add(40, 2) == 42");

    /* A trap: reported with the spec's message; the instance lives on. */
    int32_t quotient = 0;
    status = dynamic_call2(instance, "divide", 1, 0, &quotient, &err);
    printf("divide(1, 0): %s: %s\n", waot_status_name(status), err.message);
    dynamic_check(status == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_DIVIDE_BY_ZERO,
                  "divide(1, 0) traps with integer divide by zero");
    status = dynamic_call2(instance, "divide", 84, 2, &quotient, &err);
    printf("divide(84, 2) = %d (after the trap)\n", (int)quotient);
    dynamic_check(status == WAOT_OK && quotient == 42, "the instance works after a trap");

    /* A host function that fails traps the call that made it. */
    waot_value say[2] = {dynamic_i32(65530), dynamic_i32(100)};
    status = waot_call(instance, "say", say, 2, NULL, 0, &err);
    printf("say(65530, 100): %s: %s\n", waot_status_name(status), err.message);
    dynamic_check(status == WAOT_ERROR_TRAP && err.trap == WAOT_TRAP_HOST,
                  "a failing host function traps");

    /* Memory from the host: write bytes, let wasm read them, grow it. */
    waot_memory *memory;
    dynamic_check(waot_instance_memory(instance, "memory", &memory) == WAOT_OK,
                  "the memory export is found");
    uint8_t *data = waot_memory_data(memory);
    static const uint8_t bytes[] = {1, 2, 3, 4, 5};
    dynamic_check(waot_memory_write(memory, 1000, bytes, sizeof bytes) == WAOT_OK,
                  "writing memory");
    dynamic_check(waot_memory_write(memory, 65534, bytes, sizeof bytes) == WAOT_ERROR_NOT_FOUND,
                  "writing past the end is refused");
    int32_t total = 0;
    status = dynamic_call2(instance, "sum", 1000, 5, &total, &err);
    dynamic_check(status == WAOT_OK && total == 15, "wasm reads what the host wrote");
    waot_value grow_by = dynamic_i32(2), old;
    status = waot_call(instance, "grow", &grow_by, 1, &old, 1, &err);
    uint64_t old_pages = 0;
    dynamic_check(status == WAOT_OK && old.of.i32 == 1, "memory.grow from wasm");
    dynamic_check(waot_memory_grow(memory, 1, &old_pages) == WAOT_OK && old_pages == 3,
                  "memory grow from the host");
    dynamic_check(waot_memory_grow(memory, 1, NULL) == WAOT_ERROR_NOMEM,
                  "growing past the maximum fails");
    printf("memory: %" PRIu64 " pages, data pointer %s after growing\n",
           waot_memory_pages(memory), waot_memory_data(memory) == data ? "unchanged" : "MOVED");
    dynamic_check(waot_memory_data(memory) == data && data[1000] == 1,
                  "the data pointer stays valid across memory.grow");
    data[4 * 65536 - 1] = 7; /* the newest page is accessible */

    /* Globals and tables of the instance. */
    waot_global *calls;
    dynamic_check(waot_instance_global(instance, "calls", &calls) == WAOT_OK,
                  "the calls export is found");
    waot_value count = waot_global_value(calls);
    printf("calls = %d\n", (int)count.of.i32);
    dynamic_check(count.type == WAOT_ABI_I32 && count.of.i32 == 5, "five counted calls");
    dynamic_check(waot_global_set(calls, dynamic_i32(100)) == WAOT_OK, "setting a global");
    waot_table *table;
    dynamic_check(waot_instance_table(instance, "table", &table) == WAOT_OK &&
                      waot_table_size(table) == 2,
                  "the table export is found");

    /* A function handle: no lookup per call; it keeps the instance alive. */
    waot_func *add;
    dynamic_check(waot_instance_func(instance, "add", &add) == WAOT_OK, "the add handle");
    waot_instance_free(instance);
    waot_value add_args[2] = {dynamic_i32(20), dynamic_i32(22)}, add_result;
    dynamic_check(waot_func_call(add, add_args, 2, &add_result, 1, &err) == WAOT_OK &&
                      add_result.of.i32 == 42,
                  "calling through a handle after waot_instance_free");
    dynamic_check(waot_func_call(add, add_args, 1, &add_result, 1, &err) == WAOT_ERROR_ARGUMENT,
                  "a handle checks the argument count");
    waot_func_free(add);
    waot_linker_free(linker);
    waot_module_free(module);
    if (argc > 2)
        dynamic_start_trap(argv[2]);
    if (argc > 3)
        dynamic_shared(argv[3]);
    if (dynamic_failures)
        return 1;
    printf("dynamic: all checks passed\n");
    return 0;
}
