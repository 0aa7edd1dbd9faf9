// The fingerprint of a grid sweep and the arguments that rebuild it (cgp-sweep merge).
#include "sweep_identity.hpp"

#include "runner.hpp"
#include "search.hpp"

#include <cgp/io/read_file.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <string_view>

namespace cgp::sweep {
namespace po = boost::program_options;
namespace fs = std::filesystem;
namespace {

constexpr std::array<std::string_view, 4> kPlacement = {"shard", "out", "force", "jobs"};
constexpr std::array<std::string_view, 6> kPresentation = {"quiet", "formats",  "no-plots",
                                                           "log-y", "no-log-y", "smooth"};

template <std::size_t N>
bool among(const std::array<std::string_view, N>& names, const std::string& key)
{
    return std::find(names.begin(), names.end(), key) != names.end();
}

std::string file_text(const std::string& path)
{
    std::error_code ec;
    if (path.empty() || !fs::is_regular_file(path, ec))
        return {};
    return fmt::format("{:016x}", text_key(read_input_file(path, "sweep input", 1ull << 32)));
}

} // namespace

SweepIdentity sweep_identity(int argc, char** argv, const po::options_description& all, const std::string& config,
                             const Plan& plan)
{
    SweepIdentity id;
    std::string defining;
    const po::parsed_options parsed = po::command_line_parser(argc, argv).options(all).run();
    for (const po::option& opt : parsed.options) {
        if (!among(kPlacement, opt.string_key))
            id.args.insert(id.args.end(), opt.original_tokens.begin(), opt.original_tokens.end());
        if (among(kPlacement, opt.string_key) || among(kPresentation, opt.string_key))
            continue;
        defining += opt.string_key;
        for (const std::string& v : opt.value)
            defining += "\x1f" + v;
        defining += "\n";
    }
    defining += "config " + file_text(config) + "\n";
    for (const SweepModel& m : plan.models)
        defining += "model " + m.name + " " + file_text(m.name) + "\n";
    for (const auto& o : plan.optimizers)
        defining += fmt::format("optimizer {} {} {}\n", o->id(), o->version(), o->path().string());
    std::vector<std::string> data;
    for (const Point& p : plan.points)
        for (const std::string* f : {&p.data.source, &p.data.validation, &p.data.test})
            if (std::find(data.begin(), data.end(), *f) == data.end())
                data.push_back(*f);
    for (const std::string& f : data)
        defining += "data " + f + " " + file_text(f) + "\n";
    for (std::size_t t = 0; t < plan.points.size() * plan.seeds; ++t)
        defining += describe_task(plan, t) + "\n";
    id.fingerprint = fmt::format("{:016x}", text_key(defining));
    return id;
}

} // namespace cgp::sweep
