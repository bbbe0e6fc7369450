/*
 * What the lowering files share: the state of one module being lowered to
 * LLVM IR and of the function being lowered within it.
 *
 * Lowering walks a validated body once, keeping a stack of LLVM values that
 * mirrors the wasm operand stack and a stack of control frames.  Locals and
 * the values that flow into block ends and loop heads live in allocas, which
 * SROA turns back into SSA values and phis; the lowering never builds a phi
 * itself.  Code after an unconditional branch is skipped up to the end of
 * its block, so no instruction is lowered without a live insertion point.
 *
 * Each opcode family has a file (lower_control.c, lower_numeric.c, ...) with
 * one entry point, chosen by the family column of opcodes.def.
 */
#ifndef AOT_LOWER_H
#define AOT_LOWER_H

#include "arena.h"
#include "error.h"
#include "instr.h"
#include "module.h"
#include "waot_abi.h"

#include <llvm-c/Core.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The section every compiled function goes into.  A C identifier, so the
 * linker defines __start_/__stop_ symbols for it: a program that links
 * compiled code in statically registers that range as wasm code with the
 * runtime's fault handler, and nothing else. */
#define AOT_CODE_SECTION "waot_code"
/* Bytes every wasm function's code is aligned to: a cache line. */
#define AOT_FUNCTION_ALIGNMENT 64

typedef struct lower_module {
    const aot_module *m;
    LLVMContextRef llvm;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    aot_error *err;
    LLVMTypeRef t_void, t_i1, t_i8, t_i16, t_i32, t_i64, t_f32, t_f64, t_v128, t_ptr, t_intptr;
    LLVMTypeRef *func_types;   /* per type index: results (ptr ctx, params...) */
    LLVMValueRef *funcs;       /* per function index: the LLVM function; NULL for imports */
    bool *global_private;      /* per global index: defined and not exported, so its cell
                                * is ctx->private_globals[index] (waot_abi.h) */
    LLVMTypeRef trap_fn_type;  /* void (ptr, i32), noreturn */
    bool interruptible;        /* poll ctx->interrupt at function entries and loop heads */
    unsigned kind_cold, kind_noreturn, kind_nounwind, kind_dereferenceable, kind_swiftself;
    unsigned md_invariant_load, md_dereferenceable; /* metadata kinds */
} lower_module;

typedef struct lower_frame {
    aot_opcode op;               /* BLOCK, LOOP, IF, ELSE; BLOCK for the body */
    LLVMBasicBlockRef end;       /* where control continues after the construct */
    LLVMBasicBlockRef loop_head; /* LOOP: the branch target */
    LLVMBasicBlockRef else_block;/* IF: the false branch, until `else` is seen */
    uint32_t height;             /* operand stack height below the frame's params */
    uint32_t param_count, result_count;
    const aot_valtype *params, *results;
    LLVMValueRef *param_slots;   /* LOOP: allocas receiving the params on entry and on `br` */
    LLVMValueRef *result_slots;  /* allocas receiving the results at `end` and on `br` */
    LLVMValueRef *if_params;     /* IF: the param values, replayed at `else` */
} lower_frame;

typedef struct lower_func {
    lower_module *lm;
    aot_arena *arena;            /* reset after each function */
    uint32_t func_index;
    const aot_functype *type;
    LLVMValueRef fn;
    LLVMValueRef ctx;            /* the first parameter */
    LLVMValueRef memory_base;    /* memory 0's base, loaded once in the entry block */
    LLVMBasicBlockRef alloca_block; /* allocas go here, ahead of all code */
    LLVMValueRef *locals;        /* allocas, params first */
    aot_valtype *local_types;
    uint32_t local_count;
    LLVMValueRef *stack;
    uint32_t stack_count, stack_capacity;
    lower_frame *frames;
    uint32_t frame_count, frame_capacity;
    bool dead;                   /* after br/return/unreachable, until the block ends */
    uint32_t dead_depth;         /* blocks opened inside dead code */
    LLVMBasicBlockRef trap_blocks[WAOT_TRAP_COUNT];
    const aot_instr *in;         /* the instruction being lowered */
} lower_func;

/* ---- lower.c: the driver and the helpers every family uses ---- */

bool lower_init_module(lower_module *lm, const aot_module *m, LLVMContextRef llvm,
                       const char *name, aot_error *err);
void lower_dispose_module(lower_module *lm);
/* Puts generated function `fn` in the code section, with the attributes
 * all compiled code has (nounwind, frame pointers). */
void lower_place_code(lower_module *lm, LLVMValueRef fn);
/* Gives `fn`, a function wasm code calls (a wasm function or a host
 * adapter), compiled code's calling convention: LLVM's Swift convention
 * with the context (or closure) as its `swiftself` parameter, in %r13.
 * %r13 is callee-saved, so a caller that passes its own context on, as
 * nearly every call does, finds it still there afterwards, instead of
 * parking it in another callee-saved register around each call and moving
 * it back for the next.  The other parameters and the results travel in
 * the System V registers.  lower_call_values makes its calls the same way. */
void lower_use_wasm_convention(lower_module *lm, LLVMValueRef fn);
/* Declares every defined function; then lowers the bodies [first, end). */
bool lower_functions(lower_module *lm, uint32_t first, uint32_t end);

LLVMTypeRef lower_type(lower_module *lm, aot_valtype t);
/* The LLVM type of a function's results: void, the one type, or a struct. */
LLVMTypeRef lower_results_type(lower_module *lm, uint32_t count, const aot_valtype *types);

