// cgp-run: train a model with an optimizer plugin and report the result.
//
//   cgp-run --optimizer adam.so                      the multi-neuron preset on generated data
//   cgp-run --optimizer sgdplus --model one-neuron --lr 1e-2 --momentum 0.9 --loss-csv loss.csv
//   cgp-run --optimizer adam --help                  options, with adam's hyperparameters
//   cgp-run --list-optimizers
//   cgp-run --optimizer adam --plot loss.png         also plot the loss record (gnuplot)
//   cgp-run --model one-neuron --draw net.svg        draw the model (Graphviz) and exit
//   cgp-run --optimizer adam --dtype f64 --trace t/  write a trace for tools/torch_check.py
//
// Results go to stdout (a table, or JSON with --json); progress and diagnostics to stderr.
#include "cgp_run.hpp"
#include "../common/stdout_check.hpp"

#include <cgp/training/checkpoint.hpp>
#include <cgp/io/error.hpp>
#include <cgp/host/crash_report.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/io/file_identity.hpp>
#include <cgp/report/draw.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/training/observers.hpp>
#include <cgp/training/saved_model.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/tape/threads.hpp>

#include <fmt/format.h>

#include <cmath>
#include <csignal>
#include <fstream>
#include <sstream>
#include <iostream>
#include <optional>

