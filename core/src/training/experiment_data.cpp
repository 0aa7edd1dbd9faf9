// Experiment: the data of a run, generated or from CSV, bound to the model's inputs.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cgp {
namespace {

// Reorders (or checks) the dataset's feature columns to match the model's inputs: by name when
// every input names a column, else by position when the counts agree.
Dataset bind_inputs(Dataset data, const Graph& g)
{
    const auto& inputs = g.inputs;
    const bool by_name = std::all_of(inputs.begin(), inputs.end(), [&](const std::string& in) {
        return std::find(data.feature_names.begin(), data.feature_names.end(), in) != data.feature_names.end();
    });
    if (by_name && data.origin != "generated") {
        const std::size_t f = data.features();
        std::vector<std::size_t> from;
        for (const auto& in : inputs)
            from.push_back(static_cast<std::size_t>(
                std::find(data.feature_names.begin(), data.feature_names.end(), in) - data.feature_names.begin()));
        std::vector<double> x(data.samples * inputs.size());
        for (std::size_t s = 0; s < data.samples; ++s)
            for (std::size_t k = 0; k < inputs.size(); ++k)
                x[s * inputs.size() + k] = data.x[s * f + from[k]];
        data.x = std::move(x);
        data.feature_names = inputs;
        return data;
    }
    if (data.features() != inputs.size())
        throw Error(fmt::format("the model has {} inputs ({}) but {} has {} feature columns ({})\nhint: name the CSV "
                                "columns after the inputs, or give the file one feature column per input",
                                inputs.size(), join(inputs), data.origin, data.features(),
                                join(data.feature_names, ", ")));
    return data;
}

} // namespace

Dataset assemble_data(const DataChoice& data, const Graph& g, std::uint64_t seed, std::string& sampler_name)
{
    if (data.source == "generated") {
        if (!data.labels.empty() || data.standardize)
            throw Error("--label and --standardize apply to CSV data (--data FILE.csv)");
        if (g.outputs.size() != 1)
            throw Error(fmt::format("generated data has one label (the class) but the model has {} outputs ({})\n"
                                    "hint: use --data FILE.csv --label COLUMN for each output",
                                    g.outputs.size(), join(g.outputs)));
        Rng rng(seed);
        sampler_name = "CGP sampler: coin-toss classes, batch divided by its max";
        return generate_cgp_data(data.dataset_size, g.inputs.size(), rng);
    }
    if (data.dataset_size_given)
        throw Error("--dataset-size applies to generated data, not to a CSV file");
    CsvOptions csv;
    csv.label_columns = data.labels;
    csv.standardize = data.standardize;
    if (csv.label_columns.empty())
        throw Error(fmt::format("--data {}: name the label column(s) with --label", data.source));
    Dataset out = bind_inputs(load_csv(data.source, csv), g);
    if (out.labels() != g.outputs.size())
        throw Error(fmt::format("the model has {} outputs ({}) but {} label column(s) were given ({})",
                                g.outputs.size(), join(g.outputs), out.labels(), join(out.label_names, ", ")));
    sampler_name = "shuffled epochs";
    return out;
}

} // namespace cgp
