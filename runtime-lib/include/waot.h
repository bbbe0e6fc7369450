/*
 * waot's runtime API: load precompiled modules, bind their imports,
 * instantiate them and call their exports.
 *
 * The lifecycle is the one every WebAssembly engine exposes:
 *   waot_module_load     a precompiled module (.cwasm); refuses a file that
 *                        is not one, or was built for another ABI, target or
 *                        CPU (WAOT_ERROR_LOAD).  Compiling a .wasm into one is
 *                        the compiler library's job (waot_compile.h), so a
 *                        program that only loads precompiled modules links
 *                        this runtime alone, never LLVM
 *   waot_module_import*, waot_module_export*
 *                        what a module imports and exports, with their types,
 *                        like WebAssembly.Module.imports()/exports()
 *   waot_linker_*        the names imports resolve against: host functions,
 *                        globals, memories and tables, and whole instances
 *                        registered under a module name
 *   waot_instantiate     resolve imports (WAOT_ERROR_LINK, a LinkError),
 *                        allocate memory, tables and globals (WAOT_ERROR_NOMEM),
 *                        apply segments and run the start function
 *                        (WAOT_ERROR_TRAP, a RuntimeError)
 *   waot_call            call an export by name with typed values (or
 *                        waot_instance_func once, then waot_func_call)
 *   waot_instance_memory/table/global, waot_memory_*, waot_table_*,
 *   waot_global_*        exported (or host-created) memories, tables and
 *                        globals, read and written from the host
 *
 * Handles are opaque.  Every function that can fail returns a waot_status
 * and, when given one, fills a waot_error the caller owns (every `err`
 * argument may be NULL).  A trap inside a call unwinds to that call and
 * reports WAOT_ERROR_TRAP; the process and the other instances are
 * unaffected.
 *
 * Ownership: a handle returned through an `out` argument of a *_new, *_load
 * or waot_instantiate call is owned by the caller, who frees it with the
 * matching *_free.  Handles returned by lookups (waot_instance_memory, ...,
 * waot_caller_memory) are borrowed: valid while the object they were looked
 * up in is alive, never freed by the caller.  Internally everything is
 * reference counted, so freeing in any order is safe: a module stays mapped
 * while an instance of it lives, a memory while an instance imports it.
 *
 * Thread-safety: a module (after loading) is immutable and may be shared by
 * any number of threads, which may instantiate it at once.  An instance, and
 * the memories, tables and globals it owns or imports, is used by one thread
 * at a time (the caller serialises); two threads may use two instances at
 * once.  A linker is used by one thread at a time, but once filled it may be
 * read by several waot_instantiate calls at once as long as no thread
 * defines into it meanwhile.  Queries on a module (counts, import and export
 * types) are safe from any thread.  waot_configure is not thread-safe: call
 * it first.
 */
#ifndef WAOT_H
#define WAOT_H

#include "waot_abi.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct waot_module waot_module;
typedef struct waot_linker waot_linker;
typedef struct waot_instance waot_instance;
/* A linear memory, a table, a global: exported by an instance or created
 * by the host (waot_memory_new, ...), importable through a linker. */
typedef struct waot_memory waot_memory;
typedef struct waot_table waot_table;
typedef struct waot_global waot_global;
/* An exported function looked up once (waot_instance_func), for calls
 * without a lookup by name. */
typedef struct waot_func waot_func;

/* How a call failed.  Each phase of the lifecycle has its own status, so a
 * caller can tell a LinkError (WAOT_ERROR_LINK) from a trap in the start
 * function (WAOT_ERROR_TRAP out of waot_instantiate) from running out of
 * memory or address space (WAOT_ERROR_NOMEM); each comes with a one-line
 * message in waot_error.message. */
typedef enum waot_status {
    WAOT_OK = 0,
    WAOT_ERROR_LOAD,      /* not a loadable precompiled module (message says why) */
    WAOT_ERROR_LINK,      /* an import is missing or has the wrong type (LinkError) */
    WAOT_ERROR_TRAP,      /* wasm code trapped (RuntimeError); waot_error.trap says why.
                           * Out of waot_instantiate: a segment did not fit or the
                           * start function trapped */
    WAOT_ERROR_NOT_FOUND, /* no export with that name and kind, or index out of range */
    WAOT_ERROR_ARGUMENT,  /* wrong number or types of values, or a bad argument */
    WAOT_ERROR_NOMEM,     /* out of memory or address space, or past a configured limit */
    WAOT_ERROR_EXIT,      /* the program asked to exit (WASI proc_exit); see exit_code */
    WAOT_ERROR_WASI,      /* WASI could not be set up (a preopen is missing, ...) */
} waot_status;

