// cgp/optfile/program.hpp: an optimizer file compiled to what a step runs.
//
// compile() checks the file's meaning (every name known, every target p or a declared state, every
// state updated, p updated, defaults inside their ranges, no name declared twice, per-step constants
// free of p, g and state) and splits the update in two, like the SDK's prepare():
//   - the per-step part: every subexpression that depends only on hyperparameters, t and numbers,
//     evaluated once per step in double precision (ConstInstr), then rounded to the step's type;
//   - the element-wise part: a small register program (ElemInstr) that the kernels
//     (core/src/optfile/kernels/, one translation unit per ISA) run in one pass over the flat arrays,
//     in blocks of a few dozen elements whose slices and temporaries stay in L1, each instruction one
//     loop over the block; the programs of the shipped Adam, AdamW and Lion files run fused, every
//     value in a SIMD register. Every operation is IEEE-exact (+ - * / sqrt, comparisons, min, max,
//     abs, sign, select) or computed lane by lane with the C library (exp, log, tanh, pow), so every
//     path gives bitwise the result of the scalar path, and of a plugin written with the same
//     operations in the same order. x^n for a literal whole n in 0..8 is repeated multiplication ((x*x)*x ...); any other
//     exponent is pow.
// A step allocates nothing: its values live in fixed arrays on the stack, sized by the limits below.
#pragma once

#include <cgp/optfile/optfile.hpp>
#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::optfile {

inline constexpr std::size_t kMaxConstValues = 512; // per-step values (hyperparameters, t, numbers, ...)
inline constexpr std::size_t kMaxConstants = 256;   // of them, those the element-wise part reads
inline constexpr std::size_t kMaxTemps = 16;        // element-wise temporaries live at once
inline constexpr std::size_t kMaxStates = 16;       // state arrays (abi.h's bound)
inline constexpr std::size_t kMaxElemInstrs = 4096;

// ---- per-step part (double) ----
enum class COp : std::uint8_t {
    Number,
    Hparam,
    Step,
    Neg,
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Sqrt,
    Abs,
    Sign,
    Exp,
    Log,
    Tanh,
    Min,
    Max,
    Clip,
    Select
};
struct ConstInstr {
    COp op = COp::Number;
    std::uint32_t a = 0, b = 0, c = 0; // operand value indices (Hparam: the hyperparameter's index)
    double number = 0.0;
};

// ---- element-wise part (the step's type) ----
// Registers: 0 = p, 1 = g, 2 .. 2+S-1 = the states, then kMaxTemps temporaries.
enum class EOp : std::uint8_t {
    Copy,
    Broadcast,
    Neg,
    Sqrt,
    Abs,
    Sign,
    Exp,
    Log,
    Tanh,
    Add,
    Sub,
    Mul,
    Div,
    Min,
    Max,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    Pow,
    Select
};
// Which operands of a binary instruction are per-step constants (index into the constants).
enum class Operands : std::uint8_t { RegReg, RegConst, ConstReg };
struct ElemInstr {
    EOp op = EOp::Copy;
    Operands kinds = Operands::RegReg;
    std::uint16_t dst = 0;
    std::uint16_t a = 0, b = 0, c = 0; // registers, or constants as `kinds` says (Broadcast: a constant)
};

inline constexpr std::size_t kFixedRegs = 2 + kMaxStates;
inline constexpr std::size_t kMaxRegs = kFixedRegs + kMaxTemps;

struct Program {
    std::vector<ConstInstr> const_code;   // value i is computed by const_code[i]
    std::vector<std::uint32_t> constants; // value index of each constant the element-wise part reads
    std::vector<ElemInstr> code;
    std::size_t state_count = 0;
    std::size_t temps = 0; // temporaries used
    int builtin = -1;      // the built-in program (optfile/kernels/builtin.hpp) this one is, or -1
};

// The compiled file: its declarations for the descriptor, and the program.
struct CompiledFile {
    std::string id, name, summary, version, algorithm; // algorithm "" when none
    std::vector<cgp_hparam> hparams;                   // names and help point into the strings below
    std::vector<std::string> hparam_names, hparam_helps;
    Program program;
};

// Checks and compiles a parsed file. Throws SourceError at the offending declaration or name.
CompiledFile compile(const OptFile& file);

// Evaluates the per-step part for hyperparameters hp and step t into values (kMaxConstValues).
void evaluate_constants(const Program& program, const double* hp, std::uint64_t t, double* values) noexcept;

// One step over `count` elements, on the scalar path or the widest this CPU runs. Allocates nothing.
void run_step(const Program& program, bool scalar, const double* hp, std::uint64_t t, std::size_t count, float* p,
              const float* g, float* const* state) noexcept;
void run_step(const Program& program, bool scalar, const double* hp, std::uint64_t t, std::size_t count, double* p,
              const double* g, double* const* state) noexcept;

// One step on the path named `path` ("scalar", "sse2", "avx2" or "avx512f"), whatever CGP_ISA_DISABLE
// says; false, and nothing done, where this build or CPU lacks it. For tests of every path.
bool run_step_on(std::string_view path, const Program& program, const double* hp, std::uint64_t t, std::size_t count,
                 float* p, const float* g, float* const* state) noexcept;
bool run_step_on(std::string_view path, const Program& program, const double* hp, std::uint64_t t, std::size_t count,
                 double* p, const double* g, double* const* state) noexcept;

// "avx512f", "avx2", "sse2" or "scalar": the path run_step takes here (CGP_ISA_DISABLE honoured).
const char* step_path(bool scalar) noexcept;

} // namespace cgp::optfile
