// run_input.hpp: what cgp-landscape draws from a run: the parameters along its path, recorded while
// the run trains, and the initial and final parameters of a cgp-run --trace, checked against the
// model and settings of the run being drawn.
#pragma once

#include <cgp/graph/graph.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/trainer.hpp>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace cgp::landscape {

// Records the parameters after every `every` iterations (iteration 0 is the initial point). The
// storage is reserved up front, so recording allocates nothing inside the training loop.
class PathRecorder final : public TrainObserver {
public:
    PathRecorder(std::span<const double> initial, std::uint64_t iterations, std::uint64_t every);
    void on_iteration(const TrainStatus& s, const RunSnapshot& snapshot) override;
    // Adds the final parameters when the last recorded point is not at `iteration`.
    void finish(std::span<const double> final_params, std::uint64_t iteration);

    std::size_t size() const noexcept { return iterations_.size(); }
    std::uint64_t iteration(std::size_t k) const noexcept { return iterations_[k]; }
    std::span<const double> point(std::size_t k) const noexcept
    {
        return std::span<const double>(values_).subspan(k * n_, n_);
    }

private:
    std::size_t n_;
    std::uint64_t every_;
    std::size_t limit_;          // points reserved, the final one included
    std::vector<double> values_; // size() points of n_ parameters
    std::vector<std::uint64_t> iterations_;
};

// The parameters a trace holds.
struct TraceParams {
    std::vector<double> initial, final;
};

// Reads DIR/trace.json (or the JSON file given) and checks that it is a trace of this model
// (parameter names and graph) recorded with these settings (iterations done, batch size, seed,
// dtype, optimizer and hyperparameters), with both parameter lists. Throws cgp::Error naming the
// file, what differs and what to try.
TraceParams read_trace(const std::filesystem::path& path, const Graph& graph, const RunSettings& settings,
                       const PluginOptimizer& optimizer);

// Checks that a re-run reproduced a trace's parameters (largest difference at most 1e-9 relative
// to the parameters' size); throws cgp::Error naming the parameter that differs.
void check_reproduced(const std::filesystem::path& trace, std::span<const double> recorded,
                      std::span<const double> rerun, const Graph& graph, const char* which);

} // namespace cgp::landscape
