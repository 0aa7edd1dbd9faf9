// --group PATTERN:NAME=VALUE: spellings, which tensors a pattern picks, values checked against the
// plugin, the values each tensor's elements are stepped with (also under a schedule), the host's
// decay per group, and groups kept in checkpoints.
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/io/error.hpp>
#include <cgp/training/checkpoint.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/groups.hpp>

#include <boost/test/unit_test.hpp>

#include "test_models.hpp"

#include <filesystem>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

std::shared_ptr<const Plugin> plugin(const std::string& name)
{
    return Plugin::load(kPlugins / (name + ".so"));
}

// --layers 3 2 1: layer1.weight [2, 3], layer1.bias [2], layer2.weight [1, 2], layer2.bias [1].
std::vector<ModelTensor> layered_tensors()
{
    return model_tensors(build_graph(layered_model({3, 2, 1}, Activation::Sigmoid)));
}

std::string resolve_error(const std::vector<std::string>& groups, const std::string& name = "sgd")
{
    const auto p = name.find('/') != std::string::npos ? Plugin::load(name) : plugin(name);
    try {
        resolve_groups(groups, *p, p->defaults(), layered_tensors(), "layers 3 2 1", 0.0, false);
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("accepted");
    return {};
}

bool contains(const std::string& text, const std::string& part)
{
    BOOST_TEST_INFO(text);
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(groups)

BOOST_AUTO_TEST_CASE(a_group_is_pattern_colon_name_equals_a_finite_number)
{
    const GroupSetting g = parse_group("layer2:lr=0.1");
    BOOST_TEST(g.pattern == "layer2");
    BOOST_TEST(g.name == "lr");
    BOOST_TEST(g.value == 0.1);
    BOOST_TEST(parse_group("*.bias:weight_decay=0").pattern == "*.bias");
    for (const char* bad : {"layer2", "layer2:lr", ":lr=1", "layer2:=1", "layer2:lr=", "layer2:lr=x", "b:lr=nan"})
        BOOST_CHECK_THROW(parse_group(bad), Error);
    BOOST_TEST(contains(resolve_error({"layer2:lr=abc"}), "--group layer2:lr=abc: 'abc' is not a finite number"));
}

BOOST_AUTO_TEST_CASE(patterns_are_kinds_or_globs_over_names_with_or_without_the_last_part)
{
    const std::vector<ModelTensor> t = layered_tensors();
    const auto picked = [&](const char* pattern) {
        std::string out;
        for (const ModelTensor& m : t)
            if (group_matches(pattern, m))
                out += (out.empty() ? "" : " ") + m.name;
        return out;
    };
    BOOST_TEST(picked("bias") == "layer1.bias layer2.bias");
    BOOST_TEST(picked("weight") == "layer1.weight layer2.weight");
    BOOST_TEST(picked("layer2") == "layer2.weight layer2.bias");
    BOOST_TEST(picked("*.bias") == "layer1.bias layer2.bias");
    BOOST_TEST(picked("layer[12].weight") == "layer1.weight layer2.weight");
    BOOST_TEST(picked("layer1.weight") == "layer1.weight");
    BOOST_TEST(picked("layer3").empty());
}

BOOST_AUTO_TEST_CASE(a_pattern_that_matches_no_tensor_is_refused_naming_the_tensors)
{
    const std::string e = resolve_error({"layer3:lr=0.1"});
    BOOST_TEST(contains(e, "--group layer3:lr=0.1: the pattern 'layer3' matches no tensor of model 'layers 3 2 1'"));
    BOOST_TEST(contains(e, "its tensors: layer1.weight layer1.bias layer2.weight layer2.bias"));
    BOOST_TEST(contains(e, "hint: --group PATTERN:NAME=VALUE"));
}

BOOST_AUTO_TEST_CASE(a_per_group_value_out_of_range_or_an_unknown_name_is_refused)
{
    const std::string range = resolve_error({"bias:lr=-1"});
    BOOST_TEST(contains(range, "--group: tensor 'layer1.bias' would take lr=-1, which is refused"));
    BOOST_TEST(contains(range, "lr"));
    const std::string name = resolve_error({"bias:momentum=0.9"});
    BOOST_TEST(contains(name, "--group bias:momentum=0.9: optimizer 'sgd' has no hyperparameter 'momentum'"));
    BOOST_TEST(contains(name, "hint: its hyperparameters are: lr weight_decay maximize"));
    BOOST_TEST(contains(resolve_error({"bias:decay=-1"}), "weight decay must be a finite number >= 0"));
    BOOST_TEST(contains(resolve_error({"bias:maximize=0.5"}), "maximize"));
}

BOOST_AUTO_TEST_CASE(a_plugin_that_does_not_read_per_tensor_values_is_refused_for_plugin_groups)
{
    const std::string frozen = std::string(CGP_TEST_PLUGIN_DIR) + "/sgdm_1_0.so";
    const std::string e = resolve_error({"bias:lr=0.1"}, frozen);
    BOOST_TEST(contains(e, "does not read per-tensor hyperparameters (it offers no cgp.tensor_hparams/1; ABI 1.0)"));
    // The host's decay needs nothing from the plugin.
    const auto p = Plugin::load(frozen);
    BOOST_TEST(!resolve_groups({"bias:decay=0.1"}, *p, p->defaults(), layered_tensors(), "m", 0.0, false).empty());
}

BOOST_AUTO_TEST_CASE(each_tensor_is_stepped_with_its_groups_values_the_last_group_winning)
{
    const auto p = plugin("sgd");
    const std::vector<ModelTensor> tensors = layered_tensors();
    const ResolvedGroups r = resolve_groups({"layer2:lr=0.5", "layer2.bias:lr=2", "bias:weight_decay=0.25"}, *p,
                                            p->defaults(), tensors, "m", 0.0, false);
    PluginOptimizer opt(p, p->defaults()); // lr 0.01
    std::vector<HostTensor> host;
    for (const ModelTensor& m : tensors)
        host.push_back({m.name, m.offset, m.count, m.kind, m.shape});
    opt.host_extensions().set_tensors(host);
    opt.host_extensions().set_groups(p->defaults(), r.sets, r.set_of_tensor);
    for (const bool scalar : {false, true}) {
        std::vector<double> params(11, 1.0);
        const std::vector<double> grads(11, 1.0);
        opt.step(1, std::span<double>(params), std::span<const double>(grads), {}, scalar);
        // sgd: p -= lr * (g + weight_decay * p)
        const double w = 1 - 0.01, b = 1 - 0.01 * 1.25;
        const std::vector<double> want{w, w, w, w, w, w, b, b, 1 - 0.5, 1 - 0.5, 1 - 2 * 1.25};
        BOOST_TEST(params == want, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(under_a_schedule_a_groups_value_follows_the_schedules_factor)
{
    const auto p = plugin("sgd");
    const std::vector<ModelTensor> tensors = layered_tensors();
    const ResolvedGroups r = resolve_groups({"layer2:lr=0.5"}, *p, p->defaults(), tensors, "m", 0.0, false);
    PluginOptimizer opt(p, p->defaults());
    std::vector<HostTensor> host;
    for (const ModelTensor& m : tensors)
        host.push_back({m.name, m.offset, m.count, m.kind, m.shape});
    opt.host_extensions().set_tensors(host);
    opt.host_extensions().set_groups(p->defaults(), r.sets, r.set_of_tensor);
    std::vector<double> live = p->defaults();
    live[0] = 0.005; // a schedule at half the base lr
    opt.read_hparams_from(live.data());
    std::vector<double> params(11, 1.0);
    const std::vector<double> grads(11, 1.0);
    opt.step(1, std::span<double>(params), std::span<const double>(grads), {}, false);
    BOOST_TEST(params[0] == 1 - 0.005);
    BOOST_TEST(params[8] == 1 - 0.25); // 0.5 * (0.005 / 0.01)
}

BOOST_AUTO_TEST_CASE(a_decay_group_decays_its_tensors_biases_included_and_only_them)
{
    const auto p = plugin("sgd");
    TransformSettings s;
    s.groups = {"bias:decay=0.5"};
    const Graph g = build_graph(layered_model({3, 2, 1}, Activation::Sigmoid));
    TransformChain chain(s, *p, p->defaults(), g, 10);
    std::vector<double> params(11, 2.0), grads(11, 1.0);
    chain.before_step<double>(1, std::span<double>(params), std::span<double>(grads));
    for (std::size_t i = 0; i < 11; ++i)
        BOOST_TEST(grads[i] == (i == 6 || i == 7 || i == 10 ? 2.0 : 1.0), "element " << i);
    BOOST_TEST(chain.describe() == "group bias:decay=0.5");
}

BOOST_AUTO_TEST_CASE(groups_are_kept_in_format_4_checkpoints_and_a_run_with_groups_resumes)
{
    const auto p = plugin("adam");
    RunSettings s;
    s.iterations = 200;
    s.transforms.groups = {"bias:weight_decay=0.01", "layer2:lr=0.005"};
    Experiment ex(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), s);
    ex.run({});
    const Checkpoint c = parse_checkpoint(serialize_checkpoint(ex.checkpoint()), "g.ckpt");
    BOOST_TEST(c.format >= 4u); // groups are in every checkpoint from format 4 on
    BOOST_TEST(c.transforms.groups == s.transforms.groups, boost::test_tools::per_element());
    // Straight to 400 and resumed at 200 agree bitwise.
    RunSettings more = s;
    more.iterations = 400;
    Experiment straight(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), more);
    straight.run({});
    Experiment resumed(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), more);
    BOOST_TEST(resumed.resume(c, "g.ckpt").empty());
    resumed.run({});
    BOOST_TEST(resumed.params() == straight.params(), boost::test_tools::per_element());
    // A group changes the run.
    RunSettings none = more;
    none.transforms.groups.clear();
    Experiment plain(preset_model("multi-neuron"), DataChoice{}, p, p->defaults(), none);
    plain.run({});
    BOOST_TEST(plain.params() != straight.params());
}

BOOST_AUTO_TEST_SUITE_END()