/* The status's name ("link error", "trap", ...): a static string.  Any
 * thread. */
const char *waot_status_name(waot_status status);

typedef struct waot_error {
    waot_status status;
    waot_abi_trap trap;   /* for WAOT_ERROR_TRAP */
    int exit_code;        /* for WAOT_ERROR_EXIT */
    char message[256];    /* one line: for traps, the spec's message first */
} waot_error;

/* waot_value, a typed value, is defined in waot_abi.h: trampolines read
 * and write arrays of it. */

/* Process-wide settings; call before loading anything, or never.  Not
 * thread-safe. */
typedef struct waot_config {
    /* Cap on any memory's size in pages (0: 65536): a larger minimum fails
     * to instantiate (WAOT_ERROR_NOMEM), memory.grow past it returns -1. */
    uint64_t max_memory_pages;
    /* Stack compiled code may use below the frame where a thread first
     * enters wasm (0: 4 MiB); deeper recursion traps with "call stack
     * exhausted".  Threads that already entered keep theirs; the calling
     * thread measures again at its next entry. */
    size_t max_stack_bytes;
    /* Cap on any table's size in elements (0: 10,000,000): a larger minimum
     * fails to instantiate (WAOT_ERROR_NOMEM), table.grow past it returns
     * -1. */
    uint32_t max_table_elements;
    /* Cap on the instances alive at once in the process (0: no cap):
     * waot_instantiate fails with WAOT_ERROR_NOMEM while that many live. */
    uint32_t max_instances;
    /* How long a start function, which runs inside waot_instantiate before
     * the host can set a deadline, may run (0: no end): code compiled with
     * interruption checks stops then with WAOT_TRAP_INTERRUPTED, and
     * waot_instantiate fails with WAOT_ERROR_TRAP.  No effect on other code. */
    uint64_t start_timeout_ns;
} waot_config;
void waot_configure(const waot_config *config);

/* ---- Modules ---- */

/* Loads the precompiled module at `path` (made by `waot compile` or
 * waot_compile_to_file).  On success *out is owned by the caller
 * (waot_module_free).  Any thread; loading the same file twice maps it
 * once. */
waot_status waot_module_load(const char *path, waot_module **out, waot_error *err);
/* Loads a precompiled module from bytes in memory (waot_compile_to_memory's
 * output): the bytes are copied to an anonymous file and loaded from there,
 * so the caller may free them at once.  Any thread. */
waot_status waot_module_load_memory(const uint8_t *bytes, size_t size, waot_module **out,
                                    waot_error *err);
/* Drops the caller's reference; the code stays mapped while instances of
 * the module live.  NULL is ignored. */
void waot_module_free(waot_module *module);
/* The module's descriptor: its types, imports and exports, for tools.
 * Borrowed: valid while the module is loaded.  Any thread. */
const waot_abi_module *waot_module_descriptor(const waot_module *module);

/* The type of an import or an export, like the JS API's descriptors.  Only
 * the member for `kind` is meaningful. */
typedef struct waot_extern_type {
    uint32_t kind;                   /* WAOT_ABI_EXTERN_* */
    /* WAOT_ABI_EXTERN_FUNC: params then results, borrowed from the module
     * descriptor (valid while the module is loaded). */
    const waot_abi_functype *func;
    struct {
        uint32_t elem_type;          /* WAOT_ABI_FUNCREF or WAOT_ABI_EXTERNREF */
        waot_abi_limits limits;      /* in elements */
    } table;
    waot_abi_limits memory;          /* in 64 KiB pages */
    struct {
        uint32_t type;               /* value type code */
        bool is_mutable;
    } global;
} waot_extern_type;

/* One import: names point into the module's descriptor (UTF-8, not NUL
 * terminated: print them with "%.*s"), valid while the module is loaded. */
typedef struct waot_import_info {
    waot_abi_name module;
    waot_abi_name field;
    waot_extern_type type;
} waot_import_info;

