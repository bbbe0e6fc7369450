/*
 * The memory family: loads and stores of every width, memory.size,
 * memory.grow and the bulk memory operations (memory.init, data.drop,
 * memory.copy, memory.fill).
 *
 * Loads and stores are bounds-checked by guard pages (DESIGN.md): the
 * effective address is base + zext(address) + offset, which for a 32-bit
 * address and offset can never leave the runtime's reservation, so no
 * check is emitted and an access beyond the memory's size faults in the
 * guard, where the runtime's signal handler turns it into the trap.  That
 * makes every load a possible trap, which LLVM does not know: it deletes a
 * load whose value ends up unused, and a value can end up unused in more
 * ways than an analysis of the wasm could foresee: `drop`, a local
 * overwritten before it is read, x * 0, x & 0, x ^ x, a select of equal
 * arms, a comparison LLVM knows the answer to, a br_if to where the block
 * goes anyway, an i64 load of which only the low half is used (narrowed to
 * a 32-bit load that may miss the guard).  So every load's value is kept
 * through the optimiser: an empty inline asm with side effects takes it as
 * a register operand (memory_keep_load), which LLVM can neither delete nor
 * satisfy without doing the whole load.  The asm touches no memory LLVM
 * can see, so loads stay plain otherwise: LLVM still forwards stores to
 * loads, merges repeated loads and hoists invariant ones (each of which
 * leaves an access to the same bytes that faults the same way), which
 * volatile loads would forbid.  It does stop the loop vectoriser at loops
 * that load.  Once the optimiser is done (lower_release_kept_loads), most
 * loads trade the asm for volatile: the code generator neither deletes nor
 * narrows a volatile load, where the asm would pin the value in a register
 * and fence the scheduler (the interp benchmark ran 1.19x slower with it).
 * On a target whose register constraints are not known here loads are
 * volatile from the start.  A plain load is never speculated (LLVM cannot
 * prove the address dereferenceable), so it still runs only where wasm
 * runs it.  Stores stay plain: LLVM only deletes a store that a later
 * store to the same bytes overwrites, and that one faults the same way.
 * Every access is built with alignment 1: the wasm alignment is only a
 * hint, and LLVM may assume any alignment it is told.
 *
 * memory.size reads the memory's size from the context; memory.copy and
 * memory.fill check their ranges inline and become llvm.memmove and
 * llvm.memset; memory.grow, memory.init and data.drop call the runtime's
 * entry points, which do their own bounds checks and trap.
 */
#include "lower.h"

#include <string.h>

/* A load or store: `bits` in memory (0: the value's own width), loads
 * sign- or zero-extending them to the value's type, stores keeping the low
 * `bits` of the value. */
typedef enum memory_kind { MEMORY_UNLISTED = 0, MEMORY_LOAD, MEMORY_STORE } memory_kind;

typedef struct memory_access {
    memory_kind kind;
    unsigned bits;
    bool sign_extend;
} memory_access;

#define LOAD(memory_bits, sign) {.kind = MEMORY_LOAD, .bits = (memory_bits), .sign_extend = (sign)}
#define STORE(memory_bits) {.kind = MEMORY_STORE, .bits = (memory_bits)}

