/*
 * The numeric family: constants, comparisons, integer and float arithmetic,
 * and the sign-extension operators.
 *
 * Most rows map onto one LLVM instruction or intrinsic and are described by
 * one line of the table below; the driver of this file only pops operands,
 * builds what the row says and pushes the result.  The exceptions are where
 * wasm and LLVM disagree:
 *  - shift counts are taken modulo the width (LLVM makes an over-wide shift
 *    poison), and comparisons give an i32 rather than an i1;
 *  - integer division traps where LLVM would be undefined (x86 `idiv`
 *    faults on both a zero divisor and INT_MIN / -1);
 *  - a float operation given a NaN must return a quiet ("arithmetic") NaN,
 *    while LLVM lets x - 0, x * 1, x / 1, x / -1, -0 - x fold to x or -x
 *    and so hand back a signalling NaN unchanged.  add, sub, mul and div
 *    are therefore LLVM's constrained intrinsics with "fpexcept.maytrap",
 *    which rules out exactly those folds (constant folding, CSE and dead
 *    code removal still apply); the rounding mode is wasm's, to nearest;
 *  - min and max are llvm.minimum/llvm.maximum, whose NaN propagation and
 *    -0 < +0 ordering are wasm's, but whose x86 lowering returns a NaN
 *    operand as it is, so a NaN result gets its quiet bit set.
 * Float constants are built from their bit patterns so NaN payloads
 * survive.  abs, neg and copysign only touch the sign bit, as wasm wants,
 * even of a NaN.
 */
#include "lower.h"

#include <string.h>

typedef LLVMValueRef (*numeric_builder)(LLVMBuilderRef, LLVMValueRef, LLVMValueRef, const char *);

typedef enum numeric_kind {
    NUMERIC_UNLISTED = 0,
    NUMERIC_BINARY,             /* build(lhs, rhs) */
    NUMERIC_SHIFT,              /* build(lhs, rhs mod width) */
    NUMERIC_ICMP,               /* icmp predicate, zext to i32 */
    NUMERIC_FCMP,               /* fcmp predicate, zext to i32 */
    NUMERIC_EQZ,                /* x == 0, zext to i32 */
    NUMERIC_COUNT_BITS,         /* intrinsic(x, is_zero_poison = false) */
    NUMERIC_UNARY_INTRINSIC,    /* intrinsic(x) */
    NUMERIC_BINARY_INTRINSIC,   /* intrinsic(lhs, rhs) */
    NUMERIC_FLOAT_ARITHMETIC,   /* constrained intrinsic(lhs, rhs, to nearest, maytrap) */
    NUMERIC_MIN_MAX,            /* intrinsic(lhs, rhs), a NaN result quietened */
    NUMERIC_ROTATE,             /* funnel-shift intrinsic(x, x, count) */
    NUMERIC_FNEG,
    NUMERIC_DIVIDE_UNSIGNED,    /* build(lhs, rhs) after the zero check */
    NUMERIC_DIV_S,
    NUMERIC_REM_S,
    NUMERIC_SIGN_EXTEND,        /* sext(trunc(x to `bits`)) */
} numeric_kind;

typedef struct numeric_op {
    numeric_kind kind;
    numeric_builder build;
    int predicate;              /* LLVMIntPredicate or LLVMRealPredicate */
    const char *intrinsic;
    unsigned bits;
} numeric_op;

