/* cgp/sdk/abi.h: the optimizer plugin contract, as plain C (ABI 1.5).
 *
 * This header is the whole contract between the cgp host (cgp-run, cgp-sweep, cgp-bench,
 * cgp-conformance) and an optimizer plugin. It holds only C types: no C++ type, exception or
 * ownership crosses the boundary. The C++ helpers in optimizer.hpp implement it for you; read this
 * file to know what they promise.
 *
 * Life of a plugin, as the host sees it:
 *   1. Read the ELF file without loading it: find the data symbol `cgp_plugin_entry` in its dynamic
 *      symbol table and read entry.abi_major, entry.abi_minor and entry.isa_required from the file.
 *      Refuse the plugin, before any of its code (constructors, static initialisers) has run, unless
 *      abi_major == CGP_ABI_MAJOR (any minor: see "Growth" below) and the CPU has every instruction
 *      set in isa_required.
 *   2. dlopen(path, RTLD_NOW) through Boost.DLL; resolve `cgp_plugin_entry` again.
 *   3. Call entry.get_descriptor() and validate what it returns (strings present, hyperparameter
 *      names unique and well formed, defaults inside [min, max], step functions present), reading
 *      only the fields its struct_size covers.
 *   4. For a training run: check the user's hyperparameters against the schema, call validate(),
 *      call state_count(), allocate that many state arrays and fill them (zero, or what the
 *      "cgp.initial_state/1" extension declares), then call step_f32 or step_f64 once per training
 *      iteration with t = 1, 2, 3, ...
 *   5. dlclose when nothing from the plugin is alive any more.
 *
 * Growth (how this contract changes without breaking anyone; CLAP's rule):
 *   - Same major = compatible, in both directions. A host loads a plugin of any minor of its major:
 *     an older plugin (1.0 in a 1.1 host) and a newer one (1.2 in a 1.1 host) alike. A new major
 *     is a break: the host refuses every other major.
 *   - A minor version only appends fields at the end of a struct that carries struct_size (the
 *     descriptor, cgp_step_args, every extension struct), and only adds flags and extensions. No
 *     field moves, changes type or changes meaning within a major.
 *   - The reader of a struct reads only the fields its struct_size covers. A field the struct_size
 *     does not cover is absent and has the default documented beside it (a null function pointer:
 *     the capability is absent). A struct_size larger than the reader knows is fine: the reader
 *     ignores the tail it does not know. A struct_size smaller than the struct of ABI x.0 is an
 *     invalid struct and is refused.
 *   - Optional capabilities come as extensions (get_extension below), not as new required fields,
 *     so a plugin that does not know an extension simply does not offer it.
 *
 * Extensions go both ways. A plugin offers extensions to the host (descriptor.get_extension); the
 * host offers extensions to a step (cgp_step_args.get_host_extension, ABI 1.2). Both kinds are
 * versioned structs named by a string id and grow by the same rule.
 *
 * Extensions: a versioned struct named by a string id "<vendor>.<name>/<version>" (for example
 * "cgp.initial_state/1"). The host asks descriptor.get_extension(id); the plugin returns a pointer
 * to a constant struct, or NULL when it does not offer that id. Every extension struct starts with
 * uint32_t struct_size and uint32_t version (the number after the slash) and grows as above; an
 * incompatible change is a new id ("/2"), which a plugin may offer beside the old one. The host
 * refuses a plugin whose extension struct has another version or is smaller than the host's struct
 * of that version, naming the extension.
 *
 * Memory (all of it owned by the host):
 *   - params, grads and every state array hold `count` elements of the step's type (float for
 *     step_f32, double for step_f64). Each is aligned to CGP_ALIGNMENT bytes and allocated rounded
 *     up to a multiple of CGP_ALIGNMENT bytes. A plugin may READ elements past `count` up to that
 *     rounding, but must WRITE only elements [0, count).
 *   - State arrays are zero when the run starts (or what cgp.initial_state/1 declares), and only the
 *     plugin writes them afterwards. The host saves them in checkpoints and restores them bit for
 *     bit; so a step must depend only on its arguments (params, grads, state, hyperparameters, t):
 *     no hidden or global state.
 *   - The arrays never overlap one another.
 *   - When count is 0 the array pointers may be null (the host allocates nothing); a step must then
 *     return CGP_OK without touching them.
 *
 * Threads: every function here may be called from any thread, and concurrently from several
 * threads on different arrays (cgp-sweep runs many trainings at once in one process). A plugin
 * keeps no mutable global state.
 *
 * Errors: functions returning int return CGP_OK (0) or a CGP_ERR_* code; on error they write one
 * NUL-terminated line into the host's `msg` buffer (truncated to msg_size) saying what is wrong.
 */
