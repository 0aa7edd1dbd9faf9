// cgp/data/data.hpp: training data and how batches are drawn from it.
//
// Two sources: CGP's generator (two Gaussian classes) and CSV files. Two samplers: CGP's (a fair
// coin per sample picks the class, a sample is drawn from it with replacement, then the whole batch
// is divided by its largest element) and shuffled epochs (every sample once per epoch, in a fresh
// random order each epoch). Samplers write straight into the tape's columns and never allocate.
#pragma once

#include <cgp/data/rng.hpp>

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

struct Dataset {
    std::string origin; // "generated", or the CSV path
    std::vector<std::string> feature_names;
    std::vector<std::string> label_names;
    std::size_t samples = 0;
    std::vector<double> x;                // samples x features, row-major
    std::vector<double> y;                // samples x labels, row-major
    std::size_t class_split = 0;          // generated data: samples [0, split) are class 0
    std::vector<std::string> columns;     // CSV: the header row
    std::vector<std::string> class_names; // a class column: the classes, by index
    std::vector<int> classes;             // a class column: each sample's class index

    std::size_t features() const noexcept { return feature_names.size(); }
    std::size_t labels() const noexcept { return label_names.size(); }
};

// CGP's generator: dataset_size/2 samples per class, drawn interleaved (a class-0 vector, then a
// class-1 vector); class 0 ~ N(2, 1) and class 1 ~ N(4, 2^2) in every component; label = class.
// Stored class 0 first. dimension = number of model inputs.
Dataset generate_cgp_data(std::size_t dataset_size, std::size_t dimension, Rng& rng);

struct CsvOptions {
    std::vector<std::string> label_columns; // at least one (unless labels_optional)
    bool standardize = false;               // z-score every feature column (mean 0, std 1)
    bool labels_optional = false;           // rows to predict: every column may be a feature
    // The model's inputs: when each one names a column, only those columns are features (in file
    // order) and the file's other columns are skipped unread (an id or a text column the model does
    // not use); otherwise every column besides the labels is a feature.
    std::vector<std::string> input_columns{};
    bool inputs_required = false; // each input column must be a column of the file (--features)
};

// A class column: the one label column holds classes, integers or names. Integers are class
// indices 0 .. outputs-1; names are sorted and numbered (or looked up in `names` when it is given:
// a validation or test file takes the training file's). The targets are one column per class,
// one-hot, or for outputs == 1 (two classes) the class index 0 or 1 itself.
struct ClassColumn {
    std::size_t outputs = 0;
    std::vector<std::string> names;
};

// A CSV cell as read: spaces and tabs removed from both ends, and a trailing CR.
std::string_view trim_cell(std::string_view s);

// Per-feature mean and standard deviation (population; a constant column gets 1).
struct Standardization {
    std::vector<double> mean, sd;
};
Standardization standardization_of(const Dataset& d);
void standardize(Dataset& d, const Standardization& s);

// Rows of a dataset, in the order given (for splits).
Dataset select_rows(const Dataset& d, const std::vector<std::size_t>& rows);

// A CSV file: a header row of column names, then rows of numbers. Label columns by name; the other
// columns are features in file order. Errors name file:line (and column for a bad cell).
Dataset load_csv(const std::filesystem::path& path, const CsvOptions& options, const ClassColumn* classes = nullptr);
// The column names of a CSV file's header row (its first non-empty line), as load_csv reads them;
// empty when the file cannot be read (load_csv then says why).
std::vector<std::string> csv_header(const std::filesystem::path& path);
// The same from a stream; `origin` names it in errors.
Dataset parse_csv(std::istream& in, const std::string& origin, const CsvOptions& options,
                  const ClassColumn* classes = nullptr);

// Draws batches into tape columns.
class Sampler {
public:
    virtual ~Sampler() = default;
    // Fills inputs[k][0..B) for every feature k and targets[o][0..B) for every label o.
    virtual void next(std::size_t B, std::span<float* const> inputs, std::span<float* const> targets) = 0;
    virtual void next(std::size_t B, std::span<double* const> inputs, std::span<double* const> targets) = 0;
    // Generator state, for checkpoints.
    virtual std::string save_state() const = 0;
    virtual void restore_state(const std::string& state) = 0;
    // Where sample b of the last batch came from ("data.csv row 17: a=-1, b=2"), for messages;
    // empty when unknown.
    virtual std::string describe_sample(std::size_t) const { return {}; }
};

// CGP's coin-toss sampler over generated data (needs Dataset::class_split), for batches of at most
// batch_size samples. The dataset must outlive the sampler.
std::unique_ptr<Sampler> make_cgp_sampler(const Dataset& data, std::uint64_t seed, std::size_t batch_size);
// Shuffled epochs over any dataset.
std::unique_ptr<Sampler> make_epoch_sampler(const Dataset& data, std::uint64_t seed);

} // namespace cgp