#define BINARY(fn) {.kind = NUMERIC_BINARY, .build = (fn)}
#define SHIFT(fn) {.kind = NUMERIC_SHIFT, .build = (fn)}
#define ICMP(p) {.kind = NUMERIC_ICMP, .predicate = (p)}
#define FCMP(p) {.kind = NUMERIC_FCMP, .predicate = (p)}
#define EQZ {.kind = NUMERIC_EQZ}
#define COUNT_BITS(name) {.kind = NUMERIC_COUNT_BITS, .intrinsic = (name)}
#define UNARY_INTRINSIC(name) {.kind = NUMERIC_UNARY_INTRINSIC, .intrinsic = (name)}
#define BINARY_INTRINSIC(name) {.kind = NUMERIC_BINARY_INTRINSIC, .intrinsic = (name)}
#define FLOAT_ARITHMETIC(name) {.kind = NUMERIC_FLOAT_ARITHMETIC, .intrinsic = (name)}
#define MIN_MAX(name) {.kind = NUMERIC_MIN_MAX, .intrinsic = (name)}
#define ROTATE(name) {.kind = NUMERIC_ROTATE, .intrinsic = (name)}
#define FNEG {.kind = NUMERIC_FNEG}
#define DIVIDE_UNSIGNED(fn) {.kind = NUMERIC_DIVIDE_UNSIGNED, .build = (fn)}
#define DIV_S {.kind = NUMERIC_DIV_S}
#define REM_S {.kind = NUMERIC_REM_S}
#define SIGN_EXTEND(from_bits) {.kind = NUMERIC_SIGN_EXTEND, .bits = (from_bits)}