#ifndef CGP_SDK_ABI_H
#define CGP_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- versions ------------------------------------------------------------------------------- */

/* The ABI version this header describes. A major change breaks compatibility; a minor change only
 * appends fields, flags and extensions (see "Growth" above).
 *   1.0  the descriptor, step arguments and entry symbol.
 *   1.1  cgp_optimizer_descriptor.get_extension; the extension "cgp.initial_state/1".
 *   1.2  cgp_step_args.host and .get_host_extension (extensions the host offers a step); the host
 *        extensions "cgp.tensors/1" (the parameters as named tensors, each with its hyperparameters)
 *        and "cgp.step_context/1" (the batch loss, the planned steps, a per-run seed); the plugin
 *        extension "cgp.tensor_hparams/1" and the step flag CGP_STEP_TENSOR_HPARAMS.
 *   1.3  the plugin extension "cgp.run_state/1" (scalar state per run and per tensor, declared by
 *        the plugin) and the host extension "cgp.run_values/1" (that state's storage, per step); the
 *        hyperparameter flag CGP_HPARAM_DECOUPLED_DECAY.
 *   1.4  the plugin extension "cgp.needs_closure/1" and the host extension "cgp.closure/1" (the loss
 *        and gradients at parameters the plugin chooses, inside a step).
 *   1.5  CGP_MAX_STATE_ARRAYS: state_count may return up to 256 (16 before). */
#define CGP_ABI_MAJOR 1u
#define CGP_ABI_MINOR 5u

/* (ABI 1.5) The most state arrays state_count may return (16 up to ABI 1.4). A host of ABI 1.4 or older
 * refuses a plugin that returns more than 16 with its usual state_count message, so a plugin that
 * needs more than 16 needs a 1.5 host. */
#define CGP_MAX_STATE_ARRAYS 256u

/* Name of the one symbol a plugin exports: a `const cgp_plugin_entry_t` object (data, not code). */
#define CGP_PLUGIN_ENTRY_SYMBOL "cgp_plugin_entry"

/* Alignment of every array the host passes, in bytes; also the rounding of their allocated size. */
#define CGP_ALIGNMENT 64u

/* ---- instruction sets ----------------------------------------------------------------------- */

/* Bits naming instruction sets, used in cgp_plugin_entry.isa_required (what the plugin's code
 * executes unconditionally) and cgp_optimizer_descriptor.isa_variants (extra code paths the plugin
 * selects at run time when the CPU has them). */
#define CGP_ISA_SSE2 (1u << 0)
#define CGP_ISA_SSE4_2 (1u << 1)
#define CGP_ISA_AVX (1u << 2)
#define CGP_ISA_AVX2 (1u << 3)
#define CGP_ISA_FMA3 (1u << 4)
#define CGP_ISA_AVX512F (1u << 5)
#define CGP_ISA_AVX512BW (1u << 6)
#define CGP_ISA_NEON (1u << 16)

/* ---- status codes --------------------------------------------------------------------------- */

#define CGP_OK 0
#define CGP_ERR_INVALID_ARGUMENT 1 /* a hyperparameter or argument is out of its domain */
#define CGP_ERR_UNSUPPORTED 2      /* the request is valid but this plugin cannot do it */
#define CGP_ERR_INTERNAL 3         /* anything else; msg says what */

/* ---- hyperparameters ------------------------------------------------------------------------ */

