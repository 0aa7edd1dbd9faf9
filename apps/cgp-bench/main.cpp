// cgp-bench: what the SIMD core buys on this machine, how close each optimizer plugin runs to the
// memory bandwidth, and how fast whole training iterations are.
//
//   cgp-bench                 everything (a few minutes)
//   cgp-bench --quick         a smaller, faster pass (CI smoke use)
//   cgp-bench --filter adam   only cases whose name contains "adam"
//   cgp-bench --json          the full data as JSON on stdout
#include "bench.hpp"

#include "../common/cli.hpp"
#include "../common/stdout_check.hpp"

#include <fmt/format.h>

#include <iostream>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/escape.hpp>

namespace cgp::bench {

bool selected(const Settings& s, const std::string& name)
{
    return s.filter.empty() || name.find(s.filter) != std::string::npos;
}

std::string format_seconds(double seconds)
{
    if (seconds < 1e-6)
        return fmt::format("{:.1f} ns", seconds * 1e9);
    if (seconds < 1e-3)
        return fmt::format("{:.2f} us", seconds * 1e6);
    if (seconds < 1.0)
        return fmt::format("{:.2f} ms", seconds * 1e3);
    return fmt::format("{:.2f} s", seconds);
}

} // namespace cgp::bench

namespace {

namespace po = boost::program_options;
using namespace cgp;

int run(int argc, char** argv)
{
    bench::Settings s;
    bool json = false, help = false;
    std::vector<std::string> plugin_dirs, sections;
    po::options_description d("cgp-bench options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&help), "show this help")
        ("quick", po::bool_switch(&s.quick), "fewer and smaller cases, shorter samples")
        ("filter", po::value(&s.filter), "run only cases whose name contains this text, e.g. 'graph multi', 'adam'")
        ("section", po::value(&sections)->composing(), "graph, optimizer, training or threads (repeatable; default all)")
        ("json", po::bool_switch(&json), "print the results as JSON instead of tables")
        ("samples", cli::whole(&s.harness.samples)->default_value(9), "timed samples per case (the median is reported)")
        ("plugin-dir", po::value(&plugin_dirs)->composing(), "a folder to search for plugins")
        ("optimizer-file", po::value(&s.optimizer_files)->composing()->value_name("FILE"),
         "an optimizer file (.opt) to time in the optimizer section beside the plugins (repeatable); "
         "\"FILE PLUGIN NAME=VALUE ...\" also times it against that plugin with those values (default: the "
         "plugin of the algorithm the file claims)");
    // clang-format on
    po::variables_map vm;
    cli::parse_strict(argc, argv, d, "", vm);
    if (help) {
        std::cout << "cgp-bench: SIMD against scalar, optimizer steps against the bandwidth floor, training speed.\n\n"
                  << d << '\n';
        return cli::kOk;
    }
    if (s.harness.samples < 1)
        throw cli::UsageError("--samples must be at least 1");
    if (s.quick) {
        s.harness.sample_seconds = 0.002;
        if (vm["samples"].defaulted())
            s.harness.samples = 3;
    }
    for (const auto& sec : sections)
        if (sec != "graph" && sec != "optimizer" && sec != "training" && sec != "threads")
            throw cli::UsageError(fmt::format("--section {}: use graph, optimizer, training or threads", sec));
    auto wanted = [&](const char* sec) {
        return sections.empty() || std::find(sections.begin(), sections.end(), sec) != sections.end();
    };
    s.plugins = find_plugins(plugin_search_path({plugin_dirs.begin(), plugin_dirs.end()}));
    s.paths = available_simd_paths();

    bench::Report report;
    report.print_text = !json;
    std::string paths;
    for (SimdPath p : s.paths)
        paths += std::string(paths.empty() ? "" : " ") + std::string(to_string(p));
    report.json["machine"] = {{"simd_paths", paths}, {"samples", s.harness.samples}, {"quick", s.quick}};
    fmt::print(stderr, "cgp-bench: paths {}; {} plugins; median of {} samples\n", paths, s.plugins.size(),
               s.harness.samples);
    if (wanted("graph")) {
        bench::bench_graph(s, report);
        bench::bench_build(s, report);
    }
    if (wanted("optimizer"))
        bench::bench_optimizers(s, report);
    if (wanted("training"))
        bench::bench_training(s, report);
    if (wanted("threads"))
        bench::bench_threads(s, report);
    if (json)
        std::cout << json_text(report.json, 2) << '\n';
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::finish_stdout("cgp-bench", cgp::cli::guard("cgp-bench", [&] { return run(argc, argv); }));
}
