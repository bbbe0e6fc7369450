/*
 * The instruction table and the instruction reader.
 *
 * opcodes.def is expanded twice here: once into the per-opcode facts
 * (aot_opcode_infos) and once into a lookup from encoded opcode to enum.  The
 * lookup is keyed by prefix and code together so one array covers the plain,
 * 0xFC and 0xFD opcode spaces.
 */
#include "instr.h"

#include <string.h>

#define INSTR_SIG_NONE    AOT_SIG_NONE
#define INSTR_SIG_SPECIAL AOT_SIG_SPECIAL
#define INSTR_SIG_I32     AOT_VT_I32
#define INSTR_SIG_I64     AOT_VT_I64
#define INSTR_SIG_F32     AOT_VT_F32
#define INSTR_SIG_F64     AOT_VT_F64
#define INSTR_SIG_V128    AOT_VT_V128

const aot_opcode_info aot_opcode_infos[AOT_OP_COUNT] = {
#define AOT_OPCODE(id, prefix, code, text, family, imm, n, result, p1, p2, p3) \
    [AOT_OP_##id] = {text, prefix, code, AOT_FAMILY_##family, AOT_IMM_##imm, n,  \
                     INSTR_SIG_##result, {INSTR_SIG_##p1, INSTR_SIG_##p2, INSTR_SIG_##p3}},
#include "opcodes.def"
};

/* Index of an encoded opcode in `instr_lookup`: the three opcode spaces of
 * WebAssembly 2.0 each have at most 256 codes. */
#define INSTR_KEY(prefix, code) \
    ((prefix) == 0 ? (code) : (prefix) == 0xfc ? 256 + (code) : 512 + (code))

/* AOT_OP_x + 1, so that 0 means "no such opcode". */
static const uint16_t instr_lookup[768] = {
#define AOT_OPCODE(id, prefix, code, text, family, imm, n, result, p1, p2, p3) \
    [INSTR_KEY(prefix, code)] = AOT_OP_##id + 1,
#include "opcodes.def"
};

static bool instr_fail(aot_reader *r, const uint8_t *at, const char *fmt, const char *what)
{
    return aot_fail(r->err, AOT_ERR_MALFORMED, (size_t)(at - r->base), fmt, what);
}

bool aot_read_valtype(aot_reader *r, aot_valtype *out, const char *what)
{
    if (r->p >= r->end)
        return aot_reader_fail_eos(r, what);
    uint8_t b = *r->p;
    switch (b) {
    case AOT_VT_I32: case AOT_VT_I64: case AOT_VT_F32: case AOT_VT_F64:
    case AOT_VT_V128: case AOT_VT_FUNCREF: case AOT_VT_EXTERNREF:
        *out = b;
        r->p++;
        return true;
    }
    return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                    "malformed value type 0x%02x (reading %s)", b, what);
}

bool aot_read_reftype(aot_reader *r, aot_valtype *out, const char *what)
{
    if (r->p >= r->end)
        return aot_reader_fail_eos(r, what);
    uint8_t b = *r->p;
    if (b != AOT_VT_FUNCREF && b != AOT_VT_EXTERNREF)
        return aot_fail(r->err, AOT_ERR_MALFORMED, aot_reader_offset(r),
                        "malformed reference type 0x%02x (reading %s)", b, what);
    *out = b;
    r->p++;
    return true;
}

/* The reserved memory-index byte of memory.size/grow/fill/copy/init. */
static bool instr_read_zero_byte(aot_reader *r)
{
    uint8_t b;
    if (!aot_read_u8(r, &b, "reserved memory index"))
        return false;
    if (b != 0) {
        r->p--;
        return instr_fail(r, r->p, "zero byte expected (reading %s)", "reserved memory index");
    }
    return true;
}

/* A block type is the byte 0x40, one value type byte, or a non-negative
 * s33 type index: the one-byte forms are never padded. */
static bool instr_read_blocktype(aot_reader *r, aot_blocktype *out)
{
    const uint8_t *start = r->p;
    if (r->p >= r->end)
        return aot_reader_fail_eos(r, "block type");
    if (*r->p == 0x40) {
        r->p++;
        out->kind = AOT_BLOCKTYPE_EMPTY;
        return true;
    }
    if (*r->p >= 0x40 && *r->p < 0x80) {
        aot_valtype t;
        if (!aot_read_valtype(r, &t, "block type"))
            return false;
        out->kind = AOT_BLOCKTYPE_VALUE;
        out->value = t;
        return true;
    }
    int64_t v;
    if (!aot_read_s33(r, &v, "block type"))
        return false;
    if (v < 0) {
        r->p = start;
        return instr_fail(r, start, "malformed value type (reading %s)", "block type");
    }
    out->kind = AOT_BLOCKTYPE_INDEX;
    out->type_index = (uint32_t)v;
    return true;
}

static bool instr_read_memarg(aot_reader *r, aot_memarg *out)
{
    uint32_t offset;
    if (!aot_read_u32(r, &out->align_log2, "memory alignment") ||
        !aot_read_u32(r, &offset, "memory offset"))
        return false;
    out->offset = offset;
    out->memory_index = 0;
    return true;
}

