// The shipped optimizer files compile to the built-in programs that step fused, in one pass, and a
// fused step gives the blocked interpreter's bits (and the scalar path's) over lengths that are no
// multiple of a block or of a SIMD register, in f32 and f64.
#include <cgp/optfile/optfile.hpp>
#include <cgp/optfile/program.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kExamples = CGP_EXAMPLES_DIR;
const fs::path kFiles = CGP_OPTFILE_TEST_FILES;

optfile::CompiledFile compile_file(const fs::path& path)
{
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return optfile::compile(optfile::parse_optimizer_file(path.string(), text.str()));
}

template <class T>
struct Arrays {
    std::vector<T> p, g;
    std::vector<std::vector<T>> state;
};

// `steps` steps of program over n elements from a fixed start, with a gradient that changes sign and
// is sometimes exactly 0 (sign(0) is 0).
template <class T>
Arrays<T> run(const optfile::CompiledFile& file, const optfile::Program& program, std::size_t n, bool scalar)
{
    Arrays<T> a;
    a.p.resize(n);
    a.g.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        a.p[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i) + 1.0));
    a.state.assign(program.state_count, std::vector<T>(n, T(0)));
    std::vector<T*> s;
    for (auto& v : a.state)
        s.push_back(v.data());
    std::vector<double> hp;
    for (const cgp_hparam& h : file.hparams)
        hp.push_back(h.default_value);
    for (std::uint64_t t = 1; t <= 20; ++t) {
        for (std::size_t i = 0; i < n; ++i)
            a.g[i] = i % 11 == 0 ? T(0) : a.p[i] - static_cast<T>(std::cos(0.11 * static_cast<double>(i + t)));
        optfile::run_step(program, scalar, hp.data(), t, n, a.p.data(), a.g.data(), s.data());
    }
    return a;
}

template <class T>
bool same_bits(const std::vector<T>& x, const std::vector<T>& y)
{
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(T)) == 0;
}

template <class T>
void fused_matches_interpreter(const fs::path& path)
{
    const optfile::CompiledFile file = compile_file(path);
    BOOST_REQUIRE(file.program.builtin >= 0);
    optfile::Program interpreted = file.program;
    interpreted.builtin = -1;
    // 512 floats or 256 doubles per block, 4 to 16 lanes: 1581 and 100003 end inside a block and a register.
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
