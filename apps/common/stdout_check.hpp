// stdout_check.hpp: the last thing every cgp program does: make sure its standard output was written.
#pragma once

namespace cgp::cli {

// Flushes and closes standard output (std::cout and stdout) and checks every step: results printed
// to a full disk, a closed pipe or /dev/full fail the program with the system's reason on stderr
// (exit 1) instead of exiting 0. Returns `status` when everything was written, or when `status`
// already reports a failure.
int finish_stdout(const char* program, int status);

} // namespace cgp::cli
