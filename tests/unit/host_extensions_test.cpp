// What the host offers a step (abi.h 1.2): the model's tensors in PyTorch's per-layer order with their
// shapes and kinds, and the step context (batch loss, planned steps, per-run seed), seen by a probe
// plugin both through a bare optimizer and inside a training run.
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/sdk/host.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/transforms.hpp>

#include <boost/test/unit_test.hpp>

#include "test_models.hpp"

#include <cmath>
#include <filesystem>
#include <string_view>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kTest = CGP_TEST_PLUGIN_DIR;

void check_tensor(const ModelTensor& t, const char* name, std::size_t offset, std::size_t count, std::uint32_t kind,
                  std::vector<std::size_t> shape)
{
    BOOST_TEST_CONTEXT(name)
    {
        BOOST_TEST(t.name == name);
        BOOST_TEST(t.offset == offset);
        BOOST_TEST(t.count == count);
        BOOST_TEST(t.kind == kind);
        BOOST_TEST(t.shape == shape, boost::test_tools::per_element());
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(host_extensions)

BOOST_AUTO_TEST_CASE(layered_models_take_pytorchs_order_layer_weight_row_major_then_layer_bias)
{
    const Graph g = build_graph(layered_model({3, 2, 1}, Activation::Sigmoid));
    const std::vector<std::string> want{"w1_0_0",    "w1_0_1",    "w1_0_2", "w1_1_0", "w1_1_1",   "w1_1_2",
                                        "x1_0.bias", "x1_1.bias", "w2_0_0", "w2_0_1", "x2_0.bias"};
    BOOST_TEST(g.params == want, boost::test_tools::per_element());
    const std::vector<ModelTensor> t = model_tensors(g);
    BOOST_TEST_REQUIRE(t.size() == 4u);
    check_tensor(t[0], "layer1.weight", 0, 6, CGP_TENSOR_WEIGHT, {2, 3});
    check_tensor(t[1], "layer1.bias", 6, 2, CGP_TENSOR_BIAS, {2});
    check_tensor(t[2], "layer2.weight", 8, 2, CGP_TENSOR_WEIGHT, {1, 2});
    check_tensor(t[3], "layer2.bias", 10, 1, CGP_TENSOR_BIAS, {1});
}

BOOST_AUTO_TEST_CASE(expression_models_give_each_variable_its_parameters_then_the_biases)
{
    // p q first used by xa, r by xb (a scalar tensor); then xa.bias, xb.bias.
    const Graph g = test::graph_of({"xa=p*xi+q*xj", "xb=q*xa+r*xi"}, Activation::None, true);
    const std::vector<ModelTensor> t = model_tensors(g);
    BOOST_TEST_REQUIRE(t.size() == 4u);
    check_tensor(t[0], "xa", 0, 2, CGP_TENSOR_WEIGHT, {2});
    check_tensor(t[1], "xb", 2, 1, CGP_TENSOR_SCALAR, {});
    check_tensor(t[2], "xa.bias", 3, 1, CGP_TENSOR_BIAS, {1});
    check_tensor(t[3], "xb.bias", 4, 1, CGP_TENSOR_BIAS, {1});
    // One variable: weights and bias are adjacent but stay two tensors.
    const std::vector<ModelTensor> one = model_tensors(test::graph_of({"xw=ab*xa+bc*xb"}, Activation::None, true));
    BOOST_TEST_REQUIRE(one.size() == 2u);
    check_tensor(one[0], "xw", 0, 2, CGP_TENSOR_WEIGHT, {2});
    check_tensor(one[1], "xw.bias", 2, 1, CGP_TENSOR_BIAS, {1});
}

BOOST_AUTO_TEST_CASE(a_step_sees_the_loss_the_planned_steps_the_seed_and_the_tensors_the_host_set)
{
    const auto p = Plugin::load(kTest / "host_probe.so");
    PluginOptimizer opt(p, p->defaults());
    opt.host_extensions().set_tensors({{"a", 0, 4, CGP_TENSOR_WEIGHT, {2, 2}}, {"b", 4, 2, CGP_TENSOR_BIAS, {2}}});
    opt.host_extensions().set_run(300, 42);
    opt.set_loss(0.625);
    std::vector<double> params(6, 9.0);
    const std::vector<double> grads(6, 0.0);
    opt.step(1, std::span<double>(params), std::span<const double>(grads), {}, false);
    const std::vector<double> want{0.625, 300.0, 42.0, 2.0, 9.0, 9.0};
    BOOST_TEST(params == want, boost::test_tools::per_element());
    // A step over another length than the tensors tile is offered one tensor over the whole array.
    std::vector<double> other(5, 9.0);
    opt.step(2, std::span<double>(other), std::span<const double>(grads).first(5), {}, false);
    BOOST_TEST(other[3] == 1.0);
    // The tensors must tile the parameters.
    BOOST_CHECK_THROW(opt.host_extensions().set_tensors({{"a", 1, 4, CGP_TENSOR_WEIGHT, {4}}}), Error);
}

BOOST_AUTO_TEST_CASE(inside_a_run_the_step_context_is_the_batch_loss_iterations_and_the_runs_seed)
{
    const auto p = Plugin::load(kTest / "host_probe.so");
    RunSettings s;
    s.iterations = 1;
    s.seed = 5;
    s.train.log_every = 1;
    Experiment ex(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), s);
    const TrainSummary summary = ex.run({});
    BOOST_TEST_REQUIRE(summary.records.size() == 1u);
    const std::vector<double> params = ex.params();
    BOOST_TEST(params[0] == static_cast<double>(static_cast<float>(summary.records[0].loss)));
    BOOST_TEST(params[1] == 1.0);
    BOOST_TEST(params[2] == static_cast<double>(Seeds::from(5).optimizer % (1u << 20)));
    BOOST_TEST(params[3] == 4.0); // layer1.weight, layer1.bias, layer2.weight, layer2.bias
}

BOOST_AUTO_TEST_CASE(an_unknown_host_extension_is_null_and_one_of_another_version_or_size_is_not_used)
{
    HostExtensions host;
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.count = 3;
    host.bind(args, 3);
    BOOST_TEST(args.get_host_extension(args.host, "cgp.no_such_extension/1") == nullptr);
    BOOST_TEST(args.get_host_extension(args.host, CGP_EXT_TENSORS) != nullptr);
    // A host (of some other build) answering with a struct the SDK does not know: the SDK takes the
    // documented fallback (one tensor over the whole array; NaN loss) instead of reading it.
    static const cgp_tensor odd_tensor{"odd", 0, 1, 1, CGP_TENSOR_WEIGHT, {1, 0, 0, 0}, nullptr};
    static cgp_tensors_ext odd{sizeof(cgp_tensors_ext), 2, 1, &odd_tensor};
    static cgp_step_context_ext small{8, 1, 0.5, 10, 1};
    args.get_host_extension = [](const void*, const char* id) -> const void* {
        return std::string_view(id) == CGP_EXT_TENSORS ? static_cast<const void*>(&odd) : &small;
    };
    const cgp::sdk::tensor_list tensors = cgp::sdk::tensors(&args);
    BOOST_TEST_REQUIRE(tensors.size() == 1u);
    BOOST_TEST(std::string_view(tensors[0].name) == "params");
    BOOST_TEST(tensors[0].count == 3u);
    odd.version = 1;
    BOOST_TEST(std::string_view(cgp::sdk::tensors(&args)[0].name) == "odd");
    BOOST_TEST(std::isnan(cgp::sdk::step_context(&args).loss)); // struct_size 8: too small
    // A 1.1 host: the step arguments end before host; nothing is read from them.
    args.struct_size = 32;
    BOOST_TEST(std::string_view(cgp::sdk::tensors(&args)[0].name) == "params");
}

BOOST_AUTO_TEST_SUITE_END()
