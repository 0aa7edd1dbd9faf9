// conformance.hpp: the plugin conformance checks, shared by the cgp-conformance program and the test
// suite. Each check loads the plugin in a child process of its own and runs there, so a crash, an
// abort or a hang fails that one check and the caller goes on with the next.
#pragma once

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace cgp {
class Plugin;
}

namespace cgp::conformance {

enum class Status { Pass, Fail, Skip };

// "pass", "fail", "skip".
std::string_view to_string(Status status);

struct Outcome {
    Status status = Status::Pass;
    std::string detail; // one line: what was seen (on failure: what, where, and what to try)
};

struct Check {
    std::string_view name;    // e.g. "descent"
    std::string_view summary; // one line saying what passing means
    // Runs inside the child process with the plugin loaded. Fails by throwing (see check_support.hpp).
    Outcome (*run)(const Plugin& plugin);
};

// Every check, in the order they are reported.
std::span<const Check> all_checks();
// The check with this name, or nullptr.
const Check* find_check(std::string_view name);

// The per-check time limit when none is given.
inline constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

// Loads the plugin file and runs one check on it in a child process, killed after `timeout`.
Outcome run_check(const std::filesystem::path& plugin_file, const Check& check,
                  std::chrono::milliseconds timeout = kDefaultTimeout);

} // namespace cgp::conformance
