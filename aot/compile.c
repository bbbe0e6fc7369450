/*
 * The back end's pipeline for one module, top to bottom: choose the target,
 * lower every function to LLVM IR, add the descriptor, verify, optimise,
 * then emit what was asked for (for a precompiled module: an object in a
 * temporary file, linked by lld into the output).  Each phase is timed.
 *
 * A large module is compiled in partitions: contiguous ranges of its
 * defined functions of about equal body size, each lowered, optimised and
 * emitted to its own object by whichever of the threads takes it next, then
 * joined by lld.
 * LLVM contexts are not thread-safe, so every partition has its own context,
 * module and target machine, and declares every function of the module so
 * that calls across partitions are ordinary calls to an external symbol;
 * partition 0 also carries the descriptor with its trampolines and
 * adapters.  Compiled as one partition, functions stay internal, and the
 * code is what a single-threaded compile always gave.
 */
#include "codegen.h"
#include "header.h"
#include "descriptor.h"
#include "link.h"
#include "llvm_info.h"
#include "lower.h"
#include "sha256.h"

#include <llvm-c/Analysis.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

bool aot_compile(const aot_module *m, const aot_compile_options *o, const char *output_path,
                 aot_compile_timings *timings, aot_error *err);

enum {
    /* Below this much wasm code per partition, a partition costs more in
     * repeated declarations and lost inlining across partitions than its
     * thread gains: a module of a few hundred KiB compiles in a second
     * anyway, and its hot calls stay inlinable. */
    COMPILE_MIN_PARTITION_BYTES = 256 * 1024,
    COMPILE_MAX_JOBS = 256,
    COMPILE_PARTITIONS_PER_THREAD = 2,
    /* LLVM recurses deeply on large functions: give workers the stack a
     * main thread usually has, and then some. */
    COMPILE_THREAD_STACK = 16u << 20,
};

/* One range of defined functions [first, end) and what became of it. */
typedef struct compile_partition {
    uint32_t first, end;
    char object_path[32];     /* its temporary object, when it has one */
    bool ok;
    aot_error err;
    double lower, optimise, emit; /* seconds */
} compile_partition;

/* What the workers share.  `next` hands out partitions in order; after a
 * failure no new partition is started. */
typedef struct compile_job {
    const aot_module *m;
    const aot_compile_options *o;
    LLVMCodeGenFileType kind;   /* when emitting an object or assembly */
    const char *direct_path;    /* one partition writing the output itself, or NULL */
    compile_partition *parts;
    unsigned count;
    atomic_uint next;
    atomic_bool failed;
} compile_job;

static double compile_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool compile_verify(LLVMModuleRef mod, aot_error *err)
{
    char *message = NULL;
    if (!LLVMVerifyModule(mod, LLVMReturnStatusAction, &message)) {
        LLVMDisposeMessage(message);
        return true;
    }
    /* The first line says what is wrong; the rest is IR. */
    char *newline = message ? strchr(message, '\n') : NULL;
    if (newline)
        *newline = '\0';
    aot_fail(err, AOT_ERR_LIMIT, 0, "internal error: invalid LLVM IR: %s", message ? message : "");
    LLVMDisposeMessage(message);
    return false;
}

/* The threads to use: the option, else $WAOT_JOBS, else one per CPU. */
static unsigned compile_jobs(const aot_compile_options *o)
{
    long jobs = o->jobs;
    const char *env = getenv("WAOT_JOBS");
    if (jobs == 0 && env && *env)
        jobs = strtol(env, NULL, 10);
    if (jobs <= 0)
        jobs = sysconf(_SC_NPROCESSORS_ONLN);
    return jobs <= 0 ? 1 : jobs > COMPILE_MAX_JOBS ? COMPILE_MAX_JOBS : (unsigned)jobs;
}

/* The least wasm code worth a partition of its own.  $WAOT_MIN_PARTITION_BYTES
 * lowers it so the tests can partition small modules. */
static uint64_t compile_min_partition_bytes(void)
{
    const char *env = getenv("WAOT_MIN_PARTITION_BYTES");
    long long bytes = env && *env ? strtoll(env, NULL, 10) : 0;
    return bytes > 0 ? (uint64_t)bytes : COMPILE_MIN_PARTITION_BYTES;
}

static uint64_t compile_body_size(const aot_module *m, uint32_t index)
{
    return (uint64_t)(m->funcs[index].body_end - m->funcs[index].body);
}

