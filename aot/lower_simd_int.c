/*
 * The integer lane arithmetic of 128-bit SIMD: comparisons, abs, neg,
 * popcnt, all_true, bitmask, narrowing, extension, shifts, add, sub, mul,
 * saturating add and sub, min, max, the rounding average, pairwise
 * extending add, extending multiply, q15mulr_sat_s and dot, for the
 * i8x16, i16x8, i32x4 and i64x2 shapes.  lower_simd.c owns the rest of the
 * v128 instructions (memory, constants, shuffles, splats, lanes, bitwise
 * operations, floats) and hands this file every row it does not lower.
 *
 * A v128 lives on the operand stack as <2 x i64>; each row bitcasts its
 * operands to the lanes it works on (<16 x i8>, <8 x i16>, <4 x i32> or
 * <2 x i64>) and its result back.  Wasm numbers lanes from the lowest
 * address, which on a little-endian target is LLVM's lane order too, so
 * the bitcasts move no bytes.  Most rows are one LLVM instruction or
 * intrinsic on those lanes and one line of the table below.  The others
 * are written as the plain lane-wise IR that LLVM's x86 back end
 * recognises as one instruction (pavgb for the rounding average, pmaddwd
 * for dot, pmovsx/pmovzx for an extension, packsswb for a narrowing), so
 * that they stay portable and LLVM can fold them; the one target intrinsic
 * is explained at simd_int_narrow.  Where wasm and LLVM disagree:
 *  - a shift count is taken modulo the lane width (LLVM makes an over-wide
 *    shift poison) and is the same for every lane;
 *  - a comparison gives all-ones or zero lanes, not an <N x i1>;
 *  - abs of the most negative lane is that lane, not poison;
 *  - the rounding average, q15mulr and the extending operations need more
 *    bits than a lane has, so they compute in the next wider lanes.
 */
#include "lower.h"

#include <stdbool.h>
#include <string.h>

typedef LLVMValueRef (*simd_int_builder)(LLVMBuilderRef, LLVMValueRef, LLVMValueRef, const char *);

typedef enum simd_int_kind {
    SIMD_INT_UNLISTED = 0,
    SIMD_INT_BINARY,            /* build(lhs, rhs) */
    SIMD_INT_SHIFT,             /* build(lanes, splat(count mod width)) */
    SIMD_INT_COMPARE,           /* icmp predicate, sext to all-ones or zero */
    SIMD_INT_UNARY_INTRINSIC,   /* intrinsic(x) */
    SIMD_INT_BINARY_INTRINSIC,  /* intrinsic(lhs, rhs) */
    SIMD_INT_ABS,               /* llvm.abs(x, is_int_min_poison = false) */
    SIMD_INT_NEG,               /* 0 - x */
    SIMD_INT_ALL_TRUE,          /* every lane nonzero, as an i32 */
    SIMD_INT_BITMASK,           /* the lanes' sign bits, as an i32 */
    SIMD_INT_NARROW,            /* lhs then rhs, saturated to half the width */
    SIMD_INT_EXTEND,            /* one half of the lanes, extended */
    SIMD_INT_EXTMUL,            /* one half of each operand, extended, multiplied */
    SIMD_INT_EXTADD_PAIRWISE,   /* even lanes + odd lanes, extended */
    SIMD_INT_AVGR_U,            /* (lhs + rhs + 1) >> 1, unsigned, without overflow */
    SIMD_INT_Q15MULR_SAT_S,     /* (lhs * rhs + 2^14) >> 15, saturated */
    SIMD_INT_DOT_S,             /* products of i16 lanes, adjacent pairs added */
} simd_int_kind;

typedef struct simd_int_op {
    simd_int_kind kind;
    unsigned bits;               /* the operands' lane width: 8, 16, 32 or 64 */
    simd_int_builder build;      /* BINARY, SHIFT */
    LLVMIntPredicate predicate;  /* COMPARE */
    /* UNARY_INTRINSIC, BINARY_INTRINSIC; NARROW: the x86-64 baseline's
     * instruction for it, if it has one */
    const char *intrinsic;
    LLVMOpcode extend;           /* EXTEND, EXTMUL, EXTADD_PAIRWISE: LLVMSExt or LLVMZExt */
    bool high;                   /* EXTEND, EXTMUL: the high half of the lanes, else the low */
    bool is_signed;              /* NARROW: saturate to the signed range, else the unsigned */
} simd_int_op;

#define BINARY(w, fn) {.kind = SIMD_INT_BINARY, .bits = (w), .build = (fn)}
#define SHIFT(w, fn) {.kind = SIMD_INT_SHIFT, .bits = (w), .build = (fn)}
#define COMPARE(w, p) {.kind = SIMD_INT_COMPARE, .bits = (w), .predicate = (p)}
#define UNARY_INTRINSIC(w, name) \
    {.kind = SIMD_INT_UNARY_INTRINSIC, .bits = (w), .intrinsic = (name)}
