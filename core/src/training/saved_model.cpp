// Saved models: the document of a trained run (docs/saved-models.md) and reading it back.
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/json_document.hpp>
#include <cgp/training/saved_model.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace cgp {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kLinkNames[] = {"none", "sigmoid", "softmax"};

Json number(double v)
{
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}

Json metrics(const SplitMetrics& m, bool classification)
{
    Json j{{"loss", number(m.loss)}};
    if (classification)
        j["accuracy"] = number(m.accuracy);
    else {
        j["mae"] = number(m.mae);
        j["r2"] = number(m.r2);
    }
    return j;
}

Json point_json(const EvalReport& r, const EvalPoint& p)
{
    Json j{{"iteration", p.iteration}};
    if (r.has_validation)
        j["validation"] = metrics(p.validation, r.classification);
    if (r.has_test)
        j["test"] = metrics(p.test, r.classification);
    return j;
}

// The source lines that hold the model's statements, in order (directives and comments left out).
std::vector<std::string> statement_lines(const ParsedText& t)
{
    std::vector<std::string> out;
    int last = 0;
    for (const Statement& s : t.statements)
        if (s.lhs_pos.line != last) {
            last = s.lhs_pos.line;
            out.push_back(t.line(last));
        }
    return out;
}

// The columns of the training file in file order that are labels (the class column, or one column
// per output), or features: the features as read, which the standardisation is indexed by (columns
// the model did not read are neither).
std::vector<std::string> file_columns(const Dataset& d, bool labels)
{
    std::vector<std::string> out;
    for (const std::string& c : d.columns) {
        const bool label = std::any_of(d.label_names.begin(), d.label_names.end(),
                                       [&](const std::string& l) { return l == c || l.rfind(c + "=", 0) == 0; });
        const bool feature = std::find(d.feature_names.begin(), d.feature_names.end(), c) != d.feature_names.end();
        if (labels ? label : !label && feature)
            out.push_back(c);
    }
    return out;
}

[[noreturn]] void bad(const std::string& origin, const std::string& what)
{
    throw Error(fmt::format("saved model {}: {}\nhint: --saved-model takes a file written by --save-model or "
                            "--keep-best",
                            origin, what));
}

const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& origin, const char* where)
{
    if (!j.is_object() || !j.contains(key))
        bad(origin, fmt::format("'{}' has no field '{}'", where, key));
    return j[key];
}

template <class T>
T get(const nlohmann::json& j, const char* key, const std::string& origin, const char* where)
{
    try {
        return field(j, key, origin, where).get<T>();
    } catch (const nlohmann::json::exception&) {
        bad(origin, fmt::format("the field '{}' of '{}' has the wrong type", key, where));
    }
}

} // namespace

Json saved_model_json(const Experiment& ex, const TrainSummary& summary, SavedParams which)
{
    const ModelSpec& spec = ex.model();
    const Graph& g = ex.graph();
    const EvalReport* r = ex.evaluation();
    if (which == SavedParams::BestValidation && (r == nullptr || !r->has_best))
        throw Error("--keep-best needs a validation split that was evaluated\nhint: --validation FILE or --split "
                    "with a validation fraction");
    const std::vector<double> params = which == SavedParams::BestValidation ? r->best_params : ex.params();

    Json model{{"name", spec.name},
               {"statements", statement_lines(spec.text)},
               {"activation", to_string(spec.activation)},
               {"bias", spec.node_bias ? "per-node" : "none"},
               {"output_activation", spec.output_activation ? Json(to_string(*spec.output_activation)) : Json()},
               {"link", kLinkNames[static_cast<int>(spec.output_link)]},
               {"layers", spec.layers},
               {"generated", spec.generated},
               {"inputs", g.inputs},
               {"outputs", g.outputs}};
    const Dataset& d = ex.dataset();
    Json data{{"source", d.origin},
              {"columns", d.origin == "generated" ? g.inputs : d.feature_names},
              {"labels", d.origin == "generated" ? std::vector<std::string>{"class"} : file_columns(d, true)},
              {"classes", d.class_names}};
    const Standardization& st = ex.standardization();
    if (st.mean.empty()) {
        data["standardization"] = nullptr;
    } else {
        Json mean = Json::object(), sd = Json::object();
        const std::vector<std::string> cols = file_columns(d, false);
        for (std::size_t k = 0; k < cols.size() && k < st.mean.size(); ++k) {
            mean[cols[k]] = st.mean[k];
            sd[cols[k]] = st.sd[k];
        }
        data["standardization"] = {{"mean", mean}, {"sd", sd}};
    }
    Json by_name = Json::object();
    for (std::size_t i = 0; i < g.params.size(); ++i)
        by_name[g.params[i]] = params[i];
    Json tensors = Json::array();
    for (const ModelTensor& t : model_tensors(g)) {
        const auto first = params.begin() + static_cast<std::ptrdiff_t>(t.offset);
        tensors.push_back(
            {{"name", t.name},
             {"shape", t.shape},
             {"kind", t.kind == CGP_TENSOR_BIAS     ? "bias"
                      : t.kind == CGP_TENSOR_SCALAR ? "scalar"
                                                    : "weight"},
             {"names", std::vector<std::string>(g.params.begin() + static_cast<std::ptrdiff_t>(t.offset),
                                                g.params.begin() + static_cast<std::ptrdiff_t>(t.offset + t.count))},
             {"values", std::vector<double>(first, first + static_cast<std::ptrdiff_t>(t.count))}});
    }
    Json training{{"optimizer", ex.optimizer().plugin().id()},
                  {"iterations", summary.iterations},
                  {"parameters_from", which == SavedParams::BestValidation ? "best validation" : "final"},
                  {"final_loss", number(summary.final_loss)}};
    if (r != nullptr && !r->points.empty()) {
        training["final"] = point_json(*r, r->points.back());
        if (r->has_best)
            training["best_validation"] = point_json(*r, r->best);
    }
    return Json{{"format", kSavedModelFormat},
                {"version", kSavedModelVersion},
                {"model", model},
                {"loss", to_string(ex.settings().loss)},
                {"dtype", to_string(ex.settings().dtype)},
                {"data", data},
                {"parameters", by_name},
                {"tensors", tensors},
                {"training", training}};
}