static const memory_access memory_accesses[AOT_OP_COUNT] = {
    [AOT_OP_I32_LOAD] = LOAD(0, false),
    [AOT_OP_I64_LOAD] = LOAD(0, false),
    [AOT_OP_F32_LOAD] = LOAD(0, false),
    [AOT_OP_F64_LOAD] = LOAD(0, false),
    [AOT_OP_I32_LOAD8_S] = LOAD(8, true),
    [AOT_OP_I32_LOAD8_U] = LOAD(8, false),
    [AOT_OP_I32_LOAD16_S] = LOAD(16, true),
    [AOT_OP_I32_LOAD16_U] = LOAD(16, false),
    [AOT_OP_I64_LOAD8_S] = LOAD(8, true),
    [AOT_OP_I64_LOAD8_U] = LOAD(8, false),
    [AOT_OP_I64_LOAD16_S] = LOAD(16, true),
    [AOT_OP_I64_LOAD16_U] = LOAD(16, false),
    [AOT_OP_I64_LOAD32_S] = LOAD(32, true),
    [AOT_OP_I64_LOAD32_U] = LOAD(32, false),
    [AOT_OP_I32_STORE] = STORE(0),
    [AOT_OP_I64_STORE] = STORE(0),
    [AOT_OP_F32_STORE] = STORE(0),
    [AOT_OP_F64_STORE] = STORE(0),
    [AOT_OP_I32_STORE8] = STORE(8),
    [AOT_OP_I32_STORE16] = STORE(16),
    [AOT_OP_I64_STORE8] = STORE(8),
    [AOT_OP_I64_STORE16] = STORE(16),
    [AOT_OP_I64_STORE32] = STORE(32),
};

/* memories[index], the runtime's record of a memory. */
static LLVMValueRef memory_record(lower_func *f, uint32_t index)
{
    LLVMValueRef memories = lower_ctx_load_pointer(
        f, f->ctx, offsetof(waot_abi_context, memories),
        (uint64_t)f->lm->m->memory_count * sizeof(waot_abi_memory *), "memories");
    return lower_ctx_load_pointer(f, memories, (size_t)index * sizeof(waot_abi_memory *),
                                  sizeof(waot_abi_memory), "memory");
}

/* Where memory `index` starts: memory 0's base is loaded once per function,
 * the others' on use (their bases never move either). */
static LLVMValueRef memory_base(lower_func *f, uint32_t index)
{
    if (index == 0)
        return f->memory_base;
    return lower_ctx_load_fixed(f, memory_record(f, index), offsetof(waot_abi_memory, base),
                                f->lm->t_ptr, "memory_base");
}

/* The host address of the access at wasm `address` (an i32) + `offset`.
 * The sum is done in 64 bits, where it cannot wrap. */
static LLVMValueRef memory_effective_address(lower_func *f, const aot_memarg *memarg,
                                             LLVMValueRef address)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef index = LLVMBuildZExt(b, address, f->lm->t_i64, "");
    if (memarg->offset != 0)
        index = LLVMBuildNUWAdd(b, index, lower_const_i64(f, memarg->offset), "");
    return lower_gep(f, memory_base(f, memarg->memory_index), index, "address");
}

static LLVMTypeRef memory_access_type(lower_func *f, const memory_access *access,
                                      LLVMTypeRef value_type)
{
    return access->bits ? LLVMIntTypeInContext(f->lm->llvm, access->bits) : value_type;
}

/* The register class an inline asm operand of `type` goes in on the
 * module's target ("r" for integers; "x" for floats and vectors on x86-64,
 * "w" on AArch64), or NULL where this file does not know it. */
static const char *memory_register_constraint(lower_func *f, LLVMTypeRef type)
{
    const char *triple = LLVMGetTarget(f->lm->mod);
    bool x86 = strncmp(triple, "x86_64", 6) == 0;
    bool aarch64 = strncmp(triple, "aarch64", 7) == 0 || strncmp(triple, "arm64", 5) == 0;
    if (LLVMGetTypeKind(type) == LLVMIntegerTypeKind && (x86 || aarch64))
        return "r";
    return x86 ? "x" : aarch64 ? "w" : NULL;
}

/* Makes `load` impossible to delete (see the top of this file): an empty
 * asm that has side effects, only on memory LLVM cannot otherwise see,
 * takes its value in a register.  Where no register constraint is known
 * the load becomes volatile instead. */