#define BINARY_INTRINSIC(w, name) \
    {.kind = SIMD_INT_BINARY_INTRINSIC, .bits = (w), .intrinsic = (name)}
#define ABS(w) {.kind = SIMD_INT_ABS, .bits = (w)}
#define NEG(w) {.kind = SIMD_INT_NEG, .bits = (w)}
#define ALL_TRUE(w) {.kind = SIMD_INT_ALL_TRUE, .bits = (w)}
#define BITMASK(w) {.kind = SIMD_INT_BITMASK, .bits = (w)}
#define NARROW_S(w, x86_pack) \
    {.kind = SIMD_INT_NARROW, .bits = (w), .is_signed = true, .intrinsic = (x86_pack)}
#define NARROW_U(w, x86_pack) \
    {.kind = SIMD_INT_NARROW, .bits = (w), .is_signed = false, .intrinsic = (x86_pack)}
#define EXTEND_LOW(w, ext) {.kind = SIMD_INT_EXTEND, .bits = (w), .extend = (ext)}
#define EXTEND_HIGH(w, ext) {.kind = SIMD_INT_EXTEND, .bits = (w), .extend = (ext), .high = true}
#define EXTMUL_LOW(w, ext) {.kind = SIMD_INT_EXTMUL, .bits = (w), .extend = (ext)}
#define EXTMUL_HIGH(w, ext) {.kind = SIMD_INT_EXTMUL, .bits = (w), .extend = (ext), .high = true}
#define EXTADD_PAIRWISE(w, ext) {.kind = SIMD_INT_EXTADD_PAIRWISE, .bits = (w), .extend = (ext)}
#define AVGR_U(w) {.kind = SIMD_INT_AVGR_U, .bits = (w)}
#define Q15MULR_SAT_S {.kind = SIMD_INT_Q15MULR_SAT_S, .bits = 16}
#define DOT_S {.kind = SIMD_INT_DOT_S, .bits = 16}

