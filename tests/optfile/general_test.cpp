// The general route (any program, in blocks of kernels::kBlock) on every path this CPU runs gives
// the bits of an element-by-element reference written here, over lengths around a SIMD register and
// a block, in f32 and f64; the shipped files' fused kernels too.
#include "support.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace cgp;
using namespace cgp::optfile::testing;

namespace {

// One element of the program, one instruction after the other, in T: the reference.
template <class T>
T binary(optfile::EOp op, T a, T b)
{
    using optfile::EOp;
    switch (op) {
    case EOp::Add: return a + b;
    case EOp::Sub: return a - b;
    case EOp::Mul: return a * b;
    case EOp::Div: return a / b;
    case EOp::Min: return a < b ? a : b;
    case EOp::Max: return a > b ? a : b;
    case EOp::Lt: return a < b ? T(1) : T(0);
    case EOp::Le: return a <= b ? T(1) : T(0);
    case EOp::Gt: return a > b ? T(1) : T(0);
    case EOp::Ge: return a >= b ? T(1) : T(0);
    case EOp::Eq: return a == b ? T(1) : T(0);
    case EOp::Ne: return a != b ? T(1) : T(0);
    case EOp::Pow: return std::pow(a, b);
    default: break;
    }
    BOOST_FAIL("not a binary operation");
    return T(0);
}

template <class T>
T unary(optfile::EOp op, T a)
{
    using optfile::EOp;
    switch (op) {
    case EOp::Copy: return a;
    case EOp::Neg: return -a;
    case EOp::Sqrt: return std::sqrt(a);
    case EOp::Abs: return std::fabs(a);
    case EOp::Sign: return a > T(0) ? T(1) : a < T(0) ? T(-1) : T(0);
    case EOp::Exp: return std::exp(a);
    case EOp::Log: return std::log(a);
    case EOp::Tanh: return std::tanh(a);
    default: break;
    }
    BOOST_FAIL("not a unary operation");
    return T(0);
}

template <class T>
void reference_step(const optfile::Program& prog, const double* hp, std::uint64_t t, std::size_t n, T* p, const T* g,
                    std::vector<std::vector<T>>& state)
{
    using optfile::EOp;
    using optfile::Operands;
    std::vector<double> values(optfile::kMaxConstValues);
    optfile::evaluate_constants(prog, hp, t, values.data());
    std::vector<T> c;
    for (std::uint32_t v : prog.constants)
        c.push_back(static_cast<T>(values[v]));
    T x[optfile::kMaxRegs] = {};
    for (std::size_t i = 0; i < n; ++i) {
        x[0] = p[i];
        x[1] = g[i];
        for (std::size_t k = 0; k < state.size(); ++k)
            x[2 + k] = state[k][i];
        for (const optfile::ElemInstr& in : prog.code) {
            if (in.op == EOp::Broadcast)
                x[in.dst] = c[in.a];
            else if (in.op == EOp::Select)
                x[in.dst] = x[in.a] != T(0) ? x[in.b] : x[in.c];
            else if (in.op <= EOp::Tanh)
                x[in.dst] = unary(in.op, x[in.a]);
            else
                x[in.dst] = binary(in.op, in.kinds == Operands::ConstReg ? c[in.a] : x[in.a],
                                   in.kinds == Operands::RegConst ? c[in.b] : x[in.b]);
        }
        p[i] = x[0];
        for (std::size_t k = 0; k < state.size(); ++k)
            state[k][i] = x[2 + k];
    }
}

constexpr std::uint64_t kSteps = 3;

const char* const kPaths[] = {"scalar", "sse2", "avx2", "avx512f"};
const std::size_t kLengths[] = {0, 1, 15, 16, 17, 1581, 100003};

// Every path (and, for a built-in program, the general route beside the fused one) against the
// reference, kSteps steps from the same start.
template <class T>
void every_path_matches_the_reference(const std::filesystem::path& path)
{
    const optfile::CompiledFile file = compile_file(path);
    const std::vector<double> hp = defaults(file);
    std::vector<optfile::Program> routes{file.program};
    if (file.program.builtin >= 0) {
        routes.push_back(file.program);
        routes.back().builtin = -1;
    }
    for (const std::size_t n : kLengths) {
        Arrays<T> want = start<T>(file.program, n);
        for (std::uint64_t t = 1; t <= kSteps; ++t) {
            gradient(want, t);
            reference_step(file.program, hp.data(), t, n, want.p.data(), want.g.data(), want.state);
        }
        int ran = 0;
        for (const char* isa : kPaths)
            for (const optfile::Program& prog : routes) {
                Arrays<T> got = start<T>(prog, n);
                std::vector<T*> s = got.state_pointers();
                bool available = true;
                for (std::uint64_t t = 1; t <= kSteps && available; ++t) {
                    gradient(got, t);
                    available = optfile::run_step_on(isa, prog, hp.data(), t, n, got.p.data(), got.g.data(), s.data());
                }
                if (!available)
                    continue;
                ++ran;
                const std::string what = path.filename().string() + ", n = " + std::to_string(n) +
                                         (sizeof(T) == 4 ? ", f32, " : ", f64, ") + isa +
                                         (prog.builtin >= 0 ? ", fused" : ", general");
                BOOST_TEST(same_bits(got.p, want.p), what << ": p");
                for (std::size_t k = 0; k < got.state.size(); ++k)
                    BOOST_TEST(same_bits(got.state[k], want.state[k]), what << ": state " << k);
            }
        BOOST_TEST(ran >= 2, path.filename().string() << ": the scalar path and SSE2 at least");
    }
}

const char* const kExampleFiles[] = {"adam-handout.opt", "adam.opt",    "adamw.opt",   "lion.opt",
                                     "rmsprop.opt",      "adagrad.opt", "amsgrad.opt", "adabelief.opt"};
const char* const kTestFiles[] = {"every_op.opt", "twin.opt", "twin-libm.opt"};

template <class T>
void all_files()
{
    for (const char* name : kExampleFiles)
        every_path_matches_the_reference<T>(kExamples / name);
    for (const char* name : kTestFiles)
        every_path_matches_the_reference<T>(kFiles / name);
}

} // namespace

BOOST_AUTO_TEST_SUITE(optfile_general)

BOOST_AUTO_TEST_CASE(every_path_steps_every_file_like_an_element_by_element_reference_in_f32)
{
    all_files<float>();
}

BOOST_AUTO_TEST_CASE(every_path_steps_every_file_like_an_element_by_element_reference_in_f64)
{
    all_files<double>();
}

BOOST_AUTO_TEST_CASE(a_path_this_cpu_lacks_or_an_unknown_name_steps_nothing)
{
    const optfile::CompiledFile file = compile_file(kExamples / "rmsprop.opt");
    const std::vector<double> hp = defaults(file);
    float p = 1.0f, g = 1.0f, v = 0.0f;
    float* s[] = {&v};
    BOOST_TEST(!optfile::run_step_on("neon", file.program, hp.data(), 1, 1, &p, &g, s));
    BOOST_TEST(p == 1.0f);
    BOOST_TEST(optfile::run_step_on("scalar", file.program, hp.data(), 1, 1, &p, &g, s));
    BOOST_TEST(p < 1.0f);
}

BOOST_AUTO_TEST_SUITE_END()
