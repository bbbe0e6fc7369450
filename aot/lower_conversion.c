/*
 * The conversion family: wrapping and extending integers, float to integer
 * (trapping and saturating), integer to float, demotion, promotion and
 * reinterpretation.
 *
 * Every row but the float-to-integer truncations and the float resizes is
 * one LLVM cast to the row's result type.  A trapping truncation first
 * rules out NaN and values whose integer part the result cannot hold,
 * because wasm traps there and LLVM's fptosi/fptoui give poison; each row
 * carries the exact bounds, as floats of its source type, of the open
 * interval of valid inputs.  The saturating rows are LLVM's fpto[su]i.sat
 * intrinsics, which clamp and send NaN to 0 exactly as wasm does.
 * Demotion and promotion are LLVM's constrained fptrunc/fpext with
 * "fpexcept.maytrap": a plain pair would let LLVM fold demote(promote(x))
 * to x, returning a signalling NaN where wasm wants it quietened (the same
 * reason lower_numeric.c gives for add, sub, mul and div).
 */
#include "lower.h"

#include <string.h>

typedef enum conversion_kind {
    CONVERSION_UNLISTED = 0,
    CONVERSION_CAST,            /* one LLVM cast to the result type */
    CONVERSION_TRAPPING_TRUNC,  /* range checks, then `cast` */
    CONVERSION_SATURATING_TRUNC,/* `intrinsic`, overloaded on (result, source) */
    CONVERSION_DEMOTE,          /* constrained fptrunc, to nearest */
    CONVERSION_PROMOTE,         /* constrained fpext */
} conversion_kind;

typedef struct conversion_op {
    conversion_kind kind;
    LLVMOpcode cast;
    /* CONVERSION_TRAPPING_TRUNC: the valid inputs are exclusive_min < x <
     * exclusive_max.  exclusive_min is the greatest float whose truncation
     * is below the result's minimum, exclusive_max the least whose
     * truncation is above its maximum (2^31, 2^32, 2^63 or 2^64).  Both are
     * exact in the source type. */
    double exclusive_min, exclusive_max;
    const char *intrinsic;
} conversion_op;

#define CAST(opcode) {.kind = CONVERSION_CAST, .cast = (opcode)}
#define TRAPPING_TRUNC(opcode, min, max) \
    {.kind = CONVERSION_TRAPPING_TRUNC, .cast = (opcode), .exclusive_min = (min), \
     .exclusive_max = (max)}
#define SATURATING_TRUNC(name) {.kind = CONVERSION_SATURATING_TRUNC, .intrinsic = (name)}

/*
 * The lower bounds of the signed rows are -2^(N-1) - 1 rounded down to the
 * source type: the first value below the minimum whose truncation no longer
 * fits.  f64 holds -2^31 - 1 exactly; f32 has a spacing of 2^8 around 2^31
 * and 2^40 around 2^63, f64 a spacing of 2^11 around 2^63, so the nearest
 * values below -2^31 and -2^63 are -2^31 - 2^8, -2^63 - 2^40 and
 * -2^63 - 2^11.  The unsigned rows accept (-1, 0), which truncates to 0.
 */
static const conversion_op conversion_ops[AOT_OP_COUNT] = {
    [AOT_OP_I32_WRAP_I64] = CAST(LLVMTrunc),
    [AOT_OP_I64_EXTEND_I32_S] = CAST(LLVMSExt),
    [AOT_OP_I64_EXTEND_I32_U] = CAST(LLVMZExt),

    /* -2147483904 < x < 2147483648 */
    [AOT_OP_I32_TRUNC_F32_S] = TRAPPING_TRUNC(LLVMFPToSI, -0x1.000002p31, 0x1p31),
    /* -1 < x < 4294967296 */
    [AOT_OP_I32_TRUNC_F32_U] = TRAPPING_TRUNC(LLVMFPToUI, -1.0, 0x1p32),
    /* -2147483649 < x < 2147483648 */
    [AOT_OP_I32_TRUNC_F64_S] = TRAPPING_TRUNC(LLVMFPToSI, -0x1.00000002p31, 0x1p31),
    /* -1 < x < 4294967296 */
    [AOT_OP_I32_TRUNC_F64_U] = TRAPPING_TRUNC(LLVMFPToUI, -1.0, 0x1p32),
    /* -9223373136366403584 < x < 9223372036854775808 */
    [AOT_OP_I64_TRUNC_F32_S] = TRAPPING_TRUNC(LLVMFPToSI, -0x1.000002p63, 0x1p63),
    /* -1 < x < 18446744073709551616 */
    [AOT_OP_I64_TRUNC_F32_U] = TRAPPING_TRUNC(LLVMFPToUI, -1.0, 0x1p64),
    /* -9223372036854777856 < x < 9223372036854775808 */
    [AOT_OP_I64_TRUNC_F64_S] = TRAPPING_TRUNC(LLVMFPToSI, -0x1.0000000000001p63, 0x1p63),
    /* -1 < x < 18446744073709551616 */
    [AOT_OP_I64_TRUNC_F64_U] = TRAPPING_TRUNC(LLVMFPToUI, -1.0, 0x1p64),

    [AOT_OP_F32_CONVERT_I32_S] = CAST(LLVMSIToFP),
    [AOT_OP_F32_CONVERT_I32_U] = CAST(LLVMUIToFP),
    [AOT_OP_F32_CONVERT_I64_S] = CAST(LLVMSIToFP),
    [AOT_OP_F32_CONVERT_I64_U] = CAST(LLVMUIToFP),
    [AOT_OP_F32_DEMOTE_F64] = {.kind = CONVERSION_DEMOTE},
    [AOT_OP_F64_CONVERT_I32_S] = CAST(LLVMSIToFP),
    [AOT_OP_F64_CONVERT_I32_U] = CAST(LLVMUIToFP),
    [AOT_OP_F64_CONVERT_I64_S] = CAST(LLVMSIToFP),
    [AOT_OP_F64_CONVERT_I64_U] = CAST(LLVMUIToFP),
    [AOT_OP_F64_PROMOTE_F32] = {.kind = CONVERSION_PROMOTE},
    [AOT_OP_I32_REINTERPRET_F32] = CAST(LLVMBitCast),
    [AOT_OP_I64_REINTERPRET_F64] = CAST(LLVMBitCast),
    [AOT_OP_F32_REINTERPRET_I32] = CAST(LLVMBitCast),
    [AOT_OP_F64_REINTERPRET_I64] = CAST(LLVMBitCast),

    [AOT_OP_I32_TRUNC_SAT_F32_S] = SATURATING_TRUNC("llvm.fptosi.sat"),
    [AOT_OP_I32_TRUNC_SAT_F32_U] = SATURATING_TRUNC("llvm.fptoui.sat"),
    [AOT_OP_I32_TRUNC_SAT_F64_S] = SATURATING_TRUNC("llvm.fptosi.sat"),
    [AOT_OP_I32_TRUNC_SAT_F64_U] = SATURATING_TRUNC("llvm.fptoui.sat"),
    [AOT_OP_I64_TRUNC_SAT_F32_S] = SATURATING_TRUNC("llvm.fptosi.sat"),
    [AOT_OP_I64_TRUNC_SAT_F32_U] = SATURATING_TRUNC("llvm.fptoui.sat"),
    [AOT_OP_I64_TRUNC_SAT_F64_S] = SATURATING_TRUNC("llvm.fptosi.sat"),
    [AOT_OP_I64_TRUNC_SAT_F64_U] = SATURATING_TRUNC("llvm.fptoui.sat"),
};