/* The bytes of all defined functions' bodies. */
static uint64_t compile_code_size(const aot_module *m)
{
    uint64_t total = 0;
    for (uint32_t i = m->imported_func_count; i < m->func_count; i++)
        total += compile_body_size(m, i);
    return total;
}

/* How many partitions: two per thread, as long as each gets enough code,
 * since the cost of a byte of wasm varies from function to function: a
 * thread that finishes early takes another partition instead of waiting.
 * Beyond one round of threads the count is a whole number of rounds: three
 * partitions on two threads would leave one thread the last third alone.
 * Assembly and IR are for reading, and stay one file of one module. */
static unsigned compile_partition_count(const aot_module *m, const aot_compile_options *o)
{
    if (o->emit == AOT_EMIT_ASM || o->emit == AOT_EMIT_LLVM_IR)
        return 1;
    uint64_t count = compile_code_size(m) / compile_min_partition_bytes();
    uint32_t defined = m->func_count - m->imported_func_count;
    unsigned jobs = compile_jobs(o);
    if (jobs > 1 && count > jobs)
        count = (count + jobs - 1) / jobs * jobs;
    if (jobs > 1 && count > (uint64_t)jobs * COMPILE_PARTITIONS_PER_THREAD)
        count = (uint64_t)jobs * COMPILE_PARTITIONS_PER_THREAD;
    else if (jobs == 1)
        count = 1;
    if (count > defined)
        count = defined;
    return count < 1 ? 1 : (unsigned)count;
}

/* Cuts the defined functions into `count` contiguous ranges of about equal
 * body size: range k ends once the running total reaches k+1 count-ths. */
static void compile_split(const aot_module *m, compile_partition *parts, unsigned count)
{
    uint64_t total = compile_code_size(m);
    uint32_t at = m->imported_func_count;
    uint64_t done = 0;
    for (unsigned k = 0; k < count; k++) {
        parts[k].first = at;
        uint64_t goal = total * (k + 1) / count;
        /* Leave at least one function for each partition still to come. */
        uint32_t last_allowed = m->func_count - (count - 1 - k);
        while (at < last_allowed && (k + 1 == count || done < goal || at == parts[k].first)) {
            done += compile_body_size(m, at);
            at++;
        }
        parts[k].end = at;
    }
}

/* Functions of one partition are called from the others: external, but
 * hidden, so they never leave the shared object or clash with another
 * module's.  In an object for a program (a symbol prefix given), the
 * prefix also goes into each name, as several modules' objects are linked
 * into that program side by side. */
static void compile_export_functions(lower_module *lm, const char *prefix)
{
    for (uint32_t i = lm->m->imported_func_count; i < lm->m->func_count; i++) {
        LLVMValueRef fn = lm->funcs[i];
        LLVMSetLinkage(fn, LLVMExternalLinkage);
        LLVMSetVisibility(fn, LLVMHiddenVisibility);
        if (!prefix)
            continue;
        size_t len;
        const char *name = LLVMGetValueName2(fn, &len);
        char symbol[512];
        int n = snprintf(symbol, sizeof symbol, "%s:%.*s", prefix, (int)len, name);
        LLVMSetValueName2(fn, symbol, n < (int)sizeof symbol ? (size_t)n : sizeof symbol - 1);
    }
}

/* For an object linked into a program (a symbol prefix given): a global
 * alias for each exported function defined in [first, end), named as the
 * generated header expects, so its wrappers call the code directly.  An
 * alias needs its function's body, so each partition makes its own. */
static bool compile_export_aliases(lower_module *lm, const char *prefix, uint32_t first,
                                   uint32_t end, aot_error *err)
{
    const aot_module *m = lm->m;
    for (uint32_t i = 0; i < m->export_count; i++) {
        const aot_export *e = &m->exports[i];
        if (e->kind != AOT_EXTERN_FUNC || e->index < first || e->index >= end)
            continue;
        char symbol[AOT_HEADER_SYMBOL_MAX];
        if (!aot_header_export_symbol(m, prefix, i, symbol, sizeof symbol))
            return aot_fail(err, AOT_ERR_LIMIT, 0, "export %u: symbol name too long", i);
        LLVMValueRef fn = lm->funcs[e->index];
        LLVMValueRef alias = LLVMAddAlias2(lm->mod, LLVMGlobalGetValueType(fn), 0, fn, symbol);
        LLVMSetLinkage(alias, LLVMExternalLinkage);
        LLVMSetVisibility(alias, LLVMDefaultVisibility);
    }
    return true;
}

