// The real suite: the datasets shipped in examples/data as benchmark problems with layered models.
//
// Each dataset is split once, with the fixed seed 0 whatever the benchmark's --seed: 60/20/20,
// stratified by class (cgp-run's --split 0.6,0.2,0.2 --seed 0), the features standardised with the
// training rows' mean and standard deviation. The three splits are written into the benchmark
// folder's data/ as NAME.csv, NAME-validation.csv and NAME-test.csv (the class column keeps its
// names), so tuning reads validation, measurement reads test, and every trial sees the same rows.
// The target is a held-out loss (cross-entropy, or bce for breast cancer's one output). A problem
// file's `split` key divides its CSV file the same way (write_split).
#include "problems.hpp"

#include "text.hpp"

#include <cgp/io/error.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <fmt/format.h>

#include <cstdlib>

namespace cgp::sweep {
namespace fs = std::filesystem;
namespace {

// The rows of a split as CSV: the features, then the label columns as the problem names them (a
// class column keeps its class names).
std::string csv_of(const Dataset& d, const std::vector<std::string>& labels)
{
    std::string out;
    for (const std::string& f : d.feature_names)
        out += f + ",";
    const bool classes = !d.classes.empty();
    const std::vector<std::string>& label_columns = classes ? labels : d.label_names;
    for (std::size_t k = 0; k < label_columns.size(); ++k)
        out += label_columns[k] + (k + 1 < label_columns.size() ? "," : "\n");
    const std::size_t F = d.features(), L = d.labels();
    for (std::size_t s = 0; s < d.samples; ++s) {
        for (std::size_t k = 0; k < F; ++k)
            out += fmt::format("{:.17g},", d.x[s * F + k]);
        if (classes)
            out += d.class_names[static_cast<std::size_t>(d.classes[s])] + "\n";
        else
            for (std::size_t k = 0; k < L; ++k)
                out += fmt::format("{:.17g}{}", d.y[s * L + k], k + 1 < L ? "," : "\n");
    }
    return out;
}

struct RealEntry {
    const char* name;
    const char* file;
    const char* label;
    std::vector<int> layers;
    Loss loss;
    std::uint64_t steps;
    double target;
    const char* note;
};

} // namespace

void write_split(BenchProblem& p, const std::vector<double>& fractions, const fs::path& data_dir)
{
    std::error_code ec;
    fs::create_directories(data_dir, ec);
    if (!fs::is_directory(data_dir))
        throw Error(fmt::format("cannot create folder '{}': {}", data_dir.string(), ec.message()));
    // Any plugin builds the experiment that splits the data (no step is taken).
    const auto plugin = Plugin::load(resolve_plugin("sgd", plugin_search_path({})));
    DataChoice split = p.data;
    split.split = fractions;
    RunSettings s;
    s.iterations = 1;
    s.seed = 0;
    apply_fit(p, s);
    const Experiment ex(p.model, split, plugin, plugin->defaults(), s);
    const fs::path base = data_dir / p.name;
    write_text_file(base.string() + ".csv", csv_of(ex.dataset(), p.data.labels));
    write_text_file(base.string() + "-validation.csv", csv_of(ex.validation(), p.data.labels));
    write_text_file(base.string() + "-test.csv", csv_of(ex.test(), p.data.labels));
    p.data.source = base.string() + ".csv";
    p.data.standardize = false; // the files hold the standardised values
    p.validation = base.string() + "-validation.csv";
    p.test = base.string() + "-test.csv";
    p.split.clear();
}

fs::path default_datasets()
{
    if (const char* env = std::getenv("CGP_DATASETS"); env != nullptr && *env != '\0')
        return env;
    return CGP_EXAMPLE_DATA_DIR;
}

std::vector<BenchProblem> real_suite(const fs::path& data_dir, const fs::path& datasets)
{
    std::error_code ec;
    // Targets: a held-out loss the tuned optimizers reach within the budget (docs/benchmarking.md).
    const RealEntry entries[] = {
        {"breast-cancer",
         "breast_cancer.csv",
         "diagnosis",
         {30, 16, 1},
         Loss::Bce,
         600,
         0.12,
         "UCI breast cancer (569 rows, 30 features, 2 classes): layers 30 16 1, relu, bce"},
        {"iris",
         "iris.csv",
         "species",
         {4, 16, 3},
         Loss::CrossEntropy,
         600,
         0.15,
         "UCI iris (150 rows, 4 features, 3 classes): layers 4 16 3, relu, cross-entropy"},
        {"wine",
         "wine.csv",
         "cultivar",
         {13, 16, 3},
         Loss::CrossEntropy,
         600,
         0.1,
         "UCI wine (178 rows, 13 features, 3 classes): layers 13 16 3, relu, cross-entropy"},
        {"digits",
         "digits.csv",
         "digit",
         {64, 32, 10},
         Loss::CrossEntropy,
         1000,
         0.2,
         "UCI digits (1797 rows, 8x8 pixels, 10 classes): layers 64 32 10, relu, cross-entropy"},
    };
    std::vector<BenchProblem> out;
    for (const RealEntry& e : entries) {
        const fs::path source = datasets / e.file;
        if (!fs::is_regular_file(source, ec))
            throw Error(fmt::format("--suite real: dataset '{}' is missing\nhint: set CGP_DATASETS to the folder of "
                                    "examples/data",
                                    source.string()));
        BenchProblem p;
        p.name = e.name;
        p.origin = "suite real";
        p.model_name = "layers";
        for (int n : e.layers)
            p.model_name += fmt::format(" {}", n);
        ModelChoice c;
        c.layers = e.layers;
        c.activation = Activation::Relu;
        p.model = make_model(c);
        p.loss = e.loss;
        p.init.scheme = InitScheme::Auto;
        p.steps = e.steps;
        p.batch_size = 16;
        p.eval_every = 50;
        p.target = e.target;
        p.note = e.note;
        p.data.source = source.string();
        p.data.labels = {e.label};
        p.data.standardize = true;
        write_split(p, {0.6, 0.2, 0.2}, data_dir);
        out.push_back(std::move(p));
    }
    return out;
}

} // namespace cgp::sweep
