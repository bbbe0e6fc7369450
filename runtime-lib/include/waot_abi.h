/*
 * The ABI between compiled code (aot/) and the runtime (runtime-lib/).
 *
 * This header is the only thing the two halves share.  It fixes:
 *  - the instance context every compiled function receives as its first
 *    argument, and the structures it points to (memories, tables, globals,
 *    function references).  The compiler reads fields at offsetof() of these
 *    structs, so the two sides cannot disagree;
 *  - how compiled code is called: every `code` pointer below (a wasm
 *    function or a host adapter) takes LLVM's Swift convention, its first
 *    argument, the context (a closure for an adapter), in %r13 as Swift's
 *    `self`, the wasm parameters and results in the System V registers.
 *    C reaches it through the trampolines, or as a function declared
 *    __attribute__((swiftcall)) with __attribute__((swift_context)) on the
 *    context (clang);
 *  - the runtime entry points compiled code calls (through the context, so a
 *    precompiled module has no undefined symbols and loads anywhere);
 *  - the module descriptor a precompiled module exports as the data symbol
 *    WAOT_ABI_MODULE_SYMBOL, from which the runtime instantiates it;
 *  - trap codes and the spec's messages for them.
 * Plain C, no LLVM.  Bump WAOT_ABI_VERSION on any change of layout or meaning.
 */
#ifndef WAOT_ABI_H
#define WAOT_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WAOT_ABI_VERSION 5u
/* "waot" little-endian: the first field of every module descriptor. */
#define WAOT_ABI_MAGIC 0x746f6177u
#define WAOT_ABI_MODULE_SYMBOL "waot_compiled_module"

/* Value types, by their WebAssembly binary encoding. */
enum {
    WAOT_ABI_I32 = 0x7f,
    WAOT_ABI_I64 = 0x7e,
    WAOT_ABI_F32 = 0x7d,
    WAOT_ABI_F64 = 0x7c,
    WAOT_ABI_V128 = 0x7b,
    WAOT_ABI_FUNCREF = 0x70,
    WAOT_ABI_EXTERNREF = 0x6f,
};

/* Kinds of import and export, by their binary encoding. */
enum {
    WAOT_ABI_EXTERN_FUNC = 0,
    WAOT_ABI_EXTERN_TABLE = 1,
    WAOT_ABI_EXTERN_MEMORY = 2,
    WAOT_ABI_EXTERN_GLOBAL = 3,
};

/* Why a call into wasm code stopped. */
typedef enum waot_abi_trap {
    WAOT_TRAP_NONE = 0,
    WAOT_TRAP_UNREACHABLE,           /* `unreachable` executed */
    WAOT_TRAP_MEMORY_OUT_OF_BOUNDS,  /* load, store or bulk memory op outside memory */
    WAOT_TRAP_DIVIDE_BY_ZERO,        /* integer div or rem by zero */
    WAOT_TRAP_INTEGER_OVERFLOW,      /* INT_MIN / -1 for div_s, float-to-int out of range */
    WAOT_TRAP_INVALID_CONVERSION,    /* float-to-int of NaN */
    WAOT_TRAP_TABLE_OUT_OF_BOUNDS,   /* table access or bulk table op outside the table */
    WAOT_TRAP_UNDEFINED_ELEMENT,     /* call_indirect index beyond the table */
    WAOT_TRAP_UNINITIALIZED_ELEMENT, /* call_indirect through a null entry */
    WAOT_TRAP_INDIRECT_TYPE_MISMATCH,/* call_indirect signature differs */
    WAOT_TRAP_STACK_EXHAUSTED,       /* recursion beyond the stack limit */
    WAOT_TRAP_HOST,                  /* a host function reported failure */
    WAOT_TRAP_INTERRUPTED,           /* the host interrupted the call (see ctx.interrupt) */
    WAOT_TRAP_COUNT
} waot_abi_trap;

/* The spec suite's message for a trap ("integer divide by zero", ...);
 * "unknown trap" for a code outside the enum. */
const char *waot_abi_trap_message(waot_abi_trap trap);

/* ---- Values and the structures the context points to ---- */

/* One value, as trampolines and host functions pass it: 16 bytes so a v128
 * fits.  References are pointers: a funcref is a `waot_abi_funcref *`, an
 * externref is whatever the host put there; NULL is the null reference. */