static bool compile_descriptor(lower_module *lm, const aot_compile_options *o,
                               const aot_target *target, LLVMTargetDataRef layout)
{
    char version[96];
    snprintf(version, sizeof version, "waot %s (LLVM %s)", o->waot_version, aot_llvm_version());
    aot_descriptor_info info = {.compiler_version = version,
                                .target_triple = target->triple,
                                .cpu_name = target->cpu,
                                .cpu_features = target->features,
                                .symbol_prefix = o->symbol_prefix};
    aot_sha256(o->wasm, o->wasm_size, info.wasm_sha256);
    return aot_emit_descriptor(lm, layout, &info);
}

/* Writes the module as IR, assembly or an object to `path`. */
static bool compile_write(LLVMModuleRef mod, const aot_target *t, aot_emit emit,
                          LLVMCodeGenFileType kind, const char *path, aot_error *err)
{
    if (emit != AOT_EMIT_LLVM_IR)
        return aot_emit_file(mod, t, kind, path, err);
    char *message = NULL;
    if (!LLVMPrintModuleToFile(mod, path, &message))
        return true;
    aot_fail(err, AOT_ERR_IO, 0, "cannot write %s: %s", path, message ? message : "");
    LLVMDisposeMessage(message);
    return false;
}

/* Lowers, optimises and writes partition `index` in a context of its own. */
static bool compile_partition_run(compile_job *job, unsigned index)
{
    const aot_module *m = job->m;
    const aot_compile_options *o = job->o;
    compile_partition *p = &job->parts[index];
    aot_error *err = &p->err;
    aot_target target;
    if (!aot_target_create(o, &target, err))
        return false;
    LLVMContextRef llvm = LLVMContextCreate();
    lower_module lm;
    bool ok = lower_init_module(&lm, m, llvm, "wasm", err);
    lm.interruptible = o->interruptible;
    LLVMTargetDataRef layout = LLVMCreateTargetDataLayout(target.machine);
    if (ok) {
        LLVMSetTarget(lm.mod, target.triple);
        LLVMSetModuleDataLayout(lm.mod, layout);
        if (job->count > 1)
            compile_export_functions(&lm, o->symbol_prefix);
    }

    double start = compile_now();
    ok = ok && lower_functions(&lm, p->first, p->end) &&
         (index != 0 || compile_descriptor(&lm, o, &target, layout)) &&
         (!o->symbol_prefix ||
          compile_export_aliases(&lm, o->symbol_prefix, p->first, p->end, err)) &&
         compile_verify(lm.mod, err);
    p->lower = compile_now() - start;

    start = compile_now();
    ok = ok && aot_optimise(lm.mod, &target, o->opt_level, err);
    if (ok)
        lower_release_kept_loads(lm.mod);
    p->optimise = compile_now() - start;

    start = compile_now();
    const char *path = job->direct_path ? job->direct_path : p->object_path;
    ok = ok && compile_write(lm.mod, &target, job->direct_path ? o->emit : AOT_EMIT_OBJECT,
                             job->kind, path, err);
    p->emit = compile_now() - start;

    lower_dispose_module(&lm);
    if (lm.mod)
        LLVMDisposeModule(lm.mod);
    LLVMDisposeTargetData(layout);
    LLVMContextDispose(llvm);
    aot_target_dispose(&target);
    return ok;
}

/* A worker: takes the next partition until none is left or one failed. */
static void *compile_worker(void *arg)
{
    compile_job *job = arg;
    while (!atomic_load(&job->failed)) {
        unsigned index = atomic_fetch_add(&job->next, 1);
        if (index >= job->count)
            break;
        compile_partition *p = &job->parts[index];
        aot_error_clear(&p->err);
        p->ok = compile_partition_run(job, index);
        if (!p->ok)
            atomic_store(&job->failed, true);
    }
    return NULL;
}

/* Runs the workers: up to `threads` of them, the calling thread being one.
 * A thread that cannot be started leaves its share to the others. */
static void compile_run_workers(compile_job *job, unsigned threads)
{
    pthread_t ids[COMPILE_MAX_JOBS];
    unsigned started = 0;
    pthread_attr_t attr;
    bool have_attr = threads > 1 && pthread_attr_init(&attr) == 0;
    if (have_attr)
        pthread_attr_setstacksize(&attr, COMPILE_THREAD_STACK);
    for (unsigned i = 1; have_attr && i < threads; i++)
        if (pthread_create(&ids[started], &attr, compile_worker, job) == 0)
            started++;
    if (have_attr)
        pthread_attr_destroy(&attr);
    compile_worker(job);
    for (unsigned i = 0; i < started; i++)
        pthread_join(ids[i], NULL);
}

