/*
 * The SIMD family's entry point, and the v128 instructions that are not
 * integer lane arithmetic: every v128 load and store (whole, extending,
 * splatting, zero-filling and single-lane), v128.const, i8x16.shuffle and
 * swizzle, the splats, lane extraction and replacement, the bitwise
 * operations, and every f32x4/f64x2 operation and conversion.  The other
 * rows (integer arithmetic, comparisons, shifts, narrowing, ...) go to
 * lower_simd_int.c.
 *
 * A v128 is a <2 x i64> on the operand stack; each operation bitcasts it to
 * the vector of its lanes (<16 x i8> ... <2 x double>) and its result back.
 * Wasm numbers lanes from the lowest address, which on a little-endian
 * target is LLVM's lane order too, so those bitcasts move no bytes.
 *
 * Most rows are one line of the table below.  The lessons of the scalar
 * families apply lane by lane:
 *  - every load is kept (never deleted, never narrowed), so that it still
 *    faults out of bounds, and every access has alignment 1
 *    (lower_memory.c);
 *  - add, sub, mul, div, demote and promote are LLVM's constrained
 *    intrinsics, to nearest with "fpexcept.maytrap", so that LLVM cannot
 *    fold x * 1 or x - 0 into returning a signalling NaN unchanged
 *    (lower_numeric.c, lower_conversion.c);
 *  - min and max are llvm.minimum/llvm.maximum with the quiet bit set on a
 *    NaN result.
 * pmin and pmax are not min and max: wasm defines them as the selects
 * b < a ? b : a and a < b ? b : a, which are exactly x86's minps/maxps with
 * the operands swapped, and return an operand bit for bit.
 */
#include "lower.h"

#include <string.h>

/* The lane interpretations of a v128. */
typedef enum simd_shape {
    SHAPE_I8X16, SHAPE_I16X8, SHAPE_I32X4, SHAPE_I64X2, SHAPE_F32X4, SHAPE_F64X2,
} simd_shape;

typedef LLVMValueRef (*simd_builder)(LLVMBuilderRef, LLVMValueRef, LLVMValueRef, const char *);

typedef enum simd_kind {
    SIMD_UNLISTED = 0,      /* integer lane arithmetic: lower_simd_int.c */
    SIMD_LOAD,              /* v128.load */
    SIMD_LOAD_EXTEND,       /* half a v128 of `shape`'s lanes, each extended to twice its width */
    SIMD_LOAD_SPLAT,        /* one lane, copied to all */
    SIMD_LOAD_ZERO,         /* one lane into lane 0, the others zero */
    SIMD_LOAD_LANE,         /* one lane into lane `lane` of a v128 operand */
    SIMD_STORE,             /* v128.store */
    SIMD_STORE_LANE,        /* lane `lane` of a v128 operand */
    SIMD_CONST,
    SIMD_SHUFFLE,
    SIMD_SWIZZLE,
    SIMD_SPLAT,             /* a scalar copied to every lane */
    SIMD_EXTRACT_LANE,      /* lane `lane`, extended to i32 if `extend` */
    SIMD_REPLACE_LANE,
    SIMD_NOT,
    SIMD_BITWISE,           /* build(lhs, rhs), on the whole 128 bits */
    SIMD_ANDNOT,
    SIMD_BITSELECT,
    SIMD_ANY_TRUE,
    SIMD_FLOAT_UNARY,       /* intrinsic(x) */
    SIMD_FNEG,
    SIMD_FLOAT_ARITHMETIC,  /* constrained intrinsic(lhs, rhs, to nearest, maytrap) */
    SIMD_MIN_MAX,           /* intrinsic(lhs, rhs), a NaN lane quietened */
    SIMD_PMIN,              /* b < a ? b : a */
    SIMD_PMAX,              /* a < b ? b : a */
    SIMD_FCMP,              /* fcmp predicate, each i1 lane sign-extended to all ones */
    SIMD_CONVERT,           /* see simd_convert */
} simd_kind;

/* How a conversion changes each lane. */
typedef enum simd_conversion {
    CONVERT_CAST,           /* the LLVM cast `cast` */
    CONVERT_SATURATE,       /* clamp to [min, `saturate_max`], NaN to 0, then fpto[su]i `cast` */
    CONVERT_DEMOTE,         /* constrained fptrunc, to nearest */
    CONVERT_PROMOTE,        /* constrained fpext */
} simd_conversion;

typedef enum simd_extend { EXTEND_NONE, EXTEND_SIGNED, EXTEND_UNSIGNED } simd_extend;

typedef struct simd_op {
    simd_kind kind;
    simd_shape shape;       /* the operands' lanes; for memory rows, the lanes in memory */
    simd_extend extend;     /* LOAD_EXTEND, EXTRACT_LANE */
    simd_builder build;
    int predicate;          /* LLVMRealPredicate */
    const char *intrinsic;
    /* SIMD_CONVERT: the result's lanes; whether the source is only its low
     * half (convert_low, promote_low); and how each lane changes.  A
     * conversion whose results are fewer than the result's lanes (the
     * _zero rows) fills the rest with zeros. */
    simd_shape result_shape;
    bool low_half;
    simd_conversion conversion;
    LLVMOpcode cast;
    /* CONVERT_SATURATE: the greatest value of the source type whose
     * truncation fits the result lane (the least is -2^31 or 0, exact in
     * both float types). */
    double saturate_max;
} simd_op;