static const simd_int_op simd_int_ops[AOT_OP_COUNT] = {
    [AOT_OP_I8X16_EQ] = COMPARE(8, LLVMIntEQ),
    [AOT_OP_I8X16_NE] = COMPARE(8, LLVMIntNE),
    [AOT_OP_I8X16_LT_S] = COMPARE(8, LLVMIntSLT),
    [AOT_OP_I8X16_LT_U] = COMPARE(8, LLVMIntULT),
    [AOT_OP_I8X16_GT_S] = COMPARE(8, LLVMIntSGT),
    [AOT_OP_I8X16_GT_U] = COMPARE(8, LLVMIntUGT),
    [AOT_OP_I8X16_LE_S] = COMPARE(8, LLVMIntSLE),
    [AOT_OP_I8X16_LE_U] = COMPARE(8, LLVMIntULE),
    [AOT_OP_I8X16_GE_S] = COMPARE(8, LLVMIntSGE),
    [AOT_OP_I8X16_GE_U] = COMPARE(8, LLVMIntUGE),
    [AOT_OP_I16X8_EQ] = COMPARE(16, LLVMIntEQ),
    [AOT_OP_I16X8_NE] = COMPARE(16, LLVMIntNE),
    [AOT_OP_I16X8_LT_S] = COMPARE(16, LLVMIntSLT),
    [AOT_OP_I16X8_LT_U] = COMPARE(16, LLVMIntULT),
    [AOT_OP_I16X8_GT_S] = COMPARE(16, LLVMIntSGT),
    [AOT_OP_I16X8_GT_U] = COMPARE(16, LLVMIntUGT),
    [AOT_OP_I16X8_LE_S] = COMPARE(16, LLVMIntSLE),
    [AOT_OP_I16X8_LE_U] = COMPARE(16, LLVMIntULE),
    [AOT_OP_I16X8_GE_S] = COMPARE(16, LLVMIntSGE),
    [AOT_OP_I16X8_GE_U] = COMPARE(16, LLVMIntUGE),
    [AOT_OP_I32X4_EQ] = COMPARE(32, LLVMIntEQ),
    [AOT_OP_I32X4_NE] = COMPARE(32, LLVMIntNE),
    [AOT_OP_I32X4_LT_S] = COMPARE(32, LLVMIntSLT),
    [AOT_OP_I32X4_LT_U] = COMPARE(32, LLVMIntULT),
    [AOT_OP_I32X4_GT_S] = COMPARE(32, LLVMIntSGT),
    [AOT_OP_I32X4_GT_U] = COMPARE(32, LLVMIntUGT),
    [AOT_OP_I32X4_LE_S] = COMPARE(32, LLVMIntSLE),
    [AOT_OP_I32X4_LE_U] = COMPARE(32, LLVMIntULE),
    [AOT_OP_I32X4_GE_S] = COMPARE(32, LLVMIntSGE),
    [AOT_OP_I32X4_GE_U] = COMPARE(32, LLVMIntUGE),
    /* i64x2 has only the signed orderings. */
    [AOT_OP_I64X2_EQ] = COMPARE(64, LLVMIntEQ),
    [AOT_OP_I64X2_NE] = COMPARE(64, LLVMIntNE),
    [AOT_OP_I64X2_LT_S] = COMPARE(64, LLVMIntSLT),
    [AOT_OP_I64X2_GT_S] = COMPARE(64, LLVMIntSGT),
    [AOT_OP_I64X2_LE_S] = COMPARE(64, LLVMIntSLE),
    [AOT_OP_I64X2_GE_S] = COMPARE(64, LLVMIntSGE),

    [AOT_OP_I8X16_ABS] = ABS(8),
    [AOT_OP_I8X16_NEG] = NEG(8),
    [AOT_OP_I8X16_POPCNT] = UNARY_INTRINSIC(8, "llvm.ctpop"),
    [AOT_OP_I8X16_ALL_TRUE] = ALL_TRUE(8),
    [AOT_OP_I8X16_BITMASK] = BITMASK(8),
    [AOT_OP_I8X16_NARROW_I16X8_S] = NARROW_S(16, "llvm.x86.sse2.packsswb.128"),
    [AOT_OP_I8X16_NARROW_I16X8_U] = NARROW_U(16, "llvm.x86.sse2.packuswb.128"),
    [AOT_OP_I8X16_SHL] = SHIFT(8, LLVMBuildShl),
    [AOT_OP_I8X16_SHR_S] = SHIFT(8, LLVMBuildAShr),
    [AOT_OP_I8X16_SHR_U] = SHIFT(8, LLVMBuildLShr),
    [AOT_OP_I8X16_ADD] = BINARY(8, LLVMBuildAdd),
    [AOT_OP_I8X16_ADD_SAT_S] = BINARY_INTRINSIC(8, "llvm.sadd.sat"),
    [AOT_OP_I8X16_ADD_SAT_U] = BINARY_INTRINSIC(8, "llvm.uadd.sat"),
    [AOT_OP_I8X16_SUB] = BINARY(8, LLVMBuildSub),
    [AOT_OP_I8X16_SUB_SAT_S] = BINARY_INTRINSIC(8, "llvm.ssub.sat"),
    [AOT_OP_I8X16_SUB_SAT_U] = BINARY_INTRINSIC(8, "llvm.usub.sat"),
    [AOT_OP_I8X16_MIN_S] = BINARY_INTRINSIC(8, "llvm.smin"),
    [AOT_OP_I8X16_MIN_U] = BINARY_INTRINSIC(8, "llvm.umin"),
    [AOT_OP_I8X16_MAX_S] = BINARY_INTRINSIC(8, "llvm.smax"),
    [AOT_OP_I8X16_MAX_U] = BINARY_INTRINSIC(8, "llvm.umax"),
    [AOT_OP_I8X16_AVGR_U] = AVGR_U(8),

    [AOT_OP_I16X8_EXTADD_PAIRWISE_I8X16_S] = EXTADD_PAIRWISE(8, LLVMSExt),
    [AOT_OP_I16X8_EXTADD_PAIRWISE_I8X16_U] = EXTADD_PAIRWISE(8, LLVMZExt),
    [AOT_OP_I32X4_EXTADD_PAIRWISE_I16X8_S] = EXTADD_PAIRWISE(16, LLVMSExt),
    [AOT_OP_I32X4_EXTADD_PAIRWISE_I16X8_U] = EXTADD_PAIRWISE(16, LLVMZExt),

    [AOT_OP_I16X8_ABS] = ABS(16),
    [AOT_OP_I16X8_NEG] = NEG(16),
    [AOT_OP_I16X8_Q15MULR_SAT_S] = Q15MULR_SAT_S,
    [AOT_OP_I16X8_ALL_TRUE] = ALL_TRUE(16),
    [AOT_OP_I16X8_BITMASK] = BITMASK(16),
    [AOT_OP_I16X8_NARROW_I32X4_S] = NARROW_S(32, "llvm.x86.sse2.packssdw.128"),
    /* packusdw is SSE4.1, beyond the x86-64 baseline. */
    [AOT_OP_I16X8_NARROW_I32X4_U] = NARROW_U(32, NULL),
    [AOT_OP_I16X8_EXTEND_LOW_I8X16_S] = EXTEND_LOW(8, LLVMSExt),
    [AOT_OP_I16X8_EXTEND_HIGH_I8X16_S] = EXTEND_HIGH(8, LLVMSExt),
    [AOT_OP_I16X8_EXTEND_LOW_I8X16_U] = EXTEND_LOW(8, LLVMZExt),
    [AOT_OP_I16X8_EXTEND_HIGH_I8X16_U] = EXTEND_HIGH(8, LLVMZExt),
    [AOT_OP_I16X8_SHL] = SHIFT(16, LLVMBuildShl),
    [AOT_OP_I16X8_SHR_S] = SHIFT(16, LLVMBuildAShr),
    [AOT_OP_I16X8_SHR_U] = SHIFT(16, LLVMBuildLShr),
    [AOT_OP_I16X8_ADD] = BINARY(16, LLVMBuildAdd),
    [AOT_OP_I16X8_ADD_SAT_S] = BINARY_INTRINSIC(16, "llvm.sadd.sat"),
    [AOT_OP_I16X8_ADD_SAT_U] = BINARY_INTRINSIC(16, "llvm.uadd.sat"),
    [AOT_OP_I16X8_SUB] = BINARY(16, LLVMBuildSub),
    [AOT_OP_I16X8_SUB_SAT_S] = BINARY_INTRINSIC(16, "llvm.ssub.sat"),
    [AOT_OP_I16X8_SUB_SAT_U] = BINARY_INTRINSIC(16, "llvm.usub.sat"),
    [AOT_OP_I16X8_MUL] = BINARY(16, LLVMBuildMul),
    [AOT_OP_I16X8_MIN_S] = BINARY_INTRINSIC(16, "llvm.smin"),
    [AOT_OP_I16X8_MIN_U] = BINARY_INTRINSIC(16, "llvm.umin"),
    [AOT_OP_I16X8_MAX_S] = BINARY_INTRINSIC(16, "llvm.smax"),
    [AOT_OP_I16X8_MAX_U] = BINARY_INTRINSIC(16, "llvm.umax"),
    [AOT_OP_I16X8_AVGR_U] = AVGR_U(16),
    [AOT_OP_I16X8_EXTMUL_LOW_I8X16_S] = EXTMUL_LOW(8, LLVMSExt),
    [AOT_OP_I16X8_EXTMUL_HIGH_I8X16_S] = EXTMUL_HIGH(8, LLVMSExt),
    [AOT_OP_I16X8_EXTMUL_LOW_I8X16_U] = EXTMUL_LOW(8, LLVMZExt),
    [AOT_OP_I16X8_EXTMUL_HIGH_I8X16_U] = EXTMUL_HIGH(8, LLVMZExt),

    [AOT_OP_I32X4_ABS] = ABS(32),
    [AOT_OP_I32X4_NEG] = NEG(32),
    [AOT_OP_I32X4_ALL_TRUE] = ALL_TRUE(32),
    [AOT_OP_I32X4_BITMASK] = BITMASK(32),
    [AOT_OP_I32X4_EXTEND_LOW_I16X8_S] = EXTEND_LOW(16, LLVMSExt),
    [AOT_OP_I32X4_EXTEND_HIGH_I16X8_S] = EXTEND_HIGH(16, LLVMSExt),
    [AOT_OP_I32X4_EXTEND_LOW_I16X8_U] = EXTEND_LOW(16, LLVMZExt),
    [AOT_OP_I32X4_EXTEND_HIGH_I16X8_U] = EXTEND_HIGH(16, LLVMZExt),
    [AOT_OP_I32X4_SHL] = SHIFT(32, LLVMBuildShl),
    [AOT_OP_I32X4_SHR_S] = SHIFT(32, LLVMBuildAShr),
    [AOT_OP_I32X4_SHR_U] = SHIFT(32, LLVMBuildLShr),
    [AOT_OP_I32X4_ADD] = BINARY(32, LLVMBuildAdd),
    [AOT_OP_I32X4_SUB] = BINARY(32, LLVMBuildSub),
    [AOT_OP_I32X4_MUL] = BINARY(32, LLVMBuildMul),
    [AOT_OP_I32X4_MIN_S] = BINARY_INTRINSIC(32, "llvm.smin"),
    [AOT_OP_I32X4_MIN_U] = BINARY_INTRINSIC(32, "llvm.umin"),
    [AOT_OP_I32X4_MAX_S] = BINARY_INTRINSIC(32, "llvm.smax"),
    [AOT_OP_I32X4_MAX_U] = BINARY_INTRINSIC(32, "llvm.umax"),
    [AOT_OP_I32X4_DOT_I16X8_S] = DOT_S,
    [AOT_OP_I32X4_EXTMUL_LOW_I16X8_S] = EXTMUL_LOW(16, LLVMSExt),
    [AOT_OP_I32X4_EXTMUL_HIGH_I16X8_S] = EXTMUL_HIGH(16, LLVMSExt),
    [AOT_OP_I32X4_EXTMUL_LOW_I16X8_U] = EXTMUL_LOW(16, LLVMZExt),
    [AOT_OP_I32X4_EXTMUL_HIGH_I16X8_U] = EXTMUL_HIGH(16, LLVMZExt),

    [AOT_OP_I64X2_ABS] = ABS(64),
    [AOT_OP_I64X2_NEG] = NEG(64),
    [AOT_OP_I64X2_ALL_TRUE] = ALL_TRUE(64),
    [AOT_OP_I64X2_BITMASK] = BITMASK(64),
    [AOT_OP_I64X2_EXTEND_LOW_I32X4_S] = EXTEND_LOW(32, LLVMSExt),
    [AOT_OP_I64X2_EXTEND_HIGH_I32X4_S] = EXTEND_HIGH(32, LLVMSExt),
    [AOT_OP_I64X2_EXTEND_LOW_I32X4_U] = EXTEND_LOW(32, LLVMZExt),
    [AOT_OP_I64X2_EXTEND_HIGH_I32X4_U] = EXTEND_HIGH(32, LLVMZExt),
    [AOT_OP_I64X2_SHL] = SHIFT(64, LLVMBuildShl),
    [AOT_OP_I64X2_SHR_S] = SHIFT(64, LLVMBuildAShr),
    [AOT_OP_I64X2_SHR_U] = SHIFT(64, LLVMBuildLShr),
    [AOT_OP_I64X2_ADD] = BINARY(64, LLVMBuildAdd),
    [AOT_OP_I64X2_SUB] = BINARY(64, LLVMBuildSub),
    [AOT_OP_I64X2_MUL] = BINARY(64, LLVMBuildMul),
    [AOT_OP_I64X2_EXTMUL_LOW_I32X4_S] = EXTMUL_LOW(32, LLVMSExt),
    [AOT_OP_I64X2_EXTMUL_HIGH_I32X4_S] = EXTMUL_HIGH(32, LLVMSExt),
    [AOT_OP_I64X2_EXTMUL_LOW_I32X4_U] = EXTMUL_LOW(32, LLVMZExt),
    [AOT_OP_I64X2_EXTMUL_HIGH_I32X4_U] = EXTMUL_HIGH(32, LLVMZExt),
};

