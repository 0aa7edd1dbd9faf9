// sweep_identity.hpp: what makes two grid sweeps the same sweep, for the journal, shards and MPI.
//
// The fingerprint hashes the options that define the runs (every option given on the command line
// except those that only say where and how the results are shown: --out, --shard, --force, --jobs,
// --quiet, --formats, --no-plots, --log-y, --no-log-y, --smooth), the contents of the --config,
// model and data files, each optimizer's id, version and path, and the planned runs. The same
// command on the same files resumes; any change to what the runs compute starts over.
#pragma once

#include "grid.hpp"

#include <boost/program_options.hpp>

#include <string>
#include <vector>

namespace cgp::sweep {

struct SweepIdentity {
    std::string fingerprint;       // 16 hex digits
    std::vector<std::string> args; // the command's arguments without --shard, --out, --force and --jobs
};

SweepIdentity sweep_identity(int argc, char** argv, const boost::program_options::options_description& all,
                             const std::string& config, const Plan& plan);

} // namespace cgp::sweep