static const numeric_op numeric_ops[AOT_OP_COUNT] = {
    [AOT_OP_I32_EQZ] = EQZ,
    [AOT_OP_I32_EQ] = ICMP(LLVMIntEQ),
    [AOT_OP_I32_NE] = ICMP(LLVMIntNE),
    [AOT_OP_I32_LT_S] = ICMP(LLVMIntSLT),
    [AOT_OP_I32_LT_U] = ICMP(LLVMIntULT),
    [AOT_OP_I32_GT_S] = ICMP(LLVMIntSGT),
    [AOT_OP_I32_GT_U] = ICMP(LLVMIntUGT),
    [AOT_OP_I32_LE_S] = ICMP(LLVMIntSLE),
    [AOT_OP_I32_LE_U] = ICMP(LLVMIntULE),
    [AOT_OP_I32_GE_S] = ICMP(LLVMIntSGE),
    [AOT_OP_I32_GE_U] = ICMP(LLVMIntUGE),

    [AOT_OP_I64_EQZ] = EQZ,
    [AOT_OP_I64_EQ] = ICMP(LLVMIntEQ),
    [AOT_OP_I64_NE] = ICMP(LLVMIntNE),
    [AOT_OP_I64_LT_S] = ICMP(LLVMIntSLT),
    [AOT_OP_I64_LT_U] = ICMP(LLVMIntULT),
    [AOT_OP_I64_GT_S] = ICMP(LLVMIntSGT),
    [AOT_OP_I64_GT_U] = ICMP(LLVMIntUGT),
    [AOT_OP_I64_LE_S] = ICMP(LLVMIntSLE),
    [AOT_OP_I64_LE_U] = ICMP(LLVMIntULE),
    [AOT_OP_I64_GE_S] = ICMP(LLVMIntSGE),
    [AOT_OP_I64_GE_U] = ICMP(LLVMIntUGE),

    /* Ordered: false when either side is NaN; `ne` is the negation of
     * `eq`, so it is unordered: true when either side is NaN. */
    [AOT_OP_F32_EQ] = FCMP(LLVMRealOEQ),
    [AOT_OP_F32_NE] = FCMP(LLVMRealUNE),
    [AOT_OP_F32_LT] = FCMP(LLVMRealOLT),
    [AOT_OP_F32_GT] = FCMP(LLVMRealOGT),
    [AOT_OP_F32_LE] = FCMP(LLVMRealOLE),
    [AOT_OP_F32_GE] = FCMP(LLVMRealOGE),
    [AOT_OP_F64_EQ] = FCMP(LLVMRealOEQ),
    [AOT_OP_F64_NE] = FCMP(LLVMRealUNE),
    [AOT_OP_F64_LT] = FCMP(LLVMRealOLT),
    [AOT_OP_F64_GT] = FCMP(LLVMRealOGT),
    [AOT_OP_F64_LE] = FCMP(LLVMRealOLE),
    [AOT_OP_F64_GE] = FCMP(LLVMRealOGE),

    [AOT_OP_I32_CLZ] = COUNT_BITS("llvm.ctlz"),
    [AOT_OP_I32_CTZ] = COUNT_BITS("llvm.cttz"),
    [AOT_OP_I32_POPCNT] = UNARY_INTRINSIC("llvm.ctpop"),
    [AOT_OP_I32_ADD] = BINARY(LLVMBuildAdd),
    [AOT_OP_I32_SUB] = BINARY(LLVMBuildSub),
    [AOT_OP_I32_MUL] = BINARY(LLVMBuildMul),
    [AOT_OP_I32_DIV_S] = DIV_S,
    [AOT_OP_I32_DIV_U] = DIVIDE_UNSIGNED(LLVMBuildUDiv),
    [AOT_OP_I32_REM_S] = REM_S,
    [AOT_OP_I32_REM_U] = DIVIDE_UNSIGNED(LLVMBuildURem),
    [AOT_OP_I32_AND] = BINARY(LLVMBuildAnd),
    [AOT_OP_I32_OR] = BINARY(LLVMBuildOr),
    [AOT_OP_I32_XOR] = BINARY(LLVMBuildXor),
    [AOT_OP_I32_SHL] = SHIFT(LLVMBuildShl),
    [AOT_OP_I32_SHR_S] = SHIFT(LLVMBuildAShr),
    [AOT_OP_I32_SHR_U] = SHIFT(LLVMBuildLShr),
    [AOT_OP_I32_ROTL] = ROTATE("llvm.fshl"),
    [AOT_OP_I32_ROTR] = ROTATE("llvm.fshr"),

    [AOT_OP_I64_CLZ] = COUNT_BITS("llvm.ctlz"),
    [AOT_OP_I64_CTZ] = COUNT_BITS("llvm.cttz"),
    [AOT_OP_I64_POPCNT] = UNARY_INTRINSIC("llvm.ctpop"),
    [AOT_OP_I64_ADD] = BINARY(LLVMBuildAdd),
    [AOT_OP_I64_SUB] = BINARY(LLVMBuildSub),
    [AOT_OP_I64_MUL] = BINARY(LLVMBuildMul),
    [AOT_OP_I64_DIV_S] = DIV_S,
    [AOT_OP_I64_DIV_U] = DIVIDE_UNSIGNED(LLVMBuildUDiv),
    [AOT_OP_I64_REM_S] = REM_S,
    [AOT_OP_I64_REM_U] = DIVIDE_UNSIGNED(LLVMBuildURem),
    [AOT_OP_I64_AND] = BINARY(LLVMBuildAnd),
    [AOT_OP_I64_OR] = BINARY(LLVMBuildOr),
    [AOT_OP_I64_XOR] = BINARY(LLVMBuildXor),
    [AOT_OP_I64_SHL] = SHIFT(LLVMBuildShl),
    [AOT_OP_I64_SHR_S] = SHIFT(LLVMBuildAShr),
    [AOT_OP_I64_SHR_U] = SHIFT(LLVMBuildLShr),
    [AOT_OP_I64_ROTL] = ROTATE("llvm.fshl"),
    [AOT_OP_I64_ROTR] = ROTATE("llvm.fshr"),

    [AOT_OP_F32_ABS] = UNARY_INTRINSIC("llvm.fabs"),
    [AOT_OP_F32_NEG] = FNEG,
    [AOT_OP_F32_CEIL] = UNARY_INTRINSIC("llvm.ceil"),
    [AOT_OP_F32_FLOOR] = UNARY_INTRINSIC("llvm.floor"),
    [AOT_OP_F32_TRUNC] = UNARY_INTRINSIC("llvm.trunc"),
    [AOT_OP_F32_NEAREST] = UNARY_INTRINSIC("llvm.roundeven"),
    [AOT_OP_F32_SQRT] = UNARY_INTRINSIC("llvm.sqrt"),
    [AOT_OP_F32_ADD] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fadd"),
    [AOT_OP_F32_SUB] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fsub"),
    [AOT_OP_F32_MUL] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fmul"),
    [AOT_OP_F32_DIV] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fdiv"),
    [AOT_OP_F32_MIN] = MIN_MAX("llvm.minimum"),
    [AOT_OP_F32_MAX] = MIN_MAX("llvm.maximum"),
    [AOT_OP_F32_COPYSIGN] = BINARY_INTRINSIC("llvm.copysign"),

    [AOT_OP_F64_ABS] = UNARY_INTRINSIC("llvm.fabs"),
    [AOT_OP_F64_NEG] = FNEG,
    [AOT_OP_F64_CEIL] = UNARY_INTRINSIC("llvm.ceil"),
    [AOT_OP_F64_FLOOR] = UNARY_INTRINSIC("llvm.floor"),
    [AOT_OP_F64_TRUNC] = UNARY_INTRINSIC("llvm.trunc"),
    [AOT_OP_F64_NEAREST] = UNARY_INTRINSIC("llvm.roundeven"),
    [AOT_OP_F64_SQRT] = UNARY_INTRINSIC("llvm.sqrt"),
    [AOT_OP_F64_ADD] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fadd"),
    [AOT_OP_F64_SUB] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fsub"),
    [AOT_OP_F64_MUL] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fmul"),
    [AOT_OP_F64_DIV] = FLOAT_ARITHMETIC("llvm.experimental.constrained.fdiv"),
    [AOT_OP_F64_MIN] = MIN_MAX("llvm.minimum"),
    [AOT_OP_F64_MAX] = MIN_MAX("llvm.maximum"),
    [AOT_OP_F64_COPYSIGN] = BINARY_INTRINSIC("llvm.copysign"),

    [AOT_OP_I32_EXTEND8_S] = SIGN_EXTEND(8),
    [AOT_OP_I32_EXTEND16_S] = SIGN_EXTEND(16),
    [AOT_OP_I64_EXTEND8_S] = SIGN_EXTEND(8),
    [AOT_OP_I64_EXTEND16_S] = SIGN_EXTEND(16),
    [AOT_OP_I64_EXTEND32_S] = SIGN_EXTEND(32),
};

