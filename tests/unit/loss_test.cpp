// The losses of the table of losses (cgp/language/ops.hpp): gradients against central differences on
// every SIMD path, values and gradients against PyTorch's (recorded in tests/data/losses by
// tools/record_torch_losses.py), stability at large logits, and the fit of a loss to the outputs.
#include "test_models.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace cgp;

namespace {

// Targets each loss expects: one-hot classes (cross-entropy), 0/1 (bce), real values (the others).
template <class T>
void fill_targets(Tape<T>& tape, Loss loss, std::uint64_t seed)
{
    Rng rng(seed);
    const std::size_t O = tape.output_count();
    for (std::size_t b = 0; b < tape.batch_size(); ++b) {
        const std::size_t cls = rng.below(O);
        for (std::size_t o = 0; o < O; ++o) {
            T& t = tape.target(o)[b];
            if (loss == Loss::CrossEntropy)
                t = o == cls ? T(1) : T(0);
            else if (loss == Loss::Bce)
                t = rng.coin() ? T(1) : T(0);
            else
                t = static_cast<T>(rng.uniform(-2.0, 2.0));
        }
    }
}

Graph three_outputs()
{
    return build_graph(layered_model({3, 5, 3}, Activation::Tanh));
}

} // namespace

BOOST_AUTO_TEST_SUITE(losses)

