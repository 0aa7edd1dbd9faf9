// cgp-conformance: check that optimizer plugins keep the plugin contract and behave like optimizers.
//
//   cgp-conformance adam                          every check on the adam plugin
//   cgp-conformance ./build/rmsprop.so sgd        several plugins, by path or by name
//   cgp-conformance --check descent --json adam   one check, JSON report
//   cgp-conformance --list-checks                 the checks and what passing means
//   cgp-conformance --junit report.xml adam       also a JUnit XML report, for CI
//   cgp-conformance --variant avx2 adam           every check on the plugin's AVX2 variant
//
// Each check runs in a child process of its own with a time limit (--timeout), so a plugin that
// crashes, aborts or hangs fails that check and the run goes on. Results go to stdout (a table, or
// JSON with --json); progress to stderr. Exit status: 0 when nothing failed, 1 when a check failed,
// 2 for a bad command line.
#include "../common/cli.hpp"
#include "../common/stdout_check.hpp"
#include "checks/conformance.hpp"
#include "checks/isolation.hpp"
#include "report.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <iostream>
#include <optional>

namespace {

using namespace cgp;
using namespace cgp::conformance;
namespace po = boost::program_options;

constexpr const char* kProgram = "cgp-conformance";

struct Options {
    std::vector<std::string> plugins;
    std::vector<std::string> checks;
    std::vector<std::string> plugin_dirs;
    std::string junit;
    std::string variant;
    double timeout_seconds = std::chrono::duration<double>(kDefaultTimeout).count();
    bool json = false;
    bool quiet = false;
    bool list = false;
    bool help = false;
};

po::options_description visible_options(Options& o)
{
    po::options_description d("Options");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show this help")
        ("check", po::value(&o.checks)->composing()->value_name("NAME"), "run only this check (repeatable); --list-checks names them")
        ("list-checks", po::bool_switch(&o.list), "list the checks and what passing each one means")
        ("json", po::bool_switch(&o.json), "print the report as JSON")
        ("junit", po::value(&o.junit)->value_name("FILE"),
         "also write the report as JUnit XML (one testcase per check) to FILE")
        ("variant", po::value(&o.variant)->value_name("NAME"),
         "step this SIMD variant of each plugin in every check: avx512f, avx2 or sse2")
        ("timeout", po::value(&o.timeout_seconds)->default_value(o.timeout_seconds)->value_name("SECONDS"),
         "seconds each check may take before it is stopped and failed")
        ("plugin-dir", po::value(&o.plugin_dirs)->composing()->value_name("DIR"),
         "a folder to search for plugins given by name (repeatable)")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr");
    // clang-format on
    return d;
}

void print_help(const po::options_description& visible)
{
    std::cout << "cgp-conformance: check optimizer plugins against the plugin contract.\n\n"
                 "usage: cgp-conformance [options] PLUGIN [PLUGIN...]\n\n"
                 "PLUGIN is a path to a .so file, or a name (adam, adam.so) looked up like cgp-run's --optimizer:\n"
                 "each --plugin-dir, then CGP_PLUGIN_PATH, then the folders next to this program.\n\n"
              << visible << '\n';
}

int list_checks()
{
    std::size_t width = 0;
    for (const Check& c : all_checks())
        width = std::max(width, c.name.size());
    for (const Check& c : all_checks())
        fmt::print("{:<{}}  {}\n", c.name, width, c.summary);
    return cli::kOk;
}

std::vector<const Check*> selected_checks(const std::vector<std::string>& names)
{
    std::vector<const Check*> out;
    if (names.empty()) {
        for (const Check& c : all_checks())
            out.push_back(&c);
        return out;
    }
    for (const std::string& name : names) {
        const Check* c = find_check(name);
        if (c == nullptr) {
            std::string known;
            for (const Check& k : all_checks())
                known += fmt::format("{}{}", known.empty() ? "" : " ", k.name);
            throw cli::UsageError(fmt::format("--check {}: no such check; the checks are: {}", name, known));
        }
        if (std::find(out.begin(), out.end(), c) == out.end())
            out.push_back(c);
    }
    return out;
}

PluginRecord check_plugin(const std::string& spec, const std::vector<std::filesystem::path>& search,
                          const std::vector<const Check*>& checks, std::chrono::milliseconds timeout, bool quiet)
{
    PluginRecord record;
    record.spec = spec;
    record.display = std::filesystem::path(spec).filename().string();
    std::filesystem::path file;
    try {
        file = resolve_plugin(spec, search);
    } catch (const Error& e) {
        record.checks.push_back({"loading", {Status::Fail, e.what()}, 0.0});
        for (const Check* c : checks)
            if (c->name != "loading")
                record.checks.push_back({std::string(c->name), {Status::Skip, "the plugin was not found"}, 0.0});
        if (!quiet)
            fmt::print(stderr, "{}: {}: not found\n", kProgram, spec);
        return record;
    }
    record.path = file.string();
    record.display = file.filename().string();
    if (!quiet)
        fmt::print(stderr, "{}: checking {} ({} check{})\n", kProgram, record.path, checks.size(),
                   checks.size() == 1 ? "" : "s");
    bool loads = true;
    if (!selected_variant().empty()) {
        const IsaVariant& variant = *find_isa_variant(selected_variant());
        const Outcome o = run_isolated(
            [&]() -> Outcome {
                const std::string why = variant_unavailable(*Plugin::load(file), variant);
                return why.empty() ? Outcome{Status::Pass, ""} : Outcome{Status::Fail, why};
            },
            timeout);
        if (o.status == Status::Fail) {
            record.checks.push_back(
                {"variant", {Status::Fail, fmt::format("--variant {}: {}", variant.name, o.detail)}, 0.0});
            for (const Check* c : checks)
                record.checks.push_back(
                    {std::string(c->name), {Status::Skip, "the variant cannot be stepped (see variant)"}, 0.0});
            if (!quiet)
                fmt::print(stderr, "{}: {}: --variant {}: {}\n", kProgram, record.display, variant.name, o.detail);
            return record;
        }
    }
    for (const Check* c : checks) {
        CheckRecord rec;
        rec.check = c->name;
        if (!loads) {
            rec.outcome = {Status::Skip, "the plugin does not load (see check loading)"};
        } else {
            const auto start = std::chrono::steady_clock::now();
            rec.outcome = run_check(file, *c, timeout);
            rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (c->name == "loading" && rec.outcome.status == Status::Fail)
                loads = false;
        }
        if (!quiet)
            fmt::print(stderr, "{}: {} {}: {} ({:.2f} s)\n", kProgram, record.display, c->name,
                       to_string(rec.outcome.status), rec.seconds);
        record.checks.push_back(std::move(rec));
    }
    return record;
}

int run(int argc, char** argv)
{
    Options o;
    const po::options_description visible = visible_options(o);
    po::options_description hidden;
    // clang-format off
    hidden.add_options()("plugin", po::value(&o.plugins)->composing(), "plugin files or names");
    // clang-format on
    po::options_description all;
    all.add(visible).add(hidden);
    po::positional_options_description positional;
    positional.add("plugin", -1);
    try {
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw cli::UsageError(e.what());
    }
    if (o.help) {
        print_help(visible);
        return cli::kOk;
    }
    if (o.list)
        return list_checks();
    if (o.plugins.empty())
        throw cli::UsageError("name at least one plugin, e.g. cgp-conformance adam or cgp-conformance ./rmsprop.so");
    if (!(o.timeout_seconds > 0) || !std::isfinite(o.timeout_seconds))
        throw cli::UsageError(fmt::format("--timeout {}: give a positive number of seconds", o.timeout_seconds));
    const auto timeout = std::chrono::milliseconds(static_cast<long long>(std::ceil(o.timeout_seconds * 1000)));
    const std::vector<const Check*> checks = selected_checks(o.checks);
    if (!o.variant.empty()) {
        const IsaVariant* variant = find_isa_variant(o.variant);
        if (variant == nullptr) {
            std::string known;
            for (const IsaVariant& v : isa_variants())
                known += fmt::format("{}{}", known.empty() ? "" : ", ", v.name);
            throw cli::UsageError(
                fmt::format("--variant {}: no such SIMD variant; the variants are: {}", o.variant, known));
        }
        select_variant(*variant);
    }
    std::optional<AtomicFile> junit;
    if (!o.junit.empty()) {
        check_output_path(o.junit, "--junit");
        junit.emplace(o.junit);
    }
    const auto search = plugin_search_path({o.plugin_dirs.begin(), o.plugin_dirs.end()});

    std::vector<PluginRecord> records;
    for (const std::string& spec : o.plugins)
        records.push_back(check_plugin(spec, search, checks, timeout, o.quiet));

    std::cout << (o.json ? json_text(records) : table_text(records)) << std::flush;
    if (junit) {
        junit->write(junit_text(records));
        junit->commit();
    }
    const Summary summary = summarize(records);
    if (!o.quiet && summary.failed > 0)
        fmt::print(stderr, "{}: {}\n", kProgram, summary_line(records));
    return summary.failed == 0 ? cli::kOk : cli::kFailure;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::finish_stdout(kProgram, cgp::cli::guard(kProgram, [&] { return run(argc, argv); }));
}