/* The widest vector built here: a <16 x i16> of two concatenated v128s. */
enum { SIMD_INT_MAX_LANES = 16 };

/* A vector of `count` lanes of `bits` bits each. */
static LLVMTypeRef simd_int_vector_type(lower_func *f, unsigned bits, unsigned count)
{
    return LLVMVectorType(LLVMIntTypeInContext(f->lm->llvm, bits), count);
}

/* A v128 (any 128-bit vector) seen as lanes of `bits` bits. */
static LLVMValueRef simd_int_lanes(lower_func *f, LLVMValueRef v128, unsigned bits)
{
    return LLVMBuildBitCast(f->lm->b, v128, simd_int_vector_type(f, bits, 128 / bits), "");
}

/* Every lane of `type` (an integer vector) holding `value`, sign-extended
 * from an int64_t so that negative bounds can be written as such. */
static LLVMValueRef simd_int_splat_const(LLVMTypeRef type, int64_t value)
{
    LLVMValueRef lanes[SIMD_INT_MAX_LANES];
    unsigned count = LLVMGetVectorSize(type);
    for (unsigned i = 0; i < count; i++)
        lanes[i] = LLVMConstInt(LLVMGetElementType(type), (unsigned long long)value, true);
    return LLVMConstVector(lanes, count);
}