#define MEMORY(k, s) {.kind = (k), .shape = (s)}
#define LOAD_EXTEND(s, e) {.kind = SIMD_LOAD_EXTEND, .shape = (s), .extend = (e)}
#define LANE(k, s) {.kind = (k), .shape = (s)}
#define EXTRACT_LANE(s, e) {.kind = SIMD_EXTRACT_LANE, .shape = (s), .extend = (e)}
#define BITWISE(fn) {.kind = SIMD_BITWISE, .build = (fn)}
#define FLOAT_UNARY(s, name) {.kind = SIMD_FLOAT_UNARY, .shape = (s), .intrinsic = (name)}
#define FLOAT_ARITHMETIC(s, name) {.kind = SIMD_FLOAT_ARITHMETIC, .shape = (s), .intrinsic = (name)}
#define MIN_MAX(s, name) {.kind = SIMD_MIN_MAX, .shape = (s), .intrinsic = (name)}
#define FCMP(s, p) {.kind = SIMD_FCMP, .shape = (s), .predicate = (p)}
#define CONVERT(from, to, low, how, opcode, name) \
    {.kind = SIMD_CONVERT, .shape = (from), .result_shape = (to), .low_half = (low), \
     .conversion = (how), .cast = (opcode), .intrinsic = (name)}
#define CAST(from, to, low, opcode) CONVERT(from, to, low, CONVERT_CAST, opcode, NULL)
#define SATURATE(from, to, opcode, max) \
    {.kind = SIMD_CONVERT, .shape = (from), .result_shape = (to), \
     .conversion = CONVERT_SATURATE, .cast = (opcode), .saturate_max = (max)}

