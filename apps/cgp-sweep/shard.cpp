// Shard files of a grid sweep: writing one, and reading and checking a set for cgp-sweep merge.
#include "shard.hpp"

#include "../common/cli.hpp"
#include "run_record.hpp"

#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <optional>

namespace cgp::sweep {
namespace {

using json = nlohmann::ordered_json;
constexpr const char* kFormat = "cgp-sweep shard 1";

std::optional<std::size_t> whole(std::string_view text)
{
    std::size_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

} // namespace

ShardSpec parse_shard(const std::string& text)
{
    const std::size_t slash = text.find('/');
    const auto i = whole(std::string_view(text).substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : whole(std::string_view(text).substr(slash + 1));
    if (!i || !n || *n == 0)
        throw cli::UsageError(fmt::format("--shard {}: expected I/N, the shard's number and the number of shards, "
                                          "e.g. --shard 0/4",
                                          text));
    if (*i >= *n)
        throw cli::UsageError(
            fmt::format("--shard {}: the shard number must be below the number of shards (0 to {})", text, *n - 1));
    return {*i, *n};
}

std::vector<std::size_t> shard_tasks(const ShardSpec& shard, std::size_t tasks)
{
    std::vector<std::size_t> out;
    for (std::size_t t = shard.index; t < tasks; t += shard.count)
        out.push_back(t);
    return out;
}

std::string shard_text(const ShardSpec& shard, const SweepIdentity& id, std::size_t tasks,
                       const std::vector<RunResult>& runs)
{
    const json header{{"format", kFormat},     {"sweep", id.fingerprint}, {"shard", shard.index},
                      {"shards", shard.count}, {"tasks", tasks},          {"args", id.args}};
    std::string out = header.dump() + "\n";
    for (std::size_t t : shard_tasks(shard, tasks))
        out += run_record_json(t, runs[t]) + "\n";
    return out;
}

ShardSet read_shards(const std::vector<std::string>& files)
{
    if (files.empty())
        throw cli::UsageError("cgp-sweep merge needs the shard files: cgp-sweep merge SHARD... --out DIR");
    ShardSet set;
    std::vector<std::string> seen; // file of each shard number
    std::string first;
    for (const std::string& file : files) {
        const std::string text = read_input_file(file, "shard file", 1ull << 32);
        const std::size_t eol = text.find('\n');
        json header;
        try {
            header = json::parse(text.substr(0, eol));
            if (header.at("format").get<std::string>() != kFormat)
                throw Error("");
        } catch (const std::exception&) {
            throw Error(fmt::format("{}: not a cgp-sweep shard file\nhint: give the files that cgp-sweep --shard I/N "
                                    "--out FILE wrote",
                                    file));
        }
        const std::string sweep = header.at("sweep").get<std::string>();
        const auto index = header.at("shard").get<std::size_t>();
        const auto count = header.at("shards").get<std::size_t>();
        const auto tasks = header.at("tasks").get<std::size_t>();
        if (first.empty()) {
            first = file;
            set.fingerprint = sweep;
            set.args = header.at("args").get<std::vector<std::string>>();
            set.tasks = tasks;
            seen.assign(count, {});
            set.runs.resize(tasks);
        } else if (sweep != set.fingerprint || count != seen.size() || tasks != set.tasks) {
            throw Error(fmt::format("{}: a shard of another sweep than {} (sweep {} in {} shards, not {} in {})\nhint: "
                                    "merge the shards of one sweep only",
                                    file, first, sweep, count, set.fingerprint, seen.size()));
        }
        if (index >= count)
            throw Error(fmt::format("{}: shard {} of {} is not a shard number\nhint: give the files that cgp-sweep "
                                    "--shard I/N --out FILE wrote",
                                    file, index, count));
        if (!seen[index].empty())
            throw Error(fmt::format("{}: shard {}/{} is given twice ({} and {})\nhint: give each shard once", file,
                                    index, count, seen[index], file));
        seen[index] = file;
        std::vector<bool> have(tasks, false);
        std::size_t line_start = eol == std::string::npos ? text.size() : eol + 1, line = 2;
        while (line_start < text.size()) {
            std::size_t end = text.find('\n', line_start);
            if (end == std::string::npos)
                end = text.size();
            std::size_t task = 0;
            RunResult run =
                parse_run_record(text.substr(line_start, end - line_start), fmt::format("{}:{}", file, line), &task);
            if (task >= tasks || task % count != index)
                throw Error(
                    fmt::format("{}:{}: task {} does not belong to shard {}/{}", file, line, task, index, count));
            have[task] = true;
            set.runs[task] = std::move(run);
            line_start = end + 1;
            ++line;
        }
        for (std::size_t t = index; t < tasks; t += count)
            if (!have[t])
                throw Error(fmt::format("{}: shard {}/{} lacks the run of task {}: the file is incomplete\nhint: run "
                                        "that shard again",
                                        file, index, count, t));
    }
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (seen[i].empty())
            throw Error(fmt::format("shard {}/{} is missing (given: {} of {} shards)\nhint: give every shard file of "
                                    "the sweep, 0/{} to {}/{}",
                                    i, seen.size(), files.size(), seen.size(), seen.size(), seen.size() - 1,
                                    seen.size()));
    return set;
}

} // namespace cgp::sweep
