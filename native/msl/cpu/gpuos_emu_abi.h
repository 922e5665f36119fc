/*
 * The C ABI between a kernel library (a .metal file translated to C++ and compiled to a shared
 * object) and the CPU emulator that runs it.
 *
 * Both sides include this one header: the kernel side through native/msl/cpu/metal_stdlib, the
 * executor through native/emu. It is plain C with builtin types only, so kernel libraries compile
 * without any system header. Bump GPUOS_EMU_ABI_VERSION on every change to a struct or
 * function table here; the loader refuses a library built against another version.
 */
#ifndef GPUOS_EMU_ABI_H
#define GPUOS_EMU_ABI_H

#define GPUOS_EMU_ABI_VERSION 4u

/* Apple GPUs: 32 lanes per SIMD-group, at most 1024 threads and 32 KiB of threadgroup memory. */
#define GPUOS_SIMD_WIDTH 32u
#define GPUOS_MAX_THREADS_PER_THREADGROUP 1024u
#define GPUOS_THREADGROUP_MEMORY_LIMIT_BYTES 32768u
/* Metal's argument table has 31 buffer slots and 31 threadgroup-memory slots per kernel. */
#define GPUOS_MAX_BUFFER_BINDINGS 31u
#define GPUOS_MAX_THREADGROUP_BINDINGS 31u
/* Kernel-scope threadgroup variables a kernel may declare. */
#define GPUOS_MAX_THREADGROUP_VARIABLES 256u
/* A SIMD-group function moves at most 32 bytes per lane (a 4-component 64-bit vector). */
#define GPUOS_SIMD_SLOT_BYTES 32u