typedef union waot_abi_value {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
    uint8_t v128[16];
    void *ref;
} __attribute__((aligned(16))) waot_abi_value;

/* A function as a value: what a table element, ref.func and an import slot
 * hold.  `code` has the function's wasm signature with one leading pointer
 * argument: `results code(void *ctx, params...)`, where several results come
 * back as a struct of them in order.  `ctx` is what to pass there: the
 * owning instance's context for a wasm function, a waot_abi_host_closure for
 * a host function. */
typedef struct waot_abi_funcref {
    uint32_t type_id; /* canonical id of the type: equal ids, equal types, process-wide */
    void *code;
    void *ctx;
} waot_abi_funcref;

typedef struct waot_abi_memory {
    uint8_t *base;      /* start of the reservation; never moves */
    uint64_t size;      /* accessible bytes: pages * 65536 */
    uint64_t max_pages; /* the declared maximum, or the runtime's limit */
} waot_abi_memory;

/* One table element.  `ref` is the element itself: a waot_abi_funcref
 * pointer in a funcref table, the host's value in an externref table, NULL
 * for null.  A funcref element also carries copies of its reference's
 * fields, so call_indirect finds the callee in the element it indexed
 * rather than one load further through `ref`; a null element has type id 0,
 * which no type has, so one comparison rejects both null and a wrong type.
 * Write elements only through waot_abi_table_element_of. */
typedef struct waot_abi_table_element {
    void *ref;
    uint32_t type_id; /* funcref tables: ref's type id, or 0 when ref is NULL */
    void *code;       /* funcref tables: ref's code and ctx */
    void *ctx;
} waot_abi_table_element;

static inline waot_abi_table_element waot_abi_table_element_of(uint32_t elem_type, void *ref)
{
    waot_abi_table_element e = {ref, 0, NULL, NULL};
    if (elem_type == WAOT_ABI_FUNCREF && ref) {
        const waot_abi_funcref *f = (const waot_abi_funcref *)ref;
        e.type_id = f->type_id;
        e.code = f->code;
        e.ctx = f->ctx;
    }
    return e;
}

typedef struct waot_abi_table {
    waot_abi_table_element *elements; /* `size` entries */
    uint32_t size;
    uint32_t max;       /* UINT32_MAX when the table has no maximum */
} waot_abi_table;

/* A global's storage cell.  Imported globals point at the exporter's cell. */
typedef waot_abi_value waot_abi_global;

/* What a host function receives: its closure (fn, user data and the
 * instance that imported it, whose memory WASI reads), the arguments and room
 * for the results, both in the order of the function type. */
typedef struct waot_abi_host_closure waot_abi_host_closure;
typedef void (*waot_abi_host_fn)(waot_abi_host_closure *closure, const waot_abi_value *args,
                                 waot_abi_value *results);
struct waot_abi_host_closure {
    /* First, like in a context: a caller copies its stack limit into the
     * callee's ctx before calling an import, not knowing whether the callee
     * is wasm (a context) or host (a closure); here the copy is harmless. */
    uintptr_t stack_limit;
    /* What compiled code calls: the runtime's shim, which calls `target`
     * (a trap raised inside a host function needs to know where the wasm
     * frames below it are). */
    waot_abi_host_fn fn;
    void *user;
    struct waot_abi_context *caller; /* the importing instance's context */
    waot_abi_host_fn target;         /* the host function itself */
};

struct waot_abi_context;

/* Runtime entry points compiled code calls.  All take the calling
 * instance's context; the bulk operations trap (never return) on bounds
 * failures, with the spec's trap. */
