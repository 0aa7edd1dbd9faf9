// Optimizer files step bit for bit like the plugins written with the same operations in the same
// order: the shipped examples against cgp's adam, adamw, lion, rmsprop and adagrad plugins (and adam
// with amsgrad), adabelief.opt against AdaBelief written out, and twin files against test plugins
// that use every function; on the SIMD path and the scalar one, in f32 and f64, over lengths with
// several blocks and a tail.
#include <cgp/host/plugin.hpp>
#include <cgp/io/error.hpp>
#include <cgp/optfile/descriptor.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
const fs::path kTestPlugins = CGP_TEST_PLUGIN_DIR;
const fs::path kExamples = CGP_EXAMPLES_DIR;
const fs::path kFiles = CGP_OPTFILE_TEST_FILES;

// Values in schema order: the defaults, with `values` set by name (names the plugin lacks are skipped).
std::vector<double> hparams(const Plugin& p, const std::map<std::string, double>& values)
{
    std::vector<double> v = p.defaults();
    for (const auto& [name, value] : values)
        if (const int i = p.find_hparam(name); i >= 0)
            v[static_cast<std::size_t>(i)] = value;
    return v;
}

template <class T>
struct Run {
    std::vector<T> p;
    std::vector<std::vector<T>> state;
};

// `steps` steps of plugin on a noisy quadratic from a fixed start; returns parameters and state.
template <class T>
Run<T> trajectory(const Plugin& plugin, const std::vector<double>& hp, std::size_t n, int steps, bool scalar)
{
    Run<T> r;
    const std::size_t padded = (n + 15) / 16 * 16;
    r.p.assign(padded, T(0));
    for (std::size_t i = 0; i < n; ++i)
        r.p[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i) + 1.0));
    r.state.assign(plugin.state_count(hp), std::vector<T>(padded, T(0)));
    std::vector<T> g(padded, T(0));
    std::vector<T*> s;
    for (auto& a : r.state)
        s.push_back(a.data());
    for (int t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < n; ++i) // gradient of sum (p - c_i)^2 / 2, plus a signed wobble
            g[i] = r.p[i] - static_cast<T>(std::cos(0.11 * static_cast<double>(i))) +
                   static_cast<T>(0.3 * std::sin(1.7 * static_cast<double>(i + static_cast<std::size_t>(t) * 31)));
        cgp_step_args args{};
        args.struct_size = sizeof args;
        args.flags = scalar ? CGP_STEP_SCALAR : 0u;
        args.step = static_cast<std::uint64_t>(t);
        args.count = n;
        args.hparams = hp.data();
        char msg[256] = {0};
        int status = 0;
        if constexpr (sizeof(T) == 4)
            status = plugin.descriptor().step_f32(&args, r.p.data(), g.data(), s.data(), msg, sizeof msg);
        else
            status = plugin.descriptor().step_f64(&args, r.p.data(), g.data(), s.data(), msg, sizeof msg);
        BOOST_REQUIRE_MESSAGE(status == CGP_OK, msg);
    }
    return r;
}

template <class T>
bool bitwise_equal(const std::vector<T>& a, const std::vector<T>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

template <class T>
void check_equal(const Run<T>& file, const Run<T>& plugin, const std::string& what)
{
    BOOST_TEST_INFO(what);
    BOOST_TEST(bitwise_equal(file.p, plugin.p));
    BOOST_REQUIRE_EQUAL(file.state.size(), plugin.state.size());
    for (std::size_t k = 0; k < file.state.size(); ++k)
        BOOST_TEST(bitwise_equal(file.state[k], plugin.state[k]), what << ": state " << k);
}

// The file and the plugin, at the same hyperparameter values, agree bit for bit. plugin_scalar: the
// plugin's scalar form is the reference for every path of the file (its SIMD form uses other exp/log).
template <class T>
void same_trajectory(const fs::path& file_path, const fs::path& plugin_path, const std::map<std::string, double>& hp,
                     bool plugin_scalar = false)
{
    const auto file = Plugin::load(file_path);
    const auto plugin = Plugin::load(plugin_path);
    const std::vector<double> fh = hparams(*file, hp), ph = hparams(*plugin, hp);
    for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{1037}})
        for (const bool scalar : {false, true}) {
            const std::string what = file_path.filename().string() + " vs " + plugin_path.filename().string() +
                                     ", n = " + std::to_string(n) + (scalar ? ", scalar" : ", simd") +
                                     (sizeof(T) == 4 ? ", f32" : ", f64");
            check_equal(trajectory<T>(*file, fh, n, 25, scalar),
                        trajectory<T>(*plugin, ph, n, 25, plugin_scalar || scalar), what);
        }
}