/* The first failure by partition order, so the report does not depend on
 * which thread got there first.  A partition never started (after another
 * failed) has nothing to say. */
static bool compile_collect(const compile_job *job, aot_error *err)
{
    for (unsigned i = 0; i < job->count; i++) {
        if (!job->parts[i].ok && job->parts[i].err.kind != AOT_OK) {
            *err = job->parts[i].err;
            return false;
        }
    }
    for (unsigned i = 0; i < job->count; i++)
        if (!job->parts[i].ok)
            return aot_fail(err, AOT_ERR_LIMIT, 0, "internal error: partition %u not compiled", i);
    return true;
}

/* See aot_compile_timings: one partition's phases as they were; parallel
 * ones as shares of the wall time, in proportion to the summed phases. */
static void compile_timings(const compile_job *job, double wall, aot_compile_timings *timings)
{
    double lower = 0, optimise = 0, emit = 0;
    for (unsigned i = 0; i < job->count; i++) {
        lower += job->parts[i].lower;
        optimise += job->parts[i].optimise;
        emit += job->parts[i].emit;
    }
    double sum = lower + optimise + emit;
    double scale = job->count > 1 && sum > 0 ? wall / sum : 1;
    timings->lower = lower * scale;
    timings->optimise = optimise * scale;
    timings->emit = emit * scale;
    timings->partitions = job->count;
}

static bool compile_make_objects(compile_job *job, aot_error *err)
{
    for (unsigned i = 0; i < job->count; i++) {
        compile_partition *p = &job->parts[i];
        snprintf(p->object_path, sizeof p->object_path, "/tmp/waot-object-XXXXXX");
        int fd = mkstemp(p->object_path);
        if (fd < 0) {
            p->object_path[0] = '\0';
            return aot_fail(err, AOT_ERR_IO, 0, "cannot create a temporary object file");
        }
        close(fd);
    }
    return true;
}

/* Joins the partitions' objects into the output. */
static bool compile_link(const compile_job *job, const char *output_path, aot_error *err)
{
    const char *objects[COMPILE_MAX_JOBS * COMPILE_PARTITIONS_PER_THREAD];
    for (unsigned i = 0; i < job->count; i++)
        objects[i] = job->parts[i].object_path;
    if (job->o->emit == AOT_EMIT_CWASM)
        return aot_link_shared(objects, job->count, output_path, err);
    return aot_link_relocatable(objects, job->count, output_path, err);
}

bool aot_compile(const aot_module *m, const aot_compile_options *o, const char *output_path,
                 aot_compile_timings *timings, aot_error *err)
{
    memset(timings, 0, sizeof *timings);
    /* Checks the target once, and sets LLVM up before any thread uses it. */
    aot_target target;
    if (!aot_target_create(o, &target, err))
        return false;
    aot_target_dispose(&target);

    compile_job job = {.m = m, .o = o};
    job.count = compile_partition_count(m, o);
    compile_partition *parts = calloc(job.count, sizeof *parts);
    if (!parts)
        return aot_fail(err, AOT_ERR_NOMEM, 0, "out of memory");
    job.parts = parts;
    job.kind = o->emit == AOT_EMIT_ASM ? LLVMAssemblyFile : LLVMObjectFile;
    compile_split(m, parts, job.count);
    bool linked = o->emit == AOT_EMIT_CWASM || job.count > 1;
    job.direct_path = linked ? NULL : output_path;
    atomic_init(&job.next, 0);
    atomic_init(&job.failed, false);

    bool ok = !linked || compile_make_objects(&job, err);
    if (ok) {
        double start = compile_now();
        unsigned jobs = compile_jobs(o);
        compile_run_workers(&job, jobs < job.count ? jobs : job.count);
        compile_timings(&job, compile_now() - start, timings);
        ok = compile_collect(&job, err);
    }
    if (ok && linked) {
        double start = compile_now();
        ok = compile_link(&job, output_path, err);
        timings->link = compile_now() - start;
    }
    for (unsigned i = 0; i < job.count; i++)
        if (parts[i].object_path[0])
            unlink(parts[i].object_path);
    free(parts);
    return ok;
}
