/*
 * The validation algorithm for function bodies (the spec's appendix
 * algorithm): an operand stack of value types, where AOT_VT_UNKNOWN stands
 * for the bottom type that unreachable code produces, and a control stack of
 * frames holding each block's parameter and result types, the operand height
 * at its entry and whether its rest is unreachable.
 *
 * Instructions whose row in opcodes.def carries a full signature are checked
 * from the table after their immediates; the rest are typed here by hand.
 *
 * The body is read with the module's end as the reader's limit, not the
 * body's: like the reference decoder we read the instruction stream and then
 * require that the final `end` is the body's last byte, which is what makes
 * a missing `end` report "section size mismatch" rather than running on.
 */
#include "validate_func.h"

#include "instr.h"

#include <stdlib.h>
#include <string.h>

typedef struct vf_frame {
    aot_opcode op;          /* BLOCK, LOOP, IF, ELSE; BLOCK for the function itself */
    uint32_t height;        /* operand stack height when the frame was entered */
    bool unreachable;
    uint32_t param_count;
    uint32_t result_count;
    const aot_valtype *params;
    const aot_valtype *results;
} vf_frame;

struct aot_func_validator {
    const aot_module *m;
    const uint8_t *declared_refs;
    aot_error *err;
    aot_valtype *vals;
    uint32_t val_count, val_capacity;
    vf_frame *frames;
    uint32_t frame_count, frame_capacity;
    aot_valtype *locals;
    uint32_t local_count, local_capacity;
    const aot_instr *in; /* the instruction being checked, for messages */
};

/* One-element type vectors for block types of a single value type. */
static const aot_valtype vf_single[256] = {
    [AOT_VT_I32] = AOT_VT_I32,       [AOT_VT_I64] = AOT_VT_I64,
    [AOT_VT_F32] = AOT_VT_F32,       [AOT_VT_F64] = AOT_VT_F64,
    [AOT_VT_V128] = AOT_VT_V128,     [AOT_VT_FUNCREF] = AOT_VT_FUNCREF,
    [AOT_VT_EXTERNREF] = AOT_VT_EXTERNREF,
};

aot_func_validator *aot_func_validator_new(const aot_module *m, const uint8_t *declared_refs)
{
    aot_func_validator *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->m = m;
    v->declared_refs = declared_refs;
    return v;
}

void aot_func_validator_free(aot_func_validator *v)
{
    if (!v)
        return;
    free(v->vals);
    free(v->frames);
    free(v->locals);
    free(v);
}

static const char *vf_type_name(aot_valtype t)
{
    return t == AOT_VT_UNKNOWN ? "nothing" : aot_valtype_name(t);
}

