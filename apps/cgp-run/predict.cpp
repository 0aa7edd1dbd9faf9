// cgp-run --predict DATA.csv --saved-model FILE.json --out FILE.csv: a saved model's predictions,
// one row per input row, without loading an optimizer or training.
#include "cgp_run.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/file_identity.hpp>
#include <cgp/training/saved_model.hpp>

#include <fmt/format.h>

namespace cgp::run_app {

int predict_rows(const RunOptions& o)
{
    if (o.saved_model.empty() || o.out.empty())
        throw cli::UsageError("--predict DATA.csv needs --saved-model FILE.json and --out FILE.csv");
    check_outputs_apart({{"--predict", o.predict}, {"--saved-model", o.saved_model}}, {{"--out", o.out}});
    check_output_path(o.out, "--out");
    const SavedModel model = read_saved_model(o.saved_model);
    const Dataset data = load_prediction_csv(model, o.predict);
    const Predictions p = predict(model, data);
    AtomicFile out(o.out);
    out.write(predictions_csv(model, p));
    out.commit();
    if (!o.quiet)
        fmt::print(stderr, "{}: {} predictions of {} written to {}\n", kProgram, p.samples, o.saved_model, o.out);
    return cli::kOk;
}

} // namespace cgp::run_app