void write_saved_model(const std::filesystem::path& path, const Json& doc)
{
    AtomicFile out(path);
    out.write(doc.dump(1));
    out.write("\n");
    out.commit();
}

SavedModel read_saved_model(const std::filesystem::path& path)
{
    const std::string origin = path.string();
    const std::string text = read_input_file(path, "saved model", kCsvFileLimit,
                                             "--saved-model takes a file written by --save-model or --keep-best");
    const nlohmann::json j =
        parse_json_document(text, origin, "--saved-model takes a file written by --save-model or --keep-best");
    if (!j.is_object() || !j.contains("format") || j["format"] != kSavedModelFormat)
        bad(origin, fmt::format("not a saved model (no \"format\": \"{}\")", kSavedModelFormat));
    const int version = get<int>(j, "version", origin, "the file");
    if (version > kSavedModelVersion)
        throw Error(fmt::format("saved model {}: format version {} is newer than this cgp reads ({})\nhint: use the "
                                "cgp that wrote it, or a newer one",
                                origin, version, kSavedModelVersion));
    if (version < 1)
        bad(origin, fmt::format("format version {} is not a version", version));

    SavedModel m;
    m.origin = origin;
    const nlohmann::json& model = field(j, "model", origin, "the file");
    const auto lines = get<std::vector<std::string>>(model, "statements", origin, "model");
    std::string joined;
    for (const auto& l : lines)
        joined += l + "\n";
    ModelSpec& spec = m.spec;
    spec.name = get<std::string>(model, "name", origin, "model");
    spec.text = parse_statements(origin + " model.statements", joined);
    spec.activation = parse_activation(get<std::string>(model, "activation", origin, "model"));
    spec.node_bias = get<std::string>(model, "bias", origin, "model") == "per-node";
    if (const auto& oa = field(model, "output_activation", origin, "model"); !oa.is_null())
        spec.output_activation = parse_activation(get<std::string>(model, "output_activation", origin, "model"));
    const std::string link = get<std::string>(model, "link", origin, "model");
    const auto li = std::find(std::begin(kLinkNames), std::end(kLinkNames), link);
    if (li == std::end(kLinkNames))
        bad(origin, fmt::format("unknown link '{}'; use none, sigmoid or softmax", link));
    spec.output_link = static_cast<Link>(li - std::begin(kLinkNames));
    spec.layers = get<std::vector<int>>(model, "layers", origin, "model");
    spec.generated = get<bool>(model, "generated", origin, "model");
    for (const auto& o : get<std::vector<std::string>>(model, "outputs", origin, "model"))
        spec.outputs.push_back({o, {}});
    m.graph = build_graph(spec);
    m.loss = parse_loss(get<std::string>(j, "loss", origin, "the file"));
    m.f64 = get<std::string>(j, "dtype", origin, "the file") == "f64";

    const nlohmann::json& params = field(j, "parameters", origin, "the file");
    if (!params.is_object())
        bad(origin, "'parameters' is not an object of name: value pairs");
    m.params.resize(m.graph.params.size());
    for (std::size_t i = 0; i < m.graph.params.size(); ++i) {
        const std::string& name = m.graph.params[i];
        if (!params.contains(name) || !params[name].is_number())
            bad(origin, fmt::format("'parameters' gives no number for the model's parameter '{}'", name));
        m.params[i] = params[name].get<double>();
    }
    if (params.size() != m.graph.params.size())
        bad(origin, fmt::format("'parameters' has {} values but the model has {} parameters", params.size(),
                                m.graph.params.size()));

    const nlohmann::json& data = field(j, "data", origin, "the file");
    m.columns = get<std::vector<std::string>>(data, "columns", origin, "data");
    m.labels = get<std::vector<std::string>>(data, "labels", origin, "data");
    m.class_names = get<std::vector<std::string>>(data, "classes", origin, "data");
    if (m.columns.size() != m.graph.inputs.size())
        bad(origin, fmt::format("'data.columns' names {} columns but the model has {} inputs", m.columns.size(),
                                m.graph.inputs.size()));
    if (const auto& st = field(data, "standardization", origin, "data"); !st.is_null()) {
        const nlohmann::json& mean = field(st, "mean", origin, "data.standardization");
        const nlohmann::json& sd = field(st, "sd", origin, "data.standardization");
        for (const auto& [name, v] : mean.items()) {
            if (!v.is_number() || !sd.contains(name) || !sd[name].is_number() || !(sd[name].get<double>() > 0))
                bad(origin, fmt::format("'data.standardization' has no usable mean and sd for '{}'", name));
            m.standardized.push_back(name);
            m.mean.push_back(v.get<double>());
            m.sd.push_back(sd[name].get<double>());
        }
    }
    return m;
}

} // namespace cgp