static const simd_op simd_ops[AOT_OP_COUNT] = {
    [AOT_OP_V128_LOAD] = MEMORY(SIMD_LOAD, SHAPE_I64X2),
    [AOT_OP_V128_LOAD8X8_S] = LOAD_EXTEND(SHAPE_I8X16, EXTEND_SIGNED),
    [AOT_OP_V128_LOAD8X8_U] = LOAD_EXTEND(SHAPE_I8X16, EXTEND_UNSIGNED),
    [AOT_OP_V128_LOAD16X4_S] = LOAD_EXTEND(SHAPE_I16X8, EXTEND_SIGNED),
    [AOT_OP_V128_LOAD16X4_U] = LOAD_EXTEND(SHAPE_I16X8, EXTEND_UNSIGNED),
    [AOT_OP_V128_LOAD32X2_S] = LOAD_EXTEND(SHAPE_I32X4, EXTEND_SIGNED),
    [AOT_OP_V128_LOAD32X2_U] = LOAD_EXTEND(SHAPE_I32X4, EXTEND_UNSIGNED),
    [AOT_OP_V128_LOAD8_SPLAT] = MEMORY(SIMD_LOAD_SPLAT, SHAPE_I8X16),
    [AOT_OP_V128_LOAD16_SPLAT] = MEMORY(SIMD_LOAD_SPLAT, SHAPE_I16X8),
    [AOT_OP_V128_LOAD32_SPLAT] = MEMORY(SIMD_LOAD_SPLAT, SHAPE_I32X4),
    [AOT_OP_V128_LOAD64_SPLAT] = MEMORY(SIMD_LOAD_SPLAT, SHAPE_I64X2),
    [AOT_OP_V128_LOAD32_ZERO] = MEMORY(SIMD_LOAD_ZERO, SHAPE_I32X4),
    [AOT_OP_V128_LOAD64_ZERO] = MEMORY(SIMD_LOAD_ZERO, SHAPE_I64X2),
    [AOT_OP_V128_LOAD8_LANE] = MEMORY(SIMD_LOAD_LANE, SHAPE_I8X16),
    [AOT_OP_V128_LOAD16_LANE] = MEMORY(SIMD_LOAD_LANE, SHAPE_I16X8),
    [AOT_OP_V128_LOAD32_LANE] = MEMORY(SIMD_LOAD_LANE, SHAPE_I32X4),
    [AOT_OP_V128_LOAD64_LANE] = MEMORY(SIMD_LOAD_LANE, SHAPE_I64X2),
    [AOT_OP_V128_STORE] = MEMORY(SIMD_STORE, SHAPE_I64X2),
    [AOT_OP_V128_STORE8_LANE] = MEMORY(SIMD_STORE_LANE, SHAPE_I8X16),
    [AOT_OP_V128_STORE16_LANE] = MEMORY(SIMD_STORE_LANE, SHAPE_I16X8),
    [AOT_OP_V128_STORE32_LANE] = MEMORY(SIMD_STORE_LANE, SHAPE_I32X4),
    [AOT_OP_V128_STORE64_LANE] = MEMORY(SIMD_STORE_LANE, SHAPE_I64X2),

    [AOT_OP_V128_CONST] = {.kind = SIMD_CONST},
    [AOT_OP_I8X16_SHUFFLE] = {.kind = SIMD_SHUFFLE, .shape = SHAPE_I8X16},
    [AOT_OP_I8X16_SWIZZLE] = {.kind = SIMD_SWIZZLE, .shape = SHAPE_I8X16},

    [AOT_OP_I8X16_SPLAT] = LANE(SIMD_SPLAT, SHAPE_I8X16),
    [AOT_OP_I16X8_SPLAT] = LANE(SIMD_SPLAT, SHAPE_I16X8),
    [AOT_OP_I32X4_SPLAT] = LANE(SIMD_SPLAT, SHAPE_I32X4),
    [AOT_OP_I64X2_SPLAT] = LANE(SIMD_SPLAT, SHAPE_I64X2),
    [AOT_OP_F32X4_SPLAT] = LANE(SIMD_SPLAT, SHAPE_F32X4),
    [AOT_OP_F64X2_SPLAT] = LANE(SIMD_SPLAT, SHAPE_F64X2),
    [AOT_OP_I8X16_EXTRACT_LANE_S] = EXTRACT_LANE(SHAPE_I8X16, EXTEND_SIGNED),
    [AOT_OP_I8X16_EXTRACT_LANE_U] = EXTRACT_LANE(SHAPE_I8X16, EXTEND_UNSIGNED),
    [AOT_OP_I16X8_EXTRACT_LANE_S] = EXTRACT_LANE(SHAPE_I16X8, EXTEND_SIGNED),
    [AOT_OP_I16X8_EXTRACT_LANE_U] = EXTRACT_LANE(SHAPE_I16X8, EXTEND_UNSIGNED),
    [AOT_OP_I32X4_EXTRACT_LANE] = EXTRACT_LANE(SHAPE_I32X4, EXTEND_NONE),
    [AOT_OP_I64X2_EXTRACT_LANE] = EXTRACT_LANE(SHAPE_I64X2, EXTEND_NONE),
    [AOT_OP_F32X4_EXTRACT_LANE] = EXTRACT_LANE(SHAPE_F32X4, EXTEND_NONE),
    [AOT_OP_F64X2_EXTRACT_LANE] = EXTRACT_LANE(SHAPE_F64X2, EXTEND_NONE),
    [AOT_OP_I8X16_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_I8X16),
    [AOT_OP_I16X8_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_I16X8),
    [AOT_OP_I32X4_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_I32X4),
    [AOT_OP_I64X2_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_I64X2),
    [AOT_OP_F32X4_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_F32X4),
    [AOT_OP_F64X2_REPLACE_LANE] = LANE(SIMD_REPLACE_LANE, SHAPE_F64X2),

    [AOT_OP_V128_NOT] = {.kind = SIMD_NOT},
    [AOT_OP_V128_AND] = BITWISE(LLVMBuildAnd),
    [AOT_OP_V128_ANDNOT] = {.kind = SIMD_ANDNOT},
    [AOT_OP_V128_OR] = BITWISE(LLVMBuildOr),
    [AOT_OP_V128_XOR] = BITWISE(LLVMBuildXor),
    [AOT_OP_V128_BITSELECT] = {.kind = SIMD_BITSELECT},
    [AOT_OP_V128_ANY_TRUE] = {.kind = SIMD_ANY_TRUE},

    /* Ordered: false in a lane where either side is NaN; `ne` is the
     * negation of `eq`, so it is unordered: true where either is NaN. */
    [AOT_OP_F32X4_EQ] = FCMP(SHAPE_F32X4, LLVMRealOEQ),
    [AOT_OP_F32X4_NE] = FCMP(SHAPE_F32X4, LLVMRealUNE),
    [AOT_OP_F32X4_LT] = FCMP(SHAPE_F32X4, LLVMRealOLT),
    [AOT_OP_F32X4_GT] = FCMP(SHAPE_F32X4, LLVMRealOGT),
    [AOT_OP_F32X4_LE] = FCMP(SHAPE_F32X4, LLVMRealOLE),
    [AOT_OP_F32X4_GE] = FCMP(SHAPE_F32X4, LLVMRealOGE),
    [AOT_OP_F64X2_EQ] = FCMP(SHAPE_F64X2, LLVMRealOEQ),
    [AOT_OP_F64X2_NE] = FCMP(SHAPE_F64X2, LLVMRealUNE),
    [AOT_OP_F64X2_LT] = FCMP(SHAPE_F64X2, LLVMRealOLT),
    [AOT_OP_F64X2_GT] = FCMP(SHAPE_F64X2, LLVMRealOGT),
    [AOT_OP_F64X2_LE] = FCMP(SHAPE_F64X2, LLVMRealOLE),
    [AOT_OP_F64X2_GE] = FCMP(SHAPE_F64X2, LLVMRealOGE),

    [AOT_OP_F32X4_ABS] = FLOAT_UNARY(SHAPE_F32X4, "llvm.fabs"),
    [AOT_OP_F32X4_NEG] = {.kind = SIMD_FNEG, .shape = SHAPE_F32X4},
    [AOT_OP_F32X4_SQRT] = FLOAT_UNARY(SHAPE_F32X4, "llvm.sqrt"),
    [AOT_OP_F32X4_CEIL] = FLOAT_UNARY(SHAPE_F32X4, "llvm.ceil"),
    [AOT_OP_F32X4_FLOOR] = FLOAT_UNARY(SHAPE_F32X4, "llvm.floor"),
    [AOT_OP_F32X4_TRUNC] = FLOAT_UNARY(SHAPE_F32X4, "llvm.trunc"),
    [AOT_OP_F32X4_NEAREST] = FLOAT_UNARY(SHAPE_F32X4, "llvm.roundeven"),
    [AOT_OP_F32X4_ADD] = FLOAT_ARITHMETIC(SHAPE_F32X4, "llvm.experimental.constrained.fadd"),
    [AOT_OP_F32X4_SUB] = FLOAT_ARITHMETIC(SHAPE_F32X4, "llvm.experimental.constrained.fsub"),
    [AOT_OP_F32X4_MUL] = FLOAT_ARITHMETIC(SHAPE_F32X4, "llvm.experimental.constrained.fmul"),
    [AOT_OP_F32X4_DIV] = FLOAT_ARITHMETIC(SHAPE_F32X4, "llvm.experimental.constrained.fdiv"),
    [AOT_OP_F32X4_MIN] = MIN_MAX(SHAPE_F32X4, "llvm.minimum"),
    [AOT_OP_F32X4_MAX] = MIN_MAX(SHAPE_F32X4, "llvm.maximum"),
    [AOT_OP_F32X4_PMIN] = {.kind = SIMD_PMIN, .shape = SHAPE_F32X4},
    [AOT_OP_F32X4_PMAX] = {.kind = SIMD_PMAX, .shape = SHAPE_F32X4},

    [AOT_OP_F64X2_ABS] = FLOAT_UNARY(SHAPE_F64X2, "llvm.fabs"),
    [AOT_OP_F64X2_NEG] = {.kind = SIMD_FNEG, .shape = SHAPE_F64X2},
    [AOT_OP_F64X2_SQRT] = FLOAT_UNARY(SHAPE_F64X2, "llvm.sqrt"),
    [AOT_OP_F64X2_CEIL] = FLOAT_UNARY(SHAPE_F64X2, "llvm.ceil"),
    [AOT_OP_F64X2_FLOOR] = FLOAT_UNARY(SHAPE_F64X2, "llvm.floor"),
    [AOT_OP_F64X2_TRUNC] = FLOAT_UNARY(SHAPE_F64X2, "llvm.trunc"),
    [AOT_OP_F64X2_NEAREST] = FLOAT_UNARY(SHAPE_F64X2, "llvm.roundeven"),
    [AOT_OP_F64X2_ADD] = FLOAT_ARITHMETIC(SHAPE_F64X2, "llvm.experimental.constrained.fadd"),
    [AOT_OP_F64X2_SUB] = FLOAT_ARITHMETIC(SHAPE_F64X2, "llvm.experimental.constrained.fsub"),
    [AOT_OP_F64X2_MUL] = FLOAT_ARITHMETIC(SHAPE_F64X2, "llvm.experimental.constrained.fmul"),
    [AOT_OP_F64X2_DIV] = FLOAT_ARITHMETIC(SHAPE_F64X2, "llvm.experimental.constrained.fdiv"),
    [AOT_OP_F64X2_MIN] = MIN_MAX(SHAPE_F64X2, "llvm.minimum"),
    [AOT_OP_F64X2_MAX] = MIN_MAX(SHAPE_F64X2, "llvm.maximum"),
    [AOT_OP_F64X2_PMIN] = {.kind = SIMD_PMIN, .shape = SHAPE_F64X2},
    [AOT_OP_F64X2_PMAX] = {.kind = SIMD_PMAX, .shape = SHAPE_F64X2},

    [AOT_OP_F32X4_CONVERT_I32X4_S] = CAST(SHAPE_I32X4, SHAPE_F32X4, false, LLVMSIToFP),
    [AOT_OP_F32X4_CONVERT_I32X4_U] = CAST(SHAPE_I32X4, SHAPE_F32X4, false, LLVMUIToFP),
    [AOT_OP_F64X2_CONVERT_LOW_I32X4_S] = CAST(SHAPE_I32X4, SHAPE_F64X2, true, LLVMSIToFP),
    [AOT_OP_F64X2_CONVERT_LOW_I32X4_U] = CAST(SHAPE_I32X4, SHAPE_F64X2, true, LLVMUIToFP),
    /* f32 spacing near 2^31 is 2^7 and near 2^32 is 2^8, so the greatest
     * f32 values below them are 2^31 - 2^7 and 2^32 - 2^8; f64 holds
     * 2^31 - 1 and 2^32 - 1 exactly. */
    [AOT_OP_I32X4_TRUNC_SAT_F32X4_S] =
        SATURATE(SHAPE_F32X4, SHAPE_I32X4, LLVMFPToSI, 0x1.fffffep30),
    [AOT_OP_I32X4_TRUNC_SAT_F32X4_U] =
        SATURATE(SHAPE_F32X4, SHAPE_I32X4, LLVMFPToUI, 0x1.fffffep31),
    [AOT_OP_I32X4_TRUNC_SAT_F64X2_S_ZERO] =
        SATURATE(SHAPE_F64X2, SHAPE_I32X4, LLVMFPToSI, 0x1.fffffffcp30),
    [AOT_OP_I32X4_TRUNC_SAT_F64X2_U_ZERO] =
        SATURATE(SHAPE_F64X2, SHAPE_I32X4, LLVMFPToUI, 0x1.fffffffep31),
    [AOT_OP_F32X4_DEMOTE_F64X2_ZERO] = CONVERT(SHAPE_F64X2, SHAPE_F32X4, false, CONVERT_DEMOTE, 0,
                                               "llvm.experimental.constrained.fptrunc"),
    [AOT_OP_F64X2_PROMOTE_LOW_F32X4] = CONVERT(SHAPE_F32X4, SHAPE_F64X2, true, CONVERT_PROMOTE, 0,
                                               "llvm.experimental.constrained.fpext"),
};