BOOST_AUTO_TEST_CASE(every_loss_gradient_matches_central_differences_on_every_path)
{
    const Graph g = three_outputs();
    for (std::size_t l = 0; l < kLossCount; ++l) {
        const Loss loss = static_cast<Loss>(l);
        for (SimdPath path : {SimdPath::Scalar, SimdPath::Auto}) {
            Tape<double> tape(g, 37, path, loss); // 37: a partial last vector, padding lanes masked
            test::fill_random(tape, 11 + l, -1.5, 1.5, -1.0, 1.0);
            fill_targets(tape, loss, 5 + l);
            tape.forward_backward();
            const std::vector<double> grads(tape.grads().begin(), tape.grads().end());
            for (std::size_t i = 0; i < grads.size(); ++i) {
                const double fd = test::central_difference(tape, i);
                BOOST_TEST(std::abs(grads[i] - fd) <= 1e-6 * std::max(std::abs(grads[i]), std::abs(fd)) + 1e-9,
                           fmt::format("{} [{}]: d/d{} reverse {:.12g} finite-difference {:.12g}", to_string(loss),
                                       to_string(tape.simd_path()), g.params[i], grads[i], fd));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(loss_values_and_gradients_match_pytorch_recorded)
{
    std::ifstream in(CGP_TEST_DATA_DIR "/losses/torch_losses.json");
    BOOST_REQUIRE(in);
    const nlohmann::json file = nlohmann::json::parse(in);
    BOOST_REQUIRE(file["cases"].size() >= 10);
    for (const auto& c : file["cases"]) {
        const auto& x = c["x"];
        const std::size_t B = x.size(), O = x[0].size();
        std::vector<std::string> statements;
        for (std::size_t o = 0; o < O; ++o)
            statements.push_back(fmt::format("xy{} = a{}*xi{}", o, o, o));
        const Graph g = test::graph_of(statements);
        for (SimdPath path : {SimdPath::Scalar, SimdPath::Auto}) {
            Tape<double> tape(g, B, path, parse_loss(c["loss"].get<std::string>()));
            for (std::size_t o = 0; o < O; ++o) {
                tape.params()[o] = 1.0; // a0, a1, ... in order of first use
                for (std::size_t b = 0; b < B; ++b) {
                    tape.input(o)[b] = x[b][o].get<double>();
                    tape.target(o)[b] = c["t"][b][o].get<double>();
                }
            }
            const double value = tape.forward_backward();
            const double expected = c["value"].get<double>();
            const std::string what = fmt::format("{} [{}]", c["name"].get<std::string>(), to_string(tape.simd_path()));
            BOOST_TEST(std::isfinite(value), what);
            BOOST_TEST(std::abs(value - expected) <= 1e-12 * std::max(1.0, std::abs(expected)),
                       fmt::format("{}: cgp {:.17g} torch {:.17g}", what, value, expected));
            for (std::size_t o = 0; o < O; ++o) {
                const double ge = c["grad"][o].get<double>();
                BOOST_TEST(std::abs(tape.grads()[o] - ge) <= 1e-11 * std::max(1.0, std::abs(ge)),
                           fmt::format("{}: dL/da{} cgp {:.17g} torch {:.17g}", what, o, tape.grads()[o], ge));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(f32_losses_stay_finite_at_huge_logits)
{
    const Graph g = test::graph_of({"xy0 = a0*xi0", "xy1 = a1*xi1"});
    for (Loss loss : {Loss::Bce, Loss::CrossEntropy}) {
        Tape<float> tape(g, 20, SimdPath::Auto, loss);
        for (std::size_t o = 0; o < 2; ++o) {
            tape.params()[o] = 1.0f;
            for (std::size_t b = 0; b < 20; ++b) {
                tape.input(o)[b] = (o == 0 ? 1.0f : -1.0f) * 500.0f;
                tape.target(o)[b] = o == 1 ? 1.0f : 0.0f; // the wrong class, by a margin of 1000
            }
        }
        const double value = tape.forward_backward();
        BOOST_TEST(std::isfinite(value), to_string(loss));
        BOOST_TEST(value == (loss == Loss::Bce ? 1000.0 : 1000.0), to_string(loss));
        for (float gr : tape.grads())
            BOOST_TEST(std::isfinite(gr), to_string(loss));
    }
}

BOOST_AUTO_TEST_CASE(cross_entropy_refuses_a_single_output)
{
    const Graph g = test::graph_of({"xy = a*xi"});
    BOOST_CHECK_EXCEPTION(Tape<double>(g, 4, SimdPath::Scalar, Loss::CrossEntropy), Error, [](const Error& e) {
        return std::string(e.what()).find("--loss cross-entropy needs at least 2 outputs") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(a_loss_with_a_link_takes_the_logits_of_a_layered_model)
{
    const ModelSpec bce = fit_loss(layered_model({4, 8, 1}), Loss::Bce);
    BOOST_TEST((bce.output_link == Link::Sigmoid));
    const Graph g = build_graph(bce);
    BOOST_TEST(g.definitions.back().activation.is_none()); // the output's sigmoid left to the loss
    BOOST_TEST((g.definitions.front().activation == Activation::Sigmoid));
    const ModelSpec ce = fit_loss(layered_model({4, 8, 3}, Activation::Relu), Loss::CrossEntropy);
    BOOST_TEST((ce.output_link == Link::Softmax));
    BOOST_TEST((fit_loss(layered_model({4, 8, 1}), Loss::Mse).output_link == Link::None));
}

BOOST_AUTO_TEST_CASE(a_loss_that_does_not_fit_the_outputs_is_refused)
{
    const auto refused = [](ModelSpec spec, Loss loss, const std::string& part) {
        try {
            fit_loss(std::move(spec), loss);
        } catch (const Error& e) {
            BOOST_TEST(std::string(e.what()).find(part) != std::string::npos, e.what());
            return;
        }
        BOOST_FAIL("accepted: " + part);
    };
    ModelSpec softmax = layered_model({4, 8, 3});
    softmax.output_activation = Activation::None;
    softmax.output_link = Link::Softmax;
    refused(softmax, Loss::Bce, "--loss bce does not fit softmax outputs");
    refused(softmax, Loss::Mse, "--loss mse does not fit softmax outputs");
    ModelSpec relu_out = layered_model({4, 8, 1});
    relu_out.output_activation = Activation::Relu;
    refused(relu_out, Loss::Bce, "end in relu");
    refused(preset_model("multi-neuron"), Loss::CrossEntropy, "end in sigmoid");
}

BOOST_AUTO_TEST_SUITE_END()
