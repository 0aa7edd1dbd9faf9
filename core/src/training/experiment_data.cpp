// Experiment: the data of a run, generated or from CSV, bound to the model's inputs.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace cgp {
namespace {

// The dataset's feature columns `names` (each one of them), in that order.
Dataset reorder_features(Dataset data, const std::vector<std::string>& names)
{
    const std::size_t f = data.features();
    std::vector<std::size_t> from;
    for (const auto& n : names)
        from.push_back(static_cast<std::size_t>(std::find(data.feature_names.begin(), data.feature_names.end(), n) -
                                                data.feature_names.begin()));
    std::vector<double> x(data.samples * names.size());
    for (std::size_t s = 0; s < data.samples; ++s)
        for (std::size_t k = 0; k < names.size(); ++k)
            x[s * names.size() + k] = data.x[s * f + from[k]];
    data.x = std::move(x);
    data.feature_names = names;
    return data;
}

// Reorders (or checks) the dataset's feature columns to match the model's inputs: by name when
// every input names a column, else by position (the --features order) when the counts agree.
Dataset bind_inputs(Dataset data, const Graph& g, const std::vector<std::string>& features)
{
    if (!features.empty())
        data = reorder_features(std::move(data), features);
    const auto& inputs = g.inputs;
    const bool by_name = std::all_of(inputs.begin(), inputs.end(), [&](const std::string& in) {
        return std::find(data.feature_names.begin(), data.feature_names.end(), in) != data.feature_names.end();
    });
    if (by_name && data.origin != "generated")
        return reorder_features(std::move(data), inputs);
    if (data.features() != inputs.size())
        throw Error(fmt::format("the model has {} inputs ({}) but {} has {} feature columns ({})\nhint: name the CSV "
                                "columns after the inputs, or choose one column per input with --features",
                                inputs.size(), join(inputs), data.origin, data.features(),
                                join(data.feature_names, ", ")));
    return data;
}

// The first column where a held-out file's header differs from the training file's, for the
// message; checked before any row of the held-out file is read.
void check_same_columns(const Dataset& train, const std::string& path, const char* option)
{
    const std::vector<std::string> other = csv_header(path);
    if (other.empty())
        return; // unreadable or empty: load_csv says which
    const std::size_t n = std::max(train.columns.size(), other.size());
    for (std::size_t i = 0; i < n; ++i) {
        const std::string a = i < train.columns.size() ? train.columns[i] : "";
        const std::string b = i < other.size() ? other[i] : "";
        if (a == b)
            continue;
        const std::string what =
            i >= train.columns.size() ? fmt::format("has a column {} '{}' but the training file {} has only {}", i + 1,
                                                    b, train.origin, train.columns.size())
            : i >= other.size()
                ? fmt::format("has {} columns but the training file {} has a column {} '{}'", other.size(),
                              train.origin, i + 1, a)
                : fmt::format("column {} is '{}' but the training file {} has '{}' there", i + 1, b, train.origin, a);
        throw Error(
            fmt::format("{} {}: {}\nhint: held-out files need the training file's header row", option, path, what));
    }
}

// Row indices of the three splits: per class (or all rows), shuffled with the seed, the first
// round(n * validation) to validation, the next round(n * test) to test, the rest to training;
// each split then in file order.
std::array<std::vector<std::size_t>, 3> split_rows(const Dataset& d, const std::vector<double>& f, std::uint64_t seed)
{
    if (f.size() != 3)
        throw Error(fmt::format("--split takes three fractions, train,validation,test; {:g} has {}\nhint: e.g. "
                                "--split 0.7,0.15,0.15, or 0.8,0.2,0 for no test split",
                                fmt::join(f, ","), f.size()));
    double total = 0;
    for (double v : f) {
        if (!(v >= 0.0 && v <= 1.0))
            throw Error(fmt::format("--split {:g},{:g},{:g}: each fraction must be between 0 and 1\nhint: e.g. "
                                    "--split 0.7,0.15,0.15",
                                    f[0], f[1], f[2]));
        total += v;
    }
    if (std::abs(total - 1.0) > 1e-9)
        throw Error(fmt::format("--split {:g},{:g},{:g}: the fractions sum to {:.6g} instead of 1\nhint: give "
                                "training, validation and test fractions that add up to 1, e.g. --split 0.7,0.15,0.15",
                                f[0], f[1], f[2], total));
    const int groups = d.classes.empty() ? 1 : static_cast<int>(d.class_names.size());
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(groups));
    for (std::size_t s = 0; s < d.samples; ++s)
        members[d.classes.empty() ? 0 : static_cast<std::size_t>(d.classes[s])].push_back(s);
    Rng rng(seed);
    std::array<std::vector<std::size_t>, 3> out;
    for (auto& m : members) {
        for (std::size_t i = m.size(); i > 1; --i)
            std::swap(m[i - 1], m[rng.below(i)]);
        const auto count = [&](double frac) {
            return static_cast<std::size_t>(std::llround(frac * static_cast<double>(m.size())));
        };
        const std::size_t nv = std::min(m.size(), count(f[1]));
        const std::size_t nt = std::min(m.size() - nv, count(f[2]));
        out[1].insert(out[1].end(), m.begin(), m.begin() + static_cast<std::ptrdiff_t>(nv));
        out[2].insert(out[2].end(), m.begin() + static_cast<std::ptrdiff_t>(nv),
                      m.begin() + static_cast<std::ptrdiff_t>(nv + nt));
        out[0].insert(out[0].end(), m.begin() + static_cast<std::ptrdiff_t>(nv + nt), m.end());
    }
    constexpr const char* names[] = {"training", "validation", "test"};
    for (std::size_t k = 0; k < 3; ++k) {
        std::sort(out[k].begin(), out[k].end());
        if (out[k].empty() && (k == 0 || f[k] > 0))
            throw Error(
                fmt::format("--split {:g},{:g},{:g}: the {} split of {} ({} rows) is empty\nhint: give it a larger "
                            "fraction{}",
                            f[0], f[1], f[2], names[k], d.origin, d.samples, k == 0 ? "" : ", or 0 for none"));
    }
    return out;
}

} // namespace