/* ---- Lanes ---- */

static unsigned simd_lane_count(simd_shape shape)
{
    static const unsigned counts[] = {16, 8, 4, 2, 4, 2};
    return counts[shape];
}

static LLVMTypeRef simd_lane_type(lower_func *f, simd_shape shape)
{
    lower_module *lm = f->lm;
    switch (shape) {
    case SHAPE_I8X16: return lm->t_i8;
    case SHAPE_I16X8: return lm->t_i16;
    case SHAPE_I32X4: return lm->t_i32;
    case SHAPE_I64X2: return lm->t_i64;
    case SHAPE_F32X4: return lm->t_f32;
    case SHAPE_F64X2: return lm->t_f64;
    }
    return lm->t_i8;
}

/* <count x lane>: a whole v128 for count = simd_lane_count(shape). */
static LLVMTypeRef simd_vector_type(lower_func *f, simd_shape shape, unsigned count)
{
    return LLVMVectorType(simd_lane_type(f, shape), count);
}

/* A v128 (<2 x i64>) seen as the lanes of `shape`. */
static LLVMValueRef simd_as(lower_func *f, LLVMValueRef v, simd_shape shape)
{
    LLVMTypeRef type = simd_vector_type(f, shape, simd_lane_count(shape));
    return LLVMBuildBitCast(f->lm->b, v, type, "");
}

static LLVMValueRef simd_pop_as(lower_func *f, simd_shape shape)
{
    return simd_as(f, lower_pop(f), shape);
}

/* Pushes a 128-bit vector of any lanes as a v128. */
static void simd_push(lower_func *f, LLVMValueRef v)
{
    lower_push(f, LLVMBuildBitCast(f->lm->b, v, f->lm->t_v128, ""));
}

static LLVMValueRef simd_lane_index(lower_func *f, unsigned lane)
{
    return lower_const_i32(f, lane);
}

/* The shuffle mask <0, 1, ..., count - 1>: the low `count` lanes. */
static LLVMValueRef simd_mask_low(lower_func *f, unsigned count)
{
    LLVMValueRef lanes[16];
    for (unsigned i = 0; i < count; i++)
        lanes[i] = lower_const_i32(f, i);
    return LLVMConstVector(lanes, count);
}

/* x (a scalar of `shape`'s lane type) in every lane: an insert into lane 0
 * and a shuffle with an all-zero mask, the form every backend matches to a
 * broadcast. */
