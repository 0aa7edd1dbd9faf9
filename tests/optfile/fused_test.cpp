// The shipped optimizer files compile to the built-in programs that step fused, in one pass, and a
// fused step gives the blocked interpreter's bits (and the scalar path's) over lengths that are no
// multiple of a block or of a SIMD register, in f32 and f64.
#include "support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace cgp;
using namespace cgp::optfile::testing;

namespace {

// 20 steps of program over n elements from the fixed start.
template <class T>
Arrays<T> run(const optfile::CompiledFile& file, const optfile::Program& program, std::size_t n, bool scalar)
{
    Arrays<T> a = start<T>(program, n);
    std::vector<T*> s = a.state_pointers();
    const std::vector<double> hp = defaults(file);
    for (std::uint64_t t = 1; t <= 20; ++t) {
        gradient(a, t);
        optfile::run_step(program, scalar, hp.data(), t, n, a.p.data(), a.g.data(), s.data());
    }
    return a;
}

template <class T>
void fused_matches_interpreter(const std::filesystem::path& path)
{
    const optfile::CompiledFile file = compile_file(path);
    BOOST_REQUIRE(file.program.builtin >= 0);
    optfile::Program interpreted = file.program;
    interpreted.builtin = -1;
    // Blocks of 64 elements, 4 to 16 lanes: 1581 and 100003 end inside a block and a register.
    for (const std::size_t n : {std::size_t{1}, std::size_t{15}, std::size_t{1581}, std::size_t{100003}}) {
        const Arrays<T> fused = run<T>(file, file.program, n, false);
        const Arrays<T> blocked = run<T>(file, interpreted, n, false);
        const Arrays<T> scalar = run<T>(file, file.program, n, true);
        const std::string what = path.filename().string() + ", n = " + std::to_string(n) +
                                 (sizeof(T) == 4 ? ", f32" : ", f64") + " on " + optfile::step_path(false);
        BOOST_TEST(same_bits(fused.p, blocked.p), what << ": p, fused against blocked");
        BOOST_TEST(same_bits(fused.p, scalar.p), what << ": p, fused against scalar");
        for (std::size_t k = 0; k < fused.state.size(); ++k) {
            BOOST_TEST(same_bits(fused.state[k], blocked.state[k]),
                       what << ": state " << k << ", fused against blocked");
            BOOST_TEST(same_bits(fused.state[k], scalar.state[k]), what << ": state " << k << ", fused against scalar");
        }
    }
}

const char* const kShipped[] = {"adam-handout.opt", "adam.opt", "adamw.opt", "lion.opt"};

} // namespace

BOOST_AUTO_TEST_SUITE(optfile_fused)

BOOST_AUTO_TEST_CASE(each_shipped_file_compiles_to_its_own_built_in_program_and_other_updates_to_none)
{
    for (int k = 0; k < 4; ++k)
        BOOST_TEST(compile_file(kExamples / kShipped[k]).program.builtin == k, kShipped[k]);
    BOOST_TEST(compile_file(kFiles / "twin.opt").program.builtin == -1);
    for (const char* name : {"rmsprop.opt", "adagrad.opt", "amsgrad.opt", "adabelief.opt"})
        BOOST_TEST(compile_file(kExamples / name).program.builtin == -1, name);
    // The same update with other names and defaults is the same program.
    const optfile::CompiledFile renamed = optfile::compile(optfile::parse_optimizer_file(
        "renamed.opt", "name renamed\nhparam rate = 0.5 in [0, 1)\nhparam a = 0.5 in [0, 1)\n"
                       "hparam b = 0.25 in [0, 1)\nhparam wd = 0.1 in [0, 1]\nstate mom\n"
                       "p = p*(1 - rate*wd) - rate*sign(a*mom + (1 - a)*g)\nmom = b*mom + (1 - b)*g\n"));
    BOOST_TEST(renamed.program.builtin == 3);
}

BOOST_AUTO_TEST_CASE(a_fused_step_gives_the_bits_of_the_blocked_and_the_scalar_step_in_f32)
{
    for (const char* name : kShipped)
        fused_matches_interpreter<float>(kExamples / name);
}

BOOST_AUTO_TEST_CASE(a_fused_step_gives_the_bits_of_the_blocked_and_the_scalar_step_in_f64)
{
    for (const char* name : kShipped)
        fused_matches_interpreter<double>(kExamples / name);
}

BOOST_AUTO_TEST_SUITE_END()