static inline void lower_push(lower_func *f, LLVMValueRef v)
{
    f->stack[f->stack_count++] = v; /* capacity ensured per instruction */
}
static inline LLVMValueRef lower_pop(lower_func *f)
{
    return f->stack[--f->stack_count];
}
static inline LLVMValueRef lower_top(lower_func *f)
{
    return f->stack[f->stack_count - 1];
}

/* Loads a field of the instance context (`offset` from waot_abi.h). */
LLVMValueRef lower_ctx_load(lower_func *f, LLVMValueRef ctx, size_t offset, LLVMTypeRef type,
                            const char *name);
/* lower_ctx_load of a field that never changes while the instance's code
 * can run (the context's arrays, memory bases, function references, type
 * ids): marked invariant, so LLVM may reuse one load across calls and
 * stores and hoist it out of loops. */
LLVMValueRef lower_ctx_load_fixed(lower_func *f, LLVMValueRef ctx, size_t offset,
                                  LLVMTypeRef type, const char *name);
/* lower_ctx_load_fixed of a pointer to `bytes` bytes that are always
 * there (0: unknown), so LLVM may load through it early too. */
LLVMValueRef lower_ctx_load_pointer(lower_func *f, LLVMValueRef ctx, size_t offset,
                                    uint64_t bytes, const char *name);
/* ptr + offset bytes. */
LLVMValueRef lower_gep(lower_func *f, LLVMValueRef ptr, LLVMValueRef offset, const char *name);
LLVMValueRef lower_gep_const(lower_func *f, LLVMValueRef ptr, uint64_t offset, const char *name);
/* Loads a runtime entry point (offsetof(waot_abi_runtime, x)). */
LLVMValueRef lower_runtime_fn(lower_func *f, size_t offset);

/* A plain load of linear memory at alignment 1 (lower_memory.c). */
LLVMValueRef lower_memory_load(lower_func *f, LLVMTypeRef type, LLVMValueRef address);
/* Once the optimiser has run: turns the asm that kept each integer or
 * vector load through it into a volatile load, which the code generator
 * keeps as well (see the top of lower_memory.c). */
void lower_release_kept_loads(LLVMModuleRef mod);

/* Table `index`'s size, and the address of its waot_abi_table_element `i`
 * (unchecked) (lower_table.c). */
LLVMValueRef lower_table_size(lower_func *f, uint32_t index);
LLVMValueRef lower_table_slot(lower_func *f, uint32_t index, LLVMValueRef i);
/* The address of `field` of the element at `slot`. */
#define lower_element_field(f, slot, field)                                                    \
    lower_gep_const(f, slot, offsetof(waot_abi_table_element, field), #field)

/* Ends the current block with a branch to `rare` when `cond` holds (marked
 * unlikely), to `usual` otherwise. */
void lower_branch_unlikely(lower_func *f, LLVMValueRef cond, LLVMBasicBlockRef rare,
                           LLVMBasicBlockRef usual);
/* Branches to the function's cold block for `trap` when `cond` holds. */
void lower_trap_if(lower_func *f, LLVMValueRef cond, waot_abi_trap trap);
/* The function's one block that raises `trap`, for branches of its own. */
LLVMBasicBlockRef lower_trap_block(lower_func *f, waot_abi_trap trap);
/* Like lower_trap_if, for a trap about table element `index` (an i32):
 * the runtime's message names the element. */
void lower_trap_element_if(lower_func *f, LLVMValueRef cond, waot_abi_trap trap,
                           LLVMValueRef index);
/* Ends the current block with an unconditional trap. */
void lower_trap(lower_func *f, waot_abi_trap trap);

/* Calls the overloaded intrinsic `name` (e.g. "llvm.ctlz") specialised on
 * `overloads`. */
LLVMValueRef lower_intrinsic(lower_func *f, const char *name, LLVMTypeRef *overloads,
                             unsigned overload_count, LLVMValueRef *args, unsigned arg_count);

LLVMValueRef lower_const_i32(lower_func *f, uint32_t v);
LLVMValueRef lower_const_i64(lower_func *f, uint64_t v);
/* An alloca in the entry block. */
LLVMValueRef lower_alloca(lower_func *f, LLVMTypeRef type, const char *name);

bool lower_fail(lower_func *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- The families: each lowers one instruction of its rows ---- */

bool lower_control(lower_func *f, const aot_instr *in);
bool lower_call(lower_func *f, const aot_instr *in);
bool lower_variable(lower_func *f, const aot_instr *in);
bool lower_memory(lower_func *f, const aot_instr *in);
bool lower_numeric(lower_func *f, const aot_instr *in);
bool lower_conversion(lower_func *f, const aot_instr *in);
bool lower_parametric(lower_func *f, const aot_instr *in);
bool lower_table(lower_func *f, const aot_instr *in);
bool lower_reference(lower_func *f, const aot_instr *in);
bool lower_simd(lower_func *f, const aot_instr *in);
bool lower_simd_int(lower_func *f, const aot_instr *in);

/* lower_control.c, for the driver: opens the function's own frame, and
 * finishes the function at its final `end`. */
bool lower_control_begin_function(lower_func *f);

/* lower_call.c, for the descriptor: calls `callee` (a function pointer of
 * wasm type `type`) with `callee_ctx` and args, returning its results as
 * separate values in out[] (type->result_count of them). */
bool lower_call_values(lower_func *f, const aot_functype *type, LLVMTypeRef fn_type,
                       LLVMValueRef callee, LLVMValueRef callee_ctx, LLVMValueRef *args,
                       LLVMValueRef *out);

#endif
