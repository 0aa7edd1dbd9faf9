// landscape.hpp: the loss landscape of a trained network: the loss over a whole dataset evaluated
// batched through the SIMD tape (f64), random directions normalised per tensor (Li et al. 2018,
// "Visualizing the Loss Landscape of Neural Nets"), the loss along the line from the initial to the
// final parameters, a 2-D slice around the final parameters, and a run's path projected onto the
// slice's plane.
#pragma once

#include <cgp/data/data.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/tape/tape.hpp>
#include <cgp/training/experiment.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace cgp::landscape {

// The samples a run's loss is measured on: the first ceil(N / B) batches the run trained on (N
// samples in its dataset, batch size B), drawn by its own sampler from its sampling seed, so each
// sample is what the model saw (the CGP sampler divides each batch by its largest value; the epoch
// sampler covers the dataset once). The rows of batch k are rows [k * B, (k + 1) * B).
Dataset run_samples(const Experiment& ex);

// L(params) = (1/N) * sum over the N samples and every output of (y - t)^2: the training loss of
// the tape, over many samples instead of one batch (over run_samples: the mean of the batch losses). The data is loaded once into tapes of at
// most `chunk` samples; each evaluation is one forward pass per chunk and allocates nothing.
class DatasetLoss {
public:
    DatasetLoss(const Graph& graph, const Dataset& data, std::size_t chunk = 4096, SimdPath simd = SimdPath::Auto);
    double operator()(std::span<const double> params);
    std::size_t samples() const noexcept { return samples_; }
    std::size_t param_count() const noexcept { return params_; }

private:
    std::vector<Tape<double>> tapes_;
    std::size_t samples_ = 0, params_ = 0;
};

// Two random directions, each tensor of each (parameter_tensors(graph)) drawn N(0, 1) and scaled to
// the norm of the same tensor of `center` (filter normalisation). Throws cgp::Error when a direction
// is zero (every tensor of center is zero) or the two are parallel (cosine above 0.999: too few
// parameters), with a hint.
std::array<std::vector<double>, 2> filter_normalised_directions(const Graph& graph, std::span<const double> center,
                                                                std::uint64_t seed);

// The loss at (1 - alpha) * from + alpha * to for `points` values of alpha evenly from lo to hi.
struct Line {
    std::vector<double> alpha, loss;
};
Line line_losses(DatasetLoss& loss, std::span<const double> from, std::span<const double> to, double lo, double hi,
                 std::size_t points);

// The loss at center + a * d1 + b * d2 on a resolution x resolution grid over the box
// [amin, amax] x [bmin, bmax].
struct Slice {
    std::vector<double> a, b; // the grid's coordinates (resolution each)
    std::vector<double> loss; // row-major: loss[ib * resolution + ia]
};
Slice slice_losses(DatasetLoss& loss, std::span<const double> center, const std::array<std::vector<double>, 2>& d,
                   std::array<double, 4> box, std::size_t resolution);

// A point's coordinates in the plane center + a * d1 + b * d2 (least squares: the nearest point of
// the plane), and its distance from that plane.
struct Projected {
    double a = 0, b = 0, off_plane = 0;
};
Projected project(std::span<const double> point, std::span<const double> center,
                  const std::array<std::vector<double>, 2>& d);

} // namespace cgp::landscape