template <class T>
void examples_match_plugins()
{
    const std::map<std::string, double> adam_hp{{"lr", 0.01}, {"beta1", 0.8}, {"beta2", 0.99}, {"eps", 1e-6}};
    std::map<std::string, double> handout = adam_hp;
    handout["eps_inside_sqrt"] = 1.0;
    same_trajectory<T>(kExamples / "adam-handout.opt", kPlugins / "adam.so", handout);
    same_trajectory<T>(kExamples / "adam.opt", kPlugins / "adam.so", adam_hp);
    std::map<std::string, double> adamw_hp = adam_hp;
    adamw_hp["weight_decay"] = 0.05;
    same_trajectory<T>(kExamples / "adamw.opt", kPlugins / "adamw.so", adamw_hp);
    same_trajectory<T>(kExamples / "lion.opt", kPlugins / "lion.so",
                       {{"lr", 0.003}, {"beta1", 0.8}, {"beta2", 0.95}, {"weight_decay", 0.1}});
}

// The files that are no built-in program: rmsprop, adagrad and AMSGrad against the plugins' options.
template <class T>
void general_examples_match_plugins()
{
    same_trajectory<T>(kExamples / "rmsprop.opt", kPlugins / "rmsprop.so",
                       {{"lr", 0.01}, {"alpha", 0.9}, {"eps", 1e-6}});
    same_trajectory<T>(kExamples / "adagrad.opt", kPlugins / "adagrad.so",
                       {{"lr", 0.05}, {"lr_decay", 0.01}, {"weight_decay", 0.1}, {"eps", 1e-6}});
    same_trajectory<T>(kExamples / "amsgrad.opt", kPlugins / "adam.so",
                       {{"lr", 0.01}, {"beta1", 0.8}, {"beta2", 0.99}, {"eps", 1e-6}, {"amsgrad", 1.0}});
}

// AdaBelief as its authors' code computes it, written out in T with the per-step values in double.
template <class T>
Run<T> adabelief_reference(std::size_t n, int steps, double lr, double b1, double b2, double eps)
{
    Run<T> r;
    const std::size_t padded = (n + 15) / 16 * 16;
    r.p.assign(padded, T(0));
    for (std::size_t i = 0; i < n; ++i)
        r.p[i] = static_cast<T>(std::sin(0.37 * static_cast<double>(i) + 1.0));
    r.state.assign(2, std::vector<T>(padded, T(0)));
    for (int t = 1; t <= steps; ++t) {
        const double bc1 = 1 - std::pow(b1, t), bc2 = 1 - std::pow(b2, t);
        const T step = static_cast<T>(-lr / bc1), root_bc2 = static_cast<T>(std::sqrt(bc2));
        for (std::size_t i = 0; i < n; ++i) {
            const T g = r.p[i] - static_cast<T>(std::cos(0.11 * static_cast<double>(i))) +
                        static_cast<T>(0.3 * std::sin(1.7 * static_cast<double>(i + static_cast<std::size_t>(t) * 31)));
            T& m = r.state[0][i];
            T& s = r.state[1][i];
            m = m * static_cast<T>(b1) + static_cast<T>(1 - b1) * g;
            s = s * static_cast<T>(b2) + static_cast<T>(1 - b2) * (g - m) * (g - m) + static_cast<T>(eps);
            r.p[i] = r.p[i] + step * m / (std::sqrt(s) / root_bc2 + static_cast<T>(eps));
        }
    }
    return r;
}