/* Flags of a hyperparameter. */
#define CGP_HPARAM_INTEGER (1u << 0)       /* the value must be a whole number (0/1 for a switch) */
#define CGP_HPARAM_MIN_EXCLUSIVE (1u << 1) /* the value must be > min_value (not >=) */
#define CGP_HPARAM_MAX_EXCLUSIVE (1u << 2) /* the value must be < max_value (not <=) */
/* (ABI 1.3) The value is a decoupled weight decay rate (AdamW's, SGDW's): with a zero gradient the
 * update moves each parameter by p <- p - lr*value*p (p <- p*(1 - value) when the plugin has no "lr")
 * and by nothing else; cgp-conformance's zero_gradient holds a plugin that claims no reference
 * algorithm to that movement. A decay that acts otherwise (inside a normalised direction, at another
 * point, as schedule-free's) is not flagged, whatever its name. At most one hyperparameter carries it.
 * (A plugin of ABI 1.0-1.2, which had no flag, declared it by naming the hyperparameter weight_decay.) */
#define CGP_HPARAM_DECOUPLED_DECAY (1u << 3)

/* One entry of the hyperparameter schema. The host shows `name` as a command-line option, with
 * underscores written as dashes (`eps_inside_sqrt` -> `--eps-inside-sqrt`).
 * Values always travel as double, in schema order, whatever the step's type. */
typedef struct cgp_hparam {
    const char* name;     /* [a-z][a-z0-9_]*, unique within the plugin; "lr" is the learning rate */
    const char* help;     /* one line for --help, without the range (the host prints it) */
    double default_value; /* must lie inside the range below */
    double min_value;     /* finite; the value is rejected when below (or at, with MIN_EXCLUSIVE) */
    double max_value;     /* finite; the value is rejected when above (or at, with MAX_EXCLUSIVE) */
    uint32_t flags;       /* CGP_HPARAM_* */
} cgp_hparam;

/* ---- a step --------------------------------------------------------------------------------- */

/* Flags of a step call. */
#define CGP_STEP_SCALAR (1u << 0) /* run the plain scalar form of the update (no SIMD) */
/* (ABI 1.2) Some tensor of cgp.tensors/1 has hyperparameters of its own (cgp_tensor.hparams differs
 * from args->hparams, --group): set only for a plugin that offers "cgp.tensor_hparams/1". */
#define CGP_STEP_TENSOR_HPARAMS (1u << 1)

/* What one step call works on, besides the arrays. */
typedef struct cgp_step_args {
    uint32_t struct_size;  /* sizeof(cgp_step_args) as the host knows it */
    uint32_t flags;        /* CGP_STEP_* */
    uint64_t step;         /* t: 1 on the first step of a run, then 2, 3, ... (resumes continue) */
    size_t count;          /* number of elements in params, grads and each state array; may be 0 */
    const double* hparams; /* hparam_count values in schema order, already checked by the host
                              against the schema and by validate() */

    /* ---- ABI 1.2: fields below are absent when struct_size does not cover them ---- */

    /* The host's extensions for this step: get_host_extension(host, id) returns the host's struct
     * named id ("cgp.tensors/1", "cgp.step_context/1"), or NULL when the host offers none by that id.
     * Absent (a 1.0 or 1.1 host) or NULL: the host offers none. The struct lives until the step
     * returns and is read only; the plugin keeps no pointer into it. Callable from the step's thread
     * during the step, any number of times; it does not allocate. host is opaque to the plugin. */
    const void* host;
    const void* (*get_host_extension)(const void* host, const char* id);
} cgp_step_args;

/* The update, for one type. params: updated in place. grads: read only. state: state_count(hp)
 * pointers, each to `count` elements the plugin reads and writes. msg/msg_size: see Errors above.
 * Must not allocate memory, must not keep any pointer after returning. */
typedef int (*cgp_step_f32_fn)(const cgp_step_args* args, float* params, const float* grads, float* const* state,
                               char* msg, size_t msg_size);
typedef int (*cgp_step_f64_fn)(const cgp_step_args* args, double* params, const double* grads, double* const* state,
                               char* msg, size_t msg_size);

/* ---- the descriptor ------------------------------------------------------------------------- */

/* Everything the host needs to know about an optimizer. Returned by get_descriptor(); the object
 * and every string and array it points to live as long as the library is loaded, never change, and
 * are never freed by the host. */
