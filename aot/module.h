/*
 * The module model: what the decoder makes of a binary module and what the
 * validator, the lowering and `waot inspect` read.
 *
 * Index spaces follow the spec: function, table, memory and global indices
 * count imports first, so `funcs[i]` is function i whether imported or
 * defined.  Names, function bodies, constant expressions and data bytes point
 * into the module's byte buffer, which the caller keeps alive as long as the
 * module; everything else lives in the module's arena and is freed with it.
 * Instruction sequences (bodies, constant expressions) are kept as byte
 * ranges: the validator and the lowering walk them with the instruction
 * reader (instr.h), so they are decoded once per pass and never copied.
 */
#ifndef AOT_MODULE_H
#define AOT_MODULE_H

#include "arena.h"
#include "reader.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Value types, by their binary encoding. */
typedef uint8_t aot_valtype;
enum {
    AOT_VT_UNKNOWN = 0x00, /* validator only: the bottom type of unreachable code */
    AOT_VT_I32 = 0x7f,
    AOT_VT_I64 = 0x7e,
    AOT_VT_F32 = 0x7d,
    AOT_VT_F64 = 0x7c,
    AOT_VT_V128 = 0x7b,
    AOT_VT_FUNCREF = 0x70,
    AOT_VT_EXTERNREF = 0x6f,
};

/* "i32", "funcref", ...; "?" for anything else. */
const char *aot_valtype_name(aot_valtype t);
bool aot_valtype_is_ref(aot_valtype t);

/* The four kinds of import and export, by their binary encoding. */
typedef enum aot_extern_kind {
    AOT_EXTERN_FUNC = 0,
    AOT_EXTERN_TABLE = 1,
    AOT_EXTERN_MEMORY = 2,
    AOT_EXTERN_GLOBAL = 3,
} aot_extern_kind;

/* "func", "table", "memory", "global". */
const char *aot_extern_kind_name(aot_extern_kind kind);

typedef struct aot_functype {
    uint32_t param_count;
    uint32_t result_count;
    const aot_valtype *params;  /* param_count entries */
    const aot_valtype *results; /* result_count entries */
} aot_functype;

/* Sizes of memories (in 64 KiB pages) and tables (in elements). */
typedef struct aot_limits {
    uint64_t min;
    uint64_t max;     /* meaningful only when has_max */
    bool has_max;
} aot_limits;

typedef struct aot_tabletype {
    aot_valtype elem_type; /* funcref or externref */
    aot_limits limits;
} aot_tabletype;

typedef struct aot_memtype {
    aot_limits limits;
} aot_memtype;

typedef struct aot_globaltype {
    aot_valtype type;
    bool is_mutable;
} aot_globaltype;

/* A constant expression: the instruction bytes up to and including `end`. */
typedef struct aot_const_expr {
    const uint8_t *start;
    const uint8_t *end; /* one past the final `end` opcode */
} aot_const_expr;

typedef struct aot_import {
    aot_name module;
    aot_name field;
    aot_extern_kind kind;
    size_t offset;         /* of the import entry, for error messages */
    union {
        uint32_t type_index; /* AOT_EXTERN_FUNC */
        aot_tabletype table;
        aot_memtype memory;
        aot_globaltype global;
    } desc;
} aot_import;

typedef struct aot_func {
    uint32_t type_index;
    bool imported;
    uint32_t import_index;     /* when imported */
    /* Defined functions only: */
    const uint8_t *body;       /* the code entry after its size: local declarations first */
    const uint8_t *body_end;   /* one past the last byte the size covers */
    const uint8_t *code;       /* the first instruction, after the local declarations */
    uint32_t local_decl_count; /* number of (count, type) groups before `code` */
    uint32_t local_count;      /* locals declared, not counting parameters */
} aot_func;

typedef struct aot_table {
    aot_tabletype type;
    bool imported;
} aot_table;

typedef struct aot_memory {
    aot_memtype type;
    bool imported;
} aot_memory;

typedef struct aot_global {
    aot_globaltype type;
    bool imported;
    aot_const_expr init; /* defined globals only */
} aot_global;

typedef struct aot_export {
    aot_name name;
    aot_extern_kind kind;
    uint32_t index;
    size_t offset;
} aot_export;

