// selection.hpp: a grid on held-out data (--validation/--test or --split), the honest protocol:
// each optimizer's configuration is SELECTED on the validation metric and REPORTED on the test split.
//
// Every run evaluates its final parameters on the held-out splits (cgp/training/evaluation.hpp; with
// --eval-every also during training). Per grid point the metrics are means over the seeds: the loss,
// and the accuracy (a class column) or the MAE and R^2 (regression). For each model and optimizer the
// selected point is the one with the best mean final validation metric: the highest accuracy, or for
// regression the lowest loss (ties and non-finite values: the earlier point). Its test metrics are
// the optimizer's reported result. Without a validation split nothing is selected; without held-out
// data none of this exists and the sweep's outputs are as they always were.
#pragma once

#include "grid.hpp"
#include "runner.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cgp::sweep {

struct Stat {
    double mean = 0.0;
    double sd = 0.0; // sample standard deviation; 0 for a single value
};
Stat stat(const std::vector<double>& v);

struct SplitStats {
    Stat loss, accuracy, mae, r2;
};

// The held-out part of a grid point's result.
struct HeldOutResult {
    bool present = false; // the runs were evaluated on held-out data
    bool classification = false;
    bool has_validation = false, has_test = false;
    SplitStats validation, test; // of the final evaluation, over the seeds
    bool selected = false;       // this point is its optimizer's choice on validation
};

// The held-out statistics of the runs of one point (all evaluated alike).
HeldOutResult heldout_result(const std::vector<const RunResult*>& runs);

// The validation metric selection compares, as "validation accuracy" or "validation loss".
std::string selection_metric(const HeldOutResult& h);

// The selection score of a point: its validation accuracy, or minus its validation loss (higher is
// better); -infinity without a finite value.
double selection_score(const HeldOutResult& h);

// The table columns of the held-out metrics, and a point's cells: "val loss", "val acc", ...
std::vector<std::string> heldout_header(const HeldOutResult& h);
std::vector<std::string> heldout_cells(const HeldOutResult& h, bool spread);
// The CSV columns ("validation_loss,validation_loss_sd,...,selected") and a point's values.
std::string heldout_csv_header(const HeldOutResult& h);
std::string heldout_csv_values(const HeldOutResult& h);
// {"validation": {"loss": {"mean", "sd"}, ...}, "test": {...}, "selected": bool}
nlohmann::ordered_json heldout_json(const HeldOutResult& h);
nlohmann::ordered_json run_heldout_json(const EvalReport& e);

// The metric of a split to plot or tabulate, by name: loss, accuracy, mae or r2.
const Stat& split_metric(const SplitStats& s, const std::string& name);
// The metric names a held-out result has: loss and accuracy, or loss, mae and r2.
std::vector<std::string> metric_names(const HeldOutResult& h);

} // namespace cgp::sweep
