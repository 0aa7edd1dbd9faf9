// Saved models (--save-model, --keep-best, --predict): the document of a trained iris model, its
// predictions against a plain f64 forward pass of its tensors and against the evaluation's test
// accuracy, the best validation point, --init-params from a saved model, a resumed run, and bad files.
#include "test_models.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/saved_model.hpp>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;
using cgp::test::error_of;
using Json = nlohmann::json;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
const fs::path kIris = fs::path(CGP_EXAMPLE_DATA_DIR) / "iris.csv";

fs::path temp(const std::string& name)
{
    return fs::temp_directory_path() / fmt::format("cgp-saved-{}-{}", ::getpid(), name);
}

struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& name, const std::string& text = {}) : path(temp(name))
    {
        if (!text.empty())
            std::ofstream(path) << text;
    }
    ~TempFile() { fs::remove(path); }
};

// Iris divided by row number: every fifth row (from row 0) to test, the next to validation.
struct IrisFiles {
    TempFile train{"train.csv"}, validation{"validation.csv"}, test{"test.csv"};
    IrisFiles()
    {
        std::ifstream in(kIris);
        std::string header, line;
        std::getline(in, header);
        std::ofstream t(train.path), v(validation.path), s(test.path);
        for (std::ofstream* f : {&t, &v, &s})
            *f << header << '\n';
        for (int i = 0; std::getline(in, line); ++i)
            *(i % 5 == 0 ? &s : i % 5 == 1 ? &v : &t) << line << '\n';
    }
};

std::unique_ptr<Experiment> iris_run(const IrisFiles& f, std::uint64_t iterations, Dtype dtype = Dtype::F64)
{
    auto plugin = Plugin::load(kPlugins / "adam.so");
    std::vector<double> hp;
    for (const auto& h : plugin->hparams())
        hp.push_back(h.name == "lr" ? 0.02 : h.default_value);
    DataChoice d;
    d.source = f.train.path.string();
    d.labels = {"species"};
    d.standardize = true;
    d.validation = f.validation.path.string();
    d.test = f.test.path.string();
    RunSettings s;
    s.iterations = iterations;
    s.batch_size = 16;
    s.dtype = dtype;
    s.loss = Loss::CrossEntropy;
    s.train.log_every = 20;
    s.eval.every = 40;
    s.init.scheme = InitScheme::XavierUniform;
    ModelChoice m;
    m.layers = {4, 6, 3};
    return std::make_unique<Experiment>(make_model(m), d, plugin, hp, s);
}

std::vector<std::vector<double>> read_rows(const fs::path& path, std::vector<std::string>& header)
{
    std::ifstream in(path);
    std::string line, cell;
    std::getline(in, line);
    std::istringstream h(line);
    while (std::getline(h, cell, ','))
        header.push_back(cell);
    std::vector<std::vector<double>> rows;
    while (std::getline(in, line)) {
        std::istringstream r(line);
        rows.emplace_back();
        for (std::size_t k = 0; k < 4 && std::getline(r, cell, ','); ++k)
            rows.back().push_back(std::stod(cell));
    }
    return rows;
}

// The softmax probabilities of a 4-6-3 sigmoid network from the document alone, in f64.
std::vector<double> reference_forward(const Json& doc, const std::vector<double>& raw)
{
    const Json& st = doc["data"]["standardization"];
    std::vector<double> x(doc["data"]["columns"].size());
    for (std::size_t k = 0; k < x.size(); ++k) {
        const std::string c = doc["data"]["columns"][k];
        x[k] = (raw[k] - st["mean"][c].get<double>()) / st["sd"][c].get<double>();
    }
    const auto tensor = [&](const std::string& name) {
        for (const auto& t : doc["tensors"])
            if (t["name"] == name)
                return t;
        BOOST_FAIL("no tensor " + name);
        return Json();
    };
    std::vector<double> h = x;
    for (int l = 1; l <= 2; ++l) {
        const Json w = tensor(fmt::format("layer{}.weight", l)), b = tensor(fmt::format("layer{}.bias", l));
        const std::size_t out = w["shape"][0], in = w["shape"][1];
        BOOST_REQUIRE(in == h.size());
        std::vector<double> z(out);
        for (std::size_t o = 0; o < out; ++o) {
            z[o] = b["values"][o].get<double>();
            for (std::size_t i = 0; i < in; ++i)
                z[o] += w["values"][o * in + i].get<double>() * h[i];
            if (l == 1)
                z[o] = 1.0 / (1.0 + std::exp(-z[o]));
        }
        h = z;
    }
    double top = h[0], sum = 0;
    for (double v : h)
        top = std::max(top, v);
    for (double& v : h)
        sum += (v = std::exp(v - top));
    for (double& v : h)
        v /= sum;
    return h;
}

