/*
 * Structured control flow: block, loop, if/else, end, br, br_if, br_table,
 * return, unreachable, nop, and the function's own frame.
 *
 * A frame's results travel through allocas: a branch to a block stores the
 * values into the block's result slots and jumps to its end block, which
 * loads them; a branch to a loop stores into its parameter slots and jumps
 * to its head, which loads them.  SROA turns the slots into phis.  After an
 * unconditional transfer the rest of the block is dead (lower.c skips it).
 */
#include "lower.h"

#include <stdlib.h>
#include <string.h>

static LLVMValueRef *control_slots(lower_func *f, uint32_t n, const aot_valtype *types,
                                   const char *name)
{
    if (n == 0)
        return NULL;
    LLVMValueRef *slots = aot_arena_alloc(f->arena, sizeof *slots * n);
    if (!slots)
        return NULL;
    for (uint32_t i = 0; i < n; i++)
        slots[i] = lower_alloca(f, lower_type(f->lm, types[i]), name);
    return slots;
}

static lower_frame *control_push_frame(lower_func *f, aot_opcode op, uint32_t param_count,
                                       const aot_valtype *params, uint32_t result_count,
                                       const aot_valtype *results)
{
    if (f->frame_count == f->frame_capacity) {
        uint32_t capacity = f->frame_capacity ? f->frame_capacity * 2 : 16;
        lower_frame *grown = realloc(f->frames, sizeof *grown * capacity);
        if (!grown)
            return NULL;
        f->frames = grown;
        f->frame_capacity = capacity;
    }
    lower_frame *fr = &f->frames[f->frame_count++];
    memset(fr, 0, sizeof *fr);
    fr->op = op;
    fr->height = f->stack_count - param_count;
    fr->param_count = param_count;
    fr->params = params;
    fr->result_count = result_count;
    fr->results = results;
    fr->end = LLVMAppendBasicBlockInContext(f->lm->llvm, f->fn, "end");
    fr->result_slots = control_slots(f, result_count, results, "result");
    return fr;
}

/* Stores the top `n` stack values into `slots` (the deepest into slots[0]). */
static void control_store(lower_func *f, uint32_t n, LLVMValueRef *slots)
{
    for (uint32_t i = 0; i < n; i++)
        LLVMBuildStore(f->lm->b, f->stack[f->stack_count - n + i], slots[i]);
}

/* Pushes the values of `slots`. */
static void control_load(lower_func *f, uint32_t n, const aot_valtype *types, LLVMValueRef *slots)
{
    for (uint32_t i = 0; i < n; i++)
        lower_push(f, LLVMBuildLoad2(f->lm->b, lower_type(f->lm, types[i]), slots[i], ""));
}

static void control_go_dead(lower_func *f)
{
    f->dead = true;
    f->dead_depth = 0;
    f->stack_count = f->frames[f->frame_count - 1].height;
}

/* Passes the top values to the frame `depth` levels out and jumps there;
 * `br` leaves the current block afterwards. */
static void control_branch_setup(lower_func *f, lower_frame *target, LLVMBasicBlockRef *dest)
{
    if (target->op == AOT_OP_LOOP) {
        control_store(f, target->param_count, target->param_slots);
        *dest = target->loop_head;
    } else {
        control_store(f, target->result_count, target->result_slots);
        *dest = target->end;
    }
}

static lower_frame *control_target(lower_func *f, uint32_t depth)
{
    return &f->frames[f->frame_count - 1 - depth];
}

/* Reads the block type's params and results. */
static void control_blocktype(lower_func *f, const aot_blocktype *bt, uint32_t *np,
                              const aot_valtype **params, uint32_t *nr,
                              const aot_valtype **results)
{
    static const aot_valtype single[256] = {
        [AOT_VT_I32] = AOT_VT_I32,   [AOT_VT_I64] = AOT_VT_I64,
        [AOT_VT_F32] = AOT_VT_F32,   [AOT_VT_F64] = AOT_VT_F64,
        [AOT_VT_V128] = AOT_VT_V128, [AOT_VT_FUNCREF] = AOT_VT_FUNCREF,
        [AOT_VT_EXTERNREF] = AOT_VT_EXTERNREF,
    };
    *np = *nr = 0;
    *params = *results = NULL;
    if (bt->kind == AOT_BLOCKTYPE_VALUE) {
        *nr = 1;
        *results = &single[bt->value];
    } else if (bt->kind == AOT_BLOCKTYPE_INDEX) {
        const aot_functype *t = &f->lm->m->types[bt->type_index];
        *np = t->param_count, *params = t->params;
        *nr = t->result_count, *results = t->results;
    }
}