static void memory_keep_load(lower_func *f, LLVMValueRef load)
{
    lower_module *lm = f->lm;
    LLVMValueRef value = load;
    LLVMTypeRef type = LLVMTypeOf(load);
    /* The half vectors v128.load8x8_s and the like extend (<8 x i8>, ...)
     * have no register class of their own on x86: as an i64 they do. */
    if (LLVMGetTypeKind(type) == LLVMVectorTypeKind &&
        LLVMGetVectorSize(type) * LLVMGetIntTypeWidth(LLVMGetElementType(type)) == 64) {
        type = lm->t_i64;
        value = LLVMBuildBitCast(lm->b, load, type, "");
    }
    const char *constraint = memory_register_constraint(f, type);
    if (!constraint) {
        LLVMSetVolatile(load, true);
        return;
    }
    LLVMTypeRef fn_type = LLVMFunctionType(lm->t_void, &type, 1, false);
    LLVMValueRef sink = LLVMGetInlineAsm(fn_type, "", 0, constraint, strlen(constraint), true,
                                         false, LLVMInlineAsmDialectATT, false);
    LLVMValueRef call = LLVMBuildCall2(lm->b, fn_type, sink, &value, 1, "");
    /* memory(inaccessiblemem: readwrite): ModRef (3) for the inaccessible
     * location, which is the second of LLVM's two-bit fields. */
    unsigned memory = LLVMGetEnumAttributeKindForName("memory", 6);
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, memory, 3u << 2));
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateEnumAttribute(lm->llvm, lm->kind_nounwind, 0));
}

LLVMValueRef lower_memory_load(lower_func *f, LLVMTypeRef type, LLVMValueRef address)
{
    LLVMValueRef v = LLVMBuildLoad2(f->lm->b, type, address, "");
    LLVMSetAlignment(v, 1);
    memory_keep_load(f, v);
    return v;
}

static void memory_load(lower_func *f, const aot_instr *in, const memory_access *access)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef value_type = lower_type(f->lm, aot_opcode_infos[in->op].result);
    LLVMValueRef address = memory_effective_address(f, &in->imm.memarg, lower_pop(f));
    LLVMValueRef v = lower_memory_load(f, memory_access_type(f, access, value_type), address);
    if (access->bits)
        v = access->sign_extend ? LLVMBuildSExt(b, v, value_type, "")
                                : LLVMBuildZExt(b, v, value_type, "");
    lower_push(f, v);
}

static void memory_store(lower_func *f, const aot_instr *in, const memory_access *access)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef v = lower_pop(f);
    LLVMValueRef address = memory_effective_address(f, &in->imm.memarg, lower_pop(f));
    if (access->bits)
        v = LLVMBuildTrunc(b, v, memory_access_type(f, access, LLVMTypeOf(v)), "");
    LLVMSetAlignment(LLVMBuildStore(b, v, address), 1);
}

/* The size in pages: the byte size (always a multiple of 64 KiB, at most
 * 2^32) shifted down by 16, which fits an i32. */
static LLVMValueRef memory_size(lower_func *f, uint32_t index)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef bytes = lower_ctx_load(f, memory_record(f, index),
                                        offsetof(waot_abi_memory, size), f->lm->t_i64, "bytes");
    LLVMValueRef pages = LLVMBuildLShr(b, bytes, lower_const_i64(f, 16), "");
    return LLVMBuildTrunc(b, pages, f->lm->t_i32, "pages");
}

/* Calls the runtime entry point at `offset` in waot_abi_runtime with the
 * context and then args[], whose LLVM types give the parameter types. */
static LLVMValueRef memory_call_runtime(lower_func *f, size_t offset, LLVMTypeRef result_type,
                                        LLVMValueRef *args, unsigned arg_count)
{
    LLVMValueRef all_args[arg_count + 1];
    LLVMTypeRef param_types[arg_count + 1];
    all_args[0] = f->ctx;
    for (unsigned i = 0; i < arg_count; i++)
        all_args[i + 1] = args[i];
    for (unsigned i = 0; i <= arg_count; i++)
        param_types[i] = LLVMTypeOf(all_args[i]);
    LLVMTypeRef fn_type = LLVMFunctionType(result_type, param_types, arg_count + 1, false);
    return LLVMBuildCall2(f->lm->b, fn_type, lower_runtime_fn(f, offset), all_args,
                          arg_count + 1, "");
}