// A CSV of three rows with the label y, trained in one batch.
DataChoice three_rows(const fs::path& path)
{
    DataChoice d;
    d.source = path.string();
    d.labels = {"y"};
    return d;
}

std::unique_ptr<Experiment> sgd_run(const ModelChoice& m, const DataChoice& d)
{
    auto plugin = Plugin::load(kPlugins / "sgd.so");
    std::vector<double> hp;
    for (const auto& h : plugin->hparams())
        hp.push_back(h.default_value);
    RunSettings s;
    s.iterations = 3;
    s.batch_size = 3;
    return std::make_unique<Experiment>(make_model(m), d, plugin, hp, s);
}

} // namespace

BOOST_AUTO_TEST_SUITE(saved_models)

BOOST_AUTO_TEST_CASE(a_saved_layered_model_predicts_what_a_plain_forward_pass_of_its_tensors_computes)
{
    const IrisFiles f;
    const auto ex = iris_run(f, 400);
    const TrainSummary summary = ex->run({});
    const TempFile saved("model.json");
    write_saved_model(saved.path, saved_model_json(*ex, summary, SavedParams::Final));
    std::ifstream in(saved.path);
    const Json doc = Json::parse(in);
    BOOST_TEST(doc["format"] == kSavedModelFormat);
    BOOST_TEST(doc["version"] == 1);
    BOOST_TEST(doc["loss"] == "cross-entropy");
    BOOST_TEST(doc["model"]["link"] == "softmax");
    BOOST_TEST(doc["data"]["classes"] == Json({"setosa", "versicolor", "virginica"}));
    BOOST_TEST(doc["data"]["labels"] == Json({"species"}));
    BOOST_TEST(doc["tensors"][0]["name"] == "layer1.weight");
    BOOST_TEST(doc["tensors"][0]["shape"] == Json({6, 4}));
    BOOST_TEST(doc["tensors"][1]["shape"] == Json({6}));
    BOOST_TEST(doc["parameters"].size() == ex->param_count());
    BOOST_TEST(doc["training"]["final_loss"].get<double>() == summary.final_loss);

    const SavedModel m = read_saved_model(saved.path);
    BOOST_TEST(m.params == ex->params());
    const Dataset rows = load_prediction_csv(m, kIris);
    const Predictions p = predict(m, rows);
    std::vector<std::string> header;
    const auto raw = read_rows(kIris, header);
    BOOST_REQUIRE(p.samples == raw.size());
    BOOST_REQUIRE(p.outputs == 3u);
    for (std::size_t s = 0; s < raw.size(); ++s) {
        const std::vector<double> want = reference_forward(doc, raw[s]);
        for (std::size_t o = 0; o < 3; ++o)
            BOOST_TEST(std::abs(p.values[s * 3 + o] - want[o]) < 1e-12);
        BOOST_TEST(p.classes[s] == std::max_element(want.begin(), want.end()) - want.begin());
    }
    const std::string csv = predictions_csv(m, p);
    BOOST_TEST(csv.rfind("class,p(setosa),p(versicolor),p(virginica)\nsetosa,", 0) == 0);
}

BOOST_AUTO_TEST_CASE(predictions_of_a_saved_f32_model_give_the_test_accuracy_the_evaluation_reported)
{
    const IrisFiles f;
    const auto ex = iris_run(f, 200, Dtype::F32);
    const TrainSummary summary = ex->run({});
    const TempFile saved("f32.json");
    write_saved_model(saved.path, saved_model_json(*ex, summary, SavedParams::Final));
    const SavedModel m = read_saved_model(saved.path);
    const Dataset test = load_prediction_csv(m, f.test.path);
    const Predictions p = predict(m, test);
    std::size_t correct = 0;
    for (std::size_t s = 0; s < p.samples; ++s)
        correct += p.classes[s] == test.classes[s] ? 1 : 0;
    BOOST_REQUIRE(ex->evaluation() != nullptr);
    BOOST_TEST(static_cast<double>(correct) / static_cast<double>(p.samples) ==
               ex->evaluation()->points.back().test.accuracy);
}