typedef struct cgp_optimizer_descriptor {
    uint32_t struct_size;  /* sizeof(cgp_optimizer_descriptor) as the plugin knows it */
    uint32_t reserved0;    /* zero */
    const char* id;        /* short stable identifier, [a-z][a-z0-9_.+-]*, e.g. "adam" */
    const char* name;      /* human name, e.g. "Adam" */
    const char* version;   /* the plugin's own version, e.g. "1.0.0" */
    const char* summary;   /* one line saying what the update does */
    const char* algorithm; /* NULL, or the reference algorithm the update implements exactly, so
                                cgp-conformance can check its trajectories against the host's own:
                                any well-formed name ([a-z][a-z0-9_.+-]*); a cgp without a reference
                                for it loads the plugin and skips that check (see
                                docs/writing-a-plugin.md for the names it knows) */
    uint32_t hparam_count; /* number of entries in hparams (0 allowed) */
    uint32_t isa_variants; /* CGP_ISA_* bits of extra SIMD code paths chosen at run time */
    const cgp_hparam* hparams;
    uint32_t simd_max_ulp; /* largest difference, in units in the last place, between the SIMD
                                and the scalar result of a step; 0 promises bitwise equality */
    uint32_t reserved1;    /* zero */

    /* Number of state arrays (each `count` elements) the update needs for these hyperparameters;
     * at most CGP_MAX_STATE_ARRAYS (256; 16 for a host of ABI 1.4 or older). Pure function. */
    uint32_t (*state_count)(const double* hparams);

    /* Checks relations the schema's ranges cannot express (the host has already checked each value
     * against its range and that it is finite). Returns CGP_OK or CGP_ERR_INVALID_ARGUMENT with a
     * message naming the hyperparameter. Pure function. */
    int (*validate)(const double* hparams, char* msg, size_t msg_size);

    cgp_step_f32_fn step_f32;
    cgp_step_f64_fn step_f64;

    /* Name of the code path a step with these flags takes on this CPU ("scalar", "sse2", "avx2",
     * "avx512f", ...), for reports. Pure function; returns a static string. */
    const char* (*simd_path)(uint32_t step_flags);

    /* ---- ABI 1.1: fields below are absent when struct_size does not cover them ---- */

    /* The plugin's extension struct named `id` ("cgp.initial_state/1"), or NULL when it offers none
     * by that id. Absent (a 1.0 plugin) or NULL: the plugin offers no extension. The returned struct
     * and everything it points to live as long as the library is loaded and never change. Pure
     * function, callable from any thread; the host calls it while loading and binding a plugin,
     * never inside a step. */
    const void* (*get_extension)(const char* id);
} cgp_optimizer_descriptor;

/* Size of the 1.0 descriptor: the smallest struct_size a host accepts. */
#define CGP_DESCRIPTOR_SIZE_1_0 112u

/* ---- extension "cgp.initial_state/1": initial values of the state arrays ---------------------- */

#define CGP_EXT_INITIAL_STATE "cgp.initial_state/1"

/* What a state array holds before step 1. */
#define CGP_INITIAL_ZERO 0u     /* every element 0: what an array holds without this extension */
#define CGP_INITIAL_CONSTANT 1u /* every element equals value (rounded to the step's type) */
#define CGP_INITIAL_PARAMS 2u   /* a copy of the initial parameters (value unused) */

/* A plugin whose state does not start at zero (Adagrad's initial accumulator, a copy of the
 * parameters for averaging methods) offers this struct. Without it every state array starts at 0.
 *
 * When called: once per run, after validate() accepted the hyperparameters and state_count() was
 * read, on the thread that sets the run up; never inside a step, and not when a run resumes from a
 * checkpoint (the saved state is restored instead). Threads: like every plugin function, it may be
 * called from several threads at once. Ownership: kinds and values are the host's arrays of
 * state_count elements; the plugin writes every element of both and keeps neither pointer. */
typedef struct cgp_initial_state_ext {
    uint32_t struct_size; /* sizeof(cgp_initial_state_ext) as the plugin knows it */
    uint32_t version;     /* 1 */
    /* Fills kinds[k] (CGP_INITIAL_*) and values[k] (finite) for state arrays k = 0 .. state_count-1,
     * for these hyperparameters (already validated). Returns CGP_OK, or a CGP_ERR_* code with a
     * message. Pure function; must not allocate. */
    int (*initial_state)(const double* hparams, uint32_t state_count, uint32_t* kinds, double* values, char* msg,
                         size_t msg_size);
} cgp_initial_state_ext;