/* A float constant with exactly these bits: going through an integer keeps
 * NaN payloads and signalling NaNs that a C float or double might not. */
static LLVMValueRef numeric_float_bits(LLVMTypeRef int_type, uint64_t bits,
                                       LLVMTypeRef float_type)
{
    return LLVMConstBitCast(LLVMConstInt(int_type, bits, false), float_type);
}

static bool numeric_constant(lower_func *f, const aot_instr *in)
{
    lower_module *lm = f->lm;
    LLVMValueRef v;
    switch (in->op) {
    case AOT_OP_I32_CONST: v = lower_const_i32(f, (uint32_t)in->imm.i32); break;
    case AOT_OP_I64_CONST: v = lower_const_i64(f, (uint64_t)in->imm.i64); break;
    case AOT_OP_F32_CONST: v = numeric_float_bits(lm->t_i32, in->imm.f32_bits, lm->t_f32); break;
    case AOT_OP_F64_CONST: v = numeric_float_bits(lm->t_i64, in->imm.f64_bits, lm->t_f64); break;
    default: return false;
    }
    lower_push(f, v);
    return true;
}

/* A constrained intrinsic's metadata argument ("round.tonearest", ...). */
static LLVMValueRef numeric_metadata_string(lower_func *f, const char *text)
{
    LLVMContextRef llvm = f->lm->llvm;
    return LLVMMetadataAsValue(llvm, LLVMMDStringInContext2(llvm, text, strlen(text)));
}

static LLVMValueRef numeric_float_arithmetic(lower_func *f, const char *intrinsic,
                                             LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMTypeRef type = LLVMTypeOf(lhs);
    LLVMValueRef args[] = {lhs, rhs, numeric_metadata_string(f, "round.tonearest"),
                           numeric_metadata_string(f, "fpexcept.maytrap")};
    return lower_intrinsic(f, intrinsic, &type, 1, args, 4);
}

/* x with its quiet bit set if it is a NaN: an arithmetic NaN, as wasm
 * requires of an operation that was given a NaN.  Done on the bits, where
 * no float folding can undo it. */