/* Code bytes plus locals up to which a function without calls skips the
 * stack check.  Its frame then stays a few KiB: beyond the limit only by
 * that much, inside the margin the runtime keeps below it (entry.c), and
 * probed, so even a real stack end would fault in its guard, which the
 * signal handler reports as "call stack exhausted". */
#define CONTROL_LEAF_CHECK_FREE_SIZE 2048

/* Whether `in` can trap, or calls anything (a runtime helper included). */
static bool control_may_trap_or_call(const lower_module *lm, const aot_instr *in)
{
    const aot_opcode_info *info = &aot_opcode_infos[in->op];
    switch (info->family) {
    case AOT_FAMILY_CALL:   /* and whatever the callee does */
    case AOT_FAMILY_MEMORY: /* bounds, or the runtime's grow, fill, copy, init */
    case AOT_FAMILY_TABLE:  /* likewise */
        return true;
    default:
        break;
    }
    if (info->imm == AOT_IMM_MEMARG || info->imm == AOT_IMM_MEMARG_LANE)
        return true; /* SIMD loads and stores: bounds */
    switch (in->op) {
    case AOT_OP_UNREACHABLE:
    case AOT_OP_I32_DIV_S: case AOT_OP_I32_DIV_U: case AOT_OP_I32_REM_S: case AOT_OP_I32_REM_U:
    case AOT_OP_I64_DIV_S: case AOT_OP_I64_DIV_U: case AOT_OP_I64_REM_S: case AOT_OP_I64_REM_U:
    case AOT_OP_I32_TRUNC_F32_S: case AOT_OP_I32_TRUNC_F32_U:
    case AOT_OP_I32_TRUNC_F64_S: case AOT_OP_I32_TRUNC_F64_U:
    case AOT_OP_I64_TRUNC_F32_S: case AOT_OP_I64_TRUNC_F32_U:
    case AOT_OP_I64_TRUNC_F64_S: case AOT_OP_I64_TRUNC_F64_U:
        return true;
    case AOT_OP_LOOP:
        return lm->interruptible; /* its head polls */
    default:
        return false;
    }
}

/* What a function's body does, as far as its prologue cares. */
typedef struct control_body_facts {
    bool small_leaf; /* calls nothing (runtime helpers do not count: they
                      * never call back into wasm) and is small */
    bool inert;      /* a small leaf none of whose instructions can trap or
                      * call even a runtime helper */
} control_body_facts;

static control_body_facts control_scan_body(lower_func *f)
{
    const aot_module *m = f->lm->m;
    const aot_func *fn = &m->funcs[f->func_index];
    control_body_facts facts = {false, false};
    if ((size_t)(fn->body_end - fn->code) + fn->local_count > CONTROL_LEAF_CHECK_FREE_SIZE)
        return facts;
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = fn->code, .end = fn->body_end, .base = m->bytes, .err = &ignored};
    bool inert = true;
    while (r.p < r.end) {
        aot_instr in;
        if (!aot_read_instr(&r, &in))
            return facts;
        if (in.op == AOT_OP_CALL || in.op == AOT_OP_CALL_INDIRECT)
            return facts;
        inert = inert && !control_may_trap_or_call(f->lm, &in);
    }
    facts.small_leaf = true;
    facts.inert = inert;
    return facts;
}

/* With interruption checks: traps "interrupted" once the host has set
 * ctx->interrupt.  The load is volatile so that a loop cannot keep the flag
 * in a register; the flag is cleared first so that one request stops one
 * call, not every later one. */
static void control_poll_interrupt(lower_func *f)
{
    lower_module *lm = f->lm;
    LLVMValueRef flag_address =
        lower_gep_const(f, f->ctx, offsetof(waot_abi_context, interrupt), "interrupt_flag");
    LLVMValueRef flag = LLVMBuildLoad2(lm->b, lm->t_i32, flag_address, "interrupt");
    LLVMSetVolatile(flag, true);
    LLVMBasicBlockRef interrupted = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "interrupted");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "ok");
    lower_branch_unlikely(f, LLVMBuildICmp(lm->b, LLVMIntNE, flag, lower_const_i32(f, 0), ""),
                          interrupted, cont);
    LLVMPositionBuilderAtEnd(lm->b, interrupted);
    LLVMValueRef clear = LLVMBuildStore(lm->b, lower_const_i32(f, 0), flag_address);
    LLVMSetVolatile(clear, true);
    LLVMBuildBr(lm->b, lower_trap_block(f, WAOT_TRAP_INTERRUPTED));
    LLVMPositionBuilderAtEnd(lm->b, cont);
}

