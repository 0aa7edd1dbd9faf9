// cgp/training/saved_model.hpp: a trained model as a file (--save-model, --keep-best) and the
// predictions of a saved model on new data (cgp-run --predict). The schema, version 1, is in
// docs/saved-models.md: the model's statements and options, the loss and its link, the parameters
// by name and as tensors with shapes (model_tensors), the standardisation, the class names, and the
// final loss and metrics. Files are written atomically (cgp/io/atomic_file.hpp).
#pragma once

#include <cgp/data/data.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/language/ops.hpp>
#include <cgp/tape/simd.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace cgp {

class Experiment;
struct TrainSummary;

inline constexpr const char* kSavedModelFormat = "cgp-saved-model";
inline constexpr int kSavedModelVersion = 1;

// Which parameters a saved model holds: the run's last ones, or the best validation point's.
enum class SavedParams { Final, BestValidation };

// The saved-model document of a run after training (summary: its result). BestValidation needs a
// run whose evaluation has a best point (throws cgp::Error otherwise).
nlohmann::ordered_json saved_model_json(const Experiment& ex, const TrainSummary& summary, SavedParams which);
// Writes the document atomically; throws cgp::Error naming the file.
void write_saved_model(const std::filesystem::path& path, const nlohmann::ordered_json& doc);

// A saved model read back: its model, rebuilt, with the parameters in the graph's order.
struct SavedModel {
    std::string origin; // the file
    ModelSpec spec;
    Graph graph;
    Loss loss = Loss::Mse;
    bool f64 = false;                      // trained in f64
    std::vector<double> params;            // parameter order
    std::vector<std::string> columns;      // the data columns bound to the inputs, in input order
    std::vector<std::string> labels;       // the label column(s)
    std::vector<std::string> class_names;  // a class column's classes, or empty
    std::vector<std::string> standardized; // columns with a standardisation (mean, sd below)
    std::vector<double> mean, sd;
};
// Throws cgp::Error naming the file for an unreadable file, SourceError (file:line:column) for
// malformed JSON, and cgp::Error for another format, a newer version or a missing field.
SavedModel read_saved_model(const std::filesystem::path& path);

// Predictions, one row per sample: the outputs after the link (probabilities under a sigmoid or
// softmax link), and for a class model the predicted class index.
struct Predictions {
    std::size_t samples = 0, outputs = 0;
    std::vector<double> values; // samples x outputs, row-major
    std::vector<int> classes;   // per sample; empty without classes
};
// `data`: rows whose feature columns are the saved model's columns (by name, any order; throws
// cgp::Error naming the first column that differs). The saved standardisation is applied, then the
// rows run through the tape in batches.
Predictions predict(const SavedModel& m, const Dataset& data, SimdPath path = SimdPath::Auto);
// Loads a CSV for prediction: the saved model's label columns are left out when present.
Dataset load_prediction_csv(const SavedModel& m, const std::filesystem::path& path);
// The predictions as CSV: one column per output (its label's name, or "p(CLASS)" per class and a
// "class" column for a class model).
std::string predictions_csv(const SavedModel& m, const Predictions& p);

} // namespace cgp