template <class T>
void adabelief_matches_its_reference()
{
    const auto file = Plugin::load(kExamples / "adabelief.opt");
    const std::vector<double> hp = hparams(*file, {{"lr", 0.01}, {"beta1", 0.8}, {"beta2", 0.99}, {"eps", 1e-12}});
    for (const std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{1037}})
        for (const bool scalar : {false, true})
            check_equal(trajectory<T>(*file, hp, n, 25, scalar), adabelief_reference<T>(n, 25, 0.01, 0.8, 0.99, 1e-12),
                        "adabelief.opt, n = " + std::to_string(n) + (scalar ? ", scalar" : ", simd") +
                            (sizeof(T) == 4 ? ", f32" : ", f64"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(optfile_trajectories)

BOOST_AUTO_TEST_CASE(rmsprop_adagrad_and_amsgrad_files_step_bit_for_bit_like_the_plugins_options_in_f32)
{
    general_examples_match_plugins<float>();
}

BOOST_AUTO_TEST_CASE(rmsprop_adagrad_and_amsgrad_files_step_bit_for_bit_like_the_plugins_options_in_f64)
{
    general_examples_match_plugins<double>();
}

BOOST_AUTO_TEST_CASE(the_adabelief_file_steps_bit_for_bit_like_adabelief_written_out)
{
    adabelief_matches_its_reference<float>();
    adabelief_matches_its_reference<double>();
}

BOOST_AUTO_TEST_CASE(the_examples_step_bit_for_bit_like_the_adam_adamw_and_lion_plugins_in_f32)
{
    examples_match_plugins<float>();
}

BOOST_AUTO_TEST_CASE(the_examples_step_bit_for_bit_like_the_adam_adamw_and_lion_plugins_in_f64)
{
    examples_match_plugins<double>();
}

BOOST_AUTO_TEST_CASE(every_exact_operation_steps_bit_for_bit_like_a_plugin_written_the_same_way)
{
    const std::map<std::string, double> hp{{"lr", 0.05}, {"beta", 0.7}, {"lo", -0.4}, {"hi", 0.3}};
    same_trajectory<float>(kFiles / "twin.opt", kTestPlugins / "optfile_twin_exact.so", hp);
    same_trajectory<double>(kFiles / "twin.opt", kTestPlugins / "optfile_twin_exact.so", hp);
}

BOOST_AUTO_TEST_CASE(exp_log_tanh_and_pow_step_on_every_path_like_the_c_library)
{
    const std::map<std::string, double> hp{{"lr", 0.02}};
    same_trajectory<float>(kFiles / "twin-libm.opt", kTestPlugins / "optfile_twin_libm.so", hp, true);
    same_trajectory<double>(kFiles / "twin-libm.opt", kTestPlugins / "optfile_twin_libm.so", hp, true);
}

BOOST_AUTO_TEST_CASE(a_file_presents_its_declarations_as_a_plugin_descriptor)
{
    const auto p = Plugin::load(kExamples / "adam-handout.opt");
    BOOST_TEST(p->id() == "adam-handout");
    BOOST_TEST(p->summary() == "Adam with eps inside the square root (the course handout's form)");
    BOOST_TEST(p->algorithm() == "");
    BOOST_REQUIRE_EQUAL(p->hparams().size(), 4u);
    BOOST_TEST(p->hparams()[1].name == "beta1");
    BOOST_TEST(p->hparams()[1].help == "decay of the first moment m");
    BOOST_TEST(p->hparams()[1].range_text() == "[0, 1)");
    BOOST_TEST(p->defaults() == (std::vector<double>{1e-3, 0.9, 0.999, 1e-8}), boost::test_tools::per_element());
    BOOST_TEST(p->state_count(p->defaults()) == 2u);
    BOOST_TEST(Plugin::load(kExamples / "lion.opt")->algorithm() == "lion");
    BOOST_TEST(p->simd_path(true) == "scalar");
    BOOST_CHECK_THROW(p->validate(std::vector<double>{1e-3, 1.0, 0.999, 1e-8}), Error); // beta1 = 1 is outside [0, 1)
}

BOOST_AUTO_TEST_CASE(per_step_constants_are_computed_in_double_and_rounded_once)
{
    // 1 - 0.999^t in float arithmetic would lose most digits; the file's constant is the double
    // value rounded once, so p moves by exactly float(lr / (1 - beta^t)) * g.
    const auto p = optfile::descriptor_from_text("c.opt", "name c\nhparam beta = 0.999 in [0, 1)\n"
                                                          "p = p - (1/(1 - beta^t))*g\n");
    const double hp[] = {0.999};
    float param = 0.0f, grad = 1.0f;
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.step = 3;
    args.count = 1;
    args.hparams = hp;
    char msg[64];
    BOOST_REQUIRE(p->step_f32(&args, &param, &grad, nullptr, msg, sizeof msg) == CGP_OK);
    BOOST_TEST(param == -static_cast<float>(1.0 / (1.0 - std::pow(0.999, 3.0))));
}

BOOST_AUTO_TEST_SUITE_END()