#ifdef __cplusplus
extern "C" {
#endif

typedef unsigned int gpuos_u32;
typedef unsigned long long gpuos_u64;
typedef __SIZE_TYPE__ gpuos_size;

/*
 * Where a barrier, SIMD-group function or atomic was called. Kernels pass a pointer to a unique
 * static record per call site (GCC and Clang's __builtin_source_location(), whose record has this
 * exact layout), so the pointer itself identifies the call site. The file and line are those of
 * the .metal source: the translator keeps #line directives.
 */
typedef struct gpuos_source_site {
  const char* file;
  const char* function;
  gpuos_u32 line;
  gpuos_u32 column;
} gpuos_source_site;

/*
 * One SIMD-group function call, as seen by the lanes that rendezvoused at it. The emulator fills
 * values/args from every participating lane, then calls the call's resolver once to compute every
 * active lane's result.
 */
typedef struct gpuos_simd_lanes {
  gpuos_u32 active_mask; /* lanes that take part: they all wait at this call site */
  gpuos_u32 live_mask;   /* lanes of the group that have not returned from the kernel */
  gpuos_u32 group_size;  /* lanes in the group: 32, or fewer in a partial last group */
  const unsigned char (*values)[GPUOS_SIMD_SLOT_BYTES];
  const gpuos_u32* args;
  unsigned char (*results)[GPUOS_SIMD_SLOT_BYTES];
} gpuos_simd_lanes;

/* What a resolver can find wrong. Zero means nothing. */
enum gpuos_simd_problem_code {
  GPUOS_SIMD_OK = 0,
  GPUOS_SIMD_READ_INACTIVE_LANE = 1, /* lane read a lane that is inactive or out of range */
  GPUOS_SIMD_NON_UNIFORM_ARGUMENT = 2, /* delta/mask/lane argument differs between lanes */
  GPUOS_SIMD_PARTIAL_GROUP_BARRIER = 3 /* simdgroup_barrier reached by only some live lanes */
};

typedef struct gpuos_simd_problem {
  gpuos_u32 code;
  gpuos_u32 lane;   /* the lane that did it */
  gpuos_u32 detail; /* the lane it read, or the argument it passed */
} gpuos_simd_problem;

typedef gpuos_u32 (*gpuos_simd_resolver)(const gpuos_simd_lanes* lanes, gpuos_simd_problem* problem);

typedef struct gpuos_simd_call {
  const gpuos_source_site* site;
  const char* operation; /* "simd_sum", ... for reports */
  gpuos_simd_resolver resolve;
  const void* value;
  gpuos_u32 size;
  gpuos_u32 arg;
} gpuos_simd_call;

/* mem_flags bits of a barrier that order memory (the other bits, texture and imageblock, order
   nothing the emulator has). */
#define GPUOS_MEM_DEVICE 1u
#define GPUOS_MEM_THREADGROUP 2u

/* What a load or store of kernel code is, as the race checker's memory hook reports it. */
enum gpuos_access_flags {
  GPUOS_ACCESS_READ = 0,
  GPUOS_ACCESS_WRITE = 1u, /* a store, or an atomic that may store (everything but a load) */
  GPUOS_ACCESS_ATOMIC = 2u,
  GPUOS_ACCESS_AT_SITE = 4u, /* `pc` is the call's gpuos_source_site record, not a code address */
  GPUOS_ACCESS_RMW = 8u      /* an atomic that reads as well as stores (exchange, compare, fetch_*) */
};

/* Functions the emulator provides to kernel code. */
typedef struct gpuos_emu_runtime {
  gpuos_u32 abi_version;
  void (*threadgroup_barrier)(gpuos_u32 mem_flags, const gpuos_source_site* site);
  /* Rendezvous of the SIMD-group's active lanes; returns this lane's result slot. */
  const void* (*simd_call)(const gpuos_simd_call* call);
  /* Storage of a kernel-scope threadgroup variable, shared by all threads of the threadgroup. */
  void* (*threadgroup_variable)(gpuos_u32 slot, gpuos_size size, gpuos_size align, const char* name,
                                const gpuos_source_site* site);
  /* Called after every atomic operation: a point where the scheduler may run another thread.
     `address` and `observed` (the value the operation saw, as bits) tell a thread polling the
     same unchanged word from one making progress. */
  void (*atomic_performed)(gpuos_u32 changed_memory, const gpuos_source_site* site, const volatile void* address,
                           gpuos_u64 observed);
  /* Around every call of a user function that contains barriers or SIMD-group calls: the
     translator brackets such calls, so a call site is identified by its source position and the
     source positions of the calls that led to it. Two calls of one helper are then two call
     sites, as two call instructions are on a GPU, however the compiler inlined or duplicated it. */
  void (*enter_call)(const gpuos_source_site* call_site);
  void (*leave_call)(void);
  /* Every load and store of a library built for race checking (GPUOS_RACE_CHECK), before it
     happens: `pc` is the instruction after the call, in the kernel code that made the access. */
  void (*memory_access)(const volatile void* address, gpuos_size size, gpuos_u32 access_flags, const void* pc);
  /* The running thread's launch and ids, for program-scope built-in variables (MSL 3.1). */
  void (*current_thread)(const struct gpuos_launch** launch, const struct gpuos_thread_ids** ids);
} gpuos_emu_runtime;

/* ---- what a kernel library describes about itself ---- */

enum gpuos_param_kind {
  GPUOS_PARAM_BUFFER = 1,      /* [[buffer(n)]] */
  GPUOS_PARAM_THREADGROUP = 2, /* [[threadgroup(n)]] */
  GPUOS_PARAM_BUILTIN = 3      /* [[thread_index_in_threadgroup]] and friends */
};

enum gpuos_builtin {
  GPUOS_BUILTIN_THREAD_INDEX_IN_THREADGROUP = 1,
  GPUOS_BUILTIN_THREAD_POSITION_IN_THREADGROUP,
  GPUOS_BUILTIN_THREAD_POSITION_IN_GRID,
  GPUOS_BUILTIN_THREADS_PER_THREADGROUP,
  GPUOS_BUILTIN_THREADGROUP_POSITION_IN_GRID,
  GPUOS_BUILTIN_THREADGROUPS_PER_GRID,
  GPUOS_BUILTIN_THREADS_PER_GRID,
  GPUOS_BUILTIN_SIMDGROUP_INDEX_IN_THREADGROUP,
  GPUOS_BUILTIN_THREAD_INDEX_IN_SIMDGROUP,
  GPUOS_BUILTIN_THREADS_PER_SIMDGROUP,
  GPUOS_BUILTIN_SIMDGROUPS_PER_THREADGROUP,
  GPUOS_BUILTIN_QUADGROUP_INDEX_IN_THREADGROUP,
  GPUOS_BUILTIN_THREAD_INDEX_IN_QUADGROUP,
  GPUOS_BUILTIN_QUADGROUPS_PER_THREADGROUP,
  GPUOS_BUILTIN_GRID_ORIGIN,
  GPUOS_BUILTIN_GRID_SIZE
};

typedef struct gpuos_param_desc {
  const char* name;
  const char* type_spelling; /* the parameter's type as written in the .metal source */
  gpuos_u32 kind;            /* gpuos_param_kind */
  gpuos_u32 index;           /* binding index, or gpuos_builtin for builtins */
  gpuos_u32 is_reference;    /* `constant T&` rather than `device T*` */
  gpuos_u32 is_const;        /* read-only (constant address space or const pointee) */
  gpuos_u64 pointee_size;    /* sizeof the pointed-to or referenced type */
  gpuos_u64 pointee_align;
} gpuos_param_desc;

/* Per-dispatch data every thread of a launch reads. */
typedef struct gpuos_launch {
  void* const* buffers;            /* GPUOS_MAX_BUFFER_BINDINGS entries, null when unbound */
  void* const* threadgroup_memory; /* GPUOS_MAX_THREADGROUP_BINDINGS entries */
  gpuos_u32 threads_per_threadgroup[3];
} gpuos_launch;

/* Per-thread ids. */
typedef struct gpuos_thread_ids {
  gpuos_u32 index;
  gpuos_u32 position[3];
  gpuos_u32 simdgroup;
  gpuos_u32 lane;
} gpuos_thread_ids;

typedef void (*gpuos_kernel_entry)(const gpuos_launch* launch, const gpuos_thread_ids* thread);

typedef struct gpuos_kernel_desc {
  const char* name;
  const char* file;
  gpuos_u32 line;
  gpuos_kernel_entry entry;
  const gpuos_param_desc* params;
  gpuos_u32 param_count;
  gpuos_u32 max_total_threads_per_threadgroup; /* 0 when the kernel does not say */
} gpuos_kernel_desc;

typedef struct gpuos_kernel_library {
  gpuos_u32 abi_version;
  const char* source_file;
  const gpuos_kernel_desc* kernels;
  gpuos_u32 kernel_count;
  /* The loader stores the emulator's function table here before any kernel runs. */
  const gpuos_emu_runtime** runtime_slot;
  /* 1 when built with GPUOS_RACE_CHECK: every load and store calls runtime->memory_access. */
  gpuos_u32 race_instrumented;
} gpuos_kernel_library;

/* Every kernel library exports this one symbol. */
#define GPUOS_KERNEL_LIBRARY_SYMBOL "gpuos_kernel_library_v1"
typedef const gpuos_kernel_library* (*gpuos_kernel_library_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* GPUOS_EMU_ABI_H */