static LLVMValueRef simd_splat(lower_func *f, simd_shape shape, LLVMValueRef x)
{
    LLVMBuilderRef b = f->lm->b;
    unsigned count = simd_lane_count(shape);
    LLVMTypeRef type = simd_vector_type(f, shape, count);
    LLVMValueRef one = LLVMBuildInsertElement(b, LLVMGetPoison(type), x, simd_lane_index(f, 0), "");
    LLVMValueRef zero_mask = LLVMConstNull(LLVMVectorType(f->lm->t_i32, count));
    return LLVMBuildShuffleVector(b, one, LLVMGetPoison(type), zero_mask, "");
}

/* v, a vector of fewer lanes than a v128 holds, followed by zero lanes up
 * to a whole v128 (the _zero conversions). */
static LLVMValueRef simd_widen_with_zeros(lower_func *f, LLVMValueRef v, unsigned count)
{
    unsigned have = LLVMGetVectorSize(LLVMTypeOf(v));
    LLVMValueRef lanes[16];
    /* Lanes [have, 2 * have) of the shuffle's input are the zero vector's. */
    for (unsigned i = 0; i < count; i++)
        lanes[i] = lower_const_i32(f, i < have ? i : have);
    LLVMValueRef zero = LLVMConstNull(LLVMTypeOf(v));
    return LLVMBuildShuffleVector(f->lm->b, v, zero, LLVMConstVector(lanes, count), "");
}

/* ---- Memory ---- */

/* Where memory `index` starts: memory 0's base is loaded once per function
 * by the driver; another memory's from its runtime record, on use (as in
 * lower_memory.c: bases never move). */
static LLVMValueRef simd_memory_base(lower_func *f, uint32_t index)
{
    if (index == 0)
        return f->memory_base;
    lower_module *lm = f->lm;
    LLVMValueRef memories = lower_ctx_load_fixed(f, f->ctx, offsetof(waot_abi_context, memories),
                                                 lm->t_ptr, "memories");
    LLVMValueRef memory = lower_ctx_load_fixed(
        f, memories, (size_t)index * sizeof(waot_abi_memory *), lm->t_ptr, "memory");
    return lower_ctx_load_fixed(f, memory, offsetof(waot_abi_memory, base), lm->t_ptr,
                                "memory_base");
}

/* base + zext64(address) + offset: in 64 bits, where it cannot wrap, and
 * inside the guard-page reservation, so no bounds check (lower_memory.c). */
static LLVMValueRef simd_address(lower_func *f, const aot_memarg *memarg, LLVMValueRef address)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef index = LLVMBuildZExt(b, address, f->lm->t_i64, "");
    if (memarg->offset != 0)
        index = LLVMBuildNUWAdd(b, index, lower_const_i64(f, memarg->offset), "");
    return lower_gep(f, simd_memory_base(f, memarg->memory_index), index, "address");
}

static void simd_store(lower_func *f, LLVMValueRef v, LLVMValueRef address)
{
    LLVMSetAlignment(LLVMBuildStore(f->lm->b, v, address), 1);
}

static void simd_memory(lower_func *f, const aot_instr *in, const simd_op *op)
{
    lower_module *lm = f->lm;
    LLVMBuilderRef b = lm->b;
    LLVMTypeRef lane_type = simd_lane_type(f, op->shape);
    unsigned count = simd_lane_count(op->shape);
    switch (op->kind) {
    case SIMD_LOAD: {
        LLVMValueRef address = simd_address(f, &in->imm.memarg, lower_pop(f));
        lower_push(f, lower_memory_load(f, lm->t_v128, address));
        return;
    }
    case SIMD_LOAD_EXTEND: {
        /* 64 bits of narrow lanes, each extended to twice its width. */
        LLVMValueRef address = simd_address(f, &in->imm.memarg, lower_pop(f));
        LLVMValueRef narrow =
            lower_memory_load(f, simd_vector_type(f, op->shape, count / 2), address);
        LLVMTypeRef wide = simd_vector_type(f, (simd_shape)(op->shape + 1), count / 2);
        simd_push(f, op->extend == EXTEND_SIGNED ? LLVMBuildSExt(b, narrow, wide, "")
                                                 : LLVMBuildZExt(b, narrow, wide, ""));
        return;
    }
    case SIMD_LOAD_SPLAT: {
        LLVMValueRef address = simd_address(f, &in->imm.memarg, lower_pop(f));
        simd_push(f, simd_splat(f, op->shape, lower_memory_load(f, lane_type, address)));
        return;
    }
    case SIMD_LOAD_ZERO: {
        LLVMValueRef address = simd_address(f, &in->imm.memarg, lower_pop(f));
        LLVMValueRef zero = LLVMConstNull(simd_vector_type(f, op->shape, count));
        LLVMValueRef lane = lower_memory_load(f, lane_type, address);
        simd_push(f, LLVMBuildInsertElement(b, zero, lane, simd_lane_index(f, 0), ""));
        return;
    }
    case SIMD_LOAD_LANE: {
        LLVMValueRef v = simd_pop_as(f, op->shape);
        LLVMValueRef address = simd_address(f, &in->imm.memarg_lane.memarg, lower_pop(f));
        LLVMValueRef lane = lower_memory_load(f, lane_type, address);
        LLVMValueRef index = simd_lane_index(f, in->imm.memarg_lane.lane);
        simd_push(f, LLVMBuildInsertElement(b, v, lane, index, ""));
        return;
    }
    case SIMD_STORE: {
        LLVMValueRef v = lower_pop(f);
        simd_store(f, v, simd_address(f, &in->imm.memarg, lower_pop(f)));
        return;
    }
    case SIMD_STORE_LANE: {
        LLVMValueRef v = simd_pop_as(f, op->shape);
        LLVMValueRef address = simd_address(f, &in->imm.memarg_lane.memarg, lower_pop(f));
        LLVMValueRef index = simd_lane_index(f, in->imm.memarg_lane.lane);
        simd_store(f, LLVMBuildExtractElement(b, v, index, ""), address);
        return;
    }
    default:
        return;
    }
}

/* ---- Constants, shuffles and lanes ---- */

