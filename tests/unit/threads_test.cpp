// Threads in one run: wide dense layers split across threads give bitwise the results of one thread
// (loss, gradients, trained parameters, checkpoints resumed on another thread count), and the split
// layers' gradients match central finite differences.
#include "test_models.hpp"

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/tape/threads.hpp>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <vector>

using namespace cgp;

namespace {

// K = 8 (the dot-product weight gradient), K = 300 (the transposed one), M = 2 (its forward pass too
// narrow to split, its input gradient split by columns).
const std::vector<int> kShape = {8, 300, 40, 2};

template <class T>
struct Pass {
    double loss;
    std::vector<T> grads;
    std::vector<T> outputs;
};

template <class T>
Pass<T> pass(const Graph& g, std::size_t batch, SimdPath path, unsigned threads)
{
    Tape<T> tape(g, batch, path);
    tape.set_threads(threads, 0); // every layer, however small
    if (threads > 1 && threads_supported())
        BOOST_TEST(tape.stats().threaded_layers == 3u);
    test::fill_random(tape, 7);
    Pass<T> p;
    p.loss = tape.forward_backward();
    p.grads.assign(tape.grads().begin(), tape.grads().end());
    for (std::size_t o = 0; o < tape.output_count(); ++o)
        p.outputs.insert(p.outputs.end(), tape.output(o), tape.output(o) + batch);
    return p;
}

template <class T>
void check_thread_counts(SimdPath path)
{
    const Graph g = build_graph(layered_model(kShape));
    for (std::size_t batch : {61u, 64u, 200u}) {
        const Pass<T> one = pass<T>(g, batch, path, 1);
        for (unsigned threads : {2u, 3u}) {
            const Pass<T> many = pass<T>(g, batch, path, threads);
            BOOST_TEST_CONTEXT(fmt::format("{} batch {} on {} threads", to_string(path), batch, threads))
            {
                BOOST_TEST(many.loss == one.loss);
                BOOST_TEST(many.outputs == one.outputs);
                BOOST_TEST(many.grads == one.grads);
            }
        }
    }
}

const char* const kDigits = CGP_EXAMPLE_DATA_DIR "/digits.csv";

std::unique_ptr<Experiment> digits_run(unsigned threads, std::uint64_t iterations, Dtype dtype = Dtype::F32)
{
    ModelChoice model;
    model.layers = {64, 256, 128, 1}; // two layers of at least kMinThreadedWork at batch 64
    DataChoice data;
    data.source = kDigits;
    data.labels = {"digit"};
    data.standardize = true;
    RunSettings s;
    s.iterations = iterations;
    s.batch_size = 64;
    s.dtype = dtype;
    s.threads = threads;
    s.train.log_every = 10;
    const auto plugin = Plugin::load(std::filesystem::path(CGP_PLUGIN_DIR) / "adam.so");
    std::vector<double> hp = plugin->defaults();
    hp[0] = 0.01;
    return std::make_unique<Experiment>(make_model(model), data, plugin, hp, s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(threads)

BOOST_AUTO_TEST_CASE(dense_layers_give_bitwise_the_same_pass_on_one_two_and_three_threads)
{
    for (SimdPath path : {SimdPath::Scalar, SimdPath::Auto}) {
        check_thread_counts<float>(path);
        check_thread_counts<double>(path);
    }
}

BOOST_AUTO_TEST_CASE(a_layer_splits_from_the_measured_work_a_pass_and_never_on_one_thread)
{
    // 256 outputs x 64 inputs: 64 padded samples are exactly kMinThreadedWork, 48 are below.
    const Graph g = build_graph(layered_model({64, 256}));
    static_assert(256u * 64u * 64u == kMinThreadedWork);
    Tape<float> at(g, 64), below(g, 48), alone(g, 64);
    at.set_threads(2);
    below.set_threads(2);
    alone.set_threads(1);
    BOOST_TEST(at.stats().threaded_layers == (threads_supported() ? 1u : 0u));
    BOOST_TEST(below.stats().threaded_layers == 0u);
    BOOST_TEST(alone.stats().threaded_layers == 0u);
    BOOST_TEST(alone.stats().threads == 1u);
}

BOOST_AUTO_TEST_CASE(split_layers_match_finite_differences)
{
    const Graph g = build_graph(layered_model(kShape));
    Tape<double> tape(g, 61);
    tape.set_threads(3, 0);
    test::fill_random(tape, 11);
    tape.forward_backward();
    const std::vector<double> grads(tape.grads().begin(), tape.grads().end());
    // Every 37th parameter: weights and biases of all three layers.
    for (std::size_t i = 0; i < grads.size(); i += 37) {
        const double fd = test::central_difference(tape, i);
        BOOST_TEST(std::abs(grads[i] - fd) <= 1e-6 * std::max(std::abs(grads[i]), std::abs(fd)) + 1e-9,
                   fmt::format("d/d{}: reverse {:.12g} finite-difference {:.12g}", g.params[i], grads[i], fd));
    }
}

BOOST_AUTO_TEST_CASE(training_on_two_or_three_threads_ends_at_the_parameters_of_one_thread)
{
    for (Dtype dtype : {Dtype::F32, Dtype::F64}) {
        auto one = digits_run(1, 60, dtype);
        one->run({});
        BOOST_TEST(one->tape_stats().threaded_layers == 0u);
        for (unsigned threads : {2u, 3u}) {
            auto many = digits_run(threads, 60, dtype);
            if (threads_supported())
                BOOST_TEST(many->tape_stats().threaded_layers == 2u, "the two wide layers split, the output not");
            many->run({});
            const Checkpoint a = one->checkpoint(), b = many->checkpoint();
            BOOST_TEST_CONTEXT(fmt::format("{} on {} threads", to_string(dtype), threads))
            {
                BOOST_TEST(a.params == b.params);
                BOOST_TEST(a.state == b.state);
                BOOST_REQUIRE(a.loop.records.size() == b.loop.records.size());
                for (std::size_t i = 0; i < a.loop.records.size(); ++i)
                    BOOST_TEST(a.loop.records[i].loss == b.loop.records[i].loss);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_checkpoint_saved_on_two_threads_resumes_exactly_on_one)
{
    auto straight = digits_run(1, 80);
    straight->run({});
    auto first = digits_run(2, 37);
    first->run({});
    const Checkpoint saved = parse_checkpoint(serialize_checkpoint(first->checkpoint()), "memory");
    auto second = digits_run(1, 80);
    BOOST_TEST(second->resume(saved, "memory").empty(), "the thread count is no part of a run's identity");
    second->run({});
    const Checkpoint a = straight->checkpoint(), b = second->checkpoint();
    BOOST_TEST(a.params == b.params);
    BOOST_TEST(a.state == b.state);
    BOOST_TEST(a.loop.iteration == b.loop.iteration);
}

BOOST_AUTO_TEST_SUITE_END()