typedef struct waot_export_info {
    waot_abi_name name;
    waot_extern_type type;
} waot_export_info;

/* How many imports and exports the module has, in declaration order.  Any
 * thread. */
uint32_t waot_module_import_count(const waot_module *module);
uint32_t waot_module_export_count(const waot_module *module);
/* Import or export number `index` (WAOT_ERROR_NOT_FOUND past the count).
 * Fills *out; nothing to free.  Any thread. */
waot_status waot_module_import(const waot_module *module, uint32_t index, waot_import_info *out);
waot_status waot_module_export(const waot_module *module, uint32_t index, waot_export_info *out);

/* ---- Linking ---- */

/* An empty linker, owned by the caller (waot_linker_free). */
waot_status waot_linker_new(waot_linker **out);
/* Frees the linker and drops its references on what it defined and on the
 * instances registered in it: instances that imported from it keep what
 * they imported.  NULL is ignored. */
void waot_linker_free(waot_linker *linker);

/* The definitions below copy the names (the caller keeps its strings) and
 * take their own reference on the object they define.  A later definition
 * of the same module and field shadows an earlier one.  Every define_* is
 * used by one thread at a time per linker. */

/* Makes every export of `instance` importable as module `name` (the
 * "all exports of another instance" import).  The linker holds a reference
 * on the instance, so the caller may free its own at once. */
waot_status waot_linker_define_instance(waot_linker *linker, const char *name,
                                        waot_instance *instance);
/* A host function of the given wasm type.  `fn` receives a closure whose
 * `user` is `user` and whose `caller` is the importing instance (see
 * waot_caller_memory).  The type arrays are copied; `user` is borrowed and
 * must outlive the instances that import the function.  `fn` runs on the
 * thread that called into wasm. */
waot_status waot_linker_define_func(waot_linker *linker, const char *module, const char *field,
                                    const uint8_t *params, uint32_t param_count,
                                    const uint8_t *results, uint32_t result_count,
                                    waot_abi_host_fn fn, void *user);
/* A new global, memory or table owned by the linker and importable as
 * module.field: the short form of waot_global_new (...) followed by
 * waot_linker_define_*_object, for when the host never touches it. */
waot_status waot_linker_define_global(waot_linker *linker, const char *module, const char *field,
                                      waot_value value, bool is_mutable);
waot_status waot_linker_define_memory(waot_linker *linker, const char *module, const char *field,
                                      uint64_t min_pages, uint64_t max_pages, bool has_max);
waot_status waot_linker_define_table(waot_linker *linker, const char *module, const char *field,
                                     uint32_t elem_type, uint32_t min, uint32_t max, bool has_max);
/* Makes an existing memory, table or global (host-created, or looked up in
 * an instance's exports) importable as module.field.  The linker takes its
 * own reference; the caller's handle stays the caller's. */
waot_status waot_linker_define_memory_object(waot_linker *linker, const char *module,
                                             const char *field, waot_memory *memory);
waot_status waot_linker_define_table_object(waot_linker *linker, const char *module,
                                            const char *field, waot_table *table);
waot_status waot_linker_define_global_object(waot_linker *linker, const char *module,
                                             const char *field, waot_global *global);

/* ---- Instances ---- */

/* Instantiates `module` against `linker` (NULL for a module without
 * imports).  On success *out is owned by the caller (waot_instance_free).
 * Fails with WAOT_ERROR_LINK when an import is missing or has the wrong
 * type (nothing has happened then), WAOT_ERROR_NOMEM when memory, tables or
 * address space run out, WAOT_ERROR_TRAP when a segment does not fit or the
 * start function traps.  In the last case the instance is not returned,
 * but effects on imported memories and tables remain, as the spec
 * requires.  Any thread; several threads may instantiate one module at
 * once (see the linker's rule above). */
waot_status waot_instantiate(waot_linker *linker, waot_module *module, waot_instance **out,
                             waot_error *err);
/* Drops the caller's reference.  Memories, tables and globals that other
 * instances or linkers imported live on with them.  NULL is ignored. */
void waot_instance_free(waot_instance *instance);

/* Calls the exported function `name`.  args/results must match its type in
 * count and types (WAOT_ERROR_ARGUMENT); a trap is WAOT_ERROR_TRAP with the
 * spec's message, after which the instance stays usable.  The instance's
 * thread only (one call at a time per instance; a host function may call
 * back into the instance that called it). */
