// Initial values (--init, --init-bias, --init-params, --set): the cgp scheme is CGP's uniform(0,1) in
// parameter order; the fan-based schemes keep their bounds and variances, and give each parameter its
// value by name whatever the flat parameter order; files and --set replace values by name.
#include "test_models.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/init.hpp>
#include <cgp/training/transforms.hpp>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>

using namespace cgp;

using cgp::test::error_of;

namespace {

InitSettings scheme(const char* text)
{
    InitSettings s;
    parse_init(text, s);
    return s;
}

struct TempFile {
    std::filesystem::path path;
    TempFile(const std::string& name, const std::string& text)
        : path(std::filesystem::temp_directory_path() / ("cgp_init_test_" + name))
    {
        std::ofstream(path) << text;
    }
    ~TempFile() { std::filesystem::remove(path); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(initialisation)

BOOST_AUTO_TEST_CASE(cgp_scheme_is_uniform_0_1_in_parameter_order)
{
    const Graph g = build_graph(preset_model("multi-neuron"));
    const std::vector<double> v = initial_values(g, scheme("cgp"), 42);
    Rng rng(42);
    for (double x : v)
        BOOST_TEST(x == rng.uniform());
    BOOST_TEST((resolve_init(InitScheme::Auto, preset_model("multi-neuron")) == InitScheme::Cgp)); // CGP's start
    BOOST_TEST((resolve_init(InitScheme::Auto, layered_model({4, 2, 1})) == InitScheme::XavierUniform));
    BOOST_TEST((resolve_init(InitScheme::Auto, layered_model({4, 2, 1}, Activation::Relu)) == InitScheme::HeUniform));
}

BOOST_AUTO_TEST_CASE(fan_based_schemes_keep_their_bounds_and_zero_biases)
{
    const Graph g = build_graph(layered_model({64, 256, 10}));
    const std::vector<bool> bias = bias_mask(g);
    const struct {
        const char* name;
        double layer1, layer2; // bound (uniform) or standard deviation (normal) of each layer's weights
        bool normal;
    } cases[] = {
        {"xavier-uniform", std::sqrt(6.0 / 320), std::sqrt(6.0 / 266), false},
        {"he-uniform", std::sqrt(6.0 / 64), std::sqrt(6.0 / 256), false},
        {"pytorch", 1 / std::sqrt(64.0), 1 / std::sqrt(256.0), false},
        {"xavier-normal", std::sqrt(2.0 / 320), std::sqrt(2.0 / 266), true},
        {"he-normal", std::sqrt(2.0 / 64), std::sqrt(2.0 / 256), true},
    };
    for (const auto& c : cases) {
        const std::vector<double> v = initial_values(g, scheme(c.name), 7);
        double sq[2] = {0, 0};
        std::size_t n[2] = {0, 0};
        for (std::size_t i = 0; i < v.size(); ++i) {
            const int layer = g.params[i][1] == '1' ? 0 : 1; // w1_..., w2_..., x1_k.bias, x2_k.bias
            const bool is_bias = bias[i];
            const double bound = layer == 0 ? c.layer1 : c.layer2;
            if (is_bias && std::string(c.name) != "pytorch") {
                BOOST_TEST(v[i] == 0.0, c.name);
                continue;
            }
            if (is_bias) {
                BOOST_TEST(std::abs(v[i]) <= (g.params[i][1] == '1' ? c.layer1 : c.layer2), c.name);
                continue;
            }
            if (!c.normal)
                BOOST_TEST(std::abs(v[i]) <= bound, c.name);
            sq[layer] += v[i] * v[i];
            ++n[layer];
        }
        for (int l = 0; l < 2; ++l) {
            const double bound = l == 0 ? c.layer1 : c.layer2;
            const double expected = c.normal ? bound : bound / std::sqrt(3.0); // sd of uniform(-a, a)
            const double sd = std::sqrt(sq[l] / static_cast<double>(n[l]));
            BOOST_TEST(std::abs(sd / expected - 1) < 0.05, c.name << " layer " << l + 1 << " sd " << sd);
        }
    }
}

BOOST_AUTO_TEST_CASE(values_go_by_name_in_the_documented_order)
{
    // Layered models: layer 1's weights (row-major [out][in], by name), layer 1's biases, then layer
    // 2's; the expected values are drawn here by name, so the check holds whatever the flat order.
    const Graph g = build_graph(layered_model({3, 2, 2}));
    const std::vector<double> v = initial_values(g, scheme("pytorch"), 9);
    std::map<std::string, double> by_name;
    for (std::size_t i = 0; i < v.size(); ++i)
        by_name[g.params[i]] = v[i];
    Rng rng(9);
    const int sizes[] = {3, 2, 2};
    for (int l = 1; l <= 2; ++l) {
        const double a = 1 / std::sqrt(static_cast<double>(sizes[l - 1]));
        for (int k = 0; k < sizes[l]; ++k)
            for (int j = 0; j < sizes[l - 1]; ++j) {
                const std::string name = fmt::format("w{}_{}_{}", l, k, j);
                BOOST_TEST(by_name.at(name) == rng.uniform(-a, a), name);
            }
        for (int k = 0; k < sizes[l]; ++k) {
            const std::string name = fmt::format("x{}_{}.bias", l, k);
            BOOST_TEST(by_name.at(name) == rng.uniform(-a, a), name);
        }
    }
    // Any other model: variables in statement order, each one's weights (in the order its statement
    // writes them) before its bias.
    const Graph e = test::graph_of({"xh = a*xa + b*xb", "xy = c*xh"}, Activation::Tanh, true);
    const std::vector<double> ve = initial_values(e, scheme("pytorch"), 4);
    std::map<std::string, double> e_name;
    for (std::size_t i = 0; i < ve.size(); ++i)
        e_name[e.params[i]] = ve[i];
    Rng r2(4);
    const double ah = 1 / std::sqrt(2.0), ay = 1.0;
    BOOST_TEST(e_name.at("a") == r2.uniform(-ah, ah));
    BOOST_TEST(e_name.at("b") == r2.uniform(-ah, ah));
    BOOST_TEST(e_name.at("xh.bias") == r2.uniform(-ah, ah));
    BOOST_TEST(e_name.at("c") == r2.uniform(-ay, ay));
    BOOST_TEST(e_name.at("xy.bias") == r2.uniform(-ay, ay));
}

BOOST_AUTO_TEST_CASE(init_bias_zeros_and_given_distributions)
{
    const Graph g = build_graph(layered_model({4, 3, 1}));
    InitSettings s = scheme("uniform:-0.25,0.25");
    s.zero_bias = true;
    const std::vector<double> v = initial_values(g, s, 1);
    const std::vector<bool> bias = bias_mask(g);
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (bias[i])
            BOOST_TEST(v[i] == 0.0);
        else
            BOOST_TEST((v[i] >= -0.25 && v[i] < 0.25));
    }
    BOOST_TEST(to_string(scheme("normal:0,0.01")) == "normal:0,0.01");
    BOOST_TEST(error_of([] { scheme("glorot"); }).find("unknown --init 'glorot'") != std::string::npos);
    BOOST_TEST(error_of([] { scheme("uniform:1,0"); }).find("needs LO < HI") != std::string::npos);
    BOOST_TEST(error_of([] { scheme("pytorch:1,2"); }).find("takes no numbers") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(init_params_and_set_replace_values_by_name)
{
    const Graph g = build_graph(preset_model("one-neuron"));
    BOOST_REQUIRE(g.params.size() >= 2);
    std::string json = "{\"parameters\": {";
    std::string csv = "name,value\n";
    for (std::size_t i = 0; i < g.params.size(); ++i) {
        json += fmt::format("{}\"{}\": {}", i ? ", " : "", g.params[i], 0.5 + static_cast<double>(i));
        csv += fmt::format("{},{}\n", g.params[i], 0.5 + static_cast<double>(i));
    }
    json += "}}";
    const TempFile jf("p.json", json), cf("p.csv", csv);
    for (const TempFile* f : {&jf, &cf}) {
        InitSettings s;
        s.params_file = f->path.string();
        s.set = {{g.params[1], -3.0}};
        const std::vector<double> v = initial_values(g, s, 0);
        BOOST_TEST(v[0] == 0.5);
        BOOST_TEST(v[1] == -3.0);
    }
    const TempFile extra("extra.csv", csv + "nosuch,1\n");
    InitSettings s;
    s.params_file = extra.path.string();
    BOOST_TEST(error_of([&] { initial_values(g, s, 0); }).find("the model has no parameter 'nosuch'") !=
               std::string::npos);
    const TempFile missing("missing.csv", fmt::format("{},1\n", g.params[0]));
    s.params_file = missing.path.string();
    BOOST_TEST(error_of([&] {
                   initial_values(g, s, 0);
               }).find(fmt::format("gives no value for the model's parameter '{}'", g.params[1])) != std::string::npos);
    InitSettings set_unknown;
    set_unknown.set = {{"zz", 1.0}};
    BOOST_TEST(error_of([&] { initial_values(g, set_unknown, 0); }).find("--set zz: the model has no parameter 'zz'") !=
               std::string::npos);
    BOOST_TEST(error_of([] { parse_set("wa"); }).find("write NAME=VALUE") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