typedef struct waot_abi_runtime {
    __attribute__((noreturn)) void (*trap)(struct waot_abi_context *ctx, uint32_t trap);
    int32_t (*memory_grow)(struct waot_abi_context *ctx, uint32_t memory, uint32_t delta_pages);
    void (*memory_init)(struct waot_abi_context *ctx, uint32_t memory, uint32_t data,
                        uint32_t dst, uint32_t src, uint32_t n);
    void (*data_drop)(struct waot_abi_context *ctx, uint32_t data);
    void (*table_init)(struct waot_abi_context *ctx, uint32_t table, uint32_t elem,
                       uint32_t dst, uint32_t src, uint32_t n);
    void (*elem_drop)(struct waot_abi_context *ctx, uint32_t elem);
    void (*table_copy)(struct waot_abi_context *ctx, uint32_t dst_table, uint32_t src_table,
                       uint32_t dst, uint32_t src, uint32_t n);
    int32_t (*table_grow)(struct waot_abi_context *ctx, uint32_t table, void *init,
                          uint32_t delta);
    void (*table_fill)(struct waot_abi_context *ctx, uint32_t table, uint32_t dst, void *value,
                       uint32_t n);
    /* `trap` about table element `index`: the message names the element
     * ("uninitialized element 2"), as the spec's reference does. */
    __attribute__((noreturn)) void (*trap_element)(struct waot_abi_context *ctx, uint32_t trap,
                                                   uint32_t index);
} waot_abi_runtime;

/* The instance context: the first argument of every compiled function. */
typedef struct waot_abi_context {
    /* Compiled code traps when its frame address is below this.  The runtime
     * sets it on entry from the host; a call to an imported function copies
     * the caller's value into the callee's ctx (see waot_abi_host_closure),
     * so a chain of instances on one thread shares the thread's limit. */
    uintptr_t stack_limit;
    uint8_t *memory0_base;            /* memories[0]->base, cached: loads and stores use it */
    /* tables[0]->elements as instantiated.  Compiled code uses it only for a
     * table 0 whose declared maximum is its minimum: one that can never
     * grow, so its elements never move (call_indirect saves two loads). */
    waot_abi_table_element *table0_elements;
    const waot_abi_runtime *runtime;  /* the entry points above */
    waot_abi_memory **memories;       /* memory index -> memory (imported ones are shared) */
    waot_abi_table **tables;          /* table index -> table */
    waot_abi_global **globals;        /* global index -> cell */
    waot_abi_funcref *funcs;          /* function index -> reference; imports are bound here */
    const uint32_t *type_ids;         /* type index -> canonical type id */
    void *instance;                   /* the runtime's own instance record (opaque here) */
    /* Nonzero once the host asked the instance to stop.  Code compiled with
     * interruption checks (WAOT_ABI_MODULE_INTERRUPTIBLE) reads it at every
     * function entry and loop iteration, clears it and traps with
     * WAOT_TRAP_INTERRUPTED; other code never reads it.  Written from any
     * thread, so read with volatile loads. */
    uint32_t interrupt;
    /* The cells of the globals the module defines and does not export, at
     * their global index (the other slots are unused and need no room past
     * the last private one): compiled code reaches them at a constant offset
     * from ctx instead of through a cell pointer.  A global that other
     * instances or the host can see has a cell of its own, and ctx->globals
     * points at each global's cell either way. */
    waot_abi_global private_globals[];
} waot_abi_context;

/* What compiled code does before calling through a waot_abi_funcref: the
 * callee's ctx, a context or a host closure, gets the caller's stack limit
 * in the first field both have. */
static inline void waot_abi_pass_stack_limit(void *callee_ctx, uintptr_t stack_limit)
{
    *(uintptr_t *)callee_ctx = stack_limit;
}

/* ---- The module descriptor ---- */

typedef struct waot_abi_name {
    const char *bytes; /* UTF-8, not NUL terminated */
    uint32_t len;
} waot_abi_name;

typedef struct waot_abi_limits {
    uint64_t min;
    uint64_t max;
    uint32_t has_max;
} waot_abi_limits;

/* A typed value: `type` is a value type code (WAOT_ABI_I32 ...).  The
 * embedding API's value (waot.h), and what trampolines read and write. */
typedef struct waot_value {
    uint32_t type;
    waot_abi_value of;
} waot_value;

/* Calls `code` (a function of this type) with `ctx`, reading the arguments
 * from args[i].of and writing the results to results[i].of (the types are
 * the caller's to check and set): how the runtime calls any compiled
 * function without knowing its signature.  The embedding API passes its
 * callers' arrays straight through. */
typedef void (*waot_abi_trampoline)(void *code, void *ctx, const waot_value *args,
                                    waot_value *results);

typedef struct waot_abi_functype {
    uint32_t param_count;
    uint32_t result_count;
    const uint8_t *types;            /* params then results, as value type codes */
    waot_abi_trampoline trampoline;
    /* Code with this type's wasm signature that calls a host function: its
     * ctx argument is a waot_abi_host_closure. */
    void *host_adapter;
} waot_abi_functype;