/* `count` lanes picked from the concatenation of a and b (b may be NULL
 * when only a is read): lanes first, first + step, first + 2 * step, ...
 * Halves, even and odd lanes, and concatenations are all such picks. */
static LLVMValueRef simd_int_pick(lower_func *f, LLVMValueRef a, LLVMValueRef b, unsigned first,
                                  unsigned step, unsigned count)
{
    LLVMValueRef mask[SIMD_INT_MAX_LANES];
    for (unsigned i = 0; i < count; i++)
        mask[i] = lower_const_i32(f, first + i * step);
    if (!b)
        b = LLVMGetPoison(LLVMTypeOf(a));
    return LLVMBuildShuffleVector(f->lm->b, a, b, LLVMConstVector(mask, count), "");
}

/* Lanes extended (`extend`: LLVMSExt or LLVMZExt) to twice their width. */
static LLVMValueRef simd_int_widen(lower_func *f, LLVMValueRef lanes, LLVMOpcode extend)
{
    LLVMTypeRef type = LLVMTypeOf(lanes);
    unsigned bits = LLVMGetIntTypeWidth(LLVMGetElementType(type));
    LLVMTypeRef wide = simd_int_vector_type(f, 2 * bits, LLVMGetVectorSize(type));
    return LLVMBuildCast(f->lm->b, extend, lanes, wide, "");
}

