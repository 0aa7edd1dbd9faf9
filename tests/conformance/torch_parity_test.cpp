// cgp's plugins against trajectories recorded from torch.optim 1.13 (tests/data/torch, written by
// tools/record_torch_trajectories.py): each case is replayed through its plugin in f64, scalar and SIMD
// forms, and must match torch to 1e-12 relative at every recorded step; the f32 replay must stay finite
// and close. The gradient is the recorder's closed form of the parameters and the step. lbfgs steps with
// the host's closure of the recorder's loss (with its wave), and its iteration and evaluation counts
// (run state) must equal torch's state["n_iter"] and state["func_evals"].
#include "reference_optimizers.hpp"

#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/aligned.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <type_traits>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;
namespace data = boost::unit_test::data;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
const fs::path kTorchData = CGP_TORCH_DATA_DIR;
constexpr double kF64Tolerance = 1e-12;
constexpr double kF32Tolerance = 1e-3;
// Rprop moves by signs: once f32 rounding flips one near the optimum, the f32 run oscillates on its own
// path, within the step sizes of the f64 one.
constexpr double kF32SignTolerance = 2e-2;

std::vector<std::string> case_files()
{
    std::vector<std::string> files;
    for (const auto& entry : fs::directory_iterator(kTorchData))
        if (entry.path().extension() == ".json")
            files.push_back(entry.path().filename().string());
    std::sort(files.begin(), files.end());
    return files;
}

nlohmann::json read_case(const std::string& file)
{
    std::ifstream in(kTorchData / file);
    BOOST_TEST_REQUIRE(in.good(), "cannot read " << (kTorchData / file));
    return nlohmann::json::parse(in);
}

// The recorder's gradient: g_i = sigma h_i (p_i - c_i) + scale w_{t,i}, in double.
double gradient(double p, std::size_t i, std::uint64_t t, double sigma, double scale)
{
    const double h = 0.5 + 0.25 * static_cast<double>(i % 4);
    const double c = 0.5 * static_cast<double>((3 * i) % 7) - 1.5;
    const double w = static_cast<double>((7919 * t + 104729 * i) % 2003) / 2003.0 - 0.5;
    return sigma * h * (p - c) + scale * w;
}

// The recorder's closure loss and gradient (lbfgs): the gradient above with a wave a cos p_i, and
// f = sum_i sigma (h_i (p_i - c_i)^2 / 2 + a sin p_i) + scale w_{t,i} p_i, in index order, in double.
template <class T>
class CaseClosure final : public Closure {
public:
    CaseClosure(const nlohmann::json& c, std::size_t n)
        : n_(n), sigma_(c.at("sigma").get<double>()), scale_(c.at("scale").get<double>()), wave_(c.value("wave", 0.0)),
          point_(n), gradient_(n)
    {
    }
    void at_step(std::uint64_t t) noexcept { t_ = t; }
    void* point() noexcept override { return point_.data(); }
    const void* gradient() const noexcept override { return gradient_.data(); }
    double evaluate() override
    {
        ++evaluations;
        return loss_and_gradient(point_.data(), gradient_.data());
    }
    double loss_and_gradient(const T* x, T* g) const
    {
        double f = 0.0;
        for (std::size_t i = 0; i < n_; ++i) {
            const double p = static_cast<double>(x[i]);
            const double h = 0.5 + 0.25 * static_cast<double>(i % 4);
            const double c = 0.5 * static_cast<double>((3 * i) % 7) - 1.5;
            const double w = static_cast<double>((7919 * t_ + 104729 * i) % 2003) / 2003.0 - 0.5;
            g[i] = static_cast<T>(sigma_ * (h * (p - c) + wave_ * std::cos(p)) + scale_ * w);
            f += sigma_ * (h * (p - c) * (p - c) / 2 + wave_ * std::sin(p)) + scale_ * w * p;
        }
        return f;
    }
    std::uint64_t evaluations = 0;

private:
    std::size_t n_;
    double sigma_, scale_, wave_;
    std::uint64_t t_ = 1;
    AlignedArray<T> point_, gradient_;
};

// The plugin bound to the case's values (the plugin's defaults for the others).
PluginOptimizer bind(const nlohmann::json& c)
{
    auto plugin = Plugin::load(kPlugins / (c.at("plugin").get<std::string>() + ".so"));
    std::vector<double> hp = plugin->defaults();
    for (const auto& [name, value] : c.at("hparams").items()) {
        const int i = plugin->find_hparam(name);
        BOOST_TEST_REQUIRE(i >= 0, plugin->id() << " has no hyperparameter " << name);
        hp[static_cast<std::size_t>(i)] = value.get<double>();
    }
    return PluginOptimizer(plugin, hp);
}

