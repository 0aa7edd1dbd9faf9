// cgp-run's figures and traces: --plot (gnuplot), --draw (Graphviz), --trace (tools/torch_check.py).
#include "cgp_run.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/report/draw.hpp>
#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/report/trace.hpp>

#include <fmt/format.h>

namespace cgp::run_app {

namespace {

LogY plot_log_y(const RunOptions& o)
{
    try {
        return o.no_log_y ? LogY::Off : parse_log_y(o.log_y, "--log-y");
    } catch (const Error& e) {
        throw cli::UsageError(e.what());
    }
}

} // namespace

void check_figure_outputs(const RunOptions& o)
{
    if (!o.plot.empty())
        for (const auto& f : plot_files(o.plot))
            check_output_path(f, "--plot");
    plot_log_y(o);
    try {
        check_smooth(o.smooth, "--smooth");
    } catch (const Error& e) {
        throw cli::UsageError(e.what());
    }
    if (!o.draw.empty())
        for (const auto& f : graph_picture_files(o.draw))
            check_output_path(f, "--draw");
    if (!o.trace.empty())
        check_trace_folder(o.trace);
    if (!o.trace.empty() && !o.resume.empty())
        throw cli::UsageError("--trace records a run from its start; it cannot be combined with --resume");
}

int draw_model(const ModelSpec& spec, const std::string& file)
{
    const std::string command = write_graph_picture(build_graph(spec), file);
    if (!command.empty())
        fmt::print(stderr, "{}: Graphviz's dot is not on PATH; wrote the DOT file. Render it with:\n  {}\n", kProgram,
                   command);
    return cli::kOk;
}

void write_figures(const RunOptions& o, const ModelSpec& spec, const Experiment& ex,
                   const std::vector<double>& initial_params, const TrainSummary& summary)
{
    if (!o.plot.empty()) {
        const auto files = plot_files(o.plot);
        const auto& opt = ex.optimizer();
        std::string title = fmt::format("{}, {}", spec.name, opt.plugin().id());
        if (const int lr = opt.plugin().find_hparam("lr"); lr >= 0)
            title += fmt::format(" lr={:g}", opt.hparams()[static_cast<std::size_t>(lr)]);
        title += fmt::format(", batch {}, seed {}", ex.settings().batch_size, ex.settings().seed);
        LineFigure loss = loss_figure(summary.records, title);
        for (std::size_t h = 0; h < opt.plugin().hparams().size(); ++h)
            loss.subtitle +=
                fmt::format("{}{} {:g}", h ? ", " : "", opt.plugin().hparams()[h].option_name(), opt.hparams()[h]);
        loss.smooth = o.smooth;
        if (const std::string note = choose_log_y(loss, plot_log_y(o)); !note.empty() && !o.quiet)
            fmt::print(stderr, "{}: --plot: {}\n", kProgram, note);
        const FigureFiles figure{files.front(), {files.begin() + 1, files.end()}};
        const auto commands = write_figure(gnuplot_script(loss, files.back().filename().string()), figure);
        for (const std::string& c : commands)
            fmt::print(stderr, "{}: gnuplot is not on PATH; wrote {}. Render it with:\n  {}\n", kProgram,
                       figure.script.string(), c);
    }
    if (!o.trace.empty())
        write_trace(o.trace, spec, ex, initial_params, summary);
}

} // namespace cgp::run_app
