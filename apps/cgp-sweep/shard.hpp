// shard.hpp: a grid sweep split into N shards for the array jobs of any scheduler.
//
// `cgp-sweep ... --shard I/N --out FILE` runs the tasks t with t mod N = I (task t: point t / seeds,
// seed number t mod seeds) and writes FILE: a header line (JSON: format, the sweep's fingerprint,
// I, N, the task count and the arguments that rebuild the sweep) and one run record per line
// (run_record.hpp). `cgp-sweep merge FILES... --out DIR` checks that the files are the N shards
// of one sweep, each once, and writes the folder the sweep writes on one machine.
#pragma once

#include "runner.hpp"
#include "sweep_identity.hpp"

#include <map>
#include <string>
#include <vector>

namespace cgp::sweep {

struct ShardSpec {
    std::size_t index = 0, count = 1;
};

// "I/N" with I < N; throws cli::UsageError naming --shard.
ShardSpec parse_shard(const std::string& text);
// The tasks of a shard, ascending.
std::vector<std::size_t> shard_tasks(const ShardSpec& shard, std::size_t tasks);

std::string shard_text(const ShardSpec& shard, const SweepIdentity& id, std::size_t tasks,
                       const std::vector<RunResult>& runs);

// The shards of one sweep, read and checked together.
struct ShardSet {
    std::string fingerprint;
    std::vector<std::string> args;
    std::size_t tasks = 0;
    std::vector<RunResult> runs; // by task
};
// Throws cgp::Error naming the file and what is wrong: not a shard file, shards of different
// sweeps, a shard given twice, a missing shard, a shard missing runs.
ShardSet read_shards(const std::vector<std::string>& files);

} // namespace cgp::sweep