bool lower_control_begin_function(lower_func *f)
{
    lower_frame *fr = control_push_frame(f, AOT_OP_BLOCK, 0, NULL, f->type->result_count,
                                         f->type->results);
    if (!fr)
        return lower_fail(f, "out of memory");
    /* A function checks the stack before doing anything: recursion without
     * end must trap ("call stack exhausted"), never crash.  A small leaf
     * cannot recurse, and its caller has checked. */
    control_body_facts facts = control_scan_body(f);
    if (facts.inert) {
        /* A trap's walk starts from the frame pointer of the code that
         * faulted (the runtime's entry.c) and climbs frame records.  An
         * inert leaf can fault only in its prologue, pushing registers
         * into a stack's guard, before it has changed %rbp: the walk then
         * starts at its caller's record, which is right.  So it keeps no
         * record of its own, and a call to it costs what a native one does
         * (3% on the indirect-call benchmark, whose callees are all such
         * leaves). */
        LLVMAddAttributeAtIndex(f->fn, LLVMAttributeFunctionIndex,
                                LLVMCreateStringAttribute(f->lm->llvm, "frame-pointer", 13,
                                                          "none", 4));
    }
    if (facts.small_leaf)
        return true;
    lower_module *lm = f->lm;
    /* Recursion without loops (a call tree) is stopped here; loops at their
     * heads.  A small leaf has no calls and its loops poll. */
    if (lm->interruptible)
        control_poll_interrupt(f);
    LLVMValueRef zero = lower_const_i32(f, 0);
    LLVMValueRef frame = lower_intrinsic(f, "llvm.frameaddress", &lm->t_ptr, 1, &zero, 1);
    LLVMValueRef limit = lower_ctx_load(f, f->ctx, offsetof(waot_abi_context, stack_limit),
                                        lm->t_intptr, "stack_limit");
    LLVMValueRef below = LLVMBuildICmp(lm->b, LLVMIntULT,
                                       LLVMBuildPtrToInt(lm->b, frame, lm->t_intptr, ""), limit,
                                       "stack_exhausted");
    lower_trap_if(f, below, WAOT_TRAP_STACK_EXHAUSTED);
    return true;
}

static bool control_block(lower_func *f, const aot_instr *in)
{
    uint32_t np, nr;
    const aot_valtype *params, *results;
    control_blocktype(f, &in->imm.block, &np, &params, &nr, &results);
    LLVMValueRef cond = in->op == AOT_OP_IF ? lower_pop(f) : NULL;
    lower_frame *fr = control_push_frame(f, in->op, np, params, nr, results);
    if (!fr || (np && !(fr->param_slots = control_slots(f, np, params, "param"))))
        return lower_fail(f, "out of memory");
    lower_module *lm = f->lm;
    if (in->op == AOT_OP_BLOCK)
        return true;
    if (in->op == AOT_OP_LOOP) {
        fr->loop_head = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "loop");
        control_store(f, np, fr->param_slots);
        LLVMBuildBr(lm->b, fr->loop_head);
        LLVMPositionBuilderAtEnd(lm->b, fr->loop_head);
        f->stack_count -= np;
        control_load(f, np, params, fr->param_slots);
        if (lm->interruptible)
            control_poll_interrupt(f);
        return true;
    }
    /* if: the params are live on both branches; keep them for `else`. */
    if (np) {
        fr->if_params = aot_arena_alloc(f->arena, sizeof *fr->if_params * np);
        if (!fr->if_params)
            return lower_fail(f, "out of memory");
        memcpy(fr->if_params, f->stack + f->stack_count - np, sizeof *fr->if_params * np);
    }
    LLVMBasicBlockRef then_block = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "then");
    fr->else_block = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "else");
    LLVMValueRef truth = LLVMBuildICmp(lm->b, LLVMIntNE, cond, lower_const_i32(f, 0), "");
    LLVMBuildCondBr(lm->b, truth, then_block, fr->else_block);
    LLVMPositionBuilderAtEnd(lm->b, then_block);
    return true;
}

static bool control_else(lower_func *f)
{
    lower_frame *fr = &f->frames[f->frame_count - 1];
    lower_module *lm = f->lm;
    if (!f->dead) {
        control_store(f, fr->result_count, fr->result_slots);
        LLVMBuildBr(lm->b, fr->end);
    }
    f->dead = false;
    f->dead_depth = 0;
    f->stack_count = fr->height;
    for (uint32_t i = 0; i < fr->param_count; i++)
        lower_push(f, fr->if_params[i]);
    LLVMPositionBuilderAtEnd(lm->b, fr->else_block);
    fr->else_block = NULL;
    fr->op = AOT_OP_ELSE;
    return true;
}