typedef enum aot_segment_mode {
    AOT_SEGMENT_ACTIVE,
    AOT_SEGMENT_PASSIVE,
    AOT_SEGMENT_DECLARATIVE, /* element segments only */
} aot_segment_mode;

typedef struct aot_elem {
    aot_segment_mode mode;
    uint32_t table_index;   /* active only */
    aot_const_expr offset;  /* active only */
    aot_valtype type;       /* funcref or externref */
    uint32_t count;
    /* Exactly one of these holds `count` entries: plain function indices
     * (flags 0-3) or one constant expression per element (flags 4-7). */
    const uint32_t *func_indices;
    const aot_const_expr *exprs;
    size_t file_offset;     /* of the segment, for error messages */
} aot_elem;

typedef struct aot_data {
    aot_segment_mode mode;
    uint32_t memory_index;  /* active only */
    aot_const_expr offset;  /* active only */
    const uint8_t *bytes;
    uint32_t size;
    size_t file_offset;     /* of the segment, for error messages */
} aot_data;

typedef struct aot_custom {
    aot_name name;
    const uint8_t *bytes;   /* the payload after the name */
    uint32_t size;
} aot_custom;

/* Where each section was found, for `waot inspect`. */
typedef struct aot_section {
    uint8_t id;
    size_t offset;          /* of the section id byte */
    size_t content_offset;  /* of the first byte after the size */
    uint32_t size;          /* content size */
} aot_section;

/* A name given to one index by the name section. */
typedef struct aot_index_name {
    uint32_t index;
    aot_name name;
} aot_index_name;

typedef struct aot_local_names {
    uint32_t func_index;
    uint32_t count;
    const aot_index_name *names;
} aot_local_names;

/* Section ids. */
enum {
    AOT_SECTION_CUSTOM = 0,
    AOT_SECTION_TYPE = 1,
    AOT_SECTION_IMPORT = 2,
    AOT_SECTION_FUNCTION = 3,
    AOT_SECTION_TABLE = 4,
    AOT_SECTION_MEMORY = 5,
    AOT_SECTION_GLOBAL = 6,
    AOT_SECTION_EXPORT = 7,
    AOT_SECTION_START = 8,
    AOT_SECTION_ELEMENT = 9,
    AOT_SECTION_CODE = 10,
    AOT_SECTION_DATA = 11,
    AOT_SECTION_DATA_COUNT = 12,
};

/* "type", "import", ... "datacount"; "custom" for 0. */
const char *aot_section_name(int id);

typedef struct aot_module {
    const uint8_t *bytes; /* the binary; not owned */
    size_t size;
    aot_arena arena;      /* owns every array below */

    aot_functype *types;   uint32_t type_count;
    aot_import *imports;   uint32_t import_count;
    aot_func *funcs;       uint32_t func_count;   uint32_t imported_func_count;
    aot_table *tables;     uint32_t table_count;  uint32_t imported_table_count;
    aot_memory *memories;  uint32_t memory_count; uint32_t imported_memory_count;
    aot_global *globals;   uint32_t global_count; uint32_t imported_global_count;
    aot_export *exports;   uint32_t export_count;
    aot_elem *elems;       uint32_t elem_count;
    aot_data *datas;       uint32_t data_count;
    aot_custom *customs;   uint32_t custom_count;
    aot_section *sections; uint32_t section_count;

    bool has_start;
    uint32_t start_index;
    bool has_data_count;   /* the data count section was present */
    uint32_t data_count_value;
    size_t code_section_offset; /* of the code section's content, 0 if none */

    /* From the "name" custom section, when present and well-formed. */
    bool has_module_name;
    aot_name module_name;
    aot_index_name *func_names;   uint32_t func_name_count;  /* ascending index */
    aot_local_names *local_names; uint32_t local_names_count; /* ascending function */
} aot_module;

/* The name section's name for a function, or NULL when it has none. */
const aot_name *aot_module_func_name(const aot_module *m, uint32_t func_index);

static inline const aot_functype *aot_module_func_type(const aot_module *m, uint32_t func_index)
{
    return &m->types[m->funcs[func_index].type_index];
}

#endif
