// conformance.hpp: the plugin conformance checks, shared by the cgp-conformance program and the test
// suite. Each check loads the plugin in a child process of its own and runs there, so a crash, an
// abort or a hang fails that one check and the caller goes on with the next.
#pragma once

#include <chrono>
#include <cstdint>
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

// The SIMD variants the SDK builds on x86-64, widest first, and the CGP_ISA_DISABLE value that leaves
// each the widest one a plugin may pick (the baseline "sse2" is always built).
struct IsaVariant {
    std::string_view name;    // as simd_path() names it: "avx512f", "avx2", "sse2"
    std::uint32_t isa;        // CGP_ISA_* bits it needs (0 for the baseline)
    std::string_view disable; // CGP_ISA_DISABLE to steer a plugin to it
};
std::span<const IsaVariant> isa_variants();
const IsaVariant* find_isa_variant(std::string_view name);
// --variant: every check steps this variant (sets CGP_ISA_DISABLE for this process and its children).
void select_variant(const IsaVariant& variant);
const std::string& selected_variant(); // "" when none was selected
// "" when this process's plugin steps `variant`; else why not (not built, not on this CPU, or the
// plugin cannot be steered to it). Call in a process that has not stepped the plugin yet.
std::string variant_unavailable(const Plugin& plugin, const IsaVariant& variant);

// The per-check time limit when none is given.
inline constexpr std::chrono::milliseconds kDefaultTimeout{10'000};

// Loads the plugin file and runs one check on it in a child process, killed after `timeout`.
Outcome run_check(const std::filesystem::path& plugin_file, const Check& check,
                  std::chrono::milliseconds timeout = kDefaultTimeout);
// Inside a check: the time limit run_check gave it, for the children a check starts itself.
std::chrono::milliseconds check_timeout();

} // namespace cgp::conformance
