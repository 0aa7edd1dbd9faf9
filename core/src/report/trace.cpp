// Run traces: the model, settings, initial parameters, exact batch sequence and cgp's loss record.
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/language/layered.hpp>
#include <cgp/report/trace.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <unistd.h>

namespace cgp {
namespace fs = std::filesystem;

namespace {

constexpr const char* kFormat = "cgp-trace 1";
constexpr std::uint64_t kIterationsPerChunk = 4096;

nlohmann::ordered_json finite_or_null(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

// A model with dense layers is written in its scalar form (graph.hpp), node by node as always.
nlohmann::ordered_json model_json(const ModelSpec& spec, const Graph& model)
{
    const Graph scalar = model.dense.empty() ? Graph{} : scalar_form(model);
    const Graph& g = model.dense.empty() ? model : scalar;
    nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
    for (const Node& n : g.nodes) {
        nlohmann::ordered_json j;
        j["op"] = std::string(to_string(n.op));
        if (n.a >= 0)
            j["a"] = n.a;
        if (n.b >= 0)
            j["b"] = n.b;
        if (n.op == Op::Input || n.op == Op::Param)
            j["index"] = n.index;
        if (op_info(n.op).has_value)
            j["value"] = n.value;
        if (!n.label.empty())
            j["label"] = n.label;
        nodes.push_back(std::move(j));
    }
    nlohmann::ordered_json m;
    m["name"] = spec.name;
    std::vector<std::string> statements;
    const bool generated = spec.generated && spec.text.lines.empty();
    for (const std::string& line : generated ? layered_statements(spec.layers) : spec.text.lines)
        if (!line.empty())
            statements.push_back(line);
    m["statements"] = statements;
    m["activation"] = std::string(to_string(g.activation));
    m["node_bias"] = g.node_bias;
    m["layers"] = g.layers;
    m["inputs"] = g.inputs;
    m["input_nodes"] = g.input_nodes;
    m["outputs"] = g.outputs;
    m["output_nodes"] = g.output_nodes;
    m["params"] = g.params.to_vector();
    m["nodes"] = std::move(nodes);
    return m;
}

// The tensors a plugin sees (cgp.tensors/1), in parameter order.
nlohmann::ordered_json tensors_json(const Graph& g)
{
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const ModelTensor& m : model_tensors(g))
        out.push_back({{"name", m.name},
                       {"offset", m.offset},
                       {"count", m.count},
                       {"kind", m.kind == CGP_TENSOR_BIAS     ? "bias"
                                : m.kind == CGP_TENSOR_SCALAR ? "scalar"
                                                              : "weight"},
                       {"shape", m.shape}});
    return out;
}

// The host's transforms as they act: resolved schedules, per-parameter decay, clipping (with the
// parameter ranges of each tensor --clip-norm-per-tensor scales), groups.
nlohmann::ordered_json transforms_json(const TransformChain& chain, const Graph& g)
{
    const TransformSettings& t = chain.settings();
    const TransformRecord r = chain.record();
    nlohmann::ordered_json clip_tensors = nlohmann::ordered_json::array();
    for (const ParamTensor& p : parameter_tensors(g)) {
        nlohmann::ordered_json ranges = nlohmann::ordered_json::array();
        for (const ParamRange& range : p.ranges)
            ranges.push_back({range.begin, range.end});
        clip_tensors.push_back({{"name", p.name}, {"ranges", ranges}});
    }
    return {{"schedules", r.schedules},
            {"decay", t.decay},
            {"decay_mode", std::string(to_string(t.decay_mode))},
            {"decay_biases", t.decay_biases},
            {"decay_lr", t.decay_lr},
            {"decay_weights", chain.decay_weights(g.params.size())},
            {"clip_value", t.clip_value},
            {"clip_norm", t.clip_norm},
            {"clip_norm_per_tensor", t.clip_norm_per_tensor},
            {"clip_tensors", clip_tensors},
            {"groups", t.groups},
            {"order", "clip value, clip per tensor, clip norm, coupled decay, schedules, decoupled decay, step"}};
}

// The run's batches, regenerated from its sampling seed, written as float64 rows.
void write_batches(const fs::path& path, const Experiment& ex, std::uint64_t iterations)
{
    const Dataset& data = ex.dataset();
    const RunSettings& st = ex.settings();
    const std::size_t B = st.batch_size;
    const std::uint64_t seed = Seeds::from(st.seed).sample;
    const bool cgp_sampler = data.origin == "generated";
    const std::unique_ptr<Sampler> sampler =
        cgp_sampler ? make_cgp_sampler(data, seed, B) : make_epoch_sampler(data, seed);
    const std::size_t inputs = ex.graph().inputs.size(), outputs = ex.graph().outputs.size();
    std::vector<std::vector<double>> in(inputs, std::vector<double>(B)), out(outputs, std::vector<double>(B));
    std::vector<double*> in_ptrs, out_ptrs;
    for (auto& c : in)
        in_ptrs.push_back(c.data());
    for (auto& c : out)
        out_ptrs.push_back(c.data());

    AtomicFile file(path);
    std::vector<double> rows;
    rows.reserve(kIterationsPerChunk * B * (inputs + outputs));
    auto flush = [&] {
        std::string bytes(rows.size() * sizeof(double), '\0');
        for (std::size_t i = 0; i < rows.size(); ++i) {
            std::uint64_t bits = std::bit_cast<std::uint64_t>(rows[i]);
            for (int k = 0; k < 8; ++k)
                bytes[i * 8 + static_cast<std::size_t>(k)] = static_cast<char>((bits >> (8 * k)) & 0xffu);
        }
        file.write(bytes);
        rows.clear();
    };
    for (std::uint64_t it = 0; it < iterations; ++it) {
        sampler->next(B, std::span<double* const>(in_ptrs), std::span<double* const>(out_ptrs));
        for (std::size_t b = 0; b < B; ++b) {
            for (std::size_t k = 0; k < inputs; ++k)
                rows.push_back(in[k][b]);
            for (std::size_t o = 0; o < outputs; ++o)
                rows.push_back(out[o][b]);
        }
        if ((it + 1) % kIterationsPerChunk == 0)
            flush();
    }
    flush();
    file.commit();
}

} // namespace

void check_trace_folder(const fs::path& dir)
{
    check_output_folder(dir, "--trace", "trace.json");
}

void write_trace(const fs::path& dir, const ModelSpec& spec, const Experiment& ex,
                 std::span<const double> initial_params, const TrainSummary& summary)
{
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (!fs::is_directory(dir))
        throw Error(fmt::format("--trace {}: cannot create the folder: {}", dir.string(), ec.message()));
    const Graph& g = ex.graph();
    const RunSettings& st = ex.settings();
    const PluginOptimizer& opt = ex.optimizer();
    const std::size_t columns = g.inputs.size() + g.outputs.size();

    write_batches(dir / "batches.f64", ex, summary.iterations);

    nlohmann::ordered_json j;
    j["format"] = kFormat;
    j["model"] = model_json(spec, g);
    j["loss"] = "L = (1/B) * sum over samples b and outputs o of (y_bo - t_bo)^2";
    j["data"] = ex.data_description();
    j["sampler"] = ex.dataset().origin == "generated" ? "cgp" : "epochs";
    j["settings"] = {{"iterations", summary.iterations},
                     {"requested_iterations", st.iterations},
                     {"batch_size", st.batch_size},
                     {"seed", st.seed},
                     {"dtype", std::string(to_string(st.dtype))},
                     {"simd", std::string(to_string(ex.simd_path()))},
                     {"log_every", st.train.log_every},
                     {"on_nonfinite", st.train.on_nonfinite == OnNonFinite::Stop ? "stop" : "skip"}};
    nlohmann::ordered_json hp = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < opt.plugin().hparams().size(); ++i)
        hp[opt.plugin().hparams()[i].name] = opt.hparams()[i];
    j["optimizer"] = {{"id", opt.plugin().id()},
                      {"version", opt.plugin().version()},
                      {"algorithm", opt.plugin().algorithm()},
                      {"path", opt.plugin().path().string()},
                      {"hyperparameters", hp}};
    j["tensors"] = tensors_json(g);
    j["transforms"] = transforms_json(ex.transforms(), g);
    j["initial_params"] = std::vector<double>(initial_params.begin(), initial_params.end());
    j["final_params"] = ex.params();
    j["batches"] = {{"file", "batches.f64"},
                    {"encoding", "float64 little-endian"},
                    {"shape", {summary.iterations, st.batch_size, columns}},
                    {"columns", [&] {
                         std::vector<std::string> c = g.inputs;
                         for (const std::string& o : g.outputs)
                             c.push_back("target " + o);
                         return c;
                     }()}};
    nlohmann::ordered_json records = nlohmann::ordered_json::array();
    for (const LossRecord& r : summary.records)
        records.push_back({{"iteration", r.iteration}, {"loss", finite_or_null(r.loss)}, {"window", r.window}});
    j["records"] = std::move(records);
    j["summary"] = {{"final_loss", finite_or_null(summary.final_loss)},
                    {"min_loss", finite_or_null(summary.min_loss)},
                    {"min_iteration", summary.min_iteration},
                    {"steps", summary.steps},
                    {"skipped", summary.skipped},
                    {"stop", std::string(to_string(summary.reason))}};

    std::string csv = "iteration,loss,window\n";
    for (const LossRecord& r : summary.records)
        csv += fmt::format("{},{:.17g},{}\n", r.iteration, r.loss, r.window);
    AtomicFile losses(dir / "losses.csv");
    losses.write(csv);
    losses.commit();

    AtomicFile trace(dir / "trace.json");
    trace.write(json_text(j, 1) + "\n");
    trace.commit();
}

} // namespace cgp