// Largest |a - b| over the largest |b|.
double normwise(const std::vector<double>& got, const std::vector<double>& want)
{
    double diff = 0.0, size = 0.0;
    for (std::size_t i = 0; i < want.size(); ++i) {
        const double d = std::abs(got[i] - want[i]);
        diff = std::isnan(d) ? INFINITY : std::max(diff, d);
        size = std::max(size, std::abs(want[i]));
    }
    return size > 0.0 ? diff / size : diff;
}

// Replays one run of the case in precision T; returns the largest difference from torch over the
// recorded steps (parameters, and ASGD's average).
template <class T>
double replay(const nlohmann::json& c, const nlohmann::json& run, bool scalar)
{
    PluginOptimizer opt = bind(c);
    const std::size_t n = run.at("length").get<std::size_t>();
    const double sigma = c.at("sigma").get<double>(), scale = c.at("scale").get<double>();
    CaseClosure<T> closure(c, n);
    if (opt.needs_closure())
        opt.serve_closure(&closure);
    AlignedArray<T> p(n), g(n);
    std::vector<AlignedArray<T>> state;
    std::vector<T*> pointers;
    for (std::size_t k = 0; k < opt.state_count(); ++k)
        state.emplace_back(n);
    for (auto& s : state) {
        std::fill(s.data(), s.data() + n, T(0));
        pointers.push_back(s.data());
    }
    for (std::size_t i = 0; i < n; ++i)
        p[i] = static_cast<T>(0.25 * static_cast<double>(i % 11) - 1.0);
    double worst = 0.0;
    const auto& records = run.at("records");
    std::size_t next = 0;
    const std::uint64_t steps = c.at("steps").get<std::uint64_t>();
    for (std::uint64_t t = 1; t <= steps && next < records.size(); ++t) {
        if (opt.needs_closure()) {
            closure.at_step(t);
            opt.set_loss(closure.loss_and_gradient(p.data(), g.data()));
        } else {
            for (std::size_t i = 0; i < n; ++i)
                g[i] = static_cast<T>(gradient(static_cast<double>(p[i]), i, t, sigma, scale));
        }
        opt.step(t, p.span(), std::span<const T>(g.data(), n), std::span<T* const>(pointers), scalar);
        const auto& record = records[next];
        if (record.at("t").get<std::uint64_t>() != t)
            continue;
        ++next;
        const std::vector<double> got(p.data(), p.data() + n);
        for (double x : got)
            BOOST_TEST_REQUIRE(std::isfinite(x), "step " << t << ": a parameter is " << x);
        // L-BFGS's stopping rules (max|g| <= 1e-7, loss changes below 1e-9) lie below f32's resolution, so an
        // f32 run takes its own path after its first step: compared there, finite afterwards.
        if (!(record.contains("n_iter") && std::is_same_v<T, float> && t > 1))
            worst = std::max(worst, normwise(got, record.at("params").get<std::vector<double>>()));
        if (record.contains("average")) {
            const std::vector<double> average(state[0].data(), state[0].data() + n);
            worst = std::max(worst, normwise(average, record.at("average").get<std::vector<double>>()));
        }
        if (record.contains("n_iter") && std::is_same_v<T, double>) { // f32 takes a path of its own
            BOOST_TEST(opt.run_state()[0] == record.at("n_iter").get<double>(), "step " << t << ": iterations");
            BOOST_TEST(opt.run_state()[1] == record.at("func_evals").get<double>(), "step " << t << ": evaluations");
            BOOST_TEST(closure.evaluations + t == record.at("func_evals").get<std::uint64_t>(),
                       "step " << t << ": the host's closure calls and its own evaluation per step");
        }
    }
    opt.serve_closure(nullptr);
    BOOST_TEST(next == records.size(), "the replay reached " << next << " of " << records.size() << " records");
    return worst;
}

} // namespace

BOOST_AUTO_TEST_SUITE(torch_parity)

BOOST_AUTO_TEST_CASE(the_recorded_cases_cover_every_torch_optimizer_of_the_library)
{
    std::vector<std::string> plugins;
    for (const std::string& file : case_files())
        plugins.push_back(read_case(file).at("plugin").get<std::string>());
    for (const char* id : {"sgd", "sgdplus", "adam", "adamw", "adamax", "nadam", "radam", "rmsprop", "adadelta",
                           "rprop", "asgd", "lbfgs"})
        BOOST_TEST((std::count(plugins.begin(), plugins.end(), id) >= 2), id << " has fewer than two recorded cases");
}

