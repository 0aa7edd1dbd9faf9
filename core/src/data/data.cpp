// Training data: CGP's two-class generator, the CSV loader, and the two batch samplers.
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

namespace cgp {

Dataset generate_cgp_data(std::size_t dataset_size, std::size_t dimension, Rng& rng)
{
    if (dataset_size < 2)
        throw Error("the generated dataset needs at least 2 samples (--dataset-size)");
    if (dimension == 0)
        throw Error("the model has no inputs, so there is nothing to generate data for");
    const std::size_t per_class = dataset_size / 2;
    Dataset d;
    d.origin = "generated";
    for (std::size_t k = 0; k < dimension; ++k)
        d.feature_names.push_back(fmt::format("x{}", k));
    d.label_names = {"class"};
    d.samples = 2 * per_class;
    d.class_split = per_class;
    d.x.resize(d.samples * dimension);
    d.y.resize(d.samples);
    for (std::size_t i = 0; i < per_class; ++i) {
        double* c0 = &d.x[i * dimension];
        double* c1 = &d.x[(per_class + i) * dimension];
        for (std::size_t k = 0; k < dimension; ++k)
            c0[k] = rng.normal() + 2.0;
        for (std::size_t k = 0; k < dimension; ++k)
            c1[k] = 2.0 * rng.normal() + 4.0;
        d.y[i] = 0.0;
        d.y[per_class + i] = 1.0;
    }
    return d;
}

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

struct Cell {
    std::string_view text;
    int column; // 1-based character column
};

std::vector<Cell> split_cells(const std::string& line)
{
    std::vector<Cell> cells;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        const std::size_t end = comma == std::string::npos ? line.size() : comma;
        std::string_view raw(line.data() + start, end - start);
        std::string_view t = trim(raw);
        if (t.size() >= 2 && t.front() == '"' && t.back() == '"')
            t = t.substr(1, t.size() - 2);
        const int column = static_cast<int>(t.data() - line.data()) + 1;
        cells.push_back({t, column});
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return cells;
}

} // namespace

Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options)
{
    std::istringstream in(
        read_input_file(path, "CSV file", kCsvFileLimit, "--data takes 'generated' or a readable CSV path"));
    return parse_csv(in, path.string(), options);
}

