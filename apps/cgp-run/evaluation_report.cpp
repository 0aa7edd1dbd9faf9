// cgp-run's report of the held-out evaluation: the final and best validation points, the test
// metrics, the confusion matrices (text and JSON), and the loss and initialisation of the run.
#include "cgp_run.hpp"

#include <cgp/training/evaluation.hpp>

#include <fmt/format.h>

#include <cmath>

namespace cgp::run_app {
namespace {

nlohmann::ordered_json number(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

nlohmann::ordered_json metrics_json(const SplitMetrics& m, bool classification)
{
    nlohmann::ordered_json j{{"loss", number(m.loss)}};
    if (classification) {
        j["accuracy"] = number(m.accuracy);
    } else {
        j["mae"] = number(m.mae);
        j["r2"] = number(m.r2);
    }
    return j;
}

std::string metrics_text(const SplitMetrics& m, bool classification)
{
    if (classification)
        return fmt::format("accuracy {:.4f}, loss {:.6f}", m.accuracy, m.loss);
    return fmt::format("loss {:.6f}, MAE {:.6g}, R^2 {:.4f}", m.loss, m.mae, m.r2);
}

nlohmann::ordered_json confusion_json(const std::vector<std::uint64_t>& c, std::size_t K)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < K; ++i)
        rows.push_back(std::vector<std::uint64_t>(c.begin() + static_cast<std::ptrdiff_t>(i * K),
                                                  c.begin() + static_cast<std::ptrdiff_t>((i + 1) * K)));
    return rows;
}

void print_confusion(const char* split, const std::vector<std::uint64_t>& c, const std::vector<std::string>& names)
{
    const std::size_t K = names.size();
    std::size_t width = 5;
    for (const auto& n : names)
        width = std::max(width, n.size() + 1);
    fmt::print("confusion       {} (rows: true class, columns: predicted)\n", split);
    fmt::print("                {:>{}}", "", width);
    for (const auto& n : names)
        fmt::print("{:>{}}", n, width);
    fmt::print("\n");
    for (std::size_t i = 0; i < K; ++i) {
        fmt::print("                {:>{}}", names[i], width);
        for (std::size_t j = 0; j < K; ++j)
            fmt::print("{:>{}}", c[i * K + j], width);
        fmt::print("\n");
    }
}

} // namespace

void print_fit_text(const Experiment& ex)
{
    const RunSettings& st = ex.settings();
    if (st.loss != Loss::Mse)
        fmt::print("loss            {}{}\n", to_string(st.loss),
                   ex.link() == Link::Sigmoid   ? " (from logits, link sigmoid)"
                   : ex.link() == Link::Softmax ? " (from logits, link softmax)"
                                                : "");
    const InitSettings& init = st.init; // resolved by the Experiment
    if (init.scheme != InitScheme::Cgp || init.zero_bias)
        fmt::print("init            {}{}\n", to_string(init), init.zero_bias ? ", biases 0" : "");
    const EvalReport* r = ex.evaluation();
    if (r == nullptr || r->points.empty())
        return;
    const EvalPoint& last = r->points.back();
    if (r->has_validation)
        fmt::print("validation      {} ({} rows, iteration {})\n", metrics_text(last.validation, r->classification),
                   r->validation_samples, last.iteration);
    if (r->has_best)
        fmt::print("best validation {} at iteration {}{}\n", metrics_text(r->best.validation, r->classification),
                   r->best.iteration,
                   r->has_test ? fmt::format("; test there: {}", metrics_text(r->best.test, r->classification)) : "");
    if (r->has_test)
        fmt::print("test            {} ({} rows, iteration {})\n", metrics_text(last.test, r->classification),
                   r->test_samples, last.iteration);
    if (r->classification) {
        if (r->has_validation)
            print_confusion("validation", r->confusion_validation, r->class_names);
        if (r->has_test)
            print_confusion("test", r->confusion_test, r->class_names);
    }
}

nlohmann::ordered_json fit_json(const Experiment& ex)
{
    const RunSettings& st = ex.settings();
    const InitSettings& init = st.init; // resolved by the Experiment
    nlohmann::ordered_json j{{"loss", std::string(to_string(st.loss))},
                             {"init", to_string(init)},
                             {"init_bias_zeros", init.zero_bias},
                             {"epochs", st.eval.epochs}};
    const EvalReport* r = ex.evaluation();
    if (r == nullptr || r->points.empty())
        return j;
    nlohmann::ordered_json e;
    e["classification"] = r->classification;
    if (r->classification)
        e["classes"] = r->class_names;
    const EvalPoint& last = r->points.back();
    e["iteration"] = last.iteration;
    if (r->has_validation) {
        e["validation"] = metrics_json(last.validation, r->classification);
        e["validation"]["samples"] = r->validation_samples;
    }
    if (r->has_test) {
        e["test"] = metrics_json(last.test, r->classification);
        e["test"]["samples"] = r->test_samples;
    }
    if (r->has_best) {
        e["best"] = {{"iteration", r->best.iteration},
                     {"validation", metrics_json(r->best.validation, r->classification)}};
        if (r->has_test)
            e["best"]["test"] = metrics_json(r->best.test, r->classification);
    }
    if (r->classification) {
        if (r->has_validation)
            e["confusion_validation"] = confusion_json(r->confusion_validation, r->class_names.size());
        if (r->has_test)
            e["confusion_test"] = confusion_json(r->confusion_test, r->class_names.size());
    }
    nlohmann::ordered_json history = nlohmann::ordered_json::array();
    for (const EvalPoint& p : r->points) {
        nlohmann::ordered_json h{{"iteration", p.iteration}};
        if (r->has_validation)
            h["validation"] = metrics_json(p.validation, r->classification);
        if (r->has_test)
            h["test"] = metrics_json(p.test, r->classification);
        history.push_back(h);
    }
    e["history"] = history;
    j["evaluation"] = e;
    return j;
}

} // namespace cgp::run_app
