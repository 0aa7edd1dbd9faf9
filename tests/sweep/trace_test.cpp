// Run traces: complete files, and batches that replay the traced run exactly.
#include <cgp/tape/aligned.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/tape/tape.hpp>
#include <cgp/report/trace.hpp>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

struct TempFolder {
    fs::path path;
    TempFolder()
    {
        std::string pattern = (fs::temp_directory_path() / "cgp-trace-test-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempFolder() { fs::remove_all(path); }
};

struct Traced {
    nlohmann::json trace;
    std::vector<double> batches;
};

Traced trace_run(const fs::path& dir, const std::string& model, const std::string& optimizer, std::size_t batch,
                 std::uint64_t iterations, const TransformSettings& transforms = {})
{
    RunSettings s;
    s.transforms = transforms;
    s.iterations = iterations;
    s.batch_size = batch;
    s.seed = 7;
    s.dtype = Dtype::F64;
    s.train.log_every = 1;
    const ModelSpec spec = preset_model(model);
    const auto plugin = Plugin::load(kPlugins / (optimizer + ".so"));
    Experiment ex(spec, DataChoice{}, plugin, plugin->defaults(), s);
    const std::vector<double> initial = ex.params();
    const TrainSummary summary = ex.run({});
    write_trace(dir, spec, ex, initial, summary);

    Traced t;
    std::ifstream json(dir / "trace.json");
    t.trace = nlohmann::json::parse(json);
    std::ifstream bin(dir / "batches.f64", std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(bin)), std::istreambuf_iterator<char>());
    t.batches.resize(bytes.size() / sizeof(double));
    std::memcpy(t.batches.data(), bytes.data(), t.batches.size() * sizeof(double)); // x86: little-endian
    return t;
}

} // namespace

BOOST_AUTO_TEST_SUITE(traces)

BOOST_AUTO_TEST_CASE(trace_folder_holds_every_part_of_the_run)
{
    TempFolder tmp;
    const Traced t = trace_run(tmp.path / "t", "multi-neuron", "adam", 8, 50);
    for (const char* key : {"format", "model", "loss", "settings", "optimizer", "initial_params", "final_params",
                            "batches", "records", "summary"})
        BOOST_TEST(t.trace.contains(key), key);
    BOOST_TEST(t.trace["format"] == "cgp-trace 1");
    BOOST_TEST(t.trace["model"]["params"].size() == 13u);
    BOOST_TEST(t.trace["initial_params"].size() == 13u);
    BOOST_TEST(t.trace["optimizer"]["hyperparameters"].contains("beta1"));
    BOOST_TEST(t.trace["records"].size() == 50u);
    BOOST_TEST(t.batches.size() == 50u * 8u * 5u); // 4 inputs and 1 target per sample
    BOOST_TEST(fs::exists(tmp.path / "t" / "losses.csv"));
}

BOOST_AUTO_TEST_CASE(trace_records_the_tensors_and_the_transforms_as_they_act)
{
    TempFolder tmp;
    TransformSettings s;
    s.decay = 1e-3;
    s.clip_norm_per_tensor = 0.5;
    s.groups = {"layer2.bias:decay=0.25"};
    const Traced t = trace_run(tmp.path / "t", "multi-neuron", "adam", 8, 20, s);
    const auto& tensors = t.trace["tensors"];
    BOOST_TEST_REQUIRE(tensors.size() == 4u);
    BOOST_TEST(tensors[0]["name"] == "layer1.weight");
    BOOST_TEST((tensors[0]["shape"] == nlohmann::json::array({2, 4})));
    BOOST_TEST(tensors[3]["kind"] == "bias");
    const auto& tr = t.trace["transforms"];
    // Weights decay by 1e-3, layer 1's biases are spared, layer 2's bias takes its group's 0.25.
    const auto w = tr["decay_weights"].get<std::vector<double>>();
    const std::vector<double> want{1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 0, 0, 1e-3, 1e-3, 0.25};
    BOOST_TEST(w == want, boost::test_tools::per_element());
    BOOST_TEST(tr["clip_norm_per_tensor"] == 0.5);
    BOOST_TEST(tr["clip_tensors"].size() == 4u);
    BOOST_TEST(tr["groups"][0] == "layer2.bias:decay=0.25");
}

BOOST_AUTO_TEST_CASE(trace_batches_and_initial_parameters_replay_the_run_exactly)
{
    TempFolder tmp;
    const std::size_t B = 4;
    const Traced t = trace_run(tmp.path / "t", "one-neuron", "sgdplus", B, 30);
    const Graph g = build_graph(preset_model("one-neuron"));
    Tape<double> tape(g, B, parse_simd_path(t.trace["settings"]["simd"].get<std::string>()));
    const auto init = t.trace["initial_params"].get<std::vector<double>>();
    std::copy(init.begin(), init.end(), tape.params().begin());
    const auto plugin = Plugin::load(kPlugins / "sgdplus.so");
    PluginOptimizer opt(plugin, plugin->defaults());
    AlignedArray<double> velocity(tape.params().size());
    double* state[] = {velocity.data()};
    const std::size_t columns = g.inputs.size() + 1;
    for (std::size_t it = 0; it < 30; ++it) {
        for (std::size_t b = 0; b < B; ++b) {
            const double* row = &t.batches[(it * B + b) * columns];
            for (std::size_t k = 0; k < g.inputs.size(); ++k)
                tape.input(k)[b] = row[k];
            tape.target(0)[b] = row[g.inputs.size()];
        }
        const double loss = tape.forward_backward();
        BOOST_TEST(loss == t.trace["records"][it]["loss"].get<double>());
        opt.step(it + 1, tape.params(), tape.grads(), std::span<double* const>(state), false);
    }
    const auto final_params = t.trace["final_params"].get<std::vector<double>>();
    for (std::size_t i = 0; i < final_params.size(); ++i)
        BOOST_TEST(tape.params()[i] == final_params[i]);
}

BOOST_AUTO_TEST_CASE(trace_folder_whose_parent_is_missing_is_refused_before_the_run)
{
    BOOST_CHECK_THROW(check_trace_folder("/nonexistent-folder/trace"), Error);
}

BOOST_AUTO_TEST_SUITE_END()