static LLVMValueRef numeric_quiet_nan(lower_func *f, LLVMValueRef x)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef float_type = LLVMTypeOf(x);
    bool is_f32 = float_type == f->lm->t_f32;
    LLVMTypeRef int_type = is_f32 ? f->lm->t_i32 : f->lm->t_i64;
    uint64_t quiet_bit = is_f32 ? 1ull << 22 : 1ull << 51; /* the top mantissa bit */
    LLVMValueRef bits = LLVMBuildBitCast(b, x, int_type, "");
    LLVMValueRef quiet_bits = LLVMBuildOr(b, bits, LLVMConstInt(int_type, quiet_bit, false), "");
    LLVMValueRef quieted = LLVMBuildBitCast(b, quiet_bits, float_type, "");
    LLVMValueRef is_nan = LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
    return LLVMBuildSelect(b, is_nan, quieted, x, "");
}

static LLVMValueRef numeric_bool_to_i32(lower_func *f, LLVMValueRef flag)
{
    return LLVMBuildZExt(f->lm->b, flag, f->lm->t_i32, "");
}

static LLVMValueRef numeric_int_const(LLVMValueRef like, int64_t v)
{
    return LLVMConstInt(LLVMTypeOf(like), (unsigned long long)v, true);
}

/* The most negative value of `like`'s integer type. */
static LLVMValueRef numeric_int_min(LLVMValueRef like)
{
    unsigned width = LLVMGetIntTypeWidth(LLVMTypeOf(like));
    return LLVMConstInt(LLVMTypeOf(like), 1ull << (width - 1), false);
}

static void numeric_trap_if_zero(lower_func *f, LLVMValueRef divisor)
{
    /* Wasm defines division by zero as a trap; in LLVM it is undefined
     * behaviour, and x86 `div` would fault. */
    LLVMValueRef zero = numeric_int_const(divisor, 0);
    LLVMValueRef is_zero = LLVMBuildICmp(f->lm->b, LLVMIntEQ, divisor, zero, "");
    lower_trap_if(f, is_zero, WAOT_TRAP_DIVIDE_BY_ZERO);
}

static LLVMValueRef numeric_div_s(lower_func *f, LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    numeric_trap_if_zero(f, rhs);
    /* INT_MIN / -1 is INT_MAX + 1, which the result type cannot hold: wasm
     * traps, LLVM leaves it undefined and x86 `idiv` faults. */
    LLVMValueRef lhs_is_min = LLVMBuildICmp(b, LLVMIntEQ, lhs, numeric_int_min(lhs), "");
    LLVMValueRef minus_one = numeric_int_const(rhs, -1);
    LLVMValueRef rhs_is_minus_one = LLVMBuildICmp(b, LLVMIntEQ, rhs, minus_one, "");
    lower_trap_if(f, LLVMBuildAnd(b, lhs_is_min, rhs_is_minus_one, ""), WAOT_TRAP_INTEGER_OVERFLOW);
    return LLVMBuildSDiv(b, lhs, rhs, "");
}

static LLVMValueRef numeric_rem_s(lower_func *f, LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    numeric_trap_if_zero(f, rhs);
    /* INT_MIN % -1 is 0 in wasm, but `srem` overflows on it (x86 `idiv`
     * faults).  x % -1 == x % 1 == 0 for every x, so divide by 1 instead. */
    LLVMValueRef minus_one = numeric_int_const(rhs, -1);
    LLVMValueRef rhs_is_minus_one = LLVMBuildICmp(b, LLVMIntEQ, rhs, minus_one, "");
    LLVMValueRef one = numeric_int_const(rhs, 1);
    LLVMValueRef safe_rhs = LLVMBuildSelect(b, rhs_is_minus_one, one, rhs, "");
    return LLVMBuildSRem(b, lhs, safe_rhs, "");
}