BOOST_AUTO_TEST_CASE(keep_best_saves_the_best_validation_parameters_and_their_metrics)
{
    const IrisFiles f;
    const auto ex = iris_run(f, 400);
    const TrainSummary summary = ex->run({});
    const EvalReport& r = *ex->evaluation();
    const auto doc = saved_model_json(*ex, summary, SavedParams::BestValidation);
    BOOST_TEST(doc["training"]["parameters_from"] == "best validation");
    BOOST_TEST(doc["training"]["best_validation"]["iteration"] == r.best.iteration);
    BOOST_TEST(doc["training"]["best_validation"]["validation"]["accuracy"].get<double>() ==
               r.best.validation.accuracy);
    const Graph& g = ex->graph();
    for (std::size_t i = 0; i < g.params.size(); ++i)
        BOOST_TEST(doc["parameters"][g.params[i]].get<double>() == r.best_params[i]);
}

BOOST_AUTO_TEST_CASE(init_params_starts_from_the_parameters_of_a_saved_model)
{
    const IrisFiles f;
    const auto ex = iris_run(f, 100);
    const TrainSummary summary = ex->run({});
    const TempFile saved("start.json");
    write_saved_model(saved.path, saved_model_json(*ex, summary, SavedParams::Final));
    InitSettings s;
    s.params_file = saved.path.string();
    BOOST_TEST(initial_values(ex->graph(), s, 7) == ex->params());
}

BOOST_AUTO_TEST_CASE(a_resumed_run_saves_the_model_a_straight_run_saves)
{
    const IrisFiles f;
    const auto straight = iris_run(f, 400);
    const TrainSummary whole = straight->run({});
    const auto first = iris_run(f, 200);
    first->run({});
    const Checkpoint c = first->checkpoint();
    const auto second = iris_run(f, 400);
    second->resume(c, "the first half");
    const TrainSummary rest = second->run({});
    const auto a = saved_model_json(*straight, whole, SavedParams::Final);
    const auto b = saved_model_json(*second, rest, SavedParams::Final);
    BOOST_TEST(a["parameters"] == b["parameters"]);
    BOOST_TEST(a["tensors"] == b["tensors"]);
    BOOST_TEST(a["training"]["final_loss"] == b["training"]["final_loss"]);
    BOOST_TEST(a["training"]["best_validation"] == b["training"]["best_validation"]);
}

BOOST_AUTO_TEST_CASE(bad_saved_models_are_refused_with_the_place_and_a_hint)
{
    const TempFile broken("broken.json", "{\n  \"format\": \"cgp-saved-model\",\n  \"version\": 1,,\n}\n");
    const std::string e1 = error_of([&] { read_saved_model(broken.path); });
    BOOST_TEST(e1.find(broken.path.string() + ":3:16: error: not valid JSON") != std::string::npos, e1);
    const TempFile newer("newer.json", "{\"format\": \"cgp-saved-model\", \"version\": 2}");
    const std::string e2 = error_of([&] { read_saved_model(newer.path); });
    BOOST_TEST(e2.find("format version 2 is newer than this cgp reads (1)") != std::string::npos, e2);
    const TempFile other("other.json", "{\"a\": 1}");
    const std::string e3 = error_of([&] { read_saved_model(other.path); });
    BOOST_TEST(e3.find("not a saved model") != std::string::npos, e3);

    const IrisFiles f;
    const auto ex = iris_run(f, 20);
    const TrainSummary summary = ex->run({});
    const TempFile saved("cols.json");
    write_saved_model(saved.path, saved_model_json(*ex, summary, SavedParams::Final));
    const SavedModel m = read_saved_model(saved.path);
    const TempFile renamed("renamed.csv", "sepal_length,sepal_width,petal_len,petal_width\n1,2,3,4\n");
    const std::string e4 = error_of([&] { predict(m, load_prediction_csv(m, renamed.path)); });
    BOOST_TEST(e4.find("has no column 'petal_length', input 3 of the saved model") != std::string::npos, e4);
}

