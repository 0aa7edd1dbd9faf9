// cgp/training/memory_estimate.hpp: a run's memory, estimated before anything is allocated, and
// the memory the system can give it.
//
// The model: about kBytesPerDenseParameter bytes for each parameter of a generated layered model
// (--layers, built as dense layers): peak RSS of `cgp-run --layers 2048 2048 2048 1 --iterations 1
// --dataset-size 64` with adam is 7 MB for the process plus 16 bytes a parameter in f32 and 32 in
// f64: the parameters (their initial values drawn in place), gradients and the optimizer's two
// state arrays, nothing else per parameter; 40 covers f64 with room for the batch. Other models (statements, a `layers`
// line) are lowered node by node: about kBytesPerParameter bytes each (400-420 measured, most of it
// the graph and the compiled tape). Plus the data set: generated data 8 bytes per value and sample
// (inputs and label), a CSV file twice its size (its text and its parsed values). Parameters are
// counted from the spec: exactly for a `layers` model, for other models one per 4 bytes of
// expression text (an upper bound).
#pragma once

#include <cgp/language/model.hpp>
#include <cgp/training/experiment.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace cgp {

inline constexpr std::uint64_t kBytesPerParameter = 512;
inline constexpr std::uint64_t kBytesPerDenseParameter = 40;

struct MemoryEstimate {
    std::uint64_t parameters = 0;  // counted or bounded from the spec
    std::uint64_t model_bytes = 0; // building, compiling and training the model
    std::uint64_t data_bytes = 0;  // the data set
    bool bounded = false;          // parameters is an upper bound (a model not made of layers)
    std::uint64_t total() const { return model_bytes + data_bytes; }
};

MemoryEstimate estimate_run_memory(const ModelSpec& model, const DataChoice& data);
// The model part for --layers sizes, before the layered model's text is generated (which for wide
// layers is itself large).
MemoryEstimate estimate_layers_memory(const std::vector<int>& layers);

// MemAvailable from /proc/meminfo, lowered to the room left under this process's cgroup limit
// (cgroup v2 memory.max or v1 memory.limit_in_bytes) when there is one; nullopt when unknown.
std::optional<std::uint64_t> available_memory();

// Throws cgp::Error with the estimate and a hint when the run needs more memory than available.
// The environment variable CGP_NO_MEMORY_CHECK=1 skips the check. Returns `model`, so it can run
// before the model is built.
const ModelSpec& check_run_memory(const ModelSpec& model, const DataChoice& data);
void check_run_memory(const MemoryEstimate& estimate);
// The same check against a given amount available (nullopt: unknown, always accepted); the
// environment variable is not read.
void check_run_memory(const MemoryEstimate& estimate, std::optional<std::uint64_t> available);

// The optimizer's state arrays (arrays x parameters x width bytes, which the estimate above counts
// as a few per parameter only), checked before they are allocated: throws cgp::Error naming the
// optimizer and what to try when they need more than the memory available. Below
// kStateBytesUnchecked nothing is read; CGP_NO_MEMORY_CHECK=1 skips the check.
inline constexpr std::uint64_t kStateBytesUnchecked = std::uint64_t{64} << 20;
void check_state_memory(const std::string& optimizer, std::uint64_t arrays, std::uint64_t parameters,
                        std::uint64_t width);
// The same against a given amount available (nullopt: unknown, always accepted); no environment read.
void check_state_memory(const std::string& optimizer, std::uint64_t arrays, std::uint64_t parameters,
                        std::uint64_t width, std::optional<std::uint64_t> available);

} // namespace cgp
