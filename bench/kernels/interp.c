/*
 * interp: a tiny stack-based bytecode virtual machine with a switch
 * dispatch loop, running a program (assembled at startup) made of a
 * counted outer loop of argv[1] iterations with a data-dependent inner
 * loop doing hashing arithmetic on locals.  Stresses the interpreter
 * pattern: an indirect jump / branch table per opcode, operand-stack
 * loads and stores, and short dependency chains between dispatches.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op {
    OP_HALT,
    OP_PUSH,  /* imm */
    OP_LOAD,  /* slot */
    OP_STORE, /* slot */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_AND,
    OP_XOR,
    OP_SHR,
    OP_LT,
    OP_JZ,  /* target */
    OP_JMP, /* target */
    OP_DUP,
    OP_POP,
};

struct asm_buf {
    int32_t code[256];
    int32_t len;
};

static void emit(struct asm_buf *a, int32_t op)
{
    a->code[a->len++] = op;
}

static void emit2(struct asm_buf *a, int32_t op, int32_t arg)
{
    a->code[a->len++] = op;
    a->code[a->len++] = arg;
}

static int64_t run(const int32_t *code, int64_t *locals)
{
    int64_t stack[64];
    int sp = 0;
    int32_t pc = 0;
    for (;;) {
        int32_t op = code[pc++];
        switch (op) {
        case OP_HALT:
            return sp > 0 ? stack[sp - 1] : 0;
        case OP_PUSH:
            stack[sp++] = code[pc++];
            break;
        case OP_LOAD:
            stack[sp++] = locals[code[pc++]];
            break;
        case OP_STORE:
            locals[code[pc++]] = stack[--sp];
            break;
        case OP_ADD:
            sp--;
            stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] + (uint64_t)stack[sp]);
            break;
        case OP_SUB:
            sp--;
            stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] - (uint64_t)stack[sp]);
            break;
        case OP_MUL:
            sp--;
            stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] * (uint64_t)stack[sp]);
            break;
        case OP_AND:
            sp--;
            stack[sp - 1] &= stack[sp];
            break;
        case OP_XOR:
            sp--;
            stack[sp - 1] ^= stack[sp];
            break;
        case OP_SHR:
            sp--;
            stack[sp - 1] = (int64_t)((uint64_t)stack[sp - 1] >> (stack[sp] & 63));
            break;
        case OP_LT:
            sp--;
            stack[sp - 1] = stack[sp - 1] < stack[sp];
            break;
        case OP_JZ: {
            int32_t target = code[pc++];
            if (stack[--sp] == 0)
                pc = target;
            break;
        }
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_DUP:
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case OP_POP:
            sp--;
            break;
        default:
            return -1;
        }
    }
}

/* locals: 0 = i, 1 = acc, 2 = n, 3 = j */
static void assemble(struct asm_buf *a)
{
    a->len = 0;
    emit2(a, OP_PUSH, 0);
    emit2(a, OP_STORE, 0);
    emit2(a, OP_PUSH, 1);
    emit2(a, OP_STORE, 1);
    int32_t loop = a->len;
    emit2(a, OP_LOAD, 0);
    emit2(a, OP_LOAD, 2);
    emit(a, OP_LT);
    emit2(a, OP_JZ, 0);
    int32_t fix_end = a->len - 1;
    /* acc = ((acc * 31 + i) ^ (acc >> 7)) & 0xffffffff */
    emit2(a, OP_LOAD, 1);
    emit2(a, OP_PUSH, 31);
    emit(a, OP_MUL);
    emit2(a, OP_LOAD, 0);
    emit(a, OP_ADD);
    emit2(a, OP_LOAD, 1);
    emit2(a, OP_PUSH, 7);
    emit(a, OP_SHR);
    emit(a, OP_XOR);
    emit2(a, OP_PUSH, -1);
    emit2(a, OP_PUSH, 32);
    emit(a, OP_SHR);
    emit(a, OP_AND);
    emit2(a, OP_STORE, 1);
    /* j = acc & 7 */
    emit2(a, OP_LOAD, 1);
    emit2(a, OP_PUSH, 7);
    emit(a, OP_AND);
    emit2(a, OP_STORE, 3);
    int32_t inner = a->len;
    emit2(a, OP_LOAD, 3);
    emit2(a, OP_JZ, 0);
    int32_t fix_inner_end = a->len - 1;
    /* acc = acc + j * 3 ^ i */
    emit2(a, OP_LOAD, 1);
    emit2(a, OP_LOAD, 3);
    emit2(a, OP_PUSH, 3);
    emit(a, OP_MUL);
    emit(a, OP_ADD);
    emit2(a, OP_LOAD, 0);
    emit(a, OP_XOR);
    emit2(a, OP_STORE, 1);
    /* j = j - 1 */
    emit2(a, OP_LOAD, 3);
    emit2(a, OP_PUSH, 1);
    emit(a, OP_SUB);
    emit2(a, OP_STORE, 3);
    emit2(a, OP_JMP, inner);
    a->code[fix_inner_end] = a->len;
    /* i = i + 1 */
    emit2(a, OP_LOAD, 0);
    emit2(a, OP_PUSH, 1);
    emit(a, OP_ADD);
    emit(a, OP_DUP);
    emit2(a, OP_STORE, 0);
    emit(a, OP_POP);
    emit2(a, OP_JMP, loop);
    a->code[fix_end] = a->len;
    emit2(a, OP_LOAD, 1);
    emit(a, OP_HALT);
}

int main(int argc, char **argv)
{
    int32_t n = argc > 1 ? atoi(argv[1]) : 4000000;
    static struct asm_buf prog;
    assemble(&prog);
    int64_t locals[4] = {0, 0, n, 0};
    int64_t r = run(prog.code, locals);
    uint64_t h = 0xcbf29ce484222325ull;
    h = (h ^ (uint64_t)r) * 0x100000001b3ull;
    h = (h ^ (uint64_t)locals[0]) * 0x100000001b3ull;
    printf("interp %016" PRIx64 "\n", h);
    return 0;
}