/* A constant expression of WebAssembly 2.0: one instruction. */
enum {
    WAOT_ABI_CONST_VALUE = 0,  /* `value` of `type` (numeric and v128 constants) */
    WAOT_ABI_CONST_GLOBAL_GET, /* the value of global `index` */
    WAOT_ABI_CONST_REF_NULL,   /* the null reference of `type` */
    WAOT_ABI_CONST_REF_FUNC,   /* a reference to function `index` */
};

typedef struct waot_abi_const {
    uint32_t kind;  /* WAOT_ABI_CONST_* */
    uint32_t type;  /* the value type */
    uint32_t index;
    waot_abi_value value;
} waot_abi_const;

typedef struct waot_abi_import {
    waot_abi_name module;
    waot_abi_name field;
    uint32_t kind;        /* WAOT_ABI_EXTERN_* */
    uint32_t index;       /* index in its own kind's index space */
} waot_abi_import;

typedef struct waot_abi_func {
    uint32_t type_index;
    uint32_t imported;
    void *code;           /* NULL for imports */
    const char *name;     /* from the name section, NUL terminated, or NULL */
} waot_abi_func;

typedef struct waot_abi_table_type {
    uint32_t elem_type;   /* funcref or externref */
    uint32_t imported;
    waot_abi_limits limits;
} waot_abi_table_type;

typedef struct waot_abi_memory_type {
    uint32_t imported;
    waot_abi_limits limits; /* in 64 KiB pages */
} waot_abi_memory_type;

typedef struct waot_abi_global_type {
    uint32_t type;
    uint32_t is_mutable;
    uint32_t imported;
    waot_abi_const init;  /* defined globals only */
} waot_abi_global_type;

typedef struct waot_abi_export {
    waot_abi_name name;
    uint32_t kind;
    uint32_t index;
} waot_abi_export;

enum { WAOT_ABI_SEGMENT_ACTIVE = 0, WAOT_ABI_SEGMENT_PASSIVE, WAOT_ABI_SEGMENT_DECLARATIVE };

typedef struct waot_abi_elem {
    uint32_t mode;
    uint32_t elem_type;
    uint32_t table_index;
    uint32_t count;
    waot_abi_const offset;        /* active only */
    const waot_abi_const *items;  /* `count` references: REF_FUNC, REF_NULL or GLOBAL_GET */
} waot_abi_elem;

typedef struct waot_abi_data {
    uint32_t mode;
    uint32_t memory_index;
    uint32_t size;
    waot_abi_const offset;        /* active only */
    const uint8_t *bytes;
} waot_abi_data;

#define WAOT_ABI_NO_START UINT32_MAX
/* waot_abi_module.flags: the code checks ctx.interrupt, so the host can stop it. */
#define WAOT_ABI_MODULE_INTERRUPTIBLE 1u

typedef struct waot_abi_module {
    uint32_t magic;               /* WAOT_ABI_MAGIC */
    uint32_t abi_version;         /* WAOT_ABI_VERSION of the compiler */
    const char *compiler_version; /* "waot 0.1.0 (LLVM 19.1.7)" */
    const char *target_triple;
    const char *cpu_name;
    const char *cpu_features;     /* LLVM feature string, "+sse4.2,+avx2,..." */
    uint8_t wasm_sha256[32];      /* of the source .wasm */

    uint32_t type_count;
    uint32_t import_count;
    uint32_t func_count;          /* imports included, as in every index space below */
    uint32_t table_count;
    uint32_t memory_count;
    uint32_t global_count;
    uint32_t export_count;
    uint32_t elem_count;
    uint32_t data_count;
    uint32_t start_func;          /* WAOT_ABI_NO_START when there is none */
    uint32_t flags;               /* WAOT_ABI_MODULE_* */

    const waot_abi_functype *types;
    const waot_abi_import *imports;
    const waot_abi_func *funcs;
    const waot_abi_table_type *tables;
    const waot_abi_memory_type *memories;
    const waot_abi_global_type *globals;
    const waot_abi_export *exports;
    const waot_abi_elem *elems;
    const waot_abi_data *datas;
} waot_abi_module;

#ifdef __cplusplus
}
#endif

#endif
