/*
 * waot's runtime API: load precompiled modules, bind their imports,
 * instantiate them and call their exports.
 *
 * The lifecycle is the one every WebAssembly engine exposes:
 *   waot_module_load     a precompiled module (.cwasm); refuses a file that
 *                        is not one, or was built for another ABI, target or CPU
 *   waot_linker_*        the names imports resolve against: host functions,
 *                        globals, memories and tables, and whole instances
 *                        registered under a module name
 *   waot_instantiate     resolve imports (LinkError), allocate memory, tables
 *                        and globals, apply segments and run the start
 *                        function (RuntimeError on a trap)
 *   waot_call            call an export by name with typed values
 *
 * Handles are opaque.  Every function that can fail returns a waot_status
 * and, when given one, fills a waot_error the caller owns.  A trap inside a
 * call unwinds to that call and reports WAOT_ERROR_TRAP; the process and the
 * other instances are unaffected.  Instances are independent: two threads
 * may use two instances (of one module or not) at once; one instance is used
 * by one thread at a time.
 */
#ifndef WAOT_H
#define WAOT_H

#include "waot_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct waot_module waot_module;
typedef struct waot_linker waot_linker;
typedef struct waot_instance waot_instance;

typedef enum waot_status {
    WAOT_OK = 0,
    WAOT_ERROR_LOAD,      /* not a loadable precompiled module (message says why) */
    WAOT_ERROR_LINK,      /* an import is missing or has the wrong type (LinkError) */
    WAOT_ERROR_TRAP,      /* wasm code trapped (RuntimeError); waot_error.trap says why */
    WAOT_ERROR_NOT_FOUND, /* no export with that name and kind */
    WAOT_ERROR_ARGUMENT,  /* wrong number or types of values for the call */
    WAOT_ERROR_NOMEM,     /* out of memory or address space */
    WAOT_ERROR_EXIT,      /* the program asked to exit (WASI proc_exit); see exit_code */
    WAOT_ERROR_WASI,      /* WASI could not be set up (a preopen is missing, ...) */
} waot_status;

typedef struct waot_error {
    waot_status status;
    waot_abi_trap trap;   /* for WAOT_ERROR_TRAP */
    int exit_code;        /* for WAOT_ERROR_EXIT */
    char message[256];    /* one line: for traps, the spec's message first */
} waot_error;

/* A typed value.  `type` is a value type code (WAOT_ABI_I32 ...). */
typedef struct waot_value {
    uint32_t type;
    waot_abi_value of;
} waot_value;

/* Process-wide settings; call before loading anything, or never. */
typedef struct waot_config {
    uint64_t max_memory_pages; /* cap on any memory's size in pages (0: 65536) */
    size_t max_stack_bytes;    /* stack compiled code may use per call (0: 4 MiB) */
} waot_config;
void waot_configure(const waot_config *config);

/* ---- Modules ---- */

waot_status waot_module_load(const char *path, waot_module **out, waot_error *err);
void waot_module_free(waot_module *module);
/* The module's descriptor: its types, imports and exports, for tools. */
const waot_abi_module *waot_module_descriptor(const waot_module *module);

/* ---- Linking ---- */

waot_status waot_linker_new(waot_linker **out);
/* Frees the linker and what it defined (not registered instances). */
void waot_linker_free(waot_linker *linker);

/* Makes every export of `instance` importable as module `name`. */
waot_status waot_linker_define_instance(waot_linker *linker, const char *name,
                                        waot_instance *instance);
/* A host function of the given wasm type.  `fn` receives a closure whose
 * `user` is `user` and whose `caller` is the importing instance. */
waot_status waot_linker_define_func(waot_linker *linker, const char *module, const char *field,
                                    const uint8_t *params, uint32_t param_count,
                                    const uint8_t *results, uint32_t result_count,
                                    waot_abi_host_fn fn, void *user);
waot_status waot_linker_define_global(waot_linker *linker, const char *module, const char *field,
                                      waot_value value, bool is_mutable);
waot_status waot_linker_define_memory(waot_linker *linker, const char *module, const char *field,
                                      uint64_t min_pages, uint64_t max_pages, bool has_max);
waot_status waot_linker_define_table(waot_linker *linker, const char *module, const char *field,
                                     uint32_t elem_type, uint32_t min, uint32_t max, bool has_max);

/* ---- Instances ---- */

/* `linker` may be NULL for a module without imports.  When the start
 * function traps the instance is not returned, but effects on imported
 * memories and tables remain, as the spec requires. */
waot_status waot_instantiate(waot_linker *linker, waot_module *module, waot_instance **out,
                             waot_error *err);
void waot_instance_free(waot_instance *instance);

/* Calls the exported function `name`.  args/results must match its type in
 * count and types. */
waot_status waot_call(waot_instance *instance, const char *name, const waot_value *args,
                      size_t arg_count, waot_value *results, size_t result_count,
                      waot_error *err);

/* The type of exported function `name`: pointers into the module's
 * descriptor, valid while the module is loaded. */
waot_status waot_func_type(const waot_instance *instance, const char *name,
                           const waot_abi_functype **type);

/* Reads the exported global `name`. */
waot_status waot_global_get(const waot_instance *instance, const char *name, waot_value *out);

/* The same three for export names given by bytes and length: export names
 * are any UTF-8, NUL included. */
waot_status waot_call_n(waot_instance *instance, const char *name, size_t name_len,
                        const waot_value *args, size_t arg_count, waot_value *results,
                        size_t result_count, waot_error *err);
waot_status waot_func_type_n(const waot_instance *instance, const char *name, size_t name_len,
                             const waot_abi_functype **type);
waot_status waot_global_get_n(const waot_instance *instance, const char *name, size_t name_len,
                              waot_value *out);

/* ---- WASI preview1 ---- */

/* A host directory made visible to the module under `guest_path`: the only
 * files a WASI module can reach. */
typedef struct waot_wasi_preopen {
    const char *host_path;
    const char *guest_path;
} waot_wasi_preopen;

typedef struct waot_wasi_config {
    int argc;
    const char *const *argv;      /* argv[0]: the program's name */
    const char *const *environ;   /* "KEY=VALUE" strings, NULL-terminated; NULL: none */
    const waot_wasi_preopen *preopens;
    size_t preopen_count;
    /* Host descriptors behind guest fds 0, 1, 2, duplicated (the guest
     * closing its copy leaves the host's open); a negative one leaves that
     * guest fd closed.  Preopens become guest fds 3, 4, ... in order. */
    int stdin_fd, stdout_fd, stderr_fd;
} waot_wasi_config;

/* A WASI environment: copies of the arguments and environment, and the
 * guest's descriptor table.  Used by one thread at a time, like an
 * instance. */
typedef struct waot_wasi waot_wasi;

/* Opens the preopened directories (a missing one is WAOT_ERROR_WASI) and
 * copies what else it needs from `config`. */
waot_status waot_wasi_new(const waot_wasi_config *config, waot_wasi **out, waot_error *err);
void waot_wasi_free(waot_wasi *wasi);

/* Defines every wasi_snapshot_preview1 function in `linker`, bound to
 * `wasi`, which must outlive the instances that import them.  proc_exit ends
 * the current call with WAOT_ERROR_EXIT and the status in exit_code. */
waot_status waot_wasi_define(waot_linker *linker, waot_wasi *wasi);

#endif
