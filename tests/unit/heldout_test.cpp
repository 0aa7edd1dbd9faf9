// Real data: class columns (integers or names) bound to a model's outputs, held-out splits
// (stratified, with standardisation from the training rows only), validation and test files, and the
// evaluation's metrics against counts made here.
#include "test_models.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/experiment.hpp>

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

using cgp::test::error_of;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

struct TempCsv {
    fs::path path;
    TempCsv(const std::string& name, const std::string& text)
        : path(fs::temp_directory_path() / ("cgp-heldout-" + std::to_string(::getpid()) + "-" + name))
    {
        std::ofstream(path) << text;
    }
    ~TempCsv() { fs::remove(path); }
};

// Two features and a class column of three classes; 10 rows of each class in the order a, b, c, ...
std::string three_classes(int rows_per_class = 10)
{
    std::string text = "f1,f2,kind\n";
    const char* names[] = {"b", "a", "c"};
    for (int r = 0; r < rows_per_class; ++r)
        for (int c = 0; c < 3; ++c)
            text += fmt::format("{},{},{}\n", c * 10 + r, (r % 2) * 3 + c, names[c]);
    return text;
}

std::unique_ptr<Experiment> experiment(const ModelSpec& model, const DataChoice& data, RunSettings s)
{
    auto plugin = Plugin::load(kPlugins / "sgd.so");
    std::vector<double> hp;
    for (const auto& h : plugin->hparams())
        hp.push_back(h.default_value);
    return std::make_unique<Experiment>(model, data, plugin, hp, s);
}

DataChoice csv_data(const fs::path& path, const std::string& label)
{
    DataChoice d;
    d.source = path.string();
    d.labels = {label};
    return d;
}

} // namespace

BOOST_AUTO_TEST_SUITE(held_out)

