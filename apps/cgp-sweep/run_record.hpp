// run_record.hpp: one finished grid run as a line of JSON, exact: every double is written as a
// hexadecimal float ("0x1.8p-3", "inf", "nan"), so a run read back from a journal, a shard file or
// another MPI rank gives the same tables and files, bit for bit.
#pragma once

#include "runner.hpp"

#include <string>

namespace cgp::sweep {

// The run with its task index (point * seeds + seed number).
std::string run_record_json(std::size_t task, const RunResult& run);
// Throws cgp::Error naming `origin` for text that is not a run record.
RunResult parse_run_record(const std::string& text, const std::string& origin, std::size_t* task = nullptr);

} // namespace cgp::sweep