/* The 16 immediate bytes, little-endian, as a <2 x i64> constant. */
static LLVMValueRef simd_const(lower_func *f, const uint8_t bytes[16])
{
    LLVMValueRef halves[2];
    for (unsigned h = 0; h < 2; h++) {
        uint64_t bits = 0;
        for (unsigned i = 8; i-- > 0;)
            bits = bits << 8 | bytes[h * 8 + i];
        halves[h] = lower_const_i64(f, bits);
    }
    return LLVMConstVector(halves, 2);
}

/* Lanes 0..15 pick from a, 16..31 from b: LLVM's shufflevector numbering,
 * and the validator has checked every index is below 32.  A constant mask
 * lets the backend choose the cheapest shuffle (pshufb at worst). */
static LLVMValueRef simd_shuffle(lower_func *f, const uint8_t lanes[16])
{
    LLVMValueRef b_lanes = simd_pop_as(f, SHAPE_I8X16);
    LLVMValueRef a_lanes = simd_pop_as(f, SHAPE_I8X16);
    LLVMValueRef mask[16];
    for (unsigned i = 0; i < 16; i++)
        mask[i] = lower_const_i32(f, lanes[i]);
    return LLVMBuildShuffleVector(f->lm->b, a_lanes, b_lanes, LLVMConstVector(mask, 16), "");
}

/*
 * swizzle(a, s): lane i is a[s[i]], or 0 where s[i] >= 16.  Built as
 * generic IR: each lane extracts a[s[i]] with a variable index (poison when
 * s[i] >= 16) and a final select puts 0 in those lanes, which makes the
 * poison harmless.  That is the shape the x86 backend turns into one
 * pshufb (a "variable permute"), plus a mask for the >= 16 lanes: with
 * AVX-512 a single masked vpshufb, with SSSE3/AVX2 pshufb + pminub +
 * pcmpeqb + pand.  It also stays correct on targets without pshufb, which
 * expand it lane by lane.  The SSSE3 intrinsic (with uadd.sat(s, 0x70) to
 * push out-of-range indices onto pshufb's "bit 7 gives 0") would save two
 * instructions on SSSE3/AVX2, but the lowering cannot see the target's
 * features, and the intrinsic fails instruction selection on a CPU without
 * SSSE3 (--cpu x86-64).
 */
static LLVMValueRef simd_swizzle(lower_func *f)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef s = simd_pop_as(f, SHAPE_I8X16);
    LLVMValueRef a = simd_pop_as(f, SHAPE_I8X16);
    LLVMTypeRef type = LLVMTypeOf(a);
    LLVMValueRef picked = LLVMGetPoison(type);
    for (unsigned i = 0; i < 16; i++) {
        LLVMValueRef lane = simd_lane_index(f, i);
        LLVMValueRef index = LLVMBuildExtractElement(b, s, lane, "");
        LLVMValueRef byte = LLVMBuildExtractElement(b, a, index, "");
        picked = LLVMBuildInsertElement(b, picked, byte, lane, "");
    }
    LLVMValueRef sixteen = simd_splat(f, SHAPE_I8X16, LLVMConstInt(f->lm->t_i8, 16, false));
    LLVMValueRef in_range = LLVMBuildICmp(b, LLVMIntULT, s, sixteen, "");
    return LLVMBuildSelect(b, in_range, picked, LLVMConstNull(type), "");
}

static LLVMValueRef simd_extract_lane(lower_func *f, const simd_op *op, uint8_t lane)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef v = simd_pop_as(f, op->shape);
    LLVMValueRef x = LLVMBuildExtractElement(b, v, simd_lane_index(f, lane), "");
    switch (op->extend) {
    case EXTEND_SIGNED: return LLVMBuildSExt(b, x, f->lm->t_i32, "");
    case EXTEND_UNSIGNED: return LLVMBuildZExt(b, x, f->lm->t_i32, "");
    case EXTEND_NONE: break;
    }
    return x;
}

/* The scalar operand of a splat or replace_lane as a lane: i8 and i16
 * lanes come from an i32 operand and keep its low bits. */
static LLVMValueRef simd_scalar_to_lane(lower_func *f, simd_shape shape, LLVMValueRef x)
{
    LLVMTypeRef lane_type = simd_lane_type(f, shape);
    if (shape == SHAPE_I8X16 || shape == SHAPE_I16X8)
        return LLVMBuildTrunc(f->lm->b, x, lane_type, "");
    return x;
}

/* ---- Bitwise ---- */

static LLVMValueRef simd_all_ones(lower_func *f)
{
    return LLVMConstAllOnes(f->lm->t_v128);
}

/* v128.bitselect(v1, v2, c): v1's bits where c has ones, v2's elsewhere. */
static LLVMValueRef simd_bitselect(lower_func *f)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef c = lower_pop(f);
    LLVMValueRef v2 = lower_pop(f);
    LLVMValueRef v1 = lower_pop(f);
    LLVMValueRef from_v1 = LLVMBuildAnd(b, v1, c, "");
    LLVMValueRef from_v2 = LLVMBuildAnd(b, v2, LLVMBuildXor(b, c, simd_all_ones(f), ""), "");
    return LLVMBuildOr(b, from_v1, from_v2, "");
}

/* Whether any bit is set: the 128 bits as one integer compared with 0
 * (ptest on SSE4.1). */
static LLVMValueRef simd_any_true(lower_func *f)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef i128 = LLVMIntTypeInContext(f->lm->llvm, 128);
    LLVMValueRef bits = LLVMBuildBitCast(b, lower_pop(f), i128, "");
    LLVMValueRef any = LLVMBuildICmp(b, LLVMIntNE, bits, LLVMConstNull(i128), "");
    return LLVMBuildZExt(b, any, f->lm->t_i32, "");
}

/* ---- Floats ---- */

/* A constrained intrinsic's metadata argument ("round.tonearest", ...). */
static LLVMValueRef simd_metadata_string(lower_func *f, const char *text)
{
    LLVMContextRef llvm = f->lm->llvm;
    return LLVMMetadataAsValue(llvm, LLVMMDStringInContext2(llvm, text, strlen(text)));
}