Dataset parse_csv(std::istream& in, const std::string& origin, const CsvOptions& options)
{
    if (options.label_columns.empty())
        throw Error(fmt::format("{}: name the label column with --label", origin));

    std::string line;
    int number = 0;
    // Header: the first non-empty line.
    std::vector<Cell> header;
    std::string header_line;
    while (std::getline(in, line)) {
        ++number;
        if (!trim(line).empty()) {
            header_line = line;
            header = split_cells(header_line);
            break;
        }
    }
    if (header.empty())
        throw Error(fmt::format("{}: the file is empty; a CSV file starts with a header row of column names", origin));
    const int header_number = number;
    std::vector<std::string> names;
    for (const Cell& c : header) {
        if (c.text.empty())
            throw SourceError(origin, {header_number, c.column}, header_line, "empty column name in the header row");
        if (std::find(names.begin(), names.end(), c.text) != names.end())
            throw SourceError(origin, {header_number, c.column}, header_line,
                              fmt::format("column '{}' appears twice in the header row", c.text));
        names.emplace_back(c.text);
    }
    std::vector<std::size_t> label_at;
    for (const std::string& label : options.label_columns) {
        const auto it = std::find(names.begin(), names.end(), label);
        if (it == names.end()) {
            std::string all;
            for (const auto& n : names)
                all += (all.empty() ? "" : ", ") + n;
            throw SourceError(origin, {header_number, 1}, header_line, fmt::format("no column named '{}'", label),
                              fmt::format("--label must name a column; columns are: {}", all));
        }
        label_at.push_back(static_cast<std::size_t>(it - names.begin()));
    }
    Dataset d;
    d.origin = origin;
    d.label_names = options.label_columns;
    std::vector<std::size_t> feature_at;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (std::find(label_at.begin(), label_at.end(), i) == label_at.end()) {
            feature_at.push_back(i);
            d.feature_names.push_back(names[i]);
        }
    if (feature_at.empty())
        throw SourceError(origin, {header_number, 1}, header_line,
                          "the file has no feature columns besides the labels");

    std::vector<double> row(names.size());
    while (std::getline(in, line)) {
        ++number;
        if (trim(line).empty())
            continue;
        const std::vector<Cell> cells = split_cells(line);
        if (cells.size() != names.size())
            throw SourceError(origin, {number, 1}, line,
                              fmt::format("row has {} cells, the header has {}", cells.size(), names.size()),
                              "every row needs one value per header column");
        for (std::size_t i = 0; i < cells.size(); ++i) {
            const std::string_view t = cells[i].text;
            double v = 0.0;
            const char* first = t.data();
            if (!t.empty() && t.front() == '+')
                ++first;
            const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
            if (t.empty() || ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v))
                throw SourceError(origin, {number, cells[i].column}, line,
                                  fmt::format("cell '{}' in column '{}' is not a finite number", t, names[i]));
            row[i] = v;
        }
        for (std::size_t i : feature_at)
            d.x.push_back(row[i]);
        for (std::size_t i : label_at)
            d.y.push_back(row[i]);
        ++d.samples;
    }
    if (in.bad())
        throw Error(fmt::format("cannot read CSV file '{}'", origin));
    if (d.samples == 0)
        throw Error(fmt::format("{}: the file has a header but no data rows", origin));

    if (options.standardize) {
        const std::size_t f = d.features();
        for (std::size_t k = 0; k < f; ++k) {
            double mean = 0.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                mean += d.x[s * f + k];
            mean /= static_cast<double>(d.samples);
            double var = 0.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                var += (d.x[s * f + k] - mean) * (d.x[s * f + k] - mean);
            const double sd = std::sqrt(var / static_cast<double>(d.samples));
            const double inv = sd > 0.0 ? 1.0 / sd : 1.0;
            for (std::size_t s = 0; s < d.samples; ++s)
                d.x[s * f + k] = (d.x[s * f + k] - mean) * inv;
        }
    }
    return d;
}

namespace {

template <class Derived>
class SamplerBase : public Sampler {
protected:
    // "data.csv row 17: a=-1, b=2" (rows counted from 1 after the header), "generated sample 17: ...".
    static std::string describe_row(const Dataset& d, std::size_t s)
    {
        std::string out = d.origin == "generated" ? fmt::format("generated sample {}:", s + 1)
                                                  : fmt::format("{} row {}:", d.origin, s + 1);
        const std::size_t f = d.features();
        for (std::size_t k = 0; k < f; ++k)
            out += fmt::format("{} {}={:g}", k == 0 ? "" : ",", d.feature_names[k], d.x[s * f + k]);
        return out;
    }

public:
public:
    void next(std::size_t B, std::span<float* const> in, std::span<float* const> out) override
    {
        static_cast<Derived*>(this)->fill(B, in, out);
    }
    void next(std::size_t B, std::span<double* const> in, std::span<double* const> out) override
    {
        static_cast<Derived*>(this)->fill(B, in, out);
    }
};

// CGP's sampler: per sample a fair coin picks the class, then a sample of that class with
// replacement; then the batch is divided by its largest element (kept as is when that is <= 0).
class CgpSampler final : public SamplerBase<CgpSampler> {
public:
    CgpSampler(const Dataset& d, std::uint64_t seed, std::size_t batch_size) : data_(d), rng_(seed), picks_(batch_size)
    {
        if (d.class_split == 0 || d.class_split >= d.samples)
            throw Error("CGP's sampler needs generated two-class data");
    }

    template <class T>
    void fill(std::size_t B, std::span<T* const> in, std::span<T* const> out)
    {
        if (B > picks_.size())
            throw Error("internal error: batch larger than the sampler was built for");
        const std::size_t f = data_.features();
        double maxval = 0.0;
        for (std::size_t b = 0; b < B; ++b) {
            const bool cls = rng_.below(2) == 1;
            const std::size_t first = cls ? data_.class_split : 0;
            const std::size_t count = cls ? data_.samples - data_.class_split : data_.class_split;
            const std::size_t s = first + rng_.below(count);
            picks_[b] = s;
            for (std::size_t k = 0; k < f; ++k)
                maxval = std::max(maxval, data_.x[s * f + k]);
        }
        const double scale = maxval > 0.0 ? maxval : 1.0;
        for (std::size_t b = 0; b < B; ++b) {
            const double* x = &data_.x[picks_[b] * f];
            for (std::size_t k = 0; k < f; ++k)
                in[k][b] = static_cast<T>(x[k] / scale);
            for (std::size_t o = 0; o < out.size(); ++o)
                out[o][b] = static_cast<T>(data_.y[picks_[b]]);
        }
    }

