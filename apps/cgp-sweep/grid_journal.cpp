// The grid journal: one atomically written run record per finished run, beside the output.
#include "grid_journal.hpp"

#include "out_folder.hpp"
#include "run_record.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>

namespace cgp::sweep {
namespace fs = std::filesystem;

GridJournal::GridJournal(const fs::path& out, const std::string& fingerprint) : folder_(beside(out, ".journal"))
{
    std::error_code ec;
    const fs::path id = folder_ / "sweep.txt";
    if (fs::is_regular_file(id, ec) && read_input_file(id, "sweep journal", kConfigFileLimit) != fingerprint + "\n") {
        fs::remove_all(folder_, ec);
        cleared_ = true;
    }
    fs::create_directories(folder_, ec);
    if (!fs::is_directory(folder_))
        throw Error(fmt::format("cannot create the sweep journal '{}': {}\nhint: make the folder of --out writable",
                                folder_.string(), ec ? ec.message() : "not a folder"));
    if (!fs::is_regular_file(id, ec)) {
        AtomicFile f(id);
        f.write(fingerprint + "\n");
        f.commit();
    }
}

std::map<std::size_t, RunResult> GridJournal::read(std::size_t tasks) const
{
    std::map<std::size_t, RunResult> runs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder_, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("run-", 0) != 0 || entry.path().extension() != ".json")
            continue;
        std::size_t task = 0;
        RunResult run = parse_run_record(read_input_file(entry.path(), "run record", kConfigFileLimit * 64),
                                         entry.path().string(), &task);
        if (task >= tasks || name != fmt::format("run-{}.json", task))
            throw Error(fmt::format("{}: the record is of task {}, not of this file's task of this sweep\nhint: remove "
                                    "the file to run it again",
                                    entry.path().string(), task));
        runs.emplace(task, std::move(run));
    }
    return runs;
}

void GridJournal::write(std::size_t task, const RunResult& run) const
{
    try {
        AtomicFile f(folder_ / fmt::format("run-{}.json", task));
        f.write(run_record_json(task, run) + "\n");
        f.commit();
    } catch (const Error& e) {
        if (!warned_.exchange(true))
            fmt::print(stderr, "cgp-sweep: cannot record a finished run in the journal: {}\n", e.what());
    }
}

void GridJournal::remove() const
{
    std::error_code ec;
    fs::remove_all(folder_, ec);
}

} // namespace cgp::sweep
