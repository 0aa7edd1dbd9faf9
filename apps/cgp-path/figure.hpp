// figure.hpp: cgp-path's outputs: the gnuplot script (contours with the paths and their ends, a 3-D
// view of the surface, the loss against the step), the optional GIF animation, and the paths' CSV.
#pragma once

#include "path.hpp"

#include <string>
#include <vector>

namespace cgp::path {

// Contour levels for values in [lo, hi]: log-spaced above lo when the range spans more than two
// decades above its minimum (a narrow valley in a steep bowl), evenly spaced otherwise.
std::vector<double> contour_levels(double lo, double hi, std::size_t count, bool& log_spaced);

// The script of the figure (renders default_output unless `out` is set).
std::string path_script(const Surface& surface, const std::vector<Path>& paths, const std::string& title,
                        const std::string& default_output);

// The script of a GIF animation: one frame per `stride` steps, the paths growing on the contours.
std::string animation_script(const Surface& surface, const std::vector<Path>& paths, const std::string& title,
                             const std::string& gif);

// path,step,x,y,loss: one row per point of every path (the start is step 0).
std::string paths_csv(const std::vector<Path>& paths);

} // namespace cgp::path