waot_status waot_call(waot_instance *instance, const char *name, const waot_value *args,
                      size_t arg_count, waot_value *results, size_t result_count,
                      waot_error *err);

/* The type of exported function `name`: pointers into the module's
 * descriptor, valid while the module is loaded.  Any thread. */
waot_status waot_func_type(const waot_instance *instance, const char *name,
                           const waot_abi_functype **type);

/* Reads the exported global `name`.  The instance's thread. */
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

/* Exported function `name` as a handle for repeated calls: waot_call
 * without the lookup by name.  *out is owned by the caller
 * (waot_func_free) and holds a reference on the instance, which stays
 * alive until then.  Any thread; calls follow the instance's rule. */
waot_status waot_instance_func(waot_instance *instance, const char *name, waot_func **out);
/* Frees the handle and drops its reference on the instance.  NULL is
 * ignored. */
void waot_func_free(waot_func *func);
/* The function's type, borrowed from the module's descriptor. */
const waot_abi_functype *waot_func_functype(const waot_func *func);
/* Calls the function, as waot_call does (same checks, statuses and trap
 * reporting).  The instance's thread. */
waot_status waot_func_call(waot_func *func, const waot_value *args, size_t arg_count,
                           waot_value *results, size_t result_count, waot_error *err);

/* The exported memory, table or global `name` (WAOT_ERROR_NOT_FOUND when
 * there is no export of that name and kind).  *out is borrowed: valid while
 * the instance lives (longer if something else imported it).  Any thread;
 * using the object follows the instance's rule. */
waot_status waot_instance_memory(waot_instance *instance, const char *name, waot_memory **out);
waot_status waot_instance_table(waot_instance *instance, const char *name, waot_table **out);
waot_status waot_instance_global(waot_instance *instance, const char *name, waot_global **out);

/* ---- Stopping running code ---- */

/* Makes the call running in `instance` stop with WAOT_ERROR_TRAP and the
 * trap WAOT_TRAP_INTERRUPTED ("interrupted") at its next function entry or
 * loop iteration; if no call is running, the next call stops there.  Only
 * code compiled with interruption checks (waot_compile_options.interruptible,
 * `waot compile --interruptible`) can be stopped: WAOT_ERROR_ARGUMENT for
 * other modules.  Code of another instance that the call is running stops
 * when it returns into this one.  Any thread, and from a signal handler:
 * it is one atomic store. */
waot_status waot_instance_interrupt(waot_instance *instance);
/* Interrupts `instance` (as above) `nanoseconds` from now, unless set again
 * first; 0 disarms.  Setting it also drops an interrupt still pending from
 * before.  A runtime thread keeps the time, started by the first deadline
 * (WAOT_ERROR_NOMEM if it cannot be).  WAOT_ERROR_ARGUMENT for a module
 * without interruption checks.  Any thread. */
waot_status waot_instance_set_deadline(waot_instance *instance, uint64_t nanoseconds);

/* ---- Memories ---- */

/* A standalone memory of `min_pages` zeroed pages, owned by the caller
 * (waot_memory_free), importable through waot_linker_define_memory_object.
 * WAOT_ERROR_ARGUMENT for limits beyond 65536 pages or max < min,
 * WAOT_ERROR_NOMEM past the configured limit or when the address space
 * runs out. */
waot_status waot_memory_new(uint64_t min_pages, uint64_t max_pages, bool has_max,
                            waot_memory **out, waot_error *err);
/* Drops the caller's reference (instances that imported it keep theirs).
 * Only for handles from waot_memory_new. */
void waot_memory_free(waot_memory *memory);
/* The first byte of the memory.  The pointer never changes for the life of
 * the memory: growing (from the host or by memory.grow in wasm) makes more
 * pages of one fixed reservation accessible and never moves the base, so a
 * pointer taken before a grow stays valid after it.  Only the first
 * waot_memory_size() bytes are accessible. */
uint8_t *waot_memory_data(const waot_memory *memory);
/* The accessible size in bytes (a multiple of 65536); it only grows. */
uint64_t waot_memory_size(const waot_memory *memory);
/* The size in 64 KiB pages. */
uint64_t waot_memory_pages(const waot_memory *memory);
/* memory.grow from the host: adds `delta_pages` zeroed pages and stores the
 * old size in pages in *old_pages (when not NULL).  WAOT_ERROR_NOMEM past
 * the maximum (declared or configured) or when pages cannot be committed;
 * the memory is unchanged then.  The memory's thread. */