/* The integer vector with the lanes of float vector type `type`. */
static LLVMTypeRef simd_int_vector_like(lower_func *f, LLVMTypeRef type)
{
    LLVMTypeRef lane = LLVMGetElementType(type);
    unsigned bits = lane == f->lm->t_f32 ? 32 : 64;
    return LLVMVectorType(LLVMIntTypeInContext(f->lm->llvm, bits), LLVMGetVectorSize(type));
}

/* x with the quiet bit set in every NaN lane: an arithmetic NaN, as wasm
 * requires of an operation given a NaN, where x86's lowering of
 * llvm.minimum/maximum hands a NaN operand back as it is.  Done on the
 * bits, where no float folding can undo it. */
static LLVMValueRef simd_quiet_nan(lower_func *f, LLVMValueRef x)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef float_type = LLVMTypeOf(x);
    LLVMTypeRef int_type = simd_int_vector_like(f, float_type);
    bool is_f32 = LLVMGetElementType(float_type) == f->lm->t_f32;
    uint64_t quiet_bit = is_f32 ? 1ull << 22 : 1ull << 51; /* the top mantissa bit */
    LLVMValueRef quiet = LLVMConstInt(LLVMGetElementType(int_type), quiet_bit, false);
    LLVMValueRef quiet_lanes[4] = {quiet, quiet, quiet, quiet};
    LLVMValueRef bits = LLVMBuildBitCast(b, x, int_type, "");
    LLVMValueRef quiet_bits = LLVMBuildOr(
        b, bits, LLVMConstVector(quiet_lanes, LLVMGetVectorSize(int_type)), "");
    LLVMValueRef quieted = LLVMBuildBitCast(b, quiet_bits, float_type, "");
    LLVMValueRef is_nan = LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
    return LLVMBuildSelect(b, is_nan, quieted, x, "");
}

static LLVMValueRef simd_float_binary(lower_func *f, const simd_op *op, LLVMValueRef lhs,
                                      LLVMValueRef rhs)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(lhs);
    switch (op->kind) {
    case SIMD_FLOAT_ARITHMETIC: {
        LLVMValueRef args[] = {lhs, rhs, simd_metadata_string(f, "round.tonearest"),
                               simd_metadata_string(f, "fpexcept.maytrap")};
        return lower_intrinsic(f, op->intrinsic, &type, 1, args, 4);
    }
    case SIMD_MIN_MAX: {
        LLVMValueRef args[] = {lhs, rhs};
        return simd_quiet_nan(f, lower_intrinsic(f, op->intrinsic, &type, 1, args, 2));
    }
    case SIMD_PMIN: {
        /* b < a ? b : a, as the spec defines it: a NaN in either operand
         * gives a, unchanged (it is a select, not arithmetic). */
        LLVMValueRef b_less = LLVMBuildFCmp(b, LLVMRealOLT, rhs, lhs, "");
        return LLVMBuildSelect(b, b_less, rhs, lhs, "");
    }
    case SIMD_PMAX: {
        /* a < b ? b : a, likewise. */
        LLVMValueRef a_less = LLVMBuildFCmp(b, LLVMRealOLT, lhs, rhs, "");
        return LLVMBuildSelect(b, a_less, rhs, lhs, "");
    }
    case SIMD_FCMP: {
        /* A lane is all ones where the comparison holds. */
        LLVMValueRef holds = LLVMBuildFCmp(b, (LLVMRealPredicate)op->predicate, lhs, rhs, "");
        return LLVMBuildSExt(b, holds, simd_int_vector_like(f, type), "");
    }
    default:
        return NULL;
    }
}

/* The splat of float `value` in vector type `type`. */
static LLVMValueRef simd_float_splat_const(LLVMTypeRef type, double value)
{
    LLVMValueRef lane = LLVMConstReal(LLVMGetElementType(type), value);
    LLVMValueRef lanes[4] = {lane, lane, lane, lane};
    return LLVMConstVector(lanes, LLVMGetVectorSize(type));
}

/*
 * trunc_sat: NaN gives 0, and a value beyond the result's range its
 * nearest bound.  Built from selects and a plain fpto[su]i rather than
 * llvm.fpto[su]i.sat, whose vector form the x86 backend splits into lanes
 * (about 30 scalar instructions); here the clamps become maxps/minps and
 * the conversion cvttps2dq (or its unsigned form).  The clamps keep every
 * lane in range, so the conversion is never poison:
 *  - x > min ? x : min also sends NaN to min, which is the right answer (0)
 *    for the unsigned rows; the signed rows put 0 in NaN lanes at the end;
 *  - the high clamp is to the greatest float whose truncation fits; in f32
 *    that is below the integer maximum (2^31 - 1 and 2^32 - 1 are not f32
 *    values), so there lanes above it are set to the maximum afterwards.
 */
static LLVMValueRef simd_saturating_trunc(lower_func *f, const simd_op *op, LLVMValueRef x,
                                          LLVMTypeRef result_type)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef type = LLVMTypeOf(x);
    bool is_signed = op->cast == LLVMFPToSI;
    uint32_t int_max = is_signed ? INT32_MAX : UINT32_MAX;
    LLVMValueRef min = simd_float_splat_const(type, is_signed ? -0x1p31 : 0.0);
    LLVMValueRef max = simd_float_splat_const(type, op->saturate_max);
    LLVMValueRef above_min = LLVMBuildFCmp(b, LLVMRealOGT, x, min, "");
    LLVMValueRef low_clamped = LLVMBuildSelect(b, above_min, x, min, "");
    LLVMValueRef below_max = LLVMBuildFCmp(b, LLVMRealOLT, low_clamped, max, "");
    LLVMValueRef clamped = LLVMBuildSelect(b, below_max, low_clamped, max, "");
    LLVMValueRef result = LLVMBuildCast(b, op->cast, clamped, result_type, "");
    if (op->saturate_max < (double)int_max) {
        LLVMValueRef too_big = LLVMBuildFCmp(b, LLVMRealOGT, x, max, "");
        LLVMValueRef int_max_lane = LLVMConstInt(f->lm->t_i32, int_max, false);
        LLVMValueRef int_max_lanes[4] = {int_max_lane, int_max_lane, int_max_lane, int_max_lane};
        LLVMValueRef saturated = LLVMConstVector(int_max_lanes, LLVMGetVectorSize(result_type));
        result = LLVMBuildSelect(b, too_big, saturated, result, "");
    }
    if (is_signed) {
        LLVMValueRef is_nan = LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
        result = LLVMBuildSelect(b, is_nan, LLVMConstNull(result_type), result, "");
    }
    return result;
}