static LLVMValueRef numeric_unary(lower_func *f, const numeric_op *op, LLVMValueRef x)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(x);
    switch (op->kind) {
    case NUMERIC_EQZ: {
        LLVMValueRef zero = numeric_int_const(x, 0);
        return numeric_bool_to_i32(f, LLVMBuildICmp(b, LLVMIntEQ, x, zero, ""));
    }
    case NUMERIC_COUNT_BITS: {
        /* Wasm defines clz(0) and ctz(0) as the width. */
        LLVMValueRef args[] = {x, LLVMConstInt(f->lm->t_i1, 0, false)};
        return lower_intrinsic(f, op->intrinsic, &type, 1, args, 2);
    }
    case NUMERIC_UNARY_INTRINSIC:
        return lower_intrinsic(f, op->intrinsic, &type, 1, &x, 1);
    case NUMERIC_FNEG:
        return LLVMBuildFNeg(b, x, "");
    case NUMERIC_SIGN_EXTEND: {
        LLVMTypeRef narrow = LLVMIntTypeInContext(f->lm->llvm, op->bits);
        return LLVMBuildSExt(b, LLVMBuildTrunc(b, x, narrow, ""), type, "");
    }
    default:
        return NULL;
    }
}

static LLVMValueRef numeric_binary(lower_func *f, const numeric_op *op, LLVMValueRef lhs,
                                   LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(lhs);
    switch (op->kind) {
    case NUMERIC_BINARY:
        return op->build(b, lhs, rhs, "");
    case NUMERIC_SHIFT: {
        /* Wasm shifts by the count modulo the width; LLVM makes a shift by
         * the width or more poison. */
        LLVMValueRef width_mask = numeric_int_const(lhs, LLVMGetIntTypeWidth(type) - 1);
        return op->build(b, lhs, LLVMBuildAnd(b, rhs, width_mask, ""), "");
    }
    case NUMERIC_ICMP: {
        LLVMIntPredicate predicate = (LLVMIntPredicate)op->predicate;
        return numeric_bool_to_i32(f, LLVMBuildICmp(b, predicate, lhs, rhs, ""));
    }
    case NUMERIC_FCMP: {
        LLVMRealPredicate predicate = (LLVMRealPredicate)op->predicate;
        return numeric_bool_to_i32(f, LLVMBuildFCmp(b, predicate, lhs, rhs, ""));
    }
    case NUMERIC_BINARY_INTRINSIC: {
        LLVMValueRef args[] = {lhs, rhs};
        return lower_intrinsic(f, op->intrinsic, &type, 1, args, 2);
    }
    case NUMERIC_FLOAT_ARITHMETIC:
        return numeric_float_arithmetic(f, op->intrinsic, lhs, rhs);
    case NUMERIC_MIN_MAX: {
        LLVMValueRef args[] = {lhs, rhs};
        return numeric_quiet_nan(f, lower_intrinsic(f, op->intrinsic, &type, 1, args, 2));
    }
    case NUMERIC_ROTATE: {
        /* A funnel shift of x with itself is a rotate; it takes the count
         * modulo the width, as wasm does. */
        LLVMValueRef args[] = {lhs, lhs, rhs};
        return lower_intrinsic(f, op->intrinsic, &type, 1, args, 3);
    }
    case NUMERIC_DIVIDE_UNSIGNED:
        numeric_trap_if_zero(f, rhs);
        return op->build(b, lhs, rhs, "");
    case NUMERIC_DIV_S:
        return numeric_div_s(f, lhs, rhs);
    case NUMERIC_REM_S:
        return numeric_rem_s(f, lhs, rhs);
    default:
        return NULL;
    }
}

bool lower_numeric(lower_func *f, const aot_instr *in)
{
    if (numeric_constant(f, in))
        return true;
    const numeric_op *op = &numeric_ops[in->op];
    if (op->kind == NUMERIC_UNLISTED)
        return lower_fail(f, "internal error: %s is not a numeric instruction",
                          aot_opcode_infos[in->op].text);
    LLVMValueRef result;
    if (aot_opcode_infos[in->op].params[1] == AOT_SIG_NONE) {
        result = numeric_unary(f, op, lower_pop(f));
    } else {
        LLVMValueRef rhs = lower_pop(f);
        LLVMValueRef lhs = lower_pop(f);
        result = numeric_binary(f, op, lhs, rhs);
    }
    if (!result)
        return lower_fail(f, "internal error: %s has no numeric lowering",
                          aot_opcode_infos[in->op].text);
    lower_push(f, result);
    return true;
}
