// Predictions of a saved model: the data bound to its columns and standardised as in training, run
// through the tape in batches, the link applied; and the predictions as CSV.
#include <cgp/io/error.hpp>
#include <cgp/tape/tape.hpp>
#include <cgp/training/saved_model.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp {
namespace {

constexpr std::size_t kChunk = 1024; // rows per batch

// Throws for the first of the saved model's columns that `names` lacks.
void check_columns(const SavedModel& m, const std::vector<std::string>& names, const std::string& origin)
{
    for (std::size_t k = 0; k < m.columns.size(); ++k)
        if (std::find(names.begin(), names.end(), m.columns[k]) == names.end())
            throw Error(fmt::format("{}: has no column '{}', input {} of the saved model {} (its columns: {})\nhint: "
                                    "predictions need the columns the model was trained on",
                                    origin, m.columns[k], k + 1, m.origin, join(m.columns, ", ")));
}

// The data's feature columns in the saved model's column order, standardised as in training.
std::vector<double> bound_rows(const SavedModel& m, const Dataset& data)
{
    const std::size_t F = data.features(), K = m.columns.size();
    check_columns(m, data.feature_names, data.origin);
    std::vector<std::size_t> from(K);
    for (std::size_t k = 0; k < K; ++k)
        from[k] = static_cast<std::size_t>(
            std::find(data.feature_names.begin(), data.feature_names.end(), m.columns[k]) - data.feature_names.begin());
    std::vector<double> mean(K, 0.0), sd(K, 1.0);
    for (std::size_t i = 0; i < m.standardized.size(); ++i) {
        const auto it = std::find(m.columns.begin(), m.columns.end(), m.standardized[i]);
        if (it != m.columns.end()) {
            mean[static_cast<std::size_t>(it - m.columns.begin())] = m.mean[i];
            sd[static_cast<std::size_t>(it - m.columns.begin())] = m.sd[i];
        }
    }
    std::vector<double> x(data.samples * K);
    for (std::size_t s = 0; s < data.samples; ++s)
        for (std::size_t k = 0; k < K; ++k)
            x[s * K + k] = (data.x[s * F + from[k]] - mean[k]) / sd[k];
    return x;
}

template <class T>
void run_rows(const SavedModel& m, const std::vector<double>& x, std::size_t n, SimdPath path, Predictions& out)
{
    const std::size_t K = m.columns.size(), O = m.graph.outputs.size();
    const std::size_t chunk = std::min(kChunk, n);
    Tape<T> full(m.graph, chunk, path);
    std::unique_ptr<Tape<T>> rest;
    if (n % chunk != 0)
        rest = std::make_unique<Tape<T>>(m.graph, n % chunk, path);
    for (Tape<T>* t : {&full, rest.get()})
        if (t != nullptr)
            for (std::size_t i = 0; i < m.params.size(); ++i)
                t->params()[i] = static_cast<T>(m.params[i]);
    for (std::size_t first = 0; first < n;) {
        Tape<T>& t = n - first >= chunk ? full : *rest;
        const std::size_t B = t.batch_size();
        for (std::size_t k = 0; k < K; ++k)
            for (std::size_t b = 0; b < B; ++b)
                t.input(k)[b] = static_cast<T>(x[(first + b) * K + k]);
        t.forward();
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t o = 0; o < O; ++o)
                out.values[(first + b) * O + o] = static_cast<double>(t.output(o)[b]);
        first += B;
    }
}

} // namespace

Dataset load_prediction_csv(const SavedModel& m, const std::filesystem::path& path)
{
    CsvOptions csv;
    csv.labels_optional = true;
    csv.input_columns = m.columns; // the other columns are skipped unread
    const std::vector<std::string> names = csv_header(path);
    if (!names.empty()) // a missing column before any cell of the columns the model does not read
        check_columns(m, names, path.string());
    for (const std::string& c : names)
        if (std::find(m.labels.begin(), m.labels.end(), c) != m.labels.end())
            csv.label_columns.push_back(c);
    ClassColumn classes{m.graph.outputs.size(), m.class_names};
    const bool class_column = !m.class_names.empty() && csv.label_columns.size() == 1;
    return load_csv(path, csv, class_column ? &classes : nullptr);
}

Predictions predict(const SavedModel& m, const Dataset& data, SimdPath path)
{
    Predictions p;
    p.samples = data.samples;
    p.outputs = m.graph.outputs.size();
    p.values.assign(p.samples * p.outputs, 0.0);
    const std::vector<double> x = bound_rows(m, data);
    if (p.samples == 0)
        return p;
    if (m.f64)
        run_rows<double>(m, x, p.samples, path, p);
    else
        run_rows<float>(m, x, p.samples, path, p);
    const std::size_t O = p.outputs;
    for (std::size_t s = 0; s < p.samples; ++s) {
        double* v = p.values.data() + s * O;
        if (m.spec.output_link == Link::Sigmoid) {
            for (std::size_t o = 0; o < O; ++o)
                v[o] = v[o] >= 0 ? 1.0 / (1.0 + std::exp(-v[o])) : std::exp(v[o]) / (1.0 + std::exp(v[o]));
        } else if (m.spec.output_link == Link::Softmax) {
            const double top = *std::max_element(v, v + O);
            double sum = 0;
            for (std::size_t o = 0; o < O; ++o)
                sum += (v[o] = std::exp(v[o] - top));
            for (std::size_t o = 0; o < O; ++o)
                v[o] /= sum;
        }
    }
    if (!m.class_names.empty()) {
        p.classes.resize(p.samples);
        for (std::size_t s = 0; s < p.samples; ++s) {
            const double* v = p.values.data() + s * O;
            p.classes[s] = O == 1 ? (v[0] > 0.5 ? 1 : 0) : static_cast<int>(std::max_element(v, v + O) - v);
        }
    }
    return p;
}

std::string predictions_csv(const SavedModel& m, const Predictions& p)
{
    std::string out;
    const std::size_t O = p.outputs;
    const bool classes = !m.class_names.empty();
    if (classes) {
        out += "class";
        for (const std::string& c : m.class_names)
            out += fmt::format(",p({})", c);
    } else {
        for (std::size_t o = 0; o < O; ++o)
            out += (o ? "," : "") + (o < m.labels.size() ? m.labels[o] : m.graph.outputs[o]);
    }
    out += '\n';
    for (std::size_t s = 0; s < p.samples; ++s) {
        const double* v = p.values.data() + s * O;
        if (classes) {
            out += m.class_names[static_cast<std::size_t>(p.classes[s])];
            if (O == 1)
                out += fmt::format(",{},{}", 1.0 - v[0], v[0]);
            else
                for (std::size_t o = 0; o < O; ++o)
                    out += fmt::format(",{}", v[o]);
        } else {
            for (std::size_t o = 0; o < O; ++o)
                out += fmt::format("{}{}", o ? "," : "", v[o]);
        }
        out += '\n';
    }
    return out;
}

} // namespace cgp