static LLVMValueRef simd_convert(lower_func *f, const simd_op *op)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMValueRef x = simd_pop_as(f, op->shape);
    unsigned count = simd_lane_count(op->shape);
    if (op->low_half) {
        count /= 2;
        x = LLVMBuildShuffleVector(b, x, LLVMGetPoison(LLVMTypeOf(x)), simd_mask_low(f, count),
                                   "");
    }
    LLVMTypeRef result_type = simd_vector_type(f, op->result_shape, count);
    LLVMTypeRef overloads[] = {result_type, LLVMTypeOf(x)};
    LLVMValueRef y = NULL;
    switch (op->conversion) {
    case CONVERT_CAST:
        y = LLVMBuildCast(b, op->cast, x, result_type, "");
        break;
    case CONVERT_SATURATE:
        y = simd_saturating_trunc(f, op, x, result_type);
        break;
    case CONVERT_DEMOTE: {
        /* Constrained, so demote(promote(x)) is not folded to x, which
         * would return a signalling NaN unquietened (lower_conversion.c). */
        LLVMValueRef args[] = {x, simd_metadata_string(f, "round.tonearest"),
                               simd_metadata_string(f, "fpexcept.maytrap")};
        y = lower_intrinsic(f, op->intrinsic, overloads, 2, args, 3);
        break;
    }
    case CONVERT_PROMOTE: {
        LLVMValueRef args[] = {x, simd_metadata_string(f, "fpexcept.maytrap")};
        y = lower_intrinsic(f, op->intrinsic, overloads, 2, args, 2);
        break;
    }
    }
    unsigned result_count = simd_lane_count(op->result_shape);
    return count < result_count ? simd_widen_with_zeros(f, y, result_count) : y;
}

/* ---- The entry point ---- */

bool lower_simd(lower_func *f, const aot_instr *in)
{
    LLVMBuilderRef b = f->lm->b;
    const simd_op *op = &simd_ops[in->op];
    switch (op->kind) {
    case SIMD_UNLISTED:
        return lower_simd_int(f, in);
    case SIMD_LOAD:
    case SIMD_LOAD_EXTEND:
    case SIMD_LOAD_SPLAT:
    case SIMD_LOAD_ZERO:
    case SIMD_LOAD_LANE:
    case SIMD_STORE:
    case SIMD_STORE_LANE:
        simd_memory(f, in, op);
        return true;
    case SIMD_CONST:
        lower_push(f, simd_const(f, in->imm.bytes16));
        return true;
    case SIMD_SHUFFLE:
        simd_push(f, simd_shuffle(f, in->imm.bytes16));
        return true;
    case SIMD_SWIZZLE:
        simd_push(f, simd_swizzle(f));
        return true;
    case SIMD_SPLAT:
        simd_push(f, simd_splat(f, op->shape, simd_scalar_to_lane(f, op->shape, lower_pop(f))));
        return true;
    case SIMD_EXTRACT_LANE:
        lower_push(f, simd_extract_lane(f, op, in->imm.lane));
        return true;
    case SIMD_REPLACE_LANE: {
        LLVMValueRef x = simd_scalar_to_lane(f, op->shape, lower_pop(f));
        LLVMValueRef v = simd_pop_as(f, op->shape);
        simd_push(f, LLVMBuildInsertElement(b, v, x, simd_lane_index(f, in->imm.lane), ""));
        return true;
    }
    case SIMD_NOT:
        lower_push(f, LLVMBuildXor(b, lower_pop(f), simd_all_ones(f), ""));
        return true;
    case SIMD_BITWISE: {
        LLVMValueRef rhs = lower_pop(f);
        lower_push(f, op->build(b, lower_pop(f), rhs, ""));
        return true;
    }
    case SIMD_ANDNOT: {
        /* a & ~b */
        LLVMValueRef rhs = LLVMBuildXor(b, lower_pop(f), simd_all_ones(f), "");
        lower_push(f, LLVMBuildAnd(b, lower_pop(f), rhs, ""));
        return true;
    }
    case SIMD_BITSELECT:
        lower_push(f, simd_bitselect(f));
        return true;
    case SIMD_ANY_TRUE:
        lower_push(f, simd_any_true(f));
        return true;
    case SIMD_FLOAT_UNARY: {
        LLVMValueRef x = simd_pop_as(f, op->shape);
        LLVMTypeRef type = LLVMTypeOf(x);
        simd_push(f, lower_intrinsic(f, op->intrinsic, &type, 1, &x, 1));
        return true;
    }
    case SIMD_FNEG:
        /* Flips the sign bit only, even of a NaN, as wasm wants. */
        simd_push(f, LLVMBuildFNeg(b, simd_pop_as(f, op->shape), ""));
        return true;
    case SIMD_FLOAT_ARITHMETIC:
    case SIMD_MIN_MAX:
    case SIMD_PMIN:
    case SIMD_PMAX:
    case SIMD_FCMP: {
        LLVMValueRef rhs = simd_pop_as(f, op->shape);
        LLVMValueRef lhs = simd_pop_as(f, op->shape);
        simd_push(f, simd_float_binary(f, op, lhs, rhs));
        return true;
    }
    case SIMD_CONVERT:
        simd_push(f, simd_convert(f, op));
        return true;
    }
    return lower_fail(f, "internal error: %s has no SIMD lowering", aot_opcode_infos[in->op].text);
}