static bool control_end(lower_func *f)
{
    lower_frame *fr = &f->frames[f->frame_count - 1];
    lower_module *lm = f->lm;
    if (!f->dead) {
        control_store(f, fr->result_count, fr->result_slots);
        LLVMBuildBr(lm->b, fr->end);
    }
    if (fr->op == AOT_OP_IF) {
        /* No `else`: the false branch passes the params on as results
         * (validation made the two lists equal). */
        LLVMPositionBuilderAtEnd(lm->b, fr->else_block);
        for (uint32_t i = 0; i < fr->param_count; i++)
            LLVMBuildStore(lm->b, fr->if_params[i], fr->result_slots[i]);
        LLVMBuildBr(lm->b, fr->end);
    }
    f->dead = false;
    f->dead_depth = 0;
    f->stack_count = fr->height;
    LLVMPositionBuilderAtEnd(lm->b, fr->end);
    control_load(f, fr->result_count, fr->results, fr->result_slots);
    f->frame_count--;
    if (f->frame_count > 0)
        return true;

    /* The function's own end: return what is on the stack. */
    uint32_t n = fr->result_count;
    if (n == 0) {
        LLVMBuildRetVoid(lm->b);
    } else if (n == 1) {
        LLVMBuildRet(lm->b, lower_pop(f));
    } else {
        LLVMTypeRef type = LLVMGetReturnType(LLVMGlobalGetValueType(f->fn));
        LLVMValueRef agg = LLVMGetUndef(type);
        for (uint32_t i = 0; i < n; i++)
            agg = LLVMBuildInsertValue(lm->b, agg, f->stack[f->stack_count - n + i], i, "");
        LLVMBuildRet(lm->b, agg);
    }
    return true;
}

static bool control_br_table(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    LLVMValueRef index = lower_pop(f);
    uint32_t count = in->imm.br_table.count;
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = in->imm.br_table.targets, .end = lm->m->bytes + lm->m->size,
                    .base = lm->m->bytes, .err = &ignored};
    uint32_t *depths = aot_arena_alloc(f->arena, sizeof *depths * ((size_t)count + 1));
    bool *stored = aot_arena_calloc(f->arena, f->frame_count, sizeof *stored);
    if (!depths || !stored)
        return lower_fail(f, "out of memory");
    for (uint32_t i = 0; i <= count; i++)
        aot_read_u32(&r, &depths[i], "br_table label");
    /* Every target receives the same operands: store them once per target. */
    LLVMBasicBlockRef *dests = aot_arena_alloc(f->arena, sizeof *dests * ((size_t)count + 1));
    if (!dests)
        return lower_fail(f, "out of memory");
    for (uint32_t i = 0; i <= count; i++) {
        lower_frame *target = control_target(f, depths[i]);
        if (!stored[depths[i]]) {
            control_branch_setup(f, target, &dests[i]);
            stored[depths[i]] = true;
        } else {
            dests[i] = target->op == AOT_OP_LOOP ? target->loop_head : target->end;
        }
    }
    LLVMValueRef sw = LLVMBuildSwitch(lm->b, index, dests[count], count);
    for (uint32_t i = 0; i < count; i++)
        LLVMAddCase(sw, lower_const_i32(f, i), dests[i]);
    control_go_dead(f);
    return true;
}

bool lower_control(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    LLVMBasicBlockRef dest;
    switch (in->op) {
    case AOT_OP_NOP:
        return true;
    case AOT_OP_UNREACHABLE:
        lower_trap(f, WAOT_TRAP_UNREACHABLE);
        control_go_dead(f);
        return true;
    case AOT_OP_BLOCK:
    case AOT_OP_LOOP:
    case AOT_OP_IF:
        return control_block(f, in);
    case AOT_OP_ELSE:
        return control_else(f);
    case AOT_OP_END:
        return control_end(f);
    case AOT_OP_BR:
        control_branch_setup(f, control_target(f, in->imm.index), &dest);
        LLVMBuildBr(lm->b, dest);
        control_go_dead(f);
        return true;
    case AOT_OP_BR_IF: {
        LLVMValueRef cond = lower_pop(f);
        control_branch_setup(f, control_target(f, in->imm.index), &dest);
        LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(lm->llvm, f->fn, "br_if.else");
        LLVMValueRef truth = LLVMBuildICmp(lm->b, LLVMIntNE, cond, lower_const_i32(f, 0), "");
        LLVMBuildCondBr(lm->b, truth, dest, cont);
        LLVMPositionBuilderAtEnd(lm->b, cont);
        return true;
    }
    case AOT_OP_BR_TABLE:
        return control_br_table(f, in);
    case AOT_OP_RETURN:
        control_branch_setup(f, &f->frames[0], &dest);
        LLVMBuildBr(lm->b, dest);
        control_go_dead(f);
        return true;
    default:
        return lower_fail(f, "internal error: %s is not a control instruction",
                          aot_opcode_infos[in->op].text);
    }
}
