// cgp/training/checkpoint_writer.hpp: the observer that writes checkpoints: every `every` iterations
// and once more when the run stops (unless it stops on a non-finite value: the last good checkpoint
// is kept). It reads the run through the read-only snapshot the loop hands its observers.
#pragma once

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/trainer.hpp>

#include <cstdint>
#include <filesystem>

namespace cgp {

struct CheckpointSettings {
    std::filesystem::path path; // write checkpoints here (atomically), when set
    std::uint64_t every = 0;    // ... also every this many iterations (0: only at the end)
};

class CheckpointWriter final : public TrainObserver {
public:
    // `identity`: what the run is (the fields of Checkpoint up to seed), written into every file.
    CheckpointWriter(CheckpointSettings settings, Checkpoint identity);
    void on_begin(const TrainStatus& s) override;
    void on_iteration(const TrainStatus& s, const RunSnapshot& run) override;
    void on_last_iteration(StopReason reason, const RunSnapshot& run) override;

private:
    void write(const RunSnapshot& run);
    CheckpointSettings settings_;
    Checkpoint identity_;
    std::uint64_t written_ = 0; // iteration of the last file written (or of the start)
};

} // namespace cgp