namespace {

using namespace cgp;
using namespace cgp::run_app;

// A new run must not replace the checkpoint of another run (it may diverge and leave nothing of
// either): an existing --checkpoint file is replaced only when it is the one being resumed, or
// with --force.
void check_checkpoint_target(const RunOptions& o)
{
    std::error_code ec;
    if (o.force ||
        !std::filesystem::is_regular_file(o.checkpoint, ec)) // devices such as /dev/null are written in place
        return;
    if (!o.resume.empty() && std::filesystem::equivalent(o.checkpoint, o.resume, ec))
        return;
    throw Error(fmt::format("--checkpoint {}: the file exists and is not the checkpoint being resumed; this run "
                            "would replace it\nhint: continue that run with --resume {} --checkpoint {}, choose "
                            "another file, or add --force to replace it",
                            o.checkpoint, o.checkpoint, o.checkpoint));
}

// No output of the run may be one of its inputs or another output (--resume and --checkpoint may
// name one file: the run continues its checkpoint in place).
void check_run_files_apart(const RunOptions& o, const Plugin& plugin)
{
    std::vector<NamedFile> inputs{{"--optimizer", plugin.path()}, {"--resume", o.resume}, {"--config", o.config}};
    if (o.common.data != "generated")
        inputs.push_back({"--data", o.common.data});
    if (!o.common.model.empty() && !is_preset(o.common.model))
        inputs.push_back({"--model", o.common.model});
    std::vector<NamedFile> outputs{{"--loss-csv", o.loss_csv},
                                   {"--checkpoint", o.checkpoint},
                                   {"--save-model", o.save_model},
                                   {"--keep-best", o.keep_best}};
    if (!o.plot.empty())
        for (const auto& f : plot_files(o.plot))
            outputs.push_back({"--plot", f});
    if (!o.draw.empty())
        for (const auto& f : graph_picture_files(o.draw))
            outputs.push_back({"--draw", f});
    if (!o.trace.empty())
        for (const char* f : {"trace.json", "losses.csv", "batches.f64"})
            outputs.push_back({"--trace", std::filesystem::path(o.trace) / f});
    check_outputs_apart(inputs, outputs, {}, {{"--resume", "--checkpoint"}});
}

int run(int argc, char** argv)
{
    // From the start: a signal during set-up stops the run after its first iteration, with every
    // output written, instead of killing the program half-way.
    cli::install_signal_handlers();
    RunOptions o;
    const po::options_description boot = bootstrap_options(o);
    po::variables_map first;
    cli::parse_bootstrap(argc, argv, boot, first);
    if (!o.config.empty()) {
        std::istringstream in(read_input_file(o.config, "config file", kConfigFileLimit));
        po::store(po::parse_config_file(in, boot, true), first);
        po::notify(first);
    }
    const auto search = plugin_search_path({o.common.plugin_dirs.begin(), o.common.plugin_dirs.end()});
    if (o.list)
        return list_optimizers(search);
    if (!o.inspect.empty())
        return inspect_checkpoint(o.inspect);
    if (!o.predict.empty()) {
        po::variables_map strict; // predicting takes only the general options
        cli::parse_strict(argc, argv, boot, o.config, strict);
        return predict_rows(o);
    }

    po::options_description own = main_options(o);
    po::options_description all;
    all.add(boot).add(own);
    const std::shared_ptr<const Plugin> plugin = cli::load_optimizer_options(o.optimizer, search, own, o.help, all);
    if (o.help) {
        std::cout << "cgp-run: train a model with an optimizer plugin.\n\n"
                     "usage: cgp-run [--optimizer NAME|PATH] [options]\n"
                  << all << '\n';
        return cli::kOk;
    }
    po::variables_map vm;
    cli::parse_strict(argc, argv, all, o.config, vm);

    const ModelChoice model_choice = cli::model_choice(o.common, vm);
    const DataChoice data_choice = cli::data_choice(o.common, vm);
    RunSettings settings = cli::run_settings(o.common);
    settings.threads = resolve_threads(o.threads);
    const std::vector<double> hp = cli::hparam_values(*plugin, vm);
    check_figure_outputs(o);
    if (!o.loss_csv.empty())
        check_output_path(o.loss_csv, "--loss-csv");
    if (!o.save_model.empty())
        check_output_path(o.save_model, "--save-model");
    if (!o.keep_best.empty())
        check_output_path(o.keep_best, "--keep-best");
    if (!o.checkpoint.empty()) {
        check_output_path(o.checkpoint, "--checkpoint");
        settings.checkpoint.path = o.checkpoint;
    } else if (settings.checkpoint.every > 0) {
        throw cli::UsageError("--checkpoint-every needs --checkpoint FILE");
    }
    check_run_files_apart(o, *plugin);
    if (!o.checkpoint.empty())
        check_checkpoint_target(o);
    install_crash_report(kProgram,
                         o.checkpoint.empty()
                             ? "hint: no checkpoint was kept; --checkpoint FILE --checkpoint-every N keeps one"
                             : fmt::format("hint: the checkpoint {} holds the last state written before the "
                                           "crash; --resume {} continues from it",
                                           shell_quote(o.checkpoint), shell_quote(o.checkpoint))
                                   .c_str());
    std::optional<Checkpoint> resume_from;
    if (!o.resume.empty())
        resume_from = read_checkpoint(o.resume);
    if (o.min_delta < 0 || !std::isfinite(o.min_delta))
        throw cli::UsageError("--min-delta must be a finite number >= 0");

    const ModelSpec spec = make_model(model_choice);
    if (!o.draw.empty())
        return draw_model(spec, o.draw);
    if (o.early_stop_on != "loss" && o.early_stop_on != "validation")
        throw cli::UsageError(fmt::format("--early-stop-on {}: use loss or validation", o.early_stop_on));
    if (o.early_stop_on == "validation") {
        if (data_choice.validation.empty() && data_choice.split.empty())
            throw cli::UsageError("--early-stop-on validation needs held-out data: --validation FILE or --split");
        if (o.early_stop == 0 || settings.eval.every == 0)
            throw cli::UsageError("--early-stop-on validation needs --early-stop N (evaluations without a better "
                                  "validation point) and --eval-every M (iterations between evaluations), e.g. "
                                  "--early-stop 5 --eval-every 100");
        settings.eval.patience = o.early_stop;
    }
    if (!o.keep_best.empty() && data_choice.validation.empty() &&
        (data_choice.split.size() < 2 || data_choice.split[1] <= 0))
        throw cli::UsageError(
            "--keep-best keeps the best validation model and needs validation data: --validation FILE "
            "or --split with a validation fraction");
    Experiment ex(spec, data_choice, plugin, hp, settings);
    const std::vector<double> initial_params = o.trace.empty() ? std::vector<double>{} : ex.params();
    if (resume_from) {
        for (const std::string& note : ex.resume(*resume_from, o.resume))
            fmt::print(stderr, "{}: note: {}\n", kProgram, note);
        if (resume_from->loop.iteration >= ex.settings().iterations)
            throw Error(fmt::format("checkpoint '{}' is at iteration {} already; ask for more with --iterations",
                                    o.resume, resume_from->loop.iteration));
    }

    std::vector<TrainObserver*> observers;
    std::optional<ProgressReporter> progress;
    std::optional<LossCsvWriter> csv;
    std::optional<EarlyStop> early;
    if (!o.quiet) {
        fmt::print(stderr, "{}: training {} ({} parameters) with {}, {} iterations, batch {}, {}, simd {}, {}\n",
                   kProgram, spec.name, ex.param_count(), plugin->id(), ex.settings().iterations, settings.batch_size,
                   to_string(settings.dtype), to_string(ex.simd_path()), threads_text(ex));
        progress.emplace(stderr);
        progress->set_epoch_length(ex.iterations_per_epoch());
        observers.push_back(&*progress);
    }
    if (!o.loss_csv.empty()) {
        csv.emplace(o.loss_csv, &ex.transforms(), ex.evaluation());
        if (resume_from)
            csv->write_existing(resume_from->loop.records);
        observers.push_back(&*csv);
    }
    if (o.early_stop > 0 && o.early_stop_on == "loss") {
        early.emplace(o.early_stop, o.min_delta);
        observers.push_back(&*early);
    }
    if (resume_from)
        for (const std::string& note : restore_observers(*resume_from, observers))
            fmt::print(stderr, "{}: note: {}\n", kProgram, note);
    const TrainSummary summary = ex.run(observers);
    write_figures(o, spec, ex, initial_params, summary);
    if (!o.save_model.empty())
        write_saved_model(o.save_model, saved_model_json(ex, summary, SavedParams::Final));
    if (!o.keep_best.empty())
        write_saved_model(o.keep_best, saved_model_json(ex, summary, SavedParams::BestValidation));
    if (o.json)
        print_json(ex, summary, spec.name);
    else
        print_text(ex, summary, spec.name);
    switch (summary.reason) {
    case StopReason::Completed:
    case StopReason::Observer: return cli::kOk;
    case StopReason::NonFinite:
        fmt::print(stderr, "{}: {}\n", kProgram, cli::stop_message(summary, *plugin));
        return cli::kDiverged;
    case StopReason::Interrupted: return cli::stop_signal().load() == SIGTERM ? cli::kSigterm : cli::kSigint;
    }
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::finish_stdout(kProgram, cgp::cli::guard(kProgram, [&] { return run(argc, argv); }));
}