waot_status waot_memory_grow(waot_memory *memory, uint64_t delta_pages, uint64_t *old_pages);
/* Copies bytes between the memory and the host, checking bounds first
 * (WAOT_ERROR_NOT_FOUND when [offset, offset + size) is outside the memory;
 * nothing is copied then).  The memory's thread. */
waot_status waot_memory_read(const waot_memory *memory, uint64_t offset, void *out, size_t size);
waot_status waot_memory_write(waot_memory *memory, uint64_t offset, const void *bytes,
                              size_t size);

/* Memory `index` of the instance that called host function `closure`: how
 * a host function reads and writes its caller's linear memory.  Borrowed,
 * valid during the call (and while the instance lives); NULL when the
 * caller has no such memory. */
waot_memory *waot_caller_memory(const waot_abi_host_closure *closure, uint32_t index);
/* Ends the wasm call that called host function `closure` with the trap
 * WAOT_TRAP_HOST ("host function failed"): the embedder's waot_call returns
 * WAOT_ERROR_TRAP.  Only from inside a host function. */
__attribute__((noreturn)) void waot_host_trap(const waot_abi_host_closure *closure);

/* ---- Tables ---- */

/* A standalone table of `min` null references, owned by the caller
 * (waot_table_free).  elem_type is WAOT_ABI_FUNCREF or WAOT_ABI_EXTERNREF. */
waot_status waot_table_new(uint32_t elem_type, uint32_t min, uint32_t max, bool has_max,
                           waot_table **out, waot_error *err);
void waot_table_free(waot_table *table);
uint32_t waot_table_size(const waot_table *table);
uint32_t waot_table_elem_type(const waot_table *table);
/* Element `index` as a value of the table's element type
 * (WAOT_ERROR_NOT_FOUND out of bounds). */
waot_status waot_table_get(const waot_table *table, uint32_t index, waot_value *out);
/* Sets element `index`.  The value's type must be the table's element type
 * (WAOT_ERROR_ARGUMENT); a funcref must be NULL or one read from a table or
 * global of an instance that outlives its use. */
waot_status waot_table_set(waot_table *table, uint32_t index, waot_value value);
/* table.grow from the host: `delta` more elements set to `init`.  Fails with
 * WAOT_ERROR_NOMEM past the table's maximum (or out of memory), and with
 * WAOT_ERROR_ARGUMENT when `init` is not of the table's element type. */
waot_status waot_table_grow(waot_table *table, uint32_t delta, waot_value init,
                            uint32_t *old_size);

/* ---- Globals ---- */

/* A standalone global holding `value`, owned by the caller
 * (waot_global_free). */
waot_status waot_global_new(waot_value value, bool is_mutable, waot_global **out);
void waot_global_free(waot_global *global);
/* The global's value type and mutability. */
uint32_t waot_global_type(const waot_global *global);
bool waot_global_is_mutable(const waot_global *global);
/* Reads the global's current value. */
waot_value waot_global_value(const waot_global *global);
/* Writes it: WAOT_ERROR_ARGUMENT for an immutable global or a value of
 * another type. */
waot_status waot_global_set(waot_global *global, waot_value value);

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
 * copies what else it needs from `config` (the caller keeps its strings).
 * On success *out is owned by the caller (waot_wasi_free).  Any thread. */
waot_status waot_wasi_new(const waot_wasi_config *config, waot_wasi **out, waot_error *err);
/* Closes the guest's descriptors and frees the environment; no instance
 * importing its functions may run afterwards.  NULL is ignored. */
void waot_wasi_free(waot_wasi *wasi);

/* Defines every wasi_snapshot_preview1 function in `linker`, bound to
 * `wasi`, which must outlive the instances that import them.  proc_exit ends
 * the current call with WAOT_ERROR_EXIT and the status in exit_code.  The
 * linker's thread; the instances then use `wasi` from one thread at a
 * time. */
waot_status waot_wasi_define(waot_linker *linker, waot_wasi *wasi);

#ifdef __cplusplus
}
#endif

#endif