/* ---- host extension "cgp.tensors/1": the parameters as named tensors ------------------------ */

#define CGP_EXT_TENSORS "cgp.tensors/1"

/* What a tensor is to the model. */
#define CGP_TENSOR_WEIGHT 0u /* a weight matrix [out, in], or a variable's incoming parameters [n] */
#define CGP_TENSOR_BIAS 1u   /* a layer's biases [out], or one variable's bias [1] */
#define CGP_TENSOR_SCALAR 2u /* one parameter of its own (rank 0) */

/* One tensor: elements [offset, offset + count) of params, grads and every state array, row-major
 * in shape[0 .. rank) (count is the product; 1 for rank 0; entries past rank are 0). */
typedef struct cgp_tensor {
    const char* name; /* "layer1.weight", "layer1.bias", "xw", "xw.bias": unique in the model */
    size_t offset;
    size_t count;
    uint32_t rank; /* 0 .. 4 */
    uint32_t kind; /* CGP_TENSOR_* */
    size_t shape[4];
    const double* hparams; /* this tensor's hyperparameters (hparam_count, schema order, checked like
                              args->hparams): args->hparams itself unless a --group gives the
                              tensor values of its own (then CGP_STEP_TENSOR_HPARAMS is set) */
} cgp_tensor;

/* The host's struct for CGP_EXT_TENSORS. The tensors tile [0, args->count) in order, without gaps
 * or overlap, each count >= 1. The order (docs/writing-a-plugin.md, "Tensors"):
 *   - layered models (--layers, a model's `layers` line): PyTorch's nn.Sequential of nn.Linear:
 *     layer1.weight [out, in] row-major (row k: node k's weights, one per input of the layer
 *     before), layer1.bias [out], layer2.weight, layer2.bias, ...; a layer whose nodes do not read
 *     every node of the layer before has weight shape [count] (rank 1).
 *   - expression models: per defined variable in statement order, the parameters its statement
 *     uses first ("xw", [n]; one parameter: rank 0, CGP_TENSOR_SCALAR), then the per-node biases
 *     "xw.bias" [1] (CGP_TENSOR_BIAS) in statement order.
 *   - a run without a model (cgp-bench's optimizer figures, a direct step): one tensor "params" [count].
 * When offered: to every step by a 1.2 host. Threads: the step's thread. Ownership: the host's; valid
 * until the step returns. */
typedef struct cgp_tensors_ext {
    uint32_t struct_size; /* sizeof(cgp_tensors_ext) as the host knows it */
    uint32_t version;     /* 1 */
    size_t tensor_count;  /* >= 1 when args->count > 0 */
    const cgp_tensor* tensors;
} cgp_tensors_ext;

/* ---- extension "cgp.tensor_hparams/1": the plugin reads each tensor's hyperparameters --------- */

#define CGP_EXT_TENSOR_HPARAMS "cgp.tensor_hparams/1"

/* A plugin offers this struct to say that its step reads cgp_tensor.hparams for each tensor's
 * elements (per-tensor hyperparameters, --group PATTERN:NAME=VALUE). The host gives a plugin
 * without it no per-tensor values: it refuses a --group on a plugin hyperparameter, naming the
 * plugin. The SDK's glue offers it (optimizer.hpp and tensor_optimizer.hpp plugins). No functions:
 * its presence is the declaration. Asked while binding a plugin, never inside a step. */
typedef struct cgp_tensor_hparams_ext {
    uint32_t struct_size; /* sizeof(cgp_tensor_hparams_ext) as the plugin knows it */
    uint32_t version;     /* 1 */
} cgp_tensor_hparams_ext;

/* ---- host extension "cgp.step_context/1": what the run knows about this step ------------------ */

#define CGP_EXT_STEP_CONTEXT "cgp.step_context/1"

/* The host's struct for CGP_EXT_STEP_CONTEXT. When offered: to every step by a 1.2 host (outside a
 * training run, loss is NaN and planned_steps 0). Threads, ownership: as cgp.tensors/1. */