BOOST_AUTO_TEST_CASE(a_model_that_names_its_inputs_reads_and_standardises_only_those_columns)
{
    // An id and a note of text, and a numeric column the model does not read: only xb and xa are
    // read, standardised from their own rows, and saved; predictions skip the other columns too.
    const TempFile data("named.csv", "id,xa,unused,xb,note,y\nr1,1,100,2,x,0.5\nr2,3,200,6,,1.5\nr3,5,300,4,z,2\n");
    DataChoice d = three_rows(data.path);
    d.standardize = true;
    ModelChoice m;
    m.expressions = {"xo = p*xb + q*xa + r"};
    const auto ex = sgd_run(m, d);
    BOOST_TEST(ex->dataset().feature_names == (std::vector<std::string>{"xb", "xa"}), boost::test_tools::per_element());
    BOOST_TEST(ex->standardization().mean == (std::vector<double>{3.0, 4.0}), boost::test_tools::per_element());
    const Json doc = saved_model_json(*ex, TrainSummary{}, SavedParams::Final);
    const Json& st = doc["data"]["standardization"];
    BOOST_TEST(st["mean"].size() == 2u);
    BOOST_TEST(st["mean"]["xa"].get<double>() == 3.0);
    BOOST_TEST(st["sd"]["xb"].get<double>() == std::sqrt(8.0 / 3.0));
    BOOST_TEST(doc["data"]["columns"] == (Json{"xb", "xa"}));

    const TempFile saved("named.json");
    write_saved_model(saved.path, doc);
    const SavedModel model = read_saved_model(saved.path);
    // At the training means both inputs standardise to 0: the prediction is the bias r.
    const TempFile rows("named-rows.csv", "note,xb,xa,id\nfirst,4,3,r9\n");
    const Predictions p = predict(model, load_prediction_csv(model, rows.path));
    BOOST_REQUIRE(p.samples == 1u);
    BOOST_TEST(p.values[0] == doc["parameters"]["r"].get<double>(), boost::test_tools::tolerance(1e-6));
    const TempFile lacking("lacking.csv", "note,xb,id\nfirst,4,r9\n");
    const std::string e = error_of([&] { load_prediction_csv(model, lacking.path); });
    BOOST_TEST(e.find("has no column 'xa', input 2 of the saved model") != std::string::npos, e);
}

BOOST_AUTO_TEST_CASE(features_choose_the_columns_a_layered_model_reads_in_their_order)
{
    const TempFile data("features.csv", "id,f1,kind,f2,y\nr1,1,a,10,0.5\nr2,3,b,30,1.5\nr3,5,a,20,2\n");
    DataChoice d = three_rows(data.path);
    d.features = {"f2", "f1"};
    ModelChoice m;
    m.layers = {2, 1};
    const auto ex = sgd_run(m, d);
    BOOST_TEST(ex->dataset().feature_names == (std::vector<std::string>{"f2", "f1"}), boost::test_tools::per_element());
    BOOST_TEST(ex->dataset().x == (std::vector<double>{10, 1, 30, 3, 20, 5}), boost::test_tools::per_element());
    const auto refused = [&](const std::vector<std::string>& features) {
        DataChoice bad = d;
        bad.features = features;
        return error_of([&] { sgd_run(m, bad); });
    };
    const std::string missing = refused({"f1", "f3"});
    BOOST_TEST(missing.find("features.csv:1:1: error: no column named 'f3'") != std::string::npos, missing);
    BOOST_TEST(missing.find("hint: --features must name columns; columns are: id, f1, kind, f2, y") !=
                   std::string::npos,
               missing);
    BOOST_TEST(refused({"f1", "y"}).find("--features f1,y: 'y' is also a --label") != std::string::npos);
    BOOST_TEST(refused({"f1", "f1"}).find("'f1' is named twice") != std::string::npos);
    const std::string count = refused({"f1"});
    BOOST_TEST(count.find("the model has 2 inputs") != std::string::npos, count);
}

BOOST_AUTO_TEST_SUITE_END()
