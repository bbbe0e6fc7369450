/*
 * Instructions: the opcode enum, the per-opcode facts from opcodes.def, and
 * the reader that decodes one instruction with its immediates.
 *
 * The instruction reader checks only what makes an instruction malformed
 * (unknown opcodes, bad LEB128, reserved bytes that must be zero, bad
 * reference types); whether the immediates name things that exist is the
 * validator's business.
 */
#ifndef AOT_INSTR_H
#define AOT_INSTR_H

#include "module.h"
#include "reader.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum aot_opcode {
#define AOT_OPCODE(id, prefix, code, text, family, imm, n, result, p1, p2, p3) AOT_OP_##id,
#include "opcodes.def"
    AOT_OP_COUNT
} aot_opcode;

typedef enum aot_imm_kind {
    AOT_IMM_NONE, AOT_IMM_BLOCK, AOT_IMM_LABEL, AOT_IMM_BR_TABLE, AOT_IMM_FUNC,
    AOT_IMM_CALL_INDIRECT, AOT_IMM_LOCAL, AOT_IMM_GLOBAL, AOT_IMM_TABLE,
    AOT_IMM_MEMARG, AOT_IMM_MEMIDX, AOT_IMM_I32, AOT_IMM_I64, AOT_IMM_F32,
    AOT_IMM_F64, AOT_IMM_V128, AOT_IMM_LANE, AOT_IMM_MEMARG_LANE, AOT_IMM_SHUFFLE,
    AOT_IMM_SELECT_T, AOT_IMM_REFTYPE, AOT_IMM_MEMORY_INIT, AOT_IMM_DATA,
    AOT_IMM_MEMORY_COPY, AOT_IMM_TABLE_INIT, AOT_IMM_ELEM, AOT_IMM_TABLE_COPY,
} aot_imm_kind;

typedef enum aot_family {
    AOT_FAMILY_CONTROL, AOT_FAMILY_CALL, AOT_FAMILY_VARIABLE, AOT_FAMILY_MEMORY,
    AOT_FAMILY_NUMERIC, AOT_FAMILY_CONVERSION, AOT_FAMILY_PARAMETRIC,
    AOT_FAMILY_TABLE, AOT_FAMILY_REFERENCE, AOT_FAMILY_SIMD,
} aot_family;

/* Type slots of the signature columns: a value type, nothing, or "typed by hand". */
enum { AOT_SIG_NONE = 0x00, AOT_SIG_SPECIAL = 0x01 };

typedef struct aot_opcode_info {
    const char *text;     /* text-format name */
    uint8_t prefix;       /* 0, 0xfc or 0xfd */
    uint32_t code;        /* opcode byte or sub-opcode */
    uint8_t family;       /* aot_family */
    uint8_t imm;          /* aot_imm_kind */
    uint8_t n;            /* natural alignment (log2) or lane count */
    uint8_t result;       /* aot_valtype, AOT_SIG_NONE or AOT_SIG_SPECIAL */
    uint8_t params[3];    /* aot_valtype or AOT_SIG_NONE, first operand first */
} aot_opcode_info;

extern const aot_opcode_info aot_opcode_infos[AOT_OP_COUNT];

typedef enum aot_blocktype_kind {
    AOT_BLOCKTYPE_EMPTY,  /* [] -> [] */
    AOT_BLOCKTYPE_VALUE,  /* [] -> [value] */
    AOT_BLOCKTYPE_INDEX,  /* the function type types[type_index] */
} aot_blocktype_kind;

typedef struct aot_blocktype {
    aot_blocktype_kind kind;
    aot_valtype value;
    uint32_t type_index;
} aot_blocktype;

typedef struct aot_memarg {
    uint32_t align_log2;
    uint64_t offset;
    uint32_t memory_index;
} aot_memarg;

typedef struct aot_instr {
    aot_opcode op;
    size_t offset; /* of the first opcode byte */
    union {
        aot_blocktype block;
        /* LABEL, FUNC, LOCAL, GLOBAL, TABLE, MEMIDX, DATA, ELEM */
        uint32_t index;
        struct { uint32_t type_index, table_index; } call_indirect;
        /* `count` labels then the default one, still encoded, at `targets`;
         * they are known to be well-formed LEB128 u32s. */
        struct { uint32_t count; const uint8_t *targets; } br_table;
        aot_memarg memarg;
        struct { aot_memarg memarg; uint8_t lane; } memarg_lane;
        uint8_t lane;
        int32_t i32;
        int64_t i64;
        uint32_t f32_bits;
        uint64_t f64_bits;
        uint8_t bytes16[16]; /* V128 constant (little-endian) or SHUFFLE lanes */
        struct { uint32_t count; aot_valtype type; } select_t; /* type: the first */
        aot_valtype reftype;
        /* MEMORY_INIT (data, memory), TABLE_INIT (elem, table),
         * TABLE_COPY (dst, src), MEMORY_COPY (dst, src) */
        struct { uint32_t first, second; } pair;
    } imm;
} aot_instr;

/* Decodes one instruction at r->p.  Fails with the spec's malformed message
 * ("illegal opcode", "zero byte expected", ...); r->p moves only on success. */
bool aot_read_instr(aot_reader *r, aot_instr *out);

/* Reads a value type ("malformed value type" otherwise). */
bool aot_read_valtype(aot_reader *r, aot_valtype *out, const char *what);
/* Reads a reference type ("malformed reference type" otherwise). */
bool aot_read_reftype(aot_reader *r, aot_valtype *out, const char *what);

#endif