    std::string save_state() const override { return rng_.save(); }
    void restore_state(const std::string& state) override { rng_.restore(state); }
    std::string describe_sample(std::size_t b) const override
    {
        return b < picks_.size() ? describe_row(data_, picks_[b]) + " (the batch is divided by its max)" : "";
    }

private:
    const Dataset& data_;
    Rng rng_;
    std::vector<std::size_t> picks_;
};

// Shuffled epochs: a permutation of all samples, consumed in order, reshuffled when used up.
class EpochSampler final : public SamplerBase<EpochSampler> {
public:
    EpochSampler(const Dataset& d, std::uint64_t seed) : data_(d), rng_(seed), order_(d.samples)
    {
        if (d.samples == 0)
            throw Error("the dataset is empty");
        std::iota(order_.begin(), order_.end(), std::size_t{0});
        shuffle();
    }

    template <class T>
    void fill(std::size_t B, std::span<T* const> in, std::span<T* const> out)
    {
        const std::size_t f = data_.features();
        const std::size_t l = data_.labels();
        last_batch_ = B;
        for (std::size_t b = 0; b < B; ++b) {
            if (next_ == order_.size())
                shuffle();
            const std::size_t s = order_[next_++];
            for (std::size_t k = 0; k < f && k < in.size(); ++k)
                in[k][b] = static_cast<T>(data_.x[s * f + k]);
            for (std::size_t o = 0; o < out.size() && o < l; ++o)
                out[o][b] = static_cast<T>(data_.y[s * l + o]);
        }
    }

    std::string save_state() const override
    {
        std::string s = rng_.save() + fmt::format("\n{}", next_);
        for (std::size_t i : order_)
            s += fmt::format(" {}", i);
        return s;
    }
    // Sample b of the last batch, unless a reshuffle came between it and the end of the batch.
    std::string describe_sample(std::size_t b) const override
    {
        if (b >= last_batch_ || next_ < last_batch_)
            return {};
        return describe_row(data_, order_[next_ - last_batch_ + b]);
    }

    void restore_state(const std::string& state) override
    {
        const auto nl = state.find('\n');
        if (nl == std::string::npos)
            throw Error("epoch sampler state is malformed");
        Rng rng;
        rng.restore(state.substr(0, nl));
        std::istringstream in(state.substr(nl + 1));
        std::size_t next = 0;
        std::vector<std::size_t> order(order_.size());
        in >> next;
        for (auto& i : order)
            in >> i;
        if (!in || next > order.size())
            throw Error("epoch sampler state is malformed");
        for (std::size_t i : order)
            if (i >= data_.samples)
                throw Error("epoch sampler state is malformed");
        rng_ = rng;
        next_ = next;
        order_ = std::move(order);
    }

private:
    void shuffle()
    {
        for (std::size_t i = order_.size(); i > 1; --i)
            std::swap(order_[i - 1], order_[rng_.below(i)]);
        next_ = 0;
    }

    const Dataset& data_;
    Rng rng_;
    std::vector<std::size_t> order_;
    std::size_t next_ = 0;
    std::size_t last_batch_ = 0; // size of the last batch drawn (for describe_sample)
};

} // namespace

std::unique_ptr<Sampler> make_cgp_sampler(const Dataset& data, std::uint64_t seed, std::size_t batch_size)
{
    return std::make_unique<CgpSampler>(data, seed, batch_size);
}

std::unique_ptr<Sampler> make_epoch_sampler(const Dataset& data, std::uint64_t seed)
{
    return std::make_unique<EpochSampler>(data, seed);
}

} // namespace cgp
