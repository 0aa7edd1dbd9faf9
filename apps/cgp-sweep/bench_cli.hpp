// bench_cli.hpp: the benchmark subcommands of cgp-sweep (docs/benchmarking.md).
//
//   cgp-sweep bench --suite course --optimizers sgd,sgdplus,adam --search "lr=loguniform(1e-4,1)"
//                   --budget 20 --seeds 5 --out bench
//   cgp-sweep report bench
//
// bench tunes and measures every optimizer on every problem (bench.hpp), journalling each trial in
// DIR/trials/ as it finishes; the same command on the same folder resumes where it stopped. The
// folder's bench.json records the benchmark's definition; a different definition is refused (or,
// with --force, started over). report rebuilds DIR's report files from bench.json and the journal.
#pragma once

namespace cgp::sweep {

int bench_main(int argc, char** argv);  // argv[0] is "bench"
int report_main(int argc, char** argv); // argv[0] is "report"

} // namespace cgp::sweep