static LLVMValueRef conversion_trapping_trunc(lower_func *f, const conversion_op *op,
                                              LLVMValueRef x, LLVMTypeRef result_type)
{
    LLVMBuilderRef b = f->lm->b;
    LLVMTypeRef source_type = LLVMTypeOf(x);
    /* NaN has no integer value: wasm traps with "invalid conversion to
     * integer", where LLVM's fptosi/fptoui would give poison. */
    LLVMValueRef is_nan = LLVMBuildFCmp(b, LLVMRealUNO, x, x, "");
    lower_trap_if(f, is_nan, WAOT_TRAP_INVALID_CONVERSION);
    /* A value (infinities included) whose integer part the result cannot
     * hold: wasm traps with "integer overflow", LLVM would give poison. */
    LLVMValueRef min = LLVMConstReal(source_type, op->exclusive_min);
    LLVMValueRef max = LLVMConstReal(source_type, op->exclusive_max);
    LLVMValueRef too_low = LLVMBuildFCmp(b, LLVMRealOLE, x, min, "");
    LLVMValueRef too_high = LLVMBuildFCmp(b, LLVMRealOGE, x, max, "");
    lower_trap_if(f, LLVMBuildOr(b, too_low, too_high, ""), WAOT_TRAP_INTEGER_OVERFLOW);
    return LLVMBuildCast(b, op->cast, x, result_type, "");
}

/* A constrained intrinsic's metadata argument ("round.tonearest", ...). */
static LLVMValueRef conversion_metadata_string(lower_func *f, const char *text)
{
    LLVMContextRef llvm = f->lm->llvm;
    return LLVMMetadataAsValue(llvm, LLVMMDStringInContext2(llvm, text, strlen(text)));
}

static LLVMValueRef conversion_resize_float(lower_func *f, conversion_kind kind, LLVMValueRef x,
                                            LLVMTypeRef result_type)
{
    LLVMTypeRef overloads[] = {result_type, LLVMTypeOf(x)};
    LLVMValueRef round_to_nearest = conversion_metadata_string(f, "round.tonearest");
    LLVMValueRef may_trap = conversion_metadata_string(f, "fpexcept.maytrap");
    if (kind == CONVERSION_DEMOTE) {
        LLVMValueRef args[] = {x, round_to_nearest, may_trap};
        return lower_intrinsic(f, "llvm.experimental.constrained.fptrunc", overloads, 2, args, 3);
    }
    LLVMValueRef args[] = {x, may_trap};
    return lower_intrinsic(f, "llvm.experimental.constrained.fpext", overloads, 2, args, 2);
}

bool lower_conversion(lower_func *f, const aot_instr *in)
{
    const conversion_op *op = &conversion_ops[in->op];
    LLVMTypeRef result_type = lower_type(f->lm, aot_opcode_infos[in->op].result);
    LLVMValueRef x = lower_pop(f);
    switch (op->kind) {
    case CONVERSION_CAST:
        lower_push(f, LLVMBuildCast(f->lm->b, op->cast, x, result_type, ""));
        return true;
    case CONVERSION_TRAPPING_TRUNC:
        lower_push(f, conversion_trapping_trunc(f, op, x, result_type));
        return true;
    case CONVERSION_SATURATING_TRUNC: {
        LLVMTypeRef overloads[] = {result_type, LLVMTypeOf(x)};
        lower_push(f, lower_intrinsic(f, op->intrinsic, overloads, 2, &x, 1));
        return true;
    }
    case CONVERSION_DEMOTE:
    case CONVERSION_PROMOTE:
        lower_push(f, conversion_resize_float(f, op->kind, x, result_type));
        return true;
    case CONVERSION_UNLISTED:
        break;
    }
    return lower_fail(f, "internal error: %s is not a conversion", aot_opcode_infos[in->op].text);
}