typedef struct cgp_step_context_ext {
    uint32_t struct_size;   /* sizeof(cgp_step_context_ext) as the host knows it */
    uint32_t version;       /* 1 */
    double loss;            /* the loss of the batch the gradients are of (before any transform) */
    uint64_t planned_steps; /* optimizer steps the run plans in all (--iterations), 0 when unknown */
    uint64_t seed;          /* a per-run seed, fixed for the run and kept across resumes: noise that
                               is a pure function of (seed, step, element) is deterministic and
                               resumable (counter-based, e.g. Philox or splitmix64 of a sum) */
} cgp_step_context_ext;

/* ---- extension "cgp.run_state/1": scalar state the host keeps for the plugin ------------------ */

#define CGP_EXT_RUN_STATE "cgp.run_state/1"

/* Most that a plugin may declare, per run and per tensor. */
#define CGP_RUN_STATE_MAX 64u

/* A plugin that keeps scalar state across steps (a running maximum of the learning rate, a sum of
 * weights, a step size found by a line search: schedule-free AdamW, D-Adaptation) declares it here
 * instead of keeping it anywhere of its own. The host owns the storage: per_run doubles for the run,
 * and per_tensor doubles for each tensor of cgp.tensors/1 (tensor-major), allocated before training
 * and never inside a step; it hands them to every step through the host extension cgp.run_values/1,
 * saves them in checkpoints and restores them bit for bit, so a resumed run equals a straight one.
 *
 * When called: sizes and initial once per run, after validate() accepted the hyperparameters, on the
 * thread that sets the run up; never inside a step. initial is not called when a run resumes (the
 * saved values are restored instead). Threads: like every plugin function. Ownership: every pointer
 * is the host's; the plugin writes what it is given and keeps no pointer. */
typedef struct cgp_run_state_ext {
    uint32_t struct_size; /* sizeof(cgp_run_state_ext) as the plugin knows it */
    uint32_t version;     /* 1 */
    /* Writes how many doubles the run (*per_run) and each tensor (*per_tensor) keep for these
     * hyperparameters (already validated); each at most CGP_RUN_STATE_MAX. Pure; must not allocate. */
    int (*sizes)(const double* hparams, uint32_t* per_run, uint32_t* per_tensor, char* msg, size_t msg_size);
    /* Writes the values before step 1: run[0 .. per_run) and tensor[0 .. per_tensor) (the same for
     * every tensor); each finite. Pure; must not allocate. */
    int (*initial)(const double* hparams, double* run, uint32_t per_run, double* tensor, uint32_t per_tensor, char* msg,
                   size_t msg_size);
} cgp_run_state_ext;

/* ---- host extension "cgp.run_values/1": the run state of this step ---------------------------- */

#define CGP_EXT_RUN_VALUES "cgp.run_values/1"

/* The host's struct for CGP_EXT_RUN_VALUES: the storage cgp.run_state/1 declared, as it stands after
 * the previous step (or the initial values before step 1). The step reads and writes run[0 ..
 * run_count) and tensors[k * per_tensor + j] for tensor k of cgp.tensors/1 (tensor_count of them).
 * When offered: to every step of a plugin that offers cgp.run_state/1, by a 1.3 host (a host that
 * offers no such struct cannot run the plugin: its step returns CGP_ERR_UNSUPPORTED saying so).
 * Threads: the step's thread. Ownership: the host's; valid until the step returns; the plugin keeps
 * no pointer into it. As for the state arrays, a step with the same arguments and the same values
 * here must give the same result: the run state is the only state a plugin keeps between steps. */
typedef struct cgp_run_values_ext {
    uint32_t struct_size; /* sizeof(cgp_run_values_ext) as the host knows it */
    uint32_t version;     /* 1 */
    double* run;          /* run_count values (null when run_count is 0) */
    uint32_t run_count;   /* the per_run the plugin declared */
    uint32_t per_tensor;  /* the per_tensor the plugin declared */
    size_t tensor_count;  /* equals cgp.tensors/1's tensor_count for this step */
    double* tensors;      /* tensor_count * per_tensor values (null when that is 0) */
} cgp_run_values_ext;

