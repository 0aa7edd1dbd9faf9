// The host's transforms: weight decay (coupled, decoupled, sparing biases), clipping (value, global
// norm as clip_grad_norm_, per tensor) against sums written out here, the tensors of a model, the
// checks before training (unknown names, ranges with the step, decoupled decay without lr), and
// resume with a schedule, reduce-on-plateau and decay mid-way bitwise equal to a straight run.
#include <cgp/io/error.hpp>
#include <cgp/training/checkpoint.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/transforms.hpp>

#include <boost/crc.hpp>
#include <boost/test/unit_test.hpp>

#include "test_models.hpp"

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

std::shared_ptr<const Plugin> plugin(const char* name)
{
    return Plugin::load(kPlugins / (std::string(name) + ".so"));
}

// xw = ab*xa + bc*xb with per-node biases: params ab, bc, xw.bias.
Graph small_graph()
{
    return test::graph_of({"xw=ab*xa+bc*xb"}, Activation::None, true);
}

std::string chain_error(const TransformSettings& s, const char* name = "sgdplus", std::uint64_t planned = 1000)
{
    const auto p =
        std::string(name) == "step_size" ? Plugin::load(fs::path(CGP_TEST_PLUGIN_DIR) / "step_size.so") : plugin(name);
    try {
        TransformChain chain(s, *p, p->defaults(), small_graph(), planned);
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("accepted");
    return {};
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

// Stops the loop after a chosen iteration, as Ctrl-C would.
struct StopAt final : TrainObserver {
    std::uint64_t at;
    std::atomic<int>& flag;
    StopAt(std::uint64_t a, std::atomic<int>& f) : at(a), flag(f) {}
    void on_iteration(const TrainStatus& s, const RunSnapshot&) override
    {
        if (s.iteration == at)
            flag.store(2);
    }
};

std::unique_ptr<Experiment> scheduled_run(Dtype dtype, const std::atomic<int>* stop)
{
    const auto p = plugin("sgdplus");
    RunSettings s;
    s.iterations = 2000;
    s.dtype = dtype;
    s.train.log_every = 50;
    s.train.stop_signal = stop;
    s.transforms.schedules = {"lr=warmup(100)+plateau(factor=0.5,patience=1)", "momentum=linear(0.5,0.9,1500)"};
    s.transforms.decay = 1e-3;
    s.transforms.decay_mode = DecayMode::Decoupled;
    s.transforms.clip_norm = 0.05;
    std::vector<double> hp = p->defaults();
    hp[0] = 0.2;
    return std::make_unique<Experiment>(preset_model("multi-neuron"), DataChoice{}, p, hp, s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(transforms)

BOOST_AUTO_TEST_CASE(biases_are_the_graphs_per_node_bias_parameters)
{
    const Graph g = small_graph();
    const std::vector<bool> want{false, false, true};
    BOOST_TEST(bias_mask(g) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(tensors_are_a_layers_weights_and_biases_or_a_variables_parameters)
{
    // --layers 3 2 1: weights w1_* (6), biases of x1_0, x1_1, weights w2_* (2), bias of x2_0.
    const Graph layered = build_graph(layered_model({3, 2, 1}, Activation::Sigmoid));
    const std::vector<ParamTensor> t = parameter_tensors(layered);
    BOOST_REQUIRE(t.size() == 4u);
    BOOST_TEST(t[0].name == "layer 1 weights");
    BOOST_TEST((t[0].ranges.size() == 1 && t[0].ranges[0].begin == 0 && t[0].ranges[0].end == 6));
    BOOST_TEST(t[1].name == "layer 1 bias");
    BOOST_TEST((t[1].ranges[0].begin == 6 && t[1].ranges[0].end == 8));
    BOOST_TEST(t[2].name == "layer 2 weights");
    BOOST_TEST((t[2].ranges[0].begin == 8 && t[2].ranges[0].end == 10));
    BOOST_TEST(t[3].name == "layer 2 bias");
    // Expressions: each variable's first-used parameters and its bias; a shared parameter goes to
    // the first statement that uses it.
    const Graph g = test::graph_of({"xa=p*xi+q*xj", "xb=q*xa+r*xi"}, Activation::None, true);
    const std::vector<ParamTensor> e = parameter_tensors(g);
    BOOST_REQUIRE(e.size() == 2u);
    BOOST_TEST(e[0].name == "xa"); // p q xa.bias
    BOOST_REQUIRE(e[0].ranges.size() == 2u);
    BOOST_TEST((e[0].ranges[0].begin == 0 && e[0].ranges[0].end == 2 && e[0].ranges[1].begin == 3));
    BOOST_TEST(e[1].name == "xb"); // r xb.bias
    BOOST_TEST((e[1].ranges[0].begin == 2 && e[1].ranges[0].end == 3 && e[1].ranges[1].begin == 4));
}

BOOST_AUTO_TEST_CASE(coupled_decay_adds_w_times_p_to_the_gradient_and_spares_biases)
{
    const auto p = plugin("sgd");
    TransformSettings s;
    s.decay = 0.1;
    TransformChain chain(s, *p, p->defaults(), small_graph(), 100);
    std::vector<double> params{1.0, -2.0, 3.0}, grads{0.5, 0.25, 1.0};
    chain.before_step<double>(1, params, grads);
    BOOST_TEST(grads[0] == 0.5 + 0.1 * 1.0);
    BOOST_TEST(grads[1] == 0.25 + 0.1 * -2.0);
    BOOST_TEST(grads[2] == 1.0); // the bias
    BOOST_TEST(params[0] == 1.0);
    s.decay_biases = true;
    TransformChain all(s, *p, p->defaults(), small_graph(), 100);
    grads = {0.5, 0.25, 1.0};
    all.before_step<double>(1, params, grads);
    BOOST_TEST(grads[2] == 1.0 + 0.1 * 3.0);
}

BOOST_AUTO_TEST_CASE(decoupled_decay_scales_the_parameters_by_one_minus_the_scheduled_lr_times_w)
{
    const auto p = plugin("sgd");
    TransformSettings s;
    s.decay = 0.5;
    s.decay_mode = DecayMode::Decoupled;
    s.schedules = {"lr=linear(0.1,0.3,2)"};
    TransformChain chain(s, *p, p->defaults(), small_graph(), 100);
    std::vector<double> params{1.0, -2.0, 3.0}, grads{0.5, 0.25, 1.0};
    chain.before_step<double>(2, params, grads); // lr at step 2: 0.2
    BOOST_TEST(chain.hparams()[0] == 0.1 + 0.2 * 0.5);
    BOOST_TEST(params[0] == 1.0 * (1.0 - 0.2 * 0.5));
    BOOST_TEST(params[1] == -2.0 * (1.0 - 0.2 * 0.5));
    BOOST_TEST(params[2] == 3.0);
    BOOST_TEST(grads[0] == 0.5);
}

BOOST_AUTO_TEST_CASE(clipping_by_value_by_global_norm_and_per_tensor)
{
    const auto p = plugin("sgd");
    TransformSettings v;
    v.clip_value = 0.3;
    TransformChain by_value(v, *p, p->defaults(), small_graph(), 100);
    std::vector<double> params{0, 0, 0}, grads{0.5, -0.7, 0.1};
    by_value.before_step<double>(1, params, grads);
    BOOST_TEST((grads == std::vector<double>{0.3, -0.3, 0.1}));

    TransformSettings n;
    n.clip_norm = 1.0;
    TransformChain by_norm(n, *p, p->defaults(), small_graph(), 100);
    grads = {3.0, 4.0, 0.0}; // norm 5: scaled by 1 / (5 + 1e-6)
    by_norm.before_step<double>(1, params, grads);
    BOOST_TEST(std::abs(grads[0] - 3.0 / (5.0 + 1e-6)) < 1e-15);
    BOOST_TEST(std::abs(grads[1] - 4.0 / (5.0 + 1e-6)) < 1e-15);
    grads = {0.3, 0.4, 0.0}; // norm 0.5: unchanged
    by_norm.before_step<double>(1, params, grads);
    BOOST_TEST((grads == std::vector<double>{0.3, 0.4, 0.0}));

    // Per tensor, two variables: xa's tensor is {p, q, xa.bias}, xb's {r, xb.bias}.
    const Graph g = test::graph_of({"xa=p*xi+q*xj", "xb=q*xa+r*xi"}, Activation::None, true);
    TransformSettings t;
    t.clip_norm_per_tensor = 1.0;
    TransformChain per_tensor(t, *p, p->defaults(), g, 100);
    std::vector<double> pp(5, 0.0), gg{2.0, 0.0, 0.5, 0.0, 0.5}; // p q r xa.bias xb.bias
    per_tensor.before_step<double>(1, pp, gg);
    const double na = std::sqrt(4.0), nb = std::sqrt(0.5);
    BOOST_TEST(std::abs(gg[0] - 2.0 / (na + 1e-6)) < 1e-15);
    BOOST_TEST(gg[2] == 0.5); // xb's norm is below 1
    BOOST_TEST(gg[4] == 0.5);
    BOOST_TEST(nb < 1.0);
}

BOOST_AUTO_TEST_CASE(bad_settings_are_refused_before_training)
{
    TransformSettings s;
    s.schedules = {"beta1=constant"};
    const std::string unknown = chain_error(s);
    BOOST_TEST(contains(unknown, "optimizer 'sgdplus' has no hyperparameter 'beta1'"));
    BOOST_TEST(contains(unknown, "hint: its hyperparameters are: lr momentum"));
    s.schedules = {"momentum=linear(0.5,1.2,100)"};
    // 0.5 + 0.7 * (t - 1) / 100 reaches 1 first at t = 73.
    BOOST_TEST(contains(chain_error(s), "momentum would be 1.004 at step 73, outside its range [0, 1)"));
    s.schedules = {"lr=exponential(1.01)"};
    std::uint64_t first = 1;
    while (0.01 * std::pow(1.01, double(first - 1)) <= 1e6)
        ++first;
    BOOST_TEST(contains(chain_error(s, "sgdplus", 5000), "at step " + std::to_string(first) + ","));
    s.schedules = {"lr=plateau(min=-1)"};
    BOOST_TEST(contains(chain_error(s), "plateau's min must be at least 0"));
    s.schedules = {"lr=constant", "lr=cosine"};
    BOOST_TEST(contains(chain_error(s), "'lr' has two schedules"));
    TransformSettings d;
    d.decay = -1;
    BOOST_TEST(contains(chain_error(d), "--decay -1: weight decay must be a finite number >= 0"));
    TransformSettings c;
    c.clip_norm = -2;
    BOOST_TEST(contains(chain_error(c), "--clip-norm -2"));
}

BOOST_AUTO_TEST_CASE(decoupled_decay_needs_a_learning_rate_or_decay_lr)
{
    TransformSettings s;
    s.decay = 0.01;
    s.decay_mode = DecayMode::Decoupled;
    const std::string e = chain_error(s, "step_size");
    BOOST_TEST(contains(e, "has no 'lr'"));
    BOOST_TEST(contains(e, "--decay-lr RATE"));
    s.decay_lr = 0.1;
    const auto p = Plugin::load(fs::path(CGP_TEST_PLUGIN_DIR) / "step_size.so");
    BOOST_CHECK_NO_THROW(TransformChain(s, *p, p->defaults(), small_graph(), 100));
    BOOST_TEST(contains(chain_error(s, "sgd"), "--decay-lr is for optimizers without 'lr'"));
}

BOOST_AUTO_TEST_CASE(resume_mid_schedule_with_plateau_and_decay_is_bitwise_exact)
{
    for (Dtype dtype : {Dtype::F32, Dtype::F64}) {
        auto straight = scheduled_run(dtype, nullptr);
        straight->run({});
        std::atomic<int> flag{0};
        auto first = scheduled_run(dtype, &flag);
        StopAt stop(1037, flag);
        TrainObserver* obs[] = {&stop};
        first->run(obs);
        const Checkpoint saved = parse_checkpoint(serialize_checkpoint(first->checkpoint()), "memory");
        BOOST_TEST(saved.loop.iteration == 1037u);
        auto second = scheduled_run(dtype, nullptr);
        BOOST_TEST(second->resume(saved, "memory").empty());
        second->run({});
        const Checkpoint a = straight->checkpoint(), b = second->checkpoint();
        BOOST_TEST_CONTEXT(to_string(dtype))
        {
            BOOST_TEST(a.params == b.params);
            BOOST_TEST(a.state == b.state);
            BOOST_TEST(a.transforms.history == b.transforms.history, boost::test_tools::per_element());
            BOOST_TEST(a.transforms.plateau[0].value == b.transforms.plateau[0].value);
            BOOST_TEST(a.transforms.plateau[0].best == b.transforms.plateau[0].best);
            // The plateau did reduce the learning rate during the run.
            BOOST_TEST(a.transforms.plateau[0].value < 0.2);
            BOOST_TEST(a.transforms.history.size() == 2 * a.loop.records.size());
        }
    }
}

BOOST_AUTO_TEST_CASE(format_2_checkpoints_are_read_as_runs_without_transforms)
{
    const auto p = plugin("adam");
    RunSettings s;
    s.iterations = 300;
    Experiment ex(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), s);
    ex.run({});
    std::vector<std::uint8_t> bytes = serialize_checkpoint(ex.checkpoint());
    // Format 2 is format 5 without the transforms block (no schedules: 8 + 5 * 8 + 2 + 8 bytes), the
    // groups (a count of 0: 8 bytes), the loss ("mse": 8 + 3 bytes) and the run state (a count of 0: 8).
    const std::size_t block = 58 + 8 + 11 + 8, crc = 4;
    bytes.erase(bytes.end() - crc - block, bytes.end() - crc);
    const std::uint32_t version = 2;
    std::memcpy(bytes.data() + 8, &version, 4);
    std::uint64_t length = 0;
    std::memcpy(&length, bytes.data() + 12, 8);
    length -= block;
    std::memcpy(bytes.data() + 12, &length, 8);
    boost::crc_32_type sum;
    sum.process_bytes(bytes.data() + 8, bytes.size() - 8 - crc);
    const std::uint32_t c = sum.checksum();
    std::memcpy(bytes.data() + bytes.size() - crc, &c, 4);
    const Checkpoint old = parse_checkpoint(bytes, "old.ckpt");
    BOOST_TEST(old.format == 2u);
    BOOST_TEST(old.transforms.schedules.empty());
    BOOST_TEST(old.params == ex.checkpoint().params);
    RunSettings more = s;
    more.iterations = 400;
    Experiment next(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), more);
    BOOST_TEST(next.resume(old, "old.ckpt").empty());
    next.run({});
    BOOST_TEST(next.checkpoint().loop.iteration == 400u);
}

BOOST_AUTO_TEST_SUITE_END()
