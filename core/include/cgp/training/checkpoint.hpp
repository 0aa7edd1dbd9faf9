// cgp/training/checkpoint.hpp: everything needed to continue a training run exactly, and its file format.
//
// File layout (all integers little-endian):
//   8 bytes   magic "CGPCKPT\n"
//   u32       format version (kCheckpointFormat)
//   u64       payload length
//   payload   the fields of Checkpoint, in the order written by serialize_checkpoint(); format 1
//             ends with the sampler state, format 2 adds the observers' states after it, format 3 the
//             transforms' settings and state (TransformRecord) after those, format 4 the --group
//             settings (u64 count, then each as a string) after the transforms, format 5 the loss
//             (a string: "mse", "huber", ...) and the optimizer's run state (u64 count, then each
//             value as f64: cgp.run_state/1) after the groups
//   u32       CRC-32 (Boost.CRC, the zlib/PNG polynomial) of version, length and payload
// Files are written atomically (temporary file, fsync, rename): a crash while writing leaves the
// previous checkpoint in place. A truncated file, a flipped byte, a foreign file or a newer format
// is refused with a message saying which. Formats 1 to 4 are still read (no loss and no run state;
// format 1 to 3: no groups; format 1 and 2: no transforms either), and written back in their own format.
#pragma once

#include <cgp/training/trainer.hpp>
#include <cgp/training/transforms.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace cgp {

inline constexpr std::uint32_t kCheckpointFormat = 5;

struct Checkpoint {
    // What the run is: checked on resume.
    std::string model_name;
    std::uint64_t model_fingerprint = 0;
    std::uint64_t data_fingerprint = 0;
    std::string dtype; // "f32" or "f64"
    std::string plugin_id;
    std::string plugin_version;
    std::vector<std::pair<std::string, double>> hparams;
    std::uint64_t batch_size = 0;
    std::uint64_t log_every = 0;
    std::uint64_t seed = 0;
    std::string loss; // --loss; format 5 on (empty in older files: not checked)
    // Where it is.
    LoopState loop;
    std::uint64_t param_count = 0;
    std::vector<std::uint8_t> params;             // param_count values of dtype, raw
    std::vector<std::vector<std::uint8_t>> state; // each optimizer state array, raw
    std::string sampler_state;
    // Format 2 on: each stateful observer's key and state.
    std::vector<std::pair<std::string, std::string>> observers;
    TransformRecord transforms;    // format 3 on; empty in older files
    std::vector<double> run_state; // format 5 on: the optimizer's run state (cgp.run_state/1)
    // The format the file was read in (written back in it, so a file round-trips byte for byte);
    // checkpoints cgp writes are always the current format.
    std::uint32_t format = kCheckpointFormat;
};

// `identity` (its fields up to seed) with the state of the run in `run`.
Checkpoint capture_checkpoint(const Checkpoint& identity, const RunSnapshot& run);

// Gives every stateful observer its state from c. Returns notes for observers whose state c lacks
// (they start afresh: the checkpoint was written without them, or by a format-1 cgp).
std::vector<std::string> restore_observers(const Checkpoint& c, std::span<TrainObserver* const> observers);

std::vector<std::uint8_t> serialize_checkpoint(const Checkpoint& c);
// Parses a whole file's bytes; `origin` names it in errors. Throws cgp::Error.
Checkpoint parse_checkpoint(std::span<const std::uint8_t> bytes, const std::string& origin);

void write_checkpoint(const std::filesystem::path& path, const Checkpoint& c);
Checkpoint read_checkpoint(const std::filesystem::path& path);

// 64-bit fingerprint of a dataset's names and values (FNV-1a).
std::uint64_t fingerprint(const Dataset& d);

} // namespace cgp