BOOST_AUTO_TEST_CASE(a_class_column_of_names_becomes_sorted_one_hot_classes)
{
    const TempCsv f("names.csv", three_classes());
    const ClassColumn three{3, {}};
    const Dataset d = load_csv(f.path, {{"kind"}, false}, &three);
    BOOST_TEST(d.class_names == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(d.label_names == (std::vector<std::string>{"kind=a", "kind=b", "kind=c"}));
    BOOST_REQUIRE(d.classes.size() == 30u);
    BOOST_TEST(d.classes[0] == 1); // "b"
    BOOST_TEST(d.y[0] == 0.0);
    BOOST_TEST(d.y[1] == 1.0);
    BOOST_TEST(d.y[2] == 0.0);
    const ClassColumn one{1, {}};
    const TempCsv bin("binary.csv", "x,y\n1,0\n2,1\n3,1\n");
    const Dataset b = load_csv(bin.path, {{"y"}, false}, &one);
    BOOST_TEST(b.y == (std::vector<double>{0, 1, 1}));
    BOOST_TEST(b.class_names == (std::vector<std::string>{"0", "1"}));
}

BOOST_AUTO_TEST_CASE(class_columns_that_do_not_fit_the_outputs_are_refused)
{
    const TempCsv f("names.csv", three_classes());
    const ClassColumn two{2, {}};
    BOOST_TEST(error_of([&] {
                   load_csv(f.path, {{"kind"}, false}, &two);
               }).find("column 'kind' has 3 classes (a, b, c) but the model has 2 output(s)") != std::string::npos);
    const TempCsv ints("ints.csv", "x,y\n1,0\n2,3\n");
    const ClassColumn three{3, {}};
    BOOST_TEST(error_of([&] {
                   load_csv(ints.path, {{"y"}, false}, &three);
               }).find(":3: class 3 in column 'y' is out of range") != std::string::npos);
    const ClassColumn known{3, {"a", "b", "c"}};
    const TempCsv unknown("unknown.csv", "f1,f2,kind\n1,2,a\n1,2,d\n");
    BOOST_TEST(error_of([&] {
                   load_csv(unknown.path, {{"kind"}, false}, &known);
               }).find(":3: class 'd' in column 'kind' is not one of the training data's classes") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_split_is_stratified_and_standardised_from_the_training_rows)
{
    const TempCsv f("split.csv", three_classes(20));
    DataChoice d = csv_data(f.path, "kind");
    d.split = {0.6, 0.2, 0.2};
    d.standardize = true;
    RunSettings s;
    s.loss = Loss::CrossEntropy;
    const auto ex = experiment(layered_model({2, 3}), d, s);
    BOOST_TEST(ex->dataset().samples == 36u);
    BOOST_TEST(ex->validation().samples == 12u);
    BOOST_TEST(ex->test().samples == 12u);
    for (const Dataset* split : {&ex->dataset(), &ex->validation(), &ex->test()}) {
        std::vector<int> count(3, 0);
        for (int c : split->classes)
            ++count[static_cast<std::size_t>(c)];
        BOOST_TEST(count[0] == count[1]); // stratified: each class in its share
        BOOST_TEST(count[1] == count[2]);
    }
    // Training features have mean 0 and sd 1; the others use the training rows' statistics.
    const Dataset& train = ex->dataset();
    double mean = 0, sq = 0;
    for (std::size_t r = 0; r < train.samples; ++r) {
        mean += train.x[r * 2] / static_cast<double>(train.samples);
        sq += train.x[r * 2] * train.x[r * 2] / static_cast<double>(train.samples);
    }
    BOOST_TEST(std::abs(mean) < 1e-12);
    BOOST_TEST(std::abs(sq - 1) < 1e-12);
    const Standardization& st = ex->standardization();
    BOOST_REQUIRE(st.mean.size() == 2u);
    BOOST_TEST(st.mean[0] != 0.0);
    // Same seed, same split.
    const auto again = experiment(layered_model({2, 3}), d, s);
    BOOST_TEST(again->validation().x == ex->validation().x);
}

BOOST_AUTO_TEST_CASE(bad_splits_and_held_out_files_are_refused_naming_what_failed)
{
    const TempCsv f("split.csv", three_classes());
    RunSettings s;
    s.loss = Loss::CrossEntropy;
    const auto refused = [&](DataChoice d) { return error_of([&] { experiment(layered_model({2, 3}), d, s); }); };
    DataChoice d = csv_data(f.path, "kind");
    d.split = {0.5, 0.3, 0.3};
    BOOST_TEST(refused(d).find("the fractions sum to 1.1 instead of 1") != std::string::npos);
    d.split = {0.98, 0.01, 0.01};
    BOOST_TEST(refused(d).find("the validation split of") != std::string::npos);
    d.split = {0.8, 0.2};
    BOOST_TEST(refused(d).find("--split takes three fractions") != std::string::npos);
    const TempCsv other("other.csv", "f1,f3,kind\n1,2,a\n");
    d.split.clear();
    d.validation = other.path.string();
    BOOST_TEST(refused(d).find("column 2 is 'f3' but the training file") != std::string::npos);
    DataChoice generated;
    generated.split = {0.8, 0.1, 0.1};
    RunSettings mse;
    BOOST_TEST(error_of([&] {
                   experiment(layered_model({2, 1}), generated, mse);
               }).find("apply to CSV data") != std::string::npos);
    RunSettings epochs;
    epochs.eval.epochs = 3;
    BOOST_TEST(error_of([&] {
                   experiment(layered_model({2, 1}), DataChoice{}, epochs);
               }).find("--epochs applies to CSV data") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(evaluation_counts_accuracy_and_confusion_as_counted_by_hand)
{
    // One output per class, y_k = w_k * f1 (f2 unused): with w = (1, 0, 0) class a always wins for
    // f1 > 0, so the accuracy is the share of class a.
    const TempCsv f("eval.csv", "xf1,xf2,kind\n1,0,a\n2,0,a\n3,0,b\n4,0,c\n5,0,a\n");
    const ClassColumn three{3, {}};
    const Dataset d = load_csv(f.path, {{"kind"}, false}, &three);
    ModelSpec spec = expr_model({"xya = wa*xf1 + za*xf2", "xyb = wb*xf1 + zb*xf2", "xyc = wc*xf1 + zc*xf2"});
    const Graph g = build_graph(spec);
    SplitEvaluator<double> ev(g, d, Loss::CrossEntropy, Link::Softmax, SimdPath::Auto);
    std::vector<double> params(g.params.size(), 0.0);
    params[0] = 1.0; // wa
    std::vector<std::uint64_t> confusion(9, 0);
    SplitMetrics m;
    ev.evaluate(params, m, confusion);
    BOOST_TEST(m.accuracy == 0.6);
    BOOST_TEST(confusion == (std::vector<std::uint64_t>{3, 0, 0, 1, 0, 0, 1, 0, 0}));
    // The loss is cross-entropy's mean over the rows: lse(f1, 0, 0) - y_true.
    double expected = 0;
    const double f1[] = {1, 2, 3, 4, 5};
    const int truth[] = {0, 0, 1, 2, 0};
    for (int r = 0; r < 5; ++r) {
        const double lse = std::log(std::exp(f1[r]) + 2.0);
        expected += (lse - (truth[r] == 0 ? f1[r] : 0.0)) / 5.0;
    }
    BOOST_TEST(std::abs(m.loss - expected) < 1e-12);
}

BOOST_AUTO_TEST_CASE(regression_metrics_are_mae_and_r2)
{
    const TempCsv f("reg.csv", "xx,t\n1,2\n2,4\n3,7\n");
    const Dataset d = load_csv(f.path, {{"t"}, false});
    const Graph g = build_graph(expr_model({"xy = a*xx"}));
    SplitEvaluator<double> ev(g, d, Loss::Mse, Link::None, SimdPath::Scalar);
    SplitMetrics m;
    const std::vector<double> a = {2.0}; // predictions 2, 4, 6: errors 0, 0, -1
    ev.evaluate(a, m, {});
    BOOST_TEST(std::abs(m.mae - 1.0 / 3) < 1e-15);
    const double mean = 13.0 / 3, ss_tot = (2 - mean) * (2 - mean) + (4 - mean) * (4 - mean) + (7 - mean) * (7 - mean);
    BOOST_TEST(std::abs(m.r2 - (1 - 1 / ss_tot)) < 1e-15);
    BOOST_TEST(std::abs(m.loss - 1.0 / 3) < 1e-15);
}

BOOST_AUTO_TEST_CASE(a_run_with_held_out_data_reports_its_best_validation_point)
{
    const TempCsv f("run.csv", three_classes(20));
    DataChoice d = csv_data(f.path, "kind");
    d.split = {0.6, 0.2, 0.2};
    d.standardize = true;
    RunSettings s;
    s.loss = Loss::CrossEntropy;
    s.iterations = 400;
    s.batch_size = 8;
    s.train.log_every = 50;
    s.eval.every = 100;
    s.init.scheme = InitScheme::Auto;
    const auto ex = experiment(layered_model({2, 8, 3}), d, s);
    ex->run({});
    const EvalReport* r = ex->evaluation();
    BOOST_REQUIRE(r != nullptr);
    BOOST_TEST(r->classification);
    BOOST_TEST(r->points.size() == 4u); // 100, 200, 300, and 400 at the end with the confusion matrices
    BOOST_TEST(r->points.back().iteration == 400u);
    BOOST_TEST(r->has_best);
    BOOST_TEST(r->best.validation.accuracy >= r->points.front().validation.accuracy);
    std::uint64_t total = 0;
    for (std::uint64_t c : r->confusion_test)
        total += c;
    BOOST_TEST(total == 12u);
    BOOST_TEST(r->best_params.size() == ex->param_count());
}

// Regression data where a = 1.5 fits best: evaluations at a = 1, 2, 1.5 give a history, a best
// point and metrics of both splits that a checkpoint's state must carry.
BOOST_AUTO_TEST_CASE(evaluation_state_carries_the_history_and_the_best_point_through_a_checkpoint)
{
    const TempCsv f("state.csv", "xx,t\n1,1.5\n2,3\n3,4.5\n");
    const Dataset d = load_csv(f.path, {{"t"}, false});
    const Graph g = build_graph(expr_model({"xy = a*xx"}));
    const EvalOptions options{10, 0, 10, 100};
    std::vector<double> a{1.0};
    EvaluationT<double> straight(g, d, d, Loss::Mse, Link::None, SimdPath::Scalar, a, options);
    for (const double value : {1.0, 2.0, 1.5}) {
        a[0] = value;
        straight.on_record({10 * straight.report().points.size() + 10, 0.0, 10, 0.0}, {});
    }
    const std::string state = straight.save_state();
    std::vector<double> b{0.0};
    EvaluationT<double> resumed(g, d, d, Loss::Mse, Link::None, SimdPath::Scalar, b, options);
    resumed.restore_state(state);
    const EvalReport& r = resumed.report();
    BOOST_TEST_REQUIRE(r.points.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(r.points[i].iteration == straight.report().points[i].iteration);
        BOOST_TEST(r.points[i].validation.loss == straight.report().points[i].validation.loss);
        BOOST_TEST(r.points[i].test.mae == straight.report().points[i].test.mae);
        BOOST_TEST(r.points[i].test.r2 == straight.report().points[i].test.r2);
        BOOST_TEST(std::isnan(r.points[i].test.accuracy)); // regression: no accuracy, kept as such
    }
    BOOST_TEST(r.has_best);
    BOOST_TEST(r.best.iteration == 30u);
    BOOST_TEST(r.best.validation.loss == 0.0);
    BOOST_TEST(r.best.test.r2 == 1.0);
    BOOST_TEST(r.best_params == std::vector<double>{1.5});
    BOOST_TEST(resumed.save_state() == state);
    // Later evaluations go on after the restored ones.
    b[0] = 1.0;
    resumed.on_record({40, 0.0, 10, 0.0}, {});
    BOOST_TEST(r.points.size() == 4u);
}

BOOST_AUTO_TEST_CASE(evaluation_state_of_an_older_checkpoint_restores_the_best_point_without_history)
{
    const TempCsv f("old-state.csv", "xx,t\n1,1.5\n2,3\n");
    const Dataset d = load_csv(f.path, {{"t"}, false});
    const Graph g = build_graph(expr_model({"xy = a*xx"}));
    std::vector<double> a{0.0};
    EvaluationT<double> e(g, d, d, Loss::Mse, Link::None, SimdPath::Scalar, a, EvalOptions{10, 0, 10, 100});
    // As cgp wrote it before the history was kept: iteration, loss, accuracy, evaluations since, parameters.
    e.restore_state("20 0.25 nan 1 1.25");
    BOOST_TEST(e.report().has_best);
    BOOST_TEST(e.report().best.iteration == 20u);
    BOOST_TEST(e.report().best.validation.loss == 0.25);
    BOOST_TEST(e.report().best_params == std::vector<double>{1.25});
    BOOST_TEST(e.report().points.empty());
    EvaluationT<double> none(g, d, d, Loss::Mse, Link::None, SimdPath::Scalar, a, EvalOptions{10, 0, 10, 100});
    none.restore_state("none");
    BOOST_TEST(!none.report().has_best);
    BOOST_TEST(error_of([&] { none.restore_state("none history 2 10"); }).find("evaluation history is malformed") !=
               std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
