// landscape_figure.hpp: cgp-landscape's outputs: the gnuplot script of the figure (the slice's
// contours with the run's projected path, and the loss along the line from the initial to the final
// parameters) and the CSV of the slice, the line and the path.
#pragma once

#include "landscape.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cgp::landscape {

// The run's path in the slice's plane: each recorded point's coordinates and its loss.
struct PlanePath {
    std::vector<std::uint64_t> iteration;
    std::vector<Projected> points;
    std::vector<double> loss; // the loss at the recorded parameters themselves (not at their projection)
};

// The figure's script (renders default_output unless `out` is set). Either part may be empty (no
// slice: the line alone; no line: the slice alone).
std::string landscape_script(const Slice& slice, const PlanePath& path, const Line& line, const std::string& title,
                             const std::string& default_output);

// a,b,loss: one row per point of the slice.
std::string slice_csv(const Slice& slice);
// alpha,loss: one row per point of the line (alpha 0: initial parameters, 1: final).
std::string line_csv(const Line& line);
// iteration,a,b,off_plane,loss: one row per recorded point of the path.
std::string path_csv(const PlanePath& path);

} // namespace cgp::landscape
