/*
 * Small facts about the module model: names of value types, extern kinds and
 * sections, and the name-section lookup.
 */
#include "module.h"

const char *aot_valtype_name(aot_valtype t)
{
    switch (t) {
    case AOT_VT_I32: return "i32";
    case AOT_VT_I64: return "i64";
    case AOT_VT_F32: return "f32";
    case AOT_VT_F64: return "f64";
    case AOT_VT_V128: return "v128";
    case AOT_VT_FUNCREF: return "funcref";
    case AOT_VT_EXTERNREF: return "externref";
    }
    return "?";
}

bool aot_valtype_is_ref(aot_valtype t)
{
    return t == AOT_VT_FUNCREF || t == AOT_VT_EXTERNREF;
}

const char *aot_extern_kind_name(aot_extern_kind kind)
{
    switch (kind) {
    case AOT_EXTERN_FUNC: return "func";
    case AOT_EXTERN_TABLE: return "table";
    case AOT_EXTERN_MEMORY: return "memory";
    case AOT_EXTERN_GLOBAL: return "global";
    }
    return "?";
}

const char *aot_section_name(int id)
{
    static const char *const names[] = {
        "custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "datacount",
    };
    if (id < 0 || id >= (int)(sizeof names / sizeof names[0]))
        return "?";
    return names[id];
}

const aot_name *aot_module_func_name(const aot_module *m, uint32_t func_index)
{
    uint32_t lo = 0, hi = m->func_name_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (m->func_names[mid].index < func_index)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->func_name_count && m->func_names[lo].index == func_index)
        return &m->func_names[lo].name;
    return NULL;
}