static bool vf_fail(aot_func_validator *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool vf_fail(aot_func_validator *v, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    aot_vfail(v->err, AOT_ERR_INVALID, v->in->offset, fmt, ap);
    va_end(ap);
    return false;
}

static bool vf_malformed(aot_func_validator *v, const char *message)
{
    return aot_fail(v->err, AOT_ERR_MALFORMED, v->in->offset, "%s", message);
}

static const char *vf_op_text(const aot_func_validator *v)
{
    return aot_opcode_infos[v->in->op].text;
}

static bool vf_grow(void **items, uint32_t *capacity, uint32_t need, size_t item_size)
{
    if (need <= *capacity)
        return true;
    uint32_t cap = *capacity ? *capacity : 64;
    while (cap < need)
        cap *= 2;
    void *grown = realloc(*items, (size_t)cap * item_size);
    if (!grown)
        return false;
    *items = grown;
    *capacity = cap;
    return true;
}

static bool vf_nomem(aot_func_validator *v)
{
    return aot_fail(v->err, AOT_ERR_NOMEM, v->in ? v->in->offset : 0, "out of memory");
}

static inline bool vf_push(aot_func_validator *v, aot_valtype t)
{
    if (v->val_count == v->val_capacity &&
        !vf_grow((void **)&v->vals, &v->val_capacity, v->val_count + 1, 1))
        return vf_nomem(v);
    v->vals[v->val_count++] = t;
    return true;
}

static bool vf_push_all(aot_func_validator *v, uint32_t n, const aot_valtype *types)
{
    if (!vf_grow((void **)&v->vals, &v->val_capacity, v->val_count + n, 1))
        return vf_nomem(v);
    if (n)
        memcpy(v->vals + v->val_count, types, n);
    v->val_count += n;
    return true;
}

/* Pops one operand of any type. */
static inline bool vf_pop_any(aot_func_validator *v, aot_valtype *got)
{
    vf_frame *f = &v->frames[v->frame_count - 1];
    if (v->val_count == f->height) {
        if (f->unreachable) {
            *got = AOT_VT_UNKNOWN;
            return true;
        }
        return vf_fail(v, "type mismatch (%s expects an operand, the stack is empty)",
                       vf_op_text(v));
    }
    *got = v->vals[--v->val_count];
    return true;
}

/* Pops one operand that must have type `expect` (which may be UNKNOWN). */
static inline bool vf_pop(aot_func_validator *v, aot_valtype expect, aot_valtype *got)
{
    vf_frame *f = &v->frames[v->frame_count - 1];
    if (v->val_count == f->height) {
        if (f->unreachable) {
            *got = expect;
            return true;
        }
        return vf_fail(v, "type mismatch (%s expects %s, the stack is empty)", vf_op_text(v),
                       vf_type_name(expect));
    }
    aot_valtype t = v->vals[--v->val_count];
    if (t != expect && t != AOT_VT_UNKNOWN && expect != AOT_VT_UNKNOWN)
        return vf_fail(v, "type mismatch (%s expects %s, got %s)", vf_op_text(v),
                       vf_type_name(expect), vf_type_name(t));
    *got = t == AOT_VT_UNKNOWN ? expect : t;
    return true;
}

static inline bool vf_pop_expect(aot_func_validator *v, aot_valtype expect)
{
    aot_valtype got;
    return vf_pop(v, expect, &got);
}

/* Pops `types` in reverse order (the last is on top). */
static bool vf_pop_all(aot_func_validator *v, uint32_t n, const aot_valtype *types)
{
    for (uint32_t i = n; i-- > 0;)
        if (!vf_pop_expect(v, types[i]))
            return false;
    return true;
}

static bool vf_push_frame(aot_func_validator *v, aot_opcode op, uint32_t param_count,
                          const aot_valtype *params, uint32_t result_count,
                          const aot_valtype *results)
{
    if (!vf_grow((void **)&v->frames, &v->frame_capacity, v->frame_count + 1, sizeof(vf_frame)))
        return vf_nomem(v);
    v->frames[v->frame_count++] = (vf_frame){
        .op = op, .height = v->val_count, .unreachable = false,
        .param_count = param_count, .params = params,
        .result_count = result_count, .results = results,
    };
    return vf_push_all(v, param_count, params);
}

/* Checks that the operands left are exactly the frame's results and leaves
 * the stack at the frame's entry height. */
static bool vf_pop_frame_results(aot_func_validator *v, const vf_frame *f)
{
    if (!vf_pop_all(v, f->result_count, f->results))
        return false;
    if (v->val_count != f->height)
        return vf_fail(v, "type mismatch (%u extra value%s at the end of the block)",
                       v->val_count - f->height, v->val_count - f->height == 1 ? "" : "s");
    return true;
}

static void vf_set_unreachable(aot_func_validator *v)
{
    vf_frame *f = &v->frames[v->frame_count - 1];
    v->val_count = f->height;
    f->unreachable = true;
}

/* The types a branch to label `depth` carries: a loop's parameters, any
 * other block's results. */
static bool vf_label(aot_func_validator *v, uint32_t depth, uint32_t *n, const aot_valtype **types)
{
    *n = 0;
    *types = NULL;
    if (depth >= v->frame_count)
        return vf_fail(v, "unknown label %u", depth);
    const vf_frame *f = &v->frames[v->frame_count - 1 - depth];
    if (f->op == AOT_OP_LOOP) {
        *n = f->param_count;
        *types = f->params;
    } else {
        *n = f->result_count;
        *types = f->results;
    }
    return true;
}

static bool vf_blocktype(aot_func_validator *v, const aot_blocktype *bt, uint32_t *np,
                         const aot_valtype **params, uint32_t *nr, const aot_valtype **results)
{
    switch (bt->kind) {
    case AOT_BLOCKTYPE_EMPTY:
        *np = *nr = 0;
        *params = *results = NULL;
        return true;
    case AOT_BLOCKTYPE_VALUE:
        *np = 0;
        *params = NULL;
        *nr = 1;
        *results = &vf_single[bt->value];
        return true;
    case AOT_BLOCKTYPE_INDEX:
        if (bt->type_index >= v->m->type_count)
            return vf_fail(v, "unknown type %u", bt->type_index);
        const aot_functype *t = &v->m->types[bt->type_index];
        *np = t->param_count, *params = t->params;
        *nr = t->result_count, *results = t->results;
        return true;
    }
    return false;
}

static bool vf_check_memory(aot_func_validator *v, uint32_t index)
{
    if (index >= v->m->memory_count)
        return vf_fail(v, "unknown memory %u", index);
    return true;
}

static bool vf_check_table(aot_func_validator *v, uint32_t index)
{
    if (index >= v->m->table_count)
        return vf_fail(v, "unknown table %u", index);
    return true;
}

static bool vf_check_memarg(aot_func_validator *v, const aot_memarg *ma, unsigned natural)
{
    if (!vf_check_memory(v, ma->memory_index))
        return false;
    if (ma->align_log2 > natural)
        return vf_fail(v, "alignment must not be larger than natural (%s: 2^%u > %u bytes)",
                       vf_op_text(v), ma->align_log2, 1u << natural);
    return true;
}

static bool vf_check_data(aot_func_validator *v, uint32_t index)
{
    /* The data count section lets a one-pass decoder check these indices
     * before the data section; the spec suite requires it only when there
     * are data segments, and otherwise treats the index as unknown. */
    if (!v->m->has_data_count && v->m->data_count > 0)
        return vf_malformed(v, "data count section required");
    if (index >= v->m->data_count)
        return vf_fail(v, "unknown data segment %u", index);
    return true;
}

static bool vf_check_elem(aot_func_validator *v, uint32_t index)
{
    if (index >= v->m->elem_count)
        return vf_fail(v, "unknown elem segment %u", index);
    return true;
}

/* The immediates of instructions checked from their table row. */
static bool vf_check_immediates(aot_func_validator *v, const aot_instr *in,
                                const aot_opcode_info *info)
{
    switch ((aot_imm_kind)info->imm) {
    case AOT_IMM_MEMARG:
        return vf_check_memarg(v, &in->imm.memarg, info->n);
    case AOT_IMM_MEMARG_LANE:
        if (!vf_check_memarg(v, &in->imm.memarg_lane.memarg, info->n))
            return false;
        if (in->imm.memarg_lane.lane >= 16u >> info->n)
            return vf_fail(v, "invalid lane index %u", in->imm.memarg_lane.lane);
        return true;
    case AOT_IMM_LANE:
        if (in->imm.lane >= info->n)
            return vf_fail(v, "invalid lane index %u", in->imm.lane);
        return true;
    case AOT_IMM_SHUFFLE:
        for (int i = 0; i < 16; i++)
            if (in->imm.bytes16[i] >= 32)
                return vf_fail(v, "invalid lane index %u", in->imm.bytes16[i]);
        return true;
    case AOT_IMM_MEMIDX:
        return vf_check_memory(v, in->imm.index);
    case AOT_IMM_MEMORY_COPY:
        return vf_check_memory(v, in->imm.pair.first) && vf_check_memory(v, in->imm.pair.second);
    case AOT_IMM_MEMORY_INIT:
        return vf_check_memory(v, in->imm.pair.second) && vf_check_data(v, in->imm.pair.first);
    case AOT_IMM_DATA:
        return vf_check_data(v, in->imm.index);
    case AOT_IMM_ELEM:
        return vf_check_elem(v, in->imm.index);
    case AOT_IMM_TABLE:
        return vf_check_table(v, in->imm.index);
    case AOT_IMM_TABLE_INIT: {
        if (!vf_check_table(v, in->imm.pair.second) || !vf_check_elem(v, in->imm.pair.first))
            return false;
        aot_valtype have = v->m->elems[in->imm.pair.first].type;
        aot_valtype want = v->m->tables[in->imm.pair.second].type.elem_type;
        if (have != want)
            return vf_fail(v, "type mismatch (table.init of %s elements into a %s table)",
                           aot_valtype_name(have), aot_valtype_name(want));
        return true;
    }
    case AOT_IMM_TABLE_COPY: {
        if (!vf_check_table(v, in->imm.pair.first) || !vf_check_table(v, in->imm.pair.second))
            return false;
        aot_valtype dst = v->m->tables[in->imm.pair.first].type.elem_type;
        aot_valtype src = v->m->tables[in->imm.pair.second].type.elem_type;
        if (dst != src)
            return vf_fail(v, "type mismatch (table.copy from a %s table to a %s table)",
                           aot_valtype_name(src), aot_valtype_name(dst));
        return true;
    }
    default:
        return true;
    }
}

/* An instruction whose table row gives its whole signature. */
static bool vf_check_simple(aot_func_validator *v, const aot_instr *in, const aot_opcode_info *info)
{
    if (info->imm != AOT_IMM_NONE && !vf_check_immediates(v, in, info))
        return false;
    for (int i = 2; i >= 0; i--)
        if (info->params[i] != AOT_SIG_NONE && !vf_pop_expect(v, info->params[i]))
            return false;
    if (info->result != AOT_SIG_NONE)
        return vf_push(v, info->result);
    return true;
}

static bool vf_check_block(aot_func_validator *v, const aot_instr *in)
{
    uint32_t np = 0, nr = 0;
    const aot_valtype *params = NULL, *results = NULL;
    if (!vf_blocktype(v, &in->imm.block, &np, &params, &nr, &results))
        return false;
    if (in->op == AOT_OP_IF && !vf_pop_expect(v, AOT_VT_I32))
        return false;
    if (!vf_pop_all(v, np, params))
        return false;
    return vf_push_frame(v, in->op, np, params, nr, results);
}

static bool vf_check_else(aot_func_validator *v)
{
    vf_frame *f = &v->frames[v->frame_count - 1];
    /* The reference decoder ends a block's instruction sequence at `else`
     * and then demands `end`: an `else` outside an `if` is malformed. */
    if (f->op != AOT_OP_IF)
        return vf_malformed(v, "END opcode expected (else without a matching if)");
    if (!vf_pop_frame_results(v, f))
        return false;
    f->op = AOT_OP_ELSE;
    f->unreachable = false;
    return vf_push_all(v, f->param_count, f->params);
}

static bool vf_check_end(aot_func_validator *v)
{
    vf_frame *f = &v->frames[v->frame_count - 1];
    if (!vf_pop_frame_results(v, f))
        return false;
    /* An `if` without `else` passes its parameters through the missing
     * branch, so they must already be its results. */
    if (f->op == AOT_OP_IF &&
        (f->param_count != f->result_count ||
         (f->param_count && memcmp(f->params, f->results, f->param_count) != 0)))
        return vf_fail(v, "type mismatch (if without else must leave its parameters as results)");
    vf_frame done = *f;
    v->frame_count--;
    return vf_push_all(v, done.result_count, done.results);
}

static bool vf_check_br_table(aot_func_validator *v, const aot_instr *in, const uint8_t *module_end)
{
    if (!vf_pop_expect(v, AOT_VT_I32))
        return false;
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader labels = {.p = in->imm.br_table.targets, .end = module_end,
                         .base = v->m->bytes, .err = &ignored};
    uint32_t count = in->imm.br_table.count, default_depth = 0;
    /* The default label comes last in the encoding. */
    aot_reader skip = labels;
    for (uint64_t i = 0; i <= count; i++)
        aot_read_u32(&skip, &default_depth, "br_table label");
    uint32_t arity;
    const aot_valtype *types;
    if (!vf_label(v, default_depth, &arity, &types))
        return false;
    for (uint32_t i = 0; i < count; i++) {
        uint32_t depth, n;
        const aot_valtype *label_types;
        aot_read_u32(&labels, &depth, "br_table label");
        if (!vf_label(v, depth, &n, &label_types))
            return false;
        if (n != arity)
            return vf_fail(v, "type mismatch (br_table labels carry %u and %u values)", n, arity);
        /* Pop and put back: each label's types must fit the same operands. */
        uint32_t height = v->val_count;
        if (!vf_pop_all(v, n, label_types))
            return false;
        v->val_count = height;
    }
    if (!vf_pop_all(v, arity, types))
        return false;
    vf_set_unreachable(v);
    return true;
}

static bool vf_check_call(aot_func_validator *v, const aot_functype *t)
{
    if (!vf_pop_all(v, t->param_count, t->params))
        return false;
    return vf_push_all(v, t->result_count, t->results);
}

static bool vf_check_select(aot_func_validator *v, const aot_instr *in)
{
    if (in->op == AOT_OP_SELECT_T) {
        if (in->imm.select_t.count != 1)
            return vf_fail(v, "invalid result arity %u for select", in->imm.select_t.count);
        aot_valtype t = in->imm.select_t.type;
        return vf_pop_expect(v, AOT_VT_I32) && vf_pop_expect(v, t) && vf_pop_expect(v, t) &&
               vf_push(v, t);
    }
    aot_valtype t1 = AOT_VT_UNKNOWN, t2 = AOT_VT_UNKNOWN;
    if (!vf_pop_expect(v, AOT_VT_I32) || !vf_pop_any(v, &t1) || !vf_pop_any(v, &t2))
        return false;
    if (aot_valtype_is_ref(t1) || aot_valtype_is_ref(t2))
        return vf_fail(v, "type mismatch (select without a type cannot choose references)");
    if (t1 != t2 && t1 != AOT_VT_UNKNOWN && t2 != AOT_VT_UNKNOWN)
        return vf_fail(v, "type mismatch (select between %s and %s)", aot_valtype_name(t2),
                       aot_valtype_name(t1));
    return vf_push(v, t1 == AOT_VT_UNKNOWN ? t2 : t1);
}

static bool vf_check_local(aot_func_validator *v, const aot_instr *in)
{
    uint32_t index = in->imm.index;
    if (index >= v->local_count)
        return vf_fail(v, "unknown local %u", index);
    aot_valtype t = v->locals[index];
    switch (in->op) {
    case AOT_OP_LOCAL_GET: return vf_push(v, t);
    case AOT_OP_LOCAL_SET: return vf_pop_expect(v, t);
    default: return vf_pop_expect(v, t) && vf_push(v, t);
    }
}

static bool vf_check_global(aot_func_validator *v, const aot_instr *in)
{
    uint32_t index = in->imm.index;
    if (index >= v->m->global_count)
        return vf_fail(v, "unknown global %u", index);
    const aot_globaltype *g = &v->m->globals[index].type;
    if (in->op == AOT_OP_GLOBAL_GET)
        return vf_push(v, g->type);
    if (!g->is_mutable)
        return vf_fail(v, "global is immutable (global.set of global %u)", index);
    return vf_pop_expect(v, g->type);
}

/* The instructions typed by hand. */
static bool vf_check_special(aot_func_validator *v, const aot_instr *in, const uint8_t *module_end)
{
    const aot_module *m = v->m;
    uint32_t n;
    const aot_valtype *types;
    switch (in->op) {
    case AOT_OP_UNREACHABLE:
        vf_set_unreachable(v);
        return true;
    case AOT_OP_BLOCK:
    case AOT_OP_LOOP:
    case AOT_OP_IF:
        return vf_check_block(v, in);
    case AOT_OP_ELSE:
        return vf_check_else(v);
    case AOT_OP_END:
        return vf_check_end(v);
    case AOT_OP_BR:
        if (!vf_label(v, in->imm.index, &n, &types) || !vf_pop_all(v, n, types))
            return false;
        vf_set_unreachable(v);
        return true;
    case AOT_OP_BR_IF:
        return vf_label(v, in->imm.index, &n, &types) && vf_pop_expect(v, AOT_VT_I32) &&
               vf_pop_all(v, n, types) && vf_push_all(v, n, types);
    case AOT_OP_BR_TABLE:
        return vf_check_br_table(v, in, module_end);
    case AOT_OP_RETURN:
        if (!vf_pop_all(v, v->frames[0].result_count, v->frames[0].results))
            return false;
        vf_set_unreachable(v);
        return true;
    case AOT_OP_CALL:
        if (in->imm.index >= m->func_count)
            return vf_fail(v, "unknown function %u", in->imm.index);
        return vf_check_call(v, aot_module_func_type(m, in->imm.index));
    case AOT_OP_CALL_INDIRECT: {
        uint32_t table = in->imm.call_indirect.table_index;
        uint32_t type = in->imm.call_indirect.type_index;
        if (!vf_check_table(v, table))
            return false;
        if (m->tables[table].type.elem_type != AOT_VT_FUNCREF)
            return vf_fail(v, "type mismatch (call_indirect through a table of %s)",
                           aot_valtype_name(m->tables[table].type.elem_type));
        if (type >= m->type_count)
            return vf_fail(v, "unknown type %u", type);
        return vf_pop_expect(v, AOT_VT_I32) && vf_check_call(v, &m->types[type]);
    }
    case AOT_OP_DROP: {
        aot_valtype t = AOT_VT_UNKNOWN;
        return vf_pop_any(v, &t);
    }
    case AOT_OP_SELECT:
    case AOT_OP_SELECT_T:
        return vf_check_select(v, in);
    case AOT_OP_LOCAL_GET:
    case AOT_OP_LOCAL_SET:
    case AOT_OP_LOCAL_TEE:
        return vf_check_local(v, in);
    case AOT_OP_GLOBAL_GET:
    case AOT_OP_GLOBAL_SET:
        return vf_check_global(v, in);
    case AOT_OP_TABLE_GET:
    case AOT_OP_TABLE_SET:
    case AOT_OP_TABLE_GROW:
    case AOT_OP_TABLE_FILL: {
        if (!vf_check_table(v, in->imm.index))
            return false;
        aot_valtype elem = m->tables[in->imm.index].type.elem_type;
        switch (in->op) {
        case AOT_OP_TABLE_GET:
            return vf_pop_expect(v, AOT_VT_I32) && vf_push(v, elem);
        case AOT_OP_TABLE_SET:
            return vf_pop_expect(v, elem) && vf_pop_expect(v, AOT_VT_I32);
        case AOT_OP_TABLE_GROW:
            return vf_pop_expect(v, AOT_VT_I32) && vf_pop_expect(v, elem) &&
                   vf_push(v, AOT_VT_I32);
        default:
            return vf_pop_expect(v, AOT_VT_I32) && vf_pop_expect(v, elem) &&
                   vf_pop_expect(v, AOT_VT_I32);
        }
    }
    case AOT_OP_REF_NULL:
        return vf_push(v, in->imm.reftype);
    case AOT_OP_REF_IS_NULL: {
        aot_valtype t = AOT_VT_UNKNOWN;
        if (!vf_pop_any(v, &t))
            return false;
        if (t != AOT_VT_UNKNOWN && !aot_valtype_is_ref(t))
            return vf_fail(v, "type mismatch (ref.is_null of %s)", aot_valtype_name(t));
        return vf_push(v, AOT_VT_I32);
    }
    case AOT_OP_REF_FUNC:
        if (in->imm.index >= m->func_count)
            return vf_fail(v, "unknown function %u", in->imm.index);
        if (!v->declared_refs[in->imm.index])
            return vf_fail(v, "undeclared function reference %u", in->imm.index);
        return vf_push(v, AOT_VT_FUNCREF);
    default:
        return vf_fail(v, "internal error: %s has no typing rule", vf_op_text(v));
    }
}

static bool vf_setup_locals(aot_func_validator *v, const aot_func *f, const aot_functype *t)
{
    uint32_t total = t->param_count + f->local_count;
    if (!vf_grow((void **)&v->locals, &v->local_capacity, total, 1))
        return vf_nomem(v);
    if (t->param_count)
        memcpy(v->locals, t->params, t->param_count);
    /* The declarations were checked by the decoder. */
    aot_error ignored;
    aot_error_clear(&ignored);
    aot_reader r = {.p = f->body, .end = f->code, .base = v->m->bytes, .err = &ignored};
    uint32_t groups = 0, at = t->param_count;
    aot_read_u32(&r, &groups, "local declaration count");
    for (uint32_t i = 0; i < groups; i++) {
        uint32_t n = 0;
        aot_valtype type = AOT_VT_UNKNOWN;
        aot_read_u32(&r, &n, "local count");
        aot_read_valtype(&r, &type, "local type");
        /* A group may declare no locals at all, and then there may be no
         * array to point into. */
        if (n)
            memset(v->locals + at, type, n);
        at += n;
    }
    v->local_count = total;
    return true;
}

bool aot_validate_func(aot_func_validator *v, uint32_t func_index, aot_error *err)
{
    const aot_module *m = v->m;
    const aot_func *f = &m->funcs[func_index];
    const aot_functype *t = aot_module_func_type(m, func_index);
    const uint8_t *module_end = m->bytes + m->size;
    aot_instr in = {.offset = (size_t)(f->code - m->bytes)};
    v->err = err;
    v->in = &in;
    v->val_count = 0;
    v->frame_count = 0;
    err->func_index = func_index;
    err->section = AOT_SECTION_CODE;
    if (!vf_setup_locals(v, f, t) ||
        !vf_push_frame(v, AOT_OP_BLOCK, 0, NULL, t->result_count, t->results))
        return false;

    aot_reader r = {.p = f->code, .end = module_end, .base = m->bytes, .err = err};
    while (v->frame_count > 0) {
        if (!aot_read_instr(&r, &in))
            return false;
        const aot_opcode_info *info = &aot_opcode_infos[in.op];
        bool ok = info->result == AOT_SIG_SPECIAL ? vf_check_special(v, &in, module_end)
                                                  : vf_check_simple(v, &in, info);
        if (!ok)
            return false;
    }
    if (r.p != f->body_end)
        return aot_fail(err, AOT_ERR_MALFORMED, aot_reader_offset(&r),
                        "section size mismatch (function body ends %s its declared size)",
                        r.p < f->body_end ? "before" : "after");
    err->func_index = AOT_NO_FUNC;
    err->section = AOT_NO_SECTION;
    return true;
}

bool aot_skim_func(const aot_module *m, uint32_t func_index, aot_error *err)
{
    const aot_func *f = &m->funcs[func_index];
    aot_reader r = {.p = f->code, .end = m->bytes + m->size, .base = m->bytes, .err = err};
    err->func_index = func_index;
    err->section = AOT_SECTION_CODE;
    /* One byte per open block: whether it is an `if` still before its `else`. */
    uint8_t *open_ifs = NULL;
    uint32_t depth = 1, capacity = 0;
    bool ok = true;
    if (!vf_grow((void **)&open_ifs, &capacity, 1, 1))
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    open_ifs[0] = 0;
    while (ok && depth > 0) {
        aot_instr in;
        if (!aot_read_instr(&r, &in)) {
            ok = false;
            break;
        }
        switch (in.op) {
        case AOT_OP_BLOCK:
        case AOT_OP_LOOP:
        case AOT_OP_IF:
            if (!vf_grow((void **)&open_ifs, &capacity, depth + 1, 1)) {
                ok = aot_fail(err, AOT_ERR_NOMEM, in.offset, "out of memory");
                break;
            }
            open_ifs[depth++] = in.op == AOT_OP_IF;
            break;
        case AOT_OP_ELSE:
            if (!open_ifs[depth - 1])
                ok = aot_fail(err, AOT_ERR_MALFORMED, in.offset,
                              "END opcode expected (else without a matching if)");
            open_ifs[depth - 1] = 0;
            break;
        case AOT_OP_END:
            depth--;
            break;
        case AOT_OP_MEMORY_INIT:
        case AOT_OP_DATA_DROP:
            if (!m->has_data_count && m->data_count > 0)
                ok = aot_fail(err, AOT_ERR_MALFORMED, in.offset, "data count section required");
            break;
        default:
            break;
        }
    }
    free(open_ifs);
    if (ok && r.p != f->body_end)
        ok = aot_fail(err, AOT_ERR_MALFORMED, aot_reader_offset(&r),
                      "section size mismatch (function body ends %s its declared size)",
                      r.p < f->body_end ? "before" : "after");
    if (ok) {
        err->func_index = AOT_NO_FUNC;
        err->section = AOT_NO_SECTION;
    }
    return ok;
}