/* A bulk operation: calls the runtime entry point at `offset` with the
 * instruction's immediates (as i32 constants) and then the three wasm
 * operands [dst src-or-value n], in stack order. */
static void memory_bulk(lower_func *f, size_t offset, const uint32_t *immediates,
                        unsigned immediate_count)
{
    LLVMValueRef args[immediate_count + 3];
    for (unsigned i = 0; i < immediate_count; i++)
        args[i] = lower_const_i32(f, immediates[i]);
    for (unsigned i = immediate_count + 3; i-- > immediate_count;)
        args[i] = lower_pop(f);
    memory_call_runtime(f, offset, f->lm->t_void, args, immediate_count + 3);
}

/* The host address of bytes [at, at + n) of memory `index` (i32 operands),
 * after trapping if they are not all inside it.  The sum is done in 64
 * bits, where it cannot wrap; n == 0 still needs `at` within the size. */
static LLVMValueRef memory_checked_range(lower_func *f, uint32_t index, LLVMValueRef at,
                                         LLVMValueRef n)
{
    lower_module *lm = f->lm;
    LLVMValueRef start = LLVMBuildZExt(lm->b, at, lm->t_i64, "");
    LLVMValueRef end = LLVMBuildNUWAdd(lm->b, start, LLVMBuildZExt(lm->b, n, lm->t_i64, ""), "");
    LLVMValueRef size = lower_ctx_load(f, memory_record(f, index), offsetof(waot_abi_memory, size),
                                       lm->t_i64, "bytes");
    lower_trap_if(f, LLVMBuildICmp(lm->b, LLVMIntUGT, end, size, ""),
                  WAOT_TRAP_MEMORY_OUT_OF_BOUNDS);
    return lower_gep(f, memory_base(f, index), start, "range");
}

/* memory.copy is inline: both ranges are checked before a byte moves (the
 * spec's order), then llvm.memmove does the copy, which LLVM expands for a
 * small constant length and otherwise calls the C library's memmove. */
static void memory_copy(lower_func *f, uint32_t dst_memory, uint32_t src_memory)
{
    lower_module *lm = f->lm;
    LLVMValueRef n = lower_pop(f), src = lower_pop(f), dst = lower_pop(f);
    LLVMValueRef to = memory_checked_range(f, dst_memory, dst, n);
    LLVMValueRef from = memory_checked_range(f, src_memory, src, n);
    LLVMTypeRef overloads[] = {lm->t_ptr, lm->t_ptr, lm->t_i64};
    LLVMValueRef args[] = {to, from, LLVMBuildZExt(lm->b, n, lm->t_i64, ""),
                           LLVMConstInt(LLVMInt1TypeInContext(lm->llvm), 0, false)};
    lower_intrinsic(f, "llvm.memmove", overloads, 3, args, 4);
}

/* memory.fill, inline like memory.copy. */
static void memory_fill(lower_func *f, uint32_t memory)
{
    lower_module *lm = f->lm;
    LLVMValueRef n = lower_pop(f), value = lower_pop(f), dst = lower_pop(f);
    LLVMValueRef to = memory_checked_range(f, memory, dst, n);
    LLVMTypeRef overloads[] = {lm->t_ptr, lm->t_i64};
    LLVMValueRef args[] = {to, LLVMBuildTrunc(lm->b, value, LLVMInt8TypeInContext(lm->llvm), ""),
                           LLVMBuildZExt(lm->b, n, lm->t_i64, ""),
                           LLVMConstInt(LLVMInt1TypeInContext(lm->llvm), 0, false)};
    lower_intrinsic(f, "llvm.memset", overloads, 2, args, 4);
}