/* The low or high half of the lanes, extended to twice their width. */
static LLVMValueRef simd_int_extend_half(lower_func *f, LLVMValueRef lanes, bool high,
                                         LLVMOpcode extend)
{
    unsigned half = LLVMGetVectorSize(LLVMTypeOf(lanes)) / 2;
    return simd_int_widen(f, simd_int_pick(f, lanes, NULL, high ? half : 0, 1, half), extend);
}

static LLVMValueRef simd_int_binary_intrinsic(lower_func *f, const char *name, LLVMValueRef lhs,
                                              LLVMValueRef rhs)
{
    LLVMTypeRef type = LLVMTypeOf(lhs);
    LLVMValueRef args[] = {lhs, rhs};
    return lower_intrinsic(f, name, &type, 1, args, 2);
}

/* Whether the module is compiled for x86-64.  compile.c sets the target
 * triple before lowering; a module without one gets the portable IR. */
static bool simd_int_is_x86_64(lower_func *f)
{
    return strncmp(LLVMGetTarget(f->lm->mod), "x86_64", 6) == 0;
}

/* Both operands' lanes, saturated to the signed or unsigned range of half
 * their width and truncated: lhs fills the low half of the result, rhs the
 * high half.  Both narrowings read their input as signed (an i16 of -1
 * narrows to 0 unsigned, not to 255), so both clamp with smax/smin.
 *
 * The x86 back end selects one pack instruction for this
 * clamp-then-truncate over the concatenation, except when AVX-512 is
 * there: then it builds the concatenation in a ymm register and narrows it
 * with vpmovswb/vpmovuswb, two to four instructions and a vzeroupper on
 * return.  So on x86-64 the rows SSE2 has an instruction for call its
 * intrinsic: packsswb, packuswb and packssdw compute exactly wasm's
 * narrowing, SSE2 is part of every x86-64 CPU, and LLVM still folds them
 * on constants.  packusdw (SSE4.1) is not always there, so
 * i16x8.narrow_i32x4_u keeps the portable form. */
static LLVMValueRef simd_int_narrow(lower_func *f, const simd_int_op *op, LLVMValueRef lhs,
                                    LLVMValueRef rhs)
{
    if (op->intrinsic && simd_int_is_x86_64(f)) {
        LLVMValueRef args[] = {lhs, rhs};
        return lower_intrinsic(f, op->intrinsic, NULL, 0, args, 2);
    }
    unsigned count = 128 / op->bits, narrow_bits = op->bits / 2;
    LLVMValueRef both = simd_int_pick(f, lhs, rhs, 0, 1, 2 * count);
    LLVMTypeRef type = LLVMTypeOf(both);
    int64_t min = op->is_signed ? -(INT64_C(1) << (narrow_bits - 1)) : 0;
    int64_t max = op->is_signed ? (INT64_C(1) << (narrow_bits - 1)) - 1
                                : (INT64_C(1) << narrow_bits) - 1;
    LLVMValueRef clamped = simd_int_binary_intrinsic(f, "llvm.smax", both,
                                                     simd_int_splat_const(type, min));
    clamped = simd_int_binary_intrinsic(f, "llvm.smin", clamped, simd_int_splat_const(type, max));
    return LLVMBuildTrunc(f->lm->b, clamped, simd_int_vector_type(f, narrow_bits, 2 * count), "");
}

/* The same count, modulo the lane width, in every lane of `lanes`' type. */
static LLVMValueRef simd_int_shift_count(lower_func *f, LLVMValueRef lanes, unsigned bits,
                                         LLVMValueRef count)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(lanes);
    LLVMTypeRef lane_type = LLVMGetElementType(type);
    /* Masking the i32 first makes the value fit every lane type, so the
     * conversion below can be a plain trunc or zext. */
    LLVMValueRef masked = LLVMBuildAnd(b, count, lower_const_i32(f, bits - 1), "");
    LLVMValueRef lane = bits < 32   ? LLVMBuildTrunc(b, masked, lane_type, "")
                        : bits > 32 ? LLVMBuildZExt(b, masked, lane_type, "")
                                    : masked;
    LLVMValueRef one = LLVMBuildInsertElement(b, LLVMGetPoison(type), lane, lower_const_i32(f, 0),
                                              "");
    LLVMValueRef zeros = LLVMConstNull(LLVMVectorType(f->lm->t_i32, LLVMGetVectorSize(type)));
    return LLVMBuildShuffleVector(b, one, LLVMGetPoison(type), zeros, "");
}

/* Every lane nonzero: 1, else 0.  On x86: a compare with zero, then a mask
 * move (pmovmskb, movmskpd) and a test, or vptestnm and kortest with
 * AVX-512. */
static LLVMValueRef simd_int_all_true(lower_func *f, LLVMValueRef lanes)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(lanes);
    LLVMValueRef nonzero = LLVMBuildICmp(b, LLVMIntNE, lanes, LLVMConstNull(type), "");
    LLVMTypeRef flags_type = LLVMTypeOf(nonzero);
    LLVMValueRef all = lower_intrinsic(f, "llvm.vector.reduce.and", &flags_type, 1, &nonzero, 1);
    return LLVMBuildZExt(b, all, f->lm->t_i32, "");
}