static bool instr_read_immediates(aot_reader *r, aot_imm_kind kind, aot_instr *in)
{
    switch (kind) {
    case AOT_IMM_NONE:
        return true;
    case AOT_IMM_BLOCK:
        return instr_read_blocktype(r, &in->imm.block);
    case AOT_IMM_LABEL:
        return aot_read_u32(r, &in->imm.index, "label index");
    case AOT_IMM_FUNC:
        return aot_read_u32(r, &in->imm.index, "function index");
    case AOT_IMM_LOCAL:
        return aot_read_u32(r, &in->imm.index, "local index");
    case AOT_IMM_GLOBAL:
        return aot_read_u32(r, &in->imm.index, "global index");
    case AOT_IMM_TABLE:
        return aot_read_u32(r, &in->imm.index, "table index");
    case AOT_IMM_DATA:
        return aot_read_u32(r, &in->imm.index, "data segment index");
    case AOT_IMM_ELEM:
        return aot_read_u32(r, &in->imm.index, "element segment index");
    case AOT_IMM_BR_TABLE: {
        uint32_t count, label;
        if (!aot_read_u32(r, &count, "br_table label count"))
            return false;
        in->imm.br_table.count = count;
        in->imm.br_table.targets = r->p;
        for (uint64_t i = 0; i <= count; i++)
            if (!aot_read_u32(r, &label, "br_table label"))
                return false;
        return true;
    }
    case AOT_IMM_CALL_INDIRECT:
        return aot_read_u32(r, &in->imm.call_indirect.type_index, "call_indirect type index") &&
               aot_read_u32(r, &in->imm.call_indirect.table_index, "call_indirect table index");
    case AOT_IMM_MEMARG:
        return instr_read_memarg(r, &in->imm.memarg);
    case AOT_IMM_MEMARG_LANE:
        return instr_read_memarg(r, &in->imm.memarg_lane.memarg) &&
               aot_read_u8(r, &in->imm.memarg_lane.lane, "lane index");
    case AOT_IMM_MEMIDX:
        in->imm.index = 0;
        return instr_read_zero_byte(r);
    case AOT_IMM_I32:
        return aot_read_s32(r, &in->imm.i32, "i32 constant");
    case AOT_IMM_I64:
        return aot_read_s64(r, &in->imm.i64, "i64 constant");
    case AOT_IMM_F32:
        return aot_read_f32_bits(r, &in->imm.f32_bits, "f32 constant");
    case AOT_IMM_F64:
        return aot_read_f64_bits(r, &in->imm.f64_bits, "f64 constant");
    case AOT_IMM_V128:
    case AOT_IMM_SHUFFLE: {
        const uint8_t *bytes;
        if (!aot_read_bytes(r, 16, &bytes, kind == AOT_IMM_V128 ? "v128 constant" : "shuffle lanes"))
            return false;
        memcpy(in->imm.bytes16, bytes, 16);
        return true;
    }
    case AOT_IMM_LANE:
        return aot_read_u8(r, &in->imm.lane, "lane index");
    case AOT_IMM_SELECT_T: {
        uint32_t count;
        if (!aot_read_u32(r, &count, "select type count"))
            return false;
        in->imm.select_t.count = count;
        in->imm.select_t.type = AOT_VT_UNKNOWN;
        for (uint64_t i = 0; i < count; i++) {
            aot_valtype t;
            if (!aot_read_valtype(r, &t, "select type"))
                return false;
            if (i == 0)
                in->imm.select_t.type = t;
        }
        return true;
    }
    case AOT_IMM_REFTYPE:
        return aot_read_reftype(r, &in->imm.reftype, "ref.null type");
    case AOT_IMM_MEMORY_INIT:
        in->imm.pair.second = 0;
        return aot_read_u32(r, &in->imm.pair.first, "data segment index") &&
               instr_read_zero_byte(r);
    case AOT_IMM_MEMORY_COPY:
        in->imm.pair.first = in->imm.pair.second = 0;
        return instr_read_zero_byte(r) && instr_read_zero_byte(r);
    case AOT_IMM_TABLE_INIT:
        return aot_read_u32(r, &in->imm.pair.first, "element segment index") &&
               aot_read_u32(r, &in->imm.pair.second, "table index");
    case AOT_IMM_TABLE_COPY:
        return aot_read_u32(r, &in->imm.pair.first, "destination table index") &&
               aot_read_u32(r, &in->imm.pair.second, "source table index");
    }
    return false;
}

bool aot_read_instr(aot_reader *r, aot_instr *out)
{
    const uint8_t *start = r->p;
    uint8_t byte;
    if (!aot_read_u8(r, &byte, "opcode"))
        return false;
    unsigned key = byte;
    if (byte == 0xfc || byte == 0xfd) {
        uint32_t sub;
        if (!aot_read_u32(r, &sub, "opcode")) {
            r->p = start;
            return false;
        }
        if (sub > 255) {
            r->p = start;
            return aot_fail(r->err, AOT_ERR_MALFORMED, (size_t)(start - r->base),
                            "illegal opcode 0x%02x %u", byte, sub);
        }
        key = INSTR_KEY(byte, sub);
    }
    uint16_t entry = instr_lookup[key];
    if (entry == 0) {
        r->p = start;
        return aot_fail(r->err, AOT_ERR_MALFORMED, (size_t)(start - r->base),
                        "illegal opcode 0x%02x", byte);
    }
    out->op = (aot_opcode)(entry - 1);
    out->offset = (size_t)(start - r->base);
    if (!instr_read_immediates(r, aot_opcode_infos[out->op].imm, out)) {
        r->p = start;
        return false;
    }
    return true;
}