BOOST_DATA_TEST_CASE(plugin_follows_the_torch_trajectory_to_1e_12_in_f64_and_closely_in_f32, data::make(case_files()),
                     file)
{
    const nlohmann::json c = read_case(file);
    if (c.at("runs").back().at("records").back().contains("n_iter")) // up to max_iter updates per step
        BOOST_TEST(c.at("runs").back().at("records").back().at("n_iter").get<int>() >= 1000);
    else
        BOOST_TEST(c.at("steps").get<int>() >= 1000);
    double worst_scalar = 0.0, worst_simd = 0.0, worst_f32 = 0.0;
    for (const auto& run : c.at("runs")) {
        BOOST_TEST_CONTEXT(file << ", length " << run.at("length"))
        {
            worst_scalar = std::max(worst_scalar, replay<double>(c, run, true));
            worst_simd = std::max(worst_simd, replay<double>(c, run, false));
            worst_f32 = std::max(worst_f32, replay<float>(c, run, false));
        }
    }
    BOOST_TEST_MESSAGE(file << ": largest relative difference from torch: f64 scalar " << worst_scalar << ", f64 SIMD "
                            << worst_simd << ", f32 " << worst_f32);
    BOOST_TEST(worst_scalar <= kF64Tolerance, file << ": f64 scalar form differs from torch by " << worst_scalar);
    BOOST_TEST(worst_simd <= kF64Tolerance, file << ": f64 SIMD form differs from torch by " << worst_simd);
    const double f32_tolerance = c.at("plugin") == "rprop" ? kF32SignTolerance : kF32Tolerance;
    BOOST_TEST(worst_f32 <= f32_tolerance, file << ": f32 differs from torch's f64 trajectory by " << worst_f32);
}

BOOST_AUTO_TEST_CASE(nadam_running_product_of_the_reference_matches_torchs)
{
    for (const std::string& file : case_files()) {
        const nlohmann::json c = read_case(file);
        if (c.at("plugin") != "nadam")
            continue;
        const double b1 = c.at("hparams").value("beta1", 0.9), psi = c.at("hparams").value("momentum_decay", 4e-3);
        for (const auto& record : c.at("runs")[0].at("records")) {
            const double torch = record.at("mu_product").get<double>();
            const double ours = reference::nadam_mu_product(b1, psi, record.at("t").get<std::uint64_t>());
            BOOST_TEST(std::abs(ours - torch) <= 1e-15 * torch, file << " t = " << record.at("t"));
        }
    }
}

// The plugin's closed-form mu_product against the reference's running product, through one step from
// a given state at large t (up to 2^40, where the plugin's series still ends within its bound): the
// parameter's move must agree to 1e-12 relative.
BOOST_AUTO_TEST_CASE(nadam_closed_form_momentum_product_matches_the_running_product_at_large_t)
{
    const auto plugin = Plugin::load(kPlugins / "nadam.so");
    for (const double b1 : {0.9, 0.999})
        for (const double psi : {0.0, 4e-3, 1.0, 30.0}) {
            std::vector<double> hp = plugin->defaults();
            hp[static_cast<std::size_t>(plugin->find_hparam("beta1"))] = b1;
            hp[static_cast<std::size_t>(plugin->find_hparam("momentum_decay"))] = psi;
            PluginOptimizer opt(plugin, hp);
            reference::HyperParams named;
            for (std::size_t i = 0; i < hp.size(); ++i)
                named[plugin->hparams()[i].name] = hp[i];
            for (const std::uint64_t t :
                 {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{7}, std::uint64_t{100}, std::uint64_t{1000},
                  std::uint64_t{5000}, std::uint64_t{20000}, std::uint64_t{1000000}, std::uint64_t{1} << 40}) {
                constexpr std::size_t n = 9;
                AlignedArray<double> p(n), g(n), m(n), v(n);
                for (std::size_t i = 0; i < n; ++i) {
                    p[i] = 0.0; // the move itself, not rounded into a parameter
                    g[i] = 0.05 * static_cast<double>(i) - 0.2;
                    m[i] = 0.02 * static_cast<double>(i) - 0.1;
                    v[i] = 0.01 + 0.003 * static_cast<double>(i);
                }
                std::vector<double> rp(p.data(), p.data() + n), rm(m.data(), m.data() + n), rv(v.data(), v.data() + n);
                const std::vector<double> start = rp, rg(g.data(), g.data() + n);
                double* pointers[] = {m.data(), v.data()};
                opt.step(t, p.span(), std::span<const double>(g.data(), n), std::span<double* const>(pointers), true);
                const std::vector<std::span<double>> spans = {rm, rv};
                reference::find_algorithm("nadam")->step(named, t, rp, rg, spans);
                std::vector<double> ours(n), want(n);
                for (std::size_t i = 0; i < n; ++i) {
                    ours[i] = p[i] - start[i];
                    want[i] = rp[i] - start[i];
                }
                const double err = normwise(ours, want);
                BOOST_TEST(err <= 1e-12, "beta1 " << b1 << ", momentum_decay " << psi << ", t " << t
                                                  << ": the moves differ by " << err << " relative");
            }
        }
}

BOOST_AUTO_TEST_SUITE_END()