RunData assemble_data(const DataChoice& data, const Graph& g, Loss loss, std::uint64_t seed, std::string& sampler_name)
{
    const bool held_out = !data.validation.empty() || !data.test.empty() || !data.split.empty();
    if (data.source == "generated") {
        if (!data.labels.empty() || data.standardize)
            throw Error("--label and --standardize apply to CSV data (--data FILE.csv)");
        if (!data.features.empty())
            throw Error("--features applies to CSV data (--data FILE.csv)");
        if (held_out)
            throw Error("--validation, --test and --split apply to CSV data (--data FILE.csv)");
        if (g.outputs.size() != 1)
            throw Error(fmt::format("generated data has one label (the class) but the model has {} outputs ({})\n"
                                    "hint: use --data FILE.csv --label COLUMN for each output",
                                    g.outputs.size(), join(g.outputs)));
        Rng rng(seed);
        sampler_name = "CGP sampler: coin-toss classes, batch divided by its max";
        RunData out;
        out.train = generate_cgp_data(data.dataset_size, g.inputs.size(), rng);
        return out;
    }
    if (data.dataset_size_given)
        throw Error("--dataset-size applies to generated data, not to a CSV file");
    if (!data.split.empty() && (!data.validation.empty() || !data.test.empty()))
        throw Error("--split divides the one --data file; it cannot be combined with --validation or --test");
    CsvOptions csv;
    csv.label_columns = data.labels;
    for (const std::string& f : data.features) {
        if (std::find(data.labels.begin(), data.labels.end(), f) != data.labels.end())
            throw Error(fmt::format("--features {}: '{}' is also a --label\nhint: a column is a feature or a label",
                                    join(data.features, ","), f));
        if (std::count(data.features.begin(), data.features.end(), f) > 1)
            throw Error(fmt::format("--features {}: '{}' is named twice", join(data.features, ","), f));
    }
    // Only the columns read: --features, or those the inputs name (when each names one).
    csv.input_columns = data.features.empty() ? g.inputs : data.features;
    csv.inputs_required = !data.features.empty();
    if (csv.label_columns.empty())
        throw Error(fmt::format("--data {}: name the label column(s) with --label", data.source));
    const bool class_column = csv.label_columns.size() == 1 && (loss_info(loss).classification || g.outputs.size() > 1);
    ClassColumn classes{g.outputs.size(), {}};
    const ClassColumn* class_option = class_column ? &classes : nullptr;
    RunData out;
    out.train = load_csv(data.source, csv, class_option);
    classes.names = out.train.class_names;
    if (!data.split.empty()) {
        const auto rows = split_rows(out.train, data.split, seed);
        out.validation = select_rows(out.train, rows[1]);
        out.test = select_rows(out.train, rows[2]);
        out.train = select_rows(out.train, rows[0]);
    }
    const std::pair<const std::string*, Dataset*> files[] = {{&data.validation, &out.validation},
                                                             {&data.test, &out.test}};
    for (const auto& [path, set] : files)
        if (!path->empty()) {
            check_same_columns(out.train, *path, path == &data.validation ? "--validation" : "--test");
            *set = load_csv(*path, csv, class_option);
        }
    if (data.standardize) {
        out.standardization = standardization_of(out.train);
        for (Dataset* d : {&out.train, &out.validation, &out.test})
            if (d->samples > 0)
                standardize(*d, out.standardization);
    }
    out.train = bind_inputs(std::move(out.train), g, data.features);
    for (Dataset* d : {&out.validation, &out.test})
        if (d->samples > 0)
            *d = bind_inputs(std::move(*d), g, data.features);
    if (out.train.labels() != g.outputs.size())
        throw Error(fmt::format("the model has {} outputs ({}) but {} label column(s) were given ({})",
                                g.outputs.size(), join(g.outputs), out.train.labels(),
                                join(out.train.label_names, ", ")));
    sampler_name = "shuffled epochs";
    return out;
}

} // namespace cgp