/* ---- extension "cgp.needs_closure/1": the plugin evaluates the loss at points of its own ---------- */

#define CGP_EXT_NEEDS_CLOSURE "cgp.needs_closure/1"

/* (ABI 1.4) A plugin whose step evaluates the loss and gradients at parameters it chooses (SAM's
 * perturbed point, a line search) offers this struct. Its presence is the declaration: a host that
 * cannot serve cgp.closure/1 to every step refuses the plugin before training, with one message
 * naming the plugin path and the program; a host that can allocates the closure's buffers before
 * training. No functions. Asked while binding a plugin, never inside a step. Threads, ownership: as
 * cgp.tensor_hparams/1. */
typedef struct cgp_needs_closure_ext {
    uint32_t struct_size; /* sizeof(cgp_needs_closure_ext) as the plugin knows it */
    uint32_t version;     /* 1 */
} cgp_needs_closure_ext;

/* ---- host extension "cgp.closure/1": evaluate the loss at other parameters -------------------- */

#define CGP_EXT_CLOSURE "cgp.closure/1"

/* The host's struct for CGP_EXT_CLOSURE: the loss and gradient of the step's batch (the batch whose
 * gradients are args->grads: the same inputs, the same loss) at parameters the plugin chooses, as
 * often as the step needs (torch.optim's closure). To evaluate: write the point into `point`
 * (args->count elements of the step's type: float for step_f32, double for step_f64), call
 * evaluate(self, &loss, msg, msg_size); on CGP_OK `gradient` holds the gradient at the point (the
 * loss's own: no host transform such as clipping or coupled decay is applied) and loss the batch
 * loss. The step's params, grads and state are left as they were; only point and gradient are
 * written by an evaluation.
 * When offered: to every step of a plugin that offers cgp.needs_closure/1, by a host that serves one
 * (a 1.4 host in a training run; see docs/writing-a-plugin.md for which programs do). Callable only
 * inside the step it was given to, from the step's thread: outside a step evaluate returns
 * CGP_ERR_UNSUPPORTED and does nothing. Each call runs a forward and backward pass and is counted
 * (`evaluations`, reported by the host); it does not allocate. Ownership: the struct, point and
 * gradient are the host's, allocated before training (64-byte aligned, padded as every array), valid
 * until the step returns; the plugin keeps no pointer into them. point and gradient never overlap
 * params, grads or a state array; their contents are undefined when the step starts. */
typedef struct cgp_closure_ext {
    uint32_t struct_size; /* sizeof(cgp_closure_ext) as the host knows it */
    uint32_t version;     /* 1 */
    void* point;          /* args->count elements: where to evaluate (the plugin writes it) */
    const void* gradient; /* args->count elements: the gradient at point after evaluate (read only) */
    /* Evaluates at point: writes the gradient and *loss. Returns CGP_OK, or a CGP_ERR_* code with a
     * message (outside a step; a forward pass that failed). self is this struct. */
    int (*evaluate)(const struct cgp_closure_ext* self, double* loss, char* msg, size_t msg_size);
    uint64_t evaluations; /* evaluations in this step so far (read only) */
} cgp_closure_ext;

/* ---- the entry symbol ----------------------------------------------------------------------- */

/* The one exported symbol, named CGP_PLUGIN_ENTRY_SYMBOL. It is constant data with a constant
 * initialiser (the compiler places it in .rodata or .data.rel.ro), so the host reads its three
 * integer fields straight from the ELF file and checks versions and instruction sets before the
 * library is loaded and any of its code runs. Its layout never changes within a major. */
typedef struct cgp_plugin_entry_t {
    uint32_t abi_major;    /* CGP_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor;    /* CGP_ABI_MINOR the plugin was built with */
    uint32_t isa_required; /* CGP_ISA_* bits the plugin's code uses unconditionally */
    uint32_t reserved;     /* zero */
    /* Returns the descriptor. Called after the checks above; cheap; may be called many times and
     * returns the same object each time. */
    const cgp_optimizer_descriptor* (*get_descriptor)(void);
} cgp_plugin_entry_t;

#ifdef __cplusplus
}
#endif

#endif /* CGP_SDK_ABI_H */