/* Lane i's top bit in bit i of an i32, the other bits zero.  An <N x i1>
 * bitcast to iN puts lane i in bit i (LLVM's vector bit order on every
 * target), and the x86 back end selects pmovmskb/movmskps/movmskpd. */
static LLVMValueRef simd_int_bitmask(lower_func *f, LLVMValueRef lanes)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(lanes);
    LLVMValueRef negative = LLVMBuildICmp(b, LLVMIntSLT, lanes, LLVMConstNull(type), "");
    LLVMTypeRef bits_type = LLVMIntTypeInContext(f->lm->llvm, LLVMGetVectorSize(type));
    return LLVMBuildZExt(b, LLVMBuildBitCast(b, negative, bits_type, ""), f->lm->t_i32, "");
}

/* (lhs + rhs + 1) >> 1 in lanes twice as wide, where the sum cannot
 * overflow, truncated back: the shape x86 selects pavgb/pavgw for. */
static LLVMValueRef simd_int_avgr_u(lower_func *f, LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef wide_lhs = simd_int_widen(f, lhs, LLVMZExt);
    LLVMValueRef wide_rhs = simd_int_widen(f, rhs, LLVMZExt);
    LLVMTypeRef wide = LLVMTypeOf(wide_lhs);
    LLVMValueRef sum = LLVMBuildAdd(b, wide_lhs, wide_rhs, "");
    sum = LLVMBuildAdd(b, sum, simd_int_splat_const(wide, 1), "");
    LLVMValueRef half = LLVMBuildLShr(b, sum, simd_int_splat_const(wide, 1), "");
    return LLVMBuildTrunc(b, half, LLVMTypeOf(lhs), "");
}

/* (lhs * rhs + 0x4000) >> 15 per i16 lane, in i32 lanes, saturated to
 * i16.  The product of two i16 fits an i32, and only -32768 * -32768
 * rounds to a value above 32767 (to 32768); nothing rounds below -32768,
 * so one smin is the whole saturation.  x86's pmulhrsw rounds the same way
 * and wraps that one case to -32768, which a compare and xor would fix up,
 * but LLVM does not select it from generic IR and it is SSSE3, beyond the
 * x86-64 baseline; this form is 7 instructions with AVX-512. */
static LLVMValueRef simd_int_q15mulr_sat_s(lower_func *f, LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef product = LLVMBuildMul(b, simd_int_widen(f, lhs, LLVMSExt),
                                        simd_int_widen(f, rhs, LLVMSExt), "");
    LLVMTypeRef wide = LLVMTypeOf(product);
    LLVMValueRef rounded = LLVMBuildAdd(b, product, simd_int_splat_const(wide, 0x4000), "");
    LLVMValueRef shifted = LLVMBuildAShr(b, rounded, simd_int_splat_const(wide, 15), "");
    LLVMValueRef saturated = simd_int_binary_intrinsic(f, "llvm.smin", shifted,
                                                       simd_int_splat_const(wide, 0x7fff));
    return LLVMBuildTrunc(b, saturated, LLVMTypeOf(lhs), "");
}

/* The i16 lanes sign-extended and multiplied in i32, then lanes 2i and
 * 2i + 1 added: pmaddwd.  The one sum that leaves the i32 range,
 * 2 * (-32768 * -32768) = 2^31, wraps to -2^31 as wasm says it does. */
static LLVMValueRef simd_int_dot_s(lower_func *f, LLVMValueRef lhs, LLVMValueRef rhs)
{
    LLVMValueRef products = LLVMBuildMul(f->lm->b, simd_int_widen(f, lhs, LLVMSExt),
                                         simd_int_widen(f, rhs, LLVMSExt), "");
    LLVMValueRef even = simd_int_pick(f, products, NULL, 0, 2, 4);
    LLVMValueRef odd = simd_int_pick(f, products, NULL, 1, 2, 4);
    return LLVMBuildAdd(f->lm->b, even, odd, "");
}

/* Lanes 2i and 2i + 1, extended, added into lane i of twice the width.
 * Seen as lanes of twice the width, lane 2i is the low half of wide lane i
 * and lane 2i + 1 its high half (in the little-endian lane order the top
 * of this file describes), so both extensions are shifts or a mask in
 * place: 4 plain instructions on x86 for the signed rows, 3 for the
 * unsigned, where picking the lanes apart with shuffles and extending them
 * costs more. */