bool lower_memory(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    switch (in->op) {
    case AOT_OP_MEMORY_SIZE:
        lower_push(f, memory_size(f, in->imm.index));
        return true;
    case AOT_OP_MEMORY_GROW: {
        /* memory_grow(ctx, memory, delta_pages) -> the old size in pages, or -1 */
        LLVMValueRef args[] = {lower_const_i32(f, in->imm.index), lower_pop(f)};
        size_t offset = offsetof(waot_abi_runtime, memory_grow);
        lower_push(f, memory_call_runtime(f, offset, lm->t_i32, args, 2));
        return true;
    }
    case AOT_OP_MEMORY_INIT: {
        /* memory_init(ctx, memory, data, dst, src, n) */
        uint32_t memory_and_data[] = {in->imm.pair.second, in->imm.pair.first};
        memory_bulk(f, offsetof(waot_abi_runtime, memory_init), memory_and_data, 2);
        return true;
    }
    case AOT_OP_DATA_DROP: {
        /* data_drop(ctx, data) */
        LLVMValueRef args[] = {lower_const_i32(f, in->imm.index)};
        memory_call_runtime(f, offsetof(waot_abi_runtime, data_drop), lm->t_void, args, 1);
        return true;
    }
    case AOT_OP_MEMORY_COPY:
        memory_copy(f, in->imm.pair.first, in->imm.pair.second);
        return true;
    case AOT_OP_MEMORY_FILL:
        memory_fill(f, in->imm.index);
        return true;
    default:
        break;
    }
    const memory_access *access = &memory_accesses[in->op];
    switch (access->kind) {
    case MEMORY_LOAD:
        memory_load(f, in, access);
        return true;
    case MEMORY_STORE:
        memory_store(f, in, access);
        return true;
    case MEMORY_UNLISTED:
        break;
    }
    return lower_fail(f, "internal error: %s is not a memory instruction",
                      aot_opcode_infos[in->op].text);
}

/* The asm that kept `keep`'s load through the optimiser gives way to a
 * volatile load, which the code generator keeps as surely and with less
 * harm to the code around it. */
static void memory_release_load(LLVMValueRef keep)
{
    LLVMValueRef value = LLVMGetOperand(keep, 0);
    LLVMValueRef cast = LLVMIsABitCastInst(value);
    LLVMValueRef load = LLVMIsALoadInst(cast ? LLVMGetOperand(cast, 0) : value);
    LLVMTypeKind kind = LLVMGetTypeKind(LLVMTypeOf(value));
    /* Where the optimiser merged loads, the asm takes a phi: it stays.
     * Float loads keep their asm too, which keeps them out of VEX
     * arithmetic: folded there with the base + index address every
     * linear-memory access has, the instruction splits in two on Intel
     * cores (matmul ran 12% slower). */
    if (!load || kind == LLVMFloatTypeKind || kind == LLVMDoubleTypeKind)
        return;
    LLVMInstructionEraseFromParent(keep);
    LLVMSetVolatile(load, true);
    if (cast && !LLVMGetFirstUse(cast))
        LLVMInstructionEraseFromParent(cast);
}

/* Whether `in` is memory_keep_load's asm: empty, taking one value. */
static bool memory_is_keep(LLVMValueRef in)
{
    LLVMValueRef callee = LLVMIsACallInst(in) ? LLVMGetCalledValue(in) : NULL;
    size_t len = 1;
    if (callee && LLVMIsAInlineAsm(callee))
        LLVMGetInlineAsmAsmString(callee, &len);
    return len == 0 && LLVMGetNumArgOperands(in) == 1;
}

void lower_release_kept_loads(LLVMModuleRef mod)
{
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb)) {
            LLVMValueRef next;
            for (LLVMValueRef in = LLVMGetFirstInstruction(bb); in; in = next) {
                next = LLVMGetNextInstruction(in);
                if (memory_is_keep(in))
                    memory_release_load(in);
            }
        }
}