static LLVMValueRef simd_int_extadd_pairwise(lower_func *f, const simd_int_op *op,
                                             LLVMValueRef lanes)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef wide = simd_int_lanes(f, lanes, 2 * op->bits);
    LLVMValueRef half_width = simd_int_splat_const(LLVMTypeOf(wide), op->bits);
    LLVMValueRef even, odd;
    if (op->extend == LLVMSExt) {
        even = LLVMBuildAShr(b, LLVMBuildShl(b, wide, half_width, ""), half_width, "");
        odd = LLVMBuildAShr(b, wide, half_width, "");
    } else {
        int64_t low_mask = (INT64_C(1) << op->bits) - 1;
        even = LLVMBuildAnd(b, wide, simd_int_splat_const(LLVMTypeOf(wide), low_mask), "");
        odd = LLVMBuildLShr(b, wide, half_width, "");
    }
    return LLVMBuildAdd(b, even, odd, "");
}

/* The result lanes of a row with one v128 operand, or NULL if the row has
 * no such lowering. */
static LLVMValueRef simd_int_unary(lower_func *f, const simd_int_op *op, LLVMValueRef x)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(x);
    switch (op->kind) {
    case SIMD_INT_UNARY_INTRINSIC:
        return lower_intrinsic(f, op->intrinsic, &type, 1, &x, 1);
    case SIMD_INT_ABS: {
        /* Wasm's abs of the most negative lane is that lane, so it must not
         * be poison. */
        LLVMValueRef args[] = {x, LLVMConstInt(f->lm->t_i1, 0, false)};
        return lower_intrinsic(f, "llvm.abs", &type, 1, args, 2);
    }
    case SIMD_INT_NEG:
        return LLVMBuildNeg(b, x, "");
    case SIMD_INT_ALL_TRUE:
        return simd_int_all_true(f, x);
    case SIMD_INT_BITMASK:
        return simd_int_bitmask(f, x);
    case SIMD_INT_EXTEND:
        return simd_int_extend_half(f, x, op->high, op->extend);
    case SIMD_INT_EXTADD_PAIRWISE:
        return simd_int_extadd_pairwise(f, op, x);
    default:
        return NULL;
    }
}

/* The result lanes of a row with two operands, or NULL if the row has no
 * such lowering.  `rhs` is the i32 count for a shift, else lanes. */
static LLVMValueRef simd_int_binary(lower_func *f, const simd_int_op *op, LLVMValueRef lhs,
                                    LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    switch (op->kind) {
    case SIMD_INT_BINARY:
        return op->build(b, lhs, rhs, "");
    case SIMD_INT_SHIFT:
        return op->build(b, lhs, simd_int_shift_count(f, lhs, op->bits, rhs), "");
    case SIMD_INT_COMPARE: {
        LLVMValueRef flags = LLVMBuildICmp(b, op->predicate, lhs, rhs, "");
        return LLVMBuildSExt(b, flags, LLVMTypeOf(lhs), "");
    }
    case SIMD_INT_BINARY_INTRINSIC:
        return simd_int_binary_intrinsic(f, op->intrinsic, lhs, rhs);
    case SIMD_INT_NARROW:
        return simd_int_narrow(f, op, lhs, rhs);
    case SIMD_INT_EXTMUL:
        return LLVMBuildMul(b, simd_int_extend_half(f, lhs, op->high, op->extend),
                            simd_int_extend_half(f, rhs, op->high, op->extend), "");
    case SIMD_INT_AVGR_U:
        return simd_int_avgr_u(f, lhs, rhs);
    case SIMD_INT_Q15MULR_SAT_S:
        return simd_int_q15mulr_sat_s(f, lhs, rhs);
    case SIMD_INT_DOT_S:
        return simd_int_dot_s(f, lhs, rhs);
    default:
        return NULL;
    }
}

bool lower_simd_int(lower_func *f, const aot_instr *in)
{
    const simd_int_op *op = &simd_int_ops[in->op];
    const aot_opcode_info *info = &aot_opcode_infos[in->op];
    if (op->kind == SIMD_INT_UNLISTED)
        return lower_fail(f, "internal error: %s is not a SIMD integer instruction", info->text);
    LLVMValueRef result;
    if (info->params[1] == AOT_SIG_NONE) {
        result = simd_int_unary(f, op, simd_int_lanes(f, lower_pop(f), op->bits));
    } else {
        LLVMValueRef rhs = lower_pop(f);
        LLVMValueRef lhs = simd_int_lanes(f, lower_pop(f), op->bits);
        if (info->params[1] == AOT_VT_V128)
            rhs = simd_int_lanes(f, rhs, op->bits);
        result = simd_int_binary(f, op, lhs, rhs);
    }
    if (!result)
        return lower_fail(f, "internal error: %s has no SIMD integer lowering", info->text);
    /* all_true and bitmask give an i32; every other row gives lanes. */
    if (LLVMGetTypeKind(LLVMTypeOf(result)) == LLVMVectorTypeKind)
        result = LLVMBuildBitCast(f->lm->b, result, f->lm->t_v128, "");
    lower_push(f, result);
    return true;
}
